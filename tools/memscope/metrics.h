/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool: the module's state as a node_exporter textfile
 * (Prometheus text exposition format 0.0.4).
 */
#ifndef MEMSCOPE_METRICS_H
#define MEMSCOPE_METRICS_H

#include <stdio.h>

#include "snapshot.h"

/*
 * Write every family @s allows to @f, stamped with @now_s (the heartbeat,
 * seconds since the epoch). @want is the set of views asked for: each
 * gets a memscope_view_up sample, 0 when it could not be read.
 */
void ms_metrics_write(FILE *f, const struct ms_snapshot *s, unsigned int want,
		      double now_s);

#endif /* MEMSCOPE_METRICS_H */

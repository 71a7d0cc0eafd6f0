/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscoped: the module's state (levels, headroom, watermarks, free
 * blocks, fragmentation, reclaim counters, reserved owners, build info,
 * heartbeat) in the textfile, read from the debugfs views by the memscope
 * tool's own parsers (tools/memscope), not a copy of them.
 */
#ifndef MEMSCOPED_STATE_H
#define MEMSCOPED_STATE_H

#include <stdio.h>

/* An msd_metrics_write_with() writer; @ctx is the debugfs directory. */
int msd_state_write(FILE *out, void *ctx);
/* The next msd_state_write() reads the views again, however recent they are. */
void msd_state_invalidate(void);

#endif /* MEMSCOPED_STATE_H */

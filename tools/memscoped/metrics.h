/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscoped: counters and latest values, written as a Prometheus textfile
 * for node_exporter's textfile collector.
 */
#ifndef MEMSCOPED_METRICS_H
#define MEMSCOPED_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/memscope.h>

#include "names.h"

struct msd_metrics {
	/* Records by reason, level (msd_event_level) and trigger kind. */
	uint64_t events[MSD_NR_REASONS][MSD_NR_LEVELS][MSD_NR_KINDS];
	uint64_t dropped;		/* records the kernel dropped for us */
	uint64_t kills;			/* processes sent SIGTERM */
	uint64_t sigkills;		/* ... that needed SIGKILL after the grace period */
	uint64_t mreleases;		/* ... whose memory process_mrelease() freed */
	uint64_t dry_run_kills;		/* kills a dry run only logged */
	uint64_t commands;		/* commands started */
	uint64_t command_failures;	/* could not start, or did not exit 0 */
	/* From the latest record. */
	bool have_event;
	uint32_t level;			/* system level */
	uint64_t available_bytes;
	uint64_t free_bytes;
	double last_event_time;		/* CLOCK_REALTIME seconds it was read */
};

/* Count one record and keep its values as the latest. */
void msd_metrics_count_event(struct msd_metrics *m, const struct memscope_event *ev,
			     double now);

/* The textfile contents; 0 or -EIO. */
int msd_metrics_format(const struct msd_metrics *m, FILE *out);

/*
 * Write PATH atomically: PATH.tmp is written, then renamed over PATH, so
 * the collector never reads half a file. 0 or -errno.
 */
int msd_metrics_write(const struct msd_metrics *m, const char *path);

/*
 * The same, with @extra (if not NULL) writing more families after
 * memscoped's own: the daemon adds the module's state (state.c).
 */
int msd_metrics_write_with(const struct msd_metrics *m, const char *path,
			   int (*extra)(FILE *out, void *ctx), void *ctx);

#endif /* MEMSCOPED_METRICS_H */

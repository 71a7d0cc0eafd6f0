// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped: the module-state families of "memscope metrics", written by
 * the tool's library (tools/memscope/snapshot.c, metrics.c) into the
 * daemon's textfile. The views are read afresh for a write, so the gauges
 * are current at the heartbeat, not the values of the latest record; but
 * at most once a second: a burst of records rewrites the textfile once
 * per record, and reading five views each time would slow the daemon
 * down exactly when it has to act. A record with a new level is read
 * afresh all the same (msd_state_invalidate()): the textfile must not say
 * "low" beside a record that says "critical".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "memscope/metrics.h"
#include "memscope/snapshot.h"
#include "monotonic.h"
#include "state.h"

#define MSD_STATE_VIEWS (MS_VIEW_PRESSURE | MS_VIEW_BUDDY | MS_VIEW_RESERVED | \
			 MS_VIEW_RECLAIM | MS_VIEW_ALLOC)
#define MSD_STATE_MAX_AGE_NS 1000000000ull

static char *msd_state_text;
static size_t msd_state_len;
static uint64_t msd_state_ns;

static int msd_state_read(const char *debugfs)
{
	struct ms_roots roots = { .debugfs = debugfs, .proc = "/proc" };
	struct ms_snapshot *s = malloc(sizeof(*s));
	struct timespec now;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (!s)
		return -ENOMEM;
	f = open_memstream(&text, &len);
	if (!f) {
		free(s);
		return -errno;
	}
	/* A view that cannot be read shows as memscope_view_up 0, not on stderr. */
	ms_snapshot_quiet = true;
	ms_snapshot_load(s, &roots, MSD_STATE_VIEWS);
	clock_gettime(CLOCK_REALTIME, &now);
	ms_metrics_write(f, s, MSD_STATE_VIEWS, (double)now.tv_sec + now.tv_nsec / 1e9);
	free(s);
	if (fclose(f)) {
		free(text);
		return -EIO;
	}
	free(msd_state_text);
	msd_state_text = text;
	msd_state_len = len;
	msd_state_ns = msd_now_ns();
	return 0;
}

void msd_state_invalidate(void)
{
	msd_state_ns = 0;
	free(msd_state_text);
	msd_state_text = NULL;
}

int msd_state_write(FILE *out, void *ctx)
{
	int ret;

	if (!msd_state_text || msd_now_ns() - msd_state_ns >= MSD_STATE_MAX_AGE_NS) {
		ret = msd_state_read(ctx);
		if (ret)
			return ret;
	}
	fwrite(msd_state_text, 1, msd_state_len, out);
	return ferror(out) ? -EIO : 0;
}

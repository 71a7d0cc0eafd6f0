// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: "memscope metrics [-o FILE]": the textfile once, on
 * stdout or into FILE. node_exporter may read FILE at any moment, so it
 * is written as FILE.tmp and renamed over FILE: a reader sees the old
 * file or the new one, never half of one.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "metrics.h"

#define MS_METRICS_VIEWS (MS_VIEW_PRESSURE | MS_VIEW_BUDDY | MS_VIEW_RESERVED | \
			  MS_VIEW_RECLAIM | MS_VIEW_ALLOC)

static double ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int ms_write_atomically(const char *path, const struct ms_snapshot *s)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		fprintf(stderr, "memscope: %s: name too long\n", path);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		fprintf(stderr, "memscope: %s: %s\n", tmp, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return -1;
	}
	ms_metrics_write(f, s, MS_METRICS_VIEWS, ms_now());
	/* The data must be on disk before the name points at it. */
	if (fflush(f) || fsync(fileno(f)) || ferror(f)) {
		fprintf(stderr, "memscope: %s: %s\n", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return -1;
	}
	if (fclose(f) || rename(tmp, path)) {
		fprintf(stderr, "memscope: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int ms_cmd_metrics(const struct ms_options *o)
{
	struct ms_snapshot *s;
	int ret = 0;

	s = malloc(sizeof(*s));
	if (!s)
		return MS_EXIT_ERROR;
	/*
	 * A missing view is not an error: its families are left out and
	 * memscope_view_up says why, which is what an alert wants to see.
	 */
	ms_snapshot_load(s, &o->roots, MS_METRICS_VIEWS);
	if (o->out) {
		if (ms_write_atomically(o->out, s))
			ret = MS_EXIT_ERROR;
	} else {
		ms_metrics_write(stdout, s, MS_METRICS_VIEWS, ms_now());
		if (fflush(stdout))
			ret = MS_EXIT_ERROR;
	}
	free(s);
	return ret;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool: the "reclaim" view's event counters, parsed
 * (module/hooks_reclaim_view.c): "event NAME SINCE_LOAD SINCE_MARK UNIT
 * ORACLE". Only the since-load column is kept: it only grows while the
 * module is loaded, which makes it a Prometheus counter.
 */
#ifndef MEMSCOPE_MSPARSE_RECLAIM_H
#define MEMSCOPE_MSPARSE_RECLAIM_H

#include <stdbool.h>
#include <stdint.h>

#define MS_MAX_COUNTERS 32
#define MS_COUNTER_NAME 32

struct ms_counter {
	char name[MS_COUNTER_NAME];
	char unit[8];		/* "events", "ns" or "pages" */
	uint64_t since_load;
};

struct ms_reclaim {
	bool hooks_on;		/* "# hooks_reclaim on" */
	int nr;
	struct ms_counter c[MS_MAX_COUNTERS];
};

/* Parse @text (cut in place); 0, or -1 without any event row. */
int ms_parse_reclaim(char *text, struct ms_reclaim *r);

/* The counter called @name, or NULL. */
const struct ms_counter *ms_reclaim_counter(const struct ms_reclaim *r, const char *name);

#endif /* MEMSCOPE_MSPARSE_RECLAIM_H */

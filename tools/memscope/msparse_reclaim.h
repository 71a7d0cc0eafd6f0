/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool: the "reclaim" view, parsed (module/hooks_reclaim_view.c):
 *   event NAME SINCE_LOAD SINCE_MARK UNIT ORACLE
 *   kswapd ORDER SINCE_LOAD SINCE_MARK
 *   stall reclaim|compact LO_US HI_US SINCE_LOAD SINCE_MARK
 * The since-load column only grows while the module is loaded, which makes
 * it a Prometheus counter; the since-mark one is for the selftests.
 */
#ifndef MEMSCOPE_MSPARSE_RECLAIM_H
#define MEMSCOPE_MSPARSE_RECLAIM_H

#include <stdbool.h>
#include <stdint.h>

#include "msparse_buddy.h"	/* MS_MAX_ORDERS */
#include "msparse_text.h"	/* MS_NR_SINCE, struct ms_hooks */

#define MS_MAX_COUNTERS 32
#define MS_COUNTER_NAME 32
/* Stall buckets are log2 of microseconds: [0, 1), [1, 2), [2, 4) ... */
#define MS_STALL_BUCKETS 32

enum { MS_STALL_RECLAIM, MS_STALL_COMPACT, MS_NR_STALLS };

struct ms_counter {
	char name[MS_COUNTER_NAME];
	char unit[8];		/* "events", "ns" or "pages" */
	uint64_t since_load;
	uint64_t since_mark;
};

struct ms_reclaim {
	bool hooks_on;		/* "# hooks_reclaim on" */
	struct ms_hooks hooks;	/* the whole status line */
	int nr;
	struct ms_counter c[MS_MAX_COUNTERS];
	/* kswapd wakes by requested order */
	uint64_t kswapd[MS_NR_SINCE][MS_MAX_ORDERS];
	/*
	 * Stalls by duration: bucket i holds [2^(i-1), 2^i) us, bucket 0
	 * [0, 1); nr_buckets is the highest bucket seen + 1.
	 */
	int nr_buckets;
	uint64_t stall[MS_NR_STALLS][MS_STALL_BUCKETS][MS_NR_SINCE];
};

/* Parse @text (cut in place); 0, or -1 without any event row. */
int ms_parse_reclaim(char *text, struct ms_reclaim *r);

/* The counter called @name, or NULL. */
const struct ms_counter *ms_reclaim_counter(const struct ms_reclaim *r, const char *name);

#endif /* MEMSCOPE_MSPARSE_RECLAIM_H */

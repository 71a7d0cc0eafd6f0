/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool: the "alloc" view, parsed (module/hooks_alloc_view.c).
 * Every table has a "since load" and a "since mark" column set, kept as
 * [MS_SINCE_LOAD] and [MS_SINCE_MARK]:
 *   order   SINCE ORDER ALLOCS FREES FAILS FAILS_NOWARN PCP_DRAINED
 *   zone    SINCE NODE ZONE alloc|free COUNT... (one per order)
 *   mt      SINCE TYPE COUNT... (one per order)
 *   extfrag SINCE ALLOC_ORDER COUNT... (one per order of the block taken)
 *   extfrag_mt SINCE TYPE COUNT... SMALL (one per migratetype taken from)
 */
#ifndef MEMSCOPE_MSPARSE_ALLOC_H
#define MEMSCOPE_MSPARSE_ALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "msparse_buddy.h"	/* MS_MAX_ORDERS, MS_MAX_ZONES, MS_ZONE_NAME */
#include "msparse_text.h"	/* MS_NR_SINCE, struct ms_hooks */

/* MIGRATE_TYPES is 6 on our targets. */
#define MS_MAX_MIGRATETYPES 8

struct ms_alloc_zone {
	int node;
	char zone[MS_ZONE_NAME];
	uint64_t alloc[MS_NR_SINCE][MS_MAX_ORDERS];
	uint64_t free[MS_NR_SINCE][MS_MAX_ORDERS];
};

struct ms_alloc {
	bool hooks_on;		/* "# hooks_page on" */
	struct ms_hooks hooks;	/* the whole status line */
	int nr_orders;		/* "order" rows seen: highest order + 1 */
	uint64_t allocs[MS_NR_SINCE][MS_MAX_ORDERS];
	uint64_t frees[MS_NR_SINCE][MS_MAX_ORDERS];
	uint64_t fails[MS_NR_SINCE][MS_MAX_ORDERS];	/* fails_nowarn included */
	uint64_t fails_nowarn[MS_NR_SINCE][MS_MAX_ORDERS];
	uint64_t pcp_drained[MS_NR_SINCE][MS_MAX_ORDERS];
	int nr_zones;
	struct ms_alloc_zone zone[MS_MAX_ZONES];
	int nr_types;		/* migratetypes, in the view's order */
	char type_name[MS_MAX_MIGRATETYPES][MS_ZONE_NAME];
	uint64_t mt[MS_NR_SINCE][MS_MAX_MIGRATETYPES][MS_MAX_ORDERS];
	/* [since][requested order][order of the block taken] */
	uint64_t extfrag[MS_NR_SINCE][MS_MAX_ORDERS][MS_MAX_ORDERS];
	/*
	 * extfrag_mt rows in the view's order (the requested migratetype),
	 * with how many numbers each has: the counts per migratetype taken
	 * from, then "small" (the block taken was below a pageblock).
	 */
	int nr_extfrag_mt[MS_NR_SINCE];
	int extfrag_mt_len[MS_NR_SINCE][MS_MAX_MIGRATETYPES];
	uint64_t extfrag_mt[MS_NR_SINCE][MS_MAX_MIGRATETYPES][MS_MAX_MIGRATETYPES + 1];
};

/* Parse @text (cut in place); 0, or -1 without any "order" row. */
int ms_parse_alloc(char *text, struct ms_alloc *a);

#endif /* MEMSCOPE_MSPARSE_ALLOC_H */

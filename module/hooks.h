/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope: what the tracepoint hooks (hooks*.c) offer the rest of the
 * module. The probes only bump per-CPU counters; these functions sum them
 * on demand, outside any allocator path.
 */
#ifndef _MEMSCOPE_HOOKS_H
#define _MEMSCOPE_HOOKS_H

#include <linux/mmzone.h>
#include <linux/percpu.h>
#include <linux/types.h>

#include "compat/orders.h"

/* Reclaim and failure activity since the module was loaded. */
struct ms_reclaim_totals {
	u64 kswapd_wakes;		/* mm_vmscan_kswapd_wake */
	u64 direct_reclaims;		/* mm_vmscan_direct_reclaim_begin */
	u64 compact_stalls;		/* direct compaction attempts */
	u64 lru_scanned;		/* mm_vmscan_lru_shrink_inactive */
	u64 lru_reclaimed;
	u64 oom_kills;			/* oom mark_victim */
	u64 alloc_failures[MS_NR_PAGE_ORDERS];	/* mm_page_alloc with page == NULL */
	/* Order 0, of allocations that may use the zone of kernel allocations. */
	u64 alloc_failures_kernel0;
};

/*
 * Sum of every CPU's counters. A hook group that has never been on counts
 * zeros; one switched off at run time keeps its totals as they stood
 * (never going back, so deltas stay valid).
 */
void ms_hooks_reclaim_totals(struct ms_reclaim_totals *t);

/* Start the "since mark" columns of a hook view now (views.c). */
void ms_alloc_view_mark(void);
void ms_reclaim_view_mark(void);
void ms_slab_view_mark(void);

/*
 * Longest direct-reclaim and compaction stall (ns) seen since the previous
 * call, then reset: a single consumer (pressure.c) drains them.
 */
void ms_hooks_take_max_stall(u64 *reclaim_ns, u64 *compact_ns);

/* kswapd of this node is between kswapd_wake and kswapd_sleep. */
bool ms_hooks_kswapd_awake(int nid);

/* main.c's ms_features[]: after "pressure", which must outlive the probes. */
struct dentry;
int ms_hooks_prepare(void);
void ms_hooks_exit(void);

#endif /* _MEMSCOPE_HOOKS_H */

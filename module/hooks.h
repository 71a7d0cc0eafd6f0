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
 * The highest populated zone up to ZONE_NORMAL: where ordinary kernel
 * allocations come from (set by each pressure evaluation). A failed
 * allocation limited to zones below it (GFP_DMA on x86_64) says that a
 * legacy zone ran dry, not that the system did.
 */
extern int ms_kernel_zone;

/*
 * Sum of every CPU's counters. A hook group that has never been on counts
 * zeros; one switched off at run time keeps its totals as they stood
 * (never going back, so deltas stay valid).
 */
void ms_hooks_reclaim_totals(struct ms_reclaim_totals *t);

/* Start the "since mark" columns of a hook view now (marks.c). */
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

/*
 * Provided by pressure.c: the probes of rare, slow-path events (kswapd
 * wake, direct reclaim begin/end, compaction stall, allocation failure,
 * OOM victim) call it so the pressure level is re-evaluated at once rather
 * than at the next timer tick. Safe in any context: it only queues an
 * irq_work. Never call it from the per-page fast path.
 */
void ms_pressure_poke(void);

/*
 * Called by the mm_page_alloc and mm_page_free probes for every block they
 * see: a per-CPU count of the pages this CPU allocated and has not freed
 * since, and a poke each time it passes a batch, so the level follows an
 * allocation burst (a fallback to a lower zone wakes no kswapd and pokes
 * nothing else) without waiting for the timer. Free memory moves only by
 * what is allocated and not given back: traffic that frees what it takes
 * (per-CPU list churn, a kmalloc slab page coming and going) leaves the
 * level where it is and costs no evaluation.
 *
 * The count only decides when to evaluate; nobody reads it as a figure.
 * So it uses the raw __this_cpu ops (tracepoint probes run with preemption
 * off): an interrupt in the middle of an update can lose that update and
 * move a poke by a few pages, while the safe ops would cost the hot path
 * an interrupt disable and enable on each call on some architectures
 * (32-bit ARM). More frees than allocations on a CPU take the count below
 * zero (a huge unsigned value): the next allocation puts it back at zero
 * without a poke, so frees never hide a later burst.
 */
#define MS_PRESSURE_ALLOC_BATCH 32	/* pages (SWAP_CLUSTER_MAX) */
DECLARE_PER_CPU(unsigned int, ms_pressure_allocated);

static inline void ms_pressure_note_alloc(unsigned int order)
{
	unsigned int pages = 1U << order, n;

	n = __this_cpu_add_return(ms_pressure_allocated, pages);
	if (unlikely(n >= MS_PRESSURE_ALLOC_BATCH)) {
		__this_cpu_write(ms_pressure_allocated, 0);
		if ((int)n > 0)
			ms_pressure_poke();
	}
}

static inline void ms_pressure_note_free(unsigned int order)
{
	unsigned int pages = 1U << order;

	__this_cpu_sub(ms_pressure_allocated, pages);
}

/* main.c's ms_features[]: after "pressure", which must outlive the probes. */
struct dentry;
int ms_hooks_prepare(void);
void ms_hooks_publish(struct dentry *dir);
void ms_hooks_exit(void);

#endif /* _MEMSCOPE_HOOKS_H */

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

/* Reclaim and failure activity since the module was loaded. */
struct ms_reclaim_totals {
	u64 kswapd_wakes;		/* mm_vmscan_kswapd_wake */
	u64 direct_reclaims;		/* mm_vmscan_direct_reclaim_begin */
	u64 direct_reclaim_ns;		/* summed begin..end time */
	u64 compact_stalls;		/* direct compaction attempts */
	u64 compact_stall_ns;		/* summed time in them, if measured */
	u64 lru_scanned;		/* mm_vmscan_lru_shrink_inactive */
	u64 lru_reclaimed;
	u64 oom_kills;			/* oom mark_victim */
	u64 alloc_failures[MAX_ORDER];	/* mm_page_alloc with page == NULL */
};

/*
 * Sum of every CPU's counters. A hook group that has never been on counts
 * zeros; one switched off at run time keeps its totals as they stood
 * (never going back, so deltas stay valid).
 */
void ms_hooks_reclaim_totals(struct ms_reclaim_totals *t);

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
 * Called by the mm_page_alloc probe for every block it sees: a per-CPU
 * count of pages allocated, and a poke each time it passes a batch, so the
 * level follows an allocation burst (a fallback to a lower zone wakes no
 * kswapd and pokes nothing else) without waiting for the timer. The
 * allocator path gets a per-CPU add and, once per batch, an irq_work queue.
 */
#define MS_PRESSURE_ALLOC_BATCH 32	/* pages (SWAP_CLUSTER_MAX) */
DECLARE_PER_CPU(unsigned int, ms_pressure_allocated);

static inline void ms_pressure_note_alloc(unsigned int order)
{
	unsigned int pages = 1U << order;

	if (unlikely(this_cpu_add_return(ms_pressure_allocated, pages) >=
		     MS_PRESSURE_ALLOC_BATCH)) {
		this_cpu_write(ms_pressure_allocated, 0);
		ms_pressure_poke();
	}
}

/* main.c's ms_features[]: after "pressure", which must outlive the probes. */
struct dentry;
int ms_hooks_init(struct dentry *dir);
void ms_hooks_exit(void);

#endif /* _MEMSCOPE_HOOKS_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: page-allocator probes (group "page", parameter hooks_page).
 *
 * mm_page_alloc and mm_page_free fire for every block the buddy allocator
 * hands out or takes back, in any context, so their probes do nothing but
 * this_cpu_*() on per-CPU counters: no lock, no atomic shared with other
 * CPUs, no allocation, no wake-up. mm_page_pcpu_drain and
 * mm_page_alloc_extfrag run under zone->lock with interrupts off and obey
 * the same rule. They ask the sampler for an evaluation
 * (sample_request.h, which only queues an irq_work) on a failed
 * allocation (page == NULL) and once per batch of pages allocated and not
 * freed again.
 *
 * Not seen by these tracepoints (see the documentation): pages from the
 * bulk allocator (alloc_pages_bulk*, used by vmalloc), requests rejected
 * before the allocator runs (order >= MS_NR_PAGE_ORDERS, fault injection), and
 * CMA/contig ranges. A high-order block freed in pieces is counted at the
 * orders it is freed at.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
/* pageblock_order may need HUGETLB_PAGE_ORDER (arm64). */
#include <linux/hugetlb.h>
#include <linux/pageblock-flags.h>
#include <linux/string.h>

/* Prototypes only (no CREATE_TRACE_POINTS): checks our probes' types. */
#include <trace/events/kmem.h>

#include "hooks.h"
#include "hooks_internal.h"
#include "memscope.h"
#include "sample_request.h"

static struct ms_page_stats __percpu *ms_page_pcpu;
unsigned int ms_page_nr_slots;
bool ms_page_nodes_folded;

/**
 * ms_page_stats_size() - the size of a struct ms_page_stats
 *
 * Description:
 * The struct ends in one counter slot per node and zone (ms_page_nr_slots),
 * which ms_page_data_init() decides.
 *
 * Context: any context; valid once ms_page_data_init() has run.
 * Return: its size in bytes, slots included.
 */
size_t ms_page_stats_size(void)
{
	struct ms_page_stats *p;

	return struct_size(p, zone, ms_page_nr_slots);
}

/* Per-zone counter slot of a page: its node (unless folded) and zone. */
static __always_inline unsigned int ms_page_slot(struct page *page)
{
	unsigned int slot = page_zonenum(page);

	if (!ms_page_nodes_folded)
		slot += page_to_nid(page) * MAX_NR_ZONES;
	return slot;
}

static void ms_probe_page_alloc(void *data, struct page *page,
				unsigned int order, gfp_t gfp, int migratetype)
{
	struct ms_page_stats __percpu *s = ms_page_pcpu;

	if (unlikely(order >= MS_NR_PAGE_ORDERS))
		return;
	if (unlikely(!page)) {
		/* Slow path: the allocation has failed. */
		this_cpu_inc(s->fail[order]);
		if (gfp & __GFP_NOWARN)
			this_cpu_inc(s->fail_nowarn[order]);
		if (!order && (int)gfp_zone(gfp) >= READ_ONCE(ms_kernel_zone))
			this_cpu_inc(s->fail_kernel0);
		ms_sample_request();
		return;
	}
	this_cpu_inc(s->zone[ms_page_slot(page)][0][order]);
	if (likely((unsigned int)migratetype < MIGRATE_TYPES))
		this_cpu_inc(s->mt[migratetype][order]);
	ms_sample_note_alloc(order);
}

static void ms_probe_page_free(void *data, struct page *page, unsigned int order)
{
	if (likely(order < MS_NR_PAGE_ORDERS)) {
		this_cpu_inc(ms_page_pcpu->zone[ms_page_slot(page)][1][order]);
		ms_sample_note_free(order);
	}
}

static void ms_probe_pcpu_drain(void *data, struct page *page,
				unsigned int order, int migratetype)
{
	if (likely(order < MS_NR_PAGE_ORDERS))
		this_cpu_inc(ms_page_pcpu->drained[order]);
}

static void ms_probe_extfrag(void *data, struct page *page, int alloc_order,
			     int fallback_order, int alloc_mt, int fallback_mt)
{
	struct ms_page_stats __percpu *s = ms_page_pcpu;

	if (unlikely((unsigned int)alloc_order >= MS_NR_PAGE_ORDERS ||
		     (unsigned int)fallback_order >= MS_NR_PAGE_ORDERS ||
		     (unsigned int)alloc_mt >= MIGRATE_TYPES ||
		     (unsigned int)fallback_mt >= MIGRATE_TYPES))
		return;
	this_cpu_inc(s->extfrag[alloc_order][fallback_order]);
	this_cpu_inc(s->extfrag_mt[alloc_mt][fallback_mt]);
	/* The kernel's "fragmenting" fallback: less than a pageblock taken. */
	if (fallback_order < pageblock_order)
		this_cpu_inc(s->extfrag_small[alloc_mt]);
}

static struct ms_tp_hook ms_page_hooks[] = {
	{ .name = "mm_page_alloc", .probe = ms_probe_page_alloc },
	{ .name = "mm_page_free", .probe = ms_probe_page_free },
	{ .name = "mm_page_pcpu_drain", .probe = ms_probe_pcpu_drain },
	{ .name = "mm_page_alloc_extfrag", .probe = ms_probe_extfrag },
};

/* Compile-time check of every probe against the kernel's TP_PROTO. */
static void __maybe_unused ms_page_check_protos(void)
{
	check_trace_callback_type_mm_page_alloc(ms_probe_page_alloc);
	check_trace_callback_type_mm_page_free(ms_probe_page_free);
	check_trace_callback_type_mm_page_pcpu_drain(ms_probe_pcpu_drain);
	check_trace_callback_type_mm_page_alloc_extfrag(ms_probe_extfrag);
}

struct ms_hook_group ms_page_group = {
	.param = "hooks_page",
	.hooks = ms_page_hooks,
	.nr_hooks = ARRAY_SIZE(ms_page_hooks),
	.want = true,
};

/**
 * ms_page_data_init() - allocate the page group's per-CPU counters
 *
 * Description:
 * Decides the node slots (folded into one when there are more node ids
 * than MS_PAGE_MAX_NODES) and allocates the counters, before any probe of
 * the group can run.
 *
 * Context: process context (module init, from ms_hooks_prepare()).
 * Return: 0, or -ENOMEM.
 */
int ms_page_data_init(void)
{
	unsigned int nodes = nr_node_ids;

	ms_page_nodes_folded = nodes > MS_PAGE_MAX_NODES;
	if (ms_page_nodes_folded)
		nodes = 1;
	ms_page_nr_slots = nodes * MAX_NR_ZONES;
	ms_page_pcpu = __alloc_percpu(ms_page_stats_size(), __alignof__(u64));
	return ms_page_pcpu ? 0 : -ENOMEM;
}

/**
 * ms_page_data_free() - free the page group's per-CPU counters
 *
 * Context: process context (ms_hooks_prepare()'s failure path or
 * ms_hooks_exit()), once no probe runs and no reader can see the data.
 */
void ms_page_data_free(void)
{
	free_percpu(ms_page_pcpu);
	ms_page_pcpu = NULL;
}

/**
 * ms_page_sum() - every CPU's page counters added up
 * @t: ms_page_stats_size() bytes, overwritten with the sums
 *
 * The counters are read while the probes bump them: each is current, the
 * set is not one instant.
 *
 * Context: process context; takes no lock. The alloc view calls it with
 * ms_alloc_lock held, which serializes the use of its buffers.
 */
void ms_page_sum(struct ms_page_stats *t)
{
	size_t n = ms_page_stats_size() / sizeof(u64);
	unsigned int cpu;
	size_t i;

	memset(t, 0, ms_page_stats_size());
	for_each_possible_cpu(cpu) {
		const u64 *c = (const u64 *)per_cpu_ptr(ms_page_pcpu, cpu);
		u64 *sum = (u64 *)t;

		/* The struct is nothing but u64 counters. */
		for (i = 0; i < n; i++)
			sum[i] += READ_ONCE(c[i]);
	}
}

/**
 * ms_page_sum_fails() - add every CPU's failed allocations to a total
 * @fail: MS_NR_PAGE_ORDERS counters, failures of each order added to them
 * @fail_kernel0: order-0 failures that could have used ms_kernel_zone,
 *     added to it
 *
 * Adds, does not reset: the caller starts from zero. This is hooks.h's
 * view of the page group, through ms_reclaim_totals_fill().
 *
 * Context: any context; takes no lock. Called inside the RCU read-side
 * section of ms_hooks_reclaim_totals(), by the sampler's thread.
 */
void ms_page_sum_fails(u64 *fail, u64 *fail_kernel0)
{
	unsigned int cpu, o;

	for_each_possible_cpu(cpu) {
		const struct ms_page_stats *c = per_cpu_ptr(ms_page_pcpu, cpu);

		for (o = 0; o < MS_NR_PAGE_ORDERS; o++)
			fail[o] += READ_ONCE(c->fail[o]);
		*fail_kernel0 += READ_ONCE(c->fail_kernel0);
	}
}

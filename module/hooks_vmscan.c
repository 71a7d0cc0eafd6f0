// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: vmscan, compaction and OOM probes (group "reclaim", parameter
 * hooks_reclaim), and the reclaim part of hooks.h.
 *
 * These events are rare and already on the allocator's slow path, but the
 * probes still only bump this module's per-CPU counters. Each one that
 * marks a change of pressure (kswapd wake, direct reclaim begin and end,
 * a direct compaction attempt, an OOM victim) asks the sampler for an
 * evaluation (sample_request.h).
 *
 * Stall times need per-task state: a task may begin direct reclaim on one
 * CPU and end it on another. Each CPU has a few slots holding (task, start
 * time); a task opens a slot on the CPU it is running on and finds it
 * again wherever it is later. Nothing but the owning task writes an
 * occupied slot and nothing but the local CPU, with preemption off, fills
 * a free one, so release/acquire ordering is enough: no lock, no shared
 * atomic. A CPU whose slots are all taken gives up the least recently
 * used one (slot_evictions).
 *
 * Direct compaction has no "end" tracepoint. An attempt starts at
 * mm_compaction_try_to_compact_pages and its time runs to its task's last
 * compaction event (suitable, deferred, begin/end of each zone); it ends
 * when the allocation succeeds thanks to it (compaction_defer_reset()
 * outside PF_MEMALLOC, where the kernel counts compact_success), or when
 * the task next enters reclaim or compaction. The kernel counts an
 * attempt in compact_stall unless every zone was skipped; memscope counts
 * it when a zone is deferred or found suitable, the same rule.
 */
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
/* Not self-contained: after linux/mm.h. */
#include <linux/compaction.h>

/*
 * Prototypes only (no CREATE_TRACE_POINTS): checks our probes' types.
 * struct compact_control is private to mm/: probes get it opaque.
 */
struct compact_control;
#include <trace/events/vmscan.h>
#include <trace/events/compaction.h>
#include <trace/events/oom.h>

#include "compat/tracepoints.h"
#include "hooks.h"
#include "hooks_internal.h"
#include "sample_request.h"

#define MS_STALL_SLOTS 8

struct ms_stall_slot {
	struct task_struct *task;	/* owner, NULL when free */
	u64 start;			/* ns */
	u64 last;			/* ns of the owner's latest event */
	bool counted;			/* compaction: a stall for /proc/vmstat */
};

struct ms_reclaim_pcpu {
	struct ms_reclaim_stats st;
	struct ms_stall_slot slots[MS_NR_STALL_KINDS][MS_STALL_SLOTS];
	/* Longest stall since ms_reclaim_take_max(), in us. */
	unsigned long max_us[MS_NR_STALL_KINDS];
};

static struct ms_reclaim_pcpu __percpu *ms_rc;
/* Per node: kswapd between kswapd_wake and kswapd_sleep. */
static u8 *ms_kswapd_awake;

/* ---- per-task stall slots ---- */

static struct ms_stall_slot *ms_slots_find(struct ms_stall_slot *slots)
{
	unsigned int i;

	for (i = 0; i < MS_STALL_SLOTS; i++)
		if (READ_ONCE(slots[i].task) == current)
			return &slots[i];
	return NULL;
}

/* The current task's slot, on this CPU first, then wherever it opened it. */
static struct ms_stall_slot *ms_slot_find(enum ms_stall_kind kind)
{
	unsigned int this = smp_processor_id(), cpu;
	struct ms_stall_slot *s;

	s = ms_slots_find(per_cpu_ptr(ms_rc, this)->slots[kind]);
	if (s)
		return s;
	for_each_possible_cpu(cpu) {
		if (cpu == this)
			continue;
		s = ms_slots_find(per_cpu_ptr(ms_rc, cpu)->slots[kind]);
		if (s)
			return s;
	}
	return NULL;
}

static void ms_slot_release(struct ms_stall_slot *s)
{
	/* Our reads of the slot happen before another CPU may reuse it. */
	smp_store_release(&s->task, NULL);
}

/* A new slot on this CPU for the current task, started at now. */
static struct ms_stall_slot *ms_slot_open(enum ms_stall_kind kind, u64 now)
{
	struct ms_stall_slot *slots = this_cpu_ptr(ms_rc)->slots[kind];
	struct ms_stall_slot *s = NULL;
	unsigned int i;

	for (i = 0; i < MS_STALL_SLOTS; i++) {
		if (!READ_ONCE(slots[i].task)) {
			s = &slots[i];
			break;
		}
		if (!s || slots[i].last < s->last)
			s = &slots[i];
	}
	if (READ_ONCE(s->task))
		this_cpu_inc(ms_rc->st.slot_evictions);
	s->start = now;
	s->last = now;
	s->counted = false;
	/* A task finding the slot elsewhere sees its start time. */
	smp_store_release(&s->task, current);
	return s;
}

static unsigned int ms_stall_bucket(u64 us)
{
	return us ? min_t(unsigned int, fls64(us), MS_STALL_BUCKETS - 1) : 0;
}

/* A finished stall into the histogram. */
static void ms_stall_done(enum ms_stall_kind kind, u64 ns)
{
	this_cpu_inc(ms_rc->st.hist[kind][ms_stall_bucket(div_u64(ns, NSEC_PER_USEC))]);
}

/* A stall (finished or not) this long: keep the maximum for pressure.c. */
static void ms_stall_max(enum ms_stall_kind kind, u64 ns)
{
	unsigned long us = min_t(u64, div_u64(ns, NSEC_PER_USEC), ULONG_MAX);
	unsigned long *p = &this_cpu_ptr(ms_rc)->max_us[kind];
	unsigned long old = READ_ONCE(*p), prev;

	/*
	 * The word is this CPU's: the only other writer is the xchg() of
	 * ms_reclaim_take_max(), a few times a second. Slow path only.
	 */
	while (us > old) {
		prev = cmpxchg(p, old, us);
		if (prev == old)
			break;
		old = prev;
	}
}

/* ---- vmscan ---- */

static void ms_probe_kswapd_wake(void *data, int nid, int zid, int order)
{
	if ((unsigned int)order < MS_NR_PAGE_ORDERS)
		this_cpu_inc(ms_rc->st.kswapd_wakes[order]);
	if ((unsigned int)nid < nr_node_ids)
		WRITE_ONCE(ms_kswapd_awake[nid], 1);
	ms_sample_request();
}

static void ms_probe_kswapd_sleep(void *data, int nid)
{
	if ((unsigned int)nid < nr_node_ids)
		WRITE_ONCE(ms_kswapd_awake[nid], 0);
}

#ifdef CONFIG_COMPACTION
static void ms_compact_close(struct ms_stall_slot *s);
#endif

static void ms_probe_direct_begin(void *data, int order, gfp_t gfp)
{
	u64 now = ktime_get_ns();
	struct ms_stall_slot *s;

	this_cpu_inc(ms_rc->st.direct_reclaims);
#ifdef CONFIG_COMPACTION
	/* This task's compaction attempt, if one is open, is over. */
	s = ms_slot_find(MS_STALL_COMPACT);
	if (s)
		ms_compact_close(s);
#endif
	s = ms_slot_find(MS_STALL_RECLAIM);
	if (s) {
		s->start = now;
		s->last = now;
	} else {
		ms_slot_open(MS_STALL_RECLAIM, now);
	}
	ms_sample_request_now();
}

MS_TP_DIRECT_RECLAIM_BEGIN(ms_probe_direct_begin)

static void ms_probe_direct_end(void *data, unsigned long nr_reclaimed)
{
	struct ms_stall_slot *s = ms_slot_find(MS_STALL_RECLAIM);
	u64 ns;

	this_cpu_add(ms_rc->st.direct_reclaimed, nr_reclaimed);
	if (s) {
		ns = ktime_get_ns() - s->start;
		ms_slot_release(s);
		this_cpu_add(ms_rc->st.direct_ns, ns);
		ms_stall_done(MS_STALL_RECLAIM, ns);
		ms_stall_max(MS_STALL_RECLAIM, ns);
	} else {
		/* Began before the probes were attached. */
		this_cpu_inc(ms_rc->st.direct_untimed);
	}
	ms_sample_request_now();
}

MS_TP_DIRECT_RECLAIM_END(ms_probe_direct_end)

static void ms_probe_lru_inactive(void *data, int nid, unsigned long nr_scanned,
				  unsigned long nr_reclaimed,
				  struct reclaim_stat *stat, int priority, int file)
{
	this_cpu_add(ms_rc->st.lru_scanned, nr_scanned);
	this_cpu_add(ms_rc->st.lru_reclaimed, nr_reclaimed);
}

/* ---- compaction ---- */

#ifdef CONFIG_COMPACTION
/*
 * Direct compaction runs under memalloc_noreclaim_save(), i.e. with
 * PF_MEMALLOC; kcompactd and the compact_memory sysctl do not set it, and
 * kswapd (which does) never compacts itself.
 */
static bool ms_direct_compaction_ctx(void)
{
	return (current->flags & (PF_MEMALLOC | PF_KSWAPD)) == PF_MEMALLOC;
}

/* The attempt's time runs to this event. */
static void ms_compact_advance(struct ms_stall_slot *s, u64 now)
{
	this_cpu_add(ms_rc->st.compact_ns, now - s->last);
	s->last = now;
	ms_stall_max(MS_STALL_COMPACT, now - s->start);
}

static void ms_compact_count(struct ms_stall_slot *s)
{
	if (!s->counted) {
		s->counted = true;
		this_cpu_inc(ms_rc->st.compact_stalls);
	}
}

static void ms_compact_close(struct ms_stall_slot *s)
{
	if (s->counted)
		ms_stall_done(MS_STALL_COMPACT, s->last - s->start);
	ms_slot_release(s);
}

/* An event of the current task's direct compaction attempt, if one is open. */
static struct ms_stall_slot *ms_compact_event(void)
{
	struct ms_stall_slot *s;

	if (!ms_direct_compaction_ctx())
		return NULL;
	s = ms_slot_find(MS_STALL_COMPACT);
	if (s)
		ms_compact_advance(s, ktime_get_ns());
	return s;
}

static void ms_probe_try_compact(void *data, int order, gfp_t gfp, int prio)
{
	u64 now = ktime_get_ns();
	struct ms_stall_slot *s = ms_slot_find(MS_STALL_COMPACT);

	this_cpu_inc(ms_rc->st.compact_attempts);
	if (s) {
		/* The task's previous attempt failed: a new one starts. */
		if (s->counted)
			ms_stall_done(MS_STALL_COMPACT, s->last - s->start);
		s->start = now;
		s->last = now;
		s->counted = false;
	} else {
		ms_slot_open(MS_STALL_COMPACT, now);
	}
	ms_sample_request_now();
}

static void ms_probe_compact_deferred(void *data, struct zone *zone, int order)
{
	struct ms_stall_slot *s;

	this_cpu_inc(ms_rc->st.compact_deferred);
	s = ms_compact_event();
	if (s)
		ms_compact_count(s);
}

static void ms_probe_compact_suitable(void *data, struct zone *zone, int order,
				      int ret)
{
	struct ms_stall_slot *s = ms_compact_event();

	/* COMPACT_NOT_SUITABLE_ZONE is traced, then turned into SKIPPED. */
	if (s && ret != COMPACT_SKIPPED && ret != COMPACT_NOT_SUITABLE_ZONE)
		ms_compact_count(s);
}

static void ms_probe_compact_begin(void *data, struct compact_control *cc,
				   unsigned long zone_start,
				   unsigned long zone_end, bool sync)
{
	this_cpu_inc(ms_rc->st.compact_runs);
	ms_compact_event();
}

static void ms_probe_compact_end(void *data, struct compact_control *cc,
				 unsigned long zone_start, unsigned long zone_end,
				 bool sync, int status)
{
	ms_compact_event();
}

static void ms_probe_defer_reset(void *data, struct zone *zone, int order)
{
	struct ms_stall_slot *s;

	if (current->flags & PF_MEMALLOC) {
		/* Inside try_to_compact_pages(): part of the attempt. */
		ms_compact_event();
		return;
	}
	/*
	 * __alloc_pages_direct_compact() got its page after compaction: the
	 * kernel counts compact_success. kcompactd has no slot.
	 */
	s = ms_slot_find(MS_STALL_COMPACT);
	if (!s)
		return;
	ms_compact_advance(s, ktime_get_ns());
	if (s->counted)
		this_cpu_inc(ms_rc->st.compact_success);
	ms_compact_close(s);
}

static void ms_probe_kcompactd_wake(void *data, int nid, int order,
				    enum zone_type highest_zoneidx)
{
	this_cpu_inc(ms_rc->st.kcompactd_wakes);
}

#define MS_COMPACTION_PROBE(p) (p)
#else
#define MS_COMPACTION_PROBE(p) NULL
#endif /* CONFIG_COMPACTION */

/* ---- OOM ---- */

static void ms_probe_mark_victim(void *data)
{
	this_cpu_inc(ms_rc->st.oom_kills);
	ms_sample_request();
}

MS_TP_MARK_VICTIM(ms_probe_mark_victim)

static struct ms_tp_hook ms_reclaim_hooks[] = {
	{ .name = "mm_vmscan_kswapd_wake", .probe = ms_probe_kswapd_wake },
	{ .name = "mm_vmscan_kswapd_sleep", .probe = ms_probe_kswapd_sleep },
	/* end before begin: a begin is never left without its end */
	{ .name = "mm_vmscan_direct_reclaim_end", .probe = ms_probe_direct_end_tp },
	{ .name = "mm_vmscan_direct_reclaim_begin", .probe = ms_probe_direct_begin_tp },
	{ .name = "mm_vmscan_lru_shrink_inactive", .probe = ms_probe_lru_inactive },
	{ .name = "mm_compaction_suitable",
	  .probe = MS_COMPACTION_PROBE(ms_probe_compact_suitable) },
	{ .name = "mm_compaction_deferred",
	  .probe = MS_COMPACTION_PROBE(ms_probe_compact_deferred) },
	{ .name = "mm_compaction_begin",
	  .probe = MS_COMPACTION_PROBE(ms_probe_compact_begin) },
	{ .name = "mm_compaction_end",
	  .probe = MS_COMPACTION_PROBE(ms_probe_compact_end) },
	{ .name = "mm_compaction_defer_reset",
	  .probe = MS_COMPACTION_PROBE(ms_probe_defer_reset) },
	{ .name = "mm_compaction_kcompactd_wake",
	  .probe = MS_COMPACTION_PROBE(ms_probe_kcompactd_wake) },
	/* last: an attempt's other events are hooked before it can start */
	{ .name = "mm_compaction_try_to_compact_pages",
	  .probe = MS_COMPACTION_PROBE(ms_probe_try_compact) },
	{ .name = "mark_victim", .probe = ms_probe_mark_victim_tp },
};

/* Compile-time check of every probe against the kernel's TP_PROTO. */
static void __maybe_unused ms_reclaim_check_protos(void)
{
	check_trace_callback_type_mm_vmscan_kswapd_wake(ms_probe_kswapd_wake);
	check_trace_callback_type_mm_vmscan_kswapd_sleep(ms_probe_kswapd_sleep);
	check_trace_callback_type_mm_vmscan_direct_reclaim_begin(ms_probe_direct_begin_tp);
	check_trace_callback_type_mm_vmscan_direct_reclaim_end(ms_probe_direct_end_tp);
	check_trace_callback_type_mm_vmscan_lru_shrink_inactive(ms_probe_lru_inactive);
#ifdef CONFIG_COMPACTION
	check_trace_callback_type_mm_compaction_try_to_compact_pages(ms_probe_try_compact);
	check_trace_callback_type_mm_compaction_suitable(ms_probe_compact_suitable);
	check_trace_callback_type_mm_compaction_deferred(ms_probe_compact_deferred);
	check_trace_callback_type_mm_compaction_begin(ms_probe_compact_begin);
	check_trace_callback_type_mm_compaction_end(ms_probe_compact_end);
	check_trace_callback_type_mm_compaction_defer_reset(ms_probe_defer_reset);
	check_trace_callback_type_mm_compaction_kcompactd_wake(ms_probe_kcompactd_wake);
#endif
	check_trace_callback_type_mark_victim(ms_probe_mark_victim_tp);
}

/* Before attaching: slots and kswapd states from an earlier attach are stale. */
static void ms_reclaim_reset(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(ms_rc, cpu)->slots, 0,
		       sizeof(per_cpu_ptr(ms_rc, cpu)->slots));
	memset(ms_kswapd_awake, 0, nr_node_ids);
}

struct ms_hook_group ms_reclaim_group = {
	.param = "hooks_reclaim",
	.hooks = ms_reclaim_hooks,
	.nr_hooks = ARRAY_SIZE(ms_reclaim_hooks),
	.reset = ms_reclaim_reset,
	.want = true,
};

/**
 * ms_reclaim_data_init() - allocate the reclaim group's data
 *
 * Description:
 * The per-node kswapd states and the per-CPU counters and stall slots,
 * before any probe of the group can run. On failure nothing stays
 * allocated.
 *
 * Context: process context (module init, from ms_hooks_prepare()).
 * Return: 0, or -ENOMEM.
 */
int ms_reclaim_data_init(void)
{
	ms_kswapd_awake = kcalloc(nr_node_ids, sizeof(*ms_kswapd_awake), GFP_KERNEL);
	if (!ms_kswapd_awake)
		return -ENOMEM;
	ms_rc = alloc_percpu(struct ms_reclaim_pcpu);
	if (!ms_rc) {
		kfree(ms_kswapd_awake);
		ms_kswapd_awake = NULL;
		return -ENOMEM;
	}
	return 0;
}

/**
 * ms_reclaim_data_free() - free the reclaim group's data
 *
 * Context: process context (ms_hooks_prepare()'s failure path or
 * ms_hooks_exit()), once no probe runs and no reader can see the data.
 */
void ms_reclaim_data_free(void)
{
	free_percpu(ms_rc);
	ms_rc = NULL;
	kfree(ms_kswapd_awake);
	ms_kswapd_awake = NULL;
}

/**
 * ms_reclaim_sum() - every CPU's reclaim counters added up
 * @t: overwritten with the sums
 *
 * Context: process context; takes no lock. The reclaim view calls it with
 * ms_reclaim_lock held, which serializes the use of its buffers.
 */
void ms_reclaim_sum(struct ms_reclaim_stats *t)
{
	const size_t n = sizeof(*t) / sizeof(u64);
	unsigned int cpu;
	size_t i;

	BUILD_BUG_ON(sizeof(*t) % sizeof(u64));
	memset(t, 0, sizeof(*t));
	for_each_possible_cpu(cpu) {
		const u64 *c = (const u64 *)&per_cpu_ptr(ms_rc, cpu)->st;
		u64 *sum = (u64 *)t;

		/* The struct is nothing but u64 counters. */
		for (i = 0; i < n; i++)
			sum[i] += READ_ONCE(c[i]);
	}
}

/**
 * ms_reclaim_totals_fill() - add the hooks' totals for hooks.h
 * @t: zeroed by the caller; every CPU's counters are added to it, the
 *     page group's failed allocations (ms_page_sum_fails()) included
 *
 * Context: any context; takes no lock. Only ms_hooks_reclaim_totals()
 * calls it, inside its RCU read-side section once the data is live; the
 * sampler's thread calls it, in process context.
 */
void ms_reclaim_totals_fill(struct ms_reclaim_totals *t)
{
	unsigned int cpu, o;

	for_each_possible_cpu(cpu) {
		const struct ms_reclaim_stats *c = &per_cpu_ptr(ms_rc, cpu)->st;

		for (o = 0; o < MS_NR_PAGE_ORDERS; o++)
			t->kswapd_wakes += READ_ONCE(c->kswapd_wakes[o]);
		t->direct_reclaims += READ_ONCE(c->direct_reclaims);
		t->compact_stalls += READ_ONCE(c->compact_stalls);
		t->lru_scanned += READ_ONCE(c->lru_scanned);
		t->lru_reclaimed += READ_ONCE(c->lru_reclaimed);
		t->oom_kills += READ_ONCE(c->oom_kills);
	}
	ms_page_sum_fails(t->alloc_failures, &t->alloc_failures_kernel0);
}

/**
 * ms_reclaim_take_max() - take the longest stalls and reset them
 * @reclaim_ns: set to the longest direct-reclaim stall of any CPU, in ns
 * @compact_ns: set to the longest direct-compaction stall, in ns
 *
 * Each CPU's maximum is swapped for 0 with xchg(), against the probes'
 * cmpxchg() (ms_stall_max()); the values were kept in microseconds.
 *
 * Context: any context; takes no lock. Only ms_hooks_take_max_stall()
 * calls it, as for ms_reclaim_totals_fill().
 */
void ms_reclaim_take_max(u64 *reclaim_ns, u64 *compact_ns)
{
	unsigned long r = 0, c = 0;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct ms_reclaim_pcpu *p = per_cpu_ptr(ms_rc, cpu);

		r = max(r, xchg(&p->max_us[MS_STALL_RECLAIM], 0UL));
		c = max(c, xchg(&p->max_us[MS_STALL_COMPACT], 0UL));
	}
	*reclaim_ns = (u64)r * NSEC_PER_USEC;
	*compact_ns = (u64)c * NSEC_PER_USEC;
}

/**
 * ms_reclaim_kswapd_awake() - whether a node's kswapd is balancing now
 * @nid: the node
 *
 * Context: any context; takes no lock. Only ms_hooks_kswapd_awake()
 * calls it, once the data is known to be live.
 * Return: true between the node's mm_vmscan_kswapd_wake and
 * mm_vmscan_kswapd_sleep; false for a node id out of range.
 */
bool ms_reclaim_kswapd_awake(int nid)
{
	return (unsigned int)nid < nr_node_ids && READ_ONCE(ms_kswapd_awake[nid]);
}

/**
 * ms_seq_kswapd_awake() - print the nodes whose kswapd is awake now
 * @m: the reclaim view being shown
 *
 * Prints a list such as "0,1", or "none".
 *
 * Context: process context; takes no lock. The reclaim view calls it with
 * ms_reclaim_lock held; the data outlives the view's file.
 */
void ms_seq_kswapd_awake(struct seq_file *m)
{
	unsigned int nid, n = 0;

	for (nid = 0; nid < nr_node_ids; nid++)
		if (READ_ONCE(ms_kswapd_awake[nid]))
			seq_printf(m, "%s%u", n++ ? "," : "", nid);
	if (!n)
		seq_puts(m, "none");
}

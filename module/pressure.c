// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: per-zone and system pressure levels.
 *
 * A level (none, low, medium, critical, oom) is derived from where free
 * memory sits against the zone watermarks, raised by reclaim activity seen
 * by the hooks, and lowered only with hysteresis. Documentation/memscope.rst
 * ("Pressure levels") gives the definition and the reasoning.
 *
 * Data flows one way. The probes (hooks*.c) only bump per-CPU counters
 * and, on slow-path events and after each batch of pages allocated and not
 * freed, ask for an evaluation (sample_request.c, which only queues). One
 * sampler, a SCHED_FIFO kthread worker of this file, is the only context
 * that evaluates: on those requests, every period_ms from a deferrable
 * timer (fast_period_ms while the system level is above none), and when a
 * view is read. It sums the hooks' counters, reads O(zones) kernel
 * counters, updates the levels and windows, and then calls its consumer,
 * the notification engine (registered by notify.c; this file never calls
 * it by name). Views and notifications read the state; none writes it.
 *
 * Locks: ms_pressure_lock (the writers of the state: the sampler, and the
 * start before it) is taken before ms_pressure_timer_mutex (the timer's
 * arming against module exit). Readers take no lock: they copy inside a
 * read section of ms_pressure_seq, whose writer is the evaluation, and
 * retry if it ran meanwhile. Readers that wait for an evaluation
 * (ms_pressure_refresh(), ms_pressure_mark()) hold no memscope lock while
 * they wait.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/timekeeping.h>
#include <linux/timer.h>
#include <linux/vmstat.h>

#include "compat/reclaim_state.h"
#include "compat/timers.h"
#include "memscope.h"
#include "pressure.h"
#include "sample_request.h"

static unsigned int period_ms = 1000;
static unsigned int fast_period_ms = 100;
static unsigned int window_ms = 1000;
static unsigned int hold_ms = 1000;

static void ms_pressure_arm(bool sooner);
/*
 * Every arming of the timer (the sampler, a parameter write) against
 * module exit: ms_pressure_started and ms_pressure_stopping change under
 * it, and nothing arms the timer once stopping is set.
 */
static DEFINE_MUTEX(ms_pressure_timer_mutex);

static int ms_set_period(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_uint_minmax(val, kp, 10, 60000);

	if (!ret)
		ms_pressure_arm(true);
	return ret;
}

static int ms_set_window(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 100, 600000);
}

static int ms_set_hold(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, 600000);
}

static const struct kernel_param_ops ms_period_ops = {
	.set = ms_set_period,
	.get = param_get_uint,
};

static const struct kernel_param_ops ms_window_ops = {
	.set = ms_set_window,
	.get = param_get_uint,
};

static const struct kernel_param_ops ms_hold_ops = {
	.set = ms_set_hold,
	.get = param_get_uint,
};

module_param_cb(period_ms, &ms_period_ops, &period_ms, 0644);
MODULE_PARM_DESC(period_ms, "pressure sampling period while the system level is none (10..60000 ms, default 1000)");
module_param_cb(fast_period_ms, &ms_period_ops, &fast_period_ms, 0644);
MODULE_PARM_DESC(fast_period_ms, "pressure sampling period while the system level is above none (10..60000 ms, default 100)");
module_param_cb(window_ms, &ms_window_ops, &window_ms, 0644);
MODULE_PARM_DESC(window_ms, "window over which reclaim activity and failures count (100..600000 ms, default 1000)");
module_param_cb(hold_ms, &ms_hold_ops, &hold_ms, 0644);
MODULE_PARM_DESC(hold_ms, "time a lower level must stay justified before a level drops (0..600000 ms, default 1000)");

static unsigned int orders[MS_MAX_WATCH_ORDERS] = { 1, 2, 3, 4 };
static unsigned int nr_orders = 4;
module_param_array(orders, uint, &nr_orders, 0444);
MODULE_PARM_DESC(orders, "orders whose availability the pressure view shows (up to 8, each an order the kernel's buddy allocator has; default 1,2,3,4)");

/* Fewer pages scanned in a window say nothing about reclaim efficiency. */
#define MS_MIN_SCANNED SWAP_CLUSTER_MAX

struct ms_pressure ms_pressure;
/* Writers of ms_pressure: the sampler, and the start before it runs. */
static DEFINE_MUTEX(ms_pressure_lock);
seqcount_mutex_t ms_pressure_seq = SEQCNT_MUTEX_ZERO(ms_pressure_seq, &ms_pressure_lock);

static struct timer_list ms_pressure_timer;
static bool ms_pressure_started;
static bool ms_pressure_stopping;

#define MS_TOTALS_WORDS (sizeof(struct ms_reclaim_totals) / sizeof(u64))

static void ms_totals_sub(struct ms_reclaim_totals *res,
			  const struct ms_reclaim_totals *a,
			  const struct ms_reclaim_totals *b)
{
	const u64 *pa = (const u64 *)a, *pb = (const u64 *)b;
	u64 *pr = (u64 *)res;
	size_t i;

	BUILD_BUG_ON(sizeof(struct ms_reclaim_totals) % sizeof(u64));
	for (i = 0; i < MS_TOTALS_WORDS; i++)
		pr[i] = pa[i] - pb[i];
}

/**
 * ms_window_count() - a reclaim counter over the recent window
 * @p: the pressure state, or the view's copy of it
 * @offset: of the u64 counter in struct ms_reclaim_totals (see
 *     ms_window_get())
 *
 * Context: any context; takes no lock. @p must not change meanwhile:
 * a private copy, or the sampler's state from the sampler itself.
 * Return: the larger of its delta over the last complete window and over
 * the current one so far.
 */
u64 ms_window_count(const struct ms_pressure *p, size_t offset)
{
	u64 last = *(const u64 *)((const char *)&p->win.last + offset);
	u64 now = *(const u64 *)((const char *)&p->recent + offset);

	return max(last, now);
}

/**
 * ms_reclaim_pressure_pct() - reclaim pressure as vmpressure defines it
 * @scanned: pages scanned
 * @reclaimed: pages reclaimed of them
 *
 * Context: any context; a pure function.
 * Return: the share of scanned pages not reclaimed, 0..100; 0 when
 * nothing was scanned.
 */
unsigned int ms_reclaim_pressure_pct(u64 scanned, u64 reclaimed)
{
	if (!scanned || reclaimed >= scanned)
		return 0;
	return div64_u64((scanned - reclaimed) * 100, scanned);
}

/* Level by position: at or below min is critical, low medium, high low. */
static enum ms_level ms_position_level(unsigned long free,
				       const unsigned long wmark[NR_WMARK],
				       unsigned long raise)
{
	if (free <= wmark[WMARK_MIN] + raise)
		return MS_LEVEL_CRITICAL;
	if (free <= wmark[WMARK_LOW] + raise)
		return MS_LEVEL_MEDIUM;
	if (free <= wmark[WMARK_HIGH] + raise)
		return MS_LEVEL_LOW;
	return MS_LEVEL_NONE;
}

static void ms_level_account(struct ms_level_state *ls, u64 now)
{
	ls->time_in_ns[ls->level] += now - ls->accounted_ns;
	ls->accounted_ns = now;
}

/*
 * Rise at once to @target; fall to @relaxed (what the exit lines, one
 * watermark step above the entry lines, still justify) only after it has
 * been justified for hold_ms without interruption.
 */
static void ms_level_update(struct ms_level_state *ls, enum ms_level target,
			    enum ms_level relaxed, u64 now)
{
	ms_level_account(ls, now);
	/* Only what this evaluation reached: the consumer sees every one. */
	memset(ls->reached_ns, 0, sizeof(ls->reached_ns));
	relaxed = max(relaxed, target);
	if (target > ls->level) {
		enum ms_level l;

		for (l = ls->level + 1; l <= target; l++)
			ls->reached_ns[l] = now;
		ls->level = target;
		ls->entered_ns = now;
		ls->relax_since_ns = 0;
		return;
	}
	if (relaxed >= ls->level) {
		ls->relax_since_ns = 0;
		return;
	}
	if (!ls->relax_since_ns)
		ls->relax_since_ns = now;
	if (now - ls->relax_since_ns >= (u64)READ_ONCE(hold_ms) * NSEC_PER_MSEC) {
		ls->level = relaxed;
		ls->entered_ns = now;
		ls->relax_since_ns = 0;
	}
}

static void ms_level_init(struct ms_level_state *ls, u64 now)
{
	memset(ls, 0, sizeof(*ls));
	ls->entered_ns = now;
	ls->accounted_ns = now;
}

static void ms_window_roll(struct ms_pressure *p, u64 now)
{
	if (now - p->win.start_ns >= (u64)READ_ONCE(window_ms) * NSEC_PER_MSEC) {
		ms_totals_sub(&p->win.last, &p->totals, &p->win.base);
		p->win.base = p->totals;
		p->win.start_ns = now;
		p->win.last_stall_ns[0] = p->win.stall_ns[0];
		p->win.last_stall_ns[1] = p->win.stall_ns[1];
		p->win.stall_ns[0] = 0;
		p->win.stall_ns[1] = 0;
	}
	ms_totals_sub(&p->recent, &p->totals, &p->win.base);
}

/* Level justified by reclaim activity in the last window. */
static enum ms_level ms_activity_level(struct ms_pressure *p, bool below_high)
{
	u64 scanned = ms_window_get(p, lru_scanned);
	u64 reclaimed = ms_window_get(p, lru_reclaimed);
	unsigned int pct = 0;

	if (scanned >= MS_MIN_SCANNED)
		pct = ms_reclaim_pressure_pct(scanned, reclaimed);
	if (ms_window_get(p, oom_kills))
		return MS_LEVEL_OOM;
	/*
	 * Order-0 failures are real exhaustion; higher orders may be
	 * fragmentation. Only those that could have used the kernel's zone
	 * count: a GFP_DMA failure is the legacy DMA zone's trouble.
	 */
	if (ms_window_get(p, alloc_failures_kernel0) || pct >= 95)
		return MS_LEVEL_CRITICAL;
	if (ms_window_get(p, direct_reclaims) || pct >= 60)
		return MS_LEVEL_MEDIUM;
	/*
	 * kswapd gave up balancing without reclaiming a page while free
	 * memory is below low: allocations will reach min and the OOM killer
	 * next. This comes long before min itself on boards with little to
	 * reclaim.
	 */
	if (p->kswapd_failing && p->sys_position >= MS_LEVEL_MEDIUM)
		return MS_LEVEL_CRITICAL;
	/* kswapd also wakes for high-order requests with plenty free. */
	if (p->kswapd_awake && below_high)
		return MS_LEVEL_LOW;
	return MS_LEVEL_NONE;
}

/*
 * For a zone class c (the highest zone an allocation may use), the pages
 * the allocator can still hand out before it must reclaim: each zone at or
 * below c passes the watermark check while its usable free memory is above
 * its watermark plus lowmem_reserve[c] (zone_watermark_ok()), and the
 * allocator takes from any zone that passes. So the class is below a line
 * exactly when every one of its zones is, and its headroom to the line is
 * the sum of what each zone has above its own. A sum of free pages against
 * a sum of lines would be more pessimistic: a lower zone drained below its
 * reserve would count against the zones above it. The system position is
 * the worse of two classes: that of ordinary kernel allocations (the
 * highest zone up to Normal) and that of user and movable allocations (the
 * highest zone), so exhausted lowmem shows even while HighMem is free.
 * Classes only GFP_DMA/GFP_DMA32 users reach do not set the system level
 * (their zones' own levels show them): a drained legacy DMA zone is not
 * memory pressure for the rest of the system.
 */
struct ms_class_sum {
	bool populated;
	unsigned long above[NR_WMARK];		/* the entry lines */
	unsigned long above_exit[NR_WMARK];	/* one watermark step higher */
};

static void ms_class_add(struct ms_class_sum *cls, unsigned long usable,
			 const unsigned long wmark[NR_WMARK],
			 unsigned long reserve, unsigned long step)
{
	unsigned long line;
	int w;

	for (w = WMARK_MIN; w <= WMARK_HIGH; w++) {
		line = wmark[w] + reserve;
		if (usable > line)
			cls->above[w] += usable - line;
		if (usable > line + step)
			cls->above_exit[w] += usable - line - step;
	}
}

/* Level of a class by its headroom to each line, as ms_position_level(). */
static enum ms_level ms_class_level(const unsigned long above[NR_WMARK])
{
	if (!above[WMARK_MIN])
		return MS_LEVEL_CRITICAL;
	if (!above[WMARK_LOW])
		return MS_LEVEL_MEDIUM;
	if (!above[WMARK_HIGH])
		return MS_LEVEL_LOW;
	return MS_LEVEL_NONE;
}

static void ms_pressure_evaluate(struct ms_pressure *p, u64 now)
{
	struct ms_class_sum cls[MAX_NR_ZONES] = {};
	enum ms_level sys_target = MS_LEVEL_NONE, sys_relaxed = MS_LEVEL_NONE;
	enum ms_level activity, pos;
	unsigned long nr_free[MS_NR_PAGE_ORDERS];
	int top_class = -1, kernel_class = -1;
	bool below_high = false;
	struct zone *zone;
	int c, nid;
	unsigned int i;

	lockdep_assert_held(&ms_pressure_lock);
	p->evaluations++;
	p->last_eval_ns = now;
	ms_hooks_reclaim_totals(&p->totals);
	ms_window_roll(p, now);
	ms_hooks_take_max_stall(&p->max_reclaim_stall_ns, &p->max_compact_stall_ns);
	p->win.stall_ns[0] = max(p->win.stall_ns[0], p->max_reclaim_stall_ns);
	p->win.stall_ns[1] = max(p->win.stall_ns[1], p->max_compact_stall_ns);

	p->kswapd_awake = 0;
	p->kswapd_failing = 0;
	for_each_online_node(nid) {
		p->kswapd_awake += ms_hooks_kswapd_awake(nid);
		/* Reset by kswapd as soon as it reclaims something again. */
		p->kswapd_failing += ms_pgdat_kswapd_failures(NODE_DATA(nid)) > 0;
	}

	p->usable = 0;
	for (zone = ms_first_zone(); zone; zone = ms_next_zone(zone)) {
		int zid = zone_idx(zone);
		struct ms_zone_pressure *z =
			&p->zones[zone_to_nid(zone) * MAX_NR_ZONES + zid];
		unsigned long step;

		z->populated = true;
		z->free = zone_page_state(zone, NR_FREE_PAGES);
		/*
		 * What __zone_watermark_ok() lets an ordinary unmovable
		 * allocation use, and what kswapd balances on: free CMA
		 * pages and the high-atomic reserve do not count.
		 */
		z->free_cma = IS_ENABLED(CONFIG_CMA) ?
			      zone_page_state(zone, NR_FREE_CMA_PAGES) : 0;
		z->highatomic = READ_ONCE(zone->nr_reserved_highatomic);
		z->usable = z->free - min(z->free, z->free_cma + z->highatomic);
		z->boost = READ_ONCE(zone->watermark_boost);
		z->wmark[WMARK_MIN] = min_wmark_pages(zone);
		z->wmark[WMARK_LOW] = low_wmark_pages(zone);
		z->wmark[WMARK_HIGH] = high_wmark_pages(zone);
		z->managed = zone_managed_pages(zone);
		z->lowest_usable = min(z->lowest_usable, z->usable);
		z->lowest_usable_mark = min(z->lowest_usable_mark, z->usable);
		ms_zone_nr_free(zone, nr_free);
		for (i = 0; i < p->nr_watch_orders; i++)
			z->order_blocks[i] = ms_order_blocks(nr_free, p->watch_orders[i]);

		step = max(z->wmark[WMARK_HIGH] - z->wmark[WMARK_LOW], 1UL);
		pos = ms_position_level(z->usable, z->wmark, 0);
		below_high |= pos > MS_LEVEL_NONE;
		ms_level_update(&z->ls, pos, ms_position_level(z->usable, z->wmark, step), now);
		p->usable += z->usable;

		for (c = zid; c < MAX_NR_ZONES; c++)
			ms_class_add(&cls[c], z->usable, z->wmark,
				     zone->lowmem_reserve[c], step);
		cls[zid].populated = true;
	}

	for (c = MAX_NR_ZONES - 1; c >= 0; c--) {
		bool counts;

		if (!cls[c].populated)
			continue;
		counts = top_class < 0 || (c <= ZONE_NORMAL && kernel_class < 0);
		if (top_class < 0)
			top_class = c;
		if (c <= ZONE_NORMAL && kernel_class < 0)
			kernel_class = c;
		if (!counts)
			continue;
		sys_target = max(sys_target, ms_class_level(cls[c].above));
		sys_relaxed = max(sys_relaxed, ms_class_level(cls[c].above_exit));
	}
	if (kernel_class >= 0)
		WRITE_ONCE(ms_kernel_zone, kernel_class);
	p->sys_position = sys_target;
	activity = ms_activity_level(p, below_high);
	ms_level_update(&p->sys, max(sys_target, activity), max(sys_relaxed, activity), now);

	p->available = si_mem_available();
	p->lowest_available = min(p->lowest_available, p->available);
	p->lowest_available_mark = min(p->lowest_available_mark, p->available);
}

/*
 * The sampler: one kthread worker ("memscope", SCHED_FIFO like PSI's
 * psimon: on a uniprocessor kernel without preemption a runaway in reclaim
 * keeps the CPU until its next cond_resched(), where a real-time thread
 * gets it but a normal kworker may wait until the OOM killer has run). It
 * is the only context that evaluates. The timer and the probes' requests
 * (sample_request.c) only queue ms_sample_work; readers queue it and wait
 * for it (ms_pressure_refresh()). The notification engine runs on the
 * same worker: after every evaluation (ms_sample_consumer) and for its
 * own delayed passes, so it sees every evaluation, one at a time.
 */
static struct kthread_worker *ms_sampler;
static void ms_sample_workfn(struct kthread_work *work);
static DEFINE_KTHREAD_WORK(ms_sample_work, ms_sample_workfn);

/* Why the work was queued besides the probes' requests (bits). */
#define MS_SAMPLE_BY_TIMER	BIT(0)
#define MS_SAMPLE_BY_READER	BIT(1)
#define MS_SAMPLE_MARK		BIT(2)
#define MS_SAMPLE_BY_TRIGGER	BIT(3)
static atomic_t ms_sample_reasons = ATOMIC_INIT(0);

static void (*ms_sample_consumers[MS_NR_CONSUMERS])(void);

static void ms_sample_workfn(struct kthread_work *work)
{
	struct ms_pressure *p = &ms_pressure;
	unsigned int reasons = atomic_xchg(&ms_sample_reasons, 0);
	void (*consumer)(void);
	enum ms_level prev;
	unsigned int i, c;

	mutex_lock(&ms_pressure_lock);
	write_seqcount_begin(&ms_pressure_seq);
	prev = p->sys.level;
	if (!(reasons & (MS_SAMPLE_BY_TIMER | MS_SAMPLE_BY_READER | MS_SAMPLE_BY_TRIGGER)))
		p->pokes++;
	ms_pressure_evaluate(p, ktime_get_ns());
	if (reasons & MS_SAMPLE_MARK) {
		for (i = 0; i < p->nr_zones; i++)
			p->zones[i].lowest_usable_mark = p->zones[i].usable;
		p->lowest_available_mark = p->available;
	}
	write_seqcount_end(&ms_pressure_seq);
	mutex_unlock(&ms_pressure_lock);
	/* The fast period applies from now, not once the slow one has run out. */
	if (prev == MS_LEVEL_NONE && READ_ONCE(p->sys.level) > MS_LEVEL_NONE)
		ms_pressure_arm(true);
	for (c = 0; c < MS_NR_CONSUMERS; c++) {
		/* Pairs with ms_pressure_set_consumer(). */
		consumer = smp_load_acquire(&ms_sample_consumers[c]);
		if (consumer)
			consumer();
	}
}

/* Queue an evaluation for @reason and wait until one has run after it. */
static void ms_sample_sync(unsigned int reason)
{
	struct kthread_worker *w = READ_ONCE(ms_sampler);

	if (!w)
		return;
	atomic_or(reason, &ms_sample_reasons);
	kthread_queue_work(w, &ms_sample_work);
	/*
	 * Whether it was pending or running, a run starts after the bits
	 * were set: the flush waits for that run.
	 */
	kthread_flush_work(&ms_sample_work);
}

/**
 * ms_pressure_request() - have the sampler evaluate now, without waiting
 *
 * Called when a subscriber adds a trigger (notify.c): the notification
 * pass that follows the evaluation (the sampler's consumer) checks the new
 * trigger against current figures, not against an evaluation up to a
 * period old, so a record for a condition that already holds carries
 * what holds now.
 *
 * Context: process context; the caller may hold no memscope lock that the
 * sampler's consumers take.
 */
void ms_pressure_request(void)
{
	struct kthread_worker *w = READ_ONCE(ms_sampler);

	if (!w)
		return;
	atomic_or(MS_SAMPLE_BY_TRIGGER, &ms_sample_reasons);
	kthread_queue_work(w, &ms_sample_work);
}

/**
 * ms_pressure_refresh() - have the sampler evaluate now, and wait for it
 *
 * Called by readers of the views (pressure_view.c), so that what they
 * show is current.
 *
 * Context: process context, not on the sampler's worker; sleeps. The
 * caller must hold no memscope lock.
 */
void ms_pressure_refresh(void)
{
	ms_sample_sync(MS_SAMPLE_BY_READER);
}

/**
 * ms_pressure_mark() - evaluate now and restart the since-mark minimums
 *
 * Description:
 * Called by the "mark" file (views.c), which checks the writer's rights.
 * The minimums restart from this evaluation, not from the last one.
 *
 * Context: process context; sleeps until the evaluation has run. The
 * caller must hold no memscope lock.
 */
void ms_pressure_mark(void)
{
	ms_sample_sync(MS_SAMPLE_BY_READER | MS_SAMPLE_MARK);
}

/**
 * ms_pressure_worker() - the sampler's kthread worker
 *
 * Description:
 * The notification engine queues its own works on it, so that they never
 * run beside an evaluation's consumer call.
 *
 * Context: any context, between ms_pressure_prepare() and
 * ms_pressure_exit().
 * Return: the worker.
 */
struct kthread_worker *ms_pressure_worker(void)
{
	return ms_sampler;
}

/**
 * ms_pressure_set_consumer() - call a function after every evaluation
 * @slot: which consumer (enum ms_consumer), called in this order
 * @fn: called on the sampler's worker, after the evaluation's write
 *     section; it reads the state as any reader does. NULL to stop.
 *
 * Description:
 * The notification engine and the history register here, so the sampler
 * never calls upward by name. Setting NULL waits until no call is in
 * flight.
 *
 * Context: process context; may sleep.
 */
void ms_pressure_set_consumer(enum ms_consumer slot, void (*fn)(void))
{
	/* Pairs with ms_sample_workfn(): what @fn uses is set up first. */
	smp_store_release(&ms_sample_consumers[slot], fn);
	if (!fn && ms_sampler)
		kthread_flush_worker(ms_sampler);
}

static unsigned long ms_pressure_delay(void)
{
	unsigned int ms = READ_ONCE(ms_pressure.sys.level) > MS_LEVEL_NONE ?
			  READ_ONCE(fast_period_ms) : READ_ONCE(period_ms);

	return max(msecs_to_jiffies(ms), 1UL);
}

/*
 * Arm the timer for the period that applies now (at the start), or
 * @sooner (the level has just left none, or a period parameter was
 * lowered) only bring the expiry forward, so that the shorter period
 * applies from now rather than once the old one has run out. Process
 * context; nothing before ms_pressure_prepare() has set the timer up or
 * once ms_pressure_exit() has begun.
 */
static void ms_pressure_arm(bool sooner)
{
	unsigned long expires;

	mutex_lock(&ms_pressure_timer_mutex);
	if (ms_pressure_started && !ms_pressure_stopping) {
		expires = jiffies + ms_pressure_delay();
		if (sooner)
			timer_reduce(&ms_pressure_timer, expires);
		else
			mod_timer(&ms_pressure_timer, expires);
	}
	mutex_unlock(&ms_pressure_timer_mutex);
}

/*
 * Softirq context: only queues the evaluation. It re-arms itself here,
 * not from the evaluation, so the period does not grow by the worker's
 * wake-up each time. A run that races with ms_pressure_exit() setting
 * stopping may re-arm once: del_timer_sync() removes that too.
 */
static void ms_pressure_tick(struct timer_list *t)
{
	atomic_or(MS_SAMPLE_BY_TIMER, &ms_sample_reasons);
	kthread_queue_work(ms_sampler, &ms_sample_work);
	if (!READ_ONCE(ms_pressure_stopping))
		mod_timer(&ms_pressure_timer, jiffies + ms_pressure_delay());
}

/**
 * ms_pressure_prepare() - set up the pressure state and start sampling
 *
 * Description:
 * Checks the orders parameter, allocates the per-zone state, starts the
 * sampler's worker, evaluates once and starts the timer. Runs before the
 * hooks' prepare step, so a probe never requests an evaluation of a
 * pressure state that is not set up.
 *
 * Context: process context (module init); may sleep. Takes
 * ms_pressure_lock, then, after dropping it, ms_pressure_timer_mutex.
 * Return: 0, -EINVAL for an order the kernel does not have, -ENOMEM, or
 * the error of kthread_create_worker().
 */
int ms_pressure_prepare(void)
{
	struct ms_pressure *p = &ms_pressure;
	struct ms_zone_pressure *zones;
	struct kthread_worker *w;
	u64 now = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < nr_orders; i++) {
		if (orders[i] >= MS_NR_PAGE_ORDERS) {
			pr_err("orders=%u: this kernel's orders are 0..%d\n",
			       orders[i], MS_NR_PAGE_ORDERS - 1);
			return -EINVAL;
		}
	}
	zones = kcalloc(nr_node_ids * MAX_NR_ZONES, sizeof(*zones), GFP_KERNEL);
	if (!zones)
		return -ENOMEM;
	for (i = 0; i < nr_node_ids * MAX_NR_ZONES; i++) {
		zones[i].lowest_usable = ULONG_MAX;
		zones[i].lowest_usable_mark = ULONG_MAX;
		ms_level_init(&zones[i].ls, now);
	}
	w = kthread_create_worker(0, "memscope");
	if (IS_ERR(w)) {
		kfree(zones);
		return PTR_ERR(w);
	}
	sched_set_fifo_low(w->task);

	mutex_lock(&ms_pressure_lock);
	write_seqcount_begin(&ms_pressure_seq);
	p->nr_zones = nr_node_ids * MAX_NR_ZONES;
	p->nr_watch_orders = nr_orders;
	memcpy(p->watch_orders, orders, sizeof(orders));
	p->load_ns = now;
	ms_level_init(&p->sys, now);
	p->lowest_available = ULONG_MAX;
	p->lowest_available_mark = ULONG_MAX;
	ms_hooks_reclaim_totals(&p->totals);
	p->win.base = p->totals;
	p->win.start_ns = now;
	p->zones = zones;
	ms_pressure_evaluate(p, now);
	write_seqcount_end(&ms_pressure_seq);
	mutex_unlock(&ms_pressure_lock);

	WRITE_ONCE(ms_sampler, w);
	ms_sample_request_attach(w, &ms_sample_work);
	timer_setup(&ms_pressure_timer, ms_pressure_tick, TIMER_DEFERRABLE);
	mutex_lock(&ms_pressure_timer_mutex);
	WRITE_ONCE(ms_pressure_stopping, false);
	ms_pressure_started = true;
	mutex_unlock(&ms_pressure_timer_mutex);
	ms_pressure_arm(false);
	return 0;
}

/**
 * ms_pressure_exit() - stop sampling and free the per-zone state
 *
 * Description:
 * Called after the hooks are detached (no probe requests an evaluation
 * any more) and after the notification engine has stopped. Stops the
 * arming of the timer first and deletes it, then the requests' irq_work
 * and hrtimer, so that nothing queues the work any more; then the worker
 * (which runs what is still queued).
 *
 * Context: process context (module exit or a failed init); sleeps. Takes
 * ms_pressure_timer_mutex.
 */
void ms_pressure_exit(void)
{
	struct kthread_worker *w = ms_sampler;

	mutex_lock(&ms_pressure_timer_mutex);
	WRITE_ONCE(ms_pressure_stopping, true);
	ms_pressure_started = false;
	mutex_unlock(&ms_pressure_timer_mutex);
	/* Nothing arms it from here on. */
	ms_timer_delete_sync(&ms_pressure_timer);
	ms_sample_request_detach();
	WRITE_ONCE(ms_sampler, NULL);
	kthread_destroy_worker(w);

	kfree(ms_pressure.zones);
	ms_pressure.zones = NULL;
}

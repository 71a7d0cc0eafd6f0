// SPDX-License-Identifier: GPL-2.0
/*
 * memscope_test: a memory hog that moves free memory in controlled steps,
 * so tests can walk a zone through its watermarks.
 *
 *   hog_take PAGES MODE  take PAGES order-0 pages, MODE one of
 *                        kernel  GFP_KERNEL | __GFP_NORETRY (may reclaim)
 *                        nowait  GFP_NOWAIT (wakes kswapd, never reclaims)
 *                        atomic  GFP_ATOMIC (may dip below the min watermark)
 *                        dma     GFP_NOWAIT | __GFP_DMA: from ZONE_DMA only
 *                        dma32   GFP_NOWAIT | __GFP_DMA32: up to ZONE_DMA32
 *                        all with __GFP_NOWARN; stops at the first failure
 *                        (-ENOMEM) and keeps what it took
 *   hog_set USABLE MODE  take (MODE as above) or give back pages until the
 *                        usable free memory of the zone the hog takes from
 *                        is exactly USABLE pages, as /proc/zoneinfo and
 *                        memscope will read it, and never less on the way
 *                        (under stop_machine(), below): tests hold a zone
 *                        at a chosen point of a watermark band. MODE nowait,
 *                        atomic, or quiet: no reclaim and no kswapd wake-up
 *                        (down to min), so kswapd stays asleep unless
 *                        something else wakes it. -ENOMEM when MODE cannot
 *                        go that low, -EAGAIN when it did not converge,
 *                        -EOPNOTSUPP without drain_local_pages() and
 *                        cpu_vm_stats_fold() (found through kprobes)
 *   hog_release PAGES    give back the PAGES most recently taken
 *   hog_release all      give back everything
 *   hog_until USABLE MODE  take pages (MODE as above) until the usable free
 *                        memory of the zone they come from (free minus free
 *                        CMA and the high-atomic reserve, as memscope counts
 *                        it) is at or below USABLE pages, and note the
 *                        CLOCK_MONOTONIC time of that crossing: benchmarks
 *                        measure notification latency from it
 *   hog_cross USABLE PAGES  hog_until USABLE nowait, then at once (no return
 *                        to user space in between) hog_take PAGES kernel:
 *                        a runaway that crosses the line and goes on until
 *                        reclaim stalls; notification benchmarks use it
 * Shown as "hog NODE ZONE PAGES", one line per zone pages were taken from,
 * "hog_crossed_ns NS" after a hog_until, and after a hog_set whether it
 * found the two functions it takes pages without a dip with
 * ("hog_exact drain_local=0|1 fold=0|1", below).
 * Pages come from the first online node only (__GFP_THISNODE): on NUMA
 * machines the allocator would otherwise fall back to the next node and
 * no zone would drain the way the tests steer it.
 *
 * Order-0 pages pass through per-CPU lists, which NR_FREE_PAGES and the
 * watermark checks do not count: an allocation refills them from the buddy
 * lists in batches and a free parks pages there, so free memory would move
 * by up to a low watermark's worth of pages more or less than the hog
 * took. After each take and release the hog drains those lists with
 * drain_all_pages(), which is not exported: this test-only module finds it
 * through a kprobe (CONFIG_KPROBES). Without it nothing is drained and
 * "hog_drain unavailable" is shown.
 */
#include <linux/gfp.h>
#include <linux/kprobes.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/smp.h>
#include <linux/stop_machine.h>
#include <linux/timekeeping.h>
#include <linux/vmstat.h>

#ifdef CONFIG_X86
#include <asm/cpufeature.h>
#endif

#include "mst.h"

/* Taken pages are linked through page->lru: they are ours until freed. */
static LIST_HEAD(mst_hog_pages);
static unsigned long mst_hog_count;
static u64 mst_hog_crossed_ns;

/*
 * A function found by its address may not be called where the CPU checks
 * indirect branches (IBT: objtool seals the ENDBR of functions with no
 * address taken, and the call is a #CP, a BUG()) or where kCFI checks the
 * call's type. No guest here has IBT (TCG does not emulate it), but the
 * helper must not be the one module that breaks the rule: hog_set then
 * fails with EOPNOTSUPP.
 */
static bool mst_indirect_calls_checked(void)
{
#ifdef CONFIG_X86_KERNEL_IBT
	if (cpu_feature_enabled(X86_FEATURE_IBT))
		return true;
#endif
	return IS_ENABLED(CONFIG_CFI_CLANG);
}

typedef void (*mst_drain_fn)(struct zone *zone);
static mst_drain_fn mst_drain_all_pages;
static bool mst_drain_resolved;

static void mst_hog_drain(void)
{
	if (!mst_drain_resolved) {
#ifdef CONFIG_KPROBES
		struct kprobe kp = { .symbol_name = "drain_all_pages" };

		/* Registering resolves the symbol; the probe is not kept. */
		if (!mst_indirect_calls_checked() && !register_kprobe(&kp)) {
			mst_drain_all_pages = (mst_drain_fn)(void *)kp.addr;
			unregister_kprobe(&kp);
		}
#endif
		mst_drain_resolved = true;
	}
	if (mst_drain_all_pages)
		mst_drain_all_pages(NULL);
}

static int mst_hog_take(unsigned long n, gfp_t gfp)
{
	struct page *page;
	int ret = 0;

	while (n--) {
		page = alloc_pages_node(first_online_node,
					gfp | __GFP_THISNODE | __GFP_NOWARN, 0);
		if (!page) {
			ret = -ENOMEM;
			break;
		}
		list_add(&page->lru, &mst_hog_pages);
		mst_hog_count++;
		cond_resched();
	}
	mst_hog_drain();
	return ret;
}

static unsigned long mst_zone_usable(struct zone *zone)
{
	unsigned long free = zone_page_state(zone, NR_FREE_PAGES);
	unsigned long unusable = READ_ONCE(zone->nr_reserved_highatomic);

	if (IS_ENABLED(CONFIG_CMA))
		unusable += zone_page_state(zone, NR_FREE_CMA_PAGES);
	return free - min(free, unusable);
}

/*
 * Take pages until their zone's usable free memory is <= @usable once the
 * per-CPU lists are drained (they may hold pages back that a drain returns:
 * the crossing must hold for what memscope will read).
 */
static int mst_hog_until(unsigned long usable, gfp_t gfp)
{
	struct page *page;
	int ret = 0;

	mst_hog_crossed_ns = 0;
	for (;;) {
		page = alloc_pages_node(first_online_node,
					gfp | __GFP_THISNODE | __GFP_NOWARN, 0);
		if (!page) {
			ret = -ENOMEM;
			break;
		}
		list_add(&page->lru, &mst_hog_pages);
		mst_hog_count++;
		if (mst_zone_usable(page_zone(page)) > usable)
			continue;
		mst_hog_drain();
		if (mst_zone_usable(page_zone(page)) <= usable) {
			/* Drained just now: return at once, the clock runs. */
			mst_hog_crossed_ns = ktime_get_ns();
			return 0;
		}
	}
	mst_hog_drain();
	return ret;
}

static void mst_hog_release_pages(unsigned long n)
{
	struct page *page;

	while (n-- && !list_empty(&mst_hog_pages)) {
		page = list_first_entry(&mst_hog_pages, struct page, lru);
		list_del(&page->lru);
		__free_page(page);
		mst_hog_count--;
	}
}

static void mst_hog_release(unsigned long n)
{
	mst_hog_release_pages(n);
	mst_hog_drain();
}

/* Give back up to @n of the pages held from @zone, the latest first. */
static void mst_hog_release_zone(struct zone *zone, unsigned long n)
{
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, &mst_hog_pages, lru) {
		if (!n)
			break;
		if (page_zone(page) != zone)
			continue;
		list_del(&page->lru);
		__free_page(page);
		mst_hog_count--;
		n--;
	}
}

static void (*mst_drain_local)(struct zone *zone);
static void (*mst_fold_cpu)(int cpu);
static bool mst_local_resolved;

/* drain_local_pages() and cpu_vm_stats_fold(): not exported, as above. */
static void mst_local_resolve(void)
{
	mst_local_resolved = true;
	if (mst_indirect_calls_checked())
		return;
#ifdef CONFIG_KPROBES
	struct kprobe kp = { .symbol_name = "drain_local_pages" };

	if (!register_kprobe(&kp)) {
		mst_drain_local = (void (*)(struct zone *))(void *)kp.addr;
		unregister_kprobe(&kp);
	}
#ifdef CONFIG_SMP
	memset(&kp, 0, sizeof(kp));
	kp.symbol_name = "cpu_vm_stats_fold";
	if (!register_kprobe(&kp)) {
		mst_fold_cpu = (void (*)(int))(void *)kp.addr;
		unregister_kprobe(&kp);
	}
#endif
#endif
}

/* The zone hog_set steers: where the first page it took came from. */
static struct zone *mst_hog_zone;

struct mst_set {
	unsigned long usable;
	gfp_t gfp;
	bool find_zone;
	int ret;
};

/* The last hog_set that did not land: for the test's log. */
static unsigned long mst_set_failed[3];

/* Take @n pages of @gfp: 0 or -ENOMEM (what was taken is kept). */
static int mst_take_pages(unsigned long n, gfp_t gfp)
{
	struct page *page;

	for (; n; n--) {
		page = alloc_pages_node(first_online_node, gfp | __GFP_THISNODE | __GFP_NOWARN, 0);
		if (!page)
			return -ENOMEM;
		list_add(&page->lru, &mst_hog_pages);
		mst_hog_count++;
	}
	return 0;
}

/* This CPU's lists back to the buddy lists, every CPU's deltas folded. */
static void mst_settle_stopped(void)
{
	int cpu;

	mst_drain_local(NULL);
	/* UP kernels keep no deltas: no cpu_vm_stats_fold() there. */
	if (mst_fold_cpu)
		for_each_online_cpu(cpu)
			mst_fold_cpu(cpu);
}

/*
 * Runs under stop_machine(): every other CPU waits with interrupts off,
 * so nothing allocates, frees or evaluates until the zone is where it is
 * wanted. An order-0 allocation refills this CPU's list with a batch from
 * the buddy lists and free memory drops by the whole batch until a drain:
 * done in the open, memscope (its allocation hook pokes it every 32 pages,
 * its timer runs on any CPU) would see that dip below the point aimed at.
 * Here the list is given back and the counter deltas folded before
 * anything runs again, so the zone counter /proc/zoneinfo and memscope
 * read is exact when they next look. Pages given back go through this
 * CPU's list too, and other CPUs' lists are left alone: draining them
 * would only make their next allocation refill a batch.
 */
static int mst_set_stopped(void *arg)
{
	struct mst_set *set = arg;
	unsigned long now;
	int round;

	if (set->find_zone) {
		set->ret = mst_take_pages(1, set->gfp);
		if (set->ret)
			return 0;
		mst_hog_zone = page_zone(list_first_entry(&mst_hog_pages, struct page, lru));
	}
	for (round = 0; round < 8; round++) {
		mst_settle_stopped();
		now = mst_zone_usable(mst_hog_zone);
		if (now == set->usable) {
			set->ret = 0;
			return 0;
		}
		if (now < set->usable)
			mst_hog_release_zone(mst_hog_zone, set->usable - now);
		else if (mst_take_pages(now - set->usable, set->gfp))
			break;
	}
	mst_settle_stopped();
	now = mst_zone_usable(mst_hog_zone);
	set->ret = now == set->usable ? 0 : round < 8 ? -ENOMEM : -EAGAIN;
	if (set->ret) {
		mst_set_failed[0] = set->usable;
		mst_set_failed[1] = now;
		mst_set_failed[2] = zone_page_state(mst_hog_zone, NR_FREE_PAGES);
	}
	return 0;
}

/*
 * PREEMPT_RT: the zone's lock sleeps there, and stop_machine() runs its
 * function with interrupts off, where it may not be taken (the RT row's
 * lockdep said so). On a uniprocessor the same steps run at the real-time
 * priority of the interrupt threads instead: nothing but hard interrupts
 * (which only queue memscope's sampler, a lower real-time task) runs
 * until they are done. With more CPUs nothing short of stop_machine()
 * keeps the others from allocating: not offered.
 */
static int mst_hog_set_rt(struct mst_set *set)
{
	int nice = task_nice(current);

	if (IS_ENABLED(CONFIG_SMP) && num_online_cpus() > 1)
		return -EOPNOTSUPP;
	sched_set_fifo(current);
	mst_set_stopped(set);
	sched_set_normal(current, nice);
	return set->ret;
}

/*
 * Usable free memory of the hog's zone to exactly @usable. The zone is
 * found once (until "hog_release all") from a page taken with @gfp: the
 * pages held may be another zone's (a test drains the zones below first).
 * A page of the zone taken to look on each call would dip one page below
 * a point held on a line.
 */
static int mst_hog_set(unsigned long usable, gfp_t gfp)
{
	struct mst_set set = {
		.usable = usable,
		.gfp = gfp & ~__GFP_DIRECT_RECLAIM,
		.find_zone = !mst_hog_zone,
		.ret = -EAGAIN,
	};

	if (!mst_local_resolved)
		mst_local_resolve();
	if (!mst_drain_local || (IS_ENABLED(CONFIG_SMP) && !mst_fold_cpu))
		return -EOPNOTSUPP;
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		return mst_hog_set_rt(&set);
	stop_machine(mst_set_stopped, &set, NULL);
	return set.ret;
}

/* The verbs that take "N MODE", and the allocation flags of each mode. */
static const struct {
	const char *verb, *mode;
	int (*run)(unsigned long n, gfp_t gfp);
	gfp_t gfp;
} mst_hog_modes[] = {
	{ "hog_take", "kernel", mst_hog_take, GFP_KERNEL | __GFP_NORETRY },
	{ "hog_take", "nowait", mst_hog_take, GFP_NOWAIT },
	{ "hog_take", "atomic", mst_hog_take, GFP_ATOMIC },
#ifdef CONFIG_ZONE_DMA
	{ "hog_take", "dma", mst_hog_take, GFP_NOWAIT | __GFP_DMA },
#endif
#ifdef CONFIG_ZONE_DMA32
	{ "hog_take", "dma32", mst_hog_take, GFP_NOWAIT | __GFP_DMA32 },
#endif
	{ "hog_until", "nowait", mst_hog_until, GFP_NOWAIT },
	{ "hog_until", "kernel", mst_hog_until, GFP_KERNEL | __GFP_NORETRY },
	{ "hog_until", "atomic", mst_hog_until, GFP_ATOMIC },
	{ "hog_set", "nowait", mst_hog_set, GFP_NOWAIT },
	{ "hog_set", "atomic", mst_hog_set, GFP_ATOMIC },
	/* No allocation at all: the point is held by pages already taken. */
	{ "hog_set", "quiet", mst_hog_set, 0 },
};

/* "N MODE", split in place: the count, and the mode word in @mode. */
static int mst_hog_args(char *args, unsigned long *n, char **mode)
{
	*mode = args;
	if (!args || !strsep(mode, " ") || !*mode || kstrtoul(args, 0, n))
		return -EINVAL;
	return 0;
}

static int mst_hog_run(const char *verb, char *args)
{
	bool known_verb = false;
	unsigned long n = 0;
	char *mode;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mst_hog_modes); i++)
		known_verb |= !strcmp(verb, mst_hog_modes[i].verb);
	if (known_verb) {
		if (mst_hog_args(args, &n, &mode))
			return -EINVAL;
		for (i = 0; i < ARRAY_SIZE(mst_hog_modes); i++)
			if (!strcmp(verb, mst_hog_modes[i].verb) &&
			    !strcmp(mode, mst_hog_modes[i].mode))
				return mst_hog_modes[i].run(n, mst_hog_modes[i].gfp);
		return -EINVAL;
	}
	if (!strcmp(verb, "hog_cross")) {
		unsigned long more;
		int ret;

		if (mst_hog_args(args, &n, &mode) || kstrtoul(mode, 0, &more))
			return -EINVAL;
		ret = mst_hog_until(n, GFP_NOWAIT);
		if (ret)
			return ret;
		/* Until reclaim gives up: running short is the point. */
		mst_hog_take(more, GFP_KERNEL | __GFP_NORETRY);
		return 0;
	}
	if (!strcmp(verb, "hog_release")) {
		if (!args)
			return -EINVAL;
		if (!strcmp(args, "all")) {
			n = ULONG_MAX;
			mst_hog_zone = NULL;
		} else if (kstrtoul(args, 0, &n)) {
			return -EINVAL;
		}
		mst_hog_release(n);
		return 0;
	}
	return -ENOIOCTLCMD;
}

static void mst_hog_release_all(void)
{
	mst_hog_release(ULONG_MAX);
}

static void mst_hog_show(struct seq_file *m)
{
	unsigned long *count;
	struct page *page;
	int nid, zid;

	if (mst_drain_resolved && !mst_drain_all_pages)
		seq_puts(m, "hog_drain unavailable\n");
	if (mst_local_resolved)
		seq_printf(m, "hog_exact drain_local=%d fold=%d\n", !!mst_drain_local,
			   !!mst_fold_cpu);
	if (mst_set_failed[0])
		seq_printf(m, "hog_set_failed aim=%lu usable=%lu free=%lu\n",
			   mst_set_failed[0], mst_set_failed[1], mst_set_failed[2]);
	if (mst_hog_crossed_ns)
		seq_printf(m, "hog_crossed_ns %llu\n", mst_hog_crossed_ns);
	if (!mst_hog_count)
		return;
	/* Per node and zone; MAX_NUMNODES may be 1024, so not on the stack. */
	count = kcalloc(nr_node_ids * MAX_NR_ZONES, sizeof(*count), GFP_KERNEL);
	if (!count)
		return;
	list_for_each_entry(page, &mst_hog_pages, lru)
		count[page_to_nid(page) * MAX_NR_ZONES + page_zonenum(page)]++;
	for_each_online_node(nid)
		for (zid = 0; zid < MAX_NR_ZONES; zid++)
			if (count[nid * MAX_NR_ZONES + zid])
				seq_printf(m, "hog %d %s %lu\n", nid,
					   NODE_DATA(nid)->node_zones[zid].name,
					   count[nid * MAX_NR_ZONES + zid]);
	kfree(count);
}

const struct mst_handler mst_hog_handler = {
	.name = "hog",
	.run = mst_hog_run,
	.show = mst_hog_show,
	.release = mst_hog_release_all,
};

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
 *                        is exactly USABLE pages once the per-CPU lists are
 *                        drained, counting the per-CPU counter deltas not
 *                        yet folded (vm.stat_refresh folds them): tests
 *                        hold a zone at a chosen point of a
 *                        watermark band. -ENOMEM when MODE cannot go that
 *                        low, -EAGAIN when other activity kept it moving
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
 * and "hog_crossed_ns NS" after a hog_until.
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
#include <linux/irqflags.h>
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
#include <linux/timekeeping.h>
#include <linux/vmstat.h>

#include "mst.h"

/* Taken pages are linked through page->lru: they are ours until freed. */
static LIST_HEAD(mst_hog_pages);
static unsigned long mst_hog_count;
static u64 mst_hog_crossed_ns;

typedef void (*mst_drain_fn)(struct zone *zone);
static mst_drain_fn mst_drain_all_pages;
static bool mst_drain_resolved;

static void mst_hog_drain(void)
{
	if (!mst_drain_resolved) {
#ifdef CONFIG_KPROBES
		struct kprobe kp = { .symbol_name = "drain_all_pages" };

		/* Registering resolves the symbol; the probe is not kept. */
		if (!register_kprobe(&kp)) {
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
 * The same with the per-CPU deltas of the counters, which the zone counter
 * takes up later: what the counter will say once they are folded.
 */
static unsigned long mst_zone_usable_exact(struct zone *zone)
{
	long free = zone_page_state_snapshot(zone, NR_FREE_PAGES);
	long unusable = READ_ONCE(zone->nr_reserved_highatomic);

	if (IS_ENABLED(CONFIG_CMA))
		unusable += zone_page_state_snapshot(zone, NR_FREE_CMA_PAGES);
	return free > unusable ? free - unusable : 0;
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
	mst_local_resolved = true;
}

/*
 * Take @n pages without free memory ever showing less than what is left
 * once they are taken. An order-0 allocation refills this CPU's list with
 * a batch from the buddy lists, and the free count drops by the whole
 * batch until a drain; memscope evaluates (its allocation hook pokes it
 * every 32 pages) and would see a dip below the point aimed at. So take
 * in chunks with interrupts off (no evaluation on this CPU in between),
 * and before turning them on again give this CPU's list back and fold
 * its counter deltas. Without the two symbols, the dip remains.
 */
#define MST_HOG_CHUNK 32
static int mst_hog_take_exact(unsigned long n, gfp_t gfp)
{
	unsigned long flags, i;
	struct page *page;
	int ret = 0;

	if (!mst_local_resolved)
		mst_local_resolve();
	while (n && !ret) {
		local_irq_save(flags);
		for (i = 0; i < MST_HOG_CHUNK && n; i++, n--) {
			page = alloc_pages_node(first_online_node,
						gfp | __GFP_THISNODE | __GFP_NOWARN, 0);
			if (!page) {
				ret = -ENOMEM;
				break;
			}
			list_add(&page->lru, &mst_hog_pages);
			mst_hog_count++;
		}
		if (mst_drain_local)
			mst_drain_local(NULL);
		if (mst_fold_cpu)
			mst_fold_cpu(smp_processor_id());
		local_irq_restore(flags);
		cond_resched();
	}
	return ret;
}

/* The zone hog_set steers: where the last fresh allocation came from. */
static struct zone *mst_hog_zone;

/*
 * Usable free memory of the hog's zone to exactly @usable. Each round
 * drains the per-CPU lists and corrects by the difference; a page that
 * came from another zone is kept (and shows as such); only pages of the
 * zone are given back, so it converges as long as the zone does not move
 * by itself. Rounds are bounded: kswapd or another task moving the zone
 * makes it -EAGAIN.
 */
static int mst_hog_set(unsigned long usable, gfp_t gfp)
{
	unsigned long now;
	int round, ret;

	/*
	 * The zone a fresh allocation comes from: the pages held may be
	 * another zone's (a test drains the zones below first). Below the
	 * watermark MODE stops at, the zone of the last one.
	 */
	if (!mst_hog_take_exact(1, gfp))
		mst_hog_zone = page_zone(list_first_entry(&mst_hog_pages, struct page, lru));
	if (!mst_hog_zone)
		return -ENOMEM;
	for (round = 0; round < 32; round++) {
		mst_hog_drain();
		now = mst_zone_usable_exact(mst_hog_zone);
		if (now == usable)
			return 0;
		if (now < usable) {
			mst_hog_release_zone(mst_hog_zone, usable - now);
			continue;
		}
		ret = mst_hog_take_exact(now - usable, gfp);
		if (ret) {
			mst_hog_drain();
			return ret;
		}
	}
	return -EAGAIN;
}

static int mst_hog_run(const char *verb, char *args)
{
	unsigned long n;
	char *mode;

	if (!strcmp(verb, "hog_take")) {
		mode = args;
		n = 0;
		if (!args || !strsep(&mode, " ") || !mode || kstrtoul(args, 0, &n))
			return -EINVAL;
		if (!strcmp(mode, "kernel"))
			return mst_hog_take(n, GFP_KERNEL | __GFP_NORETRY);
		if (!strcmp(mode, "nowait"))
			return mst_hog_take(n, GFP_NOWAIT);
		if (!strcmp(mode, "atomic"))
			return mst_hog_take(n, GFP_ATOMIC);
		if (IS_ENABLED(CONFIG_ZONE_DMA) && !strcmp(mode, "dma"))
			return mst_hog_take(n, GFP_NOWAIT | __GFP_DMA);
		if (IS_ENABLED(CONFIG_ZONE_DMA32) && !strcmp(mode, "dma32"))
			return mst_hog_take(n, GFP_NOWAIT | __GFP_DMA32);
		return -EINVAL;
	}
	if (!strcmp(verb, "hog_until")) {
		mode = args;
		n = 0;
		if (!args || !strsep(&mode, " ") || !mode || kstrtoul(args, 0, &n))
			return -EINVAL;
		if (!strcmp(mode, "nowait"))
			return mst_hog_until(n, GFP_NOWAIT);
		if (!strcmp(mode, "kernel"))
			return mst_hog_until(n, GFP_KERNEL | __GFP_NORETRY);
		if (!strcmp(mode, "atomic"))
			return mst_hog_until(n, GFP_ATOMIC);
		return -EINVAL;
	}
	if (!strcmp(verb, "hog_set")) {
		mode = args;
		n = 0;
		if (!args || !strsep(&mode, " ") || !mode || kstrtoul(args, 0, &n))
			return -EINVAL;
		if (!strcmp(mode, "nowait"))
			return mst_hog_set(n, GFP_NOWAIT);
		if (!strcmp(mode, "atomic"))
			return mst_hog_set(n, GFP_ATOMIC);
		return -EINVAL;
	}
	if (!strcmp(verb, "hog_cross")) {
		unsigned long more;
		int ret;

		mode = args;
		if (!args || !strsep(&mode, " ") || !mode || kstrtoul(args, 0, &n) ||
		    kstrtoul(mode, 0, &more))
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
		}
		else if (kstrtoul(args, 0, &n))
			return -EINVAL;
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

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
#include <linux/kprobes.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

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

static void mst_hog_release(unsigned long n)
{
	struct page *page;

	while (n-- && !list_empty(&mst_hog_pages)) {
		page = list_first_entry(&mst_hog_pages, struct page, lru);
		list_del(&page->lru);
		__free_page(page);
		mst_hog_count--;
	}
	mst_hog_drain();
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
		if (!strcmp(args, "all"))
			n = ULONG_MAX;
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

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope_test: page allocations with a known count, for the tests of the
 * alloc and reclaim views (memscope's page-allocator and vmscan hooks).
 *
 *   hk_pages N ORDER   allocate N blocks of 2^ORDER pages (GFP_KERNEL,
 *                      no retries, no warning) and hold them; -ENOMEM at
 *                      the first failure, keeping what was taken
 *   hk_fail ORDER      take blocks of ORDER without any reclaim until one
 *                      fails, then give them all back: exactly one failed
 *                      allocation of that order (a __GFP_NOWARN request
 *                      that cannot succeed)
 *   hk_frag ORDER      take every free block of ORDER or more (no reclaim),
 *                      split them and give back every other page: plenty
 *                      of free memory, none of it in blocks of ORDER
 *   hk_stall ORDER N   N allocations of ORDER that may reclaim and compact
 *                      but not retry (GFP_KERNEL | __GFP_NORETRY); the
 *                      ones that succeed are held
 *   hk_skip ORDER      take every free page (no reclaim: down to the min
 *                      watermark), make one request of ORDER that may
 *                      compact but not retry, give everything back: too
 *                      little is free for compaction, which the kernel then
 *                      skips (not a compact_stall) unless it was deferred
 *   hk_release         give back everything held
 * Shown as "hk_pages BLOCKS PAGES", "hk_last VERB ORDER OK FAILED" (the
 * last command) and "hk_block ORDER NODE ZONE", one line per held
 * high-order block.
 *
 * Held blocks are linked through page->lru, so holding them allocates
 * nothing else: the counts the tests compare stay exact.
 */
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "mst.h"

/* Enough for every test, small enough that a runaway script cannot OOM. */
#define MST_HK_MAX_BLOCKS 4096

static LIST_HEAD(mst_hk_blocks);	/* page->private holds the order */
static unsigned long mst_hk_nr_blocks, mst_hk_nr_pages;
static const char *mst_hk_last_verb = "none";
static unsigned int mst_hk_last_order, mst_hk_last_ok, mst_hk_last_failed;

static void mst_hk_hold(struct page *page, unsigned int order)
{
	set_page_private(page, order);
	list_add_tail(&page->lru, &mst_hk_blocks);
	mst_hk_nr_blocks++;
	mst_hk_nr_pages += 1UL << order;
}

static void mst_hk_release(void)
{
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, &mst_hk_blocks, lru) {
		unsigned int order = page_private(page);

		list_del(&page->lru);
		set_page_private(page, 0);
		__free_pages(page, order);
		cond_resched();
	}
	mst_hk_nr_blocks = 0;
	mst_hk_nr_pages = 0;
}

/* Neither direct reclaim nor kswapd: only what is free now. */
#define MST_HK_NORECLAIM ((GFP_KERNEL & ~__GFP_RECLAIM) | __GFP_NOWARN)

static int mst_hk_pages(unsigned int n, unsigned int order)
{
	struct page *page;

	while (n--) {
		if (mst_hk_nr_blocks >= MST_HK_MAX_BLOCKS)
			return -ENOSPC;
		page = alloc_pages(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, order);
		if (!page)
			return -ENOMEM;
		mst_hk_hold(page, order);
	}
	return 0;
}

static int mst_hk_fail(unsigned int order)
{
	struct page *page;

	mst_hk_last_ok = 0;
	mst_hk_last_failed = 0;
	while (mst_hk_nr_blocks < MST_HK_MAX_BLOCKS) {
		page = alloc_pages(MST_HK_NORECLAIM, order);
		if (!page) {
			mst_hk_last_failed = 1;
			break;
		}
		mst_hk_hold(page, order);
		mst_hk_last_ok++;
	}
	mst_hk_release();
	return mst_hk_last_failed ? 0 : -ENOSPC;
}

static int mst_hk_frag(unsigned int order)
{
	unsigned int o, i;
	struct page *page;

	mst_hk_last_ok = 0;
	for (o = MS_NR_PAGE_ORDERS - 1; o + 1 > order; o--) {
		while ((page = alloc_pages(MST_HK_NORECLAIM, o))) {
			/* 2^o order-0 pages; keep the odd ones. */
			split_page(page, o);
			for (i = 0; i < 1U << o; i++) {
				if (i & 1)
					mst_hk_hold(page + i, 0);
				else
					__free_page(page + i);
			}
			mst_hk_last_ok++;
			cond_resched();
		}
	}
	return 0;
}

static int mst_hk_stall(unsigned int order, unsigned int n)
{
	struct page *page;

	mst_hk_last_ok = 0;
	mst_hk_last_failed = 0;
	while (n--) {
		page = alloc_pages(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, order);
		if (page) {
			mst_hk_hold(page, order);
			mst_hk_last_ok++;
		} else {
			mst_hk_last_failed++;
		}
		cond_resched();
	}
	return 0;
}

static int mst_hk_skip(unsigned int order)
{
	struct page *page;

	mst_hk_last_ok = 0;
	mst_hk_last_failed = 0;
	/* Order-0 pages linked through page->lru: no count limit needed. */
	while ((page = alloc_pages(MST_HK_NORECLAIM, 0)))
		mst_hk_hold(page, 0);
	page = alloc_pages(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, order);
	if (page) {
		mst_hk_hold(page, order);
		mst_hk_last_ok = 1;
	} else {
		mst_hk_last_failed = 1;
	}
	mst_hk_release();
	return 0;
}

static int mst_hk_run(const char *verb, char *args)
{
	unsigned int a = 0, b = 0;
	int n = 0;

	if (args)
		n = sscanf(args, "%u %u", &a, &b);
	if (!strcmp(verb, "hk_release")) {
		if (args)
			return -EINVAL;
		mst_hk_release();
		return 0;
	}
	if (!strcmp(verb, "hk_pages"))
		return n == 2 && b < MS_NR_PAGE_ORDERS ? mst_hk_pages(a, b) : -EINVAL;
	if (strcmp(verb, "hk_fail") && strcmp(verb, "hk_frag") &&
	    strcmp(verb, "hk_stall") && strcmp(verb, "hk_skip"))
		return -ENOIOCTLCMD;
	if (n < 1 || a >= MS_NR_PAGE_ORDERS)
		return -EINVAL;
	mst_hk_last_verb = "none";
	mst_hk_last_order = a;
	if (!strcmp(verb, "hk_fail") && n == 1) {
		mst_hk_last_verb = "hk_fail";
		return mst_hk_fail(a);
	}
	if (!strcmp(verb, "hk_frag") && n == 1 && a > 0) {
		mst_hk_last_verb = "hk_frag";
		return mst_hk_frag(a);
	}
	if (!strcmp(verb, "hk_skip") && n == 1 && a > 0) {
		mst_hk_last_verb = "hk_skip";
		return mst_hk_skip(a);
	}
	if (!strcmp(verb, "hk_stall") && n == 2) {
		mst_hk_last_verb = "hk_stall";
		return mst_hk_stall(a, b);
	}
	return -EINVAL;
}

static void mst_hk_show(struct seq_file *m)
{
	struct page *page;

	seq_printf(m, "hk_pages %lu %lu\n", mst_hk_nr_blocks, mst_hk_nr_pages);
	seq_printf(m, "hk_last %s %u %u %u\n", mst_hk_last_verb, mst_hk_last_order,
		   mst_hk_last_ok, mst_hk_last_failed);
	list_for_each_entry(page, &mst_hk_blocks, lru)
		if (page_private(page))
			seq_printf(m, "hk_block %lu %d %s\n", page_private(page),
				   page_to_nid(page), page_zone(page)->name);
}

const struct mst_handler mst_hkpages_handler = {
	.name = "hkpages",
	.run = mst_hk_run,
	.show = mst_hk_show,
	.release = mst_hk_release,
};

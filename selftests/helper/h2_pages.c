// SPDX-License-Identifier: GPL-2.0
/*
 * memscope_test: allocations that may wake kswapd but never reclaim
 * themselves, for the reclaim view's kcompactd test.
 *
 *   h2_nowait ORDER N  N allocations of 2^ORDER pages with GFP_NOWAIT
 *                      (kswapd may be woken, no direct reclaim or
 *                      compaction, no warning), each freed at once
 * Shown as "h2_nowait ORDER OK FAILED" for the last command.
 *
 * When such a request finds no free block of ORDER, the allocator wakes
 * kswapd for ORDER (wakeup_kswapd()); if kswapd has given up on the node,
 * or the node is balanced, it wakes kcompactd for ORDER instead, because
 * the request cannot compact by itself. kswapd, once the node is balanced
 * again, wakes kcompactd too (kswapd_try_to_sleep()). Either way kcompactd
 * runs (kcompactd_do_work(), counted as compact_daemon_wake) within its
 * polling interval.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "mst.h"

static unsigned int mst_h2_order, mst_h2_ok, mst_h2_failed;

static int mst_h2_nowait(unsigned int order, unsigned int n)
{
	struct page *page;

	mst_h2_order = order;
	mst_h2_ok = 0;
	mst_h2_failed = 0;
	while (n--) {
		page = alloc_pages(GFP_NOWAIT | __GFP_NOWARN, order);
		if (page) {
			__free_pages(page, order);
			mst_h2_ok++;
		} else {
			mst_h2_failed++;
		}
		cond_resched();
	}
	return 0;
}

static int mst_h2_run(const char *verb, char *args)
{
	unsigned int order, n;

	if (strcmp(verb, "h2_nowait"))
		return -ENOIOCTLCMD;
	if (!args || sscanf(args, "%u %u", &order, &n) != 2 || order >= MS_NR_PAGE_ORDERS)
		return -EINVAL;
	return mst_h2_nowait(order, n);
}

static void mst_h2_show(struct seq_file *m)
{
	seq_printf(m, "h2_nowait %u %u %u\n", mst_h2_order, mst_h2_ok, mst_h2_failed);
}

static void mst_h2_release(void)
{
}

const struct mst_handler mst_h2_handler = {
	.name = "h2",
	.run = mst_h2_run,
	.show = mst_h2_show,
	.release = mst_h2_release,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope_test: timing loops on the allocator paths memscope hooks, for
 * scripts/bench (make bench). Figures only; nothing here passes or fails.
 *
 *   bench_pages ORDER N    N times alloc_pages(GFP_KERNEL, ORDER) and
 *                          __free_pages() of the same block
 *   bench_kmalloc SIZE N   N times kmalloc(SIZE, GFP_KERNEL) and kfree()
 * Shown as "bench KIND ARG N NS", NS the loop's total time in ns, for the
 * last run. Each iteration frees what it allocated, so the loop measures
 * the allocator's hot path (per-CPU lists, slab per-CPU freelist).
 */
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "mst.h"

/* Long enough to time, short enough not to hog an emulated CPU. */
#define MST_BENCH_MAX 1000000

static const char *mst_bench_kind = "none";
static unsigned int mst_bench_arg, mst_bench_n;
static u64 mst_bench_ns;

static int mst_bench_pages(unsigned int order, unsigned int n)
{
	struct page *page;
	unsigned int i;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		page = alloc_pages(GFP_KERNEL, order);
		if (!page)
			return -ENOMEM;
		__free_pages(page, order);
	}
	mst_bench_ns = ktime_get_ns() - t0;
	return 0;
}

static int mst_bench_kmalloc(unsigned int size, unsigned int n)
{
	unsigned int i;
	void *p;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		p = kmalloc(size, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		kfree(p);
	}
	mst_bench_ns = ktime_get_ns() - t0;
	return 0;
}

static int mst_bench_run(const char *verb, char *args)
{
	bool pages = !strcmp(verb, "bench_pages");
	unsigned int arg, n;
	int ret;

	if (!pages && strcmp(verb, "bench_kmalloc"))
		return -ENOIOCTLCMD;
	if (!args || sscanf(args, "%u %u", &arg, &n) != 2 || !n || n > MST_BENCH_MAX)
		return -EINVAL;
	if (pages ? arg >= MS_NR_PAGE_ORDERS : !arg || arg > KMALLOC_MAX_CACHE_SIZE)
		return -EINVAL;
	ret = pages ? mst_bench_pages(arg, n) : mst_bench_kmalloc(arg, n);
	if (ret)
		return ret;
	mst_bench_kind = pages ? "pages" : "kmalloc";
	mst_bench_arg = arg;
	mst_bench_n = n;
	return 0;
}

static void mst_bench_show(struct seq_file *m)
{
	seq_printf(m, "bench %s %u %u %llu\n", mst_bench_kind, mst_bench_arg,
		   mst_bench_n, mst_bench_ns);
}

static void mst_bench_release(void)
{
}

const struct mst_handler mst_bench_handler = {
	.name = "bench",
	.run = mst_bench_run,
	.show = mst_bench_show,
	.release = mst_bench_release,
};

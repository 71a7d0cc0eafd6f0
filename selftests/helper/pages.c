// SPDX-License-Identifier: GPL-2.0
/*
 * memscope_test: known page-allocator allocations.
 *
 *   alloc_pages ORDER    allocate one block of 2^ORDER pages (GFP_KERNEL,
 *                        no retries, no warning) and hold it
 *   alloc_movable ORDER  the same with GFP_HIGHUSER_MOVABLE, which may also
 *                        take CMA and HighMem blocks
 *   free_pages           free every held block
 * Shown as "pages ORDER NODE ZONE PFN", one line per held block.
 */
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "mst.h"

/* Enough for every test, small enough that a runaway script cannot OOM. */
#define MST_MAX_BLOCKS 4096

struct mst_block {
	struct list_head node;
	struct page *page;
	unsigned int order;
};

static LIST_HEAD(mst_blocks);
static unsigned int mst_nr_blocks;

static int mst_alloc_pages(unsigned int order, gfp_t gfp)
{
	struct mst_block *b;

	if (order >= MS_NR_PAGE_ORDERS)
		return -EINVAL;
	if (mst_nr_blocks >= MST_MAX_BLOCKS)
		return -ENOSPC;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->page = alloc_pages(gfp | __GFP_NORETRY | __GFP_NOWARN, order);
	if (!b->page) {
		kfree(b);
		return -ENOMEM;
	}
	b->order = order;
	list_add_tail(&b->node, &mst_blocks);
	mst_nr_blocks++;
	return 0;
}

static void mst_pages_release(void)
{
	struct mst_block *b, *tmp;

	list_for_each_entry_safe(b, tmp, &mst_blocks, node) {
		list_del(&b->node);
		__free_pages(b->page, b->order);
		kfree(b);
	}
	mst_nr_blocks = 0;
}

static int mst_pages_run(const char *verb, char *args)
{
	bool movable = !strcmp(verb, "alloc_movable");
	unsigned int order;

	if (movable || !strcmp(verb, "alloc_pages")) {
		if (!args || kstrtouint(args, 0, &order))
			return -EINVAL;
		return mst_alloc_pages(order, movable ? GFP_HIGHUSER_MOVABLE : GFP_KERNEL);
	}
	if (!strcmp(verb, "free_pages")) {
		if (args)
			return -EINVAL;
		mst_pages_release();
		return 0;
	}
	return -ENOIOCTLCMD;
}

static void mst_pages_show(struct seq_file *m)
{
	struct mst_block *b;

	list_for_each_entry(b, &mst_blocks, node)
		seq_printf(m, "pages %u %d %s %lu\n", b->order,
			   page_to_nid(b->page), page_zone(b->page)->name,
			   page_to_pfn(b->page));
}

const struct mst_handler mst_pages_handler = {
	.name = "pages",
	.run = mst_pages_run,
	.show = mst_pages_show,
	.release = mst_pages_release,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: the unusable-free-space and fragmentation indexes.
 *
 * Same definitions as mm/vmstat.c (unusable_free_index() and
 * __fragmentation_index()), which are static or unexported in 6.1 and only
 * shown in debugfs extfrag/ when CONFIG_COMPACTION is set. Computed in u64
 * so that large 32-bit HIGHMEM zones cannot overflow free_pages * 1000.
 */
#include <linux/math64.h>
#include <linux/seq_file.h>

#include "memscope.h"

struct ms_contig {
	u64 free_pages;		/* all free base pages */
	u64 blocks_total;	/* free blocks of any order */
	u64 blocks_suitable;	/* blocks of 2^order pages that are free */
};

/**
 * ms_order_blocks() - blocks of 2^@order pages the free blocks can give
 * @nr_free: free blocks per order, a snapshot of one zone
 * @order: the block size asked about
 *
 * Every free block of @order or larger splits into 2^(o - @order) of
 * them: what an order-@order allocation can get without compaction. The
 * pressure view's order columns, the order triggers and the
 * fragmentation index all count with it.
 *
 * Context: any context; a pure function of its arguments.
 * Return: the number of blocks.
 */
u64 ms_order_blocks(const unsigned long nr_free[MS_NR_PAGE_ORDERS], unsigned int order)
{
	unsigned int o;
	u64 n = 0;

	for (o = order; o < MS_NR_PAGE_ORDERS; o++)
		n += (u64)nr_free[o] << (o - order);
	return n;
}

static void ms_contig_info(const unsigned long nr_free[MS_NR_PAGE_ORDERS],
			   unsigned int order, struct ms_contig *c)
{
	unsigned int o;

	c->free_pages = 0;
	c->blocks_total = 0;
	for (o = 0; o < MS_NR_PAGE_ORDERS; o++) {
		c->blocks_total += nr_free[o];
		c->free_pages += (u64)nr_free[o] << o;
	}
	c->blocks_suitable = ms_order_blocks(nr_free, order);
}

/**
 * ms_unusable_index() - the kernel's unusable free space index of an order
 * @nr_free: free blocks per order, a snapshot of one zone
 * @order: the allocation order asked about
 *
 * The share of free memory that is in blocks smaller than 2^@order pages,
 * as mm/vmstat.c's unusable_free_index() computes it.
 *
 * Context: any context; a pure function of its arguments.
 * Return: thousandths: 0 when every free page is usable for @order, 1000
 * when none is (or nothing is free).
 */
int ms_unusable_index(const unsigned long nr_free[MS_NR_PAGE_ORDERS], unsigned int order)
{
	struct ms_contig c;

	ms_contig_info(nr_free, order, &c);
	if (!c.free_pages)
		return 1000;
	return div64_u64((c.free_pages - (c.blocks_suitable << order)) * 1000,
			 c.free_pages);
}

/**
 * ms_fragmentation_index() - the kernel's fragmentation index of an order
 * @nr_free: free blocks per order, a snapshot of one zone
 * @order: the allocation order asked about
 *
 * As mm/vmstat.c's __fragmentation_index(): why an allocation of @order
 * would fail, if it would.
 *
 * Context: any context; a pure function of its arguments.
 * Return: thousandths: -1000 when an allocation of @order would succeed;
 * otherwise towards 0 the failure is lack of memory, towards 1000 it is
 * fragmentation; 0 when nothing is free.
 */
int ms_fragmentation_index(const unsigned long nr_free[MS_NR_PAGE_ORDERS],
			   unsigned int order)
{
	struct ms_contig c;

	ms_contig_info(nr_free, order, &c);
	if (!c.blocks_total)
		return 0;
	if (c.blocks_suitable)
		return -1000;
	return 1000 - (int)div64_u64(1000 + div64_u64(c.free_pages * 1000,
						       1ULL << order),
				     c.blocks_total);
}

/**
 * ms_seq_index() - print an index as the kernel does
 * @m: the view being shown
 * @index: a value of ms_unusable_index() or ms_fragmentation_index()
 *
 * The kernel prints both indexes as %d.%03d of the value in thousandths;
 * the only negative value is -1000, so the sign survives the split. The
 * column starts with a space.
 *
 * Context: process context, from a seq_file show function.
 */
void ms_seq_index(struct seq_file *m, int index)
{
	seq_printf(m, " %6d.%03d", index / 1000, index % 1000);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: debugfs "buddy", free buddy blocks per node, zone and order,
 * with the pages they hold and the kernel's fragmentation indexes.
 *
 * Reads only free_area[].nr_free, without zone->lock: O(zones x orders),
 * never disables interrupts and never makes the allocator wait.
 * /proc/buddyinfo reads the same counters but holds zone->lock (interrupts
 * off) around each zone's line (frag_show() -> walk_zones_in_node() with
 * nolock false), so its line for a zone is one consistent snapshot. Here a
 * snapshot taken while allocations run is approximate, the orders being
 * read one after another; Documentation/memscope.rst says so.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "memscope.h"
#include "views.h"

/**
 * ms_buddy_show() - print the "buddy" view
 * @m: the seq_file of views.c's open
 * @unused: not used
 *
 * Description:
 * Free blocks per order and migrate type of every populated zone, with the
 * fragmentation indexes.
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int ms_buddy_show(struct seq_file *m, void *unused)
{
	unsigned long nr_free[MS_NR_PAGE_ORDERS];
	u64 pages_ge[MS_NR_PAGE_ORDERS + 1];
	struct zone *zone;
	int order;

	seq_puts(m, "# memscope buddy: free blocks per node, zone and order\n");
	seq_puts(m, "# lockless snapshot of free_area[].nr_free (approximate while the allocator runs)\n");
	seq_printf(m, "# page_size %lu orders %d\n", PAGE_SIZE, MS_NR_PAGE_ORDERS);
	seq_printf(m, "# %-4s %-8s %5s %12s %12s %14s %10s %10s\n",
		   "node", "zone", "order", "free_blocks", "free_pages",
		   "free_pages_ge", "unusable", "fragindex");

	for (zone = ms_first_zone(); zone; zone = ms_next_zone(zone)) {
		ms_zone_nr_free(zone, nr_free);

		/* Free pages held in blocks of this order or larger. */
		pages_ge[MS_NR_PAGE_ORDERS] = 0;
		for (order = MS_NR_PAGE_ORDERS - 1; order >= 0; order--)
			pages_ge[order] = pages_ge[order + 1] +
					  ((u64)nr_free[order] << order);

		for (order = 0; order < MS_NR_PAGE_ORDERS; order++) {
			seq_printf(m, "  %-4d %-8s %5d %12lu %12llu %14llu",
				   zone_to_nid(zone), zone->name, order,
				   nr_free[order], (u64)nr_free[order] << order,
				   pages_ge[order]);
			ms_seq_index(m, ms_unusable_index(nr_free, order));
			ms_seq_index(m, ms_fragmentation_index(nr_free, order));
			seq_putc(m, '\n');
		}
	}
	return 0;
}

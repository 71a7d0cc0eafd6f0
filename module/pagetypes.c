// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: debugfs "pagetypes", free blocks per migratetype and order.
 *
 * 6.1 keeps no per-migratetype free counters, so the free lists must be
 * walked under zone->lock. /proc/pagetypeinfo was made root-only after
 * such walks caused hard lockups on long lists; since then it caps each
 * list at 100000 entries and drops the lock and reschedules after every
 * list (mm/vmstat.c, pagetypeinfo_showfree_print()). This walk is bounded
 * the same way: the lock (with interrupts off) covers one list at a time,
 * the walk stops at MS_WALK_CAP entries, and the task may reschedule after
 * every list. Unlike the kernel it formats nothing under the lock: the
 * counts are printed once the zone is done.
 */
#include <linux/debugfs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "memscope.h"
#include "views.h"

#define MS_WALK_CAP 100000UL

/* mm/page_alloc.c's migratetype_names[] is not exported. */
const char * const ms_migratetype_names[MIGRATE_TYPES] = {
	"Unmovable",
	"Movable",
	"Reclaimable",
	"HighAtomic",
#ifdef CONFIG_CMA
	"CMA",
#endif
#ifdef CONFIG_MEMORY_ISOLATION
	"Isolate",
#endif
};

static unsigned long ms_count_free_list(struct zone *zone, unsigned int order,
					int mt)
{
	struct list_head *pos;
	unsigned long n = 0;

	spin_lock_irq(&zone->lock);
	list_for_each(pos, &zone->free_area[order].free_list[mt])
		if (++n >= MS_WALK_CAP)
			break;
	spin_unlock_irq(&zone->lock);
	/* At most one list per lock hold, and a chance to reschedule. */
	cond_resched();
	return n;
}

/**
 * ms_pagetypes_show() - print the "pagetypes" view
 * @m: the seq_file of views.c's open
 * @unused: not used
 *
 * Description:
 * Walks each zone's free lists under zone->lock, one list at a time.
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int ms_pagetypes_show(struct seq_file *m, void *unused)
{
	unsigned long *count;
	struct zone *zone;
	unsigned int order;
	int mt;

	count = kmalloc_array(MIGRATE_TYPES * MS_NR_PAGE_ORDERS, sizeof(*count),
			      GFP_KERNEL);
	if (!count)
		return -ENOMEM;

	seq_puts(m, "# memscope pagetypes: free blocks per node, zone, migratetype and order\n");
	seq_printf(m, "# one free list at a time under zone->lock, at most %lu entries each (shown as >%lu)\n",
		   MS_WALK_CAP, MS_WALK_CAP);
	seq_printf(m, "# %-4s %-8s %-12s", "node", "zone", "type");
	for (order = 0; order < MS_NR_PAGE_ORDERS; order++)
		seq_printf(m, " %7u", order);
	seq_putc(m, '\n');

	for (zone = ms_first_zone(); zone; zone = ms_next_zone(zone)) {
		for (order = 0; order < MS_NR_PAGE_ORDERS; order++) {
			for (mt = 0; mt < MIGRATE_TYPES; mt++)
				count[mt * MS_NR_PAGE_ORDERS + order] =
					ms_count_free_list(zone, order, mt);
		}
		for (mt = 0; mt < MIGRATE_TYPES; mt++) {
			seq_printf(m, "  %-4d %-8s %-12s", zone_to_nid(zone),
				   zone->name, ms_migratetype_names[mt]);
			for (order = 0; order < MS_NR_PAGE_ORDERS; order++) {
				unsigned long n = count[mt * MS_NR_PAGE_ORDERS + order];

				seq_printf(m, n >= MS_WALK_CAP ? " >%6lu" : " %7lu", n);
			}
			seq_putc(m, '\n');
		}
	}
	kfree(count);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: iteration over populated zones of online nodes.
 *
 * The kernel's own for_each_populated_zone() relies on helpers that are
 * not exported to modules (mm/mmzone.c), so walk NODE_DATA(nid)->node_zones
 * directly. NODE_DATA() is backed by exported symbols on both NUMA
 * (node_data) and !NUMA (contig_page_data) kernels.
 */
#include <linux/mmzone.h>
#include <linux/nodemask.h>

#include "memscope.h"

/* Written by the pressure evaluation, read by the page probe (memscope.h). */
int ms_kernel_zone __read_mostly;

static struct zone *ms_populated_from(int nid, int zid)
{
	for (; nid < MAX_NUMNODES; nid = next_online_node(nid), zid = 0) {
		pg_data_t *pgdat = NODE_DATA(nid);

		for (; zid < MAX_NR_ZONES; zid++)
			if (populated_zone(&pgdat->node_zones[zid]))
				return &pgdat->node_zones[zid];
	}
	return NULL;
}

/**
 * ms_first_zone() - the first populated zone of the online nodes
 *
 * Description:
 * Starts a walk that ms_next_zone() continues, in the order of
 * for_each_populated_zone(): nodes in order, zones from the lowest.
 *
 * Context: any context; takes no lock (reads NODE_DATA() only).
 * Return: the zone, or NULL when no online node has a populated zone.
 */
struct zone *ms_first_zone(void)
{
	return ms_populated_from(first_online_node, 0);
}

/**
 * ms_next_zone() - the populated zone after @zone in a walk
 * @zone: a zone that ms_first_zone() or ms_next_zone() returned
 *
 * Context: any context; takes no lock.
 * Return: the next populated zone of @zone's node or of a later online
 * node, or NULL after the last one.
 */
struct zone *ms_next_zone(struct zone *zone)
{
	return ms_populated_from(zone_to_nid(zone), zone_idx(zone) + 1);
}

/**
 * ms_zone_nr_free() - copy a zone's free block counts, order by order
 * @zone: a populated zone
 * @nr_free: filled with free_area[order].nr_free for every order
 *
 * Reads without zone->lock: a diagnostic snapshot that never makes the
 * allocator wait, so the orders of a busy zone may not agree with each
 * other (/proc/buddyinfo holds the lock for the same read).
 *
 * Context: any context; takes no lock. The pressure evaluation calls it
 * from the sampler's thread, in process context.
 */
void ms_zone_nr_free(struct zone *zone, unsigned long nr_free[MS_NR_PAGE_ORDERS])
{
	unsigned int order;

	for (order = 0; order < MS_NR_PAGE_ORDERS; order++) {
		/*
		 * Lockless by design, a diagnostic snapshot. mm/vmstat.c marks
		 * this read data_race() too, though it holds zone->lock.
		 */
		nr_free[order] = data_race(READ_ONCE(zone->free_area[order].nr_free));
	}
}

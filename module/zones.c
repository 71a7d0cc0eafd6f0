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

struct zone *ms_first_zone(void)
{
	return ms_populated_from(first_online_node, 0);
}

struct zone *ms_next_zone(struct zone *zone)
{
	return ms_populated_from(zone_to_nid(zone), zone_idx(zone) + 1);
}

void ms_zone_nr_free(struct zone *zone, unsigned long nr_free[MAX_ORDER])
{
	unsigned int order;

	for (order = 0; order < MAX_ORDER; order++) {
		/*
		 * Lockless by design, a diagnostic snapshot. mm/vmstat.c marks
		 * this read data_race() too, though it holds zone->lock.
		 */
		nr_free[order] = data_race(READ_ONCE(zone->free_area[order].nr_free));
	}
}

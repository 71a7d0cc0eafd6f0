/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope: internal declarations shared by the module's files.
 */
#ifndef _MEMSCOPE_H
#define _MEMSCOPE_H

#include <linux/mmzone.h>
#include <linux/types.h>

#include "compat/orders.h"

/* The release, from module/VERSION (module/Kbuild passes it). */
#ifndef MEMSCOPE_VERSION
#error "MEMSCOPE_VERSION is not set: build through module/Kbuild"
#endif

struct dentry;
struct seq_file;

/*
 * for_each_populated_zone() needs first_online_pgdat()/next_zone(), which
 * are not exported; these walk node_zones[] of every online node instead:
 *	for (zone = ms_first_zone(); zone; zone = ms_next_zone(zone))
 */
struct zone *ms_first_zone(void);
struct zone *ms_next_zone(struct zone *zone);

/*
 * Copy of free_area[].nr_free without zone->lock (/proc/buddyinfo reads the
 * same counters with the lock held): orders of a busy zone may not agree.
 */
void ms_zone_nr_free(struct zone *zone, unsigned long nr_free[MS_NR_PAGE_ORDERS]);

/*
 * The highest populated zone up to ZONE_NORMAL: where ordinary kernel
 * allocations come from (set by each pressure evaluation). A failed
 * allocation limited to zones below it (GFP_DMA on x86_64) says that a
 * legacy zone ran dry, not that the system did.
 */
extern int ms_kernel_zone;

/*
 * The kernel's fragmentation indexes (mm/vmstat.c), recomputed from a
 * snapshot of nr_free: thousandths, as the kernel keeps them.
 */
u64 ms_order_blocks(const unsigned long nr_free[MS_NR_PAGE_ORDERS], unsigned int order);
int ms_unusable_index(const unsigned long nr_free[MS_NR_PAGE_ORDERS],
		      unsigned int order);
int ms_fragmentation_index(const unsigned long nr_free[MS_NR_PAGE_ORDERS],
			   unsigned int order);
void ms_seq_index(struct seq_file *m, int index);

extern const char * const ms_migratetype_names[MIGRATE_TYPES];

#endif /* _MEMSCOPE_H */

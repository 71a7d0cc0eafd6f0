/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool: the "buddy" view, parsed: free blocks per node, zone and
 * order with the kernel's unusable-space and fragmentation indexes
 * (module/buddy.c, module/fragindex.c).
 */
#ifndef MEMSCOPE_MSPARSE_BUDDY_H
#define MEMSCOPE_MSPARSE_BUDDY_H

#include <stdint.h>

#include "msparse_pressure.h"	/* MS_MAX_ZONES, MS_ZONE_NAME */

/* MAX_ORDER is 11 on our targets; arm64 with 64 KiB pages has 14. */
#define MS_MAX_ORDERS 16

struct ms_buddy_zone {
	int node;
	char zone[MS_ZONE_NAME];
	uint64_t free_blocks[MS_MAX_ORDERS];
	uint64_t free_pages[MS_MAX_ORDERS];	/* in blocks of that order */
	uint64_t free_pages_ge[MS_MAX_ORDERS];	/* in blocks of that order or larger */
	double unusable[MS_MAX_ORDERS];
	double fragindex[MS_MAX_ORDERS];	/* -1: that order succeeds now */
};

struct ms_buddy {
	uint64_t page_size;
	int nr_orders;		/* from the header, <= MS_MAX_ORDERS */
	int nr_zones;
	struct ms_buddy_zone zone[MS_MAX_ZONES];
};

/* Parse @text (cut in place); 0, or -1 if it is not a buddy view. */
int ms_parse_buddy(char *text, struct ms_buddy *b);

/* The highest order with a free block in @z, or -1 when it has none. */
int ms_buddy_highest_order(const struct ms_buddy *b, const struct ms_buddy_zone *z);

#endif /* MEMSCOPE_MSPARSE_BUDDY_H */

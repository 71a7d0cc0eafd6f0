/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope compat: how many buddy orders the page allocator has.
 *
 * The kernel has called this three ways: MAX_ORDER, exclusive, up to 6.3;
 * MAX_ORDER, inclusive (one more order), in 6.4 to 6.7; NR_PAGE_ORDERS
 * since 6.8, with MAX_ORDER gone. Code that loops "order < MAX_ORDER"
 * silently drops the top order on 6.4 to 6.7. The size of a zone's
 * free_area[] is the number of orders on every one of them, and it is
 * exactly the columns /proc/buddyinfo shows: every loop over orders in
 * memscope, every array indexed by order and the orders= parameter check
 * use MS_NR_PAGE_ORDERS, and nothing else.
 */
#ifndef _MEMSCOPE_COMPAT_ORDERS_H
#define _MEMSCOPE_COMPAT_ORDERS_H

#include <linux/mmzone.h>
#include <linux/stddef.h>

/* The kernel's NR_PAGE_ORDERS: orders 0 .. MS_NR_PAGE_ORDERS - 1. */
#define MS_NR_PAGE_ORDERS \
	((int)(sizeof_field(struct zone, free_area) / sizeof(struct free_area)))

/* Pages in a block of the largest order (the kernel's MAX_ORDER_NR_PAGES). */
#define MS_MAX_ORDER_NR_PAGES (1UL << (MS_NR_PAGE_ORDERS - 1))

#endif /* _MEMSCOPE_COMPAT_ORDERS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope: the rules a /dev/memscope trigger must meet and the table of a
 * subscriber's triggers (ids, add, delete). Pure functions of their
 * arguments, with no lock, allocation or kernel state: notify.c calls them
 * under the subscriber's lock, and fuzz/rules_fuzz.c builds this same code
 * for the host, where fuzz/ms_host.h stands in for the kernel's types.
 */
#ifndef _MEMSCOPE_NOTIFY_RULES_H
#define _MEMSCOPE_NOTIFY_RULES_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include "ms_host.h"
#endif
#include <linux/memscope.h>

/* The longest minimum interval between records: one hour, in ns. */
#define MS_INTERVAL_MAX_NS	(3600ULL * 1000000000ULL)

struct ms_trigger {
	struct memscope_trigger t;
	int zone_slot;		/* index into ms_pressure.zones, -1: system-wide */
	bool fired;		/* condition true and reported (edge state; not for events) */
	bool pending;		/* a record to queue, unless the interval holds it back */
	u32 pending_reason;
	u64 pending_value;	/* its value; events add up while it waits */
	u64 merged;		/* firings to fold into the next record */
	u64 seen_count;		/* ALLOC_FAIL, OOM: totals at the last look */
	u64 fired_total;	/* records this trigger produced (events view) */
	u64 added_ns;		/* levels reached before this are not its business */
	u64 fired_ns;		/* when the reported condition was first seen */
};

int ms_rules_validate(struct memscope_trigger *t, int zone_slot, unsigned int max_order);
int ms_rules_check_interval(u64 ns);
u32 ms_rules_next_id(const struct ms_trigger *tab, unsigned int nr, u32 *next_id);
struct ms_trigger *ms_rules_insert(struct ms_trigger *tab, unsigned int *nr,
				   unsigned int max, u32 *next_id,
				   struct memscope_trigger *t);
int ms_rules_delete(struct ms_trigger *tab, unsigned int *nr, u32 id);

#endif /* _MEMSCOPE_NOTIFY_RULES_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: which struct memscope_trigger values a subscriber may add, and
 * its table of triggers. Documentation/ABI/testing/dev-memscope states the
 * rules; this file is their one implementation, shared by the module (under
 * the subscriber's lock, notify.c) and the host fuzzer (fuzz/rules_fuzz.c),
 * so nothing here may use kernel state, locks or allocation.
 */
#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#endif

#include "notify_rules.h"

/* The fields of struct memscope_trigger that each kind gives a meaning to. */
#define MS_FIELD_LEVEL		BIT(0)
#define MS_FIELD_ORDER		BIT(1)
#define MS_FIELD_THRESHOLD	BIT(2)
#define MS_FIELD_REARM		BIT(3)
#define MS_FIELD_ZONE		BIT(4)	/* may select a zone (MEMSCOPE_TRIGF_ZONE) */
#define MS_FIELD_STALL_FLAGS	BIT(5)	/* MEMSCOPE_TRIGF_STALL_* */

static const u8 ms_kind_fields[] = {
	[MEMSCOPE_TRIG_LEVEL] = MS_FIELD_LEVEL | MS_FIELD_ZONE,
	[MEMSCOPE_TRIG_AVAILABLE] = MS_FIELD_THRESHOLD | MS_FIELD_REARM,
	[MEMSCOPE_TRIG_HEADROOM] = MS_FIELD_LEVEL | MS_FIELD_THRESHOLD | MS_FIELD_REARM |
				   MS_FIELD_ZONE,
	[MEMSCOPE_TRIG_ORDER] = MS_FIELD_ORDER | MS_FIELD_THRESHOLD | MS_FIELD_REARM |
				MS_FIELD_ZONE,
	[MEMSCOPE_TRIG_STALL] = MS_FIELD_THRESHOLD | MS_FIELD_STALL_FLAGS,
	[MEMSCOPE_TRIG_ALLOC_FAIL] = MS_FIELD_ORDER,
	[MEMSCOPE_TRIG_OOM] = 0,
};

/*
 * A field that the trigger's kind does not use must be zero, as the ABI
 * document says: a value accepted today could never be given a meaning
 * by a later version. Without MEMSCOPE_TRIGF_ZONE, node and zone are
 * fields the trigger does not use.
 */
static int ms_trigger_unused_fields(const struct memscope_trigger *t)
{
	const u32 stall_flags = MEMSCOPE_TRIGF_STALL_RECLAIM | MEMSCOPE_TRIGF_STALL_COMPACT;
	u8 used;

	if (t->kind == 0 || t->kind >= ARRAY_SIZE(ms_kind_fields))
		return -EINVAL;
	used = ms_kind_fields[t->kind];
	if ((!(used & MS_FIELD_LEVEL) && t->level) ||
	    (!(used & MS_FIELD_ORDER) && t->order) ||
	    (!(used & MS_FIELD_THRESHOLD) && t->threshold) ||
	    (!(used & MS_FIELD_REARM) && t->rearm) ||
	    (!(used & MS_FIELD_STALL_FLAGS) && (t->flags & stall_flags)) ||
	    (!(used & MS_FIELD_ZONE) && (t->flags & MEMSCOPE_TRIGF_ZONE)))
		return -EINVAL;
	if (!(t->flags & MEMSCOPE_TRIGF_ZONE) &&
	    (t->node || memchr_inv(t->zone, 0, sizeof(t->zone))))
		return -EINVAL;
	return 0;
}

/* The values of the fields a kind uses; fills in the defaults. */
static int ms_trigger_values(struct memscope_trigger *t, unsigned int max_order)
{
	switch (t->kind) {
	case MEMSCOPE_TRIG_LEVEL:
		if (t->level < MEMSCOPE_LEVEL_LOW || t->level > MEMSCOPE_LEVEL_OOM)
			return -EINVAL;
		break;
	case MEMSCOPE_TRIG_HEADROOM:
		if (t->level > MEMSCOPE_WMARK_HIGH)
			return -EINVAL;
		fallthrough;
	case MEMSCOPE_TRIG_AVAILABLE:
	case MEMSCOPE_TRIG_ORDER:
		if (t->kind == MEMSCOPE_TRIG_ORDER && t->order >= max_order)
			return -ERANGE;
		if (!t->threshold)
			return -EINVAL;
		if (!t->rearm)
			t->rearm = t->threshold + max_t(u64, t->threshold / 8, 1);
		if (t->rearm < t->threshold)
			return -ERANGE;
		break;
	case MEMSCOPE_TRIG_STALL:
		if (!t->threshold)
			return -EINVAL;
		if (!(t->flags & (MEMSCOPE_TRIGF_STALL_RECLAIM | MEMSCOPE_TRIGF_STALL_COMPACT)))
			t->flags |= MEMSCOPE_TRIGF_STALL_RECLAIM | MEMSCOPE_TRIGF_STALL_COMPACT;
		break;
	case MEMSCOPE_TRIG_ALLOC_FAIL:
		if (t->order >= max_order)
			return -ERANGE;
		break;
	}
	return 0;
}

/**
 * ms_rules_validate() - check a trigger against the ABI's rules
 * @t: the trigger as the caller gave it; on success its defaults (re-arm
 *     level, stall flags) are filled in
 * @zone_slot: with MEMSCOPE_TRIGF_ZONE, the caller's lookup of t->zone and
 *     t->node (>= 0, or the -errno the lookup failed with); else unused
 * @max_order: orders from this one up are out of range (MS_NR_PAGE_ORDERS)
 *
 * The checks run in the order a caller sees in the errno: unknown flags
 * and reserved fields, fields the kind does not use, a headroom trigger
 * without a zone, the zone lookup, then the values of the kind's fields.
 *
 * Return: 0, -EINVAL, -ERANGE, or @zone_slot when that is negative.
 */
int ms_rules_validate(struct memscope_trigger *t, int zone_slot, unsigned int max_order)
{
	const u32 known = MEMSCOPE_TRIGF_ZONE | MEMSCOPE_TRIGF_CLEAR |
			  MEMSCOPE_TRIGF_STALL_RECLAIM | MEMSCOPE_TRIGF_STALL_COMPACT;
	int ret;

	if (t->flags & ~known || t->reserved0 || t->reserved[0] || t->reserved[1])
		return -EINVAL;
	ret = ms_trigger_unused_fields(t);
	if (ret)
		return ret;
	if (t->flags & MEMSCOPE_TRIGF_ZONE) {
		if (zone_slot < 0)
			return zone_slot;
	} else if (t->kind == MEMSCOPE_TRIG_HEADROOM) {
		return -EINVAL;
	}
	return ms_trigger_values(t, max_order);
}

/**
 * ms_rules_check_interval() - check a minimum interval between records
 * @ns: the interval in nanoseconds (0: none)
 *
 * Return: 0, or -ERANGE above MS_INTERVAL_MAX_NS.
 */
int ms_rules_check_interval(u64 ns)
{
	return ns > MS_INTERVAL_MAX_NS ? -ERANGE : 0;
}

/**
 * ms_rules_next_id() - allocate the id of a subscriber's next trigger
 * @tab: the subscriber's live triggers
 * @nr: how many of them there are
 * @next_id: the subscriber's last id handed out, advanced here
 *
 * Ids count up from 1; after 2^32 - 1 triggers on one file they wrap,
 * skipping 0 and every id still in use, so that an id names one live
 * trigger only. @nr is below 2^32 - 1, so a free id always exists.
 *
 * Return: the new id, never 0 and never one in @tab.
 */
u32 ms_rules_next_id(const struct ms_trigger *tab, unsigned int nr, u32 *next_id)
{
	unsigned int i;
	u32 id;

	do {
		id = ++*next_id;
		for (i = 0; id && i < nr; i++)
			if (tab[i].t.id == id)
				id = 0;
	} while (!id);
	return id;
}

/**
 * ms_rules_insert() - add a validated trigger to a subscriber's table
 * @tab: the table, @max entries
 * @nr: entries in use, incremented here
 * @max: the table's size
 * @next_id: as for ms_rules_next_id()
 * @t: the trigger (ms_rules_validate() accepted it); its id is set here
 *
 * Return: the new entry, zeroed but for a copy of @t (the caller fills in
 * its state), or NULL if the table is full (-ENOSPC for the caller); then
 * nothing has changed.
 */
struct ms_trigger *ms_rules_insert(struct ms_trigger *tab, unsigned int *nr,
				   unsigned int max, u32 *next_id,
				   struct memscope_trigger *t)
{
	struct ms_trigger *tr;

	if (*nr >= max)
		return NULL;
	t->id = ms_rules_next_id(tab, *nr, next_id);
	tr = &tab[(*nr)++];
	memset(tr, 0, sizeof(*tr));
	tr->t = *t;
	return tr;
}

/**
 * ms_rules_delete() - remove a trigger from a subscriber's table
 * @tab: the table
 * @nr: entries in use, decremented here
 * @id: the trigger's id
 *
 * The last entry takes the removed one's place: the table has no order.
 *
 * Return: 0, or -ENOENT if no live trigger has @id.
 */
int ms_rules_delete(struct ms_trigger *tab, unsigned int *nr, u32 id)
{
	unsigned int i;

	for (i = 0; i < *nr; i++) {
		if (tab[i].t.id == id) {
			tab[i] = tab[--*nr];
			return 0;
		}
	}
	return -ENOENT;
}

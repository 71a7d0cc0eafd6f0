// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: debugfs "alloc", the page-allocator counters of hooks_page.c
 * per order, zone, migratetype and extfrag fallback, since load and since
 * the mark (set through the "mark" file, views.c; the view is read-only).
 *
 * Every data row starts with its kind (order, zone, mt, extfrag,
 * extfrag_mt) and its scope (load or mark); the "#" line before each block
 * names the columns. Buffers are allocated at load so a read allocates
 * nothing but the seq_file buffer.
 *
 * Locks: ms_alloc_lock, then ms_hooks_lock (ms_hooks_seq_status(), while
 * the view is shown); never the other way. The mark takes ms_alloc_lock
 * alone.
 */
#include <linux/fs.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
/* pageblock_order may need HUGETLB_PAGE_ORDER (arm64). */
#include <linux/hugetlb.h>
#include <linux/pageblock-flags.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "hooks.h"
#include "hooks_internal.h"
#include "memscope.h"
#include "views.h"

static DEFINE_MUTEX(ms_alloc_lock);
static struct ms_page_stats *ms_alloc_now, *ms_alloc_mark, *ms_alloc_delta;
static u64 ms_alloc_mark_ns;

static const char *const ms_scope_names[] = { "load", "mark" };

/* delta = now - mark, counter by counter (the struct is only u64s). */
static void ms_alloc_diff(void)
{
	size_t i, n = ms_page_stats_size() / sizeof(u64);
	const u64 *a = (const u64 *)ms_alloc_now, *b = (const u64 *)ms_alloc_mark;
	u64 *d = (u64 *)ms_alloc_delta;

	for (i = 0; i < n; i++)
		d[i] = a[i] - b[i];
}

static void ms_seq_order_cols(struct seq_file *m, unsigned int width)
{
	unsigned int o;

	for (o = 0; o < MS_NR_PAGE_ORDERS; o++)
		seq_printf(m, " %*u", width, o);
	seq_putc(m, '\n');
}

static void ms_alloc_orders(struct seq_file *m)
{
	unsigned int sc, o, slot;

	seq_puts(m, "#\n# order: blocks allocated and freed; failed allocations (mm_page_alloc\n"
		    "#   without a page; fails_nowarn: those with __GFP_NOWARN, usually\n"
		    "#   opportunistic); blocks drained from per-CPU lists to the buddy lists\n");
	seq_printf(m, "# %-7s %-5s %5s %12s %12s %10s %12s %12s\n", "order", "since",
		   "order", "allocs", "frees", "fails", "fails_nowarn", "pcp_drained");
	for (sc = 0; sc < 2; sc++) {
		const struct ms_page_stats *s = sc ? ms_alloc_delta : ms_alloc_now;

		for (o = 0; o < MS_NR_PAGE_ORDERS; o++) {
			u64 allocs = 0, frees = 0;

			for (slot = 0; slot < ms_page_nr_slots; slot++) {
				allocs += s->zone[slot][0][o];
				frees += s->zone[slot][1][o];
			}
			seq_printf(m, "%-9s %-5s %5u %12llu %12llu %10llu %12llu %12llu\n",
				   "order", ms_scope_names[sc], o, allocs, frees,
				   s->fail[o], s->fail_nowarn[o], s->drained[o]);
		}
	}
}

/* Zone of a counter slot, or NULL when it has no zone to show. */
static struct zone *ms_slot_zone(unsigned int slot, int *nid)
{
	unsigned int zid = slot % MAX_NR_ZONES;
	int n = ms_page_nodes_folded ? first_online_node : slot / MAX_NR_ZONES;

	*nid = ms_page_nodes_folded ? -1 : n;
	if (!node_online(n))
		return NULL;
	return &NODE_DATA(n)->node_zones[zid];
}

static bool ms_slot_used(unsigned int slot)
{
	unsigned int o;
	int nid;
	struct zone *zone = ms_slot_zone(slot, &nid);

	if (zone && populated_zone(zone))
		return true;
	for (o = 0; o < MS_NR_PAGE_ORDERS; o++)
		if (ms_alloc_now->zone[slot][0][o] || ms_alloc_now->zone[slot][1][o])
			return true;
	return false;
}

static void ms_alloc_zones(struct seq_file *m)
{
	static const char *const ev[] = { "alloc", "free" };
	unsigned int sc, slot, e, o;

	seq_puts(m, "#\n# zone: blocks allocated and freed per node and zone (node -1: all nodes\n"
		    "#   folded together), one column per order\n");
	seq_printf(m, "# %-7s %-5s %4s %-8s %-5s", "zone", "since", "node", "zone", "event");
	ms_seq_order_cols(m, 10);
	for (sc = 0; sc < 2; sc++) {
		const struct ms_page_stats *s = sc ? ms_alloc_delta : ms_alloc_now;

		for (slot = 0; slot < ms_page_nr_slots; slot++) {
			struct zone *zone;
			int nid;

			if (!ms_slot_used(slot))
				continue;
			zone = ms_slot_zone(slot, &nid);
			for (e = 0; e < 2; e++) {
				seq_printf(m, "%-9s %-5s %4d %-8s %-5s", "zone",
					   ms_scope_names[sc], nid, zone ? zone->name : "?",
					   ev[e]);
				for (o = 0; o < MS_NR_PAGE_ORDERS; o++)
					seq_printf(m, " %10llu", s->zone[slot][e][o]);
				seq_putc(m, '\n');
			}
		}
	}
}

static void ms_alloc_mts(struct seq_file *m)
{
	unsigned int sc, t, o;

	seq_puts(m, "#\n# mt: blocks allocated per requested migratetype, one column per order\n");
	seq_printf(m, "# %-7s %-5s %-12s", "mt", "since", "type");
	ms_seq_order_cols(m, 10);
	for (sc = 0; sc < 2; sc++) {
		const struct ms_page_stats *s = sc ? ms_alloc_delta : ms_alloc_now;

		for (t = 0; t < MIGRATE_TYPES; t++) {
			seq_printf(m, "%-9s %-5s %-12s", "mt", ms_scope_names[sc],
				   ms_migratetype_names[t]);
			for (o = 0; o < MS_NR_PAGE_ORDERS; o++)
				seq_printf(m, " %10llu", s->mt[t][o]);
			seq_putc(m, '\n');
		}
	}
}

static void ms_alloc_extfrag(struct seq_file *m)
{
	unsigned int sc, a, f, t;

	seq_puts(m, "#\n# extfrag: fallbacks to another migratetype's free blocks\n"
		    "#   (mm_page_alloc_extfrag) per requested order (row) and order of the\n"
		    "#   block taken (column)\n");
	seq_printf(m, "# %-7s %-5s %11s", "extfrag", "since", "alloc_order");
	ms_seq_order_cols(m, 8);
	for (sc = 0; sc < 2; sc++) {
		const struct ms_page_stats *s = sc ? ms_alloc_delta : ms_alloc_now;

		for (a = 0; a < MS_NR_PAGE_ORDERS; a++) {
			seq_printf(m, "%-9s %-5s %11u", "extfrag", ms_scope_names[sc], a);
			for (f = 0; f < MS_NR_PAGE_ORDERS; f++)
				seq_printf(m, " %8llu", s->extfrag[a][f]);
			seq_putc(m, '\n');
		}
	}
	seq_printf(m, "#\n# extfrag_mt: the same fallbacks per requested migratetype (row) and\n"
		      "#   migratetype taken from (column); small: the block taken was smaller\n"
		      "#   than a pageblock (order < %u), the kind that fragments memory\n",
		   (unsigned int)pageblock_order);
	seq_printf(m, "# %-10s %-5s %-12s", "extfrag_mt", "since", "type");
	for (t = 0; t < MIGRATE_TYPES; t++)
		seq_printf(m, " %12s", ms_migratetype_names[t]);
	seq_printf(m, " %10s\n", "small");
	for (sc = 0; sc < 2; sc++) {
		const struct ms_page_stats *s = sc ? ms_alloc_delta : ms_alloc_now;

		for (a = 0; a < MIGRATE_TYPES; a++) {
			seq_printf(m, "%-12s %-5s %-12s", "extfrag_mt", ms_scope_names[sc],
				   ms_migratetype_names[a]);
			for (f = 0; f < MIGRATE_TYPES; f++)
				seq_printf(m, " %12llu", s->extfrag_mt[a][f]);
			seq_printf(m, " %10llu\n", s->extfrag_small[a]);
		}
	}
}

/**
 * ms_alloc_show() - print the "alloc" view
 * @m: the seq_file of views.c's open
 * @unused: not used
 *
 * Description:
 * Sums the page probes' per-CPU counters, since load and since the mark.
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int ms_alloc_show(struct seq_file *m, void *unused)
{
	mutex_lock(&ms_alloc_lock);
	ms_page_sum(ms_alloc_now);
	ms_alloc_diff();
	seq_puts(m, "# memscope alloc: page-allocator events (kmem:mm_page_* tracepoints)\n");
	ms_hooks_seq_status(m, &ms_page_group, "alloc", ms_alloc_mark_ns);
	seq_puts(m, "# counts are blocks of 2^order pages; since load: while hooks_page was on\n");
	ms_alloc_orders(m);
	ms_alloc_zones(m);
	ms_alloc_mts(m);
	ms_alloc_extfrag(m);
	mutex_unlock(&ms_alloc_lock);
	return 0;
}

/**
 * ms_alloc_view_mark() - start the alloc view's "since mark" columns now
 *
 * Called by the "mark" file (views.c), which checks the writer's rights.
 */
void ms_alloc_view_mark(void)
{
	mutex_lock(&ms_alloc_lock);
	ms_page_sum(ms_alloc_mark);
	ms_alloc_mark_ns = ktime_get_ns();
	mutex_unlock(&ms_alloc_lock);
}

/**
 * ms_alloc_view_init() - allocate the alloc view's buffers
 *
 * Description:
 * Three struct ms_page_stats (now, mark, difference), sized once
 * ms_page_data_init() has set the node slots; the mark starts at load.
 * On failure what was allocated stays for ms_alloc_view_exit().
 *
 * Context: process context (module init, from ms_hooks_prepare()).
 * Return: 0, or -ENOMEM.
 */
int ms_alloc_view_init(void)
{
	size_t size = ms_page_stats_size();

	ms_alloc_now = kzalloc(size, GFP_KERNEL);
	ms_alloc_mark = kzalloc(size, GFP_KERNEL);
	ms_alloc_delta = kzalloc(size, GFP_KERNEL);
	if (!ms_alloc_now || !ms_alloc_mark || !ms_alloc_delta)
		return -ENOMEM;
	/* The mark starts at load: "since mark" is "since load" until set. */
	ms_alloc_mark_ns = ms_hooks_load_ns;
	return 0;
}

/**
 * ms_alloc_view_exit() - free the alloc view's buffers
 *
 * Context: process context (ms_hooks_prepare()'s failure path or
 * ms_hooks_exit()), when the view's file does not exist.
 */
void ms_alloc_view_exit(void)
{
	kfree(ms_alloc_delta);
	kfree(ms_alloc_mark);
	kfree(ms_alloc_now);
	ms_alloc_delta = NULL;
	ms_alloc_mark = NULL;
	ms_alloc_now = NULL;
}

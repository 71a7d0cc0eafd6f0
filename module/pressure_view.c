// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: debugfs "pressure", the pressure model for humans and scripts.
 *
 * One line per scope and key: "system" or "node<N>/<zone>", then a key
 * whose name carries the unit, then a value or name=value pairs. Reading
 * evaluates first, so the values are current; the state is copied under
 * the pressure lock and printed without it. The view is read-only:
 * writing "pressure" to the "mark" file (views.c) resets the since-mark
 * minimums.
 *
 * Locks: ms_pressure_copy_mutex (the copy), under which the state is
 * read in a read section of ms_pressure_seq. The evaluation before it,
 * ms_pressure_refresh(), waits for the sampler with no lock held.
 */
#include <linux/debugfs.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "memscope.h"
#include "pressure.h"
#include "views.h"

struct ms_pressure_copy {
	struct ms_pressure p;
	struct ms_zone_pressure zones[];
};

/*
 * The copy the view prints from, allocated at load: the view is read most
 * when memory is short, and a read must not need an allocation of a few
 * pages (order 2 on larger node counts) to say so.
 */
static struct ms_pressure_copy *ms_pressure_copy;
static DEFINE_MUTEX(ms_pressure_copy_mutex);

static u64 ms_ms(u64 ns)
{
	return div_u64(ns, NSEC_PER_MSEC);
}

static void ms_show_levels(struct seq_file *m, const char *scope,
			   const struct ms_level_state *ls, u64 now)
{
	int l;

	seq_printf(m, "%-14s %-24s %s\n", scope, "level", ms_level_name(ls->level));
	seq_printf(m, "%-14s %-24s %llu\n", scope, "level_ms", ms_ms(now - ls->entered_ns));
	seq_printf(m, "%-14s %-24s", scope, "time_in_level_ms");
	for (l = 0; l < MS_NR_LEVELS; l++)
		seq_printf(m, " %s=%llu", ms_level_name(l), ms_ms(ls->time_in_ns[l]));
	seq_putc(m, '\n');
}

/* Signed thousandths of managed pages, printed as a percentage. */
static void ms_show_pct(struct seq_file *m, const char *name, long pages,
			unsigned long managed)
{
	s64 tenths = managed ? div64_s64((s64)pages * 1000, managed) : 0;
	u32 tenth;
	u64 whole;

	/* div_u64_rem(): a plain 64-bit '/' would need libgcc on 32-bit ARM. */
	whole = div_u64_rem(tenths < 0 ? -tenths : tenths, 10, &tenth);
	seq_printf(m, " %s=%s%llu.%u", name, tenths < 0 ? "-" : "", whole, tenth);
}

static void ms_show_system(struct seq_file *m, const struct ms_pressure *p, u64 now)
{
	u64 scanned = ms_window_get(p, lru_scanned);
	u64 reclaimed = ms_window_get(p, lru_reclaimed);
	u64 failures = 0;
	int o;

	for (o = 0; o < MS_NR_PAGE_ORDERS; o++)
		failures += ms_window_count(p, offsetof(struct ms_reclaim_totals,
							alloc_failures[o]));
	ms_show_levels(m, "system", &p->sys, now);
	seq_printf(m, "%-14s %-24s %llu\n", "system", "since_load_ms", ms_ms(now - p->load_ns));
	seq_printf(m, "%-14s %-24s %s\n", "system", "position", ms_level_name(p->sys_position));
	seq_printf(m, "%-14s %-24s %lu\n", "system", "available_pages", p->available);
	seq_printf(m, "%-14s %-24s load=%lu mark=%lu\n", "system", "lowest_available_pages",
		   p->lowest_available, p->lowest_available_mark);
	seq_printf(m, "%-14s %-24s %lu\n", "system", "usable_free_pages", p->usable);
	seq_printf(m, "%-14s %-24s %d\n", "system", "kswapd_awake_nodes", p->kswapd_awake);
	seq_printf(m, "%-14s %-24s %d\n", "system", "kswapd_failing_nodes", p->kswapd_failing);
	seq_printf(m, "%-14s %-24s %llu\n", "system", "window_elapsed_ms",
		   ms_ms(now - p->win.start_ns));
	seq_printf(m, "%-14s %-24s kswapd_wakes=%llu direct_reclaims=%llu compact_stalls=%llu alloc_failures=%llu alloc_failures_order0=%llu oom_kills=%llu alloc_failures_order0_kernel=%llu\n",
		   "system", "window_events", ms_window_get(p, kswapd_wakes),
		   ms_window_get(p, direct_reclaims), ms_window_get(p, compact_stalls),
		   failures, ms_window_get(p, alloc_failures[0]), ms_window_get(p, oom_kills),
		   ms_window_get(p, alloc_failures_kernel0));
	seq_printf(m, "%-14s %-24s reclaim=%llu compact=%llu\n", "system",
		   "window_longest_stall_ms",
		   ms_ms(max(p->win.stall_ns[0], p->win.last_stall_ns[0])),
		   ms_ms(max(p->win.stall_ns[1], p->win.last_stall_ns[1])));
	seq_printf(m, "%-14s %-24s scanned=%llu reclaimed=%llu pressure_pct=%u\n",
		   "system", "window_reclaim", scanned, reclaimed,
		   ms_reclaim_pressure_pct(scanned, reclaimed));
	seq_printf(m, "%-14s %-24s kswapd_wakes=%llu direct_reclaims=%llu compact_stalls=%llu oom_kills=%llu\n",
		   "system", "since_load_events", p->totals.kswapd_wakes,
		   p->totals.direct_reclaims, p->totals.compact_stalls, p->totals.oom_kills);
	seq_printf(m, "%-14s %-24s total=%llu poked=%llu\n", "system", "evaluations",
		   p->evaluations, p->pokes);
}

static void ms_show_zone(struct seq_file *m, const struct ms_pressure *p,
			 const struct ms_zone_pressure *z, int nid, int zid, u64 now)
{
	pg_data_t *pgdat = NODE_DATA(nid);
	struct zone *zone = &pgdat->node_zones[zid];
	char scope[32];
	unsigned int i;
	int w;

	snprintf(scope, sizeof(scope), "node%d/%s", nid, zone->name);
	ms_show_levels(m, scope, &z->ls, now);
	seq_printf(m, "%-14s %-24s %lu\n", scope, "free_pages", z->free);
	seq_printf(m, "%-14s %-24s cma=%lu highatomic=%lu\n", scope, "unusable_free_pages",
		   z->free_cma, z->highatomic);
	seq_printf(m, "%-14s %-24s %lu\n", scope, "usable_free_pages", z->usable);
	seq_printf(m, "%-14s %-24s %lu\n", scope, "managed_pages", z->managed);
	seq_printf(m, "%-14s %-24s min=%lu low=%lu high=%lu boost=%lu\n", scope,
		   "watermark_pages", z->wmark[WMARK_MIN], z->wmark[WMARK_LOW],
		   z->wmark[WMARK_HIGH], z->boost);
	seq_printf(m, "%-14s %-24s", scope, "lowmem_reserve_pages");
	for (i = 0; i < MAX_NR_ZONES; i++)
		seq_printf(m, " %s=%ld", pgdat->node_zones[i].name, zone->lowmem_reserve[i]);
	seq_putc(m, '\n');
	seq_printf(m, "%-14s %-24s", scope, "headroom_pages");
	for (w = WMARK_MIN; w <= WMARK_HIGH; w++)
		seq_printf(m, " %s=%ld", ms_wmark_name(w), (long)z->usable - (long)z->wmark[w]);
	seq_putc(m, '\n');
	seq_printf(m, "%-14s %-24s", scope, "headroom_pct");
	for (w = WMARK_MIN; w <= WMARK_HIGH; w++)
		ms_show_pct(m, ms_wmark_name(w), (long)z->usable - (long)z->wmark[w], z->managed);
	seq_putc(m, '\n');
	seq_printf(m, "%-14s %-24s load=%lu mark=%lu\n", scope, "lowest_usable_pages",
		   z->lowest_usable, z->lowest_usable_mark);
	seq_printf(m, "%-14s %-24s", scope, "order_blocks");
	for (i = 0; i < p->nr_watch_orders; i++)
		seq_printf(m, " %u=%lu", p->watch_orders[i], z->order_blocks[i]);
	seq_putc(m, '\n');
}

/**
 * ms_pressure_show() - print the "pressure" view
 * @m: the seq_file of views.c's open
 * @unused: not used
 *
 * Description:
 * Has the sampler evaluate first, then prints a copy of its state.
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int ms_pressure_show(struct seq_file *m, void *unused)
{
	struct ms_pressure_copy *c;
	unsigned int nr, i, seq;
	u64 now;

	ms_pressure_refresh();
	mutex_lock(&ms_pressure_copy_mutex);
	c = ms_pressure_copy;
	nr = READ_ONCE(ms_pressure.nr_zones);
	do {
		seq = ms_pressure_read_begin();
		c->p = ms_pressure;
		memcpy(c->zones, ms_pressure.zones, nr * sizeof(c->zones[0]));
	} while (ms_pressure_read_retry(seq));
	now = c->p.last_eval_ns;

	seq_puts(m, "# memscope pressure: levels, headroom to the watermarks, reclaim activity\n");
	seq_printf(m, "# page_size %lu; levels: none low medium critical oom; percentages of managed pages\n",
		   PAGE_SIZE);
	seq_printf(m, "# %-12s %-24s %s\n", "scope", "key", "value(s)");
	ms_show_system(m, &c->p, now);
	for (i = 0; i < nr; i++)
		if (c->zones[i].populated)
			ms_show_zone(m, &c->p, &c->zones[i], i / MAX_NR_ZONES,
				     i % MAX_NR_ZONES, now);
	mutex_unlock(&ms_pressure_copy_mutex);
	return 0;
}

/**
 * ms_pressure_view_prepare() - allocate the copy the view prints from
 *
 * Description:
 * Sized for ms_pressure.nr_zones, so it runs after the pressure feature's
 * prepare step; allocated at load so that a read under memory pressure
 * needs no allocation of a few pages.
 *
 * Context: process context (module init).
 * Return: 0, or -ENOMEM.
 */
int ms_pressure_view_prepare(void)
{
	ms_pressure_copy = kmalloc(struct_size(ms_pressure_copy, zones,
					       READ_ONCE(ms_pressure.nr_zones)),
				   GFP_KERNEL);
	if (!ms_pressure_copy)
		return -ENOMEM;
	return 0;
}

/**
 * ms_pressure_view_exit() - free the copy the view prints from
 *
 * Description:
 * After the debugfs files are gone: no reader is left.
 *
 * Context: process context (module exit or a failed init).
 */
void ms_pressure_view_exit(void)
{
	kfree(ms_pressure_copy);
	ms_pressure_copy = NULL;
}

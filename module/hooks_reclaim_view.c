// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: debugfs "reclaim", the counters of hooks_vmscan.c: kswapd,
 * direct reclaim, compaction and OOM, since load and since the mark (set
 * through the "mark" file, views.c; the view is read-only).
 *
 * Rows: "event NAME LOAD MARK UNIT", "kswapd ORDER LOAD MARK" and
 * "stall KIND LO_US HI_US LOAD MARK"; the "#" line before each block
 * names the columns.
 *
 * Locks: ms_reclaim_lock, then ms_hooks_lock (ms_hooks_seq_status(),
 * while the view is shown); never the other way. The mark takes
 * ms_reclaim_lock alone.
 */
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/timekeeping.h>

#include "hooks.h"
#include "hooks_internal.h"
#include "views.h"

static DEFINE_MUTEX(ms_reclaim_lock);
static struct ms_reclaim_stats *ms_rv_now, *ms_rv_mark;
static u64 ms_rv_mark_ns;

struct ms_reclaim_event {
	const char *name;
	size_t offset;		/* of the u64 in struct ms_reclaim_stats */
	const char *unit;
	const char *oracle;	/* the /proc/vmstat counter it matches */
};

#define MS_EV(n, f, u, o) { n, offsetof(struct ms_reclaim_stats, f), u, o }

static const struct ms_reclaim_event ms_reclaim_events[] = {
	MS_EV("direct_reclaims", direct_reclaims, "events", "allocstall_*"),
	MS_EV("direct_reclaim_time", direct_ns, "ns", NULL),
	MS_EV("direct_reclaim_untimed", direct_untimed, "events", NULL),
	MS_EV("direct_reclaimed", direct_reclaimed, "pages", NULL),
	MS_EV("lru_scanned", lru_scanned, "pages", "pgscan_anon+pgscan_file"),
	MS_EV("lru_reclaimed", lru_reclaimed, "pages", "pgsteal_anon+pgsteal_file"),
	MS_EV("compact_attempts", compact_attempts, "events", NULL),
	MS_EV("compact_stalls", compact_stalls, "events", "compact_stall"),
	MS_EV("compact_success", compact_success, "events", "compact_success"),
	MS_EV("compact_stall_time", compact_ns, "ns", NULL),
	MS_EV("compact_deferred", compact_deferred, "events", NULL),
	MS_EV("compact_runs", compact_runs, "events", NULL),
	MS_EV("kcompactd_wakes", kcompactd_wakes, "events", NULL),
	MS_EV("oom_kills", oom_kills, "events", "oom_kill"),
	MS_EV("stall_slot_evictions", slot_evictions, "events", NULL),
};

static u64 ms_rv_get(const struct ms_reclaim_stats *s, size_t offset)
{
	return *(const u64 *)((const char *)s + offset);
}

static u64 ms_rv_kswapd(const struct ms_reclaim_stats *s)
{
	u64 n = 0;
	unsigned int o;

	for (o = 0; o < MS_NR_PAGE_ORDERS; o++)
		n += s->kswapd_wakes[o];
	return n;
}

/**
 * ms_reclaim_show() - print the "reclaim" view
 * @m: the seq_file of views.c's open
 * @unused: not used
 *
 * Description:
 * Sums the reclaim probes' per-CPU counters, since load and since the mark.
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int ms_reclaim_show(struct seq_file *m, void *unused)
{
	static const char *const kinds[] = { "reclaim", "compact" };
	const struct ms_reclaim_stats *a, *b;
	unsigned int i, k, o;

	mutex_lock(&ms_reclaim_lock);
	ms_reclaim_sum(ms_rv_now);
	a = ms_rv_now;
	b = ms_rv_mark;
	seq_puts(m, "# memscope reclaim: kswapd, direct reclaim, compaction and OOM events\n"
		    "# (vmscan, compaction and oom tracepoints)\n");
	ms_hooks_seq_status(m, &ms_reclaim_group, "reclaim", ms_rv_mark_ns);
	seq_puts(m, "# kswapd awake now on nodes: ");
	ms_seq_kswapd_awake(m);
	seq_puts(m, "\n#\n# event: counters; compact_fail = compact_stalls - compact_success\n"
		    "#   (an attempt still running counts as failed); oracle: /proc/vmstat\n");
	seq_printf(m, "# %-5s %-24s %14s %14s %-7s %s\n", "event", "name", "since_load",
		   "since_mark", "unit", "oracle");
	seq_printf(m, "%-7s %-24s %14llu %14llu %-7s %s\n", "event", "kswapd_wakes",
		   ms_rv_kswapd(a), ms_rv_kswapd(a) - ms_rv_kswapd(b), "events",
		   "pageoutrun");
	for (i = 0; i < ARRAY_SIZE(ms_reclaim_events); i++) {
		const struct ms_reclaim_event *e = &ms_reclaim_events[i];
		u64 v = ms_rv_get(a, e->offset);

		seq_printf(m, "%-7s %-24s %14llu %14llu %-7s %s\n", "event", e->name, v,
			   v - ms_rv_get(b, e->offset), e->unit, e->oracle ?: "-");
	}
	seq_printf(m, "%-7s %-24s %14llu %14llu %-7s %s\n", "event", "compact_fail",
		   a->compact_stalls - a->compact_success,
		   (a->compact_stalls - a->compact_success) -
		   (b->compact_stalls - b->compact_success), "events", "compact_fail");

	seq_puts(m, "#\n# kswapd: kswapd wakes (balancing runs) by requested order\n");
	seq_printf(m, "# %-5s %5s %14s %14s\n", "kswapd", "order", "since_load", "since_mark");
	for (o = 0; o < MS_NR_PAGE_ORDERS; o++)
		seq_printf(m, "%-7s %5u %14llu %14llu\n", "kswapd", o, a->kswapd_wakes[o],
			   a->kswapd_wakes[o] - b->kswapd_wakes[o]);

	seq_puts(m, "#\n# stall: direct reclaim and direct compaction stalls by duration, log2\n"
		    "#   buckets [lo_us, hi_us); compaction attempts the kernel counts as\n"
		    "#   stalls, entered when they end (a failed one when its task next\n"
		    "#   reclaims or compacts)\n");
	seq_printf(m, "# %-5s %-8s %10s %10s %14s %14s\n", "stall", "kind", "lo_us", "hi_us",
		   "since_load", "since_mark");
	for (k = 0; k < MS_NR_STALL_KINDS; k++) {
		for (i = 0; i < MS_STALL_BUCKETS; i++) {
			seq_printf(m, "%-7s %-8s %10lu ", "stall", kinds[k],
				   i ? 1UL << (i - 1) : 0UL);
			if (i == MS_STALL_BUCKETS - 1)
				seq_printf(m, "%10s", "inf");
			else
				seq_printf(m, "%10lu", 1UL << i);
			seq_printf(m, " %14llu %14llu\n", a->hist[k][i],
				   a->hist[k][i] - b->hist[k][i]);
		}
	}
	mutex_unlock(&ms_reclaim_lock);
	return 0;
}

/**
 * ms_reclaim_view_mark() - start the reclaim view's "since mark" columns now
 *
 * Called by the "mark" file (views.c), which checks the writer's rights.
 */
void ms_reclaim_view_mark(void)
{
	mutex_lock(&ms_reclaim_lock);
	ms_reclaim_sum(ms_rv_mark);
	ms_rv_mark_ns = ktime_get_ns();
	mutex_unlock(&ms_reclaim_lock);
}

/**
 * ms_reclaim_view_init() - allocate the reclaim view's buffers
 *
 * Description:
 * The sums now and at the mark; the mark starts at load. On failure what
 * was allocated stays for ms_reclaim_view_exit().
 *
 * Context: process context (module init, from ms_hooks_prepare()).
 * Return: 0, or -ENOMEM.
 */
int ms_reclaim_view_init(void)
{
	ms_rv_now = kzalloc(sizeof(*ms_rv_now), GFP_KERNEL);
	ms_rv_mark = kzalloc(sizeof(*ms_rv_mark), GFP_KERNEL);
	if (!ms_rv_now || !ms_rv_mark)
		return -ENOMEM;
	ms_rv_mark_ns = ms_hooks_load_ns;
	return 0;
}

/**
 * ms_reclaim_view_exit() - free the reclaim view's buffers
 *
 * Context: process context (ms_hooks_prepare()'s failure path or
 * ms_hooks_exit()), when the view's file does not exist.
 */
void ms_reclaim_view_exit(void)
{
	kfree(ms_rv_mark);
	kfree(ms_rv_now);
	ms_rv_mark = NULL;
	ms_rv_now = NULL;
}

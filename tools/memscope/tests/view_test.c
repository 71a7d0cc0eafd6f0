// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool unit tests: each view parser on the fixtures of a real
 * versatilepb 32M run. Expected figures were read off the fixture files
 * by eye; the buddy view is also checked against /proc/buddyinfo of the
 * same run, an oracle the module did not print.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/memscope.h"
#include "msparse_alloc.h"
#include "msparse_buddy.h"
#include "msparse_events.h"
#include "msparse_history.h"
#include "msparse_pressure.h"
#include "msparse_reclaim.h"
#include "msparse_reserved.h"
#include "msparse_text.h"
#include "unit.h"

#define IDLE "versatilepb-32M"
#define HOG "versatilepb-32M-hog"

static void pressure_idle(void)
{
	char *text = tap_fixture(IDLE, "pressure");
	struct ms_pressure p;
	const struct ms_zone_pressure *z = &p.zone[0];

	if (!text)
		return;
	CHECK(ms_parse_pressure(text, &p) == 0);
	CHECK(p.page_size == 4096);
	CHECK(p.level == MEMSCOPE_LEVEL_NONE && p.level_ms == 264);
	CHECK(p.available_pages == 2453 && p.usable_free_pages == 2226);
	CHECK(p.nr_zones == 1);
	CHECK(z->node == 0 && !strcmp(z->zone, "Normal") && z->level == MEMSCOPE_LEVEL_NONE);
	CHECK(z->free_pages == 2226 && z->usable_free_pages == 2226 && z->managed_pages == 5905);
	CHECK(z->wmark_pages[0] == 143 && z->wmark_pages[1] == 178 && z->wmark_pages[2] == 213);
	CHECK(z->headroom_pages[0] == 2083 && z->headroom_pages[1] == 2048 &&
	      z->headroom_pages[2] == 2013);
	free(text);
}

static void pressure_hog_negative_headroom(void)
{
	char *text = tap_fixture(HOG, "pressure");
	struct ms_pressure p;

	if (!text)
		return;
	CHECK(ms_parse_pressure(text, &p) == 0);
	CHECK(p.level == MEMSCOPE_LEVEL_CRITICAL);
	CHECK(p.nr_zones == 1 && p.zone[0].level == MEMSCOPE_LEVEL_MEDIUM);
	CHECK(p.zone[0].headroom_pages[2] == -8);
	/* The view's headroom is usable minus the watermark; check it is. */
	CHECK((int64_t)p.zone[0].usable_free_pages - (int64_t)p.zone[0].wmark_pages[1] ==
	      p.zone[0].headroom_pages[1]);
	free(text);
}

static void pressure_rejects_other_views(void)
{
	char *text = tap_fixture(IDLE, "buddy");
	char empty[] = "";
	struct ms_pressure p;

	if (!text)
		return;
	CHECK(ms_parse_pressure(text, &p) == -1);
	CHECK(ms_parse_pressure(empty, &p) == -1);
	free(text);
}

/* /proc/buddyinfo: "Node 0, zone   Normal      4      3 ..." */
static int proc_buddyinfo(uint64_t *blocks, int max)
{
	char *text = tap_fixture(IDLE, "proc/buddyinfo");
	char *p;
	int n = 0, used;
	unsigned long long v;

	if (!text)
		return -1;
	p = strstr(text, "Normal");
	if (p)
		for (p += strlen("Normal"); n < max && sscanf(p, "%llu%n", &v, &used) == 1;
		     p += used)
			blocks[n++] = v;
	free(text);
	return n;
}

static void buddy_matches_proc_buddyinfo(void)
{
	char *text = tap_fixture(IDLE, "buddy");
	uint64_t oracle[MS_MAX_ORDERS];
	struct ms_buddy b;
	int n, order;

	if (!text)
		return;
	CHECK(ms_parse_buddy(text, &b) == 0);
	CHECK(b.page_size == 4096 && b.nr_orders == 11 && b.nr_zones == 1);
	n = proc_buddyinfo(oracle, MS_MAX_ORDERS);
	CHECK(n == b.nr_orders);
	for (order = 0; order < n && order < b.nr_orders; order++)
		CHECK(b.zone[0].free_blocks[order] == oracle[order]);
	CHECK(fabs(b.zone[0].fragindex[10] - 0.849) < 1e-9);
	CHECK(fabs(b.zone[0].fragindex[0] + 1.0) < 1e-9);
	CHECK(fabs(b.zone[0].unusable[9] - 0.539) < 1e-9);
	CHECK(ms_buddy_highest_order(&b, &b.zone[0]) == 9);
	free(text);
}

static void buddy_rejects_too_many_orders(void)
{
	char text[] = "# page_size 4096 orders 99\n  0    Normal       0  4  4  4  0.000 -1.000\n";
	struct ms_buddy b;

	CHECK(ms_parse_buddy(text, &b) == -1);
}

static void reserved_totals_and_owners(void)
{
	char *text = tap_fixture(IDLE, "reserved");
	struct ms_reserved r;
	uint64_t sum = 0;
	int i;

	if (!text)
		return;
	CHECK(ms_parse_reserved(text, &r) == 0);
	CHECK(r.page_size == 4096);
	CHECK(r.physical_kib == 32768 && r.memtotal_kib == 23620 && r.reserved_now_kib == 9148);
	CHECK(r.cma_kib == 0 && r.at_boot_logged_kib == 12276);
	CHECK(r.nr_owners == 10);
	CHECK(!strcmp(r.owner[8].name, "hash table (dentry cache)") && r.owner[8].kib == 16);
	CHECK(!strcmp(r.owner[1].name, "kernel image") && r.owner[1].pages == 2191);
	CHECK(r.unattributed_pages == 8 && r.unattributed_kib == 32);
	CHECK(r.owners_total_kib == 9148);
	for (i = 0; i < r.nr_owners; i++)
		sum += r.owner[i].kib;
	CHECK(sum + r.unattributed_kib == r.reserved_now_kib);
	CHECK(r.nr_freed == 2 && !strcmp(r.freed[0].name, "init") && r.freed[0].kib == 228 &&
	      !strcmp(r.freed[1].name, "initrd") && r.freed[1].kib == 2900);
	/* The boot line's reserved = now + given back, as the view says. */
	CHECK(r.reserved_now_kib + r.freed[0].kib + r.freed[1].kib == r.at_boot_logged_kib);
	free(text);
}

static void reserved_unknown_figures(void)
{
	char text[] = "[totals]\n  physical  8192  32768\n  reserved_now  ?  ?\n"
		      "[reserved now by owner]\n  kernel image  10  40\n"
		      "  unattributed  ?  ?  (owners hold more than reserved_now)\n";
	struct ms_reserved r;

	CHECK(ms_parse_reserved(text, &r) == 0);
	CHECK(r.reserved_now_kib == MS_UNKNOWN && r.unattributed_kib == MS_UNKNOWN);
	CHECK(r.nr_owners == 1 && r.owner[0].kib == 40);
}

static void reclaim_counters(void)
{
	char *text = tap_fixture(IDLE, "reclaim");
	const struct ms_counter *c;
	struct ms_reclaim r;

	if (!text)
		return;
	CHECK(ms_parse_reclaim(text, &r) == 0);
	CHECK(r.hooks_on && r.nr == 17);
	c = ms_reclaim_counter(&r, "kswapd_wakes");
	CHECK(c && c->since_load == 1 && !strcmp(c->unit, "events"));
	c = ms_reclaim_counter(&r, "compact_stall_time");
	CHECK(c && c->since_load == 0 && !strcmp(c->unit, "ns"));
	CHECK(ms_reclaim_counter(&r, "compact_fail"));
	CHECK(!ms_reclaim_counter(&r, "kswapd"));
	free(text);
}

static void alloc_orders(void)
{
	char *text = tap_fixture(IDLE, "alloc");
	struct ms_alloc a;
	int order;

	if (!text)
		return;
	CHECK(ms_parse_alloc(text, &a) == 0);
	CHECK(a.hooks_on && a.nr_orders == 11);
	CHECK(a.allocs[0][0] == 341 && a.frees[0][0] == 317 && a.allocs[0][2] == 28 &&
	      a.frees[0][2] == 24);
	for (order = 0; order < a.nr_orders; order++)
		CHECK(a.fails[0][order] == 0);
	free(text);
}

static void events_rows(void)
{
	char *text = tap_fixture(IDLE, "events");
	struct ms_events e;

	if (!text)
		return;
	CHECK(ms_parse_events(text, &e) == 0);
	CHECK(e.total == 3 && e.nr == 3);
	CHECK(e.ev[0].time_ms == 2758 && !strcmp(e.ev[0].level, "low"));
	CHECK(e.ev[1].time_ms == 2775 && e.ev[1].pid == 69 && e.ev[1].trigger == 2);
	CHECK(!strcmp(e.ev[2].kind, "level") && !strcmp(e.ev[2].reason, "fired") &&
	      !strcmp(e.ev[2].zone, "-") && !strcmp(e.ev[2].zone_level, "critical") &&
	      e.ev[2].value == 3);
	free(text);
}

static void events_one_line(void)
{
	char row[] = "  12775  3  1234  7 alloc_fail cleared medium DMA32 oom 42";
	char sub[] = "subscriber 1 pid 69 uid 0 triggers 2 queued 5 read 4 dropped 1 waiting 1";
	char head[] = "# time_ms sub pid trig kind reason level zone zone_level value";
	struct ms_event_row ev;

	CHECK(ms_parse_event_line(row, &ev));
	CHECK(ev.time_ms == 12775 && ev.sub == 3 && ev.pid == 1234 && ev.trigger == 7);
	CHECK(!strcmp(ev.kind, "alloc_fail") && !strcmp(ev.reason, "cleared") &&
	      !strcmp(ev.level, "medium") && !strcmp(ev.zone, "DMA32") &&
	      !strcmp(ev.zone_level, "oom") && ev.value == 42);
	CHECK(!ms_parse_event_line(sub, &ev) && !ms_parse_event_line(head, &ev));
}

static void events_keeps_the_newest(void)
{
	char text[4096];
	struct ms_events e;
	size_t used;
	int i;

	used = (size_t)snprintf(text, sizeof(text),
				"# memscope events: 20 record(s) queued since load, the last 20 below\n");
	for (i = 0; i < 20; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "  %d 1 69 1 level fired low - low %d\n", 1000 + i, i);
	CHECK(ms_parse_events(text, &e) == 0);
	CHECK(e.nr == MS_MAX_EVENTS);
	CHECK(e.ev[0].value == 20 - MS_MAX_EVENTS && e.ev[MS_MAX_EVENTS - 1].value == 19);
}

/* The parser's extensions for the selftests: every table and both scopes. */
static void alloc_all_tables(void)
{
	char *text = tap_fixture(IDLE, "alloc");
	static struct ms_alloc a;
	const int l = MS_SINCE_LOAD, m = MS_SINCE_MARK;

	if (!text)
		return;
	CHECK(ms_parse_alloc(text, &a) == 0);
	CHECK(a.hooks.on && !strcmp(a.hooks.missing, "none"));
	CHECK(a.allocs[m][0] == 341 && a.frees[m][2] == 24 && a.pcp_drained[l][0] == 0);
	CHECK(a.nr_zones == 1 && a.zone[0].node == 0 && !strcmp(a.zone[0].zone, "Normal"));
	CHECK(a.zone[0].alloc[m][2] == 28 && a.zone[0].free[l][0] == 317);
	CHECK(a.nr_types == 6 && !strcmp(a.type_name[1], "Movable") &&
	      !strcmp(a.type_name[5], "Isolate"));
	CHECK(a.mt[l][1][0] == 240 && a.mt[m][0][2] == 28);
	/* six requested types by six taken from, and "small" */
	CHECK(a.nr_extfrag_mt[l] == 6 && a.nr_extfrag_mt[m] == 6 &&
	      a.extfrag_mt_len[l][0] == 7 && a.extfrag_mt_len[m][5] == 7);
	free(text);
}

static void alloc_fallbacks_and_status(void)
{
	char text[] =
		"# hooks_page off; tracepoints missing: mm_page_alloc mm_page_free; later\n"
		"order load 0 5 4 3 2 1\n"
		"order mark 3 50 40 30 20 10\n"
		"zone load -1 all alloc 7 8 9\n"
		"zone load -1 all free 1 2\n"
		"mt mark Movable 0 6\n"
		"extfrag load 2 0 0 0 11\n"
		"extfrag_mt load Unmovable 3\n"
		"order load 99 1 1 1 1 1\n";
	static struct ms_alloc a;

	CHECK(ms_parse_alloc(text, &a) == 0);
	CHECK(!a.hooks_on && !strcmp(a.hooks.missing, "mm_page_alloc mm_page_free"));
	CHECK(a.nr_orders == 4);
	CHECK(a.fails[0][0] == 3 && a.fails_nowarn[0][0] == 2 && a.pcp_drained[0][0] == 1);
	CHECK(a.allocs[1][3] == 50 && a.pcp_drained[1][3] == 10 && a.allocs[1][0] == 0);
	CHECK(a.nr_zones == 1 && a.zone[0].node == -1 && a.zone[0].alloc[0][2] == 9 &&
	      a.zone[0].free[0][1] == 2 && a.zone[0].free[0][2] == 0);
	CHECK(a.nr_types == 1 && a.mt[1][0][1] == 6);
	CHECK(a.extfrag[0][2][3] == 11 && a.extfrag[1][2][3] == 0);
	CHECK(a.nr_extfrag_mt[0] == 1 && a.extfrag_mt_len[0][0] == 1 &&
	      a.extfrag_mt[0][0][0] == 3 && a.nr_extfrag_mt[1] == 0);
}

static void reclaim_mark_kswapd_stalls(void)
{
	char *text = tap_fixture(IDLE, "reclaim");
	char rows[] =
		"event kswapd_wakes 5 2 events pageoutrun\n"
		"stall reclaim 4 8 6 1\n"
		"stall compact 4194304 inf 9 3\n"
		"kswapd 2 12 4\n";
	static struct ms_reclaim r;
	const struct ms_counter *c;

	if (!text)
		return;
	CHECK(ms_parse_reclaim(text, &r) == 0);
	CHECK(!strcmp(r.hooks.missing, "none"));
	c = ms_reclaim_counter(&r, "compact_deferred");
	CHECK(c && c->since_load == 1 && c->since_mark == 1);
	CHECK(r.kswapd[MS_SINCE_LOAD][0] == 1 && r.kswapd[MS_SINCE_MARK][0] == 1 &&
	      r.kswapd[MS_SINCE_LOAD][1] == 0);
	/* 24 log2 buckets: [0, 1) up to [4194304, inf) */
	CHECK(r.nr_buckets == 24);
	free(text);

	CHECK(ms_parse_reclaim(rows, &r) == 0);
	CHECK(r.c[0].since_load == 5 && r.c[0].since_mark == 2 && r.hooks.missing[0] == 0);
	CHECK(r.stall[MS_STALL_RECLAIM][3][MS_SINCE_LOAD] == 6 &&
	      r.stall[MS_STALL_RECLAIM][3][MS_SINCE_MARK] == 1);
	CHECK(r.stall[MS_STALL_COMPACT][23][MS_SINCE_LOAD] == 9 && r.nr_buckets == 24);
	CHECK(r.kswapd[MS_SINCE_LOAD][2] == 12 && r.kswapd[MS_SINCE_MARK][2] == 4);
}

static void buddy_free_pages(void)
{
	char *text = tap_fixture(IDLE, "buddy");
	struct ms_buddy b;

	if (!text)
		return;
	CHECK(ms_parse_buddy(text, &b) == 0);
	CHECK(b.zone[0].free_pages[1] == 6 && b.zone[0].free_pages_ge[1] == 2222);
	CHECK(b.zone[0].free_pages[7] == 256 && b.zone[0].free_pages_ge[7] == 2048);
	CHECK(b.zone[0].free_pages_ge[0] == 2226);
	free(text);
}

static void since_line(void)
{
	double load = 0, mark = 0;

	CHECK(ms_parse_since_line("# since load 12.500 s, since mark 0.031 s "
				  "(echo alloc > mark sets the mark)", &load, &mark));
	CHECK(load == 12.5 && mark == 0.031);
	CHECK(!ms_parse_since_line("# since load 12.500 s", &load, &mark));
	CHECK(!ms_parse_since_line("# hooks_page on; tracepoints missing: none", &load, &mark));
}

static void events_subscribers(void)
{
	char text[] =
		"# memscope events: 0 record(s) queued since load, the last 0 below\n"
		"# open subscribers and their triggers\n"
		"subscriber 1 pid 69 uid 0 triggers 2 queued 5 read 4 dropped 1 waiting 1 "
		"interval_ms 250\n"
		"  trigger 1 level zone - level 1 order 0 threshold 0 rearm 0 fired yes records 3\n"
		"  trigger 2 oom zone - level 0 order 0 threshold 0 rearm 0 fired no records 0\n"
		"subscriber 2 pid 70 uid 1000 triggers 0 queued 0 read 0 dropped 0 waiting 0 "
		"interval_ms 0\n"
		"subscriber 3 pid 71 uid 0 triggers 1 queued 0 read 0 dropped 0 waiting 0 "
		"interval_ms 0\n"
		"  trigger 1 order zone Normal level 0 order 3 threshold 8 rearm 16 fired no records 0\n";
	struct ms_subscriber_row sub;
	struct ms_events e;

	CHECK(ms_events_subscriber(text, 69, &sub) == 0);
	CHECK(sub.id == 1 && sub.uid == 0 && sub.triggers == 2 && sub.queued == 5 &&
	      sub.read == 4 && sub.dropped == 1 && sub.waiting == 1 && sub.interval_ms == 250);
	CHECK(sub.nr_trigger_lines == 2 && sub.first_fired == 1);
	CHECK(ms_events_subscriber(text, 70, &sub) == 0);
	CHECK(sub.uid == 1000 && sub.nr_trigger_lines == 0 && sub.first_fired == -1);
	CHECK(ms_events_subscriber(text, 71, &sub) == 0 && sub.first_fired == 0);
	CHECK(ms_events_subscriber(text, 72, &sub) == -1);
	CHECK(ms_parse_events(text, &e) == 0);
	CHECK(e.nr == 0 && e.nr_subscribers == 3);
}

static void pressure_lookup_and_boost(void)
{
	char *text = tap_fixture(IDLE, "pressure");
	char boosted[] =
		"# page_size 4096; levels: none low medium critical oom\n"
		"system level low\n"
		"node0/DMA32 watermark_pages min=10 low=12 high=14 boost=7\n";
	char word[8];
	struct ms_pressure p;
	int64_t v = 0;

	if (!text)
		return;
	CHECK(ms_pressure_get(text, "system", "available_pages", NULL, &v) == 0 && v == 2453);
	CHECK(ms_pressure_get(text, "node0/Normal", "order_blocks", "3", &v) == 0 && v == 276);
	CHECK(ms_pressure_get(text, "node0/Normal", "headroom_pct", "min", &v) == 0 && v == 35);
	CHECK(ms_pressure_get(text, "system", "window_events", "oom_kills", &v) == 0 && v == 0);
	CHECK(ms_pressure_get(text, "system", "evaluations", "poked", &v) == 0 && v == 3);
	CHECK(ms_pressure_get(text, "system", "level", NULL, &v) == -1);
	CHECK(ms_pressure_get(text, "system", "evaluations", "none", &v) == -1);
	CHECK(ms_pressure_get(text, "node1/Normal", "level", NULL, &v) == -1);
	CHECK(ms_pressure_word(text, "node0/Normal", "level", word, sizeof(word)) == 0 &&
	      !strcmp(word, "none"));
	CHECK(ms_pressure_word(text, "system", "time_in_level_ms", word, 5) == 0 &&
	      !strcmp(word, "none"));
	CHECK(ms_pressure_word(text, "system", "nosuch", word, sizeof(word)) == -1);
	CHECK(ms_parse_pressure(text, &p) == 0 && p.zone[0].boost_pages == 0);
	CHECK(ms_parse_pressure(boosted, &p) == 0 && p.zone[0].boost_pages == 7 &&
	      p.zone[0].wmark_pages[2] == 14);
	free(text);
}

struct walk_seen {
	int boot, zones, memblock, outside, bad, unknown;
	int64_t sum_managed, image_kib;
	unsigned long long image_start;
	char computed[16];
};

static void walk_count(void *ctx, const struct ms_res_item *it)
{
	struct walk_seen *w = ctx;

	if (it->kind == MS_RES_BAD)
		w->bad++;
	if (it->kind == MS_RES_BOOT && !strcmp(it->key, "computed")) {
		w->boot++;
		ms_copy(w->computed, sizeof(w->computed), it->text);
	}
	if (it->kind == MS_RES_ZONE) {
		w->zones++;
		if (it->node == -1 && !strcmp(it->key, "sum"))
			w->sum_managed = it->v[2];
	}
	if (it->kind == MS_RES_RANGE && !strcmp(it->section, "memblock reserved")) {
		w->memblock++;
		if (it->outside && it->idx == 19 && !strcmp(it->key, "device tree blob") &&
		    it->start == 0x08000000 && it->end == 0x0800950f && it->v[0] == 38160)
			w->outside++;
	}
	if (it->kind == MS_RES_FIGURES && !strcmp(it->key, "image (_text.._end)") &&
	    it->has_range && it->nv == 2) {
		w->image_kib = it->v[1];
		w->image_start = it->start;
	}
	if (it->kind == MS_RES_FIGURES && it->unknown == 3 && it->v[0] == -1 && it->nv == 2 &&
	    !strcmp(it->key, "unattributed"))
		w->unknown++;
}

/* Every row of the view, by shape: what the selftests read. */
static void reserved_walk_every_row(void)
{
	char *text = tap_fixture(IDLE, "reserved");
	char odd[] = "[reserved now by owner]\n"
		     "  unattributed  ?  ?  (owners hold more than reserved_now)\n"
		     "[memmap]\n  struct_page_bytes  x32\n";
	struct walk_seen w = { 0 };

	if (!text)
		return;
	CHECK(ms_reserved_walk(text, walk_count, &w) > 100);
	CHECK(w.bad == 0 && w.boot == 1 && !strcmp(w.computed, "computed  Memor"));
	CHECK(w.zones == 2 && w.sum_managed == 5905);
	CHECK(w.memblock == 27 && w.outside == 1);
	CHECK(w.image_kib == 8988 && w.image_start == 0x8000);
	free(text);
	memset(&w, 0, sizeof(w));
	CHECK(ms_reserved_walk(odd, walk_count, &w) == 2);
	CHECK(w.unknown == 1 && w.bad == 1);
}

struct hist_seen {
	int rows, bad;
	uint64_t first_t, last_oom;
	char first_zone_level[16];
};

static void hist_count(void *ctx, const struct ms_history_row *row)
{
	struct hist_seen *h = ctx;
	int oom = ms_history_col(row->head, "oom_kills");
	int zl = ms_history_col(row->head, "node0/Normal:level");

	if (!row->ok) {
		h->bad++;
		return;
	}
	if (!h->rows++) {
		h->first_t = row->t_ms;
		if (zl >= 0)
			ms_copy(h->first_zone_level, sizeof(h->first_zone_level), row->tok[zl]);
	}
	if (oom >= 0)
		ms_parse_u64(row->tok[oom], &h->last_oom);
}

/* The flight recorder's rows by column name (record --history, pressure_test). */
static void history_rows_by_name(void)
{
	char *text = tap_fixture("versatilepb-32M-history", "history");
	char odd[] = "7 c none 1 0 0 0 0 0\n"
		     "# time_ms ring level\n"
		     "8 c\n"
		     "9 f low\n";
	struct ms_history_head head;
	struct hist_seen h = { 0 };

	if (!text)
		return;
	CHECK(ms_history_walk(text, &head, hist_count, &h) == 18);
	CHECK(head.bytes == 16328 && head.ncols == 14 && !strcmp(head.col[0], "time_ms"));
	CHECK(ms_history_col(&head, "oom_kills") == 8 && ms_history_col(&head, "nope") == -1);
	CHECK(h.rows == 18 && h.bad == 0 && h.first_t == 2943 && h.last_oom == 0);
	CHECK(!strcmp(h.first_zone_level, "none"));
	free(text);

	memset(&h, 0, sizeof(h));
	CHECK(ms_history_walk(odd, &head, hist_count, &h) == 1);
	CHECK(head.bytes == -1 && head.ncols == 3 && h.bad == 2);
	CHECK(ms_history_walk((char[]){ "# no header\n" }, &head, hist_count, &h) == -1);
}

const struct tap_test view_tests[] = {
	{ "pressure_idle", pressure_idle },
	{ "pressure_hog_negative_headroom", pressure_hog_negative_headroom },
	{ "pressure_rejects_other_views", pressure_rejects_other_views },
	{ "buddy_matches_proc_buddyinfo", buddy_matches_proc_buddyinfo },
	{ "buddy_rejects_too_many_orders", buddy_rejects_too_many_orders },
	{ "reserved_totals_and_owners", reserved_totals_and_owners },
	{ "reserved_unknown_figures", reserved_unknown_figures },
	{ "reclaim_counters", reclaim_counters },
	{ "alloc_orders", alloc_orders },
	{ "events_rows", events_rows },
	{ "events_keeps_the_newest", events_keeps_the_newest },
	{ "events_one_line", events_one_line },
	{ "alloc_all_tables", alloc_all_tables },
	{ "alloc_fallbacks_and_status", alloc_fallbacks_and_status },
	{ "reclaim_mark_kswapd_stalls", reclaim_mark_kswapd_stalls },
	{ "buddy_free_pages", buddy_free_pages },
	{ "since_line", since_line },
	{ "events_subscribers", events_subscribers },
	{ "pressure_lookup_and_boost", pressure_lookup_and_boost },
	{ "reserved_walk_every_row", reserved_walk_every_row },
	{ "history_rows_by_name", history_rows_by_name },
	{ NULL, NULL },
};

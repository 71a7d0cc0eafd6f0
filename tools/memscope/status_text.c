// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: the status screen. Every line stays under 80 columns
 * and the whole screen under 24 lines for up to four zones, which covers
 * DMA, DMA32, Normal and Movable on one node.
 *
 * The bar of a zone spans zero to four times its high watermark: that is
 * where the watermarks are far enough apart to tell m, l and h from one
 * another, and a zone with more free than that shows a '>' at the end.
 */
#include <inttypes.h>
#include <stdio.h>

#include "msparse_text.h"
#include "reserved_rank.h"
#include "status.h"

#define MS_BAR_WIDTH 48
#define MS_MAX_ZONE_LINES 4

static void ms_duration(char *buf, size_t size, uint64_t ms)
{
	if (ms < 1000)
		snprintf(buf, size, "%" PRIu64 " ms", ms);
	else if (ms < 120000)
		snprintf(buf, size, "%" PRIu64 ".%" PRIu64 " s", ms / 1000, ms % 1000 / 100);
	else if (ms < 7200000)
		snprintf(buf, size, "%" PRIu64 " min %" PRIu64 " s", ms / 60000, ms % 60000 / 1000);
	else
		snprintf(buf, size, "%" PRIu64 " h %" PRIu64 " min", ms / 3600000,
			 ms % 3600000 / 60000);
}

static uint64_t ms_kib(uint64_t pages, uint64_t page_size)
{
	return pages * page_size / 1024;
}

static int64_t ms_skib(int64_t pages, uint64_t page_size)
{
	return pages * (int64_t)page_size / 1024;
}

/* Column of @pages on a bar of MS_BAR_WIDTH cells spanning 0..@scale. */
static int ms_col(uint64_t pages, uint64_t scale)
{
	uint64_t c = pages * MS_BAR_WIDTH / scale;

	return c >= MS_BAR_WIDTH ? MS_BAR_WIDTH - 1 : (int)c;
}

static void ms_zone_bar(FILE *f, const struct ms_zone_pressure *z, uint64_t page_size)
{
	static const char marks[MS_NR_WMARKS] = { 'm', 'l', 'h' };
	uint64_t scale = 4 * z->wmark_pages[2];
	char bar[MS_BAR_WIDTH + 1];
	int i, fill;

	if (!scale)
		scale = z->usable_free_pages ? z->usable_free_pages : 1;
	fill = z->usable_free_pages >= scale ? MS_BAR_WIDTH :
		(int)(z->usable_free_pages * MS_BAR_WIDTH / scale);
	for (i = 0; i < MS_BAR_WIDTH; i++)
		bar[i] = i < fill ? '#' : '.';
	for (i = 0; i < MS_NR_WMARKS; i++)
		bar[ms_col(z->wmark_pages[i], scale)] = marks[i];
	if (z->usable_free_pages > scale)
		bar[MS_BAR_WIDTH - 1] = '>';
	bar[MS_BAR_WIDTH] = '\0';
	fprintf(f, "  [%s] 0-%" PRIu64 "K\n", bar, ms_kib(scale, page_size));
}

static void ms_zones(FILE *f, const struct ms_snapshot *s)
{
	const struct ms_pressure *p = &s->pressure;
	const struct ms_zone_pressure *z;
	char where[32], order[12];
	int i, top;

	fprintf(f, "%-13s %-8s %9s %29s %6s\n", "zone", "level", "usable",
		"headroom to min / low / high", "order");
	for (i = 0; i < p->nr_zones && i < MS_MAX_ZONE_LINES; i++) {
		z = &p->zone[i];
		snprintf(where, sizeof(where), "node%d/%s", z->node, z->zone);
		top = ms_status_top_order(s, z);
		if (top == -2)
			snprintf(order, sizeof(order), "?");
		else if (top < 0)
			snprintf(order, sizeof(order), "none");
		else
			snprintf(order, sizeof(order), "%d", top);
		fprintf(f, "%-13s %-8s %8" PRIu64 "K %8" PRId64 "K / %7" PRId64 "K / %7" PRId64
			"K %6s\n", where, ms_status_level_word(z->level),
			ms_kib(z->usable_free_pages, p->page_size),
			ms_skib(z->headroom_pages[0], p->page_size),
			ms_skib(z->headroom_pages[1], p->page_size),
			ms_skib(z->headroom_pages[2], p->page_size), order);
		ms_zone_bar(f, z, p->page_size);
	}
	if (p->nr_zones > MS_MAX_ZONE_LINES)
		fprintf(f, "(%d more zones: memscope status --json shows all)\n",
			p->nr_zones - MS_MAX_ZONE_LINES);
}

static void ms_owners(FILE *f, const struct ms_reserved *r)
{
	struct ms_reserved_row rows[MS_MAX_OWNERS + 1];
	int n, i;

	n = ms_reserved_ranked(r, rows);
	fprintf(f, "biggest reserved owners (of %" PRIu64 "K reserved, %" PRIu64 "K RAM):\n",
		r->reserved_now_kib, r->physical_kib);
	for (i = 0; i < n && i < MS_STATUS_OWNERS; i++) {
		if (rows[i].kib == MS_UNKNOWN)
			fprintf(f, "  %-38s %9s\n", rows[i].name, "?");
		else
			fprintf(f, "  %-38s %8" PRIu64 "K %5.1f%%\n", rows[i].name, rows[i].kib,
				ms_reserved_share(r, rows[i].kib));
	}
}

static void ms_events(FILE *f, const struct ms_events *e)
{
	const struct ms_event_row *ev;
	int i;

	fprintf(f, "last events (%" PRIu64 " since load):%s\n", e->total,
		e->nr ? "" : " none");
	i = e->nr > MS_STATUS_EVENTS ? e->nr - MS_STATUS_EVENTS : 0;
	for (; i < e->nr; i++) {
		ev = &e->ev[i];
		fprintf(f, "  %7" PRIu64 ".%03" PRIu64 " s  %-9s %-7s level %-8s zone %-7s",
			ev->time_ms / 1000, ev->time_ms % 1000, ev->kind, ev->reason,
			ev->level, ev->zone);
		fprintf(f, " value %" PRIu64 "\n", ev->value);
	}
}

void ms_status_text(FILE *f, const struct ms_snapshot *s)
{
	const struct ms_pressure *p = &s->pressure;
	char held[32];

	if (s->have & MS_VIEW_PRESSURE) {
		ms_duration(held, sizeof(held), p->level_ms);
		fprintf(f, "memscope: system level %s for %s; MemAvailable %" PRIu64 "K\n",
			ms_status_level_word(p->level), held,
			ms_kib(p->available_pages, p->page_size));
		ms_zones(f, s);
	} else {
		fprintf(f, "memscope: no pressure view: level, headroom and zones unknown\n");
	}
	if (s->have & MS_VIEW_RESERVED)
		ms_owners(f, &s->reserved);
	else
		fprintf(f, "reserved owners: no reserved view\n");
	if (s->have & MS_VIEW_EVENTS)
		ms_events(f, &s->events);
	else
		fprintf(f, "last events: no events view\n");
}

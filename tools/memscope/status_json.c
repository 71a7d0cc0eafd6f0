// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: "memscope status --json", the same data as the screen,
 * in bytes instead of KiB, with every zone and event the views hold (the
 * screen keeps to 80x24; JSON has no reason to). A view that could not be
 * read is null.
 */
#include "json_out.h"
#include "msparse_text.h"
#include "reserved_rank.h"
#include "status.h"

static const char *const ms_wmarks[MS_NR_WMARKS] = { "min", "low", "high" };

static void ms_json_zone(struct ms_json *j, const struct ms_snapshot *s,
			 const struct ms_zone_pressure *z)
{
	uint64_t ps = s->pressure.page_size;
	int w, top;

	ms_json_object(j, NULL);
	ms_json_s64(j, "node", z->node);
	ms_json_str(j, "zone", z->zone);
	ms_json_str(j, "level", ms_status_level_word(z->level));
	ms_json_s64(j, "level_value", z->level);
	ms_json_u64(j, "level_ms", z->level_ms);
	ms_json_u64(j, "free_bytes", z->free_pages * ps);
	ms_json_u64(j, "usable_free_bytes", z->usable_free_pages * ps);
	ms_json_u64(j, "managed_bytes", z->managed_pages * ps);
	ms_json_object(j, "watermark_bytes");
	for (w = 0; w < MS_NR_WMARKS; w++)
		ms_json_u64(j, ms_wmarks[w], z->wmark_pages[w] * ps);
	ms_json_end(j, '}');
	ms_json_object(j, "headroom_bytes");
	for (w = 0; w < MS_NR_WMARKS; w++)
		ms_json_s64(j, ms_wmarks[w], z->headroom_pages[w] * (int64_t)ps);
	ms_json_end(j, '}');
	top = ms_status_top_order(s, z);
	if (top == -2)
		ms_json_null(j, "highest_free_order");
	else
		ms_json_s64(j, "highest_free_order", top);
	ms_json_end(j, '}');
}

static void ms_json_pressure(struct ms_json *j, const struct ms_snapshot *s)
{
	const struct ms_pressure *p = &s->pressure;
	int i;

	ms_json_str(j, "level", ms_status_level_word(p->level));
	ms_json_s64(j, "level_value", p->level);
	ms_json_u64(j, "level_ms", p->level_ms);
	ms_json_u64(j, "page_size", p->page_size);
	ms_json_u64(j, "mem_available_bytes", p->available_pages * p->page_size);
	ms_json_array(j, "zones");
	for (i = 0; i < p->nr_zones; i++)
		ms_json_zone(j, s, &p->zone[i]);
	ms_json_end(j, ']');
}

static void ms_json_owners(struct ms_json *j, const struct ms_reserved *r)
{
	struct ms_reserved_row rows[MS_MAX_OWNERS + 1];
	int n, i;

	n = ms_reserved_ranked(r, rows);
	ms_json_object(j, "reserved");
	ms_json_u64(j, "physical_kib", r->physical_kib);
	ms_json_u64(j, "reserved_now_kib", r->reserved_now_kib);
	ms_json_array(j, "biggest_owners");
	for (i = 0; i < n && i < MS_STATUS_OWNERS; i++) {
		ms_json_object(j, NULL);
		ms_json_str(j, "owner", rows[i].name);
		if (rows[i].kib == MS_UNKNOWN)
			ms_json_null(j, "kib");
		else
			ms_json_u64(j, "kib", rows[i].kib);
		ms_json_double(j, "share_pct", ms_reserved_share(r, rows[i].kib), 1);
		ms_json_end(j, '}');
	}
	ms_json_end(j, ']');
	ms_json_end(j, '}');
}

static void ms_json_events(struct ms_json *j, const struct ms_events *e)
{
	const struct ms_event_row *ev;
	int i;

	ms_json_object(j, "events");
	ms_json_u64(j, "queued_since_load", e->total);
	ms_json_array(j, "last");
	for (i = 0; i < e->nr; i++) {
		ev = &e->ev[i];
		ms_json_object(j, NULL);
		ms_json_u64(j, "time_ms", ev->time_ms);
		ms_json_u64(j, "subscriber", ev->sub);
		ms_json_s64(j, "pid", ev->pid);
		ms_json_u64(j, "trigger", ev->trigger);
		ms_json_str(j, "kind", ev->kind);
		ms_json_str(j, "reason", ev->reason);
		ms_json_str(j, "level", ev->level);
		ms_json_str(j, "zone", ev->zone);
		ms_json_str(j, "zone_level", ev->zone_level);
		ms_json_u64(j, "value", ev->value);
		ms_json_end(j, '}');
	}
	ms_json_end(j, ']');
	ms_json_end(j, '}');
}

void ms_status_json(FILE *f, const struct ms_snapshot *s)
{
	struct ms_json j;

	ms_json_init(&j, f);
	ms_json_object(&j, NULL);
	ms_json_str(&j, "kernel", s->kernel);
	if (s->have & MS_VIEW_PRESSURE) {
		ms_json_pressure(&j, s);
	} else {
		ms_json_null(&j, "level");
		ms_json_null(&j, "zones");
	}
	if (s->have & MS_VIEW_RESERVED)
		ms_json_owners(&j, &s->reserved);
	else
		ms_json_null(&j, "reserved");
	if (s->have & MS_VIEW_EVENTS)
		ms_json_events(&j, &s->events);
	else
		ms_json_null(&j, "events");
	ms_json_end(&j, '}');
}

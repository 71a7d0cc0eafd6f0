// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: build the textfile. Labels follow node_exporter where
 * the two overlap, so a dashboard can put both on one panel and a query
 * can join them without label_replace(). Its buddyinfo collector
 * (collector/buddyinfo.go, node_buddyinfo_blocks) labels each sample
 * node, zone and size, size being the order as a decimal number; its
 * zoneinfo collector (collector/zoneinfo_linux.go, node_zoneinfo_*_pages)
 * labels node and zone. Here the order is "size" too, on the buddy
 * families and on memscope_alloc_failures_total: a failure at size N is
 * a request for the block memscope_buddy_free_blocks{size="N"} counts, and
 * one label name for the order keeps such joins plain. The names stay
 * memscope_* and every quantity is in bytes or seconds, as Prometheus'
 * naming rules ask, where node_exporter counts pages. Gauges are the values the
 * views show now; counters are the views' since-load columns, which
 * start over when the module is reloaded, as a counter reset.
 *
 * Names do not collide with memscoped's textfile (memscope_level,
 * memscope_available_bytes are the last record there), so both files can
 * sit in one textfile directory.
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "abi_names.h"
#include "metrics.h"
#include "msparse_text.h"

#ifndef MEMSCOPE_VERSION
#define MEMSCOPE_VERSION "unknown"
#endif

static const char *const ms_wmarks[MS_NR_WMARKS] = { "min", "low", "high" };

static void ms_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: backslash, double quote and newline escaped. */
static void ms_label_value(FILE *f, const char *v)
{
	fputc('"', f);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

/* "{node="0",zone="Normal"" without the closing brace, for more labels. */
static void ms_zone_labels(FILE *f, const char *name, int node, const char *zone)
{
	fprintf(f, "%s{node=\"%d\",zone=", name, node);
	ms_label_value(f, zone);
}

static void ms_system(FILE *f, const struct ms_pressure *p)
{
	ms_family(f, "memscope_system_level", "gauge",
		  "System pressure level: 0 none, 1 low, 2 medium, 3 critical, 4 oom.");
	fprintf(f, "memscope_system_level %d\n", p->level);
	ms_family(f, "memscope_system_level_duration_seconds", "gauge",
		  "Time the system has been at its current level.");
	fprintf(f, "memscope_system_level_duration_seconds %.3f\n", (double)p->level_ms / 1000);
	ms_family(f, "memscope_mem_available_bytes", "gauge",
		  "MemAvailable as the module computes it (equals /proc/meminfo).");
	fprintf(f, "memscope_mem_available_bytes %" PRIu64 "\n",
		p->available_pages * p->page_size);
}

/* One gauge family with a sample per zone, from @pages of each zone. */
static void ms_zone_gauge(FILE *f, const struct ms_pressure *p, const char *name,
			  const char *help, size_t offset)
{
	const struct ms_zone_pressure *z;
	uint64_t pages;
	int i;

	ms_family(f, name, "gauge", help);
	for (i = 0; i < p->nr_zones; i++) {
		z = &p->zone[i];
		memcpy(&pages, (const char *)z + offset, sizeof(pages));
		ms_zone_labels(f, name, z->node, z->zone);
		fprintf(f, "} %" PRIu64 "\n", pages * p->page_size);
	}
}

static void ms_zones(FILE *f, const struct ms_pressure *p)
{
	const struct ms_zone_pressure *z;
	int i, w;

	ms_family(f, "memscope_zone_level", "gauge",
		  "Zone pressure level: 0 none, 1 low, 2 medium, 3 critical, 4 oom.");
	for (i = 0; i < p->nr_zones; i++) {
		z = &p->zone[i];
		ms_zone_labels(f, "memscope_zone_level", z->node, z->zone);
		fprintf(f, "} %d\n", z->level);
	}
	ms_zone_gauge(f, p, "memscope_zone_free_bytes", "Free memory of the zone.",
		      offsetof(struct ms_zone_pressure, free_pages));
	ms_zone_gauge(f, p, "memscope_zone_usable_free_bytes",
		      "Free memory of the zone an ordinary allocation can use (no CMA, no high-atomic reserve).",
		      offsetof(struct ms_zone_pressure, usable_free_pages));
	ms_zone_gauge(f, p, "memscope_zone_managed_bytes",
		      "Memory of the zone the buddy allocator manages.",
		      offsetof(struct ms_zone_pressure, managed_pages));
	ms_family(f, "memscope_zone_watermark_bytes", "gauge",
		  "Zone watermarks (min, low, high), boost not included.");
	for (i = 0; i < p->nr_zones; i++)
		for (w = 0; w < MS_NR_WMARKS; w++) {
			z = &p->zone[i];
			ms_zone_labels(f, "memscope_zone_watermark_bytes", z->node, z->zone);
			fprintf(f, ",watermark=\"%s\"} %" PRIu64 "\n", ms_wmarks[w],
				z->wmark_pages[w] * p->page_size);
		}
	ms_family(f, "memscope_zone_headroom_bytes", "gauge",
		  "Usable free memory above each watermark; negative below it.");
	for (i = 0; i < p->nr_zones; i++)
		for (w = 0; w < MS_NR_WMARKS; w++) {
			z = &p->zone[i];
			ms_zone_labels(f, "memscope_zone_headroom_bytes", z->node, z->zone);
			fprintf(f, ",watermark=\"%s\"} %" PRId64 "\n", ms_wmarks[w],
				z->headroom_pages[w] * (int64_t)p->page_size);
		}
}

static void ms_buddy(FILE *f, const struct ms_buddy *b)
{
	static const struct {
		const char *name, *help;
	} fam[3] = {
		{ "memscope_buddy_free_blocks",
		  "Free blocks of 2^size pages: size is the order (as /proc/buddyinfo)." },
		{ "memscope_buddy_unusable_index",
		  "Share of free memory in blocks too small for the size (0..1)." },
		{ "memscope_buddy_fragmentation_index",
		  "Kernel fragmentation index of the size; -1: that size succeeds now." },
	};
	const struct ms_buddy_zone *z;
	int k, i, order;

	for (k = 0; k < 3; k++) {
		ms_family(f, fam[k].name, "gauge", fam[k].help);
		for (i = 0; i < b->nr_zones; i++) {
			z = &b->zone[i];
			for (order = 0; order < b->nr_orders; order++) {
				ms_zone_labels(f, fam[k].name, z->node, z->zone);
				fprintf(f, ",size=\"%d\"} ", order);
				if (k == 0)
					fprintf(f, "%" PRIu64 "\n", z->free_blocks[order]);
				else
					fprintf(f, "%.3f\n", k == 1 ? z->unusable[order] :
						z->fragindex[order]);
			}
		}
	}
}

/* The reclaim view's counters that become metrics, and how. */
static const struct {
	const char *view, *metric, *help;
	bool ns;	/* nanoseconds in the view, seconds in the metric */
} ms_reclaim_metrics[] = {
	{ "kswapd_wakes", "memscope_kswapd_wakes_total", "kswapd balancing runs.", false },
	{ "direct_reclaims", "memscope_direct_reclaims_total",
	  "Direct reclaim stalls (allocstall_*).", false },
	{ "direct_reclaim_time", "memscope_direct_reclaim_seconds_total",
	  "Time tasks spent in direct reclaim.", true },
	{ "compact_stalls", "memscope_compact_stalls_total",
	  "Direct compaction stalls (compact_stall).", false },
	{ "compact_success", "memscope_compact_success_total",
	  "Direct compactions that made a page available (compact_success).", false },
	{ "compact_stall_time", "memscope_compact_stall_seconds_total",
	  "Time tasks spent in direct compaction.", true },
	{ "oom_kills", "memscope_oom_kills_total",
	  "Tasks the OOM killer killed (oom_kill).", false },
};

static void ms_reclaim(FILE *f, const struct ms_reclaim *r)
{
	const struct ms_counter *c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ms_reclaim_metrics); i++) {
		c = ms_reclaim_counter(r, ms_reclaim_metrics[i].view);
		if (!c)
			continue;
		ms_family(f, ms_reclaim_metrics[i].metric, "counter", ms_reclaim_metrics[i].help);
		if (ms_reclaim_metrics[i].ns)
			fprintf(f, "%s %.9f\n", ms_reclaim_metrics[i].metric,
				(double)c->since_load / 1e9);
		else
			fprintf(f, "%s %" PRIu64 "\n", ms_reclaim_metrics[i].metric, c->since_load);
	}
}

static void ms_alloc(FILE *f, const struct ms_alloc *a)
{
	int order;

	ms_family(f, "memscope_alloc_failures_total", "counter",
		  "Page allocations that failed, by order (label size), since the module loaded.");
	for (order = 0; order < a->nr_orders; order++)
		fprintf(f, "memscope_alloc_failures_total{size=\"%d\"} %" PRIu64 "\n", order,
			a->fails[MS_SINCE_LOAD][order]);
}

static void ms_reserved(FILE *f, const struct ms_reserved *r)
{
	int i;

	ms_family(f, "memscope_reserved_bytes", "gauge",
		  "Memory still reserved since boot, by owner (unattributed: no known owner).");
	for (i = 0; i < r->nr_owners; i++) {
		if (r->owner[i].kib == MS_UNKNOWN)
			continue;
		fputs("memscope_reserved_bytes{owner=", f);
		ms_label_value(f, r->owner[i].name);
		fprintf(f, "} %" PRIu64 "\n", r->owner[i].kib * 1024);
	}
	if (r->unattributed_kib != MS_UNKNOWN)
		fprintf(f, "memscope_reserved_bytes{owner=\"unattributed\"} %" PRIu64 "\n",
			r->unattributed_kib * 1024);
	ms_family(f, "memscope_physical_memory_bytes", "gauge",
		  "RAM the kernel knows of (the Memory: boot line's total).");
	fprintf(f, "memscope_physical_memory_bytes %" PRIu64 "\n", r->physical_kib * 1024);
}

static const struct {
	unsigned int bit;
	const char *name;
} ms_views[] = {
	{ MS_VIEW_PRESSURE, "pressure" }, { MS_VIEW_BUDDY, "buddy" },
	{ MS_VIEW_RESERVED, "reserved" }, { MS_VIEW_RECLAIM, "reclaim" },
	{ MS_VIEW_ALLOC, "alloc" }, { MS_VIEW_EVENTS, "events" },
};

void ms_metrics_write(FILE *f, const struct ms_snapshot *s, unsigned int want, double now_s)
{
	size_t i;

	ms_family(f, "memscope_build_info", "gauge",
		  "memscope tool version and the kernel it read, as labels; always 1.");
	fputs("memscope_build_info{version=", f);
	ms_label_value(f, MEMSCOPE_VERSION);
	fputs(",kernel=", f);
	ms_label_value(f, s->kernel);
	fputs("} 1\n", f);
	ms_family(f, "memscope_last_scrape_timestamp_seconds", "gauge",
		  "When memscope metrics last read the views: a heartbeat for staleness alerts.");
	fprintf(f, "memscope_last_scrape_timestamp_seconds %.3f\n", now_s);
	ms_family(f, "memscope_view_up", "gauge",
		  "1 when the debugfs view was read and parsed, 0 when it could not be.");
	for (i = 0; i < ARRAY_SIZE(ms_views); i++)
		if (want & ms_views[i].bit)
			fprintf(f, "memscope_view_up{view=\"%s\"} %d\n", ms_views[i].name,
				!!(s->have & ms_views[i].bit));
	if (s->have & MS_VIEW_PRESSURE) {
		ms_system(f, &s->pressure);
		ms_zones(f, &s->pressure);
	}
	if (s->have & MS_VIEW_BUDDY)
		ms_buddy(f, &s->buddy);
	if (s->have & MS_VIEW_RECLAIM)
		ms_reclaim(f, &s->reclaim);
	if (s->have & MS_VIEW_ALLOC)
		ms_alloc(f, &s->alloc);
	if (s->have & MS_VIEW_RESERVED)
		ms_reserved(f, &s->reserved);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool: the "pressure" view, parsed. Rows are
 * "SCOPE KEY VALUE(S)" (module/pressure_view.c); SCOPE is "system" or
 * "nodeN/ZONE". Figures stay in pages, as printed, with the page size
 * from the header so callers can turn them into bytes.
 */
#ifndef MEMSCOPE_MSPARSE_PRESSURE_H
#define MEMSCOPE_MSPARSE_PRESSURE_H

#include <stddef.h>
#include <stdint.h>

/* Zones one board can show: MAX_NUMNODES is small on every target we build. */
#define MS_MAX_ZONES 16
#define MS_ZONE_NAME 16

/* Watermark indexes, as MEMSCOPE_WMARK_MIN/LOW/HIGH. */
#define MS_NR_WMARKS 3

struct ms_zone_pressure {
	int node;
	char zone[MS_ZONE_NAME];
	int level;			/* MEMSCOPE_LEVEL_*, -1 if not printed */
	uint64_t level_ms;		/* time in that level */
	uint64_t free_pages;
	uint64_t usable_free_pages;	/* free minus CMA and high-atomic */
	uint64_t managed_pages;
	uint64_t wmark_pages[MS_NR_WMARKS];
	uint64_t boost_pages;		/* watermark boost, "boost=" */
	int64_t headroom_pages[MS_NR_WMARKS];	/* usable - watermark, may be < 0 */
};

struct ms_pressure {
	uint64_t page_size;
	int level;			/* system level, -1 if not printed */
	uint64_t level_ms;
	uint64_t available_pages;	/* MemAvailable, in pages */
	uint64_t usable_free_pages;
	int nr_zones;
	struct ms_zone_pressure zone[MS_MAX_ZONES];
};

/*
 * Parse the view in @text (cut in place). Returns 0, or -1 when the text
 * is not a pressure view (no page size or no system level).
 */
int ms_parse_pressure(char *text, struct ms_pressure *p);

/*
 * One row looked up in the view's text (not cut), for the keys the struct
 * does not keep: the first row of @scope and @key, and on it the first
 * value (@name NULL) or that of "@name=VALUE". The number is read as far
 * as it goes ("35.2" is 35; a "@name=" without digits is 0). 0, or -1
 * without such a row or name, or when the first value is not a number.
 * Rows of 1 KiB or more are not looked at.
 */
int ms_pressure_get(const char *text, const char *scope, const char *key,
		    const char *name, int64_t *v);
/* The first value of that row as a word (a level name), cut to @len. */
int ms_pressure_word(const char *text, const char *scope, const char *key,
		     char *out, size_t len);

#endif /* MEMSCOPE_MSPARSE_PRESSURE_H */

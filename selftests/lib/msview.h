/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsers for memscope's debugfs views and for the kernel's own files that
 * serve as their oracles (/proc/buddyinfo, debugfs extfrag/).
 */
#ifndef MSVIEW_H
#define MSVIEW_H

#include <stdbool.h>
#include <stddef.h>

#define MS_DEBUGFS "/sys/kernel/debug/memscope"
#define MS_MAX_ZONES 16
#define MS_MAX_ORDERS 32
#define MS_MAX_TYPES 8

/* Per-zone rows of a buddy-like file; indexes are in thousandths. */
struct ms_zone {
	int node;
	char name[16];
	unsigned long blocks[MS_MAX_ORDERS];
	unsigned long long pages[MS_MAX_ORDERS];
	unsigned long long pages_ge[MS_MAX_ORDERS];
	int unusable[MS_MAX_ORDERS];
	int fragindex[MS_MAX_ORDERS];
	/* pagetypes: [type][order]; capped lists count as -1 */
	long types[MS_MAX_TYPES][MS_MAX_ORDERS];
	char type_names[MS_MAX_TYPES][16];
	int ntypes;
};

struct ms_view {
	int nzones;
	int norders;
	struct ms_zone z[MS_MAX_ZONES];
};

/* Each returns 0 on success, -errno (open) or -EINVAL (format) on error. */
int ms_read_buddy(const char *path, struct ms_view *v);
int ms_read_buddyinfo(const char *path, struct ms_view *v);
int ms_read_extfrag(const char *path, struct ms_view *v, bool fragindex);
int ms_read_pagetypes(const char *path, struct ms_view *v);

struct ms_zone *ms_find_zone(struct ms_view *v, int node, const char *name);
/* Same zones and the same free blocks per order. */
bool ms_same_blocks(const struct ms_view *a, const struct ms_view *b);
/* Parse "0.123" or "-1.000" into thousandths. */
int ms_parse_index(const char *s, int *out);

/* The kernel's definitions (mm/vmstat.c), computed independently here. */
int ms_ref_unusable(const unsigned long *blocks, int norders, int order);
int ms_ref_fragindex(const unsigned long *blocks, int norders, int order);

/* Small helpers for tests. */
char *ms_slurp(const char *path);
int ms_write_str(const char *path, const char *s);
bool ms_module_loaded(const char *name);
int ms_load_module(const char *path);
int ms_unload_module(const char *name);

/*
 * "scope key value [name=value...]" views (pressure): the value of KEY in
 * SCOPE, or of NAME=... on that line when NAME is not NULL. 0 or -ENOENT.
 */
int ms_kv_get(const char *text, const char *scope, const char *key,
	      const char *name, long long *out);
/* The first value of KEY in SCOPE as a string (e.g. a level name). */
int ms_kv_str(const char *text, const char *scope, const char *key,
	      char *out, size_t len);

/* What /proc/zoneinfo says of one zone. */
struct ms_zoneinfo {
	int node;
	char name[16];
	bool populated;
	unsigned long free, boost, min, low, high, spanned, present, managed, cma;
	long protection[8];
	int nprotection;
};

/* Every zone of /proc/zoneinfo (populated or not); count or -errno. */
int ms_read_zoneinfo(struct ms_zoneinfo *z, int max);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool: the "reserved" view, parsed: the totals, what boot
 * reserved and gave back, and who holds the pages still reserved
 * (module/reserved.c, module/reserved_memblock.c). Every figure is in
 * KiB as the view prints it; MS_UNKNOWN where the view printed "?".
 */
#ifndef MEMSCOPE_MSPARSE_RESERVED_H
#define MEMSCOPE_MSPARSE_RESERVED_H

#include <stdbool.h>
#include <stdint.h>

#define MS_MAX_OWNERS 32
#define MS_OWNER_NAME 48
#define MS_MAX_FREED 8

struct ms_reserved_row {
	char name[MS_OWNER_NAME];
	uint64_t pages;
	uint64_t kib;
};

struct ms_reserved {
	uint64_t page_size;
	/* [totals] */
	uint64_t physical_kib, memtotal_kib, reserved_now_kib, cma_kib;
	/* [reconciliation] */
	uint64_t at_boot_logged_kib;
	int nr_freed;
	struct ms_reserved_row freed[MS_MAX_FREED];	/* "init", "initrd", ... */
	/* [reserved now by owner]: owners, then the summary rows */
	int nr_owners;
	struct ms_reserved_row owner[MS_MAX_OWNERS];
	uint64_t unattributed_pages;	/* 0 when the view has no such row */
	uint64_t unattributed_kib;
	uint64_t owners_total_kib;	/* "total (reserved_now)" */
};

/* Parse @text (cut in place); 0, or -1 without [totals] or an owner table. */
int ms_parse_reserved(char *text, struct ms_reserved *r);

/*
 * Every line of the view, read by its shape, for readers that want more
 * than struct ms_reserved keeps (the selftests check every section).
 * ms_parse_reserved() is built on it.
 */
enum ms_res_kind {
	MS_RES_COMMENT,	/* a "#" line: text */
	MS_RES_FIGURES,	/* "KEY WORDS  N [N] [RANGE]  [(remark)]" */
	MS_RES_RANGE,	/* "[IDX] RANGE N OWNER WORDS [(outside RAM)]" */
	MS_RES_BOOT,	/* [boot line]: key "computed", "logged" or "differs" */
	MS_RES_ZONE,	/* [zones]: "NODE ZONE RANGE" or "sum", five figures */
	MS_RES_BAD,	/* a row of none of these shapes */
};

#define MS_RES_SECTION 32

struct ms_res_item {
	enum ms_res_kind kind;
	const char *section;	/* "totals" for "[totals]"; "" before the first */
	const char *text;	/* COMMENT: the line; BOOT: the row from its key */
	/* FIGURES: the words before the figures; RANGE: the owner; ZONE: the zone */
	char key[MS_OWNER_NAME];
	/* FIGURES: 1 or 2 (taken from the right); RANGE: 1; ZONE: 5 */
	int nv;
	int64_t v[5];
	unsigned int unknown;	/* bit i: v[i] was printed "?" (v[i] is -1) */
	bool has_range;		/* start and end: physical, end inclusive */
	bool outside;		/* RANGE: "(outside RAM)" */
	unsigned long long start, end;
	int idx;		/* RANGE: the memblock region, or -1 */
	int node;		/* ZONE: the node, -1 for the "sum" row */
};

typedef void (*ms_res_fn)(void *ctx, const struct ms_res_item *it);

/* Hand each line of @text (cut in place) but blank ones to @fn; the count. */
int ms_reserved_walk(char *text, ms_res_fn fn, void *ctx);

#endif /* MEMSCOPE_MSPARSE_RESERVED_H */

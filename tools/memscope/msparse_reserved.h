/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool: the "reserved" view, parsed: the totals, what boot
 * reserved and gave back, and who holds the pages still reserved
 * (module/reserved.c, module/reserved_memblock.c). Every figure is in
 * KiB as the view prints it; MS_UNKNOWN where the view printed "?".
 */
#ifndef MEMSCOPE_MSPARSE_RESERVED_H
#define MEMSCOPE_MSPARSE_RESERVED_H

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

#endif /* MEMSCOPE_MSPARSE_RESERVED_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope: declarations shared by the files of the "reserved" view
 * (reserved*.c, compat/pgtable_walk.c). Physical ranges are [start, end).
 */
#ifndef _MEMSCOPE_RESERVED_H
#define _MEMSCOPE_RESERVED_H

#include <linux/types.h>

struct dentry;
struct seq_file;

int ms_reserved_prepare(void);

/* ---- reserved_log.c: the kernel's own "Memory: ..." boot line ---- */

struct ms_boot_line {
	bool found;
	bool has_highmem;
	/* avail, total, code, rwdata, rodata, init, bss, reserved, cma, high */
	unsigned long k[10];
	char text[240];
	/* "percpu: Embedded N pages/cpu": N, or 0 if not logged */
	unsigned long pcpu_pages;
};

enum {
	MS_BL_AVAIL, MS_BL_TOTAL, MS_BL_CODE, MS_BL_RW, MS_BL_RO, MS_BL_INIT,
	MS_BL_BSS, MS_BL_RES, MS_BL_CMA, MS_BL_HIGH, MS_BL_N
};

/* Copies the cached line, reading the printk buffer if not cached yet. */
void ms_boot_line_get(struct ms_boot_line *bl);

/* ---- reserved_image.c: kernel image sections, ranges freed after boot ---- */

struct ms_kimage {
	bool ok;
	const char *missing;	/* first symbol not resolved, when !ok */
	unsigned long text, stext, etext, sdata, edata, srodata, erodata;
	unsigned long sbss, ebss, sinit, einit, sinittext, einittext, end;
	/* Sizes as mm_init's mem_init_print_info() computes them (bytes). */
	unsigned long code, rwdata, rodata, init, bss;
};

void ms_kimage_get(struct ms_kimage *k);

#define MS_MAX_FREED 8

/* A range the kernel frees after printing the boot line. */
struct ms_freed {
	const char *name;
	phys_addr_t start, end;
	bool located;
	const char *why;	/* when !located */
	unsigned long pages;	/* pages of the range no longer PG_reserved */
};

/* Fills @f (up to MS_MAX_FREED); returns how many. */
int ms_freed_ranges(const struct ms_kimage *k, struct ms_freed *f);

/* Page frame in RAM: 1 if PG_reserved, 0 if not; -1 if not RAM. */
int ms_pfn_state(unsigned long pfn);

/* Pages of RAM in [start, end), PG_reserved or not. */
unsigned long ms_count_pages(phys_addr_t start, phys_addr_t end,
			     bool reserved);

/* ---- compat/pgtable_walk.c: physical address of a kernel virtual address ---- */

#define MS_NO_PHYS ((phys_addr_t)~0ULL)

/* Resolves what the lookups need once; after ms_ksym_init(). */
void ms_kva_init(void);

/*
 * Linear map, kernel image, or a walk of the kernel page tables
 * (vmemmap, fixmap). *span: bytes from @va to the end of its mapping.
 */
phys_addr_t ms_kva_to_phys(unsigned long va, unsigned long *span);

/* Calls w->fn for each page holding a level of init_mm's page tables. */
struct ms_table_walk {
	void (*fn)(struct ms_table_walk *w, phys_addr_t page);
	/* pgtable_walk.c's own: last table page and entry seen at each level */
	unsigned long last_page[5];
	u64 last_entry[5];
	/* Entries whose read faulted (a table freed under the walk): skipped. */
	unsigned long unreadable;
};

void ms_kva_walk_tables(struct ms_table_walk *w);

/* ---- reserved_owners.c: who owns which physical range ---- */

#define MS_OWNER_LEN 40
#define MS_MAX_OWNERS 48
#define MS_MAX_PIECES 256
#define MS_MAX_NOTES 12

struct ms_piece {
	phys_addr_t start, end;
	unsigned int owner;
};

/* Disjoint pieces sorted by start; an earlier owner keeps an overlap. */
struct ms_owners {
	unsigned int nowners, npieces, nnotes;
	bool truncated;
	char name[MS_MAX_OWNERS][MS_OWNER_LEN];
	struct ms_piece piece[MS_MAX_PIECES];
	const char *note[MS_MAX_NOTES];
};

void ms_owners_find(struct ms_owners *o, const struct ms_kimage *k);

/*
 * Initrd as the boot loader described it, page-rounded: 1 with the range
 * and its source in *src, 0 when none was given, -1 when unknown (*src
 * says why).
 */
int ms_initrd_range(phys_addr_t *start, phys_addr_t *end, const char **src);

/* ---- compat/memblock.c ---- */

/* Reserved pages of every owner now, by page state; returns attributed. */
unsigned long ms_show_owner_pages(struct seq_file *m,
				  const struct ms_owners *o,
				  unsigned long reserved_now);

/* Reserved pages of RAM that no owner's range covers. */
void ms_show_unattributed(struct seq_file *m, const struct ms_owners *o);

/* Every located piece of every owner. */
void ms_show_owner_ranges(struct seq_file *m, const struct ms_owners *o);

/* memblock.reserved region by region, split by owner. */
void ms_show_memblock(struct seq_file *m, const struct ms_owners *o);

#endif /* _MEMSCOPE_RESERVED_H */

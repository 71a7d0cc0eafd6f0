// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: owners of boot-reserved physical memory.
 *
 * memblock records no caller, so owners are found from the other side:
 * each boot-time user of memblock that left a pointer or a description
 * behind is located, and its physical range is matched against the
 * reserved memory later. Only what can be located exactly is named; the
 * rest stays "unattributed", and each owner that could not be looked for
 * leaves a note saying why.
 */
#include <linux/cma.h>
#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/list_bl.h>
#include <linux/mmzone.h>
#include <linux/of.h>
#include <linux/of_reserved_mem.h>
#include <linux/percpu.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/pfn.h>
#include <linux/string.h>

#include "compat/symbols.h"
#include "memscope.h"
#include "reserved.h"

static unsigned int ms_owner_id(struct ms_owners *o, const char *name)
{
	unsigned int i;

	for (i = 0; i < o->nowners; i++)
		if (!strcmp(o->name[i], name))
			return i;
	if (o->nowners == MS_MAX_OWNERS) {
		o->truncated = true;
		return UINT_MAX;
	}
	strscpy(o->name[i], name, MS_OWNER_LEN);
	o->nowners++;
	return i;
}

static void ms_insert_piece(struct ms_owners *o, unsigned int at,
			    phys_addr_t start, phys_addr_t end, unsigned int id)
{
	struct ms_piece *p = o->piece;
	bool prev = at && p[at - 1].owner == id && p[at - 1].end == start;
	bool next = at < o->npieces && p[at].owner == id && p[at].start == end;

	/* Grow a neighbour of the same owner (vmemmap and page tables come in blocks). */
	if (prev && next) {
		p[at - 1].end = p[at].end;
		memmove(&p[at], &p[at + 1], (o->npieces - at - 1) * sizeof(*p));
		o->npieces--;
		return;
	}
	if (prev || next) {
		if (prev)
			p[at - 1].end = end;
		else
			p[at].start = start;
		return;
	}
	if (o->npieces == MS_MAX_PIECES) {
		o->truncated = true;
		return;
	}
	memmove(&p[at + 1], &p[at], (o->npieces - at) * sizeof(*p));
	p[at].start = start;
	p[at].end = end;
	p[at].owner = id;
	o->npieces++;
}

/* Adds [start, end) minus what earlier owners already hold. */
static void ms_own(struct ms_owners *o, const char *name, phys_addr_t start,
		   phys_addr_t end)
{
	unsigned int id, i, before, owners = o->nowners, pieces = o->npieces;
	phys_addr_t cur = start;

	if (start >= end)
		return;
	id = ms_owner_id(o, name);
	if (id == UINT_MAX)
		return;
	for (i = 0; i < o->npieces && cur < end; i++) {
		struct ms_piece *p = &o->piece[i];

		if (p->end <= cur)
			continue;
		if (p->start >= end)
			break;
		if (p->start > cur) {
			before = o->npieces;
			ms_insert_piece(o, i, cur, p->start, id);
			i += o->npieces - before;
			p = &o->piece[i];
		}
		cur = max(cur, p->end);
	}
	if (cur < end)
		ms_insert_piece(o, i, cur, end, id);
	/* Wholly inside earlier owners: not worth a row of its own. */
	if (o->nowners > owners && o->npieces == pieces)
		o->nowners = owners;
}

/* Owner at a kernel virtual address, followed through the page tables. */
static void ms_own_kva(struct ms_owners *o, const char *name,
		       unsigned long va, unsigned long size)
{
	unsigned long span;
	phys_addr_t pa;

	while (size) {
		pa = ms_kva_to_phys(va, &span);
		span = min(span, size);
		if (pa != MS_NO_PHYS)
			ms_own(o, name, pa, pa + span);
		va += span;
		size -= span;
	}
}

static void ms_note(struct ms_owners *o, const char *note)
{
	if (o->nnotes < MS_MAX_NOTES)
		o->note[o->nnotes++] = note;
}

static void ms_own_initrd(struct ms_owners *o)
{
	phys_addr_t start, end;
	const char *src;

	if (ms_initrd_range(&start, &end, &src) > 0)
		ms_own(o, "initrd", start, end);
	else if (strcmp(src, "no initrd"))
		ms_note(o, "initrd: not located (boot_params not resolvable)");
}

/* Device tree blob: its header gives the size (devicetree spec, 5.2). */
static void ms_own_fdt(struct ms_owners *o)
{
#ifdef CONFIG_OF_EARLY_FLATTREE
	void **fdtp = (void **)ms_ksym("initial_boot_params");
	const __be32 *hdr;

	if (!fdtp) {
		ms_note(o, "device tree blob: initial_boot_params not resolvable");
		return;
	}
	hdr = *fdtp;
	if (!hdr)
		return;
	if (be32_to_cpu(hdr[0]) != 0xd00dfeed) {
		ms_note(o, "device tree blob: no FDT header where expected");
		return;
	}
	ms_own_kva(o, "device tree blob", (unsigned long)hdr, be32_to_cpu(hdr[1]));
#endif
}

static void ms_own_memmap(struct ms_owners *o)
{
	int nid;

	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);
#ifdef CONFIG_FLATMEM
		/* alloc_node_mem_map(): MAX_ORDER-aligned at both ends. */
		unsigned long start = pgdat->node_start_pfn &
				      ~(MS_MAX_ORDER_NR_PAGES - 1);
		unsigned long end = ALIGN(pgdat_end_pfn(pgdat), MS_MAX_ORDER_NR_PAGES);
		struct page *map = pgdat->node_mem_map;

		if (map)
			ms_own_kva(o, "memmap (struct page array)",
				   (unsigned long)(map - (pgdat->node_start_pfn - start)),
				   (end - start) * sizeof(struct page));
#elif defined(CONFIG_SPARSEMEM_VMEMMAP)
		unsigned long pfn;

		for (pfn = pgdat->node_start_pfn & PAGE_SECTION_MASK;
		     pfn < pgdat_end_pfn(pgdat); pfn += PAGES_PER_SECTION)
			if (valid_section_nr(pfn_to_section_nr(pfn)))
				ms_own_kva(o, "memmap (struct page array)",
					   (unsigned long)pfn_to_page(pfn),
					   PAGES_PER_SECTION * sizeof(struct page));
#else
		ms_note(o, "memmap: not located on classic SPARSEMEM");
		return;
#endif
	}
}

/* pglist_data of each node: allocated at boot on NUMA, in the image if not. */
static void ms_own_node_data(struct ms_owners *o)
{
	int nid;

	for_each_online_node(nid)
		ms_own_kva(o, "node data (pglist_data)",
			   (unsigned long)NODE_DATA(nid), sizeof(pg_data_t));
}

/* SPARSEMEM_EXTREME: the root array and each root (mm/sparse.c). */
static void ms_own_sections(struct ms_owners *o)
{
#ifdef CONFIG_SPARSEMEM_EXTREME
	unsigned long i;

	if (!mem_section)
		return;
	ms_own_kva(o, "sparse section tables", (unsigned long)mem_section,
		   NR_SECTION_ROOTS * sizeof(*mem_section));
	for (i = 0; i < NR_SECTION_ROOTS; i++)
		if (mem_section[i])
			ms_own_kva(o, "sparse section tables",
				   (unsigned long)mem_section[i],
				   SECTIONS_PER_ROOT * sizeof(struct mem_section));
#endif
}

static void ms_own_percpu(struct ms_owners *o)
{
	void **base = (void **)ms_ksym("pcpu_base_addr");
	int *unit_size = (int *)ms_ksym("pcpu_unit_size");
	const unsigned long **offsets =
		(const unsigned long **)ms_ksym("pcpu_unit_offsets");
	struct ms_boot_line *bl;
	unsigned long kept;
	unsigned int cpu;

	if (!base || !unit_size || !offsets) {
		ms_note(o, "per-cpu areas: pcpu_base_addr or pcpu_unit_* not resolvable");
		return;
	}
	/*
	 * The first chunk. pcpu_embed_first_chunk() gave each unit's tail
	 * back to memblock, and later boot allocations (the inode hash table
	 * on x86_64-debug) may sit there: only the part it kept, as its boot
	 * line says, is the per-cpu allocator's.
	 */
	bl = kmalloc(sizeof(*bl), GFP_KERNEL);
	if (!bl)
		return;
	ms_boot_line_get(bl);
	kept = bl->pcpu_pages << PAGE_SHIFT;
	kfree(bl);
	/* The UP allocator keeps its one unit whole, and logs nothing. */
	if (!kept || kept > (unsigned long)*unit_size) {
		if (IS_ENABLED(CONFIG_SMP))
			ms_note(o, "per-cpu areas: no percpu boot line, whole units");
		kept = *unit_size;
	}
	for_each_possible_cpu(cpu)
		ms_own_kva(o, "per-cpu areas",
			   (unsigned long)*base + (*offsets)[cpu], kept);
}

#ifdef CONFIG_CMA
struct ms_cma_ctx {
	struct ms_owners *o;
	typeof(cma_get_base) *base;
	typeof(cma_get_size) *size;
	typeof(cma_get_name) *name;
};

static int ms_cma_area(struct cma *cma, void *data)
{
	struct ms_cma_ctx *c = data;
	char name[MS_OWNER_LEN];
	phys_addr_t base = c->base(cma);

	snprintf(name, sizeof(name), "CMA area \"%s\"", c->name(cma));
	ms_own(c->o, name, base, base + c->size(cma));
	return 0;
}
#endif

static void ms_own_cma(struct ms_owners *o)
{
#ifdef CONFIG_CMA
	typeof(cma_for_each_area) *for_each =
		(void *)ms_ksym_func("cma_for_each_area");
	struct ms_cma_ctx c = {
		.o = o,
		.base = (void *)ms_ksym_func("cma_get_base"),
		.size = (void *)ms_ksym_func("cma_get_size"),
		.name = (void *)ms_ksym_func("cma_get_name"),
	};

	if (ms_ksym_calls_refused()) {
		ms_note(o, "CMA areas: not listed (IBT or kCFI: no call to cma_for_each_area())");
		return;
	}
	if (!for_each || !c.base || !c.size || !c.name) {
		ms_note(o, "CMA areas: cma_for_each_area() not resolvable");
		return;
	}
	for_each(ms_cma_area, &c);
#endif
}

/* Device-tree /reserved-memory nodes, static or allocated at boot. */
static void ms_own_dt_reserved(struct ms_owners *o)
{
	struct device_node *parent = of_find_node_by_path("/reserved-memory");
	struct device_node *np;
	struct reserved_mem *rmem;
	char name[MS_OWNER_LEN];

	if (!parent)
		return;
	for_each_available_child_of_node(parent, np) {
		rmem = of_reserved_mem_lookup(np);
		if (!rmem || !rmem->size)
			continue;
		snprintf(name, sizeof(name), "reserved-memory %pOFP", np);
		ms_own(o, name, rmem->base, rmem->base + rmem->size);
	}
	of_node_put(parent);
}

/* Early hash tables of alloc_large_system_hash() (only when !hashdist). */
static void ms_own_hash(struct ms_owners *o, const char *name,
			unsigned long table, unsigned long bytes)
{
	if (virt_addr_valid((void *)table))
		ms_own(o, name, __pa(table), __pa(table) + bytes);
}

static void ms_own_hashes(struct ms_owners *o)
{
	struct hlist_bl_head **dtab = (void *)ms_ksym("dentry_hashtable");
	unsigned int *dshift = (void *)ms_ksym("d_hash_shift");
	struct hlist_head **itab = (void *)ms_ksym("inode_hashtable");
	unsigned int *imask = (void *)ms_ksym("i_hash_mask");

	if (!dtab || !dshift || !itab || !imask) {
		ms_note(o, "hash tables: dentry/inode table symbols not resolvable");
		return;
	}
	/* fs/dcache.c keeps 32 - log2(entries); fs/inode.c entries - 1. */
	ms_own_hash(o, "hash table (dentry cache)", (unsigned long)*dtab,
		    (1UL << (32 - *dshift)) * sizeof(**dtab));
	ms_own_hash(o, "hash table (inode cache)", (unsigned long)*itab,
		    ((unsigned long)*imask + 1) * sizeof(**itab));
}

struct ms_own_tables {
	struct ms_table_walk walk;
	struct ms_owners *o;
};

/* Tables allocated after boot came from the page allocator: not ours. */
static void ms_own_table(struct ms_table_walk *w, phys_addr_t page)
{
	struct ms_own_tables *t = container_of(w, struct ms_own_tables, walk);

	if (ms_pfn_state(PHYS_PFN(page)) == 1)
		ms_own(t->o, "kernel page tables", page, page + PAGE_SIZE);
}

/**
 * ms_owners_find() - locate the owners of boot-reserved memory
 * @o: cleared, then filled with the owners, their disjoint pieces sorted
 *     by start, and a note for each owner that could not be looked for
 * @k: the kernel image, as ms_kimage_get() found it
 *
 * An earlier owner keeps a range two owners claim. The page global
 * directory comes first, then each boot-time user of memblock that left a
 * pointer or a description behind (initrd, device tree, memmap, per-cpu
 * areas, CMA, hash tables, ...), located exactly, then the page tables
 * the walk finds, then the kernel image (whose early page tables stay
 * page tables). The walk goes after the exact owners: it reads live
 * tables without locks, and an entry it read while the kernel changed it
 * once led it to 26 pages of the inode hash table (x86_64-debug,
 * 2026-12-08), which it then kept from their owner.
 *
 * Context: process context; may sleep. Takes ms_boot_line_lock, alone
 * (ms_boot_line_get()).
 */
void ms_owners_find(struct ms_owners *o, const struct ms_kimage *k)
{
	struct mm_struct *init = (struct mm_struct *)ms_ksym("init_mm");
	struct ms_own_tables tables = { .walk.fn = ms_own_table, .o = o };

	memset(o, 0, sizeof(*o));
	/* An earlier owner keeps an overlap: the order is the function's doc. */
	if (init)
		/* A pgd can span several pages (16 KiB on ARM). */
		ms_own_kva(o, "kernel page tables", (unsigned long)init->pgd,
			   PTRS_PER_PGD * sizeof(pgd_t));
	else
		ms_note(o, "kernel page tables: init_mm not resolvable");
	ms_own_initrd(o);
	ms_own_fdt(o);
	ms_own_memmap(o);
	ms_own_sections(o);
	ms_own_node_data(o);
	ms_own_percpu(o);
	ms_own_cma(o);
	ms_own_dt_reserved(o);
	ms_own_hashes(o);
	if (init) {
		ms_kva_walk_tables(&tables.walk);
		if (tables.walk.unreadable)
			ms_note(o, "kernel page tables: entries unreadable (freed during walk)");
	}
	if (k->ok)
		ms_own_kva(o, "kernel image", k->text, k->end - k->text);
	else
		ms_note(o, "kernel image: section symbols not resolvable");
#ifdef CONFIG_X86
	/* reserve_real_mode(): BIOSes are known to corrupt low memory. */
	ms_own(o, "low 1 MiB (x86 BIOS, real mode)", 0, SZ_1M);
#endif
	/* ARM allocates it at boot; elsewhere it is in the image. */
	ms_own(o, "zero page", PFN_PHYS(page_to_pfn(ZERO_PAGE(0))),
	       PFN_PHYS(page_to_pfn(ZERO_PAGE(0)) + 1));
#if defined(CONFIG_ARM) && defined(CONFIG_MMU)
	/* devicemaps_init(): vectors and stubs, two pages at VECTORS_BASE. */
	ms_own_kva(o, "exception vectors", VECTORS_BASE, 2 * PAGE_SIZE);
#endif
}

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: physical address behind a kernel virtual address.
 *
 * Owners of reserved memory are found through kernel pointers, and only
 * their physical ranges may be shown. Linear-map and kernel-image
 * addresses convert directly. The rest (vmemmap on SPARSEMEM_VMEMMAP,
 * the fixmap that holds the device tree) is looked up in the kernel's own
 * page tables, init_mm.pgd, read-only: those mappings are made at boot and
 * stay (memory hot-remove, which could change vmemmap, is not handled).
 *
 * The same tables are walked to list the pages they occupy: the ones
 * allocated during boot are part of the reserved memory.
 */
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/pgtable.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "compat/symbols.h"
#include "reserved.h"

/*
 * Nothing stops a table page from being freed under a lockless walk (a
 * huge ioremap or vunmap frees its tables): every entry is read with
 * copy_from_kernel_nofault(), and a table pointer is only followed once the
 * entry it came from has been read. What was read may still be stale or
 * garbage; the worst that comes of it is a wrong page in the view, a read
 * that faults ends the branch instead of the kernel.
 */
#define ms_read_entry(dst, src) \
	(!copy_from_kernel_nofault(&(dst), (src), sizeof(dst)))

/*
 * The next level's entry for @va from @copy, a copy of its parent entry. A
 * folded level hands back the pointer it was given: then the entry is the
 * real parent's (@parent), not the copy's. (Pointers, not values: ARM's
 * pgd_t is an array type.)
 */
#define ms_next_level(offset, copy, parent, va) ({			\
	typeof(copy) __c = (copy);					\
	typeof(offset(__c, 0UL)) __e = offset(__c, (va));		\
	(void *)__e == (void *)__c ? (typeof(__e))(parent) : __e;	\
})

static phys_addr_t ms_walk(pgd_t *pgdir, unsigned long va, unsigned long *span)
{
	pgd_t *pgd = pgd_offset_pgd(pgdir, va), pgdv;
	p4d_t *p4d, p4dv;
	pud_t *pud, pudv;
	pmd_t *pmd, pmdv;
	pte_t *pte, ptev;

	if (!ms_read_entry(pgdv, pgd) || pgd_none(pgdv) || pgd_bad(pgdv))
		return MS_NO_PHYS;
	p4d = ms_next_level(p4d_offset, &pgdv, pgd, va);
	if (!ms_read_entry(p4dv, p4d) || p4d_none(p4dv) || p4d_bad(p4dv))
		return MS_NO_PHYS;
	pud = ms_next_level(pud_offset, &p4dv, p4d, va);
	if (!ms_read_entry(pudv, pud) || pud_none(pudv))
		return MS_NO_PHYS;
#if CONFIG_PGTABLE_LEVELS > 2
	if (pud_leaf(pudv)) {
		*span = PUD_SIZE - (va & ~PUD_MASK);
		return PFN_PHYS(pud_pfn(pudv)) + (va & ~PUD_MASK);
	}
#endif
	if (pud_bad(pudv))
		return MS_NO_PHYS;
	pmd = ms_next_level(pmd_offset, &pudv, pud, va);
#if defined(CONFIG_ARM) && !defined(CONFIG_ARM_LPAE)
	/* Two 1 MiB hardware entries per Linux pmd; sections hold the address. */
	if (!ms_read_entry(pmdv, &pmd[(va >> SECTION_SHIFT) & 1]))
		return MS_NO_PHYS;
	if (pmd_leaf(pmdv)) {
		*span = SECTION_SIZE - (va & ~SECTION_MASK);
		return (pmd_val(pmdv) & SECTION_MASK) + (va & ~SECTION_MASK);
	}
	/* The table is found through the first of the two. */
	if (!ms_read_entry(pmdv, pmd))
		return MS_NO_PHYS;
#else
	if (!ms_read_entry(pmdv, pmd))
		return MS_NO_PHYS;
	if (pmd_leaf(pmdv)) {
		*span = PMD_SIZE - (va & ~PMD_MASK);
		return PFN_PHYS(pmd_pfn(pmdv)) + (va & ~PMD_MASK);
	}
#endif
	if (pmd_none(pmdv) || pmd_bad(pmdv))
		return MS_NO_PHYS;
	pte = pte_offset_kernel(&pmdv, va);
	if (!ms_read_entry(ptev, pte) || !pte_present(ptev))
		return MS_NO_PHYS;
	*span = PAGE_SIZE - offset_in_page(va);
	return PFN_PHYS(pte_pfn(ptev)) + offset_in_page(va);
}

static unsigned long text, end;
static struct mm_struct *init;

/**
 * ms_kva_init() - resolve what the lookups need: _text, _end and init_mm
 *
 * Context: process context (module init, from ms_reserved_prepare()),
 * after ms_ksym_init().
 */
void ms_kva_init(void)
{
	text = ms_ksym("_text");
	end = ms_ksym("_end");
	init = (struct mm_struct *)ms_ksym("init_mm");
}

/**
 * ms_kva_to_phys() - the physical address behind a kernel virtual address
 * @va: the address
 * @span: set to the bytes from @va to the end of its mapping; ULONG_MAX
 *     in the linear map, which converts linearly throughout, and when
 *     there is no mapping
 *
 * Kernel image and linear map convert directly; any other address is
 * looked up in init_mm's page tables, read without a lock: every entry is
 * read with copy_from_kernel_nofault(), so a table freed meanwhile gives
 * MS_NO_PHYS or a stale answer, never a fault.
 *
 * Context: process context; takes no lock.
 * Return: the physical address, or MS_NO_PHYS when @va is not mapped (or
 * init_mm is not resolvable).
 */
phys_addr_t ms_kva_to_phys(unsigned long va, unsigned long *span)
{
	*span = ULONG_MAX;
	if (text && end && va >= text && va < end) {
		*span = end - va;
		return __pa_symbol(va);
	}
	if (virt_addr_valid((void *)va))
		return __pa(va);
	if (!init)
		return MS_NO_PHYS;
	return ms_walk(init->pgd, va, span);
}

/*
 * Page of a table, from a pointer into it, once per run of entries:
 * folded levels share their parent's page.
 */
static void ms_table(const void *entry, int level, struct ms_table_walk *w)
{
	unsigned long page = (unsigned long)entry & PAGE_MASK, span;
	phys_addr_t pa;

	if (page == w->last_page[level])
		return;
	w->last_page[level] = page;
	pa = ms_kva_to_phys(page, &span);
	if (pa != MS_NO_PHYS)
		w->fn(w, pa);
}

/*
 * An entry equal to the one before it points to the same table, already
 * walked: KASAN's early shadow maps terabytes with one table per level.
 */
static bool ms_new_entry(struct ms_table_walk *w, int level, u64 val)
{
	if (val == w->last_entry[level])
		return false;
	w->last_entry[level] = val;
	return true;
}

static void ms_walk_pmd(pud_t *pud, pud_t *pudv, unsigned long va,
			unsigned long end, struct ms_table_walk *w)
{
	unsigned long next;
	pmd_t *pmd, pmdv;

	do {
		next = pmd_addr_end(va, end);
		pmd = ms_next_level(pmd_offset, pudv, pud, va);
		ms_table(pmd, 3, w);
		if (!ms_read_entry(pmdv, pmd))
			w->unreadable++;
		else if (!pmd_none(pmdv) && !pmd_leaf(pmdv) && !pmd_bad(pmdv) &&
			 ms_new_entry(w, 3, pmd_val(pmdv)))
			ms_table(pte_offset_kernel(&pmdv, va), 4, w);
		va = next;
	} while (va != end);
}

static void ms_walk_pud(p4d_t *p4d, p4d_t *p4dv, unsigned long va,
			unsigned long end, struct ms_table_walk *w)
{
	unsigned long next;
	pud_t *pud, pudv;

	do {
		next = pud_addr_end(va, end);
		pud = ms_next_level(pud_offset, p4dv, p4d, va);
		ms_table(pud, 2, w);
		if (!ms_read_entry(pudv, pud))
			w->unreadable++;
		else if (!pud_none(pudv) && !pud_leaf(pudv) && !pud_bad(pudv) &&
			 ms_new_entry(w, 2, pud_val(pudv)))
			ms_walk_pmd(pud, &pudv, va, next, w);
		cond_resched();
		va = next;
	} while (va != end);
}

static void ms_walk_p4d(pgd_t *pgd, pgd_t *pgdv, unsigned long va,
			unsigned long end, struct ms_table_walk *w)
{
	unsigned long next;
	p4d_t *p4d, p4dv;

	do {
		next = p4d_addr_end(va, end);
		p4d = ms_next_level(p4d_offset, pgdv, pgd, va);
		ms_table(p4d, 1, w);
		if (!ms_read_entry(p4dv, p4d))
			w->unreadable++;
		else if (!p4d_none(p4dv) && !p4d_bad(p4dv) &&
			 ms_new_entry(w, 1, p4d_val(p4dv)))
			ms_walk_pud(p4d, &p4dv, va, next, w);
		va = next;
	} while (va != end);
}

/**
 * ms_kva_walk_tables() - call w->fn for each page of init_mm's page tables
 * @w: the walk; w->fn is called with the physical address of each table
 *     page, once per run of entries in it; w->unreadable counts entries
 *     whose read faulted (skipped)
 *
 * The kernel half, from the linear map up: init_mm has no user mappings,
 * and below PAGE_OFFSET there are only modules (ARM) or holes (x86), none
 * mapped during boot. The tables are read without a lock, as in
 * ms_kva_to_phys(). Does nothing when init_mm is not resolvable.
 *
 * Context: process context; may sleep (cond_resched()).
 */
void ms_kva_walk_tables(struct ms_table_walk *w)
{
	unsigned long va = PAGE_OFFSET & PGDIR_MASK, next;
	pgd_t *pgd, pgdv;

	if (!init)
		return;
	memset(w->last_page, 0, sizeof(w->last_page));
	memset(w->last_entry, 0, sizeof(w->last_entry));
	w->unreadable = 0;
	do {
		next = pgd_addr_end(va, 0UL);
		pgd = pgd_offset_pgd(init->pgd, va);
		ms_table(pgd, 0, w);
		if (!ms_read_entry(pgdv, pgd))
			w->unreadable++;
		else if (!pgd_none(pgdv) && !pgd_bad(pgdv))
			ms_walk_p4d(pgd, &pgdv, va, next, w);
		cond_resched();
		va = next;
	} while (va);
}

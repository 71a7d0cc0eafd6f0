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

#include "ksym.h"
#include "reserved.h"

static phys_addr_t ms_walk(pgd_t *pgdir, unsigned long va, unsigned long *span)
{
	pgd_t *pgd = pgd_offset_pgd(pgdir, va);
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;
	pte_t *pte;

	if (pgd_none(*pgd) || pgd_bad(*pgd))
		return MS_NO_PHYS;
	p4d = p4d_offset(pgd, va);
	if (p4d_none(*p4d) || p4d_bad(*p4d))
		return MS_NO_PHYS;
	pud = pud_offset(p4d, va);
	if (pud_none(*pud))
		return MS_NO_PHYS;
#if CONFIG_PGTABLE_LEVELS > 2
	if (pud_leaf(*pud)) {
		*span = PUD_SIZE - (va & ~PUD_MASK);
		return PFN_PHYS(pud_pfn(*pud)) + (va & ~PUD_MASK);
	}
#endif
	if (pud_bad(*pud))
		return MS_NO_PHYS;
	pmd = pmd_offset(pud, va);
#if defined(CONFIG_ARM) && !defined(CONFIG_ARM_LPAE)
	/* Two 1 MiB hardware entries per Linux pmd; sections hold the address. */
	if (pmd_leaf(pmd[(va >> SECTION_SHIFT) & 1])) {
		pmdval_t v = pmd_val(pmd[(va >> SECTION_SHIFT) & 1]);

		*span = SECTION_SIZE - (va & ~SECTION_MASK);
		return (v & SECTION_MASK) + (va & ~SECTION_MASK);
	}
#else
	if (pmd_leaf(*pmd)) {
		*span = PMD_SIZE - (va & ~PMD_MASK);
		return PFN_PHYS(pmd_pfn(*pmd)) + (va & ~PMD_MASK);
	}
#endif
	if (pmd_none(*pmd) || pmd_bad(*pmd))
		return MS_NO_PHYS;
	pte = pte_offset_kernel(pmd, va);
	if (!pte_present(*pte))
		return MS_NO_PHYS;
	*span = PAGE_SIZE - offset_in_page(va);
	return PFN_PHYS(pte_pfn(*pte)) + offset_in_page(va);
}

static unsigned long text, end;
static struct mm_struct *init;

void ms_kva_init(void)
{
	text = ms_ksym("_text");
	end = ms_ksym("_end");
	init = (struct mm_struct *)ms_ksym("init_mm");
}

phys_addr_t ms_kva_to_phys(unsigned long va, unsigned long *span)
{
	*span = ULONG_MAX;
	if (text && end && va >= text && va < end) {
		*span = end - va;
		return __pa_symbol(va);
	}
	if (virt_addr_valid(va))
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

static void ms_walk_pmd(pud_t *pud, unsigned long va, unsigned long end,
			struct ms_table_walk *w)
{
	unsigned long next;
	pmd_t *pmd;

	do {
		next = pmd_addr_end(va, end);
		pmd = pmd_offset(pud, va);
		ms_table(pmd, 3, w);
		if (!pmd_none(*pmd) && !pmd_leaf(*pmd) && !pmd_bad(*pmd) &&
		    ms_new_entry(w, 3, pmd_val(*pmd)))
			ms_table(pte_offset_kernel(pmd, va), 4, w);
		va = next;
	} while (va != end);
}

static void ms_walk_pud(p4d_t *p4d, unsigned long va, unsigned long end,
			struct ms_table_walk *w)
{
	unsigned long next;
	pud_t *pud;

	do {
		next = pud_addr_end(va, end);
		pud = pud_offset(p4d, va);
		ms_table(pud, 2, w);
		if (!pud_none(*pud) && !pud_leaf(*pud) && !pud_bad(*pud) &&
		    ms_new_entry(w, 2, pud_val(*pud)))
			ms_walk_pmd(pud, va, next, w);
		cond_resched();
		va = next;
	} while (va != end);
}

static void ms_walk_p4d(pgd_t *pgd, unsigned long va, unsigned long end,
			struct ms_table_walk *w)
{
	unsigned long next;
	p4d_t *p4d;

	do {
		next = p4d_addr_end(va, end);
		p4d = p4d_offset(pgd, va);
		ms_table(p4d, 1, w);
		if (!p4d_none(*p4d) && !p4d_bad(*p4d) &&
		    ms_new_entry(w, 1, p4d_val(*p4d)))
			ms_walk_pud(p4d, va, next, w);
		va = next;
	} while (va != end);
}

/*
 * The kernel half, from the linear map up: init_mm has no user mappings,
 * and below PAGE_OFFSET there are only modules (ARM) or holes (x86), none
 * mapped during boot.
 */
void ms_kva_walk_tables(struct ms_table_walk *w)
{
	unsigned long va = PAGE_OFFSET & PGDIR_MASK, next;
	pgd_t *pgd;

	if (!init)
		return;
	memset(w->last_page, 0, sizeof(w->last_page));
	memset(w->last_entry, 0, sizeof(w->last_entry));
	do {
		next = pgd_addr_end(va, 0UL);
		pgd = pgd_offset_pgd(init->pgd, va);
		ms_table(pgd, 0, w);
		if (!pgd_none(*pgd) && !pgd_bad(*pgd))
			ms_walk_p4d(pgd, va, next, w);
		cond_resched();
		va = next;
	} while (va);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: kernel image section sizes, and the ranges the kernel frees
 * after it has printed its "Memory:" line.
 *
 * The section markers (_stext, __init_begin, ...) are not exported; they
 * come from compat/symbols.c or not at all. Sizes are computed the way
 * mem_init_print_info() does, including its adj_init_size() corrections
 * for sections nested in others.
 *
 * What was freed after the boot line is measured, not assumed: a freed
 * page has lost PG_reserved (free_reserved_page()), a page still reserved
 * has not, so counting the pages of each range that are no longer
 * reserved tells what the kernel gave back, whether or not it logged it.
 */
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/pfn.h>
#include <linux/sched.h>

#include "compat/symbols.h"
#include "reserved.h"

static const char *ms_sym_fill(unsigned long *dst, const char *name,
			       const char *missing)
{
	*dst = ms_ksym(name);
	return (!*dst && !missing) ? name : missing;
}

/* mem_init_print_info()'s adj_init_size(): drop @adj if @pos is nested. */
static void ms_adj(unsigned long start, unsigned long end, unsigned long *size,
		   unsigned long pos, unsigned long adj)
{
	if (start <= pos && pos < end && *size > adj)
		*size -= adj;
}

/**
 * ms_kimage_get() - the kernel image's section addresses and sizes
 * @k: filled in; k->ok is false, and k->missing names the first symbol
 *     that could not be resolved, when the sizes are unknown
 *
 * The sizes are computed as mem_init_print_info() computes them for the
 * boot line.
 *
 * Context: process context; takes no lock.
 */
void ms_kimage_get(struct ms_kimage *k)
{
	const char *miss = NULL;
	unsigned long init_code, init_data;

	miss = ms_sym_fill(&k->text, "_text", miss);
	miss = ms_sym_fill(&k->stext, "_stext", miss);
	miss = ms_sym_fill(&k->etext, "_etext", miss);
	miss = ms_sym_fill(&k->sdata, "_sdata", miss);
	miss = ms_sym_fill(&k->edata, "_edata", miss);
	miss = ms_sym_fill(&k->srodata, "__start_rodata", miss);
	miss = ms_sym_fill(&k->erodata, "__end_rodata", miss);
	miss = ms_sym_fill(&k->sbss, "__bss_start", miss);
	miss = ms_sym_fill(&k->ebss, "__bss_stop", miss);
	miss = ms_sym_fill(&k->sinit, "__init_begin", miss);
	miss = ms_sym_fill(&k->einit, "__init_end", miss);
	miss = ms_sym_fill(&k->sinittext, "_sinittext", miss);
	miss = ms_sym_fill(&k->einittext, "_einittext", miss);
	miss = ms_sym_fill(&k->end, "_end", miss);
	k->missing = miss;
	k->ok = !miss;
	if (!k->ok)
		return;

	k->code = k->etext - k->stext;
	k->rwdata = k->edata - k->sdata;
	k->rodata = k->erodata - k->srodata;
	k->bss = k->ebss - k->sbss;
	init_data = k->einit - k->sinit;
	init_code = k->einittext - k->sinittext;
	ms_adj(k->sinit, k->einit, &init_data, k->sinittext, init_code);
	ms_adj(k->stext, k->etext, &k->code, k->sinittext, init_code);
	ms_adj(k->sdata, k->edata, &k->rwdata, k->sinit, init_data);
	ms_adj(k->stext, k->etext, &k->code, k->srodata, k->rodata);
	ms_adj(k->sdata, k->edata, &k->rwdata, k->srodata, k->rodata);
	k->init = init_data + init_code;
}

/**
 * ms_pfn_state() - whether a page frame of RAM is reserved
 * @pfn: the page frame
 *
 * Pages outside RAM can have a struct page too, marked reserved (a
 * section only partly populated, holes): page_is_ram() leaves them out.
 *
 * Context: process context; takes no lock.
 * Return: 1 if @pfn is RAM with PG_reserved set, 0 if RAM without it, -1
 * if it is not RAM.
 */
int ms_pfn_state(unsigned long pfn)
{
	bool reserved;

	if (!pfn_valid(pfn))
		return -1;
	reserved = PageReserved(pfn_to_page(pfn));
	if (!page_is_ram(pfn))
		return -1;
	return reserved;
}

/**
 * ms_count_pages() - count the pages of RAM in a range, by PG_reserved
 * @start: the range's first byte
 * @end: the byte after it
 * @reserved: count the reserved pages (true) or the others (false)
 *
 * A page the range covers only in part counts too.
 *
 * Context: process context; may sleep (cond_resched()).
 * Return: the number of pages of RAM in [@start, @end) whose PG_reserved
 * is @reserved.
 */
unsigned long ms_count_pages(phys_addr_t start, phys_addr_t end, bool reserved)
{
	unsigned long pfn, n = 0;

	for (pfn = PHYS_PFN(start); pfn < PFN_UP(end); pfn++) {
		if (ms_pfn_state(pfn) == reserved)
			n++;
		if (!(pfn & 1023))
			cond_resched();
	}
	return n;
}

static void ms_freed_image(struct ms_freed *f, const char *name,
			   unsigned long start, unsigned long end)
{
	f->name = name;
	f->start = __pa_symbol(start);
	f->end = __pa_symbol(end);
	f->located = true;
	f->pages = ms_count_pages(f->start, f->end, false);
}

static void __maybe_unused ms_freed_syms(struct ms_freed *f, const char *name,
					 const char *start_sym,
					 const char *end_sym)
{
	unsigned long start = ms_ksym(start_sym), end = ms_ksym(end_sym);

	if (start && end) {
		ms_freed_image(f, name, start, end);
		return;
	}
	f->name = name;
	f->located = false;
	f->why = "its section symbols are not resolvable";
}

/**
 * ms_freed_ranges() - the ranges the kernel frees after its boot line
 * @k: the kernel image, as ms_kimage_get() found it
 * @f: MS_MAX_FREED entries; each range found is described in one, with
 *     the pages of it that are no longer PG_reserved, or why it could not
 *     be located
 *
 * Init memory, the initrd, and on x86 the gaps and sections its
 * architecture code frees.
 *
 * Context: process context; may sleep (cond_resched()).
 * Return: the number of entries of @f filled.
 */
int ms_freed_ranges(const struct ms_kimage *k, struct ms_freed *f)
{
	const char *src;
	int n = 0;

	if (k->ok) {
		/* free_initmem() on every architecture. */
		ms_freed_image(&f[n++], "init", k->sinit, k->einit);
#ifdef CONFIG_X86_64
		/* mark_rodata_ro(), arch/x86/mm/init_64.c */
		ms_freed_image(&f[n++], "text_rodata_gap", PFN_ALIGN(k->etext),
			       PFN_ALIGN(k->srodata));
		ms_freed_image(&f[n++], "rodata_data_gap", PFN_ALIGN(k->erodata),
			       k->sdata);
#endif
#ifdef CONFIG_X86
		/* alternative_instructions(), unless patched for UP */
		ms_freed_syms(&f[n++], "smp_alternatives", "__smp_locks",
			      "__smp_locks_end");
#endif
#ifdef CONFIG_AMD_MEM_ENCRYPT
		/* mem_encrypt_free_decrypted_mem(), from free_initmem() */
		ms_freed_syms(&f[n++], "unused_decrypted",
			      "__start_bss_decrypted_unused", "__end_bss_decrypted");
#endif
	} else {
		f[n].name = "init";
		f[n].located = false;
		f[n++].why = "kernel section symbols not resolvable";
	}

	f[n].name = "initrd";
	switch (ms_initrd_range(&f[n].start, &f[n].end, &src)) {
	case 1:
		f[n].located = true;
		f[n].pages = ms_count_pages(f[n].start, f[n].end, false);
		break;
	case 0:		/* none given: nothing to free */
		f[n].located = true;
		f[n].start = 0;
		f[n].end = 0;
		f[n].pages = 0;
		break;
	default:
		f[n].located = false;
		f[n].why = src;
	}
	return n + 1;
}

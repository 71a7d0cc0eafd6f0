// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: debugfs "reserved", where the RAM went.
 *
 * Recomputes the kernel's "Memory: ...K/...K available (...)" boot line
 * from runtime state, shows the logged one beside it and flags every
 * difference, then reconciles the boot-time "reserved" figure with what is
 * reserved now and says who holds it. The reasoning behind each figure is
 * in Documentation/memscope.rst. Only physical addresses are printed.
 *
 * Boot-time reserved, from now: the boot line has
 *	reserved0 = physpages - totalram0 - totalcma0
 * and since then totalram grew by what was freed (F: init memory, initrd,
 * ...) and by the CMA pages activated to the buddy allocator (all of
 * totalcma when activation succeeds), so
 *	reserved0 = physpages - totalram_now + F.
 * Anything else that moved pages in or out of totalram after boot shows up
 * as the unexplained remainder against the logged line.
 */
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "compat/symbols.h"
#include "memscope.h"
#include "reserved.h"
#include "views.h"

#define MS_K(pages) ((pages) << (PAGE_SHIFT - 10))
#define MS_UNKNOWN ULONG_MAX

static const char * const ms_bl_names[MS_BL_N] = {
	"available", "total", "kernel code", "rwdata", "rodata", "init", "bss",
	"reserved", "cma-reserved", "highmem",
};

struct ms_state {
	unsigned long physpages, totalram, reserved_now, cma, high;
	unsigned long freed;		/* MS_UNKNOWN if a range is unknown */
	unsigned long computed[MS_BL_N];	/* KiB, MS_UNKNOWN if not */
	int nfreed;
	struct ms_freed f[MS_MAX_FREED];
	struct ms_kimage k;
	struct ms_boot_line bl;
	struct ms_owners owners;
};

static unsigned long ms_zone_cma(struct zone *zone)
{
#ifdef CONFIG_CMA
	return zone->cma_pages;
#else
	return 0;
#endif
}

static void ms_collect(struct ms_state *s)
{
	struct zone *zone;
	unsigned long *c = s->computed;
	int nid, i;

	for_each_online_node(nid)
		s->physpages += node_present_pages(nid);
	s->totalram = totalram_pages();
	s->reserved_now = s->physpages - s->totalram;
	for (zone = ms_first_zone(); zone; zone = ms_next_zone(zone))
		s->cma += ms_zone_cma(zone);
#ifdef CONFIG_HIGHMEM
	s->high = totalhigh_pages();
#endif
	ms_kimage_get(&s->k);
	s->nfreed = ms_freed_ranges(&s->k, s->f);
	for (i = 0; i < s->nfreed; i++) {
		if (!s->f[i].located) {
			s->freed = MS_UNKNOWN;
			break;
		}
		s->freed += s->f[i].pages;
	}
	ms_boot_line_get(&s->bl);

	/* "available" was nr_free_pages() at that instant: only the log has it. */
	c[MS_BL_AVAIL] = s->bl.found ? s->bl.k[MS_BL_AVAIL] : MS_UNKNOWN;
	c[MS_BL_TOTAL] = MS_K(s->physpages);
	c[MS_BL_CODE] = s->k.ok ? s->k.code / SZ_1K : MS_UNKNOWN;
	c[MS_BL_RW] = s->k.ok ? s->k.rwdata / SZ_1K : MS_UNKNOWN;
	c[MS_BL_RO] = s->k.ok ? s->k.rodata / SZ_1K : MS_UNKNOWN;
	c[MS_BL_INIT] = s->k.ok ? s->k.init / SZ_1K : MS_UNKNOWN;
	c[MS_BL_BSS] = s->k.ok ? s->k.bss / SZ_1K : MS_UNKNOWN;
	c[MS_BL_RES] = s->freed == MS_UNKNOWN ? MS_UNKNOWN :
		       MS_K(s->reserved_now + s->freed);
	c[MS_BL_CMA] = MS_K(s->cma);
	c[MS_BL_HIGH] = MS_K(s->high);
	ms_owners_find(&s->owners, &s->k);
}

static void ms_seq_k(struct seq_file *m, unsigned long k)
{
	if (k == MS_UNKNOWN)
		seq_puts(m, "?K");
	else
		seq_printf(m, "%luK", k);
}

static void ms_show_line(struct seq_file *m, const struct ms_state *s)
{
	const unsigned long *c = s->computed;
	bool high = IS_ENABLED(CONFIG_HIGHMEM);
	int i, ndiff = 0;

	seq_puts(m, "[boot line]\n");
	seq_puts(m, "# computed: every figure but \"available\" from runtime state; logged: the kernel's own line\n");
	seq_puts(m, "  computed  Memory: ");
	ms_seq_k(m, c[MS_BL_AVAIL]);
	seq_putc(m, '/');
	ms_seq_k(m, c[MS_BL_TOTAL]);
	seq_puts(m, " available (");
	for (i = MS_BL_CODE; i < MS_BL_N; i++) {
		if (i == MS_BL_HIGH && !high)
			break;
		if (i > MS_BL_CODE)
			seq_puts(m, ", ");
		ms_seq_k(m, c[i]);
		seq_printf(m, " %s", ms_bl_names[i]);
	}
	seq_puts(m, ")\n");
	if (!s->bl.found) {
		seq_puts(m, "  logged    ? (no \"Memory:\" line in the printk buffer: cleared or wrapped)\n");
		seq_puts(m, "  differs   ?\n");
		return;
	}
	seq_printf(m, "  logged    %s\n", s->bl.text);
	seq_puts(m, "  differs  ");
	for (i = MS_BL_TOTAL; i < MS_BL_N; i++) {
		if (i == MS_BL_HIGH && !s->bl.has_highmem)
			break;
		if (c[i] == s->bl.k[i])
			continue;
		ndiff++;
		seq_printf(m, " %s(computed ", ms_bl_names[i]);
		ms_seq_k(m, c[i]);
		seq_printf(m, " logged %luK)", s->bl.k[i]);
	}
	seq_puts(m, ndiff ? "\n" : " none\n");
}

static void ms_row(struct seq_file *m, const char *key, unsigned long pages)
{
	if (pages == MS_UNKNOWN)
		seq_printf(m, "  %-28s %10s %10s\n", key, "?", "?");
	else
		seq_printf(m, "  %-28s %10lu %10lu\n", key, pages, MS_K(pages));
}

static void ms_show_totals(struct seq_file *m, const struct ms_state *s)
{
	seq_puts(m, "[totals]\n");
	seq_printf(m, "# %-28s %10s %10s\n", "now", "pages", "KiB");
	ms_row(m, "physical", s->physpages);
	ms_row(m, "memtotal", s->totalram);
	ms_row(m, "reserved_now", s->reserved_now);
	ms_row(m, "cma", s->cma);
#ifdef CONFIG_HIGHMEM
	ms_row(m, "highmem", s->high);
#endif
}

static void ms_show_reconciliation(struct seq_file *m, const struct ms_state *s)
{
	const struct ms_freed *f;
	unsigned long logged = MS_UNKNOWN, computed = MS_UNKNOWN;
	char key[32];
	int i;

	seq_puts(m, "[reconciliation]\n");
	seq_puts(m, "# reserved at boot = reserved now + what was freed after the boot line\n");
	seq_printf(m, "# %-28s %10s %10s\n", "", "pages", "KiB");
	if (s->bl.found)
		logged = s->bl.k[MS_BL_RES] >> (PAGE_SHIFT - 10);
	ms_row(m, "reserved_at_boot_logged", logged);
	for (i = 0; i < s->nfreed; i++) {
		f = &s->f[i];
		snprintf(key, sizeof(key), "freed_%s", f->name);
		ms_row(m, key, f->located ? f->pages : MS_UNKNOWN);
	}
	ms_row(m, "reserved_now", s->reserved_now);
	if (s->freed != MS_UNKNOWN)
		computed = s->reserved_now + s->freed;
	ms_row(m, "reserved_at_boot_computed", computed);
	if (logged == MS_UNKNOWN || computed == MS_UNKNOWN)
		seq_printf(m, "  %-28s %10s %10s\n", "unexplained", "?", "?");
	else
		seq_printf(m, "  %-28s %10ld %10ld\n", "unexplained",
			   (long)(logged - computed),
			   (long)(logged - computed) * (long)(PAGE_SIZE / SZ_1K));
	for (i = 0; i < s->nfreed; i++) {
		f = &s->f[i];
		if (!f->located)
			seq_printf(m, "# freed_%s: ? (%s)\n", f->name, f->why);
		else if (f->end > f->start)
			seq_printf(m, "# freed_%s: %pa-%pa, %lu of %lu pages no longer reserved\n",
				   f->name, &f->start, &(phys_addr_t){ f->end - 1 },
				   f->pages,
				   ms_count_pages(f->start, f->end, false) +
				   ms_count_pages(f->start, f->end, true));
	}
}

static void ms_show_image(struct seq_file *m, const struct ms_kimage *k)
{
	static const char * const names[] = { "code", "rwdata", "rodata", "init", "bss" };
	const unsigned long sizes[] = { k->code, k->rwdata, k->rodata, k->init, k->bss };
	phys_addr_t s, e;
	int i;

	seq_puts(m, "[kernel image]\n");
	if (!k->ok) {
		seq_printf(m, "# ? (%s not resolvable: see symbols above)\n", k->missing);
		return;
	}
	seq_puts(m, "# sizes as the boot line computes them\n");
	seq_printf(m, "# %-28s %10s %10s\n", "section", "bytes", "KiB");
	for (i = 0; i < ARRAY_SIZE(names); i++)
		seq_printf(m, "  %-28s %10lu %10lu\n", names[i], sizes[i],
			   sizes[i] / SZ_1K);
	s = __pa_symbol(k->text);
	e = __pa_symbol(k->end) - 1;
	seq_printf(m, "  %-28s %10lu %10lu  %pa-%pa\n", "image (_text.._end)",
		   k->end - k->text, (k->end - k->text) / SZ_1K, &s, &e);
}

static void ms_show_memmap(struct seq_file *m)
{
	unsigned long pages = 0;
	int nid;

	seq_puts(m, "[memmap]\n");
	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);
#ifdef CONFIG_FLATMEM
		pages += ALIGN(pgdat_end_pfn(pgdat), MS_MAX_ORDER_NR_PAGES) -
			 (pgdat->node_start_pfn & ~(MS_MAX_ORDER_NR_PAGES - 1));
#else
		unsigned long pfn;

		for (pfn = pgdat->node_start_pfn & PAGE_SECTION_MASK;
		     pfn < pgdat_end_pfn(pgdat); pfn += PAGES_PER_SECTION)
			if (valid_section_nr(pfn_to_section_nr(pfn)))
				pages += PAGES_PER_SECTION;
#endif
	}
#ifdef CONFIG_FLATMEM
	seq_puts(m, "# FLATMEM: one struct page per page frame of each node's span, MAX_ORDER-aligned;\n");
	seq_puts(m, "# the part describing holes may be given back at boot (see [reserved now by owner])\n");
#else
	seq_printf(m, "# SPARSEMEM: one struct page per page frame of each present section (%lu pages)\n",
		   PAGES_PER_SECTION);
#endif
	seq_printf(m, "  %-28s %10zu\n", "struct_page_bytes", sizeof(struct page));
	seq_printf(m, "  %-28s %10lu\n", "pages_described", pages);
	seq_printf(m, "  %-28s %10lu %10lu\n", "memmap_bytes",
		   pages * sizeof(struct page), pages * sizeof(struct page) / SZ_1K);
}

static void ms_show_zones(struct seq_file *m)
{
	unsigned long sp = 0, pr = 0, ma = 0, cma = 0;
	struct zone *zone;
	phys_addr_t s, e;

	seq_puts(m, "[zones]\n");
	seq_printf(m, "# %-4s %-8s %-*s %9s %9s %9s %9s %9s\n", "node", "zone",
		   (int)(2 * (2 + 2 * sizeof(phys_addr_t)) + 1), "range",
		   "spanned", "present", "managed", "reserved", "cma");
	for (zone = ms_first_zone(); zone; zone = ms_next_zone(zone)) {
		unsigned long managed = zone_managed_pages(zone);

		s = PFN_PHYS(zone->zone_start_pfn);
		e = PFN_PHYS(zone_end_pfn(zone)) - 1;
		seq_printf(m, "  %-4d %-8s %pa-%pa %9lu %9lu %9lu %9lu %9lu\n",
			   zone_to_nid(zone), zone->name, &s, &e,
			   zone->spanned_pages, zone->present_pages, managed,
			   zone->present_pages - managed, ms_zone_cma(zone));
		sp += zone->spanned_pages;
		pr += zone->present_pages;
		ma += managed;
		cma += ms_zone_cma(zone);
	}
	seq_printf(m, "  %-4s %-8s %-*s %9lu %9lu %9lu %9lu %9lu\n", "sum", "",
		   (int)(2 * (2 + 2 * sizeof(phys_addr_t)) + 1), "",
		   sp, pr, ma, pr - ma, cma);
}

/**
 * ms_reserved_show() - print the "reserved" view
 * @m: the seq_file of views.c's open
 * @unused: not used
 *
 * Description:
 * Reserved boot memory by owner, reconciled with the kernel's Memory: line.
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int ms_reserved_show(struct seq_file *m, void *unused)
{
	struct ms_state *s = kvzalloc(sizeof(*s), GFP_KERNEL);
	unsigned int i;

	if (!s)
		return -ENOMEM;
	ms_collect(s);
	seq_puts(m, "# memscope reserved: where the RAM went\n");
	seq_printf(m, "# page_size %lu; every address is physical\n", PAGE_SIZE);
	ms_ksym_describe(m);
	ms_show_line(m, s);
	ms_show_totals(m, s);
	ms_show_reconciliation(m, s);
	ms_show_image(m, &s->k);
	ms_show_memmap(m);
	ms_show_zones(m);
	ms_show_owner_pages(m, &s->owners, s->reserved_now);
	for (i = 0; i < s->owners.nnotes; i++)
		seq_printf(m, "# not looked for: %s\n", s->owners.note[i]);
	if (s->owners.truncated)
		seq_puts(m, "# owner table full: some ranges are left unattributed\n");
	ms_show_owner_ranges(m, &s->owners);
	ms_show_unattributed(m, &s->owners);
	ms_show_memblock(m, &s->owners);
	kvfree(s);
	return 0;
}

/**
 * ms_reserved_prepare() - find the symbols and keep the boot line
 *
 * Description:
 * Sets up the symbol sources (ms_ksym_init()) and the address lookups
 * (ms_kva_init()), and reads the kernel's "Memory:" line from the printk
 * buffer now, before a "dmesg -C" or a wrap of the buffer loses it.
 *
 * Context: process context (module init); may sleep. Takes
 * ms_boot_line_lock.
 * Return: always 0: a missing symbol or boot line only leaves "?" in the
 * view.
 */
int ms_reserved_prepare(void)
{
	struct ms_boot_line bl;

	ms_ksym_init();
	ms_kva_init();
	/* Keep the boot line now, before a "dmesg -C" or a wrap loses it. */
	ms_boot_line_get(&bl);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: reserved memory split by owner, two ways.
 *
 * By page state, on every kernel: a page that never reached the page
 * allocator still has PG_reserved, so the reserved pages inside each
 * owner's ranges are that owner's share of "reserved now".
 *
 * By memblock region, where the architecture keeps memblock after boot
 * (CONFIG_ARCH_KEEP_MEMBLOCK): struct memblock is public but not exported;
 * its regions are copied from the address compat/symbols.c finds. No lock exists
 * (debugfs memblock/ reads them without one too): the copy is made
 * fault-tolerant and checked, see ms_copy_regions(). The regions record
 * what was reserved during boot, including what was freed since (initrd on
 * ARM, CMA areas).
 */
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/pfn.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat/symbols.h"
#include "memscope.h"
#include "reserved.h"

#define MS_K(pages) ((pages) << (PAGE_SHIFT - 10))

/**
 * ms_show_owner_pages() - print each owner's share of the reserved pages
 * @m: the reserved view being shown
 * @o: the owners and their pieces
 * @reserved_now: pages of RAM reserved now (present minus totalram)
 *
 * Counts the pages still PG_reserved in each owner's pieces (a page two
 * owners share counts for the first) and prints them with the rest as
 * unattributed.
 *
 * Context: process context; may sleep (allocation, cond_resched()).
 * Return: the pages attributed to an owner, or 0 with nothing printed
 * when the counters cannot be allocated.
 */
unsigned long ms_show_owner_pages(struct seq_file *m, const struct ms_owners *o,
				  unsigned long reserved_now)
{
	unsigned long *count, pfn, last = ULONG_MAX, sum = 0;
	unsigned int i;

	count = kcalloc(MS_MAX_OWNERS, sizeof(*count), GFP_KERNEL);
	if (!count)
		return 0;
	/* Pieces are sorted: a page shared by two owners counts for the first. */
	for (i = 0; i < o->npieces; i++) {
		const struct ms_piece *p = &o->piece[i];

		for (pfn = PHYS_PFN(p->start); pfn < PFN_UP(p->end); pfn++) {
			if (last != ULONG_MAX && pfn <= last)
				continue;
			last = pfn;
			if (ms_pfn_state(pfn) == 1)
				count[p->owner]++;
			if (!(pfn & 1023))
				cond_resched();
		}
	}
	seq_puts(m, "[reserved now by owner]\n");
	seq_puts(m, "# owner's ranges, pages still PG_reserved\n");
	seq_printf(m, "# %-38s %10s %10s\n", "owner", "pages", "KiB");
	for (i = 0; i < o->nowners; i++) {
		seq_printf(m, "  %-38s %10lu %10lu\n", o->name[i], count[i],
			   MS_K(count[i]));
		sum += count[i];
	}
	seq_printf(m, "  %-38s %10lu %10lu\n", "attributed", sum, MS_K(sum));
	if (sum <= reserved_now)
		seq_printf(m, "  %-38s %10lu %10lu\n", "unattributed",
			   reserved_now - sum, MS_K(reserved_now - sum));
	else
		seq_printf(m, "  %-38s %10s %10s  (owners hold more than reserved_now)\n",
			   "unattributed", "?", "?");
	seq_printf(m, "  %-38s %10lu %10lu\n", "total (reserved_now)",
		   reserved_now, MS_K(reserved_now));
	kfree(count);
	return sum;
}

#define MS_MAX_RUNS 64

static void ms_run_end(struct seq_file *m, unsigned long start,
		       unsigned long end, unsigned int *runs)
{
	phys_addr_t s = PFN_PHYS(start), e = PFN_PHYS(end) - 1;

	if (++*runs <= MS_MAX_RUNS)
		seq_printf(m, "  %pa-%pa %12lu\n", &s, &e, end - start);
}

/**
 * ms_show_unattributed() - print the reserved RAM no owner's range covers
 * @m: the reserved view being shown
 * @o: the owners and their pieces
 *
 * Walks every page frame of every populated zone and prints the reserved
 * pages of RAM outside @o's pieces as runs of page frames (the first
 * MS_MAX_RUNS of them), then their total.
 *
 * Context: process context; may sleep (cond_resched()).
 */
void ms_show_unattributed(struct seq_file *m, const struct ms_owners *o)
{
	unsigned long pfn, run = 0, pages = 0, end;
	unsigned int piece = 0, runs = 0;
	struct zone *zone;
	bool in_run = false;

	seq_puts(m, "[unattributed ranges]\n");
	seq_puts(m, "# reserved pages of RAM outside every owner's ranges; physical, end inclusive\n");
	seq_printf(m, "# %-*s %12s\n", (int)(2 * (2 + 2 * sizeof(phys_addr_t)) + 1),
		   "range", "pages");
	for (zone = ms_first_zone(); zone; zone = ms_next_zone(zone)) {
		end = zone_end_pfn(zone);
		for (pfn = zone->zone_start_pfn; pfn < end; pfn++) {
			bool owned, hit;

			while (piece < o->npieces && PFN_UP(o->piece[piece].end) <= pfn)
				piece++;
			owned = piece < o->npieces &&
				PHYS_PFN(o->piece[piece].start) <= pfn;
			hit = !owned && pfn_valid(pfn) &&
			      PageReserved(pfn_to_page(pfn)) && page_is_ram(pfn);
			if (hit && !in_run)
				run = pfn;
			if (!hit && in_run)
				ms_run_end(m, run, pfn, &runs);
			in_run = hit;
			pages += hit;
			if (!(pfn & 1023))
				cond_resched();
		}
		if (in_run)
			ms_run_end(m, run, end, &runs);
		in_run = false;
	}
	if (runs > MS_MAX_RUNS)
		seq_printf(m, "# ... %u more run(s) not shown\n", runs - MS_MAX_RUNS);
	seq_printf(m, "  %-*s %12lu\n", (int)(2 * (2 + 2 * sizeof(phys_addr_t)) + 1),
		   "unattributed_pages", pages);
}

/**
 * ms_show_owner_ranges() - print every located piece of every owner
 * @m: the reserved view being shown
 * @o: the owners and their pieces
 *
 * Context: process context; takes no lock.
 */
void ms_show_owner_ranges(struct seq_file *m, const struct ms_owners *o)
{
	phys_addr_t last;
	unsigned int i;

	seq_puts(m, "[owner ranges]\n");
	seq_puts(m, "# where each owner was found; ranges are physical, end inclusive\n");
	for (i = 0; i < o->npieces; i++) {
		last = o->piece[i].end - 1;
		seq_printf(m, "  %pa-%pa %12llu  %s\n", &o->piece[i].start, &last,
			   (u64)(o->piece[i].end - o->piece[i].start),
			   o->name[o->piece[i].owner]);
	}
}

#ifdef CONFIG_ARCH_KEEP_MEMBLOCK
struct ms_regions {
	unsigned long n;
	struct memblock_region *r;
};

/*
 * More regions than any memblock has: a count above it was not read from a
 * live array (memblock doubles its arrays from 128 entries as it needs).
 */
#define MS_MB_MAX_REGIONS 65536UL

/*
 * What a consistent copy looks like: within the array's size, sorted by
 * base, not overlapping, no region wrapping past the top of the physical
 * address space. memblock keeps one empty dummy region in an empty type.
 */
static bool ms_regions_valid(const struct ms_regions *c)
{
	phys_addr_t prev_end = 0;
	unsigned long i;

	if (c->n == 1 && !c->r[0].size)
		return true;
	for (i = 0; i < c->n; i++) {
		const struct memblock_region *r = &c->r[i];

		if (!r->size || r->base + r->size - 1 < r->base)
			return false;
		if (i && r->base < prev_end)
			return false;
		prev_end = r->base + r->size;
	}
	return true;
}

/*
 * memblock's arrays are not locked, and after boot can still be doubled
 * (the old array freed) or discarded: the type and its array are read
 * with copy_from_kernel_nofault(), the type again after the copy. A copy
 * is kept only if the type did not change meanwhile and it is valid.
 */
static int ms_copy_regions(const struct memblock_type *t, struct ms_regions *c)
{
	struct memblock_type a, b;
	unsigned int tries;

	for (tries = 0; tries < 3; tries++) {
		if (copy_from_kernel_nofault(&a, t, sizeof(a)))
			return -EFAULT;
		if (!a.cnt || a.cnt > a.max || a.max > MS_MB_MAX_REGIONS || !a.regions)
			return -EINVAL;
		c->r = kmalloc_array(a.cnt, sizeof(*c->r), GFP_KERNEL);
		if (!c->r)
			return -ENOMEM;
		c->n = a.cnt;
		if (!copy_from_kernel_nofault(c->r, a.regions, a.cnt * sizeof(*c->r)) &&
		    !copy_from_kernel_nofault(&b, t, sizeof(b)) &&
		    a.cnt == b.cnt && a.regions == b.regions) {
			if (ms_regions_valid(c))
				return 0;
		}
		kfree(c->r);
		c->r = NULL;
		c->n = 0;
	}
	return -EAGAIN;
}

/* Bytes of [start, end) that lie in memblock.memory. */
static phys_addr_t ms_in_ram(const struct ms_regions *mem, phys_addr_t start,
			     phys_addr_t end)
{
	phys_addr_t sum = 0, s, e;
	unsigned long i;

	for (i = 0; i < mem->n; i++) {
		s = max(start, mem->r[i].base);
		e = min(end, mem->r[i].base + mem->r[i].size);
		if (s < e)
			sum += e - s;
	}
	return sum;
}

struct ms_mb_sums {
	phys_addr_t all, in_ram, attributed;
	unsigned long pages, last_pfn;
	bool any_pfn;
};

/* Whole pages touched by the in-RAM part of [start, end), once each. */
static void ms_count_ram_pages(const struct ms_regions *mem, phys_addr_t start,
			       phys_addr_t end, struct ms_mb_sums *t)
{
	unsigned long i, pfn;
	phys_addr_t s, e;

	for (i = 0; i < mem->n; i++) {
		s = max(start, mem->r[i].base);
		e = min(end, mem->r[i].base + mem->r[i].size);
		for (pfn = PHYS_PFN(s); s < e && pfn < PFN_UP(e); pfn++) {
			if (t->any_pfn && pfn <= t->last_pfn)
				continue;
			t->any_pfn = true;
			t->last_pfn = pfn;
			t->pages++;
		}
	}
}

static void ms_row(struct seq_file *m, unsigned long idx, phys_addr_t s,
		   phys_addr_t e, const char *owner, phys_addr_t in_ram)
{
	phys_addr_t last = e - 1;

	seq_printf(m, "  %4lu  %pa-%pa %12llu  %s%s\n", idx, &s, &last,
		   (u64)(e - s), owner,
		   !in_ram ? " (outside RAM)" : in_ram < e - s ? " (partly outside RAM)" : "");
}

static void ms_region(struct seq_file *m, const struct ms_owners *o,
		      const struct ms_regions *mem, unsigned long idx,
		      phys_addr_t start, phys_addr_t end, struct ms_mb_sums *t)
{
	phys_addr_t cur = start, s, e;
	unsigned int i;

	for (i = 0; i < o->npieces && cur < end; i++) {
		const struct ms_piece *p = &o->piece[i];

		if (p->end <= cur)
			continue;
		if (p->start >= end)
			break;
		if (p->start > cur)
			ms_row(m, idx, cur, p->start, "unattributed",
			       ms_in_ram(mem, cur, p->start));
		s = max(cur, p->start);
		e = min(end, p->end);
		ms_row(m, idx, s, e, o->name[p->owner], ms_in_ram(mem, s, e));
		t->attributed += ms_in_ram(mem, s, e);
		cur = e;
	}
	if (cur < end)
		ms_row(m, idx, cur, end, "unattributed", ms_in_ram(mem, cur, end));
	t->all += end - start;
	t->in_ram += ms_in_ram(mem, start, end);
	ms_count_ram_pages(mem, start, end, t);
}

/**
 * ms_show_memblock() - print memblock.reserved region by region, by owner
 * @m: the reserved view being shown
 * @o: the owners and their pieces
 *
 * The regions are copied without a lock (memblock has none), each array
 * read with copy_from_kernel_nofault() and the copy checked, see
 * ms_copy_regions(); a copy that fails prints a note instead.
 *
 * Context: process context; may sleep (allocation).
 */
void ms_show_memblock(struct seq_file *m, const struct ms_owners *o)
{
	struct memblock *mb = (struct memblock *)ms_ksym("memblock");
	struct ms_regions mem = {}, res = {};
	struct ms_mb_sums t = {};
	unsigned long i;

	seq_puts(m, "[memblock reserved]\n");
	if (!mb) {
		seq_puts(m, "# memblock is kept after boot here, but its address is not resolvable (see symbols above)\n");
		return;
	}
	if (ms_copy_regions(&mb->memory, &mem) || ms_copy_regions(&mb->reserved, &res)) {
		seq_puts(m, "# memblock regions could not be copied\n");
		goto out;
	}
	seq_printf(m, "# kept after boot (CONFIG_ARCH_KEEP_MEMBLOCK): %lu memory region(s), %lu reserved region(s)\n",
		   mem.n, res.n);
	seq_puts(m, "# regions as reserved during boot, split by owner; ranges are physical, end inclusive\n");
	seq_printf(m, "# %4s  %-*s %12s  %s\n", "idx",
		   (int)(2 * (2 + 2 * sizeof(phys_addr_t)) + 1), "range", "bytes",
		   "owner");
	for (i = 0; i < res.n; i++)
		ms_region(m, o, &mem, i, res.r[i].base,
			  res.r[i].base + res.r[i].size, &t);
	seq_printf(m, "  memblock_reserved_bytes          %llu\n", (u64)t.all);
	seq_printf(m, "  memblock_reserved_in_ram_bytes   %llu\n", (u64)t.in_ram);
	seq_printf(m, "  memblock_attributed_bytes        %llu\n", (u64)t.attributed);
	seq_printf(m, "  memblock_unattributed_bytes      %llu\n",
		   (u64)(t.in_ram - t.attributed));
	seq_printf(m, "  memblock_reserved_pages          %lu\n", t.pages);
out:
	kfree(mem.r);
	kfree(res.r);
}
#else
/**
 * ms_show_memblock() - say that memblock.reserved cannot be listed
 * @m: the reserved view being shown
 * @o: unused: without CONFIG_ARCH_KEEP_MEMBLOCK memblock is discarded
 *     after boot
 *
 * Context: process context; takes no lock.
 */
void ms_show_memblock(struct seq_file *m, const struct ms_owners *o)
{
	seq_puts(m, "[memblock reserved]\n");
	seq_puts(m, "# memblock is discarded after boot on this kernel (no CONFIG_ARCH_KEEP_MEMBLOCK):\n");
	seq_puts(m, "# the regions reserved at boot cannot be listed; see [reserved now by owner]\n");
}
#endif

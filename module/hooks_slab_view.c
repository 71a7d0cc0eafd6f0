// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: debugfs "slab", the counters of hooks_slab.c per cache, per
 * kmalloc size class and per allocation call site, since load and since
 * the mark (set through the "mark" file, views.c; the view is read-only).
 *
 * Rows: "cache ...", "kmalloc ..." and "site ...", each block after a "#"
 * line naming its columns. Call sites are printed with %pS (symbol+offset)
 * and never as raw addresses: one without a symbol is shown as "?".
 * Mode 0400: call sites name kernel and module functions.
 *
 * Locks: ms_sv_lock, then ms_hooks_lock (ms_hooks_seq_status(), while the
 * view is shown); never the other way. The mark takes ms_sv_lock alone.
 */
#include <linux/fs.h>
#include <linux/kallsyms.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "hooks.h"
#include "hooks_internal.h"
#include "views.h"

/* Reader-side rows, allocated at load: a read allocates nothing. */
#define MS_SLAB_ROWS 1024
#define MS_SLAB_SITE_ROWS 1024
/* Call sites listed. */
#define MS_SLAB_TOP 16

static DEFINE_MUTEX(ms_sv_lock);
static struct ms_cache_row *ms_sv_rows;
static unsigned int ms_sv_nrows;
static struct ms_site_row *ms_sv_sites;
static struct ms_slab_sums *ms_sv_now, *ms_sv_mark;
static u64 ms_sv_mark_ns;
static char ms_sv_sym[KSYM_SYMBOL_LEN];

static int ms_cache_row_cmp(const void *a, const void *b)
{
	const struct ms_cache_row *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->objsize < y->objsize ? -1 : x->objsize > y->objsize;
}

static int ms_site_row_cmp(const void *a, const void *b)
{
	const struct ms_site_row *x = a, *y = b;

	return x->allocs > y->allocs ? -1 : x->allocs < y->allocs;
}

static s64 ms_live_mark(const struct ms_cache_row *r)
{
	return (s64)((r->allocs - r->mark_allocs) - (r->frees - r->mark_frees));
}

/* A cache's name as one column of at least 24 characters. */
static void ms_seq_cache_name(struct seq_file *m, const struct ms_cache_row *r)
{
	char name[MS_CACHE_NAME_LEN + 2];
	char *c;

	if (!r->name[0]) {
		/* No name without mm/slab.h: %p hashes the pointer. */
		snprintf(name, sizeof(name), "@%p", r->key);
	} else {
		strscpy(name, r->name, sizeof(name));
		/* A name with a space would split the column. */
		for (c = name; *c; c++)
			if (*c == ' ')
				*c = '_';
	}
	seq_printf(m, "%-24s", name);
}

static void ms_seq_kclass_name(struct seq_file *m, unsigned int k)
{
	size_t b = ms_kclass_bytes(k);
	char name[32];

	snprintf(name, sizeof(name),
		 b > KMALLOC_MAX_CACHE_SIZE ? "kmalloc-large-%zu" : "kmalloc-%zu", b);
	seq_printf(m, "%-24s", name);
}

static u64 ms_per_sec(u64 n, u64 ns)
{
	u64 ms = div_u64(ns, NSEC_PER_MSEC);

	return ms ? div64_u64(n * MSEC_PER_SEC, ms) : 0;
}

static void ms_slab_caches(struct seq_file *m, u64 since_mark_ns)
{
	unsigned int i;

	seq_puts(m, "#\n# cache: objects allocated (kmem_cache_alloc) and freed (kmem_cache_free,\n"
		    "#   or kfree of such an object) per cache; kmalloc is in the kmalloc rows;\n"
		    "#   live = allocs - frees (negative when objects allocated before load\n"
		    "#   are freed), live_bytes = live * objsize; rate: allocations per second\n"
		    "#   since the mark\n");
	seq_printf(m, "# %-5s %-24s %7s %12s %12s %10s %12s %12s %12s %10s %10s\n",
		   "cache", "name", "objsize", "allocs", "frees", "live", "live_bytes",
		   "allocs_mark", "frees_mark", "live_mark", "rate_mark");
	sort(ms_sv_rows, ms_sv_nrows, sizeof(*ms_sv_rows), ms_cache_row_cmp, NULL);
	for (i = 0; i < ms_sv_nrows; i++) {
		const struct ms_cache_row *r = &ms_sv_rows[i];
		s64 live = (s64)(r->allocs - r->frees);

		seq_printf(m, "%-7s ", "cache");
		ms_seq_cache_name(m, r);
		seq_printf(m, " %7u %12llu %12llu %10lld %12lld %12llu %12llu %10lld %10llu\n",
			   r->objsize, r->allocs, r->frees, live, live * r->objsize,
			   r->allocs - r->mark_allocs, r->frees - r->mark_frees,
			   ms_live_mark(r),
			   ms_per_sec(r->allocs - r->mark_allocs, since_mark_ns));
	}
}

static void ms_slab_kclasses(struct seq_file *m)
{
	const struct ms_slab_sums *a = ms_sv_now, *b = ms_sv_mark;
	unsigned int k;

	seq_printf(m, "#\n# kmalloc: kmalloc and kfree per size class (the bytes the allocator\n"
		      "#   hands out); classes above %lu bytes come from the page allocator;\n"
		      "#   live_bytes = live * class_bytes; fails: kmalloc returned NULL\n",
		   (unsigned long)KMALLOC_MAX_CACHE_SIZE);
	seq_printf(m, "# %-5s %11s %12s %12s %10s %14s %8s %12s %12s %10s\n", "kmalloc",
		   "class_bytes", "allocs", "frees", "live", "live_bytes", "fails",
		   "allocs_mark", "frees_mark", "live_mark");
	for (k = 0; k < MS_KCLASSES; k++) {
		const struct ms_kclass_stats *x = &a->kc[k], *y = &b->kc[k];
		s64 live = (s64)(x->allocs - x->frees);

		if (!x->allocs && !x->frees && !x->fails)
			continue;
		seq_printf(m, "%-7s %11zu %12llu %12llu %10lld %14lld %8llu %12llu %12llu %10lld\n",
			   "kmalloc", ms_kclass_bytes(k), x->allocs, x->frees, live,
			   live * (s64)ms_kclass_bytes(k), x->fails,
			   x->allocs - y->allocs, x->frees - y->frees,
			   (s64)((x->allocs - y->allocs) - (x->frees - y->frees)));
	}
}

static const struct ms_cache_row *ms_row_of(const void *key)
{
	unsigned int i;

	for (i = 0; i < ms_sv_nrows; i++)
		if (ms_sv_rows[i].key == key)
			return &ms_sv_rows[i];
	return NULL;
}

/* A site's cache (or size class) grew since the mark. */
static bool ms_site_grew(const struct ms_site_row *s)
{
	const struct ms_kclass_stats *x, *y;
	const struct ms_cache_row *r;

	if (s->key) {
		r = ms_row_of(s->key);
		return r && ms_live_mark(r) > 0;
	}
	x = &ms_sv_now->kc[s->kclass];
	y = &ms_sv_mark->kc[s->kclass];
	return (s64)((x->allocs - y->allocs) - (x->frees - y->frees)) > 0;
}

static void ms_slab_sites(struct seq_file *m)
{
	unsigned int n, i, rank = 0;
	u64 size;

	seq_printf(m, "#\n# site: the top %u allocation call sites since the mark by objects,\n"
		      "#   among caches and size classes whose live count grew since the mark;\n"
		      "#   bytes = allocs * objsize (or class_bytes). Objects are not tracked one\n"
		      "#   by one: a site's allocations may have been freed since.\n", MS_SLAB_TOP);
	seq_printf(m, "# %-5s %4s %-24s %12s %14s %s\n", "site", "rank", "cache",
		   "allocs_mark", "bytes_mark", "call_site");
	n = ms_slab_merge_sites(ms_sv_sites, MS_SLAB_SITE_ROWS);
	sort(ms_sv_sites, n, sizeof(*ms_sv_sites), ms_site_row_cmp, NULL);
	for (i = 0; i < n && rank < MS_SLAB_TOP; i++) {
		const struct ms_site_row *s = &ms_sv_sites[i];
		const struct ms_cache_row *r;

		if (!ms_site_grew(s))
			continue;
		seq_printf(m, "%-7s %4u ", "site", ++rank);
		r = s->key ? ms_row_of(s->key) : NULL;
		if (r)
			ms_seq_cache_name(m, r);
		else
			ms_seq_kclass_name(m, s->kclass);
		size = r ? r->objsize : s->key ? 0 : ms_kclass_bytes(s->kclass);
		snprintf(ms_sv_sym, sizeof(ms_sv_sym), "%pS", (void *)s->site);
		/* Without a symbol %pS falls back to the raw address. */
		seq_printf(m, " %12llu %14llu %s\n", s->allocs, s->allocs * size,
			   strncmp(ms_sv_sym, "0x", 2) ? ms_sv_sym : "?");
	}
}

/**
 * ms_slab_show() - print the "slab" view
 * @m: the seq_file of views.c's open
 * @unused: not used
 *
 * Description:
 * Sums the slab probes' per-CPU counters by cache and call site.
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int ms_slab_show(struct seq_file *m, void *unused)
{
	u64 now = ktime_get_ns();
	bool truncated;

	mutex_lock(&ms_sv_lock);
	ms_sv_nrows = ms_slab_merge_caches(ms_sv_rows, ms_sv_nrows, MS_SLAB_ROWS,
					   &truncated);
	ms_slab_sum(ms_sv_now);
	seq_puts(m, "# memscope slab: kmalloc, kmem_cache_alloc, kfree, kmem_cache_free events\n");
	ms_hooks_seq_status(m, &ms_slab_group, "slab", ms_sv_mark_ns);
	seq_printf(m, "# cache names: %s\n", ms_slab_names_source);
	if (!ms_slab_have_names())
		seq_puts(m, "#   caches are shown as @<hashed pointer>; kmalloc and kfree by size class only\n");
	seq_printf(m, "# per CPU: %lu caches, %lu call sites (emptied at each mark); events that\n"
		      "#   found no room: caches %llu, call sites %llu%s\n",
		   MS_SLAB_CACHES, MS_SLAB_SITES, ms_sv_now->cache_overflow,
		   ms_sv_now->site_overflow, truncated ? "; cache rows truncated" : "");
	seq_printf(m, "# kmem_cache_alloc failures: %llu\n", ms_sv_now->fails);
	ms_slab_caches(m, now - ms_sv_mark_ns);
	ms_slab_kclasses(m);
	ms_slab_sites(m);
	mutex_unlock(&ms_sv_lock);
	return 0;
}

/**
 * ms_slab_view_mark() - start the slab view's "since mark" columns now
 *
 * Called by the "mark" file (views.c), which checks the writer's rights.
 */
void ms_slab_view_mark(void)
{
	unsigned int i;
	bool truncated;

	mutex_lock(&ms_sv_lock);
	ms_sv_nrows = ms_slab_merge_caches(ms_sv_rows, ms_sv_nrows, MS_SLAB_ROWS,
					   &truncated);
	for (i = 0; i < ms_sv_nrows; i++) {
		ms_sv_rows[i].mark_allocs = ms_sv_rows[i].allocs;
		ms_sv_rows[i].mark_frees = ms_sv_rows[i].frees;
	}
	ms_slab_sum(ms_sv_mark);
	ms_slab_new_site_gen();
	ms_sv_mark_ns = ktime_get_ns();
	mutex_unlock(&ms_sv_lock);
}

/**
 * ms_slab_view_init() - allocate the slab view's rows and sums
 *
 * Description:
 * Reader-side rows for caches and call sites and the sums now and at the
 * mark, so that a read allocates nothing; the mark starts at load. On
 * failure what was allocated stays for ms_slab_view_exit().
 *
 * Context: process context (module init, from ms_hooks_prepare()).
 * Return: 0, or -ENOMEM.
 */
int ms_slab_view_init(void)
{
	ms_sv_rows = kvcalloc(MS_SLAB_ROWS, sizeof(*ms_sv_rows), GFP_KERNEL);
	ms_sv_sites = kvcalloc(MS_SLAB_SITE_ROWS, sizeof(*ms_sv_sites), GFP_KERNEL);
	ms_sv_now = kzalloc(sizeof(*ms_sv_now), GFP_KERNEL);
	ms_sv_mark = kzalloc(sizeof(*ms_sv_mark), GFP_KERNEL);
	if (!ms_sv_rows || !ms_sv_sites || !ms_sv_now || !ms_sv_mark)
		return -ENOMEM;
	ms_sv_nrows = 0;
	ms_sv_mark_ns = ms_hooks_load_ns;
	return 0;
}

/**
 * ms_slab_view_exit() - free the slab view's rows and sums
 *
 * Context: process context (ms_hooks_prepare()'s failure path or
 * ms_hooks_exit()), when the view's file does not exist.
 */
void ms_slab_view_exit(void)
{
	kfree(ms_sv_mark);
	kfree(ms_sv_now);
	kvfree(ms_sv_sites);
	kvfree(ms_sv_rows);
	ms_sv_mark = NULL;
	ms_sv_now = NULL;
	ms_sv_sites = NULL;
	ms_sv_rows = NULL;
}

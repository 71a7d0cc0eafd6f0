// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: slab probes (group "slab", parameter hooks_slab) on the four
 * exported tracepoints kmalloc, kmem_cache_alloc, kfree, kmem_cache_free.
 *
 * kmalloc and kfree are the hottest slab events, so they are counted by
 * size class only (one counter); kmem_cache_alloc/free by cache.
 * Everything a probe touches is this CPU's:
 *  - kmalloc size classes: a fixed array of counters;
 *  - caches: an open-addressed table of MS_SLAB_CACHES entries keyed by
 *    the struct kmem_cache pointer, which is compared, never followed
 *    here. An entry is claimed once, with interrupts off on this CPU
 *    only, and the cache's name and object size are copied into it while
 *    the cache is certainly alive (we are inside one of its events), so
 *    the views never dereference a cache that may since have been
 *    destroyed;
 *  - allocation call sites: a table of MS_SLAB_SITES entries keyed by
 *    (call site, cache or size class), emptied lazily at each mark: an
 *    entry of an older generation counts as free.
 * A probe tries MS_SLAB_PROBES slots and otherwise counts an overflow,
 * shown in the view. Counters are bumped with this_cpu_*(), which is safe
 * against interrupts on the same CPU.
 *
 * Not seen: kmem_cache_alloc_bulk()/free_bulk() (untraced in 6.1).
 */
#include <linux/hash.h>
#include <linux/irqflags.h>
#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>

/* Prototypes only (no CREATE_TRACE_POINTS): checks our probes' types. */
#include <trace/events/kmem.h>

#include "hooks_internal.h"
#include "compat/slab_layout.h"

const char *const ms_slab_names_source = MS_SLAB_NAMES_SOURCE;

/**
 * ms_slab_have_names() - whether caches can be shown by name
 *
 * Context: any context.
 * Return: true if this build has the kernel's private mm/slab.h
 * (compat/slab_layout.h), false if caches are shown as hashed pointers.
 */
bool ms_slab_have_names(void)
{
	return MS_SLAB_NAMES;
}

struct ms_cache_ent {
	const void *key;
	u64 allocs;
	u64 frees;
	unsigned int objsize;
	char name[MS_CACHE_NAME_LEN];
};

struct ms_site_ent {
	unsigned long site;
	const void *key;
	unsigned long gen;
	unsigned int kclass;
	u64 allocs;
};

struct ms_slab_pcpu {
	struct ms_cache_ent caches[MS_SLAB_CACHES];
	struct ms_kclass_stats kc[MS_KCLASSES];
	u64 cache_overflow;
	u64 site_overflow;
	u64 fails;			/* kmem_cache_alloc returned NULL */
};

struct ms_site_pcpu {
	struct ms_site_ent sites[MS_SLAB_SITES];
};

static struct ms_slab_pcpu __percpu *ms_sl;
static struct ms_site_pcpu __percpu *ms_st;
/* Site generation: bumped by each mark. Read-mostly. */
static unsigned long ms_site_gen = 1;

/* Size class bucket of an allocation of b bytes (see hooks_internal.h). */
static unsigned int ms_kclass(size_t b)
{
	unsigned int p, k;

	if (b <= 1)
		return 0;
	p = ilog2(b);
	if (b == 1UL << p)
		k = 2 * p;
	else if (b <= 3UL << (p - 1))
		k = 2 * p + 1;
	else
		k = 2 * p + 2;
	return min_t(unsigned int, k, MS_KCLASSES - 1);
}

/**
 * ms_kclass_bytes() - the size of a kmalloc size class
 * @k: the class's bucket (hooks_internal.h): 2p holds 2^p bytes, 2p + 1
 *     holds 3 * 2^(p-1) bytes
 *
 * Context: any context; a pure function.
 * Return: the bytes of bucket @k; 1 for buckets 0 and 1 (1 is never used).
 */
size_t ms_kclass_bytes(unsigned int k)
{
	if (k < 2)
		return 1;	/* bucket 1 is never used */
	return k & 1 ? 3UL << (k / 2 - 1) : 1UL << (k / 2);
}

/* Claim a free cache entry for key; false if another key took it first. */
static bool ms_cache_claim(struct ms_cache_ent *e, const void *key)
{
	unsigned long flags;
	bool ok;

	/* An interrupt on this CPU may be claiming the same slot. */
	local_irq_save(flags);
	ok = !e->key;
	if (ok) {
		ms_slab_cache_fill(key, e->name, &e->objsize);
		e->allocs = 0;
		e->frees = 0;
		/* Readers on other CPUs see the name before the key. */
		smp_store_release(&e->key, key);
	} else {
		ok = e->key == key;
	}
	local_irq_restore(flags);
	return ok;
}

/* This CPU's entry of a cache, or -1 when the probed slots are all taken. */
static int ms_cache_idx(const void *key)
{
	struct ms_slab_pcpu *p = this_cpu_ptr(ms_sl);
	unsigned int h = hash_ptr(key, MS_SLAB_CACHES_BITS), i, idx;
	const void *k;

	for (i = 0; i < MS_SLAB_PROBES; i++) {
		idx = (h + i) & (MS_SLAB_CACHES - 1);
		k = READ_ONCE(p->caches[idx].key);
		if (k == key)
			return idx;
		if (!k && ms_cache_claim(&p->caches[idx], key))
			return idx;
	}
	this_cpu_inc(ms_sl->cache_overflow);
	return -1;
}

static bool ms_site_claim(struct ms_site_ent *e, unsigned long site,
			  const void *key, unsigned int kclass, unsigned long gen)
{
	unsigned long flags;
	bool ok;

	local_irq_save(flags);
	ok = e->gen != gen || !e->site;
	if (ok) {
		e->site = site;
		e->key = key;
		e->kclass = kclass;
		e->allocs = 0;
		/* Readers on other CPUs see the zeroed counts before the gen. */
		smp_store_release(&e->gen, gen);
	} else {
		ok = e->site == site && e->key == key && e->kclass == kclass;
	}
	local_irq_restore(flags);
	return ok;
}

/* Count an allocation at call site into cache key (or size class kclass). */
static void ms_site_count(unsigned long site, const void *key,
			  unsigned int kclass)
{
	struct ms_site_pcpu *p = this_cpu_ptr(ms_st);
	unsigned long gen = READ_ONCE(ms_site_gen);
	unsigned int h, i, idx;
	struct ms_site_ent *e;

	h = hash_long(site ^ (unsigned long)key ^ kclass, MS_SLAB_SITES_BITS);
	for (i = 0; i < MS_SLAB_PROBES; i++) {
		idx = (h + i) & (MS_SLAB_SITES - 1);
		e = &p->sites[idx];
		if (READ_ONCE(e->gen) == gen && e->site == site && e->key == key &&
		    e->kclass == kclass)
			goto hit;
		if ((READ_ONCE(e->gen) != gen || !e->site) &&
		    ms_site_claim(e, site, key, kclass, gen))
			goto hit;
	}
	this_cpu_inc(ms_sl->site_overflow);
	return;
hit:
	this_cpu_inc(ms_st->sites[idx].allocs);
}

static void ms_probe_kmalloc(void *data, unsigned long call_site,
			     const void *ptr, size_t bytes_req,
			     size_t bytes_alloc, gfp_t gfp, int node)
{
	unsigned int k = ms_kclass(bytes_alloc);

	if (unlikely(ZERO_OR_NULL_PTR(ptr))) {
		if (!ptr && bytes_req)
			this_cpu_inc(ms_sl->kc[k].fails);
		return;
	}
	this_cpu_inc(ms_sl->kc[k].allocs);
	ms_site_count(call_site, NULL, k);
}

static void ms_probe_kmem_cache_alloc(void *data, unsigned long call_site,
				      const void *ptr, struct kmem_cache *s,
				      gfp_t gfp, int node)
{
	int idx;

	if (unlikely(!ptr)) {
		this_cpu_inc(ms_sl->fails);
		return;
	}
	idx = ms_cache_idx(s);
	if (idx >= 0)
		this_cpu_inc(ms_sl->caches[idx].allocs);
	ms_site_count(call_site, s, 0);
}

static void ms_probe_kfree(void *data, unsigned long call_site, const void *ptr)
{
	const void *cache;
	size_t size;
	int idx;

	/* kfree() fires for NULL and ZERO_SIZE_PTR too. */
	if (unlikely(ZERO_OR_NULL_PTR(ptr)))
		return;
	size = ms_slab_kfree_info(ptr, &cache);
	if (likely(size)) {
		this_cpu_inc(ms_sl->kc[ms_kclass(size)].frees);
	} else if (cache) {
		/* kfree() of a kmem_cache_alloc() object. */
		idx = ms_cache_idx(cache);
		if (idx >= 0)
			this_cpu_inc(ms_sl->caches[idx].frees);
	}
}

static void ms_probe_kmem_cache_free(void *data, unsigned long call_site,
				     const void *ptr, const struct kmem_cache *s)
{
	int idx;

	if (unlikely(!ptr))
		return;
	idx = ms_cache_idx(s);
	if (idx >= 0)
		this_cpu_inc(ms_sl->caches[idx].frees);
}

static struct ms_tp_hook ms_slab_hooks[] = {
	/* frees first: an allocation seen is never missing its free */
	{ .name = "kfree", .probe = ms_probe_kfree },
	{ .name = "kmem_cache_free", .probe = ms_probe_kmem_cache_free },
	{ .name = "kmalloc", .probe = ms_probe_kmalloc },
	{ .name = "kmem_cache_alloc", .probe = ms_probe_kmem_cache_alloc },
};

/* Compile-time check of every probe against the kernel's TP_PROTO. */
static void __maybe_unused ms_slab_check_protos(void)
{
	check_trace_callback_type_kmalloc(ms_probe_kmalloc);
	check_trace_callback_type_kmem_cache_alloc(ms_probe_kmem_cache_alloc);
	check_trace_callback_type_kfree(ms_probe_kfree);
	check_trace_callback_type_kmem_cache_free(ms_probe_kmem_cache_free);
}

struct ms_hook_group ms_slab_group = {
	.param = "hooks_slab",
	.hooks = ms_slab_hooks,
	.nr_hooks = ARRAY_SIZE(ms_slab_hooks),
	.want = true,
};

/**
 * ms_slab_data_init() - allocate the slab group's per-CPU tables
 *
 * Description:
 * The counters and cache table, and the call-site table, before any probe
 * of the group can run. On failure nothing stays allocated.
 *
 * Context: process context (module init, from ms_hooks_prepare()).
 * Return: 0, or -ENOMEM.
 */
int ms_slab_data_init(void)
{
	ms_sl = alloc_percpu(struct ms_slab_pcpu);
	ms_st = alloc_percpu(struct ms_site_pcpu);
	if (ms_sl && ms_st)
		return 0;
	ms_slab_data_free();
	return -ENOMEM;
}

/**
 * ms_slab_data_free() - free the slab group's per-CPU tables
 *
 * Context: process context (ms_slab_data_init()'s and ms_hooks_prepare()'s
 * failure paths, or ms_hooks_exit()), once no probe runs and no reader
 * can see the tables.
 */
void ms_slab_data_free(void)
{
	free_percpu(ms_st);
	ms_st = NULL;
	free_percpu(ms_sl);
	ms_sl = NULL;
}

/**
 * ms_slab_sum() - every CPU's size-class, overflow and failure counters
 * @s: overwritten with the sums
 *
 * Context: process context; takes no lock. The slab view calls it with
 * ms_sv_lock held, which serializes the use of its buffers.
 */
void ms_slab_sum(struct ms_slab_sums *s)
{
	unsigned int cpu, k;

	memset(s, 0, sizeof(*s));
	for_each_possible_cpu(cpu) {
		const struct ms_slab_pcpu *p = per_cpu_ptr(ms_sl, cpu);

		for (k = 0; k < MS_KCLASSES; k++) {
			s->kc[k].allocs += READ_ONCE(p->kc[k].allocs);
			s->kc[k].frees += READ_ONCE(p->kc[k].frees);
			s->kc[k].fails += READ_ONCE(p->kc[k].fails);
		}
		s->cache_overflow += READ_ONCE(p->cache_overflow);
		s->site_overflow += READ_ONCE(p->site_overflow);
		s->fails += READ_ONCE(p->fails);
	}
}

static struct ms_cache_row *ms_row_get(struct ms_cache_row *rows, unsigned int *n,
				       unsigned int max, const void *key)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (rows[i].key == key)
			return &rows[i];
	if (*n == max)
		return NULL;
	memset(&rows[*n], 0, sizeof(rows[*n]));
	rows[*n].key = key;
	return &rows[(*n)++];
}

/**
 * ms_slab_merge_caches() - merge every CPU's cache table into rows
 * @rows: the reader's rows, @max of them; the first @n are in use
 * @n: rows in use on entry
 * @max: the size of @rows
 * @truncated: set when a cache found no free row
 *
 * Rows persist across reads (their mark fields too); the counts are
 * recomputed. A cache address reused by a new cache keeps the first
 * name seen for it. A cache entry is read only once its key is published
 * (acquire, against ms_cache_claim()'s release).
 *
 * Context: process context; takes no lock. The slab view calls it with
 * ms_sv_lock held, which makes it the only user of @rows.
 * Return: the rows in use now, at least @n and at most @max.
 */
unsigned int ms_slab_merge_caches(struct ms_cache_row *rows, unsigned int n,
				  unsigned int max, bool *truncated)
{
	unsigned int cpu, i;

	for (i = 0; i < n; i++) {
		rows[i].allocs = 0;
		rows[i].frees = 0;
	}
	*truncated = false;
	for_each_possible_cpu(cpu) {
		const struct ms_slab_pcpu *p = per_cpu_ptr(ms_sl, cpu);

		for (i = 0; i < MS_SLAB_CACHES; i++) {
			const struct ms_cache_ent *e = &p->caches[i];
			/* Pairs with ms_cache_claim(): name before key. */
			const void *key = smp_load_acquire(&e->key);
			struct ms_cache_row *r;

			if (!key)
				continue;
			r = ms_row_get(rows, &n, max, key);
			if (!r) {
				*truncated = true;
				continue;
			}
			if (!r->name[0]) {
				memcpy(r->name, e->name, sizeof(r->name));
				r->name[sizeof(r->name) - 1] = '\0';
			}
			if (!r->objsize)
				r->objsize = READ_ONCE(e->objsize);
			r->allocs += READ_ONCE(e->allocs);
			r->frees += READ_ONCE(e->frees);
		}
	}
	return n;
}

/**
 * ms_slab_merge_sites() - merge every CPU's call sites of this generation
 * @rows: overwritten with one row per (site, cache or size class)
 * @max: the size of @rows; sites beyond it are left out
 *
 * Only entries of the current generation count: the others were counted
 * before the last mark (ms_slab_new_site_gen()).
 *
 * Context: process context; takes no lock. The slab view calls it with
 * ms_sv_lock held.
 * Return: the rows filled.
 */
unsigned int ms_slab_merge_sites(struct ms_site_row *rows, unsigned int max)
{
	unsigned long gen = READ_ONCE(ms_site_gen);
	unsigned int cpu, i, j, n = 0;

	for_each_possible_cpu(cpu) {
		const struct ms_site_pcpu *p = per_cpu_ptr(ms_st, cpu);

		for (i = 0; i < MS_SLAB_SITES; i++) {
			const struct ms_site_ent *e = &p->sites[i];
			struct ms_site_row *r = NULL;

			/* Pairs with ms_site_claim(): counts zeroed before gen. */
			if (smp_load_acquire(&e->gen) != gen || !e->site)
				continue;
			for (j = 0; j < n && !r; j++)
				if (rows[j].site == e->site && rows[j].key == e->key &&
				    rows[j].kclass == e->kclass)
					r = &rows[j];
			if (!r) {
				if (n == max)
					continue;
				r = &rows[n++];
				r->site = e->site;
				r->key = e->key;
				r->kclass = e->kclass;
				r->allocs = 0;
			}
			r->allocs += READ_ONCE(e->allocs);
		}
	}
	return n;
}

/**
 * ms_slab_new_site_gen() - start a new call-site generation: the mark
 *
 * Description:
 * Every call-site entry of an older generation counts as free from now
 * on, so the tables are emptied lazily, without touching other CPUs' data.
 *
 * Context: process context. The increment is not atomic: the caller must
 * be the only writer, as the slab view's mark is under ms_sv_lock. The
 * probes read the generation with READ_ONCE().
 */
void ms_slab_new_site_gen(void)
{
	WRITE_ONCE(ms_site_gen, ms_site_gen + 1);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope: what the tracepoint hook files (hooks*.c) share among
 * themselves. hooks.h is the interface to the rest of the module.
 *
 * Hooks come in three groups, each switched by a module parameter:
 *   page     mm_page_alloc/free/alloc_extfrag/pcpu_drain   hooks_page.c
 *   reclaim  vmscan, compaction, oom                        hooks_vmscan.c
 *   slab     kmalloc, kmem_cache_alloc, kfree, kmem_cache_free  hooks_slab.c
 * Probes only bump per-CPU counters; the views (hooks_*_view.c) sum them.
 */
#ifndef _MEMSCOPE_HOOKS_INTERNAL_H
#define _MEMSCOPE_HOOKS_INTERNAL_H

#include <linux/bits.h>
#include <linux/fs.h>
#include <linux/mmzone.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "compat/orders.h"

struct seq_file;
struct tracepoint;

/* One tracepoint and the probe memscope attaches to it. */
struct ms_tp_hook {
	const char *name;
	void *probe;		/* NULL: compiled out (e.g. !CONFIG_COMPACTION) */
	struct tracepoint *tp;	/* found at load; NULL: not in this kernel */
	bool attached;
};

struct ms_hook_group {
	const char *param;	/* module parameter, e.g. "hooks_page" */
	struct ms_tp_hook *hooks;
	unsigned int nr_hooks;
	/* Called with no probe of the group running, before attaching. */
	void (*reset)(void);
	bool want;		/* the parameter's value */
	bool on;		/* probes attached now */
};

extern struct ms_hook_group ms_page_group;
extern struct ms_hook_group ms_reclaim_group;
extern struct ms_hook_group ms_slab_group;

/* Serialises attach/detach and the group state the views print. */
extern struct mutex ms_hooks_lock;
/* ktime_get_ns() when the hooks started. */
extern u64 ms_hooks_load_ns;

/*
 * "# hooks_page on; tracepoints missing: none" and the time line, the
 * first lines of every hooks view (@view: its name, the word that sets its
 * mark). Takes ms_hooks_lock.
 */
void ms_hooks_seq_status(struct seq_file *m, struct ms_hook_group *g,
			 const char *view, u64 mark_ns);
/* ns as "12.345" seconds. */
void ms_seq_secs(struct seq_file *m, u64 ns);

/*
 * Per-CPU data of each group: allocated before any probe can run, freed
 * after the last one has finished (tracepoint_synchronize_unregister()).
 */
int ms_page_data_init(void);
void ms_page_data_free(void);
int ms_reclaim_data_init(void);
void ms_reclaim_data_free(void);
int ms_slab_data_init(void);
void ms_slab_data_free(void);

/* ---- page group: sums for the alloc view ---- */

/*
 * Node slots of the per-zone counters: one per node id, or a single one
 * for every node on machines with more node ids than this (shown as
 * node -1).
 */
#define MS_PAGE_MAX_NODES 16

struct ms_page_stats {
	u64 fail[MS_NR_PAGE_ORDERS];		/* mm_page_alloc with page == NULL */
	u64 fail_nowarn[MS_NR_PAGE_ORDERS];	/* ... of which __GFP_NOWARN */
	u64 fail_kernel0;		/* order-0 ones that could use ms_kernel_zone */
	u64 drained[MS_NR_PAGE_ORDERS];		/* mm_page_pcpu_drain */
	u64 mt[MIGRATE_TYPES][MS_NR_PAGE_ORDERS];	/* allocations by migratetype */
	u64 extfrag[MS_NR_PAGE_ORDERS][MS_NR_PAGE_ORDERS];	/* [alloc_order][fallback_order] */
	u64 extfrag_mt[MIGRATE_TYPES][MIGRATE_TYPES];	/* [alloc][fallback] */
	u64 extfrag_small[MIGRATE_TYPES];	/* fallback_order < pageblock_order */
	u64 zone[][2][MS_NR_PAGE_ORDERS];	/* [slot][0 alloc, 1 free][order] */
};

extern unsigned int ms_page_nr_slots;	/* node slots x MAX_NR_ZONES */
extern bool ms_page_nodes_folded;
size_t ms_page_stats_size(void);
void ms_page_sum(struct ms_page_stats *t);
/* hooks.h: failed allocations per order, added to fail[]. */
void ms_page_sum_fails(u64 *fail, u64 *fail_kernel0);

int ms_alloc_view_init(void);
void ms_alloc_view_exit(void);

/* ---- reclaim group: sums for the reclaim view and hooks.h ---- */

enum ms_stall_kind { MS_STALL_RECLAIM, MS_STALL_COMPACT, MS_NR_STALL_KINDS };

/* Bucket 0: < 1 us; bucket b: [2^(b-1), 2^b) us; the last is open. */
#define MS_STALL_BUCKETS 24

struct ms_reclaim_stats {
	u64 kswapd_wakes[MS_NR_PAGE_ORDERS];	/* mm_vmscan_kswapd_wake by order */
	u64 direct_reclaims;		/* mm_vmscan_direct_reclaim_begin */
	u64 direct_untimed;		/* ends without their begin */
	u64 direct_ns;
	u64 direct_reclaimed;		/* pages, from direct_reclaim_end */
	u64 lru_scanned;		/* mm_vmscan_lru_shrink_inactive */
	u64 lru_reclaimed;
	u64 compact_attempts;		/* mm_compaction_try_to_compact_pages */
	u64 compact_stalls;		/* attempts /proc/vmstat counts */
	u64 compact_success;
	u64 compact_ns;
	u64 compact_deferred;		/* mm_compaction_deferred, any caller */
	u64 compact_runs;		/* mm_compaction_begin, any caller */
	u64 kcompactd_wakes;
	u64 oom_kills;			/* mark_victim */
	u64 slot_evictions;		/* per-task timing state given up */
	u64 hist[MS_NR_STALL_KINDS][MS_STALL_BUCKETS];
};

void ms_reclaim_sum(struct ms_reclaim_stats *t);
/* The hooks.h functions, once the data is known to be live. */
struct ms_reclaim_totals;
void ms_reclaim_totals_fill(struct ms_reclaim_totals *t);
void ms_reclaim_take_max(u64 *reclaim_ns, u64 *compact_ns);
bool ms_reclaim_kswapd_awake(int nid);
/* Nodes whose kswapd is awake now, as a list ("0,1" or "none"). */
void ms_seq_kswapd_awake(struct seq_file *m);

int ms_reclaim_view_init(void);
void ms_reclaim_view_exit(void);

/* ---- slab group ---- */

#define MS_CACHE_NAME_LEN 32

/* Per CPU: caches, and allocation call sites since the last mark. */
#define MS_SLAB_CACHES_BITS 8
#define MS_SLAB_CACHES BIT(MS_SLAB_CACHES_BITS)
#define MS_SLAB_SITES_BITS 8
#define MS_SLAB_SITES BIT(MS_SLAB_SITES_BITS)
/* Slots tried before an event counts as overflow. */
#define MS_SLAB_PROBES 8

/*
 * kmalloc size classes: bucket 2p holds 2^p bytes, bucket 2p + 1 holds
 * 3 * 2^(p-1) bytes (the 96 and 192 byte caches); other sizes (slub_debug
 * metadata) go to the next bucket up.
 */
#define MS_KCLASSES (2 * (PAGE_SHIFT + MS_NR_PAGE_ORDERS) + 2)

struct ms_kclass_stats {
	u64 allocs, frees, fails;
};

/* One cache as the reader sees it, summed over CPUs. */
struct ms_cache_row {
	const void *key;		/* compared, never dereferenced */
	char name[MS_CACHE_NAME_LEN];
	unsigned int objsize;
	u64 allocs, frees;
	u64 mark_allocs, mark_frees;
};

struct ms_site_row {
	unsigned long site;
	const void *key;		/* the cache, or NULL (kclass) */
	unsigned int kclass;		/* bucket, when key is NULL */
	u64 allocs;
};

/* Sums: caches are merged into rows[] by key (rows persist). */
struct ms_slab_sums {
	struct ms_kclass_stats kc[MS_KCLASSES];
	u64 cache_overflow, site_overflow, fails;
};

void ms_slab_sum(struct ms_slab_sums *s);
/* Merge every CPU's caches into rows (n in use, up to max); returns n. */
unsigned int ms_slab_merge_caches(struct ms_cache_row *rows, unsigned int n,
				  unsigned int max, bool *truncated);
/* Sites of the current generation, merged; returns how many. */
unsigned int ms_slab_merge_sites(struct ms_site_row *rows, unsigned int max);
/* Start a new site generation: the mark. */
void ms_slab_new_site_gen(void);
size_t ms_kclass_bytes(unsigned int bucket);

int ms_slab_view_init(void);
void ms_slab_view_exit(void);

/* How cache names were obtained (compat/slab_layout.h), for the view header. */
extern const char *const ms_slab_names_source;
bool ms_slab_have_names(void);

#endif /* _MEMSCOPE_HOOKS_INTERNAL_H */

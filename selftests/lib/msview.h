/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope's debugfs views as the tests use them, and parsers of the
 * kernel's own files that serve as their oracles (/proc/buddyinfo,
 * debugfs extfrag/, /proc/zoneinfo, ...). The buddy, alloc, reclaim,
 * pressure and events views are parsed by the memscope tool's library
 * (tools/memscope/msparse_*.c), the one parser of each view; the names
 * here that its headers also use carry "mst_"/"MST_".
 */
#ifndef MSVIEW_H
#define MSVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define MS_DEBUGFS "/sys/kernel/debug/memscope"
#define MS_MAX_ZONES 16
#define MST_MAX_ORDERS 32
#define MS_MAX_TYPES 8

/* Per-zone rows of a buddy-like file; indexes are in thousandths. */
struct ms_zone {
	int node;
	char name[16];
	unsigned long blocks[MST_MAX_ORDERS];
	unsigned long long pages[MST_MAX_ORDERS];
	unsigned long long pages_ge[MST_MAX_ORDERS];
	int unusable[MST_MAX_ORDERS];
	int fragindex[MST_MAX_ORDERS];
	/* pagetypes: [type][order]; capped lists count as -1 */
	long types[MS_MAX_TYPES][MST_MAX_ORDERS];
	char type_names[MS_MAX_TYPES][16];
	int ntypes;
};

struct ms_view {
	int nzones;
	int norders;
	struct ms_zone z[MS_MAX_ZONES];
};

/* Each returns 0 on success, -errno (open) or -EINVAL (format) on error. */
int ms_read_buddy(const char *path, struct ms_view *v);
int ms_read_buddyinfo(const char *path, struct ms_view *v);
int ms_read_extfrag(const char *path, struct ms_view *v, bool fragindex);
int ms_read_pagetypes(const char *path, struct ms_view *v);
/*
 * One free-list row (memscope's pagetypes view, /proc/pagetypeinfo): the
 * zone found or added, a migratetype row of the counts in @counts (split
 * in place; ">N", a list the kernel stopped counting, is -1). -EINVAL when
 * the view has no room left.
 */
int ms_put_type_row(struct ms_view *v, int node, const char *zone, const char *type,
		    char *counts);

struct ms_zone *ms_find_zone(struct ms_view *v, int node, const char *name);
/* Same zones and the same free blocks per order. */
bool ms_same_blocks(const struct ms_view *a, const struct ms_view *b);
/* Parse "0.123" or "-1.000" into thousandths. */
int ms_parse_index(const char *s, int *out);

/* The kernel's definitions (mm/vmstat.c), computed independently here. */
int ms_ref_unusable(const unsigned long *blocks, int norders, int order);
int ms_ref_fragindex(const unsigned long *blocks, int norders, int order);

/* Small helpers for tests. */
char *ms_slurp(const char *path);
int ms_write_str(const char *path, const char *s);
/*
 * Sets the mark of VIEW ("alloc", "reclaim", "slab", "pressure" or "all")
 * through memscope's write-only mark file: 0 or -errno.
 */
int ms_mark(const char *view);
bool ms_module_loaded(const char *name);
int ms_load_module(const char *path);
int ms_unload_module(const char *name);

/*
 * "scope key value [name=value...]" views (pressure): the value of KEY in
 * SCOPE, or of NAME=... on that line when NAME is not NULL. 0 or -ENOENT.
 */
int ms_kv_get(const char *text, const char *scope, const char *key,
	      const char *name, long long *out);
/* The first value of KEY in SCOPE as a string (e.g. a level name). */
int ms_kv_str(const char *text, const char *scope, const char *key,
	      char *out, size_t len);

/* What /proc/zoneinfo says of one zone. */
struct ms_zoneinfo {
	int node;
	char name[16];
	bool populated;
	unsigned long free, boost, min, low, high, spanned, present, managed, cma;
	long protection[8];
	int nprotection;
	/* Per-CPU lists: how many CPUs have one, and the largest batch. */
	int pcp_cpus;
	unsigned long pcp_batch;
};

/* Every zone of /proc/zoneinfo (populated or not); count or -errno. */
int ms_read_zoneinfo(struct ms_zoneinfo *z, int max);


/*
 * memscope's hook views: alloc, reclaim and slab. Data rows start with
 * their kind; index [0] of a scope is "since load", [1] "since mark".
 */
#define MS_SCOPES 2
#define MST_MAX_EVENTS 32
#define MS_MAX_BUCKETS 32
#define MS_MAX_CACHES 1024
#define MS_MAX_KCLASSES 64
#define MS_MAX_SITES 32

/* "# hooks_xxx on; tracepoints missing: ..." */
struct ms_hooks_status {
	bool on;
	char missing[256];	/* "none" or the names */
};

struct mst_alloc_zone {
	int node;
	char name[16];
	unsigned long long alloc[MS_SCOPES][MST_MAX_ORDERS];
	unsigned long long free[MS_SCOPES][MST_MAX_ORDERS];
};

struct mst_alloc {
	struct ms_hooks_status st;
	int norders, nzones, ntypes;
	unsigned long long allocs[MS_SCOPES][MST_MAX_ORDERS];
	unsigned long long frees[MS_SCOPES][MST_MAX_ORDERS];
	unsigned long long fails[MS_SCOPES][MST_MAX_ORDERS];
	unsigned long long fails_nowarn[MS_SCOPES][MST_MAX_ORDERS];
	unsigned long long drained[MS_SCOPES][MST_MAX_ORDERS];
	struct mst_alloc_zone zone[MS_MAX_ZONES];
	char type_names[MS_MAX_TYPES][16];
	unsigned long long mt[MS_SCOPES][MS_MAX_TYPES][MST_MAX_ORDERS];
	unsigned long long extfrag[MS_SCOPES][MST_MAX_ORDERS][MST_MAX_ORDERS];
};

struct mst_reclaim {
	struct ms_hooks_status st;
	int nevents;
	struct {
		char name[32];
		unsigned long long v[MS_SCOPES];
	} ev[MST_MAX_EVENTS];
	unsigned long long kswapd[MS_SCOPES][MST_MAX_ORDERS];
	int nbuckets;
	/* [0] reclaim, [1] compact */
	unsigned long long stall[2][MS_MAX_BUCKETS][MS_SCOPES];
};

struct ms_slab_cache {
	char name[40];
	unsigned int objsize;
	unsigned long long allocs[MS_SCOPES], frees[MS_SCOPES];
	long long live[MS_SCOPES];
	long long live_bytes;
};

struct ms_slab_kclass {
	unsigned long long bytes, allocs[MS_SCOPES], frees[MS_SCOPES], fails;
};

struct ms_slab_site {
	char cache[40];
	unsigned long long allocs, bytes;	/* since the mark */
	char call_site[160];
};

struct ms_slab {
	struct ms_hooks_status st;
	bool have_names;
	int ncaches, nkclasses, nsites;
	struct ms_slab_cache cache[MS_MAX_CACHES];
	struct ms_slab_kclass kc[MS_MAX_KCLASSES];
	struct ms_slab_site site[MS_MAX_SITES];
};

/* The alloc view's extfrag_mt rows since load: [type][type], small. */
struct ms_xmt {
	int ntypes;
	unsigned long long n[MS_MAX_TYPES][MS_MAX_TYPES], small[MS_MAX_TYPES];
};

/* Each returns 0, -errno (open) or -EINVAL (format). */
int ms_read_alloc(const char *path, struct mst_alloc *a);
/* 0, or -1 (unreadable, or not as many rows as columns). */
int ms_read_extfrag_mt(const char *path, struct ms_xmt *x);
/* A hook view's "# since load L s, since mark M s" line: M, or -1. */
double ms_since_mark(const char *path);
int ms_read_reclaim(const char *path, struct mst_reclaim *r);
int ms_read_slab(const char *path, struct ms_slab *s);
/* A reclaim event's value, or -1 when the view has no such row. */
long long ms_reclaim_ev(const struct mst_reclaim *r, const char *name, int scope);
struct ms_slab_cache *ms_slab_find(struct ms_slab *s, const char *name);
/* The size class holding "bytes" (exact class size), or NULL. */
struct ms_slab_kclass *ms_slab_kclass_find(struct ms_slab *s, unsigned long long bytes);

/* /proc/vmstat: one counter, or the sum of those starting with a prefix. */
long long ms_vmstat(const char *name);
long long ms_vmstat_prefix(const char *prefix);
/* finit_module() with a parameter string. */
int ms_load_module_params(const char *path, const char *params);

/* Where the guest keeps memscope.ko, and its parameters in sysfs. */
#define MS_MEMSCOPE_KO "/lib/memscope/memscope.ko"
#define MS_PARAMS "/sys/module/memscope/parameters/"
/*
 * Unloads memscope_test and memscope if loaded, then loads memscope with a
 * parameter string: 0 or -errno of the step that failed.
 */
int ms_reload_memscope(const char *params);
/* A memscope module parameter: its value (-1 if unreadable), or set it. */
long long ms_param_get(const char *name);
int ms_param_set(const char *name, const char *value);
/* CLOCK_MONOTONIC in milliseconds. */
long long ms_now_ms(void);

/* The test helper module (selftests/helper) and its control file. */
#define MS_HELPER_KO "/lib/memscope/memscope_test.ko"
#define MS_HELPER_CTL "/sys/kernel/debug/memscope_test/ctl"
/*
 * Loads memscope_test unless it is loaded; sets *loaded_here (if given)
 * when this call loaded it. 0 or -errno.
 */
int ms_load_helper(bool *loaded_here);
/* Subscriber lines in memscope's events view (open /dev/memscope files). */
int ms_count_subscribers(void);
/*
 * Forks a child that maps and touches 1 MiB at a time, with
 * oom_score_adj 1000, until the OOM killer takes it (it exits 2 if the
 * score cannot be set, 3 if mmap fails first); *progress, if given (shared memory), counts the MiB.
 * Returns the child's pid, or -1.
 */
pid_t ms_fork_oom_hog(volatile long *progress);
/*
 * With memscope_test loaded: takes the DMA and DMA32 zones of a node below
 * "target" down to their min watermark, so that allocations come from
 * "target" (0, or a negative errno; -EAGAIN if a zone did not run dry).
 */
int ms_drain_lower_zones(int node, const char *target);
/*
 * Zeroes the zones' watermark boosts that earlier tests' fallbacks
 * raised, so watermarks do not drop in the middle of a test (pair it
 * with vm.watermark_boost_factor 0). Returns the pages still boosted:
 * 0, or -1 without memscope.
 */
long long ms_reset_boost(void);

/*
 * Readies the helper's hog to steer one zone through its watermarks: loads
 * memscope_test, releases what it holds, switches watermark boosting off
 * (the old vm.watermark_boost_factor saved in boost_save[32]), finds the
 * zone ordinary allocations come from (*node, zone[16]), drains the zones
 * below it, drops caches and zeroes the boosts. 0, or a negative errno
 * (-EIO: the hog's zone could not be found). ms_hog_finish() undoes it.
 */
/*
 * Touches 256 KiB of stack below the caller, so that with mlockall() a
 * process that must not fault while a zone is at min will not grow its
 * stack then either.
 */
void ms_prefault_stack(void);

/*
 * ms_oracle() marks the running test case as one that checks memscope
 * against a source outside memscope (a /proc file, the boot log, the
 * helper module's known allocations, a vmstat counter): it prints
 * "# oracle: SOURCE" into the TAP stream, and run_selftests counts the
 * cases that printed one. Call it where the comparison is made, with the
 * oracle's name, e.g. ms_oracle("/proc/buddyinfo").
 */
void ms_oracle(const char *source);
int ms_hog_prepare(int *node, char zone[16], char boost_save[32]);
void ms_hog_finish(const char boost_save[32]);

/*
 * memscope reserved (its rows read by the memscope tool's
 * ms_reserved_walk()), and the kernel's own figures it is checked against
 * (the boot log, /proc/meminfo, debugfs memblock/, /proc/iomem). Values
 * the file prints as '?' read as -1.
 */
enum { MS_ML_AVAIL, MS_ML_TOTAL, MS_ML_CODE, MS_ML_RW, MS_ML_RO, MS_ML_INIT,
       MS_ML_BSS, MS_ML_RES, MS_ML_CMA, MS_ML_HIGH, MS_ML_N };

/*
 * "Memory: <avail>K/<total>K available (...)": KiB per field. The format
 * is the kernel's (mem_init_print_info()); ms_parse_mem_line() reads the
 * boot log's line, the oracle, and the view's copies of it alike.
 */
struct ms_mem_line {
	bool ok, has_high;
	long long k[MS_ML_N];
};

#define MS_RES_MAX_ROWS 512
#define MS_RES_NAME 48

/* A row of any section but [boot line] and [zones]. */
struct ms_res_row {
	char section[32];
	char key[MS_RES_NAME];		/* or the owner of a range row */
	long long v[2];
	int nv;
	bool has_range, outside;	/* outside: "(outside RAM)" */
	unsigned long long start, end;	/* physical, end inclusive */
	int idx;			/* memblock region, -1 elsewhere */
};

struct ms_res_zone {
	int node;			/* -1 for the "sum" row */
	char name[16];
	long long spanned, present, managed, reserved, cma;
};

struct mst_reserved {
	char symbols[512];		/* the "# symbols:" lines */
	struct ms_mem_line computed, logged;
	bool logged_found;
	char differs[512];
	bool has_memblock;		/* regions listed (memblock kept) */
	int nrows, nzones;
	struct ms_res_row row[MS_RES_MAX_ROWS];
	struct ms_res_zone zone[MS_MAX_ZONES + 1];
};

int ms_parse_mem_line(const char *s, struct ms_mem_line *ml);
/* 0, -errno (open) or -EINVAL (format). */
int ms_read_reserved(const char *path, struct mst_reserved *r);
/* Value @col of row @key in @section, or LLONG_MIN when there is none. */
long long ms_res_val(const struct mst_reserved *r, const char *section,
		     const char *key, int col);

/* The kernel log (klogctl), malloc()ed, or NULL. */
char *ms_kernel_log(void);
/* "Freeing <what> memory: <n>K" lines of a log: count, up to @max. */
struct ms_freed_line {
	char what[64];
	long long kib;
};
int ms_log_freed(const char *log, struct ms_freed_line *out, int max);
/* A /proc/meminfo field in kB, or -1. */
long long ms_meminfo(const char *key);
/* debugfs memblock/{memory,reserved}: [start, end] pairs; count or -errno. */
int ms_read_memblock(const char *path, unsigned long long (*range)[2], int max);
/* First /proc/iomem entry named @name: 0 or -ENOENT; and the highest end. */
int ms_iomem_find(const char *name, unsigned long long *start,
		  unsigned long long *end);
unsigned long long ms_iomem_max_end(void);

/*
 * h2 (buddy, alloc, slab, reclaim and reserved tests).
 *
 * Pins the calling task to the CPU it runs on: with the helper's commands
 * (run in the writing task) on one CPU, a quiet round is one in which the
 * other CPUs did nothing of the kind counted. 0 or -errno.
 */
int ms_pin_one_cpu(void);
/* Pins the calling task to CPU @cpu: 0, or -errno (offline: EINVAL). */
int ms_pin_cpu(int cpu);

/*
 * Trace events as an oracle: the kernel's own record of each tracepoint
 * firing, in a tracefs instance of the test's own (its own buffer, so
 * nobody else's tracing is disturbed). EVENT is "system/name".
 */
#define MS_TRACEFS "/sys/kernel/tracing"
#define MS_TRACE_INSTANCE MS_TRACEFS "/instances/memscope_selftest"
/* The kernel has this trace event (tracepoint and event tracing). */
bool ms_trace_has_event(const char *event);
/* Creates the instance, stopped, with these events enabled. 0 or -errno. */
int ms_trace_open(const char *const *events, int n, int kb_per_cpu);
/* Empties the buffer and starts recording, or stops. 0 or -errno. */
int ms_trace_on(bool on);
/* Events lost to a full buffer (overrun, dropped), over every CPU. */
long long ms_trace_lost(void);
/* The buffer as text ("trace"), malloc()ed, or NULL. */
char *ms_trace_text(void);
void ms_trace_close(void);

/*
 * Views through a file held open (open(path, O_RDWR)): every open of a
 * debugfs file allocates a copy of its file_operations (the debugfs full
 * proxy, kmalloc-512 on 64-bit), which a test of kmalloc-512 counts must
 * keep out of its window. ms_fd_write() writes a command; ms_fd_view()
 * reads the whole view again from offset 0 into a memfd of its own and
 * returns a path the ms_read_*() parsers can read it from, or NULL.
 */
int ms_fd_write(int fd, const char *s);
const char *ms_fd_view(int fd);

/* The first line of a small file (a sysctl) with one small read(). */
int ms_read_small(const char *path, char *buf, size_t len);
/*
 * Watermark boosting off (vm.watermark_boost_factor 0, the old value in
 * save) and the boosts in force cleared, without reading anything large
 * (ms_slurp() of a sysctl makes the kernel vmalloc 64 KiB); 0 or -errno.
 * ms_boost_restore() puts the old factor back, once.
 */
int ms_boost_off(char save[32]);
void ms_boost_restore(char save[32]);

/*
 * h1 (runner, expected skips, degraded kernels): the running kernel's own
 * configuration, for skips decided by a fact of the kernel.
 * ms_kconfig("CONFIG_COMPACTION") is 'y' or 'm', 'n' when /proc/config.gz
 * says "is not set" or does not list the symbol, and -1 when there is no
 * /proc/config.gz to read (IKCONFIG off: Debian's kernels), so the caller
 * decides by another fact. For bool and tristate symbols only.
 */
int ms_kconfig(const char *sym);

/*
 * h5 (degraded kernels): facts of the running kernel, from its config
 * (ms_kconfig()) or, without /proc/config.gz, from the files it has.
 */
bool ms_kernel_has_tracepoints(void);
bool ms_kernel_has_compaction(void);
/* What every hook view's status line says on a kernel without tracepoints. */
#define MS_NO_HOOKS_LINE "; kernel without CONFIG_TRACEPOINTS: nothing can be hooked\n"
/* 1 when the view at path says it, 0 when not, -1 when unreadable. */
int ms_view_cannot_hook(const char *path);

#endif

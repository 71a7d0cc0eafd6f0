// SPDX-License-Identifier: GPL-2.0
/*
 * memscope reclaim view (vmscan, compaction and OOM tracepoint hooks)
 * against the kernel's own /proc/vmstat counters, under two kinds of
 * memory pressure:
 *  - the memscope_test helper fragments free memory (every free block of
 *    order 3 or more taken, split, every other page given back) and then
 *    asks for order-3 blocks that may reclaim and compact but not retry:
 *    direct compaction, direct reclaim, kswapd and kcompactd all run,
 *    and no OOM kill can follow (__GFP_NORETRY);
 *  - a user-space hog touches anonymous memory until the OOM killer ends
 *    it (it volunteers with oom_score_adj 1000; this test and its
 *    ancestors are shielded with -1000 meanwhile), while 2 MiB of
 *    MADV_FREE pages give reclaim something to free, so that kswapd,
 *    direct reclaim and LRU reclaim all move before the kill.
 *
 * memscope and /proc/vmstat count the same kernel events, so their deltas
 * must be equal. Each side is read as "view, vmstat, view" and accepted
 * only when both view reads agree: nothing memscope counts happened in
 * between. The one documented tolerance is pgalloc_* against the alloc
 * view's pages: the kernel counts pages of the bulk allocator (vmalloc's
 * order-0 pages), which has no tracepoint, and does not count a block
 * that compaction captured for the allocating task, which mm_page_alloc
 * reports. Both sides of it are bounded by what the test itself does in
 * the window (below).
 *
 * direct_reclaimed has no vmstat twin: the kernel adds the slab pages a
 * direct reclaimer freed (reclaim_state) to what it took from the LRU
 * (pgsteal_direct), so pgsteal_direct is a lower bound, and the trace of
 * mm_vmscan_direct_reclaim_end (a tracefs instance) the exact oracle.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "msview.h"

#define RECLAIM MS_DEBUGFS "/reclaim"
#define ALLOC MS_DEBUGFS "/alloc"
#define ROUNDS 50
#define STALL_ORDER 3
#define STALL_TRIES 8
/* Costly (> PAGE_ALLOC_COSTLY_ORDER): compaction first, and nothing after. */
#define SKIP_ORDER 4

/* A memscope event and the /proc/vmstat counters (summed) it matches. */
struct pair {
	const char *event;
	const char *vmstat[3];
	bool prefix;		/* vmstat[0] is a prefix: allocstall_* */
};

static const struct pair pairs[] = {
	{ "kswapd_wakes", { "pageoutrun" }, false },
	{ "direct_reclaims", { "allocstall_" }, true },
	{ "compact_stalls", { "compact_stall" }, false },
	{ "compact_success", { "compact_success" }, false },
	{ "compact_fail", { "compact_fail" }, false },
	{ "oom_kills", { "oom_kill" }, false },
	{ "kcompactd_wakes", { "compact_daemon_wake" }, false },
	{ "lru_scanned", { "pgscan_anon", "pgscan_file" }, false },
	{ "lru_reclaimed", { "pgsteal_anon", "pgsteal_file" }, false },
};

#define NPAIRS ARRAY_SIZE(pairs)
/* Indexes in pairs[] the tests name. */
enum { P_KSWAPD, P_DIRECT, P_STALL, P_SUCCESS, P_FAIL, P_OOM, P_KCOMPACTD, P_SCANNED,
       P_RECLAIMED };

struct snap {
	long long ms[NPAIRS];
	long long vm[NPAIRS];
	unsigned long long pages;	/* alloc view, since load */
	/*
	 * pgalloc_* just before and just after the alloc view's read: the
	 * kernel's count at the moment of the read is between the two (the
	 * reads of /proc/vmstat and of the other view allocate pages too; an
	 * arm64 run saw memscope one page ahead with a single vmstat read).
	 */
	long long pgalloc_before, pgalloc;
};

static struct mst_reclaim r1, r2;
static struct mst_alloc al;
/* View reads take_snap() made (each can vmalloc its seq_file buffer). */
static int alloc_reads, reclaim_reads;

static long long vmstat_of(const struct pair *p)
{
	long long sum = 0, v;

	if (p->prefix)
		return ms_vmstat_prefix(p->vmstat[0]);
	for (int i = 0; i < 3 && p->vmstat[i]; i++) {
		v = ms_vmstat(p->vmstat[i]);
		if (v < 0)
			return -1;
		sum += v;
	}
	return sum;
}

/*
 * With multi-gen LRU enabled, reclaim bypasses shrink_inactive_list() and
 * its tracepoint while /proc/vmstat still counts: no comparison then.
 */
static bool lru_gen_enabled(void)
{
	char *v = ms_slurp("/sys/kernel/mm/lru_gen/enabled");
	bool on = v && strtoul(v, NULL, 0) != 0;

	free(v);
	return on;
}

static unsigned long long alloc_pages_total(void)
{
	unsigned long long n = 0;

	for (int o = 0; o < al.norders; o++)
		n += al.allocs[0][o] << o;
	return n;
}

/* View, vmstat, view, until both view reads agree. */
static int take_snap(struct snap *s)
{
	for (int round = 0; round < ROUNDS; round++) {
		bool same = true;

		alloc_reads++;
		reclaim_reads += 2;
		if (ms_read_reclaim(RECLAIM, &r1))
			return -1;
		s->pgalloc_before = ms_vmstat_prefix("pgalloc_");
		if (ms_read_alloc(ALLOC, &al))
			return -1;
		s->pages = alloc_pages_total();
		s->pgalloc = ms_vmstat_prefix("pgalloc_");
		for (unsigned int i = 0; i < NPAIRS; i++)
			s->vm[i] = vmstat_of(&pairs[i]);
		if (ms_read_reclaim(RECLAIM, &r2))
			return -1;
		for (unsigned int i = 0; i < NPAIRS; i++) {
			s->ms[i] = ms_reclaim_ev(&r1, pairs[i].event, 0);
			same &= s->ms[i] == ms_reclaim_ev(&r2, pairs[i].event, 0);
		}
		if (same)
			return round;
		usleep(20000);
	}
	return -1;
}

static void compare(struct __test_metadata *_metadata, const struct snap *a,
		    const struct snap *b)
{
	bool lru = !lru_gen_enabled();

	for (unsigned int i = 0; i < NPAIRS; i++) {
		long long dm = b->ms[i] - a->ms[i], dv = b->vm[i] - a->vm[i];

		if (!strncmp(pairs[i].event, "lru_", 4) && !lru)
			continue;
		if (!ms_kernel_has_tracepoints()) {
			/* Nothing can be hooked: no event of the view ever moves. */
			EXPECT_EQ(0, dm) TH_LOG("%s moved", pairs[i].event);
			continue;
		}
		if (!strncmp(pairs[i].vmstat[0], "compact_", 8) && !ms_kernel_has_compaction()) {
			/* No compaction: no compact_* in /proc/vmstat, no event here. */
			EXPECT_LT(a->vm[i], 0) TH_LOG("%s in /proc/vmstat", pairs[i].vmstat[0]);
			EXPECT_EQ(0, dm) TH_LOG("%s moved", pairs[i].event);
			continue;
		}
		TH_LOG("%-16s memscope %+lld, /proc/vmstat %s%s%s%s %+lld", pairs[i].event, dm,
		       pairs[i].vmstat[0], pairs[i].prefix ? "*" : "",
		       pairs[i].vmstat[1] ? "+" : "", pairs[i].vmstat[1] ?: "", dv);
		EXPECT_GE(a->vm[i], 0) TH_LOG("no %s in /proc/vmstat", pairs[i].vmstat[0]);
		EXPECT_EQ(dv, dm);
	}
}

/*
 * The tracepoints a kernel without CONFIG_COMPACTION lacks (all of
 * trace/events/compaction.h memscope hooks), in the view's order.
 */
#define NO_COMPACTION_MISSING							\
	"mm_compaction_suitable mm_compaction_deferred mm_compaction_begin "	\
	"mm_compaction_end mm_compaction_defer_reset "				\
	"mm_compaction_kcompactd_wake mm_compaction_try_to_compact_pages"

TEST(reclaim_view_parses)
{
	ASSERT_EQ(0, ms_read_reclaim(RECLAIM, &r1));
	EXPECT_TRUE(r1.st.on);
	/* README: memscope works without these, and names what it lacks. */
	EXPECT_EQ(!ms_kernel_has_tracepoints(), ms_view_cannot_hook(RECLAIM));
	if (ms_kernel_has_tracepoints())
		EXPECT_STREQ(ms_kernel_has_compaction() ? "none" : NO_COMPACTION_MISSING,
			     r1.st.missing);
	for (unsigned int i = 0; i < NPAIRS; i++) {
		const char *name = pairs[i].event;

		EXPECT_GE(ms_reclaim_ev(&r1, name, 0), 0) TH_LOG("no event %s", name);
		/* No probe was ever attached: every count is still 0. */
		if (!ms_kernel_has_tracepoints())
			EXPECT_EQ(0, ms_reclaim_ev(&r1, name, 0)) TH_LOG("%s", name);
	}
	EXPECT_GE(r1.nbuckets, 20);
	for (int i = 0; i < r1.nevents; i++) {
		const char *name = r1.ev[i].name;

		EXPECT_LE(r1.ev[i].v[1], r1.ev[i].v[0]) TH_LOG("%s", name);
	}
}

/* vm.watermark_boost_factor while a test has it at 0 (ms_boost_off()). */
static char boost_factor[32];

/*
 * Both scenarios steal pageblocks across migratetypes, which boosts the
 * watermarks (watermark_boost_factor) until kswapd has run. After the
 * OOM kills of this and earlier tests kswapd has given up on the node and
 * is not woken again, so the boost (4 MiB at mem=32M) would stay and move
 * every watermark the tests that follow aim at: ms_reset_boost() has the
 * kernel recompute the watermarks, which drops every boost.
 */
static void unboost(void)
{
	ms_reset_boost();
}

FIXTURE(helper) {
	bool loaded_here;
};

FIXTURE_SETUP(helper)
{
	int ret;

	ret = ms_load_helper(&self->loaded_here);
	ASSERT_EQ(0, ret) TH_LOG("load %s: %s", MS_HELPER_KO, strerror(-ret));
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hk_release"));
}

FIXTURE_TEARDOWN(helper)
{
	ms_write_str(MS_HELPER_CTL, "hk_release");
	if (self->loaded_here)
		ms_unload_module("memscope_test");
	ms_boost_restore(boost_factor);
	unboost();
}

static unsigned long long sum_buckets(const struct mst_reclaim *r, int kind, int scope)
{
	unsigned long long n = 0;

	for (int i = 0; i < r->nbuckets; i++)
		n += r->stall[kind][i][scope];
	return n;
}

/* Pages of the seq_file buffers one read of a view of BYTES can vmalloc. */
static long long vmalloc_pages_per_read(size_t bytes)
{
	long page = sysconf(_SC_PAGESIZE), size = page;

	/*
	 * seq_read() starts with a page and doubles the buffer until the
	 * view fits; kvmalloc() falls back to vmalloc (the bulk allocator)
	 * for the buffers above a page when kmalloc fails, as it does on
	 * fragmented memory. At most 2 + 4 + ... + size / page pages.
	 */
	while (size <= (long)bytes)
		size *= 2;
	return 2 * (size / page) - 2;
}

static size_t view_bytes(const char *path)
{
	char *t = ms_slurp(path);
	size_t n = t ? strlen(t) : 0;

	free(t);
	return n;
}

/*
 * kcompactd looks for work asked of it every 500 ms, or every 32 s after
 * proactive compaction made no progress (kcompactd(), 6.1): room for both.
 */
#define KCOMPACTD_WAIT_MS 40000

static bool kswapd_gave_up(void);

/*
 * Rewriting vm.compaction_proactiveness (non-zero) wakes kcompactd for
 * proactive work (not a compact_daemon_wake), after which it waits for
 * work with its short timeout again, however long it had deferred.
 */
/*
 * Run the helper command @cmd, read its outcome from the helper's line
 * that starts with @key (@fmt scans two counts: succeeded, failed), and
 * give back everything the helper holds. 0, or -1 if any step failed.
 */
/* Runs a helper command and reads its "KEY OK FAILED" line back. */
static int run_and_read(const char *cmd, const char *key, const char *fmt,
			unsigned int *ok, unsigned int *failed)
{
	char *list, *line;
	int n = 0;

	if (ms_write_str(MS_HELPER_CTL, cmd))
		return -1;
	list = ms_slurp(MS_HELPER_CTL);
	line = list ? strstr(list, key) : NULL;
	if (line)
		n = sscanf(line, fmt, ok, failed);
	free(list);
	return n == 2 ? 0 : -1;
}

/* The same, then gives back everything the helper holds. */
static int run_and_release(const char *cmd, const char *key, const char *fmt,
			   unsigned int *ok, unsigned int *failed)
{
	int ret = run_and_read(cmd, key, fmt, ok, failed);

	if (ms_write_str(MS_HELPER_CTL, "hk_release"))
		return -1;
	return ret;
}

static void poke_kcompactd(void)
{
	const char *sysctl = "/proc/sys/vm/compaction_proactiveness";
	char v[32];

	if (!ms_read_small(sysctl, v, sizeof(v)) && strcmp(v, "0"))
		ms_write_str(sysctl, v);
}

/* Up to KCOMPACTD_WAIT_MS for kcompactd, and the rest of the case. */
TEST_F_TIMEOUT(helper, fragmented_memory_stalls_agree_with_vmstat, 40 + KCOMPACTD_WAIT_MS / 1000)
{
	struct snap a, s, b;
	unsigned int ok = 0, failed = 0;
	int rerequests = 0;
	long long dr, untimed, fails_before, t0;
	char cmd[32];
	long long kernel, kernel_most, kernel_least, ours, attempts, captured, bulk;
	bool hopeless;
	/* The views grow by a few lines at most while the test runs. */
	size_t abytes = view_bytes(ALLOC) + 4096, rbytes = view_bytes(RECLAIM) + 4096;

	if (!ms_kernel_has_compaction())
		SKIP(return, "kernel without CONFIG_COMPACTION");
	if (!ms_kernel_has_tracepoints())
		SKIP(return, "kernel without CONFIG_TRACEPOINTS");
	/*
	 * Each steal of a pageblock (hk_skip and hk_frag steal) boosts the
	 * zone's watermarks by up to a pageblock (4 MiB on versatilepb): with
	 * the min watermark that high, compaction finds too little free above
	 * it and skips every zone (at mem=32M not one stall), and the guest
	 * is at its min watermark. Boosting is off for the test, the boosts
	 * earlier tests left cleared.
	 */
	ASSERT_EQ(0, ms_boost_off(boost_factor));
	ASSERT_EQ(0, ms_mark("reclaim"));
	ASSERT_EQ(0, ms_read_alloc(ALLOC, &al));
	fails_before = al.fails[0][STALL_ORDER];
	alloc_reads = 0;
	reclaim_reads = 0;
	ASSERT_LE(0, take_snap(&a));
	ms_oracle("/proc/vmstat");

	/*
	 * First a compaction attempt with too little free memory: the kernel
	 * skips it (no compact_stall) unless the zone was deferred, and
	 * memscope must agree either way.
	 */
	snprintf(cmd, sizeof(cmd), "hk_skip %d", SKIP_ORDER);
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
	ASSERT_LE(0, take_snap(&s));
	attempts = ms_reclaim_ev(&r1, "compact_attempts", 1);
	TH_LOG("starved order-%d request: %lld attempt(s), stalls %lld memscope, %lld kernel",
	       SKIP_ORDER, attempts, s.ms[P_STALL] - a.ms[P_STALL],
	       s.vm[P_STALL] - a.vm[P_STALL]);
	EXPECT_GE(attempts, 1);
	EXPECT_EQ(s.vm[P_STALL] - a.vm[P_STALL], s.ms[P_STALL] - a.ms[P_STALL]);

	/*
	 * Direct compaction first: with no block of STALL_ORDER left, the
	 * requests compact (compact_stall). Done before kcompactd is woken,
	 * which could otherwise make the blocks first (seen on x86_64 128M:
	 * 8 requests served, no stall).
	 */
	snprintf(cmd, sizeof(cmd), "hk_frag %d", STALL_ORDER);
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
	snprintf(cmd, sizeof(cmd), "hk_stall %d %d", STALL_ORDER, STALL_TRIES);
	ASSERT_EQ(0, run_and_release(cmd, "hk_last", "hk_last hk_stall %*d %u %u", &ok, &failed));
	TH_LOG("order-%d requests on fragmented memory: %u succeeded, %u failed",
	       STALL_ORDER, ok, failed);
	/*
	 * Fragmented again: requests that may wake kswapd but not reclaim
	 * leave kcompactd work for STALL_ORDER, through kswapd or at once
	 * when kswapd has given up on the node (h2_pages.c).
	 *
	 * The fragmentation stays until kcompactd has run: kcompactd is
	 * woken only while a zone needs compaction for the order
	 * (kcompactd_node_suitable()). With kswapd still trying, released
	 * memory let it balance the node and sleep without waking kcompactd,
	 * or it kept failing for longer than the harness's 30 s (arm64 128M,
	 * 2026-12-07: "kswapd active", then the case timed out). Requests
	 * are made again each second, so that once kswapd gives up the next
	 * one wakes kcompactd itself.
	 */
	snprintf(cmd, sizeof(cmd), "hk_frag %d", STALL_ORDER);
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
	hopeless = kswapd_gave_up();
	snprintf(cmd, sizeof(cmd), "h2_nowait %d %d", STALL_ORDER, STALL_TRIES);
	ASSERT_EQ(0, run_and_read(cmd, "h2_nowait ", "h2_nowait %*d %u %u", &ok, &failed));
	TH_LOG("GFP_NOWAIT order-%d requests: %u succeeded, %u failed; kswapd %s",
	       STALL_ORDER, ok, failed, hopeless ? "had given up" : "active");
	/* kcompactd runs by itself: the kernel's count says when it has. */
	poke_kcompactd();
	t0 = ms_now_ms();
	for (int tick = 1; ms_vmstat("compact_daemon_wake") == a.vm[P_KCOMPACTD] &&
	     ms_now_ms() - t0 < KCOMPACTD_WAIT_MS; tick++) {
		usleep(50000);
		if (tick % 20 == 0) {
			ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
			rerequests++;
		}
	}
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hk_release"));

	TH_LOG("compact_daemon_wake %+lld after %lld ms and %d more round(s) of requests; kswapd %s",
	       ms_vmstat("compact_daemon_wake") - a.vm[P_KCOMPACTD], ms_now_ms() - t0,
	       rerequests, kswapd_gave_up() ? "has given up" : "active");
	ASSERT_LE(0, take_snap(&b));
	compare(_metadata, &a, &b);

	/*
	 * The scenario moved what it is meant to move, as the kernel counts
	 * it: the order-3 requests compacted (not skipped: hk_frag leaves
	 * half of the free memory free, far above the min watermark plus
	 * compaction's gap), and kcompactd ran.
	 */
	EXPECT_GT(ms_reclaim_ev(&r1, "compact_attempts", 1), 0) TH_LOG("no compaction attempt");
	EXPECT_GT(b.vm[P_STALL] - s.vm[P_STALL], 0) TH_LOG("no compact_stall");
	EXPECT_GT(b.vm[P_KCOMPACTD] - a.vm[P_KCOMPACTD], 0)
		TH_LOG("kcompactd did not run within %d ms", KCOMPACTD_WAIT_MS);
	/*
	 * Direct reclaim follows only when compaction could not make the
	 * block (on a debug kernel with memory to spare it once made all
	 * eight): the counts agree either way (above); time only what ran.
	 */
	if (b.vm[P_DIRECT] - a.vm[P_DIRECT] == 0)
		TH_LOG("no direct reclaim: compaction served every request");
	/*
	 * kswapd may not wake here: after an OOM kill its node is hopeless
	 * until a reclaim makes progress (kswapd_failures). The hog test
	 * checks kswapd.
	 */

	/* Every finished direct reclaim is in the histogram, and timed. */
	ASSERT_EQ(0, ms_read_reclaim(RECLAIM, &r1));
	TH_LOG("compaction: %lld attempt(s), %lld stall(s); kcompactd %lld wake(s)",
	       ms_reclaim_ev(&r1, "compact_attempts", 1), b.ms[P_STALL] - a.ms[P_STALL],
	       b.ms[P_KCOMPACTD] - a.ms[P_KCOMPACTD]);
	dr = ms_reclaim_ev(&r1, "direct_reclaims", 1);
	untimed = ms_reclaim_ev(&r1, "direct_reclaim_untimed", 1);
	EXPECT_EQ(dr - untimed, sum_buckets(&r1, 0, 1));
	if (b.ms[P_DIRECT] - a.ms[P_DIRECT] > 0)
		EXPECT_GT(ms_reclaim_ev(&r1, "direct_reclaim_time", 1), 0);
	if (b.ms[P_STALL] - a.ms[P_STALL] > 0)
		EXPECT_GT(ms_reclaim_ev(&r1, "compact_stall_time", 1), 0);
	EXPECT_GE(ms_reclaim_ev(&r1, "compact_attempts", 1),
		  ms_reclaim_ev(&r1, "compact_stalls", 1));
	/*
	 * Each stall enters the histogram once, but a failed one only when
	 * its task next reclaims or compacts, which may be after a mark the
	 * stall came before (7 entries for 6 stalls since the mark seen on
	 * arm64): since load, not since the mark.
	 */
	EXPECT_LE(sum_buckets(&r1, 1, 0), ms_reclaim_ev(&r1, "compact_stalls", 0));

	/* The failed requests are in the alloc view's failures. */
	ASSERT_EQ(0, ms_read_alloc(ALLOC, &al));
	EXPECT_GE(al.fails[0][STALL_ORDER] - fails_before, failed);

	/*
	 * Pages. The kernel counts, and mm_page_alloc does not report, the
	 * bulk allocator's pages: in this window only vmalloc'ed seq_file
	 * buffers of the test's own view reads (the helper holds its pages
	 * through page->lru and allocates nothing else; /proc/vmstat's buffer
	 * is a page). mm_page_alloc reports, and the kernel does not count,
	 * a block compaction captured for the requester: at most one per
	 * successful compaction (compact_success), of the request's order.
	 */
	kernel = b.pgalloc - a.pgalloc;
	kernel_most = b.pgalloc - a.pgalloc_before;
	kernel_least = b.pgalloc_before - a.pgalloc;
	ours = b.pages - a.pages;
	captured = ((s.vm[P_SUCCESS] - a.vm[P_SUCCESS]) << SKIP_ORDER) +
		   ((b.vm[P_SUCCESS] - s.vm[P_SUCCESS]) << STALL_ORDER);
	bulk = alloc_reads * vmalloc_pages_per_read(abytes) +
	       reclaim_reads * vmalloc_pages_per_read(rbytes);
	TH_LOG("pages allocated: memscope %lld, pgalloc_* %lld (%lld to %lld around the view's reads; allowed: %lld bulk from %d + %d view reads, %lld captured)",
	       ours, kernel, kernel_least, kernel_most, bulk, alloc_reads, reclaim_reads,
	       captured);
	EXPECT_GT(ours, 0);
	EXPECT_LE(ours - kernel_most, captured);
	EXPECT_LE(kernel_least - ours, bulk);
	ms_boost_restore(boost_factor);
}

/* Lazily freeable memory the hog's reclaim can take back. */
#define LAZY_BYTES (2 << 20)
/* The test, the harness, run_selftests, the shell of /init, and spare. */
#define MAX_SHIELDED 8

static int oom_adj_path(pid_t pid, char *path, size_t len)
{
	return snprintf(path, len, "/proc/%d/oom_score_adj", (int)pid);
}

static int get_oom_adj(pid_t pid, int *adj)
{
	char path[64], *v, *end;
	int ret = -1;

	oom_adj_path(pid, path, sizeof(path));
	v = ms_slurp(path);
	if (v) {
		*adj = strtol(v, &end, 10);
		ret = end != v ? 0 : -1;
	}
	free(v);
	return ret;
}

static int set_oom_adj(pid_t pid, int adj)
{
	char path[64], v[16];
	int now;

	oom_adj_path(pid, path, sizeof(path));
	snprintf(v, sizeof(v), "%d", adj);
	if (ms_write_str(path, v) || get_oom_adj(pid, &now))
		return -1;
	return now == adj ? 0 : -1;
}

static pid_t parent_of(pid_t pid)
{
	char path[64], *stat, *p;
	int ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	stat = ms_slurp(path);
	/* "PID (COMM) STATE PPID ...": COMM may hold spaces and brackets. */
	p = stat ? strrchr(stat, ')') : NULL;
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		ppid = 0;
	free(stat);
	return ppid;
}

struct shield {
	int n;
	pid_t pid[MAX_SHIELDED];
	int adj[MAX_SHIELDED];
};

static void unshield(const struct shield *sh)
{
	for (int i = 0; i < sh->n; i++)
		set_oom_adj(sh->pid[i], sh->adj[i]);
}

/*
 * Protects this process and its ancestors up to, not including, init
 * (which the OOM killer never picks): the hog must be the only process the
 * OOM killer can choose, so that its kill is the one the test counts and
 * the runner survives to report. The old values go back in unshield().
 */
static int shield(struct shield *sh)
{
	pid_t pid = getpid();

	for (sh->n = 0; pid > 1; pid = parent_of(pid)) {
		if (sh->n == MAX_SHIELDED || get_oom_adj(pid, &sh->adj[sh->n]))
			break;
		sh->pid[sh->n++] = pid;
		if (set_oom_adj(pid, -1000))
			break;
	}
	if (pid == 1)
		return 0;
	/* Too deep, gone, or refused: leave everything as it was. */
	unshield(sh);
	return -1;
}

/*
 * Touches anonymous memory until killed. It volunteers first: were it
 * left at the -1000 it inherits, no process would be eligible and the
 * kernel would panic ("System is deadlocked on memory").
 */
static void hog(void)
{
	long page = sysconf(_SC_PAGESIZE);

	if (set_oom_adj(getpid(), 1000))
		_exit(2);
	for (;;) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			usleep(1000);
			continue;
		}
		for (long i = 0; i < (1 << 20); i += page)
			p[i] = 1;
	}
}

/*
 * Anonymous pages given up with MADV_FREE: clean, on the inactive file
 * list, and discarded by reclaim without swap. The guests have no swap and
 * no page cache outside tmpfs, so without them no reclaim makes progress,
 * and after an earlier OOM kill (other tests' hogs) kswapd has given up on
 * the node (kswapd_failures, node_unreclaimable in /proc/zoneinfo):
 * wakeup_kswapd() leaves a hopeless node alone until some reclaim frees a
 * page. The hog's direct reclaim frees these, which revives kswapd before
 * the OOM kill. MADV_DONTFORK: the hog must not share them (MADV_FREE
 * skips pages mapped twice), and they stay in this process only.
 */
static void *lazy_pages(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* Base pages: a huge page would be split first; no THP is fine too. */
	madvise(p, len, MADV_NOHUGEPAGE);
	if (madvise(p, len, MADV_DONTFORK))
		goto fail;
	memset(p, 1, len);
	if (madvise(p, len, MADV_FREE))
		goto fail;
	return p;
fail:
	munmap(p, len);
	return NULL;
}

/* Whether kswapd has given up on some node (/proc/zoneinfo). */
static bool kswapd_gave_up(void)
{
	static const char key[] = "node_unreclaimable:";
	char *zi = ms_slurp("/proc/zoneinfo"), *p;
	bool any = false;

	for (p = zi; p && (p = strstr(p, key)); p++)
		any |= strtol(p + strlen(key), NULL, 10) != 0;
	free(zi);
	return any;
}

/*
 * Memory the kernel holds for the test helper cannot be reclaimed: give it
 * back, so that the hog's kill is enough to end the shortage.
 */
static int helper_release(void)
{
	int ret;

	if (!ms_module_loaded("memscope_test"))
		return 0;
	ret = ms_write_str(MS_HELPER_CTL, "hk_release");
	return ret ? ret : ms_write_str(MS_HELPER_CTL, "hog_release all");
}

/* Sum of nr_reclaimed over the traced direct reclaim ends, and their number. */
static long long traced_direct_reclaimed(long long *ends)
{
	char *text = ms_trace_text(), *p;
	long long sum = 0;
	unsigned long n;

	*ends = 0;
	if (!text)
		return -1;
	for (p = text; (p = strstr(p, " mm_vmscan_direct_reclaim_end: ")); p++)
		if (sscanf(strstr(p, ": ") + 2, "nr_reclaimed=%lu", &n) == 1) {
			sum += n;
			(*ends)++;
		}
	free(text);
	return sum;
}

#define DIRECT_END "vmscan/mm_vmscan_direct_reclaim_end"

TEST(oom_hog_agrees_with_vmstat)
{
	static const char *const events[] = { DIRECT_END };
	long long lazy_before = ms_vmstat("pglazyfree");
	long long dr_a, dr_b, steal_a, steal_b, traced = -1, ends = 0;
	bool hopeless = kswapd_gave_up();
	bool trace = ms_trace_has_event(DIRECT_END);
	struct shield sh;
	struct snap a, b;
	int status = 0;
	void *lazy;
	pid_t pid;

	ASSERT_EQ(0, helper_release());
	lazy = lazy_pages(LAZY_BYTES);
	ASSERT_TRUE(lazy != NULL) TH_LOG("MADV_FREE: %s", strerror(errno));
	TH_LOG("%lld page(s) lazily freeable; kswapd %s",
	       ms_vmstat("pglazyfree") - lazy_before,
	       hopeless ? "had given up on a node" : "active on every node");
	/* Not all: a per-CPU batch of them may still wait to be moved. */
	ASSERT_GT(ms_vmstat("pglazyfree") - lazy_before, 0);

	if (trace)
		ASSERT_EQ(0, ms_trace_open(events, 1, 1024));
	ASSERT_LE(0, take_snap(&a));
	ms_oracle("/proc/vmstat, tracefs vmscan:mm_vmscan_direct_reclaim_end");
	dr_a = ms_reclaim_ev(&r1, "direct_reclaimed", 0);
	steal_a = ms_vmstat("pgsteal_direct");
	/* Nothing reclaims before the hog runs, nor once it is reaped. */
	if (trace)
		ASSERT_EQ(0, ms_trace_on(true));
	ASSERT_EQ(0, shield(&sh)) TH_LOG("cannot protect the test's processes");
	pid = fork();
	if (pid == 0) {
		hog();
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (trace)
		ms_trace_on(false);
	unshield(&sh);
	ASSERT_LT(0, pid);
	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("hog exit status %d", WEXITSTATUS(status));
	EXPECT_EQ(SIGKILL, WTERMSIG(status));
	/* The victim's memory is returned by the time it is reaped. */
	ASSERT_LE(0, take_snap(&b));
	dr_b = ms_reclaim_ev(&r1, "direct_reclaimed", 0);
	steal_b = ms_vmstat("pgsteal_direct");
	if (trace) {
		EXPECT_EQ(0, ms_trace_lost());
		traced = traced_direct_reclaimed(&ends);
		ms_trace_close();
	}
	compare(_metadata, &a, &b);
	if (!ms_kernel_has_tracepoints()) {
		/* The kill happened (the oracle); memscope counted none of it. */
		EXPECT_GE(b.vm[P_OOM] - a.vm[P_OOM], 1) TH_LOG("no OOM kill in /proc/vmstat");
		munmap(lazy, LAZY_BYTES);
		unboost();
		return;
	}
	/*
	 * direct_reclaimed: the pages each direct reclaim reported at its end
	 * (the trace, exactly), of which pgsteal_direct counts the LRU part;
	 * the rest are slab pages the reclaimers freed.
	 */
	TH_LOG("direct_reclaimed %+lld; traced %lld in %lld end(s); pgsteal_direct %+lld",
	       dr_b - dr_a, traced, ends, steal_b - steal_a);
	EXPECT_GE(dr_a, 0);
	EXPECT_GE(steal_a, 0);
	EXPECT_LE(steal_b - steal_a, dr_b - dr_a);
	if (trace) {
		EXPECT_EQ(traced, dr_b - dr_a);
		EXPECT_EQ(ends, b.ms[P_DIRECT] - a.ms[P_DIRECT]);
	}
	EXPECT_GE(b.ms[P_OOM] - a.ms[P_OOM], 1) TH_LOG("no OOM kill counted");
	EXPECT_GT(b.ms[P_DIRECT] - a.ms[P_DIRECT], 0) TH_LOG("no direct reclaim before the OOM kill");
	EXPECT_GT(b.ms[P_KSWAPD] - a.ms[P_KSWAPD], 0) TH_LOG("kswapd never woke");
	/* The lazily freed pages are what reclaim found (no MGLRU). */
	if (!lru_gen_enabled())
		EXPECT_GT(b.ms[P_RECLAIMED] - a.ms[P_RECLAIMED], 0) TH_LOG("no page reclaimed");
	munmap(lazy, LAZY_BYTES);
	unboost();
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope pressure view and levels against /proc/zoneinfo, the buddy view
 * and a hog (memscope_test) that walks a zone through its watermarks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "msview.h"

#define PRESSURE MS_DEBUGFS "/pressure"
#define BUDDY MS_DEBUGFS "/buddy"
#define ROUNDS 50

static const char *const levels[] = { "none", "low", "medium", "critical", "oom" };

static int level_index(const char *name)
{
	for (int i = 0; i < 5; i++)
		if (!strcmp(name, levels[i]))
			return i;
	return -1;
}

static long long kv(const char *text, const char *scope, const char *key,
		    const char *name)
{
	long long v = -1;

	if (ms_kv_get(text, scope, key, name, &v))
		return -1;
	return v;
}

/*
 * The pressure view through one descriptor kept open: seq_file keeps its
 * buffer between reads of an open file, while each new open allocates one
 * again. On the debug kernels (KASAN, SLUB debugging) that is an order-2
 * slab page, which a zone the hog has fragmented and brought low cannot
 * give without the OOM killer.
 */
static int view_fd = -1;

/* An open file holds memscope: close it before unloading. */
static void view_close(void)
{
	if (view_fd >= 0)
		close(view_fd);
	view_fd = -1;
}

static char *view_text(void)
{
	size_t len = 0, cap = 16384;
	char *buf = malloc(cap);
	ssize_t n;

	if (view_fd < 0)
		view_fd = open(PRESSURE, O_RDONLY);
	if (view_fd < 0 || !buf || lseek(view_fd, 0, SEEK_SET)) {
		free(buf);
		return NULL;
	}
	while ((n = read(view_fd, buf + len, cap - 1 - len)) > 0) {
		len += n;
		if (len + 1 == cap) {
			char *more = realloc(buf, cap *= 2);

			if (!more)
				break;
			buf = more;
		}
	}
	buf[len] = '\0';
	return buf;
}

static int level_of(const char *text, const char *scope)
{
	char name[16];

	if (ms_kv_str(text, scope, "level", name, sizeof(name)))
		return -1;
	return level_index(name);
}

/*
 * Keep the CPU busy without allocating: the pressure timer is deferrable,
 * so it does not fire on an idle CPU (by design: no wake-ups when idle).
 */
static void spin_ms(long long ms)
{
	long long end = ms_now_ms() + ms;

	while (ms_now_ms() < end)
		;
}

/*
 * Threads that keep every other CPU busy: the deferrable timer stays on
 * the CPU that armed it, and an idle CPU would hold it back. Threads, not
 * forked processes: a fork copies pages, which a test holding a zone low
 * cannot afford (on a debug kernel it reached min and the OOM killer).
 */
#define MS_MAX_SPINNERS 16
static volatile int spinners_stop;
static pthread_t spinners[MS_MAX_SPINNERS];
static int nr_spinners;

static void *spinner(void *unused)
{
	while (!spinners_stop)
		;
	return NULL;
}

static void spinners_start(void)
{
	spinners_stop = 0;
	for (long i = 1; i < sysconf(_SC_NPROCESSORS_ONLN) && nr_spinners < MS_MAX_SPINNERS; i++)
		if (!pthread_create(&spinners[nr_spinners], NULL, spinner, NULL))
			nr_spinners++;
}

static void spinners_end(void)
{
	spinners_stop = 1;
	while (nr_spinners)
		pthread_join(spinners[--nr_spinners], NULL);
}

/* The same on every CPU. */
static void spin_all_cpus_ms(long long ms)
{
	spinners_start();
	spin_ms(ms);
	spinners_end();
}

static void restore_defaults(void)
{
	ms_param_set("period_ms", "1000");
	ms_param_set("fast_period_ms", "100");
	ms_param_set("window_ms", "1000");
	ms_param_set("hold_ms", "1000");
}

TEST(zones_match_proc_zoneinfo)
{
	static struct ms_zoneinfo zi[32];
	int round, n = 0;

	for (round = 0; round < ROUNDS; round++) {
		char *before = view_text(), *after;
		bool same = true;
		int checked = 0;

		ASSERT_TRUE(before != NULL);
		n = ms_read_zoneinfo(zi, 32);
		after = view_text();
		ASSERT_TRUE(after != NULL);
		ASSERT_GT(n, 0);
		for (int i = 0; i < n && same; i++) {
			char scope[48];
			int base = i - i % (zi[i].nprotection ?: 1);

			snprintf(scope, sizeof(scope), "node%d/%s", zi[i].node, zi[i].name);
			if (!zi[i].populated) {
				/* Like /proc/buddyinfo: only populated zones. */
				EXPECT_EQ(-1, level_of(before, scope));
				continue;
			}
			checked++;
			for (int v = 0; v < 2; v++) {
				const char *t = v ? after : before;

				same &= kv(t, scope, "free_pages", NULL) == (long long)zi[i].free;
				same &= kv(t, scope, "managed_pages", NULL) == (long long)zi[i].managed;
				same &= kv(t, scope, "watermark_pages", "min") == (long long)zi[i].min;
				same &= kv(t, scope, "watermark_pages", "low") == (long long)zi[i].low;
				same &= kv(t, scope, "watermark_pages", "high") == (long long)zi[i].high;
				same &= kv(t, scope, "watermark_pages", "boost") == (long long)zi[i].boost;
				/* zoneinfo lists every zone of a node, in order. */
				for (int r = 0; r < zi[i].nprotection; r++)
					same &= kv(t, scope, "lowmem_reserve_pages",
						   zi[base + r].name) == zi[i].protection[r];
			}
		}
		free(before);
		free(after);
		if (same) {
			TH_LOG("%d populated zone(s) agree after %d round(s)", checked, round + 1);
			break;
		}
	}
	ASSERT_LT(round, ROUNDS);
}

TEST(order_blocks_match_buddy)
{
	static struct ms_view a, b;
	int round;

	for (round = 0; round < ROUNDS; round++) {
		char *text;
		bool same = true;

		ASSERT_EQ(0, ms_read_buddy(BUDDY, &a));
		text = view_text();
		ASSERT_TRUE(text != NULL);
		ASSERT_EQ(0, ms_read_buddy(BUDDY, &b));
		for (int i = 0; i < a.nzones; i++) {
			char scope[48], name[8];

			snprintf(scope, sizeof(scope), "node%d/%s", a.z[i].node, a.z[i].name);
			for (int o = 1; o <= 4 && o < a.norders; o++) {
				snprintf(name, sizeof(name), "%d", o);
				same &= kv(text, scope, "order_blocks", name) ==
					(long long)(a.z[i].pages_ge[o] >> o);
			}
		}
		free(text);
		if (same && ms_same_blocks(&a, &b))
			break;
	}
	ASSERT_LT(round, ROUNDS);
}

TEST(time_in_level_adds_up_to_time_since_load)
{
	char *t = view_text();
	long long sum = 0, since;
	static struct ms_view v;

	ASSERT_TRUE(t != NULL);
	ASSERT_EQ(0, ms_read_buddy(BUDDY, &v));
	since = kv(t, "system", "since_load_ms", NULL);
	ASSERT_GE(since, 0);
	for (int l = 0; l < 5; l++)
		sum += kv(t, "system", "time_in_level_ms", levels[l]);
	/* Each of five values is rounded down to a millisecond. */
	EXPECT_LE(since - sum, 5);
	EXPECT_GE(since - sum, 0);
	for (int i = 0; i < v.nzones; i++) {
		char scope[48];
		long long zsum = 0;

		snprintf(scope, sizeof(scope), "node%d/%s", v.z[i].node, v.z[i].name);
		for (int l = 0; l < 5; l++)
			zsum += kv(t, scope, "time_in_level_ms", levels[l]);
		EXPECT_LE(since - zsum, 5);
		EXPECT_GE(since - zsum, 0);
	}
	free(t);
}

/*
 * The system position by the allocator's rule, recomputed from the view's
 * own per-zone figures (@t): an allocation whose highest zone is c goes
 * ahead without reclaim while any zone at or below c (on any node) has
 * usable free memory above its watermark plus lowmem_reserve[c]. The
 * position is the worse of the class of kernel allocations (the highest
 * populated zone up to Normal) and that of the highest populated zone.
 * Returns the level, or -1 if the view cannot be parsed.
 */
static int position_by_rule(const char *t, bool verbose)
{
	static const char *const wname[] = { "min", "low", "high" };
	int nnames = 0, normal = -1, top = -1, kernel = -1, want = 0;
	char names[8][16], scope[48];
	bool populated[8] = {};
	const char *line;
	struct {
		int node;
		char name[16];
	} z[64];
	int nz = 0;

	/* The populated zones: the view's "node<N>/<zone> level" lines. */
	for (line = t; line && *line && nz < 64; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		if (sscanf(line, "node%d/%15s level ", &z[nz].node, z[nz].name) == 2 &&
		    !strncmp(line + strcspn(line, " ") + strspn(line + strcspn(line, " "), " "),
			     "level ", 6))
			nz++;
	/* Zone names in index order, from any zone's lowmem_reserve line. */
	line = strstr(t, "lowmem_reserve_pages");
	if (!line)
		return -1;
	line += strlen("lowmem_reserve_pages");
	for (;;) {
		const char *eq;

		line += strspn(line, " ");
		if (*line == '\n' || !*line || nnames == 8)
			break;
		eq = strchr(line, '=');
		if (!eq || eq - line >= 16)
			return -1;
		snprintf(names[nnames], sizeof(names[0]), "%.*s", (int)(eq - line), line);
		if (!strcmp(names[nnames], "Normal"))
			normal = nnames;
		nnames++;
		line = eq + strcspn(eq, " \n");
	}
	for (int i = 0; i < nz; i++)
		for (int c = 0; c < nnames; c++)
			if (!strcmp(z[i].name, names[c]))
				populated[c] = true;
	for (int c = 0; c < nnames; c++) {
		if (!populated[c])
			continue;
		top = c;
		if (c <= normal)
			kernel = c;
	}
	if (top < 0)
		return -1;
	for (int c = 0; c < nnames; c++) {
		long long above[3] = {};
		int level;

		if (c != top && c != kernel)
			continue;
		for (int i = 0; i < nz; i++) {
			long long usable, reserve;
			int zid = -1;

			for (int k = 0; k < nnames; k++)
				if (!strcmp(z[i].name, names[k]))
					zid = k;
			if (zid < 0 || zid > c)
				continue;
			snprintf(scope, sizeof(scope), "node%d/%s", z[i].node, z[i].name);
			usable = kv(t, scope, "usable_free_pages", NULL);
			reserve = kv(t, scope, "lowmem_reserve_pages", names[c]);
			if (usable < 0 || reserve < 0)
				return -1;
			for (int w = 0; w < 3; w++) {
				long long mark = kv(t, scope, "watermark_pages", wname[w]) + reserve;

				if (usable > mark)
					above[w] += usable - mark;
			}
		}
		level = !above[0] ? 3 : !above[1] ? 2 : !above[2] ? 1 : 0;
		if (verbose)
			fprintf(stderr, "# class %s: pages above min %lld, low %lld, high %lld: %s\n",
			       names[c], above[0], above[1], above[2], levels[level]);
		if (level > want)
			want = level;
	}
	return want;
}

static int position_of(const char *t)
{
	char name[16];

	return ms_kv_str(t, "system", "position", name, sizeof(name)) ? -1 : level_index(name);
}

/*
 * The view and the rule agree on an idle guest; the hog test checks them
 * again at every step of its descent, with the zones below the hog's zone
 * drained (x86_64's DMA), where a sum of free pages against a sum of
 * watermarks would say critical too early.
 */
TEST(system_position_follows_the_allocators_rule)
{
	int want, got;
	char *t;

	t = view_text();
	ASSERT_TRUE(t != NULL);
	want = position_by_rule(t, true);
	got = position_of(t);
	ASSERT_GE(want, 0);
	EXPECT_EQ(want, got) TH_LOG("system position %s, the allocator's rule says %s",
				    got >= 0 ? levels[got] : "?", levels[want]);
	free(t);
}

TEST(mark_and_bad_writes)
{
	char *t;

	EXPECT_EQ(-EINVAL, ms_write_str(PRESSURE, "marks"));
	EXPECT_EQ(-EINVAL, ms_write_str(PRESSURE, "reset everything"));
	ASSERT_EQ(0, ms_write_str(PRESSURE, "mark"));
	t = view_text();
	ASSERT_TRUE(t != NULL);
	/* Right after a mark the minimum is at most the current value. */
	EXPECT_LE(kv(t, "system", "lowest_available_pages", "mark"),
		  kv(t, "system", "available_pages", NULL));
	EXPECT_LE(kv(t, "system", "lowest_available_pages", "load"),
		  kv(t, "system", "lowest_available_pages", "mark"));
	free(t);
}

TEST(param_bounds)
{
	EXPECT_EQ(-EINVAL, ms_param_set("period_ms", "9"));
	EXPECT_EQ(-EINVAL, ms_param_set("period_ms", "60001"));
	EXPECT_EQ(-EINVAL, ms_param_set("fast_period_ms", "0"));
	EXPECT_EQ(-EINVAL, ms_param_set("window_ms", "99"));
	EXPECT_EQ(-EINVAL, ms_param_set("hold_ms", "600001"));
	EXPECT_EQ(-EINVAL, ms_param_set("hold_ms", "-1"));
	EXPECT_EQ(0, ms_param_set("period_ms", "250"));
	EXPECT_EQ(250, ms_param_get("period_ms"));
	EXPECT_EQ(0, ms_param_set("window_ms", "100"));
	EXPECT_EQ(100, ms_param_get("window_ms"));
	EXPECT_EQ(0, ms_param_set("hold_ms", "0"));
	EXPECT_EQ(0, ms_param_get("hold_ms"));
	restore_defaults();
	EXPECT_EQ(1000, ms_param_get("period_ms"));
}

static long long evaluations(void)
{
	char *t = view_text();
	long long e = t ? kv(t, "system", "evaluations", "total") : -1;

	free(t);
	return e;
}

/*
 * The timer runs period_ms apart while the level is none. A loaded host
 * slows a TCG guest's timers down, so no fixed count per second holds:
 * count the evaluations at period_ms=20 for a second or until there are
 * 15 (at most 5 s), then at period_ms=1000 for as long.
 */
TEST(period_ms_sets_the_sampling_rate)
{
	long long e0, t0, span, slow, fast;
	char *t;

	t = view_text();
	ASSERT_TRUE(t != NULL);
	if (level_of(t, "system") != 0)
		SKIP(free(t); return, "system level is not none");
	free(t);

	ASSERT_EQ(0, ms_param_set("period_ms", "20"));
	e0 = evaluations();
	t0 = ms_now_ms();
	do
		spin_all_cpus_ms(100);
	while ((evaluations() - e0 < 15 || ms_now_ms() - t0 < 1000) &&
	       ms_now_ms() - t0 < 5000);
	fast = evaluations() - e0;
	span = ms_now_ms() - t0;

	restore_defaults();
	e0 = evaluations();
	spin_all_cpus_ms(span);
	slow = evaluations() - e0;
	TH_LOG("evaluations: %lld at period_ms=20, then %lld at period_ms=1000, %lld ms each",
	       fast, slow, span);
	/* 50 a second expected at 20 ms: 15 in up to 5 s is a loaded guest's worst. */
	EXPECT_GE(fast, 15);
	/*
	 * One a second, plus the one due when the period changed and the
	 * evaluations the allocation hooks ask for while the spinners fork.
	 */
	EXPECT_LE(slow, span / 1000 + 5);
	EXPECT_GE(fast, 3 * slow);
}

TEST(window_ms_bounds_the_window)
{
	long long worst = 0;

	ASSERT_EQ(0, ms_param_set("window_ms", "200"));
	ASSERT_EQ(0, ms_param_set("period_ms", "20"));
	for (int i = 0; i < 40; i++) {
		char *t = view_text();
		long long w;

		ASSERT_TRUE(t != NULL);
		w = kv(t, "system", "window_elapsed_ms", NULL);
		free(t);
		if (w > worst)
			worst = w;
		spin_ms(20);
	}
	restore_defaults();
	TH_LOG("longest window seen: %lld ms (window_ms=200)", worst);
	EXPECT_LT(worst, 200);
	EXPECT_GT(worst, 20);
}

TEST(orders_param_selects_orders)
{
	static struct ms_view v;
	char scope[48], *t;

	view_close();
	ASSERT_EQ(0, ms_reload_memscope("orders=2,5"));
	t = ms_slurp(MS_PARAMS "orders");
	ASSERT_TRUE(t != NULL);
	EXPECT_EQ(0, strcmp(t, "2,5\n"));
	free(t);

	t = view_text();
	ASSERT_TRUE(t != NULL);
	ASSERT_EQ(0, ms_read_buddy(BUDDY, &v));
	snprintf(scope, sizeof(scope), "node%d/%s", v.z[0].node, v.z[0].name);
	EXPECT_GE(kv(t, scope, "order_blocks", "2"), 0);
	EXPECT_GE(kv(t, scope, "order_blocks", "5"), 0);
	EXPECT_EQ(-1, kv(t, scope, "order_blocks", "1"));
	EXPECT_EQ(-1, kv(t, scope, "order_blocks", "3"));
	free(t);
	/* An order the kernel does not have is refused at load. */
	view_close();
	EXPECT_EQ(-EINVAL, ms_reload_memscope("orders=99"));
	EXPECT_FALSE(ms_module_loaded("memscope"));
	ASSERT_EQ(0, ms_load_module(MS_MEMSCOPE_KO));
}

FIXTURE(hog) {
	char scope[48];
	int node;
	char zone[16];
	char boost_factor[32];
};

FIXTURE_SETUP(hog)
{
	int ret = ms_hog_prepare(&self->node, self->zone, self->boost_factor);

	ASSERT_EQ(0, ret) TH_LOG("hog: %s", strerror(-ret));
	snprintf(self->scope, sizeof(self->scope), "node%d/%s", self->node, self->zone);
}

FIXTURE_TEARDOWN(hog)
{
	ms_hog_finish(self->boost_factor);
	restore_defaults();
}

struct zstate {
	long long usable, min, low, high;
	int level, sys;
};

static int read_state(const char *scope, struct zstate *z, char **keep)
{
	char *t = view_text();

	if (!t)
		return -1;
	z->usable = kv(t, scope, "usable_free_pages", NULL);
	z->min = kv(t, scope, "watermark_pages", "min");
	z->low = kv(t, scope, "watermark_pages", "low");
	z->high = kv(t, scope, "watermark_pages", "high");
	z->level = level_of(t, scope);
	z->sys = level_of(t, "system");
	if (keep)
		*keep = t;
	else
		free(t);
	return z->usable < 0 || z->level < 0 ? -1 : 0;
}

/*
 * The helper's command file, opened once: below min an open() would need
 * memory (the file's seq_file state) and could end in the OOM killer.
 */
static int hog_ctl = -1;

static int hog_cmd(const char *cmd)
{
	if (hog_ctl < 0)
		hog_ctl = open(MS_HELPER_CTL, O_WRONLY);
	if (hog_ctl < 0)
		return -errno;
	return write(hog_ctl, cmd, strlen(cmd)) < 0 ? -errno : 0;
}

static int take(long long pages, const char *mode)
{
	char cmd[64];

	if (pages <= 0)
		return 0;
	snprintf(cmd, sizeof(cmd), "hog_take %lld %s", pages, mode);
	return hog_cmd(cmd);
}

static int give_back(long long pages)
{
	char cmd[64];

	if (pages <= 0)
		return 0;
	snprintf(cmd, sizeof(cmd), "hog_release %lld", pages);
	return hog_cmd(cmd);
}

/*
 * Take pages until the zone's usable free is in (lo, hi]; 0 when there.
 * Per-CPU list refills move free memory in batches, so approach the band
 * in shrinking steps, and treat a failed take near the floor as a reason
 * to look again rather than an error.
 */
static int descend_into(const char *scope, int level, struct zstate *z,
			long long *lowest_seen)
{
	for (int i = 0; i < 200; i++) {
		long long gap, lo, hi;
		int ret;

		if (read_state(scope, z, NULL))
			return -1;
		/* The band of @level, two pages in from either line. */
		lo = (level == 1 ? z->low : z->min) + 2;
		hi = (level == 1 ? z->high : z->low) - 2;
		if (z->usable < *lowest_seen)
			*lowest_seen = z->usable;
		if (z->usable > lo && z->usable <= hi)
			return 0;
		if (z->usable <= lo)
			return -1;	/* overshot */
		gap = z->usable - (lo + hi) / 2;
		ret = take(gap > 64 ? gap * 3 / 4 : (gap + 1) / 2, "nowait");
		if (ret && ret != -ENOMEM)
			return -1;
	}
	return -1;
}

/* Touches 256 KiB of stack below this frame, so later calls find it mapped. */
/*
 * The level of the zone ordinary allocations use rises none -> low ->
 * medium -> critical as its usable free memory falls through high, low and
 * min, and falls back only with hysteresis: one watermark step above the
 * entry line, held for hold_ms.
 */
/*
 * The timer samples every period_ms while the level is none, and every
 * fast_period_ms above none from the moment the level rises, not once the
 * slow period has run out: with a one-minute slow period, the second after
 * the zone drops below high still sees fast sampling.
 */
/* Leave the zone at none for the next test: release, then the hold. */
static void release_and_settle(struct __test_metadata *_metadata, const char *scope)
{
	struct zstate z;

	ASSERT_EQ(0, hog_cmd("hog_release all"));
	restore_defaults();
	for (long long t0 = ms_now_ms(); ms_now_ms() - t0 < 10000; spin_ms(100)) {
		ASSERT_EQ(0, read_state(scope, &z, NULL));
		if (!z.level && !z.sys)
			break;
	}
}

TEST_F(hog, fast_period_applies_as_soon_as_the_level_rises)
{
	long long lowest_seen = 1LL << 62, e0, e1;
	struct zstate z;

	/* The fixture's drain of lower zones may have failed allocations in the window. */
	for (e0 = ms_now_ms(); ms_now_ms() - e0 < 10000; spin_ms(100)) {
		ASSERT_EQ(0, read_state(self->scope, &z, NULL));
		if (!z.sys)
			break;
	}
	ASSERT_EQ(0, z.sys) TH_LOG("system level %s at the start", levels[z.sys]);
	/* Started before the descent: nothing new runs once the zone is low. */
	spinners_start();
	ASSERT_EQ(0, ms_param_set("fast_period_ms", "20"));
	ASSERT_EQ(0, ms_param_set("period_ms", "60000"));
	ASSERT_EQ(0, descend_into(self->scope, 1, &z, &lowest_seen));
	if (!z.sys) {
		/* Another node's zones still above high: the system stays at none. */
		spinners_end();
		release_and_settle(_metadata, self->scope);
		SKIP(return, "system level none with %s low (other zones have memory)",
		     self->scope);
	}
	e0 = evaluations();
	spin_ms(1000);
	e1 = evaluations();
	spinners_end();
	ASSERT_EQ(0, read_state(self->scope, &z, NULL));
	TH_LOG("usable %lld (low %lld, high %lld), system %s: %lld evaluations in 1 s",
	       z.usable, z.low, z.high, levels[z.sys], e1 - e0 - 1);
	/* 50 expected; a loaded TCG guest's timers run late, but not 4 times. */
	EXPECT_GE(e1 - e0 - 1, 12);

	release_and_settle(_metadata, self->scope);
}

static void check_position(struct __test_metadata *_metadata)
{
	char *t = view_text();
	int want, got;

	ASSERT_TRUE(t != NULL);
	want = position_by_rule(t, false);
	got = position_of(t);
	EXPECT_EQ(want, got) {
		position_by_rule(t, true);
		TH_LOG("system position %d, the allocator's rule says %d", got, want);
	}
	free(t);
}

TEST_F(hog, levels_rise_in_order_and_fall_with_hysteresis)
{
	long long lowest_seen = 1LL << 62, step, mark_min, t0;
	int seen_zone[5] = {}, sys_prev = 0;
	struct zstate z;
	char *text;

	/*
	 * Below min any page fault of this process enters direct reclaim
	 * and can end in the OOM killer, with the hog's pages out of its
	 * reach. Fault in stack to spare now, and lock every page mapped
	 * now and later (clock_gettime() may be a real syscall writing to
	 * the stack when the clocksource has no vDSO).
	 */
	ms_prefault_stack();
	ASSERT_EQ(0, mlockall(MCL_CURRENT | MCL_FUTURE));
	ASSERT_EQ(0, ms_param_set("hold_ms", "600"));
	ASSERT_EQ(0, ms_param_set("fast_period_ms", "20"));
	ASSERT_EQ(0, ms_param_set("period_ms", "20"));
	ASSERT_EQ(0, ms_write_str(PRESSURE, "mark"));
	ASSERT_EQ(0, read_state(self->scope, &z, NULL));
	ASSERT_EQ(0, z.level) TH_LOG("%s starts at level %d", self->scope, z.level);
	step = z.high - z.low;
	TH_LOG("%s: usable %lld, watermarks min %lld low %lld high %lld",
	       self->scope, z.usable, z.min, z.low, z.high);

	/* none -> low -> medium, observed at each step. */
	for (int target = 1; target <= 2; target++) {
		ASSERT_EQ(0, descend_into(self->scope, target, &z, &lowest_seen))
			TH_LOG("could not bring usable free into the %s band: at %lld",
			       levels[target], z.usable);
		for (t0 = ms_now_ms(); ms_now_ms() - t0 < 2000 && z.level != target; )
			ASSERT_EQ(0, read_state(self->scope, &z, NULL));
		if (z.usable < lowest_seen)
			lowest_seen = z.usable;
		TH_LOG("usable %lld: zone level %s, system %s", z.usable,
		       levels[z.level], levels[z.sys]);
		EXPECT_EQ(target, z.level);
		EXPECT_GE(z.sys, sys_prev);
		sys_prev = z.sys;
		check_position(_metadata);
		seen_zone[z.level] = 1;
		/* Stay a while: time in each level is counted in whole ms. */
		spin_ms(50);
	}

	/*
	 * Below min nothing that allocates may run (reading a file would
	 * enter direct reclaim), so take atomically, spin while the timer
	 * samples, and give back enough to land between min and low.
	 */
	{
		long long below = z.min * 3 / 4, back;

		ASSERT_EQ(0, take(z.usable - below, "atomic"));
		spin_ms(300);
		back = (z.min + z.low) / 2 - below;
		ASSERT_EQ(0, give_back(back));
	}
	ASSERT_EQ(0, read_state(self->scope, &z, NULL));
	TH_LOG("back to usable %lld: zone level %s, system %s", z.usable,
	       levels[z.level], levels[z.sys]);
	/* Critical was entered, and between min and low it stays (hysteresis). */
	EXPECT_EQ(3, z.level);
	EXPECT_GE(z.sys, sys_prev);
	check_position(_metadata);
	spin_ms(800);
	ASSERT_EQ(0, read_state(self->scope, &z, NULL));
	/*
	 * kswapd, awake below low, may give back pages from slab or cache
	 * the other programs left: once usable is above low, leaving
	 * critical is right, and the hold has started. Judge only what the
	 * zone really went through.
	 */
	if (z.usable <= z.low) {
		EXPECT_EQ(3, z.level) {
			TH_LOG("left critical at usable %lld <= low %lld", z.usable, z.low);
		}
	} else {
		TH_LOG("usable rose to %lld above low %lld (kswapd): hold not checked",
		       z.usable, z.low);
	}

	/* Into (high, high + step]: after hold_ms only down to low. */
	ASSERT_EQ(0, read_state(self->scope, &z, NULL));
	ASSERT_EQ(0, give_back(z.high + step / 2 - z.usable));
	if (z.level == 3) {
		ASSERT_EQ(0, read_state(self->scope, &z, NULL));
		EXPECT_EQ(3, z.level) TH_LOG("dropped before hold_ms at usable %lld", z.usable);
	}
	spin_ms(900);
	ASSERT_EQ(0, read_state(self->scope, &z, &text));
	TH_LOG("usable %lld (high %lld + step %lld): level %s", z.usable, z.high, step,
	       levels[z.level]);
	if (z.usable > z.high && z.usable <= z.high + step)
		EXPECT_EQ(1, z.level);
	mark_min = kv(text, self->scope, "lowest_usable_pages", "mark");
	EXPECT_LE(mark_min, z.min) TH_LOG("critical was entered, so the minimum is below min");
	EXPECT_LE(mark_min, lowest_seen);
	for (int l = 1; l <= 3; l++) {
		EXPECT_GT(kv(text, self->scope, "time_in_level_ms", levels[l]), 0) {
			TH_LOG("no time accounted in %s", levels[l]);
		}
	}
	/* After every change of level, still every ms since load in one level. */
	{
		const char *scopes[] = { "system", self->scope };
		long long since = kv(text, "system", "since_load_ms", NULL);

		for (int i = 0; i < 2; i++) {
			long long sum = 0;

			for (int l = 0; l < 5; l++)
				sum += kv(text, scopes[i], "time_in_level_ms", levels[l]);
			/* Each of five values is rounded down to a millisecond. */
			EXPECT_TRUE(since - sum >= 0 && since - sum <= 5) {
				TH_LOG("%s: time in levels %lld ms, since load %lld ms",
				       scopes[i], sum, since);
			}
		}
	}
	free(text);

	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hog_release all"));
	spin_ms(900);
	ASSERT_EQ(0, read_state(self->scope, &z, &text));
	EXPECT_EQ(0, z.level);
	seen_zone[0] = 1;

	/*
	 * A new mark forgets the dip below min; the minimum since load keeps
	 * it. The mark starts from the current value, not from the last
	 * evaluation, so it cannot be below min either.
	 */
	{
		long long load_min = kv(text, self->scope, "lowest_usable_pages", "load");

		free(text);
		ASSERT_EQ(0, ms_write_str(PRESSURE, "mark"));
		ASSERT_EQ(0, read_state(self->scope, &z, &text));
		mark_min = kv(text, self->scope, "lowest_usable_pages", "mark");
		EXPECT_LE(load_min, z.min);
		EXPECT_GT(mark_min, z.min) TH_LOG("mark %lld after release, usable %lld",
						  mark_min, z.usable);
		EXPECT_LE(mark_min, z.usable);
		EXPECT_LE(kv(text, self->scope, "lowest_usable_pages", "load"), load_min);
		free(text);
	}
	EXPECT_TRUE(seen_zone[1] && seen_zone[2]);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope pressure view and levels against the kernel's own figures
 * (/proc/zoneinfo, pagetypeinfo, meminfo, buddyinfo, vmstat), with the
 * helper (memscope_test) holding a zone at exact free-page counts and
 * staging or causing each kind of reclaim activity.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
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
#include "msparse_history.h"

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

static const char *lvname(int l)
{
	return l >= 0 && l < 5 ? levels[l] : "?";
}

static int level_of(const char *text, const char *scope)
{
	char name[16];

	if (ms_kv_str(text, scope, "level", name, sizeof(name)))
		return -1;
	return level_index(name);
}

/*
 * Time a spinning thread did not run (the host did not run the vCPU, or a
 * long interrupt): gaps of more than 2 ms between two clock reads of a
 * spin loop, whose reads are microseconds apart. The largest sum over the
 * spinning threads, and the number of gaps, since spinners_start().
 */
static long long stolen_max, stolen_gaps;
static pthread_mutex_t stolen_lock = PTHREAD_MUTEX_INITIALIZER;

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void stolen_note(long long us, long long gaps)
{
	pthread_mutex_lock(&stolen_lock);
	if (us / 1000 > stolen_max)
		stolen_max = us / 1000;
	if (gaps > stolen_gaps)
		stolen_gaps = gaps;
	pthread_mutex_unlock(&stolen_lock);
}

static volatile int spinners_stop;

/* Spin until @end_us (or until spinners_stop when @end_us is 0). */
static void spin_until(long long end_us)
{
	long long prev = now_us(), us = 0, gaps = 0;

	for (;;) {
		long long now = now_us();

		if (now - prev > 2000) {
			us += now - prev;
			gaps++;
		}
		prev = now;
		if (end_us ? now >= end_us : spinners_stop)
			break;
	}
	stolen_note(us, gaps);
}

/*
 * Keep the CPU busy without allocating: the pressure timer is deferrable,
 * so it does not fire on an idle CPU (by design: no wake-ups when idle).
 */
static void spin_ms(long long ms)
{
	spin_until(now_us() + ms * 1000);
}

/*
 * Threads that keep every other CPU busy: the deferrable timer stays on
 * the CPU that armed it, and an idle CPU would hold it back. Threads, not
 * forked processes: a fork copies pages, which a test holding a zone low
 * cannot afford (on a debug kernel it reached min and the OOM killer).
 */
#define MS_MAX_SPINNERS 16
static pthread_t spinners[MS_MAX_SPINNERS];
static int nr_spinners;

static void *spinner(void *unused)
{
	spin_until(0);
	return NULL;
}

static void spinners_start(void)
{
	spinners_stop = 0;
	stolen_max = 0;
	stolen_gaps = 0;
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

/* ---- the oracle: /proc/zoneinfo, /proc/pagetypeinfo, /proc/meminfo ---- */

/* One zone as the kernel's own files show it. */
struct ozone {
	int node, zid;
	char name[16];
	bool populated;
	long long free, min, low, high, managed, cma, free_cma, highatomic;
	long long prot[8];
	int nprot;
};

struct oracle {
	int n;
	struct ozone z[32];
};

/*
 * The kernel's files through descriptors kept open, into static buffers:
 * like the view, a zone held near min must not need a new seq_file buffer
 * or heap page for each read.
 */
static char ofile_buf[3][1 << 17];

static char *ofile(int i, const char *path)
{
	static int fd[3] = { -1, -1, -1 };
	size_t len = 0;
	ssize_t n;

	if (fd[i] < 0)
		fd[i] = open(path, O_RDONLY);
	if (fd[i] < 0 || lseek(fd[i], 0, SEEK_SET))
		return NULL;
	while ((n = read(fd[i], ofile_buf[i] + len, sizeof(ofile_buf[i]) - 1 - len)) > 0)
		len += n;
	ofile_buf[i][len] = '\0';
	return ofile_buf[i];
}

/* Pages the kernel's reclaim has scanned since boot, by /proc/vmstat. */
static long long vmstat_scanned(void)
{
	char *t = ofile(2, "/proc/vmstat"), *p;
	long long sum = 0;

	if (!t)
		return -1;
	for (p = t; (p = strstr(p, "pgscan_")); p++)
		sum += strtoll(p + strcspn(p, " "), NULL, 10);
	for (p = t; (p = strstr(p, "allocstall_")); p++)
		sum += strtoll(p + strcspn(p, " "), NULL, 10);
	return sum;
}

static long long ousable(const struct ozone *z)
{
	long long out = z->free_cma + z->highatomic;

	return z->free - (out < z->free ? out : z->free);
}

/*
 * /proc/zoneinfo for free pages, watermarks, managed pages, protection
 * (lowmem_reserve) and nr_free_cma; /proc/pagetypeinfo for the high-atomic
 * reserve: the kernel reserves it in whole pageblocks and marks each one
 * MIGRATE_HIGHATOMIC (reserve_highatomic_pageblock()), so it is the
 * HighAtomic block count times "Pages per block". 0, or -1.
 */
static int oracle_read(struct oracle *o)
{
	char *t = ofile(0, "/proc/zoneinfo"), *line, *next;
	long long per_block = 0;
	int col = -1, node_of_last = -1, zid = 0;

	memset(o, 0, sizeof(*o));
	if (!t)
		return -1;
	for (line = t; line && *line; line = next) {
		struct ozone *z = o->n ? &o->z[o->n - 1] : NULL;
		char name[16], *p;
		long long v;
		int node;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (sscanf(line, "Node %d, zone %15s", &node, name) == 2) {
			if (o->n == 32)
				break;
			zid = node == node_of_last ? zid + 1 : 0;
			node_of_last = node;
			z = &o->z[o->n++];
			z->node = node;
			z->zid = zid;
			snprintf(z->name, sizeof(z->name), "%s", name);
			continue;
		}
		if (!z)
			continue;
		if (sscanf(line, " pages free %lld", &v) == 1)
			z->free = v;
		else if (sscanf(line, " min %lld", &v) == 1)
			z->min = v;
		else if (sscanf(line, " low %lld", &v) == 1)
			z->low = v;
		else if (sscanf(line, " high %lld", &v) == 1)
			z->high = v;
		else if (sscanf(line, " managed %lld", &v) == 1)
			z->managed = v;
		else if (sscanf(line, " present %lld", &v) == 1)
			z->populated = v > 0;
		else if (sscanf(line, " nr_free_cma %lld", &v) == 1)
			z->free_cma = v;
		else if (sscanf(line, " cma %lld", &v) == 1)
			z->cma = v;
		else if ((p = strstr(line, "protection: ("))) {
			p += strlen("protection: (");
			while (*p && z->nprot < 8) {
				z->prot[z->nprot++] = strtoll(p, &p, 10);
				p += strspn(p, ", ");
				if (*p == ')')
					break;
			}
		}
	}
	t = ofile(1, "/proc/pagetypeinfo");
	if (!t)
		return -1;
	for (line = t; line && *line; line = next) {
		char name[16];
		int node;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (sscanf(line, "Pages per block: %lld", &per_block) == 1)
			continue;
		if (!strncmp(line, "Number of blocks type", 21)) {
			char *tok, *save = NULL;
			int i = 0;

			col = -1;
			for (tok = strtok_r(line + 21, " ", &save); tok;
			     tok = strtok_r(NULL, " ", &save), i++)
				if (!strcmp(tok, "HighAtomic"))
					col = i;
			continue;
		}
		if (col >= 0 && sscanf(line, "Node %d, zone %15s", &node, name) == 2) {
			char *p = strstr(line, name) + strlen(name);
			long long v = 0;

			for (int i = 0; i <= col; i++)
				v = strtoll(p, &p, 10);
			for (int i = 0; i < o->n; i++)
				if (o->z[i].node == node && !strcmp(o->z[i].name, name))
					o->z[i].highatomic = v * per_block;
		}
		if (!*line)
			col = -1;
	}
	return per_block > 0 ? 0 : -1;
}

/* Zone index of the zone named @name (zoneinfo lists every zone of a node). */
static int oracle_zid(const struct oracle *o, const char *name)
{
	for (int i = 0; i < o->n; i++)
		if (!strcmp(o->z[i].name, name))
			return o->z[i].zid;
	return -1;
}

/*
 * The system position by the allocator's rule (Documentation/memscope.rst,
 * "System position"), from the kernel's own figures: an allocation whose
 * highest zone is c goes ahead without reclaim while any zone at or below
 * c, on any node, has usable free memory above its watermark plus its
 * lowmem_reserve[c]; a class is below a line when every one of its zones
 * is, and its headroom to the line is the sum of what each zone has above
 * its own. The position is the worse of the class of kernel allocations
 * (the highest populated zone up to Normal) and that of the highest
 * populated zone. @raise lifts every line by a watermark step of each
 * zone (the exit lines of the hysteresis).
 */
static int oracle_position(const struct oracle *o, bool raise, bool verbose)
{
	int normal = oracle_zid(o, "Normal"), top = -1, kernel = -1, want = 0;

	for (int i = 0; i < o->n; i++) {
		if (!o->z[i].populated)
			continue;
		if (o->z[i].zid > top)
			top = o->z[i].zid;
		if ((normal < 0 || o->z[i].zid <= normal) && o->z[i].zid > kernel)
			kernel = o->z[i].zid;
	}
	for (int c = 0; c <= top; c++) {
		long long above[3] = {};
		int level;

		if (c != top && c != kernel)
			continue;
		for (int i = 0; i < o->n; i++) {
			const struct ozone *z = &o->z[i];
			long long mark[3] = { z->min, z->low, z->high };
			long long step = z->high - z->low > 1 ? z->high - z->low : 1;

			if (!z->populated || z->zid > c || c >= z->nprot)
				continue;
			for (int w = 0; w < 3; w++) {
				long long line = mark[w] + z->prot[c] + (raise ? step : 0);

				if (ousable(z) > line)
					above[w] += ousable(z) - line;
			}
		}
		level = !above[0] ? 3 : !above[1] ? 2 : !above[2] ? 1 : 0;
		if (verbose)
			fprintf(stderr, "# class %d: pages above min %lld, low %lld, high %lld: %s\n",
				c, above[0], above[1], above[2], levels[level]);
		if (level > want)
			want = level;
	}
	return want;
}

/* A zone's position by its own lines (raised by a step for the exit lines). */
static int oracle_zone_level(const struct ozone *z, bool raise)
{
	long long u = ousable(z), step = z->high - z->low > 1 ? z->high - z->low : 1;
	long long r = raise ? step : 0;

	return u <= z->min + r ? 3 : u <= z->low + r ? 2 : u <= z->high + r ? 1 : 0;
}

static const struct ozone *oracle_find(const struct oracle *o, const char *scope)
{
	char s[48];

	for (int i = 0; i < o->n; i++) {
		snprintf(s, sizeof(s), "node%d/%s", o->z[i].node, o->z[i].name);
		if (!strcmp(s, scope))
			return &o->z[i];
	}
	return NULL;
}

/*
 * The view and the kernel's files at one moment: view, files, view again,
 * until both views show for every zone the free pages and free CMA pages
 * the files show (nothing moved in between). Returns the second view
 * (malloc()ed) with @o filled, or NULL after @rounds tries.
 */
static char *view_with_oracle(struct oracle *o, int rounds)
{
	for (int r = 0; r < rounds; r++) {
		char *a = view_text(), *b;
		bool same = true;

		if (!a || oracle_read(o)) {
			free(a);
			return NULL;
		}
		b = view_text();
		if (!b) {
			free(a);
			return NULL;
		}
		for (int i = 0; i < o->n && same; i++) {
			char scope[48];

			if (!o->z[i].populated)
				continue;
			snprintf(scope, sizeof(scope), "node%d/%s", o->z[i].node, o->z[i].name);
			for (int v = 0; v < 2; v++) {
				const char *t = v ? b : a;

				same &= kv(t, scope, "free_pages", NULL) == o->z[i].free;
				same &= kv(t, scope, "unusable_free_pages", "cma") == o->z[i].free_cma;
			}
		}
		free(a);
		if (same)
			return b;
		free(b);
	}
	return NULL;
}

static int position_of(const char *t)
{
	char name[16];

	return ms_kv_str(t, "system", "position", name, sizeof(name)) ? -1 : level_index(name);
}

TEST(zones_match_proc_zoneinfo)
{
	static struct ms_zoneinfo zi[32];
	int round, n = 0;

	ms_oracle("/proc/zoneinfo");
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

/* The line of @scope and @key, in @out (empty if none). */
static void line_of(const char *t, const char *scope, const char *key, char *out, size_t len)
{
	size_t sl = strlen(scope), kl = strlen(key);

	out[0] = '\0';
	for (const char *l = t; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *k = l + sl;

		if (strncmp(l, scope, sl) || *k != ' ')
			continue;
		k += strspn(k, " ");
		if (!strncmp(k, key, kl) && k[kl] == ' ') {
			snprintf(out, len, "%.*s", (int)strcspn(l, "\n"), l);
			return;
		}
	}
}

/*
 * usable_free_pages, the CMA and high-atomic shares, the headroom columns
 * and the system's usable sum, each recomputed from the kernel's files
 * read at the same moment. On arm64 (Debian's kernel reserves a CMA area)
 * the CMA share is what keeps usable below free: the check is only
 * meaningful if some zone has CMA pages, which zoneinfo's nr_free_cma says.
 */
TEST(free_figures_match_zoneinfo)
{
	static struct oracle o;
	long long sum = 0, cma = 0, cma_total = 0;
	char *t;

	ms_oracle("/proc/zoneinfo, /proc/pagetypeinfo");
	t = view_with_oracle(&o, ROUNDS);
	ASSERT_TRUE(t != NULL) TH_LOG("no quiet moment in %d rounds", ROUNDS);
	for (int i = 0; i < o.n; i++) {
		const struct ozone *z = &o.z[i];
		static const char *const wname[] = { "min", "low", "high" };
		long long mark[3] = { z->min, z->low, z->high };
		char scope[48], pct[128];

		if (!z->populated)
			continue;
		snprintf(scope, sizeof(scope), "node%d/%s", z->node, z->name);
		EXPECT_EQ(z->free_cma, kv(t, scope, "unusable_free_pages", "cma"));
		EXPECT_EQ(z->highatomic, kv(t, scope, "unusable_free_pages", "highatomic"));
		EXPECT_EQ(ousable(z), kv(t, scope, "usable_free_pages", NULL)) {
			TH_LOG("%s: free %lld, nr_free_cma %lld, highatomic %lld", scope,
			       z->free, z->free_cma, z->highatomic);
		}
		for (int w = 0; w < 3; w++) {
			long long h = ousable(z) - mark[w];
			/* Thousandths of managed, truncated toward zero, as printed. */
			long long th = z->managed ? h * 1000 / z->managed : 0;
			char key[48];

			EXPECT_EQ(h, kv(t, scope, "headroom_pages", wname[w]));
			snprintf(key, sizeof(key), " %s=%s%lld.%lld", wname[w], th < 0 ? "-" : "",
				 llabs(th) / 10, llabs(th) % 10);
			line_of(t, scope, "headroom_pct", pct, sizeof(pct));
			EXPECT_TRUE(strstr(pct, key) != NULL) {
				TH_LOG("%s: want%s", pct, key);
			}
		}
		sum += ousable(z);
		cma += z->free_cma;
		cma_total += z->cma;
	}
	EXPECT_EQ(sum, kv(t, "system", "usable_free_pages", NULL));
	TH_LOG("usable %lld pages; CMA %lld pages, %lld of them free", sum, cma_total, cma);
	/*
	 * Where the kernel has a CMA area (zoneinfo's "cma", CONFIG_CMA; the
	 * arm64 rows), an idle guest has most of it free, and the figures
	 * above compared a CMA share that is not 0 == 0.
	 */
	if (cma_total)
		EXPECT_GT(cma, 0);
	free(t);
}

/*
 * available_pages is si_mem_available(), the function behind MemAvailable.
 * Both read the same global counters, so at one moment they are equal; a
 * round counts only if the view read before and after /proc/meminfo shows
 * the same value (nothing moved in between), and then equality is exact.
 */
TEST(available_pages_matches_meminfo)
{
	long long page_kb = sysconf(_SC_PAGESIZE) / 1024, a = -1, m = -1, b = -1;
	int round;

	ms_oracle("/proc/meminfo MemAvailable");
	for (round = 0; round < ROUNDS; round++) {
		char *t = view_text();

		ASSERT_TRUE(t != NULL);
		a = kv(t, "system", "available_pages", NULL);
		free(t);
		m = ms_meminfo("MemAvailable");
		t = view_text();
		ASSERT_TRUE(t != NULL);
		b = kv(t, "system", "available_pages", NULL);
		free(t);
		ASSERT_GE(m, 0);
		if (a == b)
			break;
	}
	ASSERT_LT(round, ROUNDS);
	EXPECT_EQ(m, a * page_kb) TH_LOG("available_pages %lld (x %lld kB), MemAvailable %lld kB",
					 a, page_kb, m);
}

/* The system position against the rule, recomputed from the kernel's files. */
static void check_position(struct __test_metadata *_metadata, const struct oracle *o,
			   const char *t)
{
	int want = oracle_position(o, false, false), got = position_of(t);

	EXPECT_EQ(want, got) {
		oracle_position(o, false, true);
		TH_LOG("system position %s, the allocator's rule says %s",
		       got >= 0 ? levels[got] : "?", levels[want]);
	}
}

TEST(system_position_follows_the_allocators_rule)
{
	static struct oracle o;
	char *t;

	ms_oracle("/proc/zoneinfo");
	t = view_with_oracle(&o, ROUNDS);
	ASSERT_TRUE(t != NULL);
	check_position(_metadata, &o, t);
	free(t);
}

TEST(order_blocks_match_buddyinfo)
{
	static struct ms_view a, b;
	int round;

	ms_oracle("/proc/buddyinfo");
	for (round = 0; round < ROUNDS; round++) {
		char *text;
		bool same = true;

		ASSERT_EQ(0, ms_read_buddyinfo("/proc/buddyinfo", &a));
		text = view_text();
		ASSERT_TRUE(text != NULL);
		ASSERT_EQ(0, ms_read_buddyinfo("/proc/buddyinfo", &b));
		for (int i = 0; i < a.nzones; i++) {
			char scope[48], name[8];

			snprintf(scope, sizeof(scope), "node%d/%s", a.z[i].node, a.z[i].name);
			for (int o = 1; o <= 4 && o < a.norders; o++) {
				long long want = 0;

				/* Blocks of 2^o pages that free blocks of order o or more make. */
				for (int k = o; k < a.norders; k++)
					want += (long long)a.z[i].blocks[k] << (k - o);
				snprintf(name, sizeof(name), "%d", o);
				same &= kv(text, scope, "order_blocks", name) == want;
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

TEST(mark_and_bad_writes)
{
	char *t;

	EXPECT_EQ(-EINVAL, ms_write_str(PRESSURE, "marks"));
	EXPECT_EQ(-EINVAL, ms_write_str(PRESSURE, "reset everything"));
	ASSERT_EQ(0, ms_mark("pressure"));
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

/*
 * Evaluations by the timer alone: every read of the view evaluates (two
 * reads per count) and the hooks' pokes are counted apart.
 */
static long long timer_evals(void)
{
	char *t = view_text();
	long long e = t ? kv(t, "system", "evaluations", "total") -
			  kv(t, "system", "evaluations", "poked") : -1;

	free(t);
	return e;
}

/*
 * What the timer mechanism allows. The timer re-arms itself from its own
 * handler at jiffies + msecs_to_jiffies(period_ms), and the timer wheel
 * rounds a level-0 expiry up by one jiffy so that no timer fires early
 * (calc_index()): on a CPU whose ticks come on time it fires every
 * period_ms plus one jiffy, 20 ms being a whole number of jiffies at
 * HZ=100 (versatilepb: 30 ms), 250 (Debian: 24 ms) and 1000 (21 ms). The
 * jiffy is at most 10 ms (HZ >= 100) and at least 1 ms (HZ <= 1000). A
 * TCG vCPU the host does not run takes no tick: the expiry due in such a
 * gap runs when the gap ends, late by at most the gap, and the next period
 * starts from there. Only one expiry is pending at a time, so the periods
 * lose together at most the time stolen from the CPU (measured by the
 * spinning threads, the largest of them). Less the partial period at each
 * end, nothing else may cost or add an evaluation.
 */
static long long fast_lower_bound(long long span, long long period)
{
	long long lb = (span - stolen_max) / (period + 10) - 2;

	return lb > 0 ? lb : 0;
}

static long long fast_upper_bound(long long span, long long period)
{
	return span / (period + 1) + 2;
}

/* Flush the activity windows: two windows of 100 ms with nothing in them. */
static void flush_activity(void)
{
	ms_param_set("window_ms", "100");
	for (int i = 0; i < 6; i++) {
		free(view_text());
		spin_ms(60);
	}
}

/*
 * Wait, reading, for the system level to reach @level (at most @ms);
 * returns the last level read.
 */
static int wait_sys_level(int level, long long ms)
{
	int got = -1;

	for (long long t0 = ms_now_ms(); ms_now_ms() - t0 < ms; spin_ms(50)) {
		char *t = view_text();

		got = t ? level_of(t, "system") : -1;
		free(t);
		if (got == level)
			break;
	}
	return got;
}

TEST(period_ms_sets_the_sampling_rate)
{
	static struct oracle o;
	long long e0, t0, span, slow, fast, lb, stolen, gaps;
	char *t;

	/* An idle guest: the kernel's figures put the system above its lines. */
	ms_oracle("/proc/zoneinfo");
	flush_activity();
	restore_defaults();
	t = view_with_oracle(&o, ROUNDS);
	ASSERT_TRUE(t != NULL);
	ASSERT_EQ(0, oracle_position(&o, true, true));
	free(t);
	/* Activity flushed, position none: the level is none after hold_ms. */
	ASSERT_EQ(0, wait_sys_level(0, 3000));

	ASSERT_EQ(0, ms_param_set("period_ms", "20"));
	e0 = timer_evals();
	t0 = ms_now_ms();
	spin_all_cpus_ms(1000);
	fast = timer_evals() - e0 - 1;
	span = ms_now_ms() - t0;
	lb = fast_lower_bound(span, 20);
	stolen = stolen_max;
	gaps = stolen_gaps;

	restore_defaults();
	e0 = timer_evals();
	t0 = ms_now_ms();
	spin_all_cpus_ms(span);
	slow = timer_evals() - e0 - 1;
	TH_LOG("timer evaluations: %lld at period_ms=20 in %lld ms (stolen %lld ms in %lld gaps, at least %lld), then %lld at period_ms=1000 in %lld ms",
	       fast, span, stolen, gaps, lb, slow, ms_now_ms() - t0);
	EXPECT_GE(fast, lb);
	EXPECT_LE(fast, fast_upper_bound(span, 20));
	/*
	 * One a second, and the one still due from period_ms=20 (changing
	 * the period re-arms the timer sooner, never later).
	 */
	EXPECT_LE(slow, (ms_now_ms() - t0) / 1000 + 2);
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


/* ---- activity rules, each forced with the helper ---- */

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

/* Reloading memscope unloads the helper: its descriptor goes too. */
static void helper_close(void)
{
	if (hog_ctl >= 0)
		close(hog_ctl);
	hog_ctl = -1;
}

/* The kernel's kswapd_failures of node @nid, as the helper reads it. */
static int kswapd_failures(int nid)
{
	char *t = ms_slurp(MS_HELPER_CTL), *p, key[32];
	int v = -1;

	snprintf(key, sizeof(key), "kswapd_failures %d ", nid);
	p = t ? strstr(t, key) : NULL;
	if (p)
		v = atoi(p + strlen(key));
	free(t);
	return v;
}

/* ---- the hog: a zone held at exact free-page counts ---- */

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
	/*
	 * Below min any page fault of this process enters direct reclaim
	 * and can end in the OOM killer, with the hog's pages out of its
	 * reach. Fault in stack to spare now, and lock every page mapped
	 * now and later (clock_gettime() may be a real syscall writing to
	 * the stack when the clocksource has no vDSO).
	 */
	ms_prefault_stack();
	ASSERT_EQ(0, mlockall(MCL_CURRENT | MCL_FUTURE));
	ASSERT_EQ(0, ms_param_set("fast_period_ms", "20"));
	ASSERT_EQ(0, ms_param_set("period_ms", "20"));
	/*
	 * hog_set needs two kernel functions it finds through kprobes: ask
	 * for more than the zone has (it gives back what it holds of the
	 * zone, and fails) to learn whether it has them.
	 */
	ret = hog_cmd("hog_set 4000000000 quiet");
	if (ret == -EOPNOTSUPP)
		SKIP(return, "kernel without kprobes: the hog cannot hold a zone exactly");
	ASSERT_TRUE(ret == -EAGAIN || ret == -ENOMEM) TH_LOG("hog_set: %s", strerror(-ret));
}

FIXTURE_TEARDOWN(hog)
{
	hog_cmd("hog_release all");
	ms_hog_finish(self->boost_factor);
	restore_defaults();
	munlockall();
}

/*
 * The hog's zone at exactly @usable pages, as the kernel's counter and so
 * /proc/zoneinfo and memscope show them (the helper folds every CPU's
 * counter deltas). Another CPU refilling its per-CPU list right after
 * moves the zone by a batch: then once more, up to three times, as the
 * zone shows in /proc/zoneinfo (never below min, where reading a file
 * could need memory: atomic mode is not checked). Returns how many times
 * the zone had moved (memscope may have seen it elsewhere meanwhile), or
 * a negative errno.
 */
static int hold_at_checked(long long usable, const char *mode, bool check)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "hog_set %lld %s", usable, mode);
	for (int i = 0; i < 3; i++) {
		static struct oracle o;
		bool there = false;
		int ret = hog_cmd(cmd);

		if (ret || !check)
			return ret;
		if (oracle_read(&o))
			return -EIO;
		for (int k = 0; k < o.n; k++)
			there |= o.z[k].populated && ousable(&o.z[k]) == usable;
		if (there)
			return i;
	}
	return 3;
}

static int hold_at(long long usable, const char *mode)
{
	return hold_at_checked(usable, mode, strcmp(mode, "atomic"));
}

struct hyst {
	int expect;		/* the zone level the rule gives */
	long long set_ms;	/* when the zone was last moved */
};

/*
 * One look: the view with the kernel's figures of the same moment. The
 * zone's level must be what the rule gives from the oracle's usable free
 * pages: rise at once to the entry level; fall to the level the exit lines
 * (each raised by a watermark step) give only after hold_ms (@waited), and
 * never before. The system position is checked against the allocator's
 * rule each time too.
 */
static bool look(struct __test_metadata *_metadata, const char *scope, struct hyst *h,
		 bool waited, long long hold, long long aim)
{
	static struct oracle o;
	const struct ozone *z;
	int entry, relaxed, got;
	char *t = view_with_oracle(&o, ROUNDS);

	ASSERT_TRUE(t != NULL);
	z = oracle_find(&o, scope);
	ASSERT_TRUE(z != NULL);
	entry = oracle_zone_level(z, false);
	relaxed = oracle_zone_level(z, true);
	if (relaxed < entry)
		relaxed = entry;
	if (!waited)
		ASSERT_LT(ms_now_ms() - h->set_ms, hold) TH_LOG("read too late to see the hold");
	check_position(_metadata, &o, t);
	/*
	 * The zone moved by itself since it was set (another CPU refilled
	 * its per-CPU list): memscope may have seen points in between that
	 * the oracle did not. Not judged; the caller starts the case again.
	 */
	if (aim >= 0 && ousable(z) != aim) {
		TH_LOG("usable %lld, aimed at %lld: the zone moved, case again", ousable(z), aim);
		free(t);
		return false;
	}
	if (entry > h->expect)
		h->expect = entry;
	else if (waited && relaxed < h->expect)
		h->expect = relaxed;
	got = level_of(t, scope);
	TH_LOG("usable %lld (min %lld low %lld high %lld)%s: level %s, want %s; system %s, position %s; lowest seen %lld",
	       ousable(z), z->min, z->low, z->high, waited ? " after hold_ms" : "",
	       lvname(got), lvname(h->expect), lvname(level_of(t, "system")),
	       lvname(position_of(t)), kv(t, scope, "lowest_usable_pages", "mark"));
	EXPECT_EQ(h->expect, got);
	EXPECT_GE(level_of(t, "system"), position_of(t));
	free(t);
	return true;
}

static const struct ozone *hog_zone(struct __test_metadata *_metadata, const char *scope,
				    struct oracle *o)
{
	char *t = view_with_oracle(o, ROUNDS);
	bool ok = t != NULL;

	free(t);
	return ok ? oracle_find(o, scope) : NULL;
}

/*
 * To none: well above every exit line (another CPU's per-CPU list may
 * take a few hundred pages meanwhile), for hold_ms. This is where each
 * case starts, not a case itself: if the zone dipped on the way (on the
 * debug kernels something else took some 800 pages at once, down to
 * between low and high, and memscope rightly held low), the caller
 * starts again, and gives up after five tries.
 */
static bool to_none(struct __test_metadata *_metadata, const char *scope, struct hyst *h,
		    long long high, long long step, long long hold)
{
	static struct oracle o;
	char *t;
	int got;

	ASSERT_LE(0, hold_at(high + 2 * step + 512, "nowait"));
	h->set_ms = ms_now_ms();
	spin_ms(hold + 300);
	t = view_with_oracle(&o, ROUNDS);
	ASSERT_TRUE(t != NULL);
	got = level_of(t, scope);
	if (got)
		TH_LOG("not none after hold_ms (level %s, lowest seen %lld): the zone dipped, case again",
		       lvname(got), kv(t, scope, "lowest_usable_pages", "mark"));
	free(t);
	h->expect = got;
	return got == 0;
}

/*
 * Each line's entering and leaving rule, by holding the zone at exact
 * counts either side of it: a level rises as soon as usable free memory
 * is at or below its line, and falls only once it is above the line
 * raised by one watermark step (high - low), for hold_ms: to leave
 * critical usable must be back above low, to leave medium above high.
 * Each case starts from none. If the zone moved by itself on the way
 * (another CPU refilled its per-CPU list: memscope may have seen a point
 * the oracle did not), the case starts again.
 */
TEST_F_TIMEOUT(hog, levels_enter_and_leave_by_the_watermarks, 600)
{
	const long long hold = 1500;
	static struct oracle o;
	const struct ozone *z;
	long long min, low, high, step;
	struct hyst h = {};
	char *text;
	int moved, tries;

	ms_oracle("/proc/zoneinfo");
	ASSERT_EQ(0, ms_param_set("hold_ms", "1500"));
	ASSERT_EQ(0, ms_mark("pressure"));
	/*
	 * The hold runs from the first evaluation that sees the lower level
	 * justified: the deferrable timer must fire while the test waits, on
	 * whichever CPU it is. Threads started now, before the zone is low
	 * (they allocate their stacks), spin on every other CPU until the end.
	 */
	spinners_start();
	z = hog_zone(_metadata, self->scope, &o);
	ASSERT_TRUE(z != NULL);
	min = z->min, low = z->low, high = z->high;
	step = high - low > 1 ? high - low : 1;
	TH_LOG("%s: usable %lld, watermarks min %lld low %lld high %lld", self->scope,
	       ousable(z), min, low, high);
	ASSERT_GT(ousable(z), high + 2 * step + 2) {
		TH_LOG("the zone starts below its exit line from low");
	}

	/* Entering: each line, one page above it and on it. */
	{
		const long long at[] = { high + 1, high, low + 1, low, min + 1 };

		for (unsigned int i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
			for (tries = 0; tries < 5; tries++) {
				if (!to_none(_metadata, self->scope, &h, high, step, hold))
					continue;
				/*
				 * GFP_NOWAIT may refuse the last page or two above
				 * min (arm64: stuck at min + 2 aiming at min + 1):
				 * the case one page above min takes atomically.
				 */
				moved = hold_at_checked(at[i], at[i] == min + 1 ? "atomic" : "nowait",
							true);
				ASSERT_LE(0, moved) {
					char *ctl = ms_slurp(MS_HELPER_CTL);

					TH_LOG("%s", ctl ? ctl : "");
					free(ctl);
				}
				h.set_ms = ms_now_ms();
				if (!moved && look(_metadata, self->scope, &h, false, hold, at[i]))
					break;
			}
			ASSERT_LT(tries, 5) TH_LOG("the zone would not stay at %lld", at[i]);
			/* Stay a while: time in each level is counted in whole ms. */
			spin_ms(30);
		}
	}

	/*
	 * Leaving, one level at a time: enter it, then on its exit line it
	 * stays however long, one page above it falls after hold_ms, not
	 * before. Critical is entered below min, where nothing that
	 * allocates may run (reading a file would enter direct reclaim):
	 * take atomically, spin while the timer samples, and come back
	 * between min and low before looking.
	 */
	for (int l = 3; l >= 1; l--) {
		const long long exit_line = (l == 3 ? min : l == 2 ? low : high) + step;
		const long long in = l == 1 ? (low + high) / 2 : (min + low) / 2;

		for (tries = 0; tries < 5; tries++) {
			if (!to_none(_metadata, self->scope, &h, high, step, hold))
				continue;
			if (l == 3) {
				ASSERT_EQ(0, hold_at(min * 3 / 4, "atomic"));
				spin_ms(300);
				h.expect = 3;	/* entered below min, unseen by this process */
			}
			moved = hold_at(in, "nowait");
			ASSERT_LE(0, moved);
			h.set_ms = ms_now_ms();
			if (moved || !look(_metadata, self->scope, &h, false, hold, in))
				continue;
			moved = hold_at(exit_line, "nowait");
			ASSERT_LE(0, moved);
			h.set_ms = ms_now_ms();
			if (moved)
				continue;
			spin_ms(hold + 300);
			if (!look(_metadata, self->scope, &h, true, hold, exit_line))
				continue;
			moved = hold_at(exit_line + 1, "nowait");
			ASSERT_LE(0, moved);
			h.set_ms = ms_now_ms();
			if (moved || !look(_metadata, self->scope, &h, false, hold, exit_line + 1))
				continue;
			spin_ms(hold + 300);
			if (!look(_metadata, self->scope, &h, true, hold, exit_line + 1))
				continue;
			EXPECT_EQ(l - 1, h.expect);
			break;
		}
		ASSERT_LT(tries, 5) TH_LOG("the zone would not stay on the lines of %s", levels[l]);
	}

	spinners_end();
	text = view_text();
	ASSERT_TRUE(text != NULL);
	EXPECT_LE(kv(text, self->scope, "lowest_usable_pages", "mark"), min * 3 / 4 + 1) {
		TH_LOG("critical was entered at min * 3/4");
	}
	for (int l = 1; l <= 3; l++) {
		EXPECT_GT(kv(text, self->scope, "time_in_level_ms", levels[l]), 0) {
			TH_LOG("no time accounted in %s", levels[l]);
		}
	}
	free(text);
}

/*
 * kswapd failing on the node (the kernel's kswapd_failures, set through
 * the helper) raises the level to critical while the system position is
 * medium or worse, and not while it is only low.
 */
TEST_F_TIMEOUT(hog, kswapd_failing_sets_critical_below_low, 120)
{
	static struct oracle o;
	const struct ozone *z;
	long long min, low, high;
	char cmd[64];

	ms_oracle("/proc/zoneinfo, /proc/vmstat, helper: pgdat->kswapd_failures");
	ASSERT_EQ(0, ms_param_set("hold_ms", "0"));
	flush_activity();
	z = hog_zone(_metadata, self->scope, &o);
	ASSERT_TRUE(z != NULL);
	min = z->min, low = z->low, high = z->high;
	for (int band = 0; band < 2; band++) {
		long long at = band ? (min + low) / 2 : (low + high) / 2;

		for (int fail = 0; fail < 2; fail++) {
			int round, want = -1, got = -1, pos = -1;
			char why[3][256];

			for (round = 0; round < 20; round++) {
				long long scan0, scan1;
				int before, after;
				char *t;

				/*
				 * From none (above every exit line, hold_ms 0) with
				 * kswapd_failures as the case wants it, down into the
				 * band: the level has no history to hold. Taken
				 * without waking kswapd: with nothing to reclaim on
				 * these guests it fails at once for real when woken. Real reclaim
				 * in the window (kswapd scanning what it cannot
				 * reclaim raises the level by efficiency), or kswapd
				 * failing for real, spoil the case: it is judged only
				 * when /proc/vmstat counts no scanning and no stall
				 * and kswapd_failures stayed as set throughout.
				 */
				ASSERT_LE(0, hold_at(high + 2 * (high - low) + 2, "quiet"));
				snprintf(cmd, sizeof(cmd), "kswapd_failures %d %d", self->node, fail);
				ASSERT_EQ(0, hog_cmd(cmd));
				flush_activity();
				scan0 = vmstat_scanned();
				ASSERT_LE(0, hold_at(at, "quiet"));
				before = kswapd_failures(self->node);
				t = view_with_oracle(&o, ROUNDS);
				after = kswapd_failures(self->node);
				scan1 = vmstat_scanned();
				ASSERT_TRUE(t != NULL);
				pos = oracle_position(&o, false, false);
				got = level_of(t, "system");
				EXPECT_EQ(pos, position_of(t));
				line_of(t, "system", "window_events", why[0], sizeof(why[0]));
				line_of(t, "system", "window_reclaim", why[1], sizeof(why[1]));
				line_of(t, "system", "kswapd_failing_nodes", why[2], sizeof(why[2]));
				free(t);
				if (before != fail || after != fail || scan0 != scan1)
					continue;
				want = fail && pos >= 2 ? 3 : pos;
				break;
			}
			ASSERT_LT(round, 20);
			TH_LOG("usable %lld, kswapd_failures %d: position %s, level %s (%d rounds)",
			       at, fail, lvname(pos), lvname(got), round + 1);
			/* kswapd awake below high may add low, never more. */
			if (want < 1 && got == 1)
				want = 1;
			EXPECT_EQ(want, got) {
				for (int i = 0; i < 3; i++)
					TH_LOG("%s", why[i]);
			}
		}
	}
	snprintf(cmd, sizeof(cmd), "kswapd_failures %d 0", self->node);
	hog_cmd(cmd);
}

/*
 * A real order-0 failure: GFP_NOWAIT takes stop at the min watermark. With
 * the zone then given back above its exit lines, the failure alone keeps
 * the level at critical for the window; before it, the level was low.
 */
TEST_F_TIMEOUT(hog, order0_failure_sets_critical, 120)
{
	static struct oracle o;
	const struct ozone *z;
	long long low, high, step;
	char *t;

	/* memscope sees failures through mm_page_alloc with no page. */
	if (hog_cmd("tp_has mm_page_alloc") == -ENOENT)
		SKIP(return, "kernel without the mm_page_alloc tracepoint");
	ms_oracle("helper: a failed GFP_NOWAIT order-0 allocation");
	ASSERT_EQ(0, ms_param_set("hold_ms", "0"));
	flush_activity();
	z = hog_zone(_metadata, self->scope, &o);
	ASSERT_TRUE(z != NULL);
	low = z->low, high = z->high;
	step = high - low > 1 ? high - low : 1;
	ASSERT_LE(0, hold_at((low + high) / 2, "nowait"));
	t = view_text();
	ASSERT_TRUE(t != NULL);
	EXPECT_EQ(0, kv(t, "system", "window_events", "alloc_failures_order0_kernel"));
	EXPECT_GT(3, level_of(t, "system"));
	free(t);

	ms_param_set("window_ms", "60000");
	EXPECT_EQ(-ENOMEM, hog_cmd("hog_take 1000000 nowait"));
	ASSERT_LE(0, hold_at(high + 2 * step, "nowait"));
	t = view_with_oracle(&o, ROUNDS);
	ASSERT_TRUE(t != NULL);
	EXPECT_EQ(0, oracle_position(&o, false, true));
	EXPECT_LE(1, kv(t, "system", "window_events", "alloc_failures_order0_kernel"));
	EXPECT_EQ(3, level_of(t, "system"));
	free(t);
	/*
	 * Once the window has rolled past the failure, critical has no
	 * reason left. low may: kswapd woken by the failure stays awake
	 * while a zone is below high, and the fixture left the zones below
	 * the hog's (x86_64's DMA) drained.
	 */
	flush_activity();
	EXPECT_GT(3, wait_sys_level(0, 3000));
}

FIXTURE(activity) {
	bool no_tp;	/* no vmscan tracepoints: each test skips (6.1's harness runs it) */
};

/*
 * Activity counts in the window (the last complete one and the current);
 * hold_ms 0 so a level falls as soon as nothing justifies it. An idle
 * guest's position is none: what the level shows is the activity alone.
 */
FIXTURE_SETUP(activity)
{
	static struct oracle o;
	char *t;
	int ret = ms_load_helper(NULL);

	ASSERT_EQ(0, ret) TH_LOG("load %s: %s", MS_HELPER_KO, strerror(-ret));
	ret = hog_cmd("tp_lru 0 0");
	self->no_tp = ret == -ENOENT;
	if (self->no_tp)
		SKIP(return, "kernel without vmscan tracepoints");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, ms_param_set("hold_ms", "0"));
	flush_activity();
	t = view_with_oracle(&o, ROUNDS);
	ASSERT_TRUE(t != NULL);
	ASSERT_EQ(0, oracle_position(&o, false, true));
	free(t);
}

/*
 * The staged events stay in memscope's since-load counters: reload it so
 * the programs after this one count from a clean start.
 */
FIXTURE_TEARDOWN(activity)
{
	restore_defaults();
	helper_close();
	view_close();
	ms_reload_memscope("");
}

/*
 * Stage one event in a fresh window that will not roll while the test
 * reads (window_ms 60 s), then read the level and the window's counters.
 */
static char *after_event(struct __test_metadata *_metadata, const char *cmd)
{
	char *t;

	flush_activity();
	t = view_text();
	if (!t)
		return NULL;
	/* Nothing in the window before the event. */
	EXPECT_EQ(0, kv(t, "system", "window_reclaim", "scanned"));
	EXPECT_EQ(0, kv(t, "system", "window_events", "direct_reclaims"));
	free(t);
	ms_param_set("window_ms", "60000");
	if (hog_cmd(cmd))
		return NULL;
	return view_text();
}

/*
 * vmpressure's thresholds, 60% and 95% of the scanned pages not reclaimed,
 * once 32 pages (SWAP_CLUSTER_MAX) have been scanned in the window: each
 * case on either side of its line.
 */
TEST_F_TIMEOUT(activity, reclaim_efficiency_sets_the_level, 120)
{
	static const struct {
		int scanned, reclaimed, pct, level;
	} cases[] = {
		{ 31, 0, 100, 0 },	/* too few scanned to judge */
		{ 32, 0, 100, 3 },
		{ 100, 41, 59, 0 },
		{ 100, 40, 60, 2 },
		{ 100, 6, 94, 2 },
		{ 100, 5, 95, 3 },
		{ 1000, 1000, 0, 0 },
	};
	if (self->no_tp)
		SKIP(return, "kernel without vmscan tracepoints");

	ms_oracle("helper: staged mm_vmscan_lru_shrink_inactive");
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char cmd[64], *t;

		snprintf(cmd, sizeof(cmd), "tp_lru %d %d", cases[i].scanned, cases[i].reclaimed);
		t = after_event(_metadata, cmd);
		ASSERT_TRUE(t != NULL);
		EXPECT_EQ(cases[i].scanned, kv(t, "system", "window_reclaim", "scanned"));
		EXPECT_EQ(cases[i].reclaimed, kv(t, "system", "window_reclaim", "reclaimed"));
		EXPECT_EQ(cases[i].pct, kv(t, "system", "window_reclaim", "pressure_pct"));
		EXPECT_EQ(cases[i].level, level_of(t, "system")) {
			TH_LOG("scanned %d reclaimed %d: level %s, want %s", cases[i].scanned,
			       cases[i].reclaimed, lvname(level_of(t, "system")),
			       levels[cases[i].level]);
		}
		/* The position is none: only the activity raised the level. */
		EXPECT_EQ(0, position_of(t));
		free(t);
	}
	/* And it falls once the window has rolled past the event. */
	flush_activity();
	EXPECT_EQ(0, wait_sys_level(0, 2000));
}

/* A direct reclaim stall raises the level to medium, and no further. */
TEST_F_TIMEOUT(activity, direct_reclaim_stall_sets_medium, 60)
{
	char *t;
	if (self->no_tp)
		SKIP(return, "kernel without vmscan tracepoints");

	ms_oracle("helper: staged mm_vmscan_direct_reclaim_begin/end");
	t = view_text();
	ASSERT_TRUE(t != NULL);
	EXPECT_EQ(0, level_of(t, "system"));
	free(t);
	t = after_event(_metadata, "tp_direct 0 0");
	ASSERT_TRUE(t != NULL);
	EXPECT_EQ(1, kv(t, "system", "window_events", "direct_reclaims"));
	EXPECT_EQ(2, level_of(t, "system"));
	EXPECT_EQ(0, position_of(t));
	free(t);
	flush_activity();
	EXPECT_EQ(0, wait_sys_level(0, 2000));
}

/*
 * The timer samples every period_ms while the level is none, and every
 * fast_period_ms above none from the moment the level rises, not once the
 * slow period has run out: with a one-minute slow period, the second after
 * a direct reclaim stall raises the level still sees fast sampling.
 */
TEST_F_TIMEOUT(activity, fast_period_applies_as_soon_as_the_level_rises, 60)
{
	long long e0, t0, idle, fast, span, lb;
	char *t;
	if (self->no_tp)
		SKIP(return, "kernel without vmscan tracepoints");

	ASSERT_EQ(0, ms_param_set("fast_period_ms", "20"));
	ASSERT_EQ(0, ms_param_set("period_ms", "60000"));
	/* The timer armed before fires once more, then waits a minute. */
	spin_all_cpus_ms(1200);
	e0 = timer_evals();
	spin_all_cpus_ms(1000);
	idle = timer_evals() - e0 - 1;
	EXPECT_EQ(0, idle) TH_LOG("%lld timer evaluations at level none, period_ms=60000", idle);

	ms_param_set("window_ms", "60000");
	spinners_start();
	ASSERT_EQ(0, hog_cmd("tp_direct 0 0"));
	e0 = timer_evals();
	t0 = ms_now_ms();
	spin_ms(1000);
	fast = timer_evals() - e0 - 1;
	span = ms_now_ms() - t0;
	spinners_end();
	lb = fast_lower_bound(span, 20);
	t = view_text();
	ASSERT_TRUE(t != NULL);
	EXPECT_EQ(2, level_of(t, "system"));
	free(t);
	TH_LOG("%lld timer evaluations in %lld ms above none (stolen %lld ms in %lld gaps, at least %lld)",
	       fast, span, stolen_max, stolen_gaps, lb);
	EXPECT_GE(fast, lb);
	EXPECT_LE(fast, fast_upper_bound(span, 20));
}

/*
 * A real OOM kill: a decoy child (oom_score_adj 1000) maps memory until
 * the OOM killer takes it. The window then counts the kill /proc/vmstat
 * counts, and the level is oom; it was not before, and is not once the
 * window has rolled past the kill.
 */
/*
 * The flight recorder ("history"): what it held about an OOM kill that
 * nobody was recording. One sample per line, oldest first: time_ms ring
 * level available_kb kswapd_wakes direct_reclaims compact_stalls
 * alloc_failures oom_kills, then five columns per zone.
 */
struct hist_sample {
	long long t_ms, available_kb, oom_kills;
	long long margin_kb;	/* the least usable free memory above low, of the zones */
	int level, max_zone_level;
	char ring;
};

static int hist_level(const char *w)
{
	static const char *const names[] = { "none", "low", "medium", "critical", "oom" };

	for (int i = 0; i < 5; i++)
		if (!strcmp(w, names[i]))
			return i;
	return -1;
}

struct hist_ctx {
	struct hist_sample *v;
	int n, cap, nzones;
	bool bad;
};

static bool hist_num(const char *s, long long *v)
{
	char *end;

	*v = strtoll(s, &end, 10);
	return end != s && !*end;
}

/* One zone's "Z:level", "Z:usable_kb" and "Z:low_kb" into @h; false if missing. */
static bool hist_zone(const struct ms_history_row *row, const char *col, struct hist_sample *h)
{
	int len = (int)(strchr(col, ':') - col), u, l, lvl;
	long long usable, wlow;
	char name[96];

	snprintf(name, sizeof(name), "%.*s:usable_kb", len, col);
	u = ms_history_col(row->head, name);
	snprintf(name, sizeof(name), "%.*s:low_kb", len, col);
	l = ms_history_col(row->head, name);
	if (u < 0 || l < 0 || !hist_num(row->tok[u], &usable) || !hist_num(row->tok[l], &wlow))
		return false;
	lvl = hist_level(row->tok[ms_history_col(row->head, col)]);
	h->max_zone_level = lvl > h->max_zone_level ? lvl : h->max_zone_level;
	if (usable - wlow < h->margin_kb)
		h->margin_kb = usable - wlow;
	return true;
}

static void hist_row(void *ctx, const struct ms_history_row *row)
{
	const struct ms_history_head *hd = row->head;
	int ring = ms_history_col(hd, "ring"), level = ms_history_col(hd, "level");
	int avail = ms_history_col(hd, "available_kb"), oom = ms_history_col(hd, "oom_kills");
	struct hist_ctx *c = ctx;
	struct hist_sample h = { 0 };
	int fields = 0;

	if (c->bad)
		return;
	c->bad = true;
	if (!row->ok || ring < 0 || level < 0 || avail < 0 || oom < 0 ||
	    !hist_num(row->tok[avail], &h.available_kb) || !hist_num(row->tok[oom], &h.oom_kills))
		return;
	h.t_ms = (long long)row->t_ms;
	h.ring = row->tok[ring][0];
	h.level = hist_level(row->tok[level]);
	h.max_zone_level = -1;
	h.margin_kb = 1LL << 62;
	c->nzones = 0;
	for (int i = 0; i < hd->ncols; i++) {
		const char *colon = strchr(hd->col[i], ':');

		if (strstr(hd->col[i], ":usable_kb"))
			c->nzones++;
		if (!colon || strcmp(colon, ":level"))
			continue;
		if (!hist_zone(row, hd->col[i], &h))
			return;
		fields++;
	}
	if (h.level < 0 || fields != c->nzones)
		return;
	if (c->n == c->cap) {
		struct hist_sample *nv = realloc(c->v, (c->cap ? 2 * c->cap : 256) * sizeof(*nv));

		if (!nv)
			return;
		c->v = nv;
		c->cap = c->cap ? 2 * c->cap : 256;
	}
	c->v[c->n++] = h;
	c->bad = false;
}

/*
 * Reads the view (memscope tool's ms_history_walk()) into *out
 * (malloc'ed); the number of samples, or -1.
 */
static int hist_read(struct hist_sample **out, int *nzones, long long *bytes)
{
	char *t = ms_slurp(MS_DEBUGFS "/history");
	struct ms_history_head head;
	struct hist_ctx c = { 0 };

	*nzones = -1;
	*bytes = -1;
	if (!t)
		return -1;
	ms_history_walk(t, &head, hist_row, &c);
	*bytes = head.bytes;
	if (head.ncols) {
		*nzones = 0;
		for (int i = 0; i < head.ncols; i++)
			if (strstr(head.col[i], ":usable_kb"))
				(*nzones)++;
	}
	free(t);
	if (c.bad) {
		free(c.v);
		return -1;
	}
	*out = c.v;
	return c.n;
}

/*
 * After an OOM kill between t_hog and t_end (ms): the history holds the
 * descent (MemAvailable at the last sample before the hog against the
 * kernel's figure, then down), the level rising to critical or oom, and
 * the kill counted (/proc/vmstat oom_kill).
 */
static void check_history(struct __test_metadata *_metadata, long long t_hog,
			  long long t_end, long long avail_kb, long long kills)
{
	long long bytes, base_avail = -1, base_kills = -1, low = -1, last_c = -1;
	long long kill_seen = -1, margin = 1LL << 62;
	struct hist_sample *h = NULL;
	int n, nzones, top = -1, during = 0;

	n = hist_read(&h, &nzones, &bytes);
	ASSERT_GT(n, 0);
	ASSERT_GT(nzones, 0);
	/* The recorder's budget: 16 KiB with one zone (versatilepb). */
	if (nzones == 1)
		EXPECT_LE(bytes, 16384);
	for (int i = 0; i < n; i++) {
		if (i)
			EXPECT_LE(h[i - 1].t_ms, h[i].t_ms);
		if (h[i].ring == 'c') {
			/* Coarse samples are at least a second apart. */
			if (last_c >= 0)
				EXPECT_GE(h[i].t_ms - last_c, 999);
			last_c = h[i].t_ms;
		}
		if (h[i].t_ms < t_hog) {
			base_avail = h[i].available_kb;
			base_kills = h[i].oom_kills;
			continue;
		}
		if (h[i].t_ms > t_end + 1000)
			continue;
		during++;
		low = low < 0 || h[i].available_kb < low ? h[i].available_kb : low;
		margin = h[i].margin_kb < margin ? h[i].margin_kb : margin;
		top = h[i].level > top ? h[i].level : top;
		if (kill_seen < 0 && base_kills >= 0 && h[i].oom_kills - base_kills >= kills)
			kill_seen = h[i].t_ms;
	}
	TH_LOG("history: %d samples, %d zone(s), %lld bytes; before the hog %lld kB available (MemAvailable %lld kB), lowest during %lld kB, least usable above low %lld kB, top level %d, kill counted at %lld ms (hog %lld..%lld ms)",
	       n, nzones, bytes, base_avail, avail_kb, low, margin, top, kill_seen, t_hog,
	       t_end);
	ASSERT_GE(base_avail, 0);
	/* The sample before the hog agrees with the kernel's own figure. */
	EXPECT_LE(llabs(base_avail - avail_kb), avail_kb / 10 + 1024);
	EXPECT_GE(during, 2);
	/*
	 * The descent: MemAvailable fell, and a zone's usable free memory
	 * reached its low watermark (MemAvailable also counts what reclaim
	 * could free, so it need not fall far).
	 */
	EXPECT_LT(low, base_avail);
	EXPECT_LE(margin, 0);
	EXPECT_GE(top, 3);
	EXPECT_GE(kill_seen, t_hog);
	free(h);
}

TEST_F_TIMEOUT(activity, oom_kill_sets_oom, 600)
{
	static struct oracle o;
	long long before, after, t_hog, t_end, avail_kb;
	int status;
	pid_t pid;
	char *t;
	if (self->no_tp)
		SKIP(return, "kernel without vmscan tracepoints");

	ms_oracle("/proc/vmstat oom_kill");
	ms_oracle("/proc/meminfo MemAvailable");
	ASSERT_EQ(0, ms_write_str("/proc/self/oom_score_adj", "-1000"));
	t = view_text();
	ASSERT_TRUE(t != NULL);
	EXPECT_EQ(0, level_of(t, "system"));
	free(t);
	ms_param_set("window_ms", "60000");
	before = ms_vmstat("oom_kill");
	/* The recorder's sample before the hog is at most a second old. */
	spin_ms(1100);
	avail_kb = ms_meminfo("MemAvailable");
	t_hog = ms_now_ms();
	pid = ms_fork_oom_hog(NULL);
	ASSERT_GT(pid, 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	t_end = ms_now_ms();
	after = ms_vmstat("oom_kill");
	t = view_text();
	ASSERT_TRUE(t != NULL);
	EXPECT_GE(after - before, 1);
	EXPECT_EQ(after - before, kv(t, "system", "window_events", "oom_kills"));
	EXPECT_EQ(4, level_of(t, "system"));
	free(t);
	check_history(_metadata, t_hog, t_end, avail_kb, after - before);
	flush_activity();
	/* Its memory is back: nothing justifies oom, nor, after kswapd, more. */
	EXPECT_NE(4, wait_sys_level(0, 5000));
	/*
	 * With nothing to reclaim, kswapd has given up on the node
	 * (kswapd_failures, node_unreclaimable) and keeps a boosted
	 * watermark until it next reclaims a page: the programs after this
	 * one would start on a node the kernel thinks hopeless. Reset both,
	 * as a reclaiming kswapd would.
	 */
	ASSERT_EQ(0, oracle_read(&o));
	for (int i = 0; i < o.n; i++) {
		char cmd[48];

		snprintf(cmd, sizeof(cmd), "kswapd_failures %d 0", o.z[i].node);
		EXPECT_EQ(0, hog_cmd(cmd));
	}
	ms_reset_boost();
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The memscope tool (tools/memscope, staged at /tools/memscope) in a real
 * guest: status, reserved, top in its non-terminal mode and record, each
 * against the views it reads and the kernel's own figures (/proc/meminfo,
 * /proc/buddyinfo, /proc/zoneinfo, the "Memory:" boot line). The host
 * tests cover the formatting on saved views; this covers the real ones.
 * Kept to a few seconds: it runs in the three main rows.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "msview.h"

#define TOOL "/tools/memscope"
#define OUT "/tmp/tool_test.out"

/* Run "TOOL ARGS > OUT"; the exit status, or -1 if it did not exit. */
static int tool(const char *args)
{
	char cmd[512];
	int st;

	snprintf(cmd, sizeof(cmd), TOOL " %s > " OUT " 2> " OUT ".err", args);
	st = system(cmd);
	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The first number after @key on a line of @text that starts with @key. */
static long long number_after(const char *text, const char *key)
{
	const char *p = text;
	size_t len = strlen(key);

	while (p && *p) {
		if (!strncmp(p, key, len))
			return strtoll(p + len + strspn(p + len, " :"), NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/* The tool's KiB column ($(NF-1)) of the row that starts with @row. */
static long long reserved_kib(const char *text, const char *row)
{
	const char *p = strstr(text, row), *nl;
	char line[256], *tok, *prev = NULL, *last = NULL, *save;

	if (!p)
		return -1;
	nl = strchr(p, '\n');
	snprintf(line, sizeof(line), "%.*s", nl ? (int)(nl - p) : (int)strlen(p), p);
	for (tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		prev = last;
		last = tok;
	}
	return prev ? strtoll(prev, NULL, 10) : -1;
}

static int level_of_view(void)
{
	static const char *const words[] = { "none", "low", "medium", "critical", "oom" };
	char *text = ms_slurp(MS_DEBUGFS "/pressure"), word[16] = "", *row;
	int i, n;

	if (!text)
		return -1;
	row = strstr(text, "\nsystem");
	n = row ? sscanf(row, "\nsystem level %15s", word) : 0;
	free(text);
	if (n != 1)
		return -1;
	for (i = 0; i < 5; i++)
		if (!strcmp(word, words[i]))
			return i;
	return -1;
}

/*
 * The view's system level once it holds still: two reads two reclaim
 * windows (window_ms) apart agree, up to eight times. An OOM kill keeps
 * the level at oom while it is in the last or the current window, so
 * right after the stress test's OOM storm a read and the tool's read
 * moments later could differ (2026-12-08: the view said none, top oom)
 * with neither wrong. -1 if it never holds still.
 */
static int settled_level(void)
{
	long long window = ms_param_get("window_ms");
	int prev = level_of_view(), now;

	if (window <= 0)
		window = 1000;
	for (int i = 0; i < 8; i++) {
		usleep((useconds_t)(2 * window + 200) * 1000);
		now = level_of_view();
		if (now == prev)
			return now;
		prev = now;
	}
	return -1;
}

static bool exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

FIXTURE(tool) {
	char *out;
};

FIXTURE_SETUP(tool)
{
	self->out = NULL;
	if (!exists(TOOL))
		SKIP(return, TOOL " not staged");
}

FIXTURE_TEARDOWN(tool)
{
	free(self->out);
}

/* status exits with the level the pressure view shows, MemAvailable near meminfo's. */
TEST_F(tool, status_level_and_memavailable)
{
	long long got, want;
	char *meminfo;
	int rc, level = settled_level();

	ms_oracle("/proc/meminfo");
	rc = tool("status");
	ASSERT_NE(-1, level);
	/* The idle guest stays at one level between the two reads. */
	EXPECT_EQ(level, rc);
	self->out = ms_slurp(OUT);
	meminfo = ms_slurp("/proc/meminfo");
	ASSERT_TRUE(self->out != NULL);
	ASSERT_TRUE(meminfo != NULL);
	got = number_after(strstr(self->out, "MemAvailable") ?: "", "MemAvailable");
	want = number_after(meminfo, "MemAvailable");
	free(meminfo);
	TH_LOG("status MemAvailable %lld KiB, /proc/meminfo %lld KiB", got, want);
	/* The same estimate read moments apart: within 1 MiB. */
	EXPECT_GE(1024, llabs(got - want));
}

/*
 * reserved: MemTotal is meminfo's to the KiB, physical RAM the boot line's
 * total, the owners' sum the view's reserved_now.
 */
TEST_F(tool, reserved_against_meminfo_and_boot_line)
{
	struct ms_mem_line ml;
	char *meminfo, *log, *view, *totals, *row;
	long long kib = -1;

	ms_oracle("boot log");
	ASSERT_EQ(0, tool("reserved"));
	self->out = ms_slurp(OUT);
	meminfo = ms_slurp("/proc/meminfo");
	log = ms_kernel_log();
	ASSERT_TRUE(self->out != NULL);
	ASSERT_TRUE(meminfo != NULL);
	ASSERT_TRUE(log != NULL);
	ASSERT_EQ(0, ms_parse_mem_line(log, &ml));
	EXPECT_EQ(number_after(meminfo, "MemTotal"), reserved_kib(self->out, "MemTotal"));
	EXPECT_EQ(ml.k[MS_ML_TOTAL], reserved_kib(self->out, "physical RAM"));
	/* The owners' sum against the view's own total (x86_64 has RAM in neither). */
	view = ms_slurp(MS_DEBUGFS "/reserved");
	ASSERT_TRUE(view != NULL);
	totals = strstr(view, "[totals]");
	ASSERT_TRUE(totals != NULL);
	row = strstr(totals, "\n  reserved_now ");
	ASSERT_TRUE(row != NULL);
	EXPECT_EQ(1, sscanf(row, " reserved_now %*d %lld", &kib));
	EXPECT_EQ(kib, reserved_kib(self->out, "reserved now (sum"));
	free(view);
	free(meminfo);
	free(log);
}

/* top, not on a terminal: one timestamped block per interval, the view's level. */
TEST_F(tool, top_blocks_without_a_terminal)
{
	static const char *const words[] = { "none", "low", "medium", "critical", "oom" };
	int level = settled_level(), blocks = 0;
	char *p, word[16] = "";

	ASSERT_EQ(0, tool("top -i 200ms -n 3 < /dev/null"));
	self->out = ms_slurp(OUT);
	ASSERT_TRUE(self->out != NULL);
	for (p = self->out; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, "--- ", 4))
			blocks++;
	EXPECT_EQ(3, blocks);
	EXPECT_TRUE(strstr(self->out, "\033[") == NULL);
	EXPECT_TRUE(strstr(self->out, "not readable") == NULL);
	p = strstr(self->out, "\nlevel ");
	ASSERT_TRUE(p != NULL);
	ASSERT_EQ(1, sscanf(p, "\nlevel %15s", word));
	ASSERT_LE(0, level);
	EXPECT_STREQ(words[level], word);
}

/*
 * record: samples 100 ms apart, and the first sample's figures against
 * /proc/zoneinfo (watermarks, exact) and /proc/buddyinfo (free blocks,
 * near: the allocator runs between the reads).
 */
TEST_F(tool, record_against_zoneinfo_and_buddyinfo)
{
	struct ms_zoneinfo zi[MS_MAX_ZONES * 4];
	struct ms_view bi;
	char *line, *save, field[64], scope[64], view[16], zone[64];
	unsigned long long t, first = 0, last = 0, v;
	unsigned long long min = 0, free_pages = 0, bi_pages = 0;
	int n, i, o, samples = 0;
	struct ms_zone *z;
	char value[32];

	ms_oracle("/proc/zoneinfo");
	ASSERT_EQ(0, ms_read_buddyinfo("/proc/buddyinfo", &bi));
	ASSERT_EQ(0, tool("record -i 100ms -d 700ms -o /tmp/tool_test.csv"));
	n = ms_read_zoneinfo(zi, MS_MAX_ZONES * 4);
	ASSERT_LT(0, n);
	self->out = ms_slurp("/tmp/tool_test.csv");
	ASSERT_TRUE(self->out != NULL);
	ASSERT_EQ(0, strncmp(self->out, "time_ms,view,scope,field,value\n", 31));
	/* The zone most pages live in: Normal (DMA32 on x86_64 at 128M). */
	for (i = 1; i < n; i++)
		if (zi[i].managed > zi[0].managed)
			zi[0] = zi[i];
	snprintf(zone, sizeof(zone), "node%d/%s", zi[0].node, zi[0].name);
	z = ms_find_zone(&bi, zi[0].node, zi[0].name);
	ASSERT_TRUE(z != NULL);
	for (o = 0; o < bi.norders; o++)
		bi_pages += (unsigned long long)z->blocks[o] << o;
	for (line = strtok_r(self->out + 31, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%llu,%15[^,],%63[^,],%63[^,],%31s", &t, view, scope, field,
			   value) != 5)
			continue;
		if (!strcmp(view, "meta") || !strcmp(view, "event") || !strcmp(view, "mark"))
			continue;
		/* A sample's rows share its time and come together. */
		if (t != last) {
			samples++;
			last = t;
		}
		if (!first)
			first = t;
		if (t != first)
			continue;
		if (strcmp(scope, zone))
			continue;
		v = strtoull(value, NULL, 10);
		if (!strcmp(field, "watermark_pages.min"))
			min = v;
		if (!strncmp(field, "free_blocks.", 12))
			free_pages += v << atoi(field + 12);
	}
	TH_LOG("node%d/%s: %d samples; min %llu pages (zoneinfo %lu); free %llu (buddyinfo %llu)",
	       zi[0].node, zi[0].name, samples, min, zi[0].min, free_pages, bi_pages);
	/* 700 ms at 100 ms: 7, give or take a slow view read on TCG. */
	EXPECT_LE(4, samples);
	EXPECT_GE(8, samples);
	EXPECT_EQ(zi[0].min, min);
	/* Free pages move while the guest runs: within 5% or 256 pages. */
	EXPECT_GE((bi_pages / 20 > 256 ? bi_pages / 20 : 256),
		  free_pages > bi_pages ? free_pages - bi_pages : bi_pages - free_pages);
}

/* --history needs a flight recorder: clear error without the view, data with it. */
TEST_F(tool, record_history)
{
	int rc = tool("record --history -o /tmp/tool_test.history");

	if (exists(MS_DEBUGFS "/history")) {
		/* The recorder's samples in the words of a live recording. */
		EXPECT_EQ(0, rc);
		self->out = ms_slurp("/tmp/tool_test.history");
		ASSERT_TRUE(self->out != NULL);
		EXPECT_EQ(0, strncmp(self->out, "time_ms,view,scope,field,value\n", 31));
		EXPECT_TRUE(strstr(self->out, ",pressure,system,available_pages,") != NULL);
		EXPECT_TRUE(strstr(self->out, ",reclaim,event/kswapd_wakes,since_load,") != NULL);
		return;
	}
	EXPECT_EQ(9, rc);
	self->out = ms_slurp(OUT ".err");
	ASSERT_TRUE(self->out != NULL);
	EXPECT_TRUE(strstr(self->out, "no flight recorder") != NULL);
	EXPECT_FALSE(exists("/tmp/tool_test.history"));
}

/* The heartbeat in a textfile, or -1. */
static double heartbeat(const char *path)
{
	char *text = ms_slurp(path), *p;
	double t = -1;

	p = text ? strstr(text, "\nmemscope_last_scrape_timestamp_seconds ") : NULL;
	if (p)
		t = strtod(p + 40, NULL);
	free(text);
	return t;
}

/*
 * memscoped with no record arriving (only an OOM trigger, none happens)
 * still rewrites its textfile every textfile_period_s, with the module's
 * state from the tool's library: a dead daemon no longer looks like a
 * quiet system.
 */
TEST_F(tool, memscoped_rewrites_its_textfile_periodically)
{
	static const char conf[] = "/tmp/tool_test.conf", prom[] = "/tmp/tool_test.prom";
	struct timespec step = { 0, 100 * 1000 * 1000 };
	double first = -1, last;
	pid_t pid;
	FILE *f;
	int i;

	if (!exists("/tools/memscoped"))
		SKIP(return, "/tools/memscoped not staged");
	unlink(prom);
	f = fopen(conf, "w");
	ASSERT_TRUE(f != NULL);
	fprintf(f, "trigger oom\ntextfile %s\ntextfile_period_s 1\nlog /tmp/tool_test.log\n"
		   "realtime no\nmlock no\n", prom);
	fclose(f);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		execl("/tools/memscoped", "memscoped", "-c", conf, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 50 && first < 0; i++) {
		nanosleep(&step, NULL);
		first = heartbeat(prom);
	}
	/* 2.5 periods: two more writes, no record in between (1.5 s for jitter). */
	for (i = 0; i < 25; i++)
		nanosleep(&step, NULL);
	last = heartbeat(prom);
	self->out = ms_slurp(prom);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	TH_LOG("heartbeat %.3f then %.3f", first, last);
	ASSERT_LT(0, first);
	EXPECT_LE(1.5, last - first);
	ASSERT_TRUE(self->out != NULL);
	EXPECT_TRUE(strstr(self->out, "\nmemscope_view_up{view=\"pressure\"} 1\n") != NULL);
	EXPECT_TRUE(strstr(self->out, "\nmemscope_zone_headroom_bytes{") != NULL);
	EXPECT_TRUE(strstr(self->out, "\nmemscope_kills_total 0\n") != NULL);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: "memscope top", vmstat 1 for the module's views. Every
 * interval it reads pressure, alloc, reclaim and slab and prints what
 * moved: allocation and free rates per order, kswapd, direct reclaim and
 * compaction with their stall time, the slab caches that grew most and
 * the level changes. On a terminal the block is redrawn in place with
 * plain ANSI and 'q' quits; otherwise one timestamped block per interval
 * is appended, for logs and tests.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "duration.h"
#include "msparse_text.h"
#include "snapshot.h"
#include "status.h"

#define MS_TOP_CACHES 256
#define MS_TOP_SHOWN_CACHES 5

struct ms_top_cache {
	char name[32];
	int64_t live_bytes;
};

struct ms_top_sample {
	uint64_t t;
	struct ms_snapshot s;
	int nr_caches;
	struct ms_top_cache cache[MS_TOP_CACHES];
};

static volatile sig_atomic_t ms_top_stop;

static void ms_top_on_signal(int sig)
{
	(void)sig;
	ms_top_stop = 1;
}

/* The slab view's cache rows: "cache NAME OBJSIZE ALLOCS FREES LIVE LIVE_BYTES ...". */
static void ms_top_read_slab(struct ms_top_sample *x, const struct ms_roots *roots)
{
	char *text = ms_read_file(roots->debugfs, "slab", NULL), *cur = text, *line;
	char *tok[MS_MAX_TOKENS];
	int64_t bytes;

	x->nr_caches = 0;
	while (text && (line = ms_next_line(&cur)) && x->nr_caches < MS_TOP_CACHES) {
		if (ms_split(line, tok, MS_MAX_TOKENS) < 7 || strcmp(tok[0], "cache") ||
		    !ms_parse_s64(tok[6], &bytes))
			continue;
		ms_copy(x->cache[x->nr_caches].name, sizeof(x->cache[0].name), tok[1]);
		x->cache[x->nr_caches++].live_bytes = bytes;
	}
	free(text);
}

static void ms_top_take(struct ms_top_sample *x, const struct ms_roots *roots, bool quiet)
{
	/* A missing view is said once, at the first sample, not every second. */
	ms_snapshot_quiet = quiet;
	ms_snapshot_load(&x->s, roots, MS_VIEW_PRESSURE | MS_VIEW_ALLOC | MS_VIEW_RECLAIM);
	ms_snapshot_quiet = false;
	ms_top_read_slab(x, roots);
	x->t = ms_now_ms();
}

static uint64_t ms_top_counter(const struct ms_snapshot *s, const char *name)
{
	const struct ms_counter *c = ms_reclaim_counter(&s->reclaim, name);

	return c ? c->since_load : 0;
}

/* @name's growth per second between the samples; counters only grow. */
static double ms_top_rate(const struct ms_top_sample *a, const struct ms_top_sample *b,
			  const char *name, double secs)
{
	uint64_t x = ms_top_counter(&a->s, name), y = ms_top_counter(&b->s, name);

	return y >= x ? (double)(y - x) / secs : 0;
}

static double ms_top_ms(const struct ms_top_sample *a, const struct ms_top_sample *b,
			const char *name)
{
	uint64_t x = ms_top_counter(&a->s, name), y = ms_top_counter(&b->s, name);

	return y >= x ? (double)(y - x) / 1e6 : 0;
}

static void ms_top_orders(FILE *f, const struct ms_top_sample *a,
			  const struct ms_top_sample *b, double secs)
{
	const struct ms_alloc *x = &a->s.alloc, *y = &b->s.alloc;
	const int l = MS_SINCE_LOAD;
	int o, shown = 0;

	if (!(a->s.have & b->s.have & MS_VIEW_ALLOC)) {
		fprintf(f, "alloc: view not readable\n");
		return;
	}
	fprintf(f, "order  alloc/s   free/s  fail/s\n");
	for (o = 0; o < y->nr_orders; o++) {
		uint64_t al = y->allocs[l][o] - x->allocs[l][o];
		uint64_t fr = y->frees[l][o] - x->frees[l][o];
		uint64_t fa = y->fails[l][o] - x->fails[l][o];

		/* Orders with nothing happening are left out, as zeros are noise. */
		if (!al && !fr && !fa)
			continue;
		fprintf(f, "%5d %8.0f %8.0f %7.0f\n", o, (double)al / secs, (double)fr / secs,
			(double)fa / secs);
		shown++;
	}
	if (!shown)
		fprintf(f, "    -        0        0       0\n");
}

static void ms_top_reclaim(FILE *f, const struct ms_top_sample *a,
			   const struct ms_top_sample *b, double secs)
{
	if (!(a->s.have & b->s.have & MS_VIEW_RECLAIM)) {
		fprintf(f, "reclaim: view not readable\n");
		return;
	}
	fprintf(f, "kswapd wakes %.1f/s  scanned %.0f/s reclaimed %.0f/s pages\n",
		ms_top_rate(a, b, "kswapd_wakes", secs), ms_top_rate(a, b, "lru_scanned", secs),
		ms_top_rate(a, b, "lru_reclaimed", secs));
	fprintf(f,
		"direct reclaim %.1f/s stalled %.1f ms  compaction stalls %.1f/s stalled %.1f ms\n",
		ms_top_rate(a, b, "direct_reclaims", secs),
		ms_top_ms(a, b, "direct_reclaim_time"), ms_top_rate(a, b, "compact_stalls", secs),
		ms_top_ms(a, b, "compact_stall_time"));
	fprintf(f, "kcompactd wakes %.1f/s  oom kills %llu\n",
		ms_top_rate(a, b, "kcompactd_wakes", secs),
		(unsigned long long)(ms_top_counter(&b->s, "oom_kills") -
				     ms_top_counter(&a->s, "oom_kills")));
}

static int64_t ms_top_growth(const struct ms_top_sample *a, const struct ms_top_cache *c)
{
	int i;

	for (i = 0; i < a->nr_caches; i++)
		if (!strcmp(a->cache[i].name, c->name))
			return c->live_bytes - a->cache[i].live_bytes;
	return c->live_bytes;	/* new since the last sample */
}

static void ms_top_slab(FILE *f, const struct ms_top_sample *a, const struct ms_top_sample *b)
{
	int64_t best[MS_TOP_SHOWN_CACHES] = { 0 }, g;
	int who[MS_TOP_SHOWN_CACHES], i, j, k, n = 0;

	for (i = 0; i < b->nr_caches; i++) {
		g = ms_top_growth(a, &b->cache[i]);
		if (g <= 0)
			continue;
		for (j = 0; j < n && best[j] >= g; j++)
			;
		if (j == MS_TOP_SHOWN_CACHES)
			continue;
		if (n < MS_TOP_SHOWN_CACHES)
			n++;
		for (k = n - 1; k > j; k--) {
			best[k] = best[k - 1];
			who[k] = who[k - 1];
		}
		best[j] = g;
		who[j] = i;
	}
	fprintf(f, "slab growing:");
	for (i = 0; i < n; i++)
		fprintf(f, " %s +%lldB", b->cache[who[i]].name, (long long)best[i]);
	fprintf(f, "%s\n", n ? "" : " none");
}

static void ms_top_levels(FILE *f, const struct ms_top_sample *a, const struct ms_top_sample *b)
{
	const struct ms_pressure *x = &a->s.pressure, *y = &b->s.pressure;
	int i, changes = 0;

	fprintf(f, "levels:");
	if (x->level != y->level) {
		fprintf(f, " system %s->%s", ms_status_level_word(x->level),
			ms_status_level_word(y->level));
		changes++;
	}
	for (i = 0; i < y->nr_zones && i < x->nr_zones; i++) {
		if (x->zone[i].level == y->zone[i].level)
			continue;
		fprintf(f, " node%d/%s %s->%s", y->zone[i].node, y->zone[i].zone,
			ms_status_level_word(x->zone[i].level),
			ms_status_level_word(y->zone[i].level));
		changes++;
	}
	fprintf(f, "%s\n", changes ? "" : " no change");
}

static void ms_top_block(FILE *f, const struct ms_top_sample *a, const struct ms_top_sample *b,
			 bool tty)
{
	const struct ms_pressure *p = &b->s.pressure;
	double secs = (double)(b->t - a->t) / 1000;
	char when[32];
	struct tm tm;
	time_t now = time(NULL);
	int i;

	if (secs <= 0)
		secs = 0.001;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (tty)
		fputs("\033[H\033[J", f);
	fprintf(f, "--- %s  t=%llu ms  interval %.2f s%s\n", when, (unsigned long long)b->t, secs,
		tty ? "  (q quits)" : "");
	if (b->s.have & MS_VIEW_PRESSURE) {
		fprintf(f, "level %s for %llu ms  MemAvailable %lluK\n",
			ms_status_level_word(p->level), (unsigned long long)p->level_ms,
			(unsigned long long)(p->available_pages * p->page_size / 1024));
		for (i = 0; i < p->nr_zones; i++) {
			const struct ms_zone_pressure *z = &p->zone[i];

			fprintf(f, "  node%d/%s %s usable %lluK headroom min %lldK\n",
				z->node, z->zone, ms_status_level_word(z->level),
				(unsigned long long)(z->usable_free_pages * p->page_size / 1024),
				(long long)(z->headroom_pages[0] * (int64_t)p->page_size / 1024));
		}
		if (a->s.have & MS_VIEW_PRESSURE)
			ms_top_levels(f, a, b);
	} else {
		fprintf(f, "pressure: view not readable\n");
	}
	ms_top_orders(f, a, b, secs);
	ms_top_reclaim(f, a, b, secs);
	ms_top_slab(f, a, b);
}

/* Wait until @deadline; true when 'q' was typed on the terminal. */
static bool ms_top_wait(uint64_t deadline, bool tty)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	uint64_t now;
	char c;

	while (!ms_top_stop && (now = ms_now_ms()) < deadline) {
		if (poll(&pfd, tty ? 1 : 0, (int)(deadline - now)) <= 0)
			continue;
		if (read(STDIN_FILENO, &c, 1) == 1 && (c == 'q' || c == 'Q'))
			return true;
	}
	return false;
}

int ms_cmd_top(const struct ms_options *o)
{
	struct ms_top_sample *x = calloc(2, sizeof(*x));
	bool tty = isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
	struct termios saved, raw;
	struct sigaction sa;
	uint64_t next, shown = 0;
	int cur = 0;

	if (!x)
		return MS_EXIT_ERROR;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ms_top_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Keys without Enter and without echo, so 'q' quits at once. */
	if (tty && !tcgetattr(STDIN_FILENO, &saved)) {
		raw = saved;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	} else {
		tty = false;
	}
	ms_top_take(&x[cur], &o->roots, false);
	if (!(x[cur].s.have & (MS_VIEW_PRESSURE | MS_VIEW_ALLOC | MS_VIEW_RECLAIM))) {
		fprintf(stderr, "memscope: top: none of pressure, alloc, reclaim readable\n");
		free(x);
		if (tty)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		return MS_EXIT_ERROR;
	}
	next = x[cur].t + o->interval_ms;
	while (!ms_top_stop && (!o->count || shown < o->count)) {
		if (ms_top_wait(next, tty))
			break;
		if (ms_top_stop)
			break;
		ms_top_take(&x[!cur], &o->roots, true);
		ms_top_block(stdout, &x[cur], &x[!cur], tty);
		if (fflush(stdout))
			break;
		cur = !cur;
		shown++;
		next += o->interval_ms;
		if (next <= x[cur].t)
			next = x[cur].t + o->interval_ms;
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	free(x);
	return ferror(stdout) ? MS_EXIT_ERROR : 0;
}

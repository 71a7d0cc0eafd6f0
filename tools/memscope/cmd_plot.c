// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: "memscope plot RUN.csv -o RUN.png", on the host. Reads a
 * recording of "memscope record", carries every field forward from sample
 * to sample, writes the series a picture needs as plain data files and a
 * gnuplot script, and runs gnuplot (pngcairo) on them:
 *
 *   system.dat   t_s available_MiB level
 *   zoneN.dat    t_s usable_free_MiB min_MiB low_MiB high_MiB (one per zone)
 *   levels.dat   from_s to_s level, one row per stretch at one system level
 *   events.dat   t_s kind_number kind, one row per event
 *   buddy.dat    t_s order free_blocks to_s (all zones, until the next sample)
 *   plot.gp      the script
 *
 * Events are increments of the reclaim view's since-load counters between
 * samples (kswapd wakes, direct reclaims, compaction stalls, OOM kills),
 * so they show even in a recording made without /dev/memscope, and
 * "mark" rows of kind memscoped_kill (see Documentation/memscope-tool.rst).
 * --data DIR keeps the files (the tests read them); otherwise they go
 * into a temporary directory removed afterwards.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi_names.h"
#include "commands.h"
#include "msfields.h"
#include "msparse_buddy.h"
#include "msparse_text.h"

#define MS_MIB (1024.0 * 1024.0)

enum { MS_EV_KSWAPD = 1, MS_EV_DIRECT, MS_EV_COMPACT, MS_EV_OOM, MS_EV_KILL, MS_NR_EV };

static const char *const ms_ev_name[MS_NR_EV] = {
	[MS_EV_KSWAPD] = "kswapd_wake",
	[MS_EV_DIRECT] = "direct_reclaim",
	[MS_EV_COMPACT] = "compaction_stall",
	[MS_EV_OOM] = "oom_kill",
	[MS_EV_KILL] = "memscoped_kill",
};

/* The reclaim counters whose increments are events, by MS_EV_* number. */
static const char *const ms_ev_counter[MS_NR_EV] = {
	[MS_EV_KSWAPD] = "event/kswapd_wakes",
	[MS_EV_DIRECT] = "event/direct_reclaims",
	[MS_EV_COMPACT] = "event/compact_stalls",
	[MS_EV_OOM] = "event/oom_kills",
};

struct ms_plot_zone {
	char scope[MS_SCOPE_LEN];
	double usable, wmark[3];	/* pages */
	bool seen_usable;
	FILE *f;
};

struct ms_plot {
	const char *dir;
	FILE *system, *levels, *events, *buddy;
	double page_size, interval_ms;
	bool started, have_sample;
	uint64_t t0, t;			/* first sample, current sample (ms) */
	double available;		/* pages */
	int level, band_level;
	double band_from;
	int nr_zones;
	struct ms_plot_zone zone[MS_MAX_ZONES];
	int nr_orders;
	uint64_t blocks[MS_MAX_ZONES][MS_MAX_ORDERS];
	char buddy_scope[MS_MAX_ZONES][MS_SCOPE_LEN];
	int nr_buddy;
	uint64_t counter[MS_NR_EV], last_counter[MS_NR_EV];
	bool have_counter[MS_NR_EV], had_counter[MS_NR_EV];
	unsigned int nr_events[MS_NR_EV];
	unsigned int samples;
	double t_end;
	/* buddy.dat rows wait for the next sample, which ends their cell. */
	bool buddy_pending;
	double buddy_t;
	uint64_t buddy_sum[MS_MAX_ORDERS];
};

static double ms_plot_secs(const struct ms_plot *p, uint64_t t)
{
	return t >= p->t0 ? (double)(t - p->t0) / 1000 : -(double)(p->t0 - t) / 1000;
}

static struct ms_plot_zone *ms_plot_zone(struct ms_plot *p, const char *scope)
{
	int i;

	for (i = 0; i < p->nr_zones; i++)
		if (!strcmp(p->zone[i].scope, scope))
			return &p->zone[i];
	if (p->nr_zones == MS_MAX_ZONES)
		return NULL;
	ms_copy(p->zone[p->nr_zones].scope, MS_SCOPE_LEN, scope);
	return &p->zone[p->nr_zones++];
}

static int ms_plot_buddy_zone(struct ms_plot *p, const char *scope)
{
	int i;

	for (i = 0; i < p->nr_buddy; i++)
		if (!strcmp(p->buddy_scope[i], scope))
			return i;
	if (p->nr_buddy == MS_MAX_ZONES)
		return -1;
	ms_copy(p->buddy_scope[p->nr_buddy], MS_SCOPE_LEN, scope);
	return p->nr_buddy++;
}

static void ms_plot_event(struct ms_plot *p, double t, int kind)
{
	fprintf(p->events, "%.3f %d %s\n", t, kind, ms_ev_name[kind]);
	p->nr_events[kind]++;
}

/* The last sample's free blocks, as cells that end at @to. */
static void ms_plot_buddy_rows(struct ms_plot *p, double to)
{
	int o;

	if (!p->buddy_pending)
		return;
	for (o = 0; o < p->nr_orders; o++)
		fprintf(p->buddy, "%.3f %d %llu %.3f\n", p->buddy_t, o,
			(unsigned long long)p->buddy_sum[o], to);
	p->buddy_pending = false;
}

/* The sample at p->t is complete: one row in each series. */
static void ms_plot_flush(struct ms_plot *p)
{
	double t = ms_plot_secs(p, p->t), mib = p->page_size / MS_MIB;
	uint64_t sum;
	int i, k, o;

	if (!p->have_sample)
		return;
	p->have_sample = false;
	p->samples++;
	p->t_end = t;
	fprintf(p->system, "%.3f %.3f %d\n", t, p->available * mib, p->level);
	if (p->level != p->band_level) {
		if (p->band_level >= 0)
			fprintf(p->levels, "%.3f %.3f %d\n", p->band_from, t, p->band_level);
		p->band_level = p->level;
		p->band_from = t;
	}
	for (i = 0; i < p->nr_zones; i++) {
		struct ms_plot_zone *z = &p->zone[i];

		if (!z->seen_usable)
			continue;
		if (!z->f) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/zone%d.dat", p->dir, i);
			z->f = fopen(path, "w");
			if (!z->f)
				continue;
			fprintf(z->f, "# %s: t_s usable_free_MiB min_MiB low_MiB high_MiB\n",
				z->scope);
		}
		fprintf(z->f, "%.3f %.3f %.3f %.3f %.3f\n", t, z->usable * mib,
			z->wmark[0] * mib, z->wmark[1] * mib, z->wmark[2] * mib);
	}
	if (p->nr_buddy) {
		ms_plot_buddy_rows(p, t);
		for (o = 0; o < p->nr_orders; o++) {
			for (sum = 0, i = 0; i < p->nr_buddy; i++)
				sum += p->blocks[i][o];
			p->buddy_sum[o] = sum;
		}
		p->buddy_t = t;
		p->buddy_pending = true;
	}
	/* A counter that grew since the last sample: one event at this one. */
	for (k = 1; k < MS_NR_EV; k++) {
		if (!p->have_counter[k])
			continue;
		if (p->had_counter[k] && p->counter[k] > p->last_counter[k])
			ms_plot_event(p, t, k);
		p->last_counter[k] = p->counter[k];
		p->had_counter[k] = true;
	}
}

static void ms_plot_row(struct ms_plot *p, uint64_t t, const char *view, const char *scope,
			const char *field, const char *value)
{
	struct ms_plot_zone *z;
	const char *dot;
	uint64_t u;
	double v;
	int k, b;

	if (!ms_parse_double(value, &v))
		return;
	if (!strcmp(view, "meta")) {
		if (!strcmp(field, "page_size"))
			p->page_size = v;
		else if (!strcmp(field, "interval_ms"))
			p->interval_ms = v;
		return;
	}
	if (!strcmp(view, "mark") || !strcmp(view, "event")) {
		/* Records and marks keep their own time, between samples. */
		if (!strcmp(field, "memscoped_kill") && p->started)
			ms_plot_event(p, ms_plot_secs(p, t), MS_EV_KILL);
		return;
	}
	if (!p->started) {
		p->started = true;
		p->t0 = t;
	}
	if (t != p->t) {
		ms_plot_flush(p);
		p->t = t;
	}
	p->have_sample = true;
	if (!strcmp(view, "pressure")) {
		if (!strcmp(scope, "system")) {
			if (!strcmp(field, "available_pages"))
				p->available = v;
			else if (!strcmp(field, "level"))
				p->level = (int)v;
			return;
		}
		z = ms_plot_zone(p, scope);
		if (!z)
			return;
		if (!strcmp(field, "usable_free_pages")) {
			z->usable = v;
			z->seen_usable = true;
		} else if (!strncmp(field, "watermark_pages.", 16)) {
			k = ms_wmark_lookup(field + 16, strlen(field + 16));
			if (k >= 0 && k < 3)
				z->wmark[k] = v;
		}
	} else if (!strcmp(view, "buddy") && !strncmp(field, "free_blocks.", 12)) {
		dot = field + 12;
		if (!ms_parse_u64(dot, &u) || u >= MS_MAX_ORDERS)
			return;
		b = ms_plot_buddy_zone(p, scope);
		if (b < 0)
			return;
		p->blocks[b][u] = (uint64_t)v;
		if ((int)u + 1 > p->nr_orders)
			p->nr_orders = (int)u + 1;
	} else if (!strcmp(view, "reclaim") && !strcmp(field, "since_load")) {
		for (k = 1; k < MS_NR_EV; k++)
			if (ms_ev_counter[k] && !strcmp(scope, ms_ev_counter[k])) {
				p->counter[k] = (uint64_t)v;
				p->have_counter[k] = true;
			}
	}
}

/* Split one CSV line "time_ms,view,scope,field,value" in place. */
static int ms_plot_line(struct ms_plot *p, char *line)
{
	char *col[5], *c = line;
	uint64_t t;
	int i;

	for (i = 0; i < 5; i++) {
		col[i] = c;
		c = strchr(c, i < 4 ? ',' : '\n');
		if (!c) {
			if (i < 4)
				return -1;
			break;
		}
		*c++ = '\0';
	}
	if (!ms_parse_u64(col[0], &t))
		return -1;
	ms_plot_row(p, t, col[1], col[2], col[3], col[4]);
	return 0;
}

static FILE *ms_plot_open(const char *dir, const char *name, const char *header)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f)
		fprintf(f, "# %s\n", header);
	else
		fprintf(stderr, "memscope: %s: %s\n", path, strerror(errno));
	return f;
}

static const char *const ms_band_color[] = {
	NULL, "#f2e600", "#ff9900", "#e60000", "#800000",
};

static const struct {
	const char *color;
	int point;
} ms_ev_style[MS_NR_EV] = {
	[MS_EV_KSWAPD] = { "#8c564b", 9 },	/* triangle up */
	[MS_EV_DIRECT] = { "#d62728", 7 },	/* disc */
	[MS_EV_COMPACT] = { "#9467bd", 5 },	/* square */
	[MS_EV_OOM] = { "#000000", 3 },		/* star */
	[MS_EV_KILL] = { "#2ca02c", 13 },	/* diamond */
};

/* Level bands from levels.dat: rectangles behind the lines. */
static void ms_plot_bands(FILE *f, const struct ms_plot *p)
{
	char path[4096], line[256];
	double from, to;
	int level, n = 0;
	FILE *in;

	snprintf(path, sizeof(path), "%s/levels.dat", p->dir);
	in = fopen(path, "r");
	while (in && fgets(line, sizeof(line), in)) {
		if (line[0] == '#' || sscanf(line, "%lf %lf %d", &from, &to, &level) != 3 ||
		    level <= 0 || level >= (int)ARRAY_SIZE(ms_band_color))
			continue;
		fprintf(f,
			"set object %d rect from %.3f, graph 0 to %.3f, graph 1 fc rgb '%s' fs solid 0.3 noborder behind\n",
			++n, from, to, ms_band_color[level]);
	}
	if (in)
		fclose(in);
}

/*
 * OOM kills and memscoped's kills, from events.dat: a labelled vertical
 * line each, the answer to "when was something killed".
 */
static void ms_plot_kills(FILE *f, const struct ms_plot *p)
{
	char path[4096], line[256], name[32];
	int kind, n = 0;
	double t;
	FILE *in;

	snprintf(path, sizeof(path), "%s/events.dat", p->dir);
	in = fopen(path, "r");
	while (in && fgets(line, sizeof(line), in)) {
		if (line[0] == '#' || sscanf(line, "%lf %d %31s", &t, &kind, name) != 3 ||
		    (kind != MS_EV_OOM && kind != MS_EV_KILL))
			continue;
		n++;
		fprintf(f, "set arrow %d from %.3f, graph 0 to %.3f, graph 1 nohead lw 2 lc rgb '%s' front\n",
			n, t, t, ms_ev_style[kind].color);
		fprintf(f, "set label %d '%s' at %.3f, graph 0.5 rotate by 90 offset -0.8, 0 tc rgb '%s' front\n",
			n, kind == MS_EV_OOM ? "OOM kill" : "memscoped kill", t,
			ms_ev_style[kind].color);
	}
	if (in)
		fclose(in);
}

/* The gnuplot script: two panels sharing the time axis. */
static int ms_plot_script(struct ms_plot *p, const char *png, const char *title)
{
	FILE *f = ms_plot_open(p->dir, "plot.gp", "memscope plot: generated, run by memscope plot");
	static const char *const zone_color[] = { "#1f3fbf", "#17becf", "#7f7f7f", "#bcbd22" };
	int level, i, k;

	if (!f)
		return -1;
	fprintf(f, "set terminal pngcairo size 1400,1000 font 'DejaVu Sans,11' noenhanced\n");
	fprintf(f, "set output '%s'\n", png);
	fprintf(f, "cd '%s'\n", p->dir);
	fprintf(f, "set multiplot title 'memscope record: %s'\n", title);
	fprintf(f, "set lmargin at screen 0.07\nset rmargin at screen 0.78\n");
	fprintf(f, "set xrange [0:%.3f]\nset grid\nset key at screen 0.80, screen 0.93 left top\n",
		p->t_end > 0 ? p->t_end : 1);
	fprintf(f, "set tmargin at screen 0.93\nset bmargin at screen 0.42\n");
	fprintf(f, "set format x ''\nset ylabel 'MiB'\nset yrange [0:*]\n");
	fprintf(f, "set y2range [0:1]\nunset y2tics\n");
	ms_plot_bands(f, p);
	ms_plot_kills(f, p);
	fprintf(f, "plot 'system.dat' using 1:2 with lines lw 2.5 lc rgb 'black' title 'MemAvailable'");
	for (i = 0; i < p->nr_zones; i++) {
		if (!p->zone[i].f)
			continue;
		fprintf(f,
			", \\\n  'zone%d.dat' using 1:2 with lines lw 2 lc rgb '%s' title 'usable free %s'",
			i, zone_color[i % ARRAY_SIZE(zone_color)], p->zone[i].scope);
		fprintf(f,
			", \\\n  '' using 1:3 with lines dt 2 lw 1.5 lc rgb '#e60000' title '%s min'",
			p->zone[i].scope);
		fprintf(f,
			", \\\n  '' using 1:4 with lines dt 2 lw 1.5 lc rgb '#ff9900' title '%s low'",
			p->zone[i].scope);
		fprintf(f,
			", \\\n  '' using 1:5 with lines dt 2 lw 1.5 lc rgb '#2ca02c' title '%s high'",
			p->zone[i].scope);
	}
	/* Events: one row of markers each, near the top, on the y2 axis. */
	for (k = 1; k < MS_NR_EV; k++)
		fprintf(f,
			", \\\n  'events.dat' using 1:($2 == %d ? %.3f : 1/0) axes x1y2 with points pt %d ps 1.8 lc rgb '%s' title '%s'",
			k, 0.97 - 0.05 * (k - 1), ms_ev_style[k].point, ms_ev_style[k].color,
			ms_ev_name[k]);
	for (level = 1; level < (int)ARRAY_SIZE(ms_band_color); level++)
		fprintf(f,
			", \\\n  NaN with boxes fs solid 0.3 noborder lc rgb '%s' title 'level %s'",
			ms_band_color[level], ms_level_name((__u32)level));
	fprintf(f, "\n");
	/* Second panel: free blocks per order over time, a heatmap. */
	fprintf(f, "unset object\nunset arrow\nunset label\n");
	fprintf(f, "set tmargin at screen 0.38\nset bmargin at screen 0.07\n");
	fprintf(f, "set format x '%%g'\nset xlabel 'seconds since the recording started'\n");
	fprintf(f, "set ylabel 'order'\nset yrange [-0.5:%d.5]\nset ytics 1\nunset grid\n",
		p->nr_orders > 0 ? p->nr_orders - 1 : 0);
	fprintf(f, "set palette defined (0 'white', 1 '#c6dbef', 2 '#4292c6', 3 '#08306b')\n");
	fprintf(f, "set cbrange [0:*]\nset cblabel 'free blocks, all zones (log10(n+1))'\n");
	fprintf(f, "set colorbox user origin screen 0.80, screen 0.07 size screen 0.02, screen 0.31\n");
	if (p->nr_buddy)
		fprintf(f,
			"plot 'buddy.dat' using (($1 + $4) / 2):2:1:4:($2 - 0.5):($2 + 0.5):(log10($3 + 1)) with boxxyerror fs solid 1.0 noborder fc palette notitle\n");
	else
		fprintf(f, "set label 1 'no buddy view in this recording' at graph 0.4, graph 0.5\n"
			   "plot NaN notitle\n");
	fprintf(f, "unset multiplot\n");
	return fclose(f) ? -1 : 0;
}

static int ms_plot_gnuplot(const char *dir)
{
	const char *gp = getenv("GNUPLOT");
	char script[4096];
	int status;
	pid_t pid;

	snprintf(script, sizeof(script), "%s/plot.gp", dir);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		execlp(gp && *gp ? gp : "gnuplot", "gnuplot", script, (char *)NULL);
		fprintf(stderr, "memscope: gnuplot: %s (Debian: apt-get install gnuplot-nox)\n",
			strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return 0;
}

static void ms_plot_rmdir(const char *dir)
{
	static const char *const names[] = {
		"system.dat", "levels.dat", "events.dat", "buddy.dat", "plot.gp",
	};
	char path[4096];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	for (i = 0; i < MS_MAX_ZONES; i++) {
		snprintf(path, sizeof(path), "%s/zone%zu.dat", dir, i);
		unlink(path);
	}
	rmdir(dir);
}

int ms_cmd_plot(const struct ms_options *o)
{
	struct ms_plot *p = calloc(1, sizeof(*p));
	char tmpdir[] = "/tmp/memscope-plot.XXXXXX", *line = NULL, *png = NULL;
	const char *base;
	size_t cap = 0;
	int ret = MS_EXIT_ERROR, i;
	FILE *in;

	if (!p)
		return MS_EXIT_ERROR;
	if (!o->input || !o->out) {
		fprintf(stderr, "memscope: plot needs RUN.csv and -o RUN.png\n");
		free(p);
		return MS_EXIT_USAGE;
	}
	in = fopen(o->input, "r");
	if (!in) {
		fprintf(stderr, "memscope: %s: %s\n", o->input, strerror(errno));
		free(p);
		return MS_EXIT_ERROR;
	}
	if (o->data_dir) {
		p->dir = o->data_dir;
		if (mkdir(p->dir, 0755) && errno != EEXIST) {
			fprintf(stderr, "memscope: %s: %s\n", p->dir, strerror(errno));
			goto out;
		}
	} else {
		p->dir = mkdtemp(tmpdir);
		if (!p->dir) {
			fprintf(stderr, "memscope: %s: %s\n", tmpdir, strerror(errno));
			goto out;
		}
	}
	/* gnuplot runs in the data directory, so it gets an absolute PNG path. */
	png = realpath(".", NULL);
	if (png && o->out[0] != '/') {
		char *abs = malloc(strlen(png) + strlen(o->out) + 2);

		if (abs)
			sprintf(abs, "%s/%s", png, o->out);
		free(png);
		png = abs;
	} else {
		free(png);
		png = strdup(o->out);
	}
	p->page_size = 4096;	/* a recording without the meta row */
	p->level = -1;
	p->band_level = -1;
	p->system = ms_plot_open(p->dir, "system.dat", "t_s available_MiB level");
	p->levels = ms_plot_open(p->dir, "levels.dat", "from_s to_s level");
	p->events = ms_plot_open(p->dir, "events.dat", "t_s kind_number kind");
	p->buddy = ms_plot_open(p->dir, "buddy.dat", "t_s order free_blocks to_s (all zones)");
	if (!png || !p->system || !p->levels || !p->events || !p->buddy)
		goto close;
	while (getline(&line, &cap, in) > 0)
		if (line[0] >= '0' && line[0] <= '9')
			ms_plot_line(p, line);
	ms_plot_flush(p);
	/* The last sample's cell: as long as the interval the recording had. */
	ms_plot_buddy_rows(p, p->t_end + (p->interval_ms > 0 ? p->interval_ms / 1000 : 0.1));
	if (p->band_level >= 0)
		fprintf(p->levels, "%.3f %.3f %d\n", p->band_from, p->t_end, p->band_level);
	if (!p->samples) {
		fprintf(stderr, "memscope: %s: no samples of memscope record\n", o->input);
		goto close;
	}
	ret = 0;
close:
	for (i = 0; i < p->nr_zones; i++)
		if (p->zone[i].f && fclose(p->zone[i].f))
			ret = MS_EXIT_ERROR;
	if ((p->system && fclose(p->system)) || (p->levels && fclose(p->levels)) ||
	    (p->events && fclose(p->events)) || (p->buddy && fclose(p->buddy)))
		ret = MS_EXIT_ERROR;
	/* The file's name, not its path: the picture may be published. */
	base = strrchr(o->input, '/');
	if (!ret && ms_plot_script(p, png, base ? base + 1 : o->input))
		ret = MS_EXIT_ERROR;
	if (!ret && ms_plot_gnuplot(p->dir)) {
		fprintf(stderr, "memscope: gnuplot failed on %s/plot.gp\n", p->dir);
		ret = MS_EXIT_ERROR;
	}
	if (!ret)
		fprintf(stderr, "memscope: plot: %u samples, %u kswapd, %u direct, %u compaction, %u oom, %u memscoped kill events: %s\n",
			p->samples, p->nr_events[MS_EV_KSWAPD], p->nr_events[MS_EV_DIRECT],
			p->nr_events[MS_EV_COMPACT], p->nr_events[MS_EV_OOM],
			p->nr_events[MS_EV_KILL], o->out);
	if (!o->data_dir && p->dir)
		ms_plot_rmdir(p->dir);
out:
	fclose(in);
	free(line);
	free(png);
	free(p);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: "memscope record". Every numeric field of the pressure,
 * alloc, reclaim and buddy views at a fixed interval, with the records
 * /dev/memscope queues in between at their own timestamps, as CSV rows
 *
 *   time_ms,view,scope,field,value
 *
 * or the same rows as JSON lines. The first sample has every field; later
 * samples only the fields that changed, because alloc alone has about 630
 * fields of which a handful move in 100 ms. A reader carries each field's
 * last value forward (memscope plot does). time_ms is CLOCK_MONOTONIC, the
 * clock of the views and of the records.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "abi_names.h"
#include "commands.h"
#include "duration.h"
#include "msfields.h"
#include "msparse_history.h"
#include "msparse_text.h"

#define MS_REC_VALUE 32
/* view + scope + field: the key a field's last value is kept under. */
#define MS_REC_KEY (16 + MS_SCOPE_LEN + MS_FIELD_LEN)

static const char *const ms_rec_views[] = { "pressure", "alloc", "reclaim", "buddy" };

struct ms_rec_field {
	char key[MS_REC_KEY];
	char value[MS_REC_VALUE];
	size_t len;		/* of view + scope + field, uncut; see ms_rec_key */
};

/* A field's name as ms_rec_field() gets it, with the lengths of its parts. */
struct ms_rec_key {
	const char *view, *scope, *field;
	size_t lv, ls, lf;
};

struct ms_recorder {
	FILE *f;
	bool json;
	uint64_t t;		/* time of the rows being written */
	const char *view;
	struct ms_rec_field *fields;
	size_t nr, cap;
	size_t cursor;		/* where the next field usually is */
	uint64_t rows;
	struct ms_view_file files[ARRAY_SIZE(ms_rec_views)];
};

static volatile sig_atomic_t ms_rec_stop;

static void ms_rec_on_signal(int sig)
{
	(void)sig;
	ms_rec_stop = 1;
}

static void ms_rec_row(struct ms_recorder *r, const char *view, const char *scope,
		       const char *field, const char *value)
{
	/* Scopes and fields are the views' words: no quote or comma in them. */
	if (r->json)
		fprintf(r->f,
			"{\"time_ms\":%llu,\"view\":\"%s\",\"scope\":\"%s\",\"field\":\"%s\",\"value\":%s}\n",
			(unsigned long long)r->t, view, scope, field, value);
	else
		fprintf(r->f, "%llu,%s,%s,%s,%s\n", (unsigned long long)r->t, view, scope,
			field, value);
	r->rows++;
}

/*
 * Whether @f holds @k. The key is compared in place, as "VIEW SCOPE FIELD"
 * would read, not built first: building it for each of some 900 fields a
 * sample with snprintf() cost more than all the rest of a sample. The
 * lengths, kept in the slot, turn most mismatches away at once.
 */
static bool ms_rec_key_is(const struct ms_rec_field *f, const struct ms_rec_key *k)
{
	const char *key = f->key;
	char joined[MS_REC_KEY];

	if (f->len != k->lv + k->ls + k->lf)
		return false;
	if (f->len + 2 < MS_REC_KEY)
		return !memcmp(key, k->view, k->lv) && key[k->lv] == ' ' &&
		       !memcmp(key + k->lv + 1, k->scope, k->ls) && key[k->lv + 1 + k->ls] == ' ' &&
		       !memcmp(key + k->lv + k->ls + 2, k->field, k->lf);
	/* Longer than a key holds (never in the views): the stored key is cut. */
	snprintf(joined, sizeof(joined), "%s %s %s", k->view, k->scope, k->field);
	return !strcmp(key, joined);
}

/*
 * The slot of the field. Fields come in the same order at every sample,
 * so the one after the last match is nearly always it; a search covers
 * the rest.
 */
static struct ms_rec_field *ms_rec_slot(struct ms_recorder *r, const char *scope,
					const char *field)
{
	const struct ms_rec_key k = {
		.view = r->view, .scope = scope, .field = field,
		.lv = strlen(r->view), .ls = strlen(scope), .lf = strlen(field),
	};
	struct ms_rec_field *bigger;
	size_t i;

	if (r->cursor < r->nr && ms_rec_key_is(&r->fields[r->cursor], &k))
		return &r->fields[r->cursor++];
	for (i = 0; i < r->nr; i++)
		if (ms_rec_key_is(&r->fields[i], &k)) {
			r->cursor = i + 1;
			return &r->fields[i];
		}
	if (r->nr == r->cap) {
		bigger = realloc(r->fields, (r->cap ? r->cap * 2 : 1024) * sizeof(*bigger));
		if (!bigger)
			return NULL;
		r->fields = bigger;
		r->cap = r->cap ? r->cap * 2 : 1024;
	}
	memset(&r->fields[r->nr], 0, sizeof(r->fields[0]));
	snprintf(r->fields[r->nr].key, MS_REC_KEY, "%s %s %s", r->view, scope, field);
	r->fields[r->nr].len = k.lv + k.ls + k.lf;
	r->cursor = r->nr + 1;
	return &r->fields[r->nr++];
}

static void ms_rec_field(void *ctx, const char *scope, const char *field, const char *value)
{
	struct ms_recorder *r = ctx;
	struct ms_rec_field *slot;
	bool fresh;

	slot = ms_rec_slot(r, scope, field);
	/* Out of memory: write the row anyway, only the saving is lost. */
	fresh = !slot || !slot->value[0];
	if (slot && !fresh && !strcmp(slot->value, value))
		return;
	if (slot)
		ms_copy(slot->value, sizeof(slot->value), value);
	ms_rec_row(r, r->view, scope, field, value);
}

/* One sample of every view; the views that cannot be read are skipped. */
static void ms_rec_sample(struct ms_recorder *r, const struct ms_roots *roots, bool *warned)
{
	size_t i;
	char *text;

	r->t = ms_now_ms();
	for (i = 0; i < ARRAY_SIZE(ms_rec_views); i++) {
		text = ms_view_read(&r->files[i], roots->debugfs, ms_rec_views[i]);
		if (!text) {
			if (!warned[i])
				fprintf(stderr, "memscope: %s/%s: %s (not recorded)\n",
					roots->debugfs, ms_rec_views[i], strerror(errno));
			warned[i] = true;
			continue;
		}
		r->view = ms_rec_views[i];
		ms_view_fields(r->view, text, ms_rec_field, r);
	}
}

/* The triggers whose records mark a plot: level changes, stalls, failures, OOM. */
static int ms_rec_subscribe(int fd)
{
	static const struct { __u32 kind, flags, level; __u64 threshold; } want[] = {
		{ MEMSCOPE_TRIG_LEVEL, MEMSCOPE_TRIGF_CLEAR, MEMSCOPE_LEVEL_LOW, 0 },
		/* 1 ms: shorter stalls are noise at a 100 ms sampling step. */
		{ MEMSCOPE_TRIG_STALL, 0, 0, 1000000 },
		{ MEMSCOPE_TRIG_ALLOC_FAIL, 0, 0, 0 },
		{ MEMSCOPE_TRIG_OOM, 0, 0, 0 },
	};
	struct memscope_trigger t;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		memset(&t, 0, sizeof(t));
		t.size = sizeof(t);
		t.kind = want[i].kind;
		t.flags = want[i].flags;
		t.level = want[i].level;
		t.threshold = want[i].threshold;
		if (ioctl(fd, MEMSCOPE_IOC_ADD, &t))
			return -1;
	}
	return 0;
}

static int ms_rec_open_device(const char *path)
{
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "memscope: %s: %s (recording the views without records)\n",
			path, strerror(errno));
		return -1;
	}
	if (ms_rec_subscribe(fd)) {
		fprintf(stderr, "memscope: %s: adding a trigger: %s (recording without records)\n",
			path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Every queued record as rows "event,SCOPE,KIND.REASON,VALUE" and two more. */
static void ms_rec_drain(struct ms_recorder *r, int fd)
{
	union {
		struct memscope_event ev[16];
		char bytes[16 * sizeof(struct memscope_event)];
	} buf;
	struct memscope_event ev;
	char scope[MS_SCOPE_LEN], field[MS_FIELD_LEN], num[24];
	const char *kind, *reason;
	ssize_t got, off;

	for (;;) {
		got = read(fd, buf.bytes, sizeof(buf.bytes));
		if (got <= 0)
			return;
		for (off = 0; got - off >= (ssize_t)MEMSCOPE_EVENT_SIZE_V1; ) {
			memset(&ev, 0, sizeof(ev));
			memcpy(&ev, buf.bytes + off, MEMSCOPE_EVENT_SIZE_V1);
			/* A newer module's longer record: step over what we don't know. */
			off += ev.size >= MEMSCOPE_EVENT_SIZE_V1 ? ev.size : MEMSCOPE_EVENT_SIZE_V1;
			if (ev.node >= 0)
				snprintf(scope, sizeof(scope), "node%d/%.*s", ev.node,
					 MEMSCOPE_ZONE_NAME_LEN, ev.zone);
			else
				snprintf(scope, sizeof(scope), "system");
			kind = ms_kind_name(ev.kind);
			reason = ms_reason_name(ev.reason);
			r->t = ev.timestamp_ns / 1000000;
			snprintf(field, sizeof(field), "%s.%s", kind ? kind : "unknown",
				 reason ? reason : "unknown");
			snprintf(num, sizeof(num), "%llu", (unsigned long long)ev.value);
			ms_rec_row(r, "event", scope, field, num);
			snprintf(num, sizeof(num), "%u", ev.level);
			ms_rec_row(r, "event", scope, "level", num);
			snprintf(num, sizeof(num), "%llu", (unsigned long long)ev.available_bytes);
			ms_rec_row(r, "event", scope, "available_bytes", num);
		}
	}
}

/*
 * "memscope record --history": the module's flight recorder (the history
 * view: "# time_ms ring level available_kb COUNTERS... nodeN/ZONE:level
 * nodeN/ZONE:usable_kb nodeN/ZONE:min_kb ..." then one row per sample) in
 * the vocabulary of a live recording, so that plot draws it the same way:
 * levels and pages as the pressure view names them, the counters as the
 * reclaim view's since_load. What has no live name stays under "history".
 */
static void ms_rec_history_cell(struct ms_recorder *r, const char *col, const char *tok,
				uint64_t page_size)
{
	static const char *const counters[] = {
		"kswapd_wakes", "direct_reclaims", "compact_stalls", "oom_kills",
	};
	char scope[MS_SCOPE_LEN], field[MS_FIELD_LEN], num[24];
	const char *colon = strchr(col, ':'), *what = colon ? colon + 1 : col;
	int level = ms_level_lookup(tok, strlen(tok));
	uint64_t v = 0;
	size_t i;

	snprintf(scope, sizeof(scope), "%.*s", colon ? (int)(colon - col) : 6,
		 colon ? col : "system");
	if (!strcmp(col, "ring")) {
		r->view = "history";
		ms_rec_field(r, "system", "fine_ring", !strcmp(tok, "f") ? "1" : "0");
		return;
	}
	if (!strcmp(what, "level")) {
		if (level < 0)
			return;
		snprintf(num, sizeof(num), "%d", level);
		r->view = "pressure";
		ms_rec_field(r, scope, "level", num);
		return;
	}
	if (!ms_parse_u64(tok, &v))
		return;
	for (i = 0; i < ARRAY_SIZE(counters); i++)
		if (!strcmp(col, counters[i])) {
			snprintf(field, sizeof(field), "event/%s", col);
			r->view = "reclaim";
			ms_rec_field(r, field, "since_load", tok);
			return;
		}
	/* KiB to the pages the pressure view counts in. */
	snprintf(num, sizeof(num), "%llu", (unsigned long long)(v * 1024 / page_size));
	r->view = "pressure";
	if (!strcmp(what, "available_kb"))
		ms_rec_field(r, scope, "available_pages", num);
	else if (!strcmp(what, "usable_kb"))
		ms_rec_field(r, scope, "usable_free_pages", num);
	else if (!strcmp(what, "min_kb") || !strcmp(what, "low_kb") || !strcmp(what, "high_kb")) {
		snprintf(field, sizeof(field), "watermark_pages.%.*s", (int)(strlen(what) - 3),
			 what);
		ms_rec_field(r, scope, field, num);
	} else {
		r->view = "history";
		ms_rec_field(r, scope, what, tok);
	}
}

struct ms_rec_history_ctx {
	struct ms_recorder *r;
	uint64_t page_size;
};

static void ms_rec_history_row(void *ctx, const struct ms_history_row *row)
{
	struct ms_rec_history_ctx *h = ctx;
	int i;

	if (!row->ok)
		return;
	h->r->t = row->t_ms;
	for (i = 1; i < row->n; i++)
		ms_rec_history_cell(h->r, row->head->col[i], row->tok[i], h->page_size);
}

static int ms_rec_history(struct ms_recorder *r, char *text, uint64_t page_size)
{
	struct ms_rec_history_ctx h = { .r = r, .page_size = page_size };
	struct ms_history_head head;

	return ms_history_walk(text, &head, ms_rec_history_row, &h);
}

int ms_cmd_record(const struct ms_options *o)
{
	struct ms_recorder r = { .json = o->json_lines };
	bool warned[ARRAY_SIZE(ms_rec_views)] = { false };
	uint64_t start, next, now;
	struct sigaction sa;
	struct pollfd pfd;
	int fd = -1, ret = 0, n;
	const char *dev;
	char num[24], *history = NULL;

	/* Before -o is created, so a failed --history leaves no empty file. */
	if (o->history) {
		history = ms_read_file(o->roots.debugfs, "history", NULL);
		if (!history) {
			fprintf(stderr,
				"memscope: %s/history: %s: this module has no flight recorder (history view); record live instead\n",
				o->roots.debugfs, strerror(errno));
			return MS_EXIT_ERROR;
		}
	}
	r.f = o->out && strcmp(o->out, "-") ? fopen(o->out, "w") : stdout;
	if (!r.f) {
		fprintf(stderr, "memscope: %s: %s\n", o->out, strerror(errno));
		free(history);
		return MS_EXIT_ERROR;
	}
	if (!r.json)
		fprintf(r.f, "time_ms,view,scope,field,value\n");
	if (history) {
		snprintf(num, sizeof(num), "%ld", sysconf(_SC_PAGESIZE));
		ms_rec_row(&r, "meta", "record", "page_size", num);
		n = ms_rec_history(&r, history, (uint64_t)sysconf(_SC_PAGESIZE));
		if (n < 0) {
			fprintf(stderr, "memscope: %s/history: not the view this tool knows\n",
				o->roots.debugfs);
			ret = MS_EXIT_ERROR;
		} else if (!n) {
			fprintf(stderr, "memscope: %s/history: no sample yet\n", o->roots.debugfs);
		}
		free(history);
		goto out;
	}
	/* No SA_RESTART: SIGINT must end the poll() at once. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ms_rec_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	dev = getenv("MEMSCOPE_DEVICE");
	fd = ms_rec_open_device(dev && *dev ? dev : "/dev/memscope");
	start = ms_now_ms();
	r.t = start;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)o->interval_ms);
	ms_rec_row(&r, "meta", "record", "interval_ms", num);
	/* The views count pages; a plot on another machine needs their size. */
	snprintf(num, sizeof(num), "%ld", sysconf(_SC_PAGESIZE));
	ms_rec_row(&r, "meta", "record", "page_size", num);
	for (next = start; !ms_rec_stop; ) {
		now = ms_now_ms();
		if (o->duration_ms && now - start >= o->duration_ms)
			break;
		if (now >= next) {
			ms_rec_sample(&r, &o->roots, warned);
			next += o->interval_ms;
			/* Fell behind (a slow view read): skip, don't burst. */
			if (next <= now)
				next = now + o->interval_ms;
			continue;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, fd >= 0 ? 1 : 0, (int)(next - now)) > 0)
			ms_rec_drain(&r, fd);
	}
	if (fd >= 0) {
		ms_rec_drain(&r, fd);
		close(fd);
	}
out:
	if (fflush(r.f) || ferror(r.f))
		ret = MS_EXIT_ERROR;
	if (r.f != stdout && fclose(r.f))
		ret = MS_EXIT_ERROR;
	free(r.fields);
	for (n = 0; n < (int)ARRAY_SIZE(r.files); n++)
		ms_view_close(&r.files[n]);
	fprintf(stderr, "memscope: record: %llu rows\n", (unsigned long long)r.rows);
	return ret;
}

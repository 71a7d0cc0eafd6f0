// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target for the trigger rules and table of a /dev/memscope file
 * (module/notify_rules.c, built here unchanged), driven as the device
 * drives them: ADD from the ioctl's raw struct or from a text line (through
 * module/notify_parse.c), DEL, CLEAR and the interval, in any order, on one
 * file whose state carries over from step to step.
 *
 * Every step is checked against a model kept here, written from
 * Documentation/ABI/testing/dev-memscope rather than from the module:
 *  - ADD succeeds exactly when the ABI's rules allow the trigger and the
 *    table has room; a refusal's errno is one the ABI gives for a rule the
 *    trigger breaks (ENOSPC only when full) and leaves everything as it
 *    was, the id counter included;
 *  - an accepted trigger is stored as given, with the documented defaults
 *    filled in, under the id the ABI's rule names: the next one after the
 *    last handed out, skipping 0 and every live id;
 *  - DEL of a live id removes that trigger only, of any other id fails
 *    with ENOENT and changes nothing; CLEAR empties the table;
 *  - the interval takes 0 to one hour, ERANGE beyond, unchanged on error;
 *  - after every step: at most max triggers, ids nonzero and unique, and
 *    the table holds exactly the model's triggers.
 * A violation abort()s, which libFuzzer and the replay driver both report.
 *
 * Input: byte 0 sets the table size (max_triggers: 1 + byte % 16, or 256
 * when the byte is 'M'); then operations, each an ASCII letter and its
 * operands, so that seeds are readable (rules-corpus/):
 *   T<line>\n  text command (write(2); up to MS_CMD_MAX_LEN + 8 bytes)
 *   R<80 bytes> MEMSCOPE_IOC_ADD with this raw struct
 *   A<kind><flags><mask>...  MEMSCOPE_IOC_ADD, fields in mask's bits
 *              (level, order: 1 byte; threshold, rearm: 8; zone: node
 *              byte and name byte; reserved0: 4; reserved[1]: 8; id: 4)
 *   D<u32>     MEMSCOPE_IOC_DEL of this id
 *   L<i>       MEMSCOPE_IOC_DEL of the i-th live trigger's id
 *   C          MEMSCOPE_IOC_CLEAR
 *   I<u32>     MEMSCOPE_IOC_SET_INTERVAL, ms
 *   J<u32>     the file has seen this many more ADD+DEL pairs: the id
 *              counter moves on (every counter value is reachable so)
 *   N<i><k>    the same, to k % 4 + 1 below the i-th live trigger's id,
 *              so that the counter meets live ids
 * Integers are little-endian; input running out ends the sequence.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify_parse.h"
#include "notify_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* MAX_ORDER of Debian's 6.1 kernels on every memscope target. */
#define FUZZ_MAX_ORDER	11
#define FUZZ_MAX_TRIGGERS 256
#define NR_ZONE_TYPES	4	/* slots per node, as MAX_NR_ZONES in the kernel */

static void fail(const char *what, int line)
{
	fprintf(stderr, "rules_fuzz: invariant violated (line %d): %s\n", line, what);
	abort();
}

#define CHECK(cond) do { if (!(cond)) fail(#cond, __LINE__); } while (0)

/*
 * The model's searches and the checks after every step: no coverage
 * feedback (nothing to explore in them), and their comparison callbacks
 * were half of the time per input.
 */
#ifdef __clang__
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define NO_COVERAGE
#endif

/* The zones of the pretend machine: two nodes, node 1 with Normal only. */
static const struct { int node; const char *name; int idx; } zones[] = {
	{ 0, "DMA", 0 }, { 0, "DMA32", 1 }, { 0, "Normal", 2 }, { 1, "Normal", 2 },
};

/* Zone names an 'A' operation picks from, unknown ones included. */
static const char *const zone_names[] = {
	"DMA", "DMA32", "Normal", "HighMem", "Movable", "", "normal", "Normal\n",
};

/* The kernel's ms_find_zone_slot() on the pretend machine. */
static int find_zone_slot(const struct memscope_trigger *t)
{
	char name[MEMSCOPE_ZONE_NAME_LEN];
	size_t i;

	memcpy(name, t->zone, sizeof(name));
	name[sizeof(name) - 1] = '\0';
	for (i = 0; i < ARRAY_SIZE(zones); i++)
		if (zones[i].node == t->node && !strcmp(zones[i].name, name))
			return zones[i].node * NR_ZONE_TYPES + zones[i].idx;
	return -ENOENT;
}

/* One open file: the code under test's state, and the model's. */
struct file_state {
	unsigned int nr, max;
	u32 next_id;
	u64 interval_ns;
	u64 step;
	/* The model: live triggers as accepted, in the order added. */
	unsigned int nr_live;
	u32 last_id;
	u64 model_interval_ns;
	struct memscope_trigger live[FUZZ_MAX_TRIGGERS];	/* [nr_live] */
	/* Last: only its first max entries are zeroed per input (speed). */
	struct ms_trigger tab[FUZZ_MAX_TRIGGERS];
};

struct input {
	const uint8_t *p;
	size_t left;
};

static int take(struct input *in, void *out, size_t n)
{
	if (in->left < n)
		return -1;
	memcpy(out, in->p, n);
	in->p += n;
	in->left -= n;
	return 0;
}

static u64 take_le(struct input *in, size_t n)
{
	uint8_t b[8] = { 0 };
	u64 v = 0;

	take(in, b, n);
	while (n--)
		v = v << 8 | b[n];
	return v;
}

/* ---- The model: the ABI document's rules, written out independently. ---- */

#define E_INVAL	1u
#define E_RANGE	2u
#define E_NOENT	4u

static bool kind_uses_zone(u32 kind)
{
	return kind == MEMSCOPE_TRIG_LEVEL || kind == MEMSCOPE_TRIG_HEADROOM ||
	       kind == MEMSCOPE_TRIG_ORDER;
}

static bool kind_has_threshold(u32 kind)
{
	return kind == MEMSCOPE_TRIG_AVAILABLE || kind == MEMSCOPE_TRIG_HEADROOM ||
	       kind == MEMSCOPE_TRIG_ORDER || kind == MEMSCOPE_TRIG_STALL;
}

static bool kind_has_rearm(u32 kind)
{
	return kind == MEMSCOPE_TRIG_AVAILABLE || kind == MEMSCOPE_TRIG_HEADROOM ||
	       kind == MEMSCOPE_TRIG_ORDER;
}

/*
 * Which errnos the ABI allows ADD to return for @t (0: it must be
 * accepted); *out is @t with the documented defaults.
 */
static unsigned int model_errors(const struct memscope_trigger *t,
				 struct memscope_trigger *out)
{
	static const char nul[MEMSCOPE_ZONE_NAME_LEN];
	const u32 stall = MEMSCOPE_TRIGF_STALL_RECLAIM | MEMSCOPE_TRIGF_STALL_COMPACT;
	bool zone = t->flags & MEMSCOPE_TRIGF_ZONE;
	unsigned int e = 0;
	u32 k = t->kind;

	*out = *t;
	if (k < MEMSCOPE_TRIG_LEVEL || k > MEMSCOPE_TRIG_OOM)
		return E_INVAL;
	if (t->flags & ~(u32)0xf || t->reserved0 || t->reserved[0] || t->reserved[1])
		e |= E_INVAL;
	/* A field the kind does not use must be zero. */
	if (t->level && k != MEMSCOPE_TRIG_LEVEL && k != MEMSCOPE_TRIG_HEADROOM)
		e |= E_INVAL;
	if (t->order && k != MEMSCOPE_TRIG_ORDER && k != MEMSCOPE_TRIG_ALLOC_FAIL)
		e |= E_INVAL;
	if (t->threshold && !kind_has_threshold(k))
		e |= E_INVAL;
	if (t->rearm && !kind_has_rearm(k))
		e |= E_INVAL;
	if ((t->flags & stall) && k != MEMSCOPE_TRIG_STALL)
		e |= E_INVAL;
	if (zone && !kind_uses_zone(k))
		e |= E_INVAL;
	if (!zone && (t->node || memcmp(t->zone, nul, sizeof(nul))))
		e |= E_INVAL;
	if (!zone && k == MEMSCOPE_TRIG_HEADROOM)
		e |= E_INVAL;
	if (zone && find_zone_slot(t) < 0)
		e |= E_NOENT;
	/* The values of the fields it uses. */
	if (k == MEMSCOPE_TRIG_LEVEL &&
	    (t->level < MEMSCOPE_LEVEL_LOW || t->level > MEMSCOPE_LEVEL_OOM))
		e |= E_INVAL;
	if (k == MEMSCOPE_TRIG_HEADROOM && t->level > MEMSCOPE_WMARK_HIGH)
		e |= E_INVAL;
	if (kind_has_threshold(k) && !t->threshold)
		e |= E_INVAL;
	if ((k == MEMSCOPE_TRIG_ORDER || k == MEMSCOPE_TRIG_ALLOC_FAIL) &&
	    t->order >= FUZZ_MAX_ORDER)
		e |= E_RANGE;
	if (kind_has_rearm(k) && t->threshold) {
		/* Default: threshold plus an eighth, at least 1 (past U64_MAX: out of range). */
		u64 add = t->threshold / 8 ? t->threshold / 8 : 1;

		if (!t->rearm && t->threshold > UINT64_MAX - add)
			e |= E_RANGE;
		else if (!t->rearm)
			out->rearm = t->threshold + add;
		else if (t->rearm < t->threshold)
			e |= E_RANGE;
	}
	if (k == MEMSCOPE_TRIG_STALL && !(t->flags & stall))
		out->flags |= stall;
	return e;
}

static bool errno_allowed(int ret, unsigned int e)
{
	return (ret == -EINVAL && (e & E_INVAL)) || (ret == -ERANGE && (e & E_RANGE)) ||
	       (ret == -ENOENT && (e & E_NOENT));
}

NO_COVERAGE static bool model_live(const struct file_state *f, u32 id, unsigned int *at)
{
	unsigned int i;

	for (i = 0; i < f->nr_live; i++) {
		if (f->live[i].id == id) {
			if (at)
				*at = i;
			return true;
		}
	}
	return false;
}

/* The id the ABI names for the next trigger: after the last, not 0, not live. */
NO_COVERAGE static u32 model_next_id(const struct file_state *f)
{
	u32 id = f->last_id;

	do
		id++;
	while (!id || model_live(f, id, NULL));
	return id;
}

/* ---- The steps, as module/notify.c and notify_dev.c take them. ---- */

static int do_add(struct file_state *f, struct memscope_trigger *t)
{
	struct memscope_trigger want;
	struct ms_trigger *tr, before[FUZZ_MAX_TRIGGERS];
	unsigned int e, nr_before = f->nr;
	u32 id_before = f->next_id;
	int slot, ret;

	/* The ioctl's copy: the caller's size is replaced by the kernel's. */
	t->size = sizeof(*t);
	e = model_errors(t, &want);
	memcpy(before, f->tab, f->max * sizeof(before[0]));

	/* ms_trigger_validate() and ms_subscriber_add() */
	slot = t->flags & MEMSCOPE_TRIGF_ZONE ? find_zone_slot(t) : -1;
	ret = ms_rules_validate(t, slot, FUZZ_MAX_ORDER);
	tr = NULL;
	if (!ret) {
		tr = ms_rules_insert(f->tab, &f->nr, f->max, &f->next_id, t);
		if (tr) {
			tr->zone_slot = slot;
			tr->seen_count = UINT64_MAX;
			tr->added_ns = f->step;
		} else {
			ret = -ENOSPC;
		}
	}

	if (e) {
		if (!errno_allowed(ret, e))
			fprintf(stderr, "rules_fuzz: ADD kind %u flags %#x: %d, model %#x\n",
				t->kind, t->flags, ret, e);
		CHECK(errno_allowed(ret, e));
	} else if (f->nr_live == f->max) {
		CHECK(ret == -ENOSPC);
	} else {
		if (ret)
			fprintf(stderr, "rules_fuzz: ADD kind %u flags %#x refused: %d\n",
				t->kind, t->flags, ret);
		CHECK(ret == 0);
	}
	if (ret) {
		/* A refused ADD changes nothing. */
		CHECK(f->nr == nr_before && f->next_id == id_before);
		CHECK(!memcmp(before, f->tab, f->max * sizeof(before[0])));
		return ret;
	}
	want.id = model_next_id(f);
	CHECK(t->id == want.id && t->id != 0);
	CHECK(!memcmp(t, &want, sizeof(want)));
	CHECK(!memcmp(&tr->t, &want, sizeof(want)));
	f->live[f->nr_live++] = want;
	f->last_id = want.id;
	return 0;
}

static int do_del(struct file_state *f, u32 id)
{
	struct ms_trigger before[FUZZ_MAX_TRIGGERS];
	unsigned int at, nr_before = f->nr;
	int ret;

	memcpy(before, f->tab, f->max * sizeof(before[0]));
	ret = ms_rules_delete(f->tab, &f->nr, id);
	if (!model_live(f, id, &at)) {
		CHECK(ret == -ENOENT);
		CHECK(f->nr == nr_before);
		CHECK(!memcmp(before, f->tab, f->max * sizeof(before[0])));
		return ret;
	}
	CHECK(ret == 0);
	f->live[at] = f->live[--f->nr_live];
	return 0;
}

static void do_clear(struct file_state *f)
{
	/* ms_subscriber_clear(): the table empties, the id counter stays. */
	f->nr = 0;
	f->nr_live = 0;
}

static int do_interval(struct file_state *f, u64 ns)
{
	int ret = ms_rules_check_interval(ns);

	if (!ret)
		f->interval_ns = ns;
	CHECK(ret == (ns <= 3600ULL * 1000000000ULL ? 0 : -ERANGE));
	if (!ret)
		f->model_interval_ns = ns;
	return ret;
}

/* A write(2) of one line: ms_dev_write() and ms_run_cmd(). */
static void do_text(struct file_state *f, struct input *in)
{
	const uint8_t *nl = memchr(in->p, '\n', in->left);
	size_t len = nl ? (size_t)(nl - in->p) : in->left;
	struct ms_cmd cmd;
	char *buf;

	if (len > MS_CMD_MAX_LEN + 8)
		len = MS_CMD_MAX_LEN + 8;
	/* An exact-size copy, so ASan sees a read past the length. */
	buf = malloc(len ? len : 1);
	if (!buf)
		abort();
	memcpy(buf, in->p, len);
	in->p += len;
	in->left -= len;
	if (in->left) {
		in->p++;
		in->left--;
	}
	if (len && len <= MS_CMD_MAX_LEN && !ms_parse_command(buf, len, &cmd)) {
		switch (cmd.op) {
		case MS_CMD_TRIGGER:
			do_add(f, &cmd.trig);
			break;
		case MS_CMD_INTERVAL:
			do_interval(f, cmd.arg);
			break;
		case MS_CMD_CLEAR:
			do_clear(f);
			break;
		case MS_CMD_DEL:
			do_del(f, (u32)cmd.arg);
			break;
		}
	}
	free(buf);
}

/* 'A': a trigger from a few operand bytes, mostly plausible values. */
static void do_sparse_add(struct file_state *f, struct input *in)
{
	struct memscope_trigger t;
	u8 mask;

	memset(&t, 0, sizeof(t));
	t.kind = (u32)take_le(in, 1);
	t.flags = (u32)take_le(in, 1);
	mask = (u8)take_le(in, 1);
	if (mask & 0x01)
		t.level = (u32)take_le(in, 1);
	if (mask & 0x02)
		t.order = (u32)take_le(in, 1);
	if (mask & 0x04)
		t.threshold = take_le(in, 8);
	if (mask & 0x08)
		t.rearm = take_le(in, 8);
	if (mask & 0x10) {
		t.node = (int8_t)take_le(in, 1);
		strncpy(t.zone, zone_names[take_le(in, 1) % ARRAY_SIZE(zone_names)],
			sizeof(t.zone));
	}
	if (mask & 0x20)
		t.reserved0 = (u32)take_le(in, 4);
	if (mask & 0x40)
		t.reserved[1] = take_le(in, 8);
	if (mask & 0x80)
		t.id = (u32)take_le(in, 4);
	do_add(f, &t);
}

NO_COVERAGE static void check_state(const struct file_state *f)
{
	unsigned int i, j, at;

	CHECK(f->nr <= f->max && f->nr == f->nr_live);
	CHECK(f->next_id == f->last_id);
	CHECK(f->interval_ns == f->model_interval_ns);
	for (i = 0; i < f->nr; i++) {
		const struct ms_trigger *tr = &f->tab[i];

		CHECK(tr->t.id != 0);
		for (j = 0; j < i; j++)
			CHECK(f->tab[j].t.id != tr->t.id);
		CHECK(model_live(f, tr->t.id, &at));
		CHECK(!memcmp(&tr->t, &f->live[at], sizeof(tr->t)));
		/* What the caller set after the insert moved with the entry. */
		CHECK(tr->seen_count == UINT64_MAX);
		CHECK(tr->zone_slot == ((tr->t.flags & MEMSCOPE_TRIGF_ZONE) ?
					find_zone_slot(&tr->t) : -1));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct file_state f;
	struct input in = { data, size };
	struct memscope_trigger t;
	u8 op, cfg;

	if (take(&in, &cfg, 1))
		return 0;
	/* A fresh file, zeroed as ms_subscriber_new() zeroes it. */
	memset(&f, 0, offsetof(struct file_state, live));
	f.max = cfg == 'M' ? FUZZ_MAX_TRIGGERS : 1 + cfg % 16;
	memset(f.tab, 0, f.max * sizeof(f.tab[0]));

	while (!take(&in, &op, 1)) {
		f.step++;
		switch (op) {
		case 'T':
			do_text(&f, &in);
			break;
		case 'R':
			if (take(&in, &t, sizeof(t)))
				return 0;
			do_add(&f, &t);
			break;
		case 'A':
			do_sparse_add(&f, &in);
			break;
		case 'D':
			do_del(&f, (u32)take_le(&in, 4));
			break;
		case 'L':
			op = (u8)take_le(&in, 1);
			do_del(&f, f.nr_live ? f.live[op % f.nr_live].id : op);
			break;
		case 'C':
			do_clear(&f);
			break;
		case 'I':
			/* The ioctl takes ms, as a __u32. */
			do_interval(&f, take_le(&in, 4) * 1000000ULL);
			break;
		case 'J':
			f.next_id += (u32)take_le(&in, 4);
			f.last_id = f.next_id;
			break;
		case 'N': {
			u8 i = (u8)take_le(&in, 1), k = (u8)take_le(&in, 1);

			if (f.nr_live) {
				f.next_id = f.live[i % f.nr_live].id - (k % 4 + 1);
				f.last_id = f.next_id;
			}
			break;
		}
		default:
			continue;	/* not an operation: a separator, say */
		}
		check_state(&f);
	}
	return 0;
}

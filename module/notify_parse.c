// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: parser of the text commands written to /dev/memscope.
 *
 *   [zone NAME [node N]] level low|medium|critical|oom [clear]
 *   available below SIZE [above SIZE] [clear]
 *   zone NAME [node N] headroom [min|low|high] SIZE [above SIZE] [clear]
 *   [zone NAME [node N]] order N below COUNT [above COUNT] [clear]
 *   stall DURATION [reclaim|compact]
 *   alloc_fail [order] N
 *   oom
 *   interval DURATION
 *   clear
 *   del ID
 *
 * SIZE is bytes with an optional K, M or G suffix (powers of 1024);
 * DURATION a number with an optional ns, us, ms or s suffix (default ms).
 * A pure function of its input: the module and the user-space fuzz harness
 * build this same file.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <string.h>
#endif

#include "abi_names.h"
#include "notify_parse.h"

#define MS_MAX_TOKENS 12

struct ms_tok {
	const char *s;
	size_t len;
};

struct ms_toks {
	struct ms_tok t[MS_MAX_TOKENS];
	unsigned int n, pos;
};

static int ms_tokenize(const char *buf, size_t len, struct ms_toks *tk)
{
	size_t i = 0;

	tk->n = 0;
	tk->pos = 0;
	if (len && buf[len - 1] == '\n')
		len--;
	while (i < len) {
		size_t start;

		while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && buf[i] != ' ' && buf[i] != '\t') {
			/* Printable ASCII only: no NULs, no control bytes. */
			if (buf[i] < 0x21 || buf[i] > 0x7e)
				return -EINVAL;
			i++;
		}
		if (tk->n == MS_MAX_TOKENS)
			return -EINVAL;
		tk->t[tk->n].s = buf + start;
		tk->t[tk->n].len = i - start;
		tk->n++;
	}
	return tk->n ? 0 : -EINVAL;
}

static int ms_is(const struct ms_tok *t, const char *word)
{
	size_t l = strlen(word);

	return t->len == l && !memcmp(t->s, word, l);
}

/* Takes the next token if it is @word. */
static int ms_accept(struct ms_toks *tk, const char *word)
{
	if (tk->pos < tk->n && ms_is(&tk->t[tk->pos], word)) {
		tk->pos++;
		return 1;
	}
	return 0;
}

static const struct ms_tok *ms_next(struct ms_toks *tk)
{
	return tk->pos < tk->n ? &tk->t[tk->pos++] : NULL;
}

/*
 * Decimal digits then a suffix from @units (name, multiplier pairs, the
 * empty name for no suffix). Overflow is -ERANGE.
 */
struct ms_unit {
	const char *name;
	__u64 mult;
	__u64 max;	/* the largest number this unit scales without overflow */
};

/*
 * Each unit's maximum is written out as a division of two constants, done
 * by the compiler: at run time this file divides no 64-bit value, which on
 * 32-bit ARM would need libgcc's __aeabi_uldivmod (the kernel has none).
 */
static int ms_number(const struct ms_tok *t, const struct ms_unit *units,
		     __u64 *out)
{
	const __u64 max_tens = ~0ULL / 10, max_last = ~0ULL % 10;
	__u64 v = 0;
	size_t i = 0;

	if (!t || !t->len)
		return -EINVAL;
	while (i < t->len && t->s[i] >= '0' && t->s[i] <= '9') {
		unsigned int d = t->s[i] - '0';

		if (v > max_tens || (v == max_tens && d > max_last))
			return -ERANGE;
		v = v * 10 + d;
		i++;
	}
	if (!i)
		return -EINVAL;
	for (; units->name; units++) {
		size_t l = strlen(units->name);

		if (t->len - i == l && !memcmp(t->s + i, units->name, l)) {
			if (v > units->max)
				return -ERANGE;
			*out = v * units->mult;
			return 0;
		}
	}
	return -EINVAL;
}

static const struct ms_unit ms_plain[] = { { "", 1, ~0ULL }, { NULL, 0, 0 } };
static const struct ms_unit ms_sizes[] = {
	{ "", 1, ~0ULL }, { "K", 1ULL << 10, ~0ULL >> 10 },
	{ "M", 1ULL << 20, ~0ULL >> 20 }, { "G", 1ULL << 30, ~0ULL >> 30 },
	{ NULL, 0, 0 },
};

static const struct ms_unit ms_durations[] = {
	{ "", 1000000ULL, ~0ULL / 1000000ULL }, { "ns", 1, ~0ULL },
	{ "us", 1000ULL, ~0ULL / 1000ULL }, { "ms", 1000000ULL, ~0ULL / 1000000ULL },
	{ "s", 1000000000ULL, ~0ULL / 1000000000ULL }, { NULL, 0, 0 },
};

static int ms_small(struct ms_toks *tk, __u64 max, __u32 *out)
{
	__u64 v;
	int ret = ms_number(ms_next(tk), ms_plain, &v);

	if (ret)
		return ret;
	if (v > max)
		return -ERANGE;
	*out = (__u32)v;
	return 0;
}

/* "below X [above Y]" with @units; Y defaults to 0 (kernel default). */
static int ms_below_above(struct ms_toks *tk, const struct ms_unit *units,
			  struct memscope_trigger *trig)
{
	int ret;

	if (!ms_accept(tk, "below"))
		return -EINVAL;
	ret = ms_number(ms_next(tk), units, &trig->threshold);
	if (ret)
		return ret;
	if (ms_accept(tk, "above")) {
		ret = ms_number(ms_next(tk), units, &trig->rearm);
		if (ret)
			return ret;
		if (trig->rearm < trig->threshold)
			return -ERANGE;
	}
	return 0;
}

/* A level a trigger can ask for: any but "none", which is always true. */
static int ms_trigger_level(const struct ms_tok *t, __u32 *level)
{
	int l = t ? ms_level_lookup(t->s, t->len) : -1;

	if (l <= MEMSCOPE_LEVEL_NONE)
		return -EINVAL;
	*level = l;
	return 0;
}

/* Takes the next token if it names a watermark; low if it does not. */
static __u32 ms_accept_wmark(struct ms_toks *tk)
{
	int w = -1;

	if (tk->pos < tk->n)
		w = ms_wmark_lookup(tk->t[tk->pos].s, tk->t[tk->pos].len);
	if (w < 0)
		return MEMSCOPE_WMARK_LOW;
	tk->pos++;
	return w;
}

static int ms_parse_trigger(struct ms_toks *tk, struct memscope_trigger *trig)
{
	const struct ms_tok *t;
	int ret = 0;

	if (ms_accept(tk, "zone")) {
		t = ms_next(tk);
		if (!t || t->len >= MEMSCOPE_ZONE_NAME_LEN)
			return -EINVAL;
		memcpy(trig->zone, t->s, t->len);
		trig->flags |= MEMSCOPE_TRIGF_ZONE;
		if (ms_accept(tk, "node")) {
			__u32 node;

			ret = ms_small(tk, 1U << 16, &node);
			if (ret)
				return ret;
			trig->node = (__s32)node;
		}
	}

	if (ms_accept(tk, "level")) {
		trig->kind = MEMSCOPE_TRIG_LEVEL;
		ret = ms_trigger_level(ms_next(tk), &trig->level);
	} else if (ms_accept(tk, "available")) {
		trig->kind = MEMSCOPE_TRIG_AVAILABLE;
		if (trig->flags & MEMSCOPE_TRIGF_ZONE)
			return -EINVAL;
		ret = ms_below_above(tk, ms_sizes, trig);
	} else if (ms_accept(tk, "headroom")) {
		trig->kind = MEMSCOPE_TRIG_HEADROOM;
		if (!(trig->flags & MEMSCOPE_TRIGF_ZONE))
			return -EINVAL;
		trig->level = ms_accept_wmark(tk);
		ret = ms_number(ms_next(tk), ms_sizes, &trig->threshold);
		if (!ret && ms_accept(tk, "above")) {
			ret = ms_number(ms_next(tk), ms_sizes, &trig->rearm);
			if (!ret && trig->rearm < trig->threshold)
				ret = -ERANGE;
		}
	} else if (ms_accept(tk, "order")) {
		trig->kind = MEMSCOPE_TRIG_ORDER;
		ret = ms_small(tk, 63, &trig->order);
		if (!ret)
			ret = ms_below_above(tk, ms_plain, trig);
	} else if (trig->flags & MEMSCOPE_TRIGF_ZONE) {
		return -EINVAL;		/* the rest are system-wide */
	} else if (ms_accept(tk, "stall")) {
		trig->kind = MEMSCOPE_TRIG_STALL;
		ret = ms_number(ms_next(tk), ms_durations, &trig->threshold);
		if (!ret && ms_accept(tk, "reclaim"))
			trig->flags |= MEMSCOPE_TRIGF_STALL_RECLAIM;
		else if (!ret && ms_accept(tk, "compact"))
			trig->flags |= MEMSCOPE_TRIGF_STALL_COMPACT;
		return ret;
	} else if (ms_accept(tk, "alloc_fail")) {
		trig->kind = MEMSCOPE_TRIG_ALLOC_FAIL;
		ms_accept(tk, "order");
		return ms_small(tk, 63, &trig->order);
	} else if (ms_accept(tk, "oom")) {
		trig->kind = MEMSCOPE_TRIG_OOM;
		return 0;
	} else {
		return -EINVAL;
	}
	if (!ret && ms_accept(tk, "clear"))
		trig->flags |= MEMSCOPE_TRIGF_CLEAR;
	return ret;
}

/**
 * ms_parse_command() - parse one text command written to /dev/memscope
 * @buf: the command, not NUL-terminated; one trailing newline is allowed
 * @len: its length in bytes, at most MS_CMD_MAX_LEN
 * @cmd: zeroed, then filled with the command
 *
 * Only the syntax and the ranges of numbers are checked here: zone names
 * and orders are checked against the running kernel later. A pure
 * function of its input, so the fuzz harness runs this same code.
 *
 * Context: any context; no lock, no allocation.
 * Return: 0, -EINVAL for bad syntax (or @len too long), or -ERANGE for a
 * number out of range.
 */
int ms_parse_command(const char *buf, size_t len, struct ms_cmd *cmd)
{
	struct ms_toks tk;
	int ret;

	memset(cmd, 0, sizeof(*cmd));
	if (len > MS_CMD_MAX_LEN)
		return -EINVAL;
	ret = ms_tokenize(buf, len, &tk);
	if (ret)
		return ret;

	if (ms_accept(&tk, "interval")) {
		cmd->op = MS_CMD_INTERVAL;
		ret = ms_number(ms_next(&tk), ms_durations, &cmd->arg);
	} else if (ms_accept(&tk, "clear")) {
		cmd->op = MS_CMD_CLEAR;
	} else if (ms_accept(&tk, "del")) {
		__u32 id;

		cmd->op = MS_CMD_DEL;
		ret = ms_small(&tk, 0xffffffffULL, &id);
		cmd->arg = id;
	} else {
		cmd->op = MS_CMD_TRIGGER;
		cmd->trig.size = sizeof(cmd->trig);
		ret = ms_parse_trigger(&tk, &cmd->trig);
	}
	/* Every token must have been used. */
	if (!ret && tk.pos != tk.n)
		ret = -EINVAL;
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target for ms_parse_command(), the parser of the text commands
 * written to /dev/memscope (module/notify_parse.c, built here unchanged).
 *
 * Crashes and sanitizer reports are only half of what is checked: the
 * parser's contract is checked on every input, and a violation abort()s,
 * which libFuzzer and the replay driver both report as a failure.
 *  - The result is 0, -EINVAL or -ERANGE, and -EINVAL above MS_CMD_MAX_LEN.
 *  - Two parses of the same bytes give the same result and the same struct
 *    (an uninitialised or out-of-bounds read tends to show up as a
 *    difference even where the sanitizers stay quiet).
 *  - One trailing newline changes nothing, as write(2) of "cmd\n" and of
 *    "cmd" must mean the same thing.
 *  - A successful parse yields a struct the kernel could be given: known
 *    op, kind and flags, NUL-terminated zone, zero reserved fields, re-arm
 *    at or above the threshold, orders and nodes within the parser's caps.
 *  - It round-trips: the command printed back in canonical form (plain
 *    bytes, nanoseconds) parses to the identical struct. This catches a
 *    parser that accepts a line and then means something else by it.
 *
 * Built two ways (fuzz/Makefile): with -fsanitize=fuzzer for "make fuzz",
 * and with replay.c's main() as a plain ASan+UBSan executable that
 * "make check" runs over the committed corpus and regression inputs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi_names.h"
#include "notify_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "parse_fuzz: contract violated: %s\n", what);
	abort();
}

#define CHECK(cond) do { if (!(cond)) fail(#cond); } while (0)

/* Appends to @out (at most @cap bytes in all); returns the new length. */
__attribute__((format(printf, 4, 5)))
static size_t put(char *out, size_t cap, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (len >= cap)
		return len;
	va_start(ap, fmt);
	n = vsnprintf(out + len, cap - len, fmt, ap);
	va_end(ap);
	return n < 0 ? cap : len + (size_t)n;
}

/* The canonical text of a parsed command; 0 if it does not fit. */
static size_t format_cmd(const struct ms_cmd *c, char *out, size_t cap)
{
	const struct memscope_trigger *t = &c->trig;
	size_t len = 0;

	switch (c->op) {
	case MS_CMD_INTERVAL:
		return put(out, cap, 0, "interval %lluns", (unsigned long long)c->arg);
	case MS_CMD_CLEAR:
		return put(out, cap, 0, "clear");
	case MS_CMD_DEL:
		return put(out, cap, 0, "del %llu", (unsigned long long)c->arg);
	case MS_CMD_TRIGGER:
		break;
	default:
		fail("unknown op");
	}
	if (t->flags & MEMSCOPE_TRIGF_ZONE) {
		len = put(out, cap, len, "zone %s node %d ", t->zone, t->node);
	}
	switch (t->kind) {
	case MEMSCOPE_TRIG_LEVEL:
		CHECK(t->level >= MEMSCOPE_LEVEL_LOW && t->level <= MEMSCOPE_LEVEL_OOM);
		len = put(out, cap, len, "level %s", ms_level_name(t->level));
		break;
	case MEMSCOPE_TRIG_AVAILABLE:
		len = put(out, cap, len, "available below %llu",
			  (unsigned long long)t->threshold);
		break;
	case MEMSCOPE_TRIG_HEADROOM:
		CHECK(t->level <= MEMSCOPE_WMARK_HIGH);
		len = put(out, cap, len, "headroom %s %llu", ms_wmark_name(t->level),
			  (unsigned long long)t->threshold);
		break;
	case MEMSCOPE_TRIG_ORDER:
		len = put(out, cap, len, "order %u below %llu", t->order,
			  (unsigned long long)t->threshold);
		break;
	case MEMSCOPE_TRIG_STALL:
		len = put(out, cap, len, "stall %lluns", (unsigned long long)t->threshold);
		if (t->flags & MEMSCOPE_TRIGF_STALL_RECLAIM)
			len = put(out, cap, len, " reclaim");
		if (t->flags & MEMSCOPE_TRIGF_STALL_COMPACT)
			len = put(out, cap, len, " compact");
		return len < cap ? len : 0;
	case MEMSCOPE_TRIG_ALLOC_FAIL:
		return put(out, cap, len, "alloc_fail %u", t->order);
	case MEMSCOPE_TRIG_OOM:
		return put(out, cap, len, "oom");
	default:
		fail("unknown trigger kind");
	}
	if (t->rearm)
		len = put(out, cap, len, " above %llu", (unsigned long long)t->rearm);
	if (t->flags & MEMSCOPE_TRIGF_CLEAR)
		len = put(out, cap, len, " clear");
	return len < cap ? len : 0;
}

static void check_trigger(const struct memscope_trigger *t)
{
	const __u32 stall = MEMSCOPE_TRIGF_STALL_RECLAIM | MEMSCOPE_TRIGF_STALL_COMPACT;
	const __u32 known = MEMSCOPE_TRIGF_ZONE | MEMSCOPE_TRIGF_CLEAR | stall;
	size_t i, zlen = strnlen(t->zone, sizeof(t->zone));

	CHECK(t->size == sizeof(*t));
	CHECK(t->kind >= MEMSCOPE_TRIG_LEVEL && t->kind <= MEMSCOPE_TRIG_OOM);
	CHECK(!(t->flags & ~known));
	CHECK(t->kind == MEMSCOPE_TRIG_STALL || !(t->flags & stall));
	CHECK((t->flags & stall) != stall);
	CHECK(!t->id && !t->reserved0 && !t->reserved[0] && !t->reserved[1]);
	CHECK(!t->rearm || t->rearm >= t->threshold);
	CHECK(t->order <= 63);
	CHECK(t->node >= 0 && t->node <= 1 << 16);
	/* The zone name: NUL-terminated, printable, zero-padded. */
	CHECK(zlen < sizeof(t->zone));
	for (i = 0; i < sizeof(t->zone); i++)
		CHECK(i < zlen ? t->zone[i] > 0x20 && t->zone[i] < 0x7f : !t->zone[i]);
	if (t->flags & MEMSCOPE_TRIGF_ZONE) {
		CHECK(zlen > 0);
		CHECK(t->kind == MEMSCOPE_TRIG_LEVEL || t->kind == MEMSCOPE_TRIG_HEADROOM ||
		      t->kind == MEMSCOPE_TRIG_ORDER);
	} else {
		CHECK(zlen == 0 && t->node == 0);
		CHECK(t->kind != MEMSCOPE_TRIG_HEADROOM);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_cmd a, b;
	char *copy, canon[MS_CMD_MAX_LEN + 1];
	size_t clen;
	int ra, rb;

	/* Exact-size heap copies: ASan sees any read past the length given. */
	copy = calloc(size ? size : 1, 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);

	ra = ms_parse_command(copy, size, &a);
	CHECK(ra == 0 || ra == -EINVAL || ra == -ERANGE);
	if (size > MS_CMD_MAX_LEN)
		CHECK(ra == -EINVAL);
	rb = ms_parse_command(copy, size, &b);
	CHECK(ra == rb);
	CHECK(!memcmp(&a, &b, sizeof(a)));
	free(copy);

	/* The same command with one newline added means the same. */
	if (size < MS_CMD_MAX_LEN && (!size || data[size - 1] != '\n')) {
		copy = calloc(size + 1, 1);
		if (!copy)
			return 0;
		memcpy(copy, data, size);
		copy[size] = '\n';
		rb = ms_parse_command(copy, size + 1, &b);
		free(copy);
		CHECK(ra == rb);
		CHECK(!memcmp(&a, &b, sizeof(a)));
	}
	if (ra)
		return 0;

	if (a.op == MS_CMD_TRIGGER) {
		check_trigger(&a.trig);
	} else {
		static const struct memscope_trigger zero;

		CHECK(!memcmp(&a.trig, &zero, sizeof(zero)));
	}
	if (a.op == MS_CMD_DEL)
		CHECK(a.arg <= 0xffffffffULL);

	clen = format_cmd(&a, canon, sizeof(canon));
	CHECK(clen > 0 && clen <= MS_CMD_MAX_LEN);
	rb = ms_parse_command(canon, clen, &b);
	if (rb || memcmp(&a, &b, sizeof(a)))
		fprintf(stderr, "parse_fuzz: canonical form '%.*s' (%d)\n", (int)clen, canon, rb);
	CHECK(rb == 0);
	CHECK(!memcmp(&a, &b, sizeof(a)));
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of module/notify_rules.c on the host (make -C fuzz check):
 * the trigger-id allocator at and around its wrap, the trigger table, and
 * one case per ABI rule of Documentation/ABI/testing/dev-memscope. The
 * expected values are written out here from the ABI document, not computed
 * by the code under test. Prints TAP and a last line
 * "# fuzz rules unit: N passed, M failed"; exits non-zero on a failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify_rules.h"

#define MAX_ORDER_HOST	11
#define TAB_MAX		256

static unsigned int passed, failed;

static void result(bool ok, const char *name)
{
	if (ok)
		passed++;
	else
		failed++;
	printf("%s %u - %s\n", ok ? "ok" : "not ok", passed + failed, name);
}

#define EXPECT(cond) do {						\
	if (!(cond)) {							\
		printf("# %s:%d: %s\n", __FILE__, __LINE__, #cond);	\
		ok = false;						\
	}								\
} while (0)

struct table {
	struct ms_trigger tab[TAB_MAX];
	unsigned int nr, max;
	u32 next_id;
};

static void table_init(struct table *tb, unsigned int max, u32 next_id)
{
	memset(tb, 0, sizeof(*tb));
	tb->max = max;
	tb->next_id = next_id;
}

/* Add an OOM trigger (no fields to set); its id, or 0 if refused. */
static u32 add_oom(struct table *tb)
{
	struct memscope_trigger t = { .size = sizeof(t), .kind = MEMSCOPE_TRIG_OOM };

	if (ms_rules_validate(&t, -1, MAX_ORDER_HOST))
		return 0;
	return ms_rules_insert(tb->tab, &tb->nr, tb->max, &tb->next_id, &t) ? t.id : 0;
}

static bool live(const struct table *tb, u32 id)
{
	unsigned int i;

	for (i = 0; i < tb->nr; i++)
		if (tb->tab[i].t.id == id)
			return true;
	return false;
}

static void test_first_ids(void)
{
	struct table tb;
	bool ok = true;

	table_init(&tb, 16, 0);
	EXPECT(add_oom(&tb) == 1);
	EXPECT(add_oom(&tb) == 2);
	EXPECT(add_oom(&tb) == 3);
	EXPECT(!ms_rules_delete(tb.tab, &tb.nr, 2));
	/* Ids are not reused while the counter has not wrapped. */
	EXPECT(add_oom(&tb) == 4);
	result(ok, "ids count from 1 and are not reused before the wrap");
}

static void test_wrap_skips_zero(void)
{
	struct table tb;
	bool ok = true;

	table_init(&tb, 16, UINT32_MAX - 2);
	EXPECT(add_oom(&tb) == UINT32_MAX - 1);
	EXPECT(add_oom(&tb) == UINT32_MAX);
	EXPECT(add_oom(&tb) == 1);
	EXPECT(add_oom(&tb) == 2);
	result(ok, "the wrap goes from 2^32 - 1 to 1, never 0");
}

static void test_wrap_skips_live(void)
{
	struct table tb;
	bool ok = true;

	/* Triggers 1, 2 and 4 kept while 2^32 others came and went. */
	table_init(&tb, 16, 0);
	EXPECT(add_oom(&tb) == 1);
	EXPECT(add_oom(&tb) == 2);
	EXPECT(add_oom(&tb) == 3);
	EXPECT(add_oom(&tb) == 4);
	EXPECT(!ms_rules_delete(tb.tab, &tb.nr, 3));
	tb.next_id = UINT32_MAX - 1;
	EXPECT(add_oom(&tb) == UINT32_MAX);
	EXPECT(add_oom(&tb) == 3);
	EXPECT(add_oom(&tb) == 5);
	EXPECT(tb.nr == 6);
	result(ok, "after the wrap, ids still in use are skipped");
}

static void test_counter_on_live_id(void)
{
	struct table tb;
	bool ok = true;

	/* The counter stands on a live id: the last one handed out. */
	table_init(&tb, 16, 6);
	EXPECT(add_oom(&tb) == 7);
	EXPECT(add_oom(&tb) == 8);
	tb.next_id = 6;
	EXPECT(add_oom(&tb) == 9);
	result(ok, "a counter just below live ids jumps over them");
}

static void test_one_free_id(void)
{
	struct table tb;
	unsigned int i;
	bool ok = true;

	/* 255 live ids, 1..255, and the counter about to wrap onto them. */
	table_init(&tb, TAB_MAX, 0);
	for (i = 1; i < TAB_MAX; i++)
		EXPECT(add_oom(&tb) == i);
	tb.next_id = UINT32_MAX;
	EXPECT(add_oom(&tb) == TAB_MAX);
	EXPECT(tb.nr == TAB_MAX && tb.next_id == TAB_MAX);
	result(ok, "a full run of live ids after the wrap is skipped whole");
}

/* A pseudo-random walk across the wrap: ids unique among live ones, never 0. */
static void test_wrap_walk(void)
{
	struct table tb;
	u64 rnd = 0x9e3779b97f4a7c15ULL;
	unsigned int i, j, k, wraps = 0;
	u32 id, prev = 0;
	bool ok = true;

	table_init(&tb, 32, UINT32_MAX - 300);
	for (i = 0; i < 20000 && ok; i++) {
		rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL;
		if (tb.nr && (rnd >> 60) < 7) {
			k = (rnd >> 32) % tb.nr;
			EXPECT(!ms_rules_delete(tb.tab, &tb.nr, tb.tab[k].t.id));
			continue;
		}
		if (tb.nr == tb.max)
			continue;
		id = add_oom(&tb);
		EXPECT(id != 0);
		if (id < prev)
			wraps++;
		prev = id;
		for (j = 0; j + 1 < tb.nr; j++)
			EXPECT(tb.tab[j].t.id != id);
		/* Every so often, send the counter back near the wrap. */
		if ((rnd >> 40) % 997 == 0)
			tb.next_id = UINT32_MAX - (u32)((rnd >> 20) % 64);
	}
	EXPECT(wraps > 0);
	result(ok, "20000 adds and deletes across the wrap: live ids unique, never 0");
}

static void test_full_and_delete(void)
{
	struct memscope_trigger t = { .size = sizeof(t), .kind = MEMSCOPE_TRIG_OOM };
	struct ms_trigger before[2];
	struct table tb;
	bool ok = true;

	table_init(&tb, 2, 0);
	EXPECT(add_oom(&tb) == 1);
	EXPECT(add_oom(&tb) == 2);
	memcpy(before, tb.tab, sizeof(before));
	EXPECT(!ms_rules_insert(tb.tab, &tb.nr, tb.max, &tb.next_id, &t));
	EXPECT(tb.nr == 2 && tb.next_id == 2 && !memcmp(before, tb.tab, sizeof(before)));
	EXPECT(ms_rules_delete(tb.tab, &tb.nr, 3) == -ENOENT);
	EXPECT(ms_rules_delete(tb.tab, &tb.nr, 0) == -ENOENT);
	EXPECT(tb.nr == 2);
	tb.tab[1].seen_count = 42;
	EXPECT(!ms_rules_delete(tb.tab, &tb.nr, 1));
	/* The last entry moved into the hole, all of it. */
	EXPECT(tb.nr == 1 && tb.tab[0].t.id == 2 && tb.tab[0].seen_count == 42);
	EXPECT(ms_rules_delete(tb.tab, &tb.nr, 1) == -ENOENT);
	EXPECT(!live(&tb, 1) && live(&tb, 2));
	EXPECT(add_oom(&tb) == 3);
	result(ok, "a full table refuses (nothing changes); delete of an unknown id is ENOENT");
}

static void test_interval(void)
{
	bool ok = true;

	EXPECT(ms_rules_check_interval(0) == 0);
	EXPECT(ms_rules_check_interval(3600ULL * 1000000000ULL) == 0);
	EXPECT(ms_rules_check_interval(3600ULL * 1000000000ULL + 1) == -ERANGE);
	EXPECT(ms_rules_check_interval(UINT64_MAX) == -ERANGE);
	result(ok, "the interval is 0 to one hour, ERANGE beyond");
}

/* One ABI rule: a trigger and the errno ADD must give (0: accepted). */
struct rule_case {
	const char *name;
	struct memscope_trigger t;
	int zone_slot;		/* the zone lookup's result, with MEMSCOPE_TRIGF_ZONE */
	int want;
};

#define T(...) { .size = sizeof(struct memscope_trigger), __VA_ARGS__ }
#define ZONE(n) .flags = MEMSCOPE_TRIGF_ZONE, .zone = n

static const struct rule_case rule_cases[] = {
	{ "level low", T(.kind = 1, .level = 1), -1, 0 },
	{ "level none", T(.kind = 1, .level = 0), -1, -EINVAL },
	{ "level 5", T(.kind = 1, .level = 5), -1, -EINVAL },
	{ "level with threshold", T(.kind = 1, .level = 1, .threshold = 1), -1, -EINVAL },
	{ "level with order", T(.kind = 1, .level = 1, .order = 1), -1, -EINVAL },
	{ "level in a zone", T(.kind = 1, .level = 2, ZONE("Normal")), 2, 0 },
	{ "level in an unknown zone", T(.kind = 1, .level = 2, ZONE("Bogus")), -ENOENT, -ENOENT },
	{ "zone name without the flag", T(.kind = 1, .level = 1, .zone = "Normal"), -1, -EINVAL },
	{ "node without the flag", T(.kind = 1, .level = 1, .node = 1), -1, -EINVAL },
	{ "available", T(.kind = 2, .threshold = 8), -1, 0 },
	{ "available threshold 0", T(.kind = 2), -1, -EINVAL },
	{ "available rearm below", T(.kind = 2, .threshold = 8, .rearm = 7), -1, -ERANGE },
	{ "available default rearm overflows", T(.kind = 2, .threshold = UINT64_MAX), -1, -ERANGE },
	{ "available in a zone", T(.kind = 2, .threshold = 8, ZONE("Normal")), 2, -EINVAL },
	{ "available with level", T(.kind = 2, .threshold = 8, .level = 1), -1, -EINVAL },
	{ "headroom", T(.kind = 3, .threshold = 8, ZONE("Normal")), 2, 0 },
	{ "headroom without a zone", T(.kind = 3, .threshold = 8), -1, -EINVAL },
	{ "headroom watermark 3", T(.kind = 3, .level = 3, .threshold = 8, ZONE("DMA")), 0, -EINVAL },
	{ "order 10", T(.kind = 4, .order = 10, .threshold = 1), -1, 0 },
	{ "order 11", T(.kind = 4, .order = 11, .threshold = 1), -1, -ERANGE },
	{ "stall", T(.kind = 5, .threshold = 1), -1, 0 },
	{ "stall threshold 0", T(.kind = 5), -1, -EINVAL },
	{ "stall with rearm", T(.kind = 5, .threshold = 1, .rearm = 2), -1, -EINVAL },
	{ "stall in a zone", T(.kind = 5, .threshold = 1, ZONE("Normal")), 2, -EINVAL },
	{ "stall flags on available",
	  T(.kind = 2, .threshold = 8, .flags = MEMSCOPE_TRIGF_STALL_RECLAIM), -1, -EINVAL },
	{ "alloc_fail 10", T(.kind = 6, .order = 10), -1, 0 },
	{ "alloc_fail 11", T(.kind = 6, .order = 11), -1, -ERANGE },
	{ "alloc_fail with threshold", T(.kind = 6, .threshold = 1), -1, -EINVAL },
	{ "oom", T(.kind = 7), -1, 0 },
	{ "oom with order", T(.kind = 7, .order = 1), -1, -EINVAL },
	{ "oom with level", T(.kind = 7, .level = 1), -1, -EINVAL },
	{ "oom with threshold", T(.kind = 7, .threshold = 1), -1, -EINVAL },
	{ "oom with rearm", T(.kind = 7, .rearm = 1), -1, -EINVAL },
	{ "oom with clear", T(.kind = 7, .flags = MEMSCOPE_TRIGF_CLEAR), -1, 0 },
	{ "oom with stall flags", T(.kind = 7, .flags = MEMSCOPE_TRIGF_STALL_COMPACT), -1, -EINVAL },
	{ "kind 0", T(.kind = 0), -1, -EINVAL },
	{ "kind 8", T(.kind = 8), -1, -EINVAL },
	{ "unknown flag", T(.kind = 7, .flags = 0x10), -1, -EINVAL },
	{ "reserved0", T(.kind = 7, .reserved0 = 1), -1, -EINVAL },
	{ "reserved[1]", T(.kind = 7, .reserved = { 0, 1 }), -1, -EINVAL },
};

static void test_rules(void)
{
	unsigned int i;
	char name[128];

	for (i = 0; i < ARRAY_SIZE(rule_cases); i++) {
		const struct rule_case *c = &rule_cases[i];
		struct memscope_trigger t = c->t;
		int ret = ms_rules_validate(&t, c->zone_slot, MAX_ORDER_HOST);

		if (ret != c->want)
			printf("# %s: %d, want %d\n", c->name, ret, c->want);
		snprintf(name, sizeof(name), "ABI rule: %s", c->name);
		result(ret == c->want, name);
	}
}

static void test_defaults(void)
{
	struct memscope_trigger a = T(.kind = 2, .threshold = 800);
	struct memscope_trigger b = T(.kind = 2, .threshold = 7);
	struct memscope_trigger s = T(.kind = 5, .threshold = 1);
	struct memscope_trigger r = T(.kind = 5, .threshold = 1,
				      .flags = MEMSCOPE_TRIGF_STALL_RECLAIM);
	bool ok = true;

	EXPECT(!ms_rules_validate(&a, -1, MAX_ORDER_HOST) && a.rearm == 900);
	EXPECT(!ms_rules_validate(&b, -1, MAX_ORDER_HOST) && b.rearm == 8);
	EXPECT(!ms_rules_validate(&s, -1, MAX_ORDER_HOST) &&
	       s.flags == (MEMSCOPE_TRIGF_STALL_RECLAIM | MEMSCOPE_TRIGF_STALL_COMPACT));
	EXPECT(!ms_rules_validate(&r, -1, MAX_ORDER_HOST) &&
	       r.flags == MEMSCOPE_TRIGF_STALL_RECLAIM);
	result(ok, "defaults: rearm threshold plus an eighth (at least 1), stall both kinds");
}

int main(void)
{
	test_first_ids();
	test_wrap_skips_zero();
	test_wrap_skips_live();
	test_counter_on_live_id();
	test_one_free_id();
	test_wrap_walk();
	test_full_and_delete();
	test_interval();
	test_rules();
	test_defaults();
	printf("1..%u\n# fuzz rules unit: %u passed, %u failed\n", passed + failed, passed, failed);
	return failed ? 1 : 0;
}

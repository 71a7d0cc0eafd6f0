// SPDX-License-Identifier: GPL-2.0
/*
 * memscope alloc view (page-allocator tracepoint hooks) against known
 * allocations made by the memscope_test helper module.
 *
 * Background activity only adds events, so each known-count check is
 * repeated a few rounds: on a UP guest (versatilepb) some round must show
 * exactly the helper's count, on SMP every round must show at least it.
 * A view that counts wrong never shows the exact figure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "msview.h"

#define ALLOC MS_DEBUGFS "/alloc"
#define MEMSCOPE_KO "/lib/memscope/memscope.ko"
#define PARAM "/sys/module/memscope/parameters/hooks_page"
#define ROUNDS 10
#define NBLOCKS 4

static struct ms_alloc a, b;

static bool uniprocessor(void)
{
	return sysconf(_SC_NPROCESSORS_ONLN) == 1;
}

/* The order the tests allocate at: nothing else in a quiet guest uses it. */
static int test_order(const struct ms_alloc *v)
{
	return v->norders > 5 ? 5 : v->norders - 1;
}

static unsigned long long sum_orders(const unsigned long long *v, int n)
{
	unsigned long long s = 0;

	for (int o = 0; o < n; o++)
		s += v[o];
	return s;
}

TEST(alloc_view_is_consistent)
{
	ASSERT_EQ(0, ms_read_alloc(ALLOC, &a));
	EXPECT_TRUE(a.st.on);
	EXPECT_STREQ("none", a.st.missing);
	ASSERT_GT(a.norders, 0);
	ASSERT_GT(a.nzones, 0);
	ASSERT_GE(a.ntypes, 3);
	EXPECT_STREQ("Unmovable", a.type_names[0]);
	for (int sc = 0; sc < MS_SCOPES; sc++) {
		for (int o = 0; o < a.norders; o++) {
			unsigned long long za = 0, zf = 0, mt = 0;

			for (int i = 0; i < a.nzones; i++) {
				za += a.zone[i].alloc[sc][o];
				zf += a.zone[i].free[sc][o];
			}
			for (int t = 0; t < a.ntypes; t++)
				mt += a.mt[sc][t][o];
			/* One read sums every CPU once: the rows must agree. */
			EXPECT_EQ(a.allocs[sc][o], za);
			EXPECT_EQ(a.frees[sc][o], zf);
			EXPECT_EQ(a.allocs[sc][o], mt);
			EXPECT_LE(a.fails_nowarn[sc][o], a.fails[sc][o]);
			if (sc == 1) {
				EXPECT_LE(a.allocs[1][o], a.allocs[0][o]);
				EXPECT_LE(a.frees[1][o], a.frees[0][o]);
			}
		}
	}
	/* The guest has booted and run /init: pages were allocated. */
	EXPECT_GT(sum_orders(a.allocs[0], a.norders), 0);
}

FIXTURE(helper) {
	bool loaded_here;
};

FIXTURE_SETUP(helper)
{
	int ret;

	ret = ms_load_helper(&self->loaded_here);
	ASSERT_EQ(0, ret) TH_LOG("load %s: %s", MS_HELPER_KO, strerror(-ret));
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hk_release"));
	ASSERT_EQ(0, ms_write_str(PARAM, "Y"));
}

FIXTURE_TEARDOWN(helper)
{
	ms_write_str(MS_HELPER_CTL, "hk_release");
	ms_write_str(PARAM, "Y");
	if (self->loaded_here)
		ms_unload_module("memscope_test");
}

/* Node and zone of the helper's first held high-order block. */
static int helper_block_zone(int *node, char *zone)
{
	char *list = ms_slurp(MS_HELPER_CTL), *p;
	int ret = -1;

	if (!list)
		return -1;
	p = strstr(list, "hk_block ");
	if (p && sscanf(p, "hk_block %*u %d %15s", node, zone) == 2)
		ret = 0;
	free(list);
	return ret;
}

static struct ms_alloc_zone *find_zone(struct ms_alloc *v, int node, const char *name)
{
	for (int i = 0; i < v->nzones; i++)
		if (v->zone[i].node == node && !strcmp(v->zone[i].name, name))
			return &v->zone[i];
	return NULL;
}

/*
 * NBLOCKS blocks of order k: NBLOCKS allocations at order k (in their
 * zone, as Unmovable) since the mark, then NBLOCKS frees.
 */
TEST_F(helper, known_blocks_are_counted)
{
	bool up = uniprocessor(), exact = false;
	int k, round, node = -1;
	char zone[16] = "?", cmd[32];

	ASSERT_EQ(0, ms_read_alloc(ALLOC, &a));
	k = test_order(&a);
	snprintf(cmd, sizeof(cmd), "hk_pages %d %d", NBLOCKS, k);
	for (round = 0; round < ROUNDS && !exact; round++) {
		struct ms_alloc_zone *z;

		ASSERT_EQ(0, ms_write_str(ALLOC, "mark"));
		ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
		ASSERT_EQ(0, ms_read_alloc(ALLOC, &a));
		ASSERT_EQ(0, helper_block_zone(&node, zone));
		ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hk_release"));
		ASSERT_EQ(0, ms_read_alloc(ALLOC, &b));
		z = find_zone(&a, node, zone);
		ASSERT_TRUE(z != NULL) TH_LOG("no zone row for node %d %s", node, zone);

		TH_LOG("round %d order %d: allocs %llu (zone %s %llu, Unmovable %llu), frees %llu then %llu",
		       round, k, a.allocs[1][k], zone, z->alloc[1][k], a.mt[1][0][k],
		       a.frees[1][k], b.frees[1][k]);
		/* Never fewer than the helper's, on any machine. */
		ASSERT_GE(a.allocs[1][k], NBLOCKS);
		ASSERT_GE(z->alloc[1][k], NBLOCKS);
		ASSERT_GE(a.mt[1][0][k], NBLOCKS);
		ASSERT_GE(b.frees[1][k] - a.frees[1][k], NBLOCKS);
		exact = a.allocs[1][k] == NBLOCKS && z->alloc[1][k] == NBLOCKS &&
			a.mt[1][0][k] == NBLOCKS && a.frees[1][k] == 0 &&
			b.frees[1][k] == NBLOCKS && b.allocs[1][k] == NBLOCKS;
	}
	if (up)
		ASSERT_TRUE(exact) TH_LOG("no exact round on a UP guest");
}

/*
 * Take every free block of the top order without reclaim, then one more:
 * that request fails, and it is a __GFP_NOWARN one.
 */
TEST_F(helper, failed_allocation_is_counted)
{
	bool up = uniprocessor(), exact = false;
	unsigned int taken = 0;
	int top, round;
	char cmd[32], *list;

	ASSERT_EQ(0, ms_read_alloc(ALLOC, &a));
	top = a.norders - 1;
	snprintf(cmd, sizeof(cmd), "hk_fail %d", top);
	for (round = 0; round < ROUNDS && !exact; round++) {
		ASSERT_EQ(0, ms_write_str(ALLOC, "mark"));
		ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
		ASSERT_EQ(0, ms_read_alloc(ALLOC, &a));
		list = ms_slurp(MS_HELPER_CTL);
		ASSERT_TRUE(list != NULL);
		ASSERT_EQ(1, sscanf(strstr(list, "hk_last"), "hk_last hk_fail %*d %u", &taken));
		free(list);
		TH_LOG("round %d order %d: helper took %u then failed; fails %llu (nowarn %llu), allocs %llu, frees %llu",
		       round, top, taken, a.fails[1][top], a.fails_nowarn[1][top],
		       a.allocs[1][top], a.frees[1][top]);
		ASSERT_GE(a.fails[1][top], 1);
		ASSERT_GE(a.fails_nowarn[1][top], 1);
		ASSERT_GE(a.allocs[1][top], taken);
		exact = a.fails[1][top] == 1 && a.fails_nowarn[1][top] == 1 &&
			a.allocs[1][top] == taken && a.frees[1][top] == taken;
	}
	if (up)
		ASSERT_TRUE(exact) TH_LOG("no exact round on a UP guest");
}

/* A new mark restarts "since mark"; "since load" does not move back. */
TEST_F(helper, mark_restarts_counts)
{
	int k, round;
	char cmd[32];
	bool ok = false;

	ASSERT_EQ(0, ms_read_alloc(ALLOC, &a));
	k = test_order(&a);
	snprintf(cmd, sizeof(cmd), "hk_pages %d %d", NBLOCKS, k);
	for (round = 0; round < ROUNDS && !ok; round++) {
		ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
		ASSERT_EQ(0, ms_read_alloc(ALLOC, &a));
		ASSERT_EQ(0, ms_write_str(ALLOC, "mark"));
		ASSERT_EQ(0, ms_read_alloc(ALLOC, &b));
		ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hk_release"));
		ASSERT_GE(a.allocs[1][k], NBLOCKS);
		ASSERT_GE(b.allocs[0][k], a.allocs[0][k]);
		ok = b.allocs[1][k] == 0 && b.frees[1][k] == 0;
	}
	ASSERT_TRUE(ok);
}

/* hooks_page=N at run time: the probes are detached, nothing moves. */
TEST_F(helper, param_switches_hooks_at_run_time)
{
	unsigned long long total;
	int k;
	char cmd[32], *val;

	ASSERT_EQ(0, ms_read_alloc(ALLOC, &a));
	k = test_order(&a);
	snprintf(cmd, sizeof(cmd), "hk_pages %d %d", NBLOCKS, k);

	ASSERT_EQ(0, ms_write_str(PARAM, "N"));
	val = ms_slurp(PARAM);
	ASSERT_TRUE(val != NULL);
	EXPECT_EQ('N', val[0]);
	free(val);
	ASSERT_EQ(0, ms_write_str(ALLOC, "mark"));
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hk_release"));
	ASSERT_EQ(0, ms_read_alloc(ALLOC, &a));
	EXPECT_FALSE(a.st.on);
	total = sum_orders(a.allocs[1], a.norders) + sum_orders(a.frees[1], a.norders);
	/* Exact on any machine: no probe is attached. */
	EXPECT_EQ(0, total);

	ASSERT_EQ(0, ms_write_str(PARAM, "Y"));
	ASSERT_EQ(0, ms_write_str(ALLOC, "mark"));
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
	ASSERT_EQ(0, ms_read_alloc(ALLOC, &a));
	EXPECT_TRUE(a.st.on);
	EXPECT_GE(a.allocs[1][k], NBLOCKS);
}

/*
 * Parameters given at load: every group off, so the views stay still
 * until a group is switched on. Reloads memscope with its defaults after.
 */
TEST_F(helper, params_at_load_time)
{
	static const char *const groups[] = { "hooks_page", "hooks_reclaim", "hooks_slab" };
	char path[128], cmd[32], *val;
	int k, ret;

	ASSERT_EQ(0, ms_unload_module("memscope"));
	ret = ms_load_module_params(MEMSCOPE_KO, "hooks_page=0 hooks_reclaim=n hooks_slab=N");
	ASSERT_EQ(0, ret) TH_LOG("load with params: %s", strerror(-ret));
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/sys/module/memscope/parameters/%s", groups[i]);
		val = ms_slurp(path);
		ASSERT_TRUE(val != NULL);
		EXPECT_EQ('N', val[0]) TH_LOG("%s is %s", groups[i], val);
		free(val);
	}
	ASSERT_EQ(0, ms_read_alloc(ALLOC, &a));
	k = test_order(&a);
	snprintf(cmd, sizeof(cmd), "hk_pages %d %d", NBLOCKS, k);
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hk_release"));
	ASSERT_EQ(0, ms_read_alloc(ALLOC, &a));
	EXPECT_FALSE(a.st.on);
	EXPECT_EQ(0, sum_orders(a.allocs[0], a.norders));

	ASSERT_EQ(0, ms_write_str(PARAM, "1"));
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
	ASSERT_EQ(0, ms_read_alloc(ALLOC, &a));
	EXPECT_TRUE(a.st.on);
	EXPECT_GE(a.allocs[0][k], NBLOCKS);

	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hk_release"));
	ASSERT_EQ(0, ms_unload_module("memscope"));
	ASSERT_EQ(0, ms_load_module(MEMSCOPE_KO));
}

TEST_F(helper, bad_helper_commands_are_refused)
{
	EXPECT_EQ(-EINVAL, ms_write_str(MS_HELPER_CTL, "hk_pages 1 99"));
	EXPECT_EQ(-EINVAL, ms_write_str(MS_HELPER_CTL, "hk_fail"));
	EXPECT_EQ(-EINVAL, ms_write_str(PARAM, "maybe"));
}

TEST_HARNESS_MAIN

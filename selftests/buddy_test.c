// SPDX-License-Identifier: GPL-2.0
/*
 * memscope buddy and pagetypes views against the kernel's own oracles:
 * /proc/buddyinfo, debugfs extfrag/, and known allocations made by the
 * memscope_test helper module.
 *
 * Each comparison reads memscope, the oracle, then memscope again, and
 * accepts only a round in which both memscope reads agree with each other
 * and with the oracle: a guest is never perfectly idle, but on an idle
 * guest such a round comes quickly, and a wrong view never produces one.
 * The reference index formulas are fed the kernel's counts
 * (/proc/buddyinfo), the pagetypes view is compared with
 * /proc/pagetypeinfo.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "msview.h"

#define BUDDY MS_DEBUGFS "/buddy"
#define PAGETYPES MS_DEBUGFS "/pagetypes"
#define MEMSCOPE_KO "/lib/memscope/memscope.ko"
#define ROUNDS 50

static struct ms_view a, b, oracle;

TEST(buddy_columns_are_consistent)
{
	ASSERT_EQ(0, ms_read_buddy(BUDDY, &a));
	ASSERT_GT(a.norders, 0);
	for (int i = 0; i < a.nzones; i++) {
		struct ms_zone *z = &a.z[i];
		unsigned long long ge = 0;

		for (int o = a.norders - 1; o >= 0; o--) {
			ge += z->pages[o];
			EXPECT_EQ((unsigned long long)z->blocks[o] << o, z->pages[o]);
			EXPECT_EQ(ge, z->pages_ge[o]);
		}
	}
}

TEST(buddy_matches_proc_buddyinfo)
{
	int round;

	for (round = 0; round < ROUNDS; round++) {
		ASSERT_EQ(0, ms_read_buddy(BUDDY, &a));
		ASSERT_EQ(0, ms_read_buddyinfo("/proc/buddyinfo", &oracle));
		ASSERT_EQ(0, ms_read_buddy(BUDDY, &b));
		/* Same zones and number of orders, whatever the noise. */
		ASSERT_EQ(oracle.nzones, a.nzones);
		ASSERT_EQ(oracle.norders, a.norders);
		if (ms_same_blocks(&a, &b) && ms_same_blocks(&a, &oracle))
			break;
	}
	ms_oracle("/proc/buddyinfo");
	TH_LOG("agreed after %d round(s), %d zone(s), %d orders",
	       round + 1, a.nzones, a.norders);
	ASSERT_LT(round, ROUNDS);
}

/*
 * Reads memscope, /proc/buddyinfo, memscope until the three show the same
 * free blocks: then memscope's indexes were computed from the counts the
 * kernel shows. Returns the round, or -1.
 */
static int clean_buddyinfo_pair(struct __test_metadata *_metadata)
{
	for (int round = 0; round < ROUNDS; round++) {
		if (ms_read_buddy(BUDDY, &a) ||
		    ms_read_buddyinfo("/proc/buddyinfo", &oracle) ||
		    ms_read_buddy(BUDDY, &b))
			return -1;
		if (ms_same_blocks(&a, &b) && ms_same_blocks(&a, &oracle))
			return round;
	}
	return -1;
}

/* memscope's indexes against the kernel's definitions fed the kernel's counts. */
static void expect_reference_indexes(struct __test_metadata *_metadata,
				     struct ms_zone *mz, int from)
{
	struct ms_zone *kz = ms_find_zone(&oracle, mz->node, mz->name);

	ASSERT_TRUE(kz != NULL);
	for (int o = from; o < oracle.norders; o++) {
		EXPECT_EQ(ms_ref_unusable(kz->blocks, oracle.norders, o), mz->unusable[o])
			TH_LOG("zone %s order %d unusable", mz->name, o);
		EXPECT_EQ(ms_ref_fragindex(kz->blocks, oracle.norders, o), mz->fragindex[o])
			TH_LOG("zone %s order %d fragindex", mz->name, o);
	}
}

TEST(indexes_match_reference_formulas)
{
	int round = clean_buddyinfo_pair(_metadata);

	ASSERT_LE(0, round) TH_LOG("no round in %d with memscope equal to /proc/buddyinfo",
				   ROUNDS);
	ms_oracle("/proc/buddyinfo");
	TH_LOG("clean pair after %d round(s)", round + 1);
	for (int i = 0; i < a.nzones; i++)
		expect_reference_indexes(_metadata, &a.z[i], 0);
}

static bool same_indexes(struct ms_view *m, struct ms_view *k, bool frag)
{
	for (int i = 0; i < m->nzones; i++) {
		struct ms_zone *zk = ms_find_zone(k, m->z[i].node, m->z[i].name);

		if (!zk)
			return false;
		for (int o = 0; o < m->norders; o++)
			if ((frag ? m->z[i].fragindex[o] : m->z[i].unusable[o]) !=
			    (frag ? zk->fragindex[o] : zk->unusable[o]))
				return false;
	}
	return true;
}

/* The kernel shows both indexes itself when COMPACTION is on. */
TEST(indexes_match_kernel_extfrag)
{
	static struct ms_view unusable, frag;
	int round;

	if (access("/sys/kernel/debug/extfrag/unusable_index", R_OK))
		SKIP(return, "kernel without CONFIG_COMPACTION: no extfrag/");
	for (round = 0; round < ROUNDS; round++) {
		ASSERT_EQ(0, ms_read_buddy(BUDDY, &a));
		ASSERT_EQ(0, ms_read_extfrag("/sys/kernel/debug/extfrag/unusable_index",
					     &unusable, false));
		ASSERT_EQ(0, ms_read_extfrag("/sys/kernel/debug/extfrag/extfrag_index",
					     &frag, true));
		ASSERT_EQ(0, ms_read_buddy(BUDDY, &b));
		ASSERT_EQ(a.norders, unusable.norders);
		if (ms_same_blocks(&a, &b) && same_indexes(&a, &unusable, false) &&
		    same_indexes(&a, &frag, true))
			break;
	}
	ms_oracle("debugfs extfrag/");
	TH_LOG("agreed after %d round(s)", round + 1);
	ASSERT_LT(round, ROUNDS);
}

TEST(pagetypes_sum_to_buddy_blocks)
{
	int round;

	for (round = 0; round < ROUNDS; round++) {
		bool same = true;

		ASSERT_EQ(0, ms_read_buddy(BUDDY, &a));
		ASSERT_EQ(0, ms_read_pagetypes(PAGETYPES, &oracle));
		ASSERT_EQ(0, ms_read_buddy(BUDDY, &b));
		ASSERT_EQ(a.nzones, oracle.nzones);
		ASSERT_EQ(a.norders, oracle.norders);
		for (int i = 0; i < a.nzones && same; i++) {
			struct ms_zone *zp = ms_find_zone(&oracle, a.z[i].node, a.z[i].name);

			ASSERT_TRUE(zp != NULL);
			ASSERT_GE(zp->ntypes, 4);	/* Unmovable..HighAtomic */
			ASSERT_EQ(0, strcmp(zp->type_names[0], "Unmovable"));
			for (int o = 0; o < a.norders; o++) {
				long sum = 0;

				for (int t = 0; t < zp->ntypes; t++)
					sum += zp->types[t][o];
				same &= sum == (long)a.z[i].blocks[o];
			}
		}
		if (same && ms_same_blocks(&a, &b))
			break;
	}
	TH_LOG("agreed after %d round(s)", round + 1);
	ASSERT_LT(round, ROUNDS);
}

/*
 * /proc/pagetypeinfo's free-list table: "Node N, zone Z, type T c0 c1 ...",
 * ">100000" for a list the kernel stopped counting (-1 here, as
 * ms_read_pagetypes() reads memscope's own cap).
 */
static int read_pagetypeinfo(struct ms_view *v)
{
	char *buf = ms_slurp("/proc/pagetypeinfo"), *line, *save = NULL;

	if (!buf)
		return -errno;
	memset(v, 0, sizeof(*v));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char zone[16], type[16];
		int node, n = 0;

		if (sscanf(line, "Node %d, zone %15[^,], type %15s%n", &node, zone, type,
			   &n) != 3 || !n)
			continue;
		if (ms_put_type_row(v, node, zone, type, line + n))
			break;
	}
	free(buf);
	return v->nzones ? 0 : -EINVAL;
}

/* Same zones, migratetypes in the same order, and the same counts. */
static bool same_pagetypes(const struct ms_view *m, struct ms_view *k)
{
	if (m->nzones != k->nzones || m->norders != k->norders)
		return false;
	for (int i = 0; i < m->nzones; i++) {
		const struct ms_zone *zm = &m->z[i];
		struct ms_zone *zk = ms_find_zone(k, zm->node, zm->name);

		if (!zk || zk->ntypes != zm->ntypes)
			return false;
		for (int t = 0; t < zm->ntypes; t++)
			if (strcmp(zm->type_names[t], zk->type_names[t]) ||
			    memcmp(zm->types[t], zk->types[t], sizeof(zm->types[t])))
				return false;
	}
	return true;
}

/*
 * pagetypes against the kernel's own walk of the same free lists: the
 * same type names in the same order and the same counts, so a row given
 * to the wrong migratetype, or two rows swapped, never agrees.
 */
TEST(pagetypes_match_proc_pagetypeinfo)
{
	static struct ms_view p1, p2, k;
	long sum = 0;
	int round;

	for (round = 0; round < ROUNDS; round++) {
		ASSERT_EQ(0, ms_read_pagetypes(PAGETYPES, &p1));
		ASSERT_EQ(0, read_pagetypeinfo(&k));
		ASSERT_EQ(0, ms_read_pagetypes(PAGETYPES, &p2));
		ASSERT_EQ(p1.nzones, k.nzones);
		ASSERT_EQ(p1.norders, k.norders);
		if (same_pagetypes(&p1, &p2) && same_pagetypes(&p1, &k))
			break;
	}
	ms_oracle("/proc/pagetypeinfo");
	TH_LOG("%s after %d round(s), %d zone(s), %d type(s) in the first",
	       round < ROUNDS ? "agreed" : "never agreed", round + (round < ROUNDS), p1.nzones, p1.z[0].ntypes);
	ASSERT_LT(round, ROUNDS);
	/* Free blocks of some type: the comparison is not of empty tables. */
	for (int t = 0; t < k.z[0].ntypes; t++)
		for (int o = 0; o < k.norders; o++)
			sum += k.z[0].types[t][o] > 0 ? k.z[0].types[t][o] : 0;
	EXPECT_GT(sum, 0);
}

TEST(file_modes)
{
	struct stat st;

	ASSERT_EQ(0, stat(BUDDY, &st));
	EXPECT_EQ(0444, st.st_mode & 0777);
	ASSERT_EQ(0, stat(PAGETYPES, &st));
	EXPECT_EQ(0400, st.st_mode & 0777);
}

FIXTURE(helper) {
	bool loaded_here;	/* the fixture loaded memscope_test itself */
};

FIXTURE_SETUP(helper)
{
	int ret;

	ret = ms_load_helper(&self->loaded_here);
	ASSERT_EQ(0, ret) TH_LOG("load %s: %s", MS_HELPER_KO, strerror(-ret));
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "free_pages"));
}

FIXTURE_TEARDOWN(helper)
{
	ms_write_str(MS_HELPER_CTL, "free_pages");
	if (self->loaded_here)
		ms_unload_module("memscope_test");
}

static unsigned long long total_free(struct ms_zone *z)
{
	return z->pages_ge[0];
}

/*
 * Allocating one block of order k takes 2^k pages out of the zone's free
 * blocks of order >= k and leaves smaller orders alone (orders above the
 * per-CPU cache limit, 3, come straight from the buddy lists); freeing it
 * gives back the exact previous state once the block merges again.
 */
TEST_F(helper, high_order_block_moves_counts)
{
	struct ms_zone *z0, *z1, *z2;
	struct ms_view after, freed;
	int round, order = -1, node;
	char zone[16], *list;

	/* The largest order >= 4 that some zone has a free block of (the kernel's count). */
	ASSERT_EQ(0, ms_read_buddyinfo("/proc/buddyinfo", &oracle));
	for (int o = oracle.norders - 1; o >= 4 && order < 0; o--)
		for (int i = 0; i < oracle.nzones; i++)
			if (oracle.z[i].blocks[o] > 1)
				order = o;
	if (order < 0)
		SKIP(return, "no free block above order 3");
	ms_oracle("memscope_test known allocations");
	if (order > 6)
		order = 6;	/* 256 KiB with 4K pages: room even at mem=32M */

	for (round = 0; round < ROUNDS; round++) {
		char cmd[32];
		bool ok;

		ASSERT_EQ(0, ms_read_buddy(BUDDY, &a));
		snprintf(cmd, sizeof(cmd), "alloc_pages %d", order);
		ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
		ASSERT_EQ(0, ms_read_buddy(BUDDY, &after));
		/* The helper says which node and zone the block came from. */
		list = ms_slurp(MS_HELPER_CTL);
		ASSERT_TRUE(list != NULL);
		ASSERT_EQ(2, sscanf(list, "pages %*d %d %15s", &node, zone));
		free(list);
		ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "free_pages"));
		ASSERT_EQ(0, ms_read_buddy(BUDDY, &freed));

		z0 = ms_find_zone(&a, node, zone);
		z1 = ms_find_zone(&after, node, zone);
		z2 = ms_find_zone(&freed, node, zone);
		ASSERT_TRUE(z0 != NULL);
		ASSERT_TRUE(z1 != NULL);
		ASSERT_TRUE(z2 != NULL);

		ok = total_free(z0) - total_free(z1) ==
		     1ULL << order;
		ok &= z0->pages_ge[order] - z1->pages_ge[order] == 1ULL << order;
		for (int o = 0; o < order; o++)
			ok &= z0->blocks[o] == z1->blocks[o];
		ok &= ms_same_blocks(&a, &freed);
		if (ok)
			break;
	}
	TH_LOG("order %d block in node %d zone %s: exact after %d round(s)",
	       order, node, zone, round + 1);
	ASSERT_LT(round, ROUNDS);
}

/* Some zone has free memory but no free block of this order or larger. */
static bool formula_path_taken(struct ms_view *v, int *zone, int *order)
{
	for (int i = 0; i < v->nzones; i++)
		for (int o = 1; o < v->norders; o++)
			if (v->z[i].pages_ge[0] && !v->z[i].pages_ge[o]) {
				*zone = i;
				*order = o;
				return true;
			}
	return false;
}

/*
 * On an unfragmented guest every fragmentation index is -1.000 and the
 * formula itself never runs. Take free blocks of the top orders (movable,
 * so CMA and HighMem blocks count too) until some zone has none left, then check the computed indexes against
 * the reference and the kernel's own extfrag files.
 */
TEST_F(helper, indexes_when_high_orders_are_exhausted)
{
	static struct ms_view unusable, frag;
	int zone = -1, order = -1, top, taken = 0, round;
	char cmd[32];

	ASSERT_EQ(0, ms_read_buddy(BUDDY, &a));
	for (top = a.norders - 1; top > 0 && taken < 256; ) {
		ASSERT_EQ(0, ms_read_buddy(BUDDY, &a));
		if (formula_path_taken(&a, &zone, &order))
			break;
		snprintf(cmd, sizeof(cmd), "alloc_movable %d", top);
		if (ms_write_str(MS_HELPER_CTL, cmd))
			top--;		/* no block of this order left */
		else
			taken++;
	}
	ASSERT_TRUE(formula_path_taken(&a, &zone, &order))
		TH_LOG("could not exhaust any order (%d blocks taken)", taken);
	TH_LOG("took %d block(s); zone %s has no free block of order >= %d",
	       taken, a.z[zone].name, order);
	/* The formula fed the kernel's counts, taken with memscope's. */
	round = clean_buddyinfo_pair(_metadata);
	ASSERT_LE(0, round) TH_LOG("no round in %d with memscope equal to /proc/buddyinfo",
				   ROUNDS);
	ms_oracle("/proc/buddyinfo, debugfs extfrag/");
	ASSERT_TRUE(formula_path_taken(&a, &zone, &order));
	expect_reference_indexes(_metadata, &a.z[zone], order);
	for (int o = order; o < a.norders; o++)
		EXPECT_NE(-1000, a.z[zone].fragindex[o]);
	if (access("/sys/kernel/debug/extfrag/extfrag_index", R_OK))
		return;
	for (round = 0; round < ROUNDS; round++) {
		ASSERT_EQ(0, ms_read_buddy(BUDDY, &a));
		ASSERT_EQ(0, ms_read_extfrag("/sys/kernel/debug/extfrag/unusable_index",
					     &unusable, false));
		ASSERT_EQ(0, ms_read_extfrag("/sys/kernel/debug/extfrag/extfrag_index",
					     &frag, true));
		ASSERT_EQ(0, ms_read_buddy(BUDDY, &b));
		if (ms_same_blocks(&a, &b) && same_indexes(&a, &unusable, false) &&
		    same_indexes(&a, &frag, true))
			break;
	}
	ASSERT_LT(round, ROUNDS);
}

TEST_F(helper, bad_helper_commands_are_refused)
{
	EXPECT_EQ(-EINVAL, ms_write_str(MS_HELPER_CTL, "alloc_pages 99"));
	EXPECT_EQ(-EINVAL, ms_write_str(MS_HELPER_CTL, "frobnicate"));
}

/*
 * Documented behaviour: an open memscope file holds a module reference, so
 * rmmod is refused (EAGAIN, "in use") and the open file keeps working; once
 * it is closed the module unloads and its directory is gone.
 */
TEST(rmmod_while_open_is_refused)
{
	char buf[4096];
	int fd, ret;

	fd = open(BUDDY, O_RDONLY);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EAGAIN, ms_unload_module("memscope"));
	EXPECT_GT(read(fd, buf, sizeof(buf)), 0);
	EXPECT_EQ(0, strncmp(buf, "# memscope buddy", 16));
	close(fd);

	EXPECT_EQ(0, ms_unload_module("memscope"));
	EXPECT_NE(0, access(MS_DEBUGFS, F_OK));
	ret = ms_load_module(MEMSCOPE_KO);
	ASSERT_EQ(0, ret) TH_LOG("reload: %s", strerror(-ret));
	EXPECT_EQ(0, access(BUDDY, R_OK));
}

TEST_HARNESS_MAIN

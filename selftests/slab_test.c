// SPDX-License-Identifier: GPL-2.0
/*
 * memscope slab view (slab tracepoint hooks) against known allocations
 * made by the memscope_test helper: objects from a kmem_cache only the
 * helper uses (exact on every machine) and kmallocs of a size class the
 * rest of a quiet guest hardly uses.
 *
 * Exact everywhere: the test pins itself, and with it the helper's work
 * (its commands run in the writing task), to one CPU and repeats a
 * kmalloc round until no other CPU allocated from that class in the
 * window; a view that counted any CPU twice, or missed one, never shows
 * the helper's exact count.
 *
 * make check's builds refuse to build memscope without cache names
 * (scripts/build-target), so a view without them is a failure here.
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

#define SLAB MS_DEBUGFS "/slab"
#define PARAM "/sys/module/memscope/parameters/hooks_slab"
#define CACHE "mst_hooks_cache"
#define OBJSIZE 200
#define NOBJS 100
#define KSIZE 512
#define NKMALLOC 64
/* Quiet rounds: background kmalloc-512 use on an idle SMP guest is rare. */
#define ROUNDS 30

static struct ms_slab s;

/*
 * The size class the kernel reports for kmalloc(KSIZE): the tracepoint's
 * bytes_alloc is the cache's object size, s->size, which debugging (SLUB
 * red zones and tracking, KASAN metadata) makes larger than 512. The
 * kernel says it in /sys/kernel/slab/kmalloc-512/slab_size (SLUB) or in
 * /proc/slabinfo's objsize column (SLAB); memscope rounds bytes up to
 * its classes 2^p and 3 * 2^(p-1) (module/hooks_slab.c).
 */
static unsigned long long kmalloc_class_of(unsigned long long bytes)
{
	unsigned long long c = 2;

	while (c < bytes) {
		if (c + c / 2 >= bytes)
			return c + c / 2;
		c *= 2;
	}
	return c;
}

static long long kmalloc_cache_size(void)
{
	char *v = ms_slurp("/sys/kernel/slab/kmalloc-512/slab_size"), *p;
	long long size = -1;
	char name[32];
	long long objsize;

	if (v) {
		size = strtoll(v, NULL, 10);
		free(v);
		return size;
	}
	v = ms_slurp("/proc/slabinfo");
	for (p = v; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (sscanf(p, "%31s %*d %*d %lld", name, &objsize) == 2 &&
		    !strcmp(name, "kmalloc-512"))
			size = objsize;
	free(v);
	return size;
}

TEST(slab_view_parses)
{
	ASSERT_EQ(0, ms_read_slab(SLAB, &s));
	EXPECT_TRUE(s.st.on);
	if (!ms_kernel_has_tracepoints()) {
		/*
		 * README: memscope works without tracepoints and says what it
		 * lacks; with no probe, no cache and no call site is ever seen.
		 */
		EXPECT_EQ(1, ms_view_cannot_hook(SLAB));
		EXPECT_EQ(0, s.ncaches);
		EXPECT_EQ(0, s.nsites);
		return;
	}
	EXPECT_STREQ("none", s.st.missing);
	EXPECT_EQ(0, ms_view_cannot_hook(SLAB));
	ASSERT_GT(s.nkclasses, 0);
	ASSERT_TRUE(s.have_names) TH_LOG("memscope built without cache names");
	/* Booting allocated from these on every kernel. */
	EXPECT_TRUE(ms_slab_find(&s, "task_struct") != NULL);
	EXPECT_TRUE(ms_slab_find(&s, "vm_area_struct") != NULL);
	for (int i = 0; i < s.ncaches; i++) {
		struct ms_slab_cache *c = &s.cache[i];

		/* Named builds name every cache (no "@<hashed pointer>"). */
		EXPECT_NE('@', c->name[0]) TH_LOG("unnamed cache %s", c->name);
		EXPECT_EQ((long long)(c->allocs[0] - c->frees[0]), c->live[0]);
		EXPECT_EQ(c->live[0] * (long long)c->objsize, c->live_bytes);
		EXPECT_LE(c->allocs[1], c->allocs[0]);
	}
	/* Call sites are symbols, never raw addresses. */
	for (int i = 0; i < s.nsites; i++) {
		const char *site = s.site[i].call_site;

		EXPECT_NE(0, strncmp(site, "0x", 2)) TH_LOG("raw call site %s", site);
	}
}

FIXTURE(helper) {
	bool loaded_here;
	/*
	 * The helper's control file, the view and memscope's mark file, held
	 * open (ms_fd_view()).
	 */
	int ctl, view, mark;
};

FIXTURE_SETUP(helper)
{
	char cmd[64];
	int ret;

	self->ctl = -1;
	self->view = -1;
	self->mark = -1;
	ret = ms_load_helper(&self->loaded_here);
	ASSERT_EQ(0, ret) TH_LOG("load %s: %s", MS_HELPER_KO, strerror(-ret));
	ASSERT_EQ(0, ms_pin_one_cpu());
	ASSERT_EQ(0, ms_write_str(PARAM, "Y"));
	ms_write_str(MS_HELPER_CTL, "hk_cache_destroy");
	ms_write_str(MS_HELPER_CTL, "hk_kfree");
	snprintf(cmd, sizeof(cmd), "hk_cache_create %s %d", CACHE, OBJSIZE);
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
	self->ctl = open(MS_HELPER_CTL, O_RDWR);
	ASSERT_LE(0, self->ctl);
	self->view = open(SLAB, O_RDONLY);
	ASSERT_LE(0, self->view);
	self->mark = open(MS_DEBUGFS "/mark", O_WRONLY);
	ASSERT_LE(0, self->mark);
}

FIXTURE_TEARDOWN(helper)
{
	if (self->view >= 0)
		close(self->view);
	if (self->mark >= 0)
		close(self->mark);
	if (self->ctl >= 0)
		close(self->ctl);
	ms_write_str(MS_HELPER_CTL, "hk_cache_destroy");
	ms_write_str(MS_HELPER_CTL, "hk_kfree");
	ms_write_str(PARAM, "Y");
	if (self->loaded_here)
		ms_unload_module("memscope_test");
}

static void read_view(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, ms_read_slab(SLAB, &s));
}

/*
 * Since-mark sums of every row named CACHE: the fixture creates the cache
 * afresh for each test and a new one may sit at another address, which
 * makes another row.
 */
struct named {
	int rows;
	unsigned int objsize;
	unsigned long long allocs, frees;
	long long live;
};

static struct named named_cache(void)
{
	struct named n = { 0 };

	for (int i = 0; i < s.ncaches; i++) {
		if (strcmp(s.cache[i].name, CACHE))
			continue;
		n.rows++;
		n.objsize = s.cache[i].objsize;
		n.allocs += s.cache[i].allocs[1];
		n.frees += s.cache[i].frees[1];
		n.live += s.cache[i].live[1];
	}
	return n;
}

/* The helper's own cache: exact counts on every machine. */
TEST_F(helper, cache_objects_are_counted)
{
	struct named c;
	char cmd[32];
	bool found = false;

	/* Counts events only a hooked tracepoint reports. */
	if (!ms_kernel_has_tracepoints())
		SKIP(return, "kernel without CONFIG_TRACEPOINTS");

	read_view(_metadata);
	ASSERT_TRUE(s.have_names) TH_LOG("memscope built without cache names");
	ASSERT_EQ(0, ms_mark("slab"));
	snprintf(cmd, sizeof(cmd), "hk_cache_alloc %d", NOBJS);
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
	ASSERT_EQ(0, ms_read_slab(SLAB, &s));
	ms_oracle("memscope_test known allocations");
	c = named_cache();
	ASSERT_GT(c.rows, 0) TH_LOG("no row for cache %s", CACHE);
	EXPECT_EQ(OBJSIZE, c.objsize);
	EXPECT_EQ(NOBJS, c.allocs);
	EXPECT_EQ(0, c.frees);
	EXPECT_EQ(NOBJS, c.live);

	/* Its allocations have a call site in the helper, symbolised. */
	for (int i = 0; i < s.nsites; i++) {
		if (strcmp(s.site[i].cache, CACHE))
			continue;
		found = true;
		EXPECT_EQ(NOBJS, s.site[i].allocs);
		EXPECT_EQ((unsigned long long)NOBJS * OBJSIZE, s.site[i].bytes);
		EXPECT_TRUE(strstr(s.site[i].call_site, "[memscope_test]") != NULL)
			TH_LOG("call site %s", s.site[i].call_site);
	}
	EXPECT_TRUE(found) TH_LOG("no call site row for %s (%d rows)", CACHE, s.nsites);

	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hk_cache_free"));
	ASSERT_EQ(0, ms_read_slab(SLAB, &s));
	c = named_cache();
	EXPECT_EQ(NOBJS, c.allocs);
	EXPECT_EQ(NOBJS, c.frees);
	EXPECT_EQ(0, c.live);
}

/* Allocations since the mark at the helper's call sites into class cls. */
static unsigned long long helper_site_allocs(unsigned long long cls)
{
	unsigned long long n = 0;
	char name[32];

	snprintf(name, sizeof(name), "kmalloc-%llu", cls);
	for (int i = 0; i < s.nsites; i++)
		if (!strcmp(s.site[i].cache, name) &&
		    strstr(s.site[i].call_site, "[memscope_test]"))
			n += s.site[i].allocs;
	return n;
}

/*
 * kmallocs of one size: exactly their class moves, by that many
 * allocations, at a call site in the helper, then by as many frees; in
 * some round nothing else allocated from the class in the window. The
 * window holds no open(): the view and the helper's file are used through
 * descriptors opened before it (the debugfs proxy of each open is a
 * kmalloc-512 on 64-bit kernels).
 */
TEST_F(helper, kmalloc_class_is_counted)
{
	unsigned long long cls, site_allocs, allocs = 0, frees = 0;
	long long cache_size = kmalloc_cache_size();
	struct ms_slab_kclass *k;
	bool exact = false, others;
	int round, cpu, pinned = 0;
	char cmd[32];

	/* Counts events only a hooked tracepoint reports. */
	if (!ms_kernel_has_tracepoints())
		SKIP(return, "kernel without CONFIG_TRACEPOINTS");

	ASSERT_GE(cache_size, KSIZE) TH_LOG("no object size for kmalloc-512");
	cls = kmalloc_class_of(cache_size);
	ms_oracle("memscope_test known allocations, kmalloc-512 object size");
	TH_LOG("kmalloc-512 objects are %lld bytes: class %llu", cache_size, cls);
	snprintf(cmd, sizeof(cmd), "hk_kmalloc %d %d", NKMALLOC, KSIZE);
	/* Once on each CPU: every CPU's counters are summed exactly once. */
	for (cpu = 0; cpu < sysconf(_SC_NPROCESSORS_CONF); cpu++) {
		if (ms_pin_cpu(cpu))
			continue;	/* offline */
		pinned++;
		for (round = 0, exact = false; round < ROUNDS && !exact; round++) {
			ASSERT_EQ(0, ms_fd_write(self->mark, "slab"));
			ASSERT_EQ(0, ms_fd_write(self->ctl, cmd));
			ASSERT_EQ(0, ms_read_slab(ms_fd_view(self->view), &s));
			k = ms_slab_kclass_find(&s, cls);
			ASSERT_TRUE(k != NULL) TH_LOG("no row for class %llu", cls);
			allocs = k->allocs[1];
			/* Counted once: no other class moved by as many. */
			others = false;
			for (int i = 0; i < s.nkclasses; i++)
				others |= s.kc[i].bytes != cls && s.kc[i].allocs[1] >= NKMALLOC;
			/* The helper's call site, exact on any machine: nobody else's. */
			site_allocs = helper_site_allocs(cls);
			EXPECT_EQ(NKMALLOC, site_allocs) TH_LOG("class %llu: helper call site allocs %llu",
							       cls, site_allocs);
			ASSERT_EQ(0, ms_fd_write(self->ctl, "hk_kfree"));
			ASSERT_EQ(0, ms_read_slab(ms_fd_view(self->view), &s));
			k = ms_slab_kclass_find(&s, cls);
			ASSERT_TRUE(k != NULL);
			frees = k->frees[1];
			TH_LOG("cpu %d round %d class %llu: %llu allocs, then %llu frees", cpu, round,
			       cls, allocs, frees);
			ASSERT_GE(allocs, NKMALLOC);
			ASSERT_GE(frees, NKMALLOC);
			exact = allocs == NKMALLOC && frees == NKMALLOC && k->allocs[1] == NKMALLOC &&
				!others;
		}
		ASSERT_TRUE(exact) TH_LOG("cpu %d: no quiet round in %d: last %llu allocs, %llu frees",
					  cpu, ROUNDS, allocs, frees);
	}
	ASSERT_GT(pinned, 0);
}

/* hooks_slab=N at run time: the helper's cache stops moving, then moves. */
TEST_F(helper, param_switches_hooks_at_run_time)
{
	char cmd[32];

	/* Counts events only a hooked tracepoint reports. */
	if (!ms_kernel_has_tracepoints())
		SKIP(return, "kernel without CONFIG_TRACEPOINTS");

	read_view(_metadata);
	ASSERT_TRUE(s.have_names) TH_LOG("memscope built without cache names");
	snprintf(cmd, sizeof(cmd), "hk_cache_alloc %d", NOBJS);
	ASSERT_EQ(0, ms_write_str(PARAM, "N"));
	ASSERT_EQ(0, ms_mark("slab"));
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
	ASSERT_EQ(0, ms_read_slab(SLAB, &s));
	ms_oracle("memscope_test known allocations");
	EXPECT_FALSE(s.st.on);
	/* Exact on any machine: no probe is attached. */
	EXPECT_EQ(0, named_cache().allocs);

	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hk_cache_free"));
	ASSERT_EQ(0, ms_write_str(PARAM, "Y"));
	ASSERT_EQ(0, ms_mark("slab"));
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
	ASSERT_EQ(0, ms_read_slab(SLAB, &s));
	EXPECT_TRUE(s.st.on);
	EXPECT_EQ(NOBJS, named_cache().allocs);
}

/*
 * The view copies a cache's name when it first sees it and never follows
 * the cache pointer again: a destroyed cache is still listed, safely, and
 * one created again is counted on.
 */
TEST_F(helper, destroyed_cache_stays_readable)
{
	char cmd[64];

	/* Counts events only a hooked tracepoint reports. */
	if (!ms_kernel_has_tracepoints())
		SKIP(return, "kernel without CONFIG_TRACEPOINTS");

	read_view(_metadata);
	ASSERT_TRUE(s.have_names) TH_LOG("memscope built without cache names");
	snprintf(cmd, sizeof(cmd), "hk_cache_alloc %d", NOBJS);
	ASSERT_EQ(0, ms_mark("slab"));
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hk_cache_destroy"));
	ASSERT_EQ(0, ms_read_slab(SLAB, &s));
	ms_oracle("memscope_test known allocations");
	EXPECT_EQ(NOBJS, named_cache().allocs);
	EXPECT_EQ(NOBJS, named_cache().frees);

	snprintf(cmd, sizeof(cmd), "hk_cache_create %s %d", CACHE, OBJSIZE);
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
	snprintf(cmd, sizeof(cmd), "hk_cache_alloc %d", NOBJS);
	ASSERT_EQ(0, ms_mark("slab"));
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
	ASSERT_EQ(0, ms_read_slab(SLAB, &s));
	/* Same address or not, the new cache's objects are seen. */
	EXPECT_EQ(NOBJS, named_cache().allocs);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope_test: slab allocations with a known count, for the tests of
 * the slab view (memscope's slab hooks).
 *
 *   hk_cache_create NAME SIZE  create a kmem_cache NAME of SIZE-byte
 *                              objects (one at a time); it has a
 *                              constructor, so SLUB never merges it into
 *                              another cache and its name stays its own
 *   hk_cache_alloc M           allocate and hold M objects from it
 *   hk_cache_free              free the held objects
 *   hk_cache_destroy           free them and destroy the cache
 *   hk_kmalloc K SIZE          kmalloc K objects of SIZE bytes and hold them
 *   hk_kfree                   kfree the held kmalloc objects
 * Shown as "hk_cache NAME SIZE HELD" and "hk_kmalloc SIZE HELD".
 *
 * Pointers are held in static arrays: the test's counts are not disturbed
 * by allocations of the helper's own.
 */
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "mst.h"

#define MST_HK_OBJS 1024

static struct kmem_cache *mst_hk_cache;
static char mst_hk_cache_name[32];
static unsigned int mst_hk_cache_size;
static void *mst_hk_objs[MST_HK_OBJS];
static unsigned int mst_hk_nr_objs;
static void *mst_hk_kobjs[MST_HK_OBJS];
static unsigned int mst_hk_nr_kobjs, mst_hk_ksize;

/* A constructor keeps SLUB from merging the cache (find_mergeable()). */
static void mst_hk_ctor(void *obj)
{
	memset(obj, 0, mst_hk_cache_size);
}

static void mst_hk_cache_free(void)
{
	while (mst_hk_nr_objs)
		kmem_cache_free(mst_hk_cache, mst_hk_objs[--mst_hk_nr_objs]);
}

static void mst_hk_kfree(void)
{
	while (mst_hk_nr_kobjs)
		kfree(mst_hk_kobjs[--mst_hk_nr_kobjs]);
}

static void mst_hk_slab_release(void)
{
	mst_hk_kfree();
	if (!mst_hk_cache)
		return;
	mst_hk_cache_free();
	kmem_cache_destroy(mst_hk_cache);
	mst_hk_cache = NULL;
}

static int mst_hk_cache_create(const char *name, unsigned int size)
{
	if (mst_hk_cache || !size || size > PAGE_SIZE)
		return -EINVAL;
	/* The cache keeps a pointer to its name. */
	strscpy(mst_hk_cache_name, name, sizeof(mst_hk_cache_name));
	mst_hk_cache_size = size;
	mst_hk_cache = kmem_cache_create(mst_hk_cache_name, size, 0, 0, mst_hk_ctor);
	return mst_hk_cache ? 0 : -ENOMEM;
}

static int mst_hk_cache_alloc(unsigned int m)
{
	void *obj;

	if (!mst_hk_cache)
		return -EINVAL;
	while (m--) {
		if (mst_hk_nr_objs == MST_HK_OBJS)
			return -ENOSPC;
		obj = kmem_cache_alloc(mst_hk_cache, GFP_KERNEL);
		if (!obj)
			return -ENOMEM;
		mst_hk_objs[mst_hk_nr_objs++] = obj;
	}
	return 0;
}

static int mst_hk_kmalloc(unsigned int k, unsigned int size)
{
	void *obj;

	if (!size || size > KMALLOC_MAX_SIZE)
		return -EINVAL;
	mst_hk_ksize = size;
	while (k--) {
		if (mst_hk_nr_kobjs == MST_HK_OBJS)
			return -ENOSPC;
		obj = kmalloc(size, GFP_KERNEL);
		if (!obj)
			return -ENOMEM;
		mst_hk_kobjs[mst_hk_nr_kobjs++] = obj;
	}
	return 0;
}

static int mst_hk_slab_run(const char *verb, char *args)
{
	unsigned int a, b;
	char name[32];

	if (!strcmp(verb, "hk_cache_create")) {
		if (!args || sscanf(args, "%31s %u", name, &a) != 2)
			return -EINVAL;
		return mst_hk_cache_create(name, a);
	}
	if (!strcmp(verb, "hk_cache_alloc"))
		return args && !kstrtouint(args, 0, &a) ? mst_hk_cache_alloc(a) : -EINVAL;
	if (!strcmp(verb, "hk_cache_free")) {
		mst_hk_cache_free();
		return 0;
	}
	if (!strcmp(verb, "hk_cache_destroy")) {
		mst_hk_cache_free();
		kmem_cache_destroy(mst_hk_cache);
		mst_hk_cache = NULL;
		return 0;
	}
	if (!strcmp(verb, "hk_kmalloc")) {
		if (!args || sscanf(args, "%u %u", &a, &b) != 2)
			return -EINVAL;
		return mst_hk_kmalloc(a, b);
	}
	if (!strcmp(verb, "hk_kfree")) {
		mst_hk_kfree();
		return 0;
	}
	return -ENOIOCTLCMD;
}

static void mst_hk_slab_show(struct seq_file *m)
{
	if (mst_hk_cache)
		seq_printf(m, "hk_cache %s %u %u\n", mst_hk_cache_name,
			   mst_hk_cache_size, mst_hk_nr_objs);
	seq_printf(m, "hk_kmalloc %u %u\n", mst_hk_ksize, mst_hk_nr_kobjs);
}

const struct mst_handler mst_hkslab_handler = {
	.name = "hkslab",
	.run = mst_hk_slab_run,
	.show = mst_hk_slab_show,
	.release = mst_hk_slab_release,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope_test: the floor under memscope's hook cost, for scripts/bench.
 *
 *   floor 1   attach probes that return at once to the allocator
 *             tracepoints memscope's page and slab groups use on the hot
 *             path (mm_page_alloc, mm_page_free, kmalloc, kfree,
 *             kmem_cache_alloc, kmem_cache_free)
 *   floor 0   detach them
 *
 * With memscope not loaded, the bench's loops then pay for the tracepoint
 * calls alone: what any probe on these tracepoints costs, memscope's or
 * not. memscope's own share is what its probes cost above that. The
 * tracepoints are found by name, as memscope finds them (mm_page_alloc and
 * mm_page_free are not exported to modules in 6.1).
 */
#include <linux/gfp.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include <trace/events/kmem.h>

#include "mst.h"

#ifdef CONFIG_TRACEPOINTS
static void mst_floor_page_alloc(void *data, struct page *page, unsigned int order,
				 gfp_t gfp, int migratetype)
{
}

static void mst_floor_page_free(void *data, struct page *page, unsigned int order)
{
}

static void mst_floor_kmalloc(void *data, unsigned long call_site, const void *ptr,
			      size_t bytes_req, size_t bytes_alloc, gfp_t gfp, int node)
{
}

static void mst_floor_kmem_cache_alloc(void *data, unsigned long call_site,
				       const void *ptr, struct kmem_cache *s,
				       gfp_t gfp, int node)
{
}

static void mst_floor_kfree(void *data, unsigned long call_site, const void *ptr)
{
}

static void mst_floor_kmem_cache_free(void *data, unsigned long call_site,
				      const void *ptr, const struct kmem_cache *s)
{
}

static struct {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool attached;
} mst_floor_hooks[] = {
	{ "mm_page_alloc", mst_floor_page_alloc },
	{ "mm_page_free", mst_floor_page_free },
	{ "kmalloc", mst_floor_kmalloc },
	{ "kmem_cache_alloc", mst_floor_kmem_cache_alloc },
	{ "kfree", mst_floor_kfree },
	{ "kmem_cache_free", mst_floor_kmem_cache_free },
};

static void mst_floor_find(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mst_floor_hooks); i++)
		if (!strcmp(tp->name, mst_floor_hooks[i].name))
			mst_floor_hooks[i].tp = tp;
}

static void mst_floor_detach(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mst_floor_hooks); i++) {
		if (!mst_floor_hooks[i].attached)
			continue;
		tracepoint_probe_unregister(mst_floor_hooks[i].tp, mst_floor_hooks[i].probe, NULL);
		mst_floor_hooks[i].attached = false;
	}
	tracepoint_synchronize_unregister();
}

static int mst_floor_attach(void)
{
	unsigned int i;
	int ret;

	/* The prototypes must be the tracepoints': checked at build time. */
	check_trace_callback_type_mm_page_alloc(mst_floor_page_alloc);
	check_trace_callback_type_mm_page_free(mst_floor_page_free);
	check_trace_callback_type_kmalloc(mst_floor_kmalloc);
	check_trace_callback_type_kmem_cache_alloc(mst_floor_kmem_cache_alloc);
	check_trace_callback_type_kfree(mst_floor_kfree);
	check_trace_callback_type_kmem_cache_free(mst_floor_kmem_cache_free);

	for_each_kernel_tracepoint(mst_floor_find, NULL);
	for (i = 0; i < ARRAY_SIZE(mst_floor_hooks); i++) {
		if (mst_floor_hooks[i].attached)
			continue;
		if (!mst_floor_hooks[i].tp) {
			mst_floor_detach();
			return -ENOENT;
		}
		ret = tracepoint_probe_register(mst_floor_hooks[i].tp, mst_floor_hooks[i].probe,
						NULL);
		if (ret) {
			mst_floor_detach();
			return ret;
		}
		mst_floor_hooks[i].attached = true;
	}
	return 0;
}

#else
/* Without tracepoints there is no floor to measure (nor hooks above it). */
static int mst_floor_attach(void)
{
	return -EOPNOTSUPP;
}

static void mst_floor_detach(void)
{
}
#endif

static int mst_floor_run(const char *verb, char *args)
{
	if (strcmp(verb, "floor"))
		return -ENOIOCTLCMD;
	if (!args || (strcmp(args, "0") && strcmp(args, "1")))
		return -EINVAL;
	if (args[0] == '1')
		return mst_floor_attach();
	mst_floor_detach();
	return 0;
}

static void mst_floor_show(struct seq_file *m)
{
	unsigned int n = 0;
#ifdef CONFIG_TRACEPOINTS
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mst_floor_hooks); i++)
		n += mst_floor_hooks[i].attached;
#endif
	seq_printf(m, "floor %u\n", n);
}

const struct mst_handler mst_floor_handler = {
	.name = "floor",
	.run = mst_floor_run,
	.show = mst_floor_show,
	.release = mst_floor_detach,
};

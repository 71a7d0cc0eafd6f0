// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: tracepoint hooks on the page allocator, vmscan, compaction,
 * OOM and slab.
 *
 * This file finds the tracepoints, attaches and detaches the hook groups
 * (module parameters hooks_page, hooks_reclaim and hooks_slab, at load and
 * at run time) and implements hooks.h. The probes and their per-CPU
 * counters are in hooks_page.c, hooks_vmscan.c and hooks_slab.c.
 *
 * Only kmalloc, kmem_cache_alloc, kfree and kmem_cache_free are exported
 * tracepoints in 6.1, so every tracepoint is looked up by name with
 * for_each_kernel_tracepoint() and attached with
 * tracepoint_probe_register(), the same way for all. A tracepoint the
 * kernel lacks is reported in the views, not fatal.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>

#include "hooks.h"
#include "hooks_internal.h"
#include "memscope.h"

static struct ms_hook_group *const ms_groups[] = {
	&ms_page_group, &ms_reclaim_group, &ms_slab_group,
};

/* Attaching is allowed: set between start and stop, under ms_hooks_lock. */
static bool ms_hooks_running;
/* hooks.h readers may touch the per-CPU data (checked under RCU). */
static bool ms_hooks_data_live;

#ifdef CONFIG_TRACEPOINTS
static void ms_tp_find(struct tracepoint *tp, void *priv)
{
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(ms_groups); i++)
		for (j = 0; j < ms_groups[i]->nr_hooks; j++)
			if (!strcmp(tp->name, ms_groups[i]->hooks[j].name))
				ms_groups[i]->hooks[j].tp = tp;
}

static void ms_group_detach(struct ms_hook_group *g)
{
	unsigned int i;

	for (i = 0; i < g->nr_hooks; i++) {
		struct ms_tp_hook *h = &g->hooks[i];

		if (h->attached)
			WARN_ON_ONCE(tracepoint_probe_unregister(h->tp, h->probe, NULL));
		h->attached = false;
	}
	g->on = false;
}

static void ms_group_attach(struct ms_hook_group *g)
{
	unsigned int i;
	int ret;

	/* No probe of this group runs now: forget per-task state. */
	if (g->reset)
		g->reset();
	for (i = 0; i < g->nr_hooks; i++) {
		struct ms_tp_hook *h = &g->hooks[i];

		if (!h->tp || !h->probe)
			continue;
		ret = tracepoint_probe_register(h->tp, h->probe, NULL);
		if (ret)
			pr_warn("cannot attach to tracepoint %s (%d)\n", h->name, ret);
		h->attached = !ret;
	}
	g->on = true;
}

static void ms_tp_lookup(void)
{
	for_each_kernel_tracepoint(ms_tp_find, NULL);
}

static void ms_tp_sync(void)
{
	tracepoint_synchronize_unregister();
}
#else
/* Without CONFIG_TRACEPOINTS nothing can be attached; the views say so. */
static void ms_group_detach(struct ms_hook_group *g)
{
	g->on = false;
}

static void ms_group_attach(struct ms_hook_group *g)
{
	g->on = true;
}

static void ms_tp_lookup(void)
{
}

static void ms_tp_sync(void)
{
}
#endif

/* Switch a group on or off; ms_hooks_lock held. */
static void ms_group_set(struct ms_hook_group *g, bool on)
{
	g->want = on;
	if (!ms_hooks_running || g->on == on)
		return;
	if (on) {
		ms_group_attach(g);
	} else {
		ms_group_detach(g);
		/* Probes still running elsewhere finish before a re-attach resets. */
		ms_tp_sync();
	}
}

static int ms_param_set(const char *val, const struct kernel_param *kp)
{
	struct ms_hook_group *g = kp->arg;
	bool on;
	int ret;

	ret = kstrtobool(val, &on);
	if (ret)
		return ret;
	mutex_lock(&ms_hooks_lock);
	ms_group_set(g, on);
	mutex_unlock(&ms_hooks_lock);
	return 0;
}

static int ms_param_get(char *buffer, const struct kernel_param *kp)
{
	const struct ms_hook_group *g = kp->arg;

	return scnprintf(buffer, PAGE_SIZE, "%c\n", READ_ONCE(g->want) ? 'Y' : 'N');
}

static const struct kernel_param_ops ms_param_ops = {
	.set = ms_param_set,
	.get = ms_param_get,
};

module_param_cb(hooks_page, &ms_param_ops, &ms_page_group, 0644);
MODULE_PARM_DESC(hooks_page,
		 "page-allocator tracepoints for the alloc view (default Y)");
module_param_cb(hooks_reclaim, &ms_param_ops, &ms_reclaim_group, 0644);
MODULE_PARM_DESC(hooks_reclaim,
		 "vmscan, compaction and OOM tracepoints for the reclaim view and pressure (default Y)");
module_param_cb(hooks_slab, &ms_param_ops, &ms_slab_group, 0644);
MODULE_PARM_DESC(hooks_slab,
		 "kmalloc/kmem_cache tracepoints for the slab view (default Y)");

/* ---- hooks.h ---- */

/**
 * ms_hooks_reclaim_totals() - reclaim and failure totals since load
 * @t: filled with the sum of every CPU's counters
 *
 * Zeros while the hooks' per-CPU data is not live (before
 * ms_hooks_prepare() has set it up, and from the point where
 * ms_hooks_exit() takes it away); a group switched off keeps its totals
 * as they stood. The data is read inside an RCU read-side section, which
 * ms_hooks_exit() waits out before freeing it.
 *
 * Context: any context; takes no lock. The sampler's thread calls it, in
 * process context.
 */
void ms_hooks_reclaim_totals(struct ms_reclaim_totals *t)
{
	memset(t, 0, sizeof(*t));
	rcu_read_lock();
	/* Pairs with the release in ms_hooks_prepare(): the data is set up. */
	if (smp_load_acquire(&ms_hooks_data_live))
		ms_reclaim_totals_fill(t);
	rcu_read_unlock();
}

/**
 * ms_hooks_take_max_stall() - longest stalls since the previous call
 * @reclaim_ns: set to the longest direct-reclaim stall, in ns
 * @compact_ns: set to the longest direct-compaction stall, in ns
 *
 * Reads and resets every CPU's maximum: a single consumer, the pressure
 * evaluation, drains them. Both are 0 while the hooks' data is not set up.
 *
 * Context: any context; takes no lock (RCU and xchg()). Called by the
 * sampler's thread, in process context.
 */
void ms_hooks_take_max_stall(u64 *reclaim_ns, u64 *compact_ns)
{
	*reclaim_ns = 0;
	*compact_ns = 0;
	rcu_read_lock();
	/* Pairs with the release in ms_hooks_prepare(). */
	if (smp_load_acquire(&ms_hooks_data_live))
		ms_reclaim_take_max(reclaim_ns, compact_ns);
	rcu_read_unlock();
}

/**
 * ms_hooks_kswapd_awake() - whether a node's kswapd is balancing now
 * @nid: the node
 *
 * Context: any context; takes no lock (RCU). Called by the sampler's
 * thread, in process context.
 * Return: true if the reclaim group is on and kswapd of @nid has passed
 * mm_vmscan_kswapd_wake but not yet mm_vmscan_kswapd_sleep.
 */
bool ms_hooks_kswapd_awake(int nid)
{
	bool awake = false;

	rcu_read_lock();
	/* Pairs with the release in ms_hooks_prepare(). */
	if (smp_load_acquire(&ms_hooks_data_live) && READ_ONCE(ms_reclaim_group.on))
		awake = ms_reclaim_kswapd_awake(nid);
	rcu_read_unlock();
	return awake;
}

/* ---- start and stop (main.c's ms_features[]) ---- */

static void ms_hooks_free_data(void)
{
	ms_slab_data_free();
	ms_reclaim_data_free();
	ms_page_data_free();
}

/**
 * ms_hooks_prepare() - set up the hooks and attach the groups that are on
 *
 * Description:
 * Allocates every group's per-CPU data and the views' buffers, looks the
 * tracepoints up and attaches the probes of each group whose parameter is
 * on. Runs after the pressure feature's prepare step, since probes ask
 * its sampler for evaluations (sample_request.h). On failure it undoes
 * its own work.
 *
 * Context: process context (module init); may sleep. Takes ms_hooks_lock.
 * Return: 0, or -ENOMEM.
 */
int ms_hooks_prepare(void)
{
	unsigned int i;
	int ret;

	ms_hooks_load_ns = ktime_get_ns();
	ret = ms_page_data_init();
	if (!ret)
		ret = ms_reclaim_data_init();
	if (!ret)
		ret = ms_slab_data_init();
	if (!ret)
		ret = ms_alloc_view_init();
	if (!ret)
		ret = ms_reclaim_view_init();
	if (!ret)
		ret = ms_slab_view_init();
	if (ret)
		goto fail;
	ms_tp_lookup();
	/* hooks.h readers see the data set up before they see it live. */
	smp_store_release(&ms_hooks_data_live, true);

	mutex_lock(&ms_hooks_lock);
	ms_hooks_running = true;
	for (i = 0; i < ARRAY_SIZE(ms_groups); i++)
		if (ms_groups[i]->want)
			ms_group_attach(ms_groups[i]);
	mutex_unlock(&ms_hooks_lock);
	return 0;

fail:
	ms_slab_view_exit();
	ms_reclaim_view_exit();
	ms_alloc_view_exit();
	ms_hooks_free_data();
	return ret;
}

/**
 * ms_hooks_exit() - detach every probe and free the hooks' data
 *
 * Description:
 * Detaches the groups under ms_hooks_lock (a parameter written from then
 * on is only recorded), waits until no probe runs and no hooks.h reader
 * (RCU) can see the data, then frees the views' buffers and the per-CPU
 * data. Runs after the debugfs files are gone and before the pressure
 * feature stops.
 *
 * Context: process context (module exit or a failed init); sleeps.
 */
void ms_hooks_exit(void)
{
	unsigned int i;

	mutex_lock(&ms_hooks_lock);
	/* A parameter written from now on is only recorded. */
	ms_hooks_running = false;
	for (i = 0; i < ARRAY_SIZE(ms_groups); i++)
		if (ms_groups[i]->on)
			ms_group_detach(ms_groups[i]);
	mutex_unlock(&ms_hooks_lock);
	/* No probe runs past this point... */
	ms_tp_sync();
	/* ...and no hooks.h reader (pressure stops after us). */
	WRITE_ONCE(ms_hooks_data_live, false);
	synchronize_rcu();

	ms_slab_view_exit();
	ms_reclaim_view_exit();
	ms_alloc_view_exit();
	ms_hooks_free_data();
}

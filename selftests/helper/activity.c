// SPDX-License-Identifier: GPL-2.0
/*
 * memscope_test: reclaim activity on request, for the pressure level's
 * activity rules (Documentation/memscope.rst, "Pressure levels").
 *
 * The small guests have no swap and, once caches are dropped, nothing to
 * reclaim: a reclaim window at exactly 60% or 95% efficiency, or a direct
 * reclaim stall with nothing else going on, cannot be made for real. These
 * verbs fire the kernel's own vmscan tracepoints instead: they find the
 * tracepoint by name (for_each_kernel_tracepoint()) and call every probe
 * registered on it with chosen arguments, as trace_<event>() would. So
 * memscope's real probes and rules run; only the event is staged.
 *
 *   tp_lru SCANNED RECLAIMED   mm_vmscan_lru_shrink_inactive on the first
 *                              online node, file LRU, DEF_PRIORITY
 *   tp_direct ORDER RECLAIMED  mm_vmscan_direct_reclaim_begin (GFP_KERNEL)
 *                              then mm_vmscan_direct_reclaim_end: one
 *                              direct reclaim stall of the writing task
 *   tp_has NAME                0 if the kernel has tracepoint NAME, else
 *                              -ENOENT: a kernel fact tests may skip on
 *   kswapd_failures NID N      sets NODE_DATA(NID)->kswapd_failures to N,
 *                              below MAX_RECLAIM_RETRIES (16) only, so
 *                              kswapd keeps being woken; kswapd clears it
 *                              again as soon as it reclaims a page
 * Shown as "kswapd_failures NID N" for every online node, read from the
 * kernel's own field. A tracepoint the kernel does not have (no
 * CONFIG_TRACEPOINTS) makes its verb fail with ENOENT.
 */
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/tracepoint.h>
#include <linux/vmstat.h>

#include "compat/reclaim_state.h"
#include "mst.h"

/* kswapd stops being woken at MAX_RECLAIM_RETRIES, private to mm/. */
#define MST_KSWAPD_FAILURES_MAX 15

struct mst_tp_find {
	const char *name;
	struct tracepoint *tp;
};

static void mst_tp_match(struct tracepoint *tp, void *priv)
{
	struct mst_tp_find *f = priv;

	if (!strcmp(tp->name, f->name))
		f->tp = tp;
}

/* NULL on a kernel without tracepoints: the verbs then say -ENOENT. */
static struct tracepoint *mst_tp_lookup(const char *name)
{
	struct mst_tp_find f = { .name = name };

	if (IS_ENABLED(CONFIG_TRACEPOINTS))
		for_each_kernel_tracepoint(mst_tp_match, &f);
	return f.tp;
}

/*
 * Call each probe of @name the way __DO_TRACE() does: preemption off, so
 * the probe array cannot be freed under us (tracepoints free it after a
 * sched-RCU grace period).
 */
#define MST_TP_FIRE(name, proto, ...)						\
({										\
	struct tracepoint *__tp = mst_tp_lookup(name);				\
	struct tracepoint_func *__f;						\
	int __n = 0;								\
										\
	if (__tp) {								\
		preempt_disable();						\
		__f = rcu_dereference_sched(__tp->funcs);			\
		for (; __f && __f->func; __f++, __n++)				\
			((void (*)proto)__f->func)(__f->data, __VA_ARGS__);	\
		preempt_enable();						\
	}									\
	__tp ? __n : -ENOENT;							\
})

static int mst_fire_lru(unsigned long scanned, unsigned long reclaimed)
{
	struct reclaim_stat stat = {};
	int n;

	n = MST_TP_FIRE("mm_vmscan_lru_shrink_inactive",
			(void *, int, unsigned long, unsigned long, struct reclaim_stat *,
			 int, int),
			first_online_node, scanned, reclaimed, &stat, DEF_PRIORITY, 1);
	return n < 0 ? n : 0;
}

static int mst_fire_direct(int order, unsigned long reclaimed)
{
	int n;

	n = MST_TP_FIRE("mm_vmscan_direct_reclaim_begin", (void *, int, gfp_t),
			order, GFP_KERNEL);
	if (n < 0)
		return n;
	n = MST_TP_FIRE("mm_vmscan_direct_reclaim_end", (void *, unsigned long), reclaimed);
	return n < 0 ? n : 0;
}

static int mst_activity_run(const char *verb, char *args)
{
	unsigned long a, b;
	char *second = args;

	if (!strcmp(verb, "tp_has"))
		return args && mst_tp_lookup(args) ? 0 : -ENOENT;
	if (strcmp(verb, "tp_lru") && strcmp(verb, "tp_direct") &&
	    strcmp(verb, "kswapd_failures"))
		return -ENOIOCTLCMD;
	if (!args || !strsep(&second, " ") || !second || kstrtoul(args, 0, &a) ||
	    kstrtoul(second, 0, &b))
		return -EINVAL;
	if (!strcmp(verb, "tp_lru"))
		return mst_fire_lru(a, b);
	if (!strcmp(verb, "tp_direct"))
		return a < MS_NR_PAGE_ORDERS ? mst_fire_direct(a, b) : -EINVAL;
	if (a >= nr_node_ids || !node_online(a) || b > MST_KSWAPD_FAILURES_MAX)
		return -EINVAL;
	ms_pgdat_kswapd_failures_set(NODE_DATA(a), b);
	return 0;
}

static void mst_activity_show(struct seq_file *m)
{
	int nid;

	for_each_online_node(nid)
		seq_printf(m, "kswapd_failures %d %d\n", nid,
			   ms_pgdat_kswapd_failures(NODE_DATA(nid)));
}

static void mst_activity_release(void)
{
}

const struct mst_handler mst_activity_handler = {
	.name = "activity",
	.run = mst_activity_run,
	.show = mst_activity_show,
	.release = mst_activity_release,
};

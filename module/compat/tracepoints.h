/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope compat: tracepoints whose prototypes changed.
 *
 * A probe must have exactly the prototype of its tracepoint. Where that
 * changed, the probe's body keeps one signature and a shim with the
 * kernel's prototype, defined here, calls it: MS_TP_<EVENT>(body) defines
 * body_tp(), which is what gets registered and checked against TP_PROTO.
 * Detected by compiling, not by version (probes/tp_*.c):
 *  - mark_victim: (task, uid) since 6.8 and in stable backports (Debian's
 *    6.1.y has it), (pid) before; the body takes no argument;
 *  - mm_vmscan_direct_reclaim_begin/_end: (gfp_flags, order, memcg) and
 *    (nr_reclaimed, memcg) since 7.1, (order, gfp_flags) and (nr_reclaimed)
 *    before; the bodies take (order, gfp) and (nr_reclaimed).
 * The kmem events memscope hooks (page allocator, slab) kept their shape
 * from 6.1 to 7.3; their probes are checked with check_trace_callback_type
 * where they are defined.
 */
#ifndef _MEMSCOPE_COMPAT_TRACEPOINTS_H
#define _MEMSCOPE_COMPAT_TRACEPOINTS_H

#include <linux/types.h>

#include "compat/have.h"

struct mem_cgroup;
struct task_struct;

#ifdef HAVE_TP_MARK_VICTIM_TASK
#define MS_TP_MARK_VICTIM(body)						\
static void body##_tp(void *data, struct task_struct *task, uid_t uid)	\
{									\
	body(data);							\
}
#else
#define MS_TP_MARK_VICTIM(body)						\
static void body##_tp(void *data, int pid)				\
{									\
	body(data);							\
}
#endif

#ifdef HAVE_TP_DIRECT_RECLAIM_MEMCG
#define MS_TP_DIRECT_RECLAIM_BEGIN(body)				\
static void body##_tp(void *data, gfp_t gfp, int order,		\
		      struct mem_cgroup *memcg)				\
{									\
	body(data, order, gfp);						\
}

#define MS_TP_DIRECT_RECLAIM_END(body)					\
static void body##_tp(void *data, unsigned long nr_reclaimed,		\
		      struct mem_cgroup *memcg)				\
{									\
	body(data, nr_reclaimed);					\
}
#else
#define MS_TP_DIRECT_RECLAIM_BEGIN(body)				\
static void body##_tp(void *data, int order, gfp_t gfp)		\
{									\
	body(data, order, gfp);						\
}

#define MS_TP_DIRECT_RECLAIM_END(body)					\
static void body##_tp(void *data, unsigned long nr_reclaimed)		\
{									\
	body(data, nr_reclaimed);					\
}
#endif

#endif /* _MEMSCOPE_COMPAT_TRACEPOINTS_H */

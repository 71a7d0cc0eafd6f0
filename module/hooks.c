// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: tracepoint hooks on the page allocator, vmscan, compaction,
 * OOM and slab. (Skeleton: the interface of hooks.h, not attached yet.)
 */
#include <linux/string.h>

#include "hooks.h"
#include "memscope.h"

void ms_hooks_reclaim_totals(struct ms_reclaim_totals *t)
{
	memset(t, 0, sizeof(*t));
}

void ms_hooks_take_max_stall(u64 *reclaim_ns, u64 *compact_ns)
{
	*reclaim_ns = 0;
	*compact_ns = 0;
}

bool ms_hooks_kswapd_awake(int nid)
{
	return false;
}

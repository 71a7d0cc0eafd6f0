// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_TP_DIRECT_RECLAIM_MEMCG: mm_vmscan_direct_reclaim_begin passes
 * (gfp_flags, order, memcg) and _end (nr_reclaimed, memcg) (7.1), instead
 * of (order, gfp_flags) and (nr_reclaimed).
 */
#include <linux/memcontrol.h>
#include <trace/events/vmscan.h>

void ms_probe_begin(void *data, gfp_t gfp, int order, struct mem_cgroup *memcg);
void ms_probe_begin(void *data, gfp_t gfp, int order, struct mem_cgroup *memcg)
{
}

void ms_probe_end(void *data, unsigned long nr, struct mem_cgroup *memcg);
void ms_probe_end(void *data, unsigned long nr, struct mem_cgroup *memcg)
{
}

void ms_probe(void);
void ms_probe(void)
{
	check_trace_callback_type_mm_vmscan_direct_reclaim_begin(ms_probe_begin);
	check_trace_callback_type_mm_vmscan_direct_reclaim_end(ms_probe_end);
}

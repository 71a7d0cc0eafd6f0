/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope compat: reclaim state of a node that memscope reads.
 *
 * pgdat->kswapd_failures, the count of kswapd runs that reclaimed nothing,
 * is an int up to at least 6.12 and an atomic_t in 7.3 (probes/
 * pgdat_kswapd_failures_atomic.c).
 */
#ifndef _MEMSCOPE_COMPAT_RECLAIM_STATE_H
#define _MEMSCOPE_COMPAT_RECLAIM_STATE_H

#include <linux/atomic.h>
#include <linux/mmzone.h>

#include "compat/have.h"

/**
 * ms_pgdat_kswapd_failures() - kswapd's failed runs on a node
 * @pgdat: the node
 *
 * Context: any context; a racy read, as the kernel's own readers do.
 * Return: the count; 0 once kswapd has reclaimed something again.
 */
static inline int ms_pgdat_kswapd_failures(pg_data_t *pgdat)
{
#ifdef HAVE_PGDAT_KSWAPD_FAILURES_ATOMIC
	return atomic_read(&pgdat->kswapd_failures);
#else
	return READ_ONCE(pgdat->kswapd_failures);
#endif
}

/**
 * ms_pgdat_kswapd_failures_set() - set kswapd's failed runs on a node
 * @pgdat: the node
 * @n: the count
 *
 * For the selftests' helper module only (selftests/helper/activity.c),
 * which stages a kswapd that keeps failing; memscope itself never writes
 * kernel state.
 *
 * Context: any context.
 */
static inline void ms_pgdat_kswapd_failures_set(pg_data_t *pgdat, int n)
{
#ifdef HAVE_PGDAT_KSWAPD_FAILURES_ATOMIC
	atomic_set(&pgdat->kswapd_failures, n);
#else
	WRITE_ONCE(pgdat->kswapd_failures, n);
#endif
}

#endif /* _MEMSCOPE_COMPAT_RECLAIM_STATE_H */

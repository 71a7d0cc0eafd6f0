// SPDX-License-Identifier: GPL-2.0
/* HAVE_PGDAT_KSWAPD_FAILURES_ATOMIC: pgdat->kswapd_failures is an atomic_t. */
#include <linux/atomic.h>
#include <linux/mmzone.h>

int ms_probe(pg_data_t *pgdat);
int ms_probe(pg_data_t *pgdat)
{
	return atomic_read(&pgdat->kswapd_failures);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool: the "alloc" view's per-order rows since load, parsed
 * (module/hooks_alloc_view.c): "order load ORDER ALLOCS FREES FAILS
 * FAILS_NOWARN PCP_DRAINED". The zone, migratetype and extfrag tables
 * are not needed by any subcommand yet and are skipped.
 */
#ifndef MEMSCOPE_MSPARSE_ALLOC_H
#define MEMSCOPE_MSPARSE_ALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "msparse_buddy.h"	/* MS_MAX_ORDERS */

struct ms_alloc {
	bool hooks_on;		/* "# hooks_page on" */
	int nr_orders;		/* rows seen: highest order + 1 */
	uint64_t allocs[MS_MAX_ORDERS];
	uint64_t frees[MS_MAX_ORDERS];
	uint64_t fails[MS_MAX_ORDERS];	/* fails_nowarn included */
	uint64_t fails_nowarn[MS_MAX_ORDERS];
};

/* Parse @text (cut in place); 0, or -1 without any "order load" row. */
int ms_parse_alloc(char *text, struct ms_alloc *a);

#endif /* MEMSCOPE_MSPARSE_ALLOC_H */

// SPDX-License-Identifier: GPL-2.0
/* memscope tool: rank the reserved view's owners by size. */
#include <string.h>

#include "msparse_text.h"
#include "reserved_rank.h"

int ms_reserved_ranked(const struct ms_reserved *r, struct ms_reserved_row *rows)
{
	struct ms_reserved_row t;
	int n = 0, i, k;

	for (i = 0; i < r->nr_owners; i++)
		rows[n++] = r->owner[i];
	if (r->unattributed_kib) {
		memset(&rows[n], 0, sizeof(rows[n]));
		ms_copy(rows[n].name, sizeof(rows[n].name), "unattributed");
		rows[n].kib = r->unattributed_kib;
		rows[n].pages = r->unattributed_pages;
		n++;
	}
	/*
	 * Insertion sort: stable, and there are a dozen rows. An unknown
	 * size ("?": the owners overlap) goes last, not first.
	 */
	for (i = 1; i < n; i++) {
		t = rows[i];
		for (k = i; k > 0 && (rows[k - 1].kib == MS_UNKNOWN ||
				      (t.kib != MS_UNKNOWN && rows[k - 1].kib < t.kib)); k--)
			rows[k] = rows[k - 1];
		rows[k] = t;
	}
	return n;
}

double ms_reserved_share(const struct ms_reserved *r, uint64_t kib)
{
	if (!r->physical_kib || r->physical_kib == MS_UNKNOWN || kib == MS_UNKNOWN)
		return -1;
	return 100.0 * (double)kib / (double)r->physical_kib;
}

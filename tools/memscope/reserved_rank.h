/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool: the reserved view's owners ordered biggest first, for
 * status's top five and the reserved table. The unattributed remainder
 * is ranked with them: "nobody we know" can be the biggest holder.
 */
#ifndef MEMSCOPE_RESERVED_RANK_H
#define MEMSCOPE_RESERVED_RANK_H

#include "msparse_reserved.h"

/*
 * Fill @rows (room for MS_MAX_OWNERS + 1) with @r's owners and, when not
 * zero, the unattributed row, biggest first (equal sizes keep the view's
 * order, a size of MS_UNKNOWN comes last). Returns the number of rows.
 */
int ms_reserved_ranked(const struct ms_reserved *r, struct ms_reserved_row *rows);

/* @kib as a percentage of physical RAM, or -1 when that is unknown. */
double ms_reserved_share(const struct ms_reserved *r, uint64_t kib);

#endif /* MEMSCOPE_RESERVED_RANK_H */

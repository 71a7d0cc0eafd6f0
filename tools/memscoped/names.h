/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscoped: names of the numbers in the /dev/memscope ABI (levels,
 * trigger kinds, reasons, watermarks), for logs, metrics labels and the
 * config file. Numbers a newer kernel adds map to "unknown", so labels
 * stay a small, fixed set.
 */
#ifndef MEMSCOPED_NAMES_H
#define MEMSCOPED_NAMES_H

#include <stdint.h>

#include "abi_names.h"		/* the module's words (module/abi_names.c) */

#define MSD_NR_LEVELS	MEMSCOPE_NR_LEVELS	/* none .. oom */
#define MSD_NR_KINDS	MEMSCOPE_NR_KINDS	/* 0 (unknown), LEVEL .. OOM */
#define MSD_NR_REASONS	MEMSCOPE_NR_REASONS	/* 0 (unknown), FIRED, CLEARED */

const char *msd_level_name(uint32_t level);
const char *msd_kind_name(uint32_t kind);
const char *msd_reason_name(uint32_t reason);
const char *msd_wmark_name(uint32_t wmark);

/* Index into per-kind and per-reason tables: 0 for numbers not known. */
unsigned int msd_kind_index(uint32_t kind);
unsigned int msd_reason_index(uint32_t reason);

/* "low" -> 1 ... "oom" -> 4; -1 for anything else ("none" included). */
int msd_level_parse(const char *name);

#endif /* MEMSCOPED_NAMES_H */

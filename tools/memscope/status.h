/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool: "memscope status", split in the data both outputs share
 * (cmd_status.c), the 80x24 text screen (status_text.c) and --json
 * (status_json.c).
 */
#ifndef MEMSCOPE_STATUS_H
#define MEMSCOPE_STATUS_H

#include <stdio.h>

#include "snapshot.h"

/* Reserved owners and events status shows, so the screen fits 80x24. */
#define MS_STATUS_OWNERS 5
#define MS_STATUS_EVENTS 5

/* The highest order with a free block in zone @z, -1 for none, -2 unknown. */
int ms_status_top_order(const struct ms_snapshot *s, const struct ms_zone_pressure *z);

/* The level's word, "?" for a level the view did not give. */
const char *ms_status_level_word(int level);

void ms_status_text(FILE *f, const struct ms_snapshot *s);
void ms_status_json(FILE *f, const struct ms_snapshot *s);

#endif /* MEMSCOPE_STATUS_H */

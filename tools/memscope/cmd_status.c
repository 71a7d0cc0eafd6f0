// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: "memscope status [--json]". Reads pressure, buddy,
 * reserved and events; prints one screen (or JSON) and exits with the
 * system level so a script can branch on it without parsing anything.
 */
#include <stdlib.h>
#include <string.h>

#include "abi_names.h"
#include "commands.h"
#include "status.h"

int ms_status_top_order(const struct ms_snapshot *s, const struct ms_zone_pressure *z)
{
	const struct ms_buddy_zone *bz;
	int i;

	if (!(s->have & MS_VIEW_BUDDY))
		return -2;
	for (i = 0; i < s->buddy.nr_zones; i++) {
		bz = &s->buddy.zone[i];
		if (bz->node == z->node && !strcmp(bz->zone, z->zone))
			return ms_buddy_highest_order(&s->buddy, bz);
	}
	return -2;
}

const char *ms_status_level_word(int level)
{
	const char *w = level >= 0 ? ms_level_name((__u32)level) : NULL;

	return w ? w : "?";
}

int ms_cmd_status(const struct ms_options *o)
{
	struct ms_snapshot *s;
	int ret;

	/* About 10 KiB: kept off the stack of small boards' main thread. */
	s = malloc(sizeof(*s));
	if (!s)
		return MS_EXIT_ERROR;
	ms_snapshot_load(s, &o->roots, MS_VIEW_PRESSURE | MS_VIEW_BUDDY |
			 MS_VIEW_RESERVED | MS_VIEW_EVENTS);
	if (o->json)
		ms_status_json(stdout, s);
	else
		ms_status_text(stdout, s);
	/* Without the pressure view there is no level to exit with. */
	ret = s->have & MS_VIEW_PRESSURE ? s->pressure.level : MS_EXIT_ERROR;
	free(s);
	if (fflush(stdout))
		return MS_EXIT_ERROR;
	return ret;
}

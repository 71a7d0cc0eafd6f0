// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped: names of the numbers in the /dev/memscope ABI.
 */
#include <string.h>

#include <linux/memscope.h>

#include "names.h"

static const char *const level_names[MSD_NR_LEVELS] = {
	[MEMSCOPE_LEVEL_NONE] = "none",
	[MEMSCOPE_LEVEL_LOW] = "low",
	[MEMSCOPE_LEVEL_MEDIUM] = "medium",
	[MEMSCOPE_LEVEL_CRITICAL] = "critical",
	[MEMSCOPE_LEVEL_OOM] = "oom",
};

static const char *const kind_names[MSD_NR_KINDS] = {
	[0] = "unknown",
	[MEMSCOPE_TRIG_LEVEL] = "level",
	[MEMSCOPE_TRIG_AVAILABLE] = "available",
	[MEMSCOPE_TRIG_HEADROOM] = "headroom",
	[MEMSCOPE_TRIG_ORDER] = "order",
	[MEMSCOPE_TRIG_STALL] = "stall",
	[MEMSCOPE_TRIG_ALLOC_FAIL] = "alloc_fail",
	[MEMSCOPE_TRIG_OOM] = "oom",
};

static const char *const reason_names[MSD_NR_REASONS] = {
	[0] = "unknown",
	[MEMSCOPE_REASON_FIRED] = "fired",
	[MEMSCOPE_REASON_CLEARED] = "cleared",
};

static const char *const wmark_names[] = {
	[MEMSCOPE_WMARK_MIN] = "min",
	[MEMSCOPE_WMARK_LOW] = "low",
	[MEMSCOPE_WMARK_HIGH] = "high",
};

const char *msd_level_name(uint32_t level)
{
	return level < MSD_NR_LEVELS ? level_names[level] : "unknown";
}

unsigned int msd_kind_index(uint32_t kind)
{
	return kind < MSD_NR_KINDS ? kind : 0;
}

unsigned int msd_reason_index(uint32_t reason)
{
	return reason < MSD_NR_REASONS ? reason : 0;
}

const char *msd_kind_name(uint32_t kind)
{
	return kind_names[msd_kind_index(kind)];
}

const char *msd_reason_name(uint32_t reason)
{
	return reason_names[msd_reason_index(reason)];
}

const char *msd_wmark_name(uint32_t wmark)
{
	return wmark < sizeof(wmark_names) / sizeof(wmark_names[0]) ?
	       wmark_names[wmark] : "unknown";
}

int msd_level_parse(const char *name)
{
	for (int i = MEMSCOPE_LEVEL_LOW; i < MSD_NR_LEVELS; i++)
		if (!strcmp(name, level_names[i]))
			return i;
	return -1;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped: names of the numbers in the /dev/memscope ABI. The words are
 * the module's own (module/abi_names.c); this file adds what a daemon needs
 * on top: "unknown" for a number a newer kernel may add, so that log words
 * and metric labels stay a small, fixed set.
 */
#include <string.h>

#include "names.h"

static const char *known(const char *word)
{
	return word ? word : "unknown";
}

const char *msd_level_name(uint32_t level)
{
	return known(ms_level_name(level));
}

unsigned int msd_kind_index(uint32_t kind)
{
	return ms_kind_name(kind) ? kind : 0;
}

unsigned int msd_reason_index(uint32_t reason)
{
	return ms_reason_name(reason) ? reason : 0;
}

const char *msd_kind_name(uint32_t kind)
{
	return known(ms_kind_name(kind));
}

const char *msd_reason_name(uint32_t reason)
{
	return known(ms_reason_name(reason));
}

const char *msd_wmark_name(uint32_t wmark)
{
	return known(ms_wmark_name(wmark));
}

int msd_level_parse(const char *name)
{
	int level = ms_level_lookup(name, strlen(name));

	return level > MEMSCOPE_LEVEL_NONE ? level : -1;
}

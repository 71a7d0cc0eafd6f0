// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: the words for the numbers of the /dev/memscope ABI
 * (abi_names.h). The indexes are the uapi values, so a word cannot drift away
 * from its number; "none" is a level too (the views print it), though no
 * trigger can ask for it.
 */
#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <string.h>
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#include "abi_names.h"

static const char * const ms_level_words[MEMSCOPE_NR_LEVELS] = {
	[MEMSCOPE_LEVEL_NONE] = "none",
	[MEMSCOPE_LEVEL_LOW] = "low",
	[MEMSCOPE_LEVEL_MEDIUM] = "medium",
	[MEMSCOPE_LEVEL_CRITICAL] = "critical",
	[MEMSCOPE_LEVEL_OOM] = "oom",
};

static const char * const ms_kind_words[MEMSCOPE_NR_KINDS] = {
	[MEMSCOPE_TRIG_LEVEL] = "level",
	[MEMSCOPE_TRIG_AVAILABLE] = "available",
	[MEMSCOPE_TRIG_HEADROOM] = "headroom",
	[MEMSCOPE_TRIG_ORDER] = "order",
	[MEMSCOPE_TRIG_STALL] = "stall",
	[MEMSCOPE_TRIG_ALLOC_FAIL] = "alloc_fail",
	[MEMSCOPE_TRIG_OOM] = "oom",
};

static const char * const ms_reason_words[MEMSCOPE_NR_REASONS] = {
	[MEMSCOPE_REASON_FIRED] = "fired",
	[MEMSCOPE_REASON_CLEARED] = "cleared",
};

static const char * const ms_wmark_words[MEMSCOPE_NR_WMARKS] = {
	[MEMSCOPE_WMARK_MIN] = "min",
	[MEMSCOPE_WMARK_LOW] = "low",
	[MEMSCOPE_WMARK_HIGH] = "high",
};

static const char *ms_word(const char * const *words, size_t n, __u32 i)
{
	return i < n ? words[i] : NULL;
}

static int ms_lookup(const char * const *words, size_t n, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (words[i] && strlen(words[i]) == len && !memcmp(words[i], s, len))
			return (int)i;
	return -1;
}

/**
 * ms_level_name() - the word for a pressure level
 * @level: MEMSCOPE_LEVEL_*
 *
 * Return: "none" ... "oom", or NULL for a number that is not a level.
 */
const char *ms_level_name(__u32 level)
{
	return ms_word(ms_level_words, ARRAY_SIZE(ms_level_words), level);
}

/**
 * ms_kind_name() - the word for a trigger kind, as the text commands spell it
 * @kind: MEMSCOPE_TRIG_*
 *
 * Return: "level" ... "oom", or NULL for a number that is not a kind.
 */
const char *ms_kind_name(__u32 kind)
{
	return ms_word(ms_kind_words, ARRAY_SIZE(ms_kind_words), kind);
}

/**
 * ms_reason_name() - the word for a record's reason
 * @reason: MEMSCOPE_REASON_*
 *
 * Return: "fired" or "cleared", or NULL for any other number.
 */
const char *ms_reason_name(__u32 reason)
{
	return ms_word(ms_reason_words, ARRAY_SIZE(ms_reason_words), reason);
}

/**
 * ms_wmark_name() - the word for a zone watermark
 * @wmark: MEMSCOPE_WMARK_*
 *
 * Return: "min", "low" or "high", or NULL for any other number.
 */
const char *ms_wmark_name(__u32 wmark)
{
	return ms_word(ms_wmark_words, ARRAY_SIZE(ms_wmark_words), wmark);
}

/**
 * ms_level_lookup() - the level a word names
 * @s: the word, not NUL-terminated
 * @len: its length
 *
 * Return: MEMSCOPE_LEVEL_NONE ... MEMSCOPE_LEVEL_OOM, or -1.
 */
int ms_level_lookup(const char *s, size_t len)
{
	return ms_lookup(ms_level_words, ARRAY_SIZE(ms_level_words), s, len);
}

/**
 * ms_wmark_lookup() - the watermark a word names
 * @s: the word, not NUL-terminated
 * @len: its length
 *
 * Return: MEMSCOPE_WMARK_MIN ... MEMSCOPE_WMARK_HIGH, or -1.
 */
int ms_wmark_lookup(const char *s, size_t len)
{
	return ms_lookup(ms_wmark_words, ARRAY_SIZE(ms_wmark_words), s, len);
}

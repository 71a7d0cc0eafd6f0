/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope: the words for the numbers of the /dev/memscope ABI (pressure
 * levels, trigger kinds, record reasons, watermarks), written once.
 *
 * The module's views and text-command parser, memscoped and the fuzz
 * targets all build abi_names.c, so a level is called "critical" in exactly
 * one place. Like notify_parse.c it is a pure file that builds in both
 * worlds.
 */
#ifndef _MEMSCOPE_ABI_NAMES_H
#define _MEMSCOPE_ABI_NAMES_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stddef.h>
#endif
#include <linux/memscope.h>

/* How many numbers each list has, the unused 0 of kinds and reasons included. */
#define MEMSCOPE_NR_LEVELS	(MEMSCOPE_LEVEL_OOM + 1)
#define MEMSCOPE_NR_KINDS	(MEMSCOPE_TRIG_OOM + 1)
#define MEMSCOPE_NR_REASONS	(MEMSCOPE_REASON_CLEARED + 1)
#define MEMSCOPE_NR_WMARKS	(MEMSCOPE_WMARK_HIGH + 1)

/* Each returns NULL for a number it has no word for. */
const char *ms_level_name(__u32 level);
const char *ms_kind_name(__u32 kind);
const char *ms_reason_name(__u32 reason);
const char *ms_wmark_name(__u32 wmark);

/* The number of the word @s[0..@len) (not NUL-terminated), or -1. */
int ms_level_lookup(const char *s, size_t len);
int ms_wmark_lookup(const char *s, size_t len);

#endif /* _MEMSCOPE_ABI_NAMES_H */

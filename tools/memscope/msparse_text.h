/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool: the small pieces every view parser needs: walking a
 * buffer line by line, splitting a line into blank-separated tokens and
 * reading numbers that must be whole tokens.
 *
 * The views are fixed-format tables and "scope key value(s)" lists
 * printed by the module (module/pressure_view.c, buddy.c, reserved.c and others). Parsers
 * cut the buffer in place, so the caller hands over a buffer it owns.
 */
#ifndef MEMSCOPE_MSPARSE_TEXT_H
#define MEMSCOPE_MSPARSE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* A value the view printed as "?" (the module could not tell). */
#define MS_UNKNOWN UINT64_MAX

/* Tokens a view line may hold at most (alloc's widest rows have 16). */
#define MS_MAX_TOKENS 40

/*
 * The next line of *@cursor, NUL-terminated in place, or NULL at the end.
 * A trailing '\r' is kept: the module never prints one.
 */
char *ms_next_line(char **cursor);

/* Split @line in place at blanks; returns the number of tokens (<= @max). */
int ms_split(char *line, char **tok, int max);

/* Whole-token numbers; false (and *@v untouched) on any stray character. */
bool ms_parse_u64(const char *s, uint64_t *v);
bool ms_parse_s64(const char *s, int64_t *v);
bool ms_parse_double(const char *s, double *v);

/* Like ms_parse_u64, but "?" gives MS_UNKNOWN. */
bool ms_parse_u64_or_unknown(const char *s, uint64_t *v);

/*
 * The value of "@key=VALUE" among @tok[0..@n), or NULL. Pressure rows
 * print lists such as "min=143 low=178 high=213 boost=0".
 */
const char *ms_kv(char *const *tok, int n, const char *key);

/* ms_kv() read as a number; false when absent or not a number. */
bool ms_kv_u64(char *const *tok, int n, const char *key, uint64_t *v);
bool ms_kv_s64(char *const *tok, int n, const char *key, int64_t *v);

/*
 * The two columns of the hook views' counters (alloc, reclaim): "load"
 * counts since the module was loaded, "mark" since the view's mark.
 */
enum { MS_SINCE_LOAD, MS_SINCE_MARK, MS_NR_SINCE };

/* "load" or "mark" as MS_SINCE_*, else -1. */
int ms_since_of(const char *word);

/* A hook view's status line: "# hooks_NAME on; tracepoints missing: a b". */
#define MS_HOOKS_MISSING 256
struct ms_hooks {
	bool on;			/* "on" or "on;" */
	char missing[MS_HOOKS_MISSING];	/* "none" or the names; "" if not said */
};

/* Read @line into @h if it is a status line of any hook view; false if not. */
bool ms_parse_hooks(const char *line, struct ms_hooks *h);

/*
 * A hook view's "# since load L s, since mark M s (...)" line: both spans
 * in seconds; false if @line is not one.
 */
bool ms_parse_since_line(const char *line, double *load_s, double *mark_s);

/* Copy @src into @dst of @size bytes, always terminated, cut if longer. */
void ms_copy(char *dst, size_t size, const char *src);

#endif /* MEMSCOPE_MSPARSE_TEXT_H */

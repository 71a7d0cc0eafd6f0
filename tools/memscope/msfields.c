// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: the numeric fields of any view, for "memscope record".
 * The walk is generic on purpose: the recorder must keep up with views
 * it has no struct for.
 */
#include <stdio.h>
#include <string.h>

#include "abi_names.h"
#include "msfields.h"
#include "msparse_text.h"

/* Columns that name a row rather than measure something. */
static const char *const ms_key_columns[] = {
	"since", "order", "node", "zone", "event", "type", "name", "kind", "lo_us", "hi_us",
	"alloc_order",
};

static bool ms_is_key_column(const char *h)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ms_key_columns); i++)
		if (!strcmp(h, ms_key_columns[i]))
			return true;
	return false;
}

/*
 * The views print integers and fixed-point decimals ("-1.000"). A
 * syntactic check, not strtod(): armel boards have no FPU, and record
 * looks at some 900 tokens per sample.
 */
static bool ms_is_number(const char *s)
{
	bool digits = false, dot = false;

	if (*s == '-')
		s++;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digits = true;
		else if (*s == '.' && !dot && digits)
			dot = true;
		else
			return false;
	}
	return digits && s[-1] != '.';
}

/* A numeric token as is, a level word as its number, else NULL. */
static const char *ms_field_value(const char *s, char *buf, size_t size)
{
	int level;

	if (ms_is_number(s))
		return s;
	level = ms_level_lookup(s, strlen(s));
	if (level < 0)
		return NULL;
	snprintf(buf, size, "%d", level);
	return buf;
}

static int ms_pressure_row(char **tok, int n, ms_field_fn fn, void *ctx)
{
	char field[MS_FIELD_LEN], num[16];
	const char *v, *eq;
	int i, seen = 0;

	for (i = 2; i < n; i++) {
		eq = strchr(tok[i], '=');
		if (eq) {
			snprintf(field, sizeof(field), "%s.%.*s", tok[1], (int)(eq - tok[i]),
				 tok[i]);
			v = ms_field_value(eq + 1, num, sizeof(num));
		} else {
			/* "page_size 4096;" in the header is not a row; this is. */
			if (n != 3)
				break;
			snprintf(field, sizeof(field), "%s", tok[1]);
			v = ms_field_value(tok[i], num, sizeof(num));
		}
		if (v) {
			fn(ctx, tok[0], field, v);
			seen++;
		}
	}
	return seen;
}

static int ms_buddy_row(char **tok, int n, char **head, int nh, ms_field_fn fn, void *ctx)
{
	char scope[MS_SCOPE_LEN], field[MS_FIELD_LEN];
	int i, seen = 0;

	/* "# node zone order free_blocks ...": the header has one more word. */
	if (n < 4 || nh != n + 1 || strcmp(head[1], "node"))
		return 0;
	snprintf(scope, sizeof(scope), "node%s/%s", tok[0], tok[1]);
	for (i = 3; i < n; i++) {
		if (!ms_is_number(tok[i]))
			continue;
		snprintf(field, sizeof(field), "%s.%s", head[i + 1], tok[2]);
		fn(ctx, scope, field, tok[i]);
		seen++;
	}
	return seen;
}

static int ms_table_row(char **tok, int n, char **head, int nh, ms_field_fn fn, void *ctx)
{
	char scope[MS_SCOPE_LEN];
	size_t len;
	int i, seen = 0;

	if (nh != n + 1 || strcmp(head[1], tok[0]))
		return 0;
	len = (size_t)snprintf(scope, sizeof(scope), "%s", tok[0]);
	for (i = 1; i < n && len < sizeof(scope); i++)
		if (ms_is_key_column(head[i + 1]))
			len += (size_t)snprintf(scope + len, sizeof(scope) - len, "/%s", tok[i]);
	for (i = 1; i < n; i++) {
		if (ms_is_key_column(head[i + 1]) || !ms_is_number(tok[i]))
			continue;
		fn(ctx, scope, head[i + 1], tok[i]);
		seen++;
	}
	return seen;
}

int ms_view_fields(const char *view, char *text, ms_field_fn fn, void *ctx)
{
	char *tok[MS_MAX_TOKENS], *head[MS_MAX_TOKENS + 1], *line;
	char header[512] = "";
	bool pressure = !strcmp(view, "pressure"), buddy = !strcmp(view, "buddy");
	int n, nh = 0, seen = 0;

	while ((line = ms_next_line(&text))) {
		if (line[0] == '#') {
			/* Kept whole: the next rows are named by it. */
			ms_copy(header, sizeof(header), line);
			nh = ms_split(header, head, MS_MAX_TOKENS + 1);
			continue;
		}
		n = ms_split(line, tok, MS_MAX_TOKENS);
		if (n < 2)
			continue;
		if (pressure)
			seen += ms_pressure_row(tok, n, fn, ctx);
		else if (buddy)
			seen += ms_buddy_row(tok, n, head, nh, fn, ctx);
		else
			seen += ms_table_row(tok, n, head, nh, fn, ctx);
	}
	return seen;
}

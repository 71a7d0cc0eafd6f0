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
 * The header line that names the rows below it, split, with which of its
 * columns are keys: looked up once, when the first row needs them, not
 * for every column of every row (alloc has some 60 rows under a header).
 */
struct ms_header {
	char text[512];
	char *head[MS_MAX_TOKENS + 1];
	int nh;
	bool keys_known;
	bool key[MS_MAX_TOKENS + 1];
};

static const bool *ms_header_keys(struct ms_header *h)
{
	int i;

	if (!h->keys_known) {
		for (i = 0; i < h->nh; i++)
			h->key[i] = ms_is_key_column(h->head[i]);
		h->keys_known = true;
	}
	return h->key;
}

/*
 * Append @src to the @len bytes of @dst (@size bytes), cut where
 * snprintf() would cut; returns the new length. Scopes and field names
 * are built for some 900 fields a sample, and snprintf()'s format walk
 * was most of record's user time.
 */
static size_t ms_append(char *dst, size_t size, size_t len, const char *src, size_t n)
{
	if (len + n >= size)
		n = size - 1 - len;
	memcpy(dst + len, src, n);
	dst[len + n] = '\0';
	return len + n;
}

static size_t ms_append_str(char *dst, size_t size, size_t len, const char *src)
{
	return ms_append(dst, size, len, src, strlen(src));
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
	size_t len;

	for (i = 2; i < n; i++) {
		eq = strchr(tok[i], '=');
		if (eq) {
			/* "KEY.SUB" */
			len = ms_append_str(field, sizeof(field), 0, tok[1]);
			len = ms_append(field, sizeof(field), len, ".", 1);
			ms_append(field, sizeof(field), len, tok[i], (size_t)(eq - tok[i]));
			v = ms_field_value(eq + 1, num, sizeof(num));
		} else {
			/* "page_size 4096;" in the header is not a row; this is. */
			if (n != 3)
				break;
			ms_append_str(field, sizeof(field), 0, tok[1]);
			v = ms_field_value(tok[i], num, sizeof(num));
		}
		if (v) {
			fn(ctx, tok[0], field, v);
			seen++;
		}
	}
	return seen;
}

static int ms_buddy_row(char **tok, int n, const struct ms_header *h, ms_field_fn fn,
			void *ctx)
{
	char scope[MS_SCOPE_LEN], field[MS_FIELD_LEN];
	char *const *head = h->head;
	size_t len;
	int i, seen = 0;

	/* "# node zone order free_blocks ...": the header has one more word. */
	if (n < 4 || h->nh != n + 1 || strcmp(head[1], "node"))
		return 0;
	/* "nodeN/ZONE" */
	len = ms_append(scope, sizeof(scope), 0, "node", 4);
	len = ms_append_str(scope, sizeof(scope), len, tok[0]);
	len = ms_append(scope, sizeof(scope), len, "/", 1);
	ms_append_str(scope, sizeof(scope), len, tok[1]);
	for (i = 3; i < n; i++) {
		if (!ms_is_number(tok[i]))
			continue;
		/* "COLUMN.ORDER" */
		len = ms_append_str(field, sizeof(field), 0, head[i + 1]);
		len = ms_append(field, sizeof(field), len, ".", 1);
		ms_append_str(field, sizeof(field), len, tok[2]);
		fn(ctx, scope, field, tok[i]);
		seen++;
	}
	return seen;
}

static int ms_table_row(char **tok, int n, struct ms_header *h, ms_field_fn fn, void *ctx)
{
	char scope[MS_SCOPE_LEN];
	char *const *head = h->head;
	const bool *key;
	size_t len;
	int i, seen = 0;

	if (h->nh != n + 1 || strcmp(head[1], tok[0]))
		return 0;
	key = ms_header_keys(h);
	/* "NAME/KEY/KEY..." */
	len = ms_append_str(scope, sizeof(scope), 0, tok[0]);
	for (i = 1; i < n; i++)
		if (key[i + 1]) {
			len = ms_append(scope, sizeof(scope), len, "/", 1);
			len = ms_append_str(scope, sizeof(scope), len, tok[i]);
		}
	for (i = 1; i < n; i++) {
		if (key[i + 1] || !ms_is_number(tok[i]))
			continue;
		fn(ctx, scope, head[i + 1], tok[i]);
		seen++;
	}
	return seen;
}

int ms_view_fields(const char *view, char *text, ms_field_fn fn, void *ctx)
{
	char *tok[MS_MAX_TOKENS], *line;
	struct ms_header h;
	bool pressure = !strcmp(view, "pressure"), buddy = !strcmp(view, "buddy");
	int n, seen = 0;

	h.nh = 0;
	while ((line = ms_next_line(&text))) {
		if (line[0] == '#') {
			/* Kept whole: the next rows are named by it. */
			ms_copy(h.text, sizeof(h.text), line);
			h.nh = ms_split(h.text, h.head, MS_MAX_TOKENS + 1);
			h.keys_known = false;
			continue;
		}
		n = ms_split(line, tok, MS_MAX_TOKENS);
		if (n < 2)
			continue;
		if (pressure)
			seen += ms_pressure_row(tok, n, fn, ctx);
		else if (buddy)
			seen += ms_buddy_row(tok, n, &h, fn, ctx);
		else
			seen += ms_table_row(tok, n, &h, fn, ctx);
	}
	return seen;
}

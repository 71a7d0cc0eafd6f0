// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: parser of the "pressure" view. Keys the tool does not use
 * are skipped, so the module can add rows without breaking it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi_names.h"
#include "msparse_pressure.h"
#include "msparse_text.h"

static const char *const ms_wmark_keys[MS_NR_WMARKS] = { "min", "low", "high" };

/* The zone for "nodeN/ZONE", added on first sight; NULL when full or malformed. */
static struct ms_zone_pressure *ms_zone_of(struct ms_pressure *p, const char *scope)
{
	struct ms_zone_pressure *z;
	const char *slash;
	int node, i;

	if (strncmp(scope, "node", 4) || sscanf(scope + 4, "%d", &node) != 1)
		return NULL;
	slash = strchr(scope, '/');
	if (!slash || !slash[1])
		return NULL;
	for (i = 0; i < p->nr_zones; i++)
		if (p->zone[i].node == node && !strcmp(p->zone[i].zone, slash + 1))
			return &p->zone[i];
	if (p->nr_zones == MS_MAX_ZONES)
		return NULL;
	z = &p->zone[p->nr_zones++];
	memset(z, 0, sizeof(*z));
	z->node = node;
	z->level = -1;
	ms_copy(z->zone, sizeof(z->zone), slash + 1);
	return z;
}

static int ms_level_of(const char *word)
{
	return ms_level_lookup(word, strlen(word));
}

/* "min=143 low=178 high=213 boost=0" */
static void ms_wmark_row(struct ms_zone_pressure *z, char **tok, int n)
{
	int w;

	for (w = 0; w < MS_NR_WMARKS; w++)
		ms_kv_u64(tok, n, ms_wmark_keys[w], &z->wmark_pages[w]);
	ms_kv_u64(tok, n, "boost", &z->boost_pages);
}

static void ms_zone_row(struct ms_zone_pressure *z, const char *key, char **tok, int n)
{
	int w;

	if (!strcmp(key, "level"))
		z->level = ms_level_of(tok[0]);
	else if (!strcmp(key, "level_ms"))
		ms_parse_u64(tok[0], &z->level_ms);
	else if (!strcmp(key, "free_pages"))
		ms_parse_u64(tok[0], &z->free_pages);
	else if (!strcmp(key, "usable_free_pages"))
		ms_parse_u64(tok[0], &z->usable_free_pages);
	else if (!strcmp(key, "managed_pages"))
		ms_parse_u64(tok[0], &z->managed_pages);
	else if (!strcmp(key, "watermark_pages"))
		ms_wmark_row(z, tok, n);
	else if (!strcmp(key, "headroom_pages"))
		for (w = 0; w < MS_NR_WMARKS; w++)
			ms_kv_s64(tok, n, ms_wmark_keys[w], &z->headroom_pages[w]);
}

static void ms_system_row(struct ms_pressure *p, const char *key, char **tok)
{
	if (!strcmp(key, "level"))
		p->level = ms_level_of(tok[0]);
	else if (!strcmp(key, "level_ms"))
		ms_parse_u64(tok[0], &p->level_ms);
	else if (!strcmp(key, "available_pages"))
		ms_parse_u64(tok[0], &p->available_pages);
	else if (!strcmp(key, "usable_free_pages"))
		ms_parse_u64(tok[0], &p->usable_free_pages);
}

int ms_parse_pressure(char *text, struct ms_pressure *p)
{
	char *tok[MS_MAX_TOKENS], *line;
	struct ms_zone_pressure *z;
	int n;

	memset(p, 0, sizeof(*p));
	p->level = -1;
	while ((line = ms_next_line(&text))) {
		n = ms_split(line, tok, MS_MAX_TOKENS);
		if (n >= 3 && !strcmp(tok[0], "#") && !strcmp(tok[1], "page_size")) {
			/* "# page_size 4096; levels: ..." */
			char *semi = strchr(tok[2], ';');

			if (semi)
				*semi = '\0';
			ms_parse_u64(tok[2], &p->page_size);
			continue;
		}
		if (n < 3 || tok[0][0] == '#')
			continue;
		if (!strcmp(tok[0], "system")) {
			ms_system_row(p, tok[1], tok + 2);
		} else {
			z = ms_zone_of(p, tok[0]);
			if (z)
				ms_zone_row(z, tok[1], tok + 2, n - 2);
		}
	}
	return p->page_size && p->level >= 0 ? 0 : -1;
}

/*
 * The tokens after "SCOPE KEY" of the first such row: copied into @line
 * (@size bytes) and split; the count, or -1 without the row. Rows are
 * short (the longest, window_events, is under 200 bytes).
 */
static int ms_pressure_row(const char *text, const char *scope, const char *key,
			   char *line, size_t size, char **tok)
{
	const char *p = text, *eol;
	int n;

	for (; p && *p; p = *eol ? eol + 1 : NULL) {
		eol = p + strcspn(p, "\n");
		if ((size_t)(eol - p) >= size)
			continue;
		memcpy(line, p, (size_t)(eol - p));
		line[eol - p] = '\0';
		n = ms_split(line, tok, MS_MAX_TOKENS);
		if (n >= 2 && !strcmp(tok[0], scope) && !strcmp(tok[1], key))
			return n - 2;
	}
	return -1;
}

int ms_pressure_get(const char *text, const char *scope, const char *key,
		    const char *name, int64_t *v)
{
	char line[1024], *tok[MS_MAX_TOKENS], *end;
	const char *s;
	int n = ms_pressure_row(text, scope, key, line, sizeof(line), tok);

	if (n < 1)
		return -1;
	s = name ? ms_kv(tok + 2, n, name) : tok[2];
	if (!s)
		return -1;
	/* A "NAME=" value is taken as it reads, as the selftests always have. */
	*v = strtoll(s, &end, 10);
	return end == s && !name ? -1 : 0;
}

int ms_pressure_word(const char *text, const char *scope, const char *key,
		     char *out, size_t len)
{
	char line[1024], *tok[MS_MAX_TOKENS];
	int n = ms_pressure_row(text, scope, key, line, sizeof(line), tok);

	if (n < 0)
		return -1;
	ms_copy(out, len, n ? tok[2] : "");
	return 0;
}

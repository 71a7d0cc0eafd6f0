// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: line, token and number helpers shared by the view
 * parsers. Numbers are parsed strictly (the whole token must be the
 * number): a column that moved in a newer module then shows up as a parse
 * failure instead of a silently wrong figure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msparse_text.h"

char *ms_next_line(char **cursor)
{
	char *line = *cursor, *nl;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*cursor = nl + 1;
	} else {
		*cursor = line + strlen(line);
	}
	return line;
}

int ms_split(char *line, char **tok, int max)
{
	int n = 0;
	char *p = line;

	while (*p && n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		tok[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}

bool ms_parse_u64(const char *s, uint64_t *v)
{
	unsigned long long x;
	char *end;

	/* strtoull accepts "-1" and wraps it: a count is never negative. */
	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*v = x;
	return true;
}

bool ms_parse_s64(const char *s, int64_t *v)
{
	long long x;
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno || *end || end == s)
		return false;
	*v = x;
	return true;
}

bool ms_parse_double(const char *s, double *v)
{
	double x;
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	x = strtod(s, &end);
	if (errno || *end || end == s)
		return false;
	*v = x;
	return true;
}

bool ms_parse_u64_or_unknown(const char *s, uint64_t *v)
{
	if (s && !strcmp(s, "?")) {
		*v = MS_UNKNOWN;
		return true;
	}
	return ms_parse_u64(s, v);
}

const char *ms_kv(char *const *tok, int n, const char *key)
{
	size_t len = strlen(key);
	int i;

	for (i = 0; i < n; i++)
		if (!strncmp(tok[i], key, len) && tok[i][len] == '=')
			return tok[i] + len + 1;
	return NULL;
}

bool ms_kv_u64(char *const *tok, int n, const char *key, uint64_t *v)
{
	return ms_parse_u64(ms_kv(tok, n, key), v);
}

bool ms_kv_s64(char *const *tok, int n, const char *key, int64_t *v)
{
	return ms_parse_s64(ms_kv(tok, n, key), v);
}

void ms_copy(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (!size)
		return;
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

int ms_since_of(const char *word)
{
	if (!strcmp(word, "load"))
		return MS_SINCE_LOAD;
	if (!strcmp(word, "mark"))
		return MS_SINCE_MARK;
	return -1;
}

bool ms_parse_hooks(const char *line, struct ms_hooks *h)
{
	const char *state, *m;
	size_t n;

	if (strncmp(line, "# hooks_", 8))
		return false;
	/* The word after "# hooks_NAME". */
	state = line + 8 + strcspn(line + 8, " \t");
	state += strspn(state, " \t");
	n = strcspn(state, " \t");
	h->on = (n == 2 && !strncmp(state, "on", 2)) || (n == 3 && !strncmp(state, "on;", 3));
	m = strstr(line, "tracepoints missing:");
	if (m) {
		m += strlen("tracepoints missing:");
		m += strspn(m, " ");
		n = strcspn(m, ";");
		if (n >= sizeof(h->missing))
			n = sizeof(h->missing) - 1;
		memcpy(h->missing, m, n);
		h->missing[n] = '\0';
	}
	return true;
}

bool ms_parse_since_line(const char *line, double *load_s, double *mark_s)
{
	return sscanf(line, "# since load %lf s, since mark %lf s", load_s, mark_s) == 2;
}

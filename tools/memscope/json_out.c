// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: streaming JSON writer. Output is one value per line,
 * indented by depth, so a diff of two runs reads well.
 */
#include <inttypes.h>
#include <math.h>

#include "json_out.h"

void ms_json_init(struct ms_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = true;
}

static void ms_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* Comma, newline, indent and key before a value at the current depth. */
static void ms_json_key(struct ms_json *j, const char *key)
{
	int i;

	if (j->depth) {
		fputs(j->first[j->depth] ? "\n" : ",\n", j->f);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	j->first[j->depth] = false;
	if (key) {
		ms_json_string(j->f, key);
		fputs(": ", j->f);
	}
}

static void ms_json_open(struct ms_json *j, const char *key, char c)
{
	ms_json_key(j, key);
	fputc(c, j->f);
	if (j->depth + 1 < MS_JSON_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

void ms_json_object(struct ms_json *j, const char *key)
{
	ms_json_open(j, key, '{');
}

void ms_json_array(struct ms_json *j, const char *key)
{
	ms_json_open(j, key, '[');
}

void ms_json_end(struct ms_json *j, char c)
{
	bool empty = j->first[j->depth];
	int i;

	if (j->depth)
		j->depth--;
	if (!empty) {
		fputc('\n', j->f);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	fputc(c, j->f);
	if (!j->depth)
		fputc('\n', j->f);
}

void ms_json_str(struct ms_json *j, const char *key, const char *val)
{
	ms_json_key(j, key);
	ms_json_string(j->f, val);
}

void ms_json_u64(struct ms_json *j, const char *key, uint64_t val)
{
	ms_json_key(j, key);
	fprintf(j->f, "%" PRIu64, val);
}

void ms_json_s64(struct ms_json *j, const char *key, int64_t val)
{
	ms_json_key(j, key);
	fprintf(j->f, "%" PRId64, val);
}

void ms_json_double(struct ms_json *j, const char *key, double val, int decimals)
{
	ms_json_key(j, key);
	if (isnan(val) || isinf(val))
		fputs("null", j->f);
	else
		fprintf(j->f, "%.*f", decimals, val);
}

void ms_json_null(struct ms_json *j, const char *key)
{
	ms_json_key(j, key);
	fputs("null", j->f);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool: a tiny streaming JSON writer, enough for --json: objects,
 * arrays, strings, integers and decimals, with the commas placed for the
 * caller. Keys are given with each value; pass NULL inside arrays.
 */
#ifndef MEMSCOPE_JSON_OUT_H
#define MEMSCOPE_JSON_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define MS_JSON_DEPTH 8

struct ms_json {
	FILE *f;
	int depth;
	bool first[MS_JSON_DEPTH];	/* nothing written yet at this depth */
};

void ms_json_init(struct ms_json *j, FILE *f);
void ms_json_object(struct ms_json *j, const char *key);
void ms_json_array(struct ms_json *j, const char *key);
/* Close the innermost object or array (@c is '}' or ']'). */
void ms_json_end(struct ms_json *j, char c);
void ms_json_str(struct ms_json *j, const char *key, const char *val);
void ms_json_u64(struct ms_json *j, const char *key, uint64_t val);
void ms_json_s64(struct ms_json *j, const char *key, int64_t val);
/* @val with @decimals places; JSON has no NaN, so NaN is written as null. */
void ms_json_double(struct ms_json *j, const char *key, double val, int decimals);
void ms_json_null(struct ms_json *j, const char *key);

#endif /* MEMSCOPE_JSON_OUT_H */

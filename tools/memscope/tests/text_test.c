// SPDX-License-Identifier: GPL-2.0
/* memscope tool unit tests: line, token and number helpers. */
#include <string.h>

#include "msparse_text.h"
#include "unit.h"

static void numbers_are_whole_tokens(void)
{
	uint64_t u = 7;
	int64_t s = 7;
	double d = 7;

	CHECK(ms_parse_u64("18446744073709551615", &u) && u == UINT64_MAX);
	CHECK(!ms_parse_u64("18446744073709551616", &u));
	CHECK(!ms_parse_u64("-1", &u) && u == UINT64_MAX);
	CHECK(!ms_parse_u64("12a", &u));
	CHECK(!ms_parse_u64("", &u));
	CHECK(!ms_parse_u64(NULL, &u));
	CHECK(ms_parse_s64("-8", &s) && s == -8);
	CHECK(!ms_parse_s64("-", &s));
	CHECK(ms_parse_double("-1.000", &d) && d == -1.0);
	CHECK(!ms_parse_double("0.5x", &d));
	CHECK(ms_parse_u64_or_unknown("?", &u) && u == MS_UNKNOWN);
	CHECK(ms_parse_u64_or_unknown("42", &u) && u == 42);
}

static void lines_and_tokens(void)
{
	char text[] = "a  b\tc\n\n  last";
	char *cur = text, *line, *tok[4];

	line = ms_next_line(&cur);
	CHECK(line && ms_split(line, tok, 4) == 3 && !strcmp(tok[2], "c"));
	line = ms_next_line(&cur);
	CHECK(line && ms_split(line, tok, 4) == 0);
	line = ms_next_line(&cur);
	CHECK(line && ms_split(line, tok, 4) == 1 && !strcmp(tok[0], "last"));
	CHECK(!ms_next_line(&cur));
}

static void split_stops_at_max(void)
{
	char line[] = "1 2 3 4 5";
	char *tok[3];

	CHECK(ms_split(line, tok, 3) == 3 && !strcmp(tok[2], "3"));
}

static void key_value_lists(void)
{
	char line[] = "min=143 low=178 high=-8 boost";
	char *tok[8];
	uint64_t u = 0;
	int64_t s = 0;
	int n = ms_split(line, tok, 8);

	CHECK(ms_kv_u64(tok, n, "min", &u) && u == 143);
	/* "low" must not match a key that only starts with it. */
	CHECK(ms_kv_u64(tok, n, "low", &u) && u == 178);
	CHECK(!ms_kv_u64(tok, n, "high", &u));
	CHECK(ms_kv_s64(tok, n, "high", &s) && s == -8);
	CHECK(!ms_kv(tok, n, "boost"));
	CHECK(!ms_kv(tok, n, "mi"));
}

static void copy_truncates(void)
{
	char small[4];

	ms_copy(small, sizeof(small), "Normal");
	CHECK(!strcmp(small, "Nor"));
}

const struct tap_test text_tests[] = {
	{ "numbers_are_whole_tokens", numbers_are_whole_tokens },
	{ "lines_and_tokens", lines_and_tokens },
	{ "split_stops_at_max", split_stops_at_max },
	{ "key_value_lists", key_value_lists },
	{ "copy_truncates", copy_truncates },
	{ NULL, NULL },
};

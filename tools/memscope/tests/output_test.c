// SPDX-License-Identifier: GPL-2.0
/* memscope tool unit tests: the JSON writer and the owner ranking. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "msparse_text.h"
#include "reserved_rank.h"
#include "unit.h"

static void json_nesting_and_escapes(void)
{
	struct ms_json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f) {
		CHECK(f);
		return;
	}
	ms_json_init(&j, f);
	ms_json_object(&j, NULL);
	ms_json_str(&j, "s", "a\"b\\c\n");
	ms_json_array(&j, "a");
	ms_json_s64(&j, NULL, -8);
	ms_json_object(&j, NULL);
	ms_json_end(&j, '}');
	ms_json_end(&j, ']');
	ms_json_double(&j, "d", NAN, 1);
	ms_json_double(&j, "e", 26.74, 1);
	ms_json_end(&j, '}');
	fclose(f);
	CHECK(!strcmp(buf, "{\n  \"s\": \"a\\\"b\\\\c\\u000a\",\n  \"a\": [\n    -8,\n    {}\n  ],\n"
			   "  \"d\": null,\n  \"e\": 26.7\n}\n"));
	free(buf);
}

static void owners_biggest_first(void)
{
	struct ms_reserved r;
	struct ms_reserved_row rows[MS_MAX_OWNERS + 1];
	int n;

	memset(&r, 0, sizeof(r));
	r.physical_kib = 1000;
	r.nr_owners = 3;
	ms_copy(r.owner[0].name, MS_OWNER_NAME, "a");
	r.owner[0].kib = 10;
	ms_copy(r.owner[1].name, MS_OWNER_NAME, "b");
	r.owner[1].kib = 300;
	ms_copy(r.owner[2].name, MS_OWNER_NAME, "c");
	r.owner[2].kib = 10;
	r.unattributed_kib = 50;
	n = ms_reserved_ranked(&r, rows);
	CHECK(n == 4);
	CHECK(!strcmp(rows[0].name, "b") && !strcmp(rows[1].name, "unattributed"));
	/* Equal sizes keep the view's order. */
	CHECK(!strcmp(rows[2].name, "a") && !strcmp(rows[3].name, "c"));
	/* An unknown size goes last. */
	r.unattributed_kib = MS_UNKNOWN;
	n = ms_reserved_ranked(&r, rows);
	CHECK(n == 4 && !strcmp(rows[3].name, "unattributed") && !strcmp(rows[0].name, "b"));
	CHECK(ms_reserved_share(&r, 300) == 30.0);
	r.physical_kib = MS_UNKNOWN;
	CHECK(ms_reserved_share(&r, 300) < 0);
}

const struct tap_test output_tests[] = {
	{ "json_nesting_and_escapes", json_nesting_and_escapes },
	{ "owners_biggest_first", owners_biggest_first },
	{ NULL, NULL },
};

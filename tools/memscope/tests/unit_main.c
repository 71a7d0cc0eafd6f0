// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool unit tests: runs every table and prints TAP.
 *
 *   memscope_unit_test FIXTURES-DIR
 *
 * make check runs it on the host under ASan and UBSan; "make unit CC=..."
 * builds it statically for a board.
 */
#include <stdio.h>

#include "msparse_text.h"
#include "msview.h"
#include "unit.h"

const char *tap_fixtures;

char *tap_fixture(const char *target, const char *name)
{
	char dir[512];
	char *text;

	snprintf(dir, sizeof(dir), "%s/%s", tap_fixtures, target);
	text = ms_read_file(dir, name, NULL);
	if (!text)
		tap_fail(__FILE__, __LINE__, "fixture %s/%s not readable", dir, name);
	return text;
}

int main(int argc, char **argv)
{
	static const struct tap_test *const tables[] = { text_tests, view_tests, output_tests };
	int ran, failed;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURES-DIR\n", argv[0]);
		return 2;
	}
	tap_fixtures = argv[1];
	failed = tap_run(tables, ARRAY_SIZE(tables), NULL, &ran);
	return tap_summary("memscope_unit_test", ran, failed);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool unit tests: runs every table and prints TAP.
 *
 *   memscope_unit_test FIXTURES-DIR
 *
 * make check runs it on the host under ASan and UBSan; "make unit CC=..."
 * builds it statically for a board.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "msparse_text.h"
#include "msview.h"
#include "tap.h"

int tap_failures;
const char *tap_fixtures;

void tap_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	tap_failures++;
}

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
	const struct tap_test *tables[] = { text_tests, view_tests, output_tests };
	int total = 0, failed = 0, n = 0;
	size_t t;
	int i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURES-DIR\n", argv[0]);
		return 2;
	}
	tap_fixtures = argv[1];
	for (t = 0; t < ARRAY_SIZE(tables); t++)
		for (i = 0; tables[t][i].fn; i++)
			total++;
	printf("1..%d\n", total);
	for (t = 0; t < ARRAY_SIZE(tables); t++) {
		for (i = 0; tables[t][i].fn; i++) {
			tap_failures = 0;
			tables[t][i].fn();
			n++;
			printf("%sok %d %s\n", tap_failures ? "not " : "", n, tables[t][i].name);
			if (tap_failures)
				failed++;
		}
	}
	printf("# memscope_unit_test: %d passed, %d failed\n", total - failed, failed);
	return failed ? 1 : 0;
}

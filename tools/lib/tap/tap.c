// SPDX-License-Identifier: GPL-2.0
/*
 * The TAP runner and file helpers of the tools' unit tests (tap.h). Each
 * tool's tests/unit_main.c sets up what its tests need (fixtures, a log)
 * and hands its tables to tap_run().
 */
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

int tap_failures;

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

int tap_run(const struct tap_test *const *tables, size_t nr_tables, const char *only,
	    int *ran)
{
	const struct tap_test *c;
	int planned = 0, n = 0, failed = 0;
	size_t t;

	/* A board's console may be a pipe: keep the lines in step with stderr. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (t = 0; t < nr_tables; t++)
		for (c = tables[t]; c->name; c++)
			planned += !only || strstr(c->name, only);
	printf("TAP version 13\n1..%d\n", planned);
	for (t = 0; t < nr_tables; t++) {
		for (c = tables[t]; c->name; c++) {
			if (only && !strstr(c->name, only))
				continue;
			tap_failures = 0;
			c->fn();
			n++;
			printf("%sok %d %s\n", tap_failures ? "not " : "", n, c->name);
			failed += tap_failures != 0;
		}
	}
	*ran = n;
	return failed;
}

int tap_summary(const char *name, int ran, int failed)
{
	printf("# %s: %d passed, %d failed\n", name, ran - failed, failed);
	return failed ? 1 : 0;
}

const char *tap_tmpdir(void)
{
	static char path[256];
	const char *base = getenv("TMPDIR");

	snprintf(path, sizeof(path), "%s/tools-unit.XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(path)) {
		printf("# mkdtemp %s: %s\n", path, strerror(errno));
		return NULL;
	}
	return path;
}

int tap_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(text, f) < 0 ? -1 : 0;
	if (fclose(f))
		ret = -1;
	return ret;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

int tap_rmtree(const char *dir)
{
	return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *tap_read_file(const char *path)
{
	char *buf = NULL, *bigger;
	size_t len = 0, cap = 0, n;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	for (;;) {
		if (len + 1024 + 1 > cap) {
			bigger = realloc(buf, cap = len + 4096);
			if (!bigger) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = bigger;
		}
		n = fread(buf + len, 1, 1024, f);
		len += n;
		if (n < 1024)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

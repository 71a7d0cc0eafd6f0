// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped unit tests: runs every table and prints TAP.
 *
 *   memscoped_unit_test [NAME-SUBSTRING]
 *
 * Runs on the build host (make check, with sanitizers) and, built with
 * "make unit CC=...", on a board, where 32-bit ARM shows up any size
 * assumption. Output follows run_selftests' conventions.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "tap.h"

int tap_failures;
char tap_log_path[300];

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

const char *tap_tmpdir(void)
{
	static char path[256];
	const char *base = getenv("TMPDIR");

	snprintf(path, sizeof(path), "%s/memscoped-unit.XXXXXX", base ? base : "/tmp");
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
	char *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	for (;;) {
		if (len + 1024 + 1 > cap) {
			char *bigger = realloc(buf, cap = len + 4096);

			if (!bigger) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = bigger;
		}
		size_t n = fread(buf + len, 1, 1024, f);

		len += n;
		if (n < 1024)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static const struct tap_test *const tables[] = {
	config_tests, event_tests, metrics_tests, victims_tests,
	killer_tests, runner_tests, actions_tests, policy_tests, episode_tests,
	sdnotify_tests,
};

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	int planned = 0, n = 0, failed = 0;
	const char *dir;

	/* The code under test logs: keep that out of the TAP stream. */
	dir = tap_tmpdir();
	if (!dir)
		return 1;
	snprintf(tap_log_path, sizeof(tap_log_path), "%s/log", dir);
	if (msd_log_open(tap_log_path)) {
		printf("# cannot open %s\n", tap_log_path);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct tap_test *c = tables[t]; c->name; c++)
			planned += !only || strstr(c->name, only);
	printf("TAP version 13\n1..%d\n", planned);
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (const struct tap_test *c = tables[t]; c->name; c++) {
			if (only && !strstr(c->name, only))
				continue;
			tap_failures = 0;
			c->fn();
			n++;
			printf("%sok %d %s\n", tap_failures ? "not " : "", n, c->name);
			failed += tap_failures != 0;
		}
	}
	msd_log_close();
	if (failed) {
		/* What the code under test said, to explain the failures. */
		char *log = tap_read_file(tap_log_path), *line, *save = NULL;

		for (line = log ? strtok_r(log, "\n", &save) : NULL; line;
		     line = strtok_r(NULL, "\n", &save))
			printf("# log: %s\n", line);
		free(log);
	}
	unlink(tap_log_path);
	rmdir(dir);
	printf("# memscoped unit: %d passed, %d failed\n", n - failed, failed);
	return failed ? 1 : 0;
}

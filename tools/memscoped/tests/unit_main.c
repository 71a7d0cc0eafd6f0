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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "unit.h"

char tap_log_path[300];

static const struct tap_test *const tables[] = {
	config_tests, event_tests, metrics_tests, victims_tests,
	killer_tests, runner_tests, actions_tests, policy_tests, episode_tests,
	sdnotify_tests,
};

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL, *tmp;
	int ran, failed;
	char dir[256];

	/*
	 * The code under test logs: keep that out of the TAP stream. A copy of
	 * the path: the tests' own tap_tmpdir() calls reuse its buffer.
	 */
	tmp = tap_tmpdir();
	if (!tmp)
		return 1;
	snprintf(dir, sizeof(dir), "%s", tmp);
	snprintf(tap_log_path, sizeof(tap_log_path), "%s/log", dir);
	if (msd_log_open(tap_log_path)) {
		printf("# cannot open %s\n", tap_log_path);
		return 1;
	}
	failed = tap_run(tables, sizeof(tables) / sizeof(tables[0]), only, &ran);
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
	return tap_summary("memscoped unit", ran, failed);
}

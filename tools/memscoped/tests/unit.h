/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscoped unit tests: what they share beyond the TAP harness
 * (tools/lib/tap/tap.h): the daemon's log file and each test file's table.
 */
#ifndef MEMSCOPED_UNIT_H
#define MEMSCOPED_UNIT_H

#include "tap.h"

/* Per-file test tables, collected by unit_main.c. */
extern const struct tap_test config_tests[], event_tests[], metrics_tests[],
	victims_tests[], killer_tests[], runner_tests[], actions_tests[], policy_tests[],
	episode_tests[], sdnotify_tests[];

/* Where the code under test logs (msd_log) during the run. */
extern char tap_log_path[];

#endif /* MEMSCOPED_UNIT_H */

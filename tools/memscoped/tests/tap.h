/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscoped unit tests: a minimal TAP producer. Each test is a function;
 * CHECK* macros record failures (with file and line) and let the test go
 * on, so one run shows every broken expectation. run_selftests counts the
 * "ok N" / "not ok N" lines against the "1..N" plan.
 */
#ifndef MEMSCOPED_TAP_H
#define MEMSCOPED_TAP_H

#include <stdio.h>
#include <string.h>

struct tap_test {
	const char *name;
	void (*fn)(void);
};

/* Failures of the test running now. */
extern int tap_failures;

void tap_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CHECK(cond) do {							\
	if (!(cond))								\
		tap_fail(__FILE__, __LINE__, "%s", #cond);			\
} while (0)

#define CHECK_INT(a, b) do {							\
	long long _a = (long long)(a), _b = (long long)(b);			\
	if (_a != _b)								\
		tap_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld",	\
			 #a, _a, #b, _b);					\
} while (0)

#define CHECK_STR(a, b) do {							\
	const char *_a = (a), *_b = (b);					\
	if (!_a || strcmp(_a, _b))						\
		tap_fail(__FILE__, __LINE__, "%s is \"%s\", expected \"%s\"",	\
			 #a, _a ? _a : "(null)", _b);				\
} while (0)

#define CHECK_CONTAINS(hay, needle) do {					\
	const char *_h = (hay), *_n = (needle);					\
	if (!_h || !strstr(_h, _n))						\
		tap_fail(__FILE__, __LINE__, "%s does not contain \"%s\": \"%s\"", \
			 #hay, _n, _h ? _h : "(null)");				\
} while (0)

/* Stop the test here if COND does not hold (what follows needs it). */
#define REQUIRE(cond) do {							\
	if (!(cond)) {								\
		tap_fail(__FILE__, __LINE__, "required: %s", #cond);		\
		return;								\
	}									\
} while (0)

/* Per-file test tables, collected by unit_main.c. */
extern const struct tap_test config_tests[], event_tests[], metrics_tests[],
	victims_tests[], killer_tests[], runner_tests[], actions_tests[], policy_tests[],
	episode_tests[], sdnotify_tests[];

/* Helpers shared by the tests (unit_main.c). */
/* Where the code under test logs (msd_log) during the run. */
extern char tap_log_path[];
/* A fresh directory under $TMPDIR or /tmp; its path, static storage. */
const char *tap_tmpdir(void);
/* Write TEXT to PATH (created); 0 or -1. */
int tap_write_file(const char *path, const char *text);
/* Remove DIR and everything below it; 0 or -1. */
int tap_rmtree(const char *dir);
/* The contents of PATH, NUL-terminated, malloc()ed; NULL on error. */
char *tap_read_file(const char *path);

#endif /* MEMSCOPED_TAP_H */

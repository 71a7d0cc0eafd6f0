/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests of the user-space tools (tools/memscope, tools/memscoped):
 * one minimal TAP producer for both. Each test is a function; CHECK*
 * macros record a failure with file and line and let the test go on, so
 * one run shows every broken expectation. run_selftests counts the
 * "ok N" / "not ok N" lines against the "1..N" plan, and scripts/check
 * reads the "# NAME: P passed, F failed" line tap_summary() prints.
 *
 * No dependency beyond libc: "make unit CC=..." builds the tests
 * statically for a board, where 32-bit ARM shows up any size assumption.
 */
#ifndef TOOLS_TAP_H
#define TOOLS_TAP_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct tap_test {
	const char *name;
	void (*fn)(void);
};

/* Failures of the test running now. */
extern int tap_failures;

/* The kernel's __printf() is not available in user space. */
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

/*
 * Run every test of @tables[0..@nr_tables) (each ending with a NULL name)
 * whose name contains @only (NULL: all), printing the plan and a TAP line
 * each. Returns the number that failed; *@ran is set to the number run.
 */
int tap_run(const struct tap_test *const *tables, size_t nr_tables, const char *only,
	    int *ran);

/* "# @name: P passed, F failed"; the exit status for the run: 0 or 1. */
int tap_summary(const char *name, int ran, int failed);

/* A fresh directory under $TMPDIR or /tmp; its path, static storage. */
const char *tap_tmpdir(void);
/* Write TEXT to PATH (created); 0 or -1. */
int tap_write_file(const char *path, const char *text);
/* Remove DIR and everything below it; 0 or -1. */
int tap_rmtree(const char *dir);
/* The contents of PATH, NUL-terminated, malloc()ed; NULL on error. */
char *tap_read_file(const char *path);

#endif /* TOOLS_TAP_H */

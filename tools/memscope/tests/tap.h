/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool unit tests: a minimal TAP producer. Each test is a
 * function; CHECK records a failure with file and line and lets the test
 * go on, so one run shows every broken expectation.
 */
#ifndef MEMSCOPE_TAP_H
#define MEMSCOPE_TAP_H

struct tap_test {
	const char *name;
	void (*fn)(void);
};

/* Failures of the test running now. */
extern int tap_failures;

/* The fixtures directory given on the command line. */
extern const char *tap_fixtures;

/* The kernel's __printf() is not available in user space. */
void tap_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CHECK(cond) do {						\
	if (!(cond))							\
		tap_fail(__FILE__, __LINE__, "%s", #cond);		\
} while (0)

/* A fixture file read whole (malloc()ed), or NULL after a failure. */
char *tap_fixture(const char *target, const char *name);

/* Tables of each test file, ending with { NULL, NULL }. */
extern const struct tap_test text_tests[];
extern const struct tap_test view_tests[];
extern const struct tap_test output_tests[];

#endif /* MEMSCOPE_TAP_H */

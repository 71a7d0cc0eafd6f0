/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool unit tests: what they share beyond the TAP harness
 * (tools/lib/tap/tap.h): the fixtures and each test file's table.
 */
#ifndef MEMSCOPE_UNIT_H
#define MEMSCOPE_UNIT_H

#include "tap.h"

/* The fixtures directory given on the command line. */
extern const char *tap_fixtures;

/* A fixture file read whole (malloc()ed), or NULL after a failure. */
char *tap_fixture(const char *target, const char *name);

/* Tables of each test file, ending with { NULL, NULL }. */
extern const struct tap_test text_tests[];
extern const struct tap_test view_tests[];
extern const struct tap_test output_tests[];

#endif /* MEMSCOPE_UNIT_H */

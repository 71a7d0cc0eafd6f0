/* SPDX-License-Identifier: GPL-2.0 */
/*
 * abi32_test: the 32-bit ABI of /dev/memscope on a 64-bit kernel.
 *
 * One source, two builds: the native program (the harness, in
 * abi32_test.c) and a static 32-bit one (i386 on x86_64, armel on arm64)
 * that scripts/build-target stages as /selftests/abi32/abi32_test. Both
 * carry the worker below; the harness runs it in each build and compares
 * what they print, line by line: the native run is the oracle.
 */
#ifndef ABI32_H
#define ABI32_H

#include <sys/types.h>

#define ABI32_DEV "/dev/memscope"

/*
 * "prog --worker MODE [ARGS]": prints a transcript on stdout and returns
 * the exit status (0, or 2 on bad arguments). Modes:
 *   layout                  sizeof, offsetof and the ioctl numbers as
 *                           this build sees them
 *   script ZONE NODE ORDER  every ioctl, text commands, poll() and
 *                           read() on one file, the zone triggers on
 *                           NODE/ZONE and the ALLOC_FAIL ones at ORDER
 *   shared ORDER            an ALLOC_FAIL trigger at ORDER, "ready",
 *                           then the first record, every field printed
 */
int abi32_worker(int argc, char **argv);

/* ---- abi32_daemon.c: a native and a 32-bit memscoped side by side ---- */

#define ABI32_WORK "/tmp/abi32"

struct daemon {
	const char *name;		/* "native", "32-bit": names its files */
	char conf[64], log[64], out[64];
	pid_t pid;
};

/*
 * Starts PROG as memscoped with a config of "trigger level medium" and a
 * log of its own (ABI32_WORK/NAME.*): 0, or -1.
 */
int daemon_start(struct daemon *d, const char *prog);
/* SIGTERM, then SIGKILL after 5 s; reaps it. */
void daemon_stop(struct daemon *d);
/*
 * The line of FILE that has NEEDLE (malloc()ed), without the time and pid
 * in front and the "; read N ms later" at the end, or NULL.
 */
char *log_line(const char *file, const char *needle);
/* Up to @ms for NEEDLE in the logs of d[0] and d[1]: 0, or -1. */
int wait_both(struct daemon *d, const char *needle, int ms);
/*
 * With the hog readied (ms_hog_prepare()), takes the zone below its low
 * watermark step by step until both daemons logged the level medium
 * record: 0, or -1 if they did not.
 */
int cross_medium(struct daemon *d, int node, const char *zone);
/* A memscope parameter back to @v. */
void param_restore(const char *name, long long v);
/* A file on stderr, to explain a failure. */
void dump(const char *path);

#endif

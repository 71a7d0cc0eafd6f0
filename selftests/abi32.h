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

#endif

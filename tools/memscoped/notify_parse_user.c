// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped: the module's text-command parser (module/notify_parse.c, a
 * pure function written to build in both worlds), built for user space.
 * One grammar, one parser: the daemon checks its trigger lines exactly as
 * the device would.
 *
 * The kernel builds without -Wmaybe-uninitialized; with it, gcc flags a
 * value assigned only on an error path, whose result is never used.
 */
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "notify_parse.c"

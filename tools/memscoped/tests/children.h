/* SPDX-License-Identifier: GPL-2.0 */
/* memscoped unit tests: real child processes to signal. */
#ifndef MSD_TEST_CHILDREN_H
#define MSD_TEST_CHILDREN_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * An idle child, returned once it is ready to be signalled (-1 on
 * failure). With @own_group it leads a process group that also holds one
 * idle grandchild; with @ignore_term it ignores SIGTERM.
 */
pid_t msd_test_spawn_idle(bool own_group, bool ignore_term);

#endif

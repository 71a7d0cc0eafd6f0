/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscoped: the event loop. poll() on /dev/memscope, a signalfd and the
 * pidfds of processes being killed; nothing blocks anywhere else.
 */
#ifndef MEMSCOPED_DAEMON_H
#define MEMSCOPED_DAEMON_H

#include "config.h"

/*
 * Run until SIGTERM or SIGINT with the configuration CFG, loaded from
 * CONFIG_PATH (read again on SIGHUP; CFG is then replaced). Returns the
 * process exit status: 0 after a signal, 1 on a failure.
 */
int msd_daemon_run(const char *config_path, struct msd_config *cfg);

#endif /* MEMSCOPED_DAEMON_H */

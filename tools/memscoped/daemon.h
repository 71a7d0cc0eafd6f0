/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscoped: the event loop. poll() on /dev/memscope, a signalfd and the
 * pidfds of processes being killed; nothing blocks anywhere else.
 */
#ifndef MEMSCOPED_DAEMON_H
#define MEMSCOPED_DAEMON_H

#include <stdbool.h>

#include "config.h"

/*
 * Run until SIGTERM or SIGINT with the configuration CFG, loaded from
 * CONFIG_PATH (read again on SIGHUP; CFG is then replaced); DRY_RUN
 * overrides "dry_run no" in every config read. Tells the service manager
 * when it is ready, reloading and stopping (sdnotify.h). Returns the
 * process exit status: 0 after a signal, 1 on a failure.
 */
int msd_daemon_run(const char *config_path, struct msd_config *cfg, bool dry_run);

#endif /* MEMSCOPED_DAEMON_H */

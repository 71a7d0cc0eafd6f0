/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscoped: the service manager's readiness protocol (sd_notify(3)),
 * without libsystemd: one datagram of "KEY=VALUE" lines sent to the
 * AF_UNIX socket named by $NOTIFY_SOCKET, a path or, with a leading '@',
 * an abstract name. Without $NOTIFY_SOCKET every call does nothing.
 */
#ifndef MEMSCOPED_SDNOTIFY_H
#define MEMSCOPED_SDNOTIFY_H

#include <stdint.h>

/*
 * Take $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID from the
 * environment and remove them, so commands memscoped starts do not
 * speak for it. 0, or -EINVAL if NOTIFY_SOCKET is not a usable address
 * (notifications are then off).
 */
int msd_notify_init(void);

/* Send STATE ("READY=1\nSTATUS=..."); 0, 1 if there is no socket, or -errno. */
int msd_notify(const char *state);

/* printf-style msd_notify(); same returns. */
int msd_notifyf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * How often to send WATCHDOG=1, in microseconds: half of $WATCHDOG_USEC
 * when it is meant for this process ($WATCHDOG_PID unset or ours), else 0.
 */
uint64_t msd_watchdog_interval_us(void);

#endif /* MEMSCOPED_SDNOTIFY_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped: sd_notify-compatible notifications, written from the protocol
 * description in sd_notify(3): a datagram per notification, no reply.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sdnotify.h"

static struct sockaddr_un addr;
static socklen_t addr_len;	/* 0: no socket */
static uint64_t watchdog_us;

int msd_notify_init(void)
{
	const char *sock = getenv("NOTIFY_SOCKET");
	const char *usec = getenv("WATCHDOG_USEC");
	const char *pid = getenv("WATCHDOG_PID");
	size_t len = sock ? strlen(sock) : 0;
	int ret = 0;

	addr_len = 0;
	watchdog_us = 0;
	if (usec && (!pid || strtol(pid, NULL, 10) == (long)getpid()))
		watchdog_us = strtoull(usec, NULL, 10) / 2;
	if (sock) {
		/* "/path" or "@abstract"; sun_path holds no NUL for the latter. */
		if ((sock[0] != '/' && sock[0] != '@') || len < 2 ||
		    len > sizeof(addr.sun_path) - (sock[0] == '/')) {
			ret = -EINVAL;
		} else {
			memset(&addr, 0, sizeof(addr));
			addr.sun_family = AF_UNIX;
			memcpy(addr.sun_path, sock, len);
			if (sock[0] == '@')
				addr.sun_path[0] = '\0';
			addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
					       (sock[0] == '/'));
		}
	}
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	return ret;
}

int msd_notify(const char *state)
{
	int fd, ret = 0;

	if (!addr_len)
		return 1;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/*
	 * MSG_NOSIGNAL: a manager that went away must not kill memscoped.
	 * MSG_DONTWAIT: one that stopped reading (its queue holds only
	 * net.unix.max_dgram_qlen datagrams) must not stop it: the message
	 * is lost instead, and the next one says the same or more.
	 */
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL | MSG_DONTWAIT,
		   (struct sockaddr *)&addr, addr_len) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int msd_notifyf(const char *fmt, ...)
{
	char state[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(state, sizeof(state), fmt, ap);
	va_end(ap);
	return msd_notify(state);
}

uint64_t msd_watchdog_interval_us(void)
{
	return watchdog_us;
}

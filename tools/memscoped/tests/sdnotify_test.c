// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped unit tests: sd_notify datagrams, received on a socket the
 * test binds itself (a path, then an abstract name), and the watchdog
 * interval taken from the environment.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sdnotify.h"
#include "unit.h"

/* A datagram socket bound to NAME ("/path" or "@abstract"); fd or -1. */
static int bind_notify(const char *name)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name));
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memcpy(a.sun_path, name, strlen(name));
	if (name[0] == '@')
		a.sun_path[0] = '\0';
	else
		len++;
	if (bind(fd, (struct sockaddr *)&a, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The next datagram on FD, NUL-terminated, or "" after 1 s. */
static const char *receive(int fd)
{
	static char buf[600];
	struct timeval tv = { 1, 0 };
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void datagrams_reach_path_and_abstract_sockets(void)
{
	const char *dir = tap_tmpdir();
	char path[300], abstract[64];
	int fd;

	REQUIRE(dir != NULL);
	snprintf(path, sizeof(path), "%s/notify", dir);
	fd = bind_notify(path);
	REQUIRE(fd >= 0);
	setenv("NOTIFY_SOCKET", path, 1);
	CHECK_INT(msd_notify_init(), 0);
	/* Taken out of the environment, so commands cannot speak for memscoped. */
	CHECK(getenv("NOTIFY_SOCKET") == NULL);
	CHECK_INT(msd_notify("READY=1\nSTATUS=watching"), 0);
	CHECK_STR(receive(fd), "READY=1\nSTATUS=watching");
	CHECK_INT(msd_notifyf("STATUS=%d kills", 3), 0);
	CHECK_STR(receive(fd), "STATUS=3 kills");
	close(fd);
	/* Nobody listens any more: an error, never a signal. */
	CHECK_INT(msd_notify("WATCHDOG=1"), -ECONNREFUSED);
	unlink(path);
	tap_rmtree(dir);

	snprintf(abstract, sizeof(abstract), "@memscoped-unit-%d", (int)getpid());
	fd = bind_notify(abstract);
	REQUIRE(fd >= 0);
	setenv("NOTIFY_SOCKET", abstract, 1);
	CHECK_INT(msd_notify_init(), 0);
	CHECK_INT(msd_notify("STOPPING=1"), 0);
	CHECK_STR(receive(fd), "STOPPING=1");
	/* A manager that stops reading: its queue fills, memscoped never blocks. */
	for (int i = 0, ret = 0; i < 1000 && !ret; i++) {
		ret = msd_notify("WATCHDOG=1");
		if (ret)
			CHECK_INT(ret, -EAGAIN);
	}
	close(fd);

	/* No socket named: nothing sent, nothing failed. */
	unsetenv("NOTIFY_SOCKET");
	CHECK_INT(msd_notify_init(), 0);
	CHECK_INT(msd_notify("READY=1"), 1);
	/* Not an AF_UNIX address (systemd also knows vsock: not here). */
	setenv("NOTIFY_SOCKET", "vsock:2:1234", 1);
	CHECK_INT(msd_notify_init(), -EINVAL);
	CHECK_INT(msd_notify("READY=1"), 1);
	setenv("NOTIFY_SOCKET", "@", 1);
	CHECK_INT(msd_notify_init(), -EINVAL);
}

static void watchdog_interval_is_half_and_for_us_only(void)
{
	char pid[16];

	unsetenv("NOTIFY_SOCKET");
	setenv("WATCHDOG_USEC", "30000000", 1);
	unsetenv("WATCHDOG_PID");
	msd_notify_init();
	CHECK_INT(msd_watchdog_interval_us(), 15000000);
	CHECK(getenv("WATCHDOG_USEC") == NULL);
	setenv("WATCHDOG_USEC", "30000000", 1);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	msd_notify_init();
	CHECK_INT(msd_watchdog_interval_us(), 15000000);
	/* Meant for another process (a parent shell): not ours to send. */
	setenv("WATCHDOG_USEC", "30000000", 1);
	setenv("WATCHDOG_PID", "1", 1);
	msd_notify_init();
	CHECK_INT(msd_watchdog_interval_us(), 0);
	msd_notify_init();
	CHECK_INT(msd_watchdog_interval_us(), 0);
}

const struct tap_test sdnotify_tests[] = {
	{ "sdnotify_datagrams_reach_path_and_abstract_sockets",
	  datagrams_reach_path_and_abstract_sockets },
	{ "sdnotify_watchdog_interval_is_half_and_for_us_only",
	  watchdog_interval_is_half_and_for_us_only },
	{ NULL, NULL },
};

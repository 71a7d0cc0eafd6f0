// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped unit tests: the kill sequence, on real child processes.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "killer.h"
#include "monotonic.h"
#include "children.h"
#include "unit.h"

/* The daemon's loop in small: poll the pidfds, service, until none is left. */
static void run_killer(struct msd_killer *k, int max_ms)
{
	uint64_t end = msd_now_ns() + (uint64_t)max_ms * 1000000;
	struct pollfd fds[MSD_MAX_PENDING];

	while (k->n && msd_now_ns() < end) {
		int n = msd_killer_pollfds(k, fds, MSD_MAX_PENDING);
		int timeout = msd_killer_timeout_ms(k, msd_now_ns());

		if (timeout < 0 || timeout > 50)
			timeout = 50;
		poll(fds, (nfds_t)n, timeout);
		msd_killer_service(k, msd_now_ns());
	}
}

static int reap(pid_t pid)
{
	int status = 0;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : 1000 + WEXITSTATUS(status);
}

static void sigterm_ends_a_cooperative_process(void)
{
	struct msd_metrics m = { 0 };
	struct msd_killer k;
	pid_t pid = msd_test_spawn_idle(false, false);
	char *log;

	REQUIRE(pid > 0);
	msd_killer_init(&k, 5000, 0, &m);
	CHECK_INT(msd_killer_start(&k, pid, "unit test", false), 0);
	CHECK_INT(k.n, 1);
	CHECK(msd_killer_pending(&k, pid));
	CHECK_INT(m.kills, 1);
	run_killer(&k, 3000);
	CHECK_INT(k.n, 0);	/* noticed the exit long before the grace ended */
	CHECK_INT(m.sigkills, 0);
	CHECK_INT(reap(pid), SIGTERM);
	log = tap_read_file(tap_log_path);
	CHECK_CONTAINS(log, "kill: SIGTERM to pid ");
	CHECK_CONTAINS(log, "unit test");
	CHECK_CONTAINS(log, "ms after SIGTERM");
	free(log);
	msd_killer_release(&k);
}

static void sigkill_follows_after_the_grace_period(void)
{
	struct msd_metrics m = { 0 };
	struct msd_killer k;
	pid_t pid = msd_test_spawn_idle(false, true);
	uint64_t t0;
	int timeout;

	REQUIRE(pid > 0);
	msd_killer_init(&k, 200, 0, &m);
	t0 = msd_now_ns();
	CHECK_INT(msd_killer_start(&k, pid, "unit test", false), 0);
	timeout = msd_killer_timeout_ms(&k, msd_now_ns());
	CHECK(timeout > 0 && timeout <= 200);
	run_killer(&k, 5000);
	CHECK(msd_now_ns() - t0 >= 200 * 1000000ULL);
	CHECK_INT(k.n, 0);
	CHECK_INT(m.kills, 1);
	CHECK_INT(m.sigkills, 1);
	CHECK_INT(reap(pid), SIGKILL);
	msd_killer_release(&k);
}

static void refuses_itself_twice_and_the_dead(void)
{
	struct msd_metrics m = { 0 };
	struct msd_killer k;
	pid_t pid;

	msd_killer_init(&k, 5000, 0, &m);
	CHECK_INT(msd_killer_timeout_ms(&k, msd_now_ns()), -1);
	/* Were the check missing, SIGTERM would end this test run here. */
	CHECK_INT(msd_killer_start(&k, getpid(), "unit test", false), -EPERM);
	CHECK_INT(k.n, 0);

	pid = msd_test_spawn_idle(false, false);
	REQUIRE(pid > 0);
	CHECK_INT(msd_killer_start(&k, pid, "first", false), 0);
	CHECK_INT(msd_killer_start(&k, pid, "second", false), -EALREADY);
	CHECK_INT(m.kills, 1);
	run_killer(&k, 3000);
	CHECK_INT(reap(pid), SIGTERM);
	/* Reaped: the pid is free, pidfd_open() says so. */
	CHECK_INT(msd_killer_start(&k, pid, "gone", false), -ESRCH);
	CHECK_INT(k.n, 0);
	msd_killer_release(&k);
}

/* A process /proc calls a kernel thread is left alone. */
static void leaves_what_proc_calls_a_kernel_thread(void)
{
	struct msd_metrics m = { 0 };
	struct msd_killer k;
	const char *dir = tap_tmpdir();
	char path[400], text[200];
	pid_t pid;
	int status;

	REQUIRE(dir != NULL);
	pid = msd_test_spawn_idle(false, false);
	REQUIRE(pid > 0);
	snprintf(path, sizeof(path), "%s/%d", dir, (int)pid);
	CHECK_INT(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%d/stat", dir, (int)pid);
	snprintf(text, sizeof(text), "%d (kworker) I 2 0 0 0 -1 %lu 0\n", (int)pid, 0x00208040UL);
	CHECK_INT(tap_write_file(path, text), 0);
	snprintf(path, sizeof(path), "%s/%d/oom_score_adj", dir, (int)pid);
	CHECK_INT(tap_write_file(path, "0\n"), 0);

	msd_killer_init(&k, 5000, 0, &m);
	k.proc = dir;
	CHECK_INT(msd_killer_start(&k, pid, "unit test", false), -EPERM);
	CHECK_INT(k.n, 0);
	CHECK_INT(m.kills, 0);
	usleep(50000);
	CHECK_INT(waitpid(pid, &status, WNOHANG), 0);	/* still running */
	kill(pid, SIGKILL);
	CHECK_INT(reap(pid), SIGKILL);
	CHECK_INT(tap_rmtree(dir), 0);
	msd_killer_release(&k);
}

const struct tap_test killer_tests[] = {
	{ "killer_sigterm_ends_a_cooperative_process", sigterm_ends_a_cooperative_process },
	{ "killer_sigkill_follows_after_the_grace_period", sigkill_follows_after_the_grace_period },
	{ "killer_refuses_itself_twice_and_the_dead", refuses_itself_twice_and_the_dead },
	{ "killer_leaves_what_proc_calls_a_kernel_thread", leaves_what_proc_calls_a_kernel_thread },
	{ NULL, NULL },
};

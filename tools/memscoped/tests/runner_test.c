// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped unit tests: commands run for records.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monotonic.h"
#include "runner.h"
#include "unit.h"

static struct memscope_event record(void)
{
	struct memscope_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.size = sizeof(ev);
	ev.seq = 7;
	ev.kind = MEMSCOPE_TRIG_LEVEL;
	ev.reason = MEMSCOPE_REASON_FIRED;
	ev.level = 2;
	ev.zone_level = 3;
	ev.node = 0;
	memcpy(ev.zone, "Normal", 7);
	ev.available_bytes = 3 << 20;
	return ev;
}

/* Reap until every command has ended (or MAX_MS passed). */
static void wait_commands(struct msd_runner *run, int max_ms)
{
	uint64_t end = msd_now_ns() + (uint64_t)max_ms * 1000000;

	while (run->n && msd_now_ns() < end) {
		usleep(10000);
		msd_runner_reap(run);
	}
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
	close(fd);
	return ret;
}

static void command_sees_the_record_and_a_clean_slate(void)
{
	struct memscope_event ev = record();
	struct msd_metrics m = { 0 };
	struct msd_runner run;
	const char *dir = tap_tmpdir();
	char out[300], cmd[1200], *text, *adj;
	sigset_t block, old;
	void (*old_pipe)(int), (*old_hup)(int);
	unsigned long long sig_ign;
	bool lowered;

	REQUIRE(dir != NULL);
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(cmd, sizeof(cmd),
		 "echo \"$MEMSCOPE_LEVEL $MEMSCOPE_SYSTEM_LEVEL $MEMSCOPE_KIND $MEMSCOPE_REASON "
		 "$MEMSCOPE_AVAILABLE_BYTES $MEMSCOPE_ZONE $MEMSCOPE_NODE $MEMSCOPE_SEQ\" > %s; "
		 "grep -E '^Sig(Blk|Ign)' /proc/self/status >> %s; "
		 "echo adj $(cat /proc/self/oom_score_adj) >> %s", out, out, out);
	/* As in the daemon: signals blocked for the signalfd, SIGPIPE ignored. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	old_pipe = signal(SIGPIPE, SIG_IGN);
	old_hup = signal(SIGHUP, SIG_IGN);	/* as under nohup */
	/* memscoped's own environment must not shadow the record's values. */
	setenv("MEMSCOPE_KIND", "stale", 1);
	/* As root, run like the daemon at -500: the command must not inherit it. */
	adj = tap_read_file("/proc/self/oom_score_adj");
	lowered = !write_str("/proc/self/oom_score_adj", "-500");

	msd_runner_init(&run, &m);
	CHECK_INT(msd_runner_start(&run, cmd, 12, &ev), 0);
	wait_commands(&run, 5000);
	CHECK_INT(run.n, 0);
	CHECK_INT(m.commands, 1);
	CHECK_INT(m.command_failures, 0);
	text = tap_read_file(out);
	CHECK_CONTAINS(text, "critical medium level fired 3145728 Normal 0 7\n");
	unsetenv("MEMSCOPE_KIND");
	CHECK_CONTAINS(text, "SigBlk:\t0000000000000000\n");
	/*
	 * No standard signal ignored. Bits 31 and 32 (signals 32 and 33) belong
	 * to the C library's threads and cannot be changed; a test runner may
	 * leave them ignored.
	 */
	sig_ign = text && strstr(text, "SigIgn:\t") ?
		  strtoull(strstr(text, "SigIgn:\t") + 8, NULL, 16) : ~0ULL;
	CHECK_INT(sig_ign & 0x7fffffffULL, 0);
	CHECK_CONTAINS(text, "adj 0\n");
	if (!lowered)
		printf("# not root: oom_score_adj reset checked from 0 only\n");

	if (adj && write_str("/proc/self/oom_score_adj", adj))
		tap_fail(__FILE__, __LINE__, "cannot restore oom_score_adj %s", adj);
	signal(SIGPIPE, old_pipe);
	signal(SIGHUP, old_hup);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(adj);
	free(text);
	unlink(out);
	rmdir(dir);
}

static void failures_are_counted_and_logged(void)
{
	struct memscope_event ev = record();
	struct msd_metrics m = { 0 };
	struct msd_runner run;
	char *log;

	msd_runner_init(&run, &m);
	CHECK_INT(msd_runner_start(&run, "exit 3", 20, &ev), 0);
	wait_commands(&run, 5000);
	CHECK_INT(m.commands, 1);
	CHECK_INT(m.command_failures, 1);
	/* A missing shell is an error at once, not a child that exits 127. */
	run.shell = "/nonexistent/sh";
	CHECK_INT(msd_runner_start(&run, "true", 21, &ev), -ENOENT);
	CHECK_INT(run.n, 0);
	CHECK_INT(m.commands, 1);
	CHECK_INT(m.command_failures, 2);
	/* A system-wide record: node -1, not 2^64 - 1. */
	run.shell = "/bin/sh";
	ev.node = -1;
	CHECK_INT(msd_runner_start(&run, "exit $((MEMSCOPE_NODE + 1))", 22, &ev), 0);
	wait_commands(&run, 5000);
	CHECK_INT(m.command_failures, 2);
	log = tap_read_file(tap_log_path);
	CHECK_CONTAINS(log, "(line 20) exited 3");
	CHECK_CONTAINS(log, "run: line 21: /nonexistent/sh: No such file or directory");
	CHECK_CONTAINS(log, "(line 22) exited 0");
	free(log);
}

static void one_run_per_rule_at_a_time(void)
{
	struct memscope_event ev = record();
	struct msd_metrics m = { 0 };
	struct msd_runner run;

	msd_runner_init(&run, &m);
	CHECK_INT(msd_runner_start(&run, "exec sleep 30", 30, &ev), 0);
	CHECK_INT(msd_runner_start(&run, "exec sleep 30", 30, &ev), -EBUSY);
	CHECK_INT(msd_runner_start(&run, "true", 31, &ev), 0);
	CHECK_INT(run.n, 2);
	CHECK_INT(m.commands, 2);
	for (int i = 0; i < run.n; i++)
		if (run.r[i].rule_line == 30)
			kill(run.r[i].pid, SIGKILL);
	wait_commands(&run, 5000);
	CHECK_INT(run.n, 0);
	CHECK_INT(m.command_failures, 1);	/* the killed sleep */
	/* Ended: the rule may run again. */
	CHECK_INT(msd_runner_start(&run, "true", 30, &ev), 0);
	wait_commands(&run, 5000);
	CHECK_INT(m.commands, 3);
}

const struct tap_test runner_tests[] = {
	{ "runner_command_sees_the_record_and_a_clean_slate", command_sees_the_record_and_a_clean_slate },
	{ "runner_failures_are_counted_and_logged", failures_are_counted_and_logged },
	{ "runner_one_run_per_rule_at_a_time", one_run_per_rule_at_a_time },
	{ NULL, NULL },
};

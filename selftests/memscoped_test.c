// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped (tools/memscoped) end to end in a guest: its config check, its
 * life cycle (subscribe, textfile, reload, clean stop), a process
 * registered by pid file killed when a kernel hog raises pressure, a
 * runaway user-space hog killed by memscoped before the kernel's OOM killer
 * acts, and dropped records logged and counted with none lost silently.
 * Every verdict comes from what really happened: wait statuses, the
 * kernel's oom_kill counter and log, memscoped's log and textfile.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/klog.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "msview.h"
#include "msparse_events.h"
#include <linux/memscope.h>

#define MEMSCOPED "/tools/memscoped"
#define WORK "/tmp/memscoped-e2e"
#define CONF WORK "/memscoped.conf"
#define LOG WORK "/memscoped.log"
#define OUT WORK "/stdout.log"
#define PROM WORK "/memscope.prom"
#define PIDFILE WORK "/sleeper.pid"
#define CMD_OUT WORK "/command.out"
#define HOOK_OUT WORK "/hook.out"
#define PRESSURE "/sys/kernel/debug/memscope/pressure"
#define EVENTS "/sys/kernel/debug/memscope/events"
#define BOOST_SYSCTL "/proc/sys/vm/watermark_boost_factor"

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -errno;
	ret = fputs(text, f) < 0 ? -EIO : 0;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

/* The kernel's own count of OOM kills (/proc/vmstat oom_kill). */
static long long oom_kill_count(void)
{
	char *t = ms_slurp("/proc/vmstat"), *p;
	long long v = -1;

	if (!t)
		return -1;
	p = strstr(t, "\noom_kill ");
	if (p)
		v = strtoll(p + 10, NULL, 10);
	free(t);
	return v;
}

/* The kernel's lines about OOM kills, to explain a failure. */
static void dump_oom_lines(void)
{
	char *t = ms_kernel_log(), *line, *save = NULL;

	for (line = t ? strtok_r(t, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save))
		if (strstr(line, "oom") || strstr(line, "Out of memory"))
			fprintf(stderr, "# kernel: %s\n", line);
	free(t);
}

/* Lines of the kernel log that say the OOM killer ran. */
static int oom_log_lines(void)
{
	char *buf = ms_kernel_log(), *p;
	int n = 0;

	if (!buf)
		return -1;
	for (p = buf; (p = strstr(p, "invoked oom-killer")); p++)
		n++;
	for (p = buf; (p = strstr(p, "Out of memory")); p++)
		n++;
	free(buf);
	return n;
}

/* 1 once NEEDLE is in the file at PATH, 0 after MS milliseconds. */
static int wait_for_text(const char *path, const char *needle, int ms)
{
	long long end = ms_now_ms() + ms;

	do {
		char *t = ms_slurp(path);
		int found = t && strstr(t, needle);

		free(t);
		if (found)
			return 1;
		sleep_ms(20);
	} while (ms_now_ms() < end);
	return 0;
}

static int file_has(const char *path, const char *needle)
{
	return wait_for_text(path, needle, 0);
}

/*
 * memscoped's log, "# "-prefixed, to explain a failure. On stderr: the
 * harness ends a test with _exit(), which would lose buffered stdout.
 */
static void dump(const char *path)
{
	char *t = ms_slurp(path), *line, *save = NULL;

	fprintf(stderr, "# ---- %s\n", path);
	for (line = t ? strtok_r(t, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save))
		fprintf(stderr, "# %s\n", line);
	free(t);
}

static pid_t start_memscoped(void)
{
	pid_t pid;

	unlink(LOG);
	unlink(PROM);
	pid = fork();
	if (pid == 0) {
		int fd = open(OUT, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execl(MEMSCOPED, "memscoped", "-c", CONF, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Wait up to MS for PID to end; its status, or -1 if it did not end. */
static int wait_end(pid_t pid, int ms, int *status)
{
	long long end = ms_now_ms() + ms;

	do {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 0;
		if (r < 0)
			return -1;
		sleep_ms(10);
	} while (ms_now_ms() < end);
	return -1;
}

/* A "sleep 1000" registered by its pid file. */
static pid_t start_sleeper(void)
{
	char text[32];
	pid_t pid = fork();

	if (pid == 0) {
		execl("/bin/sleep", "sleep", "1000", (char *)NULL);
		_exit(127);
	}
	if (pid > 0) {
		snprintf(text, sizeof(text), "%d\n", (int)pid);
		if (write_file(PIDFILE, text))
			return -1;
	}
	return pid;
}

static int set_param(const char *name, long long v)
{
	char text[32];

	snprintf(text, sizeof(text), "%lld", v);
	return ms_param_set(name, text);
}

/*
 * Watermark boosting raises every watermark by a pageblock when the
 * allocator steals from another migratetype: 4 MiB on versatilepb, where
 * a 32M guest has about 10 MiB free. It would move the lines the hog aims
 * at and can starve the guest outright, so it is off from the first test
 * to the last (set in the harness's parent, before any test forks).
 */
static char boost_saved[32];

__attribute__((constructor)) static void boost_off(void)
{
	char *t = ms_slurp(BOOST_SYSCTL);

	if (t && !ms_write_str(BOOST_SYSCTL, "0"))
		snprintf(boost_saved, sizeof(boost_saved), "%s", t);
	free(t);
}

__attribute__((destructor)) static void boost_restore(void)
{
	if (boost_saved[0])
		ms_write_str(BOOST_SYSCTL, boost_saved);
}

TEST(config_check_mode)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, mkdir(WORK, 0755) && errno != EEXIST ? -errno : 0);
	ASSERT_EQ(0, write_file(CONF, "trigger level medium\non medium kill pidfile=/run/x.pid\n"));
	for (int bad = 0; bad < 2; bad++) {
		pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			int fd = open(OUT, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			dup2(fd, 1);
			dup2(fd, 2);
			execl(MEMSCOPED, "memscoped", "-t", "-c", CONF, (char *)NULL);
			_exit(127);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		if (!bad) {
			EXPECT_EQ(0, WEXITSTATUS(status));
			EXPECT_TRUE(file_has(OUT, "1 triggers, 1 rules: OK"));
			/* Now a mistake on line 2: refused, with the line named. */
			ASSERT_EQ(0, write_file(CONF, "trigger level medium\ntrigger level severe\n"));
		} else {
			EXPECT_EQ(2, WEXITSTATUS(status));
			EXPECT_TRUE(file_has(OUT, CONF ":2: trigger 'level severe': syntax error"));
		}
	}
}

FIXTURE(e2e) {
	pid_t daemon;
	long long oom_kills, period, fast_period, queue_len;
	int oom_lines;
};

FIXTURE_SETUP(e2e)
{
	int ret;

	self->daemon = -1;
	ASSERT_EQ(0, mkdir(WORK, 0755) && errno != EEXIST ? -errno : 0);
	ASSERT_EQ(0, access(MEMSCOPED, X_OK)) TH_LOG("%s: %s", MEMSCOPED, strerror(errno));
	ret = ms_load_helper(NULL);
	ASSERT_EQ(0, ret) TH_LOG("load %s: %s", MS_HELPER_KO, strerror(-ret));
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hog_release all"));
	ASSERT_NE(0, boost_saved[0]) TH_LOG("%s could not be set to 0", BOOST_SYSCTL);
	/* Watermarks boosted before would drop mid-test: reset them. */
	ASSERT_EQ(0, ms_reset_boost());
	self->period = ms_param_get("period_ms");
	self->fast_period = ms_param_get("fast_period_ms");
	self->queue_len = ms_param_get("queue_len");
	ASSERT_GT(self->period, 0);
	ASSERT_GT(self->fast_period, 0);
	ASSERT_GT(self->queue_len, 0);
	self->oom_kills = oom_kill_count();
	self->oom_lines = oom_log_lines();
	ASSERT_GE(self->oom_kills, 0);
	ASSERT_GE(self->oom_lines, 0);
}

FIXTURE_TEARDOWN(e2e)
{
	int status;

	if (self->daemon > 0 && wait_end(self->daemon, 0, &status)) {
		kill(self->daemon, SIGKILL);
		waitpid(self->daemon, &status, 0);
	}
	ms_write_str(MS_HELPER_CTL, "hog_release all");
	if (self->period > 0)
		set_param("period_ms", self->period);
	if (self->fast_period > 0)
		set_param("fast_period_ms", self->fast_period);
	if (self->queue_len > 0)
		set_param("queue_len", self->queue_len);
}

/* Starts memscoped with CONF and waits for it to be subscribed. */
static int run_daemon(struct __test_metadata *_metadata, pid_t *pid, const char *conf)
{
	if (write_file(CONF, conf))
		return -1;
	*pid = start_memscoped();
	if (*pid < 0)
		return -1;
	if (!wait_for_text(LOG, "running: ", 10000)) {
		dump(OUT);
		dump(LOG);
		return -1;
	}
	return 0;
}

TEST_F(e2e, subscribes_writes_textfile_reloads_and_stops)
{
	struct ms_subscriber_row sub;
	char path[64], *t;
	bool mine;
	int status;

	unlink(CMD_OUT);
	/*
	 * "now" fires at once (no guest has 1 TiB available): its command
	 * shows what a command gets. memscoped runs at oom_score_adj -1000;
	 * the command must not.
	 */
	ASSERT_EQ(0, run_daemon(_metadata, &self->daemon,
				"trigger level low clear\ntrigger oom\n"
				"trigger now: available below 1024G\n"
				"on now run echo \"$MEMSCOPE_KIND $MEMSCOPE_REASON node $MEMSCOPE_NODE "
				"adj $(cat /proc/self/oom_score_adj)\" > " CMD_OUT "\n"
				"interval 250ms\ntextfile " PROM "\nlog " LOG "\n"));
	EXPECT_TRUE(file_has(LOG, "/dev/memscope: ABI version 1"));
	EXPECT_TRUE(wait_for_text(CMD_OUT, "available fired node -1 adj 0\n", 20000)) {
		dump(CMD_OUT);
		dump(LOG);
	}
	EXPECT_TRUE(wait_for_text(PROM, "\nmemscope_commands_total 1\n", 5000));
	/* The kernel's view of the subscriber memscoped is. */
	snprintf(path, sizeof(path), " pid %d uid 0 triggers 3 ", (int)self->daemon);
	t = ms_slurp(EVENTS);
	ASSERT_TRUE(t != NULL);
	mine = !ms_events_subscriber(t, self->daemon, &sub) && sub.uid == 0 && sub.triggers == 3;
	EXPECT_TRUE(mine) TH_LOG("no '%s' in %s", path, EVENTS);
	EXPECT_TRUE(mine && sub.interval_ms == 250);
	free(t);
	EXPECT_TRUE(file_has(LOG, "trigger 1: level low clear (line 1)"));
	EXPECT_TRUE(file_has(LOG, "trigger 2: oom (line 2)"));
	EXPECT_TRUE(wait_for_text(PROM, "\nmemscope_kills_total 0\n", 2000));
	/* Protected from the OOM killer and locked in memory by default. */
	ms_oracle("/proc/PID/oom_score_adj, status VmLck and sched_getscheduler()");
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)self->daemon);
	t = ms_slurp(path);
	ASSERT_TRUE(t != NULL);
	EXPECT_EQ(-1000, atoi(t));
	free(t);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)self->daemon);
	t = ms_slurp(path);
	ASSERT_TRUE(t != NULL);
	EXPECT_TRUE(strstr(t, "VmLck:\t       0 kB") == NULL) TH_LOG("not mlock()ed");
	free(t);
	/* Ahead of ordinary tasks, its forks not. */
	EXPECT_EQ(SCHED_FIFO | SCHED_RESET_ON_FORK, sched_getscheduler(self->daemon));

	/* SIGHUP: a broken config is refused, a good one replaces the old. */
	ASSERT_EQ(0, write_file(CONF, "trigger level sometimes\n"));
	ASSERT_EQ(0, kill(self->daemon, SIGHUP));
	EXPECT_TRUE(wait_for_text(LOG, "keeping the running configuration", 5000));
	ASSERT_EQ(0, write_file(CONF, "trigger level low\ntrigger level medium\ntrigger oom\n"
				"textfile " PROM "\nlog " LOG "\n"));
	ASSERT_EQ(0, kill(self->daemon, SIGHUP));
	EXPECT_TRUE(wait_for_text(LOG, "reload: " CONF ": 3 triggers, 0 rules", 5000));
	EXPECT_TRUE(file_has(LOG, "trigger 5: level medium (line 2)"));

	ASSERT_EQ(0, kill(self->daemon, SIGTERM));
	ASSERT_EQ(0, wait_end(self->daemon, 5000, &status)) TH_LOG("still running");
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_TRUE(file_has(LOG, "stopping on SIGTERM"));
	EXPECT_TRUE(file_has(LOG, "exiting with status 0"));
	self->daemon = -1;
	if (_metadata->passed == 0)
		dump(LOG);
}

/* "sh /tools/S50memscoped ACTION" with this test's paths; its exit status. */
static int init_script(const char *action)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(OUT, O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		setenv("DAEMON", MEMSCOPED, 1);
		setenv("CONF", CONF, 1);
		setenv("PIDFILE", WORK "/memscoped.pid", 1);
		execl("/bin/sh", "sh", "/tools/S50memscoped", action, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Running and not a zombie (a daemon's parent may be slow to reap it). */
static int running(pid_t pid)
{
	char path[64], *t;
	int alive;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	t = ms_slurp(path);
	alive = t && !strstr(t, "State:\tZ");
	free(t);
	return alive;
}

/* The busybox init script: config checked before start, reload, stop. */
TEST_F(e2e, init_script_starts_reloads_and_stops)
{
	char *t, comm[32] = "";
	pid_t pid;

	unlink(OUT);
	unlink(WORK "/memscoped.pid");
	unlink(LOG);
	ASSERT_EQ(0, write_file(CONF, "trigger level medium\non medium kill oom_score_adj>=2000\n"));
	EXPECT_NE(0, init_script("start"));
	EXPECT_TRUE(file_has(OUT, "Starting memscoped: FAIL: memscoped: " CONF
			     ":2: oom_score_adj threshold '2000' is not in -999..1000"));
	EXPECT_NE(0, access(WORK "/memscoped.pid", F_OK));

	ASSERT_EQ(0, write_file(CONF, "trigger level medium\nlog " LOG "\n"));
	ASSERT_EQ(0, init_script("start"));
	EXPECT_TRUE(file_has(OUT, "Starting memscoped: OK"));
	t = ms_slurp(WORK "/memscoped.pid");
	ASSERT_TRUE(t != NULL);
	pid = atoi(t);
	free(t);
	ASSERT_GT(pid, 1);
	EXPECT_TRUE(wait_for_text(LOG, "running: 1 triggers", 10000));
	snprintf(comm, sizeof(comm), "/proc/%d/comm", (int)pid);
	t = ms_slurp(comm);
	EXPECT_TRUE(t && !strcmp(t, "memscoped\n"));
	free(t);

	ASSERT_EQ(0, write_file(CONF, "trigger level medium\ntrigger oom\nlog " LOG "\n"));
	EXPECT_EQ(0, init_script("reload"));
	EXPECT_TRUE(wait_for_text(LOG, "reload: " CONF ": 2 triggers, 0 rules", 5000));

	EXPECT_EQ(0, init_script("stop"));
	EXPECT_TRUE(file_has(OUT, "Stopping memscoped: OK"));
	EXPECT_FALSE(running(pid));
	EXPECT_TRUE(file_has(LOG, "stopping on SIGTERM"));
	EXPECT_NE(0, access(WORK "/memscoped.pid", F_OK));
	if (running(pid))
		kill(pid, SIGKILL);
	if (_metadata->passed == 0) {
		dump(OUT);
		dump(LOG);
	}
}

struct zstate {
	long long usable, min, low;
	char sys_level[16];
};

static int read_zone(const char *scope, struct zstate *z)
{
	char *t = ms_slurp(PRESSURE);
	int ret;

	if (!t)
		return -1;
	ret = ms_kv_get(t, scope, "usable_free_pages", NULL, &z->usable) ||
	      ms_kv_get(t, scope, "watermark_pages", "min", &z->min) ||
	      ms_kv_get(t, scope, "watermark_pages", "low", &z->low) ||
	      ms_kv_str(t, "system", "level", z->sys_level, sizeof(z->sys_level));
	free(t);
	return ret ? -1 : 0;
}

/*
 * Zones below the one ordinary allocations use (DMA, DMA32) count in the
 * system level through their watermarks and lowmem reserves, but ordinary
 * allocations only reach them once that zone is low. Take them down to
 * their min first, with zone-specific allocations: then the system level
 * follows the main zone, and the main zone keeps serving the rest of the
 * guest above its min watermark (no direct reclaim, no OOM).
 */
static void drain_lower_zones(struct __test_metadata *_metadata, int node,
			      const char *target)
{
	ASSERT_EQ(0, ms_drain_lower_zones(node, target));
}

/*
 * The kernel hog takes the zone ordinary allocations use into its band
 * between the min and low watermarks, deeper step by step until the system
 * level is at least medium: memscoped kills the "sleep" its pid file names,
 * and no OOM kill happens.
 */
TEST_F_TIMEOUT(e2e, kills_registered_process_when_a_kernel_hog_raises_pressure, 120)
{
	char conf[512], scope[48], zone[16], cmd[64], *t, needle[96];
	long long t0, t_kill = -1;
	struct zstate z;
	int node, status;
	pid_t sleeper;

	ASSERT_EQ(0, set_param("period_ms", 50));
	ASSERT_EQ(0, set_param("fast_period_ms", 50));
	sleeper = start_sleeper();
	ASSERT_GT(sleeper, 0);
	snprintf(conf, sizeof(conf),
		 "trigger level medium\n"
		 "on medium kill pidfile=" PIDFILE "\n"
		 "kill_grace_ms 500\n"
		 "textfile " PROM "\nlog " LOG "\n");
	ASSERT_EQ(0, run_daemon(_metadata, &self->daemon, conf));

	/* Which zone do ordinary allocations come from? */
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hog_take 1 nowait"));
	t = ms_slurp(MS_HELPER_CTL);
	ASSERT_TRUE(t != NULL);
	ASSERT_EQ(2, sscanf(strstr(t, "hog ") ?: "", "hog %d %15s", &node, zone));
	free(t);
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hog_release all"));
	snprintf(scope, sizeof(scope), "node%d/%s", node, zone);
	drain_lower_zones(_metadata, node, zone);

	t0 = ms_now_ms();
	/*
	 * Half-way into the band, then a quarter and an eighth of it above
	 * min. Never closer: in these guests nothing is reclaimable (the
	 * root file system is in RAM), so a page taken below min by memscoped's
	 * log, this test's output or a debugfs read wakes the OOM killer
	 * (versatilepb-notracepoints at 64M once panicked that way).
	 */
	for (int step = 0; step < 3 && t_kill < 0; step++) {
		long long target;
		int ret;

		ASSERT_EQ(0, read_zone(scope, &z));
		target = z.min + (z.low - z.min) / (2 << step);
		if (target < z.min + 8)
			target = z.min + 8;
		if (z.usable > target) {
			snprintf(cmd, sizeof(cmd), "hog_take %lld nowait", z.usable - target);
			ret = ms_write_str(MS_HELPER_CTL, cmd);
			ASSERT_TRUE(ret == 0 || ret == -ENOMEM);
		}
		/* Give the level, memscoped and the kill their time. */
		for (int i = 0; i < 100 && t_kill < 0; i++)
			if (!wait_end(sleeper, 20, &status))
				t_kill = ms_now_ms();
	}
	/* The hog goes first: what follows allocates. */
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hog_release all"));
	TH_LOG("%s before the last step: usable %lld pages (min %lld, low %lld), system level %s; killed after %lld ms",
	       scope, z.usable, z.min, z.low, z.sys_level, t_kill < 0 ? -1 : t_kill - t0);
	if (t_kill < 0) {
		kill(sleeper, SIGKILL);
		waitpid(sleeper, &status, 0);
		dump(LOG);
	}
	ASSERT_GE(t_kill, 0) TH_LOG("the registered process is still alive");
	ms_oracle("wait status; /proc/vmstat oom_kill and the kernel log");
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	snprintf(needle, sizeof(needle), "kill: SIGTERM to pid %d (sleep, ", (int)sleeper);
	EXPECT_TRUE(file_has(LOG, needle));
	EXPECT_TRUE(file_has(LOG, "(level medium) fired: level "));
	EXPECT_TRUE(wait_for_text(PROM, "\nmemscope_kills_total 1\n", 2000));
	EXPECT_EQ(self->oom_kills, oom_kill_count());
	EXPECT_EQ(self->oom_lines, oom_log_lines());
	ASSERT_EQ(0, kill(self->daemon, SIGTERM));
	ASSERT_EQ(0, wait_end(self->daemon, 5000, &status));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	self->daemon = -1;
	if (_metadata->passed == 0)
		dump(LOG);
}

/*
 * A runaway process (oom_score_adj 1000, so registered by the threshold
 * rules) allocates and touches memory without end, as fast as it can.
 * memscoped must stop it when available memory falls below three
 * quarters of what it was (an lmkd-style "minfree" trigger), or at medium
 * pressure at the latest: it dies of memscoped's SIGTERM (or SIGKILL after
 * the grace period, which memscoped logs), and the kernel never OOM-kills.
 *
 * A runaway crosses the few hundred KiB between the low and min
 * watermarks in milliseconds: levels alone are a late signal for it. The
 * sampling period is lowered to 20 ms so the available trigger is checked
 * often enough (Documentation/memscoped.rst, "Thresholds and sampling").
 * At 32M the runaway takes about 60 KiB a millisecond, and on ARMv5 the
 * chain from allocation to signal (irq_work on the 10 ms tick, the
 * notification work, the daemon) took longer than the 3.8 MiB between
 * half of what was available and the OOM point once in a dozen runs: the
 * line at three quarters leaves it twice that.
 */
TEST_F_TIMEOUT(e2e, kills_runaway_before_the_oom_killer, 180)
{
	long long t0, mib, avail, page = sysconf(_SC_PAGESIZE);
	/* Written by the child only, read once it has ended: no atomics needed. */
	volatile long *shared;
	char needle[96], conf[768], *t;
	int status;
	pid_t hog;

	ASSERT_EQ(0, set_param("period_ms", 20));
	ASSERT_EQ(0, set_param("fast_period_ms", 20));
	/* A level left over from an earlier test would fire at once. */
	for (t0 = ms_now_ms(); ms_now_ms() - t0 < 10000; sleep_ms(100)) {
		char level[16] = "";

		t = ms_slurp(PRESSURE);
		ASSERT_TRUE(t != NULL);
		ASSERT_EQ(0, ms_kv_str(t, "system", "level", level, sizeof(level)));
		ASSERT_EQ(0, ms_kv_get(t, "system", "available_pages", NULL, &avail));
		free(t);
		if (!strcmp(level, "none"))
			break;
	}
	snprintf(conf, sizeof(conf),
		 "trigger early: available below %lldK\n"
		 "trigger level medium\n"
		 "trigger oom\n"
		 "on early kill oom_score_adj>=900\n"
		 "on medium kill oom_score_adj>=900\n"
		 "kill_grace_ms 200\n"
		 "textfile " PROM "\nlog " LOG "\n", (avail * page >> 10) * 3 / 4);
	ASSERT_EQ(0, run_daemon(_metadata, &self->daemon, conf));
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(shared != MAP_FAILED);
	*shared = 0;
	t0 = ms_now_ms();
	hog = ms_fork_oom_hog(shared);
	ASSERT_GE(hog, 0);
	ASSERT_EQ(0, wait_end(hog, 150000, &status)) {
		kill(hog, SIGKILL);
		waitpid(hog, &status, 0);
	}
	mib = *shared;
	TH_LOG("the runaway took %lld MiB in %lld ms and ended by signal %d",
	       mib, ms_now_ms() - t0, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	munmap((void *)shared, 4096);
	ms_oracle("wait status; /proc/vmstat oom_kill and the kernel log");
	EXPECT_TRUE(WIFSIGNALED(status));
	snprintf(needle, sizeof(needle), "kill: SIGTERM to pid %d (", (int)hog);
	EXPECT_TRUE(wait_for_text(LOG, needle, 2000));
	t = ms_slurp(LOG);
	if (t && strstr(t, "event ["))
		TH_LOG("memscoped: %.*s", (int)strcspn(strstr(t, "event ["), "\n"), strstr(t, "event ["));
	if (t && strstr(t, needle))
		TH_LOG("memscoped: %.*s", (int)strcspn(strstr(t, needle), "\n"), strstr(t, needle));
	free(t);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
		snprintf(needle, sizeof(needle), "kill: pid %d (memscoped_test) still alive", (int)hog);
		EXPECT_TRUE(file_has(LOG, needle)) TH_LOG("SIGKILL, but not memscoped's");
	} else {
		EXPECT_EQ(SIGTERM, WTERMSIG(status));
	}
	/* The point of it all: the kernel's OOM killer never ran. */
	EXPECT_EQ(self->oom_kills, oom_kill_count());
	EXPECT_EQ(self->oom_lines, oom_log_lines());
	EXPECT_TRUE(wait_for_text(PROM, "\nmemscope_kills_total 1\n", 2000));
	ASSERT_EQ(0, kill(self->daemon, SIGTERM));
	ASSERT_EQ(0, wait_end(self->daemon, 5000, &status));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	self->daemon = -1;
	if (_metadata->passed == 0) {
		dump(LOG);
		dump_oom_lines();
	}
}

/* Sum of N over the lines "...KEY N..." of the file at PATH, and their count. */
static long long sum_after(const char *path, const char *key, int *lines)
{
	char *t = ms_slurp(path), *p;
	long long sum = 0;

	*lines = 0;
	for (p = t; p && (p = strstr(p, key)); p += strlen(key)) {
		sum += strtoll(p + strlen(key), NULL, 10);
		(*lines)++;
	}
	free(t);
	return sum;
}

/*
 * memscoped stopped (SIGSTOP) while an available-memory trigger fires and
 * clears again and again overflows its 4-record queue. Once it runs again,
 * every sequence number is accounted for: logged as a record, or counted
 * as dropped (in the log and in the textfile).
 */
TEST_F_TIMEOUT(e2e, dropped_records_are_logged_and_counted, 120)
{
	long long avail, page = sysconf(_SC_PAGESIZE), dropped, max_seq = 0, prom = -1;
	long long queued = -1, nread = -1, kdropped = -1;
	int events, drop_lines, status;
	char conf[512], cmd[64], *t, *p;

	ASSERT_EQ(0, set_param("period_ms", 20));
	ASSERT_EQ(0, set_param("fast_period_ms", 20));
	ASSERT_EQ(0, set_param("queue_len", 4));
	t = ms_slurp(PRESSURE);
	ASSERT_TRUE(t != NULL);
	ASSERT_EQ(0, ms_kv_get(t, "system", "available_pages", NULL, &avail));
	free(t);
	/* Fires 2M below what is available now, re-arms 1M below. */
	snprintf(conf, sizeof(conf),
		 "trigger available below %lldK above %lldK clear\n"
		 "textfile " PROM "\nlog " LOG "\n",
		 (avail * page >> 10) - 2048, (avail * page >> 10) - 1024);
	ASSERT_EQ(0, run_daemon(_metadata, &self->daemon, conf));
	ASSERT_EQ(0, kill(self->daemon, SIGSTOP));
	for (int i = 0; i < 10; i++) {
		snprintf(cmd, sizeof(cmd), "hog_take %lld nowait", (3LL << 20) / page);
		ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
		sleep_ms(150);
		ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hog_release all"));
		sleep_ms(150);
	}
	ASSERT_EQ(0, kill(self->daemon, SIGCONT));
	EXPECT_TRUE(wait_for_text(LOG, "records before #", 5000));
	sleep_ms(500);

	dropped = sum_after(LOG, "the kernel dropped ", &drop_lines);
	sum_after(LOG, "] #", &events);
	t = ms_slurp(LOG);
	for (p = t; p && (p = strstr(p, "] #")); p += 3)
		max_seq = strtoll(p + 3, NULL, 10);
	free(t);
	/*
	 * memscoped rewrites the textfile after it has drained the queue and
	 * read the module's views, which takes a slow debug kernel on one CPU
	 * more than the half second above: wait for the count, up to 5 s.
	 */
	for (long long end = ms_now_ms() + 5000; prom != dropped && ms_now_ms() < end;
	     sleep_ms(50)) {
		t = ms_slurp(PROM);
		if (t && strstr(t, "\nmemscope_dropped_records_total "))
			prom = strtoll(strstr(t, "\nmemscope_dropped_records_total ") + 32,
				       NULL, 10);
		free(t);
	}
	TH_LOG("%d records logged, %lld dropped (in %d log lines), last seq %lld, textfile %lld",
	       events, dropped, drop_lines, max_seq, prom);
	EXPECT_GT(dropped, 0);
	EXPECT_EQ(max_seq, events + dropped);
	EXPECT_EQ(dropped, prom);
	EXPECT_FALSE(file_has(LOG, "sequence gap"));

	/* At exit memscoped logs the kernel's totals (MEMSCOPE_IOC_STATS). */
	ASSERT_EQ(0, kill(self->daemon, SIGTERM));
	ASSERT_EQ(0, wait_end(self->daemon, 5000, &status));
	self->daemon = -1;
	t = ms_slurp(LOG);
	p = t ? strstr(t, " records queued, ") : NULL;
	ASSERT_TRUE(p != NULL) dump(LOG);
	while (p > t && p[-1] != ' ')	/* back to the first number */
		p--;
	ASSERT_EQ(3, sscanf(p, "%lld records queued, %lld read, %lld dropped",
			    &queued, &nread, &kdropped));
	free(t);
	TH_LOG("kernel: %lld queued, %lld read, %lld dropped", queued, nread, kdropped);
	EXPECT_EQ(kdropped, dropped);
	EXPECT_EQ(nread, events);
	EXPECT_EQ(queued, max_seq);
	EXPECT_FALSE(file_has(LOG, "memscoped counted"));
	if (_metadata->passed == 0)
		dump(LOG);
}

/* memscoped's status line KEY ("VmLck:") in kB, or -1. */
static long long status_kb(pid_t pid, const char *key)
{
	char path[64], *t, *p;
	long long v = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	t = ms_slurp(path);
	p = t ? strstr(t, key) : NULL;
	if (p)
		v = strtoll(p + strlen(key), NULL, 10);
	free(t);
	return v;
}

/*
 * "log stdout", "mlock no" and "realtime no": every line goes to stdout
 * (no log file appears), the daemon holds no locked memory and runs as an
 * ordinary task. The kernel says so: VmLck in /proc/PID/status and the
 * policy sched_getscheduler() reports.
 */
TEST_F(e2e, stdout_log_without_mlock_or_realtime)
{
	char head[48];
	int status;

	ASSERT_EQ(0, write_file(CONF, "trigger now: available below 1024G\n"
				"log stdout\nmlock no\nrealtime no\n"));
	self->daemon = start_memscoped();
	ASSERT_GT(self->daemon, 0);
	ASSERT_TRUE(wait_for_text(OUT, "running: 1 triggers", 10000)) dump(OUT);
	/* The trigger fires at once: its event line goes to stdout too. */
	EXPECT_TRUE(wait_for_text(OUT, "available below 1024G) fired", 5000)) dump(OUT);
	snprintf(head, sizeof(head), "Z memscoped[%d]: ", (int)self->daemon);
	EXPECT_TRUE(file_has(OUT, head)) dump(OUT);
	EXPECT_NE(0, access(LOG, F_OK));
	ms_oracle("/proc/PID/status VmLck and sched_getscheduler()");
	EXPECT_EQ(0, status_kb(self->daemon, "VmLck:"));
	EXPECT_EQ(SCHED_OTHER, sched_getscheduler(self->daemon));

	ASSERT_EQ(0, kill(self->daemon, SIGTERM));
	ASSERT_EQ(0, wait_end(self->daemon, 5000, &status));
	self->daemon = -1;
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_TRUE(file_has(OUT, "exiting with status 0"));
	EXPECT_NE(0, access(LOG, F_OK));
}

#define SYSLOG_SOCK "/dev/log"
#define SYSLOG_AWAY "/dev/log.memscoped-test"

/*
 * "log syslog": lines go to /dev/log as facility daemon, tagged
 * memscoped[PID]. This test is the syslog daemon: it binds /dev/log (an
 * existing one is moved aside meanwhile) and reads the datagrams.
 */
TEST_F(e2e, syslog_log)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static char all[16384];
	bool moved = !rename(SYSLOG_SOCK, SYSLOG_AWAY);
	size_t used = 0;
	char tag[64];
	int sock, status;
	pid_t pid;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", SYSLOG_SOCK);
	sock = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (sock < 0 && (errno == EAFNOSUPPORT || errno == ENOSYS))
		SKIP(return, "kernel without AF_UNIX sockets");
	ASSERT_GE(sock, 0);
	ASSERT_EQ(0, bind(sock, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, write_file(CONF, "trigger now: available below 1024G\nlog syslog\n"));
	self->daemon = start_memscoped();
	pid = self->daemon;
	ASSERT_GT(self->daemon, 0);
	for (long long end = ms_now_ms() + 10000; ms_now_ms() < end && used < sizeof(all) - 2;) {
		struct pollfd p = { .fd = sock, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 100) != 1)
			continue;
		n = recv(sock, all + used, sizeof(all) - 2 - used, 0);
		if (n <= 0)
			break;
		used += n;
		all[used++] = '\n';
		all[used] = '\0';
		if (strstr(all, "available below 1024G) fired"))
			break;
	}
	kill(self->daemon, SIGTERM);
	EXPECT_EQ(0, wait_end(self->daemon, 5000, &status));
	self->daemon = -1;
	close(sock);
	unlink(SYSLOG_SOCK);
	if (moved)
		rename(SYSLOG_AWAY, SYSLOG_SOCK);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* <30>: facility daemon (3 << 3), priority info (6). */
	snprintf(tag, sizeof(tag), "memscoped[%d]: running: 1 triggers", (int)pid);
	EXPECT_TRUE(strstr(all, "<30>") != NULL) TH_LOG("received: %s", all);
	EXPECT_TRUE(strstr(all, tag) != NULL) TH_LOG("no '%s' in: %s", tag, all);
	EXPECT_TRUE(strstr(all, "available below 1024G) fired") != NULL);
	/* Nothing went to stdout or stderr once the log was open. */
	EXPECT_FALSE(file_has(OUT, "running: "));
}

/*
 * SIGHUP reopens the log file: after a rotation (the file renamed away),
 * the lines of the reload go to a new file at the configured path, and
 * none to the renamed one.
 */
TEST_F(e2e, sighup_reopens_a_rotated_log)
{
	static const char rotated[] = LOG ".1";
	int status;

	unlink(rotated);
	ASSERT_EQ(0, run_daemon(_metadata, &self->daemon, "trigger level low\nlog " LOG "\n"));
	ASSERT_EQ(0, rename(LOG, rotated));
	ASSERT_EQ(0, kill(self->daemon, SIGHUP));
	EXPECT_TRUE(wait_for_text(LOG, "reload: " CONF ": 1 triggers, 0 rules", 5000))
		dump(rotated);
	EXPECT_FALSE(file_has(rotated, "reload: "));
	EXPECT_TRUE(file_has(rotated, "running: 1 triggers"));
	ASSERT_EQ(0, kill(self->daemon, SIGTERM));
	ASSERT_EQ(0, wait_end(self->daemon, 5000, &status));
	self->daemon = -1;
	EXPECT_TRUE(file_has(LOG, "exiting with status 0"));
	EXPECT_FALSE(file_has(rotated, "exiting"));
}

/* memscoped's descriptor of /dev/memscope, as its own number, or -1. */
static int daemon_dev_fd(pid_t pid)
{
	char path[64], target[64];

	for (int fd = 0; fd < 64; fd++) {
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (!strcmp(target, "/dev/memscope"))
			return fd;
	}
	return -1;
}

/*
 * A record memscoped never saw and the kernel did not drop is a sequence
 * gap, and memscoped says so. The test makes one for real: with memscoped
 * stopped, it takes a duplicate of memscoped's own descriptor
 * (pidfd_getfd) and reads one record from it. memscoped then reads the
 * next, whose seq skips one with nothing dropped.
 */
TEST_F_TIMEOUT(e2e, sequence_gap_is_reported, 120)
{
	long long avail, page = sysconf(_SC_PAGESIZE);
	struct memscope_event ev;
	int pidfd, fd, status, hold_ms;
	char conf[512], cmd[64], want[96], *t;

	t = ms_slurp(PRESSURE);
	ASSERT_TRUE(t != NULL);
	ASSERT_EQ(0, ms_kv_get(t, "system", "available_pages", NULL, &avail));
	free(t);
	/* Fires 2M below what is available now, clears 1M below. */
	snprintf(conf, sizeof(conf),
		 "trigger available below %lldK above %lldK clear\nlog " LOG "\n",
		 (avail * page >> 10) - 2048, (avail * page >> 10) - 1024);
	ASSERT_EQ(0, run_daemon(_metadata, &self->daemon, conf));
	snprintf(cmd, sizeof(cmd), "hog_take %lld nowait", (3LL << 20) / page);
	/*
	 * The allocator hooks make memscope look at once; a kernel without
	 * tracepoints has only the period_ms timer, so each state is held
	 * past one period there.
	 */
	hold_ms = ms_kernel_has_tracepoints() ? 300 : ms_param_get("period_ms") + 300;
	for (int round = 0; round < 2; round++) {
		/* The second crossing and clearing wait for the test's read. */
		if (round)
			ASSERT_EQ(0, kill(self->daemon, SIGSTOP));
		ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
		sleep_ms(hold_ms);
		ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hog_release all"));
		sleep_ms(hold_ms);
		if (!round)
			ASSERT_TRUE(wait_for_text(LOG, "] #2 ", 5000)) dump(LOG);
	}
	pidfd = syscall(SYS_pidfd_open, self->daemon, 0);
	ASSERT_GE(pidfd, 0);
	fd = daemon_dev_fd(self->daemon);
	ASSERT_GE(fd, 0);
	fd = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	ASSERT_GE(fd, 0) TH_LOG("pidfd_getfd: %s", strerror(errno));
	ASSERT_EQ(sizeof(ev), read(fd, &ev, sizeof(ev)));
	close(fd);
	close(pidfd);
	ASSERT_EQ(0, kill(self->daemon, SIGCONT));
	TH_LOG("took record #%llu from memscoped's descriptor", (unsigned long long)ev.seq);
	snprintf(want, sizeof(want), "record #%llu follows #%llu with 0 dropped: sequence gap",
		 (unsigned long long)ev.seq + 1, (unsigned long long)ev.seq - 1);
	EXPECT_EQ(0, ev.dropped);
	EXPECT_TRUE(wait_for_text(LOG, want, 5000)) {
		TH_LOG("no '%s'", want);
		dump(LOG);
	}
	ASSERT_EQ(0, kill(self->daemon, SIGTERM));
	ASSERT_EQ(0, wait_end(self->daemon, 5000, &status));
	self->daemon = -1;
}

/*
 * A process of oom_score_adj 900 holding MIB MiB it has touched, leading
 * its own process group with one more member (a child that only waits).
 */
static pid_t start_holder(int mib, pid_t *member)
{
	int sync[2];
	pid_t pid, kid;

	if (pipe(sync))
		return -1;
	pid = fork();
	if (pid == 0) {
		char *mem = malloc((size_t)mib << 20);

		close(sync[0]);
		if (!mem || ms_write_str("/proc/self/oom_score_adj", "900") || setpgid(0, 0))
			_exit(3);
		memset(mem, 0x5a, (size_t)mib << 20);
		kid = fork();
		if (kid == 0) {
			for (;;)
				pause();
		}
		if (kid < 0 || write(sync[1], &kid, sizeof(kid)) != sizeof(kid))
			_exit(3);
		for (;;)
			pause();
	}
	close(sync[1]);
	if (pid > 0 && read(sync[0], member, sizeof(*member)) != sizeof(*member))
		pid = -1;
	close(sync[0]);
	return pid;
}

/*
 * The kill policy end to end, on three registered holders of 1, 3 and 2
 * MiB. A trigger that fires at once with "dry_run yes": the largest is
 * named in the log, the run-before-kill command runs for it, nothing is
 * signalled. Reloaded with the dry run off: the largest alone (one victim
 * per episode) dies of SIGTERM with the other member of its process group
 * (kill process-group), the command ran again first, and the others live.
 * Which is the largest comes from the kernel: VmRSS in /proc/PID/status.
 * On the KASAN kernel a shell takes seconds to start and a /proc scan
 * two: the command has 5 s, and the waits, which end as soon as what
 * they wait for is there, up to 20.
 */
TEST_F_TIMEOUT(e2e, dry_run_then_largest_rss_with_its_group_and_hook, 120)
{
	static const int mib[3] = { 1, 3, 2 };
	char conf[1024], want[128], *t;
	pid_t holder[3], member[3];
	long long rss[3];
	int status, big = 0;

	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	for (int i = 0; i < 3; i++) {
		holder[i] = start_holder(mib[i], &member[i]);
		ASSERT_GT(holder[i], 0);
	}
	ms_oracle("/proc/PID/status VmRSS and wait statuses");
	for (int i = 0; i < 3; i++) {
		rss[i] = status_kb(holder[i], "VmRSS:");
		TH_LOG("holder %d: pid %d, VmRSS %lld kB", i, (int)holder[i], rss[i]);
		if (rss[i] > rss[big])
			big = i;
	}
	ASSERT_EQ(1, big);
	unlink(HOOK_OUT);
	snprintf(conf, sizeof(conf),
		 "trigger now: available below 1024G\n"
		 "on now run-before-kill echo \"$MEMSCOPE_VICTIM_PID $MEMSCOPE_VICTIM_COMM "
		 "$MEMSCOPE_DRY_RUN\" >> " HOOK_OUT "\n"
		 "on now kill process-group oom_score_adj>=900\n"
		 "kill_order rss\nkill_grace_ms 2000\npre_kill_timeout_ms 5000\n%s"
		 "textfile " PROM "\nlog " LOG "\n", "dry_run yes\n");
	ASSERT_EQ(0, run_daemon(_metadata, &self->daemon, conf));
	snprintf(want, sizeof(want), "dry run: would send SIGTERM to pid %d (memscoped_test, ",
		 (int)holder[big]);
	EXPECT_TRUE(wait_for_text(LOG, want, 20000)) dump(LOG);
	EXPECT_TRUE(wait_for_text(PROM, "\nmemscope_dry_run_kills_total 1\n", 10000));
	EXPECT_TRUE(file_has(PROM, "\nmemscope_kills_total 0\n"));
	snprintf(want, sizeof(want), "%d memscoped_test 1\n", (int)holder[big]);
	t = ms_slurp(HOOK_OUT);
	EXPECT_TRUE(t && !strcmp(t, want)) TH_LOG("hook wrote '%s'", t ?: "(nothing)");
	free(t);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(0, waitpid(holder[i], &status, WNOHANG));

	/* The same config without the dry run: the trigger fires again. */
	snprintf(conf, sizeof(conf),
		 "trigger now: available below 1024G\n"
		 "on now run-before-kill echo \"$MEMSCOPE_VICTIM_PID $MEMSCOPE_VICTIM_COMM "
		 "$MEMSCOPE_DRY_RUN\" >> " HOOK_OUT "\n"
		 "on now kill process-group oom_score_adj>=900\n"
		 "kill_order rss\nkill_grace_ms 2000\npre_kill_timeout_ms 5000\n%s"
		 "textfile " PROM "\nlog " LOG "\n", "");
	ASSERT_EQ(0, write_file(CONF, conf));
	ASSERT_EQ(0, kill(self->daemon, SIGHUP));
	ASSERT_EQ(0, wait_end(holder[big], 20000, &status)) dump(LOG);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	/* Its group's other member, now this process's child (subreaper). */
	EXPECT_EQ(0, wait_end(member[big], 10000, &status)) {
		kill(member[big], SIGKILL);
		waitpid(member[big], &status, 0);
	}
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	snprintf(want, sizeof(want), "%d memscoped_test 1\n%d memscoped_test 0\n",
		 (int)holder[big], (int)holder[big]);
	t = ms_slurp(HOOK_OUT);
	EXPECT_TRUE(t && !strcmp(t, want)) TH_LOG("hook wrote '%s'", t ?: "(nothing)");
	free(t);
	EXPECT_TRUE(wait_for_text(PROM, "\nmemscope_kills_total 1\n", 10000));
	/* One victim per episode: the others, and their groups, live. */
	sleep_ms(300);
	for (int i = 0; i < 3; i++) {
		if (i == big)
			continue;
		EXPECT_EQ(0, waitpid(holder[i], &status, WNOHANG));
		EXPECT_EQ(0, kill(-holder[i], 0));
	}
	ASSERT_EQ(0, kill(self->daemon, SIGTERM));
	ASSERT_EQ(0, wait_end(self->daemon, 10000, &status));
	self->daemon = -1;
	for (int i = 0; i < 3; i++) {
		if (i == big)
			continue;
		kill(-holder[i], SIGKILL);
		waitpid(holder[i], &status, 0);
		waitpid(member[i], &status, 0);
	}
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	if (_metadata->passed == 0)
		dump(LOG);
}

#define DAEMON_UID 4243
#define DEV_GID 4242

/*
 * The way memscoped.service starts it: oom_score_adj -1000 and the
 * rlimits set while root, then a uid of its own with DEV_GID as a
 * supplementary group and, in KEEP, the only capabilities left (ambient,
 * so they survive the exec). Its output goes to OUT. Never returns.
 */
static void exec_unprivileged(__u32 keep, const char *notify)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	struct rlimit rt = { 1, 1 }, lock = { RLIM_INFINITY, RLIM_INFINITY };
	gid_t groups[1] = { DEV_GID };
	int fd = open(OUT, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(120);
	close(fd);
	if (ms_write_str("/proc/self/oom_score_adj", "-1000") ||
	    setrlimit(RLIMIT_RTPRIO, &rt) || setrlimit(RLIMIT_MEMLOCK, &lock) ||
	    prctl(PR_SET_KEEPCAPS, 1) || setgroups(1, groups) ||
	    setresgid(DAEMON_UID, DAEMON_UID, DAEMON_UID) ||
	    setresuid(DAEMON_UID, DAEMON_UID, DAEMON_UID))
		_exit(121);
	data[0].effective = data[0].permitted = data[0].inheritable = keep;
	if (syscall(SYS_capset, &hdr, data))
		_exit(122);
	for (int cap = 0; cap < 32; cap++)
		if ((keep & (1U << cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0))
			_exit(123);
	if (notify)
		setenv("NOTIFY_SOCKET", notify, 1);
	setenv("WATCHDOG_USEC", "2000000", 1);
	execl(MEMSCOPED, "memscoped", "-c", CONF, (char *)NULL);
	_exit(127);
}

/* The next datagram on FD into BUF, or "" after MS milliseconds. */
static const char *next_datagram(int fd, char *buf, size_t len, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n = 0;

	if (poll(&pfd, 1, ms) == 1)
		n = recv(fd, buf, len - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Wait up to MS for a datagram holding NEEDLE. */
static int datagram_with(int fd, const char *needle, int ms)
{
	long long end = ms_now_ms() + ms;
	char buf[512];

	while (ms_now_ms() < end)
		if (strstr(next_datagram(fd, buf, sizeof(buf), 100), needle))
			return 1;
	return 0;
}

/*
 * memscoped as memscoped.service runs it: not root, the device opened
 * through the group the module's dev_gid gives it, and CAP_KILL alone.
 * Without CAP_KILL its SIGTERM to root's registered process fails with
 * EPERM (logged); with it, the process dies. SCHED_FIFO, oom_score_adj
 * -1000 and mlockall() need no more capabilities: RLIMIT_RTPRIO,
 * the adjustment made while root, RLIMIT_MEMLOCK. The sd_notify protocol
 * is checked on an abstract socket this test binds (READY=1, STATUS=,
 * WATCHDOG=1, STOPPING=1), where the kernel has AF_UNIX.
 */
TEST_F_TIMEOUT(e2e, unprivileged_with_dev_gid_and_cap_kill, 120)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char notify[64], want[128], path[64], *t;
	struct stat st;
	int status, ns = -1, ret;
	pid_t sleeper;

	ret = ms_reload_memscope("dev_mode=0660 dev_gid=4242");
	ASSERT_EQ(0, ret) TH_LOG("reload memscope: %s", strerror(-ret));
	ASSERT_EQ(0, stat("/dev/memscope", &st));
	EXPECT_EQ(0660, st.st_mode & 0777);
	EXPECT_EQ(DEV_GID, st.st_gid);
	snprintf(notify, sizeof(notify), "@memscoped-e2e-%d", (int)getpid());
	ns = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ns >= 0) {
		memcpy(sa.sun_path + 1, notify + 1, strlen(notify) - 1);
		ASSERT_EQ(0, bind(ns, (struct sockaddr *)&sa,
				  offsetof(struct sockaddr_un, sun_path) + strlen(notify)));
	} else {
		TH_LOG("no AF_UNIX (%s): sd_notify not checked", strerror(errno));
	}
	sleeper = start_sleeper();
	ASSERT_GT(sleeper, 0);
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)sleeper);
	ASSERT_EQ(0, ms_write_str(path, "900"));
	ASSERT_EQ(0, write_file(CONF, "trigger now: available below 1024G\n"
				"on now kill oom_score_adj>=900\nkill_cooldown_ms 100\n"));
	ms_oracle("wait status, /proc/PID/status Uid and CapEff, sched_getscheduler()");

	for (int with_cap = 0; with_cap < 2; with_cap++) {
		self->daemon = fork();
		ASSERT_GE(self->daemon, 0);
		if (self->daemon == 0)
			exec_unprivileged(with_cap ? 1U << CAP_KILL : 0,
					  ns >= 0 ? notify : NULL);
		ASSERT_TRUE(wait_for_text(OUT, "running: ", 20000)) dump(OUT);
		/* Ready, its status, a watchdog ping (every second: WATCHDOG_USEC/2). */
		if (ns >= 0) {
			EXPECT_TRUE(datagram_with(ns, "READY=1", 2000));
			EXPECT_TRUE(datagram_with(ns, "STATUS=1 triggers; level ", 2000));
			EXPECT_TRUE(datagram_with(ns, "WATCHDOG=1", 2000));
		}
		snprintf(want, sizeof(want), "kill: SIGTERM to pid %d (sleep", (int)sleeper);
		if (!with_cap) {
			/* Its SIGTERM fails; the registered process lives. */
			EXPECT_TRUE(wait_for_text(OUT, want, 20000)) dump(OUT);
			EXPECT_TRUE(file_has(OUT, "): Operation not permitted"));
			EXPECT_EQ(0, waitpid(sleeper, &status, WNOHANG));
		} else {
			EXPECT_EQ(0, wait_end(sleeper, 20000, &status)) dump(OUT);
			EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
			sleeper = -1;
		}
		snprintf(path, sizeof(path), "/proc/%d/status", (int)self->daemon);
		t = ms_slurp(path);
		ASSERT_TRUE(t != NULL);
		EXPECT_TRUE(strstr(t, "\nUid:\t4243\t4243\t4243\t4243\n") != NULL);
		EXPECT_TRUE(strstr(t, with_cap ? "\nCapEff:\t0000000000000020\n" :
					    "\nCapEff:\t0000000000000000\n") != NULL) TH_LOG("%s", t);
		free(t);
		EXPECT_EQ(SCHED_FIFO | SCHED_RESET_ON_FORK, sched_getscheduler(self->daemon));
		EXPECT_FALSE(file_has(OUT, "SCHED_FIFO: "));
		EXPECT_FALSE(file_has(OUT, "oom_score_adj -1000 for memscoped: "));
		EXPECT_FALSE(file_has(OUT, "mlockall: "));
		if (ns >= 0 && with_cap)
			EXPECT_TRUE(datagram_with(ns, "; 1 kills, 0 SIGKILLs", 10000));
		ASSERT_EQ(0, kill(self->daemon, SIGTERM));
		ASSERT_EQ(0, wait_end(self->daemon, 10000, &status));
		self->daemon = -1;
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) dump(OUT);
		if (ns >= 0)
			EXPECT_TRUE(datagram_with(ns, "STOPPING=1", 10000));
	}
	if (sleeper > 0) {
		kill(sleeper, SIGKILL);
		waitpid(sleeper, &status, 0);
	}
	if (ns >= 0)
		close(ns);
	/* Root-only again, as the other tests expect. */
	ASSERT_EQ(0, ms_reload_memscope(""));
	if (_metadata->passed == 0)
		dump(OUT);
}

TEST_HARNESS_MAIN

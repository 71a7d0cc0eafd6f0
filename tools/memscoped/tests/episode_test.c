// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped unit tests: kill episodes on real child processes described
 * by a fake /proc: one victim per record, the cooldown (on a fake clock),
 * held records, dry runs, process groups, run-before-kill commands and
 * process_mrelease() after SIGKILL.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "actions.h"
#include "monotonic.h"
#include "children.h"
#include "unit.h"

#define NKIDS 3

static struct {
	char dir[256], proc[300], out[300];
	pid_t kid[NKIDS];	/* oom_score_adj 900, RSS 100, 300, 200 pages */
	struct msd_config cfg;
	uint32_t ids[2];
	struct msd_metrics m;
	struct msd_killer k;
	struct msd_runner run;
} w;

static uint64_t fake_ns;

static uint64_t fake_clock(void)
{
	return fake_ns;
}

static int describe(pid_t pid, const char *comm, int pgrp, int adj, int rss)
{
	char path[400], text[256];

	snprintf(path, sizeof(path), "%s/%d", w.proc, (int)pid);
	if (mkdir(path, 0755))
		return -1;
	snprintf(path, sizeof(path), "%s/%d/stat", w.proc, (int)pid);
	snprintf(text, sizeof(text),
		 "%d (%s) S 1 %d %d 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 9 1000 %d\n",
		 (int)pid, comm, pgrp, pgrp, rss);
	if (tap_write_file(path, text))
		return -1;
	snprintf(path, sizeof(path), "%s/%d/oom_score_adj", w.proc, (int)pid);
	snprintf(text, sizeof(text), "%d\n", adj);
	return tap_write_file(path, text);
}

static int setup(const char *extra, bool own_groups)
{
	static const int rss[NKIDS] = { 100, 300, 200 };
	const char *dir = tap_tmpdir();
	char conf[2048], name[16];

	memset(&w, 0, sizeof(w));
	if (!dir)
		return -1;
	snprintf(w.dir, sizeof(w.dir), "%s", dir);
	snprintf(w.proc, sizeof(w.proc), "%s/proc", dir);
	snprintf(w.out, sizeof(w.out), "%s/out", dir);
	if (mkdir(w.proc, 0755))
		return -1;
	for (int i = 0; i < NKIDS; i++) {
		w.kid[i] = msd_test_spawn_idle(own_groups, false);
		snprintf(name, sizeof(name), "kid%d", i);
		if (w.kid[i] <= 0 ||
		    describe(w.kid[i], name, own_groups ? w.kid[i] : 1, 900, rss[i]))
			return -1;
	}
	snprintf(conf, sizeof(conf),
		 "trigger level low clear\n"
		 "trigger early: available below 8M\n"
		 "on medium kill oom_score_adj>=900\n"
		 "kill_grace_ms 3000\n"
		 "%s", extra);
	if (msd_config_parse(conf, strlen(conf), "episode.conf", &w.cfg, conf, sizeof(conf)))
		return -1;
	w.ids[0] = 11;
	w.ids[1] = 12;
	msd_killer_init(&w.k, w.cfg.kill_grace_ms, w.cfg.kill_cooldown_ms, &w.m);
	w.k.proc = w.proc;
	w.k.clock = fake_clock;
	w.k.dry_run = w.cfg.dry_run;
	fake_ns = 1000000000ULL;
	msd_runner_init(&w.run, &w.m);
	return 0;
}

/* Until the killer has nothing pending (on real time; its clock is fake). */
static void settle(void)
{
	uint64_t end = msd_now_ns() + 5000000000ULL;
	struct pollfd fds[MSD_MAX_PENDING];

	while (w.k.n && msd_now_ns() < end) {
		int n = msd_killer_pollfds(&w.k, fds, MSD_MAX_PENDING);

		poll(fds, (nfds_t)n, 20);
		msd_killer_service(&w.k, fake_ns);
	}
}

static int ended_by(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, WNOHANG) != pid)
		return 0;
	return WIFSIGNALED(status) ? WTERMSIG(status) : -1;
}

static int alive(void)
{
	int n = 0;

	for (int i = 0; i < NKIDS; i++)
		n += kill(w.kid[i], 0) == 0;
	return n;
}

static void teardown(void)
{
	for (int i = 0; i < NKIDS; i++) {
		if (w.kid[i] > 0 && !ended_by(w.kid[i])) {
			kill(-w.kid[i], SIGKILL);
			kill(w.kid[i], SIGKILL);
			waitpid(w.kid[i], NULL, 0);
		}
	}
	msd_killer_release(&w.k);
	tap_rmtree(w.dir);
}

static struct memscope_event record(uint32_t reason, uint32_t level, uint32_t id,
				    uint64_t seq)
{
	struct memscope_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.size = sizeof(ev);
	ev.seq = seq;
	ev.kind = MEMSCOPE_TRIG_LEVEL;
	ev.reason = reason;
	ev.level = level;
	ev.zone_level = level;
	ev.trigger_id = id;
	return ev;
}

/*
 * One record, three candidates: one victim (the largest, with kill_order
 * rss). The next record waits for its exit and the cooldown, on the fake
 * clock, then takes the next largest; a cleared record drops a held one.
 */
static void one_victim_then_cooldown_then_the_held_record(void)
{
	struct memscope_event ev;
	char *log;

	REQUIRE(setup("kill_order rss\nkill_cooldown_ms 1000\n", false) == 0);
	ev = record(MEMSCOPE_REASON_FIRED, MEMSCOPE_LEVEL_MEDIUM, 11, 1);
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 1);
	settle();
	CHECK_INT(ended_by(w.kid[1]), SIGTERM);
	CHECK_INT(alive(), 2);
	CHECK_INT(w.m.kills, 1);

	/* 999 ms after the exit: still the episode; the record is held. */
	fake_ns += 999000000ULL;
	CHECK(!msd_killer_ready(&w.k, fake_ns));
	ev.seq = 2;
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 0);
	CHECK(w.k.held_set);
	CHECK_INT(msd_killer_timeout_ms(&w.k, fake_ns), 1);
	CHECK_INT(msd_actions_resume(&w.cfg, w.ids, &w.k, &w.run), 0);
	CHECK_INT(alive(), 2);
	/* The cooldown is over and nothing cleared it: the held record acts. */
	fake_ns += 1000000ULL;
	CHECK_INT(msd_actions_resume(&w.cfg, w.ids, &w.k, &w.run), 1);
	CHECK(!w.k.held_set);
	settle();
	CHECK_INT(ended_by(w.kid[2]), SIGTERM);
	CHECK_INT(alive(), 1);

	/* Held again, then memory recovers: the cleared record drops it. */
	ev.seq = 3;
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 0);
	CHECK(w.k.held_set);
	ev = record(MEMSCOPE_REASON_CLEARED, MEMSCOPE_LEVEL_NONE, 11, 4);
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 0);
	CHECK(!w.k.held_set);
	fake_ns += 5000000000ULL;
	CHECK_INT(msd_actions_resume(&w.cfg, w.ids, &w.k, &w.run), 0);
	CHECK_INT(alive(), 1);
	CHECK_INT(w.m.kills, 2);
	log = tap_read_file(tap_log_path);
	CHECK_CONTAINS(log, "kill: record #2 waits");
	CHECK_CONTAINS(log, "nothing cleared record #2: acting on it");
	CHECK_CONTAINS(log, "record #4 cleared its trigger: held record #3 dropped");
	free(log);
	teardown();
}

/* victims_per_episode 2, by oom_score_adj: two go at once, prefer counts. */
static void victims_per_episode_and_prefer(void)
{
	struct memscope_event ev;

	REQUIRE(setup("victims_per_episode 2\nprefer ^kid0$\nkill_cooldown_ms 0\n", false) == 0);
	ev = record(MEMSCOPE_REASON_FIRED, MEMSCOPE_LEVEL_CRITICAL, 11, 1);
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 2);
	settle();
	CHECK_INT(ended_by(w.kid[0]), SIGTERM);	/* preferred, though the smallest */
	CHECK_INT(ended_by(w.kid[1]), SIGTERM);	/* then adj ties, largest RSS */
	CHECK_INT(alive(), 1);
	teardown();
}

/* A dry run signals nothing, runs the hooks, logs, and keeps the cooldown. */
static void dry_run_logs_and_signals_nothing(void)
{
	struct memscope_event ev;
	char conf[600], *out, *log, want[64];

	REQUIRE(setup("", false) == 0);
	snprintf(conf, sizeof(conf),
		 "trigger level low clear\non medium kill oom_score_adj>=900\n"
		 "dry_run yes\nkill_order rss\n"
		 "on medium run-before-kill echo \"$MEMSCOPE_VICTIM_PID $MEMSCOPE_VICTIM_COMM "
		 "$MEMSCOPE_DRY_RUN\" >> %s\n", w.out);
	REQUIRE(msd_config_parse(conf, strlen(conf), "dry.conf", &w.cfg, conf, sizeof(conf)) == 0);
	w.k.dry_run = w.cfg.dry_run;
	ev = record(MEMSCOPE_REASON_FIRED, MEMSCOPE_LEVEL_MEDIUM, 11, 1);
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 1);
	CHECK_INT(w.k.n, 0);
	usleep(100000);
	CHECK_INT(alive(), NKIDS);
	CHECK_INT(w.m.kills, 0);
	CHECK_INT(w.m.dry_run_kills, 1);
	CHECK(!msd_killer_ready(&w.k, fake_ns));	/* the cooldown runs all the same */
	out = tap_read_file(w.out);
	snprintf(want, sizeof(want), "%d kid1 1\n", (int)w.kid[1]);
	CHECK_STR(out, want);
	free(out);
	log = tap_read_file(tap_log_path);
	snprintf(want, sizeof(want), "dry run: would send SIGTERM to pid %d (kid1, ", (int)w.kid[1]);
	CHECK_CONTAINS(log, want);
	free(log);
	teardown();
}

/*
 * kill process-group: the victim's grandchild, in its group, dies too;
 * the run-before-kill command ran first and a slow one is cut short.
 */
static void process_group_and_hooks(void)
{
	struct memscope_event ev;
	char conf[700], *out, want[64];
	uint64_t t0;
	int status = 0;
	pid_t r = 0;

	/* Orphaned grandchildren come to this process, to be waited for. */
	REQUIRE(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
	REQUIRE(setup("", true) == 0);
	snprintf(conf, sizeof(conf),
		 "trigger level low clear\non medium kill process-group oom_score_adj>=900\n"
		 "kill_order rss\npre_kill_timeout_ms 200\n"
		 "on medium run-before-kill kill -0 $MEMSCOPE_VICTIM_PID && "
		 "echo alive $MEMSCOPE_VICTIM_PID >> %s\n"
		 "on critical run-before-kill exec sleep 10\n", w.out);
	REQUIRE(msd_config_parse(conf, strlen(conf), "group.conf", &w.cfg, conf, sizeof(conf)) == 0);
	ev = record(MEMSCOPE_REASON_FIRED, MEMSCOPE_LEVEL_CRITICAL, 11, 1);
	t0 = msd_now_ns();
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 1);
	CHECK(msd_now_ns() - t0 >= 200000000ULL);	/* waited for the slow hook... */
	CHECK(msd_now_ns() - t0 < 3000000000ULL);	/* ...not for all of it */
	settle();
	CHECK_INT(ended_by(w.kid[1]), SIGTERM);
	/* The victim's child, in its group, got the SIGTERM too. */
	for (int i = 0; i < 200 && r <= 0; i++) {
		r = waitpid(-1, &status, WNOHANG);
		if (r <= 0)
			usleep(10000);
	}
	CHECK(r > 0 && r != w.kid[0] && r != w.kid[2]);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	CHECK_INT(kill(-w.kid[1], 0), -1);
	CHECK_INT(kill(-w.kid[0], 0), 0);	/* the other groups are untouched */
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	out = tap_read_file(w.out);
	snprintf(want, sizeof(want), "alive %d\n", (int)w.kid[1]);
	CHECK_STR(out, want);
	free(out);
	CHECK_INT(w.m.commands, 2);
	CHECK_INT(w.m.command_failures, 1);
	teardown();
}

/* After SIGKILL the victim's memory is released through its pidfd. */
static void sigkill_then_process_mrelease(void)
{
	struct msd_metrics m = { 0 };
	struct msd_killer k;
	pid_t pid = msd_test_spawn_idle(false, true);
	char *log, want[64];

	REQUIRE(pid > 0);
	msd_killer_init(&k, 0, 0, &m);
	CHECK_INT(msd_killer_start(&k, pid, "unit test", false), 0);
	for (int i = 0; i < 100 && k.n; i++) {
		msd_killer_service(&k, msd_now_ns());
		usleep(10000);
	}
	CHECK_INT(k.n, 0);
	CHECK_INT(m.sigkills, 1);
	CHECK_INT(waitpid(pid, NULL, 0), pid);
	log = tap_read_file(tap_log_path);
	/*
	 * The kernel lacks it and that was said; or it ran, and either freed
	 * the memory (timed) or found the idle victim gone already: a race
	 * the victim usually wins.
	 */
	snprintf(want, sizeof(want), "kill: process_mrelease of pid %d (", (int)pid);
	if (k.no_mrelease) {
		CHECK_CONTAINS(log, "no process_mrelease() in this kernel");
		CHECK_INT(m.mreleases, 0);
	} else if (m.mreleases) {
		CHECK_CONTAINS(log, want);
		CHECK_CONTAINS(log, " us\n");
	} else {
		CHECK_CONTAINS(log, want);
		CHECK_CONTAINS(log, "it has exited already");
	}
	free(log);
	msd_killer_release(&k);
}


/* A dry run of kill process-group, with a slow hook: still one victim. */
static void dry_run_group_one_victim(void)
{
	struct memscope_event ev;
	char conf[700];

	REQUIRE(setup("", true) == 0);
	snprintf(conf, sizeof(conf),
		 "trigger level low clear\n"
		 "on medium run-before-kill sleep 0.3; echo $MEMSCOPE_VICTIM_PID >> %s\n"
		 "on medium kill process-group oom_score_adj>=900\n"
		 "kill_order rss\ndry_run yes\npre_kill_timeout_ms 5000\n", w.out);
	REQUIRE(msd_config_parse(conf, strlen(conf), "g.conf", &w.cfg, conf, sizeof(conf)) == 0);
	w.k.dry_run = true;
	ev = record(MEMSCOPE_REASON_FIRED, MEMSCOPE_LEVEL_MEDIUM, 11, 1);
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 1);
	CHECK_INT(w.m.dry_run_kills, 1);
	teardown();
}

const struct tap_test episode_tests[] = {
	{ "episode_dry_run_group_one_victim", dry_run_group_one_victim },
	{ "episode_one_victim_then_cooldown_then_the_held_record",
	  one_victim_then_cooldown_then_the_held_record },
	{ "episode_victims_per_episode_and_prefer", victims_per_episode_and_prefer },
	{ "episode_dry_run_logs_and_signals_nothing", dry_run_logs_and_signals_nothing },
	{ "episode_process_group_and_hooks", process_group_and_hooks },
	{ "episode_sigkill_then_process_mrelease", sigkill_then_process_mrelease },
	{ NULL, NULL },
};

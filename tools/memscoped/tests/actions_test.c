// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped unit tests: rules applied to records, with real processes
 * described by a fake /proc (so no process of the machine running the
 * tests can ever be chosen).
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

#include "actions.h"
#include "children.h"
#include "monotonic.h"
#include "unit.h"

struct world {
	char dir[256];
	char pidfile[300];
	char out[300];
	pid_t registered;	/* in the pid file, oom_score_adj 0 */
	pid_t background;	/* oom_score_adj 1000 */
	struct msd_config cfg;
	uint32_t ids[2];	/* the device ids of cfg.triggers[] */
	struct msd_metrics m;
	struct msd_killer k;
	struct msd_runner run;
};

static struct world w;

static int describe(pid_t pid, const char *comm, int adj)
{
	char path[400], text[200];

	snprintf(path, sizeof(path), "%s/proc/%d", w.dir, (int)pid);
	if (mkdir(path, 0755))
		return -1;
	snprintf(path, sizeof(path), "%s/proc/%d/stat", w.dir, (int)pid);
	snprintf(text, sizeof(text), "%d (%s) S 1 1 1 0 -1 4194304 0\n", (int)pid, comm);
	if (tap_write_file(path, text))
		return -1;
	snprintf(path, sizeof(path), "%s/proc/%d/oom_score_adj", w.dir, (int)pid);
	snprintf(text, sizeof(text), "%d\n", adj);
	return tap_write_file(path, text);
}

static int setup(void)
{
	const char *dir = tap_tmpdir();
	char conf[2048], path[300], pid[32];

	memset(&w, 0, sizeof(w));
	if (!dir)
		return -1;
	snprintf(w.dir, sizeof(w.dir), "%s", dir);
	snprintf(w.pidfile, sizeof(w.pidfile), "%s/bg.pid", dir);
	snprintf(w.out, sizeof(w.out), "%s/out", dir);
	snprintf(path, sizeof(path), "%s/proc", dir);
	if (mkdir(path, 0755))
		return -1;
	w.registered = msd_test_spawn_idle(false, false);
	w.background = msd_test_spawn_idle(false, false);
	if (w.registered <= 0 || w.background <= 0)
		return -1;
	if (describe(w.registered, "player", 0) || describe(w.background, "indexer", 1000))
		return -1;
	snprintf(pid, sizeof(pid), "%d\n", (int)w.registered);
	if (tap_write_file(w.pidfile, pid))
		return -1;
	snprintf(conf, sizeof(conf),
		 "trigger level low\n"
		 "trigger early: available below 8M\n"
		 "on early kill oom_score_adj>=900\n"
		 "on oom kill oom_score_adj>=900\n"
		 "on critical run echo ran $MEMSCOPE_LEVEL >> %s\n"
		 "on medium kill pidfile=%s\n"
		 "kill_grace_ms 3000\n"
		 "kill_cooldown_ms 0\n", w.out, w.pidfile);
	if (msd_config_parse(conf, strlen(conf), "actions.conf", &w.cfg, conf, sizeof(conf)))
		return -1;
	w.ids[0] = 11;
	w.ids[1] = 12;
	msd_killer_init(&w.k, w.cfg.kill_grace_ms, w.cfg.kill_cooldown_ms, &w.m);
	snprintf(path, sizeof(path), "%s/proc", dir);
	w.k.proc = strdup(path);
	msd_runner_init(&w.run, &w.m);
	return w.k.proc ? 0 : -1;
}

/* Wait for the killer and the runner to finish what they started. */
static void settle(void)
{
	uint64_t end = msd_now_ns() + 5000000000ULL;
	struct pollfd fds[MSD_MAX_PENDING];

	while ((w.k.n || w.run.n) && msd_now_ns() < end) {
		int n = msd_killer_pollfds(&w.k, fds, MSD_MAX_PENDING);

		poll(fds, (nfds_t)n, 20);
		msd_killer_service(&w.k, msd_now_ns());
		msd_runner_reap(&w.run);
	}
}

/* How PID ended: its signal, 0 if still running. */
static int ended_by(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, WNOHANG) != pid)
		return 0;
	return WIFSIGNALED(status) ? WTERMSIG(status) : -1;
}

static void teardown(void)
{
	if (!ended_by(w.registered)) {
		kill(w.registered, SIGKILL);
		waitpid(w.registered, NULL, 0);
	}
	if (!ended_by(w.background)) {
		kill(w.background, SIGKILL);
		waitpid(w.background, NULL, 0);
	}
	msd_killer_release(&w.k);
	free((void *)w.k.proc);
	tap_rmtree(w.dir);
}

static struct memscope_event record(uint32_t kind, uint32_t reason, uint32_t level)
{
	struct memscope_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.size = sizeof(ev);
	ev.seq = 1;
	ev.kind = kind;
	ev.reason = reason;
	ev.level = level;
	ev.zone_level = level;
	return ev;
}

static void rules_act_at_their_level_and_above(void)
{
	struct memscope_event ev;
	char *out;

	REQUIRE(setup() == 0);
	/* Below every rule, and a cleared record: nothing happens. */
	ev = record(MEMSCOPE_TRIG_LEVEL, MEMSCOPE_REASON_FIRED, MEMSCOPE_LEVEL_LOW);
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 0);
	ev = record(MEMSCOPE_TRIG_LEVEL, MEMSCOPE_REASON_CLEARED, MEMSCOPE_LEVEL_CRITICAL);
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 0);
	settle();
	CHECK_INT(w.m.kills, 0);
	CHECK_INT(w.m.commands, 0);

	/* Critical: the medium kill rule and the critical command; not oom's. */
	ev = record(MEMSCOPE_TRIG_LEVEL, MEMSCOPE_REASON_FIRED, MEMSCOPE_LEVEL_CRITICAL);
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 2);
	settle();
	CHECK_INT(ended_by(w.registered), SIGTERM);
	CHECK_INT(ended_by(w.background), 0);
	CHECK_INT(w.m.kills, 1);
	CHECK_INT(w.m.commands, 1);
	out = tap_read_file(w.out);
	CHECK_STR(out, "ran critical\n");
	free(out);

	/* The pid file now names a dead process: nothing more to do there. */
	ev.seq = 2;
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 1);	/* the command */
	settle();
	CHECK_INT(w.m.kills, 1);

	/* An OOM kill record reaches every rule: the background process goes. */
	ev = record(MEMSCOPE_TRIG_OOM, MEMSCOPE_REASON_FIRED, MEMSCOPE_LEVEL_NONE);
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 2);
	settle();
	CHECK_INT(ended_by(w.background), SIGTERM);
	CHECK_INT(w.m.kills, 2);
	teardown();
}

/* A rule bound to a trigger acts on its records, whatever the level. */
static void trigger_rules_act_whatever_the_level(void)
{
	struct memscope_event ev;

	REQUIRE(setup() == 0);
	ev = record(MEMSCOPE_TRIG_LEVEL, MEMSCOPE_REASON_FIRED, MEMSCOPE_LEVEL_LOW);
	ev.trigger_id = 11;
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 0);
	ev = record(MEMSCOPE_TRIG_AVAILABLE, MEMSCOPE_REASON_CLEARED, MEMSCOPE_LEVEL_NONE);
	ev.trigger_id = 12;
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 0);
	ev.reason = MEMSCOPE_REASON_FIRED;
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 1);
	settle();
	CHECK_INT(ended_by(w.background), SIGTERM);
	CHECK_INT(ended_by(w.registered), 0);
	CHECK_INT(w.m.kills, 1);
	CHECK_INT(w.m.commands, 0);
	teardown();
}

static void bad_pid_files_are_reported_not_obeyed(void)
{
	struct memscope_event ev = record(MEMSCOPE_TRIG_LEVEL, MEMSCOPE_REASON_FIRED,
					  MEMSCOPE_LEVEL_MEDIUM);
	char self[32], *log;

	REQUIRE(setup() == 0);
	w.k.proc = (free((void *)w.k.proc), strdup("/proc"));
	REQUIRE(w.k.proc != NULL);
	unlink(w.pidfile);
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 0);
	CHECK_INT(tap_write_file(w.pidfile, "not a pid\n"), 0);
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 0);
	/* Our own pid: refused (were it not, this test would die here). */
	snprintf(self, sizeof(self), "%d\n", (int)getpid());
	CHECK_INT(tap_write_file(w.pidfile, self), 0);
	CHECK_INT(msd_actions_apply(&w.cfg, w.ids, &w.k, &w.run, &ev), 0);
	CHECK_INT(w.m.kills, 0);
	log = tap_read_file(tap_log_path);
	CHECK_CONTAINS(log, "bg.pid does not exist: nothing to kill");
	CHECK_CONTAINS(log, "bg.pid: does not hold a pid");
	CHECK_CONTAINS(log, "it is memscoped itself");
	free(log);
	teardown();
}

const struct tap_test actions_tests[] = {
	{ "actions_rules_act_at_their_level_and_above", rules_act_at_their_level_and_above },
	{ "actions_trigger_rules_act_whatever_the_level", trigger_rules_act_whatever_the_level },
	{ "actions_bad_pid_files_are_reported_not_obeyed", bad_pid_files_are_reported_not_obeyed },
	{ NULL, NULL },
};

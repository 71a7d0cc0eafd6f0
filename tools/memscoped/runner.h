/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscoped: commands run for an event, through /bin/sh -c, with the
 * record's values in MEMSCOPE_* environment variables. A rule's command
 * does not start again while its previous run is still going, so a slow
 * command under pressure cannot pile up copies of itself.
 */
#ifndef MEMSCOPED_RUNNER_H
#define MEMSCOPED_RUNNER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/memscope.h>

#include "metrics.h"

#define MSD_MAX_RUNNING 16

struct msd_running {
	pid_t pid;
	int rule_line;		/* which rule started it (its config line) */
	uint64_t start_ns;
};

struct msd_runner {
	struct msd_running r[MSD_MAX_RUNNING];
	int n;
	const char *shell;	/* "/bin/sh" */
	struct msd_metrics *metrics;
};

void msd_runner_init(struct msd_runner *run, struct msd_metrics *metrics);

/*
 * Start CMD through "SHELL -c" for EV on behalf of the rule on RULE_LINE.
 * 0, -EBUSY (that rule's previous command still runs, or too many run), or
 * -errno from posix_spawn() (SHELL missing, out of memory).
 */
int msd_runner_start(struct msd_runner *run, const char *cmd, int rule_line,
		     const struct memscope_event *ev);

/* What a run-before-kill command is told about the process to be killed. */
struct msd_hook_victim {
	pid_t pid;
	const char *comm;
	bool dry_run;		/* MEMSCOPE_DRY_RUN=1: the kill will only be logged */
};

/*
 * Run CMD (the run-before-kill rule on RULE_LINE) for EV before VICTIM is
 * killed, with MEMSCOPE_VICTIM_PID, MEMSCOPE_VICTIM_COMM and
 * MEMSCOPE_DRY_RUN beside the record's variables, and wait for it: at most
 * TIMEOUT_MS, after which it and its process group are sent SIGKILL. The
 * kill goes ahead whatever the command did. Returns its exit status (0:
 * success), -ETIMEDOUT, or -errno.
 */
int msd_runner_run_hook(struct msd_runner *run, const char *cmd, int rule_line,
			const struct memscope_event *ev,
			const struct msd_hook_victim *victim, unsigned int timeout_ms);

/* Collect finished commands (on SIGCHLD) and log how they ended. */
void msd_runner_reap(struct msd_runner *run);

#endif /* MEMSCOPED_RUNNER_H */

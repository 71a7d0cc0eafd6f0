// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped: rule commands, spawned and reaped.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "event.h"
#include "log.h"
#include "monotonic.h"
#include "names.h"
#include "runner.h"

void msd_runner_init(struct msd_runner *run, struct msd_metrics *metrics)
{
	memset(run, 0, sizeof(*run));
	run->shell = "/bin/sh";
	run->metrics = metrics;
}

/*
 * The shell resets its own oom_score_adj, then runs the command, which it
 * finds verbatim in MEMSCOPE_COMMAND. memscoped usually runs at -1000,
 * which children inherit: the command must stay killable. Raising is
 * always allowed; if it fails, nothing else changes.
 */
static const char shell_script[] =
	"echo 0 > /proc/self/oom_score_adj 2>/dev/null; eval \"$MEMSCOPE_COMMAND\"";

/* "NAME=VALUE" into the next slot of ENV; 0 or -ENOMEM. */
static int env_add(char **env, int *n, const char *name, const char *value)
{
	size_t len = strlen(name) + strlen(value) + 2;
	char *s = malloc(len);

	if (!s)
		return -ENOMEM;
	snprintf(s, len, "%s=%s", name, value);
	env[(*n)++] = s;
	return 0;
}

static int env_add_u64(char **env, int *n, const char *name, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return env_add(env, n, name, buf);
}

static void env_free(char **env, int n, int first_own)
{
	for (int i = first_own; i < n; i++)
		free(env[i]);
	free(env);
}

#define MSD_ENV_VARS 16

/*
 * memscoped's environment without MEMSCOPE_* entries, then the record's,
 * and for a run-before-kill command the victim's (VICTIM not NULL).
 * *OWN is where the strings this function allocated start.
 */
static char **command_env(const char *cmd, const struct memscope_event *ev,
			  const struct msd_hook_victim *victim, int *count, int *own)
{
	char zone[MEMSCOPE_ZONE_NAME_LEN + 1], node[16];
	int n = 0, total = 0, ret = 0;
	char **env;

	while (environ[total])
		total++;
	env = calloc((size_t)total + MSD_ENV_VARS + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (int i = 0; i < total; i++)
		if (strncmp(environ[i], "MEMSCOPE_", 9))
			env[n++] = environ[i];
	*own = n;
	memcpy(zone, ev->zone, MEMSCOPE_ZONE_NAME_LEN);
	zone[MEMSCOPE_ZONE_NAME_LEN] = '\0';
	ret |= env_add(env, &n, "MEMSCOPE_COMMAND", cmd);
	ret |= env_add(env, &n, "MEMSCOPE_LEVEL", msd_level_name(msd_event_level(ev)));
	ret |= env_add(env, &n, "MEMSCOPE_SYSTEM_LEVEL", msd_level_name(ev->level));
	ret |= env_add(env, &n, "MEMSCOPE_KIND", msd_kind_name(ev->kind));
	ret |= env_add(env, &n, "MEMSCOPE_REASON", msd_reason_name(ev->reason));
	ret |= env_add(env, &n, "MEMSCOPE_ZONE", zone);
	snprintf(node, sizeof(node), "%d", (int)ev->node);	/* -1: system-wide */
	ret |= env_add(env, &n, "MEMSCOPE_NODE", node);
	ret |= env_add_u64(env, &n, "MEMSCOPE_SEQ", ev->seq);
	ret |= env_add_u64(env, &n, "MEMSCOPE_TRIGGER_ID", ev->trigger_id);
	ret |= env_add_u64(env, &n, "MEMSCOPE_VALUE", ev->value);
	ret |= env_add_u64(env, &n, "MEMSCOPE_FREE_BYTES", ev->free_bytes);
	ret |= env_add_u64(env, &n, "MEMSCOPE_AVAILABLE_BYTES", ev->available_bytes);
	ret |= env_add_u64(env, &n, "MEMSCOPE_TIMESTAMP_NS", ev->timestamp_ns);
	if (victim) {
		ret |= env_add_u64(env, &n, "MEMSCOPE_VICTIM_PID", (uint64_t)victim->pid);
		ret |= env_add(env, &n, "MEMSCOPE_VICTIM_COMM", victim->comm);
		ret |= env_add(env, &n, "MEMSCOPE_DRY_RUN", victim->dry_run ? "1" : "0");
	}
	*count = n;
	if (ret) {
		env_free(env, n, *own);
		return NULL;
	}
	return env;
}

/*
 * posix_spawn() rather than fork(): glibc's runs the child on memscoped's
 * memory (CLONE_VM | CLONE_VFORK) until exec, so starting a command under
 * pressure copies no page tables and breaks no copy-on-write page of the
 * mlocked daemon, and an exec failure comes back as an error here.
 */
static int spawn(const char *shell, const char *cmd, const struct memscope_event *ev,
		 const struct msd_hook_victim *victim, pid_t *pid)
{
	char *argv[] = { "sh", "-c", (char *)shell_script, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int n, own, ret;
	char **env;

	env = command_env(cmd, ev, victim, &n, &own);
	if (!env)
		return ENOMEM;
	sigemptyset(&none);
	/* glibc's sigfillset() leaves out the signals it keeps for itself. */
	sigfillset(&all);
	ret = posix_spawnattr_init(&attr);
	if (ret) {
		env_free(env, n, own);
		return ret;
	}
	/*
	 * The signals memscoped blocks for its signalfd must not stay blocked,
	 * nor SIGPIPE (or what nohup left) ignored: ignored signals survive
	 * exec. Its own session, so a terminal's ^C to memscoped spares it.
	 * SCHED_RESET_ON_FORK already made it an ordinary task.
	 */
	ret = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
					      POSIX_SPAWN_SETSID);
	if (!ret)
		ret = posix_spawnattr_setsigmask(&attr, &none);
	if (!ret)
		ret = posix_spawnattr_setsigdefault(&attr, &all);
	if (!ret)
		ret = posix_spawn_file_actions_init(&fa);
	if (!ret) {
		ret = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
						       O_RDONLY, 0);
		if (!ret)
			ret = posix_spawn(pid, shell, &fa, &attr, argv, env);
		posix_spawn_file_actions_destroy(&fa);
	}
	posix_spawnattr_destroy(&attr);
	env_free(env, n, own);
	return ret;
}

int msd_runner_start(struct msd_runner *run, const char *cmd, int rule_line,
		     const struct memscope_event *ev)
{
	pid_t pid;
	int ret;

	for (int i = 0; i < run->n; i++) {
		if (run->r[i].rule_line == rule_line) {
			/* Expected when records come in bursts: not a problem. */
			msd_info("run: the command of line %d (pid %d) is still running; "
				 "not starting it again", rule_line, (int)run->r[i].pid);
			return -EBUSY;
		}
	}
	if (run->n == MSD_MAX_RUNNING) {
		msd_warn("run: %d commands are running; not starting line %d's",
			 MSD_MAX_RUNNING, rule_line);
		run->metrics->command_failures++;
		return -EBUSY;
	}
	/* Log lines buffered now must not be written twice. */
	fflush(NULL);
	ret = spawn(run->shell, cmd, ev, NULL, &pid);
	if (ret) {
		msd_err("run: line %d: %s: %s", rule_line, run->shell, strerror(ret));
		run->metrics->command_failures++;
		return -ret;
	}
	run->r[run->n].pid = pid;
	run->r[run->n].rule_line = rule_line;
	run->r[run->n].start_ns = msd_now_ns();
	run->n++;
	run->metrics->commands++;
	msd_info("run: pid %d: %s", (int)pid, cmd);
	return 0;
}

void msd_runner_reap(struct msd_runner *run)
{
	int i = 0;

	/* Only our own commands: any other child's status is its owner's. */
	while (i < run->n) {
		pid_t pid = run->r[i].pid;
		int status;
		pid_t ret = waitpid(pid, &status, WNOHANG);

		if (ret == 0 || (ret < 0 && errno == EINTR)) {
			i++;
			continue;
		}
		if (ret < 0) {
			msd_err("run: waitpid %d: %s", (int)pid, strerror(errno));
			run->r[i] = run->r[--run->n];
			continue;
		}
		if (WIFEXITED(status) && !WEXITSTATUS(status)) {
			msd_info("run: pid %d (line %d) exited 0 after %" PRIu64 " ms",
				 (int)pid, run->r[i].rule_line,
				 (msd_now_ns() - run->r[i].start_ns) / 1000000);
		} else {
			if (WIFEXITED(status))
				msd_warn("run: pid %d (line %d) exited %d", (int)pid,
					 run->r[i].rule_line, WEXITSTATUS(status));
			else
				msd_warn("run: pid %d (line %d) killed by signal %d", (int)pid,
					 run->r[i].rule_line, WTERMSIG(status));
			run->metrics->command_failures++;
		}
		run->r[i] = run->r[--run->n];
	}
}

/* Wait for PID until DEADLINE_NS; 0 with its STATUS, or -ETIMEDOUT. */
static int wait_until(pid_t pid, uint64_t deadline_ns, int *status)
{
	int pidfd = pidfd_open(pid, 0), ret = -ETIMEDOUT;

	for (;;) {
		uint64_t now = msd_now_ns();
		pid_t r = waitpid(pid, status, WNOHANG);
		struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

		if (r == pid) {
			ret = 0;
			break;
		}
		if (r < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		if (now >= deadline_ns)
			break;
		/* The pidfd turns readable at the exit; without one, look often. */
		if (pidfd >= 0)
			poll(&pfd, 1, (int)((deadline_ns - now + 999999) / 1000000));
		else
			usleep(5000);
	}
	if (pidfd >= 0)
		close(pidfd);
	return ret;
}

int msd_runner_run_hook(struct msd_runner *run, const char *cmd, int rule_line,
			const struct memscope_event *ev,
			const struct msd_hook_victim *victim, unsigned int timeout_ms)
{
	uint64_t start = msd_now_ns();
	int ret, status = 0;
	pid_t pid;

	fflush(NULL);
	ret = spawn(run->shell, cmd, ev, victim, &pid);
	if (ret) {
		msd_err("run-before-kill: line %d: %s: %s", rule_line, run->shell, strerror(ret));
		run->metrics->command_failures++;
		return -ret;
	}
	run->metrics->commands++;
	ret = wait_until(pid, start + (uint64_t)timeout_ms * 1000000, &status);
	if (ret == -ETIMEDOUT) {
		/* Its own session and group (POSIX_SPAWN_SETSID): all of it goes. */
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
		msd_warn("run-before-kill: pid %d (line %d) still running after %u ms: killed; "
			 "the kill of pid %d goes ahead", (int)pid, rule_line, timeout_ms,
			 (int)victim->pid);
		run->metrics->command_failures++;
		return ret;
	}
	if (ret) {
		msd_err("run-before-kill: waitpid %d: %s", (int)pid, strerror(-ret));
		return ret;
	}
	if (WIFEXITED(status) && !WEXITSTATUS(status)) {
		msd_info("run-before-kill: pid %d (line %d) for pid %d exited 0 after %" PRIu64 " ms",
			 (int)pid, rule_line, (int)victim->pid, (msd_now_ns() - start) / 1000000);
		return 0;
	}
	msd_warn("run-before-kill: pid %d (line %d) %s %d; the kill of pid %d goes ahead",
		 (int)pid, rule_line, WIFEXITED(status) ? "exited" : "killed by signal",
		 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), (int)victim->pid);
	run->metrics->command_failures++;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

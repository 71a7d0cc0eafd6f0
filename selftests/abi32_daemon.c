// SPDX-License-Identifier: GPL-2.0
/*
 * abi32_test's daemons (abi32.h): a native and a 32-bit memscoped, each
 * with its own config and log under ABI32_WORK, and the helper module's hog
 * taking a zone below its low watermark so that both log a level record.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi32.h"
#include "msview.h"

#define PRESSURE MS_DEBUGFS "/pressure"

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

int daemon_start(struct daemon *d, const char *prog)
{
	char conf[160];

	snprintf(d->conf, sizeof(d->conf), ABI32_WORK "/%s.conf", d->name);
	snprintf(d->log, sizeof(d->log), ABI32_WORK "/%s.log", d->name);
	snprintf(d->out, sizeof(d->out), ABI32_WORK "/%s.out", d->name);
	snprintf(conf, sizeof(conf), "trigger level medium\nlog %s\n", d->log);
	unlink(d->log);
	if (write_file(d->conf, conf))
		return -1;
	d->pid = fork();
	if (d->pid == 0) {
		int fd = open(d->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execl(prog, "memscoped", "-c", d->conf, (char *)NULL);
		_exit(127);
	}
	return d->pid > 0 ? 0 : -1;
}

/*
 * The line of FILE that has NEEDLE (malloc()ed), without what differs from
 * daemon to daemon: the time and pid in front, and the record's "; read N
 * ms later" (its delay, a daemon's own) at the end.
 */
char *log_line(const char *file, const char *needle)
{
	char *t = ms_slurp(file), *p = t ? strstr(t, needle) : NULL, *msg, *line = NULL;

	if (p) {
		while (p > t && p[-1] != '\n')
			p--;
		msg = strstr(p, "]: ");
		if (msg)
			line = strndup(msg + 3, strcspn(msg + 3, "\n"));
		p = line ? strstr(line, "; read ") : NULL;
		if (p)
			*p = '\0';
	}
	free(t);
	return line;
}

/* Up to @ms for NEEDLE in both logs. */
int wait_both(struct daemon *d, const char *needle, int ms)
{
	for (long long end = ms_now_ms() + ms; ms_now_ms() < end; usleep(20000)) {
		char *a = log_line(d[0].log, needle), *b = log_line(d[1].log, needle);
		int both = a && b;

		free(a);
		free(b);
		if (both)
			return 0;
	}
	return -1;
}

void daemon_stop(struct daemon *d)
{
	int status;

	if (d->pid <= 0)
		return;
	kill(d->pid, SIGTERM);
	for (int i = 0; i < 250 && waitpid(d->pid, &status, WNOHANG) == 0; i++)
		usleep(20000);
	if (kill(d->pid, SIGKILL) == 0)
		waitpid(d->pid, &status, 0);
	d->pid = 0;
}

void param_restore(const char *name, long long v)
{
	char text[24];

	snprintf(text, sizeof(text), "%lld", v);
	ms_param_set(name, text);
}

void dump(const char *path)
{
	char *t = ms_slurp(path);

	fprintf(stderr, "# ---- %s\n%s", path, t ? t : "(none)\n");
	free(t);
}

/*
 * The helper's hog takes the zone ordinary allocations use below its low
 * watermark, step by step, until both daemons logged the level medium
 * record; returns 0 then, -1 if they did not. The steps are
 * memscoped_test's.
 */
int cross_medium(struct daemon *d, int node, const char *zone)
{
	char scope[48], cmd[64], *t;
	long long usable, min, low, target;

	snprintf(scope, sizeof(scope), "node%d/%s", node, zone);
	for (int step = 0; step < 3; step++) {
		t = ms_slurp(PRESSURE);
		if (!t || ms_kv_get(t, scope, "usable_free_pages", NULL, &usable) ||
		    ms_kv_get(t, scope, "watermark_pages", "min", &min) ||
		    ms_kv_get(t, scope, "watermark_pages", "low", &low)) {
			free(t);
			return -1;
		}
		free(t);
		target = step == 0 ? (min + low) / 2 :
			 step == 1 ? min + (low - min) / 4 : min + 2;
		if (usable > target) {
			snprintf(cmd, sizeof(cmd), "hog_take %lld nowait", usable - target);
			ms_write_str(MS_HELPER_CTL, cmd);
		}
		if (!wait_both(d, "(level medium) fired: ", 2000))
			return 0;
	}
	return -1;
}


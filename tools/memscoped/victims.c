// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped: process facts from /proc and the choice of victims.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "victims.h"

#define PF_KTHREAD_FLAG 0x00200000UL	/* include/linux/sched.h */

/* A small file into BUF, NUL-terminated; bytes read or -errno. */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
	ssize_t n, total = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)total < len - 1) {
		n = read(fd, buf + total, len - 1 - (size_t)total);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			close(fd);
			return -err;
		}
		if (!n)
			break;
		total += n;
	}
	close(fd);
	buf[total] = '\0';
	return total;
}

static int read_int(const char *path, long *out)
{
	char buf[32], *end;
	ssize_t n = read_small(path, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	errno = 0;
	*out = strtol(buf, &end, 10);
	if (end == buf || errno || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

int msd_proc_read(const char *proc, pid_t pid, struct msd_proc *p)
{
	char path[512], stat[1024], *open_paren, *close_paren;
	unsigned long flags = 0;
	long adj = 0;
	size_t n;
	int ret;

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	snprintf(path, sizeof(path), "%s/%d/stat", proc, (int)pid);
	ret = (int)read_small(path, stat, sizeof(stat));
	if (ret < 0)
		return ret;
	/* "PID (COMM) STATE PPID PGRP SESSION TTY TPGID FLAGS ...": COMM may
	 * hold spaces and parentheses, so it ends at the last ')'. */
	open_paren = strchr(stat, '(');
	close_paren = strrchr(stat, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return -EINVAL;
	n = (size_t)(close_paren - open_paren - 1);
	if (n >= sizeof(p->comm))
		n = sizeof(p->comm) - 1;
	memcpy(p->comm, open_paren + 1, n);
	p->comm[n] = '\0';
	/* STATE PPID PGRP SESSION TTY TPGID FLAGS, then 13 fields to RSS. */
	ret = sscanf(close_paren + 1,
		     " %c %*d %d %*d %*d %*d %lu %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %*u %*u %lu",
		     &p->state, &p->pgrp, &flags, &p->rss_pages);
	if (ret < 3)
		return -EINVAL;
	p->kthread = (flags & PF_KTHREAD_FLAG) != 0;

	snprintf(path, sizeof(path), "%s/%d/oom_score_adj", proc, (int)pid);
	ret = read_int(path, &adj);
	if (ret)
		return ret;
	p->oom_score_adj = (int)adj;
	return 0;
}

const char *msd_proc_protected(const struct msd_proc *p, pid_t self)
{
	if (p->pid <= 1)
		return "it is init (pid 1)";
	if (p->pid == self)
		return "it is memscoped itself";
	if (p->kthread)
		return "it is a kernel thread";
	if (p->state == 'Z' || p->state == 'X')
		return "it has exited already";
	return NULL;
}

pid_t msd_pidfile_read(const char *path)
{
	char buf[32], *end, *s;
	ssize_t n = read_small(path, buf, sizeof(buf));
	long pid;

	if (n < 0)
		return (pid_t)n;
	s = buf;
	while (*s == ' ' || *s == '\t')
		s++;
	errno = 0;
	pid = strtol(s, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (end == s || *end || errno || pid <= 0 || pid > 0x3fffffff)
		return -EINVAL;
	return (pid_t)pid;
}

static int by_adj_desc(const void *a, const void *b)
{
	const struct msd_proc *x = a, *y = b;

	if (x->oom_score_adj != y->oom_score_adj)
		return x->oom_score_adj < y->oom_score_adj ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Exited between readdir() and the read: not an error. */
static int vanished(int err)
{
	return err == -ENOENT || err == -ESRCH;
}

int msd_scan_adj(const char *proc, int min_adj, pid_t self, struct msd_proc *out,
		 int max, int *unreadable)
{
	struct dirent *de;
	int n = 0;
	DIR *dir;

	*unreadable = 0;
	dir = opendir(proc);
	if (!dir)
		return -errno;
	while (n < max && (de = readdir(dir))) {
		char path[512], *end;
		struct msd_proc p;
		long pid, adj = 0;
		int ret;

		pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 1 || pid == self)
			continue;
		snprintf(path, sizeof(path), "%s/%ld/oom_score_adj", proc, pid);
		ret = read_int(path, &adj);
		if (!ret && (adj < min_adj || adj <= MSD_OOM_ADJ_UNKILLABLE))
			continue;
		if (!ret)
			ret = msd_proc_read(proc, (pid_t)pid, &p);
		if (ret) {
			*unreadable += !vanished(ret);
			continue;
		}
		/* Read again: it may have changed in between. */
		if (p.oom_score_adj < min_adj || p.oom_score_adj <= MSD_OOM_ADJ_UNKILLABLE)
			continue;
		if (msd_proc_protected(&p, self))
			continue;
		out[n++] = p;
	}
	closedir(dir);
	qsort(out, (size_t)n, sizeof(*out), by_adj_desc);
	return n;
}

static bool by_rss;

static int by_choice(const void *a, const void *b)
{
	const struct msd_proc *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (by_rss && x->rss_pages != y->rss_pages)
		return x->rss_pages > y->rss_pages ? -1 : 1;
	if (x->oom_score_adj != y->oom_score_adj)
		return x->oom_score_adj > y->oom_score_adj ? -1 : 1;
	if (x->rss_pages != y->rss_pages)
		return x->rss_pages > y->rss_pages ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int compile(regex_t *re, const char *pattern)
{
	return *pattern && regcomp(re, pattern, REG_EXTENDED | REG_NOSUB) ? -EINVAL : 0;
}

static bool matches(const regex_t *re, const char *pattern, const char *name)
{
	return *pattern && !regexec(re, name, 0, NULL, 0);
}

int msd_victims_order(struct msd_proc *v, int n, bool rss_first, const char *prefer,
		      const char *avoid)
{
	regex_t want, shun;
	int ret = 0;

	if (compile(&want, prefer)) {
		prefer = "";
		ret = -EINVAL;
	}
	if (compile(&shun, avoid)) {
		avoid = "";
		ret = -EINVAL;
	}
	for (int i = 0; i < n; i++)
		v[i].rank = matches(&want, prefer, v[i].comm) ? 0 :
			    matches(&shun, avoid, v[i].comm) ? 2 : 1;
	if (*prefer)
		regfree(&want);
	if (*avoid)
		regfree(&shun);
	/* qsort() has no context argument; memscoped is single-threaded. */
	by_rss = rss_first;
	qsort(v, (size_t)n, sizeof(*v), by_choice);
	return ret;
}

int msd_group_check(const char *proc, pid_t pgrp, pid_t self, char *why, size_t len)
{
	struct msd_proc me, p;
	struct dirent *de;
	int ret = 0;
	DIR *dir;

	if (pgrp <= 1) {
		snprintf(why, len, "it is init's process group");
		return -EPERM;
	}
	if (!msd_proc_read(proc, self, &me) && me.pgrp == pgrp) {
		snprintf(why, len, "it is memscoped's own process group");
		return -EPERM;
	}
	dir = opendir(proc);
	if (!dir)
		return -errno;
	while (!ret && (de = readdir(dir))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		const char *no;

		if (*end || pid <= 0 || msd_proc_read(proc, (pid_t)pid, &p) || p.pgrp != pgrp)
			continue;
		no = msd_proc_protected(&p, self);
		if (!no && p.oom_score_adj <= MSD_OOM_ADJ_UNKILLABLE)
			no = "its oom_score_adj is -1000";
		/* A zombie member is harmless: it cannot be hurt any more. */
		if (no && p.state != 'Z' && p.state != 'X') {
			snprintf(why, len, "member %d (%s): %s", (int)pid, p.comm, no);
			ret = -EPERM;
		}
	}
	closedir(dir);
	return ret;
}

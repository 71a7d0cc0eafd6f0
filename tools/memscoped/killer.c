// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped: the kill sequence, SIGTERM -> grace period -> SIGKILL.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "killer.h"
#include "log.h"
#include "monotonic.h"

#define NS_PER_MS 1000000ULL

/*
 * Linux 5.15. The number is the same on every architecture memscoped is
 * built for (x86_64, i386, arm, arm64): syscalls added since 5.1 share one
 * table. Old C libraries do not define it.
 */
#ifndef __NR_process_mrelease
#define __NR_process_mrelease 448
#endif

void msd_killer_init(struct msd_killer *k, unsigned int grace_ms,
		     unsigned int cooldown_ms, struct msd_metrics *metrics)
{
	memset(k, 0, sizeof(*k));
	k->grace_ms = grace_ms;
	k->cooldown_ms = cooldown_ms;
	k->self = getpid();
	k->proc = "/proc";
	k->metrics = metrics;
	k->clock = msd_now_ns;
}

/* The last victim gone at NOW ends the episode after the cooldown. */
static void drop(struct msd_killer *k, int i, uint64_t now)
{
	if (k->p[i].pidfd >= 0)
		close(k->p[i].pidfd);
	k->p[i] = k->p[--k->n];
	if (!k->n)
		k->quiet_until_ns = now + k->cooldown_ms * NS_PER_MS;
}

void msd_killer_release(struct msd_killer *k)
{
	while (k->n)
		drop(k, k->n - 1, 0);
}

bool msd_killer_ready(const struct msd_killer *k, uint64_t now)
{
	return !k->n && now >= k->quiet_until_ns;
}

bool msd_killer_pending(const struct msd_killer *k, pid_t pid)
{
	for (int i = 0; i < k->n; i++)
		if (k->p[i].pid == pid)
			return true;
	return false;
}

/*
 * The victim first, through its pidfd; then its group, which cannot have
 * been recycled: the victim, alive a moment ago, still belongs to it.
 */
static int send_signal(const struct msd_pending *v, int sig)
{
	int ret;

	if (v->pidfd >= 0)
		ret = pidfd_send_signal(v->pidfd, sig, NULL, 0) ? -errno : 0;
	else
		ret = kill(v->pid, sig) ? -errno : 0;
	if (!ret && v->pgrp > 1 && kill(-v->pgrp, sig) && errno != ESRCH)
		msd_warn("kill: signal %d to process group %d: %s", sig, (int)v->pgrp,
			 strerror(errno));
	return ret;
}

/* GROUP asked for: the victim's group, if nothing in it must be spared. */
static pid_t group_to_signal(const struct msd_killer *k, const struct msd_proc *p)
{
	char why[160];
	int ret = msd_group_check(k->proc, p->pgrp, k->self, why, sizeof(why));

	if (!ret)
		return p->pgrp;
	if (ret != -EPERM)
		snprintf(why, sizeof(why), "%s: %s", k->proc, strerror(-ret));
	msd_warn("kill: not the process group %d of pid %d (%s): %s; the process alone",
		 (int)p->pgrp, (int)p->pid, p->comm, why);
	return 0;
}

/* A dry run's kill: logged, and the episode's cooldown starts. */
static void pretend(struct msd_killer *k, const struct msd_proc *p, pid_t pgrp,
		    const char *why)
{
	char group[48] = "";

	if (pgrp)
		snprintf(group, sizeof(group), " and its process group %d", (int)pgrp);
	msd_info("dry run: would send SIGTERM to pid %d (%s, oom_score_adj %d, rss %lu KiB)%s: %s",
		 (int)p->pid, p->comm, p->oom_score_adj,
		 p->rss_pages * (unsigned long)(sysconf(_SC_PAGESIZE) / 1024), group, why);
	k->metrics->dry_run_kills++;
	k->quiet_until_ns = k->clock() + k->cooldown_ms * NS_PER_MS;
}

int msd_killer_start(struct msd_killer *k, pid_t pid, const char *why, bool group)
{
	struct msd_pending *v;
	struct msd_proc p;
	const char *no;
	int ret;

	if (msd_killer_pending(k, pid))
		return -EALREADY;
	if (k->n == MSD_MAX_PENDING) {
		msd_warn("kill: %d processes are being killed already; pid %d must wait",
			 MSD_MAX_PENDING, (int)pid);
		return -EBUSY;
	}
	v = &k->p[k->n];
	memset(v, 0, sizeof(*v));
	v->pid = pid;
	v->pidfd = pidfd_open(pid, 0);
	if (v->pidfd < 0) {
		if (errno != ENOSYS)
			return errno == ESRCH ? -ESRCH : -errno;
		/* Kernels before 5.3: signal by pid, check liveness by polling. */
		v->pidfd = -1;
	}
	/* The pidfd pins the pid: what /proc shows now is the process we hold. */
	ret = msd_proc_read(k->proc, pid, &p);
	if (!ret) {
		no = msd_proc_protected(&p, k->self);
		if (no) {
			msd_warn("kill: not signalling pid %d (%s): %s", (int)pid, p.comm, no);
			ret = -EPERM;
		}
	}
	if (!ret && group)
		v->pgrp = group_to_signal(k, &p);
	if (!ret && k->dry_run) {
		pretend(k, &p, v->pgrp, why);
		if (v->pidfd >= 0)
			close(v->pidfd);
		return 0;
	}
	if (!ret) {
		ret = send_signal(v, SIGTERM);
		/* EPERM here is a missing CAP_KILL, not a protected process: say so. */
		if (ret && ret != -ESRCH)
			msd_warn("kill: SIGTERM to pid %d (%s): %s", (int)pid, p.comm,
				 strerror(-ret));
	}
	if (ret) {
		if (v->pidfd >= 0)
			close(v->pidfd);
		return ret;
	}
	memcpy(v->comm, p.comm, sizeof(v->comm));
	v->term_ns = k->clock();
	v->deadline_ns = v->term_ns + k->grace_ms * NS_PER_MS;
	k->n++;
	k->metrics->kills++;
	msd_info("kill: SIGTERM to pid %d (%s, oom_score_adj %d, rss %lu pages)%s: %s", (int)pid,
		 p.comm, p.oom_score_adj, p.rss_pages,
		 v->pgrp ? " and its process group" : "", why);
	return 0;
}

int msd_killer_pollfds(const struct msd_killer *k, struct pollfd *fds, int max)
{
	int n = 0;

	for (int i = 0; i < k->n && n < max; i++) {
		if (k->p[i].pidfd < 0)
			continue;
		fds[n].fd = k->p[i].pidfd;
		fds[n].events = POLLIN;
		fds[n].revents = 0;
		n++;
	}
	return n;
}

int msd_killer_timeout_ms(const struct msd_killer *k, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (int i = 0; i < k->n; i++) {
		uint64_t due = k->p[i].deadline_ns;

		/* Without a pidfd nothing wakes us when it exits: look often. */
		if (k->p[i].pidfd < 0 && due > now + 20 * NS_PER_MS)
			due = now + 20 * NS_PER_MS;
		if (due < next)
			next = due;
	}
	if (k->held_set && !k->n && k->quiet_until_ns < next)
		next = k->quiet_until_ns;
	if (next == UINT64_MAX)
		return -1;
	if (next <= now)
		return 0;
	/* Round up: waking a little late is fine, early means a busy loop. */
	return (int)((next - now + NS_PER_MS - 1) / NS_PER_MS);
}

static bool exited(const struct msd_killer *k, const struct msd_pending *v)
{
	struct pollfd pfd = { .fd = v->pidfd, .events = POLLIN };
	struct msd_proc p;

	if (v->pidfd >= 0)
		return poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLIN | POLLHUP));
	if (kill(v->pid, 0) && errno == ESRCH)
		return true;
	return !msd_proc_read(k->proc, v->pid, &p) && (p.state == 'Z' || p.state == 'X');
}

static unsigned long long ms_since(uint64_t then, uint64_t now)
{
	return (now - then) / NS_PER_MS;
}

/*
 * After SIGKILL: reap the victim's address space now, in memscoped's
 * context, instead of waiting for the victim to be scheduled and unwind
 * (a task stuck in D state or at the back of a busy CPU takes long).
 */
static void release_memory(struct msd_killer *k, const struct msd_pending *v)
{
	uint64_t t0;
	long ret;

	if (v->pidfd < 0 || k->no_mrelease)
		return;
	t0 = msd_now_ns();
	ret = syscall(__NR_process_mrelease, v->pidfd, 0);
	if (ret && errno == ENOSYS) {
		k->no_mrelease = true;
		msd_info("kill: no process_mrelease() in this kernel (before 5.15): "
			 "memory comes back as victims exit");
		return;
	}
	if (ret && errno == ESRCH) {
		/* The usual end of a quick victim: its exit freed everything. */
		msd_info("kill: process_mrelease of pid %d (%s): it has exited already",
			 (int)v->pid, v->comm);
		return;
	}
	if (ret) {
		msd_warn("kill: process_mrelease of pid %d (%s): %s", (int)v->pid, v->comm,
			 strerror(errno));
		return;
	}
	k->metrics->mreleases++;
	msd_info("kill: process_mrelease of pid %d (%s) took %llu us", (int)v->pid, v->comm,
		 (unsigned long long)((msd_now_ns() - t0) / 1000));
}

void msd_killer_service(struct msd_killer *k, uint64_t now)
{
	int i = 0;

	while (i < k->n) {
		struct msd_pending *v = &k->p[i];
		int ret;

		if (exited(k, v)) {
			if (v->kill_ns)
				msd_info("kill: pid %d (%s) exited %llu ms after SIGKILL",
					 (int)v->pid, v->comm, ms_since(v->kill_ns, now));
			else
				msd_info("kill: pid %d (%s) exited %llu ms after SIGTERM",
					 (int)v->pid, v->comm, ms_since(v->term_ns, now));
			drop(k, i, now);
			continue;
		}
		if (now < v->deadline_ns) {
			i++;
			continue;
		}
		if (v->kill_ns) {
			msd_warn("kill: pid %d (%s) still there %llu ms after SIGKILL; "
				 "no longer waiting for it", (int)v->pid, v->comm,
				 ms_since(v->kill_ns, now));
			drop(k, i, now);
			continue;
		}
		ret = send_signal(v, SIGKILL);
		if (ret == -ESRCH) {
			msd_info("kill: pid %d (%s) exited %llu ms after SIGTERM",
				 (int)v->pid, v->comm, ms_since(v->term_ns, now));
			drop(k, i, now);
			continue;
		}
		if (ret) {
			msd_err("kill: SIGKILL to pid %d (%s): %s", (int)v->pid, v->comm,
				strerror(-ret));
			drop(k, i, now);
			continue;
		}
		msd_info("kill: pid %d (%s) still alive %llu ms after SIGTERM: SIGKILL",
			 (int)v->pid, v->comm, ms_since(v->term_ns, now));
		k->metrics->sigkills++;
		release_memory(k, v);
		v->kill_ns = now;
		v->deadline_ns = now + MSD_SIGKILL_WAIT_MS * NS_PER_MS;
		i++;
	}
}

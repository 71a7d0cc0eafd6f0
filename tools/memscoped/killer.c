// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped: the kill sequence, SIGTERM -> grace period -> SIGKILL.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "killer.h"
#include "log.h"
#include "monotonic.h"

#define NS_PER_MS 1000000ULL

void msd_killer_init(struct msd_killer *k, unsigned int grace_ms,
		     struct msd_metrics *metrics)
{
	memset(k, 0, sizeof(*k));
	k->grace_ms = grace_ms;
	k->self = getpid();
	k->proc = "/proc";
	k->metrics = metrics;
}

static void drop(struct msd_killer *k, int i)
{
	if (k->p[i].pidfd >= 0)
		close(k->p[i].pidfd);
	k->p[i] = k->p[--k->n];
}

void msd_killer_release(struct msd_killer *k)
{
	while (k->n)
		drop(k, k->n - 1);
}

bool msd_killer_pending(const struct msd_killer *k, pid_t pid)
{
	for (int i = 0; i < k->n; i++)
		if (k->p[i].pid == pid)
			return true;
	return false;
}

static int send_signal(const struct msd_pending *v, int sig)
{
	if (v->pidfd >= 0)
		return pidfd_send_signal(v->pidfd, sig, NULL, 0) ? -errno : 0;
	return kill(v->pid, sig) ? -errno : 0;
}

int msd_killer_start(struct msd_killer *k, pid_t pid, const char *why)
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
	if (!ret)
		ret = send_signal(v, SIGTERM);
	if (ret) {
		if (v->pidfd >= 0)
			close(v->pidfd);
		return ret;
	}
	memcpy(v->comm, p.comm, sizeof(v->comm));
	v->term_ns = msd_now_ns();
	v->deadline_ns = v->term_ns + k->grace_ms * NS_PER_MS;
	k->n++;
	k->metrics->kills++;
	msd_info("kill: SIGTERM to pid %d (%s, oom_score_adj %d): %s", (int)pid, p.comm,
		 p.oom_score_adj, why);
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
			drop(k, i);
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
			drop(k, i);
			continue;
		}
		ret = send_signal(v, SIGKILL);
		if (ret == -ESRCH) {
			msd_info("kill: pid %d (%s) exited %llu ms after SIGTERM",
				 (int)v->pid, v->comm, ms_since(v->term_ns, now));
			drop(k, i);
			continue;
		}
		if (ret) {
			msd_err("kill: SIGKILL to pid %d (%s): %s", (int)v->pid, v->comm,
				strerror(-ret));
			drop(k, i);
			continue;
		}
		msd_info("kill: pid %d (%s) still alive %llu ms after SIGTERM: SIGKILL",
			 (int)v->pid, v->comm, ms_since(v->term_ns, now));
		k->metrics->sigkills++;
		v->kill_ns = now;
		v->deadline_ns = now + MSD_SIGKILL_WAIT_MS * NS_PER_MS;
		i++;
	}
}

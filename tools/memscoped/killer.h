/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscoped: SIGTERM, then SIGKILL after a grace period, to chosen
 * processes. Each victim is held by a pidfd from the moment it is chosen,
 * so a recycled pid can never receive the signal, and the pidfd turns
 * readable when the victim exits, so the event loop needs no polling.
 * After SIGKILL, process_mrelease() on the pidfd frees the victim's memory
 * at once rather than when its last thread gets round to exiting.
 *
 * Kills come in episodes: an episode lasts while any victim is being
 * killed and for the cooldown after the last one is gone, and no new
 * victim is chosen during it, so one shortage does not cost several
 * processes before the first kill has had its effect. A record whose
 * kills had to wait is held (the latest one) and acted on when the
 * episode ends, unless memory recovered first.
 */
#ifndef MEMSCOPED_KILLER_H
#define MEMSCOPED_KILLER_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/memscope.h>

#include "metrics.h"
#include "victims.h"

#define MSD_MAX_PENDING		64
#define MSD_SIGKILL_WAIT_MS	5000	/* then stop waiting for the exit */

struct msd_pending {
	pid_t pid;
	int pidfd;		/* -1: no pidfd_open(), liveness polled */
	char comm[32];
	uint64_t term_ns;	/* SIGTERM sent at (CLOCK_MONOTONIC) */
	uint64_t kill_ns;	/* SIGKILL sent at, 0 if not yet */
	uint64_t deadline_ns;	/* next step: SIGKILL, or giving up */
	pid_t pgrp;		/* > 0: its process group is signalled too */
};

struct msd_killer {
	struct msd_pending p[MSD_MAX_PENDING];
	int n;
	unsigned int grace_ms;
	pid_t self;
	const char *proc;	/* "/proc" */
	struct msd_metrics *metrics;
	bool dry_run;		/* log what would be signalled, signal nothing */
	unsigned int cooldown_ms;
	uint64_t quiet_until_ns;	/* no new victim before (episode's end) */
	uint64_t (*clock)(void);	/* msd_now_ns; tests pass their own */
	bool no_mrelease;	/* process_mrelease() is not in this kernel */
	bool held_set;		/* a record waits for the episode's end */
	struct memscope_event held;
};

/* GRACE_MS before SIGKILL, COOLDOWN_MS after an episode's last victim. */
void msd_killer_init(struct msd_killer *k, unsigned int grace_ms,
		     unsigned int cooldown_ms, struct msd_metrics *metrics);
void msd_killer_release(struct msd_killer *k);

bool msd_killer_pending(const struct msd_killer *k, pid_t pid);

/* No episode is going on at NOW: a new victim may be chosen. */
bool msd_killer_ready(const struct msd_killer *k, uint64_t now);

/*
 * Send SIGTERM to PID, which the caller chose as described by WHY; with
 * GROUP, to its whole process group when msd_group_check() allows that,
 * else to PID alone. The process is looked at again once a pidfd holds
 * it, so a pid recycled in between is left alone. In a dry run nothing is
 * signalled: the kill is logged and the episode runs its cooldown. 0,
 * -EALREADY (already being killed), -EPERM (protected), -EBUSY (too many
 * pending), or -errno.
 */
int msd_killer_start(struct msd_killer *k, pid_t pid, const char *why, bool group);

/* Entries for poll() (pidfds), at most MAX; returns how many. */
int msd_killer_pollfds(const struct msd_killer *k, struct pollfd *fds, int max);

/*
 * Milliseconds until the next step is due (0 if overdue), -1 if none; the
 * end of the episode counts as a step while a record is held.
 */
int msd_killer_timeout_ms(const struct msd_killer *k, uint64_t now);

/* After poll(): note exits, escalate or give up where due. */
void msd_killer_service(struct msd_killer *k, uint64_t now);

#endif /* MEMSCOPED_KILLER_H */

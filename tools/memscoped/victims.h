/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscoped: which processes may be killed. A process is registered as
 * background-killable by a pid file, or by an oom_score_adj at or above a
 * threshold (as maemo's and Android's low-memory killers did). Whatever
 * the rule says, pid 1, memscoped itself, kernel threads and zombies are
 * never chosen.
 */
#ifndef MEMSCOPED_VICTIMS_H
#define MEMSCOPED_VICTIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define MSD_OOM_ADJ_UNKILLABLE	(-1000)	/* OOM_SCORE_ADJ_MIN: never */

struct msd_proc {
	pid_t pid;
	char comm[32];
	char state;		/* R, S, D, Z, ... from /proc/PID/stat */
	bool kthread;		/* PF_KTHREAD */
	int oom_score_adj;
	pid_t pgrp;		/* its process group */
	unsigned long rss_pages;	/* resident set, 0 if stat lacks it */
	int rank;		/* 0 prefer matched, 1 neither, 2 avoid matched */
};

/* Facts about PID under PROC ("/proc", or a fake tree in tests). 0 or -errno. */
int msd_proc_read(const char *proc, pid_t pid, struct msd_proc *p);

/* Why P must never be signalled, or NULL if it may be. */
const char *msd_proc_protected(const struct msd_proc *p, pid_t self);

/* The pid a pid file holds: > 0, or -errno (-EINVAL: not a pid). */
pid_t msd_pidfile_read(const char *path);

/*
 * Processes under PROC with oom_score_adj >= MIN_ADJ that are not
 * protected (SELF is memscoped's pid) and not unkillable (-1000), highest
 * oom_score_adj first. Returns how many were stored in OUT (at most MAX),
 * or -errno. *UNREADABLE counts the processes whose files could not be
 * read for another reason than having exited (out of memory, say): those
 * were not considered.
 *
 * Each process costs one read of oom_score_adj (served from a stack
 * buffer in the kernel); only those at or above MIN_ADJ cost the larger
 * read of their stat file. Under pressure every kernel allocation counts.
 */
int msd_scan_adj(const char *proc, int min_adj, pid_t self, struct msd_proc *out,
		 int max, int *unreadable);

/*
 * Put the N candidates in V in the order they are to be killed: those
 * whose name matches PREFER first, those matching AVOID last (a name
 * matching both counts as preferred), and within each of those by
 * largest RSS (BY_RSS) or highest oom_score_adj, the other as tie-break,
 * then lowest pid. PREFER and AVOID are POSIX extended regexes ("" for
 * none), checked by the config parser; 0, or -EINVAL if one will not
 * compile after all (the order is then by size or adj alone).
 */
int msd_victims_order(struct msd_proc *v, int n, bool by_rss, const char *prefer,
		      const char *avoid);

/*
 * Whether PGRP, the process group of a victim, may be signalled as a
 * whole: not memscoped's own group or init's, and no member protected or
 * at oom_score_adj -1000. 0 if it may; -EPERM with the reason in WHY (LEN
 * bytes) if not; -errno if PROC cannot be read.
 */
int msd_group_check(const char *proc, pid_t pgrp, pid_t self, char *why, size_t len);

#endif /* MEMSCOPED_VICTIMS_H */

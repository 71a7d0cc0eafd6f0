// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped: rule matching and the actions they start.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "actions.h"
#include "event.h"
#include "log.h"
#include "names.h"

#define MSD_MAX_SCAN 256	/* candidates looked at per oom_score_adj rule */

static int kill_one(struct msd_killer *k, pid_t pid, const char *why)
{
	int ret = msd_killer_start(k, pid, why);

	if (!ret)
		return 1;
	if (ret == -EALREADY)
		return 0;	/* a previous record started it */
	if (ret == -ESRCH || ret == -ENOENT)
		msd_info("kill: pid %d is gone already", (int)pid);
	else if (ret != -EPERM && ret != -EBUSY)
		msd_warn("kill: pid %d: %s", (int)pid, strerror(-ret));
	return 0;
}

static int kill_by_pidfile(const struct msd_rule *r, struct msd_killer *k,
			   const char *why)
{
	pid_t pid = msd_pidfile_read(r->arg);

	if (pid < 0) {
		if (pid == -ENOENT)
			msd_info("kill: %s does not exist: nothing to kill", r->arg);
		else
			msd_warn("kill: %s: %s", r->arg,
				 pid == -EINVAL ? "does not hold a pid" : strerror(-pid));
		return 0;
	}
	return kill_one(k, pid, why);
}

static int kill_by_adj(const struct msd_rule *r, struct msd_killer *k,
		       const char *why)
{
	static struct msd_proc found[MSD_MAX_SCAN];
	int n, started = 0, unreadable;

	n = msd_scan_adj(k->proc, r->min_adj, k->self, found, MSD_MAX_SCAN, &unreadable);
	if (n < 0) {
		msd_err("kill: reading %s: %s", k->proc, strerror(-n));
		return 0;
	}
	if (unreadable)
		msd_warn("kill: %d processes in %s could not be read and were passed over",
			 unreadable, k->proc);
	for (int i = 0; i < n; i++)
		started += kill_one(k, found[i].pid, why);
	if (!n)
		msd_info("kill: no process with oom_score_adj >= %d", r->min_adj);
	return started;
}

static bool rule_matches(const struct msd_rule *r, const uint32_t *ids,
			 const struct memscope_event *ev, uint32_t level)
{
	if (r->trigger >= 0)
		return ids[r->trigger] == ev->trigger_id;
	return level >= r->level;
}

int msd_actions_apply(const struct msd_config *c, const uint32_t *ids,
		      struct msd_killer *k, struct msd_runner *run,
		      const struct memscope_event *ev)
{
	uint32_t level = msd_event_level(ev);
	int started = 0;
	char why[160];

	if (ev->reason != MEMSCOPE_REASON_FIRED)
		return 0;
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned int i = 0; i < c->nrules; i++) {
			const struct msd_rule *r = &c->rules[i];
			bool is_kill = r->action != MSD_ACT_RUN;

			if (!rule_matches(r, ids, ev, level) || is_kill != (pass == 0))
				continue;
			snprintf(why, sizeof(why), "record #%llu at %s, rule of line %d",
				 (unsigned long long)ev->seq, msd_level_name(level), r->line);
			switch (r->action) {
			case MSD_ACT_KILL_PIDFILE:
				started += kill_by_pidfile(r, k, why);
				break;
			case MSD_ACT_KILL_ADJ:
				started += kill_by_adj(r, k, why);
				break;
			case MSD_ACT_RUN:
				started += !msd_runner_start(run, r->arg, r->line, ev);
				break;
			}
		}
	}
	return started;
}

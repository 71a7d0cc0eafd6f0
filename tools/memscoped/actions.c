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

/* One record's kill pass: its rules, its victim budget, its reason. */
struct kill_pass {
	const struct msd_config *c;
	const uint32_t *ids;
	struct msd_killer *k;
	struct msd_runner *run;
	const struct memscope_event *ev;
	unsigned int budget;		/* victims left for this record */
	char why[160];
};

static bool rule_matches(const struct msd_rule *r, const uint32_t *ids,
			 const struct memscope_event *ev, uint32_t level)
{
	if (r->trigger >= 0)
		return ids[r->trigger] == ev->trigger_id;
	return level >= r->level;
}

/* The run-before-kill commands the record reaches, for P, one by one. */
static void run_hooks(struct kill_pass *kp, const struct msd_proc *p)
{
	struct msd_hook_victim victim = {
		.pid = p->pid, .comm = p->comm, .dry_run = kp->c->dry_run,
	};
	uint32_t level = msd_event_level(kp->ev);

	for (unsigned int i = 0; i < kp->c->nrules; i++) {
		const struct msd_rule *r = &kp->c->rules[i];

		if (r->action == MSD_ACT_PRE_KILL && rule_matches(r, kp->ids, kp->ev, level))
			msd_runner_run_hook(kp->run, r->arg, r->line, kp->ev, &victim,
					    kp->c->pre_kill_timeout_ms);
	}
}

static bool has_hooks(const struct msd_config *c)
{
	for (unsigned int i = 0; i < c->nrules; i++)
		if (c->rules[i].action == MSD_ACT_PRE_KILL)
			return true;
	return false;
}

static int kill_one(struct kill_pass *kp, const struct msd_rule *r, pid_t pid)
{
	struct msd_killer *k = kp->k;
	struct msd_proc p;
	int ret;

	if (!kp->budget || msd_killer_pending(k, pid))
		return 0;	/* enough victims, or a previous record's */
	/* The hooks need the victim's name; a pid that is gone needs nothing. */
	if (has_hooks(kp->c)) {
		ret = msd_proc_read(k->proc, pid, &p);
		if (!ret && !msd_proc_protected(&p, k->self))
			run_hooks(kp, &p);
	}
	ret = msd_killer_start(k, pid, kp->why, r->group);
	if (!ret) {
		kp->budget--;
		return 1;
	}
	if (ret == -ESRCH || ret == -ENOENT)
		msd_info("kill: pid %d is gone already", (int)pid);
	else if (ret != -EPERM && ret != -EBUSY && ret != -EALREADY)
		msd_warn("kill: pid %d: %s", (int)pid, strerror(-ret));
	return 0;
}

static int kill_by_pidfile(struct kill_pass *kp, const struct msd_rule *r)
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
	return kill_one(kp, r, pid);
}

static int kill_by_adj(struct kill_pass *kp, const struct msd_rule *r)
{
	static struct msd_proc found[MSD_MAX_SCAN];
	const struct msd_config *c = kp->c;
	struct msd_killer *k = kp->k;
	int n, started = 0, unreadable;

	n = msd_scan_adj(k->proc, r->min_adj, k->self, found, MSD_MAX_SCAN, &unreadable);
	if (n < 0) {
		msd_err("kill: reading %s: %s", k->proc, strerror(-n));
		return 0;
	}
	if (unreadable)
		msd_warn("kill: %d processes in %s could not be read and were passed over",
			 unreadable, k->proc);
	if (msd_victims_order(found, n, c->kill_order == MSD_ORDER_RSS, c->prefer, c->avoid))
		msd_warn("kill: prefer or avoid would not compile; ordered without them");
	for (int i = 0; i < n && kp->budget; i++)
		started += kill_one(kp, r, found[i].pid);
	if (!n)
		msd_info("kill: no process with oom_score_adj >= %d", r->min_adj);
	return started;
}

static bool is_kill(const struct msd_rule *r)
{
	return r->action == MSD_ACT_KILL_PIDFILE || r->action == MSD_ACT_KILL_ADJ;
}

/* The kill rules EV reaches, in config order, until its victims are chosen. */
static int kill_pass(const struct msd_config *c, const uint32_t *ids, struct msd_killer *k,
		     struct msd_runner *run, const struct memscope_event *ev)
{
	struct kill_pass kp = {
		.c = c, .ids = ids, .k = k, .run = run, .ev = ev,
		.budget = c->victims_per_episode,
	};
	uint32_t level = msd_event_level(ev);
	int started = 0;

	for (unsigned int i = 0; i < c->nrules && kp.budget; i++) {
		const struct msd_rule *r = &c->rules[i];

		if (!is_kill(r) || !rule_matches(r, ids, ev, level))
			continue;
		snprintf(kp.why, sizeof(kp.why), "record #%llu at %s, rule of line %d",
			 (unsigned long long)ev->seq, msd_level_name(level), r->line);
		if (r->action == MSD_ACT_KILL_PIDFILE)
			started += kill_by_pidfile(&kp, r);
		else
			started += kill_by_adj(&kp, r);
	}
	return started;
}

static bool reaches_a_kill(const struct msd_config *c, const uint32_t *ids,
			   const struct memscope_event *ev)
{
	uint32_t level = msd_event_level(ev);

	for (unsigned int i = 0; i < c->nrules; i++)
		if (is_kill(&c->rules[i]) && rule_matches(&c->rules[i], ids, ev, level))
			return true;
	return false;
}

int msd_actions_apply(const struct msd_config *c, const uint32_t *ids,
		      struct msd_killer *k, struct msd_runner *run,
		      const struct memscope_event *ev)
{
	uint32_t level = msd_event_level(ev);
	int started = 0;

	if (ev->reason != MEMSCOPE_REASON_FIRED) {
		/* The condition the held record reported is over: memory recovered. */
		if (k->held_set && k->held.trigger_id == ev->trigger_id &&
		    ev->reason == MEMSCOPE_REASON_CLEARED) {
			k->held_set = false;
			msd_info("kill: record #%llu cleared its trigger: held record #%llu dropped",
				 (unsigned long long)ev->seq, (unsigned long long)k->held.seq);
		}
		return 0;
	}
	/* Freeing memory comes before forking a command. */
	if (reaches_a_kill(c, ids, ev)) {
		if (msd_killer_ready(k, k->clock())) {
			started += kill_pass(c, ids, k, run, ev);
		} else {
			if (!k->held_set)
				msd_info("kill: record #%llu waits: the last kill's victim is not "
					 "gone or its cooldown not over", (unsigned long long)ev->seq);
			k->held = *ev;
			k->held_set = true;
		}
	}
	for (unsigned int i = 0; i < c->nrules; i++) {
		const struct msd_rule *r = &c->rules[i];

		if (r->action == MSD_ACT_RUN && rule_matches(r, ids, ev, level))
			started += !msd_runner_start(run, r->arg, r->line, ev);
	}
	return started;
}

int msd_actions_resume(const struct msd_config *c, const uint32_t *ids,
		       struct msd_killer *k, struct msd_runner *run)
{
	struct memscope_event ev;

	if (!k->held_set || !msd_killer_ready(k, k->clock()))
		return 0;
	ev = k->held;
	k->held_set = false;
	msd_info("kill: the episode is over and nothing cleared record #%llu: acting on it",
		 (unsigned long long)ev.seq);
	return kill_pass(c, ids, k, run, &ev);
}

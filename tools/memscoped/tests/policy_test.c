// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped unit tests: the kill policy's config keys, the order victims
 * are chosen in, and which process groups may be signalled whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "unit.h"
#include "victims.h"

static struct msd_config cfg;
static char err[512];

static int parse(const char *text)
{
	err[0] = '\0';
	return msd_config_parse(text, strlen(text), "policy.conf", &cfg, err, sizeof(err));
}

static void policy_defaults_and_keys(void)
{
	CHECK_INT(parse("trigger oom\n"), 0);
	CHECK(!cfg.dry_run);
	CHECK_INT(cfg.kill_order, MSD_ORDER_ADJ);
	CHECK_INT(cfg.victims_per_episode, 1);
	CHECK_INT(cfg.kill_cooldown_ms, 1000);
	CHECK_INT(cfg.pre_kill_timeout_ms, 500);
	CHECK_STR(cfg.prefer, "");
	CHECK_STR(cfg.avoid, "");

	CHECK_INT(parse("trigger oom\ndry_run yes\nkill_order rss\nprefer ^(chrome|firefox)$\n"
			"avoid ^(Xorg|sshd)\nvictims_per_episode 3\nkill_cooldown_ms 0\n"
			"pre_kill_timeout_ms 2000\n"
			"on oom run-before-kill logger \"killing $MEMSCOPE_VICTIM_PID\"\n"
			"on oom kill process-group oom_score_adj>=900\n"
			"on oom kill pidfile=/run/a.pid\n"), 0);
	CHECK(cfg.dry_run);
	CHECK_INT(cfg.kill_order, MSD_ORDER_RSS);
	CHECK_STR(cfg.prefer, "^(chrome|firefox)$");
	CHECK_STR(cfg.avoid, "^(Xorg|sshd)");
	CHECK_INT(cfg.victims_per_episode, 3);
	CHECK_INT(cfg.kill_cooldown_ms, 0);
	CHECK_INT(cfg.pre_kill_timeout_ms, 2000);
	REQUIRE(cfg.nrules == 3);
	CHECK_INT(cfg.rules[0].action, MSD_ACT_PRE_KILL);
	CHECK_STR(cfg.rules[0].arg, "logger \"killing $MEMSCOPE_VICTIM_PID\"");
	CHECK_INT(cfg.rules[1].action, MSD_ACT_KILL_ADJ);
	CHECK(cfg.rules[1].group);
	CHECK_INT(cfg.rules[1].min_adj, 900);
	CHECK_INT(cfg.rules[2].action, MSD_ACT_KILL_PIDFILE);
	CHECK(!cfg.rules[2].group);
}

static void policy_rejects_mistakes(void)
{
	static const struct { const char *text, *why; } cases[] = {
		{ "trigger oom\ndry_run perhaps\n", "policy.conf:2: dry_run takes yes or no" },
		{ "trigger oom\ndry_run yes\ndry_run no\n", "dry_run given twice" },
		{ "trigger oom\nkill_order size\n", "kill_order takes oom_score_adj or rss, not 'size'" },
		{ "trigger oom\nprefer (unclosed\n", "policy.conf:2: prefer '(unclosed': " },
		{ "trigger oom\navoid\n", "avoid needs a regular expression" },
		{ "trigger oom\nvictims_per_episode 0\n", "victims_per_episode '0' is not in 1..64" },
		{ "trigger oom\nvictims_per_episode 65\n", "is not in 1..64" },
		{ "trigger oom\nkill_cooldown_ms 600001\n", "is not in 0..600000" },
		{ "trigger oom\npre_kill_timeout_ms 5\n", "pre_kill_timeout_ms '5' is not in 10..10000" },
		{ "trigger oom\non oom run-before-kill\n", "'on oom run-before-kill' needs a command" },
		{ "trigger oom\non oom kill process-group\n", "kill takes [process-group]" },
		{ "trigger oom\non oom kill process-groups oom_score_adj>=1\n", "kill takes" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(parse(cases[i].text), -EINVAL);
		CHECK_CONTAINS(err, cases[i].why);
	}
}

static struct msd_proc cand(pid_t pid, const char *comm, int adj, unsigned long rss)
{
	struct msd_proc p = { .pid = pid, .oom_score_adj = adj, .rss_pages = rss };

	snprintf(p.comm, sizeof(p.comm), "%s", comm);
	return p;
}

static void fill(struct msd_proc *v)
{
	v[0] = cand(10, "indexer", 1000, 100);
	v[1] = cand(20, "browser", 900, 5000);
	v[2] = cand(30, "player", 950, 3000);
	v[3] = cand(40, "editor", 900, 5000);	/* ties browser: lower pid first */
	v[4] = cand(50, "Xorg", 1000, 9000);
}

static void order_of(const struct msd_proc *v, char *out, size_t len)
{
	out[0] = '\0';
	for (int i = 0; i < 5; i++)
		snprintf(out + strlen(out), len - strlen(out), "%s%d", i ? " " : "", (int)v[i].pid);
}

static void victims_by_adj_rss_prefer_avoid(void)
{
	struct msd_proc v[5];
	char order[64];

	fill(v);
	CHECK_INT(msd_victims_order(v, 5, false, "", ""), 0);
	order_of(v, order, sizeof(order));
	CHECK_STR(order, "50 10 30 20 40");	/* adj, then the larger RSS */
	fill(v);
	CHECK_INT(msd_victims_order(v, 5, true, "", ""), 0);
	order_of(v, order, sizeof(order));
	CHECK_STR(order, "50 20 40 30 10");	/* RSS; equal RSS: equal adj, pid */
	fill(v);
	CHECK_INT(msd_victims_order(v, 5, true, "^(player|indexer)$", "^Xorg$"), 0);
	order_of(v, order, sizeof(order));
	CHECK_STR(order, "30 10 20 40 50");	/* preferred, others, avoided */
	fill(v);
	/* Matching both counts as preferred; an unanchored pattern matches inside. */
	CHECK_INT(msd_victims_order(v, 5, false, "org", "org"), 0);
	order_of(v, order, sizeof(order));
	CHECK_STR(order, "50 10 30 20 40");
	fill(v);
	CHECK_INT(msd_victims_order(v, 5, false, "", "e"), 0);	/* all but Xorg */
	order_of(v, order, sizeof(order));
	CHECK_STR(order, "50 10 30 20 40");
	fill(v);
	CHECK_INT(msd_victims_order(v, 5, true, "(bad", ""), -EINVAL);
	order_of(v, order, sizeof(order));
	CHECK_STR(order, "50 20 40 30 10");
}

/* Process PID in group PGRP of a fake /proc under DIR. */
static void fake(const char *dir, int pid, const char *comm, char state, int pgrp,
		 const char *adj)
{
	char path[400], text[256];

	snprintf(path, sizeof(path), "%s/%d", dir, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%d/stat", dir, pid);
	snprintf(text, sizeof(text),
		 "%d (%s) %c 1 %d %d 0 -1 4194304 100 0 0 0 5 3 0 0 20 0 1 0 99 1000 77\n",
		 pid, comm, state, pgrp, pgrp);
	CHECK_INT(tap_write_file(path, text), 0);
	snprintf(path, sizeof(path), "%s/%d/oom_score_adj", dir, pid);
	CHECK_INT(tap_write_file(path, adj), 0);
}

static void group_check_spares_protected_members(void)
{
	const char *tmp = tap_tmpdir();
	char dir[300], why[160];
	struct msd_proc p;

	REQUIRE(tmp != NULL);
	snprintf(dir, sizeof(dir), "%s", tmp);
	fake(dir, 1, "init", 'S', 1, "0");
	fake(dir, 4242, "memscoped", 'S', 4242, "-1000");
	fake(dir, 100, "worker", 'S', 100, "900");
	fake(dir, 101, "worker", 'S', 100, "900");
	fake(dir, 102, "dead", 'Z', 100, "-1000");	/* a zombie member: harmless */
	fake(dir, 200, "app", 'S', 200, "900");
	fake(dir, 201, "guard", 'S', 200, "-1000");
	fake(dir, 300, "helper", 'S', 4242, "900");	/* in memscoped's group */

	CHECK_INT(msd_proc_read(dir, 101, &p), 0);
	CHECK_INT(p.pgrp, 100);
	CHECK_INT(p.rss_pages, 77);
	CHECK_INT(msd_group_check(dir, 100, 4242, why, sizeof(why)), 0);
	CHECK_INT(msd_group_check(dir, 200, 4242, why, sizeof(why)), -EPERM);
	CHECK_CONTAINS(why, "member 201 (guard): its oom_score_adj is -1000");
	CHECK_INT(msd_group_check(dir, 4242, 4242, why, sizeof(why)), -EPERM);
	CHECK_CONTAINS(why, "memscoped's own process group");
	CHECK_INT(msd_group_check(dir, 1, 4242, why, sizeof(why)), -EPERM);
	CHECK_CONTAINS(why, "init's process group");
	CHECK_INT(tap_rmtree(dir), 0);
	CHECK_INT(msd_group_check(dir, 100, 4242, why, sizeof(why)), -ENOENT);
}

const struct tap_test policy_tests[] = {
	{ "policy_defaults_and_keys", policy_defaults_and_keys },
	{ "policy_rejects_mistakes", policy_rejects_mistakes },
	{ "policy_victims_by_adj_rss_prefer_avoid", victims_by_adj_rss_prefer_avoid },
	{ "policy_group_check_spares_protected_members", group_check_spares_protected_members },
	{ NULL, NULL },
};

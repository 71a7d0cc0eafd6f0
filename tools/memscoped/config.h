/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscoped: the configuration file, parsed into fixed-size tables (no
 * allocation, so a reload that fails leaves nothing behind). The format
 * is described in memscoped.conf.example and Documentation/memscoped.rst.
 */
#ifndef MEMSCOPED_CONFIG_H
#define MEMSCOPED_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/memscope.h>

#define MSD_MAX_TRIGGERS	32
#define MSD_MAX_RULES		32
#define MSD_LINE_MAX		1024	/* longest config line */
#define MSD_PATH_MAX		256
#define MSD_CONFIG_MAX		65536	/* largest config file */
#define MSD_GRACE_MAX_MS	600000
#define MSD_NAME_MAX		32	/* trigger names, NUL included */
#define MSD_REGEX_MAX		256	/* prefer/avoid patterns, NUL included */
#define MSD_VICTIMS_MAX		64	/* victims_per_episode */
#define MSD_COOLDOWN_MAX_MS	600000
#define MSD_HOOK_MIN_MS		10
#define MSD_HOOK_MAX_MS		10000

enum msd_action {
	MSD_ACT_RUN,		/* /bin/sh -c arg */
	MSD_ACT_KILL_PIDFILE,	/* the process whose pid arg holds */
	MSD_ACT_KILL_ADJ,	/* processes with oom_score_adj >= min_adj */
	MSD_ACT_PRE_KILL,	/* /bin/sh -c arg before each kill, waited for */
};

/* Which of the candidates of an oom_score_adj rule goes first. */
enum msd_order {
	MSD_ORDER_ADJ,		/* highest oom_score_adj, then largest RSS */
	MSD_ORDER_RSS,		/* largest RSS, then highest oom_score_adj */
};

struct msd_trigger_cfg {
	struct memscope_trigger trig;	/* as MEMSCOPE_IOC_ADD takes it */
	char name[MSD_NAME_MAX];	/* "" or the name rules refer to */
	char text[MSD_LINE_MAX];	/* the condition as written, for logs */
	int line;
};

/*
 * A rule acts on fired records whose level is at least LEVEL, or, when
 * TRIGGER >= 0, on fired records of that trigger whatever the level.
 */
struct msd_rule {
	uint32_t level;			/* MEMSCOPE_LEVEL_LOW .. OOM, or 0 */
	int trigger;			/* index into triggers[], or -1 */
	enum msd_action action;
	char arg[MSD_LINE_MAX];		/* command or pid file */
	int min_adj;			/* MSD_ACT_KILL_ADJ */
	bool group;			/* kill process-group: the victim's group */
	int line;
};

struct msd_config {
	char device[MSD_PATH_MAX];
	struct msd_trigger_cfg triggers[MSD_MAX_TRIGGERS];
	unsigned int ntriggers;
	bool interval_set;
	uint32_t interval_ms;
	struct msd_rule rules[MSD_MAX_RULES];
	unsigned int nrules;
	unsigned int kill_grace_ms;
	char textfile[MSD_PATH_MAX];	/* "" : no metrics file */
	/* Rewrite the textfile this often even without records (0: never). */
	unsigned int textfile_period_s;
	/* The module's debugfs views, for the state gauges ("" : none). */
	char debugfs[MSD_PATH_MAX];
	char log[MSD_PATH_MAX];		/* stderr, stdout, syslog or a path */
	bool self_adj_set;
	int self_oom_score_adj;
	bool mlock;
	bool realtime;			/* SCHED_FIFO 1, reset on fork */
	bool dry_run;			/* log kills instead of signalling */
	enum msd_order kill_order;
	char prefer[MSD_REGEX_MAX];	/* ERE on the process name, "" if none */
	char avoid[MSD_REGEX_MAX];
	unsigned int victims_per_episode;	/* per record, across kill rules */
	unsigned int kill_cooldown_ms;	/* quiet time after a kill's victims */
	unsigned int pre_kill_timeout_ms;	/* run-before-kill commands */
};

void msd_config_defaults(struct msd_config *c);

/*
 * Parse TEXT (LEN bytes) into C, which starts from the defaults. NAME
 * names the source in messages. 0, or -EINVAL with "NAME:LINE: why" in
 * ERR.
 */
int msd_config_parse(const char *text, size_t len, const char *name,
		     struct msd_config *c, char *err, size_t errlen);

/* Read and parse a file; 0 or -errno with the reason in ERR. */
int msd_config_load(const char *path, struct msd_config *c, char *err,
		    size_t errlen);

#endif /* MEMSCOPED_CONFIG_H */

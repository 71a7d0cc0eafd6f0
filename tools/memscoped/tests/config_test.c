// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped unit tests: the configuration parser.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "unit.h"

static struct msd_config cfg;
static char err[512];

static int parse(const char *text)
{
	err[0] = '\0';
	return msd_config_parse(text, strlen(text), "test.conf", &cfg, err, sizeof(err));
}

static void defaults_when_unset(void)
{
	CHECK_INT(parse("trigger oom\n"), 0);
	CHECK_STR(cfg.device, "/dev/memscope");
	CHECK_STR(cfg.log, "stderr");
	CHECK_STR(cfg.textfile, "");
	CHECK_INT(cfg.kill_grace_ms, 500);
	CHECK_INT(cfg.textfile_period_s, 15);
	CHECK_STR(cfg.debugfs, "/sys/kernel/debug/memscope");
	CHECK(cfg.self_adj_set);
	CHECK_INT(cfg.self_oom_score_adj, -1000);
	CHECK(cfg.mlock);
	CHECK(cfg.realtime);
	CHECK(!cfg.interval_set);
	CHECK_INT(cfg.nrules, 0);
	CHECK_INT(cfg.ntriggers, 1);
	CHECK_INT(cfg.triggers[0].trig.kind, MEMSCOPE_TRIG_OOM);
}

static const char full[] =
	"# memscoped test config\n"
	"\n"
	"device /dev/memscope-test\n"
	"   interval 1500us   \n"
	"trigger level medium clear\n"
	"trigger\tlevel critical\n"
	"trigger available below 8M above 12M\n"
	"trigger zone Normal node 0 headroom min 2M above 3M clear\n"
	"trigger zone DMA order 3 below 4\n"
	"trigger stall 50ms reclaim\n"
	"trigger alloc_fail order 2\n"
	"trigger oom\n"
	"on medium run logger -t memscope \"level $MEMSCOPE_LEVEL\"  # not a comment\n"
	"on critical kill pidfile=/run/browser.pid\n"
	"on oom kill oom_score_adj>=900\r\n"
	"kill_grace_ms 250\n"
	"textfile /var/lib/node_exporter/memscope.prom\n"
	"textfile_period_s 60\n"
	"debugfs none\n"
	"log /var/log/memscoped.log\n"
	"self_oom_score_adj keep\n"
	"realtime no\n"
	"mlock no";	/* no newline at the end */

static void parses_every_directive(void)
{
	struct memscope_trigger t[8];

	CHECK_INT(parse(full), 0);
	for (int i = 0; i < 8; i++)
		t[i] = cfg.triggers[i].trig;
	CHECK_STR(err, "");
	CHECK_STR(cfg.device, "/dev/memscope-test");
	CHECK(cfg.interval_set);
	CHECK_INT(cfg.interval_ms, 2);	/* 1.5 ms rounded up */
	CHECK_INT(cfg.ntriggers, 8);
	CHECK_INT(cfg.nrules, 3);
	CHECK_INT(cfg.kill_grace_ms, 250);
	CHECK_STR(cfg.textfile, "/var/lib/node_exporter/memscope.prom");
	CHECK_INT(cfg.textfile_period_s, 60);
	CHECK_STR(cfg.debugfs, "");
	CHECK_STR(cfg.log, "/var/log/memscoped.log");
	CHECK(!cfg.self_adj_set);
	CHECK(!cfg.mlock);
	CHECK(!cfg.realtime);

	CHECK_INT(t[0].kind, MEMSCOPE_TRIG_LEVEL);
	CHECK_INT(t[0].level, MEMSCOPE_LEVEL_MEDIUM);
	CHECK_INT(t[0].flags, MEMSCOPE_TRIGF_CLEAR);
	CHECK_INT(t[0].size, sizeof(struct memscope_trigger));
	CHECK_INT(cfg.triggers[0].line, 5);
	CHECK_STR(cfg.triggers[0].text, "level medium clear");
	CHECK_INT(t[1].level, MEMSCOPE_LEVEL_CRITICAL);
	CHECK_INT(cfg.triggers[1].line, 6);
	CHECK_INT(t[2].kind, MEMSCOPE_TRIG_AVAILABLE);
	CHECK_INT(t[2].threshold, 8ULL << 20);
	CHECK_INT(t[2].rearm, 12ULL << 20);
	CHECK_INT(t[3].kind, MEMSCOPE_TRIG_HEADROOM);
	CHECK_INT(t[3].flags, MEMSCOPE_TRIGF_ZONE | MEMSCOPE_TRIGF_CLEAR);
	CHECK_STR(t[3].zone, "Normal");
	CHECK_INT(t[3].node, 0);
	CHECK_INT(t[3].level, MEMSCOPE_WMARK_MIN);
	CHECK_INT(t[3].threshold, 2ULL << 20);
	CHECK_INT(t[3].rearm, 3ULL << 20);
	CHECK_INT(t[4].kind, MEMSCOPE_TRIG_ORDER);
	CHECK_STR(t[4].zone, "DMA");
	CHECK_INT(t[4].order, 3);
	CHECK_INT(t[4].threshold, 4);
	CHECK_INT(t[5].kind, MEMSCOPE_TRIG_STALL);
	CHECK_INT(t[5].threshold, 50000000);
	CHECK_INT(t[5].flags, MEMSCOPE_TRIGF_STALL_RECLAIM);
	CHECK_INT(t[6].kind, MEMSCOPE_TRIG_ALLOC_FAIL);
	CHECK_INT(t[6].order, 2);
	CHECK_INT(t[7].kind, MEMSCOPE_TRIG_OOM);

	CHECK_INT(cfg.rules[0].level, MEMSCOPE_LEVEL_MEDIUM);
	CHECK_INT(cfg.rules[0].action, MSD_ACT_RUN);
	/* The command is kept verbatim, '#' and double blanks included. */
	CHECK_STR(cfg.rules[0].arg,
		  "logger -t memscope \"level $MEMSCOPE_LEVEL\"  # not a comment");
	CHECK_INT(cfg.rules[0].line, 13);
	CHECK_INT(cfg.rules[1].level, MEMSCOPE_LEVEL_CRITICAL);
	CHECK_INT(cfg.rules[1].action, MSD_ACT_KILL_PIDFILE);
	CHECK_STR(cfg.rules[1].arg, "/run/browser.pid");
	CHECK_INT(cfg.rules[2].level, MEMSCOPE_LEVEL_OOM);
	CHECK_INT(cfg.rules[2].action, MSD_ACT_KILL_ADJ);
	CHECK_INT(cfg.rules[2].min_adj, 900);	/* the CR is gone */
}

static void named_triggers_bind_rules(void)
{
	CHECK_INT(parse("trigger early: available below 8M above 10M\n"
			"trigger level medium\n"
			"on early kill oom_score_adj>=900\n"
			"on medium run logger medium\n"), 0);
	CHECK_STR(err, "");
	CHECK_STR(cfg.triggers[0].name, "early");
	CHECK_STR(cfg.triggers[0].text, "available below 8M above 10M");
	CHECK_INT(cfg.triggers[0].trig.kind, MEMSCOPE_TRIG_AVAILABLE);
	CHECK_STR(cfg.triggers[1].name, "");
	CHECK_INT(cfg.rules[0].trigger, 0);
	CHECK_INT(cfg.rules[0].level, 0);
	CHECK_INT(cfg.rules[1].trigger, -1);
	CHECK_INT(cfg.rules[1].level, MEMSCOPE_LEVEL_MEDIUM);
}

static void interval_rounds_up_to_whole_ms(void)
{
	static const struct { const char *text; unsigned int ms; } cases[] = {
		{ "interval 0\ntrigger oom\n", 0 },
		{ "interval 1ns\ntrigger oom\n", 1 },
		{ "interval 1000us\ntrigger oom\n", 1 },
		{ "interval 250\ntrigger oom\n", 250 },	/* plain number: ms */
		{ "interval 5s\ntrigger oom\n", 5000 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(parse(cases[i].text), 0);
		CHECK_INT(cfg.interval_ms, cases[i].ms);
	}
}

/* Each bad config fails with -EINVAL and says where and why. */
static void rejects_mistakes_with_line_numbers(void)
{
	static const struct { const char *text, *why; } cases[] = {
		{ "trigger oom\nfrobnicate 3\n", "test.conf:2: unknown directive 'frobnicate'" },
		{ "trigger level hi\n", "test.conf:1: trigger 'level hi': syntax error" },
		{ "trigger order 99 below 1\n", "number out of range" },
		{ "trigger available below 8M above 4M\n", "number out of range" },
		{ "trigger del 3\n", "'del 3' is a device command, not a trigger" },
		{ "trigger interval 5ms\n", "is a device command" },
		{ "trigger clear\n", "is a device command, not a trigger" },
		{ "trigger\n", "trigger needs a condition" },
		{ "trigger oom\non severe run x\n", "'severe' is neither a level" },
		{ "trigger oom\non none run x\n", "'none' is neither a level" },
		{ "trigger oom\non low run\n", "needs a command" },
		{ "trigger oom\non low reboot\n", "unknown action 'reboot'" },
		{ "trigger oom\non low kill pidfile=run/x.pid\n", "needs an absolute path" },
		{ "trigger oom\non low kill oom_score_adj>=-1000\n", "not in -999..1000" },
		{ "trigger oom\non low kill oom_score_adj>=1001\n", "not in -999..1000" },
		{ "trigger oom\non low kill oom_score_adj>=9x\n", "not in -999..1000" },
		{ "trigger oom\non low kill everyone\n", "kill takes [process-group] pidfile=PATH or oom_score_adj>=N" },
		{ "trigger oom\nkill_grace_ms 600001\n", "kill_grace_ms '600001' is not in 0..600000" },
		{ "trigger oom\nkill_grace_ms -1\n", "is not in 0..600000" },
		{ "trigger oom\ntextfile memscope.prom\n", "textfile needs an absolute path" },
		{ "trigger oom\nlog journal\n", "log needs an absolute path" },
		{ "trigger oom\nlog stderr\nlog stdout\n", "test.conf:3: log given twice (first on line 2)" },
		{ "interval 5parsecs\ntrigger oom\n", "interval '5parsecs': syntax error" },
		{ "trigger oom\nmlock maybe\n", "mlock takes yes or no, not 'maybe'" },
		{ "trigger oom\nrealtime 1\n", "realtime takes yes or no, not '1'" },
		{ "trigger Early: oom\n", "bad trigger name 'Early'" },
		{ "trigger low: oom\n", "bad trigger name 'low'" },
		{ "trigger none: oom\n", "bad trigger name 'none'" },
		{ "trigger : oom\n", "bad trigger name ''" },
		{ "trigger abcdefghijabcdefghijabcdefghijab: oom\n", "bad trigger name" },
		{ "trigger a: oom\ntrigger a: level low\n", "test.conf:2: trigger name 'a' used twice" },
		{ "trigger x:\n", "trigger needs a condition" },
		{ "on later run x\ntrigger later: oom\n",
		  "test.conf:1: 'later' is neither a level (low, medium, critical, oom) "
		  "nor the name of a trigger above" },
		{ "trigger oom\nself_oom_score_adj -1001\n", "not keep or -1000..1000" },
		{ "trigger oom\ndevice dev/memscope\n", "device needs an absolute path" },
		{ "trigger oom\non low run a\x01" "b\n", "test.conf:2: control character 0x01" },
		{ "# only comments\n\n", "no trigger lines" },
		{ "", "no trigger lines" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(parse(cases[i].text), -EINVAL);
		CHECK_CONTAINS(err, cases[i].why);
	}
}

static void enforces_table_and_line_limits(void)
{
	char *text = malloc(64 * 32 + MSD_LINE_MAX + 64);
	size_t n = 0;

	REQUIRE(text != NULL);
	for (int i = 0; i < MSD_MAX_TRIGGERS; i++)
		n += (size_t)sprintf(text + n, "trigger oom\n");
	CHECK_INT(parse(text), 0);
	CHECK_INT(cfg.ntriggers, MSD_MAX_TRIGGERS);
	sprintf(text + n, "trigger oom\n");
	CHECK_INT(parse(text), -EINVAL);
	CHECK_CONTAINS(err, "test.conf:33: more than 32 triggers");

	n = (size_t)sprintf(text, "trigger oom\non low run ");
	memset(text + n, 'x', MSD_LINE_MAX);
	text[n + MSD_LINE_MAX] = '\0';
	CHECK_INT(parse(text), -EINVAL);
	CHECK_CONTAINS(err, "test.conf:2: line longer than 1023 bytes");
	free(text);
}

static void load_reports_file_problems(void)
{
	const char *dir = tap_tmpdir();
	char path[300];
	FILE *f;

	REQUIRE(dir != NULL);
	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	CHECK_INT(msd_config_load(path, &cfg, err, sizeof(err)), -ENOENT);
	CHECK_CONTAINS(err, "missing.conf: No such file or directory");

	snprintf(path, sizeof(path), "%s/good.conf", dir);
	CHECK_INT(tap_write_file(path, "trigger level low\non low run true\n"), 0);
	CHECK_INT(msd_config_load(path, &cfg, err, sizeof(err)), 0);
	CHECK_INT(cfg.nrules, 1);

	f = fopen(path, "w");
	if (f) {
		fputs("trigger oom\n", f);
		fputc('\0', f);
		fclose(f);
	}
	CHECK_INT(msd_config_load(path, &cfg, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "not a text file");

	f = fopen(path, "w");
	if (f) {
		for (int i = 0; i <= MSD_CONFIG_MAX / 16; i++)
			fputs("# padding line\n\n", f);
		fclose(f);
	}
	CHECK_INT(msd_config_load(path, &cfg, err, sizeof(err)), -EFBIG);
	CHECK_CONTAINS(err, "larger than 65536 bytes");
	unlink(path);
	rmdir(dir);
}

const struct tap_test config_tests[] = {
	{ "config_defaults_when_unset", defaults_when_unset },
	{ "config_parses_every_directive", parses_every_directive },
	{ "config_named_triggers_bind_rules", named_triggers_bind_rules },
	{ "config_interval_rounds_up_to_whole_ms", interval_rounds_up_to_whole_ms },
	{ "config_rejects_mistakes_with_line_numbers", rejects_mistakes_with_line_numbers },
	{ "config_enforces_table_and_line_limits", enforces_table_and_line_limits },
	{ "config_load_reports_file_problems", load_reports_file_problems },
	{ NULL, NULL },
};

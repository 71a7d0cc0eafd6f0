// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: command line. Global options may come before or after
 * the subcommand, so "memscope --root DIR status" and "memscope status
 * --root DIR" both work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "duration.h"
#include "msparse_text.h"

static const struct {
	const char *name;
	int (*run)(const struct ms_options *o);
	const char *what;
} ms_commands[] = {
	{ "status", ms_cmd_status,
	  "level, headroom, reserved owners, last events; exits with the level" },
	{ "reserved", ms_cmd_reserved, "where the RAM went: owner, KiB, share of RAM" },
	{ "metrics", ms_cmd_metrics, "node_exporter textfile of the module's state, once" },
	{ "top", ms_cmd_top, "rates per order, reclaim, compaction, slab growth, levels" },
	{ "record", ms_cmd_record, "every field of pressure, alloc, reclaim, buddy as CSV" },
	{ "plot", ms_cmd_plot, "RUN.csv -o RUN.png: a recording drawn by gnuplot (host)" },
};

#define MS_NR_COMMANDS ARRAY_SIZE(ms_commands)

static void ms_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: memscope [--root DIR] [--proc DIR] COMMAND [OPTIONS]\n\n");
	for (i = 0; i < MS_NR_COMMANDS; i++)
		fprintf(f, "  %-9s %s\n", ms_commands[i].name, ms_commands[i].what);
	fprintf(f, "\n  --root DIR  memscope's debugfs directory (default $MEMSCOPE_DEBUGFS, then\n"
		   "              %s)\n"
		   "  --proc DIR  procfs root (default %s)\n"
		   "  --json      status, reserved: JSON instead of text\n"
		   "  -o FILE     metrics: write FILE.tmp, then rename it to FILE;\n"
		   "              record: write FILE (default: standard output)\n"
		   "  -i TIME     top, record: interval, e.g. 100ms, 2s (default 1s, 100ms)\n"
		   "  -n COUNT    top: stop after COUNT blocks\n"
		   "  -d TIME     record: stop after TIME (default: at SIGINT)\n"
		   "  --json-lines  record: JSON lines instead of CSV\n"
		   "  --history   record: dump the module's history view, once\n"
		   "  --data DIR  plot: keep the data files and script gnuplot read in DIR\n\n"
		   "status exits with the system level (0 none, 1 low, 2 medium, 3 critical,\n"
		   "4 oom); %d is a usage error, %d a view that could not be read.\n",
		MS_DEFAULT_DEBUGFS, MS_DEFAULT_PROC, MS_EXIT_USAGE, MS_EXIT_ERROR);
}

int main(int argc, char **argv)
{
	const char *command = NULL, *env;
	struct ms_options o = {
		.roots = { MS_DEFAULT_DEBUGFS, MS_DEFAULT_PROC },
	};
	size_t i;
	int a;

	env = getenv("MEMSCOPE_DEBUGFS");
	if (env && *env)
		o.roots.debugfs = env;
	for (a = 1; a < argc; a++) {
		const char *arg = argv[a];

		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			ms_usage(stdout);
			return 0;
		} else if (!strcmp(arg, "--json")) {
			o.json = true;
		} else if (!strcmp(arg, "--json-lines")) {
			o.json_lines = true;
		} else if (!strcmp(arg, "--history")) {
			o.history = true;
		} else if ((!strcmp(arg, "-i") || !strcmp(arg, "-d")) && a + 1 < argc) {
			if (!ms_parse_duration(argv[++a], arg[1] == 'i' ? &o.interval_ms :
					       &o.duration_ms)) {
				fprintf(stderr, "memscope: %s %s: not a duration (100ms, 2s, 1m)\n",
					arg, argv[a]);
				return MS_EXIT_USAGE;
			}
		} else if (!strcmp(arg, "-n") && a + 1 < argc) {
			if (!ms_parse_u64(argv[++a], &o.count) || !o.count) {
				fprintf(stderr, "memscope: -n %s: not a count\n", argv[a]);
				return MS_EXIT_USAGE;
			}
		} else if ((!strcmp(arg, "--root") || !strcmp(arg, "--proc") ||
			    !strcmp(arg, "-o") || !strcmp(arg, "--data")) && a + 1 < argc) {
			if (!strcmp(arg, "--data"))
				o.data_dir = argv[++a];
			else if (!strcmp(arg, "--root"))
				o.roots.debugfs = argv[++a];
			else if (!strcmp(arg, "--proc"))
				o.roots.proc = argv[++a];
			else
				o.out = argv[++a];
		} else if (arg[0] != '-' && !command) {
			command = arg;
		} else if (arg[0] != '-' && !o.input && !strcmp(command, "plot")) {
			o.input = arg;
		} else {
			fprintf(stderr, "memscope: unexpected argument '%s'\n", arg);
			ms_usage(stderr);
			return MS_EXIT_USAGE;
		}
	}
	if (!command) {
		ms_usage(stderr);
		return MS_EXIT_USAGE;
	}
	for (i = 0; i < MS_NR_COMMANDS; i++) {
		if (strcmp(command, ms_commands[i].name))
			continue;
		if (o.out && ms_commands[i].run != ms_cmd_metrics &&
		    ms_commands[i].run != ms_cmd_record && ms_commands[i].run != ms_cmd_plot) {
			fprintf(stderr, "memscope: -o is for metrics, record and plot only\n");
			return MS_EXIT_USAGE;
		}
		if (!o.interval_ms)
			o.interval_ms = ms_commands[i].run == ms_cmd_record ? 100 : 1000;
		if (o.json && ms_commands[i].run == ms_cmd_metrics) {
			fprintf(stderr,
				"memscope: metrics has no --json: its format is Prometheus text\n");
			return MS_EXIT_USAGE;
		}
		return ms_commands[i].run(&o);
	}
	fprintf(stderr, "memscope: unknown command '%s'\n", command);
	ms_usage(stderr);
	return MS_EXIT_USAGE;
}

/* SPDX-License-Identifier: GPL-2.0 */
/* memscope tool: the subcommands and the options they share. */
#ifndef MEMSCOPE_COMMANDS_H
#define MEMSCOPE_COMMANDS_H

#include <stdbool.h>
#include <stdint.h>

#include "msview.h"

/*
 * Exit status of a run that could not read what it needs. status exits
 * with the level (MEMSCOPE_LEVEL_NONE..MEMSCOPE_LEVEL_OOM, 0..4) when it
 * can, so failures use numbers no level has.
 */
#define MS_EXIT_USAGE	8
#define MS_EXIT_ERROR	9

struct ms_options {
	struct ms_roots roots;
	bool json;		/* --json */
	const char *out;	/* -o FILE (metrics, record) */
	uint64_t interval_ms;	/* -i (top: 1 s, record: 100 ms) */
	uint64_t duration_ms;	/* -d (record), 0: until SIGINT */
	uint64_t count;		/* -n (top), 0: until q or SIGINT */
	bool json_lines;	/* --json-lines (record) */
	bool history;		/* --history (record) */
	const char *input;	/* plot: the recording */
	const char *data_dir;	/* plot --data DIR: keep gnuplot's input there */
};

int ms_cmd_status(const struct ms_options *o);
int ms_cmd_reserved(const struct ms_options *o);
int ms_cmd_metrics(const struct ms_options *o);
int ms_cmd_top(const struct ms_options *o);
int ms_cmd_record(const struct ms_options *o);
int ms_cmd_plot(const struct ms_options *o);

#endif /* MEMSCOPE_COMMANDS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* memscope tool: the subcommands and the options they share. */
#ifndef MEMSCOPE_COMMANDS_H
#define MEMSCOPE_COMMANDS_H

#include <stdbool.h>

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
	const char *out;	/* -o FILE (metrics) */
};

int ms_cmd_status(const struct ms_options *o);
int ms_cmd_reserved(const struct ms_options *o);
int ms_cmd_metrics(const struct ms_options *o);

#endif /* MEMSCOPE_COMMANDS_H */

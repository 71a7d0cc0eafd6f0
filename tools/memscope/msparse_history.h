/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool: the "history" view, the module's flight recorder
 * (module/history.c): "# memscope history: ...; N bytes", then
 * "# time_ms ring level available_kb COUNTERS... nodeN/ZONE:COLUMN..."
 * naming the columns of the rows that follow, one sample per row, oldest
 * first. The rows are handed over by column name, so a column the module
 * adds later is no reason to misread the others.
 */
#ifndef MEMSCOPE_MSPARSE_HISTORY_H
#define MEMSCOPE_MSPARSE_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "msparse_text.h"	/* MS_MAX_TOKENS */

struct ms_history_head {
	int64_t bytes;		/* the recorder's size, -1 if the view does not say */
	int ncols;		/* 0 until "# time_ms ..." */
	char *col[MS_MAX_TOKENS];	/* col[0] is "time_ms" */
};

struct ms_history_row {
	/* false: not as many tokens as columns, or no column header yet */
	bool ok;
	int n;			/* tokens */
	char **tok;		/* tok[i] is the value of column head->col[i] */
	uint64_t t_ms;		/* tok[0] (when ok) */
	const struct ms_history_head *head;
};

typedef void (*ms_history_fn)(void *ctx, const struct ms_history_row *row);

/*
 * Walk @text (cut in place; @head points into it): @fn for every row that
 * is not a comment, ok or not. Returns the ok rows, or -1 without a column
 * header.
 */
int ms_history_walk(char *text, struct ms_history_head *head, ms_history_fn fn, void *ctx);

/* The column called @name in @head, or -1. */
int ms_history_col(const struct ms_history_head *head, const char *name);

#endif /* MEMSCOPE_MSPARSE_HISTORY_H */

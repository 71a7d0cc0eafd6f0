// SPDX-License-Identifier: GPL-2.0
/* memscope tool: reader of the "history" view's rows, by column name. */
#include <stdlib.h>
#include <string.h>

#include "msparse_history.h"
#include "msparse_text.h"

/* "# memscope history: 128 samples ...; 16328 bytes": the number before " bytes". */
static void ms_history_bytes(const char *line, struct ms_history_head *head)
{
	const char *p = strstr(line, " bytes");

	if (!p || strncmp(line, "# memscope history:", 19))
		return;
	while (p > line && p[-1] >= '0' && p[-1] <= '9')
		p--;
	head->bytes = atoll(p);
}

int ms_history_walk(char *text, struct ms_history_head *head, ms_history_fn fn, void *ctx)
{
	char *tok[MS_MAX_TOKENS], *cols[MS_MAX_TOKENS + 1], *line;
	struct ms_history_row row;
	int rows = 0, nh;

	memset(head, 0, sizeof(*head));
	head->bytes = -1;
	while ((line = ms_next_line(&text))) {
		if (!strncmp(line, "# time_ms ", 10)) {
			/* The header has "#" before the row's columns. */
			nh = ms_split(line, cols, MS_MAX_TOKENS + 1);
			head->ncols = nh - 1;
			memcpy(head->col, cols + 1, sizeof(cols[0]) * head->ncols);
			continue;
		}
		if (line[0] == '#') {
			ms_history_bytes(line, head);
			continue;
		}
		memset(&row, 0, sizeof(row));
		row.n = ms_split(line, tok, MS_MAX_TOKENS);
		if (!row.n)
			continue;
		row.tok = tok;
		row.head = head;
		row.ok = head->ncols && row.n == head->ncols && ms_parse_u64(tok[0], &row.t_ms);
		rows += row.ok;
		fn(ctx, &row);
	}
	/* A module loaded a moment ago has a header and no sample yet. */
	return head->ncols ? rows : -1;
}

int ms_history_col(const struct ms_history_head *head, const char *name)
{
	int i;

	for (i = 0; i < head->ncols; i++)
		if (!strcmp(head->col[i], name))
			return i;
	return -1;
}

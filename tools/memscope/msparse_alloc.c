// SPDX-License-Identifier: GPL-2.0
/* memscope tool: parser of the "alloc" view's "order load" rows. */
#include <string.h>

#include "msparse_alloc.h"
#include "msparse_text.h"

int ms_parse_alloc(char *text, struct ms_alloc *a)
{
	char *tok[MS_MAX_TOKENS], *line;
	uint64_t order, v[5];
	int n, i;

	memset(a, 0, sizeof(*a));
	while ((line = ms_next_line(&text))) {
		n = ms_split(line, tok, MS_MAX_TOKENS);
		if (n >= 3 && !strcmp(tok[0], "#") && !strcmp(tok[1], "hooks_page")) {
			a->hooks_on = !strncmp(tok[2], "on", 2);
			continue;
		}
		if (n != 8 || strcmp(tok[0], "order") || strcmp(tok[1], "load"))
			continue;
		if (!ms_parse_u64(tok[2], &order) || order >= MS_MAX_ORDERS)
			continue;
		for (i = 0; i < 5; i++)
			if (!ms_parse_u64(tok[3 + i], &v[i]))
				break;
		if (i < 5)
			continue;
		a->allocs[order] = v[0];
		a->frees[order] = v[1];
		a->fails[order] = v[2];
		a->fails_nowarn[order] = v[3];
		if ((int)order + 1 > a->nr_orders)
			a->nr_orders = (int)order + 1;
	}
	return a->nr_orders ? 0 : -1;
}

// SPDX-License-Identifier: GPL-2.0
/* memscope tool: parser of the "reclaim" view's "event" rows. */
#include <string.h>

#include "msparse_reclaim.h"
#include "msparse_text.h"

int ms_parse_reclaim(char *text, struct ms_reclaim *r)
{
	char *tok[MS_MAX_TOKENS], *line;
	struct ms_counter *c;
	int n;

	memset(r, 0, sizeof(*r));
	while ((line = ms_next_line(&text))) {
		n = ms_split(line, tok, MS_MAX_TOKENS);
		if (n >= 3 && !strcmp(tok[0], "#") && !strcmp(tok[1], "hooks_reclaim")) {
			/* "# hooks_reclaim on; tracepoints missing: none" */
			r->hooks_on = !strncmp(tok[2], "on", 2);
			continue;
		}
		if (n < 5 || strcmp(tok[0], "event") || r->nr == MS_MAX_COUNTERS)
			continue;
		c = &r->c[r->nr];
		if (!ms_parse_u64(tok[2], &c->since_load))
			continue;
		ms_copy(c->name, sizeof(c->name), tok[1]);
		ms_copy(c->unit, sizeof(c->unit), tok[4]);
		r->nr++;
	}
	return r->nr ? 0 : -1;
}

const struct ms_counter *ms_reclaim_counter(const struct ms_reclaim *r, const char *name)
{
	int i;

	for (i = 0; i < r->nr; i++)
		if (!strcmp(r->c[i].name, name))
			return &r->c[i];
	return NULL;
}

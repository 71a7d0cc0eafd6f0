// SPDX-License-Identifier: GPL-2.0
/* memscope tool: parser of the "reclaim" view. */
#include <string.h>

#include "msparse_reclaim.h"
#include "msparse_text.h"

/* "event NAME SINCE_LOAD SINCE_MARK UNIT ORACLE" */
static void ms_event_row(struct ms_reclaim *r, char **tok, int n)
{
	struct ms_counter *c = &r->c[r->nr];

	if (n < 5 || r->nr == MS_MAX_COUNTERS ||
	    !ms_parse_u64(tok[2], &c->since_load) || !ms_parse_u64(tok[3], &c->since_mark))
		return;
	ms_copy(c->name, sizeof(c->name), tok[1]);
	ms_copy(c->unit, sizeof(c->unit), tok[4]);
	r->nr++;
}

/* "kswapd ORDER SINCE_LOAD SINCE_MARK" */
static void ms_kswapd_row(struct ms_reclaim *r, char **tok, int n)
{
	uint64_t order, load, mark;

	if (n != 4 || !ms_parse_u64(tok[1], &order) || order >= MS_MAX_ORDERS ||
	    !ms_parse_u64(tok[2], &load) || !ms_parse_u64(tok[3], &mark))
		return;
	r->kswapd[MS_SINCE_LOAD][order] = load;
	r->kswapd[MS_SINCE_MARK][order] = mark;
}

/* "stall KIND LO_US HI_US SINCE_LOAD SINCE_MARK"; HI_US may be "inf". */
static void ms_stall_row(struct ms_reclaim *r, char **tok, int n)
{
	uint64_t lo, load, mark;
	int kind, i = 0;

	if (n != 6 || !ms_parse_u64(tok[2], &lo) || !ms_parse_u64(tok[4], &load) ||
	    !ms_parse_u64(tok[5], &mark))
		return;
	kind = strcmp(tok[1], "reclaim") ? MS_STALL_COMPACT : MS_STALL_RECLAIM;
	/* The bucket is the bit length of its lower bound. */
	while (i < 64 && lo >> i)
		i++;
	if (i >= MS_STALL_BUCKETS)
		return;
	r->stall[kind][i][MS_SINCE_LOAD] = load;
	r->stall[kind][i][MS_SINCE_MARK] = mark;
	if (i + 1 > r->nr_buckets)
		r->nr_buckets = i + 1;
}

int ms_parse_reclaim(char *text, struct ms_reclaim *r)
{
	char *tok[MS_MAX_TOKENS], *line;
	int n;

	memset(r, 0, sizeof(*r));
	while ((line = ms_next_line(&text))) {
		if (ms_parse_hooks(line, &r->hooks)) {
			/* "# hooks_reclaim on; tracepoints missing: none" */
			r->hooks_on = r->hooks.on;
			continue;
		}
		n = ms_split(line, tok, MS_MAX_TOKENS);
		if (n < 1 || tok[0][0] == '#')
			continue;
		if (!strcmp(tok[0], "event"))
			ms_event_row(r, tok, n);
		else if (!strcmp(tok[0], "kswapd"))
			ms_kswapd_row(r, tok, n);
		else if (!strcmp(tok[0], "stall"))
			ms_stall_row(r, tok, n);
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

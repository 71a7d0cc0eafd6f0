// SPDX-License-Identifier: GPL-2.0
/* memscope tool: parser of the "alloc" view. */
#include <string.h>

#include "msparse_alloc.h"
#include "msparse_text.h"

/* Up to @max of @tok[0..@n) into @out while they are numbers; how many were. */
static int ms_counts_max(char **tok, int n, uint64_t *out, int max)
{
	int i;

	for (i = 0; i < n && i < max; i++)
		if (!ms_parse_u64(tok[i], &out[i]))
			break;
	return i;
}

/* Counts per order. */
static int ms_counts(char **tok, int n, uint64_t *out)
{
	return ms_counts_max(tok, n, out, MS_MAX_ORDERS);
}

/* "order SINCE ORDER ALLOCS FREES FAILS FAILS_NOWARN PCP_DRAINED" */
static void ms_order_row(struct ms_alloc *a, int since, char **tok, int n)
{
	uint64_t order, v[5];
	int i;

	if (n != 6 || !ms_parse_u64(tok[0], &order) || order >= MS_MAX_ORDERS)
		return;
	for (i = 0; i < 5; i++)
		if (!ms_parse_u64(tok[1 + i], &v[i]))
			return;
	a->allocs[since][order] = v[0];
	a->frees[since][order] = v[1];
	a->fails[since][order] = v[2];
	a->fails_nowarn[since][order] = v[3];
	a->pcp_drained[since][order] = v[4];
	if ((int)order + 1 > a->nr_orders)
		a->nr_orders = (int)order + 1;
}

/* "zone SINCE NODE ZONE alloc|free COUNT..." */
static void ms_zone_row(struct ms_alloc *a, int since, char **tok, int n)
{
	struct ms_alloc_zone *z = NULL;
	int64_t node;
	int i;

	if (n < 4 || !ms_parse_s64(tok[0], &node))
		return;
	for (i = 0; i < a->nr_zones && !z; i++)
		if (a->zone[i].node == node && !strcmp(a->zone[i].zone, tok[1]))
			z = &a->zone[i];
	if (!z) {
		if (a->nr_zones == MS_MAX_ZONES)
			return;
		z = &a->zone[a->nr_zones++];
		z->node = (int)node;
		ms_copy(z->zone, sizeof(z->zone), tok[1]);
	}
	ms_counts(tok + 3, n - 3, strcmp(tok[2], "free") ? z->alloc[since] : z->free[since]);
}

/* "mt SINCE TYPE COUNT..." */
static void ms_mt_row(struct ms_alloc *a, int since, char **tok, int n)
{
	int t;

	if (n < 1)
		return;
	for (t = 0; t < a->nr_types; t++)
		if (!strcmp(a->type_name[t], tok[0]))
			break;
	if (t == a->nr_types) {
		if (t == MS_MAX_MIGRATETYPES)
			return;
		ms_copy(a->type_name[t], sizeof(a->type_name[t]), tok[0]);
		a->nr_types++;
	}
	ms_counts(tok + 1, n - 1, a->mt[since][t]);
}

/* "extfrag SINCE ALLOC_ORDER COUNT..." */
static void ms_extfrag_row(struct ms_alloc *a, int since, char **tok, int n)
{
	uint64_t order;

	if (n < 1 || !ms_parse_u64(tok[0], &order) || order >= MS_MAX_ORDERS)
		return;
	ms_counts(tok + 1, n - 1, a->extfrag[since][order]);
}

/* "extfrag_mt SINCE TYPE COUNT... SMALL" */
static void ms_extfrag_mt_row(struct ms_alloc *a, int since, char **tok, int n)
{
	int row = a->nr_extfrag_mt[since];

	if (n < 1 || row == MS_MAX_MIGRATETYPES)
		return;
	a->extfrag_mt_len[since][row] = ms_counts_max(tok + 1, n - 1, a->extfrag_mt[since][row],
						      MS_MAX_MIGRATETYPES + 1);
	a->nr_extfrag_mt[since]++;
}

int ms_parse_alloc(char *text, struct ms_alloc *a)
{
	char *tok[MS_MAX_TOKENS], *line;
	int n, since;

	memset(a, 0, sizeof(*a));
	while ((line = ms_next_line(&text))) {
		if (ms_parse_hooks(line, &a->hooks)) {
			a->hooks_on = a->hooks.on;
			continue;
		}
		n = ms_split(line, tok, MS_MAX_TOKENS);
		if (n < 2 || tok[0][0] == '#')
			continue;
		since = ms_since_of(tok[1]);
		if (since < 0)
			continue;
		if (!strcmp(tok[0], "order"))
			ms_order_row(a, since, tok + 2, n - 2);
		else if (!strcmp(tok[0], "zone"))
			ms_zone_row(a, since, tok + 2, n - 2);
		else if (!strcmp(tok[0], "mt"))
			ms_mt_row(a, since, tok + 2, n - 2);
		else if (!strcmp(tok[0], "extfrag"))
			ms_extfrag_row(a, since, tok + 2, n - 2);
		else if (!strcmp(tok[0], "extfrag_mt"))
			ms_extfrag_mt_row(a, since, tok + 2, n - 2);
	}
	return a->nr_orders ? 0 : -1;
}

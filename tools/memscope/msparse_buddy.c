// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: parser of the "buddy" view. One row per node, zone and
 * order: "NODE ZONE ORDER FREE_BLOCKS FREE_PAGES FREE_PAGES_GE UNUSABLE
 * FRAGINDEX".
 */
#include <string.h>

#include "msparse_buddy.h"
#include "msparse_text.h"

static struct ms_buddy_zone *ms_buddy_zone_of(struct ms_buddy *b, int node, const char *name)
{
	struct ms_buddy_zone *z;
	int i;

	for (i = 0; i < b->nr_zones; i++)
		if (b->zone[i].node == node && !strcmp(b->zone[i].zone, name))
			return &b->zone[i];
	if (b->nr_zones == MS_MAX_ZONES)
		return NULL;
	z = &b->zone[b->nr_zones++];
	memset(z, 0, sizeof(*z));
	z->node = node;
	ms_copy(z->zone, sizeof(z->zone), name);
	return z;
}

int ms_parse_buddy(char *text, struct ms_buddy *b)
{
	char *tok[MS_MAX_TOKENS], *line;
	uint64_t orders, order, blocks, pages, pages_ge;
	struct ms_buddy_zone *z;
	int64_t node;
	double unusable, fragindex;
	int n;

	memset(b, 0, sizeof(*b));
	while ((line = ms_next_line(&text))) {
		n = ms_split(line, tok, MS_MAX_TOKENS);
		/* "# page_size 4096 orders 11" */
		if (n == 5 && !strcmp(tok[0], "#") && !strcmp(tok[1], "page_size") &&
		    !strcmp(tok[3], "orders")) {
			if (!ms_parse_u64(tok[2], &b->page_size) ||
			    !ms_parse_u64(tok[4], &orders) || !orders ||
			    orders > MS_MAX_ORDERS)
				return -1;
			b->nr_orders = (int)orders;
			continue;
		}
		if (n != 8 || tok[0][0] == '#')
			continue;
		if (!ms_parse_s64(tok[0], &node) || !ms_parse_u64(tok[2], &order) ||
		    !ms_parse_u64(tok[3], &blocks) || !ms_parse_u64(tok[4], &pages) ||
		    !ms_parse_u64(tok[5], &pages_ge) || !ms_parse_double(tok[6], &unusable) ||
		    !ms_parse_double(tok[7], &fragindex))
			continue;
		if (order >= (uint64_t)b->nr_orders)
			continue;
		z = ms_buddy_zone_of(b, (int)node, tok[1]);
		if (!z)
			continue;
		z->free_blocks[order] = blocks;
		z->free_pages[order] = pages;
		z->free_pages_ge[order] = pages_ge;
		z->unusable[order] = unusable;
		z->fragindex[order] = fragindex;
	}
	return b->nr_orders && b->nr_zones ? 0 : -1;
}

int ms_buddy_highest_order(const struct ms_buddy *b, const struct ms_buddy_zone *z)
{
	int order;

	for (order = b->nr_orders - 1; order >= 0; order--)
		if (z->free_blocks[order])
			return order;
	return -1;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: "memscope reserved [--json]": where the RAM went, as the
 * table an engineer writes by hand to explain the kernel's "Memory:" boot
 * line. Owners come from the reserved view; the table only adds them up
 * and says so when its sums and the view's own totals disagree.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "json_out.h"
#include "msparse_text.h"
#include "reserved_rank.h"
#include "snapshot.h"

#define MS_RULE "-------------------------------------------------------------"

static void ms_line(const struct ms_reserved *r, const char *name, uint64_t kib)
{
	double share = ms_reserved_share(r, kib);

	if (kib == MS_UNKNOWN)
		printf("  %-40s %9s\n", name, "?");
	else if (share < 0)
		printf("  %-40s %9" PRIu64 "\n", name, kib);
	else
		printf("  %-40s %9" PRIu64 " %6.1f%%\n", name, kib, share);
}

/* Sum of the rows; MS_UNKNOWN as soon as one is unknown. */
static uint64_t ms_sum(const struct ms_reserved_row *rows, int n)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (rows[i].kib == MS_UNKNOWN)
			return MS_UNKNOWN;
		sum += rows[i].kib;
	}
	return sum;
}

static void ms_reserved_table(const struct ms_reserved *r)
{
	struct ms_reserved_row rows[MS_MAX_OWNERS + 1];
	uint64_t sum;
	int n, i;

	n = ms_reserved_ranked(r, rows);
	sum = ms_sum(rows, n);
	printf("Where did my RAM go? %" PRIu64 " KiB of RAM, page size %" PRIu64 "\n",
	       r->physical_kib, r->page_size);
	printf("  %-40s %9s %7s\n", "reserved now, by owner", "KiB", "of RAM");
	for (i = 0; i < n; i++)
		ms_line(r, rows[i].name, rows[i].kib);
	printf("  %s\n", MS_RULE);
	ms_line(r, "reserved now (sum of the owners)", sum);
	if (sum == MS_UNKNOWN)
		ms_line(r, "reserved now (the view's total)", r->reserved_now_kib);
	ms_line(r, "MemTotal (pages the kernel manages)", r->memtotal_kib);
	ms_line(r, "physical RAM", r->physical_kib);
	if (sum == MS_UNKNOWN)
		printf("  note: the view could not attribute every page (owners overlap)\n");
	else if (sum != r->reserved_now_kib)
		printf("  note: the owners add up to %" PRIu64 " KiB, the view says %" PRIu64
		       " KiB reserved\n", sum, r->reserved_now_kib);
	if (r->reserved_now_kib != MS_UNKNOWN &&
	    r->reserved_now_kib + r->memtotal_kib != r->physical_kib)
		printf("  note: reserved + MemTotal = %" PRIu64 " KiB, not the RAM size\n",
		       r->reserved_now_kib + r->memtotal_kib);
	if (r->cma_kib && r->cma_kib != MS_UNKNOWN)
		printf("  (MemTotal includes %" PRIu64 " KiB of CMA)\n", r->cma_kib);
	if (r->at_boot_logged_kib == MS_UNKNOWN && !r->nr_freed)
		return;
	printf("\nReserved at boot, as the Memory: line says, and given back since:\n");
	ms_line(r, "reserved at boot (boot line)", r->at_boot_logged_kib);
	for (i = 0; i < r->nr_freed; i++) {
		char name[MS_OWNER_NAME + 16];

		snprintf(name, sizeof(name), "freed: %s", r->freed[i].name);
		ms_line(r, name, r->freed[i].kib);
	}
}

static void ms_reserved_json(const struct ms_reserved *r)
{
	struct ms_reserved_row rows[MS_MAX_OWNERS + 1];
	struct ms_json j;
	int n, i;

	n = ms_reserved_ranked(r, rows);
	ms_json_init(&j, stdout);
	ms_json_object(&j, NULL);
	ms_json_u64(&j, "page_size", r->page_size);
	ms_json_u64(&j, "physical_kib", r->physical_kib);
	ms_json_u64(&j, "memtotal_kib", r->memtotal_kib);
	ms_json_u64(&j, "reserved_now_kib", r->reserved_now_kib);
	ms_json_u64(&j, "cma_kib", r->cma_kib);
	ms_json_array(&j, "owners");
	for (i = 0; i < n; i++) {
		ms_json_object(&j, NULL);
		ms_json_str(&j, "owner", rows[i].name);
		if (rows[i].kib == MS_UNKNOWN)
			ms_json_null(&j, "kib");
		else
			ms_json_u64(&j, "kib", rows[i].kib);
		ms_json_double(&j, "share_pct", ms_reserved_share(r, rows[i].kib), 2);
		ms_json_end(&j, '}');
	}
	ms_json_end(&j, ']');
	if (r->at_boot_logged_kib == MS_UNKNOWN)
		ms_json_null(&j, "reserved_at_boot_kib");
	else
		ms_json_u64(&j, "reserved_at_boot_kib", r->at_boot_logged_kib);
	ms_json_object(&j, "freed_since_boot_kib");
	for (i = 0; i < r->nr_freed; i++)
		ms_json_u64(&j, r->freed[i].name, r->freed[i].kib);
	ms_json_end(&j, '}');
	ms_json_end(&j, '}');
}

int ms_cmd_reserved(const struct ms_options *o)
{
	struct ms_snapshot *s;
	int ret = 0;

	s = malloc(sizeof(*s));
	if (!s)
		return MS_EXIT_ERROR;
	if (ms_snapshot_load(s, &o->roots, MS_VIEW_RESERVED))
		ret = MS_EXIT_ERROR;
	else if (o->json)
		ms_reserved_json(&s->reserved);
	else
		ms_reserved_table(&s->reserved);
	free(s);
	if (fflush(stdout))
		ret = MS_EXIT_ERROR;
	return ret;
}

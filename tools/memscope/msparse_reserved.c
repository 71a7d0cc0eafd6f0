// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: parser of the "reserved" view. The view is split in
 * "[section]" blocks of rows in a few shapes (module/reserved.c,
 * module/compat/memblock.c):
 *
 *   KEY WORDS  N [N] [RANGE]  [(remark)]    totals, owners, sizes
 *   [IDX] RANGE N OWNER WORDS               owner ranges, memblock regions
 *   computed|logged|differs TEXT            [boot line]
 *   NODE ZONE RANGE N N N N N, sum N...     [zones]
 *
 * A KEY may hold blanks and numbers ("low 1 MiB (x86 BIOS, real mode)"
 * on x86_64), so figures are read from the right: up to two, after a
 * trailing range and before a remark set off by two blanks. "?" is a
 * figure the module could not tell.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "msparse_reserved.h"
#include "msparse_text.h"

static bool ms_res_range_of(const char *t, struct ms_res_item *it)
{
	return sscanf(t, "0x%llx-0x%llx", &it->start, &it->end) == 2;
}

/* A figure, "?" read as -1 (and flagged in @unknown when given). */
static bool ms_res_figure(const char *t, int64_t *v, unsigned int *unknown, int bit)
{
	if (!strcmp(t, "?")) {
		*v = -1;
		if (unknown)
			*unknown |= 1u << bit;
		return true;
	}
	return ms_parse_s64(t, v);
}

static bool ms_res_figures(char *p, struct ms_res_item *it)
{
	char *tok[MS_MAX_TOKENS], *c = strstr(p, "  (");
	int n, i, end, first;
	int64_t v;

	if (c)
		*c = '\0';
	n = ms_split(p, tok, MS_MAX_TOKENS);
	if (!n)
		return false;
	end = n;
	if (ms_res_range_of(tok[end - 1], it)) {
		it->has_range = true;
		end--;
	}
	first = end;
	while (first > 1 && end - first < 2 && ms_res_figure(tok[first - 1], &v, NULL, 0))
		first--;
	it->nv = end - first;
	if (!it->nv)
		return false;
	for (i = 0; i < it->nv; i++)
		ms_res_figure(tok[first + i], &it->v[i], &it->unknown, i);
	for (i = 0; i < first; i++) {
		size_t used = strlen(it->key);

		if (i)
			ms_copy(it->key + used, sizeof(it->key) - used, " ");
		used = strlen(it->key);
		ms_copy(it->key + used, sizeof(it->key) - used, tok[i]);
	}
	return true;
}

static bool ms_res_range(char *p, struct ms_res_item *it)
{
	char range[64], *o;
	long long v;
	int n = 0;

	if (strncmp(p, "0x", 2) && sscanf(p, "%d %n", &it->idx, &n) == 1)
		p += n;
	if (sscanf(p, "%63s %lld %n", range, &v, &n) < 2 || !ms_res_range_of(range, it))
		return false;
	it->v[0] = v;
	it->nv = 1;
	it->has_range = true;
	p += n;
	o = strstr(p, " (outside RAM)");
	if (o) {
		it->outside = true;
		*o = '\0';
	}
	ms_copy(it->key, sizeof(it->key), p);
	return true;
}

static bool ms_res_zone(const char *p, struct ms_res_item *it)
{
	long long v[5];
	char name[16], range[64];
	int i;

	if (sscanf(p, "sum %lld %lld %lld %lld %lld", &v[0], &v[1], &v[2], &v[3],
		   &v[4]) == 5) {
		it->node = -1;
		ms_copy(it->key, sizeof(it->key), "sum");
	} else if (sscanf(p, "%d %15s %63s %lld %lld %lld %lld %lld", &it->node, name, range,
			  &v[0], &v[1], &v[2], &v[3], &v[4]) == 8) {
		ms_copy(it->key, sizeof(it->key), name);
	} else {
		return false;
	}
	for (i = 0; i < 5; i++)
		it->v[i] = v[i];
	it->nv = 5;
	return true;
}

int ms_reserved_walk(char *text, ms_res_fn fn, void *ctx)
{
	char section[MS_RES_SECTION] = "", *line, *p;
	struct ms_res_item it;
	bool ok;
	int seen = 0;

	while ((line = ms_next_line(&text))) {
		if (!*line)
			continue;
		if (line[0] == '[') {
			snprintf(section, sizeof(section), "%.*s", (int)strcspn(line + 1, "]"),
				 line + 1);
			continue;
		}
		memset(&it, 0, sizeof(it));
		it.section = section;
		it.idx = -1;
		p = line + strspn(line, " ");
		if (line[0] == '#') {
			it.kind = MS_RES_COMMENT;
			it.text = line;
			ok = true;
		} else if (!strcmp(section, "boot line")) {
			it.kind = MS_RES_BOOT;
			it.text = p;
			ms_copy(it.key, sizeof(it.key), p);
			it.key[strcspn(it.key, " ")] = '\0';
			ok = true;
		} else if (!strcmp(section, "zones")) {
			it.kind = MS_RES_ZONE;
			ok = ms_res_zone(p, &it);
		} else if (!strncmp(p, "0x", 2) || isdigit((unsigned char)*p)) {
			it.kind = MS_RES_RANGE;
			ok = ms_res_range(p, &it);
		} else {
			it.kind = MS_RES_FIGURES;
			ok = ms_res_figures(p, &it);
		}
		if (!ok)
			it.kind = MS_RES_BAD;
		fn(ctx, &it);
		seen++;
	}
	return seen;
}

/* ---- struct ms_reserved: totals, reconciliation and owners ---- */

struct ms_res_parse {
	struct ms_reserved *r;
	bool have_totals;
};

/*
 * A "NAME PAGES KIB" row as the struct keeps it; false for other rows.
 * Negative figures ("unexplained") are not rows we keep.
 */
static bool ms_row_of(const struct ms_res_item *it, struct ms_reserved_row *row)
{
	int i;

	if (it->kind != MS_RES_FIGURES || it->nv != 2)
		return false;
	for (i = 0; i < 2; i++)
		if (!(it->unknown & (1u << i)) && it->v[i] < 0)
			return false;
	row->pages = it->unknown & 1 ? MS_UNKNOWN : (uint64_t)it->v[0];
	row->kib = it->unknown & 2 ? MS_UNKNOWN : (uint64_t)it->v[1];
	ms_copy(row->name, sizeof(row->name), it->key);
	return true;
}

static void ms_totals_row(struct ms_reserved *r, const struct ms_reserved_row *row)
{
	if (!strcmp(row->name, "physical"))
		r->physical_kib = row->kib;
	else if (!strcmp(row->name, "memtotal"))
		r->memtotal_kib = row->kib;
	else if (!strcmp(row->name, "reserved_now"))
		r->reserved_now_kib = row->kib;
	else if (!strcmp(row->name, "cma"))
		r->cma_kib = row->kib;
}

static void ms_reconciliation_row(struct ms_reserved *r, const struct ms_reserved_row *row)
{
	if (!strcmp(row->name, "reserved_at_boot_logged")) {
		r->at_boot_logged_kib = row->kib;
	} else if (!strncmp(row->name, "freed_", 6) && r->nr_freed < MS_MAX_FREED) {
		r->freed[r->nr_freed] = *row;
		ms_copy(r->freed[r->nr_freed].name, MS_OWNER_NAME, row->name + 6);
		r->nr_freed++;
	}
}

static void ms_owner_row(struct ms_reserved *r, const struct ms_reserved_row *row)
{
	if (!strcmp(row->name, "attributed"))
		return;
	if (!strcmp(row->name, "unattributed")) {
		r->unattributed_pages = row->pages;
		r->unattributed_kib = row->kib;
	} else if (!strcmp(row->name, "total (reserved_now)")) {
		r->owners_total_kib = row->kib;
	} else if (r->nr_owners < MS_MAX_OWNERS) {
		r->owner[r->nr_owners++] = *row;
	}
}

static void ms_res_take(void *ctx, const struct ms_res_item *it)
{
	struct ms_res_parse *ps = ctx;
	struct ms_reserved *r = ps->r;
	struct ms_reserved_row row;

	/* "# page_size 4096; every address is physical" */
	if (it->kind == MS_RES_COMMENT) {
		uint64_t size;

		if (sscanf(it->text, "# page_size %" SCNu64, &size) == 1)
			r->page_size = size;
		return;
	}
	if (!ms_row_of(it, &row))
		return;
	if (!strcmp(it->section, "totals")) {
		ms_totals_row(r, &row);
		ps->have_totals = true;
	} else if (!strcmp(it->section, "reconciliation")) {
		ms_reconciliation_row(r, &row);
	} else if (!strcmp(it->section, "reserved now by owner")) {
		ms_owner_row(r, &row);
	}
}

int ms_parse_reserved(char *text, struct ms_reserved *r)
{
	struct ms_res_parse ps = { .r = r };

	memset(r, 0, sizeof(*r));
	r->at_boot_logged_kib = MS_UNKNOWN;
	r->owners_total_kib = MS_UNKNOWN;
	ms_reserved_walk(text, ms_res_take, &ps);
	return ps.have_totals && r->nr_owners ? 0 : -1;
}

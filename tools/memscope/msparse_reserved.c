// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: parser of the "reserved" view. The view is split in
 * "[section]" blocks; rows are "NAME PAGES KIB" where NAME may hold
 * blanks ("hash table (dentry cache)"), so a row is read from the first
 * token that is a number or "?".
 */
#include <string.h>

#include "msparse_reserved.h"
#include "msparse_text.h"

enum ms_section { MS_SEC_OTHER, MS_SEC_TOTALS, MS_SEC_RECONCILIATION, MS_SEC_OWNERS };

static enum ms_section ms_section_of(const char *line)
{
	if (!strcmp(line, "[totals]"))
		return MS_SEC_TOTALS;
	if (!strcmp(line, "[reconciliation]"))
		return MS_SEC_RECONCILIATION;
	if (!strcmp(line, "[reserved now by owner]"))
		return MS_SEC_OWNERS;
	return MS_SEC_OTHER;
}

static bool ms_is_number(const char *s)
{
	uint64_t v;
	int64_t sv;

	return !strcmp(s, "?") || ms_parse_u64(s, &v) || ms_parse_s64(s, &sv);
}

/*
 * Read "NAME... PAGES KIB [remark]" into @row; false if the line is not
 * such a row. Negative figures ("unexplained") are not rows we keep.
 */
static bool ms_row_of(char *line, struct ms_reserved_row *row)
{
	char *tok[MS_MAX_TOKENS];
	char name[MS_OWNER_NAME] = "";
	int n, i, k;

	n = ms_split(line, tok, MS_MAX_TOKENS);
	/*
	 * The name ends at the first two numbers in a row: a name may hold
	 * one ("low 1 MiB (x86 BIOS, real mode)  158  632" on x86_64).
	 */
	for (k = 0; k + 1 < n && !(ms_is_number(tok[k]) && ms_is_number(tok[k + 1])); k++)
		;
	if (k == 0 || k + 2 > n)
		return false;
	if (!ms_parse_u64_or_unknown(tok[k], &row->pages) ||
	    !ms_parse_u64_or_unknown(tok[k + 1], &row->kib))
		return false;
	for (i = 0; i < k; i++) {
		size_t used = strlen(name);

		if (i)
			ms_copy(name + used, sizeof(name) - used, " ");
		used = strlen(name);
		ms_copy(name + used, sizeof(name) - used, tok[i]);
	}
	ms_copy(row->name, sizeof(row->name), name);
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

int ms_parse_reserved(char *text, struct ms_reserved *r)
{
	enum ms_section sec = MS_SEC_OTHER;
	struct ms_reserved_row row;
	bool have_totals = false;
	char *line;

	memset(r, 0, sizeof(*r));
	r->at_boot_logged_kib = MS_UNKNOWN;
	r->owners_total_kib = MS_UNKNOWN;
	while ((line = ms_next_line(&text))) {
		if (line[0] == '[') {
			sec = ms_section_of(line);
			continue;
		}
		if (!strncmp(line, "# page_size ", 12)) {
			char *tok[4];

			if (ms_split(line, tok, 4) >= 3) {
				char *semi = strchr(tok[2], ';');

				if (semi)
					*semi = '\0';
				ms_parse_u64(tok[2], &r->page_size);
			}
			continue;
		}
		if (line[0] == '#' || sec == MS_SEC_OTHER || !ms_row_of(line, &row))
			continue;
		if (sec == MS_SEC_TOTALS) {
			ms_totals_row(r, &row);
			have_totals = true;
		} else if (sec == MS_SEC_RECONCILIATION) {
			ms_reconciliation_row(r, &row);
		} else {
			ms_owner_row(r, &row);
		}
	}
	return have_totals && r->nr_owners ? 0 : -1;
}

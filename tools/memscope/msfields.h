/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool: every numeric field of a view as (scope, field, value)
 * triples, for "memscope record". Unlike the msparse_* parsers, which
 * keep the figures a subcommand needs in a struct, this walks the whole
 * view, so a column the module adds later is recorded without a change
 * here.
 *
 *   pressure  "SCOPE KEY VALUE(S)": scope SCOPE, field KEY, or KEY.SUB for
 *             each "SUB=VALUE"; level words become their numbers.
 *   buddy     scope nodeN/ZONE, field COLUMN.ORDER.
 *   others    tables under a "# NAME COLUMN..." header whose first
 *             word is the row's: scope NAME/KEY/KEY... from the key
 *             columns (since, order, node,
 *             zone, event, type, name, kind, lo_us, hi_us,
 *             alloc_order),
 *             field the column's header word. Rows without such a header
 *             are skipped.
 */
#ifndef MEMSCOPE_MSFIELDS_H
#define MEMSCOPE_MSFIELDS_H

/* Scopes and fields are cut to these lengths (the views' are far shorter). */
#define MS_SCOPE_LEN 64
#define MS_FIELD_LEN 64

/*
 * @value is the view's own token (a level word already turned into its
 * number), so nothing is lost to a float conversion.
 */
typedef void (*ms_field_fn)(void *ctx, const char *scope, const char *field,
			    const char *value);

/* Walk @text (cut in place) of the view @view; returns the fields seen. */
int ms_view_fields(const char *view, char *text, ms_field_fn fn, void *ctx);

#endif /* MEMSCOPE_MSFIELDS_H */

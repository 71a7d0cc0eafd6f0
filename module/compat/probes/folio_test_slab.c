// SPDX-License-Identifier: GPL-2.0
/* HAVE_FOLIO_TEST_SLAB: a slab folio is flagged (folio_test_slab(), up to 7.2). */
#include <linux/mm.h>
#include <linux/page-flags.h>

bool ms_probe(struct folio *folio);
bool ms_probe(struct folio *folio)
{
	return folio_test_slab(folio);
}

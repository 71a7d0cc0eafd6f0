// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_FOLIO_SLAB: mm/slab.h's struct slab overlays a slab folio, which
 * folio_test_slab() tells apart (folio_slab(): 6.1 to 7.2; 7.3 keeps the
 * slab type in the page and has virt_to_slab() only). Compiled with the
 * private header hooks.mk found (MS_SLAB_H); without one, no probe.
 */
#ifndef MS_SLAB_H
#error "no private mm/slab.h (hooks.mk): nothing to probe"
#endif
#include <linux/mm.h>
#include <linux/page-flags.h>
#include MS_SLAB_H

struct kmem_cache *ms_probe(struct folio *folio);
struct kmem_cache *ms_probe(struct folio *folio)
{
	return folio_test_slab(folio) ? folio_slab(folio)->slab_cache : NULL;
}

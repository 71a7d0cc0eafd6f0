/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope: what the slab probes may know of a struct kmem_cache.
 * Included by hooks_slab.c only.
 *
 * In 6.1 the body of struct kmem_cache is private to mm/ (mm/slab.h
 * includes slub_def.h or slab_def.h), and its layout depends on the exact
 * source and config of the kernel, so memscope never guesses it:
 * module/hooks.mk defines MS_SLAB_H only when it has the private header of
 * exactly the kernel being built for (its own source tree, as embedded
 * builds have, or a matching tree named by MEMSCOPE_SLAB_SRC). The slab
 * view says which way it was built.
 *
 * Without it memscope degrades visibly: caches have no names (the view
 * shows a hashed pointer) and kfree() finds its size class through ksize().
 */
#ifndef _MEMSCOPE_COMPAT_SLAB_LAYOUT_H
#define _MEMSCOPE_COMPAT_SLAB_LAYOUT_H

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat/have.h"

#ifdef MS_SLAB_H
#include MS_SLAB_H

#define MS_SLAB_NAMES true
#define MS_SLAB_NAMES_SOURCE \
	"from mm/slab.h of the kernel tree memscope was built against"

/* Name and object size of a live cache: we are inside one of its events. */
static inline void ms_slab_cache_fill(const void *cache, char *name,
				      unsigned int *objsize)
{
	const struct kmem_cache *s = cache;

	strscpy(name, s->name, MS_CACHE_NAME_LEN);
	*objsize = s->object_size;
}

/*
 * A live object about to be kfree()d: the size class it was kmalloc'ed
 * as, or 0 and its cache when it came from kmem_cache_alloc(). This is
 * what kfree() itself does next; the caller owns obj.
 */
static __always_inline size_t ms_slab_kfree_info(const void *obj,
						 const void **cache)
{
	const struct kmem_cache *s;
#ifdef HAVE_FOLIO_SLAB
	/*
	 * The folio's flag, as before the compat layer: virt_to_slab() costs
	 * the kmalloc+kfree pair 5 to 8 more instructions here (make bench,
	 * 2026-12-07: versatilepb 3127.6 against 3063.6 ns per pair).
	 */
	struct folio *folio = virt_to_folio(obj);

	*cache = NULL;
	if (unlikely(!folio_test_slab(folio)))
		return folio_size(folio);	/* large kmalloc */
	s = folio_slab(folio)->slab_cache;
#else
	/* mm/slab.h's own lookup: the slab type lives in the page since 7.3. */
	const struct slab *slab = virt_to_slab(obj);

	*cache = NULL;
	if (unlikely(!slab))
		return folio_size(virt_to_folio(obj));	/* large kmalloc */
	s = slab->slab_cache;
#endif
	/* kmalloc's tracepoint reports s->size as the bytes allocated. */
	if (likely(s->flags & SLAB_KMALLOC))
		return s->size;
	*cache = s;
	return 0;
}

#else

#define MS_SLAB_NAMES false
#define MS_SLAB_NAMES_SOURCE \
	"unavailable: built without this kernel's mm/slab.h (see README)"

static inline void ms_slab_cache_fill(const void *cache, char *name,
				      unsigned int *objsize)
{
	name[0] = '\0';
	/* Exported; takes a non-const pointer but only reads. */
	*objsize = kmem_cache_size((struct kmem_cache *)cache);
}

static inline size_t ms_slab_kfree_info(const void *obj, const void **cache)
{
	*cache = NULL;
	return ksize(obj);
}

#endif /* MS_SLAB_H */
#endif /* _MEMSCOPE_COMPAT_SLAB_LAYOUT_H */

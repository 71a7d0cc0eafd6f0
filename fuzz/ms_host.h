/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel types and helpers module/notify_rules.c uses, for its host
 * build in the fuzzers and unit test (module/notify_rules.h includes this
 * outside the kernel). Only what that file needs, with the kernel's meaning.
 */
#ifndef _MEMSCOPE_MS_HOST_H
#define _MEMSCOPE_MS_HOST_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;

#define BIT(n)			(1UL << (n))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define max_t(type, a, b)	((type)(a) > (type)(b) ? (type)(a) : (type)(b))
#define fallthrough		__attribute__((__fallthrough__))

/* The first byte of @p[0..n) that is not @c, or NULL (lib/string.c). */
static inline void *memchr_inv(const void *p, int c, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != (unsigned char)c)
			return (void *)(s + i);
	return NULL;
}

#endif /* _MEMSCOPE_MS_HOST_H */

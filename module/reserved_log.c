// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: the kernel's own "Memory: <avail>K/<total>K available (...)"
 * line (mem_init_print_info(), mm/page_alloc.c), read back from the printk
 * buffer. Its first figure, nr_free_pages() at that instant of boot, can
 * be known no other way; the rest is compared with memscope's own figures.
 *
 * kmsg_dump_rewind() starts at the last "dmesg -C" and the ring can wrap,
 * so the line is kept once found: at module load, or at the first read.
 * The per-cpu allocator's line, logged before it, is kept with it: how
 * much of each first-chunk unit pcpu_embed_first_chunk() kept (the rest of
 * the unit went back to memblock, and other boot allocations reuse it).
 */
#include <linux/kernel.h>
#include <linux/kmsg_dump.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "reserved.h"

#define MS_LOG_LINE 1024
/* mem_init_print_info()'s format, up to the optional highmem figure. */
#define MS_BOOT_LINE_FMT \
	"Memory: %luK/%luK available (%luK kernel code, %luK rwdata, " \
	"%luK rodata, %luK init, %luK bss, %luK reserved, %luK cma-reserved%n"

static DEFINE_MUTEX(ms_boot_line_lock);
static struct ms_boot_line ms_boot_line_cache;

static bool ms_parse_boot_line(const char *s, struct ms_boot_line *bl)
{
	unsigned long *k = bl->k;
	int n = 0, len;

	if (sscanf(s, MS_BOOT_LINE_FMT,
		   &k[MS_BL_AVAIL], &k[MS_BL_TOTAL], &k[MS_BL_CODE],
		   &k[MS_BL_RW], &k[MS_BL_RO], &k[MS_BL_INIT], &k[MS_BL_BSS],
		   &k[MS_BL_RES], &k[MS_BL_CMA], &n) != 9 || !n)
		return false;
	bl->has_highmem = sscanf(s + n, ", %luK highmem", &k[MS_BL_HIGH]) == 1;
	len = strcspn(s, "\n");
	if (len >= sizeof(bl->text))
		len = sizeof(bl->text) - 1;
	memcpy(bl->text, s, len);
	bl->text[len] = '\0';
	bl->found = true;
	return true;
}

static void ms_read_boot_line(struct ms_boot_line *bl)
{
	struct kmsg_dump_iter iter;
	size_t len;
	char *line, *p;

	line = kmalloc(MS_LOG_LINE, GFP_KERNEL);
	if (!line)
		return;
	kmsg_dump_rewind(&iter);
	while (kmsg_dump_get_line(&iter, false, line, MS_LOG_LINE - 1, &len)) {
		line[len] = '\0';
		p = strstr(line, "percpu: Embedded ");
		if (p && sscanf(p, "percpu: Embedded %lu pages/cpu", &bl->pcpu_pages) != 1)
			bl->pcpu_pages = 0;
		p = strstr(line, "Memory: ");
		if (p && ms_parse_boot_line(p, bl))
			break;
	}
	kfree(line);
}

/**
 * ms_boot_line_get() - the kernel's "Memory:" boot line, parsed
 * @bl: a copy of the cached line; bl->found is false when it was not found
 *
 * Reads the printk buffer on each call until the line has been found,
 * then keeps it (with the per-cpu allocator's line logged before it).
 *
 * Context: process context; may sleep. Takes ms_boot_line_lock, alone.
 */
void ms_boot_line_get(struct ms_boot_line *bl)
{
	mutex_lock(&ms_boot_line_lock);
	if (!ms_boot_line_cache.found)
		ms_read_boot_line(&ms_boot_line_cache);
	*bl = ms_boot_line_cache;
	mutex_unlock(&ms_boot_line_lock);
}

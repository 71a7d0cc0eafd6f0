// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: where the initrd was, after the kernel has forgotten it.
 *
 * phys_initrd_start/size are __initdata and initrd_start/end are zeroed
 * once the initrd is freed, so the range is taken from what the boot
 * loader handed over, which stays: boot_params on x86; elsewhere the
 * command line's initrd= (the last one wins, as with early_param()) or the
 * device tree's /chosen/linux,initrd-start and -end.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/of.h>
#include <linux/string.h>
#ifdef CONFIG_X86
#include <asm/bootparam.h>
#endif

#include "compat/symbols.h"
#include "reserved.h"

#ifdef CONFIG_X86
/**
 * ms_initrd_range() - where the boot loader put the initrd (x86)
 * @start: set to its first byte, when there is one
 * @end: set to the byte after it, rounded up to a page
 * @src: set to where the range came from, or why it is unknown
 *
 * From boot_params, which the boot loader filled and which stays, and
 * relocated_ramdisk when reserve_initrd() moved the initrd.
 *
 * Context: process context; takes no lock.
 * Return: 1 with the range, 0 when no initrd was given, -1 when
 * boot_params or relocated_ramdisk is not resolvable.
 */
int ms_initrd_range(phys_addr_t *start, phys_addr_t *end, const char **src)
{
	struct boot_params *bp = (struct boot_params *)ms_ksym("boot_params");
	u64 *relocated = (u64 *)ms_ksym("relocated_ramdisk");
	u64 image, size;

	if (!bp || !relocated) {
		*src = "boot_params not resolvable";
		return -1;
	}
	image = bp->hdr.ramdisk_image | ((u64)bp->ext_ramdisk_image << 32);
	size = bp->hdr.ramdisk_size | ((u64)bp->ext_ramdisk_size << 32);
	if (!size) {
		*src = "no initrd";
		return 0;
	}
	/* reserve_initrd() moves it when it is outside the direct map. */
	*start = *relocated ? *relocated : image;
	*end = PAGE_ALIGN(*start + size);
	*src = *relocated ? "boot_params, relocated" : "boot_params";
	return 1;
}
#else
/* "initrd=<start>,<size>", as early_initrd() (init/do_mounts_initrd.c). */
static bool ms_cmdline_initrd(const char *cmdline, phys_addr_t *start,
			      phys_addr_t *end)
{
	const char *p = cmdline;
	bool found = false;
	char *next;
	u64 s, n;

	while (cmdline && (p = strstr(p, "initrd="))) {
		bool word = p == cmdline || p[-1] == ' ';

		p += strlen("initrd=");
		if (!word)
			continue;
		s = memparse(p, &next);
		if (*next != ',')
			continue;
		n = memparse(next + 1, &next);
		if (!n)
			continue;
		/* The last one wins, as with early_param(). */
		*start = s;
		*end = s + n;
		found = true;
	}
	return found;
}

static bool ms_dt_initrd(phys_addr_t *start, phys_addr_t *end)
{
	struct device_node *chosen = of_find_node_by_path("/chosen");
	const __be32 *ps, *pe;
	int ls, le;
	bool ok = false;

	if (!chosen)
		return false;
	ps = of_get_property(chosen, "linux,initrd-start", &ls);
	pe = of_get_property(chosen, "linux,initrd-end", &le);
	if (ps && pe) {
		*start = of_read_number(ps, ls / 4);
		*end = of_read_number(pe, le / 4);
		ok = *end > *start;
	}
	of_node_put(chosen);
	return ok;
}

/**
 * ms_initrd_range() - where the boot loader put the initrd
 * @start: set to its first byte, rounded down to a page, when there is one
 * @end: set to the byte after it, rounded up to a page
 * @src: set to where the range came from, or "no initrd"
 *
 * From an initrd= on the command line (saved_command_line, or the device
 * tree's /chosen/bootargs when that symbol is not resolvable), else the
 * device tree's /chosen/linux,initrd-start and -end.
 *
 * Context: process context; takes no lock.
 * Return: 1 with the range, 0 when none was found (never -1 here).
 */
int ms_initrd_range(phys_addr_t *start, phys_addr_t *end, const char **src)
{
	char **cmdline = (char **)ms_ksym("saved_command_line");
	struct device_node *chosen;
	const char *bootargs = NULL;
	bool found;

	/* A command-line initrd= overrides the device tree's. */
	found = cmdline && ms_cmdline_initrd(*cmdline, start, end);
	*src = "initrd= on the command line";
	if (!found && !cmdline) {
		chosen = of_find_node_by_path("/chosen");
		if (chosen)
			bootargs = of_get_property(chosen, "bootargs", NULL);
		found = ms_cmdline_initrd(bootargs, start, end);
		*src = "initrd= in /chosen/bootargs";
		of_node_put(chosen);
	}
	if (!found) {
		found = ms_dt_initrd(start, end);
		*src = "/chosen/linux,initrd-start";
	}
	if (!found) {
		*src = "no initrd";
		return 0;
	}
	/* reserve_initrd_mem() reserves whole pages. */
	*start = round_down(*start, PAGE_SIZE);
	*end = round_up(*end, PAGE_SIZE);
	return 1;
}
#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: addresses of kernel symbols that are not exported.
 *
 * Two sources, both optional:
 *  - kallsyms_lookup_name(), itself unexported since 5.7, obtained from
 *    register_kprobe(): the kprobe core resolves symbol_name through it and
 *    stores the address in kp.addr. Data symbols are there only with
 *    CONFIG_KALLSYMS_ALL (Debian arm64 lacks it; its functions are there).
 *  - a table generated at build time from the target's System.map
 *    (gen-sysmap). It holds link-time addresses; under KASLR every symbol
 *    moves by the same offset, so the offset is taken from exported symbols
 *    whose runtime addresses the module loader gave us. Three of them, in
 *    text and data, must agree, or the table belongs to another build and
 *    is refused.
 * kallsyms wins when both know a name; when both are usable they are
 * compared and any disagreement makes the table unusable.
 *
 * With IBT or kCFI built in, no looked-up function is ever called
 * (symbols.h): kallsyms_lookup_name() is not obtained at all.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "compat/symbols.h"
#include "ms_sysmap.h"

static char *ksyms = "auto";
module_param(ksyms, charp, 0400);
MODULE_PARM_DESC(ksyms,
		 "symbol sources for the reserved view: auto (default), kallsyms, sysmap or none");

static unsigned long (*ms_lookup_name)(const char *name);
static const char *ms_kallsyms_why = "not tried";

static long ms_sysmap_offset;
static bool ms_sysmap_ok;
static const char *ms_sysmap_why = "not tried";
static unsigned int ms_sysmap_n, ms_cmp_agree, ms_cmp_differ;

/*
 * Built with indirect-branch tracking or kernel CFI: a call to a function
 * found by address may trap (#CP on a sealed ENDBR, or a CFI failure).
 * Decided at build time, so TCG guests, which do not emulate IBT, take
 * the same path as IBT hardware.
 */
#if IS_ENABLED(CONFIG_X86_KERNEL_IBT)
#define MS_NO_CALLS_WHY "kernel with IBT (CONFIG_X86_KERNEL_IBT): memscope never calls a function found by address"
#elif IS_ENABLED(CONFIG_CFI_CLANG) || IS_ENABLED(CONFIG_CFI)
#define MS_NO_CALLS_WHY "kernel with kCFI: memscope never calls a function found by address"
#else
#define MS_NO_CALLS_WHY NULL
#endif

/**
 * ms_ksym_calls_refused() - whether looked-up functions may be called
 *
 * Context: any context.
 * Return: NULL when they may, else a sentence saying why not.
 */
const char *ms_ksym_calls_refused(void)
{
	return MS_NO_CALLS_WHY;
}

static void ms_kallsyms_init(void)
{
	if (ms_ksym_calls_refused()) {
		ms_kallsyms_why = ms_ksym_calls_refused();
		return;
	}
#ifdef CONFIG_KPROBES
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	int ret = register_kprobe(&kp);

	if (ret < 0) {
		ms_kallsyms_why = "register_kprobe(kallsyms_lookup_name) failed";
		return;
	}
	ms_lookup_name = (void *)kp.addr;
	unregister_kprobe(&kp);
	ms_kallsyms_why = NULL;
#else
	ms_kallsyms_why = "kernel without CONFIG_KPROBES";
#endif
}

static unsigned long ms_sysmap_lookup(const char *name)
{
	const struct ms_sysmap_entry *e;

	for (e = ms_sysmap; e->name; e++)
		if (!strcmp(e->name, name))
			return e->addr;
	return 0;
}

/* Exported symbols in text and data whose runtime addresses we know. */
static bool ms_sysmap_offset_of(const char *name, unsigned long runtime,
				long *offset)
{
	unsigned long link = ms_sysmap_lookup(name);

	if (!link)
		return false;
	*offset = (long)(runtime - link);
	return true;
}

static void ms_sysmap_init(void)
{
	long off_task, off_ram, off_fn;

	for (ms_sysmap_n = 0; ms_sysmap[ms_sysmap_n].name; ms_sysmap_n++)
		;
	if (!ms_sysmap_n) {
		ms_sysmap_why = "no System.map at build time";
		return;
	}
	if (!ms_sysmap_offset_of("init_task", (unsigned long)&init_task, &off_task) ||
	    !ms_sysmap_offset_of("_totalram_pages", (unsigned long)&_totalram_pages,
				 &off_ram) ||
	    !ms_sysmap_offset_of("memparse", (unsigned long)memparse, &off_fn)) {
		ms_sysmap_why = "System.map lacks the check symbols";
		return;
	}
	if (off_task != off_ram || off_task != off_fn) {
		ms_sysmap_why = "System.map is not the running kernel's (offsets disagree)";
		return;
	}
	ms_sysmap_offset = off_task;
	ms_sysmap_ok = true;
	ms_sysmap_why = NULL;
}

/* Both sources usable: every name both know must have one address. */
static void ms_compare_sources(void)
{
	const struct ms_sysmap_entry *e;
	unsigned long k;

	for (e = ms_sysmap; e->name; e++) {
		k = ms_lookup_name(e->name);
		if (!k)
			continue;
		if (k == e->addr + ms_sysmap_offset)
			ms_cmp_agree++;
		else
			ms_cmp_differ++;
	}
	if (ms_cmp_differ) {
		pr_warn("System.map and kallsyms disagree on %u symbol(s); System.map not used\n",
			ms_cmp_differ);
		ms_sysmap_ok = false;
		ms_sysmap_why = "System.map disagrees with kallsyms";
	}
}

/**
 * ms_ksym_init() - find the symbol sources the ksyms parameter allows
 *
 * Description:
 * Obtains kallsyms_lookup_name() through a kprobe and checks the
 * System.map table against exported symbols; when both are usable,
 * compares them. Never fails: a source that is not usable records why,
 * for ms_ksym_describe().
 *
 * Context: process context (module init, from ms_reserved_prepare());
 * may sleep (register_kprobe()). Call once, before ms_ksym().
 */
void ms_ksym_init(void)
{
	bool want_k = !strcmp(ksyms, "auto") || !strcmp(ksyms, "kallsyms");
	bool want_m = !strcmp(ksyms, "auto") || !strcmp(ksyms, "sysmap");

	if (want_k)
		ms_kallsyms_init();
	else
		ms_kallsyms_why = "disabled by ksyms=";
	if (want_m)
		ms_sysmap_init();
	else
		ms_sysmap_why = "disabled by ksyms=";
	if (ms_lookup_name && ms_sysmap_ok)
		ms_compare_sources();
}

/**
 * ms_ksym() - the runtime address of a kernel symbol
 * @name: the symbol
 *
 * kallsyms first, then the System.map table moved by the KASLR offset.
 *
 * Context: process context (module init and the reserved view's reads);
 * takes no memscope lock.
 * Return: the address, or 0 when no trusted source knows @name.
 */
unsigned long ms_ksym(const char *name)
{
	unsigned long addr = 0;

	if (ms_lookup_name)
		addr = ms_lookup_name(name);
	if (!addr && ms_sysmap_ok) {
		addr = ms_sysmap_lookup(name);
		if (addr)
			addr += ms_sysmap_offset;
	}
	return addr;
}

/**
 * ms_ksym_func() - the runtime address of a kernel function, to call it
 * @name: the function
 *
 * As ms_ksym(), but 0 on a kernel with IBT or kCFI, where memscope never
 * calls a function found by address (ms_ksym_calls_refused() says why).
 *
 * Context: process context; takes no memscope lock.
 * Return: the address, or 0.
 */
unsigned long ms_ksym_func(const char *name)
{
	if (ms_ksym_calls_refused())
		return 0;
	return ms_ksym(name);
}

/**
 * ms_ksym_describe() - print which symbol sources are in use and why
 * @m: the reserved view being shown
 *
 * Prints "# symbols: ..." comment lines.
 *
 * Context: process context; takes no lock.
 */
void ms_ksym_describe(struct seq_file *m)
{
	if (ms_lookup_name)
		seq_puts(m, "# symbols: kallsyms (through a kprobe) in use\n");
	else
		seq_printf(m, "# symbols: kallsyms not used: %s\n", ms_kallsyms_why);
	if (ms_sysmap_ok)
		seq_printf(m, "# symbols: System.map table in use (%u names, checked against 3 exported symbols%s)\n",
			   ms_sysmap_n, ms_lookup_name ? ", agrees with kallsyms" : "");
	else
		seq_printf(m, "# symbols: System.map table not used: %s\n", ms_sysmap_why);
	if (ms_lookup_name && ms_sysmap_ok)
		seq_printf(m, "# symbols: %u names known to both sources, all equal\n",
			   ms_cmp_agree);
	if (ms_ksym_calls_refused())
		seq_printf(m, "# symbols: no looked-up function is called: %s\n",
			   ms_ksym_calls_refused());
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope: addresses of kernel symbols that are not exported to modules
 * (section markers, memblock, a few statics), from the running kernel's
 * kallsyms or from the target's System.map, never guessed.
 *
 * The rule on kernels with IBT or kCFI (CONFIG_X86_KERNEL_IBT, Debian's
 * 6.12 amd64; CONFIG_CFI_CLANG or CONFIG_CFI): memscope never calls a
 * function it found by address. The kernel seals the ENDBR of functions
 * whose address it never takes (kallsyms_lookup_name, cma_for_each_area),
 * and an indirect call to one ends in #CP and BUG() on IBT hardware; kCFI
 * traps a call whose type hash it cannot vouch for. There memscope only
 * reads data: kallsyms_lookup_name() is not used (the System.map table
 * still is), ms_ksym_func() returns 0, and the views say what they lack.
 * scripts/static-checks keeps ms_ksym() for data and ms_ksym_func() for
 * functions.
 */
#ifndef _MEMSCOPE_COMPAT_SYMBOLS_H
#define _MEMSCOPE_COMPAT_SYMBOLS_H

struct seq_file;

/* One entry of the table gen-sysmap writes from System.map. */
struct ms_sysmap_entry {
	const char *name;
	unsigned long addr;
};

/* Finds the sources once (module load); never fails, may find none. */
void ms_ksym_init(void);

/* Runtime address of data @name, or 0 when no trusted source knows it. */
unsigned long ms_ksym(const char *name);

/* A function to call: 0 as well where calls are refused (see above). */
unsigned long ms_ksym_func(const char *name);

/* NULL if looked-up functions may be called, else why not. */
const char *ms_ksym_calls_refused(void);

/* "# symbols: ..." comment lines: which sources are in use and why. */
void ms_ksym_describe(struct seq_file *m);

#endif /* _MEMSCOPE_COMPAT_SYMBOLS_H */

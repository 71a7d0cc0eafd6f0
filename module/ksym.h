/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope: addresses of kernel symbols that are not exported to modules
 * (section markers, memblock, a few statics), from the running kernel's
 * kallsyms or from the target's System.map, never guessed.
 */
#ifndef _MEMSCOPE_KSYM_H
#define _MEMSCOPE_KSYM_H

struct seq_file;

/* One entry of the table gen-sysmap writes from System.map. */
struct ms_sysmap_entry {
	const char *name;
	unsigned long addr;
};

/* Finds the sources once (module load); never fails, may find none. */
void ms_ksym_init(void);

/* Runtime address of @name, or 0 when no trusted source knows it. */
unsigned long ms_ksym(const char *name);

/* "# symbols: ..." comment lines: which sources are in use and why. */
void ms_ksym_describe(struct seq_file *m);

#endif /* _MEMSCOPE_KSYM_H */

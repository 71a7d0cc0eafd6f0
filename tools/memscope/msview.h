/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool: where the views and /proc files are read from, and
 * reading one whole.
 *
 * Both roots can be moved (--root, MEMSCOPE_DEBUGFS, --proc) so the tests
 * run every subcommand against the fixture directories of a real board.
 */
#ifndef MEMSCOPE_MSVIEW_H
#define MEMSCOPE_MSVIEW_H

#include <stddef.h>

#define MS_DEFAULT_DEBUGFS "/sys/kernel/debug/memscope"
#define MS_DEFAULT_PROC "/proc"

struct ms_roots {
	const char *debugfs;	/* memscope's debugfs directory */
	const char *proc;	/* procfs mount point */
};

/*
 * Read @dir/@name into a NUL-terminated malloc()ed buffer; NULL with errno
 * set when it cannot be opened or read. debugfs and procfs files report
 * size 0, so this reads until EOF rather than trusting stat().
 */
char *ms_read_file(const char *dir, const char *name, size_t *len);

#endif /* MEMSCOPE_MSVIEW_H */

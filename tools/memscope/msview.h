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

#include <stdbool.h>
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

/*
 * A view read again and again (memscope record), its descriptor and
 * buffer kept between readings. Zero-initialise it; ms_view_close() it.
 */
struct ms_view_file {
	int fd;		/* open descriptor + 1: 0 is none, so {0} is closed */
	bool keep;	/* on debugfs: read again with pread() from 0 */
	char *buf;
	size_t cap;
};

/*
 * @dir/@name now, NUL-terminated in @vf's buffer (valid until the next
 * call), or NULL with errno set. The buffer may be cut in place.
 */
char *ms_view_read(struct ms_view_file *vf, const char *dir, const char *name);

void ms_view_close(struct ms_view_file *vf);

#endif /* MEMSCOPE_MSVIEW_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: read a view or a /proc file whole. The views are a few
 * KiB (reserved, the largest, is about 8 KiB on versatilepb); one read
 * loop into a growing buffer is all it takes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "msview.h"

/* Far above any view; stops a runaway file from eating a small board. */
#define MS_MAX_FILE (4u << 20)

/* @dir/@name opened for reading; -1 with errno set. */
static int ms_open_at(const char *dir, const char *name)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(path, O_RDONLY | O_CLOEXEC);
}

/*
 * @fd whole, from offset 0, into @vf's buffer (grown as needed) and
 * NUL-terminated: its length, or -1 with errno set.
 */
static ssize_t ms_read_whole(int fd, struct ms_view_file *vf)
{
	size_t used = 0;
	ssize_t got;
	char *bigger;

	for (;;) {
		if (vf->cap - used < 2) {
			if (vf->cap >= MS_MAX_FILE) {
				errno = EFBIG;
				return -1;
			}
			bigger = realloc(vf->buf, vf->cap ? vf->cap * 2 : 8192);
			if (!bigger)
				return -1;
			vf->buf = bigger;
			vf->cap = vf->cap ? vf->cap * 2 : 8192;
		}
		got = pread(fd, vf->buf + used, vf->cap - used - 1, (off_t)used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (!got)
			break;
		used += (size_t)got;
	}
	vf->buf[used] = '\0';
	return (ssize_t)used;
}

char *ms_read_file(const char *dir, const char *name, size_t *len)
{
	struct ms_view_file vf = { 0 };
	int fd = ms_open_at(dir, name), err;
	ssize_t got;

	if (fd < 0)
		return NULL;
	got = ms_read_whole(fd, &vf);
	err = errno;
	close(fd);
	if (got < 0) {
		free(vf.buf);
		errno = err;
		return NULL;
	}
	if (len)
		*len = (size_t)got;
	return vf.buf;
}

/*
 * debugfs's magic number (linux/magic.h), here so that the build needs no
 * kernel headers beyond the uapi of memscope.
 */
#define MS_DEBUGFS_MAGIC 0x64626720

/*
 * memscope record reads four views every interval. On debugfs the views
 * are seq_files (single_open(), module/views.c), and seq_read() starts
 * over, running the view's show again, for a read at offset 0 (it resets
 * its iterator when the position is 0 or is not where the last read
 * left off). So there the file is opened once and read with pread() from
 * 0: no path walk, open and release each time, and seq_file keeps the
 * buffer it grew to the view's size instead of growing one from a page
 * again, running show once per doubling (three times for a 10 KiB alloc
 * view). Anywhere else, such as the fixture directories the tests replace
 * files in by rename, a descriptor would keep the old file: it is opened
 * afresh for each reading, as cat would.
 */
char *ms_view_read(struct ms_view_file *vf, const char *dir, const char *name)
{
	struct statfs sfs;
	int fd, err;

	if (vf->fd) {
		fd = vf->fd - 1;
	} else {
		fd = ms_open_at(dir, name);
		if (fd < 0)
			return NULL;
		vf->keep = !fstatfs(fd, &sfs) && sfs.f_type == MS_DEBUGFS_MAGIC;
	}
	if (ms_read_whole(fd, vf) < 0) {
		err = errno;
		/* The module may be gone: open it afresh next time. */
		close(fd);
		vf->fd = 0;
		errno = err;
		return NULL;
	}
	if (vf->keep)
		vf->fd = fd + 1;
	else
		close(fd);
	return vf->buf;
}

void ms_view_close(struct ms_view_file *vf)
{
	if (vf->fd)
		close(vf->fd - 1);
	free(vf->buf);
	memset(vf, 0, sizeof(*vf));
}

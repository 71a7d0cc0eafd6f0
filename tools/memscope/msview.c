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
#include <unistd.h>

#include "msview.h"

/* Far above any view; stops a runaway file from eating a small board. */
#define MS_MAX_FILE (4u << 20)

char *ms_read_file(const char *dir, const char *name, size_t *len)
{
	char path[PATH_MAX];
	size_t used = 0, cap = 8192;
	char *buf, *bigger;
	ssize_t got;
	int fd, err;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = malloc(cap);
	if (!buf)
		goto fail;
	for (;;) {
		if (cap - used < 2) {
			if (cap >= MS_MAX_FILE) {
				errno = EFBIG;
				goto fail;
			}
			bigger = realloc(buf, cap * 2);
			if (!bigger)
				goto fail;
			buf = bigger;
			cap *= 2;
		}
		got = read(fd, buf + used, cap - used - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto fail;
		if (!got)
			break;
		used += (size_t)got;
	}
	close(fd);
	buf[used] = '\0';
	if (len)
		*len = used;
	return buf;
fail:
	err = errno;
	free(buf);
	close(fd);
	errno = err;
	return NULL;
}

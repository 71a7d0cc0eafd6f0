// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped: opening, subscribing to and reading /dev/memscope.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "device.h"
#include "log.h"

int msd_device_open(const char *path)
{
	uint32_t version = 0;
	int fd, err;

	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		msd_err("%s: %s%s", path, strerror(err),
			err == ENOENT ? " (is memscope.ko loaded?)" : "");
		return -err;
	}
	if (ioctl(fd, MEMSCOPE_IOC_VERSION, &version)) {
		err = errno;
		msd_err("%s: MEMSCOPE_IOC_VERSION: %s (not a memscope device?)", path,
			strerror(err));
		close(fd);
		return -err;
	}
	if (version < MEMSCOPE_ABI_VERSION) {
		msd_err("%s: ABI version %u, memscoped needs %d or later", path, version,
			MEMSCOPE_ABI_VERSION);
		close(fd);
		return -EPROTO;
	}
	msd_info("%s: ABI version %u%s", path, version,
		 version > MEMSCOPE_ABI_VERSION ? " (newer than memscoped's: extra fields ignored)" : "");
	return fd;
}

static const char *add_error(int err)
{
	switch (err) {
	case EINVAL: return "invalid trigger";
	case ENOENT: return "no such zone or node";
	case ENOSPC: return "too many triggers on one descriptor (module parameter)";
	case ERANGE: return "number out of range";
	case E2BIG: return "kernel does not know a field memscoped set";
	default: return strerror(err);
	}
}

int msd_device_subscribe(int fd, const struct msd_config *c, uint32_t *ids)
{
	int err;

	if (ioctl(fd, MEMSCOPE_IOC_CLEAR)) {
		err = errno;
		msd_err("MEMSCOPE_IOC_CLEAR: %s", strerror(err));
		return -err;
	}
	if (c->interval_set && ioctl(fd, MEMSCOPE_IOC_SET_INTERVAL, &c->interval_ms)) {
		err = errno;
		msd_err("interval %u ms: %s", c->interval_ms, strerror(err));
		return -err;
	}
	for (unsigned int i = 0; i < c->ntriggers; i++) {
		struct memscope_trigger t = c->triggers[i].trig;

		t.size = sizeof(t);
		if (ioctl(fd, MEMSCOPE_IOC_ADD, &t)) {
			err = errno;
			msd_err("line %d 'trigger %s': %s", c->triggers[i].line,
				c->triggers[i].text, add_error(err));
			/* All or nothing: a half subscription would be a silent gap. */
			if (ioctl(fd, MEMSCOPE_IOC_CLEAR))
				msd_err("MEMSCOPE_IOC_CLEAR: %s", strerror(errno));
			return -err;
		}
		ids[i] = t.id;
		msd_info("trigger %u: %s%s%s (line %d)", t.id, c->triggers[i].name,
			 c->triggers[i].name[0] ? ": " : "", c->triggers[i].text,
			 c->triggers[i].line);
	}
	return 0;
}

int msd_device_stats(int fd, struct memscope_stats *st)
{
	memset(st, 0, sizeof(*st));
	return ioctl(fd, MEMSCOPE_IOC_STATS, st) ? -errno : 0;
}

ssize_t msd_device_read(int fd, void *buf, size_t len)
{
	ssize_t n;

	do {
		n = read(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

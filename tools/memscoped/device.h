/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscoped: /dev/memscope, through its versioned ioctl ABI.
 */
#ifndef MEMSCOPED_DEVICE_H
#define MEMSCOPED_DEVICE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/memscope.h>

#include "config.h"

/*
 * Open PATH non-blocking and check the ABI version (at least the one this
 * build knows; newer kernels only add). Returns the fd or -errno; says
 * why in the log.
 */
int msd_device_open(const char *path);

/*
 * Replace the descriptor's triggers with C's (and set its interval): IDS[i]
 * gets the id of C->triggers[i]. 0 or -errno, logged with the config line
 * at fault; on error the descriptor is left with no triggers.
 */
int msd_device_subscribe(int fd, const struct msd_config *c, uint32_t *ids);

int msd_device_stats(int fd, struct memscope_stats *st);

/* read() of whole records into BUF: bytes, or -errno (-EAGAIN: none queued). */
ssize_t msd_device_read(int fd, void *buf, size_t len);

#endif /* MEMSCOPED_DEVICE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope: the text commands written to /dev/memscope, parsed by a pure
 * function that builds both into the module and into user-space tests and
 * fuzzers (no kernel state, no allocation, length-bounded input).
 */
#ifndef _MEMSCOPE_NOTIFY_PARSE_H
#define _MEMSCOPE_NOTIFY_PARSE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stddef.h>
#endif
#include <linux/memscope.h>

/* Longest command line accepted by write(). */
#define MS_CMD_MAX_LEN 256

enum ms_cmd_op {
	MS_CMD_TRIGGER,		/* add cmd.trig */
	MS_CMD_INTERVAL,	/* set the minimum interval to cmd.arg ns */
	MS_CMD_CLEAR,		/* remove every trigger */
	MS_CMD_DEL,		/* remove trigger cmd.arg */
};

struct ms_cmd {
	enum ms_cmd_op op;
	struct memscope_trigger trig;
	__u64 arg;
};

/*
 * Parse one command of @len bytes (need not be NUL-terminated; one
 * trailing newline is allowed). Returns 0, -EINVAL for bad syntax or
 * -ERANGE for a number out of range. Zone names and orders are checked
 * against the running kernel later, not here.
 */
int ms_parse_command(const char *buf, size_t len, struct ms_cmd *cmd);

#endif /* _MEMSCOPE_NOTIFY_PARSE_H */

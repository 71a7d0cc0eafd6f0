/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscoped: decoding of the records read() returns and their one-line
 * human summary.
 */
#ifndef MEMSCOPED_EVENT_H
#define MEMSCOPED_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include <linux/memscope.h>

/*
 * Decode the record at the start of BUF (AVAIL bytes). Records carry their
 * own size, which a newer kernel may grow: the fields this build knows are
 * copied into EV and the rest skipped. Returns the record's size, or -1 if
 * the bytes are not a whole record (size below MEMSCOPE_EVENT_SIZE_V1 or
 * beyond AVAIL).
 */
long msd_event_decode(const void *buf, size_t avail, struct memscope_event *ev);

/*
 * The level rules compare with: the higher of the system and zone levels,
 * and MEMSCOPE_LEVEL_OOM for an OOM kill.
 */
uint32_t msd_event_level(const struct memscope_event *ev);

/* "3.4M", "512K", "17B": bytes with a binary suffix. */
void msd_format_bytes(uint64_t bytes, char *out, size_t len);

/*
 * One line saying what happened, where, and the numbers behind it. LABEL,
 * if not NULL, names the trigger (its text in the config).
 */
void msd_event_summary(const struct memscope_event *ev, const char *label,
		       char *out, size_t len);

#endif /* MEMSCOPED_EVENT_H */

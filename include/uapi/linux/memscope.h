/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * memscope: low-memory notifications on /dev/memscope.
 *
 * A supervisor opens /dev/memscope, adds triggers (ioctl MEMSCOPE_IOC_ADD,
 * or a text line written to the device), then poll()s: EPOLLIN | EPOLLPRI
 * while a record is queued. read() returns whole struct memscope_event
 * records. Every field has a fixed size and offset on every architecture
 * (no pointers, no longs, explicit padding), so 32-bit user space on a
 * 64-bit kernel needs no translation.
 *
 * Compatibility rules, for the life of this ABI:
 * - Structures only grow at the end. Each starts with its size: the
 *   kernel accepts any trigger size from MEMSCOPE_TRIGGER_SIZE_V1 on, reads
 *   the fields it knows and requires the rest to be zero (else E2BIG);
 *   event records carry their size and version, and read() hands out whole
 *   records of the size the kernel writes (always >= MEMSCOPE_EVENT_SIZE_V1).
 * - Numbers below are never reused; new kinds, reasons and flags are added.
 * - Quantities are bytes, nanoseconds or counts, never pages, so a reader
 *   needs no page size (page_size is still reported for humans).
 * Documentation/ABI/testing/dev-memscope describes every field.
 */
#ifndef _UAPI_LINUX_MEMSCOPE_H
#define _UAPI_LINUX_MEMSCOPE_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define MEMSCOPE_ABI_VERSION		1

/* Pressure levels, ordered: a higher value is more pressure. */
#define MEMSCOPE_LEVEL_NONE		0
#define MEMSCOPE_LEVEL_LOW		1
#define MEMSCOPE_LEVEL_MEDIUM		2
#define MEMSCOPE_LEVEL_CRITICAL		3
#define MEMSCOPE_LEVEL_OOM		4

/* Trigger kinds (struct memscope_trigger.kind, struct memscope_event.kind). */
#define MEMSCOPE_TRIG_LEVEL		1	/* level reaches >= level */
#define MEMSCOPE_TRIG_AVAILABLE		2	/* available memory below threshold */
#define MEMSCOPE_TRIG_HEADROOM		3	/* zone free minus a watermark below threshold */
#define MEMSCOPE_TRIG_ORDER		4	/* free blocks of >= order below threshold */
#define MEMSCOPE_TRIG_STALL		5	/* reclaim or compaction stall >= threshold ns */
#define MEMSCOPE_TRIG_ALLOC_FAIL	6	/* page allocation failed at >= order */
#define MEMSCOPE_TRIG_OOM		7	/* the OOM killer killed a task */

/* Trigger flags. */
#define MEMSCOPE_TRIGF_ZONE		0x1	/* node and zone select one zone */
#define MEMSCOPE_TRIGF_CLEAR		0x2	/* also report when the condition clears */
#define MEMSCOPE_TRIGF_STALL_RECLAIM	0x4	/* STALL: direct reclaim (default: both) */
#define MEMSCOPE_TRIGF_STALL_COMPACT	0x8	/* STALL: direct compaction */

/* Watermarks for HEADROOM triggers (struct memscope_trigger.level). */
#define MEMSCOPE_WMARK_MIN		0
#define MEMSCOPE_WMARK_LOW		1
#define MEMSCOPE_WMARK_HIGH		2

#define MEMSCOPE_ZONE_NAME_LEN		16

struct memscope_trigger {
	__u32 size;		/* sizeof(struct memscope_trigger) of the caller */
	__u32 kind;		/* MEMSCOPE_TRIG_* */
	__u32 flags;		/* MEMSCOPE_TRIGF_* */
	__s32 node;		/* with MEMSCOPE_TRIGF_ZONE: NUMA node */
	char zone[MEMSCOPE_ZONE_NAME_LEN];	/* with MEMSCOPE_TRIGF_ZONE: "Normal", ... */
	__u32 level;		/* LEVEL: MEMSCOPE_LEVEL_*; HEADROOM: MEMSCOPE_WMARK_* */
	__u32 order;		/* ORDER, ALLOC_FAIL: buddy order */
	__u64 threshold;	/* AVAILABLE, HEADROOM: bytes; ORDER: blocks; STALL: ns */
	/*
	 * AVAILABLE, HEADROOM, ORDER: fire again only after the value rose
	 * to >= rearm (0: threshold plus an eighth of it).
	 */
	__u64 rearm;
	__u32 id;		/* out: the trigger's id on this descriptor (>= 1) */
	__u32 reserved0;	/* must be zero */
	__u64 reserved[2];	/* must be zero */
};

#define MEMSCOPE_TRIGGER_SIZE_V1	80

/* Why a record was queued (struct memscope_event.reason). */
#define MEMSCOPE_REASON_FIRED		1	/* the trigger's condition became true */
#define MEMSCOPE_REASON_CLEARED		2	/* it became false (MEMSCOPE_TRIGF_CLEAR) */

struct memscope_event {
	__u16 size;		/* sizeof this record as the kernel writes it */
	__u16 version;		/* MEMSCOPE_ABI_VERSION */
	__u32 trigger_id;	/* which trigger of this descriptor */
	__u64 seq;		/* per-descriptor sequence number, from 1, no gaps */
	__u64 timestamp_ns;	/* CLOCK_MONOTONIC when the condition was seen */
	__u32 kind;		/* MEMSCOPE_TRIG_* of the trigger */
	__u32 reason;		/* MEMSCOPE_REASON_* */
	__u32 level;		/* system pressure level at that time */
	__u32 zone_level;	/* level of the zone below (or of the system) */
	__s32 node;		/* node of the zone below, -1 for system-wide values */
	char zone[MEMSCOPE_ZONE_NAME_LEN];	/* zone name, "" for system-wide */
	__u32 order;		/* ORDER, ALLOC_FAIL: the order concerned */
	__u64 free_bytes;	/* usable free memory of the zone (or all zones) */
	__u64 min_bytes;	/* its min, low and high watermarks */
	__u64 low_bytes;
	__u64 high_bytes;
	__u64 available_bytes;	/* MemAvailable estimate */
	__u64 order_blocks;	/* ORDER: free blocks of >= order now */
	__u64 value;		/* the value that crossed: bytes, blocks, ns or count */
	__u64 merged;		/* firings folded into this record (>= 1) */
	__u64 dropped;		/* records of this descriptor dropped before this one */
	__u32 page_size;	/* for humans; every quantity above is in bytes */
	__u32 reserved0;
	__u64 reserved[2];
};

#define MEMSCOPE_EVENT_SIZE_V1		160

/* Per-descriptor counters (MEMSCOPE_IOC_STATS). */
struct memscope_stats {
	__u64 queued;		/* records queued since open */
	__u64 read;		/* records read */
	__u64 dropped;		/* records dropped because the queue was full */
	__u32 triggers;		/* triggers on this descriptor */
	__u32 queue_len;	/* records the queue holds at most */
	__u64 reserved[2];
};

#define MEMSCOPE_IOC_MAGIC		0xB8

/* The ABI version (MEMSCOPE_ABI_VERSION) the module speaks. */
#define MEMSCOPE_IOC_VERSION		_IOR(MEMSCOPE_IOC_MAGIC, 0x00, __u32)
/* Add a trigger; the kernel fills in id. */
#define MEMSCOPE_IOC_ADD		_IOWR(MEMSCOPE_IOC_MAGIC, 0x01, struct memscope_trigger)
/* Remove the trigger with this id. */
#define MEMSCOPE_IOC_DEL		_IOW(MEMSCOPE_IOC_MAGIC, 0x02, __u32)
/* Remove every trigger and queued record of this descriptor. */
#define MEMSCOPE_IOC_CLEAR		_IO(MEMSCOPE_IOC_MAGIC, 0x03)
/* Minimum interval between two records of this descriptor, in ms. */
#define MEMSCOPE_IOC_SET_INTERVAL	_IOW(MEMSCOPE_IOC_MAGIC, 0x04, __u32)
#define MEMSCOPE_IOC_STATS		_IOR(MEMSCOPE_IOC_MAGIC, 0x05, struct memscope_stats)

#endif /* _UAPI_LINUX_MEMSCOPE_H */

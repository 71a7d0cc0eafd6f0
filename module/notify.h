/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope: low-memory notifications on /dev/memscope. notify.c holds the
 * subscribers, their triggers and queues; notify_dev.c the char device;
 * notify_view.c the debugfs "events" file; notify_rules.c the trigger
 * rules and table (struct ms_trigger).
 */
#ifndef _MEMSCOPE_NOTIFY_H
#define _MEMSCOPE_NOTIFY_H

#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/memscope.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>

#include "notify_rules.h"

/*
 * Lock nesting: read_mutex (one reader of the file at a time, held across
 * peek, copy_to_user and consume) is taken before lock. ms_subs_mutex is
 * taken before lock too (the notification work, the events view), and
 * ms_log_lock nests inside lock (each record queued is logged); notify.c's
 * top comment gives the whole order.
 */
struct ms_subscriber {
	struct list_head node;		/* on ms_subscribers, under ms_subs_mutex */
	struct mutex read_mutex;	/* serializes read()s of this file */
	spinlock_t lock;		/* everything below */
	wait_queue_head_t wait;
	struct fasync_struct *fasync;
	unsigned int id;		/* for the events view */
	pid_t pid;			/* opener, for the events view */
	kuid_t uid;
	unsigned int max_triggers, nr_triggers;
	u32 next_trigger_id;
	struct ms_trigger *triggers;	/* [max_triggers] */
	unsigned int ring_len, head, count;
	struct memscope_event *ring;	/* [ring_len] */
	u64 seq, queued, read, dropped, drops_unreported;
	/*
	 * The record a reader has peeked and is copying out (0: none), and
	 * whether a full queue has dropped it from the ring meanwhile: it is
	 * then counted as read once the copy has succeeded, or as dropped
	 * if it failed, never as both.
	 */
	u64 in_flight_seq;
	bool in_flight_dropped;
	u64 interval_ns, last_delivery_ns;
};

struct ms_subscriber *ms_subscriber_new(void);
void ms_subscriber_free(struct ms_subscriber *sub);

/* Validate and add; fills t->id. 0 or -errno. */
int ms_subscriber_add(struct ms_subscriber *sub, struct memscope_trigger *t);
int ms_subscriber_del(struct ms_subscriber *sub, u32 id);
void ms_subscriber_clear(struct ms_subscriber *sub);
int ms_subscriber_set_interval(struct ms_subscriber *sub, u64 ns);
/*
 * Copy the oldest record (false if none), then consume it once it reached
 * the reader: a read() into a bad buffer loses nothing.
 */
bool ms_subscriber_peek(struct ms_subscriber *sub, struct memscope_event *ev);
void ms_subscriber_consume(struct ms_subscriber *sub, const struct memscope_event *ev);
/* The copy of a peeked record failed: it stays queued (or counts as dropped). */
void ms_subscriber_unpeek(struct ms_subscriber *sub, const struct memscope_event *ev);

int ms_notify_prepare(void);
void ms_notify_exit(void);
/* Checks dev_mode; registers nothing. */
int ms_notify_dev_prepare(void);
/* misc_register(): main.c's last step that may fail. */
int ms_notify_dev_register(void);
void ms_notify_dev_exit(void);

/* Recent events for the debugfs view. */
struct ms_event_log_entry {
	u64 timestamp_ns;
	unsigned int sub_id;
	pid_t pid;
	struct memscope_event ev;
};

#define MS_EVENT_LOG_LEN 32
void ms_notify_log_copy(struct ms_event_log_entry *out, unsigned int *n,
			u64 *total);

/* Walk subscribers for the view (under ms_subs_mutex). */
void ms_notify_for_each(void (*fn)(struct ms_subscriber *sub, void *arg), void *arg);

#endif /* _MEMSCOPE_NOTIFY_H */

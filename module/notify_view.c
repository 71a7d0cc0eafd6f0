// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: debugfs "events", the notifications of /dev/memscope for
 * humans: the most recent records queued to any subscriber, then every
 * open subscriber with its triggers and counters.
 *
 * Locks: ms_notify_log_copy() takes ms_log_lock alone. ms_notify_for_each()
 * holds ms_subs_mutex while ms_show_subscriber() takes sub->lock: so
 * ms_subs_mutex, then sub->lock, as in notify.c; never the other way.
 */
#include <linux/debugfs.h>
#include <linux/math64.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "notify.h"
#include "pressure.h"
#include "views.h"

/* A number a record or trigger should never carry shows as "?". */
static const char *ms_shown(const char *word)
{
	return word ? word : "?";
}

static void ms_show_subscriber(struct ms_subscriber *sub, void *arg)
{
	struct seq_file *m = arg;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&sub->lock, flags);
	seq_printf(m, "subscriber %u pid %d uid %u triggers %u queued %llu read %llu dropped %llu waiting %u interval_ms %llu\n",
		   sub->id, sub->pid, from_kuid_munged(&init_user_ns, sub->uid),
		   sub->nr_triggers, sub->queued, sub->read, sub->dropped, sub->count,
		   div_u64(sub->interval_ns, NSEC_PER_MSEC));
	for (i = 0; i < sub->nr_triggers; i++) {
		const struct ms_trigger *tr = &sub->triggers[i];

		seq_printf(m, "  trigger %u %s zone %s level %u order %u threshold %llu rearm %llu fired %s records %llu\n",
			   tr->t.id, ms_shown(ms_kind_name(tr->t.kind)),
			   tr->zone_slot >= 0 ? tr->t.zone : "-", tr->t.level, tr->t.order,
			   tr->t.threshold, tr->t.rearm, tr->fired ? "yes" : "no",
			   tr->fired_total);
	}
	spin_unlock_irqrestore(&sub->lock, flags);
}

/**
 * ms_events_show() - print the "events" view
 * @m: the seq_file of views.c's open
 * @unused: not used
 *
 * Description:
 * The subscribers of /dev/memscope and the records last queued.
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int ms_events_show(struct seq_file *m, void *unused)
{
	struct ms_event_log_entry *log;
	unsigned int n, i;
	u64 total;

	log = kmalloc_array(MS_EVENT_LOG_LEN, sizeof(*log), GFP_KERNEL);
	if (!log)
		return -ENOMEM;
	ms_notify_log_copy(log, &n, &total);
	seq_printf(m, "# memscope events: %llu record(s) queued since load, the last %u below\n",
		   total, n);
	seq_printf(m, "# %-14s %4s %7s %4s %-10s %-8s %-8s %-8s %-10s %20s\n", "time_ms", "sub",
		   "pid", "trig", "kind", "reason", "level", "zone", "zone_level", "value");
	for (i = 0; i < n; i++) {
		const struct memscope_event *ev = &log[i].ev;

		seq_printf(m, "  %-14llu %4u %7d %4u %-10s %-8s %-8s %-8s %-10s %20llu\n",
			   div_u64(ev->timestamp_ns, NSEC_PER_MSEC), log[i].sub_id, log[i].pid,
			   ev->trigger_id, ms_shown(ms_kind_name(ev->kind)),
			   ms_shown(ms_reason_name(ev->reason)),
			   ms_shown(ms_level_name(ev->level)), ev->zone[0] ? ev->zone : "-",
			   ms_shown(ms_level_name(ev->zone_level)), ev->value);
	}
	kfree(log);
	seq_puts(m, "# open subscribers and their triggers\n");
	ms_notify_for_each(ms_show_subscriber, m);
	return 0;
}

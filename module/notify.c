// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: subscribers of /dev/memscope, their triggers and record queues.
 *
 * The pressure sampler (pressure.c) calls this engine after every
 * evaluation, on its own kthread worker, where it takes one snapshot of
 * the pressure state and runs every subscriber's triggers against it in
 * process context: nothing here runs inside a tracepoint probe or with
 * allocator locks held, and every subscriber is woken (mem_notify's
 * wake-only-some was rejected for fairness). Its own passes (records held
 * back by an interval, a trigger just added) run as a delayed work on the
 * same worker, against the latest evaluation, so no two passes ever run
 * at once and none of them writes the pressure state.
 *
 * State triggers (level, available, headroom, order) are edge-triggered:
 * a record when the condition becomes true, then nothing until it has
 * cleared (with a re-arm threshold above the firing one, so it does not
 * flap). Event triggers (stall, allocation failure, OOM kill) fire on
 * every pass that saw new occurrences. A per-descriptor minimum interval
 * delays and merges records, never drops them: an event record held back
 * counts every occurrence until it goes out. A full queue drops its
 * oldest record and counts it; the next record read carries the count.
 *
 * Locks, outermost first: ms_subs_mutex (the list of subscribers), then
 * sub->lock (one subscriber's triggers and queue, interrupts off), then
 * ms_log_lock (the events log: ms_queue_event() logs each record it
 * queues); never the other way. notify_dev.c takes ms_open_mutex before
 * ms_subs_mutex (ms_subscriber_new()) and sub->read_mutex before
 * sub->lock (peek and consume). A pass copies the pressure state without
 * a lock (a read section of ms_pressure_seq), before ms_subs_mutex.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "memscope.h"
#include "notify.h"
#include "pressure.h"

static unsigned int max_triggers = 16;
static unsigned int queue_len = 32;

static int ms_set_max_triggers(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, 256);
}

static int ms_set_queue_len(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 4, 4096);
}

static const struct kernel_param_ops ms_max_triggers_ops = {
	.set = ms_set_max_triggers,
	.get = param_get_uint,
};

static const struct kernel_param_ops ms_queue_len_ops = {
	.set = ms_set_queue_len,
	.get = param_get_uint,
};

module_param_cb(max_triggers, &ms_max_triggers_ops, &max_triggers, 0644);
MODULE_PARM_DESC(max_triggers, "triggers per open /dev/memscope (1..256, default 16; applies to later opens)");
module_param_cb(queue_len, &ms_queue_len_ops, &queue_len, 0644);
MODULE_PARM_DESC(queue_len, "records queued per open /dev/memscope (4..4096, default 32; applies to later opens)");

static LIST_HEAD(ms_subscribers);
static DEFINE_MUTEX(ms_subs_mutex);
static atomic_t ms_nr_subscribers = ATOMIC_INIT(0);
static unsigned int ms_next_sub_id;

static DEFINE_SPINLOCK(ms_log_lock);
static struct ms_event_log_entry ms_log[MS_EVENT_LOG_LEN];
static unsigned int ms_log_next;
static u64 ms_log_total;

/* One consistent view of the pressure state for a notification pass. */
struct ms_snap {
	u64 now;
	enum ms_level sys_level;
	unsigned long available;
	unsigned long usable, wmark[NR_WMARK];	/* sums over all zones */
	struct ms_reclaim_totals totals;
	u64 stall_ns[2];			/* longest since the last pass */
	u64 sys_reached[MS_NR_LEVELS];		/* levels reached since the last pass */
	unsigned int nr_zones;
	struct ms_zone_pressure *zones;
};

static struct ms_snap ms_snap;	/* only passes use it, one at a time */

/*
 * Passes that no evaluation starts: records held back by an interval go
 * out when it has passed, and a trigger just added is checked at once.
 * Queued on the sampler's worker (ms_pressure_worker()).
 */
static void ms_notify_workfn(struct kthread_work *work);
static DEFINE_KTHREAD_DELAYED_WORK(ms_notify_work, ms_notify_workfn);

/* p->evaluations of the last snapshot taken: reached levels and stalls count once. */
static u64 ms_notify_seen_evaluation;

static u64 ms_pages_to_bytes(unsigned long pages)
{
	return (u64)pages << PAGE_SHIFT;
}

static struct zone *ms_slot_zone(int slot)
{
	return &NODE_DATA(slot / MAX_NR_ZONES)->node_zones[slot % MAX_NR_ZONES];
}

static int ms_find_zone_slot(const struct memscope_trigger *t)
{
	char name[MEMSCOPE_ZONE_NAME_LEN];
	struct zone *zone;

	memcpy(name, t->zone, sizeof(name));
	name[sizeof(name) - 1] = '\0';
	for (zone = ms_first_zone(); zone; zone = ms_next_zone(zone))
		if (zone_to_nid(zone) == t->node && !strcmp(zone->name, name))
			return zone_to_nid(zone) * MAX_NR_ZONES + zone_idx(zone);
	return -ENOENT;
}

static int ms_trigger_validate(struct memscope_trigger *t, int *slot)
{
	/* A lookup of an unknown or garbage name is harmless; the rules decide. */
	*slot = t->flags & MEMSCOPE_TRIGF_ZONE ? ms_find_zone_slot(t) : -1;
	return ms_rules_validate(t, *slot, MS_NR_PAGE_ORDERS);
}

static u64 ms_failures_from(const struct ms_reclaim_totals *t, unsigned int order)
{
	u64 n = 0;

	for (; order < MS_NR_PAGE_ORDERS; order++)
		n += t->alloc_failures[order];
	return n;
}

static unsigned long ms_blocks_ge(struct zone *zone, unsigned int order)
{
	unsigned long nr_free[MS_NR_PAGE_ORDERS];

	ms_zone_nr_free(zone, nr_free);
	return ms_order_blocks(nr_free, order);
}

static u64 ms_order_value(const struct ms_trigger *tr, const struct ms_snap *s)
{
	unsigned int i;
	u64 n = 0;

	if (tr->zone_slot >= 0)
		return ms_blocks_ge(ms_slot_zone(tr->zone_slot), tr->t.order);
	for (i = 0; i < s->nr_zones; i++)
		if (s->zones[i].populated)
			n += ms_blocks_ge(ms_slot_zone(i), tr->t.order);
	return n;
}

/**
 * ms_subscriber_add() - validate a trigger and add it to a subscriber
 * @sub: the subscriber (an open /dev/memscope)
 * @t: the trigger; on success its id and its defaults are filled in
 *
 * Looks the zone up and checks the rules without a lock, inserts under
 * sub->lock, then queues a notification pass against the latest
 * evaluation, so that a condition that already holds is reported now,
 * not at the next evaluation.
 *
 * Context: process context (write() or ioctl()); takes sub->lock.
 * Return: 0; -EINVAL or -ERANGE from the rules, -ENOENT for an unknown
 * zone, -ENOSPC when the subscriber has max_triggers triggers.
 */
int ms_subscriber_add(struct ms_subscriber *sub, struct memscope_trigger *t)
{
	struct ms_trigger *tr;
	unsigned long flags;
	int slot, ret;

	ret = ms_trigger_validate(t, &slot);
	if (ret)
		return ret;
	spin_lock_irqsave(&sub->lock, flags);
	tr = ms_rules_insert(sub->triggers, &sub->nr_triggers, sub->max_triggers,
			     &sub->next_trigger_id, t);
	if (!tr) {
		spin_unlock_irqrestore(&sub->lock, flags);
		return -ENOSPC;
	}
	tr->zone_slot = slot;
	/* Event-like triggers count from now, not from load. */
	tr->seen_count = U64_MAX;
	tr->added_ns = ktime_get_ns();
	spin_unlock_irqrestore(&sub->lock, flags);
	/*
	 * An evaluation now, and the pass after it: a condition that
	 * already holds is reported at once, with the figures of now (the
	 * latest evaluation may be a period old: a record once carried
	 * 360 KiB less available memory than MemAvailable showed).
	 */
	ms_pressure_request();
	return 0;
}

/**
 * ms_subscriber_del() - remove one of a subscriber's triggers
 * @sub: the subscriber
 * @id: the trigger's id
 *
 * Records already queued for the trigger stay in the queue.
 *
 * Context: process context; takes sub->lock.
 * Return: 0, or -ENOENT if @sub has no trigger @id.
 */
int ms_subscriber_del(struct ms_subscriber *sub, u32 id)
{
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&sub->lock, flags);
	ret = ms_rules_delete(sub->triggers, &sub->nr_triggers, id);
	spin_unlock_irqrestore(&sub->lock, flags);
	return ret;
}

/**
 * ms_subscriber_clear() - remove every trigger and every queued record
 * @sub: the subscriber
 *
 * The count of dropped records still owed to the reader goes too.
 *
 * Context: process context; takes sub->lock.
 */
void ms_subscriber_clear(struct ms_subscriber *sub)
{
	unsigned long flags;

	spin_lock_irqsave(&sub->lock, flags);
	sub->nr_triggers = 0;
	sub->count = 0;
	sub->head = 0;
	/* The records the count was owed to are gone with the queue. */
	sub->drops_unreported = 0;
	spin_unlock_irqrestore(&sub->lock, flags);
}

/**
 * ms_subscriber_set_interval() - set a subscriber's minimum interval
 * @sub: the subscriber
 * @ns: the least time between two records queued, in ns (0: none)
 *
 * Context: process context; takes sub->lock.
 * Return: 0, or -ERANGE above MS_INTERVAL_MAX_NS.
 */
int ms_subscriber_set_interval(struct ms_subscriber *sub, u64 ns)
{
	int ret = ms_rules_check_interval(ns);
	unsigned long flags;

	if (ret)
		return ret;
	spin_lock_irqsave(&sub->lock, flags);
	sub->interval_ns = ns;
	spin_unlock_irqrestore(&sub->lock, flags);
	return 0;
}

/**
 * ms_subscriber_peek() - copy a subscriber's oldest record, leaving it
 * @sub: the subscriber
 * @ev: the copy, its dropped field set to the drops not yet reported
 *
 * The reader consumes the record with ms_subscriber_consume() once it has
 * reached user space, so a read() into a bad buffer loses nothing.
 *
 * Context: process context (read()); the caller holds sub->read_mutex,
 * so that no other reader takes the same record between peek and
 * consume. Takes sub->lock.
 * Return: true if a record was copied, false if the queue is empty.
 */
bool ms_subscriber_peek(struct ms_subscriber *sub, struct memscope_event *ev)
{
	unsigned long flags;
	bool got = false;

	spin_lock_irqsave(&sub->lock, flags);
	if (sub->count) {
		*ev = sub->ring[sub->head];
		ev->dropped = sub->drops_unreported;
		sub->in_flight_seq = ev->seq;
		sub->in_flight_dropped = false;
		got = true;
	}
	spin_unlock_irqrestore(&sub->lock, flags);
	return got;
}

/**
 * ms_subscriber_consume() - remove the record ms_subscriber_peek() copied
 * @sub: the subscriber
 * @ev: the copy
 *
 * The record goes, and the drops that @ev reported are no longer owed.
 * If a full queue dropped it from the ring meanwhile, it was not counted
 * as dropped (ms_queue_event() saw it in flight): it counts as read now,
 * since the reader has it. If the queue was cleared meanwhile, nothing
 * changes.
 *
 * Context: process context (read()), sub->read_mutex held as for
 * ms_subscriber_peek(). Takes sub->lock.
 */
void ms_subscriber_consume(struct ms_subscriber *sub, const struct memscope_event *ev)
{
	unsigned long flags;

	spin_lock_irqsave(&sub->lock, flags);
	if (sub->count && sub->ring[sub->head].seq == ev->seq) {
		sub->head = (sub->head + 1) % sub->ring_len;
		sub->count--;
		sub->read++;
		sub->drops_unreported -= min(sub->drops_unreported, ev->dropped);
	} else if (sub->in_flight_seq == ev->seq && sub->in_flight_dropped) {
		sub->read++;
		sub->drops_unreported -= min(sub->drops_unreported, ev->dropped);
	}
	sub->in_flight_seq = 0;
	spin_unlock_irqrestore(&sub->lock, flags);
}

/**
 * ms_subscriber_unpeek() - the copy of a peeked record did not reach the reader
 * @sub: the subscriber
 * @ev: the copy
 *
 * The record stays the oldest, to be read again; if a full queue dropped
 * it from the ring meanwhile, it is counted as dropped now, and reported
 * in the next record read.
 *
 * Context: process context (read()), sub->read_mutex held as for
 * ms_subscriber_peek(). Takes sub->lock.
 */
void ms_subscriber_unpeek(struct ms_subscriber *sub, const struct memscope_event *ev)
{
	unsigned long flags;

	spin_lock_irqsave(&sub->lock, flags);
	if (sub->in_flight_seq == ev->seq && sub->in_flight_dropped) {
		sub->dropped++;
		sub->drops_unreported++;
	}
	sub->in_flight_seq = 0;
	spin_unlock_irqrestore(&sub->lock, flags);
}

static void ms_log_event(const struct ms_subscriber *sub, const struct memscope_event *ev)
{
	unsigned long flags;
	struct ms_event_log_entry *e;

	spin_lock_irqsave(&ms_log_lock, flags);
	e = &ms_log[ms_log_next];
	ms_log_next = (ms_log_next + 1) % MS_EVENT_LOG_LEN;
	ms_log_total++;
	e->timestamp_ns = ev->timestamp_ns;
	e->sub_id = sub->id;
	e->pid = sub->pid;
	e->ev = *ev;
	spin_unlock_irqrestore(&ms_log_lock, flags);
}

/**
 * ms_notify_log_copy() - copy the recent records of every subscriber
 * @out: MS_EVENT_LOG_LEN entries, filled oldest first
 * @n: set to the entries filled
 * @total: set to the records queued since load
 *
 * Context: process context (the events view); takes ms_log_lock with
 * interrupts off, alone.
 */
void ms_notify_log_copy(struct ms_event_log_entry *out, unsigned int *n, u64 *total)
{
	unsigned long flags;
	unsigned int i, k = 0;

	spin_lock_irqsave(&ms_log_lock, flags);
	*total = ms_log_total;
	for (i = 0; i < MS_EVENT_LOG_LEN; i++) {
		unsigned int idx = (ms_log_next + i) % MS_EVENT_LOG_LEN;

		if (ms_log[idx].timestamp_ns)
			out[k++] = ms_log[idx];
	}
	spin_unlock_irqrestore(&ms_log_lock, flags);
	*n = k;
}

/* Fill and queue one record; called with sub->lock held. */
static void ms_queue_event(struct ms_subscriber *sub, struct ms_trigger *tr,
			   const struct ms_snap *s, u32 reason, u64 value)
{
	struct memscope_event *ev;
	unsigned int tail;

	if (sub->count == sub->ring_len) {
		/* Keep the newest: the oldest record is the least useful. */
		if (sub->ring[sub->head].seq == sub->in_flight_seq) {
			/* A reader is copying it out: read or dropped, it decides. */
			sub->in_flight_dropped = true;
		} else {
			sub->dropped++;
			sub->drops_unreported++;
		}
		sub->head = (sub->head + 1) % sub->ring_len;
		sub->count--;
	}
	tail = (sub->head + sub->count) % sub->ring_len;
	ev = &sub->ring[tail];
	memset(ev, 0, sizeof(*ev));
	ev->size = sizeof(*ev);
	ev->version = MEMSCOPE_ABI_VERSION;
	ev->trigger_id = tr->t.id;
	ev->seq = ++sub->seq;
	ev->timestamp_ns = tr->fired_ns;
	ev->kind = tr->t.kind;
	ev->reason = reason;
	ev->level = s->sys_level;
	ev->order = tr->t.order;
	ev->available_bytes = ms_pages_to_bytes(s->available);
	ev->value = value;
	ev->merged = max_t(u64, tr->merged, 1);
	ev->page_size = PAGE_SIZE;
	if (tr->zone_slot >= 0) {
		const struct ms_zone_pressure *z = &s->zones[tr->zone_slot];

		ev->node = tr->zone_slot / MAX_NR_ZONES;
		strscpy(ev->zone, ms_slot_zone(tr->zone_slot)->name, sizeof(ev->zone));
		ev->zone_level = z->ls.level;
		ev->free_bytes = ms_pages_to_bytes(z->usable);
		ev->min_bytes = ms_pages_to_bytes(z->wmark[WMARK_MIN]);
		ev->low_bytes = ms_pages_to_bytes(z->wmark[WMARK_LOW]);
		ev->high_bytes = ms_pages_to_bytes(z->wmark[WMARK_HIGH]);
	} else {
		ev->node = -1;
		ev->zone_level = s->sys_level;
		ev->free_bytes = ms_pages_to_bytes(s->usable);
		ev->min_bytes = ms_pages_to_bytes(s->wmark[WMARK_MIN]);
		ev->low_bytes = ms_pages_to_bytes(s->wmark[WMARK_LOW]);
		ev->high_bytes = ms_pages_to_bytes(s->wmark[WMARK_HIGH]);
	}
	if (tr->t.kind == MEMSCOPE_TRIG_ORDER)
		ev->order_blocks = value;
	sub->count++;
	sub->queued++;
	sub->last_delivery_ns = s->now;
	tr->merged = 0;
	tr->fired_total++;
	ms_log_event(sub, ev);
}

/*
 * The trigger's state now: *fire when its condition holds (events: when
 * new ones happened), *clear when it has cleared by the re-arm rule (never
 * for events); *value is what it measured (events: how many new ones, or
 * the longest stall), *when the time the condition was first seen if
 * earlier than this snapshot (else 0).
 */
static void ms_trigger_check(struct ms_trigger *tr, const struct ms_snap *s,
			     bool *fire, bool *clear, u64 *value, u64 *when)
{
	const struct memscope_trigger *t = &tr->t;
	u64 count;

	*fire = false;
	*clear = false;
	*value = 0;
	*when = 0;
	switch (t->kind) {
	case MEMSCOPE_TRIG_LEVEL: {
		const u64 *reached = tr->zone_slot >= 0 ?
				     s->zones[tr->zone_slot].ls.reached_ns : s->sys_reached;
		u32 level = tr->zone_slot >= 0 ? s->zones[tr->zone_slot].ls.level : s->sys_level;
		u32 l;

		*value = level;
		*fire = level >= t->level;
		*clear = !*fire;
		/* Reached since the last pass (after the trigger was added)? */
		for (l = t->level; l < MS_NR_LEVELS; l++) {
			if (reached[l] > tr->added_ns && (!*when || reached[l] < *when)) {
				*when = reached[l];
				*fire = true;
			}
		}
		return;
	}
	case MEMSCOPE_TRIG_AVAILABLE:
		*value = ms_pages_to_bytes(s->available);
		break;
	case MEMSCOPE_TRIG_HEADROOM: {
		const struct ms_zone_pressure *z = &s->zones[tr->zone_slot];
		unsigned long w = z->wmark[t->level];

		*value = z->usable > w ? ms_pages_to_bytes(z->usable - w) : 0;
		break;
	}
	case MEMSCOPE_TRIG_ORDER:
		*value = ms_order_value(tr, s);
		break;
	case MEMSCOPE_TRIG_STALL:
		*value = max(t->flags & MEMSCOPE_TRIGF_STALL_RECLAIM ? s->stall_ns[0] : 0,
			     t->flags & MEMSCOPE_TRIGF_STALL_COMPACT ? s->stall_ns[1] : 0);
		*fire = *value >= t->threshold;
		return;
	case MEMSCOPE_TRIG_ALLOC_FAIL:
	case MEMSCOPE_TRIG_OOM:
		count = t->kind == MEMSCOPE_TRIG_OOM ? s->totals.oom_kills :
			ms_failures_from(&s->totals, t->order);
		if (tr->seen_count == U64_MAX)
			tr->seen_count = count;
		*value = count - tr->seen_count;
		tr->seen_count = count;
		*fire = *value > 0;
		return;
	}
	*fire = *value < t->threshold;
	*clear = *value >= t->rearm;
}

/* STALL, ALLOC_FAIL and OOM count occurrences; the others watch a state. */
static bool ms_trigger_is_event(const struct ms_trigger *tr)
{
	return tr->t.kind == MEMSCOPE_TRIG_STALL || tr->t.kind == MEMSCOPE_TRIG_ALLOC_FAIL ||
	       tr->t.kind == MEMSCOPE_TRIG_OOM;
}

/* Fold this pass's outcome into the trigger's pending record, if any. */
static void ms_trigger_update(struct ms_trigger *tr, const struct ms_snap *s)
{
	bool fire, clear;
	u64 value, when;
	u32 reason = 0;

	ms_trigger_check(tr, s, &fire, &clear, &value, &when);
	if (ms_trigger_is_event(tr)) {
		/*
		 * An event has no state that could clear: every pass with new
		 * occurrences fires, and while the interval holds the record
		 * back, later occurrences are added to it (the longest stall
		 * is kept), so none goes unreported.
		 */
		if (!fire)
			return;
		if (!tr->pending) {
			tr->pending = true;
			tr->pending_reason = MEMSCOPE_REASON_FIRED;
			tr->pending_value = 0;
			tr->fired_ns = s->now;
		}
		if (tr->t.kind == MEMSCOPE_TRIG_STALL)
			tr->pending_value = max(tr->pending_value, value);
		else
			tr->pending_value += value;
		tr->merged++;
		return;
	}
	if (fire && !tr->fired) {
		reason = MEMSCOPE_REASON_FIRED;
		tr->fired = true;
		tr->fired_ns = when ?: s->now;
	} else if (tr->fired && clear) {
		tr->fired = false;
		if (tr->t.flags & MEMSCOPE_TRIGF_CLEAR) {
			reason = MEMSCOPE_REASON_CLEARED;
			tr->fired_ns = s->now;
		}
	}
	if (reason) {
		tr->merged++;
		tr->pending = true;
		tr->pending_reason = reason;
	}
	/* The record describes the state now, with the latest reason. */
	if (tr->pending)
		tr->pending_value = value;
}

/*
 * The pending record seen first, so that timestamps never go back along
 * seq whatever the order the triggers were added in; levels reached in
 * the same evaluation come out lowest first.
 */
static struct ms_trigger *ms_next_pending(struct ms_subscriber *sub)
{
	struct ms_trigger *best = NULL;
	unsigned int i;

	for (i = 0; i < sub->nr_triggers; i++) {
		struct ms_trigger *tr = &sub->triggers[i];

		if (!tr->pending)
			continue;
		if (!best || tr->fired_ns < best->fired_ns ||
		    (tr->fired_ns == best->fired_ns && tr->t.kind == MEMSCOPE_TRIG_LEVEL &&
		     best->t.kind == MEMSCOPE_TRIG_LEVEL && tr->t.level < best->t.level))
			best = tr;
	}
	return best;
}

/* Run one subscriber's triggers; true if it has records to read. */
static bool ms_subscriber_run(struct ms_subscriber *sub, const struct ms_snap *s,
			      u64 *next_due)
{
	struct ms_trigger *tr;
	unsigned long flags;
	unsigned int i;
	bool ready;

	spin_lock_irqsave(&sub->lock, flags);
	for (i = 0; i < sub->nr_triggers; i++)
		ms_trigger_update(&sub->triggers[i], s);
	while ((tr = ms_next_pending(sub))) {
		if (sub->interval_ns && sub->queued &&
		    s->now < sub->last_delivery_ns + sub->interval_ns) {
			*next_due = min(*next_due, sub->last_delivery_ns + sub->interval_ns);
			break;
		}
		ms_queue_event(sub, tr, s, tr->pending_reason, tr->pending_value);
		tr->pending = false;
	}
	ready = sub->count != 0;
	spin_unlock_irqrestore(&sub->lock, flags);
	return ready;
}

static void ms_take_snapshot(struct ms_snap *s)
{
	const struct ms_pressure *p = &ms_pressure;
	unsigned int i, seq;
	u64 evaluation;
	bool fresh;
	int w;

	do {
		seq = ms_pressure_read_begin();
		evaluation = p->evaluations;
		s->sys_level = p->sys.level;
		s->available = p->available;
		s->totals = p->totals;
		s->stall_ns[0] = p->max_reclaim_stall_ns;
		s->stall_ns[1] = p->max_compact_stall_ns;
		memcpy(s->sys_reached, p->sys.reached_ns, sizeof(s->sys_reached));
		memcpy(s->zones, p->zones, s->nr_zones * sizeof(s->zones[0]));
	} while (ms_pressure_read_retry(seq));
	fresh = evaluation != ms_notify_seen_evaluation;
	ms_notify_seen_evaluation = evaluation;

	/*
	 * What this evaluation reached and the stalls it saw belong to the
	 * first pass over it; a second pass (a held record going out, a new
	 * trigger) must not count them again.
	 */
	if (!fresh) {
		memset(s->stall_ns, 0, sizeof(s->stall_ns));
		memset(s->sys_reached, 0, sizeof(s->sys_reached));
		for (i = 0; i < s->nr_zones; i++)
			memset(s->zones[i].ls.reached_ns, 0, sizeof(s->zones[i].ls.reached_ns));
	}

	s->usable = 0;
	memset(s->wmark, 0, sizeof(s->wmark));
	for (i = 0; i < s->nr_zones; i++) {
		if (!s->zones[i].populated)
			continue;
		s->usable += s->zones[i].usable;
		for (w = WMARK_MIN; w <= WMARK_HIGH; w++)
			s->wmark[w] += s->zones[i].wmark[w];
	}
}

/* One pass over every subscriber, on the sampler's worker. */
static void ms_notify_pass(void)
{
	struct ms_subscriber *sub;
	u64 next_due = U64_MAX;

	/*
	 * The interval is measured on this clock, not on the last
	 * evaluation's: a record held back goes out once it has passed,
	 * not at the next evaluation (up to period_ms later). Read before
	 * the snapshot, so a level reached after it is never dated before
	 * a record of this pass.
	 */
	ms_snap.now = ktime_get_ns();
	ms_take_snapshot(&ms_snap);
	mutex_lock(&ms_subs_mutex);
	list_for_each_entry(sub, &ms_subscribers, node) {
		if (ms_subscriber_run(sub, &ms_snap, &next_due)) {
			wake_up_interruptible_poll(&sub->wait, EPOLLIN | EPOLLRDNORM | EPOLLPRI);
			kill_fasync(&sub->fasync, SIGIO, POLL_PRI);
		}
	}
	mutex_unlock(&ms_subs_mutex);
	/* Records held back by an interval go out when it has passed. */
	if (next_due != U64_MAX) {
		u64 now = ktime_get_ns();
		u64 delay = next_due > now ? next_due - now : 0;

		kthread_mod_delayed_work(ms_pressure_worker(), &ms_notify_work,
					 nsecs_to_jiffies(delay) + 1);
	}
}

static void ms_notify_workfn(struct kthread_work *work)
{
	ms_notify_pass();
}

/* The sampler's consumer: after every evaluation, on its worker. */
static void ms_notify_after_evaluation(void)
{
	/* Nothing to do (and no record to make) without subscribers. */
	if (atomic_read(&ms_nr_subscribers))
		ms_notify_pass();
}

/**
 * ms_subscriber_new() - a new subscriber, with no trigger
 *
 * Description:
 * Its trigger table and queue are sized by the max_triggers and
 * queue_len parameters now, charged to the opener's memory cgroup. It is
 * on the list of subscribers, and so seen by the work, when this returns.
 *
 * Context: process context (open()); may sleep. notify_dev.c calls it
 * with ms_open_mutex held; takes ms_subs_mutex.
 * Return: the subscriber, or NULL when out of memory.
 */
struct ms_subscriber *ms_subscriber_new(void)
{
	struct ms_subscriber *sub = kzalloc(sizeof(*sub), GFP_KERNEL_ACCOUNT);

	if (!sub)
		return NULL;
	sub->max_triggers = READ_ONCE(max_triggers);
	sub->ring_len = READ_ONCE(queue_len);
	/*
	 * The opener sizes these (up to 640 KiB of queue): charged to its
	 * memory cgroup, and vmalloc'ed when large so that an open under
	 * pressure does not need a high-order block.
	 */
	sub->triggers = kvcalloc(sub->max_triggers, sizeof(*sub->triggers), GFP_KERNEL_ACCOUNT);
	sub->ring = kvcalloc(sub->ring_len, sizeof(*sub->ring), GFP_KERNEL_ACCOUNT);
	if (!sub->triggers || !sub->ring) {
		kvfree(sub->triggers);
		kvfree(sub->ring);
		kfree(sub);
		return NULL;
	}
	spin_lock_init(&sub->lock);
	mutex_init(&sub->read_mutex);
	init_waitqueue_head(&sub->wait);
	sub->pid = task_tgid_nr(current);
	sub->uid = current_fsuid();

	mutex_lock(&ms_subs_mutex);
	sub->id = ++ms_next_sub_id;
	list_add_tail(&sub->node, &ms_subscribers);
	atomic_inc(&ms_nr_subscribers);
	mutex_unlock(&ms_subs_mutex);
	return sub;
}

/**
 * ms_subscriber_free() - take a subscriber off the list and free it
 * @sub: a subscriber of ms_subscriber_new()
 *
 * Once it is off the list (under ms_subs_mutex) neither the work nor the
 * events view can reach it.
 *
 * Context: process context (release()), no memscope lock held; takes
 * ms_subs_mutex.
 */
void ms_subscriber_free(struct ms_subscriber *sub)
{
	mutex_lock(&ms_subs_mutex);
	list_del(&sub->node);
	atomic_dec(&ms_nr_subscribers);
	mutex_unlock(&ms_subs_mutex);
	mutex_destroy(&sub->read_mutex);
	kvfree(sub->triggers);
	kvfree(sub->ring);
	kfree(sub);
}

/**
 * ms_notify_for_each() - call a function for every subscriber
 * @fn: called once per subscriber, with ms_subs_mutex held: it may take
 *     sub->lock but neither ms_subs_mutex nor ms_open_mutex
 * @arg: passed to @fn
 *
 * Context: process context (the events view); takes ms_subs_mutex.
 */
void ms_notify_for_each(void (*fn)(struct ms_subscriber *sub, void *arg), void *arg)
{
	struct ms_subscriber *sub;

	mutex_lock(&ms_subs_mutex);
	list_for_each_entry(sub, &ms_subscribers, node)
		fn(sub, arg);
	mutex_unlock(&ms_subs_mutex);
}

/**
 * ms_notify_prepare() - attach the notification engine to the sampler
 *
 * Description:
 * Allocates the snapshot's zones (after the pressure feature's prepare
 * step, which sets their number and starts the sampler's worker) and
 * becomes the sampler's consumer.
 *
 * Context: process context (module init); may sleep.
 * Return: 0 or -ENOMEM.
 */
int ms_notify_prepare(void)
{
	ms_snap.nr_zones = ms_pressure.nr_zones;
	ms_snap.zones = kcalloc(ms_snap.nr_zones, sizeof(*ms_snap.zones), GFP_KERNEL);
	if (!ms_snap.zones)
		return -ENOMEM;
	ms_pressure_set_consumer(MS_CONSUMER_NOTIFY, ms_notify_after_evaluation);
	return 0;
}

/**
 * ms_notify_exit() - detach the notification engine from the sampler
 *
 * Description:
 * Runs after the device is gone (no subscriber is left) and before the
 * pressure feature stops: stops being the sampler's consumer, which waits
 * for a call in flight, and cancels its own pending pass.
 *
 * Context: process context (module exit or a failed init); sleeps until
 * the pass has finished.
 */
void ms_notify_exit(void)
{
	ms_pressure_set_consumer(MS_CONSUMER_NOTIFY, NULL);
	kthread_cancel_delayed_work_sync(&ms_notify_work);
	kfree(ms_snap.zones);
	ms_snap.zones = NULL;
}

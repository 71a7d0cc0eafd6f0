/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope: the pressure model (pressure.c), its debugfs view
 * (pressure_view.c) and what notifications read from it.
 */
#ifndef _MEMSCOPE_PRESSURE_H
#define _MEMSCOPE_PRESSURE_H

#include <linux/build_bug.h>
#include <linux/mmzone.h>
#include <linux/mutex.h>
#include <linux/seqlock.h>
#include <linux/types.h>

#include "hooks.h"
#include "abi_names.h"

/*
 * Ordered: a higher level is more pressure. The records carry these
 * numbers, so they are the uapi's; abi_names.c has their words.
 */
enum ms_level {
	MS_LEVEL_NONE = MEMSCOPE_LEVEL_NONE,
	MS_LEVEL_LOW = MEMSCOPE_LEVEL_LOW,
	MS_LEVEL_MEDIUM = MEMSCOPE_LEVEL_MEDIUM,
	MS_LEVEL_CRITICAL = MEMSCOPE_LEVEL_CRITICAL,
	MS_LEVEL_OOM = MEMSCOPE_LEVEL_OOM,
	MS_NR_LEVELS
};

static_assert(MS_NR_LEVELS == MEMSCOPE_NR_LEVELS);

/*
 * Headroom triggers and the views index the kernel's watermarks
 * (enum zone_watermarks) with the uapi's numbers.
 */
static_assert(WMARK_MIN == MEMSCOPE_WMARK_MIN && WMARK_LOW == MEMSCOPE_WMARK_LOW &&
	      WMARK_HIGH == MEMSCOPE_WMARK_HIGH);

/* Up to this many orders for which order-N availability is tracked. */
#define MS_MAX_WATCH_ORDERS 8

/* Hysteresis and accounting of one level machine (a zone or the system). */
struct ms_level_state {
	enum ms_level level;
	u64 entered_ns;		/* when the current level was entered */
	u64 relax_since_ns;	/* a lower level has been justified since (0: not) */
	u64 accounted_ns;	/* time_in_ns[] is accounted up to here */
	u64 time_in_ns[MS_NR_LEVELS];
	/*
	 * The levels this evaluation rose into, at its time (0: not). The
	 * sampler's consumer runs after every evaluation, so a brief peak
	 * between two notification passes is still reported, with its own
	 * time.
	 */
	u64 reached_ns[MS_NR_LEVELS];
};

struct ms_zone_pressure {
	bool populated;
	unsigned long free;		/* NR_FREE_PAGES, as /proc/zoneinfo shows */
	unsigned long free_cma;		/* of which free CMA pages */
	unsigned long highatomic;	/* pages held back for high-order atomics */
	unsigned long usable;		/* free an unmovable allocation may use */
	unsigned long wmark[NR_WMARK];	/* boost included, as the allocator uses */
	unsigned long boost;
	unsigned long managed;
	unsigned long lowest_usable;	/* since load */
	unsigned long lowest_usable_mark;	/* since the last mark */
	unsigned long order_blocks[MS_MAX_WATCH_ORDERS];
	struct ms_level_state ls;
};

/* Activity counted over the last completed window and the current one. */
struct ms_window {
	u64 start_ns;
	struct ms_reclaim_totals base;	/* totals when the window started */
	struct ms_reclaim_totals last;	/* deltas of the last complete window */
	u64 stall_ns[2];		/* longest reclaim, compaction stall: this window */
	u64 last_stall_ns[2];		/* ... and the last complete one */
};

struct ms_pressure {
	u64 load_ns;
	u64 last_eval_ns;
	u64 evaluations;
	u64 pokes;			/* evaluations only the probes asked for */
	unsigned int nr_zones;		/* nr_node_ids * MAX_NR_ZONES */
	struct ms_zone_pressure *zones;	/* [nid * MAX_NR_ZONES + zone_idx] */
	struct ms_level_state sys;
	enum ms_level sys_position;	/* watermark position part of sys level */
	unsigned long available;	/* si_mem_available() pages */
	unsigned long usable;		/* usable free pages of all zones */
	unsigned long lowest_available;	/* since load */
	unsigned long lowest_available_mark;
	int kswapd_awake;		/* nodes whose kswapd is balancing */
	int kswapd_failing;		/* nodes whose kswapd reclaimed nothing */
	struct ms_reclaim_totals totals;	/* since load */
	struct ms_reclaim_totals recent;	/* current window so far */
	struct ms_window win;
	u64 max_reclaim_stall_ns;	/* longest since the last evaluation */
	u64 max_compact_stall_ns;
	unsigned int nr_watch_orders;
	unsigned int watch_orders[MS_MAX_WATCH_ORDERS];
};

/*
 * The sampler's state, published: only the sampler writes it, inside a
 * write section of ms_pressure_seq; readers copy what they need in a loop
 * of ms_pressure_read_begin() and ms_pressure_read_retry() and never
 * block the sampler:
 *
 *	do {
 *		seq = ms_pressure_read_begin();
 *		copy = ms_pressure;
 *	} while (ms_pressure_read_retry(seq));
 */
extern struct ms_pressure ms_pressure;
extern seqcount_mutex_t ms_pressure_seq;

static inline unsigned int ms_pressure_read_begin(void)
{
	return read_seqcount_begin(&ms_pressure_seq);
}

static inline bool ms_pressure_read_retry(unsigned int seq)
{
	return read_seqcount_retry(&ms_pressure_seq, seq);
}

void ms_pressure_request(void);
void ms_pressure_refresh(void);
/* Reset the since-mark minimums. */
void ms_pressure_mark(void);

struct kthread_worker;
struct kthread_worker *ms_pressure_worker(void);

/* What runs on the sampler's worker after every evaluation, in this order. */
enum ms_consumer {
	MS_CONSUMER_NOTIFY,	/* notify.c: the subscribers' triggers */
	MS_CONSUMER_HISTORY,	/* history.c: the flight recorder */
	MS_NR_CONSUMERS
};

void ms_pressure_set_consumer(enum ms_consumer slot, void (*fn)(void));

/* Windowed activity: the larger of the last complete and current window. */
u64 ms_window_count(const struct ms_pressure *p, size_t offset);
#define ms_window_get(p, field) \
	ms_window_count(p, offsetof(struct ms_reclaim_totals, field))

/* vmpressure's definition: share of scanned pages not reclaimed, 0..100. */
unsigned int ms_reclaim_pressure_pct(u64 scanned, u64 reclaimed);

int ms_pressure_prepare(void);
void ms_pressure_exit(void);
int ms_pressure_view_prepare(void);
void ms_pressure_view_exit(void);

#endif /* _MEMSCOPE_PRESSURE_H */

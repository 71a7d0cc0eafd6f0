// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: the flight recorder, debugfs "history".
 *
 * After an OOM kill people ask what the minute before it looked like, and
 * nobody had a recorder running. So the module keeps one: two rings of
 * samples of the sampler's state, filled by its consumer call after
 * evaluations (pressure.c), so a sample costs no evaluation of its own.
 *
 *  coarse  one sample per second at most: the last 128 s, always;
 *  fine    while any level is above none, one sample per evaluation at
 *          most every 100 ms, and every evaluation whose levels differ
 *          from the last sample's: the run-up to a kill in detail.
 *
 * A sample holds the time, the system level, MemAvailable, the reclaim
 * counters and, per zone populated at load, its level, usable free pages
 * and watermarks. The rings are sized from the zones the board has: at
 * most 16 KiB with one zone (versatilepb), MS_HIST_FINE_MIN fine samples
 * always. The view prints both rings merged, oldest first.
 *
 * Locks: ms_hist_lock (the rings) alone; the consumer copies the
 * pressure state in a read section of ms_pressure_seq first.
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "abi_names.h"
#include "history.h"
#include "memscope.h"
#include "pressure.h"
#include "views.h"

#define MS_HIST_COARSE		128	/* samples, 1 s apart: over 2 minutes */
#define MS_HIST_COARSE_NS	NSEC_PER_SEC
#define MS_HIST_FINE_NS		(100 * NSEC_PER_MSEC)
#define MS_HIST_FINE_MIN	64	/* fine samples whatever the zones */
#define MS_HIST_BUDGET		16384	/* bytes of all of it with one zone */

struct ms_hist_zone {
	u32 usable;			/* pages */
	u32 wmark[NR_WMARK];		/* pages: min, low, high */
	u8 level;
};

/*
 * Counters are the low 32 bits of the totals since load: a difference
 * between two samples is exact unless 2^32 events came between them.
 */
struct ms_hist_sample {
	u64 t_ns;			/* ktime_get_ns(), as the records' */
	u32 available;			/* pages, si_mem_available() */
	u32 kswapd_wakes;
	u32 direct_reclaims;
	u32 compact_stalls;
	u32 alloc_failures;		/* all orders */
	u32 oom_kills;
	u8 sys_level;
	struct ms_hist_zone zone[];
};

struct ms_hist_ring {
	unsigned int len;		/* slots */
	unsigned int next;		/* slot the next sample goes to */
	unsigned int count;		/* samples held, up to len */
	u64 last_ns;			/* time of the newest sample */
	char *slots;			/* len * ms_hist_size bytes */
};

static DEFINE_MUTEX(ms_hist_lock);
static struct ms_hist_ring ms_hist_coarse, ms_hist_fine;
static size_t ms_hist_size;		/* bytes per sample */
static size_t ms_hist_bytes;		/* of ms_hist_mem, all of the recorder */
static unsigned int ms_hist_nr_zones;
/*
 * One allocation holds everything: the slots in ms_pressure.zones of the
 * zones populated at load, the sample being built, the last one kept
 * (for the level check) and both rings.
 */
static void *ms_hist_mem;
static unsigned int *ms_hist_slot;
static struct ms_hist_sample *ms_hist_new, *ms_hist_last;

static struct ms_hist_sample *ms_hist_at(const struct ms_hist_ring *r, unsigned int i)
{
	return (struct ms_hist_sample *)(r->slots + (size_t)i * ms_hist_size);
}

static void ms_hist_push(struct ms_hist_ring *r, const struct ms_hist_sample *s)
{
	memcpy(ms_hist_at(r, r->next), s, ms_hist_size);
	r->next = (r->next + 1) % r->len;
	r->count = min(r->count + 1, r->len);
	r->last_ns = s->t_ns;
}

/* What a sample holds, from the sampler's state (inside a read section). */
static void ms_hist_copy(struct ms_hist_sample *s, const struct ms_pressure *p)
{
	unsigned int i, o;
	u64 failures = 0;
	int w;

	s->t_ns = p->last_eval_ns;
	s->sys_level = p->sys.level;
	s->available = p->available;
	s->kswapd_wakes = p->totals.kswapd_wakes;
	s->direct_reclaims = p->totals.direct_reclaims;
	s->compact_stalls = p->totals.compact_stalls;
	for (o = 0; o < MS_NR_PAGE_ORDERS; o++)
		failures += p->totals.alloc_failures[o];
	s->alloc_failures = failures;
	s->oom_kills = p->totals.oom_kills;
	for (i = 0; i < ms_hist_nr_zones; i++) {
		const struct ms_zone_pressure *z = &p->zones[ms_hist_slot[i]];

		s->zone[i].level = z->ls.level;
		s->zone[i].usable = z->usable;
		for (w = 0; w < NR_WMARK; w++)
			s->zone[i].wmark[w] = z->wmark[w];
	}
}

static void ms_hist_fill(struct ms_hist_sample *s)
{
	unsigned int seq;

	do {
		seq = ms_pressure_read_begin();
		ms_hist_copy(s, &ms_pressure);
	} while (ms_pressure_read_retry(seq));
}

static bool ms_hist_levels_differ(const struct ms_hist_sample *a,
				  const struct ms_hist_sample *b)
{
	unsigned int i;

	if (a->sys_level != b->sys_level)
		return true;
	for (i = 0; i < ms_hist_nr_zones; i++)
		if (a->zone[i].level != b->zone[i].level)
			return true;
	return false;
}

static bool ms_hist_above_none(const struct ms_hist_sample *s)
{
	unsigned int i;

	if (s->sys_level > MS_LEVEL_NONE)
		return true;
	for (i = 0; i < ms_hist_nr_zones; i++)
		if (s->zone[i].level > MS_LEVEL_NONE)
			return true;
	return false;
}

/* The sampler's consumer: after every evaluation, on its worker. */
static void ms_hist_after_evaluation(void)
{
	struct ms_hist_sample *s = ms_hist_new;
	bool changed;

	ms_hist_fill(s);
	mutex_lock(&ms_hist_lock);
	changed = ms_hist_coarse.count && ms_hist_levels_differ(s, ms_hist_last);
	if (!ms_hist_coarse.count || s->t_ns - ms_hist_coarse.last_ns >= MS_HIST_COARSE_NS) {
		ms_hist_push(&ms_hist_coarse, s);
	} else if (changed || (ms_hist_above_none(s) &&
			       s->t_ns - ms_hist_fine.last_ns >= MS_HIST_FINE_NS)) {
		ms_hist_push(&ms_hist_fine, s);
	} else {
		mutex_unlock(&ms_hist_lock);
		return;
	}
	memcpy(ms_hist_last, s, ms_hist_size);
	mutex_unlock(&ms_hist_lock);
}

static u64 ms_hist_kb(u32 pages)
{
	return (u64)pages << (PAGE_SHIFT - 10);
}

static void ms_hist_show_sample(struct seq_file *m, const struct ms_hist_sample *s,
				char tier)
{
	unsigned int i;

	seq_printf(m, "%llu %c %s %llu %u %u %u %u %u", div_u64(s->t_ns, NSEC_PER_MSEC),
		   tier, ms_level_name(s->sys_level) ?: "?", ms_hist_kb(s->available),
		   s->kswapd_wakes, s->direct_reclaims, s->compact_stalls,
		   s->alloc_failures, s->oom_kills);
	for (i = 0; i < ms_hist_nr_zones; i++)
		seq_printf(m, " %s %llu %llu %llu %llu",
			   ms_level_name(s->zone[i].level) ?: "?",
			   ms_hist_kb(s->zone[i].usable),
			   ms_hist_kb(s->zone[i].wmark[WMARK_MIN]),
			   ms_hist_kb(s->zone[i].wmark[WMARK_LOW]),
			   ms_hist_kb(s->zone[i].wmark[WMARK_HIGH]));
	seq_putc(m, '\n');
}

/* The oldest sample's index in ring order (0 .. count-1 from the oldest). */
static const struct ms_hist_sample *ms_hist_nth(const struct ms_hist_ring *r,
						unsigned int n)
{
	return ms_hist_at(r, (r->next + r->len - r->count + n) % r->len);
}

/**
 * ms_history_show() - print the "history" view
 * @m: the seq_file of views.c's open
 * @unused: not used
 *
 * Description:
 * Both rings merged, oldest first, one line per sample: the time in ms
 * (ktime_get_ns(), the clock of /dev/memscope's records), the ring ('c'
 * coarse, 'f' fine), the system level, MemAvailable and the counters, then
 * per zone its level, usable free memory and watermarks in KiB.
 *
 * Context: process context; takes ms_hist_lock.
 * Return: 0.
 */
int ms_history_show(struct seq_file *m, void *unused)
{
	unsigned int c = 0, f = 0, i;

	mutex_lock(&ms_hist_lock);
	seq_printf(m, "# memscope history: %u samples 1 s apart, and %u while a level is above none (100 ms apart, or at a level change); %zu bytes\n",
		   ms_hist_coarse.len, ms_hist_fine.len, ms_hist_bytes);
	seq_puts(m, "# counters: totals since load, low 32 bits; memory in KiB\n");
	seq_puts(m, "# time_ms ring level available_kb kswapd_wakes direct_reclaims compact_stalls alloc_failures oom_kills");
	for (i = 0; i < ms_hist_nr_zones; i++) {
		unsigned int slot = ms_hist_slot[i];
		int nid = slot / MAX_NR_ZONES;
		const char *zname = NODE_DATA(nid)->node_zones[slot % MAX_NR_ZONES].name;

		seq_printf(m, " node%d/%s:level node%d/%s:usable_kb node%d/%s:min_kb node%d/%s:low_kb node%d/%s:high_kb",
			   nid, zname, nid, zname, nid, zname, nid, zname, nid, zname);
	}
	seq_putc(m, '\n');
	while (c < ms_hist_coarse.count || f < ms_hist_fine.count) {
		const struct ms_hist_sample *sc = c < ms_hist_coarse.count ?
						  ms_hist_nth(&ms_hist_coarse, c) : NULL;
		const struct ms_hist_sample *sf = f < ms_hist_fine.count ?
						  ms_hist_nth(&ms_hist_fine, f) : NULL;

		if (sc && (!sf || sc->t_ns <= sf->t_ns)) {
			ms_hist_show_sample(m, sc, 'c');
			c++;
		} else {
			ms_hist_show_sample(m, sf, 'f');
			f++;
		}
	}
	mutex_unlock(&ms_hist_lock);
	return 0;
}

/**
 * ms_history_prepare() - size the recorder and start recording
 *
 * Description:
 * Counts the zones populated now and sizes a sample for them; the fine
 * ring gets what MS_HIST_BUDGET leaves after the coarse one and the rest
 * (never fewer than MS_HIST_FINE_MIN samples), all in one allocation.
 * Then becomes the sampler's history consumer. Runs after the pressure
 * feature's prepare step.
 *
 * Context: process context (module init); may sleep.
 * Return: 0 or -ENOMEM.
 */
int ms_history_prepare(void)
{
	struct zone *zone;
	size_t head, fine;
	unsigned int n = 0;
	char *mem;

	for (zone = ms_first_zone(); zone; zone = ms_next_zone(zone))
		n++;
	ms_hist_size = ALIGN(struct_size(ms_hist_new, zone, n), 8);
	head = ALIGN(n * sizeof(*ms_hist_slot), 8) + 2 * ms_hist_size;
	fine = head < MS_HIST_BUDGET ? (MS_HIST_BUDGET - head) / ms_hist_size : 0;
	fine = fine > MS_HIST_COARSE + MS_HIST_FINE_MIN ? fine - MS_HIST_COARSE : MS_HIST_FINE_MIN;
	ms_hist_bytes = head + (MS_HIST_COARSE + fine) * ms_hist_size;
	mem = kvzalloc(ms_hist_bytes, GFP_KERNEL);
	if (!mem)
		return -ENOMEM;
	ms_hist_mem = mem;
	ms_hist_slot = (unsigned int *)mem;
	mem += ALIGN(n * sizeof(*ms_hist_slot), 8);
	ms_hist_new = (struct ms_hist_sample *)mem;
	ms_hist_last = (struct ms_hist_sample *)(mem + ms_hist_size);
	ms_hist_coarse.slots = mem + 2 * ms_hist_size;
	ms_hist_coarse.len = MS_HIST_COARSE;
	ms_hist_fine.slots = ms_hist_coarse.slots + MS_HIST_COARSE * ms_hist_size;
	ms_hist_fine.len = fine;
	ms_hist_nr_zones = 0;
	for (zone = ms_first_zone(); zone && ms_hist_nr_zones < n; zone = ms_next_zone(zone))
		ms_hist_slot[ms_hist_nr_zones++] =
			zone_to_nid(zone) * MAX_NR_ZONES + zone_idx(zone);
	ms_pressure_set_consumer(MS_CONSUMER_HISTORY, ms_hist_after_evaluation);
	return 0;
}

/**
 * ms_history_exit() - stop recording and free the rings
 *
 * Context: process context (module exit or a failed init); sleeps until
 * a consumer call in flight has returned.
 */
void ms_history_exit(void)
{
	ms_pressure_set_consumer(MS_CONSUMER_HISTORY, NULL);
	kvfree(ms_hist_mem);
	ms_hist_mem = NULL;
	memset(&ms_hist_coarse, 0, sizeof(ms_hist_coarse));
	memset(&ms_hist_fine, 0, sizeof(ms_hist_fine));
}

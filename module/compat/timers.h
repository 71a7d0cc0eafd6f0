/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope compat: timer and hrtimer calls whose names changed.
 *
 * hrtimer_setup() (6.13) replaces hrtimer_init() plus setting ->function;
 * hrtimer_init() is gone in 6.15. timer_delete_sync() (6.2, and some
 * 6.1.y) replaces del_timer_sync(), gone in 6.15. Detected by the probes
 * hrtimer_setup.c and timer_delete_sync.c.
 */
#ifndef _MEMSCOPE_COMPAT_TIMERS_H
#define _MEMSCOPE_COMPAT_TIMERS_H

#include <linux/hrtimer.h>
#include <linux/timer.h>

#include "compat/have.h"

/**
 * ms_hrtimer_setup() - initialise an hrtimer and set its callback
 * @timer: the timer
 * @function: its callback
 * @clock: the clock it runs on
 * @mode: its mode (HRTIMER_MODE_*)
 *
 * Context: any context that may initialise a timer (not while it is queued).
 */
static inline void ms_hrtimer_setup(struct hrtimer *timer,
				    enum hrtimer_restart (*function)(struct hrtimer *),
				    clockid_t clock, enum hrtimer_mode mode)
{
#ifdef HAVE_HRTIMER_SETUP
	hrtimer_setup(timer, function, clock, mode);
#else
	hrtimer_init(timer, clock, mode);
	timer->function = function;
#endif
}

/**
 * ms_timer_delete_sync() - deactivate a timer and wait for its callback
 * @timer: the timer
 *
 * Context: process context; see timer_delete_sync().
 * Return: 1 if the timer was pending, 0 otherwise.
 */
static inline int ms_timer_delete_sync(struct timer_list *timer)
{
#ifdef HAVE_TIMER_DELETE_SYNC
	return timer_delete_sync(timer);
#else
	return del_timer_sync(timer);
#endif
}

#endif /* _MEMSCOPE_COMPAT_TIMERS_H */

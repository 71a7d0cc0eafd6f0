// SPDX-License-Identifier: GPL-2.0
/* HAVE_HRTIMER_SETUP: hrtimer_setup() (6.13), which replaces hrtimer_init(). */
#include <linux/hrtimer.h>

void ms_probe(struct hrtimer *t, enum hrtimer_restart (*fn)(struct hrtimer *));
void ms_probe(struct hrtimer *t, enum hrtimer_restart (*fn)(struct hrtimer *))
{
	hrtimer_setup(t, fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
}

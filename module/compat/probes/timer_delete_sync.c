// SPDX-License-Identifier: GPL-2.0
/* HAVE_TIMER_DELETE_SYNC: timer_delete_sync() (6.2, in some 6.1.y). */
#include <linux/timer.h>

int ms_probe(struct timer_list *t);
int ms_probe(struct timer_list *t)
{
	return timer_delete_sync(t);
}

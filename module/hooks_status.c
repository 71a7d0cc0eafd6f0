// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: what every hooks view prints first (hooks_internal.h): whether
 * its group is on, which tracepoints are missing, and the time since load
 * and since the view's mark. The state it reads is the groups' (hooks.c
 * changes it under ms_hooks_lock); it lives here so that the views depend
 * on this file and on the probes' files, and hooks.c, which starts the
 * views, depends on them, never the other way.
 */
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>

#include "hooks_internal.h"

/* Group attach/detach, parameter writes and the status the views print. */
DEFINE_MUTEX(ms_hooks_lock);
u64 ms_hooks_load_ns;

/**
 * ms_seq_secs() - print a duration as seconds with milliseconds
 * @m: the view being shown
 * @ns: the duration
 *
 * Prints "12.345", the unit the views' time lines use.
 *
 * Context: any context a seq_file show runs in; takes no lock.
 */
void ms_seq_secs(struct seq_file *m, u64 ns)
{
	u32 rem;
	u64 s = div_u64_rem(ns, NSEC_PER_SEC, &rem);

	seq_printf(m, "%llu.%03u", s, (u32)(rem / NSEC_PER_MSEC));
}

/**
 * ms_hooks_seq_status() - the first lines of a hooks view
 * @m: the view being shown
 * @g: the view's hook group
 * @view: the view's name, the word that sets its mark in the "mark" file
 * @mark_ns: ktime_get_ns() of the view's mark
 *
 * Prints whether @g is on, which of its tracepoints this kernel lacks or
 * refused, and the time since load and since the mark.
 *
 * Context: process context, from a view's show function, which holds its
 * own view lock (ms_alloc_lock, ms_reclaim_lock or ms_sv_lock). Takes
 * ms_hooks_lock, so it is never called with ms_hooks_lock held.
 */
void ms_hooks_seq_status(struct seq_file *m, struct ms_hook_group *g,
			 const char *view, u64 mark_ns)
{
	unsigned int i, missing = 0, failed = 0;
	u64 now = ktime_get_ns();

	mutex_lock(&ms_hooks_lock);
	if (g->on)
		seq_printf(m, "# %s on", g->param);
	else
		seq_printf(m, "# %s off: counters stand still (write 1 to /sys/module/memscope/parameters/%s)",
			   g->param, g->param);
	if (!IS_ENABLED(CONFIG_TRACEPOINTS)) {
		seq_puts(m, "; kernel without CONFIG_TRACEPOINTS: nothing can be hooked\n");
	} else {
		seq_puts(m, "; tracepoints missing:");
		for (i = 0; i < g->nr_hooks; i++) {
			if (g->hooks[i].tp && g->hooks[i].probe)
				continue;
			seq_printf(m, " %s", g->hooks[i].name);
			missing++;
		}
		if (!missing)
			seq_puts(m, " none");
		for (i = 0; g->on && i < g->nr_hooks; i++) {
			if (!g->hooks[i].tp || !g->hooks[i].probe || g->hooks[i].attached)
				continue;
			seq_printf(m, "%s %s", failed++ ? "" : "; failed to attach:",
				   g->hooks[i].name);
		}
		seq_putc(m, '\n');
	}
	mutex_unlock(&ms_hooks_lock);
	seq_puts(m, "# since load ");
	ms_seq_secs(m, now - ms_hooks_load_ns);
	seq_puts(m, " s, since mark ");
	ms_seq_secs(m, now - mark_ns);
	seq_printf(m, " s (echo %s > mark sets the mark)\n", view);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope: the debugfs views, listed once (views.c).
 *
 * A view is a show function that prints the whole file (seq_file, one
 * single_open() per open); views.c creates every file from its table, with
 * its mode, and owns the one writable file, "mark", and what kernel
 * lockdown leaves of them. A new view is a show function here and a line
 * in that table.
 */
#ifndef _MEMSCOPE_VIEWS_H
#define _MEMSCOPE_VIEWS_H

struct dentry;
struct seq_file;

/* Each prints its view; the argument is unused. Process context; may sleep. */
int ms_buddy_show(struct seq_file *m, void *unused);
int ms_pagetypes_show(struct seq_file *m, void *unused);
int ms_reserved_show(struct seq_file *m, void *unused);
int ms_pressure_show(struct seq_file *m, void *unused);
int ms_alloc_show(struct seq_file *m, void *unused);
int ms_reclaim_show(struct seq_file *m, void *unused);
int ms_slab_show(struct seq_file *m, void *unused);
int ms_events_show(struct seq_file *m, void *unused);
int ms_history_show(struct seq_file *m, void *unused);

/* main.c: once init can no longer fail. */
void ms_views_publish(struct dentry *dir);

#endif /* _MEMSCOPE_VIEWS_H */

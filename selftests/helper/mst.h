/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope_test: command handlers of the test helper, one file per kind of
 * known allocation. Each handler returns -ENOIOCTLCMD for a verb that is
 * not its own, so main.c can offer a command to every handler in turn.
 */
#ifndef _MST_H
#define _MST_H

/* The buddy order count, as memscope defines it (module/compat/orders.h). */
#include "compat/orders.h"

struct seq_file;

struct mst_handler {
	const char *name;
	/* Run VERB with ARGS (NULL when none); 0 or -errno. */
	int (*run)(const char *verb, char *args);
	/* Describe what is held, one line per item. */
	void (*show)(struct seq_file *m);
	/* Release everything on module unload. */
	void (*release)(void);
};

extern const struct mst_handler mst_pages_handler;
extern const struct mst_handler mst_hog_handler;
extern const struct mst_handler mst_activity_handler;
extern const struct mst_handler mst_hkpages_handler;
extern const struct mst_handler mst_hkslab_handler;
extern const struct mst_handler mst_bench_handler;
extern const struct mst_handler mst_floor_handler;
extern const struct mst_handler mst_h2_handler;

#endif /* _MST_H */

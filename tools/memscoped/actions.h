/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscoped: the rules of the config applied to one record.
 */
#ifndef MEMSCOPED_ACTIONS_H
#define MEMSCOPED_ACTIONS_H

#include <linux/memscope.h>

#include "config.h"
#include "killer.h"
#include "runner.h"

/*
 * For a FIRED record, every rule whose level the record reaches
 * (msd_event_level() >= rule level), and every rule bound to the trigger
 * that fired, acts: kill rules first, because under pressure freeing
 * memory comes before forking a command, then commands. IDS[i] is the
 * device's id of C->triggers[i]. CLEARED records only get logged.
 * Returns the number of actions started.
 */
int msd_actions_apply(const struct msd_config *c, const uint32_t *ids,
		      struct msd_killer *k, struct msd_runner *run,
		      const struct memscope_event *ev);

#endif /* MEMSCOPED_ACTIONS_H */

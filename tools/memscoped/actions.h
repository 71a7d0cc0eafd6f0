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
 * device's id of C->triggers[i].
 *
 * Kill rules choose at most C->victims_per_episode victims (in the order
 * of msd_victims_order()), each after the run-before-kill commands the
 * record reaches. While an episode goes on (msd_killer_ready() false) the
 * record is held instead; a CLEARED record of the held record's trigger
 * drops it. Returns the number of actions started.
 */
int msd_actions_apply(const struct msd_config *c, const uint32_t *ids,
		      struct msd_killer *k, struct msd_runner *run,
		      const struct memscope_event *ev);

/*
 * The held record's kill rules, once the episode is over (call after
 * msd_killer_service()). Returns the number of victims chosen.
 */
int msd_actions_resume(const struct msd_config *c, const uint32_t *ids,
		       struct msd_killer *k, struct msd_runner *run);

#endif /* MEMSCOPED_ACTIONS_H */

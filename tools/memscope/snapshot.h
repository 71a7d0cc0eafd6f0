/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool: one reading of every view a subcommand needs, each
 * parsed, with a flag for the views that could not be read or parsed
 * (a module built without a feature, or a fixture directory that lacks
 * the file). Subcommands show what they have and say what is missing.
 */
#ifndef MEMSCOPE_SNAPSHOT_H
#define MEMSCOPE_SNAPSHOT_H

#include <stdbool.h>

#include "msparse_alloc.h"
#include "msparse_buddy.h"
#include "msparse_events.h"
#include "msparse_pressure.h"
#include "msparse_reclaim.h"
#include "msparse_reserved.h"
#include "msview.h"

/* Which views to read. */
#define MS_VIEW_PRESSURE	0x01
#define MS_VIEW_BUDDY		0x02
#define MS_VIEW_RESERVED	0x04
#define MS_VIEW_RECLAIM		0x08
#define MS_VIEW_ALLOC		0x10
#define MS_VIEW_EVENTS		0x20

struct ms_snapshot {
	unsigned int have;	/* MS_VIEW_* read and parsed */
	struct ms_pressure pressure;
	struct ms_buddy buddy;
	struct ms_reserved reserved;
	struct ms_reclaim reclaim;
	struct ms_alloc alloc;
	struct ms_events events;
	char kernel[64];	/* PROC/sys/kernel/osrelease, or uname -r */
};

/* When set, views that cannot be read are not reported on stderr. */
extern bool ms_snapshot_quiet;

/*
 * Read and parse the views in @want from @roots. Returns the MS_VIEW_*
 * bits that failed; each failure is also reported on stderr.
 */
unsigned int ms_snapshot_load(struct ms_snapshot *s, const struct ms_roots *roots,
			      unsigned int want);

#endif /* MEMSCOPE_SNAPSHOT_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: read each wanted view once and parse it. The views are
 * read one after the other, not atomically: a figure of one view can be a
 * few milliseconds older than one of the next, as with cat.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "msparse_text.h"
#include "snapshot.h"

bool ms_snapshot_quiet;

struct ms_view_reader {
	unsigned int bit;
	const char *name;
	int (*parse)(char *text, struct ms_snapshot *s);
};

static int ms_pressure_into(char *text, struct ms_snapshot *s)
{
	return ms_parse_pressure(text, &s->pressure);
}

static int ms_buddy_into(char *text, struct ms_snapshot *s)
{
	return ms_parse_buddy(text, &s->buddy);
}

static int ms_reserved_into(char *text, struct ms_snapshot *s)
{
	return ms_parse_reserved(text, &s->reserved);
}

static int ms_reclaim_into(char *text, struct ms_snapshot *s)
{
	return ms_parse_reclaim(text, &s->reclaim);
}

static int ms_alloc_into(char *text, struct ms_snapshot *s)
{
	return ms_parse_alloc(text, &s->alloc);
}

static int ms_events_into(char *text, struct ms_snapshot *s)
{
	return ms_parse_events(text, &s->events);
}

static const struct ms_view_reader ms_readers[] = {
	{ MS_VIEW_PRESSURE, "pressure", ms_pressure_into },
	{ MS_VIEW_BUDDY, "buddy", ms_buddy_into },
	{ MS_VIEW_RESERVED, "reserved", ms_reserved_into },
	{ MS_VIEW_RECLAIM, "reclaim", ms_reclaim_into },
	{ MS_VIEW_ALLOC, "alloc", ms_alloc_into },
	{ MS_VIEW_EVENTS, "events", ms_events_into },
};

/* The running kernel's release: from the proc root, so tests can set it. */
static void ms_kernel_release(struct ms_snapshot *s, const char *proc)
{
	struct utsname u;
	char *text, *nl;

	text = ms_read_file(proc, "sys/kernel/osrelease", NULL);
	if (text) {
		nl = strchr(text, '\n');
		if (nl)
			*nl = '\0';
		ms_copy(s->kernel, sizeof(s->kernel), text);
		free(text);
		return;
	}
	ms_copy(s->kernel, sizeof(s->kernel), uname(&u) ? "unknown" : u.release);
}

unsigned int ms_snapshot_load(struct ms_snapshot *s, const struct ms_roots *roots,
			      unsigned int want)
{
	unsigned int failed = 0;
	size_t i;
	char *text;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < ARRAY_SIZE(ms_readers); i++) {
		const struct ms_view_reader *r = &ms_readers[i];

		if (!(want & r->bit))
			continue;
		text = ms_read_file(roots->debugfs, r->name, NULL);
		if (!text) {
			if (!ms_snapshot_quiet)
				fprintf(stderr, "memscope: %s/%s: %s\n", roots->debugfs,
					r->name, strerror(errno));
			failed |= r->bit;
			continue;
		}
		if (r->parse(text, s)) {
			if (!ms_snapshot_quiet)
				fprintf(stderr, "memscope: %s/%s: not the view this tool knows\n",
					roots->debugfs, r->name);
			failed |= r->bit;
		} else {
			s->have |= r->bit;
		}
		free(text);
	}
	ms_kernel_release(s, roots->proc);
	return failed;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope tool: the "events" view, parsed (module/notify_view.c): the
 * last records /dev/memscope queued, oldest first, as words.
 */
#ifndef MEMSCOPE_MSPARSE_EVENTS_H
#define MEMSCOPE_MSPARSE_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "msparse_pressure.h"	/* MS_ZONE_NAME */

/* The view keeps MS_EVENT_LOG_LEN records; the tool keeps the newest ones. */
#define MS_MAX_EVENTS 16
#define MS_EVENT_WORD 12

struct ms_event_row {
	uint64_t time_ms;	/* CLOCK_MONOTONIC */
	unsigned int sub;
	int pid;
	unsigned int trigger;
	char kind[MS_EVENT_WORD];
	char reason[MS_EVENT_WORD];
	char level[MS_EVENT_WORD];
	char zone[MS_ZONE_NAME];	/* "-" for system-wide */
	char zone_level[MS_EVENT_WORD];
	uint64_t value;
};

struct ms_events {
	uint64_t total;		/* records queued since load */
	int nr;			/* rows kept, oldest first */
	struct ms_event_row ev[MS_MAX_EVENTS];
	int nr_subscribers;	/* "subscriber N pid ..." lines: open files */
};

/* Parse @text (cut in place); 0, or -1 without the view's header line. */
int ms_parse_events(char *text, struct ms_events *e);

/* One record row of the view (@line cut in place): true, or false if it is not one. */
bool ms_parse_event_line(char *line, struct ms_event_row *ev);

/*
 * One open file of /dev/memscope as the view lists it: "subscriber ID pid
 * PID uid UID triggers N queued Q read R dropped D waiting W interval_ms
 * I", then one "  trigger ID KIND ... fired yes|no records N" line per
 * trigger.
 */
struct ms_subscriber_row {
	unsigned int id, uid, triggers, waiting;
	int pid;
	uint64_t queued, read, dropped, interval_ms;
	int nr_trigger_lines;
	int first_fired;	/* its first trigger's "fired": 1 yes, 0 no, -1 none */
};

/*
 * The first subscriber of @pid in the view's @text (not cut): 0, or -1
 * when there is none. Lines of 1 KiB or more are not looked at.
 */
int ms_events_subscriber(const char *text, int pid, struct ms_subscriber_row *s);

#endif /* MEMSCOPE_MSPARSE_EVENTS_H */

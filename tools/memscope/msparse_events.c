// SPDX-License-Identifier: GPL-2.0
/*
 * memscope tool: parser of the "events" view. Rows are
 * "TIME_MS SUB PID TRIG KIND REASON LEVEL ZONE ZONE_LEVEL VALUE"; the
 * subscriber list after them ("subscriber N pid P ...") is counted.
 */
#include <string.h>

#include "msparse_events.h"
#include "msparse_text.h"

static int ms_event_of(char **tok, struct ms_event_row *ev)
{
	uint64_t sub, trig;
	int64_t pid;

	if (!ms_parse_u64(tok[0], &ev->time_ms) || !ms_parse_u64(tok[1], &sub) ||
	    !ms_parse_s64(tok[2], &pid) || !ms_parse_u64(tok[3], &trig) ||
	    !ms_parse_u64(tok[9], &ev->value))
		return -1;
	ev->sub = (unsigned int)sub;
	ev->pid = (int)pid;
	ev->trigger = (unsigned int)trig;
	ms_copy(ev->kind, sizeof(ev->kind), tok[4]);
	ms_copy(ev->reason, sizeof(ev->reason), tok[5]);
	ms_copy(ev->level, sizeof(ev->level), tok[6]);
	ms_copy(ev->zone, sizeof(ev->zone), tok[7]);
	ms_copy(ev->zone_level, sizeof(ev->zone_level), tok[8]);
	return 0;
}

/* A record row: ten tokens, not a comment. */
static bool ms_event_row_of(char **tok, int n, struct ms_event_row *ev)
{
	return n == 10 && tok[0][0] != '#' && !ms_event_of(tok, ev);
}

bool ms_parse_event_line(char *line, struct ms_event_row *ev)
{
	char *tok[MS_MAX_TOKENS];
	int n = ms_split(line, tok, MS_MAX_TOKENS);

	return ms_event_row_of(tok, n, ev);
}

int ms_parse_events(char *text, struct ms_events *e)
{
	char *tok[MS_MAX_TOKENS], *line;
	struct ms_event_row ev;
	bool header = false;
	int n;

	memset(e, 0, sizeof(*e));
	while ((line = ms_next_line(&text))) {
		n = ms_split(line, tok, MS_MAX_TOKENS);
		/* "# memscope events: 3 record(s) queued since load, ..." */
		if (n >= 4 && !strcmp(tok[0], "#") && !strcmp(tok[1], "memscope") &&
		    !strcmp(tok[2], "events:")) {
			header = ms_parse_u64(tok[3], &e->total);
			continue;
		}
		if (n >= 1 && !strcmp(tok[0], "subscriber")) {
			e->nr_subscribers++;
			continue;
		}
		if (!ms_event_row_of(tok, n, &ev))
			continue;
		if (e->nr == MS_MAX_EVENTS) {
			memmove(&e->ev[0], &e->ev[1], sizeof(e->ev[0]) * (MS_MAX_EVENTS - 1));
			e->nr--;
		}
		e->ev[e->nr++] = ev;
	}
	return header ? 0 : -1;
}

/* "subscriber ID pid PID uid UID ...": the pairs read by name. */
static bool ms_subscriber_of(char **tok, int n, struct ms_subscriber_row *s)
{
	uint64_t id, uid, triggers, waiting;
	int64_t pid;

	if (n < 2 || strcmp(tok[0], "subscriber") || !ms_parse_u64(tok[1], &id))
		return false;
	memset(s, 0, sizeof(*s));
	s->first_fired = -1;
	for (int i = 2; i + 1 < n; i += 2) {
		const char *k = tok[i], *v = tok[i + 1];

		if (!strcmp(k, "pid") && ms_parse_s64(v, &pid))
			s->pid = (int)pid;
		else if (!strcmp(k, "uid") && ms_parse_u64(v, &uid))
			s->uid = (unsigned int)uid;
		else if (!strcmp(k, "triggers") && ms_parse_u64(v, &triggers))
			s->triggers = (unsigned int)triggers;
		else if (!strcmp(k, "waiting") && ms_parse_u64(v, &waiting))
			s->waiting = (unsigned int)waiting;
		else if (!strcmp(k, "queued"))
			ms_parse_u64(v, &s->queued);
		else if (!strcmp(k, "read"))
			ms_parse_u64(v, &s->read);
		else if (!strcmp(k, "dropped"))
			ms_parse_u64(v, &s->dropped);
		else if (!strcmp(k, "interval_ms"))
			ms_parse_u64(v, &s->interval_ms);
	}
	s->id = (unsigned int)id;
	return true;
}

int ms_events_subscriber(const char *text, int pid, struct ms_subscriber_row *s)
{
	char line[1024], *tok[MS_MAX_TOKENS];
	const char *p, *eol;
	bool mine = false;
	int n;

	for (p = text; p && *p; p = *eol ? eol + 1 : NULL) {
		eol = p + strcspn(p, "\n");
		if ((size_t)(eol - p) >= sizeof(line))
			continue;
		memcpy(line, p, (size_t)(eol - p));
		line[eol - p] = '\0';
		n = ms_split(line, tok, MS_MAX_TOKENS);
		if (n >= 1 && !strcmp(tok[0], "subscriber")) {
			if (mine)
				break;
			mine = ms_subscriber_of(tok, n, s) && s->pid == pid;
			continue;
		}
		if (!mine || n < 2 || strcmp(tok[0], "trigger"))
			continue;
		/* "trigger ID KIND zone Z level L ... fired yes|no records N" */
		if (!s->nr_trigger_lines++)
			for (int i = 2; i + 1 < n; i++)
				if (!strcmp(tok[i], "fired"))
					s->first_fired = !strcmp(tok[i + 1], "yes");
	}
	return mine ? 0 : -1;
}

// SPDX-License-Identifier: GPL-2.0
/* memscope tool: intervals and durations on the command line. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "duration.h"

bool ms_parse_duration(const char *s, uint64_t *ms)
{
	double x, unit = 1000;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	x = strtod(s, &end);
	if (!strcmp(end, "ms"))
		unit = 1;
	else if (!strcmp(end, "m"))
		unit = 60000;
	else if (strcmp(end, "s") && *end)
		return false;
	x *= unit;
	/* A day is far beyond any recording a small board can hold. */
	if (x < 1 || x > 86400000.0)
		return false;
	*ms = (uint64_t)(x + 0.5);
	return true;
}

uint64_t ms_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

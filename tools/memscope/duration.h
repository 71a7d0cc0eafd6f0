/* SPDX-License-Identifier: GPL-2.0 */
/* memscope tool: "100ms", "1.5s", "2m" and bare seconds as milliseconds. */
#ifndef MEMSCOPE_DURATION_H
#define MEMSCOPE_DURATION_H

#include <stdbool.h>
#include <stdint.h>

/*
 * @s as milliseconds: a decimal number with "ms", "s", "m" or no suffix
 * (seconds, as vmstat's interval). False for anything else or below 1 ms.
 */
bool ms_parse_duration(const char *s, uint64_t *ms);

/* CLOCK_MONOTONIC in ms, the clock of the views and of /dev/memscope. */
uint64_t ms_now_ms(void);

#endif /* MEMSCOPE_DURATION_H */

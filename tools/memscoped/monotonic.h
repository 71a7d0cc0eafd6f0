/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscoped: CLOCK_MONOTONIC in nanoseconds, the clock the kernel stamps
 * records with, so deadlines and record ages use one time base.
 */
#ifndef MEMSCOPED_MONOTONIC_H
#define MEMSCOPED_MONOTONIC_H

#include <stdint.h>
#include <time.h>

static inline uint64_t msd_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

#endif /* MEMSCOPED_MONOTONIC_H */

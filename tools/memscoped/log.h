/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscoped: where log lines go. One line per call; stderr until a
 * destination is opened.
 */
#ifndef MEMSCOPED_LOG_H
#define MEMSCOPED_LOG_H

enum msd_prio { MSD_ERR, MSD_WARN, MSD_INFO };

/*
 * DEST: "stderr", "stdout", "syslog" (syslog(3), facility daemon) or the
 * path of a file to append to. 0 or -errno; on error the previous
 * destination stays.
 */
int msd_log_open(const char *dest);
void msd_log_close(void);

void msd_log(enum msd_prio prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define msd_err(...)	msd_log(MSD_ERR, __VA_ARGS__)
#define msd_warn(...)	msd_log(MSD_WARN, __VA_ARGS__)
#define msd_info(...)	msd_log(MSD_INFO, __VA_ARGS__)

#endif /* MEMSCOPED_LOG_H */

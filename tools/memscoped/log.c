// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped: log lines to a stream, a file or syslog.
 *
 * File and terminal lines start with a UTC timestamp. Under systemd
 * (JOURNAL_STREAM set) stderr lines start with a "<N>" priority instead,
 * which journald understands and which keeps its own timestamp.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

enum msd_log_kind { LOG_TO_STREAM, LOG_TO_SYSLOG };

static enum msd_log_kind log_kind = LOG_TO_STREAM;
static FILE *log_stream;	/* NULL: stderr */
static int log_owns_stream;	/* a file we opened and must close */
static int log_journal;		/* "<N>" priority prefixes */

static void log_release(void)
{
	if (log_owns_stream && log_stream)
		fclose(log_stream);
	if (log_kind == LOG_TO_SYSLOG)
		closelog();
	log_stream = NULL;
	log_owns_stream = 0;
	log_kind = LOG_TO_STREAM;
	log_journal = 0;
}

int msd_log_open(const char *dest)
{
	FILE *f;
	int fd;

	if (!strcmp(dest, "syslog")) {
		log_release();
		openlog("memscoped", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		log_kind = LOG_TO_SYSLOG;
		return 0;
	}
	if (!strcmp(dest, "stderr") || !strcmp(dest, "stdout")) {
		log_release();
		log_stream = strcmp(dest, "stdout") ? stderr : stdout;
		log_journal = getenv("JOURNAL_STREAM") != NULL;
		return 0;
	}
	fd = open(dest, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "a");
	if (!f) {
		int err = errno;

		close(fd);
		return -err;
	}
	log_release();
	log_stream = f;
	log_owns_stream = 1;
	return 0;
}

void msd_log_close(void)
{
	log_release();
}

void msd_log(enum msd_prio prio, const char *fmt, ...)
{
	static const int syslog_prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO };
	static const char *const prefix[] = { "error: ", "warning: ", "" };
	FILE *out = log_stream ? log_stream : stderr;
	char msg[1024], stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (log_kind == LOG_TO_SYSLOG) {
		syslog(syslog_prio[prio], "%s%s", prefix[prio], msg);
		return;
	}
	if (log_journal) {
		fprintf(out, "<%d>%s%s\n", syslog_prio[prio], prefix[prio], msg);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(out, "%s.%03ldZ memscoped[%d]: %s%s\n", stamp,
			ts.tv_nsec / 1000000, (int)getpid(), prefix[prio], msg);
	}
	/* Lines must reach the file before a crash or a kill, not at exit. */
	fflush(out);
}

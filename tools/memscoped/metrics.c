// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped: Prometheus textfile writer.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "event.h"
#include "metrics.h"

void msd_metrics_count_event(struct msd_metrics *m, const struct memscope_event *ev,
			     double now)
{
	m->events[msd_reason_index(ev->reason)][msd_event_level(ev)]
		 [msd_kind_index(ev->kind)]++;
	m->dropped += ev->dropped;
	m->have_event = true;
	m->level = ev->level < MSD_NR_LEVELS ? ev->level : MEMSCOPE_LEVEL_OOM;
	m->available_bytes = ev->available_bytes;
	m->free_bytes = ev->free_bytes;
	m->last_event_time = now;
}

static void header(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void plain(FILE *out, const char *name, const char *type, const char *help,
		  uint64_t value)
{
	header(out, name, type, help);
	fprintf(out, "%s %" PRIu64 "\n", name, value);
}

int msd_metrics_format(const struct msd_metrics *m, FILE *out)
{
	header(out, "memscope_events_total", "counter",
	       "Records read from /dev/memscope, by reason, pressure level and trigger kind.");
	for (unsigned int r = 0; r < MSD_NR_REASONS; r++)
		for (unsigned int l = 0; l < MSD_NR_LEVELS; l++)
			for (unsigned int k = 0; k < MSD_NR_KINDS; k++)
				if (m->events[r][l][k])
					fprintf(out, "memscope_events_total{reason=\"%s\",level=\"%s\",kind=\"%s\"} %" PRIu64 "\n",
						msd_reason_name(r), msd_level_name(l),
						msd_kind_name(k), m->events[r][l][k]);
	plain(out, "memscope_dropped_records_total", "counter",
	      "Records the kernel dropped because memscoped's queue was full.", m->dropped);
	plain(out, "memscope_kills_total", "counter",
	      "Processes memscoped sent SIGTERM to.", m->kills);
	plain(out, "memscope_sigkills_total", "counter",
	      "Processes still alive after the grace period, sent SIGKILL.", m->sigkills);
	plain(out, "memscope_mreleases_total", "counter",
	      "Killed processes whose memory process_mrelease() freed at once.", m->mreleases);
	plain(out, "memscope_dry_run_kills_total", "counter",
	      "Kills a dry run logged instead of doing.", m->dry_run_kills);
	plain(out, "memscope_commands_total", "counter",
	      "Commands memscoped started.", m->commands);
	plain(out, "memscope_command_failures_total", "counter",
	      "Commands that could not start or did not exit with status 0.",
	      m->command_failures);
	if (m->have_event) {
		plain(out, "memscope_level", "gauge",
		      "System pressure level in the latest record (0 none, 1 low, 2 medium, 3 critical, 4 oom).",
		      m->level);
		plain(out, "memscope_available_bytes", "gauge",
		      "Available memory (MemAvailable estimate) in the latest record.",
		      m->available_bytes);
		plain(out, "memscope_free_bytes", "gauge",
		      "Usable free memory in the latest record.", m->free_bytes);
		header(out, "memscope_last_event_timestamp_seconds", "gauge",
		       "When memscoped read the latest record (seconds since the epoch).");
		fprintf(out, "memscope_last_event_timestamp_seconds %.3f\n", m->last_event_time);
	}
	return ferror(out) ? -EIO : 0;
}

int msd_metrics_write(const struct msd_metrics *m, const char *path)
{
	return msd_metrics_write_with(m, path, NULL, NULL);
}

int msd_metrics_write_with(const struct msd_metrics *m, const char *path,
			   int (*extra)(FILE *out, void *ctx), void *ctx)
{
	char tmp[4096];
	FILE *f;
	int fd, ret;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		close(fd);
		unlink(tmp);
		return ret;
	}
	ret = msd_metrics_format(m, f);
	if (!ret && extra)
		ret = extra(f, ctx);
	/* fclose() flushes: a full disk shows up here. */
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

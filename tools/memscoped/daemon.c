// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped: set-up, event loop, reload and shutdown.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "actions.h"
#include "daemon.h"
#include "device.h"
#include "event.h"
#include "killer.h"
#include "log.h"
#include "metrics.h"
#include "monotonic.h"
#include "runner.h"
#include "sdnotify.h"
#include "state.h"

#define READ_BUF_SIZE	(64 * MEMSCOPE_EVENT_SIZE_V1)

struct msd_daemon {
	const char *config_path;
	struct msd_config *cfg;
	uint32_t ids[MSD_MAX_TRIGGERS];	/* device id of cfg->triggers[i] */
	int dev;
	int sigfd;
	uint64_t last_seq;
	struct msd_metrics metrics;
	struct msd_metrics written;	/* what the textfile holds */
	int textfile_err;		/* last write error, to log it once */
	uint64_t next_textfile_ns;	/* the next periodic rewrite */
	struct msd_killer killer;
	struct msd_runner runner;
	bool force_dry_run;		/* -n: whatever the config says */
	uint64_t watchdog_ns;		/* WATCHDOG=1 every this often, 0: never */
	uint64_t next_watchdog_ns;
	char status[160];		/* the last STATUS= sent */
	unsigned char buf[READ_BUF_SIZE];
};

static double realtime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "NAME: CONDITION" or "CONDITION" of the trigger with device id ID, or NULL. */
static const char *trigger_label(const struct msd_daemon *d, uint32_t id, char *buf,
				 size_t len)
{
	for (unsigned int i = 0; i < d->cfg->ntriggers; i++) {
		const struct msd_trigger_cfg *t = &d->cfg->triggers[i];

		if (d->ids[i] != id)
			continue;
		snprintf(buf, len, "%s%s%s", t->name, t->name[0] ? ": " : "", t->text);
		return buf;
	}
	return NULL;
}

static void write_textfile(struct msd_daemon *d, bool force)
{
	int ret;

	if (!d->cfg->textfile[0])
		return;
	if (!force && !memcmp(&d->metrics, &d->written, sizeof(d->metrics)))
		return;
	/*
	 * The module's state is read at each write: its gauges are current,
	 * and the heartbeat in it moves even when no record arrives. A new
	 * level in the records is read now, not up to a second later.
	 */
	if (d->metrics.have_event && (!d->written.have_event ||
				      d->metrics.level != d->written.level))
		msd_state_invalidate();
	ret = msd_metrics_write_with(&d->metrics, d->cfg->textfile,
				     d->cfg->debugfs[0] ? msd_state_write : NULL,
				     d->cfg->debugfs);
	if (ret) {
		if (ret != d->textfile_err)
			msd_err("textfile %s: %s", d->cfg->textfile, strerror(-ret));
		d->textfile_err = ret;
		return;
	}
	if (d->textfile_err)
		msd_info("textfile %s: written again", d->cfg->textfile);
	d->textfile_err = 0;
	d->written = d->metrics;
}

/* The service manager's one-line status, sent when it changes. */
static void update_status(struct msd_daemon *d)
{
	const struct msd_metrics *m = &d->metrics;
	char status[sizeof(d->status)];

	if (d->cfg->dry_run)
		snprintf(status, sizeof(status), "dry run: %u triggers; level %s; %llu kills logged only",
			 d->cfg->ntriggers, m->have_event ? msd_level_name(m->level) : "none",
			 (unsigned long long)m->dry_run_kills);
	else
		snprintf(status, sizeof(status), "%u triggers; level %s; %llu kills, %llu SIGKILLs",
			 d->cfg->ntriggers, m->have_event ? msd_level_name(m->level) : "none",
			 (unsigned long long)m->kills, (unsigned long long)m->sigkills);
	if (!strcmp(status, d->status))
		return;
	memcpy(d->status, status, sizeof(status));
	msd_notifyf("STATUS=%s", status);
}

static void apply_kill_settings(struct msd_daemon *d)
{
	if (d->force_dry_run)
		d->cfg->dry_run = true;
	d->killer.grace_ms = d->cfg->kill_grace_ms;
	d->killer.cooldown_ms = d->cfg->kill_cooldown_ms;
	d->killer.dry_run = d->cfg->dry_run;
}

static void handle_record(struct msd_daemon *d, const struct memscope_event *ev,
			  uint64_t now)
{
	uint64_t ts = ev->timestamp_ns, age = now > ts ? now - ts : 0;
	char line[768], label[MSD_NAME_MAX + MSD_LINE_MAX];

	/* Dropped records used up their sequence numbers: that gap is known. */
	if (d->last_seq && ev->seq != d->last_seq + 1 + ev->dropped)
		msd_warn("record #%llu follows #%llu with %llu dropped: sequence gap",
			 (unsigned long long)ev->seq, (unsigned long long)d->last_seq,
			 (unsigned long long)ev->dropped);
	d->last_seq = ev->seq;
	if (ev->dropped)
		msd_warn("the kernel dropped %llu records before #%llu (memscoped's queue was full)",
			 (unsigned long long)ev->dropped, (unsigned long long)ev->seq);
	msd_event_summary(ev, trigger_label(d, ev->trigger_id, label, sizeof(label)), line,
			  sizeof(line));
	msd_info("event [%5" PRIu64 ".%06" PRIu64 "] %s; read %" PRIu64 ".%03" PRIu64 " ms later",
		 ts / 1000000000, ts / 1000 % 1000000, line, age / 1000000, age / 1000 % 1000);
	msd_metrics_count_event(&d->metrics, ev, realtime_now());
	msd_actions_apply(d->cfg, d->ids, &d->killer, &d->runner, ev);
}

/* Everything queued, record by record. 0, or -errno if the device failed. */
static int drain_records(struct msd_daemon *d)
{
	struct memscope_event ev;

	for (;;) {
		ssize_t n = msd_device_read(d->dev, d->buf, sizeof(d->buf));
		uint64_t now = msd_now_ns();
		size_t off = 0;

		if (n == -EAGAIN)
			return 0;
		if (n < 0) {
			msd_err("read %s: %s", d->cfg->device, strerror((int)-n));
			return (int)n;
		}
		if (!n) {
			msd_err("read %s: end of file", d->cfg->device);
			return -EIO;
		}
		while (off < (size_t)n) {
			long size = msd_event_decode(d->buf + off, (size_t)n - off, &ev);

			if (size < 0) {
				msd_err("read %s: %zu bytes that are not a whole record",
					d->cfg->device, (size_t)n - off);
				return -EPROTO;
			}
			handle_record(d, &ev, now);
			off += (size_t)size;
		}
	}
}

static void apply_self_settings(const struct msd_config *c)
{
	char val[16];
	int fd;

	if (c->self_adj_set) {
		snprintf(val, sizeof(val), "%d", c->self_oom_score_adj);
		fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, val, strlen(val)) < 0)
			msd_warn("oom_score_adj %s for memscoped: %s", val, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	/* Page faults in memscoped under pressure would delay it when it matters. */
	if (c->mlock && mlockall(MCL_CURRENT | MCL_FUTURE))
		msd_warn("mlockall: %s: memscoped may be paged out under pressure",
			 strerror(errno));
	/*
	 * A runaway allocator keeps the CPU busy in page faults and reclaim;
	 * on one CPU an ordinary memscoped may get it only after the OOM
	 * killer has run. The lowest real-time priority puts it first (lmkd
	 * does the same); it blocks in poll() the rest of the time. Commands
	 * it forks start as ordinary tasks (SCHED_RESET_ON_FORK).
	 */
	if (c->realtime) {
		struct sched_param sp = { .sched_priority = 1 };

		if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp))
			msd_warn("SCHED_FIFO: %s: memscoped runs at normal priority",
				 strerror(errno));
	}
}

static int open_log(const struct msd_config *c)
{
	int ret = msd_log_open(c->log);

	if (ret)
		msd_err("log %s: %s", c->log, strerror(-ret));
	return ret;
}

/* SIGHUP: a new config replaces the old one only if it loads and subscribes. */
static void reload(struct msd_daemon *d)
{
	struct msd_config *next = malloc(sizeof(*next));
	uint32_t ids[MSD_MAX_TRIGGERS];
	char err[512];

	msd_notifyf("RELOADING=1\nMONOTONIC_USEC=%llu",
		    (unsigned long long)(msd_now_ns() / 1000));
	/* Whatever happens below, the old or the new config is running. */
	d->status[0] = '\0';
	if (!next) {
		msd_err("reload: out of memory; keeping the running configuration");
		msd_notify("READY=1");
		return;
	}
	if (msd_config_load(d->config_path, next, err, sizeof(err))) {
		msd_err("reload: %s; keeping the running configuration", err);
		free(next);
		msd_notify("READY=1");
		return;
	}
	if (strcmp(next->device, d->cfg->device))
		msd_warn("reload: device %s ignored until a restart (still %s)",
			 next->device, d->cfg->device);
	snprintf(next->device, sizeof(next->device), "%s", d->cfg->device);
	if (msd_device_subscribe(d->dev, next, ids)) {
		msd_err("reload: keeping the running configuration");
		if (msd_device_subscribe(d->dev, d->cfg, d->ids))
			msd_err("reload: could not restore the running triggers either");
		free(next);
		msd_notify("READY=1");
		return;
	}
	if (strcmp(next->log, d->cfg->log) || strcmp(next->log, "stderr"))
		open_log(next);	/* also reopens a rotated log file */
	*d->cfg = *next;
	memcpy(d->ids, ids, sizeof(ids));
	/* MEMSCOPE_IOC_CLEAR discarded queued records: expect a gap. */
	d->last_seq = 0;
	/* A held record names a trigger of the old subscription: let it go. */
	d->killer.held_set = false;
	apply_kill_settings(d);
	free(next);
	msd_info("reload: %s: %u triggers, %u rules%s", d->config_path, d->cfg->ntriggers,
		 d->cfg->nrules, d->cfg->dry_run ? ", dry run" : "");
	write_textfile(d, true);
	msd_notify("READY=1");
}

/* 1 to stop, 0 to go on. */
static int handle_signals(struct msd_daemon *d)
{
	struct signalfd_siginfo si;
	int stop = 0;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			msd_info("stopping on %s", si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
			stop = 1;
			break;
		case SIGHUP:
			reload(d);
			break;
		case SIGCHLD:
			msd_runner_reap(&d->runner);
			break;
		}
	}
	return stop;
}

/* The kernel's own account of this descriptor, against memscoped's. */
static void log_device_stats(const struct msd_daemon *d)
{
	struct memscope_stats st;
	int ret = msd_device_stats(d->dev, &st);

	if (ret) {
		msd_warn("MEMSCOPE_IOC_STATS: %s", strerror(-ret));
		return;
	}
	msd_info("%s: %llu records queued, %llu read, %llu dropped", d->cfg->device,
		 (unsigned long long)st.queued, (unsigned long long)st.read,
		 (unsigned long long)st.dropped);
	if (st.dropped != d->metrics.dropped)
		msd_warn("the kernel dropped %llu records, memscoped counted %llu",
			 (unsigned long long)st.dropped, (unsigned long long)d->metrics.dropped);
}

/* The watchdog ping when due; the poll() timeout TIMEOUT shortened to the next. */
static int watchdog(struct msd_daemon *d, int timeout)
{
	uint64_t now = msd_now_ns();
	int until;

	if (!d->watchdog_ns)
		return timeout;
	if (now >= d->next_watchdog_ns) {
		msd_notify("WATCHDOG=1");
		d->next_watchdog_ns = now + d->watchdog_ns;
	}
	until = (int)((d->next_watchdog_ns - now + 999999) / 1000000);
	return timeout < 0 || until < timeout ? until : timeout;
}

/* The periodic rewrite: due now (written), else the ms until it is due. */
static int textfile_timer(struct msd_daemon *d, int timeout)
{
	uint64_t period = (uint64_t)d->cfg->textfile_period_s * 1000000000ull;
	uint64_t now = msd_now_ns();
	int until;

	if (!period || !d->cfg->textfile[0])
		return timeout;
	if (now >= d->next_textfile_ns) {
		write_textfile(d, true);
		d->next_textfile_ns = now + period;
	}
	until = (int)((d->next_textfile_ns - now + 999999) / 1000000);
	return timeout < 0 || until < timeout ? until : timeout;
}

static int event_loop(struct msd_daemon *d)
{
	struct pollfd fds[2 + MSD_MAX_PENDING];

	for (;;) {
		int n, timeout, ret;

		fds[0] = (struct pollfd){ .fd = d->dev, .events = POLLIN | POLLPRI };
		fds[1] = (struct pollfd){ .fd = d->sigfd, .events = POLLIN };
		n = 2 + msd_killer_pollfds(&d->killer, fds + 2, MSD_MAX_PENDING);
		timeout = watchdog(d, msd_killer_timeout_ms(&d->killer, msd_now_ns()));
		timeout = textfile_timer(d, timeout);
		ret = poll(fds, (nfds_t)n, timeout);
		if (ret < 0 && errno != EINTR) {
			msd_err("poll: %s", strerror(errno));
			return 1;
		}
		if (ret > 0 && (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL))) {
			msd_err("%s: poll reports an error (module unloaded?)", d->cfg->device);
			return 1;
		}
		if (ret > 0 && (fds[0].revents & (POLLIN | POLLPRI)) && drain_records(d))
			return 1;
		if (ret > 0 && (fds[1].revents & POLLIN) && handle_signals(d))
			return 0;
		msd_killer_service(&d->killer, msd_now_ns());
		msd_actions_resume(d->cfg, d->ids, &d->killer, &d->runner);
		write_textfile(d, false);
		update_status(d);
	}
}

int msd_daemon_run(const char *config_path, struct msd_config *cfg, bool dry_run)
{
	static struct msd_daemon d;
	sigset_t mask;
	int status = 1;

	d.config_path = config_path;
	d.cfg = cfg;
	d.dev = -1;
	d.force_dry_run = dry_run;
	d.watchdog_ns = msd_watchdog_interval_us() * 1000;
	msd_killer_init(&d.killer, cfg->kill_grace_ms, cfg->kill_cooldown_ms, &d.metrics);
	apply_kill_settings(&d);
	msd_runner_init(&d.runner, &d.metrics);

	/* Signals arrive on a descriptor, in the loop, never in a handler. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, NULL)) {
		msd_err("sigprocmask: %s", strerror(errno));
		return 1;
	}
	/* A log reader that went away is an EPIPE to report, not a death. */
	signal(SIGPIPE, SIG_IGN);
	d.sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d.sigfd < 0) {
		msd_err("signalfd: %s", strerror(errno));
		return 1;
	}
	if (open_log(cfg))
		goto out;
	apply_self_settings(cfg);
	d.dev = msd_device_open(cfg->device);
	if (d.dev < 0)
		goto out;
	if (msd_device_subscribe(d.dev, cfg, d.ids))
		goto out;
	msd_info("running: %u triggers, %u rules, kill grace %u ms, cooldown %u ms%s%s%s",
		 cfg->ntriggers, cfg->nrules, cfg->kill_grace_ms, cfg->kill_cooldown_ms,
		 cfg->dry_run ? ", dry run: kills are only logged" : "",
		 cfg->textfile[0] ? ", textfile " : "", cfg->textfile);
	write_textfile(&d, true);
	d.next_textfile_ns = msd_now_ns() + (uint64_t)cfg->textfile_period_s * 1000000000ull;
	msd_notify("READY=1");
	update_status(&d);
	status = event_loop(&d);
	msd_notify("STOPPING=1");
	log_device_stats(&d);
	write_textfile(&d, false);
	if (d.killer.n)
		msd_info("%d processes were sent SIGTERM and have not exited yet", d.killer.n);
out:
	msd_killer_release(&d.killer);
	if (d.dev >= 0)
		close(d.dev);
	close(d.sigfd);
	msd_info("exiting with status %d", status);
	return status;
}

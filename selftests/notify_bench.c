// SPDX-License-Identifier: GPL-2.0
/*
 * make bench, notifications part: figures, never pass/fail.
 *
 *   notify_bench latency [RUNS]   the memscope_test hog pushes a zone's usable
 *                                 free memory across its low watermark and
 *                                 notes the instant, then goes on at once
 *                                 with kernel allocations until they stall
 *                                 in reclaim; delay from the crossing to a
 *                                 /dev/memscope subscriber's read() (level
 *                                 medium) and to a PSI trigger's POLLPRI
 *                                 (smallest window the kernel takes, 1 us
 *                                 threshold), same hog
 *   notify_bench leadtime [RUNS]  a runaway user-space hog until the OOM
 *                                 killer stops it: in how many runs the
 *                                 critical record was read before the OOM
 *                                 kill, and by how much
 *
 * Times are CLOCK_MONOTONIC inside an emulated guest: compare them only
 * with each other, within one boot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/memscope.h>

#include "msview.h"

#define DEV "/dev/memscope"
#define PARAMS "/sys/module/memscope/parameters/"
#define PSI "/proc/pressure/memory"
#define MAX_RUNS 100

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* Median and p99 (nearest rank) of n values, in place. */
static void stats(const char *what, long long *v, int n)
{
	int p99;

	if (!n) {
		printf("  %-34s no samples\n", what);
		return;
	}
	qsort(v, n, sizeof(*v), cmp_ll);
	p99 = (n * 99 + 99) / 100 - 1;
	printf("  %-34s median %8.3f ms  p99 %8.3f ms  min %8.3f ms  (%d runs)\n", what,
	       v[n / 2] / 1e6, v[p99] / 1e6, v[0] / 1e6, n);
}

/*
 * What a watcher reports, in memory shared with the parent. While the hog
 * holds a zone at its min watermark nothing on this side may allocate: a
 * pipe write needs a page, and failing to get one would end in the OOM
 * killer with the hog's kernel pages out of its reach. So the watchers
 * publish here, and every process of the bench locks its memory.
 */
struct report {
	volatile long long woke_ns;	/* when the watcher woke */
	volatile long long seen_ns;	/* memscope: the record's own timestamp */
	volatile int seq;		/* bumped after each report */
};

/*
 * A child that reports, for every readable event on @fd, the time it woke
 * and (memscope) the record's own timestamp: when the module saw it.
 */
static pid_t watcher(int fd, short events, bool memscope, struct report *out)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	ms_prefault_stack();
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		_exit(4);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		struct memscope_event ev = { 0 };
		long long woke;

		if (poll(&p, 1, -1) < 0)
			_exit(1);
		woke = now_ns();
		if (p.revents & POLLERR)
			_exit(2);
		if (memscope) {
			while (read(fd, &ev, sizeof(ev)) == sizeof(ev))
				;
		} else {
			/* PSI stays readable until the next window; pace it. */
			sleep_ms(10);
		}
		out->woke_ns = woke;
		out->seen_ns = ev.timestamp_ns;
		__atomic_add_fetch(&out->seq, 1, __ATOMIC_RELEASE);
	}
}

/* Wake time of the next report after @*last within @ms, or 0; *seen: record time. */
static long long next_time(struct report *r, int *last, int ms, long long *seen)
{
	long long end = now_ns() + ms * 1000000LL;

	for (;;) {
		int seq = __atomic_load_n(&r->seq, __ATOMIC_ACQUIRE);

		if (seq != *last) {
			*last = seq;
			if (seen)
				*seen = r->seen_ns;
			return r->woke_ns;
		}
		if (now_ns() >= end)
			return 0;
		/* 0.1 ms steps: fine enough for delays of a few ms. */
		nanosleep(&(struct timespec){ 0, 100000 }, NULL);
	}
}

/* Forget reports from before now. */
static void drain(struct report *r, int *last)
{
	*last = __atomic_load_n(&r->seq, __ATOMIC_ACQUIRE);
}

static long long hog_crossed_ns(void)
{
	char *t = ms_slurp(MS_HELPER_CTL), *p;
	long long v = 0;

	if (t && (p = strstr(t, "hog_crossed_ns ")))
		v = atoll(p + strlen("hog_crossed_ns "));
	free(t);
	return v;
}

/* Wait (up to 10 s) for the system level to be back to none. */
static void settle(void)
{
	for (int i = 0; i < 100; i++) {
		char *t = ms_slurp(MS_DEBUGFS "/pressure"), level[16] = "";

		if (t)
			ms_kv_str(t, "system", "level", level, sizeof(level));
		free(t);
		if (!strcmp(level, "none"))
			return;
		sleep_ms(100);
	}
}

static int latency(int runs)
{
	static long long ms_lat[MAX_RUNS], psi_lat[MAX_RUNS], detect[MAX_RUNS];
	int n_ms = 0, n_psi = 0, n_det = 0, devfd, psifd = -1, ms_last = 0, psi_last = 0, ctl;
	struct report *rep;
	long long usable, wlow;
	char scope[48], zone[16], line[96], *t;
	pid_t w1, w2 = 0;
	int node;

	if (!ms_module_loaded("memscope_test") && ms_load_module(MS_HELPER_KO)) {
		perror("memscope_test");
		return 1;
	}
	ms_write_str(PARAMS "hold_ms", "0");
	/* Boosted watermarks would move the line the hog aims at. */
	ms_write_str("/proc/sys/vm/watermark_boost_factor", "0");
	ms_write_str(MS_HELPER_CTL, "hog_release all");
	ms_write_str(MS_HELPER_CTL, "hog_take 1 nowait");
	t = ms_slurp(MS_HELPER_CTL);
	if (!t || sscanf(strstr(t, "hog ") ?: "", "hog %d %15s", &node, zone) != 2) {
		fprintf(stderr, "cannot find the hog's zone\n");
		return 1;
	}
	free(t);
	ms_write_str(MS_HELPER_CTL, "hog_release all");
	snprintf(scope, sizeof(scope), "node%d/%s", node, zone);

	ctl = open(MS_HELPER_CTL, O_WRONLY);
	if (ctl < 0) {
		perror(MS_HELPER_CTL);
		return 1;
	}
	rep = mmap(NULL, 2 * sizeof(*rep), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rep == MAP_FAILED) {
		perror("shared reports");
		return 1;
	}
	devfd = open(DEV, O_RDWR | O_NONBLOCK);
	snprintf(line, sizeof(line), "zone %s node %d level medium", zone, node);
	if (devfd < 0 || write(devfd, line, strlen(line)) < 0) {
		perror(DEV);
		return 1;
	}
	w1 = watcher(devfd, POLLIN, true, &rep[0]);
	psifd = open(PSI, O_RDWR | O_NONBLOCK);
	if (psifd >= 0 && write(psifd, "some 1 500000", 14) == 14)
		w2 = watcher(psifd, POLLPRI, false, &rep[1]);
	else
		printf("  PSI trigger not available (%s): %s\n", PSI, strerror(errno));
	/*
	 * After the forks: locking populates every writable page for writing,
	 * which copies the pages fork() left shared, so no write of ours
	 * faults while the hog holds the zone. Stack grows: fault some in.
	 */
	ms_prefault_stack();
	if (mlockall(MCL_CURRENT | MCL_FUTURE)) {
		perror("mlockall");
		return 1;
	}

	for (int run = 0; run < runs; run++) {
		long long crossed, tm, tp, seen = 0;

		t = ms_slurp(MS_DEBUGFS "/pressure");
		if (!t || ms_kv_get(t, scope, "watermark_pages", "low", &wlow) ||
		    ms_kv_get(t, scope, "usable_free_pages", NULL, &usable)) {
			free(t);
			break;
		}
		free(t);
		settle();
		drain(&rep[0], &ms_last);
		drain(&rep[1], &psi_last);
		/*
		 * Across low (the instant is noted) and, in the same write, on
		 * until reclaim stalls, as a runaway goes on. Until the release
		 * nothing here allocates: no file is opened, nothing is read.
		 */
		snprintf(line, sizeof(line), "hog_cross %lld %lld", wlow, usable);
		if (write(ctl, line, strlen(line)) < 0)
			perror("hog_cross");
		tm = next_time(&rep[0], &ms_last, 2000, &seen);
		tp = w2 ? next_time(&rep[1], &psi_last, 2000, NULL) : 0;
		if (write(ctl, "hog_release all", 15) != 15)
			ms_write_str(MS_HELPER_CTL, "hog_release all");
		crossed = hog_crossed_ns();
		if (crossed && tm > crossed)
			ms_lat[n_ms++] = tm - crossed;
		if (crossed && seen >= crossed)
			detect[n_det++] = seen - crossed;
		if (crossed && tp > crossed)
			psi_lat[n_psi++] = tp - crossed;
		/* Let the PSI window pass. */
		sleep_ms(600);
	}
	printf("notification latency, zone %s, usable free pushed across the low watermark:\n",
	       scope);
	stats("memscope read() after crossing", ms_lat, n_ms);
	stats("  of which until the module saw it", detect, n_det);
	stats("PSI POLLPRI after crossing", psi_lat, n_psi);
	if (n_ms && n_psi)
		printf("  PSI / memscope median: %.1fx\n",
		       (double)psi_lat[n_psi / 2] / (double)ms_lat[n_ms / 2]);
	kill(w1, SIGKILL);
	if (w2)
		kill(w2, SIGKILL);
	while (wait(NULL) > 0)
		;
	ms_write_str(PARAMS "hold_ms", "1000");
	return 0;
}

static int leadtime(int runs)
{
	static long long lead[MAX_RUNS];
	int before = 0, n = 0;

	ms_write_str("/proc/self/oom_score_adj", "-1000");
	for (int run = 0; run < runs; run++) {
		long long t_crit = 0, t_oom = 0, deadline;
		struct memscope_event ev;
		int fd, status;
		pid_t hog;

		settle();
		fd = open(DEV, O_RDWR | O_NONBLOCK);
		if (fd < 0 || write(fd, "level critical", 14) < 0 || write(fd, "oom", 3) < 0) {
			perror(DEV);
			return 1;
		}
		while (read(fd, &ev, sizeof(ev)) > 0)
			;	/* nothing from before this run */
		hog = ms_fork_oom_hog(NULL);
		deadline = now_ns() + 60LL * 1000000000;
		while (!t_oom && now_ns() < deadline) {
			struct pollfd p = { .fd = fd, .events = POLLIN };

			if (poll(&p, 1, 50) != 1)
				continue;
			while (read(fd, &ev, sizeof(ev)) == sizeof(ev)) {
				if (ev.kind == MEMSCOPE_TRIG_LEVEL && !t_crit)
					t_crit = now_ns();	/* arrival at the reader */
				if (ev.kind == MEMSCOPE_TRIG_OOM)
					t_oom = ev.timestamp_ns;	/* just after the kill */
			}
		}
		waitpid(hog, &status, 0);
		close(fd);
		if (t_crit && t_oom && t_crit < t_oom) {
			before++;
			lead[n++] = t_oom - t_crit;
		}
		if (t_crit && t_oom)
			printf("  run %2d: critical %s the OOM kill by %.1f ms\n", run + 1,
			       t_crit < t_oom ? "read before" : "read after",
			       (t_crit < t_oom ? t_oom - t_crit : t_crit - t_oom) / 1e6);
		else
			printf("  run %2d: %s\n", run + 1,
			       t_oom ? "no critical record" : "no OOM kill record");
	}
	printf("lead time before the OOM kill: critical read first in %d of %d runs\n",
	       before, runs);
	stats("lead time (OOM kill - critical read)", lead, n);
	return 0;
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 0;

	if (argc < 2 || (strcmp(argv[1], "latency") && strcmp(argv[1], "leadtime"))) {
		fprintf(stderr, "usage: %s latency|leadtime [RUNS]\n", argv[0]);
		return 2;
	}
	if (runs <= 0 || runs > MAX_RUNS)
		runs = 20;
	setvbuf(stdout, NULL, _IOLBF, 0);
	return strcmp(argv[1], "latency") ? leadtime(runs) : latency(runs);
}

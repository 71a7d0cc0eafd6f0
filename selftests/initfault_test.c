// SPDX-License-Identifier: GPL-2.0
/*
 * initfault_test: memscope's init fails cleanly at every allocation.
 *
 * A file of memscope's that can be opened while its init runs holds a
 * module reference, but a failed init frees the module anyway: closing the
 * file then runs freed code (issue 12, defect 4). So nothing of memscope
 * may be visible until its init can no longer fail.
 *
 * With the kernel's fault injection (failslab, fail_page_alloc), the
 * calling task's Nth allocation fails (/proc/thread-self/fail-nth). A load
 * without a failure counts the allocations of the whole load (what is left
 * of a large fail-nth afterwards); then N steps down from there until the
 * failure lands in the module loader before memscope's init (no memscope
 * message, the load failed). A load takes seconds under KASAN and TCG, and
 * memscope's part of a load is some 150 fault-injection points, so make
 * check takes every STRIDE-th N from an offset that changes from run to
 * run (printed; every N over STRIDE runs), make stress every N. The stride
 * is odd: under kmemleak every other call is kmemleak's own allocation for
 * the one before (tolerated), and an even stride would only ever try one
 * of the two.
 *
 *   MEMSCOPE_INITFAULT_STRIDE   7 (1 with MEMSCOPE_STRESS=full)
 *   MEMSCOPE_INITFAULT_OFFSET   0..STRIDE-1, by default from the clock
 *
 * For every N tried:
 *
 * - a second thread tries to open memscope's debugfs files and
 *   /dev/memscope all along the load; when the load fails, none of its
 *   opens may have succeeded (that is the defect);
 * - a failed load returns an errno and leaves no /sys/module/memscope, no
 *   debugfs directory and no /dev/memscope behind;
 * - the kernel logs no report (KASAN, BUG, WARNING, ...) during the load.
 *
 * Finally a normal load works and leaves memscope loaded for the next
 * programs. Leaks are kmemleak-check's job: the x86_64-debug row runs under
 * it and scans after the last rmmod.
 *
 * The oracle is the kernel's own accounting of the injected failure (a
 * fail-nth consumed or not) and the files the kernel shows.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "msview.h"

#define FAIL_NTH "/proc/thread-self/fail-nth"
#define FI "/sys/kernel/debug/"
#define DEV "/dev/memscope"
/* A fail-nth no load reaches: what is left of it counts the load's calls. */
#define BIG_NTH 1000000
/* Loads one run may make: more means the count never reached the loader. */
#define MAX_LOADS 1500

/* The files a reader could open while a load runs. */
static const char * const paths[] = {
	MS_DEBUGFS "/buddy", MS_DEBUGFS "/pressure", MS_DEBUGFS "/events",
	MS_DEBUGFS "/alloc", DEV,
};

/* Fault-injection knobs this test sets, and their values before it. */
static const char * const knobs[][2] = {
	{ FI "failslab/ignore-gfp-wait", "N" },
	{ FI "failslab/verbose", "0" },
	{ FI "fail_page_alloc/ignore-gfp-wait", "N" },
	{ FI "fail_page_alloc/verbose", "0" },
};
static char saved[4][32];

struct opener {
	pthread_t thread;
	atomic_int loading;	/* cleared by the loader once finit_module() returned */
	int fd;			/* what was opened during the load, or -1 */
	const char *path;
};

static void *opener_fn(void *p)
{
	struct opener *o = p;
	unsigned int i = 0;

	while (atomic_load(&o->loading)) {
		const char *path = paths[i++ % (sizeof(paths) / sizeof(paths[0]))];
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			o->fd = fd;
			o->path = path;
			break;
		}
	}
	return NULL;
}

/* Kernel log records from /dev/kmsg since the last call, appended to buf. */
static void kmsg_drain(int kfd, char *buf, size_t size)
{
	size_t len = strlen(buf);
	char rec[2048];
	ssize_t n;

	for (;;) {
		n = read(kfd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on with the next */
		if (n <= 0)
			return;
		rec[n] = '\0';
		if (len + n + 1 < size) {
			memcpy(buf + len, rec, n + 1);
			len += n;
		}
	}
}

static const char * const reports[] = {
	"BUG:", "WARNING:", "KASAN", "UBSAN", "Oops", "general protection",
	"list_add corruption", "list_del corruption", "kernel BUG", "INFO: ",
	"Kernel memory leak detector disabled",
};

static const char *kernel_report(const char *log)
{
	unsigned int i;

	for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++)
		if (strstr(log, reports[i]))
			return reports[i];
	return NULL;
}

struct load {
	int ret;		/* 0 or -errno of finit_module() */
	unsigned int left;	/* fail-nth afterwards: 0 once the failure was injected */
	bool init_ran;		/* memscope's init ran (loaded, or said it failed) */
	const char *report;	/* a kernel report in the log, or NULL */
	int open_fd;		/* a file opened during the load, or -1 */
	const char *open_path;
	char log[16384];
};

/*
 * One finit_module() with the calling thread's nth allocation failing (0:
 * none), while a second thread tries to open memscope's files.
 */
static int load_with_fail_nth(int nfd, int kfd, int mfd, unsigned int nth, struct load *l)
{
	struct opener o = { .fd = -1 };
	char num[32];
	ssize_t n;
	int ret;

	memset(l, 0, sizeof(*l));
	lseek(kfd, 0, SEEK_END);
	atomic_store(&o.loading, 1);
	if (pthread_create(&o.thread, NULL, opener_fn, &o))
		return -EAGAIN;
	snprintf(num, sizeof(num), "%u", nth);
	/* Nothing between these writes and finit_module() may allocate. */
	if (nth && pwrite(nfd, num, strlen(num), 0) < 0) {
		ret = -errno;
		atomic_store(&o.loading, 0);
		pthread_join(o.thread, NULL);
		return ret;
	}
	ret = syscall(SYS_finit_module, mfd, "", 0);
	l->ret = ret ? -errno : 0;
	n = pread(nfd, num, sizeof(num) - 1, 0);
	/* Whatever was not consumed must not hit this test's own calls. */
	if (pwrite(nfd, "0", 1, 0) < 0)
		return -errno;
	atomic_store(&o.loading, 0);
	pthread_join(o.thread, NULL);
	if (n <= 0)
		return -EIO;
	num[n] = '\0';
	l->left = strtoul(num, NULL, 10);
	l->open_fd = o.fd;
	l->open_path = o.path;
	kmsg_drain(kfd, l->log, sizeof(l->log));
	l->report = kernel_report(l->log);
	l->init_ran = !l->ret || (strstr(l->log, "memscope: ") &&
				  strstr(l->log, " failed to start ("));
	return 0;
}

static int set_knobs(bool save)
{
	unsigned int i;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		if (save) {
			char *v = ms_slurp(knobs[i][0]);

			if (!v)
				return -errno;
			snprintf(saved[i], sizeof(saved[i]), "%.*s",
				 (int)strcspn(v, "\n"), v);
			free(v);
		}
		if (ms_write_str(knobs[i][0], save ? knobs[i][1] : saved[i]))
			return -EIO;
	}
	return 0;
}

static unsigned int env_uint(const char *name, unsigned int def)
{
	const char *s = getenv(name);

	return s && *s ? strtoul(s, NULL, 10) : def;
}

static bool stress_full(void)
{
	const char *s = getenv("MEMSCOPE_STRESS");

	return s && !strcmp(s, "full");
}

/* The kernel facts this test needs, or the reason it skips. */
static const char *no_fault_injection(void)
{
	int c = ms_kconfig("CONFIG_FAULT_INJECTION");

	if (c == 'n' || (c < 0 && access(FAIL_NTH, F_OK)))
		return "kernel without CONFIG_FAULT_INJECTION";
	c = ms_kconfig("CONFIG_FAILSLAB");
	if (c == 'n' || (c < 0 && access(FI "failslab", F_OK)))
		return "kernel without CONFIG_FAILSLAB";
	c = ms_kconfig("CONFIG_FAULT_INJECTION_DEBUG_FS");
	if (c == 'n' || (c < 0 && access(FI "fail_page_alloc", F_OK)))
		return "kernel without CONFIG_FAULT_INJECTION_DEBUG_FS";
	return NULL;
}

/* No per-case state: a fixture only for TEST_F_TIMEOUT (loads are slow under KASAN). */
FIXTURE(fi) {
	int unused;
};

FIXTURE_SETUP(fi)
{
}

FIXTURE_TEARDOWN(fi)
{
}

TEST_F_TIMEOUT(fi, every_init_allocation_fails_cleanly, 1200)
{
	long long t0 = ms_now_ms();
	unsigned int nth, total, loads = 0, failed = 0, loaded = 0, stride, offset;
	const char *why = no_fault_injection();
	int nfd, kfd, mfd;
	struct load *l;

	if (why)
		SKIP(return, "%s", why);
	stride = env_uint("MEMSCOPE_INITFAULT_STRIDE", stress_full() ? 1 : 7);
	ASSERT_LT(0, stride);
	offset = env_uint("MEMSCOPE_INITFAULT_OFFSET", time(NULL) % stride);
	ASSERT_GT(stride, offset);
	l = malloc(sizeof(*l));
	ASSERT_TRUE(l != NULL);
	if (ms_module_loaded("memscope_test"))
		ASSERT_EQ(0, ms_unload_module("memscope_test"));
	if (ms_module_loaded("memscope"))
		ASSERT_EQ(0, ms_unload_module("memscope"));
	nfd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, nfd);
	kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, kfd);
	mfd = open(MS_MEMSCOPE_KO, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, set_knobs(true));

	/*
	 * The whole load's count. memscope was loaded once at boot: the
	 * caches a first load fills are filled.
	 */
	ASSERT_EQ(0, load_with_fail_nth(nfd, kfd, mfd, BIG_NTH, l));
	ASSERT_EQ(0, l->ret);
	if (l->open_fd >= 0)
		close(l->open_fd);
	ASSERT_EQ(0, ms_unload_module("memscope"));
	total = BIG_NTH - l->left;
	ms_oracle("fail-nth consumption, debugfs and /dev as the kernel shows them");
	TH_LOG("a whole load makes %u fault-injection calls; MEMSCOPE_INITFAULT_STRIDE=%u MEMSCOPE_INITFAULT_OFFSET=%u",
	       total, stride, offset);

	for (nth = total; nth >= 1 && loads < MAX_LOADS; nth--) {
		if (nth % stride != offset)
			continue;
		loads++;
		ASSERT_EQ(0, load_with_fail_nth(nfd, kfd, mfd, nth, l));
		TH_LOG("fail-nth %u: %d, %s, %lld ms", nth, l->ret,
		       l->init_ran ? "init ran" : "init did not run", ms_now_ms() - t0);
		if (l->report)
			TH_LOG("fail-nth %u: kernel report \"%s\":\n%s", nth, l->report, l->log);
		EXPECT_TRUE(l->report == NULL);
		if (l->ret) {
			failed++;
			/* The defect: a file of a module whose init failed. */
			if (l->open_fd >= 0)
				TH_LOG("fail-nth %u: %s was opened during a load that failed (%d)",
				       nth, l->open_path, l->ret);
			EXPECT_EQ(-1, l->open_fd);
			EXPECT_EQ(0, l->left);
			EXPECT_FALSE(ms_module_loaded("memscope"));
			EXPECT_NE(0, access(MS_DEBUGFS, F_OK));
			EXPECT_NE(0, access(DEV, F_OK));
		}
		/* An open file holds the module: closed before any rmmod. */
		if (l->open_fd >= 0)
			close(l->open_fd);
		if (!l->ret) {
			loaded++;
			ASSERT_EQ(0, ms_unload_module("memscope"));
		}
		if (_metadata->passed == 0 || !l->init_ran)
			break;
	}
	TH_LOG("%u loads in %lld s: %u failed, %u loaded; the last failed in the module loader at fail-nth %u",
	       loads, (ms_now_ms() - t0) / 1000, failed, loaded, nth);
	/* The count went all the way down to the loader, through init. */
	EXPECT_LT(loads, MAX_LOADS);
	EXPECT_FALSE(l->init_ran);
	EXPECT_LT(0, failed);

	ASSERT_EQ(0, set_knobs(false));
	/* A normal load works, and stays for the programs after this one. */
	ASSERT_EQ(0, ms_load_module(MS_MEMSCOPE_KO));
	EXPECT_EQ(0, access(MS_DEBUGFS "/buddy", R_OK));
	EXPECT_EQ(0, access(DEV, F_OK));
	close(mfd);
	close(kfd);
	close(nfd);
	free(l);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/memscope: every ioctl and text command, good and bad; records,
 * poll, O_NONBLOCK, fasync, queue overflow with drop counts, intervals,
 * limits and permissions; level events under a real hog arriving in
 * order and before the OOM killer acts; zone headroom and order triggers
 * firing once per crossing under the helper's hog; and a thousand
 * subscribers each woken.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/memscope.h>

#include "kselftest_harness.h"
#include "msview.h"

#define DEV "/dev/memscope"

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* An address with nothing mapped behind it, unknown to the compiler. */
static void *bad_ptr(void)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(p, 4096);
	return p;
}

static int cmd(int fd, const char *line)
{
	return write(fd, line, strlen(line)) == (ssize_t)strlen(line) ? 0 : -errno;
}

/* Wait up to @ms for a record; 1 if readable. */
static int wait_record(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLPRI };
	int n = poll(&p, 1, ms);

	return n == 1 && (p.revents & (POLLIN | POLLPRI)) == (POLLIN | POLLPRI);
}

static unsigned long long meminfo_kb(const char *key)
{
	char *t = ms_slurp("/proc/meminfo"), *p;
	unsigned long long v = 0;

	if (!t)
		return 0;
	p = strstr(t, key);
	if (p)
		v = strtoull(p + strlen(key), NULL, 10);
	free(t);
	return v;
}

TEST(version_and_bad_ioctls)
{
	int fd = open(DEV, O_RDWR);
	__u32 v = 0;

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ioctl(fd, MEMSCOPE_IOC_VERSION, &v));
	EXPECT_EQ(MEMSCOPE_ABI_VERSION, v);
	EXPECT_EQ(-1, ioctl(fd, _IO(MEMSCOPE_IOC_MAGIC, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, MEMSCOPE_IOC_VERSION, bad_ptr()));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, MEMSCOPE_IOC_ADD, bad_ptr()));
	EXPECT_EQ(EFAULT, errno);
	v = 99;
	EXPECT_EQ(-1, ioctl(fd, MEMSCOPE_IOC_DEL, &v));
	EXPECT_EQ(ENOENT, errno);
	v = 3600001;
	EXPECT_EQ(-1, ioctl(fd, MEMSCOPE_IOC_SET_INTERVAL, &v));
	EXPECT_EQ(ERANGE, errno);
	close(fd);
}

/* A newer, larger stats struct gets what this kernel knows, then zeros. */
TEST(ioctl_stats_into_a_larger_struct)
{
	struct {
		struct memscope_stats s;
		__u64 future[3];
	} bs;
	char small[sizeof(struct memscope_stats) - 4];
	int fd = open(DEV, O_RDWR);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, cmd(fd, "level critical"));
	memset(&bs, 0xff, sizeof(bs));
	ASSERT_EQ(0, ioctl(fd, _IOR(MEMSCOPE_IOC_MAGIC, 0x05, bs), &bs));
	EXPECT_EQ(1, bs.s.triggers);
	EXPECT_EQ(0, bs.future[0] | bs.future[1] | bs.future[2]);
	EXPECT_EQ(-1, ioctl(fd, _IOR(MEMSCOPE_IOC_MAGIC, 0x05, small), small));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST(ioctl_add_sizes_and_fields)
{
	struct {
		struct memscope_trigger t;
		__u64 future[4];
	} big;
	struct memscope_trigger t;
	int fd = open(DEV, O_RDWR);
	__u32 id;

	ASSERT_GE(fd, 0);
	memset(&t, 0, sizeof(t));
	t.size = sizeof(t);
	t.kind = MEMSCOPE_TRIG_LEVEL;
	t.level = MEMSCOPE_LEVEL_CRITICAL;
	ASSERT_EQ(0, ioctl(fd, MEMSCOPE_IOC_ADD, &t));
	EXPECT_EQ(1, t.id);
	ASSERT_EQ(0, ioctl(fd, MEMSCOPE_IOC_ADD, &t));
	EXPECT_EQ(2, t.id);

	t.size = MEMSCOPE_TRIGGER_SIZE_V1 - 8;
	EXPECT_EQ(-1, ioctl(fd, MEMSCOPE_IOC_ADD, &t));
	EXPECT_EQ(EINVAL, errno);
	t.size = 1 << 20;
	EXPECT_EQ(-1, ioctl(fd, MEMSCOPE_IOC_ADD, &t));
	EXPECT_EQ(E2BIG, errno);

	/* A future, larger struct: fine while its new fields are zero. */
	memset(&big, 0, sizeof(big));
	big.t = t;
	big.t.size = sizeof(big);
	EXPECT_EQ(0, ioctl(fd, MEMSCOPE_IOC_ADD, &big));
	/* The number a newer header computes from its larger struct. */
	EXPECT_EQ(0, ioctl(fd, _IOWR(MEMSCOPE_IOC_MAGIC, 0x01, big), &big));
	big.future[2] = 1;
	EXPECT_EQ(-1, ioctl(fd, MEMSCOPE_IOC_ADD, &big));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(-1, ioctl(fd, _IOWR(MEMSCOPE_IOC_MAGIC, 0x01, big), &big));
	EXPECT_EQ(E2BIG, errno);

	t.size = sizeof(t);
	t.kind = 99;
	EXPECT_EQ(-1, ioctl(fd, MEMSCOPE_IOC_ADD, &t));
	EXPECT_EQ(EINVAL, errno);
	t.kind = MEMSCOPE_TRIG_LEVEL;
	t.level = 9;
	EXPECT_EQ(-1, ioctl(fd, MEMSCOPE_IOC_ADD, &t));
	EXPECT_EQ(EINVAL, errno);
	t.level = MEMSCOPE_LEVEL_LOW;
	t.reserved[1] = 5;
	EXPECT_EQ(-1, ioctl(fd, MEMSCOPE_IOC_ADD, &t));
	EXPECT_EQ(EINVAL, errno);
	t.reserved[1] = 0;
	t.flags = 0x80;
	EXPECT_EQ(-1, ioctl(fd, MEMSCOPE_IOC_ADD, &t));
	EXPECT_EQ(EINVAL, errno);
	t.flags = MEMSCOPE_TRIGF_ZONE;
	snprintf(t.zone, sizeof(t.zone), "NoSuchZone");
	EXPECT_EQ(-1, ioctl(fd, MEMSCOPE_IOC_ADD, &t));
	EXPECT_EQ(ENOENT, errno);
	t.flags = 0;
	/* ORDER uses neither a level nor, without the flag, a zone. */
	memset(t.zone, 0, sizeof(t.zone));
	t.level = 0;
	t.kind = MEMSCOPE_TRIG_ORDER;
	t.order = 64;
	t.threshold = 1;
	EXPECT_EQ(-1, ioctl(fd, MEMSCOPE_IOC_ADD, &t));
	EXPECT_EQ(ERANGE, errno);

	id = 2;
	EXPECT_EQ(0, ioctl(fd, MEMSCOPE_IOC_DEL, &id));
	EXPECT_EQ(-1, ioctl(fd, MEMSCOPE_IOC_DEL, &id));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, ioctl(fd, MEMSCOPE_IOC_CLEAR));
	id = 1;
	EXPECT_EQ(-1, ioctl(fd, MEMSCOPE_IOC_DEL, &id));
	EXPECT_EQ(ENOENT, errno);
	close(fd);
}

/* An id that cannot be handed back: the trigger is not kept either. */
TEST(add_into_readonly_struct_adds_nothing)
{
	struct memscope_trigger *t;
	struct memscope_stats st;
	int fd = open(DEV, O_RDWR);

	ASSERT_GE(fd, 0);
	t = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(t != MAP_FAILED);
	t->size = sizeof(*t);
	t->kind = MEMSCOPE_TRIG_OOM;
	ASSERT_EQ(0, mprotect(t, 4096, PROT_READ));
	EXPECT_EQ(-1, ioctl(fd, MEMSCOPE_IOC_ADD, t));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, ioctl(fd, MEMSCOPE_IOC_STATS, &st));
	EXPECT_EQ(0, st.triggers);
	munmap(t, 4096);
	close(fd);
}

TEST(text_commands)
{
	static const char *const good[] = {
		"level medium", "level critical clear", "available below 8M above 12M",
		"order 3 below 4", "order 2 below 1 above 3 clear", "stall 50ms",
		"stall 1s reclaim", "alloc_fail 3", "alloc_fail order 0", "oom",
		"interval 100ms", "del 1", "clear",
	};
	static const struct { const char *line; int err; } bad[] = {
		{ "", EINVAL }, { "level", EINVAL }, { "level bogus", EINVAL },
		{ "available below", EINVAL }, { "available below 8M above 4M", ERANGE },
		{ "available below 99999999999999999999999", ERANGE },
		{ "order 3 below 4 extra", EINVAL }, { "stall 5x", EINVAL },
		{ "zone NoSuchZone level low", ENOENT }, { "headroom 2M", EINVAL },
		{ "order 63 below 1", ERANGE }, { "frobnicate", EINVAL },
		{ "level\x01low", EINVAL }, { "del 4242", ENOENT },
	};
	static struct ms_view v;
	char line[128], longline[400];
	int fd = open(DEV, O_RDWR);

	ASSERT_GE(fd, 0);
	for (unsigned int i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		EXPECT_EQ(0, cmd(fd, good[i])) {
			TH_LOG("'%s'", good[i]);
		}
	}
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-bad[i].err, cmd(fd, bad[i].line)) {
			TH_LOG("'%s'", bad[i].line);
		}
	}
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	EXPECT_EQ(-EINVAL, cmd(fd, longline));
	EXPECT_EQ(-1, write(fd, bad_ptr(), 10));
	EXPECT_EQ(EFAULT, errno);

	/* Zone-scoped forms on a real zone of this machine. */
	ASSERT_EQ(0, ms_read_buddy(MS_DEBUGFS "/buddy", &v));
	snprintf(line, sizeof(line), "zone %s node %d headroom min 2M", v.z[0].name, v.z[0].node);
	EXPECT_EQ(0, cmd(fd, line));
	snprintf(line, sizeof(line), "zone %s level low", v.z[0].name);
	EXPECT_EQ(0, cmd(fd, line));
	snprintf(line, sizeof(line), "zone %s order 2 below 3", v.z[0].name);
	EXPECT_EQ(0, cmd(fd, line));
	close(fd);
}

TEST(too_many_triggers)
{
	int fd = open(DEV, O_RDWR), i;
	long long max;
	char *s = ms_slurp(MS_PARAMS "max_triggers");

	ASSERT_GE(fd, 0);
	ASSERT_TRUE(s != NULL);
	max = atoll(s);
	free(s);
	for (i = 0; i < max; i++)
		ASSERT_EQ(0, cmd(fd, "oom"));
	EXPECT_EQ(-ENOSPC, cmd(fd, "oom"));
	close(fd);
}

static void check_record(struct __test_metadata *_metadata,
			 const struct memscope_event *ev, __u64 seq)
{
	EXPECT_EQ(MEMSCOPE_EVENT_SIZE_V1, ev->size);
	EXPECT_EQ(MEMSCOPE_ABI_VERSION, ev->version);
	EXPECT_EQ(seq, ev->seq);
	EXPECT_LE((long long)ev->timestamp_ns, now_ns());
	EXPECT_GT(ev->timestamp_ns, 0);
	EXPECT_EQ((__u32)sysconf(_SC_PAGESIZE), ev->page_size);
	EXPECT_GE(ev->merged, 1);
}

TEST(record_on_condition_already_true)
{
	struct memscope_event ev[2];
	unsigned long long avail_kb;
	int fd = open(DEV, O_RDWR | O_NONBLOCK);
	char small[64];

	ASSERT_GE(fd, 0);
	EXPECT_EQ(-1, read(fd, ev, sizeof(ev)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, wait_record(fd, 0));

	/* Available memory is always below 1 TiB: fires at once. */
	ASSERT_EQ(0, cmd(fd, "available below 1024G"));
	ASSERT_EQ(1, wait_record(fd, 2000));
	EXPECT_EQ(-1, read(fd, small, sizeof(small)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, read(fd, bad_ptr(), sizeof(ev)));
	EXPECT_EQ(EFAULT, errno);
	/* The record that could not be copied is still there. */
	ASSERT_EQ(sizeof(ev[0]), read(fd, ev, sizeof(ev)));
	check_record(_metadata, &ev[0], 1);
	EXPECT_EQ(MEMSCOPE_TRIG_AVAILABLE, ev[0].kind);
	EXPECT_EQ(MEMSCOPE_REASON_FIRED, ev[0].reason);
	EXPECT_EQ(1, ev[0].trigger_id);
	EXPECT_EQ(-1, ev[0].node);
	EXPECT_EQ(0, ev[0].dropped);
	EXPECT_EQ(ev[0].value, ev[0].available_bytes);
	avail_kb = meminfo_kb("MemAvailable:");
	/* The kernel's own estimate, a moment apart: within 5% or 1 MiB. */
	EXPECT_LE(llabs((long long)(ev[0].available_bytes / 1024) - (long long)avail_kb),
		  (long long)(avail_kb / 20 > 1024 ? avail_kb / 20 : 1024));
	EXPECT_GT(ev[0].free_bytes, 0);
	EXPECT_LE(ev[0].min_bytes, ev[0].low_bytes);
	EXPECT_LE(ev[0].low_bytes, ev[0].high_bytes);

	/* Edge-triggered: nothing more while the condition just holds. */
	EXPECT_EQ(0, wait_record(fd, 1500));
	close(fd);
}

/*
 * A descriptor with a four-record queue and @n triggers that all fire at
 * once (available memory is below 1024G everywhere), so n - 4 records
 * are dropped.
 */
static int overfilled_queue(struct __test_metadata *_metadata, int n)
{
	int fd;

	ASSERT_EQ(0, ms_write_str(MS_PARAMS "queue_len", "4"));
	fd = open(DEV, O_RDWR | O_NONBLOCK);
	ms_write_str(MS_PARAMS "queue_len", "32");
	ASSERT_GE(fd, 0);
	for (int i = 0; i < n; i++)
		ASSERT_EQ(0, cmd(fd, "available below 1024G"));
	ASSERT_EQ(1, wait_record(fd, 2000));
	usleep(200000);
	return fd;
}

TEST(full_queue_drops_oldest_and_counts)
{
	struct memscope_event ev[16];
	struct memscope_stats st;
	ssize_t n;
	int fd;

	fd = overfilled_queue(_metadata, 7);
	ASSERT_EQ(0, ioctl(fd, MEMSCOPE_IOC_STATS, &st));
	EXPECT_EQ(4, st.queue_len);
	EXPECT_EQ(7, st.triggers);
	EXPECT_EQ(7, st.queued);
	EXPECT_EQ(3, st.dropped);
	n = read(fd, ev, sizeof(ev));
	ASSERT_EQ(4 * (ssize_t)sizeof(ev[0]), n);
	/* The three oldest went; the first record left says so. */
	EXPECT_EQ(3, ev[0].dropped);
	for (int i = 0; i < 4; i++) {
		EXPECT_EQ(4 + i, ev[i].seq);
		if (i)
			EXPECT_EQ(0, ev[i].dropped);
	}
	ASSERT_EQ(0, ioctl(fd, MEMSCOPE_IOC_STATS, &st));
	EXPECT_EQ(4, st.read);
	close(fd);
}

/* CLEAR empties the queue, and with it the drop count owed to its records. */
TEST(clear_forgets_drop_count)
{
	struct memscope_event ev;
	int fd;

	fd = overfilled_queue(_metadata, 6);
	ASSERT_EQ(0, ioctl(fd, MEMSCOPE_IOC_CLEAR));
	ASSERT_EQ(0, cmd(fd, "available below 1024G"));
	ASSERT_EQ(1, wait_record(fd, 2000));
	ASSERT_EQ(sizeof(ev), read(fd, &ev, sizeof(ev)));
	EXPECT_EQ(0, ev.dropped);
	close(fd);
}

/*
 * The evaluation periods are made long here, so that a held-back record
 * that waited for the next evaluation instead of its interval shows.
 */
FIXTURE(slow_eval) {
	long long period, fast_period;
};

FIXTURE_SETUP(slow_eval)
{
	self->period = ms_param_get("period_ms");
	self->fast_period = ms_param_get("fast_period_ms");
	ASSERT_GT(self->period, 0);
	ASSERT_GT(self->fast_period, 0);
	ASSERT_EQ(0, ms_param_set("period_ms", "5000"));
	ASSERT_EQ(0, ms_param_set("fast_period_ms", "5000"));
}

FIXTURE_TEARDOWN(slow_eval)
{
	char v[32];

	snprintf(v, sizeof(v), "%lld", self->period);
	ms_param_set("period_ms", v);
	snprintf(v, sizeof(v), "%lld", self->fast_period);
	ms_param_set("fast_period_ms", v);
}

TEST_F(slow_eval, interval_delays_and_merges_never_drops)
{
	struct memscope_event ev;
	long long t0, t1;
	int fd = open(DEV, O_RDWR | O_NONBLOCK);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, cmd(fd, "interval 700ms"));
	ASSERT_EQ(0, cmd(fd, "available below 1024G"));
	ASSERT_EQ(1, wait_record(fd, 2000));
	t0 = now_ns();
	ASSERT_EQ(sizeof(ev), read(fd, &ev, sizeof(ev)));
	EXPECT_EQ(1, ev.trigger_id);
	ASSERT_EQ(0, cmd(fd, "available below 1024G"));
	/*
	 * Held back by the interval, then delivered when it has passed,
	 * not at the next evaluation 5 s on: the wait is long enough for a
	 * KASAN guest on a loaded host, the upper bound leaves 500 ms for
	 * the work to run.
	 */
	EXPECT_EQ(0, wait_record(fd, 300));
	ASSERT_EQ(1, wait_record(fd, 10000));
	t1 = now_ns();
	ASSERT_EQ(sizeof(ev), read(fd, &ev, sizeof(ev)));
	EXPECT_EQ(2, ev.trigger_id);
	EXPECT_EQ(2, ev.seq);
	EXPECT_EQ(0, ev.dropped);
	TH_LOG("second record %lld ms after the first (interval 700 ms)", (t1 - t0) / 1000000);
	EXPECT_GE(t1 - t0, 500LL * 1000000);
	EXPECT_LE(t1 - t0, 1200LL * 1000000);
	close(fd);
}

static unsigned long long alloc_fails_from(const struct ms_alloc *a, int order)
{
	unsigned long long n = 0;

	for (int o = order; o < a->norders; o++)
		n += a->fails[0][o];
	return n;
}

/*
 * Allocation failures are events: each evaluation pass that sees new ones
 * makes a record, passes back to back too, and while an interval holds a
 * record back the failures add up in it. Without or with an interval, the
 * values of the records sum to the failures memscope counted. The helper
 * makes exactly one failed allocation of the top order per "hk_fail", and
 * each failure pokes an evaluation of its own.
 */
TEST(alloc_fail_records_count_every_failure)
{
	static const unsigned int intervals_ms[] = { 0, 400 };
	static struct ms_alloc a;
	struct memscope_event ev[32];
	struct memscope_trigger t;
	unsigned long long before, after, sum;
	int order, nrec;
	char line[32];

	ASSERT_EQ(0, ms_load_helper(NULL));
	ASSERT_EQ(0, ms_read_alloc(MS_DEBUGFS "/alloc", &a));
	if (!a.st.on)
		SKIP(return, "page hooks are off");
	order = a.norders - 1;
	snprintf(line, sizeof(line), "hk_fail %d", order);
	for (unsigned int k = 0; k < 2; k++) {
		int fd = open(DEV, O_RDWR | O_NONBLOCK);

		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, ioctl(fd, MEMSCOPE_IOC_SET_INTERVAL, &intervals_ms[k]));
		memset(&t, 0, sizeof(t));
		t.size = sizeof(t);
		t.kind = MEMSCOPE_TRIG_ALLOC_FAIL;
		t.order = order;
		/* Events have nothing to clear: the flag must not add records. */
		t.flags = MEMSCOPE_TRIGF_CLEAR;
		ASSERT_EQ(0, ioctl(fd, MEMSCOPE_IOC_ADD, &t));
		/* The trigger counts from the first pass after it was added. */
		usleep(500000);
		ASSERT_EQ(0, ms_read_alloc(MS_DEBUGFS "/alloc", &a));
		before = alloc_fails_from(&a, order);
		for (int i = 0; i < 5; i++) {
			ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, line));
			usleep(30000);
		}
		ASSERT_EQ(0, ms_read_alloc(MS_DEBUGFS "/alloc", &a));
		after = alloc_fails_from(&a, order);
		ASSERT_GE(after - before, 5);
		sum = 0;
		nrec = 0;
		for (int tries = 0; tries < 100 && sum < after - before && nrec < 32; tries++) {
			ssize_t n;

			wait_record(fd, 100);
			n = read(fd, ev, (32 - nrec) * sizeof(ev[0]));
			for (int i = 0; n > 0 && i < n / (ssize_t)sizeof(ev[0]); i++) {
				EXPECT_EQ(MEMSCOPE_TRIG_ALLOC_FAIL, ev[i].kind);
				EXPECT_EQ(MEMSCOPE_REASON_FIRED, ev[i].reason);
				EXPECT_EQ(nrec + 1, ev[i].seq);
				EXPECT_EQ(0, ev[i].dropped);
				EXPECT_GE(ev[i].value, 1);
				EXPECT_GE(ev[i].merged, 1);
				sum += ev[i].value;
				nrec++;
			}
		}
		ASSERT_EQ(0, ms_read_alloc(MS_DEBUGFS "/alloc", &a));
		TH_LOG("interval %u ms: %llu failure(s) at order >= %d, %d record(s) carrying %llu",
		       intervals_ms[k], after - before, order, nrec, sum);
		/* Failures from elsewhere after the count may add to the sum. */
		EXPECT_GE(sum, after - before);
		EXPECT_LE(sum, alloc_fails_from(&a, order) - before);
		close(fd);
	}
}

static volatile sig_atomic_t sigio_count;

static void on_sigio(int sig)
{
	sigio_count++;
}

TEST(fasync_sends_sigio)
{
	int fd = open(DEV, O_RDWR | O_NONBLOCK);

	ASSERT_GE(fd, 0);
	signal(SIGIO, on_sigio);
	ASSERT_EQ(0, fcntl(fd, F_SETOWN, getpid()));
	ASSERT_EQ(0, fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC));
	ASSERT_EQ(0, cmd(fd, "available below 1024G"));
	for (int i = 0; i < 200 && !sigio_count; i++)
		usleep(10000);
	EXPECT_GE(sigio_count, 1);
	close(fd);
}

TEST(blocking_read_wakes)
{
	struct memscope_event ev;
	int fd = open(DEV, O_RDWR);
	pid_t child;

	ASSERT_GE(fd, 0);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		usleep(300000);
		_exit(cmd(fd, "available below 1024G") ? 1 : 0);
	}
	ASSERT_EQ(sizeof(ev), read(fd, &ev, sizeof(ev)));
	EXPECT_EQ(MEMSCOPE_TRIG_AVAILABLE, ev.kind);
	waitpid(child, NULL, 0);
	close(fd);
}

/* Run @fn as uid 1000 in a child; its exit status is the result. */
static int as_user(int (*fn)(void))
{
	pid_t child = fork();
	int status;

	if (!child) {
		if (setgid(1000) || setuid(1000))
			_exit(200);
		_exit(fn());
	}
	waitpid(child, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 201;
}

static int open_errno(void)
{
	int fd = open(DEV, O_RDWR);

	return fd >= 0 ? 0 : errno;
}

/* Opens until failure; the errno of the failing open. */
static int open_until_failure(void)
{
	for (int i = 0; i < 100; i++)
		if (open(DEV, O_RDWR) < 0)
			return errno == EMFILE && i == 3 ? 0 : 100 + errno;
	return 99;
}

TEST(permissions_and_limits)
{
	struct stat st;
	int fds[6], i;

	/* Default: root only. */
	ASSERT_EQ(0, stat(DEV, &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
	EXPECT_EQ(EACCES, as_user(open_errno));

	ASSERT_EQ(0, ms_reload_memscope("dev_mode=0660 dev_uid=1000 dev_gid=1000 max_per_uid=3 max_subscribers=5"));
	ASSERT_EQ(0, stat(DEV, &st));
	EXPECT_EQ(0660, st.st_mode & 0777);
	EXPECT_EQ(1000, st.st_uid);
	EXPECT_EQ(1000, st.st_gid);
	EXPECT_EQ(0, as_user(open_errno));
	/* Three opens per user, the fourth fails with EMFILE. */
	EXPECT_EQ(0, as_user(open_until_failure));
	/* Root is not per-uid limited, but the global limit holds. */
	for (i = 0; i < 5; i++) {
		fds[i] = open(DEV, O_RDWR);
		EXPECT_GE(fds[i], 0);
	}
	EXPECT_EQ(-1, open(DEV, O_RDWR));
	EXPECT_EQ(ENFILE, errno);
	for (i = 0; i < 5; i++)
		close(fds[i]);
	EXPECT_EQ(-EINVAL, ms_reload_memscope("dev_mode=01777"));
	ASSERT_EQ(0, ms_reload_memscope(""));
}

TEST(open_device_blocks_rmmod)
{
	int fd = open(DEV, O_RDWR);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EAGAIN, ms_unload_module("memscope"));
	close(fd);
	ASSERT_EQ(0, ms_reload_memscope(""));
}

/*
 * A thousand subscribers, each with the same trigger, all receive the
 * record when a hog takes memory (every subscriber is woken). The trigger
 * is on available memory, which any allocation lowers whichever zone it
 * comes from.
 */
FIXTURE(subs) {
	int unused;
};

FIXTURE_SETUP(subs)
{
}

/* The parameters the subscribers were made small with, back to defaults. */
FIXTURE_TEARDOWN(subs)
{
	ms_param_set("queue_len", "32");
	ms_param_set("max_triggers", "16");
}

/*
 * A thousand opens and epoll waits take tens of seconds under KASAN.
 *
 * Readiness alone would not show that every subscriber was woken: poll()
 * asks each file for its queue state, so a kernel that queued the record
 * for all but woke only some waiters would still pass. An epoll instance
 * learns of a file only through the wake-up callback epoll hangs on that
 * file's wait queue (EPOLLET: and only once per wake-up), so every fd is
 * registered before the event is provoked, nothing may be ready then, and
 * each of the thousand must then be reported by epoll_wait().
 */
TEST_F_TIMEOUT(subs, thousand_subscribers_all_woken, 300)
{
	enum { N = 1000 };
	static struct epoll_event ev[N];
	static bool woken[N];
	static int fd[N];
	struct rlimit rl = { N + 64, N + 64 };
	long long avail = 0;
	int ready = 0, ep, n, i;
	char line[64], *t;

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	/* Small subscribers: a thousand of them fit in a 32M guest. */
	ASSERT_EQ(0, ms_write_str(MS_PARAMS "queue_len", "4"));
	ASSERT_EQ(0, ms_write_str(MS_PARAMS "max_triggers", "1"));
	ep = epoll_create1(0);
	ASSERT_GE(ep, 0);
	for (i = 0; i < N; i++) {
		struct epoll_event e = { .events = EPOLLIN | EPOLLET, .data.u32 = i };

		fd[i] = open(DEV, O_RDWR | O_NONBLOCK);
		ASSERT_GE(fd[i], 0) {
			TH_LOG("open %d: %s", i, strerror(errno));
		}
		ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd[i], &e)) {
			TH_LOG("epoll_ctl %d: %s", i, strerror(errno));
		}
	}
	ASSERT_EQ(0, ms_param_set("queue_len", "32"));
	ASSERT_EQ(0, ms_param_set("max_triggers", "16"));
	/*
	 * The line is drawn once the thousand files are open: they take
	 * more than its margin, and a line drawn before would be crossed
	 * by the opens themselves, long before the hog.
	 */
	t = ms_slurp(MS_DEBUGFS "/pressure");
	ASSERT_TRUE(t != NULL);
	ASSERT_EQ(0, ms_kv_get(t, "system", "available_pages", NULL, &avail));
	free(t);
	ASSERT_GT(avail, 512);
	snprintf(line, sizeof(line), "available below %lld",
		 (avail - 256) * sysconf(_SC_PAGESIZE));
	for (i = 0; i < N; i++)
		ASSERT_EQ(0, cmd(fd[i], line));
	/*
	 * A record queued before the hog would make its fd ready through
	 * the trigger's own evaluation, not the hog's: none may be there.
	 */
	n = epoll_wait(ep, ev, N, 0);
	ASSERT_EQ(0, n) TH_LOG("%d subscribers ready before the hog", n);

	ASSERT_EQ(0, ms_load_helper(NULL));
	/*
	 * Twice the margin, in a mode that may reclaim: at 32M the page
	 * cache can hold most of what "available" counts, and an allocation
	 * that must not reclaim would fail long before the line is crossed.
	 */
	ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hog_take 512 kernel"));
	/*
	 * Until all are in or 30 s passed (epoll_wait returns as soon as one
	 * is ready, so count time, not calls). Later passes wake the same
	 * files again: count each one once.
	 */
	for (long long end = now_ns() + 30000000000LL; ready < N && now_ns() < end;) {
		n = epoll_wait(ep, ev, N, 100);
		ASSERT_GE(n, 0);
		for (i = 0; i < n; i++) {
			if (ev[i].data.u32 < N && !woken[ev[i].data.u32]) {
				woken[ev[i].data.u32] = true;
				ready++;
			}
		}
	}
	ms_write_str(MS_HELPER_CTL, "hog_release all");
	TH_LOG("%d of %d subscribers were woken", ready, N);
	EXPECT_EQ(N, ready);
	for (i = 0; i < N; i++)
		close(fd[i]);
	close(ep);
}

/*
 * Zone triggers under a real hog. The fixture finds the zone ordinary
 * allocations come from, takes the zones below it down to their min
 * watermark so the hog's pages come from that zone alone, switches
 * watermark boosting off (watermarks stay where the test aims) and drops
 * caches. The hog then takes order-0 pages without reclaim ("nowait") until
 * the zone's usable free memory is a few pages above its low watermark:
 * below the line the triggers watch, never low enough to wake kswapd or
 * stall anybody.
 */
FIXTURE(zhog) {
	int node;
	char zone[16];
	char scope[48];
	char boost_factor[32];
};

/* Pages above the low watermark the triggers watch; the hog goes half-way. */
#define ZHOG_MARGIN 64

FIXTURE_SETUP(zhog)
{
	int ret = ms_hog_prepare(&self->node, self->zone, self->boost_factor);

	ASSERT_EQ(0, ret) TH_LOG("hog: %s", strerror(-ret));
	snprintf(self->scope, sizeof(self->scope), "node%d/%s", self->node, self->zone);
}

FIXTURE_TEARDOWN(zhog)
{
	ms_hog_finish(self->boost_factor);
}

struct zview {
	long long usable, unusable, min, low, high, blocks3;
};

/* The zone as memscope's pressure view shows it (reading it evaluates). */
static int zone_view(const char *scope, struct zview *z)
{
	long long cma = 0, highatomic = 0;
	char *t = ms_slurp(MS_DEBUGFS "/pressure");
	int ret;

	if (!t)
		return -1;
	ret = ms_kv_get(t, scope, "usable_free_pages", NULL, &z->usable) ||
	      ms_kv_get(t, scope, "unusable_free_pages", "cma", &cma) ||
	      ms_kv_get(t, scope, "unusable_free_pages", "highatomic", &highatomic) ||
	      ms_kv_get(t, scope, "watermark_pages", "min", &z->min) ||
	      ms_kv_get(t, scope, "watermark_pages", "low", &z->low) ||
	      ms_kv_get(t, scope, "watermark_pages", "high", &z->high) ||
	      ms_kv_get(t, scope, "order_blocks", "3", &z->blocks3);
	z->unusable = cma + highatomic;
	free(t);
	return ret ? -1 : 0;
}

/*
 * The events view's "fired" of the first trigger of this process's
 * subscriber: 1 (fired, waiting to clear), 0 (armed) or -1 (not found).
 */
static int first_trigger_fired(void)
{
	char *t = ms_slurp(MS_DEBUGFS "/events"), *p, key[48];
	int fired = -1;

	if (!t)
		return -1;
	snprintf(key, sizeof(key), " pid %d ", getpid());
	p = strstr(t, key);
	if (p)
		p = strstr(p, " fired ");
	if (p)
		fired = !strncmp(p, " fired yes", 10);
	free(t);
	return fired;
}

/* Up to 10 s, evaluating every 100 ms, for the trigger to be (re-)armed. */
static int wait_rearmed(const char *scope)
{
	struct zview z;

	for (int i = 0; i < 100; i++) {
		if (zone_view(scope, &z))
			return -1;
		if (first_trigger_fired() == 0)
			return 0;
		usleep(100000);
	}
	return -1;
}

/*
 * Takes the zone down to ZHOG_MARGIN / 2 pages above its low watermark,
 * has memscope evaluate, and reads the record that must come of it: 1,
 * and *z the zone after the hog, or 0 with nothing (or more than one).
 */
static int cross_and_read(struct __test_metadata *_metadata, const char *scope,
			  int fd, struct memscope_event *ev, struct zview *z)
{
	struct memscope_event more[2];
	char line[64];
	ssize_t n;

	ASSERT_EQ(0, zone_view(scope, z));
	snprintf(line, sizeof(line), "hog_until %lld nowait", z->low + ZHOG_MARGIN / 2);
	EXPECT_EQ(0, ms_write_str(MS_HELPER_CTL, line));
	EXPECT_EQ(0, zone_view(scope, z));
	TH_LOG("%s: usable %lld unusable %lld (min %lld low %lld high %lld), order-3 blocks %lld",
	       scope, z->usable, z->unusable, z->min, z->low, z->high, z->blocks3);
	/* Below the trigger's line, still above low: nothing stalls. */
	EXPECT_GT(z->usable, z->low);
	EXPECT_LT(z->usable, z->low + ZHOG_MARGIN);
	if (!wait_record(fd, 10000))
		return 0;
	n = read(fd, ev, sizeof(*ev));
	EXPECT_EQ(sizeof(*ev), n);
	/* Edge-triggered: no other record while the condition holds. */
	EXPECT_EQ(0, wait_record(fd, 2000));
	EXPECT_EQ(-1, read(fd, more, sizeof(more)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(1, first_trigger_fired());
	return n == sizeof(*ev);
}

static void check_zone_record(struct __test_metadata *_metadata, const struct memscope_event *ev,
			      __u64 seq, __u32 kind, int node, const char *zone,
			      const struct zview *z)
{
	const long long ps = sysconf(_SC_PAGESIZE);

	check_record(_metadata, ev, seq);
	EXPECT_EQ(kind, ev->kind);
	EXPECT_EQ(MEMSCOPE_REASON_FIRED, ev->reason);
	EXPECT_EQ(1, ev->trigger_id);
	EXPECT_EQ(node, ev->node);
	EXPECT_STREQ(zone, ev->zone);
	EXPECT_EQ(1, ev->merged);
	EXPECT_EQ(0, ev->dropped);
	/* Boosting is off: the watermarks are the view's, to the page. */
	EXPECT_EQ(z->min * ps, (long long)ev->min_bytes);
	EXPECT_EQ(z->low * ps, (long long)ev->low_bytes);
	EXPECT_EQ(z->high * ps, (long long)ev->high_bytes);
	/*
	 * Somewhere on the hog's way down, never below min (nowait cannot
	 * take the zone there), at or below the line (checked by the caller)
	 * and, below high, at least at level low.
	 */
	EXPECT_GT((long long)ev->free_bytes, z->min * ps);
	if (ev->free_bytes < ev->high_bytes)
		EXPECT_LE(MEMSCOPE_LEVEL_LOW, ev->zone_level);
	TH_LOG("record %llu: free %llu min %llu low %llu high %llu value %llu zone_level %u",
	       (unsigned long long)ev->seq, (unsigned long long)ev->free_bytes,
	       (unsigned long long)ev->min_bytes, (unsigned long long)ev->low_bytes,
	       (unsigned long long)ev->high_bytes, (unsigned long long)ev->value,
	       ev->zone_level);
}

/*
 * A descriptor with one trigger (@line), far from its line: added armed,
 * and nothing at once.
 */
static int subscribe_armed(struct __test_metadata *_metadata, const char *line)
{
	int fd = open(DEV, O_RDWR | O_NONBLOCK);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, cmd(fd, line));
	EXPECT_EQ(0, wait_record(fd, 1500));
	EXPECT_EQ(0, first_trigger_fired());
	return fd;
}

/*
 * "zone Z node N headroom low SIZE": one record when the zone's usable
 * free memory minus its low watermark falls below SIZE, with the zone's
 * free memory and watermarks as the pressure view shows them; nothing
 * more while it stays there, nothing when it clears (no "clear"), and a
 * second record on the next crossing once it has re-armed.
 */
TEST_F_TIMEOUT(zhog, headroom_fires_once_per_crossing, 120)
{
	const long long ps = sysconf(_SC_PAGESIZE);
	struct memscope_event ev;
	struct zview z;
	char line[96];
	int fd;

	ASSERT_EQ(0, zone_view(self->scope, &z));
	ASSERT_GT(z.usable, z.high + 2 * ZHOG_MARGIN);
	snprintf(line, sizeof(line), "zone %s node %d headroom low %lld",
		 self->zone, self->node, ZHOG_MARGIN * ps);
	fd = subscribe_armed(_metadata, line);

	for (__u64 seq = 1; seq <= 2; seq++) {
		ASSERT_EQ(1, cross_and_read(_metadata, self->scope, fd, &ev, &z))
			TH_LOG("crossing %llu: no record", (unsigned long long)seq);
		check_zone_record(_metadata, &ev, seq, MEMSCOPE_TRIG_HEADROOM,
				  self->node, self->zone, &z);
		/* What crossed is the headroom, and it is below the line. */
		EXPECT_EQ(ev.free_bytes - ev.low_bytes, ev.value);
		EXPECT_LT((long long)ev.value, ZHOG_MARGIN * ps);
		ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hog_release all"));
		/* Cleared above the re-arm line; without "clear", silently. */
		ASSERT_EQ(0, wait_rearmed(self->scope));
		EXPECT_EQ(0, wait_record(fd, 0));
	}
	close(fd);
}

/*
 * "zone Z node N order 3 below K": free blocks of order 3 and above (in
 * order-3 units) are at most the zone's free pages / 8, so with K just
 * above (low + margin + unusable) / 8 the crossing is certain once the hog
 * is done, whatever the fragmentation, and the trigger cannot fire before
 * the hog while the zone holds at least twice K such blocks.
 */
TEST_F_TIMEOUT(zhog, order_fires_once_per_crossing, 120)
{
	struct memscope_event ev;
	long long k, before;
	struct zview z;
	char line[96];
	int fd;

	ASSERT_EQ(0, zone_view(self->scope, &z));
	k = (z.low + ZHOG_MARGIN + z.unusable) / 8 + 1;
	before = z.blocks3;
	TH_LOG("%s: %lld order-3 blocks, line %lld", self->scope, before, k);
	if (before < 2 * k)
		SKIP(return, "%lld order-3 blocks: too few to start above 2 * %lld", before, k);
	snprintf(line, sizeof(line), "zone %s node %d order 3 below %lld",
		 self->zone, self->node, k);
	fd = subscribe_armed(_metadata, line);

	for (__u64 seq = 1; seq <= 2; seq++) {
		ASSERT_EQ(1, cross_and_read(_metadata, self->scope, fd, &ev, &z))
			TH_LOG("crossing %llu: no record", (unsigned long long)seq);
		check_zone_record(_metadata, &ev, seq, MEMSCOPE_TRIG_ORDER,
				  self->node, self->zone, &z);
		EXPECT_EQ(3, ev.order);
		EXPECT_EQ(ev.order_blocks, ev.value);
		EXPECT_LT((long long)ev.value, k);
		/*
		 * It may have fired before the hog was done; blocks only went
		 * down since, give or take what others freed meanwhile.
		 */
		EXPECT_GE((long long)ev.value + 4, z.blocks3);
		ASSERT_EQ(0, ms_write_str(MS_HELPER_CTL, "hog_release all"));
		ASSERT_EQ(0, wait_rearmed(self->scope));
		EXPECT_EQ(0, wait_record(fd, 0));
	}
	close(fd);
}

/* Read records of @fd into @ev until an OOM record came or 3 s passed. */
static int read_until_oom(int fd, struct memscope_event *ev, int max)
{
	int got = 0, oom = 0;

	for (int tries = 0; tries < 30 && !oom && got < max; tries++) {
		ssize_t n;

		wait_record(fd, 100);
		n = read(fd, ev + got, (max - got) * sizeof(ev[0]));
		for (int i = 0; n > 0 && i < n / (ssize_t)sizeof(ev[0]); i++)
			oom |= ev[got + i].kind == MEMSCOPE_TRIG_OOM;
		if (n > 0)
			got += n / sizeof(ev[0]);
	}
	return got;
}

/*
 * A user-space hog runs until the OOM killer stops it. The subscriber
 * (protected with oom_score_adj -1000) sees low, medium and critical in
 * order, then the OOM kill, and critical arrives before the kill. A
 * second descriptor adds the same triggers in reverse order: its records
 * come out in the order the levels were reached all the same, and on both
 * the timestamps never go back along seq.
 */
TEST(levels_in_order_and_critical_before_oom)
{
	static const char *const rev[] = { "level critical", "level medium", "level low", "oom" };
	struct memscope_event ev[64], ev2[64];
	long long t_crit = 0, t_oom = 0;
	int fd, fd2, status, order_ok = 1, last = 0, got, got2, i;
	unsigned int last_level = 0;
	pid_t hog;

	ASSERT_EQ(0, ms_write_str("/proc/self/oom_score_adj", "-1000"));
	fd = open(DEV, O_RDWR | O_NONBLOCK);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, cmd(fd, "level low"));
	ASSERT_EQ(0, cmd(fd, "level medium"));
	ASSERT_EQ(0, cmd(fd, "level critical"));
	ASSERT_EQ(0, cmd(fd, "oom"));
	fd2 = open(DEV, O_RDWR | O_NONBLOCK);
	ASSERT_GE(fd2, 0);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, cmd(fd2, rev[i]));

	hog = ms_fork_oom_hog(NULL);
	ASSERT_GE(hog, 0);
	ASSERT_EQ(hog, waitpid(hog, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	got = read_until_oom(fd, ev, 64);
	got2 = read_until_oom(fd2, ev2, 64);
	for (i = 0; i < got; i++) {
		EXPECT_EQ(0, ev[i].dropped);
		EXPECT_EQ(i + 1, ev[i].seq);
		if (i)
			EXPECT_GE(ev[i].timestamp_ns, ev[i - 1].timestamp_ns);
		if (ev[i].kind == MEMSCOPE_TRIG_OOM && !t_oom)
			t_oom = ev[i].timestamp_ns;
		if (ev[i].kind != MEMSCOPE_TRIG_LEVEL || ev[i].reason != MEMSCOPE_REASON_FIRED)
			continue;
		/* Triggers 1..3 are low, medium, critical: fired in that order. */
		order_ok &= ev[i].trigger_id > (unsigned int)last;
		last = ev[i].trigger_id;
		if (ev[i].trigger_id == 3 && !t_crit)
			t_crit = ev[i].timestamp_ns;
	}
	TH_LOG("%d record(s); critical %lld ms before the OOM kill record", got,
	       t_crit && t_oom ? (t_oom - t_crit) / 1000000 : -1);
	EXPECT_TRUE(order_ok);
	EXPECT_EQ(3, last);
	EXPECT_GT(t_crit, 0);
	EXPECT_GT(t_oom, 0);
	EXPECT_LT(t_crit, t_oom);

	/* Reverse order: triggers 1..3 are critical, medium, low. */
	order_ok = 1;
	for (i = 0; i < got2; i++) {
		EXPECT_EQ(0, ev2[i].dropped);
		EXPECT_EQ(i + 1, ev2[i].seq);
		if (i)
			EXPECT_GE(ev2[i].timestamp_ns, ev2[i - 1].timestamp_ns);
		if (ev2[i].kind != MEMSCOPE_TRIG_LEVEL || ev2[i].reason != MEMSCOPE_REASON_FIRED)
			continue;
		order_ok &= 4 - ev2[i].trigger_id > last_level;
		last_level = 4 - ev2[i].trigger_id;
	}
	TH_LOG("reverse triggers: %d record(s)", got2);
	EXPECT_TRUE(order_ok);
	EXPECT_EQ(MEMSCOPE_LEVEL_CRITICAL, last_level);
	close(fd);
	close(fd2);
}

TEST_HARNESS_MAIN

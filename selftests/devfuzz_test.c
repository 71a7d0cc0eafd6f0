// SPDX-License-Identifier: GPL-2.0
/*
 * devfuzz_test: a seeded fuzzer for /dev/memscope and memscope's debugfs
 * files, run in the guests, then a check that the module still works.
 *
 * Several worker processes, each with a second thread, run a fixed number
 * of random operations: opens and closes; ioctl()s with random numbers in
 * and out of memscope's 0xB8 range; the real ioctls with random struct
 * fields, odd sizes and bad pointers (NULL, unmapped, kernel addresses,
 * buffers that run into an unmapped page); random and half-valid text
 * commands; reads of odd sizes, blocking reads cut short by a timer; poll;
 * O_ASYNC; mmap and lseek; fork()ed children using the same files; reads,
 * seeks and writes on every debugfs view. The second thread polls, asks
 * for stats and closes descriptors under the first one's feet. One worker
 * drops to an unprivileged uid after its first opens. Meanwhile the parent
 * holds /dev/memscope open and keeps trying rmmod, which must fail with
 * EAGAIN every time.
 *
 * The fuzzer also checks what the ABI promises, so it finds wrong answers
 * and not only crashes: every errno is one the interface documents for the
 * call, records read are whole, well-formed and in sequence, stats are
 * coherent. The kernel side is checked by qemu/run, which fails the boot
 * on any oops, WARNING, KASAN, UBSAN or lockdep report.
 *
 * Afterwards: no subscriber is left in the events view, rmmod succeeds
 * (no module reference leaked), and a fresh load delivers a record.
 *
 * Environment (the seed is printed; the same seed replays the same
 * operations in each worker, though not their interleaving):
 *   MEMSCOPE_FUZZ_SEED     seed (default: from the clock)
 *   MEMSCOPE_FUZZ_ITERS    operations per worker (default 250, or 25000
 *                          with MEMSCOPE_STRESS=full as make stress sets)
 *   MEMSCOPE_FUZZ_WORKERS  worker processes (default 4, 2 below 48 MB of
 *                          RAM; at most 16)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/memscope.h>

#include "kselftest_harness.h"
#include "msview.h"

#define DEV "/dev/memscope"
#define MEMSCOPE_KO "/lib/memscope/memscope.ko"
#define NSLOTS 8
#define MAX_VIEWS 32
#define MAX_WORKERS 16
#define BOOST "/proc/sys/vm/watermark_boost_factor"

static uint64_t rng_state;

/* splitmix64: tiny, good enough, and the same on every architecture. */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rn(unsigned int n)
{
	return n ? rnd() % n : 0;
}

/* A random number of a random magnitude: edges are where bugs are. */
static uint64_t rnum(void)
{
	static const uint64_t edges[] = {
		0, 1, 2, 3, 4, 7, 8, 15, 16, 63, 64, 255, 256, 4095, 4096,
		0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
		0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL, ~0ULL - 1,
	};

	switch (rn(4)) {
	case 0:
		return edges[rn(sizeof(edges) / sizeof(edges[0]))];
	case 1:
		return rn(100);
	case 2:
		return rnd() >> rn(64);
	default:
		return rnd();
	}
}

/* Configuration and shared state, set up by the test before fork(). */
static uint64_t seed;
static unsigned int iters, nworkers;
static char views[MAX_VIEWS][300];
static bool view_writable[MAX_VIEWS];
static unsigned int nviews;
static char zones[4][16];
static unsigned int nzones;
static long page_size;

/* Per worker. */
static int worker_id;
static bool unpriv;
static unsigned long op_no;
static volatile int slots[NSLOTS];
static uint64_t last_seq[NSLOTS];
static char *guard;		/* a readable page followed by an unmapped one */
static volatile sig_atomic_t sigio_seen;
static volatile int stop_helper;

static void on_signal(int sig)
{
	if (sig == SIGIO)
		sigio_seen++;
}

#define FAILX(fmt, ...) do { \
	fprintf(stderr, "# devfuzz: worker %d op %lu: " fmt \
		" (replay: MEMSCOPE_FUZZ_SEED=%llu)\n", worker_id, op_no, \
		##__VA_ARGS__, (unsigned long long)seed); \
	_exit(1); \
} while (0)

/* A result must be one of the listed errnos (0 for success). */
static void expect_errno(const char *what, long ret, int err, const int *ok, int n)
{
	int e = ret < 0 ? err : 0;

	for (int i = 0; i < n; i++)
		if (ok[i] == e)
			return;
	FAILX("%s returned %ld, errno %d (%s): not a documented result", what, ret, e,
	      strerror(e));
}

#define EXPECT_ERRNO(what, ret, ...) do { \
	static const int __ok[] = { __VA_ARGS__ }; \
	int __e = errno; \
	expect_errno(what, ret, __e, __ok, sizeof(__ok) / sizeof(__ok[0])); \
} while (0)

/* Bad addresses of every kind the kernel must refuse with EFAULT. */
static void *bad_ptr(size_t len)
{
	void *p;

	switch (rn(4)) {
	case 0:
		return NULL;
	case 1:
		/* A mapping made and removed: nothing there. */
		p = mmap(NULL, page_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		munmap(p, page_size);
		return p;
	case 2:
		/* A kernel address: access_ok() refuses it. */
		return (void *)(uintptr_t)(sizeof(long) == 8 ? 0xffff888000001000ULL : 0xc0001000UL);
	default:
		/* Starts readable, runs into the unmapped page. */
		return guard + page_size - (len > 1 ? 1 + rn(len - 1) : 1);
	}
}

static int pick_slot(void)
{
	return rn(NSLOTS);
}

static int slot_fd(void)
{
	for (int tries = 0; tries < 4; tries++) {
		int fd = slots[pick_slot()];

		if (fd >= 0)
			return fd;
	}
	return -1;
}

static int slot_of(int fd)
{
	for (int i = 0; i < NSLOTS; i++)
		if (slots[i] == fd)
			return i;
	return -1;
}

static void op_open(void)
{
	int s = pick_slot(), flags, fd;
	static const int modes[] = { O_RDWR, O_RDONLY, O_WRONLY };

	if (slots[s] >= 0)
		return;
	flags = modes[rn(3)] | (rn(3) ? O_NONBLOCK : 0) | (rn(2) ? O_CLOEXEC : 0);
	fd = open(DEV, flags);
	if (unpriv)
		EXPECT_ERRNO("open (unprivileged)", fd, EACCES);
	else
		EXPECT_ERRNO("open", fd, 0, ENFILE, EMFILE, ENOMEM);
	if (fd >= 0) {
		last_seq[s] = 0;
		slots[s] = fd;
	}
}

static void op_close(void)
{
	int s = pick_slot();
	int fd = __atomic_exchange_n(&slots[s], -1, __ATOMIC_SEQ_CST);

	if (fd >= 0)
		close(fd);
}

static void op_dup(void)
{
	int fd = slot_fd(), s = pick_slot(), nfd;

	if (fd < 0 || slots[s] >= 0)
		return;
	nfd = dup(fd);
	EXPECT_ERRNO("dup", nfd, 0, EBADF);
	if (nfd >= 0) {
		/* A second descriptor of the same subscriber: seq still rises. */
		last_seq[s] = 0;
		slots[s] = nfd;
	}
}

/*
 * ioctl numbers the VFS answers itself before the driver sees them (in
 * fs/ioctl.c: FIOCLEX, FIONBIO, FIOASYNC, FIONREAD and the rest of type
 * 'T'; FIFREEZE, FITHAW and FS_IOC_FS[GS]ETXATTR, type 'X'; FS_IOC_*FLAGS
 * and FIEMAP, 'f'; FIBMAP and FIGETBSZ, type 0; FICLONE*, 0x94). They are
 * not memscope's code, and some change the device node itself (chattr +i
 * would make /dev/memscope unopenable for the rest of the run).
 */
static bool vfs_ioctl(unsigned int nr)
{
	unsigned int type = _IOC_TYPE(nr);

	return type == 0 || type == 'T' || type == 'X' || type == 'f' || type == 0x94;
}

static void op_ioctl_random(int fd)
{
	unsigned int nr;
	unsigned long arg;
	char buf[512];
	long ret;

	do {
		switch (rn(3)) {
		case 0:
			nr = (unsigned int)rnd();
			break;
		case 1:
			/* memscope's magic, any number, direction and size. */
			nr = _IOC(rn(4), MEMSCOPE_IOC_MAGIC, rn(16), rn(512));
			break;
		default:
			/* A real command with the wrong size or direction. */
			nr = _IOC(rn(4), MEMSCOPE_IOC_MAGIC, rn(6), rn(2) ? rn(200) : 4);
			break;
		}
	} while (vfs_ioctl(nr));
	memset(buf, 0, sizeof(buf));
	arg = rn(2) ? (unsigned long)buf : (unsigned long)bad_ptr(8);
	if (!rn(8))
		arg = rnum();
	ret = ioctl(fd, nr, arg);
	(void)ret;	/* Any answer will do: this probes for crashes. */
}

static void fill_trigger(struct memscope_trigger *t)
{
	memset(t, 0, sizeof(*t));
	t->size = sizeof(*t);
	t->kind = rn(10);
	if (rn(2))
		t->flags = rn(16);
	else if (rn(4) == 0)
		t->flags = (uint32_t)rnd();
	t->node = rn(4) ? 0 : (int32_t)rnum();
	if (rn(2) && nzones)
		snprintf(t->zone, sizeof(t->zone), "%s", zones[rn(nzones)]);
	else if (rn(2))
		memset(t->zone, 'A' + rn(26), sizeof(t->zone));	/* no NUL */
	t->level = rn(4) ? rn(6) : (uint32_t)rnd();
	t->order = rn(4) ? rn(16) : (uint32_t)rnum();
	t->threshold = rnum();
	t->rearm = rn(2) ? 0 : rnum();
	/* Mostly within reason, or nothing but EINVAL is ever seen. */
	if (t->kind == MEMSCOPE_TRIG_AVAILABLE && rn(2)) {
		t->threshold = 1ULL << 40;	/* fires at once: records flow */
		t->rearm = 0;
	}
	if (!rn(16))
		t->reserved0 = 1;
	if (!rn(16))
		t->reserved[rn(2)] = rnum();
	if (!rn(16))
		t->id = (uint32_t)rnd();
}

static void op_ioctl_add(int fd)
{
	static union {
		struct memscope_trigger t;
		char raw[8192];
	} u;
	struct memscope_trigger *t = &u.t;
	void *arg = t;
	uint32_t size;
	long ret;

	memset(&u, 0, sizeof(u));
	fill_trigger(t);
	switch (rn(6)) {
	case 0:
		size = MEMSCOPE_TRIGGER_SIZE_V1 - 1 - rn(MEMSCOPE_TRIGGER_SIZE_V1);
		break;
	case 1:
		size = sizeof(*t) + rn(512);
		if (rn(2))
			u.raw[sizeof(*t) + rn(size - sizeof(*t) + 1)] = 1;
		break;
	case 2:
		size = page_size + rn(2);
		break;
	case 3:
		size = (uint32_t)rnum();
		break;
	default:
		size = sizeof(*t);
		break;
	}
	t->size = size;
	if (!rn(12)) {
		arg = bad_ptr(sizeof(*t));
	} else if (!rn(12)) {
		/* The size is readable, the rest is not: a partial copy. */
		arg = guard + page_size - sizeof(uint32_t);
		memcpy(arg, &size, sizeof(size));
	}
	ret = ioctl(fd, MEMSCOPE_IOC_ADD, arg);
	EXPECT_ERRNO("MEMSCOPE_IOC_ADD", ret, 0, EINVAL, ERANGE, ENOENT, ENOSPC, E2BIG,
		     EFAULT, EBADF);
	if (!ret && arg == t && t->id == 0)
		FAILX("MEMSCOPE_IOC_ADD succeeded without an id");
}

static void op_ioctl_known(int fd)
{
	struct memscope_stats st;
	uint32_t v;
	long ret;
	bool bad = !rn(6);

	switch (rn(5)) {
	case 0:
		v = 0;
		ret = ioctl(fd, MEMSCOPE_IOC_VERSION, bad ? bad_ptr(4) : &v);
		EXPECT_ERRNO("MEMSCOPE_IOC_VERSION", ret, 0, EFAULT, EBADF);
		if (!ret && !bad && v != MEMSCOPE_ABI_VERSION)
			FAILX("MEMSCOPE_IOC_VERSION said %u", v);
		break;
	case 1:
		v = rn(2) ? rn(20) : (uint32_t)rnd();
		ret = ioctl(fd, MEMSCOPE_IOC_DEL, bad ? bad_ptr(4) : &v);
		EXPECT_ERRNO("MEMSCOPE_IOC_DEL", ret, 0, ENOENT, EFAULT, EBADF);
		break;
	case 2:
		ret = ioctl(fd, MEMSCOPE_IOC_CLEAR, rnum());
		EXPECT_ERRNO("MEMSCOPE_IOC_CLEAR", ret, 0, EBADF);
		break;
	case 3:
		/* Short intervals mostly, so records keep flowing. */
		v = rn(4) ? rn(50) : (uint32_t)rnum();
		ret = ioctl(fd, MEMSCOPE_IOC_SET_INTERVAL, bad ? bad_ptr(4) : &v);
		if (bad)
			EXPECT_ERRNO("MEMSCOPE_IOC_SET_INTERVAL", ret, 0, EFAULT, EBADF);
		else if (v > 3600000)
			EXPECT_ERRNO("MEMSCOPE_IOC_SET_INTERVAL (too long)", ret, ERANGE, EBADF);
		else
			EXPECT_ERRNO("MEMSCOPE_IOC_SET_INTERVAL", ret, 0, EBADF);
		break;
	default:
		memset(&st, 0xa5, sizeof(st));
		ret = ioctl(fd, MEMSCOPE_IOC_STATS, bad ? bad_ptr(sizeof(st)) : &st);
		EXPECT_ERRNO("MEMSCOPE_IOC_STATS", ret, 0, EFAULT, EBADF);
		if (ret || bad)
			break;
		if (st.read > st.queued || st.dropped > st.queued || st.triggers > 256 ||
		    st.queue_len < 4 || st.queue_len > 4096 || st.reserved[0] || st.reserved[1])
			FAILX("incoherent stats: queued %llu read %llu dropped %llu triggers %u queue_len %u",
			      (unsigned long long)st.queued, (unsigned long long)st.read,
			      (unsigned long long)st.dropped, st.triggers, st.queue_len);
		break;
	}
}

/* Words of the command grammar, and a few that are not. */
static const char *const words[] = {
	"zone", "node", "level", "low", "medium", "critical", "oom", "none", "available",
	"below", "above", "headroom", "min", "high", "order", "stall", "reclaim", "compact",
	"alloc_fail", "interval", "clear", "del", "Normal", "DMA", "DMA32", "HighMem",
	"Movable", "8M", "1K", "3G", "50ms", "1s", "10us", "5ns", "0", "1", "63", "64",
	"65536", "65537", "4294967295", "4294967296", "18446744073709551615",
	"18446744073709551616", "1024G", "-1", "", "x",
};
static const char *const suffixes[] = { "", "K", "M", "G", "ns", "us", "ms", "s", "x" };

static size_t gen_command(char *buf, size_t cap)
{
	size_t len = 0;
	unsigned int n, i;

	switch (rn(4)) {
	case 0:
		/* Random bytes. */
		len = rn(cap);
		for (i = 0; i < len; i++)
			buf[i] = (char)rnd();
		return len;
	case 1:
		/* A valid command: records flow, triggers pile up. */
		len = snprintf(buf, cap, "%s", rn(2) ? "available below 1024G" :
			       rn(2) ? "level low clear" : rn(2) ? "oom" : "order 0 below 100000");
		break;
	default:
		/* Grammar words, numbers and separators. */
		n = 1 + rn(14);
		for (i = 0; i < n && len < cap - 32; i++) {
			if (i)
				buf[len++] = rn(8) ? ' ' : '\t';
			if (rn(5))
				len += snprintf(buf + len, cap - len, "%s",
						words[rn(sizeof(words) / sizeof(words[0]))]);
			else
				len += snprintf(buf + len, cap - len, "%llu%s",
						(unsigned long long)rnum(),
						suffixes[rn(sizeof(suffixes) / sizeof(suffixes[0]))]);
		}
		break;
	}
	if (len < cap && rn(2))
		buf[len++] = '\n';
	/* A byte flipped here and there. */
	if (len && !rn(6))
		buf[rn(len)] = (char)rnd();
	return len;
}

static void op_write(int fd)
{
	char buf[400];
	size_t len = gen_command(buf, sizeof(buf));
	const void *p = buf;
	ssize_t ret;

	if (!rn(10)) {
		p = bad_ptr(len ? len : 1);
		if (p == NULL || rn(2))
			len = 1 + rn(300);
	}
	ret = write(fd, p, len);
	EXPECT_ERRNO("write", ret, 0, EINVAL, ERANGE, ENOENT, ENOSPC, EFAULT, EBADF);
	if (ret >= 0 && (size_t)ret != len)
		FAILX("write of %zu bytes returned %zd", len, ret);
}

static void check_records(int s, const struct memscope_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct memscope_event *e = &ev[i];

		if (e->size != MEMSCOPE_EVENT_SIZE_V1 || e->version != MEMSCOPE_ABI_VERSION ||
		    e->kind < MEMSCOPE_TRIG_LEVEL || e->kind > MEMSCOPE_TRIG_OOM ||
		    e->reason < MEMSCOPE_REASON_FIRED || e->reason > MEMSCOPE_REASON_CLEARED ||
		    e->level > MEMSCOPE_LEVEL_OOM || e->zone_level > MEMSCOPE_LEVEL_OOM ||
		    !e->merged || e->page_size != page_size || !e->trigger_id ||
		    e->reserved0 || e->reserved[0] || e->reserved[1] ||
		    e->zone[sizeof(e->zone) - 1])
			FAILX("malformed record: size %u version %u kind %u reason %u level %u merged %llu page_size %u",
			      e->size, e->version, e->kind, e->reason, e->level,
			      (unsigned long long)e->merged, e->page_size);
		if (s >= 0) {
			if (e->seq <= last_seq[s])
				FAILX("record seq %llu after %llu", (unsigned long long)e->seq,
				      (unsigned long long)last_seq[s]);
			last_seq[s] = e->seq;
		}
	}
}

static void on_alarm(int sig)
{
}

static void op_read(int fd)
{
	static const size_t sizes[] = { 0, 1, 159, 160, 161, 319, 320, 321, 480, 4096, 65536 };
	static char buf[65536 + 64] __attribute__((aligned(8)));
	size_t size = rn(3) ? sizes[rn(sizeof(sizes) / sizeof(sizes[0]))] : rn(sizeof(buf));
	int s = slot_of(fd), fl = fcntl(fd, F_GETFL);
	/* Repeating: the first tick may come before read() is entered. */
	struct itimerval it = { .it_value = { 0, 20000 }, .it_interval = { 0, 20000 } };
	void *p = buf;
	ssize_t ret;

	if (fl < 0)
		return;
	if (!rn(10))
		p = bad_ptr(size ? size : 1);
	/* A blocking read may wait forever: a timer cuts it short. */
	if (!(fl & O_NONBLOCK))
		setitimer(ITIMER_REAL, &it, NULL);
	ret = read(fd, p, size);
	if (!(fl & O_NONBLOCK)) {
		memset(&it, 0, sizeof(it));
		setitimer(ITIMER_REAL, &it, NULL);
	}
	EXPECT_ERRNO("read", ret, 0, EINVAL, EAGAIN, EFAULT, EINTR, EBADF);
	if (ret > 0 && p == buf) {
		if (ret % MEMSCOPE_EVENT_SIZE_V1 || (size_t)ret > size)
			FAILX("read of %zu bytes returned %zd", size, ret);
		check_records(s, (const struct memscope_event *)buf, ret / MEMSCOPE_EVENT_SIZE_V1);
	}
	if (ret < 0 && errno == EINVAL && size >= MEMSCOPE_EVENT_SIZE_V1)
		FAILX("read of %zu bytes: EINVAL", size);
}

static void op_poll(void)
{
	struct pollfd p[NSLOTS];
	int n = 0, ret;

	for (int i = 0; i < NSLOTS; i++) {
		if (slots[i] >= 0 && rn(2)) {
			p[n].fd = slots[i];
			p[n].events = rn(2) ? POLLIN | POLLPRI : POLLIN | POLLOUT | POLLRDNORM;
			n++;
		}
	}
	ret = poll(p, n, rn(3) ? 0 : rn(5));
	EXPECT_ERRNO("poll", ret, 0, EINTR);
}

static void op_misc(int fd)
{
	void *m;
	long ret;

	switch (rn(4)) {
	case 0:
		/* Async notification on and off. */
		ret = fcntl(fd, F_SETOWN, getpid());
		EXPECT_ERRNO("F_SETOWN", ret, 0, EBADF);
		ret = fcntl(fd, F_GETFL);
		if (ret >= 0)
			fcntl(fd, F_SETFL, rn(2) ? ret | O_ASYNC : ret & ~O_ASYNC);
		break;
	case 1:
		m = mmap(NULL, page_size, PROT_READ, MAP_SHARED, fd, 0);
		if (m != MAP_FAILED)
			FAILX("/dev/memscope can be mmap()ed");
		break;
	case 2:
		ret = lseek(fd, rnum(), rn(3));
		EXPECT_ERRNO("lseek", ret, ESPIPE, EBADF);
		break;
	default:
		/* Flip O_NONBLOCK: blocking reads happen too. */
		ret = fcntl(fd, F_GETFL);
		if (ret >= 0)
			fcntl(fd, F_SETFL, ret ^ O_NONBLOCK);
		break;
	}
}

/* Reads, seeks and writes on the debugfs views. */
static void op_view(void)
{
	static char buf[16384];
	unsigned int v = rn(nviews);
	int fd, mode = view_writable[v] && rn(3) == 0 ? O_RDWR : O_RDONLY;
	ssize_t ret;
	size_t len;

	if (!nviews)
		return;
	fd = open(views[v], mode | (rn(2) ? O_NONBLOCK : 0));
	if (unpriv) {
		EXPECT_ERRNO("open view (unprivileged)", fd, EACCES);
		return;
	}
	EXPECT_ERRNO("open view", fd, 0);
	if (fd < 0)
		return;
	for (int k = rn(6); k >= 0; k--) {
		switch (rn(5)) {
		case 0:
			lseek(fd, rn(2) ? rn(8192) : rnum(), rn(3));
			break;
		case 1:
			ret = pread(fd, buf, 1 + rn(sizeof(buf) - 1), rn(2) ? rn(4096) : rnum());
			(void)ret;
			break;
		case 2:
			if (mode == O_RDWR) {
				len = rn(2) ? snprintf(buf, sizeof(buf), "mark\n") :
				      gen_command(buf, 200);
				ret = write(fd, rn(10) ? (void *)buf : bad_ptr(len ? len : 1), len);
				(void)ret;
			}
			break;
		case 3:
			op_ioctl_random(fd);
			break;
		default:
			while (read(fd, buf, 1 + rn(rn(2) ? 64 : sizeof(buf))) > 0 && rn(8))
				;
			break;
		}
	}
	close(fd);
}

/* A child sharing the files: uses a few, then exits (closing them). */
static void op_fork(void)
{
	pid_t pid = fork();

	if (pid)
		return;
	/* Nothing here blocks; should it ever, the run must not hang. */
	signal(SIGALRM, SIG_DFL);
	alarm(30);
	for (int k = rn(8); k >= 0; k--) {
		int fd = slot_fd();

		if (fd < 0)
			break;
		switch (rn(4)) {
		case 0:
			op_write(fd);
			break;
		case 1:
			op_poll();
			break;
		case 2:
			op_ioctl_known(fd);
			break;
		default:
			close(fd);
			break;
		}
	}
	_exit(0);
}

/* The second thread: poll, stats and closes, racing the first. */
static void *helper_thread(void *arg)
{
	uint64_t state = seed ^ (0x5555ULL + worker_id);
	sigset_t set;

	/* The timer that cuts blocking reads short is the main thread's. */
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	while (!stop_helper) {
		struct memscope_stats st;
		int s, fd;

		state = state * 6364136223846793005ULL + 1442695040888963407ULL;
		s = (state >> 33) % NSLOTS;
		fd = slots[s];
		if (fd < 0) {
			sched_yield();
			continue;
		}
		switch ((state >> 40) % 16) {
		case 0:
			/* Close under the main thread's feet. */
			fd = __atomic_exchange_n(&slots[s], -1, __ATOMIC_SEQ_CST);
			if (fd >= 0)
				close(fd);
			break;
		case 1: case 2: case 3: case 4: {
			struct pollfd p = { .fd = fd, .events = POLLIN | POLLPRI };

			poll(&p, 1, 1);
			break;
		}
		default:
			ioctl(fd, MEMSCOPE_IOC_STATS, &st);
			break;
		}
		usleep(200);
	}
	return NULL;
}

/* Collect forked children; one that found a violation fails the worker. */
static void reap(int flags)
{
	int status;

	while (waitpid(-1, &status, flags) > 0)
		if (WIFEXITED(status) && WEXITSTATUS(status))
			FAILX("a forked child found a violation (see above)");
}

static int run_worker(int id)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct sigaction al = { .sa_handler = on_alarm };
	pthread_t th;

	worker_id = id;
	rng_state = seed + 0x1000003ULL * (id + 1);
	for (int i = 0; i < NSLOTS; i++)
		slots[i] = -1;
	sigaction(SIGIO, &sa, NULL);
	sigaction(SIGALRM, &al, NULL);	/* no SA_RESTART: reads see EINTR */
	signal(SIGCHLD, SIG_DFL);
	guard = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard == MAP_FAILED || munmap(guard + page_size, page_size))
		FAILX("guard page: %s", strerror(errno));

	/* Worker 1 keeps files opened as root, then runs as a plain user. */
	if (id == 1) {
		for (int i = 0; i < 3; i++)
			op_open();
		if (setgid(1000) || setuid(1000))
			FAILX("setuid: %s", strerror(errno));
		unpriv = true;
	}
	if (pthread_create(&th, NULL, helper_thread, NULL))
		FAILX("pthread_create failed");

	for (op_no = 0; op_no < iters; op_no++) {
		unsigned int r = rn(100);
		int fd = slot_fd();

		if (r < 10 || fd < 0)
			op_open();
		else if (r < 16)
			op_close();
		else if (r < 18)
			op_dup();
		else if (r < 26)
			op_ioctl_random(fd);
		else if (r < 38)
			op_ioctl_add(fd);
		else if (r < 50)
			op_ioctl_known(fd);
		else if (r < 64)
			op_write(fd);
		else if (r < 76)
			op_read(fd);
		else if (r < 82)
			op_poll();
		else if (r < 86)
			op_misc(fd);
		else if (r < 97)
			op_view();
		else
			op_fork();
		reap(WNOHANG);
	}
	stop_helper = 1;
	pthread_join(th, NULL);
	for (int i = 0; i < NSLOTS; i++)
		if (slots[i] >= 0)
			close(slots[i]);
	reap(0);
	return 0;
}

static unsigned long env_num(const char *name, unsigned long def)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : def;
}

/* Operations per worker: 250 (make check), 25000 with MEMSCOPE_STRESS=full. */
static unsigned long fuzz_level_iters(void)
{
	const char *s = getenv("MEMSCOPE_STRESS");

	return s && !strcmp(s, "full") ? 25000 : 250;
}

static unsigned long mem_total_kb(void)
{
	char *t = ms_slurp("/proc/meminfo");
	unsigned long kb = 0;

	if (t)
		sscanf(t, "MemTotal: %lu", &kb);
	free(t);
	return kb;
}

static void list_views(void)
{
	DIR *d = opendir(MS_DEBUGFS);
	struct dirent *e;
	struct stat st;

	nviews = 0;
	while (d && (e = readdir(d)) && nviews < MAX_VIEWS) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(views[nviews], sizeof(views[0]), "%s/%s", MS_DEBUGFS, e->d_name);
		if (stat(views[nviews], &st) || !S_ISREG(st.st_mode))
			continue;
		view_writable[nviews] = st.st_mode & 0200;
		nviews++;
	}
	if (d)
		closedir(d);
}

static void list_zones(void)
{
	static struct ms_view v;

	nzones = 0;
	if (ms_read_buddy(MS_DEBUGFS "/buddy", &v))
		return;
	for (int i = 0; i < v.nzones && nzones < 4; i++)
		snprintf(zones[nzones++], sizeof(zones[0]), "%s", v.z[i].name);
}

FIXTURE(fz) {
	int unused;
};

FIXTURE_SETUP(fz)
{
	page_size = sysconf(_SC_PAGESIZE);
	if (!ms_module_loaded("memscope")) {
		ASSERT_EQ(0, ms_load_module(MEMSCOPE_KO));
	}
}

FIXTURE_TEARDOWN(fz)
{
}

TEST_F_TIMEOUT(fz, device_and_views_survive_fuzzing, 1800)
{
	struct timespec ts;
	pid_t pids[MAX_WORKERS];
	long long t0;
	int anchor, status, failed = 0, refused = 0;
	char *boost;
	unsigned int i;

	clock_gettime(CLOCK_REALTIME, &ts);
	seed = env_num("MEMSCOPE_FUZZ_SEED", (uint64_t)ts.tv_sec * 1000003ULL ^ ts.tv_nsec ^ getpid());
	iters = env_num("MEMSCOPE_FUZZ_ITERS", fuzz_level_iters());
	/*
	 * A mem=32M guest has about 6 MB available: each worker with its
	 * thread and children takes about 1 MB, so small guests get two.
	 */
	nworkers = env_num("MEMSCOPE_FUZZ_WORKERS", mem_total_kb() < 48 * 1024 ? 2 : 4);
	if (nworkers < 1 || nworkers > MAX_WORKERS)
		nworkers = 4;
	list_views();
	list_zones();
	ASSERT_GT(nviews, 0);
	TH_LOG("seed %llu, %u workers x %u operations, %u debugfs views",
	       (unsigned long long)seed, nworkers, iters, nviews);
	printf("# devfuzz: MEMSCOPE_FUZZ_SEED=%llu MEMSCOPE_FUZZ_ITERS=%u MEMSCOPE_FUZZ_WORKERS=%u\n",
	       (unsigned long long)seed, iters, nworkers);
	fflush(stdout);

	/*
	 * versatilepb has 4 MiB pageblocks: one fallback steal boosts the
	 * watermarks by 4 MiB, most of what a mem=32M guest has free, and the
	 * OOM killer fires with megabytes still free. Fragmentation is not
	 * what this test is about: no boosting while it runs on small guests.
	 */
	boost = ms_slurp(BOOST);
	if (boost && mem_total_kb() < 48 * 1024)
		ms_write_str(BOOST, "0");

	anchor = open(DEV, O_RDWR);
	ASSERT_GE(anchor, 0);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
	for (i = 0; i < nworkers; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (!pids[i]) {
			close(anchor);
			_exit(run_worker(i));
		}
	}
	/* While they run: rmmod must be refused, again and again. */
	for (;;) {
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid > 0) {
			for (i = 0; i < nworkers; i++)
				if (pids[i] == pid)
					break;
			if (i < nworkers) {
				if (!WIFEXITED(status) || WEXITSTATUS(status)) {
					TH_LOG("worker %u failed (status 0x%x)", i, status);
					failed++;
				}
				pids[i] = 0;
			}
			continue;
		}
		if (pid < 0)
			break;
		EXPECT_EQ(-EAGAIN, ms_unload_module("memscope"));
		refused++;
		usleep(100000);
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	TH_LOG("%u x %u operations in %lld ms; rmmod refused %d time(s) while open",
	       nworkers, iters, ts.tv_sec * 1000LL + ts.tv_nsec / 1000000 - t0, refused);
	EXPECT_EQ(0, failed);
	EXPECT_EQ(-EAGAIN, ms_unload_module("memscope"));
	/* Only the anchor is left open. */
	EXPECT_EQ(1, ms_count_subscribers());
	close(anchor);
	if (boost)
		ms_write_str(BOOST, boost);
	free(boost);
}

TEST_F_TIMEOUT(fz, module_works_after_fuzzing, 300)
{
	struct memscope_event ev;
	struct pollfd p;
	uint32_t v = 0;
	int fd, i;

	/* Every file closed: no subscriber left, and rmmod works. */
	EXPECT_EQ(0, ms_count_subscribers());
	if (ms_module_loaded("memscope_test"))
		ms_unload_module("memscope_test");
	ASSERT_EQ(0, ms_unload_module("memscope"));
	ASSERT_FALSE(ms_module_loaded("memscope"));
	ASSERT_EQ(0, ms_load_module(MEMSCOPE_KO));

	fd = open(DEV, O_RDWR | O_NONBLOCK);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ioctl(fd, MEMSCOPE_IOC_VERSION, &v));
	EXPECT_EQ(MEMSCOPE_ABI_VERSION, v);
	ASSERT_EQ(21, write(fd, "available below 1024G", 21));
	p.fd = fd;
	p.events = POLLIN;
	ASSERT_EQ(1, poll(&p, 1, 5000));
	ASSERT_EQ(sizeof(ev), read(fd, &ev, sizeof(ev)));
	EXPECT_EQ(1, ev.seq);
	EXPECT_EQ(MEMSCOPE_TRIG_AVAILABLE, ev.kind);
	close(fd);
	list_views();
	for (i = 0; i < (int)nviews; i++) {
		char *t = ms_slurp(views[i]);

		EXPECT_TRUE(t != NULL) TH_LOG("%s unreadable after fuzzing", views[i]);
		free(t);
	}
}

TEST_HARNESS_MAIN

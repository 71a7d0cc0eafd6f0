// SPDX-License-Identifier: GPL-2.0
/*
 * chardev_test: /dev/memscope as a char-driver reviewer reads it.
 *
 * - One file read by two threads and a forked child at once: every record
 *   reaches exactly one reader, and the records read plus the drops
 *   reported add up to what the kernel queued (STATS).
 * - A reader whose copy_to_user() is stuck in a page fault (userfaultfd)
 *   keeps its record to itself: a second reader of the file gets the next
 *   one, never the same.
 * - A field that a trigger's kind gives no meaning to is refused with
 *   EINVAL, as Documentation/ABI/testing/dev-memscope says.
 * - An ADD whose id cannot be handed back fails with EFAULT and leaves no
 *   trigger and no record.
 * - The debugfs mark writes check the credentials the file was opened
 *   with (a descriptor handed to a privileged process gains nothing).
 * - When dev_mode opens the device to other users, their opens cannot
 *   take the last slots of max_subscribers: a CAP_SYS_RESOURCE holder (the
 *   supervisor) still opens it.
 *
 * The oracle is the ABI itself: the per-file sequence numbers (from 1, no
 * gaps but for reported drops) and the kernel's own STATS counters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/memscope.h>

#include "kselftest_harness.h"
#include "msview.h"

#define DEV "/dev/memscope"
#define PARAMS "/sys/module/memscope/parameters/"

/* Records the stream test makes; more than a queue holds, so some drop. */
#define STREAM_RECORDS 400
#define READERS 3

static int cmd(int fd, const char *line)
{
	return write(fd, line, strlen(line)) == (ssize_t)strlen(line) ? 0 : -errno;
}

/* What the readers saw, in memory shared with the forked one. */
struct seen {
	volatile int done;
	volatile int bad;			/* a malformed record */
	volatile unsigned long long dropped[READERS];
	volatile unsigned char got[STREAM_RECORDS * 2 + 64];	/* per seq: times read */
};

struct reader_arg {
	int fd, idx;
	struct seen *seen;
};

/* Read until the writer is done and the queue is empty. */
static void *reader(void *p)
{
	struct reader_arg *a = p;
	struct memscope_event ev[4];
	struct pollfd pfd = { .fd = a->fd, .events = POLLIN };

	for (;;) {
		ssize_t n = read(a->fd, ev, sizeof(ev));

		if (n < 0) {
			if (errno != EAGAIN) {
				a->seen->bad = 1;
				return NULL;
			}
			if (a->seen->done)
				return NULL;
			poll(&pfd, 1, 20);
			continue;
		}
		if (n % sizeof(ev[0])) {
			a->seen->bad = 1;
			return NULL;
		}
		for (size_t i = 0; i < n / sizeof(ev[0]); i++) {
			if (ev[i].seq == 0 || ev[i].seq >= sizeof(a->seen->got)) {
				a->seen->bad = 1;
				continue;
			}
			__atomic_add_fetch(&a->seen->got[ev[i].seq], 1, __ATOMIC_RELAXED);
			a->seen->dropped[a->idx] += ev[i].dropped;
		}
	}
}

TEST(concurrent_readers_get_each_record_once)
{
	struct seen *seen = mmap(NULL, sizeof(*seen), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct reader_arg args[READERS];
	unsigned long long delivered = 0, dups = 0, dropped = 0, missing = 0;
	struct memscope_stats st;
	pthread_t th[2];
	pid_t child;
	int fd, status;

	ASSERT_TRUE(seen != MAP_FAILED);
	fd = open(DEV, O_RDWR | O_NONBLOCK);
	ASSERT_GE(fd, 0);
	for (int i = 0; i < READERS; i++)
		args[i] = (struct reader_arg){ .fd = fd, .idx = i, .seen = seen };
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		reader(&args[2]);
		_exit(0);
	}
	ASSERT_EQ(0, pthread_create(&th[0], NULL, reader, &args[0]));
	ASSERT_EQ(0, pthread_create(&th[1], NULL, reader, &args[1]));

	/*
	 * The stream: a trigger that holds at once fires one record when it
	 * is added; deleting it again keeps the file under max_triggers.
	 */
	for (int i = 1; i <= STREAM_RECORDS; i++) {
		char del[32];

		ASSERT_EQ(0, cmd(fd, "available below 1024G"));
		snprintf(del, sizeof(del), "del %d", i);
		/* The record may be queued after del: wait for it first. */
		for (int tries = 0; tries < 500; tries++) {
			ASSERT_EQ(0, ioctl(fd, MEMSCOPE_IOC_STATS, &st));
			if (st.queued >= (unsigned long long)i)
				break;
			usleep(2000);
		}
		ASSERT_EQ(0, cmd(fd, del));
	}
	usleep(200000);
	seen->done = 1;
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_EQ(0, ioctl(fd, MEMSCOPE_IOC_STATS, &st));
	close(fd);

	for (unsigned long long s = 1; s <= st.queued; s++) {
		delivered += seen->got[s] ? 1 : 0;
		dups += seen->got[s] > 1 ? seen->got[s] - 1 : 0;
		missing += seen->got[s] ? 0 : 1;
	}
	for (int i = 0; i < READERS; i++)
		dropped += seen->dropped[i];
	TH_LOG("queued %llu, read %llu (stats), delivered %llu, duplicates %llu, dropped %llu/%llu",
	       st.queued, st.read, delivered, dups, dropped, st.dropped);
	EXPECT_EQ(0, seen->bad);
	EXPECT_EQ(STREAM_RECORDS, st.queued);
	EXPECT_EQ(0, dups);
	EXPECT_EQ(delivered, st.read);
	/* Each seq not read was dropped, and said so in a later record. */
	EXPECT_EQ(missing, st.dropped);
	EXPECT_EQ(st.dropped, dropped);
	munmap(seen, sizeof(*seen));
}

struct stuck_reader {
	int fd;
	void *buf;
	ssize_t n;
};

static void *read_into(void *p)
{
	struct stuck_reader *r = p;

	r->n = read(r->fd, r->buf, sizeof(struct memscope_event));
	return NULL;
}

/* Wait until the file has queued @n records in all. */
static int wait_queued(int fd, unsigned long long n)
{
	struct memscope_stats st;

	for (int tries = 0; tries < 1000; tries++) {
		if (ioctl(fd, MEMSCOPE_IOC_STATS, &st))
			return -errno;
		if (st.queued >= n)
			return 0;
		usleep(2000);
	}
	return -ETIMEDOUT;
}

/*
 * Reader A's copy_to_user() faults on a page that userfaultfd holds back,
 * so A sits between taking the oldest record and consuming it. Reader B,
 * a forked child reading the same file, must get the second record, not
 * the first again.
 */
TEST(reader_stuck_in_copy_keeps_its_record)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct pollfd pfd;
	struct uffdio_register reg;
	struct uffdio_zeropage zero;
	struct memscope_event ev, *got;
	long page = sysconf(_SC_PAGESIZE);
	struct stuck_reader a;
	int uffd, fd, status;
	pthread_t th;
	pid_t child;
	char *area;

	/*
	 * Non-blocking: on a blocking userfaultfd, poll() answers POLLERR at
	 * once (fs/userfaultfd.c), which synchronizes nothing; B then often
	 * read before A had faulted (seen on a loaded host, 2026-12-07).
	 */
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0 && errno == ENOSYS)
		SKIP(return, "kernel without userfaultfd");
	ASSERT_GE(uffd, 0);
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));
	area = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(area != MAP_FAILED);
	reg.range.start = (unsigned long)area;
	reg.range.len = page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg));

	fd = open(DEV, O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, cmd(fd, "available below 1024G"));
	ASSERT_EQ(0, cmd(fd, "available below 2048G"));
	ASSERT_EQ(0, wait_queued(fd, 2));

	a = (struct stuck_reader){ .fd = fd, .buf = area };
	ASSERT_EQ(0, pthread_create(&th, NULL, read_into, &a));
	/* A is stuck once the fault reaches the userfaultfd. */
	pfd = (struct pollfd){ .fd = uffd, .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, 10000));
	ASSERT_EQ(POLLIN, pfd.revents) TH_LOG("userfaultfd poll: revents %#x", pfd.revents);

	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		ssize_t n = read(fd, &ev, sizeof(ev));

		_exit(n == sizeof(ev) ? (int)ev.seq : 100 + errno % 100);
	}
	/* Give B its chance to read while A is stuck, then release A. */
	usleep(300000);
	zero.range.start = (unsigned long)area;
	zero.range.len = page;
	zero.mode = 0;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_ZEROPAGE, &zero));
	pthread_join(th, NULL);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(sizeof(*got), a.n);
	got = (struct memscope_event *)area;
	TH_LOG("stuck reader got seq %llu, the other reader %d",
	       (unsigned long long)got->seq, WEXITSTATUS(status));
	EXPECT_EQ(1, got->seq);
	EXPECT_EQ(2, WEXITSTATUS(status));
	close(fd);
	close(uffd);
	munmap(area, page);
}

static struct memscope_trigger trig(__u32 kind)
{
	return (struct memscope_trigger){ .size = sizeof(struct memscope_trigger), .kind = kind };
}

/*
 * Fields a kind gives no meaning to must be zero (dev-memscope: "a field
 * the kind does not allow" is EINVAL); each case next to a valid one, so
 * the refusal is for that field alone.
 */
TEST(fields_a_kind_does_not_use_are_refused)
{
	struct { const char *what; struct memscope_trigger t; int err; } c[32];
	int n = 0, fd;

#define CASE(w, k, e, ...) do { \
		c[n].what = (w); c[n].t = trig(MEMSCOPE_TRIG_##k); \
		__VA_ARGS__; c[n].err = (e); n++; \
	} while (0)
	/* Valid, as references. */
	CASE("level ok", LEVEL, 0, c[n].t.level = MEMSCOPE_LEVEL_LOW);
	CASE("oom ok", OOM, 0);
	CASE("stall ok", STALL, 0, c[n].t.threshold = 1000000,
	     c[n].t.flags = MEMSCOPE_TRIGF_STALL_RECLAIM);
	CASE("alloc-fail ok", ALLOC_FAIL, 0, c[n].t.order = 1);
	CASE("available ok", AVAILABLE, 0, c[n].t.threshold = 1 << 20);
	CASE("order ok", ORDER, 0, c[n].t.order = 1, c[n].t.threshold = 1);
	/* LEVEL: no order, threshold, rearm, stall flags. */
	CASE("level+order", LEVEL, EINVAL, c[n].t.level = 1, c[n].t.order = 1);
	CASE("level+threshold", LEVEL, EINVAL, c[n].t.level = 1, c[n].t.threshold = 1);
	CASE("level+rearm", LEVEL, EINVAL, c[n].t.level = 1, c[n].t.rearm = 1);
	CASE("level+stall flag", LEVEL, EINVAL, c[n].t.level = 1,
	     c[n].t.flags = MEMSCOPE_TRIGF_STALL_COMPACT);
	/* OOM: nothing at all. */
	CASE("oom+level", OOM, EINVAL, c[n].t.level = 1);
	CASE("oom+order", OOM, EINVAL, c[n].t.order = 1);
	CASE("oom+threshold", OOM, EINVAL, c[n].t.threshold = 1);
	CASE("oom+rearm", OOM, EINVAL, c[n].t.rearm = 1);
	/* STALL: threshold only, and its own flags. */
	CASE("stall+order", STALL, EINVAL, c[n].t.threshold = 1, c[n].t.order = 1);
	CASE("stall+rearm", STALL, EINVAL, c[n].t.threshold = 1, c[n].t.rearm = 5);
	CASE("stall+level", STALL, EINVAL, c[n].t.threshold = 1, c[n].t.level = 1);
	/* Stall flags on other kinds. */
	CASE("available+stall flag", AVAILABLE, EINVAL, c[n].t.threshold = 1 << 20,
	     c[n].t.flags = MEMSCOPE_TRIGF_STALL_RECLAIM);
	CASE("oom+stall flag", OOM, EINVAL, c[n].t.flags = MEMSCOPE_TRIGF_STALL_RECLAIM);
	CASE("alloc-fail+threshold", ALLOC_FAIL, EINVAL, c[n].t.threshold = 1);
	CASE("available+order", AVAILABLE, EINVAL, c[n].t.threshold = 1 << 20, c[n].t.order = 2);
	CASE("order+level", ORDER, EINVAL, c[n].t.order = 1, c[n].t.threshold = 1,
	     c[n].t.level = 2);
	/* Zone and node without MEMSCOPE_TRIGF_ZONE. */
	CASE("node without zone flag", AVAILABLE, EINVAL, c[n].t.threshold = 1 << 20,
	     c[n].t.node = 1);
	CASE("zone without zone flag", LEVEL, EINVAL, c[n].t.level = 1,
	     strcpy(c[n].t.zone, "Normal"));
	CASE("zone flag on oom", OOM, EINVAL, c[n].t.flags = MEMSCOPE_TRIGF_ZONE);
#undef CASE

	ms_oracle("Documentation/ABI/testing/dev-memscope (per-kind fields)");
	fd = open(DEV, O_RDWR | O_NONBLOCK);
	ASSERT_GE(fd, 0);
	for (int i = 0; i < n; i++) {
		int r = ioctl(fd, MEMSCOPE_IOC_ADD, &c[i].t), e = r ? errno : 0;

		if (e != c[i].err)
			TH_LOG("%s: errno %d, want %d", c[i].what, e, c[i].err);
		EXPECT_EQ(c[i].err, e);
		/* Keep the file below max_triggers. */
		if (!r)
			EXPECT_EQ(0, ioctl(fd, MEMSCOPE_IOC_DEL, &c[i].t.id));
	}
	close(fd);
}

/*
 * An ADD whose id cannot be written back (the struct is in a read-only
 * page) fails with EFAULT and leaves nothing behind: no trigger, and no
 * record from a trigger that would have held at once.
 */
TEST(add_that_cannot_return_its_id_leaves_nothing)
{
	long page = sysconf(_SC_PAGESIZE);
	struct memscope_trigger *t;
	struct memscope_stats st;
	int fd;

	t = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(t != MAP_FAILED);
	*t = trig(MEMSCOPE_TRIG_AVAILABLE);
	t->threshold = 1ULL << 40;	/* below 1 TiB: true at once */
	ASSERT_EQ(0, mprotect(t, page, PROT_READ));
	fd = open(DEV, O_RDWR | O_NONBLOCK);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-1, ioctl(fd, MEMSCOPE_IOC_ADD, t));
	EXPECT_EQ(EFAULT, errno);
	/* Several evaluation periods for a record that must not come. */
	usleep(500000);
	ASSERT_EQ(0, ioctl(fd, MEMSCOPE_IOC_STATS, &st));
	EXPECT_EQ(0, st.triggers);
	EXPECT_EQ(0, st.queued);
	close(fd);
	munmap(t, page);
}

/* In a child: uid 0 without any capability. */
static int drop_all_caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };

	return syscall(SYS_capset, &h, d);
}

/* A one-byte message with room for one descriptor (SCM_RIGHTS). */
static void one_byte_msg(struct msghdr *msg, struct iovec *iov, char *byte,
			 char *cbuf, size_t clen)
{
	*iov = (struct iovec){ .iov_base = byte, .iov_len = 1 };
	memset(msg, 0, sizeof(*msg));
	msg->msg_iov = iov;
	msg->msg_iovlen = 1;
	msg->msg_control = cbuf;
	msg->msg_controllen = clen;
}

/*
 * The mark files check the credentials the file was opened with, not the
 * writer's: a descriptor opened without CAP_SYS_ADMIN and handed to a
 * privileged process (SCM_RIGHTS, or as its stdout) cannot set a mark
 * through it, and one opened with the capability keeps working after the
 * writer dropped it.
 */
TEST(mark_writes_check_the_openers_credentials)
{
	const char *path = MS_DEBUGFS "/mark";
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov;
	struct msghdr msg;
	struct cmsghdr *cm;
	int sv[2], fd, status;
	char byte = 0;
	pid_t child;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) && (errno == EAFNOSUPPORT || errno == ENOSYS))
		SKIP(return, "kernel without AF_UNIX sockets");
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		if (drop_all_caps())
			_exit(200);
		fd = open(path, O_WRONLY);
		if (fd < 0)
			_exit(100 + errno % 100);
		one_byte_msg(&msg, &iov, &byte, cbuf, sizeof(cbuf));
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		_exit(sendmsg(sv[1], &msg, 0) == 1 ? 0 : 201);
	}
	one_byte_msg(&msg, &iov, &byte, cbuf, sizeof(cbuf));
	ASSERT_EQ(1, recvmsg(sv[0], &msg, 0));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	cm = CMSG_FIRSTHDR(&msg);
	ASSERT_TRUE(cm != NULL);
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	/* This process has CAP_SYS_ADMIN; the file's opener had none. */
	EXPECT_EQ(-1, write(fd, "alloc\n", 6));
	EXPECT_EQ(EPERM, errno);
	close(fd);
	close(sv[0]);
	close(sv[1]);

	/* Opened with the capability, written after dropping it. */
	fd = open(path, O_WRONLY);
	ASSERT_GE(fd, 0);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child)
		_exit(drop_all_caps() ? 200 : write(fd, "alloc\n", 6) == 6 ? 0 : errno);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(fd);
}

static int opens_as_user(int max_fds, int *fds, int *err)
{
	int n;

	for (n = 0; n < max_fds; n++) {
		fds[n] = open(DEV, O_RDWR);
		if (fds[n] < 0) {
			*err = errno;
			break;
		}
	}
	return n;
}

/*
 * Other users flood the device (dev_mode 0666): their opens stop short of
 * max_subscribers, and root (CAP_SYS_RESOURCE) still opens the last slots.
 */
TEST(unprivileged_flood_leaves_slots_for_the_supervisor)
{
	int pipefd[2], status, got[2] = { -1, -1 }, fds[64], root_n = 0, err = 0;
	pid_t child;

	ASSERT_EQ(0, ms_reload_memscope("dev_mode=0666 max_subscribers=40 max_per_uid=64"));
	ASSERT_EQ(0, pipe(pipefd));
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		int cfds[64], cerr = 0, cn;

		if (setgid(1000) || setuid(1000))
			_exit(200);
		cn = opens_as_user(64, cfds, &cerr);
		got[0] = cn;
		got[1] = cerr;
		if (write(pipefd[1], got, sizeof(got)) != sizeof(got))
			_exit(201);
		/* Hold them open until the parent has counted its own. */
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(sizeof(got), read(pipefd[0], got, sizeof(got)));
	TH_LOG("uid 1000 opened %d files, then errno %d", got[0], got[1]);
	/* max_subscribers 40, 8 of them kept for CAP_SYS_RESOURCE. */
	EXPECT_EQ(32, got[0]);
	EXPECT_EQ(ENFILE, got[1]);
	root_n = opens_as_user(64, fds, &err);
	EXPECT_EQ(8, root_n);
	EXPECT_EQ(ENFILE, err);
	for (int i = 0; i < root_n; i++)
		close(fds[i]);
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	close(pipefd[0]);
	ASSERT_EQ(0, ms_reload_memscope(""));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The worker of abi32_test (abi32.h): what the native and the 32-bit build
 * both run against /dev/memscope. It prints a transcript of what does not
 * depend on the moment (return values, errnos, ids, counters, the record
 * fields the script decides, the trigger fields as the kernel stored them)
 * so that two runs compare line by line. A record's other fields (time,
 * free memory, levels) differ from run to run: "check" lines test them
 * against the kernel's own log of the same record (debugfs memscope/events)
 * and against the run's clock, and print ok or what was wrong.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/memscope.h>

#include "abi32.h"
#include "msview.h"
#include "msparse_events.h"

#define EVENTS MS_DEBUGFS "/events"
#define QUEUE_LEN MS_PARAMS "queue_len"
#define TIB (1ULL << 40)

static const char *const level_names[] = { "none", "low", "medium", "critical", "oom" };
static const char *const kind_names[] = {
	"?", "level", "available", "headroom", "order", "stall", "alloc_fail", "oom",
};

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* An address with nothing mapped behind it. */
static void *bad_ptr(void)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(p, 4096);
	return p;
}

/* "NAME ret R errno E": one call's outcome, the errno only on failure. */
static void result(const char *name, long ret)
{
	printf("%s ret %ld errno %d\n", name, ret, ret < 0 ? errno : 0);
}

#define LAYOUT(s, f) printf("layout %s.%s offset %zu size %zu\n", #s, #f, \
			    offsetof(struct s, f), sizeof(((struct s *)0)->f))

static void print_layout(void)
{
	printf("layout memscope_trigger sizeof %zu\n", sizeof(struct memscope_trigger));
	LAYOUT(memscope_trigger, size);
	LAYOUT(memscope_trigger, kind);
	LAYOUT(memscope_trigger, flags);
	LAYOUT(memscope_trigger, node);
	LAYOUT(memscope_trigger, zone);
	LAYOUT(memscope_trigger, level);
	LAYOUT(memscope_trigger, order);
	LAYOUT(memscope_trigger, threshold);
	LAYOUT(memscope_trigger, rearm);
	LAYOUT(memscope_trigger, id);
	LAYOUT(memscope_trigger, reserved0);
	LAYOUT(memscope_trigger, reserved);
	printf("layout memscope_event sizeof %zu\n", sizeof(struct memscope_event));
	LAYOUT(memscope_event, size);
	LAYOUT(memscope_event, version);
	LAYOUT(memscope_event, trigger_id);
	LAYOUT(memscope_event, seq);
	LAYOUT(memscope_event, timestamp_ns);
	LAYOUT(memscope_event, kind);
	LAYOUT(memscope_event, reason);
	LAYOUT(memscope_event, level);
	LAYOUT(memscope_event, zone_level);
	LAYOUT(memscope_event, node);
	LAYOUT(memscope_event, zone);
	LAYOUT(memscope_event, order);
	LAYOUT(memscope_event, free_bytes);
	LAYOUT(memscope_event, min_bytes);
	LAYOUT(memscope_event, low_bytes);
	LAYOUT(memscope_event, high_bytes);
	LAYOUT(memscope_event, available_bytes);
	LAYOUT(memscope_event, order_blocks);
	LAYOUT(memscope_event, value);
	LAYOUT(memscope_event, merged);
	LAYOUT(memscope_event, dropped);
	LAYOUT(memscope_event, page_size);
	LAYOUT(memscope_event, reserved0);
	LAYOUT(memscope_event, reserved);
	printf("layout memscope_stats sizeof %zu\n", sizeof(struct memscope_stats));
	LAYOUT(memscope_stats, queued);
	LAYOUT(memscope_stats, read);
	LAYOUT(memscope_stats, dropped);
	LAYOUT(memscope_stats, triggers);
	LAYOUT(memscope_stats, queue_len);
	LAYOUT(memscope_stats, reserved);
	printf("layout ioctl VERSION %#x ADD %#x DEL %#x CLEAR %#x SET_INTERVAL %#x STATS %#x\n",
	       (unsigned int)MEMSCOPE_IOC_VERSION, (unsigned int)MEMSCOPE_IOC_ADD,
	       (unsigned int)MEMSCOPE_IOC_DEL, (unsigned int)MEMSCOPE_IOC_CLEAR,
	       (unsigned int)MEMSCOPE_IOC_SET_INTERVAL, (unsigned int)MEMSCOPE_IOC_STATS);
}

/* ---- the kernel's side: debugfs memscope/events ---- */

/* This process's subscriber block of the events view, malloc()ed, or NULL. */
static char *my_subscriber(char *view)
{
	char key[48], *p, *end;

	snprintf(key, sizeof(key), " pid %d ", (int)getpid());
	for (p = view; (p = strstr(p, "\nsubscriber ")); p++) {
		end = strchr(p + 1, '\n');
		if (end && memmem(p, end - p, key, strlen(key))) {
			end = strstr(p + 1, "\nsubscriber ");
			return strndup(p + 1, end ? (size_t)(end - p - 1) : strlen(p + 1));
		}
	}
	return NULL;
}

/*
 * The triggers and interval of this file as the kernel stored them: each
 * "trigger" line up to its state ("fired", "records"), which is the run's.
 */
static void print_kernel_view(const char *what)
{
	char *view = ms_slurp(EVENTS), *sub = view ? my_subscriber(view) : NULL;
	char *line, *save = NULL, *cut;

	if (!sub) {
		printf("kernel %s: no subscriber of pid in %s\n", what, EVENTS);
		free(view);
		return;
	}
	for (line = strtok_r(sub, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "subscriber ", 11)) {
			cut = strstr(line, " interval_ms ");
			printf("kernel %s:%s\n", what, cut ? cut : " no interval");
			continue;
		}
		cut = strstr(line, " fired ");
		if (cut)
			*cut = '\0';
		printf("kernel %s: %s\n", what, line + strspn(line, " "));
	}
	free(sub);
	free(view);
}

/*
 * The kernel's log line of this record (pid, trigger, reason, time in ms):
 * "ok" if its level, zone, zone level and value are the record's.
 */
static const char *kernel_log_agrees(const struct memscope_event *ev)
{
	char *view = ms_slurp(EVENTS), *line, *save = NULL;
	const char *verdict = "no line for it in the kernel's log";
	struct ms_event_row r;

	/* The rows through the memscope tool's parser of the events view. */
	for (line = view ? strtok_r(view, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!ms_parse_event_line(line, &r))
			continue;
		if (r.pid != getpid() || r.trigger != ev->trigger_id ||
		    r.time_ms != ev->timestamp_ns / 1000000 ||
		    strcmp(r.reason, ev->reason == MEMSCOPE_REASON_CLEARED ? "cleared" : "fired"))
			continue;
		if (ev->kind >= sizeof(kind_names) / sizeof(kind_names[0]) ||
		    strcmp(r.kind, kind_names[ev->kind]))
			verdict = "kind differs from the kernel's log";
		else if (ev->level > 4 || strcmp(r.level, level_names[ev->level]))
			verdict = "level differs from the kernel's log";
		else if (ev->zone_level > 4 || strcmp(r.zone_level, level_names[ev->zone_level]))
			verdict = "zone_level differs from the kernel's log";
		else if (strcmp(r.zone, ev->zone[0] ? ev->zone : "-"))
			verdict = "zone differs from the kernel's log";
		else if (r.value != ev->value)
			verdict = "value differs from the kernel's log";
		else
			verdict = "ok";
		break;
	}
	free(view);
	return verdict;
}

/* ---- records ---- */

static unsigned long long script_start_ns;

/*
 * The record's fields that the script decides, then its other fields
 * checked: against the kernel's log, the clock, and what each kind's
 * value means (Documentation/ABI/testing/dev-memscope).
 */
static void print_record(const struct memscope_event *ev)
{
	unsigned long long total = (unsigned long long)ms_meminfo("MemTotal") * 1024;
	const char *v = "ok";

	printf("record seq %llu size %u version %u trigger %u kind %u reason %u node %d zone '%.16s' order %u merged %llu dropped %llu page_size %u reserved %u %llu %llu\n",
	       (unsigned long long)ev->seq, ev->size, ev->version, ev->trigger_id, ev->kind,
	       ev->reason, ev->node, ev->zone, ev->order, (unsigned long long)ev->merged,
	       (unsigned long long)ev->dropped, ev->page_size, ev->reserved0,
	       (unsigned long long)ev->reserved[0], (unsigned long long)ev->reserved[1]);
	if (ev->timestamp_ns < script_start_ns || ev->timestamp_ns > now_ns())
		v = "timestamp outside the run";
	else if (ev->page_size != (unsigned int)sysconf(_SC_PAGESIZE))
		v = "page_size is not sysconf(_SC_PAGESIZE)";
	else if (!ev->min_bytes || ev->min_bytes > ev->low_bytes || ev->low_bytes > ev->high_bytes)
		v = "watermarks not 0 < min <= low <= high";
	else if (ev->free_bytes > total || ev->available_bytes > total || ev->high_bytes > total)
		v = "free, available or high above MemTotal";
	else if (ev->kind == MEMSCOPE_TRIG_AVAILABLE && ev->value != ev->available_bytes)
		v = "AVAILABLE: value is not available_bytes";
	else if (ev->kind == MEMSCOPE_TRIG_HEADROOM &&
		 ev->value != (ev->free_bytes > ev->high_bytes ? ev->free_bytes - ev->high_bytes : 0))
		v = "HEADROOM: value is not free_bytes - high_bytes";
	else if (ev->kind == MEMSCOPE_TRIG_ORDER && ev->value != ev->order_blocks)
		v = "ORDER: value is not order_blocks";
	else if (ev->kind != MEMSCOPE_TRIG_ORDER && ev->order_blocks)
		v = "order_blocks set on a kind other than ORDER";
	else
		v = kernel_log_agrees(ev);
	printf("check record %llu: %s\n", (unsigned long long)ev->seq, v);
}

/* Every field, for records that both builds read from one evaluation. */
static void print_record_full(const struct memscope_event *ev)
{
	printf("record-full size %u version %u trigger %u seq %llu ts %llu kind %u reason %u level %u zone_level %u node %d zone '%.16s' order %u free %llu min %llu low %llu high %llu available %llu order_blocks %llu value %llu merged %llu dropped %llu page_size %u reserved %u %llu %llu\n",
	       ev->size, ev->version, ev->trigger_id, (unsigned long long)ev->seq,
	       (unsigned long long)ev->timestamp_ns, ev->kind, ev->reason, ev->level,
	       ev->zone_level, ev->node, ev->zone, ev->order,
	       (unsigned long long)ev->free_bytes, (unsigned long long)ev->min_bytes,
	       (unsigned long long)ev->low_bytes, (unsigned long long)ev->high_bytes,
	       (unsigned long long)ev->available_bytes, (unsigned long long)ev->order_blocks,
	       (unsigned long long)ev->value, (unsigned long long)ev->merged,
	       (unsigned long long)ev->dropped, ev->page_size, ev->reserved0,
	       (unsigned long long)ev->reserved[0], (unsigned long long)ev->reserved[1]);
}

/* read() into room for @room records (and a few bytes more); prints them. */
static void read_records(int fd, const char *name, int room)
{
	size_t len = room * sizeof(struct memscope_event) + 100;
	struct memscope_event *ev = calloc(1, len);
	ssize_t n = read(fd, ev, len);

	result(name, n);
	for (ssize_t i = 0; n > 0 && i < n / (ssize_t)sizeof(*ev); i++)
		print_record(&ev[i]);
	if (n > 0 && n % sizeof(*ev))
		printf("%s: %zd bytes, not whole records\n", name, n);
	free(ev);
}

static void print_stats(int fd, const char *name)
{
	struct memscope_stats st;
	long ret;

	memset(&st, 0xa5, sizeof(st));
	ret = ioctl(fd, MEMSCOPE_IOC_STATS, &st);
	result(name, ret);
	if (!ret)
		printf("%s queued %llu read %llu dropped %llu triggers %u queue_len %u reserved %llu %llu\n",
		       name, (unsigned long long)st.queued, (unsigned long long)st.read,
		       (unsigned long long)st.dropped, st.triggers, st.queue_len,
		       (unsigned long long)st.reserved[0], (unsigned long long)st.reserved[1]);
}

/* Up to 5 s for @n records queued in all on the file (STATS). */
static void wait_queued(int fd, unsigned long long n)
{
	struct memscope_stats st;

	for (int i = 0; i < 250; i++) {
		if (ioctl(fd, MEMSCOPE_IOC_STATS, &st) || st.queued >= n)
			break;
		usleep(20000);
	}
	/* Time for a record that should not come, so both runs would show it. */
	usleep(200000);
}

static void print_poll(int fd, const char *name)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLPRI | POLLRDNORM };
	int n = poll(&p, 1, 0);

	printf("%s n %d revents %#x\n", name, n, n == 1 ? p.revents : 0);
}

static void text(int fd, const char *line)
{
	ssize_t n = write(fd, line, strlen(line));

	printf("write '%s' ret %zd errno %d\n", line, n, n < 0 ? errno : 0);
}

/* ---- the script ---- */

static struct memscope_trigger trig(__u32 kind)
{
	struct memscope_trigger t;

	memset(&t, 0, sizeof(t));
	t.size = sizeof(t);
	t.kind = kind;
	return t;
}

static void add(int fd, const char *name, struct memscope_trigger *t)
{
	long ret = ioctl(fd, MEMSCOPE_IOC_ADD, t);

	printf("add %s ret %ld errno %d id %u\n", name, ret, ret < 0 ? errno : 0, t->id);
}

static void zoned(struct memscope_trigger *t, const char *zone, int node)
{
	t->flags |= MEMSCOPE_TRIGF_ZONE;
	t->node = node;
	snprintf(t->zone, sizeof(t->zone), "%s", zone);
}

/* One trigger of each kind, the zone ones on @zone of @node. */
static void add_each_kind(int fd, const char *zone, int node, unsigned int top)
{
	struct memscope_trigger t;

	/* Levels: OOM, which no run here reaches (a lower one might, in one run only). */
	t = trig(MEMSCOPE_TRIG_LEVEL);
	t.level = MEMSCOPE_LEVEL_OOM;
	add(fd, "level", &t);
	zoned(&t, zone, node);
	add(fd, "zone-level", &t);
	/* The next three hold now, so each fires at once. */
	t = trig(MEMSCOPE_TRIG_AVAILABLE);
	t.threshold = TIB;
	t.rearm = TIB + (1ULL << 30);
	add(fd, "available", &t);
	t = trig(MEMSCOPE_TRIG_HEADROOM);
	zoned(&t, zone, node);
	t.level = MEMSCOPE_WMARK_HIGH;
	t.threshold = TIB;
	add(fd, "headroom", &t);
	t = trig(MEMSCOPE_TRIG_ORDER);
	t.flags = MEMSCOPE_TRIGF_CLEAR;
	t.threshold = TIB;
	add(fd, "order", &t);
	t = trig(MEMSCOPE_TRIG_STALL);
	t.flags = MEMSCOPE_TRIGF_STALL_RECLAIM | MEMSCOPE_TRIGF_STALL_COMPACT;
	t.threshold = 60ULL * 1000000000ULL;
	add(fd, "stall", &t);
	t = trig(MEMSCOPE_TRIG_ALLOC_FAIL);
	t.order = top;
	add(fd, "alloc_fail", &t);
	t = trig(MEMSCOPE_TRIG_OOM);
	add(fd, "oom", &t);
}

/* ADDs the kernel refuses, and the sizes a newer header would pass. */
static void add_bad(int fd, const char *zone, int node)
{
	struct {
		struct memscope_trigger t;
		__u64 future[4];
	} big;
	struct memscope_trigger t, *ro;
	long ret;

	t = trig(MEMSCOPE_TRIG_OOM);
	t.size = MEMSCOPE_TRIGGER_SIZE_V1 - 8;
	add(fd, "size-v1-less-8", &t);
	t.size = 1 << 20;
	add(fd, "size-1M", &t);
	t = trig(99);
	add(fd, "kind-99", &t);
	t = trig(MEMSCOPE_TRIG_OOM);
	t.reserved[1] = 5;
	add(fd, "reserved-set", &t);
	t = trig(MEMSCOPE_TRIG_OOM);
	t.reserved0 = 1;
	add(fd, "reserved0-set", &t);
	t = trig(MEMSCOPE_TRIG_LEVEL);
	t.level = MEMSCOPE_LEVEL_LOW;
	t.flags = 0x80;
	add(fd, "flag-0x80", &t);
	t.flags = 0;
	zoned(&t, "NoSuchZone", node);
	add(fd, "no-such-zone", &t);
	t = trig(MEMSCOPE_TRIG_ORDER);
	t.order = 64;
	t.threshold = 1;
	add(fd, "order-64", &t);
	t = trig(MEMSCOPE_TRIG_AVAILABLE);
	t.threshold = 2 * TIB;
	t.rearm = TIB;
	add(fd, "rearm-below-threshold", &t);
	t = trig(MEMSCOPE_TRIG_HEADROOM);
	zoned(&t, zone, node);
	t.level = 7;
	t.threshold = 1;
	add(fd, "headroom-wmark-7", &t);

	/* A newer header's larger struct: its number, then its fields. */
	memset(&big, 0, sizeof(big));
	big.t = trig(MEMSCOPE_TRIG_OOM);
	big.t.size = sizeof(big);
	ret = ioctl(fd, _IOWR(MEMSCOPE_IOC_MAGIC, 0x01, big), &big);
	printf("add bigger-struct ret %ld errno %d id %u\n", ret, ret < 0 ? errno : 0, big.t.id);
	big.future[3] = 1;
	ret = ioctl(fd, _IOWR(MEMSCOPE_IOC_MAGIC, 0x01, big), &big);
	printf("add bigger-struct-nonzero ret %ld errno %d\n", ret, ret < 0 ? errno : 0);

	result("add bad-pointer", ioctl(fd, MEMSCOPE_IOC_ADD, bad_ptr()));
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED)
		return;
	*ro = trig(MEMSCOPE_TRIG_OOM);
	mprotect(ro, 4096, PROT_READ);
	result("add read-only-struct", ioctl(fd, MEMSCOPE_IOC_ADD, ro));
	munmap(ro, 4096);
}

static void simple_ioctls(int fd)
{
	__u32 v = 0;

	result("version", ioctl(fd, MEMSCOPE_IOC_VERSION, &v));
	printf("version value %u\n", v);
	result("version bad-pointer", ioctl(fd, MEMSCOPE_IOC_VERSION, bad_ptr()));
	result("ioctl unknown", ioctl(fd, _IO(MEMSCOPE_IOC_MAGIC, 0x7f)));
	result("ioctl other-magic", ioctl(fd, _IOR(0x42, 0x00, __u32), &v));
	v = 250;
	result("set_interval 250", ioctl(fd, MEMSCOPE_IOC_SET_INTERVAL, &v));
	print_kernel_view("interval");
	v = 3600001;
	result("set_interval 3600001", ioctl(fd, MEMSCOPE_IOC_SET_INTERVAL, &v));
	result("set_interval bad-pointer", ioctl(fd, MEMSCOPE_IOC_SET_INTERVAL, bad_ptr()));
	v = 0;
	result("set_interval 0", ioctl(fd, MEMSCOPE_IOC_SET_INTERVAL, &v));
	print_kernel_view("interval");
}

/* STATS at its own size, a newer header's larger one, and too small. */
static void stats_sizes(int fd)
{
	struct {
		struct memscope_stats s;
		__u64 future[3];
	} big;
	char small[sizeof(struct memscope_stats) - 4];
	long ret;

	print_stats(fd, "stats");
	memset(&big, 0xff, sizeof(big));
	ret = ioctl(fd, _IOR(MEMSCOPE_IOC_MAGIC, 0x05, big), &big);
	result("stats bigger-struct", ret);
	printf("stats bigger-struct queued %llu triggers %u tail %llx %llx %llx\n",
	       (unsigned long long)big.s.queued, big.s.triggers,
	       (unsigned long long)big.future[0], (unsigned long long)big.future[1],
	       (unsigned long long)big.future[2]);
	result("stats smaller-struct", ioctl(fd, _IOR(MEMSCOPE_IOC_MAGIC, 0x05, small), small));
	result("stats bad-pointer", ioctl(fd, MEMSCOPE_IOC_STATS, bad_ptr()));
}

static void del_and_clear(int fd)
{
	__u32 id = 3;	/* "available": the third ADD */

	result("del 3", ioctl(fd, MEMSCOPE_IOC_DEL, &id));
	result("del 3 again", ioctl(fd, MEMSCOPE_IOC_DEL, &id));
	result("del bad-pointer", ioctl(fd, MEMSCOPE_IOC_DEL, bad_ptr()));
	print_stats(fd, "stats after del");
	result("clear", ioctl(fd, MEMSCOPE_IOC_CLEAR));
	print_stats(fd, "stats after clear");
	print_kernel_view("after clear");
}

/* A blocking read() woken by a record (alarm(): no hang if none comes). */
static void blocking_read(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	alarm(10);
	text(fd, "available below 1024G");
	read_records(fd, "read blocking", 4);
	alarm(0);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* A four-record queue given six records: two dropped, counted. */
static void overflow(void)
{
	char *old = ms_slurp(QUEUE_LEN);
	int fd;

	if (!old || ms_write_str(QUEUE_LEN, "4")) {
		printf("overflow: cannot set %s\n", QUEUE_LEN);
		free(old);
		return;
	}
	fd = open(ABI32_DEV, O_RDWR | O_NONBLOCK);
	ms_write_str(QUEUE_LEN, old);
	free(old);
	printf("overflow open %s\n", fd < 0 ? strerror(errno) : "ok");
	if (fd < 0)
		return;
	for (int i = 0; i < 6; i++)
		text(fd, "available below 1024G");
	wait_queued(fd, 6);
	print_stats(fd, "overflow stats");
	read_records(fd, "overflow read", 8);
	print_stats(fd, "overflow stats after read");
	close(fd);
}

static int script(const char *zone, int node, unsigned int top)
{
	char small[sizeof(struct memscope_event) - 1];
	int fd;

	script_start_ns = now_ns();
	fd = open(ABI32_DEV, O_RDWR | O_NONBLOCK);
	printf("open %s\n", fd < 0 ? strerror(errno) : "ok");
	if (fd < 0)
		return 0;
	print_poll(fd, "poll empty");
	read_records(fd, "read empty", 1);
	result("read short-buffer", read(fd, small, sizeof(small)));
	simple_ioctls(fd);
	add_each_kind(fd, zone, node, top);
	add_bad(fd, zone, node);
	print_kernel_view("triggers");
	text(fd, "available below 1024G above 1025G clear");
	text(fd, "stall 5x");
	text(fd, "del 999");
	/* available, headroom, order, and the text line's available. */
	wait_queued(fd, 4);
	print_poll(fd, "poll records");
	stats_sizes(fd);
	result("read bad-buffer", read(fd, bad_ptr(), sizeof(struct memscope_event)));
	read_records(fd, "read two", 2);
	read_records(fd, "read rest", 16);
	print_poll(fd, "poll drained");
	read_records(fd, "read drained", 1);
	print_stats(fd, "stats after reads");
	del_and_clear(fd);
	blocking_read(fd);
	close(fd);
	overflow();
	printf("end\n");
	return 0;
}

/*
 * Both builds run this at once, each on its own file: the one allocation
 * failure the harness then makes reaches both in the same evaluation, so
 * every field of the two records must be equal.
 */
static int shared(unsigned int order)
{
	struct pollfd p = { .events = POLLIN };
	struct memscope_trigger t = trig(MEMSCOPE_TRIG_ALLOC_FAIL);
	struct memscope_event ev;
	ssize_t n;

	p.fd = open(ABI32_DEV, O_RDWR | O_NONBLOCK);
	t.order = order;
	if (p.fd < 0 || ioctl(p.fd, MEMSCOPE_IOC_ADD, &t)) {
		printf("shared: %s\n", strerror(errno));
		return 0;
	}
	printf("ready\n");
	fflush(stdout);
	if (poll(&p, 1, 20000) != 1) {
		printf("shared: no record within 20 s\n");
		return 0;
	}
	n = read(p.fd, &ev, sizeof(ev));
	result("shared read", n);
	if (n == sizeof(ev))
		print_record_full(&ev);
	close(p.fd);
	return 0;
}

int abi32_worker(int argc, char **argv)
{
	int ret = 2;

	if (argc == 1 && !strcmp(argv[0], "layout")) {
		print_layout();
		ret = 0;
	} else if (argc == 4 && !strcmp(argv[0], "script")) {
		ret = script(argv[1], atoi(argv[2]), atoi(argv[3]));
	} else if (argc == 2 && !strcmp(argv[0], "shared")) {
		ret = shared(atoi(argv[1]));
	} else {
		fprintf(stderr, "usage: --worker layout | script ZONE NODE ORDER | shared ORDER\n");
	}
	fflush(stdout);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The 32-bit ABI of /dev/memscope on a 64-bit kernel (abi32.h): the
 * native build of this program is the oracle for its 32-bit build (i386 on
 * x86_64, armel on arm64), which talks to the device through the kernel's
 * compat entry points (compat_ioctl, 32-bit read/write/poll). Both run the
 * worker of abi32_script.c and must print the same thing: the layout of
 * every uapi struct (also checked against the documented one), every
 * ioctl, text commands, poll() and read() in sequence, then one record
 * both read from the same evaluation, every field equal. Last, a 32-bit
 * memscoped and a native one, both subscribed, log the same line for a
 * level the helper module's hog makes the system cross.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/memscope.h>

#include "kselftest_harness.h"
#include "abi32.h"
#include "msview.h"

#define PRESSURE MS_DEBUGFS "/pressure"
/* The reason a 64-bit kernel without 32-bit user space gives to execve(). */
#define NO_COMPAT "kernel runs no 32-bit programs (no CONFIG_IA32_EMULATION or CONFIG_COMPAT)"
#define NO_BUILD "no 32-bit build staged (a 32-bit target)"

static char self_path[PATH_MAX];

/* Where scripts/build-target staged the 32-bit builds, beside this program. */
static void path_beside(char *out, size_t len, const char *name)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", self_path);
	snprintf(out, len, "%s/abi32/%s", dirname(dir), name);
}

struct run {
	pid_t pid;
	int out;		/* read end of its stdout */
};

/* Starts PROG --worker ARGS... with stdout on a pipe; 0 or -errno. */
static int start(struct run *r, const char *prog, const char *const *args)
{
	const char *argv[8] = { prog, "--worker" };
	int p[2], i;

	for (i = 0; args[i] && i < 5; i++)
		argv[i + 2] = args[i];
	argv[i + 2] = NULL;
	if (pipe(p))
		return -errno;
	r->pid = fork();
	if (r->pid < 0)
		return -errno;
	if (r->pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execv(prog, (char *const *)argv);
		/* 100 + errno: the caller tells ENOEXEC (no compat) apart. */
		_exit(100 + errno);
	}
	close(p[1]);
	r->out = p[0];
	return 0;
}

/* The rest of its output (malloc()ed) and its exit status. */
static char *finish(struct run *r, int *status)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	while (buf && (n = read(r->out, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len < 1024)
			buf = realloc(buf, cap *= 2);
	}
	if (buf)
		buf[len] = '\0';
	close(r->out);
	if (waitpid(r->pid, status, 0) != r->pid)
		*status = -1;
	return buf;
}

static char *run(const char *prog, const char *const *args, int *status)
{
	struct run r;

	if (start(&r, prog, args)) {
		*status = -1;
		return NULL;
	}
	return finish(&r, status);
}

/*
 * Compares the two transcripts line by line: 0 if equal, else the number of
 * differing lines (the first ten logged).
 */
static int compare(struct __test_metadata *_metadata, const char *native, const char *b32)
{
	const char *a = native, *b = b32;
	int line = 1, diffs = 0;

	while (*a || *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		if (la != lb || memcmp(a, b, la)) {
			if (diffs++ < 10)
				TH_LOG("line %d:\n#   native: %.*s\n#   32-bit: %.*s", line,
				       (int)la, a, (int)lb, b);
		}
		a += la + !!a[la];
		b += lb + !!b[lb];
		line++;
	}
	return diffs;
}

/* Lines "check ...: VERDICT" whose verdict is not "ok" (logged). */
static int bad_checks(struct __test_metadata *_metadata, const char *who, const char *t)
{
	int bad = 0;

	for (const char *p = t; (p = strstr(p, "\ncheck ")); p++) {
		size_t len = strcspn(p + 1, "\n");

		if (len < 4 || memcmp(p + 1 + len - 4, ": ok", 4)) {
			TH_LOG("%s: %.*s", who, (int)len, p + 1);
			bad++;
		}
	}
	return bad;
}

/* A program's ELF class: 1 (32-bit), 2 (64-bit), or -1. */
static int elf_class(const char *path)
{
	unsigned char id[5];
	int fd = open(path, O_RDONLY), n;

	if (fd < 0)
		return -1;
	n = read(fd, id, sizeof(id));
	close(fd);
	return n == 5 && !memcmp(id, "\177ELF", 4) ? id[4] : -1;
}

/*
 * The 32-bit build runs here: 0, its path in @path. Else the case is
 * skipped (none was staged: the target is 32-bit itself; or the kernel
 * runs no 32-bit programs) or failed, and the result is -1.
 */
static int need_32bit(struct __test_metadata *_metadata, char *path, size_t len)
{
	const char *const args[] = { "layout", NULL };
	char *t;
	int st;

	path_beside(path, len, "abi32_test");
	if (access(path, X_OK))
		SKIP(return -1, NO_BUILD);
	EXPECT_EQ(1, elf_class(path))	/* ELFCLASS32 */
		return -1;
	EXPECT_EQ(sizeof(long) / 4, elf_class(self_path))
		return -1;
	t = run(path, args, &st);
	free(t);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 100 + ENOEXEC)
		SKIP(return -1, NO_COMPAT);
	EXPECT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st)) {
		TH_LOG("%s --worker layout: status %#x", path, st);
		return -1;
	}
	return 0;
}

/* A field as this build lays it out, and as documented. */
struct field {
	const char *name;
	size_t offset, size, doc_offset, doc_size;
};

#define F(s, f, o, n) \
	{ #s "." #f, offsetof(struct s, f), sizeof(((struct s *)0)->f), o, n }

/*
 * The documented layout (include/uapi/linux/memscope.h and
 * Documentation/ABI/testing/dev-memscope).
 */
static const struct field layout[] = {
	F(memscope_trigger, size, 0, 4), F(memscope_trigger, kind, 4, 4),
	F(memscope_trigger, flags, 8, 4), F(memscope_trigger, node, 12, 4),
	F(memscope_trigger, zone, 16, 16), F(memscope_trigger, level, 32, 4),
	F(memscope_trigger, order, 36, 4), F(memscope_trigger, threshold, 40, 8),
	F(memscope_trigger, rearm, 48, 8), F(memscope_trigger, id, 56, 4),
	F(memscope_trigger, reserved0, 60, 4), F(memscope_trigger, reserved, 64, 16),
	F(memscope_event, size, 0, 2), F(memscope_event, version, 2, 2),
	F(memscope_event, trigger_id, 4, 4), F(memscope_event, seq, 8, 8),
	F(memscope_event, timestamp_ns, 16, 8), F(memscope_event, kind, 24, 4),
	F(memscope_event, reason, 28, 4), F(memscope_event, level, 32, 4),
	F(memscope_event, zone_level, 36, 4), F(memscope_event, node, 40, 4),
	F(memscope_event, zone, 44, 16), F(memscope_event, order, 60, 4),
	F(memscope_event, free_bytes, 64, 8), F(memscope_event, min_bytes, 72, 8),
	F(memscope_event, low_bytes, 80, 8), F(memscope_event, high_bytes, 88, 8),
	F(memscope_event, available_bytes, 96, 8), F(memscope_event, order_blocks, 104, 8),
	F(memscope_event, value, 112, 8), F(memscope_event, merged, 120, 8),
	F(memscope_event, dropped, 128, 8), F(memscope_event, page_size, 136, 4),
	F(memscope_event, reserved0, 140, 4), F(memscope_event, reserved, 144, 16),
	F(memscope_stats, queued, 0, 8), F(memscope_stats, read, 8, 8),
	F(memscope_stats, dropped, 16, 8), F(memscope_stats, triggers, 24, 4),
	F(memscope_stats, queue_len, 28, 4), F(memscope_stats, reserved, 32, 16),
};

/* Both builds' layouts: the native one as documented, the 32-bit one the same. */
TEST(layout_as_documented_in_both_builds)
{
	const char *const args[] = { "layout", NULL };
	char path[PATH_MAX], *native, *b32;
	int st;

	ms_oracle("the documented layout of include/uapi/linux/memscope.h");
	for (size_t i = 0; i < sizeof(layout) / sizeof(layout[0]); i++) {
		EXPECT_EQ(layout[i].doc_offset, layout[i].offset) TH_LOG("%s", layout[i].name);
		EXPECT_EQ(layout[i].doc_size, layout[i].size) TH_LOG("%s", layout[i].name);
	}
	EXPECT_EQ(MEMSCOPE_TRIGGER_SIZE_V1, sizeof(struct memscope_trigger));
	EXPECT_EQ(MEMSCOPE_EVENT_SIZE_V1, sizeof(struct memscope_event));
	EXPECT_EQ(48, sizeof(struct memscope_stats));
	/* On a 32-bit target this build is the 32-bit one: checked above. */
	if (sizeof(long) == 4)
		return;

	if (need_32bit(_metadata, path, sizeof(path)))
		return;
	native = run(self_path, args, &st);
	ASSERT_TRUE(native && WIFEXITED(st) && !WEXITSTATUS(st));
	b32 = run(path, args, &st);
	ASSERT_TRUE(b32 && WIFEXITED(st) && !WEXITSTATUS(st));
	ms_oracle("the native build");
	EXPECT_EQ(0, compare(_metadata, native, b32));
	free(native);
	free(b32);
}

/* Top buddy order (/proc/buddyinfo's columns), and the zone the hog uses. */
static int top_order(void)
{
	char *t = ms_slurp("/proc/buddyinfo"), *line;
	int n = 0;

	line = t ? strstr(t, "zone") : NULL;
	if (line) {
		line = strpbrk(line + 4, " ");
		line += strspn(line, " ");
		line += strcspn(line, " ");	/* the zone's name */
		for (char *p = strtok(line, "\n "); p && isdigit(*p); p = strtok(NULL, "\n "))
			n++;
	}
	free(t);
	return n - 1;
}

/* The first populated zone of /proc/zoneinfo: a zone every target has. */
static int some_zone(int *node, char zone[16])
{
	struct ms_zoneinfo z[MS_MAX_ZONES];
	int n = ms_read_zoneinfo(z, MS_MAX_ZONES);

	for (int i = 0; i < n; i++) {
		if (z[i].populated && z[i].managed) {
			*node = z[i].node;
			snprintf(zone, 16, "%s", z[i].name);
			return 0;
		}
	}
	return -1;
}

/*
 * Every ioctl, text commands, poll() and read(), one after the other in
 * each build: the same transcript, and every record's own checks pass.
 */
/* Up to 10 s for the system level to be "none": 0, or -1. */
static int wait_level_none(void)
{
	for (int i = 0; i < 100; i++) {
		char *t = ms_slurp(PRESSURE), level[16] = "";

		if (t && !ms_kv_str(t, "system", "level", level, sizeof(level)) &&
		    !strcmp(level, "none")) {
			free(t);
			return 0;
		}
		free(t);
		usleep(100000);
	}
	return -1;
}

/* Only for the timeouts (the harness's plain TEST has 30 s). */
FIXTURE(abi32) {
};

FIXTURE_SETUP(abi32)
{
}

FIXTURE_TEARDOWN(abi32)
{
}

TEST_F_TIMEOUT(abi32, same_transcript_from_both_builds, 120)
{
	char path[PATH_MAX], zone[16], node_s[12], order_s[12], *native, *b32;
	const char *args[] = { "script", zone, node_s, order_s, NULL };
	int node, st;

	if (need_32bit(_metadata, path, sizeof(path)))
		return;
	ASSERT_EQ(0, some_zone(&node, zone));
	snprintf(node_s, sizeof(node_s), "%d", node);
	snprintf(order_s, sizeof(order_s), "%d", top_order());
	ASSERT_GT(top_order(), 0);
	/*
	 * A program before this one may have left pressure behind: the
	 * triggers that hold at once must hold for both runs alike.
	 */
	ASSERT_EQ(0, wait_level_none());
	native = run(self_path, args, &st);
	ASSERT_TRUE(native && WIFEXITED(st) && !WEXITSTATUS(st));
	b32 = run(path, args, &st);
	ASSERT_TRUE(b32 && WIFEXITED(st) && !WEXITSTATUS(st));
	ms_oracle("the native build; debugfs memscope/events (the kernel's log)");
	EXPECT_EQ(0, bad_checks(_metadata, "native", native));
	EXPECT_EQ(0, bad_checks(_metadata, "32-bit", b32));
	EXPECT_EQ(0, compare(_metadata, native, b32));
	EXPECT_TRUE(strstr(native, "\nend\n") != NULL);
	EXPECT_TRUE(strstr(native, "\nrecord seq 1 ") != NULL);
	if (_metadata->passed == 0)
		TH_LOG("native transcript:\n%s", native);
	free(native);
	free(b32);
}

/* Up to 10 s for a line from a worker (its "ready"). */
static int wait_line(int fd, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t n = 0;

	while (n < len - 1 && poll(&p, 1, 10000) == 1) {
		if (read(fd, buf + n, 1) != 1)
			break;
		if (buf[n++] == '\n')
			break;
	}
	buf[n] = '\0';
	return n && buf[n - 1] == '\n' ? 0 : -1;
}

/*
 * One allocation failure that both builds' files see in the same
 * evaluation: two records equal in every field, timestamps and free
 * memory included, and the value the one failure the helper made.
 */
TEST_F_TIMEOUT(abi32, same_record_in_both_builds, 60)
{
	char path[PATH_MAX], order_s[12], cmd[32], line[64], *native, *b32;
	const char *args[] = { "shared", order_s, NULL };
	struct run rn, rb;
	int st;

	if (need_32bit(_metadata, path, sizeof(path)))
		return;
	ASSERT_EQ(0, ms_load_helper(NULL));
	snprintf(order_s, sizeof(order_s), "%d", top_order());
	ASSERT_EQ(0, start(&rn, self_path, args));
	ASSERT_EQ(0, start(&rb, path, args));
	EXPECT_EQ(0, wait_line(rn.out, line, sizeof(line)));
	EXPECT_STREQ("ready\n", line);
	EXPECT_EQ(0, wait_line(rb.out, line, sizeof(line)));
	EXPECT_STREQ("ready\n", line);
	/* Exactly one failed allocation at the top order (helper, hk_fail). */
	snprintf(cmd, sizeof(cmd), "hk_fail %s", order_s);
	EXPECT_EQ(0, ms_write_str(MS_HELPER_CTL, cmd));
	native = finish(&rn, &st);
	EXPECT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st));
	b32 = finish(&rb, &st);
	EXPECT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st));
	ASSERT_TRUE(native && b32);
	ms_oracle("the native build; memscope_test helper: one failed allocation");
	EXPECT_TRUE(strstr(native, "record-full size 160 version 1 trigger 1 seq 1 ") != NULL)
		TH_LOG("native: %s", native);
	EXPECT_TRUE(strstr(native, " kind 6 reason 1 ") && strstr(native, " value 1 merged 1 "))
		TH_LOG("native: %s", native);
	EXPECT_EQ(0, compare(_metadata, native, b32));
	free(native);
	free(b32);
}

/*
 * memscoped built for 32 bits subscribes, and logs the level record a
 * native memscoped subscribed at the same time logs: the same line.
 */
TEST_F_TIMEOUT(abi32, memscoped_32bit_logs_what_native_logs, 120)
{
	struct daemon d[2] = { { .name = "native" }, { .name = "32-bit" } };
	char path[PATH_MAX], mpath[PATH_MAX], zone[16], boost[32], *a, *b;
	long long period, fast;
	int node, ret;

	if (need_32bit(_metadata, path, sizeof(path)))
		return;
	path_beside(mpath, sizeof(mpath), "memscoped");
	ASSERT_EQ(0, access(mpath, X_OK)) TH_LOG("%s: %s", mpath, strerror(errno));
	ASSERT_EQ(0, mkdir(ABI32_WORK, 0755) && errno != EEXIST ? -errno : 0);
	period = ms_param_get("period_ms");
	fast = ms_param_get("fast_period_ms");
	ASSERT_GT(period, 0);
	ASSERT_GT(fast, 0);
	ret = ms_hog_prepare(&node, zone, boost);
	ASSERT_EQ(0, ret) TH_LOG("hog: %s", strerror(-ret));
	ms_param_set("period_ms", "50");
	ms_param_set("fast_period_ms", "50");

	EXPECT_EQ(0, daemon_start(&d[0], "/tools/memscoped"));
	EXPECT_EQ(0, daemon_start(&d[1], mpath));
	EXPECT_EQ(0, wait_both(d, "running: ", 10000));
	a = ms_slurp(d[1].log);
	EXPECT_TRUE(a && strstr(a, "/dev/memscope: ABI version 1"));
	free(a);
	ret = cross_medium(d, node, zone);
	ms_write_str(MS_HELPER_CTL, "hog_release all");
	ms_hog_finish(boost);
	daemon_stop(&d[0]);
	daemon_stop(&d[1]);
	param_restore("period_ms", period);
	param_restore("fast_period_ms", fast);
	if (ret) {
		dump(d[0].out);
		dump(d[0].log);
		dump(d[1].out);
		dump(d[1].log);
	}
	ASSERT_EQ(0, ret) TH_LOG("no level medium record in both logs");
	a = log_line(d[0].log, "(level medium) fired: ");
	b = log_line(d[1].log, "(level medium) fired: ");
	ASSERT_TRUE(a && b);
	ms_oracle("the native memscoped's log");
	EXPECT_STREQ(a, b);
	TH_LOG("both: %s", a);
	free(a);
	free(b);
}

/* As TEST_HARNESS_MAIN, with the worker's entry in front. */
static void __attribute__((constructor)) abi32_order_last(void)
{
	if (!__constructor_order)
		__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD;
}

int main(int argc, char **argv)
{
	ssize_t n = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);

	self_path[n > 0 ? n : 0] = '\0';
	if (argc >= 2 && !strcmp(argv[1], "--worker"))
		return abi32_worker(argc - 2, argv + 2);
	return test_harness_run(argc, argv);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * security_test: memscope's defaults and what it shows.
 *
 *  - debugfs modes: every view is read-only (debugfs under lockdown
 *    refuses any file someone may write, even for reading), and only the
 *    mark file takes writes, 0200; a view is readable by everyone only if
 *    it is on the list of files whose content is already public (below),
 *    else it is 0400.
 *  - /dev/memscope is 0600 root:root by default; module parameters are not
 *    writable by other users (sysfs).
 *  - Changing global state needs CAP_SYS_ADMIN: every writable debugfs
 *    file refuses a write ("all") from uid 0 without capabilities with
 *    EPERM, and accepts it with them.
 *  - No kernel pointers anywhere: every debugfs file, every field of every
 *    record and of the stats, the parameters and memscope's kernel log
 *    lines are scanned for values in the kernel's address range of this
 *    architecture. The scanner is shown to work first: on planted values
 *    and on /proc/modules, where the kernel prints real module addresses
 *    to root.
 *  - Kernel lockdown (lockdown= on the command line: scripts/check boots
 *    Debian's x86_64 with each mode and versatilepb-nocompaction, our
 *    kernel with the lockdown LSM, with confidentiality): memscope either
 *    cannot be loaded, with the kernel saying why (a kernel that checks
 *    module signatures refuses an unsigned one under lockdown: a SKIP only
 *    those rows expect), or loads, names in one line exactly the views the
 *    kernel refuses (EPERM), and the rest works.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/memscope.h>

#include "kselftest_harness.h"
#include "msview.h"

#define DEV "/dev/memscope"
#define MEMSCOPE_KO "/lib/memscope/memscope.ko"
#define PARAMS "/sys/module/memscope/parameters"
#define LOCKDOWN "/sys/kernel/security/lockdown"

/*
 * Files everyone may read (when debugfs itself is reachable): what they
 * show is public already, and reading them takes no lock an allocation
 * needs. Any other file is for root only.
 */
static const char *const world_readable[] = {
	"buddy",	/* the numbers of /proc/buddyinfo (0444) */
	"alloc",	/* event counts, as /proc/vmstat's pgalloc_* (0444) */
	"reclaim",	/* event counts, as /proc/vmstat's reclaim lines (0444) */
};

/* ---- the scanner ---- */

struct range {
	unsigned long long lo, hi;	/* [lo, hi) */
};

/*
 * Kernel virtual addresses. 64-bit: the upper half, from
 * 0xff00000000000000, where x86_64 with 5-level paging starts (QEMU's
 * -cpu max has LA57 and Debian's kernel uses it: its linear map is at
 * 0xff11...); 4-level x86_64 (0xffff8...) and arm64 (0xffff0... or, with
 * 52-bit VAs, 0xfff0...) lie above. 32-bit ARM with the 3G/1G split: the
 * modules at PAGE_OFFSET - 16M = 0xbf000000 and everything above. The top
 * 64 KiB are left out: -1, -EINVAL and friends printed as unsigned are
 * sentinels and error codes, not pointers, and no pointer lives there.
 */
static struct range kernel_range(void)
{
	if (sizeof(long) == 8)
		return (struct range){ 0xff00000000000000ULL, 0xffffffffffff0000ULL };
	return (struct range){ 0xbf000000ULL, 0xffff0000ULL };
}

/* Physical RAM ranges (/proc/iomem as root), allowed in root-only files. */
static struct range ram[64];
static int nram;

static void read_iomem(void)
{
	char *t = ms_slurp("/proc/iomem"), *line, *save = NULL;

	nram = 0;
	for (line = t ? strtok_r(t, "\n", &save) : NULL; line && nram < 64;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long lo, hi;

		/* Top-level lines only: "00000000-0fffffff : System RAM". */
		if (line[0] != ' ' && strstr(line, ": System RAM") &&
		    sscanf(line, "%llx-%llx", &lo, &hi) == 2 && hi > lo)
			ram[nram++] = (struct range){ lo, hi + 1 };
	}
	free(t);
}

static bool in(const struct range *r, unsigned long long v)
{
	return v >= r->lo && v < r->hi;
}

static bool kernel_value(unsigned long long v, bool phys_ok)
{
	struct range k = kernel_range();

	if (!in(&k, v))
		return false;
	for (int i = 0; phys_ok && i < nram; i++)
		if (in(&ram[i], v))
			return false;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool parse_hex(const char *s, size_t len, unsigned long long *v)
{
	*v = 0;
	if (!len || len > 16)
		return false;
	for (size_t i = 0; i < len; i++) {
		int d = hexval(s[i]);

		if (d < 0)
			return false;
		*v = *v << 4 | d;
	}
	return true;
}

static bool parse_dec(const char *s, size_t len, unsigned long long *v)
{
	*v = 0;
	if (!len || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || *v > (~0ULL - (s[i] - '0')) / 10)
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/*
 * The first token of @text that reads as a kernel address, in any of the
 * ways one gets printed: 0x-prefixed hex, bare hex of pointer width
 * (%px, %lx), or decimal (%lu). Copied to @hit; false if none.
 */
static bool find_kernel_value(const char *text, bool phys_ok, char *hit, size_t hitlen)
{
	const char *p = text;

	while (*p) {
		const char *s = p;
		unsigned long long v;
		size_t len;
		bool found = false;

		if (hexval(*p) < 0) {
			p++;
			continue;
		}
		while (hexval(*p) >= 0 || *p == 'x' || *p == 'X')
			p++;
		len = p - s;
		/* A token glued to a word ("node0") is a name, not a number. */
		if (s > text && (s[-1] == '_' || (s[-1] >= 'g' && s[-1] <= 'z') ||
				 (s[-1] >= 'G' && s[-1] <= 'Z')))
			continue;
		if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			found = parse_hex(s + 2, len - 2, &v) && kernel_value(v, phys_ok);
		else if ((len == 8 || len == 16) && parse_hex(s, len, &v) && kernel_value(v, phys_ok))
			found = true;
		else
			found = parse_dec(s, len, &v) && kernel_value(v, phys_ok);
		if (found) {
			snprintf(hit, hitlen, "%.*s", (int)(len < 40 ? len : 40), s);
			return true;
		}
	}
	return false;
}

/* ---- helpers ---- */

static int drop_caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	return syscall(SYS_capset, &h, d);
}

/* The lockdown mode in force: "none", "integrity", "confidentiality". */
static void lockdown_mode(char *out, size_t len)
{
	char *t, *a, *b;

	mkdir("/sys/kernel/security", 0755);
	mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
	snprintf(out, len, "none");
	t = ms_slurp(LOCKDOWN);
	if (t && (a = strchr(t, '[')) && (b = strchr(a, ']'))) {
		*b = '\0';
		snprintf(out, len, "%s", a + 1);
	}
	free(t);
}

static bool locked_down(void)
{
	char mode[32];

	lockdown_mode(mode, sizeof(mode));
	return strcmp(mode, "none");
}

/* The kernel said it refused an unsigned module because of lockdown. */
static bool lockdown_refused_module(const char *log)
{
	const char *p = log;

	while ((p = strstr(p, "Lockdown: "))) {
		const char *eol = strchrnul(p, '\n');
		const char *m = strstr(p, "unsigned module loading is restricted");

		if (m && m < eol)
			return true;
		p = eol;
	}
	return false;
}

static int reload_defaults(void)
{
	int ret;

	if (ms_module_loaded("memscope")) {
		ret = ms_unload_module("memscope");
		if (ret)
			return ret;
	}
	return ms_load_module(MEMSCOPE_KO);
}

FIXTURE(sec) {
	int unused;
};

FIXTURE_SETUP(sec)
{
	/* Under lockdown only lockdown_fails_or_degrades_cleanly applies. */
	if (!locked_down() && !ms_module_loaded("memscope")) {
		ASSERT_EQ(0, ms_load_module(MEMSCOPE_KO));
	}
}

/* A skip in FIXTURE_SETUP still runs the test: each test says it. */
#define SKIP_IF_LOCKED_DOWN() do { \
	if (locked_down()) \
		SKIP(return, "kernel lockdown: see lockdown_fails_or_degrades_cleanly"); \
} while (0)

FIXTURE_TEARDOWN(sec)
{
}

TEST_F(sec, scanner_sees_planted_pointers)
{
	struct range k = kernel_range();
	/* The range's ends and middle, and a 5-level x86_64 linear-map address. */
	unsigned long long planted[] = {
		k.lo + 0x123000, k.hi - 0x10000 - 0x1000, k.lo + (k.hi - k.lo) / 2,
		sizeof(long) == 8 ? 0xff43872ac62159d8ULL : 0xc12159d8ULL,
	};
	char text[160], hit[48];
	char *mods;

	SKIP_IF_LOCKED_DOWN();

	for (unsigned int i = 0; i < sizeof(planted) / sizeof(planted[0]); i++) {
		snprintf(text, sizeof(text), "size 12 at 0x%llx.", planted[i]);
		EXPECT_TRUE(find_kernel_value(text, false, hit, sizeof(hit))) TH_LOG("%s", text);
		snprintf(text, sizeof(text), "[<%0*llx>] x", (int)(2 * sizeof(long)), planted[i]);
		EXPECT_TRUE(find_kernel_value(text, false, hit, sizeof(hit))) TH_LOG("%s", text);
		snprintf(text, sizeof(text), "value %llu\n", planted[i]);
		EXPECT_TRUE(find_kernel_value(text, false, hit, sizeof(hit))) TH_LOG("%s", text);
	}
	/* What must not count: sentinels, small numbers, names, phys. */
	snprintf(text, sizeof(text), "%llu %llu -1 4096 node0/Normal 0x%llx 0x0000000040000000",
	       ~0ULL, (unsigned long long)~0UL, k.lo - 1);
	EXPECT_FALSE(find_kernel_value(text, false, hit, sizeof(hit))) TH_LOG("false hit %s", hit);

	/* Real addresses: /proc/modules shows root where modules live. */
	mods = ms_slurp("/proc/modules");
	ASSERT_TRUE(mods != NULL);
	if (strstr(mods, " 0x0000000000000000") || strstr(mods, " 0x00000000\n")) {
		TH_LOG("kptr_restrict hides module addresses: no live check");
	} else {
		EXPECT_TRUE(find_kernel_value(mods, false, hit, sizeof(hit)))
			TH_LOG("the scanner does not see memscope's own address in /proc/modules");
	}
	free(mods);
}

TEST_F(sec, debugfs_modes)
{
	DIR *d = opendir(MS_DEBUGFS);
	struct dirent *e;
	struct stat st;
	char path[300];
	int n = 0;

	SKIP_IF_LOCKED_DOWN();

	ASSERT_TRUE(d != NULL);
	while ((e = readdir(d))) {
		bool pub = false;
		mode_t m;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", MS_DEBUGFS, e->d_name);
		ASSERT_EQ(0, stat(path, &st));
		if (!S_ISREG(st.st_mode))
			continue;
		n++;
		m = st.st_mode & 07777;
		for (unsigned int i = 0; i < sizeof(world_readable) / sizeof(world_readable[0]); i++)
			pub |= !strcmp(e->d_name, world_readable[i]);
		TH_LOG("%-12s %04o%s", e->d_name, m, pub ? " (public content)" : "");
		EXPECT_EQ(0, st.st_uid);
		EXPECT_EQ(0, st.st_gid);
		/* Never executable, never writable by anyone but root. */
		EXPECT_EQ(0, m & 07133) TH_LOG("%s: mode %04o", e->d_name, m);
		if (!strcmp(e->d_name, "mark")) {
			/* The one file that takes writes, and shows nothing. */
			EXPECT_EQ(0200, m);
		} else if (pub) {
			EXPECT_EQ(0444, m) TH_LOG("%s: mode %04o", e->d_name, m);
		} else {
			/* A view: read-only, so lockdown does not take it away. */
			EXPECT_EQ(0400, m)
				TH_LOG("%s: mode %04o, but it is not on the list of public files",
				       e->d_name, m);
		}
	}
	closedir(d);
	EXPECT_GE(n, 4);
}

static int open_as_user(const char *path, int flags)
{
	pid_t pid = fork();
	int status;

	if (!pid) {
		int fd;

		if (setgid(1000) || setuid(1000))
			_exit(200);
		fd = open(path, flags);
		_exit(fd >= 0 ? 0 : errno);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 201;
}

TEST_F(sec, device_and_parameters_are_root_only)
{
	struct dirent *e;
	struct stat st;
	char path[300];
	DIR *d;

	SKIP_IF_LOCKED_DOWN();

	/* The defaults: reload if an earlier test left other parameters. */
	ASSERT_EQ(0, reload_defaults());
	ASSERT_EQ(0, stat(DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
	EXPECT_EQ(EACCES, open_as_user(DEV, O_RDONLY));
	/* debugfs itself is root's: a user cannot even reach the views. */
	EXPECT_EQ(EACCES, open_as_user(MS_DEBUGFS "/buddy", O_RDONLY));

	d = opendir(PARAMS);
	ASSERT_TRUE(d != NULL);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", PARAMS, e->d_name);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_EQ(0, st.st_mode & 0133) TH_LOG("%s: mode %04o", path, st.st_mode & 07777);
		if (st.st_mode & 0200) {
			EXPECT_EQ(EACCES, open_as_user(path, O_WRONLY)) TH_LOG("%s", path);
		}
	}
	closedir(d);
}

/* In a child: uid 0 without capabilities writes "all"; its errno or 0. */
static int write_without_caps(const char *path)
{
	pid_t pid = fork();
	int status;

	if (!pid) {
		int fd;

		if (drop_caps())
			_exit(200);
		fd = open(path, O_WRONLY);
		if (fd < 0)
			_exit(100 + errno);
		_exit(write(fd, "all\n", 4) == 4 ? 0 : errno);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 201;
}

TEST_F(sec, writes_need_cap_sys_admin)
{
	DIR *d = opendir(MS_DEBUGFS);
	struct dirent *e;
	struct stat st;
	char path[300];
	int n = 0;

	SKIP_IF_LOCKED_DOWN();

	ASSERT_TRUE(d != NULL);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", MS_DEBUGFS, e->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode) || !(st.st_mode & 0200))
			continue;
		n++;
		EXPECT_EQ(EPERM, write_without_caps(path))
			TH_LOG("%s: a write without CAP_SYS_ADMIN was not refused with EPERM", path);
		/* With it, the same write is taken. */
		EXPECT_EQ(0, ms_write_str(path, "all\n")) TH_LOG("%s", path);
	}
	closedir(d);
	TH_LOG("%d writable file(s)", n);
	/* The mark file is the one: a view takes no writes. */
	EXPECT_EQ(1, n);
}

static void scan_text(struct __test_metadata *_metadata, const char *name,
		      const char *text, bool root_only)
{
	char hit[48];

	EXPECT_FALSE(find_kernel_value(text, root_only, hit, sizeof(hit)))
		TH_LOG("%s shows %s, an address in the kernel's range", name, hit);
}

/* A record, field by field: values, and zeros where nothing is said. */
static void scan_record(struct __test_metadata *_metadata, const struct memscope_event *e,
			unsigned long long now)
{
	const unsigned long long v[] = {
		e->trigger_id, e->seq, e->kind, e->reason, e->level, e->zone_level,
		(unsigned int)e->node, e->order, e->free_bytes, e->min_bytes, e->low_bytes,
		e->high_bytes, e->available_bytes, e->order_blocks,
		e->kind == MEMSCOPE_TRIG_STALL ? 0 : e->value, e->merged, e->dropped, e->page_size,
	};
	size_t zl = strnlen(e->zone, sizeof(e->zone));

	for (unsigned int i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		EXPECT_FALSE(kernel_value(v[i], false)) TH_LOG("record field %u: 0x%llx", i, v[i]);
	}
	/* A time (ns since boot) is at most now: a pointer would be above. */
	EXPECT_LE(e->timestamp_ns, now);
	EXPECT_EQ(0, e->reserved0);
	EXPECT_EQ(0, e->reserved[0]);
	EXPECT_EQ(0, e->reserved[1]);
	/* No stale kernel bytes behind the zone name's NUL. */
	for (size_t i = zl; i < sizeof(e->zone); i++) {
		EXPECT_EQ(0, e->zone[i]) TH_LOG("zone byte %zu after the name is 0x%02x", i,
						 (unsigned char)e->zone[i]);
	}
}

TEST_F(sec, no_kernel_pointers_anywhere)
{
	static struct ms_view v;
	struct memscope_event ev[16];
	struct memscope_stats sst;
	struct timespec ts;
	struct dirent *e;
	struct stat st;
	char path[300], line[96], *t, *log, *l, *save = NULL;
	int fds[3], nrec = 0, nfiles = 0, i;
	DIR *d;

	SKIP_IF_LOCKED_DOWN();

	read_iomem();
	/* Something in every view: subscribers with triggers, records. */
	ASSERT_EQ(0, ms_read_buddy(MS_DEBUGFS "/buddy", &v));
	for (i = 0; i < 3; i++) {
		fds[i] = open(DEV, O_RDWR | O_NONBLOCK);
		ASSERT_GE(fds[i], 0);
	}
	ASSERT_EQ(21, write(fds[0], "available below 1024G", 21));
	snprintf(line, sizeof(line), "zone %s node %d order 0 below 100000000", v.z[0].name,
		 v.z[0].node);
	ASSERT_EQ((ssize_t)strlen(line), write(fds[1], line, strlen(line)));
	snprintf(line, sizeof(line), "zone %s node %d headroom min 1024G", v.z[0].name,
		 v.z[0].node);
	ASSERT_EQ((ssize_t)strlen(line), write(fds[2], line, strlen(line)));
	ASSERT_EQ(3, write(fds[2], "oom", 3));
	if (!ms_module_loaded("memscope_test"))
		ms_load_module(MS_HELPER_KO);
	if (ms_module_loaded("memscope_test")) {
		ms_write_str(MS_HELPER_CTL, "hog_take 16 kernel");
		ms_write_str(MS_HELPER_CTL, "hog_release all");
	}
	usleep(300000);

	d = opendir(MS_DEBUGFS);
	ASSERT_TRUE(d != NULL);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", MS_DEBUGFS, e->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		t = ms_slurp(path);
		ASSERT_TRUE(t != NULL) TH_LOG("%s", path);
		/* Physical RAM addresses are fine where only root can read. */
		scan_text(_metadata, path, t, !(st.st_mode & 0044));
		free(t);
		nfiles++;
	}
	closedir(d);

	clock_gettime(CLOCK_MONOTONIC, &ts);
	for (i = 0; i < 3; i++) {
		ssize_t n = read(fds[i], ev, sizeof(ev));

		for (int j = 0; n > 0 && j < n / (ssize_t)sizeof(ev[0]); j++, nrec++)
			scan_record(_metadata, &ev[j],
				    ts.tv_sec * 1000000000ULL + ts.tv_nsec);
		memset(&sst, 0xa5, sizeof(sst));
		ASSERT_EQ(0, ioctl(fds[i], MEMSCOPE_IOC_STATS, &sst));
		EXPECT_EQ(0, sst.reserved[0]);
		EXPECT_EQ(0, sst.reserved[1]);
		EXPECT_FALSE(kernel_value(sst.queued, false) || kernel_value(sst.read, false) ||
			     kernel_value(sst.dropped, false));
	}
	EXPECT_GE(nrec, 2);

	d = opendir(PARAMS);
	ASSERT_TRUE(d != NULL);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", PARAMS, e->d_name);
		t = ms_slurp(path);
		if (t)
			scan_text(_metadata, path, t, false);
		free(t);
	}
	closedir(d);

	/* memscope's own kernel log lines, without the timestamp. */
	log = ms_kernel_log();
	ASSERT_TRUE(log != NULL);
	for (l = strtok_r(log, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *body = strchr(l, ']');

		if (strstr(l, "memscope"))
			scan_text(_metadata, "kernel log", body ? body + 1 : l, false);
	}
	free(log);
	for (i = 0; i < 3; i++)
		close(fds[i]);
	TH_LOG("%d debugfs files, %d records, the parameters and the kernel log scanned",
	       nfiles, nrec);
}

/*
 * The files memscope's lockdown line names ("...unavailable: a b c; the
 * read-only views ..."), the last such line of @log, copied into @out with
 * a space on each side of every name; false if there is no such line.
 */
#define LOCKDOWN_LINE "memscope: kernel lockdown: debugfs refuses writable files, " \
	"so these files are unavailable:"

static bool lockdown_views(const char *log, char *out, size_t len)
{
	const char *p = log, *last = NULL, *end;

	while ((p = strstr(p, LOCKDOWN_LINE))) {
		last = p + strlen(LOCKDOWN_LINE);
		p = last;
	}
	if (!last)
		return false;
	end = strpbrk(last, ";\n");
	if (!end || *end != ';')
		return false;
	snprintf(out, len, "%.*s ", (int)(end - last), last);
	return true;
}

static bool names(const char *views, const char *name)
{
	char word[300];

	snprintf(word, sizeof(word), " %s ", name);
	return strstr(views, word);
}

/*
 * Under lockdown with memscope loaded: the kernel (debugfs_locked_down() in
 * fs/debugfs/file.c, the oracle) decides which files open; memscope's line
 * must name exactly those it refuses, and what is left must work.
 */
static void check_degraded(struct __test_metadata *_metadata, const char *log)
{
	char views[256], path[300], buf[256], line[64];
	int nnamed = 0, nlost = 0, nkept = 0, fd;
	struct memscope_event ev;
	struct pollfd pfd;
	struct dirent *e;
	struct stat st;
	const char *w;
	DIR *d;

	ms_oracle("debugfs refusals under lockdown (fs/debugfs)");
	ASSERT_TRUE(lockdown_views(log, views, sizeof(views)))
		TH_LOG("memscope loaded under lockdown without saying what it cannot do");
	TH_LOG("unavailable:%s", views);
	if (strcmp(views, " none ")) {
		for (w = views; *w; w++)
			nnamed += w[0] != ' ' && (w == views || w[-1] == ' ');
	}

	d = opendir(MS_DEBUGFS);
	ASSERT_TRUE(d != NULL);
	while ((e = readdir(d))) {
		bool writable;
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", MS_DEBUGFS, e->d_name);
		/* stat() is not an open: lockdown lets it through. */
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s: %s", path, strerror(errno));
		if (!S_ISREG(st.st_mode))
			continue;
		writable = st.st_mode & 0222;
		errno = 0;
		fd = open(path, O_RDONLY);
		if (writable) {
			/* Refused even for reading, with the errno lockdown gives. */
			nlost++;
			EXPECT_TRUE(names(views, e->d_name))
				TH_LOG("%s is writable: refused, but memscope does not say so",
				       e->d_name);
			EXPECT_EQ(-1, fd) TH_LOG("%s opened under lockdown", e->d_name);
			EXPECT_EQ(EPERM, errno) TH_LOG("%s: %s", e->d_name, strerror(errno));
		} else {
			/* Kept: it opens and has something to say. */
			nkept++;
			EXPECT_FALSE(names(views, e->d_name))
				TH_LOG("%s is read-only and opens, but memscope names it",
				       e->d_name);
			EXPECT_GE(fd, 0) TH_LOG("%s: %s", e->d_name, strerror(errno));
			if (fd >= 0) {
				n = read(fd, buf, sizeof(buf));
				EXPECT_GT(n, 0) TH_LOG("%s: read %zd", e->d_name, n);
			}
		}
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
	/* Each name is one of the refused files: none invented, none twice. */
	EXPECT_EQ(nlost, nnamed) TH_LOG("%d refused files, %d named", nlost, nnamed);
	EXPECT_GE(nkept, 1);
	TH_LOG("%d views refused and named, %d read-only views work", nlost, nkept);

	/* /dev/memscope is not in debugfs: a trigger that holds fires. */
	fd = open(DEV, O_RDWR | O_NONBLOCK);
	ASSERT_GE(fd, 0) TH_LOG("%s: %s", DEV, strerror(errno));
	snprintf(line, sizeof(line), "available below 1024G");
	EXPECT_EQ((ssize_t)strlen(line), write(fd, line, strlen(line)));
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	/* Emulated guests are slow: generous, only a bound on a hang. */
	EXPECT_EQ(1, poll(&pfd, 1, 30000));
	EXPECT_EQ((ssize_t)sizeof(ev), read(fd, &ev, sizeof(ev)));
	EXPECT_EQ(MEMSCOPE_TRIG_AVAILABLE, ev.kind);
	close(fd);
}

/*
 * Runs in every guest. Not locked down: memscope loads and says nothing
 * about lockdown. Locked down (scripts/check's lockdown rows, booted
 * without loading memscope): a kernel that checks module signatures and
 * does not know memscope's key (Debian's) refuses it and says why; the
 * degraded branch then cannot run here, and the case says so with a SKIP
 * that only the rows of such kernels expect (selftests/expected-skips).
 * Where memscope loads under lockdown, it must name the views lockdown
 * refuses (each must fail with EPERM, every other one must work), and
 * /dev/memscope must deliver a record.
 */
TEST(lockdown_fails_or_degrades_cleanly)
{
	char mode[32], *log;
	struct stat st;
	int ret;

	lockdown_mode(mode, sizeof(mode));
	if (!strcmp(mode, "none")) {
		if (!ms_module_loaded("memscope")) {
			ASSERT_EQ(0, ms_load_module(MEMSCOPE_KO));
		}
		log = ms_kernel_log();
		ASSERT_TRUE(log != NULL);
		EXPECT_TRUE(strstr(log, "memscope: kernel lockdown") == NULL);
		free(log);
		return;
	}
	TH_LOG("lockdown: %s", mode);
	ret = ms_module_loaded("memscope") ? 0 : ms_load_module(MEMSCOPE_KO);
	log = ms_kernel_log();
	ASSERT_TRUE(log != NULL);
	/*
	 * The kernel's lockdown messages are rate-limited (10 in 5 s): under
	 * confidentiality the boot's tracefs refusals use them all up, and
	 * the refusal of the module is then not printed. Ask again until the
	 * window has passed.
	 */
	for (int i = 0; ret && !lockdown_refused_module(log) && i < 12; i++) {
		free(log);
		sleep(1);
		ret = ms_load_module(MEMSCOPE_KO);
		log = ms_kernel_log();
		ASSERT_TRUE(log != NULL);
	}
	if (ret) {
		/* Refused: by the kernel, with its reason in the log. */
		TH_LOG("insmod refused: %s", strerror(-ret));
		EXPECT_TRUE(ret == -EPERM || ret == -EKEYREJECTED);
		EXPECT_TRUE(lockdown_refused_module(log))
			TH_LOG("no lockdown message about the refused module in the log");
		EXPECT_FALSE(ms_module_loaded("memscope"));
		EXPECT_NE(0, stat(DEV, &st));
		free(log);
		/* A skip would hide a failed check: only a clean refusal skips. */
		if (_metadata->passed)
			SKIP(return,
			     "kernel refuses unsigned modules under lockdown: no degraded branch");
		return;
	}
	check_degraded(_metadata, log);
	free(log);
	EXPECT_EQ(0, ms_unload_module("memscope"));
}

TEST_HARNESS_MAIN

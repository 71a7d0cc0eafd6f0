// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped unit tests: process facts and victim choice, on a fake /proc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "victims.h"

#define SELF 4242

static char proc[256];

struct fake {
	int pid;
	const char *comm;
	char state;
	unsigned long flags;
	const char *adj;
};

static const struct fake fakes[] = {
	{ 1, "init", 'S', 0x400100, "1000" },		/* never, whatever its adj */
	{ SELF, "memscoped", 'S', 0x400100, "1000" },	/* never: itself */
	{ 100, "sleep", 'S', 0x400000, "1000" },
	{ 200, "odd) (name", 'R', 0x400000, "900\n" },	/* ')' inside the name */
	{ 300, "kworker/0:1", 'I', 0x04208060, "1000" },	/* kernel thread */
	{ 400, "zombie", 'Z', 0x400104, "1000" },
	{ 500, "unkillable", 'S', 0x400000, "-1000" },
	{ 600, "middle", 'S', 0x400000, "500" },
	{ 700, "plain", 'D', 0x400000, "0" },
	{ 800, "broken", 'S', 0x400000, "banana" },
};

static void put(const char *name, const char *text)
{
	char path[sizeof(proc) + 64];

	snprintf(path, sizeof(path), "%s/%s", proc, name);
	if (tap_write_file(path, text))
		tap_fail(__FILE__, __LINE__, "cannot write %s", path);
}

static int make_fake_proc(void)
{
	const char *dir = tap_tmpdir();
	char path[sizeof(proc) + 64], name[64], text[256];

	if (!dir)
		return -1;
	snprintf(proc, sizeof(proc), "%s", dir);
	for (size_t i = 0; i < sizeof(fakes) / sizeof(fakes[0]); i++) {
		const struct fake *f = &fakes[i];

		snprintf(path, sizeof(path), "%s/%d", proc, f->pid);
		mkdir(path, 0755);
		snprintf(name, sizeof(name), "%d/stat", f->pid);
		snprintf(text, sizeof(text),
			 "%d (%s) %c 1 %d %d 0 -1 %lu 100 0 0 0 5 3 0 0 20 0 1 0 99 1000 50\n",
			 f->pid, f->comm, f->state, f->pid, f->pid, f->flags);
		put(name, text);
		snprintf(name, sizeof(name), "%d/oom_score_adj", f->pid);
		put(name, f->adj);
	}
	/* Not processes: skipped without complaint. */
	snprintf(path, sizeof(path), "%s/self", proc);
	mkdir(path, 0755);
	put("uptime", "1.0 1.0\n");
	return 0;
}

static void remove_fake_proc(void)
{
	if (tap_rmtree(proc))
		tap_fail(__FILE__, __LINE__, "cannot remove %s", proc);
}

static void reads_stat_and_adj(void)
{
	struct msd_proc p;

	REQUIRE(make_fake_proc() == 0);
	CHECK_INT(msd_proc_read(proc, 200, &p), 0);
	CHECK_STR(p.comm, "odd) (name");
	CHECK_INT(p.state, 'R');
	CHECK(!p.kthread);
	CHECK_INT(p.oom_score_adj, 900);
	CHECK_INT(msd_proc_read(proc, 300, &p), 0);
	CHECK(p.kthread);
	CHECK_INT(msd_proc_read(proc, 500, &p), 0);
	CHECK_INT(p.oom_score_adj, -1000);
	CHECK_INT(msd_proc_read(proc, 800, &p), -EINVAL);
	CHECK_INT(msd_proc_read(proc, 999, &p), -ENOENT);
	remove_fake_proc();
}

static void never_init_self_kthreads_or_zombies(void)
{
	struct msd_proc p = { .pid = 1 };

	CHECK_STR(msd_proc_protected(&p, SELF), "it is init (pid 1)");
	p.pid = SELF;
	CHECK_STR(msd_proc_protected(&p, SELF), "it is memscoped itself");
	p.pid = 0;
	CHECK(msd_proc_protected(&p, SELF) != NULL);
	p.pid = 300;
	p.kthread = true;
	CHECK_STR(msd_proc_protected(&p, SELF), "it is a kernel thread");
	p.kthread = false;
	p.state = 'Z';
	CHECK_STR(msd_proc_protected(&p, SELF), "it has exited already");
	p.state = 'D';
	CHECK(msd_proc_protected(&p, SELF) == NULL);
}

static void scan_picks_by_threshold_highest_first(void)
{
	struct msd_proc found[16];
	int n, unreadable;

	REQUIRE(make_fake_proc() == 0);
	n = msd_scan_adj(proc, 900, SELF, found, 16, &unreadable);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(found[0].pid, 100);
		CHECK_INT(found[1].pid, 200);
	}
	CHECK_INT(unreadable, 1);	/* 800: oom_score_adj "banana" */
	n = msd_scan_adj(proc, -999, SELF, found, 16, &unreadable);
	CHECK_INT(n, 4);	/* 100, 200, 600, 700: never 1, SELF, 300, 400, 500 */
	CHECK_INT(unreadable, 1);	/* 800: "banana" */
	if (n == 4) {
		CHECK_INT(found[2].pid, 600);
		CHECK_INT(found[3].pid, 700);
		CHECK_INT(found[3].oom_score_adj, 0);
	}
	CHECK_INT(msd_scan_adj(proc, 1000, SELF, found, 1, &unreadable), 1);
	CHECK_INT(found[0].pid, 100);
	remove_fake_proc();
	CHECK_INT(msd_scan_adj(proc, 0, SELF, found, 16, &unreadable), -ENOENT);
}

static void pidfile_holds_one_positive_pid(void)
{
	static const struct { const char *text; long pid; } cases[] = {
		{ "123\n", 123 }, { "  77  \n", 77 }, { "42", 42 },
		{ "abc\n", -EINVAL }, { "0\n", -EINVAL }, { "-5\n", -EINVAL },
		{ "12 34\n", -EINVAL }, { "", -EINVAL }, { "99999999999999\n", -EINVAL },
	};
	const char *dir = tap_tmpdir();
	char path[300];

	REQUIRE(dir != NULL);
	snprintf(path, sizeof(path), "%s/x.pid", dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(tap_write_file(path, cases[i].text), 0);
		CHECK_INT(msd_pidfile_read(path), cases[i].pid);
	}
	unlink(path);
	CHECK_INT(msd_pidfile_read(path), -ENOENT);
	rmdir(dir);
}

const struct tap_test victims_tests[] = {
	{ "victims_reads_stat_and_adj", reads_stat_and_adj },
	{ "victims_never_init_self_kthreads_or_zombies", never_init_self_kthreads_or_zombies },
	{ "victims_scan_picks_by_threshold_highest_first", scan_picks_by_threshold_highest_first },
	{ "victims_pidfile_holds_one_positive_pid", pidfile_holds_one_positive_pid },
	{ NULL, NULL },
};

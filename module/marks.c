// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: the write-only "mark" file, which moves the "since mark"
 * columns of the views that have them.
 *
 * The views themselves are read-only. A view that took writes had to be
 * 0644 or 0600, and under kernel lockdown debugfs refuses to open any file
 * that someone may write, even for reading (debugfs_locked_down()): the
 * marks cost the views they belonged to. Now only this file is lost there.
 *
 *	echo alloc > /sys/kernel/debug/memscope/mark	one view
 *	echo all > /sys/kernel/debug/memscope/mark	every view with a mark
 *
 * Each view's mark is shared by all its readers, so setting one is an
 * administrator's job, judged by the credentials the file was opened with
 * (a descriptor passed to a less privileged process keeps them).
 */
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "memscope.h"
#include "hooks.h"
#include "pressure.h"

static const struct {
	const char *view;
	void (*mark)(void);
} ms_marks[] = {
	{ "alloc", ms_alloc_view_mark },
	{ "reclaim", ms_reclaim_view_mark },
	{ "slab", ms_slab_view_mark },
	{ "pressure", ms_pressure_mark },
};

static ssize_t ms_mark_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char buf[16], *word;
	bool all, found = false;
	unsigned int i;

	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	word = strim(buf);
	all = !strcmp(word, "all");
	for (i = 0; i < ARRAY_SIZE(ms_marks); i++) {
		if (!all && strcmp(word, ms_marks[i].view))
			continue;
		ms_marks[i].mark();
		found = true;
	}
	return found ? len : -EINVAL;
}

static const struct file_operations ms_mark_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = ms_mark_write,
	.llseek = noop_llseek,
};

/**
 * ms_marks_publish() - create the write-only "mark" file
 * @dir: memscope's debugfs directory
 *
 * Runs once init cannot fail (main.c), after every view with a mark.
 */
void ms_marks_publish(struct dentry *dir)
{
	debugfs_create_file("mark", 0200, dir, NULL, &ms_mark_fops);
}

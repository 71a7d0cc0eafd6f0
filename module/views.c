// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: every debugfs file, from one table.
 *
 * Each view is read-only and printed whole by its show function. The
 * table gives its name, its mode (who may read it, and why), and the
 * function that restarts its "since mark" columns, if it has them. From
 * the same table come the one writable file, "mark", and the one place
 * where lockdown policy is applied:
 *
 *	echo alloc > /sys/kernel/debug/memscope/mark	one view
 *	echo all > /sys/kernel/debug/memscope/mark	every view with a mark
 *
 * A view that took writes had to be 0644 or 0600, and under kernel
 * lockdown (integrity or confidentiality) debugfs refuses to open any file
 * that someone may write, even for reading (debugfs_locked_down() in
 * fs/debugfs/file.c): the marks would cost the views they belong to. So
 * only "mark" is lost there, and memscope says so once at load rather
 * than leave an EPERM to be puzzled over. /dev/memscope is not in debugfs
 * and keeps working. Kernels with module signatures refuse an unsigned
 * memscope.ko under lockdown before this runs, and log why themselves.
 *
 * Each view's mark is shared by all its readers, so setting one is an
 * administrator's job, judged by the credentials the file was opened with
 * (a descriptor passed to a less privileged process keeps them).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "hooks.h"
#include "pressure.h"
#include "views.h"

/*
 * Views are read-only by construction (a writable one would be lost under
 * lockdown): the table only says whether everyone may read one (0444) or
 * root alone (0400).
 */
#define MS_ROOT_ONLY false
#define MS_EVERYONE true

struct ms_view {
	const char *name;
	bool world_readable;
	int (*show)(struct seq_file *m, void *unused);
	void (*mark)(void);	/* restarts its "since mark" columns; NULL: none */
};

static const struct ms_view ms_views[] = {
	/* Nothing here is more than /proc/buddyinfo (0444) already shows. */
	{ "buddy", MS_EVERYONE, ms_buddy_show, NULL },
	/* Walks free lists under zone->lock: root only, like pagetypeinfo. */
	{ "pagetypes", MS_ROOT_ONLY, ms_pagetypes_show, NULL },
	/* Physical addresses of the kernel and its data: root only. */
	{ "reserved", MS_ROOT_ONLY, ms_reserved_show, NULL },
	/* Reading evaluates, a cost others should not make us pay: root only. */
	{ "pressure", MS_ROOT_ONLY, ms_pressure_show, ms_pressure_mark },
	{ "alloc", MS_EVERYONE, ms_alloc_show, ms_alloc_view_mark },
	{ "reclaim", MS_EVERYONE, ms_reclaim_show, ms_reclaim_view_mark },
	/* Call sites name kernel and module functions: root only. */
	{ "slab", MS_ROOT_ONLY, ms_slab_show, ms_slab_view_mark },
	/* Pids and uids of subscribers: root only. */
	{ "events", MS_ROOT_ONLY, ms_events_show, NULL },
	/* What /proc/meminfo and zoneinfo (0444) showed over the last minutes. */
	{ "history", MS_EVERYONE, ms_history_show, NULL },
};

static int ms_view_open(struct inode *inode, struct file *file)
{
	const struct ms_view *v = inode->i_private;

	return single_open(file, v->show, NULL);
}

static const struct file_operations ms_view_fops = {
	.owner = THIS_MODULE,
	.open = ms_view_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
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
	for (i = 0; i < ARRAY_SIZE(ms_views); i++) {
		if (!ms_views[i].mark || (!all && strcmp(word, ms_views[i].name)))
			continue;
		ms_views[i].mark();
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

/* The only file anyone may write; see the comment at the top. */
#define MS_MARK_MODE 0200

/**
 * ms_views_publish() - create every view and the "mark" file
 * @dir: memscope's debugfs directory
 *
 * Description:
 * Runs once init can no longer fail (main.c): no file exists over state
 * that a failed start would free. debugfs creation errors are ignored by
 * design: a file that could not be created is missing, the rest work.
 * Under kernel lockdown it logs, once, which files debugfs will refuse:
 * every writable one in the table, that is "mark".
 *
 * Context: process context (module init); takes no lock.
 */
void ms_views_publish(struct dentry *dir)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ms_views); i++)
		debugfs_create_file(ms_views[i].name,
				    ms_views[i].world_readable ? 0444 : 0400, dir,
				    (void *)&ms_views[i], &ms_view_fops);
	debugfs_create_file("mark", MS_MARK_MODE, dir, NULL, &ms_mark_fops);
	if (security_locked_down(LOCKDOWN_DEBUGFS))
		pr_notice("kernel lockdown: debugfs refuses writable files, so these files are unavailable: mark; the read-only views and /dev/memscope work\n");
}

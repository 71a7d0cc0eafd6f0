// SPDX-License-Identifier: GPL-2.0
/*
 * memscope_test: known allocations on request, so memscope's selftests can
 * compare its views with an exact oracle. Test-only; never load it on a
 * production system.
 *
 * debugfs memscope_test/ctl (0600) takes one command per write and hands
 * it to the handlers in mst_handlers[] (pages.c, ...; each file documents
 * its verbs). Reading ctl lists everything the handlers hold. All commands
 * run under one mutex.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "mst.h"

static const struct mst_handler *const mst_handlers[] = {
	&mst_pages_handler,
	&mst_hog_handler,
	&mst_activity_handler,
	&mst_hkpages_handler,
	&mst_hkslab_handler,
	&mst_bench_handler,
	&mst_floor_handler,
	&mst_h2_handler,
};

static DEFINE_MUTEX(mst_lock);
static struct dentry *mst_dir;

static int mst_run(char *cmd)
{
	char *verb = strsep(&cmd, " \t");
	unsigned int i;
	int ret;

	if (cmd)
		cmd = strim(cmd);
	for (i = 0; i < ARRAY_SIZE(mst_handlers); i++) {
		ret = mst_handlers[i]->run(verb, cmd);
		if (ret != -ENOIOCTLCMD)
			return ret;
	}
	return -EINVAL;
}

static ssize_t mst_ctl_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	/* On the stack: commands that give memory back come when there is none. */
	char buf[129];
	int ret;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	mutex_lock(&mst_lock);
	ret = mst_run(strim(buf));
	mutex_unlock(&mst_lock);
	return ret ? ret : len;
}

static int mst_ctl_show(struct seq_file *m, void *unused)
{
	unsigned int i;

	mutex_lock(&mst_lock);
	for (i = 0; i < ARRAY_SIZE(mst_handlers); i++)
		mst_handlers[i]->show(m);
	mutex_unlock(&mst_lock);
	return 0;
}

static int mst_ctl_open(struct inode *inode, struct file *file)
{
	return single_open(file, mst_ctl_show, NULL);
}

static const struct file_operations mst_ctl_fops = {
	.owner = THIS_MODULE,
	.open = mst_ctl_open,
	.read = seq_read,
	.write = mst_ctl_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int __init mst_init(void)
{
	mst_dir = debugfs_create_dir("memscope_test", NULL);
	if (IS_ERR(mst_dir))
		return PTR_ERR(mst_dir);
	debugfs_create_file("ctl", 0600, mst_dir, NULL, &mst_ctl_fops);
	return 0;
}

static void __exit mst_exit(void)
{
	unsigned int i;

	debugfs_remove_recursive(mst_dir);
	mutex_lock(&mst_lock);
	for (i = 0; i < ARRAY_SIZE(mst_handlers); i++)
		mst_handlers[i]->release();
	mutex_unlock(&mst_lock);
}

module_init(mst_init);
module_exit(mst_exit);

MODULE_DESCRIPTION("memscope selftest helper: known allocations on request");
MODULE_LICENSE("GPL");

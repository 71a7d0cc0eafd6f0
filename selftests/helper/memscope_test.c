// SPDX-License-Identifier: GPL-2.0
/*
 * memscope_test: known allocations on request, so memscope's selftests can
 * compare its views with an exact oracle. Test-only; never load it on a
 * production system.
 *
 * debugfs memscope_test/ctl (0600), one command per write:
 *   alloc_pages ORDER   allocate one block of 2^ORDER pages (GFP_KERNEL,
 *                       no retries, no warning) and hold it
 *   free_pages          free every held block
 * Reading ctl lists the held blocks, one per line:
 *   pages ORDER NODE ZONE PFN
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

/* Enough for every test, small enough that a runaway script cannot OOM. */
#define MST_MAX_BLOCKS 4096

struct mst_block {
	struct list_head node;
	struct page *page;
	unsigned int order;
};

static LIST_HEAD(mst_blocks);
static unsigned int mst_nr_blocks;
static DEFINE_MUTEX(mst_lock);
static struct dentry *mst_dir;

static int mst_alloc_pages(unsigned int order)
{
	struct mst_block *b;

	if (order >= MAX_ORDER)
		return -EINVAL;
	if (mst_nr_blocks >= MST_MAX_BLOCKS)
		return -ENOSPC;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->page = alloc_pages(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, order);
	if (!b->page) {
		kfree(b);
		return -ENOMEM;
	}
	b->order = order;
	list_add_tail(&b->node, &mst_blocks);
	mst_nr_blocks++;
	return 0;
}

static void mst_free_pages(void)
{
	struct mst_block *b, *tmp;

	list_for_each_entry_safe(b, tmp, &mst_blocks, node) {
		list_del(&b->node);
		__free_pages(b->page, b->order);
		kfree(b);
	}
	mst_nr_blocks = 0;
}

static int mst_run(char *cmd)
{
	char *verb = strsep(&cmd, " \t");
	unsigned int order;

	if (!strcmp(verb, "alloc_pages")) {
		if (!cmd || kstrtouint(strim(cmd), 0, &order))
			return -EINVAL;
		return mst_alloc_pages(order);
	}
	if (!strcmp(verb, "free_pages") && !cmd) {
		mst_free_pages();
		return 0;
	}
	return -EINVAL;
}

static ssize_t mst_ctl_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char *buf;
	int ret;

	if (len == 0 || len > 128)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	mutex_lock(&mst_lock);
	ret = mst_run(strim(buf));
	mutex_unlock(&mst_lock);
	kfree(buf);
	return ret ? ret : len;
}

static int mst_ctl_show(struct seq_file *m, void *unused)
{
	struct mst_block *b;

	mutex_lock(&mst_lock);
	list_for_each_entry(b, &mst_blocks, node)
		seq_printf(m, "pages %u %d %s %lu\n", b->order,
			   page_to_nid(b->page), page_zone(b->page)->name,
			   page_to_pfn(b->page));
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
	debugfs_remove_recursive(mst_dir);
	mutex_lock(&mst_lock);
	mst_free_pages();
	mutex_unlock(&mst_lock);
}

module_init(mst_init);
module_exit(mst_exit);

MODULE_DESCRIPTION("memscope selftest helper: known allocations on request");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: the /dev/memscope misc device. Each open file is a subscriber
 * with its own triggers and record queue (notify.c); this file only moves
 * commands in and records out. Documentation/ABI/testing/dev-memscope
 * describes the interface.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "notify.h"
#include "notify_parse.h"
#include "pressure.h"

static unsigned int dev_mode = 0600;
module_param(dev_mode, uint, 0444);
MODULE_PARM_DESC(dev_mode, "permissions of /dev/memscope (default 0600)");
static unsigned int dev_uid;
module_param(dev_uid, uint, 0444);
MODULE_PARM_DESC(dev_uid, "owner of /dev/memscope (default 0, root)");
static unsigned int dev_gid;
module_param(dev_gid, uint, 0444);
MODULE_PARM_DESC(dev_gid, "group of /dev/memscope (default 0, root)");
static unsigned int max_subscribers = 1024;
module_param(max_subscribers, uint, 0644);
MODULE_PARM_DESC(max_subscribers, "open /dev/memscope files in all (default 1024; more fail with ENFILE)");
static unsigned int max_per_uid = 64;
module_param(max_per_uid, uint, 0644);
MODULE_PARM_DESC(max_per_uid, "open /dev/memscope files per user without CAP_SYS_RESOURCE (default 64; more fail with EMFILE)");

static DEFINE_MUTEX(ms_open_mutex);
static unsigned int ms_open_count;

struct ms_uid_count {
	kuid_t uid;
	unsigned int n;
};

/* Opens per uid: a short list, since few users open the device. */
static struct ms_uid_count *ms_uids;
static unsigned int ms_nr_uids;

static struct ms_uid_count *ms_uid_slot(kuid_t uid, bool create)
{
	struct ms_uid_count *grown;
	unsigned int i;

	for (i = 0; i < ms_nr_uids; i++)
		if (uid_eq(ms_uids[i].uid, uid))
			return &ms_uids[i];
	if (!create)
		return NULL;
	grown = krealloc(ms_uids, (ms_nr_uids + 1) * sizeof(*ms_uids), GFP_KERNEL);
	if (!grown)
		return NULL;
	ms_uids = grown;
	ms_uids[ms_nr_uids].uid = uid;
	ms_uids[ms_nr_uids].n = 0;
	return &ms_uids[ms_nr_uids++];
}

static int ms_dev_open(struct inode *inode, struct file *file)
{
	bool limited = !capable(CAP_SYS_RESOURCE);
	struct ms_subscriber *sub;
	struct ms_uid_count *uc;
	int ret = 0;

	mutex_lock(&ms_open_mutex);
	if (ms_open_count >= READ_ONCE(max_subscribers)) {
		ret = -ENFILE;
		goto out;
	}
	uc = ms_uid_slot(current_fsuid(), true);
	if (!uc) {
		ret = -ENOMEM;
		goto out;
	}
	if (limited && uc->n >= READ_ONCE(max_per_uid)) {
		ret = -EMFILE;
		goto out;
	}
	sub = ms_subscriber_new();
	if (!sub) {
		ret = -ENOMEM;
		goto out;
	}
	uc->n++;
	ms_open_count++;
	file->private_data = sub;
	stream_open(inode, file);
out:
	mutex_unlock(&ms_open_mutex);
	return ret;
}

static int ms_dev_release(struct inode *inode, struct file *file)
{
	struct ms_subscriber *sub = file->private_data;
	struct ms_uid_count *uc;

	mutex_lock(&ms_open_mutex);
	uc = ms_uid_slot(sub->uid, false);
	if (uc && uc->n)
		uc->n--;
	ms_open_count--;
	mutex_unlock(&ms_open_mutex);
	ms_subscriber_free(sub);
	return 0;
}

static ssize_t ms_dev_read(struct file *file, char __user *buf, size_t count,
			   loff_t *ppos)
{
	struct ms_subscriber *sub = file->private_data;
	struct memscope_event ev;
	size_t done = 0;
	int ret;

	if (count < sizeof(ev))
		return -EINVAL;
	while (done + sizeof(ev) <= count) {
		if (!ms_subscriber_peek(sub, &ev)) {
			if (done)
				break;
			if (file->f_flags & O_NONBLOCK)
				return -EAGAIN;
			ret = wait_event_interruptible(sub->wait, READ_ONCE(sub->count));
			if (ret)
				return ret;
			continue;
		}
		if (copy_to_user(buf + done, &ev, sizeof(ev)))
			return done ? done : -EFAULT;
		ms_subscriber_consume(sub, &ev);
		done += sizeof(ev);
	}
	return done;
}

static __poll_t ms_dev_poll(struct file *file, poll_table *wait)
{
	struct ms_subscriber *sub = file->private_data;

	poll_wait(file, &sub->wait, wait);
	return READ_ONCE(sub->count) ? EPOLLIN | EPOLLRDNORM | EPOLLPRI : 0;
}

static int ms_dev_fasync(int fd, struct file *file, int on)
{
	struct ms_subscriber *sub = file->private_data;

	return fasync_helper(fd, file, on, &sub->fasync);
}

static int ms_run_cmd(struct ms_subscriber *sub, struct ms_cmd *cmd)
{
	switch (cmd->op) {
	case MS_CMD_TRIGGER:
		return ms_subscriber_add(sub, &cmd->trig);
	case MS_CMD_INTERVAL:
		return ms_subscriber_set_interval(sub, cmd->arg);
	case MS_CMD_CLEAR:
		ms_subscriber_clear(sub);
		return 0;
	case MS_CMD_DEL:
		return ms_subscriber_del(sub, cmd->arg);
	}
	return -EINVAL;
}

static ssize_t ms_dev_write(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	char buf[MS_CMD_MAX_LEN];
	struct ms_cmd cmd;
	int ret;

	if (!len || len > sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	ret = ms_parse_command(buf, len, &cmd);
	if (!ret)
		ret = ms_run_cmd(file->private_data, &cmd);
	return ret ? ret : len;
}

static long ms_ioctl_add(struct ms_subscriber *sub, void __user *uarg)
{
	struct memscope_trigger t;
	u32 usize;
	int ret;

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < MEMSCOPE_TRIGGER_SIZE_V1)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	/* A newer, larger struct is fine if its extra fields are zero. */
	ret = copy_struct_from_user(&t, sizeof(t), uarg, usize);
	if (ret)
		return ret;
	t.size = sizeof(t);
	ret = ms_subscriber_add(sub, &t);
	if (ret)
		return ret;
	if (put_user(t.id, (u32 __user *)(uarg + offsetof(struct memscope_trigger, id)))) {
		/* A trigger the caller cannot name could never be deleted. */
		ms_subscriber_del(sub, t.id);
		return -EFAULT;
	}
	return 0;
}

/*
 * The file's counters into a struct of @usize bytes: a caller built against
 * a newer header, whose struct has grown, gets zeros beyond what this
 * kernel knows; one smaller than version 1's is refused.
 */
static long ms_ioctl_stats(struct ms_subscriber *sub, void __user *uarg, size_t usize)
{
	struct memscope_stats st;
	unsigned long flags;

	if (usize < sizeof(st))
		return -EINVAL;
	memset(&st, 0, sizeof(st));
	spin_lock_irqsave(&sub->lock, flags);
	st.queued = sub->queued;
	st.read = sub->read;
	st.dropped = sub->dropped;
	st.triggers = sub->nr_triggers;
	st.queue_len = sub->ring_len;
	spin_unlock_irqrestore(&sub->lock, flags);
	if (copy_to_user(uarg, &st, sizeof(st)) ||
	    clear_user(uarg + sizeof(st), usize - sizeof(st)))
		return -EFAULT;
	return 0;
}

/*
 * ADD and STATS pass structs that a later ABI version may grow, and a
 * struct's size is part of an ioctl number: match those two on type,
 * number and direction only. A caller built against a newer header then
 * meets the size rules (zeros beyond what this kernel knows) rather than
 * ENOTTY, the way openat2() and clone3() take their growing structs.
 */
#define MS_IOC_NOSIZE(cmd)	((cmd) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))

static long ms_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct ms_subscriber *sub = file->private_data;
	void __user *uarg = (void __user *)arg;
	u32 v;

	if (MS_IOC_NOSIZE(cmd) == MS_IOC_NOSIZE(MEMSCOPE_IOC_ADD))
		return ms_ioctl_add(sub, uarg);
	if (MS_IOC_NOSIZE(cmd) == MS_IOC_NOSIZE(MEMSCOPE_IOC_STATS))
		return ms_ioctl_stats(sub, uarg, _IOC_SIZE(cmd));

	switch (cmd) {
	case MEMSCOPE_IOC_VERSION:
		return put_user((u32)MEMSCOPE_ABI_VERSION, (u32 __user *)uarg);
	case MEMSCOPE_IOC_DEL:
		if (get_user(v, (u32 __user *)uarg))
			return -EFAULT;
		return ms_subscriber_del(sub, v);
	case MEMSCOPE_IOC_CLEAR:
		ms_subscriber_clear(sub);
		return 0;
	case MEMSCOPE_IOC_SET_INTERVAL:
		if (get_user(v, (u32 __user *)uarg))
			return -EFAULT;
		return ms_subscriber_set_interval(sub, (u64)v * NSEC_PER_MSEC);
	}
	return -ENOTTY;
}

static const struct file_operations ms_dev_fops = {
	.owner = THIS_MODULE,
	.open = ms_dev_open,
	.release = ms_dev_release,
	.read = ms_dev_read,
	.write = ms_dev_write,
	.poll = ms_dev_poll,
	.fasync = ms_dev_fasync,
	.unlocked_ioctl = ms_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};

static struct miscdevice ms_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "memscope",
	.fops = &ms_dev_fops,
};

/*
 * struct miscdevice has a mode but no owner: when dev_uid or dev_gid is
 * set, change the devtmpfs node as an administrator's chown would. Systems
 * without devtmpfs at /dev use a udev or mdev rule instead (documented).
 */
static void ms_dev_chown(void)
{
	struct iattr ia = {
		.ia_valid = ATTR_UID | ATTR_GID,
		.ia_uid = make_kuid(&init_user_ns, dev_uid),
		.ia_gid = make_kgid(&init_user_ns, dev_gid),
	};
	struct path path;
	int ret;

	if (!dev_uid && !dev_gid)
		return;
	ret = kern_path("/dev/memscope", LOOKUP_FOLLOW, &path);
	if (ret) {
		pr_warn("dev_uid/dev_gid: no /dev/memscope node to change (%d)\n", ret);
		return;
	}
	inode_lock(d_inode(path.dentry));
	ret = notify_change(&init_user_ns, path.dentry, &ia, NULL);
	inode_unlock(d_inode(path.dentry));
	path_put(&path);
	if (ret)
		pr_warn("dev_uid/dev_gid: changing /dev/memscope failed (%d)\n", ret);
}

int ms_notify_dev_init(struct dentry *dir)
{
	int ret;

	if (dev_mode & ~0777) {
		pr_err("dev_mode=%o: only permission bits are allowed\n", dev_mode);
		return -EINVAL;
	}
	ms_miscdev.mode = dev_mode;
	ret = misc_register(&ms_miscdev);
	if (ret)
		return ret;
	ms_dev_chown();
	return 0;
}

/* Open files hold a module reference: none is left when this runs. */
void ms_notify_dev_exit(void)
{
	misc_deregister(&ms_miscdev);
	kfree(ms_uids);
	ms_uids = NULL;
	ms_nr_uids = 0;
}

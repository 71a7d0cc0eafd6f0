// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: the /dev/memscope misc device. Each open file is a subscriber
 * with its own triggers and record queue (notify.c); this file only moves
 * commands in and records out. Documentation/ABI/testing/dev-memscope
 * describes the interface.
 *
 * Locks: ms_open_mutex, then ms_subs_mutex (open() calls
 * ms_subscriber_new() with it held; release() drops it before
 * ms_subscriber_free()). sub->read_mutex, then sub->lock (read(): peek and
 * consume). Never the other way. sub->lock is otherwise taken alone (the
 * stats ioctl, the ms_subscriber_*() calls of write() and ioctl()); after
 * dropping it ms_subscriber_add() only queues a notification pass. The
 * inode lock of the /dev/memscope node is taken alone, at registration.
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

#include "compat/devnode.h"
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
MODULE_PARM_DESC(max_subscribers, "open /dev/memscope files in all (default 1024; more fail with ENFILE; the last 8 are kept for CAP_SYS_RESOURCE)");
static unsigned int max_per_uid = 64;
module_param(max_per_uid, uint, 0644);
MODULE_PARM_DESC(max_per_uid, "open /dev/memscope files per user without CAP_SYS_RESOURCE (default 64; more fail with EMFILE)");

/*
 * Slots of max_subscribers that only CAP_SYS_RESOURCE holders may take:
 * with dev_mode opening the device to other users, a flood of their opens
 * must not lock the supervisor out.
 */
#define MS_PRIVILEGED_SLOTS	8

static DEFINE_MUTEX(ms_open_mutex);
static unsigned int ms_open_count;

/*
 * Open files per uid, under ms_open_mutex. An entry lives while its uid
 * has a file open: few users open the device, and none is remembered
 * after its last close.
 */
struct ms_uid_count {
	struct list_head node;
	kuid_t uid;
	unsigned int n;
};

static LIST_HEAD(ms_uids);

static struct ms_uid_count *ms_uid_find(kuid_t uid)
{
	struct ms_uid_count *uc;

	list_for_each_entry(uc, &ms_uids, node)
		if (uid_eq(uc->uid, uid))
			return uc;
	return NULL;
}

/* The limits an opener meets: 0 or the errno open() returns. */
static int ms_open_allowed(bool privileged, const struct ms_uid_count *uc)
{
	unsigned int max = READ_ONCE(max_subscribers);

	if (ms_open_count >= max)
		return -ENFILE;
	if (privileged)
		return 0;
	if (uc && uc->n >= READ_ONCE(max_per_uid))
		return -EMFILE;
	/* At most half of a small limit is held back. */
	if (ms_open_count + min(max / 2, MS_PRIVILEGED_SLOTS) >= max)
		return -ENFILE;
	return 0;
}

static int ms_dev_open(struct inode *inode, struct file *file)
{
	bool privileged = capable(CAP_SYS_RESOURCE);
	struct ms_uid_count *uc, *fresh = NULL;
	struct ms_subscriber *sub;
	int ret;

	mutex_lock(&ms_open_mutex);
	uc = ms_uid_find(current_fsuid());
	ret = ms_open_allowed(privileged, uc);
	if (ret)
		goto out;
	if (!uc) {
		fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
		if (!fresh) {
			ret = -ENOMEM;
			goto out;
		}
		fresh->uid = current_fsuid();
		uc = fresh;
	}
	sub = ms_subscriber_new();
	if (!sub) {
		kfree(fresh);
		ret = -ENOMEM;
		goto out;
	}
	if (fresh)
		list_add(&fresh->node, &ms_uids);
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
	uc = ms_uid_find(sub->uid);
	if (uc && !--uc->n) {
		list_del(&uc->node);
		kfree(uc);
	}
	ms_open_count--;
	mutex_unlock(&ms_open_mutex);
	ms_subscriber_free(sub);
	return 0;
}

/*
 * Move the queued records that fit in @count bytes to the reader. The
 * caller holds sub->read_mutex: between peek and consume no other reader
 * of this file (a thread, a dup(), a forked child) may take the same
 * record. Returns the bytes copied, or -EFAULT if none could be.
 */
static ssize_t ms_dev_copy_records(struct ms_subscriber *sub, char __user *buf, size_t count)
{
	struct memscope_event ev;
	size_t done = 0;

	while (done + sizeof(ev) <= count && ms_subscriber_peek(sub, &ev)) {
		if (copy_to_user(buf + done, &ev, sizeof(ev))) {
			ms_subscriber_unpeek(sub, &ev);
			return done ? done : -EFAULT;
		}
		ms_subscriber_consume(sub, &ev);
		done += sizeof(ev);
	}
	return done;
}

static ssize_t ms_dev_read(struct file *file, char __user *buf, size_t count,
			   loff_t *ppos)
{
	struct ms_subscriber *sub = file->private_data;
	ssize_t ret;

	if (count < sizeof(struct memscope_event))
		return -EINVAL;
	for (;;) {
		/* Wait unlocked: a blocked reader must not hold off the others. */
		if (!(file->f_flags & O_NONBLOCK)) {
			ret = wait_event_interruptible(sub->wait, READ_ONCE(sub->count));
			if (ret)
				return ret;
		}
		if (mutex_lock_interruptible(&sub->read_mutex))
			return -ERESTARTSYS;
		ret = ms_dev_copy_records(sub, buf, count);
		mutex_unlock(&sub->read_mutex);
		/* Another reader may have emptied the queue since the wake-up. */
		if (ret)
			return ret;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
	}
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
	u32 __user *u_id;
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
	u_id = (u32 __user *)(uarg + offsetof(struct memscope_trigger, id));
	/*
	 * The id must reach the caller, or the trigger could never be
	 * deleted: find out before the trigger goes live (and may fire) that
	 * the field can be written. Only an unmap by another thread between
	 * here and the second write leaves the undo below to do.
	 */
	if (put_user(0, u_id))
		return -EFAULT;
	ret = ms_subscriber_add(sub, &t);
	if (ret)
		return ret;
	if (put_user(t.id, u_id)) {
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
	.llseek = MS_DEVNODE_LLSEEK,
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
	ret = ms_devnode_notify_change(path.dentry, &ia);
	inode_unlock(d_inode(path.dentry));
	path_put(&path);
	if (ret)
		pr_warn("dev_uid/dev_gid: changing /dev/memscope failed (%d)\n", ret);
}

/**
 * ms_notify_dev_prepare() - check the dev_mode parameter
 *
 * Description:
 * Registers nothing: the device appears in ms_notify_dev_register(), the
 * last step of init that may fail.
 *
 * Context: process context (module init).
 * Return: 0, or -EINVAL when dev_mode has bits beyond 0777.
 */
int ms_notify_dev_prepare(void)
{
	if (dev_mode & ~0777) {
		pr_err("dev_mode=%o: only permission bits are allowed\n", dev_mode);
		return -EINVAL;
	}
	ms_miscdev.mode = dev_mode;
	return 0;
}

/**
 * ms_notify_dev_register() - make /dev/memscope appear
 *
 * Description:
 * misc_register(), then, when dev_uid or dev_gid is set, a new owner for
 * the devtmpfs node (a failure there is logged, not returned). From here
 * on the device can be opened: main.c calls it after every prepare step.
 *
 * Context: process context (module init); may sleep. Takes the inode lock
 * of the /dev/memscope node when it changes the owner.
 * Return: 0, or the error of misc_register().
 */
int ms_notify_dev_register(void)
{
	int ret;

	ret = misc_register(&ms_miscdev);
	if (ret)
		return ret;
	ms_dev_chown();
	return 0;
}

/**
 * ms_notify_dev_exit() - remove /dev/memscope
 *
 * Description:
 * Open files hold a module reference: none is left when this runs, at
 * module exit before any feature stops.
 *
 * Context: process context (module exit); may sleep.
 */
void ms_notify_dev_exit(void)
{
	misc_deregister(&ms_miscdev);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope compat: /dev/memscope, the misc device node.
 *
 * - Not seekable. Up to 6.11 that is .llseek = no_llseek; 6.12 removed
 *   no_llseek and a NULL .llseek means the same. A misc device is opened
 *   through misc_fops (noop_llseek) and gets its own operations afterwards
 *   with FMODE_LSEEK still set, so a NULL .llseek is safe only because the
 *   device's open calls stream_open(), which clears FMODE_LSEEK: keep it.
 * - Its owner (dev_uid, dev_gid) is changed as an administrator's chown
 *   would: notify_change() takes a struct mnt_idmap since 6.3, a struct
 *   user_namespace before.
 * Probes: no_llseek.c, notify_change_idmap.c.
 */
#ifndef _MEMSCOPE_COMPAT_DEVNODE_H
#define _MEMSCOPE_COMPAT_DEVNODE_H

#include <linux/fs.h>
#include <linux/user_namespace.h>

#include "compat/have.h"

#ifdef HAVE_NOTIFY_CHANGE_IDMAP
#include <linux/mnt_idmapping.h>
#endif

#ifdef HAVE_NO_LLSEEK
#define MS_DEVNODE_LLSEEK no_llseek
#else
#define MS_DEVNODE_LLSEEK NULL
#endif

/**
 * ms_devnode_notify_change() - change a node's attributes as chown would
 * @dentry: the node, its inode locked by the caller
 * @ia: the attributes to change
 *
 * Context: process context; may sleep.
 * Return: 0 or the error of notify_change().
 */
static inline int ms_devnode_notify_change(struct dentry *dentry, struct iattr *ia)
{
#ifdef HAVE_NOTIFY_CHANGE_IDMAP
	return notify_change(&nop_mnt_idmap, dentry, ia, NULL);
#else
	return notify_change(&init_user_ns, dentry, ia, NULL);
#endif
}

#endif /* _MEMSCOPE_COMPAT_DEVNODE_H */

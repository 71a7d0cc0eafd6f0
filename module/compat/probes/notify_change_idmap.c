// SPDX-License-Identifier: GPL-2.0
/* HAVE_NOTIFY_CHANGE_IDMAP: notify_change() takes a struct mnt_idmap (6.3). */
#include <linux/fs.h>
#include <linux/mnt_idmapping.h>

int ms_probe(struct dentry *d, struct iattr *ia);
int ms_probe(struct dentry *d, struct iattr *ia)
{
	return notify_change(&nop_mnt_idmap, d, ia, NULL);
}

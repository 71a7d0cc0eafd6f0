// SPDX-License-Identifier: GPL-2.0
/* HAVE_DENTRY_D_CHILDREN: a dentry's children are an hlist, d_children (6.8). */
#include <linux/dcache.h>

struct dentry *ms_probe(struct dentry *dir);
struct dentry *ms_probe(struct dentry *dir)
{
	return hlist_entry_safe(dir->d_children.first, struct dentry, d_sib);
}

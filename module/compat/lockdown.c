// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: what is left of it under kernel lockdown.
 *
 * With lockdown=integrity or confidentiality, debugfs opens only files
 * that nobody may write and that have no ioctl or mmap
 * (debugfs_locked_down() in fs/debugfs/file.c); opening any other file
 * fails with EPERM, even for reading. memscope's views are all read-only
 * (the marks are set through the write-only "mark" file, marks.c), and
 * /dev/memscope is not in debugfs: they keep working, so memscope loads
 * and names the files that are lost ("mark"), once, instead of leaving an
 * EPERM to be puzzled over.
 *
 * Kernels with module signatures refuse an unsigned memscope.ko under
 * lockdown before this runs; the kernel then logs the reason itself.
 *
 * This runs after every view has been published, so the list is complete.
 *
 * A dentry's children are a list (d_subdirs, d_child) up to 6.7 and an
 * hlist (d_children, d_sib) since 6.8: probes/dentry_d_children.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/security.h>
#include <linux/string.h>

#include "compat/have.h"
#include "memscope.h"

#ifdef HAVE_DENTRY_D_CHILDREN
#define ms_for_each_child(child, dir) \
	hlist_for_each_entry(child, &(dir)->d_children, d_sib)
#else
#define ms_for_each_child(child, dir) \
	list_for_each_entry(child, &(dir)->d_subdirs, d_child)
#endif

/**
 * ms_lockdown_publish() - under kernel lockdown, name the files it hides
 * @dir: memscope's debugfs directory
 *
 * Logs one line listing the writable files of @dir, which debugfs refuses
 * to open under lockdown; does nothing when debugfs is not locked down.
 * The last publish step of main.c's ms_features[], so every file exists.
 *
 * Context: process context (module init). Takes @dir's d_lock to walk
 * its children.
 */
void ms_lockdown_publish(struct dentry *dir)
{
	char lost[128] = "";
	struct dentry *child;
	size_t len = 0;

	if (!security_locked_down(LOCKDOWN_DEBUGFS))
		return;
	/* Files are only added by this module's init: the list is stable. */
	spin_lock(&dir->d_lock);
	ms_for_each_child(child, dir) {
		struct inode *inode = d_inode(child);

		if (!inode || !S_ISREG(inode->i_mode) || !(inode->i_mode & 0222))
			continue;
		len += scnprintf(lost + len, sizeof(lost) - len, " %pd", child);
	}
	spin_unlock(&dir->d_lock);
	pr_notice("kernel lockdown: debugfs refuses writable files, so these files are unavailable:%s; the read-only views and /dev/memscope work\n",
		  len ? lost : " none");
}

// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: where did my RAM go, how fragmented is the buddy allocator,
 * how close is each zone to its watermarks.
 *
 * Module entry and exit: owns the debugfs directory the views live in.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/module.h>

#include "memscope.h"

static struct dentry *ms_debugfs_dir;

static int __init memscope_init(void)
{
	BUILD_BUG_ON(ARRAY_SIZE(ms_migratetype_names) != MIGRATE_TYPES);

	ms_debugfs_dir = debugfs_create_dir("memscope", NULL);
	if (IS_ERR(ms_debugfs_dir)) {
		pr_err("debugfs is not available (%ld)\n", PTR_ERR(ms_debugfs_dir));
		return PTR_ERR(ms_debugfs_dir);
	}
	ms_buddy_init(ms_debugfs_dir);
	ms_pagetypes_init(ms_debugfs_dir);

	pr_info("version %s loaded\n", MEMSCOPE_VERSION);
	return 0;
}

static void __exit memscope_exit(void)
{
	/*
	 * Open debugfs files hold a reference on this module (the debugfs
	 * proxy takes it at open), so no reader is left when we get here.
	 */
	debugfs_remove_recursive(ms_debugfs_dir);
	pr_info("unloaded\n");
}

module_init(memscope_init);
module_exit(memscope_exit);

MODULE_DESCRIPTION("memscope: buddy, reserved-memory and pressure views of the page allocator");
MODULE_AUTHOR("memscope developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(MEMSCOPE_VERSION);

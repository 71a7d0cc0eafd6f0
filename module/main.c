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

#include "hooks.h"
#include "memscope.h"
#include "notify.h"
#include "pressure.h"
#include "reserved.h"

/*
 * Each capability lives in its own file and registers here. Features start
 * in this order and stop in reverse; a feature that fails to start undoes
 * the ones before it. exit may be NULL for views that own nothing beyond
 * their debugfs files (removed with the directory).
 */
struct ms_feature {
	const char *name;
	int (*init)(struct dentry *dir);
	void (*exit)(void);
};

static const struct ms_feature ms_features[] = {
	{ "buddy", ms_buddy_init, NULL },
	{ "pagetypes", ms_pagetypes_init, NULL },
	{ "reserved", ms_reserved_init, NULL },
	/* Pressure is ready before the hooks can poke it, stops after them. */
	{ "pressure", ms_pressure_init, ms_pressure_exit },
	{ "pressure view", ms_pressure_view_init, ms_pressure_view_exit },
	{ "hooks", ms_hooks_init, ms_hooks_exit },
	/* Subscribers last: the device appears once everything feeding it runs. */
	{ "notify", ms_notify_init, ms_notify_exit },
	{ "notify device", ms_notify_dev_init, ms_notify_dev_exit },
	{ "events view", ms_notify_view_init, NULL },
	/* After every view: names those kernel lockdown makes unavailable. */
	{ "lockdown", ms_lockdown_init, NULL },
};

static struct dentry *ms_debugfs_dir;

static void ms_stop_features(unsigned int n)
{
	while (n--)
		if (ms_features[n].exit)
			ms_features[n].exit();
}

static int __init memscope_init(void)
{
	unsigned int i;
	int ret;

	BUILD_BUG_ON(ARRAY_SIZE(ms_migratetype_names) != MIGRATE_TYPES);

	ms_debugfs_dir = debugfs_create_dir("memscope", NULL);
	if (IS_ERR(ms_debugfs_dir)) {
		pr_err("debugfs is not available (%ld)\n", PTR_ERR(ms_debugfs_dir));
		return PTR_ERR(ms_debugfs_dir);
	}
	for (i = 0; i < ARRAY_SIZE(ms_features); i++) {
		ret = ms_features[i].init(ms_debugfs_dir);
		if (ret) {
			pr_err("%s failed to start (%d)\n", ms_features[i].name, ret);
			/* As at exit: files first, so no reader outlives a feature. */
			debugfs_remove_recursive(ms_debugfs_dir);
			ms_stop_features(i);
			return ret;
		}
	}
	pr_info("version %s loaded\n", MEMSCOPE_VERSION);
	return 0;
}

static void __exit memscope_exit(void)
{
	/*
	 * Open debugfs files hold a reference on this module (the debugfs
	 * proxy takes it at open), so no reader is left when we get here.
	 * Remove the files first so nothing new starts, then stop features.
	 */
	debugfs_remove_recursive(ms_debugfs_dir);
	ms_stop_features(ARRAY_SIZE(ms_features));
	pr_info("unloaded\n");
}

module_init(memscope_init);
module_exit(memscope_exit);

MODULE_DESCRIPTION("memscope: buddy, reserved-memory and pressure views of the page allocator");
MODULE_AUTHOR("memscope developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(MEMSCOPE_VERSION);

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

#include "history.h"
#include "hooks.h"
#include "memscope.h"
#include "notify.h"
#include "pressure.h"
#include "reserved.h"
#include "views.h"

/*
 * Each capability lives in its own file and registers here. Starting is in
 * two passes, so that a failing start can never leave a file behind:
 *
 *  prepare  may fail; allocates, starts workers, attaches tracepoint
 *           probes, but makes nothing a user can open. A feature that
 *           fails undoes its own work; init then stops the ones before
 *           it.
 *  publish  /dev/memscope (the last step that may fail, see below), then
 *           every debugfs file, from the one table of views (views.c).
 *
 * A file opened while init runs holds a module reference, but a failed
 * init frees the module anyway (do_init_module() does not wait for it): so
 * the debugfs directory, its files and /dev/memscope appear only once init
 * can no longer fail. /dev/memscope is the last step that can fail
 * (misc_register()), with its own unwind; the debugfs files follow it.
 *
 * Features prepare in this order and stop in reverse; prepare and exit may
 * be NULL.
 */
struct ms_feature {
	const char *name;
	int (*prepare)(void);
	void (*exit)(void);
};

static const struct ms_feature ms_features[] = {
	{ "reserved", ms_reserved_prepare, NULL },
	/* The sampler runs before the hooks can request evaluations, stops after them. */
	{ "pressure", ms_pressure_prepare, ms_pressure_exit },
	{ "pressure view", ms_pressure_view_prepare, ms_pressure_view_exit },
	{ "history", ms_history_prepare, ms_history_exit },
	{ "hooks", ms_hooks_prepare, ms_hooks_exit },
	/*
	 * Subscribers last: the device appears once everything feeding it
	 * runs. Its registration is not a prepare step: it is visible, so
	 * memscope_init() makes it after every prepare, and memscope_exit()
	 * removes it before any exit.
	 */
	{ "notify", ms_notify_prepare, ms_notify_exit },
	{ "notify device", ms_notify_dev_prepare, NULL },
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

	for (i = 0; i < ARRAY_SIZE(ms_features); i++) {
		if (!ms_features[i].prepare)
			continue;
		ret = ms_features[i].prepare();
		if (ret) {
			pr_err("%s failed to start (%d)\n", ms_features[i].name, ret);
			ms_stop_features(i);
			return ret;
		}
	}
	/* The last step that can fail: nobody can have opened anything yet. */
	ret = ms_notify_dev_register();
	if (ret) {
		pr_err("/dev/memscope failed to start (%d)\n", ret);
		ms_stop_features(ARRAY_SIZE(ms_features));
		return ret;
	}

	/*
	 * From here on nothing fails. Without debugfs (debugfs=off, or out of
	 * memory) the views are missing and /dev/memscope still works.
	 */
	ms_debugfs_dir = debugfs_create_dir("memscope", NULL);
	if (IS_ERR(ms_debugfs_dir))
		pr_warn("no debugfs directory (%ld): only /dev/memscope is available\n",
			PTR_ERR(ms_debugfs_dir));
	if (!IS_ERR(ms_debugfs_dir))
		ms_views_publish(ms_debugfs_dir);
	pr_info("version %s loaded\n", MEMSCOPE_VERSION);
	return 0;
}

static void __exit memscope_exit(void)
{
	/*
	 * Open debugfs files and /dev/memscope files hold a reference on this
	 * module (the debugfs proxy and the char device take it at open), so
	 * no reader is left when we get here. The mirror image of init:
	 * files first so nothing new starts, then the device, then features.
	 */
	debugfs_remove_recursive(ms_debugfs_dir);
	ms_notify_dev_exit();
	ms_stop_features(ARRAY_SIZE(ms_features));
	pr_info("unloaded\n");
}

module_init(memscope_init);
module_exit(memscope_exit);

MODULE_DESCRIPTION("memscope: buddy, reserved-memory and pressure views of the page allocator");
MODULE_AUTHOR("memscope developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(MEMSCOPE_VERSION);

// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_TP_MARK_VICTIM_TASK: the mark_victim tracepoint passes (task, uid)
 * (6.8, and stable backports to 6.1.y) instead of (pid).
 */
#include <linux/sched.h>
#include <trace/events/oom.h>

void ms_probe_cb(void *data, struct task_struct *task, uid_t uid);
void ms_probe_cb(void *data, struct task_struct *task, uid_t uid)
{
}

void ms_probe(void);
void ms_probe(void)
{
	check_trace_callback_type_mark_victim(ms_probe_cb);
}

// SPDX-License-Identifier: GPL-2.0
/* HAVE_NO_LLSEEK: the no_llseek() file operation (removed in 6.12). */
#include <linux/fs.h>

loff_t (*ms_probe(void))(struct file *, loff_t, int);
loff_t (*ms_probe(void))(struct file *, loff_t, int)
{
	return no_llseek;
}

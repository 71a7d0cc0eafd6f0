// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: per-zone pressure. (Skeleton: the poke entry point only.)
 */
#include <linux/irq_work.h>

#include "hooks.h"
#include "memscope.h"

static void ms_pressure_irq_work(struct irq_work *work)
{
}

static DEFINE_IRQ_WORK(ms_pressure_iw, ms_pressure_irq_work);

void ms_pressure_poke(void)
{
	irq_work_queue(&ms_pressure_iw);
}

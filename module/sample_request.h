/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memscope: how the probes ask the sampler for an evaluation.
 *
 * The probes run in any context (under zone->lock, in hard interrupts,
 * with the runqueue lock held by a caller up the stack), so they never
 * evaluate and never wake a task themselves: ms_sample_request() only
 * queues an irq_work (or starts an hrtimer where an irq_work would wait
 * for the tick), and that queues the sampler's kthread work. The sampler
 * (pressure.c) evaluates in process context. This file calls nothing
 * else of memscope's, so the probes depend on it and on nothing above.
 */
#ifndef _MEMSCOPE_SAMPLE_REQUEST_H
#define _MEMSCOPE_SAMPLE_REQUEST_H

#include <linux/percpu.h>
#include <linux/types.h>

struct kthread_worker;
struct kthread_work;

void ms_sample_request(void);
void ms_sample_request_attach(struct kthread_worker *worker, struct kthread_work *work);
void ms_sample_request_detach(void);

/*
 * Called by the mm_page_alloc and mm_page_free probes for every block they
 * see: a per-CPU count of the pages this CPU allocated and has not freed
 * since, and a request each time it passes a batch, so the level follows
 * an allocation burst (a fallback to a lower zone wakes no kswapd and
 * requests nothing else) without waiting for the timer. Free memory moves
 * only by what is allocated and not given back: traffic that frees what
 * it takes (per-CPU list churn, a kmalloc slab page coming and going)
 * leaves the level where it is and costs no evaluation.
 *
 * The count only decides when to evaluate; nobody reads it as a figure.
 * So it uses the raw __this_cpu ops (tracepoint probes run with preemption
 * off): an interrupt in the middle of an update can lose that update and
 * move a request by a few pages, while the safe ops would cost the hot
 * path an interrupt disable and enable on each call on some architectures
 * (32-bit ARM). More frees than allocations on a CPU take the count below
 * zero (a huge unsigned value): the next allocation puts it back at zero
 * without a request, so frees never hide a later burst.
 */
#define MS_SAMPLE_ALLOC_BATCH 32	/* pages (SWAP_CLUSTER_MAX) */
DECLARE_PER_CPU(unsigned int, ms_pages_since_request);

static inline void ms_sample_note_alloc(unsigned int order)
{
	unsigned int pages = 1U << order, n;

	n = __this_cpu_add_return(ms_pages_since_request, pages);
	if (unlikely(n >= MS_SAMPLE_ALLOC_BATCH)) {
		__this_cpu_write(ms_pages_since_request, 0);
		if ((int)n > 0)
			ms_sample_request();
	}
}

static inline void ms_sample_note_free(unsigned int order)
{
	unsigned int pages = 1U << order;

	__this_cpu_sub(ms_pages_since_request, pages);
}

#endif /* _MEMSCOPE_SAMPLE_REQUEST_H */

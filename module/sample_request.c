// SPDX-License-Identifier: GPL-2.0
/*
 * memscope: the probes' way to ask for an evaluation (sample_request.h).
 *
 * Whatever runs here runs in interrupt context or inside a tracepoint
 * probe, so it only queues: the irq_work (or the hard hrtimer) queues the
 * sampler's kthread work, and kthread_queue_work() takes only the
 * worker's raw spinlock, which is what a hard interrupt may take, with
 * PREEMPT_RT too. A request while one is pending is merged into it.
 */
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/kthread.h>

#include "compat/timers.h"
#include "sample_request.h"

DEFINE_PER_CPU(unsigned int, ms_pages_since_request);

/* Set while the sampler runs; NULL before and after (requests are dropped). */
static struct kthread_worker *ms_request_worker;
static struct kthread_work *ms_request_work;

static void ms_request_queue(void)
{
	/* Pairs with ms_sample_request_attach(): the work is set first. */
	struct kthread_worker *worker = smp_load_acquire(&ms_request_worker);

	if (worker)
		kthread_queue_work(worker, READ_ONCE(ms_request_work));
}

static void ms_request_irq_work(struct irq_work *iw)
{
	ms_request_queue();
}

/* Hard: runs in the interrupt even with PREEMPT_RT, where it only queues. */
static struct irq_work ms_request_iw = IRQ_WORK_INIT_HARD(ms_request_irq_work);

/*
 * Without an irq_work interrupt (uniprocessor ARM, for one) an irq_work
 * waits for the next tick: up to 10 ms at HZ=100, the usual setting of
 * small boards, and that was most of the notification delay there. A hard
 * hrtimer fires from the clock event instead. Its MS_REQUEST_DELAY_NS lets
 * the requests of one burst share an evaluation, as a pending irq_work
 * does.
 */
#define MS_REQUEST_DELAY_NS (NSEC_PER_MSEC / 2)
static struct hrtimer ms_request_hrtimer;
static bool ms_request_by_hrtimer;

static enum hrtimer_restart ms_request_hrtimer_fn(struct hrtimer *t)
{
	ms_request_queue();
	return HRTIMER_NORESTART;
}

/**
 * ms_sample_request() - have the sampler evaluate soon
 *
 * Description:
 * The probes of rare, slow-path events (kswapd wake, direct reclaim,
 * compaction stall, allocation failure, OOM victim) and of each batch of
 * pages allocated and not freed call it, so the pressure level follows at
 * once rather than at the next timer tick. It only queues the irq_work,
 * or starts the hrtimer where an irq_work would wait for the tick.
 * Requests before ms_sample_request_attach() or after
 * ms_sample_request_detach() do nothing.
 *
 * Context: any context, tracepoint probes and hard interrupts included;
 * takes no lock of its own.
 */
void ms_sample_request(void)
{
	/* Pairs with ms_sample_request_attach(): the hrtimer is set up first. */
	if (!smp_load_acquire(&ms_request_worker))
		return;
	if (!ms_request_by_hrtimer)
		irq_work_queue(&ms_request_iw);
	else if (!hrtimer_is_queued(&ms_request_hrtimer))
		hrtimer_start(&ms_request_hrtimer, ns_to_ktime(MS_REQUEST_DELAY_NS),
			      HRTIMER_MODE_REL_HARD);
}

/**
 * ms_sample_request_now() - have the sampler evaluate at the caller's next
 *     scheduling point
 *
 * Description:
 * For the probes of tasks about to spend a while in the kernel on the
 * allocator's slow path: a direct reclaimer, a direct compactor. It wakes
 * the sampler at once, without the irq_work's or the hrtimer's delay, so
 * that on a kernel without preemption the sampler runs at the first
 * cond_resched() inside reclaim, while free memory is still as low as it
 * was when reclaim began. Woken later, it would run only after reclaim had
 * freed a few pages, and see a zone at min back above it. Those callers
 * may sleep and hold no spinlock, so the wake-up may take the scheduler's
 * locks.
 *
 * Context: process context of a task that may sleep, with no spinlock
 * held (a tracepoint probe's preemption-off section is fine).
 */
void ms_sample_request_now(void)
{
	/* Pairs with ms_sample_request_attach(). */
	if (smp_load_acquire(&ms_request_worker))
		ms_request_queue();
}

/**
 * ms_sample_request_attach() - route requests to the sampler's work
 * @worker: the sampler's kthread worker
 * @work: the work that evaluates
 *
 * Context: process context (the sampler's start), before any probe is
 * attached.
 */
void ms_sample_request_attach(struct kthread_worker *worker, struct kthread_work *work)
{
	ms_request_by_hrtimer = !arch_irq_work_has_interrupt();
	ms_hrtimer_setup(&ms_request_hrtimer, ms_request_hrtimer_fn, CLOCK_MONOTONIC,
			 HRTIMER_MODE_REL_HARD);
	WRITE_ONCE(ms_request_work, work);
	/* Pairs with ms_request_queue(): the work is set first. */
	smp_store_release(&ms_request_worker, worker);
}

/**
 * ms_sample_request_detach() - stop routing requests and wait for any
 *
 * Description:
 * Called once the probes are detached. When it returns, no irq_work or
 * hrtimer of this file runs or is queued, so the sampler's worker can go.
 *
 * Context: process context; sleeps.
 */
void ms_sample_request_detach(void)
{
	WRITE_ONCE(ms_request_worker, NULL);
	irq_work_sync(&ms_request_iw);
	hrtimer_cancel(&ms_request_hrtimer);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_caller_test: how much work a CPU does without a chance to
 * schedule (issue #11, item 7).
 *
 * A long backlog fed in one go holds the CPU that feeds it, with BH off,
 * for as long as that takes; the soft-lockup detector notices only after
 * 2 * watchdog_thresh seconds.  Timing such stretches in a guest under TCG
 * says little: a host busy with other guests stops a virtual CPU for
 * hundreds of milliseconds now and then (seen here: up to 0.9 s, idle).
 * So the probe counts work instead of time.
 *
 * Each CPU has a SCHED_FIFO kthread bound to it and a hard hrtimer pinned
 * to it that fires every millisecond, notes the time and how many steps
 * the CPU has handed to devices so far (the engine's per-CPU "sstarted"
 * counters of every device, which count each ->process() and
 * ->process_sync() that took a step) plus how many of this module's
 * requests completed on it, and wakes the thread.  The thread preempts
 * anything preemptible at once; what the CPU did between the timer and
 * the thread's run, it did without a chance to schedule.  The largest such
 * amount of work bounds the longest non-preemptible stretch of engine work
 * independently of the host; the largest delay is reported too.
 *
 * The engine's device list is the one thing of the engine's own interface
 * this module uses: read under RCU, as balancers do.
 *
 * A soft hrtimer per CPU, also every millisecond, measures how late
 * softirqs run (deferred to a busy ksoftirqd, say); reported only.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/internal/acrypto.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/smp.h>

#include "caller_test.h"

#define CT_PROBE_PERIOD_NS	NSEC_PER_MSEC

/**
 * struct ct_probe - the probes of one CPU
 * @hard: wakes @thread, in hard interrupt context
 * @soft: measures softirq lateness
 * @thread: the SCHED_FIFO kthread
 * @pending: @hard woke @thread, which has not run since
 * @woken_ns: when @hard did that
 * @work_at: the CPU's work count then
 * @fifo_late_ns: largest delay of @thread
 * @max_work: largest work done while @thread waited
 * @soft_late_ns: largest lateness of @soft
 * @samples: runs of @thread
 * @armed: started on this CPU
 *
 * @pending, @woken_ns and @work_at are written by @hard and read by
 * @thread, both on this CPU only.
 */
struct ct_probe {
	struct hrtimer hard;
	struct hrtimer soft;
	struct task_struct *thread;
	bool pending;
	u64 woken_ns;
	unsigned long work_at;
	u64 fifo_late_ns;
	unsigned long max_work;
	u64 soft_late_ns;
	u64 samples;
	bool armed;
};

static DEFINE_PER_CPU(struct ct_probe, ct_probes);
static DEFINE_PER_CPU(unsigned long, ct_callbacks);
static bool ct_probe_running;

/**
 * ct_probe_callback() - one of this module's requests completed here
 *
 * Context: any (callbacks run in softirq or process context).
 */
void ct_probe_callback(void)
{
	this_cpu_inc(ct_callbacks);
}

/* Steps this CPU handed to devices, and our completions on it. */
static unsigned long ct_cpu_work(void)
{
	unsigned long work = this_cpu_read(ct_callbacks);
	struct acrypto_device *dev;

	rcu_read_lock();
	acrypto_for_each_device(dev)
		work += acrypto_device_started_here(dev);
	rcu_read_unlock();
	return work;
}

static enum hrtimer_restart ct_probe_hard_fn(struct hrtimer *timer)
{
	struct ct_probe *p = container_of(timer, struct ct_probe, hard);

	if (!READ_ONCE(p->pending)) {
		p->woken_ns = ktime_get_ns();
		p->work_at = ct_cpu_work();
		WRITE_ONCE(p->pending, true);
		wake_up_process(p->thread);
	}
	hrtimer_forward_now(timer, ns_to_ktime(CT_PROBE_PERIOD_NS));
	return HRTIMER_RESTART;
}

static enum hrtimer_restart ct_probe_soft_fn(struct hrtimer *timer)
{
	struct ct_probe *p = container_of(timer, struct ct_probe, soft);
	ktime_t now = hrtimer_cb_get_time(timer);
	s64 late = ktime_to_ns(ktime_sub(now, hrtimer_get_expires(timer)));

	if (late > 0 && late > p->soft_late_ns)
		p->soft_late_ns = late;
	hrtimer_forward(timer, now, ns_to_ktime(CT_PROBE_PERIOD_NS));
	return HRTIMER_RESTART;
}

/* Runs on the CPU to probe (IPI): the timers are pinned to it. */
static void ct_probe_arm(void *unused)
{
	struct ct_probe *p = this_cpu_ptr(&ct_probes);

	hrtimer_start(&p->hard, ns_to_ktime(CT_PROBE_PERIOD_NS),
		      HRTIMER_MODE_REL_PINNED_HARD);
	hrtimer_start(&p->soft, ns_to_ktime(CT_PROBE_PERIOD_NS),
		      HRTIMER_MODE_REL_PINNED_SOFT);
}

static int ct_probe_thread(void *data)
{
	struct ct_probe *p = data;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!READ_ONCE(p->pending) && !kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
		if (kthread_should_stop())
			break;
		if (READ_ONCE(p->pending)) {
			u64 late = ktime_get_ns() - p->woken_ns;
			unsigned long work = ct_cpu_work() - p->work_at;

			p->fifo_late_ns = max(p->fifo_late_ns, late);
			p->max_work = max(p->max_work, work);
			p->samples++;
			WRITE_ONCE(p->pending, false);
		}
	}
	return 0;
}

/**
 * ct_probe_start() - start the probes on every online CPU
 *
 * Context: process context.
 *
 * Return: 0, -EBUSY when already running, or the error of kthread creation.
 */
int ct_probe_start(void)
{
	struct ct_probe_result r;
	int cpu, err = 0;

	if (ct_probe_running)
		return -EBUSY;
	ct_probe_running = true;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct ct_probe *p = per_cpu_ptr(&ct_probes, cpu);

		memset(p, 0, sizeof(*p));
		p->thread = kthread_create_on_cpu(ct_probe_thread, p, cpu,
						  "ct_probe/%u");
		if (IS_ERR(p->thread)) {
			err = PTR_ERR(p->thread);
			p->thread = NULL;
			break;
		}
		sched_set_fifo(p->thread);
		hrtimer_init(&p->hard, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED_HARD);
		p->hard.function = ct_probe_hard_fn;
		hrtimer_init(&p->soft, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED_SOFT);
		p->soft.function = ct_probe_soft_fn;
		p->armed = true;
		wake_up_process(p->thread);
		smp_call_function_single(cpu, ct_probe_arm, NULL, 1);
	}
	cpus_read_unlock();
	if (err)
		ct_probe_stop(&r);
	return err;
}

/**
 * ct_probe_stop() - stop the probes and collect what they saw
 * @r: gets the largest work and delays over every CPU
 *
 * Context: process context.
 *
 * Return: true when the probes were running.
 */
bool ct_probe_stop(struct ct_probe_result *r)
{
	int c;

	memset(r, 0, sizeof(*r));
	if (!ct_probe_running)
		return false;
	for_each_possible_cpu(c) {
		struct ct_probe *p = per_cpu_ptr(&ct_probes, c);

		if (!p->armed)
			continue;
		hrtimer_cancel(&p->hard);
		hrtimer_cancel(&p->soft);
		kthread_stop(p->thread);
		p->thread = NULL;
		p->armed = false;
		r->samples += p->samples;
		r->soft_late_ns = max(r->soft_late_ns, p->soft_late_ns);
		if (p->max_work > r->max_work) {
			r->max_work = p->max_work;
			r->work_cpu = c;
		}
		if (p->fifo_late_ns > r->late_ns) {
			r->late_ns = p->fifo_late_ns;
			r->late_cpu = c;
		}
	}
	ct_probe_running = false;
	return true;
}

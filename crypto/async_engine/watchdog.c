// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: the stall watchdog.
 *
 * A device that holds sessions and completes none of them for
 * stall_timeout_ms is taken out of service (reason "stalled"): its waiting
 * sessions move to other devices at once, and so do the ones it accepted
 * if its driver gives them back (->cancel()).  A device out of service for
 * a stall or a failed known-answer test is tested again every
 * probe_interval_ms (backing off while it keeps failing, kat.c) and returns
 * to service by itself once it answers right.  An administrator's or a
 * driver's reason is theirs to clear.
 *
 * The clock is acrypto_device.progress, stamped at every completion and when
 * the device goes from idle to busy, so the fast path pays one store per
 * jiffy at most.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/workqueue.h>

#include "internal.h"

static void acrypto_watchdog_worker(struct work_struct *work);
static DECLARE_DELAYED_WORK(acrypto_watchdog_work, acrypto_watchdog_worker);

/* How often to look: a quarter of the timeout, within bounds. */
static unsigned long acrypto_watchdog_period(void)
{
	unsigned int ms = READ_ONCE(acrypto_stall_timeout_ms);

	if (!ms)
		return HZ / 4;
	return clamp(msecs_to_jiffies(ms / 4), 1UL, (unsigned long)HZ / 4);
}

/**
 * acrypto_device_stalled() - whether a device stopped completing
 * @dev: the device
 * @timeout: how long without a completion counts as a stall, in jiffies
 *
 * The stall watchdog's test, for balancers that want to move new sessions
 * away from a device before the watchdog takes it out of service: @dev
 * holds sessions, is awake and not going away, and has completed none of
 * them for @timeout (acrypto_device_progress()).
 *
 * Context: any.
 *
 * Return: true if @dev is stalling.
 */
bool acrypto_device_stalled(const struct acrypto_device *dev,
			    unsigned long timeout)
{
	if (!atomic_read(&dev->inflight) ||
	    test_bit(ACRYPTO_DEV_DYING, &dev->state) ||
	    test_bit(ACRYPTO_DEV_SUSPENDED, &dev->state))
		return false;
	/* Pairs with acrypto_device_resume(): its stamp, if it just woke. */
	smp_rmb();
	return time_after(jiffies, READ_ONCE(dev->progress) + timeout);
}
EXPORT_SYMBOL_GPL(acrypto_device_stalled);

static void acrypto_watchdog_worker(struct work_struct *work)
{
	unsigned int ms = READ_ONCE(acrypto_stall_timeout_ms);
	unsigned long timeout = msecs_to_jiffies(ms);
	struct acrypto_device *dev;

	/*
	 * Acting under RCU keeps each device and its driver alive:
	 * unregistration waits for a grace period.  Nothing here sleeps.
	 */
	rcu_read_lock();
	acrypto_for_each_device(dev) {
		unsigned long state = READ_ONCE(dev->state);

		/* Out for a stall or a failed test only: test it again. */
		if ((state & (BIT(ACRYPTO_DEV_OFF_STALLED) |
			      BIT(ACRYPTO_DEV_OFF_FAILED))) &&
		    !(state & (BIT(ACRYPTO_DEV_OFF_ADMIN) |
			       BIT(ACRYPTO_DEV_OFF_DRIVER) |
			       BIT(ACRYPTO_DEV_TESTING))))
			acrypto_kat_probe_due(dev);

		if (!ms || !acrypto_device_stalled(dev, timeout))
			continue;
		if (state & ACRYPTO_DEV_OFF_MASK) {
			/*
			 * Out of service already, yet holding sessions it does
			 * not complete: some reached it while it was being
			 * taken out (->process() ran during the reclaim).  Ask
			 * for them again.
			 */
			acrypto_device_drain(dev, ACRYPTO_DRAIN_RECLAIM);
			continue;
		}
		dev_err(&dev->dev,
			"stalled: %d sessions, none completed for %u ms\n",
			atomic_read(&dev->inflight), ms);
		acrypto_device_set_off(dev, ACRYPTO_DEV_OFF_STALLED, true);
	}
	rcu_read_unlock();
	schedule_delayed_work(&acrypto_watchdog_work,
			      acrypto_watchdog_period());
}

int acrypto_watchdog_init(void)
{
	schedule_delayed_work(&acrypto_watchdog_work,
			      acrypto_watchdog_period());
	return 0;
}

void acrypto_watchdog_uninit(void)
{
	cancel_delayed_work_sync(&acrypto_watchdog_work);
}

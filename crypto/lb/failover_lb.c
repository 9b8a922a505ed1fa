// SPDX-License-Identifier: GPL-2.0-only
/*
 * failover_lb: one primary device, the others as standbys.
 *
 * Among the devices that can serve a session, the primary is the one of the
 * highest class (hardware, then accelerated, then software), the first
 * registered among equals: a stable choice that does not depend on load.
 * The others are backups, in the same order.  A session goes to the first
 * device in that order that is in good health:
 *
 *  - not broken and not going away (acrypto_device_can_serve() already
 *    says so; the engine's stall watchdog also marks stalled devices
 *    broken),
 *  - not full: the device has not said -ENOSPC since it last unblocked, and
 *    at most `max_backlog` sessions wait for it,
 *  - not stalling: it holds sessions but has completed none for `stall_ms`,
 *    which moves new sessions away well before the watchdog acts.
 *
 * So traffic moves to a backup when the primary breaks, stalls or fills, and
 * back to it as soon as it is healthy again, without any state kept here.
 * When no device is healthy the session goes to the primary anyway and
 * waits on its backlog.
 *
 * Parameters, in /sys/class/crypto_lb/failover_lb/ (see
 * Documentation/ABI/testing/sysfs-class-crypto_lb-balancers):
 *
 *   stall_ms     a device with sessions and no completion for this long
 *                counts as stalling; 0 disables the check (default 1000)
 *   max_backlog  sessions that may wait for a device before it counts as
 *                full (default 0)
 *   failovers    (read-only) sessions sent to a backup because the primary
 *                was not healthy
 */

#include <crypto/internal/acrypto.h>
#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/sysfs.h>

/**
 * struct failover_lb - the balancer and its parameters
 * @lb: registered with the engine
 * @stall_ms: parameter, read locklessly on the request path
 * @max_backlog: parameter, read locklessly on the request path
 * @failovers: sessions placed on a backup; written only while the primary
 *	is unhealthy, so the shared counter costs nothing in normal operation
 */
struct failover_lb {
	struct acrypto_lb lb;
	unsigned int stall_ms;
	unsigned int max_backlog;
	atomic_long_t failovers;
};

static struct failover_lb *to_failover_lb(struct device *d)
{
	return container_of(dev_get_drvdata(d), struct failover_lb, lb);
}

/* @a goes before @b: higher class; registration order otherwise. */
static bool failover_lb_before(const struct acrypto_device *a,
			       const struct acrypto_device *b)
{
	return !b || a->class > b->class;
}

static bool failover_lb_healthy(const struct failover_lb *fo,
				const struct acrypto_device *dev)
{
	unsigned int stall_ms = READ_ONCE(fo->stall_ms);

	if (acrypto_device_full(dev) ||
	    acrypto_device_backlog_len(dev) > READ_ONCE(fo->max_backlog))
		return false;
	/* The engine's watchdog's test, with our own, shorter timeout. */
	if (stall_ms && acrypto_device_stalled(dev, msecs_to_jiffies(stall_ms)))
		return false;
	return true;
}

static struct acrypto_device *failover_lb_select(struct acrypto_lb *lb,
						 struct acrypto_session *s)
{
	struct failover_lb *fo = container_of(lb, struct failover_lb, lb);
	struct acrypto_device *dev, *primary = NULL, *best = NULL;

	/* The device list is in registration order. */
	acrypto_for_each_device(dev) {
		if (!acrypto_device_can_serve(dev, s))
			continue;
		if (failover_lb_before(dev, primary))
			primary = dev;
		if (failover_lb_before(dev, best) &&
		    failover_lb_healthy(fo, dev))
			best = dev;
	}
	if (!best)
		return primary;
	if (best != primary)
		atomic_long_inc(&fo->failovers);
	return best;
}

static ssize_t stall_ms_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	return acrypto_lb_show_uint(buf, &to_failover_lb(d)->stall_ms);
}

static ssize_t stall_ms_store(struct device *d, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	return acrypto_lb_store_uint(buf, count, &to_failover_lb(d)->stall_ms,
				     0, UINT_MAX);
}
static DEVICE_ATTR_RW(stall_ms);

static ssize_t max_backlog_show(struct device *d,
				struct device_attribute *attr, char *buf)
{
	return acrypto_lb_show_uint(buf, &to_failover_lb(d)->max_backlog);
}

static ssize_t max_backlog_store(struct device *d,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	return acrypto_lb_store_uint(buf, count,
				     &to_failover_lb(d)->max_backlog,
				     0, UINT_MAX);
}
static DEVICE_ATTR_RW(max_backlog);

static ssize_t failovers_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%ld\n",
			  atomic_long_read(&to_failover_lb(d)->failovers));
}
static DEVICE_ATTR_RO(failovers);

static struct attribute *failover_lb_attrs[] = {
	&dev_attr_stall_ms.attr,
	&dev_attr_max_backlog.attr,
	&dev_attr_failovers.attr,
	NULL,
};
ATTRIBUTE_GROUPS(failover_lb);

static struct failover_lb failover_lb = {
	.lb = {
		.name = "failover_lb",
		.owner = THIS_MODULE,
		.select = failover_lb_select,
		.groups = failover_lb_groups,
	},
	.stall_ms = 1000,
	.max_backlog = 0,
	.failovers = ATOMIC_LONG_INIT(0),
};

static int __init failover_lb_init(void)
{
	return acrypto_lb_register(&failover_lb.lb);
}

static void __exit failover_lb_exit(void)
{
	acrypto_lb_unregister(&failover_lb.lb);
}

module_init(failover_lb_init);
module_exit(failover_lb_exit);

MODULE_ALIAS_ACRYPTO_LB("failover_lb");
MODULE_AUTHOR("The acrypto authors");
MODULE_DESCRIPTION("acrypto primary/backup load balancer");
MODULE_LICENSE("GPL");

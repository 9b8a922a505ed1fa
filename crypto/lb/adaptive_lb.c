// SPDX-License-Identifier: GPL-2.0-only
/*
 * adaptive_lb: spread a stream so that every device finishes together.
 *
 * Like the default balancer, adaptive_lb sends each session where the
 * engine's cost model expects it to finish first, but it prices what a
 * device already holds by the work queued on it (each queued session at
 * its own expected cost, acrypto_device_finish_ns()) rather than by a
 * count times an average.  A stream of mixed sizes then fills each device
 * up to the same finish time, which is what spreading a batch over devices
 * of unequal speed in proportion to their speed means.
 *
 * A synchronous device (the CPU) computes in the submitter's context: while
 * it does, that CPU feeds no other device.  So it gets a request only when
 * it finishes it sooner than the best asynchronous device by
 * `sync_margin_pct` percent, the cost of the submissions and completions it
 * forgoes meanwhile; with several requests in flight that means the CPU
 * takes work while the asynchronous devices have enough queued to stay busy
 * until it is done.
 *
 * The model stays fresh through the engine's exploration: a device and
 * size not measured for cost_stale_ms gets a request now and then, so a
 * device that sped up is noticed.  Ties go to the higher class.
 *
 * Parameters, in /sys/class/crypto_lb/adaptive_lb/ (see
 * Documentation/ABI/testing/sysfs-class-crypto_lb-balancers):
 *
 *   sync_margin_pct  how much sooner a synchronous device must finish to be
 *                    chosen over an asynchronous one, percent (0-1000,
 *                    default 10)
 */

#include <crypto/acrypto.h>
#include <linux/device.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/sysfs.h>

#define ADAPTIVE_LB_MAX_MARGIN	1000

/**
 * struct adaptive_lb - the balancer and its parameters
 * @lb: registered with the engine
 * @sync_margin_pct: parameter, read locklessly
 */
struct adaptive_lb {
	struct acrypto_lb lb;
	unsigned int sync_margin_pct;
};

static struct adaptive_lb *to_adaptive_lb(struct device *d)
{
	return container_of(dev_get_drvdata(d), struct adaptive_lb, lb);
}

/* The best device of one kind so far. */
struct adaptive_lb_pick {
	struct acrypto_device *dev;
	u64 t;
};

static void adaptive_lb_consider(struct adaptive_lb_pick *p,
				 struct acrypto_device *dev, u64 t)
{
	if (!p->dev || t < p->t || (t == p->t && dev->class > p->dev->class)) {
		p->dev = dev;
		p->t = t;
	}
}

static struct acrypto_device *adaptive_lb_select(struct acrypto_lb *lb,
						 struct acrypto_session *s)
{
	struct adaptive_lb *al = container_of(lb, struct adaptive_lb, lb);
	struct adaptive_lb_pick sync = {}, async = {};
	struct acrypto_device *dev, *unknown = NULL, *best;
	u64 t;

	acrypto_for_each_device(dev) {
		if (!acrypto_device_can_serve(dev, s))
			continue;
		if (acrypto_device_explore(dev, s))
			return dev;
		t = acrypto_device_finish_ns(dev, s);
		if (!t) {
			if (!unknown)
				unknown = dev;
			continue;
		}
		adaptive_lb_consider(dev->flags & ACRYPTO_DEV_SYNC ? &sync :
				     &async, dev, t);
	}

	if (sync.dev && async.dev) {
		u64 margin = div_u64(sync.t * READ_ONCE(al->sync_margin_pct),
				     100);

		best = sync.t + margin < async.t ? sync.dev : async.dev;
	} else {
		best = sync.dev ?: async.dev;
	}
	return best ?: unknown;
}

/* A parameter: one unsigned decimal within bounds. */
static ssize_t adaptive_lb_store_uint(const char *buf, size_t count,
				      unsigned int *param, unsigned int min,
				      unsigned int max)
{
	unsigned int val;
	int err;

	err = kstrtouint(buf, 10, &val);
	if (err)
		return err;
	if (val < min || val > max)
		return -EINVAL;
	WRITE_ONCE(*param, val);
	return count;
}

static ssize_t sync_margin_pct_show(struct device *d,
				    struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(to_adaptive_lb(d)->sync_margin_pct));
}

static ssize_t sync_margin_pct_store(struct device *d,
				     struct device_attribute *attr,
				     const char *buf, size_t count)
{
	return adaptive_lb_store_uint(buf, count,
				      &to_adaptive_lb(d)->sync_margin_pct, 0,
				      ADAPTIVE_LB_MAX_MARGIN);
}
static DEVICE_ATTR_RW(sync_margin_pct);

static struct attribute *adaptive_lb_attrs[] = {
	&dev_attr_sync_margin_pct.attr,
	NULL,
};
ATTRIBUTE_GROUPS(adaptive_lb);

static struct adaptive_lb adaptive_lb = {
	.lb = {
		.name = "adaptive_lb",
		.owner = THIS_MODULE,
		.select = adaptive_lb_select,
		.groups = adaptive_lb_groups,
	},
	.sync_margin_pct = 10,
};

static int __init adaptive_lb_init(void)
{
	return acrypto_lb_register(&adaptive_lb.lb);
}

static void __exit adaptive_lb_exit(void)
{
	acrypto_lb_unregister(&adaptive_lb.lb);
}

module_init(adaptive_lb_init);
module_exit(adaptive_lb_exit);

MODULE_ALIAS_ACRYPTO_LB("adaptive_lb");
MODULE_AUTHOR("The acrypto authors");
MODULE_DESCRIPTION("acrypto load balancer: equal finish times by measured cost");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * size_lb: small requests to the CPU, large ones to hardware.
 *
 * After DPDK's packet-size distributor: a co-processor pays a fixed cost per
 * request (a doorbell, a trip through a queue, an interrupt) that a small
 * request never earns back, while the CPU is fastest for small requests and
 * falls behind on large ones.  Sessions whose current step processes fewer
 * than `threshold` bytes go to the CPU side (devices of class software or
 * accelerated), the others to the hardware side (class hardware).  Within a
 * side the least loaded device wins (sessions on the device relative to the
 * queue length of the capability in use), ties going to the higher class
 * and then to the device registered first.  When no device of the wanted
 * side can serve the session, any device that can serve it is chosen the
 * same way.
 *
 * Parameters, in /sys/class/crypto_lb/size_lb/ (see
 * Documentation/ABI/testing/sysfs-class-crypto_lb-balancers):
 *
 *   threshold  bytes; requests of at least this size go to hardware
 *              (default 512)
 */

#include <crypto/acrypto.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/sysfs.h>

/**
 * struct size_lb - the balancer and its parameters
 * @lb: registered with the engine
 * @threshold: parameter, read locklessly on the request path
 */
struct size_lb {
	struct acrypto_lb lb;
	unsigned int threshold;
};

static struct size_lb *to_size_lb(struct device *d)
{
	return container_of(dev_get_drvdata(d), struct size_lb, lb);
}

/* The best candidate so far of one side, and its load. */
struct size_lb_pick {
	struct acrypto_device *dev;
	unsigned int load;
};

/* Keep the better one: less loaded, then higher class, then seen first. */
static void size_lb_consider(struct size_lb_pick *pick,
			     struct acrypto_device *dev, unsigned int load)
{
	if (!pick->dev || load < pick->load ||
	    (load == pick->load && dev->class > pick->dev->class)) {
		pick->dev = dev;
		pick->load = load;
	}
}

static struct acrypto_device *size_lb_select(struct acrypto_lb *lb,
					     struct acrypto_session *s)
{
	struct size_lb *sl = container_of(lb, struct size_lb, lb);
	bool want_hw = s->len >= READ_ONCE(sl->threshold);
	struct size_lb_pick side = {}, any = {};
	struct acrypto_device *dev;
	unsigned int load;
	bool hw;

	acrypto_for_each_device(dev) {
		if (!acrypto_device_can_serve(dev, s))
			continue;
		load = acrypto_device_load(dev, s);
		hw = dev->class == ACRYPTO_CLASS_HARDWARE;
		if (hw == want_hw)
			size_lb_consider(&side, dev, load);
		size_lb_consider(&any, dev, load);
	}
	return side.dev ?: any.dev;
}

static ssize_t threshold_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(to_size_lb(d)->threshold));
}

static ssize_t threshold_store(struct device *d, struct device_attribute *attr,
			       const char *buf, size_t count)
{
	unsigned int val;
	int err;

	err = kstrtouint(buf, 10, &val);
	if (err)
		return err;
	WRITE_ONCE(to_size_lb(d)->threshold, val);
	return count;
}
static DEVICE_ATTR_RW(threshold);

static struct attribute *size_lb_attrs[] = {
	&dev_attr_threshold.attr,
	NULL,
};
ATTRIBUTE_GROUPS(size_lb);

static struct size_lb size_lb = {
	.lb = {
		.name = "size_lb",
		.owner = THIS_MODULE,
		.select = size_lb_select,
		.groups = size_lb_groups,
	},
	.threshold = 512,
};

static int __init size_lb_init(void)
{
	return acrypto_lb_register(&size_lb.lb);
}

static void __exit size_lb_exit(void)
{
	acrypto_lb_unregister(&size_lb.lb);
}

module_init(size_lb_init);
module_exit(size_lb_exit);

MODULE_AUTHOR("The acrypto authors");
MODULE_DESCRIPTION("acrypto load balancer by request size");
MODULE_LICENSE("GPL");

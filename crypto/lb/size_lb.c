// SPDX-License-Identifier: GPL-2.0-only
/*
 * size_lb: small requests to the CPU, large ones to hardware.
 *
 * After DPDK's packet-size distributor: a co-processor pays a fixed cost per
 * request (a doorbell, a trip through a queue, an interrupt) that a small
 * request never earns back, while the CPU is fastest for small requests and
 * falls behind on large ones.  Sessions whose current step is smaller than
 * the crossover go to the CPU side (devices of class software or
 * accelerated), the others to the hardware side (class hardware).
 *
 * The crossover is learned from the engine's cost model: a step goes to
 * the hardware side when the best hardware device is expected to do it
 * faster than the best CPU-side device, each measured at the step's size.
 * Setting `threshold` to a number of bytes overrides that with a fixed
 * crossover; 0 (the default) learns it.  Within a side the device with the
 * earliest expected completion wins, ties going to the higher class.  When
 * no device of the wanted side can serve the session, any device that can
 * serve it is chosen the same way.
 *
 * Parameters and figures, in /sys/class/crypto_lb/size_lb/ (see
 * Documentation/ABI/testing/sysfs-class-crypto_lb-balancers):
 *
 *   threshold            bytes; requests of at least this size go to
 *                        hardware; 0 learns the crossover (default 0)
 *   crossover/<mode-alg> the learned crossover of each algorithm, in bytes:
 *                        the smallest power of two from 16 bytes to 1 MiB
 *                        that the hardware side does faster; 0 when the
 *                        model does not know (yet) or the CPU side is always
 *                        faster
 */

#include <crypto/internal/acrypto.h>
#include <linux/device.h>
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/sysfs.h>

/* The sizes at which crossover/ looks, as powers of two. */
#define SIZE_LB_MIN_SHIFT	4
#define SIZE_LB_MAX_SHIFT	20

/**
 * struct size_lb - the balancer and its parameters
 * @lb: registered with the engine
 * @threshold: parameter, read locklessly on the request path; 0 learns
 */
struct size_lb {
	struct acrypto_lb lb;
	unsigned int threshold;
};

static struct size_lb *to_size_lb(struct device *d)
{
	return container_of(dev_get_drvdata(d), struct size_lb, lb);
}

/* The best candidate so far of one side. */
struct size_lb_pick {
	struct acrypto_device *dev;
	u64 t;		/* expected completion, 0 when unknown */
	u64 cost;	/* own cost of the step, 0 when unknown */
};

/* Keep the better one: sooner finished (known first), then higher class. */
static void size_lb_consider(struct size_lb_pick *pick,
			     struct acrypto_device *dev, u64 t, u64 cost)
{
	bool better;

	if (!pick->dev)
		better = true;
	else if (!t || !pick->t)
		better = t && !pick->t;
	else
		better = t < pick->t ||
			 (t == pick->t && dev->class > pick->dev->class);
	if (better) {
		pick->dev = dev;
		pick->t = t;
	}
	if (cost && (!pick->cost || cost < pick->cost))
		pick->cost = cost;
}

static bool size_lb_is_hw(const struct acrypto_device *dev)
{
	return dev->class == ACRYPTO_CLASS_HARDWARE;
}

static struct acrypto_device *size_lb_select(struct acrypto_lb *lb,
					     struct acrypto_session *s)
{
	struct size_lb *sl = container_of(lb, struct size_lb, lb);
	unsigned int threshold = READ_ONCE(sl->threshold);
	struct size_lb_pick side[2] = {}, any = {};
	struct acrypto_device *dev;
	bool want_hw;
	u64 t, cost;

	acrypto_for_each_device(dev) {
		if (!acrypto_device_can_serve(dev, s))
			continue;
		/* Learning needs both sides measured at this size. */
		if (!threshold && acrypto_device_explore(dev, s))
			return dev;
		t = acrypto_device_expected_ns(dev, s);
		cost = acrypto_device_cost_ns(dev, s);
		size_lb_consider(&side[size_lb_is_hw(dev)], dev, t, cost);
		size_lb_consider(&any, dev, t, cost);
	}

	if (threshold)
		want_hw = s->len >= threshold;
	else if (side[0].cost && side[1].cost)
		want_hw = side[1].cost < side[0].cost;
	else
		want_hw = side[1].dev;	/* not known yet: hardware first */
	return side[want_hw].dev ?: any.dev;
}

static ssize_t threshold_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	return acrypto_lb_show_uint(buf, &to_size_lb(d)->threshold);
}

static ssize_t threshold_store(struct device *d, struct device_attribute *attr,
			       const char *buf, size_t count)
{
	return acrypto_lb_store_uint(buf, count, &to_size_lb(d)->threshold,
				     0, UINT_MAX);
}
static DEVICE_ATTR_RW(threshold);

static struct attribute *size_lb_attrs[] = {
	&dev_attr_threshold.attr,
	NULL,
};

static const struct attribute_group size_lb_group = {
	.attrs = size_lb_attrs,
};

/* crossover/<mode>-<alg>: one file per algorithm the engine knows. */
struct size_lb_crossover_attr {
	struct device_attribute attr;
	u8 alg;
	u8 mode;
};

/* The cheapest known cost of a @len-byte step on one side, 0 if unknown. */
static u64 size_lb_side_cost(unsigned int alg, unsigned int mode,
			     unsigned int len, bool hw)
{
	struct acrypto_device *dev;
	u64 best = 0, c;

	acrypto_for_each_device(dev) {
		if (size_lb_is_hw(dev) != hw || !acrypto_device_usable(dev))
			continue;
		c = acrypto_device_step_cost_ns(dev, alg, mode, len);
		if (c && (!best || c < best))
			best = c;
	}
	return best;
}

static ssize_t crossover_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	struct size_lb_crossover_attr *ca = container_of(attr, typeof(*ca),
							 attr);
	unsigned int shift, found = 0;
	u64 cpu, hw;

	rcu_read_lock();
	for (shift = SIZE_LB_MIN_SHIFT; shift <= SIZE_LB_MAX_SHIFT; shift++) {
		cpu = size_lb_side_cost(ca->alg, ca->mode, 1U << shift, false);
		hw = size_lb_side_cost(ca->alg, ca->mode, 1U << shift, true);
		if (!cpu || !hw)
			break;
		if (hw < cpu) {
			found = 1U << shift;
			break;
		}
	}
	rcu_read_unlock();
	return sysfs_emit(buf, "%u\n", found);
}

#define SIZE_LB_CROSSOVER(_name, _alg, _mode)				\
	{ .attr = { .attr = { .name = _name, .mode = 0444 },		\
		    .show = crossover_show },				\
	  .alg = ACRYPTO_ALG_##_alg, .mode = ACRYPTO_MODE_##_mode }

static struct size_lb_crossover_attr size_lb_crossovers[] = {
	SIZE_LB_CROSSOVER("ecb-aes", AES, ECB),
	SIZE_LB_CROSSOVER("cbc-aes", AES, CBC),
	SIZE_LB_CROSSOVER("ctr-aes", AES, CTR),
	SIZE_LB_CROSSOVER("xts-aes", AES, XTS),
	SIZE_LB_CROSSOVER("gcm-aes", AES, GCM),
	SIZE_LB_CROSSOVER("rfc4106-aes", AES, RFC4106),
	SIZE_LB_CROSSOVER("hash-sha1", SHA1, HASH),
	SIZE_LB_CROSSOVER("hash-sha256", SHA256, HASH),
	SIZE_LB_CROSSOVER("hmac-sha1", SHA1, HMAC),
	SIZE_LB_CROSSOVER("hmac-sha256", SHA256, HMAC),
};

static struct attribute *size_lb_crossover_attrs[] = {
	&size_lb_crossovers[0].attr.attr,
	&size_lb_crossovers[1].attr.attr,
	&size_lb_crossovers[2].attr.attr,
	&size_lb_crossovers[3].attr.attr,
	&size_lb_crossovers[4].attr.attr,
	&size_lb_crossovers[5].attr.attr,
	&size_lb_crossovers[6].attr.attr,
	&size_lb_crossovers[7].attr.attr,
	&size_lb_crossovers[8].attr.attr,
	&size_lb_crossovers[9].attr.attr,
	NULL,
};

static const struct attribute_group size_lb_crossover_group = {
	.name = "crossover",
	.attrs = size_lb_crossover_attrs,
};

static const struct attribute_group *size_lb_groups[] = {
	&size_lb_group,
	&size_lb_crossover_group,
	NULL,
};

static struct size_lb size_lb = {
	.lb = {
		.name = "size_lb",
		.owner = THIS_MODULE,
		.select = size_lb_select,
		.groups = size_lb_groups,
	},
	.threshold = 0,
};

static int __init size_lb_init(void)
{
	BUILD_BUG_ON(ARRAY_SIZE(size_lb_crossover_attrs) !=
		     ARRAY_SIZE(size_lb_crossovers) + 1);
	return acrypto_lb_register(&size_lb.lb);
}

static void __exit size_lb_exit(void)
{
	acrypto_lb_unregister(&size_lb.lb);
}

module_init(size_lb_init);
module_exit(size_lb_exit);

MODULE_ALIAS_ACRYPTO_LB("size_lb");
MODULE_AUTHOR("The acrypto authors");
MODULE_DESCRIPTION("acrypto load balancer by request size, crossover learned from measured costs");
MODULE_LICENSE("GPL");

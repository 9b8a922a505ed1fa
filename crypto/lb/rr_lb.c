// SPDX-License-Identifier: GPL-2.0-only
/*
 * rr_lb: round robin over the devices that can serve a session.
 *
 * Each CPU keeps its own cursor; a selection counts the devices that can
 * serve the session, advances the local cursor and takes the device at that
 * position.  Every CPU cycles through the devices evenly, so the totals of
 * any two equally capable devices differ by at most the number of CPUs.
 * Nothing is shared between CPUs on the request path: no lock, no atomic, no
 * cache line written by two CPUs.
 *
 * Parameters, in /sys/class/crypto_lb/rr_lb/ (see
 * Documentation/ABI/testing/sysfs-class-crypto_lb-balancers):
 *
 *   skip_full  0 (default): strict rotation, a full device gets its turn and
 *              the session waits on its backlog; 1: skip devices that are
 *              full or have a backlog while another one has room.
 */

#include <crypto/internal/acrypto.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sysfs.h>

/**
 * struct rr_lb - the balancer and its parameters
 * @lb: registered with the engine
 * @skip_full: parameter, read locklessly on the request path
 */
struct rr_lb {
	struct acrypto_lb lb;
	bool skip_full;
};

/* Where each CPU is in its rotation. */
static DEFINE_PER_CPU(unsigned int, rr_lb_cursor);

static struct rr_lb *to_rr_lb(struct device *d)
{
	return container_of(dev_get_drvdata(d), struct rr_lb, lb);
}

/* A device said -ENOSPC, or sessions already wait for it. */
static bool rr_lb_full(const struct acrypto_device *dev)
{
	return acrypto_device_full(dev) || acrypto_device_backlog_len(dev);
}

static bool rr_lb_eligible(const struct acrypto_device *dev,
			   const struct acrypto_session *s, bool skip_full)
{
	return acrypto_device_can_serve(dev, s) &&
	       !(skip_full && rr_lb_full(dev));
}

static unsigned int rr_lb_count(const struct acrypto_session *s,
				bool skip_full)
{
	struct acrypto_device *dev;
	unsigned int n = 0;

	acrypto_for_each_device(dev)
		n += rr_lb_eligible(dev, s, skip_full);
	return n;
}

static struct acrypto_device *rr_lb_select(struct acrypto_lb *lb,
					   struct acrypto_session *s)
{
	struct rr_lb *rr = container_of(lb, struct rr_lb, lb);
	bool skip_full = READ_ONCE(rr->skip_full);
	struct acrypto_device *dev, *last = NULL;
	unsigned int n, k;

	n = rr_lb_count(s, skip_full);
	if (!n && skip_full) {
		/* Every capable device is full: rotate among all of them. */
		skip_full = false;
		n = rr_lb_count(s, false);
	}
	if (!n)
		return NULL;

	k = this_cpu_inc_return(rr_lb_cursor) % n;
	acrypto_for_each_device(dev) {
		if (!rr_lb_eligible(dev, s, skip_full))
			continue;
		if (!k--)
			return dev;
		last = dev;
	}
	/*
	 * A device went away or became unusable between the two walks: take
	 * the last eligible one seen, NULL if there was none.
	 */
	return last;
}

static ssize_t skip_full_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_rr_lb(d)->skip_full));
}

static ssize_t skip_full_store(struct device *d, struct device_attribute *attr,
			       const char *buf, size_t count)
{
	bool val;
	int err;

	err = kstrtobool(buf, &val);
	if (err)
		return err;
	WRITE_ONCE(to_rr_lb(d)->skip_full, val);
	return count;
}
static DEVICE_ATTR_RW(skip_full);

static struct attribute *rr_lb_attrs[] = {
	&dev_attr_skip_full.attr,
	NULL,
};
ATTRIBUTE_GROUPS(rr_lb);

static struct rr_lb rr_lb = {
	.lb = {
		.name = "rr_lb",
		.owner = THIS_MODULE,
		.select = rr_lb_select,
		.groups = rr_lb_groups,
	},
};

static int __init rr_lb_init(void)
{
	return acrypto_lb_register(&rr_lb.lb);
}

static void __exit rr_lb_exit(void)
{
	acrypto_lb_unregister(&rr_lb.lb);
}

module_init(rr_lb_init);
module_exit(rr_lb_exit);

MODULE_ALIAS_ACRYPTO_LB("rr_lb");
MODULE_AUTHOR("The acrypto authors");
MODULE_DESCRIPTION("acrypto round-robin load balancer");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * adaptive_lb: send each session where it is expected to finish first.
 *
 * The balancer measures every device: the engine stamps a session when a
 * device accepts it (ACRYPTO_LB_TIMING) and the complete() hook folds the
 * time to completion into an exponentially weighted moving average per
 * device.  The expected completion time of a new session on a device is
 *
 *	(sessions on the device + 1) * average latency
 *
 * the "least expected latency" cost of peak-EWMA balancers, and the device
 * with the lowest cost wins (ties: higher class, then first registered).  A
 * device eight times faster than another thus carries most of the load,
 * while the slower one still takes work once the fast one has a queue.
 *
 * Estimates go stale: a device not measured for `stale_ms` (because it
 * was broken, or just registered, or lost every comparison) is costed with
 * the best estimate of the others, so it gets work and is measured again.
 * On top of that every `explore_every`-th selection on a CPU goes to the
 * capable device measured longest ago, so a slow device keeps being sampled
 * and a device that sped up is noticed.  A device error doubles the
 * device's estimate: a device that fails fast must not look fast.
 *
 * The request path takes no lock: the estimates are per device (indexed by
 * &acrypto_device.index) and updated with plain stores, two completions on
 * different CPUs racing to update one estimate lose one sample, which a
 * moving average does not notice.
 *
 * Parameters, in /sys/class/crypto_lb/adaptive_lb/ (see
 * Documentation/ABI/testing/sysfs-class-crypto_lb-balancers):
 *
 *   ewma_shift     weight of a new sample, 1/2^ewma_shift (1-10, default 3)
 *   explore_every  every Nth selection explores; 0 never (default 32)
 *   stale_ms       an estimate older than this is not trusted; 0 trusts
 *                  estimates forever (default 1000)
 */

#include <crypto/acrypto.h>
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sysfs.h>

#define ADAPTIVE_LB_MAX_SHIFT	10
/* Estimates are capped, so that a cost never overflows. */
#define ADAPTIVE_LB_MAX_NS	(10ULL * NSEC_PER_SEC)

/**
 * struct adaptive_lb_est - what the balancer knows about one device
 * @dev: the device the estimate belongs to; a new device that gets the
 *	same index starts afresh
 * @ewma_ns: moving average of the time from acceptance to completion, in
 *	nanoseconds; 0 before the first sample
 * @stamp: jiffies of the last sample
 *
 * Written by complete() with plain stores; read by select() on any CPU.  On
 * a 32-bit machine a read racing with a write may see a torn @ewma_ns: one
 * odd selection, corrected by the next sample.
 */
struct adaptive_lb_est {
	const struct acrypto_device *dev;
	u64 ewma_ns;
	unsigned long stamp;
} ____cacheline_aligned_in_smp;

/**
 * struct adaptive_lb - the balancer, its parameters and its measurements
 * @lb: registered with the engine
 * @ewma_shift: parameter, read locklessly
 * @explore_every: parameter, read locklessly
 * @stale_ms: parameter, read locklessly
 * @est: per-device estimates, indexed by &acrypto_device.index
 */
struct adaptive_lb {
	struct acrypto_lb lb;
	unsigned int ewma_shift;
	unsigned int explore_every;
	unsigned int stale_ms;
	struct adaptive_lb_est est[ACRYPTO_MAX_DEVICES];
};

/* Selections made on each CPU, for exploration. */
static DEFINE_PER_CPU(unsigned int, adaptive_lb_ticks);

static struct adaptive_lb *to_adaptive_lb(struct device *d)
{
	return container_of(dev_get_drvdata(d), struct adaptive_lb, lb);
}

/*
 * The estimate of @dev, 0 if there is none or it is stale.  *@stamp gets the
 * time of the last sample, for exploration; *@measured whether there was
 * one at all.
 */
static u64 adaptive_lb_estimate(const struct adaptive_lb *al,
				const struct acrypto_device *dev,
				unsigned long stale, unsigned long *stamp,
				bool *measured)
{
	const struct adaptive_lb_est *est = &al->est[dev->index];
	u64 ewma;

	*stamp = 0;
	/* Pairs with the release in adaptive_lb_complete(). */
	*measured = smp_load_acquire(&est->dev) == dev;
	if (!*measured)
		return 0;
	ewma = READ_ONCE(est->ewma_ns);
	*stamp = READ_ONCE(est->stamp);
	if (stale && time_after(jiffies, *stamp + stale))
		return 0;
	return ewma;
}

/* The capable device other than @best measured longest ago (never first). */
static struct acrypto_device *
adaptive_lb_oldest(const struct adaptive_lb *al, struct acrypto_session *s,
		   const struct acrypto_device *best)
{
	struct acrypto_device *dev, *oldest = NULL;
	unsigned long stamp = 0, oldest_stamp = 0;
	bool measured;

	acrypto_for_each_device(dev) {
		if (dev == best || !acrypto_device_can_serve(dev, s))
			continue;
		adaptive_lb_estimate(al, dev, 0, &stamp, &measured);
		if (!measured)
			return dev;
		if (!oldest || time_before(stamp, oldest_stamp)) {
			oldest = dev;
			oldest_stamp = stamp;
		}
	}
	return oldest;
}

static struct acrypto_device *adaptive_lb_select(struct acrypto_lb *lb,
						 struct acrypto_session *s)
{
	struct adaptive_lb *al = container_of(lb, struct adaptive_lb, lb);
	unsigned long stale = msecs_to_jiffies(READ_ONCE(al->stale_ms));
	unsigned int every = READ_ONCE(al->explore_every);
	struct acrypto_device *dev, *best = NULL, *oldest;
	u64 est, known = 0, cost, best_cost = 0;
	unsigned long stamp;
	bool measured;

	/* The best estimate among the capable devices prices the unknown. */
	acrypto_for_each_device(dev) {
		if (!acrypto_device_can_serve(dev, s))
			continue;
		est = adaptive_lb_estimate(al, dev, stale, &stamp, &measured);
		if (est && (!known || est < known))
			known = est;
	}

	acrypto_for_each_device(dev) {
		if (!acrypto_device_can_serve(dev, s))
			continue;
		est = adaptive_lb_estimate(al, dev, stale, &stamp, &measured);
		if (!est)
			est = known ?: 1;
		cost = (u64)(atomic_read(&dev->inflight) + 1) * est;
		if (!best || cost < best_cost ||
		    (cost == best_cost && dev->class > best->class)) {
			best = dev;
			best_cost = cost;
		}
	}

	if (best && every && !(this_cpu_inc_return(adaptive_lb_ticks) % every)) {
		oldest = adaptive_lb_oldest(al, s, best);
		if (oldest)
			return oldest;
	}
	return best;
}

/* Device errors, as the engine counts them: the device is to blame. */
static bool adaptive_lb_device_error(int err)
{
	switch (err) {
	case -EIO:
	case -ENODEV:
	case -ETIMEDOUT:
	case -EAGAIN:
	case -ESHUTDOWN:
		return true;
	default:
		return false;
	}
}

static void adaptive_lb_complete(struct acrypto_lb *lb,
				 struct acrypto_device *dev,
				 struct acrypto_session *s, int err)
{
	struct adaptive_lb *al = container_of(lb, struct adaptive_lb, lb);
	struct adaptive_lb_est *est = &al->est[dev->index];
	unsigned int shift = READ_ONCE(al->ewma_shift);
	u64 now, sample, ewma;

	/* Placed before this balancer was current: not timed. */
	if (!s->start_ns)
		return;
	now = ktime_get_ns();
	sample = now > s->start_ns ? now - s->start_ns : 1;
	sample = min_t(u64, sample, ADAPTIVE_LB_MAX_NS);

	if (READ_ONCE(est->dev) != dev) {
		/* First sample of this device (or of a new one at this index). */
		WRITE_ONCE(est->ewma_ns, sample);
		WRITE_ONCE(est->stamp, jiffies);
		/* Publish the estimate before the owner that validates it. */
		smp_store_release(&est->dev, dev);
		return;
	}

	ewma = READ_ONCE(est->ewma_ns);
	if (adaptive_lb_device_error(err))
		ewma = min(max(2 * ewma, sample), ADAPTIVE_LB_MAX_NS);
	else if (sample > ewma)
		ewma += (sample - ewma) >> shift;
	else
		ewma -= (ewma - sample) >> shift;
	WRITE_ONCE(est->ewma_ns, max_t(u64, ewma, 1));
	WRITE_ONCE(est->stamp, jiffies);
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

static ssize_t ewma_shift_show(struct device *d, struct device_attribute *attr,
			       char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(to_adaptive_lb(d)->ewma_shift));
}

static ssize_t ewma_shift_store(struct device *d,
				struct device_attribute *attr,
				const char *buf, size_t count)
{
	return adaptive_lb_store_uint(buf, count, &to_adaptive_lb(d)->ewma_shift,
				      1, ADAPTIVE_LB_MAX_SHIFT);
}
static DEVICE_ATTR_RW(ewma_shift);

static ssize_t explore_every_show(struct device *d,
				  struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(to_adaptive_lb(d)->explore_every));
}

static ssize_t explore_every_store(struct device *d,
				   struct device_attribute *attr,
				   const char *buf, size_t count)
{
	return adaptive_lb_store_uint(buf, count,
				      &to_adaptive_lb(d)->explore_every,
				      0, UINT_MAX);
}
static DEVICE_ATTR_RW(explore_every);

static ssize_t stale_ms_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(to_adaptive_lb(d)->stale_ms));
}

static ssize_t stale_ms_store(struct device *d, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	return adaptive_lb_store_uint(buf, count, &to_adaptive_lb(d)->stale_ms,
				      0, UINT_MAX);
}
static DEVICE_ATTR_RW(stale_ms);

static struct attribute *adaptive_lb_attrs[] = {
	&dev_attr_ewma_shift.attr,
	&dev_attr_explore_every.attr,
	&dev_attr_stale_ms.attr,
	NULL,
};
ATTRIBUTE_GROUPS(adaptive_lb);

static struct adaptive_lb adaptive_lb = {
	.lb = {
		.name = "adaptive_lb",
		.owner = THIS_MODULE,
		.select = adaptive_lb_select,
		.complete = adaptive_lb_complete,
		.flags = ACRYPTO_LB_TIMING,
		.groups = adaptive_lb_groups,
	},
	.ewma_shift = 3,
	.explore_every = 32,
	.stale_ms = 1000,
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

MODULE_AUTHOR("The acrypto authors");
MODULE_DESCRIPTION("acrypto load balancer by measured latency and queue depth");
MODULE_LICENSE("GPL");

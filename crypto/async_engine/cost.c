// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: the cost model - what a step costs on each device.
 *
 * For every capability of every device, and for six request-size classes
 * (up to 64, 256, 1 KiB, 4 KiB, 16 KiB bytes, and longer), the engine keeps
 * a moving average of the measured service time of a step, and fits a
 * fixed cost per request plus a cost per byte through the smallest and the
 * largest measured class.  The service time is what the device spends on
 * the step alone:
 *
 *  - a synchronous device (the CPU) is timed around ->process_sync(): the
 *    submitting CPU's own time, during which that CPU submits nothing
 *    else;
 *  - an asynchronous device is timed from acceptance to completion, and
 *    the time is divided among the sessions it held meanwhile (the ones
 *    ahead of this one, and this one), so that a device with a queue does
 *    not look slow for having work.
 *
 * The expected completion of a step on a device is then its queue (the
 * sessions it holds) times its average service time, plus the step's own
 * service time at its size: what the default balancer minimises.
 *
 * Cheap to keep: timing is sampled, one step in cost_sample_every per CPU
 * and at least one per jiffy per CPU, and the model is written on sampled
 * completions only, with plain stores; no cache line is written per
 * request.  A synchronous step is timed with local_clock() (start and end
 * on the same CPU, no clock source read); an asynchronous one with
 * ktime_get_ns(), since its completion may run on another CPU and
 * local_clock() of two CPUs may differ by up to a tick.  Each sample moves
 * the average by 1/2^cost_ewma_shift of the difference, so a device that
 * speeds up or slows down is followed within a few dozen samples: well
 * within a second of traffic.  A class not measured for cost_stale_ms is
 * stale; balancers send it a request now and then to measure it again
 * (acrypto_device_explore()).
 *
 * The model is visible in /sys/class/acrypto/<dev>/cost/ and
 * /sys/class/acrypto/<dev>/service_ns (Documentation/ABI/testing/
 * sysfs-class-acrypto).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "internal.h"
#include "stats.h"

/* Costs are capped, so that a sum of them never overflows. */
#define ACRYPTO_COST_MAX_NS	(10U * NSEC_PER_SEC)

/* A sample counts at most this many times a cell's average. */
#define ACRYPTO_COST_OUTLIER	4

/* Per-CPU sampling state. */
DEFINE_PER_CPU(struct acrypto_cost_clock, acrypto_cost_clock);

/* Upper bounds of the size classes, for sysfs; the last has none. */
static const unsigned int acrypto_cost_bounds[ACRYPTO_COST_CLASSES - 1] = {
	64, 256, 1024, 4096, 16384,
};

/**
 * acrypto_cost_class() - the size class of a step of @len bytes
 * @len: bytes the step processes
 *
 * Return: 0 for up to 64 bytes, 1 up to 256, ... 5 above 16 KiB.
 */
static unsigned int acrypto_cost_class(unsigned int len)
{
	unsigned int c;

	if (len <= 64)
		return 0;
	c = (fls(len - 1) - 5) / 2;
	return min_t(unsigned int, c, ACRYPTO_COST_CLASSES - 1);
}

/* Bytes of the current step of @s, as the model counts them. */
static unsigned int acrypto_cost_len(const struct acrypto_session *s)
{
	return s->len + s->assoclen;
}

static struct acrypto_cost *acrypto_cost_of(const struct acrypto_device *dev,
					    const struct acrypto_session *s)
{
	const struct acrypto_hop *hop = acrypto_session_hop(s);
	unsigned int i;

	if (!dev->cost)
		return NULL;
	i = dev->capidx[hop->alg][hop->mode];
	return i ? &dev->cost[i - 1] : NULL;
}

/* Refit the fixed and per-byte costs of @cost from its measured classes. */
static void acrypto_cost_fit(struct acrypto_cost *cost)
{
	const struct acrypto_cost_cell *lo = NULL, *hi = NULL, *cell;
	u32 lo_ns, lo_len, hi_ns, hi_len, ps = 0;
	unsigned int i;

	for (i = 0; i < ACRYPTO_COST_CLASSES; i++) {
		cell = &cost->cell[i];
		if (!READ_ONCE(cell->ns))
			continue;
		if (!lo)
			lo = cell;
		hi = cell;
	}
	if (!lo || lo == hi) {
		WRITE_ONCE(cost->fitted, false);
		return;
	}
	lo_ns = READ_ONCE(lo->ns);
	lo_len = READ_ONCE(lo->len);
	hi_ns = READ_ONCE(hi->ns);
	hi_len = READ_ONCE(hi->len);
	if (hi_len > lo_len && hi_ns > lo_ns)
		ps = div_u64((u64)(hi_ns - lo_ns) * 1000, hi_len - lo_len);
	WRITE_ONCE(cost->ps_per_byte, ps);
	WRITE_ONCE(cost->fixed_ns,
		   lo_ns - min_t(u64, lo_ns, div_u64((u64)ps * lo_len, 1000)));
	WRITE_ONCE(cost->fitted, true);
}

/*
 * The lower envelope of the samples: the least one, creeping towards the
 * average @avg by 1/16 of the difference with each sample above it.
 */
static u32 acrypto_cost_floor(u32 lo, u32 sample, u32 avg)
{
	if (!lo || sample <= lo)
		return sample;
	return avg > lo ? lo + max((avg - lo) >> 4, 1U) : lo;
}

/* Move @avg towards @sample by 1/2^@shift of the difference. */
static u32 acrypto_cost_ewma(u32 avg, u32 sample, unsigned int shift)
{
	if (!avg)
		return sample;
	if (sample > avg)
		return avg + ((sample - avg) >> shift);
	return avg - ((avg - sample) >> shift);
}

/**
 * acrypto_cost_sample() - fold one measured service time into the model
 * @dev: the device that did the current step of @s
 * @s: the session
 * @ns: service time of the step on @dev, in nanoseconds
 *
 * Context: any up to softirq; on sampled steps only.
 */
void acrypto_cost_sample(struct acrypto_device *dev,
			 const struct acrypto_session *s, u64 ns)
{
	const struct acrypto_hop *hop = acrypto_session_hop(s);

	acrypto_cost_sample_step(dev, hop->alg, hop->mode, acrypto_cost_len(s),
				 ns);
}

/**
 * acrypto_cost_sample_step() - fold one measured service time into the model
 * @dev: the device that did a step
 * @alg: enum acrypto_alg of the step
 * @mode: enum acrypto_mode of the step
 * @len: bytes of the step
 * @ns: its service time on @dev, in nanoseconds
 *
 * Context: any up to softirq; on sampled steps only.
 */
void acrypto_cost_sample_step(struct acrypto_device *dev, unsigned int alg,
			      unsigned int mode, unsigned int len, u64 ns)
{
	unsigned int shift = READ_ONCE(acrypto_cost_ewma_shift);
	unsigned int i = dev->cost ? dev->capidx[alg][mode] : 0;
	struct acrypto_cost *cost = i ? &dev->cost[i - 1] : NULL;
	struct acrypto_cost_cell *cell;
	u32 sample, avg;

	if (!cost)
		return;
	sample = clamp_t(u64, ns, 1, ACRYPTO_COST_MAX_NS);
	cell = &cost->cell[acrypto_cost_class(len)];
	avg = READ_ONCE(cell->ns);
	/*
	 * One outlier (the host preempted the guest, a long interrupt) must
	 * not make a device look slow for seconds: a device that loses the
	 * balancer's choice is measured again only by occasional probes.  A
	 * sample counts at most ACRYPTO_COST_OUTLIER times the average; a
	 * device that really slowed down is still followed within a few
	 * samples.
	 */
	if (avg && READ_ONCE(cell->samples) >= ACRYPTO_COST_OUTLIER)
		sample = min_t(u64, sample, (u64)avg * ACRYPTO_COST_OUTLIER);
	avg = acrypto_cost_ewma(avg, sample, shift);
	WRITE_ONCE(cell->ns, avg);
	WRITE_ONCE(cell->lo, acrypto_cost_floor(READ_ONCE(cell->lo), sample,
						avg));
	WRITE_ONCE(cell->len, acrypto_cost_ewma(READ_ONCE(cell->len),
						max(len, 1U), shift));
	WRITE_ONCE(cell->samples, cell->samples + 1);
	WRITE_ONCE(cell->stamp, jiffies);
	avg = acrypto_cost_ewma(READ_ONCE(dev->service_ns), sample, shift + 1);
	WRITE_ONCE(dev->service_ns, avg);
	WRITE_ONCE(dev->service_lo,
		   acrypto_cost_floor(READ_ONCE(dev->service_lo), sample, avg));
	acrypto_cost_fit(cost);
}

/**
 * acrypto_cost_penalise() - a device failed the current step of @s
 * @dev: the device
 * @s: the session
 *
 * A device that fails fast must not look fast: the measured cost of the
 * step's class doubles.
 *
 * Context: any up to softirq; error paths only.
 */
void acrypto_cost_penalise(struct acrypto_device *dev,
			   const struct acrypto_session *s)
{
	struct acrypto_cost *cost = acrypto_cost_of(dev, s);
	struct acrypto_cost_cell *cell;
	u32 ns;

	if (!cost)
		return;
	cell = &cost->cell[acrypto_cost_class(acrypto_cost_len(s))];
	ns = READ_ONCE(cell->ns);
	if (ns)
		WRITE_ONCE(cell->ns, min_t(u64, 2ULL * ns, ACRYPTO_COST_MAX_NS));
	ns = READ_ONCE(cell->lo);
	if (ns)
		WRITE_ONCE(cell->lo, min_t(u64, 2ULL * ns, ACRYPTO_COST_MAX_NS));
	WRITE_ONCE(cell->stamp, jiffies);
}

/*
 * Service time of a step of @len bytes from @cost; 0 if unknown.  An
 * asynchronous device (@lo) is priced at the lower envelope of its
 * measurements: what it does when nothing disturbs it.  Otherwise a device
 * that shares the host's cores with the CPUs (a QEMU device under TCG)
 * looks slower the more the CPU computes, which makes the CPU look better,
 * which slows the device more: a loop that would starve it.
 */
static u64 acrypto_cost_predict(const struct acrypto_cost *cost,
				unsigned int len, bool lo)
{
	const struct acrypto_cost_cell *cell =
		&cost->cell[acrypto_cost_class(len)];
	u32 ns = READ_ONCE(cell->ns), ps = READ_ONCE(cost->ps_per_byte);
	u32 floor = READ_ONCE(cell->lo);
	s64 est;

	if (lo && floor)
		ns = floor;

	if (ns) {
		/* The class's average, moved along the fitted slope. */
		est = ns + div_s64((s64)ps * ((s64)len - READ_ONCE(cell->len)),
				   1000);
		return max_t(s64, est, 1);
	}
	if (READ_ONCE(cost->fitted))
		return READ_ONCE(cost->fixed_ns) + div_u64((u64)ps * len, 1000);
	return 0;
}

/**
 * acrypto_device_step_cost_ns() - what a step of @len bytes costs on @dev
 * @dev: a device
 * @alg: enum acrypto_alg of the step
 * @mode: enum acrypto_mode of the step
 * @len: bytes of the step (for an AEAD step, associated data included)
 *
 * Return: the expected service time of such a step alone, in nanoseconds,
 * or 0 when the device has no such capability or was never measured for it.
 */
u64 acrypto_device_step_cost_ns(const struct acrypto_device *dev,
				unsigned int alg, unsigned int mode,
				unsigned int len)
{
	unsigned int i;

	if (!dev->cost || alg >= __ACRYPTO_ALG_MAX || mode >= __ACRYPTO_MODE_MAX)
		return 0;
	i = dev->capidx[alg][mode];
	return i ? acrypto_cost_predict(&dev->cost[i - 1], len,
					!(dev->flags & ACRYPTO_DEV_SYNC)) : 0;
}
EXPORT_SYMBOL_GPL(acrypto_device_step_cost_ns);

/**
 * acrypto_cost_fresh() - has @dev been measured lately for such a step?
 * @dev: a device
 * @alg: enum acrypto_alg of the step
 * @mode: enum acrypto_mode of the step
 * @len: bytes of the step
 *
 * Return: true when the step's size class was measured within
 * cost_stale_ms.
 */
bool acrypto_cost_fresh(const struct acrypto_device *dev, unsigned int alg,
			unsigned int mode, unsigned int len)
{
	unsigned long stale = msecs_to_jiffies(READ_ONCE(acrypto_cost_stale_ms));
	unsigned int i = dev->cost ? dev->capidx[alg][mode] : 0;
	const struct acrypto_cost_cell *cell;

	if (!i)
		return false;
	cell = &dev->cost[i - 1].cell[acrypto_cost_class(len)];
	return READ_ONCE(cell->ns) &&
	       (!stale || time_before(jiffies, READ_ONCE(cell->stamp) + stale));
}

/**
 * acrypto_cost_class_of() - the request-size class of a step
 * @len: bytes of the step
 *
 * Return: 0 to ACRYPTO_COST_CLASSES - 1.
 */
unsigned int acrypto_cost_class_of(unsigned int len)
{
	return acrypto_cost_class(len);
}

/**
 * acrypto_device_cost_ns() - what the current step of @s costs on @dev
 * @dev: a device with a capability for the step
 * @s: the session being placed
 *
 * Return: the expected service time of the step alone, in nanoseconds, or
 * 0 when the device was never measured for it.
 */
u64 acrypto_device_cost_ns(const struct acrypto_device *dev,
			   const struct acrypto_session *s)
{
	const struct acrypto_cost *cost = acrypto_cost_of(dev, s);

	return cost ? acrypto_cost_predict(cost, acrypto_cost_len(s),
					   !(dev->flags & ACRYPTO_DEV_SYNC)) : 0;
}
EXPORT_SYMBOL_GPL(acrypto_device_cost_ns);

/**
 * acrypto_device_expected_ns() - when the current step of @s would finish
 * @dev: a device with a capability for the step
 * @s: the session being placed
 *
 * The sessions @dev holds (accepted or waiting) times its average service
 * time, plus the step's own service time.  A synchronous device holds
 * nothing while it computes in the callers' context: its expected
 * completion is the step's cost, paid by the submitting CPU.
 *
 * Return: nanoseconds from now, or 0 when the device was never measured
 * for the step.
 */
u64 acrypto_device_expected_ns(const struct acrypto_device *dev,
			       const struct acrypto_session *s)
{
	u64 own = acrypto_device_cost_ns(dev, s);
	int held;

	if (!own)
		return 0;
	held = atomic_read(&dev->inflight);
	return own + (u64)max(held, 0) *
		     (dev->flags & ACRYPTO_DEV_SYNC ? READ_ONCE(dev->service_ns) :
						      READ_ONCE(dev->service_lo));
}
EXPORT_SYMBOL_GPL(acrypto_device_expected_ns);

/**
 * acrypto_device_finish_ns() - when the current step of @s would finish,
 *	counting the work queued on @dev by size
 * @dev: a device with a capability for the step
 * @s: the session being placed
 *
 * Like acrypto_device_expected_ns(), but the queue is priced at what each
 * session it holds was expected to cost when it was queued, so a device
 * holding a few large requests is not taken for one holding as many small
 * ones.
 *
 * Return: nanoseconds from now, or 0 when the device was never measured
 * for the step.
 */
u64 acrypto_device_finish_ns(const struct acrypto_device *dev,
			     const struct acrypto_session *s)
{
	u64 own = acrypto_device_cost_ns(dev, s);
	s64 queued;

	if (!own)
		return 0;
	queued = atomic64_read(&dev->queued_ns);
	return own + max_t(s64, queued, 0);
}
EXPORT_SYMBOL_GPL(acrypto_device_finish_ns);

/**
 * acrypto_device_explore() - is @dev's cost for @s worth measuring now?
 * @dev: a candidate device
 * @s: the session being placed
 *
 * True, at most once per cost_stale_ms for each capability and size class
 * of a device, when that class was never measured or not for
 * cost_stale_ms.  The caller then sends @s to @dev, and the engine times
 * it.  A balancer that always picks the same device would never notice the
 * other one speeding up without this.
 *
 * Return: true if the caller should choose @dev for @s to measure it.
 */
bool acrypto_device_explore(struct acrypto_device *dev,
			    const struct acrypto_session *s)
{
	unsigned long stale = msecs_to_jiffies(READ_ONCE(acrypto_cost_stale_ms));
	struct acrypto_cost *cost = acrypto_cost_of(dev, s);
	struct acrypto_cost_cell *cell;
	unsigned long now = jiffies, probe;

	if (!cost || !stale)
		return false;
	cell = &cost->cell[acrypto_cost_class(acrypto_cost_len(s))];
	if (READ_ONCE(cell->ns) &&
	    time_before(now, READ_ONCE(cell->stamp) + stale))
		return false;
	probe = READ_ONCE(cell->probe);
	if (probe && time_before(now, probe + stale))
		return false;
	if (cmpxchg(&cell->probe, probe, now ?: 1) != probe)
		return false;
	raw_cpu_ptr(&acrypto_cost_clock)->force = true;
	return true;
}
EXPORT_SYMBOL_GPL(acrypto_device_explore);

/*
 * sysfs: /sys/class/acrypto/<dev>/cost/, one file per capability and size
 * class, plus the fitted fixed and per-KiB costs.
 */
struct acrypto_cost_attr {
	struct device_attribute attr;
	u8 cap;
	s8 cls;			/* size class, or one of these: */
#define ACRYPTO_COST_ATTR_FIXED		(-1)
#define ACRYPTO_COST_ATTR_PER_KIB	(-2)
	char name[32];
};

/* Files per capability: the classes, fixed_ns, ns_per_kib. */
#define ACRYPTO_COST_FILES	(ACRYPTO_COST_CLASSES + 2)

static ssize_t acrypto_cost_show(struct device *d,
				 struct device_attribute *attr, char *buf)
{
	struct acrypto_device *dev = container_of(d, struct acrypto_device,
						  dev);
	struct acrypto_cost_attr *ca = container_of(attr, typeof(*ca), attr);
	const struct acrypto_cost *cost = &dev->cost[ca->cap];

	switch (ca->cls) {
	case ACRYPTO_COST_ATTR_FIXED:
		return sysfs_emit(buf, "%u\n", READ_ONCE(cost->fitted) ?
				  READ_ONCE(cost->fixed_ns) : 0);
	case ACRYPTO_COST_ATTR_PER_KIB:
		return sysfs_emit(buf, "%llu\n", READ_ONCE(cost->fitted) ?
				  div_u64((u64)READ_ONCE(cost->ps_per_byte) *
					  1024, 1000) : 0);
	default:
		return sysfs_emit(buf, "%u\n",
				  READ_ONCE(cost->cell[ca->cls].ns));
	}
}

/**
 * acrypto_cost_sysfs_add() - publish the cost model of a new device
 * @dev: a device in sysfs
 *
 * Context: process context, under acrypto_dev_rwsem.
 *
 * Return: 0 or -ENOMEM, or an errno from sysfs.
 */
int acrypto_cost_sysfs_add(struct acrypto_device *dev)
{
	unsigned int n = dev->num_caps * ACRYPTO_COST_FILES, i, c, k = 0;
	struct acrypto_cost_attr *attrs;
	struct attribute_group *grp;
	struct attribute **list;
	int err;

	grp = kzalloc(sizeof(*grp), GFP_KERNEL);
	attrs = kcalloc(n, sizeof(*attrs), GFP_KERNEL);
	list = kcalloc(n + 1, sizeof(*list), GFP_KERNEL);
	if (!grp || !attrs || !list) {
		err = -ENOMEM;
		goto err_free;
	}

	for (i = 0; i < dev->num_caps; i++) {
		const struct acrypto_cap *cap = &dev->caps[i];

		for (c = 0; c < ACRYPTO_COST_FILES; c++, k++) {
			struct acrypto_cost_attr *ca = &attrs[k];
			int len = scnprintf(ca->name, sizeof(ca->name), "%s-%s_",
					    acrypto_mode_name(cap->mode),
					    acrypto_alg_name(cap->alg));

			ca->cap = i;
			if (c < ACRYPTO_COST_CLASSES - 1) {
				ca->cls = c;
				scnprintf(ca->name + len, sizeof(ca->name) - len,
					  "%u", acrypto_cost_bounds[c]);
			} else if (c == ACRYPTO_COST_CLASSES - 1) {
				ca->cls = c;
				scnprintf(ca->name + len, sizeof(ca->name) - len,
					  "large");
			} else if (c == ACRYPTO_COST_CLASSES) {
				ca->cls = ACRYPTO_COST_ATTR_FIXED;
				scnprintf(ca->name + len, sizeof(ca->name) - len,
					  "fixed_ns");
			} else {
				ca->cls = ACRYPTO_COST_ATTR_PER_KIB;
				scnprintf(ca->name + len, sizeof(ca->name) - len,
					  "ns_per_kib");
			}
			sysfs_attr_init(&ca->attr.attr);
			ca->attr.attr.name = ca->name;
			ca->attr.attr.mode = 0444;
			ca->attr.show = acrypto_cost_show;
			list[k] = &ca->attr.attr;
		}
	}
	grp->name = "cost";
	grp->attrs = list;
	err = sysfs_create_group(&dev->dev.kobj, grp);
	if (err)
		goto err_free;
	dev->cost_group = grp;
	/* The statistics' files come and go with the cost model's. */
	err = acrypto_stats_sysfs_add(dev);
	if (err)
		acrypto_cost_sysfs_remove(dev);
	return err;

err_free:
	kfree(list);
	kfree(attrs);
	kfree(grp);
	return err;
}

/**
 * acrypto_cost_sysfs_remove() - take the cost files of a device away
 * @dev: the device, before device_del()
 */
void acrypto_cost_sysfs_remove(struct acrypto_device *dev)
{
	struct attribute_group *grp = dev->cost_group;

	if (!grp)
		return;
	acrypto_stats_sysfs_remove(dev);
	sysfs_remove_group(&dev->dev.kobj, grp);
	/* The attributes were allocated in one array, the first is its start. */
	kfree(container_of(grp->attrs[0], struct acrypto_cost_attr,
			   attr.attr));
	kfree(grp->attrs);
	kfree(grp);
	dev->cost_group = NULL;
}

/**
 * acrypto_cost_init_device() - an empty cost model for a new device
 * @dev: a device about to register, its capabilities checked
 *
 * Context: process context, may sleep.
 *
 * Return: 0 or -ENOMEM.
 */
int acrypto_cost_init_device(struct acrypto_device *dev)
{
	int err;

	dev->cost = kcalloc(dev->num_caps, sizeof(*dev->cost), GFP_KERNEL);
	if (!dev->cost)
		return -ENOMEM;
	dev->service_ns = 0;
	dev->service_lo = 0;
	/* The statistics live as long as the cost model (stats.c). */
	err = acrypto_stats_init_device(dev);
	if (err)
		acrypto_cost_uninit_device(dev);
	return err;
}

/**
 * acrypto_cost_uninit_device() - free the cost model of a device
 * @dev: a device that is no longer registered, or failed to register
 */
void acrypto_cost_uninit_device(struct acrypto_device *dev)
{
	acrypto_stats_uninit_device(dev);
	kfree(dev->cost);
	dev->cost = NULL;
}

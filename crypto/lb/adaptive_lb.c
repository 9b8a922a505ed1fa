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
 * Whether the CPU should take a share at all depends on more than the
 * devices: an asynchronous device may share the host's cores with the CPUs
 * that would compute (a QEMU device under TCG does), and then every
 * request the CPU takes slows the device down.  So the balancer tries,
 * by the throughput it gets: in every cycle of sixteen periods of `tune_ms`
 * it runs one period with the margin as set, one with sixteen times that
 * margin (the CPU takes work only when the other devices have long
 * queues), and one with the CPU left out while an asynchronous device can
 * take the work, then uses the one that completed the most steps for the
 * other thirteen periods.  The margin as set wins ties: the other two must do
 * better by 1/16.  Only a mix of a synchronous and an asynchronous device
 * under load is tuned.
 *
 * Parameters, in /sys/class/crypto_lb/adaptive_lb/ (see
 * Documentation/ABI/testing/sysfs-class-crypto_lb-balancers):
 *
 *   sync_margin_pct  how much sooner a synchronous device must finish to be
 *                    chosen over an asynchronous one, percent (1-100000,
 *                    default 10)
 *   tune_ms          period of the trials; 0 always uses sync_margin_pct
 *                    (0-60000, default 100)
 *   policy           (read-only) the policy in use: "margin", "wide" or
 *                    "cpu-off"
 */

#include <crypto/internal/acrypto.h>
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/sysfs.h>

#define ADAPTIVE_LB_MIN_MARGIN	1
#define ADAPTIVE_LB_MAX_MARGIN	100000
#define ADAPTIVE_LB_MAX_TUNE_MS	60000

/* The CPU policies the trials compare. */
enum {
	ADAPTIVE_LB_MARGIN,	/* sync_margin_pct as set */
	ADAPTIVE_LB_WIDE,	/* 16 times that */
	ADAPTIVE_LB_CPU_OFF,	/* the CPU only when no other device can */
	ADAPTIVE_LB_POLICIES,
};

/* Periods in a cycle of trials: one per policy, then the winner. */
#define ADAPTIVE_LB_CYCLE	16

/**
 * struct adaptive_lb - the balancer, its parameters and its trials
 * @lb: registered with the engine
 * @sync_margin_pct: parameter, read locklessly
 * @tune_ms: parameter, read locklessly
 * @tune_at: jiffies when the current period ends; the CPU that claims it
 *	(cmpxchg) ends the period
 * @last_done: steps completed by all devices, at the start of the period
 * @phase: the period in the cycle, 0 to ADAPTIVE_LB_CYCLE - 1
 * @policy: the policy of the current period, read locklessly
 * @best: the winner of the last trials
 * @rate: steps completed in each policy's trial period
 */
struct adaptive_lb {
	struct acrypto_lb lb;
	unsigned int sync_margin_pct;
	unsigned int tune_ms;
	unsigned long tune_at;
	unsigned long last_done;
	unsigned int phase;
	unsigned int policy;
	unsigned int best;
	unsigned long rate[ADAPTIVE_LB_POLICIES];
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

/* Steps every device completed so far (per-CPU counters, summed). */
static unsigned long adaptive_lb_done(void)
{
	struct acrypto_device *dev;
	unsigned long sum = 0;

	acrypto_for_each_device(dev)
		sum += acrypto_device_completed(dev);
	return sum;
}

/*
 * The end of a period, at most once per tune_ms, on the CPU that sees it
 * first: the period's steps are the score of the policy on trial, and
 * after the trials the best policy runs until the cycle ends.
 */
static void adaptive_lb_tune(struct adaptive_lb *al)
{
	unsigned int ms = READ_ONCE(al->tune_ms), phase, best, i;
	unsigned long now = jiffies, at = READ_ONCE(al->tune_at), done;

	if (!ms || time_before(now, at))
		return;
	if (cmpxchg(&al->tune_at, at, now + msecs_to_jiffies(ms)) != at)
		return;

	done = adaptive_lb_done();
	phase = READ_ONCE(al->phase);
	if (time_after(now, at + msecs_to_jiffies(ms))) {
		/* Idle for a while: the trials start again. */
		phase = ADAPTIVE_LB_CYCLE - 1;
	} else if (phase < ADAPTIVE_LB_POLICIES) {
		al->rate[phase] = done - READ_ONCE(al->last_done);
	}
	WRITE_ONCE(al->last_done, done);

	phase = (phase + 1) % ADAPTIVE_LB_CYCLE;
	WRITE_ONCE(al->phase, phase);
	if (phase < ADAPTIVE_LB_POLICIES) {
		WRITE_ONCE(al->policy, phase);
		return;
	}
	if (phase == ADAPTIVE_LB_POLICIES) {
		/* Another policy must beat the margin as set by 1/16. */
		best = ADAPTIVE_LB_MARGIN;
		for (i = 1; i < ADAPTIVE_LB_POLICIES; i++)
			if (al->rate[i] > al->rate[best] + (al->rate[best] >> 4))
				best = i;
		WRITE_ONCE(al->best, best);
	}
	WRITE_ONCE(al->policy, READ_ONCE(al->best));
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
		u64 pct = READ_ONCE(al->sync_margin_pct);

		adaptive_lb_tune(al);
		switch (READ_ONCE(al->policy)) {
		case ADAPTIVE_LB_CPU_OFF:
			best = async.dev;
			break;
		case ADAPTIVE_LB_WIDE:
			pct *= 16;
			fallthrough;
		default:
			best = sync.t + div_u64(sync.t * pct, 100) < async.t ?
			       sync.dev : async.dev;
			break;
		}
	} else {
		best = sync.dev ?: async.dev;
	}
	return best ?: unknown;
}

static ssize_t sync_margin_pct_show(struct device *d,
				    struct device_attribute *attr, char *buf)
{
	return acrypto_lb_show_uint(buf, &to_adaptive_lb(d)->sync_margin_pct);
}

static ssize_t sync_margin_pct_store(struct device *d,
				     struct device_attribute *attr,
				     const char *buf, size_t count)
{
	return acrypto_lb_store_uint(buf, count,
				     &to_adaptive_lb(d)->sync_margin_pct,
				     ADAPTIVE_LB_MIN_MARGIN,
				     ADAPTIVE_LB_MAX_MARGIN);
}
static DEVICE_ATTR_RW(sync_margin_pct);

static ssize_t tune_ms_show(struct device *d, struct device_attribute *attr,
			    char *buf)
{
	return acrypto_lb_show_uint(buf, &to_adaptive_lb(d)->tune_ms);
}

static ssize_t tune_ms_store(struct device *d, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	return acrypto_lb_store_uint(buf, count, &to_adaptive_lb(d)->tune_ms,
				     0, ADAPTIVE_LB_MAX_TUNE_MS);
}
static DEVICE_ATTR_RW(tune_ms);

static ssize_t policy_show(struct device *d, struct device_attribute *attr,
			   char *buf)
{
	static const char *const names[ADAPTIVE_LB_POLICIES] = {
		[ADAPTIVE_LB_MARGIN] = "margin",
		[ADAPTIVE_LB_WIDE] = "wide",
		[ADAPTIVE_LB_CPU_OFF] = "cpu-off",
	};
	struct adaptive_lb *al = to_adaptive_lb(d);
	unsigned int policy = READ_ONCE(al->tune_ms) ? READ_ONCE(al->policy) :
						      ADAPTIVE_LB_MARGIN;

	return sysfs_emit(buf, "%s\n", names[policy]);
}
static DEVICE_ATTR_RO(policy);

static struct attribute *adaptive_lb_attrs[] = {
	&dev_attr_sync_margin_pct.attr,
	&dev_attr_tune_ms.attr,
	&dev_attr_policy.attr,
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
	.tune_ms = 100,
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

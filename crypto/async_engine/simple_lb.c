// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: simple_lb, the default balancer - earliest expected completion.
 *
 * Sends each session where the engine's cost model (cost.c) expects it to
 * finish first: the device's queue times its service time, plus the step's
 * own service time at its size.  A synchronous device (the CPU) has no
 * queue: its cost is the submitting CPU's time, so a request goes to the
 * CPU only when it would finish there before an asynchronous device could
 * get to it.  A single stream of requests therefore goes to the faster
 * device at each size, and a deep stream spreads over the devices in
 * proportion to their speed.
 *
 * A device or a size the model has not measured (or not for cost_stale_ms)
 * gets one request now and then to measure it (acrypto_device_explore());
 * until it is measured it is passed by when another device is measured.
 * Ties go to the higher class (hardware, then accelerated software, then
 * software), as in crypto_driver(9)'s probe order; devices still tied take
 * turns.  Built into acrypto.ko; always registered.  The engine does not
 * ask a balancer when only one usable device can serve a step.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/limits.h>
#include <linux/percpu.h>

#include "internal.h"

/* Turns among tied devices, per CPU: no shared cache line on the fast path. */
static DEFINE_PER_CPU(unsigned int, simple_lb_turn);

/* Is (@t, @class) a better choice than (@best_t, @best_class)? */
static bool simple_lb_better(u64 t, unsigned int class, u64 best_t,
			     unsigned int best_class)
{
	return t < best_t || (t == best_t && class > best_class);
}

static struct acrypto_device *simple_lb_select(struct acrypto_lb *lb,
					       struct acrypto_session *s)
{
	struct acrypto_device *dev, *best = NULL, *unknown = NULL;
	unsigned int best_class = 0, ties = 0;
	u64 t, best_t = U64_MAX;

	acrypto_for_each_device(dev) {
		if (!acrypto_device_can_serve(dev, s))
			continue;
		if (acrypto_device_explore(dev, s))
			return dev;
		t = acrypto_device_expected_ns(dev, s);
		if (!t) {
			/* Not measured yet, and being measured: pass it by. */
			if (!unknown || dev->class > unknown->class)
				unknown = dev;
			continue;
		}
		if (!best || simple_lb_better(t, dev->class, best_t,
					      best_class)) {
			best = dev;
			best_t = t;
			best_class = dev->class;
			ties = 1;
		} else if (t == best_t && dev->class == best_class) {
			ties++;
		}
	}
	if (!best)
		return unknown;
	if (ties < 2)
		return best;

	/* Costs may move under us: the tie list is a snapshot, best stays. */
	ties = this_cpu_inc_return(simple_lb_turn) % ties;
	acrypto_for_each_device(dev) {
		if (!acrypto_device_can_serve(dev, s) ||
		    dev->class != best_class ||
		    acrypto_device_expected_ns(dev, s) != best_t)
			continue;
		if (!ties--)
			return dev;
	}
	return best;
}

struct acrypto_lb acrypto_simple_lb = {
	.name = "simple_lb",
	.owner = THIS_MODULE,
	.select = simple_lb_select,
};

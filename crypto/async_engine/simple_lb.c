// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: simple_lb, the default balancer.
 *
 * Picks the least loaded device among those that can serve the session,
 * load being sessions on the device relative to the queue length of the
 * capability in use.  Ties go to the higher class (hardware, then
 * accelerated software, then software); devices still tied take turns, so
 * two idle devices of a kind share a stream of sequential requests.  Built
 * into acrypto.ko; always registered.
 */

#include <linux/limits.h>
#include <linux/percpu.h>

#include "internal.h"

/* Turns among tied devices, per CPU: no shared cache line on the fast path. */
static DEFINE_PER_CPU(unsigned int, simple_lb_turn);

static bool simple_lb_better(unsigned int load, unsigned int class,
			     unsigned int best_load, unsigned int best_class)
{
	return load < best_load || (load == best_load && class > best_class);
}

static struct acrypto_device *simple_lb_select(struct acrypto_lb *lb,
					       struct acrypto_session *s)
{
	unsigned int load, best_load = UINT_MAX, best_class = 0, ties = 0;
	struct acrypto_device *dev, *best = NULL;

	acrypto_for_each_device(dev) {
		if (!acrypto_device_can_serve(dev, s))
			continue;
		if (!best) {
			/* Loads matter only once there is a choice. */
			best = dev;
			best_class = dev->class;
			ties = 1;
			continue;
		}
		if (best_load == UINT_MAX)
			best_load = acrypto_device_load(best, s);
		load = acrypto_device_load(dev, s);
		if (simple_lb_better(load, dev->class, best_load, best_class)) {
			best = dev;
			best_load = load;
			best_class = dev->class;
			ties = 1;
		} else if (load == best_load && dev->class == best_class) {
			ties++;
		}
	}
	if (ties < 2)
		return best;

	/* Loads may move under us: the tie list is a snapshot, best stays. */
	ties = this_cpu_inc_return(simple_lb_turn) % ties;
	acrypto_for_each_device(dev) {
		if (!acrypto_device_can_serve(dev, s) ||
		    acrypto_device_load(dev, s) != best_load ||
		    dev->class != best_class)
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

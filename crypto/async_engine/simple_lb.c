// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: simple_lb, the default balancer.
 *
 * Picks the least loaded device among those that can serve the session,
 * load being sessions on the device relative to the queue length of the
 * capability in use.  Ties go to the higher class (hardware, then
 * accelerated software, then software), then to the device registered
 * first.  Built into acrypto.ko; always registered.
 */

#include <linux/limits.h>

#include "internal.h"

static struct acrypto_device *simple_lb_select(struct acrypto_lb *lb,
					       struct acrypto_session *s)
{
	struct acrypto_device *dev, *best = NULL;
	unsigned int load, best_load = UINT_MAX;

	acrypto_for_each_device(dev) {
		if (!acrypto_device_can_serve(dev, s))
			continue;
		load = acrypto_device_load(dev, s);
		if (!best || load < best_load ||
		    (load == best_load && dev->class > best->class)) {
			best = dev;
			best_load = load;
		}
	}
	return best;
}

struct acrypto_lb acrypto_simple_lb = {
	.name = "simple_lb",
	.owner = THIS_MODULE,
	.select = simple_lb_select,
};

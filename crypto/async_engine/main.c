// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: asynchronous crypto engine - module init and exit.
 *
 * After Evgeniy Polyakov's acrypto (2004): crypto devices register with the
 * engine, every operation is a session queued on its device and on the
 * main_crypto_device queue, a pluggable load balancer routes sessions, and
 * sessions of a device that breaks or leaves move to other devices.  The
 * engine offers its algorithms to the kernel crypto API, so AF_ALG,
 * dm-crypt and IPsec use it unchanged.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "internal.h"

/* A module parameter that takes an unsigned number within bounds. */
struct acrypto_param_range {
	unsigned int *val;
	unsigned int min;
	unsigned int max;
};

static int acrypto_param_range_set(const char *val,
				   const struct kernel_param *kp)
{
	const struct acrypto_param_range *r = kp->arg;
	unsigned int v;
	int err;

	err = kstrtouint(val, 0, &v);
	if (err)
		return err;
	if (v < r->min || v > r->max)
		return -EINVAL;
	WRITE_ONCE(*r->val, v);
	return 0;
}

static int acrypto_param_range_get(char *buf, const struct kernel_param *kp)
{
	const struct acrypto_param_range *r = kp->arg;

	return sysfs_emit(buf, "%u\n", READ_ONCE(*r->val));
}

static const struct kernel_param_ops acrypto_param_range_ops = {
	.set = acrypto_param_range_set,
	.get = acrypto_param_range_get,
};

#define acrypto_param_range(name, var, lo, hi)				\
	static struct acrypto_param_range acrypto_param_##name = {		\
		.val = &(var), .min = (lo), .max = (hi),			\
	};								\
	module_param_cb(name, &acrypto_param_range_ops,			\
			&acrypto_param_##name, 0644)

unsigned int acrypto_max_backlog = 256;
module_param_named(max_backlog, acrypto_max_backlog, uint, 0644);
MODULE_PARM_DESC(max_backlog,
		 "Sessions of one transform that may wait for full devices before its callers are told to back off (default 256)");

unsigned int acrypto_max_retries = 3;
module_param_named(max_retries, acrypto_max_retries, uint, 0644);
MODULE_PARM_DESC(max_retries,
		 "Times a step failed by a device error is retried on another device (default 3)");

int acrypto_priority = 500;
module_param_named(priority, acrypto_priority, int, 0444);
MODULE_PARM_DESC(priority,
		 "Crypto API priority of the engine's algorithms (default 500, above AES-NI's 400; authenc gets 11 times it)");

unsigned int acrypto_stall_timeout_ms = 5000;
module_param_named(stall_timeout_ms, acrypto_stall_timeout_ms, uint, 0644);
MODULE_PARM_DESC(stall_timeout_ms,
		 "A device holding sessions that completes none for this long goes out of service; 0 disables (default 5000)");

unsigned int acrypto_max_wait_ms = 100;
module_param_named(max_wait_ms, acrypto_max_wait_ms, uint, 0644);
MODULE_PARM_DESC(max_wait_ms,
		 "A session waiting on a backlog this long takes one turn in four before younger ones of higher priority; 0 disables (default 100)");

unsigned int acrypto_kick_budget = 64;
acrypto_param_range(kick_budget, acrypto_kick_budget, 1, 65536);
MODULE_PARM_DESC(kick_budget,
		 "Backlogged sessions fed to a device in one round before a worker takes over (default 64)");

unsigned int acrypto_kat_timeout_ms = 2000;
module_param_named(kat_timeout_ms, acrypto_kat_timeout_ms, uint, 0644);
MODULE_PARM_DESC(kat_timeout_ms,
		 "How long a device has to answer one step of its known-answer test (default 2000)");

unsigned int acrypto_probe_interval_ms = 1000;
module_param_named(probe_interval_ms, acrypto_probe_interval_ms, uint, 0644);
MODULE_PARM_DESC(probe_interval_ms,
		 "How often a stalled or failed device is tested again, doubled up to 64 times while it fails (default 1000)");

unsigned int acrypto_cost_sample_every = 16;
acrypto_param_range(cost_sample_every, acrypto_cost_sample_every, 1, 65536);
MODULE_PARM_DESC(cost_sample_every,
		 "The cost model times one step in this many per CPU, and at least one per jiffy (default 16)");

unsigned int acrypto_cost_ewma_shift = 2;
acrypto_param_range(cost_ewma_shift, acrypto_cost_ewma_shift, 1, 8);
MODULE_PARM_DESC(cost_ewma_shift,
		 "Each sample moves the cost model by 1/2^shift of the difference, 1-8 (default 2)");

unsigned int acrypto_cost_stale_ms = 500;
module_param_named(cost_stale_ms, acrypto_cost_stale_ms, uint, 0644);
MODULE_PARM_DESC(cost_stale_ms,
		 "A cost not measured for this long is measured again by the balancers; 0 never (default 500)");

struct workqueue_struct *acrypto_wq;

static int __init acrypto_init(void)
{
	int err;

	/* authenc is registered at 11 times the priority (see aead.c). */
	if (acrypto_priority < 0 || acrypto_priority > INT_MAX / 11) {
		pr_err("priority must be within 0..%d\n", INT_MAX / 11);
		return -EINVAL;
	}

	/*
	 * Feeds devices and completes deferred sessions on dm-crypt's
	 * writeback path: it must make progress under memory pressure.
	 */
	acrypto_wq = alloc_workqueue("acrypto", WQ_HIGHPRI | WQ_MEM_RECLAIM, 0);
	if (!acrypto_wq)
		return -ENOMEM;
	acrypto_session_init_pcpu();

	err = acrypto_queue_init();
	if (err)
		goto err_wq;
	err = acrypto_device_init();
	if (err)
		goto err_queue;
	err = acrypto_sysfs_init();
	if (err)
		goto err_device;
	err = acrypto_lb_init();
	if (err)
		goto err_sysfs;
	/* The algorithm families, then the front ends go live. */
	acrypto_skcipher_init();
	acrypto_aead_init();
	acrypto_ahash_init();
	acrypto_frontend_init();
	err = acrypto_watchdog_init();
	if (err)
		goto err_frontend;
	err = acrypto_partition_init(acrypto_sysfs_partitions());
	if (err)
		goto err_watchdog;
	acrypto_lb_request_wanted();

	pr_info("asynchronous crypto engine ready, balancer %s\n",
		acrypto_simple_lb.name);
	return 0;

err_watchdog:
	acrypto_watchdog_uninit();
err_frontend:
	acrypto_frontend_uninit();
	acrypto_lb_uninit();
err_sysfs:
	acrypto_sysfs_uninit();
err_device:
	acrypto_device_uninit();
err_queue:
	acrypto_queue_uninit();
err_wq:
	destroy_workqueue(acrypto_wq);
	return err;
}

static void __exit acrypto_exit(void)
{
	acrypto_partition_uninit();
	acrypto_watchdog_uninit();
	acrypto_frontend_uninit();
	acrypto_keys_uninit();
	acrypto_lb_uninit();
	acrypto_sysfs_uninit();
	acrypto_device_uninit();
	acrypto_queue_uninit();
	acrypto_session_uninit_pcpu();
	destroy_workqueue(acrypto_wq);
}

module_init(acrypto_init);
module_exit(acrypto_exit);

/*
 * The CPU device: without a device the engine serves nothing, so
 * `modprobe acrypto` (kmod honours soft dependencies) brings it along.
 * "softdep acrypto post:" in /etc/modprobe.d/acrypto.conf keeps it out.
 */
MODULE_SOFTDEP("post: acrypto_soft");
MODULE_AUTHOR("The acrypto authors");
MODULE_DESCRIPTION("Asynchronous crypto engine with pluggable load balancers");
MODULE_LICENSE("GPL");

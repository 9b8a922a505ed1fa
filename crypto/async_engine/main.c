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

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "internal.h"

unsigned int acrypto_max_backlog = 256;
module_param_named(max_backlog, acrypto_max_backlog, uint, 0644);
MODULE_PARM_DESC(max_backlog,
		 "Sessions a full device may hold waiting before callers are told to back off (default 256)");

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
		 "A device holding sessions that completes none for this long is marked broken; 0 disables (default 5000)");

static int __init acrypto_init(void)
{
	int err;

	/* authenc is registered at 11 times the priority (see aead.c). */
	if (acrypto_priority < 0 || acrypto_priority > INT_MAX / 11) {
		pr_err("acrypto: priority must be within 0..%d\n", INT_MAX / 11);
		return -EINVAL;
	}

	err = acrypto_queue_init();
	if (err)
		return err;
	err = acrypto_device_init();
	if (err)
		goto err_queue;
	err = acrypto_sysfs_init();
	if (err)
		goto err_device;
	err = acrypto_lb_init();
	if (err)
		goto err_sysfs;
	err = acrypto_frontend_init();
	if (err)
		goto err_lb;
	err = acrypto_watchdog_init();
	if (err)
		goto err_frontend;

	pr_info("acrypto: asynchronous crypto engine ready, balancer %s\n",
		acrypto_simple_lb.name);
	return 0;

err_frontend:
	acrypto_frontend_uninit();
err_lb:
	acrypto_lb_uninit();
err_sysfs:
	acrypto_sysfs_uninit();
err_device:
	acrypto_device_uninit();
err_queue:
	acrypto_queue_uninit();
	return err;
}

static void __exit acrypto_exit(void)
{
	acrypto_watchdog_uninit();
	acrypto_frontend_uninit();
	acrypto_lb_uninit();
	acrypto_sysfs_uninit();
	acrypto_device_uninit();
	acrypto_queue_uninit();
}

module_init(acrypto_init);
module_exit(acrypto_exit);

MODULE_AUTHOR("The acrypto authors");
MODULE_DESCRIPTION("Asynchronous crypto engine with pluggable load balancers");
MODULE_LICENSE("GPL");

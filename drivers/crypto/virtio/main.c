// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_acrypto: module init and exit.
 *
 * The driver binds virtio-crypto devices (virtio device ID 20) and registers
 * each one with the acrypto engine as a hardware device.  See
 * Documentation/crypto/virtio-acrypto.rst for the design.
 */

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/virtio.h>
#include <linux/workqueue.h>

#include "virtio_acrypto.h"

/*
 * Control queue work of every device: sending session create and destroy
 * commands.  It may run while memory is reclaimed (dm-crypt on swap), and it
 * allocates nothing.
 */
struct workqueue_struct *vac_wq;

unsigned int vac_drain_ms = 5000;
module_param_named(drain_ms, vac_drain_ms, uint, 0644);
MODULE_PARM_DESC(drain_ms,
		 "How long removal or suspend lets a device complete the requests it holds before resetting it and sending them to other devices (default 5000)");

unsigned int vac_probe_wait_ms = 10000;
module_param_named(probe_wait_ms, vac_probe_wait_ms, uint, 0644);
MODULE_PARM_DESC(probe_wait_ms,
		 "How long probe waits for a device's registration (the crypto API self-tests run through it) before leaving it to finish in the background (default 10000)");

static int __init vac_init(void)
{
	int err;

	vac_wq = alloc_workqueue("virtio_acrypto", WQ_MEM_RECLAIM | WQ_HIGHPRI,
				 0);
	if (!vac_wq)
		return -ENOMEM;

	vac_fault_init();
	err = register_virtio_driver(&vac_driver);
	if (err)
		goto err_fault;
	return 0;

err_fault:
	vac_fault_exit();
	destroy_workqueue(vac_wq);
	return err;
}

static void __exit vac_exit(void)
{
	unregister_virtio_driver(&vac_driver);
	vac_fault_exit();
	destroy_workqueue(vac_wq);
}

module_init(vac_init);
module_exit(vac_exit);

MODULE_AUTHOR("The acrypto authors");
MODULE_DESCRIPTION("VirtIO crypto device driver for the acrypto engine");
MODULE_LICENSE("GPL");

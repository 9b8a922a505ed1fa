// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_acrypto: fault hooks that model a device writing back bad values
 * or not answering at all.
 *
 * QEMU's device always writes a status from the specification and the whole
 * output, so the checks in vac_request_result() never see anything else.
 * With CONFIG_FAULT_INJECTION_DEBUG_FS this file lets a test make them do
 * so: when the standard fault attribute
 * /sys/kernel/debug/virtio_acrypto/fail_writeback/ fires (probability,
 * interval, times, ... as in Documentation/fault-injection/), the data
 * request being completed gets the status in fail_writeback_status, or,
 * if fail_writeback_short is set, a used length one byte short.  Only what
 * the device reported is altered, before the driver looks at it, exactly as
 * a broken device would have written it.
 *
 * The device did run that request and wrote its destination, so the
 * request is marked written (see the written rule in dataq.c), whatever
 * status it then gets.  With fail_writeback_unwritten set it is not: that
 * models a device that refused the request without touching its buffers,
 * which is only true of requests whose destination is not their source
 * (QEMU did write it): use it with out-of-place requests only.
 *
 * hold_completions models a device that stops answering: while it is set
 * the completion tasklets of the data queues and of the control queue leave
 * the used rings alone, so that requests and session commands stay with the
 * device until a removal or a freeze takes them back, or until it is
 * cleared: then every bound device's tasklets run, as the interrupt of a
 * device that answers again would make them.
 */

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/fault-inject.h>
#include <linux/fs.h>

#include "virtio_acrypto.h"

static DECLARE_FAULT_ATTR(vac_fail_writeback);
static u8 vac_fail_status = 0xff;	/* outside the specification */
static bool vac_fail_short;
static bool vac_fail_unwritten;
static bool vac_hold;
static struct dentry *vac_fault_dir;

/**
 * vac_fault_writeback() - perhaps alter what the device wrote back
 * @req: a data request the device returned, before it is checked
 *
 * Context: BH disabled.
 */
void vac_fault_writeback(struct vac_request *req)
{
	if (!should_fail(&vac_fail_writeback, 1))
		return;
	if (READ_ONCE(vac_fail_short))
		req->used_len = req->used_len ? req->used_len - 1 : 0;
	else
		req->status = READ_ONCE(vac_fail_status);
	/* The device ran it: its destination is written. */
	if (!READ_ONCE(vac_fail_unwritten))
		req->written = true;
}

/**
 * vac_fault_hold() - whether the device is to look as if it stopped
 *	answering
 *
 * Context: any.
 *
 * Return: true while /sys/kernel/debug/virtio_acrypto/hold_completions is
 * set.
 */
bool vac_fault_hold(void)
{
	return READ_ONCE(vac_hold);
}

/* Reap what @dev's device completed while held (driver core callback). */
static int vac_fault_resume_one(struct device *dev, void *unused)
{
	struct vac_device *vac;
	unsigned int i;

	/* Not while it is probed or removed: then @priv may be half made. */
	device_lock(dev);
	vac = dev->driver == &vac_driver.driver ? dev_to_virtio(dev)->priv :
						  NULL;
	if (vac && vac->dq && vac->ctrl_vq && !READ_ONCE(vac->reset)) {
		for (i = 0; i < vac->num_dq; i++)
			tasklet_schedule(&vac->dq[i].done);
		tasklet_schedule(&vac->ctrl_done);
	}
	device_unlock(dev);
	return 0;
}

/* hold_completions: debugfs's own bool file, which reaps when cleared. */
static ssize_t vac_hold_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	ssize_t ret = debugfs_write_file_bool(file, ubuf, count, ppos);
	int err;

	if (ret < 0 || READ_ONCE(vac_hold))
		return ret;
	err = driver_for_each_device(&vac_driver.driver, NULL, NULL,
				     vac_fault_resume_one);
	return err ?: ret;
}

static const struct file_operations vac_hold_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = debugfs_read_file_bool,
	.write = vac_hold_write,
	.llseek = default_llseek,
};

void vac_fault_init(void)
{
	struct dentry *dir;

	dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	/* Failing to create debugfs files is not an error of the driver. */
	if (IS_ERR(fault_create_debugfs_attr("fail_writeback", dir,
					     &vac_fail_writeback))) {
		debugfs_remove_recursive(dir);
		return;
	}
	debugfs_create_u8("fail_writeback_status", 0600, dir,
			  &vac_fail_status);
	debugfs_create_bool("fail_writeback_short", 0600, dir,
			    &vac_fail_short);
	debugfs_create_bool("fail_writeback_unwritten", 0600, dir,
			    &vac_fail_unwritten);
	debugfs_create_file("hold_completions", 0600, dir, &vac_hold,
			    &vac_hold_fops);
	vac_fault_dir = dir;
}

void vac_fault_exit(void)
{
	debugfs_remove_recursive(vac_fault_dir);
	vac_fault_dir = NULL;
}

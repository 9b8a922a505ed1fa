// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: the device registry.
 *
 * Devices are on acrypto_device_list, read under RCU by balancers and
 * changed under acrypto_dev_rwsem (write).  The same rwsem, taken for read,
 * keeps the list stable for the key code, which calls the drivers'
 * key_prepare and key_release and may sleep.
 */

#include <linux/idr.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

struct list_head acrypto_device_list = LIST_HEAD_INIT(acrypto_device_list);
EXPORT_SYMBOL_GPL(acrypto_device_list);

DECLARE_RWSEM(acrypto_dev_rwsem);
static DEFINE_IDA(acrypto_dev_ida);

/*
 * Registered devices by index, from registration until their keys are
 * released at the end of unregistration; under acrypto_dev_rwsem.
 */
struct acrypto_device *acrypto_dev_slot[ACRYPTO_MAX_DEVICES];

/* Smallest per-request private area offered to devices, see priv_size. */
#define ACRYPTO_MIN_PRIV_SIZE	512

/* Largest per-request private area a device may ask for. */
#define ACRYPTO_MAX_PRIV_SIZE	2048

/* Largest reqsize among registered devices; read by tfm init. */
static unsigned int acrypto_max_reqsize;

static void acrypto_device_release(struct device *d)
{
	struct acrypto_device *dev = container_of(d, struct acrypto_device, dev);

	free_percpu(dev->pcpu);
	kfree(dev);
}

/**
 * acrypto_device_alloc() - allocate a crypto device
 * @priv_size: bytes of driver private area, see acrypto_device_priv()
 *
 * Context: process context, may sleep.
 *
 * Return: a zeroed device for the driver to fill in and register, or NULL.
 */
struct acrypto_device *acrypto_device_alloc(size_t priv_size)
{
	struct acrypto_device *dev;
	int cpu;

	dev = kzalloc(struct_size(dev, priv, priv_size), GFP_KERNEL);
	if (!dev)
		return NULL;

	dev->pcpu = alloc_percpu(struct acrypto_dev_pcpu);
	if (!dev->pcpu) {
		kfree(dev);
		return NULL;
	}
	for_each_possible_cpu(cpu)
		INIT_LIST_HEAD(&per_cpu_ptr(dev->pcpu, cpu)->queue);

	dev->index = -1;
	spin_lock_init(&dev->lock);
	INIT_LIST_HEAD(&dev->backlog);
	INIT_LIST_HEAD(&dev->node);
	init_waitqueue_head(&dev->wait);

	device_initialize(&dev->dev);
	dev->dev.class = acrypto_class;
	dev->dev.groups = acrypto_device_groups;
	dev->dev.release = acrypto_device_release;
	return dev;
}
EXPORT_SYMBOL_GPL(acrypto_device_alloc);

/**
 * acrypto_device_free() - drop the driver's reference to a device
 * @dev: device from acrypto_device_alloc(), unregistered or never registered
 *
 * The memory goes when sysfs no longer uses it either.
 */
void acrypto_device_free(struct acrypto_device *dev)
{
	if (dev)
		put_device(&dev->dev);
}
EXPORT_SYMBOL_GPL(acrypto_device_free);

static int acrypto_device_check(const struct acrypto_device *dev)
{
	unsigned int i;

	if (!dev->name[0] || strchr(dev->name, '/') ||
	    !strcmp(dev->name, "crypto_sessions"))
		return -EINVAL;
	if (!dev->ops || !dev->ops->process || !dev->caps || !dev->num_caps)
		return -EINVAL;
	if (dev->class >= __ACRYPTO_CLASS_MAX)
		return -EINVAL;
	if (dev->reqsize > ACRYPTO_MAX_PRIV_SIZE)
		return -E2BIG;

	for (i = 0; i < dev->num_caps; i++) {
		const struct acrypto_cap *cap = &dev->caps[i];

		if (cap->alg >= __ACRYPTO_ALG_MAX ||
		    cap->mode >= __ACRYPTO_MODE_MAX ||
		    !cap->ops || cap->ops >= BIT(__ACRYPTO_OP_MAX) ||
		    cap->min_keysize > cap->max_keysize || !cap->qlen)
			return -EINVAL;
	}
	return 0;
}

static struct acrypto_device *acrypto_device_find(const char *name)
{
	struct acrypto_device *dev;

	list_for_each_entry(dev, &acrypto_device_list, node)
		if (!strcmp(dev->name, name))
			return dev;
	return NULL;
}

static void acrypto_update_max_reqsize(void)
{
	struct acrypto_device *dev;
	unsigned int max = 0;

	list_for_each_entry(dev, &acrypto_device_list, node)
		max = max(max, dev->reqsize);
	WRITE_ONCE(acrypto_max_reqsize, max);
}

/**
 * acrypto_device_register() - make a device available to the engine
 * @dev: device from acrypto_device_alloc() with name, class, flags, caps,
 *	ops, reqsize, owner and parent filled in
 *
 * Prepares every existing key the device can serve, publishes the device
 * to the balancers and registers the crypto API algorithms that become
 * servable (their self-tests run here, through the engine).
 *
 * Context: process context, may sleep; not under locks the driver's
 * callbacks take.
 *
 * Return: 0, or -EINVAL for a malformed device, -EEXIST for a duplicate
 * name, -ENOSPC when ACRYPTO_MAX_DEVICES are registered, or an errno from
 * sysfs.
 */
int acrypto_device_register(struct acrypto_device *dev)
{
	int err;

	err = acrypto_device_check(dev);
	if (err) {
		pr_err("acrypto: refusing malformed device '%s': %d\n",
		       dev->name, err);
		return err;
	}

	down_write(&acrypto_dev_rwsem);
	if (acrypto_device_find(dev->name)) {
		err = -EEXIST;
		goto err_unlock;
	}

	err = ida_alloc_max(&acrypto_dev_ida, ACRYPTO_MAX_DEVICES - 1,
			    GFP_KERNEL);
	if (err < 0) {
		if (err == -ENOSPC)
			pr_err("acrypto: no room for device '%s' (max %d)\n",
			       dev->name, ACRYPTO_MAX_DEVICES);
		goto err_unlock;
	}
	dev->index = err;

	dev->dev.parent = dev->parent;
	err = dev_set_name(&dev->dev, "%s", dev->name);
	if (err)
		goto err_free_index;
	err = device_add(&dev->dev);
	if (err)
		goto err_free_index;
	/* sysfs_notify() may sleep; notifying the node itself may not. */
	dev->broken_kn = sysfs_get_dirent(dev->dev.kobj.sd, "broken");

	acrypto_dev_slot[dev->index] = dev;
	acrypto_keys_prepare_device(dev);
	set_bit(ACRYPTO_DEV_REGISTERED, &dev->state);
	list_add_tail_rcu(&dev->node, &acrypto_device_list);
	acrypto_update_max_reqsize();
	up_write(&acrypto_dev_rwsem);

	dev_info(&dev->dev, "registered %s device, %u capabilities%s\n",
		 dev->class == ACRYPTO_CLASS_HARDWARE ? "hardware" :
		 dev->class == ACRYPTO_CLASS_ACCEL ? "accelerated" : "software",
		 dev->num_caps, dev->flags & ACRYPTO_DEV_SYNC ? ", sync" : "");

	acrypto_frontend_update();
	return 0;

err_free_index:
	ida_free(&acrypto_dev_ida, dev->index);
	dev->index = -1;
err_unlock:
	up_write(&acrypto_dev_rwsem);
	return err;
}
EXPORT_SYMBOL_GPL(acrypto_device_register);

/**
 * acrypto_device_unregister() - take a device away from the engine
 * @dev: a registered device
 *
 * No new session reaches the device once this starts.  Sessions waiting on
 * its backlog move to other devices (or finish with -ENODEV if none can take
 * them); sessions the device accepted are left to complete, and the call
 * waits for them: the driver must keep completing until this returns.  A
 * step the device completes with a device error (-EIO, -ENODEV, ...) is
 * retried on another device.  Then the keys prepared on the device are
 * released and algorithms no device serves any more are unregistered once
 * no transform uses them.
 *
 * Context: process context, may sleep.
 */
void acrypto_device_unregister(struct acrypto_device *dev)
{
	if (WARN_ON(!test_bit(ACRYPTO_DEV_REGISTERED, &dev->state)))
		return;

	set_bit(ACRYPTO_DEV_DYING, &dev->state);

	down_write(&acrypto_dev_rwsem);
	list_del_rcu(&dev->node);
	acrypto_update_max_reqsize();
	up_write(&acrypto_dev_rwsem);

	/* No balancer sees the device any more, and every session that was
	 * given to it before is linked: wait for them.
	 */
	synchronize_rcu();
	acrypto_device_drain(dev, true);
	if (atomic_read(&dev->inflight))
		dev_info(&dev->dev, "waiting for %d sessions in flight\n",
			 atomic_read(&dev->inflight));
	wait_event(dev->wait, !atomic_read(&dev->inflight));
	/* Let completion paths that still hold the pointer finish. */
	synchronize_rcu();

	down_write(&acrypto_dev_rwsem);
	acrypto_keys_release_device(dev);
	acrypto_dev_slot[dev->index] = NULL;
	clear_bit(ACRYPTO_DEV_REGISTERED, &dev->state);
	ida_free(&acrypto_dev_ida, dev->index);
	dev->index = -1;
	up_write(&acrypto_dev_rwsem);

	sysfs_put(dev->broken_kn);
	dev->broken_kn = NULL;
	device_del(&dev->dev);
	clear_bit(ACRYPTO_DEV_DYING, &dev->state);
	pr_info("acrypto: %s: unregistered\n", dev->name);

	acrypto_frontend_update();
}
EXPORT_SYMBOL_GPL(acrypto_device_unregister);

/**
 * acrypto_device_set_broken() - take a device out of service or back
 * @dev: a registered device
 * @broken: true to stop giving it sessions and move its waiting ones,
 *	false to return it to service
 *
 * Drivers call this when the hardware reports a failure or recovery;
 * administrators through /sys/class/acrypto/<dev>/broken; the stall
 * watchdog when a device stops completing.  Sessions waiting for the device
 * move to other devices, and so do the ones it accepted if its ->cancel()
 * gives them up; the rest stay with it until it completes them.
 *
 * Context: process or softirq context, not from a hard interrupt handler.
 */
void acrypto_device_set_broken(struct acrypto_device *dev, bool broken)
{
	if (broken) {
		if (test_and_set_bit(ACRYPTO_DEV_BROKEN, &dev->state))
			return;
		dev_warn(&dev->dev, "out of service, moving its sessions\n");
		acrypto_device_drain(dev, true);
	} else {
		if (!test_and_clear_bit(ACRYPTO_DEV_BROKEN, &dev->state))
			return;
		clear_bit(ACRYPTO_DEV_STALLED, &dev->state);
		dev_info(&dev->dev, "back in service\n");
		acrypto_device_kick(dev);
	}
	if (dev->broken_kn)
		sysfs_notify_dirent(dev->broken_kn);
}
EXPORT_SYMBOL_GPL(acrypto_device_set_broken);

/**
 * acrypto_device_cap() - find a device's capability for an algorithm
 * @dev: the device
 * @alg: enum acrypto_alg
 * @mode: enum acrypto_mode
 *
 * Return: the capability, or NULL if the device has none for @alg/@mode.
 */
const struct acrypto_cap *acrypto_device_cap(const struct acrypto_device *dev,
					     unsigned int alg,
					     unsigned int mode)
{
	unsigned int i;

	for (i = 0; i < dev->num_caps; i++)
		if (dev->caps[i].alg == alg && dev->caps[i].mode == mode)
			return &dev->caps[i];
	return NULL;
}
EXPORT_SYMBOL_GPL(acrypto_device_cap);

/**
 * acrypto_device_can_serve() - whether a device may take a session's step
 * @dev: candidate device
 * @s: session whose current step is being placed
 *
 * True when @dev is usable, has a capability for the step, prepared the
 * session's key, offers a large enough per-request area and has not failed
 * this step before.
 *
 * Return: true if a balancer may choose @dev for @s.
 */
bool acrypto_device_can_serve(const struct acrypto_device *dev,
			      const struct acrypto_session *s)
{
	const struct acrypto_hop *hop = acrypto_session_hop(s);
	const struct acrypto_cap *cap;

	if (!acrypto_device_usable(dev))
		return false;
	if (s->tried & BIT(dev->index))
		return false;
	if (!test_bit(dev->index, &s->key->ready))
		return false;
	if (dev->reqsize > s->key->priv_size)
		return false;
	cap = acrypto_device_cap(dev, hop->alg, hop->mode);
	return cap && (cap->ops & BIT(hop->op)) &&
	       (!cap->max_len || hop->len + hop->assoclen <= cap->max_len);
}
EXPORT_SYMBOL_GPL(acrypto_device_can_serve);

/**
 * acrypto_device_load() - how busy a device is, for balancers
 * @dev: the device
 * @s: the session being placed, for the capability's queue length
 *
 * Return: sessions on the device per 1024 slots of the capability's queue
 * length; 1024 means as many sessions as the capability's qlen.
 */
unsigned int acrypto_device_load(const struct acrypto_device *dev,
				 const struct acrypto_session *s)
{
	const struct acrypto_hop *hop = acrypto_session_hop(s);
	const struct acrypto_cap *cap = acrypto_device_cap(dev, hop->alg,
							   hop->mode);
	unsigned int qlen = cap ? cap->qlen : 1;

	return (unsigned int)atomic_read(&dev->inflight) * 1024U / qlen;
}
EXPORT_SYMBOL_GPL(acrypto_device_load);

/**
 * acrypto_any_device() - whether some registered device can do alg/mode
 * @alg: enum acrypto_alg
 * @mode: enum acrypto_mode
 *
 * Broken devices count, dying ones do not: a broken device may recover.
 *
 * Return: true if a registered device has the capability.
 */
bool acrypto_any_device(unsigned int alg, unsigned int mode)
{
	struct acrypto_device *dev;
	bool found = false;

	rcu_read_lock();
	acrypto_for_each_device(dev) {
		if (!test_bit(ACRYPTO_DEV_DYING, &dev->state) &&
		    acrypto_device_cap(dev, alg, mode)) {
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/**
 * acrypto_priv_size() - per-request private area for a new transform
 *
 * Large enough for every device registered now and for common devices
 * that register later.  The memory of a session is
 * sizeof(struct acrypto_session) plus this.
 *
 * Return: size in bytes.
 */
unsigned int acrypto_priv_size(void)
{
	return ALIGN(max_t(unsigned int, READ_ONCE(acrypto_max_reqsize),
			   ACRYPTO_MIN_PRIV_SIZE), CRYPTO_MINALIGN);
}
EXPORT_SYMBOL_GPL(acrypto_priv_size);

int acrypto_device_init(void)
{
	return 0;
}

void acrypto_device_uninit(void)
{
	WARN_ON(!list_empty(&acrypto_device_list));
	ida_destroy(&acrypto_dev_ida);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: the device registry.
 *
 * Devices are on acrypto_device_list, read under RCU by balancers and
 * changed under acrypto_dev_rwsem (write).  The same rwsem, taken for read,
 * keeps the list stable for the key code, which calls the drivers'
 * key_prepare and key_release and may sleep.
 *
 * Service state.  A registered device takes sessions while no reason keeps
 * it out of service: the administrator (the "broken" attribute), its driver
 * (acrypto_device_set_broken(), a device reporting it is not ready), the
 * stall watchdog, or a failed known-answer test; and while it is not being
 * tested.  Each reason is a bit of its own, so that one party cannot undo
 * another's: a driver reporting the hardware ready again does not return a
 * device the administrator took out.  A device enters service only after
 * it passed its known-answer test (kat.c): at registration, and whenever it
 * comes back from a driver-reported failure, a stall or a failed test.
 *
 * Every change of what the balancers may choose bumps the device
 * generation, which keys use to cache their sole device (key.c).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/idr.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"
#include "trace.h"

struct list_head acrypto_device_list = LIST_HEAD_INIT(acrypto_device_list);

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

/* Bumped whenever the set of usable devices may have changed. */
atomic_long_t acrypto_dev_gen = ATOMIC_LONG_INIT(1);

/* The usable devices may have changed: caches of them are stale. */
void acrypto_device_gen_bump(void)
{
	atomic_long_inc(&acrypto_dev_gen);
}

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
	unsigned int i;
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
	for (i = 0; i < ACRYPTO_NR_PRIO; i++)
		INIT_LIST_HEAD(&dev->backlog[i]);
	INIT_WORK(&dev->kick_work, acrypto_device_kick_worker);
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
	    !strcmp(dev->name, "crypto_sessions") ||
	    !strcmp(dev->name, "partitions"))
		return -EINVAL;
	if (!dev->ops || !dev->ops->process || !dev->caps || !dev->num_caps)
		return -EINVAL;
	if (dev->class >= __ACRYPTO_CLASS_MAX)
		return -EINVAL;
	if (dev->reqsize > ACRYPTO_MAX_PRIV_SIZE)
		return -E2BIG;

	if (dev->num_caps > U8_MAX)
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

/* The capability look-up table of a device about to register. */
static void acrypto_device_index_caps(struct acrypto_device *dev)
{
	unsigned int i;

	memset(dev->capidx, 0, sizeof(dev->capidx));
	/* The first capability of an algorithm and mode wins, as in a scan. */
	for (i = dev->num_caps; i-- > 0; )
		dev->capidx[dev->caps[i].alg][dev->caps[i].mode] = i + 1;
}

/* Caller holds acrypto_dev_rwsem. */
struct acrypto_device *acrypto_device_find(const char *name)
{
	struct acrypto_device *dev;

	lockdep_assert_held(&acrypto_dev_rwsem);
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
 * Prepares every existing key the device can serve, lists the device,
 * runs the known-answer test of each of its capabilities through it (the
 * device enters service only when it passes; a device that fails or does
 * not answer within kat_timeout_ms stays out of service and is tested
 * again later), and registers the crypto API algorithms that become
 * servable (their self-tests run here, through the engine).
 *
 * Context: process context, may sleep; not under locks the driver's
 * callbacks take (the known-answer test goes through them).
 *
 * Return: 0 (even when the device failed its test: it is registered, out
 * of service, see /sys/class/acrypto/<name>/state), or -EINVAL for a
 * malformed device, -EEXIST for a duplicate name, -ENOSPC when
 * ACRYPTO_MAX_DEVICES are registered, -ENOMEM, or an errno from sysfs.
 */
int acrypto_device_register(struct acrypto_device *dev)
{
	int err;

	err = acrypto_device_check(dev);
	if (err) {
		pr_err("refusing malformed device '%s': %d\n", dev->name, err);
		return err;
	}
	acrypto_device_index_caps(dev);
	err = acrypto_cost_init_device(dev);
	if (err)
		return err;
	err = acrypto_kat_init_device(dev);
	if (err)
		goto err_cost;

	down_write(&acrypto_dev_rwsem);
	if (acrypto_device_find(dev->name)) {
		err = -EEXIST;
		goto err_unlock;
	}

	err = ida_alloc_max(&acrypto_dev_ida, ACRYPTO_MAX_DEVICES - 1,
			    GFP_KERNEL);
	if (err < 0) {
		if (err == -ENOSPC)
			pr_err("no room for device '%s' (max %d)\n",
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
	err = acrypto_cost_sysfs_add(dev);
	if (err)
		goto err_del;
	/* sysfs_notify() may sleep; notifying the node itself may not. */
	dev->broken_kn = sysfs_get_dirent(dev->dev.kobj.sd, "broken");
	dev->state_kn = sysfs_get_dirent(dev->dev.kobj.sd, "state");

	WRITE_ONCE(acrypto_dev_slot[dev->index], dev);
	acrypto_keys_prepare_device(dev);
	/* Listed, but given nothing before it passed its known answers. */
	set_bit(ACRYPTO_DEV_TESTING, &dev->state);
	set_bit(ACRYPTO_DEV_REGISTERED, &dev->state);
	acrypto_trace_device_new(dev);
	list_add_tail_rcu(&dev->node, &acrypto_device_list);
	acrypto_update_max_reqsize();
	up_write(&acrypto_dev_rwsem);

	dev_info(&dev->dev, "registered %s device, %u capabilities%s\n",
		 dev->class == ACRYPTO_CLASS_HARDWARE ? "hardware" :
		 dev->class == ACRYPTO_CLASS_ACCEL ? "accelerated" : "software",
		 dev->num_caps, dev->flags & ACRYPTO_DEV_SYNC ? ", sync" : "");

	/* Bounded by kat_timeout_ms even if the device never answers. */
	acrypto_kat_run(dev);
	acrypto_frontend_update();
	return 0;

err_del:
	device_del(&dev->dev);
err_free_index:
	ida_free(&acrypto_dev_ida, dev->index);
	dev->index = -1;
err_unlock:
	up_write(&acrypto_dev_rwsem);
	acrypto_kat_uninit_device(dev);
err_cost:
	acrypto_cost_uninit_device(dev);
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
	acrypto_trace_device_state(dev);
	acrypto_device_gen_bump();

	down_write(&acrypto_dev_rwsem);
	list_del_rcu(&dev->node);
	acrypto_update_max_reqsize();
	up_write(&acrypto_dev_rwsem);

	/*
	 * No balancer sees the device any more, no key names it as its sole
	 * device, every session done inline on it has finished, and every
	 * session that was given to it before is linked: move or wait for
	 * them.  A known-answer test in progress ends with them.
	 */
	synchronize_rcu();
	acrypto_device_drain(dev, ACRYPTO_DRAIN_RECLAIM | ACRYPTO_DRAIN_MAY_SLEEP);
	acrypto_kat_stop(dev);
	if (atomic_read(&dev->inflight))
		dev_info(&dev->dev, "waiting for %d sessions in flight\n",
			 atomic_read(&dev->inflight));
	wait_event(dev->wait, !atomic_read(&dev->inflight));
	/* Let completion paths that still hold the pointer finish. */
	synchronize_rcu();
	cancel_work_sync(&dev->kick_work);
	acrypto_kat_uninit_device(dev);

	down_write(&acrypto_dev_rwsem);
	acrypto_keys_release_device(dev);
	WRITE_ONCE(acrypto_dev_slot[dev->index], NULL);
	clear_bit(ACRYPTO_DEV_REGISTERED, &dev->state);
	/* It leaves its partition with the engine. */
	WRITE_ONCE(dev->partition, NULL);
	ida_free(&acrypto_dev_ida, dev->index);
	dev->index = -1;
	up_write(&acrypto_dev_rwsem);

	sysfs_put(dev->broken_kn);
	dev->broken_kn = NULL;
	sysfs_put(dev->state_kn);
	dev->state_kn = NULL;
	acrypto_cost_sysfs_remove(dev);
	device_del(&dev->dev);
	acrypto_cost_uninit_device(dev);
	dev->state = 0;
	pr_info("%s: unregistered\n", dev->name);

	acrypto_frontend_update();
}
EXPORT_SYMBOL_GPL(acrypto_device_unregister);

/* Tell sysfs pollers that "broken" and "state" changed; any context. */
void acrypto_device_notify(struct acrypto_device *dev)
{
	acrypto_trace_device_state(dev);
	if (dev->broken_kn)
		sysfs_notify_dirent(dev->broken_kn);
	if (dev->state_kn)
		sysfs_notify_dirent(dev->state_kn);
}

static const char *const acrypto_off_reasons[] = {
	[ACRYPTO_DEV_OFF_ADMIN] = "by the administrator",
	[ACRYPTO_DEV_OFF_DRIVER] = "by its driver",
	[ACRYPTO_DEV_OFF_STALLED] = "stalled",
	[ACRYPTO_DEV_OFF_FAILED] = "failed its known-answer test",
	[ACRYPTO_DEV_OFF_MOVING] = "changing partition",
};

/*
 * A device became usable: the caches of usable devices are stale, its
 * backlog may go, and sessions waiting elsewhere may move to it.  Those
 * move kick_budget at a time, as the steal runs with BH off: one round
 * now, then one session at each of its completions (acrypto_backlog_room())
 * and a round at each unblock, so that a long backlog elsewhere cannot
 * hold this CPU.
 */
static void acrypto_device_now_usable(struct acrypto_device *dev)
{
	acrypto_device_gen_bump();
	dev_info(&dev->dev, "in service\n");
	acrypto_device_notify(dev);
	acrypto_device_kick(dev);
	acrypto_backlog_steal(dev, READ_ONCE(acrypto_kick_budget));
}

/**
 * acrypto_device_set_off() - set or clear one reason to keep a device out
 * @dev: a registered device
 * @reason: ACRYPTO_DEV_OFF_*
 * @off: set (true) or clear (false) the reason
 *
 * Setting the first reason moves the device's waiting sessions to other
 * devices, and the ones it accepted if its ->cancel() gives them up.
 * Clearing the last one returns it to service: at once when only the
 * administrator had taken it out, else after it passed its known-answer
 * test again (run by a worker; the caller does not wait).
 *
 * Context: process or softirq context, not from a hard interrupt handler.
 */
void acrypto_device_set_off(struct acrypto_device *dev, unsigned int reason,
			    bool off)
{
	__acrypto_device_set_off(dev, reason, off, ACRYPTO_DRAIN_RECLAIM);
}

/*
 * The same, with the flags of the drain: ACRYPTO_DRAIN_MAY_SLEEP from
 * process context with no lock held (a write to "broken").
 */
void __acrypto_device_set_off(struct acrypto_device *dev, unsigned int reason,
			      bool off, unsigned int drain)
{
	bool was_usable = acrypto_device_usable(dev);

	if (off) {
		if (test_and_set_bit(reason, &dev->state))
			return;
		if (was_usable) {
			acrypto_device_gen_bump();
			dev_warn(&dev->dev,
				 "out of service (%s), moving its sessions\n",
				 acrypto_off_reasons[reason]);
			acrypto_device_drain(dev, drain);
		}
		acrypto_device_notify(dev);
		return;
	}

	if (!test_and_clear_bit(reason, &dev->state))
		return;
	acrypto_device_notify(dev);
	if (READ_ONCE(dev->state) & ACRYPTO_DEV_OFF_MASK)
		return;
	if ((reason == ACRYPTO_DEV_OFF_ADMIN ||
	     reason == ACRYPTO_DEV_OFF_MOVING) && acrypto_device_usable(dev)) {
		acrypto_device_now_usable(dev);
		return;
	}
	/* Back from a failure: only with the right answers. */
	acrypto_kat_probe(dev);
}

/**
 * acrypto_device_enter_service() - a device passed its known-answer test
 * @dev: the device
 *
 * Clears the reasons a test answers (a stall, a failed test) and returns
 * the device to service unless another reason keeps it out.
 *
 * Context: process context.
 */
void acrypto_device_enter_service(struct acrypto_device *dev)
{
	clear_bit(ACRYPTO_DEV_OFF_STALLED, &dev->state);
	clear_bit(ACRYPTO_DEV_OFF_FAILED, &dev->state);
	clear_bit(ACRYPTO_DEV_TESTING, &dev->state);
	if (acrypto_device_usable(dev))
		acrypto_device_now_usable(dev);
	else
		acrypto_device_notify(dev);
}

/**
 * acrypto_device_set_broken() - a driver takes its device out or back
 * @dev: a registered device
 * @broken: true when the hardware reports a failure or is not ready, false
 *	when it works again
 *
 * This is the driver's reason only: a device the administrator took out
 * (the "broken" attribute) or the engine keeps out (a stall, a failed
 * known-answer test) stays out.  Sessions waiting for the device move to
 * other devices, and so do the ones it accepted if its ->cancel() gives
 * them up; the rest stay with it until it completes them.  A device
 * reported working again returns to service once it passed its
 * known-answer test.
 *
 * Context: process or softirq context, not from a hard interrupt handler.
 */
void acrypto_device_set_broken(struct acrypto_device *dev, bool broken)
{
	acrypto_device_set_off(dev, ACRYPTO_DEV_OFF_DRIVER, broken);
}
EXPORT_SYMBOL_GPL(acrypto_device_set_broken);

/**
 * acrypto_device_suspend() - the device sleeps for a while
 * @dev: a device allocated by acrypto_device_alloc(), registered or not
 *
 * For a driver's suspend (freeze) callback: the device keeps its place and
 * its sessions, new ones wait for it (the driver answers -ENOSPC) or go to
 * devices with room, which also take over what waits for it; the stall
 * watchdog does not count the time it sleeps.  Undo with
 * acrypto_device_resume().
 *
 * Context: process context.
 */
void acrypto_device_suspend(struct acrypto_device *dev)
{
	set_bit(ACRYPTO_DEV_SUSPENDED, &dev->state);
	acrypto_device_notify(dev);
}
EXPORT_SYMBOL_GPL(acrypto_device_suspend);

/**
 * acrypto_device_resume() - the device is awake again
 * @dev: a device acrypto_device_suspend() was called for
 *
 * Restarts the stall clock.  The driver unblocks the engine
 * (acrypto_device_unblock()) once it takes requests again.
 *
 * Context: process context.
 */
void acrypto_device_resume(struct acrypto_device *dev)
{
	WRITE_ONCE(dev->progress, jiffies);
	/* The stamp before the bit: the watchdog reads them the other way. */
	smp_mb__before_atomic();
	clear_bit(ACRYPTO_DEV_SUSPENDED, &dev->state);
	acrypto_device_notify(dev);
}
EXPORT_SYMBOL_GPL(acrypto_device_resume);

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

	if (!acrypto_device_usable(dev) && !acrypto_session_probing(s, dev))
		return false;
	if (s->tried & BIT(dev->index))
		return false;
	/* A known-answer test's key is the engine's, of no partition. */
	if (READ_ONCE(dev->partition) != s->key->partition &&
	    !acrypto_session_probing(s, dev))
		return false;
	if (!test_bit(dev->index, &s->key->ready))
		return false;
	if (dev->reqsize > s->key->priv_size)
		return false;
	cap = acrypto_device_cap(dev, hop->alg, hop->mode);
	return cap && acrypto_cap_serves(cap, hop->op) &&
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
 * acrypto_device_next() - the next registered device
 * @pos: a device seen under the same rcu_read_lock(), or NULL for the first
 *
 * The iterator of acrypto_for_each_device(), for modules: the device list
 * itself is the engine's.  Devices come in registration order.
 *
 * Context: caller holds rcu_read_lock().
 *
 * Return: the device after @pos, or NULL at the end of the list.
 */
struct acrypto_device *acrypto_device_next(struct acrypto_device *pos)
{
	struct list_head *head = pos ? &pos->node : &acrypto_device_list;
	struct list_head *next;

	RCU_LOCKDEP_WARN(!rcu_read_lock_any_held(),
			 "device list walked outside rcu_read_lock()");
	next = rcu_dereference_raw(list_next_rcu(head));
	if (next == &acrypto_device_list)
		return NULL;
	return list_entry(next, struct acrypto_device, node);
}
EXPORT_SYMBOL_GPL(acrypto_device_next);

/**
 * acrypto_device_cap_withdraw() - a device stops offering a capability
 * @dev: a registered device
 * @alg: enum acrypto_alg
 * @mode: enum acrypto_mode
 *
 * For a device that advertised what it turns out not to do (it refused the
 * known-answer test's key for good, say): no step of @alg/@mode is given
 * to it from now on, the capabilities file leaves it out, and algorithms
 * that only this device made servable are unregistered, from a work item.
 * Steps it already holds are not affected; no key of it is prepared on
 * the device any more, and the known-answer tests leave it out.
 * Registering the device again offers the capability again.
 *
 * Context: any up to softirq.
 *
 * Return: true if this call withdrew it, false if it was not offered.
 */
bool acrypto_device_cap_withdraw(struct acrypto_device *dev, unsigned int alg,
				 unsigned int mode)
{
	if (alg >= __ACRYPTO_ALG_MAX || mode >= __ACRYPTO_MODE_MAX ||
	    !xchg(&dev->capidx[alg][mode], 0))
		return false;
	dev_info(&dev->dev, "%s-%s withdrawn by its driver\n",
		 acrypto_alg_name(alg), acrypto_mode_name(mode));
	acrypto_frontend_update_later();
	return true;
}
EXPORT_SYMBOL_GPL(acrypto_device_cap_withdraw);

/**
 * acrypto_any_device() - whether some registered device can do alg/mode
 * @alg: enum acrypto_alg
 * @mode: enum acrypto_mode
 * @part: the partition, or NULL for the shared pool
 *
 * Broken devices count, dying ones do not: a broken device may recover.
 *
 * Return: true if a registered device of @part has the capability.
 */
bool acrypto_any_device(unsigned int alg, unsigned int mode,
			const struct acrypto_partition *part)
{
	struct acrypto_device *dev;
	bool found = false;

	rcu_read_lock();
	acrypto_for_each_device(dev) {
		if (!test_bit(ACRYPTO_DEV_DYING, &dev->state) &&
		    READ_ONCE(dev->partition) == part &&
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
	/* Device indexes fit the masks tried, ready and sole. */
	BUILD_BUG_ON(ACRYPTO_MAX_DEVICES >
		     BITS_PER_TYPE(((struct acrypto_session *)NULL)->tried));
	BUILD_BUG_ON(ACRYPTO_MAX_DEVICES >
		     BITS_PER_TYPE(((struct acrypto_key *)NULL)->ready));
	BUILD_BUG_ON(BIT(ACRYPTO_SOLE_SHIFT) <= ACRYPTO_MAX_DEVICES);
	return 0;
}

void acrypto_device_uninit(void)
{
	WARN_ON(!list_empty(&acrypto_device_list));
	ida_destroy(&acrypto_dev_ida);
}

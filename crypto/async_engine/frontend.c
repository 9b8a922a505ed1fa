// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: crypto API front end - when algorithms come and go.
 *
 * Each family (skcipher.c, aead.c, ahash.c) adds its algorithms here.  An
 * algorithm is registered with the crypto API once registered devices can
 * serve every step it needs, so that the kernel's self-test, which runs
 * during registration, goes through real devices.  When that stops being
 * true the algorithm is unregistered as soon as no transform uses it; until
 * then its requests finish with -ENODEV.  A new transform is refused with
 * -EAGAIN, which makes the crypto API mark the algorithm dying
 * (crypto_shoot_alg()) and allocate the next best implementation instead,
 * so the orphan never shadows the kernel's own algorithms.  A dying
 * algorithm is registered afresh once idle, if devices serve it again.  A
 * transform that goes away while its algorithm has no device or is dying
 * schedules the check again.
 *
 * Registration and unregistration happen under acrypto_fe_mutex, never
 * under acrypto_dev_rwsem: the self-test allocates transforms, and their
 * init takes that rwsem.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/crypto.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>

#include "internal.h"

static LIST_HEAD(acrypto_fe_algs);
static DEFINE_MUTEX(acrypto_fe_mutex);
static void acrypto_fe_worker(struct work_struct *work);
static DECLARE_DELAYED_WORK(acrypto_fe_work, acrypto_fe_worker);
static bool acrypto_fe_live;

/**
 * acrypto_fe_priority() - the crypto API priority of an instance
 * @fa: the instance
 * @shared: the priority of the shared instance of that algorithm
 *
 * Return: @shared, or partition_priority for a partition's instance, below
 * every other implementation, so that only a caller naming the driver
 * gets it.
 */
int acrypto_fe_priority(const struct acrypto_fe_alg *fa, int shared)
{
	return fa->partition ? acrypto_partition_priority : shared;
}

/**
 * acrypto_frontend_add() - make an algorithm known to the front end
 * @fa: the algorithm; registered later, when devices can serve it
 *
 * Called by the families' init functions, before any device registers,
 * and when a partition is created, for its instances.
 */
void acrypto_frontend_add(struct acrypto_fe_alg *fa)
{
	atomic_set(&fa->tfms, 0);
	fa->registered = false;
	fa->servable = false;
	mutex_lock(&acrypto_fe_mutex);
	list_add_tail(&fa->node, &acrypto_fe_algs);
	mutex_unlock(&acrypto_fe_mutex);
}

static bool acrypto_fe_servable(const struct acrypto_fe_alg *fa)
{
	unsigned int i;

	for (i = 0; i < fa->num_needs; i++)
		if (!acrypto_any_device(fa->needs[i].alg, fa->needs[i].mode,
					fa->partition))
			return false;
	return true;
}

/*
 * Registered but used by nobody?  (The registration holds one reference.)
 * Only meaningful once the algorithm is dying: until then a look-up may
 * take a reference at any moment.
 */
static bool acrypto_fe_idle(struct acrypto_fe_alg *fa)
{
	return !atomic_read(&fa->tfms) &&
	       refcount_read(&fa->base->cra_refcnt) == 1;
}

/* Did the crypto API give up on the algorithm (see acrypto_frontend_tfm_get)? */
static bool acrypto_fe_dying(struct acrypto_fe_alg *fa)
{
	return READ_ONCE(fa->base->cra_flags) & CRYPTO_ALG_DYING;
}

/*
 * Returns true if an algorithm without devices could not be removed yet
 * although no transform of it is left (a look-up still holds a reference).
 */
static bool acrypto_fe_update_one(struct acrypto_fe_alg *fa)
{
	bool servable = acrypto_fe_servable(fa);
	int err;

	WRITE_ONCE(fa->servable, servable);
	if (fa->registered && (!servable || acrypto_fe_dying(fa))) {
		/* Its last transform's exit calls us again. */
		if (atomic_read(&fa->tfms))
			return false;
		/*
		 * Hide it from look-ups first (they skip dying algorithms, under
		 * crypto_alg_sem), so that no reference can appear between the
		 * check and crypto_unregister_alg(), which warns about any.
		 */
		if (!acrypto_fe_dying(fa))
			crypto_shoot_alg(fa->base);
		if (!acrypto_fe_idle(fa))
			return true;
		fa->do_unregister(fa);
		fa->registered = false;
		pr_info("unregistered %s: %s\n",
			fa->base->cra_driver_name,
			servable ? "registering it afresh" :
				   "no device serves it");
	}
	if (servable && !fa->registered) {
		err = fa->do_register(fa);
		if (err) {
			pr_err("cannot register %s: %d\n",
			       fa->base->cra_driver_name, err);
			return false;
		}
		fa->registered = true;
		pr_info("registered %s (%s), priority %d\n",
			fa->base->cra_driver_name, fa->base->cra_name,
			fa->base->cra_priority);
	}
	return false;
}

/**
 * acrypto_frontend_update() - register and unregister algorithms to match
 *	the devices
 *
 * Context: process context, may sleep (self-tests run here).
 */
void acrypto_frontend_update(void)
{
	struct acrypto_fe_alg *fa;
	bool retry = false;

	mutex_lock(&acrypto_fe_mutex);
	if (acrypto_fe_live)
		list_for_each_entry(fa, &acrypto_fe_algs, node)
			retry |= acrypto_fe_update_one(fa);
	mutex_unlock(&acrypto_fe_mutex);

	/* A transform is being freed right now: look again shortly. */
	if (retry)
		schedule_delayed_work(&acrypto_fe_work, HZ / 10);
}

static void acrypto_fe_worker(struct work_struct *work)
{
	acrypto_frontend_update();
}

/**
 * acrypto_frontend_update_later() - acrypto_frontend_update() soon, from a
 *	work item
 *
 * Context: any up to softirq.
 */
void acrypto_frontend_update_later(void)
{
	mod_delayed_work(system_wq, &acrypto_fe_work, 0);
}

/**
 * acrypto_frontend_tfm_get() - a transform of @fa is being created
 * @fa: its algorithm
 *
 * Return: 0, or -EAGAIN if no device serves the algorithm any more: the
 * crypto API then marks it dying and falls back to the next best
 * implementation of the algorithm.
 */
int acrypto_frontend_tfm_get(struct acrypto_fe_alg *fa)
{
	if (!READ_ONCE(fa->servable) ||
	    acrypto_partition_tfm_get(fa->partition))
		return -EAGAIN;
	atomic_inc(&fa->tfms);
	return 0;
}

/**
 * acrypto_frontend_tfm_put() - a transform of @fa went away
 * @fa: its algorithm
 *
 * Context: any; if the algorithm has lost its devices, the check whether
 * it can go runs later in a worker.
 */
void acrypto_frontend_tfm_put(struct acrypto_fe_alg *fa)
{
	if (atomic_dec_and_test(&fa->tfms) &&
	    (!READ_ONCE(fa->servable) || acrypto_fe_dying(fa)))
		schedule_delayed_work(&acrypto_fe_work, 0);
}

/**
 * acrypto_frontend_remove() - forget a partition's instance
 * @fa: the instance, with no transform left
 *
 * Unregisters it from the crypto API if it is registered.
 *
 * Context: process context, may sleep.
 *
 * Return: 0, or -EBUSY while a transform or a look-up still uses it.
 */
int acrypto_frontend_remove(struct acrypto_fe_alg *fa)
{
	int err = 0;

	mutex_lock(&acrypto_fe_mutex);
	if (atomic_read(&fa->tfms)) {
		err = -EBUSY;
		goto out_unlock;
	}
	if (fa->registered) {
		if (!acrypto_fe_dying(fa))
			crypto_shoot_alg(fa->base);
		if (!acrypto_fe_idle(fa)) {
			err = -EBUSY;
			goto out_unlock;
		}
		fa->do_unregister(fa);
		fa->registered = false;
	}
	WRITE_ONCE(fa->servable, false);
	list_del(&fa->node);
out_unlock:
	mutex_unlock(&acrypto_fe_mutex);
	return err;
}

/*
 * The front ends go live: from now on a device that comes registers the
 * algorithms it can serve.  Called once the families (skcipher, AEAD,
 * hash) have added their algorithms.
 */
void acrypto_frontend_init(void)
{
	mutex_lock(&acrypto_fe_mutex);
	acrypto_fe_live = true;
	mutex_unlock(&acrypto_fe_mutex);
}

/* Called at module exit, with no device and no transform left. */
void acrypto_frontend_uninit(void)
{
	struct acrypto_fe_alg *fa, *tmp;

	mutex_lock(&acrypto_fe_mutex);
	acrypto_fe_live = false;
	mutex_unlock(&acrypto_fe_mutex);
	cancel_delayed_work_sync(&acrypto_fe_work);

	mutex_lock(&acrypto_fe_mutex);
	list_for_each_entry_safe(fa, tmp, &acrypto_fe_algs, node) {
		WRITE_ONCE(fa->servable, false);
		if (fa->registered) {
			fa->do_unregister(fa);
			fa->registered = false;
		}
		list_del(&fa->node);
	}
	mutex_unlock(&acrypto_fe_mutex);
}

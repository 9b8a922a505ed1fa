// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: crypto API front end - when algorithms come and go.
 *
 * An algorithm is registered with the crypto API once a registered device
 * can serve it, so that the kernel's self-test, which runs during
 * registration, goes through a real device.  When the last such device
 * leaves, the algorithm is unregistered as soon as no transform uses it;
 * until then its requests finish with -ENODEV.  A transform that goes away
 * while its algorithm has no device schedules the check again.
 *
 * Registration and unregistration happen under acrypto_fe_mutex, never
 * under acrypto_dev_rwsem: the self-test allocates transforms, and their
 * init takes that rwsem.
 */

#include <linux/mutex.h>
#include <linux/workqueue.h>

#include "internal.h"

static DEFINE_MUTEX(acrypto_fe_mutex);
static void acrypto_fe_worker(struct work_struct *work);
static DECLARE_DELAYED_WORK(acrypto_fe_work, acrypto_fe_worker);
static bool acrypto_fe_live;

/**
 * acrypto_frontend_update() - register and unregister algorithms to match
 *	the devices
 *
 * Context: process context, may sleep (self-tests run here).
 */
void acrypto_frontend_update(void)
{
	bool retry;

	mutex_lock(&acrypto_fe_mutex);
	if (!acrypto_fe_live) {
		mutex_unlock(&acrypto_fe_mutex);
		return;
	}
	retry = acrypto_skcipher_update();
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
 * acrypto_frontend_tfm_gone() - a transform of an unservable algorithm left
 *
 * Context: any; the check runs later in a worker.
 */
void acrypto_frontend_tfm_gone(void)
{
	schedule_delayed_work(&acrypto_fe_work, 0);
}

int acrypto_frontend_init(void)
{
	mutex_lock(&acrypto_fe_mutex);
	acrypto_fe_live = true;
	mutex_unlock(&acrypto_fe_mutex);
	return 0;
}

void acrypto_frontend_uninit(void)
{
	mutex_lock(&acrypto_fe_mutex);
	acrypto_fe_live = false;
	mutex_unlock(&acrypto_fe_mutex);
	cancel_delayed_work_sync(&acrypto_fe_work);

	mutex_lock(&acrypto_fe_mutex);
	acrypto_skcipher_remove_all();
	mutex_unlock(&acrypto_fe_mutex);
}

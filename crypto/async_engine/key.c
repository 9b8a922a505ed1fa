// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: keys and the per-device state drivers keep for them.
 *
 * Every transform of an acrypto algorithm owns a struct acrypto_key.  On
 * setkey each registered device that can serve the key gets key_prepare()
 * (which may sleep and allocate: a software device sets up its cipher, a
 * hardware device its session bookkeeping), so the request path finds
 * everything ready and allocates nothing.  A device that registers later
 * prepares the keys that already exist; a device that goes away releases
 * its state for all of them.
 *
 * Locking: acrypto_dev_rwsem (read) keeps the device list stable while a
 * key is set up or torn down; acrypto_key_mutex protects the key list.  A
 * device registering or leaving holds acrypto_dev_rwsem for write and then
 * walks the key list under acrypto_key_mutex.  Order: rwsem, then mutex.
 */

#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

static LIST_HEAD(acrypto_keys);
static DEFINE_MUTEX(acrypto_key_mutex);

/* Does @dev have a capability for @key as set now? */
static bool acrypto_key_fits(const struct acrypto_device *dev,
			     const struct acrypto_key *key)
{
	const struct acrypto_cap *cap = acrypto_device_cap(dev, key->alg,
							   key->mode);

	return cap && key->keylen >= cap->min_keysize &&
	       key->keylen <= cap->max_keysize &&
	       dev->reqsize <= key->priv_size;
}

/* Prepare @key on @dev.  Caller holds acrypto_dev_rwsem. */
static int acrypto_key_prepare_one(struct acrypto_device *dev,
				   struct acrypto_key *key)
{
	int err = 0;

	if (!key->set || !acrypto_key_fits(dev, key))
		return -EOPNOTSUPP;

	if (dev->ops->key_prepare)
		err = dev->ops->key_prepare(dev, key);
	if (err) {
		dev_dbg(&dev->dev, "key_prepare failed: %d\n", err);
		return err;
	}
	set_bit(dev->index, &key->ready);
	return 0;
}

/* Release @key's state on @dev.  Caller holds acrypto_dev_rwsem. */
static void acrypto_key_release_one(struct acrypto_device *dev,
				    struct acrypto_key *key)
{
	if (!test_and_clear_bit(dev->index, &key->ready))
		return;
	if (dev->ops->key_release)
		dev->ops->key_release(dev, key);
	key->devpriv[dev->index] = NULL;
}

/**
 * acrypto_key_init() - set up the key of a new transform
 * @key: key inside the transform context (or the user's own structure)
 * @alg: enum acrypto_alg
 * @mode: enum acrypto_mode
 * @priv_size: per-request private area the sessions of this key carry
 *	after &struct acrypto_session; acrypto_priv_size() when the memory of
 *	the sessions is allocated now
 *
 * Context: process context, may sleep.  Pair with acrypto_key_exit().
 */
void acrypto_key_init(struct acrypto_key *key, u16 alg, u16 mode,
		      unsigned int priv_size)
{
	memset(key, 0, sizeof(*key));
	key->alg = alg;
	key->mode = mode;
	key->priv_size = priv_size;

	mutex_lock(&acrypto_key_mutex);
	list_add_tail(&key->node, &acrypto_keys);
	mutex_unlock(&acrypto_key_mutex);
}
EXPORT_SYMBOL_GPL(acrypto_key_init);

/* Release the key's state on every device and forget the key bytes. */
static void acrypto_key_clear(struct acrypto_key *key)
{
	unsigned long ready = key->ready;
	unsigned int i;

	/* By index: a device leaving is off the list before it releases. */
	for_each_set_bit(i, &ready, ACRYPTO_MAX_DEVICES)
		if (!WARN_ON(!acrypto_dev_slot[i]))
			acrypto_key_release_one(acrypto_dev_slot[i], key);

	kfree_sensitive(key->data);
	key->data = NULL;
	key->keylen = 0;
	key->set = false;
}

/* Prepare the installed key on every device; caller holds the rwsem. */
static int acrypto_key_prepare_all(struct acrypto_key *key)
{
	struct acrypto_device *dev;
	int err = -ENODEV;

	list_for_each_entry(dev, &acrypto_device_list, node) {
		int ret;

		if (test_bit(ACRYPTO_DEV_DYING, &dev->state))
			continue;
		ret = acrypto_key_prepare_one(dev, key);
		if (!ret)
			err = 0;
		else if (ret != -EOPNOTSUPP && err)
			err = ret;
	}
	return err;
}

/**
 * acrypto_key_set() - install a new key and prepare it on the devices
 * @key: key of the transform
 * @data: key bytes, already checked by the caller for the algorithm
 * @keylen: length of @data
 * @flags: the transform's CRYPTO_TFM_REQ_* flags
 *
 * Context: process context, may sleep.  No request of the transform may be
 * in flight (the crypto API's rule for setkey).
 *
 * Return: 0 when at least one device can serve the key; otherwise -ENOMEM,
 * the error of the devices' key_prepare, or -ENODEV when no registered
 * device supports this key.  On error the transform has no key.
 */
int acrypto_key_set(struct acrypto_key *key, const u8 *data,
		    unsigned int keylen, u32 flags)
{
	u8 *copy = NULL;
	int err;

	if (keylen) {
		copy = kmemdup(data, keylen, GFP_KERNEL);
		if (!copy)
			return -ENOMEM;
	}

	down_read(&acrypto_dev_rwsem);
	acrypto_key_clear(key);
	key->data = copy;
	key->keylen = keylen;
	key->flags = flags;
	key->set = true;

	err = acrypto_key_prepare_all(key);
	if (err)
		acrypto_key_clear(key);
	up_read(&acrypto_dev_rwsem);
	return err;
}
EXPORT_SYMBOL_GPL(acrypto_key_set);

/**
 * acrypto_key_set_authsize() - change the tag size of an AEAD key
 * @key: key of an AEAD transform
 * @authsize: new tag size, already checked by the caller
 *
 * Devices prepared the key for the old tag size: prepare it again.
 *
 * Context: process context, may sleep.
 *
 * Return: 0, or the error of acrypto_key_set() (the key is then unset).
 */
int acrypto_key_set_authsize(struct acrypto_key *key, unsigned int authsize)
{
	unsigned long ready;
	unsigned int i;
	int err = 0;

	down_read(&acrypto_dev_rwsem);
	key->authsize = authsize;
	if (key->set) {
		ready = key->ready;
		for_each_set_bit(i, &ready, ACRYPTO_MAX_DEVICES)
			acrypto_key_release_one(acrypto_dev_slot[i], key);
		err = acrypto_key_prepare_all(key);
		if (err)
			acrypto_key_clear(key);
	}
	up_read(&acrypto_dev_rwsem);
	return err;
}
EXPORT_SYMBOL_GPL(acrypto_key_set_authsize);

/**
 * acrypto_key_exit() - tear down the key of a transform that goes away
 * @key: key of the transform
 *
 * Context: process context, may sleep; no session of @key in flight.
 */
void acrypto_key_exit(struct acrypto_key *key)
{
	/*
	 * The rwsem first: a device unregistering walks the key list under
	 * it, and must either see this key (and release it) or find it gone
	 * with nothing left on the device.
	 */
	down_read(&acrypto_dev_rwsem);
	mutex_lock(&acrypto_key_mutex);
	list_del(&key->node);
	mutex_unlock(&acrypto_key_mutex);
	acrypto_key_clear(key);
	up_read(&acrypto_dev_rwsem);
}
EXPORT_SYMBOL_GPL(acrypto_key_exit);

/**
 * acrypto_keys_prepare_device() - prepare existing keys on a new device
 * @dev: device about to be published
 *
 * Caller holds acrypto_dev_rwsem for write.  A key the device cannot
 * prepare is simply not served by it.
 */
void acrypto_keys_prepare_device(struct acrypto_device *dev)
{
	struct acrypto_key *key;

	lockdep_assert_held_write(&acrypto_dev_rwsem);

	mutex_lock(&acrypto_key_mutex);
	list_for_each_entry(key, &acrypto_keys, node)
		acrypto_key_prepare_one(dev, key);
	mutex_unlock(&acrypto_key_mutex);
}

/**
 * acrypto_keys_release_device() - release every key's state on a device
 * @dev: device leaving, with no session left on it
 *
 * Caller holds acrypto_dev_rwsem for write.
 */
void acrypto_keys_release_device(struct acrypto_device *dev)
{
	struct acrypto_key *key;

	lockdep_assert_held_write(&acrypto_dev_rwsem);

	mutex_lock(&acrypto_key_mutex);
	list_for_each_entry(key, &acrypto_keys, node)
		acrypto_key_release_one(dev, key);
	mutex_unlock(&acrypto_key_mutex);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: keys and the per-device state drivers keep for them.
 *
 * Every transform of an acrypto algorithm owns a struct acrypto_key,
 * allocated when the transform is created.  On setkey each registered
 * device that can serve the key gets key_prepare() (which may sleep and
 * allocate: a software device sets up its cipher, a hardware device its
 * session bookkeeping), so the request path finds everything ready and
 * allocates nothing.  A device that registers later prepares the keys that
 * already exist; a device that goes away releases its state for all of
 * them.  Every key also carries the kernel's own implementation of its
 * mode, keyed alike: the engine's fallback while no usable device can
 * serve it.
 *
 * Locking: acrypto_dev_rwsem (read) keeps the device list stable while a
 * key is set up or torn down; acrypto_key_mutex protects the key list.  A
 * device registering or leaving holds acrypto_dev_rwsem for write and then
 * walks the key list under acrypto_key_mutex.  Order: rwsem, then mutex.
 *
 * Freeing takes neither: transforms are freed from memory reclaim (fscrypt
 * evicting an inode), and reclaim may run inside a GFP_KERNEL allocation
 * made under those very locks by key_prepare().  acrypto_key_free() only
 * puts the key on a lock-free list; a worker releases it from the devices
 * and frees it later, in process context.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "internal.h"

static LIST_HEAD(acrypto_keys);
static DEFINE_MUTEX(acrypto_key_mutex);

/* Keys freed and not yet released from their devices. */
static LLIST_HEAD(acrypto_keys_dead);
static void acrypto_key_reap_worker(struct work_struct *work);
static DECLARE_DELAYED_WORK(acrypto_key_reap_work, acrypto_key_reap_worker);

/*
 * Keys are released in batches: a transform per request (AF_ALG users
 * that set a new key each time) would otherwise wake the worker for every
 * one.
 */
#define ACRYPTO_KEY_REAP_DELAY	(HZ / 50)

/* Does @dev have a capability for @key as set now? */
static bool acrypto_key_fits(const struct acrypto_device *dev,
			     const struct acrypto_key *key)
{
	const struct acrypto_cap *cap = acrypto_device_cap(dev, key->alg,
							   key->mode);

	return cap && key->keylen >= cap->min_keysize &&
	       key->keylen <= cap->max_keysize &&
	       dev->reqsize <= key->priv_size &&
	       dev->partition == key->partition;
}

/* Prepare @key on @dev.  Caller holds acrypto_dev_rwsem. */
static int acrypto_key_prepare_one(struct acrypto_device *dev,
				   struct acrypto_key *key)
{
	int err = 0;

	lockdep_assert_held(&acrypto_dev_rwsem);
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
	lockdep_assert_held(&acrypto_dev_rwsem);
	if (!test_and_clear_bit(dev->index, &key->ready))
		return;
	if (dev->ops->key_release)
		dev->ops->key_release(dev, key);
	key->devpriv[dev->index] = NULL;
}

/**
 * acrypto_key_alloc_part() - the key of a new transform of a partition
 * @part: the partition of the transform's algorithm instance, or NULL
 * @alg: enum acrypto_alg
 * @mode: enum acrypto_mode
 *
 * As acrypto_key_alloc(); a key of a partition is prepared and served only
 * by the partition's devices and has no fallback.
 *
 * Return: the key, or an ERR_PTR.
 */
struct acrypto_key *acrypto_key_alloc_part(struct acrypto_partition *part,
					   u16 alg, u16 mode)
{
	struct acrypto_key *key;
	int err;

	if (alg >= __ACRYPTO_ALG_MAX || mode >= __ACRYPTO_MODE_MAX)
		return ERR_PTR(-EINVAL);
	key = kzalloc(sizeof(*key), GFP_KERNEL);
	if (!key)
		return ERR_PTR(-ENOMEM);
	key->alg = alg;
	key->mode = mode;
	key->partition = part;
	key->prio = ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN) ?
		    ACRYPTO_PRIO_NORMAL : ACRYPTO_PRIO_BULK;
	atomic_set(&key->waiting, 0);

	if (!part) {
		err = acrypto_sw_alloc(&key->fallback, alg, mode, false);
		if (err)
			pr_warn_ratelimited("no kernel implementation of algorithm %u mode %u (%d): no fallback\n",
					    alg, mode, err);
	}
	key->priv_size = max(acrypto_priv_size(),
			     ALIGN(key->fallback.reqsize, CRYPTO_MINALIGN));

	mutex_lock(&acrypto_key_mutex);
	list_add_tail(&key->node, &acrypto_keys);
	mutex_unlock(&acrypto_key_mutex);
	return key;
}

/**
 * acrypto_key_alloc() - the key of a new transform
 * @alg: enum acrypto_alg
 * @mode: enum acrypto_mode
 *
 * Allocates the key and the kernel's own implementation of @alg/@mode that
 * serves it while no device can.  The sessions of the key carry
 * &acrypto_key.priv_size bytes of private area after
 * &struct acrypto_session: the transform's request size accounts for it.
 * The key belongs to a task without CAP_SYS_ADMIN (an unprivileged AF_ALG
 * user) gets %ACRYPTO_PRIO_BULK for its waiting sessions.
 *
 * Context: process context, may sleep.  Pair with acrypto_key_free().
 *
 * Return: the key, or an ERR_PTR: -ENOMEM, -EINVAL for an unknown @alg or
 * @mode.
 */
struct acrypto_key *acrypto_key_alloc(u16 alg, u16 mode)
{
	return acrypto_key_alloc_part(NULL, alg, mode);
}
EXPORT_SYMBOL_GPL(acrypto_key_alloc);

/*
 * Release the key's state on every device and forget the key bytes.
 * Caller holds acrypto_dev_rwsem.
 */
static void acrypto_key_clear(struct acrypto_key *key)
{
	unsigned long ready = key->ready;
	unsigned int i;

	lockdep_assert_held(&acrypto_dev_rwsem);
	/* By index: a device leaving is off the list before it releases. */
	for_each_set_bit(i, &ready, ACRYPTO_MAX_DEVICES)
		if (!WARN_ON(!acrypto_dev_slot[i]))
			acrypto_key_release_one(acrypto_dev_slot[i], key);

	kfree_sensitive(key->data);
	key->data = NULL;
	key->keylen = 0;
	key->set = false;
	/* Make the next request look for its sole device again. */
	WRITE_ONCE(key->sole, 0);
	memset(key->dom, 0, sizeof(key->dom));
}

/* Prepare the installed key on every device; caller holds the rwsem. */
static int acrypto_key_prepare_all(struct acrypto_key *key)
{
	struct acrypto_device *dev;
	int err = -ENODEV;

	lockdep_assert_held(&acrypto_dev_rwsem);
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

/* Key the fallback like the devices; no fallback is no error. */
static int acrypto_key_set_fallback(struct acrypto_key *key)
{
	if (!key->fallback.tfm)
		return -ENODEV;
	return acrypto_sw_setkey(&key->fallback, key);
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
 * Return: 0 when the kernel's own implementation or at least one device
 * accepted the key; otherwise -ENOMEM, the error of the kernel's
 * implementation (a key it rejects, such as a weak XTS key where those are
 * forbidden), or of the devices when there is no such implementation.  On
 * error the transform has no key.
 */
int acrypto_key_set(struct acrypto_key *key, const u8 *data,
		    unsigned int keylen, u32 flags)
{
	u8 *copy = NULL;
	int err, fb;

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
	fb = acrypto_key_set_fallback(key);
	if (err && !fb)
		pr_notice_ratelimited("no device takes a %u-byte key of algorithm %u mode %u: the kernel's implementation serves it\n",
				      keylen, key->alg, key->mode);
	if (fb != -ENODEV)
		err = fb;
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
	int err = 0, fb;

	down_read(&acrypto_dev_rwsem);
	key->authsize = authsize;
	if (key->set) {
		ready = key->ready;
		for_each_set_bit(i, &ready, ACRYPTO_MAX_DEVICES)
			acrypto_key_release_one(acrypto_dev_slot[i], key);
		WRITE_ONCE(key->sole, 0);
		err = acrypto_key_prepare_all(key);
		fb = acrypto_key_set_fallback(key);
		if (fb != -ENODEV)
			err = fb;
		if (err)
			acrypto_key_clear(key);
	}
	up_read(&acrypto_dev_rwsem);
	return err;
}
EXPORT_SYMBOL_GPL(acrypto_key_set_authsize);

/* Release freed keys from their devices and free them. */
static void acrypto_key_reap_worker(struct work_struct *work)
{
	struct llist_node *dead = llist_del_all(&acrypto_keys_dead);
	struct acrypto_key *key, *tmp;

	llist_for_each_entry_safe(key, tmp, dead, free_node) {
		/*
		 * The rwsem first: a device unregistering walks the key list
		 * under it, and must either see this key (and release it) or
		 * find it gone with nothing left on the device.
		 */
		down_read(&acrypto_dev_rwsem);
		mutex_lock(&acrypto_key_mutex);
		list_del(&key->node);
		mutex_unlock(&acrypto_key_mutex);
		acrypto_key_clear(key);
		up_read(&acrypto_dev_rwsem);
		acrypto_sw_free(&key->fallback);
		kfree(key);
		cond_resched();
	}
}

/**
 * acrypto_key_free() - the transform of a key goes away
 * @key: from acrypto_key_alloc(), or NULL
 *
 * Takes no lock and never sleeps, so that a transform may be freed from
 * memory reclaim: the key is released from its devices and freed later by
 * a worker.  No session of @key may be in flight.
 *
 * Context: any.
 */
void acrypto_key_free(struct acrypto_key *key)
{
	if (!key)
		return;
	if (llist_add(&key->free_node, &acrypto_keys_dead))
		queue_delayed_work(acrypto_wq, &acrypto_key_reap_work,
				   ACRYPTO_KEY_REAP_DELAY);
}
EXPORT_SYMBOL_GPL(acrypto_key_free);

/**
 * acrypto_key_sole_slow() - acrypto_key_sole() when the cache is stale
 * @key: the key of the session being placed
 * @gen: the current device generation, masked by ACRYPTO_SOLE_GEN_MASK
 *
 * Caller is in an RCU read-side critical section.
 *
 * Return: the device, or NULL when none or several devices can serve @key.
 */
struct acrypto_device *acrypto_key_sole_slow(struct acrypto_key *key,
					     unsigned long gen)
{
	struct acrypto_device *dev, *sole = NULL;
	unsigned int n = 0;
	unsigned long c;

	acrypto_for_each_device(dev) {
		if (!acrypto_device_usable(dev) ||
		    !test_bit(dev->index, &key->ready) ||
		    !acrypto_device_cap(dev, key->alg, key->mode))
			continue;
		sole = dev;
		if (++n > 1)
			break;
	}
	c = gen << ACRYPTO_SOLE_SHIFT;
	if (n == 1)
		c |= sole->index + 1;
	WRITE_ONCE(key->sole, c);
	return n == 1 ? sole : NULL;
}

/* How long a dominant device is taken as such before a look again. */
#define ACRYPTO_DOM_TTL	(HZ / 20)

/**
 * acrypto_key_dominant() - a synchronous device no other can beat
 * @key: the key of a one-step request
 * @op: its enum acrypto_op
 * @mode: its enum acrypto_mode
 * @len: its bytes
 *
 * When a usable device of the key that the engine can run directly
 * (%ACRYPTO_DEV_SW_DIRECT, the CPU) has a measured cost for a step of this
 * size below every other capable device's measured cost, it is the
 * earliest expected completion whatever the other devices hold: the
 * default balancer would choose it.  The answer is cached in the key per
 * size class for ACRYPTO_DOM_TTL, with the device generation; a device
 * whose cost is not fresh (not measured for cost_stale_ms) makes the
 * answer "none", so that the balancer runs and measures it again.
 *
 * Caller is in an RCU read-side critical section (rcu_read_lock(), or
 * preemption disabled: acrypto_skcipher_direct()).
 *
 * Return: the device, or NULL.
 */
struct acrypto_device *acrypto_key_dominant(struct acrypto_key *key, u8 op,
					    u16 mode, unsigned int len)
{
	unsigned int c = acrypto_cost_class_of(len), best_idx = 0;
	unsigned long gen = acrypto_device_gen() & ACRYPTO_SOLE_GEN_MASK;
	unsigned long d = READ_ONCE(key->dom[c]), now = jiffies;
	u64 best = 0, other = U64_MAX, cost;
	struct acrypto_device *dev;

	if ((d >> ACRYPTO_SOLE_SHIFT) == gen &&
	    time_before(now, READ_ONCE(key->dom_until[c])))
		goto found;

	d = gen << ACRYPTO_SOLE_SHIFT;
	if (!acrypto_lb_is_default())
		goto store;
	acrypto_for_each_device(dev) {
		const struct acrypto_cap *cap;

		if (!acrypto_device_usable(dev) ||
		    !test_bit(dev->index, &key->ready))
			continue;
		cap = acrypto_device_cap(dev, key->alg, mode);
		if (!cap || !acrypto_cap_serves(cap, op) ||
		    (cap->max_len && len > cap->max_len))
			continue;
		if (!acrypto_cost_fresh(dev, key->alg, mode, len))
			goto store;		/* the balancer measures it */
		cost = acrypto_device_step_cost_ns(dev, key->alg, mode, len);
		if ((dev->flags & ACRYPTO_DEV_SW_DIRECT) &&
		    (!best || cost < best)) {
			if (best)
				other = min(other, best);
			best = cost;
			best_idx = dev->index + 1;
		} else {
			other = min(other, cost);
		}
	}
	if (best && best < other)
		d |= best_idx;
store:
	WRITE_ONCE(key->dom_until[c], now + ACRYPTO_DOM_TTL);
	WRITE_ONCE(key->dom[c], d);
found:
	d &= BIT(ACRYPTO_SOLE_SHIFT) - 1;
	return d ? READ_ONCE(acrypto_dev_slot[d - 1]) : NULL;
}

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

/* At module exit: every transform is gone, let their keys go too. */
void acrypto_keys_uninit(void)
{
	flush_delayed_work(&acrypto_key_reap_work);
	WARN_ON(!list_empty(&acrypto_keys));
}

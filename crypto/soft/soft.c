// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_soft: the software crypto device.
 *
 * A synchronous acrypto device that computes on the CPU that submits the
 * request, with the fastest synchronous implementation the kernel has for
 * each mode (the engine's acrypto_sw helpers): the internal AES-NI
 * algorithms (__cbc-aes-aesni, __generic-gcm-aesni and friends) when
 * present, else the generic templates; the kernel's shash for hashes.
 * Each key gets its own implementation at key_prepare, so a request finds
 * it in the key's per-device state without a search.
 *
 * SIMD code may not run in every context.  Like the kernel's SIMD helper,
 * the device computes at once when crypto_simd_usable() and otherwise
 * defers the request to a per-CPU worker, which completes it in BH context.
 * (The hashes check for SIMD themselves and never need the worker.)
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/simd.h>
#include <crypto/internal/acrypto.h>
#include <crypto/aes.h>
#include <crypto/internal/simd.h>
#include <crypto/sha2.h>
#include <linux/llist.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

static unsigned int qlen = 128;
module_param(qlen, uint, 0444);
MODULE_PARM_DESC(qlen, "Queue length advertised per capability, and most requests deferred to the workers at once (default 128)");

/* One algorithm and mode the device serves. */
struct soft_mode {
	const char *name;
	u16 alg;
	u16 mode;
	u32 ops;
	u16 min_keysize;
	u16 max_keysize;
	bool simd_able;		/* an internal SIMD implementation may exist */
};

#define SOFT_CIPHER_OPS	(BIT(ACRYPTO_OP_ENCRYPT) | BIT(ACRYPTO_OP_DECRYPT))
#define SOFT_HASH_OPS	(BIT(ACRYPTO_OP_HASH_UPDATE) | BIT(ACRYPTO_OP_HASH_FINAL))
/* The front end hashes longer HMAC keys, as HMAC does (RFC 2104). */
#define SOFT_HMAC_MAX_KEYSIZE	SHA256_BLOCK_SIZE

#define SOFT_AES(_name, _mode, _min, _max)				\
	{ _name, ACRYPTO_ALG_AES, ACRYPTO_MODE_##_mode, SOFT_CIPHER_OPS,	\
	  _min, _max, true }
#define SOFT_HASH(_name, _alg, _mode, _max)				\
	{ _name, ACRYPTO_ALG_##_alg, ACRYPTO_MODE_##_mode, SOFT_HASH_OPS,	\
	  0, _max, false }

static const struct soft_mode soft_modes[] = {
	SOFT_AES("ecb(aes)", ECB, AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE),
	SOFT_AES("cbc(aes)", CBC, AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE),
	SOFT_AES("ctr(aes)", CTR, AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE),
	SOFT_AES("xts(aes)", XTS, 2 * AES_MIN_KEY_SIZE, 2 * AES_MAX_KEY_SIZE),
	SOFT_AES("gcm(aes)", GCM, AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE),
	SOFT_AES("rfc4106(gcm(aes))", RFC4106, AES_MIN_KEY_SIZE + 4,
		 AES_MAX_KEY_SIZE + 4),
	SOFT_HASH("sha1", SHA1, HASH, 0),
	SOFT_HASH("sha256", SHA256, HASH, 0),
	SOFT_HASH("hmac(sha1)", SHA1, HMAC, SOFT_HMAC_MAX_KEYSIZE),
	SOFT_HASH("hmac(sha256)", SHA256, HMAC, SOFT_HMAC_MAX_KEYSIZE),
};

#define SOFT_NUM_MODES	ARRAY_SIZE(soft_modes)

/* Per-request private area, in the acrypto session. */
struct soft_request {
	struct llist_node node;
	struct acrypto_session *s;
	/* the implementation's sub-request and its context */
	u8 sub[] __aligned(CRYPTO_MINALIGN);
};

struct soft_cpu {
	struct llist_head list;
	struct work_struct work;
	struct acrypto_device *dev;
};

struct soft_device {
	struct acrypto_cap caps[SOFT_NUM_MODES];
	struct soft_cpu __percpu *cpus;
	unsigned int sub_reqsize;	/* largest sub-request probed */
	spinlock_t lock;	/* deferral path only */
	unsigned int deferred;	/* under @lock: requests with the workers */
	bool blocked;		/* under @lock: we returned -ENOSPC */
};

static struct acrypto_device *soft_dev;

static struct soft_device *soft_priv(struct acrypto_device *dev)
{
	return acrypto_device_priv(dev);
}

static int soft_key_prepare(struct acrypto_device *dev, struct acrypto_key *key)
{
	struct acrypto_sw *sw;
	int err;

	sw = kzalloc(sizeof(*sw), GFP_KERNEL);
	if (!sw)
		return -ENOMEM;
	err = acrypto_sw_alloc(sw, key->alg, key->mode, true);
	if (err)
		goto err_free;
	/* A better implementation registered since the probe may want more. */
	err = -EOVERFLOW;
	if (sw->reqsize > soft_priv(dev)->sub_reqsize)
		goto err_free_sw;
	err = acrypto_sw_setkey(sw, key);
	if (err)
		goto err_free_sw;
	acrypto_key_set_devpriv(key, dev, sw);
	return 0;

err_free_sw:
	acrypto_sw_free(sw);
err_free:
	kfree(sw);
	return err;
}

static void soft_key_release(struct acrypto_device *dev,
			     struct acrypto_key *key)
{
	struct acrypto_sw *sw = acrypto_key_devpriv(key, dev);

	acrypto_sw_free(sw);
	kfree(sw);
}

static int soft_crypt(struct acrypto_device *dev, struct acrypto_session *s)
{
	struct soft_request *r = acrypto_session_priv(s);

	return acrypto_sw_crypt(acrypto_session_devpriv(s, dev), s, r->sub);
}

/* Worker for requests that arrived where SIMD could not be used. */
static void soft_cpu_worker(struct work_struct *work)
{
	struct soft_cpu *sc = container_of(work, struct soft_cpu, work);
	struct acrypto_device *dev = sc->dev;
	struct soft_device *soft = soft_priv(dev);
	struct soft_request *r, *tmp;
	struct llist_node *batch;
	unsigned int n = 0;
	bool blocked;

	batch = llist_reverse_order(llist_del_all(&sc->list));
	llist_for_each_entry_safe(r, tmp, batch, node) {
		struct acrypto_session *s = r->s;
		int err = soft_crypt(dev, s);

		local_bh_disable();
		acrypto_session_complete(s, err);
		local_bh_enable();
		n++;
		cond_resched();
	}

	spin_lock_bh(&soft->lock);
	soft->deferred -= n;
	blocked = soft->blocked;
	soft->blocked = false;
	spin_unlock_bh(&soft->lock);

	if (blocked)
		acrypto_device_unblock(dev);
}

static int soft_defer(struct acrypto_device *dev, struct acrypto_session *s)
{
	struct soft_device *soft = soft_priv(dev);
	struct soft_request *r = acrypto_session_priv(s);
	struct soft_cpu *sc;

	spin_lock_bh(&soft->lock);
	if (soft->deferred >= qlen) {
		soft->blocked = true;
		spin_unlock_bh(&soft->lock);
		return -ENOSPC;
	}
	soft->deferred++;
	spin_unlock_bh(&soft->lock);

	r->s = s;
	sc = get_cpu_ptr(soft->cpus);
	if (llist_add(&r->node, &sc->list))
		queue_work_on(smp_processor_id(), system_highpri_wq, &sc->work);
	put_cpu_ptr(soft->cpus);
	return -EINPROGRESS;
}

/* The engine's fast path: compute now, unless SIMD cannot be used here. */
static int soft_process_sync(struct acrypto_device *dev,
			     struct acrypto_session *s)
{
	const struct acrypto_sw *sw = acrypto_session_devpriv(s, dev);

	if (sw->simd && !crypto_simd_usable())
		return ACRYPTO_PROCESS_DEFER;
	return soft_crypt(dev, s);
}

/*
 * Called when the engine queued the session: a backlog, or after
 * ->process_sync() said it cannot compute here.  Defer when SIMD cannot
 * be used, without trying to compute first.
 */
static int soft_process(struct acrypto_device *dev, struct acrypto_session *s)
{
	const struct acrypto_sw *sw = acrypto_session_devpriv(s, dev);

	if (sw->simd && !crypto_simd_usable())
		return soft_defer(dev, s);
	return soft_crypt(dev, s);
}

static const struct acrypto_device_ops soft_ops = {
	.process = soft_process,
	.process_sync = soft_process_sync,
	.key_prepare = soft_key_prepare,
	.key_release = soft_key_release,
};

static int __init soft_init(void)
{
	unsigned int i, ncaps = 0, naccel = 0, nsimd_able = 0;
	struct acrypto_device *dev;
	struct soft_device *soft;
	int cpu, err;

	if (!qlen) {
		pr_err("qlen must be at least 1\n");
		return -EINVAL;
	}

	dev = acrypto_device_alloc(sizeof(*soft));
	if (!dev)
		return -ENOMEM;
	soft = soft_priv(dev);

	for (i = 0; i < SOFT_NUM_MODES; i++) {
		const struct soft_mode *m = &soft_modes[i];
		struct acrypto_cap *cap;
		struct acrypto_sw sw;

		err = acrypto_sw_alloc(&sw, m->alg, m->mode, true);
		if (err) {
			/* Serve what the kernel has; say what is missing. */
			pr_warn("no implementation of %s: %d\n",
				m->name, err);
			continue;
		}
		pr_info("%s by %s\n", m->name,
			acrypto_sw_driver_name(&sw));
		soft->sub_reqsize = max(soft->sub_reqsize, sw.reqsize);
		if (m->simd_able) {
			nsimd_able++;
			naccel += sw.simd;
		}
		acrypto_sw_free(&sw);

		cap = &soft->caps[ncaps++];
		cap->ops = m->ops;
		cap->alg = m->alg;
		cap->mode = m->mode;
		cap->min_keysize = m->min_keysize;
		cap->max_keysize = m->max_keysize;
		cap->qlen = qlen;
	}
	if (!ncaps) {
		err = -ENOENT;
		goto err_free_dev;
	}

	spin_lock_init(&soft->lock);
	soft->cpus = alloc_percpu(struct soft_cpu);
	if (!soft->cpus) {
		err = -ENOMEM;
		goto err_free_dev;
	}
	for_each_possible_cpu(cpu) {
		struct soft_cpu *sc = per_cpu_ptr(soft->cpus, cpu);

		init_llist_head(&sc->list);
		INIT_WORK(&sc->work, soft_cpu_worker);
		sc->dev = dev;
	}

	strscpy(dev->name, "soft", sizeof(dev->name));
	dev->class = nsimd_able && naccel == nsimd_able ?
		     ACRYPTO_CLASS_ACCEL : ACRYPTO_CLASS_SOFTWARE;
	dev->flags = ACRYPTO_DEV_SYNC | ACRYPTO_DEV_SW_DIRECT;
	dev->caps = soft->caps;
	dev->num_caps = ncaps;
	dev->ops = &soft_ops;
	dev->reqsize = sizeof(struct soft_request) + soft->sub_reqsize;
	dev->owner = THIS_MODULE;

	err = acrypto_device_register(dev);
	if (err)
		goto err_free_cpus;
	soft_dev = dev;
	return 0;

err_free_cpus:
	free_percpu(soft->cpus);
err_free_dev:
	acrypto_device_free(dev);
	return err;
}

static void __exit soft_exit(void)
{
	struct soft_device *soft = soft_priv(soft_dev);
	int cpu;

	/* Waits for every session, the deferred ones included. */
	acrypto_device_unregister(soft_dev);
	for_each_possible_cpu(cpu)
		flush_work(&per_cpu_ptr(soft->cpus, cpu)->work);
	free_percpu(soft->cpus);
	acrypto_device_free(soft_dev);
}

module_init(soft_init);
module_exit(soft_exit);

#ifdef CONFIG_X86
MODULE_SOFTDEP("pre: aesni_intel sha256_ssse3 sha1_ssse3");
#endif
MODULE_AUTHOR("The acrypto authors");
MODULE_DESCRIPTION("acrypto software crypto device (CPU, AES-NI where present)");
MODULE_LICENSE("GPL");

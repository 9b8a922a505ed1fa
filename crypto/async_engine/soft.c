// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_soft: the software crypto device.
 *
 * A synchronous acrypto device that computes on the CPU that submits the
 * request, with the fastest synchronous implementation the kernel has for
 * each mode: the internal AES-NI skciphers (__cbc-aes-aesni and friends)
 * when present, else the generic templates.  Asking only for synchronous
 * implementations (mask CRYPTO_ALG_ASYNC) keeps it from recursing into the
 * engine's own asynchronous algorithms.
 *
 * SIMD code may not run in every context.  Like the kernel's SIMD helper,
 * the device computes at once when crypto_simd_usable() and otherwise
 * defers the request to a per-CPU worker, which completes it in BH context.
 */

#include <asm/simd.h>
#include <crypto/acrypto.h>
#include <crypto/aes.h>
#include <crypto/internal/simd.h>
#include <crypto/skcipher.h>
#include <linux/llist.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/workqueue.h>

static unsigned int qlen = 128;
module_param(qlen, uint, 0444);
MODULE_PARM_DESC(qlen, "Queue length advertised per capability, and most requests deferred to the workers at once (default 128)");

/* How the device computes one mode. */
struct soft_impl {
	const char *simd_name;	/* internal SIMD skcipher, needs SIMD */
	const char *sync_name;	/* any synchronous implementation */
	bool simd;		/* the SIMD one was found */
	unsigned int reqsize;	/* of the implementation's requests */
	char driver[CRYPTO_MAX_ALG_NAME];
};

/* Per-request private area, in the acrypto session. */
struct soft_request {
	struct llist_node node;
	struct acrypto_session *s;
	struct skcipher_request sub;	/* must be last: its context follows */
};

struct soft_cpu {
	struct llist_head list;
	struct work_struct work;
	struct acrypto_device *dev;
};

struct soft_device {
	struct soft_impl impl[__ACRYPTO_MODE_MAX];
	struct acrypto_cap caps[__ACRYPTO_MODE_MAX];
	struct soft_cpu __percpu *cpus;
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
	struct soft_impl *impl = &soft_priv(dev)->impl[key->mode];
	struct crypto_skcipher *tfm;
	int err;

	if (impl->simd)
		tfm = crypto_alloc_skcipher(impl->simd_name, CRYPTO_ALG_INTERNAL,
					    CRYPTO_ALG_INTERNAL |
					    CRYPTO_ALG_ASYNC);
	else
		tfm = crypto_alloc_skcipher(impl->sync_name, 0,
					    CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);

	crypto_skcipher_set_flags(tfm, key->flags & CRYPTO_TFM_REQ_MASK);
	err = crypto_skcipher_setkey(tfm, key->data, key->keylen);
	if (err) {
		crypto_free_skcipher(tfm);
		return err;
	}
	key->devpriv[dev->index] = tfm;
	return 0;
}

static void soft_key_release(struct acrypto_device *dev,
			     struct acrypto_key *key)
{
	crypto_free_skcipher(key->devpriv[dev->index]);
}

static int soft_crypt(struct acrypto_device *dev, struct acrypto_session *s)
{
	struct soft_request *r = acrypto_session_priv(s);

	skcipher_request_set_tfm(&r->sub, acrypto_session_devpriv(s, dev));
	skcipher_request_set_callback(&r->sub, 0, NULL, NULL);
	skcipher_request_set_crypt(&r->sub, s->src, s->dst, s->len, s->iv);

	if (acrypto_session_op(s) == ACRYPTO_OP_ENCRYPT)
		return crypto_skcipher_encrypt(&r->sub);
	return crypto_skcipher_decrypt(&r->sub);
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

static int soft_process(struct acrypto_device *dev, struct acrypto_session *s)
{
	struct soft_device *soft = soft_priv(dev);

	if (soft->impl[acrypto_session_mode(s)].simd && !crypto_simd_usable())
		return soft_defer(dev, s);
	return soft_crypt(dev, s);
}

static const struct acrypto_device_ops soft_ops = {
	.process = soft_process,
	.key_prepare = soft_key_prepare,
	.key_release = soft_key_release,
};

/* Find the implementation of one mode and the request size it needs. */
static int soft_probe_impl(struct soft_impl *impl)
{
	struct crypto_skcipher *tfm;

	tfm = crypto_alloc_skcipher(impl->simd_name, CRYPTO_ALG_INTERNAL,
				    CRYPTO_ALG_INTERNAL | CRYPTO_ALG_ASYNC);
	impl->simd = !IS_ERR(tfm);
	if (!impl->simd)
		tfm = crypto_alloc_skcipher(impl->sync_name, 0,
					    CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);

	impl->reqsize = crypto_skcipher_reqsize(tfm);
	strscpy(impl->driver, crypto_tfm_alg_driver_name(crypto_skcipher_tfm(tfm)),
		sizeof(impl->driver));
	crypto_free_skcipher(tfm);
	return 0;
}

static const struct {
	u16 mode;
	const char *simd_name;
	const char *sync_name;
	u16 min_keysize;
	u16 max_keysize;
} soft_modes[] = {
	{ ACRYPTO_MODE_ECB, "__ecb(aes)", "ecb(aes)",
	  AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE },
	{ ACRYPTO_MODE_CBC, "__cbc(aes)", "cbc(aes)",
	  AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE },
	{ ACRYPTO_MODE_CTR, "__ctr(aes)", "ctr(aes)",
	  AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE },
	{ ACRYPTO_MODE_XTS, "__xts(aes)", "xts(aes)",
	  2 * AES_MIN_KEY_SIZE, 2 * AES_MAX_KEY_SIZE },
};

static int __init soft_init(void)
{
	struct acrypto_device *dev;
	struct soft_device *soft;
	unsigned int i, reqsize = 0, nsimd = 0;
	int cpu, err;

	if (!qlen) {
		pr_err("acrypto_soft: qlen must be at least 1\n");
		return -EINVAL;
	}

	dev = acrypto_device_alloc(sizeof(*soft));
	if (!dev)
		return -ENOMEM;
	soft = soft_priv(dev);

	for (i = 0; i < ARRAY_SIZE(soft_modes); i++) {
		struct soft_impl *impl = &soft->impl[soft_modes[i].mode];
		struct acrypto_cap *cap = &soft->caps[i];

		impl->simd_name = soft_modes[i].simd_name;
		impl->sync_name = soft_modes[i].sync_name;
		err = soft_probe_impl(impl);
		if (err) {
			pr_err("acrypto_soft: no implementation of %s: %d\n",
			       impl->sync_name, err);
			goto err_free_dev;
		}
		pr_info("acrypto_soft: %s by %s\n", impl->sync_name,
			impl->driver);
		reqsize = max(reqsize, impl->reqsize);
		nsimd += impl->simd;

		cap->ops = BIT(ACRYPTO_OP_ENCRYPT) | BIT(ACRYPTO_OP_DECRYPT);
		cap->alg = ACRYPTO_ALG_AES;
		cap->mode = soft_modes[i].mode;
		cap->min_keysize = soft_modes[i].min_keysize;
		cap->max_keysize = soft_modes[i].max_keysize;
		cap->qlen = qlen;
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
	dev->class = nsimd == ARRAY_SIZE(soft_modes) ? ACRYPTO_CLASS_ACCEL :
						       ACRYPTO_CLASS_SOFTWARE;
	dev->flags = ACRYPTO_DEV_SYNC;
	dev->caps = soft->caps;
	dev->num_caps = ARRAY_SIZE(soft_modes);
	dev->ops = &soft_ops;
	dev->reqsize = sizeof(struct soft_request) + reqsize;
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
MODULE_SOFTDEP("pre: aesni_intel");
#endif
MODULE_AUTHOR("The acrypto authors");
MODULE_DESCRIPTION("acrypto software crypto device (CPU, AES-NI where present)");
MODULE_LICENSE("GPL");

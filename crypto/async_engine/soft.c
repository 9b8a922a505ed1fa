// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_soft: the software crypto device.
 *
 * A synchronous acrypto device that computes on the CPU that submits the
 * request, with the fastest synchronous implementation the kernel has for
 * each mode: the internal AES-NI algorithms (__cbc-aes-aesni,
 * __generic-gcm-aesni and friends) when present, else the generic
 * templates; the kernel's shash for hashes.  Asking only for synchronous
 * implementations (mask CRYPTO_ALG_ASYNC) keeps it from recursing into the
 * engine's own asynchronous algorithms.
 *
 * SIMD code may not run in every context.  Like the kernel's SIMD helper,
 * the device computes at once when crypto_simd_usable() and otherwise
 * defers the request to a per-CPU worker, which completes it in BH context.
 * (The hashes check for SIMD themselves and never need the worker.)
 */

#include <asm/simd.h>
#include <crypto/acrypto.h>
#include <crypto/aead.h>
#include <crypto/aes.h>
#include <crypto/hash.h>
#include <crypto/internal/simd.h>
#include <crypto/sha2.h>
#include <crypto/skcipher.h>
#include <linux/llist.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/workqueue.h>

static unsigned int qlen = 128;
module_param(qlen, uint, 0444);
MODULE_PARM_DESC(qlen, "Queue length advertised per capability, and most requests deferred to the workers at once (default 128)");

enum soft_type {
	SOFT_SKCIPHER,
	SOFT_AEAD,
	SOFT_AHASH,
};

/* One algorithm and mode the device serves. */
struct soft_mode {
	u16 alg;
	u16 mode;
	enum soft_type type;
	const char *simd_name;	/* internal SIMD implementation, or NULL */
	const char *sync_name;	/* any synchronous implementation */
	u16 min_keysize;
	u16 max_keysize;
};

#define SOFT_CIPHER_OPS	(BIT(ACRYPTO_OP_ENCRYPT) | BIT(ACRYPTO_OP_DECRYPT))
#define SOFT_HASH_OPS	(BIT(ACRYPTO_OP_HASH_UPDATE) | BIT(ACRYPTO_OP_HASH_FINAL))
/* The front end hashes longer HMAC keys, as HMAC does (RFC 2104). */
#define SOFT_HMAC_MAX_KEYSIZE	SHA256_BLOCK_SIZE

static const struct soft_mode soft_modes[] = {
	{ ACRYPTO_ALG_AES, ACRYPTO_MODE_ECB, SOFT_SKCIPHER,
	  "__ecb(aes)", "ecb(aes)", AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE },
	{ ACRYPTO_ALG_AES, ACRYPTO_MODE_CBC, SOFT_SKCIPHER,
	  "__cbc(aes)", "cbc(aes)", AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE },
	{ ACRYPTO_ALG_AES, ACRYPTO_MODE_CTR, SOFT_SKCIPHER,
	  "__ctr(aes)", "ctr(aes)", AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE },
	{ ACRYPTO_ALG_AES, ACRYPTO_MODE_XTS, SOFT_SKCIPHER,
	  "__xts(aes)", "xts(aes)", 2 * AES_MIN_KEY_SIZE, 2 * AES_MAX_KEY_SIZE },
	{ ACRYPTO_ALG_AES, ACRYPTO_MODE_GCM, SOFT_AEAD,
	  "__gcm(aes)", "gcm(aes)", AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE },
	{ ACRYPTO_ALG_AES, ACRYPTO_MODE_RFC4106, SOFT_AEAD,
	  "__rfc4106(gcm(aes))", "rfc4106(gcm(aes))",
	  AES_MIN_KEY_SIZE + 4, AES_MAX_KEY_SIZE + 4 },
	{ ACRYPTO_ALG_SHA1, ACRYPTO_MODE_HASH, SOFT_AHASH,
	  NULL, "sha1", 0, 0 },
	{ ACRYPTO_ALG_SHA256, ACRYPTO_MODE_HASH, SOFT_AHASH,
	  NULL, "sha256", 0, 0 },
	{ ACRYPTO_ALG_SHA1, ACRYPTO_MODE_HMAC, SOFT_AHASH,
	  NULL, "hmac(sha1)", 0, SOFT_HMAC_MAX_KEYSIZE },
	{ ACRYPTO_ALG_SHA256, ACRYPTO_MODE_HMAC, SOFT_AHASH,
	  NULL, "hmac(sha256)", 0, SOFT_HMAC_MAX_KEYSIZE },
};

#define SOFT_NUM_MODES	ARRAY_SIZE(soft_modes)

/* How the device computes one mode, found at load time. */
struct soft_impl {
	const struct soft_mode *mode;
	bool simd;		/* the internal SIMD implementation is used */
	unsigned int reqsize;	/* sub-request plus its context */
	char driver[CRYPTO_MAX_ALG_NAME];
};

/* Per-request private area, in the acrypto session. */
struct soft_request {
	struct llist_node node;
	struct acrypto_session *s;
	/* skcipher_request, aead_request or ahash_request and its context */
	u8 sub[] __aligned(CRYPTO_MINALIGN);
};

struct soft_cpu {
	struct llist_head list;
	struct work_struct work;
	struct acrypto_device *dev;
};

struct soft_device {
	struct soft_impl impl[SOFT_NUM_MODES];
	struct acrypto_cap caps[SOFT_NUM_MODES];
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

static struct soft_impl *soft_find(struct acrypto_device *dev, u16 alg,
				   u16 mode)
{
	struct soft_device *soft = soft_priv(dev);
	unsigned int i;

	for (i = 0; i < SOFT_NUM_MODES; i++)
		if (soft->impl[i].mode->alg == alg &&
		    soft->impl[i].mode->mode == mode)
			return &soft->impl[i];
	return NULL;
}

/* Allocate the implementation of @impl: a transform of the right type. */
static void *soft_alloc_tfm(const struct soft_impl *impl)
{
	const struct soft_mode *m = impl->mode;
	const char *name = impl->simd ? m->simd_name : m->sync_name;
	u32 type = impl->simd ? CRYPTO_ALG_INTERNAL : 0;
	u32 mask = type | CRYPTO_ALG_ASYNC;

	switch (m->type) {
	case SOFT_SKCIPHER:
		return crypto_alloc_skcipher(name, type, mask);
	case SOFT_AEAD:
		return crypto_alloc_aead(name, type, mask);
	case SOFT_AHASH:
		return crypto_alloc_ahash(name, type, mask);
	}
	return ERR_PTR(-EINVAL);
}

static void soft_free_tfm(const struct soft_impl *impl, void *tfm)
{
	switch (impl->mode->type) {
	case SOFT_SKCIPHER:
		crypto_free_skcipher(tfm);
		break;
	case SOFT_AEAD:
		crypto_free_aead(tfm);
		break;
	case SOFT_AHASH:
		crypto_free_ahash(tfm);
		break;
	}
}

static int soft_key_prepare(struct acrypto_device *dev, struct acrypto_key *key)
{
	struct soft_impl *impl = soft_find(dev, key->alg, key->mode);
	u32 flags = key->flags & CRYPTO_TFM_REQ_MASK;
	void *tfm;
	int err = 0;

	if (!impl)
		return -EOPNOTSUPP;
	tfm = soft_alloc_tfm(impl);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);

	switch (impl->mode->type) {
	case SOFT_SKCIPHER:
		crypto_skcipher_set_flags(tfm, flags);
		err = crypto_skcipher_setkey(tfm, key->data, key->keylen);
		break;
	case SOFT_AEAD:
		crypto_aead_set_flags(tfm, flags);
		err = crypto_aead_setkey(tfm, key->data, key->keylen);
		if (!err && key->authsize)
			err = crypto_aead_setauthsize(tfm, key->authsize);
		break;
	case SOFT_AHASH:
		if (impl->mode->mode == ACRYPTO_MODE_HMAC) {
			crypto_ahash_set_flags(tfm, flags);
			err = crypto_ahash_setkey(tfm, key->data, key->keylen);
		}
		break;
	}
	if (err) {
		soft_free_tfm(impl, tfm);
		return err;
	}
	key->devpriv[dev->index] = tfm;
	return 0;
}

static void soft_key_release(struct acrypto_device *dev,
			     struct acrypto_key *key)
{
	soft_free_tfm(soft_find(dev, key->alg, key->mode),
		      key->devpriv[dev->index]);
}

static int soft_skcipher(struct acrypto_session *s, void *tfm, void *sub)
{
	struct skcipher_request *req = sub;

	skcipher_request_set_tfm(req, tfm);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, s->src, s->dst, s->len, s->iv);
	if (acrypto_session_op(s) == ACRYPTO_OP_ENCRYPT)
		return crypto_skcipher_encrypt(req);
	return crypto_skcipher_decrypt(req);
}

static int soft_aead(struct acrypto_session *s, void *tfm, void *sub)
{
	struct aead_request *req = sub;

	aead_request_set_tfm(req, tfm);
	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_crypt(req, s->src, s->dst, s->len, s->iv);
	aead_request_set_ad(req, s->assoclen);
	if (acrypto_session_op(s) == ACRYPTO_OP_ENCRYPT)
		return crypto_aead_encrypt(req);
	return crypto_aead_decrypt(req);
}

static int soft_ahash(struct acrypto_session *s, void *tfm, void *sub)
{
	struct ahash_request *req = sub;
	int err;

	ahash_request_set_tfm(req, tfm);
	ahash_request_set_callback(req, 0, NULL, NULL);
	err = crypto_ahash_import(req, s->hstate);
	if (err)
		return err;

	if (acrypto_session_op(s) == ACRYPTO_OP_HASH_UPDATE) {
		ahash_request_set_crypt(req, s->src, NULL, s->len);
		return crypto_ahash_update(req) ?:
		       crypto_ahash_export(req, s->hstate);
	}
	ahash_request_set_crypt(req, s->src, s->result, s->len);
	return crypto_ahash_finup(req);
}

static int soft_crypt(struct acrypto_device *dev, struct acrypto_session *s,
		      const struct soft_impl *impl)
{
	struct soft_request *r = acrypto_session_priv(s);
	void *tfm = acrypto_session_devpriv(s, dev);

	switch (impl->mode->type) {
	case SOFT_SKCIPHER:
		return soft_skcipher(s, tfm, r->sub);
	case SOFT_AEAD:
		return soft_aead(s, tfm, r->sub);
	case SOFT_AHASH:
		return soft_ahash(s, tfm, r->sub);
	}
	return -EINVAL;
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
		const struct soft_impl *impl = soft_find(dev, s->key->alg,
							 s->key->mode);
		int err = soft_crypt(dev, s, impl);

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
	const struct soft_impl *impl = soft_find(dev, s->key->alg,
						 s->key->mode);

	if (impl->simd && !crypto_simd_usable())
		return ACRYPTO_PROCESS_DEFER;
	return soft_crypt(dev, s, impl);
}

/* The same, with a worker for when SIMD cannot be used here. */
static int soft_process(struct acrypto_device *dev, struct acrypto_session *s)
{
	int err = soft_process_sync(dev, s);

	return err == ACRYPTO_PROCESS_DEFER ? soft_defer(dev, s) : err;
}

static const struct acrypto_device_ops soft_ops = {
	.process = soft_process,
	.process_sync = soft_process_sync,
	.key_prepare = soft_key_prepare,
	.key_release = soft_key_release,
};

/* Size of a sub-request of @tfm and its context. */
static unsigned int soft_sub_reqsize(const struct soft_impl *impl, void *tfm)
{
	switch (impl->mode->type) {
	case SOFT_SKCIPHER:
		return sizeof(struct skcipher_request) +
		       crypto_skcipher_reqsize(tfm);
	case SOFT_AEAD:
		return sizeof(struct aead_request) + crypto_aead_reqsize(tfm);
	case SOFT_AHASH:
		return sizeof(struct ahash_request) +
		       crypto_ahash_reqsize(tfm);
	}
	return 0;
}

/* Find the implementation of one mode and the request size it needs. */
static int soft_probe_impl(struct soft_impl *impl)
{
	void *tfm = ERR_PTR(-ENOENT);

	if (impl->mode->simd_name) {
		impl->simd = true;
		tfm = soft_alloc_tfm(impl);
	}
	if (IS_ERR(tfm)) {
		impl->simd = false;
		tfm = soft_alloc_tfm(impl);
	}
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);

	impl->reqsize = soft_sub_reqsize(impl, tfm);
	switch (impl->mode->type) {
	case SOFT_SKCIPHER:
		strscpy(impl->driver, crypto_skcipher_driver_name(tfm),
			sizeof(impl->driver));
		break;
	case SOFT_AEAD:
		strscpy(impl->driver, crypto_aead_driver_name(tfm),
			sizeof(impl->driver));
		break;
	case SOFT_AHASH:
		strscpy(impl->driver, crypto_ahash_driver_name(tfm),
			sizeof(impl->driver));
		break;
	}
	soft_free_tfm(impl, tfm);
	return 0;
}

static int __init soft_init(void)
{
	unsigned int i, reqsize = 0, ncaps = 0, naccel = 0, nsimd_able = 0;
	struct acrypto_device *dev;
	struct soft_device *soft;
	int cpu, err;

	if (!qlen) {
		pr_err("acrypto_soft: qlen must be at least 1\n");
		return -EINVAL;
	}

	dev = acrypto_device_alloc(sizeof(*soft));
	if (!dev)
		return -ENOMEM;
	soft = soft_priv(dev);

	for (i = 0; i < SOFT_NUM_MODES; i++) {
		const struct soft_mode *m = &soft_modes[i];
		struct soft_impl *impl = &soft->impl[i];
		struct acrypto_cap *cap;

		impl->mode = m;
		err = soft_probe_impl(impl);
		if (err) {
			/* Serve what the kernel has; say what is missing. */
			pr_warn("acrypto_soft: no implementation of %s: %d\n",
				m->sync_name, err);
			continue;
		}
		pr_info("acrypto_soft: %s by %s\n", m->sync_name,
			impl->driver);
		reqsize = max(reqsize, impl->reqsize);
		if (m->simd_name) {
			nsimd_able++;
			naccel += impl->simd;
		}

		cap = &soft->caps[ncaps++];
		cap->ops = m->type == SOFT_AHASH ? SOFT_HASH_OPS :
						   SOFT_CIPHER_OPS;
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
	dev->flags = ACRYPTO_DEV_SYNC;
	dev->caps = soft->caps;
	dev->num_caps = ncaps;
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
MODULE_SOFTDEP("pre: aesni_intel sha256_ssse3 sha1_ssse3");
#endif
MODULE_AUTHOR("The acrypto authors");
MODULE_DESCRIPTION("acrypto software crypto device (CPU, AES-NI where present)");
MODULE_LICENSE("GPL");

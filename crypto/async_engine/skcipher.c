// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: skcipher front end - AES in ECB, CBC, CTR and XTS.
 *
 * Each algorithm is an asynchronous skcipher whose requests become acrypto
 * sessions.  The session lives in the request context together with the
 * private area of whichever device processes it (reqsize), so the request
 * path never allocates and dm-crypt may use these algorithms.
 */

#include <crypto/aes.h>
#include <crypto/internal/skcipher.h>
#include <crypto/xts.h>
#include <linux/atomic.h>
#include <linux/module.h>

#include "internal.h"

/* Per-transform context. */
struct acrypto_skcipher_ctx {
	struct acrypto_key key;
};

/* Per-request context: the session and, after it, the device's area. */
struct acrypto_skcipher_request_ctx {
	struct acrypto_session s;
};

/* Per-algorithm instance state. */
struct acrypto_skcipher_def {
	const char *name;
	const char *driver_name;
	u16 alg;
	u16 mode;
	unsigned int blocksize;
	unsigned int multiple;	/* request lengths must be multiples of it */
	unsigned int min_len;	/* shortest non-empty request */
	unsigned int ivsize;
	unsigned int min_keysize;
	unsigned int max_keysize;

	struct skcipher_alg skcipher;
	bool registered;	/* under acrypto_fe_mutex */
	bool servable;		/* a device can serve it; read locklessly */
	atomic_t tfms;
};

static struct acrypto_skcipher_def *
acrypto_skcipher_def(struct crypto_skcipher *tfm)
{
	struct skcipher_alg *alg = crypto_skcipher_alg(tfm);

	return container_of(alg, struct acrypto_skcipher_def, skcipher);
}

static int acrypto_skcipher_setkey(struct crypto_skcipher *tfm,
				   const u8 *key, unsigned int keylen)
{
	struct acrypto_skcipher_ctx *ctx = crypto_skcipher_ctx(tfm);
	struct acrypto_skcipher_def *def = acrypto_skcipher_def(tfm);
	int err;

	if (def->mode == ACRYPTO_MODE_XTS)
		err = xts_verify_key(tfm, key, keylen) ?:
		      aes_check_keylen(keylen / 2);
	else
		err = aes_check_keylen(keylen);
	if (err)
		return err;

	return acrypto_key_set(&ctx->key, key, keylen,
			       crypto_skcipher_get_flags(tfm));
}

static void acrypto_skcipher_done(struct acrypto_session *s, int err)
{
	struct skcipher_request *req = container_of((void *)s,
						    struct skcipher_request,
						    __ctx);

	req->base.complete(&req->base, err);
}

static int acrypto_skcipher_crypt(struct skcipher_request *req, u8 op)
{
	struct crypto_skcipher *tfm = crypto_skcipher_reqtfm(req);
	struct acrypto_skcipher_ctx *ctx = crypto_skcipher_ctx(tfm);
	struct acrypto_skcipher_def *def = acrypto_skcipher_def(tfm);
	struct acrypto_skcipher_request_ctx *rctx = skcipher_request_ctx(req);
	struct acrypto_session *s = &rctx->s;

	if (unlikely(!req->cryptlen))
		return 0;
	if (unlikely(req->cryptlen % def->multiple ||
		     req->cryptlen < def->min_len))
		return -EINVAL;

	acrypto_session_init(s, &ctx->key, acrypto_skcipher_done);
	acrypto_session_add_hop(s, op, def->alg, def->mode);
	acrypto_session_set_crypt(s, req->src, req->dst, req->cryptlen,
				  req->iv);
	s->req_flags = req->base.flags;
	/* Requests that cannot wait (networking) go first when devices fill. */
	if (!(req->base.flags & CRYPTO_TFM_REQ_MAY_BACKLOG))
		s->priority = ACRYPTO_PRIO_LATENCY;

	return acrypto_session_submit(s);
}

static int acrypto_skcipher_encrypt(struct skcipher_request *req)
{
	return acrypto_skcipher_crypt(req, ACRYPTO_OP_ENCRYPT);
}

static int acrypto_skcipher_decrypt(struct skcipher_request *req)
{
	return acrypto_skcipher_crypt(req, ACRYPTO_OP_DECRYPT);
}

static int acrypto_skcipher_init_tfm(struct crypto_skcipher *tfm)
{
	struct acrypto_skcipher_ctx *ctx = crypto_skcipher_ctx(tfm);
	struct acrypto_skcipher_def *def = acrypto_skcipher_def(tfm);
	unsigned int priv_size = acrypto_priv_size();

	/* Do not hand out new transforms of an algorithm on its way out. */
	if (!READ_ONCE(def->servable))
		return -ENODEV;

	atomic_inc(&def->tfms);
	acrypto_key_init(&ctx->key, def->alg, def->mode, priv_size);
	crypto_skcipher_set_reqsize(tfm,
				    sizeof(struct acrypto_skcipher_request_ctx) +
				    priv_size);
	return 0;
}

static void acrypto_skcipher_exit_tfm(struct crypto_skcipher *tfm)
{
	struct acrypto_skcipher_ctx *ctx = crypto_skcipher_ctx(tfm);
	struct acrypto_skcipher_def *def = acrypto_skcipher_def(tfm);

	acrypto_key_exit(&ctx->key);
	if (atomic_dec_and_test(&def->tfms) && !READ_ONCE(def->servable))
		acrypto_frontend_tfm_gone();
}

#define ACRYPTO_AES(_mode, _name, _bs, _mult, _minlen, _ivsize, _min, _max) \
	{								\
		.name = #_name "(aes)",					\
		.driver_name = "acrypto-" #_name "-aes",		\
		.alg = ACRYPTO_ALG_AES,					\
		.mode = ACRYPTO_MODE_##_mode,				\
		.blocksize = _bs,					\
		.multiple = _mult,					\
		.min_len = _minlen,					\
		.ivsize = _ivsize,					\
		.min_keysize = _min,					\
		.max_keysize = _max,					\
	}

static struct acrypto_skcipher_def acrypto_skciphers[] = {
	/*
	 * mode, name, blocksize, length multiple, shortest length, ivsize,
	 * key sizes
	 */
	ACRYPTO_AES(ECB, ecb, AES_BLOCK_SIZE, AES_BLOCK_SIZE, AES_BLOCK_SIZE,
		    0, AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE),
	ACRYPTO_AES(CBC, cbc, AES_BLOCK_SIZE, AES_BLOCK_SIZE, AES_BLOCK_SIZE,
		    AES_BLOCK_SIZE, AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE),
	ACRYPTO_AES(CTR, ctr, 1, 1, 1,
		    AES_BLOCK_SIZE, AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE),
	/* XTS steals ciphertext: any length from one block up. */
	ACRYPTO_AES(XTS, xts, AES_BLOCK_SIZE, 1, AES_BLOCK_SIZE,
		    AES_BLOCK_SIZE, 2 * AES_MIN_KEY_SIZE, 2 * AES_MAX_KEY_SIZE),
};

/*
 * Fill in the crypto API structure afresh before each registration: the
 * crypto API leaves an unregistered algorithm marked dead.
 */
static void acrypto_skcipher_prepare(struct acrypto_skcipher_def *def)
{
	struct skcipher_alg *alg = &def->skcipher;

	memset(alg, 0, sizeof(*alg));
	strscpy(alg->base.cra_name, def->name, sizeof(alg->base.cra_name));
	strscpy(alg->base.cra_driver_name, def->driver_name,
		sizeof(alg->base.cra_driver_name));
	alg->base.cra_priority = acrypto_priority;
	alg->base.cra_flags = CRYPTO_ALG_ASYNC;
	alg->base.cra_blocksize = def->blocksize;
	alg->base.cra_ctxsize = sizeof(struct acrypto_skcipher_ctx);
	alg->base.cra_module = THIS_MODULE;

	alg->min_keysize = def->min_keysize;
	alg->max_keysize = def->max_keysize;
	alg->ivsize = def->ivsize;
	alg->chunksize = AES_BLOCK_SIZE;
	alg->setkey = acrypto_skcipher_setkey;
	alg->encrypt = acrypto_skcipher_encrypt;
	alg->decrypt = acrypto_skcipher_decrypt;
	alg->init = acrypto_skcipher_init_tfm;
	alg->exit = acrypto_skcipher_exit_tfm;
}

/* Is the algorithm registered but used by nobody? */
static bool acrypto_skcipher_idle(struct acrypto_skcipher_def *def)
{
	return !atomic_read(&def->tfms) &&
	       refcount_read(&def->skcipher.base.cra_refcnt) == 1;
}

/**
 * acrypto_skcipher_update() - match the registered skciphers to the devices
 *
 * Caller holds acrypto_fe_mutex.
 *
 * Return: true if an algorithm without devices could not be removed yet
 * although no transform of it is left (a reference is being dropped).
 */
bool acrypto_skcipher_update(void)
{
	bool retry = false;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(acrypto_skciphers); i++) {
		struct acrypto_skcipher_def *def = &acrypto_skciphers[i];
		bool servable = acrypto_any_device(def->alg, def->mode);

		WRITE_ONCE(def->servable, servable);
		if (servable && !def->registered) {
			acrypto_skcipher_prepare(def);
			err = crypto_register_skcipher(&def->skcipher);
			if (err) {
				pr_err("acrypto: cannot register %s: %d\n",
				       def->driver_name, err);
				continue;
			}
			def->registered = true;
			pr_info("acrypto: registered %s (%s), priority %d\n",
				def->driver_name, def->name, acrypto_priority);
		} else if (!servable && def->registered) {
			if (!acrypto_skcipher_idle(def)) {
				retry |= !atomic_read(&def->tfms);
				continue;
			}
			crypto_unregister_skcipher(&def->skcipher);
			def->registered = false;
			pr_info("acrypto: unregistered %s: no device serves it\n",
				def->driver_name);
		}
	}
	return retry;
}

/**
 * acrypto_skcipher_remove_all() - unregister every skcipher at module exit
 *
 * Caller holds acrypto_fe_mutex; no device and no transform is left.
 */
void acrypto_skcipher_remove_all(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(acrypto_skciphers); i++) {
		struct acrypto_skcipher_def *def = &acrypto_skciphers[i];

		WRITE_ONCE(def->servable, false);
		if (def->registered) {
			crypto_unregister_skcipher(&def->skcipher);
			def->registered = false;
		}
	}
}

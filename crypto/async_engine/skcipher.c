// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: skcipher front end - AES in ECB, CBC, CTR and XTS.
 *
 * Each algorithm is an asynchronous skcipher whose requests become acrypto
 * sessions.  The session lives in the request context together with the
 * private area of whichever device processes it (reqsize), so the request
 * path never allocates and dm-crypt may use these algorithms.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aes.h>
#include <crypto/internal/skcipher.h>
#include <crypto/xts.h>
#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "internal.h"

/* Per-transform context. */
struct acrypto_skcipher_ctx {
	struct acrypto_key *key;
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
	unsigned int len_mask;	/* request lengths are multiples of this + 1 */
	unsigned int min_len;	/* shortest non-empty request */
	unsigned int ivsize;
	unsigned int min_keysize;
	unsigned int max_keysize;

	struct skcipher_alg skcipher;
	struct acrypto_fe_alg fe;
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

	return acrypto_key_set(ctx->key, key, keylen,
			       crypto_skcipher_get_flags(tfm));
}

static void acrypto_skcipher_done(struct acrypto_session *s, int err)
{
	struct skcipher_request *req = container_of((void *)s,
						    struct skcipher_request,
						    __ctx);

	req->base.complete(&req->base, err);
}

static __always_inline int acrypto_skcipher_crypt(struct skcipher_request *req,
						  u8 op)
{
	struct crypto_skcipher *tfm = crypto_skcipher_reqtfm(req);
	struct acrypto_skcipher_ctx *ctx = crypto_skcipher_ctx(tfm);
	struct acrypto_skcipher_def *def = acrypto_skcipher_def(tfm);
	struct acrypto_skcipher_request_ctx *rctx = skcipher_request_ctx(req);
	struct acrypto_session *s = &rctx->s;
	int ret;

	/* As the kernel's own modes: empty is fine except for XTS. */
	if (unlikely(!req->cryptlen && def->mode != ACRYPTO_MODE_XTS))
		return 0;
	if (unlikely(req->cryptlen & def->len_mask ||
		     req->cryptlen < def->min_len))
		return -EINVAL;

	if (acrypto_skcipher_direct(req, ctx->key, op, def->mode,
				    acrypto_session_priv(s), &ret))
		return ret;

	acrypto_session_init(s, ctx->key, acrypto_skcipher_done);
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
	int err;

	/* Do not hand out new transforms of an algorithm on its way out. */
	err = acrypto_frontend_tfm_get(&def->fe);
	if (err)
		return err;

	ctx->key = acrypto_key_alloc_part(def->fe.partition, def->alg,
					  def->mode);
	if (IS_ERR(ctx->key)) {
		acrypto_frontend_tfm_put(&def->fe);
		return PTR_ERR(ctx->key);
	}
	crypto_skcipher_set_reqsize(tfm,
				    sizeof(struct acrypto_skcipher_request_ctx) +
				    ctx->key->priv_size);
	return 0;
}

static void acrypto_skcipher_exit_tfm(struct crypto_skcipher *tfm)
{
	struct acrypto_skcipher_ctx *ctx = crypto_skcipher_ctx(tfm);
	struct acrypto_skcipher_def *def = acrypto_skcipher_def(tfm);

	acrypto_key_free(ctx->key);
	acrypto_frontend_tfm_put(&def->fe);
}

#define ACRYPTO_AES(_mode, _name, _bs, _lenmask, _minlen, _ivsize, _min, _max) \
	{								\
		.name = #_name "(aes)",					\
		.driver_name = "acrypto-" #_name "-aes",		\
		.alg = ACRYPTO_ALG_AES,					\
		.mode = ACRYPTO_MODE_##_mode,				\
		.blocksize = _bs,					\
		.len_mask = _lenmask,					\
		.min_len = _minlen,					\
		.ivsize = _ivsize,					\
		.min_keysize = _min,					\
		.max_keysize = _max,					\
	}

static struct acrypto_skcipher_def acrypto_skciphers[] = {
	/*
	 * mode, name, blocksize, length mask (lengths are multiples of the
	 * mask + 1: a power of two), shortest length, ivsize,
	 * key sizes
	 */
	ACRYPTO_AES(ECB, ecb, AES_BLOCK_SIZE, AES_BLOCK_SIZE - 1, AES_BLOCK_SIZE,
		    0, AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE),
	ACRYPTO_AES(CBC, cbc, AES_BLOCK_SIZE, AES_BLOCK_SIZE - 1, AES_BLOCK_SIZE,
		    AES_BLOCK_SIZE, AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE),
	ACRYPTO_AES(CTR, ctr, 1, 0, 1,
		    AES_BLOCK_SIZE, AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE),
	/* XTS steals ciphertext: any length from one block up. */
	ACRYPTO_AES(XTS, xts, AES_BLOCK_SIZE, 0, AES_BLOCK_SIZE,
		    AES_BLOCK_SIZE, 2 * AES_MIN_KEY_SIZE, 2 * AES_MAX_KEY_SIZE),
};

/*
 * Fill in the crypto API structure afresh before each registration: the
 * crypto API leaves an unregistered algorithm marked dead.
 */
static int acrypto_skcipher_register(struct acrypto_fe_alg *fa)
{
	struct acrypto_skcipher_def *def = container_of(fa, typeof(*def), fe);
	struct skcipher_alg *alg = &def->skcipher;

	memset(alg, 0, sizeof(*alg));
	strscpy(alg->base.cra_name, def->name, sizeof(alg->base.cra_name));
	strscpy(alg->base.cra_driver_name, fa->driver_name,
		sizeof(alg->base.cra_driver_name));
	alg->base.cra_priority = acrypto_fe_priority(fa, acrypto_priority);
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

	return crypto_register_skcipher(alg);
}

static void acrypto_skcipher_unregister(struct acrypto_fe_alg *fa)
{
	struct acrypto_skcipher_def *def = container_of(fa, typeof(*def), fe);

	crypto_unregister_skcipher(&def->skcipher);
}

static void acrypto_skcipher_destroy(struct acrypto_fe_alg *fa)
{
	kfree(container_of(fa, struct acrypto_skcipher_def, fe));
}

/**
 * acrypto_skcipher_add_partition() - the skciphers of a new partition
 * @p: the partition
 *
 * Return: 0 or -ENOMEM.
 */
int acrypto_skcipher_add_partition(struct acrypto_partition *p)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(acrypto_skciphers); i++) {
		struct acrypto_skcipher_def *def;

		def = kmemdup(&acrypto_skciphers[i], sizeof(*def), GFP_KERNEL);
		if (!def)
			return -ENOMEM;
		def->fe.base = &def->skcipher.base;
		def->fe.partition = p;
		def->fe.destroy = acrypto_skcipher_destroy;
		snprintf(def->fe.driver_name, sizeof(def->fe.driver_name),
			 "acrypto-%s-%s", p->name,
			 def->driver_name + strlen("acrypto-"));
		list_add_tail(&def->fe.part_node, &p->algs);
		acrypto_frontend_add(&def->fe);
	}
	return 0;
}

/**
 * acrypto_skcipher_init() - offer the skciphers to the front end
 *
 * Called by the engine's init, before acrypto_frontend_init().
 */
void acrypto_skcipher_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(acrypto_skciphers); i++) {
		struct acrypto_skcipher_def *def = &acrypto_skciphers[i];

		def->fe.base = &def->skcipher.base;
		strscpy(def->fe.driver_name, def->driver_name,
			sizeof(def->fe.driver_name));
		def->fe.needs[0].alg = def->alg;
		def->fe.needs[0].mode = def->mode;
		def->fe.num_needs = 1;
		def->fe.do_register = acrypto_skcipher_register;
		def->fe.do_unregister = acrypto_skcipher_unregister;
		acrypto_frontend_add(&def->fe);
	}
}

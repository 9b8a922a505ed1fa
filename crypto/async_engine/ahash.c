// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: hash front end - sha1, sha256, hmac(sha1), hmac(sha256).
 *
 * The partial hash state of a request lives in its context, in the export
 * format of the kernel's own implementation (struct sha1_state,
 * struct sha256_state; for HMAC the inner hash with the key's inner pad
 * absorbed).  init() copies the transform's initial state, which is
 * computed in process context when the transform is created (plain hashes)
 * or keyed (HMAC) with the kernel's synchronous shash; export() and
 * import() copy the state out and in; update(), final(), finup() and
 * digest() are sessions whose steps a device performs on that state.  A
 * request may therefore move between devices in the middle of a hash.  A
 * final step on the initial state (digest(); init() then final() or
 * finup(); the same after import() of the initial state) is a digest step,
 * which devices that keep no state between requests serve too.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <crypto/internal/hash.h>
#include <crypto/sha1.h>
#include <crypto/sha2.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "internal.h"

#define ACRYPTO_HASH_STATE_MAX	sizeof(struct sha256_state)

/* Per-transform context. */
struct acrypto_ahash_ctx {
	struct acrypto_key *key;
	struct crypto_shash *sw;	/* computes @init_state */
	u8 init_state[ACRYPTO_HASH_STATE_MAX] __aligned(8);
};

/*
 * Per-request context: the state, whether it is still the transform's
 * initial one (then the last step is a digest, which devices that keep no
 * state between requests can do too), the session, the device's area.
 */
struct acrypto_ahash_request_ctx {
	u8 state[ACRYPTO_HASH_STATE_MAX] __aligned(8);
	bool fresh;
	struct acrypto_session s;
};

/* Per-algorithm instance state. */
struct acrypto_ahash_def {
	const char *name;
	const char *driver_name;
	const char *sw_name;
	const char *hash_name;
	u16 alg;
	u16 mode;
	unsigned int digestsize;
	unsigned int statesize;

	struct ahash_alg ahash;
	struct acrypto_fe_alg fe;
};

/**
 * acrypto_hash_init_state() - the exported state of a fresh hash
 * @shash: synchronous hash, keyed if it needs a key
 * @state: receives crypto_shash_statesize(@shash) bytes
 *
 * Return: 0 or the error of the hash.
 */
int acrypto_hash_init_state(struct crypto_shash *shash, void *state)
{
	SHASH_DESC_ON_STACK(desc, shash);
	int err;

	desc->tfm = shash;
	err = crypto_shash_init(desc) ?: crypto_shash_export(desc, state);
	shash_desc_zero(desc);
	return err;
}

/**
 * acrypto_hmac_reduce_key() - the key HMAC really uses
 * @hash: the underlying hash, "sha1" or "sha256"
 * @key: the key as given to setkey
 * @keylen: its length
 * @buf: room for the digest of @hash
 * @out: receives @key, or @buf holding the digest of @key
 * @outlen: receives the length of *@out
 *
 * HMAC (RFC 2104) hashes keys longer than the hash's block size and uses
 * the digest instead.  Doing so here hands devices keys of at most one
 * block, whatever the caller gave.
 *
 * Context: process context, may sleep.
 *
 * Return: 0, or the error of the hash.
 */
int acrypto_hmac_reduce_key(const char *hash, const u8 *key,
			    unsigned int keylen, u8 *buf, const u8 **out,
			    unsigned int *outlen)
{
	struct crypto_shash *tfm;
	int err;

	*out = key;
	*outlen = keylen;
	if (keylen <= SHA256_BLOCK_SIZE)	/* the same for SHA-1 */
		return 0;

	tfm = crypto_alloc_shash(hash, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = crypto_shash_tfm_digest(tfm, key, keylen, buf);
	if (!err) {
		*out = buf;
		*outlen = crypto_shash_digestsize(tfm);
	}
	crypto_free_shash(tfm);
	return err;
}

static struct acrypto_ahash_def *acrypto_ahash_def(struct crypto_ahash *tfm)
{
	struct ahash_alg *alg = __crypto_ahash_alg(crypto_ahash_tfm(tfm)->__crt_alg);

	return container_of(alg, struct acrypto_ahash_def, ahash);
}

static void acrypto_ahash_done(struct acrypto_session *s, int err)
{
	struct acrypto_ahash_request_ctx *rctx =
		container_of(s, struct acrypto_ahash_request_ctx, s);
	struct ahash_request *req = container_of((void *)rctx,
						 struct ahash_request, __ctx);

	req->base.complete(&req->base, err);
}

static int acrypto_ahash_init_req(struct ahash_request *req)
{
	struct crypto_ahash *tfm = crypto_ahash_reqtfm(req);
	struct acrypto_ahash_ctx *ctx = crypto_ahash_ctx(tfm);
	struct acrypto_ahash_request_ctx *rctx = ahash_request_ctx(req);

	memcpy(rctx->state, ctx->init_state, crypto_ahash_statesize(tfm));
	rctx->fresh = true;
	return 0;
}

/* One hash step over @len bytes of @src on the request's state. */
static int acrypto_ahash_submit(struct ahash_request *req, u8 op,
				struct scatterlist *src, unsigned int len)
{
	struct crypto_ahash *tfm = crypto_ahash_reqtfm(req);
	struct acrypto_ahash_ctx *ctx = crypto_ahash_ctx(tfm);
	struct acrypto_ahash_def *def = acrypto_ahash_def(tfm);
	struct acrypto_ahash_request_ctx *rctx = ahash_request_ctx(req);
	struct acrypto_session *s = &rctx->s;

	if (op == ACRYPTO_OP_HASH_UPDATE)
		rctx->fresh = false;
	else if (rctx->fresh)
		op = ACRYPTO_OP_HASH_DIGEST;
	acrypto_session_init(s, ctx->key, acrypto_ahash_done);
	acrypto_session_add_hop(s, op, def->alg, def->mode);
	acrypto_session_set_crypt(s, len ? src : NULL, NULL, len, NULL);
	acrypto_session_set_hash(s, rctx->state,
				 op == ACRYPTO_OP_HASH_UPDATE ? NULL :
								req->result);
	s->req_flags = req->base.flags;
	if (!(req->base.flags & CRYPTO_TFM_REQ_MAY_BACKLOG))
		s->priority = ACRYPTO_PRIO_LATENCY;
	return acrypto_session_submit(s);
}

static int acrypto_ahash_update(struct ahash_request *req)
{
	if (!req->nbytes)
		return 0;
	return acrypto_ahash_submit(req, ACRYPTO_OP_HASH_UPDATE, req->src,
				    req->nbytes);
}

static int acrypto_ahash_final(struct ahash_request *req)
{
	return acrypto_ahash_submit(req, ACRYPTO_OP_HASH_FINAL, NULL, 0);
}

static int acrypto_ahash_finup(struct ahash_request *req)
{
	return acrypto_ahash_submit(req, ACRYPTO_OP_HASH_FINAL, req->src,
				    req->nbytes);
}

static int acrypto_ahash_digest(struct ahash_request *req)
{
	return acrypto_ahash_init_req(req) ?: acrypto_ahash_finup(req);
}

static int acrypto_ahash_export(struct ahash_request *req, void *out)
{
	struct acrypto_ahash_request_ctx *rctx = ahash_request_ctx(req);

	memcpy(out, rctx->state,
	       crypto_ahash_statesize(crypto_ahash_reqtfm(req)));
	return 0;
}

static int acrypto_ahash_import(struct ahash_request *req, const void *in)
{
	struct acrypto_ahash_request_ctx *rctx = ahash_request_ctx(req);
	struct crypto_ahash *tfm = crypto_ahash_reqtfm(req);
	struct acrypto_ahash_ctx *ctx = crypto_ahash_ctx(tfm);
	unsigned int size = crypto_ahash_statesize(tfm);

	memcpy(rctx->state, in, size);
	/* The initial state of an HMAC holds the key: no early exit. */
	rctx->fresh = !crypto_memneq(in, ctx->init_state, size);
	return 0;
}

static int acrypto_ahash_setkey(struct crypto_ahash *tfm, const u8 *key,
				unsigned int keylen)
{
	struct acrypto_ahash_ctx *ctx = crypto_ahash_ctx(tfm);
	struct acrypto_ahash_def *def = acrypto_ahash_def(tfm);
	u8 digest[SHA256_DIGEST_SIZE];
	unsigned int len;
	const u8 *k;
	int err;

	err = crypto_shash_setkey(ctx->sw, key, keylen) ?:
	      acrypto_hash_init_state(ctx->sw, ctx->init_state) ?:
	      acrypto_hmac_reduce_key(def->hash_name, key, keylen, digest,
				      &k, &len);
	if (!err)
		err = acrypto_key_set(ctx->key, k, len,
				      crypto_ahash_get_flags(tfm));
	memzero_explicit(digest, sizeof(digest));
	return err;
}

static int acrypto_ahash_init_tfm(struct crypto_ahash *tfm)
{
	struct acrypto_ahash_ctx *ctx = crypto_ahash_ctx(tfm);
	struct acrypto_ahash_def *def = acrypto_ahash_def(tfm);
	int err;

	err = acrypto_frontend_tfm_get(&def->fe);
	if (err)
		return err;

	/* Synchronous: never one of the engine's own algorithms. */
	ctx->sw = crypto_alloc_shash(def->sw_name, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(ctx->sw)) {
		err = PTR_ERR(ctx->sw);
		goto err_put;
	}
	if (crypto_shash_statesize(ctx->sw) != def->statesize) {
		pr_err("%s has an unexpected state size\n",
		       crypto_shash_driver_name(ctx->sw));
		err = -EINVAL;
		goto err_free_sw;
	}

	ctx->key = acrypto_key_alloc_part(def->fe.partition, def->alg,
					  def->mode);
	if (IS_ERR(ctx->key)) {
		err = PTR_ERR(ctx->key);
		goto err_free_sw;
	}
	crypto_ahash_set_reqsize(tfm, sizeof(struct acrypto_ahash_request_ctx) +
				 ctx->key->priv_size);

	/* An unkeyed hash is ready now; HMAC waits for setkey. */
	if (def->mode == ACRYPTO_MODE_HASH) {
		err = acrypto_hash_init_state(ctx->sw, ctx->init_state) ?:
		      acrypto_key_set(ctx->key, NULL, 0, 0);
		if (err)
			goto err_exit_key;
	}
	return 0;

err_exit_key:
	acrypto_key_free(ctx->key);
err_free_sw:
	crypto_free_shash(ctx->sw);
err_put:
	acrypto_frontend_tfm_put(&def->fe);
	return err;
}

static void acrypto_ahash_exit_tfm(struct crypto_ahash *tfm)
{
	struct acrypto_ahash_ctx *ctx = crypto_ahash_ctx(tfm);
	struct acrypto_ahash_def *def = acrypto_ahash_def(tfm);

	acrypto_key_free(ctx->key);
	crypto_free_shash(ctx->sw);
	memzero_explicit(ctx->init_state, sizeof(ctx->init_state));
	acrypto_frontend_tfm_put(&def->fe);
}

#define ACRYPTO_HASH(_name, _drv, _sw, _hash, _alg, _mode, _dsize, _ssize) \
	{								\
		.name = _name,						\
		.driver_name = _drv,					\
		.sw_name = _sw,						\
		.hash_name = _hash,					\
		.alg = ACRYPTO_ALG_##_alg,				\
		.mode = ACRYPTO_MODE_##_mode,				\
		.digestsize = _dsize,					\
		.statesize = _ssize,					\
	}

static struct acrypto_ahash_def acrypto_ahashes[] = {
	ACRYPTO_HASH("sha1", "acrypto-sha1", "sha1", "sha1", SHA1, HASH,
		     SHA1_DIGEST_SIZE, sizeof(struct sha1_state)),
	ACRYPTO_HASH("sha256", "acrypto-sha256", "sha256", "sha256", SHA256,
		     HASH, SHA256_DIGEST_SIZE, sizeof(struct sha256_state)),
	ACRYPTO_HASH("hmac(sha1)", "acrypto-hmac-sha1", "hmac(sha1)", "sha1",
		     SHA1, HMAC, SHA1_DIGEST_SIZE, sizeof(struct sha1_state)),
	ACRYPTO_HASH("hmac(sha256)", "acrypto-hmac-sha256", "hmac(sha256)",
		     "sha256", SHA256, HMAC, SHA256_DIGEST_SIZE,
		     sizeof(struct sha256_state)),
};

static int acrypto_ahash_register(struct acrypto_fe_alg *fa)
{
	struct acrypto_ahash_def *def = container_of(fa, typeof(*def), fe);
	struct ahash_alg *alg = &def->ahash;
	struct crypto_alg *base = &alg->halg.base;

	memset(alg, 0, sizeof(*alg));
	strscpy(base->cra_name, def->name, sizeof(base->cra_name));
	strscpy(base->cra_driver_name, fa->driver_name,
		sizeof(base->cra_driver_name));
	base->cra_priority = acrypto_fe_priority(fa, acrypto_priority);
	base->cra_flags = CRYPTO_ALG_ASYNC;
	base->cra_blocksize = def->alg == ACRYPTO_ALG_SHA1 ? SHA1_BLOCK_SIZE :
							     SHA256_BLOCK_SIZE;
	base->cra_ctxsize = sizeof(struct acrypto_ahash_ctx);
	base->cra_module = THIS_MODULE;

	alg->halg.digestsize = def->digestsize;
	alg->halg.statesize = def->statesize;
	alg->init = acrypto_ahash_init_req;
	alg->update = acrypto_ahash_update;
	alg->final = acrypto_ahash_final;
	alg->finup = acrypto_ahash_finup;
	alg->digest = acrypto_ahash_digest;
	alg->export = acrypto_ahash_export;
	alg->import = acrypto_ahash_import;
	alg->init_tfm = acrypto_ahash_init_tfm;
	alg->exit_tfm = acrypto_ahash_exit_tfm;
	if (def->mode == ACRYPTO_MODE_HMAC)
		alg->setkey = acrypto_ahash_setkey;

	return crypto_register_ahash(alg);
}

static void acrypto_ahash_unregister(struct acrypto_fe_alg *fa)
{
	struct acrypto_ahash_def *def = container_of(fa, typeof(*def), fe);

	crypto_unregister_ahash(&def->ahash);
}

static void acrypto_ahash_destroy(struct acrypto_fe_alg *fa)
{
	kfree(container_of(fa, struct acrypto_ahash_def, fe));
}

/**
 * acrypto_ahash_add_partition() - the hashes of a new partition
 * @p: the partition
 *
 * Return: 0 or -ENOMEM.
 */
int acrypto_ahash_add_partition(struct acrypto_partition *p)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(acrypto_ahashes); i++) {
		struct acrypto_ahash_def *def;

		def = kmemdup(&acrypto_ahashes[i], sizeof(*def), GFP_KERNEL);
		if (!def)
			return -ENOMEM;
		def->fe.base = &def->ahash.halg.base;
		def->fe.partition = p;
		def->fe.destroy = acrypto_ahash_destroy;
		snprintf(def->fe.driver_name, sizeof(def->fe.driver_name),
			 "acrypto-%s-%s", p->name,
			 def->driver_name + strlen("acrypto-"));
		list_add_tail(&def->fe.part_node, &p->algs);
		acrypto_frontend_add(&def->fe);
	}
	return 0;
}

/**
 * acrypto_ahash_init() - offer the hashes to the front end
 *
 * Called by the engine's init, before acrypto_frontend_init().
 */
void acrypto_ahash_init(void)
{
	unsigned int i;

	BUILD_BUG_ON(sizeof(struct sha1_state) > ACRYPTO_HASH_STATE_MAX);

	for (i = 0; i < ARRAY_SIZE(acrypto_ahashes); i++) {
		struct acrypto_ahash_def *def = &acrypto_ahashes[i];

		def->fe.base = &def->ahash.halg.base;
		strscpy(def->fe.driver_name, def->driver_name,
			sizeof(def->fe.driver_name));
		def->fe.needs[0].alg = def->alg;
		def->fe.needs[0].mode = def->mode;
		def->fe.num_needs = 1;
		def->fe.do_register = acrypto_ahash_register;
		def->fe.do_unregister = acrypto_ahash_unregister;
		acrypto_frontend_add(&def->fe);
	}
}

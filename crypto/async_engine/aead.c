// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: AEAD front end - gcm(aes), rfc4106(gcm(aes)) and
 * authenc(hmac(sha256),cbc(aes)).
 *
 * GCM and RFC 4106 are one step each, done by a device that has the mode.
 * authenc is a route of two steps with a key each, cipher and MAC, so that
 * the cipher may run on a device that has no MAC (Polyakov's route list):
 *
 *   encrypt: AES-CBC over the text, then HMAC-SHA256 over AAD || ciphertext,
 *            the tag appended by the front end;
 *   decrypt: HMAC-SHA256 over AAD || ciphertext, the tag checked between the
 *            steps (-EBADMSG and no plaintext written on mismatch), then
 *            AES-CBC.
 *
 * The HMAC step starts from the state of the key's inner pad, computed at
 * setkey with the kernel's own synchronous hmac(sha256); devices do the
 * hashing of the data.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aes.h>
#include <crypto/algapi.h>
#include <crypto/authenc.h>
#include <crypto/gcm.h>
#include <crypto/hash.h>
#include <crypto/internal/aead.h>
#include <crypto/scatterwalk.h>
#include <crypto/sha2.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "internal.h"

/* Per-transform context. */
struct acrypto_aead_ctx {
	struct acrypto_key *key;	/* GCM/RFC 4106 key, authenc cipher key */
	struct acrypto_key *auth_key;	/* authenc: HMAC key */
	struct crypto_shash *hmac;	/* authenc: computes @hmac_state */
	struct sha256_state hmac_state;	/* authenc: inner pad absorbed */
};

/* Per-request context: the session and, after it, the device's area. */
struct acrypto_aead_request_ctx {
	struct scatterlist src[2];
	struct scatterlist dst[2];
	u8 tag[SHA256_DIGEST_SIZE];
	u8 itag[SHA256_DIGEST_SIZE];
	struct acrypto_session s;
};

/* Per-algorithm instance state. */
struct acrypto_aead_def {
	const char *name;
	const char *driver_name;
	u16 mode;		/* ACRYPTO_MODE_GCM, _RFC4106, or _CBC: authenc */
	unsigned int blocksize;
	unsigned int ivsize;
	unsigned int maxauthsize;

	struct aead_alg aead;
	struct acrypto_fe_alg fe;
};

static struct acrypto_aead_def *acrypto_aead_def(struct crypto_aead *tfm)
{
	return container_of(crypto_aead_alg(tfm), struct acrypto_aead_def,
			    aead);
}

static bool acrypto_aead_is_authenc(const struct acrypto_aead_def *def)
{
	return def->mode == ACRYPTO_MODE_CBC;
}

static struct aead_request *acrypto_aead_req(struct acrypto_session *s)
{
	struct acrypto_aead_request_ctx *rctx =
		container_of(s, struct acrypto_aead_request_ctx, s);

	return container_of((void *)rctx, struct aead_request, __ctx);
}

static int acrypto_aead_setkey(struct crypto_aead *tfm, const u8 *key,
			       unsigned int keylen)
{
	struct acrypto_aead_ctx *ctx = crypto_aead_ctx(tfm);
	struct acrypto_aead_def *def = acrypto_aead_def(tfm);
	u32 flags = crypto_aead_get_flags(tfm);
	int err;

	if (def->mode == ACRYPTO_MODE_RFC4106) {
		if (keylen < 4)
			return -EINVAL;
		err = aes_check_keylen(keylen - 4);
	} else {
		err = aes_check_keylen(keylen);
	}
	if (err)
		return err;
	return acrypto_key_set(ctx->key, key, keylen, flags);
}

static int acrypto_authenc_setkey(struct crypto_aead *tfm, const u8 *key,
				  unsigned int keylen)
{
	struct acrypto_aead_ctx *ctx = crypto_aead_ctx(tfm);
	u32 flags = crypto_aead_get_flags(tfm);
	struct crypto_authenc_keys keys;
	u8 digest[SHA256_DIGEST_SIZE];
	unsigned int authkeylen;
	const u8 *authkey;
	int err;

	err = crypto_authenc_extractkeys(&keys, key, keylen);
	if (err)
		goto out;
	err = aes_check_keylen(keys.enckeylen);
	if (err)
		goto out;

	/* The MAC step starts from the inner pad's state. */
	err = crypto_shash_setkey(ctx->hmac, keys.authkey, keys.authkeylen) ?:
	      acrypto_hash_init_state(ctx->hmac, &ctx->hmac_state) ?:
	      acrypto_hmac_reduce_key("sha256", keys.authkey, keys.authkeylen,
				      digest, &authkey, &authkeylen);
	if (err)
		goto out;

	err = acrypto_key_set(ctx->auth_key, authkey, authkeylen, flags) ?:
	      acrypto_key_set(ctx->key, keys.enckey, keys.enckeylen, flags);
out:
	memzero_explicit(&keys, sizeof(keys));
	memzero_explicit(digest, sizeof(digest));
	return err;
}

static int acrypto_aead_setauthsize(struct crypto_aead *tfm,
				    unsigned int authsize)
{
	struct acrypto_aead_ctx *ctx = crypto_aead_ctx(tfm);
	struct acrypto_aead_def *def = acrypto_aead_def(tfm);
	int err;

	switch (def->mode) {
	case ACRYPTO_MODE_GCM:
		err = crypto_gcm_check_authsize(authsize);
		break;
	case ACRYPTO_MODE_RFC4106:
		err = crypto_rfc4106_check_authsize(authsize);
		break;
	default:
		/* authenc: any length up to the digest; the front end cuts. */
		return 0;
	}
	if (err)
		return err;
	return acrypto_key_set_authsize(ctx->key, authsize);
}

static void acrypto_aead_done(struct acrypto_session *s, int err)
{
	struct aead_request *req = acrypto_aead_req(s);

	req->base.complete(&req->base, err);
}

/* authenc encryption finished: append the tag. */
static void acrypto_authenc_put_tag(struct aead_request *req)
{
	struct acrypto_aead_request_ctx *rctx = aead_request_ctx(req);
	struct crypto_aead *tfm = crypto_aead_reqtfm(req);

	scatterwalk_map_and_copy(rctx->tag, req->dst,
				 req->assoclen + req->cryptlen,
				 crypto_aead_authsize(tfm), 1);
}

static void acrypto_authenc_encrypt_done(struct acrypto_session *s, int err)
{
	struct aead_request *req = acrypto_aead_req(s);

	if (!err)
		acrypto_authenc_put_tag(req);
	req->base.complete(&req->base, err);
}

/*
 * authenc decryption: the MAC step ended, check the tag before deciphering
 * (called between the steps, or at the end when there is no text).
 */
static int acrypto_authenc_check_tag(struct acrypto_session *s)
{
	struct aead_request *req = acrypto_aead_req(s);
	struct acrypto_aead_request_ctx *rctx = aead_request_ctx(req);
	unsigned int authsize = crypto_aead_authsize(crypto_aead_reqtfm(req));
	unsigned int textlen = req->cryptlen - authsize;

	scatterwalk_map_and_copy(rctx->itag, req->src, req->assoclen + textlen,
				 authsize, 0);
	return crypto_memneq(rctx->itag, rctx->tag, authsize) ? -EBADMSG : 0;
}

static void acrypto_authenc_decrypt_done(struct acrypto_session *s, int err)
{
	struct aead_request *req = acrypto_aead_req(s);

	/* With text, the tag was checked between the steps. */
	if (!err && s->route.len == 1)
		err = acrypto_authenc_check_tag(s);
	req->base.complete(&req->base, err);
}

static void acrypto_aead_session_init(struct aead_request *req,
				      struct acrypto_key *key,
				      void (*done)(struct acrypto_session *s,
						   int err))
{
	struct acrypto_aead_request_ctx *rctx = aead_request_ctx(req);
	struct acrypto_session *s = &rctx->s;

	acrypto_session_init(s, key, done);
	s->req_flags = req->base.flags;
	if (!(req->base.flags & CRYPTO_TFM_REQ_MAY_BACKLOG))
		s->priority = ACRYPTO_PRIO_LATENCY;
}

static int acrypto_gcm_crypt(struct aead_request *req, u8 op)
{
	struct crypto_aead *tfm = crypto_aead_reqtfm(req);
	struct acrypto_aead_ctx *ctx = crypto_aead_ctx(tfm);
	struct acrypto_aead_def *def = acrypto_aead_def(tfm);
	struct acrypto_aead_request_ctx *rctx = aead_request_ctx(req);
	unsigned int authsize = crypto_aead_authsize(tfm);
	struct acrypto_session *s = &rctx->s;

	if (op == ACRYPTO_OP_DECRYPT && req->cryptlen < authsize)
		return -EINVAL;
	if (def->mode == ACRYPTO_MODE_RFC4106 &&
	    crypto_ipsec_check_assoclen(req->assoclen))
		return -EINVAL;

	acrypto_aead_session_init(req, ctx->key, acrypto_aead_done);
	acrypto_session_add_hop(s, op, ACRYPTO_ALG_AES, def->mode);
	acrypto_session_set_crypt(s, req->src, req->dst, req->cryptlen,
				  req->iv);
	acrypto_session_set_aead(s, req->assoclen, authsize);
	return acrypto_session_submit(s);
}

static int acrypto_authenc_encrypt(struct aead_request *req)
{
	struct crypto_aead *tfm = crypto_aead_reqtfm(req);
	struct acrypto_aead_ctx *ctx = crypto_aead_ctx(tfm);
	struct acrypto_aead_request_ctx *rctx = aead_request_ctx(req);
	struct acrypto_session *s = &rctx->s;
	struct scatterlist *src, *dst;
	int err;

	if (req->cryptlen % AES_BLOCK_SIZE)
		return -EINVAL;

	src = scatterwalk_ffwd(rctx->src, req->src, req->assoclen);
	dst = src;
	if (req->src != req->dst) {
		memcpy_sglist(req->dst, req->src, req->assoclen);
		dst = scatterwalk_ffwd(rctx->dst, req->dst, req->assoclen);
	}

	acrypto_aead_session_init(req, ctx->key, acrypto_authenc_encrypt_done);
	if (req->cryptlen) {
		acrypto_session_add_hop(s, ACRYPTO_OP_ENCRYPT, ACRYPTO_ALG_AES,
					ACRYPTO_MODE_CBC);
		acrypto_session_set_crypt(s, src, dst, req->cryptlen, req->iv);
	}
	acrypto_session_add_hop(s, ACRYPTO_OP_HASH_DIGEST, ACRYPTO_ALG_SHA256,
				ACRYPTO_MODE_HMAC);
	acrypto_session_set_key(s, ctx->auth_key);
	acrypto_session_set_crypt(s, req->dst, NULL,
				  req->assoclen + req->cryptlen, NULL);
	acrypto_session_set_hash(s, &ctx->hmac_state, rctx->tag);

	err = acrypto_session_submit(s);
	if (!err)
		acrypto_authenc_put_tag(req);
	return err;
}

static int acrypto_authenc_decrypt(struct aead_request *req)
{
	struct crypto_aead *tfm = crypto_aead_reqtfm(req);
	struct acrypto_aead_ctx *ctx = crypto_aead_ctx(tfm);
	struct acrypto_aead_request_ctx *rctx = aead_request_ctx(req);
	unsigned int authsize = crypto_aead_authsize(tfm);
	struct acrypto_session *s = &rctx->s;
	struct scatterlist *src, *dst;
	unsigned int textlen;
	int err;

	if (req->cryptlen < authsize)
		return -EINVAL;
	textlen = req->cryptlen - authsize;
	if (textlen % AES_BLOCK_SIZE)
		return -EINVAL;

	acrypto_aead_session_init(req, ctx->auth_key,
				  acrypto_authenc_decrypt_done);
	acrypto_session_add_hop(s, ACRYPTO_OP_HASH_DIGEST, ACRYPTO_ALG_SHA256,
				ACRYPTO_MODE_HMAC);
	acrypto_session_set_crypt(s, req->src, NULL, req->assoclen + textlen,
				  NULL);
	acrypto_session_set_hash(s, &ctx->hmac_state, rctx->tag);
	s->advance = acrypto_authenc_check_tag;

	if (textlen) {
		src = scatterwalk_ffwd(rctx->src, req->src, req->assoclen);
		dst = src;
		if (req->src != req->dst)
			dst = scatterwalk_ffwd(rctx->dst, req->dst,
					       req->assoclen);
		acrypto_session_add_hop(s, ACRYPTO_OP_DECRYPT, ACRYPTO_ALG_AES,
					ACRYPTO_MODE_CBC);
		acrypto_session_set_key(s, ctx->key);
		acrypto_session_set_crypt(s, src, dst, textlen, req->iv);
		return acrypto_session_submit(s);
	}

	/* Nothing to decipher: the tag is all there is to check. */
	err = acrypto_session_submit(s);
	if (!err)
		err = acrypto_authenc_check_tag(s);
	return err;
}

static int acrypto_aead_encrypt(struct aead_request *req)
{
	struct acrypto_aead_def *def = acrypto_aead_def(crypto_aead_reqtfm(req));

	if (acrypto_aead_is_authenc(def))
		return acrypto_authenc_encrypt(req);
	return acrypto_gcm_crypt(req, ACRYPTO_OP_ENCRYPT);
}

static int acrypto_aead_decrypt(struct aead_request *req)
{
	struct acrypto_aead_def *def = acrypto_aead_def(crypto_aead_reqtfm(req));

	if (acrypto_aead_is_authenc(def))
		return acrypto_authenc_decrypt(req);
	return acrypto_gcm_crypt(req, ACRYPTO_OP_DECRYPT);
}

static int acrypto_aead_init_tfm(struct crypto_aead *tfm)
{
	struct acrypto_aead_ctx *ctx = crypto_aead_ctx(tfm);
	struct acrypto_aead_def *def = acrypto_aead_def(tfm);
	unsigned int priv_size;
	int err;

	err = acrypto_frontend_tfm_get(&def->fe);
	if (err)
		return err;

	ctx->hmac = NULL;
	ctx->auth_key = NULL;
	if (acrypto_aead_is_authenc(def)) {
		/* Synchronous: never one of the engine's own algorithms. */
		ctx->hmac = crypto_alloc_shash("hmac(sha256)", 0,
					       CRYPTO_ALG_ASYNC);
		if (IS_ERR(ctx->hmac)) {
			err = PTR_ERR(ctx->hmac);
			goto err_put;
		}
		if (crypto_shash_statesize(ctx->hmac) !=
		    sizeof(ctx->hmac_state)) {
			pr_err("%s has an unexpected state size\n",
			       crypto_shash_driver_name(ctx->hmac));
			err = -EINVAL;
			goto err_free_hmac;
		}
		ctx->auth_key = acrypto_key_alloc_part(def->fe.partition,
						       ACRYPTO_ALG_SHA256,
						       ACRYPTO_MODE_HMAC);
		if (IS_ERR(ctx->auth_key)) {
			err = PTR_ERR(ctx->auth_key);
			goto err_free_hmac;
		}
	}

	ctx->key = acrypto_key_alloc_part(def->fe.partition, ACRYPTO_ALG_AES,
					  def->mode);
	if (IS_ERR(ctx->key)) {
		err = PTR_ERR(ctx->key);
		goto err_free_auth_key;
	}
	ctx->key->authsize = def->maxauthsize;
	priv_size = ctx->key->priv_size;
	if (ctx->auth_key)
		priv_size = max(priv_size, ctx->auth_key->priv_size);
	crypto_aead_set_reqsize(tfm, sizeof(struct acrypto_aead_request_ctx) +
				priv_size);
	return 0;

err_free_auth_key:
	if (ctx->auth_key)
		acrypto_key_free(ctx->auth_key);
err_free_hmac:
	if (ctx->hmac)
		crypto_free_shash(ctx->hmac);
err_put:
	acrypto_frontend_tfm_put(&def->fe);
	return err;
}

static void acrypto_aead_exit_tfm(struct crypto_aead *tfm)
{
	struct acrypto_aead_ctx *ctx = crypto_aead_ctx(tfm);
	struct acrypto_aead_def *def = acrypto_aead_def(tfm);

	acrypto_key_free(ctx->key);
	if (ctx->hmac) {
		acrypto_key_free(ctx->auth_key);
		crypto_free_shash(ctx->hmac);
		memzero_explicit(&ctx->hmac_state, sizeof(ctx->hmac_state));
	}
	acrypto_frontend_tfm_put(&def->fe);
}

static struct acrypto_aead_def acrypto_aeads[] = {
	{
		.name = "gcm(aes)",
		.driver_name = "acrypto-gcm-aes",
		.mode = ACRYPTO_MODE_GCM,
		.blocksize = 1,
		.ivsize = GCM_AES_IV_SIZE,
		.maxauthsize = AES_BLOCK_SIZE,
	}, {
		.name = "rfc4106(gcm(aes))",
		.driver_name = "acrypto-rfc4106-gcm-aes",
		.mode = ACRYPTO_MODE_RFC4106,
		.blocksize = 1,
		.ivsize = GCM_RFC4106_IV_SIZE,
		.maxauthsize = AES_BLOCK_SIZE,
	}, {
		.name = "authenc(hmac(sha256),cbc(aes))",
		.driver_name = "acrypto-authenc-hmac-sha256-cbc-aes",
		.mode = ACRYPTO_MODE_CBC,
		.blocksize = AES_BLOCK_SIZE,
		.ivsize = AES_BLOCK_SIZE,
		.maxauthsize = SHA256_DIGEST_SIZE,
	},
};

static int acrypto_aead_register(struct acrypto_fe_alg *fa)
{
	struct acrypto_aead_def *def = container_of(fa, typeof(*def), fe);
	struct aead_alg *alg = &def->aead;

	memset(alg, 0, sizeof(*alg));
	strscpy(alg->base.cra_name, def->name, sizeof(alg->base.cra_name));
	strscpy(alg->base.cra_driver_name, fa->driver_name,
		sizeof(alg->base.cra_driver_name));
	/*
	 * The kernel prices an authenc instance at ten times its cipher's
	 * priority plus its hash's (crypto/authenc.c): ours is made of the
	 * engine's cipher and MAC, priced the same way, so that it is above
	 * every instance of the kernel's own implementations.
	 */
	alg->base.cra_priority =
		acrypto_fe_priority(fa, acrypto_aead_is_authenc(def) ?
					11 * acrypto_priority : acrypto_priority);
	alg->base.cra_flags = CRYPTO_ALG_ASYNC;
	alg->base.cra_blocksize = def->blocksize;
	alg->base.cra_ctxsize = sizeof(struct acrypto_aead_ctx);
	alg->base.cra_module = THIS_MODULE;

	alg->ivsize = def->ivsize;
	alg->maxauthsize = def->maxauthsize;
	alg->chunksize = def->mode == ACRYPTO_MODE_CBC ? AES_BLOCK_SIZE : 1;
	alg->setkey = acrypto_aead_is_authenc(def) ? acrypto_authenc_setkey :
						     acrypto_aead_setkey;
	alg->setauthsize = acrypto_aead_setauthsize;
	alg->encrypt = acrypto_aead_encrypt;
	alg->decrypt = acrypto_aead_decrypt;
	alg->init = acrypto_aead_init_tfm;
	alg->exit = acrypto_aead_exit_tfm;

	return crypto_register_aead(alg);
}

static void acrypto_aead_unregister(struct acrypto_fe_alg *fa)
{
	struct acrypto_aead_def *def = container_of(fa, typeof(*def), fe);

	crypto_unregister_aead(&def->aead);
}

static void acrypto_aead_destroy(struct acrypto_fe_alg *fa)
{
	kfree(container_of(fa, struct acrypto_aead_def, fe));
}

/**
 * acrypto_aead_add_partition() - the AEAD algorithms of a new partition
 * @p: the partition
 *
 * Return: 0 or -ENOMEM.
 */
int acrypto_aead_add_partition(struct acrypto_partition *p)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(acrypto_aeads); i++) {
		struct acrypto_aead_def *def;

		def = kmemdup(&acrypto_aeads[i], sizeof(*def), GFP_KERNEL);
		if (!def)
			return -ENOMEM;
		def->fe.base = &def->aead.base;
		def->fe.partition = p;
		def->fe.destroy = acrypto_aead_destroy;
		snprintf(def->fe.driver_name, sizeof(def->fe.driver_name),
			 "acrypto-%s-%s", p->name,
			 def->driver_name + strlen("acrypto-"));
		list_add_tail(&def->fe.part_node, &p->algs);
		acrypto_frontend_add(&def->fe);
	}
	return 0;
}

/**
 * acrypto_aead_init() - offer the AEAD algorithms to the front end
 *
 * Called by the engine's init, before acrypto_frontend_init().
 */
void acrypto_aead_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(acrypto_aeads); i++) {
		struct acrypto_aead_def *def = &acrypto_aeads[i];

		def->fe.base = &def->aead.base;
		strscpy(def->fe.driver_name, def->driver_name,
			sizeof(def->fe.driver_name));
		def->fe.needs[0].alg = ACRYPTO_ALG_AES;
		def->fe.needs[0].mode = def->mode;
		def->fe.num_needs = 1;
		if (acrypto_aead_is_authenc(def)) {
			def->fe.needs[1].alg = ACRYPTO_ALG_SHA256;
			def->fe.needs[1].mode = ACRYPTO_MODE_HMAC;
			def->fe.num_needs = 2;
		}
		def->fe.do_register = acrypto_aead_register;
		def->fe.do_unregister = acrypto_aead_unregister;
		acrypto_frontend_add(&def->fe);
	}
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: the kernel's own synchronous implementations of a step.
 *
 * Two users compute a session's step with the kernel's crypto code rather
 * than a device: the engine itself, when no usable device can serve the
 * step (every key carries such a fallback, keyed at setkey), and software
 * devices such as acrypto_soft, which ask for the internal SIMD variants
 * (__cbc-aes-aesni and friends) where they exist.  Asking only for
 * synchronous implementations (mask CRYPTO_ALG_ASYNC) keeps both from
 * recursing into the engine's own asynchronous algorithms.
 *
 * A step runs in the memory the caller gives it (the session's private
 * area): a sub-request of the implementation and its context, reqsize
 * bytes.  Nothing is allocated on the request path.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <linux/module.h>

#include "internal.h"

enum {
	ACRYPTO_SW_NONE,
	ACRYPTO_SW_SKCIPHER,
	ACRYPTO_SW_AEAD,
	ACRYPTO_SW_AHASH,
};

/* What implements each algorithm and mode, by crypto API name. */
struct acrypto_sw_name {
	u8 type;
	const char *name;	/* any synchronous implementation */
	const char *simd;	/* the internal SIMD one, or NULL */
};

static const struct acrypto_sw_name
acrypto_sw_names[__ACRYPTO_ALG_MAX][__ACRYPTO_MODE_MAX] = {
	[ACRYPTO_ALG_AES] = {
		[ACRYPTO_MODE_ECB] = { ACRYPTO_SW_SKCIPHER, "ecb(aes)", "__ecb(aes)" },
		[ACRYPTO_MODE_CBC] = { ACRYPTO_SW_SKCIPHER, "cbc(aes)", "__cbc(aes)" },
		[ACRYPTO_MODE_CTR] = { ACRYPTO_SW_SKCIPHER, "ctr(aes)", "__ctr(aes)" },
		[ACRYPTO_MODE_XTS] = { ACRYPTO_SW_SKCIPHER, "xts(aes)", "__xts(aes)" },
		[ACRYPTO_MODE_GCM] = { ACRYPTO_SW_AEAD, "gcm(aes)", "__gcm(aes)" },
		[ACRYPTO_MODE_RFC4106] = { ACRYPTO_SW_AEAD, "rfc4106(gcm(aes))",
					   "__rfc4106(gcm(aes))" },
	},
	[ACRYPTO_ALG_SHA1] = {
		[ACRYPTO_MODE_HASH] = { ACRYPTO_SW_AHASH, "sha1" },
		[ACRYPTO_MODE_HMAC] = { ACRYPTO_SW_AHASH, "hmac(sha1)" },
	},
	[ACRYPTO_ALG_SHA256] = {
		[ACRYPTO_MODE_HASH] = { ACRYPTO_SW_AHASH, "sha256" },
		[ACRYPTO_MODE_HMAC] = { ACRYPTO_SW_AHASH, "hmac(sha256)" },
	},
};

static void *acrypto_sw_alloc_tfm(u8 type, const char *name, bool internal)
{
	u32 ftype = internal ? CRYPTO_ALG_INTERNAL : 0;
	u32 mask = ftype | CRYPTO_ALG_ASYNC;

	switch (type) {
	case ACRYPTO_SW_SKCIPHER:
		return crypto_alloc_skcipher(name, ftype, mask);
	case ACRYPTO_SW_AEAD:
		return crypto_alloc_aead(name, ftype, mask);
	case ACRYPTO_SW_AHASH:
		return crypto_alloc_ahash(name, ftype, mask);
	}
	return ERR_PTR(-EINVAL);
}

/**
 * acrypto_sw_alloc() - find the kernel's implementation of a mode
 * @sw: receives the implementation
 * @alg: enum acrypto_alg
 * @mode: enum acrypto_mode
 * @simd: prefer the internal SIMD implementation, which may only run where
 *	crypto_simd_usable(); the caller checks that before each step
 *
 * Context: process context, may sleep (loads modules).
 *
 * Return: 0, -ENOENT when the engine knows no implementation of @alg and
 * @mode, or the error of the crypto API.  @sw->tfm is NULL on error.
 */
int acrypto_sw_alloc(struct acrypto_sw *sw, u16 alg, u16 mode, bool simd)
{
	const struct acrypto_sw_name *n;
	void *tfm = ERR_PTR(-ENOENT);

	memset(sw, 0, sizeof(*sw));
	if (alg >= __ACRYPTO_ALG_MAX || mode >= __ACRYPTO_MODE_MAX)
		return -ENOENT;
	n = &acrypto_sw_names[alg][mode];
	if (!n->type)
		return -ENOENT;

	if (simd && n->simd) {
		tfm = acrypto_sw_alloc_tfm(n->type, n->simd, true);
		sw->simd = !IS_ERR(tfm);
	}
	if (IS_ERR(tfm))
		tfm = acrypto_sw_alloc_tfm(n->type, n->name, false);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);

	sw->type = n->type;
	sw->tfm = tfm;
	switch (n->type) {
	case ACRYPTO_SW_SKCIPHER:
		sw->reqsize = sizeof(struct skcipher_request) +
			      crypto_skcipher_reqsize(tfm);
		break;
	case ACRYPTO_SW_AEAD:
		sw->reqsize = sizeof(struct aead_request) +
			      crypto_aead_reqsize(tfm);
		break;
	case ACRYPTO_SW_AHASH:
		sw->reqsize = sizeof(struct ahash_request) +
			      crypto_ahash_reqsize(tfm);
		break;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(acrypto_sw_alloc);

/**
 * acrypto_sw_driver_name() - which implementation @sw is
 * @sw: an implementation from acrypto_sw_alloc()
 *
 * Return: its crypto API driver name.
 */
const char *acrypto_sw_driver_name(const struct acrypto_sw *sw)
{
	switch (sw->type) {
	case ACRYPTO_SW_SKCIPHER:
		return crypto_skcipher_driver_name(sw->tfm);
	case ACRYPTO_SW_AEAD:
		return crypto_aead_driver_name(sw->tfm);
	case ACRYPTO_SW_AHASH:
		return crypto_ahash_driver_name(sw->tfm);
	}
	return "none";
}
EXPORT_SYMBOL_GPL(acrypto_sw_driver_name);

/**
 * acrypto_sw_setkey() - key an implementation like a key's devices
 * @sw: an implementation from acrypto_sw_alloc()
 * @key: the key: its bytes, flags and AEAD tag size
 *
 * Context: process context, may sleep.
 *
 * Return: 0 or the error of the implementation's setkey.
 */
int acrypto_sw_setkey(struct acrypto_sw *sw, const struct acrypto_key *key)
{
	u32 flags = key->flags & CRYPTO_TFM_REQ_MASK;
	int err = 0;

	switch (sw->type) {
	case ACRYPTO_SW_SKCIPHER:
		crypto_skcipher_clear_flags(sw->tfm, CRYPTO_TFM_REQ_MASK);
		crypto_skcipher_set_flags(sw->tfm, flags);
		return crypto_skcipher_setkey(sw->tfm, key->data, key->keylen);
	case ACRYPTO_SW_AEAD:
		crypto_aead_clear_flags(sw->tfm, CRYPTO_TFM_REQ_MASK);
		crypto_aead_set_flags(sw->tfm, flags);
		err = crypto_aead_setkey(sw->tfm, key->data, key->keylen);
		if (!err && key->authsize)
			err = crypto_aead_setauthsize(sw->tfm, key->authsize);
		return err;
	case ACRYPTO_SW_AHASH:
		if (key->mode != ACRYPTO_MODE_HMAC)
			return 0;
		crypto_ahash_clear_flags(sw->tfm, CRYPTO_TFM_REQ_MASK);
		crypto_ahash_set_flags(sw->tfm, flags);
		return crypto_ahash_setkey(sw->tfm, key->data, key->keylen);
	}
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(acrypto_sw_setkey);

static int acrypto_sw_skcipher(struct acrypto_session *s, void *tfm,
			       struct skcipher_request *req)
{
	skcipher_request_set_tfm(req, tfm);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, s->src, s->dst, s->len, s->iv);
	if (acrypto_session_op(s) == ACRYPTO_OP_ENCRYPT)
		return crypto_skcipher_encrypt(req);
	return crypto_skcipher_decrypt(req);
}

static int acrypto_sw_aead(struct acrypto_session *s, void *tfm,
			   struct aead_request *req)
{
	aead_request_set_tfm(req, tfm);
	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_crypt(req, s->src, s->dst, s->len, s->iv);
	aead_request_set_ad(req, s->assoclen);
	if (acrypto_session_op(s) == ACRYPTO_OP_ENCRYPT)
		return crypto_aead_encrypt(req);
	return crypto_aead_decrypt(req);
}

static int acrypto_sw_ahash(struct acrypto_session *s, void *tfm,
			    struct ahash_request *req)
{
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

/**
 * acrypto_sw_crypt() - do the current step of a session with @sw
 * @sw: a keyed implementation of the step's algorithm and mode
 * @s: the session
 * @sub: at least @sw->reqsize bytes for the sub-request, aligned to
 *	CRYPTO_MINALIGN (the session's private area)
 *
 * The implementation is synchronous: the step is done when this returns.
 * A hash update writes the state only when it succeeded.
 *
 * Context: any up to softirq; an internal SIMD implementation only where
 * crypto_simd_usable().
 *
 * Return: the result of the step.
 */
int acrypto_sw_crypt(struct acrypto_sw *sw, struct acrypto_session *s,
		     void *sub)
{
	switch (sw->type) {
	case ACRYPTO_SW_SKCIPHER:
		return acrypto_sw_skcipher(s, sw->tfm, sub);
	case ACRYPTO_SW_AEAD:
		return acrypto_sw_aead(s, sw->tfm, sub);
	case ACRYPTO_SW_AHASH:
		return acrypto_sw_ahash(s, sw->tfm, sub);
	}
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(acrypto_sw_crypt);

/**
 * acrypto_sw_free() - release an implementation
 * @sw: from acrypto_sw_alloc(), or zeroed
 *
 * Context: process context.
 */
void acrypto_sw_free(struct acrypto_sw *sw)
{
	switch (sw->type) {
	case ACRYPTO_SW_SKCIPHER:
		crypto_free_skcipher(sw->tfm);
		break;
	case ACRYPTO_SW_AEAD:
		crypto_free_aead(sw->tfm);
		break;
	case ACRYPTO_SW_AHASH:
		crypto_free_ahash(sw->tfm);
		break;
	}
	memset(sw, 0, sizeof(*sw));
}
EXPORT_SYMBOL_GPL(acrypto_sw_free);

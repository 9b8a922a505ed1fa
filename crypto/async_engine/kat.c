// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: known-answer tests of devices.
 *
 * The crypto API's self-tests run once, when an algorithm registers: a
 * device that registers later, or comes back after a failure, would take
 * traffic untested.  So before a device is given sessions, the engine runs
 * a known-answer test of each of its capabilities through it: for each
 * cipher mode an encryption and a decryption of a published vector, for
 * each hash an update and a final step.  The sessions are bound to the
 * device and may reach it while it is out of service (ACRYPTO_SF_PROBE);
 * nothing else does.
 *
 * A device that answers right enters service.  One that answers wrong, or
 * not within kat_timeout_ms, stays out (state "failed", a log line naming
 * the capability); the watchdog tests it again every probe_interval_ms,
 * backing off up to 64 times that while it keeps failing, and a device that
 * stalled is tested the same way: it returns to service by itself once it
 * works.
 *
 * Vectors: FIPS-197 C.1 (ECB), SP 800-38A F.2.1 and F.5.1 (CBC, CTR), IEEE
 * 1619 XTS-AES vector 2, GCM test case 2 of McGrew and Viega, the first
 * RFC 4106 vector of the kernel's testmgr, FIPS 180-2 "abc" (SHA-1,
 * SHA-256), RFC 2202 and RFC 4231 test case 2 (HMAC).
 *
 * Context: the test sleeps (it prepares keys and waits for the device): it
 * runs in acrypto_device_register(), in the "broken" attribute's store,
 * and in a worker for the watchdog's probes.  kat->lock serialises them.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aes.h>
#include <crypto/hash.h>
#include <crypto/sha1.h>
#include <crypto/sha2.h>
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "internal.h"
#include "trace.h"

/* One published vector. */
struct acrypto_kat_vec {
	u8 alg;
	u8 mode;
	u8 klen;
	u8 ivlen;
	u8 alen;
	u8 plen;	/* text, or the message of a hash */
	u8 clen;	/* ciphertext and tag, or the digest */
	u8 split;	/* hash: bytes hashed by the update step */
	const u8 *key;
	const u8 *iv;
	const u8 *assoc;
	const u8 *ptext;
	const u8 *ctext;
};

static const u8 acrypto_kat_zero[32];

static const u8 acrypto_kat_sp800_key[] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
};

static const u8 acrypto_kat_sp800_ptext[] = {
	0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
	0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a,
	0xae, 0x2d, 0x8a, 0x57, 0x1e, 0x03, 0xac, 0x9c,
	0x9e, 0xb7, 0x6f, 0xac, 0x45, 0xaf, 0x8e, 0x51,
};

static const u8 acrypto_kat_seq16[] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};

static const u8 acrypto_kat_fips197_ptext[] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
};

static const u8 acrypto_kat_ecb_ctext[] = {
	0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
	0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a,
};

static const u8 acrypto_kat_cbc_ctext[] = {
	0x76, 0x49, 0xab, 0xac, 0x81, 0x19, 0xb2, 0x46,
	0xce, 0xe9, 0x8e, 0x9b, 0x12, 0xe9, 0x19, 0x7d,
	0x50, 0x86, 0xcb, 0x9b, 0x50, 0x72, 0x19, 0xee,
	0x95, 0xdb, 0x11, 0x3a, 0x91, 0x76, 0x78, 0xb2,
};

static const u8 acrypto_kat_ctr_iv[] = {
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
	0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};

static const u8 acrypto_kat_ctr_ctext[] = {
	0x87, 0x4d, 0x61, 0x91, 0xb6, 0x20, 0xe3, 0x26,
	0x1b, 0xef, 0x68, 0x64, 0x99, 0x0d, 0xb6, 0xce,
	0x98, 0x06, 0xf6, 0x6b, 0x79, 0x70, 0xfd, 0xff,
	0x86, 0x17, 0x18, 0x7b, 0xb9, 0xff, 0xfd, 0xff,
};

static const u8 acrypto_kat_xts_key[] = {
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
	0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
};

static const u8 acrypto_kat_xts_iv[] = {
	0x33, 0x33, 0x33, 0x33, 0x33, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const u8 acrypto_kat_xts_ptext[] = {
	0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44,
	0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44,
	0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44,
	0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44,
};

static const u8 acrypto_kat_xts_ctext[] = {
	0xc4, 0x54, 0x18, 0x5e, 0x6a, 0x16, 0x93, 0x6e,
	0x39, 0x33, 0x40, 0x38, 0xac, 0xef, 0x83, 0x8b,
	0xfb, 0x18, 0x6f, 0xff, 0x74, 0x80, 0xad, 0xc4,
	0x28, 0x93, 0x82, 0xec, 0xd6, 0xd3, 0x94, 0xf0,
};

static const u8 acrypto_kat_gcm_ctext[] = {
	0x03, 0x88, 0xda, 0xce, 0x60, 0xb6, 0xa3, 0x92,
	0xf3, 0x28, 0xc2, 0xb9, 0x71, 0xb2, 0xfe, 0x78,
	0xab, 0x6e, 0x47, 0xd4, 0x2c, 0xec, 0x13, 0xbd,
	0xf5, 0x3a, 0x67, 0xb2, 0x12, 0x57, 0xbd, 0xdf,
};

static const u8 acrypto_kat_rfc4106_ctext[] = {
	0x03, 0x88, 0xda, 0xce, 0x60, 0xb6, 0xa3, 0x92,
	0xf3, 0x28, 0xc2, 0xb9, 0x71, 0xb2, 0xfe, 0x78,
	0x97, 0xfe, 0x4c, 0x23, 0x37, 0x42, 0x01, 0xe0,
	0x81, 0x9f, 0x8d, 0xc5, 0xd7, 0x41, 0xa0, 0x1b,
};

static const u8 acrypto_kat_abc[] = "abc";
static const u8 acrypto_kat_jefe[] = "Jefe";
static const u8 acrypto_kat_jefe_msg[] = "what do ya want for nothing?";

static const u8 acrypto_kat_sha1_abc[] = {
	0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e,
	0x25, 0x71, 0x78, 0x50, 0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d,
};

static const u8 acrypto_kat_sha256_abc[] = {
	0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
	0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
	0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
	0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
};

static const u8 acrypto_kat_hmac_sha1_jefe[] = {
	0xef, 0xfc, 0xdf, 0x6a, 0xe5, 0xeb, 0x2f, 0xa2, 0xd2, 0x74,
	0x16, 0xd5, 0xf1, 0x84, 0xdf, 0x9c, 0x25, 0x9a, 0x7c, 0x79,
};

static const u8 acrypto_kat_hmac_sha256_jefe[] = {
	0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e,
	0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7,
	0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
	0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
};

#define KAT_CIPHER(_mode, _key, _klen, _iv, _ivlen, _p, _c)		\
	{ .alg = ACRYPTO_ALG_AES, .mode = ACRYPTO_MODE_##_mode,		\
	  .key = _key, .klen = _klen, .iv = _iv, .ivlen = _ivlen,	\
	  .ptext = _p, .plen = sizeof(_c), .ctext = _c, .clen = sizeof(_c) }

#define KAT_HASH(_alg, _mode, _key, _klen, _msg, _mlen, _split, _dg)	\
	{ .alg = ACRYPTO_ALG_##_alg, .mode = ACRYPTO_MODE_##_mode,	\
	  .key = _key, .klen = _klen, .ptext = _msg, .plen = _mlen,	\
	  .split = _split, .ctext = _dg, .clen = sizeof(_dg) }

static const struct acrypto_kat_vec acrypto_kat_vecs[] = {
	KAT_CIPHER(ECB, acrypto_kat_seq16, 16, NULL, 0,
		   acrypto_kat_fips197_ptext, acrypto_kat_ecb_ctext),
	KAT_CIPHER(CBC, acrypto_kat_sp800_key, 16, acrypto_kat_seq16, 16,
		   acrypto_kat_sp800_ptext, acrypto_kat_cbc_ctext),
	KAT_CIPHER(CTR, acrypto_kat_sp800_key, 16, acrypto_kat_ctr_iv, 16,
		   acrypto_kat_sp800_ptext, acrypto_kat_ctr_ctext),
	KAT_CIPHER(XTS, acrypto_kat_xts_key, 32, acrypto_kat_xts_iv, 16,
		   acrypto_kat_xts_ptext, acrypto_kat_xts_ctext),
	{ .alg = ACRYPTO_ALG_AES, .mode = ACRYPTO_MODE_GCM,
	  .key = acrypto_kat_zero, .klen = 16,
	  .iv = acrypto_kat_zero, .ivlen = 12,
	  .ptext = acrypto_kat_zero, .plen = 16,
	  .ctext = acrypto_kat_gcm_ctext, .clen = 32 },
	/* The associated data ends with the explicit IV (RFC 4106). */
	{ .alg = ACRYPTO_ALG_AES, .mode = ACRYPTO_MODE_RFC4106,
	  .key = acrypto_kat_zero, .klen = 20,
	  .iv = acrypto_kat_zero, .ivlen = 8,
	  .assoc = acrypto_kat_zero, .alen = 16,
	  .ptext = acrypto_kat_zero, .plen = 16,
	  .ctext = acrypto_kat_rfc4106_ctext, .clen = 32 },
	KAT_HASH(SHA1, HASH, NULL, 0, acrypto_kat_abc, 3, 2,
		 acrypto_kat_sha1_abc),
	KAT_HASH(SHA256, HASH, NULL, 0, acrypto_kat_abc, 3, 2,
		 acrypto_kat_sha256_abc),
	KAT_HASH(SHA1, HMAC, acrypto_kat_jefe, 4, acrypto_kat_jefe_msg, 28, 10,
		 acrypto_kat_hmac_sha1_jefe),
	KAT_HASH(SHA256, HMAC, acrypto_kat_jefe, 4, acrypto_kat_jefe_msg, 28,
		 10, acrypto_kat_hmac_sha256_jefe),
};

/* Room for the largest vector: associated data, text and tag. */
#define ACRYPTO_KAT_BUF		64
#define ACRYPTO_KAT_STATE	sizeof(struct sha256_state)

/**
 * struct acrypto_kat - the known-answer test of one device
 * @lock: one test at a time
 * @work: runs a test for the watchdog
 * @done: the test session finished
 * @result: its result
 * @stuck: a test session did not come back in time and is still with the
 *	device: the buffers and @key belong to it until @done
 * @key: the key of the vector being tested (not on the engine's key list)
 * @next_probe: jiffies before which the watchdog does not test again
 * @backoff: multiplier of probe_interval_ms, doubled at each failure
 * @src: source buffer, kmalloc'ed (device-visible)
 * @dst: destination buffer
 * @iv: IV buffer
 * @state: hash state
 * @digest: hash result
 * @src_sg: @src
 * @dst_sg: @dst
 * @dev: the device
 * @req: the test session and its private area
 */
struct acrypto_kat {
	struct mutex lock;		/* serialises the tests */
	struct work_struct work;
	struct completion done;
	int result;
	bool stuck;
	struct acrypto_key *key;
	unsigned long next_probe;
	unsigned int backoff;
	u8 *src;
	u8 *dst;
	u8 *iv;
	u8 *state;
	u8 *digest;
	struct scatterlist src_sg;
	struct scatterlist dst_sg;
	struct acrypto_device *dev;
	struct acrypto_kat_req *req;
};

/* The test session; its private area follows. */
struct acrypto_kat_req {
	struct acrypto_kat *kat;
	struct acrypto_session s;
};

static const struct acrypto_kat_vec *acrypto_kat_find(u16 alg, u16 mode)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(acrypto_kat_vecs); i++)
		if (acrypto_kat_vecs[i].alg == alg &&
		    acrypto_kat_vecs[i].mode == mode)
			return &acrypto_kat_vecs[i];
	return NULL;
}

/**
 * acrypto_session_probing() - may a session reach a device out of service?
 * @s: the session
 * @dev: the device
 *
 * Return: true for a known-answer test session bound to @dev while @dev is
 * registered and not going away.
 */
bool acrypto_session_probing(const struct acrypto_session *s,
			     const struct acrypto_device *dev)
{
	return (s->flags & ACRYPTO_SF_PROBE) && s->bind == dev &&
	       test_bit(ACRYPTO_DEV_REGISTERED, &dev->state) &&
	       !test_bit(ACRYPTO_DEV_DYING, &dev->state);
}

static void acrypto_kat_done(struct acrypto_session *s, int err)
{
	struct acrypto_kat *kat = container_of(s, struct acrypto_kat_req, s)->kat;

	if (err == -EINPROGRESS)
		return;
	kat->result = err;
	complete(&kat->done);
}

/* Release the key of the last vector from @dev.  Caller holds kat->lock. */
static void acrypto_kat_put_key(struct acrypto_device *dev,
				struct acrypto_kat *kat)
{
	struct acrypto_key *key = kat->key;

	lockdep_assert_held(&kat->lock);
	if (!key)
		return;
	if (dev->index >= 0 && test_bit(dev->index, &key->ready) &&
	    dev->ops->key_release)
		dev->ops->key_release(dev, key);
	kfree_sensitive(key->data);
	kfree(key);
	kat->key = NULL;
}

/* Key @vec on @dev only.  Caller holds kat->lock. */
static int acrypto_kat_get_key(struct acrypto_device *dev,
			       struct acrypto_kat *kat,
			       const struct acrypto_kat_vec *vec)
{
	struct acrypto_key *key;
	int err = 0;

	lockdep_assert_held(&kat->lock);
	key = kzalloc(sizeof(*key), GFP_KERNEL);
	if (!key)
		return -ENOMEM;
	key->alg = vec->alg;
	key->mode = vec->mode;
	key->prio = ACRYPTO_PRIO_LATENCY;
	key->keylen = vec->klen;
	key->data = kmemdup(vec->key ?: acrypto_kat_zero, max_t(u8, vec->klen, 1),
			    GFP_KERNEL);
	key->authsize = vec->mode == ACRYPTO_MODE_GCM ||
			vec->mode == ACRYPTO_MODE_RFC4106 ? 16 : 0;
	key->priv_size = ALIGN(dev->reqsize, CRYPTO_MINALIGN);
	key->set = true;
	atomic_set(&key->waiting, 0);
	kat->key = key;
	if (!key->data)
		return -ENOMEM;
	if (dev->ops->key_prepare)
		err = dev->ops->key_prepare(dev, key);
	if (!err)
		set_bit(dev->index, &key->ready);
	return err;
}

/* The initial state of the hash of @vec, in the export format. */
static int acrypto_kat_hash_state(const struct acrypto_kat_vec *vec, u8 *out)
{
	static const char *const names[__ACRYPTO_ALG_MAX][2] = {
		[ACRYPTO_ALG_SHA1] = { "sha1", "hmac(sha1)" },
		[ACRYPTO_ALG_SHA256] = { "sha256", "hmac(sha256)" },
	};
	bool hmac = vec->mode == ACRYPTO_MODE_HMAC;
	struct crypto_shash *tfm;
	int err = 0;

	tfm = crypto_alloc_shash(names[vec->alg][hmac], 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	if (crypto_shash_statesize(tfm) > ACRYPTO_KAT_STATE)
		err = -EOVERFLOW;
	if (!err && hmac)
		err = crypto_shash_setkey(tfm, vec->key, vec->klen);
	if (!err)
		err = acrypto_hash_init_state(tfm, out);
	crypto_free_shash(tfm);
	return err;
}

/*
 * Run one step of @vec through @dev and wait for it.  Returns its result,
 * or -ETIMEDOUT with the session left to the device (kat->stuck).
 */
static int acrypto_kat_step(struct acrypto_device *dev, struct acrypto_kat *kat,
			    const struct acrypto_kat_vec *vec, u8 op,
			    unsigned int len, const u8 *src, unsigned int slen)
{
	unsigned long timeout = msecs_to_jiffies(READ_ONCE(acrypto_kat_timeout_ms));
	struct acrypto_session *s = &kat->req->s;
	int ret;

	memcpy(kat->src, src, slen);
	memset(kat->dst, 0, ACRYPTO_KAT_BUF);
	sg_init_one(&kat->src_sg, kat->src, max(slen, 1U));
	sg_init_one(&kat->dst_sg, kat->dst, ACRYPTO_KAT_BUF);
	if (vec->iv)
		memcpy(kat->iv, vec->iv, vec->ivlen);

	acrypto_session_init(s, kat->key, acrypto_kat_done);
	acrypto_session_add_hop(s, op, vec->alg, vec->mode);
	if (op == ACRYPTO_OP_HASH_UPDATE || op == ACRYPTO_OP_HASH_FINAL ||
	    op == ACRYPTO_OP_HASH_DIGEST) {
		acrypto_session_set_crypt(s, len ? &kat->src_sg : NULL, NULL,
					  len, NULL);
		acrypto_session_set_hash(s, kat->state,
					 op == ACRYPTO_OP_HASH_UPDATE ?
					 NULL : kat->digest);
	} else {
		acrypto_session_set_crypt(s, &kat->src_sg, &kat->dst_sg, len,
					  kat->iv);
		acrypto_session_set_aead(s, vec->alen, kat->key->authsize);
	}
	acrypto_session_bind(s, dev);
	s->flags |= ACRYPTO_SF_PROBE;
	s->req_flags = CRYPTO_TFM_REQ_MAY_BACKLOG;
	s->priority = ACRYPTO_PRIO_LATENCY;

	reinit_completion(&kat->done);
	ret = acrypto_session_submit(s);
	if (ret != -EINPROGRESS && ret != -EBUSY)
		return ret;
	if (!wait_for_completion_timeout(&kat->done, timeout)) {
		kat->stuck = true;
		return -ETIMEDOUT;
	}
	return kat->result;
}

static const char *acrypto_kat_op_name(u8 op)
{
	switch (op) {
	case ACRYPTO_OP_ENCRYPT:
		return "encrypt";
	case ACRYPTO_OP_DECRYPT:
		return "decrypt";
	case ACRYPTO_OP_HASH_UPDATE:
		return "update";
	case ACRYPTO_OP_HASH_DIGEST:
		return "digest";
	default:
		return "final";
	}
}

/* Test @vec in the operations @ops on @dev.  Caller holds kat->lock. */
static int acrypto_kat_vec(struct acrypto_device *dev, struct acrypto_kat *kat,
			   const struct acrypto_kat_vec *vec, u32 ops, u8 *bad_op)
{
	u8 buf[ACRYPTO_KAT_BUF];
	unsigned int n;
	int err;

	lockdep_assert_held(&kat->lock);
	err = acrypto_kat_get_key(dev, kat, vec);
	if (err)
		return err;

	if (vec->mode == ACRYPTO_MODE_HASH || vec->mode == ACRYPTO_MODE_HMAC) {
		u8 last = ACRYPTO_OP_HASH_FINAL;

		n = 0;
		err = acrypto_kat_hash_state(vec, kat->state);
		if (err)
			return err;
		/* A device that keeps no state is tested on whole messages. */
		if (!(ops & BIT(ACRYPTO_OP_HASH_FINAL))) {
			last = ACRYPTO_OP_HASH_DIGEST;
		} else if (ops & BIT(ACRYPTO_OP_HASH_UPDATE)) {
			*bad_op = ACRYPTO_OP_HASH_UPDATE;
			n = vec->split;
			err = acrypto_kat_step(dev, kat, vec,
					       ACRYPTO_OP_HASH_UPDATE, n,
					       vec->ptext, n);
			if (err)
				return err;
		}
		if (!(ops & BIT(last)))
			return 0;
		*bad_op = last;
		memset(kat->digest, 0, SHA256_DIGEST_SIZE);
		err = acrypto_kat_step(dev, kat, vec, last,
				       vec->plen - n, vec->ptext + n,
				       vec->plen - n);
		if (err)
			return err;
		return memcmp(kat->digest, vec->ctext, vec->clen) ? -EBADMSG : 0;
	}

	/* Ciphers and AEADs: source and destination hold the AAD first. */
	if (ops & BIT(ACRYPTO_OP_ENCRYPT)) {
		*bad_op = ACRYPTO_OP_ENCRYPT;
		memcpy(buf, vec->assoc ?: acrypto_kat_zero, vec->alen);
		memcpy(buf + vec->alen, vec->ptext, vec->plen);
		err = acrypto_kat_step(dev, kat, vec, ACRYPTO_OP_ENCRYPT,
				       vec->plen, buf, vec->alen + vec->plen);
		if (err)
			return err;
		if (memcmp(kat->dst + vec->alen, vec->ctext, vec->clen))
			return -EBADMSG;
	}
	if (ops & BIT(ACRYPTO_OP_DECRYPT)) {
		*bad_op = ACRYPTO_OP_DECRYPT;
		memcpy(buf, vec->assoc ?: acrypto_kat_zero, vec->alen);
		memcpy(buf + vec->alen, vec->ctext, vec->clen);
		err = acrypto_kat_step(dev, kat, vec, ACRYPTO_OP_DECRYPT,
				       vec->clen, buf, vec->alen + vec->clen);
		if (err)
			return err;
		if (memcmp(kat->dst + vec->alen, vec->ptext, vec->plen))
			return -EBADMSG;
	}
	return 0;
}

/**
 * acrypto_kat_run() - test a device with known answers, and act on it
 * @dev: a registered device, out of service or being registered
 *
 * A device that passes enters service (unless another reason keeps it
 * out); one that fails is kept out with the reason "failed".
 *
 * Context: process context, sleeps up to kat_timeout_ms per step.
 *
 * Return: 0 when the device passed, -EBUSY when a test session of an
 * earlier run is still with the device, else the failure (-EBADMSG for a
 * wrong answer, -ETIMEDOUT for none, or the step's error).
 */
int acrypto_kat_run(struct acrypto_device *dev)
{
	struct acrypto_kat *kat = dev->kat;
	const struct acrypto_kat_vec *vec;
	unsigned int i, tested = 0;
	u8 op = 0;
	int err = 0;

	mutex_lock(&kat->lock);
	if (kat->stuck) {
		if (!try_wait_for_completion(&kat->done)) {
			mutex_unlock(&kat->lock);
			return -EBUSY;
		}
		kat->stuck = false;
		acrypto_kat_put_key(dev, kat);
	}
	if (test_bit(ACRYPTO_DEV_DYING, &dev->state)) {
		mutex_unlock(&kat->lock);
		return -ENODEV;
	}
	set_bit(ACRYPTO_DEV_TESTING, &dev->state);
	acrypto_trace_device_state(dev);

	for (i = 0; i < dev->num_caps && !err; i++) {
		const struct acrypto_cap *cap = &dev->caps[i];

		vec = acrypto_kat_find(cap->alg, cap->mode);
		if (!vec || !acrypto_cap_offered(dev, cap) || vec->klen < cap->min_keysize ||
		    vec->klen > cap->max_keysize)
			continue;
		if (cap->max_len && vec->alen + max(vec->plen, vec->clen) >
		    cap->max_len)
			continue;
		err = acrypto_kat_vec(dev, kat, vec, cap->ops, &op);
		if (!kat->stuck)
			acrypto_kat_put_key(dev, kat);
		if (err == -EOPNOTSUPP) {
			/* Declined: the device leaves the vector to others. */
			err = 0;
			continue;
		}
		if (err)
			dev_err(&dev->dev,
				"failed its known-answer test: %s-%s %s: %d\n",
				acrypto_mode_name(cap->mode),
				acrypto_alg_name(cap->alg),
				acrypto_kat_op_name(op), err);
		tested++;
	}

	if (err) {
		kat->next_probe = jiffies + kat->backoff *
				  msecs_to_jiffies(acrypto_probe_interval_ms);
		kat->backoff = min(kat->backoff * 2, 64U);
		set_bit(ACRYPTO_DEV_OFF_FAILED, &dev->state);
		clear_bit(ACRYPTO_DEV_TESTING, &dev->state);
		acrypto_device_notify(dev);
	} else {
		kat->backoff = 1;
		dev_dbg(&dev->dev, "passed %u known-answer tests\n", tested);
		acrypto_device_enter_service(dev);
	}
	mutex_unlock(&kat->lock);
	return err;
}

static void acrypto_kat_worker(struct work_struct *work)
{
	struct acrypto_kat *kat = container_of(work, struct acrypto_kat, work);
	struct acrypto_device *dev = kat->dev;

	if (acrypto_device_usable(dev) ||
	    test_bit(ACRYPTO_DEV_DYING, &dev->state) ||
	    test_bit(ACRYPTO_DEV_OFF_ADMIN, &dev->state) ||
	    test_bit(ACRYPTO_DEV_OFF_DRIVER, &dev->state))
		return;
	acrypto_kat_run(dev);
}

/**
 * acrypto_kat_probe() - test a device out of service, in a worker
 * @dev: the device
 *
 * Context: any up to softirq.
 */
void acrypto_kat_probe(struct acrypto_device *dev)
{
	struct acrypto_kat *kat = dev->kat;

	if (kat)
		queue_work(system_long_wq, &kat->work);
}

/**
 * acrypto_kat_probe_due() - the watchdog looks at a device out of service
 * @dev: a device kept out by a stall or a failed test only
 *
 * Context: the watchdog's worker.
 */
void acrypto_kat_probe_due(struct acrypto_device *dev)
{
	struct acrypto_kat *kat = dev->kat;

	if (kat && time_after_eq(jiffies, READ_ONCE(kat->next_probe)))
		acrypto_kat_probe(dev);
}

/**
 * acrypto_kat_init_device() - what the tests of a new device need
 * @dev: a device about to register
 *
 * Context: process context, may sleep.
 *
 * Return: 0 or -ENOMEM.
 */
int acrypto_kat_init_device(struct acrypto_device *dev)
{
	struct acrypto_kat *kat;
	u8 *buf;

	kat = kzalloc(sizeof(*kat), GFP_KERNEL);
	if (!kat)
		return -ENOMEM;
	buf = kzalloc(3 * ACRYPTO_KAT_BUF + ACRYPTO_KAT_STATE, GFP_KERNEL);
	kat->req = kzalloc(sizeof(*kat->req) +
			   ALIGN(dev->reqsize, CRYPTO_MINALIGN), GFP_KERNEL);
	if (!buf || !kat->req) {
		kfree(kat->req);
		kfree(buf);
		kfree(kat);
		return -ENOMEM;
	}
	kat->req->kat = kat;
	kat->src = buf;
	kat->dst = buf + ACRYPTO_KAT_BUF;
	kat->iv = kat->dst + ACRYPTO_KAT_BUF;
	kat->digest = kat->iv + AES_BLOCK_SIZE;
	kat->state = kat->iv + ACRYPTO_KAT_BUF;
	mutex_init(&kat->lock);
	INIT_WORK(&kat->work, acrypto_kat_worker);
	init_completion(&kat->done);
	kat->backoff = 1;
	kat->dev = dev;
	dev->kat = kat;
	return 0;
}

/**
 * acrypto_kat_stop() - no test runs on a device going away
 * @dev: a dying device, drained (its test sessions finished or with it)
 *
 * Context: process context.
 */
void acrypto_kat_stop(struct acrypto_device *dev)
{
	if (dev->kat)
		cancel_work_sync(&dev->kat->work);
}

/**
 * acrypto_kat_uninit_device() - free what the tests of a device used
 * @dev: a device with no session left on it
 */
void acrypto_kat_uninit_device(struct acrypto_device *dev)
{
	struct acrypto_kat *kat = dev->kat;

	if (!kat)
		return;
	cancel_work_sync(&kat->work);
	mutex_lock(&kat->lock);
	acrypto_kat_put_key(dev, kat);
	mutex_unlock(&kat->lock);
	kfree(kat->src);
	kfree(kat->req);
	kfree(kat);
	dev->kat = NULL;
}

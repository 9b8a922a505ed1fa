// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_testdev: the device - accepting, completing, cancelling, faults.
 *
 * ->process() accepts a request onto the instance's pending list with a due
 * time computed from the instance's latency and throughput, and returns
 * -EINPROGRESS; when the instance holds qlen requests it says -ENOSPC and
 * calls acrypto_device_unblock() once room appears.  A soft hrtimer fires
 * at the due time of the head of the list, takes the due requests off it,
 * computes each one with the kernel's synchronous implementation of its
 * mode - skcipher, AEAD or hash (the data is touched only here, so a
 * request the engine took back was never modified) - and completes it in
 * softirq context.
 *
 * Faults are decided when a request is accepted and carried out when it
 * completes: a clean failure completes with the error and touches nothing;
 * a written failure first overwrites the step's output with garbage and
 * says so with acrypto_session_set_written(), like a device that failed in
 * the middle of a DMA; a wrong output is computed, then one bit of it is
 * flipped, and completes with success, like a silently broken device.
 *
 * ->cancel() gives a request back only while it is still on the pending
 * list; the timer takes requests off the list under the same lock before it
 * touches them, so a request is either given back or completed, never both,
 * and a cancelled request is never seen again.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <crypto/aes.h>
#include <crypto/hash.h>
#include <crypto/scatterwalk.h>
#include <crypto/sha1.h>
#include <crypto/sha2.h>
#include <crypto/skcipher.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>

#include "testdev.h"

/* Completions per timer run: bounds the time spent in one softirq. */
#define TESTDEV_BATCH		16
#define TESTDEV_BATCH_BYTES	SZ_64K

/* What a written failure leaves in every byte of the step's output. */
#define TESTDEV_GARBAGE		0xa5

#define TESTDEV_CIPHER_OPS	(BIT(ACRYPTO_OP_ENCRYPT) | BIT(ACRYPTO_OP_DECRYPT))
#define TESTDEV_HASH_OPS	(BIT(ACRYPTO_OP_HASH_UPDATE) | \
				 BIT(ACRYPTO_OP_HASH_FINAL))
/* The front end hashes longer HMAC keys, as HMAC does (RFC 2104). */
#define TESTDEV_HMAC_MAX_KEYSIZE	SHA256_BLOCK_SIZE

/* The crypto API type that computes an implementation. */
enum testdev_type {
	TESTDEV_TYPE_SKCIPHER,
	TESTDEV_TYPE_AEAD,
	TESTDEV_TYPE_HASH,
};

/**
 * struct testdev_impl - a synchronous implementation, shared by all instances
 * @name: its name in the modes parameter
 * @driver: crypto API name of the kernel's implementation
 * @alg: enum acrypto_alg it serves
 * @mode: enum acrypto_mode it serves
 * @type: enum testdev_type
 * @min_keysize: smallest key, in bytes
 * @max_keysize: largest key, in bytes
 * @digestsize: hash: the output of a final step
 * @statesize: hash: the exported state, the output of an update step
 * @probed: found at load time; the fields below are valid
 * @reqsize: bytes of the sub-request and its context
 */
struct testdev_impl {
	const char *name;
	const char *driver;
	u16 alg;
	u16 mode;
	enum testdev_type type;
	u16 min_keysize;
	u16 max_keysize;
	u16 digestsize;
	u16 statesize;
	bool probed;
	unsigned int reqsize;
};

#define TESTDEV_IMPL(_name, _drv, _alg, _mode, _type, _kmin, _kmax, _dsz, _ssz) \
	{								\
		.name = _name,						\
		.driver = _drv,						\
		.alg = ACRYPTO_ALG_##_alg,				\
		.mode = ACRYPTO_MODE_##_mode,				\
		.type = TESTDEV_TYPE_##_type,				\
		.min_keysize = _kmin,					\
		.max_keysize = _kmax,					\
		.digestsize = _dsz,					\
		.statesize = _ssz,					\
	}

#define TESTDEV_AES(_name, _mode, _type, _kmin, _kmax)			\
	TESTDEV_IMPL(#_name, #_name "(aes)", AES, _mode, _type, _kmin, _kmax, \
		     0, 0)

#define TESTDEV_SHA(_name, _drv, _alg, _mode, _kmax, _state)		\
	TESTDEV_IMPL(_name, _drv, _alg, _mode, HASH, 0, _kmax,		\
		     _alg##_DIGEST_SIZE, sizeof(struct _state))

static struct testdev_impl testdev_impls[TESTDEV_NUM_IMPLS] = {
	[TESTDEV_ECB] = TESTDEV_AES(ecb, ECB, SKCIPHER, AES_MIN_KEY_SIZE,
				    AES_MAX_KEY_SIZE),
	[TESTDEV_CBC] = TESTDEV_AES(cbc, CBC, SKCIPHER, AES_MIN_KEY_SIZE,
				    AES_MAX_KEY_SIZE),
	[TESTDEV_CTR] = TESTDEV_AES(ctr, CTR, SKCIPHER, AES_MIN_KEY_SIZE,
				    AES_MAX_KEY_SIZE),
	[TESTDEV_XTS] = TESTDEV_AES(xts, XTS, SKCIPHER, 2 * AES_MIN_KEY_SIZE,
				    2 * AES_MAX_KEY_SIZE),
	[TESTDEV_GCM] = TESTDEV_AES(gcm, GCM, AEAD, AES_MIN_KEY_SIZE,
				    AES_MAX_KEY_SIZE),
	[TESTDEV_SHA1] = TESTDEV_SHA("sha1", "sha1", SHA1, HASH, 0,
				     sha1_state),
	[TESTDEV_SHA256] = TESTDEV_SHA("sha256", "sha256", SHA256, HASH, 0,
				       sha256_state),
	[TESTDEV_HMAC_SHA1] = TESTDEV_SHA("hmac-sha1", "hmac(sha1)", SHA1, HMAC,
					  TESTDEV_HMAC_MAX_KEYSIZE, sha1_state),
	[TESTDEV_HMAC_SHA256] = TESTDEV_SHA("hmac-sha256", "hmac(sha256)",
					    SHA256, HMAC,
					    TESTDEV_HMAC_MAX_KEYSIZE,
					    sha256_state),
};

/* Room for the sub-request and its context in every request, from the probe. */
static unsigned int testdev_sub_reqsize;

/**
 * testdev_impl_by_name() - the capability a modes parameter names
 * @name: "ecb", "cbc", ..., "hmac-sha256"
 *
 * Return: its enum testdev_impl_id, or -EINVAL.
 */
int testdev_impl_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < TESTDEV_NUM_IMPLS; i++)
		if (!strcmp(testdev_impls[i].name, name))
			return i;
	return -EINVAL;
}

static const struct testdev_impl *testdev_impl_find(unsigned int alg,
						    unsigned int mode)
{
	unsigned int i;

	for (i = 0; i < TESTDEV_NUM_IMPLS; i++)
		if (testdev_impls[i].alg == alg && testdev_impls[i].mode == mode)
			return &testdev_impls[i];
	return NULL;
}

/*
 * Only synchronous implementations (mask CRYPTO_ALG_ASYNC): the engine's own
 * algorithms are asynchronous, so the device never recurses into acrypto.
 */
static void *testdev_alloc_tfm(const struct testdev_impl *impl)
{
	switch (impl->type) {
	case TESTDEV_TYPE_SKCIPHER:
		return crypto_alloc_skcipher(impl->driver, 0, CRYPTO_ALG_ASYNC);
	case TESTDEV_TYPE_AEAD:
		return crypto_alloc_aead(impl->driver, 0, CRYPTO_ALG_ASYNC);
	case TESTDEV_TYPE_HASH:
		return crypto_alloc_ahash(impl->driver, 0, CRYPTO_ALG_ASYNC);
	}
	return ERR_PTR(-EINVAL);
}

static void testdev_free_tfm(const struct testdev_impl *impl, void *tfm)
{
	switch (impl->type) {
	case TESTDEV_TYPE_SKCIPHER:
		crypto_free_skcipher(tfm);
		break;
	case TESTDEV_TYPE_AEAD:
		crypto_free_aead(tfm);
		break;
	case TESTDEV_TYPE_HASH:
		crypto_free_ahash(tfm);
		break;
	}
}

/* Bytes of a sub-request of @tfm and its context. */
static unsigned int testdev_tfm_reqsize(const struct testdev_impl *impl,
					void *tfm)
{
	switch (impl->type) {
	case TESTDEV_TYPE_SKCIPHER:
		return sizeof(struct skcipher_request) +
		       crypto_skcipher_reqsize(tfm);
	case TESTDEV_TYPE_AEAD:
		return sizeof(struct aead_request) + crypto_aead_reqsize(tfm);
	case TESTDEV_TYPE_HASH:
		return sizeof(struct ahash_request) +
		       crypto_ahash_reqsize(tfm);
	}
	return UINT_MAX;
}

static const char *testdev_tfm_driver(const struct testdev_impl *impl,
				      void *tfm)
{
	switch (impl->type) {
	case TESTDEV_TYPE_SKCIPHER:
		return crypto_skcipher_driver_name(tfm);
	case TESTDEV_TYPE_AEAD:
		return crypto_aead_driver_name(tfm);
	case TESTDEV_TYPE_HASH:
		return crypto_ahash_driver_name(tfm);
	}
	return "?";
}

/* Find the implementation of one capability and the request size it needs. */
static int testdev_probe_one(struct testdev_impl *impl)
{
	void *tfm = testdev_alloc_tfm(impl);
	int err = 0;

	if (IS_ERR(tfm)) {
		pr_err("no synchronous %s: %ld\n",
		       impl->driver, PTR_ERR(tfm));
		return PTR_ERR(tfm);
	}
	/* Written failures overwrite exactly this much of a hash state. */
	if (impl->type == TESTDEV_TYPE_HASH &&
	    crypto_ahash_statesize(tfm) != impl->statesize) {
		pr_err("%s has an unexpected state size\n",
		       testdev_tfm_driver(impl, tfm));
		err = -EINVAL;
		goto out;
	}
	impl->reqsize = testdev_tfm_reqsize(impl, tfm);
	impl->probed = true;
	pr_info("%s computed by %s\n", impl->driver,
		testdev_tfm_driver(impl, tfm));
out:
	testdev_free_tfm(impl, tfm);
	return err;
}

/**
 * testdev_impl_probe() - find the synchronous implementations of @modes
 * @modes: bitmask of BIT(enum testdev_impl_id)
 * @reqsize: raised to the largest sub-request (with its context) of those
 *	implementations
 *
 * Context: process context, may sleep (loads templates).
 *
 * Return: 0, or the error of the first capability without an
 * implementation.
 */
int testdev_impl_probe(unsigned long modes, unsigned int *reqsize)
{
	unsigned int id;
	int err;

	for_each_set_bit(id, &modes, TESTDEV_NUM_IMPLS) {
		struct testdev_impl *impl = &testdev_impls[id];

		if (!impl->probed) {
			err = testdev_probe_one(impl);
			if (err)
				return err;
		}
		*reqsize = max(*reqsize, impl->reqsize);
	}
	testdev_sub_reqsize = *reqsize;
	return 0;
}

/**
 * testdev_impl_caps() - fill in the capabilities of an instance
 * @td: the instance, its device allocated
 * @modes: bitmask of BIT(enum testdev_impl_id), probed before
 */
void testdev_impl_caps(struct testdev *td, unsigned long modes)
{
	unsigned int id, n = 0;

	for_each_set_bit(id, &modes, TESTDEV_NUM_IMPLS) {
		const struct testdev_impl *impl = &testdev_impls[id];
		struct acrypto_cap *cap = &td->caps[n++];

		cap->ops = impl->type == TESTDEV_TYPE_HASH ? TESTDEV_HASH_OPS :
							     TESTDEV_CIPHER_OPS;
		cap->alg = impl->alg;
		cap->mode = impl->mode;
		cap->min_keysize = impl->min_keysize;
		cap->max_keysize = impl->max_keysize;
		cap->qlen = td->qlen;
	}
	td->adev->caps = td->caps;
	td->adev->num_caps = n;
}

static int testdev_key_setup(struct acrypto_device *adev,
			     struct acrypto_key *key)
{
	const struct testdev_impl *impl = testdev_impl_find(key->alg,
							    key->mode);
	u32 flags = key->flags & CRYPTO_TFM_REQ_MASK;
	void *tfm;
	int err = 0;

	if (!impl || !impl->probed)
		return -EOPNOTSUPP;
	tfm = testdev_alloc_tfm(impl);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	/*
	 * A better implementation registered since the probe may want a larger
	 * context than the requests have room for: then do without this key.
	 */
	if (testdev_tfm_reqsize(impl, tfm) > testdev_sub_reqsize) {
		err = -EOVERFLOW;
		goto err_free_tfm;
	}

	switch (impl->type) {
	case TESTDEV_TYPE_SKCIPHER:
		crypto_skcipher_set_flags(tfm, flags);
		err = crypto_skcipher_setkey(tfm, key->data, key->keylen);
		break;
	case TESTDEV_TYPE_AEAD:
		crypto_aead_set_flags(tfm, flags);
		err = crypto_aead_setkey(tfm, key->data, key->keylen);
		if (!err && key->authsize)
			err = crypto_aead_setauthsize(tfm, key->authsize);
		break;
	case TESTDEV_TYPE_HASH:
		if (impl->mode == ACRYPTO_MODE_HMAC) {
			crypto_ahash_set_flags(tfm, flags);
			err = crypto_ahash_setkey(tfm, key->data, key->keylen);
		}
		break;
	}
	if (err)
		goto err_free_tfm;
	acrypto_key_set_devpriv(key, adev, tfm);
	return 0;

err_free_tfm:
	testdev_free_tfm(impl, tfm);
	return err;
}

/* Set up the key, and note in the key log that it was given to us. */
static int testdev_key_prepare(struct acrypto_device *adev,
			       struct acrypto_key *key)
{
	const struct testdev_impl *impl = testdev_impl_find(key->alg,
							    key->mode);
	int err = testdev_key_setup(adev, key);

	if (impl)
		testdev_keys_prepared(testdev_from(adev), key, impl->name, err);
	return err;
}

static void testdev_key_release(struct acrypto_device *adev,
				struct acrypto_key *key)
{
	testdev_keys_released(testdev_from(adev), key);
	testdev_free_tfm(testdev_impl_find(key->alg, key->mode),
			 acrypto_key_devpriv(key, adev));
}

/* Simulated time the engine of the instance is busy with @len bytes. */
static u64 testdev_service_ns(struct testdev *td, unsigned int len)
{
	u64 bps = READ_ONCE(td->bytes_per_sec);
	u32 ops = READ_ONCE(td->ops_per_sec);
	u64 ns = 0;

	if (bps)
		ns += div64_u64((u64)len * NSEC_PER_SEC, bps);
	if (ops)
		ns += NSEC_PER_SEC / ops;
	return ns;
}

/*
 * Arm the timer for the head of the pending list, not before @not_before
 * (CLOCK_MONOTONIC, ns).  The timer re-arms itself for later than the
 * moment its softirq run began: requests already due then wait for the
 * next run, instead of being completed by this one (the hrtimer code runs a
 * timer again in the same run while it is due), so that one softirq run
 * completes TESTDEV_BATCH requests at most.  Caller holds td->lock.
 */
static void testdev_arm(struct testdev *td, u64 not_before)
{
	struct testdev_request *r;

	lockdep_assert_held(&td->lock);
	if (td->stalled || list_empty(&td->pending))
		return;
	r = list_first_entry(&td->pending, struct testdev_request, node);
	hrtimer_start(&td->timer, ns_to_ktime(max(r->due_ns, not_before)),
		      HRTIMER_MODE_ABS_SOFT);
}

/* The fault knobs' verdict on a request being accepted.  Caller holds lock. */
static void testdev_decide_faults(struct testdev *td, struct testdev_request *r)
{
	u32 fail_every = READ_ONCE(td->fail_every);
	u32 wrong = READ_ONCE(td->wrong_output);

	lockdep_assert_held(&td->lock);
	r->err = 0;
	r->fault = 0;
	if (fail_every && !(++td->seq % fail_every)) {
		r->err = -(int)READ_ONCE(td->fail_errno);
		if (READ_ONCE(td->fail_written))
			r->fault |= TESTDEV_RF_WRITTEN;
	}
	/* Counted on every request; a failure leaves nothing to corrupt. */
	if (wrong && !(++td->wrong_seq % wrong) && !r->err)
		r->fault |= TESTDEV_RF_WRONG;
}

static int testdev_finish(struct testdev *td, struct testdev_request *r,
			  struct testdev_stats *st);

/*
 * The complete_inline knob: compute now, complete from within ->process()
 * and only then say -EINPROGRESS.  The request never occupies the queue.
 */
static int testdev_process_inline(struct testdev *td,
				  struct testdev_request *r,
				  struct acrypto_session *s,
				  const struct testdev_impl *impl)
{
	struct testdev_stats st = {};
	int err;

	r->s = s;
	r->impl = impl;
	spin_lock_bh(&td->lock);
	testdev_decide_faults(td, r);
	td->stats.accepted++;
	spin_unlock_bh(&td->lock);

	err = testdev_finish(td, r, &st);

	spin_lock_bh(&td->lock);
	td->stats.completed++;
	td->stats.inlined++;
	td->stats.failed += st.failed;
	td->stats.written += st.written;
	td->stats.corrupted += st.corrupted;
	spin_unlock_bh(&td->lock);

	/* @r is part of @s: neither may be touched after this. */
	acrypto_session_complete(s, err);
	return -EINPROGRESS;
}

static int testdev_process(struct acrypto_device *adev,
			   struct acrypto_session *s)
{
	struct testdev *td = testdev_from(adev);
	struct testdev_request *r = acrypto_session_priv(s);
	u32 delay_us = READ_ONCE(td->process_delay_us);
	const struct testdev_impl *impl;
	bool was_empty;
	u64 now;

	/* Test knob only: may spin with BH off, for up to a second. */
	while (delay_us) {
		u32 chunk = min(delay_us, 1000U);

		udelay(chunk);
		delay_us -= chunk;
	}

	/* The engine gives us only what our capabilities say. */
	impl = testdev_impl_find(acrypto_session_alg(s),
				 acrypto_session_mode(s));
	if (unlikely(!impl))
		return -EOPNOTSUPP;
	if (READ_ONCE(td->complete_inline))
		return testdev_process_inline(td, r, s, impl);

	now = ktime_get_ns();
	spin_lock_bh(&td->lock);
	if (td->inflight >= READ_ONCE(td->qlen)) {
		td->blocked = true;
		td->stats.refused++;
		spin_unlock_bh(&td->lock);
		return -ENOSPC;
	}

	r->s = s;
	r->impl = impl;
	testdev_decide_faults(td, r);

	/* A FIFO engine: serial service time, then a pipelined latency. */
	td->busy_until_ns = max(now, td->busy_until_ns) +
			    testdev_service_ns(td, s->assoclen + s->len);
	r->due_ns = max(td->busy_until_ns +
			(u64)READ_ONCE(td->latency_us) * NSEC_PER_USEC,
			td->tail_due_ns);
	td->tail_due_ns = r->due_ns;

	was_empty = list_empty(&td->pending);
	list_add_tail(&r->node, &td->pending);
	hash_add(td->held, &r->hnode, (unsigned long)r);
	td->inflight++;
	td->stats.accepted++;
	td->stats.max_inflight = max(td->stats.max_inflight, td->inflight);
	if (was_empty)
		testdev_arm(td, 0);

	if (td->break_countdown && !--td->break_countdown && !td->dying)
		schedule_work(&td->break_work);
	spin_unlock_bh(&td->lock);
	return -EINPROGRESS;
}

static bool testdev_cancel(struct acrypto_device *adev,
			   struct acrypto_session *s)
{
	struct testdev *td = testdev_from(adev);
	struct testdev_request *r = acrypto_session_priv(s), *pos;
	bool found = false;

	if (!READ_ONCE(td->cancel))
		return false;

	/*
	 * The engine may ask about a session it marked active before our
	 * ->process() saw it, whose private area is still uninitialised: look
	 * for it among the requests we hold instead of trusting anything in it.
	 */
	spin_lock(&td->lock);
	hash_for_each_possible(td->held, pos, hnode, (unsigned long)r) {
		if (pos == r) {
			found = true;
			break;
		}
	}
	if (found) {
		list_del(&r->node);
		hash_del(&r->hnode);
		td->inflight--;
		td->stats.cancelled++;
		/* We may not call into the engine here: unblock from a worker. */
		if (td->blocked && td->inflight < READ_ONCE(td->qlen) &&
		    !td->dying) {
			td->blocked = false;
			schedule_work(&td->unblock_work);
		}
	}
	spin_unlock(&td->lock);
	return found;
}

const struct acrypto_device_ops testdev_ops = {
	.process = testdev_process,
	.key_prepare = testdev_key_prepare,
	.key_release = testdev_key_release,
	.cancel = testdev_cancel,
};

static int testdev_skcipher(struct acrypto_session *s, void *tfm, void *sub)
{
	struct skcipher_request *req = sub;

	skcipher_request_set_tfm(req, tfm);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, s->src, s->dst, s->len, s->iv);
	if (acrypto_session_op(s) == ACRYPTO_OP_ENCRYPT)
		return crypto_skcipher_encrypt(req);
	return crypto_skcipher_decrypt(req);
}

static int testdev_aead(struct acrypto_session *s, void *tfm, void *sub)
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

/* A hash step on the session's state, in the kernel's export format. */
static int testdev_ahash(struct acrypto_session *s, void *tfm, void *sub)
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

static int testdev_crypt(struct testdev *td, struct testdev_request *r)
{
	struct acrypto_session *s = r->s;
	void *tfm = acrypto_session_devpriv(s, td->adev);

	switch (r->impl->type) {
	case TESTDEV_TYPE_SKCIPHER:
		return testdev_skcipher(s, tfm, r->sub);
	case TESTDEV_TYPE_AEAD:
		return testdev_aead(s, tfm, r->sub);
	case TESTDEV_TYPE_HASH:
		return testdev_ahash(s, tfm, r->sub);
	}
	return -EINVAL;
}

/**
 * struct testdev_out - where the current step of a request puts its result
 * @buf: a hash's state (update) or digest (final), else NULL
 * @sg: a cipher's destination, when @buf is NULL
 * @off: bytes of @sg before the result: an AEAD's associated data
 * @len: bytes of result: the text, plus the tag when an AEAD encrypts
 */
struct testdev_out {
	u8 *buf;
	struct scatterlist *sg;
	unsigned int off;
	unsigned int len;
};

static void testdev_output(const struct testdev_request *r,
			   struct testdev_out *out)
{
	struct acrypto_session *s = r->s;
	unsigned int op = acrypto_session_op(s);

	memset(out, 0, sizeof(*out));
	switch (r->impl->type) {
	case TESTDEV_TYPE_SKCIPHER:
		out->sg = s->dst;
		out->len = s->len;
		break;
	case TESTDEV_TYPE_AEAD:
		out->sg = s->dst;
		out->off = s->assoclen;
		if (op == ACRYPTO_OP_ENCRYPT)
			out->len = s->len + s->authsize;
		else if (s->len > s->authsize)
			out->len = s->len - s->authsize;
		break;
	case TESTDEV_TYPE_HASH:
		if (op == ACRYPTO_OP_HASH_UPDATE) {
			out->buf = s->hstate;
			out->len = r->impl->statesize;
		} else {
			out->buf = s->result;
			out->len = r->impl->digestsize;
		}
		break;
	}
}

/* A written failure: garbage over the whole output of the step. */
static void testdev_scribble(const struct testdev_request *r)
{
	struct sg_mapping_iter miter;
	struct testdev_out out;
	unsigned int left;

	testdev_output(r, &out);
	if (out.buf) {
		memset(out.buf, TESTDEV_GARBAGE, out.len);
		return;
	}
	if (!out.len)
		return;

	sg_miter_start(&miter, out.sg, sg_nents(out.sg),
		       SG_MITER_TO_SG | SG_MITER_ATOMIC);
	left = sg_miter_skip(&miter, out.off) ? out.len : 0;
	while (left && sg_miter_next(&miter)) {
		unsigned int n = min_t(size_t, left, miter.length);

		memset(miter.addr, TESTDEV_GARBAGE, n);
		left -= n;
	}
	sg_miter_stop(&miter);
}

/*
 * A wrong output: the lowest bit of the first byte of the result flipped
 * (for a hash update, of the first chaining word of the state).  Returns
 * false when the step has no output to corrupt.
 */
static bool testdev_corrupt(const struct testdev_request *r)
{
	struct testdev_out out;
	u8 b;

	testdev_output(r, &out);
	if (!out.len)
		return false;
	if (out.buf) {
		out.buf[0] ^= 1;
		return true;
	}
	scatterwalk_map_and_copy(&b, out.sg, out.off, 1, 0);
	b ^= 1;
	scatterwalk_map_and_copy(&b, out.sg, out.off, 1, 1);
	return true;
}

/* Compute, or fail, one request as its fault flags say; its result. */
static int testdev_finish(struct testdev *td, struct testdev_request *r,
			  struct testdev_stats *st)
{
	int err = r->err;

	if (err) {
		st->failed++;
		if (r->fault & TESTDEV_RF_WRITTEN) {
			testdev_scribble(r);
			acrypto_session_set_written(r->s);
			st->written++;
		}
		return err;
	}
	err = testdev_crypt(td, r);
	if (!err && (r->fault & TESTDEV_RF_WRONG) && testdev_corrupt(r))
		st->corrupted++;
	return err;
}

static enum hrtimer_restart testdev_timer_fn(struct hrtimer *timer)
{
	struct testdev *td = container_of(timer, struct testdev, timer);
	struct testdev_stats st = {};
	struct testdev_request *r, *tmp;
	unsigned int n = 0, bytes = 0;
	u64 now = ktime_get_ns();
	LIST_HEAD(done);
	bool unblock = false;

	/* From here on the requests on @done are ours: ->cancel() misses them. */
	spin_lock(&td->lock);
	if (!td->stalled) {
		list_for_each_entry_safe(r, tmp, &td->pending, node) {
			if (r->due_ns > now || n >= TESTDEV_BATCH ||
			    bytes >= TESTDEV_BATCH_BYTES)
				break;
			list_move_tail(&r->node, &done);
			hash_del(&r->hnode);
			bytes += r->s->len;
			n++;
		}
	}
	spin_unlock(&td->lock);

	list_for_each_entry_safe(r, tmp, &done, node) {
		struct acrypto_session *s = r->s;
		int err;

		list_del(&r->node);
		err = testdev_finish(td, r, &st);
		/* @r is part of @s: neither may be touched after this. */
		acrypto_session_complete(s, err);
	}

	spin_lock(&td->lock);
	td->inflight -= n;
	td->stats.completed += n;
	td->stats.failed += st.failed;
	td->stats.written += st.written;
	td->stats.corrupted += st.corrupted;
	if (td->blocked && td->inflight < READ_ONCE(td->qlen)) {
		td->blocked = false;
		unblock = true;
	}
	testdev_arm(td, ktime_get_ns() + NSEC_PER_USEC);
	spin_unlock(&td->lock);

	if (unblock)
		acrypto_device_unblock(td->adev);
	return HRTIMER_NORESTART;
}

static void testdev_unblock_worker(struct work_struct *work)
{
	struct testdev *td = container_of(work, struct testdev, unblock_work);

	acrypto_device_unblock(td->adev);
}

/*
 * acrypto_device_set_broken() may sleep (it notifies sysfs): the instance
 * reports from process context.
 */
static void testdev_break_worker(struct work_struct *work)
{
	struct testdev *td = container_of(work, struct testdev, break_work);

	if (!READ_ONCE(td->dying))
		testdev_report_broken(td, true);
}

static void testdev_recover_worker(struct work_struct *work)
{
	struct testdev *td = container_of(to_delayed_work(work), struct testdev,
					  recover_work);

	if (!READ_ONCE(td->dying))
		testdev_report_broken(td, false);
}

/**
 * testdev_report_broken() - the instance reports a failure or recovery
 * @td: the instance
 * @broken: true: out of service; false: back in service
 *
 * Like a driver whose hardware reports an error: the engine moves the
 * sessions away (and takes back accepted ones through ->cancel()).  With
 * the break_ms knob set, recovery is reported that much later.
 *
 * Context: process context.
 */
void testdev_report_broken(struct testdev *td, bool broken)
{
	u32 ms = READ_ONCE(td->break_ms);

	WRITE_ONCE(td->broken, broken);
	dev_info(acrypto_device_to_dev(td->adev), "reporting itself %s\n",
		 broken ? "broken" : "recovered");
	acrypto_device_set_broken(td->adev, broken);
	if (broken && ms && !READ_ONCE(td->dying))
		schedule_delayed_work(&td->recover_work, msecs_to_jiffies(ms));
}

/**
 * testdev_set_stalled() - stop or resume completing requests
 * @td: the instance
 * @stalled: true to hold every request, false to complete them again
 *
 * A stalled instance still accepts requests until it is full.  Requests held
 * while stalled complete at once on resumption, unless the engine took them
 * back through ->cancel() in the meantime.
 */
void testdev_set_stalled(struct testdev *td, bool stalled)
{
	spin_lock_bh(&td->lock);
	td->stalled = stalled;
	testdev_arm(td, 0);
	spin_unlock_bh(&td->lock);
}

/**
 * testdev_set_qlen() - change how many requests the instance holds
 * @td: the instance
 * @qlen: 1 .. TESTDEV_MAX_QLEN
 *
 * Context: process context.
 */
void testdev_set_qlen(struct testdev *td, u32 qlen)
{
	unsigned int i;
	bool unblock = false;

	spin_lock_bh(&td->lock);
	WRITE_ONCE(td->qlen, qlen);
	/* What balancers compare the load with. */
	for (i = 0; i < td->adev->num_caps; i++)
		WRITE_ONCE(td->caps[i].qlen, qlen);
	if (td->blocked && td->inflight < qlen) {
		td->blocked = false;
		unblock = true;
	}
	spin_unlock_bh(&td->lock);

	if (unblock)
		acrypto_device_unblock(td->adev);
}

/**
 * testdev_set_fail_every() - inject an error into every Nth request
 * @td: the instance
 * @n: fail the Nth, 2Nth, ... request accepted from now on; 0 for none
 */
void testdev_set_fail_every(struct testdev *td, u32 n)
{
	spin_lock_bh(&td->lock);
	td->seq = 0;
	WRITE_ONCE(td->fail_every, n);
	spin_unlock_bh(&td->lock);
}

/**
 * testdev_set_wrong_output() - deliver every Nth result corrupted
 * @td: the instance
 * @n: compute the Nth, 2Nth, ... request accepted from now on, flip a bit
 *	of its output and complete it with success; 0 for none
 */
void testdev_set_wrong_output(struct testdev *td, u32 n)
{
	spin_lock_bh(&td->lock);
	td->wrong_seq = 0;
	WRITE_ONCE(td->wrong_output, n);
	spin_unlock_bh(&td->lock);
}

/**
 * testdev_set_break_after() - report broken after some more requests
 * @td: the instance
 * @count: accepted requests from now on after which the instance reports
 *	itself broken, or 0 to cancel a countdown
 */
void testdev_set_break_after(struct testdev *td, u32 count)
{
	spin_lock_bh(&td->lock);
	td->break_countdown = count;
	spin_unlock_bh(&td->lock);
}

/**
 * testdev_init() - set up an instance before its device registers
 * @td: the instance, in the private area of an allocated device
 * @cfg: initial settings
 */
void testdev_init(struct testdev *td, const struct testdev_config *cfg)
{
	td->latency_us = cfg->latency_us;
	td->bytes_per_sec = cfg->bytes_per_sec;
	td->ops_per_sec = cfg->ops_per_sec;
	td->qlen = cfg->qlen;
	td->wrong_output = cfg->wrong_output;
	td->fail_errno = EIO;
	td->cancel = true;

	spin_lock_init(&td->lock);
	INIT_LIST_HEAD(&td->pending);
	hash_init(td->held);
	hrtimer_init(&td->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	td->timer.function = testdev_timer_fn;
	INIT_WORK(&td->unblock_work, testdev_unblock_worker);
	INIT_WORK(&td->break_work, testdev_break_worker);
	INIT_DELAYED_WORK(&td->recover_work, testdev_recover_worker);
	testdev_keys_init(td);
}

/**
 * testdev_uninit() - take an instance away from the engine
 * @td: a registered instance
 *
 * Resumes a stalled instance first: acrypto_device_unregister() waits for
 * the requests the instance holds and did not give back.
 *
 * Context: process context, may sleep.
 */
void testdev_uninit(struct testdev *td)
{
	spin_lock_bh(&td->lock);
	td->dying = true;
	td->break_countdown = 0;
	spin_unlock_bh(&td->lock);
	cancel_work_sync(&td->break_work);
	cancel_delayed_work_sync(&td->recover_work);

	testdev_set_stalled(td, false);
	acrypto_device_unregister(td->adev);

	/* Nothing is pending any more: the timer has nothing left to do. */
	hrtimer_cancel(&td->timer);
	cancel_work_sync(&td->unblock_work);
	WARN_ON(!list_empty(&td->pending));
}

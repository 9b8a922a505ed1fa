// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_fault_test: what callers get from the engine when a device fails
 * a step after writing over its output.
 *
 * Requests go through the normal crypto API, to the engine's algorithms by
 * driver name (acrypto-cbc-aes, acrypto-gcm-aes, acrypto-sha256, ...), in
 * one of these layouts:
 *
 *   out      source and destination in different buffers
 *   inplace  one scatterlist for both (src == dst)
 *   alias    different scatterlists, cut at different places, over the
 *            same memory, as dm-crypt's reads are
 *   update   hashes: init, three update() calls, final(), so that every
 *            step but the last reads and writes the request's hash state
 *
 * Every result is checked against the kernel's own synchronous
 * implementation (allocated with mask CRYPTO_ALG_ASYNC, so never the
 * engine), and counted: correct, failed with an error (by errno), or wrong
 * with success, which must never happen.  Cipher and AEAD requests
 * alternate between encryption and decryption; CBC and CTR output IVs are
 * checked too.  Up to FT_INFLIGHT requests are in flight at once.
 *
 * The guest script sets up the devices (acrypto_testdev in one of its fault
 * modes, acrypto_soft to retry on) and a balancer, runs a case by writing
 * "<alg> <layout> <requests>" to /sys/kernel/debug/acrypto_fault_test/run,
 * reads the counts from .../result and reconciles them with the devices'
 * counters.  The write fails only when the case could not run (no such
 * algorithm, bad arguments, no memory, a request that never completed).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <crypto/aes.h>
#include <crypto/gcm.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <crypto/skcipher.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#define FT_INFLIGHT	8		/* requests in flight at once */
#define FT_MAX_REQUESTS	4096		/* per case */
#define FT_SEGS		4		/* scatterlist entries per side */
#define FT_BUFSIZE	(3 * PAGE_SIZE)	/* per buffer */
/* Data starts shortly before a page boundary, so requests span pages. */
#define FT_DATA_OFF	(PAGE_SIZE - 48)
#define FT_TAGSIZE	16
#define FT_MAX_IV	16
#define FT_HASH_STEPS	3		/* update() calls per hash request */
#define FT_TIMEOUT	(60 * HZ)	/* per request */
#define FT_MAX_ERRNOS	4		/* distinct errors reported */
#define FT_NLENS	5		/* request lengths of an algorithm */
#define FT_RESULT_SIZE	512

enum ft_type {
	FT_SKCIPHER,
	FT_AEAD,
	FT_HASH,
};

enum ft_layout {
	FT_OUT,
	FT_INPLACE,
	FT_ALIAS,
	FT_UPDATE,
};

static const char * const ft_layout_names[] = {
	[FT_OUT] = "out",
	[FT_INPLACE] = "inplace",
	[FT_ALIAS] = "alias",
	[FT_UPDATE] = "update",
};

/**
 * struct ft_alg - an algorithm the cases run through the engine
 * @name: in the run command
 * @driver: the engine's algorithm, by driver name
 * @ref: the kernel's implementation of the same algorithm
 * @type: enum ft_type
 * @keylen: key bytes (HMAC: key bytes; plain hashes: 0)
 * @ivsize: IV bytes
 * @iv_out: the mode defines the output IV (CBC, CTR): check it
 * @lens: request lengths, in turn (AEAD: of the text; hashes: of the
 *	message, at least 3 bytes, one for each update)
 */
struct ft_alg {
	const char *name;
	const char *driver;
	const char *ref;
	enum ft_type type;
	unsigned int keylen;
	unsigned int ivsize;
	bool iv_out;
	unsigned int lens[FT_NLENS];
};

#define FT_BLOCK_LENS	{ 16, 64, 512, 4096, 1008 }
#define FT_ANY_LENS	{ 1, 17, 512, 4096, 1000 }
#define FT_XTS_LENS	{ 16, 17, 512, 4096, 1000 }
#define FT_AEAD_LENS	{ 0, 1, 64, 512, 4000 }
#define FT_HASH_LENS	{ 3, 64, 200, 1000, 4096 }
/* AEAD associated data, in turn with the lengths. */
static const unsigned int ft_assoclens[] = { 0, 16, 20 };

static const struct ft_alg ft_algs[] = {
	{ "cbc", "acrypto-cbc-aes", "cbc(aes)", FT_SKCIPHER,
	  AES_KEYSIZE_256, AES_BLOCK_SIZE, true, FT_BLOCK_LENS },
	{ "ctr", "acrypto-ctr-aes", "ctr(aes)", FT_SKCIPHER,
	  AES_KEYSIZE_128, AES_BLOCK_SIZE, true, FT_ANY_LENS },
	{ "xts", "acrypto-xts-aes", "xts(aes)", FT_SKCIPHER,
	  2 * AES_KEYSIZE_256, AES_BLOCK_SIZE, false, FT_XTS_LENS },
	{ "gcm", "acrypto-gcm-aes", "gcm(aes)", FT_AEAD,
	  AES_KEYSIZE_128, GCM_AES_IV_SIZE, false, FT_AEAD_LENS },
	{ "sha1", "acrypto-sha1", "sha1", FT_HASH,
	  0, 0, false, FT_HASH_LENS },
	{ "sha256", "acrypto-sha256", "sha256", FT_HASH,
	  0, 0, false, FT_HASH_LENS },
	{ "hmac-sha1", "acrypto-hmac-sha1", "hmac(sha1)", FT_HASH,
	  20, 0, false, FT_HASH_LENS },
	{ "hmac-sha256", "acrypto-hmac-sha256", "hmac(sha256)", FT_HASH,
	  32, 0, false, FT_HASH_LENS },
};

/**
 * struct ft_slot - one request in flight and everything it points to
 * @run: the case it belongs to
 * @req: skcipher_request, aead_request or ahash_request of the engine's tfm
 * @buf: the source; in place, the destination too
 * @obuf: out of place: the destination
 * @expect: the reference result
 * @src: scatterlist of the source
 * @dst: scatterlist of the destination (out of place, alias)
 * @iv: the request's IV, updated by the engine
 * @iv_expect: the reference's output IV
 * @result: hash digest
 * @done: completed by ft_done()
 * @ret: the request's result
 * @len: text bytes (hash: message bytes)
 * @assoclen: AEAD associated data bytes
 * @encrypt: encryption (else decryption)
 * @active: a hash request still going (no step has failed)
 */
struct ft_slot {
	struct ft_run *run;
	void *req;
	u8 *buf;
	u8 *obuf;
	u8 *expect;
	struct scatterlist src[FT_SEGS];
	struct scatterlist dst[FT_SEGS];
	u8 iv[FT_MAX_IV];
	u8 iv_expect[FT_MAX_IV];
	u8 result[SHA256_DIGEST_SIZE];
	struct completion done;
	int ret;
	unsigned int len;
	unsigned int assoclen;
	bool encrypt;
	bool active;
};

/**
 * struct ft_run - one case
 * @alg: the algorithm
 * @layout: enum ft_layout
 * @tfm: the engine's transform
 * @ref: the reference transform
 * @ref_req: a request of @ref (skcipher and AEAD references)
 * @key: the key of both
 * @slots: the requests in flight
 * @requests: requests issued
 * @calls: crypto API calls that reached the engine (hash: per step)
 * @correct: results equal to the reference
 * @failed: requests that ended with an error
 * @wrong: requests that ended with success and a wrong result
 * @errs: errors seen and how often
 * @nerrs: entries of @errs
 * @first_wrong: what the first wrong result was
 * @stuck: a request never completed: its memory may still be in use
 */
struct ft_run {
	const struct ft_alg *alg;
	enum ft_layout layout;
	void *tfm;
	void *ref;
	void *ref_req;
	u8 key[2 * AES_KEYSIZE_256];
	struct ft_slot slots[FT_INFLIGHT];
	unsigned int requests;
	unsigned int calls;
	unsigned int correct;
	unsigned int failed;
	unsigned int wrong;
	struct {
		int err;
		unsigned int n;
	} errs[FT_MAX_ERRNOS];
	unsigned int nerrs;
	char first_wrong[96];
	bool stuck;
};

static struct dentry *ft_dir;
static DEFINE_MUTEX(ft_mutex);	/* one case at a time; guards ft_result */
static char ft_result[FT_RESULT_SIZE];

static void ft_done(struct crypto_async_request *base, int err)
{
	struct ft_slot *slot = base->data;

	/* Left the backlog: the result comes later. */
	if (err == -EINPROGRESS)
		return;
	slot->ret = err;
	complete(&slot->done);
}

/* The result of a submission: wait for it if it did not finish at once. */
static int ft_wait(struct ft_slot *slot, int ret)
{
	if (ret != -EINPROGRESS && ret != -EBUSY)
		return ret;
	if (!wait_for_completion_timeout(&slot->done, FT_TIMEOUT)) {
		pr_err("%s: a request did not complete in %u s\n",
		       slot->run->alg->driver, FT_TIMEOUT / HZ);
		slot->run->stuck = true;
		return -ETIMEDOUT;
	}
	reinit_completion(&slot->done);
	return slot->ret;
}

static void ft_count_error(struct ft_run *run, int err)
{
	unsigned int i;

	run->failed++;
	for (i = 0; i < run->nerrs; i++) {
		if (run->errs[i].err == err) {
			run->errs[i].n++;
			return;
		}
	}
	if (run->nerrs < FT_MAX_ERRNOS) {
		run->errs[run->nerrs].err = err;
		run->errs[run->nerrs++].n = 1;
	}
}

/* Count the outcome of a request that ended with @ret. */
static void ft_judge(struct ft_run *run, struct ft_slot *slot, int ret,
		     bool right, unsigned int index)
{
	if (ret) {
		ft_count_error(run, ret);
	} else if (right) {
		run->correct++;
	} else {
		if (!run->wrong)
			snprintf(run->first_wrong, sizeof(run->first_wrong),
				 "request %u (%s, %u bytes)", index,
				 run->alg->type == FT_HASH ? "hash" :
				 slot->encrypt ? "encrypt" : "decrypt",
				 slot->len);
		run->wrong++;
	}
}

/*
 * Describe @len bytes at @p with @parts scatterlist entries (fewer when
 * @len is short), cut at different places for different @parts.
 */
static void ft_sg(struct scatterlist *sg, u8 *p, unsigned int len,
		  unsigned int parts)
{
	unsigned int i, off = 0;

	parts = clamp(min(parts, len), 1U, (unsigned int)FT_SEGS);
	sg_init_table(sg, parts);
	for (i = 0; i < parts; i++) {
		unsigned int n = i + 1 < parts ? len / (parts + 1) : len - off;

		sg_set_buf(&sg[i], p + off, n);
		off += n;
	}
}

/*
 * Source and destination scatterlists of @slot over @len bytes: where the
 * destination is, in the case's layout.  Returns the destination buffer.
 */
static u8 *ft_layout_sg(struct ft_run *run, struct ft_slot *slot,
			unsigned int len, struct scatterlist **src,
			struct scatterlist **dst)
{
	u8 *data = slot->buf + FT_DATA_OFF;

	switch (run->layout) {
	case FT_OUT:
		ft_sg(slot->src, data, len, 1);
		ft_sg(slot->dst, slot->obuf + FT_DATA_OFF, len, 2);
		*src = slot->src;
		*dst = slot->dst;
		return slot->obuf + FT_DATA_OFF;
	case FT_INPLACE:
		ft_sg(slot->src, data, len, 2);
		*src = slot->src;
		*dst = slot->src;
		return data;
	default:	/* FT_ALIAS: the same bytes, cut differently */
		ft_sg(slot->src, data, len, 2);
		ft_sg(slot->dst, data, len, 3);
		*src = slot->src;
		*dst = slot->dst;
		return data;
	}
}

/* --- skcipher ---------------------------------------------------------- */

static int ft_skcipher_ref(struct ft_run *run, struct ft_slot *slot)
{
	struct skcipher_request *req = run->ref_req;
	struct scatterlist sg;

	memcpy(slot->iv_expect, slot->iv, run->alg->ivsize);
	sg_init_one(&sg, slot->expect, slot->len);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, slot->len, slot->iv_expect);
	return slot->encrypt ? crypto_skcipher_encrypt(req) :
			       crypto_skcipher_decrypt(req);
}

static int ft_skcipher_start(struct ft_run *run, struct ft_slot *slot)
{
	struct skcipher_request *req = slot->req;
	struct scatterlist *src, *dst;
	u8 *in = slot->buf + FT_DATA_OFF;
	int err;

	get_random_bytes(in, slot->len);
	get_random_bytes(slot->iv, run->alg->ivsize);
	memcpy(slot->expect, in, slot->len);
	err = ft_skcipher_ref(run, slot);
	if (err)
		return err;

	memset(slot->obuf, 0x5a, FT_BUFSIZE);
	ft_layout_sg(run, slot, slot->len, &src, &dst);
	skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				      CRYPTO_TFM_REQ_MAY_SLEEP, ft_done, slot);
	skcipher_request_set_crypt(req, src, dst, slot->len, slot->iv);
	return slot->encrypt ? crypto_skcipher_encrypt(req) :
			       crypto_skcipher_decrypt(req);
}

static bool ft_skcipher_right(struct ft_run *run, struct ft_slot *slot)
{
	u8 *out = run->layout == FT_OUT ? slot->obuf : slot->buf;

	if (memcmp(out + FT_DATA_OFF, slot->expect, slot->len))
		return false;
	return !run->alg->iv_out ||
	       !memcmp(slot->iv, slot->iv_expect, run->alg->ivsize);
}

/* --- AEAD -------------------------------------------------------------- */

/*
 * The reference encrypts associated data || plaintext into @expect, which
 * then holds associated data || ciphertext || tag.
 */
static int ft_aead_ref(struct ft_run *run, struct ft_slot *slot)
{
	struct aead_request *req = run->ref_req;
	unsigned int total = slot->assoclen + slot->len + FT_TAGSIZE;
	struct scatterlist sg;
	u8 iv[FT_MAX_IV];

	memcpy(iv, slot->iv, run->alg->ivsize);
	sg_init_one(&sg, slot->expect, total);
	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_crypt(req, &sg, &sg, slot->len, iv);
	aead_request_set_ad(req, slot->assoclen);
	return crypto_aead_encrypt(req);
}

static int ft_aead_start(struct ft_run *run, struct ft_slot *slot)
{
	unsigned int total = slot->assoclen + slot->len + FT_TAGSIZE;
	struct aead_request *req = slot->req;
	u8 *in = slot->buf + FT_DATA_OFF;
	struct scatterlist *src, *dst;
	int err;

	get_random_bytes(slot->expect, slot->assoclen + slot->len);
	get_random_bytes(slot->iv, run->alg->ivsize);
	memcpy(in, slot->expect, slot->assoclen + slot->len);
	err = ft_aead_ref(run, slot);
	if (err)
		return err;
	/*
	 * Decryption: the reference's output goes in, the plaintext is what
	 * must come out (@obuf holds it meanwhile).
	 */
	if (!slot->encrypt) {
		memcpy(slot->obuf, in + slot->assoclen, slot->len);
		memcpy(in, slot->expect, total);
		memcpy(slot->expect + slot->assoclen, slot->obuf, slot->len);
	}

	memset(slot->obuf, 0x5a, FT_BUFSIZE);
	ft_layout_sg(run, slot, total, &src, &dst);
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				  CRYPTO_TFM_REQ_MAY_SLEEP, ft_done, slot);
	aead_request_set_ad(req, slot->assoclen);
	if (slot->encrypt) {
		aead_request_set_crypt(req, src, dst, slot->len, slot->iv);
		return crypto_aead_encrypt(req);
	}
	aead_request_set_crypt(req, src, dst, slot->len + FT_TAGSIZE,
			       slot->iv);
	return crypto_aead_decrypt(req);
}

/* The output after the associated data: text and tag, or plaintext. */
static bool ft_aead_right(struct ft_run *run, struct ft_slot *slot)
{
	u8 *out = run->layout == FT_OUT ? slot->obuf : slot->buf;
	unsigned int n = slot->len + (slot->encrypt ? FT_TAGSIZE : 0);

	out += FT_DATA_OFF + slot->assoclen;
	return !memcmp(out, slot->expect + slot->assoclen, n);
}

/* --- hashes ------------------------------------------------------------ */

/*
 * Where update @step of a message of @len bytes starts, and its length:
 * three uneven parts, none empty (every message is at least 3 bytes).
 */
static unsigned int ft_hash_chunk(unsigned int len, unsigned int step,
				  unsigned int *off)
{
	unsigned int first = len / 7 + 1, second = len / 3;

	switch (step) {
	case 0:
		*off = 0;
		return first;
	case 1:
		*off = first;
		return second;
	default:
		*off = first + second;
		return len - first - second;
	}
}

static int ft_hash_ref(struct ft_run *run, struct ft_slot *slot)
{
	return crypto_shash_tfm_digest(run->ref, slot->buf + FT_DATA_OFF,
				       slot->len, slot->expect);
}

/* Step @step of a hash request: FT_HASH_STEPS updates, then the final. */
static int ft_hash_step(struct ft_run *run, struct ft_slot *slot,
			unsigned int step)
{
	struct ahash_request *req = slot->req;
	unsigned int off, n;
	int err;

	if (!step) {
		get_random_bytes(slot->buf + FT_DATA_OFF, slot->len);
		memset(slot->result, 0, sizeof(slot->result));
		err = ft_hash_ref(run, slot);
		if (err)
			return err;
		ahash_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
					   CRYPTO_TFM_REQ_MAY_SLEEP, ft_done,
					   slot);
		err = crypto_ahash_init(req);
		if (err)
			return err;
	}
	if (step == FT_HASH_STEPS) {
		ahash_request_set_crypt(req, NULL, slot->result, 0);
		return crypto_ahash_final(req);
	}
	n = ft_hash_chunk(slot->len, step, &off);
	ft_sg(slot->src, slot->buf + FT_DATA_OFF + off, n, 2);
	ahash_request_set_crypt(req, slot->src, NULL, n);
	return crypto_ahash_update(req);
}

static bool ft_hash_right(struct ft_run *run, struct ft_slot *slot)
{
	struct crypto_ahash *tfm = run->tfm;

	return !memcmp(slot->result, slot->expect,
		       crypto_ahash_digestsize(tfm));
}

/* --- a case ------------------------------------------------------------ */

static void ft_free_run(struct ft_run *run)
{
	unsigned int i;

	for (i = 0; i < FT_INFLIGHT; i++) {
		struct ft_slot *slot = &run->slots[i];

		kfree_sensitive(slot->req);
		kfree(slot->buf);
		kfree(slot->obuf);
		kfree(slot->expect);
	}
	switch (run->alg->type) {
	case FT_SKCIPHER:
		kfree_sensitive(run->ref_req);
		crypto_free_skcipher(run->ref);
		crypto_free_skcipher(run->tfm);
		break;
	case FT_AEAD:
		kfree_sensitive(run->ref_req);
		crypto_free_aead(run->ref);
		crypto_free_aead(run->tfm);
		break;
	case FT_HASH:
		crypto_free_shash(run->ref);
		crypto_free_ahash(run->tfm);
		break;
	}
	kfree_sensitive(run);
}

/* Transforms and keys: the engine's by driver name, the kernel's own. */
static int ft_alloc_tfms(struct ft_run *run)
{
	const struct ft_alg *alg = run->alg;
	void *tfm, *ref;
	int err;

	switch (alg->type) {
	case FT_SKCIPHER:
		tfm = crypto_alloc_skcipher(alg->driver, 0, 0);
		ref = crypto_alloc_skcipher(alg->ref, 0, CRYPTO_ALG_ASYNC);
		break;
	case FT_AEAD:
		tfm = crypto_alloc_aead(alg->driver, 0, 0);
		ref = crypto_alloc_aead(alg->ref, 0, CRYPTO_ALG_ASYNC);
		break;
	default:
		tfm = crypto_alloc_ahash(alg->driver, 0, 0);
		ref = crypto_alloc_shash(alg->ref, 0, CRYPTO_ALG_ASYNC);
		break;
	}
	/* ft_free_run() frees by type: keep what was not allocated NULL. */
	run->tfm = IS_ERR(tfm) ? NULL : tfm;
	run->ref = IS_ERR(ref) ? NULL : ref;
	if (IS_ERR(tfm)) {
		pr_err("%s: %ld\n", alg->driver, PTR_ERR(tfm));
		return PTR_ERR(tfm);
	}
	if (IS_ERR(ref)) {
		pr_err("%s: %ld\n", alg->ref, PTR_ERR(ref));
		return PTR_ERR(ref);
	}

	get_random_bytes(run->key, sizeof(run->key));
	switch (alg->type) {
	case FT_SKCIPHER:
		err = crypto_skcipher_setkey(tfm, run->key, alg->keylen) ?:
		      crypto_skcipher_setkey(ref, run->key, alg->keylen);
		run->ref_req = skcipher_request_alloc(ref, GFP_KERNEL);
		break;
	case FT_AEAD:
		err = crypto_aead_setkey(tfm, run->key, alg->keylen) ?:
		      crypto_aead_setkey(ref, run->key, alg->keylen) ?:
		      crypto_aead_setauthsize(tfm, FT_TAGSIZE) ?:
		      crypto_aead_setauthsize(ref, FT_TAGSIZE);
		run->ref_req = aead_request_alloc(ref, GFP_KERNEL);
		break;
	default:
		err = 0;
		if (alg->keylen)
			err = crypto_ahash_setkey(tfm, run->key, alg->keylen) ?:
			      crypto_shash_setkey(ref, run->key, alg->keylen);
		return err;
	}
	if (!err && !run->ref_req)
		err = -ENOMEM;
	return err;
}

static int ft_alloc_slots(struct ft_run *run)
{
	unsigned int i;

	for (i = 0; i < FT_INFLIGHT; i++) {
		struct ft_slot *slot = &run->slots[i];

		slot->run = run;
		init_completion(&slot->done);
		slot->buf = kzalloc(FT_BUFSIZE, GFP_KERNEL);
		slot->obuf = kzalloc(FT_BUFSIZE, GFP_KERNEL);
		slot->expect = kzalloc(FT_BUFSIZE, GFP_KERNEL);
		switch (run->alg->type) {
		case FT_SKCIPHER:
			slot->req = skcipher_request_alloc(run->tfm, GFP_KERNEL);
			break;
		case FT_AEAD:
			slot->req = aead_request_alloc(run->tfm, GFP_KERNEL);
			break;
		case FT_HASH:
			slot->req = ahash_request_alloc(run->tfm, GFP_KERNEL);
			break;
		}
		if (!slot->buf || !slot->obuf || !slot->expect || !slot->req)
			return -ENOMEM;
	}
	return 0;
}

/* Request @index's parameters, in turn from the algorithm's tables. */
static void ft_slot_prepare(struct ft_run *run, struct ft_slot *slot,
			    unsigned int index)
{
	const struct ft_alg *alg = run->alg;

	slot->len = alg->lens[index % FT_NLENS];
	slot->assoclen = ft_assoclens[index % ARRAY_SIZE(ft_assoclens)];
	slot->encrypt = !(index & 1);
	slot->active = true;
}

/* Cipher and AEAD requests: a batch submitted, then waited for. */
static int ft_run_crypt(struct ft_run *run, unsigned int n)
{
	int ret[FT_INFLIGHT];
	unsigned int base, i, k;

	for (base = 0; base < n; base += FT_INFLIGHT) {
		k = min_t(unsigned int, FT_INFLIGHT, n - base);
		for (i = 0; i < k; i++) {
			struct ft_slot *slot = &run->slots[i];

			ft_slot_prepare(run, slot, base + i);
			ret[i] = run->alg->type == FT_AEAD ?
				 ft_aead_start(run, slot) :
				 ft_skcipher_start(run, slot);
			run->calls++;
		}
		for (i = 0; i < k; i++) {
			struct ft_slot *slot = &run->slots[i];
			bool right;

			ret[i] = ft_wait(slot, ret[i]);
			if (run->stuck)
				return -ETIMEDOUT;
			right = run->alg->type == FT_AEAD ?
				ft_aead_right(run, slot) :
				ft_skcipher_right(run, slot);
			ft_judge(run, slot, ret[i], right, base + i);
			run->requests++;
		}
	}
	return 0;
}

/*
 * Hash requests: each step of a batch submitted, then waited for; a
 * request whose step failed stops there.
 */
static int ft_run_hash(struct ft_run *run, unsigned int n)
{
	int ret[FT_INFLIGHT] = {};
	unsigned int base, i, k, step;

	for (base = 0; base < n; base += FT_INFLIGHT) {
		k = min_t(unsigned int, FT_INFLIGHT, n - base);
		for (i = 0; i < k; i++)
			ft_slot_prepare(run, &run->slots[i], base + i);

		for (step = 0; step <= FT_HASH_STEPS; step++) {
			for (i = 0; i < k; i++) {
				struct ft_slot *slot = &run->slots[i];

				if (!slot->active)
					continue;
				ret[i] = ft_hash_step(run, slot, step);
				run->calls++;
			}
			for (i = 0; i < k; i++) {
				struct ft_slot *slot = &run->slots[i];

				if (!slot->active)
					continue;
				ret[i] = ft_wait(slot, ret[i]);
				if (run->stuck)
					return -ETIMEDOUT;
				if (ret[i])
					slot->active = false;
			}
		}
		for (i = 0; i < k; i++) {
			struct ft_slot *slot = &run->slots[i];

			ft_judge(run, slot, ret[i], ft_hash_right(run, slot),
				 base + i);
			run->requests++;
		}
	}
	return 0;
}

static void ft_format_result(struct ft_run *run)
{
	size_t len;
	unsigned int i;

	len = scnprintf(ft_result, sizeof(ft_result),
			"alg=%s driver=%s layout=%s requests=%u calls=%u correct=%u failed=%u wrong=%u errors=",
			run->alg->name, run->alg->driver,
			ft_layout_names[run->layout], run->requests,
			run->calls, run->correct, run->failed, run->wrong);
	for (i = 0; i < run->nerrs; i++)
		len += scnprintf(ft_result + len, sizeof(ft_result) - len,
				 "%s%dx%u", i ? "," : "", run->errs[i].err,
				 run->errs[i].n);
	if (!run->nerrs)
		len += scnprintf(ft_result + len, sizeof(ft_result) - len,
				 "none");
	if (run->wrong)
		len += scnprintf(ft_result + len, sizeof(ft_result) - len,
				 "\nfirst wrong: %s", run->first_wrong);
	scnprintf(ft_result + len, sizeof(ft_result) - len, "\n");
}

static int ft_run_case(const struct ft_alg *alg, enum ft_layout layout,
		       unsigned int n)
{
	struct ft_run *run;
	int err;

	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	run->alg = alg;
	run->layout = layout;

	err = ft_alloc_tfms(run) ?: ft_alloc_slots(run);
	if (err)
		goto out;
	err = alg->type == FT_HASH ? ft_run_hash(run, n) :
				     ft_run_crypt(run, n);
	ft_format_result(run);
	if (run->stuck) {
		/* The engine may still write to it: leave it allocated. */
		pr_err("%s: leaking the case's memory\n", alg->driver);
		return -ETIMEDOUT;
	}
out:
	ft_free_run(run);
	return err;
}

/* "<alg> <layout> <requests>" */
static ssize_t ft_run_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char buf[64], name[16], layout_name[16];
	const struct ft_alg *alg = NULL;
	unsigned int i, n;
	int layout, err;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%15s %15s %u", name, layout_name, &n) != 3 || !n ||
	    n > FT_MAX_REQUESTS)
		return -EINVAL;

	for (i = 0; i < ARRAY_SIZE(ft_algs); i++)
		if (!strcmp(ft_algs[i].name, name))
			alg = &ft_algs[i];
	layout = match_string(ft_layout_names, ARRAY_SIZE(ft_layout_names),
			      layout_name);
	if (!alg || layout < 0)
		return -EINVAL;
	/* Hashes have updates, the others sources and destinations. */
	if (alg->type == FT_HASH ? layout != FT_UPDATE : layout == FT_UPDATE)
		return -EINVAL;

	mutex_lock(&ft_mutex);
	ft_result[0] = '\0';
	err = ft_run_case(alg, layout, n);
	mutex_unlock(&ft_mutex);
	return err ?: count;
}

static ssize_t ft_result_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&ft_mutex);
	ret = simple_read_from_buffer(ubuf, count, ppos, ft_result,
				      strlen(ft_result));
	mutex_unlock(&ft_mutex);
	return ret;
}

static const struct file_operations ft_run_fops = {
	.owner = THIS_MODULE,
	.write = ft_run_write,
	.llseek = noop_llseek,
};

static const struct file_operations ft_result_fops = {
	.owner = THIS_MODULE,
	.read = ft_result_read,
	.llseek = default_llseek,
};

static int __init ft_init(void)
{
	ft_dir = debugfs_create_dir("acrypto_fault_test", NULL);
	debugfs_create_file("run", 0200, ft_dir, NULL, &ft_run_fops);
	debugfs_create_file("result", 0444, ft_dir, NULL, &ft_result_fops);
	return 0;
}

static void __exit ft_exit(void)
{
	debugfs_remove_recursive(ft_dir);
}

module_init(ft_init);
module_exit(ft_exit);

MODULE_AUTHOR("The acrypto authors");
MODULE_DESCRIPTION("acrypto test: results of faulting devices, checked against the kernel's own algorithms");
MODULE_LICENSE("GPL");

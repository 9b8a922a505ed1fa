// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_caller_test: batches of requests and their references.
 *
 * A batch is N cbc(aes) encryptions on one transform of the engine, each
 * with its own buffers (kmalloc'ed, fit for a scatterlist), random text and
 * IV, and the result the kernel's own synchronous cbc(aes) gives for them.
 * Submissions and callbacks count what happened; a batch is judged once
 * every request has its final result, or given up (and leaked: the engine
 * may still write to it, and the module pinned) when one never comes.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "caller_test.h"

/**
 * ct_tfm_alloc() - a keyed transform of the engine's acrypto-cbc-aes
 * @key: CT_KEYLEN bytes
 *
 * Context: process context, may sleep.
 *
 * Return: the transform, or an ERR_PTR (-ENOENT when the crypto API gave
 * another implementation than the engine's).
 */
struct crypto_skcipher *ct_tfm_alloc(const u8 *key)
{
	struct crypto_skcipher *tfm;
	int err;

	tfm = crypto_alloc_skcipher(CT_DRIVER, 0, 0);
	if (IS_ERR(tfm))
		return tfm;
	err = -ENOENT;
	if (strcmp(crypto_skcipher_driver_name(tfm), CT_DRIVER))
		goto err_free;
	err = crypto_skcipher_setkey(tfm, key, CT_KEYLEN);
	if (err)
		goto err_free;
	return tfm;

err_free:
	crypto_free_skcipher(tfm);
	return ERR_PTR(err);
}

/**
 * ct_ref_init() - the reference: the kernel's own synchronous cbc(aes)
 * @ref: filled in
 * @key: CT_KEYLEN bytes
 *
 * Return: 0 or a negative errno.
 */
int ct_ref_init(struct ct_ref *ref, const u8 *key)
{
	int err;

	ref->req = NULL;
	ref->tfm = crypto_alloc_skcipher(CT_REF, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(ref->tfm)) {
		err = PTR_ERR(ref->tfm);
		ref->tfm = NULL;
		return err;
	}
	err = crypto_skcipher_setkey(ref->tfm, key, CT_KEYLEN);
	if (!err) {
		ref->req = skcipher_request_alloc(ref->tfm, GFP_KERNEL);
		if (!ref->req)
			err = -ENOMEM;
	}
	if (err)
		ct_ref_uninit(ref);
	return err;
}

/**
 * ct_ref_encrypt() - what the right ciphertext is
 * @ref: from ct_ref_init()
 * @src: plaintext
 * @dst: gets the ciphertext
 * @len: bytes, a multiple of the block size
 * @iv: the IV, updated as CBC defines
 *
 * Return: the reference's result.
 */
int ct_ref_encrypt(struct ct_ref *ref, const u8 *src, u8 *dst,
		   unsigned int len, u8 *iv)
{
	struct scatterlist sg;

	memcpy(dst, src, len);
	sg_init_one(&sg, dst, len);
	skcipher_request_set_callback(ref->req, 0, NULL, NULL);
	skcipher_request_set_crypt(ref->req, &sg, &sg, len, iv);
	return crypto_skcipher_encrypt(ref->req);
}

void ct_ref_uninit(struct ct_ref *ref)
{
	skcipher_request_free(ref->req);
	ref->req = NULL;
	if (ref->tfm)
		crypto_free_skcipher(ref->tfm);
	ref->tfm = NULL;
}

/**
 * ct_req_prepare() - random text and IV for a request, and its reference
 * @ref: the reference, keyed like the request's transform
 * @r: the request, not in flight
 * @len: bytes
 *
 * Return: the reference's result.
 */
int ct_req_prepare(struct ct_ref *ref, struct ct_req *r, unsigned int len)
{
	get_random_bytes(r->src, len);
	get_random_bytes(r->iv, AES_BLOCK_SIZE);
	memcpy(r->iv_in, r->iv, AES_BLOCK_SIZE);
	memset(r->dst, 0, sizeof(r->dst));
	memcpy(r->iv_expect, r->iv, AES_BLOCK_SIZE);
	r->done = false;
	r->notified = false;
	sg_init_one(&r->sg_src, r->src, len);
	sg_init_one(&r->sg_dst, r->dst, len);
	return ct_ref_encrypt(ref, r->src, r->expect, len, r->iv_expect);
}

/*
 * The final result of @r is in.  Caller holds the batch lock in nest mode,
 * or nothing: each request is completed once.
 */
static void ct_req_finish(struct ct_req *r, int err)
{
	struct ct_batch *b = r->batch;

	r->result = err;
	r->done_ns = ktime_get_ns();
	/* Pairs with the barrier of the waiter's completion. */
	WRITE_ONCE(r->done, true);
	if (atomic_dec_and_test(&b->pending))
		complete(&b->all_done);
}

/* What a callback records: a notification, or the final result. */
static void ct_done_record(struct ct_req *r, int err)
{
	if (err == -EINPROGRESS) {
		r->notified = true;
		atomic_inc(&r->batch->notifications);
	} else {
		ct_req_finish(r, err);
	}
}

static void ct_done(struct crypto_async_request *base, int err)
{
	struct ct_req *r = base->data;
	struct ct_batch *b = r->batch;
	bool lock = b->nest;

	atomic_inc(&b->callbacks);
	ct_probe_callback();
	if (b->nest && READ_ONCE(b->submitting) &&
	    READ_ONCE(b->submit_cpu) == raw_smp_processor_id()) {
		/*
		 * The submitter holds b->lock, with BH and preemption off, on
		 * this very CPU: we run inside its encrypt() call.  Taking the
		 * lock would spin forever; count it instead, unless asked to
		 * show the deadlock.
		 */
		atomic_inc(&b->nested);
		lock = b->nest_real;
	}
	if (lock) {
		spin_lock_bh(&b->lock);
		ct_done_record(r, err);
		spin_unlock_bh(&b->lock);
	} else {
		ct_done_record(r, err);
	}
}

/**
 * ct_batch_alloc() - N requests with their buffers and references
 * @tfm: the transform to use (not freed with the batch), or NULL for a new
 *	one keyed with a random key
 * @key: @tfm's key when @tfm is given
 * @n: requests
 * @len: bytes per request, a multiple of 16 up to CT_MAXLEN
 *
 * Context: process context, may sleep.
 *
 * Return: the batch or an ERR_PTR.
 */
struct ct_batch *ct_batch_alloc(struct crypto_skcipher *tfm, const u8 *key,
				unsigned int n, unsigned int len)
{
	struct ct_ref ref;
	struct ct_batch *b;
	unsigned int i;
	int err;

	if (!n || !len || len > CT_MAXLEN || len % AES_BLOCK_SIZE)
		return ERR_PTR(-EINVAL);
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	b->n = n;
	b->len = len;
	spin_lock_init(&b->lock);
	init_completion(&b->all_done);
	atomic_set(&b->pending, 1);	/* the submitter's, see ct_batch_wait() */
	atomic_set(&b->nested, 0);
	atomic_set(&b->callbacks, 0);
	atomic_set(&b->notifications, 0);

	if (tfm) {
		b->tfm = tfm;
		memcpy(b->key, key, CT_KEYLEN);
	} else {
		get_random_bytes(b->key, CT_KEYLEN);
		b->tfm = ct_tfm_alloc(b->key);
		if (IS_ERR(b->tfm)) {
			err = PTR_ERR(b->tfm);
			b->tfm = NULL;
			goto err_free;
		}
		b->own_tfm = true;
	}

	err = ct_ref_init(&ref, b->key);
	if (err)
		goto err_free;
	b->reqs = kvcalloc(n, sizeof(*b->reqs), GFP_KERNEL);
	err = -ENOMEM;
	if (!b->reqs)
		goto err_ref;
	for (i = 0; i < n; i++) {
		struct ct_req *r = kzalloc(sizeof(*r), GFP_KERNEL);

		if (!r)
			goto err_ref;
		b->reqs[i] = r;
		r->batch = b;
		r->req = skcipher_request_alloc(b->tfm, GFP_KERNEL);
		if (!r->req)
			goto err_ref;
		err = ct_req_prepare(&ref, r, len);
		if (err)
			goto err_ref;
		err = -ENOMEM;
		cond_resched();
	}
	ct_ref_uninit(&ref);
	return b;

err_ref:
	ct_ref_uninit(&ref);
err_free:
	ct_batch_free(b);
	return ERR_PTR(err);
}

/**
 * ct_batch_rearm() - make a batch whose requests all completed ready for
 *	another round of submissions
 * @b: the batch, waited for
 */
void ct_batch_rearm(struct ct_batch *b)
{
	reinit_completion(&b->all_done);
	atomic_set(&b->pending, 1);
}

/**
 * ct_batch_reset() - the same requests again, from their first IV
 * @b: the batch, every request completed
 *
 * The texts and their references stay; the outputs, IVs and counts go
 * back to what they were before the first submission.
 */
void ct_batch_reset(struct ct_batch *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		struct ct_req *r = b->reqs[i];

		memcpy(r->iv, r->iv_in, AES_BLOCK_SIZE);
		memset(r->dst, 0, sizeof(r->dst));
		r->submitted = 0;
		r->result = 0;
		r->notified = false;
		r->done = false;
		cond_resched();
	}
	atomic_set(&b->callbacks, 0);
	atomic_set(&b->notifications, 0);
	atomic_set(&b->nested, 0);
	ct_batch_rearm(b);
}

/**
 * ct_batch_free() - free a batch whose requests all have their result
 * @b: the batch, or an ERR_PTR or NULL
 *
 * A stuck batch (a request never completed) is leaked on purpose.
 */
void ct_batch_free(struct ct_batch *b)
{
	unsigned int i;

	if (IS_ERR_OR_NULL(b))
		return;
	if (b->stuck) {
		pr_err("a request never completed: leaking its batch\n");
		return;
	}
	for (i = 0; b->reqs && i < b->n; i++) {
		if (!b->reqs[i])
			continue;
		skcipher_request_free(b->reqs[i]->req);
		kfree(b->reqs[i]);
	}
	kvfree(b->reqs);
	if (b->own_tfm)
		crypto_free_skcipher(b->tfm);
	kfree(b);
}

/**
 * ct_batch_submit() - encrypt request @i of @b
 * @b: the batch
 * @i: the request
 * @flags: CRYPTO_TFM_REQ_* of the request (MAY_BACKLOG, MAY_SLEEP)
 *
 * Context: as @flags allow; under a spinlock without MAY_SLEEP.
 */
void ct_batch_submit(struct ct_batch *b, unsigned int i, u32 flags)
{
	struct ct_req *r = b->reqs[i];
	int ret;

	atomic_inc(&b->pending);
	skcipher_request_set_callback(r->req, flags, ct_done, r);
	skcipher_request_set_crypt(r->req, &r->sg_src, &r->sg_dst, b->len,
				   r->iv);
	ret = crypto_skcipher_encrypt(r->req);
	r->submitted = ret;
	/* A final result now: the callback is never called for it. */
	if (ret != -EINPROGRESS && ret != -EBUSY)
		ct_req_finish(r, ret);
}

/**
 * ct_batch_wait() - wait for every submitted request's final result
 * @b: the batch, submitted
 * @timeout: jiffies
 *
 * Context: process context, sleeps.
 *
 * Return: true when all came; false when some did not (the batch is stuck
 * and will not be freed).
 */
bool ct_batch_wait(struct ct_batch *b, unsigned long timeout)
{
	if (atomic_dec_and_test(&b->pending))
		complete(&b->all_done);
	if (!wait_for_completion_timeout(&b->all_done, timeout)) {
		/*
		 * The engine may still complete them, calling into this
		 * module: it must stay loaded.
		 */
		if (!b->stuck)
			__module_get(THIS_MODULE);
		b->stuck = true;
		return false;
	}
	return true;
}

/**
 * ct_batch_tally() - judge requests @from .. @to - 1 of a batch
 * @b: the batch, waited for
 * @from: first request
 * @to: one after the last
 * @t: zeroed by the caller, or carrying earlier counts
 */
void ct_batch_tally(struct ct_batch *b, unsigned int from, unsigned int to,
		    struct ct_tally *t)
{
	unsigned int i;

	for (i = from; i < to; i++) {
		struct ct_req *r = b->reqs[i];

		if (r->submitted == -EINPROGRESS)
			t->inprogress++;
		else if (r->submitted == -EBUSY)
			t->busy++;
		else
			t->sync++;

		if (!READ_ONCE(r->done)) {
			t->lost++;
		} else if (r->result) {
			if (!t->failed)
				t->first_err = r->result;
			t->failed++;
		} else if (!memcmp(r->dst, r->expect, b->len) &&
			   !memcmp(r->iv, r->iv_expect, AES_BLOCK_SIZE)) {
			t->right++;
		} else {
			t->wrong++;
		}
	}
}

/**
 * ct_tally_print() - a tally as "key=value" words
 * @buf: output
 * @size: its size
 * @t: the tally
 *
 * Return: characters written.
 */
int ct_tally_print(char *buf, size_t size, const struct ct_tally *t)
{
	return scnprintf(buf, size,
			 "inprogress=%u busy=%u sync=%u right=%u wrong=%u failed=%u first_err=%d lost=%u",
			 t->inprogress, t->busy, t->sync, t->right, t->wrong,
			 t->failed, t->first_err, t->lost);
}

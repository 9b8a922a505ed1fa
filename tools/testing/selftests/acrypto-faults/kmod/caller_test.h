/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * acrypto_caller_test: what a caller of the crypto API may rely on when an
 * acrypto algorithm serves it (issue #11, items 2, 6 and 7).
 *
 * Requests go through the crypto API by driver name (acrypto-cbc-aes),
 * never through the engine's session interface, so the module builds
 * against older engines too and shows what they did wrong; only probe.c
 * reads the engine's device list.  Every result is checked against the
 * kernel's own synchronous cbc(aes).
 *
 *   reclaim.c  transforms freed by a shrinker, from memory reclaim, while
 *              a device registers and prepares the keys that exist
 *   nest.c     a spinlock held across encrypt() that the completion
 *              callback takes too
 *   drain.c    a backlog of tens of thousands of requests
 *   probe.c    how much work CPUs do without a chance to schedule
 *   latency.c  a user that may not backlog (as IPsec) next to a flood; the
 *              per-transform backlog cap
 *   batch.c    N requests with their buffers, references and completions
 *   main.c     the debugfs interface, module init and exit
 */
#ifndef _ACRYPTO_CALLER_TEST_H
#define _ACRYPTO_CALLER_TEST_H

#include <crypto/aes.h>
#include <crypto/skcipher.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#define CT_DRIVER	"acrypto-cbc-aes"
#define CT_REF		"cbc(aes)"
#define CT_KEYLEN	AES_KEYSIZE_128
#define CT_MAXLEN	64		/* bytes per request, at most */
#define CT_RESULT_SIZE	1024

/**
 * struct ct_req - one request of a batch and everything it points to
 * @batch: the batch it belongs to
 * @req: the crypto API request, on the batch's transform
 * @submitted: what crypto_skcipher_encrypt() returned
 * @result: the final result (from the return value or the callback)
 * @notified: the callback said -EINPROGRESS (it left the backlog)
 * @done: the final result is in
 * @done_ns: when it came in (ktime_get_ns()), in the callback itself: not
 *	how long the waiter took to be scheduled
 * @iv: the request's IV, updated by the engine
 * @iv_in: the IV it started with
 * @src: the plaintext
 * @dst: the ciphertext
 * @expect: the reference's ciphertext
 * @iv_expect: the reference's output IV
 * @sg_src: @src
 * @sg_dst: @dst
 *
 * Allocated with kmalloc (linear memory, fit for a scatterlist).
 */
struct ct_req {
	struct ct_batch *batch;
	struct skcipher_request *req;
	int submitted;
	int result;
	bool notified;
	bool done;
	u64 done_ns;
	u8 iv[AES_BLOCK_SIZE];
	u8 iv_in[AES_BLOCK_SIZE];
	u8 src[CT_MAXLEN];
	u8 dst[CT_MAXLEN];
	u8 expect[CT_MAXLEN];
	u8 iv_expect[AES_BLOCK_SIZE];
	struct scatterlist sg_src;
	struct scatterlist sg_dst;
};

/**
 * struct ct_batch - N requests on one transform
 * @tfm: the engine's transform (acrypto-cbc-aes)
 * @own_tfm: the batch allocated @tfm and frees it
 * @key: the key of @tfm
 * @n: requests
 * @len: bytes per request
 * @reqs: the requests
 * @pending: requests whose final result has not come yet
 * @all_done: completed when @pending drops to zero
 * @lock: nest.c: held by the submitter across its encrypt() calls and
 *	taken by the callback
 * @nest: the callback takes @lock (nest.c)
 * @nest_real: take @lock even where that deadlocks (a callback run inside
 *	the submitter's call); only to show what an old engine did
 * @submitting: the submitter holds @lock and is inside encrypt()
 * @submit_cpu: the CPU it does that on
 * @nested: callbacks that ran on @submit_cpu while @submitting: inside
 *	the submitter's call
 * @callbacks: callbacks run (final ones and -EINPROGRESS notifications)
 * @notifications: of those, -EINPROGRESS notifications
 * @stuck: a request never completed; the batch is leaked, not freed
 */
struct ct_batch {
	struct crypto_skcipher *tfm;
	bool own_tfm;
	u8 key[CT_KEYLEN];
	unsigned int n;
	unsigned int len;
	struct ct_req **reqs;
	atomic_t pending;
	struct completion all_done;

	spinlock_t lock;	/* see @nest; BH-safe */
	bool nest;
	bool nest_real;
	bool submitting;
	int submit_cpu;
	atomic_t nested;
	atomic_t callbacks;
	atomic_t notifications;
	bool stuck;
};

/**
 * struct ct_tally - outcome of a batch, see ct_batch_tally()
 * @inprogress: submissions that returned -EINPROGRESS
 * @busy: submissions that returned -EBUSY
 * @sync: submissions that returned a final result (0 or an error)
 * @right: results equal to the reference (data and output IV)
 * @wrong: results with success and wrong data: must never happen
 * @failed: results with an error
 * @first_err: the first error seen
 * @lost: requests with no final result in time
 */
struct ct_tally {
	unsigned int inprogress;
	unsigned int busy;
	unsigned int sync;
	unsigned int right;
	unsigned int wrong;
	unsigned int failed;
	int first_err;
	unsigned int lost;
};

/**
 * struct ct_ref - the kernel's own synchronous cbc(aes), keyed
 * @tfm: the transform (allocated with mask CRYPTO_ALG_ASYNC: never the
 *	engine)
 * @req: a request of it
 */
struct ct_ref {
	struct crypto_skcipher *tfm;
	struct skcipher_request *req;
};

/* batch.c APIs: */
struct crypto_skcipher *ct_tfm_alloc(const u8 *key);
int ct_ref_init(struct ct_ref *ref, const u8 *key);
int ct_ref_encrypt(struct ct_ref *ref, const u8 *src, u8 *dst,
		   unsigned int len, u8 *iv);
void ct_ref_uninit(struct ct_ref *ref);
int ct_req_prepare(struct ct_ref *ref, struct ct_req *r, unsigned int len);
struct ct_batch *ct_batch_alloc(struct crypto_skcipher *tfm, const u8 *key,
				unsigned int n, unsigned int len);
void ct_batch_rearm(struct ct_batch *b);
void ct_batch_reset(struct ct_batch *b);
void ct_batch_free(struct ct_batch *b);
void ct_batch_submit(struct ct_batch *b, unsigned int i, u32 flags);
bool ct_batch_wait(struct ct_batch *b, unsigned long timeout);
void ct_batch_tally(struct ct_batch *b, unsigned int from, unsigned int to,
		    struct ct_tally *t);
int ct_tally_print(char *buf, size_t size, const struct ct_tally *t);

/* reclaim.c APIs: */
int ct_reclaim_start(unsigned int n, unsigned int batch, char *out,
		     size_t size);
int ct_reclaim_use(unsigned int n, char *out, size_t size);
int ct_reclaim_status(char *out, size_t size);
void ct_reclaim_stop(void);

/* nest.c APIs: */
int ct_nest_run(unsigned int n, bool real, char *out, size_t size);

/**
 * struct ct_probe_result - what the probes of probe.c saw, over all CPUs
 * @max_work: most steps handed to devices and requests of this module
 *	completed on one CPU in one stretch without a chance to schedule
 * @work_cpu: where
 * @late_ns: longest such stretch, in time (host stalls included)
 * @late_cpu: where
 * @soft_late_ns: most a softirq timer ran late
 * @samples: stretches measured
 */
struct ct_probe_result {
	unsigned long max_work;
	unsigned int work_cpu;
	u64 late_ns;
	unsigned int late_cpu;
	u64 soft_late_ns;
	u64 samples;
};

/* probe.c APIs: */
void ct_probe_callback(void);
int ct_probe_start(void);
bool ct_probe_stop(struct ct_probe_result *r);

/* drain.c APIs: */
int ct_drain_start(unsigned int n, char *out, size_t size);
int ct_drain_wait(unsigned int seconds, char *out, size_t size);
void ct_drain_abort(void);

/* latency.c APIs: */
int ct_latency_run(unsigned int seconds, char *out, size_t size);
int ct_cap_start(unsigned int n, char *out, size_t size);
int ct_cap_wait(char *out, size_t size);
void ct_cap_abort(void);

#endif /* _ACRYPTO_CALLER_TEST_H */

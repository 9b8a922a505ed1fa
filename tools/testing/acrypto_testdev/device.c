// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_testdev: the device - accepting, completing, cancelling, faults.
 *
 * ->process() accepts a request onto the instance's pending list with a due
 * time computed from the instance's latency and throughput, and returns
 * -EINPROGRESS; when the instance holds qlen requests it says -ENOSPC and
 * calls acrypto_device_unblock() once room appears.  A soft hrtimer fires
 * at the due time of the head of the list, takes the due requests off it,
 * computes each one with a synchronous skcipher (the data is touched only
 * here, so a request the engine took back was never modified) and completes
 * it in softirq context.
 *
 * ->cancel() gives a request back only while it is still on the pending
 * list; the timer takes requests off the list under the same lock before it
 * touches them, so a request is either given back or completed, never both,
 * and a cancelled request is never seen again.
 */

#include <crypto/aes.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/sizes.h>

#include "testdev.h"

/* Completions per timer run: bounds the time spent in one softirq. */
#define TESTDEV_BATCH		16
#define TESTDEV_BATCH_BYTES	SZ_64K

/* A synchronous implementation of one mode, shared by all instances. */
struct testdev_impl {
	const char *name;
	u16 min_keysize;
	u16 max_keysize;
	bool probed;
	unsigned int reqsize;
};

/* Room for the sub-request's context in every request, set at probe time. */
static unsigned int testdev_sub_reqsize;

static struct testdev_impl testdev_impls[__ACRYPTO_MODE_MAX] = {
	[ACRYPTO_MODE_ECB] = { "ecb(aes)", AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE },
	[ACRYPTO_MODE_CBC] = { "cbc(aes)", AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE },
	[ACRYPTO_MODE_CTR] = { "ctr(aes)", AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE },
	[ACRYPTO_MODE_XTS] = { "xts(aes)", 2 * AES_MIN_KEY_SIZE,
			       2 * AES_MAX_KEY_SIZE },
};

/*
 * Only synchronous implementations (mask CRYPTO_ALG_ASYNC): the engine's own
 * algorithms are asynchronous, so the device never recurses into acrypto.
 */
static struct crypto_skcipher *testdev_alloc_tfm(unsigned int mode)
{
	return crypto_alloc_skcipher(testdev_impls[mode].name, 0,
				     CRYPTO_ALG_ASYNC);
}

/**
 * testdev_impl_probe() - find the synchronous implementations of @modes
 * @modes: bitmask of BIT(enum acrypto_mode)
 * @reqsize: raised to the largest request size of those implementations
 *
 * Context: process context, may sleep (loads templates).
 *
 * Return: 0, or the error of the first mode without an implementation.
 */
int testdev_impl_probe(unsigned long modes, unsigned int *reqsize)
{
	struct crypto_skcipher *tfm;
	unsigned int mode;

	for_each_set_bit(mode, &modes, __ACRYPTO_MODE_MAX) {
		struct testdev_impl *impl = &testdev_impls[mode];

		if (!impl->probed) {
			tfm = testdev_alloc_tfm(mode);
			if (IS_ERR(tfm)) {
				pr_err("acrypto_testdev: no synchronous %s: %ld\n",
				       impl->name, PTR_ERR(tfm));
				return PTR_ERR(tfm);
			}
			impl->reqsize = crypto_skcipher_reqsize(tfm);
			impl->probed = true;
			pr_info("acrypto_testdev: %s computed by %s\n",
				impl->name,
				crypto_tfm_alg_driver_name(crypto_skcipher_tfm(tfm)));
			crypto_free_skcipher(tfm);
		}
		*reqsize = max(*reqsize, impl->reqsize);
	}
	testdev_sub_reqsize = *reqsize;
	return 0;
}

/**
 * testdev_impl_caps() - fill in the capabilities of an instance
 * @td: the instance, its device allocated
 * @modes: bitmask of BIT(enum acrypto_mode), probed before
 */
void testdev_impl_caps(struct testdev *td, unsigned long modes)
{
	unsigned int mode, n = 0;

	for_each_set_bit(mode, &modes, __ACRYPTO_MODE_MAX) {
		struct acrypto_cap *cap = &td->caps[n++];

		cap->ops = BIT(ACRYPTO_OP_ENCRYPT) | BIT(ACRYPTO_OP_DECRYPT);
		cap->alg = ACRYPTO_ALG_AES;
		cap->mode = mode;
		cap->min_keysize = testdev_impls[mode].min_keysize;
		cap->max_keysize = testdev_impls[mode].max_keysize;
		cap->qlen = td->qlen;
	}
	td->adev->caps = td->caps;
	td->adev->num_caps = n;
}

static int testdev_key_prepare(struct acrypto_device *adev,
			       struct acrypto_key *key)
{
	struct crypto_skcipher *tfm;
	int err;

	tfm = testdev_alloc_tfm(key->mode);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	/*
	 * A better implementation registered since the probe may want a larger
	 * context than the requests have room for: then do without this key.
	 */
	if (crypto_skcipher_reqsize(tfm) > testdev_sub_reqsize) {
		crypto_free_skcipher(tfm);
		return -EOVERFLOW;
	}

	crypto_skcipher_set_flags(tfm, key->flags & CRYPTO_TFM_REQ_MASK);
	err = crypto_skcipher_setkey(tfm, key->data, key->keylen);
	if (err) {
		crypto_free_skcipher(tfm);
		return err;
	}
	key->devpriv[adev->index] = tfm;
	return 0;
}

static void testdev_key_release(struct acrypto_device *adev,
				struct acrypto_key *key)
{
	crypto_free_skcipher(key->devpriv[adev->index]);
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

/* Arm the timer for the head of the pending list.  Caller holds td->lock. */
static void testdev_arm(struct testdev *td)
{
	struct testdev_request *r;

	lockdep_assert_held(&td->lock);
	if (td->stalled || list_empty(&td->pending))
		return;
	r = list_first_entry(&td->pending, struct testdev_request, node);
	hrtimer_start(&td->timer, ns_to_ktime(r->due_ns),
		      HRTIMER_MODE_ABS_SOFT);
}

static int testdev_process(struct acrypto_device *adev,
			   struct acrypto_session *s)
{
	struct testdev *td = testdev_from(adev);
	struct testdev_request *r = acrypto_session_priv(s);
	u32 delay_us = READ_ONCE(td->process_delay_us);
	u32 fail_every;
	bool was_empty;
	u64 now;

	/* Test knob only: may spin with BH off, for up to a second. */
	while (delay_us) {
		u32 chunk = min(delay_us, 1000U);

		udelay(chunk);
		delay_us -= chunk;
	}

	now = ktime_get_ns();
	spin_lock_bh(&td->lock);
	if (td->inflight >= READ_ONCE(td->qlen)) {
		td->blocked = true;
		td->stats.refused++;
		spin_unlock_bh(&td->lock);
		return -ENOSPC;
	}

	r->s = s;
	r->err = 0;
	fail_every = READ_ONCE(td->fail_every);
	if (fail_every && !(++td->seq % fail_every))
		r->err = -(int)READ_ONCE(td->fail_errno);

	/* A FIFO engine: serial service time, then a pipelined latency. */
	td->busy_until_ns = max(now, td->busy_until_ns) +
			    testdev_service_ns(td, s->len);
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
		testdev_arm(td);

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

static int testdev_crypt(struct testdev *td, struct testdev_request *r)
{
	struct acrypto_session *s = r->s;

	skcipher_request_set_tfm(&r->sub, acrypto_session_devpriv(s, td->adev));
	skcipher_request_set_callback(&r->sub, 0, NULL, NULL);
	skcipher_request_set_crypt(&r->sub, s->src, s->dst, s->len, s->iv);

	if (acrypto_session_op(s) == ACRYPTO_OP_ENCRYPT)
		return crypto_skcipher_encrypt(&r->sub);
	return crypto_skcipher_decrypt(&r->sub);
}

static enum hrtimer_restart testdev_timer_fn(struct hrtimer *timer)
{
	struct testdev *td = container_of(timer, struct testdev, timer);
	struct testdev_request *r, *tmp;
	unsigned int n = 0, nfail = 0, bytes = 0;
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
		int err = r->err;

		list_del(&r->node);
		if (err)
			nfail++;
		else
			err = testdev_crypt(td, r);
		/* @r is part of @s: neither may be touched after this. */
		acrypto_session_complete(s, err);
	}

	spin_lock(&td->lock);
	td->inflight -= n;
	td->stats.completed += n;
	td->stats.failed += nfail;
	if (td->blocked && td->inflight < READ_ONCE(td->qlen)) {
		td->blocked = false;
		unblock = true;
	}
	testdev_arm(td);
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
	dev_info(&td->adev->dev, "reporting itself %s\n",
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
	testdev_arm(td);
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

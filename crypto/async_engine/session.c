// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: sessions - submission, completion, retry, routes, fallback.
 *
 * A session goes through the steps of its route one at a time.  For each
 * step a device is chosen: the key's sole usable device when there is just
 * one (no balancer, see acrypto_key_sole()), else the current balancer's
 * choice.  A synchronous device with ->process_sync() does the step in the
 * call, and the session never touches a queue.  Otherwise the session is
 * linked on the main queue and the device's queue and offered to the
 * device's ->process():
 *
 *  - accepted (-EINPROGRESS): the device owns the session until it calls
 *    acrypto_session_complete();
 *  - full (-ENOSPC): the session waits on the device's backlog (backlog.c)
 *    until the device calls acrypto_device_unblock(), FreeBSD's
 *    ERESTART/crypto_unblock() protocol, or until another device with room
 *    takes it over;
 *  - done synchronously: the result is handled at once.
 *
 * When a step ends with a device error the step is retried on another
 * device up to max_retries times, unless the device may have written the
 * step's output over its input (acrypto_session_set_written()): the input
 * is gone and the step fails with -EIO.  A step a device declines
 * (-EOPNOTSUPP) goes to another device.  When no usable device can take a
 * step, the kernel's own implementation does it (the key's fallback).  When
 * a step ends well and the route has more steps, the next step is
 * dispatched; otherwise the session finishes.
 *
 * Callers see the crypto API backlog protocol: a submission returns 0 or an
 * error when the session finished synchronously, -EINPROGRESS when it will
 * complete later, -EBUSY when it was queued while its transform already had
 * max_backlog sessions waiting, with CRYPTO_TFM_REQ_MAY_BACKLOG (the
 * completion callback is then called with -EINPROGRESS when it leaves the
 * backlog, before its final result), and -ENOSPC only when the request may
 * not be backlogged and its transform already has max_backlog sessions
 * waiting.  The completion callback never runs inside the submitter's call:
 * completions a device reports from within ->process() are deferred to a
 * worker, and so is feeding a device from its backlog (backlog.c).
 *
 * Locking: the fast path of a synchronous device takes no lock and writes
 * no shared cache line; an asynchronous device costs the local main-queue
 * shard lock (queue.c) and the device's in-flight counter; dev->lock is
 * taken only while a device is full.  Every call to ->process() and
 * ->process_sync(), and every use of a device pointer obtained from the
 * balancer or the sole-device cache, happens under rcu_read_lock();
 * acrypto_device_unregister() waits for the device to empty and then for a
 * grace period before the device may be freed.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/simd.h>
#include <crypto/internal/simd.h>
#include <crypto/skcipher.h>
#include <linux/bottom_half.h>
#include <linux/ktime.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/smp.h>

#include "internal.h"
#include "stats.h"
#include "trace.h"

/*
 * Nesting depth of submission calls on this CPU, counted with BH off.  A
 * completion or a backlog feed asked for while it is non-zero would run
 * inside a submitter's call, holding whatever the submitter holds: it is
 * deferred to a worker instead.
 */
DEFINE_PER_CPU(unsigned int, acrypto_in_submit);

/* Steps done by the kernel's own implementations, per CPU. */
static DEFINE_PER_CPU(unsigned long, acrypto_fallbacks);

/* Completions deferred out of a submitter's call, per CPU. */
struct acrypto_deferred {
	struct list_head list;	/* sessions, by backlog_node; BH off */
	struct work_struct work;
};

static DEFINE_PER_CPU(struct acrypto_deferred, acrypto_deferred);

/**
 * acrypto_session_init() - prepare a session for submission
 * @s: the session, in a request context
 * @key: key of the transform, the default key of the steps added next
 * @done: called once with the final result if the session does not finish
 *	synchronously inside acrypto_session_submit()
 *
 * Add steps with acrypto_session_add_hop() and data with
 * acrypto_session_set_crypt() afterwards.  The priority is the key's
 * (%ACRYPTO_PRIO_NORMAL, or %ACRYPTO_PRIO_BULK for transforms of
 * unprivileged users); the submitter may change it.
 */
void acrypto_session_init(struct acrypto_session *s, struct acrypto_key *key,
			  void (*done)(struct acrypto_session *s, int err))
{
	s->dev = NULL;
	s->state = ACRYPTO_S_IDLE;
	s->flags = 0;
	s->retries = 0;
	s->tried = 0;
	s->start_ns = 0;
	s->priority = key ? key->prio : ACRYPTO_PRIO_NORMAL;
	s->bind = NULL;
	s->route.len = 0;
	s->route.pos = 0;
	s->req_flags = 0;
	s->advance = NULL;
	s->done = done;
	s->key = key;
	s->src = NULL;
	s->dst = NULL;
	s->len = 0;
	s->iv = NULL;
}
EXPORT_SYMBOL_GPL(acrypto_session_init);

/*
 * Errors that blame the device rather than the request: the step is worth
 * retrying elsewhere.
 */
bool acrypto_is_device_error(int err)
{
	switch (err) {
	case -EIO:
	case -ENODEV:
	case -ETIMEDOUT:
	case -EAGAIN:
	case -ESHUTDOWN:
		return true;
	default:
		return false;
	}
}
EXPORT_SYMBOL_GPL(acrypto_is_device_error);

/* Longest scatterlists the overlap check walks; longer ones overlap. */
#define ACRYPTO_OVERLAP_MAX_SEGS	64

/* Does any segment of @a overlap any of @b, within @len bytes of each? */
static bool acrypto_sg_overlap(struct scatterlist *a, struct scatterlist *b,
			       unsigned int len)
{
	unsigned int alen = len, na = 0;

	for (; a && alen; a = sg_next(a)) {
		phys_addr_t a0 = page_to_phys(sg_page(a)) + a->offset;
		phys_addr_t a1 = a0 + min(a->length, alen);
		struct scatterlist *sg;
		unsigned int blen = len, nb = 0;

		if (++na > ACRYPTO_OVERLAP_MAX_SEGS)
			return true;
		for (sg = b; sg && blen; sg = sg_next(sg)) {
			phys_addr_t b0 = page_to_phys(sg_page(sg)) + sg->offset;
			phys_addr_t b1 = b0 + min(sg->length, blen);

			if (++nb > ACRYPTO_OVERLAP_MAX_SEGS)
				return true;
			if (a0 < b1 && b0 < a1)
				return true;
			blen -= min(sg->length, blen);
		}
		alen -= min(a->length, alen);
	}
	return false;
}

/*
 * The device that failed the current step of @s may have written its
 * output: is the step's input gone with it?  A hash update reads and
 * writes the same state; a cipher step may write over its source.  Called
 * on the error path only.
 */
static bool acrypto_step_clobbered(struct acrypto_session *s)
{
	unsigned int len = s->assoclen + s->len + s->authsize;

	switch (acrypto_session_op(s)) {
	case ACRYPTO_OP_HASH_UPDATE:
		return true;
	case ACRYPTO_OP_HASH_FINAL:
	case ACRYPTO_OP_HASH_DIGEST:
		/* The state is only read; the digest is written afresh. */
		return false;
	default:
		if (!s->dst || !len)
			return false;
		return s->src == s->dst ||
		       acrypto_sg_overlap(s->src, s->dst, len);
	}
}

/**
 * acrypto_session_set_written() - the device may have written the output
 * @s: the session whose current step the device is failing
 *
 * A device that fails a step after it may have written the step's output
 * (its destination, the hash state of an update) says so before it returns
 * the error from ->process() or passes it to acrypto_session_complete().
 * The engine then retries the step elsewhere only if the output does not
 * overlap the input; otherwise the step fails with -EIO, because the input
 * the retry would read is gone.  A device that fails without calling this
 * promises that it wrote nothing the caller can see.
 *
 * Context: any up to softirq, by the device holding @s.
 */
void acrypto_session_set_written(struct acrypto_session *s)
{
	s->flags |= ACRYPTO_SF_WRITTEN;
}
EXPORT_SYMBOL_GPL(acrypto_session_set_written);

/* Make the current step the one devices see. */
static void acrypto_load_step(struct acrypto_session *s)
{
	const struct acrypto_hop *hop = acrypto_session_hop(s);

	s->key = hop->key;
	s->src = hop->src;
	s->dst = hop->dst;
	s->len = hop->len;
	s->iv = hop->iv;
	s->assoclen = hop->assoclen;
	s->authsize = hop->authsize;
	s->hstate = hop->hstate;
	s->result = hop->result;
}

/* May @dev take the current step of @s, which its key says it serves? */
static bool acrypto_sole_fits(const struct acrypto_device *dev,
			      const struct acrypto_session *s)
{
	const struct acrypto_cap *cap = acrypto_device_cap(dev, s->key->alg,
							   s->key->mode);
	const struct acrypto_hop *hop = acrypto_session_hop(s);

	return cap && hop->alg == s->key->alg && hop->mode == s->key->mode &&
	       acrypto_cap_serves(cap, hop->op) &&
	       !(s->tried & BIT(dev->index)) &&
	       (!cap->max_len || s->len + s->assoclen <= cap->max_len);
}

/*
 * The device for the current step: the bound one, the key's sole usable
 * device, or the balancer's choice.  Caller holds rcu_read_lock().
 */
static struct acrypto_device *acrypto_select(struct acrypto_session *s)
{
	struct acrypto_device *dev;

	if (s->bind)
		return acrypto_device_can_serve(s->bind, s) ? s->bind : NULL;
	dev = acrypto_key_sole(s->key);
	if (dev && acrypto_sole_fits(dev, s))
		return dev;
	return acrypto_lb_select(s);
}

/* Tell a caller that saw -EBUSY that its request left the backlog. */
void acrypto_notify(struct acrypto_session *s)
{
	if (s->flags & ACRYPTO_SF_NOTIFY) {
		s->flags &= ~ACRYPTO_SF_NOTIFY;
		s->done(s, -EINPROGRESS);
	}
}

/* A device completed a step: count it and restart its stall clock. */
static void acrypto_count_completion(struct acrypto_device *dev, int err)
{
	unsigned long now = jiffies;

	this_cpu_inc(dev->pcpu->scompleted);
	if (err && err != -EOPNOTSUPP)
		this_cpu_inc(dev->pcpu->errors);
	if (READ_ONCE(dev->progress) != now)
		WRITE_ONCE(dev->progress, now);
}

/* @s goes to @dev's driver now. */
static void acrypto_step_start(struct acrypto_device *dev,
			       struct acrypto_session *s)
{
	s->state = ACRYPTO_S_ACTIVE;
	s->flags &= ~(ACRYPTO_SF_WRITTEN | ACRYPTO_SF_IV_SAVED);
	s->route.hop[s->route.pos].dev = dev;
	/*
	 * The completion may run on another CPU: a clock that agrees across
	 * CPUs, not local_clock(), whose CPUs may differ by a tick.
	 */
	s->start_ns = acrypto_cost_sample_due() || acrypto_lb_wants_timing() ?
		      ktime_get_ns() : 0;
	trace_acrypto_start(s, dev, false);
}

/* Bytes of IV the current step of @s reads and may update. */
static unsigned int acrypto_step_ivsize(const struct acrypto_session *s)
{
	if (!s->iv)
		return 0;
	switch (acrypto_session_mode(s)) {
	case ACRYPTO_MODE_CBC:
	case ACRYPTO_MODE_CTR:
	case ACRYPTO_MODE_XTS:
		return 16;
	case ACRYPTO_MODE_GCM:
		return 12;
	case ACRYPTO_MODE_RFC4106:
		return 8;
	default:
		return 0;
	}
}

/**
 * acrypto_process() - hand a linked session to a device's ->process()
 * @dev: the device holding @s
 * @s: the session, on @dev's queue
 * @ret: the driver's answer
 *
 * Caller holds rcu_read_lock().
 *
 * Return: how the offer went.
 */
enum acrypto_offer acrypto_process(struct acrypto_device *dev,
				   struct acrypto_session *s, int *ret)
{
	int ahead = atomic_read(&dev->inflight) - 1 -
		    (int)READ_ONCE(dev->backlog_len);

	unsigned int ivsize = acrypto_step_ivsize(s);

	s->ahead = max(ahead, 0);
	acrypto_step_start(dev, s);
	/* A device that fails may have moved the IV on: keep the original. */
	if (ivsize) {
		memcpy(s->iv_saved, s->iv, ivsize);
		s->flags |= ACRYPTO_SF_IV_SAVED;
	}
	*ret = dev->ops->process(dev, s);
	if (*ret == -EINPROGRESS) {
		/* @s may already be complete and gone: only @dev is safe. */
		this_cpu_inc(dev->pcpu->sstarted);
		return ACRYPTO_ACCEPTED;
	}
	if (unlikely(*ret == -EBUSY)) {
		dev_warn_once(&dev->dev, "->process() returned -EBUSY, meaning -ENOSPC\n");
		*ret = -ENOSPC;
	}
	if (*ret == -ENOSPC)
		return ACRYPTO_REFUSED;

	this_cpu_inc(dev->pcpu->sstarted);
	acrypto_count_completion(dev, *ret);
	acrypto_stats_step(dev, s, *ret);
	trace_acrypto_complete(s, dev, *ret, s->start_ns, false);
	return ACRYPTO_FINISHED;
}

/*
 * The synchronous fast path: a device with ->process_sync() does the step
 * here and now, while nothing waits for it.  The session is never on a
 * queue: the caller's rcu_read_lock() keeps the device registered.
 * Returns the step's result, or ACRYPTO_PROCESS_DEFER when the session must
 * go the queued way (the device cannot compute here, or has a backlog).
 */
static int acrypto_process_inline(struct acrypto_device *dev,
				  struct acrypto_session *s)
{
	u64 start = 0;
	int ret;

	if (!dev->ops->process_sync || READ_ONCE(dev->backlog_len) ||
	    READ_ONCE(dev->full))
		return ACRYPTO_PROCESS_DEFER;

	s->state = ACRYPTO_S_ACTIVE;
	s->flags &= ~(ACRYPTO_SF_WRITTEN | ACRYPTO_SF_IV_SAVED);
	s->route.hop[s->route.pos].dev = dev;
	if (acrypto_cost_sample_due())
		start = local_clock();
	trace_acrypto_start(s, dev, true);
	ret = dev->ops->process_sync(dev, s);
	if (ret == ACRYPTO_PROCESS_DEFER) {
		s->state = ACRYPTO_S_IDLE;
		return ret;
	}
	trace_acrypto_complete(s, dev, ret, start, true);
	if (start && !ret) {
		u64 ns = local_clock() - start;

		acrypto_cost_sample(dev, s, ns);
		acrypto_stats_latency(dev, s, ns);
	}
	this_cpu_inc(dev->pcpu->sstarted);
	this_cpu_inc(dev->pcpu->scompleted);
	if (unlikely(ret) && ret != -EOPNOTSUPP)
		this_cpu_inc(dev->pcpu->errors);
	acrypto_stats_step(dev, s, ret);
	return ret;
}

/*
 * The step ended well (or with an error that ends the session): go to the
 * next step of the route, if any.  Returns true when there is one to
 * dispatch, with *@err the error to report if no device takes it.
 */
static bool acrypto_step_next(struct acrypto_session *s, int *err)
{
	if (*err || s->route.pos + 1 >= s->route.len)
		return false;
	if (s->advance) {
		*err = s->advance(s);
		if (*err)
			return false;
	}
	s->route.pos++;
	s->retries = 0;
	s->tried = 0;
	acrypto_load_step(s);
	*err = -ENODEV;
	return true;
}

/**
 * acrypto_step_end() - the current step of @s on @dev ended with *@err
 * @s: the session, linked to @dev or done inline
 * @dev: the device
 * @err: the step's result; the result to report on return
 *
 * Takes @s off the queues and decides what comes next.
 *
 * Return: true when the session must be dispatched again (retry after a
 * device error, a declined step, or the next step of the route), false
 * when it has finished with *@err.
 */
bool acrypto_step_end(struct acrypto_session *s, struct acrypto_device *dev,
		      int *err)
{
	if (s->dev)
		acrypto_queue_unlink(s);
	s->state = ACRYPTO_S_IDLE;
	acrypto_lb_complete(dev, s, *err);

	if (unlikely(*err) && !s->bind) {
		bool written = s->flags & ACRYPTO_SF_WRITTEN;

		if (*err == -EOPNOTSUPP &&
		    (!written || !acrypto_step_clobbered(s))) {
			/* Declined: not this device's kind of request. */
			if (written && (s->flags & ACRYPTO_SF_IV_SAVED))
				memcpy(s->iv, s->iv_saved, acrypto_step_ivsize(s));
			this_cpu_inc(dev->pcpu->declined);
			s->tried |= BIT(dev->index);
			trace_acrypto_retry(s, dev, NULL, ACRYPTO_RETRY_DECLINE, *err);
			return true;
		}
		if (*err == -EOPNOTSUPP) {
			/* Declined after writing over its input. */
			dev_warn_ratelimited(&dev->dev,
					     "declined a step over its own input: not retried\n");
			*err = -EIO;
		}
		if (acrypto_is_device_error(*err) &&
		    s->retries < acrypto_max_retries) {
			acrypto_cost_penalise(dev, s);
			if ((s->flags & ACRYPTO_SF_WRITTEN) &&
			    acrypto_step_clobbered(s)) {
				dev_warn_ratelimited(&dev->dev,
						     "failed a step over its own input (%d): not retried\n",
						     *err);
				*err = -EIO;
			} else {
				if ((s->flags & ACRYPTO_SF_WRITTEN) &&
				    (s->flags & ACRYPTO_SF_IV_SAVED))
					memcpy(s->iv, s->iv_saved,
					       acrypto_step_ivsize(s));
				s->retries++;
				s->tried |= BIT(dev->index);
				acrypto_stats_retry(dev, s);
				trace_acrypto_retry(s, dev, NULL, ACRYPTO_RETRY_ERROR,
						    *err);
				return true;
			}
		}
	}
	if (acrypto_step_next(s, err))
		return true;
	this_cpu_inc(dev->pcpu->sfinished);
	return false;
}

/*
 * No usable device can take the current step: do it with the kernel's own
 * implementation, the key's fallback.  Not for bound sessions (they asked
 * for one device), nor for back-pressure (-ENOSPC).  Returns true with the
 * step's result in *@err when the fallback ran.
 */
static bool acrypto_fallback(struct acrypto_session *s, int *err)
{
	struct acrypto_key *key = s->key;

	if (s->bind || *err == -ENOSPC)
		return false;
	if (key->partition) {
		/* Never outside the partition: not even the kernel's code. */
		pr_notice_ratelimited("partition %s: no usable device for algorithm %u mode %u\n",
				      acrypto_partition_name(key->partition),
				      key->alg, key->mode);
		return false;
	}
	if (!key->fallback.tfm || !key->set)
		return false;

	pr_notice_ratelimited("no usable device for algorithm %u mode %u: using %s\n",
			      key->alg, key->mode,
			      acrypto_sw_driver_name(&key->fallback));
	this_cpu_inc(acrypto_fallbacks);
	s->route.hop[s->route.pos].dev = NULL;
	*err = acrypto_sw_crypt(&key->fallback, s, acrypto_session_priv(s));
	trace_acrypto_fallback(s, acrypto_sw_driver_name(&key->fallback), *err);
	return true;
}

/*
 * Offer a session that is not on any queue to @dev: inline when the device
 * can, else linked and offered to ->process().  In a submission, BH is off
 * and the CPU marked while the session is queued, so that nothing it
 * triggers (a completion from within ->process(), a backlog feed) runs
 * inside the submitter's call.  @no_inline: ->process_sync() just deferred.
 */
static enum acrypto_offer acrypto_dispatch(struct acrypto_device *dev,
					   struct acrypto_session *s,
					   unsigned int flags, bool no_inline,
					   int *ret)
{
	enum acrypto_offer res;

	trace_acrypto_select(s, dev);
	if (!no_inline) {
		*ret = acrypto_process_inline(dev, s);
		if (*ret != ACRYPTO_PROCESS_DEFER)
			return ACRYPTO_FINISHED;
	}

	local_bh_disable();
	if (flags & ACRYPTO_RUN_SUBMIT)
		__this_cpu_inc(acrypto_in_submit);
	acrypto_queue_link(s, dev);
	res = acrypto_offer(dev, s, flags, ret);
	if (flags & ACRYPTO_RUN_SUBMIT)
		__this_cpu_dec(acrypto_in_submit);
	local_bh_enable();
	return res;
}

/**
 * acrypto_run() - dispatch the current step of @s until it is placed
 * @s: the session, on no queue
 * @err: the result to report if no device and no fallback can take it
 * @flags: ACRYPTO_RUN_*
 *
 * Dispatches until a device accepts or parks the session, or the session
 * finishes.  Caller holds rcu_read_lock().
 *
 * Return: -EINPROGRESS or -EBUSY while the session is in the engine,
 * otherwise the final result with the session out of the engine.
 */
int acrypto_run(struct acrypto_session *s, int err, unsigned int flags)
{
	bool no_inline = flags & ACRYPTO_RUN_NO_INLINE;
	struct acrypto_device *dev;
	enum acrypto_offer res;
	int ret;

	for (;;) {
		dev = acrypto_select(s);
		if (!dev) {
			if (!acrypto_fallback(s, &err))
				return err;
			if (!acrypto_step_next(s, &err))
				return err;
			continue;
		}

		res = acrypto_dispatch(dev, s, flags, no_inline, &ret);
		no_inline = false;
		switch (res) {
		case ACRYPTO_ACCEPTED:
		case ACRYPTO_PARKED:
			return ret;
		case ACRYPTO_REFUSED:
			/* Dying, or too much of its transform waiting. */
			acrypto_queue_unlink(s);
			s->state = ACRYPTO_S_IDLE;
			s->tried |= BIT(dev->index);
			trace_acrypto_retry(s, dev, NULL, ACRYPTO_RETRY_REFUSED, ret);
			if (ret == -ENOSPC)
				err = -ENOSPC;
			continue;
		case ACRYPTO_FINISHED:
			if (!acrypto_step_end(s, dev, &ret))
				return ret;
			err = ret;
			continue;
		}
	}
}

/* Deliver a result for a session that did not finish in submit. */
void acrypto_finish(struct acrypto_session *s, int err)
{
	trace_acrypto_done(s, err);
	if (unlikely(s->route.hop[0].key->partition))
		acrypto_partition_result(s, err);
	acrypto_notify(s);
	s->done(s, err);
}

/**
 * acrypto_resubmit() - send on a session the engine already accepted
 * @s: taken from a backlog, or whose step ended
 * @err: result to deliver if no device can take it
 *
 * Delivers the session's result if it finishes.  Caller holds
 * rcu_read_lock() with BH off, outside any submitter's call.
 */
void acrypto_resubmit(struct acrypto_session *s, int err)
{
	err = acrypto_run(s, err, 0);
	if (err != -EINPROGRESS && err != -EBUSY)
		acrypto_finish(s, err);
}

/**
 * acrypto_step_done() - end the current step of @s on @dev and carry on
 * @s: a session whose step ended outside its submitter's call
 * @dev: the device the step ended on
 * @err: the step's result
 *
 * Ends the step (acrypto_step_end()), then dispatches the session again
 * (acrypto_resubmit()) or delivers its result (acrypto_finish()).  Caller
 * holds rcu_read_lock() with BH off, outside any submitter's call.
 */
void acrypto_step_done(struct acrypto_session *s, struct acrypto_device *dev,
		       int err)
{
	if (acrypto_step_end(s, dev, &err))
		acrypto_resubmit(s, err);
	else
		acrypto_finish(s, err);
}

/*
 * The sole-device fast path: one step, one usable device for the key, and
 * that device computes in the call.  No balancer, no queue, no shared
 * cache line written.  Returns the result, or ACRYPTO_PROCESS_DEFER when
 * the session must take the general path (*@dev is then the device tried,
 * or NULL).  Caller holds rcu_read_lock().
 */
static int acrypto_submit_sole(struct acrypto_session *s,
			       struct acrypto_device **dev)
{
	struct acrypto_device *d;
	u64 start = 0;
	int ret;

	*dev = NULL;
	if (s->route.len != 1 || s->bind)
		return ACRYPTO_PROCESS_DEFER;
	d = acrypto_key_sole(s->key);
	if (!d || !d->ops->process_sync || !acrypto_sole_fits(d, s))
		return ACRYPTO_PROCESS_DEFER;
	*dev = d;
	if (READ_ONCE(d->backlog_len) || READ_ONCE(d->full))
		return ACRYPTO_PROCESS_DEFER;

	trace_acrypto_select(s, d);
	s->state = ACRYPTO_S_ACTIVE;
	s->route.hop[0].dev = d;
	if (acrypto_cost_sample_due())
		start = local_clock();
	trace_acrypto_start(s, d, true);
	ret = d->ops->process_sync(d, s);
	s->state = ACRYPTO_S_IDLE;
	if (ret != ACRYPTO_PROCESS_DEFER) {
		trace_acrypto_complete(s, d, ret, start, true);
		acrypto_stats_step(d, s, ret);
	}
	if (likely(!ret)) {
		if (start) {
			u64 ns = local_clock() - start;

			acrypto_cost_sample(d, s, ns);
			acrypto_stats_latency(d, s, ns);
		}
		/* Counts as started, completed and finished too (sysfs.c). */
		this_cpu_inc(d->pcpu->sole);
		*dev = NULL;
		return 0;
	}
	if (ret == ACRYPTO_PROCESS_DEFER)
		return ret;
	this_cpu_inc(d->pcpu->sstarted);
	this_cpu_inc(d->pcpu->scompleted);
	if (ret != -EOPNOTSUPP)
		this_cpu_inc(d->pcpu->errors);
	if (ret == -EOPNOTSUPP || acrypto_is_device_error(ret))
		return ret;	/* the caller retries elsewhere */
	this_cpu_inc(d->pcpu->sfinished);
	*dev = NULL;
	return ret;
}

/*
 * The longest request the direct path does with preemption disabled: no
 * longer than the kernel's SIMD ciphers keep it disabled for one step of
 * their walk.
 */
#define ACRYPTO_DIRECT_ATOMIC_LEN	PAGE_SIZE

/* Leave acrypto_skcipher_direct()'s read side. */
static inline void acrypto_direct_unlock(bool atomic)
{
	if (atomic)
		rcu_read_unlock_sched();
	else
		rcu_read_unlock();
}

/**
 * acrypto_skcipher_direct() - a cipher request straight to its sole device
 * @req: the crypto API request of an acrypto skcipher
 * @key: its transform's key
 * @op: ACRYPTO_OP_ENCRYPT or ACRYPTO_OP_DECRYPT
 * @mode: enum acrypto_mode of the algorithm
 * @sub: room for the implementation's sub-request (the session's private
 *	area, at least the key's priv_size bytes)
 * @ret: the result, when the request was done here
 *
 * The sole-device path at its shortest: when the key's only usable device
 * is one whose per-key state the engine can run itself
 * (%ACRYPTO_DEV_SW_DIRECT) and nothing waits for it, the request goes to
 * the kernel's implementation the device prepared, with no session built,
 * as the kernel's SIMD helper forwards to its child.  The same when such a
 * device is the default balancer's choice whatever the queues hold
 * (acrypto_key_dominant()): a device that is faster at this size than every
 * other capable one.
 *
 * A request of up to %ACRYPTO_DIRECT_ATOMIC_LEN bytes is done with
 * preemption disabled rather than under rcu_read_lock(): since v5.0 such a
 * region is an RCU read-side critical section that synchronize_rcu() waits
 * for (device removal), and it costs no out-of-line call on a kernel with
 * preemptible RCU.  Longer requests stay preemptible.
 *
 * Return: true with the result in *@ret, false when the request must be
 * submitted as a session.
 */
bool acrypto_skcipher_direct(struct skcipher_request *req,
			     struct acrypto_key *key, u8 op, u16 mode,
			     void *sub, int *ret)
{
	struct skcipher_request *subreq = sub;
	const struct acrypto_cap *cap;
	struct acrypto_device *dev, *sole;
	bool atomic = req->cryptlen <= ACRYPTO_DIRECT_ATOMIC_LEN;
	struct acrypto_sw *sw;
	u64 start = 0;

	/*
	 * A partition counts its sessions, and the trace events describe
	 * sessions: they go the long way.
	 */
	if (unlikely(key->partition) || trace_acrypto_submit_enabled())
		return false;
	if (atomic)
		rcu_read_lock_sched();
	else
		rcu_read_lock();
	dev = acrypto_key_sole(key);
	sole = dev;
	if (!dev)
		dev = acrypto_key_dominant(key, op, mode, req->cryptlen);
	if (!dev || !(dev->flags & ACRYPTO_DEV_SW_DIRECT) ||
	    READ_ONCE(dev->backlog_len) || READ_ONCE(dev->full))
		goto no;
	cap = acrypto_device_cap(dev, key->alg, mode);
	if (!cap || !acrypto_cap_serves(cap, op) ||
	    (cap->max_len && req->cryptlen > cap->max_len))
		goto no;
	sw = key->devpriv[dev->index];
	if (sw->simd && !crypto_simd_usable())
		goto no;

	if (acrypto_cost_sample_tick())
		start = local_clock();
	skcipher_request_set_tfm(subreq, sw->tfm);
	skcipher_request_set_callback(subreq, 0, NULL, NULL);
	skcipher_request_set_crypt(subreq, req->src, req->dst, req->cryptlen,
				   req->iv);
	*ret = op == ACRYPTO_OP_ENCRYPT ? crypto_skcipher_encrypt(subreq) :
					  crypto_skcipher_decrypt(subreq);
	if (start)
		start = local_clock() - start;
	acrypto_stats_direct(dev, key->alg, mode, req->cryptlen, *ret, start);
	if (likely(!*ret)) {
		if (start)
			acrypto_cost_sample_step(dev, key->alg, mode,
						 req->cryptlen, start);
		if (sole) {
			this_cpu_inc(dev->pcpu->sole);
		} else {
			this_cpu_inc(dev->pcpu->sstarted);
			this_cpu_inc(dev->pcpu->scompleted);
			this_cpu_inc(dev->pcpu->sfinished);
		}
	} else {
		/* A request the implementation refused: bad input. */
		this_cpu_inc(dev->pcpu->sstarted);
		this_cpu_inc(dev->pcpu->scompleted);
		this_cpu_inc(dev->pcpu->sfinished);
		this_cpu_inc(dev->pcpu->errors);
	}
	acrypto_direct_unlock(atomic);
	return true;
no:
	acrypto_direct_unlock(atomic);
	return false;
}

/**
 * acrypto_session_submit() - start a session
 * @s: session set up with acrypto_session_init() and at least one step
 *
 * Context: process or softirq context; never sleeps.
 *
 * Return: the final result if the session finished synchronously (its
 * @done callback is not called), -EINPROGRESS or -EBUSY (see the crypto API
 * backlog protocol above) if @done will be called, -ENOSPC when the
 * request may not wait and its transform has max_backlog sessions waiting,
 * or -ENODEV when no device and no fallback can do it.
 */
int acrypto_session_submit(struct acrypto_session *s)
{
	struct acrypto_device *dev;
	int ret;

	if (WARN_ON_ONCE(!s->route.len || !s->done))
		return -EINVAL;

	s->route.pos = 0;
	acrypto_load_step(s);
	if (WARN_ON_ONCE(!s->key))
		return -EINVAL;
	if (unlikely(s->priority >= ACRYPTO_NR_PRIO))
		s->priority = ACRYPTO_NR_PRIO - 1;
	trace_acrypto_submit(s);

	if (unlikely(s->key->partition))
		acrypto_partition_account(s);

	rcu_read_lock();
	ret = acrypto_submit_sole(s, &dev);
	if (unlikely(dev)) {
		if (ret == ACRYPTO_PROCESS_DEFER)
			/* Not here: queue it, without computing twice. */
			ret = acrypto_run(s, -ENODEV, ACRYPTO_RUN_SUBMIT |
					  ACRYPTO_RUN_NO_INLINE);
		else if (acrypto_step_end(s, dev, &ret))
			ret = acrypto_run(s, ret, ACRYPTO_RUN_SUBMIT);
	} else if (ret == ACRYPTO_PROCESS_DEFER) {
		ret = acrypto_run(s, -ENODEV, ACRYPTO_RUN_SUBMIT);
	}
	rcu_read_unlock();
	/*
	 * The result first: a session still in the engine may have completed
	 * and been freed by its owner already (a completion in the softirq
	 * that local_bh_enable() ran); only a finished one is still ours.
	 */
	if (ret != -EINPROGRESS && ret != -EBUSY) {
		trace_acrypto_done(s, ret);
		if (unlikely(s->key->partition))
			acrypto_partition_result(s, ret);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(acrypto_session_submit);

/* The step of @s on its device ended with @err: carry on. */
static void __acrypto_session_complete(struct acrypto_session *s, int err)
{
	struct acrypto_device *dev = s->dev;
	u64 now;

	trace_acrypto_complete(s, dev, err, s->start_ns, false);
	acrypto_count_completion(dev, err);
	acrypto_stats_step(dev, s, err);
	if (s->start_ns && !err) {
		now = ktime_get_ns();
		if (now > s->start_ns) {
			acrypto_cost_sample(dev, s, div_u64(now - s->start_ns,
							    s->ahead + 1));
			acrypto_stats_latency(dev, s, now - s->start_ns);
		}
	}

	acrypto_step_done(s, dev, err);
	acrypto_backlog_room(dev);
}

/* Complete the sessions deferred out of submitters' calls on this CPU. */
static void acrypto_deferred_worker(struct work_struct *work)
{
	struct acrypto_deferred *d = container_of(work, typeof(*d), work);
	struct acrypto_session *s, *tmp;
	LIST_HEAD(list);

	local_bh_disable();
	list_splice_init(&d->list, &list);
	rcu_read_lock();
	list_for_each_entry_safe(s, tmp, &list, backlog_node) {
		list_del(&s->backlog_node);
		__acrypto_session_complete(s, s->status);
	}
	rcu_read_unlock();
	local_bh_enable();
}

/**
 * acrypto_session_complete() - a device finished the step it accepted
 * @s: the session, accepted by ->process() with -EINPROGRESS
 * @err: result of the step
 *
 * Context: softirq (BH) or process context with BH disabled; never from a
 * hard interrupt handler.  The device must not touch @s afterwards.  Called
 * from within ->process() (a device that finishes at once), the completion
 * is deferred to a worker, so that the submitter's callback never runs
 * inside its own call.
 */
void acrypto_session_complete(struct acrypto_session *s, int err)
{
	if (WARN_ON_ONCE(s->state != ACRYPTO_S_ACTIVE || !s->dev))
		return;

	if (unlikely(this_cpu_read(acrypto_in_submit))) {
		struct acrypto_deferred *d = this_cpu_ptr(&acrypto_deferred);

		s->status = err;
		list_add_tail(&s->backlog_node, &d->list);
		queue_work_on(smp_processor_id(), acrypto_wq, &d->work);
		return;
	}

	rcu_read_lock();
	__acrypto_session_complete(s, err);
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(acrypto_session_complete);

/**
 * acrypto_fallback_count() - steps the kernel's own implementations did
 *
 * Return: the sum over CPUs.
 */
unsigned long acrypto_fallback_count(void)
{
	unsigned long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu(acrypto_fallbacks, cpu));
	return n;
}

void acrypto_session_init_pcpu(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct acrypto_deferred *d = per_cpu_ptr(&acrypto_deferred,
							 cpu);

		INIT_LIST_HEAD(&d->list);
		INIT_WORK(&d->work, acrypto_deferred_worker);
	}
}

void acrypto_session_uninit_pcpu(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		flush_work(&per_cpu_ptr(&acrypto_deferred, cpu)->work);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: sessions - submission, back-pressure, completion, retry, routes.
 *
 * A session goes through the steps of its route one at a time.  For each
 * step the balancer picks a device; the session is linked on the main queue
 * and the device's queue and offered to the device's ->process():
 *
 *  - accepted (-EINPROGRESS): the device owns the session until it calls
 *    acrypto_session_complete();
 *  - full (-ENOSPC): the session waits on the device's backlog, by priority,
 *    until the device calls acrypto_device_unblock(), FreeBSD's
 *    ERESTART/crypto_unblock() protocol;
 *  - done synchronously: the result is handled at once.
 *
 * When a step ends with a device error the step is retried on another
 * device up to max_retries times; when it ends well and the route has more
 * steps, the next step is dispatched; otherwise the session finishes.
 *
 * Callers see the crypto API backlog protocol: a submission returns 0 or an
 * error when the session finished synchronously, -EINPROGRESS when it will
 * complete later, -EBUSY when it was queued beyond max_backlog with
 * CRYPTO_TFM_REQ_MAY_BACKLOG (the completion callback is then called with
 * -EINPROGRESS when it leaves the backlog, before its final result), and
 * -ENOSPC only when every capable device is backlogged beyond max_backlog and
 * the request may not be backlogged.
 *
 * Locking: the fast path takes the local main-queue shard lock (queue.c) and
 * touches the device's in-flight counter; dev->lock is taken only while a
 * device is full.  Every call to ->process() and every use of a device
 * pointer obtained from the balancer happens under rcu_read_lock();
 * acrypto_device_unregister() waits for the device to empty and then for a
 * grace period before the device may be freed.
 */

#include <linux/bottom_half.h>
#include <linux/ktime.h>
#include <linux/rcupdate.h>
#include <linux/smp.h>

#include "internal.h"

/* Outcome of offering a session to a device. */
enum acrypto_offer {
	ACRYPTO_ACCEPTED,	/* the device owns it, do not touch it */
	ACRYPTO_PARKED,		/* on the device's backlog */
	ACRYPTO_REFUSED,	/* not queued on this device: try another */
	ACRYPTO_FINISHED,	/* the device did the step synchronously */
};

/**
 * acrypto_session_init() - prepare a session for submission
 * @s: the session, in a request context
 * @key: key of the transform, the default key of the steps added next
 * @done: called once with the final result if the session does not finish
 *	synchronously inside acrypto_session_submit()
 *
 * Add steps with acrypto_session_add_hop() and data with
 * acrypto_session_set_crypt() afterwards.
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
	s->priority = ACRYPTO_PRIO_NORMAL;
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
static bool acrypto_is_device_error(int err)
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

/* Longest scatterlists the overlap check walks; longer ones count as overlapping. */
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
		/* The state is only read; the digest is written afresh. */
		return false;
	default:
		if (!s->dst || !len)
			return false;
		return s->src == s->dst || acrypto_sg_overlap(s->src, s->dst, len);
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

static struct acrypto_device *acrypto_select(struct acrypto_session *s)
{
	if (s->bind)
		return acrypto_device_can_serve(s->bind, s) ? s->bind : NULL;
	return acrypto_lb_select(s);
}

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

/* Tell a caller that saw -EBUSY that its request left the backlog. */
static void acrypto_notify(struct acrypto_session *s)
{
	if (s->flags & ACRYPTO_SF_NOTIFY) {
		s->flags &= ~ACRYPTO_SF_NOTIFY;
		s->done(s, -EINPROGRESS);
	}
}

/* Insert @s into @dev's backlog behind every session of equal or higher
 * priority.  Caller holds dev->lock.
 */
static void acrypto_backlog_add(struct acrypto_device *dev,
				struct acrypto_session *s)
{
	struct acrypto_session *pos;

	list_for_each_entry_reverse(pos, &dev->backlog, backlog_node) {
		if (pos->priority >= s->priority) {
			list_add(&s->backlog_node, &pos->backlog_node);
			goto added;
		}
	}
	list_add(&s->backlog_node, &dev->backlog);
added:
	dev->backlog_len++;
	s->state = ACRYPTO_S_BACKLOG;
}

/*
 * Park @s on @dev's backlog.  @seq is the unblock sequence read before the
 * device said it was full (or ~0 when it was not asked).  On a first
 * submission the crypto API backlog protocol applies; sessions the engine
 * already accepted always park.
 */
static enum acrypto_offer acrypto_park(struct acrypto_device *dev,
				       struct acrypto_session *s,
				       bool submit, bool full, unsigned int seq,
				       int *ret)
{
	bool kick;

	spin_lock_bh(&dev->lock);
	if (!acrypto_device_usable(dev)) {
		spin_unlock_bh(&dev->lock);
		*ret = -ENODEV;
		return ACRYPTO_REFUSED;
	}
	if (full && dev->unblock_seq != seq) {
		/* The device made room while we were looking: try again. */
		spin_unlock_bh(&dev->lock);
		*ret = -EAGAIN;
		return ACRYPTO_REFUSED;
	}
	*ret = -EINPROGRESS;
	if (submit && dev->backlog_len >= acrypto_max_backlog) {
		if (!(s->req_flags & CRYPTO_TFM_REQ_MAY_BACKLOG)) {
			spin_unlock_bh(&dev->lock);
			*ret = -ENOSPC;
			return ACRYPTO_REFUSED;
		}
		s->flags |= ACRYPTO_SF_NOTIFY;
		*ret = -EBUSY;
	}
	if (full)
		dev->full = true;
	acrypto_backlog_add(dev, s);
	kick = !dev->full;
	spin_unlock_bh(&dev->lock);

	if (kick)
		acrypto_device_kick(dev);
	return ACRYPTO_PARKED;
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

/* @s goes to a device's driver now. */
static void acrypto_step_start(struct acrypto_session *s)
{
	s->state = ACRYPTO_S_ACTIVE;
	s->flags &= ~ACRYPTO_SF_WRITTEN;
	s->start_ns = acrypto_lb_wants_timing() ? ktime_get_ns() : 0;
}

/* @dev did the step in the call: it started and completed. */
static void acrypto_step_done_sync(struct acrypto_device *dev, int err)
{
	this_cpu_inc(dev->pcpu->sstarted);
	acrypto_count_completion(dev, err);
}

/* Hand @s to @dev's driver.  Caller holds rcu_read_lock(). */
static enum acrypto_offer acrypto_process(struct acrypto_device *dev,
					  struct acrypto_session *s, int *ret)
{
	acrypto_step_start(s);
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

	acrypto_step_done_sync(dev, *ret);
	return ACRYPTO_FINISHED;
}

/*
 * The synchronous fast path: a device with ->process_sync() does the step
 * here and now, while nothing waits for it.  Returns true with the result
 * in *@ret (the step ended), false when the session must go the usual way.
 * Caller holds rcu_read_lock().
 */
static bool acrypto_process_inline(struct acrypto_device *dev,
				   struct acrypto_session *s, int *ret)
{
	if (!dev->ops->process_sync || READ_ONCE(dev->backlog_len) ||
	    READ_ONCE(dev->full))
		return false;

	acrypto_queue_hold(s, dev);
	acrypto_step_start(s);
	*ret = dev->ops->process_sync(dev, s);
	if (*ret == ACRYPTO_PROCESS_DEFER) {
		s->state = ACRYPTO_S_IDLE;
		acrypto_queue_unlink(s);
		return false;
	}
	acrypto_step_done_sync(dev, *ret);
	return true;
}

/*
 * Offer the current step of a linked session to @dev: straight to the
 * device when nothing waits before it, else onto its backlog.
 */
static enum acrypto_offer acrypto_offer(struct acrypto_device *dev,
					struct acrypto_session *s,
					bool submit, int *ret)
{
	enum acrypto_offer res;
	unsigned int seq;

	for (;;) {
		if (READ_ONCE(dev->backlog_len) || READ_ONCE(dev->full))
			return acrypto_park(dev, s, submit, false, 0, ret);

		seq = READ_ONCE(dev->unblock_seq);
		/* Pairs with the lock in acrypto_device_unblock(). */
		smp_rmb();
		res = acrypto_process(dev, s, ret);
		if (res != ACRYPTO_REFUSED)
			return res;

		res = acrypto_park(dev, s, submit, true, seq, ret);
		if (res != ACRYPTO_REFUSED || *ret != -EAGAIN)
			return res;
	}
}

/*
 * The current step of @s on @dev ended with *@err.  Takes @s off the queues
 * and decides what comes next: returns true when the session must be
 * dispatched again (retry after a device error, or the next step of the
 * route), false when it has finished with *@err.
 */
static bool acrypto_step_end(struct acrypto_session *s,
			     struct acrypto_device *dev, int *err)
{
	acrypto_queue_unlink(s);
	s->state = ACRYPTO_S_IDLE;
	acrypto_lb_complete(dev, s, *err);

	if (*err == -EOPNOTSUPP && !s->bind) {
		/* Declined: not this device's kind of request. */
		this_cpu_inc(dev->pcpu->declined);
		s->tried |= BIT(dev->index);
		return true;
	}
	if (*err && acrypto_is_device_error(*err) && !s->bind &&
	    s->retries < acrypto_max_retries) {
		if ((s->flags & ACRYPTO_SF_WRITTEN) &&
		    acrypto_step_clobbered(s)) {
			dev_warn_ratelimited(&dev->dev,
					     "failed a step over its own input (%d): not retried\n",
					     *err);
			*err = -EIO;
		} else {
			s->retries++;
			s->tried |= BIT(dev->index);
			return true;
		}
	}
	if (!*err && s->route.pos + 1 < s->route.len) {
		if (s->advance)
			*err = s->advance(s);
		if (!*err) {
			s->route.pos++;
			s->retries = 0;
			s->tried = 0;
			acrypto_load_step(s);
			*err = -ENODEV;
			return true;
		}
	}
	this_cpu_inc(dev->pcpu->sfinished);
	return false;
}

/*
 * Dispatch the current step of @s until a device accepts it or parks it,
 * or the session finishes.  @err is the result if no device can take it.
 * Returns -EINPROGRESS or -EBUSY while the session is in the engine,
 * otherwise the final result with the session out of the engine.
 * Caller holds rcu_read_lock().
 */
static int acrypto_run(struct acrypto_session *s, int err, bool submit)
{
	struct acrypto_device *dev;
	enum acrypto_offer res;
	int ret;

	for (;;) {
		dev = acrypto_select(s);
		if (!dev)
			return err;

		s->route.hop[s->route.pos].dev = dev;
		if (acrypto_process_inline(dev, s, &ret)) {
			res = ACRYPTO_FINISHED;
		} else {
			acrypto_queue_link(s, dev);
			res = acrypto_offer(dev, s, submit, &ret);
		}

		switch (res) {
		case ACRYPTO_ACCEPTED:
		case ACRYPTO_PARKED:
			return ret;
		case ACRYPTO_REFUSED:
			/* Dying, or backlogged too deep for this request. */
			acrypto_queue_unlink(s);
			s->state = ACRYPTO_S_IDLE;
			s->tried |= BIT(dev->index);
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
static void acrypto_finish(struct acrypto_session *s, int err)
{
	acrypto_notify(s);
	s->done(s, err);
}

/*
 * Send again a session the engine already accepted (taken from a backlog,
 * or after a step ended) and deliver its result if it finishes.
 */
static void acrypto_resubmit(struct acrypto_session *s, int err)
{
	err = acrypto_run(s, err, false);
	if (err != -EINPROGRESS && err != -EBUSY)
		acrypto_finish(s, err);
}

/**
 * acrypto_session_submit() - start a session
 * @s: session set up with acrypto_session_init() and at least one step
 *
 * Context: process or softirq context; never sleeps.
 *
 * Return: the final result if the session finished synchronously (its
 * @done callback is not called), -EINPROGRESS or -EBUSY (see the crypto API
 * backlog protocol above) if @done will be called, or -ENOSPC / -ENODEV if
 * no device could take it.
 */
int acrypto_session_submit(struct acrypto_session *s)
{
	int ret;

	if (WARN_ON_ONCE(!s->route.len || !s->done))
		return -EINVAL;

	s->route.pos = 0;
	acrypto_load_step(s);
	if (WARN_ON_ONCE(!s->key))
		return -EINVAL;

	rcu_read_lock();
	ret = acrypto_run(s, -ENODEV, true);
	rcu_read_unlock();
	return ret;
}
EXPORT_SYMBOL_GPL(acrypto_session_submit);

/**
 * acrypto_session_complete() - a device finished the step it accepted
 * @s: the session, accepted by ->process() with -EINPROGRESS
 * @err: result of the step
 *
 * Context: softirq (BH) or process context with BH disabled; never from a
 * hard interrupt handler.  The device must not touch @s afterwards.
 */
void acrypto_session_complete(struct acrypto_session *s, int err)
{
	struct acrypto_device *dev = s->dev;

	if (WARN_ON_ONCE(s->state != ACRYPTO_S_ACTIVE || !dev))
		return;

	rcu_read_lock();
	acrypto_count_completion(dev, err);

	if (acrypto_step_end(s, dev, &err))
		acrypto_resubmit(s, err);
	else
		acrypto_finish(s, err);
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(acrypto_session_complete);

/*
 * Pop the head of @dev's backlog unless the device is full.  *@seq gets the
 * unblock sequence at that moment.
 */
static struct acrypto_session *acrypto_backlog_pop(struct acrypto_device *dev,
						   unsigned int *seq)
{
	struct acrypto_session *s = NULL;

	spin_lock_bh(&dev->lock);
	if (!dev->full && !list_empty(&dev->backlog)) {
		s = list_first_entry(&dev->backlog, struct acrypto_session,
				     backlog_node);
		list_del(&s->backlog_node);
		dev->backlog_len--;
		s->state = ACRYPTO_S_IDLE;
		*seq = dev->unblock_seq;
	}
	spin_unlock_bh(&dev->lock);
	return s;
}

/* Put @s back at the head of the backlog after the device said it is full. */
static bool acrypto_backlog_push_head(struct acrypto_device *dev,
				      struct acrypto_session *s,
				      unsigned int seq)
{
	bool usable;

	spin_lock_bh(&dev->lock);
	usable = acrypto_device_usable(dev);
	if (usable) {
		list_add(&s->backlog_node, &dev->backlog);
		dev->backlog_len++;
		s->state = ACRYPTO_S_BACKLOG;
		if (dev->unblock_seq == seq)
			dev->full = true;
	}
	spin_unlock_bh(&dev->lock);
	return usable;
}

/*
 * Send a session taken off @dev (already off the queues) elsewhere: to the
 * balancer's next choice, or to its end with -ENODEV if it is bound.
 */
static void acrypto_relocate(struct acrypto_session *s,
			     struct acrypto_device *dev)
{
	if (s->bind) {
		acrypto_finish(s, -ENODEV);
		return;
	}
	s->tried |= BIT(dev->index);
	acrypto_resubmit(s, -ENODEV);
}

/* Move a session that is linked to @dev but not active to another device. */
static void acrypto_move(struct acrypto_session *s)
{
	struct acrypto_device *dev = s->dev;

	acrypto_queue_unlink(s);
	acrypto_relocate(s, dev);
}

/**
 * acrypto_device_kick() - feed a device from its backlog
 * @dev: the device
 *
 * Offers backlogged sessions in priority order until the backlog is empty or
 * the device is full again.  One CPU at a time feeds a device; a CPU that
 * finds another one at work leaves it the job.
 */
void acrypto_device_kick(struct acrypto_device *dev)
{
	struct acrypto_session *s;
	unsigned int seq;
	int ret;

	local_bh_disable();
	rcu_read_lock();
again:
	if (test_and_set_bit(ACRYPTO_DEV_DISPATCHING, &dev->state))
		goto out;

	while ((s = acrypto_backlog_pop(dev, &seq))) {
		acrypto_notify(s);
		if (!acrypto_device_usable(dev)) {
			acrypto_move(s);
			continue;
		}
		switch (acrypto_process(dev, s, &ret)) {
		case ACRYPTO_ACCEPTED:
			break;
		case ACRYPTO_REFUSED:
			if (!acrypto_backlog_push_head(dev, s, seq))
				acrypto_move(s);
			break;
		case ACRYPTO_FINISHED:
			if (acrypto_step_end(s, dev, &ret))
				acrypto_resubmit(s, ret);
			else
				acrypto_finish(s, ret);
			break;
		default:
			break;
		}
	}

	clear_bit(ACRYPTO_DEV_DISPATCHING, &dev->state);
	/* Pairs with the lock taken by acrypto_park() before it kicks. */
	smp_mb__after_atomic();
	if (READ_ONCE(dev->backlog_len) && !READ_ONCE(dev->full))
		goto again;
out:
	rcu_read_unlock();
	local_bh_enable();
}

/**
 * acrypto_device_unblock() - a full device has room again
 * @dev: device whose ->process() returned -ENOSPC
 *
 * Context: any up to softirq; the caller must not hold locks its
 * ->process() takes, since the engine may call it from here.
 */
void acrypto_device_unblock(struct acrypto_device *dev)
{
	bool kick;

	spin_lock_bh(&dev->lock);
	dev->unblock_seq++;
	dev->full = false;
	kick = dev->backlog_len;
	spin_unlock_bh(&dev->lock);

	if (kick)
		acrypto_device_kick(dev);
}
EXPORT_SYMBOL_GPL(acrypto_device_unblock);

/**
 * acrypto_device_drain() - move sessions off a device
 * @dev: a device that is broken or going away
 * @reclaim: also ask the driver to give back sessions it accepted
 *
 * Sessions on the backlog go to other devices through the balancer, or
 * finish with -ENODEV when no device can take them.  Sessions the device
 * accepted move too when @reclaim is set and the driver's ->cancel() gives
 * them up; the others stay with the device until it completes them.
 *
 * Context: process or softirq context.
 */
void acrypto_device_drain(struct acrypto_device *dev, bool reclaim)
{
	struct acrypto_session *s, *tmp;
	LIST_HEAD(waiting);
	LIST_HEAD(taken);
	unsigned int n = 0;

	spin_lock_bh(&dev->lock);
	list_splice_init(&dev->backlog, &waiting);
	dev->backlog_len = 0;
	spin_unlock_bh(&dev->lock);

	if (reclaim)
		n = acrypto_queue_reclaim(dev, &taken);
	if (n) {
		dev_info(&dev->dev, "took back %u sessions it had accepted\n", n);
		/*
		 * The device has room again for what it gave back.  If it said
		 * -ENOSPC it owes us an unblock it may never send, having
		 * nothing left to complete, and ->cancel() cannot call us.
		 */
		spin_lock_bh(&dev->lock);
		dev->unblock_seq++;
		dev->full = false;
		spin_unlock_bh(&dev->lock);
	}

	local_bh_disable();
	rcu_read_lock();
	list_for_each_entry_safe(s, tmp, &waiting, backlog_node) {
		list_del(&s->backlog_node);
		s->state = ACRYPTO_S_IDLE;
		acrypto_notify(s);
		acrypto_move(s);
	}
	list_for_each_entry_safe(s, tmp, &taken, backlog_node) {
		list_del(&s->backlog_node);
		s->dev = NULL;
		acrypto_queue_put_dev(dev);
		acrypto_relocate(s, dev);
	}
	rcu_read_unlock();
	local_bh_enable();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: device backlogs - back-pressure, priority and aging, feeding a
 * device, moving waiting sessions between devices.
 *
 * A device that says -ENOSPC from ->process() is full: sessions for it wait
 * on its backlog, one FIFO per priority, until it calls
 * acrypto_device_unblock() (FreeBSD's ERESTART/crypto_unblock()).  The
 * backlog is fed in priority order, except that a session that has waited
 * longer than max_wait_ms gets one turn in ACRYPTO_AGED_SHARE before
 * younger ones of higher priority, so that a stream of latency-sensitive
 * requests (networking) cannot hold a bulk request forever, and a bulk
 * flood cannot turn the priorities into one FIFO.  Taking the next session
 * is O(1): the head of each of the ACRYPTO_NR_PRIO lists is looked at.
 *
 * Fairness between transforms: each key counts its sessions waiting on
 * backlogs (&acrypto_key.waiting).  A new request of a transform that has
 * max_backlog sessions waiting gets -EBUSY (it still waits, the crypto API
 * backlog protocol) or, if it may not wait, -ENOSPC; other transforms are
 * not affected, so an unprivileged AF_ALG flood cannot make IPsec fail.
 * Transforms of unprivileged users wait at %ACRYPTO_PRIO_BULK.
 *
 * Feeding a device (acrypto_device_kick()) offers backlogged sessions to
 * ->process() and completes those a synchronous device finishes.  It never
 * runs inside a submitter's call (the CPU is marked, see session.c): there
 * it is left to the device's kick worker, as it is when one round has fed
 * kick_budget sessions, so that a long backlog cannot hold a CPU in
 * softirq.
 *
 * The main_crypto_device queue as Polyakov meant it: when a device gains
 * room (a completion, an unblock) or enters service, sessions waiting on
 * other devices' backlogs move to it if they would finish earlier there
 * (acrypto_backlog_steal()).  A session a device accepted is never moved
 * while the device may be working on it; only waiting ones move.
 *
 * Locking: dev->lock protects the backlog, backlog_len, full and
 * unblock_seq; it is taken with BH off and never nested with another
 * device's lock.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bottom_half.h>
#include <linux/jiffies.h>
#include <linux/rcupdate.h>

#include "internal.h"
#include "trace.h"

/* Devices with a non-empty backlog: completions look for work to steal. */
static atomic_t acrypto_nr_backlogged = ATOMIC_INIT(0);

/* Insert @s at the tail of its priority's FIFO.  Caller holds dev->lock. */
static void acrypto_backlog_add(struct acrypto_device *dev,
				struct acrypto_session *s)
{
	lockdep_assert_held(&dev->lock);
	list_add_tail(&s->backlog_node, &dev->backlog[s->priority]);
	if (!dev->backlog_len++)
		atomic_inc(&acrypto_nr_backlogged);
	atomic_inc(&s->key->waiting);
	s->queued = jiffies;
	s->qseq = dev->backlog_seq++;
	s->state = ACRYPTO_S_BACKLOG;
	trace_acrypto_backlog_in(dev, s);
}

/* Take @s off @dev's backlog.  Caller holds dev->lock. */
static void acrypto_backlog_del(struct acrypto_device *dev,
				struct acrypto_session *s)
{
	lockdep_assert_held(&dev->lock);
	list_del(&s->backlog_node);
	if (!--dev->backlog_len)
		atomic_dec(&acrypto_nr_backlogged);
	atomic_dec(&s->key->waiting);
	s->state = ACRYPTO_S_IDLE;
	trace_acrypto_backlog_out(dev, s);
}

/*
 * Of the turns a device's backlog gives while higher-priority sessions
 * wait, one in ACRYPTO_AGED_SHARE goes to the oldest session of a lower
 * priority that has waited longer than max_wait_ms.  Aged sessions cannot
 * starve, and a flood that outlasts max_wait_ms, whose every session has
 * aged, still cannot turn the priorities into one FIFO: the higher
 * priorities keep the other turns.
 */
#define ACRYPTO_AGED_SHARE	4

/*
 * The session to feed next: the head of the highest priority, or on its
 * turn the oldest aged head of a lower priority.  *@aged tells the caller
 * which, for acrypto_backlog_taken(): 0 no aged session waits, 1 one
 * waits but it is not its turn, 2 it is the one.  Caller holds dev->lock.
 */
static struct acrypto_session *acrypto_backlog_first(struct acrypto_device *dev,
						     int *aged)
{
	unsigned long wait = msecs_to_jiffies(READ_ONCE(acrypto_max_wait_ms));
	struct acrypto_session *top = NULL, *old = NULL, *head;
	int prio;

	lockdep_assert_held(&dev->lock);
	for (prio = ACRYPTO_NR_PRIO - 1; prio >= 0; prio--) {
		head = list_first_entry_or_null(&dev->backlog[prio],
						struct acrypto_session,
						backlog_node);
		if (!head)
			continue;
		if (!top)
			top = head;
		else if (wait && time_after(jiffies, head->queued + wait) &&
			 (s32)(head->qseq - (old ?: top)->qseq) < 0)
			old = head;
	}
	*aged = 0;
	if (!old)
		return top;
	if (dev->aged_turns + 1 < ACRYPTO_AGED_SHARE) {
		*aged = 1;
		return top;
	}
	*aged = 2;
	return old;
}

/* The session acrypto_backlog_first() chose was taken: count the turn. */
static void acrypto_backlog_taken(struct acrypto_device *dev, int aged)
{
	lockdep_assert_held(&dev->lock);
	dev->aged_turns = aged == 1 ? dev->aged_turns + 1 : 0;
}

/*
 * It came back (the device was full): the turn was not had.  Otherwise an
 * aged session whose turns fall on a full device would never go.
 */
static void acrypto_backlog_untaken(struct acrypto_device *dev, int aged)
{
	lockdep_assert_held(&dev->lock);
	if (aged == 2)
		dev->aged_turns = ACRYPTO_AGED_SHARE - 1;
	else if (aged == 1 && dev->aged_turns)
		dev->aged_turns--;
}

/*
 * Park @s on @dev's backlog.  @seq is the unblock sequence read before the
 * device said it was full (with ACRYPTO_RUN_FULL).  On a first submission
 * (ACRYPTO_RUN_SUBMIT) the crypto API backlog protocol applies; sessions
 * the engine already accepted always park.
 */
static enum acrypto_offer acrypto_park(struct acrypto_device *dev,
				       struct acrypto_session *s,
				       unsigned int flags, unsigned int seq,
				       int *ret)
{
	bool kick;

	spin_lock_bh(&dev->lock);
	if (!acrypto_device_usable(dev) && !acrypto_session_probing(s, dev)) {
		spin_unlock_bh(&dev->lock);
		*ret = -ENODEV;
		return ACRYPTO_REFUSED;
	}
	if ((flags & ACRYPTO_RUN_FULL) && dev->unblock_seq != seq) {
		/* The device made room while we were looking: try again. */
		spin_unlock_bh(&dev->lock);
		*ret = -EAGAIN;
		return ACRYPTO_REFUSED;
	}
	*ret = -EINPROGRESS;
	if ((flags & ACRYPTO_RUN_SUBMIT) &&
	    atomic_read(&s->key->waiting) >= READ_ONCE(acrypto_max_backlog)) {
		if (!(s->req_flags & CRYPTO_TFM_REQ_MAY_BACKLOG)) {
			spin_unlock_bh(&dev->lock);
			*ret = -ENOSPC;
			return ACRYPTO_REFUSED;
		}
		s->flags |= ACRYPTO_SF_NOTIFY;
		*ret = -EBUSY;
	}
	if (flags & ACRYPTO_RUN_FULL)
		dev->full = true;
	acrypto_backlog_add(dev, s);
	kick = !dev->full;
	spin_unlock_bh(&dev->lock);

	if (kick)
		acrypto_device_kick(dev);
	return ACRYPTO_PARKED;
}

/**
 * acrypto_offer() - offer the current step of a linked session to @dev
 * @dev: the device @s is linked to
 * @s: the session
 * @flags: ACRYPTO_RUN_*
 * @ret: the result: -EINPROGRESS, -EBUSY, or the step's result
 *
 * Straight to the device when nothing waits before it, else onto its
 * backlog.  Caller holds rcu_read_lock().
 *
 * Return: how the offer went.
 */
enum acrypto_offer acrypto_offer(struct acrypto_device *dev,
				 struct acrypto_session *s, unsigned int flags,
				 int *ret)
{
	enum acrypto_offer res;
	unsigned int seq;

	for (;;) {
		if (READ_ONCE(dev->backlog_len) || READ_ONCE(dev->full))
			return acrypto_park(dev, s, flags, 0, ret);

		seq = READ_ONCE(dev->unblock_seq);
		/* Pairs with the lock in acrypto_device_unblock(). */
		smp_rmb();
		res = acrypto_process(dev, s, ret);
		if (res != ACRYPTO_REFUSED)
			return res;

		res = acrypto_park(dev, s, flags | ACRYPTO_RUN_FULL, seq, ret);
		if (res != ACRYPTO_REFUSED || *ret != -EAGAIN)
			return res;
	}
}

/*
 * Pop the session to feed next unless the device is full.  *@seq gets the
 * unblock sequence at that moment, *@aged the turn it took (for
 * acrypto_backlog_push_head()).
 */
static struct acrypto_session *acrypto_backlog_pop(struct acrypto_device *dev,
						   unsigned int *seq, int *aged)
{
	struct acrypto_session *s = NULL;

	spin_lock_bh(&dev->lock);
	if (!dev->full && dev->backlog_len) {
		s = acrypto_backlog_first(dev, aged);
		acrypto_backlog_taken(dev, *aged);
		acrypto_backlog_del(dev, s);
		*seq = dev->unblock_seq;
	}
	spin_unlock_bh(&dev->lock);
	return s;
}

/*
 * Put @s back at the head of its FIFO after the device said it is full;
 * @aged is the turn acrypto_backlog_pop() said it took.
 */
static bool acrypto_backlog_push_head(struct acrypto_device *dev,
				      struct acrypto_session *s,
				      unsigned int seq, int aged)
{
	bool usable;

	spin_lock_bh(&dev->lock);
	usable = acrypto_device_usable(dev) || acrypto_session_probing(s, dev);
	if (usable) {
		unsigned long queued = s->queued;
		u32 qseq = s->qseq;

		acrypto_backlog_add(dev, s);
		list_move(&s->backlog_node, &dev->backlog[s->priority]);
		/* It keeps its age and its place. */
		s->queued = queued;
		s->qseq = qseq;
		acrypto_backlog_untaken(dev, aged);
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
	trace_acrypto_retry(s, dev, NULL, ACRYPTO_RETRY_DRAIN, -ENODEV);
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

/*
 * Feed @dev from its backlog, at most @budget sessions.  One CPU at a time
 * feeds a device; a CPU that finds another one at work leaves it the job.
 * Returns true when sessions are left that the budget did not cover.
 */
static bool __acrypto_device_kick(struct acrypto_device *dev,
				  unsigned int budget)
{
	struct acrypto_session *s;
	unsigned int seq;
	bool more = false;
	int aged;
	int ret;

	local_bh_disable();
	rcu_read_lock();
again:
	if (test_and_set_bit(ACRYPTO_DEV_DISPATCHING, &dev->state))
		goto out;

	while (budget && (s = acrypto_backlog_pop(dev, &seq, &aged))) {
		budget--;
		acrypto_notify(s);
		if (!acrypto_device_usable(dev) &&
		    !acrypto_session_probing(s, dev)) {
			acrypto_move(s);
			continue;
		}
		switch (acrypto_process(dev, s, &ret)) {
		case ACRYPTO_ACCEPTED:
			break;
		case ACRYPTO_REFUSED:
			if (!acrypto_backlog_push_head(dev, s, seq, aged))
				acrypto_move(s);
			break;
		case ACRYPTO_FINISHED:
			acrypto_step_done(s, dev, ret);
			break;
		default:
			break;
		}
	}

	clear_bit(ACRYPTO_DEV_DISPATCHING, &dev->state);
	/* Pairs with the lock taken by acrypto_park() before it kicks. */
	smp_mb__after_atomic();
	if (READ_ONCE(dev->backlog_len) && !READ_ONCE(dev->full)) {
		if (budget)
			goto again;
		more = true;
	}
out:
	rcu_read_unlock();
	local_bh_enable();
	return more;
}

/**
 * acrypto_device_kick() - feed a device from its backlog
 * @dev: the device
 *
 * Offers backlogged sessions in priority order until the backlog is empty,
 * the device is full again, or kick_budget sessions went; the device's
 * kick worker goes on from there.  Inside a submitter's call the worker
 * does all of it.
 *
 * Context: any up to softirq.
 */
void acrypto_device_kick(struct acrypto_device *dev)
{
	if (this_cpu_read(acrypto_in_submit) ||
	    __acrypto_device_kick(dev, READ_ONCE(acrypto_kick_budget)))
		queue_work(acrypto_wq, &dev->kick_work);
}

void acrypto_device_kick_worker(struct work_struct *work)
{
	struct acrypto_device *dev = container_of(work, struct acrypto_device,
						  kick_work);
	unsigned int budget = READ_ONCE(acrypto_kick_budget);

	if (__acrypto_device_kick(dev, budget))
		queue_work(acrypto_wq, &dev->kick_work);
	else
		acrypto_backlog_steal(dev, budget);
}

/**
 * acrypto_device_unblock() - a full device has room again
 * @dev: device whose ->process() returned -ENOSPC
 *
 * Feeds the device from its backlog, then lets it take over sessions
 * waiting for other devices that would finish earlier on it.
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

	if (kick || this_cpu_read(acrypto_in_submit))
		acrypto_device_kick(dev);
	else
		acrypto_backlog_steal(dev, READ_ONCE(acrypto_kick_budget));
}
EXPORT_SYMBOL_GPL(acrypto_device_unblock);

/*
 * Would the session waiting first on @from finish earlier on @dev?  A
 * device that was never measured is worth a try.
 */
static bool acrypto_backlog_earlier(struct acrypto_device *dev,
				    struct acrypto_device *from,
				    struct acrypto_session *s)
{
	u64 there = acrypto_device_cost_ns(from, s);
	u64 here = acrypto_device_expected_ns(dev, s);
	int held = atomic_read(&from->inflight) - (int)READ_ONCE(from->backlog_len);

	if (!here || !there)
		return true;
	/* On @from it waits for what the device holds, then its own turn. */
	there += (u64)max(held, 0) * READ_ONCE(from->service_ns);
	return here < there;
}

/*
 * Take from @from's backlog the session it would feed next, if @dev can
 * serve it and would finish it earlier.
 */
static struct acrypto_session *acrypto_backlog_take(struct acrypto_device *dev,
						    struct acrypto_device *from)
{
	struct acrypto_session *s;
	int aged;

	spin_lock_bh(&from->lock);
	s = from->backlog_len ? acrypto_backlog_first(from, &aged) : NULL;
	if (s && !s->bind && acrypto_device_can_serve(dev, s) &&
	    acrypto_backlog_earlier(dev, from, s)) {
		acrypto_backlog_taken(from, aged);
		acrypto_backlog_del(from, s);
	} else {
		s = NULL;
	}
	spin_unlock_bh(&from->lock);
	return s;
}

/**
 * acrypto_backlog_steal() - a device with room takes over waiting sessions
 * @dev: a usable device with no backlog of its own
 * @budget: most sessions to take
 *
 * Sessions waiting on other devices' backlogs that @dev can serve and
 * would finish earlier move to it, each counted in @dev's "migrated".
 * Sessions a device accepted are never taken.
 *
 * Context: any up to softirq, outside a submitter's call.
 */
void acrypto_backlog_steal(struct acrypto_device *dev, unsigned int budget)
{
	struct acrypto_device *from;
	struct acrypto_session *s;
	int ret;

	if (!atomic_read(&acrypto_nr_backlogged) || !acrypto_device_usable(dev))
		return;

	local_bh_disable();
	rcu_read_lock();
	while (budget-- && !READ_ONCE(dev->backlog_len) &&
	       !READ_ONCE(dev->full)) {
		s = NULL;
		acrypto_for_each_device(from) {
			if (from == dev || !READ_ONCE(from->backlog_len))
				continue;
			s = acrypto_backlog_take(dev, from);
			if (s)
				break;
		}
		if (!s)
			break;

		this_cpu_inc(dev->pcpu->migrated);
		trace_acrypto_retry(s, s->dev, dev, ACRYPTO_RETRY_STEAL, 0);
		acrypto_notify(s);
		acrypto_queue_unlink(s);
		acrypto_queue_link(s, dev);
		switch (acrypto_offer(dev, s, 0, &ret)) {
		case ACRYPTO_ACCEPTED:
		case ACRYPTO_PARKED:
			break;
		case ACRYPTO_REFUSED:
			/* Going away meanwhile: anywhere else. */
			acrypto_move(s);
			break;
		case ACRYPTO_FINISHED:
			acrypto_step_done(s, dev, ret);
			break;
		}
	}
	rcu_read_unlock();
	local_bh_enable();
}

/**
 * acrypto_backlog_room() - @dev completed a session: room for one more
 * @dev: the device
 *
 * Cheap unless some device has a backlog.
 *
 * Context: BH off, outside a submitter's call.
 */
void acrypto_backlog_room(struct acrypto_device *dev)
{
	if (unlikely(atomic_read(&acrypto_nr_backlogged)) &&
	    !READ_ONCE(dev->backlog_len) && !READ_ONCE(dev->full))
		acrypto_backlog_steal(dev, 1);
}

/*
 * A drain that may sleep moves sessions kick_budget at a time: the CPU may
 * schedule (and run softirqs) between two rounds, as it does between two
 * rounds of the kick worker.  The sessions being moved are on the
 * drain's private lists meanwhile.  Caller has BH off and holds
 * rcu_read_lock().
 */
static void acrypto_drain_pause(unsigned int *n, unsigned int flags)
{
	if (!(flags & ACRYPTO_DRAIN_MAY_SLEEP) ||
	    ++*n < READ_ONCE(acrypto_kick_budget))
		return;
	*n = 0;
	rcu_read_unlock();
	local_bh_enable();
	cond_resched();
	local_bh_disable();
	rcu_read_lock();
}

/**
 * acrypto_device_drain() - move sessions off a device
 * @dev: a device that is out of service or going away
 * @flags: %ACRYPTO_DRAIN_RECLAIM: also ask the driver to give back sessions
 *	it accepted; %ACRYPTO_DRAIN_MAY_SLEEP: the caller may sleep, and the
 *	drain lets the CPU schedule every kick_budget sessions
 *
 * Sessions on the backlog go to other devices through the balancer (or the
 * kernel's own implementation), or finish with -ENODEV when bound to it.
 * Sessions the device accepted move too when @reclaim is set and the
 * driver's ->cancel() gives them up; the others stay with the device until
 * it completes them.
 *
 * Context: process or softirq context, outside a submitter's call;
 * process context with no lock held for %ACRYPTO_DRAIN_MAY_SLEEP.
 */
void acrypto_device_drain(struct acrypto_device *dev, unsigned int flags)
{
	struct acrypto_session *s, *tmp;
	LIST_HEAD(waiting);
	LIST_HEAD(taken);
	unsigned int n = 0;
	int prio;

	spin_lock_bh(&dev->lock);
	for (prio = ACRYPTO_NR_PRIO - 1; prio >= 0; prio--)
		list_for_each_entry_safe(s, tmp, &dev->backlog[prio],
					 backlog_node) {
			acrypto_backlog_del(dev, s);
			list_add_tail(&s->backlog_node, &waiting);
		}
	spin_unlock_bh(&dev->lock);

	if (flags & ACRYPTO_DRAIN_RECLAIM)
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
	n = 0;
	list_for_each_entry_safe(s, tmp, &waiting, backlog_node) {
		list_del(&s->backlog_node);
		acrypto_notify(s);
		acrypto_move(s);
		acrypto_drain_pause(&n, flags);
	}
	list_for_each_entry_safe(s, tmp, &taken, backlog_node) {
		list_del(&s->backlog_node);
		s->dev = NULL;
		acrypto_queue_put(dev, s);
		acrypto_relocate(s, dev);
		acrypto_drain_pause(&n, flags);
	}
	rcu_read_unlock();
	local_bh_enable();
}

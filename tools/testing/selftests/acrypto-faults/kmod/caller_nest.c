// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_caller_test: a lock held across encrypt() that the completion
 * callback takes too (issue #11, item 7).
 *
 * The crypto API lets a caller hold a BH-safe spinlock across
 * crypto_skcipher_encrypt() and take the same lock in its completion
 * callback, as cryptd and crypto_engine allow: a callback never runs inside
 * the call that submitted.  An engine that completes a request from within
 * the submission (a device finishing inside ->process(), feeding a backlog
 * in the submitter's call and telling a request it left the backlog) would
 * spin forever on that lock, on that CPU, with BH off.
 *
 * ct_nest_run() does exactly that with N requests and CRYPTO_TFM_REQ_MAY_
 * BACKLOG.  A callback that finds itself on the submitter's CPU while the
 * submitter holds the lock runs inside the submitter's call (nothing else
 * can run there: BH and preemption are off); it is counted and does not
 * take the lock, so that the test reports the fault instead of hanging,
 * unless @real asks for the deadlock itself (lockdep then reports the
 * recursion before the CPU spins forever).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/smp.h>

#include "caller_test.h"

/**
 * ct_nest_run() - N encryptions submitted under the callback's lock
 * @n: requests, 1 to 4096
 * @real: take the lock in a nested callback too (deadlocks a faulty engine)
 * @out: gets the tally and the callback counts
 * @size: its size
 *
 * Context: process context, sleeps while waiting.
 *
 * Return: 0, -ETIMEDOUT when a request never completed within 60 s, or
 * an allocation error.
 */
int ct_nest_run(unsigned int n, bool real, char *out, size_t size)
{
	struct ct_tally t = {};
	struct ct_batch *b;
	unsigned long held;
	unsigned int i;
	bool done;
	int len;

	if (!n || n > 4096)
		return -EINVAL;
	b = ct_batch_alloc(NULL, NULL, n, CT_MAXLEN);
	if (IS_ERR(b))
		return PTR_ERR(b);
	b->nest = true;
	b->nest_real = real;

	held = jiffies;
	spin_lock_bh(&b->lock);
	WRITE_ONCE(b->submit_cpu, smp_processor_id());
	WRITE_ONCE(b->submitting, true);
	for (i = 0; i < n; i++)
		ct_batch_submit(b, i, CRYPTO_TFM_REQ_MAY_BACKLOG);
	WRITE_ONCE(b->submitting, false);
	spin_unlock_bh(&b->lock);
	held = jiffies - held;

	done = ct_batch_wait(b, 60 * HZ);
	ct_batch_tally(b, 0, n, &t);
	len = scnprintf(out, size,
			"requests=%u callbacks=%d notifications=%d nested=%d held_ms=%u ",
			n, atomic_read(&b->callbacks),
			atomic_read(&b->notifications), atomic_read(&b->nested),
			jiffies_to_msecs(held));
	len += ct_tally_print(out + len, size - len, &t);
	scnprintf(out + len, size - len, "\n");
	ct_batch_free(b);
	return done ? 0 : -ETIMEDOUT;
}

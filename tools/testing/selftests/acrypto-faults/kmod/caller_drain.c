// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_caller_test: a long backlog (issue #11, item 7).
 *
 * ct_drain_start() submits N small encryptions at once, with
 * CRYPTO_TFM_REQ_MAY_BACKLOG, and returns: on a slow device with a short
 * queue they pile up on its backlog.  The same N requests serve the next
 * run again (ct_batch_reset()).  The guest script then changes what
 * the device can take (its queue length, another device entering service)
 * and ct_drain_wait() waits for every result and checks it.  How long the
 * engine held softirqs off meanwhile is probe.c's business.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/sched.h>

#include "caller_test.h"

#define CT_DRAIN_MAX	65536
#define CT_DRAIN_LEN	AES_BLOCK_SIZE

static struct ct_batch *ct_drain;	/* submitted, not judged yet */
static struct ct_batch *ct_drain_spare;	/* judged, kept for the next run */
static unsigned long ct_drain_start_jiffies;

/**
 * ct_drain_start() - put N requests on the engine and return
 * @n: requests, 1 to 65536
 * @out: gets how the submissions went
 * @size: its size
 *
 * Context: process context, may sleep.
 *
 * Return: 0, -EBUSY when a drain is pending, or an allocation error.
 */
int ct_drain_start(unsigned int n, char *out, size_t size)
{
	struct ct_tally t = {};
	struct ct_batch *b;
	unsigned int i;

	if (ct_drain)
		return -EBUSY;
	if (!n || n > CT_DRAIN_MAX)
		return -EINVAL;
	/* Preparing tens of thousands is slow under KASAN: reuse them. */
	b = ct_drain_spare;
	ct_drain_spare = NULL;
	if (b && b->n == n) {
		ct_batch_reset(b);
	} else {
		ct_batch_free(b);
		b = ct_batch_alloc(NULL, NULL, n, CT_DRAIN_LEN);
		if (IS_ERR(b))
			return PTR_ERR(b);
	}

	ct_drain_start_jiffies = jiffies;
	for (i = 0; i < n; i++) {
		ct_batch_submit(b, i, CRYPTO_TFM_REQ_MAY_BACKLOG |
				CRYPTO_TFM_REQ_MAY_SLEEP);
		/* A long loop of ours must not be what holds softirqs off. */
		cond_resched();
	}
	for (i = 0; i < n; i++) {
		int ret = b->reqs[i]->submitted;

		if (ret == -EINPROGRESS)
			t.inprogress++;
		else if (ret == -EBUSY)
			t.busy++;
		else
			t.sync++;
	}
	ct_drain = b;
	scnprintf(out, size, "submitted=%u inprogress=%u busy=%u sync=%u\n",
		  n, t.inprogress, t.busy, t.sync);
	return 0;
}

/**
 * ct_drain_wait() - wait for the requests of ct_drain_start() and judge them
 * @seconds: at most this long
 * @out: gets the tally and the time taken
 * @size: its size
 *
 * Context: process context, sleeps.
 *
 * Return: 0, -ENOENT when no drain is pending, -ETIMEDOUT when requests
 * never completed (their batch is leaked).
 */
int ct_drain_wait(unsigned int seconds, char *out, size_t size)
{
	struct ct_batch *b = ct_drain;
	struct ct_tally t = {};
	bool done;
	int len;

	if (!b)
		return -ENOENT;
	done = ct_batch_wait(b, seconds * HZ);
	ct_batch_tally(b, 0, b->n, &t);
	len = scnprintf(out, size, "requests=%u ms=%u notifications=%d ", b->n,
			jiffies_to_msecs(jiffies - ct_drain_start_jiffies),
			atomic_read(&b->notifications));
	len += ct_tally_print(out + len, size - len, &t);
	scnprintf(out + len, size - len, "\n");
	ct_drain = NULL;
	if (done)
		ct_drain_spare = b;
	else
		ct_batch_free(b);
	return done ? 0 : -ETIMEDOUT;
}

/* Module exit: nothing may be left pending. */
void ct_drain_abort(void)
{
	if (ct_drain && !ct_batch_wait(ct_drain, 60 * HZ))
		pr_err("drain: requests still in the engine at exit\n");
	ct_batch_free(ct_drain);
	ct_drain = NULL;
	ct_batch_free(ct_drain_spare);
	ct_drain_spare = NULL;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_caller_test: callers that may not wait in a backlog, and the
 * per-transform backlog cap (issue #11, item 6).
 *
 * IPsec submits without CRYPTO_TFM_REQ_MAY_BACKLOG: a request the engine
 * cannot queue comes back with -ENOSPC and the packet is dropped.  With one
 * backlog cap shared by everyone, an unprivileged AF_ALG flood that fills
 * a device's backlog makes every such caller fail.  ct_latency_run() is such
 * a caller: one request at a time on its own transform, for a while, each
 * result checked and timed, next to whatever load the guest script runs.
 *
 * ct_cap_start() checks the cap itself while the script keeps the device
 * full (stalled): transform A submits N requests that may backlog, then one
 * that may not; transform B submits one that may not.  With a queue of Q
 * and max_backlog M, A's first Q + M get -EINPROGRESS, the rest -EBUSY
 * (queued all the same), A's last one -ENOSPC, and B's -EINPROGRESS: the
 * cap is A's alone.  ct_cap_wait() waits for all of them once the device
 * runs again and checks every result.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "caller_test.h"

#define CT_LAT_MAX_SAMPLES	65536
#define CT_LAT_TIMEOUT		(30 * HZ)

static int ct_cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* The @pct-th percentile of @n sorted samples. */
static u32 ct_pct(const u32 *v, unsigned int n, unsigned int pct)
{
	return n ? v[min(n - 1, n * pct / 100)] : 0;
}

/**
 * ct_latency_run() - one request at a time without MAY_BACKLOG, for a while
 * @seconds: how long, 1 to 600
 * @out: gets the counts and latency percentiles in microseconds, from
 *	submission to the callback (the engine's part, not the scheduler's)
 * @size: its size
 *
 * A request that gets -ENOSPC is counted and the next one goes 1-2 ms
 * later.
 *
 * Context: process context, sleeps.
 *
 * Return: 0, -ETIMEDOUT when a request never completed, or an allocation
 * error.
 */
int ct_latency_run(unsigned int seconds, char *out, size_t size)
{
	unsigned long end = jiffies + seconds * HZ;
	unsigned int enospc = 0, samples = 0, n = 0;
	struct ct_tally t = {};
	struct ct_batch *b;
	struct ct_ref ref;
	struct ct_req *r;
	u32 *lat;
	int err;

	if (!seconds || seconds > 600)
		return -EINVAL;
	lat = kvmalloc_array(CT_LAT_MAX_SAMPLES, sizeof(*lat), GFP_KERNEL);
	if (!lat)
		return -ENOMEM;
	b = ct_batch_alloc(NULL, NULL, 1, CT_MAXLEN);
	if (IS_ERR(b)) {
		kvfree(lat);
		return PTR_ERR(b);
	}
	err = ct_ref_init(&ref, b->key);
	if (err)
		goto out;
	r = b->reqs[0];

	while (time_before(jiffies, end) && samples < CT_LAT_MAX_SAMPLES) {
		u64 t0;

		err = ct_req_prepare(&ref, r, b->len);
		if (err)
			break;
		ct_batch_rearm(b);
		t0 = ktime_get_ns();
		/* As IPsec: neither MAY_BACKLOG nor MAY_SLEEP. */
		ct_batch_submit(b, 0, 0);
		if (!ct_batch_wait(b, CT_LAT_TIMEOUT)) {
			err = -ETIMEDOUT;
			t.lost++;
			break;
		}
		n++;
		if (r->submitted == -ENOSPC) {
			enospc++;
			usleep_range(1000, 2000);
			continue;
		}
		/* Submission to completion, in the callback. */
		lat[samples++] = div_u64(r->done_ns - t0, NSEC_PER_USEC);
		ct_batch_tally(b, 0, 1, &t);
		cond_resched();
	}
	ct_ref_uninit(&ref);

	sort(lat, samples, sizeof(*lat), ct_cmp_u32, NULL);
	scnprintf(out, size,
		  "requests=%u right=%u wrong=%u failed=%u first_err=%d enospc=%u busy=%u lost=%u p50_us=%u p90_us=%u p99_us=%u max_us=%u\n",
		  n, t.right, t.wrong, t.failed, t.first_err, enospc, t.busy,
		  t.lost, ct_pct(lat, samples, 50), ct_pct(lat, samples, 90),
		  ct_pct(lat, samples, 99), samples ? lat[samples - 1] : 0);
out:
	kvfree(lat);
	ct_batch_free(b);
	return err;
}

static struct ct_batch *ct_cap_a, *ct_cap_b;

/**
 * ct_cap_start() - fill a full device's backlog from one transform
 * @n: requests of transform A that may backlog, 1 to 4096
 * @out: gets what each submission returned
 * @size: its size
 *
 * Context: process context, may sleep.
 *
 * Return: 0, -EBUSY while a previous run is pending, or an allocation
 * error.
 */
int ct_cap_start(unsigned int n, char *out, size_t size)
{
	unsigned int i, inprogress = 0, busy = 0, other = 0;
	int first_busy = -1;

	if (ct_cap_a || ct_cap_b)
		return -EBUSY;
	if (!n || n > 4096)
		return -EINVAL;
	ct_cap_a = ct_batch_alloc(NULL, NULL, n + 1, CT_MAXLEN);
	ct_cap_b = ct_batch_alloc(NULL, NULL, 1, CT_MAXLEN);
	if (IS_ERR(ct_cap_a) || IS_ERR(ct_cap_b)) {
		int err = IS_ERR(ct_cap_a) ? PTR_ERR(ct_cap_a) :
					     PTR_ERR(ct_cap_b);

		ct_batch_free(ct_cap_a);
		ct_batch_free(ct_cap_b);
		ct_cap_a = NULL;
		ct_cap_b = NULL;
		return err;
	}

	for (i = 0; i < n; i++) {
		int ret;

		ct_batch_submit(ct_cap_a, i, CRYPTO_TFM_REQ_MAY_BACKLOG |
				CRYPTO_TFM_REQ_MAY_SLEEP);
		ret = ct_cap_a->reqs[i]->submitted;
		if (ret == -EINPROGRESS) {
			inprogress++;
		} else if (ret == -EBUSY) {
			if (first_busy < 0)
				first_busy = i;
			busy++;
		} else {
			other++;
		}
	}
	ct_batch_submit(ct_cap_a, n, 0);
	ct_batch_submit(ct_cap_b, 0, 0);
	scnprintf(out, size,
		  "a_requests=%u a_inprogress=%u a_busy=%u a_other=%u a_first_busy=%d a_nobacklog=%d b_nobacklog=%d\n",
		  n, inprogress, busy, other, first_busy,
		  ct_cap_a->reqs[n]->submitted, ct_cap_b->reqs[0]->submitted);
	return 0;
}

/**
 * ct_cap_wait() - every request of ct_cap_start() ends, right
 * @out: gets the tallies of A (those that may backlog), A's last one, B
 * @size: its size
 *
 * Context: process context, sleeps.
 *
 * Return: 0, -ENOENT when nothing is pending, -ETIMEDOUT when requests
 * never completed.
 */
int ct_cap_wait(char *out, size_t size)
{
	struct ct_tally ta = {}, tl = {}, tb = {};
	bool done;
	int len;

	if (!ct_cap_a || !ct_cap_b)
		return -ENOENT;
	done = ct_batch_wait(ct_cap_a, 60 * HZ);
	done &= ct_batch_wait(ct_cap_b, 60 * HZ);
	ct_batch_tally(ct_cap_a, 0, ct_cap_a->n - 1, &ta);
	ct_batch_tally(ct_cap_a, ct_cap_a->n - 1, ct_cap_a->n, &tl);
	ct_batch_tally(ct_cap_b, 0, 1, &tb);
	len = scnprintf(out, size, "a: notifications=%d ",
			atomic_read(&ct_cap_a->notifications));
	len += ct_tally_print(out + len, size - len, &ta);
	len += scnprintf(out + len, size - len, "\na_last: ");
	len += ct_tally_print(out + len, size - len, &tl);
	len += scnprintf(out + len, size - len, "\nb: ");
	len += ct_tally_print(out + len, size - len, &tb);
	scnprintf(out + len, size - len, "\n");
	ct_batch_free(ct_cap_a);
	ct_batch_free(ct_cap_b);
	ct_cap_a = NULL;
	ct_cap_b = NULL;
	return done ? 0 : -ETIMEDOUT;
}

/* Module exit: wait for what is pending. */
void ct_cap_abort(void)
{
	char buf[8];

	if (ct_cap_a && ct_cap_b)
		ct_cap_wait(buf, sizeof(buf));
}

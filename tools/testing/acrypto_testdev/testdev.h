/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * acrypto_testdev: an asynchronous acrypto device for tests.
 *
 * After Polyakov's slow provider: every instance computes correct results on
 * the CPU with the kernel's synchronous skciphers, but completes each request
 * only when its simulated service time has passed, from an hrtimer in softirq
 * context.  Knobs in debugfs set the speed of each instance and inject
 * faults.  See README.rst.
 */
#ifndef _ACRYPTO_TESTDEV_H
#define _ACRYPTO_TESTDEV_H

#include <crypto/acrypto.h>
#include <crypto/skcipher.h>
#include <linux/hashtable.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#define TESTDEV_MAX_INSTANCES	16
/* The modes an instance can offer: AES in ECB, CBC, CTR and XTS. */
#define TESTDEV_MODES		(BIT(ACRYPTO_MODE_ECB) | BIT(ACRYPTO_MODE_CBC) | \
				 BIT(ACRYPTO_MODE_CTR) | BIT(ACRYPTO_MODE_XTS))
#define TESTDEV_MAX_QLEN	65536
#define TESTDEV_MAX_LATENCY_US	10000000U	/* 10 s */
#define TESTDEV_MAX_DELAY_US	1000000U	/* 1 s */
#define TESTDEV_HASH_BITS	8

/**
 * struct testdev_config - how an instance starts, from the module parameters
 * @latency_us: fixed time from acceptance to completion, in microseconds
 * @bytes_per_sec: serial throughput in bytes per second, 0 for unlimited
 * @ops_per_sec: serial rate in requests per second, 0 for unlimited
 * @qlen: requests the instance holds at once before it says -ENOSPC
 * @class: enum acrypto_class
 * @modes: bitmask of BIT(enum acrypto_mode) the instance offers, within
 *	TESTDEV_MODES
 */
struct testdev_config {
	u32 latency_us;
	u64 bytes_per_sec;
	u32 ops_per_sec;
	u32 qlen;
	enum acrypto_class class;
	unsigned long modes;
};

/**
 * struct testdev_request - per-request private area, in the acrypto session
 * @node: on &testdev.pending while the device holds the request; taken off
 *	it under &testdev.lock by the completion path or by ->cancel(),
 *	whichever comes first, and never touched by the other one afterwards
 * @hnode: in &testdev.held, by address, while on &testdev.pending
 * @s: the session this area belongs to
 * @due_ns: CLOCK_MONOTONIC time at which the request completes
 * @err: error to complete with instead of computing (fault injection), or 0
 * @sub: request to the synchronous skcipher; must be last, its context
 *	follows
 */
struct testdev_request {
	struct list_head node;
	struct hlist_node hnode;
	struct acrypto_session *s;
	u64 due_ns;
	int err;
	struct skcipher_request sub;
};

/**
 * struct testdev_stats - what an instance did, under &testdev.lock
 * @accepted: requests ->process() accepted
 * @completed: requests completed (with a result or an injected error)
 * @failed: requests completed with an injected error (one given back by
 *	->cancel() before it completed does not count)
 * @cancelled: requests given back to the engine by ->cancel()
 * @refused: times ->process() said -ENOSPC
 * @max_inflight: most requests held at once
 */
struct testdev_stats {
	u64 accepted;
	u64 completed;
	u64 failed;
	u64 cancelled;
	u64 refused;
	u32 max_inflight;
};

/**
 * struct testdev - one instance, in the private area of its acrypto device
 * @adev: the acrypto device
 * @caps: capabilities, one per mode offered; @adev->caps points here
 * @latency_us: knob, see &testdev_config
 * @bytes_per_sec: knob, see &testdev_config
 * @ops_per_sec: knob, see &testdev_config
 * @qlen: knob, see &testdev_config
 * @fail_every: knob: complete every Nth accepted request with @fail_errno
 *	instead of a result; 0 for never
 * @fail_errno: knob: the (positive) errno of injected failures
 * @cancel: knob: ->cancel() gives requests back (true) or refuses (false),
 *	like a device that cannot take back what it started
 * @break_ms: knob: after the instance reports itself broken, it reports
 *	recovery this many milliseconds later; 0 for never
 * @process_delay_us: knob: ->process() busy-waits this long before it
 *	looks at the request, like a slow doorbell; widens the window between
 *	the engine's handing over a session and the device's owning it, for
 *	tests of what happens in between
 *
 * The knobs are written by debugfs (process context) and read locklessly
 * with READ_ONCE() on the request path; a request sees either value.
 *
 * @lock: protects the fields below it; taken in process context with BH
 *	off and in softirq context (the timer, ->cancel())
 * @pending: requests held, in completion order (due times never decrease)
 * @held: the same requests hashed by address, for ->cancel() to find one
 *	without trusting the private area of a session it may not hold
 * @inflight: requests on @pending plus those being completed
 * @busy_until_ns: when the simulated engine finishes what it accepted
 * @tail_due_ns: due time of the last request accepted
 * @seq: requests accepted since @fail_every was set
 * @break_countdown: accepted requests left before the instance reports
 *	itself broken; 0 for never
 * @stalled: the instance does not complete anything
 * @blocked: ->process() said -ENOSPC; the instance owes the engine an
 *	acrypto_device_unblock() when room appears
 * @broken: the instance reported itself broken and not recovered since
 * @dying: module exit: no more work items
 * @stats: counters
 *
 * @timer: completes due requests, in softirq context (HRTIMER_MODE_ABS_SOFT)
 * @unblock_work: calls acrypto_device_unblock() for ->cancel(), which may
 *	not call into the engine
 * @break_work: reports the instance broken when @break_countdown ran out
 * @recover_work: reports recovery @break_ms after breaking
 * @dir: debugfs directory of the instance
 */
struct testdev {
	struct acrypto_device *adev;
	struct acrypto_cap caps[__ACRYPTO_MODE_MAX];

	u32 latency_us;
	u64 bytes_per_sec;
	u32 ops_per_sec;
	u32 qlen;
	u32 fail_every;
	u32 fail_errno;
	bool cancel;
	u32 break_ms;
	u32 process_delay_us;

	spinlock_t lock ____cacheline_aligned_in_smp;
	struct list_head pending;
	DECLARE_HASHTABLE(held, TESTDEV_HASH_BITS);
	u32 inflight;
	u64 busy_until_ns;
	u64 tail_due_ns;
	u32 seq;
	u32 break_countdown;
	bool stalled;
	bool blocked;
	bool broken;
	bool dying;
	struct testdev_stats stats;

	struct hrtimer timer;
	struct work_struct unblock_work;
	struct work_struct break_work;
	struct delayed_work recover_work;
	struct dentry *dir;
};

static inline struct testdev *testdev_from(struct acrypto_device *adev)
{
	return acrypto_device_priv(adev);
}

/* device.c APIs: */
int testdev_impl_probe(unsigned long modes, unsigned int *reqsize);
void testdev_impl_caps(struct testdev *td, unsigned long modes);
void testdev_init(struct testdev *td, const struct testdev_config *cfg);
void testdev_uninit(struct testdev *td);
void testdev_set_stalled(struct testdev *td, bool stalled);
void testdev_set_qlen(struct testdev *td, u32 qlen);
void testdev_set_fail_every(struct testdev *td, u32 n);
void testdev_set_break_after(struct testdev *td, u32 count);
void testdev_report_broken(struct testdev *td, bool broken);
extern const struct acrypto_device_ops testdev_ops;

/* debugfs.c APIs: */
void testdev_debugfs_init(void);
void testdev_debugfs_add(struct testdev *td);
void testdev_debugfs_uninit(void);

#endif /* _ACRYPTO_TESTDEV_H */

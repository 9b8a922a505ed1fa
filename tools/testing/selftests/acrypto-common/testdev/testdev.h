/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * acrypto_testdev: an asynchronous acrypto device for tests.
 *
 * After Polyakov's slow provider: every instance computes its results on the
 * CPU with the kernel's synchronous skciphers, AEADs and hashes, but
 * completes each request only when its simulated service time has passed,
 * from an hrtimer in softirq context.  Knobs in debugfs set the speed of
 * each instance and inject faults: clean failures, failures after writing
 * garbage over the output, and wrong results delivered as successes.  See
 * README.rst.
 */
#ifndef _ACRYPTO_TESTDEV_H
#define _ACRYPTO_TESTDEV_H

#include <crypto/internal/acrypto.h>
#include <linux/bits.h>
#include <linux/hashtable.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#define TESTDEV_MAX_INSTANCES	16

/**
 * enum testdev_impl_id - what an instance can offer, one capability each
 * @TESTDEV_ECB: AES-ECB
 * @TESTDEV_CBC: AES-CBC
 * @TESTDEV_CTR: AES-CTR
 * @TESTDEV_XTS: AES-XTS
 * @TESTDEV_GCM: AES-GCM (AEAD)
 * @TESTDEV_SHA1: SHA-1
 * @TESTDEV_SHA256: SHA-256
 * @TESTDEV_HMAC_SHA1: HMAC-SHA1
 * @TESTDEV_HMAC_SHA256: HMAC-SHA256
 * @TESTDEV_NUM_IMPLS: how many there are
 *
 * The bit numbers of the ``modes`` mask of &struct testdev_config.
 */
enum testdev_impl_id {
	TESTDEV_ECB,
	TESTDEV_CBC,
	TESTDEV_CTR,
	TESTDEV_XTS,
	TESTDEV_GCM,
	TESTDEV_SHA1,
	TESTDEV_SHA256,
	TESTDEV_HMAC_SHA1,
	TESTDEV_HMAC_SHA256,
	TESTDEV_NUM_IMPLS,
};

/* Every capability, and those of an instance without a modes parameter. */
#define TESTDEV_MODES_ALL	GENMASK(TESTDEV_NUM_IMPLS - 1, 0)
#define TESTDEV_MODES_DEFAULT	(BIT(TESTDEV_ECB) | BIT(TESTDEV_CBC) | \
				 BIT(TESTDEV_CTR) | BIT(TESTDEV_XTS))
#define TESTDEV_MAX_QLEN	65536
#define TESTDEV_MAX_LATENCY_US	10000000U	/* 10 s */
#define TESTDEV_MAX_DELAY_US	1000000U	/* 1 s */
#define TESTDEV_HASH_BITS	8
#define TESTDEV_KEYLOG_LEN	256

/**
 * struct testdev_config - how an instance starts, from the module parameters
 * @latency_us: fixed time from acceptance to completion, in microseconds
 * @bytes_per_sec: serial throughput in bytes per second, 0 for unlimited
 * @ops_per_sec: serial rate in requests per second, 0 for unlimited
 * @qlen: requests the instance holds at once before it says -ENOSPC
 * @class: enum acrypto_class
 * @modes: bitmask of BIT(enum testdev_impl_id) the instance offers
 * @wrong_output: corrupt every Nth result from registration on (the
 *	wrong_output knob), 0 for never
 */
struct testdev_config {
	u32 latency_us;
	u64 bytes_per_sec;
	u32 ops_per_sec;
	u32 qlen;
	enum acrypto_class class;
	unsigned long modes;
	u32 wrong_output;
};

struct testdev_impl;

/* testdev_request.fault */
#define TESTDEV_RF_WRITTEN	BIT(0)	/* garbage over the output, then @err */
#define TESTDEV_RF_WRONG	BIT(1)	/* computed, then a bit of it flipped */

/**
 * struct testdev_request - per-request private area, in the acrypto session
 * @node: on &testdev.pending while the device holds the request; taken off
 *	it under &testdev.lock by the completion path or by ->cancel(),
 *	whichever comes first, and never touched by the other one afterwards
 * @hnode: in &testdev.held, by address, while on &testdev.pending
 * @s: the session this area belongs to
 * @impl: how the step is computed, found from its algorithm and mode
 * @due_ns: CLOCK_MONOTONIC time at which the request completes
 * @err: error to complete with instead of computing (fault injection), or 0
 * @fault: TESTDEV_RF_* decided at acceptance from the fault knobs
 * @sub: the request to the synchronous implementation (skcipher_request,
 *	aead_request or ahash_request) and its context; must be last
 *
 * Fault decisions are taken when the request is accepted and carried out
 * when it completes, so knob changes affect requests accepted afterwards.
 */
struct testdev_request {
	struct list_head node;
	struct hlist_node hnode;
	struct acrypto_session *s;
	const struct testdev_impl *impl;
	u64 due_ns;
	int err;
	u8 fault;
	u8 sub[] __aligned(CRYPTO_MINALIGN);
};

/**
 * struct testdev_stats - what an instance did, under &testdev.lock
 * @accepted: requests ->process() accepted
 * @completed: requests completed (with a result or an injected error)
 * @failed: requests completed with an injected error (one given back by
 *	->cancel() before it completed does not count)
 * @written: of @failed, those whose output was overwritten with garbage
 *	first (acrypto_session_set_written() called)
 * @corrupted: requests completed with success and a wrong result (the
 *	wrong_output knob); a request whose computation failed, or that has
 *	no output, is not corrupted
 * @cancelled: requests given back to the engine by ->cancel()
 * @refused: times ->process() said -ENOSPC
 * @inlined: of @completed, those completed from within ->process() (the
 *	complete_inline knob)
 * @max_inflight: most requests held at once
 */
struct testdev_stats {
	u64 accepted;
	u64 completed;
	u64 failed;
	u64 written;
	u64 corrupted;
	u64 cancelled;
	u64 refused;
	u64 inlined;
	u32 max_inflight;
};

/* testdev_key_rec.state */
enum testdev_key_state {
	TESTDEV_KEY_HELD,	/* ->key_prepare() succeeded, not released */
	TESTDEV_KEY_RELEASED,	/* ->key_release() since */
	TESTDEV_KEY_REFUSED,	/* ->key_prepare() failed */
};

/**
 * struct testdev_key_rec - one ->key_prepare() call, in the key log
 * @key: the engine's key, only compared, to find the record on release
 * @seq: the call's number, counted from the instance's registration
 * @mode: the capability's name
 * @keylen: the key's length in bytes
 * @fp: the key's first bytes (its fingerprint)
 * @fplen: how many of @fp are valid: min(@keylen, 4)
 * @state: enum testdev_key_state
 */
struct testdev_key_rec {
	const struct acrypto_key *key;
	const char *mode;
	u32 seq;
	u32 keylen;
	u8 fp[4];
	u8 fplen;
	u8 state;
};

/**
 * struct testdev_keylog - the keys an instance was given (keys.c)
 * @lock: protects the fields below
 * @rec: the records since the last reset, oldest first
 * @n: records in @rec
 * @seq: ->key_prepare() calls since registration
 * @dropped: calls not recorded since the last reset, @rec being full
 */
struct testdev_keylog {
	spinlock_t lock;	/* the fields below */
	struct testdev_key_rec rec[TESTDEV_KEYLOG_LEN];
	unsigned int n;
	u32 seq;
	u32 dropped;
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
 * @fail_written: knob: an injected failure first writes garbage over the
 *	step's output (the destination, the hash state of an update, the
 *	digest of a final) and says so with acrypto_session_set_written();
 *	false: it fails without touching anything
 * @wrong_output: knob: compute every Nth accepted request, flip a bit of
 *	its output and complete it with success, like a silently broken
 *	device; 0 for never
 * @cancel: knob: ->cancel() gives requests back (true) or refuses (false),
 *	like a device that cannot take back what it started
 * @break_ms: knob: after the instance reports itself broken, it reports
 *	recovery this many milliseconds later; 0 for never
 * @process_delay_us: knob: ->process() busy-waits this long before it
 *	looks at the request, like a slow doorbell; widens the window between
 *	the engine's handing over a session and the device's owning it, for
 *	tests of what happens in between
 * @complete_inline: knob: ->process() computes the request at once and
 *	calls acrypto_session_complete() before it returns -EINPROGRESS, like
 *	a device that finishes while it is being handed the request; the
 *	engine must not run the submitter's callback from there
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
 * @wrong_seq: requests accepted since @wrong_output was set
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
 * @keylog: the keys the instance was given (the keys file)
 */
struct testdev {
	struct acrypto_device *adev;
	struct acrypto_cap caps[TESTDEV_NUM_IMPLS];

	u32 latency_us;
	u64 bytes_per_sec;
	u32 ops_per_sec;
	u32 qlen;
	u32 fail_every;
	u32 fail_errno;
	bool fail_written;
	u32 wrong_output;
	bool cancel;
	u32 break_ms;
	u32 process_delay_us;
	bool complete_inline;

	spinlock_t lock ____cacheline_aligned_in_smp;
	struct list_head pending;
	DECLARE_HASHTABLE(held, TESTDEV_HASH_BITS);
	u32 inflight;
	u64 busy_until_ns;
	u64 tail_due_ns;
	u32 seq;
	u32 wrong_seq;
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
	struct testdev_keylog keylog;
};

static inline struct testdev *testdev_from(struct acrypto_device *adev)
{
	return acrypto_device_priv(adev);
}

/* device.c APIs: */
int testdev_impl_by_name(const char *name);
int testdev_impl_probe(unsigned long modes, unsigned int *reqsize);
void testdev_impl_caps(struct testdev *td, unsigned long modes);
void testdev_init(struct testdev *td, const struct testdev_config *cfg);
void testdev_uninit(struct testdev *td);
void testdev_set_stalled(struct testdev *td, bool stalled);
void testdev_set_qlen(struct testdev *td, u32 qlen);
void testdev_set_fail_every(struct testdev *td, u32 n);
void testdev_set_wrong_output(struct testdev *td, u32 n);
void testdev_set_break_after(struct testdev *td, u32 count);
void testdev_report_broken(struct testdev *td, bool broken);
extern const struct acrypto_device_ops testdev_ops;

/* keys.c APIs: */
void testdev_keys_init(struct testdev *td);
void testdev_keys_prepared(struct testdev *td, const struct acrypto_key *key,
			   const char *mode, int err);
void testdev_keys_released(struct testdev *td, const struct acrypto_key *key);
extern const struct file_operations testdev_keys_fops;

/* debugfs.c APIs: */
void testdev_debugfs_init(void);
void testdev_debugfs_add(struct testdev *td);
void testdev_debugfs_uninit(void);

#endif /* _ACRYPTO_TESTDEV_H */

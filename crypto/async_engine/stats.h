/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * acrypto: statistics of each device by algorithm and mode, the request
 * path's side (stats.c has the rest).
 *
 * Per CPU, each written only by its own CPU with this_cpu_*() and summed by
 * readers, as the device's other counters: no cache line is shared between
 * CPUs on the request path.  A step that ends on a device costs two
 * this_cpu_add() (requests, bytes in); a third for the modes whose output
 * is not as long as their input (AEAD tags, hash digests).  Latency is
 * recorded only for steps the engine times anyway (the cost model's
 * samples, or a balancer that measures every step).
 */
#ifndef _ACRYPTO_STATS_H
#define _ACRYPTO_STATS_H

#include <crypto/sha1.h>
#include <crypto/sha2.h>
#include <linux/bitops.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sysfs.h>

#include "internal.h"

/*
 * Latency buckets: bucket 0 counts steps under 1024 ns, bucket i steps in
 * [2^(9+i), 2^(10+i)) ns, the last one everything from 2^30 ns (about 1 s)
 * on.
 */
#define ACRYPTO_STATS_LAT_BUCKETS	22

/**
 * struct acrypto_stats_row - one CPU's counters of one algorithm and mode
 * @requests: steps the device completed (as scompleted: well, with an
 *	error, or declined)
 * @bytes_in: bytes those that ended well read (the step's length; for
 *	AEAD, the associated data too)
 * @out_delta: bytes they wrote, minus @bytes_in: written only when the two
 *	differ (an AEAD tag appended or checked, a hash digest)
 * @errors: steps completed with an error other than a decline (as errors)
 * @retries: steps that failed with a device error and were retried on
 *	another device
 * @lat: timed steps by latency, from handing the step to the device to
 *	its completion; see ACRYPTO_STATS_LAT_BUCKETS
 */
struct acrypto_stats_row {
	u64 requests;
	u64 bytes_in;
	s64 out_delta;
	u64 errors;
	u64 retries;
	u64 lat[ACRYPTO_STATS_LAT_BUCKETS];
};

#define ACRYPTO_STATS_ROWS	(__ACRYPTO_ALG_MAX * __ACRYPTO_MODE_MAX)

struct acrypto_stats_attr;

/**
 * struct acrypto_stats - the statistics of one device
 * @rows: per CPU, one row per algorithm and mode (alg * __ACRYPTO_MODE_MAX
 *	+ mode), whether the device has the capability or not: the request
 *	path finds its row without a look-up
 * @base: the sums at the last reset, subtracted when read; under @lock
 * @lock: serialises readers and resets
 * @group: sysfs group "stats"
 * @attrs: its attributes, one array
 */
struct acrypto_stats {
	struct acrypto_stats_row __percpu *rows;
	struct acrypto_stats_row *base;
	struct mutex lock;		/* readers and resets */
	struct attribute_group group;
	struct acrypto_stats_attr *attrs;
};

/* stats.c APIs: */
int acrypto_stats_init_device(struct acrypto_device *dev);
void acrypto_stats_uninit_device(struct acrypto_device *dev);
int acrypto_stats_sysfs_add(struct acrypto_device *dev);
void acrypto_stats_sysfs_remove(struct acrypto_device *dev);

/* The row of the current step of @s on @dev. */
static inline struct acrypto_stats_row __percpu *
acrypto_stats_row(const struct acrypto_device *dev,
		  const struct acrypto_session *s)
{
	const struct acrypto_hop *hop = acrypto_session_hop(s);

	return dev->stats->rows + hop->alg * __ACRYPTO_MODE_MAX + hop->mode;
}

/* Bytes out minus bytes in of the current step of @s, which ended well. */
static inline s64 acrypto_stats_out_delta(const struct acrypto_session *s)
{
	const struct acrypto_hop *hop = acrypto_session_hop(s);

	switch (hop->mode) {
	case ACRYPTO_MODE_GCM:
	case ACRYPTO_MODE_RFC4106:
		return hop->op == ACRYPTO_OP_ENCRYPT ? s->authsize :
		       -(s64)s->authsize;
	case ACRYPTO_MODE_HASH:
	case ACRYPTO_MODE_HMAC:
		if (hop->op == ACRYPTO_OP_HASH_UPDATE)
			return -(s64)s->len;
		return (hop->alg == ACRYPTO_ALG_SHA1 ? SHA1_DIGEST_SIZE :
			SHA256_DIGEST_SIZE) - (s64)s->len;
	default:
		return 0;
	}
}

/**
 * acrypto_stats_step() - @dev completed the current step of @s with @err
 * @dev: the device
 * @s: the session, its step not yet ended
 * @err: the step's result
 *
 * Context: any up to softirq; preemption may be on (this_cpu_*() are
 * safe against it).
 */
static inline void acrypto_stats_step(const struct acrypto_device *dev,
				      const struct acrypto_session *s, int err)
{
	struct acrypto_stats_row __percpu *row = acrypto_stats_row(dev, s);
	s64 delta;

	this_cpu_inc(row->requests);
	if (likely(!err)) {
		this_cpu_add(row->bytes_in, s->len + s->assoclen);
		delta = acrypto_stats_out_delta(s);
		if (delta)
			this_cpu_add(row->out_delta, delta);
	} else if (err != -EOPNOTSUPP) {
		this_cpu_inc(row->errors);
	}
}

/**
 * acrypto_stats_retry() - @dev failed the current step of @s, retried
 * @dev: the device that failed it
 * @s: the session
 */
static inline void acrypto_stats_retry(const struct acrypto_device *dev,
				       const struct acrypto_session *s)
{
	this_cpu_inc(acrypto_stats_row(dev, s)->retries);
}

/**
 * acrypto_stats_latency() - a timed step of @s on @dev took @ns
 * @dev: the device
 * @s: the session
 * @ns: from handing the step to the device to its completion
 */
static inline void acrypto_stats_latency(const struct acrypto_device *dev,
					 const struct acrypto_session *s,
					 u64 ns)
{
	unsigned int b = fls64(ns);

	b = b > 10 ? min(b - 10, ACRYPTO_STATS_LAT_BUCKETS - 1U) : 0;
	this_cpu_inc(acrypto_stats_row(dev, s)->lat[b]);
}

/**
 * acrypto_stats_direct() - @dev did a cipher request with no session
 * @dev: the device (acrypto_skcipher_direct())
 * @alg: enum acrypto_alg of the request
 * @mode: its enum acrypto_mode (a cipher mode: output as long as input)
 * @len: its length
 * @err: its result
 * @ns: how long it took, or 0 when it was not timed
 */
static inline void acrypto_stats_direct(const struct acrypto_device *dev,
					unsigned int alg, unsigned int mode,
					unsigned int len, int err, u64 ns)
{
	struct acrypto_stats_row __percpu *row =
		dev->stats->rows + alg * __ACRYPTO_MODE_MAX + mode;
	unsigned int b;

	this_cpu_inc(row->requests);
	if (unlikely(err)) {
		this_cpu_inc(row->errors);
		return;
	}
	this_cpu_add(row->bytes_in, len);
	if (ns) {
		b = fls64(ns);
		b = b > 10 ? min(b - 10, ACRYPTO_STATS_LAT_BUCKETS - 1U) : 0;
		this_cpu_inc(row->lat[b]);
	}
}

#endif /* _ACRYPTO_STATS_H */

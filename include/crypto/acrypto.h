/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * acrypto - asynchronous crypto engine: the session API.
 *
 * Every crypto request that reaches the engine through the kernel crypto
 * API becomes a session: it lives in the request context, sits on the queue
 * of the device that processes it and on the global main_crypto_device
 * queue until it completes, and carries a route, the steps it passes
 * through.  This header is what a session user needs: the operations,
 * algorithms and modes, the session and its route, keys, and the calls that
 * build and submit a session.
 *
 * Device drivers and load balancers include <crypto/internal/acrypto.h>,
 * which includes this one.  See Documentation/crypto/acrypto.rst.
 */
#ifndef _CRYPTO_ACRYPTO_H
#define _CRYPTO_ACRYPTO_H

#include <linux/crypto.h>
#include <linux/errno.h>
#include <linux/list.h>
#include <linux/scatterlist.h>
#include <linux/string.h>
#include <linux/types.h>

#define ACRYPTO_ROUTE_MAX	3

/* Session priorities: higher runs first when sessions wait for a device. */
#define ACRYPTO_PRIO_BULK	0
#define ACRYPTO_PRIO_NORMAL	1
#define ACRYPTO_PRIO_LATENCY	2
#define ACRYPTO_NR_PRIO		3

/**
 * enum acrypto_op - operation of one step of a session
 * @ACRYPTO_OP_ENCRYPT: encrypt @src into @dst; for an AEAD mode, the crypto
 *	API's layout: associated data, then text, then (in @dst) the tag
 * @ACRYPTO_OP_DECRYPT: decrypt @src into @dst; an AEAD mode verifies the
 *	tag and fails with -EBADMSG when it does not match
 * @ACRYPTO_OP_HASH_UPDATE: hash @len bytes of @src into the partial hash
 *	state at &acrypto_session.hstate (read and written)
 * @ACRYPTO_OP_HASH_FINAL: hash @len bytes of @src (possibly none) on top of
 *	the state at &acrypto_session.hstate (only read) and write the digest
 *	(for HMAC, the outer hash too) to &acrypto_session.result
 * @ACRYPTO_OP_HASH_DIGEST: a %ACRYPTO_OP_HASH_FINAL step whose state is the
 *	algorithm's initial one (for HMAC, the key's inner pad absorbed and
 *	nothing else): the digest of @len bytes of @src alone.  Devices that
 *	keep no partial state between requests (most hardware, virtio-crypto)
 *	declare this operation without the other two; a capability with
 *	%ACRYPTO_OP_HASH_FINAL serves it too (acrypto_cap_serves())
 *
 * Hash states are in the export format of the kernel's own implementation
 * of the algorithm (struct sha1_state, struct sha256_state; for HMAC the
 * state of the inner hash, with the key's inner pad already absorbed), so a
 * session may move between devices in the middle of a hash.
 */
enum acrypto_op {
	ACRYPTO_OP_ENCRYPT,
	ACRYPTO_OP_DECRYPT,
	ACRYPTO_OP_HASH_UPDATE,
	ACRYPTO_OP_HASH_FINAL,
	ACRYPTO_OP_HASH_DIGEST,
	__ACRYPTO_OP_MAX,
};

/**
 * enum acrypto_alg - algorithm of one step of a session
 * @ACRYPTO_ALG_AES: AES block cipher (FIPS 197)
 * @ACRYPTO_ALG_SHA1: SHA-1 (FIPS 180-4)
 * @ACRYPTO_ALG_SHA256: SHA-256 (FIPS 180-4)
 */
enum acrypto_alg {
	ACRYPTO_ALG_AES,
	ACRYPTO_ALG_SHA1,
	ACRYPTO_ALG_SHA256,
	__ACRYPTO_ALG_MAX,
};

/**
 * enum acrypto_mode - mode of operation of one step of a session
 * @ACRYPTO_MODE_ECB: electronic code book
 * @ACRYPTO_MODE_CBC: cipher block chaining, IV updated to the last block
 * @ACRYPTO_MODE_CTR: counter mode (128-bit big endian counter), IV updated
 * @ACRYPTO_MODE_XTS: IEEE 1619 XTS with ciphertext stealing, key holds both
 *	halves
 * @ACRYPTO_MODE_GCM: AEAD, NIST SP 800-38D with a 12-byte IV
 * @ACRYPTO_MODE_RFC4106: AEAD, GCM for IPsec ESP (RFC 4106): key followed by
 *	a 4-byte salt, 8-byte explicit IV, the IV counted in the associated
 *	data
 * @ACRYPTO_MODE_HASH: plain hash
 * @ACRYPTO_MODE_HMAC: HMAC (RFC 2104) keyed hash; keys longer than the
 *	hash's block size reach devices already hashed, as HMAC defines
 */
enum acrypto_mode {
	ACRYPTO_MODE_ECB,
	ACRYPTO_MODE_CBC,
	ACRYPTO_MODE_CTR,
	ACRYPTO_MODE_XTS,
	ACRYPTO_MODE_GCM,
	ACRYPTO_MODE_RFC4106,
	ACRYPTO_MODE_HASH,
	ACRYPTO_MODE_HMAC,
	__ACRYPTO_MODE_MAX,
};

struct acrypto_device;
struct acrypto_key;

/**
 * struct acrypto_hop - one step of a route
 * @op: enum acrypto_op performed in this step
 * @alg: enum acrypto_alg of this step
 * @mode: enum acrypto_mode of this step
 * @key: key of this step
 * @dev: the device that performs (or performed) this step, set by the engine
 * @src: source data of this step
 * @dst: destination data of this step
 * @len: bytes to process; for an AEAD mode the crypto API's cryptlen (text,
 *	plus the tag when decrypting)
 * @iv: IV or counter, updated by the device as the mode requires
 * @assoclen: AEAD: bytes of associated data before the text
 * @authsize: AEAD: tag size
 * @hstate: hash: partial hash state
 * @result: hash: where the digest goes
 *
 * The engine copies the step being processed into the session's view
 * (&acrypto_session.key, .src, .dst, .len, .iv, .assoclen, .authsize, .hstate,
 * .result), which is what devices read.
 */
struct acrypto_hop {
	u8 op;
	u8 alg;
	u8 mode;
	u16 authsize;
	struct acrypto_key *key;
	struct acrypto_device *dev;
	struct scatterlist *src;
	struct scatterlist *dst;
	unsigned int len;
	unsigned int assoclen;
	u8 *iv;
	void *hstate;
	u8 *result;
};

/**
 * struct acrypto_route - the chain of devices a session passes through
 * @len: number of steps
 * @pos: the step being processed
 * @hop: the steps, in order
 */
struct acrypto_route {
	u8 len;
	u8 pos;
	struct acrypto_hop hop[ACRYPTO_ROUTE_MAX];
};

/**
 * struct acrypto_session - one crypto operation travelling through the engine
 * @main_node: on the main_crypto_device queue shard of @cpu
 * @dev_node: on the per-CPU queue of @dev for @cpu
 * @backlog_node: on @dev's backlog while the device is full
 * @dev: device currently holding the session, NULL outside the engine
 * @cpu: the shard @main_node and @dev_node are on
 * @state: engine state of the session (private to the engine)
 * @flags: ACRYPTO_SF_* (private to the engine)
 * @retries: times this step was retried after a device error
 * @tried: device indexes that failed this step (private to the engine)
 * @start_ns: ktime_get_ns() when the current device accepted the session,
 *	when the engine measures it for the cost model (or the balancer asked
 *	for it, %ACRYPTO_LB_TIMING); 0 when not measured
 * @queued: jiffies when the session was put on a backlog, for aging
 * @qseq: order of arrival on that backlog (the device's @backlog_seq)
 * @ahead: sessions the device held when it accepted this one
 * @cost_ns: expected service time of the step on @dev, counted in the
 *	device's queued work while the session is linked
 * @status: result of a completion the engine deferred out of the
 *	submitter's call (private to the engine)
 * @iv_saved: the step's IV as it was when an asynchronous device got it,
 *	put back before a retry if the device may have written it (private
 *	to the engine)
 * @priority: ACRYPTO_PRIO_*, set by the submitter
 * @bind: if set, only this device may process the session
 * @route: the steps and the devices they went to
 * @req_flags: CRYPTO_TFM_REQ_* flags of the originating request
 * @advance: optional; called when a step ends well and another follows,
 *	before the next step is dispatched.  Returning an error ends the
 *	session with it (an authenticated mode whose tag does not match).
 * @done: called once when the session finishes, in BH context
 * @key: the current step's key (view of the current hop)
 * @src: the current step's source data (view)
 * @dst: the current step's destination data, may be @src (view)
 * @len: bytes of @src the current step processes (view)
 * @iv: the current step's IV or counter (view); not a valid pointer for
 *	modes without an IV (ECB, hashes): do not touch it there
 * @assoclen: the current AEAD step's associated data length (view)
 * @authsize: the current AEAD step's tag size (view)
 * @hstate: the current hash step's partial state (view)
 * @result: the current hash step's digest buffer (view)
 * @priv: per-request private area for the device currently processing the
 *	session, @key->priv_size bytes, see acrypto_session_priv()
 *
 * A session is embedded in a crypto request context; the engine never
 * allocates one.  Fields above @priority are the engine's, read outside it
 * only through the accessors of <crypto/internal/acrypto.h>; a submitter
 * fills in the rest with acrypto_session_init() and the setters before
 * submitting.  Devices read the step they are asked to do from the view
 * fields and the accessors of <crypto/internal/acrypto.h>.
 */
struct acrypto_session {
	struct list_head main_node;
	struct list_head dev_node;
	struct list_head backlog_node;
	struct acrypto_device *dev;
	int cpu;
	u8 state;
	u8 flags;
	u8 retries;
	u32 tried;
	u64 start_ns;
	unsigned long queued;
	u32 qseq;
	u32 ahead;
	u32 cost_ns;
	int status;
	u8 iv_saved[16];

	u8 priority;
	struct acrypto_device *bind;
	struct acrypto_route route;
	u32 req_flags;
	int (*advance)(struct acrypto_session *s);
	void (*done)(struct acrypto_session *s, int err);

	struct acrypto_key *key;
	struct scatterlist *src;
	struct scatterlist *dst;
	unsigned int len;
	unsigned int assoclen;
	u16 authsize;
	u8 *iv;
	void *hstate;
	u8 *result;

	u8 priv[] __aligned(CRYPTO_MINALIGN);
};

/* key.c APIs: keys of the transforms and of in-kernel session users */
struct acrypto_key *acrypto_key_alloc(u16 alg, u16 mode);
int acrypto_key_set(struct acrypto_key *key, const u8 *data,
		    unsigned int keylen, u32 flags);
int acrypto_key_set_authsize(struct acrypto_key *key, unsigned int authsize);
void acrypto_key_free(struct acrypto_key *key);

/* device.c APIs: */
unsigned int acrypto_priv_size(void);

/* session.c APIs: */
void acrypto_session_init(struct acrypto_session *s, struct acrypto_key *key,
			  void (*done)(struct acrypto_session *s, int err));
int acrypto_session_submit(struct acrypto_session *s);

/**
 * acrypto_session_add_hop() - append a step to a session's route
 * @s: session being built
 * @op: enum acrypto_op
 * @alg: enum acrypto_alg
 * @mode: enum acrypto_mode
 *
 * The step uses the key given to acrypto_session_init() until
 * acrypto_session_set_key() says otherwise; describe its data with
 * acrypto_session_set_crypt().
 *
 * Return: 0, or -E2BIG when the route is full.
 */
static inline int acrypto_session_add_hop(struct acrypto_session *s, u8 op,
					  u8 alg, u8 mode)
{
	struct acrypto_hop *hop;

	if (s->route.len >= ACRYPTO_ROUTE_MAX)
		return -E2BIG;
	hop = &s->route.hop[s->route.len++];
	memset(hop, 0, sizeof(*hop));
	hop->op = op;
	hop->alg = alg;
	hop->mode = mode;
	hop->key = s->key;
	return 0;
}

static inline struct acrypto_hop *
acrypto_session_last_hop(struct acrypto_session *s)
{
	return &s->route.hop[s->route.len - 1];
}

/**
 * acrypto_session_set_key() - give the last added step its own key
 * @s: session being built
 * @key: key of that step (a route over two devices, such as authenc's
 *	cipher and MAC steps, has one key per step)
 */
static inline void acrypto_session_set_key(struct acrypto_session *s,
					   struct acrypto_key *key)
{
	acrypto_session_last_hop(s)->key = key;
}

/**
 * acrypto_session_set_crypt() - describe the data of the last added step
 * @s: session being built
 * @src: source scatterlist
 * @dst: destination scatterlist, may equal @src
 * @len: bytes to process
 * @iv: IV, updated in place as the mode defines
 */
static inline void acrypto_session_set_crypt(struct acrypto_session *s,
					     struct scatterlist *src,
					     struct scatterlist *dst,
					     unsigned int len, u8 *iv)
{
	struct acrypto_hop *hop = acrypto_session_last_hop(s);

	hop->src = src;
	hop->dst = dst;
	hop->len = len;
	hop->iv = iv;
}

/**
 * acrypto_session_set_aead() - AEAD parameters of the last added step
 * @s: session being built
 * @assoclen: bytes of associated data at the start of the source
 * @authsize: tag size
 */
static inline void acrypto_session_set_aead(struct acrypto_session *s,
					    unsigned int assoclen,
					    unsigned int authsize)
{
	struct acrypto_hop *hop = acrypto_session_last_hop(s);

	hop->assoclen = assoclen;
	hop->authsize = authsize;
}

/**
 * acrypto_session_set_hash() - hash buffers of the last added step
 * @s: session being built
 * @state: partial hash state, see &enum acrypto_op
 * @result: digest buffer of a %ACRYPTO_OP_HASH_FINAL or
 *	%ACRYPTO_OP_HASH_DIGEST step
 */
static inline void acrypto_session_set_hash(struct acrypto_session *s,
					    void *state, u8 *result)
{
	struct acrypto_hop *hop = acrypto_session_last_hop(s);

	hop->hstate = state;
	hop->result = result;
}

/**
 * acrypto_session_bind() - restrict a session to one device
 * @s: session being built
 * @dev: the only device allowed to process it; the caller keeps @dev
 *	registered until the session finishes
 *
 * A bound session bypasses the balancer.  It is never moved: if @dev breaks
 * or goes away the session finishes with -ENODEV.
 */
static inline void acrypto_session_bind(struct acrypto_session *s,
					struct acrypto_device *dev)
{
	s->bind = dev;
}

#endif /* _CRYPTO_ACRYPTO_H */

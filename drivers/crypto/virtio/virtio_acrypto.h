/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio_acrypto: the virtio-crypto device as an acrypto hardware device.
 *
 * One struct vac_device per bound virtio device, living in the private area
 * of its acrypto device.  Three kinds of state hang off it, by lifetime:
 *
 *  - struct vac_dataq, one per data virtqueue, for the life of the binding;
 *  - struct vac_key, one per acrypto key the device prepared (key_prepare
 *    to key_release, longer while control commands of it are in flight),
 *    holding the key's device sessions, one per direction;
 *  - struct vac_request, one per request, in the engine's per-request
 *    private area: nothing is allocated on the data path.
 *
 * Lock order: vac_device.state_lock (a mutex, process context only), then
 * vac_device.keys_lock, then vac_key.lock, then vac_device.ctrl_lock;
 * vac_dataq.lock is never held together with any of the spin locks.  Every
 * spin lock is BH-safe: completions run in tasklets.
 */
#ifndef _VIRTIO_ACRYPTO_H
#define _VIRTIO_ACRYPTO_H

#include <crypto/internal/acrypto.h>
#include <crypto/aes.h>
#include <crypto/sha1.h>
#include <crypto/sha2.h>
#include <linux/interrupt.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/virtio.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <uapi/linux/virtio_crypto.h>

/* Most data queues we set up; the control queue follows the last one. */
#define VAC_MAX_DATAQ		64

/* Longest key the device session commands carry: AES-256-XTS. */
#define VAC_MAX_KEY_LEN		(2 * AES_MAX_KEY_SIZE)

/*
 * Longest HMAC key: the hash's block size (the engine hashes longer keys
 * first, as HMAC defines).
 */
#define VAC_MAX_AUTH_KEY_LEN	SHA256_BLOCK_SIZE

/* Capabilities a device may register: one per row of algs.c's table. */
#define VAC_MAX_CAPS		10

/*
 * Per-request private area we ask of the engine: the fixed part of struct
 * vac_request and, in the rest, a few scatterlist entries for cutting the
 * caller's src/dst chains to the request length (VAC_REQ_SGS, 8 on x86-64).
 * The engine sizes every transform's request context for the largest
 * device, and AF_ALG allocates (and zeroes) that context for every read():
 * this area is kept small.  Chains that need more entries take a long
 * table from the device's pool (VAC_LONG_SGS entries), or wait for one.
 */
#define VAC_REQSIZE		512

/*
 * Revision 1 of the virtio-crypto device (virtio 1.2, 5.9), which Linux
 * 6.1's uapi header does not have: the feature bits, the data request flag,
 * the tag length of an AEAD request and the layouts of stateless requests.
 */
#define VAC_F_REVISION_1		0
#define VAC_F_CIPHER_STATELESS_MODE	1
#define VAC_F_HASH_STATELESS_MODE	2
#define VAC_F_MAC_STATELESS_MODE	3
#define VAC_F_AEAD_STATELESS_MODE	4
#define VAC_FLAG_SESSION_MODE		1

/* The GCM IV the driver sends (iv_len; 16 would mean J0). */
#define VAC_GCM_IV_LEN		12

/* RFC 4106: the salt after the AES key, the explicit IV of a request. */
#define VAC_RFC4106_SALT_LEN	4
#define VAC_RFC4106_IV_LEN	8

/*
 * virtio_crypto_aead_data_flf: the session-mode op_flf of an AEAD request
 * (24 bytes, padded to 48 without revision 1).  Linux's
 * virtio_crypto_aead_para stops before @tag_len.
 */
struct vac_aead_data_flf {
	__le32 iv_len;
	__le32 aad_len;
	__le32 src_data_len;
	__le32 dst_data_len;
	__le32 tag_len;
	__le32 reserved;
};

/* virtio_crypto_cipher_data_flf_stateless: session parameters, lengths. */
struct vac_cipher_flf_stateless {
	__le32 algo;
	__le32 key_len;
	__le32 op;
	__le32 iv_len;
	__le32 src_data_len;
	__le32 dst_data_len;
};

/* virtio_crypto_sym_data_flf_stateless: 76 bytes, no trailing padding. */
struct vac_sym_flf_stateless {
	union {
		struct vac_cipher_flf_stateless cipher;
		u8 padding[72];
	} u;
	__le32 op_type;
};

/* virtio_crypto_aead_data_flf_stateless: 32 bytes. */
struct vac_aead_flf_stateless {
	__le32 algo;
	__le32 key_len;
	__le32 op;
	__le32 iv_len;
	__le32 tag_len;
	__le32 aad_len;
	__le32 src_data_len;
	__le32 dst_data_len;
};

/* virtio_crypto_hash_data_flf_stateless: 16 bytes. */
struct vac_hash_flf_stateless {
	__le32 algo;
	__le32 src_data_len;
	__le32 hash_result_len;
	__le32 reserved;
};

/* virtio_crypto_mac_data_flf_stateless: 16 bytes. */
struct vac_mac_flf_stateless {
	__le32 algo;
	__le32 auth_key_len;
	__le32 src_data_len;
	__le32 hash_result_len;
};

/**
 * struct vac_stateless_req - the device-readable prefix of a stateless
 *	request, one descriptor
 * @header: flag 0 (stateless), no session
 * @u: the service's op_flf, then its vlf: the key, then the IV (wiped when
 *	the request returns)
 * @u.sym: cipher: the algorithm, key length and direction, the lengths
 * @u.aead: AEAD: the same and the tag and AAD lengths
 * @u.hash: hash: the algorithm and the lengths, no vlf in this descriptor
 * @u.mac: MAC: the algorithm, the key length and the lengths
 * @u.sym.vlf: cipher key and IV
 * @u.aead.vlf: AEAD key and IV
 * @u.hash.flf: the hash request's parameters
 * @u.mac.flf: the MAC request's parameters
 * @u.mac.vlf: the MAC key
 *
 * It follows the VAC_REQSIZE bytes of struct vac_request: only a device
 * that negotiated a stateless mode asks the engine for these bytes.
 */
struct vac_stateless_req {
	struct virtio_crypto_op_header header;
	union {
		struct {
			struct vac_sym_flf_stateless flf;
			u8 vlf[VAC_MAX_KEY_LEN + AES_BLOCK_SIZE];
		} sym;
		struct {
			struct vac_aead_flf_stateless flf;
			u8 vlf[VAC_MAX_KEY_LEN + AES_BLOCK_SIZE];
		} aead;
		struct {
			struct vac_hash_flf_stateless flf;
		} hash;
		struct {
			struct vac_mac_flf_stateless flf;
			u8 vlf[VAC_MAX_AUTH_KEY_LEN];
		} mac;
	} u;
};

#define VAC_REQSIZE_STATELESS	(VAC_REQSIZE + sizeof(struct vac_stateless_req))

/*
 * Entries of a long table: enough for an IPsec packet of 64 KiB
 * reassembled from fragments of a 1500-byte MTU (about 45 entries, in
 * place), which the device then serves itself.
 */
#define VAC_LONG_SGS		64

/* Most long tables a device keeps (VAC_LONG_SGS entries each). */
#define VAC_LONG_MAX		32

/* Data descriptors of a typical request, for the queue length we report. */
#define VAC_DESC_PER_REQ	4

/* vac_request.status before the device writes it: no valid status. */
#define VAC_STATUS_NONE		0xff

/**
 * struct vac_dataq - one data virtqueue
 * @lock: protects every field below and the virtqueue
 * @vq: the virtqueue; replaced by restore after a freeze, never used while
 *	vac_device.reset is set
 * @backlog: requests accepted from the engine that did not fit the ring
 *	(they were waiting for a device session); fed by the completion
 *	tasklet as descriptors free up
 * @inflight: requests on the ring
 * @blocked: ->process() returned -ENOSPC for this queue; the engine is
 *	unblocked once the backlog is empty and descriptors are free, or by
 *	restore after a freeze
 * @done: completion tasklet, scheduled by the virtqueue callback
 * @vac: the device
 * @name: name of the virtqueue, which keeps a pointer to it
 */
struct vac_dataq {
	spinlock_t lock;		/* the queue, BH-safe */
	struct virtqueue *vq;
	struct list_head backlog;
	unsigned int inflight;
	bool blocked;
	struct tasklet_struct done;
	struct vac_device *vac;
	char name[16];
} ____cacheline_aligned_in_smp;

/**
 * struct vac_algos - what the config space advertises
 * @services: crypto_services, BIT(VIRTIO_CRYPTO_SERVICE_*)
 * @cipher: cipher_algo_l and cipher_algo_h, bit n: VIRTIO_CRYPTO_CIPHER_* n
 * @hash: hash_algo
 * @mac: mac_algo_l and mac_algo_h
 * @aead: aead_algo
 */
struct vac_algos {
	u32 services;
	u64 cipher;
	u32 hash;
	u64 mac;
	u32 aead;
};

/**
 * enum vac_reg - registration with the engine, vac_device.reg
 * @VAC_REG_NONE: not registered (the device is not ready yet)
 * @VAC_REG_BUSY: the registration work is queued or runs
 *	acrypto_device_register(), outside state_lock: that runs the crypto
 *	API self-tests through the device and takes as long as the device
 * @VAC_REG_DONE: registered; removal unregisters
 * @VAC_REG_FAILED: acrypto_device_register() failed; not tried again
 */
enum vac_reg {
	VAC_REG_NONE,
	VAC_REG_BUSY,
	VAC_REG_DONE,
	VAC_REG_FAILED,
};

/**
 * struct vac_device - a bound virtio-crypto device
 * @vdev: the virtio device
 * @adev: the acrypto device whose private area holds this structure
 * @id: N of the name virtio_crypto<N>
 * @max_size: largest request content (IV, source and destination) the
 *	device accepts, from the config space
 * @max_key_len: longest cipher or AEAD key the device accepts
 * @max_auth_key_len: longest MAC key the device accepts
 * @algo: virtio algorithm number (VIRTIO_CRYPTO_CIPHER_*; for GCM and
 *	RFC 4106, VIRTIO_CRYPTO_AEAD_GCM; VIRTIO_CRYPTO_HASH_* and
 *	VIRTIO_CRYPTO_MAC_* for the hashes) for each enum acrypto_alg and
 *	enum acrypto_mode the device advertises, 0 for the others
 * @caps: capabilities registered with the engine
 * @num_caps: entries in @caps
 * @num_dq: data queues
 * @dq: the data queues, from probe to removal (their virtqueues are
 *	deleted and found again around a freeze)
 * @max_desc: descriptors of the smallest data queue: a request needing more
 *	could never be queued
 * @rev1: VIRTIO_CRYPTO_F_REVISION_1 negotiated: exact op_flf sizes, the
 *	session-mode flag on data requests, the short destroy command
 * @sl: services in stateless mode, BIT(VIRTIO_CRYPTO_SERVICE_*): their
 *	*_STATELESS_MODE feature was negotiated, their requests carry their
 *	key (if any), the device holds no session for them
 * @long_lock: protects @long_free, @long_nfree and @long_wanted
 * @long_sg: the long tables, @long_num of VAC_LONG_SGS entries each, for
 *	chains that do not fit in a request's own entries; set at probe,
 *	sized from the rings (a request needing one uses more than
 *	VAC_REQ_SGS + 2 descriptors)
 * @long_num: long tables in @long_sg
 * @long_nfree: entries of @long_free in use: tables not lent out
 * @long_free: indexes of the free tables
 * @long_wanted: ->process() refused a request (-ENOSPC) for want of a long
 *	table; the next one given back schedules the data queue tasklets,
 *	which unblock the engine (their queue was marked blocked first)
 * @ctrl_lock: protects @ctrl_vq, @ctrl_pending and @ctrl_inflight, and the
 *	writes of @dying, @frozen and @reset; each write of these flags is
 *	followed by taking and releasing every data queue lock, so that
 *	holding any of these locks is enough to read them
 * @ctrl_vq: the control virtqueue
 * @ctrl_pending: device sessions with a control command to send, in order
 * @ctrl_inflight: control commands on the ring
 * @dying: the device is being removed: no new device session is created
 *	and no request reaches the rings; set once
 * @frozen: the device is suspended (between freeze and restore): new
 *	requests are refused with -ENOSPC, which parks them in the engine
 *	until restore unblocks it; what the driver had accepted still runs
 * @reset: the device was reset (removal, or freeze until restore): the
 *	queues are dead and their buffers taken back: nothing may touch a
 *	virtqueue
 * @ctrl_work: sends the commands on @ctrl_pending (process context)
 * @ctrl_done: control queue completion tasklet
 * @sess_freed: device sessions destroyed so far; a key refused for want
 *	of room tries again once this moved
 * @waiting: requests waiting for a device session to be created; counted
 *	as held by the device until they reach a data queue
 * @idle_wait: woken when the queues drain during removal or freeze
 * @keys_lock: protects @keys
 * @keys: every struct vac_key of this device, from key_prepare until the
 *	key's last reference is gone; freeze walks it to destroy the device
 *	sessions
 * @state_lock: protects @reg, @reg_err, @not_ready, @removing,
 *	@suspended, @needs_reset and @resets; never held across
 *	acrypto_device_register() or anything else that waits for the device
 * @reg: enum vac_reg; read without the lock by probe's wait only
 * @reg_err: what acrypto_device_register() returned
 * @not_ready: the device cleared VIRTIO_CRYPTO_S_HW_READY and the engine
 *	was told it is broken
 * @removing: removal started: the status work does nothing more
 * @suspended: between freeze and restore: the status work leaves a
 *	registration that has not started for restore to start
 * @needs_reset: the device set DEVICE_NEEDS_RESET; the reset work runs
 *	(freeze without draining, then restore) and clears it
 * @resets: resets done for DEVICE_NEEDS_RESET, for the log
 * @state_wait: woken when a registration ends (probe waits for it)
 * @status_work: follows the config space status: starts the registration
 *	once the device is ready, then marks it broken or usable as
 *	VIRTIO_CRYPTO_S_HW_READY comes and goes (process context, never
 *	waits for the device)
 * @reg_work: registers the device with the engine (process context, holds
 *	no lock of ours while the engine tests the device)
 * @reset_work: resets a device that needs it (with CONFIG_PM_SLEEP: the
 *	virtio core's freeze and restore are the only way to negotiate the
 *	features again)
 */
struct vac_device {
	struct virtio_device *vdev;
	struct acrypto_device *adev;
	int id;

	u64 max_size;
	u32 max_key_len;
	u32 max_auth_key_len;
	u32 algo[__ACRYPTO_ALG_MAX][__ACRYPTO_MODE_MAX];
	struct acrypto_cap caps[VAC_MAX_CAPS];
	unsigned int num_caps;

	unsigned int num_dq;
	struct vac_dataq *dq;
	unsigned int max_desc;
	bool rev1;
	u8 sl;

	spinlock_t long_lock;		/* @long_free, BH-safe */
	struct scatterlist *long_sg;
	unsigned int long_num;
	unsigned int long_nfree;
	bool long_wanted;
	u16 long_free[VAC_LONG_MAX];

	spinlock_t ctrl_lock ____cacheline_aligned_in_smp; /* control queue */
	struct virtqueue *ctrl_vq;
	struct list_head ctrl_pending;
	unsigned int ctrl_inflight;
	bool dying;
	bool frozen;
	bool reset;
	struct work_struct ctrl_work;
	struct tasklet_struct ctrl_done;
	atomic_t sess_freed;
	atomic_t waiting;
	wait_queue_head_t idle_wait;

	spinlock_t keys_lock;		/* @keys, BH-safe */
	struct list_head keys;

	struct mutex state_lock;	/* registration and readiness */
	enum vac_reg reg;
	int reg_err;
	bool not_ready;
	bool removing;
	bool suspended;
	bool needs_reset;
	unsigned int resets;
	wait_queue_head_t state_wait;
	struct work_struct status_work;
	struct work_struct reg_work;
	struct work_struct reset_work;
};

/* Device session states, vac_session.state. */
enum {
	VAC_SESS_NONE,		/* no device session */
	VAC_SESS_CREATING,	/* create command queued or in flight */
	VAC_SESS_READY,		/* @id is valid */
	VAC_SESS_FAILED,	/* the device refused it, see @fail_gen */
};

/* Control commands, vac_session.cmd_op. */
enum {
	VAC_CMD_CREATE,
	VAC_CMD_DESTROY,
};

/*
 * Device sessions per key: one per cipher direction, indexed by
 * ACRYPTO_OP_ENCRYPT and ACRYPTO_OP_DECRYPT; a hash or MAC key has one,
 * the first (vac_sess_index()).
 */
#define VAC_NUM_DIRS		2

/* vac_session.fail_gen of a refusal that no destroyed session undoes. */
#define VAC_GEN_NEVER		UINT_MAX

/**
 * struct vac_ctrl - control command of a device session, as the device
 *	sees it
 * @req: header and parameters, device-readable
 * @key: the key, device-readable, directly after @req (one descriptor);
 *	written once by key_prepare, wiped when the key is freed
 * @in: what the device writes back, for a create or a destroy command
 */
struct vac_ctrl {
	struct virtio_crypto_op_ctrl_req req;
	u8 key[VAC_MAX_KEY_LEN];
	union {
		struct virtio_crypto_session_input create;
		struct virtio_crypto_inhdr destroy;
	} in;
};

struct vac_key;

/**
 * struct vac_session - a key's device session for one direction
 * @state: VAC_SESS_*, under the key's lock; read locklessly (acquire) by
 *	the data path, which needs only READY and @id
 * @id: device session id, written before @state becomes READY
 * @op: ACRYPTO_OP_ENCRYPT or ACRYPTO_OP_DECRYPT
 * @cmd_op: VAC_CMD_* being sent or in flight, under ctrl_lock
 * @fail_gen: vac_device.sess_freed when a refused create was sent, or
 *	VAC_GEN_NEVER
 * @issue_gen: vac_device.sess_freed when the create was sent
 * @used_len: bytes the device reported for the last command
 * @err: error of a command that could not be sent
 * @waiting: requests waiting for the create to finish, under the key's lock
 * @node: on vac_device.ctrl_pending, or on a local completion list
 * @vk: the key
 * @cmd: the command, device-visible; owned by the device between the
 *	moment it is added to the control queue and its completion
 */
struct vac_session {
	u8 state;
	u64 id;
	u8 op;
	u8 cmd_op;
	unsigned int fail_gen;
	unsigned int issue_gen;
	unsigned int used_len;
	int err;
	struct list_head waiting;
	struct list_head node;
	struct vac_key *vk;
	struct vac_ctrl cmd;
};

/**
 * struct vac_key - what the device keeps for one acrypto key
 * @lock: protects the session states, waiting lists and @released
 * @refs: one for the engine until key_release, one per control command
 *	queued or in flight; the last put frees the structure
 * @released: key_release ran: sessions created from now on are destroyed
 * @node: on vac_device.keys, under vac_device.keys_lock
 * @alg: enum acrypto_alg of the key
 * @mode: enum acrypto_mode of the key
 * @authsize: AEAD: the tag size, fixed for the key's device sessions; hash
 *	and MAC: the digest size (hash_result_len)
 * @keylen: bytes of the key the device takes (an RFC 4106 key without its
 *	salt)
 * @salt: RFC 4106: the salt, the first bytes of every request's IV
 * @vac: the device
 * @sess: device session per direction (ACRYPTO_OP_ENCRYPT, _DECRYPT); the
 *	key bytes are in each session's command, ready for a create
 */
struct vac_key {
	spinlock_t lock;		/* sessions of the key, BH-safe */
	refcount_t refs;
	bool released;
	struct list_head node;
	u8 alg;
	u16 mode;
	u8 authsize;
	unsigned int keylen;
	u8 salt[VAC_RFC4106_SALT_LEN];
	struct vac_device *vac;
	struct vac_session sess[VAC_NUM_DIRS];
};

/**
 * struct vac_request - one request, in the session's private area
 * @hdr: data request header, device-readable
 * @iv: the request's IV, device-readable, directly after @hdr (one
 *	descriptor); also the input counter for the output IV of CTR
 * @next_iv: CBC decryption: the last source block, the output IV
 * @digest: hash and MAC: the device writes the digest here (the caller's
 *	result buffer need not be one the device can reach), copied out on
 *	success
 * @status: VIRTIO_CRYPTO_* written by the device
 * @written: the request reached a ring and came back failed (or was taken
 *	back by a reset): the device may have written its destination, and
 *	the engine is told so (acrypto_session_set_written()) with the error
 * @err: error found before or instead of the device's answer
 * @used_len: bytes the device reported written
 * @dst_len: bytes of destination the device writes (an AEAD tag included,
 *	a digest's length)
 * @s: the session
 * @vac: the device
 * @node: on a waiting list, a data queue backlog or a completion list
 * @src: source chain handed to the device, truncated to the length (the
 *	text of an AEAD request); NULL when empty
 * @aad: AEAD: the associated data, read after the source; NULL when empty
 *	or not AEAD
 * @dst: destination chain handed to the device, truncated to the length;
 *	NULL when empty; for a hash or MAC, one entry for @digest
 * @tag: AEAD in place (@src is also @dst): the tag, which decryption
 *	reads after @src and encryption writes after @dst; NULL otherwise
 * @hdr_sg: @hdr and @iv
 * @status_sg: @status
 * @long_sg: a long table of the device's pool holding the truncated
 *	copies, when they did not fit in @sg; NULL otherwise.  Given back
 *	whenever the request returns to the engine (vac_request_release())
 * @sg: room for truncated copies of the caller's chains, VAC_REQ_SGS
 *	entries: the rest of the VAC_REQSIZE bytes
 */
struct vac_request {
	struct virtio_crypto_op_data_req hdr;
	union {
		struct {
			u8 iv[AES_BLOCK_SIZE];
			u8 next_iv[AES_BLOCK_SIZE];
		};
		u8 digest[SHA256_DIGEST_SIZE];
	};
	u8 status;
	bool written;
	int err;
	unsigned int used_len;
	unsigned int dst_len;
	struct acrypto_session *s;
	struct vac_device *vac;
	struct list_head node;
	struct scatterlist *src;
	struct scatterlist *aad;
	struct scatterlist *dst;
	struct scatterlist *tag;
	struct scatterlist hdr_sg;
	struct scatterlist status_sg;
	struct scatterlist *long_sg;
	struct scatterlist sg[];
};

/* Scatterlist entries in vac_request.sg. */
#define VAC_REQ_SGS	((VAC_REQSIZE - sizeof(struct vac_request)) / \
			 sizeof(struct scatterlist))

static inline struct vac_device *vac_from_adev(struct acrypto_device *adev)
{
	return acrypto_device_priv(adev);
}

/* Modes of the AEAD service; the others are the cipher service's. */
static inline bool vac_mode_aead(unsigned int mode)
{
	return mode == ACRYPTO_MODE_GCM || mode == ACRYPTO_MODE_RFC4106;
}

/* Modes of the hash and MAC services. */
static inline bool vac_mode_hash(unsigned int mode)
{
	return mode == ACRYPTO_MODE_HASH || mode == ACRYPTO_MODE_HMAC;
}

/* The service (VIRTIO_CRYPTO_SERVICE_*) of @mode. */
static inline unsigned int vac_service(unsigned int mode)
{
	switch (mode) {
	case ACRYPTO_MODE_GCM:
	case ACRYPTO_MODE_RFC4106:
		return VIRTIO_CRYPTO_SERVICE_AEAD;
	case ACRYPTO_MODE_HASH:
		return VIRTIO_CRYPTO_SERVICE_HASH;
	case ACRYPTO_MODE_HMAC:
		return VIRTIO_CRYPTO_SERVICE_MAC;
	default:
		return VIRTIO_CRYPTO_SERVICE_CIPHER;
	}
}

/* Requests of @mode carry their key (a stateless mode was negotiated). */
static inline bool vac_stateless(const struct vac_device *vac,
				 unsigned int mode)
{
	return vac->sl & BIT(vac_service(mode));
}

/* The device session of @vk for @op: per direction, or a hash's one. */
static inline unsigned int vac_sess_index(const struct vac_key *vk,
					  unsigned int op)
{
	return vac_mode_hash(vk->mode) ? 0 : op;
}

/* The device's algorithm number for @alg in @mode, 0 if not advertised. */
static inline u32 vac_algo(const struct vac_device *vac, unsigned int alg,
			   unsigned int mode)
{
	if (alg >= __ACRYPTO_ALG_MAX || mode >= __ACRYPTO_MODE_MAX)
		return 0;
	return vac->algo[alg][mode];
}

/*
 * Removal or freeze is waiting for the device to finish what it holds:
 * whoever completes something wakes vac_device.idle_wait.  Holding
 * ctrl_lock or a data queue lock makes the answer exact.
 */
static inline bool vac_quiescing(struct vac_device *vac)
{
	return READ_ONCE(vac->dying) || READ_ONCE(vac->frozen);
}

/* main.c APIs: */
extern struct workqueue_struct *vac_wq;
extern unsigned int vac_drain_ms;
extern unsigned int vac_probe_wait_ms;

/* core.c APIs: */
extern struct virtio_driver vac_driver;

/* algs.c APIs: */
int vac_algs_init(struct vac_device *vac, const struct vac_algos *a);
void vac_algs_set_qlen(struct vac_device *vac, unsigned int qlen);
unsigned int vac_digest_size(unsigned int alg);

/* session.c APIs: */
int vac_key_prepare(struct acrypto_device *adev, struct acrypto_key *key);
void vac_key_release(struct acrypto_device *adev, struct acrypto_key *key);
void vac_refuse(struct vac_device *vac, const struct vac_key *vk);
int vac_session_wait(struct vac_device *vac, struct vac_session *sess,
		     struct vac_request *req);
void vac_session_invalid(struct vac_device *vac, struct vac_request *req);
bool vac_session_cancel(struct vac_device *vac, struct acrypto_session *s);
unsigned int vac_sessions_destroy(struct vac_device *vac);
unsigned int vac_sessions_forget(struct vac_device *vac);
void vac_ctrl_init(struct vac_device *vac);
void vac_ctrl_done_cb(struct virtqueue *vq);
void vac_ctrl_set_flag(struct vac_device *vac, bool *flag, bool value);
void vac_ctrl_stop(struct vac_device *vac);
unsigned int vac_ctrl_reclaim(struct vac_device *vac);
bool vac_ctrl_idle(struct vac_device *vac);

/* dataq.c APIs: */
int vac_process(struct acrypto_device *adev, struct acrypto_session *s);
int vac_dataq_queue(struct vac_device *vac, struct vac_request *req, u64 id,
		    bool direct);
void vac_request_fail(struct vac_request *req, int err);
void vac_request_release(struct vac_request *req);
int vac_long_alloc(struct vac_device *vac, unsigned int ring_desc);
void vac_long_free(struct vac_device *vac);
void vac_dataq_init(struct vac_dataq *dq, struct vac_device *vac);
void vac_dataq_done_cb(struct virtqueue *vq);
void vac_dataq_stop(struct vac_device *vac);
unsigned int vac_dataq_reclaim(struct vac_device *vac);
bool vac_dataq_cancel(struct vac_device *vac, struct vac_request *want);
unsigned int vac_dataq_inflight(struct vac_device *vac);
bool vac_dataq_idle(struct vac_device *vac);

/* fault.c APIs, with CONFIG_FAULT_INJECTION_DEBUG_FS: */
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
void vac_fault_writeback(struct vac_request *req);
bool vac_fault_hold(void);
void vac_fault_init(void);
void vac_fault_exit(void);
#else
static inline void vac_fault_writeback(struct vac_request *req) { }
static inline bool vac_fault_hold(void) { return false; }
static inline void vac_fault_init(void) { }
static inline void vac_fault_exit(void) { }
#endif

#endif /* _VIRTIO_ACRYPTO_H */

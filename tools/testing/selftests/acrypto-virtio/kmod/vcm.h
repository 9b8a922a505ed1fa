/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio_crypto_model: a virtio-crypto device implemented in the guest
 * kernel, for testing virtio-crypto drivers without a device that offers
 * what they use.
 *
 * The model is a virtio transport of its own (struct virtio_config_ops)
 * and the device behind it: it creates split rings with
 * vring_create_virtqueue(), reads the available rings, walks the descriptor
 * chains (direct and indirect) and fills the used rings as a device on the
 * other side of a bus would, and computes with the kernel's own synchronous
 * implementations: the cipher service (AES ECB, CBC, CTR, XTS) and, if
 * asked, the AEAD service (AES-GCM), the hash service (SHA-1, SHA-256) and
 * the MAC service (HMAC-SHA1, HMAC-SHA256).  Everything the driver does
 * that the virtio specification does not allow is counted as a violation,
 * with the first one's text kept for the test to print.
 */
#ifndef _VCM_H
#define _VCM_H

#include <linux/debugfs.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/virtio.h>
#include <linux/virtio_crypto.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

/*
 * What Linux 6.1's uapi header lacks: the crypto feature bits, the data
 * request flag, the stateless cipher, hash, MAC and AEAD layouts and the
 * AEAD data request's tag_len (virtio 1.2, 5.9).  Written from the specification
 * and not shared with virtio_acrypto.h on purpose: the model is the check
 * of the driver's transcription.
 */
#define VCM_F_REVISION_1		0
#define VCM_F_CIPHER_STATELESS_MODE	1
#define VCM_F_HASH_STATELESS_MODE	2
#define VCM_F_MAC_STATELESS_MODE	3
#define VCM_F_AEAD_STATELESS_MODE	4
#define VCM_FLAG_SESSION_MODE		1

/* op_flf of a cipher request when CIPHER_STATELESS_MODE is negotiated. */
struct vcm_cipher_flf_stateless {
	__le32 algo;
	__le32 key_len;
	__le32 op;
	__le32 iv_len;
	__le32 src_data_len;
	__le32 dst_data_len;
};

struct vcm_sym_flf_stateless {
	union {
		struct vcm_cipher_flf_stateless cipher;
		u8 padding[72];
	} u;
	__le32 op_type;
};

/*
 * op_flf of a hash request when HASH_STATELESS_MODE is negotiated.  In
 * session mode a hash or MAC request's is Linux's virtio_crypto_hash_para
 * (8 bytes with REVISION_1, padded to 48 without).
 */
struct vcm_hash_flf_stateless {
	__le32 algo;
	__le32 src_data_len;
	__le32 hash_result_len;
	__le32 reserved;
};

/* op_flf of a MAC request when MAC_STATELESS_MODE is negotiated. */
struct vcm_mac_flf_stateless {
	__le32 algo;
	__le32 auth_key_len;
	__le32 src_data_len;
	__le32 hash_result_len;
};

/*
 * op_flf of an AEAD request in session mode (virtio_crypto_aead_data_flf),
 * padded to 48 bytes without REVISION_1: Linux's virtio_crypto_aead_para
 * ends before tag_len, which is in the first bytes of its padding.
 */
struct vcm_aead_flf {
	__le32 iv_len;
	__le32 aad_len;
	__le32 src_data_len;
	__le32 dst_data_len;
	__le32 tag_len;
	__le32 reserved;
};

/* op_flf of an AEAD request when AEAD_STATELESS_MODE is negotiated. */
struct vcm_aead_flf_stateless {
	__le32 algo;
	__le32 key_len;
	__le32 op;
	__le32 iv_len;
	__le32 tag_len;
	__le32 aad_len;
	__le32 src_data_len;
	__le32 dst_data_len;
};

/*
 * Header and op_flf of a data request, whichever the layout.  The
 * stateless one is 100 bytes (VCM_SL_PREFIX): sizeof() of the struct adds
 * the header's 8-byte alignment.  An AEAD request's are 48 bytes in
 * session mode with REVISION_1 (VCM_AEAD_PREFIX; 72 without, as any
 * legacy request) and 56 with AEAD_STATELESS_MODE (VCM_AEAD_SL_PREFIX).
 * A hash or MAC request's are 32 bytes in session mode with REVISION_1
 * (VCM_HASH_PREFIX) and 40 with its stateless mode (VCM_HASH_SL_PREFIX,
 * VCM_MAC_SL_PREFIX).
 */
#define VCM_SL_PREFIX	(sizeof(struct virtio_crypto_op_header) + \
			 sizeof(struct vcm_sym_flf_stateless))
#define VCM_AEAD_PREFIX	(sizeof(struct virtio_crypto_op_header) + \
			 sizeof(struct vcm_aead_flf))
#define VCM_AEAD_SL_PREFIX	(sizeof(struct virtio_crypto_op_header) + \
				 sizeof(struct vcm_aead_flf_stateless))
#define VCM_HASH_PREFIX	(sizeof(struct virtio_crypto_op_header) + \
			 sizeof(struct virtio_crypto_hash_para))
#define VCM_HASH_SL_PREFIX	(sizeof(struct virtio_crypto_op_header) + \
				 sizeof(struct vcm_hash_flf_stateless))
#define VCM_MAC_SL_PREFIX	(sizeof(struct virtio_crypto_op_header) + \
				 sizeof(struct vcm_mac_flf_stateless))
/*
 * A hash create request's op_flf with REVISION_1: algo and hash_result_len,
 * without the 8 bytes of padding of Linux's virtio_crypto_hash_session_para.
 */
#define VCM_HASH_CREATE_FLF	offsetof(struct virtio_crypto_hash_session_para, \
					 padding)
union vcm_data_prefix {
	struct virtio_crypto_op_data_req legacy;
	struct {
		struct virtio_crypto_op_header header;
		struct vcm_sym_flf_stateless sym;
	} sl;
	struct {
		struct virtio_crypto_op_header header;
		struct vcm_aead_flf flf;
	} aead;
	struct {
		struct virtio_crypto_op_header header;
		struct vcm_aead_flf_stateless flf;
	} aead_sl;
	struct {
		struct virtio_crypto_op_header header;
		struct vcm_hash_flf_stateless flf;
	} hash_sl;
	struct {
		struct virtio_crypto_op_header header;
		struct vcm_mac_flf_stateless flf;
	} mac_sl;
};

#define VCM_MAX_DATAQ		16
/* Segments one chain may have: direct, or in one indirect table. */
#define VCM_MAX_SEGS		512
#define VCM_MSG_LEN		160
/* The longest key a session holds: max_auth_key_len is at most this. */
#define VCM_MAX_KEY_LEN		128

/* Faults the debugfs file "fault" arms, for the next data requests. */
enum vcm_fault {
	VCM_FAULT_NONE,
	VCM_FAULT_ERROR,	/* status VIRTIO_CRYPTO_ERR, nothing written */
	VCM_FAULT_BADSTATUS,	/* a status value the spec does not define */
	VCM_FAULT_SHORT,	/* used length one byte short */
	VCM_FAULT_LONG,		/* used length beyond the writable buffers */
	VCM_FAULT_DIRTY,	/* destination overwritten, then ERR */
	VCM_FAULT_STALL,	/* data queues stop until the fault is cleared */
	VCM_FAULT_NEEDS_RESET,	/* nothing served until a reset clears it */
	VCM_NR_FAULTS,
};

/* One buffer of a chain, mapped. */
struct vcm_seg {
	u8 *va;
	u32 len;
};

/* A descriptor chain: the device-readable buffers, then the writable. */
struct vcm_chain {
	u16 head;
	unsigned int nout;
	unsigned int nin;
	u32 out_len;
	u32 in_len;
	struct vcm_seg seg[VCM_MAX_SEGS];
};

struct vcm_dev;

/* The device side of one virtqueue. */
struct vcm_queue {
	struct vcm_dev *vcm;
	struct virtqueue *vq;
	unsigned int index;
	unsigned int num;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	u16 last_avail;
	u16 used_idx;
	bool broken;		/* a ring error: nothing more is served */
	struct work_struct work;
	struct vcm_chain *chain;
	struct scatterlist *src_sg;
	struct scatterlist *dst_sg;
	/*
	 * One transform per cipher, keyed for each request in both modes (a
	 * session holds its key): a request costs the device the same in
	 * session and stateless mode, only the control queue differs.
	 */
	struct crypto_sync_skcipher *tfm[4];
	/* The same for AES-GCM, and its request, allocated with it. */
	struct crypto_aead *gcm;
	struct aead_request *gcm_req;
	/* One per hash and MAC algorithm (vcm_hashes[]), keyed for a MAC. */
	struct crypto_shash *shash[4];
	/* Counters, read through debugfs. */
	u64 requests;
	u64 bytes;
	u64 errors;
	u64 stateless;
	u64 aead;		/* AEAD requests computed: OK or BADMSG */
	u64 hash;		/* hash requests computed OK */
	u64 mac;		/* MAC requests computed OK */
};

/* A session created on the control queue, of any service. */
struct vcm_session {
	u32 service;		/* VIRTIO_CRYPTO_SERVICE_* */
	u32 algo;		/* VIRTIO_CRYPTO_CIPHER_*, _HASH_*, _MAC_*, _AEAD_* */
	u32 op;			/* VIRTIO_CRYPTO_OP_ENCRYPT or _DECRYPT */
	u32 keylen;		/* cipher, AEAD, MAC (auth_key_len) */
	u32 tag_len;		/* AEAD: the longest tag its requests may ask */
	u32 aad_len;		/* AEAD: recorded; each request gives its own */
	u32 hash_result_len;	/* hash, MAC: each request's result */
	u8 key[VCM_MAX_KEY_LEN];	/* wiped when the session ends */
};

/* What a module parameter selects for one instance. */
struct vcm_params {
	unsigned int dataqueues;
	unsigned int ring_size;
	u32 cipher_algo_l;
	u32 max_cipher_key_len;
	u32 max_auth_key_len;
	u64 max_size;
	unsigned int max_sessions;
	bool indirect;
	bool revision1;
	bool stateless;
	unsigned int stateless_services;	/* BIT(VIRTIO_CRYPTO_SERVICE_*) */
	bool aead;		/* the AEAD service, AES-GCM */
	bool hash;		/* the hash service, SHA-1 and SHA-256 */
	bool mac;		/* the MAC service, HMAC-SHA1 and HMAC-SHA256 */
	bool strict;
};

struct vcm_dev {
	struct virtio_device vdev;
	unsigned int id;
	struct vcm_params p;
	u64 features;			/* offered */
	u8 status;			/* device status, set by the driver */
	u32 generation;
	struct virtio_crypto_config config;
	spinlock_t config_lock;		/* config, generation */

	unsigned int nvqs;		/* data queues + control queue */
	struct vcm_queue *q;
	struct workqueue_struct *wq;
	spinlock_t kick_lock;		/* vcm_queue.vq against kicks */

	struct rw_semaphore sess_lock;	/* sessions against destroy */
	struct xarray sessions;
	unsigned int nr_sessions;

	/* Latency: delay_us per request plus kib_ns per KiB of data. */
	u32 delay_us;
	u32 kib_ns;

	spinlock_t fault_lock;		/* fault, fault_left */
	enum vcm_fault fault;
	unsigned int fault_left;	/* 0: until cleared */
	u64 faults_done;
	u64 resets;			/* resets that cleared NEEDS_RESET */

	atomic_t violations;
	char first_violation[VCM_MSG_LEN];
	spinlock_t msg_lock;		/* first_violation */

	struct dentry *debugfs;
	bool registered;
};

static inline struct vcm_dev *to_vcm(struct virtio_device *vdev)
{
	return container_of(vdev, struct vcm_dev, vdev);
}

/* vcm_main.c */
__printf(2, 3) void vcm_violation(struct vcm_dev *vcm, const char *fmt, ...);
bool vcm_ready(struct vcm_dev *vcm);

/* vcm_transport.c */
extern const struct virtio_config_ops vcm_config_ops;
void vcm_queue_init(struct vcm_dev *vcm, unsigned int index);
void vcm_queue_kick(struct vcm_queue *q);
u32 vcm_chain_copy_out(struct vcm_chain *c, u32 off, void *buf, u32 len);
u32 vcm_chain_copy_in(struct vcm_chain *c, u32 off, const void *buf, u32 len);
u32 vcm_chain_zero_in(struct vcm_chain *c, u32 off, u32 len);
int vcm_chain_sg(struct vcm_chain *c, bool in, u32 off, u32 len,
		 struct scatterlist *sg);

/* vcm_crypto.c */
bool vcm_rev1(struct vcm_dev *vcm);
bool vcm_stateless(struct vcm_dev *vcm);
bool vcm_aead_stateless(struct vcm_dev *vcm);
bool vcm_hash_stateless(struct vcm_dev *vcm);
bool vcm_mac_stateless(struct vcm_dev *vcm);
u32 vcm_handle_data(struct vcm_queue *q, struct vcm_chain *c);
void vcm_queue_crypto_free(struct vcm_queue *q);
u32 vcm_handle_ctrl(struct vcm_queue *q, struct vcm_chain *c);
void vcm_sessions_destroy(struct vcm_dev *vcm);
bool vcm_cipher_known(u32 algo);

#endif /* _VCM_H */

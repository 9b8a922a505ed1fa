// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_crypto_model: the crypto device - control queue sessions and data
 * queue requests of the cipher service, the AEAD service (AES-GCM), the
 * hash service (SHA-1, SHA-256) and the MAC service (HMAC-SHA1,
 * HMAC-SHA256).
 *
 * Every request is checked against the virtio-crypto specification before
 * it is served: the lengths in its header against the buffers of its
 * chain, its algorithm and session against what was created, its size
 * against max_size.  A request the specification does not allow the
 * driver to send is a violation (counted, and answered with an error
 * status); a request the device merely cannot serve (no free session, a
 * key the algorithm rejects, a GCM IV given as J0) is answered as a device
 * would, without one.  An AEAD decryption whose tag does not match is
 * answered BADMSG, with dst_data zeroed.
 *
 * Results come from the kernel's own synchronous implementations
 * (crypto_alloc_sync_skcipher(), crypto_alloc_aead() with CRYPTO_ALG_ASYNC
 * in the mask, and crypto_alloc_shash(), which never return an
 * asynchronous engine such as the one under test).
 */

#include <crypto/aead.h>
#include <crypto/aes.h>
#include <crypto/gcm.h>
#include <crypto/hash.h>
#include <crypto/sha1.h>
#include <crypto/sha2.h>
#include <crypto/skcipher.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/virtio_config.h>

#include "vcm.h"

static const struct {
	u32 algo;
	const char *name;
	bool blocks;		/* length a multiple of the block size */
} vcm_ciphers[] = {
	{ VIRTIO_CRYPTO_CIPHER_AES_ECB, "ecb(aes)", true },
	{ VIRTIO_CRYPTO_CIPHER_AES_CBC, "cbc(aes)", true },
	{ VIRTIO_CRYPTO_CIPHER_AES_CTR, "ctr(aes)", false },
	{ VIRTIO_CRYPTO_CIPHER_AES_XTS, "xts(aes)", false },
};

static int vcm_cipher_index(u32 algo)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vcm_ciphers); i++)
		if (vcm_ciphers[i].algo == algo)
			return i;
	return -1;
}

/**
 * vcm_cipher_known() - whether the model implements a cipher algorithm
 * @algo: VIRTIO_CRYPTO_CIPHER_*
 *
 * Return: true if it can be offered.
 */
bool vcm_cipher_known(u32 algo)
{
	return vcm_cipher_index(algo) >= 0;
}

static bool vcm_cipher_offered(struct vcm_dev *vcm, u32 algo)
{
	return algo < 32 && (vcm->p.cipher_algo_l & BIT(algo));
}

/* The hash and MAC algorithms, with q->shash[] in this order. */
static const struct {
	u32 service;		/* VIRTIO_CRYPTO_SERVICE_HASH or _MAC */
	u32 algo;
	const char *name;
	u32 digest;		/* the longest hash_result_len */
} vcm_hashes[] = {
	{ VIRTIO_CRYPTO_SERVICE_HASH, VIRTIO_CRYPTO_HASH_SHA1, "sha1",
	  SHA1_DIGEST_SIZE },
	{ VIRTIO_CRYPTO_SERVICE_HASH, VIRTIO_CRYPTO_HASH_SHA_256, "sha256",
	  SHA256_DIGEST_SIZE },
	{ VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA1, "hmac(sha1)",
	  SHA1_DIGEST_SIZE },
	{ VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256,
	  "hmac(sha256)", SHA256_DIGEST_SIZE },
};

/*
 * The index of algorithm @algo of @service (HASH or MAC) in vcm_hashes[],
 * if the instance offers the service (it offers each one's algorithms),
 * else -1.
 */
static int vcm_hash_index(struct vcm_dev *vcm, u32 service, u32 algo)
{
	unsigned int i;

	if (service == VIRTIO_CRYPTO_SERVICE_HASH ? !vcm->p.hash :
						    !vcm->p.mac)
		return -1;
	for (i = 0; i < ARRAY_SIZE(vcm_hashes); i++)
		if (vcm_hashes[i].service == service &&
		    vcm_hashes[i].algo == algo)
			return i;
	return -1;
}

/* The model's one AEAD algorithm, if the instance offers the service. */
static bool vcm_aead_offered(struct vcm_dev *vcm, u32 algo)
{
	return vcm->p.aead && algo == VIRTIO_CRYPTO_AEAD_GCM;
}

/* An AES key within max_cipher_key_len, which limits AEAD keys too. */
static bool vcm_aead_keylen_ok(struct vcm_dev *vcm, u32 keylen)
{
	return (keylen == AES_KEYSIZE_128 || keylen == AES_KEYSIZE_192 ||
		keylen == AES_KEYSIZE_256) &&
	       keylen <= vcm->p.max_cipher_key_len;
}

static void vcm_session_free(struct vcm_session *s)
{
	kfree_sensitive(s);
}

/*
 * Queue @q's transform of cipher @i, keyed with @key; NULL with a status in
 * *@status if the kernel has no such cipher or refuses the key.
 */
static struct crypto_sync_skcipher *vcm_keyed(struct vcm_queue *q, int i,
					      const u8 *key, u32 keylen,
					      u8 *status)
{
	struct crypto_sync_skcipher *tfm = q->tfm[i];

	if (!tfm) {
		tfm = crypto_alloc_sync_skcipher(vcm_ciphers[i].name, 0, 0);
		if (IS_ERR(tfm)) {
			dev_warn(&q->vcm->vdev.dev, "no %s in this kernel: %ld\n",
				 vcm_ciphers[i].name, PTR_ERR(tfm));
			*status = VIRTIO_CRYPTO_ERR;
			return NULL;
		}
		q->tfm[i] = tfm;
	}
	if (crypto_sync_skcipher_setkey(tfm, key, keylen)) {
		/* A key the algorithm refuses: the device says so. */
		*status = VIRTIO_CRYPTO_ERR;
		return NULL;
	}
	return tfm;
}

/*
 * Queue @q's AES-GCM transform, keyed with @key for tags of @tag_len bytes;
 * NULL with a status in *@status if the kernel has no gcm(aes) or refuses
 * the key.  The transform's request is allocated with it, once: none is
 * allocated per data request.
 */
static struct crypto_aead *vcm_gcm_keyed(struct vcm_queue *q, const u8 *key,
					 u32 keylen, u32 tag_len, u8 *status)
{
	struct crypto_aead *tfm = q->gcm;

	if (!tfm) {
		tfm = crypto_alloc_aead("gcm(aes)", 0, CRYPTO_ALG_ASYNC);
		if (IS_ERR(tfm)) {
			dev_warn(&q->vcm->vdev.dev, "no gcm(aes) in this kernel: %ld\n",
				 PTR_ERR(tfm));
			*status = VIRTIO_CRYPTO_ERR;
			return NULL;
		}
		q->gcm_req = aead_request_alloc(tfm, GFP_KERNEL);
		if (!q->gcm_req) {
			crypto_free_aead(tfm);
			*status = VIRTIO_CRYPTO_ERR;
			return NULL;
		}
		q->gcm = tfm;
	}
	if (crypto_aead_setkey(tfm, key, keylen) ||
	    crypto_aead_setauthsize(tfm, tag_len)) {
		*status = VIRTIO_CRYPTO_ERR;
		return NULL;
	}
	return tfm;
}

/*
 * Queue @q's transform of hash or MAC algorithm @i, keyed with @key for a
 * MAC; NULL with a status in *@status if the kernel has no such algorithm
 * or refuses the key.
 */
static struct crypto_shash *vcm_shash_keyed(struct vcm_queue *q, int i,
					    const u8 *key, u32 keylen,
					    u8 *status)
{
	struct crypto_shash *tfm = q->shash[i];

	BUILD_BUG_ON(ARRAY_SIZE(vcm_hashes) != ARRAY_SIZE(q->shash));
	if (!tfm) {
		tfm = crypto_alloc_shash(vcm_hashes[i].name, 0, 0);
		if (IS_ERR(tfm)) {
			dev_warn(&q->vcm->vdev.dev, "no %s in this kernel: %ld\n",
				 vcm_hashes[i].name, PTR_ERR(tfm));
			*status = VIRTIO_CRYPTO_ERR;
			return NULL;
		}
		q->shash[i] = tfm;
	}
	if (vcm_hashes[i].service == VIRTIO_CRYPTO_SERVICE_MAC &&
	    crypto_shash_setkey(tfm, key, keylen)) {
		*status = VIRTIO_CRYPTO_ERR;
		return NULL;
	}
	return tfm;
}

/**
 * vcm_sessions_destroy() - forget every session (device reset)
 * @vcm: the device
 */
void vcm_sessions_destroy(struct vcm_dev *vcm)
{
	struct vcm_session *s;
	unsigned long id;

	down_write(&vcm->sess_lock);
	xa_for_each(&vcm->sessions, id, s) {
		xa_erase(&vcm->sessions, id);
		vcm_session_free(s);
	}
	vcm->nr_sessions = 0;
	up_write(&vcm->sess_lock);
}

/* The status of a create request is in its session_input. */
static u32 vcm_create_done(struct vcm_chain *c, u64 id, u8 status)
{
	struct virtio_crypto_session_input in = {
		.session_id = cpu_to_le64(id),
		.status = cpu_to_le32(status),
	};

	return vcm_chain_copy_in(c, 0, &in, sizeof(in));
}

/* Enter session @s, which is freed if there is no room, and answer. */
static u32 vcm_session_add(struct vcm_dev *vcm, struct vcm_chain *c,
			   struct vcm_session *s)
{
	u32 id;
	int err;

	/* Sessions of every service share the table and max_sessions. */
	down_write(&vcm->sess_lock);
	if (vcm->nr_sessions >= vcm->p.max_sessions)
		err = -ENOSPC;
	else
		err = xa_alloc(&vcm->sessions, &id, s, xa_limit_32b,
			       GFP_KERNEL);
	if (!err)
		vcm->nr_sessions++;
	up_write(&vcm->sess_lock);
	if (err) {
		/* NOSPC exists only in revision 1. */
		vcm_session_free(s);
		return vcm_create_done(c, 0, vcm_rev1(vcm) ?
					     VIRTIO_CRYPTO_NOSPC :
					     VIRTIO_CRYPTO_ERR);
	}
	return vcm_create_done(c, id, VIRTIO_CRYPTO_OK);
}

static u32 vcm_create_cipher(struct vcm_queue *q, struct vcm_chain *c,
			     const struct virtio_crypto_op_ctrl_req *req)
{
	const struct virtio_crypto_sym_create_session_req *sym =
		&req->u.sym_create_session;
	const struct virtio_crypto_cipher_session_para *para =
		&sym->u.cipher.para;
	/* The parameters' algo; the header's is informative (QEMU too). */
	u32 algo = le32_to_cpu(para->algo);
	u32 keylen = le32_to_cpu(para->keylen);
	u32 op = le32_to_cpu(para->op);
	struct vcm_dev *vcm = q->vcm;
	struct vcm_session *s;
	u8 status;
	int i;

	if (c->in_len != sizeof(struct virtio_crypto_session_input)) {
		vcm_violation(vcm, "create session: %u writable bytes, not a session_input",
			      c->in_len);
		return 0;
	}
	if (le32_to_cpu(sym->op_type) != VIRTIO_CRYPTO_SYM_OP_CIPHER) {
		/* Algorithm chaining needs a hash or MAC service. */
		vcm_violation(vcm, "create session: op_type %u, only plain cipher is offered",
			      le32_to_cpu(sym->op_type));
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_NOTSUPP);
	}
	i = vcm_cipher_index(algo);
	if (i < 0 || !vcm_cipher_offered(vcm, algo)) {
		vcm_violation(vcm, "create session: cipher %u not advertised",
			      algo);
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_NOTSUPP);
	}
	if (keylen > vcm->p.max_cipher_key_len || keylen > sizeof(s->key)) {
		vcm_violation(vcm, "create session: key of %u bytes, max_cipher_key_len is %u",
			      keylen, vcm->p.max_cipher_key_len);
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_ERR);
	}
	if (c->out_len != sizeof(*req) + keylen) {
		vcm_violation(vcm, "create session: %u readable bytes for a key of %u",
			      c->out_len, keylen);
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_BADMSG);
	}
	if (op != VIRTIO_CRYPTO_OP_ENCRYPT && op != VIRTIO_CRYPTO_OP_DECRYPT) {
		vcm_violation(vcm, "create session: op %u", op);
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_BADMSG);
	}

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_ERR);
	s->service = VIRTIO_CRYPTO_SERVICE_CIPHER;
	s->algo = algo;
	s->op = op;
	s->keylen = keylen;
	vcm_chain_copy_out(c, sizeof(*req), s->key, keylen);
	/* The key is checked now, with the control queue's transform. */
	if (!vcm_keyed(q, i, s->key, keylen, &status)) {
		vcm_session_free(s);
		return vcm_create_done(c, 0, status);
	}
	return vcm_session_add(vcm, c, s);
}

static u32 vcm_create_aead(struct vcm_queue *q, struct vcm_chain *c,
			   const struct virtio_crypto_op_ctrl_req *req)
{
	const struct virtio_crypto_aead_session_para *para =
		&req->u.aead_create_session.para;
	u32 algo = le32_to_cpu(para->algo);
	u32 keylen = le32_to_cpu(para->key_len);
	/* The spec's tag_len; Linux's header calls it hash_result_len. */
	u32 tag_len = le32_to_cpu(para->hash_result_len);
	u32 op = le32_to_cpu(para->op);
	struct vcm_dev *vcm = q->vcm;
	/* Revision 1: the header and the 24 bytes of aead_create_session_flf. */
	u32 prefix = vcm_rev1(vcm) ? sizeof(req->header) + sizeof(*para) :
				     sizeof(*req);
	struct vcm_session *s;
	u8 status;

	if (c->in_len != sizeof(struct virtio_crypto_session_input)) {
		vcm_violation(vcm, "create AEAD session: %u writable bytes, not a session_input",
			      c->in_len);
		return 0;
	}
	if (!vcm_aead_offered(vcm, algo)) {
		vcm_violation(vcm, "create AEAD session: algorithm %u not advertised",
			      algo);
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_NOTSUPP);
	}
	if (le32_to_cpu(req->header.algo) != algo) {
		vcm_violation(vcm, "create AEAD session: header algo %u, parameters %u",
			      le32_to_cpu(req->header.algo), algo);
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_ERR);
	}
	if (!vcm_aead_keylen_ok(vcm, keylen)) {
		vcm_violation(vcm, "create AEAD session: key of %u bytes, max_cipher_key_len %u",
			      keylen, vcm->p.max_cipher_key_len);
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_ERR);
	}
	if (c->out_len != prefix + keylen) {
		vcm_violation(vcm, "create AEAD session: %u readable bytes for a key of %u",
			      c->out_len, keylen);
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_ERR);
	}
	if (op != VIRTIO_CRYPTO_OP_ENCRYPT && op != VIRTIO_CRYPTO_OP_DECRYPT) {
		vcm_violation(vcm, "create AEAD session: op %u", op);
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_ERR);
	}
	if (crypto_gcm_check_authsize(tag_len)) {
		vcm_violation(vcm, "create AEAD session: tag of %u bytes for AES-GCM",
			      tag_len);
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_ERR);
	}

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_ERR);
	s->service = VIRTIO_CRYPTO_SERVICE_AEAD;
	s->algo = algo;
	s->op = op;
	s->keylen = keylen;
	s->tag_len = tag_len;
	/* Each data request gives its aad_len: this one is not enforced. */
	s->aad_len = le32_to_cpu(para->aad_len);
	vcm_chain_copy_out(c, prefix, s->key, keylen);
	if (!vcm_gcm_keyed(q, s->key, keylen, tag_len, &status)) {
		vcm_session_free(s);
		return vcm_create_done(c, 0, status);
	}
	return vcm_session_add(vcm, c, s);
}

/*
 * Create a hash or MAC session (@service): the two create requests share
 * their first fields (algo, hash_result_len); a MAC's adds the key length
 * and is 16 bytes with revision 1 (a hash's 8), its key following.
 */
static u32 vcm_create_hash(struct vcm_queue *q, struct vcm_chain *c,
			   const struct virtio_crypto_op_ctrl_req *req,
			   u32 service)
{
	const struct virtio_crypto_mac_session_para *para =
		&req->u.mac_create_session.para;
	bool mac = service == VIRTIO_CRYPTO_SERVICE_MAC;
	const char *what = mac ? "MAC" : "hash";
	u32 algo = le32_to_cpu(para->algo);
	u32 result_len = le32_to_cpu(para->hash_result_len);
	u32 keylen = mac ? le32_to_cpu(para->auth_key_len) : 0;
	struct vcm_dev *vcm = q->vcm;
	/* Revision 1: the header and hash_ or mac_create_session_flf. */
	u32 prefix = !vcm_rev1(vcm) ? sizeof(*req) :
		     sizeof(req->header) + (mac ? sizeof(*para) :
						  VCM_HASH_CREATE_FLF);
	struct vcm_session *s;
	u8 status;
	int i;

	BUILD_BUG_ON(offsetof(struct virtio_crypto_op_ctrl_req,
			      u.hash_create_session.para.hash_result_len) !=
		     offsetof(struct virtio_crypto_op_ctrl_req,
			      u.mac_create_session.para.hash_result_len));
	if (c->in_len != sizeof(struct virtio_crypto_session_input)) {
		vcm_violation(vcm, "create %s session: %u writable bytes, not a session_input",
			      what, c->in_len);
		return 0;
	}
	i = vcm_hash_index(vcm, service, algo);
	if (i < 0) {
		vcm_violation(vcm, "create %s session: algorithm %u not advertised",
			      what, algo);
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_NOTSUPP);
	}
	if (le32_to_cpu(req->header.algo) != algo) {
		vcm_violation(vcm, "create %s session: header algo %u, parameters %u",
			      what, le32_to_cpu(req->header.algo), algo);
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_ERR);
	}
	if (!result_len || result_len > vcm_hashes[i].digest) {
		vcm_violation(vcm, "create %s session: result of %u bytes for %s",
			      what, result_len, vcm_hashes[i].name);
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_ERR);
	}
	/* The driver guarantees auth_key_len <= max_auth_key_len. */
	if (mac && (!keylen || keylen > vcm->p.max_auth_key_len ||
		    keylen > sizeof(s->key))) {
		vcm_violation(vcm, "create MAC session: key of %u bytes, max_auth_key_len %u",
			      keylen, vcm->p.max_auth_key_len);
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_ERR);
	}
	/* A hash has no op_vlf, a MAC its key. */
	if (c->out_len != prefix + keylen) {
		vcm_violation(vcm, "create %s session: %u readable bytes, not %u",
			      what, c->out_len, prefix + keylen);
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_ERR);
	}

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_ERR);
	s->service = service;
	s->algo = algo;
	s->keylen = keylen;
	s->hash_result_len = result_len;
	vcm_chain_copy_out(c, prefix, s->key, keylen);
	/* The kernel has the algorithm (and takes the key). */
	if (!vcm_shash_keyed(q, i, mac ? s->key : NULL, keylen, &status)) {
		vcm_session_free(s);
		return vcm_create_done(c, 0, status);
	}
	return vcm_session_add(vcm, c, s);
}

/* Destroy a session of @service, which the opcode names. */
static u32 vcm_destroy(struct vcm_queue *q, struct vcm_chain *c,
		       const struct virtio_crypto_op_ctrl_req *req, u32 service)
{
	u64 id = le64_to_cpu(req->u.destroy_session.session_id);
	struct vcm_dev *vcm = q->vcm;
	struct vcm_session *s = NULL;
	u8 status = VIRTIO_CRYPTO_INVSESS;
	u32 other = service;

	/* Revision 1: the header and the 8 bytes of destroy_session_flf. */
	u32 out_len = vcm_rev1(vcm) ? sizeof(req->header) + sizeof(__le64) :
				      sizeof(*req);

	if (c->in_len != sizeof(struct virtio_crypto_inhdr)) {
		vcm_violation(vcm, "destroy session: %u writable bytes, not an inhdr",
			      c->in_len);
		return 0;
	}
	if (c->out_len != out_len)
		vcm_violation(vcm, "destroy session: %u readable bytes, not %u",
			      c->out_len, out_len);
	down_write(&vcm->sess_lock);
	if (id <= U32_MAX)
		s = xa_load(&vcm->sessions, id);
	if (s && s->service != service) {
		/* The other service's session stays. */
		other = s->service;
		s = NULL;
		status = VIRTIO_CRYPTO_ERR;
	} else if (s) {
		xa_erase(&vcm->sessions, id);
		vcm->nr_sessions--;
	}
	up_write(&vcm->sess_lock);
	if (s) {
		vcm_session_free(s);
		status = VIRTIO_CRYPTO_OK;
	} else if (other != service) {
		vcm_violation(vcm, "destroy of session %llu (service %u) with a service %u opcode",
			      id, other, service);
	} else {
		vcm_violation(vcm, "destroy of session %llu, which does not exist",
			      id);
	}
	return vcm_chain_copy_in(c, 0, &status, 1);
}

/* A control request of a service the device does not offer. */
static u32 vcm_ctrl_unadvertised(struct vcm_queue *q, struct vcm_chain *c,
				 u32 opcode)
{
	vcm_violation(q->vcm, "control opcode %#x of a service not advertised",
		      opcode);
	q->errors++;
	if (c->in_len == sizeof(struct virtio_crypto_session_input))
		return vcm_create_done(c, 0, VIRTIO_CRYPTO_NOTSUPP);
	return 0;
}

/**
 * vcm_handle_ctrl() - serve one control queue request
 * @q: the control queue
 * @c: its chain
 *
 * Return: the used length.
 */
u32 vcm_handle_ctrl(struct vcm_queue *q, struct vcm_chain *c)
{
	struct vcm_dev *vcm = q->vcm;
	struct virtio_crypto_op_ctrl_req req = {};
	u32 opcode, len;

	/* Revision 1 cuts op_flf to its size: a destroy is 24 bytes. */
	if (vcm_chain_copy_out(c, 0, &req, sizeof(req)) <
	    sizeof(req.header) + sizeof(__le64)) {
		vcm_violation(vcm, "control request of %u bytes, shorter than its header",
			      c->out_len);
		return 0;
	}
	q->requests++;
	/* Linux's header calls it queue_id; the spec: reserved, set to 0. */
	if (req.header.queue_id)
		vcm_violation(vcm, "control request with reserved field %u",
			      le32_to_cpu(req.header.queue_id));

	opcode = le32_to_cpu(req.header.opcode);
	switch (opcode) {
	case VIRTIO_CRYPTO_CIPHER_CREATE_SESSION:
		len = vcm_create_cipher(q, c, &req);
		break;
	case VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION:
		len = vcm_destroy(q, c, &req, VIRTIO_CRYPTO_SERVICE_CIPHER);
		break;
	case VIRTIO_CRYPTO_HASH_CREATE_SESSION:
	case VIRTIO_CRYPTO_HASH_DESTROY_SESSION:
		if (!vcm->p.hash)
			len = vcm_ctrl_unadvertised(q, c, opcode);
		else if (opcode == VIRTIO_CRYPTO_HASH_CREATE_SESSION)
			len = vcm_create_hash(q, c, &req,
					      VIRTIO_CRYPTO_SERVICE_HASH);
		else
			len = vcm_destroy(q, c, &req,
					  VIRTIO_CRYPTO_SERVICE_HASH);
		break;
	case VIRTIO_CRYPTO_MAC_CREATE_SESSION:
	case VIRTIO_CRYPTO_MAC_DESTROY_SESSION:
		if (!vcm->p.mac)
			len = vcm_ctrl_unadvertised(q, c, opcode);
		else if (opcode == VIRTIO_CRYPTO_MAC_CREATE_SESSION)
			len = vcm_create_hash(q, c, &req,
					      VIRTIO_CRYPTO_SERVICE_MAC);
		else
			len = vcm_destroy(q, c, &req,
					  VIRTIO_CRYPTO_SERVICE_MAC);
		break;
	case VIRTIO_CRYPTO_AEAD_CREATE_SESSION:
	case VIRTIO_CRYPTO_AEAD_DESTROY_SESSION:
		if (vcm->p.aead) {
			len = opcode == VIRTIO_CRYPTO_AEAD_CREATE_SESSION ?
			      vcm_create_aead(q, c, &req) :
			      vcm_destroy(q, c, &req,
					  VIRTIO_CRYPTO_SERVICE_AEAD);
			break;
		}
		fallthrough;
	default:
		/* Akcipher: a service never advertised. */
		len = vcm_ctrl_unadvertised(q, c, opcode);
		break;
	}
	/* Revision 1 cuts a MAC or AEAD create's op_flf: its key was read too. */
	memzero_explicit(&req, sizeof(req));
	return len;
}

/* Take one data request's fault, if one is armed. */
static enum vcm_fault vcm_fault_take(struct vcm_dev *vcm)
{
	enum vcm_fault f;

	spin_lock(&vcm->fault_lock);
	f = vcm->fault;
	if (f == VCM_FAULT_STALL) {
		f = VCM_FAULT_NONE;
	} else if (f != VCM_FAULT_NONE) {
		vcm->faults_done++;
		if (vcm->fault_left && !--vcm->fault_left)
			vcm->fault = VCM_FAULT_NONE;
	}
	spin_unlock(&vcm->fault_lock);
	return f;
}

/**
 * vcm_rev1() - whether the driver accepted VIRTIO_CRYPTO_F_REVISION_1
 * @vcm: the device
 *
 * Return: true if it did.
 */
bool vcm_rev1(struct vcm_dev *vcm)
{
	return __virtio_test_bit(&vcm->vdev, VCM_F_REVISION_1);
}

/**
 * vcm_stateless() - whether the driver accepted CIPHER_STATELESS_MODE
 * @vcm: the device
 *
 * Return: true if it did.
 */
bool vcm_stateless(struct vcm_dev *vcm)
{
	return __virtio_test_bit(&vcm->vdev, VCM_F_CIPHER_STATELESS_MODE);
}

/**
 * vcm_aead_stateless() - whether the driver accepted AEAD_STATELESS_MODE
 * @vcm: the device
 *
 * Return: true if it did.
 */
bool vcm_aead_stateless(struct vcm_dev *vcm)
{
	return __virtio_test_bit(&vcm->vdev, VCM_F_AEAD_STATELESS_MODE);
}

/**
 * vcm_hash_stateless() - whether the driver accepted HASH_STATELESS_MODE
 * @vcm: the device
 *
 * Return: true if it did.
 */
bool vcm_hash_stateless(struct vcm_dev *vcm)
{
	return __virtio_test_bit(&vcm->vdev, VCM_F_HASH_STATELESS_MODE);
}

/**
 * vcm_mac_stateless() - whether the driver accepted MAC_STATELESS_MODE
 * @vcm: the device
 *
 * Return: true if it did.
 */
bool vcm_mac_stateless(struct vcm_dev *vcm)
{
	return __virtio_test_bit(&vcm->vdev, VCM_F_MAC_STATELESS_MODE);
}

/*
 * A stateless request names no session: the specification says nothing of
 * its session_id, a driver sets it to 0 (checked with strict=Y only; the
 * request is served either way).
 */
static void vcm_stateless_session(struct vcm_dev *vcm, const char *what,
				  u64 session_id)
{
	if (vcm->p.strict && session_id)
		vcm_violation(vcm, "stateless %s request with session_id %llu",
			      what, session_id);
}

/*
 * The session a session-mode request of @service names, under sess_lock;
 * NULL, a violation, if there is none or it is another service's.
 */
static struct vcm_session *vcm_session_find(struct vcm_dev *vcm, u64 id,
					    u32 service)
{
	struct vcm_session *s;

	s = id <= U32_MAX ? xa_load(&vcm->sessions, id) : NULL;
	if (!s)
		vcm_violation(vcm, "data request for session %llu, which does not exist",
			      id);
	else if (s->service != service)
		vcm_violation(vcm, "data request of service %u for session %llu of service %u",
			      service, id, s->service);
	else
		return s;
	return NULL;
}

/* A cipher request, whichever layout it came in. */
struct vcm_cipher_req {
	u32 opcode;
	u32 algo;		/* the header's, or sess_para's (stateless) */
	u64 session_id;
	bool stateless;
	u32 key_len;		/* stateless */
	u32 op;			/* stateless */
	u32 iv_len;
	u32 src_len;
	u32 dst_len;
	u32 prefix;		/* header and op_flf */
};

/*
 * Read the layout the negotiated features define: op_flf is
 * virtio_crypto_sym_data_flf_stateless (76 bytes) for every cipher
 * request once CIPHER_STATELESS_MODE is negotiated, the legacy 48 bytes
 * otherwise; with REVISION_1 the flag says session or stateless mode.
 */
static u8 vcm_cipher_parse(struct vcm_dev *vcm, struct vcm_chain *c,
			   const union vcm_data_prefix *p,
			   struct vcm_cipher_req *r)
{
	u32 flag = le32_to_cpu(p->legacy.header.flag);
	u32 op_type;

	r->opcode = le32_to_cpu(p->legacy.header.opcode);
	r->algo = le32_to_cpu(p->legacy.header.algo);
	r->session_id = le64_to_cpu(p->legacy.header.session_id);
	r->stateless = false;

	if (vcm_stateless(vcm)) {
		const struct vcm_cipher_flf_stateless *f = &p->sl.sym.u.cipher;

		if (c->out_len < VCM_SL_PREFIX) {
			vcm_violation(vcm, "stateless-layout cipher request of %u readable bytes",
				      c->out_len);
			return VIRTIO_CRYPTO_BADMSG;
		}
		op_type = le32_to_cpu(p->sl.sym.op_type);
		r->prefix = VCM_SL_PREFIX;
		r->iv_len = le32_to_cpu(f->iv_len);
		r->src_len = le32_to_cpu(f->src_data_len);
		r->dst_len = le32_to_cpu(f->dst_data_len);
		if (flag == 0) {
			r->stateless = true;
			r->algo = le32_to_cpu(f->algo);
			r->key_len = le32_to_cpu(f->key_len);
			r->op = le32_to_cpu(f->op);
			vcm_stateless_session(vcm, "cipher", r->session_id);
		} else if (flag != VCM_FLAG_SESSION_MODE) {
			vcm_violation(vcm, "data request flag %u", flag);
			return VIRTIO_CRYPTO_BADMSG;
		}
	} else {
		const struct virtio_crypto_cipher_para *f =
			&p->legacy.u.sym_req.u.cipher.para;

		if (vcm_rev1(vcm) && flag != VCM_FLAG_SESSION_MODE) {
			/* Without the stateless bit only session mode exists. */
			vcm_violation(vcm, "session-mode request, flag %u",
				      flag);
			return VIRTIO_CRYPTO_NOTSUPP;
		}
		op_type = le32_to_cpu(p->legacy.u.sym_req.op_type);
		r->prefix = sizeof(p->legacy);
		r->iv_len = le32_to_cpu(f->iv_len);
		r->src_len = le32_to_cpu(f->src_data_len);
		r->dst_len = le32_to_cpu(f->dst_data_len);
	}
	if (op_type != VIRTIO_CRYPTO_SYM_OP_CIPHER) {
		vcm_violation(vcm, "data request: op_type %u, only plain cipher is offered",
			      op_type);
		return VIRTIO_CRYPTO_NOTSUPP;
	}
	return VIRTIO_CRYPTO_OK;
}

/* The transform of a stateless request, keyed with its key. */
static struct crypto_sync_skcipher *
vcm_stateless_tfm(struct vcm_queue *q, struct vcm_chain *c,
		  const struct vcm_cipher_req *r, int i, u8 *status)
{
	struct vcm_dev *vcm = q->vcm;
	struct crypto_sync_skcipher *tfm;
	u8 key[2 * AES_MAX_KEY_SIZE];

	*status = VIRTIO_CRYPTO_BADMSG;
	if (!vcm_cipher_offered(vcm, r->algo) || i < 0) {
		vcm_violation(vcm, "stateless request: cipher %u not advertised",
			      r->algo);
		*status = VIRTIO_CRYPTO_NOTSUPP;
		return NULL;
	}
	if (r->key_len > vcm->p.max_cipher_key_len || r->key_len > sizeof(key)) {
		vcm_violation(vcm, "stateless request: key of %u bytes, max_cipher_key_len is %u",
			      r->key_len, vcm->p.max_cipher_key_len);
		return NULL;
	}
	if (r->op != VIRTIO_CRYPTO_OP_ENCRYPT &&
	    r->op != VIRTIO_CRYPTO_OP_DECRYPT) {
		vcm_violation(vcm, "stateless request: op %u", r->op);
		return NULL;
	}
	vcm_chain_copy_out(c, r->prefix, key, r->key_len);
	tfm = vcm_keyed(q, i, key, r->key_len, status);
	memzero_explicit(key, sizeof(key));
	return tfm;
}

/**
 * vcm_queue_crypto_free() - free a queue's transforms
 * @q: the queue, idle
 */
void vcm_queue_crypto_free(struct vcm_queue *q)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(q->tfm); i++) {
		crypto_free_sync_skcipher(q->tfm[i]);
		q->tfm[i] = NULL;
	}
	aead_request_free(q->gcm_req);
	q->gcm_req = NULL;
	crypto_free_aead(q->gcm);
	q->gcm = NULL;
	for (i = 0; i < ARRAY_SIZE(q->shash); i++) {
		crypto_free_shash(q->shash[i]);
		q->shash[i] = NULL;
	}
}

static u8 vcm_cipher(struct vcm_queue *q, struct vcm_chain *c,
		     const union vcm_data_prefix *p, u32 *bytes)
{
	struct vcm_dev *vcm = q->vcm;
	struct crypto_sync_skcipher *tfm;
	struct vcm_cipher_req r;
	u8 iv[AES_BLOCK_SIZE];
	u32 key_len, algo, op;
	struct vcm_session *s = NULL;
	u8 status;
	int i, err;

	status = vcm_cipher_parse(vcm, c, p, &r);
	if (status != VIRTIO_CRYPTO_OK)
		return status;
	key_len = r.stateless ? r.key_len : 0;
	/*
	 * The status byte follows the destination.  QEMU takes longer
	 * buffers and writes the status in the last byte, which Linux 6.1's
	 * driver relies on (it passes the caller's whole chains): strict=N.
	 */
	if ((u64)r.prefix + key_len + r.iv_len + r.src_len > c->out_len ||
	    (u64)r.dst_len + 1 > c->in_len ||
	    (vcm->p.strict &&
	     ((u64)r.prefix + key_len + r.iv_len + r.src_len != c->out_len ||
	      (u64)r.dst_len + 1 != c->in_len))) {
		vcm_violation(vcm, "data request: key %u, iv %u, src %u, dst %u in %u+%u bytes",
			      key_len, r.iv_len, r.src_len, r.dst_len,
			      c->out_len, c->in_len);
		return VIRTIO_CRYPTO_BADMSG;
	}
	if (r.src_len != r.dst_len) {
		vcm_violation(vcm, "cipher request: src %u bytes, dst %u",
			      r.src_len, r.dst_len);
		return VIRTIO_CRYPTO_BADMSG;
	}
	if ((u64)key_len + r.iv_len + r.src_len + r.dst_len > vcm->p.max_size) {
		vcm_violation(vcm, "cipher request of %llu bytes, max_size is %llu",
			      (u64)key_len + r.iv_len + r.src_len + r.dst_len,
			      vcm->p.max_size);
		return VIRTIO_CRYPTO_BADMSG;
	}

	down_read(&vcm->sess_lock);
	if (r.stateless) {
		i = vcm_cipher_index(r.algo);
		tfm = vcm_stateless_tfm(q, c, &r, i, &status);
		if (!tfm)
			goto out;
		algo = r.algo;
		op = r.op;
	} else {
		s = vcm_session_find(vcm, r.session_id,
				     VIRTIO_CRYPTO_SERVICE_CIPHER);
		if (!s) {
			status = VIRTIO_CRYPTO_INVSESS;
			goto out;
		}
		/* No requirement on the header's algo in session mode. */
		i = vcm_cipher_index(s->algo);
		tfm = vcm_keyed(q, i, s->key, s->keylen, &status);
		if (!tfm)
			goto out;
		algo = s->algo;
		op = s->op;
	}

	status = VIRTIO_CRYPTO_BADMSG;
	if (r.opcode != (op == VIRTIO_CRYPTO_OP_ENCRYPT ?
			 VIRTIO_CRYPTO_CIPHER_ENCRYPT :
			 VIRTIO_CRYPTO_CIPHER_DECRYPT)) {
		vcm_violation(vcm, "data request: opcode %#x for op %u of cipher %u",
			      r.opcode, op, algo);
		goto out;
	}
	if (r.iv_len != crypto_sync_skcipher_ivsize(tfm)) {
		vcm_violation(vcm, "data request: IV of %u bytes for %s",
			      r.iv_len, vcm_ciphers[i].name);
		goto out;
	}
	if (vcm_ciphers[i].blocks && r.src_len % AES_BLOCK_SIZE) {
		vcm_violation(vcm, "data request: %u bytes of %s, not whole blocks",
			      r.src_len, vcm_ciphers[i].name);
		goto out;
	}

	status = VIRTIO_CRYPTO_OK;
	if (r.src_len) {
		SYNC_SKCIPHER_REQUEST_ON_STACK(sreq, tfm);
		u32 off = r.prefix + key_len;
		int nsrc, ndst;

		vcm_chain_copy_out(c, off, iv, r.iv_len);
		nsrc = vcm_chain_sg(c, false, off + r.iv_len, r.src_len,
				    q->src_sg);
		ndst = vcm_chain_sg(c, true, 0, r.dst_len, q->dst_sg);
		if (WARN_ON_ONCE(nsrc < 0 || ndst < 0)) {
			status = VIRTIO_CRYPTO_ERR;
			goto out;
		}
		skcipher_request_set_sync_tfm(sreq, tfm);
		skcipher_request_set_callback(sreq, 0, NULL, NULL);
		skcipher_request_set_crypt(sreq, q->src_sg, q->dst_sg,
					   r.src_len, iv);
		err = op == VIRTIO_CRYPTO_OP_ENCRYPT ?
			crypto_skcipher_encrypt(sreq) :
			crypto_skcipher_decrypt(sreq);
		skcipher_request_zero(sreq);
		if (err) {
			/* Too short for XTS, say: the input is refused. */
			status = err == -EINVAL ? VIRTIO_CRYPTO_BADMSG :
						  VIRTIO_CRYPTO_ERR;
		}
	}
	*bytes = r.src_len;
	if (r.stateless)
		q->stateless++;
out:
	up_read(&vcm->sess_lock);
	return status;
}

/* An AEAD request, whichever layout it came in. */
struct vcm_aead_req {
	u32 opcode;
	u64 session_id;
	bool stateless;
	u32 algo;		/* stateless */
	u32 key_len;		/* stateless */
	u32 op;			/* stateless */
	u32 iv_len;
	u32 tag_len;
	u32 aad_len;
	u32 src_len;
	u32 dst_len;
	u32 prefix;		/* header and op_flf */
};

/*
 * Read the layout the negotiated features define, as for a cipher
 * request: op_flf is virtio_crypto_aead_data_flf_stateless (32 bytes) for
 * every AEAD request once AEAD_STATELESS_MODE is negotiated, and
 * virtio_crypto_aead_data_flf otherwise (24 bytes with REVISION_1, padded
 * to 48 without); with REVISION_1 the flag says session or stateless mode.
 * BADMSG says the tag did not match: a request that breaks the rules is
 * answered ERR.
 */
static u8 vcm_aead_parse(struct vcm_dev *vcm, struct vcm_chain *c,
			 const union vcm_data_prefix *p,
			 struct vcm_aead_req *r)
{
	u32 flag = le32_to_cpu(p->legacy.header.flag);

	r->opcode = le32_to_cpu(p->legacy.header.opcode);
	r->session_id = le64_to_cpu(p->legacy.header.session_id);
	r->stateless = false;
	r->key_len = 0;

	if (vcm_aead_stateless(vcm)) {
		const struct vcm_aead_flf_stateless *f = &p->aead_sl.flf;

		if (c->out_len < VCM_AEAD_SL_PREFIX) {
			vcm_violation(vcm, "stateless-layout AEAD request of %u readable bytes",
				      c->out_len);
			return VIRTIO_CRYPTO_ERR;
		}
		r->prefix = VCM_AEAD_SL_PREFIX;
		r->iv_len = le32_to_cpu(f->iv_len);
		r->tag_len = le32_to_cpu(f->tag_len);
		r->aad_len = le32_to_cpu(f->aad_len);
		r->src_len = le32_to_cpu(f->src_data_len);
		r->dst_len = le32_to_cpu(f->dst_data_len);
		if (flag == 0) {
			r->stateless = true;
			r->algo = le32_to_cpu(f->algo);
			r->key_len = le32_to_cpu(f->key_len);
			r->op = le32_to_cpu(f->op);
			vcm_stateless_session(vcm, "AEAD", r->session_id);
		} else if (flag != VCM_FLAG_SESSION_MODE) {
			vcm_violation(vcm, "data request flag %u", flag);
			return VIRTIO_CRYPTO_ERR;
		}
	} else {
		const struct vcm_aead_flf *f = &p->aead.flf;

		if (vcm_rev1(vcm) && flag != VCM_FLAG_SESSION_MODE) {
			/* Without the stateless bit only session mode exists. */
			vcm_violation(vcm, "session-mode AEAD request, flag %u",
				      flag);
			return VIRTIO_CRYPTO_NOTSUPP;
		}
		/* Shorter than its prefix: the lengths' check tells. */
		r->prefix = vcm_rev1(vcm) ? VCM_AEAD_PREFIX : sizeof(p->legacy);
		r->iv_len = le32_to_cpu(f->iv_len);
		r->tag_len = le32_to_cpu(f->tag_len);
		r->aad_len = le32_to_cpu(f->aad_len);
		r->src_len = le32_to_cpu(f->src_data_len);
		r->dst_len = le32_to_cpu(f->dst_data_len);
		if (f->reserved) {
			vcm_violation(vcm, "AEAD request with reserved field %u",
				      le32_to_cpu(f->reserved));
			return VIRTIO_CRYPTO_ERR;
		}
	}
	return VIRTIO_CRYPTO_OK;
}

/* The transform of a stateless AEAD request, keyed with its key. */
static struct crypto_aead *vcm_gcm_stateless(struct vcm_queue *q,
					     struct vcm_chain *c,
					     const struct vcm_aead_req *r,
					     u8 *status)
{
	struct vcm_dev *vcm = q->vcm;
	struct crypto_aead *tfm;
	u8 key[AES_MAX_KEY_SIZE];

	*status = VIRTIO_CRYPTO_ERR;
	if (!vcm_aead_offered(vcm, r->algo)) {
		vcm_violation(vcm, "stateless request: AEAD algorithm %u not advertised",
			      r->algo);
		*status = VIRTIO_CRYPTO_NOTSUPP;
		return NULL;
	}
	if (!vcm_aead_keylen_ok(vcm, r->key_len)) {
		vcm_violation(vcm, "stateless AEAD request: key of %u bytes, max_cipher_key_len %u",
			      r->key_len, vcm->p.max_cipher_key_len);
		return NULL;
	}
	if (r->op != VIRTIO_CRYPTO_OP_ENCRYPT &&
	    r->op != VIRTIO_CRYPTO_OP_DECRYPT) {
		vcm_violation(vcm, "stateless request: op %u", r->op);
		return NULL;
	}
	vcm_chain_copy_out(c, r->prefix, key, r->key_len);
	tfm = vcm_gcm_keyed(q, key, r->key_len, r->tag_len, status);
	memzero_explicit(key, sizeof(key));
	return tfm;
}

/*
 * Describe in @sg what the AEAD API takes on one side: the associated
 * data (@aad_len bytes at @aad_off of the readable part), then @len bytes
 * at @off of the readable (source) or writable (destination) part.  The
 * destination's associated data is the source's own: the specification
 * has no room for it in dst_data, and gcm skips it in the destination
 * without writing it.  With nothing to describe, one empty entry.
 *
 * Room: the source takes an entry per readable buffer of src_data and
 * aad, plus one where they share a buffer; the destination an entry per
 * readable buffer of aad and per writable buffer of dst_data.  Either way
 * no more than the chain's buffers (one of them at least is writable), so
 * VCM_MAX_SEGS entries.
 *
 * Return: the number of entries used, or -EINVAL if the chain is shorter.
 */
static int vcm_aead_sg(struct vcm_chain *c, u32 aad_off, u32 aad_len,
		       bool in, u32 off, u32 len, struct scatterlist *sg)
{
	int naad = 0, n = 0;

	if (aad_len) {
		naad = vcm_chain_sg(c, false, aad_off, aad_len, sg);
		if (naad < 0)
			return naad;
	}
	if (len) {
		if (naad)
			sg_unmark_end(&sg[naad - 1]);
		n = vcm_chain_sg(c, in, off, len, sg + naad);
		if (n < 0)
			return n;
	} else if (!naad) {
		/* The header's buffer, of which nothing is read. */
		sg_init_one(sg, c->seg[0].va, 0);
		n = 1;
	}
	return naad + n;
}

static u8 vcm_aead(struct vcm_queue *q, struct vcm_chain *c,
		   const union vcm_data_prefix *p, u32 *bytes)
{
	struct vcm_dev *vcm = q->vcm;
	struct aead_request *areq;
	struct crypto_aead *tfm;
	struct vcm_aead_req r;
	struct vcm_session *s;
	u8 iv[GCM_AES_IV_SIZE];
	bool encrypt;
	u32 key_len, op, off;
	int nsrc, ndst, err;
	u64 in, out;
	u8 status;

	status = vcm_aead_parse(vcm, c, p, &r);
	if (status != VIRTIO_CRYPTO_OK)
		return status;
	encrypt = r.opcode == VIRTIO_CRYPTO_AEAD_ENCRYPT;
	key_len = r.stateless ? r.key_len : 0;
	/* As for a cipher request: the status byte follows dst_data. */
	in = (u64)r.prefix + key_len + r.iv_len + r.src_len + r.aad_len;
	out = (u64)r.dst_len + 1;
	if (in > c->out_len || out > c->in_len ||
	    (vcm->p.strict && (in != c->out_len || out != c->in_len))) {
		vcm_violation(vcm, "AEAD request: key %u, iv %u, src %u, aad %u, dst %u in %u+%u",
			      key_len, r.iv_len, r.src_len, r.aad_len,
			      r.dst_len, c->out_len, c->in_len);
		return VIRTIO_CRYPTO_ERR;
	}
	if ((u64)key_len + r.iv_len + r.src_len + r.aad_len + r.dst_len >
	    vcm->p.max_size) {
		vcm_violation(vcm, "AEAD request of %llu bytes, max_size is %llu",
			      (u64)key_len + r.iv_len + r.src_len + r.aad_len +
			      r.dst_len, vcm->p.max_size);
		return VIRTIO_CRYPTO_ERR;
	}
	/* A 16-byte IV is J0 (virtio 1.2): allowed, but not implemented. */
	if (r.iv_len == AES_BLOCK_SIZE)
		return VIRTIO_CRYPTO_NOTSUPP;
	if (r.iv_len != GCM_AES_IV_SIZE) {
		vcm_violation(vcm, "AEAD request: IV of %u bytes for AES-GCM",
			      r.iv_len);
		return VIRTIO_CRYPTO_ERR;
	}
	if (crypto_gcm_check_authsize(r.tag_len)) {
		vcm_violation(vcm, "AEAD request: tag of %u bytes for AES-GCM",
			      r.tag_len);
		return VIRTIO_CRYPTO_ERR;
	}
	/* Encryption appends the tag to dst_data, decryption takes it off. */
	if (encrypt ? (u64)r.src_len + r.tag_len != r.dst_len :
		      (r.src_len < r.tag_len ||
		       r.src_len - r.tag_len != r.dst_len)) {
		vcm_violation(vcm, "AEAD request: opcode %#x, src %u bytes, tag %u, dst %u",
			      r.opcode, r.src_len, r.tag_len, r.dst_len);
		return VIRTIO_CRYPTO_ERR;
	}

	down_read(&vcm->sess_lock);
	if (r.stateless) {
		tfm = vcm_gcm_stateless(q, c, &r, &status);
		if (!tfm)
			goto out;
		op = r.op;
	} else {
		s = vcm_session_find(vcm, r.session_id,
				     VIRTIO_CRYPTO_SERVICE_AEAD);
		if (!s) {
			status = VIRTIO_CRYPTO_INVSESS;
			goto out;
		}
		if (r.tag_len != s->tag_len) {
			vcm_violation(vcm, "AEAD request: tag of %u bytes, session %llu's are %u",
				      r.tag_len, r.session_id, s->tag_len);
			status = VIRTIO_CRYPTO_ERR;
			goto out;
		}
		/* No requirement on the header's algo in session mode. */
		tfm = vcm_gcm_keyed(q, s->key, s->keylen, r.tag_len, &status);
		if (!tfm)
			goto out;
		op = s->op;
	}

	if (r.opcode != (op == VIRTIO_CRYPTO_OP_ENCRYPT ?
			 VIRTIO_CRYPTO_AEAD_ENCRYPT :
			 VIRTIO_CRYPTO_AEAD_DECRYPT)) {
		vcm_violation(vcm, "AEAD request: opcode %#x for op %u",
			      r.opcode, op);
		status = VIRTIO_CRYPTO_ERR;
		goto out;
	}

	status = VIRTIO_CRYPTO_OK;
	/* iv, src_data, aad; the API takes the associated data first. */
	off = r.prefix + key_len;
	vcm_chain_copy_out(c, off, iv, sizeof(iv));
	off += r.iv_len;
	nsrc = vcm_aead_sg(c, off + r.src_len, r.aad_len, false, off,
			   r.src_len, q->src_sg);
	ndst = vcm_aead_sg(c, off + r.src_len, r.aad_len, true, 0, r.dst_len,
			   q->dst_sg);
	if (WARN_ON_ONCE(nsrc < 0 || ndst < 0)) {
		status = VIRTIO_CRYPTO_ERR;
		goto out;
	}
	areq = q->gcm_req;
	aead_request_set_tfm(areq, tfm);
	aead_request_set_callback(areq, 0, NULL, NULL);
	aead_request_set_ad(areq, r.aad_len);
	aead_request_set_crypt(areq, q->src_sg, q->dst_sg, r.src_len, iv);
	err = encrypt ? crypto_aead_encrypt(areq) : crypto_aead_decrypt(areq);
	memzero_explicit(areq, sizeof(*areq) + crypto_aead_reqsize(tfm));
	if (err == -EBADMSG && !encrypt) {
		/*
		 * gcm decrypts into dst_data before it checks the tag: no
		 * plaintext of a forged message is left there, dst_data is
		 * zeroed.
		 */
		vcm_chain_zero_in(c, 0, r.dst_len);
		status = VIRTIO_CRYPTO_BADMSG;
	} else if (err) {
		status = VIRTIO_CRYPTO_ERR;
	}
	if (status == VIRTIO_CRYPTO_OK || status == VIRTIO_CRYPTO_BADMSG)
		q->aead++;
	*bytes = r.src_len + r.aad_len;
	if (r.stateless)
		q->stateless++;
out:
	up_read(&vcm->sess_lock);
	return status;
}

/* A hash or MAC request, whichever layout it came in. */
struct vcm_hash_req {
	u32 opcode;
	u32 service;		/* VIRTIO_CRYPTO_SERVICE_HASH or _MAC */
	const char *what;	/* "hash" or "MAC", for the violations */
	u64 session_id;
	bool stateless;
	u32 algo;		/* stateless */
	u32 key_len;		/* stateless MAC */
	u32 src_len;
	u32 result_len;
	u32 prefix;		/* header and op_flf */
};

/*
 * Read the layout the negotiated features define, as for an AEAD request:
 * op_flf is virtio_crypto_hash_data_flf_stateless or
 * virtio_crypto_mac_data_flf_stateless (16 bytes) for every request of the
 * service once its stateless mode is negotiated, and
 * virtio_crypto_hash_data_flf or virtio_crypto_mac_data_flf otherwise (8
 * bytes with REVISION_1, padded to 48 without); with REVISION_1 the flag
 * says session or stateless mode.
 */
static u8 vcm_hash_parse(struct vcm_dev *vcm, struct vcm_chain *c,
			 const union vcm_data_prefix *p,
			 struct vcm_hash_req *r)
{
	u32 flag = le32_to_cpu(p->legacy.header.flag);
	bool mac;

	r->opcode = le32_to_cpu(p->legacy.header.opcode);
	mac = r->opcode == VIRTIO_CRYPTO_MAC;
	r->service = mac ? VIRTIO_CRYPTO_SERVICE_MAC :
			   VIRTIO_CRYPTO_SERVICE_HASH;
	r->what = mac ? "MAC" : "hash";
	r->session_id = le64_to_cpu(p->legacy.header.session_id);
	r->stateless = false;
	r->key_len = 0;

	if (mac ? vcm_mac_stateless(vcm) : vcm_hash_stateless(vcm)) {
		u32 prefix = mac ? VCM_MAC_SL_PREFIX : VCM_HASH_SL_PREFIX;

		if (c->out_len < prefix) {
			vcm_violation(vcm, "stateless-layout %s request of %u readable bytes",
				      r->what, c->out_len);
			return VIRTIO_CRYPTO_ERR;
		}
		r->prefix = prefix;
		if (mac) {
			const struct vcm_mac_flf_stateless *f = &p->mac_sl.flf;

			r->algo = le32_to_cpu(f->algo);
			r->key_len = le32_to_cpu(f->auth_key_len);
			r->src_len = le32_to_cpu(f->src_data_len);
			r->result_len = le32_to_cpu(f->hash_result_len);
		} else {
			const struct vcm_hash_flf_stateless *f = &p->hash_sl.flf;

			r->algo = le32_to_cpu(f->algo);
			r->src_len = le32_to_cpu(f->src_data_len);
			r->result_len = le32_to_cpu(f->hash_result_len);
			if (f->reserved) {
				vcm_violation(vcm, "hash request with reserved field %u",
					      le32_to_cpu(f->reserved));
				return VIRTIO_CRYPTO_ERR;
			}
		}
		if (flag == 0) {
			r->stateless = true;
			vcm_stateless_session(vcm, r->what, r->session_id);
		} else if (flag != VCM_FLAG_SESSION_MODE) {
			vcm_violation(vcm, "data request flag %u", flag);
			return VIRTIO_CRYPTO_ERR;
		}
	} else {
		/* virtio_crypto_mac_para is a virtio_crypto_hash_para. */
		const struct virtio_crypto_hash_para *f =
			&p->legacy.u.hash_req.para;

		if (vcm_rev1(vcm) && flag != VCM_FLAG_SESSION_MODE) {
			/* Without the stateless bit only session mode exists. */
			vcm_violation(vcm, "session-mode %s request, flag %u",
				      r->what, flag);
			return VIRTIO_CRYPTO_NOTSUPP;
		}
		/* Shorter than its prefix: the lengths' check tells. */
		r->prefix = vcm_rev1(vcm) ? VCM_HASH_PREFIX : sizeof(p->legacy);
		r->src_len = le32_to_cpu(f->src_data_len);
		r->result_len = le32_to_cpu(f->hash_result_len);
	}
	return VIRTIO_CRYPTO_OK;
}

/* The transform of a stateless hash or MAC request, keyed with its key. */
static struct crypto_shash *vcm_shash_stateless(struct vcm_queue *q,
						struct vcm_chain *c,
						const struct vcm_hash_req *r,
						u8 *status)
{
	struct vcm_dev *vcm = q->vcm;
	struct crypto_shash *tfm;
	u8 key[VCM_MAX_KEY_LEN];
	int i;

	*status = VIRTIO_CRYPTO_ERR;
	i = vcm_hash_index(vcm, r->service, r->algo);
	if (i < 0) {
		vcm_violation(vcm, "stateless request: %s algorithm %u not advertised",
			      r->what, r->algo);
		*status = VIRTIO_CRYPTO_NOTSUPP;
		return NULL;
	}
	if (!r->result_len || r->result_len > vcm_hashes[i].digest) {
		vcm_violation(vcm, "stateless %s request: result of %u bytes for %s",
			      r->what, r->result_len, vcm_hashes[i].name);
		return NULL;
	}
	if (r->service == VIRTIO_CRYPTO_SERVICE_HASH)
		return vcm_shash_keyed(q, i, NULL, 0, status);
	if (!r->key_len || r->key_len > vcm->p.max_auth_key_len ||
	    r->key_len > sizeof(key)) {
		vcm_violation(vcm, "stateless MAC request: key of %u bytes, max_auth_key_len %u",
			      r->key_len, vcm->p.max_auth_key_len);
		return NULL;
	}
	vcm_chain_copy_out(c, r->prefix, key, r->key_len);
	tfm = vcm_shash_keyed(q, i, key, r->key_len, status);
	memzero_explicit(key, sizeof(key));
	return tfm;
}

/*
 * Hash the @src_len bytes at @off of the readable part with @tfm, buffer
 * by buffer, and write the first @result_len bytes of the digest at the
 * start of the writable part.
 */
static u8 vcm_hash_compute(struct vcm_queue *q, struct vcm_chain *c,
			   struct crypto_shash *tfm, u32 off, u32 src_len,
			   u32 result_len)
{
	SHASH_DESC_ON_STACK(desc, tfm);
	u8 digest[HASH_MAX_DIGESTSIZE];
	struct scatterlist *sg;
	int n = 0, i, err;

	if (src_len) {
		n = vcm_chain_sg(c, false, off, src_len, q->src_sg);
		if (WARN_ON_ONCE(n < 0))
			return VIRTIO_CRYPTO_ERR;
	}
	desc->tfm = tfm;
	err = crypto_shash_init(desc);
	for_each_sg(q->src_sg, sg, n, i) {
		if (err)
			break;
		err = crypto_shash_update(desc, sg_virt(sg), sg->length);
	}
	if (!err)
		err = crypto_shash_final(desc, digest);
	shash_desc_zero(desc);
	if (!err)
		vcm_chain_copy_in(c, 0, digest, result_len);
	memzero_explicit(digest, sizeof(digest));
	return err ? VIRTIO_CRYPTO_ERR : VIRTIO_CRYPTO_OK;
}

static u8 vcm_hash(struct vcm_queue *q, struct vcm_chain *c,
		   const union vcm_data_prefix *p, u32 *bytes)
{
	struct vcm_dev *vcm = q->vcm;
	struct crypto_shash *tfm;
	struct vcm_hash_req r;
	struct vcm_session *s;
	u32 key_len;
	u64 in, out;
	u8 status;
	int i;

	status = vcm_hash_parse(vcm, c, p, &r);
	if (status != VIRTIO_CRYPTO_OK)
		return status;
	key_len = r.stateless ? r.key_len : 0;
	/* As for a cipher request: the status byte follows hash_result. */
	in = (u64)r.prefix + key_len + r.src_len;
	out = (u64)r.result_len + 1;
	if (in > c->out_len || out > c->in_len ||
	    (vcm->p.strict && (in != c->out_len || out != c->in_len))) {
		vcm_violation(vcm, "%s request: key %u, src %u, result %u in %u+%u",
			      r.what, key_len, r.src_len, r.result_len,
			      c->out_len, c->in_len);
		return VIRTIO_CRYPTO_ERR;
	}
	if ((u64)key_len + r.src_len + r.result_len > vcm->p.max_size) {
		vcm_violation(vcm, "%s request of %llu bytes, max_size is %llu",
			      r.what, (u64)key_len + r.src_len + r.result_len,
			      vcm->p.max_size);
		return VIRTIO_CRYPTO_ERR;
	}

	down_read(&vcm->sess_lock);
	if (r.stateless) {
		tfm = vcm_shash_stateless(q, c, &r, &status);
		if (!tfm)
			goto out;
	} else {
		s = vcm_session_find(vcm, r.session_id, r.service);
		if (!s) {
			status = VIRTIO_CRYPTO_INVSESS;
			goto out;
		}
		if (r.result_len != s->hash_result_len) {
			vcm_violation(vcm, "%s request: result of %u bytes, session %llu's is %u",
				      r.what, r.result_len, r.session_id,
				      s->hash_result_len);
			status = VIRTIO_CRYPTO_ERR;
			goto out;
		}
		/* No requirement on the header's algo in session mode. */
		i = vcm_hash_index(vcm, s->service, s->algo);
		tfm = vcm_shash_keyed(q, i, s->key, s->keylen, &status);
		if (!tfm)
			goto out;
	}

	/* op_vlf: auth_key (stateless MAC), then src_data. */
	status = vcm_hash_compute(q, c, tfm, r.prefix + key_len, r.src_len,
				  r.result_len);
	if (status == VIRTIO_CRYPTO_OK) {
		if (r.service == VIRTIO_CRYPTO_SERVICE_MAC)
			q->mac++;
		else
			q->hash++;
	}
	*bytes = r.src_len;
	if (r.stateless)
		q->stateless++;
out:
	up_read(&vcm->sess_lock);
	return status;
}

/* Overwrite the destination, as a device that failed half-way might. */
static void vcm_dirty(struct vcm_chain *c)
{
	unsigned int i;

	for (i = c->nout; i < c->nout + c->nin; i++)
		memset(c->seg[i].va, 0xa5, c->seg[i].len);
}

/* A device's latency: delay_us per request plus kib_ns per KiB. */
static void vcm_delay(struct vcm_dev *vcm, u32 bytes)
{
	u64 ns = (u64)READ_ONCE(vcm->delay_us) * NSEC_PER_USEC +
		 div_u64((u64)READ_ONCE(vcm->kib_ns) * bytes, 1024);

	if (ns >= NSEC_PER_USEC)
		fsleep(div_u64(ns, NSEC_PER_USEC));
}

/* A data request of a service the device does not offer. */
static u8 vcm_data_unadvertised(struct vcm_dev *vcm, u32 opcode)
{
	vcm_violation(vcm, "data opcode %#x of a service not advertised",
		      opcode);
	return VIRTIO_CRYPTO_NOTSUPP;
}

/**
 * vcm_handle_data() - serve one data queue request
 * @q: the data queue
 * @c: its chain
 *
 * The used length is the whole writable part (destination and status),
 * as QEMU's device reports it, whatever the status.
 *
 * Return: the used length.
 */
u32 vcm_handle_data(struct vcm_queue *q, struct vcm_chain *c)
{
	struct vcm_dev *vcm = q->vcm;
	union vcm_data_prefix req = {};
	enum vcm_fault fault = VCM_FAULT_NONE;
	u32 used = c->in_len, bytes = 0, opcode;
	u8 status;

	if (!c->in_len) {
		vcm_violation(vcm, "data request without a writable status byte");
		return 0;
	}
	q->requests++;
	/* The longer layout may run past a legacy request: read what is. */
	if (vcm_chain_copy_out(c, 0, &req, sizeof(req)) <
	    sizeof(req.legacy.header)) {
		vcm_violation(vcm, "data request of %u bytes, shorter than its header",
			      c->out_len);
		status = VIRTIO_CRYPTO_BADMSG;
		goto out;
	}
	if (!vcm_ready(vcm)) {
		/* The backend is gone: nothing is computed. */
		status = VIRTIO_CRYPTO_ERR;
		goto out;
	}

	fault = vcm_fault_take(vcm);
	if (fault == VCM_FAULT_ERROR) {
		status = VIRTIO_CRYPTO_ERR;
		goto out;
	}
	if (fault == VCM_FAULT_BADSTATUS) {
		status = VIRTIO_CRYPTO_KEY_REJECTED + 0x70;
		goto out;
	}

	opcode = le32_to_cpu(req.legacy.header.opcode);
	switch (opcode) {
	case VIRTIO_CRYPTO_CIPHER_ENCRYPT:
	case VIRTIO_CRYPTO_CIPHER_DECRYPT:
		status = vcm_cipher(q, c, &req, &bytes);
		break;
	case VIRTIO_CRYPTO_HASH:
	case VIRTIO_CRYPTO_MAC:
		if (opcode == VIRTIO_CRYPTO_HASH ? vcm->p.hash : vcm->p.mac)
			status = vcm_hash(q, c, &req, &bytes);
		else
			status = vcm_data_unadvertised(vcm, opcode);
		break;
	case VIRTIO_CRYPTO_AEAD_ENCRYPT:
	case VIRTIO_CRYPTO_AEAD_DECRYPT:
		if (vcm->p.aead) {
			status = vcm_aead(q, c, &req, &bytes);
			break;
		}
		fallthrough;
	default:
		status = vcm_data_unadvertised(vcm, opcode);
		break;
	}
	vcm_delay(vcm, bytes);

	switch (fault) {
	case VCM_FAULT_DIRTY:
		vcm_dirty(c);
		status = VIRTIO_CRYPTO_ERR;
		break;
	case VCM_FAULT_SHORT:
		used--;
		break;
	case VCM_FAULT_LONG:
		used += 16;
		break;
	default:
		break;
	}
out:
	if (status == VIRTIO_CRYPTO_OK)
		q->bytes += bytes;
	else
		q->errors++;
	vcm_chain_copy_in(c, c->in_len - 1, &status, 1);
	/* The stateless prefix may have read the first bytes of a key. */
	memzero_explicit(&req, sizeof(req));
	return used;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_crypto_model: the crypto device - control queue sessions and data
 * queue requests of the cipher service.
 *
 * Every request is checked against the virtio-crypto specification before
 * it is served: the lengths in its header against the buffers of its
 * chain, its algorithm and session against what was created, its size
 * against max_size.  A request the specification does not allow the
 * driver to send is a violation (counted, and answered with an error
 * status); a request the device merely cannot serve (no free session, a
 * key the algorithm rejects) is answered as a device would, without one.
 *
 * Results come from the kernel's own synchronous implementations
 * (crypto_alloc_sync_skcipher(), which never returns an asynchronous
 * engine such as the one under test).
 */

#include <crypto/aes.h>
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
	u32 id;
	int i, err;

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
	s->algo = algo;
	s->op = op;
	s->keylen = keylen;
	vcm_chain_copy_out(c, sizeof(*req), s->key, keylen);
	/* The key is checked now, with the control queue's transform. */
	if (!vcm_keyed(q, i, s->key, keylen, &status)) {
		vcm_session_free(s);
		return vcm_create_done(c, 0, status);
	}

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

static u32 vcm_destroy(struct vcm_queue *q, struct vcm_chain *c,
		       const struct virtio_crypto_op_ctrl_req *req)
{
	u64 id = le64_to_cpu(req->u.destroy_session.session_id);
	struct vcm_dev *vcm = q->vcm;
	struct vcm_session *s = NULL;
	u8 status = VIRTIO_CRYPTO_INVSESS;

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
		s = xa_erase(&vcm->sessions, id);
	if (s)
		vcm->nr_sessions--;
	up_write(&vcm->sess_lock);
	if (s) {
		vcm_session_free(s);
		status = VIRTIO_CRYPTO_OK;
	} else {
		vcm_violation(vcm, "destroy of session %llu, which does not exist",
			      id);
	}
	return vcm_chain_copy_in(c, 0, &status, 1);
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
	u32 opcode;

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
		return vcm_create_cipher(q, c, &req);
	case VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION:
		return vcm_destroy(q, c, &req);
	default:
		/* Hash, MAC, AEAD, akcipher: services never advertised. */
		vcm_violation(vcm, "control opcode %#x of a service not advertised",
			      opcode);
		q->errors++;
		if (c->in_len == sizeof(struct virtio_crypto_session_input))
			return vcm_create_done(c, 0, VIRTIO_CRYPTO_NOTSUPP);
		return 0;
	}
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
		s = r.session_id <= U32_MAX ?
			xa_load(&vcm->sessions, r.session_id) : NULL;
		if (!s) {
			vcm_violation(vcm, "data request for session %llu, which does not exist",
				      r.session_id);
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
	default:
		vcm_violation(vcm, "data opcode %#x of a service not advertised",
			      opcode);
		status = VIRTIO_CRYPTO_NOTSUPP;
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

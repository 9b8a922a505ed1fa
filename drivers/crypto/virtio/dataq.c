// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_acrypto: the data queues.
 *
 * A request is built entirely in the engine's per-request private area
 * (struct vac_request): the virtio header and the IV share one descriptor,
 * the source and destination chains follow, the one-byte status ends the
 * device-writable part.  Chains longer than the request are cut with
 * scatterlist entries kept in the same area (VAC_REQ_SGS of them) or, for
 * the rare chains that need more, in a long table lent by the device's
 * pool until the request returns to the engine.  While every table is lent
 * out, such a request is refused with -ENOSPC like a full ring; a table
 * given back runs the completion tasklets, which unblock the engine.
 * Indirect descriptors are not negotiated (core.c), so queueing allocates
 * nothing.
 *
 * Submission picks the data queue of the submitting CPU and kicks after
 * dropping the queue lock.  A full ring, or a frozen device, makes
 * ->process() return -ENOSPC; the completion tasklet (or restore) calls
 * acrypto_device_unblock() once descriptors are free again.  Requests the
 * device already accepted from the engine but that waited for a device
 * session (session.c) never bounce: when the ring is full they wait on the
 * queue's backlog, which the tasklet feeds first.
 *
 * What this device cannot do is declined with -EOPNOTSUPP: the engine gives
 * the request to another device or to the kernel's own implementation,
 * without counting an error.  That is a chain that needs more entries than
 * VAC_LONG_SGS to be cut, a request longer than the device's max_size (the
 * capability's max_len keeps those away already) or needing more
 * descriptors than the ring has, and VIRTIO_CRYPTO_NOTSUPP from the device.
 *
 * Completion runs in a tasklet scheduled by the virtqueue callback, never in
 * the hard interrupt handler: it validates the used length and the status
 * before trusting the output, sets the output IV the mode defines (the
 * device does not return it), and completes outside the queue lock.
 *
 * The written rule: a request that reached a ring and comes back failed
 * (a bad status, a wrong used length) or is taken back by a reset may have
 * had its destination written by the device.  It is completed with
 * acrypto_session_set_written(), so that the engine never retries it over
 * a source the device may have overwritten (an in-place request then fails
 * with -EIO).  Requests that never reached a ring (refused by ->process(),
 * waiting for a device session, on a backlog) are not marked.  The device's
 * refusals, VIRTIO_CRYPTO_INVSESS and VIRTIO_CRYPTO_NOTSUPP, say that it
 * did not run the request (QEMU writes nothing then) and are not marked
 * either.
 */

#include <crypto/scatterwalk.h>
#include <linux/kernel.h>
#include <linux/smp.h>
#include <linux/virtio.h>

#include "virtio_acrypto.h"

/*
 * Point *@out at a chain covering exactly @len bytes of @sg from byte @skip
 * on: @sg itself when it starts and ends there and has no empty entry,
 * else a copy in @pool (*@avail entries free) without the empty entries (a
 * zero-length descriptor breaks devices: QEMU sets NEEDS_RESET); NULL for
 * no bytes.  Returns the number of entries, -EINVAL when @sg is shorter
 * than @skip + @len, or -E2BIG when the copy does not fit.
 */
static int vac_sg_cut(struct scatterlist *sg, unsigned int skip,
		      unsigned int len, struct scatterlist *pool,
		      unsigned int *avail, struct scatterlist **out)
{
	struct scatterlist *p, *last = NULL;
	unsigned int n = 0, rem = len, i;
	bool holes = false;

	*out = NULL;
	if (!len)
		return 0;
	for (; sg && skip >= sg->length; sg = sg_next(sg))
		skip -= sg->length;
	if (unlikely(!sg))
		return -EINVAL;

	for (p = sg; p; p = sg_next(p)) {
		unsigned int l = p->length - (p == sg ? skip : 0);

		if (unlikely(!l)) {
			holes = true;
			continue;
		}
		n++;
		if (l >= rem) {
			last = p;
			break;
		}
		rem -= l;
	}
	if (unlikely(!last))
		return -EINVAL;
	if (!skip && !holes && last->length == rem && sg_is_last(last)) {
		*out = sg;
		return n;
	}
	if (unlikely(n > *avail))
		return -E2BIG;

	sg_init_table(pool, n);
	for (i = 0, p = sg; i < n; p = sg_next(p)) {
		unsigned int off = p->offset, l = p->length;

		if (p == sg) {
			off += skip;
			l -= skip;
		}
		if (!l)
			continue;
		sg_set_page(&pool[i], sg_page(p), i == n - 1 ? rem : l, off);
		i++;
	}
	*avail -= n;
	*out = pool;
	return n;
}

/**
 * vac_long_alloc() - the pool of long tables, at probe
 * @vac: the device
 * @ring_desc: descriptors of all data rings together
 *
 * A request using a long table holds more than VAC_REQ_SGS + 2 descriptors,
 * so the rings hold no more than @ring_desc / (VAC_REQ_SGS + 3) of them;
 * the pool has as many, at most VAC_LONG_MAX.
 *
 * Context: process context, sleeps.
 *
 * Return: 0 or -ENOMEM.
 */
int vac_long_alloc(struct vac_device *vac, unsigned int ring_desc)
{
	unsigned int i, n;

	n = clamp(ring_desc / (VAC_REQ_SGS + 3), 1U, VAC_LONG_MAX);
	vac->long_sg = kvcalloc(array_size(n, VAC_LONG_SGS),
				sizeof(*vac->long_sg), GFP_KERNEL);
	if (!vac->long_sg)
		return -ENOMEM;
	spin_lock_init(&vac->long_lock);
	vac->long_num = n;
	vac->long_nfree = n;
	for (i = 0; i < n; i++)
		vac->long_free[i] = i;
	return 0;
}

/**
 * vac_long_free() - free the pool of long tables
 * @vac: a device whose requests have all returned to the engine
 */
void vac_long_free(struct vac_device *vac)
{
	WARN_ON(vac->long_sg && vac->long_nfree != vac->long_num);
	kvfree(vac->long_sg);
	vac->long_sg = NULL;
}

/*
 * Lend @req a long table.  When every one is lent out, @wanted says that
 * the caller refuses the request with -ENOSPC: the next table given back
 * then runs the data queues' tasklets, which unblock the engine.
 */
static bool vac_request_get_long(struct vac_device *vac,
				 struct vac_request *req, bool wanted)
{
	unsigned int i = 0;
	bool got;

	spin_lock_bh(&vac->long_lock);
	got = vac->long_nfree;
	if (got)
		i = vac->long_free[--vac->long_nfree];
	else if (wanted)
		vac->long_wanted = true;
	spin_unlock_bh(&vac->long_lock);
	if (got)
		req->long_sg = vac->long_sg + i * VAC_LONG_SGS;
	return got;
}

/*
 * No long table for @req: refuse it with -ENOSPC, as for a full ring.  The
 * queue ->process() would use is marked blocked first, so that the tasklet
 * a table given back schedules finds it so and unblocks the engine; a table
 * given back in between is taken at once.
 */
static bool vac_request_wait_long(struct vac_device *vac,
				  struct vac_request *req)
{
	struct vac_dataq *dq = &vac->dq[raw_smp_processor_id() % vac->num_dq];

	spin_lock_bh(&dq->lock);
	dq->blocked = true;
	spin_unlock_bh(&dq->lock);
	return vac_request_get_long(vac, req, true);
}

/* The stateless prefix, past the VAC_REQSIZE bytes of @req. */
static struct vac_stateless_req *vac_request_sl(struct vac_request *req)
{
	return (void *)req + VAC_REQSIZE;
}

/**
 * vac_request_release() - what a request holds goes back: its long table,
 *	if it has one, and the copy of its key of a stateless request
 * @req: a request returning to the engine (completed, refused by
 *	->process() or cancelled)
 *
 * Context: any up to softirq.
 */
void vac_request_release(struct vac_request *req)
{
	struct vac_device *vac = req->vac;
	unsigned int i;
	bool wanted;

	if (vac->sl)
		memzero_explicit(&vac_request_sl(req)->u,
				 sizeof(vac_request_sl(req)->u));
	if (likely(!req->long_sg))
		return;
	spin_lock_bh(&vac->long_lock);
	vac->long_free[vac->long_nfree++] = (req->long_sg - vac->long_sg) /
					    VAC_LONG_SGS;
	wanted = vac->long_wanted;
	vac->long_wanted = false;
	spin_unlock_bh(&vac->long_lock);
	req->long_sg = NULL;

	/* A request was refused for want of one: the tasklets unblock. */
	if (unlikely(wanted))
		for (i = 0; i < vac->num_dq; i++)
			tasklet_schedule(&vac->dq[i].done);
}

/* Bytes of the current AEAD step's source that are the AAD proper. */
static unsigned int vac_aad_len(const struct acrypto_session *s)
{
	/* RFC 4106 counts the explicit IV in the associated data. */
	if (acrypto_session_mode(s) == ACRYPTO_MODE_RFC4106)
		return s->assoclen - VAC_RFC4106_IV_LEN;
	return s->assoclen;
}

/*
 * Cut the source and destination chains of @s to its length, copies in
 * @pool (@avail entries) where needed: for an AEAD step, the associated
 * data at the start of the source, the text after it, and the output
 * after as many bytes of the destination (the crypto API's layout).  In
 * place, the device reads and writes the same entries; the tag, which
 * only one side has, is cut on its own (an ESP packet reassembled from 45
 * fragments then fits one long table).  A hash's destination is one entry
 * for the request's digest buffer.  Returns the descriptors they
 * take, -EINVAL for chains shorter than the request, -E2BIG when the
 * copies do not fit.
 */
static int vac_request_chains(struct acrypto_session *s,
			      struct vac_request *req,
			      struct scatterlist *pool, unsigned int avail)
{
	unsigned int skip = 0, total = avail;
	unsigned int text = min(s->len, req->dst_len);
	int nsrc, naad = 0, ndst, ntag = 0;

	req->aad = NULL;
	req->tag = NULL;
	if (vac_mode_hash(acrypto_session_mode(s))) {
		/* The source, then the digest into the request itself. */
		nsrc = vac_sg_cut(s->src, 0, s->len, pool, &avail, &req->src);
		if (unlikely(nsrc < 0))
			return nsrc;
		if (unlikely(!avail))
			return -E2BIG;
		req->dst = pool + total - avail;
		sg_init_one(req->dst, req->digest, req->dst_len);
		return nsrc + 1;
	}
	if (vac_mode_aead(acrypto_session_mode(s))) {
		skip = s->assoclen;
		naad = vac_sg_cut(s->src, 0, vac_aad_len(s), pool, &avail,
				  &req->aad);
		if (unlikely(naad < 0))
			return naad;
	}
	if (s->dst == s->src) {
		/* The device reads and writes the same buffers. */
		nsrc = vac_sg_cut(s->src, skip, text, pool + total - avail,
				  &avail, &req->src);
		if (unlikely(nsrc < 0))
			return nsrc;
		req->dst = req->src;
		ndst = nsrc;
		/* The tag: read after the text to decrypt, written to encrypt. */
		if (s->len != req->dst_len)
			ntag = vac_sg_cut(s->src, skip + text,
					  max(s->len, req->dst_len) - text,
					  pool + total - avail, &avail,
					  &req->tag);
		if (unlikely(ntag < 0))
			return ntag;
	} else {
		nsrc = vac_sg_cut(s->src, skip, s->len, pool + total - avail,
				  &avail, &req->src);
		if (unlikely(nsrc < 0))
			return nsrc;
		ndst = vac_sg_cut(s->dst, skip, req->dst_len,
				  pool + total - avail, &avail, &req->dst);
		if (unlikely(ndst < 0))
			return ndst;
	}
	return nsrc + naad + ndst + ntag;
}

/* The cipher header: op_flf and IV (VIRTIO_CRYPTO_SYM_OP_CIPHER). */
static unsigned int vac_header_cipher(struct vac_request *req,
				      struct acrypto_session *s)
{
	unsigned int mode = acrypto_session_mode(s);
	unsigned int ivlen = mode == ACRYPTO_MODE_ECB ? 0 : AES_BLOCK_SIZE;
	struct virtio_crypto_cipher_para *para =
		&req->hdr.u.sym_req.u.cipher.para;

	req->hdr.header.opcode =
		cpu_to_le32(acrypto_session_op(s) == ACRYPTO_OP_ENCRYPT ?
			    VIRTIO_CRYPTO_CIPHER_ENCRYPT :
			    VIRTIO_CRYPTO_CIPHER_DECRYPT);
	req->hdr.u.sym_req.op_type = cpu_to_le32(VIRTIO_CRYPTO_SYM_OP_CIPHER);
	para->iv_len = cpu_to_le32(ivlen);
	para->src_data_len = cpu_to_le32(s->len);
	para->dst_data_len = cpu_to_le32(s->len);

	/* The caller's IV may sit anywhere: the device reads a copy. */
	if (ivlen)
		memcpy(req->iv, s->iv, ivlen);
	/* The output IV of CBC decryption is gone once dst == src is written. */
	if (mode == ACRYPTO_MODE_CBC && acrypto_session_op(s) == ACRYPTO_OP_DECRYPT)
		scatterwalk_map_and_copy(req->next_iv, s->src,
					 s->len - AES_BLOCK_SIZE, AES_BLOCK_SIZE, 0);

	/* The sym op_flf is 48 bytes in both layouts: the IV follows. */
	return sizeof(req->hdr) + ivlen;
}

/*
 * The AEAD header: op_flf and the 12-byte GCM IV (RFC 4106: the key's salt
 * and the request's explicit IV).  Revision 1 makes the op_flf 24 bytes:
 * the IV then sits in what legacy devices read as padding.
 */
static unsigned int vac_header_aead(struct vac_request *req,
				    struct acrypto_session *s,
				    const struct vac_key *vk)
{
	struct vac_aead_data_flf *flf = (void *)&req->hdr.u;
	u8 *iv = req->vac->rev1 ? (u8 *)(flf + 1) : req->iv;

	req->hdr.header.opcode =
		cpu_to_le32(acrypto_session_op(s) == ACRYPTO_OP_ENCRYPT ?
			    VIRTIO_CRYPTO_AEAD_ENCRYPT :
			    VIRTIO_CRYPTO_AEAD_DECRYPT);
	flf->iv_len = cpu_to_le32(VAC_GCM_IV_LEN);
	flf->aad_len = cpu_to_le32(vac_aad_len(s));
	flf->src_data_len = cpu_to_le32(s->len);
	flf->dst_data_len = cpu_to_le32(req->dst_len);
	flf->tag_len = cpu_to_le32(vk->authsize);

	if (vk->mode == ACRYPTO_MODE_RFC4106) {
		memcpy(iv, vk->salt, VAC_RFC4106_SALT_LEN);
		memcpy(iv + VAC_RFC4106_SALT_LEN, s->iv, VAC_RFC4106_IV_LEN);
	} else {
		memcpy(iv, s->iv, VAC_GCM_IV_LEN);
	}
	return iv + VAC_GCM_IV_LEN - (u8 *)&req->hdr;
}

/*
 * The hash or MAC header: op_flf (virtio_crypto_hash_data_flf, the MAC's
 * is the same), 8 bytes with revision 1, 48 without.  No IV.
 */
static unsigned int vac_header_hash(struct vac_request *req,
				    struct acrypto_session *s)
{
	struct virtio_crypto_hash_para *para = &req->hdr.u.hash_req.para;

	BUILD_BUG_ON(offsetof(struct virtio_crypto_op_data_req,
			      u.mac_req.para.hash) !=
		     offsetof(struct virtio_crypto_op_data_req,
			      u.hash_req.para));
	req->hdr.header.opcode =
		cpu_to_le32(acrypto_session_mode(s) == ACRYPTO_MODE_HMAC ?
			    VIRTIO_CRYPTO_MAC : VIRTIO_CRYPTO_HASH);
	para->src_data_len = cpu_to_le32(s->len);
	para->hash_result_len = cpu_to_le32(req->dst_len);
	return req->vac->rev1 ? offsetof(struct virtio_crypto_op_data_req, u) +
				sizeof(*para) : sizeof(req->hdr);
}

/*
 * Turn the request prepared in session mode (@hdr_len bytes of header, the
 * last @ivlen of them the IV) into a stateless one: the parameters and the
 * key travel with it, in one descriptor before the source.
 */
static void vac_request_stateless(struct vac_request *req,
				  const struct vac_key *vk,
				  unsigned int hdr_len, unsigned int ivlen)
{
	struct vac_stateless_req *sl = vac_request_sl(req);
	const u8 *iv = (u8 *)&req->hdr + hdr_len - ivlen;
	__le32 op = cpu_to_le32(acrypto_session_op(req->s) ==
				ACRYPTO_OP_ENCRYPT ? VIRTIO_CRYPTO_OP_ENCRYPT :
				VIRTIO_CRYPTO_OP_DECRYPT);
	u8 *vlf;

	/* The header and the longer of the two op_flf. */
	memset(sl, 0, offsetof(struct vac_stateless_req, u.sym.vlf));
	sl->header.opcode = req->hdr.header.opcode;
	sl->header.algo = req->hdr.header.algo;
	/* flag 0: stateless mode. */
	if (vac_mode_hash(vk->mode)) {
		const struct virtio_crypto_hash_para *para =
			&req->hdr.u.hash_req.para;

		if (vk->mode == ACRYPTO_MODE_HASH) {
			struct vac_hash_flf_stateless *f = &sl->u.hash.flf;

			f->algo = req->hdr.header.algo;
			f->src_data_len = para->src_data_len;
			f->hash_result_len = para->hash_result_len;
			vlf = (u8 *)(f + 1);
		} else {
			struct vac_mac_flf_stateless *f = &sl->u.mac.flf;

			f->algo = req->hdr.header.algo;
			f->auth_key_len = cpu_to_le32(vk->keylen);
			f->src_data_len = para->src_data_len;
			f->hash_result_len = para->hash_result_len;
			vlf = sl->u.mac.vlf;
		}
	} else if (vac_mode_aead(vk->mode)) {
		const struct vac_aead_data_flf *a = (const void *)&req->hdr.u;
		struct vac_aead_flf_stateless *f = &sl->u.aead.flf;

		f->algo = req->hdr.header.algo;
		f->key_len = cpu_to_le32(vk->keylen);
		f->op = op;
		f->iv_len = a->iv_len;
		f->tag_len = a->tag_len;
		f->aad_len = a->aad_len;
		f->src_data_len = a->src_data_len;
		f->dst_data_len = a->dst_data_len;
		vlf = sl->u.aead.vlf;
	} else {
		const struct virtio_crypto_cipher_para *para =
			&req->hdr.u.sym_req.u.cipher.para;
		struct vac_cipher_flf_stateless *c = &sl->u.sym.flf.u.cipher;

		c->algo = req->hdr.header.algo;
		c->key_len = cpu_to_le32(vk->keylen);
		c->op = op;
		c->iv_len = para->iv_len;
		c->src_data_len = para->src_data_len;
		c->dst_data_len = para->dst_data_len;
		sl->u.sym.flf.op_type = cpu_to_le32(VIRTIO_CRYPTO_SYM_OP_CIPHER);
		vlf = sl->u.sym.vlf;
	}
	/* Both directions' commands hold the same key. */
	memcpy(vlf, vk->sess[0].cmd.key, vk->keylen);
	memcpy(vlf + vk->keylen, iv, ivlen);
	sg_init_one(&req->hdr_sg, sl, vlf + vk->keylen + ivlen - (u8 *)sl);
}

/*
 * Build the device request for the current step of @s in @req: in session
 * mode, or in stateless mode when the device negotiated it for the
 * service.
 */
static int vac_request_prepare(struct vac_device *vac,
			       struct acrypto_session *s,
			       struct vac_request *req,
			       const struct vac_key *vk)
{
	unsigned int mode = acrypto_session_mode(s);
	unsigned int op = acrypto_session_op(s);
	u32 algo = vac_algo(vac, acrypto_session_alg(s), mode);
	bool stateless = vac_stateless(vac, mode);
	unsigned int len = s->len, ivlen = 0, aadlen = 0, hdr_len;
	int n;

	if (unlikely(!algo))
		return -EINVAL;
	if (vac_mode_hash(mode)) {
		/* A whole message: the device keeps no partial state. */
		if (unlikely(op != ACRYPTO_OP_HASH_DIGEST))
			return -EINVAL;
		req->dst_len = vk->authsize;
	} else if (unlikely(op >= VAC_NUM_DIRS)) {
		return -EINVAL;
	} else if (vac_mode_aead(mode)) {
		/* The device sessions hold the key's tag size. */
		if (unlikely(s->authsize != vk->authsize))
			return -EINVAL;
		/* Decryption reads the tag after the text. */
		if (unlikely(op == ACRYPTO_OP_DECRYPT && len < vk->authsize))
			return -EINVAL;
		if (unlikely(op == ACRYPTO_OP_ENCRYPT &&
			     len > U32_MAX - vk->authsize))
			return -EOPNOTSUPP;
		if (unlikely(mode == ACRYPTO_MODE_RFC4106 &&
			     s->assoclen < VAC_RFC4106_IV_LEN))
			return -EINVAL;
		ivlen = VAC_GCM_IV_LEN;
		aadlen = vac_aad_len(s);
		req->dst_len = op == ACRYPTO_OP_ENCRYPT ? len + vk->authsize :
			       len - vk->authsize;
	} else {
		if (unlikely(!len || ((mode == ACRYPTO_MODE_CBC ||
				       mode == ACRYPTO_MODE_ECB) &&
				      len % AES_BLOCK_SIZE)))
			return -EINVAL;
		ivlen = mode == ACRYPTO_MODE_ECB ? 0 : AES_BLOCK_SIZE;
		req->dst_len = len;
	}
	/*
	 * Too large for this device (the engine knows, see vac_algs_init()):
	 * the IV, the AAD, the source and destination (a digest), a stateless
	 * request's key.
	 */
	if (unlikely((u64)ivlen + aadlen + len + req->dst_len +
		     (stateless ? vk->keylen : 0) > vac->max_size))
		return -EOPNOTSUPP;

	req->vac = vac;
	req->long_sg = NULL;
	n = vac_request_chains(s, req, req->sg, VAC_REQ_SGS);
	if (unlikely(n == -E2BIG)) {
		/* Back-pressure while every long table is lent out. */
		if (!vac_request_get_long(vac, req, false) &&
		    !vac_request_wait_long(vac, req))
			return -ENOSPC;
		n = vac_request_chains(s, req, req->long_sg, VAC_LONG_SGS);
	}
	if (unlikely(n < 0 || n + 2 > vac->max_desc)) {
		vac_request_release(req);
		return n == -EINVAL ? n : -EOPNOTSUPP;
	}

	req->s = s;
	req->written = false;
	req->err = 0;
	req->used_len = 0;
	req->status = VAC_STATUS_NONE;

	memset(&req->hdr, 0, sizeof(req->hdr));
	req->hdr.header.algo = cpu_to_le32(algo);
	if (vac->rev1)
		req->hdr.header.flag = cpu_to_le32(VAC_FLAG_SESSION_MODE);
	if (vac_mode_hash(mode))
		hdr_len = vac_header_hash(req, s);
	else if (vac_mode_aead(mode))
		hdr_len = vac_header_aead(req, s, vk);
	else
		hdr_len = vac_header_cipher(req, s);

	if (stateless)
		vac_request_stateless(req, vk, hdr_len, ivlen);
	else
		sg_init_one(&req->hdr_sg, &req->hdr, hdr_len);
	sg_init_one(&req->status_sg, &req->status, sizeof(req->status));
	return 0;
}

/**
 * vac_process() - acrypto ->process(): start a request on the device
 * @adev: the acrypto device
 * @s: the session whose current step to run
 *
 * Context: any up to softirq; never sleeps.
 *
 * Return: -EINPROGRESS when the device (or the creation of the key's
 * device session) holds the request, -ENOSPC when the data queue is full,
 * the device is frozen or the request needs a long table and none is
 * free, -EOPNOTSUPP when this device declines the request or its key
 * (chain too long, request too large, key refused by the device: the
 * engine tries another device), -ENODEV while the device goes
 * away, -EINVAL for a malformed request.  Nothing reached the device when
 * it fails.
 */
int vac_process(struct acrypto_device *adev, struct acrypto_session *s)
{
	struct vac_device *vac = vac_from_adev(adev);
	struct vac_key *vk = acrypto_session_devpriv(s, adev);
	struct vac_request *req = acrypto_session_priv(s);
	struct vac_session *sess;
	int err;

	err = vac_request_prepare(vac, s, req, vk);
	if (unlikely(err))
		return err;

	if (vac_stateless(vac, vk->mode)) {
		/* No device session: the request carries its key. */
		err = vac_dataq_queue(vac, req, 0, true);
		if (unlikely(err != -EINPROGRESS))
			vac_request_release(req);
		return err;
	}

	sess = &vk->sess[vac_sess_index(vk, acrypto_session_op(s))];
	/* Pairs with the release in vac_create_done(): @id is valid. */
	if (likely(smp_load_acquire(&sess->state) == VAC_SESS_READY))
		err = vac_dataq_queue(vac, req, sess->id, true);
	else
		err = vac_session_wait(vac, sess, req);
	/* Refused: the request is the engine's again (untouched otherwise). */
	if (unlikely(err != -EINPROGRESS))
		vac_request_release(req);
	return err;
}

/* Put @req on the ring.  Caller holds dq->lock. */
static int vac_dataq_add(struct vac_dataq *dq, struct vac_request *req)
{
	/* An in-place AEAD request's tag: read to decrypt, written to encrypt. */
	bool enc = acrypto_session_op(req->s) == ACRYPTO_OP_ENCRYPT;
	/* Empty parts (NULL) take no descriptor. */
	struct scatterlist *sgs[] = {
		/* device-readable */
		&req->hdr_sg, req->src, enc ? NULL : req->tag, req->aad,
		/* device-writable */
		req->dst, enc ? req->tag : NULL, &req->status_sg,
	};

	lockdep_assert_held(&dq->lock);
	/* No indirect descriptors: @gfp is never used to allocate. */
	return virtqueue_add_sgs(dq->vq, sgs, 4, 3, req, GFP_ATOMIC);
}

/**
 * vac_dataq_queue() - send a prepared request to the device
 * @vac: the device
 * @req: request built by ->process()
 * @id: device session id for its key and direction
 * @direct: true when called from ->process(), which may still refuse the
 *	request with -ENOSPC; false for a request the engine already handed
 *	over, which then waits on the queue's backlog when the ring is full,
 *	and still goes to the ring while a freeze lets the device finish
 *
 * Context: any up to softirq.
 *
 * Return: -EINPROGRESS when the device owns the request; -ENOSPC (only if
 * @direct) when the queue is full or the device frozen; -ENODEV when the
 * device is going away or was reset, or another error of the virtqueue:
 * then the caller still owns @req, which never reached the ring.
 */
int vac_dataq_queue(struct vac_device *vac, struct vac_request *req, u64 id,
		    bool direct)
{
	/* Any queue works; the submitting CPU's spreads the load. */
	struct vac_dataq *dq = &vac->dq[raw_smp_processor_id() % vac->num_dq];
	bool notify = false;
	int err;

	req->hdr.header.session_id = cpu_to_le64(id);

	spin_lock_bh(&dq->lock);
	if (unlikely(READ_ONCE(vac->dying))) {
		err = -ENODEV;
	} else if (unlikely(READ_ONCE(vac->frozen) && direct)) {
		/* Parked by the engine until restore unblocks it. */
		err = -ENOSPC;
	} else if (unlikely(READ_ONCE(vac->reset))) {
		err = -ENODEV;
	} else if (unlikely(!list_empty(&dq->backlog))) {
		/* Requests the device accepted earlier go first. */
		err = -ENOSPC;
	} else {
		err = vac_dataq_add(dq, req);
		if (likely(!err)) {
			dq->inflight++;
			notify = virtqueue_kick_prepare(dq->vq);
			err = -EINPROGRESS;
		}
	}
	if (err == -ENOSPC) {
		if (direct) {
			dq->blocked = true;
		} else {
			list_add_tail(&req->node, &dq->backlog);
			err = -EINPROGRESS;
		}
	}
	spin_unlock_bh(&dq->lock);

	if (notify)
		virtqueue_notify(dq->vq);
	return err;
}

/* Add @n to a 128-bit big-endian counter. */
static void vac_ctr_add(u8 *ctr, unsigned int n)
{
	u32 carry = n;
	int i;

	for (i = AES_BLOCK_SIZE - 1; i >= 0 && carry; i--) {
		carry += ctr[i];
		ctr[i] = carry & 0xff;
		carry >>= 8;
	}
}

/*
 * What the device does not write where the caller wants it: the output IV
 * the mode defines (the device does not return one), a digest.
 */
static void vac_request_output(struct vac_request *req)
{
	struct acrypto_session *s = req->s;

	switch (acrypto_session_mode(s)) {
	case ACRYPTO_MODE_HASH:
	case ACRYPTO_MODE_HMAC:
		memcpy(s->result, req->digest, req->dst_len);
		break;
	case ACRYPTO_MODE_CBC:
		/* The last ciphertext block. */
		if (acrypto_session_op(s) == ACRYPTO_OP_ENCRYPT)
			scatterwalk_map_and_copy(s->iv, s->dst,
						 s->len - AES_BLOCK_SIZE,
						 AES_BLOCK_SIZE, 0);
		else
			memcpy(s->iv, req->next_iv, AES_BLOCK_SIZE);
		break;
	case ACRYPTO_MODE_CTR:
		/* The counter after the last (possibly partial) block. */
		memcpy(s->iv, req->iv, AES_BLOCK_SIZE);
		vac_ctr_add(s->iv, DIV_ROUND_UP(s->len, AES_BLOCK_SIZE));
		break;
	default:
		break;
	}
}

/*
 * What the device wrote back, as an errno.  Sets @req->written when the
 * device may have written the destination of a failed request.
 */
static int vac_request_result(struct vac_request *req)
{
	struct vac_device *vac = req->vac;
	struct acrypto_session *s = req->s;

	vac_fault_writeback(req);
	/*
	 * The output, then the status byte: all of it or nothing is valid.
	 * A failure need not write the output: any length up to all of it.
	 */
	if (unlikely(req->used_len != req->dst_len + sizeof(req->status) &&
		     (req->status == VIRTIO_CRYPTO_OK || !req->used_len ||
		      req->used_len > req->dst_len + sizeof(req->status)))) {
		dev_err_ratelimited(&vac->vdev->dev,
				    "request of %u bytes: device wrote %u bytes (status %u)\n",
				    s->len, req->used_len, req->status);
		req->written = true;
		return -EIO;
	}

	switch (req->status) {
	case VIRTIO_CRYPTO_OK:
		return 0;
	case VIRTIO_CRYPTO_BADMSG:
		/* Only a tag can be wrong: from anything else, an error. */
		if (unlikely(!vac_mode_aead(acrypto_session_mode(s)) ||
			     acrypto_session_op(s) != ACRYPTO_OP_DECRYPT))
			break;
		req->written = true;
		return -EBADMSG;
	case VIRTIO_CRYPTO_INVSESS:
		/* A stateless request names no session: a device error. */
		if (unlikely(vac_stateless(vac, acrypto_session_mode(s))))
			break;
		/*
		 * The device lost the session: make a new one next time, and
		 * let another device run this request (it was not run here).
		 */
		vac_session_invalid(vac, req);
		return -EAGAIN;
	case VIRTIO_CRYPTO_NOTSUPP:
		/* Not run either: declined (a stateless hash's for good). */
		vac_refuse(vac, acrypto_session_devpriv(s, vac->adev));
		return -EOPNOTSUPP;
	default:
		break;
	}
	dev_err_ratelimited(&vac->vdev->dev,
			    "request of %u bytes failed: status %u\n",
			    s->len, req->status);
	req->written = true;
	return -EIO;
}

/* Finish a request.  BH disabled; no queue lock held. */
static void vac_request_complete(struct vac_request *req)
{
	int err = req->err;

	if (likely(!err))
		err = vac_request_result(req);
	if (likely(!err)) {
		vac_request_output(req);
	} else if (req->written) {
		/*
		 * The engine reads -EOPNOTSUPP as "nothing done here": a device
		 * that may have written the output has failed instead.
		 */
		if (err == -EOPNOTSUPP)
			err = -EIO;
		acrypto_session_set_written(req->s);
	}
	vac_request_release(req);
	acrypto_session_complete(req->s, err);
}

/**
 * vac_request_fail() - finish a request without an answer of the device
 * @req: a request the engine handed over
 * @err: its result; a device error sends it to another device
 *
 * @req->written says whether it had reached a ring (and was taken back).
 *
 * Context: BH disabled, no queue lock held.
 */
void vac_request_fail(struct vac_request *req, int err)
{
	req->err = err;
	vac_request_complete(req);
}

/*
 * Move backlogged requests to the ring while it has room.  Caller holds
 * dq->lock; requests that cannot go are added to @failed.  Returns true when
 * the device needs a notification.
 */
static bool vac_dataq_feed(struct vac_dataq *dq, struct list_head *failed)
{
	struct vac_request *req;
	bool added = false;
	int err;

	lockdep_assert_held(&dq->lock);
	while ((req = list_first_entry_or_null(&dq->backlog,
					       struct vac_request, node))) {
		err = READ_ONCE(dq->vac->dying) || READ_ONCE(dq->vac->reset) ?
		      -ENODEV : vac_dataq_add(dq, req);
		if (err == -ENOSPC)
			break;
		list_del(&req->node);
		if (unlikely(err)) {
			req->err = err;
			list_add_tail(&req->node, failed);
			continue;
		}
		dq->inflight++;
		added = true;
	}
	return added && virtqueue_kick_prepare(dq->vq);
}

/* Completion tasklet of a data queue. */
static void vac_dataq_done(struct tasklet_struct *t)
{
	struct vac_dataq *dq = from_tasklet(dq, t, done);
	struct vac_device *vac = dq->vac;
	bool notify, unblock = false, wake;
	struct vac_request *req, *tmp;
	unsigned int len;
	LIST_HEAD(done);

	spin_lock(&dq->lock);
	/*
	 * A reset device's buffers were taken back: a late interrupt must not
	 * make us read its stale used ring.
	 */
	if (unlikely(READ_ONCE(vac->reset))) {
		spin_unlock(&dq->lock);
		return;
	}
	/* Fault injection: a device that stops answering (fault.c). */
	if (unlikely(vac_fault_hold())) {
		spin_unlock(&dq->lock);
		return;
	}
	do {
		virtqueue_disable_cb(dq->vq);
		while ((req = virtqueue_get_buf(dq->vq, &len))) {
			req->used_len = len;
			list_add_tail(&req->node, &done);
			dq->inflight--;
		}
		if (unlikely(virtqueue_is_broken(dq->vq)))
			break;
	} while (!virtqueue_enable_cb(dq->vq));

	notify = vac_dataq_feed(dq, &done);
	if (dq->blocked && list_empty(&dq->backlog) && dq->vq->num_free) {
		dq->blocked = false;
		unblock = true;
	}
	wake = vac_quiescing(vac);
	spin_unlock(&dq->lock);

	if (notify)
		virtqueue_notify(dq->vq);
	list_for_each_entry_safe(req, tmp, &done, node)
		vac_request_complete(req);
	if (unblock)
		acrypto_device_unblock(vac->adev);
	if (unlikely(wake))
		wake_up(&vac->idle_wait);
}

/**
 * vac_dataq_done_cb() - virtqueue callback of a data queue
 * @vq: the data virtqueue
 *
 * Context: hard interrupt; defers the work to the queue's tasklet.
 */
void vac_dataq_done_cb(struct virtqueue *vq)
{
	struct vac_device *vac = vq->vdev->priv;

	tasklet_schedule(&vac->dq[vq->index].done);
}

/**
 * vac_dataq_init() - set up the state of a data queue
 * @dq: the queue
 * @vac: its device
 *
 * The virtqueue is set later, by probe and again by restore.
 */
void vac_dataq_init(struct vac_dataq *dq, struct vac_device *vac)
{
	spin_lock_init(&dq->lock);
	INIT_LIST_HEAD(&dq->backlog);
	tasklet_setup(&dq->done, vac_dataq_done);
	dq->vac = vac;
}

/* Fail every request on @list with @err. */
static void vac_dataq_fail_list(struct list_head *list, int err)
{
	struct vac_request *req, *tmp;

	local_bh_disable();
	list_for_each_entry_safe(req, tmp, list, node)
		vac_request_fail(req, req->err ?: err);
	local_bh_enable();
}

/**
 * vac_dataq_stop() - fail what waits for room on the rings
 * @vac: a device with @dying set
 *
 * Requests on the rings stay there until the device completes them or
 * vac_dataq_reclaim() takes them back.
 *
 * Context: process context.
 */
void vac_dataq_stop(struct vac_device *vac)
{
	unsigned int i;
	LIST_HEAD(failed);

	for (i = 0; i < vac->num_dq; i++) {
		struct vac_dataq *dq = &vac->dq[i];

		spin_lock_bh(&dq->lock);
		list_splice_tail_init(&dq->backlog, &failed);
		spin_unlock_bh(&dq->lock);
	}
	vac_dataq_fail_list(&failed, -ENODEV);
}

/**
 * vac_dataq_reclaim() - take back every request from a reset device
 * @vac: a device that was reset, with its tasklets stopped
 *
 * The requests complete with -ENODEV, which sends them to another device;
 * those taken off a ring are marked written (the device may have run them
 * before the reset), which the engine honours for in-place requests.
 *
 * Context: process context.
 *
 * Return: the number of requests taken off the rings.
 */
unsigned int vac_dataq_reclaim(struct vac_device *vac)
{
	struct vac_request *req;
	unsigned int i, n = 0;
	LIST_HEAD(failed);

	for (i = 0; i < vac->num_dq; i++) {
		struct vac_dataq *dq = &vac->dq[i];

		spin_lock_bh(&dq->lock);
		while ((req = virtqueue_detach_unused_buf(dq->vq))) {
			req->written = true;
			list_add_tail(&req->node, &failed);
			n++;
		}
		dq->inflight = 0;
		list_splice_tail_init(&dq->backlog, &failed);
		spin_unlock_bh(&dq->lock);
	}
	vac_dataq_fail_list(&failed, -ENODEV);
	return n;
}

/**
 * vac_dataq_cancel() - take a request off a data queue backlog
 * @vac: the device
 * @want: the request the engine wants back
 *
 * Requests on a ring belong to the device until it completes them; only
 * those still waiting for room can be given back.  The backlogs are
 * searched: the request's own fields may not be filled in yet.
 *
 * Context: BH off, a main queue shard lock held.
 *
 * Return: true if @want was on a backlog and is now the engine's again.
 */
bool vac_dataq_cancel(struct vac_device *vac, struct vac_request *want)
{
	struct vac_request *req;
	unsigned int i;

	for (i = 0; i < vac->num_dq; i++) {
		struct vac_dataq *dq = &vac->dq[i];
		bool found = false;

		spin_lock(&dq->lock);
		list_for_each_entry(req, &dq->backlog, node) {
			if (req == want) {
				list_del(&req->node);
				found = true;
				break;
			}
		}
		spin_unlock(&dq->lock);
		if (found)
			return true;
	}
	return false;
}

/**
 * vac_dataq_inflight() - requests the device holds
 * @vac: the device
 *
 * Return: requests on the rings, a snapshot.
 */
unsigned int vac_dataq_inflight(struct vac_device *vac)
{
	unsigned int i, n = 0;

	for (i = 0; i < vac->num_dq; i++) {
		spin_lock_bh(&vac->dq[i].lock);
		n += vac->dq[i].inflight;
		spin_unlock_bh(&vac->dq[i].lock);
	}
	return n;
}

/**
 * vac_dataq_idle() - whether the data queues hold no request
 * @vac: the device
 *
 * Return: true when no request is on a ring or a backlog.
 */
bool vac_dataq_idle(struct vac_device *vac)
{
	bool idle = true;
	unsigned int i;

	for (i = 0; i < vac->num_dq && idle; i++) {
		struct vac_dataq *dq = &vac->dq[i];

		spin_lock_bh(&dq->lock);
		idle = !dq->inflight && list_empty(&dq->backlog);
		spin_unlock_bh(&dq->lock);
	}
	return idle;
}

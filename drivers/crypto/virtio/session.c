// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_acrypto: device sessions over the control queue.
 *
 * A virtio-crypto cipher or AEAD session holds a key and one direction (an
 * AEAD session its tag length too, the key's: a new tag length prepares the
 * key again, see acrypto_key_set_authsize()).  Keys become
 * device sessions lazily: key_prepare only copies the key, and the first
 * request of a key and direction on this device queues a create command.
 * That request, and every request of the same key and direction arriving
 * before the device answers, waits on the session's list; the answer
 * releases them to the data queue.  A key that is only ever used to encrypt
 * costs one round trip, not the two blocking ones of a create per direction
 * at setkey time.
 *
 * Commands are sent by a work item (process context, nothing allocated, no
 * sleeping on the device), and answers are handled by a tasklet: neither
 * creation nor destruction ever blocks the data path or a caller of
 * key_release, and several commands are in flight at once.
 *
 * When the device refuses a session (QEMU's builtin backend holds 256),
 * the waiting requests are declined (-EOPNOTSUPP): a full session table is
 * no failure of the device, and the engine runs them on another device (or
 * the kernel's own implementation) without counting an error.  The refusal
 * is remembered, so later requests of that key are declined at once, until
 * a destroyed session makes room (vac_device.sess_freed moved) and one more
 * create is worth trying.
 *
 * A device reset returns the device to its initial state, without
 * sessions, but QEMU's builtin backend keeps them: before a freeze resets
 * the device, vac_sessions_destroy() destroys them all, and after the
 * reset vac_sessions_forget() sets every key back to "no session", so that
 * the next request of each key creates a new one on the restored device.
 *
 * Lifetime: struct vac_key has one reference for the engine (until
 * key_release) and one per command queued or in flight, so a destroy
 * command can outlive the key and free it when the device answers.  It is
 * on its device's key list for as long as it exists.
 */

#include <linux/slab.h>
#include <linux/string.h>
#include <linux/virtio.h>

#include "virtio_acrypto.h"

static void vac_key_put(struct vac_key *vk)
{
	struct vac_device *vac = vk->vac;

	if (!refcount_dec_and_test(&vk->refs))
		return;
	spin_lock_bh(&vac->keys_lock);
	list_del(&vk->node);
	spin_unlock_bh(&vac->keys_lock);
	kfree_sensitive(vk);
}

/**
 * vac_key_prepare() - acrypto key_prepare: get ready to serve a key
 * @adev: the acrypto device
 * @key: a key the engine found within our capabilities
 *
 * No round trip: the device session is created when a request needs it.
 *
 * Context: process context.
 *
 * Return: 0, -EINVAL for a key the device cannot hold, or -ENOMEM.
 */
int vac_key_prepare(struct acrypto_device *adev, struct acrypto_key *key)
{
	struct vac_device *vac = vac_from_adev(adev);
	unsigned int keylen = key->keylen;
	struct vac_key *vk;
	unsigned int op;

	if (!vac_algo(vac, key->alg, key->mode))
		return -EINVAL;
	/* The salt of an RFC 4106 key stays here: it goes in each IV. */
	if (key->mode == ACRYPTO_MODE_RFC4106) {
		if (keylen < VAC_RFC4106_SALT_LEN)
			return -EINVAL;
		keylen -= VAC_RFC4106_SALT_LEN;
	}
	if (key->mode == ACRYPTO_MODE_HMAC) {
		/* max_auth_key_len: the device's MAC key limit (D9). */
		if (!keylen || keylen > VAC_MAX_AUTH_KEY_LEN ||
		    keylen > vac->max_auth_key_len)
			return -EINVAL;
	} else if (key->mode == ACRYPTO_MODE_HASH) {
		keylen = 0;
	} else if (keylen > VAC_MAX_KEY_LEN || keylen > vac->max_key_len) {
		return -EINVAL;
	}
	/* An AEAD session holds its tag length (hash_result_len). */
	if (vac_mode_aead(key->mode) &&
	    (!key->authsize || key->authsize > AES_BLOCK_SIZE))
		return -EINVAL;

	vk = kzalloc(sizeof(*vk), GFP_KERNEL);
	if (!vk)
		return -ENOMEM;

	spin_lock_init(&vk->lock);
	refcount_set(&vk->refs, 1);
	vk->alg = key->alg;
	vk->mode = key->mode;
	/* A hash session holds its result length too (hash_result_len). */
	vk->authsize = vac_mode_hash(key->mode) ? vac_digest_size(key->alg) :
		       key->authsize;
	vk->keylen = keylen;
	if (key->mode == ACRYPTO_MODE_RFC4106)
		memcpy(vk->salt, key->data + keylen, VAC_RFC4106_SALT_LEN);
	vk->vac = vac;
	/* vac_key.sess is indexed by the cipher ops. */
	BUILD_BUG_ON(ACRYPTO_OP_ENCRYPT != 0 || ACRYPTO_OP_DECRYPT != 1);
	for (op = 0; op < VAC_NUM_DIRS; op++) {
		struct vac_session *sess = &vk->sess[op];

		sess->op = op;
		sess->vk = vk;
		memcpy(sess->cmd.key, key->data, keylen);
		INIT_LIST_HEAD(&sess->waiting);
		INIT_LIST_HEAD(&sess->node);
	}

	spin_lock_bh(&vac->keys_lock);
	list_add_tail(&vk->node, &vac->keys);
	spin_unlock_bh(&vac->keys_lock);
	acrypto_key_set_devpriv(key, adev, vk);
	return 0;
}

/*
 * Queue a command for @sess.  Caller holds the key's lock.  Returns -ENODEV
 * when the device cannot take it any more, -ENOSPC for a create while the
 * device is frozen.
 */
static int vac_ctrl_queue(struct vac_device *vac, struct vac_session *sess,
			  u8 cmd_op)
{
	int err = 0;

	lockdep_assert_held(&sess->vk->lock);
	spin_lock(&vac->ctrl_lock);
	if (cmd_op == VAC_CMD_CREATE && vac->dying)
		err = -ENODEV;
	else if (cmd_op == VAC_CMD_CREATE && vac->frozen)
		err = -ENOSPC;
	else if (vac->reset)
		err = -ENODEV;
	if (err) {
		spin_unlock(&vac->ctrl_lock);
		return err;
	}
	refcount_inc(&sess->vk->refs);
	sess->cmd_op = cmd_op;
	list_add_tail(&sess->node, &vac->ctrl_pending);
	spin_unlock(&vac->ctrl_lock);

	queue_work(vac_wq, &vac->ctrl_work);
	return 0;
}

/**
 * vac_key_release() - acrypto key_release: forget a key
 * @adev: the acrypto device
 * @key: a key prepared by vac_key_prepare(), with no request in flight here
 *
 * Queues the destruction of the key's device sessions and returns without
 * waiting for the device; the last answer frees the key's state.
 *
 * Context: process context.
 */
void vac_key_release(struct acrypto_device *adev, struct acrypto_key *key)
{
	struct vac_device *vac = vac_from_adev(adev);
	struct vac_key *vk = acrypto_key_devpriv(key, adev);
	unsigned int op;

	if (WARN_ON(!vk))
		return;

	spin_lock_bh(&vk->lock);
	vk->released = true;
	for (op = 0; op < VAC_NUM_DIRS; op++) {
		struct vac_session *sess = &vk->sess[op];

		/* A create still in flight is destroyed when it completes. */
		if (sess->state != VAC_SESS_READY)
			continue;
		sess->state = VAC_SESS_NONE;
		/* Fails only once the device was reset: too late to destroy. */
		vac_ctrl_queue(vac, sess, VAC_CMD_DESTROY);
	}
	spin_unlock_bh(&vk->lock);
	vac_key_put(vk);
}

/**
 * vac_session_wait() - a request whose device session is not ready
 * @vac: the device
 * @sess: the key's device session for the request's direction (a hash
 *	key's only one)
 * @req: the prepared request
 *
 * Context: any up to softirq, from ->process().
 *
 * Return: whatever vac_dataq_queue() returns if the session became ready;
 * -EINPROGRESS when @req waits for the session to be created; -EOPNOTSUPP
 * when the device refused the key (declined), -ENOSPC while it is frozen,
 * -ENODEV when it is going away.
 */
int vac_session_wait(struct vac_device *vac, struct vac_session *sess,
		     struct vac_request *req)
{
	struct vac_key *vk = sess->vk;
	int ret;

	spin_lock_bh(&vk->lock);
	switch (sess->state) {
	case VAC_SESS_READY:
		spin_unlock_bh(&vk->lock);
		return vac_dataq_queue(vac, req, sess->id, true);
	case VAC_SESS_FAILED:
		/* Refused: try again only if a session was destroyed since. */
		if (sess->fail_gen == VAC_GEN_NEVER ||
		    sess->fail_gen == (unsigned int)atomic_read(&vac->sess_freed)) {
			ret = -EOPNOTSUPP;
			break;
		}
		fallthrough;
	case VAC_SESS_NONE:
		ret = vac_ctrl_queue(vac, sess, VAC_CMD_CREATE);
		if (ret)
			break;
		sess->state = VAC_SESS_CREATING;
		fallthrough;
	case VAC_SESS_CREATING:
		list_add_tail(&req->node, &sess->waiting);
		atomic_inc(&vac->waiting);
		ret = -EINPROGRESS;
		break;
	default:
		WARN_ON_ONCE(1);
		ret = -EIO;
		break;
	}
	spin_unlock_bh(&vk->lock);
	return ret;
}

/**
 * vac_session_invalid() - the device does not know a request's session
 * @vac: the device
 * @req: the request it refused with VIRTIO_CRYPTO_INVSESS
 *
 * The next request of the key creates a new session.
 *
 * Context: BH.
 */
void vac_session_invalid(struct vac_device *vac, struct vac_request *req)
{
	struct acrypto_session *s = req->s;
	struct vac_key *vk = acrypto_session_devpriv(s, vac->adev);
	struct vac_session *sess =
		&vk->sess[vac_sess_index(vk, acrypto_session_op(s))];
	u64 id = le64_to_cpu(req->hdr.header.session_id);

	spin_lock_bh(&vk->lock);
	if (sess->state == VAC_SESS_READY && sess->id == id) {
		dev_warn_ratelimited(&vac->vdev->dev,
				     "device lost session %llu, creating a new one\n",
				     id);
		sess->state = VAC_SESS_NONE;
	}
	spin_unlock_bh(&vk->lock);
}

/**
 * vac_session_cancel() - take a request off its session's waiting list
 * @vac: the device
 * @s: a session the engine wants back
 *
 * Looks for the request on the list rather than trusting its private area:
 * the engine may ask while ->process() is still filling that in.
 *
 * Context: BH off, a main queue shard lock held.
 *
 * Return: true if the request was waiting and is now the engine's again.
 */
bool vac_session_cancel(struct vac_device *vac, struct acrypto_session *s)
{
	struct vac_request *want = acrypto_session_priv(s), *req;
	struct vac_key *vk = acrypto_session_devpriv(s, vac->adev);
	unsigned int op = acrypto_session_op(s);
	struct vac_session *sess;
	bool found = false;

	if (!vk)
		return false;
	op = vac_sess_index(vk, op);
	if (op >= VAC_NUM_DIRS)
		return false;
	sess = &vk->sess[op];

	spin_lock(&vk->lock);
	list_for_each_entry(req, &sess->waiting, node) {
		if (req == want) {
			list_del(&req->node);
			atomic_dec(&vac->waiting);
			found = true;
			break;
		}
	}
	spin_unlock(&vk->lock);
	/* Perhaps the last thing a removal or a freeze waited for. */
	if (found && vac_quiescing(vac))
		wake_up(&vac->idle_wait);
	return found;
}

/**
 * vac_sessions_destroy() - destroy every device session of the device
 * @vac: a frozen device whose data queues are idle
 *
 * Queues a destroy command for every session that is ready; the caller
 * waits for the control queue to drain.  Keys keep their state: their next
 * request after restore creates a session again.
 *
 * Context: process context.
 *
 * Return: the number of destroy commands queued.
 */
unsigned int vac_sessions_destroy(struct vac_device *vac)
{
	unsigned int op, n = 0;
	struct vac_key *vk;

	spin_lock_bh(&vac->keys_lock);
	list_for_each_entry(vk, &vac->keys, node) {
		spin_lock(&vk->lock);
		for (op = 0; op < VAC_NUM_DIRS; op++) {
			struct vac_session *sess = &vk->sess[op];

			if (sess->state != VAC_SESS_READY)
				continue;
			sess->state = VAC_SESS_NONE;
			if (!vac_ctrl_queue(vac, sess, VAC_CMD_DESTROY))
				n++;
		}
		spin_unlock(&vk->lock);
	}
	spin_unlock_bh(&vac->keys_lock);
	return n;
}

/**
 * vac_sessions_forget() - the device was reset: no key has a session
 * @vac: a device that was reset, its control commands taken back
 *
 * Context: process context.
 *
 * Return: the number of sessions that were still ready (a device that
 * keeps its sessions across a reset, as QEMU's builtin backend does, keeps
 * these for good).
 */
unsigned int vac_sessions_forget(struct vac_device *vac)
{
	unsigned int op, n = 0;
	struct vac_key *vk;

	spin_lock_bh(&vac->keys_lock);
	list_for_each_entry(vk, &vac->keys, node) {
		spin_lock(&vk->lock);
		for (op = 0; op < VAC_NUM_DIRS; op++) {
			struct vac_session *sess = &vk->sess[op];

			/* vac_ctrl_reclaim() finished every create. */
			WARN_ON_ONCE(sess->state == VAC_SESS_CREATING);
			if (sess->state == VAC_SESS_READY)
				n++;
			sess->state = VAC_SESS_NONE;
		}
		spin_unlock(&vk->lock);
	}
	spin_unlock_bh(&vac->keys_lock);
	return n;
}

/* The create command of an AEAD session; returns its op_flf's length. */
static unsigned int vac_ctrl_aead(struct vac_device *vac,
				  struct vac_session *sess)
{
	struct virtio_crypto_aead_session_para *para =
		&sess->cmd.req.u.aead_create_session.para;
	struct vac_key *vk = sess->vk;

	sess->cmd.req.header.opcode =
		cpu_to_le32(VIRTIO_CRYPTO_AEAD_CREATE_SESSION);
	para->algo = sess->cmd.req.header.algo;
	para->key_len = cpu_to_le32(vk->keylen);
	para->hash_result_len = cpu_to_le32(vk->authsize);
	/* 0: each request says how much associated data it has. */
	para->aad_len = 0;
	para->op = cpu_to_le32(sess->op == ACRYPTO_OP_ENCRYPT ?
			       VIRTIO_CRYPTO_OP_ENCRYPT :
			       VIRTIO_CRYPTO_OP_DECRYPT);
	/* Revision 1: virtio_crypto_aead_create_session_flf, not padded. */
	return vac->rev1 ? sizeof(*para) :
	       sizeof(sess->cmd.req.u.aead_create_session);
}

/*
 * The create command of a hash or MAC session; returns its op_flf's
 * length.  A MAC key follows in its own descriptor, as an AEAD key does.
 */
static unsigned int vac_ctrl_hash(struct vac_device *vac,
				  struct vac_session *sess)
{
	struct virtio_crypto_op_ctrl_req *req = &sess->cmd.req;
	struct vac_key *vk = sess->vk;

	if (vk->mode == ACRYPTO_MODE_HMAC) {
		struct virtio_crypto_mac_session_para *para =
			&req->u.mac_create_session.para;

		req->header.opcode =
			cpu_to_le32(VIRTIO_CRYPTO_MAC_CREATE_SESSION);
		para->algo = req->header.algo;
		para->hash_result_len = cpu_to_le32(vk->authsize);
		para->auth_key_len = cpu_to_le32(vk->keylen);
		/* Revision 1: virtio_crypto_mac_create_session_flf's 16. */
		return vac->rev1 ? sizeof(*para) :
		       sizeof(req->u.mac_create_session);
	}
	req->header.opcode = cpu_to_le32(VIRTIO_CRYPTO_HASH_CREATE_SESSION);
	req->u.hash_create_session.para.algo = req->header.algo;
	req->u.hash_create_session.para.hash_result_len =
		cpu_to_le32(vk->authsize);
	/*
	 * Revision 1: virtio_crypto_hash_create_session_flf's 8 bytes (Linux's
	 * virtio_crypto_hash_session_para has 8 bytes of padding more).
	 */
	BUILD_BUG_ON(offsetof(struct virtio_crypto_hash_session_para,
			      padding) != 8);
	return vac->rev1 ? offsetof(struct virtio_crypto_hash_session_para,
				    padding) :
	       sizeof(req->u.hash_create_session);
}

/* The destroy opcode of @mode's service. */
static u32 vac_ctrl_destroy_op(unsigned int mode)
{
	switch (vac_service(mode)) {
	case VIRTIO_CRYPTO_SERVICE_AEAD:
		return VIRTIO_CRYPTO_AEAD_DESTROY_SESSION;
	case VIRTIO_CRYPTO_SERVICE_HASH:
		return VIRTIO_CRYPTO_HASH_DESTROY_SESSION;
	case VIRTIO_CRYPTO_SERVICE_MAC:
		return VIRTIO_CRYPTO_MAC_DESTROY_SESSION;
	default:
		return VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION;
	}
}

/* Fill in the command of @sess and put it on the ring.  Holds ctrl_lock. */
static int vac_ctrl_add(struct vac_device *vac, struct vac_session *sess)
{
	struct vac_ctrl *cmd = &sess->cmd;
	struct vac_key *vk = sess->vk;
	struct scatterlist out[2], in, *sgs[] = { out, &in };

	memset(&cmd->req, 0, sizeof(cmd->req));
	cmd->req.header.algo = cpu_to_le32(vac_algo(vac, vk->alg, vk->mode));
	if (sess->cmd_op == VAC_CMD_CREATE) {
		memset(&cmd->in.create, 0, sizeof(cmd->in.create));
		cmd->in.create.status = cpu_to_le32(VAC_STATUS_NONE);
		sess->issue_gen = atomic_read(&vac->sess_freed);
		sg_init_one(&in, &cmd->in.create, sizeof(cmd->in.create));
	}
	if (sess->cmd_op == VAC_CMD_CREATE &&
	    (vac_mode_aead(vk->mode) || vac_mode_hash(vk->mode))) {
		unsigned int flf = vac_mode_aead(vk->mode) ?
				   vac_ctrl_aead(vac, sess) :
				   vac_ctrl_hash(vac, sess);

		/* The key follows the op_flf, whatever its length. */
		sg_init_table(out, vk->keylen ? 2 : 1);
		sg_set_buf(&out[0], &cmd->req, sizeof(cmd->req.header) + flf);
		if (vk->keylen)
			sg_set_buf(&out[1], cmd->key, vk->keylen);
	} else if (sess->cmd_op == VAC_CMD_CREATE) {
		struct virtio_crypto_sym_create_session_req *sym =
			&cmd->req.u.sym_create_session;
		struct virtio_crypto_cipher_session_para *para =
			&sym->u.cipher.para;

		cmd->req.header.opcode =
			cpu_to_le32(VIRTIO_CRYPTO_CIPHER_CREATE_SESSION);
		sym->op_type = cpu_to_le32(VIRTIO_CRYPTO_SYM_OP_CIPHER);
		para->algo = cmd->req.header.algo;
		para->keylen = cpu_to_le32(vk->keylen);
		para->op = cpu_to_le32(sess->op == ACRYPTO_OP_ENCRYPT ?
				       VIRTIO_CRYPTO_OP_ENCRYPT :
				       VIRTIO_CRYPTO_OP_DECRYPT);
		/* 56 bytes of op_flf in both layouts, then the key. */
		sg_init_one(out, &cmd->req, sizeof(cmd->req) + vk->keylen);
	} else {
		cmd->req.header.opcode =
			cpu_to_le32(vac_ctrl_destroy_op(vk->mode));
		cmd->req.u.destroy_session.session_id = cpu_to_le64(sess->id);
		cmd->in.destroy.status = VAC_STATUS_NONE;

		/* Revision 1: op_flf is destroy_session_flf's 8 bytes. */
		sg_init_one(out, &cmd->req, vac->rev1 ?
			    sizeof(cmd->req.header) +
			    sizeof(cmd->req.u.destroy_session.session_id) :
			    sizeof(cmd->req));
		sg_init_one(&in, &cmd->in.destroy, sizeof(cmd->in.destroy));
	}
	sess->used_len = 0;
	sess->err = 0;

	/* No indirect descriptors: @gfp is never used to allocate. */
	return virtqueue_add_sgs(vac->ctrl_vq, sgs, 1, 1, sess, GFP_ATOMIC);
}

/**
 * vac_refuse() - the device answered NOTSUPP for a key
 * @vac: the device
 * @vk: the key
 *
 * A hash or MAC algorithm the device advertises but does not implement
 * (QEMU 7.2's SHA-1): the engine withdraws the capability, so that no key
 * of it is prepared here again and nothing is registered with the crypto
 * API for it (in a partition either).  A cipher or AEAD refusal may
 * concern one key size only: the key alone is declined.
 *
 * Context: any up to softirq.
 */
void vac_refuse(struct vac_device *vac, const struct vac_key *vk)
{
	if (vac_mode_hash(vk->mode) &&
	    acrypto_device_cap_withdraw(vac->adev, vk->alg, vk->mode))
		dev_warn(&vac->vdev->dev,
			 "device advertises algorithm %u of service %u but refuses its sessions (NOTSUPP): not using it\n",
			 vac_algo(vac, vk->alg, vk->mode),
			 vac_service(vk->mode));
}

/*
 * Outcome of a create command: 0 with *@id set, or the errno the waiting
 * requests get; *@retry says whether a later create may succeed once a
 * session was destroyed.
 */
static int vac_create_result(struct vac_device *vac, struct vac_session *sess,
			     u64 *id, bool *retry)
{
	struct virtio_crypto_session_input *in = &sess->cmd.in.create;
	u32 status = le32_to_cpu(in->status);

	*retry = true;
	if (sess->err)
		return sess->err;
	if (unlikely(sess->used_len < sizeof(*in))) {
		dev_err_ratelimited(&vac->vdev->dev,
				    "create session: device wrote %u bytes\n",
				    sess->used_len);
		return -EIO;
	}

	switch (status) {
	case VIRTIO_CRYPTO_OK:
		*id = le64_to_cpu(in->session_id);
		return 0;
	case VIRTIO_CRYPTO_ERR:
	case VIRTIO_CRYPTO_NOSPC:
		/* Most likely the session table is full. */
		dev_info_ratelimited(&vac->vdev->dev,
				     "device refused a session (status %u), its requests go to other devices\n",
				     status);
		return -EOPNOTSUPP;
	case VIRTIO_CRYPTO_NOTSUPP:
		vac_refuse(vac, sess->vk);
		*retry = false;
		return -EOPNOTSUPP;
	default:
		dev_warn_ratelimited(&vac->vdev->dev,
				     "device rejected a session: status %u\n",
				     status);
		*retry = false;
		return -EOPNOTSUPP;
	}
}

/* A create command finished (or could not be sent): release its waiters. */
static void vac_create_done(struct vac_device *vac, struct vac_session *sess)
{
	struct vac_key *vk = sess->vk;
	struct vac_request *req, *tmp;
	LIST_HEAD(waiting);
	bool retry;
	u64 id = 0;
	int err;

	err = vac_create_result(vac, sess, &id, &retry);

	spin_lock_bh(&vk->lock);
	list_splice_init(&sess->waiting, &waiting);
	if (!err && vk->released) {
		/* The key went away meanwhile: undo the session. */
		sess->id = id;
		sess->state = VAC_SESS_NONE;
		vac_ctrl_queue(vac, sess, VAC_CMD_DESTROY);
	} else if (!err) {
		sess->id = id;
		/* Pairs with the acquire in vac_process(). */
		smp_store_release(&sess->state, VAC_SESS_READY);
	} else {
		sess->state = VAC_SESS_FAILED;
		sess->fail_gen = retry ? sess->issue_gen : VAC_GEN_NEVER;
	}
	spin_unlock_bh(&vk->lock);

	list_for_each_entry_safe(req, tmp, &waiting, node) {
		int ret = err;

		list_del(&req->node);
		if (!ret)
			ret = vac_dataq_queue(vac, req, id, false);
		/* Counted until on a queue: removal and freeze wait for it. */
		atomic_dec(&vac->waiting);
		if (ret != -EINPROGRESS)
			vac_request_fail(req, ret);
	}
}

/* A destroy command finished (or could not be sent). */
static void vac_destroy_done(struct vac_device *vac, struct vac_session *sess)
{
	u8 status = sess->cmd.in.destroy.status;

	if (sess->err)
		return;
	if (likely(sess->used_len >= sizeof(sess->cmd.in.destroy) &&
		   status == VIRTIO_CRYPTO_OK)) {
		/* Room for a key the device refused before. */
		atomic_inc(&vac->sess_freed);
		return;
	}
	dev_warn_ratelimited(&vac->vdev->dev,
			     "destroying session %llu failed: status %u, %u bytes\n",
			     sess->id, status, sess->used_len);
}

/* A command of @sess is over.  BH disabled, no lock held. */
static void vac_ctrl_complete(struct vac_device *vac, struct vac_session *sess)
{
	struct vac_key *vk = sess->vk;

	if (sess->cmd_op == VAC_CMD_CREATE)
		vac_create_done(vac, sess);
	else
		vac_destroy_done(vac, sess);
	/* The command's reference: may free the key. */
	vac_key_put(vk);
}

/* Send the queued commands: the control work item. */
static void vac_ctrl_worker(struct work_struct *work)
{
	struct vac_device *vac = container_of(work, struct vac_device,
					      ctrl_work);
	struct vac_session *sess, *tmp;
	bool notify = false;
	LIST_HEAD(failed);
	int err;

	spin_lock_bh(&vac->ctrl_lock);
	while ((sess = list_first_entry_or_null(&vac->ctrl_pending,
						struct vac_session, node))) {
		/* A reset device takes nothing: vac_ctrl_reclaim() fails it. */
		if (vac->reset)
			break;
		if (sess->cmd_op == VAC_CMD_CREATE && vac->dying)
			err = -ENODEV;
		else
			err = vac_ctrl_add(vac, sess);
		/* Ring full: the completion tasklet queues this work again. */
		if (err == -ENOSPC && vac->ctrl_inflight)
			break;
		list_del(&sess->node);
		if (unlikely(err)) {
			sess->err = err;
			list_add_tail(&sess->node, &failed);
			continue;
		}
		vac->ctrl_inflight++;
		notify = true;
	}
	if (notify)
		notify = virtqueue_kick_prepare(vac->ctrl_vq);
	spin_unlock_bh(&vac->ctrl_lock);

	if (notify)
		virtqueue_notify(vac->ctrl_vq);

	list_for_each_entry_safe(sess, tmp, &failed, node) {
		list_del_init(&sess->node);
		local_bh_disable();
		vac_ctrl_complete(vac, sess);
		local_bh_enable();
	}
}

/* Completion tasklet of the control queue. */
static void vac_ctrl_done(struct tasklet_struct *t)
{
	struct vac_device *vac = from_tasklet(vac, t, ctrl_done);
	struct vac_session *sess, *tmp;
	bool requeue, wake;
	unsigned int len;
	LIST_HEAD(done);

	spin_lock(&vac->ctrl_lock);
	/* As for the data queues: nothing to read once the device was reset. */
	if (unlikely(vac->reset)) {
		spin_unlock(&vac->ctrl_lock);
		return;
	}
	/* Fault injection: a device that stops answering (fault.c). */
	if (unlikely(vac_fault_hold())) {
		spin_unlock(&vac->ctrl_lock);
		return;
	}
	do {
		virtqueue_disable_cb(vac->ctrl_vq);
		while ((sess = virtqueue_get_buf(vac->ctrl_vq, &len))) {
			sess->used_len = len;
			list_add_tail(&sess->node, &done);
			vac->ctrl_inflight--;
		}
		if (unlikely(virtqueue_is_broken(vac->ctrl_vq)))
			break;
	} while (!virtqueue_enable_cb(vac->ctrl_vq));
	/* Commands that waited for room on the ring. */
	requeue = !list_empty(&vac->ctrl_pending);
	wake = vac_quiescing(vac);
	spin_unlock(&vac->ctrl_lock);

	if (requeue)
		queue_work(vac_wq, &vac->ctrl_work);
	list_for_each_entry_safe(sess, tmp, &done, node) {
		list_del_init(&sess->node);
		vac_ctrl_complete(vac, sess);
	}
	if (unlikely(wake))
		wake_up(&vac->idle_wait);
}

/**
 * vac_ctrl_done_cb() - virtqueue callback of the control queue
 * @vq: the control virtqueue
 *
 * Context: hard interrupt; defers the work to the control tasklet.
 */
void vac_ctrl_done_cb(struct virtqueue *vq)
{
	struct vac_device *vac = vq->vdev->priv;

	tasklet_schedule(&vac->ctrl_done);
}

/**
 * vac_ctrl_init() - set up the control queue and key state of a device
 * @vac: the device
 */
void vac_ctrl_init(struct vac_device *vac)
{
	spin_lock_init(&vac->keys_lock);
	INIT_LIST_HEAD(&vac->keys);
	spin_lock_init(&vac->ctrl_lock);
	INIT_LIST_HEAD(&vac->ctrl_pending);
	INIT_WORK(&vac->ctrl_work, vac_ctrl_worker);
	tasklet_setup(&vac->ctrl_done, vac_ctrl_done);
	atomic_set(&vac->sess_freed, 0);
	atomic_set(&vac->waiting, 0);
}

/**
 * vac_ctrl_set_flag() - change vac_device.dying, .frozen or .reset
 * @vac: the device
 * @flag: one of those three
 * @value: its new value
 *
 * The flag is written under ctrl_lock, then every data queue lock is taken
 * and released: whoever takes one of these locks afterwards sees the new
 * value, and whoever held one before has finished with the old one.
 *
 * Context: process context.
 */
void vac_ctrl_set_flag(struct vac_device *vac, bool *flag, bool value)
{
	unsigned int i;

	spin_lock_bh(&vac->ctrl_lock);
	WRITE_ONCE(*flag, value);
	spin_unlock_bh(&vac->ctrl_lock);
	for (i = 0; i < vac->num_dq; i++) {
		spin_lock_bh(&vac->dq[i].lock);
		spin_unlock_bh(&vac->dq[i].lock);
	}
}

/**
 * vac_ctrl_stop() - create no more device sessions
 * @vac: a device being removed
 *
 * Sets @dying: creates not sent yet fail their requests with -ENODEV (the
 * engine moves them), destroys still go out; the data path sees it too.
 *
 * Context: process context.
 */
void vac_ctrl_stop(struct vac_device *vac)
{
	vac_ctrl_set_flag(vac, &vac->dying, true);
	flush_work(&vac->ctrl_work);
}

/**
 * vac_ctrl_reclaim() - take back every command from a reset device
 * @vac: a device that was reset, with @reset set and its tasklets stopped
 *
 * Creates fail their waiting requests with -ENODEV; keys whose last
 * command this was are freed.
 *
 * Context: process context.
 *
 * Return: the number of commands taken off the ring.
 */
unsigned int vac_ctrl_reclaim(struct vac_device *vac)
{
	struct vac_session *sess, *tmp;
	unsigned int n = 0;
	LIST_HEAD(dead);

	cancel_work_sync(&vac->ctrl_work);

	spin_lock_bh(&vac->ctrl_lock);
	while ((sess = virtqueue_detach_unused_buf(vac->ctrl_vq))) {
		list_add_tail(&sess->node, &dead);
		n++;
	}
	vac->ctrl_inflight = 0;
	list_splice_tail_init(&vac->ctrl_pending, &dead);
	spin_unlock_bh(&vac->ctrl_lock);

	local_bh_disable();
	list_for_each_entry_safe(sess, tmp, &dead, node) {
		list_del_init(&sess->node);
		sess->err = -ENODEV;
		vac_ctrl_complete(vac, sess);
	}
	local_bh_enable();
	return n;
}

/**
 * vac_ctrl_idle() - whether no control command is queued or in flight
 * @vac: the device
 *
 * Return: true when the control queue is idle.
 */
bool vac_ctrl_idle(struct vac_device *vac)
{
	bool idle;

	spin_lock_bh(&vac->ctrl_lock);
	idle = !vac->ctrl_inflight && list_empty(&vac->ctrl_pending);
	spin_unlock_bh(&vac->ctrl_lock);
	return idle;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_acrypto: probe, configuration, suspend and removal.
 *
 * Probe reads and checks the config space, sets up every data queue and the
 * control queue (which follows the last data queue the device offers), and
 * registers an acrypto hardware device named virtio_crypto<N> with the AES
 * modes the device advertises.  Indirect descriptors are refused: a request
 * needs a handful of descriptors, and indirect tables would be allocated for
 * each one.
 *
 * Registration runs the crypto API self-tests through the device, so it
 * lasts as long as the device takes to answer, forever if it stops.  It is
 * done by a work item (reg_work) with no lock of ours held; state_lock only
 * guards the state machine of enum vac_reg.  Probe waits for it a bounded
 * time (probe_wait_ms), so that modprobe usually returns with the device in
 * service, and leaves a slower registration to finish in the background.
 * Nothing else ever waits for a registration that may be stuck on the
 * device: removal takes the device out of service and resets it first,
 * which makes every request of the registration fail at once, and only then
 * waits for the registration to end.
 *
 * The device's status bit VIRTIO_CRYPTO_S_HW_READY is followed from a work
 * item (status_work): cleared, the engine is told the device is broken (it
 * moves the sessions waiting for it elsewhere); set again, the device is
 * back in service.  A device not ready at probe registers when it becomes
 * ready.
 *
 * Suspend (freeze, also for hibernation) lets the device finish what it
 * holds: requests on the rings, requests waiting for a device session and on
 * the queues' backlogs all run, while new requests are refused with -ENOSPC
 * and wait in the engine.  Then every device session is destroyed, the
 * device reset and its virtqueues deleted.  Restore finds the virtqueues
 * again, marks the device ready and unblocks the engine; each key creates a
 * new device session with its next request.  A device that does not finish
 * within drain_ms is reset anyway and what it held is taken back, as at
 * removal.
 *
 * Removal (driver unbind, rmmod, hot-unplug) loses nothing: the device is
 * taken out of service, requests that have not reached it are failed with
 * -ENODEV (the engine runs them elsewhere), the device gets a few seconds
 * to finish what it holds, and if it does not (or is gone) it is reset and
 * everything it held fails the same way, marked as possibly written.
 * Unregistering then releases every key, which destroys the device
 * sessions, and the device is reset and its queues deleted.
 */

#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "virtio_acrypto.h"

/* N of virtio_crypto<N>. */
static DEFINE_IDA(vac_ida);

/*
 * acrypto ->cancel(): give back a request the device has not seen yet, one
 * waiting for its device session or for room on a ring.
 */
static bool vac_cancel(struct acrypto_device *adev, struct acrypto_session *s)
{
	struct vac_device *vac = vac_from_adev(adev);
	struct vac_request *req = acrypto_session_priv(s);

	if (!vac_session_cancel(vac, s) && !vac_dataq_cancel(vac, req))
		return false;
	vac_request_release(req);
	return true;
}

static const struct acrypto_device_ops vac_ops = {
	.process = vac_process,
	.key_prepare = vac_key_prepare,
	.key_release = vac_key_release,
	.cancel = vac_cancel,
};

/* Read and check the config space; *@num_dq gets the data queue count. */
static int vac_read_config(struct vac_device *vac, unsigned int *num_dq)
{
	struct virtio_device *vdev = vac->vdev;
	u32 max_dataqueues, lo, hi;
	struct vac_algos a;

	virtio_cread_le(vdev, struct virtio_crypto_config, max_dataqueues,
			&max_dataqueues);
	if (!max_dataqueues || max_dataqueues > VAC_MAX_DATAQ) {
		dev_err(&vdev->dev, "max_dataqueues %u outside 1..%u\n",
			max_dataqueues, VAC_MAX_DATAQ);
		return -EINVAL;
	}

	virtio_cread_le(vdev, struct virtio_crypto_config, crypto_services,
			&a.services);
	virtio_cread_le(vdev, struct virtio_crypto_config, cipher_algo_l, &lo);
	virtio_cread_le(vdev, struct virtio_crypto_config, cipher_algo_h, &hi);
	a.cipher = (u64)hi << 32 | lo;
	virtio_cread_le(vdev, struct virtio_crypto_config, hash_algo, &a.hash);
	virtio_cread_le(vdev, struct virtio_crypto_config, mac_algo_l, &lo);
	virtio_cread_le(vdev, struct virtio_crypto_config, mac_algo_h, &hi);
	a.mac = (u64)hi << 32 | lo;
	virtio_cread_le(vdev, struct virtio_crypto_config, aead_algo, &a.aead);

	virtio_cread_le(vdev, struct virtio_crypto_config, max_cipher_key_len,
			&vac->max_key_len);
	/* Set by devices with the cipher service (or AEAD, by the same rule). */
	if ((a.services & (BIT(VIRTIO_CRYPTO_SERVICE_CIPHER) |
			   BIT(VIRTIO_CRYPTO_SERVICE_AEAD))) &&
	    vac->max_key_len < AES_MIN_KEY_SIZE) {
		dev_err(&vdev->dev, "max_cipher_key_len %u: no AES key fits\n",
			vac->max_key_len);
		return -EINVAL;
	}
	/* Set by devices with the MAC service; 0 keeps HMAC away. */
	virtio_cread_le(vdev, struct virtio_crypto_config, max_auth_key_len,
			&vac->max_auth_key_len);

	virtio_cread_le(vdev, struct virtio_crypto_config, max_size,
			&vac->max_size);
	/* IV, one block in and one block out. */
	if (vac->max_size < 3 * AES_BLOCK_SIZE) {
		dev_err(&vdev->dev, "max_size %llu: no AES request fits\n",
			vac->max_size);
		return -EINVAL;
	}

	dev_info(&vdev->dev,
		 "%u data queue(s), services %#x, ciphers %#llx, hashes %#x, macs %#llx, aead %#x, keys up to %u bytes (auth %u), requests up to %llu bytes\n",
		 max_dataqueues, a.services, a.cipher, a.hash, a.mac, a.aead,
		 vac->max_key_len, vac->max_auth_key_len, vac->max_size);

	*num_dq = max_dataqueues;
	return vac_algs_init(vac, &a);
}

/* The data queue states, for the life of the binding. */
static int vac_alloc_dq(struct vac_device *vac, unsigned int num_dq)
{
	unsigned int i;

	vac->dq = kcalloc(num_dq, sizeof(*vac->dq), GFP_KERNEL);
	if (!vac->dq)
		return -ENOMEM;
	vac->num_dq = num_dq;
	for (i = 0; i < num_dq; i++) {
		snprintf(vac->dq[i].name, sizeof(vac->dq[i].name), "dataq.%u",
			 i);
		vac_dataq_init(&vac->dq[i], vac);
	}
	return 0;
}

/*
 * Find the data queues and the control queue, the last one: at probe
 * (@probe: the capabilities' queue lengths are set from the ring sizes) and
 * at restore.
 */
static int vac_find_vqs(struct vac_device *vac, bool probe)
{
	struct virtio_device *vdev = vac->vdev;
	unsigned int i, nvqs = vac->num_dq + 1, qlen = 0, max_desc = UINT_MAX;
	vq_callback_t **callbacks;
	struct virtqueue **vqs;
	const char **names;
	int err = -ENOMEM;

	vqs = kcalloc(nvqs, sizeof(*vqs), GFP_KERNEL);
	callbacks = kcalloc(nvqs, sizeof(*callbacks), GFP_KERNEL);
	names = kcalloc(nvqs, sizeof(*names), GFP_KERNEL);
	if (!vqs || !callbacks || !names)
		goto out;

	for (i = 0; i < vac->num_dq; i++) {
		names[i] = vac->dq[i].name;
		callbacks[i] = vac_dataq_done_cb;
	}
	names[vac->num_dq] = "controlq";
	callbacks[vac->num_dq] = vac_ctrl_done_cb;

	err = virtio_find_vqs(vdev, nvqs, vqs, callbacks, names, NULL);
	if (err)
		goto out;

	for (i = 0; i < vac->num_dq; i++) {
		unsigned int size = virtqueue_get_vring_size(vqs[i]);

		max_desc = min(max_desc, size);
		qlen += size / VAC_DESC_PER_REQ;
	}

	/* Header, one source and one destination entry, status. */
	if (max_desc < 4 || virtqueue_get_vring_size(vqs[vac->num_dq]) < 2) {
		dev_err(&vdev->dev, "virtqueues too small (%u, %u)\n",
			max_desc, virtqueue_get_vring_size(vqs[vac->num_dq]));
		vdev->config->del_vqs(vdev);
		err = -EINVAL;
		goto out;
	}

	for (i = 0; i < vac->num_dq; i++)
		vac->dq[i].vq = vqs[i];
	vac->ctrl_vq = vqs[vac->num_dq];
	vac->max_desc = max_desc;
	/* The capabilities are the engine's while registered. */
	if (probe)
		vac_algs_set_qlen(vac, qlen);
	err = 0;
out:
	kfree(names);
	kfree(callbacks);
	kfree(vqs);
	return err;
}

/*
 * Delete the queues of a reset device.  Deleting them frees their
 * interrupts, so no callback schedules a tasklet afterwards; a tasklet
 * scheduled before runs to its end, finding the device reset.
 */
static void vac_del_vqs(struct vac_device *vac)
{
	unsigned int i;

	vac->vdev->config->del_vqs(vac->vdev);
	tasklet_kill(&vac->ctrl_done);
	vac->ctrl_vq = NULL;
	for (i = 0; i < vac->num_dq; i++) {
		tasklet_kill(&vac->dq[i].done);
		vac->dq[i].vq = NULL;
	}
}

/* The device's status: true when it is ready. */
static bool vac_read_ready(struct vac_device *vac)
{
	u32 status;

	virtio_cread_le(vac->vdev, struct virtio_crypto_config, status,
			&status);
	if (status & ~VIRTIO_CRYPTO_S_HW_READY)
		dev_err(&vac->vdev->dev,
			"unknown status bits %#x, treating the device as not ready\n",
			status);
	return status == VIRTIO_CRYPTO_S_HW_READY;
}

/*
 * Register with the engine: the registration work.  Holds no lock while the
 * engine runs the self-tests through the device.
 */
static void vac_reg_worker(struct work_struct *work)
{
	struct vac_device *vac = container_of(work, struct vac_device,
					      reg_work);
	struct device *dev = &vac->vdev->dev;
	int err;

	mutex_lock(&vac->state_lock);
	if (WARN_ON_ONCE(vac->reg != VAC_REG_BUSY) ||
	    vac->removing || vac->suspended) {
		/* Removal or a restore takes it from here. */
		if (vac->reg == VAC_REG_BUSY)
			vac->reg = VAC_REG_NONE;
		wake_up_all(&vac->state_wait);
		mutex_unlock(&vac->state_lock);
		return;
	}
	mutex_unlock(&vac->state_lock);

	err = acrypto_device_register(vac->adev);

	mutex_lock(&vac->state_lock);
	if (err) {
		vac->reg = VAC_REG_FAILED;
		dev_err(dev, "cannot register %s: %d\n", vac->adev->name, err);
	} else {
		vac->reg = VAC_REG_DONE;
		dev_info(dev, "registered as acrypto device %s\n",
			 vac->adev->name);
		/* The status may have changed meanwhile. */
		if (!vac->removing && !vac->suspended)
			queue_work(system_long_wq, &vac->status_work);
	}
	vac->reg_err = err;
	wake_up_all(&vac->state_wait);
	mutex_unlock(&vac->state_lock);
}

#ifdef CONFIG_PM_SLEEP
/*
 * The device set DEVICE_NEEDS_RESET: reset it and set it up again, as a
 * resume from suspend does, without waiting for what it holds (it will not
 * answer).  The requests on its rings are taken back and go to other
 * devices (marked written: an in-place one fails); new ones wait in the
 * engine until the device is back, the device sessions are created anew.
 * Runs on a freezable workqueue, so never during a system suspend, whose
 * freeze and restore are the same calls.
 */
static void vac_reset_worker(struct work_struct *work)
{
	struct vac_device *vac = container_of(work, struct vac_device,
					      reset_work);
	struct virtio_device *vdev = vac->vdev;
	unsigned int resets;
	int err;

	mutex_lock(&vac->state_lock);
	if (vac->removing || vac->suspended) {
		vac->needs_reset = false;
		mutex_unlock(&vac->state_lock);
		return;
	}
	mutex_unlock(&vac->state_lock);

	dev_warn(&vdev->dev, "the device needs a reset: resetting it\n");
	err = virtio_device_freeze(vdev);
	if (!err)
		err = virtio_device_restore(vdev);

	mutex_lock(&vac->state_lock);
	vac->needs_reset = false;
	resets = ++vac->resets;
	mutex_unlock(&vac->state_lock);
	if (err)
		dev_err(&vdev->dev, "reset failed (%d): the device stays out of service\n",
			err);
	else
		dev_info(&vdev->dev, "reset done (%u so far), back in service\n",
			 resets);
}

/* Caller holds state_lock. */
static void vac_needs_reset(struct vac_device *vac)
{
	lockdep_assert_held(&vac->state_lock);
	if (vac->needs_reset)
		return;
	vac->needs_reset = true;
	queue_work(system_freezable_wq, &vac->reset_work);
}
#else
static void vac_needs_reset(struct vac_device *vac)
{
	lockdep_assert_held(&vac->state_lock);
	if (vac->needs_reset)
		return;
	/* No freeze and restore to reset with: out of service for good. */
	vac->needs_reset = true;
	dev_err(&vac->vdev->dev,
		"the device needs a reset, which this kernel cannot do: out of service\n");
	if (vac->reg == VAC_REG_DONE)
		acrypto_device_set_broken(vac->adev, true);
}
#endif

/*
 * Follow the device status: start the registration once ready, then mark
 * the device broken or usable as VIRTIO_CRYPTO_S_HW_READY comes and goes.
 * Caller holds state_lock.  Returns true when the registration was started.
 */
static bool vac_update_status(struct vac_device *vac)
{
	struct device *dev = &vac->vdev->dev;
	bool ready;

	lockdep_assert_held(&vac->state_lock);
	if (vac->removing || vac->suspended)
		return false;
	/* A device that needs a reset gets one before anything else. */
	if (vac->vdev->config->get_status(vac->vdev) &
	    VIRTIO_CONFIG_S_NEEDS_RESET) {
		vac_needs_reset(vac);
		return false;
	}
	ready = vac_read_ready(vac);

	switch (vac->reg) {
	case VAC_REG_NONE:
		if (!ready) {
			dev_info(dev, "waiting for the device to become ready\n");
			return false;
		}
		vac->reg = VAC_REG_BUSY;
		queue_work(system_long_wq, &vac->reg_work);
		return true;
	case VAC_REG_DONE:
		if (ready != vac->not_ready)
			return false;
		vac->not_ready = !ready;
		dev_info(dev, "device %s\n", ready ? "ready again" : "not ready");
		acrypto_device_set_broken(vac->adev, !ready);
		return false;
	default:
		/* Registering: the registration looks again when it ends. */
		return false;
	}
}

static void vac_status_worker(struct work_struct *work)
{
	struct vac_device *vac = container_of(work, struct vac_device,
					      status_work);

	mutex_lock(&vac->state_lock);
	vac_update_status(vac);
	mutex_unlock(&vac->state_lock);
}

static void vac_config_changed(struct virtio_device *vdev)
{
	struct vac_device *vac = vdev->priv;

	queue_work(system_long_wq, &vac->status_work);
}

/*
 * Reset the device and take back everything it held: requests and commands
 * fail with -ENODEV, waking their owners; requests taken off the rings are
 * marked written.  An interrupt the device raised before the reset may
 * still arrive (pending in the local APIC, say) and schedule a tasklet;
 * @reset, set under the queue locks, tells it that the buffers on the used
 * rings are gone.
 */
static void vac_reset(struct vac_device *vac)
{
	unsigned int reqs, cmds;

	virtio_reset_device(vac->vdev);
	vac_ctrl_set_flag(vac, &vac->reset, true);

	reqs = vac_dataq_reclaim(vac);
	cmds = vac_ctrl_reclaim(vac);
	if (reqs || cmds)
		dev_info(&vac->vdev->dev,
			 "reset, took back %u requests and %u session commands\n",
			 reqs, cmds);
}

/* Nothing on the rings, on a backlog or waiting for a device session. */
static bool vac_idle(struct vac_device *vac)
{
	return vac_dataq_idle(vac) && vac_ctrl_idle(vac) &&
	       !atomic_read(&vac->waiting);
}

/* Give the device time to finish; false if it did not (or is gone). */
static bool vac_drain(struct vac_device *vac)
{
	unsigned long timeout = msecs_to_jiffies(READ_ONCE(vac_drain_ms));

	if (vac_idle(vac))
		return true;
	if (virtqueue_is_broken(vac->ctrl_vq))
		return false;
	if (!timeout) {
		dev_info(&vac->vdev->dev, "drain_ms is 0: resetting the device\n");
		return false;
	}
	if (wait_event_timeout(vac->idle_wait, vac_idle(vac), timeout))
		return true;
	dev_warn(&vac->vdev->dev,
		 "device still holds requests after %u ms, resetting it\n",
		 jiffies_to_msecs(timeout));
	return false;
}

/* The stateless feature of each service. */
static const struct {
	u8 bit;
	u8 service;
} vac_sl_features[] = {
	{ VAC_F_CIPHER_STATELESS_MODE, VIRTIO_CRYPTO_SERVICE_CIPHER },
	{ VAC_F_HASH_STATELESS_MODE, VIRTIO_CRYPTO_SERVICE_HASH },
	{ VAC_F_MAC_STATELESS_MODE, VIRTIO_CRYPTO_SERVICE_MAC },
	{ VAC_F_AEAD_STATELESS_MODE, VIRTIO_CRYPTO_SERVICE_AEAD },
};

/* How requests of @service go to the device, for the log. */
static const char *vac_mode_name(const struct vac_device *vac,
				 unsigned int service)
{
	return vac->sl & BIT(service) ? "stateless" : "sessions";
}

static int vac_validate(struct virtio_device *vdev)
{
	unsigned int i;

	/*
	 * Indirect descriptor tables are allocated per request; ours need a
	 * few descriptors each, so the ring is used directly and queueing a
	 * request never allocates.
	 */
	__virtio_clear_bit(vdev, VIRTIO_RING_F_INDIRECT_DESC);
	/* A stateless mode needs revision 1: never one without the other. */
	if (!virtio_has_feature(vdev, VAC_F_REVISION_1)) {
		for (i = 0; i < ARRAY_SIZE(vac_sl_features); i++)
			__virtio_clear_bit(vdev, vac_sl_features[i].bit);
	}
	return 0;
}

static int vac_probe(struct virtio_device *vdev)
{
	struct acrypto_device *adev;
	unsigned int num_dq, ring_desc, i;
	struct vac_device *vac;
	bool registering;
	int err;

	if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1)) {
		dev_err(&vdev->dev, "legacy device without VIRTIO_F_VERSION_1\n");
		return -ENODEV;
	}
	if (!vdev->config->get) {
		dev_err(&vdev->dev, "config space not readable\n");
		return -EINVAL;
	}

	adev = acrypto_device_alloc(sizeof(*vac));
	if (!adev)
		return -ENOMEM;
	vac = vac_from_adev(adev);
	vac->adev = adev;
	vac->vdev = vdev;
	mutex_init(&vac->state_lock);
	init_waitqueue_head(&vac->state_wait);
	INIT_WORK(&vac->status_work, vac_status_worker);
	INIT_WORK(&vac->reg_work, vac_reg_worker);
#ifdef CONFIG_PM_SLEEP
	INIT_WORK(&vac->reset_work, vac_reset_worker);
#endif
	init_waitqueue_head(&vac->idle_wait);
	vac_ctrl_init(vac);
	/* Features are final before probe; the layouts follow from them. */
	vac->rev1 = virtio_has_feature(vdev, VAC_F_REVISION_1);
	for (i = 0; i < ARRAY_SIZE(vac_sl_features); i++)
		if (virtio_has_feature(vdev, vac_sl_features[i].bit))
			vac->sl |= BIT(vac_sl_features[i].service);

	err = vac_read_config(vac, &num_dq);
	if (err)
		goto err_free_adev;

	vac->id = ida_alloc(&vac_ida, GFP_KERNEL);
	if (vac->id < 0) {
		err = vac->id;
		goto err_free_adev;
	}

	vdev->priv = vac;
	err = vac_alloc_dq(vac, num_dq);
	if (err)
		goto err_free_id;
	err = vac_find_vqs(vac, true);
	if (err)
		goto err_free_dq;
	for (i = 0, ring_desc = 0; i < vac->num_dq; i++)
		ring_desc += virtqueue_get_vring_size(vac->dq[i].vq);
	err = vac_long_alloc(vac, ring_desc);
	if (err)
		goto err_del_vqs;

	snprintf(adev->name, sizeof(adev->name), "virtio_crypto%d", vac->id);
	adev->class = ACRYPTO_CLASS_HARDWARE;
	adev->caps = vac->caps;
	adev->num_caps = vac->num_caps;
	adev->ops = &vac_ops;
	/* Short chains are cut in the request's own entries (VAC_REQSIZE). */
	BUILD_BUG_ON(VAC_REQ_SGS < 8);
	BUILD_BUG_ON(offsetof(struct vac_request, iv) !=
		     sizeof(struct virtio_crypto_op_data_req));
	BUILD_BUG_ON(offsetof(struct vac_ctrl, key) !=
		     sizeof(struct virtio_crypto_op_ctrl_req));
	BUILD_BUG_ON(sizeof(struct vac_sym_flf_stateless) != 76);
	BUILD_BUG_ON(offsetof(struct vac_stateless_req, u.sym.vlf) != 100);
	BUILD_BUG_ON(sizeof(struct vac_aead_flf_stateless) != 32);
	BUILD_BUG_ON(offsetof(struct vac_stateless_req, u.aead.vlf) != 56);
	BUILD_BUG_ON(sizeof(struct vac_hash_flf_stateless) != 16);
	BUILD_BUG_ON(sizeof(struct vac_mac_flf_stateless) != 16);
	BUILD_BUG_ON(offsetof(struct vac_stateless_req, u.mac.vlf) != 40);
	/* A MAC key fits the session command and the stateless prefix. */
	BUILD_BUG_ON(sizeof_field(struct vac_ctrl, key) < VAC_MAX_AUTH_KEY_LEN);
	BUILD_BUG_ON(sizeof_field(struct vac_stateless_req, u.mac.vlf) <
		     VAC_MAX_AUTH_KEY_LEN);
	BUILD_BUG_ON(sizeof_field(struct vac_request, digest) <
		     SHA256_DIGEST_SIZE);
	BUILD_BUG_ON(sizeof(struct vac_aead_data_flf) != 24);
	/* Revision 1: the GCM IV follows the 24-byte flf in the header. */
	BUILD_BUG_ON(sizeof(struct vac_aead_data_flf) + VAC_GCM_IV_LEN >
		     sizeof_field(struct virtio_crypto_op_data_req, u));
	/* The stateless prefix follows the request (vac_request_sl()). */
	adev->reqsize = vac->sl ? VAC_REQSIZE_STATELESS : VAC_REQSIZE;
	dev_info(&vdev->dev, "%s, cipher %s, hash %s, MAC %s, AEAD %s, %u data queues\n",
		 vac->rev1 ? "revision 1" : "legacy",
		 vac_mode_name(vac, VIRTIO_CRYPTO_SERVICE_CIPHER),
		 vac_mode_name(vac, VIRTIO_CRYPTO_SERVICE_HASH),
		 vac_mode_name(vac, VIRTIO_CRYPTO_SERVICE_MAC),
		 vac_mode_name(vac, VIRTIO_CRYPTO_SERVICE_AEAD), vac->num_dq);
	adev->owner = THIS_MODULE;
	adev->parent = &vdev->dev;

	virtio_device_ready(vdev);

	mutex_lock(&vac->state_lock);
	registering = vac_update_status(vac);
	mutex_unlock(&vac->state_lock);
	if (!registering)
		return 0;

	/*
	 * Registration runs the crypto API self-tests through the device:
	 * wait for it a while, not for a device that may never answer (the
	 * driver core would hold off its removal as long).
	 */
	if (!wait_event_timeout(vac->state_wait,
				READ_ONCE(vac->reg) != VAC_REG_BUSY,
				msecs_to_jiffies(READ_ONCE(vac_probe_wait_ms)))) {
		dev_info(&vdev->dev,
			 "registration of %s continues in the background\n",
			 adev->name);
		return 0;
	}
	mutex_lock(&vac->state_lock);
	err = vac->reg == VAC_REG_FAILED ? vac->reg_err : 0;
	mutex_unlock(&vac->state_lock);
	if (err)
		goto err_reset;
	return 0;

err_reset:
	flush_work(&vac->reg_work);
	cancel_work_sync(&vac->status_work);
	vac_reset(vac);
	vac_long_free(vac);
err_del_vqs:
	vac_del_vqs(vac);
err_free_dq:
	kfree(vac->dq);
err_free_id:
	ida_free(&vac_ida, vac->id);
err_free_adev:
	acrypto_device_free(adev);
	return err;
}

static void vac_remove(struct virtio_device *vdev)
{
	struct vac_device *vac = vdev->priv;
	enum vac_reg reg;
	bool live;

	mutex_lock(&vac->state_lock);
	vac->removing = true;
	reg = vac->reg;
	mutex_unlock(&vac->state_lock);
	/* It never waits for the device; from now on it does nothing. */
	cancel_work_sync(&vac->status_work);
#ifdef CONFIG_PM_SLEEP
	/* A reset in progress ends with the queues set up again, or none. */
	flush_work(&vac->reset_work);
#endif
	live = vac->ctrl_vq;

	dev_info(&vdev->dev,
		 "removing %s with %u requests in flight, %d waiting for a session%s\n",
		 vac->adev->name, vac_dataq_inflight(vac),
		 atomic_read(&vac->waiting),
		 reg == VAC_REG_BUSY ? ", registration in progress" : "");

	/*
	 * No new sessions; the engine moves those waiting for the device,
	 * the ones waiting for a device session included (->cancel()).  A
	 * registration in progress is not waited for: the device may be what
	 * keeps it from ending.  Its requests fail below like any other.
	 */
	if (reg == VAC_REG_DONE)
		acrypto_device_set_broken(vac->adev, true);

	/* Fail what has not reached the device, then let it finish. */
	vac_ctrl_stop(vac);
	vac_dataq_stop(vac);
	if (live && !vac_drain(vac))
		vac_reset(vac);
	/* Requests the engine parked for us now fail at once, too. */
	acrypto_device_unblock(vac->adev);

	/*
	 * The device holds nothing and takes nothing: a registration still
	 * running ends as soon as its self-tests have failed here.
	 */
	flush_work(&vac->reg_work);
	mutex_lock(&vac->state_lock);
	reg = vac->reg;
	mutex_unlock(&vac->state_lock);

	/* Releases every key: destroys the device sessions. */
	if (reg == VAC_REG_DONE)
		acrypto_device_unregister(vac->adev);

	if (live) {
		if (!vac->reset) {
			vac_drain(vac);
			vac_reset(vac);
		}
		vac_del_vqs(vac);
	}
	vac_long_free(vac);
	kfree(vac->dq);
	ida_free(&vac_ida, vac->id);
	acrypto_device_free(vac->adev);
}

#ifdef CONFIG_PM_SLEEP
/*
 * Suspend: stop taking requests, let the device finish what it holds,
 * destroy its sessions, reset it and delete its queues.  A registration in
 * progress is not waited for: its requests wait in the engine like the
 * others, and it ends after restore.
 */
static int vac_freeze(struct virtio_device *vdev)
{
	struct vac_device *vac = vdev->priv;
	unsigned int held, destroyed = 0, stale;

	mutex_lock(&vac->state_lock);
	vac->suspended = true;
	mutex_unlock(&vac->state_lock);
	cancel_work_sync(&vac->status_work);

	/* New requests wait in the engine (-ENOSPC) until restore. */
	acrypto_device_suspend(vac->adev);
	vac_ctrl_set_flag(vac, &vac->frozen, true);
	held = vac_dataq_inflight(vac);

	/*
	 * What the device accepted runs to its end, the requests waiting for
	 * a device session or on a backlog included; then the sessions go,
	 * since the reset ends them (QEMU's backend would keep them).  A
	 * device that needs a reset would answer nothing.
	 */
	if (!vac->needs_reset && vac_drain(vac)) {
		destroyed = vac_sessions_destroy(vac);
		vac_drain(vac);
	}
	/* Takes back what a device that did not finish still holds. */
	vac_reset(vac);
	stale = vac_sessions_forget(vac);
	vac_del_vqs(vac);

	dev_info(&vdev->dev,
		 "suspended: %u requests were in flight, %u device sessions destroyed%s\n",
		 held, destroyed, stale ? ", some could not be" : "");
	return 0;
}

/*
 * Resume: find the queues again, mark the device ready, and let the engine
 * send the requests it kept; keys create their device sessions anew.
 */
static int vac_restore(struct virtio_device *vdev)
{
	struct vac_device *vac = vdev->priv;
	unsigned int i;
	int err;

	err = vac_find_vqs(vac, false);
	if (err) {
		/* Removal cleans up; until then requests wait in the engine. */
		dev_err(&vdev->dev, "cannot set up the queues again: %d\n", err);
		return err;
	}
	virtio_device_ready(vdev);

	for (i = 0; i < vac->num_dq; i++) {
		spin_lock_bh(&vac->dq[i].lock);
		vac->dq[i].blocked = false;
		spin_unlock_bh(&vac->dq[i].lock);
	}
	vac_ctrl_set_flag(vac, &vac->reset, false);
	vac_ctrl_set_flag(vac, &vac->frozen, false);

	mutex_lock(&vac->state_lock);
	vac->suspended = false;
	/* Readiness, and a registration that could not start. */
	queue_work(system_long_wq, &vac->status_work);
	mutex_unlock(&vac->state_lock);

	acrypto_device_resume(vac->adev);
	acrypto_device_unblock(vac->adev);
	dev_info(&vdev->dev, "resumed\n");
	return 0;
}
#endif

static const unsigned int vac_features[] = {
	VAC_F_REVISION_1,
	VAC_F_CIPHER_STATELESS_MODE,
	VAC_F_HASH_STATELESS_MODE,
	VAC_F_MAC_STATELESS_MODE,
	VAC_F_AEAD_STATELESS_MODE,
};

static const struct virtio_device_id vac_id_table[] = {
	{ VIRTIO_ID_CRYPTO, VIRTIO_DEV_ANY_ID },
	{ 0 },
};
MODULE_DEVICE_TABLE(virtio, vac_id_table);

struct virtio_driver vac_driver = {
	.driver.name = KBUILD_MODNAME,
	.driver.owner = THIS_MODULE,
	.id_table = vac_id_table,
	.feature_table = vac_features,
	.feature_table_size = ARRAY_SIZE(vac_features),
	.validate = vac_validate,
	.probe = vac_probe,
	.remove = vac_remove,
	.config_changed = vac_config_changed,
#ifdef CONFIG_PM_SLEEP
	.freeze = vac_freeze,
	.restore = vac_restore,
#endif
};

// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_acrypto: probe, configuration and removal.
 *
 * Probe reads and checks the config space, sets up every data queue and the
 * control queue (which follows the last data queue the device offers), and
 * registers an acrypto hardware device named virtio_crypto<N> with the AES
 * modes the device advertises.  Indirect descriptors are refused: a request
 * needs a handful of descriptors, and indirect tables would be allocated for
 * each one.
 *
 * The device's status bit VIRTIO_CRYPTO_S_HW_READY is followed from a work
 * item: cleared, the engine is told the device is broken (it moves the
 * sessions waiting for it elsewhere); set again, the device is back in
 * service.  A device not ready at probe registers when it becomes ready.
 *
 * Removal (driver unbind, rmmod, hot-unplug) loses nothing: the device is
 * taken out of service, requests that have not reached it are failed with
 * -ENODEV (the engine runs them elsewhere), the device gets a few seconds
 * to finish what it holds, and if it does not (or is gone) it is reset and
 * everything it held fails the same way.  Unregistering then releases every
 * key, which destroys the device sessions, and the device is reset and its
 * queues deleted.
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

	return vac_session_cancel(vac, s) ||
	       vac_dataq_cancel(vac, acrypto_session_priv(s));
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
	u32 max_dataqueues, services, algo_l, algo_h;

	virtio_cread_le(vdev, struct virtio_crypto_config, max_dataqueues,
			&max_dataqueues);
	if (!max_dataqueues || max_dataqueues > VAC_MAX_DATAQ) {
		dev_err(&vdev->dev, "max_dataqueues %u outside 1..%u\n",
			max_dataqueues, VAC_MAX_DATAQ);
		return -EINVAL;
	}

	virtio_cread_le(vdev, struct virtio_crypto_config, max_cipher_key_len,
			&vac->max_key_len);
	if (vac->max_key_len < AES_MIN_KEY_SIZE) {
		dev_err(&vdev->dev, "max_cipher_key_len %u: no AES key fits\n",
			vac->max_key_len);
		return -EINVAL;
	}

	virtio_cread_le(vdev, struct virtio_crypto_config, max_size,
			&vac->max_size);
	/* IV, one block in and one block out. */
	if (vac->max_size < 3 * AES_BLOCK_SIZE) {
		dev_err(&vdev->dev, "max_size %llu: no AES request fits\n",
			vac->max_size);
		return -EINVAL;
	}

	virtio_cread_le(vdev, struct virtio_crypto_config, crypto_services,
			&services);
	virtio_cread_le(vdev, struct virtio_crypto_config, cipher_algo_l,
			&algo_l);
	virtio_cread_le(vdev, struct virtio_crypto_config, cipher_algo_h,
			&algo_h);

	dev_info(&vdev->dev,
		 "%u data queue(s), services %#x, ciphers %#x:%#x, keys up to %u bytes, requests up to %llu bytes\n",
		 max_dataqueues, services, algo_h, algo_l, vac->max_key_len,
		 vac->max_size);

	*num_dq = max_dataqueues;
	return vac_algs_init(vac, services, algo_l, algo_h);
}

/* Find the data queues and the control queue, the last one. */
static int vac_init_vqs(struct vac_device *vac, unsigned int num_dq)
{
	struct virtio_device *vdev = vac->vdev;
	unsigned int i, nvqs = num_dq + 1, qlen = 0;
	vq_callback_t **callbacks;
	struct virtqueue **vqs;
	const char **names;
	int err = -ENOMEM;

	vac->dq = kcalloc(num_dq, sizeof(*vac->dq), GFP_KERNEL);
	vqs = kcalloc(nvqs, sizeof(*vqs), GFP_KERNEL);
	callbacks = kcalloc(nvqs, sizeof(*callbacks), GFP_KERNEL);
	names = kcalloc(nvqs, sizeof(*names), GFP_KERNEL);
	if (!vac->dq || !vqs || !callbacks || !names)
		goto out;

	for (i = 0; i < num_dq; i++) {
		snprintf(vac->dq[i].name, sizeof(vac->dq[i].name), "dataq.%u",
			 i);
		names[i] = vac->dq[i].name;
		callbacks[i] = vac_dataq_done_cb;
	}
	names[num_dq] = "controlq";
	callbacks[num_dq] = vac_ctrl_done_cb;

	err = virtio_find_vqs(vdev, nvqs, vqs, callbacks, names, NULL);
	if (err)
		goto out;

	vac->num_dq = num_dq;
	vac->max_desc = UINT_MAX;
	for (i = 0; i < num_dq; i++) {
		unsigned int size = virtqueue_get_vring_size(vqs[i]);

		vac_dataq_init(&vac->dq[i], vac, vqs[i]);
		vac->max_desc = min(vac->max_desc, size);
		qlen += size / VAC_DESC_PER_REQ;
	}
	vac->ctrl_vq = vqs[num_dq];

	/* Header, one source and one destination entry, status. */
	if (vac->max_desc < 4 || virtqueue_get_vring_size(vac->ctrl_vq) < 2) {
		dev_err(&vdev->dev, "virtqueues too small (%u, %u)\n",
			vac->max_desc, virtqueue_get_vring_size(vac->ctrl_vq));
		vdev->config->del_vqs(vdev);
		err = -EINVAL;
		goto out;
	}
	vac_algs_set_qlen(vac, qlen);
	err = 0;
out:
	if (err) {
		kfree(vac->dq);
		vac->dq = NULL;
	}
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
	for (i = 0; i < vac->num_dq; i++)
		tasklet_kill(&vac->dq[i].done);
	kfree(vac->dq);
	vac->dq = NULL;
}

/*
 * Follow the device status: register once ready, then mark the device
 * broken or usable as VIRTIO_CRYPTO_S_HW_READY comes and goes.  Caller
 * holds state_lock.
 */
static int vac_update_status(struct vac_device *vac)
{
	struct device *dev = &vac->vdev->dev;
	bool ready;
	u32 status;
	int err;

	virtio_cread_le(vac->vdev, struct virtio_crypto_config, status,
			&status);
	if (status & ~VIRTIO_CRYPTO_S_HW_READY)
		dev_err(dev, "unknown status bits %#x, treating the device as not ready\n",
			status);
	ready = status == VIRTIO_CRYPTO_S_HW_READY;

	if (vac->removing)
		return 0;

	if (!vac->registered) {
		if (!ready) {
			dev_info(dev, "waiting for the device to become ready\n");
			return 0;
		}
		err = acrypto_device_register(vac->adev);
		if (err) {
			dev_err(dev, "cannot register %s: %d\n",
				vac->adev->name, err);
			return err;
		}
		vac->registered = true;
		dev_info(dev, "registered as acrypto device %s\n",
			 vac->adev->name);
		return 0;
	}

	if (ready != vac->not_ready)
		return 0;
	vac->not_ready = !ready;
	dev_info(dev, "device %s\n", ready ? "ready again" : "not ready");
	acrypto_device_set_broken(vac->adev, !ready);
	return 0;
}

static void vac_config_worker(struct work_struct *work)
{
	struct vac_device *vac = container_of(work, struct vac_device,
					      config_work);

	mutex_lock(&vac->state_lock);
	vac_update_status(vac);
	mutex_unlock(&vac->state_lock);
}

static void vac_config_changed(struct virtio_device *vdev)
{
	struct vac_device *vac = vdev->priv;

	schedule_work(&vac->config_work);
}

/*
 * Reset the device and take back everything it held: requests and commands
 * fail with -ENODEV, waking their owners.  An interrupt the device raised
 * before the reset may still arrive (pending in the local APIC, say) and
 * schedule a tasklet; @reset, set under the queue locks, tells it that the
 * buffers on the used rings are gone.
 */
static void vac_reset(struct vac_device *vac)
{
	unsigned int i, reqs, cmds;

	virtio_reset_device(vac->vdev);

	spin_lock_bh(&vac->ctrl_lock);
	WRITE_ONCE(vac->reset, true);
	spin_unlock_bh(&vac->ctrl_lock);
	for (i = 0; i < vac->num_dq; i++) {
		spin_lock_bh(&vac->dq[i].lock);
		spin_unlock_bh(&vac->dq[i].lock);
	}

	reqs = vac_dataq_reclaim(vac);
	cmds = vac_ctrl_reclaim(vac);
	if (reqs || cmds)
		dev_info(&vac->vdev->dev,
			 "reset, took back %u requests and %u session commands\n",
			 reqs, cmds);
}

static bool vac_idle(struct vac_device *vac)
{
	return vac_dataq_idle(vac) && vac_ctrl_idle(vac);
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

static int vac_validate(struct virtio_device *vdev)
{
	/*
	 * Indirect descriptor tables are allocated per request; ours need a
	 * few descriptors each, so the ring is used directly and queueing a
	 * request never allocates.
	 */
	__virtio_clear_bit(vdev, VIRTIO_RING_F_INDIRECT_DESC);
	return 0;
}

static int vac_probe(struct virtio_device *vdev)
{
	struct acrypto_device *adev;
	struct vac_device *vac;
	unsigned int num_dq;
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
	INIT_WORK(&vac->config_work, vac_config_worker);
	init_waitqueue_head(&vac->idle_wait);
	vac_ctrl_init(vac);

	err = vac_read_config(vac, &num_dq);
	if (err)
		goto err_free_adev;

	vac->id = ida_alloc(&vac_ida, GFP_KERNEL);
	if (vac->id < 0) {
		err = vac->id;
		goto err_free_adev;
	}

	vdev->priv = vac;
	err = vac_init_vqs(vac, num_dq);
	if (err)
		goto err_free_id;

	snprintf(adev->name, sizeof(adev->name), "virtio_crypto%d", vac->id);
	adev->class = ACRYPTO_CLASS_HARDWARE;
	adev->caps = vac->caps;
	adev->num_caps = vac->num_caps;
	adev->ops = &vac_ops;
	BUILD_BUG_ON(sizeof(struct vac_request) > VAC_REQSIZE_MAX);
	BUILD_BUG_ON(offsetof(struct vac_request, iv) !=
		     sizeof(struct virtio_crypto_op_data_req));
	BUILD_BUG_ON(offsetof(struct vac_ctrl, key) !=
		     sizeof(struct virtio_crypto_op_ctrl_req));
	adev->reqsize = sizeof(struct vac_request);
	adev->owner = THIS_MODULE;
	adev->parent = &vdev->dev;

	virtio_device_ready(vdev);

	/* Registration runs the crypto API self-tests through the device. */
	mutex_lock(&vac->state_lock);
	err = vac_update_status(vac);
	mutex_unlock(&vac->state_lock);
	if (err)
		goto err_reset;
	return 0;

err_reset:
	vac_reset(vac);
	vac_del_vqs(vac);
err_free_id:
	ida_free(&vac_ida, vac->id);
err_free_adev:
	acrypto_device_free(adev);
	return err;
}

static void vac_remove(struct virtio_device *vdev)
{
	struct vac_device *vac = vdev->priv;
	bool registered;

	mutex_lock(&vac->state_lock);
	vac->removing = true;
	registered = vac->registered;
	mutex_unlock(&vac->state_lock);
	cancel_work_sync(&vac->config_work);

	dev_info(&vdev->dev,
		 "removing %s with %u requests in flight, %d waiting for a session\n",
		 vac->adev->name, vac_dataq_inflight(vac),
		 atomic_read(&vac->waiting));

	/*
	 * No new sessions; the engine moves those waiting for the device,
	 * the ones waiting for a device session included (->cancel()).
	 */
	if (registered)
		acrypto_device_set_broken(vac->adev, true);

	/* Fail what has not reached the device, then let it finish. */
	vac_ctrl_stop(vac);
	vac_dataq_stop(vac);
	if (!vac_drain(vac))
		vac_reset(vac);

	/* Releases every key: destroys the device sessions. */
	if (registered)
		acrypto_device_unregister(vac->adev);

	if (!vac->reset) {
		vac_drain(vac);
		vac_reset(vac);
	}
	vac_del_vqs(vac);
	ida_free(&vac_ida, vac->id);
	acrypto_device_free(vac->adev);
}

static const struct virtio_device_id vac_id_table[] = {
	{ VIRTIO_ID_CRYPTO, VIRTIO_DEV_ANY_ID },
	{ 0 },
};
MODULE_DEVICE_TABLE(virtio, vac_id_table);

struct virtio_driver vac_driver = {
	.driver.name = KBUILD_MODNAME,
	.driver.owner = THIS_MODULE,
	.id_table = vac_id_table,
	.validate = vac_validate,
	.probe = vac_probe,
	.remove = vac_remove,
	.config_changed = vac_config_changed,
};

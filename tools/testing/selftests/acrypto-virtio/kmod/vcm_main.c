// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_crypto_model: instances, module parameters and debugfs.
 *
 * Each instance is one virtio-crypto device on the model's own transport,
 * a child of the root device "virtio_crypto_model"; a virtio-crypto driver
 * binds to it as to any other.  The parameters are arrays with one entry
 * per instance:
 *
 *   instances=N             devices (1..8, default 1)
 *   dataqueues=Q,...        data queues (1..16, default 1)
 *   ring_size=R,...         descriptors per ring (power of 2 up to 512,
 *                           default 128)
 *   cipher_algo=MASK,...    cipher_algo_l (default AES ECB, CBC, CTR, XTS)
 *   aead=N,...              offer the AEAD service, AES-GCM (default N)
 *   hash=N,...              offer the hash service, SHA-1 and SHA-256
 *                           (default N)
 *   mac=N,...               offer the MAC service, HMAC-SHA1 and
 *                           HMAC-SHA256 (default N)
 *   max_cipher_key_len=L,.. cipher and AEAD keys (default 64)
 *   max_auth_key_len=L,...  MAC keys (1..128 with mac=Y, default 64)
 *   max_size=B,...          max_size (default 1 MiB)
 *   max_sessions=S,...      sessions at once, of every service (default
 *                           256)
 *   indirect=Y,...          offer VIRTIO_RING_F_INDIRECT_DESC (default Y)
 *   hw_ready=Y,...          VIRTIO_CRYPTO_S_HW_READY at start (default Y)
 *   revision1=N,...         offer VIRTIO_CRYPTO_F_REVISION_1 (default N)
 *   stateless=N,...         offer CIPHER_STATELESS_MODE, HASH_, MAC_ and
 *                           AEAD_STATELESS_MODE with hash=Y, mac=Y and
 *                           aead=Y, and REVISION_1 which they need
 *                           (default N)
 *   stateless_services=M,.. the services whose stateless mode stateless=Y
 *                           offers, BIT(VIRTIO_CRYPTO_SERVICE_*): cipher 1,
 *                           hash 2, MAC 4, AEAD 8 (default 0xf, all)
 *   strict=Y,...            buffers of exactly the lengths in the header
 *                           (default Y); N accepts longer ones and puts
 *                           the status in the last byte, as QEMU does
 *   delay_us=D,...          latency per request (default 0)
 *
 * debugfs, virtio_crypto_model/<instance>/:
 *   name         the virtio device (virtioN)
 *   hw_ready     0 or 1: the status bit, changed with a config interrupt
 *   fault        "KIND [COUNT]": the next COUNT data requests (0: until
 *                "none" is written) fail as KIND: error, badstatus, short,
 *                long, dirty; "stall" stops the data queues until "none";
 *                "needs_reset" sets DEVICE_NEEDS_RESET (config interrupt),
 *                nothing is served until the driver resets the device"
 *   delay_us, kib_ns  latency per request and per KiB
 *   violations   violations of the specification seen, then the first
 *   stats        per queue: requests, bytes, errors, stateless, AEAD,
 *                hash and MAC requests; sessions; faults
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_ring.h>

#include "kmod_cmd.h"
#include "vcm.h"

#define VCM_MAX_INSTANCES	8
#define VCM_ALL(v)		{ [0 ... VCM_MAX_INSTANCES - 1] = (v) }

static unsigned int instances = 1;
module_param(instances, uint, 0444);
MODULE_PARM_DESC(instances, "devices (1..8)");

static unsigned int dataqueues[VCM_MAX_INSTANCES] = VCM_ALL(1);
module_param_array(dataqueues, uint, NULL, 0444);
MODULE_PARM_DESC(dataqueues, "data queues per device (1..16)");

static unsigned int ring_size[VCM_MAX_INSTANCES] = VCM_ALL(128);
module_param_array(ring_size, uint, NULL, 0444);
MODULE_PARM_DESC(ring_size, "descriptors per ring (power of 2, 4..512)");

static unsigned int cipher_algo[VCM_MAX_INSTANCES] =
	VCM_ALL(BIT(VIRTIO_CRYPTO_CIPHER_AES_ECB) |
		BIT(VIRTIO_CRYPTO_CIPHER_AES_CBC) |
		BIT(VIRTIO_CRYPTO_CIPHER_AES_CTR) |
		BIT(VIRTIO_CRYPTO_CIPHER_AES_XTS));
module_param_array(cipher_algo, uint, NULL, 0444);
MODULE_PARM_DESC(cipher_algo, "cipher_algo_l mask (AES ECB 2, CBC 3, CTR 4, XTS 13)");

static bool aead[VCM_MAX_INSTANCES];
module_param_array(aead, bool, NULL, 0444);
MODULE_PARM_DESC(aead, "offer the AEAD service: AES-GCM (aead_algo bit 1)");

static bool hash[VCM_MAX_INSTANCES];
module_param_array(hash, bool, NULL, 0444);
MODULE_PARM_DESC(hash, "offer the hash service: SHA-1, SHA-256 (hash_algo bits 2, 4)");

static bool mac[VCM_MAX_INSTANCES];
module_param_array(mac, bool, NULL, 0444);
MODULE_PARM_DESC(mac, "offer the MAC service: HMAC-SHA1, HMAC-SHA256 (mac_algo_l bits 2, 4)");

static unsigned int max_cipher_key_len[VCM_MAX_INSTANCES] = VCM_ALL(64);
module_param_array(max_cipher_key_len, uint, NULL, 0444);
MODULE_PARM_DESC(max_cipher_key_len, "max_cipher_key_len: cipher and AEAD keys");

static unsigned int max_auth_key_len[VCM_MAX_INSTANCES] = VCM_ALL(64);
module_param_array(max_auth_key_len, uint, NULL, 0444);
MODULE_PARM_DESC(max_auth_key_len, "max_auth_key_len: MAC keys (1..128 with mac)");

static unsigned long max_size[VCM_MAX_INSTANCES] = VCM_ALL(1UL << 20);
module_param_array(max_size, ulong, NULL, 0444);
MODULE_PARM_DESC(max_size, "max_size: IV, AAD, source, destination, hash result (and stateless key) of a request");

static unsigned int max_sessions[VCM_MAX_INSTANCES] = VCM_ALL(256);
module_param_array(max_sessions, uint, NULL, 0444);
MODULE_PARM_DESC(max_sessions, "sessions a device holds at once, of every service");

static bool indirect[VCM_MAX_INSTANCES] = VCM_ALL(true);
module_param_array(indirect, bool, NULL, 0444);
MODULE_PARM_DESC(indirect, "offer VIRTIO_RING_F_INDIRECT_DESC");

static bool hw_ready[VCM_MAX_INSTANCES] = VCM_ALL(true);
module_param_array(hw_ready, bool, NULL, 0444);
MODULE_PARM_DESC(hw_ready, "VIRTIO_CRYPTO_S_HW_READY when the device appears");

static bool revision1[VCM_MAX_INSTANCES];
module_param_array(revision1, bool, NULL, 0444);
MODULE_PARM_DESC(revision1, "offer VIRTIO_CRYPTO_F_REVISION_1");

static bool stateless[VCM_MAX_INSTANCES];
module_param_array(stateless, bool, NULL, 0444);
MODULE_PARM_DESC(stateless, "offer VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE, HASH_, MAC_, AEAD_STATELESS_MODE with hash, mac, aead (and REVISION_1)");

static unsigned int stateless_services[VCM_MAX_INSTANCES] = VCM_ALL(0xf);
module_param_array(stateless_services, uint, NULL, 0444);
MODULE_PARM_DESC(stateless_services, "services stateless=Y makes stateless: cipher 1, hash 2, MAC 4, AEAD 8 (default 0xf)");

static bool strict[VCM_MAX_INSTANCES] = VCM_ALL(true);
module_param_array(strict, bool, NULL, 0444);
MODULE_PARM_DESC(strict, "data buffers of exactly the header's lengths (N: at least, as QEMU)");

static unsigned int delay_us[VCM_MAX_INSTANCES];
module_param_array(delay_us, uint, NULL, 0444);
MODULE_PARM_DESC(delay_us, "latency of each data request, in microseconds");

static struct device *vcm_root;
static struct dentry *vcm_debugfs;
static struct vcm_dev *vcm_devs[VCM_MAX_INSTANCES];

/**
 * vcm_violation() - count a violation of the specification by the driver
 * @vcm: the device
 * @fmt: what happened
 *
 * The first one's text is kept for debugfs; every one is logged, rate
 * limited.
 */
void vcm_violation(struct vcm_dev *vcm, const char *fmt, ...)
{
	char msg[VCM_MSG_LEN];
	unsigned long flags;
	va_list args;

	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);

	/* Any context: a notification comes from the driver's. */
	spin_lock_irqsave(&vcm->msg_lock, flags);
	if (!atomic_read(&vcm->violations))
		strscpy(vcm->first_violation, msg,
			sizeof(vcm->first_violation));
	atomic_inc(&vcm->violations);
	spin_unlock_irqrestore(&vcm->msg_lock, flags);
	pr_warn_ratelimited("instance %u: driver violates the specification: %s\n",
			    vcm->id, msg);
}

/**
 * vcm_ready() - whether the device's status says HW_READY
 * @vcm: the device
 *
 * Return: true if data requests are served.
 */
bool vcm_ready(struct vcm_dev *vcm)
{
	return le32_to_cpu(READ_ONCE(vcm->config.status)) &
	       VIRTIO_CRYPTO_S_HW_READY;
}

static void vcm_set_ready(struct vcm_dev *vcm, bool ready)
{
	spin_lock(&vcm->config_lock);
	WRITE_ONCE(vcm->config.status,
		   cpu_to_le32(ready ? VIRTIO_CRYPTO_S_HW_READY : 0));
	vcm->generation++;
	spin_unlock(&vcm->config_lock);
	/* The configuration change interrupt. */
	virtio_config_changed(&vcm->vdev);
}

static const char * const vcm_fault_names[VCM_NR_FAULTS] = {
	[VCM_FAULT_NONE] = "none",
	[VCM_FAULT_ERROR] = "error",
	[VCM_FAULT_BADSTATUS] = "badstatus",
	[VCM_FAULT_SHORT] = "short",
	[VCM_FAULT_LONG] = "long",
	[VCM_FAULT_DIRTY] = "dirty",
	[VCM_FAULT_STALL] = "stall",
	[VCM_FAULT_NEEDS_RESET] = "needs_reset",
};

/*
 * DEVICE_NEEDS_RESET: the status bit, then the configuration change
 * interrupt; the queues serve nothing until the driver resets the device.
 */
static void vcm_set_needs_reset(struct vcm_dev *vcm)
{
	spin_lock(&vcm->config_lock);
	WRITE_ONCE(vcm->status,
		   READ_ONCE(vcm->status) | VIRTIO_CONFIG_S_NEEDS_RESET);
	vcm->generation++;
	spin_unlock(&vcm->config_lock);
	virtio_config_changed(&vcm->vdev);
}

static ssize_t vcm_fault_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct vcm_dev *vcm = file->private_data;
	unsigned int n = 1, i;
	char buf[32], *arg;
	int err;

	err = kmod_cmd_from_user(buf, sizeof(buf), ubuf, count);
	if (err)
		return err;
	strim(buf);
	arg = strchr(buf, ' ');
	if (arg) {
		*arg++ = '\0';
		if (kstrtouint(skip_spaces(arg), 0, &n))
			return -EINVAL;
	}
	i = sysfs_match_string(vcm_fault_names, buf);
	if ((int)i < 0)
		return -EINVAL;

	spin_lock(&vcm->fault_lock);
	vcm->fault = i;
	vcm->fault_left = n;
	spin_unlock(&vcm->fault_lock);
	if (i == VCM_FAULT_NEEDS_RESET) {
		vcm_set_needs_reset(vcm);
		return count;
	}
	/* A queue that stalled serves what waits on it again. */
	if (i != VCM_FAULT_STALL)
		for (i = 0; i + 1 < vcm->nvqs; i++)
			vcm_queue_kick(&vcm->q[i]);
	return count;
}

static ssize_t vcm_fault_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct vcm_dev *vcm = file->private_data;
	char buf[64];
	int len;

	spin_lock(&vcm->fault_lock);
	len = scnprintf(buf, sizeof(buf), "%s %u %llu\n",
			vcm_fault_names[vcm->fault], vcm->fault_left,
			vcm->faults_done);
	spin_unlock(&vcm->fault_lock);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations vcm_fault_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = vcm_fault_read,
	.write = vcm_fault_write,
	.llseek = default_llseek,
};

static ssize_t vcm_ready_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct vcm_dev *vcm = file->private_data;
	bool ready;
	int err;

	err = kstrtobool_from_user(ubuf, count, &ready);
	if (err)
		return err;
	vcm_set_ready(vcm, ready);
	return count;
}

static ssize_t vcm_ready_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct vcm_dev *vcm = file->private_data;
	char buf[3] = { vcm_ready(vcm) ? '1' : '0', '\n' };

	return simple_read_from_buffer(ubuf, count, ppos, buf, 2);
}

static const struct file_operations vcm_ready_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = vcm_ready_read,
	.write = vcm_ready_write,
	.llseek = default_llseek,
};

static int vcm_violations_show(struct seq_file *m, void *v)
{
	struct vcm_dev *vcm = m->private;

	spin_lock_irq(&vcm->msg_lock);
	seq_printf(m, "%d\n", atomic_read(&vcm->violations));
	if (atomic_read(&vcm->violations))
		seq_printf(m, "%s\n", vcm->first_violation);
	spin_unlock_irq(&vcm->msg_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vcm_violations);

static int vcm_stats_show(struct seq_file *m, void *v)
{
	struct vcm_dev *vcm = m->private;
	unsigned int i;

	for (i = 0; i < vcm->nvqs; i++) {
		struct vcm_queue *q = &vcm->q[i];

		if (i + 1 < vcm->nvqs)
			seq_printf(m, "dataq%u", i);
		else
			seq_puts(m, "controlq");
		seq_printf(m, " requests %llu bytes %llu errors %llu stateless %llu aead %llu hash %llu mac %llu\n",
			   READ_ONCE(q->requests), READ_ONCE(q->bytes),
			   READ_ONCE(q->errors), READ_ONCE(q->stateless),
			   READ_ONCE(q->aead), READ_ONCE(q->hash),
			   READ_ONCE(q->mac));
	}
	seq_printf(m, "sessions %u\n", READ_ONCE(vcm->nr_sessions));
	seq_printf(m, "faults %llu\n", READ_ONCE(vcm->faults_done));
	seq_printf(m, "resets %llu\n", READ_ONCE(vcm->resets));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vcm_stats);

static int vcm_name_show(struct seq_file *m, void *v)
{
	struct vcm_dev *vcm = m->private;

	seq_printf(m, "%s\n", dev_name(&vcm->vdev.dev));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vcm_name);

static void vcm_debugfs_init(struct vcm_dev *vcm)
{
	char name[16];
	struct dentry *d;

	snprintf(name, sizeof(name), "%u", vcm->id);
	d = debugfs_create_dir(name, vcm_debugfs);
	vcm->debugfs = d;
	debugfs_create_file("name", 0444, d, vcm, &vcm_name_fops);
	debugfs_create_file("hw_ready", 0600, d, vcm, &vcm_ready_fops);
	debugfs_create_file("fault", 0600, d, vcm, &vcm_fault_fops);
	debugfs_create_u32("delay_us", 0600, d, &vcm->delay_us);
	debugfs_create_u32("kib_ns", 0600, d, &vcm->kib_ns);
	debugfs_create_file("violations", 0444, d, vcm,
			    &vcm_violations_fops);
	debugfs_create_file("stats", 0444, d, vcm, &vcm_stats_fops);
}

static void vcm_release(struct device *dev)
{
	struct vcm_dev *vcm = to_vcm(dev_to_virtio(dev));

	vcm_sessions_destroy(vcm);
	xa_destroy(&vcm->sessions);
	if (vcm->wq)
		destroy_workqueue(vcm->wq);
	kfree(vcm->q);
	kfree(vcm);
}

static int vcm_params_get(unsigned int i, struct vcm_params *p)
{
	unsigned int bad = cipher_algo[i] & ~(BIT(VIRTIO_CRYPTO_CIPHER_AES_ECB) |
					      BIT(VIRTIO_CRYPTO_CIPHER_AES_CBC) |
					      BIT(VIRTIO_CRYPTO_CIPHER_AES_CTR) |
					      BIT(VIRTIO_CRYPTO_CIPHER_AES_XTS));

	p->dataqueues = dataqueues[i];
	p->ring_size = ring_size[i];
	p->cipher_algo_l = cipher_algo[i];
	p->max_cipher_key_len = max_cipher_key_len[i];
	p->max_auth_key_len = max_auth_key_len[i];
	p->max_size = max_size[i];
	p->max_sessions = max_sessions[i];
	p->indirect = indirect[i];
	p->stateless = stateless[i];
	p->stateless_services = stateless_services[i];
	p->aead = aead[i];
	p->hash = hash[i];
	p->mac = mac[i];
	p->strict = strict[i];
	p->revision1 = revision1[i] || stateless[i];

	if (!p->dataqueues || p->dataqueues > VCM_MAX_DATAQ) {
		pr_err("instance %u: dataqueues=%u outside 1..%u\n", i,
		       p->dataqueues, VCM_MAX_DATAQ);
		return -EINVAL;
	}
	/* A chain may be as long as the ring; the model walks VCM_MAX_SEGS. */
	if (!is_power_of_2(p->ring_size) || p->ring_size < 4 ||
	    p->ring_size > VCM_MAX_SEGS) {
		pr_err("instance %u: ring_size=%u is not a power of 2 in 4..%u\n",
		       i, p->ring_size, VCM_MAX_SEGS);
		return -EINVAL;
	}
	if (bad) {
		pr_err("instance %u: cipher_algo %#x: the model implements AES ECB, CBC, CTR and XTS only\n",
		       i, cipher_algo[i]);
		return -EINVAL;
	}
	if (p->mac && (!p->max_auth_key_len ||
		       p->max_auth_key_len > VCM_MAX_KEY_LEN)) {
		pr_err("instance %u: max_auth_key_len=%u outside 1..%u\n", i,
		       p->max_auth_key_len, VCM_MAX_KEY_LEN);
		return -EINVAL;
	}
	if (!p->max_size || !p->max_sessions) {
		pr_err("instance %u: max_size and max_sessions must not be 0\n",
		       i);
		return -EINVAL;
	}
	return 0;
}

/* Does the instance offer the stateless mode of @service (offered: @on)? */
static bool vcm_offer_stateless(const struct vcm_dev *vcm, unsigned int service,
				bool on)
{
	return on && vcm->p.stateless &&
	       (vcm->p.stateless_services & BIT(service));
}

static int vcm_create(unsigned int i)
{
	struct vcm_dev *vcm;
	unsigned int q;
	int err;

	vcm = kzalloc(sizeof(*vcm), GFP_KERNEL);
	if (!vcm)
		return -ENOMEM;
	vcm->id = i;
	err = vcm_params_get(i, &vcm->p);
	if (err)
		goto err_free;
	spin_lock_init(&vcm->config_lock);
	spin_lock_init(&vcm->fault_lock);
	spin_lock_init(&vcm->msg_lock);
	spin_lock_init(&vcm->kick_lock);
	init_rwsem(&vcm->sess_lock);
	xa_init_flags(&vcm->sessions, XA_FLAGS_ALLOC);
	vcm->delay_us = delay_us[i];

	vcm->features = BIT_ULL(VIRTIO_F_VERSION_1);
	if (vcm->p.indirect)
		vcm->features |= BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC);
	if (vcm->p.revision1)
		vcm->features |= BIT_ULL(VCM_F_REVISION_1);
	if (vcm_offer_stateless(vcm, VIRTIO_CRYPTO_SERVICE_CIPHER, true))
		vcm->features |= BIT_ULL(VCM_F_CIPHER_STATELESS_MODE);
	if (vcm_offer_stateless(vcm, VIRTIO_CRYPTO_SERVICE_HASH, vcm->p.hash))
		vcm->features |= BIT_ULL(VCM_F_HASH_STATELESS_MODE);
	if (vcm_offer_stateless(vcm, VIRTIO_CRYPTO_SERVICE_MAC, vcm->p.mac))
		vcm->features |= BIT_ULL(VCM_F_MAC_STATELESS_MODE);
	if (vcm_offer_stateless(vcm, VIRTIO_CRYPTO_SERVICE_AEAD, vcm->p.aead))
		vcm->features |= BIT_ULL(VCM_F_AEAD_STATELESS_MODE);
	vcm->config.status = cpu_to_le32(hw_ready[i] ?
					 VIRTIO_CRYPTO_S_HW_READY : 0);
	vcm->config.max_dataqueues = cpu_to_le32(vcm->p.dataqueues);
	vcm->config.crypto_services =
		cpu_to_le32(BIT(VIRTIO_CRYPTO_SERVICE_CIPHER) |
			    (vcm->p.hash ? BIT(VIRTIO_CRYPTO_SERVICE_HASH) : 0) |
			    (vcm->p.mac ? BIT(VIRTIO_CRYPTO_SERVICE_MAC) : 0) |
			    (vcm->p.aead ? BIT(VIRTIO_CRYPTO_SERVICE_AEAD) : 0));
	vcm->config.cipher_algo_l = cpu_to_le32(vcm->p.cipher_algo_l);
	if (vcm->p.hash)
		vcm->config.hash_algo =
			cpu_to_le32(BIT(VIRTIO_CRYPTO_HASH_SHA1) |
				    BIT(VIRTIO_CRYPTO_HASH_SHA_256));
	if (vcm->p.mac)
		vcm->config.mac_algo_l =
			cpu_to_le32(BIT(VIRTIO_CRYPTO_MAC_HMAC_SHA1) |
				    BIT(VIRTIO_CRYPTO_MAC_HMAC_SHA_256));
	if (vcm->p.aead)
		vcm->config.aead_algo = cpu_to_le32(BIT(VIRTIO_CRYPTO_AEAD_GCM));
	vcm->config.max_cipher_key_len = cpu_to_le32(vcm->p.max_cipher_key_len);
	vcm->config.max_auth_key_len = cpu_to_le32(vcm->p.max_auth_key_len);
	vcm->config.max_size = cpu_to_le64(vcm->p.max_size);

	vcm->nvqs = vcm->p.dataqueues + 1;
	vcm->q = kcalloc(vcm->nvqs, sizeof(*vcm->q), GFP_KERNEL);
	vcm->wq = alloc_workqueue("vcm%u", WQ_UNBOUND | WQ_MEM_RECLAIM, 0, i);
	if (!vcm->q || !vcm->wq) {
		err = -ENOMEM;
		goto err_free;
	}
	for (q = 0; q < vcm->nvqs; q++)
		vcm_queue_init(vcm, q);

	vcm->vdev.dev.parent = vcm_root;
	vcm->vdev.dev.release = vcm_release;
	vcm->vdev.config = &vcm_config_ops;
	vcm->vdev.id.device = VIRTIO_ID_CRYPTO;
	vcm->vdev.id.vendor = VIRTIO_DEV_ANY_ID;
	err = register_virtio_device(&vcm->vdev);
	if (err) {
		pr_err("instance %u: registering the device failed: %d\n", i,
		       err);
		put_device(&vcm->vdev.dev);
		return err;
	}
	vcm_devs[i] = vcm;
	vcm_debugfs_init(vcm);
	dev_info(&vcm->vdev.dev,
		 "model of a virtio-crypto device: %u data queues, cipher_algo %#x, hash_algo %#x, mac_algo %#x, aead_algo %#x, max_size %llu, features %#llx\n",
		 vcm->p.dataqueues, vcm->p.cipher_algo_l,
		 le32_to_cpu(vcm->config.hash_algo),
		 le32_to_cpu(vcm->config.mac_algo_l),
		 le32_to_cpu(vcm->config.aead_algo), vcm->p.max_size,
		 vcm->features);
	return 0;

err_free:
	if (vcm->wq)
		destroy_workqueue(vcm->wq);
	kfree(vcm->q);
	kfree(vcm);
	return err;
}

static void vcm_destroy_all(void)
{
	unsigned int i;

	for (i = 0; i < VCM_MAX_INSTANCES; i++) {
		struct vcm_dev *vcm = vcm_devs[i];

		if (!vcm)
			continue;
		debugfs_remove_recursive(vcm->debugfs);
		if (atomic_read(&vcm->violations))
			dev_warn(&vcm->vdev.dev, "%d violations of the specification, the first: %s\n",
				 atomic_read(&vcm->violations),
				 vcm->first_violation);
		unregister_virtio_device(&vcm->vdev);
		vcm_devs[i] = NULL;
	}
}

static int __init vcm_init(void)
{
	unsigned int i;
	int err;

	/* virtio 1.2, 5.9.7.4.1: 24 + 76 bytes before the key. */
	BUILD_BUG_ON(VCM_SL_PREFIX != 100);
	/*
	 * AEAD: 24 + 32 bytes before the key (stateless), 24 + 24 in session
	 * mode; tag_len at 40 where Linux's aead_data_req has its padding.
	 */
	BUILD_BUG_ON(sizeof(struct vcm_aead_flf_stateless) != 32);
	BUILD_BUG_ON(VCM_AEAD_SL_PREFIX != 56);
	BUILD_BUG_ON(VCM_AEAD_PREFIX != 48);
	BUILD_BUG_ON(offsetof(union vcm_data_prefix, aead.flf.tag_len) != 40);
	BUILD_BUG_ON(offsetof(struct virtio_crypto_op_data_req,
			      u.aead_req.padding) != 40);
	/*
	 * Hash and MAC: 24 + 16 bytes before the source (stateless; a MAC's
	 * key first), 24 + 8 in session mode, where a MAC request's
	 * parameters are a hash request's.  Their create requests: 16 + 8
	 * and 16 + 16 bytes with revision 1, the MAC key after them.
	 */
	BUILD_BUG_ON(sizeof(struct vcm_hash_flf_stateless) != 16);
	BUILD_BUG_ON(sizeof(struct vcm_mac_flf_stateless) != 16);
	BUILD_BUG_ON(VCM_HASH_SL_PREFIX != 40);
	BUILD_BUG_ON(VCM_MAC_SL_PREFIX != 40);
	BUILD_BUG_ON(VCM_HASH_PREFIX != 32);
	BUILD_BUG_ON(offsetof(union vcm_data_prefix,
			      mac_sl.flf.hash_result_len) != 36);
	BUILD_BUG_ON(offsetof(union vcm_data_prefix,
			      hash_sl.flf.hash_result_len) != 32);
	BUILD_BUG_ON(offsetof(struct virtio_crypto_op_data_req,
			      u.mac_req.para.hash.hash_result_len) !=
		     offsetof(struct virtio_crypto_op_data_req,
			      u.hash_req.para.hash_result_len));
	BUILD_BUG_ON(VCM_HASH_CREATE_FLF != 8);
	BUILD_BUG_ON(sizeof(struct virtio_crypto_mac_session_para) != 16);
	BUILD_BUG_ON(offsetof(struct virtio_crypto_op_ctrl_req,
			      u.mac_create_session.para.auth_key_len) != 24);
	if (!instances || instances > VCM_MAX_INSTANCES) {
		pr_err("instances=%u outside 1..%u\n", instances,
		       VCM_MAX_INSTANCES);
		return -EINVAL;
	}
	vcm_root = root_device_register("virtio_crypto_model");
	if (IS_ERR(vcm_root))
		return PTR_ERR(vcm_root);
	vcm_debugfs = debugfs_create_dir("virtio_crypto_model", NULL);

	for (i = 0; i < instances; i++) {
		err = vcm_create(i);
		if (err) {
			vcm_destroy_all();
			debugfs_remove_recursive(vcm_debugfs);
			root_device_unregister(vcm_root);
			return err;
		}
	}
	return 0;
}

static void __exit vcm_exit(void)
{
	vcm_destroy_all();
	debugfs_remove_recursive(vcm_debugfs);
	root_device_unregister(vcm_root);
}

module_init(vcm_init);
module_exit(vcm_exit);

MODULE_DESCRIPTION("Model of a virtio-crypto device (cipher, AES-GCM AEAD, SHA hash, HMAC) on a transport of its own, for tests");
MODULE_LICENSE("GPL");

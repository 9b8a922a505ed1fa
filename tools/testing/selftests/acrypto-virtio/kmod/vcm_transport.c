// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_crypto_model: the transport and the device side of the rings.
 *
 * The driver side of each virtqueue is the kernel's own (virtio_ring.c,
 * through vring_create_virtqueue()); nothing here touches its state.  The
 * device side only reads what a device reads (the descriptor table, the
 * available ring) and writes what a device writes (the used ring), through
 * the addresses the ring reports.  The model never offers
 * VIRTIO_F_ACCESS_PLATFORM, so virtio_ring.c does not use the DMA API and
 * every address in a descriptor is a guest-physical address of the direct
 * map.
 *
 * Each queue is served by a work item on an unbound workqueue: a
 * notification queues it, it consumes every available chain, and it
 * raises the "interrupt" (vring_interrupt() with interrupts off, as from a
 * device's MSI-X handler) unless the driver suppressed it.
 */

#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "vcm.h"

/* Interrupts are raised at least this often while a queue is drained. */
#define VCM_IRQ_BATCH	16

/* A guest-physical range as a kernel address, or NULL if it is not RAM. */
static u8 *vcm_map(u64 addr, u32 len)
{
	u64 last = addr + (len ? len - 1 : 0);

	if (last < addr || !pfn_valid(PHYS_PFN(addr)) ||
	    !pfn_valid(PHYS_PFN(last)))
		return NULL;
	return phys_to_virt(addr);
}

/* A ring error: record it; the queue serves nothing more until reset. */
static int vcm_ring_error(struct vcm_queue *q, const char *what, u64 a, u64 b)
{
	vcm_violation(q->vcm, "queue %u: %s (%llu, %llu)", q->index, what, a, b);
	q->broken = true;
	return -EPROTO;
}

/* Walk the chain at @head into @c. */
static int vcm_chain_read(struct vcm_queue *q, u16 head, struct vcm_chain *c)
{
	struct virtio_device *vdev = &q->vcm->vdev;
	struct vring_desc *table = q->desc;
	unsigned int max = q->num, n = 0, total = 0;
	bool indirect = false;
	u16 i = head;

	c->head = head;
	c->nout = 0;
	c->nin = 0;
	c->out_len = 0;
	c->in_len = 0;
	if (head >= q->num)
		return vcm_ring_error(q, "chain head outside the ring", head,
				      q->num);

	for (;;) {
		struct vring_desc *d = &table[i];
		u16 flags = virtio16_to_cpu(vdev, READ_ONCE(d->flags));
		u64 addr = virtio64_to_cpu(vdev, READ_ONCE(d->addr));
		u32 len = virtio32_to_cpu(vdev, READ_ONCE(d->len));
		struct vcm_seg *seg;
		u8 *va;

		if (flags & VRING_DESC_F_INDIRECT) {
			if (!virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC))
				return vcm_ring_error(q, "INDIRECT flag, feature not negotiated",
						      head, flags);
			if (indirect)
				return vcm_ring_error(q, "INDIRECT flag inside an indirect table",
						      head, i);
			if (flags & VRING_DESC_F_NEXT)
				return vcm_ring_error(q, "INDIRECT and NEXT flags together",
						      head, flags);
			if (!len || len % sizeof(*d) ||
			    len / sizeof(*d) > VCM_MAX_SEGS)
				return vcm_ring_error(q, "indirect table length",
						      head, len);
			table = (struct vring_desc *)vcm_map(addr, len);
			if (!table)
				return vcm_ring_error(q, "indirect table is not memory",
						      head, addr);
			indirect = true;
			max = len / sizeof(*d);
			n = 0;
			i = 0;
			continue;
		}

		if (++n > max || ++total > VCM_MAX_SEGS)
			return vcm_ring_error(q, "descriptor chain longer than its table (a loop?)",
					      head, n);
		/* Legal for the ring, but QEMU stops the device for one. */
		if (!len && q->vcm->p.strict)
			vcm_violation(q->vcm, "zero-length descriptor in chain %u",
				      head);
		va = vcm_map(addr, len);
		if (!va)
			return vcm_ring_error(q, "buffer is not memory", head,
					      addr);
		if (flags & VRING_DESC_F_WRITE) {
			c->in_len += len;
			c->nin++;
		} else {
			if (c->nin)
				return vcm_ring_error(q, "readable buffer after a writable one",
						      head, i);
			c->out_len += len;
			c->nout++;
		}
		seg = &c->seg[c->nout + c->nin - 1];
		seg->va = va;
		seg->len = len;

		if (!(flags & VRING_DESC_F_NEXT))
			return 0;
		i = virtio16_to_cpu(vdev, READ_ONCE(d->next));
		if (i >= max)
			return vcm_ring_error(q, "next descriptor outside the table",
					      head, i);
	}
}

/* The segments of one direction and where they start in c->seg. */
static struct vcm_seg *vcm_segs(struct vcm_chain *c, bool in, unsigned int *n)
{
	*n = in ? c->nin : c->nout;
	return in ? &c->seg[c->nout] : c->seg;
}

/* Copy between @buf and a part of @c; into the writable part, NULL clears. */
static u32 vcm_chain_copy(struct vcm_chain *c, bool in, u32 off, u8 *buf,
			  u32 len)
{
	unsigned int n, i;
	struct vcm_seg *s = vcm_segs(c, in, &n);
	u32 done = 0;

	for (i = 0; i < n && done < len; i++) {
		u32 l;

		if (off >= s[i].len) {
			off -= s[i].len;
			continue;
		}
		l = min(s[i].len - off, len - done);
		if (in && !buf)
			memset(s[i].va + off, 0, l);
		else if (in)
			memcpy(s[i].va + off, buf + done, l);
		else
			memcpy(buf + done, s[i].va + off, l);
		done += l;
		off = 0;
	}
	return done;
}

/**
 * vcm_chain_copy_out() - read from the device-readable part of a chain
 * @c: the chain
 * @off: offset in the readable part
 * @buf: destination
 * @len: bytes to read
 *
 * Return: the bytes read, less than @len where the part ends.
 */
u32 vcm_chain_copy_out(struct vcm_chain *c, u32 off, void *buf, u32 len)
{
	return vcm_chain_copy(c, false, off, buf, len);
}

/**
 * vcm_chain_copy_in() - write into the device-writable part of a chain
 * @c: the chain
 * @off: offset in the writable part
 * @buf: source
 * @len: bytes to write
 *
 * Return: the bytes written, less than @len where the part ends.
 */
u32 vcm_chain_copy_in(struct vcm_chain *c, u32 off, const void *buf, u32 len)
{
	return vcm_chain_copy(c, true, off, (u8 *)buf, len);
}

/**
 * vcm_chain_zero_in() - clear a range of the device-writable part of a chain
 * @c: the chain
 * @off: offset in the writable part
 * @len: bytes to clear
 *
 * Return: the bytes cleared, less than @len where the part ends.
 */
u32 vcm_chain_zero_in(struct vcm_chain *c, u32 off, u32 len)
{
	return vcm_chain_copy(c, true, off, NULL, len);
}

/**
 * vcm_chain_sg() - describe a range of a chain with a scatterlist
 * @c: the chain
 * @in: the writable part (else the readable part)
 * @off: offset of the range in that part
 * @len: length of the range, not 0
 * @sg: room for an entry per buffer of the range (VCM_MAX_SEGS at most)
 *
 * Return: the number of entries used, or -EINVAL if the part is shorter.
 */
int vcm_chain_sg(struct vcm_chain *c, bool in, u32 off, u32 len,
		 struct scatterlist *sg)
{
	unsigned int n, i, nents = 0;
	struct vcm_seg *s = vcm_segs(c, in, &n);
	u32 left = len;

	for (i = 0; i < n && left; i++) {
		u32 l;

		/* Empty buffers are legal; they take no entry. */
		if (off >= s[i].len) {
			off -= s[i].len;
			continue;
		}
		l = min(s[i].len - off, left);
		/* Not sg_init_table() of all VCM_MAX_SEGS: 16 KiB a request. */
		sg[nents].page_link = 0;
		sg_set_buf(&sg[nents], s[i].va + off, l);
		nents++;
		left -= l;
		off = 0;
	}
	if (left || !nents)
		return -EINVAL;
	sg_mark_end(&sg[nents - 1]);
	return nents;
}

static void vcm_used_push(struct vcm_queue *q, u16 head, u32 len)
{
	struct virtio_device *vdev = &q->vcm->vdev;
	struct vring_used_elem *e = &q->used->ring[q->used_idx % q->num];

	WRITE_ONCE(e->id, cpu_to_virtio32(vdev, head));
	WRITE_ONCE(e->len, cpu_to_virtio32(vdev, len));
	q->used_idx++;
	/* The element before the index that publishes it. */
	virt_wmb();
	WRITE_ONCE(q->used->idx, cpu_to_virtio16(vdev, q->used_idx));
}

/* The interrupt of @q, unless the driver asked for none. */
static void vcm_interrupt(struct vcm_queue *q)
{
	struct virtio_device *vdev = &q->vcm->vdev;
	unsigned long flags;

	/* The used index before the driver's flag (it does the converse). */
	virt_mb();
	if (virtio16_to_cpu(vdev, READ_ONCE(q->avail->flags)) &
	    VRING_AVAIL_F_NO_INTERRUPT)
		return;
	/* As from an MSI-X handler: the tasklets it schedules run on exit. */
	local_bh_disable();
	local_irq_save(flags);
	vring_interrupt(0, q->vq);
	local_irq_restore(flags);
	local_bh_enable();
}

static bool vcm_live(struct vcm_queue *q)
{
	u8 status = READ_ONCE(q->vcm->status);

	return !q->broken && (status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	       !(status & VIRTIO_CONFIG_S_NEEDS_RESET);
}

static bool vcm_stalled(struct vcm_dev *vcm)
{
	return READ_ONCE(vcm->fault) == VCM_FAULT_STALL;
}

static void vcm_queue_work(struct work_struct *work)
{
	struct vcm_queue *q = container_of(work, struct vcm_queue, work);
	struct vcm_dev *vcm = q->vcm;
	struct virtio_device *vdev = &vcm->vdev;
	bool ctrl = q->index == vcm->nvqs - 1;
	unsigned int done = 0;

	while (vcm_live(q) && (ctrl || !vcm_stalled(vcm))) {
		u16 avail = virtio16_to_cpu(vdev, READ_ONCE(q->avail->idx));
		u16 head;
		u32 len;

		if (avail == q->last_avail)
			break;
		if ((u16)(avail - q->last_avail) > q->num) {
			vcm_ring_error(q, "available index moved by more than the ring size",
				       q->last_avail, avail);
			break;
		}
		/* The index before the entries it publishes. */
		virt_rmb();
		head = virtio16_to_cpu(vdev,
				       READ_ONCE(q->avail->ring[q->last_avail % q->num]));
		q->last_avail++;
		if (vcm_chain_read(q, head, q->chain))
			break;
		len = ctrl ? vcm_handle_ctrl(q, q->chain) :
			     vcm_handle_data(q, q->chain);
		vcm_used_push(q, head, len);
		if (++done % VCM_IRQ_BATCH == 0) {
			vcm_interrupt(q);
			cond_resched();
		}
	}
	if (done % VCM_IRQ_BATCH)
		vcm_interrupt(q);
}

/**
 * vcm_queue_kick() - have a queue look at its available ring
 * @q: the queue
 */
void vcm_queue_kick(struct vcm_queue *q)
{
	unsigned long flags;

	/* Against vcm_queue_free(): no work is queued once the ring goes. */
	spin_lock_irqsave(&q->vcm->kick_lock, flags);
	if (q->vq)
		queue_work(q->vcm->wq, &q->work);
	spin_unlock_irqrestore(&q->vcm->kick_lock, flags);
}

static bool vcm_notify(struct virtqueue *vq)
{
	struct vcm_queue *q = vq->priv;

	if (!(READ_ONCE(q->vcm->status) & VIRTIO_CONFIG_S_DRIVER_OK))
		vcm_violation(q->vcm, "queue %u notified before DRIVER_OK",
			      q->index);
	else
		vcm_queue_kick(q);
	return true;
}

static void vcm_get(struct virtio_device *vdev, unsigned int offset,
		    void *buf, unsigned int len)
{
	struct vcm_dev *vcm = to_vcm(vdev);

	if (offset > sizeof(vcm->config) || len > sizeof(vcm->config) - offset) {
		vcm_violation(vcm, "config read of %u bytes at %u, beyond the config space",
			      len, offset);
		memset(buf, 0, len);
		return;
	}
	spin_lock(&vcm->config_lock);
	memcpy(buf, (u8 *)&vcm->config + offset, len);
	spin_unlock(&vcm->config_lock);
}

static void vcm_set(struct virtio_device *vdev, unsigned int offset,
		    const void *buf, unsigned int len)
{
	vcm_violation(to_vcm(vdev), "config write of %u bytes at %u (read-only)",
		      len, offset);
}

static u32 vcm_generation(struct virtio_device *vdev)
{
	struct vcm_dev *vcm = to_vcm(vdev);
	u32 gen;

	spin_lock(&vcm->config_lock);
	gen = vcm->generation;
	spin_unlock(&vcm->config_lock);
	return gen;
}

static u8 vcm_get_status(struct virtio_device *vdev)
{
	return READ_ONCE(to_vcm(vdev)->status);
}

static void vcm_set_status(struct virtio_device *vdev, u8 status)
{
	struct vcm_dev *vcm = to_vcm(vdev);
	u8 old = vcm->status, added = status & ~old;
	unsigned int i;

	if (!status) {
		vcm_violation(vcm, "status written 0 (reset goes through ->reset)");
		return;
	}
	/* NEEDS_RESET is the device's: the driver only reads it. */
	if (old & ~status & ~VIRTIO_CONFIG_S_NEEDS_RESET)
		vcm_violation(vcm, "status bits cleared without a reset (%#x to %#x)",
			      old, status);
	if ((added & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    (vdev->features & ~vcm->features)) {
		/* A device refuses features it did not offer. */
		vcm_violation(vcm, "FEATURES_OK with features %#llx never offered",
			      vdev->features & ~vcm->features);
		status &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	}
	/* Checked here: ->validate() runs after ->finalize_features(). */
	if ((added & VIRTIO_CONFIG_S_FEATURES_OK) && vcm_stateless(vcm) &&
	    !vcm_rev1(vcm))
		vcm_violation(vcm, "CIPHER_STATELESS_MODE accepted without REVISION_1");
	if ((added & VIRTIO_CONFIG_S_FEATURES_OK) && vcm_hash_stateless(vcm) &&
	    !vcm_rev1(vcm))
		vcm_violation(vcm, "HASH_STATELESS_MODE accepted without REVISION_1");
	if ((added & VIRTIO_CONFIG_S_FEATURES_OK) && vcm_mac_stateless(vcm) &&
	    !vcm_rev1(vcm))
		vcm_violation(vcm, "MAC_STATELESS_MODE accepted without REVISION_1");
	if ((added & VIRTIO_CONFIG_S_FEATURES_OK) && vcm_aead_stateless(vcm) &&
	    !vcm_rev1(vcm))
		vcm_violation(vcm, "AEAD_STATELESS_MODE accepted without REVISION_1");
	if ((added & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(status & VIRTIO_CONFIG_S_FEATURES_OK))
		vcm_violation(vcm, "DRIVER_OK without FEATURES_OK");
	if ((added & VIRTIO_CONFIG_S_DRIVER) &&
	    !(status & VIRTIO_CONFIG_S_ACKNOWLEDGE))
		vcm_violation(vcm, "DRIVER without ACKNOWLEDGE");
	spin_lock(&vcm->config_lock);
	status |= READ_ONCE(vcm->status) & VIRTIO_CONFIG_S_NEEDS_RESET;
	WRITE_ONCE(vcm->status, status);
	spin_unlock(&vcm->config_lock);

	/* Buffers made available before DRIVER_OK are served now. */
	if (added & VIRTIO_CONFIG_S_DRIVER_OK)
		for (i = 0; i < vcm->nvqs; i++)
			vcm_queue_kick(&vcm->q[i]);
}

static void vcm_reset(struct virtio_device *vdev)
{
	struct vcm_dev *vcm = to_vcm(vdev);
	unsigned int i;

	spin_lock(&vcm->config_lock);
	WRITE_ONCE(vcm->status, 0);
	spin_unlock(&vcm->config_lock);
	/* A work item that saw DRIVER_OK finishes; no other starts. */
	flush_workqueue(vcm->wq);
	/* The reset the device asked for: it serves again. */
	spin_lock(&vcm->fault_lock);
	if (vcm->fault == VCM_FAULT_NEEDS_RESET) {
		vcm->fault = VCM_FAULT_NONE;
		vcm->faults_done++;
		vcm->resets++;
	}
	spin_unlock(&vcm->fault_lock);
	for (i = 0; i < vcm->nvqs; i++) {
		vcm->q[i].last_avail = 0;
		vcm->q[i].used_idx = 0;
		vcm->q[i].broken = false;
	}
	vcm_sessions_destroy(vcm);
}

static void vcm_queue_free(struct vcm_queue *q)
{
	struct virtqueue *vq = q->vq;
	unsigned long flags;

	spin_lock_irqsave(&q->vcm->kick_lock, flags);
	q->vq = NULL;
	spin_unlock_irqrestore(&q->vcm->kick_lock, flags);
	cancel_work_sync(&q->work);
	if (vq)
		vring_del_virtqueue(vq);
	vcm_queue_crypto_free(q);
	kvfree(q->chain);
	q->chain = NULL;
	kvfree(q->src_sg);
	q->src_sg = NULL;
	kvfree(q->dst_sg);
	q->dst_sg = NULL;
}

static void vcm_del_vqs(struct virtio_device *vdev)
{
	struct vcm_dev *vcm = to_vcm(vdev);
	unsigned int i;

	/* Buffers may be exposed until the device is reset. */
	if (READ_ONCE(vcm->status) & VIRTIO_CONFIG_S_DRIVER_OK)
		vcm_violation(vcm, "virtqueues deleted without a reset");
	flush_workqueue(vcm->wq);
	for (i = 0; i < vcm->nvqs; i++)
		vcm_queue_free(&vcm->q[i]);
}

static int vcm_queue_create(struct vcm_dev *vcm, unsigned int index,
			    vq_callback_t *callback, const char *name, bool ctx)
{
	struct vcm_queue *q = &vcm->q[index];
	struct virtqueue *vq;

	q->chain = kvzalloc(sizeof(*q->chain), GFP_KERNEL);
	q->src_sg = kvcalloc(VCM_MAX_SEGS, sizeof(*q->src_sg), GFP_KERNEL);
	q->dst_sg = kvcalloc(VCM_MAX_SEGS, sizeof(*q->dst_sg), GFP_KERNEL);
	if (!q->chain || !q->src_sg || !q->dst_sg)
		return -ENOMEM;

	vq = vring_create_virtqueue(index, vcm->p.ring_size, SMP_CACHE_BYTES,
				    &vcm->vdev, true, true, ctx, vcm_notify,
				    callback, name);
	if (!vq)
		return -ENOMEM;
	vq->priv = q;
	q->vq = vq;
	q->num = virtqueue_get_vring_size(vq);
	q->desc = phys_to_virt(virtqueue_get_desc_addr(vq));
	q->avail = phys_to_virt(virtqueue_get_avail_addr(vq));
	q->used = phys_to_virt(virtqueue_get_used_addr(vq));
	q->last_avail = 0;
	q->used_idx = 0;
	q->broken = false;
	return 0;
}

static int vcm_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
			struct virtqueue *vqs[], vq_callback_t *callbacks[],
			const char * const names[], const bool *ctx,
			struct irq_affinity *desc)
{
	struct vcm_dev *vcm = to_vcm(vdev);
	unsigned int i, index = 0;
	int err;

	for (i = 0; i < nvqs; i++) {
		if (!names[i]) {
			vqs[i] = NULL;
			continue;
		}
		if (index >= vcm->nvqs) {
			err = -ENOENT;
			goto err;
		}
		err = vcm_queue_create(vcm, index, callbacks[i], names[i],
				       ctx ? ctx[i] : false);
		if (err)
			goto err;
		vqs[i] = vcm->q[index++].vq;
	}
	/* The control queue is the last: a driver sets them all up. */
	if (index != vcm->nvqs)
		vcm_violation(vcm, "%u virtqueues set up, the device has %u",
			      index, vcm->nvqs);
	return 0;

err:
	vcm_del_vqs(vdev);
	return err;
}

static void vcm_synchronize_cbs(struct virtio_device *vdev)
{
	/* Callbacks run only from the queues' work items. */
	flush_workqueue(to_vcm(vdev)->wq);
}

static u64 vcm_get_features(struct virtio_device *vdev)
{
	return to_vcm(vdev)->features;
}

static int vcm_finalize_features(struct virtio_device *vdev)
{
	struct vcm_dev *vcm = to_vcm(vdev);

	vring_transport_features(vdev);
	if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1))
		vcm_violation(vcm, "VIRTIO_F_VERSION_1 offered but not accepted");
	return 0;
}

static const char *vcm_bus_name(struct virtio_device *vdev)
{
	return "virtio_crypto_model";
}

const struct virtio_config_ops vcm_config_ops = {
	.get			= vcm_get,
	.set			= vcm_set,
	.generation		= vcm_generation,
	.get_status		= vcm_get_status,
	.set_status		= vcm_set_status,
	.reset			= vcm_reset,
	.find_vqs		= vcm_find_vqs,
	.del_vqs		= vcm_del_vqs,
	.synchronize_cbs	= vcm_synchronize_cbs,
	.get_features		= vcm_get_features,
	.finalize_features	= vcm_finalize_features,
	.bus_name		= vcm_bus_name,
};

/**
 * vcm_queue_init() - the device side of a queue, before it has a ring
 * @vcm: the device
 * @index: queue index
 */
void vcm_queue_init(struct vcm_dev *vcm, unsigned int index)
{
	struct vcm_queue *q = &vcm->q[index];

	q->vcm = vcm;
	q->index = index;
	INIT_WORK(&q->work, vcm_queue_work);
}

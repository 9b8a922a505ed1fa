// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: the main_crypto_device queue.
 *
 * Polyakov's design keeps every session on the queue of its device and on
 * one global queue, main_crypto_device, so that the engine can find and move
 * every session of a device that breaks or goes away.  Here the global queue
 * is sharded per CPU: a session is linked on the shard of the CPU that
 * queued it, and on its device's list for that CPU, both under the shard's
 * lock.  Submission touches only the local shard; a completion on another CPU
 * takes that one remote lock.  Nothing on the fast path is global.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/percpu.h>
#include <linux/smp.h>

#include "internal.h"

struct acrypto_shard __percpu *acrypto_shards;

/**
 * acrypto_queue_link() - put a session on the main queue and @dev's queue
 * @s: session not yet in the engine
 * @dev: device that will hold it
 *
 * Context: any up to softirq.  Takes the local shard's lock with BH off.
 */
void acrypto_queue_link(struct acrypto_session *s, struct acrypto_device *dev)
{
	struct acrypto_shard *shard;
	int cpu;

	/* A device going from idle to busy starts its stall clock now. */
	if (atomic_inc_return(&dev->inflight) == 1)
		WRITE_ONCE(dev->progress, jiffies);
	s->cost_ns = min_t(u64, acrypto_device_cost_ns(dev, s), U32_MAX);
	if (s->cost_ns)
		atomic64_add(s->cost_ns, &dev->queued_ns);
	s->dev = dev;

	local_bh_disable();
	cpu = smp_processor_id();
	shard = per_cpu_ptr(acrypto_shards, cpu);
	spin_lock(&shard->lock);
	s->cpu = cpu;
	list_add_tail(&s->main_node, &shard->queue);
	list_add_tail(&s->dev_node, &per_cpu_ptr(dev->pcpu, cpu)->queue);
	shard->len++;
	spin_unlock(&shard->lock);
	local_bh_enable();
}

/**
 * acrypto_queue_unlink() - take a session off the main and device queues
 * @s: session linked by acrypto_queue_link()
 *
 * Drops the device's in-flight count and wakes acrypto_device_unregister()
 * when a dying device becomes empty.  The caller holds rcu_read_lock(), which
 * keeps the device's memory alive after the count drops.
 */
void acrypto_queue_unlink(struct acrypto_session *s)
{
	struct acrypto_device *dev = s->dev;
	struct acrypto_shard *shard;

	shard = per_cpu_ptr(acrypto_shards, s->cpu);
	spin_lock_bh(&shard->lock);
	list_del(&s->main_node);
	list_del(&s->dev_node);
	shard->len--;
	spin_unlock_bh(&shard->lock);

	s->dev = NULL;
	acrypto_queue_put(dev, s);
}

/**
 * acrypto_queue_put() - a session left @dev's queue
 * @dev: the device
 * @s: the session, no longer linked
 *
 * Wakes acrypto_device_unregister() when a dying device becomes empty.
 */
void acrypto_queue_put(struct acrypto_device *dev, struct acrypto_session *s)
{
	if (s->cost_ns)
		atomic64_sub(s->cost_ns, &dev->queued_ns);
	if (atomic_dec_and_test(&dev->inflight) &&
	    test_bit(ACRYPTO_DEV_DYING, &dev->state))
		wake_up(&dev->wait);
}

/**
 * acrypto_queue_reclaim() - take back sessions a device accepted
 * @dev: a broken or stalled device with a ->cancel() method
 * @list: gets the sessions the device gave up, linked by backlog_node
 *
 * Asks the driver, session by session under the shard lock that keeps the
 * session alive, to give up each accepted session.  The ones it gives up
 * are off the main and device queues on return, still counted in
 * @dev->inflight, for the caller to move.
 *
 * Return: the number of sessions reclaimed.
 */
unsigned int acrypto_queue_reclaim(struct acrypto_device *dev,
				   struct list_head *list)
{
	struct acrypto_session *s, *tmp;
	unsigned int n = 0;
	int cpu;

	if (!dev->ops->cancel)
		return 0;

	for_each_possible_cpu(cpu) {
		struct acrypto_shard *shard = per_cpu_ptr(acrypto_shards, cpu);
		struct list_head *queue = &per_cpu_ptr(dev->pcpu, cpu)->queue;

		spin_lock_bh(&shard->lock);
		list_for_each_entry_safe(s, tmp, queue, dev_node) {
			if (s->state != ACRYPTO_S_ACTIVE ||
			    !dev->ops->cancel(dev, s))
				continue;
			list_del(&s->main_node);
			list_del(&s->dev_node);
			shard->len--;
			s->state = ACRYPTO_S_IDLE;
			list_add_tail(&s->backlog_node, list);
			n++;
		}
		spin_unlock_bh(&shard->lock);
	}
	return n;
}

/**
 * acrypto_queue_len() - sessions on the main_crypto_device queue
 *
 * Sessions a synchronous device does inline never wait, and are never on
 * it.
 *
 * Return: the sum over all shards; a snapshot.
 */
unsigned long acrypto_queue_len(void)
{
	long len = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct acrypto_shard *shard = per_cpu_ptr(acrypto_shards,
								cpu);

		len += READ_ONCE(shard->len);
	}
	return len > 0 ? len : 0;
}

int acrypto_queue_init(void)
{
	int cpu;

	acrypto_shards = alloc_percpu(struct acrypto_shard);
	if (!acrypto_shards)
		return -ENOMEM;

	for_each_possible_cpu(cpu) {
		struct acrypto_shard *shard = per_cpu_ptr(acrypto_shards, cpu);

		spin_lock_init(&shard->lock);
		INIT_LIST_HEAD(&shard->queue);
	}
	return 0;
}

void acrypto_queue_uninit(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		WARN_ON(!list_empty(&per_cpu_ptr(acrypto_shards, cpu)->queue));
	free_percpu(acrypto_shards);
}

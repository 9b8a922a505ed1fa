/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * acrypto engine internals, shared by the files of acrypto.ko only.
 */
#ifndef _ACRYPTO_INTERNAL_H
#define _ACRYPTO_INTERNAL_H

#include <crypto/internal/acrypto.h>
#include <crypto/hash.h>
#include <linux/mutex.h>
#include <linux/jiffies.h>
#include <linux/percpu.h>
#include <linux/rwsem.h>
#include <linux/workqueue.h>

/*
 * Session states (acrypto_session.state).  A session is IDLE outside the
 * engine, BACKLOG while it waits on a device's backlog, ACTIVE from the
 * moment it is offered to ->process() until the step ends.
 */
enum {
	ACRYPTO_S_IDLE,
	ACRYPTO_S_BACKLOG,
	ACRYPTO_S_ACTIVE,
};

/* acrypto_session.flags */
#define ACRYPTO_SF_NOTIFY	BIT(0)	/* caller saw -EBUSY: owes -EINPROGRESS */
/* A known-answer test (kat.c): may reach a device out of service. */
#define ACRYPTO_SF_PROBE	BIT(1)
#define ACRYPTO_SF_WRITTEN	BIT(2)	/* the device may have written the output */
#define ACRYPTO_SF_IV_SAVED	BIT(3)	/* iv_saved holds the step's IV */

/* Outcome of offering a session to a device. */
enum acrypto_offer {
	ACRYPTO_ACCEPTED,	/* the device owns it, do not touch it */
	ACRYPTO_PARKED,		/* on the device's backlog */
	ACRYPTO_REFUSED,	/* not queued on this device: try another */
	ACRYPTO_FINISHED,	/* the device did the step synchronously */
};

/* How a session is dispatched (acrypto_run(), acrypto_offer()). */
#define ACRYPTO_RUN_SUBMIT	BIT(0)	/* first submission: the caller's call */
#define ACRYPTO_RUN_NO_INLINE	BIT(1)	/* ->process_sync() just deferred */
#define ACRYPTO_RUN_FULL	BIT(2)	/* the device just said -ENOSPC */

/* Longest partition name, and how many partitions there may be. */
#define ACRYPTO_PART_NAME_LEN	16
#define ACRYPTO_MAX_PARTITIONS	16

/* acrypto_key.sole: device generation << SHIFT | (device index + 1) */
#define ACRYPTO_SOLE_SHIFT	6
#define ACRYPTO_SOLE_GEN_MASK	(ULONG_MAX >> ACRYPTO_SOLE_SHIFT)

/*
 * One shard of the main_crypto_device queue per CPU.  Every session in the
 * engine is on the shard of the CPU that queued it, and on its device's
 * per-CPU list for that CPU; the shard lock protects both lists.  Sharding
 * keeps the main queue from turning into a global lock on the fast path.
 */
struct acrypto_shard {
	spinlock_t lock;	/* protects the lists, BH-safe */
	struct list_head queue;
	unsigned long len;
} ____cacheline_aligned_in_smp;

/*
 * Exported by crypto/api.c (EXPORT_SYMBOL_GPL) but declared only in the
 * crypto core's private crypto/internal.h: marks an algorithm dying, so that
 * look-ups pass it by.  In a kernel tree this declaration would move to
 * include/crypto/algapi.h.
 */
void crypto_shoot_alg(struct crypto_alg *alg);

/* main.c: module parameters, the engine's workqueue */
extern unsigned int acrypto_max_backlog;
extern unsigned int acrypto_max_retries;
extern int acrypto_priority;
extern unsigned int acrypto_stall_timeout_ms;
extern unsigned int acrypto_max_wait_ms;
extern unsigned int acrypto_kick_budget;
extern unsigned int acrypto_kat_timeout_ms;
extern unsigned int acrypto_probe_interval_ms;
extern unsigned int acrypto_cost_sample_every;
extern unsigned int acrypto_cost_ewma_shift;
extern unsigned int acrypto_cost_stale_ms;
extern struct workqueue_struct *acrypto_wq;

/* device.c APIs: */
extern struct list_head acrypto_device_list;

/*
 * Inside the engine the device list is walked directly rather than through
 * the exported acrypto_device_next().  Caller holds rcu_read_lock().
 */
#undef acrypto_for_each_device
#define acrypto_for_each_device(pos) \
	list_for_each_entry_rcu(pos, &acrypto_device_list, node)

extern struct rw_semaphore acrypto_dev_rwsem;
extern struct acrypto_device *acrypto_dev_slot[ACRYPTO_MAX_DEVICES];
int acrypto_device_init(void);
void acrypto_device_uninit(void);
bool acrypto_any_device(unsigned int alg, unsigned int mode,
			const struct acrypto_partition *part);
struct acrypto_device *acrypto_device_find(const char *name);
extern atomic_long_t acrypto_dev_gen;
void acrypto_device_gen_bump(void);

/**
 * acrypto_device_gen() - the current device generation
 *
 * Return: a number that changes whenever a device registers, goes away,
 * or leaves or enters service.
 */
static inline unsigned long acrypto_device_gen(void)
{
	return atomic_long_read(&acrypto_dev_gen);
}

void acrypto_device_set_off(struct acrypto_device *dev, unsigned int reason,
			    bool off);
void __acrypto_device_set_off(struct acrypto_device *dev, unsigned int reason,
			      bool off, unsigned int drain);
void acrypto_device_enter_service(struct acrypto_device *dev);
void acrypto_device_notify(struct acrypto_device *dev);

/* queue.c APIs: */
extern struct acrypto_shard __percpu *acrypto_shards;
int acrypto_queue_init(void);
void acrypto_queue_uninit(void);
void acrypto_queue_link(struct acrypto_session *s, struct acrypto_device *dev);
void acrypto_queue_unlink(struct acrypto_session *s);
void acrypto_queue_put(struct acrypto_device *dev, struct acrypto_session *s);
unsigned int acrypto_queue_reclaim(struct acrypto_device *dev,
				   struct list_head *list);
unsigned long acrypto_queue_len(void);

/* session.c APIs: */
DECLARE_PER_CPU(unsigned int, acrypto_in_submit);
void acrypto_notify(struct acrypto_session *s);
enum acrypto_offer acrypto_process(struct acrypto_device *dev,
				   struct acrypto_session *s, int *ret);
bool acrypto_step_end(struct acrypto_session *s, struct acrypto_device *dev,
		      int *err);
int acrypto_run(struct acrypto_session *s, int err, unsigned int flags);
void acrypto_finish(struct acrypto_session *s, int err);
void acrypto_resubmit(struct acrypto_session *s, int err);
void acrypto_step_done(struct acrypto_session *s, struct acrypto_device *dev,
		       int err);
unsigned long acrypto_fallback_count(void);
struct skcipher_request;
bool acrypto_skcipher_direct(struct skcipher_request *req,
			     struct acrypto_key *key, u8 op, u16 mode,
			     void *sub, int *ret);
void acrypto_session_init_pcpu(void);
void acrypto_session_uninit_pcpu(void);

/* backlog.c APIs: */
enum acrypto_offer acrypto_offer(struct acrypto_device *dev,
				 struct acrypto_session *s, unsigned int flags,
				 int *ret);
void acrypto_device_kick(struct acrypto_device *dev);
void acrypto_device_kick_worker(struct work_struct *work);
/* acrypto_device_drain() flags */
#define ACRYPTO_DRAIN_RECLAIM	BIT(0)	/* take back what the device accepted */
#define ACRYPTO_DRAIN_MAY_SLEEP	BIT(1)	/* process context, no lock held */
void acrypto_device_drain(struct acrypto_device *dev, unsigned int flags);
void acrypto_backlog_steal(struct acrypto_device *dev, unsigned int budget);
void acrypto_backlog_room(struct acrypto_device *dev);

/* cost.c APIs: */
/* Per-CPU state of the cost model's sampling. */
struct acrypto_cost_clock {
	unsigned int count;	/* steps since the last sample */
	unsigned long last;	/* jiffies of the last sample */
	bool force;		/* a balancer wants the next step measured */
};

DECLARE_PER_CPU(struct acrypto_cost_clock, acrypto_cost_clock);

/**
 * acrypto_cost_sample_one_in() - shall the step starting now be timed?
 * @n: time one step in @n on this CPU
 *
 * Also the first step of each jiffy, and a step a balancer asked to
 * measure, on this CPU.
 *
 * Return: true if the step is to be timed.
 */
static inline bool acrypto_cost_sample_one_in(unsigned int n)
{
	struct acrypto_cost_clock *c = raw_cpu_ptr(&acrypto_cost_clock);
	unsigned long now = jiffies;

	/* Racy per-CPU state: a preempted caller at worst samples twice. */
	if (++c->count < n && c->last == now && !c->force)
		return false;
	c->count = 0;
	c->last = now;
	c->force = false;
	return true;
}

/**
 * acrypto_cost_sample_due() - shall a step be timed?
 *
 * Return: true for one step in cost_sample_every, the first step of each
 * jiffy, and a step a balancer asked to measure, on this CPU.
 */
static inline bool acrypto_cost_sample_due(void)
{
	return acrypto_cost_sample_one_in(READ_ONCE(acrypto_cost_sample_every));
}

/**
 * acrypto_cost_sample_tick() - shall a step of the direct path be timed?
 *
 * The direct path (acrypto_skcipher_direct()) is taken when there is
 * nothing to balance, or nothing the balancer would decide otherwise, and
 * its steps are short: two clock reads in one step of cost_sample_every
 * would be a good part of the engine's cost on it.  Its device's cost
 * needs only to stay fresh (cost_stale_ms) and to follow a change within a
 * second, which the first step of each jiffy on each CPU, at least HZ
 * samples a second under load, does.  cost_sample_every 1 still times
 * every step (for the latency histograms).
 *
 * Return: true if the step is to be timed.
 */
static inline bool acrypto_cost_sample_tick(void)
{
	return acrypto_cost_sample_one_in(READ_ONCE(acrypto_cost_sample_every) > 1 ?
					  UINT_MAX : 1);
}

void acrypto_cost_sample(struct acrypto_device *dev,
			 const struct acrypto_session *s, u64 ns);
void acrypto_cost_sample_step(struct acrypto_device *dev, unsigned int alg,
			      unsigned int mode, unsigned int len, u64 ns);
bool acrypto_cost_fresh(const struct acrypto_device *dev, unsigned int alg,
			unsigned int mode, unsigned int len);
unsigned int acrypto_cost_class_of(unsigned int len);
void acrypto_cost_penalise(struct acrypto_device *dev,
			   const struct acrypto_session *s);
int acrypto_cost_init_device(struct acrypto_device *dev);
void acrypto_cost_uninit_device(struct acrypto_device *dev);
int acrypto_cost_sysfs_add(struct acrypto_device *dev);
void acrypto_cost_sysfs_remove(struct acrypto_device *dev);

/* kat.c APIs: */
bool acrypto_session_probing(const struct acrypto_session *s,
			     const struct acrypto_device *dev);
int acrypto_kat_run(struct acrypto_device *dev);
void acrypto_kat_probe(struct acrypto_device *dev);
void acrypto_kat_probe_due(struct acrypto_device *dev);
int acrypto_kat_init_device(struct acrypto_device *dev);
void acrypto_kat_stop(struct acrypto_device *dev);
void acrypto_kat_uninit_device(struct acrypto_device *dev);

/* watchdog.c APIs (acrypto_device_stalled() is exported): */
int acrypto_watchdog_init(void);
void acrypto_watchdog_uninit(void);

/* key.c APIs: */
void acrypto_keys_prepare_device(struct acrypto_device *dev);
void acrypto_keys_release_device(struct acrypto_device *dev);
struct acrypto_device *acrypto_key_sole_slow(struct acrypto_key *key,
					     unsigned long gen);

/**
 * acrypto_key_sole() - the only usable device for a key, if there is one
 * @key: the key of the session being placed
 *
 * Cached in the key with the device generation it was computed at, and
 * computed again (acrypto_key_sole_slow()) when the generation moves: on
 * every registration, unregistration and change of service state
 * (acrypto_device_gen_bump()).  A reader that sees the current generation
 * in the cache may use the device: its removal bumps the generation before
 * it waits for a grace period.
 *
 * Caller is in an RCU read-side critical section (rcu_read_lock(), or
 * preemption disabled: acrypto_skcipher_direct()).
 *
 * Return: the device, or NULL when none or several devices can serve @key.
 */
static inline struct acrypto_device *acrypto_key_sole(struct acrypto_key *key)
{
	unsigned long gen = acrypto_device_gen() & ACRYPTO_SOLE_GEN_MASK;
	unsigned long c = READ_ONCE(key->sole);

	if (unlikely((c >> ACRYPTO_SOLE_SHIFT) != gen))
		return acrypto_key_sole_slow(key, gen);
	c &= BIT(ACRYPTO_SOLE_SHIFT) - 1;
	return c ? READ_ONCE(acrypto_dev_slot[c - 1]) : NULL;
}

struct acrypto_device *acrypto_key_dominant(struct acrypto_key *key, u8 op,
					    u16 mode, unsigned int len);
void acrypto_keys_uninit(void);
struct acrypto_key *acrypto_key_alloc_part(struct acrypto_partition *part,
					   u16 alg, u16 mode);

/**
 * struct acrypto_partition - devices reserved for one consumer (partition.c)
 * @name: [a-z0-9_], 1 to ACRYPTO_PART_NAME_LEN - 1 characters
 * @node: on the partition list, under acrypto_part_mutex
 * @kobj: /sys/class/acrypto/partitions/<name>/
 * @algs: its algorithm instances (acrypto_fe_alg.part_node), under
 *	acrypto_part_mutex
 * @stats: per-CPU counters
 * @dying: being removed: no new transform
 */
struct acrypto_partition {
	char name[ACRYPTO_PART_NAME_LEN];
	struct list_head node;
	struct kobject kobj;
	struct list_head algs;
	struct acrypto_part_stats __percpu *stats;
	bool dying;
};

/**
 * struct acrypto_part_stats - what a partition's transforms did, per CPU
 * @requests: sessions submitted
 * @bytes: bytes of their first steps
 * @errors: sessions that ended with an error
 * @nodev: sessions that found no usable device of the partition
 */
struct acrypto_part_stats {
	unsigned long requests;
	unsigned long bytes;
	unsigned long errors;
	unsigned long nodev;
};

/* partition.c APIs: */
extern int acrypto_partition_priority;
int acrypto_partition_init(struct kobject *parent);
void acrypto_partition_uninit(void);
const char *acrypto_partition_name(const struct acrypto_partition *part);
int acrypto_partition_tfm_get(struct acrypto_partition *part);
void acrypto_partition_account(struct acrypto_session *s);
void acrypto_partition_result(struct acrypto_session *s, int err);

/* lb.c APIs: */
bool acrypto_lb_is_default(void);
int acrypto_lb_init(void);
void acrypto_lb_request_wanted(void);
void acrypto_lb_uninit(void);
struct acrypto_device *acrypto_lb_select(struct acrypto_session *s);
void acrypto_lb_complete(struct acrypto_device *dev, struct acrypto_session *s,
			 int err);
bool acrypto_lb_wants_timing(void);
const char *acrypto_lb_current_name(void);

/* simple_lb.c APIs: */
extern struct acrypto_lb acrypto_simple_lb;

/* sysfs.c APIs: */
extern struct class *acrypto_class;
/*
 * Is @cap, one of @dev's, offered: not withdrawn, and not a later duplicate
 * of an earlier capability of the same algorithm and mode?
 */
static inline bool acrypto_cap_offered(const struct acrypto_device *dev,
				       const struct acrypto_cap *cap)
{
	return acrypto_device_cap(dev, cap->alg, cap->mode) == cap;
}

const char *acrypto_alg_name(unsigned int alg);
struct kobject *acrypto_sysfs_partitions(void);
const char *acrypto_mode_name(unsigned int mode);
const char *acrypto_device_state_word(unsigned long state);
extern const struct attribute_group *acrypto_device_groups[];
int acrypto_sysfs_init(void);
void acrypto_sysfs_uninit(void);

/**
 * struct acrypto_fe_alg - an algorithm the engine offers to the crypto API
 * @node: on the front end's list
 * @base: the crypto_alg inside the family's algorithm structure
 * @needs: the (algorithm, mode) pairs of its steps; it is offered while
 *	registered devices cover each of them
 * @num_needs: entries in @needs
 * @do_register: fill in and register the algorithm with the crypto API
 * @do_unregister: unregister it
 * @registered: under the front end mutex
 * @servable: devices cover @needs; read locklessly by tfm init
 * @tfms: live transforms
 * @partition: the partition whose devices serve this instance, NULL for
 *	the shared instance
 * @driver_name: its crypto API driver name, acrypto-<mode>-<alg> or, in a
 *	partition, acrypto-<partition>-<mode>-<alg>
 * @part_node: on the partition's list of instances
 * @destroy: frees a partition's instance once unregistered
 */
struct acrypto_fe_alg {
	struct list_head node;
	struct crypto_alg *base;
	struct {
		u16 alg;
		u16 mode;
	} needs[2];
	unsigned int num_needs;
	int (*do_register)(struct acrypto_fe_alg *fa);
	void (*do_unregister)(struct acrypto_fe_alg *fa);
	bool registered;
	bool servable;
	atomic_t tfms;
	struct acrypto_partition *partition;
	char driver_name[CRYPTO_MAX_ALG_NAME];
	struct list_head part_node;
	void (*destroy)(struct acrypto_fe_alg *fa);
};

/* The crypto API priority of an instance. */
int acrypto_fe_priority(const struct acrypto_fe_alg *fa, int shared);

/* frontend.c APIs: */
void acrypto_frontend_init(void);
void acrypto_frontend_uninit(void);
void acrypto_frontend_add(struct acrypto_fe_alg *fa);
int acrypto_frontend_remove(struct acrypto_fe_alg *fa);
void acrypto_frontend_update(void);
void acrypto_frontend_update_later(void);
int acrypto_frontend_tfm_get(struct acrypto_fe_alg *fa);
void acrypto_frontend_tfm_put(struct acrypto_fe_alg *fa);

/* skcipher.c APIs: */
void acrypto_skcipher_init(void);
int acrypto_skcipher_add_partition(struct acrypto_partition *p);

/* aead.c APIs: */
void acrypto_aead_init(void);
int acrypto_aead_add_partition(struct acrypto_partition *p);

/* ahash.c APIs: */
void acrypto_ahash_init(void);
int acrypto_ahash_add_partition(struct acrypto_partition *p);
int acrypto_hash_init_state(struct crypto_shash *shash, void *state);
int acrypto_hmac_reduce_key(const char *hash, const u8 *key,
			    unsigned int keylen, u8 *buf, const u8 **out,
			    unsigned int *outlen);

#endif /* _ACRYPTO_INTERNAL_H */

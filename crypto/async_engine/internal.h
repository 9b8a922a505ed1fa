/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * acrypto engine internals, shared by the files of acrypto.ko only.
 */
#ifndef _ACRYPTO_INTERNAL_H
#define _ACRYPTO_INTERNAL_H

#include <crypto/acrypto.h>
#include <crypto/hash.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>

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
#define ACRYPTO_SF_INLINE	BIT(1)	/* in ->process_sync(), not on the lists */
#define ACRYPTO_SF_WRITTEN	BIT(2)	/* the device may have written the output */

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
	long inline_len;	/* sessions in ->process_sync(), this_cpu ops */
} ____cacheline_aligned_in_smp;

/*
 * Exported by crypto/api.c (EXPORT_SYMBOL_GPL) but declared only in the
 * crypto core's private crypto/internal.h: marks an algorithm dying, so that
 * look-ups pass it by.  In a kernel tree this declaration would move to
 * include/crypto/algapi.h.
 */
void crypto_shoot_alg(struct crypto_alg *alg);

/* main.c: module parameters */
extern unsigned int acrypto_max_backlog;
extern unsigned int acrypto_max_retries;
extern int acrypto_priority;
extern unsigned int acrypto_stall_timeout_ms;

/* device.c APIs: */
extern struct rw_semaphore acrypto_dev_rwsem;
extern struct acrypto_device *acrypto_dev_slot[ACRYPTO_MAX_DEVICES];
int acrypto_device_init(void);
void acrypto_device_uninit(void);
bool acrypto_any_device(unsigned int alg, unsigned int mode);

/* queue.c APIs: */
extern struct acrypto_shard __percpu *acrypto_shards;
int acrypto_queue_init(void);
void acrypto_queue_uninit(void);
void acrypto_queue_link(struct acrypto_session *s, struct acrypto_device *dev);
void acrypto_queue_unlink(struct acrypto_session *s);
void acrypto_queue_hold(struct acrypto_session *s, struct acrypto_device *dev);
void acrypto_queue_put_dev(struct acrypto_device *dev);
unsigned int acrypto_queue_reclaim(struct acrypto_device *dev,
				   struct list_head *list);
unsigned long acrypto_queue_len(void);

/* session.c APIs: */
void acrypto_device_drain(struct acrypto_device *dev, bool reclaim);
void acrypto_device_kick(struct acrypto_device *dev);

/* watchdog.c APIs: */
int acrypto_watchdog_init(void);
void acrypto_watchdog_uninit(void);

/* key.c APIs: */
void acrypto_keys_prepare_device(struct acrypto_device *dev);
void acrypto_keys_release_device(struct acrypto_device *dev);

/* lb.c APIs: */
int acrypto_lb_init(void);
void acrypto_lb_uninit(void);
struct acrypto_device *acrypto_lb_select(struct acrypto_session *s);
void acrypto_lb_complete(struct acrypto_device *dev, struct acrypto_session *s,
			 int err);
bool acrypto_lb_wants_timing(void);

/* simple_lb.c APIs: */
extern struct acrypto_lb acrypto_simple_lb;

/* sysfs.c APIs: */
extern struct class *acrypto_class;
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
};

/* frontend.c APIs: */
int acrypto_frontend_init(void);
void acrypto_frontend_uninit(void);
void acrypto_frontend_add(struct acrypto_fe_alg *fa);
void acrypto_frontend_update(void);
int acrypto_frontend_tfm_get(struct acrypto_fe_alg *fa);
void acrypto_frontend_tfm_put(struct acrypto_fe_alg *fa);

/* skcipher.c APIs: */
int acrypto_skcipher_init(void);

/* aead.c APIs: */
int acrypto_aead_init(void);

/* ahash.c APIs: */
int acrypto_ahash_init(void);
int acrypto_hash_init_state(struct crypto_shash *shash, void *state);
int acrypto_hmac_reduce_key(const char *hash, const u8 *key,
			    unsigned int keylen, u8 *buf, const u8 **out,
			    unsigned int *outlen);

#endif /* _ACRYPTO_INTERNAL_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * acrypto - asynchronous crypto engine: API for crypto devices and balancers.
 *
 * A crypto device (a driver instance: the CPU, a virtio-crypto device, a
 * test device) registers with the engine together with its class and the
 * list of operations it can perform.  A load balancer chooses the device for
 * each session; balancers are modules that register with the engine and are
 * selected at run time through /sys/class/crypto_lb/lbs.
 *
 * The structures here are complete types because drivers allocate and fill
 * in devices and read the step of a session they are asked to do; fields
 * marked engine-private are read outside the engine only through the
 * accessors below, and written never.  Session users need only
 * <crypto/acrypto.h>.  See Documentation/crypto/acrypto.rst.
 */
#ifndef _CRYPTO_INTERNAL_ACRYPTO_H
#define _CRYPTO_INTERNAL_ACRYPTO_H

#include <crypto/acrypto.h>
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/llist.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#define ACRYPTO_NAME_LEN	32
#define ACRYPTO_MAX_DEVICES	32

/*
 * Request-size classes of the cost model: up to 64, 256, 1 KiB, 4 KiB,
 * 16 KiB bytes, and longer.
 */
#define ACRYPTO_COST_CLASSES	6

/**
 * enum acrypto_class - what kind of engine a device is
 * @ACRYPTO_CLASS_SOFTWARE: computes on the host CPUs with plain instructions
 * @ACRYPTO_CLASS_ACCEL: computes on the host CPUs with accelerated
 *	instructions (AES-NI and the like)
 * @ACRYPTO_CLASS_HARDWARE: a co-processor or a device outside the CPUs
 *
 * Higher values are preferred when all else is equal, following the
 * hardware > accelerated software > software probe order of FreeBSD's
 * crypto_driver(9).
 */
enum acrypto_class {
	ACRYPTO_CLASS_SOFTWARE,
	ACRYPTO_CLASS_ACCEL,
	ACRYPTO_CLASS_HARDWARE,
	__ACRYPTO_CLASS_MAX,
};

/**
 * struct acrypto_cap - one capability of a device
 * @ops: bitmask of BIT(enum acrypto_op) the device performs for @alg/@mode
 * @alg: enum acrypto_alg
 * @mode: enum acrypto_mode
 * @min_keysize: smallest key accepted, in bytes
 * @max_keysize: largest key accepted, in bytes
 * @qlen: how many sessions of this capability the device holds at once;
 *	balancers measure the device's load against it
 * @max_len: longest step the device takes, in bytes of
 *	&acrypto_session.len (for an AEAD step the associated data counts
 *	too); 0 for no limit.  Longer steps go to other devices.
 */
struct acrypto_cap {
	u32 ops;
	u16 alg;
	u16 mode;
	u16 min_keysize;
	u16 max_keysize;
	u32 qlen;
	u32 max_len;
};

/**
 * struct acrypto_sw - the kernel's own synchronous implementation of a mode
 * @type: which crypto API type @tfm is (engine private)
 * @simd: @tfm is an internal SIMD implementation: use it only where
 *	crypto_simd_usable()
 * @tfm: a crypto_skcipher, crypto_aead or crypto_ahash, or NULL
 * @reqsize: bytes its sub-request and that request's context need
 *
 * Used by the engine to serve a step no device can take (the fallback of
 * every key) and by software devices; see acrypto_sw_alloc().
 */
struct acrypto_sw {
	u8 type;
	bool simd;
	void *tfm;
	unsigned int reqsize;
};

/**
 * struct acrypto_key - key material of one transform (tfm)
 * @alg: enum acrypto_alg the key is for
 * @mode: enum acrypto_mode the key is for
 * @set: a key was installed (an unkeyed hash installs an empty one)
 * @prio: ACRYPTO_PRIO_* of this key's sessions that may wait: BULK when
 *	the transform was created by a task without CAP_SYS_ADMIN (an
 *	unprivileged AF_ALG user), NORMAL otherwise
 * @keylen: length of @data in bytes
 * @data: the key as given to setkey
 * @flags: crypto tfm flags at setkey time (CRYPTO_TFM_REQ_*)
 * @authsize: tag size of an AEAD mode, as set by the transform's user
 * @priv_size: bytes of per-request private area a session of this key
 *	offers to devices (see acrypto_session_priv()); at least what the
 *	devices registered at allocation need, and what @fallback needs
 * @ready: bitmask of device indexes that prepared this key successfully;
 *	only those devices are given sessions that use it
 * @waiting: sessions of this key waiting on device backlogs; the engine
 *	bounds it (max_backlog) so that one transform cannot fill a device's
 *	backlog for everyone
 * @sole: engine private cache: the only usable device for this key, with
 *	the device generation it was computed at
 * @dom: engine private cache, per request-size class: the synchronous
 *	device the default balancer would choose whatever the queues hold,
 *	with the device generation
 * @dom_until: jiffies until which @dom holds
 * @fallback: the kernel's own implementation, keyed like the devices;
 *	serves the key's steps while no usable device can (never for a key of
 *	a partition)
 * @partition: the partition of the key's transform, whose devices alone
 *	may prepare it and serve it; NULL for the shared pool
 * @devpriv: per-device driver state, indexed by &acrypto_device.index,
 *	owned by the device between its key_prepare and key_release
 * @node: on the engine's key list, under the key list lock
 * @free_node: on the list of keys waiting to be released (engine private)
 *
 * Allocated with acrypto_key_alloc() when a transform is created and freed
 * with acrypto_key_free() when it goes away.  It changes only in setkey
 * (process context, may sleep), never while requests of the transform are
 * in flight.
 */
struct acrypto_key {
	u16 alg;
	u16 mode;
	bool set;
	u8 prio;
	unsigned int keylen;
	u8 *data;
	u32 flags;
	unsigned int authsize;
	unsigned int priv_size;
	unsigned long ready;
	atomic_t waiting;
	unsigned long sole;
	unsigned long dom[ACRYPTO_COST_CLASSES];
	unsigned long dom_until[ACRYPTO_COST_CLASSES];
	struct acrypto_sw fallback;
	struct acrypto_partition *partition;
	void *devpriv[ACRYPTO_MAX_DEVICES];
	struct list_head node;
	struct llist_node free_node;
};

struct acrypto_kat;
struct acrypto_partition;
struct acrypto_stats;

/**
 * struct acrypto_device_ops - what a device driver provides
 * @process: start the current step of @s (acrypto_session_op() and friends
 *	describe it).  Runs in any context up to softirq, must not sleep.
 *	Return %-EINPROGRESS when the device accepted the session and will
 *	call acrypto_session_complete() later; %-ENOSPC when the device is full
 *	right now (the engine keeps the session and offers it again after a
 *	completion or acrypto_device_unblock(), the ERESTART of FreeBSD's
 *	crypto_driver(9)); or the final result (0 or a negative errno) when the
 *	step completed synchronously, in which case acrypto_session_complete()
 *	must not be called.  Errors that say the device failed rather than the
 *	input (%-EIO, %-ENODEV, %-ETIMEDOUT, %-EAGAIN, %-ESHUTDOWN) make the
 *	engine retry the step on another device, unless the device may have
 *	written the step's output (acrypto_session_set_written()) and that
 *	output overlaps the step's input: then the step fails with %-EIO.
 *	%-EOPNOTSUPP declines the request: this device cannot do it (a
 *	scatterlist too long for it, a parameter it does not support), which
 *	is no failure of the device; the engine gives the step to another
 *	device or to the kernel's own implementation.
 * @key_prepare: optional; set up per-key state in @key->devpriv[dev->index]
 *	for a key this device can serve.  Process context, may sleep and
 *	allocate.  Called after each setkey and, for keys that exist when the
 *	device registers, during acrypto_device_register().  A non-zero return
 *	keeps sessions of this key away from the device.
 * @key_release: optional; free what @key_prepare set up.  Process context,
 *	may sleep.  Called before a new key is set, when the tfm goes away and
 *	when the device unregisters; never with sessions of @key in flight on
 *	the device.
 * @process_sync: optional, for synchronous devices; do the current step of
 *	@s here and now and return its result, or return
 *	%ACRYPTO_PROCESS_DEFER when that is not possible at the moment (SIMD
 *	unusable in this context, say): the engine then queues the session and
 *	calls ->process().  A session done here never waits, so the engine
 *	does not put it on the queues; the whole call runs under
 *	rcu_read_lock(), which is what keeps the device registered meanwhile.
 *	The time the call takes is the device's service time in the cost
 *	model.  Same context rules as ->process().
 * @cancel: optional; give back a session the device accepted and has not
 *	completed, when the engine takes sessions off a device that broke or
 *	stalled.  Return true if the device dropped @s and will never touch it
 *	again (the engine moves it to another device), false if it is too late
 *	(the device completes it as usual).  Called with a main queue shard
 *	lock held and BH off; must not sleep or call into the engine.  A driver
 *	with @cancel must not call acrypto_session_complete() while holding a
 *	lock that @cancel takes.  @cancel may run while ->process() of the same
 *	session is still running on another CPU, before the driver has looked
 *	at it: give back only sessions found on the driver's own queues, never
 *	judge from the private area.
 */
struct acrypto_device_ops {
	int (*process)(struct acrypto_device *dev, struct acrypto_session *s);
	int (*key_prepare)(struct acrypto_device *dev, struct acrypto_key *key);
	void (*key_release)(struct acrypto_device *dev,
			    struct acrypto_key *key);
	int (*process_sync)(struct acrypto_device *dev,
			    struct acrypto_session *s);
	bool (*cancel)(struct acrypto_device *dev, struct acrypto_session *s);
};

/* ->process_sync(): not now, queue the session and call ->process(). */
#define ACRYPTO_PROCESS_DEFER	1

/* acrypto_device.flags */
#define ACRYPTO_DEV_SYNC	BIT(0)	/* completes in ->process() */
/*
 * The device's state for each key it prepared is a struct acrypto_sw, the
 * kernel's own synchronous implementation, which it runs in
 * ->process_sync() when crypto_simd_usable() (or always, if not SIMD).
 * When the device is a key's sole device, the engine may run that
 * implementation itself, straight from the crypto API request, as the
 * kernel's SIMD helper does: no session is built.  It counts in the
 * device's "sole" counter and cost model like a step of ->process_sync().
 */
#define ACRYPTO_DEV_SW_DIRECT	BIT(1)

/*
 * acrypto_device.state bits, private to the engine.  A device is usable
 * (given sessions) when it is registered, not dying, not being tested and
 * out of service for no reason (ACRYPTO_DEV_OFF_*).
 */
enum {
	ACRYPTO_DEV_REGISTERED,
	ACRYPTO_DEV_DYING,
	ACRYPTO_DEV_DISPATCHING,
	ACRYPTO_DEV_TESTING,	/* known-answer test before (re)entering service */
	ACRYPTO_DEV_OFF_ADMIN,	/* the administrator wrote 1 to "broken" */
	ACRYPTO_DEV_OFF_DRIVER,	/* the driver said so (acrypto_device_set_broken) */
	ACRYPTO_DEV_OFF_STALLED,	/* the watchdog saw it stop completing */
	ACRYPTO_DEV_OFF_FAILED,	/* it failed its known-answer test */
	ACRYPTO_DEV_SUSPENDED,	/* asleep (system suspend): not stalled */
	ACRYPTO_DEV_OFF_MOVING,	/* changing partition */
};

#define ACRYPTO_DEV_OFF_MASK	(BIT(ACRYPTO_DEV_OFF_ADMIN) |	\
				 BIT(ACRYPTO_DEV_OFF_DRIVER) |	\
				 BIT(ACRYPTO_DEV_OFF_STALLED) |	\
				 BIT(ACRYPTO_DEV_OFF_FAILED) |	\
				 BIT(ACRYPTO_DEV_OFF_MOVING))

/**
 * struct acrypto_cost_cell - measured service time of one request-size class
 * @ns: moving average of the service time of a step, in nanoseconds; 0
 *	before the first sample
 * @lo: its lower envelope: the least recent sample, creeping up towards
 *	@ns by 1/16 of the difference at each sample above it; what an
 *	asynchronous device does when nothing disturbs it
 * @len: moving average of the bytes of those steps
 * @samples: samples taken so far
 * @stamp: jiffies of the last sample
 * @probe: jiffies when a balancer last sent a request to measure the cell
 *
 * Written by the engine with plain stores, on sampled completions only;
 * two CPUs updating one cell at once may lose a sample, which a moving
 * average does not notice.
 */
struct acrypto_cost_cell {
	u32 ns;
	u32 lo;
	u32 len;
	u32 samples;
	unsigned long stamp;
	unsigned long probe;
};

/**
 * struct acrypto_cost - the cost model of one capability of a device
 * @cell: one per request-size class
 * @fixed_ns: fitted cost of a step of zero bytes, in nanoseconds
 * @ps_per_byte: fitted cost per byte, in picoseconds
 * @fitted: @fixed_ns and @ps_per_byte come from two measured classes
 *
 * The service time of a step is what the device spends on it alone: for a
 * synchronous device the submitting CPU's time in ->process_sync(), for an
 * asynchronous one the time from acceptance to completion divided among
 * the sessions the device held meanwhile.  See cost.c.
 */
struct acrypto_cost {
	struct acrypto_cost_cell cell[ACRYPTO_COST_CLASSES];
	u32 fixed_ns;
	u32 ps_per_byte;
	bool fitted;
};

/**
 * struct acrypto_dev_pcpu - per-CPU part of a device
 * @queue: sessions of this device queued on this CPU's shard of the main
 *	queue; protected by that shard's lock
 * @sstarted: sessions the device accepted
 * @scompleted: sessions the device completed, successfully or not
 * @sfinished: sessions whose result this device delivered to the caller
 * @errors: sessions the device completed with an error
 * @declined: steps the device declined (%-EOPNOTSUPP), done elsewhere
 * @migrated: sessions the device took over from other devices' backlogs
 * @sole: steps done on the sole-device path: no balancer, no queue
 *
 * The counters are written only by their own CPU (this_cpu_inc()) and
 * summed by readers.
 */
struct acrypto_dev_pcpu {
	struct list_head queue;
	unsigned long sstarted;
	unsigned long scompleted;
	unsigned long sfinished;
	unsigned long errors;
	unsigned long declined;
	unsigned long migrated;
	unsigned long sole;
};

/**
 * struct acrypto_device - a crypto device registered with the engine
 * @name: unique name, also the name of /sys/class/acrypto/<name>
 * @class: enum acrypto_class
 * @flags: ACRYPTO_DEV_*
 * @caps: capabilities; must stay valid while the device is registered
 * @num_caps: number of entries in @caps
 * @ops: driver callbacks
 * @reqsize: bytes of per-request private area the device needs
 * @owner: module of the driver
 * @parent: the bus device, if any, for the sysfs hierarchy
 *
 * Engine-private fields (drivers and balancers read them only through
 * the accessors below, and never write them):
 * @dev: sysfs device in class "acrypto"
 * @node: on the device list (RCU, writers hold the device rwsem)
 * @index: small unique number while registered, for per-device arrays
 * @state: ACRYPTO_DEV_* state bits
 * @inflight: sessions on the device (accepted or waiting on @backlog)
 * @queued_ns: expected service time of those sessions, summed
 * @progress: jiffies of the last completion, or of the moment the device
 *	went from idle to busy; the stall watchdog compares it with now
 * @capidx: index + 1 of the capability for each algorithm and mode, 0 for
 *	none; filled in at registration
 * @cost: the cost model, one per capability
 * @service_ns: moving average of the service time of all its steps, the
 *	price of each session queued on it
 * @service_lo: its lower envelope, as &acrypto_cost_cell.lo
 * @lock: protects @backlog, @backlog_len, @full and @unblock_seq
 * @backlog: sessions waiting for room on the device, one FIFO per priority
 * @backlog_len: entries on @backlog
 * @full: the device said it is full and has not unblocked since
 * @unblock_seq: bumped by acrypto_device_unblock()
 * @backlog_seq: arrivals on @backlog, for their order across priorities
 * @aged_turns: turns given to higher priorities since an aged session of a
 *	lower one last had its turn (backlog.c)
 * @kick_work: feeds the device from its backlog outside the submitter's
 *	call, and when one feeding round hit its budget
 * @pcpu: per-CPU queues and counters
 * @wait: woken when @inflight drops to zero on a dying device
 * @broken_kn: sysfs node of the "broken" attribute, for notifications from
 *	any context
 * @state_kn: the same for the "state" attribute
 * @kat: the device's known-answer test, see kat.c
 * @cost_group: sysfs group "cost" of the cost model
 * @partition: the partition the device is reserved for, NULL for the
 *	shared pool; changes only while the device is out of service and
 *	empty, under acrypto_dev_rwsem (write)
 * @stats: statistics by algorithm and mode, per CPU (stats.c)
 * @priv: the driver's private area, see acrypto_device_priv()
 *
 * Allocate with acrypto_device_alloc(), register with
 * acrypto_device_register(), remove with acrypto_device_unregister() and
 * free with acrypto_device_free().
 */
struct acrypto_device {
	char name[ACRYPTO_NAME_LEN];
	enum acrypto_class class;
	unsigned int flags;
	const struct acrypto_cap *caps;
	unsigned int num_caps;
	const struct acrypto_device_ops *ops;
	unsigned int reqsize;
	struct module *owner;
	struct device *parent;

	struct device dev;
	struct list_head node;
	int index;
	unsigned long state;
	atomic_t inflight;
	atomic64_t queued_ns;
	unsigned long progress;
	u8 capidx[__ACRYPTO_ALG_MAX][__ACRYPTO_MODE_MAX];
	struct acrypto_cost *cost;
	u32 service_ns;
	u32 service_lo;

	spinlock_t lock ____cacheline_aligned_in_smp;
	struct list_head backlog[ACRYPTO_NR_PRIO];
	unsigned int backlog_len;
	bool full;
	unsigned int unblock_seq;
	u32 backlog_seq;
	unsigned int aged_turns;
	struct work_struct kick_work;

	struct acrypto_dev_pcpu __percpu *pcpu;
	wait_queue_head_t wait;
	struct kernfs_node *broken_kn;
	struct kernfs_node *state_kn;
	struct acrypto_kat *kat;
	struct attribute_group *cost_group;
	struct acrypto_partition *partition;
	struct acrypto_stats *stats;

	u8 priv[] __aligned(ARCH_KMALLOC_MINALIGN);
};

/* device.c APIs: */
struct acrypto_device *acrypto_device_alloc(size_t priv_size);
void acrypto_device_free(struct acrypto_device *dev);
int acrypto_device_register(struct acrypto_device *dev);
void acrypto_device_unregister(struct acrypto_device *dev);
void acrypto_device_set_broken(struct acrypto_device *dev, bool broken);
void acrypto_device_suspend(struct acrypto_device *dev);
void acrypto_device_resume(struct acrypto_device *dev);
bool acrypto_device_can_serve(const struct acrypto_device *dev,
			      const struct acrypto_session *s);
unsigned int acrypto_device_load(const struct acrypto_device *dev,
				 const struct acrypto_session *s);
struct acrypto_device *acrypto_device_next(struct acrypto_device *pos);
bool acrypto_device_cap_withdraw(struct acrypto_device *dev, unsigned int alg,
				 unsigned int mode);

/* backlog.c APIs: */
void acrypto_device_unblock(struct acrypto_device *dev);

/* watchdog.c APIs: */
bool acrypto_device_stalled(const struct acrypto_device *dev,
			    unsigned long timeout);

/* cost.c APIs, for balancers: */
u64 acrypto_device_cost_ns(const struct acrypto_device *dev,
			   const struct acrypto_session *s);
u64 acrypto_device_step_cost_ns(const struct acrypto_device *dev,
				unsigned int alg, unsigned int mode,
				unsigned int len);
u64 acrypto_device_expected_ns(const struct acrypto_device *dev,
			       const struct acrypto_session *s);
u64 acrypto_device_finish_ns(const struct acrypto_device *dev,
			     const struct acrypto_session *s);
bool acrypto_device_explore(struct acrypto_device *dev,
			    const struct acrypto_session *s);

/**
 * acrypto_device_cap() - find a device's capability for an algorithm
 * @dev: a device in registration or registered
 * @alg: enum acrypto_alg
 * @mode: enum acrypto_mode
 *
 * Return: the capability, or NULL if the device has none for @alg/@mode.
 */
static inline const struct acrypto_cap *
acrypto_device_cap(const struct acrypto_device *dev, unsigned int alg,
		   unsigned int mode)
{
	unsigned int i;

	if (unlikely(alg >= __ACRYPTO_ALG_MAX || mode >= __ACRYPTO_MODE_MAX))
		return NULL;
	/* acrypto_device_cap_withdraw() may clear it at any time. */
	i = READ_ONCE(dev->capidx[alg][mode]);
	return i ? &dev->caps[i - 1] : NULL;
}

/**
 * acrypto_cap_serves() - does a capability cover an operation
 * @cap: a capability of a device
 * @op: enum acrypto_op
 *
 * A device that finishes a hash from any state finishes it from the
 * initial one: %ACRYPTO_OP_HASH_FINAL covers %ACRYPTO_OP_HASH_DIGEST.
 *
 * Return: true if a device with @cap performs @op.
 */
static inline bool acrypto_cap_serves(const struct acrypto_cap *cap,
				      unsigned int op)
{
	u32 ops = cap->ops;

	if (ops & BIT(ACRYPTO_OP_HASH_FINAL))
		ops |= BIT(ACRYPTO_OP_HASH_DIGEST);
	return ops & BIT(op);
}

/**
 * acrypto_device_priv() - the driver's private area of a device
 * @dev: device allocated by acrypto_device_alloc()
 *
 * Return: pointer to the private area of the size given at allocation.
 */
static inline void *acrypto_device_priv(struct acrypto_device *dev)
{
	return dev->priv;
}

/**
 * acrypto_device_usable() - whether a device may be given new sessions
 * @dev: the device
 *
 * Return: true if @dev is registered, in service (not out of service for
 * any reason, not being tested) and not going away.
 */
static inline bool acrypto_device_usable(const struct acrypto_device *dev)
{
	return (READ_ONCE(dev->state) &
		(BIT(ACRYPTO_DEV_REGISTERED) | BIT(ACRYPTO_DEV_DYING) |
		 BIT(ACRYPTO_DEV_TESTING) | ACRYPTO_DEV_OFF_MASK)) ==
	       BIT(ACRYPTO_DEV_REGISTERED);
}

/*
 * The cursor of acrypto_for_each_device(): starts before the first device
 * and steps with acrypto_device_next(), false at the end.
 */
static inline struct acrypto_device **
__acrypto_device_iter_start(struct acrypto_device **pos)
{
	*pos = NULL;
	return pos;
}

static inline bool __acrypto_device_iter(struct acrypto_device **pos)
{
	*pos = acrypto_device_next(*pos);
	return *pos;
}

/**
 * acrypto_for_each_device - iterate over the registered devices
 * @pos: &struct acrypto_device cursor, NULL after the last device
 *
 * Walks the devices in registration order with acrypto_device_next().
 * Caller holds rcu_read_lock().  Devices seen may be broken or dying; use
 * acrypto_device_can_serve() before choosing one.
 */
#define acrypto_for_each_device(pos)					\
	for (struct acrypto_device **__acrypto_pos =			\
		__acrypto_device_iter_start(&(pos));			\
	     __acrypto_device_iter(__acrypto_pos);)

/**
 * acrypto_device_index() - the slot of a device
 * @dev: a registered device
 *
 * Return: a small number, unique among the registered devices and below
 * %ACRYPTO_MAX_DEVICES, for per-device arrays and bitmasks.
 */
static inline int acrypto_device_index(const struct acrypto_device *dev)
{
	return dev->index;
}

/**
 * acrypto_device_to_dev() - the sysfs device of an acrypto device
 * @dev: a registered device
 *
 * Return: /sys/class/acrypto/<name>, for dev_info() and friends.
 */
static inline struct device *acrypto_device_to_dev(struct acrypto_device *dev)
{
	return &dev->dev;
}

/**
 * acrypto_device_full() - whether a device said it is full
 * @dev: the device
 *
 * Return: true if @dev answered %-ENOSPC and has not called
 * acrypto_device_unblock() since.  A lockless snapshot.
 */
static inline bool acrypto_device_full(const struct acrypto_device *dev)
{
	return READ_ONCE(dev->full);
}

/**
 * acrypto_device_backlog_len() - sessions waiting for room on a device
 * @dev: the device
 *
 * Return: the number of sessions on @dev's backlog.  A lockless snapshot.
 */
static inline unsigned int
acrypto_device_backlog_len(const struct acrypto_device *dev)
{
	return READ_ONCE(dev->backlog_len);
}

/**
 * acrypto_device_inflight() - sessions a device holds
 * @dev: the device
 *
 * Return: the sessions on @dev, accepted or waiting on its backlog.
 */
static inline int acrypto_device_inflight(const struct acrypto_device *dev)
{
	return atomic_read(&dev->inflight);
}

/**
 * acrypto_device_progress() - when a device last made progress
 * @dev: the device
 *
 * Return: jiffies of @dev's last completion, or of the moment it went from
 * idle to busy: the clock of the stall watchdog.
 */
static inline unsigned long
acrypto_device_progress(const struct acrypto_device *dev)
{
	return READ_ONCE(dev->progress);
}

/**
 * acrypto_device_queued_ns() - the work a device holds
 * @dev: the device
 *
 * Return: the expected service time, in nanoseconds, of the sessions on
 * @dev, summed.
 */
static inline u64 acrypto_device_queued_ns(const struct acrypto_device *dev)
{
	return atomic64_read(&dev->queued_ns);
}

/**
 * acrypto_device_service_ns() - a device's average service time
 * @dev: the device
 *
 * Return: the moving average of the service time of all the steps of @dev,
 * in nanoseconds; 0 before the first measurement.
 */
static inline u32 acrypto_device_service_ns(const struct acrypto_device *dev)
{
	return READ_ONCE(dev->service_ns);
}

/**
 * acrypto_device_completed() - steps a device completed
 * @dev: the device
 *
 * Sums the per-CPU counters: the sessions @dev completed and the steps it
 * did on the sole-device path.  Not for the request path of a balancer
 * that runs on every session.
 *
 * Return: the total since registration.
 */
static inline unsigned long
acrypto_device_completed(const struct acrypto_device *dev)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct acrypto_dev_pcpu *pc = per_cpu_ptr(dev->pcpu, cpu);

		sum += READ_ONCE(pc->scompleted) + READ_ONCE(pc->sole);
	}
	return sum;
}

/**
 * acrypto_device_started_here() - sessions a device accepted on this CPU
 * @dev: the device
 *
 * Caller has preemption off (or does not mind a CPU switch).
 *
 * Return: the count of this CPU's per-CPU counter.
 */
static inline unsigned long
acrypto_device_started_here(const struct acrypto_device *dev)
{
	return READ_ONCE(this_cpu_ptr(dev->pcpu)->sstarted);
}

/**
 * acrypto_key_devpriv() - a device's state for a key
 * @key: the key
 * @dev: a device that prepared @key
 *
 * Return: what @dev's ->key_prepare() stored with acrypto_key_set_devpriv().
 */
static inline void *acrypto_key_devpriv(const struct acrypto_key *key,
					const struct acrypto_device *dev)
{
	return key->devpriv[dev->index];
}

/**
 * acrypto_key_set_devpriv() - store a device's state for a key
 * @key: the key being prepared
 * @dev: the device preparing it, in its ->key_prepare()
 * @priv: the device's state, owned by it until its ->key_release()
 */
static inline void acrypto_key_set_devpriv(struct acrypto_key *key,
					   const struct acrypto_device *dev,
					   void *priv)
{
	key->devpriv[dev->index] = priv;
}

/* sw.c APIs: the kernel's own synchronous implementations */
int acrypto_sw_alloc(struct acrypto_sw *sw, u16 alg, u16 mode, bool simd);
int acrypto_sw_setkey(struct acrypto_sw *sw, const struct acrypto_key *key);
int acrypto_sw_crypt(struct acrypto_sw *sw, struct acrypto_session *s,
		     void *sub);
const char *acrypto_sw_driver_name(const struct acrypto_sw *sw);
void acrypto_sw_free(struct acrypto_sw *sw);

/* session.c APIs, for devices: */
void acrypto_session_complete(struct acrypto_session *s, int err);
void acrypto_session_set_written(struct acrypto_session *s);
bool acrypto_is_device_error(int err);

static inline const struct acrypto_hop *
acrypto_session_hop(const struct acrypto_session *s)
{
	return &s->route.hop[s->route.pos];
}

/**
 * acrypto_session_op() - operation of the step a device is asked to do
 * @s: the session
 *
 * Return: enum acrypto_op of the current step.
 */
static inline unsigned int acrypto_session_op(const struct acrypto_session *s)
{
	return acrypto_session_hop(s)->op;
}

static inline unsigned int acrypto_session_alg(const struct acrypto_session *s)
{
	return acrypto_session_hop(s)->alg;
}

static inline unsigned int acrypto_session_mode(const struct acrypto_session *s)
{
	return acrypto_session_hop(s)->mode;
}

/**
 * acrypto_session_priv() - the current device's per-request private area
 * @s: the session
 *
 * Valid from ->process() until the device completes the session; at least
 * &acrypto_device.reqsize bytes, aligned to CRYPTO_MINALIGN.
 *
 * Return: pointer to the area.
 */
static inline void *acrypto_session_priv(struct acrypto_session *s)
{
	return s->priv;
}

/**
 * acrypto_session_devpriv() - the current device's state for the session key
 * @s: the session
 * @dev: the device processing @s
 *
 * Return: what @dev's key_prepare stored for the key of @s.
 */
static inline void *acrypto_session_devpriv(const struct acrypto_session *s,
					    const struct acrypto_device *dev)
{
	return acrypto_key_devpriv(s->key, dev);
}

/**
 * acrypto_session_start_ns() - when the current device accepted a session
 * @s: the session, in a balancer's ->complete()
 *
 * Return: ktime_get_ns() at acceptance when the engine measured the step
 * (always when the current balancer has %ACRYPTO_LB_TIMING), 0 otherwise.
 */
static inline u64 acrypto_session_start_ns(const struct acrypto_session *s)
{
	return s->start_ns;
}

/**
 * struct acrypto_lb - a load balancer
 * @name: unique name, written to /sys/class/crypto_lb/lbs to select it
 * @owner: module of the balancer (THIS_MODULE)
 * @select: choose the device for the current step of @s among the devices
 *	for which acrypto_device_can_serve() is true, or return NULL when there
 *	is none.  Called under rcu_read_lock() in any context up to softirq;
 *	must not sleep.  Not called when exactly one usable device can serve
 *	the step (the engine's sole-device path).  The engine's cost model
 *	(acrypto_device_expected_ns() and friends) is there to be used.
 * @complete: optional; told when a device completes a step it accepted,
 *	with acrypto_session_start_ns() set when %ACRYPTO_LB_TIMING is in
 *	@flags.  Same context rules as @select.
 * @flags: ACRYPTO_LB_*
 * @groups: attribute groups shown in /sys/class/crypto_lb/<name>/
 * @node: engine private, on the balancer list
 * @dev: engine private, the sysfs device of the balancer
 */
struct acrypto_lb {
	const char *name;
	struct module *owner;
	struct acrypto_device *(*select)(struct acrypto_lb *lb,
					 struct acrypto_session *s);
	void (*complete)(struct acrypto_lb *lb, struct acrypto_device *dev,
			 struct acrypto_session *s, int err);
	unsigned int flags;
	const struct attribute_group **groups;

	struct list_head node;
	struct device *dev;
};

/* acrypto_lb.flags */
#define ACRYPTO_LB_TIMING	BIT(0)	/* wants start_ns on each session */

/*
 * The module alias of a balancer module, for loading it by name: a write to
 * /sys/class/crypto_lb/lbs or the engine's "balancer" parameter naming a
 * balancer that is not registered asks for "acrypto-lb-<name>".
 */
#define MODULE_ALIAS_ACRYPTO_LB(name)	MODULE_ALIAS("acrypto-lb-" name)

/* lb.c APIs: */
int acrypto_lb_register(struct acrypto_lb *lb);
void acrypto_lb_unregister(struct acrypto_lb *lb);

/**
 * acrypto_lb_show_uint() - show an unsigned parameter of a balancer
 * @buf: the sysfs buffer of a ->show() method
 * @param: the parameter, read with READ_ONCE()
 *
 * Return: what ->show() returns.
 */
static inline ssize_t acrypto_lb_show_uint(char *buf,
					   const unsigned int *param)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(*param));
}

/**
 * acrypto_lb_store_uint() - store an unsigned parameter of a balancer
 * @buf: what was written, one unsigned decimal
 * @count: its length
 * @param: the parameter, written with WRITE_ONCE()
 * @min: smallest value accepted
 * @max: largest value accepted
 *
 * Return: @count, or -EINVAL (out of bounds) or kstrtouint()'s error.
 */
static inline ssize_t acrypto_lb_store_uint(const char *buf, size_t count,
					    unsigned int *param,
					    unsigned int min, unsigned int max)
{
	unsigned int val;
	int err;

	err = kstrtouint(buf, 10, &val);
	if (err)
		return err;
	if (val < min || val > max)
		return -EINVAL;
	WRITE_ONCE(*param, val);
	return count;
}

#endif /* _CRYPTO_INTERNAL_ACRYPTO_H */

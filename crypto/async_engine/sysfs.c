// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: /sys/class/acrypto - devices, their counters, and the main queue.
 *
 * See Documentation/ABI/testing/sysfs-class-acrypto.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/sysfs.h>

#include "internal.h"

struct class *acrypto_class;
static struct device *acrypto_sessions_dev;

static const char * const acrypto_class_names[] = {
	[ACRYPTO_CLASS_SOFTWARE] = "software",
	[ACRYPTO_CLASS_ACCEL] = "accelerated",
	[ACRYPTO_CLASS_HARDWARE] = "hardware",
};

static const char * const acrypto_op_names[] = {
	[ACRYPTO_OP_ENCRYPT] = "encrypt",
	[ACRYPTO_OP_DECRYPT] = "decrypt",
	[ACRYPTO_OP_HASH_UPDATE] = "update",
	[ACRYPTO_OP_HASH_FINAL] = "final",
	[ACRYPTO_OP_HASH_DIGEST] = "digest",
};

static const char * const acrypto_alg_names[] = {
	[ACRYPTO_ALG_AES] = "aes",
	[ACRYPTO_ALG_SHA1] = "sha1",
	[ACRYPTO_ALG_SHA256] = "sha256",
};

static const char * const acrypto_mode_names[] = {
	[ACRYPTO_MODE_ECB] = "ecb",
	[ACRYPTO_MODE_CBC] = "cbc",
	[ACRYPTO_MODE_CTR] = "ctr",
	[ACRYPTO_MODE_XTS] = "xts",
	[ACRYPTO_MODE_GCM] = "gcm",
	[ACRYPTO_MODE_RFC4106] = "rfc4106",
	[ACRYPTO_MODE_HASH] = "hash",
	[ACRYPTO_MODE_HMAC] = "hmac",
};

/**
 * acrypto_alg_name() - the sysfs name of an algorithm
 * @alg: enum acrypto_alg
 *
 * Return: e.g. "aes".
 */
const char *acrypto_alg_name(unsigned int alg)
{
	return alg < ARRAY_SIZE(acrypto_alg_names) ? acrypto_alg_names[alg] :
						     "unknown";
}

/**
 * acrypto_mode_name() - the sysfs name of a mode
 * @mode: enum acrypto_mode
 *
 * Return: e.g. "cbc".
 */
const char *acrypto_mode_name(unsigned int mode)
{
	return mode < ARRAY_SIZE(acrypto_mode_names) ?
	       acrypto_mode_names[mode] : "unknown";
}

static struct acrypto_device *to_acrypto_device(struct device *d)
{
	return container_of(d, struct acrypto_device, dev);
}

static struct device *acrypto_partitions_dev;

static ssize_t partition_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  acrypto_partition_name(READ_ONCE(to_acrypto_device(d)->partition)));
}
static DEVICE_ATTR_RO(partition);

static ssize_t name_show(struct device *d, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", to_acrypto_device(d)->name);
}
static DEVICE_ATTR_RO(name);

static ssize_t class_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  acrypto_class_names[to_acrypto_device(d)->class]);
}
static DEVICE_ATTR_RO(class);

static ssize_t sync_show(struct device *d, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  !!(to_acrypto_device(d)->flags & ACRYPTO_DEV_SYNC));
}
static DEVICE_ATTR_RO(sync);

static ssize_t sessions_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  atomic_read(&to_acrypto_device(d)->inflight));
}
static DEVICE_ATTR_RO(sessions);

static ssize_t backlog_show(struct device *d, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(to_acrypto_device(d)->backlog_len));
}
static DEVICE_ATTR_RO(backlog);

/*
 * A step done on the sole-device path that succeeded counts only in
 * "sole", to spare the fast path three counters: it started, completed
 * and finished on the device too.
 */
static unsigned long acrypto_counter_sum(struct acrypto_device *dev,
					 size_t offset)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*(unsigned long *)((u8 *)per_cpu_ptr(dev->pcpu, cpu) +
						    offset));
	return sum;
}

/* Sum one per-CPU counter of a device; @offset is its offset in the struct. */
static ssize_t acrypto_counter_show(struct device *d, char *buf, size_t offset)
{
	return sysfs_emit(buf, "%lu\n",
			  acrypto_counter_sum(to_acrypto_device(d), offset));
}

static ssize_t acrypto_counter_sole_show(struct device *d, char *buf,
					 size_t offset)
{
	struct acrypto_device *dev = to_acrypto_device(d);

	return sysfs_emit(buf, "%lu\n", acrypto_counter_sum(dev, offset) +
			  acrypto_counter_sum(dev, offsetof(struct acrypto_dev_pcpu,
							    sole)));
}

static ssize_t sstarted_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	return acrypto_counter_sole_show(d, buf,
					 offsetof(struct acrypto_dev_pcpu, sstarted));
}
static DEVICE_ATTR_RO(sstarted);

static ssize_t scompleted_show(struct device *d,
			       struct device_attribute *attr, char *buf)
{
	return acrypto_counter_sole_show(d, buf,
					 offsetof(struct acrypto_dev_pcpu, scompleted));
}
static DEVICE_ATTR_RO(scompleted);

static ssize_t sfinished_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	return acrypto_counter_sole_show(d, buf,
					 offsetof(struct acrypto_dev_pcpu, sfinished));
}
static DEVICE_ATTR_RO(sfinished);

static ssize_t errors_show(struct device *d, struct device_attribute *attr,
			   char *buf)
{
	return acrypto_counter_show(d, buf,
				    offsetof(struct acrypto_dev_pcpu, errors));
}
static DEVICE_ATTR_RO(errors);

static ssize_t declined_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	return acrypto_counter_show(d, buf,
				    offsetof(struct acrypto_dev_pcpu, declined));
}
static DEVICE_ATTR_RO(declined);

static ssize_t migrated_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	return acrypto_counter_show(d, buf,
				    offsetof(struct acrypto_dev_pcpu, migrated));
}
static DEVICE_ATTR_RO(migrated);

static ssize_t sole_show(struct device *d, struct device_attribute *attr,
			 char *buf)
{
	return acrypto_counter_show(d, buf,
				    offsetof(struct acrypto_dev_pcpu, sole));
}
static DEVICE_ATTR_RO(sole);

static ssize_t service_ns_show(struct device *d, struct device_attribute *attr,
			       char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(to_acrypto_device(d)->service_ns));
}
static DEVICE_ATTR_RO(service_ns);

static ssize_t broken_show(struct device *d, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  !!(READ_ONCE(to_acrypto_device(d)->state) &
			     ACRYPTO_DEV_OFF_MASK));
}

/*
 * 1 takes the device out of service until the administrator writes 0.  0
 * clears the administrator's reason, and a stall or a failed known-answer
 * test too, once the device passes its known-answer test, run here: the
 * write fails with -EIO when it does not.  A reason the driver gave stays
 * the driver's.
 */
static ssize_t broken_store(struct device *d, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct acrypto_device *dev = to_acrypto_device(d);
	unsigned long state;
	bool broken;
	int err;

	err = kstrtobool(buf, &broken);
	if (err)
		return err;
	if (!test_bit(ACRYPTO_DEV_REGISTERED, &dev->state) ||
	    test_bit(ACRYPTO_DEV_DYING, &dev->state))
		return -ENODEV;

	if (broken) {
		__acrypto_device_set_off(dev, ACRYPTO_DEV_OFF_ADMIN, true,
					 ACRYPTO_DRAIN_RECLAIM |
					 ACRYPTO_DRAIN_MAY_SLEEP);
		return count;
	}
	state = READ_ONCE(dev->state);
	if (!(state & (BIT(ACRYPTO_DEV_OFF_STALLED) |
		       BIT(ACRYPTO_DEV_OFF_FAILED)))) {
		acrypto_device_set_off(dev, ACRYPTO_DEV_OFF_ADMIN, false);
		return count;
	}
	clear_bit(ACRYPTO_DEV_OFF_ADMIN, &dev->state);
	if (state & BIT(ACRYPTO_DEV_OFF_DRIVER)) {
		acrypto_device_notify(dev);
		return count;
	}
	err = acrypto_kat_run(dev);
	if (err) {
		dev_warn(&dev->dev, "stays out of service: known-answer test: %d\n",
			 err);
		return -EIO;
	}
	return count;
}
static DEVICE_ATTR_RW(broken);

/**
 * acrypto_device_state_word() - a device's state as one word
 * @state: &acrypto_device.state
 *
 * Return: the first that applies of "dying", "offline", "not-ready",
 * "testing", "failed", "stalled", "suspended" and "online": what the
 * "state" attribute shows.
 */
const char *acrypto_device_state_word(unsigned long state)
{
	if (!(state & BIT(ACRYPTO_DEV_REGISTERED)) ||
	    (state & BIT(ACRYPTO_DEV_DYING)))
		return "dying";
	if (state & BIT(ACRYPTO_DEV_OFF_ADMIN))
		return "offline";
	if (state & BIT(ACRYPTO_DEV_OFF_DRIVER))
		return "not-ready";
	if (state & BIT(ACRYPTO_DEV_OFF_MOVING))
		return "moving";
	if (state & BIT(ACRYPTO_DEV_TESTING))
		return "testing";
	if (state & BIT(ACRYPTO_DEV_OFF_FAILED))
		return "failed";
	if (state & BIT(ACRYPTO_DEV_OFF_STALLED))
		return "stalled";
	if (state & BIT(ACRYPTO_DEV_SUSPENDED))
		return "suspended";
	return "online";
}

static ssize_t state_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	unsigned long state = READ_ONCE(to_acrypto_device(d)->state);

	return sysfs_emit(buf, "%s\n", acrypto_device_state_word(state));
}
static DEVICE_ATTR_RO(state);

static ssize_t capabilities_show(struct device *d,
				 struct device_attribute *attr, char *buf)
{
	struct acrypto_device *dev = to_acrypto_device(d);
	unsigned int i, op;
	int len = 0;

	for (i = 0; i < dev->num_caps; i++) {
		const struct acrypto_cap *cap = &dev->caps[i];
		const char *sep = "";

		if (!acrypto_cap_offered(dev, cap))
			continue;
		len += sysfs_emit_at(buf, len, "%s-%s ",
				     acrypto_alg_names[cap->alg],
				     acrypto_mode_names[cap->mode]);
		for (op = 0; op < __ACRYPTO_OP_MAX; op++) {
			if (!(cap->ops & BIT(op)))
				continue;
			len += sysfs_emit_at(buf, len, "%s%s", sep,
					     acrypto_op_names[op]);
			sep = ",";
		}
		len += sysfs_emit_at(buf, len, " keysize %u-%u qlen %u\n",
				     cap->min_keysize, cap->max_keysize,
				     cap->qlen);
	}
	return len;
}
static DEVICE_ATTR_RO(capabilities);

static struct attribute *acrypto_device_attrs[] = {
	&dev_attr_name.attr,
	&dev_attr_class.attr,
	&dev_attr_sync.attr,
	&dev_attr_sessions.attr,
	&dev_attr_backlog.attr,
	&dev_attr_sstarted.attr,
	&dev_attr_scompleted.attr,
	&dev_attr_sfinished.attr,
	&dev_attr_errors.attr,
	&dev_attr_declined.attr,
	&dev_attr_migrated.attr,
	&dev_attr_sole.attr,
	&dev_attr_service_ns.attr,
	&dev_attr_broken.attr,
	&dev_attr_state.attr,
	&dev_attr_partition.attr,
	&dev_attr_capabilities.attr,
	NULL,
};

static const struct attribute_group acrypto_device_group = {
	.attrs = acrypto_device_attrs,
};

const struct attribute_group *acrypto_device_groups[] = {
	&acrypto_device_group,
	NULL,
};

/* /sys/class/acrypto/crypto_sessions: the main_crypto_device queue. */

static ssize_t devices_show(struct device *d, struct device_attribute *attr,
			    char *buf)
{
	struct acrypto_device *dev;
	int len = 0;

	rcu_read_lock();
	acrypto_for_each_device(dev)
		len += sysfs_emit_at(buf, len, "%s\n", dev->name);
	rcu_read_unlock();
	return len;
}
static DEVICE_ATTR_RO(devices);

static ssize_t queue_len_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%lu\n", acrypto_queue_len());
}
static DEVICE_ATTR_RO(queue_len);

static ssize_t fallback_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%lu\n", acrypto_fallback_count());
}
static DEVICE_ATTR_RO(fallback);

static struct attribute *acrypto_sessions_attrs[] = {
	&dev_attr_devices.attr,
	&dev_attr_queue_len.attr,
	&dev_attr_fallback.attr,
	NULL,
};
ATTRIBUTE_GROUPS(acrypto_sessions);

int acrypto_sysfs_init(void)
{
	int err;

	acrypto_class = class_create(THIS_MODULE, "acrypto");
	if (IS_ERR(acrypto_class))
		return PTR_ERR(acrypto_class);

	acrypto_sessions_dev = device_create_with_groups(acrypto_class, NULL,
							 MKDEV(0, 0), NULL,
							 acrypto_sessions_groups,
							 "crypto_sessions");
	if (IS_ERR(acrypto_sessions_dev)) {
		err = PTR_ERR(acrypto_sessions_dev);
		goto err_destroy_class;
	}
	/* Its attributes come with partition.c, once the engine is up. */
	acrypto_partitions_dev = device_create(acrypto_class, NULL, MKDEV(0, 0),
					       NULL, "partitions");
	if (IS_ERR(acrypto_partitions_dev)) {
		err = PTR_ERR(acrypto_partitions_dev);
		goto err_sessions;
	}
	return 0;

err_sessions:
	device_unregister(acrypto_sessions_dev);
err_destroy_class:
	class_destroy(acrypto_class);
	return err;
}

/**
 * acrypto_sysfs_partitions() - /sys/class/acrypto/partitions
 *
 * Return: its kobject, the parent of the partitions' directories.
 */
struct kobject *acrypto_sysfs_partitions(void)
{
	return &acrypto_partitions_dev->kobj;
}

void acrypto_sysfs_uninit(void)
{
	device_unregister(acrypto_partitions_dev);
	device_unregister(acrypto_sessions_dev);
	class_destroy(acrypto_class);
}

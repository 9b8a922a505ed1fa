// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: partitions - devices reserved for one consumer.
 *
 * After the s390 vfio-ap matrix: an administrator creates named partitions
 * and assigns devices to them; a device belongs to at most one partition,
 * or to the shared pool.  Each partition registers its own instances of the
 * engine's algorithms with the crypto API, driver names
 * acrypto-<partition>-<mode>-<alg> (acrypto-tenant1-xts-aes), at
 * partition_priority, below every other implementation so that nothing
 * picks them by accident: a consumer binds them by driver name (AF_ALG,
 * dm-crypt's capi: syntax).  The transforms of a partition's instances
 * have keys of that partition: prepared only on its devices, served only
 * by them (acrypto_device_can_serve()), never by the kernel's fallback; a
 * step with no usable device of its partition fails with -ENODEV and a
 * log line.  Balancers thus choose only inside the partition.
 *
 * Moving a device (assign, unassign) takes it out of service (reason
 * "moving"), lets what it holds drain, releases every key it prepared,
 * changes its partition, prepares the keys of the new one, and returns it
 * to service.  A device that holds sessions is moved only when the
 * administrator forces it ("NAME force"); nothing is lost either way.
 *
 * sysfs (Documentation/ABI/testing/sysfs-class-acrypto):
 *
 *   /sys/class/acrypto/partitions/create            write a name
 *   /sys/class/acrypto/partitions/remove            write a name
 *   /sys/class/acrypto/partitions/list              one name per line
 *   /sys/class/acrypto/partitions/<name>/assign_device    NAME [force]
 *   /sys/class/acrypto/partitions/<name>/unassign_device  NAME [force]
 *   /sys/class/acrypto/partitions/<name>/devices          one per line
 *   /sys/class/acrypto/partitions/<name>/algorithms       driver names
 *   /sys/class/acrypto/partitions/<name>/{requests,bytes,errors,nodev}
 *   /sys/class/acrypto/<device>/partition           its partition, or
 *                                                   "shared"
 *
 * Locking: acrypto_part_mutex serialises creation, removal and moves, and
 * protects the partition list.  A device's partition changes under
 * acrypto_dev_rwsem (write), while the device is out of service and empty;
 * the request path reads it with READ_ONCE().  A partition is freed only
 * when none of its transforms and devices is left.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "internal.h"

int acrypto_partition_priority = 50;
module_param_named(partition_priority, acrypto_partition_priority, int, 0444);
MODULE_PARM_DESC(partition_priority,
		 "Crypto API priority of the partitions' algorithm instances (default 50, below every other)");

/* How long a move waits for a device to finish what it holds. */
#define ACRYPTO_PART_DRAIN_MS	10000

static LIST_HEAD(acrypto_partitions);
static DEFINE_MUTEX(acrypto_part_mutex);
static unsigned int acrypto_nr_partitions;
static struct kobject *acrypto_parts_kobj;

/**
 * acrypto_partition_name() - the name of a partition, for logs and sysfs
 * @part: a partition, or NULL for the shared pool
 *
 * Return: its name, or "shared".
 */
const char *acrypto_partition_name(const struct acrypto_partition *part)
{
	return part ? part->name : "shared";
}

static struct acrypto_partition *acrypto_partition_find(const char *name)
{
	struct acrypto_partition *p;

	lockdep_assert_held(&acrypto_part_mutex);
	list_for_each_entry(p, &acrypto_partitions, node)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

/*
 * A name as written to sysfs, without the newline: [a-z0-9_], not empty,
 * shorter than ACRYPTO_PART_NAME_LEN, not "shared".
 */
static int acrypto_partition_parse_name(const char *buf, size_t count,
					char *name)
{
	size_t len = strcspn(buf, "\n"), i;

	if (len < count && len + 1 < count)
		return -EINVAL;		/* something after the newline */
	if (!len)
		return -EINVAL;
	if (len >= ACRYPTO_PART_NAME_LEN)
		return -ENAMETOOLONG;
	/* Not islower(): the kernel's ctype takes Latin-1 letters for letters. */
	for (i = 0; i < len; i++)
		if ((buf[i] < 'a' || buf[i] > 'z') && !isdigit(buf[i]) &&
		    buf[i] != '_')
			return -EINVAL;
	memcpy(name, buf, len);
	name[len] = '\0';
	return strcmp(name, "shared") ? 0 : -EINVAL;
}

/* "NAME" or "NAME force", as written to assign_device or unassign_device. */
static int acrypto_partition_parse_move(const char *buf, char *name,
					bool *force)
{
	char tmp[ACRYPTO_NAME_LEN + 8];
	char *p = tmp, *dev, *opt;

	/* Too long a device name, whatever the length of the rest. */
	if (strcspn(buf, " \t\n") >= ACRYPTO_NAME_LEN)
		return -ENAMETOOLONG;
	if (strlen(buf) >= sizeof(tmp))
		return -EINVAL;
	strscpy(tmp, buf, sizeof(tmp));
	dev = strsep(&p, " \t\n");
	opt = p ? strsep(&p, " \t\n") : NULL;
	*force = opt && !strcmp(opt, "force");
	if (!*dev || (opt && *opt && !*force) || (p && *skip_spaces(p)))
		return -EINVAL;
	strscpy(name, dev, ACRYPTO_NAME_LEN);
	return 0;
}

/* Every transform of @part is gone and none can be made any more. */
static bool acrypto_partition_idle(struct acrypto_partition *part)
{
	struct acrypto_fe_alg *fa;

	list_for_each_entry(fa, &part->algs, part_node)
		if (atomic_read(&fa->tfms))
			return false;
	return true;
}

/**
 * acrypto_partition_tfm_get() - may a transform of @part be made?
 * @part: the partition of an instance, or NULL
 *
 * Return: 0, or -ENODEV while the partition is being removed.
 */
int acrypto_partition_tfm_get(struct acrypto_partition *part)
{
	return part && READ_ONCE(part->dying) ? -ENODEV : 0;
}

/**
 * acrypto_partition_account() - a session of a partition is submitted
 * @s: the session, its route built
 *
 * Context: the request path; per-CPU counters only.
 */
void acrypto_partition_account(struct acrypto_session *s)
{
	struct acrypto_part_stats __percpu *st = s->route.hop[0].key->partition->stats;

	this_cpu_inc(st->requests);
	this_cpu_add(st->bytes, s->route.hop[0].len);
}

/**
 * acrypto_partition_result() - a session of a partition finished
 * @s: the session
 * @err: its result
 *
 * Context: the request path; per-CPU counters only.
 */
void acrypto_partition_result(struct acrypto_session *s, int err)
{
	struct acrypto_part_stats __percpu *st = s->route.hop[0].key->partition->stats;

	if (unlikely(err)) {
		this_cpu_inc(st->errors);
		if (err == -ENODEV)
			this_cpu_inc(st->nodev);
	}
}

/* Does @dev hold sessions?  Then say so: a move without force is refused. */
static bool acrypto_partition_busy(struct acrypto_device *dev,
				   struct acrypto_partition *from)
{
	int n = atomic_read(&dev->inflight);

	if (n)
		pr_info("%s is busy with %d sessions of partition %s: not moved (write \"%s force\" to move it anyway)\n",
			dev->name, n, acrypto_partition_name(from), dev->name);
	return n != 0;
}

/*
 * Move @dev to @to (NULL: the shared pool).  Caller holds
 * acrypto_part_mutex.  The device goes out of service ("moving"), drains
 * (everything waiting for it goes elsewhere in its partition; what it
 * accepted it completes, or gives back), releases its keys, changes
 * partition, prepares the keys of the new one and comes back.
 */
static int acrypto_partition_move(struct acrypto_device *dev,
				  struct acrypto_partition *to, bool force)
{
	struct acrypto_partition *from = dev->partition;
	long left;

	lockdep_assert_held(&acrypto_part_mutex);
	/*
	 * Busy is what the device holds when asked: out of service, it gets
	 * no new sessions and soon holds none, whatever its load was.
	 */
	if (!force && acrypto_partition_busy(dev, from))
		return -EBUSY;
	/*
	 * Out of service, but not drained as acrypto_device_set_off() would:
	 * that takes back what the device accepted, and a move refused below
	 * must leave its sessions where they are.
	 */
	if (!test_and_set_bit(ACRYPTO_DEV_OFF_MOVING, &dev->state)) {
		acrypto_device_gen_bump();
		acrypto_device_notify(dev);
	}
	/* Selections made before the state change have linked their session. */
	synchronize_rcu();
	if (!force && acrypto_partition_busy(dev, from)) {
		acrypto_device_set_off(dev, ACRYPTO_DEV_OFF_MOVING, false);
		return -EBUSY;
	}
	acrypto_device_drain(dev, ACRYPTO_DRAIN_RECLAIM | ACRYPTO_DRAIN_MAY_SLEEP);
	left = wait_event_timeout(dev->wait, !atomic_read(&dev->inflight),
				  msecs_to_jiffies(ACRYPTO_PART_DRAIN_MS));
	if (!left && atomic_read(&dev->inflight)) {
		acrypto_device_set_off(dev, ACRYPTO_DEV_OFF_MOVING, false);
		pr_warn("%s still holds %d sessions after %u ms: not moved\n",
			dev->name, atomic_read(&dev->inflight),
			ACRYPTO_PART_DRAIN_MS);
		return -EBUSY;
	}

	down_write(&acrypto_dev_rwsem);
	acrypto_keys_release_device(dev);
	WRITE_ONCE(dev->partition, to);
	acrypto_keys_prepare_device(dev);
	up_write(&acrypto_dev_rwsem);
	acrypto_device_gen_bump();

	pr_info("%s moved from partition %s to %s\n", dev->name,
		acrypto_partition_name(from), acrypto_partition_name(to));
	acrypto_device_set_off(dev, ACRYPTO_DEV_OFF_MOVING, false);
	acrypto_frontend_update();
	return 0;
}

/* --- /sys/class/acrypto/partitions/<name>/ -------------------------------- */

struct acrypto_part_attr {
	struct attribute attr;
	ssize_t (*show)(struct acrypto_partition *p, char *buf);
	ssize_t (*store)(struct acrypto_partition *p, const char *buf,
			 size_t count);
};

static struct acrypto_partition *to_part(struct kobject *kobj)
{
	return container_of(kobj, struct acrypto_partition, kobj);
}

static ssize_t acrypto_part_attr_show(struct kobject *kobj,
				      struct attribute *attr, char *buf)
{
	struct acrypto_part_attr *pa = container_of(attr, typeof(*pa), attr);

	return pa->show ? pa->show(to_part(kobj), buf) : -EIO;
}

static ssize_t acrypto_part_attr_store(struct kobject *kobj,
				       struct attribute *attr, const char *buf,
				       size_t count)
{
	struct acrypto_part_attr *pa = container_of(attr, typeof(*pa), attr);

	return pa->store ? pa->store(to_part(kobj), buf, count) : -EIO;
}

static const struct sysfs_ops acrypto_part_sysfs_ops = {
	.show = acrypto_part_attr_show,
	.store = acrypto_part_attr_store,
};

/* Look up a device for a move.  Caller holds acrypto_part_mutex. */
static struct acrypto_device *acrypto_part_device(const char *name)
{
	struct acrypto_device *dev;

	lockdep_assert_held(&acrypto_part_mutex);
	down_read(&acrypto_dev_rwsem);
	dev = acrypto_device_find(name);
	if (dev && (test_bit(ACRYPTO_DEV_DYING, &dev->state) ||
		    !test_bit(ACRYPTO_DEV_REGISTERED, &dev->state)))
		dev = NULL;
	up_read(&acrypto_dev_rwsem);
	return dev;
}

static ssize_t assign_device_store(struct acrypto_partition *p,
				   const char *buf, size_t count)
{
	char name[ACRYPTO_NAME_LEN];
	struct acrypto_device *dev;
	bool force;
	int err;

	err = acrypto_partition_parse_move(buf, name, &force);
	if (err)
		return err;
	mutex_lock(&acrypto_part_mutex);
	dev = acrypto_part_device(name);
	if (!dev) {
		err = -ENODEV;
	} else if (dev->partition == p) {
		err = 0;	/* already there: nothing to do */
	} else if (dev->partition) {
		pr_info("%s belongs to partition %s: unassign it first\n",
			dev->name, dev->partition->name);
		err = -EBUSY;
	} else if (p->dying) {
		err = -ENOENT;
	} else {
		err = acrypto_partition_move(dev, p, force);
	}
	mutex_unlock(&acrypto_part_mutex);
	return err ?: count;
}

static ssize_t unassign_device_store(struct acrypto_partition *p,
				     const char *buf, size_t count)
{
	char name[ACRYPTO_NAME_LEN];
	struct acrypto_device *dev;
	bool force;
	int err;

	err = acrypto_partition_parse_move(buf, name, &force);
	if (err)
		return err;
	mutex_lock(&acrypto_part_mutex);
	dev = acrypto_part_device(name);
	if (!dev)
		err = -ENODEV;
	else if (dev->partition != p)
		err = -ENXIO;	/* not in this partition */
	else
		err = acrypto_partition_move(dev, NULL, force);
	mutex_unlock(&acrypto_part_mutex);
	return err ?: count;
}

static ssize_t devices_show(struct acrypto_partition *p, char *buf)
{
	struct acrypto_device *dev;
	int len = 0;

	rcu_read_lock();
	acrypto_for_each_device(dev)
		if (READ_ONCE(dev->partition) == p)
			len += sysfs_emit_at(buf, len, "%s\n", dev->name);
	rcu_read_unlock();
	return len;
}

static ssize_t algorithms_show(struct acrypto_partition *p, char *buf)
{
	struct acrypto_fe_alg *fa;
	int len = 0;

	mutex_lock(&acrypto_part_mutex);
	list_for_each_entry(fa, &p->algs, part_node)
		if (READ_ONCE(fa->registered))
			len += sysfs_emit_at(buf, len, "%s\n", fa->driver_name);
	mutex_unlock(&acrypto_part_mutex);
	return len;
}

static ssize_t acrypto_part_counter(struct acrypto_partition *p, char *buf,
				    size_t offset)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*(unsigned long *)((u8 *)per_cpu_ptr(p->stats,
								       cpu) +
						    offset));
	return sysfs_emit(buf, "%lu\n", sum);
}

static ssize_t requests_show(struct acrypto_partition *p, char *buf)
{
	return acrypto_part_counter(p, buf,
				    offsetof(struct acrypto_part_stats, requests));
}

static ssize_t bytes_show(struct acrypto_partition *p, char *buf)
{
	return acrypto_part_counter(p, buf,
				    offsetof(struct acrypto_part_stats, bytes));
}

static ssize_t errors_show(struct acrypto_partition *p, char *buf)
{
	return acrypto_part_counter(p, buf,
				    offsetof(struct acrypto_part_stats, errors));
}

static ssize_t nodev_show(struct acrypto_partition *p, char *buf)
{
	return acrypto_part_counter(p, buf,
				    offsetof(struct acrypto_part_stats, nodev));
}

static struct acrypto_part_attr acrypto_part_attr_requests = __ATTR_RO(requests);
static struct acrypto_part_attr acrypto_part_attr_bytes = __ATTR_RO(bytes);
static struct acrypto_part_attr acrypto_part_attr_errors = __ATTR_RO(errors);
static struct acrypto_part_attr acrypto_part_attr_nodev = __ATTR_RO(nodev);

static struct acrypto_part_attr acrypto_part_attr_assign_device =
	__ATTR_WO(assign_device);
static struct acrypto_part_attr acrypto_part_attr_unassign_device =
	__ATTR_WO(unassign_device);
static struct acrypto_part_attr acrypto_part_attr_devices = __ATTR_RO(devices);
static struct acrypto_part_attr acrypto_part_attr_algorithms =
	__ATTR_RO(algorithms);

static struct attribute *acrypto_part_attrs[] = {
	&acrypto_part_attr_assign_device.attr,
	&acrypto_part_attr_unassign_device.attr,
	&acrypto_part_attr_devices.attr,
	&acrypto_part_attr_algorithms.attr,
	&acrypto_part_attr_requests.attr,
	&acrypto_part_attr_bytes.attr,
	&acrypto_part_attr_errors.attr,
	&acrypto_part_attr_nodev.attr,
	NULL,
};
ATTRIBUTE_GROUPS(acrypto_part);

static void acrypto_partition_release(struct kobject *kobj)
{
	struct acrypto_partition *p = to_part(kobj);

	free_percpu(p->stats);
	kfree(p);
}

static struct kobj_type acrypto_part_ktype = {
	.sysfs_ops = &acrypto_part_sysfs_ops,
	.default_groups = acrypto_part_groups,
	.release = acrypto_partition_release,
};

/* --- /sys/class/acrypto/partitions/{create,remove,list} ------------------- */

/* Unregister and free @p's instances; caller holds acrypto_part_mutex. */
static int acrypto_partition_drop_algs(struct acrypto_partition *p)
{
	struct acrypto_fe_alg *fa, *tmp;
	int err = 0;

	lockdep_assert_held(&acrypto_part_mutex);
	list_for_each_entry_safe(fa, tmp, &p->algs, part_node) {
		if (acrypto_frontend_remove(fa)) {
			err = -EBUSY;
			continue;
		}
		list_del(&fa->part_node);
		fa->destroy(fa);
	}
	return err;
}

/*
 * Is @name one of the directory's own entries (create, list, remove, and
 * the device core's uevent, power, subsystem)?  kobject_add() would refuse
 * it too, but only after a stack dump in the log.
 */
static bool acrypto_partition_name_taken(const char *name)
{
	struct kernfs_node *kn = sysfs_get_dirent(acrypto_parts_kobj->sd, name);

	if (!kn)
		return false;
	sysfs_put(kn);
	return true;
}

static ssize_t create_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	char name[ACRYPTO_PART_NAME_LEN];
	struct acrypto_partition *p;
	int err;

	err = acrypto_partition_parse_name(buf, count, name);
	if (err)
		return err;

	mutex_lock(&acrypto_part_mutex);
	err = -EEXIST;
	if (acrypto_partition_find(name) || acrypto_partition_name_taken(name))
		goto out_unlock;
	err = -ENOSPC;
	if (acrypto_nr_partitions >= ACRYPTO_MAX_PARTITIONS)
		goto out_unlock;
	err = -ENOMEM;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		goto out_unlock;
	p->stats = alloc_percpu(struct acrypto_part_stats);
	if (!p->stats) {
		kfree(p);
		goto out_unlock;
	}
	strscpy(p->name, name, sizeof(p->name));
	INIT_LIST_HEAD(&p->algs);
	err = kobject_init_and_add(&p->kobj, &acrypto_part_ktype,
				   acrypto_parts_kobj, "%s", name);
	if (err) {
		kobject_put(&p->kobj);
		goto out_unlock;
	}
	err = acrypto_skcipher_add_partition(p) ?:
	      acrypto_aead_add_partition(p) ?:
	      acrypto_ahash_add_partition(p);
	if (err) {
		WARN_ON(acrypto_partition_drop_algs(p));
		kobject_put(&p->kobj);
		goto out_unlock;
	}
	list_add_tail(&p->node, &acrypto_partitions);
	acrypto_nr_partitions++;
	pr_info("partition %s created\n", name);
out_unlock:
	mutex_unlock(&acrypto_part_mutex);
	return err ?: count;
}

static ssize_t remove_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	char name[ACRYPTO_PART_NAME_LEN];
	struct acrypto_partition *p;
	struct acrypto_device *dev;
	bool has_devices = false;
	int err;

	err = acrypto_partition_parse_name(buf, count, name);
	if (err)
		return err;

	mutex_lock(&acrypto_part_mutex);
	p = acrypto_partition_find(name);
	err = -ENOENT;
	if (!p)
		goto out_unlock;
	rcu_read_lock();
	acrypto_for_each_device(dev)
		has_devices |= READ_ONCE(dev->partition) == p;
	rcu_read_unlock();
	err = -EBUSY;
	if (has_devices) {
		pr_info("partition %s still has devices: unassign them first\n",
			name);
		goto out_unlock;
	}
	/* No new transform from here; the existing ones keep it. */
	WRITE_ONCE(p->dying, true);
	if (!acrypto_partition_idle(p) || acrypto_partition_drop_algs(p)) {
		WRITE_ONCE(p->dying, false);
		pr_info("partition %s is in use by transforms\n", name);
		goto out_unlock;
	}
	list_del(&p->node);
	acrypto_nr_partitions--;
	kobject_del(&p->kobj);
	kobject_put(&p->kobj);
	pr_info("partition %s removed\n", name);
	err = 0;
out_unlock:
	mutex_unlock(&acrypto_part_mutex);
	return err ?: count;
}

static ssize_t list_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct acrypto_partition *p;
	int len = 0;

	mutex_lock(&acrypto_part_mutex);
	list_for_each_entry(p, &acrypto_partitions, node)
		len += sysfs_emit_at(buf, len, "%s\n", p->name);
	mutex_unlock(&acrypto_part_mutex);
	return len;
}

static struct kobj_attribute acrypto_parts_attr_create = __ATTR_WO(create);
static struct kobj_attribute acrypto_parts_attr_remove = __ATTR_WO(remove);
static struct kobj_attribute acrypto_parts_attr_list = __ATTR_RO(list);

static struct attribute *acrypto_parts_attrs[] = {
	&acrypto_parts_attr_create.attr,
	&acrypto_parts_attr_remove.attr,
	&acrypto_parts_attr_list.attr,
	NULL,
};

static const struct attribute_group acrypto_parts_group = {
	.attrs = acrypto_parts_attrs,
};

/**
 * acrypto_partition_init() - /sys/class/acrypto/partitions
 * @parent: the kobject of /sys/class/acrypto/'s "partitions" device
 *
 * Return: 0 or an errno from sysfs.
 */
int acrypto_partition_init(struct kobject *parent)
{
	acrypto_parts_kobj = parent;
	return sysfs_create_group(parent, &acrypto_parts_group);
}

/* At module exit: no device and no transform is left. */
void acrypto_partition_uninit(void)
{
	struct acrypto_partition *p, *tmp;

	mutex_lock(&acrypto_part_mutex);
	list_for_each_entry_safe(p, tmp, &acrypto_partitions, node) {
		WARN_ON(acrypto_partition_drop_algs(p));
		list_del(&p->node);
		kobject_del(&p->kobj);
		kobject_put(&p->kobj);
	}
	acrypto_nr_partitions = 0;
	mutex_unlock(&acrypto_part_mutex);
	sysfs_remove_group(acrypto_parts_kobj, &acrypto_parts_group);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: statistics of each device by algorithm and mode, and
 * /sys/class/acrypto/<dev>/stats/.
 *
 * The request path counts into per-CPU rows (stats.h); this file sums them
 * for sysfs and resets them.  A reset does not write the per-CPU rows,
 * which only their own CPU writes: it takes the current sums as a base
 * that readers subtract.  See Documentation/ABI/testing/
 * sysfs-class-acrypto for the files.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "stats.h"

/* What a file shows. */
enum {
	ACRYPTO_STAT_REQUESTS,
	ACRYPTO_STAT_BYTES_IN,
	ACRYPTO_STAT_BYTES_OUT,
	ACRYPTO_STAT_ERRORS,
	ACRYPTO_STAT_RETRIES,
	ACRYPTO_STAT_LATENCY,
	ACRYPTO_STAT_FILES,
	ACRYPTO_STAT_RESET = ACRYPTO_STAT_FILES,
};

static const char *const acrypto_stat_names[] = {
	[ACRYPTO_STAT_REQUESTS] = "requests",
	[ACRYPTO_STAT_BYTES_IN] = "bytes_in",
	[ACRYPTO_STAT_BYTES_OUT] = "bytes_out",
	[ACRYPTO_STAT_ERRORS] = "errors",
	[ACRYPTO_STAT_RETRIES] = "retries",
	[ACRYPTO_STAT_LATENCY] = "latency",
	[ACRYPTO_STAT_RESET] = "reset",
};

/* The device's totals, rather than one row. */
#define ACRYPTO_STAT_ALL	(-1)

struct acrypto_stats_attr {
	struct device_attribute attr;
	s8 row;			/* a row, or ACRYPTO_STAT_ALL */
	u8 what;		/* ACRYPTO_STAT_* */
	char name[32];
};

static struct acrypto_device *to_acrypto_device(struct device *d)
{
	return container_of(d, struct acrypto_device, dev);
}

/* @sum += @row */
static void acrypto_stats_add(struct acrypto_stats_row *sum,
			      const struct acrypto_stats_row *row)
{
	unsigned int i;

	sum->requests += READ_ONCE(row->requests);
	sum->bytes_in += READ_ONCE(row->bytes_in);
	sum->out_delta += READ_ONCE(row->out_delta);
	sum->errors += READ_ONCE(row->errors);
	sum->retries += READ_ONCE(row->retries);
	for (i = 0; i < ACRYPTO_STATS_LAT_BUCKETS; i++)
		sum->lat[i] += READ_ONCE(row->lat[i]);
}

/* The sum over CPUs of row @r, since the device registered. */
static void acrypto_stats_raw(const struct acrypto_stats *st, unsigned int r,
			      struct acrypto_stats_row *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu)
		acrypto_stats_add(sum, per_cpu_ptr(st->rows, cpu) + r);
}

/*
 * Row @r (or every row, ACRYPTO_STAT_ALL) since the last reset.  Caller
 * holds st->lock.
 */
static void acrypto_stats_read(const struct acrypto_stats *st, int r,
			       struct acrypto_stats_row *sum)
{
	struct acrypto_stats_row raw;
	unsigned int i, from = r < 0 ? 0 : r, to = r < 0 ? ACRYPTO_STATS_ROWS : r + 1;

	lockdep_assert_held(&st->lock);
	memset(sum, 0, sizeof(*sum));
	for (; from < to; from++) {
		const struct acrypto_stats_row *base = &st->base[from];

		acrypto_stats_raw(st, from, &raw);
		sum->requests += raw.requests - base->requests;
		sum->bytes_in += raw.bytes_in - base->bytes_in;
		sum->out_delta += raw.out_delta - base->out_delta;
		sum->errors += raw.errors - base->errors;
		sum->retries += raw.retries - base->retries;
		for (i = 0; i < ACRYPTO_STATS_LAT_BUCKETS; i++)
			sum->lat[i] += raw.lat[i] - base->lat[i];
	}
}

static ssize_t acrypto_stats_show(struct device *d,
				  struct device_attribute *attr, char *buf)
{
	struct acrypto_stats_attr *sa = container_of(attr, typeof(*sa), attr);
	struct acrypto_stats *st = to_acrypto_device(d)->stats;
	struct acrypto_stats_row sum;
	unsigned int i;
	int len = 0;

	mutex_lock(&st->lock);
	acrypto_stats_read(st, sa->row, &sum);
	mutex_unlock(&st->lock);

	switch (sa->what) {
	case ACRYPTO_STAT_REQUESTS:
		return sysfs_emit(buf, "%llu\n", sum.requests);
	case ACRYPTO_STAT_BYTES_IN:
		return sysfs_emit(buf, "%llu\n", sum.bytes_in);
	case ACRYPTO_STAT_BYTES_OUT:
		return sysfs_emit(buf, "%llu\n", sum.bytes_in + sum.out_delta);
	case ACRYPTO_STAT_ERRORS:
		return sysfs_emit(buf, "%llu\n", sum.errors);
	case ACRYPTO_STAT_RETRIES:
		return sysfs_emit(buf, "%llu\n", sum.retries);
	default:
		for (i = 0; i < ACRYPTO_STATS_LAT_BUCKETS; i++)
			len += sysfs_emit_at(buf, len, "%llu%c", sum.lat[i],
					     i + 1 < ACRYPTO_STATS_LAT_BUCKETS ?
					     ' ' : '\n');
		return len;
	}
}

/* Writing 0 to stats/reset starts every count of the device from 0. */
static ssize_t acrypto_stats_reset(struct device *d,
				   struct device_attribute *attr,
				   const char *buf, size_t count)
{
	struct acrypto_stats *st = to_acrypto_device(d)->stats;
	unsigned int r, v;
	int err;

	err = kstrtouint(buf, 0, &v);
	if (err)
		return err;
	if (v)
		return -EINVAL;
	mutex_lock(&st->lock);
	for (r = 0; r < ACRYPTO_STATS_ROWS; r++)
		acrypto_stats_raw(st, r, &st->base[r]);
	mutex_unlock(&st->lock);
	return count;
}

/* Set up @sa, a file of row @row ("<mode>-<alg>_what", or "what"). */
static void acrypto_stats_attr_init(struct acrypto_stats_attr *sa, int row,
				    unsigned int what)
{
	if (row == ACRYPTO_STAT_ALL)
		strscpy(sa->name, acrypto_stat_names[what], sizeof(sa->name));
	else
		scnprintf(sa->name, sizeof(sa->name), "%s-%s_%s",
			  acrypto_mode_name(row % __ACRYPTO_MODE_MAX),
			  acrypto_alg_name(row / __ACRYPTO_MODE_MAX),
			  acrypto_stat_names[what]);
	sa->row = row;
	sa->what = what;
	sysfs_attr_init(&sa->attr.attr);
	sa->attr.attr.name = sa->name;
	if (what == ACRYPTO_STAT_RESET) {
		sa->attr.attr.mode = 0200;
		sa->attr.store = acrypto_stats_reset;
	} else {
		sa->attr.attr.mode = 0444;
		sa->attr.show = acrypto_stats_show;
	}
}

/**
 * acrypto_stats_sysfs_add() - publish the statistics of a new device
 * @dev: a device in sysfs, its statistics allocated
 *
 * The totals, a reset file, and the same files for each algorithm and
 * mode the device has a capability for.
 *
 * Context: process context.
 *
 * Return: 0, -ENOMEM or an errno from sysfs.
 */
int acrypto_stats_sysfs_add(struct acrypto_device *dev)
{
	struct acrypto_stats *st = dev->stats;
	unsigned int i, w, n = 0, k = 0;
	struct attribute **list;
	int err;

	for (i = 0; i < dev->num_caps; i++)
		if (dev->capidx[dev->caps[i].alg][dev->caps[i].mode] == i + 1)
			n++;
	n = (n + 1) * ACRYPTO_STAT_FILES + 1;

	st->attrs = kcalloc(n, sizeof(*st->attrs), GFP_KERNEL);
	list = kcalloc(n + 1, sizeof(*list), GFP_KERNEL);
	if (!st->attrs || !list) {
		err = -ENOMEM;
		goto err_free;
	}

	for (w = 0; w <= ACRYPTO_STAT_RESET; w++)
		acrypto_stats_attr_init(&st->attrs[k++], ACRYPTO_STAT_ALL, w);
	for (i = 0; i < dev->num_caps; i++) {
		const struct acrypto_cap *cap = &dev->caps[i];

		/* The first capability of an algorithm and mode only. */
		if (dev->capidx[cap->alg][cap->mode] != i + 1)
			continue;
		for (w = 0; w < ACRYPTO_STAT_FILES; w++)
			acrypto_stats_attr_init(&st->attrs[k++],
						cap->alg * __ACRYPTO_MODE_MAX +
						cap->mode, w);
	}
	for (i = 0; i < k; i++)
		list[i] = &st->attrs[i].attr.attr;

	st->group.name = "stats";
	st->group.attrs = list;
	err = sysfs_create_group(&dev->dev.kobj, &st->group);
	if (err)
		goto err_free;
	return 0;

err_free:
	kfree(list);
	kfree(st->attrs);
	st->attrs = NULL;
	st->group.attrs = NULL;
	return err;
}

/**
 * acrypto_stats_sysfs_remove() - take the statistics files of a device away
 * @dev: the device, before device_del()
 */
void acrypto_stats_sysfs_remove(struct acrypto_device *dev)
{
	struct acrypto_stats *st = dev->stats;

	if (!st || !st->group.attrs)
		return;
	sysfs_remove_group(&dev->dev.kobj, &st->group);
	kfree(st->group.attrs);
	kfree(st->attrs);
	st->group.attrs = NULL;
	st->attrs = NULL;
}

/**
 * acrypto_stats_init_device() - zeroed statistics for a new device
 * @dev: a device about to register
 *
 * Context: process context, may sleep.
 *
 * Return: 0 or -ENOMEM.
 */
int acrypto_stats_init_device(struct acrypto_device *dev)
{
	struct acrypto_stats *st;

	BUILD_BUG_ON(ACRYPTO_STATS_ROWS > S8_MAX);
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->rows = __alloc_percpu(ACRYPTO_STATS_ROWS * sizeof(*st->rows),
				  __alignof__(struct acrypto_stats_row));
	st->base = kcalloc(ACRYPTO_STATS_ROWS, sizeof(*st->base), GFP_KERNEL);
	if (!st->rows || !st->base) {
		free_percpu(st->rows);
		kfree(st->base);
		kfree(st);
		return -ENOMEM;
	}
	mutex_init(&st->lock);
	dev->stats = st;
	return 0;
}

/**
 * acrypto_stats_uninit_device() - free the statistics of a device
 * @dev: a device no longer registered (no step can reach it), or one that
 *	failed to register
 */
void acrypto_stats_uninit_device(struct acrypto_device *dev)
{
	struct acrypto_stats *st = dev->stats;

	if (!st)
		return;
	dev->stats = NULL;
	mutex_destroy(&st->lock);
	free_percpu(st->rows);
	kfree(st->base);
	kfree(st);
}

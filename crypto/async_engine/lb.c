// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: the load balancer framework and /sys/class/crypto_lb.
 *
 * Balancers register with the engine; one is current and chooses the
 * device for every session.  The current balancer is an RCU-protected
 * pointer: the request path reads it under rcu_read_lock() and never takes a
 * lock or a reference.  Writers (the lbs attribute, registration) serialise
 * on acrypto_lb_mutex.  The default balancer, simple_lb, is part of
 * acrypto.ko, always registered and never removed.
 *
 * A balancer module's exit calls acrypto_lb_unregister(): if it is current,
 * the default takes over and a grace period passes before the call returns,
 * so no selection is still running in the module's code when it goes.  The
 * module reference is taken only while a write to lbs looks a balancer up;
 * holding it as long as a balancer is current would make `rmmod` of the
 * current balancer fail instead of falling back to the default.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "internal.h"

static LIST_HEAD(acrypto_lbs);
static DEFINE_MUTEX(acrypto_lb_mutex);
static struct acrypto_lb __rcu *acrypto_current_lb;
static struct acrypto_lb *const acrypto_default_lb = &acrypto_simple_lb;
static struct class *crypto_lb_class;

/* Longest balancer name accepted. */
#define ACRYPTO_LB_NAME_MAX	32

static struct acrypto_lb *acrypto_lb_find(const char *name)
{
	struct acrypto_lb *lb;

	lockdep_assert_held(&acrypto_lb_mutex);
	list_for_each_entry(lb, &acrypto_lbs, node)
		if (sysfs_streq(name, lb->name))
			return lb;
	return NULL;
}

/**
 * acrypto_lb_register() - make a balancer available
 * @lb: balancer with name, owner and select set
 *
 * The balancer becomes selectable through /sys/class/crypto_lb/lbs and gets
 * a directory /sys/class/crypto_lb/<name>/ holding @lb->groups.
 *
 * Context: process context, may sleep.
 *
 * Return: 0, -EINVAL for a malformed balancer, -EEXIST for a duplicate name,
 * or an errno from sysfs.
 */
int acrypto_lb_register(struct acrypto_lb *lb)
{
	struct device *d;
	int err = 0;

	if (!lb->name || !lb->select || !lb->name[0] ||
	    strlen(lb->name) >= ACRYPTO_LB_NAME_MAX ||
	    strpbrk(lb->name, "/ \t\n") || !strcmp(lb->name, "lbs"))
		return -EINVAL;

	mutex_lock(&acrypto_lb_mutex);
	if (acrypto_lb_find(lb->name)) {
		err = -EEXIST;
		goto out_unlock;
	}

	d = device_create_with_groups(crypto_lb_class, NULL, MKDEV(0, 0), lb,
				      lb->groups, "%s", lb->name);
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
		goto out_unlock;
	}
	lb->dev = d;
	list_add_tail(&lb->node, &acrypto_lbs);
	pr_info("balancer %s registered\n", lb->name);

out_unlock:
	mutex_unlock(&acrypto_lb_mutex);
	return err;
}
EXPORT_SYMBOL_GPL(acrypto_lb_register);

static void __acrypto_lb_unregister(struct acrypto_lb *lb)
{
	mutex_lock(&acrypto_lb_mutex);
	list_del(&lb->node);
	if (lb != acrypto_default_lb &&
	    rcu_access_pointer(acrypto_current_lb) == lb) {
		rcu_assign_pointer(acrypto_current_lb, acrypto_default_lb);
		pr_info("balancer %s going away, %s is current\n",
			lb->name, acrypto_default_lb->name);
	}
	mutex_unlock(&acrypto_lb_mutex);

	/* No selection may still run in @lb's code after we return. */
	synchronize_rcu();
	device_unregister(lb->dev);
	lb->dev = NULL;
}

/**
 * acrypto_lb_unregister() - remove a balancer
 * @lb: a registered balancer other than the default
 *
 * If @lb is current, the default balancer becomes current.  Returns after
 * every selection that might be using @lb has finished.
 *
 * Context: process context, may sleep.
 */
void acrypto_lb_unregister(struct acrypto_lb *lb)
{
	if (WARN_ON(lb == acrypto_default_lb))
		return;
	__acrypto_lb_unregister(lb);
	pr_info("balancer %s unregistered\n", lb->name);
}
EXPORT_SYMBOL_GPL(acrypto_lb_unregister);

/**
 * acrypto_lb_select() - ask the current balancer for a device
 * @s: session whose current step needs a device
 *
 * Caller holds rcu_read_lock().
 *
 * Return: a device that can serve @s, or NULL.
 */
struct acrypto_device *acrypto_lb_select(struct acrypto_session *s)
{
	struct acrypto_lb *lb = rcu_dereference(acrypto_current_lb);

	return lb->select(lb, s);
}

/**
 * acrypto_lb_complete() - tell the current balancer a step ended
 * @dev: device that did the step
 * @s: the session
 * @err: result of the step
 *
 * Caller holds rcu_read_lock().
 */
void acrypto_lb_complete(struct acrypto_device *dev, struct acrypto_session *s,
			 int err)
{
	struct acrypto_lb *lb = rcu_dereference(acrypto_current_lb);

	if (lb->complete)
		lb->complete(lb, dev, s, err);
}

/**
 * acrypto_lb_is_default() - is the default balancer current?
 *
 * Caller holds rcu_read_lock().
 *
 * Return: true if simple_lb chooses the devices.
 */
bool acrypto_lb_is_default(void)
{
	return rcu_dereference(acrypto_current_lb) == acrypto_default_lb;
}

/**
 * acrypto_lb_wants_timing() - does the current balancer measure latency?
 *
 * Caller holds rcu_read_lock().
 *
 * Return: true if sessions should carry their start time.
 */
bool acrypto_lb_wants_timing(void)
{
	return rcu_dereference(acrypto_current_lb)->flags & ACRYPTO_LB_TIMING;
}

static ssize_t lbs_show(struct class *class, struct class_attribute *attr,
			char *buf)
{
	struct acrypto_lb *lb, *cur;
	int len = 0;

	mutex_lock(&acrypto_lb_mutex);
	cur = rcu_dereference_protected(acrypto_current_lb,
					lockdep_is_held(&acrypto_lb_mutex));
	list_for_each_entry(lb, &acrypto_lbs, node)
		len += sysfs_emit_at(buf, len, "%s%s%s\n", lb->name,
				     lb == cur ? " [current]" : "",
				     lb == acrypto_default_lb ? " (default)" : "");
	mutex_unlock(&acrypto_lb_mutex);
	return len;
}

static ssize_t lbs_store(struct class *class, struct class_attribute *attr,
			 const char *buf, size_t count)
{
	struct acrypto_lb *lb, *old;
	int shown;

	mutex_lock(&acrypto_lb_mutex);
	lb = acrypto_lb_find(buf);
	/* A balancer whose module is on its way out is no longer offered. */
	if (!lb || !try_module_get(lb->owner)) {
		mutex_unlock(&acrypto_lb_mutex);
		shown = min_t(size_t, strcspn(buf, "\n"), ACRYPTO_LB_NAME_MAX);
		pr_info_ratelimited("no balancer named '%.*s'\n",
				    shown, buf);
		return -EINVAL;
	}
	old = rcu_dereference_protected(acrypto_current_lb,
					lockdep_is_held(&acrypto_lb_mutex));
	if (old != lb) {
		rcu_assign_pointer(acrypto_current_lb, lb);
		pr_info("balancer %s is current (was %s)\n",
			lb->name, old->name);
	}
	mutex_unlock(&acrypto_lb_mutex);
	module_put(lb->owner);
	return count;
}
static CLASS_ATTR_RW(lbs);

int acrypto_lb_init(void)
{
	int err;

	crypto_lb_class = class_create(THIS_MODULE, "crypto_lb");
	if (IS_ERR(crypto_lb_class))
		return PTR_ERR(crypto_lb_class);

	err = class_create_file(crypto_lb_class, &class_attr_lbs);
	if (err)
		goto err_destroy_class;

	RCU_INIT_POINTER(acrypto_current_lb, acrypto_default_lb);
	err = acrypto_lb_register(acrypto_default_lb);
	if (err)
		goto err_remove_file;
	return 0;

err_remove_file:
	class_remove_file(crypto_lb_class, &class_attr_lbs);
err_destroy_class:
	class_destroy(crypto_lb_class);
	return err;
}

void acrypto_lb_uninit(void)
{
	__acrypto_lb_unregister(acrypto_default_lb);
	WARN_ON(!list_empty(&acrypto_lbs));
	class_remove_file(crypto_lb_class, &class_attr_lbs);
	class_destroy(crypto_lb_class);
}

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
 * Balancer modules load on demand: a write to lbs of a name no registered
 * balancer has asks for the module alias "acrypto-lb-<name>"
 * (MODULE_ALIAS_ACRYPTO_LB()), as the crypto API does with "crypto-<alg>".
 * The "balancer" module parameter names the balancer the administrator
 * wants at boot (acrypto.balancer= on the kernel command line, an "options
 * acrypto balancer=" line in modprobe.d): its module is requested once the
 * engine is up, and it becomes current when it registers.  A write to lbs
 * or to the parameter at run time selects a balancer, loading its module
 * if needed, and changes the wish too, so both always name the same.
 *
 * A balancer module's exit calls acrypto_lb_unregister(): if it is current,
 * the default takes over and a grace period passes before the call returns,
 * so no selection is still running in the module's code when it goes.  The
 * module reference is taken only while a write to lbs looks a balancer up;
 * holding it as long as a balancer is current would make `rmmod` of the
 * current balancer fail instead of falling back to the default.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/kmod.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>

#include "internal.h"

static LIST_HEAD(acrypto_lbs);
static DEFINE_MUTEX(acrypto_lb_mutex);
static struct acrypto_lb __rcu *acrypto_current_lb;
static struct acrypto_lb *const acrypto_default_lb = &acrypto_simple_lb;
static struct class *crypto_lb_class;

/* Longest balancer name accepted. */
#define ACRYPTO_LB_NAME_MAX	32

/*
 * The balancer the administrator wants (the "balancer" parameter, the last
 * write to lbs); empty for the default.  Under acrypto_lb_mutex once the
 * engine is up; before, only the parameter parser writes it.
 */
static char acrypto_lb_wanted[ACRYPTO_LB_NAME_MAX];
/* lb.c is initialised: the parameter may select and load balancers. */
static bool acrypto_lb_ready;

static void acrypto_lb_request_worker(struct work_struct *work);
static DECLARE_WORK(acrypto_lb_request_work, acrypto_lb_request_worker);

static struct acrypto_lb *acrypto_lb_find(const char *name)
{
	struct acrypto_lb *lb;

	lockdep_assert_held(&acrypto_lb_mutex);
	list_for_each_entry(lb, &acrypto_lbs, node)
		if (sysfs_streq(name, lb->name))
			return lb;
	return NULL;
}

/*
 * Copy the balancer name in @buf (up to a newline) to @name.  Returns
 * false for what cannot be a balancer's name, which no module is asked
 * for: empty, too long, or other than lower-case letters, digits, '_' and
 * '-'.
 */
static bool acrypto_lb_name(const char *buf, char name[ACRYPTO_LB_NAME_MAX])
{
	size_t len = strcspn(buf, "\n");
	size_t i;

	if (!len || len >= ACRYPTO_LB_NAME_MAX || buf[len + !!buf[len]])
		return false;
	for (i = 0; i < len; i++)
		if (!islower(buf[i]) && !isdigit(buf[i]) &&
		    buf[i] != '_' && buf[i] != '-')
			return false;
	memcpy(name, buf, len);
	name[len] = '\0';
	return true;
}

/* Make @lb current.  Caller holds acrypto_lb_mutex. */
static void acrypto_lb_set_current(struct acrypto_lb *lb, const char *why)
{
	struct acrypto_lb *old;

	lockdep_assert_held(&acrypto_lb_mutex);
	old = rcu_dereference_protected(acrypto_current_lb,
					lockdep_is_held(&acrypto_lb_mutex));
	if (old == lb)
		return;
	rcu_assign_pointer(acrypto_current_lb, lb);
	pr_info("balancer %s is current (was %s%s)\n", lb->name, old->name, why);
}

/*
 * Load the module of balancer @name: request_module("acrypto-lb-<name>").
 * Returns 0 when modprobe succeeded.  Context: process context, without
 * acrypto_lb_mutex (the balancer's init takes it).
 */
static int acrypto_lb_load(const char *name)
{
	int err;

	if (!IS_ENABLED(CONFIG_MODULES))
		return -ENOENT;
	err = request_module("acrypto-lb-%s", name);
	if (err)
		pr_info_ratelimited("balancer %s: no module acrypto-lb-%s (%d)\n",
				    name, name, err);
	return err;
}

/*
 * The wanted balancer, when it is not registered yet: ask for its module.
 * Queued from acrypto's init, which must not wait for a module that
 * depends on it; the balancer makes itself current when it registers.
 */
static void acrypto_lb_request_worker(struct work_struct *work)
{
	char name[ACRYPTO_LB_NAME_MAX];
	bool load;

	mutex_lock(&acrypto_lb_mutex);
	strscpy(name, acrypto_lb_wanted, sizeof(name));
	load = name[0] && !acrypto_lb_find(name);
	mutex_unlock(&acrypto_lb_mutex);
	if (load && acrypto_lb_load(name))
		pr_warn("balancer %s (the balancer parameter) is not available; %s stays current\n",
			name, acrypto_default_lb->name);
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
	if (!strcmp(lb->name, acrypto_lb_wanted))
		acrypto_lb_set_current(lb, ", the balancer parameter");

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
		/* The administrator's choice went with it. */
		acrypto_lb_wanted[0] = '\0';
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
 * Needs no RCU read side: it compares the pointer, and like any answer
 * about the current balancer it may be stale as soon as it is returned.
 *
 * Return: true if simple_lb chooses the devices.
 */
bool acrypto_lb_is_default(void)
{
	/* A comparison: nothing is dereferenced. */
	return rcu_access_pointer(acrypto_current_lb) == acrypto_default_lb;
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

/**
 * acrypto_lb_current_name() - the name of the current balancer
 *
 * Caller holds rcu_read_lock().
 *
 * Return: the name, valid until rcu_read_unlock().
 */
const char *acrypto_lb_current_name(void)
{
	return rcu_dereference(acrypto_current_lb)->name;
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

/*
 * Make the balancer named in @buf current, loading its module if no
 * balancer of that name is registered.  The wish is recorded too.
 * Returns 0, or -EINVAL when there is no such balancer.
 */
static int acrypto_lb_select_name(const char *buf)
{
	char name[ACRYPTO_LB_NAME_MAX];
	struct acrypto_lb *lb;
	bool loaded = false;
	int shown;

	for (;;) {
		mutex_lock(&acrypto_lb_mutex);
		lb = acrypto_lb_find(buf);
		/* A balancer whose module is on its way out is not offered. */
		if (lb && try_module_get(lb->owner))
			break;
		mutex_unlock(&acrypto_lb_mutex);
		if (loaded || lb || !acrypto_lb_name(buf, name) ||
		    acrypto_lb_load(name)) {
			shown = min_t(size_t, strcspn(buf, "\n"),
				      ACRYPTO_LB_NAME_MAX);
			pr_info_ratelimited("no balancer named '%.*s'\n",
					    shown, buf);
			return -EINVAL;
		}
		loaded = true;
	}
	strscpy(acrypto_lb_wanted, lb == acrypto_default_lb ? "" : lb->name,
		sizeof(acrypto_lb_wanted));
	acrypto_lb_set_current(lb, "");
	mutex_unlock(&acrypto_lb_mutex);
	module_put(lb->owner);
	return 0;
}

static ssize_t lbs_store(struct class *class, struct class_attribute *attr,
			 const char *buf, size_t count)
{
	int err = acrypto_lb_select_name(buf);

	return err ? err : count;
}
static CLASS_ATTR_RW(lbs);

/*
 * The "balancer" parameter.  Set while the module loads (before init): the
 * name is kept, and its module requested at the end of init
 * (acrypto_lb_request_wanted()); the balancer becomes current when it
 * registers.  Set at run time: a write to lbs.
 */
static int acrypto_lb_param_set(const char *val, const struct kernel_param *kp)
{
	char name[ACRYPTO_LB_NAME_MAX];

	if (!acrypto_lb_name(val, name))
		return -EINVAL;
	if (READ_ONCE(acrypto_lb_ready))
		return acrypto_lb_select_name(name);
	strscpy(acrypto_lb_wanted,
		strcmp(name, acrypto_default_lb->name) ? name : "",
		sizeof(acrypto_lb_wanted));
	return 0;
}

static int acrypto_lb_param_get(char *buf, const struct kernel_param *kp)
{
	const char *name;
	int len;

	mutex_lock(&acrypto_lb_mutex);
	name = acrypto_lb_wanted[0] ? acrypto_lb_wanted : acrypto_default_lb->name;
	len = sysfs_emit(buf, "%s\n", name);
	mutex_unlock(&acrypto_lb_mutex);
	return len;
}

static const struct kernel_param_ops acrypto_lb_param_ops = {
	.set = acrypto_lb_param_set,
	.get = acrypto_lb_param_get,
};

module_param_cb(balancer, &acrypto_lb_param_ops, NULL, 0644);
MODULE_PARM_DESC(balancer,
		 "Balancer made current when it registers, its module loaded on demand (default simple_lb)");

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
	WRITE_ONCE(acrypto_lb_ready, true);
	return 0;

err_remove_file:
	class_remove_file(crypto_lb_class, &class_attr_lbs);
err_destroy_class:
	class_destroy(crypto_lb_class);
	return err;
}

/**
 * acrypto_lb_request_wanted() - load the balancer the parameter names
 *
 * Called at the end of acrypto's init: a module request queued earlier
 * would make an init failure wait for a balancer module that waits for
 * acrypto's init.  The balancer becomes current when it registers.
 */
void acrypto_lb_request_wanted(void)
{
	if (acrypto_lb_wanted[0])
		schedule_work(&acrypto_lb_request_work);
}

void acrypto_lb_uninit(void)
{
	cancel_work_sync(&acrypto_lb_request_work);
	__acrypto_lb_unregister(acrypto_default_lb);
	WARN_ON(!list_empty(&acrypto_lbs));
	class_remove_file(crypto_lb_class, &class_attr_lbs);
	class_destroy(crypto_lb_class);
}

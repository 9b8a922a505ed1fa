// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_testdev: module parameters, init and exit.
 *
 * Creates `instances` acrypto devices named testdev0, testdev1, ...  The
 * per-instance parameters are arrays: entry N configures testdevN, and
 * instances beyond the last entry given take the last entry, so a single
 * value applies to all.  Fault injection is set through debugfs knobs once
 * the algorithms are registered: the crypto API self-tests run through the
 * first devices that register, and a failed self-test leaves the algorithm
 * unusable.  The one exception is wrong_output, which starts an instance
 * delivering corrupted results from its registration on, for the engine's
 * own checks of new devices; load it after another device serves the
 * algorithms.
 *
 * Never needed in production; built for the tests in
 * tools/testing/selftests/ (acrypto-lb, acrypto-faults, ...).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "testdev.h"

static unsigned int instances = 1;
module_param(instances, uint, 0444);
MODULE_PARM_DESC(instances, "Number of devices testdev0.. (1-16, default 1)");

static unsigned int latency_us[TESTDEV_MAX_INSTANCES];
static int n_latency_us;
module_param_array(latency_us, uint, &n_latency_us, 0444);
MODULE_PARM_DESC(latency_us, "Per instance: microseconds from acceptance to completion (default 100)");

static unsigned long bytes_per_sec[TESTDEV_MAX_INSTANCES];
static int n_bytes_per_sec;
module_param_array(bytes_per_sec, ulong, &n_bytes_per_sec, 0444);
MODULE_PARM_DESC(bytes_per_sec, "Per instance: serial throughput in bytes/s, 0 unlimited (default 0)");

static unsigned int ops_per_sec[TESTDEV_MAX_INSTANCES];
static int n_ops_per_sec;
module_param_array(ops_per_sec, uint, &n_ops_per_sec, 0444);
MODULE_PARM_DESC(ops_per_sec, "Per instance: serial rate in requests/s, 0 unlimited (default 0)");

static unsigned int qlen[TESTDEV_MAX_INSTANCES];
static int n_qlen;
module_param_array(qlen, uint, &n_qlen, 0444);
MODULE_PARM_DESC(qlen, "Per instance: requests held before -ENOSPC (1-65536, default 64)");

static char *classes[TESTDEV_MAX_INSTANCES];
static int n_classes;
module_param_array_named(class, classes, charp, &n_classes, 0444);
MODULE_PARM_DESC(class, "Per instance: software, accelerated or hardware (default hardware)");

static char *modes[TESTDEV_MAX_INSTANCES];
static int n_modes;
module_param_array(modes, charp, &n_modes, 0444);
MODULE_PARM_DESC(modes, "Per instance: capabilities joined by '+' (ecb cbc ctr xts gcm sha1 sha256 hmac-sha1 hmac-sha256), or all (default ecb+cbc+ctr+xts)");

static unsigned int wrong_output[TESTDEV_MAX_INSTANCES];
static int n_wrong_output;
module_param_array(wrong_output, uint, &n_wrong_output, 0444);
MODULE_PARM_DESC(wrong_output, "Per instance: corrupt every Nth result from registration on, 0 never (default 0)");

static struct acrypto_device *testdev_devs[TESTDEV_MAX_INSTANCES];
static unsigned int testdev_count;

static const char * const testdev_class_names[] = {
	[ACRYPTO_CLASS_SOFTWARE] = "software",
	[ACRYPTO_CLASS_ACCEL] = "accelerated",
	[ACRYPTO_CLASS_HARDWARE] = "hardware",
};

/* Index of the array entry that configures instance @i, or -1 for none. */
static int testdev_param_index(unsigned int i, int n)
{
	if (!n)
		return -1;
	return min_t(int, i, n - 1);
}

static int testdev_parse_class(const char *s, enum acrypto_class *class)
{
	int i = sysfs_match_string(testdev_class_names, s);

	if (i < 0)
		return -EINVAL;
	*class = i;
	return 0;
}

static int testdev_parse_modes(const char *s, unsigned long *mask)
{
	char buf[64], *p = buf, *tok;
	int i;

	if (sysfs_streq(s, "all")) {
		*mask = TESTDEV_MODES_ALL;
		return 0;
	}
	if (strscpy(buf, s, sizeof(buf)) < 0)
		return -EINVAL;

	*mask = 0;
	while ((tok = strsep(&p, "+"))) {
		i = testdev_impl_by_name(tok);
		if (i < 0)
			return -EINVAL;
		*mask |= BIT(i);
	}
	return 0;
}

static int testdev_config(unsigned int i, struct testdev_config *cfg)
{
	int k;

	k = testdev_param_index(i, n_latency_us);
	cfg->latency_us = k < 0 ? 100 : latency_us[k];
	k = testdev_param_index(i, n_bytes_per_sec);
	cfg->bytes_per_sec = k < 0 ? 0 : bytes_per_sec[k];
	k = testdev_param_index(i, n_ops_per_sec);
	cfg->ops_per_sec = k < 0 ? 0 : ops_per_sec[k];
	k = testdev_param_index(i, n_qlen);
	cfg->qlen = k < 0 ? 64 : qlen[k];
	k = testdev_param_index(i, n_wrong_output);
	cfg->wrong_output = k < 0 ? 0 : wrong_output[k];

	if (cfg->latency_us > TESTDEV_MAX_LATENCY_US) {
		pr_err("latency_us of testdev%u above %u\n",
		       i, TESTDEV_MAX_LATENCY_US);
		return -EINVAL;
	}
	if (!cfg->qlen || cfg->qlen > TESTDEV_MAX_QLEN) {
		pr_err("qlen of testdev%u not in 1..%u\n",
		       i, TESTDEV_MAX_QLEN);
		return -EINVAL;
	}

	k = testdev_param_index(i, n_classes);
	cfg->class = ACRYPTO_CLASS_HARDWARE;
	if (k >= 0 && testdev_parse_class(classes[k], &cfg->class)) {
		pr_err("class of testdev%u: unknown '%s'\n",
		       i, classes[k]);
		return -EINVAL;
	}

	k = testdev_param_index(i, n_modes);
	cfg->modes = TESTDEV_MODES_DEFAULT;
	if (k >= 0 && (testdev_parse_modes(modes[k], &cfg->modes) ||
		       !cfg->modes)) {
		pr_err("modes of testdev%u: bad '%s'\n",
		       i, modes[k]);
		return -EINVAL;
	}
	return 0;
}

static int testdev_add(unsigned int i, const struct testdev_config *cfg,
		       unsigned int reqsize)
{
	struct acrypto_device *adev;
	struct testdev *td;
	int err;

	adev = acrypto_device_alloc(sizeof(*td));
	if (!adev)
		return -ENOMEM;
	td = testdev_from(adev);
	td->adev = adev;
	testdev_init(td, cfg);
	testdev_impl_caps(td, cfg->modes);

	snprintf(adev->name, sizeof(adev->name), "testdev%u", i);
	adev->class = cfg->class;
	adev->ops = &testdev_ops;
	adev->reqsize = sizeof(struct testdev_request) + reqsize;
	adev->owner = THIS_MODULE;

	err = acrypto_device_register(adev);
	if (err) {
		acrypto_device_free(adev);
		return err;
	}
	testdev_devs[i] = adev;
	testdev_debugfs_add(td);
	if (cfg->wrong_output)
		dev_info(acrypto_device_to_dev(adev), "wrong_output=%u: corrupting results since registration\n",
			 cfg->wrong_output);
	return 0;
}

static void testdev_remove_all(void)
{
	/* Knobs first: none may run against a device on its way out. */
	testdev_debugfs_uninit();
	while (testdev_count) {
		struct acrypto_device *adev = testdev_devs[--testdev_count];

		testdev_uninit(testdev_from(adev));
		acrypto_device_free(adev);
		testdev_devs[testdev_count] = NULL;
	}
}

static int __init testdev_module_init(void)
{
	struct testdev_config cfg[TESTDEV_MAX_INSTANCES];
	unsigned long all_modes = 0;
	unsigned int i, reqsize = 0;
	int err;

	if (!instances || instances > TESTDEV_MAX_INSTANCES) {
		pr_err("instances must be 1..%u\n",
		       TESTDEV_MAX_INSTANCES);
		return -EINVAL;
	}
	for (i = 0; i < instances; i++) {
		err = testdev_config(i, &cfg[i]);
		if (err)
			return err;
		all_modes |= cfg[i].modes;
	}

	err = testdev_impl_probe(all_modes, &reqsize);
	if (err)
		return err;

	testdev_debugfs_init();
	for (i = 0; i < instances; i++) {
		err = testdev_add(i, &cfg[i], reqsize);
		if (err) {
			pr_err("testdev%u: %d\n", i, err);
			goto err_remove;
		}
		testdev_count++;
	}
	return 0;

err_remove:
	testdev_remove_all();
	return err;
}

static void __exit testdev_module_exit(void)
{
	testdev_remove_all();
}

module_init(testdev_module_init);
module_exit(testdev_module_exit);

MODULE_SOFTDEP("pre: ecb ctr xts");
MODULE_AUTHOR("The acrypto authors");
MODULE_DESCRIPTION("acrypto test device: slow, fault-injecting, computes on the CPU");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_loadgen: module init and exit, the debugfs interface.
 *
 *   /sys/kernel/debug/acrypto_loadgen/run      write "alg=NAME size=N ..."
 *                                              to run; the write returns
 *                                              when the run is over
 *   /sys/kernel/debug/acrypto_loadgen/prepare  the same, in two steps:
 *   /sys/kernel/debug/acrypto_loadgen/start    prepare allocates the run,
 *                                              a write to start runs it
 *                                              (so that counters can be
 *                                              reset between set-up and
 *                                              run)
 *   /sys/kernel/debug/acrypto_loadgen/result   the last run, one line
 *   /sys/kernel/debug/acrypto_loadgen/profile  its profile, if it took one
 *   /sys/kernel/debug/acrypto_loadgen/sample   write "cpu=N comm=NAME
 *                                              ms=M ..." to profile a
 *                                              user-space benchmark: a
 *                                              sampling run, see profile.c
 *   /sys/kernel/debug/acrypto_loadgen/variant  that benchmark writes the
 *                                              index of the variant it
 *                                              runs; "ops=a,b,c" after the
 *                                              run gives its requests
 *
 * One run at a time (lg_mutex).  See README.rst.
 */

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "loadgen.h"

#define LG_CMD_MAX	512
#define LG_REPORT_MAX	2048

static struct dentry *lg_dir;
static DEFINE_MUTEX(lg_mutex);
/* Under lg_mutex: the last run, kept for result and profile. */
static struct lg_run *lg_last;
/* Under lg_mutex: a prepared run waiting for a write to start. */
static struct lg_run *lg_pending;

/* Parse a command and allocate its run as the pending one. */
static int lg_prepare(const char __user *ubuf, size_t len)
{
	struct lg_params p;
	struct lg_run *run;
	char *buf;
	int err;

	lockdep_assert_held(&lg_mutex);
	if (len >= LG_CMD_MAX)
		return -E2BIG;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	err = lg_params_parse(&p, buf);
	kfree(buf);
	if (err)
		return err;

	/* Earlier runs' buffers go before this one allocates its own. */
	lg_run_destroy(lg_last);
	lg_last = NULL;
	lg_run_destroy(lg_pending);
	lg_pending = NULL;

	run = lg_run_create(&p);
	if (IS_ERR(run))
		return PTR_ERR(run);
	lg_pending = run;
	return 0;
}

/* Execute the pending run; it becomes the last run. */
static int lg_start(void)
{
	struct lg_run *run = lg_pending;
	int err;

	lockdep_assert_held(&lg_mutex);
	if (!run)
		return -ENOENT;
	lg_pending = NULL;
	err = lg_run_execute(run);
	if (err) {
		lg_run_destroy(run);
		return err;
	}
	lg_run_release(run);
	lg_last = run;
	return 0;
}

static ssize_t lg_run_write(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	int err;

	mutex_lock(&lg_mutex);
	err = lg_prepare(ubuf, len) ?: lg_start();
	mutex_unlock(&lg_mutex);
	return err ?: len;
}

static ssize_t lg_prepare_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	int err;

	mutex_lock(&lg_mutex);
	err = lg_prepare(ubuf, len);
	mutex_unlock(&lg_mutex);
	return err ?: len;
}

static ssize_t lg_start_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	int err;

	mutex_lock(&lg_mutex);
	err = lg_start();
	mutex_unlock(&lg_mutex);
	return err ?: len;
}

/* A sampling run: it becomes the last run, for the profile file. */
static ssize_t lg_sample_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	struct lg_run *run;
	char *buf;
	int err;

	if (len >= LG_CMD_MAX)
		return -E2BIG;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	mutex_lock(&lg_mutex);
	lg_run_destroy(lg_last);
	lg_last = NULL;
	run = lg_sample_create(buf);
	kfree(buf);
	if (IS_ERR(run)) {
		err = PTR_ERR(run);
	} else {
		err = lg_sample_run(run);
		lg_last = run;
	}
	mutex_unlock(&lg_mutex);
	return err ?: len;
}

/*
 * A digit: the variant the benchmark runs from now on (no lock: a sampling
 * run holds the mutex while it samples); "none": the benchmark is not
 * running.  "ops=a,b,c": the requests of each variant of the last
 * sampling run.
 */
static ssize_t lg_variant_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	char buf[64];
	unsigned int v;
	int err;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (!strcmp(strim(buf), "none")) {
		lg_prof_set_variant(LG_NO_VARIANT);
		return len;
	}
	if (buf[0] >= '0' && buf[0] <= '9') {
		err = kstrtouint(strim(buf), 10, &v);
		if (err)
			return err;
		if (v >= LG_MAX_VARIANTS)
			return -EINVAL;
		lg_prof_set_variant(v);
		return len;
	}
	mutex_lock(&lg_mutex);
	err = lg_last ? lg_sample_set_ops(lg_last, buf) : -ENOENT;
	mutex_unlock(&lg_mutex);
	return err ?: len;
}

static const struct file_operations lg_sample_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = lg_sample_write,
	.llseek = noop_llseek,
};

static const struct file_operations lg_variant_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = lg_variant_write,
	.llseek = noop_llseek,
};

static const struct file_operations lg_run_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = lg_run_write,
	.llseek = noop_llseek,
};

static const struct file_operations lg_prepare_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = lg_prepare_write,
	.llseek = noop_llseek,
};

static const struct file_operations lg_start_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = lg_start_write,
	.llseek = noop_llseek,
};

static int lg_result_show(struct seq_file *m, void *v)
{
	char *buf;

	buf = kmalloc(LG_REPORT_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&lg_mutex);
	if (lg_last) {
		lg_run_report(lg_last, buf, LG_REPORT_MAX);
		seq_puts(m, buf);
	}
	mutex_unlock(&lg_mutex);
	kfree(buf);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lg_result);

static int lg_profile_show(struct seq_file *m, void *v)
{
	mutex_lock(&lg_mutex);
	if (lg_last)
		lg_prof_show(m, lg_last);
	mutex_unlock(&lg_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lg_profile);

static int __init lg_init(void)
{
	lg_dir = debugfs_create_dir("acrypto_loadgen", NULL);
	debugfs_create_file("run", 0200, lg_dir, NULL, &lg_run_fops);
	debugfs_create_file("prepare", 0200, lg_dir, NULL, &lg_prepare_fops);
	debugfs_create_file("start", 0200, lg_dir, NULL, &lg_start_fops);
	debugfs_create_file("result", 0400, lg_dir, NULL, &lg_result_fops);
	debugfs_create_file("profile", 0400, lg_dir, NULL, &lg_profile_fops);
	debugfs_create_file("sample", 0200, lg_dir, NULL, &lg_sample_fops);
	debugfs_create_file("variant", 0200, lg_dir, NULL, &lg_variant_fops);
	return 0;
}

static void __exit lg_exit(void)
{
	debugfs_remove_recursive(lg_dir);
	lg_run_destroy(lg_pending);
	lg_run_destroy(lg_last);
}

module_init(lg_init);
module_exit(lg_exit);

MODULE_AUTHOR("The acrypto authors");
MODULE_DESCRIPTION("acrypto benchmark: in-kernel skcipher load generator");
MODULE_LICENSE("GPL");

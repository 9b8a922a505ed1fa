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
 *
 * One run at a time (lg_mutex).  See README.rst.
 */

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "loadgen.h"

#define LG_CMD_MAX	512
#define LG_REPORT_MAX	1024

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

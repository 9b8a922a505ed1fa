// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_caller_test: the debugfs interface, module init and exit.
 *
 * A command written to /sys/kernel/debug/acrypto_caller_test/run runs (the
 * write returns when it is over, or at once for the *_start commands) and
 * leaves its result in .../result, one or more lines of "key=value" words:
 *
 *   reclaim_start N BATCH  N transforms and a shrinker freeing BATCH per call
 *   reclaim_status         what the shrinker freed so far
 *   reclaim_use N          N requests on the transform it never frees
 *   reclaim_stop           unregister the shrinker, free the rest
 *   nest N [real]          N requests under the callback's spinlock
 *   probe_start            lateness probes on every CPU (probe.c)
 *   probe_stop             their largest lateness
 *   drain_start N          N requests at once, left to drain
 *   drain_wait SECONDS     wait for them, judge them
 *   latency SECONDS        requests without MAY_BACKLOG, timed
 *   cap_start N            N + 1 requests of one transform, 1 of another
 *   cap_wait               wait for them, judge them
 *
 * The write fails only when the command could not run (bad arguments, no
 * such algorithm, no memory, requests that never completed); what the
 * requests did is in the result, for the guest script to judge.  One
 * command at a time.  See caller_test.h for the files.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "caller_test.h"

static struct dentry *ct_dir;
static DEFINE_MUTEX(ct_mutex);	/* one command at a time; guards ct_result */
static char ct_result[CT_RESULT_SIZE];

static int ct_probe_report(char *out, size_t size)
{
	struct ct_probe_result r;

	if (!ct_probe_stop(&r))
		return -ENOENT;
	scnprintf(out, size,
		  "max_work=%lu work_cpu=%u max_late_us=%llu late_cpu=%u softirq_late_us=%llu samples=%llu\n",
		  r.max_work, r.work_cpu, div_u64(r.late_ns, NSEC_PER_USEC),
		  r.late_cpu, div_u64(r.soft_late_ns, NSEC_PER_USEC),
		  r.samples);
	return 0;
}

/* Run one command line; its result goes to ct_result. */
static int ct_command(char *line)
{
	char cmd[24], arg[8] = "";
	unsigned int a = 0, b = 0;
	int n;

	n = sscanf(line, "%23s %u %u", cmd, &a, &b);
	if (n < 1)
		return -EINVAL;
	if (!strcmp(cmd, "reclaim_start") && n == 3)
		return ct_reclaim_start(a, b, ct_result, sizeof(ct_result));
	if (!strcmp(cmd, "reclaim_status"))
		return ct_reclaim_status(ct_result, sizeof(ct_result));
	if (!strcmp(cmd, "reclaim_use") && n == 2)
		return ct_reclaim_use(a, ct_result, sizeof(ct_result));
	if (!strcmp(cmd, "reclaim_stop")) {
		ct_reclaim_stop();
		return 0;
	}
	if (!strcmp(cmd, "nest") && n >= 2) {
		bool real = sscanf(line, "%*s %*u %7s", arg) == 1;

		if (real && strcmp(arg, "real"))
			return -EINVAL;
		return ct_nest_run(a, real, ct_result, sizeof(ct_result));
	}
	if (!strcmp(cmd, "probe_start"))
		return ct_probe_start();
	if (!strcmp(cmd, "probe_stop"))
		return ct_probe_report(ct_result, sizeof(ct_result));
	if (!strcmp(cmd, "drain_start") && n == 2)
		return ct_drain_start(a, ct_result, sizeof(ct_result));
	if (!strcmp(cmd, "drain_wait") && n == 2)
		return ct_drain_wait(a, ct_result, sizeof(ct_result));
	if (!strcmp(cmd, "latency") && n == 2)
		return ct_latency_run(a, ct_result, sizeof(ct_result));
	if (!strcmp(cmd, "cap_start") && n == 2)
		return ct_cap_start(a, ct_result, sizeof(ct_result));
	if (!strcmp(cmd, "cap_wait"))
		return ct_cap_wait(ct_result, sizeof(ct_result));
	return -EINVAL;
}

static ssize_t ct_run_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char buf[64];
	int err;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';

	mutex_lock(&ct_mutex);
	ct_result[0] = '\0';
	err = ct_command(buf);
	mutex_unlock(&ct_mutex);
	return err ?: count;
}

static ssize_t ct_result_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&ct_mutex);
	ret = simple_read_from_buffer(ubuf, count, ppos, ct_result,
				      strlen(ct_result));
	mutex_unlock(&ct_mutex);
	return ret;
}

static const struct file_operations ct_run_fops = {
	.owner = THIS_MODULE,
	.write = ct_run_write,
	.llseek = noop_llseek,
};

static const struct file_operations ct_result_fops = {
	.owner = THIS_MODULE,
	.read = ct_result_read,
	.llseek = default_llseek,
};

static int __init ct_init(void)
{
	ct_dir = debugfs_create_dir("acrypto_caller_test", NULL);
	debugfs_create_file("run", 0200, ct_dir, NULL, &ct_run_fops);
	debugfs_create_file("result", 0444, ct_dir, NULL, &ct_result_fops);
	return 0;
}

static void __exit ct_exit(void)
{
	debugfs_remove_recursive(ct_dir);
	ct_reclaim_stop();
	ct_drain_abort();
	ct_cap_abort();
	ct_probe_report(ct_result, sizeof(ct_result));
}

module_init(ct_init);
module_exit(ct_exit);

MODULE_AUTHOR("The acrypto authors");
MODULE_DESCRIPTION("acrypto test: what callers of the crypto API rely on (reclaim, locks across encrypt(), backlog fairness)");
MODULE_LICENSE("GPL");

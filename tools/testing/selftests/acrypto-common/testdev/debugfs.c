// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_testdev: knobs under /sys/kernel/debug/acrypto_testdev/<device>/.
 *
 * One decimal value per file (stats and keys are lists; keys is keys.c's);
 * a write outside a knob's range, or that is not a number, fails with
 * -EINVAL and changes nothing.  See README.rst.
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "testdev.h"

static struct dentry *testdev_debugfs_root;

static bool testdev_in_range(u64 val, u64 min, u64 max)
{
	return val >= min && val <= max;
}

/* Knobs that are plain fields, read locklessly on the request path. */

static int testdev_latency_us_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct testdev *)data)->latency_us);
	return 0;
}

static int testdev_latency_us_set(void *data, u64 val)
{
	if (!testdev_in_range(val, 0, TESTDEV_MAX_LATENCY_US))
		return -EINVAL;
	WRITE_ONCE(((struct testdev *)data)->latency_us, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(testdev_latency_us_fops, testdev_latency_us_get,
			 testdev_latency_us_set, "%llu\n");

static int testdev_bytes_per_sec_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct testdev *)data)->bytes_per_sec);
	return 0;
}

static int testdev_bytes_per_sec_set(void *data, u64 val)
{
	if (!testdev_in_range(val, 0, U64_MAX))
		return -EINVAL;
	WRITE_ONCE(((struct testdev *)data)->bytes_per_sec, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(testdev_bytes_per_sec_fops, testdev_bytes_per_sec_get,
			 testdev_bytes_per_sec_set, "%llu\n");

static int testdev_ops_per_sec_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct testdev *)data)->ops_per_sec);
	return 0;
}

static int testdev_ops_per_sec_set(void *data, u64 val)
{
	if (!testdev_in_range(val, 0, U32_MAX))
		return -EINVAL;
	WRITE_ONCE(((struct testdev *)data)->ops_per_sec, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(testdev_ops_per_sec_fops, testdev_ops_per_sec_get,
			 testdev_ops_per_sec_set, "%llu\n");

static int testdev_fail_errno_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct testdev *)data)->fail_errno);
	return 0;
}

static int testdev_fail_errno_set(void *data, u64 val)
{
	if (!testdev_in_range(val, 1, MAX_ERRNO))
		return -EINVAL;
	WRITE_ONCE(((struct testdev *)data)->fail_errno, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(testdev_fail_errno_fops, testdev_fail_errno_get,
			 testdev_fail_errno_set, "%llu\n");

static int testdev_fail_written_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct testdev *)data)->fail_written);
	return 0;
}

static int testdev_fail_written_set(void *data, u64 val)
{
	if (!testdev_in_range(val, 0, 1))
		return -EINVAL;
	WRITE_ONCE(((struct testdev *)data)->fail_written, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(testdev_fail_written_fops, testdev_fail_written_get,
			 testdev_fail_written_set, "%llu\n");

static int testdev_cancel_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct testdev *)data)->cancel);
	return 0;
}

static int testdev_cancel_set(void *data, u64 val)
{
	if (!testdev_in_range(val, 0, 1))
		return -EINVAL;
	WRITE_ONCE(((struct testdev *)data)->cancel, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(testdev_cancel_fops, testdev_cancel_get,
			 testdev_cancel_set, "%llu\n");

static int testdev_break_ms_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct testdev *)data)->break_ms);
	return 0;
}

static int testdev_break_ms_set(void *data, u64 val)
{
	if (!testdev_in_range(val, 0, 3600 * MSEC_PER_SEC))
		return -EINVAL;
	WRITE_ONCE(((struct testdev *)data)->break_ms, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(testdev_break_ms_fops, testdev_break_ms_get,
			 testdev_break_ms_set, "%llu\n");

static int testdev_process_delay_us_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct testdev *)data)->process_delay_us);
	return 0;
}

static int testdev_process_delay_us_set(void *data, u64 val)
{
	if (!testdev_in_range(val, 0, TESTDEV_MAX_DELAY_US))
		return -EINVAL;
	WRITE_ONCE(((struct testdev *)data)->process_delay_us, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(testdev_process_delay_us_fops,
			 testdev_process_delay_us_get,
			 testdev_process_delay_us_set, "%llu\n");

static int testdev_complete_inline_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct testdev *)data)->complete_inline);
	return 0;
}

static int testdev_complete_inline_set(void *data, u64 val)
{
	if (!testdev_in_range(val, 0, 1))
		return -EINVAL;
	WRITE_ONCE(((struct testdev *)data)->complete_inline, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(testdev_complete_inline_fops,
			 testdev_complete_inline_get,
			 testdev_complete_inline_set, "%llu\n");

static int testdev_qlen_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct testdev *)data)->qlen);
	return 0;
}

static int testdev_qlen_set(void *data, u64 val)
{
	if (!testdev_in_range(val, 1, TESTDEV_MAX_QLEN))
		return -EINVAL;
	testdev_set_qlen(data, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(testdev_qlen_fops, testdev_qlen_get,
			 testdev_qlen_set, "%llu\n");

static int testdev_fail_every_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct testdev *)data)->fail_every);
	return 0;
}

static int testdev_fail_every_set(void *data, u64 val)
{
	if (!testdev_in_range(val, 0, U32_MAX))
		return -EINVAL;
	testdev_set_fail_every(data, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(testdev_fail_every_fops, testdev_fail_every_get,
			 testdev_fail_every_set, "%llu\n");

static int testdev_wrong_output_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct testdev *)data)->wrong_output);
	return 0;
}

static int testdev_wrong_output_set(void *data, u64 val)
{
	if (!testdev_in_range(val, 0, U32_MAX))
		return -EINVAL;
	testdev_set_wrong_output(data, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(testdev_wrong_output_fops, testdev_wrong_output_get,
			 testdev_wrong_output_set, "%llu\n");

static int testdev_stall_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct testdev *)data)->stalled);
	return 0;
}

static int testdev_stall_set(void *data, u64 val)
{
	if (val > 1)
		return -EINVAL;
	testdev_set_stalled(data, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(testdev_stall_fops, testdev_stall_get,
			 testdev_stall_set, "%llu\n");

static int testdev_broken_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct testdev *)data)->broken);
	return 0;
}

static int testdev_broken_set(void *data, u64 val)
{
	if (val > 1)
		return -EINVAL;
	testdev_report_broken(data, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(testdev_broken_fops, testdev_broken_get,
			 testdev_broken_set, "%llu\n");

static int testdev_break_after_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct testdev *)data)->break_countdown);
	return 0;
}

static int testdev_break_after_set(void *data, u64 val)
{
	if (!testdev_in_range(val, 0, U32_MAX))
		return -EINVAL;
	testdev_set_break_after(data, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(testdev_break_after_fops, testdev_break_after_get,
			 testdev_break_after_set, "%llu\n");

static int testdev_stats_show(struct seq_file *m, void *v)
{
	struct testdev *td = m->private;
	struct testdev_stats st;
	u32 inflight;

	spin_lock_bh(&td->lock);
	st = td->stats;
	inflight = td->inflight;
	spin_unlock_bh(&td->lock);

	seq_printf(m, "accepted %llu\n", st.accepted);
	seq_printf(m, "completed %llu\n", st.completed);
	seq_printf(m, "failed %llu\n", st.failed);
	seq_printf(m, "written %llu\n", st.written);
	seq_printf(m, "corrupted %llu\n", st.corrupted);
	seq_printf(m, "cancelled %llu\n", st.cancelled);
	seq_printf(m, "refused %llu\n", st.refused);
	seq_printf(m, "inlined %llu\n", st.inlined);
	seq_printf(m, "inflight %u\n", inflight);
	seq_printf(m, "max_inflight %u\n", st.max_inflight);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(testdev_stats);

static const struct {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
	bool unsafe;	/* DEFINE_DEBUGFS_ATTRIBUTE protects itself */
} testdev_knobs[] = {
	{ "latency_us", 0644, &testdev_latency_us_fops, true },
	{ "bytes_per_sec", 0644, &testdev_bytes_per_sec_fops, true },
	{ "ops_per_sec", 0644, &testdev_ops_per_sec_fops, true },
	{ "qlen", 0644, &testdev_qlen_fops, true },
	{ "fail_every", 0644, &testdev_fail_every_fops, true },
	{ "fail_errno", 0644, &testdev_fail_errno_fops, true },
	{ "fail_written", 0644, &testdev_fail_written_fops, true },
	{ "wrong_output", 0644, &testdev_wrong_output_fops, true },
	{ "cancel", 0644, &testdev_cancel_fops, true },
	{ "stall", 0644, &testdev_stall_fops, true },
	{ "broken", 0644, &testdev_broken_fops, true },
	{ "break_after", 0644, &testdev_break_after_fops, true },
	{ "break_ms", 0644, &testdev_break_ms_fops, true },
	{ "process_delay_us", 0644, &testdev_process_delay_us_fops, true },
	{ "complete_inline", 0644, &testdev_complete_inline_fops, true },
	{ "stats", 0444, &testdev_stats_fops, false },
	{ "keys", 0644, &testdev_keys_fops, false },
};

/**
 * testdev_debugfs_add() - create the knobs of a registered instance
 * @td: the instance
 *
 * Failures are not fatal: the instance works without its knobs.
 */
void testdev_debugfs_add(struct testdev *td)
{
	unsigned int i;

	td->dir = debugfs_create_dir(td->adev->name, testdev_debugfs_root);
	for (i = 0; i < ARRAY_SIZE(testdev_knobs); i++) {
		if (testdev_knobs[i].unsafe)
			debugfs_create_file_unsafe(testdev_knobs[i].name,
						   testdev_knobs[i].mode,
						   td->dir, td,
						   testdev_knobs[i].fops);
		else
			debugfs_create_file(testdev_knobs[i].name,
					    testdev_knobs[i].mode, td->dir, td,
					    testdev_knobs[i].fops);
	}
}

void testdev_debugfs_init(void)
{
	testdev_debugfs_root = debugfs_create_dir("acrypto_testdev", NULL);
}

/* Removes every knob and waits for the writes in progress. */
void testdev_debugfs_uninit(void)
{
	debugfs_remove_recursive(testdev_debugfs_root);
	testdev_debugfs_root = NULL;
}

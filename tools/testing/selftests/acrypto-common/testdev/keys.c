// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_testdev: the key log - which keys an instance was given.
 *
 * Every ->key_prepare() call is recorded with a short fingerprint of the
 * key (its first four bytes, in hex), its mode and length, and whether the
 * instance prepared it; ->key_release() marks the record released.  The
 * list is /sys/kernel/debug/acrypto_testdev/<device>/keys; writing 0 to it
 * empties it.  The partition tests read it to prove that no key of one
 * partition ever reaches another partition's device (README.rst).
 *
 * A fixed array per instance: the request path never touches it, and
 * ->key_prepare() and ->key_release() run in process context, but the
 * engine may prepare several transforms' keys at once (under its device
 * rwsem, read side), hence the lock.
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "testdev.h"

static const char *const testdev_key_states[] = {
	[TESTDEV_KEY_HELD] = "held",
	[TESTDEV_KEY_RELEASED] = "released",
	[TESTDEV_KEY_REFUSED] = "refused",
};

/**
 * testdev_keys_prepared() - record a ->key_prepare() call
 * @td: the instance
 * @key: the engine's key; only its address is kept, to match the release
 * @mode: the capability's name ("cbc", "hmac-sha256", ...)
 * @err: what ->key_prepare() returns: 0 when the instance holds the key
 *
 * Context: process context.
 */
void testdev_keys_prepared(struct testdev *td, const struct acrypto_key *key,
			   const char *mode, int err)
{
	struct testdev_keylog *log = &td->keylog;
	struct testdev_key_rec *rec;

	spin_lock(&log->lock);
	log->seq++;
	if (log->n == TESTDEV_KEYLOG_LEN) {
		log->dropped++;
		goto out;
	}
	rec = &log->rec[log->n++];
	rec->key = key;
	rec->seq = log->seq;
	rec->mode = mode;
	rec->keylen = key->keylen;
	rec->fplen = min_t(unsigned int, key->keylen, sizeof(rec->fp));
	if (rec->fplen)
		memcpy(rec->fp, key->data, rec->fplen);
	rec->state = err ? TESTDEV_KEY_REFUSED : TESTDEV_KEY_HELD;
out:
	spin_unlock(&log->lock);
}

/**
 * testdev_keys_released() - record a ->key_release() call
 * @td: the instance
 * @key: the key released; the latest record of it still held is marked
 *
 * A key prepared before the last reset has no record: nothing to mark.
 *
 * Context: process context.
 */
void testdev_keys_released(struct testdev *td, const struct acrypto_key *key)
{
	struct testdev_keylog *log = &td->keylog;
	unsigned int i;

	spin_lock(&log->lock);
	for (i = log->n; i-- > 0;) {
		if (log->rec[i].key == key &&
		    log->rec[i].state == TESTDEV_KEY_HELD) {
			log->rec[i].state = TESTDEV_KEY_RELEASED;
			break;
		}
	}
	spin_unlock(&log->lock);
}

/* One line per record: "SEQ MODE KEYLEN FINGERPRINT STATE". */
static int testdev_keys_show(struct seq_file *m, void *v)
{
	struct testdev_keylog *log = &((struct testdev *)m->private)->keylog;
	unsigned int i;

	spin_lock(&log->lock);
	for (i = 0; i < log->n; i++) {
		const struct testdev_key_rec *rec = &log->rec[i];

		seq_printf(m, "%u %s %u ", rec->seq, rec->mode, rec->keylen);
		if (rec->fplen)
			seq_printf(m, "%*phN", rec->fplen, rec->fp);
		else
			seq_putc(m, '-');
		seq_printf(m, " %s\n", testdev_key_states[rec->state]);
	}
	if (log->dropped)
		seq_printf(m, "dropped %u\n", log->dropped);
	spin_unlock(&log->lock);
	return 0;
}

static int testdev_keys_open(struct inode *inode, struct file *file)
{
	return single_open(file, testdev_keys_show, inode->i_private);
}

/* "0" empties the log; anything else is refused. */
static ssize_t testdev_keys_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	struct testdev_keylog *log = &((struct testdev *)m->private)->keylog;
	unsigned int val;
	int err;

	err = kstrtouint_from_user(ubuf, count, 10, &val);
	if (err)
		return err;
	if (val)
		return -EINVAL;
	spin_lock(&log->lock);
	log->n = 0;
	log->dropped = 0;
	spin_unlock(&log->lock);
	return count;
}

const struct file_operations testdev_keys_fops = {
	.owner = THIS_MODULE,
	.open = testdev_keys_open,
	.read = seq_read,
	.write = testdev_keys_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/**
 * testdev_keys_init() - an empty key log
 * @td: the instance, before its device registers
 */
void testdev_keys_init(struct testdev *td)
{
	spin_lock_init(&td->keylog.lock);
}

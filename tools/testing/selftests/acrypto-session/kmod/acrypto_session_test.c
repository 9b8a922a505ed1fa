// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_session_test: the engine's session API tested from inside the
 * kernel, where the crypto API cannot reach: sessions bound to a device,
 * routes of several steps with their own keys and an advance() between
 * steps, priorities on a full device's backlog, and the crypto API backlog
 * protocol (-EINPROGRESS, -EBUSY and its -EINPROGRESS notification,
 * -ENOSPC).
 *
 * It needs devices to run on, and uses the test device's instances
 * (acrypto_testdev), whose knobs the guest script turns between the steps
 * of a case.  Every output is checked against AES-CBC computed here with the
 * AES library.
 *
 * /sys/kernel/debug/acrypto_session_test/run takes "<case> [device]"; the
 * write fails with the case's error when the case fails, and
 * /sys/kernel/debug/acrypto_session_test/log says why.  Cases:
 *
 *   bind DEV              32 sessions bound to DEV: all done there, right
 *   bind_broken DEV       a session bound to a broken DEV ends with -ENODEV
 *   route                 encrypt, decrypt, encrypt with two keys: three
 *                         steps, advance() twice, the result of the last key
 *   advance_error         advance() fails after the first step: the session
 *                         ends with its error, the second step never runs
 *   priority_start DEV    DEV full (the script stalled it, qlen 2): two
 *                         accepted, then bulk and latency sessions alternate
 *   priority_check        after the script resumed DEV: the latency sessions
 *                         left the backlog before the bulk ones
 *   backlog_start DEV     DEV stalled with qlen 1, acrypto max_backlog 2:
 *                         expect -EINPROGRESS x3, -EBUSY (MAY_BACKLOG),
 *                         -ENOSPC (no MAY_BACKLOG)
 *   backlog_check         after the resume: the -EBUSY one was told
 *                         -EINPROGRESS before its result, the others not
 *   aging DEV             DEV with qlen 1: a normal session queued behind
 *                         one latency session and before a flood of 200
 *                         more; the log says when it finished (position,
 *                         ms), which the script compares with max_wait_ms
 */

#include <crypto/internal/acrypto.h>
#include <crypto/aes.h>
#include <crypto/algapi.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#define ST_LEN		256	/* bytes per session */
#define ST_MAX		256	/* sessions per case, at most */
#define ST_BIND		32	/* sessions of the bind case */
#define ST_FLOOD	200	/* latency sessions flooding the aging case */
#define ST_TIMEOUT	(20 * HZ)

/* One session and its buffers. */
struct st_req {
	struct st_run *run;
	int result;		/* final result, -EINPROGRESS until then */
	int notified;		/* -EINPROGRESS callbacks received */
	int order;		/* position among the completions */
	unsigned long submitted_at;	/* jiffies */
	unsigned int took_ms;	/* from submission to completion */
	u8 in[ST_LEN];
	u8 out[ST_LEN];
	u8 ivorig[AES_BLOCK_SIZE];	/* never given to the engine */
	u8 iv[3][AES_BLOCK_SIZE];	/* one per step, moved on by it */
	struct scatterlist sg_in;
	struct scatterlist sg_out;
	struct acrypto_session s;	/* last: the device's area follows */
};

/* One case in progress (the start/check cases span two writes). */
struct st_run {
	struct st_req *req[ST_MAX];
	unsigned int n;
	int submitted[ST_MAX];	/* what acrypto_session_submit() returned */
	atomic_t pending;	/* in flight, plus one until all are submitted */
	bool submitting;	/* that extra one is still held */
	bool waited;		/* @done was consumed */
	atomic_t seq;
	atomic_t advanced;
	int advance_err;
	struct completion done;
	struct acrypto_key *key[2];
	u8 keydata[2][AES_KEYSIZE_128];
};

static struct dentry *st_dir;
static DEFINE_MUTEX(st_mutex);	/* one case at a time */
static struct st_run *st_pending_run;	/* between *_start and *_check */
static char st_log[4096];
static size_t st_log_len;

static __printf(1, 2) void st_logf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	st_log_len += vscnprintf(st_log + st_log_len,
				 sizeof(st_log) - st_log_len, fmt, ap);
	va_end(ap);
}

/* AES-CBC encryption of @len bytes, the reference. */
static void st_cbc_encrypt(const u8 *key, const u8 *iv, const u8 *in,
			   u8 *out, unsigned int len)
{
	struct crypto_aes_ctx ctx;
	u8 chain[AES_BLOCK_SIZE];
	unsigned int i;

	aes_expandkey(&ctx, key, AES_KEYSIZE_128);
	memcpy(chain, iv, AES_BLOCK_SIZE);
	for (i = 0; i < len; i += AES_BLOCK_SIZE) {
		crypto_xor_cpy(out + i, in + i, chain, AES_BLOCK_SIZE);
		aes_encrypt(&ctx, out + i, out + i);
		memcpy(chain, out + i, AES_BLOCK_SIZE);
	}
	memzero_explicit(&ctx, sizeof(ctx));
}

static struct acrypto_device *st_find_device(const char *name)
{
	struct acrypto_device *dev, *found = NULL;

	rcu_read_lock();
	acrypto_for_each_device(dev) {
		if (!strcmp(dev->name, name)) {
			found = dev;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

static void st_done(struct acrypto_session *s, int err)
{
	struct st_req *r = container_of(s, struct st_req, s);
	struct st_run *run = r->run;

	if (err == -EINPROGRESS) {
		/* Must precede the result: it has none yet. */
		if (r->result == -EINPROGRESS)
			r->notified++;
		else
			r->notified = -1;
		return;
	}
	r->result = err;
	r->order = atomic_inc_return(&run->seq);
	r->took_ms = jiffies_to_msecs(jiffies - r->submitted_at);
	if (atomic_dec_and_test(&run->pending))
		complete(&run->done);
}

static int st_advance(struct acrypto_session *s)
{
	struct st_req *r = container_of(s, struct st_req, s);

	atomic_inc(&r->run->advanced);
	return r->run->advance_err;
}

static void st_free_run(struct st_run *run)
{
	unsigned int i;

	if (!run)
		return;
	for (i = 0; i < run->n; i++)
		kfree(run->req[i]);
	acrypto_key_free(run->key[0]);
	acrypto_key_free(run->key[1]);
	kfree(run);
}

static struct st_run *st_new_run(unsigned int n)
{
	unsigned int i, priv = 0;
	struct st_run *run;
	int err;

	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return ERR_PTR(-ENOMEM);
	/*
	 * The run holds one count of its own while it submits, so that
	 * sessions finishing before the last is submitted cannot bring
	 * @pending to zero and complete @done early.
	 */
	atomic_set(&run->pending, 1);
	run->submitting = true;
	init_completion(&run->done);

	for (i = 0; i < 2; i++) {
		get_random_bytes(run->keydata[i], sizeof(run->keydata[i]));
		run->key[i] = acrypto_key_alloc(ACRYPTO_ALG_AES,
						ACRYPTO_MODE_CBC);
		if (IS_ERR(run->key[i])) {
			err = PTR_ERR(run->key[i]);
			run->key[i] = NULL;
			goto err_free;
		}
		priv = max(priv, run->key[i]->priv_size);
	}
	err = acrypto_key_set(run->key[0], run->keydata[0],
			      AES_KEYSIZE_128, 0) ?:
	      acrypto_key_set(run->key[1], run->keydata[1],
			      AES_KEYSIZE_128, 0);
	if (err) {
		st_logf("setkey: %d\n", err);
		goto err_free;
	}

	for (i = 0; i < n; i++) {
		struct st_req *r = kzalloc(sizeof(*r) + priv, GFP_KERNEL);

		if (!r) {
			err = -ENOMEM;
			goto err_free;
		}
		run->req[run->n++] = r;
		r->run = run;
		r->result = -EINPROGRESS;
		get_random_bytes(r->in, sizeof(r->in));
		get_random_bytes(r->ivorig, sizeof(r->ivorig));
		memcpy(r->iv[0], r->ivorig, AES_BLOCK_SIZE);
		memcpy(r->iv[1], r->ivorig, AES_BLOCK_SIZE);
		memcpy(r->iv[2], r->ivorig, AES_BLOCK_SIZE);
		sg_init_one(&r->sg_in, r->in, ST_LEN);
		sg_init_one(&r->sg_out, r->out, ST_LEN);
	}
	return run;

err_free:
	st_free_run(run);
	return ERR_PTR(err);
}

/* A one-step CBC encryption session, bound to @dev if given. */
static void st_prepare_encrypt(struct st_run *run, struct st_req *r,
			       struct acrypto_device *dev, u8 prio, u32 flags)
{
	acrypto_session_init(&r->s, run->key[0], st_done);
	acrypto_session_add_hop(&r->s, ACRYPTO_OP_ENCRYPT, ACRYPTO_ALG_AES,
				ACRYPTO_MODE_CBC);
	acrypto_session_set_crypt(&r->s, &r->sg_in, &r->sg_out, ST_LEN,
				  r->iv[0]);
	if (dev)
		acrypto_session_bind(&r->s, dev);
	r->s.priority = prio;
	r->s.req_flags = flags;
}

/* Submit request @i; a synchronous finish counts as a completion. */
static int st_submit(struct st_run *run, unsigned int i)
{
	struct st_req *r = run->req[i];
	int ret;

	atomic_inc(&run->pending);
	r->submitted_at = jiffies;
	ret = acrypto_session_submit(&r->s);
	run->submitted[i] = ret;
	if (ret != -EINPROGRESS && ret != -EBUSY)
		st_done(&r->s, ret);
	return ret;
}

/* All sessions of @run are submitted: drop the run's own count. */
static void st_submitted(struct st_run *run)
{
	if (!run->submitting)
		return;
	run->submitting = false;
	if (atomic_dec_and_test(&run->pending))
		complete(&run->done);
}

static int st_wait(struct st_run *run)
{
	st_submitted(run);
	if (!wait_for_completion_timeout(&run->done, ST_TIMEOUT)) {
		st_logf("timeout: %d sessions still pending\n",
			atomic_read(&run->pending));
		return -ETIMEDOUT;
	}
	run->waited = true;
	return 0;
}

/* Check request @i: finished with @want and, if 0, the right ciphertext. */
static int st_check(struct st_run *run, unsigned int i, int want)
{
	struct st_req *r = run->req[i];
	u8 ref[ST_LEN];

	if (r->result != want) {
		st_logf("session %u: result %d, expected %d\n", i, r->result,
			want);
		return -EINVAL;
	}
	if (want)
		return 0;
	st_cbc_encrypt(run->keydata[0], r->ivorig, r->in, ref, ST_LEN);
	if (memcmp(ref, r->out, ST_LEN)) {
		st_logf("session %u: wrong ciphertext\n", i);
		return -EINVAL;
	}
	return 0;
}

/*
 * Wait for a run whose sessions may still be in flight, so their memory
 * can go.  A run that cannot finish is leaked rather than freed under a
 * device (the log says so).
 */
static void st_finish_run(struct st_run *run)
{
	st_submitted(run);
	if (!run->waited &&
	    !wait_for_completion_timeout(&run->done, ST_TIMEOUT)) {
		st_logf("leaking a run with %d sessions in flight\n",
			atomic_read(&run->pending));
		return;
	}
	st_free_run(run);
}

static int st_case_bind(struct acrypto_device *dev)
{
	struct st_run *run = st_new_run(ST_BIND);
	unsigned int i;
	int err;

	if (IS_ERR(run))
		return PTR_ERR(run);
	for (i = 0; i < run->n; i++) {
		st_prepare_encrypt(run, run->req[i], dev, ACRYPTO_PRIO_NORMAL,
				   CRYPTO_TFM_REQ_MAY_BACKLOG);
		st_submit(run, i);
	}
	err = st_wait(run);
	for (i = 0; !err && i < run->n; i++) {
		err = st_check(run, i, 0);
		if (!err && run->req[i]->s.route.hop[0].dev != dev) {
			st_logf("session %u: done by %s, bound to %s\n", i,
				run->req[i]->s.route.hop[0].dev->name,
				dev->name);
			err = -EINVAL;
		}
	}
	st_finish_run(run);
	return err;
}

static int st_case_bind_broken(struct acrypto_device *dev)
{
	struct st_run *run = st_new_run(1);
	int err = 0;

	if (IS_ERR(run))
		return PTR_ERR(run);
	st_prepare_encrypt(run, run->req[0], dev, ACRYPTO_PRIO_NORMAL, 0);
	if (st_submit(run, 0) != -ENODEV) {
		st_logf("submit returned %d, expected -ENODEV\n",
			run->submitted[0]);
		err = -EINVAL;
	}
	st_finish_run(run);
	return err;
}

/* Encrypt with key 0, decrypt with key 0, encrypt with key 1. */
static int st_case_route(bool fail_advance)
{
	struct st_run *run = st_new_run(1);
	struct st_req *r;
	u8 ref[ST_LEN];
	int err;

	if (IS_ERR(run))
		return PTR_ERR(run);
	r = run->req[0];
	run->advance_err = fail_advance ? -EBADMSG : 0;

	acrypto_session_init(&r->s, run->key[0], st_done);
	r->s.advance = st_advance;
	acrypto_session_add_hop(&r->s, ACRYPTO_OP_ENCRYPT, ACRYPTO_ALG_AES,
				ACRYPTO_MODE_CBC);
	acrypto_session_set_crypt(&r->s, &r->sg_in, &r->sg_out, ST_LEN,
				  r->iv[0]);
	/* Each step starts from the original IV: its own copy. */
	acrypto_session_add_hop(&r->s, ACRYPTO_OP_DECRYPT, ACRYPTO_ALG_AES,
				ACRYPTO_MODE_CBC);
	acrypto_session_set_crypt(&r->s, &r->sg_out, &r->sg_out, ST_LEN,
				  r->iv[1]);
	acrypto_session_add_hop(&r->s, ACRYPTO_OP_ENCRYPT, ACRYPTO_ALG_AES,
				ACRYPTO_MODE_CBC);
	acrypto_session_set_key(&r->s, run->key[1]);
	acrypto_session_set_crypt(&r->s, &r->sg_out, &r->sg_out, ST_LEN,
				  r->iv[2]);

	st_submit(run, 0);
	err = st_wait(run);
	if (err)
		goto out;

	if (fail_advance) {
		st_cbc_encrypt(run->keydata[0], r->ivorig, r->in, ref, ST_LEN);
		if (r->result != -EBADMSG || atomic_read(&run->advanced) != 1 ||
		    r->s.route.hop[1].dev || memcmp(ref, r->out, ST_LEN)) {
			st_logf("result %d, advance() %d times, step 2 on %s, output %s\n",
				r->result, atomic_read(&run->advanced),
				r->s.route.hop[1].dev ?
				r->s.route.hop[1].dev->name : "none",
				memcmp(ref, r->out, ST_LEN) ? "wrong" :
							      "of step 1");
			err = -EINVAL;
		}
		goto out;
	}

	/* The third step encrypted the plaintext again, with key 1. */
	st_cbc_encrypt(run->keydata[1], r->ivorig, r->in, ref, ST_LEN);
	if (r->result || atomic_read(&run->advanced) != 2 ||
	    !r->s.route.hop[0].dev || !r->s.route.hop[1].dev ||
	    !r->s.route.hop[2].dev || memcmp(ref, r->out, ST_LEN)) {
		st_logf("result %d, advance() %d times, output %s\n",
			r->result, atomic_read(&run->advanced),
			memcmp(ref, r->out, ST_LEN) ? "wrong" : "right");
		err = -EINVAL;
		goto out;
	}
	st_logf("route: %s, %s, %s\n", r->s.route.hop[0].dev->name,
		r->s.route.hop[1].dev->name, r->s.route.hop[2].dev->name);
out:
	st_finish_run(run);
	return err;
}

static int st_case_priority_start(struct acrypto_device *dev)
{
	static const u8 prio[] = {
		ACRYPTO_PRIO_NORMAL, ACRYPTO_PRIO_NORMAL,
		ACRYPTO_PRIO_BULK, ACRYPTO_PRIO_LATENCY,
		ACRYPTO_PRIO_BULK, ACRYPTO_PRIO_LATENCY,
		ACRYPTO_PRIO_BULK, ACRYPTO_PRIO_LATENCY,
	};
	struct st_run *run = st_new_run(ARRAY_SIZE(prio));
	unsigned int i;

	if (IS_ERR(run))
		return PTR_ERR(run);
	for (i = 0; i < run->n; i++) {
		st_prepare_encrypt(run, run->req[i], dev, prio[i],
				   CRYPTO_TFM_REQ_MAY_BACKLOG);
		st_submit(run, i);
	}
	st_pending_run = run;
	return 0;
}

static int st_case_priority_check(void)
{
	struct st_run *run = st_pending_run;
	int err, last_latency = 0, first_bulk = INT_MAX;
	unsigned int i;

	st_pending_run = NULL;
	err = st_wait(run);
	for (i = 0; !err && i < run->n; i++)
		err = st_check(run, i, 0);
	for (i = 2; !err && i < run->n; i++) {
		struct st_req *r = run->req[i];

		if (r->s.priority == ACRYPTO_PRIO_LATENCY)
			last_latency = max(last_latency, r->order);
		else
			first_bulk = min(first_bulk, r->order);
	}
	if (!err && last_latency > first_bulk) {
		st_logf("a bulk session (#%d) finished before a latency one (#%d)\n",
			first_bulk, last_latency);
		err = -EINVAL;
	}
	st_finish_run(run);
	return err;
}

static int st_case_backlog_start(struct acrypto_device *dev)
{
	static const u32 flags[] = {
		CRYPTO_TFM_REQ_MAY_BACKLOG, CRYPTO_TFM_REQ_MAY_BACKLOG,
		CRYPTO_TFM_REQ_MAY_BACKLOG, CRYPTO_TFM_REQ_MAY_BACKLOG, 0,
	};
	static const int want[] = {
		-EINPROGRESS, -EINPROGRESS, -EINPROGRESS, -EBUSY, -ENOSPC,
	};
	struct st_run *run = st_new_run(ARRAY_SIZE(flags));
	unsigned int i;
	int err = 0;

	if (IS_ERR(run))
		return PTR_ERR(run);
	for (i = 0; i < run->n; i++) {
		st_prepare_encrypt(run, run->req[i], dev, ACRYPTO_PRIO_NORMAL,
				   flags[i]);
		if (st_submit(run, i) != want[i]) {
			st_logf("submit %u returned %d, expected %d\n", i,
				run->submitted[i], want[i]);
			err = -EINVAL;
		}
	}
	st_pending_run = run;
	return err;
}

static int st_case_backlog_check(void)
{
	struct st_run *run = st_pending_run;
	unsigned int i;
	int err;

	st_pending_run = NULL;
	err = st_wait(run);
	for (i = 0; !err && i < run->n; i++) {
		struct st_req *r = run->req[i];
		int want = run->submitted[i] == -EBUSY ? 1 : 0;

		err = st_check(run, i, i == 4 ? -ENOSPC : 0);
		if (!err && r->notified != want) {
			st_logf("session %u: %d -EINPROGRESS notifications, expected %d%s\n",
				i, r->notified, want,
				r->notified < 0 ? " (one came after the result)" : "");
			err = -EINVAL;
		}
	}
	st_finish_run(run);
	return err;
}

/*
 * One latency session fills DEV (qlen 1), then a normal one waits behind
 * it, then a flood of ST_FLOOD latency sessions: all on DEV's backlog.  The
 * normal one must not wait for the whole flood: once it has waited
 * max_wait_ms it goes first.  Reports its position among the completions
 * and how long it took.
 */
static int st_case_aging(struct acrypto_device *dev)
{
	struct st_run *run = st_new_run(ST_FLOOD + 2);
	unsigned long start, took;
	struct st_req *normal;
	unsigned int i;
	int err;

	if (IS_ERR(run))
		return PTR_ERR(run);
	start = jiffies;
	for (i = 0; i < run->n; i++) {
		st_prepare_encrypt(run, run->req[i], dev,
				   i == 1 ? ACRYPTO_PRIO_NORMAL :
					    ACRYPTO_PRIO_LATENCY,
				   CRYPTO_TFM_REQ_MAY_BACKLOG);
		st_submit(run, i);
	}
	err = st_wait(run);
	took = jiffies - start;
	for (i = 0; !err && i < run->n; i++)
		err = st_check(run, i, 0);
	normal = run->req[1];
	if (!err)
		st_logf("aging: normal finished #%d of %u after %u ms; flood %u ms\n",
			normal->order, run->n, normal->took_ms,
			jiffies_to_msecs(took));
	st_finish_run(run);
	return err;
}

static int st_run_case(char *cmd)
{
	char *name, *devname;
	struct acrypto_device *dev = NULL;
	bool check;

	cmd = strim(cmd);
	name = strsep(&cmd, " ");
	devname = cmd ? strsep(&cmd, " ") : NULL;
	check = !strcmp(name, "priority_check") ||
		!strcmp(name, "backlog_check");

	if (check != !!st_pending_run) {
		st_logf("%s: %s\n", name, check ? "nothing was started" :
			"finish the started case first");
		return -EINVAL;
	}
	if (devname && *devname) {
		dev = st_find_device(devname);
		if (!dev) {
			st_logf("no device %s\n", devname);
			return -ENODEV;
		}
	}

	if (!strcmp(name, "route"))
		return st_case_route(false);
	if (!strcmp(name, "advance_error"))
		return st_case_route(true);
	if (!strcmp(name, "priority_check"))
		return st_case_priority_check();
	if (!strcmp(name, "backlog_check"))
		return st_case_backlog_check();
	if (!dev) {
		st_logf("%s needs a device\n", name);
		return -EINVAL;
	}
	if (!strcmp(name, "bind"))
		return st_case_bind(dev);
	if (!strcmp(name, "bind_broken"))
		return st_case_bind_broken(dev);
	if (!strcmp(name, "priority_start"))
		return st_case_priority_start(dev);
	if (!strcmp(name, "backlog_start"))
		return st_case_backlog_start(dev);
	if (!strcmp(name, "aging"))
		return st_case_aging(dev);
	st_logf("unknown case %s\n", name);
	return -EINVAL;
}

static ssize_t st_run_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char *cmd;
	int err;

	if (count > 64)
		return -EINVAL;
	cmd = memdup_user_nul(ubuf, count);
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);

	mutex_lock(&st_mutex);
	st_log_len = 0;
	st_log[0] = '\0';
	err = st_run_case(cmd);
	mutex_unlock(&st_mutex);
	kfree(cmd);
	return err ?: count;
}

static ssize_t st_log_read(struct file *file, char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&st_mutex);
	ret = simple_read_from_buffer(ubuf, count, ppos, st_log, st_log_len);
	mutex_unlock(&st_mutex);
	return ret;
}

static const struct file_operations st_run_fops = {
	.owner = THIS_MODULE,
	.write = st_run_write,
	.llseek = noop_llseek,
};

static const struct file_operations st_log_fops = {
	.owner = THIS_MODULE,
	.read = st_log_read,
	.llseek = default_llseek,
};

static int __init st_init(void)
{
	st_dir = debugfs_create_dir("acrypto_session_test", NULL);
	debugfs_create_file("run", 0200, st_dir, NULL, &st_run_fops);
	debugfs_create_file("log", 0400, st_dir, NULL, &st_log_fops);
	return 0;
}

static void __exit st_exit(void)
{
	debugfs_remove_recursive(st_dir);
	if (st_pending_run)
		st_finish_run(st_pending_run);
}

module_init(st_init);
module_exit(st_exit);

MODULE_AUTHOR("The acrypto authors");
MODULE_DESCRIPTION("Tests of the acrypto session API");
MODULE_LICENSE("GPL");

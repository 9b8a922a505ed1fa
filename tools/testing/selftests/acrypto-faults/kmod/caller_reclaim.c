// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_caller_test: transforms freed from memory reclaim (issue #11,
 * item 2).
 *
 * fscrypt may pick acrypto-xts-aes for an inode and frees the transform
 * when the inode is evicted, which direct reclaim does.  Reclaim may run
 * inside any GFP_KERNEL allocation, and a device registering makes such
 * allocations (its key_prepare() for every existing key, device_add())
 * under the engine's device rwsem and key mutex: if freeing a transform
 * took either, an allocation there could wait for itself.
 *
 * ct_reclaim_start() allocates N keyed transforms of acrypto-cbc-aes and a
 * shrinker that frees them, a few per call, as a cache of inodes would.
 * Its scan runs inside fs_reclaim_acquire(), as mm/page_alloc.c annotates
 * direct reclaim (a no-op where reclaim already holds it, and without
 * lockdep), so that lockdep sees each free as done from reclaim whether it
 * came from real memory pressure or from /proc/sys/vm/drop_caches.  One
 * more transform, kept out of the shrinker's reach, shows afterwards that
 * a device registered meanwhile did prepare the keys that existed
 * (ct_reclaim_use()).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/shrinker.h>
#include <linux/slab.h>

#include "caller_test.h"

/**
 * struct ct_reclaim - the transforms and their shrinker
 * @shrinker: frees up to @batch transforms per call
 * @lock: protects @tfms and @held; never held while freeing
 * @tfms: the transforms the shrinker may free, the first @held live
 * @n: transforms allocated
 * @held: transforms not freed yet
 * @batch: most transforms one call of the shrinker frees
 * @freed: transforms the shrinker freed
 * @scans: calls of the shrinker that freed something
 * @pinned: a transform the shrinker never frees
 * @key: the key of every transform
 * @live: started and not stopped
 */
struct ct_reclaim {
	struct shrinker shrinker;
	spinlock_t lock;	/* @tfms, @held */
	struct crypto_skcipher **tfms;
	unsigned int n;
	unsigned int held;
	unsigned int batch;
	atomic_long_t freed;
	atomic_long_t scans;
	struct crypto_skcipher *pinned;
	u8 key[CT_KEYLEN];
	bool live;
};

static struct ct_reclaim ct_reclaim = {
	.lock = __SPIN_LOCK_UNLOCKED(ct_reclaim.lock),
};

static unsigned long ct_reclaim_count(struct shrinker *shrinker,
				      struct shrink_control *sc)
{
	struct ct_reclaim *cr = container_of(shrinker, typeof(*cr), shrinker);
	unsigned int held = READ_ONCE(cr->held);

	/* A few per call: the frees spread over the registration. */
	return held ? min(held, cr->batch) : SHRINK_EMPTY;
}

static unsigned long ct_reclaim_scan(struct shrinker *shrinker,
				     struct shrink_control *sc)
{
	struct ct_reclaim *cr = container_of(shrinker, typeof(*cr), shrinker);
	struct crypto_skcipher *victims[16];
	unsigned long n = 0, i;

	/* Inode eviction needs __GFP_FS, as any file system cache would. */
	if (!(sc->gfp_mask & __GFP_FS))
		return SHRINK_STOP;

	fs_reclaim_acquire(sc->gfp_mask);
	spin_lock(&cr->lock);
	while (cr->held && n < min_t(unsigned long, sc->nr_to_scan,
				     min_t(unsigned int, cr->batch,
					   ARRAY_SIZE(victims))))
		victims[n++] = cr->tfms[--cr->held];
	spin_unlock(&cr->lock);

	for (i = 0; i < n; i++)
		crypto_free_skcipher(victims[i]);
	fs_reclaim_release(sc->gfp_mask);

	if (!n)
		return SHRINK_STOP;
	atomic_long_add(n, &cr->freed);
	atomic_long_inc(&cr->scans);
	return n;
}

/**
 * ct_reclaim_start() - transforms for the shrinker, and the shrinker
 * @n: transforms of acrypto-cbc-aes the shrinker may free
 * @batch: most it frees per call, 1 to 16
 * @out: gets a summary
 * @size: its size
 *
 * Context: process context, may sleep.
 *
 * Return: 0 or a negative errno (nothing left allocated).
 */
int ct_reclaim_start(unsigned int n, unsigned int batch, char *out,
		     size_t size)
{
	struct ct_reclaim *cr = &ct_reclaim;
	struct crypto_skcipher *tfm;
	int err;

	if (cr->live)
		return -EBUSY;
	if (!n || n > 4096 || !batch || batch > 16)
		return -EINVAL;

	get_random_bytes(cr->key, sizeof(cr->key));
	cr->tfms = kvcalloc(n, sizeof(*cr->tfms), GFP_KERNEL);
	if (!cr->tfms)
		return -ENOMEM;
	cr->pinned = ct_tfm_alloc(cr->key);
	if (IS_ERR(cr->pinned)) {
		err = PTR_ERR(cr->pinned);
		goto err_free;
	}
	for (cr->held = 0; cr->held < n; cr->held++) {
		tfm = ct_tfm_alloc(cr->key);
		if (IS_ERR(tfm)) {
			err = PTR_ERR(tfm);
			goto err_free_tfms;
		}
		cr->tfms[cr->held] = tfm;
	}
	cr->n = n;
	cr->batch = batch;
	atomic_long_set(&cr->freed, 0);
	atomic_long_set(&cr->scans, 0);

	cr->shrinker.count_objects = ct_reclaim_count;
	cr->shrinker.scan_objects = ct_reclaim_scan;
	cr->shrinker.seeks = DEFAULT_SEEKS;
	err = register_shrinker(&cr->shrinker, "acrypto-caller-test");
	if (err)
		goto err_free_tfms;
	cr->live = true;
	scnprintf(out, size, "tfms=%u pinned=1 driver=%s batch=%u\n", n,
		  crypto_skcipher_driver_name(cr->pinned), batch);
	return 0;

err_free_tfms:
	while (cr->held)
		crypto_free_skcipher(cr->tfms[--cr->held]);
	crypto_free_skcipher(cr->pinned);
err_free:
	cr->pinned = NULL;
	kvfree(cr->tfms);
	cr->tfms = NULL;
	return err;
}

/**
 * ct_reclaim_status() - what the shrinker did
 * @out: gets "tfms= held= freed= scans="
 * @size: its size
 *
 * Return: 0, or -ENOENT when not started.
 */
int ct_reclaim_status(char *out, size_t size)
{
	struct ct_reclaim *cr = &ct_reclaim;

	if (!cr->live)
		return -ENOENT;
	scnprintf(out, size, "tfms=%u held=%u freed=%ld scans=%ld\n", cr->n,
		  READ_ONCE(cr->held), atomic_long_read(&cr->freed),
		  atomic_long_read(&cr->scans));
	return 0;
}

/**
 * ct_reclaim_use() - encrypt with the transform that existed all along
 * @n: requests, 1 to 4096
 * @out: gets the tally
 * @size: its size
 *
 * Context: process context, sleeps.
 *
 * Return: 0, -ENOENT when not started, -ETIMEDOUT when a request never
 * completed, or an allocation error.
 */
int ct_reclaim_use(unsigned int n, char *out, size_t size)
{
	struct ct_reclaim *cr = &ct_reclaim;
	struct ct_tally t = {};
	struct ct_batch *b;
	unsigned int i;
	int len;

	if (!cr->live)
		return -ENOENT;
	if (!n || n > 4096)
		return -EINVAL;
	b = ct_batch_alloc(cr->pinned, cr->key, n, CT_MAXLEN);
	if (IS_ERR(b))
		return PTR_ERR(b);
	for (i = 0; i < n; i++)
		ct_batch_submit(b, i, CRYPTO_TFM_REQ_MAY_BACKLOG |
				CRYPTO_TFM_REQ_MAY_SLEEP);
	if (!ct_batch_wait(b, 60 * HZ)) {
		ct_batch_free(b);
		return -ETIMEDOUT;
	}
	ct_batch_tally(b, 0, n, &t);
	len = scnprintf(out, size, "requests=%u ", n);
	len += ct_tally_print(out + len, size - len, &t);
	scnprintf(out + len, size - len, "\n");
	ct_batch_free(b);
	return 0;
}

/**
 * ct_reclaim_stop() - unregister the shrinker, free what it left
 *
 * Context: process context, may sleep.
 */
void ct_reclaim_stop(void)
{
	struct ct_reclaim *cr = &ct_reclaim;

	if (!cr->live)
		return;
	unregister_shrinker(&cr->shrinker);
	while (cr->held)
		crypto_free_skcipher(cr->tfms[--cr->held]);
	crypto_free_skcipher(cr->pinned);
	cr->pinned = NULL;
	kvfree(cr->tfms);
	cr->tfms = NULL;
	cr->live = false;
}

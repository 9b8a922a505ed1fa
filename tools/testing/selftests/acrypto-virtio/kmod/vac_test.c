// SPDX-License-Identifier: GPL-2.0-only
/*
 * vac_test - in-kernel requests for the acrypto-virtio selftests: what
 * AF_ALG cannot do.
 *
 *  - One request whose source and destination are the same scatterlist
 *    (in place, as dm-crypt reads and IPsec do), or two different buffers,
 *    through the engine's cbc(aes) by driver name, checked against AES-CBC
 *    computed here with the AES library.  With SEGS, each buffer is a chain
 *    of SEGS entries plus one entry past the request's end (as IPsec's
 *    chains run on over the ICV), which a driver must cut:
 *
 *	echo "inplace|outofplace enc|dec LEN [SEGS]" \
 *		>/sys/kernel/debug/vac_test/one
 *	cat /sys/kernel/debug/vac_test/one
 *	-> "err=0 match=1" (or err=-5 match=0 ...)
 *
 *  - One AEAD request through the engine's gcm(aes) or rfc4106(gcm(aes))
 *    by driver name: a 16-byte tag, a random key (AES-128 to AES-256, RFC
 *    4106 with its salt) and IV, ALEN bytes of associated data (RFC 4106:
 *    the assoclen, 16 or 20, the IV's copy in its last 8 bytes as ESP puts
 *    it there) and TLEN bytes of text (0 too), checked against the
 *    kernel's generic GCM on linear buffers.  Encryption must give the
 *    reference's ciphertext and tag; decryption of them, the plaintext, or
 *    with "badtag" (a bit of the tag flipped) -EBADMSG.  Each buffer, the
 *    source and out of place the destination, holds the AAD, the text and
 *    the tag, as the crypto API lays them out, in a chain of SEGS entries
 *    of the SHAPE below and one entry past the end (as IPsec's chains run
 *    on over the ICV).  ALEN + TLEN + 16 is at most 64 KiB, SEGS 1 to 256
 *    and no more than that length:
 *
 *	plain	  entries of roughly equal sizes;
 *	holes	  the same, with an empty entry before each one and before
 *		  the entry past the end (no device may see an empty buffer);
 *	boundary  entries ending exactly where the AAD ends and where the
 *		  text ends (RFC 4106: also where the IV's copy begins), the
 *		  SEGS entries, at least one a part, shared out by size;
 *	bigoff	  plain entries on one high-order allocation, each one's
 *		  offset from its first page beyond PAGE_SIZE, none ending
 *		  where the AAD ends.
 *
 *    Out of place, the destination's entries end 5 bytes further on inside
 *    each part, so that the AAD is skipped at other places in the two
 *    chains, and its AAD is the source's before the request.  "match"
 *    says that the destination holds the expected bytes from its start to
 *    the end of the entry past the end (the AAD as it was, the entry past
 *    the end untouched) and that the source out of place is unchanged:
 *
 *	echo "gcm|rfc4106 inplace|outofplace enc|dec ALEN TLEN SEGS SHAPE [badtag]" \
 *		>/sys/kernel/debug/vac_test/aead
 *	cat /sys/kernel/debug/vac_test/aead
 *	-> "err=0 match=1" (a bad tag: "err=-74 match=0")
 *
 *  - One hash request through the engine's sha1, sha256, hmac(sha1) or
 *    hmac(sha256) by driver name, checked against the kernel's generic
 *    implementation: LEN bytes (0 too) in a chain of SEGS entries of one
 *    of the shapes above (boundary: as plain) and one entry past the end,
 *    a random HMAC key of KEYLEN bytes (longer than a block too), hashed
 *    with digest(), with init() then finup() (both a whole message, what
 *    a device that keeps no state takes), or with init(), update() over
 *    the first half and finup() over the rest (partial states, which
 *    such a device must leave to others):
 *
 *	echo "hash sha1|sha256|hmac-sha1|hmac-sha256 digest|finup|split LEN SEGS SHAPE [KEYLEN]" \
 *		>/sys/kernel/debug/vac_test/hash
 *	cat /sys/kernel/debug/vac_test/hash
 *	-> "err=0 match=1"
 *
 *  - A stream from kernel threads, which the freezer leaves running, so
 *    that requests keep coming while a device is suspended: THREADS
 *    threads each send requests of random sizes up to MAXLEN bytes, in
 *    place or not, both directions, one at a time, with a new random key
 *    every KEYEVERY requests, every output (and output IV) checked:
 *
 *	echo "start THREADS MAXLEN KEYEVERY" >/sys/kernel/debug/vac_test/stream
 *	cat /sys/kernel/debug/vac_test/stream
 *	-> "running=1 done=N errors=N mismatches=N keys=N max_ms=N last_err=E"
 *	echo stop >/sys/kernel/debug/vac_test/stream
 *
 *  - A burst: N in-place encryptions of LEN bytes, each a chain of SEGS
 *    entries plus one past the end, all in flight at once from one caller.
 *    "prepare" sets up the transform and the requests and runs one of them
 *    to the end (the device session exists afterwards), "go" submits them
 *    all and waits for every result, checking each output:
 *
 *	echo "prepare N LEN SEGS" >/sys/kernel/debug/vac_test/burst
 *	echo go >/sys/kernel/debug/vac_test/burst
 *	cat /sys/kernel/debug/vac_test/burst
 *	-> "done=N ok=N wrong=0 errors=0 last_err=0"
 *
 * Every request may sleep and be backlogged (CRYPTO_TFM_REQ_MAY_BACKLOG),
 * as dm-crypt's are.
 */

#include <crypto/aead.h>
#include <crypto/aes.h>
#include <crypto/gcm.h>
#include <crypto/hash.h>
#include <crypto/scatterwalk.h>
#include <crypto/sha2.h>
#include <crypto/skcipher.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kmod_cmd.h"

#define VT_ALG		"acrypto-cbc-aes"
#define VT_MAX_LEN	65536
#define VT_MAX_THREADS	8
#define VT_MAX_SEGS	256
#define VT_MAX_BURST	128
#define VT_BURST_TIMEOUT	(60 * HZ)

#define VT_GCM		"acrypto-gcm-aes"
#define VT_RFC4106	"acrypto-rfc4106-gcm-aes"
/* The references: the kernel's generic C code, by driver name. */
#define VT_GCM_REF	"gcm_base(ctr(aes-generic),ghash-generic)"
#define VT_RFC4106_REF	"rfc4106(" VT_GCM_REF ")"
#define VT_TAG		16	/* authsize */
#define VT_SALT		4	/* RFC 4106: the key's salt */
#define VT_PAST		32	/* bytes of the entry past the end */
#define VT_SHIFT	5	/* destination entries, out of place */
#define VT_BIGOFF_SRC	(PAGE_SIZE + 100)
#define VT_BIGOFF_DST	(2 * PAGE_SIZE + 37)
#define VT_FILL		0xa5	/* where output goes */
#define VT_SENTINEL	0x5a	/* past the end */

/* The last results of "one" and "aead", under vt_lock. */
static char vt_one_result[64] = "none";
static char vt_aead_result[64] = "none";
static char vt_hash_result[64] = "none";
static DEFINE_MUTEX(vt_lock);
static struct dentry *vt_dir;

/* The stream, under vt_lock (the counters are atomics). */
static struct task_struct *vt_threads[VT_MAX_THREADS];
static unsigned int vt_nthreads, vt_maxlen, vt_keyevery;
static atomic_long_t vt_done, vt_errors, vt_mismatches, vt_keys;
static atomic_t vt_max_ms, vt_last_err;

/* AES-CBC with the library: the reference. */
static void vt_cbc(const u8 *key, unsigned int keylen, const u8 *iv_in,
		   const u8 *in, u8 *out, unsigned int len, bool enc,
		   u8 *iv_out)
{
	struct crypto_aes_ctx ctx;
	u8 iv[AES_BLOCK_SIZE], blk[AES_BLOCK_SIZE];
	unsigned int i, j;

	aes_expandkey(&ctx, key, keylen);
	memcpy(iv, iv_in, AES_BLOCK_SIZE);
	for (i = 0; i < len; i += AES_BLOCK_SIZE) {
		if (enc) {
			for (j = 0; j < AES_BLOCK_SIZE; j++)
				blk[j] = in[i + j] ^ iv[j];
			aes_encrypt(&ctx, out + i, blk);
			memcpy(iv, out + i, AES_BLOCK_SIZE);
		} else {
			memcpy(blk, in + i, AES_BLOCK_SIZE);
			aes_decrypt(&ctx, out + i, blk);
			for (j = 0; j < AES_BLOCK_SIZE; j++)
				out[i + j] ^= iv[j];
			memcpy(iv, blk, AES_BLOCK_SIZE);
		}
	}
	memcpy(iv_out, iv, AES_BLOCK_SIZE);
	memzero_explicit(&ctx, sizeof(ctx));
}

/* Buffers of one request; @buf and @out have a block to spare at the end. */
struct vt_bufs {
	u8 key[AES_MAX_KEY_SIZE];
	unsigned int keylen;
	u8 iv[AES_BLOCK_SIZE];
	u8 *in;		/* what the request reads */
	u8 *buf;	/* the request's source, and destination in place */
	u8 *out;	/* its destination out of place */
	u8 *ref;	/* the expected output */
	unsigned int segs;	/* 0: one entry each; else chains, see above */
	struct scatterlist *src_sg;
	struct scatterlist *dst_sg;
};

static int vt_bufs_alloc(struct vt_bufs *b, unsigned int maxlen,
			 unsigned int segs)
{
	b->in = kmalloc(maxlen, GFP_KERNEL);
	b->buf = kmalloc(maxlen + AES_BLOCK_SIZE, GFP_KERNEL);
	b->out = kmalloc(maxlen + AES_BLOCK_SIZE, GFP_KERNEL);
	b->ref = kmalloc(maxlen, GFP_KERNEL);
	b->segs = segs;
	b->src_sg = kcalloc(segs + 1, sizeof(*b->src_sg), GFP_KERNEL);
	b->dst_sg = kcalloc(segs + 1, sizeof(*b->dst_sg), GFP_KERNEL);
	if (b->in && b->buf && b->out && b->ref && b->src_sg && b->dst_sg)
		return 0;
	kfree(b->in);
	kfree(b->buf);
	kfree(b->out);
	kfree(b->ref);
	kfree(b->src_sg);
	kfree(b->dst_sg);
	return -ENOMEM;
}

static void vt_bufs_free(struct vt_bufs *b)
{
	kfree(b->in);
	kfree(b->buf);
	kfree(b->out);
	kfree(b->ref);
	kfree(b->src_sg);
	kfree(b->dst_sg);
}

/*
 * @sg over @len bytes of @p: one entry, or @segs entries of whole blocks
 * (the last one takes the rest) and one more block past the end.
 */
static void vt_sg_init(struct scatterlist *sg, unsigned int segs, u8 *p,
		       unsigned int len)
{
	unsigned int i, off = 0, part;

	if (!segs) {
		sg_init_one(sg, p, len);
		return;
	}
	sg_init_table(sg, segs + 1);
	part = max(len / segs / AES_BLOCK_SIZE, 1U) * AES_BLOCK_SIZE;
	for (i = 0; i < segs; i++) {
		unsigned int n = i == segs - 1 ? len - off : min(part, len - off);

		sg_set_buf(&sg[i], p + off, n);
		off += n;
	}
	sg_set_buf(&sg[segs], p + len, AES_BLOCK_SIZE);
}

/*
 * One request of @len bytes on @tfm (key set): the data in @b->in, the
 * output checked against the reference.  Returns the request's error;
 * *@match says whether output and output IV are right (false on error).
 */
static int vt_request(struct crypto_skcipher *tfm, struct vt_bufs *b,
		      unsigned int len, bool inplace, bool enc, bool *match)
{
	u8 iv[AES_BLOCK_SIZE], ref_iv[AES_BLOCK_SIZE];
	struct skcipher_request *req;
	DECLARE_CRYPTO_WAIT(wait);
	u8 *result;
	int err;

	*match = false;
	req = skcipher_request_alloc(tfm, GFP_KERNEL);
	if (!req)
		return -ENOMEM;

	vt_cbc(b->key, b->keylen, b->iv, b->in, b->ref, len, enc, ref_iv);
	memcpy(b->buf, b->in, len);
	memcpy(iv, b->iv, AES_BLOCK_SIZE);
	vt_sg_init(b->src_sg, b->segs, b->buf, len);
	if (inplace) {
		result = b->buf;
		skcipher_request_set_crypt(req, b->src_sg, b->src_sg, len, iv);
	} else {
		result = b->out;
		vt_sg_init(b->dst_sg, b->segs, b->out, len);
		skcipher_request_set_crypt(req, b->src_sg, b->dst_sg, len, iv);
	}
	skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				      CRYPTO_TFM_REQ_MAY_SLEEP,
				      crypto_req_done, &wait);
	err = crypto_wait_req(enc ? crypto_skcipher_encrypt(req) :
				    crypto_skcipher_decrypt(req), &wait);
	skcipher_request_free(req);
	if (!err)
		*match = !memcmp(result, b->ref, len) &&
			 !memcmp(iv, ref_iv, AES_BLOCK_SIZE);
	return err;
}

static void vt_random_key(struct vt_bufs *b)
{
	static const unsigned int lens[] = { 16, 24, 32 };

	b->keylen = lens[get_random_u32_below(ARRAY_SIZE(lens))];
	get_random_bytes(b->key, b->keylen);
}

/* "one": a single request, the result kept for reading. */
static int vt_one(bool inplace, bool enc, unsigned int len, unsigned int segs)
{
	struct crypto_skcipher *tfm;
	struct vt_bufs b;
	bool match;
	int err;

	if (!len || len % AES_BLOCK_SIZE || len > VT_MAX_LEN ||
	    segs > VT_MAX_SEGS || segs > len / AES_BLOCK_SIZE)
		return -EINVAL;
	tfm = crypto_alloc_skcipher(VT_ALG, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = vt_bufs_alloc(&b, len, segs);
	if (err)
		goto out_tfm;
	vt_random_key(&b);
	get_random_bytes(b.iv, sizeof(b.iv));
	get_random_bytes(b.in, len);
	err = crypto_skcipher_setkey(tfm, b.key, b.keylen);
	if (!err)
		err = vt_request(tfm, &b, len, inplace, enc, &match);
	scnprintf(vt_one_result, sizeof(vt_one_result), "err=%d match=%d\n",
		  err, err ? 0 : match);
	err = 0;
	vt_bufs_free(&b);
out_tfm:
	crypto_free_skcipher(tfm);
	return err;
}

static int vt_stream_thread(void *arg)
{
	unsigned int n = 0, len;
	struct crypto_skcipher *tfm;
	struct vt_bufs b;
	bool match;
	u64 t0;
	int err, ms;

	tfm = crypto_alloc_skcipher(VT_ALG, 0, 0);
	if (IS_ERR(tfm)) {
		atomic_set(&vt_last_err, PTR_ERR(tfm));
		atomic_long_inc(&vt_errors);
		goto idle;
	}
	if (vt_bufs_alloc(&b, vt_maxlen, 0)) {
		atomic_set(&vt_last_err, -ENOMEM);
		atomic_long_inc(&vt_errors);
		crypto_free_skcipher(tfm);
		goto idle;
	}

	while (!kthread_should_stop()) {
		if (n++ % vt_keyevery == 0) {
			vt_random_key(&b);
			err = crypto_skcipher_setkey(tfm, b.key, b.keylen);
			if (err) {
				atomic_set(&vt_last_err, err);
				atomic_long_inc(&vt_errors);
				msleep(100);
				continue;
			}
			atomic_long_inc(&vt_keys);
		}
		len = AES_BLOCK_SIZE *
		      (1 + get_random_u32_below(vt_maxlen / AES_BLOCK_SIZE));
		get_random_bytes(b.iv, sizeof(b.iv));
		get_random_bytes(b.in, len);

		t0 = ktime_get_ns();
		err = vt_request(tfm, &b, len, n & 1, n & 2, &match);
		ms = div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC);
		if (ms > atomic_read(&vt_max_ms))
			atomic_set(&vt_max_ms, ms);
		if (err) {
			atomic_set(&vt_last_err, err);
			atomic_long_inc(&vt_errors);
		} else if (!match) {
			atomic_long_inc(&vt_mismatches);
		}
		atomic_long_inc(&vt_done);
		cond_resched();
	}
	vt_bufs_free(&b);
	crypto_free_skcipher(tfm);
	return 0;

idle:
	while (!kthread_should_stop())
		msleep(20);
	return 0;
}

/* Caller holds vt_lock. */
static void vt_stream_stop(void)
{
	unsigned int i;

	lockdep_assert_held(&vt_lock);

	for (i = 0; i < vt_nthreads; i++)
		kthread_stop(vt_threads[i]);
	vt_nthreads = 0;
}

/* Caller holds vt_lock. */
static int vt_stream_start(unsigned int threads, unsigned int maxlen,
			   unsigned int keyevery)
{
	struct task_struct *t;

	lockdep_assert_held(&vt_lock);

	if (vt_nthreads)
		return -EBUSY;
	if (!threads || threads > VT_MAX_THREADS || maxlen < AES_BLOCK_SIZE ||
	    maxlen > VT_MAX_LEN || !keyevery)
		return -EINVAL;
	vt_maxlen = maxlen;
	vt_keyevery = keyevery;
	atomic_long_set(&vt_done, 0);
	atomic_long_set(&vt_errors, 0);
	atomic_long_set(&vt_mismatches, 0);
	atomic_long_set(&vt_keys, 0);
	atomic_set(&vt_max_ms, 0);
	atomic_set(&vt_last_err, 0);
	while (vt_nthreads < threads) {
		t = kthread_run(vt_stream_thread, NULL, "vac_test/%u",
				vt_nthreads);
		if (IS_ERR(t)) {
			vt_stream_stop();
			return PTR_ERR(t);
		}
		vt_threads[vt_nthreads++] = t;
	}
	return 0;
}

/* A command written to a debugfs file, as a string in @buf (@size bytes). */
/* Read back @result, which @lock protects. */
static ssize_t vt_result_read(char __user *ubuf, size_t count, loff_t *ppos,
			      const char *result, size_t size,
			      struct mutex *lock)
{
	char buf[96];

	mutex_lock(lock);
	strscpy(buf, result, min(size, sizeof(buf)));
	mutex_unlock(lock);
	return simple_read_from_buffer(ubuf, count, ppos, buf, strlen(buf));
}

static ssize_t vt_one_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char buf[64], where[16], dir[8];
	unsigned int len, segs = 0;
	int err, n;

	err = kmod_cmd_from_user(buf, sizeof(buf), ubuf, count);
	if (err)
		return err;
	n = sscanf(buf, "%15s %7s %u %u", where, dir, &len, &segs);
	if (n < 3 ||
	    (strcmp(where, "inplace") && strcmp(where, "outofplace")) ||
	    (strcmp(dir, "enc") && strcmp(dir, "dec")))
		return -EINVAL;

	mutex_lock(&vt_lock);
	err = vt_one(!strcmp(where, "inplace"), !strcmp(dir, "enc"), len, segs);
	mutex_unlock(&vt_lock);
	return err ?: count;
}

static ssize_t vt_one_read(struct file *file, char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	return vt_result_read(ubuf, count, ppos, vt_one_result,
			      sizeof(vt_one_result), &vt_lock);
}

static const struct file_operations vt_one_fops = {
	.owner = THIS_MODULE,
	.write = vt_one_write,
	.read = vt_one_read,
	.llseek = default_llseek,
};

/* "aead": the shapes of its chains (see the top of the file). */
enum vt_shape { VT_PLAIN, VT_HOLES, VT_BOUNDARY, VT_BIGOFF };

static const char * const vt_shapes[] = {
	[VT_PLAIN] = "plain",
	[VT_HOLES] = "holes",
	[VT_BOUNDARY] = "boundary",
	[VT_BIGOFF] = "bigoff",
};

/* One side of an AEAD request: the image of its buffer and a chain over it. */
struct vt_chain {
	struct page *page;	/* a high-order allocation */
	unsigned int order;
	unsigned int base;	/* the image's offset in it */
	u8 *p;			/* the image: AAD, text, tag, VT_PAST more */
	struct scatterlist *sg;	/* 2 * segs + 2 entries */
};

/* An "aead" command and what it sets up. */
struct vt_aead {
	bool rfc4106, inplace, enc, badtag;
	enum vt_shape shape;
	unsigned int alen, tlen, segs;
	unsigned int len;	/* AAD, text and tag: the request's buffers */
	struct crypto_aead *tfm, *ref_tfm;
	struct aead_request *req, *ref_req;
	u8 *in;			/* the source image */
	u8 *want;		/* the destination image expected */
	u8 *ref;		/* the reference's output (after the AAD) */
	unsigned int *ends;	/* where each entry of one chain ends */
	struct vt_chain src, dst;
	u8 key[AES_MAX_KEY_SIZE + VT_SALT];
	unsigned int keylen;
	u8 iv[GCM_AES_IV_SIZE];
};

static int vt_chain_alloc(struct vt_chain *c, unsigned int base,
			  unsigned int len, unsigned int nents)
{
	c->order = get_order(base + len + VT_PAST);
	c->page = alloc_pages(GFP_KERNEL, c->order);
	c->sg = kcalloc(nents, sizeof(*c->sg), GFP_KERNEL);
	if (!c->page || !c->sg)
		return -ENOMEM;
	c->base = base;
	c->p = page_address(c->page) + base;
	return 0;
}

static void vt_chain_free(struct vt_chain *c)
{
	if (c->page)
		__free_pages(c->page, c->order);
	kfree(c->sg);
}

/* Everything but the data; vt_aead_free() undoes it, also half done. */
static int vt_aead_alloc(struct vt_aead *a)
{
	bool big = a->shape == VT_BIGOFF;
	unsigned int nents = 2 * a->segs + 2;
	int err;

	a->tfm = crypto_alloc_aead(a->rfc4106 ? VT_RFC4106 : VT_GCM, 0, 0);
	if (IS_ERR(a->tfm)) {
		err = PTR_ERR(a->tfm);
		a->tfm = NULL;
		return err;
	}
	a->ref_tfm = crypto_alloc_aead(a->rfc4106 ? VT_RFC4106_REF : VT_GCM_REF,
				       0, 0);
	if (IS_ERR(a->ref_tfm)) {
		err = PTR_ERR(a->ref_tfm);
		a->ref_tfm = NULL;
		return err;
	}
	a->req = aead_request_alloc(a->tfm, GFP_KERNEL);
	a->ref_req = aead_request_alloc(a->ref_tfm, GFP_KERNEL);
	a->in = kmalloc(a->len + VT_PAST, GFP_KERNEL);
	a->want = kmalloc(a->len + VT_PAST, GFP_KERNEL);
	a->ref = kmalloc(a->len, GFP_KERNEL);
	a->ends = kcalloc(a->segs, sizeof(*a->ends), GFP_KERNEL);
	if (!a->req || !a->ref_req || !a->in || !a->want || !a->ref ||
	    !a->ends)
		return -ENOMEM;
	err = vt_chain_alloc(&a->src, big ? VT_BIGOFF_SRC : 0, a->len, nents);
	if (!err && !a->inplace)
		err = vt_chain_alloc(&a->dst, big ? VT_BIGOFF_DST : 0, a->len,
				     nents);
	return err;
}

static void vt_aead_free(struct vt_aead *a)
{
	vt_chain_free(&a->src);
	vt_chain_free(&a->dst);
	kfree(a->ends);
	kfree(a->ref);
	kfree(a->want);
	kfree(a->in);
	aead_request_free(a->ref_req);
	aead_request_free(a->req);
	crypto_free_aead(a->ref_tfm);
	crypto_free_aead(a->tfm);
	memzero_explicit(a->key, sizeof(a->key));
}

/*
 * Where the a->segs entries of a chain over a->len bytes end, in a->ends:
 * the parts the shape keeps entry ends at (the whole buffer, or for
 * "boundary" the AAD, RFC 4106's IV copy, the text and the tag) get an
 * entry each and the rest by size, the entries of a part of roughly equal
 * sizes, ending @shift bytes further on inside it.  "bigoff" moves an end
 * at the end of the AAD by a byte.  -EINVAL if the shape does not fit.
 */
static int vt_aead_split(struct vt_aead *a, unsigned int shift)
{
	unsigned int cut[5] = { 0 }, cnt[4], bounds[3], nreg = 0, seg = 0;
	unsigned int i, j, r, best;

	if (a->shape == VT_BOUNDARY) {
		bounds[0] = a->rfc4106 ? a->alen - GCM_RFC4106_IV_SIZE : 0;
		bounds[1] = a->alen;
		bounds[2] = a->alen + a->tlen;
		for (i = 0; i < ARRAY_SIZE(bounds); i++)
			if (bounds[i] > cut[nreg])
				cut[++nreg] = bounds[i];
	}
	cut[++nreg] = a->len;
	if (a->segs < nreg)
		return -EINVAL;
	for (r = 0; r < nreg; r++)
		cnt[r] = 1;
	/* a->segs <= a->len: some part always has a byte for one more. */
	for (i = nreg; i < a->segs; i++) {
		best = nreg;
		for (r = 0; r < nreg; r++) {
			if (cnt[r] == cut[r + 1] - cut[r])
				continue;
			if (best == nreg ||
			    (u64)(cut[r + 1] - cut[r]) * cnt[best] >
			    (u64)(cut[best + 1] - cut[best]) * cnt[r])
				best = r;
		}
		cnt[best]++;
	}
	for (r = 0; r < nreg; r++) {
		unsigned int s = cut[r], m = cut[r + 1] - s;

		for (j = 1; j < cnt[r]; j++)
			a->ends[seg++] = clamp(s + j * m / cnt[r] + shift, s + j,
					       s + m - (cnt[r] - j));
		a->ends[seg++] = cut[r + 1];
	}

	if (a->shape != VT_BIGOFF)
		return 0;
	/* The AAD ends inside an entry. */
	for (i = 0; i + 1 < a->segs; i++) {
		if (!a->alen || a->ends[i] != a->alen)
			continue;
		if (a->ends[i] + 1 < a->ends[i + 1])
			a->ends[i]++;
		else if (a->ends[i] - 1 > (i ? a->ends[i - 1] : 0))
			a->ends[i]--;
		else
			return -EINVAL;
	}
	return 0;
}

/* An entry of @len bytes at @pos of @c's image. */
static void vt_aead_entry(const struct vt_aead *a, struct vt_chain *c,
			  struct scatterlist *sg, unsigned int pos,
			  unsigned int len)
{
	if (a->shape == VT_BIGOFF)
		sg_set_page(sg, c->page, len, c->base + pos);
	else
		sg_set_buf(sg, c->p + pos, len);
}

/* @c's chain of a->segs entries ending at a->ends, and one past the end. */
static void vt_aead_chain(const struct vt_aead *a, struct vt_chain *c)
{
	bool holes = a->shape == VT_HOLES;
	unsigned int i, n = 0, pos = 0;

	sg_init_table(c->sg, holes ? 2 * a->segs + 2 : a->segs + 1);
	for (i = 0; i < a->segs; i++) {
		if (holes)
			vt_aead_entry(a, c, &c->sg[n++], pos, 0);
		vt_aead_entry(a, c, &c->sg[n++], pos, a->ends[i] - pos);
		pos = a->ends[i];
	}
	if (holes)
		vt_aead_entry(a, c, &c->sg[n++], pos, 0);
	vt_aead_entry(a, c, &c->sg[n], pos, VT_PAST);
}

/* The reference's encryption of a->in (AAD, text) to a->ref. */
static int vt_aead_ref(struct vt_aead *a)
{
	struct scatterlist src, dst;
	u8 iv[GCM_AES_IV_SIZE];
	DECLARE_CRYPTO_WAIT(wait);

	memcpy(iv, a->iv, sizeof(iv));
	sg_init_one(&src, a->in, a->alen + a->tlen);
	sg_init_one(&dst, a->ref, a->len);
	aead_request_set_callback(a->ref_req, CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(a->ref_req, a->alen);
	aead_request_set_crypt(a->ref_req, &src, &dst, a->tlen, iv);
	return crypto_wait_req(crypto_aead_encrypt(a->ref_req), &wait);
}

/*
 * The key, the IV, the data, the reference's output, the images: the
 * source's, the destination's before the request (in place the source's)
 * and after, and the chains over them.
 */
static int vt_aead_prepare(struct vt_aead *a)
{
	static const unsigned int lens[] = { 16, 24, 32 };
	unsigned int text = a->alen + a->tlen;	/* where the tag begins */
	int err;

	a->keylen = lens[get_random_u32_below(ARRAY_SIZE(lens))] +
		    (a->rfc4106 ? VT_SALT : 0);
	get_random_bytes(a->key, a->keylen);
	get_random_bytes(a->iv, sizeof(a->iv));
	err = crypto_aead_setkey(a->ref_tfm, a->key, a->keylen) ?:
	      crypto_aead_setauthsize(a->ref_tfm, VT_TAG);
	if (err)
		return err;

	get_random_bytes(a->in, text);
	/* ESP's associated data ends with a copy of the IV. */
	if (a->rfc4106)
		memcpy(a->in + a->alen - GCM_RFC4106_IV_SIZE, a->iv,
		       GCM_RFC4106_IV_SIZE);
	memset(a->in + text, VT_FILL, VT_TAG);
	memset(a->in + a->len, VT_SENTINEL, VT_PAST);
	err = vt_aead_ref(a);
	if (err)
		return err;

	if (a->enc) {
		memcpy(a->want, a->in, a->alen);
		memcpy(a->want + a->alen, a->ref + a->alen, a->tlen + VT_TAG);
	} else {
		/* The plaintext expected; the ciphertext and tag to decrypt. */
		memcpy(a->want, a->in, text);
		memcpy(a->in + a->alen, a->ref + a->alen, a->tlen + VT_TAG);
		if (a->badtag)
			a->in[text + get_random_u32_below(VT_TAG)] ^=
				BIT(get_random_u32_below(8));
		/* A tag is read: in place it stays, else nothing is written. */
		if (a->inplace)
			memcpy(a->want + text, a->in + text, VT_TAG);
		else
			memset(a->want + text, VT_FILL, VT_TAG);
	}
	memset(a->want + a->len, VT_SENTINEL, VT_PAST);

	memcpy(a->src.p, a->in, a->len + VT_PAST);
	if (!a->inplace) {
		memcpy(a->dst.p, a->in, a->alen);
		memset(a->dst.p + a->alen, VT_FILL, a->tlen + VT_TAG);
		memset(a->dst.p + a->len, VT_SENTINEL, VT_PAST);
	}
	err = vt_aead_split(a, 0);
	if (err)
		return err;
	vt_aead_chain(a, &a->src);
	if (!a->inplace) {
		err = vt_aead_split(a, VT_SHIFT);
		if (err)
			return err;
		vt_aead_chain(a, &a->dst);
	}
	return 0;
}

/* The request through the engine; *@match: the output is right. */
static int vt_aead_request(struct vt_aead *a, bool *match)
{
	struct vt_chain *out = a->inplace ? &a->src : &a->dst;
	u8 iv[GCM_AES_IV_SIZE];
	DECLARE_CRYPTO_WAIT(wait);
	int err;

	*match = false;
	err = crypto_aead_setkey(a->tfm, a->key, a->keylen) ?:
	      crypto_aead_setauthsize(a->tfm, VT_TAG);
	if (err)
		return err;
	memcpy(iv, a->iv, sizeof(iv));
	aead_request_set_callback(a->req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				  CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(a->req, a->alen);
	aead_request_set_crypt(a->req, a->src.sg, out->sg,
			       a->tlen + (a->enc ? 0 : VT_TAG), iv);
	err = crypto_wait_req(a->enc ? crypto_aead_encrypt(a->req) :
				       crypto_aead_decrypt(a->req), &wait);
	if (!err)
		*match = !memcmp(out->p, a->want, a->len + VT_PAST) &&
			 (a->inplace ||
			  !memcmp(a->src.p, a->in, a->len + VT_PAST));
	return err;
}

/* "aead": a single request, the result kept for reading. */
static int vt_aead(struct vt_aead *a)
{
	bool match;
	int err;

	if (a->tlen > VT_MAX_LEN - VT_TAG ||
	    a->alen > VT_MAX_LEN - VT_TAG - a->tlen ||
	    (a->rfc4106 && crypto_ipsec_check_assoclen(a->alen)) ||
	    (a->badtag && a->enc))
		return -EINVAL;
	a->len = a->alen + a->tlen + VT_TAG;
	if (!a->segs || a->segs > VT_MAX_SEGS || a->segs > a->len)
		return -EINVAL;
	err = vt_aead_alloc(a) ?: vt_aead_prepare(a);
	if (!err) {
		err = vt_aead_request(a, &match);
		scnprintf(vt_aead_result, sizeof(vt_aead_result),
			  "err=%d match=%d\n", err, err ? 0 : match);
		err = 0;
	}
	vt_aead_free(a);
	return err;
}

static ssize_t vt_aead_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char buf[96], alg[8], where[16], dir[8], shape[16], flag[8] = "";
	struct vt_aead a = {};
	int err, n;

	err = kmod_cmd_from_user(buf, sizeof(buf), ubuf, count);
	if (err)
		return err;
	n = sscanf(buf, "%7s %15s %7s %u %u %u %15s %7s", alg, where, dir,
		   &a.alen, &a.tlen, &a.segs, shape, flag);
	if (n < 7 ||
	    (strcmp(alg, "gcm") && strcmp(alg, "rfc4106")) ||
	    (strcmp(where, "inplace") && strcmp(where, "outofplace")) ||
	    (strcmp(dir, "enc") && strcmp(dir, "dec")) ||
	    (n == 8 && strcmp(flag, "badtag")))
		return -EINVAL;
	err = match_string(vt_shapes, ARRAY_SIZE(vt_shapes), shape);
	if (err < 0)
		return err;
	a.shape = err;
	a.rfc4106 = !strcmp(alg, "rfc4106");
	a.inplace = !strcmp(where, "inplace");
	a.enc = !strcmp(dir, "enc");
	a.badtag = n == 8;

	mutex_lock(&vt_lock);
	err = vt_aead(&a);
	mutex_unlock(&vt_lock);
	return err ?: count;
}

static ssize_t vt_aead_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	return vt_result_read(ubuf, count, ppos, vt_aead_result,
			      sizeof(vt_aead_result), &vt_lock);
}

static const struct file_operations vt_aead_fops = {
	.owner = THIS_MODULE,
	.write = vt_aead_write,
	.read = vt_aead_read,
	.llseek = default_llseek,
};

/* "hash": the engine's hash by driver name, and the reference's. */
static const struct {
	const char *name;
	const char *drv;
	const char *ref;
	bool keyed;
} vt_hash_algs[] = {
	{ "sha1", "acrypto-sha1", "sha1-generic", false },
	{ "sha256", "acrypto-sha256", "sha256-generic", false },
	{ "hmac-sha1", "acrypto-hmac-sha1", "hmac(sha1-generic)", true },
	{ "hmac-sha256", "acrypto-hmac-sha256", "hmac(sha256-generic)", true },
};

/* How a "hash" command hashes its message. */
enum vt_hash_how { VT_DIGEST, VT_FINUP, VT_SPLIT };

static const char * const vt_hash_hows[] = {
	[VT_DIGEST] = "digest",
	[VT_FINUP] = "finup",
	[VT_SPLIT] = "split",
};

#define VT_HASH_KEY_MAX	256

/* The request of a "hash" command over @sg, the digest to @out. */
static int vt_hash_request(struct ahash_request *req, enum vt_hash_how how,
			   struct scatterlist *sg, unsigned int len, u8 *out)
{
	struct scatterlist rest[2];
	DECLARE_CRYPTO_WAIT(wait);
	unsigned int half = len / 2;
	int err;

	ahash_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				   CRYPTO_TFM_REQ_MAY_SLEEP,
				   crypto_req_done, &wait);
	ahash_request_set_crypt(req, sg, out, len);
	if (how == VT_DIGEST)
		return crypto_wait_req(crypto_ahash_digest(req), &wait);
	if (how == VT_FINUP)
		return crypto_wait_req(crypto_ahash_init(req), &wait) ?:
		       crypto_wait_req(crypto_ahash_finup(req), &wait);

	ahash_request_set_crypt(req, sg, out, half);
	err = crypto_wait_req(crypto_ahash_init(req), &wait) ?:
	      crypto_wait_req(crypto_ahash_update(req), &wait);
	if (err)
		return err;
	ahash_request_set_crypt(req, scatterwalk_ffwd(rest, sg, half), out,
				len - half);
	return crypto_wait_req(crypto_ahash_finup(req), &wait);
}

/* "hash": one message, the result kept for reading. */
static int vt_hash(unsigned int alg, enum vt_hash_how how, struct vt_aead *a,
		   unsigned int keylen)
{
	u8 want[SHA256_DIGEST_SIZE], got[SHA256_DIGEST_SIZE];
	struct crypto_ahash *tfm = NULL;
	struct crypto_shash *ref = NULL;
	struct ahash_request *req = NULL;
	u8 *key = NULL;
	bool match;
	int err;

	if (a->tlen > VT_MAX_LEN || a->segs > VT_MAX_SEGS ||
	    a->segs > a->tlen || (a->tlen && !a->segs) ||
	    keylen > VT_HASH_KEY_MAX || (vt_hash_algs[alg].keyed && !keylen))
		return -EINVAL;
	a->len = a->tlen;
	a->inplace = true;
	if (a->shape == VT_BOUNDARY)
		a->shape = VT_PLAIN;
	err = vt_chain_alloc(&a->src, a->shape == VT_BIGOFF ?
			     VT_BIGOFF_SRC : 0, a->len, 2 * a->segs + 2);
	a->ends = kcalloc(max(a->segs, 1U), sizeof(*a->ends), GFP_KERNEL);
	key = kmalloc(VT_HASH_KEY_MAX, GFP_KERNEL);
	if (err || !a->ends || !key) {
		err = -ENOMEM;
		goto out;
	}
	tfm = crypto_alloc_ahash(vt_hash_algs[alg].drv, 0, 0);
	ref = crypto_alloc_shash(vt_hash_algs[alg].ref, 0, 0);
	if (IS_ERR(tfm) || IS_ERR(ref)) {
		err = IS_ERR(tfm) ? PTR_ERR(tfm) : PTR_ERR(ref);
		goto out;
	}
	req = ahash_request_alloc(tfm, GFP_KERNEL);
	if (!req) {
		err = -ENOMEM;
		goto out;
	}

	get_random_bytes(a->src.p, a->len);
	memset(a->src.p + a->len, VT_SENTINEL, VT_PAST);
	if (a->len) {
		err = vt_aead_split(a, 0);
		if (err)
			goto out;
		vt_aead_chain(a, &a->src);
	} else {
		sg_init_table(a->src.sg, 1);
		vt_aead_entry(a, &a->src, a->src.sg, 0, VT_PAST);
	}
	get_random_bytes(key, keylen);
	if (vt_hash_algs[alg].keyed) {
		err = crypto_ahash_setkey(tfm, key, keylen) ?:
		      crypto_shash_setkey(ref, key, keylen);
		if (err)
			goto out;
	}
	err = crypto_shash_tfm_digest(ref, a->src.p, a->len, want);
	if (err)
		goto out;

	memset(got, VT_FILL, sizeof(got));
	err = vt_hash_request(req, how, a->src.sg, a->len, got);
	/* The digest, and nothing written past it. */
	match = !err && !memcmp(got, want, crypto_shash_digestsize(ref)) &&
		!memchr_inv(got + crypto_shash_digestsize(ref), VT_FILL,
			    sizeof(got) - crypto_shash_digestsize(ref));
	scnprintf(vt_hash_result, sizeof(vt_hash_result), "err=%d match=%d\n",
		  err, match);
	err = 0;
out:
	ahash_request_free(req);
	if (!IS_ERR_OR_NULL(ref))
		crypto_free_shash(ref);
	if (!IS_ERR_OR_NULL(tfm))
		crypto_free_ahash(tfm);
	kfree_sensitive(key);
	kfree(a->ends);
	vt_chain_free(&a->src);
	return err;
}

static ssize_t vt_hash_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char buf[96], alg[16], how[8], shape[16];
	unsigned int keylen = 32, i;
	struct vt_aead a = {};
	int err, n, h;

	err = kmod_cmd_from_user(buf, sizeof(buf), ubuf, count);
	if (err)
		return err;
	n = sscanf(buf, "%15s %7s %u %u %15s %u", alg, how, &a.tlen, &a.segs,
		   shape, &keylen);
	if (n < 5)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(vt_hash_algs); i++)
		if (!strcmp(alg, vt_hash_algs[i].name))
			break;
	h = match_string(vt_hash_hows, ARRAY_SIZE(vt_hash_hows), how);
	err = match_string(vt_shapes, ARRAY_SIZE(vt_shapes), shape);
	if (i == ARRAY_SIZE(vt_hash_algs) || h < 0 || err < 0)
		return -EINVAL;
	a.shape = err;
	if (!vt_hash_algs[i].keyed)
		keylen = 0;

	mutex_lock(&vt_lock);
	err = vt_hash(i, h, &a, keylen);
	mutex_unlock(&vt_lock);
	return err ?: count;
}

static ssize_t vt_hash_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	return vt_result_read(ubuf, count, ppos, vt_hash_result,
			      sizeof(vt_hash_result), &vt_lock);
}

static const struct file_operations vt_hash_fops = {
	.owner = THIS_MODULE,
	.write = vt_hash_write,
	.read = vt_hash_read,
	.llseek = default_llseek,
};

static ssize_t vt_stream_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	unsigned int threads, maxlen, keyevery;
	char buf[64];
	int err;

	err = kmod_cmd_from_user(buf, sizeof(buf), ubuf, count);
	if (err)
		return err;
	mutex_lock(&vt_lock);
	if (sysfs_streq(buf, "stop"))
		vt_stream_stop();
	else if (sscanf(buf, "start %u %u %u", &threads, &maxlen,
			&keyevery) == 3)
		err = vt_stream_start(threads, maxlen, keyevery);
	else
		err = -EINVAL;
	mutex_unlock(&vt_lock);
	return err ?: count;
}

static ssize_t vt_stream_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	char buf[192];
	int n;

	n = scnprintf(buf, sizeof(buf),
		      "running=%u done=%ld errors=%ld mismatches=%ld keys=%ld max_ms=%d last_err=%d\n",
		      READ_ONCE(vt_nthreads), atomic_long_read(&vt_done),
		      atomic_long_read(&vt_errors),
		      atomic_long_read(&vt_mismatches),
		      atomic_long_read(&vt_keys), atomic_read(&vt_max_ms),
		      atomic_read(&vt_last_err));
	return simple_read_from_buffer(ubuf, count, ppos, buf, n);
}

static const struct file_operations vt_stream_fops = {
	.owner = THIS_MODULE,
	.write = vt_stream_write,
	.read = vt_stream_read,
	.llseek = default_llseek,
};

/* One request of a burst. */
struct vt_breq {
	struct skcipher_request *req;
	struct vt_bufs b;
	u8 iv[AES_BLOCK_SIZE];
	u8 ref_iv[AES_BLOCK_SIZE];
	int err;
	struct vt_burst *run;
};

/* A burst, from "prepare" to the end of "go"; under vt_burst_lock. */
struct vt_burst {
	struct crypto_skcipher *tfm;
	unsigned int n, len;
	atomic_t pending;	/* in flight, plus one while submitting */
	struct completion done;
	struct vt_breq r[];
};

/* Not vt_lock: "one" must run while a burst waits. */
static DEFINE_MUTEX(vt_burst_lock);
static struct vt_burst *vt_burst;
static char vt_burst_result[96] = "none";

static void vt_burst_free(struct vt_burst *run)
{
	unsigned int i;

	for (i = 0; i < run->n; i++) {
		skcipher_request_free(run->r[i].req);
		vt_bufs_free(&run->r[i].b);
	}
	crypto_free_skcipher(run->tfm);
	kfree(run);
}

static void vt_burst_finish(struct vt_breq *r, int err)
{
	if (err == -EINPROGRESS)
		return;
	r->err = err;
	if (atomic_dec_and_test(&r->run->pending))
		complete(&r->run->done);
}

static void vt_burst_done(struct crypto_async_request *areq, int err)
{
	vt_burst_finish(areq->data, err);
}

/* Caller holds vt_burst_lock. */
static int vt_burst_prepare(unsigned int n, unsigned int len,
			    unsigned int segs)
{
	struct vt_burst *run;
	unsigned int i;
	bool match;
	int err;

	lockdep_assert_held(&vt_burst_lock);

	if (!n || n > VT_MAX_BURST || !len || len % AES_BLOCK_SIZE ||
	    len > PAGE_SIZE || !segs || segs > len / AES_BLOCK_SIZE)
		return -EINVAL;
	if (vt_burst)
		return -EBUSY;
	run = kzalloc(struct_size(run, r, n), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	init_completion(&run->done);
	run->len = len;
	run->tfm = crypto_alloc_skcipher(VT_ALG, 0, 0);
	if (IS_ERR(run->tfm)) {
		err = PTR_ERR(run->tfm);
		kfree(run);
		return err;
	}
	for (i = 0; i < n; i++) {
		struct vt_breq *r = &run->r[i];

		err = vt_bufs_alloc(&r->b, len, segs);
		if (err)
			goto err_free;
		r->req = skcipher_request_alloc(run->tfm, GFP_KERNEL);
		run->n++;
		if (!r->req) {
			err = -ENOMEM;
			goto err_free;
		}
		r->run = run;
		r->b.keylen = AES_KEYSIZE_128;
		if (i)
			memcpy(r->b.key, run->r[0].b.key, AES_KEYSIZE_128);
		else
			get_random_bytes(r->b.key, AES_KEYSIZE_128);
		get_random_bytes(r->b.iv, sizeof(r->b.iv));
		get_random_bytes(r->b.in, len);
	}
	err = crypto_skcipher_setkey(run->tfm, run->r[0].b.key,
				     AES_KEYSIZE_128);
	/* One to the end first: the device session of the key then exists. */
	if (!err)
		err = vt_request(run->tfm, &run->r[0].b, len, true, true,
				 &match);
	if (!err && !match)
		err = -EBADMSG;
	if (err)
		goto err_free;

	for (i = 0; i < n; i++) {
		struct vt_breq *r = &run->r[i];

		vt_cbc(r->b.key, r->b.keylen, r->b.iv, r->b.in, r->b.ref, len,
		       true, r->ref_iv);
		memcpy(r->b.buf, r->b.in, len);
		memcpy(r->iv, r->b.iv, AES_BLOCK_SIZE);
		vt_sg_init(r->b.src_sg, segs, r->b.buf, len);
		skcipher_request_set_crypt(r->req, r->b.src_sg, r->b.src_sg,
					   len, r->iv);
		skcipher_request_set_callback(r->req,
					      CRYPTO_TFM_REQ_MAY_BACKLOG,
					      vt_burst_done, r);
	}
	vt_burst = run;
	return 0;

err_free:
	vt_burst_free(run);
	return err;
}

/* Caller holds vt_burst_lock. */
static int vt_burst_go(void)
{
	struct vt_burst *run = vt_burst;
	unsigned int i, ok = 0, wrong = 0, errors = 0;
	int last_err = 0, ret;

	lockdep_assert_held(&vt_burst_lock);

	if (!run)
		return -ENOENT;
	vt_burst = NULL;
	atomic_set(&run->pending, 1);
	for (i = 0; i < run->n; i++) {
		atomic_inc(&run->pending);
		ret = crypto_skcipher_encrypt(run->r[i].req);
		if (ret != -EINPROGRESS && ret != -EBUSY)
			vt_burst_finish(&run->r[i], ret);
	}
	if (!atomic_dec_and_test(&run->pending) &&
	    !wait_for_completion_timeout(&run->done, VT_BURST_TIMEOUT)) {
		/* The engine may still call back into this module. */
		__module_get(THIS_MODULE);
		scnprintf(vt_burst_result, sizeof(vt_burst_result),
			  "timeout: %d requests in flight (leaked)\n",
			  atomic_read(&run->pending));
		return -ETIMEDOUT;
	}
	for (i = 0; i < run->n; i++) {
		struct vt_breq *r = &run->r[i];

		if (r->err) {
			errors++;
			last_err = r->err;
		} else if (memcmp(r->b.buf, r->b.ref, run->len) ||
			   memcmp(r->iv, r->ref_iv, AES_BLOCK_SIZE)) {
			wrong++;
		} else {
			ok++;
		}
	}
	scnprintf(vt_burst_result, sizeof(vt_burst_result),
		  "done=%u ok=%u wrong=%u errors=%u last_err=%d\n", run->n, ok,
		  wrong, errors, last_err);
	vt_burst_free(run);
	return 0;
}

static ssize_t vt_burst_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	unsigned int n, len, segs;
	char buf[64];
	int err;

	err = kmod_cmd_from_user(buf, sizeof(buf), ubuf, count);
	if (err)
		return err;
	mutex_lock(&vt_burst_lock);
	if (sysfs_streq(buf, "go"))
		err = vt_burst_go();
	else if (sscanf(buf, "prepare %u %u %u", &n, &len, &segs) == 3)
		err = vt_burst_prepare(n, len, segs);
	else
		err = -EINVAL;
	mutex_unlock(&vt_burst_lock);
	return err ?: count;
}

static ssize_t vt_burst_read(struct file *file, char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	return vt_result_read(ubuf, count, ppos, vt_burst_result,
			      sizeof(vt_burst_result), &vt_burst_lock);
}

static const struct file_operations vt_burst_fops = {
	.owner = THIS_MODULE,
	.write = vt_burst_write,
	.read = vt_burst_read,
	.llseek = default_llseek,
};

static int __init vt_init(void)
{
	vt_dir = debugfs_create_dir("vac_test", NULL);
	debugfs_create_file("one", 0600, vt_dir, NULL, &vt_one_fops);
	debugfs_create_file("aead", 0600, vt_dir, NULL, &vt_aead_fops);
	debugfs_create_file("hash", 0600, vt_dir, NULL, &vt_hash_fops);
	debugfs_create_file("stream", 0600, vt_dir, NULL, &vt_stream_fops);
	debugfs_create_file("burst", 0600, vt_dir, NULL, &vt_burst_fops);
	return 0;
}

static void __exit vt_exit(void)
{
	debugfs_remove_recursive(vt_dir);
	mutex_lock(&vt_lock);
	vt_stream_stop();
	mutex_unlock(&vt_lock);
	if (vt_burst)
		vt_burst_free(vt_burst);
}

module_init(vt_init);
module_exit(vt_exit);

MODULE_DESCRIPTION("In-kernel requests for the acrypto-virtio selftests");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_badinput - the in-kernel part of the acrypto bad-input catalogue
 * (Documentation/crypto/bad-input.rst): inputs only kernel callers can
 * give, run once at module load against the engine's algorithms and,
 * for parity, the kernel's generic implementations.
 *
 *  - XTS keys whose halves are equal, with CRYPTO_TFM_REQ_FORBID_WEAK_KEYS
 *    (set by fscrypt, blk-crypto and eCryptfs; AF_ALG cannot set it);
 *  - hash states exported by the kernel's sha256/hmac(sha256) imported into
 *    acrypto's and back, and a state of random bytes (the export format is
 *    documented as the kernel's own);
 *  - zero-length skcipher requests without any scatterlist.
 *
 * Results: /sys/kernel/debug/acrypto_badinput/results, one line per case,
 * "ok NAME: detail" or "not ok NAME: detail".  The module always loads
 * (unless it cannot allocate its buffer); unload it when done.
 */

#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#define BADINPUT_BUF_SIZE	8192

static char *results;
static size_t results_len;
static struct dentry *badinput_dir;
static struct debugfs_blob_wrapper badinput_blob;

static __printf(3, 4) void badinput_result(bool ok, const char *name,
					   const char *fmt, ...)
{
	va_list ap;

	if (results_len >= BADINPUT_BUF_SIZE - 1)
		return;
	results_len += scnprintf(results + results_len,
				 BADINPUT_BUF_SIZE - results_len, "%s %s: ",
				 ok ? "ok" : "not ok", name);
	va_start(ap, fmt);
	results_len += vscnprintf(results + results_len,
				  BADINPUT_BUF_SIZE - results_len, fmt, ap);
	va_end(ap);
	results_len += scnprintf(results + results_len,
				 BADINPUT_BUF_SIZE - results_len, "\n");
}

/* setkey of @drv with FORBID_WEAK_KEYS set or not: 0 or the errno. */
static int badinput_xts_setkey(const char *drv, const u8 *key,
			       unsigned int keylen, bool forbid)
{
	struct crypto_skcipher *tfm;
	int err;

	tfm = crypto_alloc_skcipher(drv, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	if (forbid)
		crypto_skcipher_set_flags(tfm, CRYPTO_TFM_REQ_FORBID_WEAK_KEYS);
	err = crypto_skcipher_setkey(tfm, key, keylen);
	crypto_free_skcipher(tfm);
	return err;
}

static void badinput_xts_weak(void)
{
	static const unsigned int lens[] = { 32, 48, 64 };
	static const char * const drvs[] = { "acrypto-xts-aes",
					     "xts(ecb(aes-generic))" };
	u8 key[64];
	unsigned int i, d;

	get_random_bytes(key, 32);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		unsigned int half = lens[i] / 2;
		int got[2], diff[2], plain[2];

		memcpy(key + half, key, half);
		for (d = 0; d < 2; d++) {
			got[d] = badinput_xts_setkey(drvs[d], key, lens[i], true);
			plain[d] = badinput_xts_setkey(drvs[d], key, lens[i], false);
		}
		badinput_result(got[0] == -EINVAL && got[1] == -EINVAL &&
				!plain[0] && !plain[1],
				lens[i] == 32 ? "xts-weak-key-32" :
				lens[i] == 48 ? "xts-weak-key-48" : "xts-weak-key-64",
				"equal halves, %u bytes: with FORBID_WEAK_KEYS acrypto %d, kernel %d (expected -EINVAL); without acrypto %d, kernel %d (expected 0)",
				lens[i], got[0], got[1], plain[0], plain[1]);

		/* Halves that differ in one bit pass even when forbidding. */
		key[half] ^= 1;
		for (d = 0; d < 2; d++)
			diff[d] = badinput_xts_setkey(drvs[d], key, lens[i], true);
		if (lens[i] == 64)
			badinput_result(!diff[0] && !diff[1], "xts-strong-key",
					"halves differing in one bit, FORBID_WEAK_KEYS: acrypto %d, kernel %d (expected 0)",
					diff[0], diff[1]);
	}
}

/* ---- hash states ---- */

struct badinput_hash {
	struct crypto_ahash *tfm;
	struct ahash_request *req;
	struct crypto_wait wait;
};

static int badinput_hash_new(struct badinput_hash *h, const char *drv,
			     const u8 *key, unsigned int keylen)
{
	int err;

	h->tfm = crypto_alloc_ahash(drv, 0, 0);
	if (IS_ERR(h->tfm))
		return PTR_ERR(h->tfm);
	err = key ? crypto_ahash_setkey(h->tfm, key, keylen) : 0;
	if (!err) {
		h->req = ahash_request_alloc(h->tfm, GFP_KERNEL);
		if (!h->req)
			err = -ENOMEM;
	}
	if (err) {
		crypto_free_ahash(h->tfm);
		return err;
	}
	crypto_init_wait(&h->wait);
	ahash_request_set_callback(h->req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				   CRYPTO_TFM_REQ_MAY_SLEEP,
				   crypto_req_done, &h->wait);
	return 0;
}

static void badinput_hash_free(struct badinput_hash *h)
{
	ahash_request_free(h->req);
	crypto_free_ahash(h->tfm);
}

static int badinput_hash_update(struct badinput_hash *h,
				struct scatterlist *sg, unsigned int len)
{
	ahash_request_set_crypt(h->req, sg, NULL, len);
	return crypto_wait_req(crypto_ahash_update(h->req), &h->wait);
}

static int badinput_hash_final(struct badinput_hash *h, u8 *out)
{
	ahash_request_set_crypt(h->req, NULL, out, 0);
	return crypto_wait_req(crypto_ahash_final(h->req), &h->wait);
}

/*
 * Hash @data: the first half with @from, export, import into @to, the
 * second half with @to.  With @garbage, the state is overwritten with
 * random bytes before the import (into both, so that both continue from
 * the same state).  Compares @to's digest with @from's own continuation.
 */
static void badinput_hash_swap(const char *name, const char *from,
			       const char *to, const u8 *key, bool garbage,
			       const u8 *data, unsigned int len)
{
	struct badinput_hash a, b;
	struct scatterlist sg1, sg2;
	u8 *state = NULL, da[64], db[64];
	unsigned int ssize;
	int err;

	err = badinput_hash_new(&a, from, key, 37);
	if (err) {
		badinput_result(false, name, "allocating %s: %d", from, err);
		return;
	}
	err = badinput_hash_new(&b, to, key, 37);
	if (err) {
		badinput_result(false, name, "allocating %s: %d", to, err);
		goto free_a;
	}
	ssize = crypto_ahash_statesize(a.tfm);
	if (ssize != crypto_ahash_statesize(b.tfm)) {
		badinput_result(false, name, "state sizes differ: %s %u, %s %u",
				from, ssize, to,
				crypto_ahash_statesize(b.tfm));
		goto free_b;
	}
	state = kmalloc(ssize, GFP_KERNEL);
	if (!state) {
		badinput_result(false, name, "no memory");
		goto free_b;
	}

	sg_init_one(&sg1, data, len / 2);
	sg_init_one(&sg2, data + len / 2, len - len / 2);
	err = crypto_ahash_init(a.req) ?: badinput_hash_update(&a, &sg1, len / 2) ?:
	      crypto_ahash_export(a.req, state);
	if (err) {
		badinput_result(false, name, "%s: first half: %d", from, err);
		goto free_state;
	}
	if (garbage) {
		get_random_bytes(state, ssize);
		err = crypto_ahash_import(a.req, state);
		if (err) {
			badinput_result(false, name, "%s: import of random bytes: %d",
					from, err);
			goto free_state;
		}
	}
	err = crypto_ahash_import(b.req, state);
	if (err) {
		badinput_result(false, name, "%s: import: %d", to, err);
		goto free_state;
	}
	err = badinput_hash_update(&a, &sg2, len - len / 2) ?:
	      badinput_hash_final(&a, da);
	if (err) {
		badinput_result(false, name, "%s: second half: %d", from, err);
		goto free_state;
	}
	err = badinput_hash_update(&b, &sg2, len - len / 2) ?:
	      badinput_hash_final(&b, db);
	badinput_result(!err && !memcmp(da, db, crypto_ahash_digestsize(a.tfm)),
			name, "%s state continued by %s: %s", from, to,
			err ? "error" : memcmp(da, db, crypto_ahash_digestsize(a.tfm)) ?
			"different digest" : "same digest");
free_state:
	kfree_sensitive(state);
free_b:
	badinput_hash_free(&b);
free_a:
	badinput_hash_free(&a);
}

static void badinput_hash_states(void)
{
	static const u8 key[37] = "a key of thirty-seven bytes, no less";
	unsigned int len = 1000;
	u8 *data = kmalloc(len, GFP_KERNEL);

	if (!data) {
		badinput_result(false, "hash-import", "no memory");
		return;
	}
	get_random_bytes(data, len);
	badinput_hash_swap("hash-import-from-kernel", "sha256-generic",
			   "acrypto-sha256", NULL, false, data, len);
	badinput_hash_swap("hash-export-to-kernel", "acrypto-sha256",
			   "sha256-generic", NULL, false, data, len);
	badinput_hash_swap("hash-import-random-state", "sha256-generic",
			   "acrypto-sha256", NULL, true, data, len);
	badinput_hash_swap("hmac-import-from-kernel", "hmac(sha256-generic)",
			   "acrypto-hmac-sha256", key, false, data, len);
	badinput_hash_swap("hmac-export-to-kernel", "acrypto-hmac-sha256",
			   "hmac(sha256-generic)", key, false, data, len);
	badinput_hash_swap("sha1-import-random-state", "sha1-generic",
			   "acrypto-sha1", NULL, true, data, len);
	kfree(data);
}

/* ---- zero-length requests without scatterlists ---- */

static void badinput_zero_nosg(void)
{
	static const struct {
		const char *drv;
		unsigned int keylen;
		int want;
	} c[] = {
		{ "acrypto-ecb-aes", 16, 0 },
		{ "acrypto-cbc-aes", 16, 0 },
		{ "acrypto-ctr-aes", 16, 0 },
		{ "acrypto-xts-aes", 32, -EINVAL },
	};
	u8 key[32], iv[16] = { 0 };
	unsigned int i;
	int bad = 0;
	char why[96] = "";

	get_random_bytes(key, sizeof(key));
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct crypto_skcipher *tfm;
		struct skcipher_request *req;
		DECLARE_CRYPTO_WAIT(wait);
		int err;

		tfm = crypto_alloc_skcipher(c[i].drv, 0, 0);
		if (IS_ERR(tfm)) {
			err = PTR_ERR(tfm);
			goto check;
		}
		err = crypto_skcipher_setkey(tfm, key, c[i].keylen);
		req = err ? NULL : skcipher_request_alloc(tfm, GFP_KERNEL);
		if (req) {
			skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG,
						      crypto_req_done, &wait);
			skcipher_request_set_crypt(req, NULL, NULL, 0, iv);
			err = crypto_wait_req(crypto_skcipher_encrypt(req), &wait);
			skcipher_request_free(req);
		} else if (!err) {
			err = -ENOMEM;
		}
		crypto_free_skcipher(tfm);
check:
		if (err != c[i].want && !bad++)
			scnprintf(why, sizeof(why), "%s: %d, expected %d",
				  c[i].drv, err, c[i].want);
	}
	badinput_result(!bad, "zero-length-no-sg", "%s",
			bad ? why : "ecb/cbc/ctr 0, xts -EINVAL, nothing touched");
}

static int __init badinput_init(void)
{
	results = kzalloc(BADINPUT_BUF_SIZE, GFP_KERNEL);
	if (!results)
		return -ENOMEM;

	badinput_xts_weak();
	badinput_hash_states();
	badinput_zero_nosg();

	badinput_blob.data = results;
	badinput_blob.size = results_len;
	badinput_dir = debugfs_create_dir("acrypto_badinput", NULL);
	debugfs_create_blob("results", 0444, badinput_dir, &badinput_blob);
	return 0;
}

static void __exit badinput_exit(void)
{
	debugfs_remove(badinput_dir);
	kfree(results);
}

module_init(badinput_init);
module_exit(badinput_exit);

MODULE_DESCRIPTION("acrypto bad-input catalogue: cases only kernel callers can reach");
MODULE_LICENSE("GPL");

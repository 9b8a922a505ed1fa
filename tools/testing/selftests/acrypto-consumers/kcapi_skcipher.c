// SPDX-License-Identifier: GPL-2.0
/*
 * kcapi_skcipher - the acrypto AES skciphers as dm-crypt uses them, through
 * AF_ALG (libkcapi): ecb(aes), cbc(aes), ctr(aes), xts(aes).
 *
 * For each mode:
 *  - the name resolves to the acrypto driver;
 *  - NIST SP 800-38A / IEEE 1619 vectors, sync (sendmsg, vmsplice), stream
 *    and AIO (a batch of requests in flight);
 *  - random round trips agree with the kernel's generic implementation;
 *  - a stream read back in several recv() calls, and a batch of AIO
 *    requests, chain the IV exactly as the kernel's implementation does
 *    (CBC: last ciphertext block; CTR: the counter; XTS: as AES-NI);
 *  - bad key sizes, and lengths the mode does not allow (ECB/CBC: not a
 *    block multiple; XTS: under one block) fail with -EINVAL;
 *  - the soft device counted one step per request.
 *
 * Usage: kcapi_skcipher [-s SEED] [-q] [-a ecb|cbc|ctr|xts] [-d DEVICE]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "hex.h"
#include "vectors.h"

struct alg {
	const char *key;
	const char *name;
	const char *drv;
	const char *ref;
	/*
	 * Where requests share the IV (a stream read in pieces, an AIO
	 * batch), the IV a request leaves behind matters.  For XTS the crypto
	 * API does not define it: the generic template leaves it alone, the
	 * AES-NI driver leaves the last tweak.  Compare with the latter, the
	 * code the soft device runs.
	 */
	const char *chain_ref;
	unsigned int ivsize;
	unsigned int blk;	/* length must be a multiple (1: any) */
	unsigned int minlen;
	bool xts;
};

static const struct alg algs[] = {
	{ "ecb", "ecb(aes)", "acrypto-ecb-aes", "ecb(aes-generic)",
	  "ecb(aes-generic)", 0, 16, 16, false },
	{ "cbc", "cbc(aes)", "acrypto-cbc-aes", "cbc(aes-generic)",
	  "cbc(aes-generic)", 16, 16, 16, false },
	{ "ctr", "ctr(aes)", "acrypto-ctr-aes", "ctr(aes-generic)",
	  "ctr(aes-generic)", 16, 1, 1, false },
	{ "xts", "xts(aes)", "acrypto-xts-aes", "xts(ecb(aes-generic))",
	  "xts-aes-aesni", 16, 1, 16, true },
};

static const char *dev;
static uint8_t *in, *out, *out2, *keybuf, *ivbuf;

#define MAXLEN	(64 * 1024)

static void check_counters(struct check *c, const struct devctr *before,
			   long long steps)
{
	struct devctr now, d, e = { 0 };

	ctr_read(dev, &now);
	ctr_sub(&d, &now, before);
	ctr_add(&e, steps, steps, steps, 0);
	check_note(c, ctr_eq(&d, &e), "%s counters: expected %s, got %s", dev,
		   ctr_str(&e), ctr_str(&d));
}

static ssize_t run(const char *name, const uint8_t *key, unsigned int klen,
		   const uint8_t *iv, bool enc, const uint8_t *src,
		   uint8_t *dst, size_t len, enum xfer x, unsigned int chunks,
		   size_t recv_chunk, unsigned int *recvs, const char **stage)
{
	size_t cuts[8];
	unsigned int i, n = 0;
	struct skcipher_op op = {
		.alg = name, .key = key, .klen = klen, .iv = iv, .enc = enc,
		.in = src, .out = dst, .len = len, .xfer = x, .cuts = cuts,
		.aio_chunks = chunks, .recv_chunk = recv_chunk,
		.recvs = recvs,
	};

	if (x == XFER_STREAM && len > 1) {
		n = rnd_range(1, 4);
		for (i = 0; i < n; i++)
			cuts[i] = rnd_range(1, len - 1);
		for (i = 1; i < n; i++) {
			size_t v = cuts[i];
			unsigned int j = i;

			while (j && cuts[j - 1] > v) {
				cuts[j] = cuts[j - 1];
				j--;
			}
			cuts[j] = v;
		}
	}
	op.ncuts = n;
	return skcipher_run(&op, stage);
}

/* One vector of vectors.h per mode, decoded. */
struct skcipher_kat {
	const char *src;
	uint8_t key[64];
	unsigned int klen;
	uint8_t iv[16];
	uint8_t ptext[512], ctext[512];
	size_t len;
};

/*
 * The AES-128 vector of SP 800-38A for ECB, CBC and CTR, and IEEE 1619
 * vector 4 (512 bytes, several blocks and a tweak that moves) for XTS.
 */
static const char *const kat_names[] = {
	"SP 800-38A F.1.1/F.1.2 ECB-AES128",
	"SP 800-38A F.2.1/F.2.2 CBC-AES128",
	"SP 800-38A F.5.1/F.5.2 CTR-AES128",
	"IEEE 1619 XTS-AES-128 vector 4 (512 bytes)",
};

static const struct skcipher_kat *kat_of(const struct alg *a)
{
	static struct skcipher_kat kats[ARRAY_SIZE(algs)];
	struct skcipher_kat *k = &kats[a - algs];
	const struct kat_vector *v = NULL;
	size_t i;

	if (k->src)
		return k;
	for (i = 0; i < KAT_NVECTORS && !v; i++)
		if (!strcmp(kat_vectors[i].name, kat_names[a - algs]))
			v = &kat_vectors[i];
	if (!v || strcmp(v->mode, a->key)) {
		fprintf(stderr, "vectors.h: no vector %s\n",
			kat_names[a - algs]);
		abort();
	}
	k->klen = hex2bin(v->key, k->key, sizeof(k->key));
	if (v->iv)
		hex2bin(v->iv, k->iv, sizeof(k->iv));
	k->len = hex2bin(v->ptext, k->ptext, sizeof(k->ptext));
	if (hex2bin(v->ctext, k->ctext, sizeof(k->ctext)) != k->len)
		abort();
	k->src = v->name;
	return k;
}

static void test_resolves(const struct alg *a)
{
	const struct skcipher_kat *v = kat_of(a);
	struct devctr before;
	struct check c = { 0 };
	ssize_t ret;

	ctr_read(dev, &before);
	memcpy(in, v->ptext, v->len);
	ret = run(a->name, v->key, v->klen,
		  v->iv, true, in, out, v->len, XFER_SENDMSG,
		  0, 0, NULL, NULL);
	check_note(&c, ret == (ssize_t)v->len &&
		   !memcmp(out, v->ctext, v->len), "%s: returned %zd, %s",
		   v->src, ret, hex(out, 16));
	check_counters(&c, &before, 1);
	check_end(&c, "%s: bound by name, the work is done by acrypto (%s)",
		  a->name, dev);
}

static void test_kat(const struct alg *a, bool enc, enum xfer x)
{
	const struct skcipher_kat *v = kat_of(a);
	struct devctr before;
	struct check c = { 0 };
	unsigned int recvs = 0;
	const char *stage;
	ssize_t ret;

	ctr_read(dev, &before);
	memcpy(in, enc ? v->ptext : v->ctext, v->len);
	memset(out, 0, v->len);
	ret = run(a->drv, v->key, v->klen,
		  v->iv, enc, in, out, v->len, x, 1, 0,
		  &recvs, &stage);
	check_note(&c, ret == (ssize_t)v->len &&
		   !memcmp(out, enc ? v->ctext : v->ptext, v->len),
		   "%s: %s returned %zd, differs at %ld", v->src, stage, ret,
		   memdiff(out, enc ? v->ctext : v->ptext, v->len));
	check_counters(&c, &before, x == XFER_STREAM ? recvs : 1);
	check_end(&c, "%s: %s, %s, %s", a->name, v->src, enc ? "encrypt" :
		  "decrypt", xfer_name[x]);
}

static unsigned int random_key(const struct alg *a)
{
	static const unsigned int aes[] = { 16, 24, 32 };
	unsigned int klen = aes[rnd() % 3];

	if (a->xts)
		klen = rnd() % 2 ? 32 : 64;
	rnd_fill(keybuf, klen);
	if (a->xts)	/* the two halves must differ (FIPS check) */
		keybuf[0] = ~keybuf[klen / 2];
	return klen;
}

static size_t random_len(const struct alg *a, unsigned int i)
{
	static const size_t lens[] = { 16, 17, 31, 32, 33, 512, 4096, 4097,
				       65536 };
	size_t len = i < ARRAY_SIZE(lens) ? lens[i] : rnd_range(a->minlen,
								 MAXLEN);

	len -= len % a->blk;
	return len < a->minlen ? a->minlen : len;
}

static void test_roundtrip(const struct alg *a, enum xfer x, unsigned int n)
{
	struct devctr before;
	struct check c = { 0 };
	long long steps = 0;
	const char *stage;
	unsigned int i, klen, chunks, recvs;
	size_t len;
	ssize_t ret;

	ctr_read(dev, &before);
	for (i = 0; i < n; i++) {
		klen = random_key(a);
		len = random_len(a, i);
		chunks = 1;
		if (x == XFER_AIO) {
			/* a batch of requests, at most 64 KiB in all */
			static const unsigned int cn[] = { 1, 2, 4, 8, 16 };

			chunks = cn[rnd() % ARRAY_SIZE(cn)];
			len = 512 * chunks * rnd_range(1, 8);
		}
		rnd_fill(ivbuf, 16);
		rnd_fill(in, len);
		ret = run(chunks > 1 ? a->chain_ref : a->ref, keybuf, klen,
			  ivbuf, true, in, out2, len, x, chunks, 0, NULL,
			  &stage);
		if (ret != (ssize_t)len) {
			check_note(&c, false, "reference %s: %s returned %zd",
				   chunks > 1 ? a->chain_ref : a->ref, stage,
				   ret);
			continue;
		}
		recvs = 0;
		ret = run(a->drv, keybuf, klen, ivbuf, true, in, out, len, x,
			  chunks, 0, &recvs, &stage);
		steps += x == XFER_STREAM ? recvs : chunks;
		check_note(&c, ret == (ssize_t)len && !memcmp(out, out2, len),
			   "encrypt %zu bytes (%u requests), key %u: %s "
			   "returned %zd, differs at %ld", len, chunks, klen,
			   stage, ret, memdiff(out, out2, len));
		recvs = 0;
		ret = run(a->drv, keybuf, klen, ivbuf, false, out2, out, len,
			  x, chunks, 0, &recvs, &stage);
		steps += x == XFER_STREAM ? recvs : chunks;
		check_note(&c, ret == (ssize_t)len && !memcmp(out, in, len),
			   "decrypt %zu bytes (%u requests), key %u: %s "
			   "returned %zd, differs at %ld", len, chunks, klen,
			   stage, ret, memdiff(out, in, len));
	}
	check_counters(&c, &before, steps);
	check_end(&c, "%s: %u random round trips against %s, %s", a->name, n,
		  a->ref, xfer_name[x]);
}

/* One stream, read back in pieces: the IV carries over between requests. */
static void test_iv_chaining(const struct alg *a)
{
	struct devctr before;
	struct check c = { 0 };
	long long steps = 0;
	unsigned int i, klen, recvs;
	const char *stage;
	size_t len, piece;
	ssize_t r1, r2;

	ctr_read(dev, &before);
	for (i = 0; i < 12; i++) {
		bool enc = i % 2;

		klen = random_key(a);
		piece = 16 * rnd_range(1, 64);
		len = piece * rnd_range(2, 4);
		rnd_fill(ivbuf, 16);
		rnd_fill(in, len);
		r2 = run(a->chain_ref, keybuf, klen, ivbuf, enc, in, out2, len,
			 XFER_STREAM, 0, piece, NULL, &stage);
		recvs = 0;
		r1 = run(a->drv, keybuf, klen, ivbuf, enc, in, out, len,
			 XFER_STREAM, 0, piece, &recvs, &stage);
		steps += recvs;
		check_note(&c, r1 == (ssize_t)len && r1 == r2 &&
			   !memcmp(out, out2, len), "%s %zu bytes read in %zu-"
			   "byte pieces: acrypto %zd, kernel's %zd, differ at "
			   "%ld", enc ? "encrypt" : "decrypt", len, piece, r1,
			   r2, memdiff(out, out2, len));
	}
	check_counters(&c, &before, steps);
	check_end(&c, "%s: the IV carries over between requests of a stream "
		  "as with %s", a->name, a->chain_ref);
}

static void test_bad_keys(const struct alg *a)
{
	static const unsigned int aes[] = { 0, 1, 8, 15, 17, 20, 31, 33, 64 };
	static const unsigned int xts[] = { 0, 16, 31, 33, 40, 47, 63, 65,
					    128 };
	const unsigned int *list = a->xts ? xts : aes;
	struct devctr before;
	struct check c = { 0 };
	const char *s1, *s2;
	unsigned int i;
	ssize_t r1, r2;

	ctr_read(dev, &before);
	rnd_fill(in, 32);
	for (i = 0; i < ARRAY_SIZE(aes); i++) {
		rnd_fill(keybuf, list[i]);
		r1 = run(a->drv, keybuf, list[i], ivbuf, true, in, out, 32,
			 XFER_SENDMSG, 0, 0, NULL, &s1);
		r2 = run(a->ref, keybuf, list[i], ivbuf, true, in, out2, 32,
			 XFER_SENDMSG, 0, 0, NULL, &s2);
		check_note(&c, r1 == -EINVAL && !strcmp(s1, "setkey") &&
			   r1 == r2, "key of %u bytes: acrypto %s %zd, "
			   "kernel's %s %zd", list[i], s1, r1, s2, r2);
	}
	check_counters(&c, &before, 0);
	check_end(&c, "%s: bad key sizes fail setkey with EINVAL", a->name);
}

static void test_bad_lengths(const struct alg *a)
{
	static const size_t bad[] = { 1, 8, 15, 17, 31, 33, 4095, 4097 };
	struct devctr before;
	struct check c = { 0 };
	unsigned int i, klen, n = 0;
	const char *s1, *s2;
	ssize_t r1, r2;

	ctr_read(dev, &before);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		size_t len = bad[i];

		/* XTS takes any length from one block on */
		if (a->xts && len >= 16)
			continue;
		n++;
		klen = random_key(a);
		rnd_fill(in, len);
		/* sendmsg: libkcapi itself refuses partial blocks here */
		r1 = run(a->drv, keybuf, klen, ivbuf, i % 2, in, out, len,
			 XFER_STREAM, 0, 0, NULL, &s1);
		r2 = run(a->ref, keybuf, klen, ivbuf, i % 2, in, out2, len,
			 XFER_STREAM, 0, 0, NULL, &s2);
		check_note(&c, r1 == -EINVAL && r1 == r2, "%zu bytes: acrypto "
			   "%s %zd, kernel's %s %zd", len, s1, r1, s2, r2);
	}
	check_counters(&c, &before, 0);
	check_end(&c, "%s: lengths the mode does not allow fail with EINVAL "
		  "(%u lengths)", a->name, n);
}

int main(int argc, char **argv)
{
	unsigned int i, x;

	common_args(argc, argv);
	dev = opt_dev;
	if (!afalg_setup()) {
		printf("Bail out! AF_ALG is not available\n");
		return 1;
	}
	if (!dev_exists(dev)) {
		printf("Bail out! no acrypto device %s\n", dev);
		return 1;
	}
	in = xalloc(MAXLEN + 4096);
	out = xalloc(MAXLEN + 4096);
	out2 = xalloc(MAXLEN + 4096);
	keybuf = xalloc(4096);
	ivbuf = xalloc(4096);

	for (i = 0; i < ARRAY_SIZE(algs); i++) {
		const struct alg *a = &algs[i];

		if (opt_alg && strcmp(opt_alg, a->key))
			continue;
		tap_diag("%s: %s against %s", a->name, a->drv, a->ref);
		test_resolves(a);
		for (x = 0; x < __XFER_MAX; x++) {
			test_kat(a, true, x);
			test_kat(a, false, x);
		}
		for (x = 0; x < __XFER_MAX; x++)
			test_roundtrip(a, x, quick ? 6 : 16);
		if (a->ivsize)
			test_iv_chaining(a);
		test_bad_keys(a);
		if (a->blk > 1 || a->xts)
			test_bad_lengths(a);
	}
	return tap_finish();
}

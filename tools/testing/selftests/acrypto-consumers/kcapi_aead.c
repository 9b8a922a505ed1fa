// SPDX-License-Identifier: GPL-2.0
/*
 * kcapi_aead - the acrypto AEAD algorithms through AF_ALG (libkcapi):
 * gcm(aes), rfc4106(gcm(aes)) and authenc(hmac(sha256),cbc(aes)).
 *
 * For each algorithm, with the data sent by sendmsg(), by vmsplice(), in
 * stream pieces and through AIO:
 *  - the name resolves to the acrypto driver (the soft device counts it);
 *  - known-answer vectors encrypt and decrypt (GCM specification test
 *    cases; testmgr.h vectors for RFC 4106 and authenc);
 *  - random round trips agree with the kernel's own implementation, bound
 *    by driver name (generic C code, independent of the AES-NI code the soft
 *    device runs), for key sizes, AAD lengths, text lengths and tag sizes;
 *  - a wrong tag, ciphertext or AAD fails with -EBADMSG and, for authenc,
 *    leaves no plaintext in the output buffer;
 *  - bad key sizes, tag sizes, AAD lengths (rfc4106) and text lengths that
 *    are not a block multiple (authenc) fail with -EINVAL, like the kernel's
 *    implementation;
 *  - after each check, the soft device's counters moved by exactly the
 *    steps the operations needed (gcm: one per operation; authenc: cipher
 *    and MAC, the MAC only when the tag is wrong or there is no text).
 *
 * Usage: kcapi_aead [-s SEED] [-q] [-a gcm|rfc4106|authenc] [-d DEVICE]
 *                   [-r CIPHERDEV [-f FAILKNOB]]
 * -d: the device whose counters must account for the work, default soft;
 *     it must be the only acrypto device serving these algorithms.
 * -r: route mode: CIPHERDEV, a device with AES-CBC and no MAC (the test
 *     device), must get authenc's cipher steps and nothing else; -d gets
 *     the MAC steps and all of GCM.  Only the checks that reach the engine
 *     run.  -f: the debugfs fail_every knob of CIPHERDEV: a route whose
 *     cipher step fails there is retried on the other device.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "vectors.h"

enum kind { GCM, RFC4106, AUTHENC };

struct alg {
	const char *key;	/* for -a */
	const char *name;	/* cra_name */
	const char *drv;	/* the acrypto driver */
	const char *ref;	/* the kernel's own, generic C */
	const char *hmac_ref;	/* authenc: to compute valid tags by hand */
	enum kind kind;
	const struct aead_kat *kat;
	size_t nkat;
	unsigned int ivsize;
	unsigned int maxauth;
	unsigned int blk;	/* text length must be a multiple of this */
};

static const struct alg algs[] = {
	{ "gcm", "gcm(aes)", "acrypto-gcm-aes",
	  "gcm_base(ctr(aes-generic),ghash-generic)", NULL,
	  GCM, gcm_kat, ARRAY_SIZE(gcm_kat), 12, 16, 1 },
	{ "rfc4106", "rfc4106(gcm(aes))", "acrypto-rfc4106-gcm-aes",
	  "rfc4106(gcm_base(ctr(aes-generic),ghash-generic))", NULL,
	  RFC4106, rfc4106_kat, ARRAY_SIZE(rfc4106_kat), 8, 16, 1 },
	{ "authenc", "authenc(hmac(sha256),cbc(aes))",
	  "acrypto-authenc-hmac-sha256-cbc-aes",
	  "authenc(hmac(sha256-generic),cbc(aes-generic))",
	  "hmac(sha256-generic)",
	  AUTHENC, authenc_kat, ARRAY_SIZE(authenc_kat), 16, 32, 16 },
};

/*
 * The devices expected to do the work: @mdev the AEAD and MAC steps (the
 * soft device), @cdev authenc's cipher step.  Without -r both are the same
 * device; with -r DEV (a cipher-only device, the test device) authenc's
 * route must take its cipher step to DEV and its MAC step to @mdev, and
 * GCM must never reach DEV.
 */
static const char *mdev = "soft", *cdev = "soft";

#define BUFSZ	(72 * 1024)
#define MAXTEXT	(64 * 1024 - 128)	/* AAD + text + tag within 64 KiB */

static uint8_t *in, *out, *out2, *ref, *pt, *keybuf, *ivbuf;

/* Counters of both devices, or what they should have done. */
struct snap {
	struct devctr c;	/* cipher-step device */
	struct devctr m;	/* AEAD/MAC device */
};

static void snap_read(struct snap *sn)
{
	ctr_read(cdev, &sn->c);
	ctr_read(mdev, &sn->m);
}

enum outcome { OK, BADMSG, EARLY };	/* EARLY: refused before the engine */

/* Steps an operation of ours costs, and where. */
static void expect(struct snap *e, const struct alg *a, bool enc,
		   size_t textlen, enum outcome o)
{
	if (o == EARLY)
		return;
	if (a->kind != AUTHENC) {
		ctr_add(&e->m, 1, 1, 1, o == BADMSG);
		return;
	}
	/* authenc: MAC only without text, or when decryption's tag fails */
	if (!textlen || (!enc && o == BADMSG)) {
		ctr_add(&e->m, 1, 1, 1, 0);
	} else if (enc) {
		/* cipher, then MAC: the MAC step finishes the session */
		ctr_add(&e->c, 1, 1, 0, 0);
		ctr_add(&e->m, 1, 1, 1, 0);
	} else {
		/* MAC and tag check, then cipher, which finishes */
		ctr_add(&e->m, 1, 1, 0, 0);
		ctr_add(&e->c, 1, 1, 1, 0);
	}
}

/* The counters moved exactly as *exp says since *before?  Noted in *c. */
static void check_counters(struct check *c, const struct snap *before,
			   const struct snap *exp)
{
	struct snap now, d;

	snap_read(&now);
	ctr_sub(&d.c, &now.c, &before->c);
	ctr_sub(&d.m, &now.m, &before->m);
	if (!strcmp(cdev, mdev)) {
		struct devctr e = exp->c;

		ctr_add(&e, exp->m.sstarted, exp->m.scompleted,
			exp->m.sfinished, exp->m.errors);
		check_note(c, ctr_eq(&d.m, &e), "%s counters: expected %s, "
			   "got %s", mdev, ctr_str(&e), ctr_str(&d.m));
		return;
	}
	check_note(c, ctr_eq(&d.c, &exp->c), "%s counters: expected %s, got %s",
		   cdev, ctr_str(&exp->c), ctr_str(&d.c));
	check_note(c, ctr_eq(&d.m, &exp->m), "%s counters: expected %s, got %s",
		   mdev, ctr_str(&exp->m), ctr_str(&d.m));
}

/* authenc key blob: rtattr { len 8, type 1 } be32 enckeylen, auth, enc */
static unsigned int authenc_key(uint8_t *k, const uint8_t *auth,
				unsigned int alen, const uint8_t *enc,
				unsigned int elen)
{
	k[0] = 8; k[1] = 0;	/* rta_len, little endian host */
	k[2] = 1; k[3] = 0;	/* CRYPTO_AUTHENC_KEYA_PARAM */
	k[4] = elen >> 24; k[5] = elen >> 16; k[6] = elen >> 8; k[7] = elen;
	memcpy(k + 8, auth, alen);
	memcpy(k + 8 + alen, enc, elen);
	return 8 + alen + elen;
}

/* A random valid key for @a into keybuf; returns its length. */
static unsigned int random_key(const struct alg *a)
{
	static const unsigned int aes[] = { 16, 24, 32 };
	unsigned int klen = aes[rnd() % 3];
	uint8_t ak[128], ek[32];
	unsigned int alen;

	switch (a->kind) {
	case GCM:
		rnd_fill(keybuf, klen);
		return klen;
	case RFC4106:
		rnd_fill(keybuf, klen + 4);
		return klen + 4;
	case AUTHENC:
		alen = rnd() % 4 ? 32 : rnd_range(0, 100);
		rnd_fill(ak, alen);
		rnd_fill(ek, klen);
		return authenc_key(keybuf, ak, alen, ek, klen);
	}
	return 0;
}

static unsigned int random_authsize(const struct alg *a)
{
	static const unsigned int gcm[] = { 4, 8, 12, 13, 14, 15, 16, 16 };
	static const unsigned int rfc[] = { 8, 12, 16, 16 };
	static const unsigned int auth[] = { 12, 16, 24, 32, 32 };

	switch (a->kind) {
	case GCM:
		return gcm[rnd() % ARRAY_SIZE(gcm)];
	case RFC4106:
		return rfc[rnd() % ARRAY_SIZE(rfc)];
	case AUTHENC:
		return auth[rnd() % ARRAY_SIZE(auth)];
	}
	return 16;
}

static unsigned int random_alen(const struct alg *a)
{
	if (a->kind == RFC4106)
		return rnd() % 2 ? 16 : 20;	/* SPI, seq (ESN), IV */
	return rnd() % 4 ? rnd_range(0, 64) : 0;
}

static size_t random_cuts(size_t *cuts, size_t len)
{
	unsigned int i, n = rnd_range(1, 5);

	if (len < 2)
		return 0;
	for (i = 0; i < n; i++)
		cuts[i] = rnd_range(1, len - 1);
	/* ascending */
	for (i = 1; i < n; i++) {
		size_t v = cuts[i];
		unsigned int j = i;

		while (j && cuts[j - 1] > v) {
			cuts[j] = cuts[j - 1];
			j--;
		}
		cuts[j] = v;
	}
	return n;
}

/* Run one operation with the given transfer. */
static ssize_t run(const char *name, const uint8_t *key, unsigned int klen,
		   unsigned int authsize, const uint8_t *iv, unsigned int alen,
		   bool enc, const uint8_t *src, size_t srclen, uint8_t *dst,
		   size_t dstlen, enum xfer x, const char **stage)
{
	size_t cuts[8];
	struct aead_op op = {
		.alg = name, .key = key, .klen = klen, .authsize = authsize,
		.iv = iv, .alen = alen, .enc = enc, .in = src,
		.inlen = srclen, .out = dst, .outlen = dstlen ? dstlen : 1,
		.xfer = x, .cuts = cuts,
	};

	if (x == XFER_STREAM)
		op.ncuts = random_cuts(cuts, srclen);
	return aead_run(&op, stage);
}

/* ---- the tests ---- */

static void test_resolves(const struct alg *a)
{
	const struct aead_kat *v = &a->kat[0];
	struct snap before, exp = { 0 };
	struct check c = { 0 };
	ssize_t ret;

	snap_read(&before);
	memcpy(in, v->assoc, v->alen);
	memcpy(in + v->alen, v->ptext, v->plen);
	ret = run(a->name, (const uint8_t *)v->key, v->klen, v->clen - v->plen,
		  (const uint8_t *)v->iv, v->alen, true, in, v->alen + v->plen,
		  out, v->alen + v->clen, XFER_SENDMSG, NULL);
	check_note(&c, ret == (ssize_t)(v->alen + v->clen),
		   "encrypt returned %zd", ret);
	expect(&exp, a, true, v->plen, OK);
	check_counters(&c, &before, &exp);
	check_end(&c, "%s: bound by name, the work is done by acrypto (%s)",
		  a->name, strcmp(cdev, mdev) && a->kind == AUTHENC ?
		  "route: cipher step on the cipher device, MAC on the other" :
		  mdev);
}

/*
 * An unexpected return value of ours is fine if the kernel's implementation
 * returns the same through the same path: libkcapi's AIO, for one, reports
 * an empty result as one byte.
 */
static bool ref_agrees(const struct alg *a, const struct aead_kat *v,
		       bool enc, enum xfer x, ssize_t ours)
{
	size_t inlen = v->alen + (enc ? v->plen : v->clen);
	size_t outlen = v->alen + (enc ? v->clen : v->plen);
	ssize_t ret;

	ret = run(a->ref, (const uint8_t *)v->key, v->klen, v->clen - v->plen,
		  (const uint8_t *)v->iv, v->alen, enc, in, inlen, out2,
		  outlen, x, NULL);
	if (ret != ours)
		return false;
	tap_diag("%s %s %s: returned %zd for %zu bytes, as the kernel's "
		 "implementation does", v->src, enc ? "encrypt" : "decrypt",
		 xfer_name[x], ret, outlen);
	return true;
}

static void test_kat(const struct alg *a, bool enc, enum xfer x)
{
	struct snap before, exp = { 0 };
	struct check c = { 0 };
	const char *stage;
	size_t i;

	snap_read(&before);
	for (i = 0; i < a->nkat; i++) {
		const struct aead_kat *v = &a->kat[i];
		unsigned int authsize = v->clen - v->plen;
		size_t inlen = v->alen + (enc ? v->plen : v->clen);
		size_t outlen = v->alen + (enc ? v->clen : v->plen);
		const char *want = enc ? v->ctext : v->ptext;
		ssize_t ret;
		long d;

		memcpy(in, v->assoc, v->alen);
		memcpy(in + v->alen, enc ? v->ptext : v->ctext,
		       enc ? v->plen : v->clen);
		memset(out, 0xa5, outlen + 64);
		ret = run(a->drv, (const uint8_t *)v->key, v->klen, authsize,
			  (const uint8_t *)v->iv, v->alen, enc, in, inlen, out,
			  outlen, x, &stage);
		expect(&exp, a, enc, v->plen, v->novrfy && !enc ? BADMSG : OK);
		if (v->novrfy && !enc) {
			check_note(&c, ret == -EBADMSG,
				   "%s: decrypt of a bad tag returned %zd",
				   v->src, ret);
			continue;
		}
		if (ret != (ssize_t)outlen && !ref_agrees(a, v, enc, x, ret)) {
			check_note(&c, false, "%s: %s returned %zd (expected %zu)",
				   v->src, stage, ret, outlen);
			continue;
		}
		d = memdiff(out, v->assoc, v->alen);
		if (d < 0) {
			d = memdiff(out + v->alen, want, outlen - v->alen);
			if (d >= 0)
				d += v->alen;
		}
		check_note(&c, d < 0, "%s: output differs at byte %ld: %s",
			   v->src, d, hex(out + (d > 0 ? d : 0), 16));
	}
	check_counters(&c, &before, &exp);
	check_end(&c, "%s: known answers, %s, %s (%zu vectors)", a->name,
		  enc ? "encrypt" : "decrypt", xfer_name[x], a->nkat);
}

static const size_t text_lens[] = {
	0, 1, 15, 16, 17, 31, 32, 33, 64, 255, 256, 1000, 1500, 4095, 4096,
	4097, 8192 + 5, 16384, 30000, 61440, MAXTEXT,
};

static void test_roundtrip(const struct alg *a, enum xfer x, unsigned int n)
{
	struct snap before, exp = { 0 };
	struct check c = { 0 };
	const char *stage;
	unsigned int i;

	snap_read(&before);
	for (i = 0; i < n; i++) {
		unsigned int klen = random_key(a);
		unsigned int authsize = random_authsize(a);
		unsigned int alen = random_alen(a);
		size_t plen = i < ARRAY_SIZE(text_lens) ?
			      text_lens[i] : rnd_range(0, MAXTEXT);
		size_t ctlen;
		ssize_t ret;

		plen -= plen % a->blk;
		ctlen = plen + authsize;
		rnd_fill(ivbuf, a->ivsize);
		rnd_fill(in, alen + plen);
		if (a->kind == RFC4106)	/* the IV ends the AAD, like ESP */
			memcpy(in + alen - 8, ivbuf, 8);
		memcpy(pt, in, alen + plen);

		/* the kernel's answer */
		ret = run(a->ref, keybuf, klen, authsize, ivbuf, alen, true,
			  in, alen + plen, ref, alen + ctlen, XFER_SENDMSG,
			  &stage);
		if (ret != (ssize_t)(alen + ctlen)) {
			check_note(&c, false, "reference %s: %s returned %zd",
				   a->ref, stage, ret);
			continue;
		}
		/* ours: the same ciphertext and tag */
		memset(out, 0x5a, alen + ctlen);
		ret = run(a->drv, keybuf, klen, authsize, ivbuf, alen, true,
			  in, alen + plen, out, alen + ctlen, x, &stage);
		expect(&exp, a, true, plen, OK);
		check_note(&c, ret == (ssize_t)(alen + ctlen) &&
			   !memcmp(out, ref, alen + ctlen),
			   "encrypt klen %u alen %u plen %zu authsize %u: "
			   "%s returned %zd, differs at %ld", klen, alen, plen,
			   authsize, stage, ret, memdiff(out, ref, alen + ctlen));
		/* ours decrypts the kernel's ciphertext */
		memset(out2, 0x5a, alen + plen + 1);
		ret = run(a->drv, keybuf, klen, authsize, ivbuf, alen, false,
			  ref, alen + ctlen, out2, alen + plen, x, &stage);
		expect(&exp, a, false, plen, OK);
		if (!(alen + plen) && ret != 0 && x != XFER_SENDMSG) {
			/* empty result: what does the kernel's say here? */
			ssize_t r2 = run(a->ref, keybuf, klen, authsize, ivbuf,
					 alen, false, ref, alen + ctlen, out,
					 alen + plen, x, NULL);

			if (r2 == ret)
				ret = 0;
		}
		check_note(&c, ret == (ssize_t)(alen + plen) &&
			   !memcmp(out2, pt, alen + plen),
			   "decrypt klen %u alen %u plen %zu authsize %u: "
			   "%s returned %zd, differs at %ld", klen, alen, plen,
			   authsize, stage, ret, memdiff(out2, pt, alen + plen));
	}
	check_counters(&c, &before, &exp);
	check_end(&c, "%s: %u random round trips against %s, %s", a->name, n,
		  a->ref, xfer_name[x]);
}

/*
 * Decryption of tampered messages fails with -EBADMSG.  AF_ALG decrypts out
 * of place, from its copy of the input into the caller's buffer; for
 * authenc the tag is checked before the cipher step, so the text part of
 * that buffer must stay untouched.  (The kernel's GCM decrypts, then
 * verifies: there the buffer holds plaintext after -EBADMSG.  That is
 * reported, not failed.)
 */
static void test_bad_tag(const struct alg *a, enum xfer x)
{
	struct snap before, exp = { 0 };
	struct check c = { 0 };
	static const char *const what[] = { "tag", "ciphertext", "AAD",
					    "last tag byte" };
	unsigned int klen, authsize, alen, w, leaked = 0, refleaked = 0;
	size_t plen = a->kind == AUTHENC ? 64 : 50, ctlen, pos;
	const char *stage;
	ssize_t ret;

	snap_read(&before);
	for (w = 0; w < ARRAY_SIZE(what); w++) {
		klen = random_key(a);
		authsize = 16;
		alen = a->kind == RFC4106 ? 16 : 24;
		ctlen = plen + authsize;
		rnd_fill(ivbuf, a->ivsize);
		rnd_fill(in, alen + plen);
		if (a->kind == RFC4106)
			memcpy(in + alen - 8, ivbuf, 8);
		memcpy(pt, in, alen + plen);
		ret = run(a->ref, keybuf, klen, authsize, ivbuf, alen, true,
			  in, alen + plen, ref, alen + ctlen, XFER_SENDMSG,
			  &stage);
		if (ret != (ssize_t)(alen + ctlen)) {
			check_note(&c, false, "reference: %s returned %zd",
				   stage, ret);
			continue;
		}
		switch (w) {
		case 0:
			pos = alen + plen;
			break;
		case 1:
			pos = alen + rnd() % plen;
			break;
		case 2:	/* in the AAD proper, not rfc4106's IV copy */
			pos = rnd() % (a->kind == RFC4106 ? alen - 8 : alen);
			break;
		default:
			pos = alen + ctlen - 1;
			break;
		}
		ref[pos] ^= 1 << (rnd() % 8);

		memset(out, 0x5a, alen + plen);
		ret = run(a->drv, keybuf, klen, authsize, ivbuf, alen, false,
			  ref, alen + ctlen, out, alen + plen, x, &stage);
		expect(&exp, a, false, plen, BADMSG);
		check_note(&c, ret == -EBADMSG,
			   "decrypt with a changed %s: %s returned %zd (%s)",
			   what[w], stage, ret, strerror(ret < 0 ? -ret : 0));
		if (memmem(out + alen, plen, pt + alen, 16))
			leaked++;
		if (a->kind == AUTHENC) {
			size_t k;

			for (k = 0; k < plen && out[alen + k] == 0x5a; k++)
				;
			check_note(&c, k == plen, "changed %s: the output "
				   "buffer was written at %zu (%s), the cipher "
				   "step must not run", what[w], k,
				   hex(out + alen + k, 16));
		}

		/* the kernel's implementation, for comparison */
		memset(out2, 0x5a, alen + plen);
		ret = run(a->ref, keybuf, klen, authsize, ivbuf, alen, false,
			  ref, alen + ctlen, out2, alen + plen, XFER_SENDMSG,
			  &stage);
		check_note(&c, ret == -EBADMSG,
			   "reference decrypt with a changed %s returned %zd",
			   what[w], ret);
		if (memmem(out2 + alen, plen, pt + alen, 16))
			refleaked++;
	}
	if (leaked || refleaked)
		tap_diag("%s %s: plaintext in the output buffer after -EBADMSG: "
			 "acrypto %u of %zu, kernel's %u (decrypt, then "
			 "verify: as the kernel's GCM does)",
			 a->name, xfer_name[x], leaked, ARRAY_SIZE(what),
			 refleaked);
	check_counters(&c, &before, &exp);
	check_end(&c, "%s: tampered tag, ciphertext or AAD fail with EBADMSG%s, "
		  "%s", a->name,
		  a->kind == AUTHENC ? " and release no plaintext" : "",
		  xfer_name[x]);
}

/* rfc4106: the IV copy at the end of the AAD is not authenticated. */
static void test_rfc4106_iv_in_aad(const struct alg *a)
{
	struct snap before, exp = { 0 };
	struct check c = { 0 };
	unsigned int klen = random_key(a), alen = 16, authsize = 16;
	size_t plen = 40, ctlen = plen + authsize;
	const char *stage;
	ssize_t r1, r2;

	snap_read(&before);
	rnd_fill(ivbuf, 8);
	rnd_fill(in, alen + plen);
	memcpy(in + 8, ivbuf, 8);
	memcpy(pt, in, alen + plen);
	r1 = run(a->ref, keybuf, klen, authsize, ivbuf, alen, true, in,
		 alen + plen, ref, alen + ctlen, XFER_SENDMSG, &stage);
	check_note(&c, r1 == (ssize_t)(alen + ctlen),
		   "reference encrypt: %s returned %zd", stage, r1);
	ref[8] ^= 0x80;		/* the IV copy */
	r1 = run(a->ref, keybuf, klen, authsize, ivbuf, alen, false, ref,
		 alen + ctlen, out2, alen + plen, XFER_SENDMSG, &stage);
	r2 = run(a->drv, keybuf, klen, authsize, ivbuf, alen, false, ref,
		 alen + ctlen, out, alen + plen, XFER_SENDMSG, &stage);
	expect(&exp, a, false, plen, r2 == -EBADMSG ? BADMSG : OK);
	check_note(&c, r1 == r2, "kernel's returned %zd, acrypto %zd", r1, r2);
	if (r1 >= 0 && r2 >= 0)
		check_note(&c, !memcmp(out + alen, out2 + alen, plen),
			   "plaintexts differ");
	check_counters(&c, &before, &exp);
	check_end(&c, "%s: a changed IV copy in the AAD is treated as the "
		  "kernel's rfc4106 does", a->name);
}

static void test_bad_keys(const struct alg *a)
{
	static const unsigned int gcm[] = { 0, 1, 8, 15, 17, 20, 23, 25, 31,
					    33, 48, 64 };
	static const unsigned int rfc[] = { 0, 3, 4, 16, 19, 21, 27, 29, 35,
					    37, 52 };
	static const unsigned int enc[] = { 0, 1, 15, 17, 20, 31, 33, 64 };
	struct snap before, exp = { 0 };
	struct check c = { 0 };
	const unsigned int *list;
	unsigned int i, n, klen;
	uint8_t ak[32], ek[64];
	const char *s1, *s2;
	ssize_t r1, r2;

	snap_read(&before);
	list = a->kind == GCM ? gcm : a->kind == RFC4106 ? rfc : enc;
	n = a->kind == GCM ? ARRAY_SIZE(gcm) :
	    a->kind == RFC4106 ? ARRAY_SIZE(rfc) : ARRAY_SIZE(enc);
	rnd_fill(ak, sizeof(ak));
	rnd_fill(ek, sizeof(ek));
	rnd_fill(in, 64);
	for (i = 0; i < n + (a->kind == AUTHENC ? 4 : 0); i++) {
		if (a->kind != AUTHENC) {
			klen = list[i];
			rnd_fill(keybuf, klen);
		} else if (i < n) {
			klen = authenc_key(keybuf, ak, 32, ek, list[i]);
		} else {
			/* malformed blobs */
			klen = authenc_key(keybuf, ak, 32, ek, 16);
			switch (i - n) {
			case 0: keybuf[0] = 4; break;	/* rta_len too short */
			case 1: keybuf[2] = 2; break;	/* wrong rta_type */
			case 2: keybuf[7] = 60; break;	/* enckeylen > key */
			default: klen = 6; break;	/* shorter than rtattr */
			}
		}
		r1 = run(a->drv, keybuf, klen, 0, ivbuf,
			 a->kind == RFC4106 ? 16 : 0, true, in, 32, out, 64,
			 XFER_SENDMSG, &s1);
		r2 = run(a->ref, keybuf, klen, 0, ivbuf,
			 a->kind == RFC4106 ? 16 : 0, true, in, 32, out2, 64,
			 XFER_SENDMSG, &s2);
		check_note(&c, r1 == -EINVAL && !strcmp(s1, "setkey"),
			   "key %u (%s): acrypto %s returned %zd, kernel's %s "
			   "%zd", i, hex(keybuf, klen > 12 ? 12 : klen), s1, r1,
			   s2, r2);
		check_note(&c, r2 == r1, "key %u: kernel's %s returned %zd, "
			   "acrypto %zd", i, s2, r2, r1);
	}
	check_counters(&c, &before, &exp);
	check_end(&c, "%s: bad key sizes and malformed keys fail setkey with "
		  "EINVAL", a->name);
}

static void test_bad_authsize(const struct alg *a)
{
	static const unsigned int gcm[] = { 1, 2, 3, 5, 6, 7, 9, 10, 11, 17,
					    32 };
	static const unsigned int rfc[] = { 4, 5, 6, 7, 9, 10, 11, 13, 14, 15,
					    17 };
	static const unsigned int auth[] = { 33, 48, 64 };
	struct snap before, exp = { 0 };
	struct check c = { 0 };
	const unsigned int *list;
	unsigned int i, n, klen;
	const char *s1, *s2;
	ssize_t r1, r2;

	list = a->kind == GCM ? gcm : a->kind == RFC4106 ? rfc : auth;
	n = a->kind == GCM ? ARRAY_SIZE(gcm) :
	    a->kind == RFC4106 ? ARRAY_SIZE(rfc) : ARRAY_SIZE(auth);
	snap_read(&before);
	for (i = 0; i < n; i++) {
		klen = random_key(a);
		r1 = run(a->drv, keybuf, klen, list[i], ivbuf,
			 a->kind == RFC4106 ? 16 : 0, true, in, 32, out, 96,
			 XFER_SENDMSG, &s1);
		r2 = run(a->ref, keybuf, klen, list[i], ivbuf,
			 a->kind == RFC4106 ? 16 : 0, true, in, 32, out2, 96,
			 XFER_SENDMSG, &s2);
		check_note(&c, r1 == -EINVAL && !strcmp(s1, "setauthsize"),
			   "authsize %u: acrypto %s returned %zd", list[i], s1,
			   r1);
		check_note(&c, r1 == r2, "authsize %u: kernel's %s returned "
			   "%zd, acrypto %zd", list[i], s2, r2, r1);
	}
	check_counters(&c, &before, &exp);
	check_end(&c, "%s: bad tag sizes fail with EINVAL", a->name);
}

/* rfc4106: AAD must be 16 or 20 bytes (SPI, sequence number, IV). */
static void test_rfc4106_assoclen(const struct alg *a)
{
	static const unsigned int bad[] = { 0, 8, 12, 15, 17, 19, 21, 24, 32 };
	struct snap before, exp = { 0 };
	struct check c = { 0 };
	const char *s1, *s2;
	unsigned int i, klen;
	ssize_t r1, r2;

	snap_read(&before);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		klen = random_key(a);
		rnd_fill(in, bad[i] + 32);
		r1 = run(a->drv, keybuf, klen, 16, ivbuf, bad[i], true, in,
			 bad[i] + 32, out, bad[i] + 48, XFER_SENDMSG, &s1);
		r2 = run(a->ref, keybuf, klen, 16, ivbuf, bad[i], true, in,
			 bad[i] + 32, out2, bad[i] + 48, XFER_SENDMSG, &s2);
		check_note(&c, r1 == -EINVAL, "assoclen %u: acrypto %s "
			   "returned %zd", bad[i], s1, r1);
		check_note(&c, r1 == r2, "assoclen %u: kernel's %s returned "
			   "%zd, acrypto %zd", bad[i], s2, r2, r1);
	}
	check_counters(&c, &before, &exp);
	check_end(&c, "%s: AAD lengths other than 16 and 20 fail with EINVAL",
		  a->name);
}

/*
 * authenc: a text that is not a multiple of the AES block fails with
 * -EINVAL, encrypting or decrypting (with a valid tag, so that the
 * kernel's implementation, which checks the tag first, gets that far).
 */
static void test_authenc_lengths(const struct alg *a)
{
	static const size_t bad[] = { 1, 8, 15, 17, 31, 33, 100, 4095 };
	struct snap before, exp = { 0 };
	struct check c = { 0 };
	unsigned int i, alen = 16, authsize = 32;
	uint8_t ak[32], ek[16], tag[32];
	const char *s1, *s2;
	unsigned int klen;
	ssize_t r1, r2;

	snap_read(&before);
	rnd_fill(ak, sizeof(ak));
	rnd_fill(ek, sizeof(ek));
	klen = authenc_key(keybuf, ak, 32, ek, 16);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		size_t plen = bad[i];

		rnd_fill(in, alen + plen);
		r1 = run(a->drv, keybuf, klen, authsize, ivbuf, alen, true, in,
			 alen + plen, out, alen + plen + authsize + 16,
			 XFER_SENDMSG, &s1);
		r2 = run(a->ref, keybuf, klen, authsize, ivbuf, alen, true, in,
			 alen + plen, out2, alen + plen + authsize + 16,
			 XFER_SENDMSG, &s2);
		check_note(&c, r1 == -EINVAL, "encrypt %zu bytes: acrypto %s "
			   "returned %zd", plen, s1, r1);
		check_note(&c, r1 == r2, "encrypt %zu bytes: kernel's %s "
			   "returned %zd, acrypto %zd", plen, s2, r2, r1);

		/* "ciphertext" of that length with a valid HMAC-SHA256 tag */
		r2 = md_digest(a->hmac_ref, ak, 32, in, alen + plen, tag, 32);
		if (r2 != 32) {
			check_note(&c, false, "%s returned %zd", a->hmac_ref,
				   r2);
			continue;
		}
		memcpy(in + alen + plen, tag, authsize);
		r1 = run(a->drv, keybuf, klen, authsize, ivbuf, alen, false,
			 in, alen + plen + authsize, out, alen + plen,
			 XFER_SENDMSG, &s1);
		r2 = run(a->ref, keybuf, klen, authsize, ivbuf, alen, false,
			 in, alen + plen + authsize, out2, alen + plen,
			 XFER_SENDMSG, &s2);
		check_note(&c, r1 == -EINVAL, "decrypt %zu bytes: acrypto %s "
			   "returned %zd", plen, s1, r1);
		check_note(&c, r1 == r2, "decrypt %zu bytes: kernel's %s "
			   "returned %zd, acrypto %zd", plen, s2, r2, r1);
	}
	check_counters(&c, &before, &exp);
	check_end(&c, "%s: texts that are not a block multiple fail with "
		  "EINVAL", a->name);
}

/* Decryption input shorter than the tag fails with EINVAL. */
static void test_short_input(const struct alg *a)
{
	struct snap before, exp = { 0 };
	struct check c = { 0 };
	unsigned int klen = random_key(a), alen = a->kind == RFC4106 ? 16 : 8;
	unsigned int len;
	const char *s1, *s2;
	ssize_t r1, r2;

	snap_read(&before);
	for (len = 0; len < 16; len += 5) {
		rnd_fill(in, alen + len);
		r1 = run(a->drv, keybuf, klen, 16, ivbuf, alen, false, in,
			 alen + len, out, alen + 16, XFER_SENDMSG, &s1);
		r2 = run(a->ref, keybuf, klen, 16, ivbuf, alen, false, in,
			 alen + len, out2, alen + 16, XFER_SENDMSG, &s2);
		check_note(&c, r1 == -EINVAL, "%u bytes after the AAD: "
			   "acrypto %s returned %zd", len, s1, r1);
		check_note(&c, r1 == r2, "%u bytes: kernel's %s returned %zd, "
			   "acrypto %zd", len, s2, r2, r1);
	}
	check_counters(&c, &before, &exp);
	check_end(&c, "%s: decryption input shorter than the tag fails with "
		  "EINVAL", a->name);
}

/*
 * The crypto API picks the highest priority among algorithms of one name.
 * Once the kernel's authenc template has an instance for the name (here:
 * the reference bound by driver name above; on a real system: any IPsec SA
 * set up before acrypto was loaded), that instance has priority
 * 10 * cipher + hash (1100 generic, 4170 with AES-NI and AVX2).  acrypto
 * prices its authenc the same way (11 times its 500), so the name still
 * reaches acrypto.
 */
static void test_resolves_after_instance(const struct alg *a)
{
	const struct aead_kat *v = &a->kat[0];
	struct snap before, after;
	ssize_t ret;

	snap_read(&before);
	memcpy(in, v->assoc, v->alen);
	memcpy(in + v->alen, v->ptext, v->plen);
	ret = run(a->name, (const uint8_t *)v->key, v->klen, v->clen - v->plen,
		  (const uint8_t *)v->iv, v->alen, true, in, v->alen + v->plen,
		  out, v->alen + v->clen, XFER_SENDMSG, NULL);
	snap_read(&after);
	tap_check(ret == (ssize_t)(v->alen + v->clen) &&
		  after.m.sfinished > before.m.sfinished,
		  "%s: still bound to acrypto once the kernel's %s instance "
		  "exists", a->name, a->ref);
}

/*
 * authenc with an authentication key over 65535 bytes (HMAC takes any
 * length): as the kernel's implementation.
 */
static void test_authenc_long_authkey(const struct alg *a)
{
	static uint8_t ak[70000];
	struct check c = { 0 };
	unsigned int alen = 16, klen, authsize = 32;
	size_t plen = 64, ctlen = plen + authsize;
	const char *s1, *s2;
	ssize_t r1, r2;
	uint8_t ek[16];
	long optmem;

	optmem = set_optmem(256 * 1024);
	keybuf = realloc(keybuf, 8 + sizeof(ak) + sizeof(ek));
	rnd_fill(ak, sizeof(ak));
	rnd_fill(ek, sizeof(ek));
	klen = authenc_key(keybuf, ak, sizeof(ak), ek, sizeof(ek));
	rnd_fill(in, alen + plen);
	rnd_fill(ivbuf, 16);
	r2 = run(a->ref, keybuf, klen, authsize, ivbuf, alen, true, in,
		 alen + plen, ref, alen + ctlen, XFER_SENDMSG, &s2);
	r1 = run(a->drv, keybuf, klen, authsize, ivbuf, alen, true, in,
		 alen + plen, out, alen + ctlen, XFER_SENDMSG, &s1);
	check_note(&c, r1 == r2 && r1 == (ssize_t)(alen + ctlen) &&
		   !memcmp(out, ref, alen + ctlen), "acrypto %s returned %zd "
		   "(%s), kernel's %s %zd", s1, r1,
		   r1 < 0 ? strerror(-r1) : "", s2, r2);
	if (optmem > 0)
		set_optmem(optmem);
	tap_check(!c.fails,
		  "%s: a 70000-byte authentication key works as with %s",
		  a->name, a->ref);
}

static int write_knob(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -errno;
	err = fputs(val, f) < 0 ? -EIO : 0;
	if (fclose(f))
		err = -errno;
	return err;
}

/*
 * Route with a failing hop: every third request the cipher-only device
 * accepts fails with -EIO (its fail_every knob).  The engine retries that
 * step on the soft device; the results stay right and the counters say
 * exactly which device did which step.
 */
static void test_route_retry(const struct alg *a, unsigned int n)
{
	char errno_knob[512];
	struct snap before, exp = { 0 };
	struct check c = { 0 };
	unsigned int i, klen, authsize, alen, seq = 0, failed = 0;
	const char *stage, *slash = strrchr(opt_knob, '/');
	size_t plen, ctlen;
	ssize_t ret;
	int err;

	snprintf(errno_knob, sizeof(errno_knob), "%.*s/fail_errno",
		 (int)(slash ? slash - opt_knob : 0), opt_knob);
	err = write_knob(errno_knob, "5");	/* EIO: blames the device */
	if (!err)
		err = write_knob(opt_knob, "3");
	if (err) {
		tap_check(false, "%s: route with a failing cipher hop: cannot "
			  "set %s: %s", a->name, opt_knob, strerror(-err));
		return;
	}
	snap_read(&before);
	for (i = 0; i < n; i++) {
		bool f;

		klen = random_key(a);
		authsize = random_authsize(a);
		alen = random_alen(a);
		plen = 16 * rnd_range(1, 256);
		ctlen = plen + authsize;
		rnd_fill(ivbuf, a->ivsize);
		rnd_fill(in, alen + plen);
		memcpy(pt, in, alen + plen);
		ret = run(a->ref, keybuf, klen, authsize, ivbuf, alen, true,
			  in, alen + plen, ref, alen + ctlen, XFER_SENDMSG,
			  &stage);
		if (ret != (ssize_t)(alen + ctlen)) {
			check_note(&c, false, "reference: %s returned %zd",
				   stage, ret);
			continue;
		}
		/* encrypt: cipher (maybe failing, retried on mdev), MAC */
		f = !(++seq % 3);
		failed += f;
		ctr_add(&exp.c, 1, 1, 0, f);
		ctr_add(&exp.m, 1 + f, 1 + f, 1, 0);
		ret = run(a->drv, keybuf, klen, authsize, ivbuf, alen, true,
			  in, alen + plen, out, alen + ctlen,
			  i % 2 ? XFER_AIO : XFER_SENDMSG, &stage);
		check_note(&c, ret == (ssize_t)(alen + ctlen) &&
			   !memcmp(out, ref, alen + ctlen), "encrypt %zu bytes%s:"
			   " %s returned %zd, differs at %ld", plen,
			   f ? " (cipher hop failed)" : "", stage, ret,
			   memdiff(out, ref, alen + ctlen));
		/* decrypt: MAC, then cipher (maybe failing, retried) */
		f = !(++seq % 3);
		failed += f;
		ctr_add(&exp.m, 1 + f, 1 + f, f, 0);
		ctr_add(&exp.c, 1, 1, !f, f);
		ret = run(a->drv, keybuf, klen, authsize, ivbuf, alen, false,
			  ref, alen + ctlen, out2, alen + plen,
			  i % 2 ? XFER_SENDMSG : XFER_AIO, &stage);
		check_note(&c, ret == (ssize_t)(alen + plen) &&
			   !memcmp(out2, pt, alen + plen), "decrypt %zu bytes%s:"
			   " %s returned %zd, differs at %ld", plen,
			   f ? " (cipher hop failed)" : "", stage, ret,
			   memdiff(out2, pt, alen + plen));
	}
	check_counters(&c, &before, &exp);
	err = write_knob(opt_knob, "0");
	check_note(&c, !err, "resetting %s: %s", opt_knob, strerror(-err));
	check_end(&c, "%s: route whose cipher hop fails on %s (%u of %u) is "
		  "retried on %s, results right", a->name, cdev, failed, 2 * n,
		  mdev);
}

int main(int argc, char **argv)
{
	unsigned int i, x;

	common_args(argc, argv);
	mdev = cdev = opt_dev;
	if (opt_route)
		cdev = opt_route;
	if (!afalg_setup()) {
		printf("Bail out! AF_ALG is not available\n");
		return 1;
	}
	if (!dev_exists(mdev) || !dev_exists(cdev)) {
		printf("Bail out! no acrypto device %s or %s\n", mdev, cdev);
		return 1;
	}
	if (opt_route)
		tap_diag("route mode: authenc's cipher step on %s, its MAC "
			 "and every GCM step on %s", cdev, mdev);

	in = xalloc(BUFSZ);
	out = xalloc(BUFSZ);
	out2 = xalloc(BUFSZ);
	ref = xalloc(BUFSZ);
	pt = xalloc(BUFSZ);
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
			test_roundtrip(a, x, quick ? 8 : x == XFER_SENDMSG ?
				       40 : 24);
		if (a->kind == AUTHENC && !opt_route)
			test_resolves_after_instance(a);
		for (x = 0; x < __XFER_MAX; x++)
			test_bad_tag(a, x);
		if (opt_route) {
			/* only what reaches the engine */
			if (a->kind == AUTHENC && opt_knob)
				test_route_retry(a, quick ? 12 : 30);
			continue;
		}
		if (a->kind == RFC4106) {
			test_rfc4106_iv_in_aad(a);
			test_rfc4106_assoclen(a);
		}
		test_bad_keys(a);
		test_bad_authsize(a);
		if (a->kind == AUTHENC) {
			test_authenc_lengths(a);
			test_authenc_long_authkey(a);
		}
		test_short_input(a);
	}
	return tap_finish();
}

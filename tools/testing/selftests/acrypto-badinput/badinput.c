// SPDX-License-Identifier: GPL-2.0
/*
 * badinput - the AF_ALG part of the acrypto bad-input catalogue
 * (Documentation/crypto/bad-input.rst): each case gives the engine's
 * algorithms (bound by driver name, acrypto-*) one kind of bad input and
 * checks the errno, and, where the kernel has its own implementation of
 * the same algorithm, that the kernel's generic implementation answers the
 * same way (parity: acrypto must not accept what the kernel refuses, nor
 * refuse what it accepts).
 *
 * Usage: badinput [-l] [CASE...]
 *   -l      list the cases
 *   CASE    run only these (by name); default all
 *
 * Output: TAP (acrypto-common's tap.h, plan last), one result per case.
 * Exit status 0 when all passed.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "afalg.h"
#include "errno_name.h"
#include "tap.h"

#define AES_BS	16

static unsigned int ncases, nfailed;

/* One result per case: "ok N - CASE" or "ok N - CASE: detail". */
static void tap(bool ok, const char *name, const char *fmt, ...)
{
	char detail[768] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
	}
	ncases++;
	if (!ok)
		nfailed++;
	tap_check(ok, "%s%s%s", name, fmt ? ": " : "", detail);
}

/* ---- algorithms: ours and the kernel's generic reference ---- */

struct alg {
	const char *type;
	const char *ours;
	const char *ref;
	unsigned int ivsize;
};

static const struct alg ECB = { "skcipher", "acrypto-ecb-aes", "ecb(aes-generic)", 0 };
static const struct alg CBC = { "skcipher", "acrypto-cbc-aes", "cbc(aes-generic)", 16 };
static const struct alg CTR = { "skcipher", "acrypto-ctr-aes", "ctr(aes-generic)", 16 };
static const struct alg XTS = { "skcipher", "acrypto-xts-aes", "xts(ecb(aes-generic))", 16 };
static const struct alg GCM = { "aead", "acrypto-gcm-aes",
	"gcm_base(ctr(aes-generic),ghash-generic)", 12 };
static const struct alg RFC4106 = { "aead", "acrypto-rfc4106-gcm-aes",
	"rfc4106(gcm_base(ctr(aes-generic),ghash-generic))", 8 };
static const struct alg AUTHENC = { "aead", "acrypto-authenc-hmac-sha256-cbc-aes",
	"authenc(hmac(sha256-generic),cbc(aes-generic))", 16 };
static const struct alg SHA256 = { "hash", "acrypto-sha256", "sha256-generic", 0 };
static const struct alg HMAC256 = { "hash", "acrypto-hmac-sha256", "hmac(sha256-generic)", 0 };

static uint8_t key64[128], iv0[16], buf_in[8192], buf_out[8192], buf_ref[8192];

static void fill(void *p, size_t len, unsigned int seed)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}

/* setkey on a fresh transform of name: 0 or -errno (binding errors too). */
static int try_setkey(const char *type, const char *name, const void *key,
		      unsigned int klen)
{
	int tfm = afalg_tfm(type, name), err;

	if (tfm < 0)
		return tfm;
	err = afalg_setkey(tfm, key, klen);
	close(tfm);
	return err;
}

/*
 * Every key length in [0, max] must fail with EINVAL except the valid ones,
 * for our driver and the reference alike.
 */
static void case_keylens(const char *name, const struct alg *a,
			 const unsigned int *valid, unsigned int nvalid,
			 unsigned int max)
{
	unsigned int len, i, bad = 0, tested = 0;
	char why[256] = "";

	for (len = 0; len <= max; len++) {
		bool ok_len = false;
		int want, got, ref;

		for (i = 0; i < nvalid; i++)
			ok_len |= valid[i] == len;
		want = ok_len ? 0 : -EINVAL;
		got = try_setkey(a->type, a->ours, key64, len);
		ref = try_setkey(a->type, a->ref, key64, len);
		tested++;
		if (got != want || ref != want) {
			if (!bad++)
				snprintf(why, sizeof(why),
					 "keylen %u: %s gave %s, %s gave %s, expected %s",
					 len, a->ours, errno_name(got), a->ref,
					 errno_name(ref), errno_name(want));
		}
	}
	if (bad)
		tap(false, name, "%s (%u of %u lengths wrong)", why, bad, tested);
	else
		tap(true, name, "%u key lengths: EINVAL except the valid ones",
		    tested);
}

/* The valid key lengths: AES, XTS (two AES keys), RFC 4106 (key + salt). */
static const unsigned int aes_keys[] = { 16, 24, 32 };
static const unsigned int xts_keys[] = { 32, 48, 64 };
static const unsigned int rfc4106_keys[] = { 20, 28, 36 };

static void c_keylen_ecb(const char *n)
{
	case_keylens(n, &ECB, aes_keys, 3, 80);
}

static void c_keylen_cbc(const char *n)
{
	case_keylens(n, &CBC, aes_keys, 3, 80);
}

static void c_keylen_ctr(const char *n)
{
	case_keylens(n, &CTR, aes_keys, 3, 80);
}

static void c_keylen_xts(const char *n)
{
	case_keylens(n, &XTS, xts_keys, 3, 128);
}

static void c_keylen_gcm(const char *n)
{
	case_keylens(n, &GCM, aes_keys, 3, 80);
}

static void c_keylen_rfc4106(const char *n)
{
	case_keylens(n, &RFC4106, rfc4106_keys, 3, 80);
}

/* One result: errno of ours and of the reference equal to want. */
static void expect2(const char *name, int want, int got, int ref,
		    const char *what)
{
	if (got == want && ref == want)
		tap(true, name, "%s: %s", what, errno_name(want));
	else
		tap(false, name, "%s: acrypto %s, kernel %s, expected %s", what,
		    errno_name(got), errno_name(ref), errno_name(want));
}

/* authenc keys: an rtattr (RTA_LENGTH 8, type 1) holding the cipher key
 * length, then the MAC key, then the cipher key.
 */
static unsigned int authenc_key(uint8_t *k, unsigned int rta_len,
				unsigned int enckeylen, unsigned int authkeylen,
				unsigned int given_enc)
{
	uint16_t len16 = rta_len, type = 1;
	uint32_t ekl = __builtin_bswap32(enckeylen);

	memcpy(k, &len16, 2);
	memcpy(k + 2, &type, 2);
	memcpy(k + 4, &ekl, 4);
	fill(k + 8, authkeylen + given_enc, 3);
	return 8 + authkeylen + given_enc;
}

static void c_keylen_authenc(const char *n)
{
	uint8_t k[128];
	unsigned int len;
	int got, ref, bad = 0;
	char why[200] = "";
	static const struct { unsigned int rta, enc, given; int want; const char *what; } v[] = {
		{ 8, 16, 16, 0, "AES-128 key" },
		{ 8, 15, 15, -EINVAL, "15-byte cipher key" },
		{ 8, 17, 17, -EINVAL, "17-byte cipher key" },
		{ 8, 64, 16, -EINVAL, "cipher key length beyond the blob" },
		{ 4, 16, 16, -EINVAL, "rtattr too short" },
		{ 12, 16, 16, -EINVAL, "rtattr length not 8" },
	};
	unsigned int i;

	for (i = 0; i < AFALG_ARRAY_SIZE(v); i++) {
		len = authenc_key(k, v[i].rta, v[i].enc, 32, v[i].given);
		got = try_setkey(AUTHENC.type, AUTHENC.ours, k, len);
		ref = try_setkey(AUTHENC.type, AUTHENC.ref, k, len);
		if (got != v[i].want || ref != v[i].want) {
			if (!bad++)
				snprintf(why, sizeof(why), "%s: acrypto %s, kernel %s, expected %s",
					 v[i].what, errno_name(got), errno_name(ref),
					 errno_name(v[i].want));
		}
	}
	/* A blob shorter than the rtattr header. */
	got = try_setkey(AUTHENC.type, AUTHENC.ours, k, 3);
	ref = try_setkey(AUTHENC.type, AUTHENC.ref, k, 3);
	if (got != -EINVAL || ref != -EINVAL) {
		if (!bad++)
			snprintf(why, sizeof(why), "3-byte blob: acrypto %s, kernel %s",
				 errno_name(got), errno_name(ref));
	}
	tap(!bad, n, bad ? "%s" : "malformed key blobs and cipher key sizes: EINVAL",
	    why);
}

/* An unkeyed hash refuses setkey like the kernel's. */
static void c_hash_setkey_unkeyed(const char *n)
{
	int got = try_setkey(SHA256.type, SHA256.ours, key64, 16);
	int ref = try_setkey(SHA256.type, SHA256.ref, key64, 16);

	/* crypto_ahash_setkey() of an unkeyed hash: -ENOSYS. */
	expect2(n, -ENOSYS, got, ref, "setkey on sha256");
}

/* XTS with both halves equal: AF_ALG cannot ask for FORBID_WEAK_KEYS, so
 * (outside FIPS mode) the key is accepted, as the kernel's own xts does.
 */
static void c_xts_equal_halves_afalg(const char *n)
{
	uint8_t k[64];
	int got, ref;

	fill(k, 32, 9);
	memcpy(k + 32, k, 32);
	got = try_setkey(XTS.type, XTS.ours, k, 64);
	ref = try_setkey(XTS.type, XTS.ref, k, 64);
	expect2(n, 0, got, ref, "equal halves without CRYPTO_TFM_REQ_FORBID_WEAK_KEYS");
}

/* ---- one request ---- */

struct req {
	const struct alg *a;
	const char *drv;		/* ours or ref */
	unsigned int klen;
	int authsize;			/* <0: default */
	int enc;
	const void *iv;
	unsigned int ivlen;
	int assoclen;			/* <0: none */
	const void *in;
	size_t inlen;
	void *out;
	size_t outlen;
};

/* Bytes produced, or -errno of the step that failed. */
static ssize_t run_req(const struct req *r)
{
	int tfm, op;
	ssize_t ret;

	tfm = afalg_tfm(r->a->type, r->drv);
	if (tfm < 0)
		return tfm;
	ret = afalg_setkey(tfm, key64, r->klen);
	if (!ret && r->authsize >= 0)
		ret = afalg_setauthsize(tfm, r->authsize);
	if (ret) {
		close(tfm);
		return ret;
	}
	op = afalg_op(tfm);
	if (op < 0) {
		close(tfm);
		return op;
	}
	ret = afalg_crypt(op, r->enc, r->iv, r->ivlen, r->assoclen, r->in,
			  r->inlen, r->out, r->outlen);
	close(op);
	close(tfm);
	return ret;
}

/*
 * Run the same request on ours and on the reference; both must give want
 * (an errno, or bytes >= 0 with equal output).
 */
static void same_req(const char *name, const char *what, struct req r,
		     ssize_t want)
{
	ssize_t got, ref;

	r.drv = r.a->ours;
	r.out = buf_out;
	memset(buf_out, 0xa5, sizeof(buf_out));
	got = run_req(&r);
	r.drv = r.a->ref;
	r.out = buf_ref;
	memset(buf_ref, 0xa5, sizeof(buf_ref));
	ref = run_req(&r);

	if (got != want || ref != want) {
		tap(false, name, "%s: acrypto %s%zd, kernel %s%zd, expected %zd (%s)",
		    what, got < 0 ? errno_name(got) : "", got,
		    ref < 0 ? errno_name(ref) : "", ref, want,
		    want < 0 ? errno_name(want) : "bytes");
		return;
	}
	if (want > 0 && memcmp(buf_out, buf_ref, want)) {
		tap(false, name, "%s: output differs from the kernel's", what);
		return;
	}
	tap(true, name, "%s: %s", what,
	    want < 0 ? errno_name(want) : want ? "same output as the kernel" :
	    "empty result, as the kernel");
}

#define SK(alg, _len, _iv, _ivlen) \
	((struct req){ .a = &(alg), .klen = 16, .authsize = -1, .enc = 1, \
		       .iv = (_iv), .ivlen = (_ivlen), .assoclen = -1, \
		       .in = buf_in, .inlen = (_len), .outlen = (_len) })

static void c_len_ecb_15(const char *n) { same_req(n, "ecb, 15 bytes", SK(ECB, 15, NULL, 0), -EINVAL); }
static void c_len_ecb_17(const char *n) { same_req(n, "ecb, 17 bytes", SK(ECB, 17, NULL, 0), -EINVAL); }
static void c_len_cbc_1(const char *n) { same_req(n, "cbc, 1 byte", SK(CBC, 1, iv0, 16), -EINVAL); }
static void c_len_cbc_31(const char *n) { same_req(n, "cbc, 31 bytes", SK(CBC, 31, iv0, 16), -EINVAL); }
static void c_len_ctr_odd(const char *n)
{
	same_req(n, "ctr, 4097 bytes", SK(CTR, 4097, iv0, 16), 4097);
}
static void c_len_ctr_1(const char *n) { same_req(n, "ctr, 1 byte", SK(CTR, 1, iv0, 16), 1); }
static void c_len_xts_15(const char *n)
{
	struct req r = SK(XTS, 15, iv0, 16);

	r.klen = 32;
	same_req(n, "xts, 15 bytes", r, -EINVAL);
}
static void c_len_xts_17(const char *n)
{
	struct req r = SK(XTS, 17, iv0, 16);

	r.klen = 32;
	same_req(n, "xts, 17 bytes (ciphertext stealing)", r, 17);
}
static void c_len_xts_4095(const char *n)
{
	struct req r = SK(XTS, 4095, iv0, 16);

	r.klen = 64;
	same_req(n, "xts, 4095 bytes (ciphertext stealing)", r, 4095);
}
/*
 * Zero-length requests: nothing sent, a receive buffer of one block (a
 * receive of 0 bytes would return before the cipher runs).
 */
static struct req zero_req(const struct alg *a, unsigned int klen)
{
	struct req r = SK(*a, 0, a->ivsize ? iv0 : NULL, a->ivsize);

	r.klen = klen;
	r.outlen = AES_BS;
	return r;
}

static void c_zero_ecb(const char *n) { same_req(n, "ecb, 0 bytes", zero_req(&ECB, 16), 0); }
static void c_zero_cbc(const char *n) { same_req(n, "cbc, 0 bytes", zero_req(&CBC, 16), 0); }
static void c_zero_ctr(const char *n) { same_req(n, "ctr, 0 bytes", zero_req(&CTR, 16), 0); }
static void c_zero_xts(const char *n) { same_req(n, "xts, 0 bytes", zero_req(&XTS, 32), -EINVAL); }
static void c_iv_short(const char *n) { same_req(n, "cbc, 8-byte IV", SK(CBC, 16, iv0, 8), -EINVAL); }
static void c_iv_long(const char *n)
{
	static const uint8_t iv17[17];

	same_req(n, "cbc, 17-byte IV", SK(CBC, 16, iv17, 17), -EINVAL);
}
static void c_iv_ecb(const char *n) { same_req(n, "ecb given a 16-byte IV", SK(ECB, 16, iv0, 16), -EINVAL); }
static void c_iv_ctr_short(const char *n) { same_req(n, "ctr, 12-byte IV", SK(CTR, 16, iv0, 12), -EINVAL); }
static void c_iv_none(const char *n)
{
	/* No IV message: the socket's IV, all zero, is used. */
	same_req(n, "cbc without an IV (zero IV)", SK(CBC, 64, NULL, 0), 64);
}

/* ---- AEAD ---- */

#define AD(alg, _klen, _enc, _assoc, _in, _inlen, _outlen) \
	((struct req){ .a = &(alg), .klen = (_klen), .authsize = -1, \
		       .enc = (_enc), .iv = iv0, .ivlen = (alg).ivsize, \
		       .assoclen = (_assoc), .in = (_in), .inlen = (_inlen), \
		       .outlen = (_outlen) })

/* Encrypt AAD || text with ours into ct (AAD || ct || tag); bytes or -errno. */
static ssize_t aead_seal(const struct alg *a, unsigned int klen,
			 unsigned int assoc, size_t textlen, uint8_t *ct)
{
	struct req r = AD(*a, klen, 1, assoc, buf_in, assoc + textlen,
			  assoc + textlen + 16);

	r.drv = a->ours;
	r.out = ct;
	return run_req(&r);
}

/*
 * Flip one bit at byte off of a sealed message and decrypt it with ours and
 * the reference: both must say EBADMSG.
 */
static void aead_tamper(const char *name, const struct alg *a,
			unsigned int klen, unsigned int assoc, size_t off,
			const char *what)
{
	static uint8_t ct[8192];
	size_t textlen = 64;
	ssize_t len = aead_seal(a, klen, assoc, textlen, ct);
	struct req r;

	if (len < 0) {
		tap(false, name, "sealing failed: %s", errno_name(len));
		return;
	}
	if (off == (size_t)-1)
		off = len - 1;	/* last byte of the tag */
	ct[off] ^= 0x04;
	r = AD(*a, klen, 0, assoc, ct, len, len - 16);
	same_req(name, what, r, -EBADMSG);
}

static void c_aead_badtag_gcm(const char *n) { aead_tamper(n, &GCM, 16, 16, -1, "gcm, tag bit flipped"); }
static void c_aead_badct_gcm(const char *n) { aead_tamper(n, &GCM, 16, 16, 20, "gcm, ciphertext bit flipped"); }
static void c_aead_badaad_gcm(const char *n) { aead_tamper(n, &GCM, 16, 16, 3, "gcm, AAD bit flipped"); }
static void c_aead_badtag_rfc4106(const char *n)
{
	/* rfc4106: AAD is SPI, sequence number (8) and the IV copy (8). */
	aead_tamper(n, &RFC4106, 20, 16, -1, "rfc4106, tag bit flipped");
}
static void c_aead_badtag_authenc(const char *n)
{
	/* authenc wants an rtattr key; use the helper's layout in key64. */
	uint8_t save[128];
	unsigned int len;

	memcpy(save, key64, sizeof(save));
	len = authenc_key(key64, 8, 16, 32, 16);
	aead_tamper(n, &AUTHENC, len, 16, -1, "authenc(hmac(sha256),cbc(aes)), tag bit flipped");
	memcpy(key64, save, sizeof(save));
}

static void c_aead_aad_longer(const char *n)
{
	/* 32 bytes of AAD announced, 16 bytes sent. */
	same_req(n, "gcm encrypt, AAD 32 of 16 bytes sent",
		 AD(GCM, 16, 1, 32, buf_in, 16, 64), -EINVAL);
}

static void c_aead_short_decrypt(const char *n)
{
	/* Decrypting fewer bytes than AAD + tag. */
	same_req(n, "gcm decrypt, 16 AAD + 8 bytes (tag is 16)",
		 AD(GCM, 16, 0, 16, buf_in, 24, 64), -EINVAL);
}

static void c_aead_empty(const char *n)
{
	/* Neither AAD nor text: only a tag, the same as the kernel's. */
	same_req(n, "gcm encrypt, no AAD, no text", AD(GCM, 16, 1, 0, buf_in, 0, 16), 16);
}

static void c_aead_aad_only(const char *n)
{
	same_req(n, "gcm encrypt, 48 bytes AAD, no text",
		 AD(GCM, 16, 1, 48, buf_in, 48, 64), 64);
}

static void c_rfc4106_assoclen(const char *n)
{
	/* The AAD must be 16 or 20 bytes (with the IV copy). */
	same_req(n, "rfc4106, assoclen 8", AD(RFC4106, 20, 1, 8, buf_in, 8 + 16, 8 + 32), -EINVAL);
}

static int try_authsize(const struct alg *a, unsigned int klen,
			const char *drv, unsigned int as)
{
	uint8_t k[128];
	int tfm = afalg_tfm(a->type, drv), err;

	if (tfm < 0)
		return tfm;
	memcpy(k, key64, sizeof(k));
	if (a == &AUTHENC)
		klen = authenc_key(k, 8, 16, 32, 16);
	err = afalg_setkey(tfm, k, klen) ?: afalg_setauthsize(tfm, as);
	close(tfm);
	return err;
}

static void case_authsizes(const char *name, const struct alg *a,
			   unsigned int klen, const unsigned int *valid,
			   unsigned int nvalid, unsigned int max)
{
	unsigned int as, i, bad = 0;
	char why[200] = "";

	for (as = 0; as <= max; as++) {
		bool ok_as = false;
		int want, got, ref;

		for (i = 0; i < nvalid; i++)
			ok_as |= valid[i] == as;
		want = ok_as ? 0 : -EINVAL;
		got = try_authsize(a, klen, a->ours, as);
		ref = try_authsize(a, klen, a->ref, as);
		if (got != want || ref != want) {
			if (!bad++)
				snprintf(why, sizeof(why), "authsize %u: acrypto %s, kernel %s, expected %s",
					 as, errno_name(got), errno_name(ref), errno_name(want));
		}
	}
	if (bad)
		tap(false, name, "%s (%u authsizes wrong)", why, bad);
	else
		tap(true, name, "authsizes 0..%u: EINVAL except the valid ones",
		    max);
}

static void c_authsize_gcm(const char *n)
{
	static const unsigned int v[] = { 4, 8, 12, 13, 14, 15, 16 };

	case_authsizes(n, &GCM, 16, v, AFALG_ARRAY_SIZE(v), 40);
}

static void c_authsize_rfc4106(const char *n)
{
	static const unsigned int v[] = { 8, 12, 16 };

	case_authsizes(n, &RFC4106, 20, v, AFALG_ARRAY_SIZE(v), 40);
}

static void c_authsize_authenc(const char *n)
{
	unsigned int v[32], i;

	/* 1 to the digest size; 0 is refused (crypto_aead_setauthsize). */
	for (i = 0; i < 32; i++)
		v[i] = i + 1;
	case_authsizes(n, &AUTHENC, 0, v, 32, 40);
}

/* ---- hashes ---- */

static ssize_t hash_once(const char *drv, const void *key, unsigned int klen,
			 const void *data, size_t len, uint8_t *out)
{
	int tfm = afalg_tfm("hash", drv), op;
	ssize_t ret;

	if (tfm < 0)
		return tfm;
	ret = key ? afalg_setkey(tfm, key, klen) : 0;
	if (ret) {
		close(tfm);
		return ret;
	}
	op = afalg_op(tfm);
	if (op < 0) {
		close(tfm);
		return op;
	}
	ret = afalg_err(send(op, data, len, 0));
	if (ret >= 0)
		ret = afalg_recv(op, out, 64);
	close(op);
	close(tfm);
	return ret;
}

static void c_hash_empty(const char *n)
{
	uint8_t a[64], b[64];
	ssize_t got = hash_once(SHA256.ours, NULL, 0, "", 0, a);
	ssize_t ref = hash_once(SHA256.ref, NULL, 0, "", 0, b);

	tap(got == 32 && ref == 32 && !memcmp(a, b, 32), n,
	    "sha256 of nothing: acrypto %zd, kernel %zd%s", got, ref,
	    got == 32 && ref == 32 && memcmp(a, b, 32) ? ", digests differ" : "");
}

static void c_hmac_keys(const char *n)
{
	static const unsigned int lens[] = { 0, 1, 63, 64, 65, 1000, 4096 };
	uint8_t a[64], b[64], k[4096];
	unsigned int i, bad = 0;
	char why[160] = "";

	fill(k, sizeof(k), 5);
	for (i = 0; i < AFALG_ARRAY_SIZE(lens); i++) {
		ssize_t got = hash_once(HMAC256.ours, k, lens[i], buf_in, 100, a);
		ssize_t ref = hash_once(HMAC256.ref, k, lens[i], buf_in, 100, b);

		if (got != 32 || ref != 32 || memcmp(a, b, 32)) {
			if (!bad++)
				snprintf(why, sizeof(why), "key of %u bytes: acrypto %s, kernel %s",
					 lens[i], got < 0 ? errno_name(got) : "ok",
					 ref < 0 ? errno_name(ref) : "ok");
		}
	}
	tap(!bad, n, bad ? "%s" : "hmac(sha256) keys of 0 to 4096 bytes: same digests as the kernel",
	    why);
}

/*
 * accept() on an operation socket exports the partial hash state and
 * imports it into the new socket: both continuations must give the
 * kernel's digest.
 */
static void hash_clone(const char *name, const struct alg *a, bool keyed)
{
	uint8_t d1[64], d2[64], ref[64], key[40];
	int tfm, op, op2;
	ssize_t r1 = -1, r2 = -1;

	fill(key, sizeof(key), 11);
	hash_once(a->ref, keyed ? key : NULL, sizeof(key), buf_in, 300, ref);
	tfm = afalg_tfm("hash", a->ours);
	if (tfm < 0) {
		tap(false, name, "bind: %s", errno_name(tfm));
		return;
	}
	if (keyed)
		afalg_setkey(tfm, key, sizeof(key));
	op = afalg_op(tfm);
	if (op < 0 || send(op, buf_in, 100, MSG_MORE) != 100) {
		tap(false, name, "first part: %s", errno_name(-errno));
		close(tfm);
		return;
	}
	op2 = accept4(op, NULL, NULL, SOCK_CLOEXEC);	/* export + import */
	if (op2 < 0) {
		tap(false, name, "accept on the operation socket: %s", errno_name(-errno));
		close(op);
		close(tfm);
		return;
	}
	if (send(op, buf_in + 100, 200, 0) == 200)
		r1 = afalg_recv(op, d1, 64);
	if (send(op2, buf_in + 100, 200, 0) == 200)
		r2 = afalg_recv(op2, d2, 64);
	close(op2);
	close(op);
	close(tfm);
	tap(r1 == 32 && r2 == 32 && !memcmp(d1, ref, 32) && !memcmp(d2, ref, 32),
	    name, "partial state cloned by accept(): original %s, clone %s",
	    r1 != 32 ? errno_name(r1) : memcmp(d1, ref, 32) ? "wrong" : "right",
	    r2 != 32 ? errno_name(r2) : memcmp(d2, ref, 32) ? "wrong" : "right");
}

static void c_hash_clone(const char *n) { hash_clone(n, &SHA256, false); }
static void c_hmac_clone(const char *n) { hash_clone(n, &HMAC256, true); }

/*
 * A transform used without a key: accept() succeeds (AF_ALG's "nokey"
 * sockets), the first send or receive fails with ENOKEY.
 */
static int nokey_use(const char *type, const char *drv)
{
	int tfm, op = afalg_open(type, drv, NULL, 0, &tfm), err;

	if (op < 0)
		return op;
	if (!strcmp(type, "hash")) {
		err = afalg_err(send(op, buf_in, 16, 0));
		if (err >= 0)
			err = afalg_recv(op, buf_out, 64);
	} else {
		err = afalg_crypt(op, 1, iv0, 16, -1, buf_in, 16, buf_out, 16);
	}
	close(op);
	close(tfm);
	return err < 0 ? err : 0;
}

static void c_hash_nokey(const char *n)
{
	expect2(n, -ENOKEY, nokey_use("hash", HMAC256.ours),
		nokey_use("hash", HMAC256.ref), "hmac(sha256) used without a key");
}

static void c_skcipher_nokey(const char *n)
{
	expect2(n, -ENOKEY, nokey_use("skcipher", CBC.ours),
		nokey_use("skcipher", CBC.ref), "cbc(aes) used without a key");
}

static void c_failed_setkey_clears(const char *n)
{
	/* A setkey that fails leaves no key behind (crypto API: NEED_KEY). */
	int tfm = afalg_tfm("skcipher", CBC.ours), err, op;
	ssize_t ret = -1;

	if (tfm < 0) {
		tap(false, n, "bind: %s", errno_name(tfm));
		return;
	}
	err = afalg_setkey(tfm, key64, 16);
	if (!err)
		err = afalg_setkey(tfm, key64, 17) == -EINVAL ? 0 : -1;
	op = afalg_op(tfm);
	if (op >= 0) {
		ret = afalg_crypt(op, 1, iv0, 16, -1, buf_in, 16, buf_out, 16);
		close(op);
	}
	close(tfm);
	tap(!err && ret == -ENOKEY, n, "good key, then a 17-byte one: the request %s",
	    ret >= 0 ? "succeeded" : errno_name(ret));
}

/* ---- the catalogue ---- */

static const struct {
	const char *name;
	void (*fn)(const char *name);
} cases[] = {
	{ "keylen-ecb", c_keylen_ecb },
	{ "keylen-cbc", c_keylen_cbc },
	{ "keylen-ctr", c_keylen_ctr },
	{ "keylen-xts", c_keylen_xts },
	{ "keylen-gcm", c_keylen_gcm },
	{ "keylen-rfc4106", c_keylen_rfc4106 },
	{ "keylen-authenc", c_keylen_authenc },
	{ "setkey-unkeyed-hash", c_hash_setkey_unkeyed },
	{ "xts-equal-halves-afalg", c_xts_equal_halves_afalg },
	{ "failed-setkey-clears-key", c_failed_setkey_clears },
	{ "nokey-skcipher", c_skcipher_nokey },
	{ "nokey-hmac", c_hash_nokey },
	{ "len-ecb-15", c_len_ecb_15 },
	{ "len-ecb-17", c_len_ecb_17 },
	{ "len-cbc-1", c_len_cbc_1 },
	{ "len-cbc-31", c_len_cbc_31 },
	{ "len-ctr-1", c_len_ctr_1 },
	{ "len-ctr-4097", c_len_ctr_odd },
	{ "len-xts-15", c_len_xts_15 },
	{ "len-xts-17", c_len_xts_17 },
	{ "len-xts-4095", c_len_xts_4095 },
	{ "zero-ecb", c_zero_ecb },
	{ "zero-cbc", c_zero_cbc },
	{ "zero-ctr", c_zero_ctr },
	{ "zero-xts", c_zero_xts },
	{ "iv-cbc-8", c_iv_short },
	{ "iv-cbc-17", c_iv_long },
	{ "iv-ecb-16", c_iv_ecb },
	{ "iv-ctr-12", c_iv_ctr_short },
	{ "iv-cbc-none", c_iv_none },
	{ "aead-gcm-bad-tag", c_aead_badtag_gcm },
	{ "aead-gcm-bad-ciphertext", c_aead_badct_gcm },
	{ "aead-gcm-bad-aad", c_aead_badaad_gcm },
	{ "aead-rfc4106-bad-tag", c_aead_badtag_rfc4106 },
	{ "aead-authenc-bad-tag", c_aead_badtag_authenc },
	{ "aead-aad-longer-than-data", c_aead_aad_longer },
	{ "aead-decrypt-shorter-than-tag", c_aead_short_decrypt },
	{ "aead-gcm-empty", c_aead_empty },
	{ "aead-gcm-aad-only", c_aead_aad_only },
	{ "aead-rfc4106-assoclen-8", c_rfc4106_assoclen },
	{ "authsize-gcm", c_authsize_gcm },
	{ "authsize-rfc4106", c_authsize_rfc4106 },
	{ "authsize-authenc", c_authsize_authenc },
	{ "hash-empty", c_hash_empty },
	{ "hmac-key-lengths", c_hmac_keys },
	{ "hash-clone-sha256", c_hash_clone },
	{ "hash-clone-hmac", c_hmac_clone },
};

int main(int argc, char **argv)
{
	unsigned int i;
	int a, t;

	if (argc > 1 && !strcmp(argv[1], "-l")) {
		for (i = 0; i < AFALG_ARRAY_SIZE(cases); i++)
			printf("%s\n", cases[i].name);
		return 0;
	}
	fill(key64, sizeof(key64), 1);
	fill(buf_in, sizeof(buf_in), 2);
	fill(iv0, sizeof(iv0), 4);

	/* The engine's algorithms must be there, or nothing here means anything. */
	t = afalg_tfm("skcipher", CBC.ours);
	if (t < 0) {
		tap_bail("%s not available: %s", CBC.ours, errno_name(t));
	}
	close(t);

	for (i = 0; i < AFALG_ARRAY_SIZE(cases); i++) {
		bool run = argc == 1;

		for (a = 1; a < argc; a++)
			run |= !strcmp(argv[a], cases[i].name);
		if (run)
			cases[i].fn(cases[i].name);
	}
	tap_diag("badinput: %u cases, %u failed", ncases, nfailed);
	return tap_finish();
}

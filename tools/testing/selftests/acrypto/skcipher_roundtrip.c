// SPDX-License-Identifier: GPL-2.0
/*
 * skcipher_roundtrip - acrypto against the kernel's own AES implementations.
 *
 * For each mode, random keys (every key size), IVs, data and lengths
 * (1 byte to 64 KiB where the mode allows: block multiples for ECB and CBC,
 * any length for CTR, any length from one block for XTS), random buffer
 * offsets, in-place or not, sendmsg or vmsplice:
 *  - acrypto's ciphertext equals that of the AES-NI driver (xxx-aes-aesni)
 *    and that of the generic templates (xxx(aes-generic)), each bound by
 *    driver name;
 *  - acrypto decrypts its ciphertext back to the plaintext;
 *  - AIO submissions of several requests (ECB, CBC, CTR: block-multiple
 *    parts of up to 16 KiB whose IVs chain, so the output IV of every
 *    request is checked; XTS: one request per submission) equal the
 *    reference;
 *  - CTR: counters that carry across 32-, 64- and 128-bit boundaries.
 *
 * The seed is printed; -s SEED repeats a run exactly (per mode, so -m
 * restricts a run without changing its cases).
 *
 * Usage: skcipher_roundtrip [-s SEED] [-n ITERATIONS] [-m MODE[,MODE...]]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <kcapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "tap.h"

#define MAXLEN		65536
#define BUFSZ		(MAXLEN + ACR_PAGE_SIZE)
#define MAX_AIO		8
#define MAX_DIAG	3

struct tcase {
	uint8_t key[64], iv[16];
	unsigned int klen, len, off;
	int access, inplace;
};

static const char *access_name(int access)
{
	switch (access) {
	case KCAPI_ACCESS_SENDMSG:
		return "sendmsg";
	case KCAPI_ACCESS_VMSPLICE:
		return "vmsplice";
	default:
		return "heuristic";
	}
}

/* Lengths: mostly small and medium, some up to 64 KiB. */
static unsigned int random_len(struct rng *r, const struct acr_mode *m)
{
	unsigned int len, cls = rng_range(r, 0, 9);

	if (cls < 4)
		len = rng_range(r, 1, 100);
	else if (cls < 8)
		len = rng_range(r, 1, 8192);
	else
		len = rng_range(r, 8193, MAXLEN);
	len -= len % m->multiple;
	if (len < m->minlen)
		len = m->minlen;
	return len;
}

static void random_case(struct rng *r, const struct acr_mode *m,
			struct tcase *t)
{
	static const int accesses[] = {
		KCAPI_ACCESS_HEURISTIC, KCAPI_ACCESS_SENDMSG,
		KCAPI_ACCESS_VMSPLICE,
	};

	t->klen = m->keylens[rng_range(r, 0, 2)];
	rng_fill(r, t->key, t->klen);
	rng_fill(r, t->iv, sizeof(t->iv));
	t->len = random_len(r, m);
	t->access = accesses[rng_range(r, 0, 2)];
	/* vmsplice wants whole pages: offsets only with sendmsg. */
	t->off = t->access == KCAPI_ACCESS_SENDMSG ? rng_range(r, 0, 15) : 0;
	t->inplace = rng_range(r, 0, 3) == 0;
}

static void describe(const char *impl, unsigned int iter, const struct tcase *t)
{
	tap_diag("%s, case %u: %u bytes, key %u bytes, %s, offset %u%s",
		 impl, iter, t->len, t->klen, access_name(t->access), t->off,
		 t->inplace ? ", in place" : "");
}

/* Encrypt or decrypt @in into @out with @alg; in place if @t says so. */
static int crypt_case(const char *alg, const struct acr_mode *m, int enc,
		      const struct tcase *t, const uint8_t *in, uint8_t *out,
		      const char **stage)
{
	const uint8_t *iv = m->ivsize ? t->iv : NULL;

	if (t->inplace) {
		memmove(out, in, t->len);
		in = out;
	}
	return acr_oneshot(alg, enc, t->key, t->klen, iv, in, t->len, out,
			   t->access, stage);
}

struct refs {
	const char *name[2];
	int avail[2];
};

static int bindable(const char *alg)
{
	struct kcapi_handle *h;

	if (kcapi_cipher_init(&h, alg, 0))
		return 0;
	kcapi_cipher_destroy(h);
	return 1;
}

/*
 * Random one-shot cases: results per reference and for the decryption.
 * ok[0], ok[1]: equal to reference 0, 1; ok[2]: decrypts back.
 */
static void run_random(const struct acr_mode *m, const struct refs *refs,
		       struct rng *r, unsigned int iters, int ok[3])
{
	uint8_t *pt = alloc_pages(BUFSZ), *ct = alloc_pages(BUFSZ);
	uint8_t *ref = alloc_pages(BUFSZ), *back = alloc_pages(BUFSZ);
	int ndiag[3] = { 0 };
	unsigned int i;
	int j;

	ok[0] = ok[1] = ok[2] = 1;
	for (i = 0; i < iters; i++) {
		const char *stage;
		struct tcase t;
		int err;

		random_case(r, m, &t);
		rng_fill(r, pt + t.off, t.len);

		err = crypt_case(m->driver, m, 1, &t, pt + t.off, ct + t.off,
				 &stage);
		if (err) {
			/* Nothing to compare: every check of the case fails. */
			for (j = 0; j < 3; j++) {
				ok[j] = 0;
				if (ndiag[j]++ < MAX_DIAG) {
					describe(m->driver, i, &t);
					tap_diag("encrypt: %s failed: %s",
						 stage, errname(err));
				}
			}
			continue;
		}

		for (j = 0; j < 2; j++) {
			if (!refs->avail[j])
				continue;
			err = crypt_case(refs->name[j], m, 1, &t, pt + t.off,
					 ref + t.off, &stage);
			if (!err && !memcmp(ref + t.off, ct + t.off, t.len))
				continue;
			ok[j] = 0;
			if (ndiag[j]++ >= MAX_DIAG)
				continue;
			describe(refs->name[j], i, &t);
			if (err)
				tap_diag("%s: %s failed: %s", refs->name[j],
					 stage, errname(err));
			else
				diag_mismatch(ct + t.off, ref + t.off, t.len);
		}

		err = crypt_case(m->driver, m, 0, &t, ct + t.off, back + t.off,
				 &stage);
		if (!err && !memcmp(back + t.off, pt + t.off, t.len))
			continue;
		ok[2] = 0;
		if (ndiag[2]++ >= MAX_DIAG)
			continue;
		describe(m->driver, i, &t);
		if (err)
			tap_diag("decrypt: %s failed: %s", stage, errname(err));
		else
			diag_mismatch(back + t.off, pt + t.off, t.len);
	}
	free(pt);
	free(ct);
	free(ref);
	free(back);
}

/* One AIO submission of @n requests (@len[i] bytes each). */
static ssize_t aio_crypt(const char *alg, const struct acr_mode *m, int enc,
			 const struct tcase *t, const uint8_t *in, uint8_t *out,
			 const unsigned int *len, unsigned int n)
{
	struct iovec iin[MAX_AIO], iout[MAX_AIO];
	struct kcapi_handle *h;
	const uint8_t *iv = m->ivsize ? t->iv : NULL;
	unsigned int i, pos = 0;
	ssize_t ret;

	ret = kcapi_cipher_init(&h, alg, KCAPI_INIT_AIO);
	if (ret)
		return ret;
	ret = kcapi_cipher_setkey(h, t->key, t->klen);
	if (ret) {
		kcapi_cipher_destroy(h);
		return ret;
	}
	for (i = 0; i < n; i++) {
		iin[i].iov_base = (void *)(in + pos);
		iin[i].iov_len = len[i];
		iout[i].iov_base = out + pos;
		iout[i].iov_len = len[i];
		pos += len[i];
	}
	if (enc)
		ret = kcapi_cipher_encrypt_aio(h, iin, iout, n, iv,
					       KCAPI_ACCESS_HEURISTIC);
	else
		ret = kcapi_cipher_decrypt_aio(h, iin, iout, n, iv,
					       KCAPI_ACCESS_HEURISTIC);
	kcapi_cipher_destroy(h);
	return ret;
}

/*
 * AIO.  ECB, CBC, CTR: n block-multiple requests in one submission must
 * equal the reference's one-shot result over their concatenation (the IV
 * chains from request to request).  XTS has no defined output IV: one
 * request per submission.
 */
static int run_aio(const struct acr_mode *m, const char *refname,
		   struct rng *r, unsigned int rounds)
{
	uint8_t *pt = alloc_pages(BUFSZ), *ct = alloc_pages(BUFSZ);
	uint8_t *ref = alloc_pages(BUFSZ), *back = alloc_pages(BUFSZ);
	int chain = strcmp(m->name, "xts") != 0, ok = 1, ndiag = 0;
	unsigned int i, k;

	for (i = 0; i < rounds; i++) {
		unsigned int len[MAX_AIO], n, total = 0;
		const char *stage;
		struct tcase t;
		ssize_t ret;
		int err;

		random_case(r, m, &t);
		t.access = KCAPI_ACCESS_HEURISTIC;
		t.off = 0;
		t.inplace = 0;
		/* At most 64 KiB per submission (libkcapi's pipe). */
		n = chain ? rng_range(r, 2, MAX_AIO) : 1;
		for (k = 0; k < n; k++) {
			len[k] = chain ? 16 * rng_range(r, 1, 1024) :
					 random_len(r, m);
			if (total + len[k] > MAXLEN) {
				n = k;
				break;
			}
			total += len[k];
		}
		t.len = total;
		rng_fill(r, pt, total);

		ret = aio_crypt(m->driver, m, 1, &t, pt, ct, len, n);
		err = ret < 0 ? (int)ret : 0;
		if (!err && ret != total)
			err = -EMSGSIZE;
		if (!err)
			err = crypt_case(refname, m, 1, &t, pt, ref, &stage);
		if (!err) {
			ret = aio_crypt(m->driver, m, 0, &t, ct, back, len, n);
			err = ret < 0 ? (int)ret : 0;
			if (!err && ret != total)
				err = -EMSGSIZE;
		}
		if (!err && !memcmp(ct, ref, total) &&
		    !memcmp(back, pt, total))
			continue;
		ok = 0;
		if (ndiag++ >= MAX_DIAG)
			continue;
		tap_diag("AIO round %u: %u requests, %u bytes, key %u bytes",
			 i, n, total, t.klen);
		if (err)
			tap_diag("failed: %s", errname(err));
		else if (memcmp(ct, ref, total))
			diag_mismatch(ct, ref, total);
		else
			diag_mismatch(back, pt, total);
	}
	free(pt);
	free(ct);
	free(ref);
	free(back);
	return ok;
}

/* CTR: counters that carry over 32, 64 and 128 bits. */
static int run_ctr_carry(const struct acr_mode *m, const struct refs *refs,
			 struct rng *r)
{
	static const unsigned int lens[] = { 100, 4096 + 7 };
	uint8_t *pt = alloc_pages(BUFSZ), *ct = alloc_pages(BUFSZ);
	uint8_t *ref = alloc_pages(BUFSZ);
	int ok = 1, ivk, j;
	unsigned int l;

	for (ivk = 0; ivk < 4; ivk++) {
		for (l = 0; l < 2; l++) {
			const char *stage;
			struct tcase t;
			int err;

			random_case(r, m, &t);
			t.len = lens[l];
			t.access = KCAPI_ACCESS_SENDMSG;
			t.off = 0;
			t.inplace = 0;
			switch (ivk) {
			case 0:		/* 128-bit wrap */
				memset(t.iv, 0xff, 16);
				t.iv[15] = 0xfe;
				break;
			case 1:		/* 64-bit carry */
				memset(t.iv + 8, 0xff, 8);
				t.iv[15] = 0xfd;
				break;
			case 2:		/* 32-bit carry */
				memset(t.iv + 12, 0xff, 4);
				t.iv[15] = 0xfc;
				break;
			default:	/* 8-bit carry inside the first request */
				t.iv[15] = 0xff;
				break;
			}
			rng_fill(r, pt, t.len);
			err = crypt_case(m->driver, m, 1, &t, pt, ct, &stage);
			if (err) {
				ok = 0;
				tap_diag("IV kind %d, %u bytes: %s failed: %s",
					 ivk, t.len, stage, errname(err));
				continue;
			}
			for (j = 0; j < 2; j++) {
				if (!refs->avail[j])
					continue;
				err = crypt_case(refs->name[j], m, 1, &t, pt,
						 ref, &stage);
				if (!err && !memcmp(ct, ref, t.len))
					continue;
				ok = 0;
				tap_diag("IV kind %d, %u bytes, vs %s:", ivk,
					 t.len, refs->name[j]);
				diag_hex("iv", t.iv, 16);
				if (err)
					tap_diag("%s failed: %s", stage,
						 errname(err));
				else
					diag_mismatch(ct, ref, t.len);
			}
		}
	}
	free(pt);
	free(ct);
	free(ref);
	return ok;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"Usage: %s [-s SEED] [-n ITERATIONS] [-m MODE[,MODE...]]\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long long seed;
	unsigned int i, iters = 32, nmodes = 0;
	int selected[8] = { 0 }, opt, plan = 0;
	char *end;

	seed = (unsigned long long)time(NULL) * 1000003ULL ^ (unsigned)getpid();
	while ((opt = getopt(argc, argv, "s:n:m:h")) != -1) {
		char *tok, *save = NULL;

		switch (opt) {
		case 's':
			seed = strtoull(optarg, &end, 0);
			if (*end)
				usage(argv[0]);
			break;
		case 'n':
			iters = strtoul(optarg, &end, 0);
			if (*end || !iters)
				usage(argv[0]);
			break;
		case 'm':
			for (tok = strtok_r(optarg, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				const struct acr_mode *m = acr_mode_find(tok);

				if (!m)
					usage(argv[0]);
				selected[m - acr_modes] = 1;
			}
			break;
		default:
			usage(argv[0]);
		}
	}
	for (i = 0; i < acr_nmodes; i++)
		nmodes += selected[i];
	if (!nmodes)
		for (i = 0; i < acr_nmodes; i++)
			selected[i] = 1;

	for (i = 0; i < acr_nmodes; i++)
		if (selected[i])
			plan += 4 + !strcmp(acr_modes[i].name, "ctr");
	tap_plan(plan);
	tap_diag("seed %llu, %u cases per mode (rerun: skcipher_roundtrip -s %llu -n %u)",
		 seed, iters, seed, iters);
	acr_kcapi_quiet();

	for (i = 0; i < acr_nmodes; i++) {
		const struct acr_mode *m = &acr_modes[i];
		struct rng r = { seed ^ (0x9e3779b97f4a7c15ULL * (i + 1)) };
		struct refs refs = { { m->aesni, m->generic }, { 0, 0 } };
		int ok[3], j, any = 0;

		if (!selected[i])
			continue;
		for (j = 0; j < 2; j++) {
			refs.avail[j] = bindable(refs.name[j]);
			any |= refs.avail[j];
		}
		if (!bindable(m->driver))
			tap_diag("%s cannot be bound: every %s test fails",
				 m->driver, m->name);

		run_random(m, &refs, &r, iters, ok);
		for (j = 0; j < 2; j++) {
			if (refs.avail[j])
				tap_check(ok[j], "%s: %u random requests equal %s",
					  m->name, iters, refs.name[j]);
			else if (j == 1 && !any)
				tap_check(0, "%s: no reference implementation (%s, %s)",
					  m->name, refs.name[0], refs.name[1]);
			else
				tap_skip("cannot bind it",
					 "%s: %u random requests equal %s",
					 m->name, iters, refs.name[j]);
		}
		tap_check(ok[2], "%s: %u random requests decrypt back",
			  m->name, iters);

		if (any)
			tap_check(run_aio(m, refs.name[refs.avail[0] ? 0 : 1],
					  &r, iters / 4 + 1),
				  "%s: AIO submissions equal the reference",
				  m->name);
		else
			tap_skip("no reference", "%s: AIO submissions", m->name);

		if (!strcmp(m->name, "ctr")) {
			if (any)
				tap_check(run_ctr_carry(m, &refs, &r),
					  "ctr: counter carry over 8, 32, 64, 128 bits equals the reference");
			else
				tap_skip("no reference", "ctr: counter carry");
		}
	}
	return tap_finish();
}

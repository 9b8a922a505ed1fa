// SPDX-License-Identifier: GPL-2.0
/*
 * skcipher_kat - known-answer tests of the acrypto skciphers through AF_ALG.
 *
 * For each of ecb(aes), cbc(aes), ctr(aes), xts(aes):
 *  - /proc/crypto lists acrypto-<mode>-aes with its cra_name, the priority
 *    of the module parameter and a passed self-test, and it is the
 *    highest-priority implementation of the cra_name;
 *  - a request on a transform bound by cra_name reaches an acrypto device
 *    (the devices' scompleted counters rise by one).
 * Then every vector of vectors.h (NIST SP 800-38A F.1, F.2, F.5; IEEE 1619
 * vectors 1-5, 10, 15-18) is encrypted and decrypted through transforms
 * bound by driver name and by cra_name, with
 *  - the synchronous one-shot API, sendmsg and vmsplice;
 *  - the AIO API with one request;
 *  - the AIO API with four requests of one block each (not XTS): the IV
 *    the engine returns from each request chains into the next;
 *  - the stream API with three updates and one read;
 *  - the stream API with three reads on one stream (CBC, CTR): chained
 *    requests must equal the one-shot result.
 *
 * Usage: skcipher_kat [-m MODE[,MODE...]]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <kcapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common.h"
#include "tap.h"
#include "vectors.h"

#define MAXLEN 1024

struct kvec {
	const struct kat_vector *v;
	const struct acr_mode *m;
	uint8_t key[64], iv[16];
	uint8_t *pt, *ct;	/* page-aligned copies */
	unsigned int klen, len;
};

enum binding { BY_DRIVER, BY_NAME, NBINDINGS };

static const char *bound_name(const struct acr_mode *m, enum binding b)
{
	return b == BY_DRIVER ? m->driver : m->cra_name;
}

static const char *const binding_label[NBINDINGS] = { "driver", "cra_name" };

static int mode_selected[8];

/* What went wrong, for the diagnostics of a failed check. */
static int fail(const char *what, long ret)
{
	if (ret < 0)
		tap_diag("%s: %s (%ld)", what, errname((int)-ret), ret);
	else
		tap_diag("%s: returned %ld", what, ret);
	return 0;
}

static int compare(const char *what, const uint8_t *got, const uint8_t *want,
		   size_t len)
{
	if (!memcmp(got, want, len))
		return 1;
	tap_diag("%s: wrong output", what);
	diag_mismatch(got, want, len);
	return 0;
}

static struct kcapi_handle *open_handle(const char *alg, const struct kvec *k,
					unsigned int flags)
{
	struct kcapi_handle *h;
	int err;

	err = kcapi_cipher_init(&h, alg, flags);
	if (err) {
		fail("kcapi_cipher_init", err);
		return NULL;
	}
	err = kcapi_cipher_setkey(h, k->key, k->klen);
	if (err) {
		fail("kcapi_cipher_setkey", err);
		kcapi_cipher_destroy(h);
		return NULL;
	}
	return h;
}

static const uint8_t *iv_of(const struct kvec *k)
{
	return k->m->ivsize ? k->iv : NULL;
}

/* One-shot encrypt and decrypt, through sendmsg and through vmsplice. */
static int test_sync(const char *alg, const struct kvec *k, uint8_t *out)
{
	static const struct {
		int access;
		const char *name;
	} acc[] = {
		{ KCAPI_ACCESS_SENDMSG, "sendmsg" },
		{ KCAPI_ACCESS_VMSPLICE, "vmsplice" },
	};
	char what[64];
	unsigned int i;
	ssize_t ret;
	int ok = 1;

	for (i = 0; i < 2; i++) {
		struct kcapi_handle *h = open_handle(alg, k, 0);

		if (!h)
			return 0;
		snprintf(what, sizeof(what), "encrypt (%s)", acc[i].name);
		memset(out, 0, k->len);
		ret = kcapi_cipher_encrypt(h, k->pt, k->len, iv_of(k), out,
					   k->len, acc[i].access);
		if (ret != k->len)
			ok = fail(what, ret);
		else
			ok &= compare(what, out, k->ct, k->len);

		snprintf(what, sizeof(what), "decrypt (%s)", acc[i].name);
		memset(out, 0, k->len);
		ret = kcapi_cipher_decrypt(h, k->ct, k->len, iv_of(k), out,
					   k->len, acc[i].access);
		if (ret != k->len)
			ok = fail(what, ret);
		else
			ok &= compare(what, out, k->pt, k->len);
		kcapi_cipher_destroy(h);
	}
	return ok;
}

/* AIO: @nreq requests of equal size in one submission. */
static int test_aio(const char *alg, const struct kvec *k, uint8_t *out,
		    unsigned int nreq)
{
	struct iovec in[8], o[8];
	unsigned int i, chunk = k->len / nreq;
	int enc, ok = 1;

	for (enc = 1; enc >= 0; enc--) {
		struct kcapi_handle *h = open_handle(alg, k, KCAPI_INIT_AIO);
		const uint8_t *src = enc ? k->pt : k->ct;
		const char *what = enc ? "AIO encrypt" : "AIO decrypt";
		ssize_t ret;

		if (!h)
			return 0;
		memset(out, 0, k->len);
		for (i = 0; i < nreq; i++) {
			in[i].iov_base = (void *)(src + i * chunk);
			in[i].iov_len = chunk;
			o[i].iov_base = out + i * chunk;
			o[i].iov_len = chunk;
		}
		if (enc)
			ret = kcapi_cipher_encrypt_aio(h, in, o, nreq, iv_of(k),
						       KCAPI_ACCESS_HEURISTIC);
		else
			ret = kcapi_cipher_decrypt_aio(h, in, o, nreq, iv_of(k),
						       KCAPI_ACCESS_HEURISTIC);
		kcapi_cipher_destroy(h);
		if (ret != k->len)
			ok = fail(what, ret);
		else
			ok &= compare(what, out, enc ? k->ct : k->pt, k->len);
	}
	return ok;
}

/* Read exactly @len bytes of a stream's output. */
static ssize_t stream_read(struct kcapi_handle *h, uint8_t *out, size_t len)
{
	size_t done = 0;

	while (done < len) {
		struct iovec iov = { out + done, len - done };
		ssize_t ret = kcapi_cipher_stream_op(h, &iov, 1);

		if (ret <= 0)
			return ret ? ret : -ENODATA;
		done += ret;
	}
	return done;
}

/*
 * Stream API.  chained == 0: three updates cut at odd places, then one
 * read of everything (one request).  chained == 1: the input in three
 * block-aligned parts, each read before the next is sent (three requests
 * whose IVs chain).
 */
static int test_stream(const char *alg, const struct kvec *k, uint8_t *out,
		       int chained)
{
	unsigned int cut[4];
	int enc, ok = 1;

	if (chained) {
		cut[0] = 0;
		cut[1] = 16;
		cut[2] = k->len - 16;
	} else {
		cut[0] = 0;
		cut[1] = k->len > 7 ? 7 : 1;
		cut[2] = k->len * 2 / 3 + 1;
	}
	cut[3] = k->len;

	for (enc = 1; enc >= 0; enc--) {
		struct kcapi_handle *h = open_handle(alg, k, 0);
		const uint8_t *src = enc ? k->pt : k->ct;
		const char *what = enc ? "stream encrypt" : "stream decrypt";
		struct iovec iov;
		ssize_t ret;
		int i;

		if (!h)
			return 0;
		memset(out, 0, k->len);
		if (enc)
			ret = kcapi_cipher_stream_init_enc(h, iv_of(k), NULL, 0);
		else
			ret = kcapi_cipher_stream_init_dec(h, iv_of(k), NULL, 0);
		if (ret < 0) {
			ok = fail(what, ret);
			kcapi_cipher_destroy(h);
			continue;
		}
		for (i = 0; i < 3; i++) {
			iov.iov_base = (void *)(src + cut[i]);
			iov.iov_len = cut[i + 1] - cut[i];
			if (i < 2)
				ret = kcapi_cipher_stream_update(h, &iov, 1);
			else
				ret = kcapi_cipher_stream_update_last(h, &iov, 1);
			if (ret != (ssize_t)iov.iov_len) {
				ok = fail(i < 2 ? "stream update" :
					  "stream update_last", ret);
				break;
			}
			if (!chained && i < 2)
				continue;
			ret = stream_read(h, out + (chained ? cut[i] : 0),
					  chained ? iov.iov_len : k->len);
			if (ret != (ssize_t)(chained ? iov.iov_len : k->len)) {
				ok = fail("stream read", ret);
				break;
			}
		}
		kcapi_cipher_destroy(h);
		if (i == 3)
			ok &= compare(what, out, enc ? k->ct : k->pt, k->len);
	}
	return ok;
}

/* Which tests a vector gets; the plan is counted from the same rules. */
static int has_aio_chain(const struct kvec *k)
{
	return strcmp(k->m->name, "xts") && k->len % 64 == 0;
}

static int has_stream_chain(const struct kvec *k)
{
	return (!strcmp(k->m->name, "cbc") || !strcmp(k->m->name, "ctr")) &&
	       k->len >= 48 && k->len % 16 == 0;
}

static int tests_per_vector(const struct kvec *k)
{
	return NBINDINGS * (3 + has_aio_chain(k) + has_stream_chain(k));
}

static void run_vector(const struct kvec *k, uint8_t *out)
{
	enum binding b;

	for (b = 0; b < NBINDINGS; b++) {
		const char *alg = bound_name(k->m, b);

		tap_check(test_sync(alg, k, out), "%s [%s %s] sync one-shot",
			  k->v->name, binding_label[b], alg);
		tap_check(test_aio(alg, k, out, 1), "%s [%s %s] AIO",
			  k->v->name, binding_label[b], alg);
		if (has_aio_chain(k))
			tap_check(test_aio(alg, k, out, 4),
				  "%s [%s %s] AIO, 4 requests chained",
				  k->v->name, binding_label[b], alg);
		tap_check(test_stream(alg, k, out, 0),
			  "%s [%s %s] stream, 3 updates",
			  k->v->name, binding_label[b], alg);
		if (has_stream_chain(k))
			tap_check(test_stream(alg, k, out, 1),
				  "%s [%s %s] stream, 3 chained requests",
				  k->v->name, binding_label[b], alg);
	}
}

/* /proc/crypto: registered, tested, and preferred over the others. */
static void check_registration(const struct acr_mode *m, long prio)
{
	struct proc_alg a, best;
	int ok, err;

	err = proc_crypto_driver(m->driver, &a);
	ok = !err && !strcmp(a.name, m->cra_name) &&
	     !strcmp(a.type, "skcipher") && !strcmp(a.module, "acrypto") &&
	     !strcmp(a.selftest, "passed") && a.priority == prio;
	if (!tap_check(ok, "%s registered as %s, priority %ld, selftest passed",
		       m->driver, m->cra_name, prio)) {
		if (err)
			tap_diag("%s not in /proc/crypto", m->driver);
		else
			tap_diag("name %s type %s module %s priority %d selftest %s",
				 a.name, a.type, a.module, a.priority,
				 a.selftest);
	}

	err = proc_crypto_best(m->cra_name, "skcipher", &best);
	ok = !err && !strcmp(best.driver, m->driver);
	if (!tap_check(ok, "%s resolves to %s (highest priority)", m->cra_name,
		       m->driver) && !err)
		tap_diag("highest priority: %s (%d)", best.driver,
			 best.priority);
}

/* A transform bound by cra_name must end up on an acrypto device. */
static void check_served(const struct acr_mode *m)
{
	uint8_t key[64], iv[16] = { 0 }, in[16] = { 0 }, out[16];
	struct acr_counters before, after;
	const char *stage;
	unsigned int klen = acr_default_key(m->driver, key);
	int err, ok;

	if (acr_total_counters(&before)) {
		tap_check(0, "%s by cra_name is served by an acrypto device",
			  m->cra_name);
		tap_diag("cannot read the device counters");
		return;
	}
	err = acr_oneshot(m->cra_name, 1, key, klen, iv, in, sizeof(in), out,
			  KCAPI_ACCESS_SENDMSG, &stage);
	acr_total_counters(&after);
	ok = !err && after.v[ACR_SCOMPLETED] - before.v[ACR_SCOMPLETED] == 1;
	if (!tap_check(ok, "%s by cra_name is served by an acrypto device",
		       m->cra_name)) {
		if (err)
			fail(stage, err);
		tap_diag("scompleted of all devices rose by %ld, expected 1",
			 after.v[ACR_SCOMPLETED] - before.v[ACR_SCOMPLETED]);
	}
}

static void usage(const char *prog)
{
	fprintf(stderr, "Usage: %s [-m MODE[,MODE...]]   (modes: ecb cbc ctr xts)\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	static struct kvec kv[KAT_NVECTORS];
	unsigned int i, nv = 0;
	int opt, plan = 0;
	uint8_t *out;
	long prio;

	while ((opt = getopt(argc, argv, "m:h")) != -1) {
		char *tok, *save = NULL;

		switch (opt) {
		case 'm':
			for (tok = strtok_r(optarg, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				const struct acr_mode *m = acr_mode_find(tok);

				if (!m)
					usage(argv[0]);
				mode_selected[m - acr_modes] = 1;
			}
			break;
		default:
			usage(argv[0]);
		}
	}
	for (i = 0, opt = 0; i < acr_nmodes; i++)
		opt |= mode_selected[i];
	if (!opt)
		for (i = 0; i < acr_nmodes; i++)
			mode_selected[i] = 1;

	acr_kcapi_quiet();
	for (i = 0; i < KAT_NVECTORS; i++) {
		struct kvec *k = &kv[nv];
		uint8_t buf[MAXLEN];

		k->v = &kat_vectors[i];
		k->m = acr_mode_find(k->v->mode);
		if (!mode_selected[k->m - acr_modes])
			continue;
		k->klen = hex2bin(k->v->key, k->key, sizeof(k->key));
		if (k->v->iv)
			hex2bin(k->v->iv, k->iv, sizeof(k->iv));
		k->len = hex2bin(k->v->ptext, buf, sizeof(buf));
		k->pt = alloc_pages(k->len);
		memcpy(k->pt, buf, k->len);
		if (hex2bin(k->v->ctext, buf, sizeof(buf)) != k->len)
			tap_bail("vector %s: lengths differ", k->v->name);
		k->ct = alloc_pages(k->len);
		memcpy(k->ct, buf, k->len);
		plan += tests_per_vector(k);
		nv++;
	}
	for (i = 0; i < acr_nmodes; i++)
		plan += 3 * mode_selected[i];

	tap_plan(plan);
	if (read_long("/sys/module/acrypto/parameters/priority", &prio))
		tap_bail("acrypto is not loaded (no /sys/module/acrypto)");

	for (i = 0; i < acr_nmodes; i++) {
		if (!mode_selected[i])
			continue;
		check_registration(&acr_modes[i], prio);
		check_served(&acr_modes[i]);
	}

	out = alloc_pages(MAXLEN);
	for (i = 0; i < nv; i++)
		run_vector(&kv[i], out);
	return tap_finish();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * counters - the per-device sysfs counters count exactly the requests.
 *
 * /sys/class/acrypto/<dev>/ counts every crypto request the device handles
 * in sstarted, scompleted, sfinished and errors; sessions and backlog are
 * what is in flight now, crypto_sessions/queue_len the engine's main queue.
 *
 *  - the device's attributes are there and well-formed (every capability
 *    line "ALG-MODE OP[,OP...] keysize MIN-MAX qlen N"; soft offers at
 *    least aes-ecb, aes-cbc, aes-ctr and aes-xts, encrypt and decrypt);
 *  - per mode: N synchronous one-shot encryptions and N decryptions, an AIO
 *    submission of 16 requests, and single requests of 4 KiB and 64 KiB
 *    raise sstarted, scompleted and sfinished by exactly the number of
 *    requests and leave errors alone; sessions, backlog and queue_len are
 *    0 afterwards;
 *  - requests of a length the mode refuses fail with EINVAL, keys of a
 *    wrong size fail with EINVAL at setkey, and zero-length requests
 *    succeed: none of them reaches a device (CTR has no refused length;
 *    its odd lengths count once each instead).
 *
 * Usage: counters [-d DEVICE] [-n N]     (default: soft, 8)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <kcapi.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common.h"
#include "tap.h"

#define AIO_BATCH	16
#define BIG		65536

static const char *dev = "soft";
static int ndevices;
static uint8_t *inbuf, *outbuf;

/*
 * Counters of the device under test.  With several devices registered the
 * balancer may use any of them: then the sum over all devices is checked.
 */
static int snapshot(struct acr_counters *c)
{
	if (ndevices > 1)
		return acr_total_counters(c);
	return acr_read_counters(dev, c);
}

/*
 * Every cumulative counter rose by @n, errors by none, nothing in flight.
 * @err is the result of the operations in between (0 expected).
 */
static int check_delta(const struct acr_counters *b, long n, int ok_ops,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int check_delta(const struct acr_counters *b, long n, int ok_ops,
		       const char *fmt, ...)
{
	static const int cumulative[] = {
		ACR_SSTARTED, ACR_SCOMPLETED, ACR_SFINISHED,
	};
	struct acr_counters a;
	char desc[256];
	va_list ap;
	long qlen;
	int ok = ok_ops, i;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);

	if (snapshot(&a)) {
		tap_check(0, "%s", desc);
		tap_diag("cannot read the counters of %s", dev);
		return 0;
	}
	qlen = acr_queue_len();
	for (i = 0; i < 3; i++)
		ok &= a.v[cumulative[i]] - b->v[cumulative[i]] == n;
	ok &= a.v[ACR_ERRORS] == b->v[ACR_ERRORS];
	ok &= !a.v[ACR_SESSIONS_NOW] && !a.v[ACR_BACKLOG] && !qlen;
	if (!tap_check(ok, "%s", desc)) {
		for (i = 0; i < ACR_NCOUNTERS; i++)
			tap_diag("%-10s %ld -> %ld (%+ld)", acr_counter_names[i],
				 b->v[i], a.v[i], a.v[i] - b->v[i]);
		tap_diag("queue_len  %ld; expected +%ld requests, errors +0, nothing in flight",
			 qlen, n);
	}
	return ok;
}

static struct kcapi_handle *handle(const struct acr_mode *m, unsigned int flags)
{
	struct kcapi_handle *h;
	uint8_t key[64];
	unsigned int klen = acr_default_key(m->driver, key);
	int err;

	err = kcapi_cipher_init(&h, m->driver, flags);
	if (err) {
		tap_diag("bind %s: %s", m->driver, errname(err));
		return NULL;
	}
	err = kcapi_cipher_setkey(h, key, klen);
	if (err) {
		tap_diag("setkey %s: %s", m->driver, errname(err));
		kcapi_cipher_destroy(h);
		return NULL;
	}
	return h;
}

static uint8_t iv[16];

static const uint8_t *ivp(const struct acr_mode *m)
{
	return m->ivsize ? iv : NULL;
}

/* N encryptions and N decryptions of 16 bytes on one transform. */
static void test_sync(const struct acr_mode *m, int n)
{
	struct acr_counters b;
	struct kcapi_handle *h;
	int i, ok = 1;

	snapshot(&b);
	h = handle(m, 0);
	if (!h)
		ok = 0;
	for (i = 0; h && i < 2 * n; i++) {
		ssize_t ret = i < n ?
			kcapi_cipher_encrypt(h, inbuf, 16, ivp(m), outbuf, 16,
					     KCAPI_ACCESS_SENDMSG) :
			kcapi_cipher_decrypt(h, inbuf, 16, ivp(m), outbuf, 16,
					     KCAPI_ACCESS_SENDMSG);
		if (ret != 16) {
			tap_diag("request %d: %s", i, errname((int)-ret));
			ok = 0;
		}
	}
	if (h)
		kcapi_cipher_destroy(h);
	check_delta(&b, 2 * n, ok,
		    "%s: %d sync encryptions + %d decryptions count %d each",
		    m->name, n, n, 2 * n);
}

static void test_aio(const struct acr_mode *m)
{
	struct iovec in[AIO_BATCH], out[AIO_BATCH];
	struct acr_counters b;
	struct kcapi_handle *h;
	ssize_t ret = -EINVAL;
	int i;

	for (i = 0; i < AIO_BATCH; i++) {
		in[i].iov_base = inbuf + 16 * i;
		in[i].iov_len = 16;
		out[i].iov_base = outbuf + 16 * i;
		out[i].iov_len = 16;
	}
	snapshot(&b);
	h = handle(m, KCAPI_INIT_AIO);
	if (h) {
		ret = kcapi_cipher_encrypt_aio(h, in, out, AIO_BATCH, ivp(m),
					       KCAPI_ACCESS_HEURISTIC);
		kcapi_cipher_destroy(h);
		if (ret != 16 * AIO_BATCH)
			tap_diag("AIO: %s (%zd)", errname((int)-ret), ret);
	}
	check_delta(&b, AIO_BATCH, ret == 16 * AIO_BATCH,
		    "%s: one AIO submission of %d requests counts %d",
		    m->name, AIO_BATCH, AIO_BATCH);
}

/* A big request is still one request. */
static void test_big(const struct acr_mode *m)
{
	struct acr_counters b;
	struct kcapi_handle *h;
	ssize_t r1 = -EINVAL, r2 = -EINVAL;

	snapshot(&b);
	h = handle(m, 0);
	if (h) {
		r1 = kcapi_cipher_encrypt(h, inbuf, 4096, ivp(m), outbuf, 4096,
					  KCAPI_ACCESS_SENDMSG);
		r2 = kcapi_cipher_encrypt(h, inbuf, BIG, ivp(m), outbuf, BIG,
					  KCAPI_ACCESS_VMSPLICE);
		kcapi_cipher_destroy(h);
		if (r1 != 4096 || r2 != BIG)
			tap_diag("4 KiB: %zd, 64 KiB: %zd", r1, r2);
	}
	check_delta(&b, 2, r1 == 4096 && r2 == BIG,
		    "%s: a 4 KiB and a 64 KiB request count 1 each", m->name);
}

/* Lengths the mode refuses: EINVAL, and no device sees them. */
static void test_bad_len(const struct acr_mode *m)
{
	static const unsigned int blk[] = { 15, 17, 31 }, xts[] = { 1, 15 };
	static const unsigned int odd[] = { 1, 17 };
	const unsigned int *lens;
	struct acr_counters b;
	char list[64] = "";
	unsigned int i, n, ctr = !strcmp(m->name, "ctr");
	int enc, ok = 1;

	if (ctr) {
		lens = odd;
		n = 2;
	} else if (!strcmp(m->name, "xts")) {
		lens = xts;
		n = 2;
	} else {
		lens = blk;
		n = 3;
	}
	snapshot(&b);
	for (i = 0; i < n; i++) {
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%u", i ? ", " : "", lens[i]);
		for (enc = 0; enc < 2; enc++) {
			struct kcapi_handle *h = handle(m, 0);
			ssize_t ret;

			if (!h) {
				ok = 0;
				continue;
			}
			/*
			 * The output buffer must hold the whole input, or
			 * AF_ALG processes the blocks that fit and keeps the
			 * rest: a valid request.
			 */
			ret = enc ? kcapi_cipher_encrypt(h, inbuf, lens[i],
							 ivp(m), outbuf,
							 lens[i],
							 KCAPI_ACCESS_SENDMSG) :
				    kcapi_cipher_decrypt(h, inbuf, lens[i],
							 ivp(m), outbuf,
							 lens[i],
							 KCAPI_ACCESS_SENDMSG);
			kcapi_cipher_destroy(h);
			if (ctr ? ret == lens[i] : ret == -EINVAL)
				continue;
			ok = 0;
			tap_diag("%s of %u bytes: %s (%zd), expected %s",
				 enc ? "encryption" : "decryption", lens[i],
				 errname((int)-ret), ret,
				 ctr ? "success" : "EINVAL");
		}
	}
	if (ctr)
		check_delta(&b, 2 * n, ok,
			    "%s: requests of %s bytes succeed and count once each",
			    m->name, list);
	else
		check_delta(&b, 0, ok,
			    "%s: requests of %s bytes fail with EINVAL, counters unchanged",
			    m->name, list);
}

static void test_bad_key(const struct acr_mode *m)
{
	static const unsigned int aes[] = { 15, 17, 20, 33 };
	static const unsigned int xts[] = { 16, 33, 40, 65 };
	const unsigned int *lens = strcmp(m->name, "xts") ? aes : xts;
	struct acr_counters b;
	uint8_t key[80] = { 0 };
	char list[64] = "";
	unsigned int i;
	int ok = 1;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	snapshot(&b);
	for (i = 0; i < 4; i++) {
		struct kcapi_handle *h;
		int err;

		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%u", i ? ", " : "", lens[i]);
		err = kcapi_cipher_init(&h, m->driver, 0);
		if (err) {
			tap_diag("bind %s: %s", m->driver, errname(err));
			ok = 0;
			continue;
		}
		err = kcapi_cipher_setkey(h, key, lens[i]);
		kcapi_cipher_destroy(h);
		if (err != -EINVAL) {
			tap_diag("setkey of %u bytes: %s, expected EINVAL",
				 lens[i], errname(err));
			ok = 0;
		}
	}
	check_delta(&b, 0, ok,
		    "%s: keys of %s bytes fail with EINVAL, counters unchanged",
		    m->name, list);
}

static void test_empty(const struct acr_mode *m)
{
	struct acr_counters b;
	uint8_t key[64];
	unsigned int klen = acr_default_key(m->driver, key);
	ssize_t enc, dec;

	/* Like the kernel's own modes: XTS needs a block, the others not. */
	ssize_t want = strstr(m->driver, "xts") ? -EINVAL : 0;

	snapshot(&b);
	enc = afalg_empty_request(m->driver, 1, key, klen, m->ivsize);
	dec = afalg_empty_request(m->driver, 0, key, klen, m->ivsize);
	if (enc != want || dec != want)
		tap_diag("empty encryption: %zd (%s), decryption: %zd (%s)",
			 enc, errname((int)-enc), dec, errname((int)-dec));
	check_delta(&b, 0, enc == want && dec == want,
		    "%s: zero-length requests %s, counters unchanged",
		    m->name, want ? "fail with EINVAL" : "succeed");
}

/* The attributes of the device, read once. */
static void test_attributes(void)
{
	static const char *const classes[] = {
		"hardware", "accelerated", "software",
	};
	char path[256], buf[4096], *line, *save = NULL;
	struct acr_counters c;
	unsigned int i, seen = 0;
	regex_t re;
	long v, sync, broken;
	int ok;

	/* Listed, with a matching name. */
	snprintf(path, sizeof(path), ACR_SYSFS "/%s/name", dev);
	ok = !read_str(path, buf, sizeof(buf)) && !strcmp(buf, dev);
	ok &= !read_str(ACR_SESSIONS "/devices", path, sizeof(path));
	if (ok) {
		ok = 0;
		for (line = strtok_r(path, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			ok |= !strcmp(line, dev);
	}
	tap_check(ok, "%s: registered, its name attribute matches, crypto_sessions/devices lists it",
		  dev);

	snprintf(path, sizeof(path), ACR_SYSFS "/%s/class", dev);
	ok = !read_str(path, buf, sizeof(buf));
	for (i = 0, v = 0; ok && i < 3; i++)
		v |= !strcmp(buf, classes[i]);
	snprintf(path, sizeof(path), ACR_SYSFS "/%s/sync", dev);
	ok = ok && v && !read_long(path, &sync) && (sync == 0 || sync == 1);
	snprintf(path, sizeof(path), ACR_SYSFS "/%s/broken", dev);
	ok = ok && !read_long(path, &broken) && broken == 0;
	if (!tap_check(ok, "%s: class, sync and broken are well-formed, not broken",
		       dev))
		tap_diag("class '%s'", buf);

	/* "aes-cbc encrypt,decrypt keysize 16-32 qlen 128" per line */
	snprintf(path, sizeof(path), ACR_SYSFS "/%s/capabilities", dev);
	ok = !read_str(path, buf, sizeof(buf)) && buf[0];
	regcomp(&re, "^[a-z0-9]+-[a-z0-9]+ [a-z]+(,[a-z]+)* keysize ([0-9]+)-([0-9]+) qlen [1-9][0-9]*$",
		REG_EXTENDED);
	save = NULL;
	for (line = strtok_r(buf, "\n", &save); ok && line;
	     line = strtok_r(NULL, "\n", &save)) {
		regmatch_t pm[4];
		char prefix[16];
		int lo, hi;

		if (regexec(&re, line, 4, pm, 0)) {
			tap_diag("malformed capability: '%s'", line);
			ok = 0;
			break;
		}
		lo = atoi(line + pm[2].rm_so);
		hi = atoi(line + pm[3].rm_so);
		if (lo > hi) {
			tap_diag("key sizes %d-%d: '%s'", lo, hi, line);
			ok = 0;
		}
		for (i = 0; i < acr_nmodes; i++) {
			snprintf(prefix, sizeof(prefix), "aes-%s ",
				 acr_modes[i].name);
			if (!strncmp(line, prefix, strlen(prefix)) &&
			    strstr(line, " encrypt,decrypt "))
				seen |= 1U << i;
		}
	}
	regfree(&re);
	/* The software device does all four modes both ways. */
	if (!strcmp(dev, "soft"))
		ok &= seen == (1U << acr_nmodes) - 1;
	if (!tap_check(ok, "%s: capabilities are well-formed%s", dev,
		       strcmp(dev, "soft") ? "" :
		       " and include aes-ecb/cbc/ctr/xts encrypt,decrypt"))
		tap_diag("AES modes seen: %#x", seen);

	ok = !acr_read_counters(dev, &c) && !c.v[ACR_SESSIONS_NOW] &&
	     !c.v[ACR_BACKLOG] && acr_queue_len() == 0;
	if (!tap_check(ok, "%s: idle: sessions 0, backlog 0, queue_len 0", dev))
		tap_diag("sessions %ld backlog %ld queue_len %ld",
			 c.v[ACR_SESSIONS_NOW], c.v[ACR_BACKLOG],
			 acr_queue_len());
}

int main(int argc, char **argv)
{
	char names[ACR_MAX_DEVICES][64];
	unsigned int i;
	int opt, n = 8;

	while ((opt = getopt(argc, argv, "d:n:h")) != -1) {
		switch (opt) {
		case 'd':
			dev = optarg;
			break;
		case 'n':
			n = atoi(optarg);
			if (n > 0)
				break;
			/* fall through */
		default:
			fprintf(stderr, "Usage: %s [-d DEVICE] [-n N]\n",
				argv[0]);
			return 2;
		}
	}

	tap_plan(4 + 6 * acr_nmodes);
	acr_kcapi_quiet();
	ndevices = acr_devices(names, ACR_MAX_DEVICES);
	if (ndevices < 1)
		tap_bail("no acrypto device registered (%s)",
			 ndevices ? errname(ndevices) : "none");
	if (ndevices > 1)
		tap_diag("%d devices registered: checking the sum of their counters",
			 ndevices);

	inbuf = alloc_pages(BIG);
	outbuf = alloc_pages(BIG);
	for (i = 0; i < BIG; i++)
		inbuf[i] = (uint8_t)(i * 13);

	test_attributes();
	for (i = 0; i < acr_nmodes; i++) {
		const struct acr_mode *m = &acr_modes[i];

		test_sync(m, n);
		test_aio(m);
		test_big(m);
		test_bad_len(m);
		test_bad_key(m);
		test_empty(m);
	}
	return tap_finish();
}

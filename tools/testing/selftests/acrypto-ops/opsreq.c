// SPDX-License-Identifier: GPL-2.0
/*
 * opsreq - a known number of AF_ALG requests of a known size, for the
 * tests that count what the engine saw (trace events, statistics).
 *
 * Usage: opsreq cipher DRIVER N LEN          N encryptions of LEN bytes
 *        opsreq aead DRIVER N LEN ALEN TAG   N AEAD encryptions: LEN bytes
 *                                            of text, ALEN of associated
 *                                            data, a TAG-byte tag
 *        opsreq hash DRIVER N LEN            N digests of LEN bytes
 *
 * One transform for all N requests, a zero key of 16 bytes (32 for XTS),
 * a zero IV.  Prints "ok N" and exits 0 when every request succeeded;
 * otherwise "fail I: ERRNO" for the first that failed, and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <kcapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
	fprintf(stderr,
		"usage: opsreq cipher DRIVER N LEN\n"
		"       opsreq aead DRIVER N LEN ALEN TAG\n"
		"       opsreq hash DRIVER N LEN\n");
	exit(2);
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (!*s || *end)
		usage();
	return v;
}

static int fail(unsigned long i, long err)
{
	printf("fail %lu: %s\n", i, strerror(err < 0 ? (int)-err : (int)err));
	return 1;
}

static int do_cipher(const char *drv, unsigned long n, size_t len)
{
	static uint8_t key[32], iv[16];
	struct kcapi_handle *h;
	uint8_t *in = calloc(1, len + 1), *out = calloc(1, len + 1);
	unsigned long i;
	ssize_t ret;

	if (!in || !out)
		return fail(0, ENOMEM);
	ret = kcapi_cipher_init(&h, drv, 0);
	if (ret)
		return fail(0, ret);
	ret = kcapi_cipher_setkey(h, key, strstr(drv, "xts") ? 32 : 16);
	if (ret)
		return fail(0, ret);
	for (i = 0; i < n; i++) {
		ret = kcapi_cipher_encrypt(h, in, len, iv, out, len, 0);
		if (ret != (ssize_t)len)
			return fail(i, ret < 0 ? ret : EIO);
	}
	kcapi_cipher_destroy(h);
	return 0;
}

static int do_aead(const char *drv, unsigned long n, size_t len, size_t alen,
		   size_t tag)
{
	static uint8_t key[16], iv[16];
	size_t inlen = alen + len, outlen = alen + len + tag;
	uint8_t *in = calloc(1, inlen + 1), *out = calloc(1, outlen + 1);
	struct kcapi_handle *h;
	unsigned long i;
	ssize_t ret;

	if (!in || !out)
		return fail(0, ENOMEM);
	ret = kcapi_aead_init(&h, drv, 0);
	if (ret)
		return fail(0, ret);
	ret = kcapi_aead_setkey(h, key, sizeof(key));
	if (!ret)
		ret = kcapi_aead_settaglen(h, tag);
	if (ret)
		return fail(0, ret);
	kcapi_aead_setassoclen(h, alen);
	for (i = 0; i < n; i++) {
		ret = kcapi_aead_encrypt(h, in, inlen, iv, out, outlen, 0);
		if (ret != (ssize_t)outlen)
			return fail(i, ret < 0 ? ret : EIO);
	}
	kcapi_aead_destroy(h);
	return 0;
}

static int do_hash(const char *drv, unsigned long n, size_t len)
{
	uint8_t *in = calloc(1, len + 1), out[64];
	struct kcapi_handle *h;
	unsigned long i;
	ssize_t ret;

	if (!in)
		return fail(0, ENOMEM);
	ret = kcapi_md_init(&h, drv, 0);
	if (ret)
		return fail(0, ret);
	for (i = 0; i < n; i++) {
		ret = kcapi_md_digest(h, in, len, out, sizeof(out));
		if (ret <= 0)
			return fail(i, ret < 0 ? ret : EIO);
	}
	kcapi_md_destroy(h);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n;
	int ret;

	if (argc < 5)
		usage();
	n = num(argv[3]);
	if (!strcmp(argv[1], "cipher") && argc == 5)
		ret = do_cipher(argv[2], n, num(argv[4]));
	else if (!strcmp(argv[1], "aead") && argc == 7)
		ret = do_aead(argv[2], n, num(argv[4]), num(argv[5]),
			      num(argv[6]));
	else if (!strcmp(argv[1], "hash") && argc == 5)
		ret = do_hash(argv[2], n, num(argv[4]));
	else
		usage();
	if (!ret)
		printf("ok %lu\n", n);
	return ret;
}

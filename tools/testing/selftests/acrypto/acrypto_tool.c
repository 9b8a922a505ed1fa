// SPDX-License-Identifier: GPL-2.0
/*
 * acrypto_tool - crypto requests for the shell tests.
 *
 *   acrypto_tool crypt [-e ERR] [-s STAGE] ALG [LEN]
 *	One encryption of LEN bytes (default 64) on a fresh transform of ALG
 *	(bound by whatever name is given).  Prints "OK" or "<stage> <ERRNO>"
 *	(stage: bind, setkey, crypt).  A result is checked against the
 *	kernel's AES-NI or generic implementation of the mode when one can be
 *	bound.  Exit 0 if the outcome is the expected one: success without
 *	-e; with -e, that error name (or ANY error), at STAGE if -s is given.
 *
 *   acrypto_tool hold ALG
 *	Binds ALG, sets a key, does one request and prints "ready <result>".
 *	Then each SIGUSR1 does one more request on the same transform and
 *	prints "result <n> <result>", where <result> is OK, WRONG (differs
 *	from the first good output) or an errno name.  SIGTERM or SIGINT:
 *	prints "exit" and exits 0.  Keeps an AF_ALG transform alive for as
 *	long as the test wants.
 *
 *   acrypto_tool loop [-n] [-f STOPFILE] ALG MSEC
 *	Encrypts the same 64 bytes with ALG again and again for MSEC
 *	milliseconds or until STOPFILE exists, on one transform (or with -n
 *	on a new transform each time).  Prints "started <result>" after the
 *	first request, and at the end one line:
 *	  total T ok O wrong W failed F errors STAGE:ERR,... changes C
 *	  first RES last RES
 *	"wrong": output differs from the first good one; "changes": how often
 *	the outcome switched between success and failure.
 *
 *   acrypto_tool kat [ALG...]
 *	The known-answer vectors of vectors.h through each ALG (default: the
 *	four acrypto drivers), synchronous one-shot encryption and
 *	decryption.  Exit 0 if all pass.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <kcapi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "vectors.h"

#define MAXLEN 65536

static void usage(void)
{
	fprintf(stderr,
		"Usage: acrypto_tool crypt [-e ERR|ANY] [-s STAGE] ALG [LEN]\n"
		"       acrypto_tool hold ALG\n"
		"       acrypto_tool loop [-n] [-f STOPFILE] ALG MSEC\n"
		"       acrypto_tool kat [ALG...]\n");
	exit(2);
}

static void fill(uint8_t *buf, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed + 31 * i + (i >> 8));
}

/* The same request with the kernel's own implementation, if there is one. */
static int reference(const char *alg, const uint8_t *key, unsigned int klen,
		     const uint8_t *iv, const uint8_t *in, size_t len,
		     uint8_t *out)
{
	const struct acr_mode *m = acr_mode_of(alg);
	const char *stage;

	if (!m)
		return -ENOENT;
	if (!acr_oneshot(m->aesni, 1, key, klen, iv, in, len, out,
			 KCAPI_ACCESS_HEURISTIC, &stage))
		return 0;
	return acr_oneshot(m->generic, 1, key, klen, iv, in, len, out,
			   KCAPI_ACCESS_HEURISTIC, &stage);
}

static int cmd_crypt(int argc, char **argv)
{
	const char *expect = NULL, *want_stage = NULL, *stage, *alg;
	const struct acr_mode *m;
	uint8_t key[64], iv[16], *in, *out, *ref;
	unsigned int klen;
	size_t len = 64;
	int opt, err, ok;

	while ((opt = getopt(argc, argv, "e:s:")) != -1) {
		switch (opt) {
		case 'e':
			expect = optarg;
			break;
		case 's':
			want_stage = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || argc - optind > 2)
		usage();
	alg = argv[optind];
	if (optind + 1 < argc)
		len = strtoul(argv[optind + 1], NULL, 0);
	if (len > MAXLEN)
		usage();
	m = acr_mode_of(alg);

	klen = acr_default_key(alg, key);
	fill(iv, sizeof(iv), 0x5a);
	in = alloc_pages(MAXLEN);
	out = alloc_pages(MAXLEN);
	ref = alloc_pages(MAXLEN);
	fill(in, len, 0x11);
	err = acr_oneshot(alg, 1, key, klen, m && m->ivsize ? iv : NULL, in,
			  len, out, KCAPI_ACCESS_HEURISTIC, &stage);
	if (!err) {
		if (!reference(alg, key, klen, m && m->ivsize ? iv : NULL, in,
			       len, ref) && memcmp(out, ref, len)) {
			printf("WRONG\n");
			return 1;
		}
		printf("OK\n");
	} else {
		printf("%s %s\n", stage, errname(err));
	}

	if (!expect)
		return err ? 1 : 0;
	if (!strcmp(expect, "ANY"))
		ok = err != 0;
	else
		ok = err && !strcmp(errname(err), expect);
	if (want_stage && err && strcmp(stage, want_stage))
		ok = 0;
	return ok ? 0 : 1;
}

static int cmd_hold(int argc, char **argv)
{
	uint8_t key[64], iv[16], in[64], out[64], first[64];
	struct kcapi_handle *h;
	unsigned int klen, n = 0;
	int have_first = 0, err;
	const char *alg;
	sigset_t set;

	if (argc != 2)
		usage();
	alg = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Signals are taken synchronously with sigwaitinfo(). */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);

	klen = acr_default_key(alg, key);
	fill(iv, sizeof(iv), 0x77);
	fill(in, sizeof(in), 0x33);
	err = kcapi_cipher_init(&h, alg, 0);
	if (err) {
		printf("ready bind %s\n", errname(err));
		return 1;
	}
	err = kcapi_cipher_setkey(h, key, klen);
	if (err) {
		printf("ready setkey %s\n", errname(err));
		kcapi_cipher_destroy(h);
		return 1;
	}

	for (;;) {
		ssize_t ret = kcapi_cipher_encrypt(h, in, sizeof(in), iv, out,
						   sizeof(out),
						   KCAPI_ACCESS_SENDMSG);
		const char *res;
		siginfo_t si;
		int sig;

		if (ret == sizeof(out)) {
			if (!have_first) {
				memcpy(first, out, sizeof(out));
				have_first = 1;
			}
			res = memcmp(out, first, sizeof(out)) ? "WRONG" : "OK";
		} else {
			res = ret < 0 ? errname((int)-ret) : "SHORT";
		}
		if (n++)
			printf("result %u %s\n", n - 1, res);
		else
			printf("ready %s\n", res);

		do {
			sig = sigwaitinfo(&set, &si);
		} while (sig < 0 && errno == EINTR);
		if (sig != SIGUSR1)
			break;
	}
	kcapi_cipher_destroy(h);
	printf("exit\n");
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int cmd_loop(int argc, char **argv)
{
	uint8_t key[64], iv[16], in[64], out[64], first[64];
	struct kcapi_handle *h = NULL;
	unsigned long total = 0, ok = 0, wrong = 0, failed = 0, changes = 0;
	char errors[256] = "", res[32], firstres[32] = "", lastres[32] = "";
	int fresh = 0, have_first = 0, last_ok = -1, opt;
	const char *alg, *stop = NULL;
	long long end;
	unsigned int klen;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "nf:")) != -1) {
		switch (opt) {
		case 'n':
			fresh = 1;
			break;
		case 'f':
			stop = optarg;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	alg = argv[optind];
	end = now_ms() + strtol(argv[optind + 1], NULL, 0);
	klen = acr_default_key(alg, key);
	fill(iv, sizeof(iv), 0x42);
	fill(in, sizeof(in), 0x24);

	do {
		const char *stage = "crypt";
		ssize_t ret;
		int err = 0, good;

		if (!h) {
			stage = "bind";
			err = kcapi_cipher_init(&h, alg, 0);
			if (!err) {
				stage = "setkey";
				err = kcapi_cipher_setkey(h, key, klen);
			}
			if (err && h) {
				kcapi_cipher_destroy(h);
				h = NULL;
			}
		}
		if (!err) {
			stage = "crypt";
			ret = kcapi_cipher_encrypt(h, in, sizeof(in), iv, out,
						   sizeof(out),
						   KCAPI_ACCESS_SENDMSG);
			err = ret < 0 ? (int)ret : ret == sizeof(out) ? 0 : -EMSGSIZE;
		}
		if (fresh && h) {
			kcapi_cipher_destroy(h);
			h = NULL;
		}

		total++;
		if (!err && !have_first) {
			memcpy(first, out, sizeof(out));
			have_first = 1;
		}
		good = !err;
		if (err) {
			failed++;
			snprintf(res, sizeof(res), "%s:%s", stage, errname(err));
			if (!strstr(errors, res) &&
			    strlen(errors) + strlen(res) + 2 < sizeof(errors))
				snprintf(errors + strlen(errors),
					 sizeof(errors) - strlen(errors),
					 "%s%s", errors[0] ? "," : "", res);
		} else if (memcmp(out, first, sizeof(out))) {
			wrong++;
			snprintf(res, sizeof(res), "WRONG");
		} else {
			ok++;
			snprintf(res, sizeof(res), "OK");
		}
		if (last_ok >= 0 && good != last_ok)
			changes++;
		last_ok = good;
		if (!firstres[0]) {
			snprintf(firstres, sizeof(firstres), "%s", res);
			printf("started %s\n", res);
		}
		snprintf(lastres, sizeof(lastres), "%s", res);
	} while (now_ms() < end && !(stop && !access(stop, F_OK)));

	if (h)
		kcapi_cipher_destroy(h);
	printf("total %lu ok %lu wrong %lu failed %lu errors %s changes %lu first %s last %s\n",
	       total, ok, wrong, failed, errors[0] ? errors : "-", changes,
	       firstres, lastres);
	return 0;
}

static int cmd_kat(int argc, char **argv)
{
	static const char *const all[] = {
		"acrypto-ecb-aes", "acrypto-cbc-aes", "acrypto-ctr-aes",
		"acrypto-xts-aes",
	};
	const char *const *algs = all;
	int nalgs = 4, a, failed = 0, passed = 0;
	unsigned int i;

	if (argc > 1) {
		algs = (const char *const *)argv + 1;
		nalgs = argc - 1;
	}
	for (a = 0; a < nalgs; a++) {
		const struct acr_mode *m = acr_mode_of(algs[a]);

		if (!m) {
			fprintf(stderr, "kat: unknown mode of %s\n", algs[a]);
			return 2;
		}
		for (i = 0; i < KAT_NVECTORS; i++) {
			const struct kat_vector *v = &kat_vectors[i];
			uint8_t key[64], iv[16], pt[1024], ct[1024];
			uint8_t out[1024];
			unsigned int klen, len;
			const char *stage;
			int enc, err;

			if (strcmp(v->mode, m->name))
				continue;
			klen = hex2bin(v->key, key, sizeof(key));
			if (v->iv)
				hex2bin(v->iv, iv, sizeof(iv));
			len = hex2bin(v->ptext, pt, sizeof(pt));
			hex2bin(v->ctext, ct, sizeof(ct));
			for (enc = 1; enc >= 0; enc--) {
				err = acr_oneshot(algs[a], enc, key, klen,
						  v->iv ? iv : NULL,
						  enc ? pt : ct, len, out,
						  KCAPI_ACCESS_HEURISTIC,
						  &stage);
				if (!err && !memcmp(out, enc ? ct : pt, len)) {
					passed++;
					continue;
				}
				failed++;
				printf("# kat: %s, %s, %s: %s\n", algs[a],
				       v->name, enc ? "encrypt" : "decrypt",
				       err ? errname(err) : "wrong output");
				if (err)
					printf("#   (%s failed)\n", stage);
			}
		}
	}
	printf("# kat: %d passed, %d failed\n", passed, failed);
	return failed || !passed ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	acr_kcapi_quiet();
	if (!strcmp(argv[1], "crypt"))
		return cmd_crypt(argc - 1, argv + 1);
	if (!strcmp(argv[1], "hold"))
		return cmd_hold(argc - 1, argv + 1);
	if (!strcmp(argv[1], "loop"))
		return cmd_loop(argc - 1, argv + 1);
	if (!strcmp(argv[1], "kat"))
		return cmd_kat(argc - 1, argv + 1);
	usage();
	return 2;
}

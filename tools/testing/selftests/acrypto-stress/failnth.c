// SPDX-License-Identifier: GPL-2.0
/*
 * failnth - fail each memory allocation of one operation in turn
 * (/proc/thread-self/fail-nth, CONFIG_FAULT_INJECTION): the 1st, then the
 * 2nd, ... until the operation completes without reaching the Nth.  The
 * debugfs attributes of failslab / fail_page_alloc decide which
 * allocations count (the caller sets ignore-gfp-wait=N, verbose=0).
 *
 * After each injected failure the operation must have failed cleanly: with
 * ENOMEM (or an errno allowed with -e) or not at all (the failure was
 * absorbed), and the object must be usable afterwards: a transform whose
 * setkey failed has no key (a request says ENOKEY) and takes a key and
 * computes right once memory is back; a module that failed to load is not
 * loaded and loads afterwards.  Leaks are the job of kmemleak, scanned by
 * the caller.
 *
 * Usage: failnth [-m MAX] [-e ERRNO,...] OP ARGS
 *   bind TYPE NAME               socket + bind (transform allocation, init)
 *   setkey TYPE NAME KEYLEN REF  setkey of a bound transform (authenc keys
 *                                are built for KEYLEN bytes of cipher key);
 *                                its output is compared with driver REF's
 *   load MODULE.ko NAME [PARAMS] finit_module(); unloads it after success
 *   -m   give up after MAX steps (default 2000)
 *   -S N -i K   fail allocations N, N+K, N+2K, ... (default 1, 1)
 *   -c   only count the allocations of one operation: prints "count N"
 *
 * Prints one line per distinct outcome and a summary; exit status 0 when
 * every step ended as allowed.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "afalg.h"
#include "errno_name.h"

static bool allowed[4096];
static unsigned int max_steps = 2000, first_step = 1, step = 1;
static bool count_only;

#define COUNT_BIG	1000000

static int set_fail_nth(unsigned int n)
{
	char buf[16];
	int fd = open("/proc/thread-self/fail-nth", O_WRONLY), len, ret;

	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%u", n);
	ret = write(fd, buf, len) == len ? 0 : -errno;
	close(fd);
	return ret;
}

/* What is left of the count: > 0 means no allocation was failed. */
static int get_fail_nth(void)
{
	char buf[16] = "";
	int fd = open("/proc/thread-self/fail-nth", O_RDONLY), n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -EIO;
}

static unsigned int authenc_key(uint8_t *k, unsigned int enckeylen)
{
	uint16_t rta_len = 8, rta_type = 1;
	uint32_t ekl = __builtin_bswap32(enckeylen);
	unsigned int i;

	memcpy(k, &rta_len, 2);
	memcpy(k + 2, &rta_type, 2);
	memcpy(k + 4, &ekl, 4);
	for (i = 8; i < 8 + 32 + enckeylen; i++)
		k[i] = i * 3;
	return 8 + 32 + enckeylen;
}

/*
 * One request on a keyed transform; the output (up to 64 bytes) goes to
 * out.  Returns bytes or -errno.
 */
static ssize_t one_request(int tfm, const char *type, uint8_t *out)
{
	uint8_t in[64] = { 1 }, iv[16] = { 2 };
	int op;
	ssize_t r;

	op = afalg_op(tfm);
	if (op < 0)
		return op;
	memset(out, 0, 64);
	if (!strcmp(type, "hash")) {
		r = afalg_err(send(op, in, sizeof(in), 0));
		if (r >= 0)
			r = afalg_recv(op, out, 64);
	} else if (!strcmp(type, "aead")) {
		r = afalg_crypt(op, 1, iv, 12, 16, in, 48, out, 64);
		if (r == -EINVAL)	/* authenc/rfc4106 IV sizes */
			r = afalg_crypt(op, 1, iv, 16, 16, in, 48, out, 64);
		if (r == -EINVAL)
			r = afalg_crypt(op, 1, iv, 8, 16, in, 48, out, 64);
	} else {
		r = afalg_crypt(op, 1, iv, 16, -1, in, 32, out, 32);
		if (r == -EINVAL)	/* ecb: no IV */
			r = afalg_crypt(op, 1, NULL, 0, -1, in, 32, out, 32);
	}
	close(op);
	return r;
}

/* The reference output for this key, from the kernel's own driver ref. */
static uint8_t ref_out[64];
static ssize_t ref_len = -1;

static int compute_ref(const char *type, const char *ref, const uint8_t *key,
		       unsigned int klen)
{
	int tfm = afalg_tfm(type, ref);

	if (tfm < 0)
		return tfm;
	ref_len = afalg_setkey(tfm, key, klen) ?: one_request(tfm, type, ref_out);
	close(tfm);
	return ref_len < 0 ? (int)ref_len : 0;
}

/* The transform computes what the kernel does. */
static int check_right(int tfm, const char *type)
{
	uint8_t out[64];
	ssize_t r = one_request(tfm, type, out);

	if (r < 0)
		return r;
	return r == ref_len && !memcmp(out, ref_out, r) ? 0 : -EBADE;
}

/* After a failed setkey, a request must see ENOKEY. */
static int check_nokey(int tfm)
{
	uint8_t in[32] = { 0 }, out[32];
	int op = afalg_op(tfm);
	ssize_t r;

	if (op < 0)
		return op == -ENOKEY ? 0 : op;
	r = afalg_crypt(op, 1, NULL, 0, -1, in, 16, out, 16);
	close(op);
	return r == -ENOKEY ? 0 : r < 0 ? (int)r : -EEXIST;
}

struct outcome {
	int err;
	unsigned int count;
	unsigned int first;
};

int main(int argc, char **argv)
{
	struct outcome outc[16] = { 0 };
	unsigned int nout = 0, n, i, steps = 0, bad = 0;
	const char *op;
	int c, err, done = 0;

	while ((c = getopt(argc, argv, "m:e:S:i:c")) != -1) {
		char *tok, *save = NULL;

		switch (c) {
		case 'm':
			max_steps = atoi(optarg);
			break;
		case 'S':
			first_step = atoi(optarg) ?: 1;
			break;
		case 'i':
			step = atoi(optarg) ?: 1;
			break;
		case 'c':
			count_only = true;
			break;
		case 'e':
			for (tok = strtok_r(optarg, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				int e;

				for (e = 1; e < 200; e++)
					if (!strcmp(errno_name(e), tok) ||
					    atoi(tok) == e)
						break;
				if (e < 200)
					allowed[e] = true;
			}
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc)
		goto usage;
	op = argv[optind];
	allowed[ENOMEM] = true;

	if (count_only) {
		first_step = COUNT_BIG;
		max_steps = 1;
	}
	for (n = first_step; steps < max_steps && !done; n += step) {
		int tfm = -1, left, post = 0;
		uint8_t key[200];
		unsigned int klen = 0;

		steps++;
		if (!strcmp(op, "bind") && argc - optind == 3) {
			if (set_fail_nth(n))
				goto nth_broken;
			tfm = afalg_tfm(argv[optind + 1], argv[optind + 2]);
			left = get_fail_nth();
			set_fail_nth(0);
			err = tfm < 0 ? tfm : 0;
			if (tfm >= 0)
				close(tfm);
		} else if (!strcmp(op, "setkey") && argc - optind == 5) {
			const char *type = argv[optind + 1];

			klen = atoi(argv[optind + 3]);
			if (strstr(argv[optind + 2], "authenc"))
				klen = authenc_key(key, klen);
			else
				for (i = 0; i < klen; i++)
					key[i] = i * 7 + 1;
			if (n == 1 && compute_ref(type, argv[optind + 4], key, klen)) {
				fprintf(stderr, "failnth: reference %s failed\n",
					argv[optind + 4]);
				return 2;
			}
			tfm = afalg_tfm(type, argv[optind + 2]);
			if (tfm < 0) {
				fprintf(stderr, "failnth: bind %s: %s\n",
					argv[optind + 2], errno_name(tfm));
				return 2;
			}
			if (set_fail_nth(n))
				goto nth_broken;
			err = afalg_setkey(tfm, key, klen);
			left = get_fail_nth();
			set_fail_nth(0);
			/*
			 * Set: computes right (on whichever devices prepared
			 * it).  Failed: no key, and a new setkey works.
			 */
			if (err) {
				post = check_nokey(tfm);
				if (!post)
					post = afalg_setkey(tfm, key, klen);
			}
			if (!post)
				post = check_right(tfm, type);
			close(tfm);
		} else if (!strcmp(op, "load") && argc - optind >= 3) {
			const char *params = argc - optind >= 4 ? argv[optind + 3] : "";
			int fd = open(argv[optind + 1], O_RDONLY | O_CLOEXEC);

			if (fd < 0) {
				fprintf(stderr, "failnth: %s: %s\n", argv[optind + 1],
					strerror(errno));
				return 2;
			}
			if (set_fail_nth(n))
				goto nth_broken;
			err = afalg_err(syscall(SYS_finit_module, fd, params, 0));
			left = get_fail_nth();
			set_fail_nth(0);
			close(fd);
			if (!err) {
				/* Loaded: it must unload (nothing uses it). */
				post = afalg_err(syscall(SYS_delete_module,
							 argv[optind + 2], O_NONBLOCK));
			} else {
				/* Not loaded: it must load now and unload. */
				fd = open(argv[optind + 1], O_RDONLY | O_CLOEXEC);
				post = afalg_err(syscall(SYS_finit_module, fd, params, 0));
				close(fd);
				if (!post)
					post = afalg_err(syscall(SYS_delete_module,
								 argv[optind + 2], O_NONBLOCK));
			}
		} else {
			goto usage;
		}

		if (count_only) {
			printf("count %d\n", left > 0 ? COUNT_BIG - left : -1);
			return 0;
		}
		if (left > 0)
			done = 1;	/* no allocation was failed: all covered */
		if ((err && (-err >= 4096 || !allowed[-err])) || post) {
			if (bad++ < 10)
				printf("# failnth %s: allocation %u failed: result %s, afterwards %s\n",
				       op, n, errno_name(err), post ? errno_name(post) : "fine");
		}
		for (i = 0; i < nout && outc[i].err != err; i++)
			;
		if (i == nout && nout < AFALG_ARRAY_SIZE(outc)) {
			outc[nout].err = err;
			outc[nout].first = n;
			nout++;
		}
		if (i < nout)
			outc[i].count++;
	}

	printf("# failnth %s %s: %u steps%s, %u wrong;", op, argv[optind + 1],
	       steps, done ? "" : " (gave up before the end)", bad);
	for (i = 0; i < nout; i++)
		printf(" %s x%u (first at %u)", errno_name(outc[i].err),
		       outc[i].count, outc[i].first);
	printf("\n");
	return bad ? 1 : 0;

nth_broken:
	fprintf(stderr, "failnth: cannot use /proc/thread-self/fail-nth: %s\n",
		strerror(errno));
	return 77;
usage:
	fprintf(stderr, "usage: failnth [-m MAX] [-e ERRNOS] bind TYPE NAME | setkey TYPE NAME KEYLEN REF | load KO NAME [PARAMS]\n");
	return 2;
}

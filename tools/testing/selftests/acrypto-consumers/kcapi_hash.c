// SPDX-License-Identifier: GPL-2.0
/*
 * kcapi_hash - the acrypto hashes through AF_ALG: sha1, sha256, hmac(sha1)
 * and hmac(sha256).
 *
 * AF_ALG reaches each ahash entry point in its own way, and the tests use
 * them all, with libkcapi and with the socket calls themselves:
 *   sendmsg()             init, update per chunk, final
 *   splice()              digest (one page), or update per page and finup
 *   accept() on an op     export on the parent, import on the child
 *   recv() with no data   init, final
 * For each algorithm:
 *  - the name resolves to the acrypto driver;
 *  - FIPS 180-4 (SHA), RFC 2202 (HMAC-SHA1), RFC 4231 (HMAC-SHA256)
 *    vectors, one-shot and in pieces; one million 'a' in a stream;
 *  - messages split at random points agree with the kernel's generic
 *    implementation (bound by driver name);
 *  - hash states cloned with accept() (export/import) in the middle of a
 *    message continue correctly, in the clone and in the original;
 *  - several requests of one transform, interleaved, keep their states;
 *  - HMAC keys of every length class; unkeyed setkey and keyless HMAC fail
 *    as the kernel's implementation does;
 *  - the soft device counted exactly one step per update, final, finup or
 *    digest, and every step is a session of its own.  (libkcapi's own
 *    calls are checked for sstarted == scompleted == sfinished only, as
 *    libkcapi chooses how to cut the data.)
 *
 * With -r DEVICE, DEVICE hashes whole messages only (virtio-crypto's hash
 * and MAC services): instead of the above, messages of 0 to 4096 bytes in
 * one page, each spliced without MSG_MORE (a digest()) or none at all (an
 * empty recv(): init() and final() on the initial state), with a new
 * transform and HMAC key (1 to 100 bytes) each; every digest must be
 * right and exactly one step of DEVICE.
 *
 * Usage: kcapi_hash [-s SEED] [-q] [-a sha1|sha256|hmac-sha1|hmac-sha256]
 *                   [-d DEVICE | -r DEVICE]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <kcapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "afalg.h"
#include "common.h"
#include "vectors.h"

#define PAGE	4096
#define CHUNK	(16 * PAGE)	/* what AF_ALG maps at once (ALG_MAX_PAGES) */

struct alg {
	const char *key;	/* for -a */
	const char *name;
	const char *drv;
	const char *ref;
	bool keyed;
	const struct hash_kat *kat;
	size_t nkat;
	const char *million;	/* digest of 10^6 'a', unkeyed only */
	unsigned int dsize;
	unsigned int bsize;
};

static const struct alg algs[] = {
	{ "sha1", "sha1", "acrypto-sha1", "sha1-generic", false,
	  sha1_kat, ARRAY_SIZE(sha1_kat), sha1_million_a, 20, 64 },
	{ "sha256", "sha256", "acrypto-sha256", "sha256-generic", false,
	  sha256_kat, ARRAY_SIZE(sha256_kat), sha256_million_a, 32, 64 },
	{ "hmac-sha1", "hmac(sha1)", "acrypto-hmac-sha1", "hmac(sha1-generic)",
	  true, hmac_sha1_kat, ARRAY_SIZE(hmac_sha1_kat), NULL, 20, 64 },
	{ "hmac-sha256", "hmac(sha256)", "acrypto-hmac-sha256",
	  "hmac(sha256-generic)", true, hmac_sha256_kat,
	  ARRAY_SIZE(hmac_sha256_kat), NULL, 32, 64 },
};

static const char *dev;
static uint8_t *msg, *keybuf;

/* ---- AF_ALG (../acrypto-common/afalg.h) ---- */

/* A transform socket of the hash @name, keyed if @setkey, or -errno. */
static int tfm_open(const char *name, const uint8_t *key, unsigned int klen,
		    bool setkey)
{
	return setkey ? afalg_tfm_key("hash", name, key, klen) :
			afalg_tfm("hash", name);
}

/* send() @len bytes, MSG_MORE if @more; returns 0 or -errno. */
static int op_send(int op, const uint8_t *buf, size_t len, bool more)
{
	ssize_t n = afalg_write(op, buf, len, more);

	if (n < 0)
		return n;
	return (size_t)n == len ? 0 : -EIO;
}

/* The kernel's digest of @m (libkcapi, generic implementation). */
static bool ref_digest(const struct alg *a, const uint8_t *key,
		       unsigned int klen, const uint8_t *m, size_t len,
		       uint8_t *out)
{
	return md_digest(a->ref, a->keyed ? key : NULL, klen, m, len, out,
			 a->dsize) == (ssize_t)a->dsize;
}

/* ---- counters ---- */

static void check_counters(struct check *c, const struct devctr *before,
			   long long steps)
{
	struct devctr now, d, e = { 0 };

	ctr_read(dev, &now);
	ctr_sub(&d, &now, before);
	if (steps >= 0) {
		ctr_add(&e, steps, steps, steps, 0);
		check_note(c, ctr_eq(&d, &e), "%s counters: expected %s, got %s",
			   dev, ctr_str(&e), ctr_str(&d));
	} else {
		/* libkcapi decides the steps: each one a session */
		check_note(c, d.sstarted > 0 && d.sstarted == d.scompleted &&
			   d.sstarted == d.sfinished && !d.errors,
			   "%s counters: %s, expected equal and positive with "
			   "no errors", dev, ctr_str(&d));
	}
}

/* Steps of one sendmsg() of @len bytes: one update per mapped chunk. */
static long long send_steps(size_t len)
{
	return (len + CHUNK - 1) / CHUNK;
}

/* ---- tests ---- */

static void test_resolves(const struct alg *a)
{
	const struct hash_kat *v = &a->kat[0];
	struct devctr before;
	struct check c = { 0 };
	uint8_t out[64];
	int fd, op;

	ctr_read(dev, &before);
	memcpy(msg, v->msg, v->mlen);
	fd = tfm_open(a->name, (const uint8_t *)v->key, v->klen, a->keyed);
	op = fd < 0 ? fd : afalg_op(fd);
	check_note(&c, op >= 0, "bind/accept %s: %d", a->name, op);
	if (op >= 0) {
		check_note(&c, !op_send(op, msg, v->mlen, false) &&
			   afalg_recv(op, out, a->dsize) == a->dsize &&
			   !memcmp(out, v->digest, v->dlen), "%s: wrong digest",
			   v->src);
		close(op);
	}
	if (fd >= 0)
		close(fd);
	check_counters(&c, &before, send_steps(v->mlen) + 1);
	check_end(&c, "%s: bound by name, the work is done by acrypto (%s)",
		  a->name, dev);
}

enum path { P_KCAPI, P_KCAPI_STREAM, P_SEND, P_SPLICE, __P_MAX };

static const char *const path_name[__P_MAX] = {
	[P_KCAPI] = "libkcapi one-shot digest",
	[P_KCAPI_STREAM] = "libkcapi update/final",
	[P_SEND] = "sendmsg pieces: init/update/final",
	[P_SPLICE] = "splice: digest or update/finup",
};

static unsigned int random_cuts(size_t *cuts, size_t len, unsigned int max)
{
	unsigned int i, n;

	if (len < 2)
		return 0;
	n = rnd_range(1, max);
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
	return n;
}

/*
 * Hash @m with our driver along @path, the message cut at @cuts.  Adds the
 * steps the engine must have done to *steps (-1 if not predictable).
 */
static ssize_t hash_path(const struct alg *a, enum path p, const uint8_t *key,
			 unsigned int klen, const uint8_t *m, size_t len,
			 const size_t *cuts, unsigned int ncuts, uint8_t *out,
			 long long *steps)
{
	struct kcapi_handle *h;
	size_t start = 0;
	unsigned int i;
	ssize_t ret;
	int fd, op;

	if (p == P_KCAPI || p == P_KCAPI_STREAM) {
		*steps = -1;
		ret = kcapi_md_init(&h, a->drv, 0);
		if (ret)
			return ret;
		if (a->keyed) {
			ret = kcapi_md_setkey(h, key, klen);
			if (ret)
				goto out_h;
		}
		if (p == P_KCAPI) {
			ret = kcapi_md_digest(h, m, len, out, a->dsize);
			goto out_h;
		}
		for (i = 0; i <= ncuts; i++) {
			size_t end = i < ncuts ? cuts[i] : len;

			if (end > start) {
				ret = kcapi_md_update(h, m + start, end - start);
				if (ret < 0)
					goto out_h;
			}
			start = end;
		}
		ret = kcapi_md_final(h, out, a->dsize);
out_h:
		kcapi_md_destroy(h);
		return ret;
	}

	fd = tfm_open(a->drv, key, klen, a->keyed);
	if (fd < 0)
		return fd;
	op = afalg_op(fd);
	if (op < 0) {
		close(fd);
		return op;
	}
	if (p == P_SEND) {
		/* every piece a sendmsg(), the last without MSG_MORE */
		for (i = 0; i <= ncuts; i++) {
			size_t end = i < ncuts ? cuts[i] : len;

			ret = op_send(op, m + start, end - start, i < ncuts);
			if (ret)
				goto out;
			*steps += send_steps(end - start);
			start = end;
		}
		*steps += 1;			/* final */
	} else {
		/*
		 * splice() in page-aligned pieces of at most 16 pages; one
		 * sendpage per page: updates, then finup (digest when the
		 * whole message is one page).
		 */
		while (start < len) {
			size_t n = len - start > CHUNK ? CHUNK : len - start;

			ret = afalg_splice(op, m + start, n, start + n < len);
			if (ret < 0)
				goto out;
			*steps += (n + PAGE - 1) / PAGE;
			start += n;
		}
		if (!len) {
			/* nothing to splice: recv() does init and final */
			*steps += 1;
		}
	}
	ret = afalg_recv(op, out, a->dsize);
out:
	close(op);
	close(fd);
	return ret;
}

static void test_kat(const struct alg *a, enum path p)
{
	struct devctr before;
	struct check c = { 0 };
	long long steps = 0;
	size_t cuts[8];
	uint8_t out[64];
	unsigned int ncuts;
	size_t i;
	ssize_t ret;

	ctr_read(dev, &before);
	for (i = 0; i < a->nkat; i++) {
		const struct hash_kat *v = &a->kat[i];
		long long s = 0;

		memcpy(msg, v->msg, v->mlen);
		ncuts = p == P_KCAPI_STREAM || p == P_SEND ?
			random_cuts(cuts, v->mlen, 4) : 0;
		memset(out, 0, sizeof(out));
		ret = hash_path(a, p, (const uint8_t *)v->key, v->klen, msg,
				v->mlen, cuts, ncuts, out, &s);
		steps = s < 0 || steps < 0 ? -1 : steps + s;
		check_note(&c, ret == a->dsize && !memcmp(out, v->digest,
							  v->dlen),
			   "%s: returned %zd, digest %s", v->src, ret,
			   hex(out, v->dlen));
	}
	check_counters(&c, &before, steps);
	check_end(&c, "%s: known answers, %s (%zu vectors)", a->name,
		  path_name[p], a->nkat);
}

/* FIPS 180-4: one million 'a', in 10000-byte updates and in splices. */
static void test_million(const struct alg *a)
{
	struct devctr before;
	struct check c = { 0 };
	uint8_t *m = xalloc(1000000), out[64];
	long long steps = 0;
	size_t cuts[100];
	unsigned int i;
	ssize_t ret;

	memset(m, 'a', 1000000);
	for (i = 0; i < 99; i++)
		cuts[i] = (i + 1) * 10000;
	ctr_read(dev, &before);
	ret = hash_path(a, P_SEND, NULL, 0, m, 1000000, cuts, 99, out, &steps);
	check_note(&c, ret == a->dsize && !memcmp(out, a->million, a->dsize),
		   "100 sendmsg() of 10000 bytes: %zd %s", ret,
		   hex(out, a->dsize));
	ret = hash_path(a, P_SPLICE, NULL, 0, m, 1000000, NULL, 0, out,
			&steps);
	check_note(&c, ret == a->dsize && !memcmp(out, a->million, a->dsize),
		   "splice() in 64 KiB pieces: %zd %s", ret, hex(out, a->dsize));
	check_counters(&c, &before, steps);
	check_end(&c, "%s: FIPS 180-4 one million 'a', streamed", a->name);
	free(m);
}

static void random_key(const struct alg *a, unsigned int *klen)
{
	static const unsigned int lens[] = { 0, 1, 16, 20, 32, 63, 64, 65,
					     100, 128, 200 };

	*klen = a->keyed ? lens[rnd() % ARRAY_SIZE(lens)] : 0;
	rnd_fill(keybuf, *klen);
}

/* Random messages cut at random points, against the generic code. */
static void test_split(const struct alg *a, enum path p, unsigned int n)
{
	static const size_t lens[] = { 0, 1, 55, 56, 63, 64, 65, 119, 127,
				       128, 4095, 4096, 4097, 65536, 65537,
				       100000 };
	struct devctr before;
	struct check c = { 0 };
	uint8_t out[64], want[64];
	long long steps = 0;
	size_t cuts[40], len;
	unsigned int i, klen, ncuts;
	ssize_t ret;

	ctr_read(dev, &before);
	for (i = 0; i < n; i++) {
		long long s = 0;

		len = i < ARRAY_SIZE(lens) ? lens[i] : rnd_range(0, 20000);
		random_key(a, &klen);
		rnd_fill(msg, len);
		/* many small pieces now and then: across block boundaries */
		ncuts = random_cuts(cuts, len, i % 3 ? 6 : 30);
		if (!ref_digest(a, keybuf, klen, msg, len, want)) {
			check_note(&c, false, "reference %s failed", a->ref);
			continue;
		}
		ret = hash_path(a, p, keybuf, klen, msg, len, cuts, ncuts, out,
				&s);
		steps = s < 0 || steps < 0 ? -1 : steps + s;
		check_note(&c, ret == a->dsize && !memcmp(out, want, a->dsize),
			   "%zu bytes in %u pieces, key %u bytes: returned %zd,"
			   " %s instead of %s", len, ncuts + 1, klen, ret,
			   hex(out, a->dsize), hex(want, a->dsize));
	}
	check_counters(&c, &before, steps);
	check_end(&c, "%s: %u messages split at random points agree with %s, "
		  "%s", a->name, n, a->ref, path_name[p]);
}

/*
 * export/import: accept() on an op socket with a hash in progress exports
 * its state into the new socket.  Clone at a random point, then finish the
 * original and the clone with different tails.
 */
static void test_clone(const struct alg *a, unsigned int n)
{
	struct devctr before;
	struct check c = { 0 };
	uint8_t out[64], want[64], *m2 = xalloc(70000);
	long long steps = 0;
	bool lost = false;	/* a call failed: steps unknown */
	unsigned int i, klen;
	int fd, op, op2, op3;
	size_t len, cut, cut2;

	ctr_read(dev, &before);
	for (i = 0; i < n; i++) {
		random_key(a, &klen);
		len = rnd_range(2, i % 4 ? 3000 : 66000);
		cut = rnd_range(1, len - 1);
		cut2 = rnd_range(cut, len);
		rnd_fill(msg, len);
		memcpy(m2, msg, cut);
		rnd_fill(m2 + cut, len - cut);	/* the clone's tail */

		fd = tfm_open(a->drv, keybuf, klen, a->keyed);
		op = fd < 0 ? fd : afalg_op(fd);
		if (op < 0) {
			check_note(&c, false, "bind/accept: %d", op);
			if (fd >= 0)
				close(fd);
			continue;
		}
		op2 = op3 = -1;
		if (op_send(op, msg, cut, true))
			goto fail;
		steps += send_steps(cut);
		op2 = afalg_op(op);		/* export, import */
		if (op2 < 0)
			goto fail;
		/* the original goes on to cut2, then is cloned again */
		if (op_send(op, msg + cut, cut2 - cut, true))
			goto fail;
		steps += send_steps(cut2 - cut);
		op3 = afalg_op(op);
		if (op3 < 0)
			goto fail;

		/* original: the rest of msg */
		if (op_send(op, msg + cut2, len - cut2, false) ||
		    afalg_recv(op, out, a->dsize) != a->dsize)
			goto fail;
		steps += send_steps(len - cut2) + 1;
		ref_digest(a, keybuf, klen, msg, len, want);
		check_note(&c, !memcmp(out, want, a->dsize),
			   "original after two clones: %s, expected %s",
			   hex(out, a->dsize), hex(want, a->dsize));

		/* first clone: the other tail */
		if (op_send(op2, m2 + cut, len - cut, false) ||
		    afalg_recv(op2, out, a->dsize) != a->dsize)
			goto fail;
		steps += send_steps(len - cut) + 1;
		ref_digest(a, keybuf, klen, m2, len, want);
		check_note(&c, !memcmp(out, want, a->dsize),
			   "clone at %zu of %zu: %s, expected %s", cut, len,
			   hex(out, a->dsize), hex(want, a->dsize));

		/* second clone: nothing more, finished by recv() (final) */
		if (afalg_recv(op3, out, a->dsize) != a->dsize)
			goto fail;
		steps += 1;
		ref_digest(a, keybuf, klen, msg, cut2, want);
		check_note(&c, !memcmp(out, want, a->dsize),
			   "clone at %zu, final only: %s, expected %s", cut2,
			   hex(out, a->dsize), hex(want, a->dsize));
		goto next;
fail:
		check_note(&c, false, "message %u (%zu bytes, clones at %zu, "
			   "%zu): socket call failed: %s", i, len, cut, cut2,
			   strerror(errno));
		lost = true;
next:
		if (op3 >= 0)
			close(op3);
		if (op2 >= 0)
			close(op2);
		close(op);
		close(fd);
	}
	check_counters(&c, &before, lost ? -1 : steps);
	check_end(&c, "%s: states exported and imported by accept() mid-"
		  "message continue correctly (%u messages)", a->name, n);
	free(m2);
}

/* Requests of one transform, interleaved, keep their own states. */
static void test_interleave(const struct alg *a)
{
	enum { N = 8 };
	struct devctr before;
	struct check c = { 0 };
	uint8_t *m[N], out[64], want[64];
	size_t len[N], done[N];
	long long steps = 0;
	int fd, op[N], i, left;
	unsigned int klen;

	random_key(a, &klen);
	ctr_read(dev, &before);
	fd = tfm_open(a->drv, keybuf, klen, a->keyed);
	for (i = 0; i < N; i++) {
		len[i] = rnd_range(1, 5000);
		done[i] = 0;
		m[i] = xalloc(len[i]);
		rnd_fill(m[i], len[i]);
		op[i] = fd < 0 ? -1 : afalg_op(fd);
	}
	for (left = N; left > 0;) {
		for (i = 0; i < N; i++) {
			size_t n;

			if (op[i] < 0 || done[i] == len[i])
				continue;
			n = rnd_range(1, 700);
			if (n > len[i] - done[i])
				n = len[i] - done[i];
			check_note(&c, !op_send(op[i], m[i] + done[i], n, true),
				   "send on request %d", i);
			steps++;
			done[i] += n;
			if (done[i] == len[i])
				left--;
		}
		if (fd < 0)
			break;
	}
	for (i = 0; i < N; i++) {
		ssize_t r = op[i] < 0 ? op[i] : afalg_recv(op[i], out, a->dsize);

		steps++;
		ref_digest(a, keybuf, klen, m[i], len[i], want);
		check_note(&c, r == a->dsize && !memcmp(out, want, a->dsize),
			   "request %d (%zu bytes): returned %zd, %s instead of "
			   "%s", i, len[i], r, hex(out, a->dsize),
			   hex(want, a->dsize));
		if (op[i] >= 0)
			close(op[i]);
		free(m[i]);
	}
	if (fd >= 0)
		close(fd);
	check_counters(&c, &before, steps);
	check_end(&c, "%s: %d interleaved requests of one transform keep "
		  "their states", a->name, N);
}

/* Several processes hashing at once (both CPUs, and preemption). */
static void test_parallel(const struct alg *a)
{
	enum { PROCS = 4, ROUNDS = 40 };
	struct check c = { 0 };
	int i, status;
	pid_t pid[PROCS];

	for (i = 0; i < PROCS; i++) {
		pid[i] = fork();
		if (!pid[i]) {
			uint8_t out[64], want[64];
			size_t cuts[6];
			unsigned int r, klen, bad = 0;

			rnd_seed(1000 + i);
			for (r = 0; r < ROUNDS; r++) {
				size_t len = rnd_range(0, 9000);
				long long s = 0;

				random_key(a, &klen);
				rnd_fill(msg, len);
				ref_digest(a, keybuf, klen, msg, len, want);
				if (hash_path(a, r % 2 ? P_SEND : P_SPLICE,
					      keybuf, klen, msg, len, cuts,
					      random_cuts(cuts, len, 5), out,
					      &s) != a->dsize ||
				    memcmp(out, want, a->dsize))
					bad++;
			}
			_exit(bad ? 1 : 0);
		}
	}
	for (i = 0; i < PROCS; i++) {
		waitpid(pid[i], &status, 0);
		check_note(&c, WIFEXITED(status) && !WEXITSTATUS(status),
			   "process %d: status %#x", i, status);
	}
	check_end(&c, "%s: %d processes hashing at once get correct digests",
		  a->name, PROCS);
}

static int nokey_send(const char *name)
{
	int fd, op, err;

	fd = tfm_open(name, NULL, 0, false);
	if (fd < 0)
		return fd;
	op = afalg_op(fd);
	err = op < 0 ? op : op_send(op, msg, 10, false);
	if (op >= 0)
		close(op);
	close(fd);
	return err;
}

static void test_keys(const struct alg *a)
{
	static const unsigned int lens[] = { 0, 1, 19, 20, 32, 63, 64, 65,
					     128, 129, 500, 4096, 65535 };
	/* beyond 65535, the largest key the soft device declares */
	static const unsigned int big[] = { 65536, 70000 };
	struct check c2 = { 0 };
	struct check c = { 0 };
	uint8_t out[64], want[64];
	unsigned int i;
	long optmem;
	int r1, r2;

	if (!a->keyed) {
		/* setkey on an unkeyed hash: as the kernel's */
		r1 = tfm_open(a->drv, keybuf, 16, true);
		r2 = tfm_open(a->ref, keybuf, 16, true);
		check_note(&c, r1 < 0 && r1 == r2, "setkey: acrypto %d, "
			   "kernel's %d", r1, r2);
		if (r1 >= 0)
			close(r1);
		if (r2 >= 0)
			close(r2);
		check_end(&c, "%s: setkey fails as with the kernel's "
			  "implementation", a->name);
		return;
	}
	optmem = set_optmem(256 * 1024);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		rnd_fill(keybuf, lens[i]);
		rnd_fill(msg, 100);
		ref_digest(a, keybuf, lens[i], msg, 100, want);
		r1 = md_digest(a->drv, keybuf, lens[i], msg, 100, out,
			       a->dsize);
		check_note(&c, r1 == (int)a->dsize &&
			   !memcmp(out, want, a->dsize), "key of %u bytes: "
			   "returned %d, %s instead of %s", lens[i], r1,
			   hex(out, a->dsize), hex(want, a->dsize));
	}
	for (i = 0; i < ARRAY_SIZE(big); i++) {
		rnd_fill(keybuf, big[i]);
		rnd_fill(msg, 100);
		ref_digest(a, keybuf, big[i], msg, 100, want);
		r1 = md_digest(a->drv, keybuf, big[i], msg, 100, out,
			       a->dsize);
		check_note(&c2, r1 == (int)a->dsize &&
			   !memcmp(out, want, a->dsize), "key of %u bytes: "
			   "returned %d (%s)", big[i], r1,
			   r1 < 0 ? strerror(-r1) : hex(out, a->dsize));
	}
	tap_check(!c2.fails, "%s: keys of 65536 and 70000 bytes work as with %s",
		  a->name, a->ref);
	if (optmem > 0)
		set_optmem(optmem);
	/* no key: the first send() fails with ENOKEY, like the kernel's */
	r1 = nokey_send(a->drv);
	r2 = nokey_send(a->ref);
	check_note(&c, r1 == -ENOKEY && r2 == r1, "no key: acrypto %d, "
		   "kernel's %d", r1, r2);
	check_end(&c, "%s: keys of %zu lengths (0 to 65535 bytes) agree with "
		  "%s; no key gives ENOKEY", a->name, ARRAY_SIZE(lens), a->ref);
}

/*
 * -r: whole messages, each in one page spliced without MSG_MORE (or an
 * empty recv()), each a digest step of the device.
 */
static void test_whole(const struct alg *a)
{
	static const size_t lens[] = {
		0, 1, 55, 56, 63, 64, 65, 100, 1000, 2048, 4095, 4096
	};
	uint8_t out[64], want[64], *page;
	struct devctr before;
	struct check c = { 0 };
	unsigned int i, klen;
	int fd, op;
	ssize_t n;

	page = aligned_alloc(PAGE, PAGE);
	if (!page) {
		tap_check(false, "%s: no memory", a->name);
		return;
	}
	ctr_read(dev, &before);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		klen = a->keyed ? 1 + rnd_range(0, 99) : 0;
		rnd_fill(keybuf, klen);
		rnd_fill(page, lens[i]);
		ref_digest(a, keybuf, klen, page, lens[i], want);
		memset(out, 0, sizeof(out));
		fd = tfm_open(a->drv, keybuf, klen, a->keyed);
		op = fd < 0 ? fd : afalg_op(fd);
		n = op < 0 ? op :
		    lens[i] ? afalg_splice(op, page, lens[i], false) : 0;
		if (n >= 0)
			n = afalg_recv(op, out, a->dsize);
		check_note(&c, n == (ssize_t)a->dsize &&
			   !memcmp(out, want, a->dsize),
			   "%zu bytes, key of %u: returned %zd, %s instead of %s",
			   lens[i], klen, n, hex(out, a->dsize),
			   hex(want, a->dsize));
		if (op >= 0)
			close(op);
		if (fd >= 0)
			close(fd);
	}
	check_counters(&c, &before, ARRAY_SIZE(lens));
	check_end(&c, "%s: %zu whole messages of 0 to 4096 bytes, each right "
		  "and one digest step of %s", a->name, ARRAY_SIZE(lens), dev);
	free(page);
}

int main(int argc, char **argv)
{
	unsigned int i, p;

	common_args(argc, argv);
	dev = opt_route ?: opt_dev;
	if (!afalg_setup()) {
		printf("Bail out! AF_ALG is not available\n");
		return 1;
	}
	if (!dev_exists(dev)) {
		printf("Bail out! no acrypto device %s\n", dev);
		return 1;
	}
	msg = xalloc(128 * 1024);
	keybuf = xalloc(72 * 1024);

	for (i = 0; i < ARRAY_SIZE(algs); i++) {
		const struct alg *a = &algs[i];

		if (opt_alg && strcmp(opt_alg, a->key))
			continue;
		tap_diag("%s: %s against %s", a->name, a->drv, a->ref);
		if (opt_route) {
			test_whole(a);
			continue;
		}
		test_resolves(a);
		for (p = 0; p < __P_MAX; p++)
			test_kat(a, p);
		if (a->million)
			test_million(a);
		for (p = 0; p < __P_MAX; p++)
			test_split(a, p, quick ? 20 : 40);
		test_clone(a, quick ? 8 : 24);
		test_interleave(a);
		test_parallel(a);
		test_keys(a);
	}
	return tap_finish();
}

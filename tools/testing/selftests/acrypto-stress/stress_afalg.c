// SPDX-License-Identifier: GPL-2.0
/*
 * stress_afalg - AF_ALG AIO workers with every output checked, for the
 * acrypto stress campaign.
 *
 * Each worker thread loops until the deadline: it picks a mode, and every
 * few requests a fresh random key on fresh transforms (so keys are set up
 * and torn down on every device all the time); it sends a request of random
 * size and content to the engine's algorithm (bound by driver name,
 * acrypto-*) and reads the result through io_submit(), then computes the
 * same request with the kernel's generic implementation and compares.
 *
 * Every request is accounted for: it either produced the right output
 * (ok), failed with an errno (failed, by errno; the errnos allowed with -e
 * are expected, others are "unexpected"), produced a wrong output
 * (mismatch) or did not complete within -T seconds (lost: the program
 * stops at once, leaving the stuck thread behind).
 *
 * Usage: stress_afalg [-t SECONDS] [-w WORKERS] [-m MODE,...] [-s SEED]
 *                     [-e ERRNO,...] [-T SECONDS] [-k REQUESTS] [-q]
 *   -t   run time (default 30)
 *   -w   worker threads (default 4)
 *   -m   modes: ecb cbc ctr xts gcm rfc4106 authenc sha1 sha256 hmac1 hmac256
 *        (default all)
 *   -s   seed (default: time)
 *   -e   errnos a request may fail with (names or numbers), e.g. EBADMSG,ENODEV
 *   -T   a request not done after this long is lost (default 120)
 *   -k   requests per key (default 8)
 *   -q   no per-errno breakdown
 *   -S FILE  stop as soon as FILE exists (checked before each request)
 *   -l   shortest request (default: any length, many small ones)
 *   -c   driver to test instead of acrypto's (one mode, for comparisons)
 *
 * Prints one line "stress_afalg: submitted N ok N failed N mismatch N lost N
 * unexpected N sessions N reference-failed N errors ERRNO=N..." (requests
 * whose reference, the kernel's own implementation, failed are reported
 * but not blamed on acrypto) and exits 0 when nothing was
 * wrong: submitted == ok + failed, no mismatch, no lost request, no
 * unexpected errno.  "sessions" is the number of engine sessions the
 * successful and failed requests made (a hash request with data is an
 * update and a final), for reconciling with the devices' counters.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "afalg.h"
#include "errno_name.h"

#define MAX_LEN		16384
/* Room for the longest request: text, AAD (< 64 bytes) and tag. */
#define MAX_BUF		(MAX_LEN + 64 + 16)
#define MAX_ERRNO	4096

enum kind { SKCIPHER, AEAD, HASH };

struct mode {
	const char *name;
	enum kind kind;
	const char *ours;
	const char *ref;
	unsigned int ivsize;
	unsigned int multiple;
	unsigned int minlen;
	unsigned int keylens[3];	/* 0: none */
};

static const struct mode modes[] = {
	{ "ecb", SKCIPHER, "acrypto-ecb-aes", "ecb(aes-generic)", 0, 16, 16, { 16, 24, 32 } },
	{ "cbc", SKCIPHER, "acrypto-cbc-aes", "cbc(aes-generic)", 16, 16, 16, { 16, 24, 32 } },
	{ "ctr", SKCIPHER, "acrypto-ctr-aes", "ctr(aes-generic)", 16, 1, 1, { 16, 24, 32 } },
	{ "xts", SKCIPHER, "acrypto-xts-aes", "xts(ecb(aes-generic))", 16, 1, 16, { 32, 48, 64 } },
	{ "gcm", AEAD, "acrypto-gcm-aes", "gcm_base(ctr(aes-generic),ghash-generic)", 12, 1, 0, { 16, 24, 32 } },
	{ "rfc4106", AEAD, "acrypto-rfc4106-gcm-aes",
	  "rfc4106(gcm_base(ctr(aes-generic),ghash-generic))", 8, 1, 0, { 20, 28, 36 } },
	{ "authenc", AEAD, "acrypto-authenc-hmac-sha256-cbc-aes",
	  "authenc(hmac(sha256-generic),cbc(aes-generic))", 16, 16, 16, { 16, 24, 32 } },
	{ "sha1", HASH, "acrypto-sha1", "sha1-generic", 0, 1, 0, { 0 } },
	{ "sha256", HASH, "acrypto-sha256", "sha256-generic", 0, 1, 0, { 0 } },
	{ "hmac1", HASH, "acrypto-hmac-sha1", "hmac(sha1-generic)", 0, 1, 0, { 20, 64, 100 } },
	{ "hmac256", HASH, "acrypto-hmac-sha256", "hmac(sha256-generic)", 0, 1, 0, { 32, 64, 100 } },
};
#define NMODES AFALG_ARRAY_SIZE(modes)

static struct {
	unsigned int seconds, workers, timeout, per_key;
	bool use[NMODES];
	bool allowed[MAX_ERRNO];
	uint64_t seed;
	bool quiet;
	const char *stop_file;
	unsigned int minlen;	/* -l: lengths from here to the most */
	const char *driver;	/* -c: instead of acrypto's, for comparisons */
} opt = { 30, 4, 120, 8, { false }, { false }, 0, false, NULL, 0, NULL };

static atomic_ulong n_submitted, n_ok, n_failed, n_mismatch, n_unexpected,
		    n_sessions, n_ref_failed, n_by_errno[MAX_ERRNO];
static time_t deadline;
static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t rnd_next(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static void rnd_fill(uint64_t *s, void *p, size_t len)
{
	uint8_t *b = p;

	while (len >= 8) {
		uint64_t v = rnd_next(s);

		memcpy(b, &v, 8);
		b += 8;
		len -= 8;
	}
	while (len--)
		*b++ = rnd_next(s);
}

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&print_lock);
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	pthread_mutex_unlock(&print_lock);
}

/* authenc keys: rtattr with the cipher key length, MAC key, cipher key. */
static unsigned int make_key(uint64_t *rs, const struct mode *m,
			     unsigned int klen, uint8_t *key)
{
	if (strcmp(m->name, "authenc")) {
		rnd_fill(rs, key, klen);
		return klen;
	}
	uint16_t rta_len = 8, rta_type = 1;
	uint32_t ekl = __builtin_bswap32(klen);

	memcpy(key, &rta_len, 2);
	memcpy(key + 2, &rta_type, 2);
	memcpy(key + 4, &ekl, 4);
	rnd_fill(rs, key + 8, 32 + klen);
	return 8 + 32 + klen;
}

struct pair {
	const struct mode *m;
	int ours, ref;		/* transform sockets */
	unsigned int used;	/* requests on this key */
};

static void pair_close(struct pair *p)
{
	if (p->ours >= 0)
		close(p->ours);
	if (p->ref >= 0)
		close(p->ref);
	p->ours = p->ref = -1;
}

/*
 * New transforms with a new random key.  Returns 0 or -errno; *what names
 * the step that failed and *ref says whether it was the kernel's reference
 * transform (not to be blamed on acrypto).
 */
static int pair_open(struct pair *p, const struct mode *m, uint64_t *rs,
		     const char **what, bool *ref)
{
	const char *type = m->kind == SKCIPHER ? "skcipher" :
			   m->kind == AEAD ? "aead" : "hash";
	uint8_t key[200];
	unsigned int nk = 0, klen;
	int err;

	pair_close(p);
	p->m = m;
	p->used = 0;
	while (nk < 3 && m->keylens[nk])
		nk++;
	klen = nk ? make_key(rs, m, m->keylens[rnd_next(rs) % nk], key) : 0;

	*ref = true;
	*what = "bind";
	p->ref = afalg_tfm(type, m->ref);
	if (p->ref < 0)
		return p->ref;
	*what = "setkey";
	err = klen ? afalg_setkey(p->ref, key, klen) : 0;
	if (err)
		return err;
	*ref = false;
	*what = "bind";
	p->ours = afalg_tfm(type, opt.driver ? opt.driver : m->ours);
	if (p->ours < 0)
		return p->ours;
	*what = "setkey";
	if (klen)
		return afalg_setkey(p->ours, key, klen);
	return 0;
}

/*
 * One request on a transform: result bytes or -errno.  aio: read the
 * result through io_submit().
 */
static ssize_t one_request(int tfm, const struct mode *m, aio_context_t ctx,
			   bool aio, const uint8_t *iv, unsigned int assoclen,
			   const uint8_t *in, size_t len, uint8_t *out,
			   size_t outlen)
{
	int op = afalg_op(tfm);
	ssize_t ret;

	if (op < 0)
		return op;
	if (m->kind == HASH)
		ret = afalg_err(send(op, in, len, 0));
	else
		ret = afalg_send(op, 1, m->ivsize ? iv : NULL, m->ivsize,
				 m->kind == AEAD ? (int)assoclen : -1, in, len, 0);
	if (ret >= 0) {
		if (aio)
			ret = afalg_recv_aio(ctx, op, out, outlen, opt.timeout);
		else
			ret = afalg_recv(op, out, outlen);
	}
	close(op);
	return ret;
}

static void count_failure(int err, const char *what, const char *name)
{
	err = -err;
	atomic_fetch_add(&n_failed, 1);
	if (err > 0 && err < MAX_ERRNO) {
		atomic_fetch_add(&n_by_errno[err], 1);
		if (opt.allowed[err])
			return;
	}
	if (atomic_fetch_add(&n_unexpected, 1) < 5)
		report("unexpected error %s: %s of %s", errno_name(-err), what, name);
}

/*
 * Say where a wrong output differs from the kernel's: the first and last
 * differing byte, how many differ, in which part (AAD copy, text, tag),
 * and whether the text is still the input (never encrypted) - enough to
 * tell a stale buffer from a half-done or doubly-done computation.
 */
static void report_mismatch(const struct mode *m, size_t len,
			    unsigned int assoc, const uint8_t *in,
			    const uint8_t *out, const uint8_t *ref, ssize_t got,
			    ssize_t want)
{
	size_t n = got < want ? got : want, i, first = n, last = 0, ndiff = 0;
	size_t text_end = assoc + len;

	for (i = 0; i < n; i++) {
		if (out[i] == ref[i])
			continue;
		if (first == n)
			first = i;
		last = i;
		ndiff++;
	}
	char offs[128];
	int at = 0;

	offs[0] = 0;
	for (i = 0; i < n && at < (int)sizeof(offs) - 12; i++)
		if (out[i] != ref[i])
			at += snprintf(offs + at, sizeof(offs) - at, " %zu", i);
	report("mismatch: %s, %zu bytes (aad %u): got %zd bytes, kernel %zd; %zu bytes differ, first at %zu (%s), last at %zu (%s)%s",
	       m->name, len, assoc, got, want, ndiff, first,
	       first < assoc ? "aad" : first < text_end ? "text" : "tag",
	       last, last < assoc ? "aad" : last < text_end ? "text" : "tag",
	       m->kind != HASH && len && (size_t)got >= text_end &&
	       !memcmp(out + assoc, in + assoc, len) ? "; the text is the input, unencrypted" : "");
	report("  differing offsets:%s; aad copy: ours %s, kernel's %s", offs,
	       m->kind == AEAD && (size_t)got >= assoc ?
	       (memcmp(out, in, assoc) ? "wrong" : "right") : "-",
	       m->kind == AEAD && (size_t)want >= assoc ?
	       (memcmp(ref, in, assoc) ? "wrong" : "right") : "-");
}

static void *worker(void *arg)
{
	uint64_t rs = opt.seed + 0x9e3779b97f4a7c15ULL * (uintptr_t)arg;
	static __thread uint8_t in[MAX_BUF], out[MAX_BUF], ref[MAX_BUF];
	struct pair p = { .ours = -1, .ref = -1 };
	unsigned int choices[NMODES], nchoices = 0, i;
	aio_context_t ctx;
	int err;

	for (i = 0; i < NMODES; i++)
		if (opt.use[i])
			choices[nchoices++] = i;
	err = aio_setup(4, &ctx);
	if (err) {
		report("io_setup: %s", errno_name(err));
		exit(2);
	}

	while (time(NULL) < deadline &&
	       !(opt.stop_file && !access(opt.stop_file, F_OK))) {
		const struct mode *m = &modes[choices[rnd_next(&rs) % nchoices]];
		unsigned int assoc = 0, tag = 0;
		size_t len, outlen;
		ssize_t got, want;
		uint8_t iv[16];

		if (p.m != m || ++p.used > opt.per_key) {
			const char *what;
			bool ref;

			err = pair_open(&p, m, &rs, &what, &ref);
			if (err && ref) {
				/* The kernel's implementation: not ours to count. */
				if (atomic_fetch_add(&n_ref_failed, 1) < 5)
					report("reference %s failed: %s of %s", errno_name(err),
					       what, m->ref);
			} else if (err) {
				/* Setting a key may fail while devices come and go. */
				atomic_fetch_add(&n_submitted, 1);
				count_failure(err, what, m->ours);
			}
			if (err) {
				pair_close(&p);
				p.m = NULL;
				continue;
			}
		}

		len = rnd_next(&rs) % MAX_LEN;
		if (opt.minlen)
			len = opt.minlen + len % (MAX_LEN - opt.minlen);
		else if (rnd_next(&rs) % 4 == 0)
			len %= 600;	/* many small ones too */
		if (len < m->minlen)
			len = m->minlen;
		len -= len % m->multiple;
		if (m->kind == AEAD) {
			assoc = !strcmp(m->name, "rfc4106") ? 16 + 4 * (rnd_next(&rs) % 2) :
				rnd_next(&rs) % 64;
			tag = 16;
			if (!strcmp(m->name, "rfc4106"))
				len &= ~7u;
		}
		rnd_fill(&rs, in, assoc + len);
		rnd_fill(&rs, iv, sizeof(iv));
		if (!strcmp(m->name, "rfc4106") && assoc)
			memcpy(in + assoc - 8, iv, 8);	/* the IV copy ends the AAD */
		outlen = m->kind == HASH ? 64 : assoc + len + tag;
		if (outlen > MAX_BUF || assoc + len > MAX_BUF) {
			report("internal error: %zu bytes do not fit", outlen);
			exit(2);
		}

		atomic_fetch_add(&n_submitted, 1);
		atomic_fetch_add(&n_sessions, m->kind == HASH && len ? 2 : 1);
		memset(out, 0xa5, outlen);
		got = one_request(p.ours, m, ctx, true, iv, assoc, in, assoc + len,
				  out, outlen);
		if (got == -ETIME) {
			report("lost: %s request of %zu bytes not done after %u s",
			       m->name, len, opt.timeout);
			printf("stress_afalg: LOST REQUEST\n");
			fflush(stdout);
			_exit(3);
		}
		if (got < 0) {
			count_failure(got, "request", m->ours);
			/* After an error the key may be gone: take a new one. */
			p.used = opt.per_key;
			continue;
		}
		want = one_request(p.ref, m, ctx, false, iv, assoc, in,
				   assoc + len, ref, outlen);
		if (want < 0) {
			if (atomic_fetch_add(&n_ref_failed, 1) < 5)
				report("reference %s failed: %s of a request", m->ref,
				       errno_name(want));
			atomic_fetch_add(&n_ok, 1);	/* cannot tell */
			continue;
		}
		if (got != want || memcmp(out, ref, got)) {
			if (atomic_fetch_add(&n_mismatch, 1) < 5) {
				static __thread uint8_t again[MAX_BUF];
				ssize_t n;

				report_mismatch(m, len, assoc, in, out, ref, got, want);
				/* Which side is wrong, and is it repeatable? */
				n = one_request(p.ours, m, ctx, false, iv, assoc, in,
						assoc + len, again, outlen);
				report("  ours again (sync): %s", n != got ? "failed" :
				       !memcmp(again, ref, n) ? "matches the kernel" :
				       !memcmp(again, out, n) ? "same wrong output" :
				       "another output");
				n = one_request(p.ref, m, ctx, false, iv, assoc, in,
						assoc + len, again, outlen);
				report("  kernel again: %s", n != want ? "failed" :
				       !memcmp(again, ref, n) ? "same as before" :
				       !memcmp(again, out, n) ? "matches ours" :
				       "another output");
			}
			continue;
		}
		atomic_fetch_add(&n_ok, 1);
	}
	pair_close(&p);
	aio_destroy(ctx);
	return NULL;
}

static int errno_of_name(const char *s)
{
	int e;

	if (s[0] >= '0' && s[0] <= '9')
		return atoi(s);
	for (e = 1; e < 200; e++)
		if (!strcmp(errno_name(e), s))
			return e;
	return -1;
}

int main(int argc, char **argv)
{
	pthread_t th[64];
	unsigned int i;
	bool any = false;
	int c;

	opt.seed = time(NULL);
	while ((c = getopt(argc, argv, "t:w:m:s:e:T:k:qS:l:c:")) != -1) {
		char *tok, *save = NULL;

		switch (c) {
		case 't':
			opt.seconds = atoi(optarg);
			break;
		case 'w':
			opt.workers = atoi(optarg);
			break;
		case 's':
			opt.seed = strtoull(optarg, NULL, 0);
			break;
		case 'T':
			opt.timeout = atoi(optarg);
			break;
		case 'k':
			opt.per_key = atoi(optarg);
			break;
		case 'q':
			opt.quiet = true;
			break;
		case 'S':
			opt.stop_file = optarg;
			break;
		case 'l':
			opt.minlen = strtoul(optarg, NULL, 0) % MAX_LEN;
			break;
		case 'c':
			opt.driver = optarg;
			break;
		case 'm':
			for (tok = strtok_r(optarg, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				for (i = 0; i < NMODES; i++)
					if (!strcmp(tok, modes[i].name))
						break;
				if (i == NMODES) {
					fprintf(stderr, "stress_afalg: unknown mode %s\n", tok);
					return 2;
				}
				opt.use[i] = any = true;
			}
			break;
		case 'e':
			for (tok = strtok_r(optarg, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				int e = errno_of_name(tok);

				if (e <= 0 || e >= MAX_ERRNO) {
					fprintf(stderr, "stress_afalg: unknown errno %s\n", tok);
					return 2;
				}
				opt.allowed[e] = true;
			}
			break;
		default:
			fprintf(stderr, "usage: stress_afalg [-t S] [-w N] [-m MODES] [-s SEED] [-e ERRNOS] [-T S] [-k N] [-q] [-S STOPFILE]\n");
			return 2;
		}
	}
	if (!any)
		for (i = 0; i < NMODES; i++)
			opt.use[i] = true;
	if (opt.workers < 1 || opt.workers > AFALG_ARRAY_SIZE(th) || !opt.per_key)
		return 2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# stress_afalg: %u workers, %u s, seed %llu\n", opt.workers,
	       opt.seconds, (unsigned long long)opt.seed);
	deadline = time(NULL) + opt.seconds;
	for (i = 0; i < opt.workers; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)(i + 1))) {
			fprintf(stderr, "stress_afalg: pthread_create failed\n");
			return 2;
		}
	for (i = 0; i < opt.workers; i++)
		pthread_join(th[i], NULL);

	printf("stress_afalg: submitted %lu ok %lu failed %lu mismatch %lu lost 0 unexpected %lu sessions %lu reference-failed %lu errors",
	       n_submitted, n_ok, n_failed, n_mismatch, n_unexpected, n_sessions,
	       n_ref_failed);
	for (i = 1; i < MAX_ERRNO; i++)
		if (n_by_errno[i])
			printf(" %s=%lu", errno_name(i), n_by_errno[i]);
	printf("\n");
	return n_submitted == n_ok + n_failed + n_mismatch && !n_mismatch &&
	       !n_unexpected ? 0 : 1;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * lbload - AF_ALG load with every output checked, for the balancer and
 * failover tests.
 *
 * Threads submit requests of known content through libkcapi to the
 * algorithm under test (by driver name, acrypto-cbc-aes by default) and
 * compare every output with what a reference implementation bound by driver
 * name (cbc(aes-generic) by default) gives for the same input.  Request i
 * has size sizes[i % nsizes] and content derived from the seed and i, so two
 * runs with the same arguments submit the same data.
 *
 * By default each submission is an AIO batch of consecutive requests of at
 * most -b bytes in all (libkcapi, one iocb per request).  The chaining of
 * CBC and CTR IVs from one request of a batch to the next is the same on
 * both sides, since the reference gets the same batch.  AF_ALG cuts every
 * request but the last of a batch to a multiple of the chunk size, so CTR
 * sizes that are not multiples of 16 need -b 0.  With -b 0 every request is
 * one synchronous call with its own IV, which reports each request's error
 * exactly; use it when errors are expected.
 *
 * The Debian 6.1 kernel completes AF_ALG AIO requests synchronously, one at
 * a time per socket, so the requests in flight are as many as the threads,
 * each with its own socket on one shared transform.
 *
 * Prints one line of counters and exits 0 when every request completed,
 * every output was right, and requests failed only as allowed (-f, -e).
 * A request that does not complete by the deadline (-T) counts as lost and
 * the program exits at once, leaving the stuck thread behind.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <kcapi.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "errno_name.h"

#define MAX_SIZES	32
#define MAX_BATCH	64		/* requests per AIO submission */
#define MAX_REQ_SIZE	65536
#define CANARY		0xa5

struct mode {
	const char *name;
	unsigned int ivsize;
	unsigned int multiple;		/* request sizes must be multiples */
	unsigned int min_size;
	bool ecb_inside;		/* generic driver name is mode(ecb(..)) */
};

static const struct mode modes[] = {
	{ "ecb", 0, 16, 16, false },
	{ "cbc", 16, 16, 16, false },
	{ "ctr", 16, 1, 1, false },
	{ "xts", 16, 1, 16, true },
};

static struct {
	const struct mode *mode;
	char driver[128];
	char ref[128];
	unsigned int requests;
	unsigned int threads;
	unsigned int sizes[MAX_SIZES];
	unsigned int nsizes;
	unsigned int batch_bytes;
	unsigned int keylen;
	uint64_t seed;
	unsigned int threshold;
	int expect_errno;
	bool allow_fail;
	const char *wait_file;
	const char *stop_file;	/* -S: no new request once it exists */
	const char *hold_file;
	unsigned int deadline;
	bool verbose;
} cfg = {
	.requests = 1000,
	.threads = 8,
	.batch_bytes = 65536,
	.seed = 1,
	.threshold = 512,
	.deadline = 120,
};

static struct kcapi_handle *base, *base_ref;
static uint8_t key[64];
static uint8_t iv[16];

/* Counters, updated by the workers. */
static atomic_uint next_req;
static atomic_uint submitted, completed, ok, failed, wrong, small, large;
static atomic_uint running;
static atomic_uint errnos[256];
static atomic_uint reported;

/* splitmix64: content of request @i. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static void fill(uint8_t *buf, size_t len, uint64_t seed)
{
	uint64_t state = mix(seed);
	size_t i;

	for (i = 0; i < len; i++) {
		if (!(i % 8))
			state = mix(state);
		buf[i] = state >> (8 * (i % 8));
	}
}

static unsigned int req_size(unsigned int i)
{
	return cfg.sizes[i % cfg.nsizes];
}

static void count_errno(int err)
{
	atomic_fetch_add(&errnos[err > 0 && err < 256 ? err : 0], 1);
}

static void note(const char *fmt, unsigned int i, long a)
{
	/* A few diagnostics are enough. */
	if (atomic_fetch_add(&reported, 1) < 8) {
		fprintf(stderr, "lbload: request %u: ", i);
		fprintf(stderr, fmt, a);
		fputc('\n', stderr);
	}
}

struct worker {
	pthread_t thread;
	struct kcapi_handle *h;
	struct kcapi_handle *ref;
	uint8_t *in, *out, *exp;
};

static int worker_handles(struct worker *w)
{
	uint32_t flags = cfg.batch_bytes ? KCAPI_INIT_AIO : 0;
	int err;

	err = kcapi_handle_reinit(&w->h, base, flags);
	if (err)
		return err;
	return kcapi_handle_reinit(&w->ref, base_ref, flags);
}

/* Grab the next run of requests: at most -b bytes, at least one request. */
static unsigned int grab(unsigned int *first)
{
	unsigned int i, n = 0, bytes = 0, want;

	/* Checked before claiming: after it, next_req counts what was sent. */
	if (cfg.stop_file && !access(cfg.stop_file, F_OK))
		return 0;
	if (!cfg.batch_bytes) {
		*first = atomic_fetch_add(&next_req, 1);
		return *first < cfg.requests;
	}
	/* Decide the batch length from the sizes, then claim it at once. */
	for (;;) {
		i = atomic_load(&next_req);
		if (i >= cfg.requests)
			return 0;
		n = 0;
		bytes = 0;
		while (i + n < cfg.requests && n < MAX_BATCH &&
		       (!n || bytes + req_size(i + n) <= cfg.batch_bytes)) {
			bytes += req_size(i + n);
			n++;
		}
		want = i;
		if (atomic_compare_exchange_weak(&next_req, &want, i + n))
			break;
	}
	*first = i;
	return n;
}

static void tally(unsigned int i)
{
	if (req_size(i) < cfg.threshold)
		atomic_fetch_add(&small, 1);
	else
		atomic_fetch_add(&large, 1);
}

static void check_one(unsigned int i, const uint8_t *out, const uint8_t *exp,
		      unsigned int len, bool call_failed)
{
	unsigned int k;

	if (!memcmp(out, exp, len)) {
		atomic_fetch_add(&ok, 1);
		return;
	}
	for (k = 0; k < len && out[k] == CANARY; k++)
		;
	if (call_failed && k == len) {
		atomic_fetch_add(&failed, 1);
		return;
	}
	atomic_fetch_add(&wrong, 1);
	note("wrong output (size %ld)", i, len);
}

/* One synchronous request per call: exact errors. */
static int run_sync(struct worker *w, unsigned int i)
{
	unsigned int len = req_size(i);
	const uint8_t *ivp = cfg.mode->ivsize ? iv : NULL;
	ssize_t ret, rret;

	fill(w->in, len, cfg.seed * 1000003 + i);
	memset(w->out, CANARY, len);
	rret = kcapi_cipher_encrypt(w->ref, w->in, len, ivp, w->exp, len,
				    KCAPI_ACCESS_SENDMSG);
	if (rret != (ssize_t)len) {
		fprintf(stderr, "lbload: reference failed: %zd\n", rret);
		return -1;
	}

	tally(i);
	atomic_fetch_add(&submitted, 1);
	ret = kcapi_cipher_encrypt(w->h, w->in, len, ivp, w->out, len,
				   KCAPI_ACCESS_SENDMSG);
	atomic_fetch_add(&completed, 1);
	if (ret < 0) {
		atomic_fetch_add(&failed, 1);
		count_errno(-ret);
		if (!cfg.allow_fail && cfg.expect_errno != -ret)
			note("failed: error %ld", i, -ret);
		return 0;
	}
	if (cfg.expect_errno)
		note("succeeded, error %ld expected", i, cfg.expect_errno);
	check_one(i, w->out, w->exp, len, false);
	return 0;
}

/* An AIO batch of @n requests from @first. */
static int run_batch(struct worker *w, unsigned int first, unsigned int n)
{
	struct iovec in[MAX_BATCH], out[MAX_BATCH], exp[MAX_BATCH];
	const uint8_t *ivp = cfg.mode->ivsize ? iv : NULL;
	unsigned int k, off = 0, len;
	ssize_t ret;

	for (k = 0; k < n; k++) {
		len = req_size(first + k);
		fill(w->in + off, len, cfg.seed * 1000003 + first + k);
		memset(w->out + off, CANARY, len);
		in[k] = (struct iovec){ w->in + off, len };
		out[k] = (struct iovec){ w->out + off, len };
		exp[k] = (struct iovec){ w->exp + off, len };
		off += len;
	}
	ret = kcapi_cipher_encrypt_aio(w->ref, in, exp, n, ivp,
				       KCAPI_ACCESS_SENDMSG);
	if (ret != (ssize_t)off) {
		fprintf(stderr, "lbload: reference failed: %zd\n", ret);
		return -1;
	}

	for (k = 0; k < n; k++)
		tally(first + k);
	atomic_fetch_add(&submitted, n);
	ret = kcapi_cipher_encrypt_aio(w->h, in, out, n, ivp,
				       KCAPI_ACCESS_SENDMSG);
	atomic_fetch_add(&completed, n);
	if (ret < 0) {
		/* libkcapi reports the first error of the batch only. */
		count_errno(-ret);
		if (!cfg.allow_fail)
			note("batch failed: error %ld", first, -ret);
	}
	for (k = 0, off = 0; k < n; k++) {
		len = req_size(first + k);
		check_one(first + k, w->out + off, w->exp + off, len, ret < 0);
		off += len;
	}
	if (ret < 0) {
		/* Events of the batch may be left unread: start afresh. */
		kcapi_cipher_destroy(w->h);
		if (kcapi_handle_reinit(&w->h, base, KCAPI_INIT_AIO)) {
			fprintf(stderr, "lbload: cannot reopen the handle\n");
			return -1;
		}
	}
	return 0;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	unsigned int first, n;

	while ((n = grab(&first))) {
		if (cfg.batch_bytes ? run_batch(w, first, n) :
				      run_sync(w, first))
			break;
	}
	atomic_fetch_sub(&running, 1);
	return NULL;
}

/* -e: an errno name (acrypto-common's table) or number. */
static int parse_errno(const char *s)
{
	int err = errno_value(s);

	return err >= 0 ? err : atoi(s);
}

static void wait_for(const char *path)
{
	struct stat st;

	while (stat(path, &st))
		usleep(10000);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void report(double secs)
{
	unsigned int i;

	printf("lbload: submitted=%u completed=%u ok=%u failed=%u wrong=%u lost=%u small=%u large=%u ms=%u",
	       atomic_load(&submitted), atomic_load(&completed),
	       atomic_load(&ok), atomic_load(&failed), atomic_load(&wrong),
	       atomic_load(&submitted) - atomic_load(&completed),
	       atomic_load(&small), atomic_load(&large),
	       (unsigned int)(secs * 1000));
	for (i = 0; i < 256; i++)
		if (atomic_load(&errnos[i]))
			printf(" errno%u=%u", i, atomic_load(&errnos[i]));
	putchar('\n');
	fflush(stdout);
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: lbload [-m ecb|cbc|ctr|xts] [-c DRIVER] [-r REFDRIVER] [-n N] [-j THREADS]\n"
		"              [-z SIZE,...] [-b BATCHBYTES] [-k KEYLEN] [-s SEED] [-t THRESHOLD]\n"
		"              [-e ERRNO] [-f] [-w FILE] [-H FILE] [-S FILE] [-T SECONDS] [-v]\n"
		"  -S FILE  stop sending once FILE exists (-n is then the most)\n");
	exit(2);
}

static void parse_sizes(char *arg)
{
	char *tok;

	cfg.nsizes = 0;
	for (tok = strtok(arg, ","); tok; tok = strtok(NULL, ",")) {
		if (cfg.nsizes == MAX_SIZES)
			usage();
		cfg.sizes[cfg.nsizes++] = strtoul(tok, NULL, 0);
	}
}

static int setup(void)
{
	uint32_t flags = cfg.batch_bytes ? KCAPI_INIT_AIO : 0;
	int err;

	fill(key, sizeof(key), cfg.seed * 7 + 1);
	fill(iv, sizeof(iv), cfg.seed * 7 + 2);

	err = kcapi_cipher_init(&base, cfg.driver, flags);
	if (err) {
		fprintf(stderr, "lbload: cannot bind %s: %d\n", cfg.driver, err);
		return err;
	}
	err = kcapi_cipher_init(&base_ref, cfg.ref, flags);
	if (err) {
		fprintf(stderr, "lbload: cannot bind %s: %d\n", cfg.ref, err);
		return err;
	}
	/* Keys before the first op socket: AF_ALG refuses them afterwards. */
	err = kcapi_cipher_setkey(base, key, cfg.keylen);
	if (!err)
		err = kcapi_cipher_setkey(base_ref, key, cfg.keylen);
	if (err)
		fprintf(stderr, "lbload: setkey: %d\n", err);
	return err;
}

int main(int argc, char **argv)
{
	struct worker *workers;
	unsigned int i, total = 0;
	double start, secs;
	bool pass;
	int opt;

	cfg.mode = &modes[1];
	parse_sizes((char[]){ "4096" });
	while ((opt = getopt(argc, argv, "m:c:r:n:j:z:b:k:s:t:e:fw:H:S:T:v")) != -1) {
		switch (opt) {
		case 'm':
			for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
				if (!strcmp(optarg, modes[i].name))
					cfg.mode = &modes[i];
			if (strcmp(cfg.mode->name, optarg))
				usage();
			break;
		case 'c':
			snprintf(cfg.driver, sizeof(cfg.driver), "%s", optarg);
			break;
		case 'r':
			snprintf(cfg.ref, sizeof(cfg.ref), "%s", optarg);
			break;
		case 'n':
			cfg.requests = strtoul(optarg, NULL, 0);
			break;
		case 'j':
			cfg.threads = strtoul(optarg, NULL, 0);
			break;
		case 'z':
			parse_sizes(optarg);
			break;
		case 'b':
			cfg.batch_bytes = strtoul(optarg, NULL, 0);
			break;
		case 'k':
			cfg.keylen = strtoul(optarg, NULL, 0);
			break;
		case 's':
			cfg.seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			cfg.threshold = strtoul(optarg, NULL, 0);
			break;
		case 'e':
			cfg.expect_errno = parse_errno(optarg);
			break;
		case 'f':
			cfg.allow_fail = true;
			break;
		case 'w':
			cfg.wait_file = optarg;
			break;
		case 'H':
			cfg.hold_file = optarg;
			break;
		case 'S':
			cfg.stop_file = optarg;
			break;
		case 'T':
			cfg.deadline = strtoul(optarg, NULL, 0);
			break;
		case 'v':
			cfg.verbose = true;
			break;
		default:
			usage();
		}
	}
	if (!cfg.driver[0])
		snprintf(cfg.driver, sizeof(cfg.driver), "acrypto-%s-aes",
			 cfg.mode->name);
	/* The generic C code; xts instantiates over ecb and says so. */
	if (!cfg.ref[0])
		snprintf(cfg.ref, sizeof(cfg.ref), "%s(%saes-generic%s)",
			 cfg.mode->name, cfg.mode->ecb_inside ? "ecb(" : "",
			 cfg.mode->ecb_inside ? ")" : "");
	if (!cfg.keylen)
		cfg.keylen = strcmp(cfg.mode->name, "xts") ? 16 : 32;
	if (!cfg.threads || !cfg.nsizes || cfg.keylen > sizeof(key))
		usage();
	for (i = 0; i < cfg.nsizes; i++) {
		if (cfg.sizes[i] < cfg.mode->min_size ||
		    cfg.sizes[i] % cfg.mode->multiple ||
		    cfg.sizes[i] > MAX_REQ_SIZE)
			usage();
		total = cfg.sizes[i] > total ? cfg.sizes[i] : total;
	}
	/* XTS leaves the IV after a request to the implementation. */
	if (!strcmp(cfg.mode->name, "xts") && cfg.batch_bytes)
		cfg.batch_bytes = 1;
	/* A batch holds -b bytes, or one request when that is larger. */
	if (cfg.batch_bytes > total)
		total = cfg.batch_bytes;

	if (setup())
		return 2;
	workers = calloc(cfg.threads, sizeof(*workers));
	if (!workers)
		return 2;
	for (i = 0; i < cfg.threads; i++) {
		struct worker *w = &workers[i];

		if (worker_handles(w) ||
		    posix_memalign((void **)&w->in, 4096, total) ||
		    posix_memalign((void **)&w->out, 4096, total) ||
		    posix_memalign((void **)&w->exp, 4096, total)) {
			fprintf(stderr, "lbload: cannot set up thread %u\n", i);
			return 2;
		}
	}

	if (cfg.wait_file) {
		/* Transform and sockets exist: tell the test, then wait. */
		printf("lbload: ready\n");
		fflush(stdout);
		wait_for(cfg.wait_file);
	}

	start = now();
	atomic_store(&running, cfg.threads);
	for (i = 0; i < cfg.threads; i++)
		if (pthread_create(&workers[i].thread, NULL, worker_fn,
				   &workers[i]))
			return 2;
	while (atomic_load(&running) && now() - start < cfg.deadline)
		usleep(10000);
	secs = now() - start;

	/* Stopped early: what was sent is what must have come back. */
	if (cfg.stop_file && !atomic_load(&running) &&
	    atomic_load(&next_req) < cfg.requests)
		cfg.requests = atomic_load(&next_req);
	report(secs);
	pass = atomic_load(&submitted) == cfg.requests &&
	       atomic_load(&completed) == cfg.requests && !atomic_load(&wrong);
	if (cfg.expect_errno)
		pass = pass && atomic_load(&failed) == cfg.requests &&
		       atomic_load(&errnos[cfg.expect_errno]) == cfg.requests;
	else if (!cfg.allow_fail)
		pass = pass && atomic_load(&ok) == cfg.requests;
	else
		pass = pass && atomic_load(&ok) + atomic_load(&failed) ==
			       cfg.requests;

	if (atomic_load(&running)) {
		fprintf(stderr, "lbload: %u requests lost after %u s\n",
			atomic_load(&submitted) - atomic_load(&completed),
			cfg.deadline);
		_exit(1);
	}
	if (cfg.hold_file)
		wait_for(cfg.hold_file);
	for (i = 0; i < cfg.threads; i++) {
		pthread_join(workers[i].thread, NULL);
		kcapi_cipher_destroy(workers[i].h);
		kcapi_cipher_destroy(workers[i].ref);
		free(workers[i].in);
		free(workers[i].out);
		free(workers[i].exp);
	}
	free(workers);
	kcapi_cipher_destroy(base);
	kcapi_cipher_destroy(base_ref);
	return pass ? 0 : 1;
}

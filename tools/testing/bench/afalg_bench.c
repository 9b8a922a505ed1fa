// SPDX-License-Identifier: GPL-2.0
/*
 * afalg_bench - AF_ALG skcipher throughput and correctness driver.
 *
 * Keeps DEPTH requests in flight through the kernel's AF_ALG interface with
 * Linux AIO, from one thread: each request has its own operation socket
 * with one read outstanding, so requests are independent (their IVs do not
 * chain) and the depth stays constant.  libkcapi's one-shot AIO calls are
 * not used because they wait for a whole batch, share one IV between the
 * requests of a batch and stall on batches above about 64 KiB.
 *
 * Key modes:
 *   default   one key, one transform, DEPTH operation sockets
 *   -K        a new transform with a new key for every request (socket,
 *             bind, setkey, accept ... close): the many-keys workload
 *   -m KEYS   KEYS transforms with distinct keys, all open at once;
 *             requests go round-robin over them
 *
 * With -V DRIVER every output is checked against the same operation done
 * synchronously by DRIVER (for example cbc-aes-aesni), and random data,
 * IVs and (with -s MIN-MAX) random sizes are used.
 *
 * Interleaved mode (-v, up to three times): one synchronous stream
 * (sendmsg, then read, one request at a time) runs each variant in turn in
 * slices of -I milliseconds, in the order A B B A ... (two variants) or
 * A B C C B A ... (three), so that the drift of a shared host cancels over
 * each group of slices.  A variant is a transform and, optionally, the set
 * of acrypto devices in service while it runs (-v LABEL:ALG:DEV+DEV): the
 * devices named by any variant and not by this one are taken out of
 * service through /sys/class/acrypto/<dev>/broken between slices.  The
 * ratio is variant 0 against the best other variant (the one with the
 * higher rate over the run), as the median over the groups.  Every -e'th
 * output is checked against the output of the reference -V (every request
 * of a slot uses the same data and IV, so the expected output is computed
 * once).  -P FILE gets the index of the variant at each switch (the
 * acrypto_loadgen sampler's variant file), -C pins the process to a CPU.
 *
 * SIGINT or SIGTERM ends the run early: the requests in flight complete and
 * the results are printed as usual.
 *
 * Output: one line of key=value pairs; exit status 1 if a request failed or
 * an output differed, 2 on a usage or setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "afalg.h"

#define MAX_KEY		64
#define MAX_IV		16
#define MAX_DEPTH	1024
#define MAX_VARIANTS	3
#define MAX_DEVS	4
#define MAX_SLICES	100000

struct opts {
	const char *alg;	/* cra_name or cra_driver_name */
	const char *ref;	/* reference driver, -V */
	unsigned int keylen;
	unsigned int ivlen;
	unsigned int min_size, max_size, align;
	unsigned int depth;
	double secs;		/* run time, -T */
	unsigned long count;	/* or number of requests, -n */
	int op;			/* 0 encrypt, 1 decrypt, 2 alternate */
	int key_per_req;	/* -K */
	unsigned int keys;	/* -m */
	int quiet;
	const char *label;
	unsigned int slice_ms;	/* interleaved mode: slice length, -I */
	unsigned int check_every;	/* interleaved mode: -e */
	const char *variant_file;	/* -P */
	int cpu;		/* -C, or -1 */
};

/* Interleaved mode: one variant, -v LABEL:ALG[:DEV+DEV...] */
struct variant {
	char *label;
	char *alg;
	unsigned int devs;	/* bitmask over devnames[] of the devices in service */
	int has_devs;
	int tfmfd, opfd;
	unsigned long ops;
	double secs;
};

static struct variant variants[MAX_VARIANTS];
static unsigned int nvariants;
static char *devnames[MAX_DEVS];
static unsigned int ndevs;

struct key {
	int tfmfd;
	int opfd;
	int busy;
	unsigned char key[MAX_KEY];
};

struct slot {
	struct iocb cb;
	int opfd;
	int tfmfd;		/* -K: the request's own transform */
	struct key *key;	/* -m: the key in use */
	unsigned char *in, *out, *ref;
	unsigned char iv[MAX_IV];
	unsigned char keybytes[MAX_KEY];
	unsigned int len;
	int dec;
	int busy;
};

static struct opts o = {
	.alg = "cbc(aes)",
	.keylen = 16,
	.ivlen = 16,
	.min_size = 4096,
	.max_size = 4096,
	.align = 16,
	.depth = 1,
	.secs = 3,
	.op = 0,
	.slice_ms = 50,
	.check_every = 16,
	.cpu = -1,
};

static struct slot *slots;
static struct key *keys;
static unsigned int next_key;
static int ref_tfm = -1;
static aio_context_t ctx;
static unsigned long long rng = 0x9e3779b97f4a7c15ULL;
static unsigned long done_ops, done_bytes, errors, mismatches, submitted;
static int last_errno;
static int stopping;	/* set by the signal handler, atomically */

static void on_signal(int sig)
{
	(void)sig;
	__atomic_store_n(&stopping, 1, __ATOMIC_RELAXED);
}

static unsigned long long rnd(void)
{
	/* xorshift64*: fast, good enough for test data */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static void fill(unsigned char *p, size_t n)
{
	unsigned long long r;

	while (n >= 8) {
		r = rnd();
		memcpy(p, &r, 8);
		p += 8;
		n -= 8;
	}
	if (n) {
		r = rnd();
		memcpy(p, &r, n);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "afalg_bench: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* A transform of @name with @key (o.keylen bytes): the socket or -errno. */
static int tfm_open(const char *name, const unsigned char *key)
{
	return afalg_tfm_key("skcipher", name, key, o.keylen);
}

/* Queue @len bytes of @in with op and IV on @opfd (no data is read yet). */
static int op_send(int opfd, const unsigned char *in, unsigned int len,
		   int dec, const unsigned char *iv)
{
	ssize_t n = afalg_send(opfd, !dec, o.ivlen ? iv : NULL, o.ivlen, -1,
			       in, len, 0);

	if (n < 0)
		return (int)n;
	return n == len ? 0 : -EMSGSIZE;
}

/* The reference result of a slot's request, done synchronously. */
static int reference(struct slot *sl)
{
	int opfd, err;
	ssize_t n;

	err = afalg_setkey(ref_tfm, sl->keybytes, o.keylen);
	if (err)
		return err;
	opfd = afalg_op(ref_tfm);
	if (opfd < 0)
		return opfd;
	err = op_send(opfd, sl->in, sl->len, sl->dec, sl->iv);
	if (!err) {
		n = read(opfd, sl->ref, sl->len);
		err = n < 0 ? -errno : (n == sl->len ? 0 : -EIO);
	}
	close(opfd);
	return err;
}

static unsigned int pick_size(void)
{
	unsigned int span;

	if (o.min_size == o.max_size)
		return o.min_size;
	span = (o.max_size - o.min_size) / o.align + 1;
	return o.min_size + (rnd() % span) * o.align;
}

static void record_error(int err)
{
	errors++;
	last_errno = -err;
}

/* Prepare and start the next request on @sl; 0, or a negative errno. */
static int submit(struct slot *sl)
{
	struct iocb *cbs[1] = { &sl->cb };
	int err;

	sl->len = pick_size();
	sl->dec = o.op == 2 ? (int)(submitted & 1) : o.op;
	if (o.ref) {
		fill(sl->in, sl->len);
		fill(sl->iv, o.ivlen);
	}

	if (o.key_per_req) {
		fill(sl->keybytes, o.keylen);
		sl->tfmfd = tfm_open(o.alg, sl->keybytes);
		if (sl->tfmfd < 0)
			return sl->tfmfd;
		sl->opfd = afalg_op(sl->tfmfd);
		if (sl->opfd < 0) {
			err = sl->opfd;
			close(sl->tfmfd);
			return err;
		}
	} else if (o.keys) {
		struct key *k;

		do {
			k = &keys[next_key++ % o.keys];
		} while (k->busy);
		k->busy = 1;
		sl->key = k;
		sl->opfd = k->opfd;
		memcpy(sl->keybytes, k->key, o.keylen);
	}

	err = op_send(sl->opfd, sl->in, sl->len, sl->dec, sl->iv);
	if (!err) {
		memset(&sl->cb, 0, sizeof(sl->cb));
		sl->cb.aio_data = (uintptr_t)sl;
		sl->cb.aio_lio_opcode = IOCB_CMD_PREAD;
		sl->cb.aio_fildes = sl->opfd;
		sl->cb.aio_buf = (uintptr_t)sl->out;
		sl->cb.aio_nbytes = sl->len;
		if (syscall(SYS_io_submit, ctx, 1, cbs) != 1)
			err = -errno;
	}
	if (err) {
		if (o.key_per_req) {
			close(sl->opfd);
			close(sl->tfmfd);
		} else if (o.keys) {
			sl->key->busy = 0;
		}
		return err;
	}
	sl->busy = 1;
	submitted++;
	return 0;
}

static void complete(struct slot *sl, long res)
{
	sl->busy = 0;
	if (res != (long)sl->len) {
		record_error(res < 0 ? (int)res : -EIO);
	} else {
		done_ops++;
		done_bytes += sl->len;
		if (o.ref) {
			int err = reference(sl);

			if (err)
				record_error(err);
			else if (memcmp(sl->out, sl->ref, sl->len))
				mismatches++;
		}
	}
	if (o.key_per_req) {
		close(sl->opfd);
		close(sl->tfmfd);
	} else if (o.keys) {
		sl->key->busy = 0;
	}
}

static const char usage_text[] =
	"Usage: afalg_bench [options]\n"
	"  -c NAME     skcipher (cra_name or driver name), default cbc(aes)\n"
	"  -k BYTES    key size (16)             -i BYTES  IV size (16; 0 for ecb)\n"
	"  -s N|A-B    request size, or random sizes from A to B (4096)\n"
	"  -a BYTES    size granularity for random sizes (16)\n"
	"  -d N        requests in flight (1)\n"
	"  -T SECS     run time (3)              -n N      run N requests instead\n"
	"              (SIGINT or SIGTERM: stop early, print the results)\n"
	"  -o enc|dec|both   operation (enc; both alternates)\n"
	"  -K          new transform and key for every request\n"
	"  -m KEYS     KEYS keys open at once, requests round-robin over them\n"
	"  -V DRIVER   check every output against DRIVER (random data and IVs)\n"
	"  -l LABEL    label printed with the results\n"
	"  -q          print only the result line\n"
	"Interleaved mode (one synchronous stream, -d 1):\n"
	"  -v LABEL:ALG[:DEV+DEV]  a variant: transform, acrypto devices in\n"
	"              service (2 or 3 variants; the first is the subject)\n"
	"  -I MS       slice length (50)         -e N      check every Nth output (16)\n"
	"  -P FILE     write the variant index to FILE at each switch\n"
	"  -C CPU      run on CPU\n";

static void usage(int rc)
{
	fputs(usage_text, rc ? stderr : stdout);
	exit(rc);
}

/* -v LABEL:ALG[:DEV+DEV...] */
static void parse_variant(char *arg)
{
	struct variant *v;
	char *dev, *devs;
	unsigned int i;

	if (nvariants == MAX_VARIANTS)
		usage(2);
	v = &variants[nvariants++];
	v->label = strsep(&arg, ":");
	v->alg = strsep(&arg, ":");
	devs = arg;
	if (!v->label || !*v->label || !v->alg || !*v->alg)
		usage(2);
	if (!devs)
		return;
	v->has_devs = 1;
	while ((dev = strsep(&devs, "+"))) {
		if (!*dev || strchr(dev, '/'))
			usage(2);
		for (i = 0; i < ndevs && strcmp(devnames[i], dev); i++)
			;
		if (i == ndevs) {
			if (ndevs == MAX_DEVS)
				usage(2);
			devnames[ndevs++] = dev;
		}
		v->devs |= 1U << i;
	}
}

/* Write @val to /sys/class/acrypto/@dev/broken; 0 or -errno. */
static int set_broken(const char *dev, int val)
{
	char path[256];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/sys/class/acrypto/%s/broken", dev);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val ? "1" : "0", 1) != 1)
		err = -errno;
	close(fd);
	return err;
}

/* Put variant @vi's devices in service and the others out; tell -P. */
static void switch_variant(unsigned int vi)
{
	const struct variant *v = &variants[vi];
	unsigned int pass, i;
	int err;

	/* In service first, so that the engine never sees no device. */
	for (pass = 0; v->has_devs && pass < 2; pass++) {
		for (i = 0; i < ndevs; i++) {
			int in = !!(v->devs & (1U << i));

			if (in != !pass)
				continue;
			err = set_broken(devnames[i], !in);
			if (err)
				record_error(err);
		}
	}
	if (o.variant_file) {
		int fd = open(o.variant_file, O_WRONLY | O_CLOEXEC);
		char c = '0' + vi;

		if (fd < 0 || write(fd, &c, 1) != 1)
			record_error(-errno);
		if (fd >= 0)
			close(fd);
	}
}

/* Slice @k's variant: A B B A, ... or A B C C B A, ... */
static unsigned int slice_variant(unsigned int k)
{
	unsigned int g = 2 * nvariants, i = k % g;

	return i < nvariants ? i : g - 1 - i;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median, min and max over the groups of variant @num's rate over @den's. */
static void group_ratios(const unsigned long *sops, const double *ssecs,
			 unsigned int nslices, unsigned int num,
			 unsigned int den, const char *key)
{
	unsigned int g, k, n = 0, glen = 2 * nvariants;
	double *r = calloc(nslices / glen + 1, sizeof(*r));

	if (!r)
		die("calloc");
	for (g = 0; (g + 1) * glen <= nslices; g++) {
		unsigned long ops[MAX_VARIANTS] = { 0 };
		double secs[MAX_VARIANTS] = { 0 };

		for (k = g * glen; k < (g + 1) * glen; k++) {
			ops[slice_variant(k)] += sops[k];
			secs[slice_variant(k)] += ssecs[k];
		}
		if (!ops[num] || !ops[den])
			continue;
		r[n++] = (ops[num] / secs[num]) / (ops[den] / secs[den]);
	}
	qsort(r, n, sizeof(*r), cmp_double);
	if (!strcmp(key, "ratio"))
		printf(" groups=%u", n);
	printf(" %s_median=%.3f %s_min=%.3f %s_max=%.3f", key,
	       n ? r[n / 2] : 0, key, n ? r[0] : 0, key, n ? r[n - 1] : 0);
	free(r);
}

/*
 * One request of @len bytes through @v, synchronously; 0 or -errno.  With
 * -K, on a transform of its own, keyed with @key: socket, bind, setkey,
 * accept, the request, close.
 */
static int sync_request(const struct variant *v, const unsigned char *key,
			const unsigned char *in, unsigned char *out,
			unsigned int len, const unsigned char *iv)
{
	int tfmfd = -1, opfd = v->opfd, err;
	ssize_t n;

	if (o.key_per_req) {
		opfd = afalg_open("skcipher", v->alg, key, o.keylen, &tfmfd);
		if (opfd < 0)
			return opfd;
	}
	err = op_send(opfd, in, len, o.op == 1, iv);
	if (!err) {
		n = read(opfd, out, len);
		err = n < 0 ? -errno : n == (ssize_t)len ? 0 : -EIO;
	}
	if (o.key_per_req) {
		close(opfd);
		close(tfmfd);
	}
	return err;
}

/* Interleaved mode: see the comment at the top. */
static int run_interleaved(void)
{
	unsigned int len = o.min_size, nslices, k, i, best = 1;
	unsigned char *in, *out, *expect = NULL, iv[MAX_IV], key0[MAX_KEY];
	unsigned long checked = 0, *sops, n;
	double *ssecs, t0, t1, end, secs = 0;
	int err;

	if (o.max_size != o.min_size || o.depth != 1 || nvariants < 2 ||
	    o.keys || !o.slice_ms)
		usage(2);
	nslices = (unsigned int)(o.secs * 1000 / o.slice_ms);
	nslices -= nslices % (2 * nvariants);
	if (nslices < 2 * nvariants || nslices > MAX_SLICES)
		usage(2);
	sops = calloc(nslices, sizeof(*sops));
	ssecs = calloc(nslices, sizeof(*ssecs));
	if (posix_memalign((void **)&in, 4096, len) ||
	    posix_memalign((void **)&out, 4096, len) || !sops || !ssecs)
		die("alloc");
	fill(key0, sizeof(key0));
	fill(in, len);
	fill(iv, o.ivlen);

	for (i = 0; i < nvariants; i++) {
		struct variant *v = &variants[i];

		v->tfmfd = tfm_open(v->alg, key0);
		if (v->tfmfd < 0) {
			errno = -v->tfmfd;
			die(v->alg);
		}
		v->opfd = afalg_op(v->tfmfd);
		if (v->opfd < 0) {
			errno = -v->opfd;
			die("operation socket");
		}
	}
	if (o.ref) {
		struct variant ref = { .alg = (char *)o.ref };

		if (posix_memalign((void **)&expect, 4096, len))
			die("alloc");
		ref.tfmfd = tfm_open(o.ref, key0);
		ref.opfd = ref.tfmfd < 0 ? ref.tfmfd : afalg_op(ref.tfmfd);
		if (ref.opfd < 0) {
			errno = -ref.opfd;
			die(o.ref);
		}
		err = sync_request(&ref, key0, in, expect, len, iv);
		if (err) {
			errno = -err;
			die("reference");
		}
		close(ref.opfd);
		close(ref.tfmfd);
	}

	for (k = 0; k < nslices; k++) {
		struct variant *v = &variants[slice_variant(k)];

		if (__atomic_load_n(&stopping, __ATOMIC_RELAXED))
			break;
		switch_variant(slice_variant(k));
		n = 0;
		t0 = now();
		end = t0 + o.slice_ms / 1000.0;
		do {
			int check = expect && !(v->ops % o.check_every);

			if (check)
				memset(out, 0x5a, len);
			err = sync_request(v, key0, in, out, len, iv);
			if (err) {
				record_error(err);
				if (errors > 1000)
					break;
				continue;
			}
			n++;
			v->ops++;
			if (check) {
				checked++;
				if (memcmp(out, expect, len))
					mismatches++;
			}
		} while ((t1 = now()) < end);
		t1 = now();
		sops[k] = n;
		ssecs[k] = t1 - t0;
		v->secs += t1 - t0;
		secs += t1 - t0;
		if (errors > 1000)
			break;
	}
	nslices = k - k % (2 * nvariants);
	if (o.variant_file) {
		int fd = open(o.variant_file, O_WRONLY | O_CLOEXEC);

		if (fd >= 0) {
			if (write(fd, "none", 4) != 4)
				record_error(-errno);
			close(fd);
		}
	}
	/* Everything back in service. */
	for (i = 0; i < ndevs; i++)
		set_broken(devnames[i], 0);

	if (nvariants == 3 && variants[2].ops / variants[2].secs >
			      variants[1].ops / variants[1].secs)
		best = 2;
	if (o.label)
		printf("label=%s ", o.label);
	printf("alg=%s op=%s size=%u depth=1 keys=%s mode=interleaved slice_ms=%u secs=%.2f",
	       variants[0].alg, o.op == 1 ? "dec" : "enc", len,
	       o.key_per_req ? "per-request" : "1", o.slice_ms, secs);
	for (i = 0; i < nvariants; i++) {
		const struct variant *v = &variants[i];

		printf(" v%u=%s v%u_alg=%s v%u_ops=%lu v%u_secs=%.3f v%u_ops_s=%.1f",
		       i, v->label, i, v->alg, i, v->ops, i, v->secs, i,
		       v->secs ? v->ops / v->secs : 0);
	}
	printf(" ops_s=%.1f best=%u ratio=%.3f",
	       variants[0].ops / variants[0].secs, best,
	       (variants[0].ops / variants[0].secs) /
	       (variants[best].ops / variants[best].secs));
	group_ratios(sops, ssecs, nslices, 0, best, "ratio");
	for (i = 1; i < nvariants; i++) {
		char key[16];

		snprintf(key, sizeof(key), "r%u", i);
		group_ratios(sops, ssecs, nslices, 0, i, key);
	}
	printf(" checked=%lu errors=%lu mismatches=%lu", checked, errors,
	       mismatches);
	if (errors)
		printf(" last_error=\"%s\"", strerror(last_errno));
	printf("\n");
	return errors || mismatches ? 1 : 0;
}

static void parse_size(const char *s)
{
	char *end;

	o.min_size = strtoul(s, &end, 0);
	o.max_size = o.min_size;
	if (*end == '-')
		o.max_size = strtoul(end + 1, &end, 0);
	if (*end || !o.min_size || o.max_size < o.min_size)
		usage(2);
}

int main(int argc, char **argv)
{
	struct io_event ev[64];
	unsigned int i, inflight = 0;
	double start, elapsed, deadline;
	unsigned char key0[MAX_KEY];
	int tfmfd = -1, c, stop = 0;

	while ((c = getopt(argc, argv, "c:k:i:s:a:d:T:n:o:Km:V:l:qhv:I:e:P:C:")) != -1) {
		switch (c) {
		case 'c':
			o.alg = optarg;
			break;
		case 'k':
			o.keylen = atoi(optarg);
			break;
		case 'i':
			o.ivlen = atoi(optarg);
			break;
		case 's':
			parse_size(optarg);
			break;
		case 'a':
			o.align = atoi(optarg);
			break;
		case 'd':
			o.depth = atoi(optarg);
			break;
		case 'T':
			o.secs = atof(optarg);
			break;
		case 'n':
			o.count = strtoul(optarg, NULL, 0);
			break;
		case 'o':
			o.op = !strcmp(optarg, "dec") ? 1 :
			       !strcmp(optarg, "both") ? 2 : 0;
			break;
		case 'K':
			o.key_per_req = 1;
			break;
		case 'm':
			o.keys = atoi(optarg);
			break;
		case 'V':
			o.ref = optarg;
			break;
		case 'l':
			o.label = optarg;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'v':
			parse_variant(optarg);
			break;
		case 'I':
			o.slice_ms = atoi(optarg);
			break;
		case 'e':
			o.check_every = atoi(optarg);
			break;
		case 'P':
			o.variant_file = optarg;
			break;
		case 'C':
			o.cpu = atoi(optarg);
			break;
		case 'h':
			usage(0);
			break;
		default:
			usage(2);
		}
	}
	if (!o.depth || o.depth > MAX_DEPTH || o.keylen > MAX_KEY ||
	    o.ivlen > MAX_IV || !o.align || (o.keys && o.keys < o.depth) ||
	    (o.keys && o.key_per_req) || !o.check_every)
		usage(2);
	if (o.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(o.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			die("sched_setaffinity");
	}
	if (nvariants) {
		struct sigaction sa = { .sa_handler = on_signal };

		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		rng ^= (unsigned long long)getpid() << 17 ^
		       (unsigned long long)time(NULL);
		return run_interleaved();
	}

	rng ^= (unsigned long long)getpid() << 17 ^
	       (unsigned long long)time(NULL);
	fill(key0, sizeof(key0));

	if (o.ref) {
		ref_tfm = tfm_open(o.ref, key0);
		if (ref_tfm < 0) {
			errno = -ref_tfm;
			die(o.ref);
		}
	}
	if (!o.key_per_req && !o.keys) {
		tfmfd = tfm_open(o.alg, key0);
		if (tfmfd < 0) {
			errno = -tfmfd;
			die(o.alg);
		}
	}
	if (o.keys) {
		keys = calloc(o.keys, sizeof(*keys));
		if (!keys)
			die("calloc");
		for (i = 0; i < o.keys; i++) {
			fill(keys[i].key, o.keylen);
			keys[i].tfmfd = tfm_open(o.alg, keys[i].key);
			if (keys[i].tfmfd < 0) {
				errno = -keys[i].tfmfd;
				die("key transform");
			}
			keys[i].opfd = afalg_op(keys[i].tfmfd);
			if (keys[i].opfd < 0) {
				errno = -keys[i].opfd;
				die("key operation socket");
			}
		}
	}

	slots = calloc(o.depth, sizeof(*slots));
	if (!slots)
		die("calloc");
	for (i = 0; i < o.depth; i++) {
		struct slot *sl = &slots[i];

		if (posix_memalign((void **)&sl->in, 4096, o.max_size) ||
		    posix_memalign((void **)&sl->out, 4096, o.max_size) ||
		    posix_memalign((void **)&sl->ref, 4096, o.max_size))
			die("posix_memalign");
		fill(sl->in, o.max_size);
		fill(sl->iv, o.ivlen);
		memcpy(sl->keybytes, key0, o.keylen);
		if (tfmfd >= 0) {
			sl->opfd = afalg_op(tfmfd);
			if (sl->opfd < 0) {
				errno = -sl->opfd;
				die("operation socket");
			}
		}
	}
	if (syscall(SYS_io_setup, o.depth, &ctx) < 0)
		die("io_setup");
	{
		struct sigaction sa = { .sa_handler = on_signal };

		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}

	start = now();
	deadline = start + o.secs;
	for (;;) {
		for (i = 0; i < o.depth && !stop; i++) {
			int err;

			if (slots[i].busy)
				continue;
			if (__atomic_load_n(&stopping, __ATOMIC_RELAXED) ||
			    (o.count ? submitted >= o.count : now() >= deadline)) {
				stop = 1;
				break;
			}
			err = submit(&slots[i]);
			if (err) {
				record_error(err);
				/* Do not spin on a broken setup. */
				if (errors > 1000) {
					stop = 1;
					break;
				}
				continue;
			}
			inflight++;
		}
		if (!inflight)
			break;
		{
			long n = syscall(SYS_io_getevents, ctx, 1,
					 inflight < 64 ? inflight : 64, ev, NULL);

			if (n < 0) {
				if (errno == EINTR)
					continue;
				die("io_getevents");
			}
			for (i = 0; i < (unsigned int)n; i++) {
				complete((struct slot *)(uintptr_t)ev[i].data,
					 ev[i].res);
				inflight--;
			}
		}
	}
	elapsed = now() - start;

	if (o.label)
		printf("label=%s ", o.label);
	printf("alg=%s op=%s size=%u", o.alg,
	       o.op == 2 ? "both" : o.op ? "dec" : "enc", o.min_size);
	if (o.max_size != o.min_size)
		printf("-%u", o.max_size);
	printf(" depth=%u keys=", o.depth);
	if (o.key_per_req)
		printf("per-request");
	else
		printf("%u", o.keys ? o.keys : 1);
	printf(" ops=%lu secs=%.2f ops_s=%.1f MBps=%.3f errors=%lu mismatches=%lu",
	       done_ops, elapsed, done_ops / elapsed,
	       done_bytes / elapsed / 1e6, errors, mismatches);
	if (errors)
		printf(" last_error=\"%s\"", strerror(last_errno));
	printf("\n");
	return errors || mismatches ? 1 : 0;
}

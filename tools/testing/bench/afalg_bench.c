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
 * SIGINT or SIGTERM ends the run early: the requests in flight complete and
 * the results are printed as usual.
 *
 * Output: one line of key=value pairs; exit status 1 if a request failed or
 * an output differed, 2 on a usage or setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/aio_abi.h>
#include <signal.h>
#include <linux/if_alg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SOL_ALG
#define SOL_ALG 279
#endif

#define MAX_KEY		64
#define MAX_IV		16
#define MAX_DEPTH	1024

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
};

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

static int tfm_open(const char *name, const unsigned char *key)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG };
	int fd;

	strncpy((char *)sa.salg_type, "skcipher", sizeof(sa.salg_type) - 1);
	strncpy((char *)sa.salg_name, name, sizeof(sa.salg_name) - 1);
	fd = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(fd, SOL_ALG, ALG_SET_KEY, key, o.keylen) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int op_open(int tfmfd)
{
	int fd = accept4(tfmfd, NULL, NULL, SOCK_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* Queue @len bytes of @in with op and IV on @opfd (no data is read yet). */
static int op_send(int opfd, const unsigned char *in, unsigned int len,
		   int dec, const unsigned char *iv)
{
	char cbuf[CMSG_SPACE(sizeof(uint32_t)) +
		  CMSG_SPACE(sizeof(struct af_alg_iv) + MAX_IV)] = { 0 };
	struct iovec iov = { .iov_base = (void *)in, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = CMSG_SPACE(sizeof(uint32_t)),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	ssize_t n;

	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_OP;
	c->cmsg_len = CMSG_LEN(sizeof(uint32_t));
	*(uint32_t *)CMSG_DATA(c) = dec ? ALG_OP_DECRYPT : ALG_OP_ENCRYPT;
	if (o.ivlen) {
		struct af_alg_iv *aiv;

		msg.msg_controllen += CMSG_SPACE(sizeof(*aiv) + o.ivlen);
		c = CMSG_NXTHDR(&msg, c);
		c->cmsg_level = SOL_ALG;
		c->cmsg_type = ALG_SET_IV;
		c->cmsg_len = CMSG_LEN(sizeof(*aiv) + o.ivlen);
		aiv = (void *)CMSG_DATA(c);
		aiv->ivlen = o.ivlen;
		memcpy(aiv->iv, iv, o.ivlen);
	}
	n = sendmsg(opfd, &msg, 0);
	if (n < 0)
		return -errno;
	return n == len ? 0 : -EMSGSIZE;
}

/* The reference result of a slot's request, done synchronously. */
static int reference(struct slot *sl)
{
	int opfd, err;
	ssize_t n;

	if (setsockopt(ref_tfm, SOL_ALG, ALG_SET_KEY, sl->keybytes,
		       o.keylen) < 0)
		return -errno;
	opfd = op_open(ref_tfm);
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
		sl->opfd = op_open(sl->tfmfd);
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
	"  -q          print only the result line\n";

static void usage(int rc)
{
	fputs(usage_text, rc ? stderr : stdout);
	exit(rc);
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

	while ((c = getopt(argc, argv, "c:k:i:s:a:d:T:n:o:Km:V:l:qh")) != -1) {
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
		case 'h':
			usage(0);
			break;
		default:
			usage(2);
		}
	}
	if (!o.depth || o.depth > MAX_DEPTH || o.keylen > MAX_KEY ||
	    o.ivlen > MAX_IV || !o.align || (o.keys && o.keys < o.depth) ||
	    (o.keys && o.key_per_req))
		usage(2);

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
			keys[i].opfd = op_open(keys[i].tfmfd);
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
			sl->opfd = op_open(tfmfd);
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

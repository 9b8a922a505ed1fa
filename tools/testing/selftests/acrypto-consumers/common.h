/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the acrypto-consumers AF_ALG tests: test data, the
 * acrypto device counters in sysfs, and thin wrappers around libkcapi that
 * run one operation on a fresh handle.  TAP output (tap.h, with the
 * check_note()/check_end() aggregates) and the vectors (vectors.h) are
 * acrypto-common's.
 */
#ifndef ACRYPTO_CONSUMERS_COMMON_H
#define ACRYPTO_CONSUMERS_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tap.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- data ---- */

void rnd_seed(uint64_t seed);
uint32_t rnd(void);
uint32_t rnd_range(uint32_t lo, uint32_t hi);	/* inclusive */
void rnd_fill(void *buf, size_t len);
/* Page-aligned, zeroed buffer; aborts on failure. */
void *xalloc(size_t len);
/* Hex of up to 64 bytes, in one of a few rotating static buffers. */
const char *hex(const void *buf, size_t len);
/* Offset of the first difference, or -1 if equal. */
long memdiff(const void *a, const void *b, size_t len);

/* ---- acrypto device counters (/sys/class/acrypto/<dev>/) ---- */

struct devctr {
	long long sstarted;
	long long scompleted;
	long long sfinished;
	long long errors;
};

bool dev_exists(const char *dev);
/* Reads the four counters; false (and zeros) if the device is missing. */
bool ctr_read(const char *dev, struct devctr *c);
void ctr_sub(struct devctr *d, const struct devctr *a, const struct devctr *b);
void ctr_add(struct devctr *d, long long started, long long completed,
	     long long finished, long long errors);
bool ctr_eq(const struct devctr *a, const struct devctr *b);
/* "sstarted +N scompleted +N sfinished +N errors +N" */
const char *ctr_str(const struct devctr *c);

/* ---- libkcapi: one operation on a fresh handle ---- */

/* How data reaches the kernel. */
enum xfer {
	XFER_SENDMSG,	/* one-shot, sendmsg() */
	XFER_SPLICE,	/* one-shot, vmsplice()/splice() */
	XFER_STREAM,	/* stream API: several updates, data split */
	XFER_AIO,	/* one-shot through io_submit() */
	__XFER_MAX,
};

extern const char *const xfer_name[__XFER_MAX];

struct aead_op {
	const char *alg;		/* cra_name or driver name */
	const uint8_t *key;
	unsigned int klen;
	unsigned int authsize;		/* 0: leave the default */
	const uint8_t *iv;
	unsigned int alen;
	bool enc;
	const uint8_t *in;		/* AAD || text (|| tag) */
	size_t inlen;
	uint8_t *out;			/* AAD || text (|| tag) */
	size_t outlen;
	enum xfer xfer;
	/* XFER_STREAM: cut the input at these offsets (ascending, < inlen) */
	const size_t *cuts;
	unsigned int ncuts;
};

/*
 * Returns the bytes produced or -errno.  The step of the operation that
 * failed (init, setkey, authsize, crypt) goes to *stage if given.
 */
ssize_t aead_run(const struct aead_op *op, const char **stage);

struct skcipher_op {
	const char *alg;
	const uint8_t *key;
	unsigned int klen;
	const uint8_t *iv;
	bool enc;
	const uint8_t *in;
	uint8_t *out;
	size_t len;
	enum xfer xfer;
	const size_t *cuts;
	unsigned int ncuts;
	unsigned int aio_chunks;	/* XFER_AIO: requests in one batch */
	size_t recv_chunk;		/* XFER_STREAM: most bytes per recv */
	unsigned int *recvs;		/* XFER_STREAM: counts the recvs */
};

ssize_t skcipher_run(const struct skcipher_op *op, const char **stage);

/* One-shot digest with libkcapi on a fresh handle; key may be NULL. */
ssize_t md_digest(const char *alg, const uint8_t *key, unsigned int klen,
		  const uint8_t *msg, size_t len, uint8_t *out, size_t outlen);

/*
 * net.core.optmem_max: AF_ALG copies keys into socket option memory, so
 * big keys need more.  Returns the old value (-1 if unknown).
 */
long set_optmem(long val);

/* Sets up what AF_ALG with libkcapi needs; false if AF_ALG is missing. */
bool afalg_setup(void);

/*
 * Parses -s SEED, -q (quick: fewer random cases), -a NAME (one algorithm
 * only), -d DEVICE (the acrypto device expected to do the work, default
 * soft), -r DEVICE and -f FILE (programs that have a route mode); prints
 * the seed.
 */
void common_args(int argc, char **argv);
extern bool quick;
extern const char *opt_alg;
extern const char *opt_dev;
extern const char *opt_route;	/* -r DEVICE */
extern const char *opt_knob;	/* -f FILE */

#endif /* ACRYPTO_CONSUMERS_COMMON_H */

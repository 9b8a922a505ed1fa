// SPDX-License-Identifier: GPL-2.0
/*
 * Shared helpers of the acrypto-consumers AF_ALG tests.  TAP output, raw
 * AF_ALG and the vectors are acrypto-common's (../acrypto-common/).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <kcapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "afalg.h"
#include "common.h"

bool quick;

/* ---- data ---- */

static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

void rnd_seed(uint64_t seed)
{
	rnd_state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

uint32_t rnd(void)
{
	/* xorshift64* */
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return (uint32_t)((rnd_state * 0x2545f4914f6cdd1dULL) >> 32);
}

uint32_t rnd_range(uint32_t lo, uint32_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

void rnd_fill(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len--)
		*p++ = (uint8_t)rnd();
}

void *xalloc(size_t len)
{
	void *p;

	if (posix_memalign(&p, 4096, len ? len : 1)) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	memset(p, 0, len ? len : 1);
	return p;
}

const char *hex(const void *buf, size_t len)
{
	static char out[4][2 * 64 + 4];
	static unsigned int slot;
	const uint8_t *p = buf;
	char *s = out[slot++ % 4];
	size_t i, n = len > 64 ? 64 : len;

	for (i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", p[i]);
	strcpy(s + 2 * n, len > n ? ".." : "");
	return s;
}

long memdiff(const void *a, const void *b, size_t len)
{
	const uint8_t *x = a, *y = b;
	size_t i;

	for (i = 0; i < len; i++)
		if (x[i] != y[i])
			return (long)i;
	return -1;
}

/* ---- counters ---- */

static long long read_ll(const char *dev, const char *attr)
{
	char path[256], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/acrypto/%s/%s", dev, attr);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtoll(buf, NULL, 10);
}

bool dev_exists(const char *dev)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/class/acrypto/%s/sstarted", dev);
	return access(path, R_OK) == 0;
}

bool ctr_read(const char *dev, struct devctr *c)
{
	memset(c, 0, sizeof(*c));
	if (!dev_exists(dev))
		return false;
	c->sstarted = read_ll(dev, "sstarted");
	c->scompleted = read_ll(dev, "scompleted");
	c->sfinished = read_ll(dev, "sfinished");
	c->errors = read_ll(dev, "errors");
	return true;
}

void ctr_sub(struct devctr *d, const struct devctr *a, const struct devctr *b)
{
	d->sstarted = a->sstarted - b->sstarted;
	d->scompleted = a->scompleted - b->scompleted;
	d->sfinished = a->sfinished - b->sfinished;
	d->errors = a->errors - b->errors;
}

void ctr_add(struct devctr *d, long long started, long long completed,
	     long long finished, long long errors)
{
	d->sstarted += started;
	d->scompleted += completed;
	d->sfinished += finished;
	d->errors += errors;
}

bool ctr_eq(const struct devctr *a, const struct devctr *b)
{
	return a->sstarted == b->sstarted && a->scompleted == b->scompleted &&
	       a->sfinished == b->sfinished && a->errors == b->errors;
}

const char *ctr_str(const struct devctr *c)
{
	static char out[4][128];
	static unsigned int slot;
	char *s = out[slot++ % 4];

	snprintf(s, sizeof(out[0]),
		 "sstarted %+lld scompleted %+lld sfinished %+lld errors %+lld",
		 c->sstarted, c->scompleted, c->sfinished, c->errors);
	return s;
}

/* ---- libkcapi ---- */

const char *const xfer_name[__XFER_MAX] = {
	[XFER_SENDMSG] = "sync sendmsg",
	[XFER_SPLICE] = "sync vmsplice",
	[XFER_STREAM] = "stream",
	[XFER_AIO] = "AIO",
};

static int access_of(enum xfer x)
{
	return x == XFER_SPLICE ? KCAPI_ACCESS_VMSPLICE : KCAPI_ACCESS_SENDMSG;
}

/* Split [0, len) at the cuts into iovecs; returns their number. */
static unsigned int cut_iov(const uint8_t *buf, size_t len, const size_t *cuts,
			    unsigned int ncuts, struct iovec *iov)
{
	size_t start = 0;
	unsigned int i, n = 0;

	for (i = 0; i < ncuts; i++) {
		if (cuts[i] <= start || cuts[i] >= len)
			continue;
		iov[n].iov_base = (void *)(buf + start);
		iov[n].iov_len = cuts[i] - start;
		n++;
		start = cuts[i];
	}
	iov[n].iov_base = (void *)(buf + start);
	iov[n].iov_len = len - start;
	return n + 1;
}

ssize_t aead_run(const struct aead_op *op, const char **stage)
{
	struct kcapi_handle *h;
	struct iovec iniov, outiov, iov[34];
	const char *st = "init";
	ssize_t ret;
	int aio = op->xfer == XFER_AIO ? KCAPI_INIT_AIO : 0;

	ret = kcapi_aead_init(&h, op->alg, aio);
	if (ret)
		goto out;
	st = "setkey";
	ret = kcapi_aead_setkey(h, op->key, op->klen);
	if (ret)
		goto out_destroy;
	if (op->authsize) {
		st = "setauthsize";
		ret = kcapi_aead_settaglen(h, op->authsize);
		if (ret)
			goto out_destroy;
	}
	kcapi_aead_setassoclen(h, op->alen);
	st = "crypt";

	iniov.iov_base = (void *)op->in;
	iniov.iov_len = op->inlen;
	outiov.iov_base = op->out;
	outiov.iov_len = op->outlen;

	switch (op->xfer) {
	case XFER_SENDMSG:
	case XFER_SPLICE:
		if (op->enc)
			ret = kcapi_aead_encrypt(h, (uint8_t *)op->in,
						 op->inlen, op->iv, op->out,
						 op->outlen,
						 access_of(op->xfer));
		else
			ret = kcapi_aead_decrypt(h, (uint8_t *)op->in,
						 op->inlen, op->iv, op->out,
						 op->outlen,
						 access_of(op->xfer));
		break;
	case XFER_AIO:
		if (op->enc)
			ret = kcapi_aead_encrypt_aio(h, &iniov, &outiov, 1,
						     op->iv,
						     KCAPI_ACCESS_SENDMSG);
		else
			ret = kcapi_aead_decrypt_aio(h, &iniov, &outiov, 1,
						     op->iv,
						     KCAPI_ACCESS_SENDMSG);
		break;
	case XFER_STREAM: {
		unsigned int n = cut_iov(op->in, op->inlen, op->cuts,
					 op->ncuts > 32 ? 32 : op->ncuts, iov);
		unsigned int i;

		ret = op->enc ? kcapi_aead_stream_init_enc(h, op->iv, NULL, 0) :
				kcapi_aead_stream_init_dec(h, op->iv, NULL, 0);
		if (ret < 0)
			break;
		/* one update per piece, the last one ends the input */
		for (i = 0; i + 1 < n; i++) {
			ret = kcapi_aead_stream_update(h, &iov[i], 1);
			if (ret < 0)
				goto out_destroy;
		}
		ret = kcapi_aead_stream_update_last(h, &iov[n - 1], 1);
		if (ret < 0)
			break;
		ret = kcapi_aead_stream_op(h, &outiov, 1);
		break;
	}
	default:
		ret = -EINVAL;
	}
out_destroy:
	kcapi_aead_destroy(h);
out:
	if (stage)
		*stage = st;
	return ret;
}

ssize_t skcipher_run(const struct skcipher_op *op, const char **stage)
{
	struct kcapi_handle *h;
	struct iovec iniov[16], outiov[16], iov[34], oiov;
	const char *st = "init";
	ssize_t ret;
	int aio = op->xfer == XFER_AIO ? KCAPI_INIT_AIO : 0;

	ret = kcapi_cipher_init(&h, op->alg, aio);
	if (ret)
		goto out;
	st = "setkey";
	ret = kcapi_cipher_setkey(h, op->key, op->klen);
	if (ret)
		goto out_destroy;
	st = "crypt";

	switch (op->xfer) {
	case XFER_SENDMSG:
	case XFER_SPLICE:
		if (op->enc)
			ret = kcapi_cipher_encrypt(h, op->in, op->len, op->iv,
						   op->out, op->len,
						   access_of(op->xfer));
		else
			ret = kcapi_cipher_decrypt(h, op->in, op->len, op->iv,
						   op->out, op->len,
						   access_of(op->xfer));
		break;
	case XFER_AIO: {
		/* aio_chunks requests of equal size, each with the IV */
		unsigned int n = op->aio_chunks ? op->aio_chunks : 1, i;
		size_t per = op->len / n;

		if (n > 16 || per * n != op->len) {
			ret = -EINVAL;
			break;
		}
		for (i = 0; i < n; i++) {
			iniov[i].iov_base = (void *)(op->in + i * per);
			iniov[i].iov_len = per;
			outiov[i].iov_base = op->out + i * per;
			outiov[i].iov_len = per;
		}
		if (op->enc)
			ret = kcapi_cipher_encrypt_aio(h, iniov, outiov, n,
						       op->iv,
						       KCAPI_ACCESS_SENDMSG);
		else
			ret = kcapi_cipher_decrypt_aio(h, iniov, outiov, n,
						       op->iv,
						       KCAPI_ACCESS_SENDMSG);
		break;
	}
	case XFER_STREAM: {
		unsigned int n = cut_iov(op->in, op->len, op->cuts,
					 op->ncuts > 32 ? 32 : op->ncuts, iov);
		unsigned int i;
		size_t got = 0;

		ret = op->enc ? kcapi_cipher_stream_init_enc(h, op->iv, NULL, 0) :
				kcapi_cipher_stream_init_dec(h, op->iv, NULL, 0);
		if (ret < 0)
			break;
		for (i = 0; i + 1 < n; i++) {
			ret = kcapi_cipher_stream_update(h, &iov[i], 1);
			if (ret < 0)
				goto out_destroy;
		}
		ret = kcapi_cipher_stream_update_last(h, &iov[n - 1], 1);
		if (ret < 0)
			break;
		while (got < op->len) {
			oiov.iov_base = op->out + got;
			oiov.iov_len = op->len - got;
			if (op->recv_chunk && oiov.iov_len > op->recv_chunk)
				oiov.iov_len = op->recv_chunk;
			ret = kcapi_cipher_stream_op(h, &oiov, 1);
			if (ret <= 0)
				break;
			if (op->recvs)
				(*op->recvs)++;
			got += ret;
		}
		if (ret >= 0)
			ret = got;
		break;
	}
	default:
		ret = -EINVAL;
	}
out_destroy:
	kcapi_cipher_destroy(h);
out:
	if (stage)
		*stage = st;
	return ret;
}

ssize_t md_digest(const char *alg, const uint8_t *key, unsigned int klen,
		  const uint8_t *msg, size_t len, uint8_t *out, size_t outlen)
{
	struct kcapi_handle *h;
	ssize_t ret;

	ret = kcapi_md_init(&h, alg, 0);
	if (ret)
		return ret;
	if (key) {
		ret = kcapi_md_setkey(h, key, klen);
		if (ret)
			goto out;
	}
	ret = kcapi_md_digest(h, msg, len, out, outlen);
out:
	kcapi_md_destroy(h);
	return ret;
}

long set_optmem(long val)
{
	const char *path = "/proc/sys/net/core/optmem_max";
	long old = -1;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%ld", &old) != 1)
			old = -1;
		fclose(f);
	}
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%ld\n", val);
		fclose(f);
	}
	return old;
}

bool afalg_setup(void)
{
	return afalg_available();
}

const char *opt_alg;
const char *opt_dev = "soft";
const char *opt_route;
const char *opt_knob;

void common_args(int argc, char **argv)
{
	uint64_t seed = 1;	/* fixed: the same data every run */
	int opt;

	while ((opt = getopt(argc, argv, "s:qa:d:r:f:h")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'q':
			quick = true;
			break;
		case 'a':
			opt_alg = optarg;
			break;
		case 'd':
			opt_dev = optarg;
			break;
		case 'r':
			opt_route = optarg;
			break;
		case 'f':
			opt_knob = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-s SEED] [-q] [-a ALG] "
				"[-d DEVICE] [-r DEVICE [-f KNOB]]\n", argv[0]);
			exit(2);
		}
	}
	rnd_seed(seed);
	printf("# %s: seed %llu (rerun with -s %llu)\n", argv[0],
	       (unsigned long long)seed, (unsigned long long)seed);
}

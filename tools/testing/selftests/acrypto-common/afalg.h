/* SPDX-License-Identifier: GPL-2.0 */
/*
 * afalg.h - raw AF_ALG and Linux AIO, no libkcapi (link afalg.c): every
 * call returns the kernel's errno as it is (-errno), which the bad-input
 * catalogue compares with the expected one and the stress workers and the
 * benchmark account for.
 *
 *	tfm = afalg_tfm("skcipher", "cbc(aes)");	bind a transform
 *	afalg_setkey(tfm, key, 16);
 *	op = afalg_op(tfm);				an operation socket
 *	afalg_crypt(op, 1, iv, 16, -1, in, len, out, len);
 *
 *	op = afalg_open("hash", "sha256", NULL, 0, &tfm);	a hash
 *	afalg_write(op, in, len, 1);			update, MSG_MORE
 *	afalg_splice(op, in, len, 0);			finup
 *	afalg_recv(op, digest, 32);
 *
 * Sockets are close-on-exec.
 */
#ifndef ACRYPTO_COMMON_AFALG_H
#define ACRYPTO_COMMON_AFALG_H

#include <errno.h>
#include <linux/aio_abi.h>
#include <linux/if_alg.h>
#include <stddef.h>
#include <sys/types.h>

#ifndef SOL_ALG
#define SOL_ALG 279
#endif

#define AFALG_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* The longest IV afalg_send() takes. */
#define AFALG_MAX_IV	64

/* A system call's result: @ret, or -errno if it failed. */
static inline int afalg_err(long ret)
{
	return ret < 0 ? -errno : (int)ret;
}

/* Whether the kernel has AF_ALG at all. */
int afalg_available(void);

/* A transform socket bound to type/name (a cra_name or a driver name). */
int afalg_tfm(const char *type, const char *name);
/* afalg_tfm() and afalg_setkey() in one: the socket or -errno. */
int afalg_tfm_key(const char *type, const char *name, const void *key,
		  unsigned int klen);
int afalg_setkey(int tfm, const void *key, unsigned int len);
int afalg_setauthsize(int tfm, unsigned int authsize);

/* An operation socket of a transform. */
int afalg_op(int tfm);

/*
 * A transform of type/name with @key (none if NULL) and an operation socket
 * of it: returns the operation socket and puts the transform in *@tfm, or
 * returns -errno with nothing left open.
 */
int afalg_open(const char *type, const char *name, const void *key,
	       unsigned int klen, int *tfm);

/*
 * Send one request: operation, IV (ivlen bytes, none if iv is NULL) and
 * AEAD associated data length (if assoclen >= 0), then the data.  more:
 * MSG_MORE.  Returns bytes accepted or -errno.
 */
ssize_t afalg_send(int op, int encrypt, const void *iv, unsigned int ivlen,
		   int assoclen, const void *data, size_t len, int more);

/*
 * Send data with no control message (a hash request's data, more of a
 * request already started): send(), MSG_MORE if @more.  Returns bytes
 * accepted or -errno.
 */
ssize_t afalg_write(int op, const void *data, size_t len, int more);

/*
 * The same through a pipe: vmsplice() of @len bytes (at most 16 pages,
 * the pipe's size) into it, then splice() to the operation socket,
 * SPLICE_F_MORE if @more.  Returns bytes moved to the socket or -errno,
 * -EIO if a call moved fewer than @len.
 */
ssize_t afalg_splice(int op, const void *data, size_t len, int more);

/*
 * Receive the result: bytes or -errno.  recvmsg(), not read(): read() of
 * 0 bytes returns before reaching the socket, so a zero-length request
 * would never run.
 */
ssize_t afalg_recv(int op, void *out, size_t len);

/* One synchronous request on an operation socket: bytes out or -errno. */
ssize_t afalg_crypt(int op, int encrypt, const void *iv, unsigned int ivlen,
		    int assoclen, const void *in, size_t inlen, void *out,
		    size_t outlen);

/* ---- Linux AIO, raw system calls ---- */

int aio_setup(unsigned int nr, aio_context_t *ctx);
void aio_destroy(aio_context_t ctx);

/*
 * Read the result of the request just sent on op through io_submit() and
 * wait up to timeout_s for it.  Returns bytes or -errno, -ETIME when the
 * request did not complete in time (lost).
 */
ssize_t afalg_recv_aio(aio_context_t ctx, int op, void *out, size_t len,
		       unsigned int timeout_s);

#endif /* ACRYPTO_COMMON_AFALG_H */

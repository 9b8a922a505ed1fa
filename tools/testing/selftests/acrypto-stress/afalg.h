/* SPDX-License-Identifier: GPL-2.0 */
/*
 * afalg.h - raw AF_ALG and Linux AIO, no libkcapi: every call returns the
 * kernel's errno as it is (-errno), which the bad-input catalogue compares
 * with the expected one and the stress workers account for.  Shared by
 * acrypto-stress and acrypto-badinput; header only.
 */
#ifndef ACRYPTO_AFALG_H
#define ACRYPTO_AFALG_H

#include <errno.h>
#include <linux/aio_abi.h>
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

#define AFALG_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline int afalg_err(long ret)
{
	return ret < 0 ? -errno : (int)ret;
}

/* A transform socket bound to type/name (a cra_name or a driver name). */
static inline int afalg_tfm(const char *type, const char *name)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG };
	int fd, err;

	fd = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf((char *)sa.salg_type, sizeof(sa.salg_type), "%s", type);
	snprintf((char *)sa.salg_name, sizeof(sa.salg_name), "%s", name);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static inline int afalg_setkey(int tfm, const void *key, unsigned int len)
{
	return afalg_err(setsockopt(tfm, SOL_ALG, ALG_SET_KEY, key, len));
}

static inline int afalg_setauthsize(int tfm, unsigned int authsize)
{
	return afalg_err(setsockopt(tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL,
				    authsize));
}

/* An operation socket of a transform. */
static inline int afalg_op(int tfm)
{
	int fd = accept4(tfm, NULL, NULL, SOCK_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/*
 * Send one request: operation, IV (ivlen bytes, none if iv is NULL) and
 * AEAD associated data length (if assoclen >= 0), then the data.  more:
 * MSG_MORE.  Returns bytes accepted or -errno.
 */
static inline ssize_t afalg_send(int op, int encrypt, const void *iv,
				 unsigned int ivlen, int assoclen,
				 const void *data, size_t len, int more)
{
	char cbuf[CMSG_SPACE(sizeof(uint32_t)) +
		  CMSG_SPACE(sizeof(struct af_alg_iv) + 64) +
		  CMSG_SPACE(sizeof(uint32_t))] = { 0 };
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = 0,
	};
	struct cmsghdr *c;
	struct af_alg_iv *aiv;

	if (ivlen > 64)
		return -E2BIG;
	msg.msg_controllen = CMSG_SPACE(sizeof(uint32_t));
	if (iv)
		msg.msg_controllen += CMSG_SPACE(sizeof(*aiv) + ivlen);
	if (assoclen >= 0)
		msg.msg_controllen += CMSG_SPACE(sizeof(uint32_t));

	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_OP;
	c->cmsg_len = CMSG_LEN(sizeof(uint32_t));
	*(uint32_t *)CMSG_DATA(c) = encrypt ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT;
	if (iv) {
		c = CMSG_NXTHDR(&msg, c);
		c->cmsg_level = SOL_ALG;
		c->cmsg_type = ALG_SET_IV;
		c->cmsg_len = CMSG_LEN(sizeof(*aiv) + ivlen);
		aiv = (struct af_alg_iv *)CMSG_DATA(c);
		aiv->ivlen = ivlen;
		memcpy(aiv->iv, iv, ivlen);
	}
	if (assoclen >= 0) {
		c = CMSG_NXTHDR(&msg, c);
		c->cmsg_level = SOL_ALG;
		c->cmsg_type = ALG_SET_AEAD_ASSOCLEN;
		c->cmsg_len = CMSG_LEN(sizeof(uint32_t));
		*(uint32_t *)CMSG_DATA(c) = assoclen;
	}
	return afalg_err(sendmsg(op, &msg, more ? MSG_MORE : 0));
}

/*
 * Receive the result: bytes or -errno.  recvmsg(), not read(): read() of
 * 0 bytes returns before reaching the socket, so a zero-length request
 * would never run.
 */
static inline ssize_t afalg_recv(int op, void *out, size_t len)
{
	struct iovec iov = { .iov_base = out, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	return afalg_err(recvmsg(op, &msg, 0));
}

/* One synchronous request on an operation socket: bytes out or -errno. */
static inline ssize_t afalg_crypt(int op, int encrypt, const void *iv,
				  unsigned int ivlen, int assoclen,
				  const void *in, size_t inlen,
				  void *out, size_t outlen)
{
	ssize_t ret = afalg_send(op, encrypt, iv, ivlen, assoclen, in, inlen, 0);

	if (ret < 0)
		return ret;
	return afalg_recv(op, out, outlen);
}

/* ---- Linux AIO, raw system calls ---- */

static inline int aio_setup(unsigned int nr, aio_context_t *ctx)
{
	*ctx = 0;
	return afalg_err(syscall(SYS_io_setup, nr, ctx));
}

static inline void aio_destroy(aio_context_t ctx)
{
	syscall(SYS_io_destroy, ctx);
}

/*
 * Read the result of the request just sent on op through io_submit() and
 * wait up to timeout_s for it.  Returns bytes or -errno, -ETIME when the
 * request did not complete in time (lost).
 */
static inline ssize_t afalg_recv_aio(aio_context_t ctx, int op, void *out,
				     size_t len, unsigned int timeout_s)
{
	struct iocb cb = { 0 };
	struct iocb *cbs[1] = { &cb };
	struct io_event ev;
	struct timespec ts = { .tv_sec = timeout_s };
	long n;

	cb.aio_fildes = op;
	cb.aio_lio_opcode = IOCB_CMD_PREAD;
	cb.aio_buf = (uintptr_t)out;
	cb.aio_nbytes = len;
	cb.aio_data = 1;
	n = syscall(SYS_io_submit, ctx, 1, cbs);
	if (n < 0)
		return -errno;
	if (n != 1)
		return -EAGAIN;
	do {
		n = syscall(SYS_io_getevents, ctx, 1, 1, &ev, &ts);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ETIME;
	return (ssize_t)ev.res;
}

/* ---- errno names, for messages ---- */

static inline const char *errname(int err)
{
	static const struct { int e; const char *n; } names[] = {
		{ 0, "0" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { E2BIG, "E2BIG" },
		{ EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" },
		{ ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" }, { ENOSYS, "ENOSYS" },
		{ ENOKEY, "ENOKEY" }, { EBADMSG, "EBADMSG" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { ETIMEDOUT, "ETIMEDOUT" },
		{ ESHUTDOWN, "ESHUTDOWN" }, { ENOEXEC, "ENOEXEC" },
		{ ETIME, "ETIME" }, { EKEYREJECTED, "EKEYREJECTED" },
		{ ELIBBAD, "ELIBBAD" }, { ENOPKG, "ENOPKG" },
		{ EBADE, "EBADE(wrong output)" }, { EMSGSIZE, "EMSGSIZE" },
		{ ENXIO, "ENXIO" }, { EROFS, "EROFS" }, { ENFILE, "ENFILE" },
		{ EMFILE, "EMFILE" },
	};
	static char other[4][24];
	static unsigned int slot;
	unsigned int i;

	if (err < 0)
		err = -err;
	for (i = 0; i < AFALG_ARRAY_SIZE(names); i++)
		if (names[i].e == err)
			return names[i].n;
	slot = (slot + 1) % 4;
	snprintf(other[slot], sizeof(other[slot]), "errno %d", err);
	return other[slot];
}

#endif /* ACRYPTO_AFALG_H */

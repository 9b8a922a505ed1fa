// SPDX-License-Identifier: GPL-2.0
/*
 * afalg.c - raw AF_ALG and Linux AIO for the acrypto selftests; see afalg.h.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "afalg.h"

int afalg_available(void)
{
	int fd = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

int afalg_tfm(const char *type, const char *name)
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
		errno = -err;
		return err;
	}
	return fd;
}

int afalg_tfm_key(const char *type, const char *name, const void *key,
		  unsigned int klen)
{
	int fd = afalg_tfm(type, name), err;

	if (fd < 0)
		return fd;
	err = afalg_setkey(fd, key, klen);
	if (err) {
		close(fd);
		errno = -err;
		return err;
	}
	return fd;
}

int afalg_setkey(int tfm, const void *key, unsigned int len)
{
	return afalg_err(setsockopt(tfm, SOL_ALG, ALG_SET_KEY, key, len));
}

int afalg_setauthsize(int tfm, unsigned int authsize)
{
	return afalg_err(setsockopt(tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL,
				    authsize));
}

int afalg_op(int tfm)
{
	int fd = accept4(tfm, NULL, NULL, SOCK_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int afalg_open(const char *type, const char *name, const void *key,
	       unsigned int klen, int *tfm)
{
	int op;

	*tfm = key ? afalg_tfm_key(type, name, key, klen) :
		     afalg_tfm(type, name);
	if (*tfm < 0)
		return *tfm;
	op = afalg_op(*tfm);
	if (op < 0) {
		close(*tfm);
		*tfm = -1;
		errno = -op;
	}
	return op;
}

ssize_t afalg_send(int op, int encrypt, const void *iv, unsigned int ivlen,
		   int assoclen, const void *data, size_t len, int more)
{
	char cbuf[CMSG_SPACE(sizeof(uint32_t)) +
		  CMSG_SPACE(sizeof(struct af_alg_iv) + AFALG_MAX_IV) +
		  CMSG_SPACE(sizeof(uint32_t))] = { 0 };
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = 0,
	};
	struct cmsghdr *c;
	struct af_alg_iv *aiv;

	if (ivlen > AFALG_MAX_IV)
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

ssize_t afalg_write(int op, const void *data, size_t len, int more)
{
	return afalg_err(send(op, data, len, more ? MSG_MORE : 0));
}

ssize_t afalg_splice(int op, const void *data, size_t len, int more)
{
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	ssize_t n, ret;
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	n = vmsplice(p[1], &iov, 1, SPLICE_F_GIFT);
	if (n != (ssize_t)len) {
		ret = n < 0 ? -errno : -EIO;
		goto out;
	}
	n = splice(p[0], NULL, op, NULL, len, more ? SPLICE_F_MORE : 0);
	ret = n == (ssize_t)len ? n : n < 0 ? -errno : -EIO;
out:
	close(p[0]);
	close(p[1]);
	return ret;
}

ssize_t afalg_recv(int op, void *out, size_t len)
{
	struct iovec iov = { .iov_base = out, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	return afalg_err(recvmsg(op, &msg, 0));
}

ssize_t afalg_crypt(int op, int encrypt, const void *iv, unsigned int ivlen,
		    int assoclen, const void *in, size_t inlen, void *out,
		    size_t outlen)
{
	ssize_t ret = afalg_send(op, encrypt, iv, ivlen, assoclen, in, inlen, 0);

	if (ret < 0)
		return ret;
	return afalg_recv(op, out, outlen);
}

int aio_setup(unsigned int nr, aio_context_t *ctx)
{
	*ctx = 0;
	return afalg_err(syscall(SYS_io_setup, nr, ctx));
}

void aio_destroy(aio_context_t ctx)
{
	syscall(SYS_io_destroy, ctx);
}

ssize_t afalg_recv_aio(aio_context_t ctx, int op, void *out, size_t len,
		       unsigned int timeout_s)
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

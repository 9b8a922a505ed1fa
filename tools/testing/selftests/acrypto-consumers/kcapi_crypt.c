// SPDX-License-Identifier: GPL-2.0
/*
 * kcapi_crypt - one skcipher operation through AF_ALG (libkcapi), for the
 * shell tests: stdin to stdout, key from a file (any length; kcapi-enc
 * takes at most 32 bytes from its key descriptor), IV in hex.
 *
 * Usage: kcapi_crypt -e|-d -c NAME -k KEYFILE [-v IVHEX] < in > out
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static size_t read_all(int fd, uint8_t *buf, size_t max)
{
	size_t got = 0;
	ssize_t n;

	while (got < max && (n = read(fd, buf + got, max - got)) > 0)
		got += n;
	return got;
}

int main(int argc, char **argv)
{
	const char *name = NULL, *keyfile = NULL, *ivhex = NULL, *stage;
	uint8_t *in, *out, key[512], iv[64] = { 0 };
	size_t len, klen, i;
	int opt, fd, enc = -1;
	ssize_t ret;

	while ((opt = getopt(argc, argv, "edc:k:v:")) != -1) {
		switch (opt) {
		case 'e':
			enc = 1;
			break;
		case 'd':
			enc = 0;
			break;
		case 'c':
			name = optarg;
			break;
		case 'k':
			keyfile = optarg;
			break;
		case 'v':
			ivhex = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (enc < 0 || !name || !keyfile)
		goto usage;
	fd = open(keyfile, O_RDONLY);
	if (fd < 0) {
		perror(keyfile);
		return 1;
	}
	klen = read_all(fd, key, sizeof(key));
	close(fd);
	for (i = 0; ivhex && ivhex[2 * i] && ivhex[2 * i + 1] &&
		    i < sizeof(iv); i++)
		sscanf(ivhex + 2 * i, "%2hhx", &iv[i]);

	in = xalloc(1 << 16);
	out = xalloc(1 << 16);
	len = read_all(0, in, 1 << 16);
	{
		struct skcipher_op op = {
			.alg = name, .key = key, .klen = klen, .iv = iv,
			.enc = enc, .in = in, .out = out, .len = len,
			.xfer = XFER_SENDMSG,
		};

		ret = skcipher_run(&op, &stage);
	}
	if (ret != (ssize_t)len) {
		fprintf(stderr, "kcapi_crypt: %s %s: %s\n", name, stage,
			ret < 0 ? strerror(-ret) : "short result");
		return 1;
	}
	return write(1, out, len) == (ssize_t)len ? 0 : 1;
usage:
	fprintf(stderr, "usage: kcapi_crypt -e|-d -c NAME -k KEYFILE "
		"[-v IVHEX] < in > out\n");
	return 2;
}

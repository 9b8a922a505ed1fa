// SPDX-License-Identifier: GPL-2.0
/*
 * errno_of - run one system call and print its errno name ("0" on
 * success), for the shell cases of the bad-input catalogue: busybox's
 * echo and insmod report a failure but not which errno.
 *
 * Usage:
 *   errno_of write FILE STRING     write(2) STRING (no newline added) to FILE
 *   errno_of writelen FILE CHAR N  write N bytes of CHAR
 *   errno_of load MODULE.ko [PARAMS]
 *                                  finit_module(2) with PARAMS
 *   errno_of unload NAME           delete_module(2), O_NONBLOCK
 *   errno_of hold TYPE NAME KEYLEN FILE
 *                                  bind an AF_ALG transform of NAME, set a
 *                                  key of KEYLEN bytes, print the errno
 *                                  and keep the transform until FILE exists
 *
 * Prints the errno name; exit status 0 whatever the errno (the script
 * compares the name), 2 on a usage error.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "afalg.h"
#include "errno_name.h"

static int do_write(const char *file, const char *buf, size_t len)
{
	int fd = open(file, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

int main(int argc, char **argv)
{
	int err, fd;

	if (argc >= 4 && !strcmp(argv[1], "write")) {
		err = do_write(argv[2], argv[3], strlen(argv[3]));
	} else if (argc == 5 && !strcmp(argv[1], "writelen")) {
		size_t n = strtoul(argv[4], NULL, 0);
		char *buf = malloc(n + 1);

		if (!buf)
			return 2;
		memset(buf, argv[3][0], n);
		err = do_write(argv[2], buf, n);
		free(buf);
	} else if ((argc == 3 || argc == 4) && !strcmp(argv[1], "load")) {
		fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			err = -errno;
		} else {
			err = afalg_err(syscall(SYS_finit_module, fd,
						argc == 4 ? argv[3] : "", 0));
			close(fd);
		}
	} else if (argc == 3 && !strcmp(argv[1], "unload")) {
		err = afalg_err(syscall(SYS_delete_module, argv[2], O_NONBLOCK));
	} else if (argc == 6 && !strcmp(argv[1], "hold")) {
		uint8_t key[64] = { 1 };
		unsigned int klen = atoi(argv[4]);
		int tfm = afalg_tfm(argv[2], argv[3]);

		err = tfm < 0 ? tfm : klen > sizeof(key) ? -EINVAL :
		      klen ? afalg_setkey(tfm, key, klen) : 0;
		printf("%s\n", errno_name(err));
		fflush(stdout);
		while (tfm >= 0 && access(argv[5], F_OK))
			usleep(100000);
		return 0;
	} else {
		fprintf(stderr, "usage: errno_of write FILE STRING | writelen FILE CHAR N | load KO [PARAMS] | unload NAME | hold TYPE NAME KEYLEN FILE\n");
		return 2;
	}
	printf("%s\n", errno_name(err));
	return 0;
}

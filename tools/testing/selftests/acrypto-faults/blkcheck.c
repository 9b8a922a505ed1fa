// SPDX-License-Identifier: GPL-2.0
/*
 * blkcheck - read a block device block by block, bypassing the page cache
 * (O_DIRECT), and compare every block with a reference file.
 *
 * Usage: blkcheck DEVICE REFERENCE [BLOCK_SIZE]
 *
 * Prints one line
 *
 *	blkcheck: blocks=N right=R eio=E wrong=W other=O
 *
 * right: read and equal to the reference; eio: the read failed with EIO;
 * wrong: read without an error but different from the reference; other:
 * any other error or a short read.  With first_wrong=B (the index of the
 * first wrong block) when there is one.  Exit status 0 when the device
 * could be read to its end (whatever the counts), 1 otherwise.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long blocks = 0, right = 0, eio = 0, wrong = 0, other = 0;
	long first_wrong = -1;
	size_t bs = 4096;
	void *buf, *ref;
	struct stat st;
	int fd, rfd;
	off_t off;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s DEVICE REFERENCE [BLOCK_SIZE]\n",
			argv[0]);
		return 2;
	}
	if (argc == 4)
		bs = strtoul(argv[3], NULL, 0);
	if (!bs || bs % 512) {
		fprintf(stderr, "blkcheck: block size must be a multiple of 512\n");
		return 2;
	}

	fd = open(argv[1], O_RDONLY | O_DIRECT);
	rfd = open(argv[2], O_RDONLY);
	if (fd < 0 || rfd < 0 || fstat(rfd, &st)) {
		perror("blkcheck: open");
		return 1;
	}
	if (posix_memalign(&buf, 4096, bs) || !(ref = malloc(bs))) {
		perror("blkcheck: memory");
		return 1;
	}

	for (off = 0; off + (off_t)bs <= st.st_size; off += bs, blocks++) {
		ssize_t n = pread(fd, buf, bs, off);

		if (pread(rfd, ref, bs, off) != (ssize_t)bs) {
			perror("blkcheck: reference");
			return 1;
		}
		if (n < 0 && errno == EIO) {
			eio++;
		} else if (n != (ssize_t)bs) {
			other++;
		} else if (memcmp(buf, ref, bs)) {
			if (first_wrong < 0)
				first_wrong = blocks;
			wrong++;
		} else {
			right++;
		}
	}

	printf("blkcheck: blocks=%lu right=%lu eio=%lu wrong=%lu other=%lu",
	       blocks, right, eio, wrong, other);
	if (first_wrong >= 0)
		printf(" first_wrong=%ld", first_wrong);
	printf("\n");
	return 0;
}

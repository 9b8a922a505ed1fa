// SPDX-License-Identifier: GPL-2.0
/*
 * blklat - time the I/Os of a block device one by one, bypassing the page
 * cache (O_DIRECT), and check the data against a reference file.
 *
 * Usage: blklat DEVICE REFERENCE BLOCK_SIZE SECONDS
 *
 * For SECONDS, goes through the device block by block (wrapping around),
 * reading a block and then writing the same block back with the
 * reference's content (so the device keeps holding the reference), one I/O
 * at a time, each timed with CLOCK_MONOTONIC.  Prints one line
 *
 *	blklat: reads=N right=R wrong=W errors=E r_p50_us=.. r_p90_us=..
 *	        r_p99_us=.. r_max_us=.. writes=N w_errors=E w_p50_us=..
 *	        w_p90_us=.. w_p99_us=.. w_max_us=..
 *
 * (on one line).  right: a read equal to the reference; wrong: a read
 * without an error but different; errors: failed or short reads.  Exit
 * status 0 when it ran, 1 when it could not (open, memory).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES	(1 << 20)

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_u32(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

static unsigned int pct(const unsigned int *v, size_t n, unsigned int p)
{
	size_t i = n * p / 100;

	if (!n)
		return 0;
	return v[i < n ? i : n - 1];
}

static void print_stats(const char *pfx, unsigned int *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u32);
	printf(" %s_p50_us=%u %s_p90_us=%u %s_p99_us=%u %s_max_us=%u", pfx,
	       pct(v, n, 50), pfx, pct(v, n, 90), pfx, pct(v, n, 99), pfx,
	       n ? v[n - 1] : 0);
}

int main(int argc, char **argv)
{
	unsigned long right = 0, wrong = 0, errors = 0, w_errors = 0;
	size_t nr = 0, nw = 0, bs, blocks, b = 0;
	unsigned int *rlat, *wlat;
	double end, t0;
	void *buf, *ref;
	struct stat st;
	int fd, rfd;

	if (argc != 5) {
		fprintf(stderr, "usage: %s DEVICE REFERENCE BLOCK_SIZE SECONDS\n",
			argv[0]);
		return 2;
	}
	bs = strtoul(argv[3], NULL, 0);
	if (!bs || bs % 512) {
		fprintf(stderr, "blklat: block size must be a multiple of 512\n");
		return 2;
	}
	end = now_us() + strtod(argv[4], NULL) * 1e6;

	fd = open(argv[1], O_RDWR | O_DIRECT);
	rfd = open(argv[2], O_RDONLY);
	if (fd < 0 || rfd < 0 || fstat(rfd, &st)) {
		perror("blklat: open");
		return 1;
	}
	blocks = st.st_size / bs;
	rlat = calloc(MAX_SAMPLES, sizeof(*rlat));
	wlat = calloc(MAX_SAMPLES, sizeof(*wlat));
	if (!blocks || !rlat || !wlat || posix_memalign(&buf, 4096, bs) ||
	    posix_memalign(&ref, 4096, bs)) {
		fprintf(stderr, "blklat: no blocks or no memory\n");
		return 1;
	}

	while (now_us() < end && nr < MAX_SAMPLES) {
		off_t off = (off_t)(b++ % blocks) * bs;
		ssize_t n;

		if (pread(rfd, ref, bs, off) != (ssize_t)bs) {
			perror("blklat: reference");
			return 1;
		}
		t0 = now_us();
		n = pread(fd, buf, bs, off);
		rlat[nr++] = now_us() - t0;
		if (n != (ssize_t)bs)
			errors++;
		else if (memcmp(buf, ref, bs))
			wrong++;
		else
			right++;

		t0 = now_us();
		n = pwrite(fd, ref, bs, off);
		wlat[nw++] = now_us() - t0;
		if (n != (ssize_t)bs)
			w_errors++;
	}

	printf("blklat: reads=%zu right=%lu wrong=%lu errors=%lu", nr, right,
	       wrong, errors);
	print_stats("r", rlat, nr);
	printf(" writes=%zu w_errors=%lu", nw, w_errors);
	print_stats("w", wlat, nw);
	printf("\n");
	return 0;
}

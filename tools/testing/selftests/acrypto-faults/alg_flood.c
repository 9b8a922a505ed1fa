// SPDX-License-Identifier: GPL-2.0
/*
 * alg_flood - flood an AF_ALG skcipher from many processes, as an
 * unprivileged user may, and check every result.
 *
 * Usage: alg_flood [-u UID] [-p PROCS] [-s SECONDS] [-l LEN] [-d DRIVER]
 *                  [-r REFERENCE] [-1]
 *
 *   -u UID        drop to this user and group (and no supplementary
 *                 groups, no capabilities) before any socket exists, so
 *                 the transforms belong to an unprivileged user
 *   -p PROCS      processes, each with one request in flight (default 16)
 *   -s SECONDS    how long (default 5)
 *   -l LEN        bytes per request, a multiple of 16 (default 512)
 *   -d DRIVER     the skcipher under test (default acrypto-cbc-aes)
 *   -r REFERENCE  the implementation each result is checked against
 *                 (default cbc(aes-generic))
 *   -1            one transform shared by every process (each with its own
 *                 operation socket); default: a transform per process
 *
 * Each process first encrypts TABLE random texts under random IVs with
 * REFERENCE, then sends them in turn for as long as it runs, each result
 * compared with the reference's: the flood loads the device under test,
 * not the CPUs with reference computations.  Prints one line
 *
 *	alg_flood: procs=P uid=U seconds=S requests=N right=R wrong=W
 *	           errors=E first_errno=X stuck=K
 *
 * (on one line).  stuck: processes that were still inside a request 30 s
 * after the end (a request the engine lost); they are left behind.  Exit
 * status 0 when it ran, 1 when it could not set up.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "afalg.h"

#define MAX_PROCS	512
#define MAX_LEN		65536
#define KEYLEN		16
#define STUCK_GRACE	30
#define TABLE		16	/* texts per process */

struct slot {
	unsigned long requests;
	unsigned long right;
	unsigned long wrong;
	unsigned long errors;
	int first_errno;
	int busy;	/* inside a request */
	int exited;
};

static const char *driver = "acrypto-cbc-aes";
static const char *reference = "cbc(aes-generic)";
static unsigned char key[KEYLEN];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void fill(uint64_t *s, unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = xorshift(s) >> 24;
}

/* A keyed transform of @name; -1 with errno set if that fails. */
static int alg_tfm(const char *name)
{
	int fd = afalg_tfm_key("skcipher", name, key, sizeof(key));

	return fd < 0 ? -1 : fd;
}

/* One encryption through an operation socket: 0 or -errno. */
static int alg_encrypt(int op, const unsigned char *iv,
		       const unsigned char *in, unsigned char *out, size_t len)
{
	ssize_t n;

	n = afalg_send(op, 1, iv, 16, -1, in, len, 0);
	if (n != (ssize_t)len)
		return n < 0 ? (int)n : -EIO;
	n = afalg_recv(op, out, len);
	if (n != (ssize_t)len)
		return n < 0 ? (int)n : -EIO;
	return 0;
}

static void count_error(struct slot *sl, int err)
{
	if (!sl->errors++)
		sl->first_errno = -err;
}

static int child(struct slot *sl, int shared_tfm, size_t len, double end,
		 unsigned int id)
{
	unsigned char *in = malloc(TABLE * len), *exp = malloc(TABLE * len);
	uint64_t seed = (uint64_t)getpid() * 0x9e3779b97f4a7c15ULL + id + 1;
	int tfm = shared_tfm, op, rtfm, rop, err;
	unsigned char iv[TABLE][16], *out = malloc(len);
	unsigned int i;

	if (tfm < 0)
		tfm = alg_tfm(driver);
	rtfm = alg_tfm(reference);
	op = tfm < 0 ? -1 : afalg_op(tfm);
	rop = rtfm < 0 ? -1 : afalg_op(rtfm);
	if (!in || !out || !exp || op < 0 || rop < 0) {
		count_error(sl, -errno);
		return 1;
	}
	for (i = 0; i < TABLE; i++) {
		fill(&seed, in + i * len, len);
		fill(&seed, iv[i], sizeof(iv[i]));
		err = alg_encrypt(rop, iv[i], in + i * len, exp + i * len, len);
		if (err) {
			count_error(sl, err);
			return 1;
		}
	}
	close(rop);
	close(rtfm);

	for (i = 0; now() < end; i = (i + 1) % TABLE) {
		memset(out, 0, len);
		__atomic_store_n(&sl->busy, 1, __ATOMIC_RELEASE);
		err = alg_encrypt(op, iv[i], in + i * len, out, len);
		__atomic_store_n(&sl->busy, 0, __ATOMIC_RELEASE);
		sl->requests++;
		if (err)
			count_error(sl, err);
		else if (memcmp(out, exp + i * len, len))
			sl->wrong++;
		else
			sl->right++;
	}
	return 0;
}

static int drop_privileges(uid_t uid)
{
	return setgroups(0, NULL) || setgid(uid) || setuid(uid) ||
	       getuid() != uid || geteuid() != uid;
}

int main(int argc, char **argv)
{
	unsigned long requests = 0, right = 0, wrong = 0, errors = 0;
	unsigned int procs = 16, seconds = 5, i, stuck = 0, alive;
	int opt, shared = 0, shared_tfm = -1, first_errno = 0, fd;
	long uid = -1;
	size_t len = 512;
	struct slot *slots;
	pid_t pids[MAX_PROCS];
	double end, give_up;

	while ((opt = getopt(argc, argv, "u:p:s:l:d:r:1")) != -1) {
		switch (opt) {
		case 'u': uid = strtol(optarg, NULL, 0); break;
		case 'p': procs = strtoul(optarg, NULL, 0); break;
		case 's': seconds = strtoul(optarg, NULL, 0); break;
		case 'l': len = strtoul(optarg, NULL, 0); break;
		case 'd': driver = optarg; break;
		case 'r': reference = optarg; break;
		case '1': shared = 1; break;
		default:
			fprintf(stderr, "usage: see the header of alg_flood.c\n");
			return 2;
		}
	}
	if (!procs || procs > MAX_PROCS || !len || len % 16 || len > MAX_LEN) {
		fprintf(stderr, "alg_flood: bad -p or -l\n");
		return 2;
	}

	fd = open("/dev/urandom", O_RDONLY);
	if (fd < 0 || read(fd, key, sizeof(key)) != sizeof(key)) {
		perror("alg_flood: /dev/urandom");
		return 1;
	}
	close(fd);
	/* Have the reference instantiated while we may still load modules. */
	fd = alg_tfm(reference);
	if (fd < 0) {
		fprintf(stderr, "alg_flood: reference %s: %s\n", reference,
			strerror(errno));
		return 1;
	}
	close(fd);
	if (uid >= 0 && drop_privileges(uid)) {
		perror("alg_flood: dropping privileges");
		return 1;
	}
	if (shared) {
		shared_tfm = alg_tfm(driver);
		if (shared_tfm < 0) {
			fprintf(stderr, "alg_flood: %s: %s\n", driver,
				strerror(errno));
			return 1;
		}
	}

	slots = mmap(NULL, procs * sizeof(*slots), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED) {
		perror("alg_flood: mmap");
		return 1;
	}
	end = now() + seconds;
	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("alg_flood: fork");
			return 1;
		}
		if (!pids[i])
			_exit(child(&slots[i], shared_tfm, len, end, i));
	}

	/* Wait for every child; one still inside a request later is stuck. */
	give_up = end + STUCK_GRACE;
	do {
		alive = 0;
		for (i = 0; i < procs; i++) {
			if (slots[i].exited)
				continue;
			if (waitpid(pids[i], NULL, WNOHANG) == pids[i])
				slots[i].exited = 1;
			else
				alive++;
		}
		if (alive)
			usleep(50000);
	} while (alive && now() < give_up);

	for (i = 0; i < procs; i++) {
		requests += slots[i].requests;
		right += slots[i].right;
		wrong += slots[i].wrong;
		errors += slots[i].errors;
		if (!first_errno)
			first_errno = slots[i].first_errno;
		if (!slots[i].exited) {
			stuck++;
			kill(pids[i], SIGKILL);
		}
	}
	printf("alg_flood: procs=%u uid=%ld seconds=%u requests=%lu right=%lu wrong=%lu errors=%lu first_errno=%d stuck=%u\n",
	       procs, uid, seconds, requests, right, wrong, errors,
	       first_errno, stuck);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.h - helpers of the acrypto suite's programs: the four AES modes the
 * engine offers, random data, sysfs and /proc/crypto readers, and one-shot
 * operations through libkcapi and raw AF_ALG.  What every suite shares (TAP,
 * errno names, raw AF_ALG, hex, the vectors) is in ../acrypto-common/.
 */
#ifndef ACRYPTO_SELFTEST_COMMON_H
#define ACRYPTO_SELFTEST_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hex.h"

#define ACR_PAGE_SIZE		4096
#define ACR_MAX_DEVICES		16
#define ACR_SYSFS		"/sys/class/acrypto"
#define ACR_SESSIONS		ACR_SYSFS "/crypto_sessions"
#define ACR_LB_SYSFS		"/sys/class/crypto_lb"

struct acr_mode {
	const char *name;	/* "cbc" */
	const char *cra_name;	/* "cbc(aes)" */
	const char *driver;	/* "acrypto-cbc-aes" */
	const char *aesni;	/* the kernel's AES-NI driver, for comparison */
	const char *generic;	/* the kernel's generic driver, for comparison */
	unsigned int ivsize;
	unsigned int multiple;	/* request length must be a multiple of it */
	unsigned int minlen;	/* shortest non-empty request */
	unsigned int keylens[3];
};

extern const struct acr_mode acr_modes[];
extern const unsigned int acr_nmodes;
const struct acr_mode *acr_mode_find(const char *name);
/* The mode of a driver or cra_name ("acrypto-xts-aes", "cbc(aes)", ...). */
const struct acr_mode *acr_mode_of(const char *alg);

/* Data (hex2bin() is acrypto-common's, hex.h) */
size_t first_diff(const uint8_t *a, const uint8_t *b, size_t len);
void diag_hex(const char *label, const uint8_t *p, size_t len);
void diag_mismatch(const uint8_t *got, const uint8_t *want, size_t len);
void *alloc_pages(size_t len);

struct rng {
	uint64_t s;
};
uint64_t rng_next(struct rng *r);
/* Uniform in [lo, hi]. */
uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi);
void rng_fill(struct rng *r, uint8_t *buf, size_t len);

/* Names of acrypto-common's errno_name.c, with "OK" for success. */
const char *errname(int err);		/* errno -> "EINVAL", "E<n>" */
int errno_by_name(const char *name);	/* "EINVAL" -> EINVAL, -1 if unknown */

/* sysfs */
int read_str(const char *path, char *buf, size_t len);	/* 0 or -errno */
int read_long(const char *path, long *val);
int write_str(const char *path, const char *s);		/* 0 or -errno */

enum acr_counter {
	ACR_SSTARTED,
	ACR_SCOMPLETED,
	ACR_SFINISHED,
	ACR_ERRORS,
	ACR_SESSIONS_NOW,	/* "sessions": in flight */
	ACR_BACKLOG,
	ACR_NCOUNTERS,
};
extern const char *const acr_counter_names[ACR_NCOUNTERS];

struct acr_counters {
	long v[ACR_NCOUNTERS];
};

/* Names of the registered acrypto devices (directories in sysfs). */
int acr_devices(char names[][64], int max);
int acr_read_counters(const char *dev, struct acr_counters *c);
/* Sum over every device; 0 or -errno. */
int acr_total_counters(struct acr_counters *c);
long acr_queue_len(void);

/* /proc/crypto */
struct proc_alg {
	char name[128];
	char driver[128];
	char module[64];
	char type[32];
	char selftest[16];
	int priority;
	int refcnt;
	int internal;
};
/* The entry of @driver; 0 or -ENOENT. */
int proc_crypto_driver(const char *driver, struct proc_alg *out);
/* The highest-priority non-internal entry of @cra_name and @type. */
int proc_crypto_best(const char *cra_name, const char *type,
		     struct proc_alg *out);

/* libkcapi, quiet: expected failures must not litter the TAP stream. */
void acr_kcapi_quiet(void);

/*
 * One request on a fresh transform: bind @alg, set the key, encrypt or
 * decrypt @len bytes.  Returns 0 or -errno; *@stage tells which step failed
 * ("bind", "setkey", "crypt", "short").
 */
int acr_oneshot(const char *alg, int enc, const uint8_t *key,
		unsigned int klen, const uint8_t *iv, const uint8_t *in,
		size_t len, uint8_t *out, int access, const char **stage);

/*
 * A request without data through raw AF_ALG (libkcapi never sends one):
 * returns read()'s result (0 expected) or -errno.
 */
ssize_t afalg_empty_request(const char *alg, int enc, const uint8_t *key,
			    unsigned int klen, unsigned int ivsize);

/* Default key of the right size for @alg (XTS: two different halves). */
unsigned int acr_default_key(const char *alg, uint8_t *key);

#endif /* ACRYPTO_SELFTEST_COMMON_H */

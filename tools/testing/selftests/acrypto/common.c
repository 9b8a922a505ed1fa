// SPDX-License-Identifier: GPL-2.0
/*
 * common.c - shared helpers of the acrypto selftests.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <kcapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afalg.h"
#include "common.h"
#include "errno_name.h"
#include "tap.h"

const struct acr_mode acr_modes[] = {
	{ "ecb", "ecb(aes)", "acrypto-ecb-aes", "ecb-aes-aesni",
	  "ecb(aes-generic)", 0, 16, 16, { 16, 24, 32 } },
	{ "cbc", "cbc(aes)", "acrypto-cbc-aes", "cbc-aes-aesni",
	  "cbc(aes-generic)", 16, 16, 16, { 16, 24, 32 } },
	{ "ctr", "ctr(aes)", "acrypto-ctr-aes", "ctr-aes-aesni",
	  "ctr(aes-generic)", 16, 1, 1, { 16, 24, 32 } },
	{ "xts", "xts(aes)", "acrypto-xts-aes", "xts-aes-aesni",
	  "xts(ecb(aes-generic))", 16, 1, 16, { 32, 48, 64 } },
};
const unsigned int acr_nmodes = sizeof(acr_modes) / sizeof(acr_modes[0]);

const struct acr_mode *acr_mode_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < acr_nmodes; i++)
		if (!strcmp(acr_modes[i].name, name))
			return &acr_modes[i];
	return NULL;
}

const struct acr_mode *acr_mode_of(const char *alg)
{
	unsigned int i;

	/* Outermost mode first: "xts(ecb(aes-generic))" is XTS. */
	for (i = acr_nmodes; i-- > 0;)
		if (!strncmp(alg, acr_modes[i].name, 3) ||
		    (!strncmp(alg, "acrypto-", 8) &&
		     !strncmp(alg + 8, acr_modes[i].name, 3)))
			return &acr_modes[i];
	return NULL;
}

size_t first_diff(const uint8_t *a, const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (a[i] != b[i])
			return i;
	return len;
}

void diag_hex(const char *label, const uint8_t *p, size_t len)
{
	char buf[2 * 32 + 1];
	size_t i, n = len < 32 ? len : 32;

	for (i = 0; i < n; i++)
		sprintf(buf + 2 * i, "%02x", p[i]);
	buf[2 * n] = 0;
	tap_diag("%-8s %s%s", label, buf, len > n ? "..." : "");
}

/* Show where two buffers part, a few bytes before and after. */
void diag_mismatch(const uint8_t *got, const uint8_t *want, size_t len)
{
	size_t at = first_diff(got, want, len), from;

	if (at == len)
		return;
	from = at & ~(size_t)15;
	tap_diag("first difference at byte %zu of %zu", at, len);
	diag_hex("got", got + from, len - from);
	diag_hex("expected", want + from, len - from);
}

void *alloc_pages(size_t len)
{
	void *p;

	if (!len)
		len = 1;
	if (posix_memalign(&p, ACR_PAGE_SIZE, len)) {
		perror("posix_memalign");
		abort();
	}
	memset(p, 0, len);
	return p;
}

/* splitmix64: small, fast, and the same on every libc. */
uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(rng_next(r) % ((uint64_t)hi - lo + 1));
}

void rng_fill(struct rng *r, uint8_t *buf, size_t len)
{
	while (len) {
		uint64_t v = rng_next(r);
		size_t n = len < 8 ? len : 8;

		memcpy(buf, &v, n);
		buf += n;
		len -= n;
	}
}

/* acrypto_tool's and the diagnostics' names: "OK" for success, "E<n>" else. */
const char *errname(int err)
{
	static char buf[16];
	const char *sym;

	if (!err)
		return "OK";
	sym = errno_sym(err);
	if (sym)
		return sym;
	snprintf(buf, sizeof(buf), "E%d", err < 0 ? -err : err);
	return buf;
}

int errno_by_name(const char *name)
{
	return strcmp(name, "OK") ? errno_value(name) : 0;
}

int read_str(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = 0;
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = 0;
	return 0;
}

int read_long(const char *path, long *val)
{
	char buf[64], *end;
	int err = read_str(path, buf, sizeof(buf));

	if (err)
		return err;
	errno = 0;
	*val = strtol(buf, &end, 10);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

int write_str(const char *path, const char *s)
{
	ssize_t n;
	int fd, err;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	return (size_t)n == strlen(s) ? 0 : -EIO;
}

const char *const acr_counter_names[ACR_NCOUNTERS] = {
	"sstarted", "scompleted", "sfinished", "errors", "sessions", "backlog",
};

int acr_devices(char names[][64], int max)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	d = opendir(ACR_SYSFS);
	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < max) {
		/* The main queue and the partitions are no devices. */
		if (de->d_name[0] == '.' ||
		    !strcmp(de->d_name, "crypto_sessions") ||
		    !strcmp(de->d_name, "partitions"))
			continue;
		snprintf(names[n++], 64, "%.63s", de->d_name);
	}
	closedir(d);
	return n;
}

int acr_read_counters(const char *dev, struct acr_counters *c)
{
	char path[256];
	int i, err;

	for (i = 0; i < ACR_NCOUNTERS; i++) {
		snprintf(path, sizeof(path), ACR_SYSFS "/%.64s/%s", dev,
			 acr_counter_names[i]);
		err = read_long(path, &c->v[i]);
		if (err)
			return err;
	}
	return 0;
}

int acr_total_counters(struct acr_counters *c)
{
	char names[ACR_MAX_DEVICES][64];
	struct acr_counters one;
	int n, i, j, err;

	memset(c, 0, sizeof(*c));
	n = acr_devices(names, ACR_MAX_DEVICES);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		err = acr_read_counters(names[i], &one);
		if (err)
			return err;
		for (j = 0; j < ACR_NCOUNTERS; j++)
			c->v[j] += one.v[j];
	}
	return 0;
}

long acr_queue_len(void)
{
	long v;

	return read_long(ACR_SESSIONS "/queue_len", &v) ? -1 : v;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

/* Call @fn for each /proc/crypto entry until it returns non-zero. */
static int proc_crypto_each(int (*fn)(const struct proc_alg *, void *),
			    void *arg)
{
	struct proc_alg a;
	char line[512];
	int have = 0, ret = 0;
	FILE *f;

	f = fopen("/proc/crypto", "r");
	if (!f)
		return -errno;
	memset(&a, 0, sizeof(a));
	for (;;) {
		char *got = fgets(line, sizeof(line), f), *colon, *key, *val;

		if (!got || line[0] == '\n') {
			if (have) {
				ret = fn(&a, arg);
				if (ret)
					break;
			}
			memset(&a, 0, sizeof(a));
			have = 0;
			if (!got)
				break;
			continue;
		}
		colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = 0;
		key = trim(line);
		val = trim(colon + 1);
		have = 1;
		if (!strcmp(key, "name"))
			snprintf(a.name, sizeof(a.name), "%s", val);
		else if (!strcmp(key, "driver"))
			snprintf(a.driver, sizeof(a.driver), "%s", val);
		else if (!strcmp(key, "module"))
			snprintf(a.module, sizeof(a.module), "%s", val);
		else if (!strcmp(key, "type"))
			snprintf(a.type, sizeof(a.type), "%s", val);
		else if (!strcmp(key, "selftest"))
			snprintf(a.selftest, sizeof(a.selftest), "%s", val);
		else if (!strcmp(key, "priority"))
			a.priority = atoi(val);
		else if (!strcmp(key, "refcnt"))
			a.refcnt = atoi(val);
		else if (!strcmp(key, "internal"))
			a.internal = !strcmp(val, "yes");
	}
	fclose(f);
	return ret > 0 ? 0 : ret;
}

struct find_arg {
	const char *name;
	const char *type;
	struct proc_alg *out;
	int found;
};

static int match_driver(const struct proc_alg *a, void *p)
{
	struct find_arg *fa = p;

	if (strcmp(a->driver, fa->name))
		return 0;
	*fa->out = *a;
	fa->found = 1;
	return 1;
}

int proc_crypto_driver(const char *driver, struct proc_alg *out)
{
	struct find_arg fa = { driver, NULL, out, 0 };
	int err = proc_crypto_each(match_driver, &fa);

	if (err)
		return err;
	return fa.found ? 0 : -ENOENT;
}

static int match_best(const struct proc_alg *a, void *p)
{
	struct find_arg *fa = p;

	if (strcmp(a->name, fa->name) || a->internal ||
	    (fa->type && strcmp(a->type, fa->type)))
		return 0;
	if (!fa->found || a->priority > fa->out->priority)
		*fa->out = *a;
	fa->found = 1;
	return 0;
}

int proc_crypto_best(const char *cra_name, const char *type,
		     struct proc_alg *out)
{
	struct find_arg fa = { cra_name, type, out, 0 };
	int err = proc_crypto_each(match_best, &fa);

	if (err)
		return err;
	return fa.found ? 0 : -ENOENT;
}

void acr_kcapi_quiet(void)
{
	kcapi_set_verbosity(KCAPI_LOG_NONE);
}

int acr_oneshot(const char *alg, int enc, const uint8_t *key,
		unsigned int klen, const uint8_t *iv, const uint8_t *in,
		size_t len, uint8_t *out, int access, const char **stage)
{
	struct kcapi_handle *h;
	ssize_t ret;
	int err;

	*stage = "bind";
	err = kcapi_cipher_init(&h, alg, 0);
	if (err)
		return err < 0 ? err : -EINVAL;
	*stage = "setkey";
	err = kcapi_cipher_setkey(h, key, klen);
	if (err) {
		kcapi_cipher_destroy(h);
		return err < 0 ? err : -EINVAL;
	}
	*stage = "crypt";
	if (enc)
		ret = kcapi_cipher_encrypt(h, in, len, iv, out, len, access);
	else
		ret = kcapi_cipher_decrypt(h, in, len, iv, out, len, access);
	kcapi_cipher_destroy(h);
	if (ret < 0)
		return (int)ret;
	if ((size_t)ret != len) {
		*stage = "short";
		return -EMSGSIZE;
	}
	return 0;
}

ssize_t afalg_empty_request(const char *alg, int enc, const uint8_t *key,
			    unsigned int klen, unsigned int ivsize)
{
	uint8_t iv[16], out[16];
	int tfm, op;
	ssize_t ret;

	if (ivsize > sizeof(iv))
		return -E2BIG;
	memset(iv, 0xa5, sizeof(iv));
	op = afalg_open("skcipher", alg, key, klen, &tfm);
	if (op < 0)
		return op;
	/* No data and no MSG_MORE: the request is complete and empty. */
	ret = afalg_send(op, enc, ivsize ? iv : NULL, ivsize, -1, NULL, 0, 0);
	if (ret >= 0)
		ret = afalg_recv(op, out, sizeof(out));
	close(op);
	close(tfm);
	return ret;
}

unsigned int acr_default_key(const char *alg, uint8_t *key)
{
	const struct acr_mode *m = acr_mode_of(alg);
	unsigned int i, klen = m ? m->keylens[0] : 16;

	for (i = 0; i < klen; i++)
		key[i] = (uint8_t)(0x10 + 7 * i);
	return klen;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tap.h - a very small TAP 13 producer for the acrypto selftests.
 *
 *	tap_plan(n);			"TAP version 13" and "1..n"
 *	tap_check(cond, "what %d", i);	"ok 1 - what 1" or "not ok 1 - ..."
 *	tap_skip("why", "what");	"ok 2 - what # SKIP why"
 *	tap_diag("detail %s", s);	"# detail ..."
 *	return tap_finish();		summary line; 0 only if all passed
 *
 * The plan always comes first: several programs share one TAP stream in the
 * guest and the host-side summary expects every document to open with its
 * plan.  A program that cannot start at all calls tap_bail().
 */
#ifndef ACRYPTO_SELFTEST_TAP_H
#define ACRYPTO_SELFTEST_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_planned = -1;
static int tap_count;
static int tap_passed;
static int tap_failed;
static int tap_skipped;

static inline void tap_plan(int n)
{
	/* Results must interleave sensibly with stderr on a serial line. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_planned = n;
	printf("TAP version 13\n1..%d\n", n);
}

static inline void tap_vdiag(const char *fmt, va_list ap)
{
	char buf[1024], *line, *save = NULL;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		printf("# %s\n", line);
}

static inline __attribute__((format(printf, 1, 2)))
void tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vdiag(fmt, ap);
	va_end(ap);
}

/* One result; returns @ok so callers can chain diagnostics. */
static inline __attribute__((format(printf, 2, 3)))
int tap_check(int ok, const char *fmt, ...)
{
	char desc[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);

	tap_count++;
	if (ok)
		tap_passed++;
	else
		tap_failed++;
	printf("%sok %d - %s\n", ok ? "" : "not ", tap_count, desc);
	return ok;
}

static inline __attribute__((format(printf, 2, 3)))
void tap_skip(const char *reason, const char *fmt, ...)
{
	char desc[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);

	tap_count++;
	tap_skipped++;
	printf("ok %d - %s # SKIP %s\n", tap_count, desc, reason);
}

static inline __attribute__((format(printf, 1, 2), noreturn))
void tap_bail(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("Bail out! %s\n", buf);
	exit(1);
}

/* Exit status for main(): 0 only if nothing failed and the plan was met. */
static inline int tap_finish(void)
{
	printf("# passed %d, failed %d, skipped %d\n",
	       tap_passed, tap_failed, tap_skipped);
	if (tap_count != tap_planned) {
		printf("# planned %d tests but ran %d\n", tap_planned,
		       tap_count);
		return 1;
	}
	return tap_failed ? 1 : 0;
}

#endif /* ACRYPTO_SELFTEST_TAP_H */

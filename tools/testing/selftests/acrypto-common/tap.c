// SPDX-License-Identifier: GPL-2.0
/*
 * tap.c - the TAP 13 printer of the acrypto selftests; see tap.h.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

static int tap_planned = -1;	/* -1: no plan first, print it last */
static unsigned int tap_count, tap_passed, tap_failed, tap_skipped, tap_todos;

void tap_plan(unsigned int n)
{
	/* Results must interleave sensibly with stderr on a serial line. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_planned = (int)n;
	printf("TAP version 13\n1..%u\n", n);
	fflush(stdout);
}

static void tap_vdiag(const char *prefix, const char *fmt, va_list ap)
{
	char buf[1024], *line, *save = NULL;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		printf("%s%s\n", prefix, line);
	fflush(stdout);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vdiag("# ", fmt, ap);
	va_end(ap);
}

/* "ok N - desc" with an optional directive ("# SKIP why"). */
static void tap_line(bool ok, const char *directive, const char *why,
		     const char *fmt, va_list ap)
{
	char desc[1024];

	vsnprintf(desc, sizeof(desc), fmt, ap);
	tap_count++;
	printf("%sok %u - %s", ok ? "" : "not ", tap_count, desc);
	if (directive)
		printf(" # %s %s", directive, why);
	putchar('\n');
	fflush(stdout);
}

bool tap_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		tap_passed++;
	else
		tap_failed++;
	va_start(ap, fmt);
	tap_line(ok, NULL, NULL, fmt, ap);
	va_end(ap);
	return ok;
}

void tap_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	tap_skipped++;
	va_start(ap, fmt);
	tap_line(true, "SKIP", reason, fmt, ap);
	va_end(ap);
}

void tap_todo(bool ok, const char *why, const char *fmt, ...)
{
	va_list ap;

	tap_todos++;
	va_start(ap, fmt);
	tap_line(ok, "TODO", why, fmt, ap);
	va_end(ap);
}

void tap_bail(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("Bail out! %s\n", buf);
	fflush(stdout);
	exit(1);
}

unsigned int tap_failures(void)
{
	return tap_failed;
}

int tap_finish(void)
{
	if (tap_planned < 0)
		printf("1..%u\n", tap_count);
	printf("# passed %u, failed %u, skipped %u", tap_passed, tap_failed,
	       tap_skipped);
	if (tap_todos)
		printf(", to do %u", tap_todos);
	putchar('\n');
	if (tap_planned >= 0 && tap_count != (unsigned int)tap_planned) {
		printf("# planned %d tests but ran %u\n", tap_planned,
		       tap_count);
		fflush(stdout);
		return 1;
	}
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

void check_note(struct check *c, bool ok, const char *fmt, ...)
{
	va_list ap;

	c->runs++;
	if (ok)
		return;
	if (c->fails++ < 6) {
		va_start(ap, fmt);
		tap_vdiag("#   ", fmt, ap);
		va_end(ap);
	} else if (c->fails == 7) {
		tap_diag("  (more failures not shown)");
	}
}

void check_end(struct check *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!c->runs)
		tap_check(false, "%s (nothing was checked)", buf);
	else if (c->fails)
		tap_check(false, "%s (%u of %u failed)", buf, c->fails,
			  c->runs);
	else
		tap_check(true, "%s (%u checks)", buf, c->runs);
	c->runs = 0;
	c->fails = 0;
}

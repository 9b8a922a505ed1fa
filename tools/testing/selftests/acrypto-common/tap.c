// SPDX-License-Identifier: GPL-2.0
/*
 * tap.c - the TAP printer of the acrypto selftests, on the kernel's
 * kselftest.h; see tap.h.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest.h"
#include "tap.h"

static bool tap_planned;	/* false: no plan first, print it last */

void tap_plan(unsigned int n)
{
	/* Results must interleave sensibly with stderr on a serial line. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_planned = true;
	ksft_print_header();
	ksft_set_plan(n);
	fflush(stdout);
}

/* One kselftest message per line of the text, after @indent. */
static void tap_vdiag(const char *indent, const char *fmt, va_list ap)
{
	char buf[1024], *line, *save = NULL;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		ksft_print_msg("%s%s\n", indent, line);
	fflush(stdout);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vdiag("", fmt, ap);
	va_end(ap);
}

bool tap_check(bool ok, const char *fmt, ...)
{
	char desc[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	if (ok)
		ksft_test_result_pass("%s\n", desc);
	else
		ksft_test_result_fail("%s\n", desc);
	fflush(stdout);
	return ok;
}

void tap_skip(const char *reason, const char *fmt, ...)
{
	char desc[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	ksft_test_result_skip("%s: %s\n", desc, reason);
	fflush(stdout);
}

void tap_bail(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ksft_exit_fail_msg("%s\n", buf);
	exit(KSFT_FAIL);	/* not reached: ksft_exit_fail_msg() exits */
}

int tap_finish(void)
{
	bool plan_met = ksft_test_num() == ksft_plan;

	if (!tap_planned) {
		ksft_set_plan(ksft_test_num());
		plan_met = true;
	}
	ksft_print_cnts();
	fflush(stdout);
	return ksft_get_fail_cnt() || !plan_met ? KSFT_FAIL : KSFT_PASS;
}

void check_note(struct check *c, bool ok, const char *fmt, ...)
{
	va_list ap;

	c->runs++;
	if (ok)
		return;
	if (c->fails++ < 6) {
		va_start(ap, fmt);
		tap_vdiag("  ", fmt, ap);
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

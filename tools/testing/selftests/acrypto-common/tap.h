/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tap.h - the TAP printer of every acrypto selftest program (link tap.c),
 * on the kernel's kselftest.h (tools/testing/selftests/kselftest.h of
 * Debian's linux-source-6.1): its output is kselftest's.
 *
 *	tap_plan(n);			"TAP version 13" and "1..n"
 *	tap_check(ok, "what %d", i);	"ok 1 what 1" or "not ok 1 what 1"
 *	tap_skip("why", "what");	"ok 2 # SKIP what: why"
 *	tap_diag("detail %s", s);	"# detail ...", one "# " per line
 *	return tap_finish();		kselftest's totals; 0 only if all
 *					passed (and a plan given first was met)
 *
 * Plan first: a program that knows its number of tests calls tap_plan()
 * before the first result, which prints "TAP version 13" (unless
 * KSFT_TAP_LEVEL is set) and the plan.  Several programs share one TAP
 * stream in the guest and the host-side summary expects every document
 * to open with its plan; tap_finish() then also
 * fails the program if the plan was not met.
 *
 * Plan last: a program that cannot count its tests in advance (the
 * consumers' programs, badinput) does not call tap_plan(); tap_finish()
 * prints "1..n" after the results.  Its suite's run.sh moves such plans to
 * the front of the document.
 *
 * A program that cannot start at all calls tap_bail() ("Bail out!").
 * Every line is flushed at once: results must interleave sensibly with
 * stderr on a serial line.
 */
#ifndef ACRYPTO_COMMON_TAP_H
#define ACRYPTO_COMMON_TAP_H

#include <stdbool.h>

#define TAP_PRINTF(f, a)	__attribute__((format(printf, f, a)))

void tap_plan(unsigned int n);
/* One result; returns @ok so callers can chain diagnostics. */
bool tap_check(bool ok, const char *fmt, ...) TAP_PRINTF(2, 3);
void tap_skip(const char *reason, const char *fmt, ...) TAP_PRINTF(2, 3);
void tap_diag(const char *fmt, ...) TAP_PRINTF(1, 2);
void tap_bail(const char *fmt, ...) TAP_PRINTF(1, 2)
	__attribute__((noreturn));
/*
 * The summary (and the plan, if none came first); the exit status of the
 * program: 0 only if nothing failed and a plan given first was met.
 */
int tap_finish(void);

/*
 * A check made of many sub-checks (vectors, lengths): collect failures and
 * print one result.  The first few failure messages become diagnostics.
 */
struct check {
	unsigned int runs;
	unsigned int fails;
};

void check_note(struct check *c, bool ok, const char *fmt, ...)
	TAP_PRINTF(3, 4);
void check_end(struct check *c, const char *fmt, ...) TAP_PRINTF(2, 3);

#endif /* ACRYPTO_COMMON_TAP_H */

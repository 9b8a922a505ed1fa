/* SPDX-License-Identifier: GPL-2.0 */
/*
 * errno_name.h - the one table of errno names of the acrypto selftests
 * (link errno_name.c).  Programs print and parse errnos by name: the guest
 * scripts compare the names (errno_of, acrypto_tool) and take them as
 * arguments (lbload -e, failnth, stress_afalg).
 */
#ifndef ACRYPTO_COMMON_ERRNO_NAME_H
#define ACRYPTO_COMMON_ERRNO_NAME_H

/* "EINVAL" for EINVAL or -EINVAL; NULL for 0 and errnos not in the table. */
const char *errno_sym(int err);

/* "EINVAL" -> EINVAL; -1 if the name is not in the table. */
int errno_value(const char *name);

/*
 * The name raw AF_ALG programs print (stress, badinput, errno_of): "0" for
 * success, "EBADE(wrong output)" for EBADE (what the stress workers count a
 * wrong result as), "errno N" for errnos not in the table.  Up to four
 * results of the last calls stay valid.
 */
const char *errno_name(int err);

#endif /* ACRYPTO_COMMON_ERRNO_NAME_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hex.h - hex strings to bytes, for the vectors of vectors.h and command
 * lines (link hex.c).
 */
#ifndef ACRYPTO_COMMON_HEX_H
#define ACRYPTO_COMMON_HEX_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes @hex into at most @max bytes; returns their number.  Aborts on a
 * character that is not a hex digit and on a string that is odd or longer
 * than @max bytes: the vectors are typed in and a typo must not pass.
 */
size_t hex2bin(const char *hex, uint8_t *out, size_t max);

#endif /* ACRYPTO_COMMON_HEX_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * hex.c - hex strings to bytes; see hex.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "hex.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

size_t hex2bin(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;

	while (hex[0] && hex[1] && n < max) {
		int hi = hexval(hex[0]), lo = hexval(hex[1]);

		if (hi < 0 || lo < 0) {
			fprintf(stderr, "bad hex digit in '%.8s'\n", hex);
			abort();
		}
		out[n++] = (uint8_t)(hi << 4 | lo);
		hex += 2;
	}
	if (*hex) {
		fprintf(stderr, "hex string too long or odd\n");
		abort();
	}
	return n;
}

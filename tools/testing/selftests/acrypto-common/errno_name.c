// SPDX-License-Identifier: GPL-2.0
/*
 * errno_name.c - errno names of the acrypto selftests; see errno_name.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errno_name.h"

#define ERRNO(e)	{ e, #e }

static const struct {
	int err;
	const char *name;
} errno_names[] = {
	ERRNO(EPERM), ERRNO(ENOENT), ERRNO(EINTR), ERRNO(EIO), ERRNO(ENXIO),
	ERRNO(E2BIG), ERRNO(ENOEXEC), ERRNO(EBADF), ERRNO(EAGAIN),
	ERRNO(ENOMEM), ERRNO(EACCES), ERRNO(EFAULT), ERRNO(EBUSY),
	ERRNO(EEXIST), ERRNO(ENODEV), ERRNO(EINVAL), ERRNO(ENFILE),
	ERRNO(EMFILE), ERRNO(ENOSPC), ERRNO(EROFS), ERRNO(ERANGE),
	ERRNO(ENOSYS), ERRNO(EBADE), ERRNO(ENOPKG), ERRNO(ETIME),
	ERRNO(ELIBBAD), ERRNO(EOVERFLOW), ERRNO(EBADMSG), ERRNO(EMSGSIZE),
	ERRNO(EOPNOTSUPP), ERRNO(EAFNOSUPPORT), ERRNO(ENOTCONN),
	ERRNO(ESHUTDOWN), ERRNO(ETIMEDOUT), ERRNO(ENOKEY),
	ERRNO(EKEYREJECTED),
};

const char *errno_sym(int err)
{
	unsigned int i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return NULL;
}

int errno_value(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (!strcmp(errno_names[i].name, name))
			return errno_names[i].err;
	return -1;
}

const char *errno_name(int err)
{
	static char other[4][24];
	static unsigned int slot;
	const char *sym;

	if (err < 0)
		err = -err;
	if (!err)
		return "0";
	if (err == EBADE)
		return "EBADE(wrong output)";
	sym = errno_sym(err);
	if (sym)
		return sym;
	slot = (slot + 1) % 4;
	snprintf(other[slot], sizeof(other[slot]), "errno %d", err);
	return other[slot];
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the acrypto-virtio test modules (vac_test, virtio_crypto_model)
 * share: a short command written to one of their debugfs files.
 */
#ifndef _KMOD_CMD_H
#define _KMOD_CMD_H

#include <linux/errno.h>
#include <linux/uaccess.h>

/**
 * kmod_cmd_from_user() - copy a debugfs write into a string
 * @buf: destination
 * @size: its size; the command must be shorter
 * @ubuf: what user space wrote
 * @count: its length
 *
 * Return: 0 with @buf NUL-terminated, -EINVAL for an empty or too long
 * command, -EFAULT.
 */
static inline int kmod_cmd_from_user(char *buf, size_t size,
				     const char __user *ubuf, size_t count)
{
	if (!count || count >= size)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	return 0;
}

#endif /* _KMOD_CMD_H */

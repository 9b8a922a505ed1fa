// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_acrypto: algorithms - from the device's masks to engine
 * capabilities.
 *
 * The device lists the cipher algorithms it implements in cipher_algo_l and
 * cipher_algo_h (bit n set: algorithm n of VIRTIO_CRYPTO_CIPHER_*), and the
 * AEAD ones in aead_algo.  Each AES mode the engine knows and the device
 * advertises becomes one capability, with the key sizes cut to
 * max_cipher_key_len and the request length to what max_size leaves (IV,
 * source and destination count, an AEAD's associated data and tag too);
 * nothing the device does not advertise is registered, even where a device
 * would accept sessions for it.  AES-GCM of the AEAD service serves two
 * modes: gcm(aes) and rfc4106(gcm(aes)), whose salt the driver puts in
 * front of each request's IV.
 */

#include <linux/bits.h>
#include <linux/device.h>
#include <linux/kernel.h>

#include "virtio_acrypto.h"

static const struct {
	u32 service;		/* VIRTIO_CRYPTO_SERVICE_* */
	u32 algo;		/* VIRTIO_CRYPTO_CIPHER_* or _AEAD_* */
	u16 mode;		/* enum acrypto_mode */
	u16 min_keysize;
	u16 max_keysize;
	const char *name;
} vac_algs[] = {
	{ VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_ECB, ACRYPTO_MODE_ECB,
	  AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE, "ecb(aes)" },
	{ VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC, ACRYPTO_MODE_CBC,
	  AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE, "cbc(aes)" },
	{ VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CTR, ACRYPTO_MODE_CTR,
	  AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE, "ctr(aes)" },
	{ VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_XTS, ACRYPTO_MODE_XTS,
	  2 * AES_MIN_KEY_SIZE, 2 * AES_MAX_KEY_SIZE, "xts(aes)" },
	{ VIRTIO_CRYPTO_SERVICE_AEAD, VIRTIO_CRYPTO_AEAD_GCM, ACRYPTO_MODE_GCM,
	  AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE, "gcm(aes)" },
	{ VIRTIO_CRYPTO_SERVICE_AEAD, VIRTIO_CRYPTO_AEAD_GCM,
	  ACRYPTO_MODE_RFC4106, AES_MIN_KEY_SIZE + VAC_RFC4106_SALT_LEN,
	  AES_MAX_KEY_SIZE + VAC_RFC4106_SALT_LEN, "rfc4106(gcm(aes))" },
};

static bool vac_algo_advertised(u32 algo, u32 algo_l, u32 algo_h)
{
	if (algo < 32)
		return algo_l & BIT(algo);
	return algo < 64 && (algo_h & BIT(algo - 32));
}

/*
 * Longest request of @mode in max_size: the IV and the source are read, the
 * destination written, all of them count, and in stateless mode the key
 * too (the longest the mode takes).  An AEAD step's length is its text and
 * associated data (struct acrypto_cap): the text is read and written, the
 * AAD read (counted twice here, which is on the safe side), the tag (16
 * bytes at most) written or read once.  0 (no limit) when any length the
 * engine can send fits.
 */
static u32 vac_max_len(const struct vac_device *vac, unsigned int mode,
		       unsigned int max_key)
{
	u64 ivlen = mode == ACRYPTO_MODE_ECB ? 0 : AES_BLOCK_SIZE;
	u64 fixed, len;

	if (vac_mode_aead(mode))
		ivlen = VAC_GCM_IV_LEN + AES_BLOCK_SIZE;
	fixed = ivlen + (vac_stateless(vac, mode) ? max_key : 0);

	/* Too small for one byte each way: a limit of 1 (0 means none). */
	if (vac->max_size < fixed + 2)
		return 1;
	len = (vac->max_size - fixed) / 2;

	return len >= U32_MAX ? 0 : len;
}

/**
 * vac_algs_init() - fill in the capabilities from the config space
 * @vac: device with @max_key_len and @max_size read
 * @services: crypto_services mask
 * @algo_l: cipher_algo_l mask
 * @algo_h: cipher_algo_h mask
 * @aead_algo: aead_algo mask
 *
 * Queue lengths are set later, once the queues exist.
 *
 * Return: 0, or -ENODEV when the device offers nothing the engine can use.
 */
int vac_algs_init(struct vac_device *vac, u32 services, u32 algo_l,
		  u32 algo_h, u32 aead_algo)
{
	struct device *dev = &vac->vdev->dev;
	unsigned int i;

	vac->num_caps = 0;
	if (!(services & (BIT(VIRTIO_CRYPTO_SERVICE_CIPHER) |
			  BIT(VIRTIO_CRYPTO_SERVICE_AEAD)))) {
		dev_info(dev, "no cipher or AEAD service (services %#x), nothing to offer\n",
			 services);
		return -ENODEV;
	}

	for (i = 0; i < ARRAY_SIZE(vac_algs); i++) {
		struct acrypto_cap *cap = &vac->caps[vac->num_caps];
		/* An RFC 4106 key is the AES key and the salt. */
		u32 extra = vac_algs[i].mode == ACRYPTO_MODE_RFC4106 ?
			    VAC_RFC4106_SALT_LEN : 0;
		u16 max = min_t(u32, vac_algs[i].max_keysize,
				vac->max_key_len + extra);
		bool offered;

		if (!(services & BIT(vac_algs[i].service)))
			continue;
		if (vac_algs[i].service == VIRTIO_CRYPTO_SERVICE_AEAD)
			offered = vac_algo_advertised(vac_algs[i].algo,
						      aead_algo, 0);
		else
			offered = vac_algo_advertised(vac_algs[i].algo,
						      algo_l, algo_h);
		if (!offered)
			continue;
		if (max < vac_algs[i].min_keysize) {
			dev_warn(dev, "%s advertised but keys are limited to %u bytes, not using it\n",
				 vac_algs[i].name, vac->max_key_len);
			continue;
		}

		cap->ops = BIT(ACRYPTO_OP_ENCRYPT) | BIT(ACRYPTO_OP_DECRYPT);
		cap->alg = ACRYPTO_ALG_AES;
		cap->mode = vac_algs[i].mode;
		cap->min_keysize = vac_algs[i].min_keysize;
		cap->max_keysize = max;
		cap->max_len = vac_max_len(vac, cap->mode, max);
		cap->qlen = 1;
		vac->algo[cap->mode] = vac_algs[i].algo;
		vac->num_caps++;
		dev_dbg(dev, "%s, keys of %u to %u bytes, requests up to %u bytes\n",
			vac_algs[i].name, cap->min_keysize, cap->max_keysize,
			cap->max_len);
	}

	if (!vac->num_caps) {
		dev_info(dev, "no AES mode we support advertised (cipher_algo %#x:%#x, aead_algo %#x)\n",
			 algo_h, algo_l, aead_algo);
		return -ENODEV;
	}
	return 0;
}

/**
 * vac_algs_set_qlen() - set the queue length of every capability
 * @vac: the device
 * @qlen: requests the device holds at once, at least 1
 */
void vac_algs_set_qlen(struct vac_device *vac, unsigned int qlen)
{
	unsigned int i;

	for (i = 0; i < vac->num_caps; i++)
		vac->caps[i].qlen = max(qlen, 1U);
}

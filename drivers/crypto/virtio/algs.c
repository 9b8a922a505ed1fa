// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_acrypto: algorithms - from the device's masks to engine
 * capabilities.
 *
 * The device lists what it implements per service: the cipher algorithms
 * in cipher_algo_l and cipher_algo_h (bit n set: algorithm n of
 * VIRTIO_CRYPTO_CIPHER_*), the hashes in hash_algo, the MACs in mac_algo_l
 * and mac_algo_h, the AEAD ones in aead_algo.  Each algorithm and mode the
 * engine knows and the device advertises becomes one capability, with the
 * key sizes cut to max_cipher_key_len (max_auth_key_len for a MAC) and the
 * request length to what max_size leaves (IV, source and destination
 * count, an AEAD's associated data and tag, a digest too); nothing the
 * device does not advertise is registered, even where a device would
 * accept sessions for it.  AES-GCM of the AEAD service serves two modes:
 * gcm(aes) and rfc4106(gcm(aes)), whose salt the driver puts in front of
 * each request's IV.  A virtio-crypto hash or MAC request is a whole
 * message: those capabilities take digest steps only
 * (%ACRYPTO_OP_HASH_DIGEST), and the partial hashes of update() stay with
 * devices that keep a state.
 */

#include <linux/bits.h>
#include <linux/device.h>
#include <linux/kernel.h>

#include "virtio_acrypto.h"

static const struct {
	u8 service;		/* VIRTIO_CRYPTO_SERVICE_* */
	u8 alg;			/* enum acrypto_alg */
	u8 mode;		/* enum acrypto_mode */
	u8 algo;		/* VIRTIO_CRYPTO_{CIPHER,HASH,MAC,AEAD}_* */
	u16 min_keysize;
	u16 max_keysize;
	const char *name;
} vac_algs[] = {
	{ VIRTIO_CRYPTO_SERVICE_CIPHER, ACRYPTO_ALG_AES, ACRYPTO_MODE_ECB,
	  VIRTIO_CRYPTO_CIPHER_AES_ECB, AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE,
	  "ecb(aes)" },
	{ VIRTIO_CRYPTO_SERVICE_CIPHER, ACRYPTO_ALG_AES, ACRYPTO_MODE_CBC,
	  VIRTIO_CRYPTO_CIPHER_AES_CBC, AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE,
	  "cbc(aes)" },
	{ VIRTIO_CRYPTO_SERVICE_CIPHER, ACRYPTO_ALG_AES, ACRYPTO_MODE_CTR,
	  VIRTIO_CRYPTO_CIPHER_AES_CTR, AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE,
	  "ctr(aes)" },
	{ VIRTIO_CRYPTO_SERVICE_CIPHER, ACRYPTO_ALG_AES, ACRYPTO_MODE_XTS,
	  VIRTIO_CRYPTO_CIPHER_AES_XTS, 2 * AES_MIN_KEY_SIZE,
	  2 * AES_MAX_KEY_SIZE, "xts(aes)" },
	{ VIRTIO_CRYPTO_SERVICE_AEAD, ACRYPTO_ALG_AES, ACRYPTO_MODE_GCM,
	  VIRTIO_CRYPTO_AEAD_GCM, AES_MIN_KEY_SIZE, AES_MAX_KEY_SIZE,
	  "gcm(aes)" },
	{ VIRTIO_CRYPTO_SERVICE_AEAD, ACRYPTO_ALG_AES, ACRYPTO_MODE_RFC4106,
	  VIRTIO_CRYPTO_AEAD_GCM, AES_MIN_KEY_SIZE + VAC_RFC4106_SALT_LEN,
	  AES_MAX_KEY_SIZE + VAC_RFC4106_SALT_LEN, "rfc4106(gcm(aes))" },
	{ VIRTIO_CRYPTO_SERVICE_HASH, ACRYPTO_ALG_SHA1, ACRYPTO_MODE_HASH,
	  VIRTIO_CRYPTO_HASH_SHA1, 0, 0, "sha1" },
	{ VIRTIO_CRYPTO_SERVICE_HASH, ACRYPTO_ALG_SHA256, ACRYPTO_MODE_HASH,
	  VIRTIO_CRYPTO_HASH_SHA_256, 0, 0, "sha256" },
	/* An empty HMAC key is legal, but not a MAC session's (1 byte up). */
	{ VIRTIO_CRYPTO_SERVICE_MAC, ACRYPTO_ALG_SHA1, ACRYPTO_MODE_HMAC,
	  VIRTIO_CRYPTO_MAC_HMAC_SHA1, 1, VAC_MAX_AUTH_KEY_LEN, "hmac(sha1)" },
	{ VIRTIO_CRYPTO_SERVICE_MAC, ACRYPTO_ALG_SHA256, ACRYPTO_MODE_HMAC,
	  VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 1, VAC_MAX_AUTH_KEY_LEN,
	  "hmac(sha256)" },
};

/**
 * vac_digest_size() - bytes of a hash's or MAC's result
 * @alg: ACRYPTO_ALG_SHA1 or ACRYPTO_ALG_SHA256
 *
 * Return: the digest size.
 */
unsigned int vac_digest_size(unsigned int alg)
{
	return alg == ACRYPTO_ALG_SHA1 ? SHA1_DIGEST_SIZE : SHA256_DIGEST_SIZE;
}

/* Is algorithm @algo of @service in the masks @a? */
static bool vac_algo_advertised(const struct vac_algos *a, u32 service,
				u32 algo)
{
	u64 mask;

	switch (service) {
	case VIRTIO_CRYPTO_SERVICE_CIPHER:
		mask = a->cipher;
		break;
	case VIRTIO_CRYPTO_SERVICE_HASH:
		mask = a->hash;
		break;
	case VIRTIO_CRYPTO_SERVICE_MAC:
		mask = a->mac;
		break;
	default:
		mask = a->aead;
		break;
	}
	return (a->services & BIT(service)) && algo < 64 &&
	       (mask & BIT_ULL(algo));
}

/*
 * Longest request of @alg/@mode in max_size.  A cipher: the IV and the
 * source are read, the destination written, all of them count, and in
 * stateless mode the key too (the longest the mode takes).  An AEAD
 * step's length is its text and associated data (struct acrypto_cap): the
 * text is read and written, the AAD read (counted twice here, which is on
 * the safe side), the tag (16 bytes at most) written or read once.  A hash
 * or MAC: the source, the digest and a stateless MAC's key.  0 (no limit)
 * when any length the engine can send fits.
 */
static u32 vac_max_len(const struct vac_device *vac, unsigned int alg,
		       unsigned int mode, unsigned int max_key)
{
	u64 ivlen = mode == ACRYPTO_MODE_ECB ? 0 : AES_BLOCK_SIZE;
	u64 key = vac_stateless(vac, mode) ? max_key : 0;
	u64 fixed, len;

	if (vac_mode_hash(mode)) {
		fixed = vac_digest_size(alg) + key;
		if (vac->max_size < fixed + 1)
			return 1;
		len = vac->max_size - fixed;
		return len >= U32_MAX ? 0 : len;
	}
	if (vac_mode_aead(mode))
		ivlen = VAC_GCM_IV_LEN + AES_BLOCK_SIZE;
	fixed = ivlen + key;

	/* Too small for one byte each way: a limit of 1 (0 means none). */
	if (vac->max_size < fixed + 2)
		return 1;
	len = (vac->max_size - fixed) / 2;

	return len >= U32_MAX ? 0 : len;
}

/**
 * vac_algs_init() - fill in the capabilities from the config space
 * @vac: device with @max_key_len, @max_auth_key_len and @max_size read
 * @a: what the device advertises
 *
 * Queue lengths are set later, once the queues exist.
 *
 * Return: 0, or -ENODEV when the device offers nothing the engine can use.
 */
int vac_algs_init(struct vac_device *vac, const struct vac_algos *a)
{
	struct device *dev = &vac->vdev->dev;
	unsigned int i;

	BUILD_BUG_ON(ARRAY_SIZE(vac_algs) > VAC_MAX_CAPS);
	vac->num_caps = 0;
	for (i = 0; i < ARRAY_SIZE(vac_algs); i++) {
		struct acrypto_cap *cap = &vac->caps[vac->num_caps];
		unsigned int mode = vac_algs[i].mode;
		/* An RFC 4106 key is the AES key and the salt. */
		u32 limit = mode == ACRYPTO_MODE_RFC4106 ?
			    vac->max_key_len + VAC_RFC4106_SALT_LEN :
			    vac->max_key_len;
		u16 max;

		if (!vac_algo_advertised(a, vac_algs[i].service,
					 vac_algs[i].algo))
			continue;
		if (mode == ACRYPTO_MODE_HMAC)
			limit = vac->max_auth_key_len;
		max = min_t(u32, vac_algs[i].max_keysize, limit);
		if (max < vac_algs[i].min_keysize) {
			dev_warn(dev, "%s advertised but keys are limited to %u bytes, not using it\n",
				 vac_algs[i].name, limit);
			continue;
		}

		if (vac_mode_hash(mode))
			cap->ops = BIT(ACRYPTO_OP_HASH_DIGEST);
		else
			cap->ops = BIT(ACRYPTO_OP_ENCRYPT) |
				   BIT(ACRYPTO_OP_DECRYPT);
		cap->alg = vac_algs[i].alg;
		cap->mode = mode;
		cap->min_keysize = vac_algs[i].min_keysize;
		cap->max_keysize = max;
		cap->max_len = vac_max_len(vac, cap->alg, mode, max);
		cap->qlen = 1;
		vac->algo[cap->alg][mode] = vac_algs[i].algo;
		vac->num_caps++;
		dev_dbg(dev, "%s, keys of %u to %u bytes, requests up to %u bytes\n",
			vac_algs[i].name, cap->min_keysize, cap->max_keysize,
			cap->max_len);
	}

	if (!vac->num_caps) {
		dev_info(dev, "nothing we support advertised (services %#x, cipher %#llx, hash %#x, mac %#llx, aead %#x)\n",
			 a->services, a->cipher, a->hash, a->mac, a->aead);
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

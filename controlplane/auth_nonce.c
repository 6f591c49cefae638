/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Stateless nonces: issue time and salt signed with HMAC-SHA256, so that a
 * nonce validates (and its age is known) without remembering it.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "vg_auth.h"
#include "auth_pvt.h"
#include "rand_pool.h"

#define NONCE_TIME_LEN 8
#define NONCE_SALT_LEN 8
#define NONCE_BODY_LEN (NONCE_TIME_LEN + NONCE_SALT_LEN)
#define NONCE_BIN_LEN (NONCE_BODY_LEN + VG_AUTH_NONCE_TAG_LEN)

_Static_assert(2 * NONCE_BIN_LEN == VG_AUTH_NONCE_LEN, "nonce layout");

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
vg_auth_unhex(const char *hex, size_t len, uint8_t *bin)
{
	size_t i;

	for (i = 0; i < len; i++) {
		int hi = hexval(hex[2 * i]);
		int lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		bin[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int
vg_auth_nonce_key_init(struct vg_auth_nonce_key *key)
{
	if (key == NULL)
		return -EINVAL;
	if (RAND_bytes(key->secret, sizeof(key->secret)) != 1)
		return -EIO;
	return 0;
}

/** The full HMAC-SHA256 of the nonce body; the nonce keeps a prefix. */
static int
nonce_tag(const struct vg_auth_nonce_key *key, const uint8_t *body,
		uint8_t out[32])
{
	unsigned int outlen = 0;

	if (HMAC(EVP_sha256(), key->secret, sizeof(key->secret), body,
			NONCE_BODY_LEN, out, &outlen) == NULL ||
			outlen != 32)
		return -EIO;
	return 0;
}

int
vg_auth_nonce_make(const struct vg_auth_nonce_key *key, uint64_t now_ms,
		char *buf, size_t size)
{
	uint8_t bin[NONCE_BIN_LEN];
	uint8_t mac[32];
	int i;

	if (key == NULL || buf == NULL)
		return -EINVAL;
	if (size < VG_AUTH_NONCE_LEN + 1)
		return -ENOSPC;
	for (i = 0; i < NONCE_TIME_LEN; i++)
		bin[i] = (uint8_t)(now_ms >> (8 * (NONCE_TIME_LEN - 1 - i)));
	if (vg_rand_bytes(bin + NONCE_TIME_LEN, NONCE_SALT_LEN) != 0)
		return -EIO;
	if (nonce_tag(key, bin, mac) != 0)
		return -EIO;
	memcpy(bin + NONCE_BODY_LEN, mac, VG_AUTH_NONCE_TAG_LEN);
	vg_auth_hex(bin, sizeof(bin), buf);
	return 0;
}

int
vg_auth_nonce_check(const struct vg_auth_nonce_key *key, const char *nonce,
		size_t len, uint64_t now_ms, uint64_t ttl_ms,
		uint64_t *issued_ms, uint8_t *tag)
{
	uint8_t bin[NONCE_BIN_LEN];
	uint8_t mac[32];
	uint64_t issued = 0;
	int i;

	if (key == NULL || (nonce == NULL && len > 0))
		return -EINVAL;
	if (len != VG_AUTH_NONCE_LEN)
		return -EINVAL;
	if (vg_auth_unhex(nonce, NONCE_BIN_LEN, bin) != 0)
		return -EINVAL;
	if (nonce_tag(key, bin, mac) != 0)
		return -EIO;
	/* The tag is the secret-derived part: compare in constant time. */
	if (!vg_auth_ct_equal(mac, bin + NONCE_BODY_LEN,
			VG_AUTH_NONCE_TAG_LEN))
		return -EBADMSG;

	for (i = 0; i < NONCE_TIME_LEN; i++)
		issued = issued << 8 | bin[i];
	if (issued_ms != NULL)
		*issued_ms = issued;
	if (tag != NULL)
		memcpy(tag, bin + NONCE_BODY_LEN, VG_AUTH_NONCE_TAG_LEN);
	/* A nonce from the future means our clock went back: still ours. */
	if (issued <= now_ms && now_ms - issued >= ttl_ms)
		return -ESTALE;
	return 0;
}

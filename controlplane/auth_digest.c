/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Digest computation: HA1, HA2 and the request digest for MD5 and SHA-256
 * (RFC 2617 §3.2.2, RFC 7616 §3.4.1), and constant-time comparison.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "vg_auth.h"
#include "auth_pvt.h"

static const char *const alg_names[VG_AUTH_ALG_COUNT] = {
	[VG_AUTH_SHA256] = "SHA-256",
	[VG_AUTH_MD5] = "MD5",
};

const char *
vg_auth_alg_name(enum vg_auth_alg alg)
{
	if ((unsigned)alg >= VG_AUTH_ALG_COUNT)
		return NULL;
	return alg_names[alg];
}

int
vg_auth_alg_from_name(const char *name)
{
	unsigned i;

	if (name == NULL)
		return -EINVAL;
	for (i = 0; i < VG_AUTH_ALG_COUNT; i++)
		if (strcasecmp(name, alg_names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

size_t
vg_auth_alg_len(enum vg_auth_alg alg)
{
	switch (alg) {
	case VG_AUTH_SHA256:
		return 32;
	case VG_AUTH_MD5:
		return 16;
	default:
		return 0;
	}
}

static const EVP_MD *
alg_md(enum vg_auth_alg alg)
{
	switch (alg) {
	case VG_AUTH_SHA256:
		return EVP_sha256();
	case VG_AUTH_MD5:
		return EVP_md5();
	default:
		return NULL;
	}
}

void
vg_auth_hex(const uint8_t *bin, size_t len, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		hex[2 * i] = digits[bin[i] >> 4];
		hex[2 * i + 1] = digits[bin[i] & 0xf];
	}
	hex[2 * len] = '\0';
}

/**
 * H(part[0] ":" part[1] ":" ... part[n-1]) as lowercase hex: the one shape
 * of every digest in RFC 7616 §3.4.
 */
static int
digest_hex(enum vg_auth_alg alg, const char *const *part, unsigned n,
		char *hex, size_t size)
{
	const EVP_MD *md = alg_md(alg);
	uint8_t bin[EVP_MAX_MD_SIZE];
	unsigned int binlen = 0;
	EVP_MD_CTX *ctx;
	unsigned i;
	int rc = -EIO;

	if (md == NULL || hex == NULL)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (part[i] == NULL)
			return -EINVAL;
	if (size < 2 * vg_auth_alg_len(alg) + 1)
		return -ENOSPC;

	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return -ENOMEM;
	if (EVP_DigestInit_ex(ctx, md, NULL) != 1)
		goto out;
	for (i = 0; i < n; i++) {
		if (i > 0 && EVP_DigestUpdate(ctx, ":", 1) != 1)
			goto out;
		if (EVP_DigestUpdate(ctx, part[i], strlen(part[i])) != 1)
			goto out;
	}
	if (EVP_DigestFinal_ex(ctx, bin, &binlen) != 1 ||
			binlen != vg_auth_alg_len(alg))
		goto out;
	vg_auth_hex(bin, binlen, hex);
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	OPENSSL_cleanse(bin, sizeof(bin));
	return rc;
}

int
vg_auth_ha1(enum vg_auth_alg alg, const char *user, const char *realm,
		const char *password, char *hex, size_t size)
{
	const char *part[] = {user, realm, password};

	return digest_hex(alg, part, 3, hex, size);
}

int
vg_auth_ha2(enum vg_auth_alg alg, const char *method, const char *uri,
		char *hex, size_t size)
{
	const char *part[] = {method, uri};

	return digest_hex(alg, part, 2, hex, size);
}

int
vg_auth_response(enum vg_auth_alg alg, const char *ha1_hex,
		const char *nonce, const char *nc, const char *cnonce,
		const char *qop, const char *ha2_hex, char *hex, size_t size)
{
	if (qop == NULL) {
		const char *legacy[] = {ha1_hex, nonce, ha2_hex};

		return digest_hex(alg, legacy, 3, hex, size);
	} else {
		const char *part[] = {ha1_hex, nonce, nc, cnonce, qop,
			ha2_hex};

		return digest_hex(alg, part, 6, hex, size);
	}
}

bool
vg_auth_ct_equal(const void *a, const void *b, size_t len)
{
	if (len == 0)
		return true;
	return CRYPTO_memcmp(a, b, len) == 0;
}

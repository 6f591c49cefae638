/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * libFuzzer target for the Authorization / Proxy-Authorization header
 * parser (vg_auth_creds_parse()): the input is a header value as it came
 * off the wire, in a buffer of exactly its size (not NUL-terminated, so
 * AddressSanitizer sees any read past its end). A parse that succeeds
 * must leave the fields RFC 3261 s22.4 requires present and every field
 * NUL-terminated inside its array.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vg_auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_field(const char *f, size_t size)
{
	if (strnlen(f, size) >= size)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned need = VG_AUTH_F_USERNAME | VG_AUTH_F_REALM |
		VG_AUTH_F_NONCE | VG_AUTH_F_URI | VG_AUTH_F_RESPONSE;
	struct vg_auth_creds c;
	char *value = malloc(size != 0 ? size : 1);
	int rc;

	if (value == NULL)
		return 0;
	memcpy(value, data, size);
	rc = vg_auth_creds_parse(value, size, &c);
	if (rc != 0 && rc != -EPROTONOSUPPORT && rc != -EINVAL && rc != -E2BIG)
		abort();
	if (rc == 0) {
		if ((c.present & need) != need)
			abort();
		check_field(c.username, sizeof(c.username));
		check_field(c.realm, sizeof(c.realm));
		check_field(c.nonce, sizeof(c.nonce));
		check_field(c.uri, sizeof(c.uri));
		check_field(c.response, sizeof(c.response));
		check_field(c.algorithm, sizeof(c.algorithm));
		check_field(c.cnonce, sizeof(c.cnonce));
		check_field(c.nc, sizeof(c.nc));
		check_field(c.qop, sizeof(c.qop));
		check_field(c.opaque, sizeof(c.opaque));
	}
	free(value);
	return 0;
}

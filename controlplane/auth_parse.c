/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Parser of digest credentials: the value of an Authorization or
 * Proxy-Authorization header (RFC 3261 §25.1 "credentials", RFC 7616 §3.4).
 *
 * Every read is bounded by the end pointer; values are copied (unquoted and
 * unescaped) into fixed-size fields, and anything that does not fit is an
 * error rather than a truncation.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "vg_auth.h"

/** Where each parameter goes. */
struct creds_field {
	const char *name;
	unsigned flag;
	size_t offset;
	size_t size;
};

#define FIELD(n, f, m) \
	{n, f, offsetof(struct vg_auth_creds, m), \
		sizeof(((struct vg_auth_creds *)0)->m)}

static const struct creds_field creds_fields[] = {
	FIELD("username", VG_AUTH_F_USERNAME, username),
	FIELD("realm", VG_AUTH_F_REALM, realm),
	FIELD("nonce", VG_AUTH_F_NONCE, nonce),
	FIELD("uri", VG_AUTH_F_URI, uri),
	FIELD("response", VG_AUTH_F_RESPONSE, response),
	FIELD("algorithm", VG_AUTH_F_ALGORITHM, algorithm),
	FIELD("cnonce", VG_AUTH_F_CNONCE, cnonce),
	FIELD("nc", VG_AUTH_F_NC, nc),
	FIELD("qop", VG_AUTH_F_QOP, qop),
	FIELD("opaque", VG_AUTH_F_OPAQUE, opaque),
};

#define REQUIRED (VG_AUTH_F_USERNAME | VG_AUTH_F_REALM | VG_AUTH_F_NONCE | \
		VG_AUTH_F_URI | VG_AUTH_F_RESPONSE)

/** Linear white space, folded lines included (RFC 3261 §25.1 LWS). */
static bool
is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/** RFC 3261 token characters. */
static bool
is_token(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("-.!%*_+`'~", c) != NULL;
}

/**
 * Characters of an unquoted value. Wider than token: clients send nc,
 * qop, algorithm and sometimes uri unquoted.
 */
static bool
is_bare(char c)
{
	unsigned char u = (unsigned char)c;

	return u > 0x20 && u != 0x7f && c != ',' && c != '"';
}

static const char *
skip_lws(const char *p, const char *end)
{
	while (p < end && is_lws(*p))
		p++;
	return p;
}

static const struct creds_field *
find_field(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(creds_fields) / sizeof(creds_fields[0]); i++)
		if (strlen(creds_fields[i].name) == len &&
				strncasecmp(creds_fields[i].name, name,
					len) == 0)
			return &creds_fields[i];
	return NULL;
}

/**
 * Read one value at *pp into dst (NULL: parse and drop it).
 * @return 0, -EINVAL, -E2BIG
 */
static int
parse_value(const char **pp, const char *end, char *dst, size_t size)
{
	const char *p = *pp;
	size_t n = 0;

	if (p < end && *p == '"') {
		p++;
		for (;;) {
			char c;

			if (p >= end)
				return -EINVAL; /* unterminated */
			c = *p++;
			if (c == '"')
				break;
			if (c == '\\') {
				if (p >= end)
					return -EINVAL;
				c = *p++;
			}
			if (c == '\0')
				return -EINVAL;
			if (dst != NULL) {
				if (n + 1 >= size)
					return -E2BIG;
				dst[n] = c;
			}
			n++;
		}
	} else {
		while (p < end && is_bare(*p)) {
			if (dst != NULL) {
				if (n + 1 >= size)
					return -E2BIG;
				dst[n] = *p;
			}
			n++;
			p++;
		}
		if (n == 0)
			return -EINVAL; /* "name=" with nothing */
	}
	if (dst != NULL)
		dst[n] = '\0';
	*pp = p;
	return 0;
}

int
vg_auth_creds_parse(const char *value, size_t len,
		struct vg_auth_creds *creds)
{
	const char *p, *end, *name;
	size_t name_len;
	int rc;

	if (creds == NULL || (value == NULL && len > 0))
		return -EINVAL;
	memset(creds, 0, sizeof(*creds));
	if (len > VG_AUTH_HDR_MAX)
		return -E2BIG;
	p = value;
	end = value + len;

	/* The scheme, then at least one white space. */
	p = skip_lws(p, end);
	name = p;
	while (p < end && is_token(*p))
		p++;
	if (p == name)
		return -EINVAL;
	if ((size_t)(p - name) != 6 || strncasecmp(name, "Digest", 6) != 0)
		return -EPROTONOSUPPORT;
	if (p < end && !is_lws(*p))
		return -EINVAL;

	for (;;) {
		const struct creds_field *f;
		char *dst = NULL;
		size_t size = 0;

		/* Empty list elements are allowed (RFC 7230 §7). */
		p = skip_lws(p, end);
		while (p < end && *p == ',')
			p = skip_lws(p + 1, end);
		if (p >= end)
			break;

		name = p;
		while (p < end && is_token(*p))
			p++;
		name_len = (size_t)(p - name);
		if (name_len == 0)
			return -EINVAL;
		p = skip_lws(p, end);
		if (p >= end || *p != '=')
			return -EINVAL;
		p = skip_lws(p + 1, end);

		f = find_field(name, name_len);
		if (f != NULL) {
			if (creds->present & f->flag)
				return -EINVAL; /* duplicate */
			dst = (char *)creds + f->offset;
			size = f->size;
		}
		rc = parse_value(&p, end, dst, size);
		if (rc != 0)
			return rc;
		if (f != NULL)
			creds->present |= f->flag;

		p = skip_lws(p, end);
		if (p < end && *p != ',')
			return -EINVAL; /* garbage after a value */
	}

	if ((creds->present & REQUIRED) != REQUIRED)
		return -EINVAL;
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file SDES a=crypto values (RFC 4568 §9): parsing, the answer's choice,
 * fresh keys and formatting. Base64 is our own: libre 1.1.0's
 * base64_decode() takes any byte outside the alphabet for 'A' and drops a
 * partial quantum without an error, and a key must be refused when it is
 * not exactly 30 well-formed bytes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "sdp_crypto.h"

/* RFC 3711 §9.2: at most 2^48 SRTP packets per master key */
#define LIFETIME_LOG2_MAX 48
/* RFC 4568 §6.1: mki-length = 1*3DIGIT, 1..128 */
#define MKI_LEN_MAX 128
/* 30 bytes in base64 (RFC 4648 §4), no padding needed */
#define KEY_B64_LEN 40

static const struct {
	enum vg_sdp_crypto_suite suite;
	const char *name;
} suites[] = {
		{VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_80,
				"AES_CM_128_HMAC_SHA1_80"},
		{VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_32,
				"AES_CM_128_HMAC_SHA1_32"},
};

const char *
vg_sdp_crypto_suite_name(enum vg_sdp_crypto_suite suite)
{
	size_t i;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (suites[i].suite == suite)
			return suites[i].name;
	return NULL;
}

void
vg_sdp_crypto_wipe(struct vg_sdp_crypto *c)
{
	if (c != NULL)
		explicit_bzero(c, sizeof(*c));
}

/* ---- base64 (RFC 4648 §4) ---- */

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "abcdefghijklmnopqrstuvwxyz"
				   "0123456789+/";

/* The 6-bit value of a base64 character, or -1 */
static int
b64_value(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/*
 * Decode exactly n characters into exactly want bytes. Padding is
 * optional but, when present, completes the last quantum; the bits a
 * partial quantum leaves over must be zero (RFC 4648 §3.5), so every key
 * has one spelling.
 */
static int
b64_decode(const char *in, size_t n, uint8_t *out, size_t want)
{
	uint32_t acc = 0;
	size_t i, bits = 0, o = 0, pad = 0;
	int v;

	while (pad < 2 && n > 0 && in[n - 1] == '=') {
		n--;
		pad++;
	}
	if (pad != 0 && (n + pad) % 4 != 0)
		return -EINVAL;
	if (n % 4 == 1)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		v = b64_value(in[i]);
		if (v < 0)
			return -EINVAL;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == want)
				return -EINVAL;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0 || o != want)
		return -EINVAL;
	return 0;
}

/* n bytes into 4 * ceil(n / 3) characters and a NUL */
static void
b64_encode(const uint8_t *in, size_t n, char *out)
{
	size_t i;
	uint32_t q;

	for (i = 0; i + 2 < n; i += 3) {
		q = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
				in[i + 2];
		*out++ = b64_alphabet[q >> 18];
		*out++ = b64_alphabet[(q >> 12) & 63];
		*out++ = b64_alphabet[(q >> 6) & 63];
		*out++ = b64_alphabet[q & 63];
	}
	if (i < n) {
		q = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			q |= (uint32_t)in[i + 1] << 8;
		*out++ = b64_alphabet[q >> 18];
		*out++ = b64_alphabet[(q >> 12) & 63];
		*out++ = i + 1 < n ? b64_alphabet[(q >> 6) & 63] : '=';
		*out++ = '=';
	}
	*out = '\0';
}

/* ---- the grammar (RFC 4568 §9.1, §9.2) ---- */

static bool
is_wsp(char ch)
{
	return ch == ' ' || ch == '\t';
}

static bool
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool
is_token_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			is_digit(ch) || ch == '_';
}

/* VCHAR (RFC 5234 B.1) */
static bool
is_vchar(char ch)
{
	return ch >= 0x21 && ch <= 0x7e;
}

/* Skip 1*WSP; false when there is none */
static bool
skip_wsp(const char **p)
{
	const char *s = *p;

	while (is_wsp(**p))
		(*p)++;
	return *p != s;
}

/*
 * A decimal number of 1..max_digits digits at s[0..n), no larger than
 * max. Leading zeros are allowed (the grammar does not forbid them).
 */
static int
parse_uint(const char *s, size_t n, size_t max_digits, uint64_t max,
		uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > max_digits)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* lifetime = ["2^"] 1*(DIGIT), in packets (§6.1) */
static int
parse_lifetime(const char *s, size_t n, uint64_t *out)
{
	uint64_t v;

	if (n > 2 && s[0] == '2' && s[1] == '^') {
		if (parse_uint(s + 2, n - 2, 2, LIFETIME_LOG2_MAX, &v) != 0)
			return -EINVAL;
		*out = (uint64_t)1 << v;
		return 0;
	}
	if (parse_uint(s, n, 15, (uint64_t)1 << LIFETIME_LOG2_MAX, &v) != 0 ||
			v == 0)
		return -EINVAL;
	*out = v;
	return 0;
}

/* mki = mki-value ":" mki-length: well formed means -ENOTSUP */
static int
check_mki(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	uint64_t v;

	if (colon == NULL || colon == s)
		return -EINVAL;
	for (const char *q = s; q < colon; q++)
		if (!is_digit(*q))
			return -EINVAL;
	if (parse_uint(colon + 1, (size_t)(s + n - colon - 1), 3, MKI_LEN_MAX,
			    &v) != 0 ||
			v == 0)
		return -EINVAL;
	return -ENOTSUP;
}

/*
 * key-param = "inline:" key-salt ["|" lifetime] ["|" mki], ending at WSP,
 * ";" (a second key: -ENOTSUP) or the end.
 */
static int
parse_key_param(const char **p, struct vg_sdp_crypto *c)
{
	static const char method[] = "inline:";
	const char *s = *p, *e;
	size_t n;
	int field, rc;

	n = 0;
	while (is_token_char(s[n]))
		n++;
	if (n == 0 || s[n] != ':')
		return -EINVAL;
	if (n + 1 != sizeof(method) - 1 ||
			strncasecmp(s, method, sizeof(method) - 1) != 0)
		return -ENOTSUP; /* another key method (§6.1: inline only) */
	s += sizeof(method) - 1;

	for (e = s; *e != '\0' && *e != '|' && *e != ';' && !is_wsp(*e); e++)
		;
	/* a 30-byte key-salt has one spelling: 40 characters */
	if (e - s != KEY_B64_LEN ||
			b64_decode(s, (size_t)(e - s), c->key,
					sizeof(c->key)) != 0)
		return -EINVAL;

	for (field = 0; *e == '|'; field++) {
		s = e + 1;
		for (e = s; *e != '\0' && *e != '|' && *e != ';' && !is_wsp(*e);
				e++)
			;
		n = (size_t)(e - s);
		if (memchr(s, ':', n) != NULL) {
			/* an MKI, and nothing may follow it */
			rc = check_mki(s, n);
			if (rc == -ENOTSUP && *e == '|')
				rc = -EINVAL;
			return rc;
		}
		if (field != 0 || parse_lifetime(s, n, &c->lifetime) != 0)
			return -EINVAL;
	}
	if (*e == ';')
		return -ENOTSUP; /* several master keys need MKIs (§6.1) */
	*p = e;
	return 0;
}

/* s[0..n) is lit, without case (RFC 5234 §2.3) */
static bool
token_eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

/* "NAME=" followed by the value */
static bool
param_is(const char *s, size_t n, const char *name, const char **value)
{
	size_t len = strlen(name);

	if (n < len || strncasecmp(s, name, len) != 0)
		return false;
	*value = s + len;
	return true;
}

/* One session parameter s[0..n) (§6.3) */
static int
parse_session_param(const char *s, size_t n, struct vg_sdp_crypto *c)
{
	const char *v;
	uint64_t num;
	size_t i, vn;

	for (i = 0; i < n; i++)
		if (!is_vchar(s[i]))
			return -EINVAL;
	if (s[0] == '-')
		return n > 1 ? 0 : -EINVAL; /* optional extension (§6.3.7) */
	if (param_is(s, n, "KDR=", &v)) {
		if (parse_uint(v, (size_t)(s + n - v), 2, 24, &num) != 0)
			return -EINVAL;
		/* we derive once (RFC 3711 §4.3.1, kdr 0) */
		return num == 0 ? 0 : -ENOTSUP;
	}
	if (param_is(s, n, "WSH=", &v)) {
		if (s + n - v < 2 ||
				parse_uint(v, (size_t)(s + n - v), 9,
						UINT32_MAX, &num) != 0 ||
				num < 64)
			return -EINVAL;
		c->wsh = (uint32_t)num;
		return 0;
	}
	if (param_is(s, n, "FEC_ORDER=", &v)) {
		/* where FEC sits around SRTP: moot, we negotiate no FEC */
		vn = (size_t)(s + n - v);
		if (token_eq(v, vn, "FEC_SRTP") || token_eq(v, vn, "SRTP_FEC"))
			return 0;
		return -EINVAL;
	}
	/* FEC_KEY=, UNENCRYPTED_SRTP, UNENCRYPTED_SRTCP,
	 * UNAUTHENTICATED_SRTP (§6.3.2-§6.3.5) and unknown mandatory ones */
	return -ENOTSUP;
}

int
vg_sdp_crypto_parse(const char *value, struct vg_sdp_crypto *c)
{
	const char *p = value, *s;
	uint64_t tag;
	size_t n;
	int rc = -EINVAL;

	if (c == NULL)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	if (value == NULL)
		return -EINVAL;

	for (n = 0; is_digit(p[n]); n++)
		;
	if (parse_uint(p, n, 9, VG_SDP_CRYPTO_TAG_MAX, &tag) != 0)
		goto out;
	c->tag = (uint32_t)tag;
	p += n;
	if (!skip_wsp(&p))
		goto out;

	for (s = p; is_token_char(*p); p++)
		;
	if (p == s || !is_wsp(*p))
		goto out;
	for (n = 0; n < sizeof(suites) / sizeof(suites[0]); n++)
		if (token_eq(s, (size_t)(p - s), suites[n].name))
			c->suite = suites[n].suite;
	if (c->suite == VG_SDP_CRYPTO_NONE) {
		rc = -ENOTSUP; /* F8, AES-192/256 (RFC 6188), AEAD (7714) */
		goto out;
	}
	skip_wsp(&p);

	rc = parse_key_param(&p, c);
	if (rc != 0)
		goto out;

	while (skip_wsp(&p) && *p != '\0') {
		for (s = p; *p != '\0' && !is_wsp(*p); p++)
			;
		rc = parse_session_param(s, (size_t)(p - s), c);
		if (rc != 0)
			goto out;
	}
	rc = *p == '\0' ? 0 : -EINVAL;
out:
	if (rc != 0)
		vg_sdp_crypto_wipe(c);
	return rc;
}

/* The tag of a value, or -1 when it does not start with one */
static int64_t
leading_tag(const char *value)
{
	uint64_t tag;
	size_t n;

	for (n = 0; is_digit(value[n]); n++)
		;
	if (parse_uint(value, n, 9, VG_SDP_CRYPTO_TAG_MAX, &tag) != 0 ||
			!is_wsp(value[n]))
		return -1;
	return (int64_t)tag;
}

int
vg_sdp_crypto_choose(const char *const *values, size_t n,
		struct vg_sdp_crypto *chosen)
{
	struct vg_sdp_crypto c;
	size_t i, j;

	if (values == NULL && n != 0)
		return -EINVAL;
	if (chosen != NULL)
		memset(chosen, 0, sizeof(*chosen));
	for (i = 0; i < n && i < INT32_MAX; i++) {
		if (values[i] == NULL ||
				vg_sdp_crypto_parse(values[i], &c) != 0)
			continue;
		for (j = 0; j < n; j++)
			if (j != i && values[j] != NULL &&
					leading_tag(values[j]) == c.tag) {
				vg_sdp_crypto_wipe(&c);
				return -EINVAL;
			}
		if (chosen != NULL)
			*chosen = c;
		vg_sdp_crypto_wipe(&c);
		return (int)i;
	}
	return -ENOENT;
}

int
vg_sdp_crypto_generate(struct vg_sdp_crypto *c, uint32_t tag,
		enum vg_sdp_crypto_suite suite)
{
	size_t off = 0;
	ssize_t got;

	if (c == NULL || tag > VG_SDP_CRYPTO_TAG_MAX ||
			vg_sdp_crypto_suite_name(suite) == NULL)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->tag = tag;
	c->suite = suite;
	while (off < sizeof(c->key)) {
		got = getrandom(c->key + off, sizeof(c->key) - off, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			int err = errno;
			vg_sdp_crypto_wipe(c);
			return -err;
		}
		off += (size_t)got;
	}
	return 0;
}

int
vg_sdp_crypto_format(const struct vg_sdp_crypto *c, char *buf, size_t size)
{
	char b64[KEY_B64_LEN + 1];
	const char *name;
	int n;

	if (buf == NULL || size == 0)
		return -EINVAL;
	buf[0] = '\0';
	if (c == NULL || c->tag > VG_SDP_CRYPTO_TAG_MAX)
		return -EINVAL;
	name = vg_sdp_crypto_suite_name(c->suite);
	if (name == NULL)
		return -EINVAL;
	b64_encode(c->key, sizeof(c->key), b64);
	n = snprintf(buf, size, "%u %s inline:%s", (unsigned)c->tag, name, b64);
	explicit_bzero(b64, sizeof(b64));
	if (n < 0 || (size_t)n >= size) {
		explicit_bzero(buf, size);
		return -ENOSPC;
	}
	return 0;
}

int
vg_sdp_crypto_answer(const char *const *values, size_t n,
		const struct vg_sdp_crypto *keep, struct vg_sdp_crypto *rx,
		struct vg_sdp_crypto *tx)
{
	int rc;

	if (rx == NULL || tx == NULL)
		return -EINVAL;
	rc = vg_sdp_crypto_choose(values, n, rx);
	if (rc < 0) {
		vg_sdp_crypto_wipe(tx);
		return rc;
	}
	if (keep != NULL && keep->suite == rx->suite) {
		uint8_t key[VG_SDP_CRYPTO_KEY_LEN];

		/* keep may be tx itself */
		memcpy(key, keep->key, sizeof(key));
		memset(tx, 0, sizeof(*tx));
		tx->tag = rx->tag;
		tx->suite = rx->suite;
		memcpy(tx->key, key, sizeof(key));
		explicit_bzero(key, sizeof(key));
		return 0;
	}
	rc = vg_sdp_crypto_generate(tx, rx->tag, rx->suite);
	if (rc != 0)
		vg_sdp_crypto_wipe(rx);
	return rc;
}

int
vg_sdp_crypto_offer(struct vg_sdp_crypto *lines, size_t max)
{
	static const enum vg_sdp_crypto_suite order[] = {
			VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_80,
			VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_32,
	};
	size_t i;
	int rc;

	if (lines == NULL || max < VG_SDP_CRYPTO_OFFER_LINES)
		return -EINVAL;
	for (i = 0; i < VG_SDP_CRYPTO_OFFER_LINES; i++) {
		rc = vg_sdp_crypto_generate(
				&lines[i], (uint32_t)i + 1, order[i]);
		if (rc != 0) {
			while (i-- > 0)
				vg_sdp_crypto_wipe(&lines[i]);
			return rc;
		}
	}
	return VG_SDP_CRYPTO_OFFER_LINES;
}

int
vg_sdp_crypto_answered(const char *const *values, size_t n,
		const struct vg_sdp_crypto *offered, size_t n_offered,
		struct vg_sdp_crypto *rx)
{
	size_t i, k;

	if (rx == NULL || (values == NULL && n != 0) ||
			(offered == NULL && n_offered != 0))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (values[i] == NULL ||
				vg_sdp_crypto_parse(values[i], rx) != 0)
			continue;
		for (k = 0; k < n_offered && k < INT32_MAX; k++)
			if (offered[k].tag == rx->tag &&
					offered[k].suite == rx->suite)
				return (int)k;
	}
	vg_sdp_crypto_wipe(rx);
	return -ENOENT;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The digest authentication context: challenges and the verification of a
 * request (RFC 3261 §22, RFC 7616 §3.3-3.4, RFC 8760).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "vg_auth.h"
#include "auth_pvt.h"
#include "auth_table.h"

#define OPAQUE_BYTES 16

struct vg_auth {
	struct vg_auth_params p;             /**< RO after create */
	struct vg_auth_nonce_key key;        /**< RO after create */
	char opaque[2 * OPAQUE_BYTES + 1];   /**< RO after create */
	char realm_quoted[2 * VG_CFG_STR_MAX + 3]; /**< RO after create */
	struct vg_auth_nc_table nc;
	struct vg_auth_lock_table lock;
};

static const char *const verdict_names[] = {
	[VG_AUTH_OK] = "OK",
	[VG_AUTH_CHALLENGE] = "CHALLENGE",
	[VG_AUTH_STALE] = "STALE",
	[VG_AUTH_FAIL] = "FAIL",
	[VG_AUTH_LOCKED] = "LOCKED",
	[VG_AUTH_BAD_REQUEST] = "BAD_REQUEST",
};

const char *
vg_auth_verdict_name(enum vg_auth_verdict v)
{
	if ((unsigned)v >= sizeof(verdict_names) / sizeof(verdict_names[0]))
		return "?";
	return verdict_names[v];
}

void
vg_auth_params_from_config(const struct vg_cfg_sip *sip,
		struct vg_auth_params *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->realm, sizeof(p->realm), "%s", sip->realm);
	p->alg_enabled[VG_AUTH_SHA256] = sip->auth_sha256;
	p->alg_enabled[VG_AUTH_MD5] = sip->auth_md5;
	p->nonce_ttl_s = sip->nonce_ttl_s;
	p->max_failures = sip->max_failures;
	p->failure_window_s = sip->lockout_s;
	p->lockout_s = sip->lockout_s;
}

int
vg_auth_config_ha1(const char *user, const char *realm, enum vg_auth_alg alg,
		char *ha1_hex, size_t size, void *arg)
{
	const struct vg_config *cfg = arg;
	const struct vg_cfg_user *u;
	const char *stored;

	if (cfg == NULL || user == NULL || realm == NULL)
		return -EINVAL;
	u = vg_config_user(cfg, user);
	if (u == NULL)
		return -ENOENT;
	if (u->password[0] != '\0')
		return vg_auth_ha1(alg, user, realm, u->password, ha1_hex,
				size);
	/* A stored HA1 was computed for the configured realm only. */
	if (strcmp(realm, cfg->sip.realm) != 0)
		return -ENOENT;
	stored = alg == VG_AUTH_MD5 ? u->ha1_md5 : u->ha1_sha256;
	if (strlen(stored) != 2 * vg_auth_alg_len(alg))
		return -ENOENT;
	if (size < strlen(stored) + 1)
		return -ENOSPC;
	memcpy(ha1_hex, stored, strlen(stored) + 1);
	return 0;
}

/** realm as a quoted-string (RFC 3261 §25.1), for the challenge. */
static int
quote_realm(const char *realm, char *out, size_t size)
{
	size_t n = 0;
	const char *c;

	if (size < 3)
		return -ENOSPC;
	out[n++] = '"';
	for (c = realm; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return -EINVAL;
		if (n + 4 > size)
			return -ENOSPC;
		if (*c == '"' || *c == '\\')
			out[n++] = '\\';
		out[n++] = *c;
	}
	out[n++] = '"';
	out[n] = '\0';
	return 0;
}

int
vg_auth_create(struct vg_auth **authp, const struct vg_auth_params *p)
{
	struct vg_auth *auth;
	uint8_t opaque[OPAQUE_BYTES];
	int rc;

	if (authp == NULL || p == NULL)
		return -EINVAL;
	*authp = NULL;
	if (p->realm[0] == '\0' || p->nonce_ttl_s == 0 ||
			memchr(p->realm, '\0', sizeof(p->realm)) == NULL ||
			(!p->alg_enabled[VG_AUTH_MD5] &&
			!p->alg_enabled[VG_AUTH_SHA256]))
		return -EINVAL;

	auth = calloc(1, sizeof(*auth));
	if (auth == NULL)
		return -ENOMEM;
	auth->p = *p;
	rc = quote_realm(p->realm, auth->realm_quoted,
			sizeof(auth->realm_quoted));
	if (rc != 0)
		goto out;
	rc = vg_auth_nonce_key_init(&auth->key);
	if (rc != 0)
		goto out;
	if (RAND_bytes(opaque, sizeof(opaque)) != 1) {
		rc = -EIO;
		goto out;
	}
	vg_auth_hex(opaque, sizeof(opaque), auth->opaque);
	rc = vg_auth_nc_table_init(&auth->nc, p->nc_entries,
			(uint64_t)p->nonce_ttl_s * 1000);
	if (rc != 0)
		goto out;
	rc = vg_auth_lock_table_init(&auth->lock, p->lock_entries,
			p->max_failures, (uint64_t)p->failure_window_s * 1000,
			(uint64_t)p->lockout_s * 1000);
out:
	if (rc != 0) {
		vg_auth_destroy(auth);
		return rc;
	}
	*authp = auth;
	return 0;
}

void
vg_auth_destroy(struct vg_auth *auth)
{
	if (auth == NULL)
		return;
	vg_auth_nc_table_fini(&auth->nc);
	vg_auth_lock_table_fini(&auth->lock);
	OPENSSL_cleanse(auth, sizeof(*auth));
	free(auth);
}

int
vg_auth_challenge_make(struct vg_auth *auth, uint64_t now_ms, bool stale,
		struct vg_auth_challenge *out)
{
	char nonce[VG_AUTH_NONCE_LEN + 1];
	unsigned alg;
	int rc, n;

	if (auth == NULL || out == NULL)
		return -EINVAL;
	out->n = 0;
	/* One nonce for all: the client answers one of the challenges. */
	rc = vg_auth_nonce_make(&auth->key, now_ms, nonce, sizeof(nonce));
	if (rc != 0)
		return rc;
	/* enum order is the preference order: SHA-256 first (RFC 8760). */
	for (alg = 0; alg < VG_AUTH_ALG_COUNT; alg++) {
		if (!auth->p.alg_enabled[alg])
			continue;
		n = snprintf(out->value[out->n], sizeof(out->value[0]),
				"Digest realm=%s, nonce=\"%s\", opaque=\"%s\", "
				"algorithm=%s, qop=\"auth\"%s",
				auth->realm_quoted, nonce, auth->opaque,
				vg_auth_alg_name(alg), stale ? ", stale=true" : "");
		if (n < 0 || (size_t)n >= sizeof(out->value[0])) {
			out->n = 0;
			return -ENOSPC;
		}
		out->n++;
	}
	return 0;
}

static int
addr_key(const struct vg_auth *auth, const struct vg_cfg_addr *src,
		uint8_t key[AUTH_LOCK_KEY_LEN])
{
	uint8_t raw[1 + sizeof(struct in6_addr)];
	size_t len;

	raw[0] = (uint8_t)src->family;
	if (src->family == AF_INET) {
		memcpy(raw + 1, &src->u.v4, sizeof(src->u.v4));
		len = 1 + sizeof(src->u.v4);
	} else if (src->family == AF_INET6) {
		memcpy(raw + 1, &src->u.v6, sizeof(src->u.v6));
		len = 1 + sizeof(src->u.v6);
	} else {
		return -EINVAL;
	}
	return vg_auth_lock_key(&auth->lock, 'A', raw, len, key);
}

static int
user_key(const struct vg_auth *auth, const char *user,
		uint8_t key[AUTH_LOCK_KEY_LEN])
{
	return vg_auth_lock_key(&auth->lock, 'U', user, strlen(user), key);
}

bool
vg_auth_is_locked(const struct vg_auth *auth, const struct vg_cfg_addr *src,
		const char *user, uint64_t now_ms)
{
	uint8_t key[AUTH_LOCK_KEY_LEN];

	if (auth == NULL)
		return false;
	if (src != NULL && addr_key(auth, src, key) == 0 &&
			vg_auth_lock_is_locked(&auth->lock, key, now_ms))
		return true;
	if (user != NULL && user_key(auth, user, key) == 0 &&
			vg_auth_lock_is_locked(&auth->lock, key, now_ms))
		return true;
	return false;
}

/** nc: 1 to 8 hex digits (RFC 7616 §3.4 sends exactly 8), not zero. */
static int
parse_nc(const char *s, uint32_t *nc)
{
	uint32_t v = 0;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i == 8 || !isxdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v << 4 | (uint32_t)(isdigit((unsigned char)s[i]) ?
				s[i] - '0' :
				tolower((unsigned char)s[i]) - 'a' + 10);
	}
	if (i == 0 || v == 0)
		return -EINVAL;
	*nc = v;
	return 0;
}

static void
verdict(struct vg_auth_result *res, enum vg_auth_verdict v,
		const char *reason)
{
	res->verdict = v;
	res->reason = reason;
}

static const char *
nonce_reason(int rc)
{
	switch (rc) {
	case -ESTALE:
		return "nonce expired";
	case -EBADMSG:
		return "nonce not issued by this server (or an earlier run)";
	default:
		return "nonce malformed";
	}
}

/** The client's response, lowercased, if it is hex of the right length. */
static int
client_response(const char *in, enum vg_auth_alg alg, char *out)
{
	size_t len = 2 * vg_auth_alg_len(alg);
	size_t i;

	if (strlen(in) != len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)in[i]))
			return -EINVAL;
		out[i] = (char)tolower((unsigned char)in[i]);
	}
	out[len] = '\0';
	return 0;
}

/**
 * Count one failure for the source and the user.
 * @return true when either is now locked out
 */
static bool
count_failure(struct vg_auth *auth, const struct vg_cfg_addr *src,
		const char *user, uint64_t now_ms)
{
	uint8_t key[AUTH_LOCK_KEY_LEN];
	bool locked = false;

	if (src != NULL && addr_key(auth, src, key) == 0)
		locked |= vg_auth_lock_fail(&auth->lock, key, now_ms);
	if (user_key(auth, user, key) == 0)
		locked |= vg_auth_lock_fail(&auth->lock, key, now_ms);
	return locked;
}

/**
 * Compare the response; @return true when right. Runs the same digest
 * computations whether or not the user exists.
 */
static bool
response_ok(struct vg_auth *auth, const struct vg_auth_request *req,
		const struct vg_auth_creds *c, enum vg_auth_alg alg)
{
	char ha1[VG_AUTH_HEX_MAX], ha2[VG_AUTH_HEX_MAX];
	char want[VG_AUTH_HEX_MAX], got[VG_AUTH_HEX_MAX];
	size_t hexlen = 2 * vg_auth_alg_len(alg);
	/* The qop as the client sent it ("auth" in any case) is hashed. */
	const char *qop = (c->present & VG_AUTH_F_QOP) ? c->qop : NULL;
	bool known = true, ok;

	if (client_response(c->response, alg, got) != 0)
		return false;
	if (req->ha1h(c->username, auth->p.realm, alg, ha1, sizeof(ha1),
			req->ha1_arg) != 0 ||
			strnlen(ha1, sizeof(ha1)) != hexlen) {
		known = false;
		/* A throw-away HA1 keeps the timing of an unknown user. */
		if (vg_auth_ha1(alg, c->username, auth->p.realm, auth->opaque,
				ha1, sizeof(ha1)) != 0)
			return false;
	}
	/* A stored HA1 in upper case would give another digest. */
	for (size_t i = 0; i < hexlen; i++)
		ha1[i] = (char)tolower((unsigned char)ha1[i]);
	if (vg_auth_ha2(alg, req->method, c->uri, ha2, sizeof(ha2)) != 0 ||
			vg_auth_response(alg, ha1, c->nonce, c->nc, c->cnonce,
				qop, ha2, want, sizeof(want)) != 0)
		return false;
	ok = vg_auth_ct_equal(want, got, hexlen);
	OPENSSL_cleanse(ha1, sizeof(ha1));
	OPENSSL_cleanse(want, sizeof(want));
	return ok && known;
}

int
vg_auth_verify(struct vg_auth *auth, const struct vg_auth_request *req,
		uint64_t now_ms, struct vg_auth_result *res)
{
	struct vg_auth_creds creds;
	struct vg_auth_creds *c = &creds;
	uint8_t key[AUTH_LOCK_KEY_LEN];
	uint8_t tag[VG_AUTH_NONCE_TAG_LEN];
	uint64_t issued = 0;
	uint32_t nc = 1;
	int alg, rc;

	if (auth == NULL || req == NULL || res == NULL ||
			req->method == NULL || req->request_uri == NULL ||
			req->ha1h == NULL)
		return -EINVAL;
	memset(res, 0, sizeof(*res));

	if (req->src != NULL && addr_key(auth, req->src, key) == 0 &&
			vg_auth_lock_is_locked(&auth->lock, key, now_ms)) {
		verdict(res, VG_AUTH_LOCKED, "source locked out");
		return 0;
	}
	if (req->header == NULL) {
		verdict(res, VG_AUTH_CHALLENGE, "no credentials");
		return 0;
	}
	rc = vg_auth_creds_parse(req->header, req->header_len, c);
	if (rc == -EPROTONOSUPPORT) {
		verdict(res, VG_AUTH_CHALLENGE, "scheme is not Digest");
		goto out;
	} else if (rc != 0) {
		verdict(res, VG_AUTH_BAD_REQUEST, "malformed credentials");
		goto out;
	}
	memcpy(res->user, c->username, sizeof(res->user));

	if (user_key(auth, c->username, key) == 0 &&
			vg_auth_lock_is_locked(&auth->lock, key, now_ms)) {
		verdict(res, VG_AUTH_LOCKED, "user locked out");
		goto out;
	}
	/* Credentials for another realm are not ours (RFC 3261 §22.3). */
	if (strcmp(c->realm, auth->p.realm) != 0) {
		verdict(res, VG_AUTH_CHALLENGE, "credentials for another realm");
		goto out;
	}
	/* No algorithm means MD5 (RFC 7616 §3.3). */
	alg = (c->present & VG_AUTH_F_ALGORITHM) ?
			vg_auth_alg_from_name(c->algorithm) : VG_AUTH_MD5;
	if (alg < 0 || !auth->p.alg_enabled[alg]) {
		verdict(res, VG_AUTH_CHALLENGE, "algorithm not enabled");
		goto out;
	}
	res->alg = (enum vg_auth_alg)alg;
	if (strcmp(c->uri, req->request_uri) != 0) {
		verdict(res, VG_AUTH_BAD_REQUEST, "uri is not the Request-URI");
		goto out;
	}
	if (c->present & VG_AUTH_F_QOP) {
		if (strcasecmp(c->qop, "auth") != 0) {
			verdict(res, VG_AUTH_BAD_REQUEST, "qop is not auth");
			goto out;
		}
		if (!(c->present & VG_AUTH_F_CNONCE) ||
				!(c->present & VG_AUTH_F_NC) ||
				parse_nc(c->nc, &nc) != 0) {
			verdict(res, VG_AUTH_BAD_REQUEST,
					"qop=auth without a valid cnonce and nc");
			goto out;
		}
	}

	if (!response_ok(auth, req, c, (enum vg_auth_alg)alg)) {
		if (count_failure(auth, req->src, c->username, now_ms))
			verdict(res, VG_AUTH_LOCKED, "too many failures");
		else
			verdict(res, VG_AUTH_FAIL, "wrong credentials");
		goto out;
	}

	/* The digest is right: anything wrong now only needs a new nonce. */
	rc = vg_auth_nonce_check(&auth->key, c->nonce, strlen(c->nonce),
			now_ms, (uint64_t)auth->p.nonce_ttl_s * 1000, &issued,
			tag);
	if (rc != 0) {
		verdict(res, VG_AUTH_STALE, nonce_reason(rc));
		goto out;
	}
	if ((c->present & VG_AUTH_F_OPAQUE) &&
			strcmp(c->opaque, auth->opaque) != 0) {
		verdict(res, VG_AUTH_STALE, "opaque from an earlier run");
		goto out;
	}
	/* Without qop there is no nc: the nonce is good for one request. */
	rc = vg_auth_nc_accept(&auth->nc, tag, issued, nc, now_ms);
	if (rc == -EALREADY) {
		verdict(res, VG_AUTH_STALE, "nonce count replayed");
		goto out;
	} else if (rc != 0) {
		verdict(res, VG_AUTH_STALE, "nonce no longer tracked");
		goto out;
	}

	if (user_key(auth, c->username, key) == 0)
		vg_auth_lock_clear(&auth->lock, key);
	verdict(res, VG_AUTH_OK, "authenticated");
out:
	OPENSSL_cleanse(c, sizeof(*c));
	return 0;
}

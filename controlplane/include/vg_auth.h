/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * SIP digest authentication (RFC 3261 §22, RFC 2617, RFC 7616, RFC 8760):
 * digest computation, challenges, stateless nonces, the credentials parser
 * and the verification of a request, with nonce-count replay protection and
 * a failure lockout, both in bounded tables.
 *
 * Pure C over OpenSSL libcrypto: no event loop, no libre. Every function
 * that depends on time takes the current time from the caller (`now_ms`, a
 * monotonic clock in milliseconds), so tests control the clock.
 *
 * Errors are negative errno values. Strings are NUL-terminated; every output
 * goes into a buffer the caller supplies.
 *
 * Threads: the digest, nonce and parser functions keep no state and may be
 * called from any thread. A struct vg_auth is not locked: one thread (the
 * SIP event loop) owns it.
 */
#ifndef VG_AUTH_H
#define VG_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vg_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Digest computation                                                       */
/* ------------------------------------------------------------------------ */

/** Digest algorithms, in the order challenges offer them (RFC 8760 §2.4). */
enum vg_auth_alg {
	VG_AUTH_SHA256,
	VG_AUTH_MD5,
	VG_AUTH_ALG_COUNT,
};

#define VG_AUTH_HASH_MAX 32                     /**< bytes, SHA-256 */
#define VG_AUTH_HEX_MAX (2 * VG_AUTH_HASH_MAX + 1) /**< hex + NUL */

/** "SHA-256" or "MD5"; NULL for a value out of range. */
const char *vg_auth_alg_name(enum vg_auth_alg alg);

/**
 * The algorithm named by an `algorithm=` value, case-insensitively.
 * "-sess" variants are not supported (they are meaningless in SIP).
 * @return the algorithm (>= 0), or -EINVAL when unknown
 */
int vg_auth_alg_from_name(const char *name);

/** Digest length in bytes (16 or 32); 0 for a value out of range. */
size_t vg_auth_alg_len(enum vg_auth_alg alg);

/**
 * HA1 = H(username ":" realm ":" password) as lowercase hex.
 * @return 0, -EINVAL (bad argument), -ENOSPC (size < 2*len+1), -EIO
 */
int vg_auth_ha1(enum vg_auth_alg alg, const char *user, const char *realm,
		const char *password, char *hex, size_t size);

/**
 * HA2 = H(method ":" uri) as lowercase hex (qop=auth or no qop).
 * @return 0, -EINVAL, -ENOSPC, -EIO
 */
int vg_auth_ha2(enum vg_auth_alg alg, const char *method, const char *uri,
		char *hex, size_t size);

/**
 * The request digest as lowercase hex.
 * With qop ("auth"): H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2).
 * With qop NULL (RFC 2069 legacy form): H(HA1 ":" nonce ":" HA2);
 * nc and cnonce are then ignored.
 * @return 0, -EINVAL, -ENOSPC, -EIO
 */
int vg_auth_response(enum vg_auth_alg alg, const char *ha1_hex,
		const char *nonce, const char *nc, const char *cnonce,
		const char *qop, const char *ha2_hex, char *hex, size_t size);

/**
 * Compare two byte strings of equal length in time that depends only on
 * the length. @return true when equal.
 */
bool vg_auth_ct_equal(const void *a, const void *b, size_t len);

/* ------------------------------------------------------------------------ */
/* Stateless nonces                                                         */
/* ------------------------------------------------------------------------ */

/**
 * A nonce is 64 lowercase hex digits: the issue time (8 bytes, ms, big
 * endian), a random salt (8 bytes) and HMAC-SHA256(secret, time || salt)
 * truncated to 16 bytes. It validates without any per-nonce memory.
 */
#define VG_AUTH_NONCE_LEN 64
#define VG_AUTH_NONCE_TAG_LEN 16 /**< bytes of HMAC kept in the nonce */

/** The server secret that signs nonces. */
struct vg_auth_nonce_key {
	uint8_t secret[32];
};

/**
 * Fill a key from the cryptographic random source (RAND_bytes).
 * @return 0, -EIO when the random source fails
 */
int vg_auth_nonce_key_init(struct vg_auth_nonce_key *key);

/**
 * Issue a nonce for time now_ms into buf (VG_AUTH_NONCE_LEN + 1 bytes).
 * @return 0, -ENOSPC, -EIO
 */
int vg_auth_nonce_make(const struct vg_auth_nonce_key *key, uint64_t now_ms,
		char *buf, size_t size);

/**
 * Check a nonce (len bytes, need not be NUL-terminated).
 * A nonce issued less than ttl_ms ago (or, after the clock went back, in
 * the future) is fresh. On 0 or -ESTALE, *issued_ms (if not NULL) holds
 * the issue time and tag (if not NULL) the VG_AUTH_NONCE_TAG_LEN tag bytes.
 * @return 0 valid and fresh; -ESTALE genuine but expired; -EBADMSG forged
 *         (the HMAC does not match); -EINVAL malformed (length, not hex)
 */
int vg_auth_nonce_check(const struct vg_auth_nonce_key *key, const char *nonce,
		size_t len, uint64_t now_ms, uint64_t ttl_ms,
		uint64_t *issued_ms, uint8_t *tag);

/* ------------------------------------------------------------------------ */
/* Credentials parser                                                       */
/* ------------------------------------------------------------------------ */

#define VG_AUTH_FIELD_MAX 256  /**< longest value of a field, NUL included */
#define VG_AUTH_URI_MAX 1024   /**< longest uri, NUL included */
#define VG_AUTH_HDR_MAX 4096   /**< longest header value accepted */

/** Bits of struct vg_auth_creds::present. */
enum vg_auth_field {
	VG_AUTH_F_USERNAME = 1u << 0,
	VG_AUTH_F_REALM = 1u << 1,
	VG_AUTH_F_NONCE = 1u << 2,
	VG_AUTH_F_URI = 1u << 3,
	VG_AUTH_F_RESPONSE = 1u << 4,
	VG_AUTH_F_ALGORITHM = 1u << 5,
	VG_AUTH_F_CNONCE = 1u << 6,
	VG_AUTH_F_NC = 1u << 7,
	VG_AUTH_F_QOP = 1u << 8,
	VG_AUTH_F_OPAQUE = 1u << 9,
};

/** Digest credentials, unquoted and unescaped. */
struct vg_auth_creds {
	unsigned present;                 /**< enum vg_auth_field bits */
	char username[VG_AUTH_FIELD_MAX];
	char realm[VG_AUTH_FIELD_MAX];
	char nonce[VG_AUTH_FIELD_MAX];
	char uri[VG_AUTH_URI_MAX];
	char response[VG_AUTH_FIELD_MAX];
	char algorithm[VG_AUTH_FIELD_MAX];
	char cnonce[VG_AUTH_FIELD_MAX];
	char nc[VG_AUTH_FIELD_MAX];
	char qop[VG_AUTH_FIELD_MAX];
	char opaque[VG_AUTH_FIELD_MAX];
};

/**
 * Parse the value of an Authorization or Proxy-Authorization header
 * ("Digest username=\"alice\", realm=..."; len bytes, need not be
 * NUL-terminated). The scheme and parameter names are case-insensitive;
 * values are tokens or quoted strings (backslash escapes allowed);
 * whitespace (including folded lines) around '=' and ',' is tolerated;
 * unknown parameters are ignored (RFC 7616 §3.4).
 * Never reads outside [value, value + len).
 * @return 0; -EPROTONOSUPPORT when the scheme is not Digest; -EINVAL when
 *         malformed (duplicate parameter, unterminated quote, garbage,
 *         username/realm/nonce/uri/response missing); -E2BIG when the
 *         value or one field is too long
 */
int vg_auth_creds_parse(const char *value, size_t len,
		struct vg_auth_creds *creds);

/* ------------------------------------------------------------------------ */
/* Authentication context                                                   */
/* ------------------------------------------------------------------------ */

/** What the caller answers. */
enum vg_auth_verdict {
	VG_AUTH_OK,          /**< authenticated: go on */
	VG_AUTH_CHALLENGE,   /**< no usable credentials: 401/407 challenge */
	VG_AUTH_STALE,       /**< right password, nonce unusable: challenge
				  with stale=true */
	VG_AUTH_FAIL,        /**< wrong credentials: challenge again, or 403
				  after retries */
	VG_AUTH_LOCKED,      /**< source or user locked out: 403 */
	VG_AUTH_BAD_REQUEST, /**< malformed credentials: 400 */
};

/** Name of a verdict ("OK", "STALE", ...). */
const char *vg_auth_verdict_name(enum vg_auth_verdict v);

/** Settings of a struct vg_auth. */
struct vg_auth_params {
	char realm[VG_CFG_STR_MAX];
	bool alg_enabled[VG_AUTH_ALG_COUNT]; /**< at least one */
	uint32_t nonce_ttl_s;       /**< > 0 */
	uint32_t max_failures;      /**< 0 disables the lockout */
	uint32_t failure_window_s;  /**< failures older than this are forgotten */
	uint32_t lockout_s;
	uint32_t nc_entries;        /**< nonce-count table size; 0 = 4096 */
	uint32_t lock_entries;      /**< lockout table size; 0 = 4096 */
};

/**
 * Settings from the [sip] section: realm, auth_md5, auth_sha256,
 * nonce_ttl_s, max_failures, lockout_s; the failure window is lockout_s
 * and the tables get their default sizes.
 */
void vg_auth_params_from_config(const struct vg_cfg_sip *sip,
		struct vg_auth_params *p);

struct vg_auth;

/**
 * Create a context: a fresh random nonce secret and opaque, empty tables.
 * @return 0; -EINVAL (no algorithm, empty realm, ttl 0); -ENOMEM; -EIO
 *         (random source)
 */
int vg_auth_create(struct vg_auth **authp, const struct vg_auth_params *p);

/** Free a context (NULL is ignored). */
void vg_auth_destroy(struct vg_auth *auth);

/**
 * Credentials lookup: write the lowercase hex HA1 of user in realm for alg
 * into ha1_hex. @return 0, or -ENOENT when the user (or an HA1 for that
 * algorithm) does not exist.
 */
typedef int(vg_auth_ha1_h)(const char *user, const char *realm,
		enum vg_auth_alg alg, char *ha1_hex, size_t size, void *arg);

/**
 * A vg_auth_ha1_h over a struct vg_config (arg): users[] with a password,
 * or a stored ha1_md5 / ha1_sha256.
 */
int vg_auth_config_ha1(const char *user, const char *realm,
		enum vg_auth_alg alg, char *ha1_hex, size_t size, void *arg);

/** The users of a configuration indexed by name (auth_users.c). */
struct vg_auth_users;

/**
 * Index cfg->users[] (cfg must outlive the index) and compute every HA1
 * for cfg->sip.realm once. @return 0, -EINVAL, -ENOMEM.
 */
int vg_auth_users_create(struct vg_auth_users **usp,
		const struct vg_config *cfg);

/** Free the index, wiping the HA1s. NULL is a no-op. */
void vg_auth_users_destroy(struct vg_auth_users *us);

/**
 * A vg_auth_ha1_h over a struct vg_auth_users (arg), with the answers of
 * vg_auth_config_ha1() over its configuration in O(1).
 */
int vg_auth_users_ha1(const char *user, const char *realm,
		enum vg_auth_alg alg, char *ha1_hex, size_t size, void *arg);

#define VG_AUTH_MAX_CHALLENGES VG_AUTH_ALG_COUNT
#define VG_AUTH_CHALLENGE_MAX 1024 /**< fits any realm of VG_CFG_STR_MAX */

/** The values of the WWW-Authenticate / Proxy-Authenticate headers. */
struct vg_auth_challenge {
	unsigned n;  /**< one per enabled algorithm, SHA-256 first */
	char value[VG_AUTH_MAX_CHALLENGES][VG_AUTH_CHALLENGE_MAX];
};

/**
 * Build the challenges with a fresh nonce: `Digest realm="..",
 * nonce="..", opaque="..", algorithm=.., qop="auth"[, stale=true]`.
 * Each value goes in its own header (RFC 3261 §7.3.1 forbids combining
 * them). qop offers "auth" only: SIPp 3.6.1 fails on "auth,auth-int".
 * @return 0, -ENOSPC (the realm does not fit), -EIO
 */
int vg_auth_challenge_make(struct vg_auth *auth, uint64_t now_ms, bool stale,
		struct vg_auth_challenge *out);

/** One request to authenticate. */
struct vg_auth_request {
	const char *method;        /**< "REGISTER", "INVITE", ... */
	const char *request_uri;   /**< the Request-URI as received */
	const char *header;        /**< (Proxy-)Authorization value; NULL when
				        the request has none */
	size_t header_len;
	const struct vg_cfg_addr *src; /**< source address (lockout key) */
	vg_auth_ha1_h *ha1h;       /**< credentials lookup */
	void *ha1_arg;
};

/** The outcome of vg_auth_verify(). */
struct vg_auth_result {
	enum vg_auth_verdict verdict;
	const char *reason;                 /**< constant text for logs */
	char user[VG_AUTH_FIELD_MAX];       /**< username, when parsed */
	enum vg_auth_alg alg;               /**< algorithm used, when parsed */
};

/**
 * Authenticate a request at time now_ms.
 *
 * In order: a locked source is LOCKED; no header is CHALLENGE; a malformed
 * header is BAD_REQUEST; a locked user is LOCKED; another realm or an
 * algorithm not enabled is CHALLENGE; a uri different from the
 * Request-URI (RFC 2617 §3.2.2.5), a qop other than auth, or qop=auth
 * without cnonce or nc is BAD_REQUEST. The response is then compared in
 * constant time: wrong (or unknown user) is FAIL and counts one failure
 * for the source and for the user (LOCKED when this failure reaches
 * max_failures). With a right response, a forged, expired or foreign
 * nonce or opaque is STALE (RFC 7616 §3.3: stale means the digest was
 * right), and so is a nonce count that does not increase or a nonce that
 * the bounded table can no longer vouch for. Otherwise OK, and the user's
 * failures are forgotten.
 *
 * The legacy form without qop is accepted once per nonce.
 * @return 0 with *res filled, or -EINVAL for a missing argument
 */
int vg_auth_verify(struct vg_auth *auth, const struct vg_auth_request *req,
		uint64_t now_ms, struct vg_auth_result *res);

/**
 * Whether a source address or a user is locked out at now_ms (either may
 * be NULL). Expired entries count as unlocked.
 */
bool vg_auth_is_locked(const struct vg_auth *auth,
		const struct vg_cfg_addr *src, const char *user,
		uint64_t now_ms);

#ifdef __cplusplus
}
#endif

#endif /* VG_AUTH_H */

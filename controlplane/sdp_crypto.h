/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * SDES (RFC 4568): the value of one SDP a=crypto attribute parsed into a
 * suite and a master key, the choice of an answer's line from an offer,
 * fresh keys, and the value of our own attribute.
 *
 * What we refuse, per RFC 4568's rule that a line whose parameters an
 * answerer cannot honour is not accepted (§6.3.7, §7.1.2):
 *  - suites other than AES_CM_128_HMAC_SHA1_80 / _32 (-ENOTSUP);
 *  - a key method other than inline:, several keys, an MKI (§6.1: we keep
 *    one key per direction and never put an MKI in packets) (-ENOTSUP);
 *  - the session parameters UNENCRYPTED_SRTP, UNENCRYPTED_SRTCP,
 *    UNAUTHENTICATED_SRTP, FEC_KEY, KDR=1..24 (the data plane derives the
 *    session keys once), and any unknown one not prefixed with '-'
 *    (-ENOTSUP).
 * Accepted and recorded: a key lifetime, WSH (a hint, §6.3.6), KDR=0 (no
 * re-derivation), FEC_ORDER (moot without FEC), '-'-prefixed extensions.
 *
 * The values here match those of dataplane/srtp/vg_srtp.h
 * (enum vg_srtp_suite, VG_SRTP_KEY_LEN), which the control plane does not
 * link; test_sdp_crypto.cc checks that they agree.
 *
 * Threads: no state; any thread. Key material: a struct vg_sdp_crypto
 * holds a master key; wipe it with vg_sdp_crypto_wipe() when done.
 */
#ifndef VG_SDP_CRYPTO_H
#define VG_SDP_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Crypto suites we key (same values as enum vg_srtp_suite). */
enum vg_sdp_crypto_suite {
	VG_SDP_CRYPTO_NONE = 0,
	VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_80 = 1,
	VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_32 = 2,
};

/** Master key || master salt of both suites (= VG_SRTP_KEY_LEN). */
#define VG_SDP_CRYPTO_KEY_LEN 30

/** Largest tag (RFC 4568 §9.1: 1*9DIGIT). */
#define VG_SDP_CRYPTO_TAG_MAX 999999999u

/** Room for a value vg_sdp_crypto_format() writes, NUL included: a
 * 9-digit tag, the suite, "inline:" and 40 base64 characters. */
#define VG_SDP_CRYPTO_VALUE_MAX 96

/** One a=crypto line. */
struct vg_sdp_crypto {
	uint32_t tag;
	enum vg_sdp_crypto_suite suite;
	uint8_t key[VG_SDP_CRYPTO_KEY_LEN];
	/** the key's lifetime in packets (§6.1), 0 when not given; enforcing
	 * it (a re-key by re-INVITE before it runs out) is the caller's */
	uint64_t lifetime;
	/** the WSH hint (§6.3.6), 0 when not given */
	uint32_t wsh;
};

/**
 * Parse the value of an a=crypto attribute (what follows "a=crypto:"):
 * "<tag> <suite> inline:<base64 key||salt>[|lifetime][|MKI:len]
 * [session params]".
 * @param c (out) the line; its key is wiped when the call fails
 * @return 0; -EINVAL malformed (grammar, base64, key length, tag, numbers);
 *         -ENOTSUP well formed but not something we honour (see above)
 */
int vg_sdp_crypto_parse(const char *value, struct vg_sdp_crypto *c);

/**
 * Choose the line an answer takes: the first of the offer's values (in
 * its order, the offerer's preference, RFC 4568 §7.1.1) that parses and
 * that we honour. The answer must carry the chosen tag (§5.1.2, §7.1.2)
 * with a key of ours (vg_sdp_crypto_generate()).
 * @param values the offer's a=crypto values of one media line
 * @param chosen (out, may be NULL) the chosen line, the offerer's key in it
 * @return the index of the chosen value; -ENOENT when none is acceptable
 *         (answer with the stream rejected, or 488); -EINVAL bad argument,
 *         or a tag the offer uses twice (§5.1: unique per media line)
 */
int vg_sdp_crypto_choose(const char *const *values, size_t n,
		struct vg_sdp_crypto *chosen);

/**
 * Fill c with a tag, a suite and a fresh master key from getrandom(2)
 * (blocking until the kernel's pool is initialised, which is at boot).
 * @return 0; -EINVAL (bad suite or tag > VG_SDP_CRYPTO_TAG_MAX);
 *         -errno of getrandom
 */
int vg_sdp_crypto_generate(struct vg_sdp_crypto *c, uint32_t tag,
		enum vg_sdp_crypto_suite suite);

/**
 * Write the value of an a=crypto attribute for c, NUL-terminated:
 * "<tag> <suite> inline:<40 base64 characters>" (no lifetime, no MKI, no
 * session parameters).
 * @param size at least VG_SDP_CRYPTO_VALUE_MAX is always enough
 * @return 0; -ENOSPC (buf too small: buf is then ""); -EINVAL
 */
int vg_sdp_crypto_format(const struct vg_sdp_crypto *c, char *buf, size_t size);

/**
 * Our answer to an offer's a=crypto values: rx gets the line chosen as
 * vg_sdp_crypto_choose() does (the offerer's key, which unprotects what it
 * sends), tx the line we answer with: the chosen tag and suite with a
 * fresh key, or with keep's key when keep has that suite (a re-offer of
 * a running stream: §7.1.4 lets the answerer keep its key).
 * @param keep our key in use, or NULL
 * @return 0; -ENOENT (no line we honour: answer 488); -EINVAL (bad
 *         argument, a tag used twice); -errno of getrandom. rx and tx are
 *         wiped on failure.
 */
int vg_sdp_crypto_answer(const char *const *values, size_t n,
		const struct vg_sdp_crypto *keep, struct vg_sdp_crypto *rx,
		struct vg_sdp_crypto *tx);

/** Lines an offer of ours carries: one per suite we key, strongest tag
 * first (AES_CM_128_HMAC_SHA1_80 as tag 1, _32 as tag 2). */
#define VG_SDP_CRYPTO_OFFER_LINES 2

/**
 * Fill lines[0..VG_SDP_CRYPTO_OFFER_LINES) for an offer of ours, each
 * with a fresh key of its own.
 * @return VG_SDP_CRYPTO_OFFER_LINES; -EINVAL (max too small); -errno of
 *         getrandom (lines wiped)
 */
int vg_sdp_crypto_offer(struct vg_sdp_crypto *lines, size_t max);

/**
 * The line an answer took from our offer: the answer's first value that
 * parses and carries the tag and the suite of one of offered (§7.1.3: the
 * answer names the tag it accepted).
 * @param rx (out) the answerer's key (wiped when none is found)
 * @return the index in offered; -ENOENT (none: the answer is unusable);
 *         -EINVAL
 */
int vg_sdp_crypto_answered(const char *const *values, size_t n,
		const struct vg_sdp_crypto *offered, size_t n_offered,
		struct vg_sdp_crypto *rx);

/** Zero c's key (and the rest) so that the compiler keeps the stores. */
void vg_sdp_crypto_wipe(struct vg_sdp_crypto *c);

/** The RFC 4568 name of a suite, or NULL. */
const char *vg_sdp_crypto_suite_name(enum vg_sdp_crypto_suite suite);

#ifdef __cplusplus
}
#endif

#endif /* VG_SDP_CRYPTO_H */

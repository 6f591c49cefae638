/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Per-direction SRTP/SRTCP contexts over libsrtp2: the packet
 * checks libsrtp leaves to its caller (room for the trailer, a header that
 * lies inside the packet) and the bound on the streams it keeps.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <srtp2/srtp.h>

#include "vg_srtp.h"

/* RFC 3550 §5.1, §6.4.1: the fixed headers */
#define RTP_HDR_LEN 12
#define RTCP_HDR_LEN 8
/* RFC 3711 §3.4: E flag and 31-bit SRTCP index before the tag */
#define SRTCP_INDEX_LEN 4
/* Nothing longer travels in one UDP datagram; also keeps len + trailer
 * inside libsrtp's int */
#define PKT_MAX_LEN 65535u

struct vg_srtp_ctx {
	srtp_t session; /**< owner: the thread using the context */
	/** SSRCs (network order) libsrtp holds a stream for, and the value of
	 * uses at their last packet; owner: the thread using the context */
	uint32_t ssrc[VG_SRTP_MAX_SSRC];
	uint64_t last_use[VG_SRTP_MAX_SSRC];
	uint64_t uses;
	unsigned int n_ssrc;
	enum vg_srtp_suite suite; /**< RO after create */
	bool inbound;		  /**< RO after create */
	uint8_t rtp_trailer;	  /**< RO: SRTP tag */
	uint8_t rtcp_trailer;	  /**< RO: E|index + SRTCP tag */
};

static const struct {
	enum vg_srtp_suite suite;
	const char *name;
} suites[] = {
		{VG_SRTP_AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80"},
		{VG_SRTP_AES_CM_128_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32"},
};

const char *
vg_srtp_suite_name(enum vg_srtp_suite suite)
{
	size_t i;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (suites[i].suite == suite)
			return suites[i].name;
	return NULL;
}

enum vg_srtp_suite
vg_srtp_suite_parse(const char *name, unsigned int len)
{
	size_t i;

	if (name == NULL)
		return VG_SRTP_NONE;
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (strlen(suites[i].name) == len &&
				strncasecmp(suites[i].name, name, len) == 0)
			return suites[i].suite;
	return VG_SRTP_NONE;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result;

static void
global_init_once(void)
{
	init_result = srtp_init() == srtp_err_status_ok ? 0 : -EIO;
}

int
vg_srtp_global_init(void)
{
	if (pthread_once(&init_once, global_init_once) != 0)
		return -EIO;
	return init_result;
}

static int
status_errno(srtp_err_status_t st)
{
	switch (st) {
	case srtp_err_status_ok:
		return 0;
	case srtp_err_status_auth_fail:
		return -EACCES;
	case srtp_err_status_replay_fail:
	case srtp_err_status_replay_old:
		return -EALREADY;
	case srtp_err_status_key_expired:
		return -EKEYEXPIRED;
	case srtp_err_status_alloc_fail:
		return -ENOMEM;
	case srtp_err_status_bad_param:
	case srtp_err_status_parse_err:
	/* SRTCP with the E flag clear: both suites encrypt, RFC 3711 §3.4's
	 * unencrypted half of a split compound packet is not accepted */
	case srtp_err_status_cant_check:
		return -EBADMSG;
	default:
		return -EIO;
	}
}

int
vg_srtp_ctx_create(enum vg_srtp_suite suite, const uint8_t key[VG_SRTP_KEY_LEN],
		bool inbound, struct vg_srtp_ctx **out)
{
	struct vg_srtp_ctx *ctx = NULL;
	srtp_policy_t policy;
	uint8_t master[VG_SRTP_KEY_LEN];
	uint32_t rtp_trailer = 0, rtcp_trailer = 0;
	int rc;

	if (out == NULL || key == NULL)
		return -EINVAL;
	*out = NULL;
	memset(&policy, 0, sizeof(policy));
	switch (suite) {
	case VG_SRTP_AES_CM_128_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
		break;
	case VG_SRTP_AES_CM_128_HMAC_SHA1_32:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp);
		break;
	default:
		return -EINVAL;
	}
	/* SRTCP keeps the 80-bit tag in both suites (RFC 4568 §6.2.1) */
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
	rc = vg_srtp_global_init();
	if (rc != 0)
		return rc;

	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return -ENOMEM;
	ctx->suite = suite;
	ctx->inbound = inbound;

	/* libsrtp wants a writable key; it derives the session keys in
	 * srtp_create() and keeps no pointer to ours */
	memcpy(master, key, sizeof(master));
	policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	policy.key = master;
	policy.window_size = VG_SRTP_REPLAY_WINDOW;
	/* only protect looks at it: see vg_srtp_ctx_create() in vg_srtp.h */
	policy.allow_repeat_tx = inbound ? 0 : 1;
	policy.next = NULL;
	rc = status_errno(srtp_create(&ctx->session, &policy));
	explicit_bzero(master, sizeof(master));
	if (rc != 0) {
		ctx->session = NULL;
		rc = rc == -ENOMEM ? -ENOMEM : -EIO;
		goto out;
	}

	rc = -EIO;
	if (srtp_get_protect_trailer_length(ctx->session, 0, 0, &rtp_trailer) !=
					srtp_err_status_ok ||
			srtp_get_protect_rtcp_trailer_length(ctx->session, 0, 0,
					&rtcp_trailer) != srtp_err_status_ok)
		goto out;
	/* what VG_SRTP_MAX_TRAILER promises callers */
	if (rtp_trailer > VG_SRTP_MAX_TRAILER ||
			rtcp_trailer > VG_SRTP_MAX_TRAILER ||
			rtcp_trailer <= SRTCP_INDEX_LEN)
		goto out;
	ctx->rtp_trailer = (uint8_t)rtp_trailer;
	ctx->rtcp_trailer = (uint8_t)rtcp_trailer;
	*out = ctx;
	return 0;
out:
	vg_srtp_ctx_free(ctx);
	return rc;
}

void
vg_srtp_ctx_free(struct vg_srtp_ctx *ctx)
{
	if (ctx == NULL)
		return;
	/* frees every stream and the session keys libsrtp derived */
	if (ctx->session != NULL)
		(void)srtp_dealloc(ctx->session);
	free(ctx);
}

enum vg_srtp_suite
vg_srtp_ctx_suite(const struct vg_srtp_ctx *ctx)
{
	return ctx != NULL ? ctx->suite : VG_SRTP_NONE;
}

unsigned int
vg_srtp_ctx_trailer(const struct vg_srtp_ctx *ctx, bool rtcp)
{
	if (ctx == NULL)
		return 0;
	return rtcp ? ctx->rtcp_trailer : ctx->rtp_trailer;
}

/*
 * Bytes of an RTP packet's header (fixed part, CSRCs, extension; RFC 3550
 * §5.1, §5.3.1), or 0 when pkt[0..len) does not hold a whole version-2
 * header. libsrtp 2.5 checks much of this too; we do not rely on it.
 */
static unsigned int
rtp_header_len(const uint8_t *pkt, unsigned int len)
{
	unsigned int hlen, ext_words;

	if (len < RTP_HDR_LEN || len > PKT_MAX_LEN || (pkt[0] >> 6) != 2)
		return 0;
	hlen = RTP_HDR_LEN + 4u * (pkt[0] & 0x0fu);
	if ((pkt[0] & 0x10u) != 0) {
		if (hlen + 4 > len)
			return 0;
		ext_words = (unsigned int)pkt[hlen + 2] << 8 | pkt[hlen + 3];
		hlen += 4 + 4 * ext_words;
	}
	return hlen <= len ? hlen : 0;
}

static bool
rtcp_header_ok(const uint8_t *pkt, unsigned int len)
{
	return len >= RTCP_HDR_LEN && len <= PKT_MAX_LEN && (pkt[0] >> 6) == 2;
}

/* The slot of a stream libsrtp holds, or -1 */
static int
ssrc_find(const struct vg_srtp_ctx *ctx, uint32_t ssrc)
{
	unsigned int i;

	for (i = 0; i < ctx->n_ssrc; i++)
		if (ctx->ssrc[i] == ssrc)
			return (int)i;
	return -1;
}

/*
 * Note a packet of ssrc that libsrtp has processed. A new SSRC has a new
 * stream in libsrtp by now; past VG_SRTP_MAX_SSRC, the least recently used
 * stream goes. Only packets that passed authentication (or that we sent)
 * get here, so a sender without the key cannot push streams out.
 */
static void
ssrc_used(struct vg_srtp_ctx *ctx, int slot, uint32_t ssrc)
{
	unsigned int i, lru = 0;

	ctx->uses++;
	if (slot < 0) {
		if (ctx->n_ssrc < VG_SRTP_MAX_SSRC) {
			slot = (int)ctx->n_ssrc++;
		} else {
			for (i = 1; i < VG_SRTP_MAX_SSRC; i++)
				if (ctx->last_use[i] < ctx->last_use[lru])
					lru = i;
			(void)srtp_remove_stream(ctx->session, ctx->ssrc[lru]);
			slot = (int)lru;
		}
		ctx->ssrc[slot] = ssrc;
	}
	ctx->last_use[slot] = ctx->uses;
}

static uint32_t
read_ssrc(const uint8_t *pkt, unsigned int off)
{
	uint32_t v;

	memcpy(&v, pkt + off, sizeof(v));
	return v;
}

/*
 * protect: a new SSRC gets its stream (a clone of the template) before
 * anything else can fail, so it is noted unless the clone itself failed.
 */
static int
protect_done(struct vg_srtp_ctx *ctx, srtp_err_status_t st, int slot,
		uint32_t ssrc, int slen, unsigned int *len)
{
	int rc = status_errno(st);

	if (slot >= 0 || rc != -ENOMEM)
		ssrc_used(ctx, slot, ssrc);
	if (rc == 0)
		*len = (unsigned int)slen;
	return rc;
}

int
vg_srtp_protect_rtp(struct vg_srtp_ctx *ctx, uint8_t *pkt, unsigned int *len,
		unsigned int cap)
{
	srtp_err_status_t st;
	uint32_t ssrc;
	int slen, slot;

	if (ctx == NULL || pkt == NULL || len == NULL || ctx->inbound)
		return -EINVAL;
	if (rtp_header_len(pkt, *len) == 0)
		return -EBADMSG;
	if (cap < *len || cap - *len < ctx->rtp_trailer)
		return -ENOSPC;
	ssrc = read_ssrc(pkt, 8);
	slot = ssrc_find(ctx, ssrc);
	slen = (int)*len;
	st = srtp_protect(ctx->session, pkt, &slen);
	return protect_done(ctx, st, slot, ssrc, slen, len);
}

int
vg_srtp_protect_rtcp(struct vg_srtp_ctx *ctx, uint8_t *pkt, unsigned int *len,
		unsigned int cap)
{
	srtp_err_status_t st;
	uint32_t ssrc;
	int slen, slot;

	if (ctx == NULL || pkt == NULL || len == NULL || ctx->inbound)
		return -EINVAL;
	if (!rtcp_header_ok(pkt, *len))
		return -EBADMSG;
	if (cap < *len || cap - *len < ctx->rtcp_trailer)
		return -ENOSPC;
	ssrc = read_ssrc(pkt, 4);
	slot = ssrc_find(ctx, ssrc);
	slen = (int)*len;
	st = srtp_protect_rtcp(ctx->session, pkt, &slen);
	return protect_done(ctx, st, slot, ssrc, slen, len);
}

/* unprotect: libsrtp clones the template only once the tag checked out */
static int
unprotect_done(struct vg_srtp_ctx *ctx, srtp_err_status_t st, int slot,
		uint32_t ssrc, int slen, unsigned int *len)
{
	int rc = status_errno(st);

	if (rc != 0)
		return rc;
	ssrc_used(ctx, slot, ssrc);
	*len = (unsigned int)slen;
	return 0;
}

int
vg_srtp_unprotect_rtp(struct vg_srtp_ctx *ctx, uint8_t *pkt, unsigned int *len)
{
	unsigned int hlen;
	srtp_err_status_t st;
	uint32_t ssrc;
	int slen, slot;

	if (ctx == NULL || pkt == NULL || len == NULL || !ctx->inbound)
		return -EINVAL;
	hlen = rtp_header_len(pkt, *len);
	if (hlen == 0 || *len - hlen < ctx->rtp_trailer)
		return -EBADMSG;
	ssrc = read_ssrc(pkt, 8);
	slot = ssrc_find(ctx, ssrc);
	slen = (int)*len;
	st = srtp_unprotect(ctx->session, pkt, &slen);
	return unprotect_done(ctx, st, slot, ssrc, slen, len);
}

int
vg_srtp_unprotect_rtcp(struct vg_srtp_ctx *ctx, uint8_t *pkt, unsigned int *len)
{
	srtp_err_status_t st;
	uint32_t ssrc;
	int slen, slot;

	if (ctx == NULL || pkt == NULL || len == NULL || !ctx->inbound)
		return -EINVAL;
	if (!rtcp_header_ok(pkt, *len) ||
			*len - RTCP_HDR_LEN < ctx->rtcp_trailer)
		return -EBADMSG;
	ssrc = read_ssrc(pkt, 4);
	slot = ssrc_find(ctx, ssrc);
	slen = (int)*len;
	st = srtp_unprotect_rtcp(ctx->session, pkt, &slen);
	return unprotect_done(ctx, st, slot, ssrc, slen, len);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The B2BUA of voxgate-cp: two SIP dialogs per call (side A, the caller,
 * and side B, the destination), each side's SDP rebuilt with the
 * appliance's media address and a media port pair of its own, and the
 * pieces of it that need no event loop: the media port allocator, the
 * mapping of B's failure responses to A, SDP read into plain structs and
 * written back, and the codec choice that makes a call relayed or
 * transcoded.
 *
 * Threads: everything runs on the libre event loop thread (re_main); the
 * port allocator and the status mapping are plain C and may be used by
 * any single thread.
 * Errors: negative errno values.
 */
#ifndef VG_B2BUA_H
#define VG_B2BUA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vg_config.h"

#ifdef __cplusplus
extern "C" {
#endif

struct mbuf;
struct sa;

/* ---------------------------------------------------------------------- */
/* Media port pairs from [media] port_min..port_max                        */
/* ---------------------------------------------------------------------- */

struct vg_media_ports;

/**
 * A bitmap of RTP/RTCP port pairs: RTP on the even ports of
 * port_min..port_max (port_min rounded up to even), RTCP on RTP + 1, so
 * a pair is taken only when RTP + 1 <= port_max.
 * @return 0; -EINVAL (no pair fits); -ENOMEM
 */
int vg_media_ports_create(struct vg_media_ports **portsp, uint16_t port_min,
		uint16_t port_max);

/** Free an allocator (NULL is ignored). */
void vg_media_ports_destroy(struct vg_media_ports *ports);

/**
 * Take a free pair, searching on from the last one taken (so a port
 * just released is not reused at once: late packets of an ended call do
 * not reach the next one).
 * @param rtp (out) the even RTP port
 * @return 0; -ENOSPC when every pair is in use
 */
int vg_media_ports_alloc(struct vg_media_ports *ports, uint16_t *rtp);

/**
 * Take a given pair (one the data plane still uses after a restart of
 * the control plane).
 * @return 0; -EINVAL (not a pair of this allocator); -EBUSY (in use)
 */
int vg_media_ports_reserve(struct vg_media_ports *ports, uint16_t rtp);

/**
 * Give a pair back.
 * @return 0; -EINVAL (not a pair of this allocator); -ENOENT (not in use)
 */
int vg_media_ports_release(struct vg_media_ports *ports, uint16_t rtp);

/** Pairs in use and pairs in all. */
unsigned vg_media_ports_in_use(const struct vg_media_ports *ports);
unsigned vg_media_ports_capacity(const struct vg_media_ports *ports);

/* ---------------------------------------------------------------------- */
/* Call state and responses                                                */
/* ---------------------------------------------------------------------- */

/** Why a call ended (CDR "cause"). */
enum vg_call_cause {
	VG_CAUSE_NORMAL_A,    /**< BYE from the caller */
	VG_CAUSE_NORMAL_B,    /**< BYE from the callee */
	VG_CAUSE_CANCELLED,   /**< CANCEL from the caller before answer */
	VG_CAUSE_REJECTED,    /**< B answered with a final failure */
	VG_CAUSE_NO_ANSWER,   /**< B's INVITE timed out */
	VG_CAUSE_UNREACHABLE, /**< B's transport failed */
	VG_CAUSE_MEDIA,	      /**< no acceptable media in B's answer */
	VG_CAUSE_ERROR,	      /**< a local failure, or A's ACK never came */
	VG_CAUSE_SHUTDOWN,    /**< the control plane stopped */
	VG_CAUSE_MEDIA_TIMEOUT, /**< the data plane saw no media */
	VG_CAUSE_SESSION_TIMER, /**< no session refresh (RFC 4028) */
	VG_CAUSE_COUNT,
};

/** "normal_a", "cancelled", ...: the CDR spelling. */
const char *vg_call_cause_name(enum vg_call_cause cause);

/**
 * What A hears when B's INVITE fails before the call was answered.
 * @param b_scode B's final status (300..699), or 0 when there was none
 * @param b_err   the error of the failure when b_scode is 0 (positive
 *                errno as libre gives it: ETIMEDOUT, ECONNREFUSED, ...)
 * @param reason  (out) the reason phrase to send with the result
 * @param cause   (out, may be NULL) the CDR cause
 * @return the status for A: 3xx (not followed) -> 480; 401/407 (we hold
 *         no credentials for B) -> 403; 503 -> 500 (RFC 3261 §16.7 item
 *         6: a 503 would tell A that we are overloaded); other 4xx, 5xx,
 *         6xx unchanged; a timeout -> 408; any other error -> 502
 */
uint16_t vg_b2bua_map_failure(uint16_t b_scode, int b_err, const char **reason,
		enum vg_call_cause *cause);

/* ---------------------------------------------------------------------- */
/* SDP                                                                     */
/* ---------------------------------------------------------------------- */

#define VG_SDP_CODECS_MAX 128 /**< "PCMU,PCMA,telephone-event" + NUL */

/** Direction of an audio stream as its sender states it (RFC 3264). */
enum vg_sdp_dir {
	VG_SDP_SENDRECV = 0,
	VG_SDP_SENDONLY,
	VG_SDP_RECVONLY,
	VG_SDP_INACTIVE,
	VG_SDP_DIR_KEEP, /**< as the stream it answers or relays */
};

/** A summary of one side's SDP (calls JSON, CDR). */
struct vg_sdp_info {
	uint32_t remote_ip;   /**< IPv4 of c= (host byte order); 0 if IPv6 */
	uint16_t remote_port; /**< RTP port of the audio m= line; 0 = rejected
			       */
	enum vg_sdp_dir dir;  /**< as the sender stated it */
	unsigned n_codecs;    /**< allowed formats it lists */
	char codecs[VG_SDP_CODECS_MAX]; /**< their names, comma separated */
};

/* ---- one audio stream, parsed ---- */

#define VG_SDP_FMT_MAX 16	    /**< formats of an m= line we read */
#define VG_SDP_FMTP_MAX 128	    /**< a=fmtp parameters of one format */
#define VG_SDP_CRYPTO_LINES 8	    /**< a=crypto lines we read */
#define VG_SDP_CRYPTO_LINE_MAX 256  /**< one a=crypto value, NUL included */
#define VG_SDP_PT_CN 13		    /**< RFC 3551: comfort noise, 8 kHz */

/** What a format is, beside enum vg_cfg_codec. */
enum {
	VG_SDP_FMT_CN = VG_CODEC_COUNT, /**< comfort noise (RFC 3389) */
	VG_SDP_FMT_UNKNOWN = -1,	/**< a format we do not know */
};

/** One payload format of an audio m= line. */
struct vg_sdp_fmt {
	int codec;	 /**< enum vg_cfg_codec, VG_SDP_FMT_CN or
			      VG_SDP_FMT_UNKNOWN, from name and clock rate */
	uint8_t pt;	 /**< payload type, 0..127 */
	uint8_t ch;	 /**< channels (1 when not given) */
	uint32_t srate;	 /**< RTP clock rate */
	char name[32];	 /**< encoding name as written ("" = unknown) */
	char params[VG_SDP_FMTP_MAX]; /**< its a=fmtp, "" when none */
};

/** RTP profile of an m= line (RFC 3551, 3711, 4585, 5124). */
enum vg_sdp_profile {
	VG_SDP_AVP,   /**< RTP/AVP */
	VG_SDP_AVPF,  /**< RTP/AVPF */
	VG_SDP_SAVP,  /**< RTP/SAVP: SRTP, keyed by a=crypto (SDES) */
	VG_SDP_SAVPF, /**< RTP/SAVPF */
	VG_SDP_PROFILE_OTHER, /**< anything else (DTLS-SRTP, ...) */
};

/** The first audio m= line of an SDP body. */
struct vg_sdp_audio {
	uint32_t remote_ip;   /**< c= IPv4 (host order); 0 if IPv6/none */
	uint16_t remote_port; /**< 0 = a rejected or disabled stream */
	enum vg_sdp_dir dir;  /**< as the sender stated it */
	enum vg_sdp_profile profile;
	uint16_t ptime;	      /**< a=ptime (ms), 0 when absent */
	unsigned n_fmt;	      /**< formats, in m= line order */
	struct vg_sdp_fmt fmt[VG_SDP_FMT_MAX];
	unsigned n_crypto;    /**< a=crypto values, in order (a key each:
				   wipe with vg_sdp_audio_wipe()) */
	char crypto[VG_SDP_CRYPTO_LINES][VG_SDP_CRYPTO_LINE_MAX];
};

/**
 * Read the first audio m= line of an SDP body with libre's SDP decoder.
 * Formats are identified by encoding name (case-insensitive) and clock
 * rate: PCMU, PCMA, G729, G722 at 8000 (RFC 3551; payload types 0, 8, 18,
 * 9 without a=rtpmap), opus/48000 (RFC 7587), telephone-event at any
 * rate, CN/8000 (or payload type 13). Formats past VG_SDP_FMT_MAX, with a
 * non-numeric id, or whose a=fmtp does not fit are left out; a=crypto
 * values too long to keep are left out (one we cannot read whole is not
 * one we could honour).
 * @param in the body (read from its position; not consumed)
 * @return 0; -EBADMSG (not SDP, or no audio m= line); -ENOMEM
 */
int vg_sdp_parse(const struct mbuf *in, struct vg_sdp_audio *out);

/** Zero what an audio stream holds of keys (its a=crypto values). */
void vg_sdp_audio_wipe(struct vg_sdp_audio *a);

/** The profile's SDP spelling ("RTP/AVP", ...); NULL for OTHER. */
const char *vg_sdp_profile_name(enum vg_sdp_profile p);

/** SAVP or SAVPF. */
bool vg_sdp_profile_secure(enum vg_sdp_profile p);

/** The same profile, secure (SAVP/SAVPF) or plain (AVP/AVPF). */
enum vg_sdp_profile vg_sdp_profile_with(enum vg_sdp_profile p, bool secure);

/**
 * The summary of a stream: address, port, direction and the names of
 * the formats media->allowed lists.
 */
void vg_sdp_audio_info(const struct vg_sdp_audio *a,
		const struct vg_cfg_media *media, struct vg_sdp_info *info);

/** What we write into an SDP body for one side. */
struct vg_sdp_desc {
	const struct sa *addr;	      /**< our media address (c=, o=) */
	uint16_t port;		      /**< our RTP port; 0 = rejected */
	enum vg_sdp_profile profile;  /**< not OTHER */
	enum vg_sdp_dir dir;	      /**< not VG_SDP_DIR_KEEP */
	uint16_t ptime;		      /**< a=ptime; 0 = none */
	const struct vg_sdp_fmt *fmt; /**< formats in order (a=rtpmap for
					   each, a=fmtp when it has params) */
	unsigned n_fmt;
	const char *const *crypto;    /**< a=crypto values, in order */
	unsigned n_crypto;
};

/**
 * Encode one SDP body (one audio m= line) with libre's SDP encoder.
 * @param out (out) a new mbuf, position 0
 * @return 0; -EINVAL (no format, OTHER profile, KEEP direction); -ENOMEM
 */
int vg_sdp_encode(struct mbuf **out, const struct vg_sdp_desc *d);

/* ---- codec choice: relay or transcode ---- */

/** true when media->allowed lists codec (an enum vg_cfg_codec). */
bool vg_sdp_codec_allowed(const struct vg_cfg_media *media, int codec);

/** RTP clock rate of a codec (opus 48000, the rest 8000; RFC 3551
 * §4.5.2: G.722 too). */
uint32_t vg_sdp_codec_clock(int codec);

/**
 * What a late offer (an INVITE without SDP, RFC 3261 s13.2.1) stands for
 * when the B2BUA builds its offers from it: every codec the appliance
 * knows, on the payload types our own offers use, and telephone-event.
 */
extern const char vg_sdp_late_offer[];

/**
 * The formats of the offer we send one side from the offer the other
 * side sent us: the offer's allowed formats (its order, its payload types,
 * telephone-event and comfort noise included), then the other allowed
 * codecs, which the data plane can transcode to, in codecs_preferred then
 * codecs_allowed order (PCMU 0, PCMA 8, G722 9, G729 18, opus/48000/2 on
 * the first dynamic payload type from 96 that the offer does not use),
 * then telephone-event on a free dynamic payload type at each clock rate
 * of the added codecs that the offer has none for (only when the offer
 * has telephone-event and codecs_allowed lists it).
 * @param first a codec whose format goes first (a re-offer keeps the codec
 *        in use on that side), or -1
 * @return the number of formats written to out; -ENOENT when the offer
 *         has no allowed audio codec (488); -ENOSPC (max too small)
 */
int vg_sdp_offer_formats(const struct vg_sdp_audio *offer,
		const struct vg_cfg_media *media, int first,
		struct vg_sdp_fmt *out, unsigned max);

/** One leg as the data plane gets it (see vg_dpapi_leg). */
struct vg_sdp_leg {
	int codec;	  /**< enum vg_cfg_codec; -1 = none yet */
	uint8_t pt;	  /**< the codec's payload type on this side */
	uint8_t ptime_ms; /**< the side's a=ptime, else [media] ptime_ms,
			       rounded down to 10, 20, 30, 40 or 60 (what
			       the data plane packetises; 10 at least) */
	uint8_t te_pt;	  /**< the side's telephone-event at the codec's
			       clock rate, 0 = none (the data plane gets it
			       only when both legs have one) */
	uint8_t cn_pt;	  /**< the side's comfort noise (13), 0 = none */
};

/**
 * The codec an answer chose: its first format that is neither
 * telephone-event nor comfort noise, with the answer's payload type,
 * ptime, telephone-event and CN.
 * @return 0; -ENOENT (none, or one we do not know or allow)
 */
int vg_sdp_answer_leg(const struct vg_sdp_audio *answer,
		const struct vg_cfg_media *media, struct vg_sdp_leg *leg);

/**
 * The codec we answer an offer with: keep when the offer still has it
 * (a re-offer keeps the decision), else match (the other leg's codec: a
 * relay) when the offer has it, else the first of codecs_preferred the
 * offer has, else the offer's first allowed codec. keep and match may be
 * -1.
 * @return 0 with leg filled from the offer; -ENOENT (no allowed codec)
 */
int vg_sdp_offer_leg(const struct vg_sdp_audio *offer,
		const struct vg_cfg_media *media, int keep, int match,
		struct vg_sdp_leg *leg);

/**
 * The formats of our answer to an offer whose codec vg_sdp_offer_leg()
 * chose: that codec's format, then (a relay) the other audio codecs of
 * peer, the other side's answer, that the offer has too, in peer's order;
 * then the offer's telephone-event when leg->te_pt and its comfort noise
 * when leg->cn_pt (clear them first for what the other side lacks).
 * Payload types and fmtp are the offer's.
 * @param peer NULL when transcoding (one codec answered)
 * @return the number of formats; -ENOENT (the offer lacks the codec);
 *         -ENOSPC
 */
int vg_sdp_answer_formats(const struct vg_sdp_audio *offer,
		const struct vg_sdp_leg *leg, const struct vg_sdp_audio *peer,
		struct vg_sdp_fmt *out, unsigned max);

/**
 * The direction an answerer takes toward an offer of direction offered
 * when it would itself send and receive: sendonly -> recvonly, recvonly ->
 * sendonly, inactive -> inactive, sendrecv -> keep.
 */
enum vg_sdp_dir vg_sdp_answer_dir(enum vg_sdp_dir offered);

/*
 * The calls themselves live inside the SIP server: vg_sip_server_create()
 * (vg_sip.h) starts the B2BUA after its own request listener, and
 * vg_sip_server_destroy() ends every call (BYE, CANCEL, or 503 to a
 * caller not yet answered) and writes their CDRs ([log] cdr_file).
 */

#ifdef __cplusplus
}
#endif

#endif /* VG_B2BUA_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The B2BUA of voxgate-cp: two SIP dialogs per call (side A, the caller,
 * and side B, the destination), each side's SDP rebuilt with the
 * appliance's media address and a media port pair of its own, and the
 * pieces of it that need no event loop: the media port allocator, the
 * mapping of B's failure responses to A, and the SDP rewriting.
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
	VG_SDP_DIR_KEEP, /**< vg_sdp_rewrite_dir(): the input's direction */
};

/** What vg_sdp_rewrite() found in the SDP it read. */
struct vg_sdp_info {
	uint32_t remote_ip;   /**< IPv4 of c= (host byte order); 0 if IPv6 */
	uint16_t remote_port; /**< RTP port of the audio m= line; 0 = rejected
			       */
	enum vg_sdp_dir dir;  /**< as the sender stated it */
	unsigned n_codecs;    /**< formats kept */
	char codecs[VG_SDP_CODECS_MAX]; /**< their names, comma separated */
};

/**
 * Build the SDP one side receives from the SDP the other side sent: the
 * first audio m= line is kept with only the formats whose encoding name
 * is in media->allowed (case-insensitive; the payload type, clock rate,
 * channels and fmtp are copied), its direction and ptime; c= and o= are
 * the appliance's (media_addr), the port is rtp_port. Other m= lines are
 * not offered on. The input is decoded with libre's SDP.
 * @param out (out) a new mbuf with the SDP, position 0
 * @param in the SDP body (read from its position; not consumed)
 * @param info (out, may be NULL) the remote address and the formats kept
 * @return 0; -EBADMSG (not SDP, or no audio m= line); -ENOENT (no
 *         allowed format: answer 488); -ENOMEM
 */
int vg_sdp_rewrite(struct mbuf **out, const struct mbuf *in,
		const struct sa *media_addr, uint16_t rtp_port,
		const struct vg_cfg_media *media, struct vg_sdp_info *info);

/**
 * vg_sdp_rewrite() with the direction of the output set: for the answer
 * the appliance gives itself to a re-offer (VG_SDP_DIR_KEEP = as in).
 */
int vg_sdp_rewrite_dir(struct mbuf **out, const struct mbuf *in,
		const struct sa *media_addr, uint16_t rtp_port,
		const struct vg_cfg_media *media, enum vg_sdp_dir dir,
		struct vg_sdp_info *info);

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

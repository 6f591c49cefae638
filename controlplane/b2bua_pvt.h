/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Internals of the B2BUA shared by the b2bua*.c files. */
#ifndef VG_B2BUA_PVT_H
#define VG_B2BUA_PVT_H

#include <stdio.h>

#include "dplink.h"
#include "sdp_crypto.h"
#include "sip_pvt.h"
#include "vg_route.h"

#define VG_CALLID_MAX 256

struct vg_b2bua {
	struct vg_sip_server *srv;   /**< RO: the SIP stack, auth, registrar */
	const struct vg_config *cfg; /**< RO */
	struct {
		struct sipsess_sock *sock; /**< dialogs on that stack */
		struct sip_lsnr *lsnr;	   /**< CANCEL before A is accepted */
	} ep[VG_CFG_MAX_LISTEN];	   /**< per SIP stack (sip_pvt.h) */
	struct vg_route_table *routes;
	struct vg_media_ports *ports;
	struct list calls; /**< struct vg_call, oldest first */
	struct hash *by_callid;	 /**< vg_call.hc by A's Call-ID */
	unsigned n_calls;
	uint64_t cps_sec;   /**< second of cps_count (jiffies / 1000) */
	unsigned cps_count; /**< calls started in that second */
	uint64_t rejected_overload;
	uint64_t next_id;
	FILE *cdr; /**< [log] cdr_file, NULL when none */
	uint64_t calls_total;	 /**< calls started since the start */
	struct vg_dplink *dp;	 /**< media sessions in voxgate-dp */
	struct hash *by_sess;	 /**< vg_call.he by data-plane session id */
	struct list orphans;	 /**< struct vg_orphan: sessions of an earlier
				      control plane */
};

/** Media counters of one leg kept for the CDR (from the data plane). */
struct vg_leg_media {
	uint64_t rx_pkts, fwd_pkts;
	int32_t lost;
	uint32_t jitter_ms;
	bool valid;
};

/**
 * The media of one side of a call (side 0 = A, 1 = B) as negotiated: the
 * profile, the codec, the SDES keys. Keys are secrets: never logged,
 * wiped by vg_call_media_wipe() when the call ends.
 */
struct vg_call_side {
	enum vg_sdp_profile profile; /**< what this side and we speak */
	bool srtp;		     /**< profile is SAVP/SAVPF */
	struct vg_sdp_leg leg;	     /**< its codec; leg.codec -1 = unknown */
	struct vg_sdp_crypto rx;     /**< its key (its SDP's a=crypto) */
	struct vg_sdp_crypto tx;     /**< ours (our SDP's a=crypto) */
	/** the lines of our last offer to it; its answer takes one */
	struct vg_sdp_crypto offered[VG_SDP_CRYPTO_OFFER_LINES];
	unsigned n_offered;
	enum vg_sdp_dir sdp_dir;     /**< the direction we last sent it */
	uint16_t sdp_ptime;	     /**< the a=ptime we last sent it, 0 */
};

/** RFC 4028 state of one dialog of a call. */
struct vg_se {
	uint32_t interval; /**< seconds; 0 = no session timer */
	bool we_refresh;   /**< the appliance sends the refreshes */
	struct tmr tmr;	   /**< next refresh, or the expiry watch */
};

/**
 * One call: A is the caller's dialog (we are its UAS), B the dialog we
 * open toward the destination (we are its UAC). Nothing of A's dialog
 * (Call-ID, tags, Via, Contact) is copied to B.
 */
struct vg_call {
	struct le le;
	struct le hc;	/**< in b2b->by_callid */
	struct vg_b2bua *b2b;
	uint64_t id;
	const struct sip_msg *invite; /**< A's INVITE until A is accepted */
	struct sipsess *a;	      /**< NULL until accepted (1xx/2xx) */
	struct sipsess *b;
	struct tmr tmr_end; /**< the deferred end */
	bool answered;	    /**< 200 sent to A */
	bool confirmed;	    /**< A's ACK received */
	bool early_media;   /**< an 18x with SDP went to A */
	bool ending;	    /**< call_end() ran; handlers ignore */
	enum vg_call_cause cause;
	uint16_t a_code; /**< final status for A, 0 when none */
	const char *a_reason;
	uint16_t b_scode; /**< B's final failure, 0 when none */
	char callid_a[VG_CALLID_MAX];
	char branch_a[128];
	char callid_b[VG_CALLID_MAX];
	char from[VG_AUTH_FIELD_MAX]; /**< authenticated user or caller */
	char from_trunk[VG_CFG_NAME_MAX];
	char to[VG_CFG_NAME_MAX]; /**< the routed (rewritten) user */
	char route[VG_CFG_NAME_MAX];
	unsigned ep_a, ep_b;		      /**< SIP stacks of A's dialog
						   (where it arrived) and B's
						   (the address toward B) */
	struct sa media_a, media_b;	      /**< our media address toward
						   A, toward B */
	uint16_t maddr_a, maddr_b;	      /**< their media address index
						   (vg_dpapi_leg.local_addr) */
	uint16_t port_a, port_b;	      /**< our RTP ports toward A, B */
	struct le he;			      /**< in b2b->by_sess */
	bool has_sess;			      /**< a data-plane session exists */
	bool keep_media;		      /**< stopping: leave the session */
	uint32_t sess_id;
	uint32_t leg_id[2];		      /**< counters of legs A, B */
	struct vg_leg_media leg_media[2];     /**< at the end, for the CDR */
	struct vg_se se[2];		      /**< session timers of A, B */
	uint32_t se_b_min;		      /**< B's Min-SE from its 422;
						   0 when none */
	bool b_retried;			      /**< B's INVITE sent again */
	struct tmr tmr_retry;		      /**< the deferred new INVITE */
	char uri_b[VG_REG_URI_MAX + 64];     /**< B's Request-URI */
	char from_b[VG_CFG_NAME_MAX + 80];   /**< our From toward B */
	char se_hdr_a[96];		      /**< Session-Expires (+ Require)
						   of the 2xx to A, or "" */
	struct mbuf *sdp_a, *sdp_b;	      /**< what we last sent A, B */
	struct mbuf *offer_a;		      /**< A's offer until B answers
						   (our answer to A is made
						   from it) */
	struct vg_sdp_info remote_a;	      /**< A's offer */
	struct vg_sdp_info remote_b;	      /**< B's answer */
	struct vg_call_side side[2];	      /**< media of A, B */
	bool late_offer;		      /**< A's INVITE had no SDP: our
						   200 offers, A answers in
						   the ACK (RFC 3261 s13.2.1) */
	bool b_mirrors_a;		      /**< B gets SRTP when A
						   offered it (a user), else
						   side[1].srtp as the trunk
						   says */
	uint64_t start_ms, answer_ms, end_ms; /**< wall clock */
};

/* b2bua_nego.c: offer and answer of both sides */

/**
 * A's INVITE: read A's offer (its SRTP keyed: the answer key of ours is
 * made here), and write the offer for B into call->sdp_b (B's profile
 * from call->side[1].srtp, or A's with b_mirrors_a).
 * @return 0; -EBADMSG, -ENOENT (no codec), -ENOTSUP (no crypto suite we
 *         key), -EPROTO (a profile we do not speak): answer 488; -ENOMEM
 */
int vg_call_offer_b(struct vg_call *call, const struct mbuf *offer);

/**
 * A's INVITE came without SDP (a late offer, RFC 3261 s13.2.1): B is
 * offered every codec the appliance allows, as if A had offered all of
 * them (plain RTP, A's address unknown); B's answer then makes our 200
 * to A an offer, B's codec first, and A answers in its ACK
 * (vg_call_reanswer()). @return as vg_call_offer_b()
 */
int vg_call_offer_b_late(struct vg_call *call);

/**
 * B's answer (in a 18x, or final: the 200): the codec of each leg (relay or
 * transcode), B's keys, our answer to A in call->sdp_a, and the data-plane
 * session. @return 0; -EPROTO (B's profile is not the one offered, or its
 * a=crypto is none we offered), -ENOENT (no codec), -EBADMSG, -ENOMEM, or
 * the data plane's error: the call fails (488 to A)
 */
int vg_call_answer_b(struct vg_call *call, const struct mbuf *answer,
		bool final);

/**
 * A re-INVITE of one side with an offer (or without one: ours goes back
 * as the offer): our answer in *descp at once, the offer relayed to the
 * other side, the data plane following. Keeps each leg's codec unless
 * the offer drops it. @return 0 or a positive errno for libre (EPROTO:
 * 488)
 */
int vg_call_reoffer(struct vg_call *call, const struct sip_msg *msg,
		bool from_a, struct mbuf **descp);

/** The answer of one side to a re-INVITE of ours. @return 0 */
int vg_call_reanswer(struct vg_call *call, const struct sip_msg *msg,
		bool from_a);

/** Wipe the call's keys and free the SDP bodies that hold them (wiped
 * unless libre still holds them). */
void vg_call_media_wipe(struct vg_call *call);

/** True when the call's legs speak different codecs. */
bool vg_call_transcoding(const struct vg_call *call);

/* b2bua_media.c: media sessions in the data plane */

/** Start the data-plane link. @return 0, -ENOMEM */
int vg_b2bua_media_open(struct vg_b2bua *b2b);
void vg_b2bua_media_close(struct vg_b2bua *b2b);

/**
 * False when calls cannot get media now (data plane not attached, or
 * lost): the INVITE is answered 503.
 */
bool vg_b2bua_media_ready(const struct vg_b2bua *b2b);

/**
 * Our media address toward each side: the [[port]] whose subnet holds
 * the side's address (A: the INVITE's source; B: the host of b_uri),
 * else the port whose address the INVITE reached, else the first port;
 * and the SIP stack of B's dialog (call->ep_b): the one listening on the
 * media address toward B, else A's.
 */
void vg_call_media_addrs(struct vg_call *call, const struct sip_msg *invite,
		const char *b_uri);

/**
 * Create or update the call's data-plane session from remote_a,
 * remote_b and side[] (nothing to do while B's SDP is unknown, or with no
 * data plane). @return 0 or a negative errno
 */
int vg_call_media_sync(struct vg_call *call);

/** Keep the legs' counters for the CDR and delete the session. */
void vg_call_media_release(struct vg_call *call);

/* b2bua_timer.c: session timers (RFC 4028) */

/**
 * A's INVITE: the interval and refresher toward A, and the headers of
 * the 2xx (call->se_hdr_a). @return 0, or -ERANGE when A's interval is
 * below [sip] min_se_s (answer 422 with Min-SE: *min_se)
 */
int vg_call_timer_invite(struct vg_call *call, const struct sip_msg *msg,
		uint32_t *min_se);

/** Headers asking B for a session timer ("" when off). @return 0/-ENOSPC */
int vg_call_timer_b_headers(const struct vg_call *call, char *buf,
		size_t size);

/**
 * B answered 422 (RFC 4028 s6): take its Min-SE for the next INVITE.
 * @return true when the INVITE should go again (once per call, and only
 * when B asks for more than we offered, up to a day).
 */
bool vg_call_timer_b_422(struct vg_call *call, const struct sip_msg *msg);

/** B's 2xx: the interval and refresher toward B. */
void vg_call_timer_b_answer(struct vg_call *call, const struct sip_msg *msg);

/** (Re)start side's timer (0 = A, 1 = B): after the answer, a refresh. */
void vg_call_timer_start(struct vg_call *call, unsigned side);

/** Stop both timers. */
void vg_call_timer_stop(struct vg_call *call);

/** b2bua.c: end a call (deferred; see there). */
void vg_call_end(struct vg_call *call, enum vg_call_cause cause,
		uint16_t a_code, const char *a_reason);

/** Open [log] cdr_file for appending ("" = no CDRs). */
int vg_cdr_open(struct vg_b2bua *b2b);
void vg_cdr_close(struct vg_b2bua *b2b);

/** Append the JSON line of an ended call and flush it. */
void vg_cdr_write(struct vg_b2bua *b2b, const struct vg_call *call);

/**
 * Format the CDR line of a call (no newline) into buf.
 * @return the length, or -ENOSPC
 */
int vg_cdr_format(const struct vg_call *call, char *buf, size_t size);

#endif /* VG_B2BUA_PVT_H */

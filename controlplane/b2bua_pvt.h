/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Internals of the B2BUA shared by the b2bua*.c files. */
#ifndef VG_B2BUA_PVT_H
#define VG_B2BUA_PVT_H

#include <stdio.h>

#include "sip_pvt.h"
#include "vg_route.h"

#define VG_CALLID_MAX 256

struct vg_b2bua {
	struct vg_sip_server *srv;   /**< RO: the SIP stack, auth, registrar */
	const struct vg_config *cfg; /**< RO */
	struct sipsess_sock *sock;   /**< both sides' dialogs */
	struct sip_lsnr *lsnr;	     /**< CANCEL before A is accepted */
	struct vg_route_table *routes;
	struct vg_media_ports *ports;
	struct list calls; /**< struct vg_call, oldest first */
	unsigned n_calls;
	uint64_t cps_sec;   /**< second of cps_count (jiffies / 1000) */
	unsigned cps_count; /**< calls started in that second */
	uint64_t rejected_overload;
	uint64_t next_id;
	FILE *cdr; /**< [log] cdr_file, NULL when none */
};

/**
 * One call: A is the caller's dialog (we are its UAS), B the dialog we
 * open toward the destination (we are its UAC). Nothing of A's dialog
 * (Call-ID, tags, Via, Contact) is copied to B.
 */
struct vg_call {
	struct le le;
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
	struct sa media_addr;		      /**< ours, toward both sides */
	uint16_t port_a, port_b;	      /**< our RTP ports toward A, B */
	struct mbuf *sdp_a, *sdp_b;	      /**< what we last sent A, B */
	struct vg_sdp_info remote_a;	      /**< A's offer */
	struct vg_sdp_info remote_b;	      /**< B's answer */
	uint64_t start_ms, answer_ms, end_ms; /**< wall clock */
};

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

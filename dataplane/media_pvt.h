/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Media processing state of one direction of a session: what a
 * leg receives is SRTP-unprotected (the leg's rx key), transcoded from
 * the leg's codec to the peer's (dataplane/codec) and SRTP-protected
 * toward the peer's remote (the peer's tx key).
 *
 * Ownership: created and freed by the dp main lcore (vg_sess_create(),
 * vg_sess_update(), RCU reclaim), hung on the leg's configuration
 * (vg_leg_cfg.media); used by the leg's rx owner only (the worker whose
 * queue gets the leg's local port), which is the one core that touches
 * the direction's SRTP contexts and codec state. An update that leaves
 * the media parameters of a session as they were moves the state to the
 * new configuration, so SRTP replay windows, rollover counters and codec
 * history survive re-INVITEs that change nothing of theirs.
 */
#ifndef VG_MEDIA_PVT_H
#define VG_MEDIA_PVT_H

#include <stdbool.h>
#include <stdint.h>

#include "vg_dpapi.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vg_srtp_ctx;
struct vg_xcode_dir;

struct vg_media_dir {
	struct vg_srtp_ctx *rx_srtp;  /**< unprotects what the leg receives */
	struct vg_srtp_ctx *tx_srtp;  /**< protects what goes to the peer */
	struct vg_xcode_dir *xc;      /**< leg codec -> peer codec, or NULL */
	uint8_t in_dtmf_pt;           /**< for the dtmf_pkts counter */
	uint8_t rx_key[30];           /**< the keys the contexts were made
					 with (vg_media_same()) */
	uint8_t tx_key[30];
};

/** Does a session with these legs transcode (both name a codec, and
 * different ones)? */
static inline bool
vg_media_transcodes(const struct vg_dpapi_leg legs[2])
{
	return legs[0].codec != 0 && legs[1].codec != 0 &&
		legs[0].codec != legs[1].codec;
}

/**
 * Check the media fields of a session's legs (codec, payload types,
 * ptime, SRTP suite). @return 0, -EINVAL or -ENOTSUP
 */
int vg_media_check(const struct vg_dpapi_leg legs[2]);

/**
 * The state of direction i (what legs[i] receives), or NULL in *out when
 * it needs none. keys may be NULL when no leg has SRTP.
 * @return 0, -EINVAL (a key is missing), -ENOMEM, or the codec/SRTP
 *   library's error. Thread: dp main lcore.
 */
int vg_media_dir_create(const struct vg_dpapi_leg legs[2],
		const struct vg_dpapi_srtp_keys *keys, unsigned int i,
		struct vg_media_dir **out);

/** Free one (NULL ok). Thread: dp main lcore, after a grace period. */
void vg_media_dir_free(struct vg_media_dir *md);

/**
 * Would direction i of the new version of a session (new_legs, new_keys)
 * get the same state as md, made for old_legs? Then md can be kept.
 */
bool vg_media_same(const struct vg_media_dir *md,
		const struct vg_dpapi_leg old_legs[2],
		const struct vg_dpapi_leg new_legs[2],
		const struct vg_dpapi_srtp_keys *new_keys, unsigned int i);

#ifdef __cplusplus
}
#endif

#endif /* VG_MEDIA_PVT_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Primary side of the shared-memory contract (vg_dpapi.h): voxgate-dp
 * creates the memzone and its rings, serves commands and posts events.
 * Private to the data plane.
 */
#ifndef VG_DPAPI_SERVER_PVT_H
#define VG_DPAPI_SERVER_PVT_H

#include <stdint.h>

#include "vg_config.h"
#include "vg_dpapi.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vg_dpapi_server;

/**
 * Applies one command. Fill the reply's payload (sess_id, leg_id, u);
 * req_id and type are already set.
 * @return 0 or a negative errno, copied into reply->status
 */
typedef int (*vg_dpapi_cmd_h)(const struct vg_dpapi_cmd *cmd,
		struct vg_dpapi_reply *reply, void *arg);

/**
 * Reserve and fill the memzone for cfg->eal.file_prefix: rings sized
 * from cfg->dp (cmd_ring_size for commands and replies, event_ring_size),
 * 2 * cfg->dp.max_sessions leg counters and n_lcores lcore counters. The
 * header state stays INIT until vg_dpapi_server_start().
 * Thread: main lcore, at start-up.
 * @return the server, or NULL with rte_errno: EINVAL (ring size not a
 *   power of two, sizes zero), ENAMETOOLONG, EEXIST (another voxgate-dp
 *   memzone with this prefix), ENOMEM
 */
struct vg_dpapi_server *vg_dpapi_server_create(const struct vg_config *cfg,
		uint32_t n_lcores);

/** Publish the memzone: state RUNNING (release). */
void vg_dpapi_server_start(struct vg_dpapi_server *s);

/** State STOPPED, then free the memzone. NULL is ignored. */
void vg_dpapi_server_destroy(struct vg_dpapi_server *s);

/**
 * Take up to max commands, apply each through h and send its reply.
 * Thread: main lcore only (single consumer of commands, single producer
 * of replies).
 * @return the number of commands applied
 */
unsigned int vg_dpapi_server_poll(struct vg_dpapi_server *s,
		vg_dpapi_cmd_h h, void *arg, unsigned int max);

/**
 * Post events; those that do not fit are counted in hdr.events_dropped.
 * Thread: any dp lcore (multi-producer ring).
 * @return the number posted
 */
unsigned int vg_dpapi_server_post(struct vg_dpapi_server *s,
		const struct vg_dpapi_event *evts, unsigned int n);

/** The header, for the data plane's own use (and tests). */
struct vg_dpapi_hdr *vg_dpapi_server_hdr(struct vg_dpapi_server *s);

/**
 * The legs' records: n_legs of VG_DPAPI_LEG_REC_SIZE bytes, zeroed, for
 * the session table (struct vg_leg), each holding the leg's counters at
 * VG_DPAPI_LEG_REC_CTR_OFF.
 */
void *vg_dpapi_server_leg_records(struct vg_dpapi_server *s);

/** Counters of leg leg_id (< n_legs), in its record; NULL past the end. */
struct vg_dpapi_leg_counters *
vg_dpapi_server_leg_counters(struct vg_dpapi_server *s, uint32_t leg_id);

/** The rest of leg leg_id's counters; NULL past the end. */
struct vg_dpapi_leg_stats *
vg_dpapi_server_leg_stats(struct vg_dpapi_server *s, uint32_t leg_id);

/** Counters of lcore slot i; NULL past the end. */
struct vg_dpapi_lcore_counters *
vg_dpapi_server_lcore_counters(struct vg_dpapi_server *s, uint32_t i);

#ifdef __cplusplus
}
#endif

#endif /* VG_DPAPI_SERVER_PVT_H */

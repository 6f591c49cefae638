/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * voxgate-cp's link to voxgate-dp: the EAL as a DPDK secondary process
 * with the data plane's --file-prefix, the client of the shared-memory
 * contract (dataplane/include/vg_dpapi.h), and the polling of its event
 * ring from the libre event loop.
 *
 * Start-up order does not matter: until voxgate-dp runs, a timer looks
 * for it every VG_DPLINK_RETRY_MS (its EAL runtime directory first, so
 * that the EAL, which initialises only once per process, is not started
 * before there is a primary to join), then attaches. A data plane that
 * stops or restarts (a new generation) cannot be rejoined by the same
 * process (the EAL keeps the old primary's memory): the link goes down
 * for good, new calls are refused, and the log says to restart
 * voxgate-cp.
 *
 * With no [[port]] in the configuration there is no data plane: the link
 * is "disabled", calls are signalled without anchoring media (tests of
 * the SIP side alone).
 *
 * Threads: the libre event loop thread only. Requests wait for their
 * reply (bounded by VG_DPLINK_TIMEOUT_US; the data plane's main lcore
 * answers within microseconds).
 * Errors: negative errno values.
 */
#ifndef VG_DPLINK_H
#define VG_DPLINK_H

#include <stdbool.h>
#include <stdint.h>

#include "vg_config.h"

/* vg_dpapi.h (DPDK) and re.h cannot meet in one file without care (both
 * define LIST_INIT): this header names the contract's types only. */
struct vg_dpapi_event;
struct vg_dpapi_leg;
struct vg_dpapi_leg_counters;
struct vg_dpapi_srtp_keys;

#define VG_DPLINK_RETRY_MS 500
#define VG_DPLINK_POLL_MS 20
/** Starts of voxgate-cp that may fail to map the data plane's memory
 * (EAL ENOMEM) before it gives up; the count travels in this variable. */
#define VG_DPLINK_EAL_TRIES 5
#define VG_DPLINK_TRY_ENV "VOXGATE_CP_EAL_TRY"
#define VG_DPLINK_TIMEOUT_US 200000

struct vg_dplink;

enum vg_dplink_state {
	VG_DPLINK_DISABLED, /**< no [[port]]: SIP only */
	VG_DPLINK_WAITING,  /**< voxgate-dp not (yet) there */
	VG_DPLINK_UP,
	VG_DPLINK_LOST,     /**< voxgate-dp stopped or restarted */
};

/** "disabled", "waiting", "up", "lost". */
const char *vg_dplink_state_name(enum vg_dplink_state st);

/** An event of the data plane (called from the event loop). */
typedef void(vg_dplink_event_h)(const struct vg_dpapi_event *evt, void *arg);

/**
 * A session that exists in the data plane when the link comes up (made by
 * an earlier voxgate-cp whose calls are still flowing).
 */
typedef void(vg_dplink_session_h)(uint32_t sess_id, uint64_t cookie,
		const struct vg_dpapi_leg *legs, void *arg);

/**
 * Start the link (the first attempt is made at once).
 * @param eh  events; sh sessions found at attach (may be NULL); legs
 *            are the two legs of a session
 * @return 0; -ENOMEM; -EINVAL (EAL arguments do not fit)
 */
int vg_dplink_create(struct vg_dplink **lp, const struct vg_config *cfg,
		vg_dplink_event_h *eh, vg_dplink_session_h *sh, void *arg);

/** Stop polling and detach (the EAL stays). NULL is ignored. */
void vg_dplink_destroy(struct vg_dplink *l);

enum vg_dplink_state vg_dplink_state(const struct vg_dplink *l);

/** Generation of the attached data plane (0 when not up). */
uint64_t vg_dplink_generation(const struct vg_dplink *l);

/**
 * Sessions whose create timed out here (the call went on without media
 * and failed) but succeeded in the data plane later, and were deleted
 * again (vg_dpapi_drain_replies()).
 */
uint64_t vg_dplink_undone_creates(const struct vg_dplink *l);

/**
 * Create a session; keys[2]: the legs' SRTP keys (NULL when no leg has
 * SRTP), copied into the command and wiped from it after sending.
 * @return 0 with *sess_id and leg_id[2]; -ENOTCONN (link not up), the
 *         data plane's status (-ENOSPC, -EADDRINUSE, -EINVAL, ...), or
 *         -ETIMEDOUT / -ENOBUFS / -ESTALE from the transport
 */
int vg_dplink_create_session(struct vg_dplink *l, uint64_t cookie,
		const struct vg_dpapi_leg *legs,
		const struct vg_dpapi_srtp_keys *keys, uint32_t *sess_id,
		uint32_t leg_id[2]);

/** Replace both legs of a session (keys: as for create, NULL when no
 * leg has SRTP). @return as above */
int vg_dplink_update_session(struct vg_dplink *l, uint32_t sess_id,
		const struct vg_dpapi_leg *legs,
		const struct vg_dpapi_srtp_keys *keys);

/** Delete a session. @return as above */
int vg_dplink_delete_session(struct vg_dplink *l, uint32_t sess_id);

/**
 * A read-only command (VG_CMD_SESS_LIST or VG_CMD_SESS_QUERY) for another
 * process: the contract has one command sender, so voxgatectl asks
 * through voxgate-cp's control socket while voxgate-cp runs.
 * @param reply  receives the struct vg_dpapi_reply (size >= its size)
 * @return 0 (the command's own result is in the reply's status),
 *         -EPERM (another command type), -EINVAL (size), -ENOTCONN, or a
 *         transport error
 */
int vg_dplink_read(struct vg_dplink *l, uint32_t type, uint32_t sess_id,
		void *reply, size_t size);

/** Counters of a leg in place; NULL when the link is not up. */
const struct vg_dpapi_leg_counters *
vg_dplink_counters(const struct vg_dplink *l, uint32_t leg_id);

/**
 * Did the link stop the loop (re_cancel()) so that voxgate-cp starts
 * again, as a new process, to attach to the data plane? (main() then
 * execs itself with VG_DPLINK_TRY_ENV counting the attempts.)
 */
bool vg_dplink_restart_wanted(void);

#endif /* VG_DPLINK_H */

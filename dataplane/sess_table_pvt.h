/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The media session table: per media address, a direct-indexed array UDP
 * port -> leg, written by one writer (the main lcore applying commands)
 * and read by the workers under RCU (rte_rcu_qsbr). Sessions and leg
 * configurations come from pools allocated at start-up; what is unlinked
 * goes through an RCU defer queue and returns to its pool only after every
 * registered reader has passed a quiescent state.
 *
 * Ownership of a leg (struct vg_leg):
 *  - RO after create (main lcore, before publication): id, sess_id,
 *    side, peer, ctr;
 *  - cfg: replaced by the main lcore (atomic release store), read by any
 *    worker (acquire load); the old one is reclaimed after a grace period;
 *  - latched: written by the leg's rx owner (the worker whose queue gets
 *    the leg's local port: hw/ steers on the destination UDP port), read
 *    by the peer's rx owner to address packets to this leg;
 *  - the rest (rx, tx rewrite state) and *ctr: the rx owner only.
 */
#ifndef VG_SESS_TABLE_PVT_H
#define VG_SESS_TABLE_PVT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>

#include "vg_config.h"
#include "vg_dpapi.h"
#include "rtp_stats_pvt.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Immutable configuration of a leg; replaced as a whole on update. */
struct vg_leg_cfg {
	struct vg_dpapi_leg sdp;   /**< as the control plane sent it */
	uint32_t allowed_ip;       /**< STRICT: resolved allowed source */
	uint16_t allowed_port;     /**< 0 = any */
	uint16_t gen;              /**< latching epoch, never 0 */
	uint32_t clock_rate;       /**< Hz, resolved default */
	uint32_t timeout_s;        /**< resolved default */
	uint8_t pt_out[128];       /**< PT in -> PT out; 0xff = drop */
} __rte_cache_aligned;

#define VG_PT_DROP 0xff

/** latched word: ip (network order) | port << 32 | gen << 48 */
static inline uint64_t
vg_latch_pack(uint32_t ip, uint16_t port, uint16_t gen)
{
	return (uint64_t)ip | (uint64_t)port << 32 | (uint64_t)gen << 48;
}

/** Rewrite state of what a leg receives and the peer sends on. */
struct vg_leg_tx {
	bool started;              /**< a packet went out */
	uint32_t in_ssrc;          /**< SSRC last received */
	uint32_t out_ssrc;         /**< SSRC sent when rewriting */
	uint16_t seq_off;          /**< out seq = in seq + seq_off */
	uint32_t ts_off;           /**< out ts = in ts + ts_off */
	uint16_t last_out_seq;
	uint32_t last_out_ts;
	uint32_t last_arrival;     /**< arrival (RTP clock) of last packet */
};

struct vg_leg {
	uint32_t id;               /**< counters index; RO */
	uint32_t sess_id;          /**< RO */
	uint8_t side;              /**< 0 or 1; RO */
	struct vg_leg *peer;       /**< RO */
	struct vg_dpapi_leg_counters *ctr; /**< RO; fields: rx owner */
	struct vg_leg_cfg *cfg;    /**< owner: main lcore, RCU-published */
	uint64_t cookie;           /**< RO after create */
	uint64_t latched;          /**< owner: rx lcore; 0 = none */
	uint64_t created_tsc;      /**< RO after create */
	struct vg_rtp_seq seq;     /**< owner: rx lcore */
	struct vg_leg_tx tx;       /**< owner: rx lcore */
	/* own line: the main lcore's timeout scan must not bounce the
	 * lines the rx lcore writes per packet */
	uint64_t timeout_seen_tsc __rte_cache_aligned; /**< owner: main */
	bool timeout_sent;         /**< owner: main lcore */
} __rte_cache_aligned;

/** State of a session slot; owner: main lcore. */
enum vg_sess_state {
	VG_SESS_FREE = 0,
	VG_SESS_ACTIVE,
	VG_SESS_DYING,             /**< unlinked, waiting for a grace period */
};

struct vg_sess_table {
	/* RO after create */
	uint16_t n_addrs;          /**< media addresses (vg_cfg_media_addr) */
	uint16_t port_min, port_max;
	uint32_t n_slots_per_addr; /**< port_max - port_min + 1 */
	uint32_t max_sessions;
	uint32_t n_cfgs;
	uint32_t default_timeout_s;
	struct rte_rcu_qsbr *qsbr;
	struct rte_rcu_qsbr_dq *dq;
	/** [addr * n_slots_per_addr + port - port_min]: leg pointer with
	 * bit 0 set for the RTCP port; writer: main lcore (release),
	 * readers: workers (acquire) */
	uintptr_t *slots;
	struct vg_leg *legs;       /**< [2 * max_sessions] */
	struct vg_leg_cfg *cfgs;   /**< [n_cfgs] pool */
	struct vg_dpapi_leg_counters *ctrs; /**< [2 * max_sessions] */
	bool own_ctrs;             /**< ctrs allocated here */
	/* owner: main lcore */
	uint8_t *state;            /**< [max_sessions] enum vg_sess_state */
	uint32_t *free_sess;       /**< stack of free session ids */
	uint32_t n_free_sess;
	uint32_t *free_cfg;        /**< stack of free cfg indices */
	uint32_t n_free_cfg;
	uint16_t next_gen;         /**< latching epochs */
};

/**
 * Create the table for cfg: vg_cfg_media_addr_count(cfg) media
 * addresses (the ports' own and their media ranges), ports
 * cfg->media.port_min..port_max (+1 for RTCP), cfg->dp.max_sessions
 * sessions; n_readers worker threads may register with the qsbr
 * variable (thread ids 0..n_readers-1). ctrs, when not NULL, is the
 * shared-memory counter array (2 * max_sessions entries).
 * Thread: main lcore, start-up.
 * @return the table or NULL with rte_errno EINVAL or ENOMEM
 */
struct vg_sess_table *vg_sess_table_create(const struct vg_config *cfg,
		struct vg_dpapi_leg_counters *ctrs, uint32_t n_readers);

/** Free everything (no reader may be running). NULL is ignored. */
void vg_sess_table_destroy(struct vg_sess_table *t);

/**
 * Create a session and publish both legs.
 * @return 0 with *sess_id set, -EINVAL (bad leg), -EADDRINUSE (local port
 *   taken), -ENOTSUP (codec/SRTP fields set), -ENOSPC (no session free)
 */
int vg_sess_create(struct vg_sess_table *t, const struct vg_dpapi_leg legs[2],
		uint64_t cookie, uint32_t *sess_id);

/**
 * Replace both legs' configuration (RCU); local ports may move.
 * Latching restarts when a leg's remote, allowed source or mode changed.
 * @return 0, -ENOENT, -EINVAL, -EADDRINUSE, -ENOTSUP, -EBUSY (no config
 *   free until a grace period passes)
 */
int vg_sess_update(struct vg_sess_table *t, uint32_t sess_id,
		const struct vg_dpapi_leg legs[2]);

/** Unlink a session; its memory returns after a grace period.
 * @return 0 or -ENOENT */
int vg_sess_delete(struct vg_sess_table *t, uint32_t sess_id);

/**
 * Return to the pools what every reader has stopped using.
 * Thread: main lcore, periodically.
 * @return the number of objects reclaimed
 */
unsigned int vg_sess_reclaim(struct vg_sess_table *t);

/** Free sessions (available now, not counting those in a grace period). */
uint32_t vg_sess_free_count(const struct vg_sess_table *t);

/** A session's leg (side 0 or 1) if the session is active, else NULL. */
struct vg_leg *vg_sess_leg(struct vg_sess_table *t, uint32_t sess_id,
		unsigned int side);

/**
 * Media timeouts: fill evts (at most max) for legs idle longer than their
 * timeout, once per idle period. Thread: main lcore.
 * @return events written
 */
unsigned int vg_sess_timeouts(struct vg_sess_table *t, uint64_t now_tsc,
		uint64_t tsc_hz, struct vg_dpapi_event *evts, unsigned int max);

/** Command handler for vg_dpapi_server_poll(); arg is the table. */
int vg_sess_cmd(const struct vg_dpapi_cmd *cmd, struct vg_dpapi_reply *reply,
		void *arg);

/**
 * Find the leg listening on (addr, port). Thread: a registered, online
 * reader (worker) between quiescent states, or the main lcore.
 * @param rtcp  set when port is the leg's RTCP port (port + 1)
 * @return the leg or NULL
 */
static inline struct vg_leg *
vg_sess_lookup(const struct vg_sess_table *t, uint16_t addr, uint16_t port,
		bool *rtcp)
{
	uintptr_t v;

	if (addr >= t->n_addrs || port < t->port_min || port > t->port_max)
		return NULL;
	v = __atomic_load_n(&t->slots[addr * t->n_slots_per_addr +
			(uint32_t)(port - t->port_min)], __ATOMIC_ACQUIRE);
	*rtcp = (v & 1) != 0;
	return (struct vg_leg *)(v & ~(uintptr_t)1);
}

/** Ask for the slot of (addr, port) ahead of vg_sess_lookup(): with many
 * sessions the slot array is far bigger than the caches. */
static inline void
vg_sess_prefetch(const struct vg_sess_table *t, uint16_t addr, uint16_t port)
{
	if (addr < t->n_addrs && port >= t->port_min && port <= t->port_max)
		rte_prefetch0(&t->slots[addr * t->n_slots_per_addr +
				(uint32_t)(port - t->port_min)]);
}

/** The leg's current configuration (acquire). */
static inline const struct vg_leg_cfg *
vg_leg_cfg_get(const struct vg_leg *leg)
{
	return __atomic_load_n(&leg->cfg, __ATOMIC_ACQUIRE);
}

#ifdef __cplusplus
}
#endif

#endif /* VG_SESS_TABLE_PVT_H */

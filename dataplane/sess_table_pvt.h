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
 * A leg (struct vg_leg) is a record of four cache lines in the data
 * plane's memzone (VG_DPAPI_LEG_REC_SIZE; the memzone holds the legs'
 * records so that the per-packet counters, line 2, are readable by the
 * clients in place), laid out for the relay (vg_stage_relay()): a packet
 * received on leg A reads A's lines 0 and 1 and writes A's lines 1 and
 * 2, all in one 256-byte record. It reads nothing of the peer B: A's
 * line 0 holds what it needs of B (B's address and ports, and B's
 * latched source) too. The relay follows no pointer, so the lines of a
 * packet are asked for from the leg alone (vg_leg_prefetch()): a burst
 * ahead by the worker (lcore_worker.c), a few packets ahead in hand-off
 * bursts (vg_stage_relay()). Why one record: at 100k sessions, the relay
 * with the counters in an array of their own took ~1.3 times the cycles
 * a packet (perf/README.md).
 *
 * Ownership of a leg, line by line:
 *  - line 0: fast: the relay's copy of the configuration of the leg and
 *    of its peer, written by the main lcore under fast_sc (rte_seqcount),
 *    so a reader never mixes two configurations; latched: the rx owner
 *    (release store); peer_latched: the peer's rx owner, which stores
 *    the same word in its own latched and here (release);
 *  - line 1: the rx owner only (RFC 3550 state, next-hop MAC cache);
 *  - line 2: ctr, the leg's public per-packet counters (vg_dpapi.h):
 *    the rx owner (session_gen: the main lcore at create);
 *  - line 3: tx rewrite state (rx owner; only with REWRITE_SSRC), id,
 *    sess_id, cookie, side (RO after create), and cfg (replaced by the
 *    main lcore under RCU: the whole configuration as the control plane
 *    sent it, for queries, updates, timeouts and the relay's rare paths).
 * What only the main lcore uses (creation time, the media-timeout scan)
 * is in a private array beside (struct vg_leg_ctl), and the counters that
 * change now and then in the memzone's struct vg_dpapi_leg_stats array.
 * The rx owner is the worker that owns the leg's session (vg_leg_owner():
 * session id modulo the workers); packets of the session that another
 * worker receives are handed to it. *ctr: the rx owner.
 */
#ifndef VG_SESS_TABLE_PVT_H
#define VG_SESS_TABLE_PVT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>
#include <rte_seqcount.h>

#include "vg_config.h"
#include "vg_dpapi.h"
#include "rtp_stats_pvt.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Configuration of a leg; replaced as a whole on update (RCU). */
struct vg_leg_cfg {
	struct vg_dpapi_leg sdp;   /**< as the control plane sent it */
	uint32_t allowed_ip;       /**< STRICT: resolved allowed source */
	uint16_t allowed_port;     /**< 0 = any */
	uint16_t gen;              /**< latching epoch, never 0 */
	uint32_t clock_rate;       /**< Hz, resolved default */
	uint32_t timeout_s;        /**< resolved default */
	/** media processing of what this leg receives (media_pvt.h), NULL
	 * for a plain relay; owner: main lcore, used by the rx owner */
	struct vg_media_dir *media;
};

/** vg_leg_fast.flags: the peer muxes RTCP (its VG_DPAPI_LEG_F_RTCP_MUX) */
#define VG_LEG_F_PEER_MUX (1u << 15)
/** vg_leg_fast.flags: the leg's configuration has media state (SRTP,
 * transcoding): the relay takes its media path */
#define VG_LEG_F_MEDIA (1u << 14)

/**
 * What the relay needs to take a packet in on a leg (this leg's
 * configuration) and send it on (its peer's), resolved (defaults
 * applied) and small enough to share line 0 with the latched sources.
 * Written by the main lcore under vg_leg.fast_sc.
 */
struct vg_leg_fast {
	/* this leg: what it accepts, how it counts and maps */
	uint32_t allowed_ip;       /**< vg_leg_cfg.allowed_ip */
	uint32_t clock_rate;       /**< Hz */
	uint16_t allowed_port;     /**< 0 = any */
	uint16_t gen;              /**< latching epoch */
	uint16_t flags;            /**< VG_DPAPI_LEG_F_*, VG_LEG_F_PEER_MUX */
	uint8_t latching;          /**< enum vg_dpapi_latching */
	uint8_t n_pt_map;          /**< 0: payload types pass unchanged */
	struct vg_dpapi_pt_map pt_map[VG_DPAPI_PT_MAP_MAX];
	/* the peer: where what this leg receives goes */
	uint32_t to_ip;            /**< peer's SDP address, network order */
	uint16_t to_port;          /**< peer's SDP port */
	uint16_t to_gen;           /**< peer's latching epoch */
	uint16_t from_port;        /**< peer's local RTP port: our source */
	uint16_t from_addr;        /**< peer's media address index */
};

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

/**
 * The next-hop MAC of what a leg relays (to its peer's remote), as the
 * neighbour table of egress port `port` gave it when its generation was
 * `gen` (0: empty). Saves a neighbour lookup per packet.
 */
struct vg_nh_cache {
	uint32_t ip;               /**< next hop, network order */
	uint32_t gen;              /**< vg_neigh.gen it was read at */
	struct rte_ether_addr mac;
	uint16_t port;             /**< egress [[port]] index */
};

struct vg_leg {
	/* line 0: what the relay reads per packet */
	rte_seqcount_t fast_sc;    /**< writer: main lcore */
	struct vg_leg_fast fast;   /**< owner: main lcore, under fast_sc */
	uint64_t latched;          /**< owner: rx lcore; 0 = none */
	uint64_t peer_latched;     /**< the peer's latched; owner: the
				      peer's rx lcore */
	/* line 1: the rx owner's per-packet state */
	struct vg_rtp_seq seq __rte_cache_aligned; /**< owner: rx lcore */
	struct vg_nh_cache nh;     /**< owner: rx lcore */
	/* line 2: the public per-packet counters */
	struct vg_dpapi_leg_counters ctr; /**< owner: rx lcore */
	/* line 3 */
	struct vg_leg_tx tx __rte_cache_aligned; /**< owner: rx lcore */
	uint32_t id;               /**< leg index (counters index); RO */
	uint32_t sess_id;          /**< RO */
	uint64_t cookie;           /**< RO after create */
	uint8_t side;              /**< 0 or 1; RO */
	struct vg_leg_cfg *cfg;    /**< owner: main lcore, RCU-published */
} __rte_cache_aligned;

static_assert(offsetof(struct vg_leg, peer_latched) + sizeof(uint64_t) <=
	RTE_CACHE_LINE_SIZE, "vg_leg line 0 overflows");
static_assert(offsetof(struct vg_leg, ctr) == VG_DPAPI_LEG_REC_CTR_OFF,
	"vg_leg line 1 overflows, or the counters moved");
static_assert(sizeof(struct vg_leg) == VG_DPAPI_LEG_REC_SIZE,
	"vg_leg is a memzone leg record");

/** What only the main lcore keeps of a leg. */
struct vg_leg_ctl {
	uint64_t created_tsc;      /**< set at create */
	uint64_t timeout_seen_tsc; /**< media-timeout scan */
	bool timeout_sent;
};

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
	/** [addr * n_slots_per_addr + port - port_min]: (leg index + 1)
	 * << 1, bit 0 set for the RTCP port, 0 = none (half the bytes of
	 * a pointer: the array is walked at random, one line per packet);
	 * writer: main lcore (release), readers: workers (acquire) */
	uint32_t *slots;
	struct vg_leg *legs;       /**< [2 * max_sessions] */
	struct vg_leg_cfg *cfgs;   /**< [n_cfgs] pool */
	struct vg_dpapi_leg_stats *stats; /**< [2 * max_sessions] */
	bool own_shm;              /**< legs and stats allocated here */
	struct vg_leg_ctl *ctl;    /**< [2 * max_sessions]; main lcore */
	/* owner: main lcore */
	uint8_t *state;            /**< [max_sessions] enum vg_sess_state */
	uint32_t *free_sess;       /**< stack of free session ids */
	uint32_t n_free_sess;
	uint32_t *free_cfg;        /**< stack of free cfg indices */
	uint32_t n_free_cfg;
	uint32_t n_deferred;       /**< in dq, at most: 0 = nothing to
				      reclaim */
	uint16_t next_gen;         /**< latching epochs */
	uint32_t timeout_next;     /**< session the timeout scan goes on at */
};

/**
 * Create the table for cfg: vg_cfg_media_addr_count(cfg) media
 * addresses (the ports' own and their media ranges), ports
 * cfg->media.port_min..port_max (+1 for RTCP), cfg->dp.max_sessions
 * sessions; n_readers worker threads may register with the qsbr
 * variable (thread ids 0..n_readers-1). recs and stats, both NULL or
 * both not, are the memzone's leg records and leg stats
 * (vg_dpapi_server_leg_records(), 2 * max_sessions each, zeroed); NULL:
 * the table allocates its own (tests).
 * Thread: main lcore, start-up.
 * @return the table or NULL with rte_errno EINVAL or ENOMEM
 */
struct vg_sess_table *vg_sess_table_create(const struct vg_config *cfg,
		void *recs, struct vg_dpapi_leg_stats *stats,
		uint32_t n_readers);

/** Free everything (no reader may be running). NULL is ignored. */
void vg_sess_table_destroy(struct vg_sess_table *t);

/**
 * Create a session and publish both legs, with the media processing the
 * legs ask for (SRTP with keys[i], transcoding; media_pvt.h).
 * @return 0 with *sess_id set, -EINVAL (bad leg, or SRTP without keys),
 *   -EADDRINUSE (local port taken), -ENOTSUP (unknown SRTP suite),
 *   -ENOSPC (no session free), -ENOMEM (media state)
 */
int vg_sess_create_keys(struct vg_sess_table *t,
		const struct vg_dpapi_leg legs[2],
		const struct vg_dpapi_srtp_keys *keys, uint64_t cookie,
		uint32_t *sess_id);

/** vg_sess_create_keys() without SRTP keys. */
static inline int
vg_sess_create(struct vg_sess_table *t, const struct vg_dpapi_leg legs[2],
		uint64_t cookie, uint32_t *sess_id)
{
	return vg_sess_create_keys(t, legs, NULL, cookie, sess_id);
}

/**
 * Replace both legs' configuration (RCU); local ports may move.
 * Latching restarts when a leg's remote, allowed source or mode changed;
 * a direction's media state is kept when its codecs, payload types,
 * ptimes, suites and keys did not change, else made anew.
 * @return 0, -ENOENT, -EINVAL, -EADDRINUSE, -ENOTSUP, -EBUSY (no config
 *   free until a grace period passes), -ENOMEM
 */
int vg_sess_update_keys(struct vg_sess_table *t, uint32_t sess_id,
		const struct vg_dpapi_leg legs[2],
		const struct vg_dpapi_srtp_keys *keys);

/** vg_sess_update_keys() without SRTP keys. */
static inline int
vg_sess_update(struct vg_sess_table *t, uint32_t sess_id,
		const struct vg_dpapi_leg legs[2])
{
	return vg_sess_update_keys(t, sess_id, legs, NULL);
}

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
 * timeout, once per idle period; scans every session. Thread: main lcore.
 * @return events written
 */
unsigned int vg_sess_timeouts(struct vg_sess_table *t, uint64_t now_tsc,
		uint64_t tsc_hz, struct vg_dpapi_event *evts, unsigned int max);

/**
 * vg_sess_timeouts() over a slice: up to *budget sessions from where the
 * previous call stopped, wrapping at the end; *budget is decreased by the
 * sessions scanned. Stops early when evts is full (the session that did
 * not fit is scanned again next time). Lets the main lcore spread the
 * scan over time: reading every leg's counters each tick would pull the
 * lines the workers write per packet away from them. Thread: main lcore.
 * @return events written
 */
unsigned int vg_sess_timeouts_step(struct vg_sess_table *t, uint64_t now_tsc,
		uint64_t tsc_hz, struct vg_dpapi_event *evts, unsigned int max,
		uint32_t *budget);

/** Command handler for vg_dpapi_server_poll(); arg is the table. */
int vg_sess_cmd(const struct vg_dpapi_cmd *cmd, struct vg_dpapi_reply *reply,
		void *arg);

/** Slot index of (addr, port), or UINT32_MAX when out of the table. */
static inline uint32_t
vg_sess_slot(const struct vg_sess_table *t, uint16_t addr, uint16_t port)
{
	if (addr >= t->n_addrs || port < t->port_min || port > t->port_max)
		return UINT32_MAX;
	return addr * t->n_slots_per_addr + (uint32_t)(port - t->port_min);
}

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
	uint32_t k = vg_sess_slot(t, addr, port), v;

	if (k == UINT32_MAX)
		return NULL;
	/* pairs with the release store that published the leg */
	v = __atomic_load_n(&t->slots[k], __ATOMIC_ACQUIRE);
	if (v == 0)
		return NULL;
	*rtcp = (v & 1) != 0;
	return &t->legs[(v >> 1) - 1];
}

/** Ask for the slot of (addr, port) ahead of vg_sess_lookup(): with many
 * sessions the slot array is far bigger than the caches. */
static inline void
vg_sess_prefetch(const struct vg_sess_table *t, uint16_t addr, uint16_t port)
{
	uint32_t k = vg_sess_slot(t, addr, port);

	if (k != UINT32_MAX)
		rte_prefetch0(&t->slots[k]);
}

/** The leg's peer, without reading the leg. */
static inline struct vg_leg *
vg_leg_peer(const struct vg_sess_table *t, const struct vg_leg *leg)
{
	return &t->legs[(uint32_t)(leg - t->legs) ^ 1];
}

/** The counters of a leg that change now and then (RTCP, a new SSRC, a
 * sequence gap, drops, media processing), without reading the leg. */
static inline struct vg_dpapi_leg_stats *
vg_leg_stats(const struct vg_sess_table *t, const struct vg_leg *leg)
{
	return &t->stats[leg - t->legs];
}

/**
 * Ask for every line the relay touches for a packet on leg: its lines 0
 * (read), 1 and 2 (written).
 */
static inline void
vg_leg_prefetch(const struct vg_leg *leg)
{
	rte_prefetch0(leg);
	rte_prefetch0_write(&leg->seq);
	rte_prefetch0_write(&leg->ctr);
}

/**
 * Copy a leg's fast configuration, consistent (a concurrent update is
 * either wholly seen or not at all). Thread: any.
 */
static inline void
vg_leg_fast_get(const struct vg_leg *leg, struct vg_leg_fast *out)
{
	uint32_t sn;

	do {
		sn = rte_seqcount_read_begin(&leg->fast_sc);
		*out = leg->fast;
	} while (rte_seqcount_read_retry(&leg->fast_sc, sn));
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

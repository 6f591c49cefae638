/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The shared-memory contract between voxgate-dp (DPDK primary) and its
 * clients (voxgate-cp, voxgatectl; DPDK secondaries with the same
 * --file-prefix): memzone layout, command/reply/event messages, counters,
 * and the client API.
 *
 * Layout: one memzone named vg_dpapi_mz_name(file_prefix) holds, at the
 * offsets recorded in its header, three rings, the legs' records and two
 * counter arrays:
 *
 *   struct vg_dpapi_hdr
 *   command ring  CP -> DP  struct vg_dpapi_cmd    (MP/SC)
 *   reply ring    DP -> CP  struct vg_dpapi_reply  (SP/SC)
 *   event ring    DP -> CP  struct vg_dpapi_event  (MP/SC)
 *   leg records   [n_legs] of VG_DPAPI_LEG_REC_SIZE bytes, each with a
 *                 struct vg_dpapi_leg_counters at VG_DPAPI_LEG_REC_CTR_OFF
 *                 (the rest of a record is the data plane's, opaque)
 *   struct vg_dpapi_leg_stats      [n_legs]
 *   struct vg_dpapi_lcore_counters [n_lcores]
 *
 * Why a leg's per-packet counters sit inside a record of the data plane's
 * own: the relay reads and writes one place per packet. At 100k sessions
 * a separate counter array, as dense as the legs, was what kept the
 * relay waiting (perf/README.md, "Where the relay's time goes").
 *
 * The rings are rte_ring objects initialised in place exactly as
 * rte_ring_create_elem() does (rte_ring_get_memsize_elem + rte_ring_init),
 * so one memzone lookup finds everything and no ring name has to fit in
 * RTE_RING_NAMESIZE. Messages travel by value with the rte_ring_*_elem
 * calls and the element sizes below.
 *
 * Rules for everything here: explicit widths, static_assert'ed sizes, no
 * pointers (each process maps its own code), IPv4 addresses in network
 * byte order, UDP ports and everything else in host byte order.
 *
 * One process sends commands at a time (voxgate-cp): replies are not
 * addressed to a process. Any number of readers may read counters.
 *
 * Compiles as C11 and C++.
 */
#ifndef VG_DPAPI_H
#define VG_DPAPI_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Bump on any change of a struct or constant below. (Defined outside only
 * by the test that builds a client of another version to see it refused.)
 */
#ifndef VG_DPAPI_ABI_VERSION
#define VG_DPAPI_ABI_VERSION 6u
#endif
/** "VGDP" in the first four bytes of the memzone. */
#define VG_DPAPI_MAGIC 0x50444756u
/** Memzone name: this prefix followed by the EAL file prefix. */
#define VG_DPAPI_MZ_PREFIX "vgdp:"
/** Room for a memzone name (RTE_MEMZONE_NAMESIZE in DPDK 22.11). */
#define VG_DPAPI_MZ_NAME_MAX 32

/** Lifecycle of the data plane, hdr.state. */
enum vg_dpapi_state {
	VG_DPAPI_STATE_INIT = 0,    /**< memzone being filled in */
	VG_DPAPI_STATE_RUNNING = 1, /**< commands are served */
	VG_DPAPI_STATE_STOPPED = 2, /**< voxgate-dp is shutting down */
};

/**
 * Memzone header. Written by voxgate-dp's main lcore; read-only for
 * clients. All fields are fixed between create and destroy except state
 * and the *_dropped counters.
 */
struct vg_dpapi_hdr {
	uint32_t magic;            /**< VG_DPAPI_MAGIC; owner: dp, RO */
	uint32_t abi_version;      /**< VG_DPAPI_ABI_VERSION; owner: dp, RO */
	uint64_t generation;       /**< grows at every dp start; owner: dp, RO */
	uint32_t state;            /**< enum vg_dpapi_state; owner: dp main
					lcore, atomic release store */
	uint32_t hdr_size;         /**< sizeof(struct vg_dpapi_hdr) */
	uint64_t total_size;       /**< bytes of the memzone in use */
	uint64_t tsc_hz;           /**< rte_get_tsc_hz() of the dp */
	uint64_t start_tsc;        /**< TSC at start ... */
	uint64_t start_realtime_ns;/**< ... and CLOCK_REALTIME then */
	/* what follows the header; offsets from the header's address */
	uint64_t cmd_ring_off;
	uint64_t reply_ring_off;
	uint64_t event_ring_off;
	uint64_t leg_counters_off; /**< leg 0's counters (in its record) */
	uint64_t lcore_counters_off;
	uint32_t cmd_ring_size;    /**< slots (power of two) */
	uint32_t reply_ring_size;
	uint32_t event_ring_size;
	uint32_t cmd_size;         /**< sizeof(struct vg_dpapi_cmd) */
	uint32_t reply_size;
	uint32_t event_size;
	uint32_t leg_counters_size;
	uint32_t lcore_counters_size;
	uint32_t max_sessions;     /**< sessions; legs = 2 * max_sessions */
	uint32_t n_legs;
	uint32_t n_lcores;
	uint32_t n_local_addrs;    /**< media addresses; local_addr of a leg
					is below this (ABI 2) */
	uint64_t events_dropped;   /**< event ring full; owner: any dp lcore,
					atomic add */
	uint64_t replies_dropped;  /**< reply ring full; owner: dp main lcore */
	uint64_t leg_stats_off;    /**< struct vg_dpapi_leg_stats [n_legs]
					(ABI 6) */
	uint32_t leg_stats_size;
	uint32_t leg_counters_stride; /**< bytes from a leg's counters to the
					next leg's: VG_DPAPI_LEG_REC_SIZE */
	uint8_t rsvd[80];
};
static_assert(sizeof(struct vg_dpapi_hdr) == 256, "vg_dpapi_hdr ABI");

/* ---- commands CP -> DP ------------------------------------------------ */

enum vg_dpapi_cmd_type {
	VG_CMD_SESS_CREATE = 1, /**< legs[] -> reply sess_id, leg_id[] */
	VG_CMD_SESS_UPDATE = 2, /**< sess_id, legs[] replace both legs */
	VG_CMD_SESS_DELETE = 3, /**< sess_id */
	VG_CMD_SESS_QUERY = 4,  /**< sess_id -> reply u.query */
	VG_CMD_SESS_LIST = 5,   /**< sess_id = first id -> reply u.list */
};

/** Symmetric-RTP latching (conf's enum vg_cfg_latching, same values). */
enum vg_dpapi_latching {
	VG_DPAPI_LATCH_OFF = 0,    /**< send to SDP address, accept only it */
	VG_DPAPI_LATCH_STRICT = 1, /**< latch the first RTP from allowed_src */
	VG_DPAPI_LATCH_ANY = 2,    /**< latch the first RTP from anywhere */
};

/** Leg flags, vg_dpapi_leg.flags */
#define VG_DPAPI_LEG_F_RTCP_MUX (1u << 0) /**< RTCP on the RTP port
						(RFC 5761), not on port+1 */
#define VG_DPAPI_LEG_F_REWRITE_SSRC (1u << 1) /**< keep SSRC/seq/ts of what
						this leg sends on continuous */

#define VG_DPAPI_PT_MAP_MAX 8

/** Payload-type mapping: PT in on this leg -> PT out on the peer leg. */
struct vg_dpapi_pt_map {
	uint8_t in_pt;
	uint8_t out_pt;
};

/**
 * One party of a session as the control plane sees it in SDP. Media
 * received on leg[i] is relayed out of leg[1-i]'s local port to
 * leg[1-i]'s (latched) remote. pt_map, flags and out_ssrc of a leg apply
 * to the packets received on that leg. Owner: CP writes, DP copies.
 */
struct vg_dpapi_leg {
	uint32_t remote_ip;        /**< SDP c= address, network order;
					0 = no media (hold, not yet known) */
	uint16_t remote_port;      /**< SDP m= port */
	uint16_t local_port;       /**< our even RTP port in [media] range */
	uint32_t allowed_src_ip;   /**< LATCH_STRICT: 0 = remote_ip */
	uint16_t allowed_src_port; /**< LATCH_STRICT: 0 = any port */
	/**
	 * Media address the leg's local_port is on (ABI 2: 16 bits).
	 * Media addresses are numbered in [[port]] order; each port's
	 * `address` comes first, then the addresses of its `media_range`
	 * in ascending order (vg_cfg_media_addr() in vg_config.h maps an
	 * index to its port and IP; hdr.n_local_addrs is the count).
	 */
	uint16_t local_addr;
	uint16_t flags;            /**< VG_DPAPI_LEG_F_* */
	uint16_t media_timeout_s;  /**< 0 = [media] timeout_s */
	uint32_t clock_rate;       /**< RTP clock (Hz) for jitter; 0 = 8000 */
	uint32_t out_ssrc;         /**< REWRITE_SSRC: SSRC sent; 0 = the
					first SSRC received */
	uint8_t n_pt_map;          /**< 0 = payload types pass unchanged */
	uint8_t latching;          /**< enum vg_dpapi_latching */
	uint8_t rsvd0[2];
	struct vg_dpapi_pt_map pt_map[VG_DPAPI_PT_MAP_MAX];
	/*
	 * Media processing (ABI 3-4). codec: what this leg's remote speaks,
	 * enum vg_cfg_codec + 1, with payload type pt and packetisation
	 * ptime_ms (0 = 20). When both legs name a codec and they differ,
	 * the session transcodes: what leg i receives is decoded from its
	 * codec and encoded in the peer's (pt_map is then not used); 0 on
	 * either leg = relay. dtmf_pt: this leg's telephone-event payload
	 * type (RFC 4733, 0 = none), translated, never transcoded; cn_pt:
	 * its comfort-noise payload type (RFC 3389, 0 = none).
	 * srtp_suite: enum vg_srtp_suite (0 = plain RTP) on this leg; its
	 * keys are in vg_dpapi_cmd.keys[i].
	 */
	uint8_t codec;
	uint8_t ptime_ms;
	uint8_t srtp_suite;
	uint8_t pt;
	uint8_t dtmf_pt;
	uint8_t cn_pt;
	uint8_t rsvd1[10];
};
static_assert(sizeof(struct vg_dpapi_leg) == 64, "vg_dpapi_leg ABI");
static_assert(offsetof(struct vg_dpapi_leg, local_addr) == 14 &&
	offsetof(struct vg_dpapi_leg, latching) == 29 &&
	offsetof(struct vg_dpapi_leg, pt_map) == 32, "vg_dpapi_leg ABI");

/**
 * SRTP master key||salt (RFC 3711, 30 bytes) pair of one leg: rx
 * unprotects what the leg's remote sends (the key of its SDP), tx
 * protects what we send it (the key of our SDP to it).
 */
struct vg_dpapi_srtp_keys {
	uint8_t rx[30];
	uint8_t tx[30];
	uint8_t rsvd[4];
};
static_assert(sizeof(struct vg_dpapi_srtp_keys) == 64, "vg_dpapi ABI");

/** A command, CP -> DP. Owner: the sending client. */
struct vg_dpapi_cmd {
	uint32_t type;             /**< enum vg_dpapi_cmd_type */
	uint32_t req_id;           /**< echoed in the reply */
	uint32_t sess_id;          /**< UPDATE/DELETE/QUERY; LIST: first id */
	uint32_t rsvd0;
	uint64_t cookie;           /**< CREATE: CP's tag for the call,
					returned in events */
	uint8_t rsvd[40];
	struct vg_dpapi_leg legs[2];
	/** SRTP keys of legs[i] when its srtp_suite is set */
	struct vg_dpapi_srtp_keys keys[2];
};
static_assert(sizeof(struct vg_dpapi_cmd) == 320, "vg_dpapi_cmd ABI");

/** Session ids returned by one LIST reply. */
#define VG_DPAPI_LIST_MAX 38

/** A reply, DP -> CP, one per command. Owner: dp main lcore. */
struct vg_dpapi_reply {
	uint32_t req_id;           /**< of the command */
	int32_t status;            /**< 0 or a negative errno */
	uint32_t type;             /**< of the command */
	uint32_t sess_id;
	uint32_t leg_id[2];        /**< indices of the leg counters */
	uint64_t cookie;
	union {
		/** QUERY */
		struct {
			struct vg_dpapi_leg legs[2];  /**< as last set */
			uint32_t latched_ip[2];      /**< 0 = not latched */
			uint16_t latched_port[2];
			uint8_t rsvd[20];
		} query;
		/** LIST: ids in use from cmd.sess_id on */
		struct {
			uint32_t n;                  /**< ids below */
			uint32_t next;               /**< id to ask next;
							UINT32_MAX = end */
			uint32_t ids[VG_DPAPI_LIST_MAX];
		} list;
	} u;
};
static_assert(sizeof(struct vg_dpapi_reply) == 192, "vg_dpapi_reply ABI");

/* ---- events DP -> CP -------------------------------------------------- */

enum vg_dpapi_event_type {
	VG_EVT_MEDIA_TIMEOUT = 1, /**< no media for media_timeout_s */
	VG_EVT_LATCHED = 2,       /**< first valid RTP, source latched */
	VG_EVT_SSRC_CHANGE = 3,   /**< the received SSRC changed */
	VG_EVT_DTMF = 4,          /**< reserved: RFC 4733 events */
};

/** An event, DP -> CP. Owner: the dp lcore that detected it. */
struct vg_dpapi_event {
	uint16_t type;             /**< enum vg_dpapi_event_type */
	uint16_t rsvd0;
	uint32_t sess_id;
	uint32_t leg_id;
	uint32_t rsvd1;
	uint64_t cookie;           /**< of the session */
	union {
		struct {
			uint32_t ip;       /**< network order */
			uint16_t port;
			uint16_t rsvd;
		} latched;
		struct {
			uint32_t old_ssrc;
			uint32_t new_ssrc;
		} ssrc;
		struct {
			uint32_t idle_s;
			uint32_t rsvd;
		} timeout;
		struct {
			uint8_t event;     /**< RFC 4733 event code */
			uint8_t end;
			uint16_t duration;
			uint32_t rsvd;
		} dtmf;
	} u;
};
static_assert(sizeof(struct vg_dpapi_event) == 32, "vg_dpapi_event ABI");

/* ---- counters ---------------------------------------------------------- */

/**
 * Why the data plane dropped a packet. X-macro: the enum and the names
 * cannot drift apart. Appending keeps the ABI; anything else bumps it.
 */
#define VG_DROP_REASONS(X) \
	X(MULTISEG, "chained mbuf") \
	X(ETH_TRUNC, "frame shorter than Ethernet header") \
	X(ETH_NOT_US, "destination MAC not ours") \
	X(ETHERTYPE, "unsupported ethertype") \
	X(ARP_MALFORMED, "malformed or truncated ARP") \
	X(ARP_NOT_US, "ARP not asking for our address") \
	X(IP_TRUNC, "truncated IPv4 header") \
	X(IP_BAD_HDR, "bad IPv4 version, IHL or length") \
	X(IP_CSUM, "bad IPv4 header checksum") \
	X(IP_NOT_US, "IPv4 destination not ours") \
	X(ICMP_TRUNC, "truncated ICMP") \
	X(UDP_TRUNC, "truncated or bad-length UDP") \
	X(NO_SESSION, "no session on media port") \
	X(RTP_INVALID, "not RTP version 2 or too short") \
	X(RTCP_INVALID, "not RTCP version 2 or too short") \
	X(SRC_REJECTED, "source not allowed or not latched (anti-bleed)") \
	X(PT_UNMAPPED, "payload type not in the map") \
	X(NO_DEST, "peer leg has no destination") \
	X(NO_EXCEPTION, "exception path disabled") \
	X(TX_FULL, "transmit queue full") \
	X(NO_NEIGH, "next hop MAC not resolved yet (ARP sent)") \
	X(NOT_MEDIA, "not media, to a media-only address") \
	X(SRTP_AUTH, "SRTP/SRTCP authentication failed") \
	X(SRTP_REPLAY, "SRTP/SRTCP replayed or too old") \
	X(SRTP_BAD, "SRTP/SRTCP malformed or no room for the tag") \
	X(XCODE_BAD, "transcoding: undecodable or unexpected payload") \
	X(NO_MBUF, "no mbuf for a re-packetised frame")

enum vg_drop_reason {
#define VG_DROP_ENUM(name, text) VG_DROP_##name,
	VG_DROP_REASONS(VG_DROP_ENUM)
#undef VG_DROP_ENUM
	VG_DROP_COUNT
};

/** Room for drop counters; > VG_DROP_COUNT so reasons can be appended. */
#define VG_DROP_SLOTS 32
static_assert(VG_DROP_COUNT <= VG_DROP_SLOTS, "VG_DROP_SLOTS too small");

/** Text of a drop reason ("?" when out of range). */
const char *vg_drop_reason_name(unsigned int reason);

/** Bytes of a leg's record in the memzone (a power of two: no record
 * straddles a page). */
#define VG_DPAPI_LEG_REC_SIZE 256u
/** Offset of struct vg_dpapi_leg_counters in a leg's record. */
#define VG_DPAPI_LEG_REC_CTR_OFF 128u

/**
 * What every relayed packet updates on the leg it came in on, index
 * leg_id, inside the leg's record (vg_dpapi_leg_counters()). Every field
 * is written by the leg's rx owner only: the one worker lcore that owns
 * the leg's session (the others hand its packets to it, whatever queue
 * the NIC chose), with relaxed atomic stores; readers use relaxed atomic
 * loads (__atomic_load_n) and may see fields of different packets.
 * session_gen is written by the dp main lcore at create, before the
 * session is published.
 */
struct vg_dpapi_leg_counters {
	uint64_t rx_pkts;          /**< RTP+RTCP that reached the leg's
					ports, rejected ones included */
	uint64_t rx_bytes;         /**< UDP payload bytes of those */
	uint64_t fwd_pkts;         /**< relayed to the peer leg */
	uint64_t fwd_bytes;
	uint64_t last_rx_tsc;      /**< TSC of the last accepted packet
					(0 = none yet); wall time =
					start_realtime_ns + (tsc - start_tsc)
					* 1e9 / tsc_hz */
	uint32_t ssrc;             /**< last SSRC received */
	/* RFC 3550 A.1, A.3, A.8 receiver statistics */
	uint32_t ext_max_seq;      /**< cycles + highest seq received */
	uint32_t received;         /**< RTP packets counted by A.1 since the
					last SSRC change or resync */
	int32_t lost;              /**< expected - received (A.3), can be <0
					with duplicates */
	uint32_t jitter;           /**< interarrival jitter, RTP clock units
					(the A.8 value J, not J*16) */
	uint32_t session_gen;      /**< bumped at every create of the slot;
					owner: dp main lcore */
} __rte_cache_aligned;
static_assert(sizeof(struct vg_dpapi_leg_counters) == 64,
	"vg_dpapi_leg_counters ABI: one line");

/**
 * What changes now and then on a leg (RTCP, a new SSRC, a gap, a drop,
 * media processing), index leg_id, in an array of its own. Same writers
 * and readers as struct vg_dpapi_leg_counters.
 */
struct vg_dpapi_leg_stats {
	uint64_t rtcp_pkts;        /**< RTCP among rx_pkts */
	uint32_t base_seq;
	uint32_t seq_gaps;         /**< times a seq jumped forward by > 1 */
	uint32_t seq_resets;       /**< large jumps that restarted tracking */
	uint32_t ssrc_changes;
	/* media processing of what this leg receives (ABI 3-5) */
	uint64_t xcode_pkts;       /**< transcoded packets sent to the peer */
	uint64_t dtmf_pkts;        /**< RFC 4733 events translated */
	uint64_t srtp_rx_pkts;     /**< SRTP/SRTCP authenticated and
					decrypted */
	uint64_t srtp_tx_pkts;     /**< protected toward the peer */
	uint64_t rsvd0;
	/* lines 1-4: drops of packets that reached this leg */
	uint64_t drops[VG_DROP_SLOTS];
} __rte_cache_aligned;
static_assert(offsetof(struct vg_dpapi_leg_stats, rsvd0) +
	sizeof(uint64_t) <= 64, "vg_dpapi_leg_stats line 0 overflows");
static_assert(sizeof(struct vg_dpapi_leg_stats) == 320,
	"vg_dpapi_leg_stats ABI");

/** Counters of one dp lcore. Owner: that lcore (relaxed atomic stores). */
struct vg_dpapi_lcore_counters {
	uint64_t rx_pkts;
	uint64_t tx_pkts;
	uint64_t exception_pkts;   /**< handed to the exception path */
	uint64_t arp_replies;
	uint64_t icmp_replies;
	uint64_t bursts;
	uint64_t busy_tsc;         /**< TSC spent on rounds that had work */
	uint64_t idle_tsc;         /**< TSC spent on empty rounds */
	uint64_t drops[VG_DROP_SLOTS];
	uint64_t xcode_pkts;       /**< packets written by transcoding */
	uint64_t srtp_pkts;        /**< SRTP/SRTCP packets unprotected or
					protected */
} __rte_cache_aligned;
static_assert(sizeof(struct vg_dpapi_lcore_counters) == 384,
	"vg_dpapi_lcore_counters ABI");

/* ---- names -------------------------------------------------------------- */

/**
 * Memzone name for an EAL file prefix.
 * @return 0, -EINVAL (empty prefix), -ENAMETOOLONG (does not fit in size
 * or in VG_DPAPI_MZ_NAME_MAX)
 */
int vg_dpapi_mz_name(const char *file_prefix, char *buf, size_t size);

/* ---- client API (voxgate-cp, voxgatectl, tests) ------------------------- */

struct vg_dpapi_client;

/**
 * Attach to a running voxgate-dp's memzone. EAL must be initialised (as a
 * secondary process with the same --file-prefix, or in the primary).
 * Thread: any, once; the client is used by one thread.
 *
 * @param file_prefix  the EAL file prefix ([eal] file_prefix)
 * @param err          receives an operator-facing message on failure
 * @return the client, or NULL with rte_errno: ENOENT (no memzone: "is
 *   voxgate-dp running with file prefix X?"), EPROTO (magic or ABI version
 *   mismatch), EAGAIN (voxgate-dp still starting or stopping), EINVAL,
 *   ENAMETOOLONG, ENOMEM
 */
struct vg_dpapi_client *vg_dpapi_attach(const char *file_prefix, char *err,
		size_t err_size);

/** Forget a client (the memzone stays). NULL is ignored. */
void vg_dpapi_detach(struct vg_dpapi_client *c);

/**
 * Send a command and wait for its reply. Sets cmd->req_id. Replies to
 * older requests (timed out earlier) are discarded, except that a
 * session whose create timed out but succeeded later is deleted: the
 * caller took the timeout for a failure, so the session is nobody's.
 *
 * @param timeout_us  bounded wait for the reply
 * @return 0 with *reply filled (the command's result is reply->status),
 *   -ENOBUFS (command ring full), -ETIMEDOUT, -ESTALE (voxgate-dp
 *   restarted or stopped since attach: attach again)
 */
int vg_dpapi_request(struct vg_dpapi_client *c, struct vg_dpapi_cmd *cmd,
		struct vg_dpapi_reply *reply, uint64_t timeout_us);

/**
 * Take the replies nobody waits for (their requests timed out), with the
 * same rule as vg_dpapi_request(): a late successful create is deleted.
 * Call it now and then when requests are rare, so such a session does
 * not wait for the next request. @return replies taken.
 */
unsigned int vg_dpapi_drain_replies(struct vg_dpapi_client *c);

/** Sessions deleted because their create's reply came too late. */
uint64_t vg_dpapi_undone_creates(const struct vg_dpapi_client *c);

/**
 * Take up to max pending events.
 * @return the number taken (0 when none)
 */
unsigned int vg_dpapi_poll_events(struct vg_dpapi_client *c,
		struct vg_dpapi_event *evts, unsigned int max);

/** The memzone header (read-only). */
const struct vg_dpapi_hdr *vg_dpapi_header(const struct vg_dpapi_client *c);

/**
 * Per-packet counters of a leg, read in place (use relaxed atomic loads).
 * @return NULL when leg_id >= n_legs
 */
const struct vg_dpapi_leg_counters *
vg_dpapi_leg_counters(const struct vg_dpapi_client *c, uint32_t leg_id);

/**
 * The rest of a leg's counters (RTCP, sequence gaps, drops, media
 * processing), read in place. @return NULL when leg_id >= n_legs
 */
const struct vg_dpapi_leg_stats *
vg_dpapi_leg_stats(const struct vg_dpapi_client *c, uint32_t leg_id);

/** Counters of dp lcore slot i; NULL when i >= n_lcores. */
const struct vg_dpapi_lcore_counters *
vg_dpapi_lcore_counters(const struct vg_dpapi_client *c, uint32_t i);

#ifdef __cplusplus
}
#endif

#endif /* VG_DPAPI_H */

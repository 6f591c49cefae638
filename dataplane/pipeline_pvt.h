/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The worker's packet pipeline as stages over a burst: classify (parse,
 * answer ARP/ICMP echo in place), lookup (port -> leg), relay (latching,
 * RTP statistics, rewrite) and dispatch (split by destination, free and
 * count drops). Each stage reads and writes one struct vg_burst whose
 * fields are grouped as inputs, per-packet verdicts and outputs.
 *
 * Per packet: classify -> lookup -> relay -> dispatch. A stage touches
 * only the packets whose verdict is its own, so stages can be tested one
 * at a time on made-up bursts.
 */
#ifndef VG_PIPELINE_PVT_H
#define VG_PIPELINE_PVT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "vg_dpapi.h"
#include "neigh_pvt.h"
#include "sess_table_pvt.h"
#include "vg_codec.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest burst a context holds ([dataplane] burst_size <= 256). */
#define VG_BURST_MAX 256

/** What happens to a packet. */
enum vg_verdict {
	VG_V_DROP = 0,  /**< freed, counted under reason[] */
	VG_V_MEDIA,     /**< UDP to a media port: lookup and relay */
	VG_V_REPLY,     /**< ARP/ICMP answered in place: back out rx_addr */
	VG_V_EXCEPTION, /**< for our address, not media: to the kernel */
	VG_V_FWD,       /**< relayed: out of addrs[out_addr] */
	VG_V_TAKEN,     /**< relay took the mbuf: queued in tx[] itself
			  (re-packetised output), or freed (frame held) */
	VG_V_HANDOFF,   /**< a session another worker owns: to it */
};

/** Room in vg_burst.tx[]: a burst, plus what re-packetising adds. */
#define VG_TX_MAX (VG_BURST_MAX + 64)
/** Packets one received packet may turn into (transcoding). */
#define VG_XC_OUT 8

/**
 * One [[port]]: its own address (SIP, exception path, ARP requests we
 * send) and its media range. RO after start-up. Media addresses are
 * numbered globally (vg_dpapi_leg.local_addr): port order, each port's
 * ip first (media_base), then range_first .. range_first + range_n - 1
 * (media_base + 1 ...), so a destination maps to its index in O(1).
 */
struct vg_local_addr {
	uint32_t ip;                   /**< network order */
	uint32_t range_first;          /**< media_range, host order */
	uint16_t range_n;              /**< addresses in it; 0 = none */
	uint16_t media_base;           /**< media-address index of ip */
	struct rte_ether_addr mac;     /**< of our NIC port */
	struct rte_ether_addr nh_mac;  /**< next hop for media we send */
	uint32_t netmask;              /**< network order */
	uint32_t gateway;              /**< network order; 0 = none */
	const struct vg_neigh *neigh;  /**< next hop -> MAC, writer: main
					  lcore; NULL: use nh_mac (tests) */
	struct rte_ring *hints;        /**< struct vg_neigh_hint to the main
					  lcore, MP/SC; NULL in unit tests */
	uint16_t port_id;              /**< ethdev */
	uint16_t media_port_min;       /**< [media] range, host order */
	uint16_t media_port_max;
	bool exception;                /**< exception path enabled */
	bool tx_ip_cksum;              /**< the port computes the IPv4 header
					  checksum of what we send */
};

/** One media address: where a leg's local_addr points. RO after
 * start-up. */
struct vg_media_addr {
	uint32_t ip;                   /**< network order */
	uint16_t port;                 /**< index of its [[port]] (addrs[]) */
	uint16_t rsvd;
};

/** Media-address index of ip on la, or -1 when ip is not la's. */
static inline int
vg_local_maddr(const struct vg_local_addr *la, uint32_t ip)
{
	uint32_t off;

	if (ip == la->ip)
		return la->media_base;
	off = rte_be_to_cpu_32(ip) - la->range_first;
	return off < la->range_n ? (int)(la->media_base + 1 + off) : -1;
}

/**
 * What a worker tells the main lcore (the neighbour table's writer) about
 * neighbours: "ip is at mac" from an ARP packet it answered, or "resolve
 * ip" when media had no next-hop MAC. Travels by value in an rte_ring.
 */
struct vg_neigh_hint {
	uint32_t ip;                   /**< network order */
	uint16_t addr;                 /**< index of the [[port]] */
	uint8_t learn;                 /**< 1: ip is at mac; 0: resolve ip */
	uint8_t rsvd0;
	struct rte_ether_addr mac;     /**< learn only */
	uint16_t rsvd1;
};

/** The next hop toward ip from la: ip on the link, else the gateway
 * (ip itself when there is none). */
static inline uint32_t
vg_next_hop(const struct vg_local_addr *la, uint32_t ip)
{
	if (((ip ^ la->ip) & la->netmask) == 0 || la->gateway == 0)
		return ip;
	return la->gateway;
}

/** Post a hint; dropped silently when the ring is full or absent (the
 * next packet asks again). */
static inline void
vg_neigh_hint_post(const struct vg_local_addr *la, uint16_t addr, uint32_t ip,
		const struct rte_ether_addr *mac)
{
	struct vg_neigh_hint h;

	if (la->hints == NULL)
		return;
	memset(&h, 0, sizeof(h));
	h.ip = ip;
	h.addr = addr;
	h.learn = mac != NULL;
	if (mac != NULL)
		h.mac = *mac;
	rte_ring_mp_enqueue_elem(la->hints, &h, sizeof(h));
}

/** A burst through the stages; one per worker lcore, reused. */
struct vg_burst {
	/* inputs: set by the worker before classify */
	struct rte_mbuf **pkts;        /**< the rx burst */
	uint16_t n;                    /**< <= VG_BURST_MAX */
	uint16_t rx_addr;              /**< index of the port it came on */
	const struct vg_local_addr *addrs; /**< per [[port]] */
	uint16_t n_addrs;              /**< ports */
	const struct vg_media_addr *maddrs; /**< per media address */
	uint16_t n_maddrs;
	const struct vg_sess_table *tbl;
	uint64_t now_tsc;              /**< one TSC read per burst */
	uint64_t tsc_hz;               /**< set before vg_burst_start() */
	uint64_t now_sec;              /**< vg_burst_start: now_tsc / tsc_hz */
	uint64_t now_frac;             /**< ... and the rest of the second,
					  0.32 fixed point rounded up */
	uint32_t rtp_rate;             /**< vg_burst_rtp_now(): the clock rate
					  of rtp_now (0 = none yet) ... */
	uint32_t rtp_now;              /**< ... and now in its units */
	struct vg_dpapi_lcore_counters *lc; /**< this lcore's counters */
	uint16_t worker_id;            /**< this worker (vg_leg_owner()) */
	uint16_t n_workers;            /**< 0 or 1: no hand-off */
	bool asked;                    /**< the legs' records were asked for
					  after lookup (vg_burst_start()
					  clears it) */

	/* verdicts: per packet, written by the stages */
	uint8_t verdict[VG_BURST_MAX]; /**< enum vg_verdict */
	uint8_t reason[VG_BURST_MAX];  /**< enum vg_drop_reason when DROP */
	uint8_t rtcp[VG_BURST_MAX];    /**< lookup/relay: packet is RTCP */
	uint16_t l4_off[VG_BURST_MAX]; /**< classify: UDP header offset */
	uint16_t udp_len[VG_BURST_MAX];/**< classify: UDP length field */
	uint16_t maddr[VG_BURST_MAX];  /**< classify: media address index */
	uint16_t dport[VG_BURST_MAX];  /**< classify: UDP destination port,
					  host order */
	uint8_t *frame[VG_BURST_MAX];  /**< classify: where the frame starts
					  (lookup and relay read no mbuf) */
	struct vg_leg *leg[VG_BURST_MAX]; /**< lookup */
	uint16_t out_addr[VG_BURST_MAX];  /**< relay: egress port */

	/* outputs: written by relay and dispatch */
	/** to post; a packet may latch and change SSRC: two each */
	struct vg_dpapi_event events[2 * VG_BURST_MAX];
	uint16_t n_events;
	struct rte_mbuf *tx[VG_TX_MAX];    /**< to send ... */
	uint16_t tx_addr[VG_TX_MAX];       /**< ... out of this port */
	uint16_t n_tx;
	/** transcoding output of one packet (scratch of relay) */
	struct vg_xcode_pkt xc_out[VG_XC_OUT];
	struct rte_mbuf *exc[VG_BURST_MAX]; /**< to the exception path */
	uint16_t n_exc;
	struct rte_mbuf *ho[VG_BURST_MAX];  /**< to the owning worker ... */
	uint16_t ho_owner[VG_BURST_MAX];    /**< ... this one */
	uint16_t n_ho;
};

/** Set the inputs of a burst and clear its outputs. */
void vg_burst_start(struct vg_burst *b, struct rte_mbuf **pkts, uint16_t n,
		uint64_t now_tsc);

/**
 * Stage 1: parse Ethernet/ARP/IPv4/UDP/ICMP, checking every length
 * against the data; answer ARP requests and ICMP echo requests for the
 * addresses of addrs[rx_addr] (its ip and media range) in place
 * (VG_V_REPLY); UDP to a media port -> VG_V_MEDIA with maddr[] set;
 * other traffic for the port's ip -> VG_V_EXCEPTION (or drop
 * NO_EXCEPTION), for a range address -> drop NOT_MEDIA; the rest ->
 * VG_V_DROP with a reason. Chained mbufs are dropped.
 */
void vg_stage_classify(struct vg_burst *b);

/**
 * The worker that owns a leg's session: the only one that writes its
 * state (latching, RFC 3550 statistics, counters, SRTP and codec state).
 * Whatever queue the NIC's RSS puts a packet on (RTP and RTCP of a leg,
 * or an injected packet, may hash apart), the worker that receives it
 * for a session it does not own hands it over (vg_stage_lookup(),
 * VG_V_HANDOFF) through that worker's ring, unchanged.
 */
static inline uint16_t
vg_leg_owner(const struct vg_sess_table *t, const struct vg_leg *leg,
		uint16_t n_workers)
{
	return (uint16_t)(((uint32_t)(leg - t->legs) >> 1) % n_workers);
}

/** Stage 2: VG_V_MEDIA packets get leg[] and rtcp[], or drop NO_SESSION;
 * a packet of a session another worker owns -> VG_V_HANDOFF.
 * Thread: a registered, online RCU reader of b->tbl. */
void vg_stage_lookup(struct vg_burst *b);

/**
 * Stage 3: for VG_V_MEDIA packets with a leg: RTP/RTCP checks, source
 * check and latching (events), RFC 3550 statistics, payload-type map,
 * optional SSRC/seq/ts continuity, then L2/IPv4/UDP rewrite toward the
 * peer leg with checksums adjusted (RFC 1624; the IPv4 one left to the
 * port when it offers that) -> VG_V_FWD; or drop with a reason (counted
 * on the leg too). Unless b->asked, asks for the lines of the media
 * packet VG_RELAY_AHEAD (8) on before it relays one. Thread: the rx
 * owner of the legs.
 */
void vg_stage_relay(struct vg_burst *b);

/**
 * Stage 4: VG_V_FWD and VG_V_REPLY go to tx[], VG_V_EXCEPTION to exc[],
 * drops are freed and counted in *lc.
 */
void vg_stage_dispatch(struct vg_burst *b);

/**
 * Add to a counter that other processes read: one writer, so a relaxed
 * load and store, never a locked add.
 */
static inline void
vg_ctr_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

/** RTP clock units of a TSC value (for jitter), wrapping at 2^32. */
static inline uint32_t
vg_tsc_to_rtp(uint64_t tsc, uint64_t tsc_hz, uint32_t clock_rate)
{
	return (uint32_t)((tsc / tsc_hz) * clock_rate +
			(tsc % tsc_hz) * clock_rate / tsc_hz);
}

/**
 * The burst's arrival time in RTP clock units: vg_tsc_to_rtp(now_tsc)
 * without a division per packet (two 64-bit divisions cost ~80 cycles),
 * computed once a burst for each clock rate in a row.
 * Exact while clock_rate * tsc_hz < 2^32; above that it may be one unit
 * high now and then, which jitter (RFC 3550 A.8) does not notice.
 */
static inline uint32_t
vg_burst_rtp_now(struct vg_burst *b, uint32_t clock_rate)
{
	if (unlikely(clock_rate != b->rtp_rate)) {
		b->rtp_rate = clock_rate;
		b->rtp_now = (uint32_t)(b->now_sec * clock_rate +
			((b->now_frac * clock_rate) >> 32));
	}
	return b->rtp_now;
}

#ifdef __cplusplus
}
#endif

#endif /* VG_PIPELINE_PVT_H */

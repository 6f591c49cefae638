/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Lookup, relay and dispatch stages: from a media packet on a leg's
 * port to the same packet rewritten toward the peer leg.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_prefetch.h>
#include <rte_udp.h>

#include "pipeline_pvt.h"

#define RTP_HDR_LEN 12  /* RFC 3550 s5.1, without CSRCs */
#define RTCP_HDR_LEN 8  /* RFC 3550 s6.4 */
#define IP_TTL_OUT 64

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

static inline void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* One's complement sum (RFC 1071) of n 16-bit words at p, as loaded:
 * the sum is the same in either byte order once stored back alike. */
static inline uint32_t
sum16(const void *p, unsigned int n)
{
	const uint8_t *q = p;
	uint32_t s = 0;
	uint16_t w;

	while (n--) {
		memcpy(&w, q, sizeof(w));
		s += w;
		q += sizeof(w);
	}
	return s;
}

static inline uint16_t
fold16(uint32_t s)
{
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)((s & 0xffff) + (s >> 16));
}

/*
 * RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'): the checksum ck after words
 * summing to old became words summing to new, without reading the rest
 * of what it covers (the UDP payload).
 */
static inline uint16_t
vg_csum_adjust(uint16_t ck, uint32_t old, uint32_t new_sum)
{
	return (uint16_t)~fold16((uint32_t)(uint16_t)~ck +
			(uint16_t)~fold16(old) + fold16(new_sum));
}

void
vg_stage_lookup(struct vg_burst *b)
{
	uint16_t i;
	bool rtcp;

	for (i = 0; i < b->n; i++) {
		const struct rte_udp_hdr *udp;

		if (b->verdict[i] != VG_V_MEDIA)
			continue;
		udp = rte_pktmbuf_mtod_offset(b->pkts[i],
				const struct rte_udp_hdr *, b->l4_off[i]);
		b->leg[i] = vg_sess_lookup(b->tbl, b->maddr[i],
				rte_be_to_cpu_16(udp->dst_port), &rtcp);
		if (b->leg[i] == NULL) {
			b->verdict[i] = VG_V_DROP;
			b->reason[i] = VG_DROP_NO_SESSION;
			continue;
		}
		b->rtcp[i] = rtcp;
		/* relay runs after every lookup: let the lines arrive (the
		 * leg's pointers, then its rx state) */
		rte_prefetch0(b->leg[i]);
		rte_prefetch0(RTE_PTR_ADD(b->leg[i], RTE_CACHE_LINE_SIZE));
	}
}

static uint8_t
leg_drop(struct vg_burst *b, uint16_t i, struct vg_leg *leg,
		enum vg_drop_reason why)
{
	vg_ctr_add(&leg->ctr->drops[why], 1);
	b->reason[i] = (uint8_t)why;
	return VG_V_DROP;
}

static struct vg_dpapi_event *
event_new(struct vg_burst *b, const struct vg_leg *leg, uint16_t type)
{
	struct vg_dpapi_event *e = &b->events[b->n_events++];

	memset(e, 0, sizeof(*e));
	e->type = type;
	e->sess_id = leg->sess_id;
	e->leg_id = leg->id;
	e->cookie = leg->cookie;
	return e;
}

/*
 * Source check (symmetric RTP, anti-bleed): before latching only the
 * allowed source (STRICT, OFF) or anyone (ANY) is accepted, and the first
 * valid RTP latches it (not OFF); after latching only the latched source.
 * RTCP never latches and, before latching, needs a known address.
 * @return 0 or a drop reason
 */
static int
source_check(struct vg_burst *b, struct vg_leg *leg,
		const struct vg_leg_cfg *c, uint32_t src_ip, uint16_t sport,
		bool rtcp)
{
	uint64_t l = __atomic_load_n(&leg->latched, __ATOMIC_RELAXED);
	struct vg_dpapi_event *e;
	bool allowed;

	if (l != 0 && (uint16_t)(l >> 48) == c->gen) {
		/* RTCP comes from another port (port + 1, or NAT's choice) */
		if (src_ip != (uint32_t)l ||
				(!rtcp && sport != (uint16_t)(l >> 32)))
			return VG_DROP_SRC_REJECTED;
		return 0;
	}
	if (c->sdp.latching == VG_DPAPI_LATCH_ANY)
		allowed = !rtcp;
	else
		allowed = src_ip == c->allowed_ip && (rtcp ||
			c->allowed_port == 0 || sport == c->allowed_port);
	if (!allowed)
		return VG_DROP_SRC_REJECTED;
	if (rtcp || c->sdp.latching == VG_DPAPI_LATCH_OFF)
		return 0;
	/* release: the peer's rx lcore reads it to address this leg */
	__atomic_store_n(&leg->latched, vg_latch_pack(src_ip, sport, c->gen),
			__ATOMIC_RELEASE);
	e = event_new(b, leg, VG_EVT_LATCHED);
	e->u.latched.ip = src_ip;
	e->u.latched.port = sport;
	return 0;
}

/* RFC 3550 A.1/A.8 statistics of one RTP packet; SSRC change events. */
static void
rtp_stats(struct vg_burst *b, struct vg_leg *leg, const uint8_t *rtp,
		uint32_t arrival)
{
	struct vg_dpapi_leg_counters *ctr = leg->ctr;
	uint32_t ssrc = rd32(rtp + 8);
	struct vg_rtp_seq *s = &leg->seq;

	if (s->started && ssrc != ctr->ssrc) {
		struct vg_dpapi_event *e = event_new(b, leg,
				VG_EVT_SSRC_CHANGE);

		e->u.ssrc.old_ssrc = ctr->ssrc;
		e->u.ssrc.new_ssrc = ssrc;
		__atomic_store_n(&ctr->ssrc_changes, ctr->ssrc_changes + 1,
				__ATOMIC_RELAXED);
		s->started = false; /* a new source: A.1 starts over */
	}
	vg_rtp_seq_update(s, rd16(rtp + 2));
	vg_rtp_jitter_update(s, arrival, rd32(rtp + 4));
	__atomic_store_n(&ctr->ssrc, ssrc, __ATOMIC_RELAXED);
	__atomic_store_n(&ctr->ext_max_seq, vg_rtp_ext_max(s),
			__ATOMIC_RELAXED);
	__atomic_store_n(&ctr->base_seq, s->base_seq, __ATOMIC_RELAXED);
	__atomic_store_n(&ctr->received, s->received, __ATOMIC_RELAXED);
	__atomic_store_n(&ctr->lost, s->received ? vg_rtp_lost(s) : 0,
			__ATOMIC_RELAXED);
	__atomic_store_n(&ctr->seq_gaps, s->gaps, __ATOMIC_RELAXED);
	__atomic_store_n(&ctr->seq_resets, s->resets, __ATOMIC_RELAXED);
	__atomic_store_n(&ctr->jitter, s->jitter_q4 >> 4, __ATOMIC_RELAXED);
}

/*
 * SSRC/seq/ts continuity: the peer sees one source whose sequence and
 * timestamp go on across an SSRC change of ours (RFC 3550 s5.1: a new
 * SSRC would otherwise make the receiver restart its decoder state).
 */
static void
rtp_rewrite_ssrc(struct vg_leg *leg, const struct vg_leg_cfg *c,
		uint8_t *rtp, uint32_t arrival)
{
	struct vg_leg_tx *tx = &leg->tx;
	uint32_t ssrc = rd32(rtp + 8), ts = rd32(rtp + 4);
	uint16_t seq = rd16(rtp + 2);

	if (!tx->started) {
		tx->started = true;
		tx->out_ssrc = c->sdp.out_ssrc != 0 ? c->sdp.out_ssrc : ssrc;
		tx->seq_off = 0;
		tx->ts_off = 0;
	} else if (ssrc != tx->in_ssrc) {
		uint32_t elapsed = arrival - tx->last_arrival;

		tx->seq_off = (uint16_t)(tx->last_out_seq + 1 - seq);
		tx->ts_off = tx->last_out_ts + (elapsed ? elapsed : 1) - ts;
	}
	tx->in_ssrc = ssrc;
	tx->last_out_seq = (uint16_t)(seq + tx->seq_off);
	tx->last_out_ts = ts + tx->ts_off;
	tx->last_arrival = arrival;
	wr16(rtp + 2, tx->last_out_seq);
	wr32(rtp + 4, tx->last_out_ts);
	wr32(rtp + 8, tx->out_ssrc);
}

static uint8_t
relay_one(struct vg_burst *b, uint16_t i)
{
	struct rte_mbuf *m = b->pkts[i];
	struct vg_leg *leg = b->leg[i], *peer = leg->peer;
	const struct vg_leg_cfg *c = vg_leg_cfg_get(leg);
	const struct vg_leg_cfg *pc = vg_leg_cfg_get(peer);
	struct vg_dpapi_leg_counters *ctr = leg->ctr;
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = rte_pktmbuf_mtod_offset(m,
			struct rte_udp_hdr *, b->l4_off[i]);
	uint8_t *pl = (uint8_t *)(udp + 1);
	uint16_t plen = b->udp_len[i] - (uint16_t)sizeof(*udp);
	const struct vg_local_addr *oa;
	const struct vg_media_addr *ma;
	bool rtcp = b->rtcp[i];
	uint16_t dport, sport;
	uint32_t dip, old_addr, old_ttl, old_l4, new_addr;
	uint64_t pl_latch;
	int why;

	vg_ctr_add(&ctr->rx_pkts, 1);
	vg_ctr_add(&ctr->rx_bytes, plen);
	/* RFC 5761 s4: on a muxed port, RTCP is told by types 192-223 */
	if (!rtcp && (c->sdp.flags & VG_DPAPI_LEG_F_RTCP_MUX) && plen >= 2 &&
			pl[1] >= 192 && pl[1] <= 223)
		rtcp = true;
	if (rtcp && (plen < RTCP_HDR_LEN || pl[0] >> 6 != 2))
		return leg_drop(b, i, leg, VG_DROP_RTCP_INVALID);
	if (!rtcp && (plen < RTP_HDR_LEN || pl[0] >> 6 != 2))
		return leg_drop(b, i, leg, VG_DROP_RTP_INVALID);
	b->rtcp[i] = rtcp;
	why = source_check(b, leg, c, ip->src_addr,
			rte_be_to_cpu_16(udp->src_port), rtcp);
	if (why != 0)
		return leg_drop(b, i, leg, (enum vg_drop_reason)why);
	/* only accepted media keeps a call alive: injection cannot */
	__atomic_store_n(&ctr->last_rx_tsc, b->now_tsc, __ATOMIC_RELAXED);

	/* where the peer is: latched source, else its SDP address */
	pl_latch = __atomic_load_n(&peer->latched, __ATOMIC_ACQUIRE);
	if (pl_latch != 0 && (uint16_t)(pl_latch >> 48) == pc->gen) {
		dip = (uint32_t)pl_latch;
		dport = (uint16_t)(pl_latch >> 32);
	} else {
		dip = pc->sdp.remote_ip;
		dport = pc->sdp.remote_port;
	}
	if (dip == 0 || dport == 0 || pc->sdp.local_addr >= b->n_maddrs)
		return leg_drop(b, i, leg, VG_DROP_NO_DEST);
	sport = pc->sdp.local_port;
	if (rtcp && !(pc->sdp.flags & VG_DPAPI_LEG_F_RTCP_MUX)) {
		dport++;
		sport++;
	}

	/* what the rewrite below changes, for the incremental checksums:
	 * addresses (IPv4 and the UDP pseudo header), TTL, ports, and the
	 * RTP header (PT, seq, ts, SSRC) */
	old_addr = sum16(&ip->src_addr, 4);
	old_ttl = sum16(&ip->time_to_live, 1);
	old_l4 = sum16(udp, 2) + (rtcp ? 0 : sum16(pl, RTP_HDR_LEN / 2));
	if (rtcp) {
		vg_ctr_add(&ctr->rtcp_pkts, 1);
	} else {
		uint8_t out_pt = c->pt_out[pl[1] & 0x7f];
		uint32_t arrival;

		if (out_pt == VG_PT_DROP)
			return leg_drop(b, i, leg, VG_DROP_PT_UNMAPPED);
		arrival = vg_burst_rtp_now(b, c->clock_rate);
		rtp_stats(b, leg, pl, arrival);
		pl[1] = (uint8_t)((pl[1] & 0x80) | out_pt);
		if (c->sdp.flags & VG_DPAPI_LEG_F_REWRITE_SSRC)
			rtp_rewrite_ssrc(leg, c, pl, arrival);
	}

	ma = &b->maddrs[pc->sdp.local_addr];
	oa = &b->addrs[ma->port];
	if (oa->neigh == NULL) {
		eth->dst_addr = oa->nh_mac;
	} else if (!vg_neigh_lookup(oa->neigh, vg_next_hop(oa, dip),
			&eth->dst_addr)) {
		vg_neigh_hint_post(oa, ma->port, vg_next_hop(oa, dip), NULL);
		return leg_drop(b, i, leg, VG_DROP_NO_NEIGH);
	}
	eth->src_addr = oa->mac;
	ip->src_addr = ma->ip;
	ip->dst_addr = dip;
	ip->time_to_live = IP_TTL_OUT;
	new_addr = sum16(&ip->src_addr, 4);
	/* classify verified the header checksum, so adjusting it is exact */
	ip->hdr_checksum = vg_csum_adjust(ip->hdr_checksum, old_addr + old_ttl,
			new_addr + sum16(&ip->time_to_live, 1));
	udp->src_port = rte_cpu_to_be_16(sport);
	udp->dst_port = rte_cpu_to_be_16(dport);
	/*
	 * Adjusted, not recomputed over the payload (a pass over all 172
	 * bytes of a G.711 datagram): a datagram that arrived with a wrong
	 * checksum leaves with a wrong one, as end to end should be. 0: none
	 * was sent (RFC 768), and stays so; a computed 0 goes out as 0xffff.
	 */
	if (udp->dgram_cksum != 0) {
		uint16_t ck = vg_csum_adjust(udp->dgram_cksum,
				old_addr + old_l4, new_addr + sum16(udp, 2) +
				(rtcp ? 0 : sum16(pl, RTP_HDR_LEN / 2)));

		udp->dgram_cksum = ck != 0 ? ck : 0xffff;
	}
	vg_ctr_add(&ctr->fwd_pkts, 1);
	vg_ctr_add(&ctr->fwd_bytes, plen);
	b->out_addr[i] = ma->port;
	return VG_V_FWD;
}

/*
 * With 100k sessions every leg, configuration and counter line is a
 * cache miss, and relay_one() follows pointers (leg -> cfg, leg -> peer
 * -> cfg, leg -> ctr) one after the other. So, VPP style, the burst is
 * walked twice before the work: each pass asks for the lines the
 * previous pass's lines point to, and the misses of a burst overlap
 * instead of adding up.
 */
static void
relay_prefetch(struct vg_burst *b)
{
	uint16_t i;

	for (i = 0; i < b->n; i++) {
		const struct vg_leg *leg = b->leg[i];

		if (b->verdict[i] != VG_V_MEDIA || leg == NULL)
			continue;
		rte_prefetch0(__atomic_load_n(&leg->cfg, __ATOMIC_RELAXED));
		rte_prefetch0(leg->peer);
		rte_prefetch0(leg->ctr);
		rte_prefetch0(RTE_PTR_ADD(leg->ctr, RTE_CACHE_LINE_SIZE));
	}
	for (i = 0; i < b->n; i++) {
		const struct vg_leg *leg = b->leg[i];
		const struct vg_leg_cfg *c;
		const uint8_t *pl;

		if (b->verdict[i] != VG_V_MEDIA || leg == NULL ||
				b->udp_len[i] < sizeof(struct rte_udp_hdr) + 2)
			continue;
		c = __atomic_load_n(&leg->cfg, __ATOMIC_RELAXED);
		pl = rte_pktmbuf_mtod_offset(b->pkts[i], const uint8_t *,
				b->l4_off[i] + sizeof(struct rte_udp_hdr));
		rte_prefetch0(__atomic_load_n(&leg->peer->cfg,
				__ATOMIC_RELAXED));
		rte_prefetch0(&c->pt_out[pl[1] & 0x7f]);
	}
}

/*
 * Measured (perf record on the worker, perf/bench-dataplane, 100k
 * sessions, burst 32, ~400-870 cycles/pkt in all): this stage ~28% of
 * the worker's cycles (~120-240 cycles/pkt), mostly waiting for the leg,
 * config and counter lines; lookup ~18%, classify ~7%, neighbour lookup
 * ~4.5%, the net_pcap PMD ~25%. Before the prefetch passes and the
 * RFC 1624 checksums the whole worker took ~1870 cycles/pkt at 100k.
 */
void
vg_stage_relay(struct vg_burst *b)
{
	uint16_t i;

	relay_prefetch(b);
	for (i = 0; i < b->n; i++)
		if (b->verdict[i] == VG_V_MEDIA && b->leg[i] != NULL)
			b->verdict[i] = relay_one(b, i);
}

void
vg_stage_dispatch(struct vg_burst *b)
{
	struct rte_mbuf *dropped[VG_BURST_MAX];
	unsigned int n_drop = 0;
	uint16_t i;

	for (i = 0; i < b->n; i++) {
		struct rte_mbuf *m = b->pkts[i];

		switch (b->verdict[i]) {
		case VG_V_FWD:
			b->tx_addr[b->n_tx] = b->out_addr[i];
			b->tx[b->n_tx++] = m;
			break;
		case VG_V_REPLY:
			b->tx_addr[b->n_tx] = b->rx_addr;
			b->tx[b->n_tx++] = m;
			break;
		case VG_V_EXCEPTION:
			b->exc[b->n_exc++] = m;
			break;
		case VG_V_MEDIA: /* not looked up: no table */
			b->reason[i] = VG_DROP_NO_SESSION;
			/* fall through */
		default:
			vg_ctr_add(&b->lc->drops[b->reason[i]], 1);
			dropped[n_drop++] = m;
			break;
		}
	}
	if (n_drop != 0)
		rte_pktmbuf_free_bulk(dropped, n_drop);
	vg_ctr_add(&b->lc->rx_pkts, b->n);
	vg_ctr_add(&b->lc->exception_pkts, b->n_exc);
	vg_ctr_add(&b->lc->bursts, 1);
}

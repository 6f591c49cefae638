/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Lookup, relay and dispatch stages: from a media packet on a leg's
 * port to the same packet rewritten toward the peer leg.
 */
#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_udp.h>

#include "media_pvt.h"
#include "pipeline_pvt.h"
#include "vg_srtp.h"

#define RTP_HDR_LEN 12  /* RFC 3550 s5.1, without CSRCs */
#define RTCP_HDR_LEN 8  /* RFC 3550 s6.4 */
#define IP_TTL_OUT 64
#define VG_PT_DROP 0xff /* pt_map(): not in the map */

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

/*
 * Checksum arithmetic (RFC 1071) works on 16-bit words "as loaded": a
 * sum taken over words read from the packet in host order is the sum of
 * the network-order words byte-swapped, and stays so once stored back
 * alike. The helpers below take fields as they sit in the packet (raw
 * loads, or values in network order about to be stored), so the relay
 * sums what it changes from registers instead of reading back what it
 * has just written (a store-forwarding stall per field).
 */
static inline uint16_t
raw16(const void *p)
{
	uint16_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

static inline uint32_t
raw32(const void *p)
{
	uint32_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/* The word made of bytes a then b as they sit in the packet. */
static inline uint16_t
bytes16(uint8_t a, uint8_t b)
{
	const uint8_t x[2] = {a, b};

	return raw16(x);
}

/* The sum of the two words of a 32-bit field. */
static inline uint32_t
sum32(uint32_t v)
{
	return (v & 0xffff) + (v >> 16);
}

static inline uint16_t
fold16(uint32_t s)
{
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)((s & 0xffff) + (s >> 16));
}

/* The one's complement sum of the complements of a 32-bit field's two
 * words: what removing the field from a checksummed sum adds. */
static inline uint32_t
minus32(uint32_t v)
{
	return sum32(~v);
}

static inline uint32_t
minus16(uint16_t w)
{
	return (uint16_t)~w;
}

/*
 * RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'): the checksum ck after words
 * whose complements sum to minus (~m: one's complement negation spreads
 * over the words of a sum) became words summing to plus, without
 * reading the rest of what it covers (the UDP payload). Both sums are
 * plain integer sums of at most a few dozen 16-bit words, so one fold
 * of two steps covers every carry.
 */
static inline uint16_t
vg_csum_adjust(uint16_t ck, uint32_t minus, uint32_t plus)
{
	return (uint16_t)~fold16((uint32_t)(uint16_t)~ck + minus + plus);
}

void
vg_stage_lookup(struct vg_burst *b)
{
	uint16_t i;
	bool rtcp = false;

	for (i = 0; i < b->n; i++) {
		struct vg_leg *leg;

		if (b->verdict[i] != VG_V_MEDIA)
			continue;
		leg = vg_sess_lookup(b->tbl, b->maddr[i], b->dport[i], &rtcp);
		b->leg[i] = leg;
		if (unlikely(leg == NULL)) {
			b->verdict[i] = VG_V_DROP;
			b->reason[i] = VG_DROP_NO_SESSION;
			continue;
		}
		b->rtcp[i] = rtcp;
		if (unlikely(b->n_workers > 1)) {
			uint16_t o = vg_leg_owner(b->tbl, leg, b->n_workers);

			if (o != b->worker_id) {
				b->verdict[i] = VG_V_HANDOFF;
				b->ho_owner[i] = o;
				continue;
			}
		}
	}
}

static uint8_t
leg_drop(struct vg_burst *b, uint16_t i, const struct vg_leg *leg,
		enum vg_drop_reason why)
{
	vg_ctr_add(&vg_leg_stats(b->tbl, leg)->drops[why], 1);
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
		const struct vg_leg_fast *c, uint32_t src_ip, uint16_t sport,
		bool rtcp)
{
	uint64_t l = __atomic_load_n(&leg->latched, __ATOMIC_RELAXED);
	struct vg_dpapi_event *e;
	bool allowed;

	if (likely(l != 0 && (uint16_t)(l >> 48) == c->gen)) {
		/* RTCP comes from another port (port + 1, or NAT's choice) */
		if (src_ip != (uint32_t)l ||
				(!rtcp && sport != (uint16_t)(l >> 32)))
			return VG_DROP_SRC_REJECTED;
		return 0;
	}
	if (c->latching == VG_DPAPI_LATCH_ANY)
		allowed = !rtcp;
	else
		allowed = src_ip == c->allowed_ip && (rtcp ||
			c->allowed_port == 0 || sport == c->allowed_port);
	if (!allowed)
		return VG_DROP_SRC_REJECTED;
	if (rtcp || c->latching == VG_DPAPI_LATCH_OFF)
		return 0;
	l = vg_latch_pack(src_ip, sport, c->gen);
	__atomic_store_n(&leg->latched, l, __ATOMIC_RELEASE);
	/* release: the peer's rx lcore reads it to address this leg */
	__atomic_store_n(&vg_leg_peer(b->tbl, leg)->peer_latched, l,
			__ATOMIC_RELEASE);
	e = event_new(b, leg, VG_EVT_LATCHED);
	e->u.latched.ip = src_ip;
	e->u.latched.port = sport;
	return 0;
}

/* Where what a leg relays goes: the peer's latched source, else its SDP
 * address, from the peer's local address and port. */
struct relay_dest {
	uint32_t ip;               /**< network order; 0 = none */
	uint16_t port;             /**< 0 = none */
	uint16_t sport;            /**< our port on the peer's side */
	uint16_t maddr;            /**< our media address on that side */
};

static inline void
relay_dest_get(const struct vg_leg *leg, const struct vg_leg_fast *c,
		struct relay_dest *d)
{
	uint64_t l = __atomic_load_n(&leg->peer_latched, __ATOMIC_ACQUIRE);

	if (l != 0 && (uint16_t)(l >> 48) == c->to_gen) {
		d->ip = (uint32_t)l;
		d->port = (uint16_t)(l >> 32);
	} else {
		d->ip = c->to_ip;
		d->port = c->to_port;
	}
	d->sport = c->from_port;
	d->maddr = c->from_addr;
}

/* RFC 3550 A.1/A.8 statistics of one RTP packet; SSRC change events. */
static inline void
rtp_stats(struct vg_burst *b, struct vg_leg *leg, const uint8_t *rtp,
		uint32_t arrival)
{
	uint32_t ssrc = rd32(rtp + 8);
	struct vg_dpapi_leg_counters *ctr = &leg->ctr;
	struct vg_rtp_seq *s = &leg->seq;
	struct vg_dpapi_leg_stats *st = vg_leg_stats(b->tbl, leg);
	uint32_t base, gaps, resets;

	if (unlikely(s->started && ssrc != ctr->ssrc)) {
		struct vg_dpapi_event *e = event_new(b, leg,
				VG_EVT_SSRC_CHANGE);

		e->u.ssrc.old_ssrc = ctr->ssrc;
		e->u.ssrc.new_ssrc = ssrc;
		__atomic_store_n(&st->ssrc_changes, st->ssrc_changes + 1,
				__ATOMIC_RELAXED);
		s->started = false; /* a new source: A.1 starts over */
	}
	/* what changes only now and then is in the leg's stats, stored when
	 * it changes (create zeroes both copies), so a packet dirties the
	 * counters' line alone */
	base = s->base_seq;
	gaps = s->gaps;
	resets = s->resets;
	vg_rtp_seq_update(s, rd16(rtp + 2));
	vg_rtp_jitter_update(s, arrival, rd32(rtp + 4));
	__atomic_store_n(&ctr->ssrc, ssrc, __ATOMIC_RELAXED);
	__atomic_store_n(&ctr->ext_max_seq, vg_rtp_ext_max(s),
			__ATOMIC_RELAXED);
	__atomic_store_n(&ctr->received, s->received, __ATOMIC_RELAXED);
	__atomic_store_n(&ctr->lost, s->received ? vg_rtp_lost(s) : 0,
			__ATOMIC_RELAXED);
	__atomic_store_n(&ctr->jitter, s->jitter_q4 >> 4, __ATOMIC_RELAXED);
	if (unlikely(base != s->base_seq || gaps != s->gaps ||
			resets != s->resets)) {
		__atomic_store_n(&st->base_seq, s->base_seq,
				__ATOMIC_RELAXED);
		__atomic_store_n(&st->seq_gaps, s->gaps, __ATOMIC_RELAXED);
		__atomic_store_n(&st->seq_resets, s->resets,
				__ATOMIC_RELAXED);
	}
}

/*
 * SSRC/seq/ts continuity: the peer sees one source whose sequence and
 * timestamp go on across an SSRC change of ours (RFC 3550 s5.1: a new
 * SSRC would otherwise make the receiver restart its decoder state).
 * Adds what it changes to the checksum sums *minus (the complements of
 * the words it replaces) and *plus (the words it writes).
 */
static void
rtp_rewrite_ssrc(struct vg_leg *leg, uint8_t *rtp, uint32_t arrival,
		uint32_t *minus, uint32_t *plus)
{
	struct vg_leg_tx *tx = &leg->tx;
	uint16_t seq_raw = raw16(rtp + 2);
	uint32_t ts_raw = raw32(rtp + 4), ssrc_raw = raw32(rtp + 8);
	uint32_t ssrc = rte_be_to_cpu_32(ssrc_raw);
	uint32_t ts = rte_be_to_cpu_32(ts_raw);
	uint16_t seq = rte_be_to_cpu_16(seq_raw);

	if (!tx->started) {
		uint32_t out = vg_leg_cfg_get(leg)->sdp.out_ssrc;

		tx->started = true;
		tx->out_ssrc = out != 0 ? out : ssrc;
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
	*minus += minus16(seq_raw) + minus32(ts_raw) + minus32(ssrc_raw);
	seq_raw = rte_cpu_to_be_16(tx->last_out_seq);
	ts_raw = rte_cpu_to_be_32(tx->last_out_ts);
	ssrc_raw = rte_cpu_to_be_32(tx->out_ssrc);
	*plus += seq_raw + sum32(ts_raw) + sum32(ssrc_raw);
	memcpy(rtp + 2, &seq_raw, sizeof(seq_raw));
	memcpy(rtp + 4, &ts_raw, sizeof(ts_raw));
	memcpy(rtp + 8, &ssrc_raw, sizeof(ssrc_raw));
}

/* Payload type out for pt in (RFC 3551 numbers), or VG_PT_DROP. */
static inline uint8_t
pt_map(const struct vg_leg_fast *c, uint8_t pt)
{
	unsigned int k;

	if (likely(c->n_pt_map == 0))
		return pt;
	for (k = 0; k < c->n_pt_map && k < VG_DPAPI_PT_MAP_MAX; k++)
		if (c->pt_map[k].in_pt == pt)
			return c->pt_map[k].out_pt;
	return VG_PT_DROP;
}

/*
 * The next hop's MAC toward dip out of oa into *mac: from the leg's cache
 * while the neighbour table's generation has not moved, else looked up
 * (and cached). @return false when the table does not know it.
 */
static inline bool
next_hop_mac(struct vg_leg *leg, const struct vg_local_addr *oa,
		uint16_t port, uint32_t dip, struct rte_ether_addr *mac)
{
	struct vg_nh_cache *nh = &leg->nh;
	uint32_t hop, gen;

	if (oa->neigh == NULL) {
		*mac = oa->nh_mac;
		return true;
	}
	hop = vg_next_hop(oa, dip);
	gen = vg_neigh_gen(oa->neigh);
	if (likely(nh->gen == gen && nh->ip == hop && nh->port == port)) {
		*mac = nh->mac;
		return true;
	}
	if (!vg_neigh_lookup(oa->neigh, hop, mac))
		return false;
	nh->ip = hop;
	nh->gen = gen;
	nh->port = port;
	nh->mac = *mac;
	return true;
}

/* ---- media path: SRTP and transcoding ------------------------------- */

static enum vg_drop_reason
srtp_reason(int rc)
{
	switch (rc) {
	case -EACCES:
		return VG_DROP_SRTP_AUTH;
	case -EALREADY:
		return VG_DROP_SRTP_REPLAY;
	default:
		return VG_DROP_SRTP_BAD;
	}
}

/*
 * Finish a media-path packet o whose headers (Ethernet, IPv4, UDP) are
 * already rewritten toward the peer and whose RTP/RTCP (len bytes) sits
 * at hdr_len: protect it when the peer speaks SRTP, then set lengths and
 * compute both checksums (the payload changed: nothing to adjust).
 * @return 0 or a drop reason
 */
static int
media_finish(const struct vg_local_addr *oa, struct rte_mbuf *o,
		uint16_t hdr_len, unsigned int len, struct vg_media_dir *md,
		bool rtcp, struct vg_dpapi_leg_counters *ctr,
		struct vg_dpapi_leg_stats *st, struct vg_dpapi_lcore_counters *lc)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(o, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	uint16_t l3_len = (uint16_t)(hdr_len - sizeof(*eth) -
			sizeof(struct rte_udp_hdr));
	struct rte_udp_hdr *udp = RTE_PTR_ADD(ip, l3_len);
	uint8_t *p = (uint8_t *)(udp + 1);
	unsigned int cap = o->buf_len - o->data_off - hdr_len;
	uint16_t ck;
	int rc;

	if (md->tx_srtp != NULL) {
		rc = rtcp ? vg_srtp_protect_rtcp(md->tx_srtp, p, &len, cap) :
			vg_srtp_protect_rtp(md->tx_srtp, p, &len, cap);
		if (rc != 0)
			return srtp_reason(rc);
		vg_ctr_add(&st->srtp_tx_pkts, 1);
		vg_ctr_add(&lc->srtp_pkts, 1);
	}
	o->data_len = (uint16_t)(hdr_len + len);
	o->pkt_len = o->data_len;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(l3_len +
			sizeof(*udp) + len));
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*udp) + len));
	ip->hdr_checksum = 0;
	if (oa->tx_ip_cksum) {
		o->l2_len = sizeof(*eth);
		o->l3_len = l3_len;
		o->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	} else {
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	udp->dgram_cksum = 0;
	ck = rte_ipv4_udptcp_cksum(ip, udp);
	udp->dgram_cksum = ck != 0 ? ck : 0xffff;
	vg_ctr_add(&ctr->fwd_pkts, 1);
	vg_ctr_add(&ctr->fwd_bytes, len);
	return 0;
}

/*
 * A packet received on a leg with media state (media_pvt.h): SRTP is
 * checked before the source may latch (an unauthenticated packet never
 * moves a call's media), then RTCP and relayed RTP go out in place, and
 * transcoded RTP as the 0..VG_XC_OUT packets its direction writes.
 */
static uint8_t
relay_media(struct vg_burst *b, uint16_t i, struct vg_leg *leg,
		const struct vg_leg_fast *c, struct vg_media_dir *md)
{
	struct vg_dpapi_leg_counters *ctr = &leg->ctr;
	struct rte_mbuf *m = b->pkts[i];
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)b->frame[i];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(b->frame[i] +
			b->l4_off[i]);
	uint8_t *pl = (uint8_t *)(udp + 1);
	uint16_t hdr_len = (uint16_t)(b->l4_off[i] + sizeof(*udp));
	unsigned int len = b->udp_len[i] - (unsigned int)sizeof(*udp);
	uint32_t src_ip = ip->src_addr;
	uint16_t sport = rte_be_to_cpu_16(udp->src_port);
	const struct vg_local_addr *oa;
	const struct vg_media_addr *ma;
	struct rte_ether_addr mac;
	struct relay_dest d;
	bool rtcp = b->rtcp[i];
	struct vg_dpapi_leg_stats *st = vg_leg_stats(b->tbl, leg);
	unsigned int room, max_out;
	uint64_t l;
	int rc, n, k;

	/* a latched leg refuses other sources before any crypto */
	l = __atomic_load_n(&leg->latched, __ATOMIC_RELAXED);
	if (l != 0 && (uint16_t)(l >> 48) == c->gen && (src_ip != (uint32_t)l ||
			(!rtcp && sport != (uint16_t)(l >> 32))))
		return leg_drop(b, i, leg, VG_DROP_SRC_REJECTED);
	if (md->rx_srtp != NULL) {
		rc = rtcp ? vg_srtp_unprotect_rtcp(md->rx_srtp, pl, &len) :
			vg_srtp_unprotect_rtp(md->rx_srtp, pl, &len);
		if (rc != 0)
			return leg_drop(b, i, leg, srtp_reason(rc));
		vg_ctr_add(&st->srtp_rx_pkts, 1);
		vg_ctr_add(&b->lc->srtp_pkts, 1);
	}
	rc = source_check(b, leg, c, src_ip, sport, rtcp);
	if (unlikely(rc != 0))
		return leg_drop(b, i, leg, (enum vg_drop_reason)rc);
	__atomic_store_n(&ctr->last_rx_tsc, b->now_tsc, __ATOMIC_RELAXED);

	relay_dest_get(leg, c, &d);
	if (d.ip == 0 || d.port == 0 || d.maddr >= b->n_maddrs)
		return leg_drop(b, i, leg, VG_DROP_NO_DEST);
	if (rtcp && !(c->flags & VG_LEG_F_PEER_MUX)) {
		d.port++;
		d.sport++;
	}
	ma = &b->maddrs[d.maddr];
	oa = &b->addrs[ma->port];
	if (!next_hop_mac(leg, oa, ma->port, d.ip, &mac)) {
		vg_neigh_hint_post(oa, ma->port, vg_next_hop(oa, d.ip), NULL);
		return leg_drop(b, i, leg, VG_DROP_NO_NEIGH);
	}
	/* headers toward the peer; lengths and checksums per packet */
	eth->dst_addr = mac;
	eth->src_addr = oa->mac;
	ip->src_addr = ma->ip;
	ip->dst_addr = d.ip;
	ip->time_to_live = IP_TTL_OUT;
	udp->src_port = rte_cpu_to_be_16(d.sport);
	udp->dst_port = rte_cpu_to_be_16(d.port);
	b->out_addr[i] = ma->port;

	if (rtcp) {
		vg_ctr_add(&st->rtcp_pkts, 1);
	} else {
		uint32_t arrival = vg_burst_rtp_now(b, c->clock_rate);

		if (len < RTP_HDR_LEN)
			return leg_drop(b, i, leg, VG_DROP_RTP_INVALID);
		rtp_stats(b, leg, pl, arrival);
		if (md->in_dtmf_pt != 0 && (pl[1] & 0x7f) == md->in_dtmf_pt)
			vg_ctr_add(&st->dtmf_pkts, 1);
		if (md->xc == NULL) {
			uint8_t out_pt = pt_map(c, pl[1] & 0x7f);
			uint32_t o = 0, nw = 0;

			if (out_pt == VG_PT_DROP)
				return leg_drop(b, i, leg, VG_DROP_PT_UNMAPPED);
			pl[1] = (uint8_t)((pl[1] & 0x80) | out_pt);
			if (c->flags & VG_DPAPI_LEG_F_REWRITE_SSRC)
				rtp_rewrite_ssrc(leg, pl, arrival, &o, &nw);
		}
	}
	if (rtcp || md->xc == NULL) {
		rc = media_finish(oa, m, hdr_len, len, md, rtcp, ctr, st, b->lc);
		return rc == 0 ? VG_V_FWD : leg_drop(b, i, leg,
				(enum vg_drop_reason)rc);
	}

	/* transcode: what the direction writes, in order; m goes last so
	 * the others copy its rewritten headers */
	room = VG_TX_MAX - b->n_tx - (b->n - i - 1u);
	max_out = RTE_MIN((unsigned int)VG_XC_OUT, room);
	n = vg_xcode_dir_push(md->xc, pl, len, b->xc_out, max_out);
	if (n < 0)
		return leg_drop(b, i, leg, VG_DROP_XCODE_BAD);
	vg_ctr_add(&st->xcode_pkts, (uint64_t)n);
	vg_ctr_add(&b->lc->xcode_pkts, (uint64_t)n);
	for (k = 0; k < n; k++) {
		const struct vg_xcode_pkt *x = &b->xc_out[k];
		struct rte_mbuf *o = k == n - 1 ? m : rte_pktmbuf_alloc(m->pool);

		if (o == NULL) {
			vg_ctr_add(&st->drops[VG_DROP_NO_MBUF], 1);
			vg_ctr_add(&b->lc->drops[VG_DROP_NO_MBUF], 1);
			continue;
		}
		if (hdr_len + (unsigned int)x->len + VG_SRTP_MAX_TRAILER >
				(unsigned int)(o->buf_len - o->data_off)) {
			vg_ctr_add(&st->drops[VG_DROP_XCODE_BAD], 1);
			vg_ctr_add(&b->lc->drops[VG_DROP_XCODE_BAD], 1);
			rte_pktmbuf_free(o);
			continue;
		}
		if (o != m)
			memcpy(rte_pktmbuf_mtod(o, void *), eth, hdr_len);
		memcpy(rte_pktmbuf_mtod_offset(o, uint8_t *, hdr_len), x->data,
				x->len);
		rc = media_finish(oa, o, hdr_len, x->len, md, false, ctr,
				st, b->lc);
		if (rc != 0) {
			vg_ctr_add(&st->drops[rc], 1);
			vg_ctr_add(&b->lc->drops[rc], 1);
			rte_pktmbuf_free(o);
			continue;
		}
		b->tx_addr[b->n_tx] = ma->port;
		b->tx[b->n_tx++] = o;
	}
	if (n == 0)
		rte_pktmbuf_free(m); /* held for a longer ptime: not a drop */
	return VG_V_TAKEN;
}

static uint8_t
relay_one(struct vg_burst *b, uint16_t i)
{
	struct vg_leg *leg = b->leg[i];
	struct vg_dpapi_leg_counters *ctr = &leg->ctr;
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)b->frame[i];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(b->frame[i] +
			b->l4_off[i]);
	uint8_t *pl = (uint8_t *)(udp + 1);
	uint16_t plen = b->udp_len[i] - (uint16_t)sizeof(*udp);
	const struct vg_local_addr *oa;
	const struct vg_media_addr *ma;
	struct vg_leg_fast c;
	struct relay_dest d;
	bool rtcp = b->rtcp[i];
	uint32_t old_addr, new_addr, old_l4, new_l4, old_ttl;
	int why;

	vg_leg_fast_get(leg, &c);
	vg_ctr_add(&ctr->rx_pkts, 1);
	vg_ctr_add(&ctr->rx_bytes, plen);
	/* RFC 5761 s4: on a muxed port, RTCP is told by types 192-223 */
	if (!rtcp && (c.flags & VG_DPAPI_LEG_F_RTCP_MUX) && plen >= 2 &&
			pl[1] >= 192 && pl[1] <= 223)
		rtcp = true;
	if (unlikely(rtcp) && (plen < RTCP_HDR_LEN || pl[0] >> 6 != 2))
		return leg_drop(b, i, leg, VG_DROP_RTCP_INVALID);
	if (!rtcp && unlikely(plen < RTP_HDR_LEN || pl[0] >> 6 != 2))
		return leg_drop(b, i, leg, VG_DROP_RTP_INVALID);
	b->rtcp[i] = rtcp;
	if (unlikely(c.flags & VG_LEG_F_MEDIA)) {
		struct vg_media_dir *md = vg_leg_cfg_get(leg)->media;

		/* NULL: an update removed it after the copy was taken */
		if (md != NULL)
			return relay_media(b, i, leg, &c, md);
	}
	why = source_check(b, leg, &c, ip->src_addr,
			rte_be_to_cpu_16(udp->src_port), rtcp);
	if (unlikely(why != 0))
		return leg_drop(b, i, leg, (enum vg_drop_reason)why);
	/* only accepted media keeps a call alive: injection cannot */
	__atomic_store_n(&ctr->last_rx_tsc, b->now_tsc, __ATOMIC_RELAXED);

	relay_dest_get(leg, &c, &d);
	if (unlikely(d.ip == 0 || d.port == 0 || d.maddr >= b->n_maddrs))
		return leg_drop(b, i, leg, VG_DROP_NO_DEST);
	if (rtcp && !(c.flags & VG_LEG_F_PEER_MUX)) {
		d.port++;
		d.sport++;
	}

	/*
	 * What the rewrite changes, for the incremental checksums: the
	 * complements of the words it replaces (old_*) and the sum of the
	 * words it writes (new_*): the addresses (IPv4 header and UDP pseudo
	 * header), the TTL (IPv4 only), the ports and the RTP header (PT,
	 * and seq/ts/SSRC when rewritten; UDP only).
	 */
	ma = &b->maddrs[d.maddr];
	oa = &b->addrs[ma->port];
	old_addr = minus32(ip->src_addr) + minus32(ip->dst_addr);
	new_addr = sum32(ma->ip) + sum32(d.ip);
	old_l4 = minus16(raw16(&udp->src_port)) +
		minus16(raw16(&udp->dst_port));
	new_l4 = rte_cpu_to_be_16(d.sport) + rte_cpu_to_be_16(d.port);
	if (rtcp) {
		vg_ctr_add(&vg_leg_stats(b->tbl, leg)->rtcp_pkts, 1);
	} else {
		uint8_t out_pt = pt_map(&c, pl[1] & 0x7f);
		uint8_t pt_byte = (uint8_t)((pl[1] & 0x80) | out_pt);
		uint32_t arrival;

		if (unlikely(out_pt == VG_PT_DROP))
			return leg_drop(b, i, leg, VG_DROP_PT_UNMAPPED);
		arrival = vg_burst_rtp_now(b, c.clock_rate);
		rtp_stats(b, leg, pl, arrival);
		old_l4 += minus16(bytes16(pl[0], pl[1]));
		new_l4 += bytes16(pl[0], pt_byte);
		pl[1] = pt_byte;
		if (c.flags & VG_DPAPI_LEG_F_REWRITE_SSRC)
			rtp_rewrite_ssrc(leg, pl, arrival, &old_l4, &new_l4);
	}

	if (unlikely(!next_hop_mac(leg, oa, ma->port, d.ip, &eth->dst_addr))) {
		vg_neigh_hint_post(oa, ma->port, vg_next_hop(oa, d.ip), NULL);
		return leg_drop(b, i, leg, VG_DROP_NO_NEIGH);
	}
	eth->src_addr = oa->mac;
	old_ttl = minus16(bytes16(ip->time_to_live, ip->next_proto_id));
	ip->src_addr = ma->ip;
	ip->dst_addr = d.ip;
	ip->time_to_live = IP_TTL_OUT;
	if (oa->tx_ip_cksum) {
		/* the port fills it in */
		struct rte_mbuf *m = b->pkts[i];

		ip->hdr_checksum = 0;
		m->l2_len = sizeof(*eth);
		m->l3_len = b->l4_off[i] - sizeof(*eth);
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	} else {
		/* classify verified the header checksum (or the port did),
		 * so adjusting it is exact */
		ip->hdr_checksum = vg_csum_adjust(ip->hdr_checksum,
				old_addr + old_ttl, new_addr +
				bytes16(IP_TTL_OUT, ip->next_proto_id));
	}
	udp->src_port = rte_cpu_to_be_16(d.sport);
	udp->dst_port = rte_cpu_to_be_16(d.port);
	/*
	 * Adjusted, not recomputed over the payload (a pass over all 172
	 * bytes of a G.711 datagram), nor left to the port's UDP checksum
	 * offload (that would recompute it): a datagram that arrived with a
	 * wrong checksum leaves with a wrong one, as end to end should be.
	 * 0: none was sent (RFC 768), and stays so; a computed 0 goes out
	 * as 0xffff.
	 */
	if (udp->dgram_cksum != 0) {
		uint16_t ck = vg_csum_adjust(udp->dgram_cksum,
				old_addr + old_l4, new_addr + new_l4);

		udp->dgram_cksum = ck != 0 ? ck : 0xffff;
	}
	vg_ctr_add(&ctr->fwd_pkts, 1);
	vg_ctr_add(&ctr->fwd_bytes, plen);
	b->out_addr[i] = ma->port;
	return VG_V_FWD;
}

/*
 * In a burst whose records nobody asked for (!b->asked: the hand-off
 * bursts, the unit tests) the relay asks for the lines of the packet
 * VG_RELAY_AHEAD media packets on (vg_leg_prefetch(): the record's lines
 * 0-2) before it works on one, so the misses overlap with the work
 * instead of waiting all at once: at 100k sessions, with a packet's
 * state in two arrays, a stage that asked for the lines of the whole
 * burst right before relaying it stalled ~54 cycles a packet issuing
 * them, while the relay, whose lines had arrived by then, cost the same
 * 43 as with the sessions in cache (perf, one worker,
 * perf/bench-dataplane's pcap). The worker asks a whole burst ahead
 * instead (lcore_worker.c).
 */
#define VG_RELAY_AHEAD 8

static inline uint16_t
prefetch_next(const struct vg_burst *b, uint16_t k)
{
	while (k < b->n && (b->verdict[k] != VG_V_MEDIA || b->leg[k] == NULL))
		k++;
	if (k < b->n)
		vg_leg_prefetch(b->leg[k]);
	return (uint16_t)(k + 1);
}

void
vg_stage_relay(struct vg_burst *b)
{
	uint16_t i, k = b->asked ? b->n : 0, n;

	for (n = 0; n < VG_RELAY_AHEAD && k < b->n; n++)
		k = prefetch_next(b, k);
	for (i = 0; i < b->n; i++) {
		if (b->verdict[i] != VG_V_MEDIA || b->leg[i] == NULL)
			continue;
		if (k < b->n)
			k = prefetch_next(b, k);
		b->verdict[i] = relay_one(b, i);
	}
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
		case VG_V_TAKEN:
			break;
		case VG_V_HANDOFF:
			b->ho_owner[b->n_ho] = b->ho_owner[i];
			b->ho[b->n_ho++] = m;
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

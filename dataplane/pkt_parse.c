/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Classify stage: parse, answer ARP and ICMP echo, sort the rest.
 *
 * Every header is length-checked against the mbuf's data before it is
 * read, so a truncated or lying packet ends as a named drop, never as a
 * read past the end.
 */
#include <string.h>

#include <rte_arp.h>
#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_prefetch.h>
#include <rte_udp.h>

#include "pipeline_pvt.h"

#define ETH_LEN ((uint16_t)sizeof(struct rte_ether_hdr))
#define IP_TTL_OUT 64

void
vg_burst_start(struct vg_burst *b, struct rte_mbuf **pkts, uint16_t n,
		uint64_t now_tsc)
{
	b->pkts = pkts;
	b->n = RTE_MIN(n, (uint16_t)VG_BURST_MAX);
	b->now_tsc = now_tsc;
	if (b->tsc_hz != 0) {
		uint64_t rem = now_tsc % b->tsc_hz;

		b->now_sec = now_tsc / b->tsc_hz;
		/* 128 bits: rem << 32 overflows 64 above a 4.29 GHz TSC */
		b->now_frac = (uint64_t)((((unsigned __int128)rem << 32) +
			b->tsc_hz - 1) / b->tsc_hz);
	}
	b->asked = false;
	b->rtp_rate = 0; /* none yet; a rate of 0 gives rtp_now 0 */
	b->rtp_now = 0;
	b->n_events = 0;
	b->n_tx = 0;
	b->n_exc = 0;
	b->n_ho = 0;
}

/* Does the IPv4 header at ip, ihl bytes, sum to 0xffff (RFC 791, RFC
 * 1071)? Without options (nearly always) as five 32-bit words. */
static inline bool
ipv4_csum_ok(const struct rte_ipv4_hdr *ip, uint16_t ihl)
{
	const uint8_t *p = (const uint8_t *)ip;
	uint64_t s = 0;
	uint32_t w;
	unsigned int k;

	if (unlikely(ihl != sizeof(*ip)))
		return rte_raw_cksum(ip, ihl) == 0xffff;
	for (k = 0; k < sizeof(*ip); k += sizeof(w)) {
		memcpy(&w, p + k, sizeof(w));
		s += w;
	}
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}

/* Is the IPv4 header's checksum good: the port's verdict when it gave
 * one, else checked here. */
static inline bool
ip_csum_good(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
		uint16_t ihl)
{
	switch (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) {
	case RTE_MBUF_F_RX_IP_CKSUM_GOOD:
		return true;
	case RTE_MBUF_F_RX_IP_CKSUM_BAD:
		return false;
	default:
		return ipv4_csum_ok(ip, ihl);
	}
}

/* Packet i is UDP to media port dport of media address ma: what lookup
 * and relay need of it, and its slot asked for. */
static inline uint8_t
media(struct vg_burst *b, uint16_t i, uint8_t *frame, uint16_t ihl,
		uint16_t udp_len, int ma, uint16_t dport)
{
	b->l4_off[i] = (uint16_t)(ETH_LEN + ihl);
	b->udp_len[i] = udp_len;
	b->maddr[i] = (uint16_t)ma;
	b->dport[i] = dport;
	b->frame[i] = frame;
	/* lookup reads it once the whole burst is classified */
	if (b->tbl != NULL)
		vg_sess_prefetch(b->tbl, (uint16_t)ma, dport);
	return VG_V_MEDIA;
}

static uint8_t
drop(struct vg_burst *b, uint16_t i, enum vg_drop_reason why)
{
	b->reason[i] = (uint8_t)why;
	return VG_V_DROP;
}

/* Not media: the port's own address has the kernel behind it (when the
 * exception path is on); a media-only range address has nothing. */
static uint8_t
not_media(struct vg_burst *b, uint16_t i, const struct vg_local_addr *la,
		bool range)
{
	if (range)
		return drop(b, i, VG_DROP_NOT_MEDIA);
	return la->exception ? VG_V_EXCEPTION :
		drop(b, i, VG_DROP_NO_EXCEPTION);
}

/* ARP request for one of our addresses: turn it into the reply in place
 * (answering as the address asked for: ours or one of the range). */
static uint8_t
classify_arp(struct vg_burst *b, uint16_t i, struct rte_ether_hdr *eth,
		uint16_t len, const struct vg_local_addr *la)
{
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);
	struct rte_arp_ipv4 *d = &arp->arp_data;
	uint32_t tip;
	int ma;

	if (len < ETH_LEN + sizeof(*arp) ||
			arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
			arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
			arp->arp_hlen != RTE_ETHER_ADDR_LEN ||
			arp->arp_plen != sizeof(uint32_t))
		return drop(b, i, VG_DROP_ARP_MALFORMED);
	tip = d->arp_tip;
	ma = vg_local_maddr(la, tip);
	if (ma < 0)
		return drop(b, i, VG_DROP_ARP_NOT_US);
	/* RFC 826: whoever asks or answers us is a neighbour worth knowing */
	if (((d->arp_sip ^ la->ip) & la->netmask) == 0 && d->arp_sip != 0 &&
			rte_is_unicast_ether_addr(&d->arp_sha))
		vg_neigh_hint_post(la, b->rx_addr, d->arp_sip, &d->arp_sha);
	if (arp->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST))
		/* replies and the rest: the kernel keeps its neighbours */
		return not_media(b, i, la, tip != la->ip);
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	d->arp_tha = d->arp_sha;
	d->arp_tip = d->arp_sip;
	d->arp_sha = la->mac;
	d->arp_sip = tip;
	eth->dst_addr = eth->src_addr;
	eth->src_addr = la->mac;
	vg_ctr_add(&b->lc->arp_replies, 1);
	return VG_V_REPLY;
}

/* ICMP echo request (RFC 792) to us: echo reply in place. */
static uint8_t
classify_icmp(struct vg_burst *b, uint16_t i, struct rte_ether_hdr *eth,
		struct rte_ipv4_hdr *ip, uint16_t ihl, uint16_t ip_len,
		const struct vg_local_addr *la, bool range)
{
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)((uint8_t *)ip +
			ihl);
	uint16_t icmp_len = ip_len - ihl;
	uint32_t tmp;

	if (icmp_len < sizeof(*icmp))
		return drop(b, i, VG_DROP_ICMP_TRUNC);
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code)
		return not_media(b, i, la, range);
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, icmp_len);
	tmp = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = tmp;
	ip->time_to_live = IP_TTL_OUT;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	eth->dst_addr = eth->src_addr;
	eth->src_addr = la->mac;
	vg_ctr_add(&b->lc->icmp_replies, 1);
	return VG_V_REPLY;
}

static uint8_t
classify_ipv4(struct vg_burst *b, uint16_t i, struct rte_mbuf *m,
		struct rte_ether_hdr *eth, uint16_t len,
		const struct vg_local_addr *la)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp;
	uint16_t ihl, ip_len, udp_len, dport;
	int ma;

	if (len < ETH_LEN + sizeof(*ip))
		return drop(b, i, VG_DROP_IP_TRUNC);
	ihl = (uint16_t)((ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) *
			RTE_IPV4_IHL_MULTIPLIER);
	ip_len = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) ||
			ip_len < ihl || ip_len > len - ETH_LEN)
		return drop(b, i, ihl > len - ETH_LEN ? VG_DROP_IP_TRUNC :
				VG_DROP_IP_BAD_HDR);
	if (!ip_csum_good(m, ip, ihl))
		return drop(b, i, VG_DROP_IP_CSUM);
	ma = vg_local_maddr(la, ip->dst_addr);
	if (ma < 0)
		return drop(b, i, VG_DROP_IP_NOT_US);
	/* Ethernet padding past the IP datagram is not ours to relay */
	if (len > ETH_LEN + ip_len)
		rte_pktmbuf_trim(m, (uint16_t)(len - ETH_LEN - ip_len));

	/* fragments: the kernel reassembles */
	if ((ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG |
			RTE_IPV4_HDR_OFFSET_MASK)) != 0)
		goto exception;
	if (ip->next_proto_id == IPPROTO_ICMP)
		return classify_icmp(b, i, eth, ip, ihl, ip_len, la,
				ma != la->media_base);
	if (ip->next_proto_id != IPPROTO_UDP)
		goto exception;
	if (ip_len - ihl < (uint16_t)sizeof(*udp))
		return drop(b, i, VG_DROP_UDP_TRUNC);
	udp = (struct rte_udp_hdr *)((uint8_t *)ip + ihl);
	udp_len = rte_be_to_cpu_16(udp->dgram_len);
	if (udp_len != ip_len - ihl)
		return drop(b, i, VG_DROP_UDP_TRUNC);
	dport = rte_be_to_cpu_16(udp->dst_port);
	if (dport < la->media_port_min || dport > la->media_port_max)
		goto exception;
	return media(b, i, (uint8_t *)eth, ihl, udp_len, ma, dport);
exception:
	return not_media(b, i, la, ma != la->media_base);
}

/*
 * The common case at once: a one-segment frame to our MAC carrying an
 * IPv4 datagram without options or padding, not a fragment, with a good
 * header checksum, holding a whole UDP datagram to a media port of ours.
 * Anything else, errors included, returns false having written nothing,
 * and classify_one() then looks at it header by header (what it accepts,
 * that path accepts alike). ~4 cycles a packet less than that path in
 * cache (perf/bench-stages: classify 21.5 -> 17.7).
 */
static inline bool
classify_fast(struct vg_burst *b, uint16_t i, struct rte_mbuf *m,
		const struct vg_local_addr *la)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(f +
			ETH_LEN);
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(ip + 1);
	uint16_t len = rte_pktmbuf_data_len(m), ip_len, dport;
	uint32_t w;
	int ma;

	if (m->nb_segs != 1 || len < ETH_LEN + sizeof(*ip) + sizeof(*udp) ||
			!rte_is_same_ether_addr((const struct rte_ether_addr *)f,
				&la->mac))
		return false;
	/* EtherType IPv4, then version 4 with a 20-byte header */
	memcpy(&w, f + 2 * RTE_ETHER_ADDR_LEN, sizeof(w));
	if ((w & RTE_BE32(0xffffff00)) != RTE_BE32(0x08004500))
		return false;
	ip_len = rte_be_to_cpu_16(ip->total_length);
	if (ip_len != len - ETH_LEN || ip->next_proto_id != IPPROTO_UDP ||
			(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG |
				RTE_IPV4_HDR_OFFSET_MASK)) != 0 ||
			rte_be_to_cpu_16(udp->dgram_len) !=
				ip_len - sizeof(*ip))
		return false;
	dport = rte_be_to_cpu_16(udp->dst_port);
	if (dport < la->media_port_min || dport > la->media_port_max)
		return false;
	ma = vg_local_maddr(la, ip->dst_addr);
	if (ma < 0 || !ip_csum_good(m, ip, sizeof(*ip)))
		return false;
	media(b, i, f, sizeof(*ip), (uint16_t)(ip_len - sizeof(*ip)), ma,
			dport);
	return true;
}

static uint8_t
classify_one(struct vg_burst *b, uint16_t i)
{
	const struct vg_local_addr *la = &b->addrs[b->rx_addr];
	struct rte_mbuf *m = b->pkts[i];
	struct rte_ether_hdr *eth;
	uint16_t len = rte_pktmbuf_data_len(m);

	if (likely(classify_fast(b, i, m, la)))
		return VG_V_MEDIA;

	if (m->nb_segs != 1)
		return drop(b, i, VG_DROP_MULTISEG);
	if (len < ETH_LEN)
		return drop(b, i, VG_DROP_ETH_TRUNC);
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	if (!rte_is_same_ether_addr(&eth->dst_addr, &la->mac) &&
			!rte_is_broadcast_ether_addr(&eth->dst_addr))
		return drop(b, i, VG_DROP_ETH_NOT_US);
	switch (eth->ether_type) {
	case RTE_BE16(RTE_ETHER_TYPE_ARP):
		return classify_arp(b, i, eth, len, la);
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		return classify_ipv4(b, i, m, eth, len, la);
	default:
		return drop(b, i, VG_DROP_ETHERTYPE);
	}
}

/* ~18 cycles/pkt with the sessions in cache (perf/bench-stages); at
 * 100k sessions add the slot prefetch's page walk. */
void
vg_stage_classify(struct vg_burst *b)
{
	uint16_t i;

	for (i = 0; i < b->n && i < 4; i++)
		rte_prefetch0(rte_pktmbuf_mtod(b->pkts[i], void *));
	for (i = 0; i < b->n; i++) {
		if (i + 4 < b->n)
			rte_prefetch0(rte_pktmbuf_mtod(b->pkts[i + 4], void *));
		b->leg[i] = NULL;
		b->rtcp[i] = 0;
		b->verdict[i] = classify_one(b, i);
	}
}

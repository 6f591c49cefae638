/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Relay: a call flow through lookup and relay. A is the party on
 * leg 0 (192.0.2.10:4000, our 10.0.0.1:20000), B on leg 1
 * (198.51.100.20:6000, our 10.0.1.1:20010).
 */
#include "pipeline_fixture.h"

using namespace vgtest;

namespace {

class Relay : public Pipeline {
protected:
	uint32_t id = 0;
	struct vg_leg *la = nullptr, *lb = nullptr;

	void
	start()
	{
		id = create();
		la = vg_sess_leg(t, id, 0);
		lb = vg_sess_leg(t, id, 1);
		ASSERT_NE(la, nullptr);
	}

	/* A sends RTP to its leg (address 0). */
	std::vector<uint8_t>
	a_sends(std::vector<uint8_t> payload, uint64_t now = 1000,
		uint32_t ip = 0, uint16_t port = 4000, uint16_t to = 20000)
	{
		return one(from(ip ? ip : a_ip, port, to, payload), now, 0);
	}

	/* B sends RTP to its leg (address 1). */
	std::vector<uint8_t>
	b_sends(std::vector<uint8_t> payload, uint64_t now = 1000,
		uint32_t ip = 0, uint16_t port = 6000, uint16_t to = 20010)
	{
		return one(from(ip ? ip : b_ip, port, to, payload, 1), now, 1);
	}
};

} // namespace

TEST_F(Relay, RtpFromAReachesBRewritten)
{
	start();
	auto in = rtp(0, 7, 1120, 0xa5a5a5a5);
	auto out = a_sends(in);

	ASSERT_FALSE(out.empty());
	EXPECT_EQ(b.tx_addr[0], 1);
	EXPECT_EQ(std::memcmp(&out[0], &addrs[1].nh_mac, 6), 0);
	EXPECT_EQ(std::memcmp(&out[6], &addrs[1].mac, 6), 0);
	EXPECT_EQ(ip_at(out, L3 + 12), addrs[1].ip);
	EXPECT_EQ(ip_at(out, L3 + 16), b_ip);
	EXPECT_EQ(out[L3 + 8], 64);  /* TTL */
	EXPECT_EQ(be16_at(out, L4), 20010);
	EXPECT_EQ(be16_at(out, L4 + 2), 6000);
	EXPECT_TRUE(ipv4_csum_ok(&out[L3]));
	EXPECT_TRUE(udp_csum_ok(&out[L3]));
	ASSERT_EQ(out.size(), PL + in.size());
	EXPECT_TRUE(std::equal(in.begin(), in.end(), out.begin() + PL));

	/* the first RTP latched A's source */
	ASSERT_EQ(b.n_events, 1);
	EXPECT_EQ(b.events[0].type, VG_EVT_LATCHED);
	EXPECT_EQ(b.events[0].u.latched.ip, a_ip);
	EXPECT_EQ(b.events[0].u.latched.port, 4000);
	EXPECT_EQ(b.events[0].leg_id, la->id);
	EXPECT_EQ(b.events[0].cookie, 0xc0ffeeu);
	EXPECT_EQ(la->ctr.rx_pkts, 1u);
	EXPECT_EQ(la->ctr.rx_bytes, in.size());
	EXPECT_EQ(la->ctr.fwd_pkts, 1u);
	EXPECT_EQ(la->ctr.ssrc, 0xa5a5a5a5u);
	EXPECT_EQ(la->ctr.last_rx_tsc, 1000u);

	/* and B's answer reaches A */
	out = b_sends(rtp(0, 100, 0, 0xb0b0b0b0));
	ASSERT_FALSE(out.empty());
	EXPECT_EQ(b.tx_addr[0], 0);
	EXPECT_EQ(ip_at(out, L3 + 12), addrs[0].ip);
	EXPECT_EQ(ip_at(out, L3 + 16), a_ip);
	EXPECT_EQ(be16_at(out, L4), 20000);
	EXPECT_EQ(be16_at(out, L4 + 2), 4000);
	EXPECT_TRUE(udp_csum_ok(&out[L3]));
}

TEST_F(Relay, StrictLatchingRejectsInjection)
{
	start();
	/* before latching: only the SDP address */
	EXPECT_TRUE(a_sends(rtp(0, 1, 0, 1), 1000, ip4(203, 0, 113, 66))
		.empty());
	EXPECT_EQ(vg_leg_stats(t, la)->drops[VG_DROP_SRC_REJECTED], 1u);
	EXPECT_EQ(la->ctr.last_rx_tsc, 0u); /* injection keeps no call up */
	EXPECT_FALSE(a_sends(rtp(0, 2, 160, 1)).empty());
	/* after: the latched port only, other sources counted */
	EXPECT_TRUE(a_sends(rtp(0, 3, 320, 1), 1000, 0, 4001).empty());
	EXPECT_TRUE(a_sends(rtp(0, 3, 320, 1), 1000, ip4(203, 0, 113, 66))
		.empty());
	EXPECT_EQ(vg_leg_stats(t, la)->drops[VG_DROP_SRC_REJECTED], 3u);
	EXPECT_EQ(lc.drops[VG_DROP_SRC_REJECTED], 3u);
	EXPECT_EQ(la->ctr.fwd_pkts, 1u);
}

TEST_F(Relay, AnyLatchingFollowsTheNat)
{
	const uint32_t nat = ip4(203, 0, 113, 9);

	legs[0].latching = VG_DPAPI_LATCH_ANY;
	start();
	/* B talks first: goes to A's SDP address */
	auto out = b_sends(rtp(0, 1, 0, 2));
	EXPECT_EQ(ip_at(out, L3 + 16), a_ip);
	/* A's media comes from behind a NAT and latches there */
	EXPECT_FALSE(a_sends(rtp(0, 1, 0, 1), 1000, nat, 31000).empty());
	ASSERT_EQ(b.n_events, 1);
	EXPECT_EQ(b.events[0].u.latched.ip, nat);
	out = b_sends(rtp(0, 2, 160, 2));
	ASSERT_FALSE(out.empty());
	EXPECT_EQ(ip_at(out, L3 + 16), nat);
	EXPECT_EQ(be16_at(out, L4 + 2), 31000);
	/* the SDP address is now a stranger */
	EXPECT_TRUE(a_sends(rtp(0, 2, 160, 1)).empty());
}

TEST_F(Relay, LatchingOffAcceptsOnlySdpAndNeverLatches)
{
	legs[0].latching = VG_DPAPI_LATCH_OFF;
	legs[0].allowed_src_port = 4000;
	start();
	EXPECT_FALSE(a_sends(rtp(0, 1, 0, 1)).empty());
	EXPECT_EQ(b.n_events, 0);
	EXPECT_EQ(la->latched, 0u);
	EXPECT_TRUE(a_sends(rtp(0, 2, 0, 1), 1000, 0, 4444).empty());
	EXPECT_EQ(vg_leg_stats(t, la)->drops[VG_DROP_SRC_REJECTED], 1u);
}

TEST_F(Relay, UpdateWithNewRemoteRelatches)
{
	start();
	EXPECT_FALSE(a_sends(rtp(0, 1, 0, 1)).empty());
	legs[0].remote_ip = ip4(192, 0, 2, 99);
	ASSERT_EQ(vg_sess_update(t, id, legs), 0);
	EXPECT_TRUE(a_sends(rtp(0, 2, 160, 1)).empty()); /* old address */
	EXPECT_FALSE(a_sends(rtp(0, 3, 320, 1), 1000, ip4(192, 0, 2, 99))
		.empty());
	ASSERT_GE(b.n_events, 1);
	EXPECT_EQ(b.events[0].u.latched.ip, ip4(192, 0, 2, 99));
}

TEST_F(Relay, RtcpOnPortPlusOneAndMux)
{
	legs[1].flags = VG_DPAPI_LEG_F_RTCP_MUX;
	start();
	EXPECT_FALSE(a_sends(rtp(0, 1, 0, 1)).empty()); /* latch A */

	/* A's RTCP on 20001 goes to B's muxed port */
	auto out = a_sends(rtcp(1), 1000, 0, 4001, 20001);
	ASSERT_FALSE(out.empty());
	EXPECT_EQ(be16_at(out, L4), 20010);
	EXPECT_EQ(be16_at(out, L4 + 2), 6000);
	EXPECT_TRUE(udp_csum_ok(&out[L3]));
	EXPECT_EQ(vg_leg_stats(t, la)->rtcp_pkts, 1u);

	/* B's muxed RTCP goes to A's port + 1 from our port + 1 */
	out = b_sends(rtcp(2));
	ASSERT_FALSE(out.empty());
	EXPECT_EQ(be16_at(out, L4), 20001);
	EXPECT_EQ(be16_at(out, L4 + 2), 4001);
	EXPECT_EQ(vg_leg_stats(t, lb)->rtcp_pkts, 1u);
	EXPECT_EQ(lb->ctr.received, 0u); /* not counted as RTP */

	/* RTCP never latches: from a stranger it is refused */
	EXPECT_TRUE(a_sends(rtcp(1), 1000, ip4(203, 0, 113, 1), 4001, 20001)
		.empty());
	auto cut = rtcp(1);
	cut.resize(4);
	EXPECT_TRUE(a_sends(cut, 1000, 0, 4001, 20001).empty());
	EXPECT_EQ(vg_leg_stats(t, la)->drops[VG_DROP_RTCP_INVALID], 1u);
}

TEST_F(Relay, InvalidRtpIsDropped)
{
	start();
	auto v1 = rtp(0, 1, 0, 1);
	v1[0] = 0x40;
	EXPECT_TRUE(a_sends(v1).empty());
	EXPECT_TRUE(a_sends(std::vector<uint8_t>(11, 0x80)).empty());
	EXPECT_EQ(vg_leg_stats(t, la)->drops[VG_DROP_RTP_INVALID], 2u);
	EXPECT_EQ(la->latched, 0u); /* invalid RTP never latches */
}

TEST_F(Relay, PayloadTypeMap)
{
	legs[0].n_pt_map = 2;
	legs[0].pt_map[0] = {0, 8};
	legs[0].pt_map[1] = {101, 96};
	start();
	auto in = rtp(0, 1, 0, 1, 160, true);
	auto out = a_sends(in);
	ASSERT_FALSE(out.empty());
	EXPECT_EQ(out[PL + 1], 0x80 | 8); /* marker kept */
	EXPECT_TRUE(std::equal(in.begin() + 2, in.end(), out.begin() + PL + 2));
	EXPECT_TRUE(udp_csum_ok(&out[L3]));
	out = a_sends(rtp(101, 2, 0, 1, 4));
	EXPECT_EQ(out[PL + 1], 96);
	EXPECT_TRUE(a_sends(rtp(18, 3, 0, 1)).empty());
	EXPECT_EQ(vg_leg_stats(t, la)->drops[VG_DROP_PT_UNMAPPED], 1u);
}

TEST_F(Relay, SsrcSeqTimestampContinuity)
{
	legs[0].flags = VG_DPAPI_LEG_F_REWRITE_SSRC;
	legs[0].out_ssrc = 0x11111111;
	start();
	uint64_t now = 5000;
	std::vector<uint8_t> out;

	for (uint16_t i = 0; i < 3; i++, now += 160) {
		out = a_sends(rtp(0, (uint16_t)(100 + i), 1000 + 160u * i,
			0xaaaa), now);
		ASSERT_FALSE(out.empty());
		EXPECT_EQ(be16_at(out, PL + 2), 100 + i);
		EXPECT_EQ(be32_at(out, PL + 4), 1000 + 160u * i);
		EXPECT_EQ(be32_at(out, PL + 8), 0x11111111u);
	}
	/* A's phone restarts: new SSRC, seq and ts from elsewhere */
	out = a_sends(rtp(0, 5000, 90000, 0xbbbb), now);
	ASSERT_FALSE(out.empty());
	EXPECT_EQ(be32_at(out, PL + 8), 0x11111111u);
	EXPECT_EQ(be16_at(out, PL + 2), 103);
	EXPECT_EQ(be32_at(out, PL + 4), 1000 + 160u * 3);
	EXPECT_TRUE(udp_csum_ok(&out[L3]));
	ASSERT_EQ(b.n_events, 1);
	EXPECT_EQ(b.events[0].type, VG_EVT_SSRC_CHANGE);
	EXPECT_EQ(b.events[0].u.ssrc.old_ssrc, 0xaaaau);
	EXPECT_EQ(b.events[0].u.ssrc.new_ssrc, 0xbbbbu);
	EXPECT_EQ(vg_leg_stats(t, la)->ssrc_changes, 1u);
	now += 160;
	out = a_sends(rtp(0, 5001, 90160, 0xbbbb), now);
	EXPECT_EQ(be16_at(out, PL + 2), 104);
	EXPECT_EQ(be32_at(out, PL + 4), 1000 + 160u * 4);

	/* without the flag the stream passes untouched */
	out = b_sends(rtp(0, 5001, 90160, 0xcccc), now);
	EXPECT_EQ(be32_at(out, PL + 8), 0xccccu);
	EXPECT_EQ(be16_at(out, PL + 2), 5001);
}

TEST_F(Relay, ReceiverStatisticsOnAKnownSequence)
{
	start();
	/* seq 0..10 without 5; 20 ms apart except seq 2 and 3: 4 ms late */
	for (uint16_t s = 0; s <= 10; s++) {
		if (s == 5)
			continue;
		uint64_t now = 8000 + 160u * s + (s == 2 || s == 3 ? 32 : 0);
		EXPECT_FALSE(a_sends(rtp(0, s, 160u * s, 0x42), now).empty());
	}
	/* A.1: seq 0 is probation, counting starts at 1 */
	EXPECT_EQ(vg_leg_stats(t, la)->base_seq, 1u);
	EXPECT_EQ(la->ctr.ext_max_seq, 10u);
	EXPECT_EQ(la->ctr.received, 9u);
	EXPECT_EQ(la->ctr.lost, 1);
	EXPECT_EQ(vg_leg_stats(t, la)->seq_gaps, 1u);
	/* A.8 by hand, J*16: D = 0,32,0,32,0,...; J16 += D - (J16+8)/16
	 * seq1 0, seq2 32, seq3 32+0-2=30, seq4 30+32-2=60, then decays
	 * 60-4=56, 56-4=52 (seq 7 after the gap: D=0), 52-3=49,
	 * 49-3=46, 46-3=43 -> J = 2 */
	EXPECT_EQ(la->ctr.jitter, 43u >> 4);
	EXPECT_EQ(la->seq.jitter_q4, 43u);
}

TEST_F(Relay, NoSessionNoDestAndDeletedSession)
{
	EXPECT_TRUE(a_sends(rtp(0, 1, 0, 1), 1000, 0, 4000, 20050).empty());
	EXPECT_EQ(lc.drops[VG_DROP_NO_SESSION], 1u);

	legs[1].remote_ip = 0; /* B on hold, not latched */
	start();
	EXPECT_TRUE(a_sends(rtp(0, 1, 0, 1)).empty());
	EXPECT_EQ(vg_leg_stats(t, la)->drops[VG_DROP_NO_DEST], 1u);

	ASSERT_EQ(vg_sess_delete(t, id), 0);
	EXPECT_TRUE(a_sends(rtp(0, 2, 0, 1)).empty());
	EXPECT_EQ(lc.drops[VG_DROP_NO_SESSION], 2u);
}

TEST_F(Relay, MixedBurstIsSplitByDestination)
{
	start();
	std::vector<uint8_t> sip(30, 'x');
	std::vector<struct rte_mbuf *> pkts;

	for (uint16_t i = 0; i < 40; i++) {
		switch (i % 4) {
		case 0:
			pkts.push_back(from(a_ip, 4000, 20000,
				rtp(0, i, 160u * i, 1)));
			break;
		case 1:
			pkts.push_back(from(a_ip, 5060, 5060, sip));
			break;
		case 2:
			pkts.push_back(from(ip4(203, 0, 113, 1), 4000, 20000,
				rtp(0, i, 0, 1)));
			break;
		default:
			pkts.push_back(from(a_ip, 4000, 20098,
				rtp(0, i, 0, 1)));
			break;
		}
	}
	run(pkts);
	EXPECT_EQ(b.n_tx, 10);
	EXPECT_EQ(b.n_exc, 10);
	EXPECT_EQ(lc.drops[VG_DROP_SRC_REJECTED], 10u);
	EXPECT_EQ(lc.drops[VG_DROP_NO_SESSION], 10u);
	EXPECT_EQ(lc.rx_pkts, 40u);
	for (uint16_t i = 0; i < b.n_tx; i++) {
		auto out = bytes_of(b.tx[i]);
		EXPECT_EQ(b.tx_addr[i], 1);
		EXPECT_EQ(be16_at(out, PL + 2), 4 * i); /* order kept */
		EXPECT_TRUE(udp_csum_ok(&out[L3]));
	}
	EXPECT_EQ(b.n_events, 1);
	release();
}

TEST_F(Relay, LegOnAMediaRangeAddressSendsAndReceivesThere)
{
	const uint32_t ours = ip4(198, 51, 100, 140); /* media address 14 */

	legs[1].local_addr = 14;
	start();
	auto out = a_sends(rtp(0, 7, 1120, 0xa5a5a5a5));
	ASSERT_FALSE(out.empty());
	EXPECT_EQ(b.tx_addr[0], 1); /* out of the range's port */
	EXPECT_EQ(std::memcmp(&out[6], &addrs[1].mac, 6), 0);
	EXPECT_EQ(ip_at(out, L3 + 12), ours);
	EXPECT_EQ(ip_at(out, L3 + 16), b_ip);
	EXPECT_EQ(be16_at(out, L4), 20010);
	EXPECT_TRUE(ipv4_csum_ok(&out[L3]));
	EXPECT_TRUE(udp_csum_ok(&out[L3]));

	/* B answers to that address; the same port at 10.0.1.1 is no leg */
	out = one(from(b_ip, 6000, 20010, rtp(0, 100, 0, 0xb0b0b0b0), 1,
		ours), 1000, 1);
	ASSERT_FALSE(out.empty());
	EXPECT_EQ(b.tx_addr[0], 0);
	EXPECT_EQ(ip_at(out, L3 + 12), addrs[0].ip);
	EXPECT_EQ(ip_at(out, L3 + 16), a_ip);
	EXPECT_TRUE(b_sends(rtp(0, 101, 160, 0xb0b0b0b0)).empty());
	EXPECT_EQ(drops(VG_DROP_NO_SESSION), 1u);
}

/* The UDP and IPv4 checksums are adjusted (RFC 1624), not recomputed:
 * whatever the rewrite changes, the result must equal a full recompute. */
TEST_F(Relay, IncrementalChecksumsEqualAFullRecompute)
{
	legs[0].flags = VG_DPAPI_LEG_F_REWRITE_SSRC;
	legs[0].out_ssrc = 0x0badcafe;
	legs[0].n_pt_map = 1;
	legs[0].pt_map[0] = {0, 8};
	start();
	uint32_t x = 12345; /* a fixed LCG: the same bytes every run */
	uint64_t now = 1000;

	for (unsigned int n = 0; n < 200; n++, now += 160) {
		std::vector<uint8_t> in = rtp(0, (uint16_t)(65500 + n),
			0xfffff000u + 160u * n, n < 100 ? 0x1111 : 0x2222,
			12 + n % 173, n % 7 == 0);
		for (size_t k = 12; k < in.size(); k++) {
			x = x * 1103515245u + 12345u;
			in[k] = (uint8_t)(x >> 16);
		}
		auto out = a_sends(in, now);
		ASSERT_FALSE(out.empty()) << "packet " << n;
		ASSERT_TRUE(ipv4_csum_ok(&out[L3])) << "packet " << n;
		ASSERT_TRUE(udp_csum_ok(&out[L3])) << "packet " << n;

		/* bit for bit what a full computation gives */
		uint16_t got_ip = (uint16_t)(out[L3 + 10] << 8 | out[L3 + 11]);
		uint16_t got_udp = be16_at(out, L4 + 6);
		auto *ip = reinterpret_cast<rte_ipv4_hdr *>(&out[L3]);
		auto *udp = reinterpret_cast<rte_udp_hdr *>(&out[L4]);
		ip->hdr_checksum = 0;
		udp->dgram_cksum = 0;
		uint16_t want_ip = rte_ipv4_cksum(ip);
		uint16_t want_udp = rte_ipv4_udptcp_cksum(ip, udp);
		EXPECT_EQ(got_ip, rte_be_to_cpu_16(want_ip)) << "packet " << n;
		EXPECT_EQ(got_udp, rte_be_to_cpu_16(want_udp))
			<< "packet " << n;
	}
}

TEST_F(Relay, UdpChecksumZeroMeansNoneAndStaysZero)
{
	start();
	struct rte_mbuf *m = from(a_ip, 4000, 20000, rtp(0, 1, 0, 1));
	auto *udp = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, L4);
	udp->dgram_cksum = 0;
	auto out = one(m);
	ASSERT_FALSE(out.empty());
	EXPECT_EQ(be16_at(out, L4 + 6), 0);
	EXPECT_TRUE(ipv4_csum_ok(&out[L3]));
}

/* The relay keeps the next hop's MAC per leg and asks the neighbour table
 * again only when the table changed: a moved or forgotten neighbour is
 * seen by the very next packet. */
TEST_F(Relay, NextHopMacFollowsTheNeighbourTable)
{
	struct vg_neigh nt;
	const struct rte_ether_addr m1 = mac(0xbb, 1), m2 = mac(0xbb, 2);

	vg_neigh_init(&nt);
	addrs[1].neigh = &nt; /* B's side resolves through a table */
	start();
	EXPECT_TRUE(a_sends(rtp(0, 1, 0, 1)).empty());
	EXPECT_EQ(vg_leg_stats(t, la)->drops[VG_DROP_NO_NEIGH], 1u);
	ASSERT_EQ(vg_neigh_learn(&nt, b_ip, &m1, 1), 0);
	auto out = a_sends(rtp(0, 2, 160, 1));
	ASSERT_FALSE(out.empty());
	EXPECT_EQ(std::memcmp(&out[0], &m1, 6), 0);
	out = a_sends(rtp(0, 3, 320, 1)); /* from the leg's cache */
	ASSERT_FALSE(out.empty());
	EXPECT_EQ(std::memcmp(&out[0], &m1, 6), 0);
	EXPECT_EQ(la->nh.gen, vg_neigh_gen(&nt));

	ASSERT_EQ(vg_neigh_learn(&nt, b_ip, &m2, 2), 0); /* moved */
	out = a_sends(rtp(0, 4, 480, 1));
	ASSERT_FALSE(out.empty());
	EXPECT_EQ(std::memcmp(&out[0], &m2, 6), 0);
	ASSERT_EQ(vg_neigh_forget(&nt, b_ip), 0); /* gone: no stale MAC */
	EXPECT_TRUE(a_sends(rtp(0, 5, 640, 1)).empty());
	EXPECT_EQ(vg_leg_stats(t, la)->drops[VG_DROP_NO_NEIGH], 2u);
	addrs[1].neigh = nullptr;
}

/* Where A's media goes is B's: its address, its latched source, our port
 * on its side. An update of B is seen by A's next packet. */
TEST_F(Relay, UpdateOfThePeerMovesWhereALegSends)
{
	start();
	EXPECT_FALSE(b_sends(rtp(0, 1, 0, 2), 1000, 0, 6002).empty());
	auto out = a_sends(rtp(0, 1, 0, 1));
	ASSERT_FALSE(out.empty());
	EXPECT_EQ(be16_at(out, L4 + 2), 6002); /* B's latched port */

	legs[1].remote_ip = ip4(198, 51, 100, 77); /* B moved: re-latch */
	legs[1].remote_port = 6100;
	legs[1].local_port = 20012;
	ASSERT_EQ(vg_sess_update(t, id, legs), 0);
	out = a_sends(rtp(0, 2, 160, 1));
	ASSERT_FALSE(out.empty());
	EXPECT_EQ(ip_at(out, L3 + 16), ip4(198, 51, 100, 77));
	EXPECT_EQ(be16_at(out, L4 + 2), 6100);
	EXPECT_EQ(be16_at(out, L4), 20012);
	EXPECT_TRUE(udp_csum_ok(&out[L3]));
}

TEST_F(Relay, PortComputesTheIpv4ChecksumWhenItOffersTo)
{
	addrs[1].tx_ip_cksum = true;
	start();
	run({from(a_ip, 4000, 20000, rtp(0, 7, 1120, 5))});
	ASSERT_EQ(b.n_tx, 1);
	struct rte_mbuf *m = b.tx[0];
	EXPECT_NE(m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM, 0u);
	EXPECT_NE(m->ol_flags & RTE_MBUF_F_TX_IPV4, 0u);
	EXPECT_EQ(m->l2_len, 14u);
	EXPECT_EQ(m->l3_len, 20u);
	auto out = bytes_of(m);
	EXPECT_EQ(be16_at(out, L3 + 10), 0);
	EXPECT_TRUE(udp_csum_ok(&out[L3])); /* UDP: still adjusted here */
	release();
	/* B's answer leaves a port without the offload: computed here */
	out = b_sends(rtp(0, 1, 0, 6));
	ASSERT_FALSE(out.empty());
	EXPECT_TRUE(ipv4_csum_ok(&out[L3]));
}

/* With several workers, only the session's owner touches it: a packet
 * that reached another worker's queue is handed over unchanged. */
TEST_F(Relay, PacketOfAnotherWorkersSessionIsHandedOver)
{
	start();
	uint16_t owner = vg_leg_owner(t, la, 2);
	auto in = rtp(0, 7, 1120, 0xa5a5a5a5);

	b.n_workers = 2;
	b.worker_id = (uint16_t)(owner ^ 1);
	struct rte_mbuf *m = from(a_ip, 4000, 20000, in);
	auto frame = bytes_of(m);
	static struct rte_mbuf *burst[1];
	burst[0] = m;
	vg_burst_start(&b, burst, 1, 1000);
	b.rx_addr = 0;
	vg_stage_classify(&b);
	vg_stage_lookup(&b);
	vg_stage_relay(&b);
	vg_stage_dispatch(&b);
	ASSERT_EQ(b.n_ho, 1);
	EXPECT_EQ(b.n_tx, 0);
	EXPECT_EQ(b.ho_owner[0], owner);
	EXPECT_EQ(bytes_of(b.ho[0]), frame) << "handed over unchanged";
	EXPECT_EQ(la->ctr.rx_pkts, 0u) << "the leg is not touched";
	EXPECT_EQ(la->latched, 0u);
	/* the owner relays it */
	b.worker_id = owner;
	burst[0] = b.ho[0];
	vg_burst_start(&b, burst, 1, 1000);
	b.rx_addr = 0;
	vg_stage_classify(&b);
	vg_stage_lookup(&b);
	vg_stage_relay(&b);
	vg_stage_dispatch(&b);
	EXPECT_EQ(b.n_ho, 0);
	ASSERT_EQ(b.n_tx, 1);
	EXPECT_EQ(la->ctr.fwd_pkts, 1u);
	release();
	b.n_workers = 1;
	b.worker_id = 0;
}

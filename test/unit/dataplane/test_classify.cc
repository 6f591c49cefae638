/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Classify stage: ARP, ICMP echo, exception path, malformed input. */
#include <arpa/inet.h>

#include <rte_arp.h>
#include <rte_icmp.h>

#include "pipeline_fixture.h"

using namespace vgtest;

namespace {

std::vector<uint8_t>
arp_request(const struct rte_ether_addr &sha, uint32_t sip, uint32_t tip)
{
	std::vector<uint8_t> f(14 + 28, 0);
	auto *eth = reinterpret_cast<rte_ether_hdr *>(f.data());
	auto *arp = reinterpret_cast<rte_arp_hdr *>(eth + 1);

	std::memset(&eth->dst_addr, 0xff, 6);
	eth->src_addr = sha;
	eth->ether_type = htons(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = htons(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = htons(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = 6;
	arp->arp_plen = 4;
	arp->arp_opcode = htons(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = sha;
	arp->arp_data.arp_sip = sip;
	arp->arp_data.arp_tip = tip;
	return f;
}

/* An IPv4 frame for us with protocol proto and l4 bytes. */
std::vector<uint8_t>
ipv4_frame(const struct rte_ether_addr &dst_mac, uint32_t src, uint32_t dst,
	uint8_t proto, const std::vector<uint8_t> &l4)
{
	std::vector<uint8_t> f(14 + 20 + l4.size(), 0);
	auto *eth = reinterpret_cast<rte_ether_hdr *>(f.data());
	auto *ip = reinterpret_cast<rte_ipv4_hdr *>(eth + 1);

	eth->dst_addr = dst_mac;
	eth->src_addr = mac(0xaa, 1);
	eth->ether_type = htons(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = 0x45;
	ip->total_length = htons((uint16_t)(20 + l4.size()));
	ip->time_to_live = 9;
	ip->next_proto_id = proto;
	ip->src_addr = src;
	ip->dst_addr = dst;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	std::memcpy(ip + 1, l4.data(), l4.size());
	return f;
}

std::vector<uint8_t>
echo_request(size_t data_len)
{
	std::vector<uint8_t> icmp(8 + data_len);

	icmp[0] = RTE_IP_ICMP_ECHO_REQUEST;
	icmp[1] = 0;
	icmp[4] = 0x12;
	icmp[5] = 0x34; /* id */
	icmp[7] = 1;    /* seq */
	for (size_t i = 0; i < data_len; i++)
		icmp[8 + i] = (uint8_t)i;
	uint16_t c = (uint16_t)~rte_raw_cksum(icmp.data(), icmp.size());
	std::memcpy(&icmp[2], &c, 2);
	return icmp;
}

} // namespace

TEST_F(Pipeline, ArpRequestForUsIsAnsweredInPlace)
{
	auto req = arp_request(peer_mac, ip4(10, 0, 0, 9), addrs[0].ip);
	auto out = one(raw_pkt(req));

	ASSERT_EQ(out.size(), req.size());
	EXPECT_EQ(b.tx_addr[0], 0);
	EXPECT_EQ(std::memcmp(&out[0], &peer_mac, 6), 0);      /* eth dst */
	EXPECT_EQ(std::memcmp(&out[6], &addrs[0].mac, 6), 0);  /* eth src */
	EXPECT_EQ(be16_at(out, 14 + 6), RTE_ARP_OP_REPLY);
	EXPECT_EQ(std::memcmp(&out[22], &addrs[0].mac, 6), 0); /* sha */
	EXPECT_EQ(ip_at(out, 28), addrs[0].ip);                /* sip */
	EXPECT_EQ(std::memcmp(&out[32], &peer_mac, 6), 0);     /* tha */
	EXPECT_EQ(ip_at(out, 38), ip4(10, 0, 0, 9));           /* tip */
	EXPECT_EQ(lc.arp_replies, 1u);
}

TEST_F(Pipeline, ArpNotForUsOrMalformedIsDropped)
{
	auto other = arp_request(peer_mac, ip4(10, 0, 0, 9), ip4(10, 0, 0, 2));
	EXPECT_TRUE(one(raw_pkt(other)).empty());
	EXPECT_EQ(drops(VG_DROP_ARP_NOT_US), 1u);

	auto cut = arp_request(peer_mac, ip4(10, 0, 0, 9), addrs[0].ip);
	cut.resize(14 + 20);
	EXPECT_TRUE(one(raw_pkt(cut)).empty());
	auto bad = arp_request(peer_mac, ip4(10, 0, 0, 9), addrs[0].ip);
	bad[14 + 4] = 8; /* hlen */
	EXPECT_TRUE(one(raw_pkt(bad)).empty());
	EXPECT_EQ(drops(VG_DROP_ARP_MALFORMED), 2u);
}

TEST_F(Pipeline, IcmpEchoIsAnsweredWithValidChecksum)
{
	auto req = ipv4_frame(addrs[0].mac, ip4(10, 0, 0, 9), addrs[0].ip,
		IPPROTO_ICMP, echo_request(37));
	auto out = one(raw_pkt(req));

	ASSERT_EQ(out.size(), req.size());
	EXPECT_EQ(ip_at(out, L3 + 12), addrs[0].ip);
	EXPECT_EQ(ip_at(out, L3 + 16), ip4(10, 0, 0, 9));
	EXPECT_TRUE(ipv4_csum_ok(&out[L3]));
	EXPECT_EQ(out[L4], RTE_IP_ICMP_ECHO_REPLY);
	EXPECT_EQ(rte_raw_cksum(&out[L4], out.size() - L4), 0xffff);
	/* identifier, sequence and data echoed unchanged */
	EXPECT_TRUE(std::equal(out.begin() + L4 + 4, out.end(),
		req.begin() + L4 + 4));
	EXPECT_EQ(std::memcmp(&out[0], &req[6], 6), 0);
	EXPECT_EQ(lc.icmp_replies, 1u);
}

TEST_F(Pipeline, OtherTrafficForUsGoesToTheException)
{
	std::vector<uint8_t> sip(20, 'S');
	std::vector<struct rte_mbuf *> pkts = {
		from(a_ip, 5060, 5060, sip),                   /* SIP */
		raw_pkt(ipv4_frame(addrs[0].mac, a_ip, addrs[0].ip,
			IPPROTO_TCP, std::vector<uint8_t>(20))),  /* SSH */
		raw_pkt(ipv4_frame(addrs[0].mac, a_ip, addrs[0].ip,
			IPPROTO_ICMP, {3, 3, 0, 0, 0, 0, 0, 0})),  /* unreach */
	};

	run(pkts);
	EXPECT_EQ(b.n_exc, 3);
	EXPECT_EQ(b.n_tx, 0);
	EXPECT_EQ(lc.exception_pkts, 3u);
	release();

	addrs[0].exception = false;
	run({from(a_ip, 5060, 5060, sip)});
	EXPECT_EQ(b.n_exc, 0);
	EXPECT_EQ(drops(VG_DROP_NO_EXCEPTION), 1u);
}

TEST_F(Pipeline, MalformedFramesAreDroppedByReason)
{
	auto good = [&] {
		return bytes_of_and_free(from(a_ip, 4000, 20000,
			rtp(0, 1, 160, 0x1234)));
	};
	struct case_ {
		const char *what;
		std::function<void(std::vector<uint8_t> &)> mangle;
		enum vg_drop_reason why;
	};
	std::vector<case_> cases = {
		{"runt", [](auto &f) { f.resize(10); }, VG_DROP_ETH_TRUNC},
		{"not our MAC", [](auto &f) { f[5] = 0x77; },
			VG_DROP_ETH_NOT_US},
		{"IPv6", [](auto &f) { f[12] = 0x86; f[13] = 0xdd; },
			VG_DROP_ETHERTYPE},
		{"IP cut", [](auto &f) { f.resize(L3 + 12); },
			VG_DROP_IP_TRUNC},
		{"IHL past end", [](auto &f) { f.resize(L3 + 30);
			f[L3] = 0x4f; }, VG_DROP_IP_TRUNC},
		{"IHL 4", [](auto &f) { f[L3] = 0x44; }, VG_DROP_IP_BAD_HDR},
		{"version 6", [](auto &f) { f[L3] = 0x65; },
			VG_DROP_IP_BAD_HDR},
		{"total length past data", [](auto &f) {
			f.resize(f.size() - 20); }, VG_DROP_IP_BAD_HDR},
		{"header checksum", [](auto &f) { f[L3 + 10] ^= 1; },
			VG_DROP_IP_CSUM},
		{"not our IP", [](auto &f) { f[L3 + 19] = 2;
			fix_ip_csum(f); }, VG_DROP_IP_NOT_US},
		{"UDP length lies", [](auto &f) { f[L4 + 5] += 1; },
			VG_DROP_UDP_TRUNC},
		{"UDP header cut", [](auto &f) { f.resize(L4 + 4);
			f[L3 + 3] = 24; fix_ip_csum(f); }, VG_DROP_UDP_TRUNC},
		{"ICMP cut", [](auto &f) { f.resize(L4 + 4);
			f[L3 + 3] = 24; f[L3 + 9] = IPPROTO_ICMP;
			fix_ip_csum(f); }, VG_DROP_ICMP_TRUNC},
	};

	create();
	for (auto &c : cases) {
		auto f = good();
		c.mangle(f);
		uint64_t before = drops(c.why);
		EXPECT_TRUE(one(raw_pkt(f)).empty()) << c.what;
		EXPECT_EQ(drops(c.why), before + 1) << c.what;
	}
	/* the unmangled packet still goes through */
	EXPECT_FALSE(one(raw_pkt(good())).empty());
}

TEST_F(Pipeline, PortVerdictOnTheIpChecksumIsTaken)
{
	create();
	struct rte_mbuf *m = from(a_ip, 4000, 20000, rtp(0, 1, 160, 1));

	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_BAD;
	EXPECT_TRUE(one(m).empty());
	EXPECT_EQ(drops(VG_DROP_IP_CSUM), 1u);
	m = from(a_ip, 4000, 20000, rtp(0, 2, 320, 1));
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	EXPECT_FALSE(one(m).empty());
}

/* IHL > 5: the header checksum covers the options (RFC 791), the UDP
 * header starts after them, and the relay keeps them. */
TEST_F(Pipeline, Ipv4OptionsAreCheckedAndKept)
{
	create();
	auto f = bytes_of_and_free(from(a_ip, 4000, 20000, rtp(0, 1, 160, 1)));

	f.insert(f.begin() + L4, {1, 1, 1, 1}); /* four NOPs */
	f[L3] = 0x46;
	f[L3 + 3] = (uint8_t)(f[L3 + 3] + 4);
	fix_ip_csum(f);
	auto out = one(raw_pkt(f));
	ASSERT_EQ(out.size(), f.size());
	EXPECT_TRUE(ipv4_csum_ok(&out[L3]));
	EXPECT_TRUE(udp_csum_ok(&out[L3]));
	EXPECT_EQ(be16_at(out, L4 + 4 + 2), 6000); /* to B */
	f[L3 + 22] ^= 1; /* an option byte: the checksum no longer holds */
	EXPECT_TRUE(one(raw_pkt(f)).empty());
	EXPECT_EQ(drops(VG_DROP_IP_CSUM), 1u);
}

TEST_F(Pipeline, ChainedMbufIsDropped)
{
	struct rte_mbuf *m = from(a_ip, 4000, 20000, rtp(0, 1, 160, 1));
	struct rte_mbuf *tail = raw_pkt({1, 2, 3});

	ASSERT_EQ(rte_pktmbuf_chain(m, tail), 0);
	EXPECT_TRUE(one(m).empty());
	EXPECT_EQ(drops(VG_DROP_MULTISEG), 1u);
}

TEST_F(Pipeline, EthernetPaddingIsTrimmed)
{
	create();
	auto f = bytes_of_and_free(from(a_ip, 4000, 20000, rtp(0, 1, 160, 1)));
	size_t len = f.size();

	f.resize(len + 6, 0); /* trailer after the IP datagram */
	auto out = one(raw_pkt(f));
	ASSERT_EQ(out.size(), len);
	EXPECT_TRUE(udp_csum_ok(&out[L3]));
}

/* Media frames the one-pass check takes (plain) and those it leaves to
 * the header-by-header path (padded, IP options, broadcast, checksum
 * verdict from the port) come out of classify alike. */
TEST_F(Pipeline, MediaFramesOfEveryShapeClassifyAlike)
{
	static struct rte_mbuf *burst[5];
	auto f = bytes_of_and_free(from(a_ip, 4000, 20000, rtp(0, 1, 160, 1)));
	auto padded = f, opts = f, bcast = f;
	const uint16_t udp_len = (uint16_t)(f.size() - L4);

	padded.resize(f.size() + 6, 0);
	opts.insert(opts.begin() + L4, {1, 1, 1, 1});
	opts[L3] = 0x46;
	opts[L3 + 3] = (uint8_t)(opts[L3 + 3] + 4);
	fix_ip_csum(opts);
	std::memset(bcast.data(), 0xff, 6);
	burst[0] = raw_pkt(f);
	burst[1] = raw_pkt(padded);
	burst[2] = raw_pkt(opts);
	burst[3] = raw_pkt(bcast);
	burst[4] = raw_pkt(f);
	burst[4]->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	vg_burst_start(&b, burst, 5, 1000);
	b.rx_addr = 0;
	vg_stage_classify(&b);
	for (uint16_t i = 0; i < 5; i++) {
		SCOPED_TRACE(i);
		EXPECT_EQ(b.verdict[i], VG_V_MEDIA);
		EXPECT_EQ(b.l4_off[i], i == 2 ? L4 + 4 : L4);
		EXPECT_EQ(b.udp_len[i], udp_len);
		EXPECT_EQ(b.maddr[i], 0);
		EXPECT_EQ(b.dport[i], 20000);
		EXPECT_EQ(b.frame[i], rte_pktmbuf_mtod(burst[i], uint8_t *));
		EXPECT_EQ(rte_pktmbuf_data_len(burst[i]),
			i == 2 ? f.size() + 4 : f.size());
	}
	for (uint16_t i = 0; i < 5; i++)
		rte_pktmbuf_free(burst[i]);
}

/* Port 1's media_range 198.51.100.128/28: media-only addresses. */

TEST_F(Pipeline, ArpForAMediaRangeAddressIsAnsweredAsThatAddress)
{
	auto req = arp_request(peer_mac, ip4(10, 0, 1, 9),
		ip4(198, 51, 100, 133));
	auto out = one(raw_pkt(req), 1000, 1);

	ASSERT_EQ(out.size(), req.size());
	EXPECT_EQ(b.tx_addr[0], 1);
	EXPECT_EQ(be16_at(out, 14 + 6), RTE_ARP_OP_REPLY);
	EXPECT_EQ(std::memcmp(&out[22], &addrs[1].mac, 6), 0); /* sha */
	EXPECT_EQ(ip_at(out, 28), ip4(198, 51, 100, 133));     /* sip */
	EXPECT_EQ(ip_at(out, 38), ip4(10, 0, 1, 9));           /* tip */

	/* the ends of the range and just past them */
	EXPECT_FALSE(one(raw_pkt(arp_request(peer_mac, ip4(10, 0, 1, 9),
		ip4(198, 51, 100, 143))), 1000, 1).empty());
	EXPECT_TRUE(one(raw_pkt(arp_request(peer_mac, ip4(10, 0, 1, 9),
		ip4(198, 51, 100, 144))), 1000, 1).empty());
	EXPECT_TRUE(one(raw_pkt(arp_request(peer_mac, ip4(10, 0, 1, 9),
		ip4(198, 51, 100, 127))), 1000, 1).empty());
	/* a range belongs to its port only */
	EXPECT_TRUE(one(raw_pkt(arp_request(peer_mac, ip4(10, 0, 0, 9),
		ip4(198, 51, 100, 133))), 1000, 0).empty());
	EXPECT_EQ(drops(VG_DROP_ARP_NOT_US), 3u);
	EXPECT_EQ(lc.arp_replies, 2u);
}

TEST_F(Pipeline, IcmpEchoToAMediaRangeAddressIsAnswered)
{
	auto req = ipv4_frame(addrs[1].mac, ip4(10, 0, 1, 9),
		ip4(198, 51, 100, 128), IPPROTO_ICMP, echo_request(16));
	auto out = one(raw_pkt(req), 1000, 1);

	ASSERT_EQ(out.size(), req.size());
	EXPECT_EQ(ip_at(out, L3 + 12), ip4(198, 51, 100, 128));
	EXPECT_EQ(ip_at(out, L3 + 16), ip4(10, 0, 1, 9));
	EXPECT_TRUE(ipv4_csum_ok(&out[L3]));
	EXPECT_EQ(out[L4], RTE_IP_ICMP_ECHO_REPLY);
	EXPECT_EQ(lc.icmp_replies, 1u);
}

TEST_F(Pipeline, MediaRangeAddressClassifiesMediaToItsIndexAndDropsTheRest)
{
	static struct rte_mbuf *burst[2];

	burst[0] = from(b_ip, 6000, 20010, rtp(0, 1, 0, 1), 1,
		ip4(198, 51, 100, 135));
	/* SIP to a media-only address: no kernel behind it */
	burst[1] = from(b_ip, 6000, 5060, {1, 2, 3}, 1,
		ip4(198, 51, 100, 135));
	vg_burst_start(&b, burst, 2, 1000);
	b.rx_addr = 1;
	vg_stage_classify(&b);
	EXPECT_EQ(b.verdict[0], VG_V_MEDIA);
	EXPECT_EQ(b.maddr[0], 2 + 7);
	EXPECT_EQ(b.verdict[1], VG_V_DROP);
	EXPECT_EQ(b.reason[1], VG_DROP_NOT_MEDIA);
	vg_stage_dispatch(&b);
	EXPECT_EQ(drops(VG_DROP_NOT_MEDIA), 1u);
	EXPECT_EQ(drops(VG_DROP_NO_SESSION), 1u);
	EXPECT_EQ(b.n_exc, 0);
}

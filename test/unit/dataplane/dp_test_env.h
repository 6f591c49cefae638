/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Helpers of the data-plane unit tests: EAL started once per binary
 * (--no-huge --no-pci --in-memory, unique --file-prefix), a small
 * configuration, packet crafting and checksum checks.
 */
#ifndef VG_DP_TEST_ENV_H
#define VG_DP_TEST_ENV_H

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "vg_config.h"

namespace vgtest {

/** The EAL file prefix of this binary ("vg-ut-<pid>"). */
const std::string &file_prefix();

/** true once rte_eal_init() succeeded; why not otherwise. */
bool eal_ok(std::string *why);

/** A mempool of small mbufs for crafted packets (created on first use). */
struct rte_mempool *pool();

/** Skip the test, with the reason, when EAL could not start here. */
#define VG_NEED_EAL() \
	do { \
		std::string why_; \
		if (!vgtest::eal_ok(&why_)) \
			GTEST_SKIP() << "EAL not available: " << why_; \
	} while (0)

/**
 * A configuration for tests: two local addresses (10.0.0.1, 10.0.1.1),
 * media ports 20000..20099, 4 sessions, rings of 16.
 */
struct test_config {
	struct vg_config cfg;
	struct vg_cfg_port ports[2];
	test_config();
};

/** IPv4 a.b.c.d in network order. */
uint32_t ip4(unsigned a, unsigned b, unsigned c, unsigned d);

/** What a crafted UDP/IPv4 packet contains. */
struct udp_spec {
	struct rte_ether_addr eth_src, eth_dst;
	uint32_t src_ip, dst_ip;   /**< network order */
	uint16_t sport, dport;
	std::vector<uint8_t> payload;
	uint8_t ttl = 64;
};

/** An RTP packet payload: V=2, pt, seq, ts, ssrc, n bytes of media. */
std::vector<uint8_t> rtp(uint8_t pt, uint16_t seq, uint32_t ts,
		uint32_t ssrc, size_t media_len = 160, bool marker = false);

/** An RTCP SR-like payload (V=2, type 200). */
std::vector<uint8_t> rtcp(uint32_t ssrc);

/** Build a frame in a new mbuf (checksums valid). */
struct rte_mbuf *udp_pkt(const udp_spec &s);

/** Build a frame from raw bytes. */
struct rte_mbuf *raw_pkt(const std::vector<uint8_t> &bytes);

/** The bytes of a (single-segment) mbuf. */
std::vector<uint8_t> bytes_of(const struct rte_mbuf *m);

/** bytes_of(m), then free m. */
std::vector<uint8_t> bytes_of_and_free(struct rte_mbuf *m);

/** Recompute the IPv4 header checksum of the frame (header at 14). */
void fix_ip_csum(std::vector<uint8_t> &frame);

/** true when the IPv4 header checksum at l3 verifies. */
bool ipv4_csum_ok(const uint8_t *l3);

/** true when the UDP checksum of the IPv4/UDP datagram at l3 verifies. */
bool udp_csum_ok(const uint8_t *l3);

} // namespace vgtest

#endif /* VG_DP_TEST_ENV_H */

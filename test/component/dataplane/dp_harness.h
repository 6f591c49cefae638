// SPDX-License-Identifier: BSD-3-Clause
/**
 * @file A real voxgate-dp for component tests: a private network
 * namespace with veth pairs, voxgate-dp started on net_pcap ports (rx from
 * a veth end, tx to a pcap file), the test process attached as a DPDK
 * secondary through the client library, frames injected on the other
 * veth ends, and what voxgate-dp sent read back from the pcap files.
 */
#ifndef VG_DP_HARNESS_H
#define VG_DP_HARNESS_H

#include <cstdint>
#include <string>
#include <vector>

#include "vg_dpapi.h"

namespace vgt {

using Frame = std::vector<uint8_t>;

/** Addresses of the two sides the harness builds. */
struct Side {
	const char *name;     /**< port name in the config */
	std::string veth_dp;  /**< end voxgate-dp reads */
	std::string veth_peer;/**< end the test writes */
	std::string out_pcap; /**< what voxgate-dp sent */
	uint32_t ip;          /**< ours, network order */
	uint32_t peer_ip;     /**< the far end, network order */
	uint8_t peer_mac[6];
	uint8_t our_mac[6];   /**< learned from voxgate-dp's ARP reply */
	int sock = -1;        /**< AF_PACKET on veth_peer */
	size_t read = 0;      /**< frames of out_pcap already returned */
};

/** Side b's media_range: media addresses 2..17 (after a's and b's own
 * addresses), 198.51.100.128/28. */
constexpr uint16_t kRangeIndex = 2;
constexpr const char *kRangeFirst = "198.51.100.128";

class DpHarness {
public:
	/** Build the namespace and veths, start voxgate-dp, attach.
	 * The EAL file prefix is prefix_base-<pid>: one base per test
	 * binary, so two binaries never share hugepage files.
	 * Returns "" or what went wrong. */
	std::string start(const std::string &dp_bin, const std::string &dir,
			uint32_t max_sessions,
			const std::string &prefix_base = "vg-ct");
	/** SIGTERM voxgate-dp and wait; returns its exit status. */
	int stop();

	void inject(int side, const Frame &f);
	/** Frames voxgate-dp sent on a side since the last call, waiting up
	 * to wait_ms for at least want of them. */
	std::vector<Frame> sent(int side, size_t want, int wait_ms = 2000);

	/** Extra EAL arguments for voxgate-dp (after its --), set before
	 * start(). */
	std::vector<std::string> eal_args;
	struct vg_dpapi_client *client = nullptr;
	Side sides[2];
	std::string prefix;
	std::string tap;      /**< side a's exception TAP (kernel name) */
	std::string log;
	pid_t pid = -1;

private:
	bool eal_up = false;  /**< this process's (secondary) EAL is up */
};

/** Run a shell command with its stdout and stderr collected, killed (its
 * whole process group) after timeout_ms. The command runs on every CPU,
 * not only on this process's EAL core: on the CI's virtual machines, a
 * parent pinned to the core where a DPDK secondary (vg-abi-probe) had
 * just exited was seen spinning in the kernel for 60 to 160 s (a
 * "workqueue lockup" on that CPU), which made dp-relay time out.
 * Returns the wait status, or -1 when it had to be killed. */
int run_bounded(const std::string &cmd, int timeout_ms, std::string *out);

/* Frame builders: checksums computed here, independently of voxgate. */
Frame udp_frame(const uint8_t dst_mac[6], const uint8_t src_mac[6],
		uint32_t sip, uint16_t sport, uint32_t dip, uint16_t dport,
		const std::vector<uint8_t> &payload);
Frame arp_request(const uint8_t src_mac[6], uint32_t sip, uint32_t tip);
Frame icmp_echo(const uint8_t dst_mac[6], const uint8_t src_mac[6],
		uint32_t sip, uint32_t dip, uint16_t id, uint16_t seq);
std::vector<uint8_t> rtp(uint8_t pt, uint16_t seq, uint32_t ts,
		uint32_t ssrc, size_t payload_len, uint8_t fill);

/** An RTP packet (12-byte header, no CSRC) carrying payload pl. */
std::vector<uint8_t> rtp_pkt(bool marker, uint8_t pt, uint16_t seq,
		uint32_t ts, uint32_t ssrc, const std::vector<uint8_t> &pl);

/** Parsed view of an RTP packet; ok is false unless it is version 2
 * without padding, extension or CSRCs. */
struct Rtp {
	bool ok = false;
	bool marker = false;
	uint8_t pt = 0;
	uint16_t seq = 0;
	uint32_t ts = 0, ssrc = 0;
	std::vector<uint8_t> pl;
};
Rtp parse_rtp(const std::vector<uint8_t> &p);

/** Parsed view of a UDP/IPv4 frame; ok is false when it is not one or a
 * checksum is wrong. */
struct Udp {
	bool ok = false;
	bool csum_ok = false;
	uint8_t dst_mac[6], src_mac[6];
	uint32_t sip, dip;
	uint16_t sport, dport;
	std::vector<uint8_t> payload;
};
Udp parse_udp(const Frame &f);

uint32_t ip4(const char *s);

} // namespace vgt

#endif

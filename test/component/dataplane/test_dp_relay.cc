// SPDX-License-Identifier: BSD-3-Clause
/**
 * @file Component tests of the real voxgate-dp: crafted ARP, ICMP, RTP,
 * RTCP and garbage go in on one port, sessions are made from this
 * (secondary) process through the client library, and what comes out of
 * the ports' pcap files is compared packet by packet.
 */
#include <gtest/gtest.h>

#include <rte_mempool.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

#include "dp_harness.h"

using namespace vgt;

namespace {

DpHarness dp;
std::string start_error = "not started";

class DpRelay : public ::testing::Test {
protected:
	static void SetUpTestSuite()
	{
		const char *bin = getenv("VG_DP_BIN");
		char dir[] = "/tmp/vg-ct-XXXXXX";
		if (bin == nullptr || mkdtemp(dir) == nullptr) {
			start_error = "VG_DP_BIN not set or no temp dir";
			return;
		}
		start_error = dp.start(bin, dir, 256);
		if (start_error.empty())
			learn_macs();
	}
	static void TearDownTestSuite()
	{
		int st = dp.stop();
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
			<< "voxgate-dp did not stop cleanly (status " << st
			<< "); see " << dp.log;
	}
	void SetUp() override
	{
		ASSERT_EQ("", start_error) << "see " << dp.log;
	}

	/* The peers ARP for our addresses: voxgate-dp answers, and learns
	 * the peers' MACs from the requests. */
	static void learn_macs()
	{
		for (int s = 0; s < 2; s++) {
			Side &sd = dp.sides[s];
			dp.inject(s, arp_request(sd.peer_mac, sd.peer_ip, sd.ip));
			auto out = dp.sent(s, 1);
			if (out.empty() || out[0].size() < 42 ||
					out[0][21] != 2) {
				start_error = "no ARP reply on side " +
					std::string(sd.name);
				return;
			}
			memcpy(sd.our_mac, &out[0][6], 6);
		}
	}

	/* A session between peer a:4000 and peer b:5000 on local ports
	 * pa (side a) and pb (side b). */
	static uint32_t make_session(uint16_t pa, uint16_t pb,
			uint8_t latching = VG_DPAPI_LATCH_STRICT)
	{
		struct vg_dpapi_cmd cmd;
		struct vg_dpapi_reply rep;
		memset(&cmd, 0, sizeof(cmd));
		cmd.type = VG_CMD_SESS_CREATE;
		cmd.cookie = 42;
		for (int s = 0; s < 2; s++) {
			cmd.legs[s].remote_ip = dp.sides[s].peer_ip;
			cmd.legs[s].remote_port = s == 0 ? 4000 : 5000;
			cmd.legs[s].local_port = s == 0 ? pa : pb;
			cmd.legs[s].local_addr = (uint16_t)s;
			cmd.legs[s].latching = latching;
		}
		EXPECT_EQ(0, vg_dpapi_request(dp.client, &cmd, &rep, 1000000));
		EXPECT_EQ(0, rep.status);
		return rep.sess_id;
	}

	static int delete_session(uint32_t id)
	{
		struct vg_dpapi_cmd cmd;
		struct vg_dpapi_reply rep;
		memset(&cmd, 0, sizeof(cmd));
		cmd.type = VG_CMD_SESS_DELETE;
		cmd.sess_id = id;
		int rc = vg_dpapi_request(dp.client, &cmd, &rep, 1000000);
		return rc != 0 ? rc : rep.status;
	}

	/* RTP from side s's peer (source ip/port given) to our port. */
	static Frame rtp_in(int s, uint32_t sip, uint16_t sport, uint16_t dport,
			uint16_t seq, uint8_t fill = 0x55)
	{
		Side &sd = dp.sides[s];
		return udp_frame(sd.our_mac, sd.peer_mac, sip, sport, sd.ip,
			dport, rtp(0, seq, seq * 160u, 0x1234 + (uint32_t)s,
				160, fill));
	}

	static uint64_t lcore_drops(unsigned int reason)
	{
		uint64_t n = 0;
		const struct vg_dpapi_hdr *h = vg_dpapi_header(dp.client);
		for (uint32_t i = 0; i < h->n_lcores; i++)
			n += __atomic_load_n(
				&vg_dpapi_lcore_counters(dp.client, i)
					 ->drops[reason],
				__ATOMIC_RELAXED);
		return n;
	}
};

TEST_F(DpRelay, IcmpEchoIsAnsweredWithValidChecksums)
{
	Side &a = dp.sides[0];
	dp.inject(0, icmp_echo(a.our_mac, a.peer_mac, a.peer_ip, a.ip, 7, 1));
	auto out = dp.sent(0, 1);
	ASSERT_EQ(1u, out.size());
	const Frame &f = out[0];
	ASSERT_GE(f.size(), 74u);
	EXPECT_EQ(0, memcmp(&f[0], a.peer_mac, 6));
	EXPECT_EQ(0, f[34]) << "ICMP type echo reply";
	uint32_t sip, dip;
	memcpy(&sip, &f[26], 4);
	memcpy(&dip, &f[30], 4);
	EXPECT_EQ(a.ip, sip);
	EXPECT_EQ(a.peer_ip, dip);
	uint32_t sum = 0;
	for (size_t i = 34; i + 1 < f.size(); i += 2)
		sum += (uint32_t)(f[i] << 8 | f[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	EXPECT_EQ(0xffffu, sum) << "ICMP checksum";
}

TEST_F(DpRelay, RtpAndRtcpAreRelayedWithRewrittenHeaders)
{
	uint32_t id = make_session(20000, 20100);
	Side &a = dp.sides[0], &b = dp.sides[1];
	for (uint16_t seq = 1; seq <= 5; seq++)
		dp.inject(0, rtp_in(0, a.peer_ip, 4000, 20000, seq));
	/* RTCP on port + 1 */
	std::vector<uint8_t> rtcp = {0x80, 200, 0x00, 0x06};
	rtcp.resize(28, 0x11);
	dp.inject(0, udp_frame(a.our_mac, a.peer_mac, a.peer_ip, 4001, a.ip,
		20001, rtcp));
	auto out = dp.sent(1, 6);
	ASSERT_EQ(6u, out.size());
	for (size_t i = 0; i < out.size(); i++) {
		Udp u = parse_udp(out[i]);
		ASSERT_TRUE(u.ok) << "frame " << i;
		EXPECT_TRUE(u.csum_ok) << "frame " << i;
		EXPECT_EQ(0, memcmp(u.dst_mac, b.peer_mac, 6));
		EXPECT_EQ(0, memcmp(u.src_mac, b.our_mac, 6));
		EXPECT_EQ(b.ip, u.sip);
		EXPECT_EQ(b.peer_ip, u.dip);
		if (i < 5) {
			EXPECT_EQ(20100, u.sport);
			EXPECT_EQ(5000, u.dport);
			EXPECT_EQ(rtp(0, (uint16_t)(i + 1), (i + 1) * 160u,
				0x1234, 160, 0x55), u.payload)
				<< "payload untouched";
		} else {
			EXPECT_EQ(20101, u.sport) << "RTCP from port + 1";
			EXPECT_EQ(5001, u.dport);
			EXPECT_EQ(rtcp, u.payload);
		}
	}
	/* And back: b -> a. */
	dp.inject(1, udp_frame(b.our_mac, b.peer_mac, b.peer_ip, 5000, b.ip,
		20100, rtp(0, 9, 900, 0x99, 160, 0x66)));
	out = dp.sent(0, 1);
	ASSERT_EQ(1u, out.size());
	Udp u = parse_udp(out[0]);
	EXPECT_TRUE(u.csum_ok);
	EXPECT_EQ(a.peer_ip, u.dip);
	EXPECT_EQ(4000, u.dport);
	EXPECT_EQ(20000, u.sport);

	const struct vg_dpapi_leg_counters *c =
		vg_dpapi_leg_counters(dp.client, 2 * id);
	const struct vg_dpapi_leg_stats *st =
		vg_dpapi_leg_stats(dp.client, 2 * id);
	ASSERT_NE(nullptr, c);
	ASSERT_NE(nullptr, st);
	EXPECT_EQ(6u, __atomic_load_n(&c->rx_pkts, __ATOMIC_RELAXED));
	EXPECT_EQ(1u, __atomic_load_n(&st->rtcp_pkts, __ATOMIC_RELAXED));
	EXPECT_EQ(0, delete_session(id));
}

TEST_F(DpRelay, LegOnAMediaRangeAddressIsAnsweredAndRelayed)
{
	Side &a = dp.sides[0], &b = dp.sides[1];
	const uint32_t ours = htonl(ntohl(ip4(kRangeFirst)) + 5);
	struct vg_dpapi_cmd cmd;
	struct vg_dpapi_reply rep;

	EXPECT_EQ(18u, vg_dpapi_header(dp.client)->n_local_addrs);
	/* ARP and ping for the range address, on side b only */
	dp.inject(1, arp_request(b.peer_mac, b.peer_ip, ours));
	auto out = dp.sent(1, 1);
	ASSERT_EQ(1u, out.size());
	ASSERT_GE(out[0].size(), 42u);
	EXPECT_EQ(2, out[0][21]) << "ARP reply";
	EXPECT_EQ(0, memcmp(&out[0][28], &ours, 4)) << "answered as asked";
	dp.inject(1, icmp_echo(b.our_mac, b.peer_mac, b.peer_ip, ours, 9, 1));
	out = dp.sent(1, 1);
	ASSERT_EQ(1u, out.size());
	ASSERT_GE(out[0].size(), 34u);
	EXPECT_EQ(0, out[0][34]) << "ICMP echo reply";
	EXPECT_EQ(0, memcmp(&out[0][26], &ours, 4));

	memset(&cmd, 0, sizeof(cmd));
	cmd.type = VG_CMD_SESS_CREATE;
	for (int s = 0; s < 2; s++) {
		cmd.legs[s].remote_ip = dp.sides[s].peer_ip;
		cmd.legs[s].remote_port = s == 0 ? 4000 : 5000;
		cmd.legs[s].local_port = s == 0 ? 21000 : 21100;
		cmd.legs[s].latching = VG_DPAPI_LATCH_STRICT;
	}
	cmd.legs[1].local_addr = kRangeIndex + 5;
	ASSERT_EQ(0, vg_dpapi_request(dp.client, &cmd, &rep, 1000000));
	ASSERT_EQ(0, rep.status);

	dp.inject(0, rtp_in(0, a.peer_ip, 4000, 21000, 1));
	out = dp.sent(1, 1);
	ASSERT_EQ(1u, out.size());
	Udp u = parse_udp(out[0]);
	ASSERT_TRUE(u.ok);
	EXPECT_TRUE(u.csum_ok);
	EXPECT_EQ(ours, u.sip) << "sent from the range address";
	EXPECT_EQ(b.peer_ip, u.dip);
	EXPECT_EQ(21100, u.sport);

	/* b answers to the range address and reaches a */
	dp.inject(1, udp_frame(b.our_mac, b.peer_mac, b.peer_ip, 5000, ours,
		21100, rtp(0, 9, 900, 0x99, 160, 0x66)));
	out = dp.sent(0, 1);
	ASSERT_EQ(1u, out.size());
	u = parse_udp(out[0]);
	EXPECT_TRUE(u.csum_ok);
	EXPECT_EQ(a.ip, u.sip);
	EXPECT_EQ(a.peer_ip, u.dip);
	EXPECT_EQ(21000, u.sport);
	EXPECT_EQ(4000, u.dport);
	EXPECT_EQ(0, delete_session(rep.sess_id));
}

TEST_F(DpRelay, SpoofedSourceAfterLatchingNeverReachesThePeer)
{
	uint32_t id = make_session(20200, 20300);
	Side &a = dp.sides[0];
	dp.inject(0, rtp_in(0, a.peer_ip, 4000, 20200, 1));
	ASSERT_EQ(1u, dp.sent(1, 1).size()) << "the real peer latches";
	uint64_t before = lcore_drops(VG_DROP_SRC_REJECTED);
	/* A third address, then the right address from another port. */
	dp.inject(0, rtp_in(0, ip4("192.0.2.66"), 4000, 20200, 2, 0xee));
	dp.inject(0, rtp_in(0, a.peer_ip, 4444, 20200, 3, 0xee));
	dp.inject(0, rtp_in(0, a.peer_ip, 4000, 20200, 4));
	auto out = dp.sent(1, 1);
	ASSERT_EQ(1u, out.size()) << "only the latched source passes";
	Udp u = parse_udp(out[0]);
	ASSERT_TRUE(u.ok);
	EXPECT_EQ(0x55, u.payload.back()) << "the injected payload leaked";
	/* Give the counters a moment: they are written by the worker. */
	usleep(20000);
	const struct vg_dpapi_leg_stats *c =
		vg_dpapi_leg_stats(dp.client, 2 * id);
	ASSERT_NE(nullptr, c);
	EXPECT_EQ(2u, __atomic_load_n(&c->drops[VG_DROP_SRC_REJECTED],
		__ATOMIC_RELAXED)) << "counted on the leg";
	EXPECT_EQ(2u, lcore_drops(VG_DROP_SRC_REJECTED) - before)
		<< "and on the lcore";
	EXPECT_EQ(0, delete_session(id));
}

TEST_F(DpRelay, GarbageIsDroppedAndCountedByReason)
{
	Side &a = dp.sides[0];
	uint64_t no_sess = lcore_drops(VG_DROP_NO_SESSION);
	uint64_t csum = lcore_drops(VG_DROP_IP_CSUM);
	uint64_t trunc = lcore_drops(VG_DROP_IP_TRUNC) +
		lcore_drops(VG_DROP_ETH_TRUNC);
	/* UDP to a media port without a session. */
	dp.inject(0, rtp_in(0, a.peer_ip, 4000, 29000, 1));
	/* Bad IPv4 header checksum. */
	Frame bad = rtp_in(0, a.peer_ip, 4000, 29000, 1);
	bad[24] ^= 0xff;
	dp.inject(0, bad);
	/* Truncated in the IPv4 header (padded by the link to 60 bytes,
	 * so the IPv4 total length is what lies). */
	Frame tr = rtp_in(0, a.peer_ip, 4000, 29000, 1);
	tr.resize(20);
	dp.inject(0, tr);
	EXPECT_TRUE(dp.sent(1, 1, 300).empty());
	EXPECT_TRUE(dp.sent(0, 1, 100).empty());
	EXPECT_EQ(no_sess + 1, lcore_drops(VG_DROP_NO_SESSION));
	EXPECT_EQ(csum + 1, lcore_drops(VG_DROP_IP_CSUM));
	EXPECT_EQ(trunc + 1, lcore_drops(VG_DROP_IP_TRUNC) +
		lcore_drops(VG_DROP_ETH_TRUNC));
}

TEST_F(DpRelay, DeletedSessionStopsRelayingAndChurnLeaksNothing)
{
	struct rte_mempool *mp = rte_mempool_lookup("vg_mbuf_s0");
	ASSERT_NE(nullptr, mp) << "the data plane's mbuf pool";
	const struct vg_dpapi_hdr *h = vg_dpapi_header(dp.client);
	ASSERT_NE(nullptr, h);
	unsigned int avail = rte_mempool_avail_count(mp);

	/* Create and delete sessions while traffic flows on them. */
	for (int round = 0; round < 40; round++) {
		uint32_t id = make_session(21000, 21100);
		for (uint16_t k = 0; k < 4; k++)
			dp.inject(0, rtp_in(0, dp.sides[0].peer_ip, 4000,
				21000, (uint16_t)(round * 4 + k)));
		EXPECT_EQ(0, delete_session(id));
	}
	dp.sent(1, 1000, 300); /* whatever made it out */
	dp.inject(0, rtp_in(0, dp.sides[0].peer_ip, 4000, 21000, 999));
	EXPECT_TRUE(dp.sent(1, 1, 300).empty())
		<< "a deleted session relays nothing";
	usleep(100000);
	EXPECT_EQ(avail, rte_mempool_avail_count(mp)) << "mbufs leaked";

	/* Every session slot came back after the grace periods. */
	struct vg_dpapi_cmd cmd;
	struct vg_dpapi_reply rep;
	memset(&cmd, 0, sizeof(cmd));
	cmd.type = VG_CMD_SESS_LIST;
	ASSERT_EQ(0, vg_dpapi_request(dp.client, &cmd, &rep, 1000000));
	EXPECT_EQ(0u, rep.u.list.n) << "sessions left behind";
	uint32_t ids[256];
	int made = 0;
	for (; made < (int)h->max_sessions; made++) {
		memset(&cmd, 0, sizeof(cmd));
		cmd.type = VG_CMD_SESS_CREATE;
		for (int s = 0; s < 2; s++) {
			cmd.legs[s].remote_ip = dp.sides[s].peer_ip;
			cmd.legs[s].remote_port = 4000;
			cmd.legs[s].local_port = (uint16_t)(22000 + made * 2);
			cmd.legs[s].local_addr = (uint16_t)s;
		}
		ASSERT_EQ(0, vg_dpapi_request(dp.client, &cmd, &rep, 1000000));
		if (rep.status != 0)
			break;
		ids[made] = rep.sess_id;
	}
	EXPECT_EQ((int)h->max_sessions, made) << "slots lost to churn";
	for (int i = 0; i < made; i++)
		EXPECT_EQ(0, delete_session(ids[i]));
}

/*
 * A create that times out in the client (the control plane then fails
 * the call) but succeeds in voxgate-dp later must not leave a session
 * nobody owns: the client deletes it when the late reply comes.
 */
TEST_F(DpRelay, CreateThatTimedOutButSucceededIsUndone)
{
	auto list_n = [] {
		struct vg_dpapi_cmd cmd;
		struct vg_dpapi_reply rep;
		memset(&cmd, 0, sizeof(cmd));
		cmd.type = VG_CMD_SESS_LIST;
		EXPECT_EQ(0, vg_dpapi_request(dp.client, &cmd, &rep,
			1000000));
		return rep.u.list.n;
	};
	ASSERT_EQ(0u, list_n());
	uint64_t undone0 = vg_dpapi_undone_creates(dp.client);
	int rc = 0;
	/* no time at all to answer: voxgate-dp is not that fast, but if it
	 * ever is, the session is ours and goes the normal way */
	for (int tries = 0; tries < 20; tries++) {
		struct vg_dpapi_cmd cmd;
		struct vg_dpapi_reply rep;
		memset(&cmd, 0, sizeof(cmd));
		cmd.type = VG_CMD_SESS_CREATE;
		for (int s = 0; s < 2; s++) {
			cmd.legs[s].remote_ip = dp.sides[s].peer_ip;
			cmd.legs[s].remote_port = 4000;
			cmd.legs[s].local_port = (uint16_t)(23000 + 2 * s);
			cmd.legs[s].local_addr = (uint16_t)s;
		}
		rc = vg_dpapi_request(dp.client, &cmd, &rep, 0);
		if (rc == -ETIMEDOUT)
			break;
		ASSERT_EQ(0, rc);
		ASSERT_EQ(0, delete_session(rep.sess_id));
	}
	ASSERT_EQ(-ETIMEDOUT, rc);
	/* the late reply arrives; draining it sends the delete */
	for (int ms = 0; ms < 2000 &&
			vg_dpapi_undone_creates(dp.client) == undone0; ms++) {
		(void)vg_dpapi_drain_replies(dp.client);
		usleep(1000);
	}
	ASSERT_EQ(undone0 + 1, vg_dpapi_undone_creates(dp.client))
		<< "the late create was not undone";
	EXPECT_EQ(0u, list_n()) << "the timed-out session is still there";
	/* its ports are free again */
	uint32_t id = make_session(23000, 23002);
	EXPECT_EQ(0, delete_session(id));
	/* a late reply of any other kind is only dropped */
	EXPECT_EQ(undone0 + 1, vg_dpapi_undone_creates(dp.client));
}

TEST_F(DpRelay, ExceptionPathCarriesSipToTheKernelAndBack)
{
	Side &a = dp.sides[0];
	/* The kernel owns 192.0.2.1 on the TAP: a SIP socket binds there. */
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_GE(fd, 0);
	struct sockaddr_in sin = {};
	sin.sin_family = AF_INET;
	sin.sin_port = htons(5060);
	sin.sin_addr.s_addr = a.ip;
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
		<< strerror(errno);
	struct timeval tv = {2, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	std::string sip = "OPTIONS sip:192.0.2.1 SIP/2.0\r\n\r\n";
	std::vector<uint8_t> body(sip.begin(), sip.end());
	dp.inject(0, udp_frame(a.our_mac, a.peer_mac, a.peer_ip, 5070, a.ip,
		5060, body));
	char buf[512];
	struct sockaddr_in from = {};
	socklen_t flen = sizeof(from);
	ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
		(struct sockaddr *)&from, &flen);
	ASSERT_EQ((ssize_t)sip.size(), n) << "SIP did not reach the kernel";
	EXPECT_EQ(0, memcmp(buf, sip.data(), sip.size()));
	EXPECT_EQ(a.peer_ip, from.sin_addr.s_addr);
	EXPECT_EQ(5070, ntohs(from.sin_port));

	/* The answer leaves through the TAP, the main lcore and worker 0. */
	std::string cmd = "ip neigh replace 192.0.2.10 lladdr "
		"02:00:00:00:0a:01 dev " + dp.tap;
	ASSERT_EQ(0, system(cmd.c_str()));
	std::string ok = "SIP/2.0 200 OK\r\n\r\n";
	ASSERT_EQ((ssize_t)ok.size(), sendto(fd, ok.data(), ok.size(), 0,
		(struct sockaddr *)&from, flen));
	auto out = dp.sent(0, 1);
	close(fd);
	bool seen = false;
	for (auto &f : out) {
		Udp u = parse_udp(f);
		if (!u.ok || u.sport != 5060)
			continue;
		seen = true;
		EXPECT_TRUE(u.csum_ok);
		EXPECT_EQ(a.ip, u.sip);
		EXPECT_EQ(a.peer_ip, u.dip);
		EXPECT_EQ(0, memcmp(u.src_mac, a.our_mac, 6))
			<< "the TAP wears the port's MAC";
		EXPECT_EQ(std::vector<uint8_t>(ok.begin(), ok.end()),
			u.payload);
	}
	EXPECT_TRUE(seen) << "the kernel's answer did not reach the wire";
}

TEST_F(DpRelay, MediaTimeoutRaisesAnEvent)
{
	struct vg_dpapi_event ev[16];
	while (vg_dpapi_poll_events(dp.client, ev, 16) != 0)
		; /* what earlier tests left */
	uint32_t id = make_session(23000, 23100);
	/* [media] timeout_s = 3 in the harness; nothing is sent. */
	bool timed_out = false;
	for (int i = 0; i < 60 && !timed_out; i++) {
		usleep(100000);
		unsigned int n = vg_dpapi_poll_events(dp.client, ev, 16);
		for (unsigned int k = 0; k < n; k++)
			if (ev[k].type == VG_EVT_MEDIA_TIMEOUT &&
					ev[k].sess_id == id) {
				timed_out = true;
				EXPECT_EQ(42u, ev[k].cookie);
			}
	}
	EXPECT_TRUE(timed_out) << "no media timeout within 6 s";
	EXPECT_EQ(0, delete_session(id));
}

TEST_F(DpRelay, TelemetryAnswersUnderVoxgate)
{
	std::string outp;
	int st = run_bounded("printf '/voxgate/sessions\\n/voxgate/lcores\\n' "
		"| dpdk-telemetry.py -f " + dp.prefix, 10000, &outp);
	EXPECT_EQ(0, st) << outp;
	EXPECT_NE(std::string::npos, outp.find("\"/voxgate/sessions\""))
		<< outp;
	EXPECT_NE(std::string::npos, outp.find("\"max\": 256")) << outp;
	EXPECT_NE(std::string::npos, outp.find("\"worker0_busy_pct\""))
		<< outp;
}

TEST_F(DpRelay, ClientOfAnotherAbiVersionIsRefused)
{
	const char *probe = getenv("VG_ABI_PROBE");
	ASSERT_NE(nullptr, probe);
	std::string outp;
	int st = run_bounded(std::string(probe) + " " + dp.prefix, 60000,
		&outp);
	ASSERT_NE(-1, st) << "the probe did not end within 60 s: " << outp;
	EXPECT_TRUE(WIFEXITED(st)) << outp;
	EXPECT_EQ(1, WEXITSTATUS(st)) << outp;
	EXPECT_NE(std::string::npos, outp.find("this program expects 99"))
		<< outp;
}

} // namespace

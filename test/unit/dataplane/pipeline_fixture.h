/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Fixture of the packet-stage tests: two local addresses, a session
 * table with this thread registered as its RCU reader, a burst context
 * and helpers that run the stages and collect what comes out.
 */
#ifndef VG_PIPELINE_FIXTURE_H
#define VG_PIPELINE_FIXTURE_H

#include <cstring>
#include <vector>

#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_rcu_qsbr.h>
#include <rte_udp.h>

#include "dp_test_env.h"
#include "pipeline_pvt.h"
#include "sess_table_pvt.h"

namespace vgtest {

inline struct rte_ether_addr
mac(uint8_t a, uint8_t b)
{
	struct rte_ether_addr m = {{0x02, 0, 0, 0, a, b}};
	return m;
}

class Pipeline : public ::testing::Test {
protected:
	test_config tc;
	struct vg_sess_table *t = nullptr;
	struct vg_local_addr addrs[2];
	/* media addresses: 0 = 10.0.0.1 (port 0), 1 = 10.0.1.1 (port 1),
	 * 2..17 = port 1's media_range 198.51.100.128/28 */
	struct vg_media_addr maddrs[18];
	const uint32_t range_first = 0xc6336480u; /* 198.51.100.128 */
	struct vg_dpapi_lcore_counters lc;
	struct vg_burst b;
	struct vg_dpapi_leg legs[2];
	unsigned int pool_avail = 0;

	/* remote parties */
	const uint32_t a_ip = ip4(192, 0, 2, 10);
	const uint32_t b_ip = ip4(198, 51, 100, 20);
	const struct rte_ether_addr peer_mac = mac(0xaa, 0x01);

	void
	SetUp() override
	{
		VG_NEED_EAL();
		ASSERT_NE(pool(), nullptr) << rte_strerror(rte_errno);
		pool_avail = rte_mempool_avail_count(pool());
		tc.ports[1].media_range.addr.family = AF_INET;
		tc.ports[1].media_range.addr.u.v4.s_addr = htonl(range_first);
		tc.ports[1].media_range.prefix = 28;
		t = vg_sess_table_create(&tc.cfg, nullptr, nullptr, 1);
		ASSERT_NE(t, nullptr);
		ASSERT_EQ(rte_rcu_qsbr_thread_register(t->qsbr, 0), 0);
		rte_rcu_qsbr_thread_online(t->qsbr, 0);
		std::memset(addrs, 0, sizeof(addrs));
		for (unsigned int i = 0; i < 2; i++) {
			addrs[i].ip = ip4(10, 0, i, 1);
			addrs[i].mac = mac((uint8_t)i, 0x01);
			addrs[i].nh_mac = mac((uint8_t)i, 0xfe);
			addrs[i].port_id = (uint16_t)i;
			addrs[i].media_port_min = 20000;
			addrs[i].media_port_max = 20099;
			addrs[i].exception = true;
			addrs[i].media_base = (uint16_t)i;
			maddrs[i].ip = addrs[i].ip;
			maddrs[i].port = (uint16_t)i;
		}
		addrs[1].range_first = range_first;
		addrs[1].range_n = 16;
		for (unsigned int k = 0; k < 16; k++) {
			maddrs[2 + k].ip = htonl(range_first + k);
			maddrs[2 + k].port = 1;
		}
		std::memset(&lc, 0, sizeof(lc));
		std::memset(&b, 0, sizeof(b));
		b.addrs = addrs;
		b.n_addrs = 2;
		b.maddrs = maddrs;
		b.n_maddrs = 18;
		b.tbl = t;
		b.lc = &lc;
		b.tsc_hz = 8000; /* one TSC tick = one RTP unit at 8 kHz */
		std::memset(legs, 0, sizeof(legs));
		legs[0].remote_ip = a_ip;
		legs[0].remote_port = 4000;
		legs[0].local_port = 20000;
		legs[0].latching = VG_DPAPI_LATCH_STRICT;
		legs[1].remote_ip = b_ip;
		legs[1].remote_port = 6000;
		legs[1].local_port = 20010;
		legs[1].local_addr = 1;
		legs[1].latching = VG_DPAPI_LATCH_STRICT;
	}

	void
	TearDown() override
	{
		if (t != nullptr) {
			rte_rcu_qsbr_thread_offline(t->qsbr, 0);
			rte_rcu_qsbr_thread_unregister(t->qsbr, 0);
			vg_sess_table_destroy(t);
		}
		/* every mbuf went back: none leaked by the stages */
		if (eal_ok(nullptr) && pool() != nullptr) {
			EXPECT_EQ(rte_mempool_avail_count(pool()), pool_avail);
		}
	}

	uint32_t
	create()
	{
		uint32_t id = UINT32_MAX;

		EXPECT_EQ(vg_sess_create(t, legs, 0xc0ffee, &id), 0);
		return id;
	}

	/* Run all stages on pkts at time now; outputs stay in b. */
	void
	run(std::vector<struct rte_mbuf *> pkts, uint64_t now = 1000)
	{
		static struct rte_mbuf *burst[VG_BURST_MAX];

		ASSERT_LE(pkts.size(), (size_t)VG_BURST_MAX);
		for (size_t i = 0; i < pkts.size(); i++) {
			ASSERT_NE(pkts[i], nullptr);
			burst[i] = pkts[i];
		}
		vg_burst_start(&b, burst, (uint16_t)pkts.size(), now);
		b.rx_addr = 0;
		vg_stage_classify(&b);
		vg_stage_lookup(&b);
		vg_stage_relay(&b);
		vg_stage_dispatch(&b);
	}

	/* run() on one packet received on address rx; returns its bytes if
	 * it was sent (and frees it), else an empty vector. */
	std::vector<uint8_t>
	one(struct rte_mbuf *m, uint64_t now = 1000, uint16_t rx = 0)
	{
		std::vector<uint8_t> out;
		static struct rte_mbuf *burst[1];

		burst[0] = m;
		vg_burst_start(&b, burst, 1, now);
		b.rx_addr = rx;
		vg_stage_classify(&b);
		vg_stage_lookup(&b);
		vg_stage_relay(&b);
		vg_stage_dispatch(&b);
		if (b.n_tx == 1)
			out = bytes_of(b.tx[0]);
		release();
		return out;
	}

	void
	release()
	{
		for (uint16_t i = 0; i < b.n_tx; i++)
			rte_pktmbuf_free(b.tx[i]);
		for (uint16_t i = 0; i < b.n_exc; i++)
			rte_pktmbuf_free(b.exc[i]);
		b.n_tx = 0;
		b.n_exc = 0;
	}

	/* A UDP packet from (ip, port) to our port `to` and UDP port, at
	 * the port's own address or dst_ip when given. */
	struct rte_mbuf *
	from(uint32_t ip, uint16_t sport, uint16_t dport,
		std::vector<uint8_t> payload, unsigned int to = 0,
		uint32_t dst_ip = 0)
	{
		udp_spec s;

		s.eth_src = peer_mac;
		s.eth_dst = addrs[to].mac;
		s.src_ip = ip;
		s.dst_ip = dst_ip ? dst_ip : addrs[to].ip;
		s.sport = sport;
		s.dport = dport;
		s.payload = payload;
		return udp_pkt(s);
	}

	uint64_t
	drops(enum vg_drop_reason r) const
	{
		return lc.drops[r];
	}
};

/* Offsets in an untagged IPv4/UDP frame without options. */
constexpr size_t L3 = 14, L4 = 34, PL = 42;

inline uint32_t
be32_at(const std::vector<uint8_t> &v, size_t off)
{
	return (uint32_t)v[off] << 24 | (uint32_t)v[off + 1] << 16 |
		(uint32_t)v[off + 2] << 8 | v[off + 3];
}

inline uint16_t
be16_at(const std::vector<uint8_t> &v, size_t off)
{
	return (uint16_t)(v[off] << 8 | v[off + 1]);
}

/* Network-order IPv4 address at off. */
inline uint32_t
ip_at(const std::vector<uint8_t> &v, size_t off)
{
	uint32_t x;

	std::memcpy(&x, &v[off], 4);
	return x;
}

} // namespace vgtest

#endif /* VG_PIPELINE_FIXTURE_H */

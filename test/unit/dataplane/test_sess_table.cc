/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Session table: lookup, publish/unpublish, RCU reclaim, pools. */
#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include <rte_errno.h>
#include <rte_rcu_qsbr.h>

#include "dp_test_env.h"
#include "sess_table_pvt.h"

using namespace vgtest;

namespace {

class SessTable : public ::testing::Test {
protected:
	test_config tc;
	struct vg_sess_table *t = nullptr;
	struct vg_dpapi_leg legs[2];

	void
	SetUp() override
	{
		VG_NEED_EAL();
		t = vg_sess_table_create(&tc.cfg, nullptr, nullptr, 2);
		ASSERT_NE(t, nullptr) << rte_strerror(rte_errno);
		std::memset(legs, 0, sizeof(legs));
		legs[0].remote_ip = ip4(192, 0, 2, 10);
		legs[0].remote_port = 4000;
		legs[0].local_port = 20000;
		legs[1].remote_ip = ip4(198, 51, 100, 20);
		legs[1].remote_port = 6000;
		legs[1].local_port = 20002;
	}

	void
	TearDown() override
	{
		vg_sess_table_destroy(t);
	}

	struct vg_leg *
	find(uint16_t addr, uint16_t port, bool *rtcp = nullptr)
	{
		bool r = false;
		struct vg_leg *l = vg_sess_lookup(t, addr, port, &r);

		if (rtcp != nullptr)
			*rtcp = r;
		return l;
	}
};

} // namespace

TEST_F(SessTable, CreateLookupDelete)
{
	uint32_t id;
	bool rtcp;

	ASSERT_EQ(vg_sess_create(t, legs, 5, &id), 0);
	struct vg_leg *a = find(0, 20000, &rtcp);
	ASSERT_NE(a, nullptr);
	EXPECT_FALSE(rtcp);
	EXPECT_EQ(a->sess_id, id);
	EXPECT_EQ(a->side, 0);
	EXPECT_EQ(a->cookie, 5u);
	EXPECT_EQ(vg_leg_peer(t, a), find(0, 20002));
	EXPECT_EQ(vg_leg_peer(t, vg_leg_peer(t, a)), a);
	EXPECT_EQ(vg_leg_cfg_get(a)->sdp.remote_port, 4000);
	EXPECT_EQ(vg_leg_cfg_get(a)->clock_rate, 8000u);
	EXPECT_EQ(vg_leg_cfg_get(a)->timeout_s, 30u);
	EXPECT_EQ(find(1, 20000), nullptr);  /* other address */
	EXPECT_EQ(find(0, 20004), nullptr);
	EXPECT_EQ(find(0, 19999), nullptr);  /* out of range */
	EXPECT_EQ(find(0, 20100), nullptr);
	EXPECT_EQ(find(7, 20000), nullptr);

	EXPECT_EQ(vg_sess_delete(t, id), 0);
	EXPECT_EQ(find(0, 20000), nullptr);
	EXPECT_EQ(find(0, 20001), nullptr);
	EXPECT_EQ(vg_sess_delete(t, id), -ENOENT);
	EXPECT_EQ(vg_sess_delete(t, 1000), -ENOENT);
}

TEST_F(SessTable, RtcpPortAndMuxMapToTheSameLeg)
{
	uint32_t id;
	bool rtcp;

	legs[1].flags = VG_DPAPI_LEG_F_RTCP_MUX;
	ASSERT_EQ(vg_sess_create(t, legs, 0, &id), 0);
	struct vg_leg *a = find(0, 20000, &rtcp);
	EXPECT_FALSE(rtcp);
	EXPECT_EQ(find(0, 20001, &rtcp), a);  /* RTCP on port + 1 */
	EXPECT_TRUE(rtcp);
	struct vg_leg *b = find(0, 20002, &rtcp);
	ASSERT_NE(b, nullptr);
	EXPECT_FALSE(rtcp);  /* muxed: the packet tells (relay stage) */
	EXPECT_EQ(find(0, 20003), nullptr);
}

TEST_F(SessTable, BadLegsAreRefused)
{
	uint32_t id;
	struct vg_dpapi_leg bad[2];

	std::memcpy(bad, legs, sizeof(bad));
	bad[0].local_port = 20001;  /* odd */
	EXPECT_EQ(vg_sess_create(t, bad, 0, &id), -EINVAL);
	std::memcpy(bad, legs, sizeof(bad));
	bad[0].local_port = 20098 + 2;  /* past the range */
	EXPECT_EQ(vg_sess_create(t, bad, 0, &id), -EINVAL);
	std::memcpy(bad, legs, sizeof(bad));
	bad[1].local_addr = 2;
	EXPECT_EQ(vg_sess_create(t, bad, 0, &id), -EINVAL);
	std::memcpy(bad, legs, sizeof(bad));
	bad[1].latching = 3;
	EXPECT_EQ(vg_sess_create(t, bad, 0, &id), -EINVAL);
	std::memcpy(bad, legs, sizeof(bad));
	bad[0].n_pt_map = 1;
	bad[0].pt_map[0].in_pt = 200;
	EXPECT_EQ(vg_sess_create(t, bad, 0, &id), -EINVAL);
	std::memcpy(bad, legs, sizeof(bad));
	bad[0].srtp_suite = 7; /* no such suite */
	EXPECT_EQ(vg_sess_create(t, bad, 0, &id), -ENOTSUP);
	std::memcpy(bad, legs, sizeof(bad));
	bad[0].srtp_suite = 1; /* SRTP without keys */
	EXPECT_EQ(vg_sess_create(t, bad, 0, &id), -EINVAL);
	std::memcpy(bad, legs, sizeof(bad));
	bad[1].local_port = bad[0].local_port;
	EXPECT_EQ(vg_sess_create(t, bad, 0, &id), -EADDRINUSE);
	EXPECT_EQ(vg_sess_free_count(t), 4u);
}

TEST_F(SessTable, PortInUseByAnotherSession)
{
	uint32_t id, id2;

	ASSERT_EQ(vg_sess_create(t, legs, 0, &id), 0);
	legs[0].local_port = 20010;  /* leg 1 still on 20002 */
	EXPECT_EQ(vg_sess_create(t, legs, 0, &id2), -EADDRINUSE);
	legs[1].local_port = 20012;
	EXPECT_EQ(vg_sess_create(t, legs, 0, &id2), 0);
	EXPECT_NE(id, id2);
}

TEST_F(SessTable, ReclaimWaitsForQuiescentReaders)
{
	struct rte_rcu_qsbr *q = t->qsbr;
	uint32_t id;

	ASSERT_EQ(rte_rcu_qsbr_thread_register(q, 0), 0);
	rte_rcu_qsbr_thread_online(q, 0);
	ASSERT_EQ(vg_sess_create(t, legs, 0, &id), 0);
	EXPECT_EQ(vg_sess_free_count(t), 3u);

	/* a reader holds the leg across the delete */
	struct vg_leg *held = find(0, 20000);
	ASSERT_NE(held, nullptr);
	EXPECT_EQ(vg_sess_delete(t, id), 0);
	EXPECT_EQ(find(0, 20000), nullptr);
	EXPECT_EQ(vg_sess_reclaim(t), 0u);
	EXPECT_EQ(vg_sess_free_count(t), 3u);
	/* still usable by the reader */
	EXPECT_EQ(vg_leg_cfg_get(held)->sdp.local_port, 20000);

	rte_rcu_qsbr_quiescent(q, 0);
	EXPECT_EQ(vg_sess_reclaim(t), 1u);
	EXPECT_EQ(vg_sess_free_count(t), 4u);

	rte_rcu_qsbr_thread_offline(q, 0);
	rte_rcu_qsbr_thread_unregister(q, 0);
}

TEST_F(SessTable, UpdateSwapsConfigUnderRcu)
{
	struct rte_rcu_qsbr *q = t->qsbr;
	uint32_t id;

	ASSERT_EQ(rte_rcu_qsbr_thread_register(q, 1), 0);
	rte_rcu_qsbr_thread_online(q, 1);
	ASSERT_EQ(vg_sess_create(t, legs, 0, &id), 0);
	struct vg_leg *a = find(0, 20000);
	const struct vg_leg_cfg *old = vg_leg_cfg_get(a);
	uint16_t gen = old->gen;
	uint32_t free_cfgs = t->n_free_cfg;

	/* same remote on leg 0: latching epoch kept; leg 1 moves port */
	legs[1].remote_ip = ip4(203, 0, 113, 5);
	legs[1].local_port = 20020;
	ASSERT_EQ(vg_sess_update(t, id, legs), 0);
	const struct vg_leg_cfg *nc = vg_leg_cfg_get(a);
	EXPECT_NE(nc, old);
	EXPECT_EQ(nc->gen, gen);
	EXPECT_NE(vg_leg_cfg_get(vg_leg_peer(t, a))->gen, 0);
	EXPECT_EQ(find(0, 20002), nullptr);
	EXPECT_EQ(find(0, 20003), nullptr);
	EXPECT_EQ(find(0, 20020), vg_leg_peer(t, a));
	EXPECT_EQ(find(0, 20000), a);
	/* the old configs wait for the reader */
	EXPECT_EQ(old->sdp.local_port, 20000);
	EXPECT_EQ(vg_sess_reclaim(t), 0u);
	EXPECT_EQ(t->n_free_cfg, free_cfgs - 2);
	rte_rcu_qsbr_quiescent(q, 1);
	EXPECT_EQ(vg_sess_reclaim(t), 2u);
	EXPECT_EQ(t->n_free_cfg, free_cfgs);

	/* a new remote restarts latching */
	legs[0].remote_port = 4002;
	ASSERT_EQ(vg_sess_update(t, id, legs), 0);
	EXPECT_NE(vg_leg_cfg_get(a)->gen, gen);
	EXPECT_EQ(vg_sess_update(t, 3, legs), -ENOENT);

	rte_rcu_qsbr_thread_offline(q, 1);
	rte_rcu_qsbr_thread_unregister(q, 1);
}

TEST_F(SessTable, PoolExhaustionIsEnospc)
{
	uint32_t id[4], extra;

	for (unsigned int i = 0; i < 4; i++) {
		legs[0].local_port = (uint16_t)(20000 + 8 * i);
		legs[1].local_port = (uint16_t)(20004 + 8 * i);
		ASSERT_EQ(vg_sess_create(t, legs, i, &id[i]), 0) << i;
	}
	legs[0].local_port = 20080;
	legs[1].local_port = 20084;
	EXPECT_EQ(vg_sess_create(t, legs, 0, &extra), -ENOSPC);
	/* no reader registered: a delete frees at the next attempt */
	EXPECT_EQ(vg_sess_delete(t, id[2]), 0);
	EXPECT_EQ(vg_sess_create(t, legs, 0, &extra), 0);
	EXPECT_EQ(extra, id[2]);
	EXPECT_EQ(t->legs[2 * extra].ctr.session_gen, 2u);
}

TEST_F(SessTable, MediaTimeoutOncePerIdlePeriod)
{
	struct vg_dpapi_event ev[4];
	uint64_t hz = 1000;
	uint32_t id;

	legs[1].media_timeout_s = 5;
	ASSERT_EQ(vg_sess_create(t, legs, 77, &id), 0);
	struct vg_leg *a = vg_sess_leg(t, id, 0), *b = vg_sess_leg(t, id, 1);
	uint64_t t0 = t->ctl[a->id].created_tsc;

	__atomic_store_n(&a->ctr.last_rx_tsc, t0 + 1000, __ATOMIC_RELAXED);
	EXPECT_EQ(vg_sess_timeouts(t, t0 + 5000, hz, ev, 4), 0u);
	/* leg 1 never received anything: 5 s after create */
	ASSERT_EQ(vg_sess_timeouts(t, t0 + 5001, hz, ev, 4), 1u);
	EXPECT_EQ(ev[0].type, VG_EVT_MEDIA_TIMEOUT);
	EXPECT_EQ(ev[0].leg_id, b->id);
	EXPECT_EQ(ev[0].cookie, 77u);
	EXPECT_EQ(ev[0].u.timeout.idle_s, 5u);
	EXPECT_EQ(vg_sess_timeouts(t, t0 + 9000, hz, ev, 4), 0u);
	/* leg 0: 30 s default after its last packet */
	ASSERT_EQ(vg_sess_timeouts(t, t0 + 31001, hz, ev, 4), 1u);
	EXPECT_EQ(ev[0].leg_id, a->id);
	/* media again re-arms */
	__atomic_store_n(&b->ctr.last_rx_tsc, t0 + 40000, __ATOMIC_RELAXED);
	EXPECT_EQ(vg_sess_timeouts(t, t0 + 41000, hz, ev, 4), 0u);
	EXPECT_EQ(vg_sess_timeouts(t, t0 + 45001, hz, ev, 4), 1u);
}

/* The main lcore scans a slice of the sessions a tick: the scan goes on
 * where it stopped, wraps, and a full event array ends it early without
 * losing the leg that did not fit. */
TEST_F(SessTable, TimeoutScanGoesOnWhereItStopped)
{
	struct vg_dpapi_event ev[4];
	uint32_t id[2], budget;

	legs[0].media_timeout_s = legs[1].media_timeout_s = 5;
	ASSERT_EQ(vg_sess_create(t, legs, 1, &id[0]), 0);
	legs[0].local_port = 20010;
	legs[1].local_port = 20012;
	ASSERT_EQ(vg_sess_create(t, legs, 2, &id[1]), 0);
	ASSERT_EQ(id[0], 0u);
	ASSERT_EQ(id[1], 1u);
	uint64_t now = t->ctl[vg_sess_leg(t, id[1], 0)->id].created_tsc + 5001;

	budget = 1;
	ASSERT_EQ(vg_sess_timeouts_step(t, now, 1000, ev, 4, &budget), 2u);
	EXPECT_EQ(budget, 0u);
	EXPECT_EQ(ev[0].sess_id, id[0]);
	EXPECT_EQ(ev[1].sess_id, id[0]);
	budget = 4;
	ASSERT_EQ(vg_sess_timeouts_step(t, now, 1000, ev, 1, &budget), 1u);
	EXPECT_EQ(ev[0].leg_id, 2 * id[1]);
	EXPECT_EQ(budget, 4u); /* session 1 is not done */
	ASSERT_EQ(vg_sess_timeouts_step(t, now, 1000, ev, 4, &budget), 1u);
	EXPECT_EQ(ev[0].leg_id, 2 * id[1] + 1);
	EXPECT_EQ(budget, 0u);
	/* round again: each leg times out once per idle period */
	budget = 8;
	EXPECT_EQ(vg_sess_timeouts_step(t, now + 9000, 1000, ev, 4, &budget),
		0u);
	EXPECT_EQ(budget, 0u);
}

TEST_F(SessTable, PacketStampedAfterTheTimerReadTheClockIsNoTimeout)
{
	/* A worker stamps last_rx_tsc after the main lcore read now_tsc:
	 * the leg is as alive as can be, never "idle for 2^64 ticks" (that
	 * raised a timeout on every tick, re-armed by the next packet). */
	struct vg_dpapi_event ev[4];
	uint32_t id;

	ASSERT_EQ(vg_sess_create(t, legs, 5, &id), 0);
	struct vg_leg *a = vg_sess_leg(t, id, 0), *b = vg_sess_leg(t, id, 1);
	uint64_t now = t->ctl[a->id].created_tsc + 100;
	__atomic_store_n(&a->ctr.last_rx_tsc, now + 7, __ATOMIC_RELAXED);
	__atomic_store_n(&b->ctr.last_rx_tsc, now + 9, __ATOMIC_RELAXED);
	EXPECT_EQ(vg_sess_timeouts(t, now, 1000, ev, 4), 0u);
}

TEST(SessTableCreate, RejectsBadConfig)
{
	VG_NEED_EAL();
	test_config tc;

	tc.cfg.dp.max_sessions = 0;
	EXPECT_EQ(vg_sess_table_create(&tc.cfg, nullptr, nullptr, 1), nullptr);
	EXPECT_EQ(rte_errno, EINVAL);
	tc.cfg.dp.max_sessions = 4;
	tc.cfg.n_ports = 0;
	EXPECT_EQ(vg_sess_table_create(&tc.cfg, nullptr, nullptr, 1), nullptr);
}

TEST_F(SessTable, ListPagesThroughSessions)
{
	test_config big;
	big.cfg.dp.max_sessions = 45;
	struct vg_sess_table *bt = vg_sess_table_create(&big.cfg, nullptr, nullptr, 1);
	ASSERT_NE(bt, nullptr);
	struct vg_dpapi_cmd cmd;
	struct vg_dpapi_reply rep;
	uint32_t id;

	for (unsigned int i = 0; i < 45; i++) {
		legs[0].local_addr = 0;
		legs[1].local_addr = 1;
		legs[0].local_port = legs[1].local_port =
			(uint16_t)(20000 + 2 * i);
		ASSERT_EQ(vg_sess_create(bt, legs, i, &id), 0) << i;
	}
	std::memset(&cmd, 0, sizeof(cmd));
	cmd.type = VG_CMD_SESS_LIST;
	std::memset(&rep, 0, sizeof(rep));
	ASSERT_EQ(vg_sess_cmd(&cmd, &rep, bt), 0);
	EXPECT_EQ(rep.u.list.n, (uint32_t)VG_DPAPI_LIST_MAX);
	ASSERT_NE(rep.u.list.next, UINT32_MAX);
	cmd.sess_id = rep.u.list.next;
	std::memset(&rep, 0, sizeof(rep));
	ASSERT_EQ(vg_sess_cmd(&cmd, &rep, bt), 0);
	EXPECT_EQ(rep.u.list.n, 45u - VG_DPAPI_LIST_MAX);
	EXPECT_EQ(rep.u.list.next, UINT32_MAX);
	vg_sess_table_destroy(bt);
}

/*
 * A reader on another thread looks legs up and checks that what it holds
 * stays the leg it looked up until its quiescent state, while the writer
 * deletes and re-creates sessions on alternating ports as fast as the
 * defer queue gives slots back. Early reclaim shows as a NULL config or
 * a config of other ports.
 */
TEST_F(SessTable, ReadersNeverSeeReclaimedLegs)
{
	std::atomic<bool> stop{false};
	std::atomic<uint64_t> seen{0}, bad{0};
	std::thread reader([&] {
		ASSERT_EQ(rte_rcu_qsbr_thread_register(t->qsbr, 0), 0);
		rte_rcu_qsbr_thread_online(t->qsbr, 0);
		while (!stop.load(std::memory_order_relaxed)) {
			for (uint16_t port : {20000, 20002, 20040, 20042}) {
				bool rtcp;
				struct vg_leg *l = vg_sess_lookup(t, 0, port,
					&rtcp);

				if (l == nullptr)
					continue;
				for (int k = 0; k < 50; k++) {
					const struct vg_leg_cfg *c =
						vg_leg_cfg_get(l);
					if (c == nullptr ||
						c->sdp.local_port != port)
						bad++;
				}
				seen++;
			}
			rte_rcu_qsbr_quiescent(t->qsbr, 0);
		}
		rte_rcu_qsbr_thread_offline(t->qsbr, 0);
		rte_rcu_qsbr_thread_unregister(t->qsbr, 0);
	});
	uint32_t id;

	for (unsigned int i = 0; i < 500; i++) {
		uint16_t base = (uint16_t)(i & 1 ? 20040 : 20000);
		uint64_t before = seen.load();
		int rc;

		legs[0].local_port = base;
		legs[1].local_port = (uint16_t)(base + 2);
		while ((rc = vg_sess_create(t, legs, i, &id)) == -ENOSPC) {
			vg_sess_reclaim(t);
			std::this_thread::yield();
		}
		ASSERT_EQ(rc, 0);
		/* let the reader find it now and then (the CPU is shared) */
		for (int k = 0; k < 20 && seen.load() == before; k++)
			std::this_thread::yield();
		ASSERT_EQ(vg_sess_delete(t, id), 0);
	}
	stop = true;
	reader.join();
	EXPECT_EQ(bad.load(), 0u);
	EXPECT_GT(seen.load(), 0u);
	while (vg_sess_reclaim(t) != 0)
		;
	EXPECT_EQ(vg_sess_free_count(t), 4u);
}

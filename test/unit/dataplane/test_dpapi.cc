/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Shared-memory contract: server and client in one process. */
#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include <rte_errno.h>

#include "dp_test_env.h"
#include "dpapi_server_pvt.h"
#include "sess_table_pvt.h"
#include "vg_dpapi.h"

using namespace vgtest;

namespace {

class Dpapi : public ::testing::Test {
protected:
	test_config tc;
	struct vg_dpapi_server *srv = nullptr;
	struct vg_dpapi_client *cli = nullptr;
	char err[256] = "";

	void
	SetUp() override
	{
		VG_NEED_EAL();
		srv = vg_dpapi_server_create(&tc.cfg, 3);
		ASSERT_NE(srv, nullptr) << rte_strerror(rte_errno);
	}

	void
	TearDown() override
	{
		vg_dpapi_detach(cli);
		vg_dpapi_server_destroy(srv);
	}

	void
	attach()
	{
		vg_dpapi_server_start(srv);
		cli = vg_dpapi_attach(file_prefix().c_str(), err, sizeof(err));
		ASSERT_NE(cli, nullptr) << err;
	}
};

/* Serves commands from another thread until told to stop. */
class server_thread {
public:
	server_thread(struct vg_dpapi_server *s, vg_dpapi_cmd_h h, void *arg)
		: th_([=] {
			while (!stop_.load())
				vg_dpapi_server_poll(s, h, arg, 8);
		})
	{
	}
	~server_thread()
	{
		stop_.store(true);
		th_.join();
	}

private:
	std::atomic<bool> stop_{false};
	std::thread th_;
};

int
echo_handler(const struct vg_dpapi_cmd *cmd, struct vg_dpapi_reply *reply,
		void *)
{
	if (cmd->sess_id == 7)
		return -ENOENT;
	reply->sess_id = cmd->sess_id + 1;
	reply->cookie = cmd->cookie;
	return 0;
}

} // namespace

TEST(DpapiName, FromPrefix)
{
	char buf[VG_DPAPI_MZ_NAME_MAX];

	EXPECT_EQ(vg_dpapi_mz_name("voxgate", buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, "vgdp:voxgate");
	EXPECT_EQ(vg_dpapi_mz_name("", buf, sizeof(buf)), -EINVAL);
	EXPECT_EQ(vg_dpapi_mz_name(std::string(40, 'x').c_str(), buf,
			sizeof(buf)), -ENAMETOOLONG);
	EXPECT_STREQ(vg_drop_reason_name(VG_DROP_SRC_REJECTED),
		"source not allowed or not latched (anti-bleed)");
	EXPECT_STREQ(vg_drop_reason_name(VG_DROP_COUNT), "?");
	for (unsigned int r = 0; r < VG_DROP_COUNT; r++)
		EXPECT_GT(std::strlen(vg_drop_reason_name(r)), 3u) << r;
}

TEST(DpapiAttach, MissingMemzoneTellsWhatToCheck)
{
	char err[256];

	VG_NEED_EAL();
	EXPECT_EQ(vg_dpapi_attach("nope", err, sizeof(err)), nullptr);
	EXPECT_EQ(rte_errno, ENOENT);
	EXPECT_NE(std::strstr(err,
		"is voxgate-dp running with file prefix nope?"), nullptr) << err;
}

TEST_F(Dpapi, AttachWhileStartingIsRefused)
{
	EXPECT_EQ(vg_dpapi_attach(file_prefix().c_str(), err, sizeof(err)),
		nullptr);
	EXPECT_EQ(rte_errno, EAGAIN);
	EXPECT_NE(std::strstr(err, "starting"), nullptr) << err;
}

TEST_F(Dpapi, WrongAbiVersionIsRefused)
{
	vg_dpapi_server_start(srv);
	vg_dpapi_server_hdr(srv)->abi_version = VG_DPAPI_ABI_VERSION + 41;
	EXPECT_EQ(vg_dpapi_attach(file_prefix().c_str(), err, sizeof(err)),
		nullptr);
	EXPECT_EQ(rte_errno, EPROTO);
	std::string want = "voxgate-dp ABI version " +
		std::to_string(VG_DPAPI_ABI_VERSION + 41) +
		", this program expects " +
		std::to_string(VG_DPAPI_ABI_VERSION);
	EXPECT_STREQ(err, want.c_str());
}

TEST_F(Dpapi, BadMagicIsRefused)
{
	vg_dpapi_server_start(srv);
	vg_dpapi_server_hdr(srv)->magic = 0;
	EXPECT_EQ(vg_dpapi_attach(file_prefix().c_str(), err, sizeof(err)),
		nullptr);
	EXPECT_EQ(rte_errno, EPROTO);
}

TEST_F(Dpapi, HeaderDescribesLayout)
{
	attach();
	const struct vg_dpapi_hdr *h = vg_dpapi_header(cli);
	EXPECT_EQ(h->magic, VG_DPAPI_MAGIC);
	EXPECT_EQ(h->n_legs, 2 * tc.cfg.dp.max_sessions);
	EXPECT_EQ(h->n_lcores, 3u);
	EXPECT_EQ(h->cmd_ring_size, 16u);
	EXPECT_GT(h->generation, 0u);
	EXPECT_GT(h->tsc_hz, 0u);
	EXPECT_EQ(h->leg_counters_off % RTE_CACHE_LINE_SIZE, 0u);
	EXPECT_LE(h->lcore_counters_off + 3 * sizeof(struct vg_dpapi_lcore_counters),
		h->total_size);
}

TEST_F(Dpapi, RequestGetsItsReply)
{
	attach();
	server_thread st(srv, echo_handler, nullptr);
	struct vg_dpapi_cmd cmd;
	struct vg_dpapi_reply rep;

	std::memset(&cmd, 0, sizeof(cmd));
	cmd.type = VG_CMD_SESS_QUERY;
	cmd.sess_id = 41;
	cmd.cookie = 0xabcdef;
	ASSERT_EQ(vg_dpapi_request(cli, &cmd, &rep, 1000000), 0);
	EXPECT_EQ(rep.req_id, cmd.req_id);
	EXPECT_EQ(rep.status, 0);
	EXPECT_EQ(rep.sess_id, 42u);
	EXPECT_EQ(rep.cookie, 0xabcdefu);
	EXPECT_EQ(rep.type, (uint32_t)VG_CMD_SESS_QUERY);

	cmd.sess_id = 7;
	ASSERT_EQ(vg_dpapi_request(cli, &cmd, &rep, 1000000), 0);
	EXPECT_EQ(rep.status, -ENOENT);
}

TEST_F(Dpapi, TimeoutThenStaleReplyIsSkipped)
{
	struct vg_dpapi_cmd cmd;
	struct vg_dpapi_reply rep;

	attach();
	std::memset(&cmd, 0, sizeof(cmd));
	cmd.sess_id = 1;
	EXPECT_EQ(vg_dpapi_request(cli, &cmd, &rep, 1000), -ETIMEDOUT);
	/* the late reply to the first request must not answer the second */
	EXPECT_EQ(vg_dpapi_server_poll(srv, echo_handler, nullptr, 8), 1u);
	server_thread st(srv, echo_handler, nullptr);
	cmd.sess_id = 100;
	ASSERT_EQ(vg_dpapi_request(cli, &cmd, &rep, 1000000), 0);
	EXPECT_EQ(rep.sess_id, 101u);
}

TEST_F(Dpapi, FullCommandRingIsReported)
{
	struct vg_dpapi_cmd cmd;
	struct vg_dpapi_reply rep;
	int rc = 0;
	unsigned int n;

	attach();
	std::memset(&cmd, 0, sizeof(cmd));
	for (n = 0; n < 64; n++) {
		rc = vg_dpapi_request(cli, &cmd, &rep, 0);
		if (rc != -ETIMEDOUT)
			break;
	}
	EXPECT_EQ(rc, -ENOBUFS);
	EXPECT_EQ(n, 15u); /* a ring of 16 holds 15 */
}

TEST_F(Dpapi, StoppedDataPlaneMakesRequestsStale)
{
	struct vg_dpapi_cmd cmd;
	struct vg_dpapi_reply rep;

	attach();
	std::memset(&cmd, 0, sizeof(cmd));
	vg_dpapi_server_hdr(srv)->state = VG_DPAPI_STATE_STOPPED;
	EXPECT_EQ(vg_dpapi_request(cli, &cmd, &rep, 1000), -ESTALE);
	vg_dpapi_server_hdr(srv)->state = VG_DPAPI_STATE_RUNNING;
	vg_dpapi_server_hdr(srv)->generation++;
	EXPECT_EQ(vg_dpapi_request(cli, &cmd, &rep, 1000), -ESTALE);
}

TEST_F(Dpapi, EventsArriveInOrderAndOverflowIsCounted)
{
	struct vg_dpapi_event ev[20], got[20];

	attach();
	std::memset(ev, 0, sizeof(ev));
	for (unsigned int i = 0; i < 20; i++) {
		ev[i].type = VG_EVT_LATCHED;
		ev[i].leg_id = i;
	}
	EXPECT_EQ(vg_dpapi_poll_events(cli, got, 20), 0u);
	EXPECT_EQ(vg_dpapi_server_post(srv, ev, 20), 15u);
	EXPECT_EQ(vg_dpapi_header(cli)->events_dropped, 5u);
	ASSERT_EQ(vg_dpapi_poll_events(cli, got, 20), 15u);
	for (unsigned int i = 0; i < 15; i++)
		EXPECT_EQ(got[i].leg_id, i);
}

TEST_F(Dpapi, CountersAreReadInPlace)
{
	attach();
	struct vg_dpapi_leg_counters *w = vg_dpapi_server_leg_counters(srv, 5);
	const struct vg_dpapi_leg_counters *r = vg_dpapi_leg_counters(cli, 5);

	ASSERT_NE(w, nullptr);
	ASSERT_EQ(static_cast<const void *>(w), static_cast<const void *>(r));
	__atomic_store_n(&w->rx_pkts, 77, __ATOMIC_RELAXED);
	EXPECT_EQ(__atomic_load_n(&r->rx_pkts, __ATOMIC_RELAXED), 77u);
	EXPECT_EQ((uintptr_t)r % RTE_CACHE_LINE_SIZE, 0u);
	/* in the leg's record, records one after the other */
	EXPECT_EQ((const uint8_t *)r, (const uint8_t *)
		vg_dpapi_server_leg_records(srv) + 5 * VG_DPAPI_LEG_REC_SIZE +
		VG_DPAPI_LEG_REC_CTR_OFF);
	EXPECT_EQ((const uint8_t *)vg_dpapi_leg_counters(cli, 6) -
		(const uint8_t *)r, (ptrdiff_t)VG_DPAPI_LEG_REC_SIZE);
	EXPECT_EQ(vg_dpapi_leg_counters(cli, 8), nullptr);
	struct vg_dpapi_leg_stats *ws = vg_dpapi_server_leg_stats(srv, 5);
	const struct vg_dpapi_leg_stats *rs = vg_dpapi_leg_stats(cli, 5);
	ASSERT_NE(ws, nullptr);
	ASSERT_EQ(static_cast<const void *>(ws), static_cast<const void *>(rs));
	__atomic_store_n(&ws->drops[3], 9, __ATOMIC_RELAXED);
	EXPECT_EQ(__atomic_load_n(&rs->drops[3], __ATOMIC_RELAXED), 9u);
	EXPECT_EQ(vg_dpapi_leg_stats(cli, 8), nullptr);
	EXPECT_NE(vg_dpapi_lcore_counters(cli, 2), nullptr);
	EXPECT_EQ(vg_dpapi_lcore_counters(cli, 3), nullptr);
}

/* The control plane drives the session table through the rings. */
TEST_F(Dpapi, SessionCommandsEndToEnd)
{
	struct vg_sess_table *t = vg_sess_table_create(&tc.cfg,
		vg_dpapi_server_leg_records(srv),
		vg_dpapi_server_leg_stats(srv, 0), 1);
	ASSERT_NE(t, nullptr);
	attach();
	{
		server_thread st(srv, vg_sess_cmd, t);
		struct vg_dpapi_cmd cmd;
		struct vg_dpapi_reply rep;

		std::memset(&cmd, 0, sizeof(cmd));
		cmd.type = VG_CMD_SESS_CREATE;
		cmd.cookie = 99;
		cmd.legs[0].remote_ip = ip4(192, 0, 2, 10);
		cmd.legs[0].remote_port = 4000;
		cmd.legs[0].local_port = 20000;
		cmd.legs[1].remote_ip = ip4(198, 51, 100, 20);
		cmd.legs[1].remote_port = 6000;
		cmd.legs[1].local_port = 20010;
		cmd.legs[1].local_addr = 1;
		ASSERT_EQ(vg_dpapi_request(cli, &cmd, &rep, 1000000), 0);
		ASSERT_EQ(rep.status, 0);
		uint32_t id = rep.sess_id;
		EXPECT_EQ(rep.leg_id[0], 2 * id);
		EXPECT_EQ(rep.leg_id[1], 2 * id + 1);
		EXPECT_EQ(rep.cookie, 99u);
		EXPECT_EQ(vg_dpapi_leg_counters(cli, rep.leg_id[0])->session_gen,
			1u);

		/* same port again: in use */
		ASSERT_EQ(vg_dpapi_request(cli, &cmd, &rep, 1000000), 0);
		EXPECT_EQ(rep.status, -EADDRINUSE);

		cmd.type = VG_CMD_SESS_QUERY;
		cmd.sess_id = id;
		ASSERT_EQ(vg_dpapi_request(cli, &cmd, &rep, 1000000), 0);
		ASSERT_EQ(rep.status, 0);
		EXPECT_EQ(rep.u.query.legs[1].remote_port, 6000);
		EXPECT_EQ(rep.u.query.latched_ip[0], 0u);

		cmd.type = VG_CMD_SESS_UPDATE;
		cmd.legs[1].remote_port = 6002;
		ASSERT_EQ(vg_dpapi_request(cli, &cmd, &rep, 1000000), 0);
		EXPECT_EQ(rep.status, 0);

		cmd.type = VG_CMD_SESS_LIST;
		cmd.sess_id = 0;
		ASSERT_EQ(vg_dpapi_request(cli, &cmd, &rep, 1000000), 0);
		ASSERT_EQ(rep.u.list.n, 1u);
		EXPECT_EQ(rep.u.list.ids[0], id);
		EXPECT_EQ(rep.u.list.next, UINT32_MAX);

		cmd.type = VG_CMD_SESS_DELETE;
		cmd.sess_id = id;
		ASSERT_EQ(vg_dpapi_request(cli, &cmd, &rep, 1000000), 0);
		EXPECT_EQ(rep.status, 0);
		ASSERT_EQ(vg_dpapi_request(cli, &cmd, &rep, 1000000), 0);
		EXPECT_EQ(rep.status, -ENOENT);

		cmd.type = 77;
		ASSERT_EQ(vg_dpapi_request(cli, &cmd, &rep, 1000000), 0);
		EXPECT_EQ(rep.status, -EOPNOTSUPP);
	}
	vg_sess_table_destroy(t);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Units of the B2BUA: media port pairs, B's failures as A hears
 * them, and SDP rebuilt for the other side. */
#include <errno.h>
#include <string.h>

#include <set>
#include <string>

#include <gtest/gtest.h>
#include <re.h>

#include "vg_b2bua.h"

/* ---- port allocator ---- */

TEST(MediaPorts, EvenRtpPortsInsideTheRange)
{
	struct vg_media_ports *p = NULL;
	std::set<uint16_t> seen;
	uint16_t rtp;

	/* odd minimum: rounded up; 10001..10010 holds 10002, 4, 6, 8 (10010
	 * has no RTCP port inside the range) */
	ASSERT_EQ(vg_media_ports_create(&p, 10001, 10010), 0);
	EXPECT_EQ(vg_media_ports_capacity(p), 4u);
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(vg_media_ports_alloc(p, &rtp), 0);
		EXPECT_EQ(rtp % 2, 0);
		EXPECT_GE(rtp, 10002);
		EXPECT_LE(rtp + 1, 10010);
		EXPECT_TRUE(seen.insert(rtp).second) << rtp;
	}
	EXPECT_EQ(vg_media_ports_alloc(p, &rtp), -ENOSPC);
	EXPECT_EQ(vg_media_ports_in_use(p), 4u);
	vg_media_ports_destroy(p);
}

TEST(MediaPorts, ReleaseAndReuseLast)
{
	struct vg_media_ports *p = NULL;
	uint16_t a, b, c;

	ASSERT_EQ(vg_media_ports_create(&p, 20000, 20007), 0);
	ASSERT_EQ(vg_media_ports_alloc(p, &a), 0);
	ASSERT_EQ(vg_media_ports_alloc(p, &b), 0);
	EXPECT_EQ(vg_media_ports_release(p, a), 0);
	/* a released pair is not handed out again at once */
	ASSERT_EQ(vg_media_ports_alloc(p, &c), 0);
	EXPECT_NE(c, a);
	EXPECT_EQ(vg_media_ports_release(p, a), -ENOENT);
	EXPECT_EQ(vg_media_ports_release(p, 20001), -EINVAL);
	EXPECT_EQ(vg_media_ports_release(p, 30000), -EINVAL);
	EXPECT_EQ(vg_media_ports_release(p, b), 0);
	EXPECT_EQ(vg_media_ports_release(p, c), 0);
	EXPECT_EQ(vg_media_ports_in_use(p), 0u);
	vg_media_ports_destroy(p);
}

TEST(MediaPorts, FullRangeAndBadRanges)
{
	struct vg_media_ports *p = NULL;
	uint16_t rtp = 0;
	unsigned n = 0;

	ASSERT_EQ(vg_media_ports_create(&p, 1024, 65535), 0);
	EXPECT_EQ(vg_media_ports_capacity(p), (65536u - 1024u) / 2);
	while (vg_media_ports_alloc(p, &rtp) == 0)
		n++;
	EXPECT_EQ(n, vg_media_ports_capacity(p));
	EXPECT_EQ(rtp, 65534);
	vg_media_ports_destroy(p);
	EXPECT_EQ(vg_media_ports_create(&p, 3000, 3000), -EINVAL);
	EXPECT_EQ(vg_media_ports_create(&p, 3001, 3002), -EINVAL);
	EXPECT_EQ(vg_media_ports_create(NULL, 3000, 3001), -EINVAL);
}

/* ---- B's failures to A ---- */

TEST(B2buaMap, FailuresOfB)
{
	const char *reason = NULL;
	enum vg_call_cause cause;

	EXPECT_EQ(vg_b2bua_map_failure(486, 0, &reason, &cause), 486);
	EXPECT_STREQ(reason, "Busy Here");
	EXPECT_EQ(cause, VG_CAUSE_REJECTED);
	EXPECT_EQ(vg_b2bua_map_failure(603, 0, &reason, NULL), 603);
	EXPECT_STREQ(reason, "Decline");
	EXPECT_EQ(vg_b2bua_map_failure(404, 0, NULL, NULL), 404);
	EXPECT_EQ(vg_b2bua_map_failure(488, 0, NULL, NULL), 488);
	EXPECT_EQ(vg_b2bua_map_failure(600, 0, NULL, NULL), 600);
	/* redirects not followed; B's challenge is not A's business */
	EXPECT_EQ(vg_b2bua_map_failure(302, 0, NULL, NULL), 480);
	EXPECT_EQ(vg_b2bua_map_failure(407, 0, NULL, NULL), 403);
	EXPECT_EQ(vg_b2bua_map_failure(401, 0, NULL, NULL), 403);
	/* RFC 3261 §16.7: a 503 from downstream is not our overload */
	EXPECT_EQ(vg_b2bua_map_failure(503, 0, &reason, NULL), 500);
	EXPECT_STREQ(reason, "Server Internal Error");
	EXPECT_EQ(vg_b2bua_map_failure(0, ETIMEDOUT, &reason, &cause), 408);
	EXPECT_EQ(cause, VG_CAUSE_NO_ANSWER);
	EXPECT_EQ(vg_b2bua_map_failure(0, ECONNREFUSED, &reason, &cause),
			502);
	EXPECT_EQ(cause, VG_CAUSE_UNREACHABLE);
}

TEST(B2buaMap, CauseNames)
{
	for (int c = 0; c < VG_CAUSE_COUNT; c++)
		EXPECT_STRNE(vg_call_cause_name((enum vg_call_cause)c), "?");
	EXPECT_STREQ(vg_call_cause_name(VG_CAUSE_CANCELLED), "cancelled");
	EXPECT_STREQ(vg_call_cause_name(VG_CAUSE_COUNT), "?");
}

/* ---- SDP ---- */

namespace {

struct SdpTest : ::testing::Test {
	struct vg_cfg_media media;
	struct sa ours;

	void SetUp() override
	{
		memset(&media, 0, sizeof(media));
		media.allowed[0] = VG_CODEC_PCMU;
		media.allowed[1] = VG_CODEC_PCMA;
		media.allowed[2] = VG_CODEC_TELEPHONE_EVENT;
		media.n_allowed = 3;
		ASSERT_EQ(sa_set_str(&ours, "192.0.2.10", 0), 0);
	}

	int rewrite(const std::string &in, std::string &out,
			struct vg_sdp_info *info, uint16_t port = 40000)
	{
		struct mbuf *mb = mbuf_alloc(in.size() + 1);
		struct mbuf *res = NULL;
		int rc;

		mbuf_write_str(mb, in.c_str());
		mb->pos = 0;
		rc = vg_sdp_rewrite(&res, mb, &ours, port, &media, info);
		/* the input is not consumed */
		EXPECT_EQ(mb->pos, 0u);
		if (rc == 0)
			out.assign((const char *)res->buf, res->end);
		mem_deref(res);
		mem_deref(mb);
		return rc;
	}
};

const char *offer_text =
		"v=0\r\n"
		"o=alice 2890844526 2890844526 IN IP4 198.51.100.7\r\n"
		"s=-\r\n"
		"c=IN IP4 198.51.100.7\r\n"
		"t=0 0\r\n"
		"m=audio 49170 RTP/AVP 0 18 8 101\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"a=rtpmap:18 G729/8000\r\n"
		"a=rtpmap:8 PCMA/8000\r\n"
		"a=rtpmap:101 telephone-event/8000\r\n"
		"a=fmtp:101 0-16\r\n"
		"a=ptime:30\r\n"
		"a=sendonly\r\n";

} // namespace

TEST_F(SdpTest, OfferGetsOurAddressPortAndAllowedCodecs)
{
	struct vg_sdp_info info;
	std::string out;

	ASSERT_EQ(rewrite(offer_text, out, &info), 0);
	EXPECT_EQ(info.remote_ip, 0xc6336407u); /* 198.51.100.7 */
	EXPECT_EQ(info.remote_port, 49170);
	EXPECT_EQ(info.n_codecs, 3u);
	EXPECT_STREQ(info.codecs, "PCMU,PCMA,telephone-event");
	EXPECT_NE(out.find("c=IN IP4 192.0.2.10\r\n"), std::string::npos)
			<< out;
	EXPECT_NE(out.find("m=audio 40000 RTP/AVP 0 8 101\r\n"),
			std::string::npos)
			<< out;
	EXPECT_NE(out.find("a=fmtp:101 0-16\r\n"), std::string::npos) << out;
	EXPECT_NE(out.find("a=ptime:30\r\n"), std::string::npos) << out;
	EXPECT_NE(out.find("a=sendonly\r\n"), std::string::npos) << out;
	/* nothing of the other side's session */
	EXPECT_EQ(out.find("198.51.100.7"), std::string::npos) << out;
	EXPECT_EQ(out.find("alice"), std::string::npos) << out;
	EXPECT_EQ(out.find("G729"), std::string::npos) << out;
}

TEST_F(SdpTest, NoAllowedCodecIs488)
{
	struct vg_sdp_info info;
	std::string out;

	media.allowed[0] = VG_CODEC_G722;
	media.n_allowed = 1;
	EXPECT_EQ(rewrite(offer_text, out, &info), -ENOENT);
}

TEST_F(SdpTest, CaseOfEncodingNamesDoesNotMatter)
{
	std::string in = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\n"
			 "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
			 "m=audio 5004 RTP/AVP 96\r\n"
			 "a=rtpmap:96 pcma/8000\r\n";
	std::string out;
	struct vg_sdp_info info;

	ASSERT_EQ(rewrite(in, out, &info, 40002), 0);
	EXPECT_NE(out.find("m=audio 40002 RTP/AVP 96\r\n"), std::string::npos)
			<< out;
	EXPECT_NE(out.find("a=rtpmap:96 pcma/8000"), std::string::npos) << out;
}

TEST_F(SdpTest, GarbageAndNoAudioAreBadMessages)
{
	std::string out;

	EXPECT_EQ(rewrite("hello", out, NULL), -EBADMSG);
	EXPECT_EQ(rewrite("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\n"
			  "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
			  "m=video 5006 RTP/AVP 96\r\n"
			  "a=rtpmap:96 H264/90000\r\n",
			    out, NULL),
			-EBADMSG);
}

TEST_F(SdpTest, RejectedStreamKeepsPortZero)
{
	std::string in = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\n"
			 "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
			 "m=audio 0 RTP/AVP 0\r\n";
	std::string out;
	struct vg_sdp_info info;

	ASSERT_EQ(rewrite(in, out, &info), 0);
	EXPECT_EQ(info.remote_port, 0);
	EXPECT_NE(out.find("m=audio 0 RTP/AVP 0"), std::string::npos) << out;
}

TEST_F(SdpTest, DirectionIsReportedAndCanBeSet)
{
	struct mbuf *mb = mbuf_alloc(strlen(offer_text) + 1);
	struct mbuf *res = NULL;
	struct vg_sdp_info info;
	std::string out;

	mbuf_write_str(mb, offer_text);
	mb->pos = 0;
	/* the local answer to a hold: recvonly toward the one that holds */
	ASSERT_EQ(vg_sdp_rewrite_dir(&res, mb, &ours, 40000, &media,
			  vg_sdp_answer_dir(VG_SDP_SENDONLY), &info),
			0);
	EXPECT_EQ(info.dir, VG_SDP_SENDONLY); /* as the sender said it */
	out.assign((const char *)res->buf, res->end);
	EXPECT_NE(out.find("a=recvonly\r\n"), std::string::npos) << out;
	EXPECT_EQ(out.find("a=sendonly"), std::string::npos) << out;
	mem_deref(res);
	mem_deref(mb);
}

TEST(SdpDir, AnswerDirections)
{
	EXPECT_EQ(vg_sdp_answer_dir(VG_SDP_SENDONLY), VG_SDP_RECVONLY);
	EXPECT_EQ(vg_sdp_answer_dir(VG_SDP_RECVONLY), VG_SDP_SENDONLY);
	EXPECT_EQ(vg_sdp_answer_dir(VG_SDP_INACTIVE), VG_SDP_INACTIVE);
	EXPECT_EQ(vg_sdp_answer_dir(VG_SDP_SENDRECV), VG_SDP_DIR_KEEP);
}

TEST(MediaPorts, ReserveWhatAnEarlierControlPlaneUsed)
{
	struct vg_media_ports *p = NULL;
	uint16_t rtp = 0;

	ASSERT_EQ(vg_media_ports_create(&p, 30000, 30009), 0);
	EXPECT_EQ(vg_media_ports_reserve(p, 30004), 0);
	EXPECT_EQ(vg_media_ports_reserve(p, 30004), -EBUSY);
	EXPECT_EQ(vg_media_ports_reserve(p, 30005), -EINVAL); /* odd */
	EXPECT_EQ(vg_media_ports_reserve(p, 31000), -EINVAL); /* outside */
	EXPECT_EQ(vg_media_ports_in_use(p), 1u);
	/* the allocator skips it */
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(vg_media_ports_alloc(p, &rtp), 0);
		EXPECT_NE(rtp, 30004);
	}
	EXPECT_EQ(vg_media_ports_alloc(p, &rtp), -ENOSPC);
	EXPECT_EQ(vg_media_ports_release(p, 30004), 0);
	vg_media_ports_destroy(p);
}

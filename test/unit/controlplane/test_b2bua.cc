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

	static int parse(const std::string &in, struct vg_sdp_audio *a)
	{
		struct mbuf *mb = mbuf_alloc(in.size() + 1);
		int rc;

		mbuf_write_str(mb, in.c_str());
		mb->pos = 0;
		rc = vg_sdp_parse(mb, a);
		/* the input is not consumed */
		EXPECT_EQ(mb->pos, 0u);
		mem_deref(mb);
		return rc;
	}

	/* The offer the other side gets from in (as on_invite builds it). */
	int offer_for(const std::string &in, std::string &out,
			struct vg_sdp_info *info, uint16_t port = 40000,
			enum vg_sdp_dir dir = VG_SDP_DIR_KEEP)
	{
		struct vg_sdp_audio a;
		struct vg_sdp_fmt fmt[VG_SDP_FMT_MAX];
		struct vg_sdp_desc d;
		struct mbuf *res = NULL;
		int n, rc;

		rc = parse(in, &a);
		if (rc != 0)
			return rc;
		if (info != NULL)
			vg_sdp_audio_info(&a, &media, info);
		n = vg_sdp_offer_formats(&a, &media, -1, fmt, VG_SDP_FMT_MAX);
		if (n < 0)
			return n;
		memset(&d, 0, sizeof(d));
		d.addr = &ours;
		d.port = a.remote_port != 0 ? port : 0;
		d.profile = a.profile;
		d.dir = dir == VG_SDP_DIR_KEEP ? a.dir : dir;
		d.ptime = a.ptime;
		d.fmt = fmt;
		d.n_fmt = (unsigned)n;
		rc = vg_sdp_encode(&res, &d);
		if (rc == 0)
			out.assign((const char *)res->buf, res->end);
		mem_deref(res);
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

	ASSERT_EQ(offer_for(offer_text, out, &info), 0);
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
	EXPECT_EQ(offer_for(offer_text, out, &info), -ENOENT);
	/* telephone-event alone is no codec */
	media.allowed[0] = VG_CODEC_TELEPHONE_EVENT;
	EXPECT_EQ(offer_for(offer_text, out, &info), -ENOENT);
}

TEST_F(SdpTest, CaseOfEncodingNamesDoesNotMatter)
{
	std::string in = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\n"
			 "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
			 "m=audio 5004 RTP/AVP 96\r\n"
			 "a=rtpmap:96 pcma/8000\r\n";
	std::string out;
	struct vg_sdp_info info;

	ASSERT_EQ(offer_for(in, out, &info, 40002), 0);
	/* the caller's PCMA first, then PCMU, which we can transcode to */
	EXPECT_NE(out.find("m=audio 40002 RTP/AVP 96 0\r\n"),
			std::string::npos)
			<< out;
	EXPECT_NE(out.find("a=rtpmap:96 pcma/8000"), std::string::npos) << out;
	EXPECT_STREQ(info.codecs, "pcma");
}

TEST_F(SdpTest, GarbageAndNoAudioAreBadMessages)
{
	struct vg_sdp_audio a;

	EXPECT_EQ(parse("hello", &a), -EBADMSG);
	EXPECT_EQ(parse("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\n"
			"c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
			"m=video 5006 RTP/AVP 96\r\n"
			"a=rtpmap:96 H264/90000\r\n",
			  &a),
			-EBADMSG);
}

TEST_F(SdpTest, RejectedStreamKeepsPortZero)
{
	std::string in = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\n"
			 "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
			 "m=audio 0 RTP/AVP 0\r\n";
	std::string out;
	struct vg_sdp_info info;

	ASSERT_EQ(offer_for(in, out, &info), 0);
	EXPECT_EQ(info.remote_port, 0);
	EXPECT_NE(out.find("m=audio 0 RTP/AVP 0"), std::string::npos) << out;
}

TEST_F(SdpTest, DirectionIsReportedAndCanBeSet)
{
	struct vg_sdp_info info;
	std::string out;

	/* the local answer to a hold: recvonly toward the one that holds */
	ASSERT_EQ(offer_for(offer_text, out, &info, 40000,
			  vg_sdp_answer_dir(VG_SDP_SENDONLY)),
			0);
	EXPECT_EQ(info.dir, VG_SDP_SENDONLY); /* as the sender said it */
	EXPECT_NE(out.find("a=recvonly\r\n"), std::string::npos) << out;
	EXPECT_EQ(out.find("a=sendonly"), std::string::npos) << out;
}

TEST_F(SdpTest, ParseReadsFormatsProfilePtimeAndCrypto)
{
	struct vg_sdp_audio a;

	ASSERT_EQ(parse("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\n"
			"c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
			"m=audio 5004 RTP/SAVP 0 8 9 18 13 111 101 97 98\r\n"
			"a=rtpmap:111 opus/48000/2\r\n"
			"a=fmtp:111 useinbandfec=1\r\n"
			"a=rtpmap:101 telephone-event/8000\r\n"
			"a=rtpmap:97 PCMU/16000\r\n"
			"a=rtpmap:98 iLBC/8000\r\n"
			"a=ptime:40\r\n"
			"a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
			"inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR\r\n"
			"a=crypto:2 AES_CM_128_HMAC_SHA1_32 "
			"inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR\r\n",
			  &a),
			0);
	EXPECT_EQ(a.profile, VG_SDP_SAVP);
	EXPECT_EQ(a.ptime, 40);
	EXPECT_EQ(a.remote_port, 5004);
	ASSERT_EQ(a.n_fmt, 9u);
	/* static payload types without a=rtpmap (RFC 3551 §6) */
	EXPECT_EQ(a.fmt[0].codec, VG_CODEC_PCMU);
	EXPECT_EQ(a.fmt[1].codec, VG_CODEC_PCMA);
	EXPECT_EQ(a.fmt[2].codec, VG_CODEC_G722);
	EXPECT_EQ(a.fmt[2].srate, 8000u);
	EXPECT_EQ(a.fmt[3].codec, VG_CODEC_G729);
	EXPECT_EQ(a.fmt[4].codec, VG_SDP_FMT_CN);
	EXPECT_EQ(a.fmt[5].codec, VG_CODEC_OPUS);
	EXPECT_EQ(a.fmt[5].pt, 111);
	EXPECT_EQ(a.fmt[5].ch, 2);
	EXPECT_STREQ(a.fmt[5].params, "useinbandfec=1");
	EXPECT_EQ(a.fmt[6].codec, VG_CODEC_TELEPHONE_EVENT);
	/* a known name at a clock rate it does not run at is not it */
	EXPECT_EQ(a.fmt[7].codec, VG_SDP_FMT_UNKNOWN);
	EXPECT_EQ(a.fmt[8].codec, VG_SDP_FMT_UNKNOWN);
	ASSERT_EQ(a.n_crypto, 2u);
	EXPECT_EQ(std::string(a.crypto[1]).rfind("2 AES_CM_128_HMAC_SHA1_32", 0),
			0u);
	vg_sdp_audio_wipe(&a);
	EXPECT_EQ(a.n_crypto, 0u);
	for (size_t i = 0; i < sizeof(a.crypto); i++)
		ASSERT_EQ(((const char *)a.crypto)[i], 0);
}

TEST_F(SdpTest, Profiles)
{
	struct vg_sdp_audio a;

	EXPECT_STREQ(vg_sdp_profile_name(VG_SDP_SAVPF), "RTP/SAVPF");
	EXPECT_EQ(vg_sdp_profile_name(VG_SDP_PROFILE_OTHER), nullptr);
	EXPECT_TRUE(vg_sdp_profile_secure(VG_SDP_SAVP));
	EXPECT_FALSE(vg_sdp_profile_secure(VG_SDP_AVPF));
	EXPECT_EQ(vg_sdp_profile_with(VG_SDP_AVPF, true), VG_SDP_SAVPF);
	EXPECT_EQ(vg_sdp_profile_with(VG_SDP_SAVP, false), VG_SDP_AVP);
	ASSERT_EQ(parse("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\n"
			"c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
			"m=audio 5004 UDP/TLS/RTP/SAVP 0\r\n",
			  &a),
			0);
	EXPECT_EQ(a.profile, VG_SDP_PROFILE_OTHER);
}

TEST_F(SdpTest, EncodeWritesOurCryptoLinesAndRefusesWhatItCannotSay)
{
	static const char *const lines[] = {
			"1 AES_CM_128_HMAC_SHA1_80 "
			"inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",
			"2 AES_CM_128_HMAC_SHA1_32 "
			"inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",
	};
	struct vg_sdp_fmt f;
	struct vg_sdp_desc d;
	struct mbuf *res = NULL;
	std::string out;

	memset(&f, 0, sizeof(f));
	f.codec = VG_CODEC_PCMA;
	f.pt = 8;
	f.ch = 1;
	f.srate = 8000;
	strcpy(f.name, "PCMA");
	memset(&d, 0, sizeof(d));
	d.addr = &ours;
	d.port = 40010;
	d.profile = VG_SDP_SAVP;
	d.dir = VG_SDP_SENDRECV;
	d.ptime = 20;
	d.fmt = &f;
	d.n_fmt = 1;
	d.crypto = lines;
	d.n_crypto = 2;
	ASSERT_EQ(vg_sdp_encode(&res, &d), 0);
	out.assign((const char *)res->buf, res->end);
	mem_deref(res);
	EXPECT_NE(out.find("m=audio 40010 RTP/SAVP 8\r\n"), std::string::npos)
			<< out;
	EXPECT_NE(out.find("a=rtpmap:8 PCMA/8000\r\n"), std::string::npos);
	EXPECT_NE(out.find("a=ptime:20\r\n"), std::string::npos) << out;
	size_t c1 = out.find(std::string("a=crypto:") + lines[0] + "\r\n");
	size_t c2 = out.find(std::string("a=crypto:") + lines[1] + "\r\n");
	EXPECT_NE(c1, std::string::npos) << out;
	EXPECT_NE(c2, std::string::npos) << out;
	EXPECT_LT(c1, c2);
	/* the body ends with them: they belong to the one m= line */
	EXPECT_EQ(out.size(), c2 + strlen("a=crypto:\r\n") + strlen(lines[1]));

	d.profile = VG_SDP_PROFILE_OTHER;
	EXPECT_EQ(vg_sdp_encode(&res, &d), -EINVAL);
	d.profile = VG_SDP_AVP;
	d.dir = VG_SDP_DIR_KEEP;
	EXPECT_EQ(vg_sdp_encode(&res, &d), -EINVAL);
	d.dir = VG_SDP_SENDRECV;
	d.n_fmt = 0;
	EXPECT_EQ(vg_sdp_encode(&res, &d), -EINVAL);
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

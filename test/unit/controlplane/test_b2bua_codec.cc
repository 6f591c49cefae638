/* SPDX-License-Identifier: BSD-3-Clause */
/** @file The B2BUA's media decisions without a call: the offer the called
 * side gets (the caller's codecs, then what the data plane transcodes
 * to), relay or transcode from the answer, each leg's payload type,
 * ptime, telephone-event and CN, and the SDES side of an SRTP offer and
 * answer (same tag, fresh key; 488 when no suite is ours). */
#include <errno.h>
#include <string.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <re.h>

#include "sdp_crypto.h"
#include "vg_b2bua.h"

namespace {

/* RFC 4568 §4's example key-salt */
const char rfc_key[] = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";

std::string
sdp(const std::string &mline, const std::string &attrs,
		const std::string &addr = "198.51.100.7")
{
	return "v=0\r\no=- 1 1 IN IP4 " + addr + "\r\ns=-\r\nc=IN IP4 " +
			addr + "\r\nt=0 0\r\nm=audio 49170 " + mline + "\r\n" +
			attrs;
}

struct CodecTest : ::testing::Test {
	struct vg_cfg_media media;
	struct sa ours;

	void SetUp() override
	{
		/* the shipped default: PCMU, PCMA, G722, telephone-event */
		memset(&media, 0, sizeof(media));
		allow({VG_CODEC_PCMU, VG_CODEC_PCMA, VG_CODEC_G722,
				VG_CODEC_TELEPHONE_EVENT});
		media.ptime_ms = 20;
		ASSERT_EQ(sa_set_str(&ours, "192.0.2.10", 0), 0);
	}

	void allow(std::vector<enum vg_cfg_codec> c)
	{
		media.n_allowed = (uint8_t)c.size();
		for (size_t i = 0; i < c.size(); i++)
			media.allowed[i] = c[i];
	}

	void prefer(std::vector<enum vg_cfg_codec> c)
	{
		media.n_preferred = (uint8_t)c.size();
		for (size_t i = 0; i < c.size(); i++)
			media.preferred[i] = c[i];
	}

	static void parse(const std::string &in, struct vg_sdp_audio *a)
	{
		struct mbuf *mb = mbuf_alloc(in.size() + 1);

		mbuf_write_str(mb, in.c_str());
		mb->pos = 0;
		ASSERT_EQ(vg_sdp_parse(mb, a), 0) << in;
		mem_deref(mb);
	}

	/* "pt name/rate" of each format, for comparisons */
	static std::vector<std::string> names(const struct vg_sdp_fmt *f,
			int n)
	{
		std::vector<std::string> v;

		for (int i = 0; i < n; i++)
			v.push_back(std::to_string(f[i].pt) + " " + f[i].name +
					"/" + std::to_string(f[i].srate));
		return v;
	}

	std::vector<std::string> offer(const std::string &in, int first = -1)
	{
		struct vg_sdp_audio a;
		struct vg_sdp_fmt f[VG_SDP_FMT_MAX];
		int n;

		parse(in, &a);
		n = vg_sdp_offer_formats(&a, &media, first, f, VG_SDP_FMT_MAX);
		if (n < 0)
			return {"error " + std::to_string(n)};
		return names(f, n);
	}

	/* The decision when B answers answer to A's offer: both legs and
	 * the formats we answer A with (the call layer's steps). */
	struct Decision {
		int rc;
		struct vg_sdp_leg a, b;
		bool relay;
		std::vector<std::string> answer_a;
	};

	Decision decide(const std::string &offer_a, const std::string &ans_b)
	{
		struct vg_sdp_audio a, b;
		struct vg_sdp_fmt f[VG_SDP_FMT_MAX];
		Decision d = {};
		int n;

		parse(offer_a, &a);
		parse(ans_b, &b);
		d.rc = vg_sdp_answer_leg(&b, &media, &d.b);
		if (d.rc != 0)
			return d;
		d.rc = vg_sdp_offer_leg(&a, &media, -1, d.b.codec, &d.a);
		if (d.rc != 0)
			return d;
		if (d.a.te_pt == 0 || d.b.te_pt == 0)
			d.a.te_pt = d.b.te_pt = 0;
		d.relay = d.a.codec == d.b.codec;
		if (d.relay && (d.a.cn_pt == 0 || d.b.cn_pt == 0))
			d.a.cn_pt = d.b.cn_pt = 0;
		n = vg_sdp_answer_formats(&a, &d.a, d.relay ? &b : NULL, f,
				VG_SDP_FMT_MAX);
		if (n < 0) {
			d.rc = n;
			return d;
		}
		d.answer_a = names(f, n);
		return d;
	}
};

typedef std::vector<std::string> Fmts;

} // namespace

/* ---- the offer toward B ---- */

TEST_F(CodecTest, OfferKeepsTheCallersCodecsThenAddsWhatWeTranscodeTo)
{
	/* A: PCMU and telephone-event; we add PCMA and G722 (allowed order) */
	EXPECT_EQ(offer(sdp("RTP/AVP 0 101",
				  "a=rtpmap:101 telephone-event/8000\r\n"
				  "a=fmtp:101 0-15\r\n")),
			(Fmts{"0 PCMU/8000", "101 telephone-event/8000",
					"8 PCMA/8000", "9 G722/8000"}));
	/* G729 is not allowed: dropped, never added */
	EXPECT_EQ(offer(sdp("RTP/AVP 18 8", "")),
			(Fmts{"8 PCMA/8000", "0 PCMU/8000", "9 G722/8000"}));
}

TEST_F(CodecTest, AddedCodecsFollowCodecsPreferredThenAllowed)
{
	allow({VG_CODEC_PCMU, VG_CODEC_PCMA, VG_CODEC_G729, VG_CODEC_G722,
			VG_CODEC_OPUS, VG_CODEC_TELEPHONE_EVENT});
	prefer({VG_CODEC_G722, VG_CODEC_PCMA});
	/* opus takes the first dynamic payload type A does not use (96 is
	 * A's unknown codec, 97 its telephone-event), and gets its own
	 * telephone-event at 48 kHz */
	EXPECT_EQ(offer(sdp("RTP/AVP 0 96 97",
				  "a=rtpmap:96 iLBC/8000\r\n"
				  "a=rtpmap:97 telephone-event/8000\r\n")),
			(Fmts{"0 PCMU/8000", "97 telephone-event/8000",
					"9 G722/8000", "8 PCMA/8000",
					"18 G729/8000", "98 opus/48000",
					"99 telephone-event/48000"}));
}

TEST_F(CodecTest, OfferWithoutTelephoneEventGetsNone)
{
	allow({VG_CODEC_PCMU, VG_CODEC_OPUS, VG_CODEC_TELEPHONE_EVENT});
	EXPECT_EQ(offer(sdp("RTP/AVP 0", "")),
			(Fmts{"0 PCMU/8000", "96 opus/48000"}));
	/* telephone-event not allowed: not kept */
	allow({VG_CODEC_PCMU, VG_CODEC_PCMA});
	EXPECT_EQ(offer(sdp("RTP/AVP 0 101",
				  "a=rtpmap:101 telephone-event/8000\r\n")),
			(Fmts{"0 PCMU/8000", "8 PCMA/8000"}));
}

TEST_F(CodecTest, LateOfferGetsTelephoneEventAtEachClockRate)
{
	/* B's offer, and our offer to A with B's codec (PCMA) first: what
	 * [media] allows of every codec, DTMF at 8 and 48 kHz */
	allow({VG_CODEC_PCMU, VG_CODEC_PCMA, VG_CODEC_OPUS,
			VG_CODEC_TELEPHONE_EVENT});
	EXPECT_EQ(offer(vg_sdp_late_offer),
			(Fmts{"0 PCMU/8000", "8 PCMA/8000", "96 opus/48000",
					"101 telephone-event/8000",
					"97 telephone-event/48000"}));
	EXPECT_EQ(offer(vg_sdp_late_offer, VG_CODEC_PCMA),
			(Fmts{"8 PCMA/8000", "0 PCMU/8000", "96 opus/48000",
					"101 telephone-event/8000",
					"97 telephone-event/48000"}));
	/* telephone-event not allowed: none at either rate */
	allow({VG_CODEC_PCMU, VG_CODEC_OPUS});
	EXPECT_EQ(offer(vg_sdp_late_offer),
			(Fmts{"0 PCMU/8000", "96 opus/48000"}));
}

TEST_F(CodecTest, ComfortNoiseIsKept)
{
	EXPECT_EQ(offer(sdp("RTP/AVP 8 13", "")),
			(Fmts{"8 PCMA/8000", "13 CN/8000", "0 PCMU/8000",
					"9 G722/8000"}));
}

TEST_F(CodecTest, ReOfferPutsTheCodecInUseFirst)
{
	/* B speaks G722 (one we added): it leads the re-offer */
	EXPECT_EQ(offer(sdp("RTP/AVP 0 8", ""), VG_CODEC_G722),
			(Fmts{"9 G722/8000", "0 PCMU/8000", "8 PCMA/8000"}));
	/* one A offers: A's format moves first */
	EXPECT_EQ(offer(sdp("RTP/AVP 0 8", ""), VG_CODEC_PCMA),
			(Fmts{"8 PCMA/8000", "0 PCMU/8000", "9 G722/8000"}));
}

TEST_F(CodecTest, NothingUsableIs488)
{
	EXPECT_EQ(offer(sdp("RTP/AVP 18 101",
				  "a=rtpmap:101 telephone-event/8000\r\n")),
			(Fmts{"error " + std::to_string(-ENOENT)}));
}

/* ---- B's answer: relay or transcode ---- */

TEST_F(CodecTest, SameCodecIsRelayed)
{
	Decision d = decide(sdp("RTP/AVP 0 8 101",
				    "a=rtpmap:101 telephone-event/8000\r\n"
				    "a=ptime:20\r\n"),
			sdp("RTP/AVP 8 101",
					"a=rtpmap:101 telephone-event/8000\r\n",
					"203.0.113.9"));
	ASSERT_EQ(d.rc, 0);
	EXPECT_TRUE(d.relay);
	EXPECT_EQ(d.a.codec, VG_CODEC_PCMA);
	EXPECT_EQ(d.a.pt, 8);
	EXPECT_EQ(d.b.codec, VG_CODEC_PCMA);
	EXPECT_EQ(d.answer_a, (Fmts{"8 PCMA/8000", "101 telephone-event/8000"}));
}

TEST_F(CodecTest, RelayAnswersEveryCodecBothSidesHaveInBsOrder)
{
	Decision d = decide(sdp("RTP/AVP 0 8", ""),
			sdp("RTP/AVP 8 0", "", "203.0.113.9"));
	ASSERT_EQ(d.rc, 0);
	EXPECT_TRUE(d.relay);
	EXPECT_EQ(d.answer_a, (Fmts{"8 PCMA/8000", "0 PCMU/8000"}));
}

TEST_F(CodecTest, CodecTheCallerLacksIsTranscoded)
{
	/* PCMU only to A, PCMA only from B: each leg keeps its own */
	Decision d = decide(sdp("RTP/AVP 0 101",
				    "a=rtpmap:101 telephone-event/8000\r\n"
				    "a=ptime:30\r\n"),
			sdp("RTP/AVP 8 96",
					"a=rtpmap:96 telephone-event/8000\r\n"
					"a=ptime:20\r\n",
					"203.0.113.9"));
	ASSERT_EQ(d.rc, 0);
	EXPECT_FALSE(d.relay);
	EXPECT_EQ(d.a.codec, VG_CODEC_PCMU);
	EXPECT_EQ(d.a.pt, 0);
	EXPECT_EQ(d.a.ptime_ms, 30);
	EXPECT_EQ(d.a.te_pt, 101); /* A's numbering */
	EXPECT_EQ(d.b.codec, VG_CODEC_PCMA);
	EXPECT_EQ(d.b.pt, 8);
	EXPECT_EQ(d.b.ptime_ms, 20);
	EXPECT_EQ(d.b.te_pt, 96); /* B's numbering */
	EXPECT_EQ(d.answer_a,
			(Fmts{"0 PCMU/8000", "101 telephone-event/8000"}));
}

TEST_F(CodecTest, TranscodedCallerGetsItsPreferredCodec)
{
	allow({VG_CODEC_PCMU, VG_CODEC_PCMA, VG_CODEC_G729, VG_CODEC_G722,
			VG_CODEC_TELEPHONE_EVENT});
	/* A offers G729, PCMU; B answers G722 */
	Decision d = decide(sdp("RTP/AVP 18 0", ""),
			sdp("RTP/AVP 9", "", "203.0.113.9"));
	ASSERT_EQ(d.rc, 0);
	EXPECT_EQ(d.a.codec, VG_CODEC_G729); /* A's order */
	prefer({VG_CODEC_PCMA, VG_CODEC_PCMU});
	d = decide(sdp("RTP/AVP 18 0", ""), sdp("RTP/AVP 9", "", "203.0.113.9"));
	ASSERT_EQ(d.rc, 0);
	EXPECT_EQ(d.a.codec, VG_CODEC_PCMU); /* codecs_preferred first */
	EXPECT_EQ(d.answer_a, (Fmts{"0 PCMU/8000"}));
}

TEST_F(CodecTest, TelephoneEventOnlyWhenBothSidesHaveIt)
{
	Decision d = decide(sdp("RTP/AVP 0 101",
				    "a=rtpmap:101 telephone-event/8000\r\n"),
			sdp("RTP/AVP 8", "", "203.0.113.9"));
	ASSERT_EQ(d.rc, 0);
	EXPECT_EQ(d.a.te_pt, 0);
	EXPECT_EQ(d.b.te_pt, 0);
	EXPECT_EQ(d.answer_a, (Fmts{"0 PCMU/8000"}));
}

TEST_F(CodecTest, PtimeDefaultsToTheConfiguredOne)
{
	struct vg_sdp_audio b;
	struct vg_sdp_leg leg;

	parse(sdp("RTP/AVP 8", ""), &b);
	media.ptime_ms = 30;
	ASSERT_EQ(vg_sdp_answer_leg(&b, &media, &leg), 0);
	EXPECT_EQ(leg.ptime_ms, 30);
	media.ptime_ms = 0; /* unset: RTP's usual 20 ms */
	ASSERT_EQ(vg_sdp_answer_leg(&b, &media, &leg), 0);
	EXPECT_EQ(leg.ptime_ms, 20);
	/* rounded down to a packetisation the data plane makes */
	const struct {
		const char *attr;
		uint8_t want;
	} cases[] = {{"a=ptime:500\r\n", 60}, {"a=ptime:50\r\n", 40},
			{"a=ptime:25\r\n", 20}, {"a=ptime:5\r\n", 10},
			{"a=ptime:30\r\n", 30}};
	for (const auto &c : cases) {
		parse(sdp("RTP/AVP 8", c.attr), &b);
		ASSERT_EQ(vg_sdp_answer_leg(&b, &media, &leg), 0);
		EXPECT_EQ(leg.ptime_ms, c.want) << c.attr;
	}
	media.ptime_ms = 120;
	parse(sdp("RTP/AVP 8", ""), &b);
	ASSERT_EQ(vg_sdp_answer_leg(&b, &media, &leg), 0);
	EXPECT_EQ(leg.ptime_ms, 60);
}

TEST_F(CodecTest, ComfortNoiseOfEachSide)
{
	Decision d = decide(sdp("RTP/AVP 0 13", ""),
			sdp("RTP/AVP 8 13", "", "203.0.113.9"));
	ASSERT_EQ(d.rc, 0);
	EXPECT_EQ(d.a.cn_pt, 13);
	EXPECT_EQ(d.b.cn_pt, 13);
	EXPECT_EQ(d.answer_a, (Fmts{"0 PCMU/8000", "13 CN/8000"}));
	/* transcoded: A's CN is A's business */
	d = decide(sdp("RTP/AVP 0 13", ""), sdp("RTP/AVP 8", "", "203.0.113.9"));
	EXPECT_EQ(d.a.cn_pt, 13);
	EXPECT_EQ(d.b.cn_pt, 0);
}

TEST_F(CodecTest, AnswerWithoutAUsableCodecFails)
{
	/* B's first codec is one we do not know, or only events */
	EXPECT_EQ(decide(sdp("RTP/AVP 0", ""),
				  sdp("RTP/AVP 97", "a=rtpmap:97 iLBC/8000\r\n"))
					  .rc,
			-ENOENT);
	EXPECT_EQ(decide(sdp("RTP/AVP 0", ""),
				  sdp("RTP/AVP 101",
						  "a=rtpmap:101 "
						  "telephone-event/8000\r\n"))
					  .rc,
			-ENOENT);
	/* one we did not allow */
	EXPECT_EQ(decide(sdp("RTP/AVP 0", ""), sdp("RTP/AVP 18", "")).rc,
			-ENOENT);
}

TEST_F(CodecTest, ReOfferKeepsTheCodecInUseUnlessDropped)
{
	struct vg_sdp_audio a;
	struct vg_sdp_leg leg;

	/* transcoding PCMU (A) <-> PCMA (B); A re-offers both */
	parse(sdp("RTP/AVP 8 0", ""), &a);
	ASSERT_EQ(vg_sdp_offer_leg(&a, &media, VG_CODEC_PCMU, VG_CODEC_PCMA,
				  &leg),
			0);
	EXPECT_EQ(leg.codec, VG_CODEC_PCMU);
	/* A drops PCMU: B's codec, a relay */
	parse(sdp("RTP/AVP 8 9", ""), &a);
	ASSERT_EQ(vg_sdp_offer_leg(&a, &media, VG_CODEC_PCMU, VG_CODEC_PCMA,
				  &leg),
			0);
	EXPECT_EQ(leg.codec, VG_CODEC_PCMA);
	/* nothing left we allow: 488 */
	parse(sdp("RTP/AVP 18", ""), &a);
	EXPECT_EQ(vg_sdp_offer_leg(&a, &media, VG_CODEC_PCMU, VG_CODEC_PCMA,
				  &leg),
			-ENOENT);
}

/* ---- SDES (RFC 4568) ---- */

namespace {

std::vector<const char *>
values(const struct vg_sdp_audio &a)
{
	std::vector<const char *> v;

	for (unsigned i = 0; i < a.n_crypto; i++)
		v.push_back(a.crypto[i]);
	return v;
}

} // namespace

TEST_F(CodecTest, SavpOfferIsAnsweredWithItsTagAndAFreshKey)
{
	struct vg_sdp_audio a;
	struct vg_sdp_crypto rx, tx, tx2;
	char ours_v[VG_SDP_CRYPTO_VALUE_MAX];
	struct vg_sdp_fmt f[VG_SDP_FMT_MAX];
	struct vg_sdp_leg leg;
	struct vg_sdp_desc d;
	struct mbuf *res = NULL;
	std::string out;
	int n;

	/* an unsupported suite first: the answer takes tag 7 */
	parse(sdp("RTP/SAVP 0",
			      std::string("a=crypto:3 AES_256_CM_HMAC_SHA1_80 "
					  "inline:") +
					      rfc_key + rfc_key +
					      "\r\na=crypto:7 "
					      "AES_CM_128_HMAC_SHA1_32 "
					      "inline:" +
					      rfc_key + "\r\n"),
			&a);
	ASSERT_EQ(a.profile, VG_SDP_SAVP);
	std::vector<const char *> v = values(a);
	ASSERT_EQ(vg_sdp_crypto_answer(v.data(), v.size(), NULL, &rx, &tx), 0);
	EXPECT_EQ(rx.tag, 7u);
	EXPECT_EQ(rx.suite, VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_32);
	EXPECT_EQ(tx.tag, 7u);
	EXPECT_EQ(tx.suite, VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_32);
	EXPECT_NE(memcmp(rx.key, tx.key, sizeof(rx.key)), 0);
	/* fresh: another answer, another key */
	ASSERT_EQ(vg_sdp_crypto_answer(v.data(), v.size(), NULL, &rx, &tx2), 0);
	EXPECT_NE(memcmp(tx.key, tx2.key, sizeof(tx.key)), 0);

	/* the answer body: RTP/SAVP, one a=crypto, our key, not theirs */
	ASSERT_EQ(vg_sdp_offer_leg(&a, &media, -1, -1, &leg), 0);
	n = vg_sdp_answer_formats(&a, &leg, NULL, f, VG_SDP_FMT_MAX);
	ASSERT_EQ(n, 1);
	ASSERT_EQ(vg_sdp_crypto_format(&tx, ours_v, sizeof(ours_v)), 0);
	const char *cv[] = {ours_v};
	memset(&d, 0, sizeof(d));
	d.addr = &ours;
	d.port = 40000;
	d.profile = a.profile;
	d.dir = VG_SDP_SENDRECV;
	d.fmt = f;
	d.n_fmt = (unsigned)n;
	d.crypto = cv;
	d.n_crypto = 1;
	ASSERT_EQ(vg_sdp_encode(&res, &d), 0);
	out.assign((const char *)res->buf, res->end);
	mem_deref(res);
	EXPECT_NE(out.find("m=audio 40000 RTP/SAVP 0\r\n"), std::string::npos)
			<< out;
	EXPECT_NE(out.find("a=crypto:7 AES_CM_128_HMAC_SHA1_32 inline:"),
			std::string::npos)
			<< out;
	EXPECT_EQ(out.find(rfc_key), std::string::npos) << out;
	EXPECT_EQ(out.find("a=crypto:3"), std::string::npos) << out;
	vg_sdp_audio_wipe(&a);
	vg_sdp_crypto_wipe(&rx);
	vg_sdp_crypto_wipe(&tx);
	vg_sdp_crypto_wipe(&tx2);
}

TEST_F(CodecTest, SavpOfferWithNoSuiteWeKeyIs488)
{
	struct vg_sdp_audio a;
	struct vg_sdp_crypto rx, tx;

	/* AES-256, F8, and our suite but with an MKI or a session parameter
	 * we do not honour */
	parse(sdp("RTP/SAVP 0",
			      std::string("a=crypto:1 AES_256_CM_HMAC_SHA1_80 "
					  "inline:") +
					      rfc_key + rfc_key +
					      "\r\n"
					      "a=crypto:2 F8_128_HMAC_SHA1_80 "
					      "inline:" +
					      rfc_key +
					      "\r\n"
					      "a=crypto:3 "
					      "AES_CM_128_HMAC_SHA1_80 inline:" +
					      rfc_key +
					      "|2^20|1:4\r\n"
					      "a=crypto:4 "
					      "AES_CM_128_HMAC_SHA1_80 inline:" +
					      rfc_key + " UNENCRYPTED_SRTP\r\n"),
			&a);
	std::vector<const char *> v = values(a);
	EXPECT_EQ(vg_sdp_crypto_answer(v.data(), v.size(), NULL, &rx, &tx),
			-ENOENT);
	/* and none at all */
	EXPECT_EQ(vg_sdp_crypto_answer(NULL, 0, NULL, &rx, &tx), -ENOENT);
	vg_sdp_audio_wipe(&a);
}

TEST_F(CodecTest, PlainOfferWithCryptoLinesIsPlain)
{
	struct vg_sdp_audio a;

	parse(sdp("RTP/AVP 0", std::string("a=crypto:1 "
					     "AES_CM_128_HMAC_SHA1_80 inline:") +
					     rfc_key + "\r\n"),
			&a);
	EXPECT_EQ(a.profile, VG_SDP_AVP);
	EXPECT_FALSE(vg_sdp_profile_secure(a.profile));
	vg_sdp_audio_wipe(&a);
}

TEST_F(CodecTest, ReOfferKeepsOurKeyForTheSameSuite)
{
	struct vg_sdp_crypto rx, tx, keep;
	std::string line = std::string("5 AES_CM_128_HMAC_SHA1_80 inline:") +
			rfc_key;
	const char *v[] = {line.c_str()};

	ASSERT_EQ(vg_sdp_crypto_generate(&keep, 1,
				  VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_80),
			0);
	ASSERT_EQ(vg_sdp_crypto_answer(v, 1, &keep, &rx, &tx), 0);
	EXPECT_EQ(tx.tag, 5u); /* the offer's tag */
	EXPECT_EQ(memcmp(tx.key, keep.key, sizeof(tx.key)), 0);
	/* keep may be the line we answer into */
	tx = keep;
	ASSERT_EQ(vg_sdp_crypto_answer(v, 1, &tx, &rx, &tx), 0);
	EXPECT_EQ(memcmp(tx.key, keep.key, sizeof(tx.key)), 0);
	/* another suite: a new key */
	keep.suite = VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_32;
	ASSERT_EQ(vg_sdp_crypto_answer(v, 1, &keep, &rx, &tx), 0);
	EXPECT_NE(memcmp(tx.key, keep.key, sizeof(tx.key)), 0);
	EXPECT_EQ(tx.suite, VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_80);
}

TEST_F(CodecTest, OurSavpOfferAndTheLineItsAnswerTakes)
{
	struct vg_sdp_crypto lines[VG_SDP_CRYPTO_OFFER_LINES], rx;
	char v0[VG_SDP_CRYPTO_VALUE_MAX], v1[VG_SDP_CRYPTO_VALUE_MAX];

	ASSERT_EQ(vg_sdp_crypto_offer(lines, 1), -EINVAL);
	ASSERT_EQ(vg_sdp_crypto_offer(lines, VG_SDP_CRYPTO_OFFER_LINES), 2);
	EXPECT_EQ(lines[0].tag, 1u);
	EXPECT_EQ(lines[0].suite, VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_80);
	EXPECT_EQ(lines[1].tag, 2u);
	EXPECT_EQ(lines[1].suite, VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_32);
	EXPECT_NE(memcmp(lines[0].key, lines[1].key, sizeof(lines[0].key)), 0);

	/* the answer takes tag 2 with its own key */
	std::string ans = std::string("2 AES_CM_128_HMAC_SHA1_32 inline:") +
			rfc_key;
	const char *a1[] = {ans.c_str()};
	EXPECT_EQ(vg_sdp_crypto_answered(a1, 1, lines, 2, &rx), 1);
	ASSERT_EQ(vg_sdp_crypto_format(&rx, v0, sizeof(v0)), 0);
	EXPECT_EQ(std::string(v0), ans);
	/* a tag we offered with another suite, a tag we did not offer */
	std::string bad1 = std::string("2 AES_CM_128_HMAC_SHA1_80 inline:") +
			rfc_key;
	std::string bad2 = std::string("3 AES_CM_128_HMAC_SHA1_80 inline:") +
			rfc_key;
	const char *a2[] = {bad1.c_str(), bad2.c_str()};
	EXPECT_EQ(vg_sdp_crypto_answered(a2, 2, lines, 2, &rx), -ENOENT);
	EXPECT_EQ(rx.tag, 0u); /* wiped */
	/* no a=crypto in a SAVP answer: unusable */
	EXPECT_EQ(vg_sdp_crypto_answered(NULL, 0, lines, 2, &rx), -ENOENT);
	/* our lines format to the values we put in the SDP */
	ASSERT_EQ(vg_sdp_crypto_format(&lines[0], v0, sizeof(v0)), 0);
	ASSERT_EQ(vg_sdp_crypto_format(&lines[1], v1, sizeof(v1)), 0);
	EXPECT_EQ(std::string(v0).rfind("1 AES_CM_128_HMAC_SHA1_80 inline:", 0),
			0u);
	EXPECT_EQ(std::string(v1).rfind("2 AES_CM_128_HMAC_SHA1_32 inline:", 0),
			0u);
	vg_sdp_crypto_wipe(&lines[0]);
	vg_sdp_crypto_wipe(&lines[1]);
}

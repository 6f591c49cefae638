/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Comfort noise in: RFC 3389 CN packets and G.729 Annex B SID
 * frames become low-level noise of the right length, never garbage.
 */
#include <vector>

#include <gtest/gtest.h>

extern "C" {
#include <bcg729/encoder.h>
}

#include "codec_test_util.h"

using vgt::Dir;
using vgt::Out;
using vgt::Talker;

namespace {

const uint8_t PT_PCMU = 0, PT_PCMA = 8, PT_G729 = 18, PT_CN = 13;

double
rms_of(vg_cfg_codec law, const Out &o)
{
	std::vector<int16_t> pcm = vgt::g711_pcm(law, o.pl);

	return vgt::rms(pcm.data(), pcm.size());
}

/*
 * A real Annex B SID frame: bcg729 with VAD on, fed speech then quiet
 * noise, gives 2-byte frames once it has decided on silence.
 */
std::vector<uint8_t>
g729_sid()
{
	bcg729EncoderChannelContextStruct *e = initBcg729EncoderChannel(1);
	std::vector<int16_t> speech = vgt::chirp(8000, 8000);
	std::vector<uint8_t> sid;
	uint8_t out[10];
	uint32_t seed = 1;

	for (size_t off = 0; off + 80 <= speech.size(); off += 80) {
		uint8_t len = 0;
		bcg729Encoder(e, speech.data() + off, out, &len);
	}
	for (int f = 0; f < 200 && sid.empty(); f++) {
		int16_t quiet[80];
		uint8_t len = 0;

		for (int i = 0; i < 80; i++) {
			seed = seed * 1103515245u + 12345u;
			quiet[i] = (int16_t)((int)(seed >> 16 & 0xff) - 128);
		}
		bcg729Encoder(e, quiet, out, &len);
		if (len == 2)
			sid.assign(out, out + 2);
	}
	closeBcg729EncoderChannel(e);
	return sid;
}

} // namespace

/* PCMU -> PCMA: a CN packet becomes 20 ms of quiet noise. */
TEST(XcodeCn, Rfc3389BecomesQuietNoise)
{
	vg_xcode_params p = vgt::params(VG_CODEC_PCMU, PT_PCMU, 20,
			VG_CODEC_PCMA, PT_PCMA, 20);
	p.in_cn_pt = PT_CN;
	Dir dir(p);
	Talker tk(VG_CODEC_PCMU, PT_PCMU, 20);

	ASSERT_EQ(dir.create_rc(), 0);
	for (int i = 0; i < 5; i++)
		ASSERT_EQ(dir.push(tk.next()), 1);
	double speech = rms_of(VG_CODEC_PCMA, dir.sent.back());

	/* level 60 -dBov: rms ~33; the spectral byte is ignored */
	ASSERT_EQ(dir.push(vgt::rtp(PT_CN, tk.seq++, tk.ts, tk.ssrc,
			{ 60, 0x55 })), 1);
	tk.ts += 160;
	const Out &cn = dir.sent.back();
	EXPECT_EQ(cn.pt, PT_PCMA);
	EXPECT_EQ(cn.pl.size(), 160u);
	double level = rms_of(VG_CODEC_PCMA, cn);
	std::printf("  speech rms %.0f, CN(60) rms %.1f\n", speech, level);
	EXPECT_GT(level, 10.0);   /* noise, not silence */
	EXPECT_LT(level, 100.0);  /* and quiet */

	/* a loud level is clamped: CN never shouts */
	ASSERT_EQ(dir.push(vgt::rtp(PT_CN, tk.seq++, tk.ts, tk.ssrc, { 0 })),
			1);
	tk.ts += 160;
	EXPECT_LT(rms_of(VG_CODEC_PCMA, dir.sent.back()), 1200.0);

	/* 1 s later (no packets in between), speech: a jump, marker set */
	tk.silence(50);
	ASSERT_EQ(dir.push(tk.next(true)), 1);
	EXPECT_TRUE(dir.sent.back().marker);
	EXPECT_EQ(dir.sent.back().ts - dir.sent[6].ts, 160u * 51);
	for (size_t i = 1; i < dir.sent.size(); i++)
		EXPECT_EQ((uint16_t)(dir.sent[i - 1].seq + 1), dir.sent[i].seq);
	EXPECT_EQ(dir.stats().cn_pkts, 2u);

	/* an empty CN payload has no level */
	EXPECT_EQ(dir.push(vgt::rtp(PT_CN, tk.seq++, tk.ts, tk.ssrc, {})),
			-EBADMSG);
}

/* CN length follows in_ptime_ms when given; else the last packet's. */
TEST(XcodeCn, Rfc3389Length)
{
	vg_xcode_params p = vgt::params(VG_CODEC_PCMA, PT_PCMA, 30,
			VG_CODEC_G729, PT_G729, 10);
	p.in_cn_pt = PT_CN;
	Dir dir(p);

	ASSERT_EQ(dir.create_rc(), 0);
	/* CN first of all: 30 ms = three 10 ms G.729 packets */
	ASSERT_EQ(dir.push(vgt::rtp(PT_CN, 7, 1000, 9, { 70 })), 3);
	vgt::expect_continuous(dir.sent, 80);
	for (const Out &o : dir.sent)
		EXPECT_EQ(o.pl.size(), 10u);

	p.in_ptime_ms = 0;
	Dir dir2(p);
	Talker tk(VG_CODEC_PCMA, PT_PCMA, 40);
	ASSERT_EQ(dir2.create_rc(), 0);
	ASSERT_EQ(dir2.push(tk.next()), 4);
	ASSERT_EQ(dir2.push(vgt::rtp(PT_CN, tk.seq, tk.ts, tk.ssrc, { 70 })),
			4);
}

/* G.729 Annex B: a 2-byte SID frame decodes to 10 ms of comfort noise. */
TEST(XcodeCn, G729SidFrame)
{
	std::vector<uint8_t> sid = g729_sid();
	ASSERT_EQ(sid.size(), 2u) << "bcg729 gave no SID frame";

	vg_xcode_params p = vgt::params(VG_CODEC_G729, PT_G729, 20,
			VG_CODEC_PCMU, PT_PCMU, 10);
	Dir dir(p);
	Talker tk(VG_CODEC_G729, PT_G729, 20);

	ASSERT_EQ(dir.create_rc(), 0);
	double speech = 0;
	for (int i = 0; i < 10; i++)
		ASSERT_EQ(dir.push(tk.next()), 2);
	for (const Out &o : dir.sent)
		speech += rms_of(VG_CODEC_PCMU, o) / (double)dir.sent.size();

	/* speech frame + SID in one packet (RFC 3551 s4.5.6): 20 ms */
	std::vector<uint8_t> pl = tk.payload();
	pl.resize(10);
	pl.insert(pl.end(), sid.begin(), sid.end());
	ASSERT_EQ(dir.push(vgt::rtp(PT_G729, tk.seq++, tk.ts, tk.ssrc, pl)),
			2);
	tk.ts += 160;
	/* SID alone: 10 ms */
	ASSERT_EQ(dir.push(vgt::rtp(PT_G729, tk.seq++, tk.ts, tk.ssrc, sid)),
			1);
	tk.ts += 80;
	double cn = rms_of(VG_CODEC_PCMU, dir.sent.back());
	std::printf("  speech rms %.0f, G.729 SID rms %.1f\n", speech, cn);
	EXPECT_LT(cn, speech * 0.25);
	EXPECT_LT(cn, 500.0);
	/* a packet lost after a SID is concealed by the comfort noise
	 * generator (Annex B s4.4): still quiet */
	tk.lose(1);
	ASSERT_EQ(dir.push(tk.next()), 2 + 2);
	EXPECT_LT(rms_of(VG_CODEC_PCMU, dir.sent[dir.sent.size() - 4]), 500.0);
	for (size_t i = 1; i < dir.sent.size(); i++)
		EXPECT_EQ((uint16_t)(dir.sent[i - 1].seq + 1), dir.sent[i].seq);
}

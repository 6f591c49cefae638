/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Transcoding directions under loss and disorder: concealment
 * keeps the output timeline whole, long holes resynchronise, duplicates
 * and late packets are dropped, an SSRC change restarts the decoder
 * while the output stream goes on.
 */
#include <vector>

#include <gtest/gtest.h>

#include "codec_test_util.h"

using vgt::Dir;
using vgt::Out;
using vgt::Talker;

namespace {

const uint8_t PT_PCMU = 0, PT_PCMA = 8, PT_G729 = 18, PT_OPUS = 111;

double
out_rms(vg_cfg_codec law, const Out &o)
{
	std::vector<int16_t> pcm = vgt::g711_pcm(law, o.pl);

	return vgt::rms(pcm.data(), pcm.size());
}

} // namespace

/* Two packets lost: three out, 40 ms concealed, timeline whole. */
TEST(XcodeLoss, GapOfTwoIsConcealed)
{
	struct Case {
		vg_cfg_codec in;
		uint8_t in_pt;
	} cases[] = {
		{ VG_CODEC_PCMU, PT_PCMU },   /* repeat and fade (map mode) */
		{ VG_CODEC_G729, PT_G729 },   /* G.729 erasure concealment */
		{ VG_CODEC_OPUS, PT_OPUS },   /* Opus PLC */
	};

	for (const Case &c : cases) {
		vg_xcode_params p = vgt::params(c.in, c.in_pt, 20,
				VG_CODEC_PCMA, PT_PCMA, 20);
		Dir dir(p);
		Talker tk(c.in, c.in_pt, 20);
		const char *name = vg_codec_info(c.in)->name;

		ASSERT_EQ(dir.create_rc(), 0);
		for (int i = 0; i < 10; i++)
			ASSERT_EQ(dir.push(tk.next()), 1) << name;
		double before = out_rms(VG_CODEC_PCMA, dir.sent.back());
		tk.lose(2);
		ASSERT_EQ(dir.push(tk.next()), 3) << name;
		ASSERT_EQ(dir.push(tk.next()), 1) << name;
		vgt::expect_continuous(dir.sent, 160);
		for (const Out &o : dir.sent)
			EXPECT_FALSE(o.marker && &o != &dir.sent[0]) << name;

		vg_xcode_stats st = dir.stats();
		EXPECT_EQ(st.lost_pkts, 2u) << name;
		EXPECT_EQ(st.concealed_ms, 40u) << name;
		EXPECT_EQ(st.resyncs, 0u) << name;
		/* concealed audio: present, not louder than speech, fading */
		double c1 = out_rms(VG_CODEC_PCMA, dir.sent[10]);
		double c2 = out_rms(VG_CODEC_PCMA, dir.sent[11]);
		std::printf("  %s: before %.0f concealed %.0f %.0f\n", name,
				before, c1, c2);
		EXPECT_GT(c1, 0.05 * before) << name;
		EXPECT_LT(c1, 2.0 * before) << name;
		EXPECT_LT(c2, 2.0 * before) << name;
	}
}

/* G.711 concealment fades: the second concealed packet is quieter. */
TEST(XcodeLoss, G711ConcealmentFades)
{
	vg_xcode_params p = vgt::params(VG_CODEC_PCMA, PT_PCMA, 20,
			VG_CODEC_PCMU, PT_PCMU, 20);
	Dir dir(p);
	Talker tk(VG_CODEC_PCMA, PT_PCMA, 20);

	ASSERT_EQ(dir.create_rc(), 0);
	for (int i = 0; i < 5; i++)
		ASSERT_EQ(dir.push(tk.next()), 1);
	tk.lose(4);
	ASSERT_EQ(dir.push(tk.next()), 5);
	double c1 = out_rms(VG_CODEC_PCMU, dir.sent[5]);
	double c2 = out_rms(VG_CODEC_PCMU, dir.sent[6]);
	double c3 = out_rms(VG_CODEC_PCMU, dir.sent[7]);
	double c4 = out_rms(VG_CODEC_PCMU, dir.sent[8]);
	EXPECT_GT(c1, c2);
	EXPECT_GT(c2, c3);
	EXPECT_LT(c4, 1.0);   /* 60 ms on: silence */
}

/* Up to VG_XCODE_MAX_GAP_MS is concealed, beyond it resynchronises. */
TEST(XcodeLoss, LongGapResynchronises)
{
	vg_xcode_params p = vgt::params(VG_CODEC_PCMU, PT_PCMU, 20,
			VG_CODEC_PCMA, PT_PCMA, 20);
	Dir dir(p);
	Talker tk(VG_CODEC_PCMU, PT_PCMU, 20);

	ASSERT_EQ(dir.create_rc(), 0);
	for (int i = 0; i < 5; i++)
		ASSERT_EQ(dir.push(tk.next()), 1);
	/* 200 ms lost: concealed, 10 + 1 packets */
	tk.lose(10);
	ASSERT_EQ(dir.push(tk.next()), 11);
	vgt::expect_continuous(dir.sent, 160);
	EXPECT_EQ(dir.stats().concealed_ms, 200u);

	/* 500 packets (10 s) lost: one packet out, timestamps jump 10 s */
	Out last = dir.sent.back();
	tk.lose(500);
	ASSERT_EQ(dir.push(tk.next()), 1);
	Out now = dir.sent.back();
	EXPECT_EQ((uint16_t)(now.seq - last.seq), 1);
	EXPECT_EQ(now.ts - last.ts, 501u * 160);
	EXPECT_TRUE(now.marker);
	EXPECT_EQ(dir.stats().resyncs, 1u);
	EXPECT_EQ(dir.stats().concealed_ms, 200u);
	EXPECT_EQ(dir.stats().lost_pkts, 510u);
	/* and it goes on normally */
	ASSERT_EQ(dir.push(tk.next()), 1);
	EXPECT_FALSE(dir.sent.back().marker);
	EXPECT_EQ(dir.sent.back().ts - now.ts, 160u);
}

/* A jump past RFC 3550's MAX_DROPOUT waits for a second packet. */
TEST(XcodeLoss, SequenceJumpNeedsConfirmation)
{
	vg_xcode_params p = vgt::params(VG_CODEC_PCMU, PT_PCMU, 20,
			VG_CODEC_PCMA, PT_PCMA, 20);
	Dir dir(p);
	Talker tk(VG_CODEC_PCMU, PT_PCMU, 20);

	ASSERT_EQ(dir.create_rc(), 0);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(dir.push(tk.next()), 1);
	tk.seq += 20000;
	tk.ts += 123456;
	/* a stray packet: dropped, and the stream is not disturbed */
	EXPECT_EQ(dir.push(tk.next()), -EAGAIN);
	tk.seq -= 20001;
	tk.ts -= 123456 + 160;
	ASSERT_EQ(dir.push(tk.next()), 1);
	EXPECT_FALSE(dir.sent.back().marker);
	/* a real restart: two in a row */
	tk.seq += 20000;
	EXPECT_EQ(dir.push(tk.next()), -EAGAIN);
	ASSERT_EQ(dir.push(tk.next()), 1);
	EXPECT_TRUE(dir.sent.back().marker);
	vgt::expect_continuous(dir.sent, 160);
	EXPECT_EQ(vg_xcode_drop_name(-EAGAIN), std::string("seq_jump"));
}

TEST(XcodeLoss, DuplicatesAndLatePacketsDropped)
{
	vg_xcode_params p = vgt::params(VG_CODEC_PCMU, PT_PCMU, 20,
			VG_CODEC_G729, PT_G729, 20);
	Dir dir(p);
	Talker tk(VG_CODEC_PCMU, PT_PCMU, 20);
	std::vector<std::vector<uint8_t>> pkts;

	ASSERT_EQ(dir.create_rc(), 0);
	for (int i = 0; i < 6; i++)
		pkts.push_back(tk.next());
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(dir.push(pkts[(size_t)i]), 1);
	EXPECT_EQ(dir.push(pkts[3]), -EALREADY);   /* duplicate */
	EXPECT_EQ(dir.push(pkts[1]), -EALREADY);   /* old */
	/* 5 arrives before 4: 4 is concealed, then dropped when late */
	ASSERT_EQ(dir.push(pkts[5]), 2);
	EXPECT_EQ(dir.push(pkts[4]), -EALREADY);
	EXPECT_EQ(dir.sent.size(), 6u);
	vgt::expect_continuous(dir.sent, 160);
	EXPECT_EQ(vg_xcode_drop_name(-EALREADY), std::string("old"));
	EXPECT_EQ(dir.stats().in_pkts, 5u);
}

/* New SSRC: decoder restarted, our stream continues without a jump. */
TEST(XcodeLoss, SsrcChangeRestartsDecoderOnly)
{
	/* map mode, G.729 (spare context), Opus, G.722 (resampler reset) */
	for (vg_cfg_codec in : { VG_CODEC_PCMA, VG_CODEC_G729,
			VG_CODEC_OPUS, VG_CODEC_G722 }) {
		uint8_t pt = in == VG_CODEC_PCMA ? PT_PCMA :
			in == VG_CODEC_G729 ? PT_G729 :
			in == VG_CODEC_G722 ? 9 : PT_OPUS;
		vg_xcode_params p = vgt::params(in, pt, 20, VG_CODEC_PCMU,
				PT_PCMU, 20);
		Dir dir(p);
		Talker a(in, pt, 20, 0x11111111, 100, 1000);
		Talker b(in, pt, 20, 0x22222222, 60000, 0xfffff000u);

		ASSERT_EQ(dir.create_rc(), 0);
		for (int i = 0; i < 5; i++)
			ASSERT_EQ(dir.push(a.next()), 1);
		for (int i = 0; i < 5; i++)
			ASSERT_EQ(dir.push(b.next()), 1);
		/* the old one again: another change, still continuous */
		ASSERT_EQ(dir.push(a.next()), 1);
		vgt::expect_continuous(dir.sent, 160);
		EXPECT_TRUE(dir.sent[5].marker);
		EXPECT_FALSE(dir.sent[6].marker);
		EXPECT_TRUE(dir.sent[10].marker);
		for (const Out &o : dir.sent)
			EXPECT_EQ(o.ssrc, p.out_ssrc);
		EXPECT_EQ(dir.stats().ssrc_changes, 2u);
		EXPECT_EQ(dir.stats().concealed_ms, 0u);
	}
}

/* Timestamps going back while the sequence goes on: followed. */
TEST(XcodeLoss, TimestampsBackwardsAreFollowed)
{
	vg_xcode_params p = vgt::params(VG_CODEC_PCMU, PT_PCMU, 20,
			VG_CODEC_PCMA, PT_PCMA, 20);
	Dir dir(p);
	Talker tk(VG_CODEC_PCMU, PT_PCMU, 20);

	ASSERT_EQ(dir.create_rc(), 0);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(dir.push(tk.next()), 1);
	tk.ts -= 5000;
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(dir.push(tk.next()), 1);
	vgt::expect_continuous(dir.sent, 160);
	EXPECT_TRUE(dir.sent[3].marker);
}

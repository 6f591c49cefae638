/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Transcoding directions: re-packetisation between ptimes, output
 * numbering (seq, timestamps, SSRC, marker), the G.711 byte map, and the
 * audio surviving decode/resample/encode.
 */
#include <vector>

#include <gtest/gtest.h>

#include "codec_test_util.h"

using vgt::Dir;
using vgt::Out;
using vgt::Talker;

namespace {

const uint8_t PT_PCMU = 0, PT_PCMA = 8, PT_G729 = 18, PT_G722 = 9;
const uint8_t PT_OPUS = 111;

/* The input payloads' bytes, concatenated. */
std::vector<uint8_t>
bytes_of(const std::vector<std::vector<uint8_t>> &pkts)
{
	std::vector<uint8_t> b;

	for (const auto &p : pkts)
		b.insert(b.end(), p.begin() + 12, p.end());
	return b;
}

std::vector<uint8_t>
payloads_of(const std::vector<Out> &out)
{
	std::vector<uint8_t> b;

	for (const Out &o : out)
		b.insert(b.end(), o.pl.begin(), o.pl.end());
	return b;
}

/*
 * G.711 -> G.711: push n packets of in_ms, expect the per-push counts,
 * numbering, and output bytes equal to the direct map of the input.
 */
void
g711_repack(vg_cfg_codec in, uint8_t in_ms, vg_cfg_codec out,
		uint8_t out_ms, unsigned int n,
		const std::vector<int> &counts)
{
	vg_xcode_params p = vgt::params(in,
			in == VG_CODEC_PCMU ? PT_PCMU : PT_PCMA, in_ms, out,
			out == VG_CODEC_PCMU ? PT_PCMU : PT_PCMA, out_ms);
	Dir dir(p);
	Talker tk(in, p.in_pt, in_ms);
	std::vector<std::vector<uint8_t>> pkts;

	ASSERT_EQ(dir.create_rc(), 0);
	for (unsigned int i = 0; i < n; i++) {
		pkts.push_back(tk.next(i == 0));
		EXPECT_EQ(dir.push(pkts.back()), counts[i % counts.size()])
			<< "push " << i;
	}
	ASSERT_FALSE(dir.sent.empty());
	/* numbering: from the configured start, consecutive, one ptime */
	EXPECT_EQ(dir.sent[0].seq, p.out_seq_start);
	EXPECT_EQ(dir.sent[0].ts, p.out_ts_start);
	vgt::expect_continuous(dir.sent, 8u * out_ms);
	for (size_t i = 0; i < dir.sent.size(); i++) {
		EXPECT_EQ(dir.sent[i].ssrc, p.out_ssrc);
		EXPECT_EQ(dir.sent[i].pt, p.out_pt);
		EXPECT_EQ(dir.sent[i].marker, i == 0) << "packet " << i;
		EXPECT_EQ(dir.sent[i].pl.size(), 8u * out_ms);
	}
	/* G.711 to G.711 is a byte map: the exact bytes, no linear step */
	std::vector<uint8_t> want = bytes_of(pkts);
	if (in != out)
		vg_g711_transcode(in, want.data(), want.data(), want.size());
	want.resize(dir.sent.size() * 8u * out_ms);
	EXPECT_EQ(payloads_of(dir.sent), want);
}

} // namespace

TEST(XcodeRepack, Ptime20To40KeepsHalfThenSends)
{
	g711_repack(VG_CODEC_PCMU, 20, VG_CODEC_PCMA, 40, 10, { 0, 1 });
}

TEST(XcodeRepack, Ptime40To20SendsTwo)
{
	g711_repack(VG_CODEC_PCMU, 40, VG_CODEC_PCMA, 20, 6, { 2 });
}

TEST(XcodeRepack, Ptime20To30)
{
	/* 20, 40 -> one 30 (10 left), 30 -> one (0 left) */
	g711_repack(VG_CODEC_PCMA, 20, VG_CODEC_PCMU, 30, 9, { 0, 1, 1 });
}

TEST(XcodeRepack, Ptime10To60)
{
	g711_repack(VG_CODEC_PCMA, 10, VG_CODEC_PCMU, 60, 12,
			{ 0, 0, 0, 0, 0, 1 });
}

TEST(XcodeRepack, EqualPtimeIsOneForOne)
{
	g711_repack(VG_CODEC_PCMU, 20, VG_CODEC_PCMA, 20, 5, { 1 });
	g711_repack(VG_CODEC_PCMA, 30, VG_CODEC_PCMU, 30, 5, { 1 });
}

/* Transcoded pairs: numbering at the output codec's clock. */
TEST(XcodeRepack, LinearPairsNumbering)
{
	struct Case {
		vg_cfg_codec in;
		uint8_t in_pt, in_ms;
		vg_cfg_codec out;
		uint8_t out_pt, out_ms;
		uint32_t ts_step;
		std::vector<int> counts;
	} cases[] = {
		/* G.722: 16 kHz audio on an 8000 Hz clock */
		{ VG_CODEC_PCMU, PT_PCMU, 20, VG_CODEC_G722, PT_G722, 40, 320,
			{ 0, 1 } },
		{ VG_CODEC_G722, PT_G722, 20, VG_CODEC_PCMU, PT_PCMU, 20, 160,
			{ 1 } },
		/* Opus: clock 48000 whatever it codes */
		{ VG_CODEC_PCMA, PT_PCMA, 20, VG_CODEC_OPUS, PT_OPUS, 20, 960,
			{ 1 } },
		{ VG_CODEC_PCMA, PT_PCMA, 20, VG_CODEC_OPUS, PT_OPUS, 30, 1440,
			{ 0, 1, 1 } },
		{ VG_CODEC_OPUS, PT_OPUS, 20, VG_CODEC_G729, PT_G729, 40, 320,
			{ 0, 1 } },
		{ VG_CODEC_G729, PT_G729, 40, VG_CODEC_G722, PT_G722, 20, 160,
			{ 2 } },
		{ VG_CODEC_PCMU, PT_PCMU, 10, VG_CODEC_G729, PT_G729, 60, 480,
			{ 0, 0, 0, 0, 0, 1 } },
	};

	for (const Case &c : cases) {
		vg_xcode_params p = vgt::params(c.in, c.in_pt, c.in_ms, c.out,
				c.out_pt, c.out_ms);
		Dir dir(p);
		Talker tk(c.in, c.in_pt, c.in_ms);

		ASSERT_EQ(dir.create_rc(), 0);
		for (unsigned int i = 0; i < 12; i++) {
			EXPECT_EQ(dir.push(tk.next(i == 0)),
					c.counts[i % c.counts.size()])
				<< vg_codec_info(c.in)->name << ">"
				<< vg_codec_info(c.out)->name << " push " << i;
		}
		ASSERT_FALSE(dir.sent.empty());
		vgt::expect_continuous(dir.sent, c.ts_step);
		for (size_t i = 0; i < dir.sent.size(); i++) {
			EXPECT_EQ(dir.sent[i].ssrc, p.out_ssrc);
			EXPECT_EQ(dir.sent[i].pt, c.out_pt);
			EXPECT_EQ(dir.sent[i].marker, i == 0);
			/* the payload says how long it is: one out ptime */
			EXPECT_EQ(vg_codec_payload_ticks(c.out,
					dir.sent[i].pl.data(),
					dir.sent[i].pl.size()), (int)c.ts_step);
		}
	}
}

/*
 * The audio itself survives each kind of path: decode the output and
 * compare with the talker's signal (after its codec and ours).
 */
TEST(XcodeRepack, AudioSurvivesTranscoding)
{
	struct Case {
		vg_cfg_codec in;
		uint8_t in_pt;
		vg_cfg_codec out;
		uint8_t out_pt;
		uint32_t out_rate;
		double min_corr;
	} cases[] = {
		/* measured 0.960, 0.993, 1.000, 0.889: floors with margin */
		{ VG_CODEC_PCMA, PT_PCMA, VG_CODEC_OPUS, PT_OPUS, 8000, 0.92 },
		{ VG_CODEC_G722, PT_G722, VG_CODEC_PCMU, PT_PCMU, 8000, 0.96 },
		{ VG_CODEC_PCMU, PT_PCMU, VG_CODEC_G722, PT_G722, 16000, 0.96 },
		{ VG_CODEC_PCMU, PT_PCMU, VG_CODEC_G729, PT_G729, 8000, 0.8 },
	};

	for (const Case &c : cases) {
		vg_xcode_params p = vgt::params(c.in, c.in_pt, 20, c.out,
				c.out_pt, 20);
		Dir dir(p);
		Talker tk(c.in, c.in_pt, 20);

		ASSERT_EQ(dir.create_rc(), 0);
		for (unsigned int i = 0; i < 100; i++)
			ASSERT_EQ(dir.push(tk.next()), 1);
		std::vector<int16_t> out = vgt::decode_all(c.out, c.out_rate,
				dir.sent);
		/*
		 * Compare at the lower of the two rates: the talker's signal
		 * is at its codec's rate (G.722 vs 8 kHz differ by 2).
		 */
		uint32_t in_rate = vg_codec_info(c.in)->audio_rate;
		uint32_t rate = in_rate < c.out_rate ? in_rate : c.out_rate;
		std::vector<int16_t> ref, got;
		for (size_t i = 0; i * c.out_rate / rate < out.size(); i++) {
			got.push_back(out[i * c.out_rate / rate]);
			ref.push_back(tk.sig[(i * in_rate / rate) %
					tk.sig.size()]);
		}
		size_t from = rate / 2, to = rate * 19 / 10;
		long lag = vgt::best_lag(ref, got, rate / 25, from, to);
		double corr = vgt::corr_at(ref, got, lag, from, to);
		std::printf("  %s>%s: lag %ld corr %.3f\n",
				vg_codec_info(c.in)->name,
				vg_codec_info(c.out)->name, lag, corr);
		EXPECT_GT(corr, c.min_corr) << vg_codec_info(c.in)->name
			<< ">" << vg_codec_info(c.out)->name;
	}
}

/* Talkspurts: marker after an input marker and after silence (DTX). */
TEST(XcodeRepack, MarkerAndSilence)
{
	vg_xcode_params p = vgt::params(VG_CODEC_PCMU, PT_PCMU, 20,
			VG_CODEC_PCMA, PT_PCMA, 20);
	Dir dir(p);
	Talker tk(VG_CODEC_PCMU, PT_PCMU, 20);

	ASSERT_EQ(dir.create_rc(), 0);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(dir.push(tk.next(i == 0)), 1);
	/* 1 s of silence, then a talkspurt: same gap on our side */
	tk.silence(50);
	ASSERT_EQ(dir.push(tk.next(true)), 1);
	ASSERT_EQ(dir.push(tk.next()), 1);
	/* a marker without a gap is passed on too */
	ASSERT_EQ(dir.push(tk.next(true)), 1);
	ASSERT_EQ(dir.sent.size(), 6u);
	EXPECT_TRUE(dir.sent[0].marker);
	EXPECT_FALSE(dir.sent[1].marker);
	EXPECT_FALSE(dir.sent[2].marker);
	EXPECT_TRUE(dir.sent[3].marker);
	EXPECT_FALSE(dir.sent[4].marker);
	EXPECT_TRUE(dir.sent[5].marker);
	EXPECT_EQ(dir.sent[3].ts - dir.sent[2].ts, 160u + 50 * 160);
	EXPECT_EQ((uint16_t)(dir.sent[3].seq - dir.sent[2].seq), 1);
	EXPECT_EQ(dir.stats().dtx_jumps, 1u);
}

/*
 * 20 -> 40 with silence: the half packet waiting is padded and sent
 * when the silence shows, and the next talkspurt's timestamp is where
 * the input's says (the padding is taken off the jump).
 */
TEST(XcodeRepack, SilenceFlushesPartialPacket)
{
	vg_xcode_params p = vgt::params(VG_CODEC_PCMU, PT_PCMU, 20,
			VG_CODEC_PCMA, PT_PCMA, 40);
	Dir dir(p);
	Talker tk(VG_CODEC_PCMU, PT_PCMU, 20);
	uint32_t in0 = tk.ts;

	ASSERT_EQ(dir.create_rc(), 0);
	EXPECT_EQ(dir.push(tk.next(true)), 0);
	EXPECT_EQ(dir.push(tk.next()), 1);
	EXPECT_EQ(dir.push(tk.next()), 0);
	tk.silence(50);
	uint32_t in_spurt = tk.ts;
	/* the waiting 20 ms go out, padded to 40 */
	EXPECT_EQ(dir.push(tk.next(true)), 1);
	EXPECT_EQ(dir.push(tk.next()), 1);
	ASSERT_EQ(dir.sent.size(), 3u);
	const std::vector<uint8_t> &padded = dir.sent[1].pl;
	ASSERT_EQ(padded.size(), 320u);
	for (size_t i = 160; i < 320; i++)
		EXPECT_EQ(padded[i], vg_g711_alaw_enc(0));
	EXPECT_TRUE(dir.sent[2].marker);
	EXPECT_EQ(dir.sent[2].ts - dir.sent[0].ts, in_spurt - in0);
	vgt::expect_continuous({ dir.sent[0], dir.sent[1] }, 320);
	EXPECT_EQ((uint16_t)(dir.sent[2].seq - dir.sent[1].seq), 1);

	/* flush() sends what waits, padded */
	EXPECT_EQ(dir.push(tk.next()), 0);
	EXPECT_EQ(dir.flush(), 1);
	EXPECT_EQ(dir.flush(), 0);
	EXPECT_EQ(dir.sent.back().pl.size(), 320u);
}

/* 120 ms in one packet, 10 ms out: twelve packets from one push. */
TEST(XcodeRepack, LongPacketManyOut)
{
	vg_xcode_params p = vgt::params(VG_CODEC_G729, PT_G729, 0,
			VG_CODEC_PCMU, PT_PCMU, 10);
	Dir dir(p);
	Talker tk(VG_CODEC_G729, PT_G729, 120);

	ASSERT_EQ(dir.create_rc(), 0);
	EXPECT_EQ(dir.push(tk.next()), 12);
	EXPECT_EQ(dir.push(tk.next()), 12);
	vgt::expect_continuous(dir.sent, 80);
}

/* A caller with too small an array: bounded queue, oldest dropped. */
TEST(XcodeRepack, SmallOutArrayDropsOldest)
{
	vg_xcode_params p = vgt::params(VG_CODEC_G729, PT_G729, 0,
			VG_CODEC_PCMU, PT_PCMU, 10);
	Dir dir(p);
	Talker tk(VG_CODEC_G729, PT_G729, 120);

	ASSERT_EQ(dir.create_rc(), 0);
	for (int i = 0; i < 10; i++)
		EXPECT_EQ(dir.push(tk.next(), 2), 2);
	EXPECT_GT(dir.stats().fifo_drops, 0u);
	/* what is sent stays numbered in order; time still passes */
	for (size_t i = 1; i < dir.sent.size(); i++) {
		EXPECT_EQ((uint16_t)(dir.sent[i - 1].seq + 1), dir.sent[i].seq);
		EXPECT_GT((int32_t)(dir.sent[i].ts - dir.sent[i - 1].ts), 0);
	}
	/* with room again the queue drains */
	EXPECT_GE(dir.push(tk.next()), 12);
}

/*
 * Map mode takes a short path for the steady packet (plain header, the
 * expected numbering, one whole frame). The same stream with a header
 * extension on every packet always takes the general path: both must
 * write the same packets and count the same things, through a marker,
 * a loss, silence, a duplicate and a new source.
 */
TEST(XcodeRepack, SteadyPathMatchesGeneralPath)
{
	vg_xcode_params p = vgt::params(VG_CODEC_PCMU, PT_PCMU, 20,
			VG_CODEC_PCMA, PT_PCMA, 20);
	Dir fast(p), slow(p);
	Talker tk(VG_CODEC_PCMU, PT_PCMU, 20);
	auto both = [&](const std::vector<uint8_t> &pkt) {
		std::vector<uint8_t> ext(pkt.begin(), pkt.begin() + 12);
		static const uint8_t no_words[4] = { 0xbe, 0xde, 0, 0 };

		/* RFC 3550 s5.3.1: X bit, a profile word, zero words */
		ext[0] |= 0x10;
		ext.insert(ext.end(), no_words, no_words + 4);
		ext.insert(ext.end(), pkt.begin() + 12, pkt.end());
		EXPECT_EQ(fast.push(pkt), slow.push(ext));
	};

	ASSERT_EQ(fast.create_rc(), 0);
	ASSERT_EQ(slow.create_rc(), 0);
	for (int i = 0; i < 5; i++)
		both(tk.next(i == 0));
	std::vector<uint8_t> again = tk.next();
	both(again);
	both(again);                  /* duplicate */
	tk.lose(2);                   /* concealed */
	for (int i = 0; i < 3; i++)
		both(tk.next());
	tk.silence(4);                /* DTX jump, marker */
	both(tk.next(true));
	both(tk.next());
	tk.ssrc ^= 0x5a5a;            /* a new source */
	tk.seq += 7000;
	for (int i = 0; i < 3; i++)
		both(tk.next());

	ASSERT_EQ(fast.sent.size(), slow.sent.size());
	ASSERT_GT(fast.sent.size(), 12u);
	for (size_t i = 0; i < fast.sent.size(); i++) {
		const Out &a = fast.sent[i], &b = slow.sent[i];

		EXPECT_EQ(a.marker, b.marker) << "packet " << i;
		EXPECT_EQ(a.pt, b.pt) << "packet " << i;
		EXPECT_EQ(a.seq, b.seq) << "packet " << i;
		EXPECT_EQ(a.ts, b.ts) << "packet " << i;
		EXPECT_EQ(a.ssrc, b.ssrc) << "packet " << i;
		EXPECT_EQ(a.pl, b.pl) << "packet " << i;
	}
	vg_xcode_stats sa = fast.stats(), sb = slow.stats();
	EXPECT_EQ(sa.in_pkts, sb.in_pkts);
	EXPECT_EQ(sa.out_pkts, sb.out_pkts);
	EXPECT_EQ(sa.lost_pkts, 2u);
	EXPECT_EQ(sb.lost_pkts, 2u);
	EXPECT_EQ(sa.concealed_ms, sb.concealed_ms);
	EXPECT_EQ(sa.dtx_jumps, sb.dtx_jumps);
	EXPECT_EQ(sa.ssrc_changes, 1u);
	EXPECT_EQ(sb.ssrc_changes, 1u);
}

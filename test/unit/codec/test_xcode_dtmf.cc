/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file RFC 4733 telephone-events through a transcoding direction: never
 * audio, payload type mapped, timestamp and durations on the output's
 * clock and timeline, sequence continuing ours.
 */
#include <vector>

#include <gtest/gtest.h>

#include "codec_test_util.h"

using vgt::Dir;
using vgt::Out;
using vgt::Talker;

namespace {

const uint8_t PT_PCMU = 0, PT_OPUS = 111;
const uint8_t PT_EV_IN = 101, PT_EV_OUT = 96;

/* RFC 4733 s2.3 payload: event, E bit, volume, duration. */
std::vector<uint8_t>
event(uint8_t code, bool end, uint8_t volume, uint16_t duration)
{
	return { code, (uint8_t)((end ? 0x80 : 0) | (volume & 0x3f)),
		(uint8_t)(duration >> 8), (uint8_t)duration };
}

uint16_t
duration_of(const Out &o)
{
	return (uint16_t)(o.pl[2] << 8 | o.pl[3]);
}

} // namespace

/*
 * PCMU @8000 with events PT 101 in; Opus @48000 with events PT 96 out.
 * A digit of 100 ms: start (marker), updates every 20 ms, three end
 * packets; audio before and after.
 */
TEST(XcodeDtmf, EventsMappedTo48k)
{
	vg_xcode_params p = vgt::params(VG_CODEC_PCMU, PT_PCMU, 20,
			VG_CODEC_OPUS, PT_OPUS, 20);
	p.in_dtmf_pt = PT_EV_IN;
	p.out_dtmf_pt = PT_EV_OUT;
	Dir dir(p);
	Talker tk(VG_CODEC_PCMU, PT_PCMU, 20);

	ASSERT_EQ(dir.create_rc(), 0);
	for (int i = 0; i < 5; i++)
		ASSERT_EQ(dir.push(tk.next(i == 0)), 1);
	Out last_audio = dir.sent.back();

	/* the event starts where the audio would go on (ts unchanged) */
	uint32_t ev_ts = tk.ts;
	for (int k = 1; k <= 5; k++) {
		ASSERT_EQ(dir.push(vgt::rtp(PT_EV_IN, tk.seq++, ev_ts, tk.ssrc,
				event(5, false, 10, (uint16_t)(160 * k)),
				k == 1)), 1);
	}
	for (int k = 0; k < 3; k++)   /* s2.5.1.4: end sent three times */
		ASSERT_EQ(dir.push(vgt::rtp(PT_EV_IN, tk.seq++, ev_ts,
				tk.ssrc, event(5, true, 10, 800))), 1);
	/* audio resumes after the digit */
	tk.silence(5);
	ASSERT_EQ(dir.push(tk.next()), 1);

	ASSERT_EQ(dir.sent.size(), 5u + 8 + 1);
	std::vector<Out> ev(dir.sent.begin() + 5, dir.sent.begin() + 13);
	uint32_t want_ts = last_audio.ts + 960;  /* our next audio ts */
	for (size_t i = 0; i < ev.size(); i++) {
		const Out &o = ev[i];

		EXPECT_EQ(o.pt, PT_EV_OUT);
		EXPECT_EQ(o.ssrc, p.out_ssrc);
		ASSERT_EQ(o.pl.size(), 4u);
		EXPECT_EQ(o.pl[0], 5);                       /* digit */
		EXPECT_EQ(o.pl[1] & 0x3f, 10);               /* volume */
		EXPECT_EQ((o.pl[1] & 0x80) != 0, i >= 5);    /* E bit */
		EXPECT_EQ(o.marker, i == 0);
		EXPECT_EQ(o.ts, want_ts) << "event packet " << i;
		/* 8000 -> 48000: durations x 6 */
		EXPECT_EQ(duration_of(o), i < 5 ? 960 * (i + 1) : 4800);
	}
	/* one sequence for audio and events */
	for (size_t i = 1; i < dir.sent.size(); i++)
		EXPECT_EQ((uint16_t)(dir.sent[i - 1].seq + 1), dir.sent[i].seq);
	/* no audio from events; audio after the digit, 100 ms on */
	const Out &after = dir.sent.back();
	EXPECT_EQ(after.pt, PT_OPUS);
	EXPECT_EQ(after.ts, want_ts + 4800);
	EXPECT_TRUE(after.marker);
	EXPECT_EQ(dir.stats().dtmf_pkts, 8u);
}

/* Audio goes on during the event: both flow, the event's ts is fixed. */
TEST(XcodeDtmf, AudioBetweenEventPackets)
{
	vg_xcode_params p = vgt::params(VG_CODEC_PCMU, PT_PCMU, 20,
			VG_CODEC_OPUS, PT_OPUS, 20);
	p.in_dtmf_pt = PT_EV_IN;
	p.out_dtmf_pt = PT_EV_OUT;
	Dir dir(p);
	Talker tk(VG_CODEC_PCMU, PT_PCMU, 20);

	ASSERT_EQ(dir.create_rc(), 0);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(dir.push(tk.next()), 1);
	uint32_t ev_ts = tk.ts;
	uint32_t out_ev_ts = dir.sent.back().ts + 960;
	std::vector<uint32_t> ev_out_ts;
	for (int k = 1; k <= 4; k++) {
		ASSERT_EQ(dir.push(vgt::rtp(PT_EV_IN, tk.seq++, ev_ts, tk.ssrc,
				event(11, k == 4, 20, (uint16_t)(160 * k)),
				k == 1)), 1);
		ev_out_ts.push_back(dir.sent.back().ts);
		ASSERT_EQ(dir.push(tk.next()), 1);
		EXPECT_EQ(dir.sent.back().pt, PT_OPUS);
	}
	for (uint32_t t : ev_out_ts)
		EXPECT_EQ(t, out_ev_ts);
	/* the audio timeline is untouched by the events */
	std::vector<Out> audio;
	for (const Out &o : dir.sent)
		if (o.pt == PT_OPUS)
			audio.push_back(o);
	EXPECT_EQ(audio.size(), 7u);
	for (size_t i = 1; i < audio.size(); i++)
		EXPECT_EQ(audio[i].ts - audio[i - 1].ts, 960u);
}

/* Opus @48000 in, PCMU @8000 out: durations / 6, multi-event payload. */
TEST(XcodeDtmf, EventsMappedFrom48k)
{
	vg_xcode_params p = vgt::params(VG_CODEC_OPUS, PT_OPUS, 20,
			VG_CODEC_PCMU, PT_PCMU, 20);
	p.in_dtmf_pt = 100;
	p.out_dtmf_pt = 101;
	Dir dir(p);
	Talker tk(VG_CODEC_OPUS, PT_OPUS, 20);

	ASSERT_EQ(dir.create_rc(), 0);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(dir.push(tk.next()), 1);
	std::vector<uint8_t> pl = event(1, true, 7, 4800);
	std::vector<uint8_t> second = event(2, false, 7, 960);
	pl.insert(pl.end(), second.begin(), second.end());
	ASSERT_EQ(dir.push(vgt::rtp(100, tk.seq++, tk.ts, tk.ssrc, pl, true)),
			1);
	const Out &o = dir.sent.back();
	EXPECT_EQ(o.pt, 101);
	ASSERT_EQ(o.pl.size(), 8u);
	EXPECT_EQ(duration_of(o), 800);
	EXPECT_EQ(o.pl[6] << 8 | o.pl[7], 160);
	EXPECT_EQ(o.ts, dir.sent[2].ts + 160);
}

TEST(XcodeDtmf, NotNegotiatedOrMalformed)
{
	vg_xcode_params p = vgt::params(VG_CODEC_PCMU, PT_PCMU, 20,
			VG_CODEC_PCMA, 8, 20);
	Talker tk(VG_CODEC_PCMU, PT_PCMU, 20);

	{
		/* no events in: an unknown payload type */
		Dir dir(p);
		ASSERT_EQ(dir.create_rc(), 0);
		EXPECT_EQ(dir.push(vgt::rtp(PT_EV_IN, 1, 0, 1,
				event(1, false, 0, 160))), -ENOMSG);
	}
	p.in_dtmf_pt = PT_EV_IN;
	{
		/* events in, none out: dropped with their own reason */
		Dir dir(p);
		ASSERT_EQ(dir.create_rc(), 0);
		EXPECT_EQ(dir.push(vgt::rtp(PT_EV_IN, 1, 0, 1,
				event(1, false, 0, 160))), -ENOTSUP);
		EXPECT_EQ(vg_xcode_drop_name(-ENOTSUP),
				std::string("no_dtmf_out"));
	}
	p.out_dtmf_pt = PT_EV_OUT;
	{
		Dir dir(p);
		ASSERT_EQ(dir.create_rc(), 0);
		std::vector<uint8_t> three = { 1, 0, 0 };
		EXPECT_EQ(dir.push(vgt::rtp(PT_EV_IN, 1, 0, 1, three)),
				-EBADMSG);
		EXPECT_EQ(dir.push(vgt::rtp(PT_EV_IN, 1, 0, 1, {})), -EBADMSG);
		/* a first packet that is an event is fine */
		EXPECT_EQ(dir.push(vgt::rtp(PT_EV_IN, 2, 0, 1,
				event(1, false, 0, 160), true)), 1);
		/* and its duplicate is not */
		EXPECT_EQ(dir.push(vgt::rtp(PT_EV_IN, 2, 0, 1,
				event(1, false, 0, 160), true)), -EALREADY);
		/* no room in the caller's array: nothing written */
		EXPECT_EQ(dir.push(vgt::rtp(PT_EV_IN, 3, 0, 1,
				event(1, false, 0, 320)), 0), 0);
	}
}

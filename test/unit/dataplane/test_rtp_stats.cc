/* SPDX-License-Identifier: BSD-3-Clause */
/** @file RFC 3550 appendix A statistics on known sequences. */
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>

#include "rtp_stats_pvt.h"

namespace {

struct vg_rtp_seq
fresh()
{
	struct vg_rtp_seq s;

	std::memset(&s, 0, sizeof(s));
	return s;
}

} // namespace

TEST(RtpSeq, ProbationThenCounting)
{
	struct vg_rtp_seq s = fresh();

	EXPECT_FALSE(vg_rtp_seq_update(&s, 100)); /* probation */
	EXPECT_TRUE(vg_rtp_seq_update(&s, 101));  /* valid, base 101 */
	EXPECT_EQ(s.base_seq, 101u);
	EXPECT_EQ(s.received, 1u);
	for (uint16_t q = 102; q <= 200; q++)
		EXPECT_TRUE(vg_rtp_seq_update(&s, q));
	EXPECT_EQ(s.received, 100u);
	EXPECT_EQ(vg_rtp_expected(&s), 100u);
	EXPECT_EQ(vg_rtp_lost(&s), 0);
	EXPECT_EQ(s.gaps, 0u);
}

TEST(RtpSeq, ProbationRestartsOnDisorder)
{
	struct vg_rtp_seq s = fresh();

	EXPECT_FALSE(vg_rtp_seq_update(&s, 10));
	EXPECT_FALSE(vg_rtp_seq_update(&s, 50)); /* not 11: probation again */
	EXPECT_TRUE(vg_rtp_seq_update(&s, 51));
	EXPECT_EQ(s.base_seq, 51u);
}

TEST(RtpSeq, LossAndGaps)
{
	struct vg_rtp_seq s = fresh();

	vg_rtp_seq_update(&s, 0);
	for (uint16_t q = 1; q <= 100; q++)
		if (q != 10 && q != 20 && q != 21)
			vg_rtp_seq_update(&s, q);
	/* base 1, max 100: 100 expected, 97 received */
	EXPECT_EQ(vg_rtp_expected(&s), 100u);
	EXPECT_EQ(s.received, 97u);
	EXPECT_EQ(vg_rtp_lost(&s), 3);
	EXPECT_EQ(s.gaps, 2u);
	/* a duplicate makes the loss estimate go down (A.3) */
	vg_rtp_seq_update(&s, 100);
	EXPECT_EQ(vg_rtp_lost(&s), 2);
	/* a late packet is counted without moving max */
	vg_rtp_seq_update(&s, 10);
	EXPECT_EQ(vg_rtp_ext_max(&s), 100u);
	EXPECT_EQ(vg_rtp_lost(&s), 1);
}

TEST(RtpSeq, WrapExtendsSequence)
{
	struct vg_rtp_seq s = fresh();

	vg_rtp_seq_update(&s, 65529);
	for (uint32_t q = 65530; q < 65536 + 5; q++)
		EXPECT_TRUE(vg_rtp_seq_update(&s, (uint16_t)q));
	EXPECT_EQ(s.cycles, 65536u);
	EXPECT_EQ(vg_rtp_ext_max(&s), 65536u + 4);
	EXPECT_EQ(vg_rtp_expected(&s), 11u);
	EXPECT_EQ(vg_rtp_lost(&s), 0);
}

TEST(RtpSeq, LargeJumpResyncsOnSecondPacket)
{
	struct vg_rtp_seq s = fresh();

	vg_rtp_seq_update(&s, 999);
	vg_rtp_seq_update(&s, 1000);
	EXPECT_FALSE(vg_rtp_seq_update(&s, 40000)); /* a stray */
	EXPECT_EQ(s.received, 1u);
	EXPECT_TRUE(vg_rtp_seq_update(&s, 40001)); /* the source restarted */
	EXPECT_EQ(s.resets, 1u);
	EXPECT_EQ(s.base_seq, 40001u);
	EXPECT_EQ(s.received, 1u);
	EXPECT_EQ(vg_rtp_lost(&s), 0);
}

TEST(RtpJitter, ConstantTransitIsZero)
{
	struct vg_rtp_seq s = fresh();

	for (uint32_t i = 0; i < 50; i++)
		vg_rtp_jitter_update(&s, 5000 + 160 * i, 123456 + 160 * i);
	EXPECT_EQ(s.jitter_q4 >> 4, 0u);
}

/* A.8 in floating point, the reference for the integer version. */
TEST(RtpJitter, MatchesFloatingPointReference)
{
	struct vg_rtp_seq s = fresh();
	double j = 0;
	int32_t prev = 0;
	unsigned int seed = 7;

	for (uint32_t i = 0; i < 500; i++) {
		uint32_t ts = 0xfffff000u + 160 * i; /* wraps */
		uint32_t arrival = 1000 + 160 * i +
			(uint32_t)(rand_r(&seed) % 80);
		int32_t transit = (int32_t)(arrival - ts);

		if (i > 0)
			j += (std::fabs((double)(transit - prev)) - j) / 16;
		prev = transit;
		vg_rtp_jitter_update(&s, arrival, ts);
	}
	EXPECT_NEAR(s.jitter_q4 / 16.0, j, 1.0);
	EXPECT_GT(j, 10.0);
}

/* Timestamps that jump by up to 2^31 either way (garbage, an attack):
 * the differences are taken modulo 2^32 (the sanitized build fails on a
 * signed overflow here), |D| is clamped, and J stays at the clamp. */
TEST(RtpJitter, WildTimestampsStayDefinedAndBounded)
{
	struct vg_rtp_seq s = fresh();
	const uint32_t ts[] = {0, 0x80000000u, 0x7fffffffu, 0x80000001u,
		0xffffffffu, 1, 0x80000000u, 0};

	for (uint32_t k = 0; k < 100; k++)
		for (uint32_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++)
			vg_rtp_jitter_update(&s, 160 * k, ts[i]);
	EXPECT_LE(s.jitter_q4 >> 4, VG_RTP_JITTER_D_MAX);
	EXPECT_GT(s.jitter_q4 >> 4, VG_RTP_JITTER_D_MAX / 2);
	/* a stream in order afterwards: J decays back toward 0 */
	for (uint32_t i = 0; i < 2000; i++)
		vg_rtp_jitter_update(&s, 160 * i, 160 * i);
	EXPECT_LT(s.jitter_q4 >> 4, 1000u);
}

TEST(RtpJitter, KnownAlternatingDelay)
{
	struct vg_rtp_seq s = fresh();

	/* arrival alternates 0 / +32 around the ideal: |D| = 32 always,
	 * so J -> 32 (A.8 converges to the mean |D|) */
	for (uint32_t i = 0; i < 400; i++)
		vg_rtp_jitter_update(&s, 160 * i + (i & 1 ? 32 : 0), 160 * i);
	EXPECT_NEAR((double)(s.jitter_q4 >> 4), 32.0, 1.0);
}

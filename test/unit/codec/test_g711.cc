/* SPDX-License-Identifier: BSD-3-Clause */
/** @file G.711 tables against the ITU-T G.711 definition. */
#include <cstdlib>
#include <vector>

#include <gtest/gtest.h>

#include "vg_codec.h"

namespace {

/* G.711 Table 2a: mu-law segment e has 16 steps of 2^(e+1) in 14-bit
 * units, 2^(e+3) once scaled to 16 bits. */
int
ulaw_step(uint8_t c)
{
	return 8 << (((uint8_t)~c >> 4) & 7);
}

/* G.711 Table 1a: A-law segments 0 and 1 step 2 in 13-bit units (16 in
 * 16 bits), segment e >= 2 steps 2^e (2^(e+3)). */
int
alaw_step(uint8_t c)
{
	int seg = ((c ^ 0x55) >> 4) & 7;

	return seg <= 1 ? 16 : 16 << (seg - 1);
}

} // namespace

TEST(G711, KnownValues)
{
	/* zero: the all-ones code (mu), the 0x55-inverted one (A) */
	EXPECT_EQ(vg_g711_ulaw_enc(0), 0xff);
	EXPECT_EQ(vg_g711_ulaw_enc(-1), 0x7f);   /* negative zero */
	EXPECT_EQ(vg_g711_alaw_enc(0), 0xd5);
	EXPECT_EQ(vg_g711_alaw_enc(-1), 0x55);
	/* full scale: top of segment 7 */
	EXPECT_EQ(vg_g711_ulaw_enc(32767), 0x80);
	EXPECT_EQ(vg_g711_ulaw_enc(-32768), 0x00);
	EXPECT_EQ(vg_g711_alaw_enc(32767), 0xaa);
	EXPECT_EQ(vg_g711_alaw_enc(-32768), 0x2a);
	/* decoder outputs, 16-bit scaled: mu-law 8031 (14-bit) x 4, A-law
	 * 4032 (13-bit) x 8 */
	EXPECT_EQ(vg_g711_ulaw_dec(0x80), 32124);
	EXPECT_EQ(vg_g711_ulaw_dec(0x00), -32124);
	EXPECT_EQ(vg_g711_ulaw_dec(0xff), 0);
	EXPECT_EQ(vg_g711_ulaw_dec(0x7f), 0);
	EXPECT_EQ(vg_g711_ulaw_dec(0xfe), 8);    /* first step: 2 x 4 */
	EXPECT_EQ(vg_g711_alaw_dec(0xaa), 32256);
	EXPECT_EQ(vg_g711_alaw_dec(0x2a), -32256);
	EXPECT_EQ(vg_g711_alaw_dec(0xd5), 8);    /* first step: 1 x 8 */
	EXPECT_EQ(vg_g711_alaw_dec(0x55), -8);
	/* segment boundaries (14-bit 31 -> 30 + bias is segment 1) */
	EXPECT_EQ(vg_g711_ulaw_enc(30 * 4), 0xf0);
	EXPECT_EQ(vg_g711_ulaw_enc(31 * 4), 0xef);
	/* A-law: 12-bit magnitude 15 ends segment 0, 16 starts segment 1 */
	EXPECT_EQ(vg_g711_alaw_enc(31 * 8) ^ 0x55, 0x8f);
	EXPECT_EQ(vg_g711_alaw_enc(32 * 8) ^ 0x55, 0x90);
}

TEST(G711, DecodeIsMonotonicWithSegmentSteps)
{
	/* positive codes from the smallest: mu 0xff..0x80, A 0xd5 order */
	for (int law = 0; law < 2; law++) {
		std::vector<int> vals;

		for (int k = 0; k < 128; k++) {
			uint8_t c = law == 0 ? (uint8_t)(0xff - k) :
				(uint8_t)((0x80 | k) ^ 0x55);
			int v = law == 0 ? vg_g711_ulaw_dec(c) :
				vg_g711_alaw_dec(c);
			int step = law == 0 ? ulaw_step(c) : alaw_step(c);

			if (!vals.empty() && k % 16 != 0) {
				EXPECT_EQ(v - vals.back(), step)
					<< "law " << law << " code " << k;
			}
			if (!vals.empty()) {
				EXPECT_GT(v, vals.back());
			}
			vals.push_back(v);
		}
	}
}

TEST(G711, DecodeEncodeWithinQuantisation)
{
	for (int x = -32768; x <= 32767; x++) {
		uint8_t u = vg_g711_ulaw_enc((int16_t)x);
		uint8_t a = vg_g711_alaw_enc((int16_t)x);
		int eu = std::abs(x - vg_g711_ulaw_dec(u));
		int ea = std::abs(x - vg_g711_alaw_dec(a));

		/*
		 * Half a step, plus the bits G.711 does not see (2 for mu,
		 * 3 for A) and the one's complement of negatives; beyond
		 * the last decision level the input clips.
		 */
		if (std::abs(x) <= 32124 + ulaw_step(u) / 2) {
			ASSERT_LE(eu, ulaw_step(u) / 2 + 4) << "x=" << x;
		} else {
			ASSERT_LE(eu, 32768 - 32124) << "x=" << x;
		}
		if (std::abs(x) <= 32256 + alaw_step(a) / 2) {
			ASSERT_LE(ea, alaw_step(a) / 2 + 8) << "x=" << x;
		} else {
			ASSERT_LE(ea, 32768 - 32256) << "x=" << x;
		}
		/* the sign survives (zero aside) */
		if (x > 8) {
			ASSERT_GT(vg_g711_alaw_dec(a), 0) << "x=" << x;
		}
		if (x < -8) {
			ASSERT_LT(vg_g711_alaw_dec(a), 0) << "x=" << x;
		}
	}
}

TEST(G711, EncodeDecodeIsIdentityOnCodes)
{
	for (int c = 0; c < 256; c++) {
		/* mu-law has two zeros: 0x7f decodes to 0, which is 0xff */
		if (c != 0x7f) {
			uint8_t back = vg_g711_ulaw_enc(
					vg_g711_ulaw_dec((uint8_t)c));
			EXPECT_EQ(back, c) << "mu code " << c;
		}
		EXPECT_EQ(vg_g711_alaw_enc(vg_g711_alaw_dec((uint8_t)c)), c)
			<< "A code " << c;
	}
	EXPECT_EQ(vg_g711_ulaw_enc(vg_g711_ulaw_dec(0x7f)), 0xff);
}

TEST(G711, DirectMapsAreDecodeThenEncode)
{
	for (int c = 0; c < 256; c++) {
		EXPECT_EQ(vg_g711_ulaw_to_alaw((uint8_t)c),
				vg_g711_alaw_enc(vg_g711_ulaw_dec((uint8_t)c)));
		EXPECT_EQ(vg_g711_alaw_to_ulaw((uint8_t)c),
				vg_g711_ulaw_enc(vg_g711_alaw_dec((uint8_t)c)));
	}
	/* mu-law zero becomes A-law's smallest (+8: A-law has no zero);
	 * that +8 is mu-law's first step, 0xfe */
	EXPECT_EQ(vg_g711_ulaw_to_alaw(0xff), 0xd5);
	EXPECT_EQ(vg_g711_alaw_to_ulaw(0xd5), 0xfe);
	EXPECT_EQ(vg_g711_alaw_to_ulaw(0x55), 0x7e);
}

TEST(G711, BulkMatchesScalar)
{
	std::vector<int16_t> pcm(65536), back(65536);
	std::vector<uint8_t> u(65536), a(65536), m(65536);

	for (int i = 0; i < 65536; i++)
		pcm[(size_t)i] = (int16_t)(i - 32768);
	ASSERT_EQ(vg_g711_encode(VG_CODEC_PCMU, pcm.data(), u.data(), 65536),
			0);
	ASSERT_EQ(vg_g711_encode(VG_CODEC_PCMA, pcm.data(), a.data(), 65536),
			0);
	for (size_t i = 0; i < 65536; i++) {
		ASSERT_EQ(u[i], vg_g711_ulaw_enc(pcm[i]));
		ASSERT_EQ(a[i], vg_g711_alaw_enc(pcm[i]));
	}
	ASSERT_EQ(vg_g711_decode(VG_CODEC_PCMU, u.data(), back.data(), 65536),
			0);
	for (size_t i = 0; i < 65536; i++)
		ASSERT_EQ(back[i], vg_g711_ulaw_dec(u[i]));
	ASSERT_EQ(vg_g711_transcode(VG_CODEC_PCMU, u.data(), m.data(), 65536),
			0);
	for (size_t i = 0; i < 65536; i++)
		ASSERT_EQ(m[i], vg_g711_ulaw_to_alaw(u[i]));
	/* in place */
	ASSERT_EQ(vg_g711_transcode(VG_CODEC_PCMA, a.data(), a.data(), 65536),
			0);
	for (size_t i = 0; i < 65536; i++)
		ASSERT_EQ(a[i], vg_g711_alaw_to_ulaw(vg_g711_alaw_enc(pcm[i])));
	EXPECT_EQ(vg_g711_encode(VG_CODEC_G729, pcm.data(), u.data(), 1),
			-EINVAL);
	EXPECT_EQ(vg_g711_decode(VG_CODEC_OPUS, u.data(), back.data(), 1),
			-EINVAL);
	EXPECT_EQ(vg_g711_transcode(VG_CODEC_G722, u.data(), m.data(), 1),
			-EINVAL);
}

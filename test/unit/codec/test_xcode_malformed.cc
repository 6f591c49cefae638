/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Bad parameters and malformed packets: a negative errno, never a
 * read past the end (run under ASan), never a crash. Then random bytes
 * through every kind of direction.
 */
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "codec_test_util.h"

using vgt::Dir;

namespace {

const uint8_t PT_PCMU = 0, PT_PCMA = 8, PT_G729 = 18, PT_G722 = 9;
const uint8_t PT_OPUS = 111, PT_EV = 101, PT_CN = 13;

/* Small deterministic generator: failures replay. */
struct Rng {
	uint64_t s;
	uint32_t next()
	{
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		return (uint32_t)(s >> 33);
	}
	uint32_t below(uint32_t n) { return n ? next() % n : 0; }
};

/* Push a copy sized exactly len, so ASan sees any read past it. */
int
push_exact(vg_xcode_dir *d, const std::vector<uint8_t> &b,
		std::vector<vg_xcode_pkt> &out, unsigned int max_out)
{
	uint8_t *copy = new uint8_t[b.size() ? b.size() : 1];
	int rc;

	if (!b.empty())
		std::memcpy(copy, b.data(), b.size());
	rc = vg_xcode_dir_push(d, copy, b.size(), out.data(), max_out);
	delete[] copy;
	return rc;
}

} // namespace

TEST(XcodeMalformed, BadParameters)
{
	vg_xcode_params ok = vgt::params(VG_CODEC_PCMU, PT_PCMU, 20,
			VG_CODEC_PCMA, PT_PCMA, 20);
	vg_xcode_dir *d = nullptr;
	vg_xcode_params p;

	EXPECT_EQ(vg_xcode_dir_create(nullptr, &d), -EINVAL);
	EXPECT_EQ(vg_xcode_dir_create(&ok, nullptr), -EINVAL);
	p = ok;
	p.out_ptime_ms = 25;
	EXPECT_EQ(vg_xcode_dir_create(&p, &d), -EINVAL);
	p.out_ptime_ms = 0;
	EXPECT_EQ(vg_xcode_dir_create(&p, &d), -EINVAL);
	p = ok;
	p.in_pt = 128;
	EXPECT_EQ(vg_xcode_dir_create(&p, &d), -EINVAL);
	p = ok;
	p.in_cn_pt = PT_PCMU;   /* PT 0: "none" for CN, so this is fine */
	p.in_dtmf_pt = PT_EV;
	p.in_cn_pt = PT_EV;
	EXPECT_EQ(vg_xcode_dir_create(&p, &d), -EINVAL);
	p = ok;
	p.out_dtmf_pt = PT_PCMA;
	EXPECT_EQ(vg_xcode_dir_create(&p, &d), -EINVAL);
	p = ok;
	p.in_codec = VG_CODEC_TELEPHONE_EVENT;
	EXPECT_EQ(vg_xcode_dir_create(&p, &d), -ENOTSUP);
	p = ok;
	p.out_codec = (vg_cfg_codec)42;
	EXPECT_EQ(vg_xcode_dir_create(&p, &d), -EINVAL);
	p = vgt::params(VG_CODEC_PCMU, PT_PCMU, 20, VG_CODEC_OPUS, PT_OPUS,
			20);
	p.opus_fs = 44100;
	EXPECT_EQ(vg_xcode_dir_create(&p, &d), -EINVAL);
	p.opus_fs = 48000;
	p.opus_bitrate = 100;
	EXPECT_EQ(vg_xcode_dir_create(&p, &d), -EINVAL);
	EXPECT_EQ(d, nullptr);
	/* Opus at 48 kHz from 8 kHz: resampled, and it works */
	p.opus_bitrate = 32000;
	p.opus_bandwidth = VG_OPUS_BW_WIDE;
	p.opus_complexity = 5;
	ASSERT_EQ(vg_xcode_dir_create(&p, &d), 0);
	vg_xcode_dir_free(d);
	vg_xcode_dir_free(nullptr);
}

TEST(XcodeMalformed, BadPackets)
{
	vg_xcode_params p = vgt::params(VG_CODEC_G729, PT_G729, 20,
			VG_CODEC_PCMU, PT_PCMU, 20);
	p.in_cn_pt = PT_CN;
	Dir dir(p);
	std::vector<uint8_t> good = vgt::rtp(PT_G729, 1, 0, 7,
			std::vector<uint8_t>(20, 0x11));
	std::vector<uint8_t> b;

	ASSERT_EQ(dir.create_rc(), 0);
	struct Case {
		const char *what;
		std::vector<uint8_t> pkt;
		int rc;
	};
	std::vector<Case> cases;

	cases.push_back({ "empty", {}, -EPROTO });
	cases.push_back({ "11 bytes", std::vector<uint8_t>(good.begin(),
			good.begin() + 11), -EPROTO });
	b = good;
	b[0] = 0x40;   /* version 1 */
	cases.push_back({ "version 1", b, -EPROTO });
	b = good;
	b[0] = 0x80 | 15;   /* 60 bytes of CSRC, 20 there */
	cases.push_back({ "CSRC past end", b, -EPROTO });
	b = std::vector<uint8_t>(good.begin(), good.begin() + 14);
	b[0] = 0x90;   /* extension header cut short */
	cases.push_back({ "extension header cut", b, -EPROTO });
	b = good;
	b[0] = 0x90;
	b[14] = 0;
	b[15] = 9;    /* 36 bytes of extension, 16 left */
	cases.push_back({ "extension past end", b, -EPROTO });
	b = good;
	b[0] = 0xa0;
	b.back() = 0;   /* padding count 0 */
	cases.push_back({ "padding zero", b, -EPROTO });
	b = good;
	b[0] = 0xa0;
	b.back() = 21;  /* more padding than payload */
	cases.push_back({ "padding too long", b, -EPROTO });
	b = good;
	b[1] = 96;
	cases.push_back({ "unknown PT", b, -ENOMSG });
	b = vgt::rtp(PT_G729, 1, 0, 7, std::vector<uint8_t>(13, 0x11));
	cases.push_back({ "G.729 of 13 bytes", b, -EBADMSG });
	b = vgt::rtp(PT_G729, 1, 0, 7, std::vector<uint8_t>(130, 0x11));
	cases.push_back({ "G.729 of 130 ms", b, -EBADMSG });

	for (const Case &c : cases) {
		std::vector<vg_xcode_pkt> out(4);
		EXPECT_EQ(push_exact(dir.get(), c.pkt, out, 4), c.rc) << c.what;
	}
	EXPECT_EQ(dir.stats().in_pkts, 0u);

	/* all honoured at once: CSRCs, extension, padding */
	b = { 0xb2, PT_G729, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7 };
	b.insert(b.end(), 8, 0xcc);                 /* 2 CSRC */
	b.insert(b.end(), { 0xbe, 0xde, 0, 1, 1, 2, 3, 4 });  /* ext */
	b.insert(b.end(), 20, 0x11);                /* 2 G.729 frames */
	b.insert(b.end(), { 0, 0, 3 });             /* padding */
	std::vector<vg_xcode_pkt> out(4);
	EXPECT_EQ(push_exact(dir.get(), b, out, 4), 1);

	EXPECT_EQ(vg_xcode_drop_name(-EPROTO), std::string("malformed"));
	EXPECT_EQ(vg_xcode_drop_name(-ENOMSG), std::string("unknown_pt"));
	EXPECT_EQ(vg_xcode_drop_name(-EBADMSG), std::string("bad_payload"));
	EXPECT_EQ(vg_xcode_drop_name(-EIO), std::string("other"));
	EXPECT_EQ(vg_xcode_dir_push(nullptr, b.data(), b.size(), out.data(),
			4), -EINVAL);
}

/* Corrupt Opus that passes the TOC check: concealed, counted. */
TEST(XcodeMalformed, CorruptOpusIsConcealed)
{
	vg_xcode_params p = vgt::params(VG_CODEC_OPUS, PT_OPUS, 20,
			VG_CODEC_PCMA, PT_PCMA, 20);
	Dir dir(p);
	vgt::Talker tk(VG_CODEC_OPUS, PT_OPUS, 20);

	ASSERT_EQ(dir.create_rc(), 0);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(dir.push(tk.next()), 1);
	/* TOC: CELT FB 20 ms, code 3, 1 frame, VBR, padding flag with a
	 * padding length beyond the packet */
	std::vector<uint8_t> bad = { (31 << 3) | 3, 0xc1, 0xff, 0xff };
	int rc = dir.push(vgt::rtp(PT_OPUS, tk.seq++, tk.ts, tk.ssrc, bad));
	tk.ts += 960;
	if (rc == -EBADMSG) {
		/* rejected up front by the duration check */
		SUCCEED();
	} else {
		EXPECT_EQ(rc, 1);
		EXPECT_EQ(dir.stats().dec_errors, 1u);
	}
	ASSERT_EQ(dir.push(tk.next()), 1);
	vgt::expect_continuous(dir.sent, 160);
}

/*
 * Random bytes, and random payloads behind plausible headers, through
 * each kind of direction; every answer in range, every packet out well
 * formed. Deterministic seed: a failure replays.
 */
TEST(XcodeMalformed, RandomInput)
{
	struct Pair {
		vg_cfg_codec in;
		uint8_t in_pt;
		vg_cfg_codec out;
		uint8_t out_pt;
		uint8_t out_ms;
	} pairs[] = {
		{ VG_CODEC_PCMU, PT_PCMU, VG_CODEC_PCMA, PT_PCMA, 40 },
		{ VG_CODEC_G729, PT_G729, VG_CODEC_PCMU, PT_PCMU, 10 },
		{ VG_CODEC_PCMA, PT_PCMA, VG_CODEC_G729, PT_G729, 30 },
		{ VG_CODEC_G722, PT_G722, VG_CODEC_PCMU, PT_PCMU, 20 },
		{ VG_CODEC_PCMU, PT_PCMU, VG_CODEC_G722, PT_G722, 60 },
		{ VG_CODEC_PCMA, PT_PCMA, VG_CODEC_OPUS, PT_OPUS, 20 },
		{ VG_CODEC_OPUS, PT_OPUS, VG_CODEC_G722, PT_G722, 20 },
		{ VG_CODEC_OPUS, PT_OPUS, VG_CODEC_PCMA, PT_PCMA, 10 },
	};
	Rng rng{ 0x5eed };
	std::vector<vg_xcode_pkt> out(VG_XCODE_MAX_OUT);
	unsigned long accepted = 0, written = 0;

	for (const Pair &pr : pairs) {
		vg_xcode_params p = vgt::params(pr.in, pr.in_pt, 0, pr.out,
				pr.out_pt, pr.out_ms);
		p.in_dtmf_pt = PT_EV;
		p.out_dtmf_pt = 100;
		p.in_cn_pt = PT_CN;
		Dir dir(p);
		uint16_t seq = 0;
		uint32_t ts = 0;

		ASSERT_EQ(dir.create_rc(), 0);
		for (int i = 0; i < 2500; i++) {
			std::vector<uint8_t> b;
			uint32_t kind = rng.below(4);
			size_t len = rng.below(kind == 0 ? 64 : 400);

			if (kind == 0) {
				/* bytes, anything */
				for (size_t k = 0; k < len; k++)
					b.push_back((uint8_t)rng.next());
			} else {
				/* a header we take, a payload of chance */
				static const uint8_t pts[] = { 0, 0, 0, PT_EV,
					PT_CN };
				uint8_t pt = pts[rng.below(5)];
				std::vector<uint8_t> pl(len);

				if (pt == 0)
					pt = pr.in_pt;
				for (auto &x : pl)
					x = (uint8_t)rng.next();
				/* mostly in order, sometimes wild */
				seq += rng.below(8) == 0 ?
					(uint16_t)rng.next() : 1;
				ts += rng.below(8) == 0 ? rng.next() :
					rng.below(2000);
				b = vgt::rtp(pt, seq, ts,
					rng.below(50) ? 77 : rng.next(), pl,
					rng.below(10) == 0);
				if (kind == 3 && b.size() > 12)
					b[0] |= (uint8_t)(rng.next() & 0x3f);
			}
			unsigned int max_out = rng.below(8) == 0 ?
				rng.below(3) : VG_XCODE_MAX_OUT;
			int rc = push_exact(dir.get(), b, out, max_out);

			ASSERT_GE(rc, -4095);
			ASSERT_LE(rc, (int)max_out);
			if (rc >= 0)
				accepted++;
			for (int k = 0; k < rc; k++) {
				const vg_xcode_pkt &o = out[(size_t)k];

				ASSERT_GE(o.len, 12);
				ASSERT_LE(o.len, VG_XCODE_PKT_MAX);
				ASSERT_EQ(o.data[0], 0x80);
				uint8_t pt = o.data[1] & 0x7f;
				ASSERT_TRUE(pt == pr.out_pt || pt == 100);
				written++;
			}
		}
	}
	/* the generator reached the deep paths, not only the header check */
	EXPECT_GT(accepted, 3000u);
	EXPECT_GT(written, 3000u);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Media path of the relay: transcoding (PCMU -> PCMA, ptime
 * 20 -> 40) and SRTP <-> RTP through classify, lookup and relay, with
 * the real codec and SRTP libraries. A on leg 0, B on leg 1, as in
 * test_relay.cc.
 */
#include <rte_ip.h>

#include "media_pvt.h"
#include "pipeline_fixture.h"
#include "vg_codec.h"
#include "vg_srtp.h"

using namespace vgtest;

namespace {

const uint8_t KEY_A_RX[30] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
	14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30};
const uint8_t KEY_A_TX[30] = {31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41,
	42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58,
	59, 60};

class Media : public Pipeline {
protected:
	uint32_t id = UINT32_MAX;
	struct vg_dpapi_srtp_keys keys[2];

	void
	SetUp() override
	{
		Pipeline::SetUp();
		std::memset(keys, 0, sizeof(keys));
		ASSERT_EQ(vg_srtp_global_init(), 0);
	}

	void
	start()
	{
		ASSERT_EQ(vg_sess_create_keys(t, legs, keys, 7, &id), 0);
	}

	std::vector<uint8_t>
	a_sends(std::vector<uint8_t> payload, uint64_t now = 1000)
	{
		return one(from(a_ip, 4000, 20000, payload), now, 0);
	}

	std::vector<uint8_t>
	b_sends(std::vector<uint8_t> payload, uint64_t now = 1000)
	{
		return one(from(b_ip, 6000, 20010, payload, 1), now, 1);
	}

	const struct vg_dpapi_leg_counters *
	ctr(unsigned int side)
	{
		return &vg_sess_leg(t, id, side)->ctr;
	}

	const struct vg_dpapi_leg_stats *
	stats(unsigned int side)
	{
		return vg_leg_stats(t, vg_sess_leg(t, id, side));
	}
};

/* IPv4 and UDP lengths and checksums of a sent frame are right. */
void
expect_valid_frame(const std::vector<uint8_t> &f)
{
	ASSERT_GE(f.size(), PL);
	EXPECT_EQ(be16_at(f, L3 + 2), f.size() - L3);
	EXPECT_EQ(be16_at(f, L4 + 4), f.size() - L4);
	EXPECT_EQ(rte_raw_cksum(&f[L3], 20), 0xffff) << "IPv4 checksum";
	std::vector<uint8_t> c(f);
	EXPECT_EQ(rte_ipv4_udptcp_cksum_verify(
		(const struct rte_ipv4_hdr *)&c[L3], &c[L4]), 0)
		<< "UDP checksum";
}

std::vector<uint8_t>
payload_of(const std::vector<uint8_t> &f)
{
	return std::vector<uint8_t>(f.begin() + PL, f.end());
}

} // namespace

TEST_F(Media, PcmuToPcmaIsMappedByteForByte)
{
	legs[0].codec = VG_CODEC_PCMU + 1;
	legs[0].pt = 0;
	legs[1].codec = VG_CODEC_PCMA + 1;
	legs[1].pt = 8;
	start();
	for (uint16_t seq = 1; seq <= 5; seq++) {
		auto in = rtp(0, seq, 160u * seq, 0x1234);
		auto out = a_sends(in, 1000 + 160u * seq);

		ASSERT_EQ(out.size(), PL + 12 + 160) << "seq " << seq;
		expect_valid_frame(out);
		auto r = payload_of(out);
		EXPECT_EQ(r[1] & 0x7f, 8) << "PCMA payload type";
		EXPECT_EQ(ip_at(out, L3 + 16), b_ip);
		EXPECT_EQ(be16_at(out, L4 + 2), 6000);
		for (size_t k = 0; k < 160; k++)
			ASSERT_EQ(r[12 + k], vg_g711_ulaw_to_alaw(in[12 + k]))
				<< "byte " << k;
	}
	EXPECT_EQ(stats(0)->xcode_pkts, 5u);
	EXPECT_EQ(ctr(0)->fwd_pkts, 5u);
	EXPECT_EQ(ctr(0)->ext_max_seq & 0xffff, 5u);
	/* and back: PCMA from B becomes PCMU toward A */
	auto back = b_sends(rtp(8, 9, 900, 0x99));
	ASSERT_EQ(back.size(), PL + 12 + 160);
	EXPECT_EQ(payload_of(back)[1] & 0x7f, 0);
	EXPECT_EQ(ip_at(back, L3 + 16), a_ip);
	EXPECT_EQ(lc.xcode_pkts, 6u) << "the worker's total";
	EXPECT_EQ(lc.srtp_pkts, 0u);
}

TEST_F(Media, LongerPtimeHoldsTheFirstFrame)
{
	legs[0].codec = VG_CODEC_PCMU + 1;
	legs[0].pt = 0;
	legs[1].codec = VG_CODEC_PCMA + 1;
	legs[1].pt = 8;
	legs[1].ptime_ms = 40;
	start();
	std::vector<size_t> sizes;
	for (uint16_t seq = 1; seq <= 6; seq++)
		sizes.push_back(a_sends(rtp(0, seq, 160u * seq, 7),
			1000 + 160u * seq).size());
	/* every other packet carries two 20 ms frames */
	size_t sent = 0;
	for (size_t s : sizes) {
		if (s != 0) {
			EXPECT_EQ(s, PL + 12 + 320);
			sent++;
		}
	}
	EXPECT_EQ(sent, 3u);
	EXPECT_EQ(lc.drops[VG_DROP_XCODE_BAD], 0u);
	EXPECT_EQ(stats(0)->drops[VG_DROP_XCODE_BAD], 0u);
}

TEST_F(Media, UndecodablePayloadIsDroppedAndCounted)
{
	legs[0].codec = VG_CODEC_PCMU + 1;
	legs[0].pt = 0;
	legs[1].codec = VG_CODEC_G729 + 1;
	legs[1].pt = 18;
	start();
	/* PT 96 was not negotiated on A's side */
	EXPECT_TRUE(a_sends(rtp(96, 1, 160, 5)).empty());
	EXPECT_EQ(stats(0)->drops[VG_DROP_XCODE_BAD], 1u);
	/* real PCMU becomes G.729: 20 ms = two 10-byte frames */
	size_t got = 0;
	for (uint16_t seq = 2; seq <= 6; seq++) {
		auto out = a_sends(rtp(0, seq, 160u * seq, 5), 1000 + 160u * seq);
		if (!out.empty()) {
			EXPECT_EQ(out.size(), PL + 12 + 20);
			EXPECT_EQ(payload_of(out)[1] & 0x7f, 18);
			expect_valid_frame(out);
			got++;
		}
	}
	EXPECT_GE(got, 4u);
}

TEST_F(Media, SrtpFromAArrivesPlainAtB)
{
	struct vg_srtp_ctx *a_out = nullptr, *a_in = nullptr;

	legs[0].srtp_suite = VG_SRTP_AES_CM_128_HMAC_SHA1_80;
	std::memcpy(keys[0].rx, KEY_A_RX, 30);
	std::memcpy(keys[0].tx, KEY_A_TX, 30);
	start();
	/* A's own contexts: it protects with its key, unprotects ours */
	ASSERT_EQ(vg_srtp_ctx_create(VG_SRTP_AES_CM_128_HMAC_SHA1_80, KEY_A_RX,
		false, &a_out), 0);
	ASSERT_EQ(vg_srtp_ctx_create(VG_SRTP_AES_CM_128_HMAC_SHA1_80, KEY_A_TX,
		true, &a_in), 0);

	auto plain = rtp(0, 1, 160, 0xabc);
	std::vector<uint8_t> prot(plain);
	prot.resize(plain.size() + VG_SRTP_MAX_TRAILER);
	unsigned int len = (unsigned int)plain.size();
	ASSERT_EQ(vg_srtp_protect_rtp(a_out, prot.data(), &len,
		(unsigned int)prot.size()), 0);
	prot.resize(len);
	EXPECT_NE(std::vector<uint8_t>(prot.begin() + 12, prot.begin() + 172),
		std::vector<uint8_t>(plain.begin() + 12, plain.end()));

	/* tampered first: dropped, counted, and it does not latch */
	std::vector<uint8_t> bad(prot);
	bad[40] ^= 1;
	EXPECT_TRUE(a_sends(bad).empty());
	EXPECT_EQ(stats(0)->drops[VG_DROP_SRTP_AUTH], 1u);
	EXPECT_EQ(vg_sess_leg(t, id, 0)->latched, 0u);

	auto out = a_sends(prot);
	ASSERT_FALSE(out.empty());
	expect_valid_frame(out);
	EXPECT_EQ(payload_of(out), plain) << "B gets A's RTP as it was";
	EXPECT_NE(vg_sess_leg(t, id, 0)->latched, 0u);
	EXPECT_EQ(stats(0)->srtp_rx_pkts, 1u);
	/* replayed: dropped */
	EXPECT_TRUE(a_sends(prot).empty());
	EXPECT_EQ(stats(0)->drops[VG_DROP_SRTP_REPLAY], 1u);

	/* B's plain RTP reaches A protected with our key */
	auto bplain = rtp(0, 50, 8000, 0xdef);
	auto back = b_sends(bplain);
	ASSERT_FALSE(back.empty());
	expect_valid_frame(back);
	auto p = payload_of(back);
	EXPECT_EQ(p.size(), bplain.size() + 10) << "80-bit tag";
	len = (unsigned int)p.size();
	ASSERT_EQ(vg_srtp_unprotect_rtp(a_in, p.data(), &len), 0);
	p.resize(len);
	EXPECT_EQ(p, bplain);
	EXPECT_EQ(stats(1)->srtp_tx_pkts, 1u);
	EXPECT_EQ(lc.srtp_pkts, 2u) << "one unprotected, one protected";
	vg_srtp_ctx_free(a_out);
	vg_srtp_ctx_free(a_in);
}

TEST_F(Media, SrtpWithoutKeysIsRefused)
{
	uint32_t sid;

	legs[1].srtp_suite = VG_SRTP_AES_CM_128_HMAC_SHA1_32;
	EXPECT_EQ(vg_sess_create_keys(t, legs, nullptr, 1, &sid), -EINVAL);
	legs[1].srtp_suite = 9;
	EXPECT_EQ(vg_sess_create_keys(t, legs, keys, 1, &sid), -ENOTSUP);
	legs[1].srtp_suite = 0;
	legs[0].codec = 99;
	EXPECT_EQ(vg_sess_create_keys(t, legs, keys, 1, &sid), -EINVAL);
	EXPECT_EQ(vg_sess_free_count(t), 4u);
}

TEST_F(Media, UpdateKeepsMediaStateWhenNothingOfItChanged)
{
	legs[0].srtp_suite = VG_SRTP_AES_CM_128_HMAC_SHA1_80;
	std::memcpy(keys[0].rx, KEY_A_RX, 30);
	std::memcpy(keys[0].tx, KEY_A_TX, 30);
	start();
	struct vg_media_dir *md = vg_leg_cfg_get(vg_sess_leg(t, id, 0))->media;
	ASSERT_NE(md, nullptr);
	/* a re-INVITE that moves B: same keys and codecs */
	legs[1].remote_port = 6002;
	ASSERT_EQ(vg_sess_update_keys(t, id, legs, keys), 0);
	EXPECT_EQ(vg_leg_cfg_get(vg_sess_leg(t, id, 0))->media, md);
	/* new keys: new state */
	keys[0].rx[0] ^= 0xff;
	ASSERT_EQ(vg_sess_update_keys(t, id, legs, keys), 0);
	EXPECT_NE(vg_leg_cfg_get(vg_sess_leg(t, id, 0))->media, nullptr);
	EXPECT_NE(vg_leg_cfg_get(vg_sess_leg(t, id, 0))->media, md);
	/* back to a plain relay */
	legs[0].srtp_suite = 0;
	ASSERT_EQ(vg_sess_update_keys(t, id, legs, keys), 0);
	EXPECT_EQ(vg_leg_cfg_get(vg_sess_leg(t, id, 0))->media, nullptr);
	auto out = a_sends(rtp(0, 1, 160, 3));
	EXPECT_EQ(payload_of(out), rtp(0, 1, 160, 3));
}

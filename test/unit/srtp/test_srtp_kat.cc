/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Known answers: RFC 3711 Appendix B checks the independent
 * reference (srtp_ref.h); the reference then checks every byte our
 * wrapper (libsrtp underneath) puts on the wire, both ways.
 */
#include <cerrno>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "srtp_ref.h"
#include "vg_srtp.h"

using srtpref::bytes;
using srtpref::hex;
using srtpref::unhex;

namespace
{

/* RFC 3711 B.3's master key and salt (also libsrtp's test key) */
const bytes master = unhex("E1F97A0D3E018BE0D64FA32C06DE4139"
			   "0EC675AD498AFEEBB6960B3AABE6");

struct ctx_ptr {
	struct vg_srtp_ctx *c = nullptr;
	~ctx_ptr()
	{
		vg_srtp_ctx_free(c);
	}
};

bytes
rtp_packet(uint16_t seq, uint32_t ts, uint32_t ssrc, size_t payload,
		uint8_t fill)
{
	bytes p = {0x80, 0x0f, (uint8_t)(seq >> 8), (uint8_t)seq,
			(uint8_t)(ts >> 24), (uint8_t)(ts >> 16),
			(uint8_t)(ts >> 8), (uint8_t)ts, (uint8_t)(ssrc >> 24),
			(uint8_t)(ssrc >> 16), (uint8_t)(ssrc >> 8),
			(uint8_t)ssrc};

	p.insert(p.end(), payload, fill);
	return p;
}

/* protect through the wrapper into an exactly sized heap buffer (ASan
 * sees any write past cap) */
bytes
wrap_protect(struct vg_srtp_ctx *c, const bytes &in, bool rtcp)
{
	unsigned int cap =
			(unsigned int)in.size() + vg_srtp_ctx_trailer(c, rtcp);
	std::vector<uint8_t> buf(in);
	unsigned int len = (unsigned int)in.size();
	int rc;

	buf.resize(cap);
	rc = rtcp ? vg_srtp_protect_rtcp(c, buf.data(), &len, cap)
		  : vg_srtp_protect_rtp(c, buf.data(), &len, cap);
	EXPECT_EQ(rc, 0);
	EXPECT_EQ(len, cap);
	buf.resize(rc == 0 ? len : 0);
	return buf;
}

bytes
wrap_unprotect(struct vg_srtp_ctx *c, const bytes &in, bool rtcp, int *rc)
{
	std::vector<uint8_t> buf(in);
	unsigned int len = (unsigned int)in.size();

	*rc = rtcp ? vg_srtp_unprotect_rtcp(c, buf.data(), &len)
		   : vg_srtp_unprotect_rtp(c, buf.data(), &len);
	buf.resize(*rc == 0 ? len : 0);
	return buf;
}

} // namespace

// RFC 3711 B.2: the AES-CM keystream of the reference.
TEST(SrtpKat, ReferenceKeystreamIsRfc3711B2)
{
	srtpref::keys k;
	uint8_t iv[16];
	const uint8_t ssrc[4] = {0, 0, 0, 0};

	k.cipher = unhex("2B7E151628AED2A6ABF7158809CF4F3C");
	k.salt = unhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD");
	srtpref::iv_of(k, ssrc, 0, iv);
	EXPECT_EQ(hex(iv, 16), "F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
	bytes ks = srtpref::aes_ctr(k.cipher.data(), iv, bytes(0xff02 * 16, 0));
	EXPECT_EQ(hex(&ks[0x0000 * 16], 16),
			"E03EAD0935C95E80E166B16DD92B4EB4");
	EXPECT_EQ(hex(&ks[0x0001 * 16], 16),
			"D23513162B02D0F72A43A2FE4A5F97AB");
	EXPECT_EQ(hex(&ks[0x0002 * 16], 16),
			"41E95B3BB0A2E8DD477901E4FCA894C0");
	EXPECT_EQ(hex(&ks[0xfeff * 16], 16),
			"EC8CDF7398607CB0F2D21675EA9EA1E4");
	EXPECT_EQ(hex(&ks[0xff00 * 16], 16),
			"362B7C3C6773516318A077D7FC5073AE");
	EXPECT_EQ(hex(&ks[0xff01 * 16], 16),
			"6A2CC3787889374FBEB4C81B17BA6C44");
}

// RFC 3711 B.3: key derivation of the reference.
TEST(SrtpKat, ReferenceKeyDerivationIsRfc3711B3)
{
	srtpref::keys k = srtpref::derive(master, false);

	EXPECT_EQ(hex(k.cipher), "C61E7A93744F39EE10734AFE3FF7A087");
	EXPECT_EQ(hex(k.salt), "30CBBC08863D8C85D49DB34A9AE1");
	EXPECT_EQ(hex(k.auth), "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");
}

// libsrtp's own validation packet (srtp_driver), AES_CM_128_HMAC_SHA1_80:
// the reference and the wrapper agree, and both give the published bytes.
TEST(SrtpKat, WrapperProtectsKnownPacket80)
{
	ctx_ptr tx;
	bytes plain = rtp_packet(0x1234, 0xdecafbad, 0xcafebabe, 16, 0xab);

	ASSERT_EQ(0,
			vg_srtp_ctx_create(VG_SRTP_AES_CM_128_HMAC_SHA1_80,
					master.data(), false, &tx.c));
	EXPECT_EQ(vg_srtp_ctx_trailer(tx.c, false), 10u);
	EXPECT_EQ(vg_srtp_ctx_trailer(tx.c, true), 14u);
	bytes want = srtpref::srtp_protect(master, plain, 0, 10);
	EXPECT_EQ(hex(want),
			"800F1234DECAFBADCAFEBABE"
			"4E55DC4CE79978D88CA4D215949D2402"
			"B78D6ACC99EA179B8DBB");
	EXPECT_EQ(hex(wrap_protect(tx.c, plain, false)), hex(want));
}

// The same packet with the 32-bit tag: same ciphertext, the tag cut.
TEST(SrtpKat, WrapperProtectsKnownPacket32)
{
	ctx_ptr tx;
	bytes plain = rtp_packet(0x1234, 0xdecafbad, 0xcafebabe, 16, 0xab);

	ASSERT_EQ(0,
			vg_srtp_ctx_create(VG_SRTP_AES_CM_128_HMAC_SHA1_32,
					master.data(), false, &tx.c));
	EXPECT_EQ(vg_srtp_ctx_trailer(tx.c, false), 4u);
	/* SRTCP keeps the 80-bit tag (RFC 4568 §6.2.1) */
	EXPECT_EQ(vg_srtp_ctx_trailer(tx.c, true), 14u);
	bytes want = srtpref::srtp_protect(master, plain, 0, 4);
	EXPECT_EQ(hex(want),
			"800F1234DECAFBADCAFEBABE"
			"4E55DC4CE79978D88CA4D215949D2402"
			"B78D6ACC");
	EXPECT_EQ(hex(wrap_protect(tx.c, plain, false)), hex(want));
}

// G.711 packets across a sequence number wrap: the ROC enters the IV and
// the tag (RFC 3711 §3.3.1) and the receiver follows it.
TEST(SrtpKat, RolloverCounterBothWays)
{
	static const uint16_t seqs[] = {65533, 65534, 65535, 0, 1, 2};
	static const uint32_t rocs[] = {0, 0, 0, 1, 1, 1};

	for (auto suite : {VG_SRTP_AES_CM_128_HMAC_SHA1_80,
			     VG_SRTP_AES_CM_128_HMAC_SHA1_32}) {
		ctx_ptr tx, rx;
		size_t tag = suite == VG_SRTP_AES_CM_128_HMAC_SHA1_80 ? 10 : 4;

		ASSERT_EQ(0,
				vg_srtp_ctx_create(suite, master.data(), false,
						&tx.c));
		ASSERT_EQ(0,
				vg_srtp_ctx_create(suite, master.data(), true,
						&rx.c));
		for (size_t i = 0; i < 6; i++) {
			bytes plain = rtp_packet(seqs[i], 160 * (uint32_t)i,
					0x11223344, 160, (uint8_t)(0xd5 + i));
			bytes want = srtpref::srtp_protect(
					master, plain, rocs[i], tag);
			EXPECT_EQ(hex(wrap_protect(tx.c, plain, false)),
					hex(want))
					<< "seq " << seqs[i];
			int rc;
			bytes got = wrap_unprotect(rx.c, want, false, &rc);
			EXPECT_EQ(rc, 0) << "seq " << seqs[i];
			EXPECT_EQ(hex(got), hex(plain));
		}
	}
}

// SRTCP: the wrapper's E|index and tag against the reference, and a
// reference packet decrypted by the wrapper.
TEST(SrtpKat, RtcpBothWays)
{
	/* an SR without report blocks (RFC 3550 §6.4.1): 28 bytes */
	bytes sr = unhex("80C80006CAFEBABE"
			 "E5A3B2C1D0E0F00A"
			 "0000A0000000002A0000162E");
	ctx_ptr tx, rx;
	uint32_t first = 0;

	ASSERT_EQ(0,
			vg_srtp_ctx_create(VG_SRTP_AES_CM_128_HMAC_SHA1_32,
					master.data(), false, &tx.c));
	ASSERT_EQ(0,
			vg_srtp_ctx_create(VG_SRTP_AES_CM_128_HMAC_SHA1_32,
					master.data(), true, &rx.c));
	for (int i = 0; i < 3; i++) {
		bytes got = wrap_protect(tx.c, sr, true);
		ASSERT_EQ(got.size(), sr.size() + 14);
		uint32_t e_index = (uint32_t)got[28] << 24 |
				(uint32_t)got[29] << 16 |
				(uint32_t)got[30] << 8 | got[31];
		EXPECT_NE(e_index & 0x80000000u, 0u) << "E flag";
		uint32_t index = e_index & 0x7fffffffu;
		if (i == 0)
			first = index;
		EXPECT_EQ(index, first + (uint32_t)i);
		EXPECT_EQ(hex(got),
				hex(srtpref::srtcp_protect(master, sr, index)));
	}

	int rc;
	bytes in = srtpref::srtcp_protect(master, sr, 77);
	EXPECT_EQ(hex(wrap_unprotect(rx.c, in, true, &rc)), hex(sr));
	EXPECT_EQ(rc, 0);
	/* the SRTCP replay list (§3.4) */
	wrap_unprotect(rx.c, in, true, &rc);
	EXPECT_EQ(rc, -EALREADY);
}

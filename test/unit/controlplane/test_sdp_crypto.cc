/* SPDX-License-Identifier: BSD-3-Clause */
/** @file SDES a=crypto values (RFC 4568): parse, choose, generate, format.
 * OpenSSL's base64 is the independent check of ours. */
#include <cerrno>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "sdp_crypto.h"
#include "vg_srtp.h"

/* the control plane does not link the data plane's SRTP library: its
 * values must agree with ours by construction */
static_assert((int)VG_SDP_CRYPTO_NONE == (int)VG_SRTP_NONE, "suite");
static_assert((int)VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_80 ==
				(int)VG_SRTP_AES_CM_128_HMAC_SHA1_80,
		"suite");
static_assert((int)VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_32 ==
				(int)VG_SRTP_AES_CM_128_HMAC_SHA1_32,
		"suite");
static_assert(VG_SDP_CRYPTO_KEY_LEN == VG_SRTP_KEY_LEN, "key length");

namespace
{

/* RFC 4568 §4's example key-salt */
const char rfc_key[] = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";

std::vector<uint8_t>
ossl_decode(const std::string &b64)
{
	std::vector<uint8_t> out(b64.size());
	int n = EVP_DecodeBlock(out.data(), (const unsigned char *)b64.data(),
			(int)b64.size());

	EXPECT_GE(n, 0);
	out.resize(n < 0 ? 0 : (size_t)n);
	return out;
}

std::string
ossl_encode(const uint8_t *p, size_t n)
{
	std::string out(4 * ((n + 2) / 3) + 1, '\0');
	int len = EVP_EncodeBlock((unsigned char *)&out[0], p, (int)n);

	out.resize((size_t)len);
	return out;
}

int
parse(const std::string &v, struct vg_sdp_crypto *c = nullptr)
{
	struct vg_sdp_crypto tmp;

	return vg_sdp_crypto_parse(v.c_str(), c != nullptr ? c : &tmp);
}

std::string
line(const std::string &rest)
{
	return std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") + rfc_key +
			rest;
}

} // namespace

TEST(SdpCrypto, ParsesRfcExampleWithoutMki)
{
	struct vg_sdp_crypto c;

	ASSERT_EQ(0, parse(line("|2^20"), &c));
	EXPECT_EQ(c.tag, 1u);
	EXPECT_EQ(c.suite, VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_80);
	EXPECT_EQ(c.lifetime, 1ull << 20);
	EXPECT_EQ(c.wsh, 0u);
	std::vector<uint8_t> want = ossl_decode(rfc_key);
	ASSERT_EQ(want.size(), 30u);
	EXPECT_EQ(0, memcmp(c.key, want.data(), 30));

	ASSERT_EQ(0,
			parse("999999999 AES_CM_128_HMAC_SHA1_32 inline:" +
							std::string(rfc_key),
					&c));
	EXPECT_EQ(c.tag, 999999999u);
	EXPECT_EQ(c.suite, VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_32);
	EXPECT_EQ(c.lifetime, 0u);
}

// RFC 4568 §4's example line itself carries an MKI: refused, we do not do
// MKI.
TEST(SdpCrypto, MkiIsNotSupported)
{
	EXPECT_EQ(-ENOTSUP, parse(line("|2^20|1:4")));
	EXPECT_EQ(-ENOTSUP, parse(line("|1:4")));
	EXPECT_EQ(-ENOTSUP, parse(line("|2^31|1:128")));
	/* malformed MKIs stay malformed */
	EXPECT_EQ(-EINVAL, parse(line("|1:0")));
	EXPECT_EQ(-EINVAL, parse(line("|1:129")));
	EXPECT_EQ(-EINVAL, parse(line("|1:1234")));
	EXPECT_EQ(-EINVAL, parse(line("|:4")));
	EXPECT_EQ(-EINVAL, parse(line("|x:4")));
	EXPECT_EQ(-EINVAL, parse(line("|1:4|2^20"))); /* order */
}

TEST(SdpCrypto, Lifetimes)
{
	struct vg_sdp_crypto c;

	ASSERT_EQ(0, parse(line("|2^31"), &c));
	EXPECT_EQ(c.lifetime, 1ull << 31);
	ASSERT_EQ(0, parse(line("|2^48"), &c));
	EXPECT_EQ(c.lifetime, 1ull << 48);
	ASSERT_EQ(0, parse(line("|1048576"), &c));
	EXPECT_EQ(c.lifetime, 1048576u);
	EXPECT_EQ(-EINVAL, parse(line("|2^49")));
	EXPECT_EQ(-EINVAL, parse(line("|0")));
	EXPECT_EQ(-EINVAL, parse(line("|2^")));
	EXPECT_EQ(-EINVAL, parse(line("|")));
	EXPECT_EQ(-EINVAL, parse(line("|2^20|2^20")));
	EXPECT_EQ(-EINVAL, parse(line("|99999999999999999999")));
}

TEST(SdpCrypto, WhitespaceAndCase)
{
	struct vg_sdp_crypto c;

	EXPECT_EQ(0,
			parse(std::string("7\t aes_cm_128_hmac_sha1_32  "
					  "INLINE:") + rfc_key +
							"  ",
					&c));
	EXPECT_EQ(c.tag, 7u);
	EXPECT_EQ(c.suite, VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_32);
	EXPECT_EQ(-EINVAL, parse(line("\r\n")));
	EXPECT_EQ(-EINVAL, parse(std::string(" ") + line("")));
}

TEST(SdpCrypto, SessionParameters)
{
	struct vg_sdp_crypto c;

	/* honoured or harmless */
	EXPECT_EQ(0, parse(line(" KDR=0")));
	ASSERT_EQ(0, parse(line(" WSH=128"), &c));
	EXPECT_EQ(c.wsh, 128u);
	EXPECT_EQ(0, parse(line(" FEC_ORDER=FEC_SRTP")));
	EXPECT_EQ(0, parse(line(" FEC_ORDER=SRTP_FEC WSH=64 -X-VENDOR=1")));
	/* refused: we cannot do what they ask (§6.3) */
	EXPECT_EQ(-ENOTSUP, parse(line(" UNENCRYPTED_SRTP")));
	EXPECT_EQ(-ENOTSUP, parse(line(" UNENCRYPTED_SRTCP")));
	EXPECT_EQ(-ENOTSUP, parse(line(" UNAUTHENTICATED_SRTP")));
	EXPECT_EQ(-ENOTSUP, parse(line(" WSH=64 UNENCRYPTED_SRTP")));
	EXPECT_EQ(-ENOTSUP, parse(line(" KDR=1")));
	EXPECT_EQ(-ENOTSUP, parse(line(" KDR=24")));
	EXPECT_EQ(-ENOTSUP,
			parse(std::string(line(" FEC_KEY=inline:")) + rfc_key));
	EXPECT_EQ(-ENOTSUP, parse(line(" NEW_MANDATORY_THING")));
	/* malformed */
	EXPECT_EQ(-EINVAL, parse(line(" KDR=25")));
	EXPECT_EQ(-EINVAL, parse(line(" KDR=")));
	EXPECT_EQ(-EINVAL, parse(line(" WSH=63")));
	EXPECT_EQ(-EINVAL, parse(line(" WSH=6")));
	EXPECT_EQ(-EINVAL, parse(line(" WSH=abc")));
	EXPECT_EQ(-EINVAL, parse(line(" FEC_ORDER=SOMETIMES")));
	EXPECT_EQ(-EINVAL, parse(line(" -")));
	EXPECT_EQ(-EINVAL, parse(line(" \x01")));
	EXPECT_EQ(-EINVAL, parse(line(" caf\xc3\xa9")));
}

TEST(SdpCrypto, UnsupportedSuitesAndMethods)
{
	const std::string k = std::string(" inline:") + rfc_key;

	EXPECT_EQ(-ENOTSUP, parse("1 F8_128_HMAC_SHA1_80" + k));
	EXPECT_EQ(-ENOTSUP,
			parse("1 AES_256_CM_HMAC_SHA1_80 inline:"
			      "YTdc6CVyUFTOTs1EVlsJt5ttyAvuMa7CyYDcMl05"
			      "H+FuRtxeZebYgzEJbTjvXQ=="));
	EXPECT_EQ(-ENOTSUP, parse("1 AEAD_AES_128_GCM" + k));
	EXPECT_EQ(-ENOTSUP, parse("1 AES_CM_128_HMAC_SHA1_81" + k));
	EXPECT_EQ(-ENOTSUP,
			parse(std::string("1 AES_CM_128_HMAC_SHA1_80 "
					  "uri:http://keys.example/k")));
	/* two master keys (they would need MKIs) */
	EXPECT_EQ(-ENOTSUP, parse(line(";inline:") + rfc_key));
}

TEST(SdpCrypto, MalformedIsRefused)
{
	std::string bad_key = rfc_key;

	EXPECT_EQ(-EINVAL, parse(""));
	EXPECT_EQ(-EINVAL, parse("1"));
	EXPECT_EQ(-EINVAL, parse("1 AES_CM_128_HMAC_SHA1_80"));
	EXPECT_EQ(-EINVAL, parse("1 AES_CM_128_HMAC_SHA1_80 "));
	EXPECT_EQ(-EINVAL, parse("1 AES_CM_128_HMAC_SHA1_80 inline:"));
	EXPECT_EQ(-EINVAL,
			parse(std::string("AES_CM_128_HMAC_SHA1_80 inline:") +
					rfc_key));
	EXPECT_EQ(-EINVAL,
			parse(std::string("1234567890 AES_CM_128_HMAC_SHA1_80"
					  " inline:") +
					rfc_key));
	EXPECT_EQ(-EINVAL,
			parse(std::string("-1 AES_CM_128_HMAC_SHA1_80 "
					  "inline:") +
					rfc_key));
	EXPECT_EQ(-EINVAL, parse(std::string("1 AES-CM inline:") + rfc_key));
	EXPECT_EQ(-EINVAL,
			parse(std::string("1 AES_CM_128_HMAC_SHA1_80 inline") +
					rfc_key));
	/* base64: a character outside the alphabet, one too few or many,
	 * padding where none belongs, a 16-byte key */
	bad_key[5] = '*';
	EXPECT_EQ(-EINVAL,
			parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + bad_key));
	bad_key[5] = '-'; /* base64url is not base64 */
	EXPECT_EQ(-EINVAL,
			parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + bad_key));
	EXPECT_EQ(-EINVAL,
			parse(std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") +
					std::string(rfc_key, 39)));
	EXPECT_EQ(-EINVAL, parse(line("A")));
	EXPECT_EQ(-EINVAL, parse(line("==")));
	EXPECT_EQ(-EINVAL,
			parse(std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") +
					std::string(rfc_key, 36) + "AB=="));
	EXPECT_EQ(-EINVAL,
			parse("1 AES_CM_128_HMAC_SHA1_80 "
			      "inline:MTIzNDU2Nzg5MDEyMzQ1Ng=="));
	EXPECT_EQ(-EINVAL, parse(line("x")));
}

TEST(SdpCrypto, FailedParseLeavesNoKey)
{
	struct vg_sdp_crypto c;

	ASSERT_EQ(-ENOTSUP, parse(line(" UNENCRYPTED_SRTP"), &c));
	static const uint8_t zero[30] = {0};
	EXPECT_EQ(0, memcmp(c.key, zero, 30));
	EXPECT_EQ(-EINVAL, vg_sdp_crypto_parse(nullptr, &c));
	EXPECT_EQ(-EINVAL, vg_sdp_crypto_parse("1", nullptr));
}

// Random damage to a valid value never crashes (the sanitized build reads
// every byte) and never yields a key that is not the one written.
TEST(SdpCrypto, MutationsDoNotCrash)
{
	const std::string good = line("|2^31 WSH=64");
	std::mt19937 rng(4568);
	int ok = 0;

	for (int i = 0; i < 20000; i++) {
		std::string v = good;
		int edits = 1 + (int)(rng() % 3);
		for (int e = 0; e < edits; e++) {
			size_t at = rng() % (v.size() + 1);
			switch (rng() % 3) {
			case 0:
				if (at < v.size())
					v[at] = (char)(rng() % 256);
				break;
			case 1:
				if (at < v.size())
					v.erase(at, 1);
				break;
			default:
				v.insert(at, 1, (char)(rng() % 256));
			}
		}
		v = v.c_str(); /* as C would see it */
		struct vg_sdp_crypto c;
		int rc = vg_sdp_crypto_parse(v.c_str(), &c);
		ASSERT_TRUE(rc == 0 || rc == -EINVAL || rc == -ENOTSUP) << v;
		ok += rc == 0;
	}
	EXPECT_GT(ok, 0);
}

TEST(SdpCrypto, ChoosesFirstSupportedKeepingTag)
{
	const std::string k = rfc_key;
	std::string offer[] = {
			"1 AES_256_CM_HMAC_SHA1_80 inline:"
			"YTdc6CVyUFTOTs1EVlsJt5ttyAvuMa7CyYDcMl05H+"
			"FuRtxeZebYgzEJbTjvXQ==",
			"2 AES_CM_128_HMAC_SHA1_80 inline:" + k +
					" UNENCRYPTED_SRTP",
			"3 AES_CM_128_HMAC_SHA1_80 inline:" + k + "|2^20|1:4",
			"4 AES_CM_128_HMAC_SHA1_32 inline:" + k,
			"5 AES_CM_128_HMAC_SHA1_80 inline:" + k,
	};
	const char *v[5];
	struct vg_sdp_crypto c;

	for (int i = 0; i < 5; i++)
		v[i] = offer[i].c_str();
	ASSERT_EQ(3, vg_sdp_crypto_choose(v, 5, &c));
	EXPECT_EQ(c.tag, 4u);
	EXPECT_EQ(c.suite, VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_32);
	EXPECT_EQ(3, vg_sdp_crypto_choose(v, 5, nullptr));
	EXPECT_EQ(-ENOENT, vg_sdp_crypto_choose(v, 3, &c));
	EXPECT_EQ(c.suite, VG_SDP_CRYPTO_NONE);
	EXPECT_EQ(-ENOENT, vg_sdp_crypto_choose(v, 0, &c));
	EXPECT_EQ(-ENOENT, vg_sdp_crypto_choose(nullptr, 0, &c));
	EXPECT_EQ(-EINVAL, vg_sdp_crypto_choose(nullptr, 2, &c));
	v[0] = nullptr;
	EXPECT_EQ(3, vg_sdp_crypto_choose(v, 5, &c));
}

// §5.1: a tag names one line; an offer that reuses the chosen one is
// ambiguous.
TEST(SdpCrypto, DuplicateTagIsRefused)
{
	const std::string a = line(""),
			  b = "1 AES_CM_128_HMAC_SHA1_32 "
			      "inline:" +
			std::string(rfc_key);
	const char *v[] = {a.c_str(), b.c_str()};

	EXPECT_EQ(-EINVAL, vg_sdp_crypto_choose(v, 2, nullptr));
}

TEST(SdpCrypto, GenerateFormatParseRoundTrip)
{
	struct vg_sdp_crypto a, b, back;
	char buf[VG_SDP_CRYPTO_VALUE_MAX];

	ASSERT_EQ(0,
			vg_sdp_crypto_generate(&a, 4,
					VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_32));
	ASSERT_EQ(0,
			vg_sdp_crypto_generate(&b, 4,
					VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_32));
	EXPECT_NE(0, memcmp(a.key, b.key, sizeof(a.key))) << "fresh keys";
	ASSERT_EQ(0, vg_sdp_crypto_format(&a, buf, sizeof(buf)));
	std::string s = buf;
	EXPECT_EQ(s.rfind("4 AES_CM_128_HMAC_SHA1_32 inline:", 0), 0u) << s;
	EXPECT_EQ(s.size(), strlen("4 AES_CM_128_HMAC_SHA1_32 inline:") + 40);
	/* OpenSSL agrees on the base64 */
	EXPECT_EQ(s.substr(s.size() - 40), ossl_encode(a.key, 30));
	ASSERT_EQ(0, vg_sdp_crypto_parse(buf, &back));
	EXPECT_EQ(back.tag, 4u);
	EXPECT_EQ(back.suite, a.suite);
	EXPECT_EQ(0, memcmp(back.key, a.key, 30));
}

// Our base64 against OpenSSL's over many keys, both ways.
TEST(SdpCrypto, Base64AgreesWithOpenssl)
{
	struct vg_sdp_crypto c, back;
	char buf[VG_SDP_CRYPTO_VALUE_MAX];
	std::mt19937 rng(3711);

	for (int i = 0; i < 2000; i++) {
		c = {};
		c.tag = (uint32_t)i;
		c.suite = VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_80;
		for (auto &byte : c.key)
			byte = (uint8_t)rng();
		if (i == 0)
			memset(c.key, 0xff, 30);
		if (i == 1)
			memset(c.key, 0, 30);
		ASSERT_EQ(0, vg_sdp_crypto_format(&c, buf, sizeof(buf)));
		std::string s = buf;
		ASSERT_EQ(s.substr(s.size() - 40), ossl_encode(c.key, 30));
		ASSERT_EQ(0, vg_sdp_crypto_parse(buf, &back)) << s;
		ASSERT_EQ(0, memcmp(back.key, c.key, 30));
	}
}

TEST(SdpCrypto, FormatBoundsAndArguments)
{
	struct vg_sdp_crypto c;
	char buf[VG_SDP_CRYPTO_VALUE_MAX];

	ASSERT_EQ(0,
			vg_sdp_crypto_generate(&c, VG_SDP_CRYPTO_TAG_MAX,
					VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_80));
	ASSERT_EQ(0, vg_sdp_crypto_format(&c, buf, sizeof(buf)));
	size_t need = strlen(buf) + 1;
	EXPECT_LE(need, sizeof(buf));
	EXPECT_EQ(0, vg_sdp_crypto_format(&c, buf, need));
	EXPECT_EQ(-ENOSPC, vg_sdp_crypto_format(&c, buf, need - 1));
	EXPECT_STREQ(buf, "");
	EXPECT_EQ(-EINVAL, vg_sdp_crypto_format(&c, buf, 0));
	EXPECT_EQ(-EINVAL, vg_sdp_crypto_format(nullptr, buf, sizeof(buf)));
	c.suite = VG_SDP_CRYPTO_NONE;
	EXPECT_EQ(-EINVAL, vg_sdp_crypto_format(&c, buf, sizeof(buf)));

	EXPECT_EQ(-EINVAL, vg_sdp_crypto_generate(&c, 1, VG_SDP_CRYPTO_NONE));
	EXPECT_EQ(-EINVAL,
			vg_sdp_crypto_generate(&c, VG_SDP_CRYPTO_TAG_MAX + 1,
					VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_80));
	EXPECT_EQ(-EINVAL,
			vg_sdp_crypto_generate(nullptr, 1,
					VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_80));
}

TEST(SdpCrypto, WipeAndNames)
{
	struct vg_sdp_crypto c;
	static const uint8_t zero[sizeof(c)] = {0};

	ASSERT_EQ(0,
			vg_sdp_crypto_generate(&c, 1,
					VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_80));
	vg_sdp_crypto_wipe(&c);
	EXPECT_EQ(0, memcmp(&c, zero, sizeof(c)));
	vg_sdp_crypto_wipe(nullptr);
	EXPECT_STREQ(vg_sdp_crypto_suite_name(
				     VG_SDP_CRYPTO_AES_CM_128_HMAC_SHA1_80),
			"AES_CM_128_HMAC_SHA1_80");
	EXPECT_EQ(vg_sdp_crypto_suite_name(VG_SDP_CRYPTO_NONE), nullptr);
}

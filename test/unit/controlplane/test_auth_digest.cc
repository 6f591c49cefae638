// SPDX-License-Identifier: BSD-3-Clause
/** @file Digest computation and stateless nonces against known vectors. */
#include <cerrno>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "vg_auth.h"

namespace {

std::string
ha1(vg_auth_alg alg, const char *u, const char *r, const char *p)
{
	char hex[VG_AUTH_HEX_MAX];

	EXPECT_EQ(0, vg_auth_ha1(alg, u, r, p, hex, sizeof(hex)));
	return hex;
}

std::string
response(vg_auth_alg alg, const std::string &h1, const char *nonce,
		const char *nc, const char *cnonce, const char *qop,
		const char *method, const char *uri)
{
	char h2[VG_AUTH_HEX_MAX], out[VG_AUTH_HEX_MAX];

	EXPECT_EQ(0, vg_auth_ha2(alg, method, uri, h2, sizeof(h2)));
	EXPECT_EQ(0, vg_auth_response(alg, h1.c_str(), nonce, nc, cnonce, qop,
			h2, out, sizeof(out)));
	return out;
}

} // namespace

// RFC 2617 §3.5: the Mufasa example.
TEST(AuthDigest, Rfc2617Example)
{
	std::string h1 = ha1(VG_AUTH_MD5, "Mufasa", "testrealm@host.com",
			"Circle Of Life");

	EXPECT_EQ("939e7578ed9e3c518a452acee763bce9", h1);
	EXPECT_EQ("6629fae49393a05397450978507c4ef1",
			response(VG_AUTH_MD5, h1,
				"dcd98b7102dd2f0e8b11d0f600bfb0c093",
				"00000001", "0a4f113b", "auth", "GET",
				"/dir/index.html"));
}

// RFC 7616 §3.9.1, MD5.
TEST(AuthDigest, Rfc7616Md5)
{
	std::string h1 = ha1(VG_AUTH_MD5, "Mufasa", "http-auth@example.org",
			"Circle of Life");

	EXPECT_EQ("8ca523f5e9506fed4657c9700eebdbec",
			response(VG_AUTH_MD5, h1,
				"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
				"00000001",
				"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
				"auth", "GET", "/dir/index.html"));
}

// RFC 7616 §3.9.1, SHA-256.
TEST(AuthDigest, Rfc7616Sha256)
{
	std::string h1 = ha1(VG_AUTH_SHA256, "Mufasa",
			"http-auth@example.org", "Circle of Life");

	EXPECT_EQ("7987c64c30e25f1b74be53f966b49b90"
		  "f2808aa92faf9a00262392d7b4794232", h1);
	EXPECT_EQ("753927fa0e85d155564e2e272a28d180"
		  "2ca10daf4496794697cf8db5856cb6c1",
			response(VG_AUTH_SHA256, h1,
				"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
				"00000001",
				"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
				"auth", "GET", "/dir/index.html"));
}

// RFC 2069 form (no qop): H(HA1:nonce:HA2), value checked independently
// (Python hashlib) since RFC 2069's own example response is known wrong.
TEST(AuthDigest, LegacyNoQop)
{
	std::string h1 = ha1(VG_AUTH_MD5, "Mufasa", "testrealm@host.com",
			"Circle Of Life");

	EXPECT_EQ("670fd8c2df070c60b045671b8b24ff02",
			response(VG_AUTH_MD5, h1,
				"dcd98b7102dd2f0e8b11d0f600bfb0c093", nullptr,
				nullptr, nullptr, "GET", "/dir/index.html"));
}

TEST(AuthDigest, AlgorithmNames)
{
	EXPECT_EQ(VG_AUTH_MD5, vg_auth_alg_from_name("md5"));
	EXPECT_EQ(VG_AUTH_SHA256, vg_auth_alg_from_name("SHA-256"));
	EXPECT_EQ(-EINVAL, vg_auth_alg_from_name("MD5-sess"));
	EXPECT_EQ(-EINVAL, vg_auth_alg_from_name("SHA-512-256"));
	EXPECT_EQ(-EINVAL, vg_auth_alg_from_name(nullptr));
	EXPECT_STREQ("SHA-256", vg_auth_alg_name(VG_AUTH_SHA256));
	EXPECT_EQ(nullptr, vg_auth_alg_name(VG_AUTH_ALG_COUNT));
	EXPECT_EQ(16u, vg_auth_alg_len(VG_AUTH_MD5));
	EXPECT_EQ(32u, vg_auth_alg_len(VG_AUTH_SHA256));
}

TEST(AuthDigest, Errors)
{
	char small[32], hex[VG_AUTH_HEX_MAX];

	EXPECT_EQ(-ENOSPC, vg_auth_ha1(VG_AUTH_MD5, "a", "b", "c", small,
			sizeof(small)));
	EXPECT_EQ(0, vg_auth_ha1(VG_AUTH_MD5, "a", "b", "c", hex, 33));
	EXPECT_EQ(-ENOSPC, vg_auth_ha1(VG_AUTH_SHA256, "a", "b", "c", hex,
			64));
	EXPECT_EQ(-EINVAL, vg_auth_ha1(VG_AUTH_MD5, nullptr, "b", "c", hex,
			sizeof(hex)));
	EXPECT_EQ(-EINVAL, vg_auth_ha1(VG_AUTH_ALG_COUNT, "a", "b", "c", hex,
			sizeof(hex)));
	EXPECT_EQ(-EINVAL, vg_auth_response(VG_AUTH_MD5, "x", "n", nullptr,
			"c", "auth", "y", hex, sizeof(hex)));
}

TEST(AuthDigest, ConstantTimeCompare)
{
	const char a[] = "0123456789abcdef0123456789abcdef";
	char b[sizeof(a)];

	memcpy(b, a, sizeof(a));
	EXPECT_TRUE(vg_auth_ct_equal(a, b, 32));
	b[31] ^= 1; // difference in the last byte
	EXPECT_FALSE(vg_auth_ct_equal(a, b, 32));
	b[31] ^= 1;
	b[0] ^= 0x80; // and in the first
	EXPECT_FALSE(vg_auth_ct_equal(a, b, 32));
	EXPECT_TRUE(vg_auth_ct_equal(a, b, 0));
}

class AuthNonce : public ::testing::Test {
protected:
	void SetUp() override
	{
		ASSERT_EQ(0, vg_auth_nonce_key_init(&key));
		ASSERT_EQ(0, vg_auth_nonce_make(&key, t0, nonce,
				sizeof(nonce)));
	}
	int check(const char *n, uint64_t now)
	{
		return vg_auth_nonce_check(&key, n, strlen(n), now, ttl,
				&issued, nullptr);
	}
	vg_auth_nonce_key key;
	char nonce[VG_AUTH_NONCE_LEN + 1];
	uint64_t issued = 0;
	const uint64_t t0 = 1700000000123ull;
	const uint64_t ttl = 30000;
};

TEST_F(AuthNonce, Valid)
{
	uint8_t tag[VG_AUTH_NONCE_TAG_LEN];

	EXPECT_EQ((size_t)VG_AUTH_NONCE_LEN, strlen(nonce));
	EXPECT_EQ(0, check(nonce, t0));
	EXPECT_EQ(t0, issued);
	EXPECT_EQ(0, check(nonce, t0 + ttl - 1));
	EXPECT_EQ(0, vg_auth_nonce_check(&key, nonce, strlen(nonce), t0, ttl,
			nullptr, tag));
	// the clock went back: still our nonce, still fresh
	EXPECT_EQ(0, check(nonce, t0 - 5000));
}

TEST_F(AuthNonce, UniquePerIssue)
{
	char other[VG_AUTH_NONCE_LEN + 1];

	ASSERT_EQ(0, vg_auth_nonce_make(&key, t0, other, sizeof(other)));
	EXPECT_STRNE(nonce, other); // random salt
}

TEST_F(AuthNonce, ExpiredIsStale)
{
	EXPECT_EQ(-ESTALE, check(nonce, t0 + ttl));
	EXPECT_EQ(t0, issued);
	EXPECT_EQ(-ESTALE, check(nonce, t0 + 10 * ttl));
}

TEST_F(AuthNonce, ForgedTag)
{
	std::string f = nonce;

	f[VG_AUTH_NONCE_LEN - 1] = f[VG_AUTH_NONCE_LEN - 1] == '0' ? '1' : '0';
	EXPECT_EQ(-EBADMSG, check(f.c_str(), t0));
}

TEST_F(AuthNonce, ForgedTimestamp)
{
	// move the issue time forward to extend the nonce's life
	std::string f = nonce;

	f[11] = f[11] == 'f' ? 'e' : 'f';
	EXPECT_EQ(-EBADMSG, check(f.c_str(), t0 + ttl));
}

TEST_F(AuthNonce, ForgedSalt)
{
	std::string f = nonce;

	f[20] = f[20] == 'a' ? 'b' : 'a';
	EXPECT_EQ(-EBADMSG, check(f.c_str(), t0));
}

TEST_F(AuthNonce, OtherKey)
{
	vg_auth_nonce_key other;

	ASSERT_EQ(0, vg_auth_nonce_key_init(&other));
	EXPECT_EQ(-EBADMSG, vg_auth_nonce_check(&other, nonce, strlen(nonce),
			t0, ttl, nullptr, nullptr));
}

TEST_F(AuthNonce, Malformed)
{
	std::string n = nonce;

	EXPECT_EQ(-EINVAL, check(n.substr(0, 63).c_str(), t0)); // truncated
	EXPECT_EQ(-EINVAL, check(n.substr(0, 32).c_str(), t0));
	EXPECT_EQ(-EINVAL, check("", t0));
	EXPECT_EQ(-EINVAL, check((n + "0").c_str(), t0)); // too long
	n[5] = 'g';
	EXPECT_EQ(-EINVAL, check(n.c_str(), t0)); // not hex
	EXPECT_EQ(-EINVAL, vg_auth_nonce_check(&key, nullptr, 3, t0, ttl,
			nullptr, nullptr));
	// a length shorter than the string: only len bytes are read
	EXPECT_EQ(-EINVAL, vg_auth_nonce_check(&key, nonce, 10, t0, ttl,
			nullptr, nullptr));
}

TEST_F(AuthNonce, UppercaseHexAccepted)
{
	std::string n = nonce;

	for (auto &c : n)
		c = (char)toupper((unsigned char)c);
	EXPECT_EQ(0, check(n.c_str(), t0));
}

TEST_F(AuthNonce, BufferTooSmall)
{
	char small[VG_AUTH_NONCE_LEN];

	EXPECT_EQ(-ENOSPC, vg_auth_nonce_make(&key, t0, small,
			sizeof(small)));
}

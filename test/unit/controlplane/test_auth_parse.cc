// SPDX-License-Identifier: BSD-3-Clause
/** @file The Authorization / Proxy-Authorization credentials parser. */
#include <cerrno>
#include <cstring>
#include <memory>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "vg_auth.h"

namespace {

struct Parsed {
	int rc;
	std::unique_ptr<vg_auth_creds> c;
};

Parsed
parse(const std::string &s)
{
	Parsed p{0, std::make_unique<vg_auth_creds>()};

	// copy into an exact-size heap buffer so ASan sees any overread
	std::unique_ptr<char[]> buf(new char[s.size() ? s.size() : 1]);
	memcpy(buf.get(), s.data(), s.size());
	p.rc = vg_auth_creds_parse(buf.get(), s.size(), p.c.get());
	return p;
}

const char *const kFull =
	"Digest username=\"alice\", realm=\"voxgate\", "
	"nonce=\"abc\", uri=\"sip:voxgate.example\", "
	"response=\"0123\", algorithm=MD5, cnonce=\"xyz\", nc=00000001, "
	"qop=auth, opaque=\"op\"";

} // namespace

TEST(AuthParse, AllFields)
{
	Parsed p = parse(kFull);

	ASSERT_EQ(0, p.rc);
	EXPECT_STREQ("alice", p.c->username);
	EXPECT_STREQ("voxgate", p.c->realm);
	EXPECT_STREQ("abc", p.c->nonce);
	EXPECT_STREQ("sip:voxgate.example", p.c->uri);
	EXPECT_STREQ("0123", p.c->response);
	EXPECT_STREQ("MD5", p.c->algorithm);
	EXPECT_STREQ("xyz", p.c->cnonce);
	EXPECT_STREQ("00000001", p.c->nc);
	EXPECT_STREQ("auth", p.c->qop);
	EXPECT_STREQ("op", p.c->opaque);
	EXPECT_EQ(0x3ffu, p.c->present);
}

TEST(AuthParse, WhitespaceCaseAndFolding)
{
	Parsed p = parse("  dIgEsT\tUserName = \"bob\" ,REALM=\"r\"\r\n"
			 "  ,  Nonce= n1 ,URI =\"sip:x\",,response=\"ab\"  ");

	ASSERT_EQ(0, p.rc);
	EXPECT_STREQ("bob", p.c->username);
	EXPECT_STREQ("r", p.c->realm);
	EXPECT_STREQ("n1", p.c->nonce);
	EXPECT_STREQ("sip:x", p.c->uri);
	EXPECT_STREQ("ab", p.c->response);
	EXPECT_FALSE(p.c->present & VG_AUTH_F_QOP);
}

TEST(AuthParse, QuotedEscapes)
{
	Parsed p = parse("Digest username=\"a\\\"b\\\\c\", realm=\"x,y=z\", "
			 "nonce=\"\", uri=\"u\", response=\"r\"");

	ASSERT_EQ(0, p.rc);
	EXPECT_STREQ("a\"b\\c", p.c->username);
	EXPECT_STREQ("x,y=z", p.c->realm);
	EXPECT_STREQ("", p.c->nonce);
}

TEST(AuthParse, UnknownParamsIgnored)
{
	Parsed p = parse("Digest foo=bar, username=\"u\", x-y=\"q\\\"q\", "
			 "realm=r, nonce=n, uri=\"u\", response=r, userhash=false");

	ASSERT_EQ(0, p.rc);
	EXPECT_STREQ("u", p.c->username);
}

TEST(AuthParse, OtherScheme)
{
	EXPECT_EQ(-EPROTONOSUPPORT, parse("Basic QWxhZGRpbjpvcGVu").rc);
	EXPECT_EQ(-EPROTONOSUPPORT, parse("Digestive username=\"a\"").rc);
	EXPECT_EQ(-EINVAL, parse("Digest,username=\"a\"").rc);
}

TEST(AuthParse, MissingFields)
{
	EXPECT_EQ(-EINVAL, parse("").rc);
	EXPECT_EQ(-EINVAL, parse("   ").rc);
	EXPECT_EQ(-EINVAL, parse("Digest").rc);
	EXPECT_EQ(-EINVAL, parse("Digest ").rc);
	// each required field left out in turn
	const char *req[] = {"username", "realm", "nonce", "uri", "response"};
	for (const char *drop : req) {
		std::string s = "Digest ";
		for (const char *f : req)
			if (strcmp(f, drop) != 0)
				s += std::string(f) + "=\"v\", ";
		s += "qop=auth";
		EXPECT_EQ(-EINVAL, parse(s).rc) << "without " << drop;
	}
}

TEST(AuthParse, Duplicates)
{
	EXPECT_EQ(-EINVAL, parse(std::string(kFull) + ", username=\"eve\"").rc);
	EXPECT_EQ(-EINVAL, parse(std::string(kFull) + ", NC=00000002").rc);
}

TEST(AuthParse, UnterminatedQuote)
{
	EXPECT_EQ(-EINVAL, parse("Digest username=\"alice").rc);
	EXPECT_EQ(-EINVAL, parse("Digest username=\"alice\\").rc);
	EXPECT_EQ(-EINVAL, parse("Digest username=\"a\", realm=\"r").rc);
}

TEST(AuthParse, Garbage)
{
	EXPECT_EQ(-EINVAL, parse("Digest username").rc);
	EXPECT_EQ(-EINVAL, parse("Digest username=").rc);
	EXPECT_EQ(-EINVAL, parse("Digest username=,realm=r").rc);
	EXPECT_EQ(-EINVAL, parse("Digest =\"x\"").rc);
	EXPECT_EQ(-EINVAL, parse("Digest username=\"a\"b, realm=r").rc);
	EXPECT_EQ(-EINVAL, parse("Digest username=\"a\" realm=\"r\"").rc);
	EXPECT_EQ(-EINVAL, parse("Digest user;name=\"a\"").rc);
	EXPECT_EQ(-EINVAL, parse(std::string("Digest username=\"a") + '\0' +
			"b\", realm=r, nonce=n, uri=u, response=r").rc);
}

TEST(AuthParse, TooLong)
{
	std::string big(VG_AUTH_FIELD_MAX, 'a');
	std::string ok(VG_AUTH_FIELD_MAX - 1, 'a');
	std::string tail = ", realm=r, nonce=n, uri=u, response=r";

	EXPECT_EQ(0, parse("Digest username=\"" + ok + "\"" + tail).rc);
	EXPECT_EQ(-E2BIG, parse("Digest username=\"" + big + "\"" + tail).rc);
	EXPECT_EQ(-E2BIG, parse("Digest username=" + big + tail).rc);
	// a huge header is refused before it is scanned
	std::string huge = "Digest x=\"" + std::string(1 << 20, 'x') + "\"";
	EXPECT_EQ(-E2BIG, parse(huge).rc);
	// long uri fits its larger field
	std::string uri(VG_AUTH_URI_MAX - 1, 'u');
	Parsed p = parse("Digest uri=\"" + uri + "\", username=a" + ", realm=r,"
			 " nonce=n, response=r");
	EXPECT_EQ(0, p.rc);
}

TEST(AuthParse, NullInput)
{
	vg_auth_creds c;

	EXPECT_EQ(-EINVAL, vg_auth_creds_parse(nullptr, 5, &c));
	EXPECT_EQ(-EINVAL, vg_auth_creds_parse(nullptr, 0, &c));
	EXPECT_EQ(-EINVAL, vg_auth_creds_parse("Digest", 6, nullptr));
}

TEST(AuthParse, LengthBoundsTheInput)
{
	// only the first len bytes count, even if more follow in memory
	std::string s = std::string(kFull) + ", username=\"dup\"";
	vg_auth_creds c;

	EXPECT_EQ(0, vg_auth_creds_parse(s.c_str(), strlen(kFull), &c));
	EXPECT_EQ(-EINVAL, vg_auth_creds_parse(s.c_str(), s.size(), &c));
}

// Every prefix of a valid header, and random mutations, parse or fail
// cleanly (ASan/UBSan build catches out-of-bounds reads).
TEST(AuthParse, PrefixesAndMutations)
{
	std::string full = kFull;
	std::mt19937 rng(12345);
	const char alphabet[] = "\"\\=, \t\r\nDigestuaz0\x01\x7f\xff";

	for (size_t n = 0; n <= full.size(); n++) {
		int rc = parse(full.substr(0, n)).rc;
		EXPECT_TRUE(rc == 0 || rc == -EINVAL || rc == -EPROTONOSUPPORT)
			<< n;
	}
	for (int i = 0; i < 20000; i++) {
		std::string s = full;
		int edits = 1 + (int)(rng() % 4);
		for (int e = 0; e < edits; e++) {
			size_t pos = rng() % s.size();
			char ch = alphabet[rng() % (sizeof(alphabet) - 1)];
			switch (rng() % 3) {
			case 0: s[pos] = ch; break;
			case 1: s.insert(pos, 1, ch); break;
			default: s.erase(pos, 1); break;
			}
			if (s.empty())
				s = "x";
		}
		Parsed p = parse(s);
		EXPECT_TRUE(p.rc == 0 || p.rc == -EINVAL || p.rc == -E2BIG ||
			p.rc == -EPROTONOSUPPORT) << s;
	}
}

// SPDX-License-Identifier: BSD-3-Clause
/**
 * @file
 * vg_auth_verify() as a client meets it: challenge, answer, verdict; with
 * the clock in the test's hands. Lockout: test_auth_lockout.cc.
 */
#include <cctype>
#include <vector>

#include "auth_client.h"

TEST_F(AuthVerify, ChallengeBothAlgorithmsSha256First)
{
	struct vg_auth_challenge ch;

	create();
	ASSERT_EQ(0, vg_auth_challenge_make(auth, kT0, false, &ch));
	ASSERT_EQ(2u, ch.n);
	std::string a = ch.value[0], b = ch.value[1];
	EXPECT_EQ(0u, a.find("Digest realm=\"voxgate.test\", nonce=\""));
	EXPECT_NE(std::string::npos, a.find("algorithm=SHA-256"));
	EXPECT_NE(std::string::npos, b.find("algorithm=MD5"));
	EXPECT_NE(std::string::npos, a.find("qop=\"auth\""));
	EXPECT_EQ(std::string::npos, a.find("auth-int"));
	EXPECT_EQ(std::string::npos, a.find("stale"));
	EXPECT_EQ(32u, param(a, "opaque").size());
	EXPECT_EQ((size_t)VG_AUTH_NONCE_LEN, param(a, "nonce").size());
	EXPECT_EQ(param(a, "nonce"), param(b, "nonce"));
}

TEST_F(AuthVerify, ChallengeStaleAndSingleAlgorithm)
{
	struct vg_auth_challenge ch;

	params.alg_enabled[VG_AUTH_SHA256] = false;
	create();
	ASSERT_EQ(0, vg_auth_challenge_make(auth, kT0, true, &ch));
	ASSERT_EQ(1u, ch.n);
	std::string a = ch.value[0];
	EXPECT_NE(std::string::npos, a.find("algorithm=MD5"));
	EXPECT_EQ(a.size() - strlen(", stale=true"), a.find(", stale=true"));
}

TEST_F(AuthVerify, ChallengeQuotesRealm)
{
	struct vg_auth_challenge ch;

	snprintf(params.realm, sizeof(params.realm), "a\"b\\c");
	create();
	ASSERT_EQ(0, vg_auth_challenge_make(auth, kT0, false, &ch));
	EXPECT_EQ(0u, std::string(ch.value[0]).find(
			"Digest realm=\"a\\\"b\\\\c\", "));
}

TEST_F(AuthVerify, CreateRejectsBadParams)
{
	vg_auth_params p = params;

	p.alg_enabled[VG_AUTH_MD5] = p.alg_enabled[VG_AUTH_SHA256] = false;
	EXPECT_EQ(-EINVAL, vg_auth_create(&auth, &p));
	p = params;
	p.realm[0] = '\0';
	EXPECT_EQ(-EINVAL, vg_auth_create(&auth, &p));
	p = params;
	p.nonce_ttl_s = 0;
	EXPECT_EQ(-EINVAL, vg_auth_create(&auth, &p));
	p = params;
	snprintf(p.realm, sizeof(p.realm), "bad\r\nrealm");
	EXPECT_EQ(-EINVAL, vg_auth_create(&auth, &p));
	EXPECT_EQ(nullptr, auth);
}

TEST_F(AuthVerify, NoCredentialsChallenges)
{
	vg_auth_request req{};
	vg_auth_result res;

	create();
	req.method = "INVITE";
	req.request_uri = kUri;
	req.ha1h = test_ha1;
	ASSERT_EQ(0, vg_auth_verify(auth, &req, kT0, &res));
	EXPECT_EQ(VG_AUTH_CHALLENGE, res.verdict);
	EXPECT_EQ(-EINVAL, vg_auth_verify(auth, nullptr, kT0, &res));
	req.ha1h = nullptr;
	EXPECT_EQ(-EINVAL, vg_auth_verify(auth, &req, kT0, &res));
}

TEST_F(AuthVerify, Md5Ok)
{
	create();
	Answer a = answer(kT0);
	vg_auth_result r = verify(a.header(), kT0 + 100);

	EXPECT_EQ(VG_AUTH_OK, r.verdict) << r.reason;
	EXPECT_STREQ("alice", r.user);
	EXPECT_EQ(VG_AUTH_MD5, r.alg);
}

TEST_F(AuthVerify, Sha256Ok)
{
	create();
	Answer a = answer(kT0);
	a.alg = "SHA-256";
	vg_auth_result r = verify(a.header(), kT0 + 100);

	EXPECT_EQ(VG_AUTH_OK, r.verdict) << r.reason;
	EXPECT_EQ(VG_AUTH_SHA256, r.alg);
}

TEST_F(AuthVerify, NoAlgorithmMeansMd5)
{
	create();
	Answer a = answer(kT0);
	a.send_alg = false;
	EXPECT_EQ(VG_AUTH_OK, v(a, kT0));
	params.alg_enabled[VG_AUTH_MD5] = false;
	create();
	a = answer(kT0);
	a.send_alg = false;
	EXPECT_EQ(VG_AUTH_CHALLENGE, v(a, kT0));
}

TEST_F(AuthVerify, StoredHa1AndOpaque)
{
	create();
	Answer a = answer(kT0);
	a.user = "carol";
	a.password = "pw-of-carol";
	a.opaque = opaque;
	EXPECT_EQ(VG_AUTH_OK, v(a, kT0));
	a = answer(kT0);
	a.user = "carol";
	a.password = "pw-of-carol";
	a.alg = "SHA-256"; // carol has no SHA-256 HA1
	EXPECT_EQ(VG_AUTH_FAIL, v(a, kT0));
}

TEST_F(AuthVerify, UppercaseResponseHexAccepted)
{
	create();
	Answer a = answer(kT0);
	std::string h = a.header();
	size_t p = h.find("response=\"") + 10;
	for (size_t i = p; h[i] != '"'; i++)
		h[i] = (char)toupper((unsigned char)h[i]);
	EXPECT_EQ(VG_AUTH_OK, verify(h, kT0).verdict);
}

TEST_F(AuthVerify, WrongPasswordFails)
{
	create();
	Answer a = answer(kT0);
	a.password = "guess";
	vg_auth_result r = verify(a.header(), kT0);
	EXPECT_EQ(VG_AUTH_FAIL, r.verdict);
	EXPECT_STREQ("wrong credentials", r.reason);
}

// The response compared in constant time: one flipped hex digit, at the
// first or the last position, fails the same way; a wrong length fails.
TEST_F(AuthVerify, ResponseComparePath)
{
	params.max_failures = 0;
	create();
	for (int pos : {0, 31}) {
		Answer a = answer(kT0);
		std::string h = a.header();
		size_t p = h.find("response=\"") + 10 + pos;
		h[p] = h[p] == '0' ? '1' : '0';
		EXPECT_EQ(VG_AUTH_FAIL, verify(h, kT0).verdict) << pos;
	}
	Answer a = answer(kT0);
	std::string h = a.header();
	size_t p = h.find("response=\"") + 10;
	EXPECT_EQ(VG_AUTH_FAIL, verify(h.erase(p, 1), kT0).verdict);
	a = answer(kT0);
	h = a.header();
	p = h.find("response=\"") + 10;
	EXPECT_EQ(VG_AUTH_FAIL, verify(h.insert(p, "0"), kT0).verdict);
	a = answer(kT0);
	h = a.header();
	p = h.find("response=\"") + 10;
	h[p] = 'g';
	EXPECT_EQ(VG_AUTH_FAIL, verify(h, kT0).verdict);
}

TEST_F(AuthVerify, UnknownUserFails)
{
	create();
	Answer a = answer(kT0);
	a.user = "mallory";
	EXPECT_EQ(VG_AUTH_FAIL, v(a, kT0));
}

TEST_F(AuthVerify, OtherRealmOrAlgorithmChallenges)
{
	create();
	Answer a = answer(kT0);
	a.realm = "elsewhere";
	EXPECT_EQ(VG_AUTH_CHALLENGE, v(a, kT0));
	a = answer(kT0);
	a.alg = "SHA-512-256";
	EXPECT_EQ(VG_AUTH_CHALLENGE, v(a, kT0));
	a = answer(kT0);
	a.alg = "MD5-sess";
	EXPECT_EQ(VG_AUTH_CHALLENGE, v(a, kT0));
	params.alg_enabled[VG_AUTH_SHA256] = false;
	create();
	a = answer(kT0);
	a.alg = "SHA-256";
	EXPECT_EQ(VG_AUTH_CHALLENGE, v(a, kT0));
	EXPECT_EQ(VG_AUTH_CHALLENGE,
			verify("Basic YWxpY2U6d29uZGVybGFuZA==", kT0).verdict);
}

TEST_F(AuthVerify, UriMustBeRequestUri)
{
	create();
	Answer a = answer(kT0);
	a.uri = "sip:other.test";
	vg_auth_result r = verify(a.header(), kT0);
	EXPECT_EQ(VG_AUTH_BAD_REQUEST, r.verdict);
	a = answer(kT0);
	r = verify(a.header(), kT0, "192.0.2.1", "sip:voxgate.test;transport=tcp");
	EXPECT_EQ(VG_AUTH_BAD_REQUEST, r.verdict);
}

TEST_F(AuthVerify, MethodIsPartOfTheDigest)
{
	create();
	Answer a = answer(kT0);
	a.method = "INVITE";
	EXPECT_EQ(VG_AUTH_FAIL, verify(a.header(), kT0).verdict);
	a = answer(kT0);
	a.method = "INVITE";
	EXPECT_EQ(VG_AUTH_OK, verify(a.header(), kT0, "192.0.2.1", kUri,
			"INVITE").verdict);
}

TEST_F(AuthVerify, QopRules)
{
	create();
	Answer a = answer(kT0);
	a.qop = "auth-int";
	EXPECT_EQ(VG_AUTH_BAD_REQUEST, v(a, kT0));
	a = answer(kT0);
	std::string h = a.header();
	h.erase(h.find(", cnonce="));
	EXPECT_EQ(VG_AUTH_BAD_REQUEST, verify(h, kT0).verdict);
	for (const char *nc : {"00000000", "123456789", "0000000x"}) {
		a = answer(kT0);
		a.nc = nc;
		EXPECT_EQ(VG_AUTH_BAD_REQUEST, v(a, kT0)) << nc;
	}
}

TEST_F(AuthVerify, MalformedIsBadRequest)
{
	create();
	vg_auth_result r = verify("Digest username=\"alice", kT0);
	EXPECT_EQ(VG_AUTH_BAD_REQUEST, r.verdict);
	EXPECT_EQ(VG_AUTH_BAD_REQUEST, verify("Digest realm=\"x\"", kT0).verdict);
	EXPECT_EQ(VG_AUTH_BAD_REQUEST,
			verify(std::string(10000, 'D'), kT0).verdict);
}

TEST_F(AuthVerify, ExpiredNonceIsStale)
{
	create();
	Answer a = answer(kT0);
	vg_auth_result r = verify(a.header(), kT0 + 30000);
	EXPECT_EQ(VG_AUTH_STALE, r.verdict);
	EXPECT_STREQ("nonce expired", r.reason);
	// stale is only for a right digest
	a.password = "guess";
	EXPECT_EQ(VG_AUTH_FAIL, v(a, kT0 + 30000));
	// one ms before expiry is still fine
	a = answer(kT0);
	EXPECT_EQ(VG_AUTH_OK, v(a, kT0 + 29999));
}

TEST_F(AuthVerify, ForgedOrForeignNonceIsStale)
{
	create();
	Answer a = answer(kT0);
	a.nonce[40] = a.nonce[40] == '0' ? '1' : '0';
	EXPECT_EQ(VG_AUTH_STALE, v(a, kT0));
	a.nonce = "not-a-nonce";
	EXPECT_EQ(VG_AUTH_STALE, v(a, kT0));
	// a nonce from before a restart (another secret)
	a = answer(kT0);
	create();
	vg_auth_result r = verify(a.header(), kT0);
	EXPECT_EQ(VG_AUTH_STALE, r.verdict);
	a.password = "guess";
	EXPECT_EQ(VG_AUTH_FAIL, v(a, kT0));
}

TEST_F(AuthVerify, ForeignOpaqueIsStale)
{
	create();
	Answer a = answer(kT0);
	a.opaque = "00112233";
	EXPECT_EQ(VG_AUTH_STALE, v(a, kT0));
}

TEST_F(AuthVerify, NonceCountReplayRefused)
{
	create();
	Answer a = answer(kT0);
	EXPECT_EQ(VG_AUTH_OK, v(a, kT0));
	vg_auth_result r = verify(a.header(), kT0 + 1);
	EXPECT_EQ(VG_AUTH_STALE, r.verdict);
	EXPECT_STREQ("nonce count replayed", r.reason);
	a.nc = "00000002";
	EXPECT_EQ(VG_AUTH_OK, v(a, kT0 + 2));
	EXPECT_EQ(VG_AUTH_STALE, v(a, kT0 + 3));
	a.nc = "00000001";
	EXPECT_EQ(VG_AUTH_STALE, v(a, kT0 + 4));
	a.nc = "0000000A"; // gaps are fine, only increase matters
	EXPECT_EQ(VG_AUTH_OK, v(a, kT0 + 5));
}

TEST_F(AuthVerify, LegacyNoQopOncePerNonce)
{
	create();
	Answer a = answer(kT0);
	a.qop = "";
	EXPECT_EQ(VG_AUTH_OK, v(a, kT0));
	EXPECT_EQ(VG_AUTH_STALE, v(a, kT0 + 1));
}

// A table of 4 entries (one bucket): eviction never lets a replay through.
TEST_F(AuthVerify, NonceTableEvictionNeverAllowsReplay)
{
	params.nc_entries = 4;
	create();
	Answer unused = answer(kT0); // issued first, never used
	std::vector<Answer> used;
	for (int i = 0; i < 50; i++) {
		Answer a = answer(kT0 + 10 + i);
		EXPECT_EQ(VG_AUTH_OK, v(a, kT0 + 10 + i)) << i;
		used.push_back(a);
	}
	for (size_t i = 0; i < used.size(); i++) {
		Answer a = used[i];
		EXPECT_EQ(VG_AUTH_STALE, v(a, kT0 + 100)) << i;
		a.nc = "00000002";
		vg_auth_verdict want = i + 4 >= used.size() ?
			VG_AUTH_OK : VG_AUTH_STALE; // tracked ones go on
		EXPECT_EQ(want, v(a, kT0 + 100)) << i;
	}
	vg_auth_result r = verify(unused.header(), kT0 + 100);
	EXPECT_EQ(VG_AUTH_STALE, r.verdict);
	EXPECT_STREQ("nonce no longer tracked", r.reason);
	// a nonce issued after every eviction is accepted
	Answer fresh = answer(kT0 + 200);
	EXPECT_EQ(VG_AUTH_OK, v(fresh, kT0 + 200));
}

// Expired entries make room without raising the horizon.
TEST_F(AuthVerify, NonceTableReusesExpiredEntries)
{
	params.nc_entries = 4;
	create();
	for (int i = 0; i < 4; i++) {
		Answer a = answer(kT0 + i);
		EXPECT_EQ(VG_AUTH_OK, v(a, kT0 + i));
	}
	Answer early = answer(kT0 + 40000); // issued before the later ones
	// three expired entries make room; the fourth still holds room
	for (int i = 0; i < 3; i++) {
		Answer a = answer(kT0 + 40001 + i);
		EXPECT_EQ(VG_AUTH_OK, v(a, kT0 + 40001 + i));
	}
	EXPECT_EQ(VG_AUTH_OK, v(early, kT0 + 40010));
}

TEST(AuthVerdict, Names)
{
	EXPECT_STREQ("OK", vg_auth_verdict_name(VG_AUTH_OK));
	EXPECT_STREQ("BAD_REQUEST", vg_auth_verdict_name(VG_AUTH_BAD_REQUEST));
	EXPECT_STREQ("?", vg_auth_verdict_name((vg_auth_verdict)99));
}

TEST_F(AuthVerify, LongRealmChallengeFits)
{
	struct vg_auth_challenge ch;

	memset(params.realm, '"', sizeof(params.realm) - 1);
	params.realm[sizeof(params.realm) - 1] = '\0';
	create();
	ASSERT_EQ(0, vg_auth_challenge_make(auth, kT0, true, &ch));
	EXPECT_EQ(2u, ch.n);
	// and a client answering it is understood
	Answer a = answer(kT0);
	a.realm = params.realm;
	std::string h = a.header();
	// the test client does not escape: do it here
	std::string esc;
	for (char c : a.realm)
		esc += std::string(c == '"' ? "\\" : "") + c;
	h.replace(h.find("realm=\"") + 7, a.realm.size(), esc);
	EXPECT_EQ(VG_AUTH_OK, verify(h, kT0).verdict);
}

static int
upper_ha1(const char *user, const char *realm, vg_auth_alg alg, char *hex,
		size_t size, void *)
{
	int rc = vg_auth_ha1(alg, user, realm, "wonderland", hex, size);
	for (char *c = hex; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	return rc;
}

TEST_F(AuthVerify, UppercaseStoredHa1)
{
	create();
	Answer a = answer(kT0);
	std::string h = a.header();
	vg_auth_request req{};
	vg_auth_result res;
	req.method = "REGISTER";
	req.request_uri = kUri;
	req.header = h.c_str();
	req.header_len = h.size();
	req.ha1h = upper_ha1; // and no source address
	ASSERT_EQ(0, vg_auth_verify(auth, &req, kT0, &res));
	EXPECT_EQ(VG_AUTH_OK, res.verdict) << res.reason;
}

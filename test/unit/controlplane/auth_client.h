// SPDX-License-Identifier: BSD-3-Clause
/**
 * @file
 * A digest client for the vg_auth tests: users, an Authorization header
 * builder and a fixture that drives vg_auth_verify() with a test clock.
 */
#ifndef VG_TEST_AUTH_CLIENT_H
#define VG_TEST_AUTH_CLIENT_H

#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "vg_auth.h"

inline constexpr char kRealm[] = "voxgate.test";
inline constexpr char kUri[] = "sip:voxgate.test";
inline constexpr uint64_t kT0 = 1000000;

/* carol's HA1 is stored (MD5 only): MD5("carol:voxgate.test:pw-of-carol") */
inline int
test_ha1(const char *user, const char *realm, vg_auth_alg alg, char *hex,
		size_t size, void *)
{
	if (strcmp(user, "alice") == 0)
		return vg_auth_ha1(alg, user, realm, "wonderland", hex, size);
	if (strcmp(user, "bob") == 0)
		return vg_auth_ha1(alg, user, realm, "hunter2", hex, size);
	if (strcmp(user, "carol") == 0 && alg == VG_AUTH_MD5) {
		char h[VG_AUTH_HEX_MAX];
		vg_auth_ha1(VG_AUTH_MD5, "carol", kRealm, "pw-of-carol", h,
				sizeof(h));
		snprintf(hex, size, "%s", h);
		return 0;
	}
	return -ENOENT;
}

inline vg_cfg_addr
addr4(const char *s)
{
	vg_cfg_addr a{};
	a.family = AF_INET;
	inet_pton(AF_INET, s, &a.u.v4);
	return a;
}

/** What a client puts in its Authorization header. */
struct Answer {
	std::string user = "alice";
	std::string password = "wonderland";
	std::string realm = kRealm;
	std::string nonce;
	std::string uri = kUri;
	std::string method = "REGISTER";
	std::string alg = "MD5";
	bool send_alg = true;
	std::string qop = "auth"; /* "" = legacy form */
	std::string nc = "00000001";
	std::string cnonce = "0a4f113b";
	std::string opaque;       /* "" = not sent */

	std::string header() const
	{
		int a = vg_auth_alg_from_name(alg.c_str());
		vg_auth_alg calg = a < 0 ? VG_AUTH_MD5 : (vg_auth_alg)a;
		char h1[VG_AUTH_HEX_MAX], h2[VG_AUTH_HEX_MAX];
		char resp[VG_AUTH_HEX_MAX];

		vg_auth_ha1(calg, user.c_str(), realm.c_str(),
				password.c_str(), h1, sizeof(h1));
		vg_auth_ha2(calg, method.c_str(), uri.c_str(), h2, sizeof(h2));
		vg_auth_response(calg, h1, nonce.c_str(), nc.c_str(),
				cnonce.c_str(), qop.empty() ? nullptr : qop.c_str(),
				h2, resp, sizeof(resp));
		std::string s = "Digest username=\"" + user + "\", realm=\"" +
			realm + "\", nonce=\"" + nonce + "\", uri=\"" + uri +
			"\", response=\"" + resp + "\"";
		if (send_alg)
			s += ", algorithm=" + alg;
		if (!qop.empty())
			s += ", qop=" + qop + ", nc=" + nc + ", cnonce=\"" +
				cnonce + "\"";
		if (!opaque.empty())
			s += ", opaque=\"" + opaque + "\"";
		return s;
	}
};

inline std::string
param(const std::string &challenge, const std::string &name)
{
	size_t p = challenge.find(name + "=\"");
	if (p == std::string::npos)
		return "";
	p += name.size() + 2;
	return challenge.substr(p, challenge.find('"', p) - p);
}

class AuthVerify : public ::testing::Test {
protected:
	void SetUp() override
	{
		snprintf(params.realm, sizeof(params.realm), "%s", kRealm);
		params.alg_enabled[VG_AUTH_MD5] = true;
		params.alg_enabled[VG_AUTH_SHA256] = true;
		params.nonce_ttl_s = 30;
		params.max_failures = 3;
		params.failure_window_s = 60;
		params.lockout_s = 300;
	}
	void TearDown() override { vg_auth_destroy(auth); }

	void create()
	{
		vg_auth_destroy(auth);
		auth = nullptr;
		ASSERT_EQ(0, vg_auth_create(&auth, &params));
	}

	/** A fresh challenge's nonce (and its opaque into opaque). */
	std::string nonce(uint64_t now)
	{
		struct vg_auth_challenge ch;
		EXPECT_EQ(0, vg_auth_challenge_make(auth, now, false, &ch));
		opaque = param(ch.value[0], "opaque");
		return param(ch.value[0], "nonce");
	}

	vg_auth_result verify(const std::string &hdr, uint64_t now,
			const char *src = "192.0.2.1", const char *ruri = kUri,
			const char *method = "REGISTER")
	{
		vg_cfg_addr a = addr4(src);
		vg_auth_request req{};
		vg_auth_result res;

		req.method = method;
		req.request_uri = ruri;
		req.header = hdr.c_str();
		req.header_len = hdr.size();
		req.src = &a;
		req.ha1h = test_ha1;
		EXPECT_EQ(0, vg_auth_verify(auth, &req, now, &res));
		return res;
	}

	vg_auth_verdict v(const Answer &ans, uint64_t now,
			const char *src = "192.0.2.1")
	{
		return verify(ans.header(), now, src).verdict;
	}

	Answer answer(uint64_t now)
	{
		Answer a;
		a.nonce = nonce(now);
		return a;
	}

	vg_auth_params params{};
	vg_auth *auth = nullptr;
	std::string opaque;
};

#endif /* VG_TEST_AUTH_CLIENT_H */

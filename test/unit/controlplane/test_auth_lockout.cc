// SPDX-License-Identifier: BSD-3-Clause
/**
 * @file
 * The failure lockout of vg_auth_verify() (per source, per user, window,
 * expiry, bounded table) and the settings taken from struct vg_config.
 */
#include <string>

#include "auth_client.h"

class AuthLockout : public AuthVerify {};

TEST_F(AuthLockout, LockoutAfterMaxFailures)
{
	create();
	Answer bad = answer(kT0);
	bad.password = "guess";
	EXPECT_EQ(VG_AUTH_FAIL, v(bad, kT0));
	EXPECT_EQ(VG_AUTH_FAIL, v(bad, kT0 + 1));
	vg_auth_result r = verify(bad.header(), kT0 + 2);
	EXPECT_EQ(VG_AUTH_LOCKED, r.verdict);
	EXPECT_STREQ("too many failures", r.reason);

	// the right password does not help: source and user are locked
	Answer good = answer(kT0 + 3);
	r = verify(good.header(), kT0 + 3);
	EXPECT_EQ(VG_AUTH_LOCKED, r.verdict);
	EXPECT_STREQ("source locked out", r.reason);
	good = answer(kT0 + 4);
	r = verify(good.header(), kT0 + 4, "198.51.100.7");
	EXPECT_EQ(VG_AUTH_LOCKED, r.verdict);
	EXPECT_STREQ("user locked out", r.reason);
	EXPECT_TRUE(vg_auth_is_locked(auth, nullptr, "alice", kT0 + 4));

	// other users from other sources are unaffected
	Answer b = answer(kT0 + 5);
	b.user = "bob";
	b.password = "hunter2";
	EXPECT_EQ(VG_AUTH_OK, v(b, kT0 + 5, "198.51.100.7"));
	EXPECT_FALSE(vg_auth_is_locked(auth, nullptr, "bob", kT0 + 5));

	// the lockout expires
	uint64_t later = kT0 + 2 + 300000;
	EXPECT_FALSE(vg_auth_is_locked(auth, nullptr, "alice", later));
	good = answer(later);
	EXPECT_EQ(VG_AUTH_OK, v(good, later));
}

TEST_F(AuthLockout, LockoutPerSource)
{
	create();
	// one source guessing different users is locked out as a source
	for (const char *u : {"u1", "u2", "u3"}) {
		Answer a = answer(kT0);
		a.user = u;
		v(a, kT0);
	}
	vg_cfg_addr src = addr4("192.0.2.1");
	EXPECT_TRUE(vg_auth_is_locked(auth, &src, nullptr, kT0));
	Answer b = answer(kT0);
	b.user = "bob";
	b.password = "hunter2";
	EXPECT_EQ(VG_AUTH_LOCKED, v(b, kT0));
	EXPECT_EQ(VG_AUTH_OK, v(b, kT0, "192.0.2.2"));
	// a locked source is refused before its credentials are read
	EXPECT_EQ(VG_AUTH_LOCKED, verify("garbage", kT0).verdict);
}

TEST_F(AuthLockout, FailuresOutsideTheWindowAreForgotten)
{
	create();
	Answer bad = answer(kT0);
	bad.password = "guess";
	EXPECT_EQ(VG_AUTH_FAIL, v(bad, kT0));
	EXPECT_EQ(VG_AUTH_FAIL, v(bad, kT0 + 1));
	uint64_t later = kT0 + 60000 + 2; // the window is 60 s
	bad = answer(later);
	bad.password = "guess";
	EXPECT_EQ(VG_AUTH_FAIL, v(bad, later));
	EXPECT_EQ(VG_AUTH_FAIL, v(bad, later + 1));
	EXPECT_FALSE(vg_auth_is_locked(auth, nullptr, "alice", later + 1));
}

TEST_F(AuthLockout, SuccessForgetsTheUsersFailures)
{
	create();
	Answer bad = answer(kT0);
	bad.password = "guess";
	EXPECT_EQ(VG_AUTH_FAIL, v(bad, kT0, "192.0.2.10"));
	EXPECT_EQ(VG_AUTH_FAIL, v(bad, kT0, "192.0.2.11"));
	Answer good = answer(kT0);
	EXPECT_EQ(VG_AUTH_OK, v(good, kT0, "192.0.2.12"));
	EXPECT_EQ(VG_AUTH_FAIL, v(bad, kT0, "192.0.2.13"));
	EXPECT_EQ(VG_AUTH_FAIL, v(bad, kT0, "192.0.2.14"));
	EXPECT_FALSE(vg_auth_is_locked(auth, nullptr, "alice", kT0));
}

TEST_F(AuthLockout, LockoutDisabled)
{
	params.max_failures = 0;
	create();
	Answer bad = answer(kT0);
	bad.password = "guess";
	for (int i = 0; i < 20; i++)
		EXPECT_EQ(VG_AUTH_FAIL, v(bad, kT0 + i));
}

// A flood of failing users in a tiny table never evicts an active lock.
TEST_F(AuthLockout, LockTableFloodKeepsLocks)
{
	params.lock_entries = 4;
	create();
	Answer bad = answer(kT0);
	bad.password = "guess";
	for (int i = 0; i < 3; i++)
		v(bad, kT0, "192.0.2.1");
	ASSERT_TRUE(vg_auth_is_locked(auth, nullptr, "alice", kT0));
	for (int i = 0; i < 1000; i++) {
		Answer a = answer(kT0);
		a.user = "flood" + std::to_string(i);
		a.password = "x";
		char src[32];
		snprintf(src, sizeof(src), "10.0.%d.%d", i / 250, i % 250);
		EXPECT_NE(VG_AUTH_OK, v(a, kT0 + 1, src));
	}
	EXPECT_TRUE(vg_auth_is_locked(auth, nullptr, "alice", kT0 + 2));
	vg_cfg_addr src = addr4("192.0.2.1");
	EXPECT_TRUE(vg_auth_is_locked(auth, &src, nullptr, kT0 + 2));
}

TEST_F(AuthLockout, LockoutIpv6Source)
{
	create();
	vg_cfg_addr a6{}, b6{};
	a6.family = b6.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::1", &a6.u.v6);
	inet_pton(AF_INET6, "2001:db8::2", &b6.u.v6);
	for (const char *u : {"x1", "x2", "x3"}) {
		Answer a = answer(kT0);
		a.user = u;
		std::string h = a.header();
		vg_auth_request req{};
		vg_auth_result res;
		req.method = "REGISTER";
		req.request_uri = kUri;
		req.header = h.c_str();
		req.header_len = h.size();
		req.src = &a6;
		req.ha1h = test_ha1;
		ASSERT_EQ(0, vg_auth_verify(auth, &req, kT0, &res));
	}
	EXPECT_TRUE(vg_auth_is_locked(auth, &a6, nullptr, kT0));
	EXPECT_FALSE(vg_auth_is_locked(auth, &b6, nullptr, kT0));
	EXPECT_FALSE(vg_auth_is_locked(nullptr, &a6, nullptr, kT0));
	EXPECT_FALSE(vg_auth_is_locked(auth, nullptr, nullptr, kT0));
}

TEST(AuthConfig, ParamsAndHa1FromConfig)
{
	vg_config cfg{};
	vg_cfg_user users[3]{};
	vg_auth_params p;
	char hex[VG_AUTH_HEX_MAX], want[VG_AUTH_HEX_MAX];

	snprintf(cfg.sip.realm, sizeof(cfg.sip.realm), "%s", kRealm);
	cfg.sip.auth_md5 = true;
	cfg.sip.nonce_ttl_s = 45;
	cfg.sip.max_failures = 5;
	cfg.sip.lockout_s = 120;
	vg_auth_params_from_config(&cfg.sip, &p);
	EXPECT_STREQ(kRealm, p.realm);
	EXPECT_TRUE(p.alg_enabled[VG_AUTH_MD5]);
	EXPECT_FALSE(p.alg_enabled[VG_AUTH_SHA256]);
	EXPECT_EQ(45u, p.nonce_ttl_s);
	EXPECT_EQ(5u, p.max_failures);
	EXPECT_EQ(120u, p.lockout_s);
	EXPECT_EQ(120u, p.failure_window_s);

	snprintf(users[0].name, sizeof(users[0].name), "alice");
	snprintf(users[0].password, sizeof(users[0].password), "wonderland");
	snprintf(users[1].name, sizeof(users[1].name), "carol");
	vg_auth_ha1(VG_AUTH_MD5, "carol", kRealm, "pw", users[1].ha1_md5,
			sizeof(users[1].ha1_md5));
	snprintf(users[2].name, sizeof(users[2].name), "dave");
	vg_auth_ha1(VG_AUTH_SHA256, "dave", kRealm, "pw", users[2].ha1_sha256,
			sizeof(users[2].ha1_sha256));
	cfg.users = users;
	cfg.n_users = 3;

	ASSERT_EQ(0, vg_auth_config_ha1("alice", kRealm, VG_AUTH_SHA256, hex,
			sizeof(hex), &cfg));
	vg_auth_ha1(VG_AUTH_SHA256, "alice", kRealm, "wonderland", want,
			sizeof(want));
	EXPECT_STREQ(want, hex);
	ASSERT_EQ(0, vg_auth_config_ha1("carol", kRealm, VG_AUTH_MD5, hex,
			sizeof(hex), &cfg));
	EXPECT_STREQ(users[1].ha1_md5, hex);
	EXPECT_EQ(-ENOENT, vg_auth_config_ha1("carol", kRealm, VG_AUTH_SHA256,
			hex, sizeof(hex), &cfg));
	EXPECT_EQ(0, vg_auth_config_ha1("dave", kRealm, VG_AUTH_SHA256, hex,
			sizeof(hex), &cfg));
	EXPECT_EQ(-ENOENT, vg_auth_config_ha1("dave", "other", VG_AUTH_SHA256,
			hex, sizeof(hex), &cfg));
	EXPECT_EQ(-ENOENT, vg_auth_config_ha1("eve", kRealm, VG_AUTH_MD5, hex,
			sizeof(hex), &cfg));
}

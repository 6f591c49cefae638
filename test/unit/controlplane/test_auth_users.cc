/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file The user index (controlplane/auth_users.c) answers as the
 * reference lookup over the configuration, vg_auth_config_ha1(), does:
 * every user, algorithm and realm, names that are not there, and many
 * users sharing hash buckets.
 */
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vg_auth.h"
#include "vg_config.h"

namespace {

class AuthUsers : public ::testing::Test {
protected:
	void SetUp() override { vg_config_defaults(&cfg); }
	void TearDown() override
	{
		vg_auth_users_destroy(us);
		free(cfg.users);
	}

	void users(const std::vector<vg_cfg_user> &v)
	{
		cfg.users = (vg_cfg_user *)calloc(v.size() + 1, sizeof(v[0]));
		ASSERT_NE(nullptr, cfg.users);
		for (size_t i = 0; i < v.size(); i++)
			cfg.users[i] = v[i];
		cfg.n_users = (uint32_t)v.size();
		ASSERT_EQ(0, vg_auth_users_create(&us, &cfg));
	}

	static void put(char *dst, size_t size, const std::string &src)
	{
		size_t n = std::min(src.size(), size - 1);
		memcpy(dst, src.data(), n);
		dst[n] = '\0';
	}

	static vg_cfg_user user(const char *name, const char *pw,
			const char *md5 = "", const char *sha = "")
	{
		vg_cfg_user u{};
		put(u.name, sizeof(u.name), name);
		put(u.password, sizeof(u.password), pw);
		put(u.ha1_md5, sizeof(u.ha1_md5), md5);
		put(u.ha1_sha256, sizeof(u.ha1_sha256), sha);
		return u;
	}

	/* both lookups, one answer */
	void same(const char *name, const char *realm, vg_auth_alg alg)
	{
		char a[VG_AUTH_HEX_MAX] = "", b[VG_AUTH_HEX_MAX] = "";
		int ra = vg_auth_config_ha1(name, realm, alg, a, sizeof(a),
				&cfg);
		int rb = vg_auth_users_ha1(name, realm, alg, b, sizeof(b), us);
		EXPECT_EQ(ra, rb) << name << " " << realm << " " << alg;
		if (ra == 0 && rb == 0) {
			EXPECT_STREQ(a, b) << name << " " << realm << " "
					   << alg;
		}
	}

	vg_config cfg;
	vg_auth_users *us = nullptr;
};

} // namespace

TEST_F(AuthUsers, SameAnswersAsTheConfigLookup)
{
	snprintf(cfg.sip.realm, sizeof(cfg.sip.realm), "%s", "voxgate.test");
	char md5[VG_AUTH_HEX_MAX], sha[VG_AUTH_HEX_MAX];
	ASSERT_EQ(0, vg_auth_ha1(VG_AUTH_MD5, "carol", "voxgate.test", "pc",
		md5, sizeof(md5)));
	ASSERT_EQ(0, vg_auth_ha1(VG_AUTH_SHA256, "dave", "voxgate.test", "pd",
		sha, sizeof(sha)));
	users({user("alice", "wonderland"), user("bob", "hunter2"),
		user("carol", "", md5), user("dave", "", "", sha)});
	for (const char *name : {"alice", "bob", "carol", "dave", "eve", "",
			"Alice", "alice2"})
		for (const char *realm : {"voxgate.test", "other.test"})
			for (vg_auth_alg alg : {VG_AUTH_MD5, VG_AUTH_SHA256})
				same(name, realm, alg);

	char h[VG_AUTH_HEX_MAX];
	EXPECT_EQ(0, vg_auth_users_ha1("carol", "voxgate.test", VG_AUTH_MD5,
		h, sizeof(h), us));
	EXPECT_STREQ(md5, h);
	EXPECT_EQ(-ENOENT, vg_auth_users_ha1("carol", "voxgate.test",
		VG_AUTH_SHA256, h, sizeof(h), us)) << "no SHA-256 HA1 stored";
	EXPECT_EQ(-ENOSPC, vg_auth_users_ha1("alice", "voxgate.test",
		VG_AUTH_MD5, h, 32, us));
	EXPECT_EQ(-EINVAL, vg_auth_users_ha1("alice", "voxgate.test",
		VG_AUTH_MD5, h, sizeof(h), nullptr));
}

TEST_F(AuthUsers, ManyUsersEveryOneFound)
{
	snprintf(cfg.sip.realm, sizeof(cfg.sip.realm), "%s", "r");
	std::vector<vg_cfg_user> v;
	for (int i = 0; i < 5000; i++) {
		std::string n = "u" + std::to_string(i);
		std::string p = "p" + std::to_string(i * 7);
		v.push_back(user(n.c_str(), p.c_str()));
	}
	users(v);
	for (int i = 0; i < 5000; i += 37) {
		std::string n = "u" + std::to_string(i);
		same(n.c_str(), "r", VG_AUTH_MD5);
		same(n.c_str(), "r", VG_AUTH_SHA256);
	}
	same("u5000", "r", VG_AUTH_MD5);
	same("u-1", "r", VG_AUTH_MD5);
}

TEST_F(AuthUsers, NoUsers)
{
	users({});
	char h[VG_AUTH_HEX_MAX];
	EXPECT_EQ(-ENOENT, vg_auth_users_ha1("alice", cfg.sip.realm,
		VG_AUTH_MD5, h, sizeof(h), us));
	EXPECT_EQ(-EINVAL, vg_auth_users_create(nullptr, &cfg));
}

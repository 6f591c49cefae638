// SPDX-License-Identifier: BSD-3-Clause
/** @file The route table and the trunk lookup by source address. */
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vg_route.h"

namespace {

vg_cfg_route
route(const char *name, const char *prefix, const char *pattern = "")
{
	vg_cfg_route r{};
	snprintf(r.name, sizeof(r.name), "%s", name);
	snprintf(r.match_prefix, sizeof(r.match_prefix), "%s", prefix);
	snprintf(r.match_pattern, sizeof(r.match_pattern), "%s", pattern);
	r.dest = VG_ROUTE_USER;
	return r;
}

void
to_trunk(vg_cfg_route &r, const char *trunk)
{
	r.dest = VG_ROUTE_TRUNK;
	snprintf(r.trunk, sizeof(r.trunk), "%s", trunk);
}

void
rewrite(vg_cfg_route &r, uint8_t strip, const char *prefix)
{
	r.strip = strip;
	snprintf(r.prefix, sizeof(r.prefix), "%s", prefix);
}

class Route : public ::testing::Test {
protected:
	void TearDown() override { vg_route_table_destroy(table); }

	void build()
	{
		vg_config cfg{};
		char err[128];

		cfg.routes = routes.data();
		cfg.n_routes = (uint32_t)routes.size();
		vg_route_table_destroy(table);
		table = nullptr;
		ASSERT_EQ(0, vg_route_table_create(&table, &cfg, err,
				sizeof(err))) << err;
	}

	/** The name of the matching route, or "-ENOENT". */
	std::string lookup(const char *user, const char *from_user = nullptr,
			const char *from_trunk = nullptr)
	{
		const vg_cfg_route *r = nullptr;
		int rc = vg_route_lookup(table, user, from_user, from_trunk,
				&r, out, sizeof(out));
		if (rc == -ENOENT)
			return "-ENOENT";
		EXPECT_EQ(0, rc);
		EXPECT_NE(nullptr, r);
		return r != nullptr ? r->name : "?";
	}

	std::vector<vg_cfg_route> routes;
	vg_route_table *table = nullptr;
	char out[VG_CFG_NAME_MAX];
};

} // namespace

TEST_F(Route, Prefix)
{
	routes.push_back(route("intl", "00"));
	routes.push_back(route("national", "0"));
	build();
	EXPECT_EQ(2u, vg_route_table_count(table));
	EXPECT_EQ("intl", lookup("0049301234"));
	EXPECT_STREQ("0049301234", out);
	EXPECT_EQ("national", lookup("0301234"));
	EXPECT_EQ("-ENOENT", lookup("1234"));
	EXPECT_EQ("-ENOENT", lookup("")); // empty user, no catch-all
}

TEST_F(Route, EmptyPrefixMatchesEveryUser)
{
	routes.push_back(route("all", ""));
	build();
	EXPECT_EQ("all", lookup("alice"));
	EXPECT_STREQ("alice", out);
}

TEST_F(Route, Pattern)
{
	routes.push_back(route("ext", "", "^[1-4][0-9]{3}$"));
	routes.push_back(route("emergency", "", "^(110|112)$"));
	build();
	EXPECT_EQ("ext", lookup("2001"));
	EXPECT_EQ("-ENOENT", lookup("20011"));
	EXPECT_EQ("-ENOENT", lookup("5001"));
	EXPECT_EQ("emergency", lookup("112"));
	EXPECT_EQ("ext", lookup("1120")); // ext, not emergency
	EXPECT_EQ("-ENOENT", lookup("01120"));
}

TEST_F(Route, UnanchoredPatternSearches)
{
	routes.push_back(route("has99", "", "99"));
	build();
	EXPECT_EQ("has99", lookup("129934"));
	EXPECT_EQ("-ENOENT", lookup("12934"));
}

TEST_F(Route, PrefixAndPatternBothNeeded)
{
	routes.push_back(route("mobile", "01", "^01[5-7][0-9]+$"));
	build();
	EXPECT_EQ("mobile", lookup("01701234"));
	EXPECT_EQ("-ENOENT", lookup("01401234")); // prefix ok, pattern not
	EXPECT_EQ("-ENOENT", lookup("1701234"));  // pattern would, prefix not
}

TEST_F(Route, FromUserAndFromTrunkFilters)
{
	vg_cfg_route boss = route("boss", "9");
	snprintf(boss.from_user, sizeof(boss.from_user), "alice");
	vg_cfg_route carrier = route("carrier", "9");
	snprintf(carrier.from_trunk, sizeof(carrier.from_trunk), "carrier-a");
	routes.push_back(boss);
	routes.push_back(carrier);
	routes.push_back(route("rest", "9"));
	build();
	EXPECT_EQ("boss", lookup("9123", "alice"));
	EXPECT_EQ("rest", lookup("9123", "bob"));
	EXPECT_EQ("rest", lookup("9123", nullptr));
	EXPECT_EQ("carrier", lookup("9123", nullptr, "carrier-a"));
	EXPECT_EQ("rest", lookup("9123", nullptr, "carrier-b"));
	EXPECT_EQ("boss", lookup("9123", "alice", "carrier-a")); // order
}

TEST_F(Route, FirstMatchInOrder)
{
	routes.push_back(route("first", "1"));
	routes.push_back(route("second", "12"));
	build();
	EXPECT_EQ("first", lookup("123"));
	routes.clear();
	routes.push_back(route("second", "12"));
	routes.push_back(route("first", "1"));
	build();
	EXPECT_EQ("second", lookup("123"));
	EXPECT_EQ("first", lookup("13"));
}

TEST_F(Route, StripAndPrefixRewrite)
{
	vg_cfg_route out_r = route("out", "0");
	to_trunk(out_r, "carrier-a");
	rewrite(out_r, 1, "+49");
	vg_cfg_route ext = route("ext", "*7");
	rewrite(ext, 2, "");
	vg_cfg_route add = route("add", "5");
	rewrite(add, 0, "0049");
	routes.push_back(out_r);
	routes.push_back(ext);
	routes.push_back(add);
	build();

	const vg_cfg_route *r = nullptr;
	ASSERT_EQ(0, vg_route_lookup(table, "0301234", nullptr, nullptr, &r,
			out, sizeof(out)));
	EXPECT_STREQ("+49301234", out);
	EXPECT_EQ(VG_ROUTE_TRUNK, r->dest);
	EXPECT_STREQ("carrier-a", r->trunk);
	EXPECT_EQ("ext", lookup("*72001"));
	EXPECT_STREQ("2001", out);
	EXPECT_EQ("add", lookup("5551"));
	EXPECT_STREQ("00495551", out);
}

TEST_F(Route, StripLongerThanUser)
{
	vg_cfg_route a = route("strip-all", "");
	rewrite(a, 4, "");
	vg_cfg_route b = route("strip-and-prefix", "");
	rewrite(b, 9, "100");
	routes.push_back(a);
	routes.push_back(b);
	build();
	EXPECT_EQ("strip-all", lookup("12345"));
	EXPECT_STREQ("5", out);
	// stripping everything would leave an empty user: next route
	EXPECT_EQ("strip-and-prefix", lookup("1234"));
	EXPECT_STREQ("100", out);
}

TEST_F(Route, OutputBufferTooSmall)
{
	vg_cfg_route r = route("long", "");
	rewrite(r, 0, "0049");
	routes.push_back(r);
	build();
	char small[8];
	EXPECT_EQ(-ENOSPC, vg_route_lookup(table, "1234", nullptr, nullptr,
			nullptr, small, sizeof(small)));
	EXPECT_EQ(0, vg_route_lookup(table, "123", nullptr, nullptr,
			nullptr, small, sizeof(small)));
	EXPECT_STREQ("0049123", small);
}

TEST_F(Route, EmptyTableAndBadArguments)
{
	build();
	EXPECT_EQ(0u, vg_route_table_count(table));
	EXPECT_EQ("-ENOENT", lookup("123"));
	EXPECT_EQ(-EINVAL, vg_route_lookup(table, nullptr, nullptr, nullptr,
			nullptr, out, sizeof(out)));
	EXPECT_EQ(-EINVAL, vg_route_lookup(nullptr, "1", nullptr, nullptr,
			nullptr, out, sizeof(out)));
	EXPECT_EQ(-EINVAL, vg_route_table_create(nullptr, nullptr, nullptr, 0));
}

TEST_F(Route, InvalidPatternRejected)
{
	vg_config cfg{};
	vg_cfg_route rs[2] = {route("ok", "", "^1"), route("broken", "", "(")};
	char err[128];

	cfg.routes = rs;
	cfg.n_routes = 2;
	EXPECT_EQ(-EINVAL, vg_route_table_create(&table, &cfg, err,
			sizeof(err)));
	EXPECT_EQ(nullptr, table);
	EXPECT_EQ(0u, std::string(err).find("route broken: ")) << err;
}

TEST_F(Route, TrunkRouteWithoutTrunkRejected)
{
	vg_config cfg{};
	vg_cfg_route r = route("nowhere", "");
	char err[128];

	r.dest = VG_ROUTE_TRUNK;
	cfg.routes = &r;
	cfg.n_routes = 1;
	EXPECT_EQ(-EINVAL, vg_route_table_create(&table, &cfg, err,
			sizeof(err)));
	EXPECT_STREQ("route nowhere: no trunk", err);
}

TEST_F(Route, TableOutlivesConfig)
{
	{
		std::vector<vg_cfg_route> tmp{route("r", "7", "^7[0-9]$")};
		vg_config cfg{};
		cfg.routes = tmp.data();
		cfg.n_routes = 1;
		ASSERT_EQ(0, vg_route_table_create(&table, &cfg, nullptr, 0));
		memset(tmp.data(), 0xff, sizeof(vg_cfg_route));
	}
	EXPECT_EQ("r", lookup("71"));
}

namespace {

vg_cfg_cidr
cidr(const char *s, uint8_t prefix)
{
	vg_cfg_cidr c{};
	if (strchr(s, ':') != nullptr) {
		c.addr.family = AF_INET6;
		inet_pton(AF_INET6, s, &c.addr.u.v6);
	} else {
		c.addr.family = AF_INET;
		inet_pton(AF_INET, s, &c.addr.u.v4);
	}
	c.prefix = prefix;
	return c;
}

vg_cfg_addr
addr(const char *s)
{
	return cidr(s, 0).addr;
}

} // namespace

TEST(RouteTrunk, BySourceAddress)
{
	vg_cfg_trunk trunks[2]{};
	vg_config cfg{};

	snprintf(trunks[0].name, sizeof(trunks[0].name), "carrier-a");
	trunks[0].sources[0] = cidr("203.0.113.0", 24);
	trunks[0].sources[1] = cidr("2001:db8:a::", 48);
	trunks[0].n_sources = 2;
	snprintf(trunks[1].name, sizeof(trunks[1].name), "carrier-b");
	trunks[1].sources[0] = cidr("198.51.100.10", 32);
	trunks[1].n_sources = 1;
	cfg.trunks = trunks;
	cfg.n_trunks = 2;

	vg_cfg_addr a = addr("203.0.113.77");
	const vg_cfg_trunk *t = vg_route_trunk_by_source(&cfg, &a);
	ASSERT_NE(nullptr, t);
	EXPECT_STREQ("carrier-a", t->name);
	a = addr("2001:db8:a:1::5");
	t = vg_route_trunk_by_source(&cfg, &a);
	ASSERT_NE(nullptr, t);
	EXPECT_STREQ("carrier-a", t->name);
	a = addr("198.51.100.10");
	t = vg_route_trunk_by_source(&cfg, &a);
	ASSERT_NE(nullptr, t);
	EXPECT_STREQ("carrier-b", t->name);
	a = addr("198.51.100.11");
	EXPECT_EQ(nullptr, vg_route_trunk_by_source(&cfg, &a));
	a = addr("2001:db8:b::1");
	EXPECT_EQ(nullptr, vg_route_trunk_by_source(&cfg, &a));
	vg_cfg_addr unset{};
	EXPECT_EQ(nullptr, vg_route_trunk_by_source(&cfg, &unset));
	EXPECT_EQ(nullptr, vg_route_trunk_by_source(&cfg, nullptr));
}

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Neighbour table: learn, look up, forget, age, and the generation
 * that tells the relay's per-leg caches when a mapping changed.
 */
#include <cstring>

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "neigh_pvt.h"

namespace {

struct rte_ether_addr
mac(uint8_t last)
{
	struct rte_ether_addr m = {{0x02, 0, 0, 0, 0, last}};
	return m;
}

class Neigh : public ::testing::Test {
protected:
	struct vg_neigh t;

	void
	SetUp() override
	{
		vg_neigh_init(&t);
	}

	int
	learn(uint32_t ip, uint8_t last, uint64_t tsc)
	{
		struct rte_ether_addr m = mac(last);

		return vg_neigh_learn(&t, ip, &m, tsc);
	}

	bool
	has(uint32_t ip, uint8_t last)
	{
		struct rte_ether_addr m, want = mac(last);

		return vg_neigh_lookup(&t, ip, &m) &&
			std::memcmp(&m, &want, sizeof(m)) == 0;
	}
};

const uint32_t gw = htonl(0xc00002fe);  /* 192.0.2.254 */
const uint32_t other = htonl(0xc0000209); /* 192.0.2.9 */

} // namespace

TEST_F(Neigh, LearnLookupForget)
{
	struct rte_ether_addr m;

	EXPECT_FALSE(vg_neigh_lookup(&t, gw, &m));
	ASSERT_EQ(learn(gw, 1, 100), 0);
	EXPECT_TRUE(has(gw, 1));
	EXPECT_FALSE(vg_neigh_lookup(&t, other, &m));
	EXPECT_EQ(vg_neigh_forget(&t, gw), 0);
	EXPECT_FALSE(vg_neigh_lookup(&t, gw, &m));
	EXPECT_EQ(vg_neigh_forget(&t, gw), -ENOENT);
	EXPECT_EQ(learn(0, 1, 100), -EINVAL);
}

/* The relay keeps a looked-up MAC while the generation stays put: it must
 * move whenever what a lookup answers changes, and it never reads 0 (the
 * relay's "nothing cached"). */
TEST_F(Neigh, GenerationMovesWhenAMappingChanges)
{
	uint32_t g = vg_neigh_gen(&t);

	EXPECT_NE(g, 0u);
	ASSERT_EQ(learn(gw, 1, 100), 0);
	EXPECT_NE(vg_neigh_gen(&t), g) << "new entry";
	g = vg_neigh_gen(&t);
	ASSERT_EQ(learn(gw, 1, 200), 0);
	EXPECT_EQ(vg_neigh_gen(&t), g) << "refresh, same MAC";
	ASSERT_EQ(learn(gw, 2, 300), 0);
	EXPECT_NE(vg_neigh_gen(&t), g) << "new MAC";
	EXPECT_TRUE(has(gw, 2));
	g = vg_neigh_gen(&t);
	ASSERT_EQ(vg_neigh_forget(&t, gw), 0);
	EXPECT_NE(vg_neigh_gen(&t), g) << "forgotten";
	g = vg_neigh_gen(&t);
	ASSERT_EQ(learn(other, 3, 1000), 0);
	EXPECT_NE(vg_neigh_gen(&t), g);
	g = vg_neigh_gen(&t);
	EXPECT_EQ(vg_neigh_age(&t, 1500, 1000), 0u);
	EXPECT_EQ(vg_neigh_gen(&t), g) << "nothing aged";
	EXPECT_EQ(vg_neigh_age(&t, 2001, 1000), 1u);
	EXPECT_NE(vg_neigh_gen(&t), g) << "aged out";

	t.gen = UINT32_MAX; /* wraps past 0 */
	ASSERT_EQ(learn(gw, 4, 3000), 0);
	EXPECT_EQ(vg_neigh_gen(&t), 1u);
}

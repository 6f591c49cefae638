// SPDX-License-Identifier: BSD-3-Clause
// libre's timers on a heap (controlplane/re_tmr.c): firing order, cancel,
// restart, handlers that touch other timers, and libre's own users (its
// main loop and re_main's timeouts) running on it.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

extern "C" {
#include <re.h>
#include "re_tmr.h"
}

namespace {

struct Fired {
	std::vector<int> order;
};

struct Slot {
	struct tmr t;
	int id;
	Fired *f;
};

void on_fire(void *arg)
{
	auto *s = static_cast<Slot *>(arg);
	s->f->order.push_back(s->id);
}

// Poll until no timer is left (bounded: 2 s).
void drain()
{
	uint64_t end = tmr_jiffies() + 2000;

	while (vg_tmr_count() != 0 && tmr_jiffies() < end) {
		tmr_poll(nullptr);
		sys_msleep(1);
	}
}

class ReTmr : public ::testing::Test {
protected:
	void SetUp() override { ASSERT_EQ(0, libre_init()); }
	void TearDown() override
	{
		EXPECT_EQ(0u, vg_tmr_count());
		libre_close();
	}
};

TEST_F(ReTmr, FiresInExpiryOrderAndTiesFirstComeFirstServed)
{
	Fired f;
	std::vector<Slot> s(200);
	std::mt19937 rng(7);
	std::vector<std::pair<uint64_t, int>> want;

	for (int i = 0; i < (int)s.size(); i++) {
		uint64_t d = rng() % 5 * 10; // many equal delays
		s[i].id = i;
		s[i].f = &f;
		tmr_init(&s[i].t);
		tmr_start(&s[i].t, d, on_fire, &s[i]);
		want.emplace_back(s[i].t.jfs, i);
		EXPECT_TRUE(tmr_isrunning(&s[i].t));
	}
	EXPECT_EQ(s.size(), vg_tmr_count());
	drain();
	std::stable_sort(want.begin(), want.end(),
		[](auto &a, auto &b) { return a.first < b.first; });
	ASSERT_EQ(want.size(), f.order.size());
	for (size_t i = 0; i < want.size(); i++)
		EXPECT_EQ(want[i].second, f.order[i]) << "position " << i;
	for (auto &x : s)
		EXPECT_FALSE(tmr_isrunning(&x.t));
}

TEST_F(ReTmr, CancelAndRestartRemoveTheOldEntry)
{
	Fired f;
	std::vector<Slot> s(1000);

	for (int i = 0; i < (int)s.size(); i++) {
		s[i].id = i;
		s[i].f = &f;
		tmr_init(&s[i].t);
		tmr_start(&s[i].t, 1000 + i, on_fire, &s[i]);
	}
	// cancel the odd ones (from the middle of the heap), restart the
	// multiples of 4 soon, twice: each runs once
	for (int i = 1; i < (int)s.size(); i += 2)
		tmr_cancel(&s[i].t);
	for (int i = 0; i < (int)s.size(); i += 4) {
		tmr_start(&s[i].t, 5, on_fire, &s[i]);
		tmr_start(&s[i].t, 1, on_fire, &s[i]);
	}
	EXPECT_EQ(500u, vg_tmr_count());
	for (int i = 0; i < (int)s.size(); i += 2)
		EXPECT_TRUE(tmr_isrunning(&s[i].t));
	for (int i = 1; i < (int)s.size(); i += 2) {
		EXPECT_FALSE(tmr_isrunning(&s[i].t));
		EXPECT_EQ(0u, tmr_get_expire(&s[i].t));
	}
	EXPECT_GT(tmr_get_expire(&s[2].t), 900u);
	// the restarted ones fire first, in start order
	uint64_t end = tmr_jiffies() + 500;
	while (f.order.size() < 250 && tmr_jiffies() < end) {
		tmr_poll(nullptr);
		sys_msleep(1);
	}
	ASSERT_EQ(250u, f.order.size());
	for (size_t k = 0; k < 250; k++)
		EXPECT_EQ((int)(4 * k), f.order[k]);
	for (auto &x : s)
		tmr_cancel(&x.t);
}

struct Chain {
	struct tmr a, b, c;
	int a_runs = 0, b_runs = 0, c_runs = 0;
};

void chain_c(void *arg) { static_cast<Chain *>(arg)->c_runs++; }

void chain_b(void *arg) { static_cast<Chain *>(arg)->b_runs++; }

void chain_a(void *arg)
{
	auto *ch = static_cast<Chain *>(arg);

	// a handler re-arms itself, cancels a due timer, starts another
	if (++ch->a_runs < 3)
		tmr_start(&ch->a, 0, chain_a, ch);
	tmr_cancel(&ch->b);
	tmr_start(&ch->c, 0, chain_c, ch);
}

TEST_F(ReTmr, HandlersMayStartAndCancelTimers)
{
	Chain ch;

	tmr_init(&ch.a);
	tmr_init(&ch.b);
	tmr_init(&ch.c);
	tmr_start(&ch.a, 0, chain_a, &ch);
	tmr_start(&ch.b, 0, chain_b, &ch);
	drain();
	EXPECT_EQ(3, ch.a_runs);
	EXPECT_EQ(0, ch.b_runs); // cancelled while due, by a's first run
	EXPECT_GE(ch.c_runs, 1);
	EXPECT_FALSE(tmr_isrunning(&ch.c));
}

void stop_loop(void *arg)
{
	(void)arg;
	re_cancel();
}

TEST_F(ReTmr, LibreMainLoopSleepsUntilTheNextTimer)
{
	struct tmr t;
	uint64_t t0 = tmr_jiffies();

	tmr_init(&t);
	tmr_start(&t, 50, stop_loop, nullptr);
	EXPECT_GE(tmr_next_timeout(nullptr), 40u);
	ASSERT_EQ(0, re_main(nullptr));
	uint64_t took = tmr_jiffies() - t0;
	EXPECT_GE(took, 50u);
	EXPECT_LT(took, 1000u);
}

} // namespace

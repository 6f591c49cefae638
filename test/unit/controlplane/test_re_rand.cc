/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file The random pool (controlplane/rand_pool.c) and libre's rand_*()
 * interposed by controlplane/re_rand.c, linked into this binary as into
 * voxgate-cp.
 */
#include <array>
#include <cstring>
#include <set>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

extern "C" {
#include <re.h>
}

#include "rand_pool.h"

namespace {

/* Bits set over n bytes: random data sets about half of them. */
double
ones_share(const uint8_t *p, size_t n)
{
	size_t ones = 0;

	for (size_t i = 0; i < n; i++)
		ones += (size_t)__builtin_popcount(p[i]);
	return (double)ones / (8.0 * (double)n);
}

} // namespace

TEST(RandPool, BytesDifferAndLookRandom)
{
	std::array<uint8_t, 4096> a{}, b{};
	std::set<std::array<uint8_t, 16>> seen;

	ASSERT_EQ(0, vg_rand_bytes(a.data(), a.size())); /* direct */
	for (size_t off = 0; off < b.size(); off += 16)
		ASSERT_EQ(0, vg_rand_bytes(&b[off], 16));      /* pooled */
	EXPECT_NE(0, memcmp(a.data(), b.data(), a.size()));
	EXPECT_NEAR(0.5, ones_share(a.data(), a.size()), 0.02);
	EXPECT_NEAR(0.5, ones_share(b.data(), b.size()), 0.02);
	/* no 16-byte draw repeats (the pool never hands a byte twice) */
	for (size_t off = 0; off < b.size(); off += 16) {
		std::array<uint8_t, 16> k;
		memcpy(k.data(), &b[off], 16);
		EXPECT_TRUE(seen.insert(k).second) << "draw at " << off;
	}
	EXPECT_EQ(0, vg_rand_bytes(nullptr, 0));
	EXPECT_EQ(-EINVAL, vg_rand_bytes(nullptr, 1));
}

TEST(RandPool, ThreadsAndChildrenDoNotShare)
{
	uint8_t here[32], there[32];

	ASSERT_EQ(0, vg_rand_bytes(here, 1)); /* this thread's pool is full */
	std::thread t([&] { EXPECT_EQ(0, vg_rand_bytes(there, 32)); });
	t.join();
	ASSERT_EQ(0, vg_rand_bytes(here, 32));
	EXPECT_NE(0, memcmp(here, there, 32));

	/* a forked child must not hand out what the parent will */
	int fd[2];
	ASSERT_EQ(0, pipe(fd));
	pid_t pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		uint8_t c[32];
		int ok = vg_rand_bytes(c, sizeof(c)) == 0 &&
			write(fd[1], c, sizeof(c)) == (ssize_t)sizeof(c);
		_exit(ok ? 0 : 1);
	}
	uint8_t child[32], parent[32];
	ASSERT_EQ((ssize_t)sizeof(child), read(fd[0], child, sizeof(child)));
	int st = 0;
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(fd[0]);
	close(fd[1]);
	ASSERT_EQ(0, vg_rand_bytes(parent, sizeof(parent)));
	EXPECT_NE(0, memcmp(child, parent, sizeof(child)));
}

TEST(ReRand, CharsAndStrings)
{
	std::set<char> chars;
	for (int i = 0; i < 20000; i++) {
		char c = rand_char();
		ASSERT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			(c >= 'A' && c <= 'Z')) << (int)c;
		chars.insert(c);
	}
	EXPECT_EQ(62u, chars.size()) << "every alphanumeric character";

	char s[9];
	memset(s, 'x', sizeof(s));
	rand_str(s, sizeof(s));
	EXPECT_EQ(8u, strlen(s));
	rand_str(s, 1);
	EXPECT_EQ('\0', s[0]);
	rand_str(nullptr, 4); /* ignored, as libre's */

	std::set<uint64_t> u;
	for (int i = 0; i < 1000; i++)
		u.insert(rand_u64());
	EXPECT_EQ(1000u, u.size());
	uint8_t z[64] = {0};
	rand_bytes(z, sizeof(z));
	EXPECT_NEAR(0.5, ones_share(z, sizeof(z)), 0.15);
}

/* libre's own calls (through its PLT) land here: sdp_session_alloc()
 * draws the session id and version with rand_u32() */
TEST(ReRand, LibreInternalCallsUseThePool)
{
	struct sa laddr;
	ASSERT_EQ(0, sa_set_str(&laddr, "127.0.0.1", 0));
	uint64_t before = vg_rand_refills();
	for (int i = 0; i < 2000; i++) {
		struct sdp_session *sess = nullptr;
		ASSERT_EQ(0, sdp_session_alloc(&sess, &laddr));
		mem_deref(sess);
	}
	EXPECT_GE(vg_rand_refills() - before, 3u)
		<< "libre's rand_u32() did not come from the pool";
}

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Per-direction contexts: round trips, every drop reason, inputs
 * that lie about their length, the SSRC bound, suite names.
 */
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vg_srtp.h"

namespace
{

using bytes = std::vector<uint8_t>;

const vg_srtp_suite both[] = {VG_SRTP_AES_CM_128_HMAC_SHA1_80,
		VG_SRTP_AES_CM_128_HMAC_SHA1_32};

bytes
key_of(uint8_t seed)
{
	bytes k(VG_SRTP_KEY_LEN);

	for (size_t i = 0; i < k.size(); i++)
		k[i] = (uint8_t)(seed + 7 * i);
	return k;
}

bytes
rtp(uint16_t seq, uint32_t ssrc, size_t payload = 160)
{
	bytes p = {0x80, 0x08, (uint8_t)(seq >> 8), (uint8_t)seq, 0, 0,
			(uint8_t)(seq >> 8), (uint8_t)seq,
			(uint8_t)(ssrc >> 24), (uint8_t)(ssrc >> 16),
			(uint8_t)(ssrc >> 8), (uint8_t)ssrc};

	for (size_t i = 0; i < payload; i++)
		p.push_back((uint8_t)(i * 31 + seq));
	return p;
}

/* a receiver report with one report block (RFC 3550 §6.4.2): 32 bytes */
bytes
rtcp_rr(uint32_t ssrc)
{
	bytes p = {0x81, 0xc9, 0x00, 0x07, (uint8_t)(ssrc >> 24),
			(uint8_t)(ssrc >> 16), (uint8_t)(ssrc >> 8),
			(uint8_t)ssrc};

	for (int i = 0; i < 24; i++)
		p.push_back((uint8_t)(0x40 + i));
	return p;
}

/* A pair of contexts sharing one key: tx protects, rx unprotects. */
struct duo {
	struct vg_srtp_ctx *tx = nullptr, *rx = nullptr;

	duo(vg_srtp_suite s, const bytes &k_tx, const bytes &k_rx)
	{
		EXPECT_EQ(0, vg_srtp_ctx_create(s, k_tx.data(), false, &tx));
		EXPECT_EQ(0, vg_srtp_ctx_create(s, k_rx.data(), true, &rx));
	}
	explicit duo(vg_srtp_suite s) : duo(s, key_of(1), key_of(1))
	{
	}
	~duo()
	{
		vg_srtp_ctx_free(tx);
		vg_srtp_ctx_free(rx);
	}

	bytes protect(const bytes &in, bool rtcp = false)
	{
		bytes b(in);
		unsigned int len = (unsigned int)in.size();

		b.resize(in.size() + VG_SRTP_MAX_TRAILER);
		int rc = rtcp ? vg_srtp_protect_rtcp(tx, b.data(), &len,
						(unsigned int)b.size())
			      : vg_srtp_protect_rtp(tx, b.data(), &len,
						(unsigned int)b.size());
		EXPECT_EQ(rc, 0);
		EXPECT_EQ(len, in.size() + vg_srtp_ctx_trailer(tx, rtcp));
		b.resize(len);
		return b;
	}

	/* into a heap block of exactly in.size() bytes */
	int unprotect(const bytes &in, bytes *out, bool rtcp = false)
	{
		uint8_t *b = (uint8_t *)malloc(in.empty() ? 1 : in.size());
		unsigned int len = (unsigned int)in.size();

		if (!in.empty())
			memcpy(b, in.data(), in.size());
		int rc = rtcp ? vg_srtp_unprotect_rtcp(rx, b, &len)
			      : vg_srtp_unprotect_rtp(rx, b, &len);
		if (rc == 0 && out != nullptr)
			out->assign(b, b + len);
		if (rc != 0) {
			EXPECT_EQ(len, in.size()) << "len kept on error";
		}
		free(b);
		return rc;
	}
};

} // namespace

TEST(SrtpCtx, RoundTripRtpBothSuites)
{
	for (auto s : both) {
		duo p(s);
		for (uint16_t seq = 100; seq < 110; seq++) {
			bytes plain = rtp(seq, 0x01020304), out;
			bytes sec = p.protect(plain);
			EXPECT_NE(0,
					memcmp(sec.data() + 12,
							plain.data() + 12, 160))
					<< "payload encrypted";
			EXPECT_EQ(0, memcmp(sec.data(), plain.data(), 12))
					<< "header in clear";
			ASSERT_EQ(0, p.unprotect(sec, &out));
			EXPECT_EQ(out, plain);
		}
	}
}

TEST(SrtpCtx, RoundTripRtcpBothSuites)
{
	for (auto s : both) {
		duo p(s);
		for (int i = 0; i < 5; i++) {
			bytes plain = rtcp_rr(0xabcdef01), out;
			bytes sec = p.protect(plain, true);
			EXPECT_EQ(sec.size(), plain.size() + 14);
			ASSERT_EQ(0, p.unprotect(sec, &out, true));
			EXPECT_EQ(out, plain);
		}
	}
}

// CSRCs and a header extension stay in clear and survive.
TEST(SrtpCtx, RoundTripCsrcAndExtension)
{
	duo p(VG_SRTP_AES_CM_128_HMAC_SHA1_80);
	bytes plain = rtp(7, 0x55667788, 0);

	plain[0] = 0x80 | 0x10 | 2; /* X, CC = 2 */
	for (int i = 0; i < 8; i++)
		plain.push_back((uint8_t)(0xc0 + i)); /* CSRCs */
	bytes ext = {0xbe, 0xde, 0x00, 0x01, 0x10, 0xaa, 0x00, 0x00};
	plain.insert(plain.end(), ext.begin(), ext.end());
	for (int i = 0; i < 20; i++)
		plain.push_back((uint8_t)i);
	bytes sec = p.protect(plain), out;
	EXPECT_EQ(0, memcmp(sec.data(), plain.data(), 28));
	ASSERT_EQ(0, p.unprotect(sec, &out));
	EXPECT_EQ(out, plain);
}

TEST(SrtpCtx, TamperedPayloadOrTagFailsAuth)
{
	for (auto s : both) {
		duo p(s);
		bytes sec = p.protect(rtp(1, 9));
		unsigned int tag = vg_srtp_ctx_trailer(p.tx, false);

		bytes bad = sec;
		bad[12 + 40] ^= 0x01;
		EXPECT_EQ(-EACCES, p.unprotect(bad, nullptr));
		bad = sec;
		bad[sec.size() - tag] ^= 0x80;
		EXPECT_EQ(-EACCES, p.unprotect(bad, nullptr));
		bad = sec;
		bad[3] ^= 0x01; /* the header is authenticated too */
		EXPECT_EQ(-EACCES, p.unprotect(bad, nullptr));
		/* a failed packet does not advance the replay window */
		EXPECT_EQ(0, p.unprotect(sec, nullptr));

		bytes rsec = p.protect(rtcp_rr(9), true);
		bad = rsec;
		bad[10] ^= 0x04;
		EXPECT_EQ(-EACCES, p.unprotect(bad, nullptr, true));
		bad = rsec;
		bad[rsec.size() - 1] ^= 0x01;
		EXPECT_EQ(-EACCES, p.unprotect(bad, nullptr, true));
		EXPECT_EQ(0, p.unprotect(rsec, nullptr, true));
	}
}

TEST(SrtpCtx, ReplayIsRefused)
{
	for (auto s : both) {
		duo p(s);
		bytes a = p.protect(rtp(1000, 42));
		bytes b = p.protect(rtp(1001, 42));
		bytes r = p.protect(rtcp_rr(42), true);

		EXPECT_EQ(0, p.unprotect(b, nullptr));
		EXPECT_EQ(0, p.unprotect(a, nullptr)) << "late is fine";
		EXPECT_EQ(-EALREADY, p.unprotect(a, nullptr));
		EXPECT_EQ(-EALREADY, p.unprotect(b, nullptr));
		EXPECT_EQ(0, p.unprotect(r, nullptr, true));
		EXPECT_EQ(-EALREADY, p.unprotect(r, nullptr, true));
	}
}

// Older than the replay window: refused even if never seen.
TEST(SrtpCtx, OlderThanWindowIsRefused)
{
	duo p(VG_SRTP_AES_CM_128_HMAC_SHA1_80);
	bytes old = p.protect(rtp(10, 5));

	for (uint16_t seq = 11; seq < 11 + VG_SRTP_REPLAY_WINDOW + 10; seq++)
		ASSERT_EQ(0, p.unprotect(p.protect(rtp(seq, 5)), nullptr));
	EXPECT_EQ(-EALREADY, p.unprotect(old, nullptr));
}

TEST(SrtpCtx, WrongKeyFailsAuth)
{
	for (auto s : both) {
		duo p(s, key_of(1), key_of(2));
		EXPECT_EQ(-EACCES, p.unprotect(p.protect(rtp(1, 3)), nullptr));
		EXPECT_EQ(-EACCES,
				p.unprotect(p.protect(rtcp_rr(3), true),
						nullptr, true));
	}
	/* same key, other suite: the tag lengths differ */
	struct vg_srtp_ctx *tx = nullptr, *rx = nullptr;
	bytes k = key_of(1);
	ASSERT_EQ(0,
			vg_srtp_ctx_create(VG_SRTP_AES_CM_128_HMAC_SHA1_80,
					k.data(), false, &tx));
	ASSERT_EQ(0,
			vg_srtp_ctx_create(VG_SRTP_AES_CM_128_HMAC_SHA1_32,
					k.data(), true, &rx));
	bytes b = rtp(1, 3);
	unsigned int len = (unsigned int)b.size();
	b.resize(b.size() + VG_SRTP_MAX_TRAILER);
	ASSERT_EQ(0,
			vg_srtp_protect_rtp(tx, b.data(), &len,
					(unsigned int)b.size()));
	EXPECT_EQ(-EACCES, vg_srtp_unprotect_rtp(rx, b.data(), &len));
	vg_srtp_ctx_free(tx);
	vg_srtp_ctx_free(rx);
}

// Every prefix of a valid packet: an error, the length kept, no read past
// it (the buffers are exactly as long: ASan checks).
TEST(SrtpCtx, TruncatedInputIsRefused)
{
	for (auto s : both) {
		duo p(s);
		bytes sec = p.protect(rtp(1, 3));
		bytes rsec = p.protect(rtcp_rr(3), true);

		for (size_t n = 0; n < sec.size(); n++) {
			int rc = p.unprotect(
					bytes(sec.begin(), sec.begin() + n),
					nullptr);
			EXPECT_TRUE(rc == -EBADMSG || rc == -EACCES)
					<< n << ": " << rc;
			if (n < 12 + vg_srtp_ctx_trailer(p.rx, false)) {
				EXPECT_EQ(rc, -EBADMSG) << n;
			}
		}
		for (size_t n = 0; n < rsec.size(); n++) {
			int rc = p.unprotect(
					bytes(rsec.begin(), rsec.begin() + n),
					nullptr, true);
			EXPECT_TRUE(rc == -EBADMSG || rc == -EACCES)
					<< n << ": " << rc;
			if (n < 8 + 14) {
				EXPECT_EQ(rc, -EBADMSG) << n;
			}
		}
		EXPECT_EQ(0, p.unprotect(sec, nullptr));
		EXPECT_EQ(0, p.unprotect(rsec, nullptr, true));
	}
}

/*
 * A packet that ends where a PROT_NONE page begins: libsrtp is not built
 * with ASan, so a read or write past len/cap by it would go unseen by the
 * sanitizer; here it faults.
 */
struct guarded {
	uint8_t *page = nullptr;
	size_t psz = (size_t)sysconf(_SC_PAGESIZE);

	guarded()
	{
		void *m = mmap(nullptr, 2 * psz, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		EXPECT_NE(m, MAP_FAILED);
		page = (uint8_t *)m;
		EXPECT_EQ(0, mprotect(page + psz, psz, PROT_NONE));
	}
	~guarded()
	{
		munmap(page, 2 * psz);
	}
	/* n bytes of in, placed to end at the guard */
	uint8_t *put(const bytes &in, size_t n)
	{
		uint8_t *p = page + psz - n;
		memcpy(p, in.data(), n);
		return p;
	}
};

TEST(SrtpCtx, NothingTouchedPastLenOrCap)
{
	guarded g;

	for (auto s : both) {
		duo p(s);
		bytes sec = p.protect(rtp(1, 3));
		bytes rsec = p.protect(rtcp_rr(3), true);

		for (size_t n = 0; n <= sec.size(); n++) {
			unsigned int len = (unsigned int)n;
			vg_srtp_unprotect_rtp(p.rx, g.put(sec, n), &len);
		}
		for (size_t n = 0; n <= rsec.size(); n++) {
			unsigned int len = (unsigned int)n;
			vg_srtp_unprotect_rtcp(p.rx, g.put(rsec, n), &len);
		}
		/* protect with cap exactly up to the guard */
		bytes plain = rtp(2, 3);
		unsigned int t = vg_srtp_ctx_trailer(p.tx, false);
		bytes room(plain);
		room.resize(plain.size() + t);
		unsigned int len = (unsigned int)plain.size();
		EXPECT_EQ(0,
				vg_srtp_protect_rtp(p.tx,
						g.put(room, room.size()), &len,
						(unsigned int)room.size()));
		bytes rplain = rtcp_rr(3);
		t = vg_srtp_ctx_trailer(p.tx, true);
		room = rplain;
		room.resize(rplain.size() + t);
		len = (unsigned int)rplain.size();
		EXPECT_EQ(0,
				vg_srtp_protect_rtcp(p.tx,
						g.put(room, room.size()), &len,
						(unsigned int)room.size()));
	}
}

// Headers that claim more than the packet holds, and not version 2.
TEST(SrtpCtx, LyingHeadersAreMalformed)
{
	duo p(VG_SRTP_AES_CM_128_HMAC_SHA1_80);
	bytes sec = p.protect(rtp(1, 3, 20));
	bytes bad;

	bad = sec;
	bad[0] = 0x8f; /* 15 CSRCs: 72 header bytes in a 42-byte packet */
	EXPECT_EQ(-EBADMSG, p.unprotect(bad, nullptr));
	bad = sec;
	bad[0] = 0x90; /* extension of 0xffff words */
	bad[12] = 0xbe;
	bad[13] = 0xde;
	bad[14] = 0xff;
	bad[15] = 0xff;
	EXPECT_EQ(-EBADMSG, p.unprotect(bad, nullptr));
	bad = sec;
	bad[0] = 0x40; /* version 1 */
	EXPECT_EQ(-EBADMSG, p.unprotect(bad, nullptr));
	bad = p.protect(rtcp_rr(3), true);
	bad[0] = 0x01; /* version 0 */
	EXPECT_EQ(-EBADMSG, p.unprotect(bad, nullptr, true));
	bad = p.protect(rtcp_rr(3), true);
	bad[bad.size() - 14] &= 0x7f; /* E flag clear: "unencrypted" */
	EXPECT_EQ(-EBADMSG, p.unprotect(bad, nullptr, true));

	/* and on the way out */
	for (size_t n : {0, 5, 11}) {
		bytes b = rtp(2, 3);
		unsigned int len = (unsigned int)n;
		EXPECT_EQ(-EBADMSG,
				vg_srtp_protect_rtp(p.tx, b.data(), &len,
						(unsigned int)b.size()));
		EXPECT_EQ(len, n);
	}
	bytes b = rtp(2, 3);
	b[0] = 0x8f; /* 15 CSRCs in a 12-byte packet */
	unsigned int len = 12;
	EXPECT_EQ(-EBADMSG,
			vg_srtp_protect_rtp(p.tx, b.data(), &len,
					(unsigned int)b.size()));
	len = 7;
	b = rtcp_rr(3);
	EXPECT_EQ(-EBADMSG,
			vg_srtp_protect_rtcp(p.tx, b.data(), &len,
					(unsigned int)b.size()));
}

// Not enough room for the trailer: refused, the packet untouched.
TEST(SrtpCtx, CapTooSmallIsRefused)
{
	for (auto s : both) {
		duo p(s);
		bytes plain = rtp(1, 3);
		unsigned int tag = vg_srtp_ctx_trailer(p.tx, false);

		for (unsigned int cap : {0u, 11u, (unsigned int)plain.size(),
				     (unsigned int)plain.size() + tag - 1}) {
			bytes b(plain);
			unsigned int len = (unsigned int)plain.size();
			EXPECT_EQ(-ENOSPC,
					vg_srtp_protect_rtp(p.tx, b.data(),
							&len, cap));
			EXPECT_EQ(len, plain.size());
			EXPECT_EQ(b, plain);
		}
		/* exactly enough, in an exactly sized heap block */
		unsigned int cap = (unsigned int)plain.size() + tag;
		uint8_t *h = (uint8_t *)malloc(cap);
		memcpy(h, plain.data(), plain.size());
		unsigned int len = (unsigned int)plain.size();
		EXPECT_EQ(0, vg_srtp_protect_rtp(p.tx, h, &len, cap));
		EXPECT_EQ(len, cap);
		free(h);

		bytes r = rtcp_rr(3);
		len = (unsigned int)r.size();
		EXPECT_EQ(-ENOSPC,
				vg_srtp_protect_rtcp(p.tx, r.data(), &len,
						len + 13));
		EXPECT_EQ(r, rtcp_rr(3));
	}
}

TEST(SrtpCtx, BadArgumentsAndWrongDirection)
{
	duo p(VG_SRTP_AES_CM_128_HMAC_SHA1_80);
	bytes b = rtp(1, 3);
	unsigned int len = (unsigned int)b.size();
	struct vg_srtp_ctx *c = nullptr;
	bytes k = key_of(3);

	b.resize(b.size() + VG_SRTP_MAX_TRAILER);
	EXPECT_EQ(-EINVAL,
			vg_srtp_protect_rtp(p.rx, b.data(), &len,
					(unsigned int)b.size()));
	EXPECT_EQ(-EINVAL,
			vg_srtp_protect_rtcp(p.rx, b.data(), &len,
					(unsigned int)b.size()));
	EXPECT_EQ(-EINVAL, vg_srtp_unprotect_rtp(p.tx, b.data(), &len));
	EXPECT_EQ(-EINVAL, vg_srtp_unprotect_rtcp(p.tx, b.data(), &len));
	EXPECT_EQ(-EINVAL, vg_srtp_protect_rtp(nullptr, b.data(), &len, 99));
	EXPECT_EQ(-EINVAL, vg_srtp_protect_rtp(p.tx, nullptr, &len, 99));
	EXPECT_EQ(-EINVAL, vg_srtp_protect_rtp(p.tx, b.data(), nullptr, 99));
	EXPECT_EQ(-EINVAL, vg_srtp_unprotect_rtp(p.rx, nullptr, &len));

	EXPECT_EQ(-EINVAL,
			vg_srtp_ctx_create(VG_SRTP_NONE, k.data(), true, &c));
	EXPECT_EQ(c, nullptr);
	EXPECT_EQ(-EINVAL,
			vg_srtp_ctx_create(
					(vg_srtp_suite)7, k.data(), true, &c));
	EXPECT_EQ(-EINVAL,
			vg_srtp_ctx_create(VG_SRTP_AES_CM_128_HMAC_SHA1_80,
					nullptr, true, &c));
	EXPECT_EQ(-EINVAL,
			vg_srtp_ctx_create(VG_SRTP_AES_CM_128_HMAC_SHA1_80,
					k.data(), true, nullptr));
	vg_srtp_ctx_free(nullptr);
	EXPECT_EQ(vg_srtp_ctx_trailer(nullptr, false), 0u);
	EXPECT_EQ(vg_srtp_ctx_suite(p.tx), VG_SRTP_AES_CM_128_HMAC_SHA1_80);
}

// The sender protects a re-sent packet again (allow_repeat_tx): same bytes
// out; the receiver drops the second copy as a replay.
TEST(SrtpCtx, ResentPacketSameCiphertext)
{
	duo p(VG_SRTP_AES_CM_128_HMAC_SHA1_80);
	bytes a = p.protect(rtp(500, 8));
	bytes b = p.protect(rtp(500, 8));

	EXPECT_EQ(a, b);
	EXPECT_EQ(0, p.unprotect(a, nullptr));
	EXPECT_EQ(-EALREADY, p.unprotect(b, nullptr));
}

// More SSRCs than a context keeps: the least recently used stream goes,
// the live ones keep their replay state.
TEST(SrtpCtx, ManySsrcsStayBounded)
{
	duo p(VG_SRTP_AES_CM_128_HMAC_SHA1_32);
	const uint32_t live = 0x7777;
	bytes live_first = p.protect(rtp(1, live));

	ASSERT_EQ(0, p.unprotect(live_first, nullptr));
	for (uint32_t i = 0; i < 4 * VG_SRTP_MAX_SSRC; i++) {
		uint16_t seq = (uint16_t)(2 + i);
		ASSERT_EQ(0, p.unprotect(p.protect(rtp(seq, live)), nullptr));
		ASSERT_EQ(0,
				p.unprotect(p.protect(rtp(1, 0x10000 + i)),
						nullptr))
				<< i;
		ASSERT_EQ(0,
				p.unprotect(p.protect(rtcp_rr(0x10000 + i),
							    true),
						nullptr, true));
	}
	/* the live stream was never evicted: its first packet is still a
	 * replay */
	EXPECT_EQ(-EALREADY, p.unprotect(live_first, nullptr));
}

// Packets of unknown SSRCs that fail authentication create nothing and
// push nothing out.
TEST(SrtpCtx, ForgedSsrcsCannotEvict)
{
	duo p(VG_SRTP_AES_CM_128_HMAC_SHA1_80);
	bytes first = p.protect(rtp(1, 0x42));

	ASSERT_EQ(0, p.unprotect(first, nullptr));
	for (uint32_t i = 0; i < 100; i++) {
		bytes forged = p.protect(rtp(1, 0x900 + i));
		forged.back() ^= 1;
		EXPECT_EQ(-EACCES, p.unprotect(forged, nullptr));
	}
	EXPECT_EQ(-EALREADY, p.unprotect(first, nullptr));
}

// Contexts on several threads at once (one thread each): no shared state
// but libsrtp's read-only crypto kernel.
TEST(SrtpCtx, OneContextPerThread)
{
	std::vector<std::thread> ts;
	std::vector<int> fails(4, 0);

	for (int t = 0; t < 4; t++)
		ts.emplace_back([t, &fails] {
			duo p(both[t % 2], key_of((uint8_t)t),
					key_of((uint8_t)t));
			for (uint16_t seq = 0; seq < 500; seq++) {
				bytes plain = rtp(seq, (uint32_t)t), out;
				if (p.unprotect(p.protect(plain), &out) != 0 ||
						out != plain)
					fails[t]++;
			}
		});
	for (auto &t : ts)
		t.join();
	for (int f : fails)
		EXPECT_EQ(f, 0);
}

TEST(SrtpCtx, GlobalInitIsIdempotent)
{
	EXPECT_EQ(0, vg_srtp_global_init());
	EXPECT_EQ(0, vg_srtp_global_init());
}

TEST(SrtpSuite, NamesBothWays)
{
	EXPECT_STREQ(vg_srtp_suite_name(VG_SRTP_AES_CM_128_HMAC_SHA1_80),
			"AES_CM_128_HMAC_SHA1_80");
	EXPECT_STREQ(vg_srtp_suite_name(VG_SRTP_AES_CM_128_HMAC_SHA1_32),
			"AES_CM_128_HMAC_SHA1_32");
	EXPECT_EQ(vg_srtp_suite_name(VG_SRTP_NONE), nullptr);
	EXPECT_EQ(vg_srtp_suite_name((vg_srtp_suite)99), nullptr);
	for (auto s : both) {
		const char *n = vg_srtp_suite_name(s);
		EXPECT_EQ(vg_srtp_suite_parse(n, (unsigned int)strlen(n)), s);
	}
	/* RFC 5234 §2.3: literals are case-insensitive */
	EXPECT_EQ(vg_srtp_suite_parse("aes_cm_128_hmac_sha1_32", 23),
			VG_SRTP_AES_CM_128_HMAC_SHA1_32);
	/* a prefix of the token only, as the SDP parser passes it */
	EXPECT_EQ(vg_srtp_suite_parse("AES_CM_128_HMAC_SHA1_80 inline:", 23),
			VG_SRTP_AES_CM_128_HMAC_SHA1_80);
	EXPECT_EQ(vg_srtp_suite_parse("AES_CM_128_HMAC_SHA1_8", 22),
			VG_SRTP_NONE);
	EXPECT_EQ(vg_srtp_suite_parse("AES_256_CM_HMAC_SHA1_80", 23),
			VG_SRTP_NONE);
	EXPECT_EQ(vg_srtp_suite_parse("F8_128_HMAC_SHA1_80", 19), VG_SRTP_NONE);
	EXPECT_EQ(vg_srtp_suite_parse(nullptr, 3), VG_SRTP_NONE);
	EXPECT_EQ(vg_srtp_suite_parse("", 0), VG_SRTP_NONE);
}

// One drop counter per reason: names unique, errnos distinct.
TEST(SrtpSuite, ErrorListIsDistinct)
{
	std::set<int> codes;
	std::set<std::string> names;
	size_t n = 0;

#define X(name, err, text)                                                     \
	codes.insert(err);                                                     \
	names.insert(#name);                                                   \
	n++;
	VG_SRTP_ERRORS(X)
#undef X
	EXPECT_EQ(codes.size(), n);
	EXPECT_EQ(names.size(), n);
	EXPECT_EQ(codes.count(EINVAL), 0u) << "EINVAL is the caller's bug";
}

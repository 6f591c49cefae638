/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Unit tests of the location service (controlplane/registrar*.c). */
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "vg_registrar.h"

namespace {

std::string slurp(const char *path)
{
	std::string s;
	FILE *f = fopen(path, "r");
	char buf[65536];
	size_t n;

	if (f == nullptr)
		return s;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		s.append(buf, n);
	fclose(f);
	return s;
}

constexpr uint64_t T0 = 1700000000000ull; /* a wall-clock time in ms */

struct Contact {
	std::string uri;
	int64_t expires;
	std::string instance;
	uint16_t q;

	Contact(std::string u, int64_t e = -1, std::string i = "",
			uint16_t qv = 1000)
		: uri(std::move(u)), expires(e), instance(std::move(i)), q(qv)
	{
	}
};

class Registrar : public ::testing::Test {
protected:
	struct vg_reg_params p{};
	struct vg_registrar *reg = nullptr;
	std::string dir;

	void SetUp() override
	{
		p.min_expires = 60;
		p.default_expires = 3600;
		p.max_expires = 7200;
		p.max_contacts = 3;
		p.save_delay_ms = 1000;
		char tmpl[] = "/tmp/vg_reg_test.XXXXXX";
		ASSERT_NE(mkdtemp(tmpl), nullptr);
		dir = tmpl;
		ASSERT_EQ(vg_reg_create(&reg, &p), 0);
	}

	void TearDown() override
	{
		vg_reg_destroy(reg);
		std::string cmd = "rm -rf '" + dir + "'";
		ASSERT_EQ(system(cmd.c_str()), 0);
	}

	void with_file()
	{
		vg_reg_destroy(reg);
		snprintf(p.file, sizeof(p.file), "%s/reg.db", dir.c_str());
		ASSERT_EQ(vg_reg_create(&reg, &p), 0);
	}

	/* REGISTER for aor with contacts; returns the outcome. */
	struct vg_reg_outcome reg_req(const char *aor, const char *callid,
			uint32_t cseq, int64_t expires,
			const std::vector<Contact> &cs, uint64_t now,
			bool star = false)
	{
		std::vector<struct vg_reg_contact> v;
		for (const auto &c : cs)
			v.push_back({ c.uri.c_str(), c.expires,
				c.instance.empty() ? nullptr
						   : c.instance.c_str(),
				c.q });
		struct vg_reg_update up{};
		up.aor = aor;
		up.call_id = callid;
		up.cseq = cseq;
		up.expires = expires;
		up.star = star;
		up.contacts = v.data();
		up.n_contacts = v.size();
		up.source = "udp:127.0.0.1:5062";
		struct vg_reg_outcome out{};
		EXPECT_EQ(vg_reg_apply(reg, &up, now, &out), 0);
		return out;
	}

	std::vector<struct vg_reg_binding> lookup(const char *aor,
			uint64_t now)
	{
		std::vector<struct vg_reg_binding> v(VG_REG_MAX_CONTACTS);
		size_t n = vg_reg_lookup(reg, aor, now, v.data(), v.size());
		v.resize(n);
		return v;
	}

	std::string dump(uint64_t now)
	{
		char *buf = nullptr;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		vg_reg_dump(reg, now, f);
		fclose(f);
		std::string s(buf, len);
		free(buf);
		return s;
	}
};

TEST_F(Registrar, CreateRejectsBadPolicy)
{
	struct vg_registrar *r = nullptr;
	struct vg_reg_params bad = p;
	bad.min_expires = 8000;
	EXPECT_EQ(vg_reg_create(&r, &bad), -EINVAL);
	bad = p;
	bad.default_expires = 10;
	EXPECT_EQ(vg_reg_create(&r, &bad), -EINVAL);
	bad = p;
	bad.max_contacts = 0;
	EXPECT_EQ(vg_reg_create(&r, &bad), -EINVAL);
	bad.max_contacts = VG_REG_MAX_CONTACTS + 1;
	EXPECT_EQ(vg_reg_create(&r, &bad), -EINVAL);
	EXPECT_EQ(vg_reg_apply(reg, nullptr, T0, nullptr), -EINVAL);
}

TEST_F(Registrar, RegisterDefaultExpiry)
{
	auto o = reg_req("alice", "c1", 1, -1, { { "sip:alice@10.0.0.1" } }, T0);
	EXPECT_EQ(o.status, 200);
	EXPECT_EQ(o.added, 1u);
	auto b = lookup("alice", T0);
	ASSERT_EQ(b.size(), 1u);
	EXPECT_STREQ(b[0].uri, "sip:alice@10.0.0.1");
	EXPECT_EQ(b[0].expires_ms, T0 + 3600 * 1000);
	EXPECT_STREQ(b[0].source, "udp:127.0.0.1:5062");
	EXPECT_TRUE(vg_reg_dirty(reg));
	EXPECT_EQ(vg_reg_count_aors(reg), 1u);
	EXPECT_EQ(vg_reg_count_bindings(reg), 1u);
}

TEST_F(Registrar, ContactParamBeatsExpiresHeader)
{
	auto o = reg_req("alice", "c1", 1, 100,
		{ { "sip:a@h1", 300 }, { "sip:a@h2" } }, T0);
	EXPECT_EQ(o.status, 200);
	auto b = lookup("alice", T0);
	ASSERT_EQ(b.size(), 2u);
	for (const auto &x : b) {
		if (strcmp(x.uri, "sip:a@h1") == 0)
			EXPECT_EQ(x.expires_ms, T0 + 300000);
		else
			EXPECT_EQ(x.expires_ms, T0 + 100000);
	}
}

TEST_F(Registrar, TooBriefGives423WithMinExpires)
{
	auto o = reg_req("alice", "c1", 1, 30, { { "sip:a@h1" } }, T0);
	EXPECT_EQ(o.status, 423);
	EXPECT_EQ(o.min_expires, 60u);
	EXPECT_EQ(lookup("alice", T0).size(), 0u);
	/* all or nothing: one brief contact fails the whole request */
	o = reg_req("alice", "c1", 2, 600,
		{ { "sip:a@h1" }, { "sip:a@h2", 5 } }, T0);
	EXPECT_EQ(o.status, 423);
	EXPECT_EQ(lookup("alice", T0).size(), 0u);
	EXPECT_FALSE(vg_reg_dirty(reg));
}

TEST_F(Registrar, AboveMaxIsClamped)
{
	auto o = reg_req("alice", "c1", 1, 999999, { { "sip:a@h1" } }, T0);
	EXPECT_EQ(o.status, 200);
	auto b = lookup("alice", T0);
	ASSERT_EQ(b.size(), 1u);
	EXPECT_EQ(b[0].expires_ms, T0 + 7200 * 1000ull);
}

TEST_F(Registrar, RefreshSameUri)
{
	reg_req("alice", "c1", 1, 600, { { "sip:alice@Host.example:5060" } }, T0);
	auto o = reg_req("alice", "c1", 2, 900,
		{ { "SIP:alice@host.EXAMPLE:5060" } }, T0 + 5000);
	EXPECT_EQ(o.status, 200);
	EXPECT_EQ(o.refreshed, 1u);
	EXPECT_EQ(o.added, 0u);
	auto b = lookup("alice", T0 + 5000);
	ASSERT_EQ(b.size(), 1u);
	EXPECT_EQ(b[0].expires_ms, T0 + 5000 + 900000);
	EXPECT_EQ(b[0].cseq, 2u);
	/* the user part is case-sensitive: another binding */
	o = reg_req("alice", "c1", 3, 600, { { "sip:ALICE@host.example:5060" } },
		T0 + 6000);
	EXPECT_EQ(o.added, 1u);
}

TEST_F(Registrar, OutOfOrderCSeqIs500)
{
	reg_req("alice", "c1", 5, 600, { { "sip:a@h1" } }, T0);
	auto o = reg_req("alice", "c1", 4, 600, { { "sip:a@h1" } }, T0 + 1);
	EXPECT_EQ(o.status, 500);
	o = reg_req("alice", "c1", 4, 0, { { "sip:a@h1" } }, T0 + 1);
	EXPECT_EQ(o.status, 500);
	EXPECT_EQ(lookup("alice", T0 + 1).size(), 1u);
	/* another Call-ID (a rebooted phone) may replace it at any CSeq */
	o = reg_req("alice", "c2", 1, 600, { { "sip:a@h1" } }, T0 + 2);
	EXPECT_EQ(o.status, 200);
	EXPECT_EQ(o.refreshed, 1u);
	EXPECT_STREQ(lookup("alice", T0 + 2)[0].call_id, "c2");
}

/*
 * REGISTER is answered statelessly: the same Call-ID and CSeq again is a
 * retransmission of a request already applied. It is answered 200 and
 * changes nothing, even when it arrives after the binding was refreshed
 * or removed by later requests.
 */
TEST_F(Registrar, RetransmissionChangesNothing)
{
	reg_req("alice", "c1", 5, 600, { { "sip:a@h1" } }, T0);
	auto o = reg_req("alice", "c1", 5, 600, { { "sip:a@h1" } }, T0 + 9000);
	EXPECT_EQ(o.status, 200);
	EXPECT_EQ(o.added + o.refreshed + o.removed, 0u);
	auto b = lookup("alice", T0 + 9000);
	ASSERT_EQ(b.size(), 1u);
	EXPECT_EQ(b[0].expires_ms, T0 + 600000) << "not refreshed again";
	EXPECT_EQ(b[0].cseq, 5u);
	/* a retransmitted removal of a binding gone already */
	o = reg_req("alice", "c1", 6, 0, { { "sip:a@h1" } }, T0 + 9001);
	EXPECT_EQ(o.removed, 1u);
	o = reg_req("alice", "c1", 6, 0, { { "sip:a@h1" } }, T0 + 9002);
	EXPECT_EQ(o.status, 200);
	EXPECT_EQ(o.removed, 0u);
	EXPECT_EQ(vg_reg_count_bindings(reg), 0u);
}

TEST_F(Registrar, SameInstanceReplacesBinding)
{
	const char *inst = "\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"";
	reg_req("bob", "c1", 1, 600, { { "sip:bob@10.0.0.1:5060", -1, inst } }, T0);
	auto o = reg_req("bob", "c2", 1, 600,
		{ { "sip:bob@10.0.0.99:6000", -1, inst } }, T0 + 10);
	EXPECT_EQ(o.refreshed, 1u);
	auto b = lookup("bob", T0 + 10);
	ASSERT_EQ(b.size(), 1u);
	EXPECT_STREQ(b[0].uri, "sip:bob@10.0.0.99:6000");
	EXPECT_STREQ(b[0].instance, inst);
}

TEST_F(Registrar, RemoveWithExpiresZero)
{
	reg_req("alice", "c1", 1, 600, { { "sip:a@h1" }, { "sip:a@h2" } }, T0);
	auto o = reg_req("alice", "c1", 2, 0, { { "sip:a@h1" } }, T0 + 1);
	EXPECT_EQ(o.status, 200);
	EXPECT_EQ(o.removed, 1u);
	auto b = lookup("alice", T0 + 1);
	ASSERT_EQ(b.size(), 1u);
	EXPECT_STREQ(b[0].uri, "sip:a@h2");
	/* the ;expires=0 parameter removes too, and an unknown contact is ok */
	o = reg_req("alice", "c1", 3, 600, { { "sip:a@h2", 0 }, { "sip:a@h9", 0 } },
		T0 + 2);
	EXPECT_EQ(o.status, 200);
	EXPECT_EQ(o.removed, 1u);
	EXPECT_EQ(vg_reg_count_aors(reg), 0u);
}

TEST_F(Registrar, StarRemovesAll)
{
	reg_req("alice", "c1", 1, 600, { { "sip:a@h1" }, { "sip:a@h2" } }, T0);
	reg_req("alice", "c2", 7, 600, { { "sip:a@h3" } }, T0);
	/* star needs Expires: 0 and no other contact */
	auto o = reg_req("alice", "c9", 1, 600, {}, T0 + 1, true);
	EXPECT_EQ(o.status, 400);
	o = reg_req("alice", "c9", 1, 0, { { "sip:a@h1" } }, T0 + 1, true);
	EXPECT_EQ(o.status, 400);
	/* same Call-ID with a lower CSeq aborts the whole removal */
	o = reg_req("alice", "c2", 3, 0, {}, T0 + 1, true);
	EXPECT_EQ(o.status, 500);
	EXPECT_EQ(lookup("alice", T0 + 1).size(), 3u);
	o = reg_req("alice", "c2", 8, 0, {}, T0 + 1, true);
	EXPECT_EQ(o.status, 200);
	EXPECT_EQ(o.removed, 3u);
	EXPECT_EQ(lookup("alice", T0 + 1).size(), 0u);
	EXPECT_EQ(vg_reg_count_bindings(reg), 0u);
	/* on an empty AOR it is a harmless 200 */
	o = reg_req("nobody", "c1", 1, 0, {}, T0 + 1, true);
	EXPECT_EQ(o.status, 200);
}

TEST_F(Registrar, QueryChangesNothing)
{
	reg_req("alice", "c1", 1, 600, { { "sip:a@h1" } }, T0);
	ASSERT_EQ(vg_reg_save(reg, T0), 0); /* no file: clears dirty */
	auto o = reg_req("alice", "c1", 2, -1, {}, T0 + 1);
	EXPECT_EQ(o.status, 200);
	EXPECT_EQ(o.added + o.refreshed + o.removed, 0u);
	EXPECT_FALSE(vg_reg_dirty(reg));
	EXPECT_EQ(lookup("alice", T0 + 1).size(), 1u);
}

TEST_F(Registrar, MaxContactsEvictsOldest)
{
	reg_req("alice", "c1", 1, 600, { { "sip:a@h1" } }, T0);
	reg_req("alice", "c2", 1, 600, { { "sip:a@h2" } }, T0 + 10);
	reg_req("alice", "c3", 1, 600, { { "sip:a@h3" } }, T0 + 20);
	auto o = reg_req("alice", "c4", 1, 600, { { "sip:a@h4" } }, T0 + 30);
	EXPECT_EQ(o.status, 200);
	EXPECT_EQ(o.added, 1u);
	EXPECT_EQ(o.removed, 1u);
	auto b = lookup("alice", T0 + 30);
	ASSERT_EQ(b.size(), 3u);
	for (const auto &x : b)
		EXPECT_STRNE(x.uri, "sip:a@h1");
	EXPECT_STREQ(b[0].uri, "sip:a@h4"); /* most recent first */
	/* more contacts in one request than allowed: 403, nothing changes */
	o = reg_req("alice", "c5", 1, 600,
		{ { "sip:a@x1" }, { "sip:a@x2" }, { "sip:a@x3" }, { "sip:a@x4" } },
		T0 + 40);
	EXPECT_EQ(o.status, 403);
	EXPECT_EQ(lookup("alice", T0 + 40).size(), 3u);
}

TEST_F(Registrar, QOrdersLookup)
{
	reg_req("alice", "c1", 1, 600,
		{ { "sip:a@low", -1, "", 100 }, { "sip:a@high", -1, "", 900 } },
		T0);
	auto b = lookup("alice", T0);
	ASSERT_EQ(b.size(), 2u);
	EXPECT_STREQ(b[0].uri, "sip:a@high");
	/* a smaller buffer still reports the count */
	struct vg_reg_binding one;
	EXPECT_EQ(vg_reg_lookup(reg, "alice", T0, &one, 1), 2u);
}

TEST_F(Registrar, SweepRemovesExpired)
{
	reg_req("alice", "c1", 1, 60, { { "sip:a@h1" } }, T0);
	reg_req("alice", "c1", 2, 120, { { "sip:a@h2" } }, T0);
	reg_req("bob", "c1", 1, 60, { { "sip:b@h1" } }, T0);
	EXPECT_EQ(lookup("alice", T0 + 60000).size(), 1u); /* expired hidden */
	EXPECT_EQ(vg_reg_count_bindings(reg), 3u);
	EXPECT_EQ(vg_reg_sweep(reg, T0 + 60000), 2u);
	EXPECT_EQ(vg_reg_count_bindings(reg), 1u);
	EXPECT_EQ(vg_reg_count_aors(reg), 1u);
	EXPECT_EQ(vg_reg_sweep(reg, T0 + 120000), 1u);
	EXPECT_EQ(vg_reg_count_aors(reg), 0u);
}

TEST_F(Registrar, ManyAorsGrowTable)
{
	for (int i = 0; i < 5000; i++) {
		std::string aor = "user" + std::to_string(i);
		std::string uri = "sip:" + aor + "@10.0.0.1";
		ASSERT_EQ(reg_req(aor.c_str(), "c", 1, 600, { { uri } }, T0).status,
			200);
	}
	EXPECT_EQ(vg_reg_count_aors(reg), 5000u);
	EXPECT_EQ(lookup("user4321", T0).size(), 1u);
	EXPECT_EQ(lookup("user5000", T0).size(), 0u);
}

TEST_F(Registrar, FieldTooLongIs400)
{
	std::string uri = "sip:" + std::string(600, 'x') + "@h";
	EXPECT_EQ(reg_req("alice", "c1", 1, 600, { { uri } }, T0).status, 400);
	std::string aor(200, 'a');
	EXPECT_EQ(reg_req(aor.c_str(), "c1", 1, 600, { { "sip:a@h" } }, T0).status,
		400);
}

TEST_F(Registrar, SaveAndLoadRoundTrip)
{
	with_file();
	reg_req("alice", "c1", 1, 600,
		{ { "sip:alice@10.0.0.1:5060;transport=tcp", -1, "\"<urn:x>\"" } },
		T0);
	reg_req("bob", "call id with%percent", 3, 60, { { "sip:bob@h" } }, T0);
	ASSERT_EQ(vg_reg_save(reg, T0), 0);
	EXPECT_FALSE(vg_reg_dirty(reg));
	std::string before = dump(T0 + 1000);

	struct vg_registrar *r2 = nullptr;
	ASSERT_EQ(vg_reg_create(&r2, &p), 0);
	EXPECT_EQ(vg_reg_load(r2, T0 + 1000, stderr), 2);
	EXPECT_EQ(vg_reg_load(r2, T0 + 1000, stderr), -EBUSY);
	std::swap(reg, r2);
	EXPECT_EQ(dump(T0 + 1000), before);
	auto b = lookup("bob", T0 + 1000);
	ASSERT_EQ(b.size(), 1u);
	EXPECT_STREQ(b[0].call_id, "call id with%percent");
	EXPECT_EQ(b[0].cseq, 3u);
	EXPECT_STREQ(lookup("alice", T0)[0].instance, "\"<urn:x>\"");
	vg_reg_destroy(r2);

	/* bindings expired by the time of the load are skipped */
	ASSERT_EQ(vg_reg_create(&r2, &p), 0);
	EXPECT_EQ(vg_reg_load(r2, T0 + 61000, nullptr), 1);
	vg_reg_destroy(r2);
}

TEST_F(Registrar, SaveIsAtomicAndLeavesNoTemp)
{
	with_file();
	reg_req("alice", "c1", 1, 600, { { "sip:a@h1" } }, T0);
	ASSERT_EQ(vg_reg_save(reg, T0), 0);
	std::string cmd = "ls '" + dir + "' | wc -l";
	FILE *f = popen(cmd.c_str(), "r");
	int n = 0;
	ASSERT_EQ(fscanf(f, "%d", &n), 1);
	pclose(f);
	EXPECT_EQ(n, 1); /* reg.db only */
}

TEST_F(Registrar, FlushIsBatched)
{
	with_file();
	reg_req("alice", "c1", 1, 600, { { "sip:a@h1" } }, T0);
	ASSERT_EQ(vg_reg_flush(reg, T0), 0); /* first save: at once */
	EXPECT_FALSE(vg_reg_dirty(reg));
	ASSERT_EQ(vg_reg_sync(reg), 0); /* the background write is done */
	EXPECT_EQ(access(p.file, R_OK), 0);
	reg_req("alice", "c1", 2, 600, { { "sip:a@h1" } }, T0 + 100);
	ASSERT_EQ(vg_reg_flush(reg, T0 + 500), 0);
	EXPECT_TRUE(vg_reg_dirty(reg)); /* within save_delay_ms */
	ASSERT_EQ(vg_reg_flush(reg, T0 + 1000), 0);
	EXPECT_FALSE(vg_reg_dirty(reg));
	ASSERT_EQ(vg_reg_sync(reg), 0);
	/* what the writer wrote: cseq 2, q 1000 */
	std::string got = slurp(p.file);
	EXPECT_NE(got.find("\t2\t1000\t"), std::string::npos) << got;
}

TEST_F(Registrar, FlushNeverWaitsForTheDisk)
{
	with_file();
	for (int i = 0; i < 3000; i++) {
		std::string aor = "u" + std::to_string(i);
		std::string cid = "c" + std::to_string(i);
		reg_req(aor.c_str(), cid.c_str(), 1, 600,
			{ { "sip:u@h" + std::to_string(i) } }, T0);
	}
	/* many flushes while writes are in flight: each returns at once,
	 * none loses a change, and the last state reaches the file */
	for (int k = 0; k < 20; k++) {
		reg_req("u0", "c0", 2 + k, 600, { { "sip:u@h0" } },
			T0 + 1000 * k);
		ASSERT_EQ(vg_reg_flush(reg, T0 + 1000 * k), 0);
	}
	ASSERT_EQ(vg_reg_sync(reg), 0);
	if (vg_reg_dirty(reg)) {
		ASSERT_EQ(vg_reg_save(reg, T0 + 20000), 0);
	}
	std::string got = slurp(p.file);
	EXPECT_NE(got.find("u2999\tsip:u@h2999\t"), std::string::npos);
	size_t at = got.find("u0\tsip:u@h0\t");
	ASSERT_NE(at, std::string::npos);
	EXPECT_NE(got.find("\t21\t1000\t", at), std::string::npos)
		<< "the last cseq of u0";
}

TEST_F(Registrar, MissingFileIsEmpty)
{
	with_file();
	EXPECT_EQ(vg_reg_load(reg, T0, stderr), 0);
}

TEST_F(Registrar, UnwritableFileFailsCleanly)
{
	snprintf(p.file, sizeof(p.file), "%s/no/such/dir/reg.db", dir.c_str());
	vg_reg_destroy(reg);
	ASSERT_EQ(vg_reg_create(&reg, &p), 0);
	reg_req("alice", "c1", 1, 600, { { "sip:a@h1" } }, T0);
	EXPECT_EQ(vg_reg_save(reg, T0), -ENOENT);
	EXPECT_TRUE(vg_reg_dirty(reg));
	/* retried after save_delay_ms, not at every flush */
	EXPECT_EQ(vg_reg_flush(reg, T0 + 100), 0);
	EXPECT_TRUE(vg_reg_dirty(reg));
	/* the retry is written in the background; its error comes back */
	EXPECT_EQ(vg_reg_flush(reg, T0 + 1000), 0);
	EXPECT_EQ(vg_reg_sync(reg), -ENOENT);
	EXPECT_TRUE(vg_reg_dirty(reg));
	/* ... or from the next flush when nobody waited */
	EXPECT_EQ(vg_reg_flush(reg, T0 + 2000), 0);
	for (int i = 0; i < 200; i++) {
		int rc = vg_reg_flush(reg, T0 + 2100);

		if (rc != 0) {
			EXPECT_EQ(rc, -ENOENT);
			break;
		}
		usleep(5000);
	}
	EXPECT_TRUE(vg_reg_dirty(reg));
}

static void
write_file(const char *path, const std::string &s)
{
	FILE *f = fopen(path, "w");
	ASSERT_NE(f, nullptr);
	fwrite(s.data(), 1, s.size(), f);
	fclose(f);
}

TEST_F(Registrar, CorruptFileIsTolerated)
{
	with_file();
	std::string far = std::to_string(T0 + 600000);
	std::string good = "alice\tsip:a@h1\t\tc1\tudp:1.2.3.4:5060\t1\t1000\t" +
		far + "\t" + std::to_string(T0) + "\n";
	std::string s = "# voxgate registrations v1\n" + good +
		"garbage line\n" +
		"bob\tsip:b@h\t\tc\t\tnotanumber\t1000\t" + far + "\t0\n" +
		"bob\tsip:b@h\t\tc\t\t1\t5000\t" + far + "\t0\n" +  /* q > 1000 */
		"bob\tsip:b%ZZ@h\t\tc\t\t1\t1000\t" + far + "\t0\n" +
		"\t\t\t\t\t\t\t\t\n" + std::string(5000, 'x') + "\n" +
		"carol\tsip:c@h\t\tc\t\t1\t1000\t" + far + "\t0"; /* no newline */
	write_file(p.file, s);
	EXPECT_EQ(vg_reg_load(reg, T0, stderr), 2);
	EXPECT_EQ(lookup("alice", T0).size(), 1u);
	EXPECT_EQ(lookup("carol", T0).size(), 1u);
	EXPECT_EQ(lookup("bob", T0).size(), 0u);
}

TEST_F(Registrar, WrongMagicIgnoresFile)
{
	with_file();
	write_file(p.file, "something else\nalice\tsip:a@h\t\tc\t\t1\t1000\t"
		"99999999999999\t0\n");
	EXPECT_EQ(vg_reg_load(reg, T0, nullptr), 0);
	EXPECT_EQ(vg_reg_count_aors(reg), 0u);
	write_file(p.file, "");
	EXPECT_EQ(vg_reg_load(reg, T0, nullptr), 0);
	/* random bytes */
	std::string junk;
	for (int i = 0; i < 4096; i++)
		junk.push_back((char)(i * 131 + 7));
	write_file(p.file, "# voxgate registrations v1\n" + junk);
	EXPECT_GE(vg_reg_load(reg, T0, nullptr), 0);
}

} /* namespace */

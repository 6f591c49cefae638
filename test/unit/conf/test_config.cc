/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Unit tests of the configuration loader: defaults, every validation rule
 * with the exact position and text of its error, "did you mean" hints,
 * reporting of all errors in file order, the reference voxgate.toml, the
 * --check-config action and the lookup helpers.
 */
#include <arpa/inet.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>

#include "vg_config.h"
#include "vg_toml.h"

namespace {

/* One load of a text; errors as "line:col: message". */
struct Load {
	struct vg_config cfg;
	struct vg_cfg_errors errs = {};
	int rc;

	explicit Load(const std::string &text)
	{
		rc = vg_config_load_text(text.data(), text.size(), "t.toml",
			&cfg, &errs);
	}
	~Load()
	{
		vg_config_free(&cfg);
		vg_cfg_errors_free(&errs);
	}
	Load(const Load &) = delete;
	Load &operator=(const Load &) = delete;

	std::vector<std::string> errors() const
	{
		std::vector<std::string> v;

		for (size_t i = 0; i < errs.n; i++)
			v.push_back(std::to_string(errs.err[i].line) + ":" +
				std::to_string(errs.err[i].col) + ": " +
				errs.err[i].msg);
		return v;
	}
};

using Errs = std::vector<std::string>;

/* The errors of a text, which must fail to load. */
Errs
errors_of(const std::string &text)
{
	Load l(text);

	EXPECT_EQ(l.rc, l.errs.n ? -EINVAL : 0);
	return l.errors();
}

/* A minimal valid port, name n, with its queues line. */
std::string
port(const std::string &n, const std::string &device,
		const std::string &addr)
{
	return "[[port]]\nname = \"" + n + "\"\ndevice = \"" + device +
		"\"\naddress = \"" + addr + "\"\n";
}

std::string
read_stream(FILE *f)
{
	std::string s;
	char buf[512];
	size_t n;

	rewind(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		s.append(buf, n);
	return s;
}

std::string
reference_path()
{
	const char *root = getenv("VG_SOURCE_ROOT");

	return root ? std::string(root) + "/conf/voxgate.toml" : "";
}

/* Write text to a temporary file; its path is returned. */
std::string
temp_file(const std::string &text)
{
	char path[] = "/tmp/vg_test_config_XXXXXX";
	int fd = mkstemp(path);

	EXPECT_GE(fd, 0);
	EXPECT_EQ(write(fd, text.data(), text.size()), (ssize_t)text.size());
	close(fd);
	return path;
}

/* ---- defaults --------------------------------------------------------- */

TEST(ConfigDefaults, EmptyFileGivesEveryDefault)
{
	Load l("");
	const struct vg_config &c = l.cfg;
	char buf[INET6_ADDRSTRLEN];

	ASSERT_EQ(l.rc, 0);
	EXPECT_STREQ(c.path, "t.toml");
	EXPECT_STREQ(c.eal.file_prefix, "voxgate");
	EXPECT_EQ(c.eal.main_lcore, 0);
	ASSERT_EQ(c.eal.n_workers, 1);
	EXPECT_EQ(c.eal.worker_lcores[0], 1);
	EXPECT_TRUE(c.eal.huge);
	EXPECT_EQ(c.eal.memory_mb, 0u);
	EXPECT_EQ(c.eal.n_extra_args, 0);
	EXPECT_EQ(c.dp.burst_size, 32);
	EXPECT_EQ(c.dp.mempool_size, 65535u);
	EXPECT_EQ(c.dp.mempool_cache, 256u);
	EXPECT_EQ(c.dp.cmd_ring_size, 1024u);
	EXPECT_EQ(c.dp.event_ring_size, 4096u);
	EXPECT_EQ(c.dp.max_sessions, 16384u);
	EXPECT_EQ(c.dp.tx_drain_us, 100u);
	EXPECT_EQ(c.dp.arp_timeout_s, 300u);
	EXPECT_EQ(c.n_ports, 0);
	EXPECT_EQ(c.ports, nullptr);
	EXPECT_EQ(c.media.port_min, 16384);
	EXPECT_EQ(c.media.port_max, 32767);
	EXPECT_EQ(c.media.timeout_s, 60u);
	EXPECT_EQ(c.media.hold_timeout_s, 3600u);
	ASSERT_EQ(c.media.n_allowed, 4);
	EXPECT_EQ(c.media.allowed[0], VG_CODEC_PCMU);
	EXPECT_EQ(c.media.allowed[1], VG_CODEC_PCMA);
	EXPECT_EQ(c.media.allowed[2], VG_CODEC_G722);
	EXPECT_EQ(c.media.allowed[3], VG_CODEC_TELEPHONE_EVENT);
	EXPECT_EQ(c.media.n_preferred, 0);
	EXPECT_EQ(c.media.ptime_ms, 20);
	EXPECT_EQ(c.media.latching, VG_LATCH_STRICT);
	EXPECT_TRUE(c.media.rewrite_ssrc);
	EXPECT_EQ(c.media.dscp, 46);
	EXPECT_STREQ(c.sip.realm, "voxgate");
	EXPECT_STREQ(c.sip.user_agent, "voxgate");
	ASSERT_EQ(c.sip.n_listen, 1);
	EXPECT_EQ(c.sip.listen[0].transport, VG_TP_UDP);
	EXPECT_STREQ(vg_cfg_addr_str(&c.sip.listen[0].addr, buf, sizeof(buf)),
		"0.0.0.0");
	EXPECT_EQ(c.sip.listen[0].port, 5060);
	EXPECT_EQ(c.sip.nonce_ttl_s, 300u);
	EXPECT_TRUE(c.sip.auth_md5);
	EXPECT_TRUE(c.sip.auth_sha256);
	EXPECT_EQ(c.sip.max_failures, 5u);
	EXPECT_EQ(c.sip.lockout_s, 300u);
	EXPECT_EQ(c.sip.min_expires, 60u);
	EXPECT_EQ(c.sip.default_expires, 3600u);
	EXPECT_EQ(c.sip.max_expires, 7200u);
	EXPECT_EQ(c.sip.max_contacts, 5u);
	EXPECT_STREQ(c.sip.registrations_file, "");
	EXPECT_EQ(c.sip.session_expires_s, 1800u);
	EXPECT_EQ(c.sip.min_se_s, 90u);
	EXPECT_EQ(c.sip.dscp, 24);
	EXPECT_EQ(c.n_users, 0u);
	EXPECT_EQ(c.n_trunks, 0u);
	EXPECT_EQ(c.n_routes, 0u);
	EXPECT_EQ(c.limits.max_calls, 10000u);
	EXPECT_EQ(c.limits.max_cps, 100u);
	EXPECT_EQ(c.limits.retry_after_s, 5u);
	EXPECT_EQ(c.log.level, VG_LOG_INFO);
	EXPECT_STREQ(c.log.file, "");
	EXPECT_STREQ(c.log.cdr_file, "");
}

TEST(ConfigDefaults, DefaultsEqualLoadOfEmptyFile)
{
	struct vg_config d;
	Load l("");

	vg_config_defaults(&d);
	memcpy(d.path, l.cfg.path, sizeof(d.path));
	EXPECT_EQ(memcmp(&d, &l.cfg, sizeof(d)), 0);
}

TEST(ConfigDefaults, KeysLeftOutOfASectionKeepTheirDefaults)
{
	Load l("[dataplane]\nburst_size = 64\n");

	ASSERT_EQ(l.rc, 0);
	EXPECT_EQ(l.cfg.dp.burst_size, 64);
	EXPECT_EQ(l.cfg.dp.mempool_size, 65535u);
	EXPECT_EQ(l.cfg.dp.cmd_ring_size, 1024u);
}

TEST(ConfigDefaults, PortDefaultsAndDerivedTapName)
{
	Load l(port("access", "0000:3b:00.0", "192.0.2.10/24"));
	char buf[INET6_ADDRSTRLEN];

	ASSERT_EQ(l.rc, 0) << ::testing::PrintToString(l.errors());
	ASSERT_EQ(l.cfg.n_ports, 1);
	const struct vg_cfg_port &p = l.cfg.ports[0];
	EXPECT_STREQ(p.name, "access");
	EXPECT_STREQ(p.device, "0000:3b:00.0");
	EXPECT_EQ(p.address.addr.family, AF_INET);
	EXPECT_EQ(p.address.prefix, 24);
	EXPECT_STREQ(vg_cfg_addr_str(&p.address.addr, buf, sizeof(buf)),
		"192.0.2.10");
	EXPECT_EQ(p.gateway.family, 0);
	EXPECT_EQ(p.queues, 1);
	EXPECT_EQ(p.rx_desc, 1024);
	EXPECT_EQ(p.tx_desc, 1024);
	EXPECT_EQ(p.mtu, 1500);
	EXPECT_EQ(p.exception, VG_EXC_TAP);
	EXPECT_STREQ(p.exception_iface, "vg-access");
}

TEST(ConfigDefaults, TapNameIsCutToAnInterfaceName)
{
	Load l(port("a-very-long-port-name", "net_null0", "192.0.2.1/24"));

	ASSERT_EQ(l.rc, 0);
	/* IFNAMSIZ - 1 = 15 bytes */
	EXPECT_STREQ(l.cfg.ports[0].exception_iface, "vg-a-very-long-");
}

TEST(ConfigDefaults, ListenPortFollowsTransport)
{
	Load l("[[sip.listen]]\ntransport = \"tls\"\naddress = \"::\"\n"
	       "tls_cert = \"/c.pem\"\n"
	       "[[sip.listen]]\naddress = \"192.0.2.1\"\n");

	ASSERT_EQ(l.rc, 0) << ::testing::PrintToString(l.errors());
	ASSERT_EQ(l.cfg.sip.n_listen, 2);
	EXPECT_EQ(l.cfg.sip.listen[0].transport, VG_TP_TLS);
	EXPECT_EQ(l.cfg.sip.listen[0].addr.family, AF_INET6);
	EXPECT_EQ(l.cfg.sip.listen[0].port, 5061);
	EXPECT_STREQ(l.cfg.sip.listen[0].tls_cert, "/c.pem");
	EXPECT_EQ(l.cfg.sip.listen[1].transport, VG_TP_UDP);
	EXPECT_EQ(l.cfg.sip.listen[1].port, 5060);
}

TEST(ConfigDefaults, TrunkGivenByAddressTrustsThatAddress)
{
	Load l("[[trunk]]\nname = \"c\"\nhost = \"198.51.100.7\"\n"
	       "[[trunk]]\nname = \"d\"\nhost = \"sip.example.net\"\n"
	       "transport = \"TLS\"\n");
	struct vg_cfg_addr a = {};

	ASSERT_EQ(l.rc, 0) << ::testing::PrintToString(l.errors());
	const struct vg_cfg_trunk *c = vg_config_trunk(&l.cfg, "c");
	const struct vg_cfg_trunk *d = vg_config_trunk(&l.cfg, "d");
	ASSERT_NE(c, nullptr);
	ASSERT_NE(d, nullptr);
	EXPECT_EQ(c->port, 5060);
	EXPECT_EQ(c->transport, VG_TP_UDP);
	ASSERT_EQ(c->n_sources, 1);
	EXPECT_EQ(c->sources[0].prefix, 32);
	a.family = AF_INET;
	inet_pton(AF_INET, "198.51.100.7", &a.u.v4);
	EXPECT_TRUE(vg_cfg_cidr_contains(&c->sources[0], &a));
	EXPECT_EQ(d->port, 5061);
	EXPECT_EQ(d->transport, VG_TP_TLS);
	EXPECT_EQ(d->n_sources, 0);
	EXPECT_EQ(c->max_calls, 0u);
	EXPECT_EQ(c->srtp, VG_CFG_SRTP_OFF);
}

TEST(ConfigTrunk, SrtpOfferedTowardATrunk)
{
	Load l("[[trunk]]\nname = \"c\"\nhost = \"198.51.100.7\"\n"
	       "srtp = \"sdes\"\n");

	ASSERT_EQ(l.rc, 0) << ::testing::PrintToString(l.errors());
	EXPECT_EQ(l.cfg.trunks[0].srtp, VG_CFG_SRTP_SDES);
	EXPECT_EQ(errors_of("[[trunk]]\nname = \"c\"\nhost = \"h\"\n"
			    "srtp = \"dtls\"\n"),
		Errs{"4:8: srtp = \"dtls\" is not one of \"off\", \"sdes\""});
	EXPECT_EQ(errors_of("[[trunk]]\nname = \"c\"\nhost = \"h\"\n"
			    "srtp = true\n"),
		Errs{"4:8: expected a string for 'srtp', found boolean"});
}

TEST(ConfigDefaults, DottedKeysAndInlineTablesWalkTheSameSchema)
{
	Load l("sip.auth.nonce_ttl_s = 60\n"
	       "user = [{ name = \"1001\", password = \"x\" }]\n");

	ASSERT_EQ(l.rc, 0) << ::testing::PrintToString(l.errors());
	EXPECT_EQ(l.cfg.sip.nonce_ttl_s, 60u);
	ASSERT_EQ(l.cfg.n_users, 1u);
	EXPECT_STREQ(l.cfg.users[0].password, "x");
}

TEST(ConfigDefaults, FailedLoadLeavesDefaults)
{
	Load l(port("a", "x", "192.0.2.1/24") +
		"[dataplane]\nburst_size = 0\n");

	EXPECT_EQ(l.rc, -EINVAL);
	EXPECT_EQ(l.cfg.n_ports, 0);
	EXPECT_EQ(l.cfg.ports, nullptr);
	EXPECT_EQ(l.cfg.dp.burst_size, 32);
}

TEST(ConfigDefaults, ZeroPortsIsValid)
{
	Load l("[eal]\nworker_lcores = [1, 2]\n");

	EXPECT_EQ(l.rc, 0);
	EXPECT_EQ(l.cfg.n_ports, 0);
}

/* ---- types ------------------------------------------------------------- */

TEST(ConfigTypes, IntegerExpected)
{
	EXPECT_EQ(errors_of("[dataplane]\nburst_size = \"32\"\n"),
		Errs{"2:14: expected an integer for 'burst_size', found "
		     "string"});
}

TEST(ConfigTypes, FloatIsNotAnInteger)
{
	EXPECT_EQ(errors_of("[limits]\nmax_cps = 1.5\n"),
		Errs{"2:11: expected an integer for 'max_cps', found float"});
}

TEST(ConfigTypes, StringExpected)
{
	EXPECT_EQ(errors_of("[sip]\nrealm = 5\n"),
		Errs{"2:9: expected a string for 'realm', found integer"});
}

TEST(ConfigTypes, BooleanExpected)
{
	EXPECT_EQ(errors_of("[eal]\nhuge = \"yes\"\n"),
		Errs{"2:8: expected a boolean for 'huge', found string"});
}

TEST(ConfigTypes, ArrayExpected)
{
	EXPECT_EQ(errors_of("[eal]\nworker_lcores = 3\n"),
		Errs{"2:17: expected an array for 'worker_lcores', found "
		     "integer"});
}

TEST(ConfigTypes, ArrayElementType)
{
	EXPECT_EQ(errors_of("[eal]\nworker_lcores = [1, \"2\"]\n"),
		Errs{"2:21: expected an integer in 'worker_lcores', found "
		     "string"});
}

TEST(ConfigTypes, TableExpected)
{
	EXPECT_EQ(errors_of("dataplane = 5\n"),
		Errs{"1:13: expected a table for 'dataplane', found integer"});
}

TEST(ConfigTypes, ArrayOfTablesExpected)
{
	EXPECT_EQ(errors_of("[port]\nname = \"a\"\n"),
		Errs{"1:1: expected an array of tables for 'port' (write "
		     "[[port]]), found table"});
}

TEST(ConfigTypes, NestedArrayOfTablesExpected)
{
	EXPECT_EQ(errors_of("[sip.listen]\naddress = \"0.0.0.0\"\n"),
		Errs{"1:1: expected an array of tables for 'listen' (write "
		     "[[sip.listen]]), found table"});
}

TEST(ConfigTypes, StringTooLong)
{
	std::string name(64, 'n');

	EXPECT_EQ(errors_of("[[user]]\nname = \"" + name +
			"\"\npassword = \"x\"\n"),
		Errs{"2:8: 'name' is too long (64 bytes, at most 63)"});
}

TEST(ConfigTypes, EmptyNameRefused)
{
	EXPECT_EQ(errors_of("[[trunk]]\nname = \"\"\nhost = \"h\"\n"),
		Errs{"2:8: 'name' must not be empty"});
}

TEST(ConfigTypes, TomlSyntaxErrorIsOneErrorAtTheParserPosition)
{
	Load l("[dataplane]\nburst_size = = 3\nmtu = \"x\n");

	EXPECT_EQ(l.rc, -EINVAL);
	ASSERT_EQ(l.errs.n, 1u);
	EXPECT_EQ(l.errs.err[0].line, 2u);
	EXPECT_EQ(l.errs.err[0].col, 14u);
	EXPECT_NE(l.errs.err[0].msg[0], '\0');
}

/* ---- ranges and shapes -------------------------------------------------- */

TEST(ConfigRange, BelowMinimum)
{
	EXPECT_EQ(errors_of("[dataplane]\nburst_size = 0\n"),
		Errs{"2:14: burst_size = 0 is out of range 1..256"});
}

TEST(ConfigRange, AboveMaximum)
{
	EXPECT_EQ(errors_of("[dataplane]\nburst_size = 257\n"),
		Errs{"2:14: burst_size = 257 is out of range 1..256"});
}

TEST(ConfigRange, NegativeValue)
{
	EXPECT_EQ(errors_of("[media]\nptime_ms = -20\n"),
		Errs{"2:12: ptime_ms = -20 is out of range 10..120"});
}

TEST(ConfigRange, ArrayElementOutOfRange)
{
	EXPECT_EQ(errors_of("[eal]\nworker_lcores = [1, 128]\n"),
		Errs{"2:21: worker_lcores: 128 is out of range 0..127"});
}

TEST(ConfigRange, RingSizeMustBeAPowerOfTwo)
{
	EXPECT_EQ(errors_of("[dataplane]\ncmd_ring_size = 1000\n"
			    "event_ring_size = 2048\n"),
		Errs{"2:17: cmd_ring_size = 1000 is not a power of two"});
}

TEST(ConfigRange, DescriptorsMustBeAPowerOfTwo)
{
	EXPECT_EQ(errors_of(port("a", "x", "192.0.2.1/24") +
			"rx_desc = 1000\n"),
		Errs{"5:11: rx_desc = 1000 is not a power of two"});
}

TEST(ConfigRange, MediaPortMinMustBeEven)
{
	EXPECT_EQ(errors_of("[media]\nport_min = 20001\n"),
		Errs{"2:12: port_min = 20001 is not even"});
}

TEST(ConfigRange, TooManyEntries)
{
	std::string args = "[eal]\nextra_args = [";

	for (int i = 0; i < 17; i++)
		args += std::string(i ? ", " : "") + "\"-v\"";
	EXPECT_EQ(errors_of(args + "]\n"),
		Errs{"2:14: 'extra_args' has 17 entries, at most 16"});
}

TEST(ConfigRange, EmptyWorkerListRefused)
{
	EXPECT_EQ(errors_of("[eal]\nworker_lcores = []\n"),
		Errs{"2:17: 'worker_lcores' must not be empty"});
}

/* ---- enumerations ------------------------------------------------------ */

TEST(ConfigEnum, UnknownValueListsTheAllowedOnesAndTheNearest)
{
	EXPECT_EQ(errors_of("[media]\nlatching = \"stict\"\n"),
		Errs{"2:12: latching = \"stict\" is not one of \"off\", "
		     "\"strict\", \"any\" (did you mean \"strict\"?)"});
}

TEST(ConfigEnum, NoSuggestionWhenNothingIsClose)
{
	EXPECT_EQ(errors_of(port("a", "x", "192.0.2.1/24") +
			"exception = \"kernel\"\n"),
		Errs{"5:13: exception = \"kernel\" is not one of \"none\", "
		     "\"tap\""});
}

TEST(ConfigEnum, MatchIsCaseInsensitive)
{
	Load l("[log]\nlevel = \"DEBUG\"\n[[sip.listen]]\n"
	       "transport = \"TCP\"\naddress = \"0.0.0.0\"\n");

	ASSERT_EQ(l.rc, 0);
	EXPECT_EQ(l.cfg.log.level, VG_LOG_DEBUG);
	EXPECT_EQ(l.cfg.sip.listen[0].transport, VG_TP_TCP);
}

TEST(ConfigEnum, CodecNamesCaseInsensitive)
{
	Load l("[media]\ncodecs_allowed = [\"pcma\", \"OPUS\", \"g729\", "
	       "\"Telephone-Event\"]\ncodecs_preferred = [\"Opus\"]\n");

	ASSERT_EQ(l.rc, 0) << ::testing::PrintToString(l.errors());
	ASSERT_EQ(l.cfg.media.n_allowed, 4);
	EXPECT_EQ(l.cfg.media.allowed[0], VG_CODEC_PCMA);
	EXPECT_EQ(l.cfg.media.allowed[1], VG_CODEC_OPUS);
	EXPECT_EQ(l.cfg.media.allowed[2], VG_CODEC_G729);
	EXPECT_EQ(l.cfg.media.allowed[3], VG_CODEC_TELEPHONE_EVENT);
	ASSERT_EQ(l.cfg.media.n_preferred, 1);
	EXPECT_EQ(l.cfg.media.preferred[0], VG_CODEC_OPUS);
}

TEST(ConfigEnum, UnknownCodec)
{
	EXPECT_EQ(errors_of("[media]\ncodecs_allowed = [\"PCMU\", "
			    "\"G.711\"]\n"),
		Errs{"2:27: codecs_allowed: \"G.711\" is not one of \"PCMU\", "
		     "\"PCMA\", \"G729\", \"G722\", \"opus\", "
		     "\"telephone-event\""});
}

TEST(ConfigEnum, CodecListedTwice)
{
	EXPECT_EQ(errors_of("[media]\ncodecs_allowed = [\"PCMU\", \"pcmu\"]"
			    "\n"),
		Errs{"2:27: codecs_allowed: \"PCMU\" is listed twice"});
}

TEST(ConfigEnum, AuthAlgorithms)
{
	Load l("[sip.auth]\nalgorithms = [\"md5\"]\n");

	ASSERT_EQ(l.rc, 0);
	EXPECT_TRUE(l.cfg.sip.auth_md5);
	EXPECT_FALSE(l.cfg.sip.auth_sha256);
	EXPECT_EQ(errors_of("[sip.auth]\nalgorithms = [\"SHA1\"]\n"),
		Errs{"2:15: algorithms: \"SHA1\" is not one of \"SHA-256\", "
		     "\"MD5\""});
	EXPECT_EQ(errors_of("[sip.auth]\nalgorithms = []\n"),
		Errs{"2:14: 'algorithms' must not be empty"});
	EXPECT_EQ(errors_of("[sip.auth]\nalgorithms = [\"MD5\", \"md5\"]\n"),
		Errs{"2:22: algorithms: \"MD5\" is listed twice"});
}

/* ---- addresses --------------------------------------------------------- */

TEST(ConfigAddr, BadAddress)
{
	EXPECT_EQ(errors_of("[[sip.listen]]\naddress = \"10.0.0.300\"\n"),
		Errs{"2:11: address = \"10.0.0.300\" is not an IPv4 or IPv6 "
		     "address"});
}

TEST(ConfigAddr, AddressWhereAPrefixIsNotAllowed)
{
	EXPECT_EQ(errors_of("[[sip.listen]]\naddress = \"10.0.0.1/24\"\n"),
		Errs{"2:11: address = \"10.0.0.1/24\" is not an IPv4 or IPv6 "
		     "address"});
}

TEST(ConfigAddr, PortAddressNeedsAPrefix)
{
	EXPECT_EQ(errors_of(port("a", "x", "192.0.2.1")),
		Errs{"4:11: address = \"192.0.2.1\" needs a prefix length "
		     "(address/prefix)"});
}

TEST(ConfigAddr, Ipv4PrefixOutOfRange)
{
	EXPECT_EQ(errors_of(port("a", "x", "192.0.2.1/33")),
		Errs{"4:11: address = \"192.0.2.1/33\": the prefix length is "
		     "out of range 0..32"});
}

TEST(ConfigAddr, Ipv6PrefixOutOfRange)
{
	EXPECT_EQ(errors_of(port("a", "x", "2001:db8::1/129")),
		Errs{"4:11: address = \"2001:db8::1/129\": the prefix length "
		     "is out of range 0..128"});
}

TEST(ConfigAddr, MalformedPrefix)
{
	EXPECT_EQ(errors_of(port("a", "x", "192.0.2.1/2a")),
		Errs{"4:11: address = \"192.0.2.1/2a\" is not an IPv4 or IPv6 "
		     "address with a prefix"});
	EXPECT_EQ(errors_of(port("a", "x", "192.0.2.1/")),
		Errs{"4:11: address = \"192.0.2.1/\" is not an IPv4 or IPv6 "
		     "address with a prefix"});
}

TEST(ConfigAddr, Ipv6PortAndSources)
{
	Load l(port("a", "x", "2001:db8::10/64") +
		"gateway = \"2001:db8::1\"\n"
		"[[trunk]]\nname = \"t\"\nhost = \"h\"\n"
		"sources = [\"2001:db8:5::/48\", \"198.51.100.1\"]\n");

	ASSERT_EQ(l.rc, 0) << ::testing::PrintToString(l.errors());
	EXPECT_EQ(l.cfg.ports[0].address.addr.family, AF_INET6);
	EXPECT_EQ(l.cfg.ports[0].address.prefix, 64);
	EXPECT_EQ(l.cfg.ports[0].gateway.family, AF_INET6);
	ASSERT_EQ(l.cfg.trunks[0].n_sources, 2);
	EXPECT_EQ(l.cfg.trunks[0].sources[0].prefix, 48);
	EXPECT_EQ(l.cfg.trunks[0].sources[1].prefix, 32);
}

TEST(ConfigAddr, BadSourceCidr)
{
	EXPECT_EQ(errors_of("[[trunk]]\nname = \"t\"\nhost = \"h\"\n"
			    "sources = [\"198.51.100.0/24\", \"bad/8\"]\n"),
		Errs{"4:31: sources: \"bad/8\" is not an IPv4 or IPv6 address "
		     "with a prefix"});
}

TEST(ConfigAddr, GatewayOutsideTheSubnet)
{
	EXPECT_EQ(errors_of(port("a", "x", "192.0.2.10/24") +
			"gateway = \"192.0.3.1\"\n"),
		Errs{"5:11: port 'a': gateway 192.0.3.1 is not in the port's "
		     "subnet 192.0.2.10/24"});
}

TEST(ConfigAddr, GatewayOfTheOtherFamily)
{
	EXPECT_EQ(errors_of(port("a", "x", "192.0.2.10/24") +
			"gateway = \"2001:db8::1\"\n"),
		Errs{"5:11: port 'a': gateway 2001:db8::1 is not in the port's "
		     "subnet 192.0.2.10/24"});
}

/* ---- unknown keys and sections ----------------------------------------- */

TEST(ConfigUnknown, KeySuggestsTheNearest)
{
	EXPECT_EQ(errors_of("[dataplane]\nbrust_size = 32\n"),
		Errs{"2:1: unknown key 'brust_size' in [dataplane] (did you "
		     "mean 'burst_size'?)"});
}

TEST(ConfigUnknown, KeyInAnArrayOfTables)
{
	EXPECT_EQ(errors_of(port("a", "x", "192.0.2.1/24") +
			"  queue = 1\n"),
		Errs{"5:3: unknown key 'queue' in [[port]] (did you mean "
		     "'queues'?)"});
}

TEST(ConfigUnknown, KeyWithNothingNear)
{
	EXPECT_EQ(errors_of("[limits]\nfoo = 1\n"),
		Errs{"2:1: unknown key 'foo' in [limits]"});
}

TEST(ConfigUnknown, SuggestionThresholdGrowsWithLength)
{
	/* three edits on a 14-character key: within 14 / 3 = 4 */
	EXPECT_EQ(errors_of("[sip]\nsesion_expire = 90\n"),
		Errs{"2:1: unknown key 'sesion_expire' in [sip] (did you mean "
		     "'session_expires_s'?)"});
	/* three edits on a 5-character key: more than max(2, 5 / 3) */
	EXPECT_EQ(errors_of("[sip]\nrlmxx = 1\n"),
		Errs{"2:1: unknown key 'rlmxx' in [sip]"});
}

TEST(ConfigUnknown, SectionSuggestsTheNearest)
{
	EXPECT_EQ(errors_of("[dataplan]\nburst_size = 32\n"),
		Errs{"1:2: unknown section [dataplan] (did you mean "
		     "[dataplane]?)"});
}

TEST(ConfigUnknown, ArrayOfTablesSuggestedWithDoubleBrackets)
{
	EXPECT_EQ(errors_of("[[ports]]\nname = \"a\"\n"),
		Errs{"1:3: unknown key 'ports' at the top level (did you mean "
		     "[[port]]?)"});
}

TEST(ConfigUnknown, SubsectionSuggestsTheNearest)
{
	EXPECT_EQ(errors_of("[sip.regsitrar]\nmin_expires = 60\n"),
		Errs{"1:6: unknown section [sip.regsitrar] (did you mean "
		     "[sip.registrar]?)"});
}

TEST(ConfigUnknown, TopLevelKeyToldWhereItBelongs)
{
	EXPECT_EQ(errors_of("arp_timeout_s = 30\n"),
		Errs{"1:1: unknown key 'arp_timeout_s' at the top level (it "
		     "belongs in [dataplane])"});
}

/* ---- required keys ----------------------------------------------------- */

TEST(ConfigRequired, MissingKeysReportedAtTheirTable)
{
	EXPECT_EQ(errors_of("[dataplane]\nburst_size = 32\n\n[[port]]\n"
			    "name = \"a\"\n"),
		(Errs{"4:1: missing required key 'device' in [[port]]",
		      "4:1: missing required key 'address' in [[port]]"}));
}

TEST(ConfigRequired, EntryWithoutANameIsNumbered)
{
	EXPECT_EQ(errors_of("[[user]]\nname = \"u\"\npassword = \"x\"\n"
			    "[[user]]\nha1 = \"x\"\n"),
		(Errs{"4:1: missing required key 'name' in [[user]]",
		      "5:7: 'ha1' must be 32 hexadecimal digits"}));
	EXPECT_EQ(errors_of("[[user]]\n"),
		(Errs{"1:1: missing required key 'name' in [[user]]",
		      "1:1: user #1 needs one of 'password', 'ha1' or "
		      "'ha1_sha256'"}));
}

TEST(ConfigRequired, RouteNeedsTo)
{
	EXPECT_EQ(errors_of("[[route]]\nname = \"r\"\n"),
		Errs{"1:1: missing required key 'to' in [[route]]"});
}

TEST(ConfigRequired, ListenNeedsAddress)
{
	EXPECT_EQ(errors_of("[[sip.listen]]\nport = 5070\n"),
		Errs{"1:1: missing required key 'address' in [[sip.listen]]"});
}

/* ---- cross-field rules ------------------------------------------------- */

TEST(ConfigRules, MediaPortMinBelowPortMax)
{
	EXPECT_EQ(errors_of("[media]\nport_min = 30000\nport_max = 20000\n"),
		Errs{"2:12: port_min = 30000 must be below port_max = 20000"});
	/* port_max alone above the default port_min */
	EXPECT_EQ(errors_of("[media]\nport_max = 10000\n"),
		Errs{"2:12: port_min = 16384 must be below port_max = 10000"});
}

TEST(ConfigRules, MainLcoreIsNotAWorker)
{
	EXPECT_EQ(errors_of("[eal]\nmain_lcore = 2\nworker_lcores = [1, 2]\n"),
		Errs{"3:21: lcore 2 is both the main lcore and a worker"});
}

TEST(ConfigRules, MainLcoreEqualsDefaultWorker)
{
	EXPECT_EQ(errors_of("[eal]\nmain_lcore = 1\n"),
		Errs{"2:14: lcore 1 is both the main lcore and a worker"});
}

TEST(ConfigRules, WorkerListedTwice)
{
	EXPECT_EQ(errors_of("[eal]\nworker_lcores = [1, 2, 1]\n"),
		Errs{"2:24: worker_lcores: 1 is listed twice"});
}

TEST(ConfigRules, QueuesEqualWorkers)
{
	EXPECT_EQ(errors_of("[eal]\nworker_lcores = [1, 2]\n" +
			port("a", "x", "192.0.2.1/24") + "queues = 2\n" +
			port("b", "y", "198.51.100.1/24") + "queues = 1\n"),
		Errs{"12:10: port 'b': queues = 1 must equal the number of "
		     "worker lcores (2)"});
}

TEST(ConfigRules, QueuesDefaultReportedAtThePort)
{
	EXPECT_EQ(errors_of("[eal]\nworker_lcores = [1, 2]\n" +
			port("a", "x", "192.0.2.1/24")),
		Errs{"3:1: port 'a': queues = 1 must equal the number of "
		     "worker lcores (2)"});
}

TEST(ConfigRules, PreferredCodecsAreAllowed)
{
	EXPECT_EQ(errors_of("[media]\ncodecs_allowed = [\"PCMU\", \"PCMA\"]\n"
			    "codecs_preferred = [\"PCMA\", \"opus\"]\n"),
		Errs{"3:29: codecs_preferred: \"opus\" is not in "
		     "codecs_allowed"});
}

TEST(ConfigRules, AllowedNeedsAnAudioCodec)
{
	EXPECT_EQ(errors_of("[media]\ncodecs_allowed = [\"telephone-event\"]"
			    "\n"),
		Errs{"2:18: codecs_allowed lists no audio codec (only "
		     "telephone-event)"});
}

TEST(ConfigRules, DefaultExpiresWithinMinMax)
{
	EXPECT_EQ(errors_of("[sip.registrar]\nmin_expires = 120\n"
			    "default_expires = 60\n"),
		Errs{"3:19: default_expires = 60 is not within "
		     "min_expires..max_expires (120..7200)"});
	EXPECT_EQ(errors_of("[sip.registrar]\nmax_expires = 1800\n"),
		Errs{"1:1: default_expires = 3600 is not within "
		     "min_expires..max_expires (60..1800)"});
}

TEST(ConfigRules, MinExpiresNotAboveMax)
{
	EXPECT_EQ(errors_of("[sip.registrar]\nmin_expires = 900\n"
			    "max_expires = 600\ndefault_expires = 700\n"),
		Errs{"2:15: min_expires = 900 is above max_expires = 600"});
}

TEST(ConfigRules, SessionExpiresNotBelowMinSe)
{
	EXPECT_EQ(errors_of("[sip]\nsession_expires_s = 100\nmin_se_s = 120\n"),
		Errs{"2:21: session_expires_s = 100 is below min_se_s = 120 "
		     "(0 turns session timers off)"});
	Load off("[sip]\nsession_expires_s = 0\nmin_se_s = 120\n");
	EXPECT_EQ(off.rc, 0);
}

TEST(ConfigRules, TlsListenerNeedsACertificate)
{
	EXPECT_EQ(errors_of("[[sip.listen]]\ntransport = \"tls\"\n"
			    "address = \"0.0.0.0\"\n"),
		Errs{"1:1: missing required key 'tls_cert' in [[sip.listen]] "
		     "(transport \"tls\" needs a certificate)"});
}

TEST(ConfigRules, CertificateOnlyForTls)
{
	EXPECT_EQ(errors_of("[[sip.listen]]\naddress = \"0.0.0.0\"\n"
			    "tls_cert = \"/c.pem\"\n"),
		Errs{"3:12: tls_cert is only used with transport = \"tls\""});
}

TEST(ConfigRules, ListenerListedOnce)
{
	EXPECT_EQ(errors_of("[[sip.listen]]\naddress = \"192.0.2.1\"\n"
			    "[[sip.listen]]\ntransport = \"tcp\"\n"
			    "address = \"192.0.2.1\"\n"
			    "[[sip.listen]]\naddress = \"192.0.2.1\"\n"
			    "port = 5060\n"),
		Errs{"7:11: udp 192.0.2.1 port 5060 is already listened on"});
}

TEST(ConfigRules, UserNeedsACredential)
{
	EXPECT_EQ(errors_of("[[user]]\nname = \"1001\"\n"),
		Errs{"1:1: user '1001' needs one of 'password', 'ha1' or "
		     "'ha1_sha256'"});
}

TEST(ConfigRules, UserHasOnlyOneCredential)
{
	EXPECT_EQ(errors_of("[[user]]\nname = \"1001\"\npassword = \"x\"\n"
			    "ha1_sha256 = \"" + std::string(64, 'a') + "\"\n"),
		Errs{"4:14: user '1001': 'password' and 'ha1_sha256' are both "
		     "set (give exactly one)"});
}

TEST(ConfigRules, Ha1Is32HexDigits)
{
	EXPECT_EQ(errors_of("[[user]]\nname = \"1001\"\n"
			    "ha1 = \"0123456789abcdef0123456789abcdeg\"\n"),
		Errs{"3:7: 'ha1' must be 32 hexadecimal digits"});
	EXPECT_EQ(errors_of("[[user]]\nname = \"1001\"\nha1 = \"abc\"\n"),
		Errs{"3:7: 'ha1' must be 32 hexadecimal digits"});
	EXPECT_EQ(errors_of("[[user]]\nname = \"1001\"\nha1_sha256 = \"" +
			std::string(32, 'a') + "\"\n"),
		Errs{"3:14: 'ha1_sha256' must be 64 hexadecimal digits"});
}

TEST(ConfigRules, Ha1IsStoredLowercase)
{
	Load l("[[user]]\nname = \"1002\"\n"
	       "ha1 = \"93E9315911C73323FEB6137AEA2ED6F0\"\n");

	ASSERT_EQ(l.rc, 0);
	EXPECT_STREQ(l.cfg.users[0].ha1_md5,
		"93e9315911c73323feb6137aea2ed6f0");
	EXPECT_STREQ(l.cfg.users[0].password, "");
	EXPECT_STREQ(l.cfg.users[0].ha1_sha256, "");
}

TEST(ConfigRules, UserNameCharacters)
{
	EXPECT_EQ(errors_of("[[user]]\nname = \"a@b\"\npassword = \"x\"\n"),
		Errs{"2:8: user name \"a@b\" may not contain spaces or any of "
		     "@ : ; < > \""});
}

TEST(ConfigRules, UniquePortNames)
{
	EXPECT_EQ(errors_of("[eal]\nworker_lcores = [1]\n" +
			port("a", "x", "192.0.2.1/24") +
			port("a", "y", "198.51.100.1/24")),
		Errs{"8:8: duplicate port name 'a' (first defined at line 4)"});
}

TEST(ConfigRules, UniquePortDevices)
{
	EXPECT_EQ(errors_of(port("a", "net_null0", "192.0.2.1/24") +
			port("b", "net_null0", "198.51.100.1/24")),
		Errs{"7:10: port 'b': device \"net_null0\" is already used by "
		     "port 'a'"});
}

TEST(ConfigRules, PortSubnetsDoNotOverlap)
{
	EXPECT_EQ(errors_of(port("a", "x", "10.0.0.1/16") +
			port("b", "y", "10.0.5.1/24")),
		Errs{"8:11: port 'b': address 10.0.5.1/24 overlaps port 'a' "
		     "(10.0.0.1/16)"});
	Load ok(port("a", "x", "10.0.0.1/24") + port("b", "y", "10.0.1.1/24") +
		port("c", "z", "2001:db8::1/64"));
	EXPECT_EQ(ok.rc, 0) << ::testing::PrintToString(ok.errors());
}

TEST(ConfigRules, MediaRangeAddsMediaAddressesAfterThePortsOwn)
{
	Load l(port("a", "x", "192.0.2.1/24") +
		"media_range = \"198.51.100.128/28\"\n" +
		port("b", "y", "10.0.0.1/24"));
	struct in_addr ip;
	uint16_t p;

	ASSERT_EQ(l.rc, 0) << ::testing::PrintToString(l.errors());
	EXPECT_EQ(l.cfg.ports[0].media_range.prefix, 28);
	EXPECT_EQ(l.cfg.ports[1].media_range.addr.family, 0);
	ASSERT_EQ(vg_cfg_media_addr_count(&l.cfg), 18u);
	ASSERT_EQ(vg_cfg_media_addr(&l.cfg, 0, &p, &ip), 0);
	EXPECT_EQ(p, 0);
	EXPECT_EQ(ip.s_addr, inet_addr("192.0.2.1"));
	ASSERT_EQ(vg_cfg_media_addr(&l.cfg, 1, &p, &ip), 0);
	EXPECT_EQ(ip.s_addr, inet_addr("198.51.100.128"));
	ASSERT_EQ(vg_cfg_media_addr(&l.cfg, 16, &p, &ip), 0);
	EXPECT_EQ(p, 0);
	EXPECT_EQ(ip.s_addr, inet_addr("198.51.100.143"));
	ASSERT_EQ(vg_cfg_media_addr(&l.cfg, 17, &p, &ip), 0);
	EXPECT_EQ(p, 1);
	EXPECT_EQ(ip.s_addr, inet_addr("10.0.0.1"));
	EXPECT_EQ(vg_cfg_media_addr(&l.cfg, 18, &p, &ip), -ENOENT);
}

TEST(ConfigRules, MediaRangeMustBeASmallIPv4NetworkOfItsOwn)
{
	EXPECT_EQ(errors_of(port("a", "x", "192.0.2.1/24") +
			"media_range = \"198.51.100.0/21\"\n"),
		Errs{"5:15: port 'a': media_range 198.51.100.0/21 holds more "
		     "than 1024 addresses (use a prefix of /22 or longer)"});
	EXPECT_EQ(errors_of(port("a", "x", "192.0.2.1/24") +
			"media_range = \"198.51.100.130/28\"\n"),
		Errs{"5:15: port 'a': media_range 198.51.100.130/28 has host "
		     "bits set (did you mean 198.51.100.128/28?)"});
	EXPECT_EQ(errors_of(port("a", "x", "192.0.2.1/24") +
			"media_range = \"2001:db8::/120\"\n"),
		Errs{"5:15: port 'a': media_range 2001:db8::/120: media ranges "
		     "are IPv4, on a port with an IPv4 address"});
	EXPECT_EQ(errors_of(port("a", "x", "192.0.2.1/24") +
			"media_range = \"198.51.100.128\"\n"),
		Errs{"5:15: media_range = \"198.51.100.128\" needs a prefix "
		     "length (address/prefix)"});
	EXPECT_EQ(errors_of(port("a", "x", "192.0.2.1/24") +
			"media_range = \"192.0.2.0/28\"\n"),
		Errs{"5:15: port 'a': media_range 192.0.2.0/28 contains the "
		     "address of port 'a' (192.0.2.1)"});
	EXPECT_EQ(errors_of(port("a", "x", "192.0.2.1/24") +
			"media_range = \"198.51.100.0/24\"\n" +
			port("b", "y", "10.0.0.1/24") +
			"media_range = \"198.51.100.64/26\"\n"),
		Errs{"10:15: port 'b': media_range 198.51.100.64/26 overlaps "
		     "the media_range of port 'a' (198.51.100.0/24)"});
}

TEST(ConfigRules, UniqueUserNames)
{
	EXPECT_EQ(errors_of("[[user]]\nname = \"u\"\npassword = \"x\"\n"
			    "[[user]]\nname = \"u\"\npassword = \"y\"\n"),
		Errs{"5:8: duplicate user name 'u' (first defined at line 2)"});
}

TEST(ConfigRules, EveryRepeatOfANameIsReported)
{
	EXPECT_EQ(errors_of("[[user]]\nname = \"u\"\npassword = \"x\"\n"
			    "[[user]]\nname = \"v\"\npassword = \"x\"\n"
			    "[[user]]\nname = \"u\"\npassword = \"x\"\n"
			    "[[user]]\nname = \"u\"\npassword = \"x\"\n"),
		(Errs{"8:8: duplicate user name 'u' (first defined at line 2)",
		      "11:8: duplicate user name 'u' (first defined at line "
		      "2)"}));
}

TEST(ConfigRules, UniqueTrunkNames)
{
	EXPECT_EQ(errors_of("[[trunk]]\nname = \"t\"\nhost = \"a\"\n"
			    "[[trunk]]\nname = \"t\"\nhost = \"b\"\n"),
		Errs{"5:8: duplicate trunk name 't' (first defined at "
		     "line 2)"});
}

TEST(ConfigRules, UniqueRouteNames)
{
	EXPECT_EQ(errors_of("[[route]]\nname = \"r\"\nto = \"user\"\n"
			    "[[route]]\nname = \"r\"\nto = \"user\"\n"),
		Errs{"5:8: duplicate route name 'r' (first defined at "
		     "line 2)"});
}

TEST(ConfigRules, RouteToTrunkNamesAnExistingTrunk)
{
	EXPECT_EQ(errors_of("[[trunk]]\nname = \"carrier\"\nhost = \"h\"\n"
			    "[[route]]\nname = \"r\"\nto = \"trunk\"\n"
			    "trunk = \"carier\"\n"),
		Errs{"7:9: route 'r': trunk 'carier' is not a [[trunk]]"});
}

TEST(ConfigRules, RouteToTrunkNeedsTrunk)
{
	EXPECT_EQ(errors_of("[[route]]\nname = \"r\"\nto = \"trunk\"\n"),
		Errs{"1:1: missing required key 'trunk' in [[route]] (route "
		     "'r' has to = \"trunk\")"});
}

TEST(ConfigRules, TrunkOnlyWithToTrunk)
{
	EXPECT_EQ(errors_of("[[trunk]]\nname = \"t\"\nhost = \"h\"\n"
			    "[[route]]\nname = \"r\"\nto = \"user\"\n"
			    "trunk = \"t\"\n"),
		Errs{"7:9: route 'r': 'trunk' is only used with to = "
		     "\"trunk\""});
}

TEST(ConfigRules, FromUserExists)
{
	EXPECT_EQ(errors_of("[[route]]\nname = \"r\"\nto = \"user\"\n"
			    "from_user = \"1009\"\n"),
		Errs{"4:13: route 'r': from_user '1009' is not a [[user]]"});
}

TEST(ConfigRules, FromTrunkExists)
{
	EXPECT_EQ(errors_of("[[route]]\nname = \"r\"\nto = \"user\"\n"
			    "from_trunk = \"pbx\"\n"),
		Errs{"4:14: route 'r': from_trunk 'pbx' is not a [[trunk]]"});
}

TEST(ConfigRules, FromUserAndFromTrunkExclusive)
{
	EXPECT_EQ(errors_of("[[user]]\nname = \"u\"\npassword = \"x\"\n"
			    "[[trunk]]\nname = \"t\"\nhost = \"h\"\n"
			    "[[route]]\nname = \"r\"\nto = \"user\"\n"
			    "from_user = \"u\"\nfrom_trunk = \"t\"\n"),
		Errs{"11:14: route 'r': from_user and from_trunk cannot both "
		     "be set (a call comes from one or the other)"});
}

TEST(ConfigRules, MatchPatternIsAnExtendedRegex)
{
	Errs e = errors_of("[[route]]\nname = \"r\"\nto = \"user\"\n"
			   "match_pattern = \"^(1[0-9]{3}\"\n");

	ASSERT_EQ(e.size(), 1u);
	EXPECT_EQ(e[0].rfind("4:17: route 'r': match_pattern \"^(1[0-9]{3}\" "
			     "is not a valid extended regular expression: ", 0),
		0u) << e[0];
	Load ok("[[route]]\nname = \"r\"\nto = \"user\"\n"
		"match_pattern = \"^(1[0-9]{3}|\\\\+49[0-9]+)$\"\n");
	EXPECT_EQ(ok.rc, 0) << ::testing::PrintToString(ok.errors());
}

TEST(ConfigRules, MempoolHoldsEveryLcoreCache)
{
	/* 4 lcores * (32 + 512) = 2176, no ports */
	EXPECT_EQ(errors_of("[eal]\nworker_lcores = [1, 2, 3]\n"
			    "[dataplane]\nmempool_size = 2047\n"
			    "mempool_cache = 512\n"),
		Errs{"4:16: mempool_size = 2047 is too small for the ports' "
		     "descriptors and lcore caches (needs at least 2176)"});
}

TEST(ConfigRules, MempoolHoldsEveryDescriptor)
{
	/* 2 lcores * (32 + 0) + 1 queue * (4096 + 4096) = 8256 */
	EXPECT_EQ(errors_of("[dataplane]\nmempool_size = 8191\n"
			    "mempool_cache = 0\n" +
			port("a", "x", "192.0.2.1/24") +
			"rx_desc = 4096\ntx_desc = 4096\n"),
		Errs{"2:16: mempool_size = 8191 is too small for the ports' "
		     "descriptors and lcore caches (needs at least 8256)"});
}

TEST(ConfigRules, MaxCallsWithinMaxSessions)
{
	EXPECT_EQ(errors_of("[dataplane]\nmax_sessions = 1000\n"),
		Errs{"2:16: limits.max_calls = 10000 is above "
		     "dataplane.max_sessions = 1000 (each call needs a media "
		     "session)"});
}

TEST(ConfigRules, ExtraArgsDoNotOverrideKeys)
{
	EXPECT_EQ(errors_of("[eal]\nextra_args = [\"--log-level=8\", "
			    "\"--file-prefix=x\", \"-l\", \"--lcores-x\"]\n"),
		(Errs{"2:32: extra_args: \"--file-prefix=x\" is set by "
		      "file_prefix",
		      "2:51: extra_args: \"-l\" is set by main_lcore and "
		      "worker_lcores"}));
}

TEST(ConfigRules, FilePrefixCharacters)
{
	EXPECT_EQ(errors_of("[eal]\nfile_prefix = \"vox gate\"\n"),
		Errs{"2:15: file_prefix \"vox gate\" may use only letters, "
		     "digits, '-', '_' and '.'"});
}

TEST(ConfigRules, ExceptionIfaceFitsAnInterfaceName)
{
	EXPECT_EQ(errors_of(port("a", "x", "192.0.2.1/24") +
			"exception_iface = \"vg-0123456789abc\"\n"),
		Errs{"5:19: port 'a': exception_iface \"vg-0123456789abc\" is "
		     "longer than 15 bytes"});
}

TEST(ConfigRules, OneMistakeOneError)
{
	/* A bad value is not reported again by the rules that read it. */
	EXPECT_EQ(errors_of("[eal]\nworker_lcores = \"1,2\"\n" +
			port("a", "x", "192.0.2.1/24") + "queues = 2\n"),
		Errs{"2:17: expected an array for 'worker_lcores', found "
		     "string"});
	EXPECT_EQ(errors_of("[[route]]\nname = \"r\"\nto = \"trunks\"\n"),
		Errs{"3:6: to = \"trunks\" is not one of \"user\", \"trunk\" "
		     "(did you mean \"trunk\"?)"});
}

/* ---- all errors, in file order ------------------------------------------ */

TEST(ConfigReport, ThreeMistakesThreeErrorsInFileOrder)
{
	/* The rule on line 2 is found after the type error on line 5:
	 * the list comes back sorted by position. */
	EXPECT_EQ(errors_of("[media]\nport_min = 30000\nport_max = 20000\n"
			    "[dataplane]\nburst_size = \"x\"\n"
			    "tx_drian_us = 10\n"),
		(Errs{"2:12: port_min = 30000 must be below port_max = 20000",
		      "5:14: expected an integer for 'burst_size', found "
		      "string",
		      "6:1: unknown key 'tx_drian_us' in [dataplane] (did you "
		      "mean 'tx_drain_us'?)"}));
}

TEST(ConfigReport, ErrorsOnOneLineSortedByColumn)
{
	EXPECT_EQ(errors_of("[media]\ncodecs_allowed = [\"x\", \"PCMU\", "
			    "\"y\"]\n"),
		(Errs{"2:19: codecs_allowed: \"x\" is not one of \"PCMU\", "
		      "\"PCMA\", \"G729\", \"G722\", \"opus\", "
		      "\"telephone-event\"",
		      "2:32: codecs_allowed: \"y\" is not one of \"PCMU\", "
		      "\"PCMA\", \"G729\", \"G722\", \"opus\", "
		      "\"telephone-event\""}));
}

TEST(ConfigReport, ErrorListIsResetByEachLoad)
{
	struct vg_cfg_errors errs = {};
	struct vg_config cfg;
	const char *bad = "[dataplane]\nburst_size = 0\nmtu = 1\n";

	EXPECT_EQ(vg_config_load_text(bad, strlen(bad), "a", &cfg, &errs),
		-EINVAL);
	EXPECT_EQ(errs.n, 2u);
	EXPECT_EQ(vg_config_load_text("", 0, "b", &cfg, &errs), 0);
	EXPECT_EQ(errs.n, 0u);
	vg_config_free(&cfg);
	vg_cfg_errors_free(&errs);
	EXPECT_EQ(errs.err, nullptr);
}

TEST(ConfigReport, NullErrorListIsAllowed)
{
	struct vg_config cfg;
	const char *bad = "[dataplane]\nburst_size = 0\n";

	EXPECT_EQ(vg_config_load_text(bad, strlen(bad), "a", &cfg, nullptr),
		-EINVAL);
	vg_config_free(&cfg);
}

TEST(ConfigReport, PrintFormat)
{
	Load l("[dataplane]\nburst_size = 0\n");
	FILE *f = tmpfile();

	ASSERT_NE(f, nullptr);
	vg_cfg_errors_print(&l.errs, "/etc/voxgate/voxgate.toml", f);
	EXPECT_EQ(read_stream(f), "/etc/voxgate/voxgate.toml:2:14: "
		"burst_size = 0 is out of range 1..256\n");
	fclose(f);
}

/* ---- the reference configuration and --check-config ------------------- */

TEST(ConfigReference, LoadsWithoutErrors)
{
	struct vg_cfg_errors errs = {};
	struct vg_config cfg;
	std::string path = reference_path();
	int rc;

	if (path.empty())
		GTEST_SKIP() << "VG_SOURCE_ROOT is not set";
	rc = vg_config_load_file(path.c_str(), &cfg, &errs);
	for (size_t i = 0; i < errs.n; i++)
		ADD_FAILURE() << errs.err[i].line << ":" << errs.err[i].col
			      << ": " << errs.err[i].msg;
	ASSERT_EQ(rc, 0);
	EXPECT_STREQ(cfg.path, path.c_str());
	EXPECT_EQ(cfg.eal.main_lcore, 1);
	EXPECT_EQ(cfg.eal.n_workers, 2);
	ASSERT_EQ(cfg.n_ports, 2);
	EXPECT_STREQ(cfg.ports[0].name, "access");
	EXPECT_STREQ(cfg.ports[1].name, "core");
	EXPECT_EQ(cfg.ports[0].queues, cfg.eal.n_workers);
	EXPECT_EQ(cfg.ports[1].gateway.family, AF_INET);
	EXPECT_EQ(cfg.sip.n_listen, 4);
	EXPECT_EQ(cfg.sip.listen[2].transport, VG_TP_TLS);
	EXPECT_EQ(cfg.sip.listen[3].port, 5060);
	EXPECT_EQ(cfg.n_users, 3u);
	ASSERT_NE(vg_config_user(&cfg, "1002"), nullptr);
	EXPECT_STREQ(vg_config_user(&cfg, "1002")->ha1_md5,
		"93e9315911c73323feb6137aea2ed6f0");
	EXPECT_EQ(cfg.n_trunks, 1u);
	EXPECT_NE(vg_config_trunk(&cfg, "carrier"), nullptr);
	EXPECT_GE(cfg.n_routes, 3u);
	EXPECT_EQ(cfg.routes[0].dest, VG_ROUTE_TRUNK);
	EXPECT_EQ(cfg.media.n_preferred, 2);
	vg_config_free(&cfg);
	EXPECT_EQ(cfg.ports, nullptr);
	EXPECT_EQ(cfg.users, nullptr);
	vg_cfg_errors_free(&errs);
}

/* Every key the reference sets, as "table.path key". */
void
collect_keys(const struct vg_toml_value *t, const std::string &path,
		std::vector<std::string> &keys)
{
	for (size_t i = 0; i < vg_toml_table_len(t); i++) {
		const char *k = vg_toml_table_key(t, i, nullptr);
		const struct vg_toml_value *v = vg_toml_table_value(t, i);
		std::string sub = path.empty() ? k : path + "." + k;

		if (vg_toml_type(v) == VG_TOML_TABLE)
			collect_keys(v, sub, keys);
		else if (vg_toml_type(v) == VG_TOML_ARRAY &&
				vg_toml_array_len(v) > 0 &&
				vg_toml_type(vg_toml_array_at(v, 0)) ==
					VG_TOML_TABLE)
			for (size_t j = 0; j < vg_toml_array_len(v); j++)
				collect_keys(vg_toml_array_at(v, j), sub, keys);
		else
			keys.push_back(path + " " + k);
	}
}

TEST(ConfigReference, EveryKeyIsDocumentedInTheReadme)
{
	const char *root = getenv("VG_SOURCE_ROOT");
	struct vg_toml_doc *doc = nullptr;
	std::vector<std::string> keys;

	if (root == nullptr)
		GTEST_SKIP() << "VG_SOURCE_ROOT is not set";
	FILE *f = fopen(reference_path().c_str(), "r");
	ASSERT_NE(f, nullptr);
	std::string toml = read_stream(f);
	fclose(f);
	f = fopen((std::string(root) + "/conf/README.md").c_str(), "r");
	ASSERT_NE(f, nullptr);
	std::string readme = read_stream(f);
	fclose(f);

	ASSERT_EQ(vg_toml_parse(toml.data(), toml.size(), &doc, nullptr), 0);
	collect_keys(vg_toml_root(doc), "", keys);
	vg_toml_free(doc);
	EXPECT_GT(keys.size(), 60u);
	for (const std::string &pk : keys) {
		std::string path = pk.substr(0, pk.find(' '));
		std::string key = pk.substr(pk.find(' ') + 1);
		size_t sec = readme.find("# [" + path + "]\n");

		if (sec == std::string::npos)
			sec = readme.find("# [[" + path + "]]\n");

		ASSERT_NE(sec, std::string::npos) << "no section for " << path;
		size_t next = readme.find("\n#", sec);
		size_t row = readme.find("\n| " + key + " |", sec);
		EXPECT_TRUE(row != std::string::npos && row < next)
			<< "README.md does not document " << key << " in ["
			<< path << "]";
	}
}

TEST(ConfigCheck, ReferencePrintsOk)
{
	std::string path = reference_path();
	FILE *out = tmpfile(), *err = tmpfile();

	if (path.empty())
		GTEST_SKIP() << "VG_SOURCE_ROOT is not set";
	ASSERT_NE(out, nullptr);
	ASSERT_NE(err, nullptr);
	EXPECT_EQ(vg_config_check(path.c_str(), out, err), 0);
	EXPECT_EQ(read_stream(out), "ok\n");
	EXPECT_EQ(read_stream(err), "");
	fclose(out);
	fclose(err);
}

TEST(ConfigCheck, ThreeMistakesPrintThreeLines)
{
	std::string path = temp_file("[eal]\nmain_lcore = 300\n"
		"[media]\nlatching = \"loose\"\n"
		"[log]\nlevle = \"info\"\n");
	FILE *out = tmpfile(), *err = tmpfile();

	ASSERT_NE(out, nullptr);
	ASSERT_NE(err, nullptr);
	EXPECT_EQ(vg_config_check(path.c_str(), out, err), 1);
	EXPECT_EQ(read_stream(out), "");
	EXPECT_EQ(read_stream(err),
		path + ":2:14: main_lcore = 300 is out of range 0..127\n" +
		path + ":4:12: latching = \"loose\" is not one of \"off\", "
		       "\"strict\", \"any\"\n" +
		path + ":6:1: unknown key 'levle' in [log] (did you mean "
		       "'level'?)\n");
	fclose(out);
	fclose(err);
	unlink(path.c_str());
}

TEST(ConfigCheck, UnreadableFile)
{
	FILE *out = tmpfile(), *err = tmpfile();
	struct vg_cfg_errors errs = {};
	struct vg_config cfg;

	ASSERT_NE(out, nullptr);
	ASSERT_NE(err, nullptr);
	EXPECT_EQ(vg_config_check("/nonexistent/voxgate.toml", out, err), 1);
	EXPECT_EQ(read_stream(out), "");
	EXPECT_EQ(read_stream(err), "/nonexistent/voxgate.toml: cannot read: "
		"No such file or directory\n");
	fclose(out);
	fclose(err);

	EXPECT_EQ(vg_config_load_file("/nonexistent/voxgate.toml", &cfg, &errs),
		-ENOENT);
	EXPECT_EQ(errs.n, 1u);
	EXPECT_EQ(cfg.n_ports, 0);
	vg_config_free(&cfg);
	vg_cfg_errors_free(&errs);
}

/* ---- helpers ------------------------------------------------------------ */

TEST(ConfigHelpers, CodecNamesRoundTrip)
{
	for (int c = 0; c < VG_CODEC_COUNT; c++)
		EXPECT_EQ(vg_cfg_codec_from_name(
			vg_cfg_codec_name((enum vg_cfg_codec)c)), c);
	EXPECT_STREQ(vg_cfg_codec_name(VG_CODEC_TELEPHONE_EVENT),
		"telephone-event");
	EXPECT_EQ(vg_cfg_codec_from_name("pcmu"), VG_CODEC_PCMU);
	EXPECT_EQ(vg_cfg_codec_from_name("OPUS"), VG_CODEC_OPUS);
	EXPECT_EQ(vg_cfg_codec_from_name("G711"), -1);
	EXPECT_EQ(vg_cfg_codec_from_name(""), -1);
}

TEST(ConfigHelpers, TransportNames)
{
	EXPECT_STREQ(vg_cfg_transport_name(VG_TP_UDP), "udp");
	EXPECT_STREQ(vg_cfg_transport_name(VG_TP_TCP), "tcp");
	EXPECT_STREQ(vg_cfg_transport_name(VG_TP_TLS), "tls");
}

TEST(ConfigHelpers, LookupByName)
{
	Load l("[[user]]\nname = \"1001\"\npassword = \"a\"\n"
	       "[[user]]\nname = \"1002\"\npassword = \"b\"\n"
	       "[[trunk]]\nname = \"t\"\nhost = \"h\"\n");

	ASSERT_EQ(l.rc, 0);
	ASSERT_NE(vg_config_user(&l.cfg, "1002"), nullptr);
	EXPECT_STREQ(vg_config_user(&l.cfg, "1002")->password, "b");
	EXPECT_EQ(vg_config_user(&l.cfg, "1003"), nullptr);
	EXPECT_NE(vg_config_trunk(&l.cfg, "t"), nullptr);
	EXPECT_EQ(vg_config_trunk(&l.cfg, "T"), nullptr);
}

TEST(ConfigHelpers, CidrContains)
{
	struct vg_cfg_cidr net = {};
	struct vg_cfg_addr a = {};

	net.addr.family = AF_INET;
	inet_pton(AF_INET, "10.20.0.0", &net.addr.u.v4);
	net.prefix = 22;
	a.family = AF_INET;
	inet_pton(AF_INET, "10.20.3.255", &a.u.v4);
	EXPECT_TRUE(vg_cfg_cidr_contains(&net, &a));
	inet_pton(AF_INET, "10.20.4.0", &a.u.v4);
	EXPECT_FALSE(vg_cfg_cidr_contains(&net, &a));
	net.prefix = 0;
	EXPECT_TRUE(vg_cfg_cidr_contains(&net, &a));

	net.addr.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::", &net.addr.u.v6);
	net.prefix = 33;
	EXPECT_FALSE(vg_cfg_cidr_contains(&net, &a)); /* other family */
	a.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8:7fff::1", &a.u.v6);
	EXPECT_TRUE(vg_cfg_cidr_contains(&net, &a));
	inet_pton(AF_INET6, "2001:db8:8000::1", &a.u.v6);
	EXPECT_FALSE(vg_cfg_cidr_contains(&net, &a));
	net.prefix = 128;
	inet_pton(AF_INET6, "2001:db8::", &a.u.v6);
	EXPECT_TRUE(vg_cfg_cidr_contains(&net, &a));
}

TEST(ConfigHelpers, AddrStr)
{
	struct vg_cfg_addr a = {};
	char buf[INET6_ADDRSTRLEN];

	EXPECT_STREQ(vg_cfg_addr_str(&a, buf, sizeof(buf)), "none");
	a.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::1", &a.u.v6);
	EXPECT_STREQ(vg_cfg_addr_str(&a, buf, sizeof(buf)), "2001:db8::1");
	a.family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", &a.u.v4);
	EXPECT_STREQ(vg_cfg_addr_str(&a, buf, sizeof(buf)), "192.0.2.1");
	EXPECT_EQ(vg_cfg_addr_str(&a, buf, 4), buf); /* too small: cut */
}

} /* namespace */

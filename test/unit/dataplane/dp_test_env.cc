/* SPDX-License-Identifier: BSD-3-Clause */
/** @file EAL environment and packet helpers of the data-plane tests. */
#include "dp_test_env.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_udp.h>

namespace vgtest {

namespace {

struct eal_state {
	bool ok = false;
	std::string why = "not started";
	std::string prefix;
	struct rte_mempool *pool = nullptr;
};

eal_state &
state()
{
	static eal_state s;
	return s;
}

/* Remove the runtime directory of this binary's own file prefix. */
void
remove_dir(const std::string &dir)
{
	DIR *d = opendir(dir.c_str());
	struct dirent *e;

	if (d == nullptr)
		return;
	while ((e = readdir(d)) != nullptr)
		if (std::strcmp(e->d_name, ".") != 0 &&
				std::strcmp(e->d_name, "..") != 0)
			unlink((dir + "/" + e->d_name).c_str());
	closedir(d);
	if (rmdir(dir.c_str()) != 0)
		std::fprintf(stderr, "rmdir %s: %s\n", dir.c_str(),
			std::strerror(errno));
}

/* Starts EAL before the first test and cleans it up after the last. */
class eal_env : public ::testing::Environment {
public:
	void
	SetUp() override
	{
		eal_state &s = state();

		s.prefix = "vg-ut-" + std::to_string(getpid());
		std::string pfx = "--file-prefix=" + s.prefix;
		/*
		 * DPDK 22.11 turns --no-huge into --legacy-mem, which it
		 * refuses with --in-memory; --no-shconf is the part of
		 * --in-memory that matters without hugepages: no files.
		 */
		const char *argv[] = {"vg-unit", "--no-huge", "--no-pci",
			"--no-shconf", "--no-telemetry", "-l", "0",
			"--log-level=lib.eal:error",
			pfx.c_str(), nullptr};
		int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;

		if (rte_eal_init(argc, const_cast<char **>(argv)) < 0) {
			s.why = std::string("rte_eal_init: ") +
				rte_strerror(rte_errno);
			return;
		}
		s.ok = true;
		s.why.clear();
	}

	void
	TearDown() override
	{
		eal_state &s = state();

		if (!s.ok)
			return;
		if (s.pool != nullptr)
			rte_mempool_free(s.pool);
		s.pool = nullptr;
		/* EAL leaves its runtime dir (a socket at most, --no-shconf) */
		std::string dir = rte_eal_get_runtime_dir();
		rte_eal_cleanup();
		remove_dir(dir);
		s.ok = false;
	}
};

::testing::Environment *const the_env =
	::testing::AddGlobalTestEnvironment(new eal_env);

} // namespace

const std::string &
file_prefix()
{
	return state().prefix;
}

bool
eal_ok(std::string *why)
{
	if (!state().ok && why != nullptr)
		*why = state().why;
	return state().ok;
}

struct rte_mempool *
pool()
{
	eal_state &s = state();

	if (s.pool == nullptr)
		s.pool = rte_pktmbuf_pool_create("vg_ut_pool", 1023, 0, 0,
				RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	return s.pool;
}

test_config::test_config()
{
	std::memset(&cfg, 0, sizeof(cfg));
	std::memset(ports, 0, sizeof(ports));
	std::snprintf(cfg.eal.file_prefix, sizeof(cfg.eal.file_prefix), "%s",
		file_prefix().c_str());
	cfg.dp.burst_size = 32;
	cfg.dp.cmd_ring_size = 16;
	cfg.dp.event_ring_size = 16;
	cfg.dp.max_sessions = 4;
	cfg.media.port_min = 20000;
	cfg.media.port_max = 20099;
	cfg.media.timeout_s = 30;
	ports[0].address.addr.family = AF_INET;
	ports[0].address.addr.u.v4.s_addr = ip4(10, 0, 0, 1);
	ports[1].address.addr.family = AF_INET;
	ports[1].address.addr.u.v4.s_addr = ip4(10, 0, 1, 1);
	cfg.ports = ports;
	cfg.n_ports = 2;
}

uint32_t
ip4(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return htonl(a << 24 | b << 16 | c << 8 | d);
}

std::vector<uint8_t>
rtp(uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc, size_t media_len,
		bool marker)
{
	std::vector<uint8_t> p(12 + media_len);

	p[0] = 0x80;
	p[1] = (uint8_t)((marker ? 0x80 : 0) | (pt & 0x7f));
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	for (int i = 0; i < 4; i++) {
		p[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
		p[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
	}
	for (size_t i = 0; i < media_len; i++)
		p[12 + i] = (uint8_t)(i * 7 + 3);
	return p;
}

std::vector<uint8_t>
rtcp(uint32_t ssrc)
{
	std::vector<uint8_t> p(28, 0);

	p[0] = 0x80;
	p[1] = 200;
	p[3] = 6;
	for (int i = 0; i < 4; i++)
		p[4 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
	return p;
}

struct rte_mbuf *
raw_pkt(const std::vector<uint8_t> &bytes)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool());
	char *d;

	if (m == nullptr)
		return nullptr;
	d = rte_pktmbuf_append(m, (uint16_t)bytes.size());
	if (d == nullptr) {
		rte_pktmbuf_free(m);
		return nullptr;
	}
	std::memcpy(d, bytes.data(), bytes.size());
	return m;
}

struct rte_mbuf *
udp_pkt(const udp_spec &s)
{
	size_t len = sizeof(rte_ether_hdr) + sizeof(rte_ipv4_hdr) +
		sizeof(rte_udp_hdr) + s.payload.size();
	std::vector<uint8_t> f(len, 0);
	auto *eth = reinterpret_cast<rte_ether_hdr *>(f.data());
	auto *ip = reinterpret_cast<rte_ipv4_hdr *>(eth + 1);
	auto *udp = reinterpret_cast<rte_udp_hdr *>(ip + 1);

	eth->dst_addr = s.eth_dst;
	eth->src_addr = s.eth_src;
	eth->ether_type = htons(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = 0x45;
	ip->total_length = htons((uint16_t)(len - sizeof(*eth)));
	ip->packet_id = htons(0x1234);
	ip->time_to_live = s.ttl;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = s.src_ip;
	ip->dst_addr = s.dst_ip;
	udp->src_port = htons(s.sport);
	udp->dst_port = htons(s.dport);
	udp->dgram_len = htons((uint16_t)(sizeof(*udp) + s.payload.size()));
	std::memcpy(udp + 1, s.payload.data(), s.payload.size());
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	return raw_pkt(f);
}

std::vector<uint8_t>
bytes_of(const struct rte_mbuf *m)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);

	return std::vector<uint8_t>(d, d + rte_pktmbuf_data_len(m));
}

std::vector<uint8_t>
bytes_of_and_free(struct rte_mbuf *m)
{
	std::vector<uint8_t> v = bytes_of(m);

	rte_pktmbuf_free(m);
	return v;
}

void
fix_ip_csum(std::vector<uint8_t> &f)
{
	auto *ip = reinterpret_cast<rte_ipv4_hdr *>(&f[14]);

	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* One's-complement sum, independent of DPDK's implementation. */
static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

bool
ipv4_csum_ok(const uint8_t *l3)
{
	size_t ihl = (l3[0] & 0xf) * 4u;

	return fold(sum16(l3, ihl, 0)) == 0xffff;
}

bool
udp_csum_ok(const uint8_t *l3)
{
	size_t ihl = (l3[0] & 0xf) * 4u;
	size_t ulen = (size_t)(l3[ihl + 4] << 8 | l3[ihl + 5]);
	uint32_t sum = 0;

	sum = sum16(l3 + 12, 8, sum); /* pseudo header: addresses */
	sum += 17u;
	sum += (uint32_t)ulen;
	sum = sum16(l3 + ihl, ulen, sum);
	return fold(sum) == 0xffff;
}

} // namespace vgtest

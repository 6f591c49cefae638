// SPDX-License-Identifier: BSD-3-Clause
/** @file The voxgate-dp component-test harness; see dp_harness.h. */
#include "dp_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

#include <rte_eal.h>
#include <rte_errno.h>

namespace vgt {

uint32_t
ip4(const char *s)
{
	struct in_addr a;
	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static int
run(const std::string &cmd)
{
	return system((cmd + " >/dev/null 2>&1").c_str());
}

int
run_bounded(const std::string &cmd, int timeout_ms, std::string *out)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	pid_t child = fork();
	if (child < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (child == 0) {
		/* not on our EAL core: see run_bounded() in the header */
		cpu_set_t all;
		memset(&all, 0xff, sizeof(all)); /* the kernel keeps the
						    online ones */
		sched_setaffinity(0, sizeof(all), &all);
		setpgid(0, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		execl("/bin/sh", "sh", "-c", cmd.c_str(), (char *)nullptr);
		_exit(127);
	}
	close(fds[1]);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	auto until = std::chrono::steady_clock::now() +
		std::chrono::milliseconds(timeout_ms);
	int status = -1;
	bool reaped = false, eof = false;
	while (!(reaped && eof)) {
		char buf[1024];
		ssize_t n;
		while ((n = read(fds[0], buf, sizeof(buf))) > 0)
			out->append(buf, (size_t)n);
		if (n == 0)
			eof = true;
		if (!reaped && waitpid(child, &status, WNOHANG) == child)
			reaped = true;
		if (std::chrono::steady_clock::now() > until) {
			kill(-child, SIGKILL);
			if (!reaped)
				waitpid(child, &status, 0);
			status = -1;
			break;
		}
		if (!(reaped && eof))
			usleep(10000);
	}
	close(fds[0]);
	return status;
}

static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	return sum;
}

static void
put16(Frame &f, size_t off, uint16_t v)
{
	f[off] = (uint8_t)(v >> 8);
	f[off + 1] = (uint8_t)v;
}

static void
eth(Frame &f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	f.resize(14);
	memcpy(&f[0], dst, 6);
	memcpy(&f[6], src, 6);
	put16(f, 12, type);
}

static void
ipv4(Frame &f, uint8_t proto, uint32_t sip, uint32_t dip, size_t l4_len)
{
	size_t o = f.size();
	f.resize(o + 20);
	f[o] = 0x45;
	put16(f, o + 2, (uint16_t)(20 + l4_len));
	f[o + 8] = 64;
	f[o + 9] = proto;
	memcpy(&f[o + 12], &sip, 4);
	memcpy(&f[o + 16], &dip, 4);
	put16(f, o + 10, csum_fold(csum_add(0, &f[o], 20)));
}

Frame
udp_frame(const uint8_t dst_mac[6], const uint8_t src_mac[6], uint32_t sip,
		uint16_t sport, uint32_t dip, uint16_t dport,
		const std::vector<uint8_t> &payload)
{
	Frame f;
	eth(f, dst_mac, src_mac, 0x0800);
	ipv4(f, 17, sip, dip, 8 + payload.size());
	size_t o = f.size();
	f.resize(o + 8);
	put16(f, o, sport);
	put16(f, o + 2, dport);
	put16(f, o + 4, (uint16_t)(8 + payload.size()));
	f.insert(f.end(), payload.begin(), payload.end());
	uint32_t sum = csum_add(0, &f[26], 8); /* pseudo header: addresses */
	sum += 17 + 8 + (uint32_t)payload.size();
	sum = csum_add(sum, &f[o], 8 + payload.size());
	uint16_t c = csum_fold(sum);
	put16(f, o + 6, c == 0 ? 0xffff : c);
	return f;
}

Frame
arp_request(const uint8_t src_mac[6], uint32_t sip, uint32_t tip)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	Frame f;
	eth(f, bcast, src_mac, 0x0806);
	f.resize(14 + 28);
	put16(f, 14, 1);
	put16(f, 16, 0x0800);
	f[18] = 6;
	f[19] = 4;
	put16(f, 20, 1);
	memcpy(&f[22], src_mac, 6);
	memcpy(&f[28], &sip, 4);
	memcpy(&f[38], &tip, 4);
	return f;
}

Frame
icmp_echo(const uint8_t dst_mac[6], const uint8_t src_mac[6], uint32_t sip,
		uint32_t dip, uint16_t id, uint16_t seq)
{
	Frame f;
	eth(f, dst_mac, src_mac, 0x0800);
	ipv4(f, 1, sip, dip, 8 + 32);
	size_t o = f.size();
	f.resize(o + 8 + 32);
	f[o] = 8;
	put16(f, o + 4, id);
	put16(f, o + 6, seq);
	for (int i = 0; i < 32; i++)
		f[o + 8 + i] = (uint8_t)i;
	put16(f, o + 2, csum_fold(csum_add(0, &f[o], 40)));
	return f;
}

std::vector<uint8_t>
rtp(uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc, size_t payload_len,
		uint8_t fill)
{
	std::vector<uint8_t> p(12 + payload_len, fill);
	p[0] = 0x80;
	p[1] = pt;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	for (int i = 0; i < 4; i++) {
		p[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
		p[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
	}
	return p;
}

std::vector<uint8_t>
rtp_pkt(bool marker, uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc,
		const std::vector<uint8_t> &pl)
{
	std::vector<uint8_t> p = rtp(pt, seq, ts, ssrc, 0, 0);
	if (marker)
		p[1] |= 0x80;
	p.insert(p.end(), pl.begin(), pl.end());
	return p;
}

Rtp
parse_rtp(const std::vector<uint8_t> &p)
{
	Rtp r;
	if (p.size() < 12 || p[0] != 0x80) /* v2, no P, X or CSRC */
		return r;
	r.marker = p[1] & 0x80;
	r.pt = p[1] & 0x7f;
	r.seq = (uint16_t)(p[2] << 8 | p[3]);
	r.ts = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
		(uint32_t)p[6] << 8 | p[7];
	r.ssrc = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 |
		(uint32_t)p[10] << 8 | p[11];
	r.pl.assign(p.begin() + 12, p.end());
	r.ok = true;
	return r;
}

Udp
parse_udp(const Frame &f)
{
	Udp u;
	if (f.size() < 42 || f[12] != 0x08 || f[13] != 0x00 || f[14] != 0x45 ||
			f[23] != 17)
		return u;
	size_t ip_len = (size_t)(f[16] << 8 | f[17]);
	if (14 + ip_len > f.size() || ip_len < 28)
		return u;
	memcpy(u.dst_mac, &f[0], 6);
	memcpy(u.src_mac, &f[6], 6);
	memcpy(&u.sip, &f[26], 4);
	memcpy(&u.dip, &f[30], 4);
	u.sport = (uint16_t)(f[34] << 8 | f[35]);
	u.dport = (uint16_t)(f[36] << 8 | f[37]);
	size_t ulen = (size_t)(f[38] << 8 | f[39]);
	if (ulen < 8 || 34 + ulen > 14 + ip_len)
		return u;
	u.payload.assign(f.begin() + 42, f.begin() + 34 + (long)ulen);
	bool ip_ok = csum_fold(csum_add(0, &f[14], 20)) == 0;
	uint32_t sum = csum_add(0, &f[26], 8) + 17 + (uint32_t)ulen;
	bool udp_ok = (f[40] == 0 && f[41] == 0) ||
		csum_fold(csum_add(sum, &f[34], ulen)) == 0;
	u.csum_ok = ip_ok && udp_ok;
	u.ok = true;
	return u;
}

static int
packet_socket(const std::string &ifname)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_ll sll = {};
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = 0; /* send only */
	sll.sll_ifindex = (int)if_nametoindex(ifname.c_str());
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The last 2000 bytes of the file at path ("" when there is none). */
static std::string
tail_of(const std::string &path)
{
	std::ifstream f(path, std::ios::binary);
	std::string s((std::istreambuf_iterator<char>(f)),
		std::istreambuf_iterator<char>());

	return s.size() > 2000 ? s.substr(s.size() - 2000) : s;
}

std::string
DpHarness::start(const std::string &dp_bin, const std::string &dir,
		uint32_t max_sessions, const std::string &prefix_base)
{
	if (unshare(CLONE_NEWNET) != 0)
		return std::string("unshare(CLONE_NEWNET): ") + strerror(errno);
	run("ip link set lo up");
	/* No IPv6 chatter (router solicitations, MLD) from the kernel on
	 * any link of this namespace, the TAP voxgate-dp makes included. */
	run("sysctl -w net.ipv6.conf.default.disable_ipv6=1");
	run("sysctl -w net.ipv6.conf.all.disable_ipv6=1");
	const char *names[2] = {"a", "b"};
	const char *ips[2] = {"192.0.2.1", "198.51.100.1"};
	const char *peers[2] = {"192.0.2.10", "198.51.100.10"};
	for (int s = 0; s < 2; s++) {
		Side &sd = sides[s];
		sd.name = names[s];
		sd.veth_dp = std::string("vgct") + names[s] + "1";
		sd.veth_peer = std::string("vgct") + names[s] + "0";
		sd.out_pcap = dir + "/out-" + names[s] + ".pcap";
		sd.ip = ip4(ips[s]);
		sd.peer_ip = ip4(peers[s]);
		uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x0a, (uint8_t)(s + 1)};
		memcpy(sd.peer_mac, mac, 6);
		if (run("ip link add " + sd.veth_peer + " type veth peer name " +
				sd.veth_dp) != 0 ||
				run("ip link set " + sd.veth_peer + " up") != 0 ||
				run("ip link set " + sd.veth_dp + " up") != 0)
			return "cannot create veth " + sd.veth_peer;
		sd.sock = packet_socket(sd.veth_peer);
		if (sd.sock < 0)
			return "cannot open a packet socket on " + sd.veth_peer;
	}
	prefix = prefix_base + "-" + std::to_string(getpid());
	tap = "vgcttap";
	std::string conf = dir + "/dp.toml";
	std::ofstream c(conf);
	c << "[eal]\nfile_prefix = \"" << prefix << "\"\n"
	  << "main_lcore = 0\nworker_lcores = [1]\nhuge = true\n"
	  << "memory_mb = 256\n"
	  << "[dataplane]\nmempool_size = 8191\nmempool_cache = 32\n"
	  << "max_sessions = " << max_sessions << "\n"
	  << "idle_sleep_us = 200\n";
	for (int s = 0; s < 2; s++)
		c << "[[port]]\nname = \"" << sides[s].name << "\"\n"
		  << "device = \"net_pcap" << s << ",rx_iface_in="
		  << sides[s].veth_dp << ",tx_pcap=" << sides[s].out_pcap
		  << "\"\naddress = \"" << ips[s] << "/24\"\nqueues = 1\n"
		  << (s == 0 ? "exception = \"tap\"\nexception_iface = \"" +
			  tap + "\"\n" : "exception = \"none\"\n"
			  "media_range = \"198.51.100.128/28\"\n");
	c << "[media]\nport_min = 20000\nport_max = 29999\ntimeout_s = 3\n"
	  << "[limits]\nmax_calls = " << max_sessions << "\n";
	c.close();

	log = dir + "/voxgate-dp.log";
	/* made before fork(): the child only execs */
	std::vector<const char *> dp_argv = {"voxgate-dp", "--config",
		conf.c_str(), "--", "--log-level=4"};
	for (const std::string &a : eal_args)
		dp_argv.push_back(a.c_str());
	dp_argv.push_back(nullptr);
	pid = fork();
	if (pid == 0) {
		int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(dp_bin.c_str(), (char *const *)dp_argv.data());
		_exit(127);
	}
	/*
	 * Wait until the primary says it runs, then attach. Its
	 * multi-process socket is not enough: EAL makes it before it looks
	 * for hugepages, and a secondary whose primary then failed waits
	 * for it forever inside rte_eal_init().
	 */
	bool running = false;
	for (int i = 0; i < 400 && !running; i++) {
		if (waitpid(pid, nullptr, WNOHANG) == pid) {
			pid = -1;
			return "voxgate-dp exited at start-up: " +
				tail_of(log);
		}
		running = tail_of(log).find("voxgate-dp: running") !=
			std::string::npos;
		if (!running)
			usleep(50000);
	}
	if (!running)
		return "voxgate-dp did not report running within 20 s; see " +
			log;
	std::string pfx = "--file-prefix=" + prefix;
	const char *argv[] = {"test", "-l", "0", "--proc-type=secondary",
		pfx.c_str(), "--no-pci", "--log-level=3", nullptr};
	if (rte_eal_init(7, (char **)argv) < 0)
		return std::string("secondary rte_eal_init failed: ") +
			rte_strerror(rte_errno);
	eal_up = true;
	char err[256] = "";
	for (int i = 0; i < 200 && client == nullptr; i++) {
		client = vg_dpapi_attach(prefix.c_str(), err, sizeof(err));
		if (client == nullptr)
			usleep(50000);
	}
	if (client == nullptr)
		return std::string("attach: ") + err;
	return "";
}

int
DpHarness::stop()
{
	int status = -1;
	if (client != nullptr) {
		vg_dpapi_detach(client);
		client = nullptr;
	}
	if (pid > 0) {
		kill(pid, SIGTERM);
		for (int i = 0; i < 100; i++) {
			if (waitpid(pid, &status, WNOHANG) == pid)
				break;
			usleep(50000);
			if (i == 99) {
				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
			}
		}
		pid = -1;
	}
	for (auto &s : sides)
		if (s.sock >= 0)
			close(s.sock);
	/* after a failed rte_eal_init() there is nothing to clean up, and
	 * rte_eal_cleanup() would touch what was never set up */
	if (eal_up)
		rte_eal_cleanup();
	eal_up = false;
	return status;
}

void
DpHarness::inject(int side, const Frame &f)
{
	if (send(sides[side].sock, f.data(), f.size(), 0) < 0)
		perror("inject");
}

static std::vector<Frame>
read_pcap(const std::string &path)
{
	std::vector<Frame> out;
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path.c_str(), err);
	if (p == nullptr)
		return out;
	struct pcap_pkthdr *h;
	const u_char *data;
	while (pcap_next_ex(p, &h, &data) == 1)
		out.emplace_back(data, data + h->caplen);
	pcap_close(p);
	return out;
}

std::vector<Frame>
DpHarness::sent(int side, size_t want, int wait_ms)
{
	Side &sd = sides[side];
	std::vector<Frame> all;
	auto until = std::chrono::steady_clock::now() +
		std::chrono::milliseconds(wait_ms);
	do {
		all = read_pcap(sd.out_pcap);
		if (all.size() >= sd.read + want && want > 0)
			break;
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
	} while (std::chrono::steady_clock::now() < until);
	std::vector<Frame> fresh;
	if (all.size() > sd.read)
		fresh.assign(all.begin() + (long)sd.read, all.end());
	sd.read = all.size();
	return fresh;
}

} // namespace vgt

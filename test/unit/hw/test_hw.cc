// SPDX-License-Identifier: BSD-3-Clause
/** @file Unit tests of hw/: the EAL command line and port set-up on vdevs. */
#include <gtest/gtest.h>

#include <string>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>

#include "vg_hw.h"

namespace {

std::string
joined(const struct vg_hw_eal_args &a)
{
	std::string s;
	for (int i = 0; i < a.argc; i++) {
		if (i)
			s += ' ';
		s += a.argv[i];
	}
	return s;
}

struct vg_cfg_port
make_port(const char *name, const char *device, enum vg_cfg_exception exc)
{
	struct vg_cfg_port p;
	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.device, sizeof(p.device), "%s", device);
	p.queues = 1;
	p.rx_desc = 256;
	p.tx_desc = 256;
	p.mtu = 1500;
	p.exception = exc;
	return p;
}

class HwConfig : public ::testing::Test {
protected:
	void SetUp() override
	{
		vg_config_defaults(&cfg);
		snprintf(cfg.eal.file_prefix, sizeof(cfg.eal.file_prefix),
			"vg-hw");
		cfg.eal.main_lcore = 0;
		cfg.eal.worker_lcores[0] = 1;
		cfg.eal.n_workers = 1;
		cfg.eal.huge = true;
		cfg.eal.memory_mb = 0;
		cfg.eal.n_extra_args = 0;
	}
	void set_ports(struct vg_cfg_port *p, uint16_t n)
	{
		cfg.ports = p;
		cfg.n_ports = n;
	}
	struct vg_config cfg;
	struct vg_hw_eal_args args;
	char msg[256] = "";
};

TEST_F(HwConfig, PrimaryArgsCarryLcoresPrefixVdevsAndTaps)
{
	struct vg_cfg_port ports[2] = {
		make_port("access", "net_af_packet0,iface=veth-a", VG_EXC_TAP),
		make_port("core", "net_ring0", VG_EXC_NONE),
	};
	snprintf(ports[0].exception_iface, sizeof(ports[0].exception_iface),
		"vg-acc");
	set_ports(ports, 2);
	ASSERT_EQ(0, vg_hw_eal_args_build(&cfg, VG_HW_PRIMARY, "voxgate-dp",
		0, nullptr, &args, msg, sizeof(msg))) << msg;
	EXPECT_EQ("voxgate-dp -l 0,1 --main-lcore=0 --file-prefix=vg-hw "
		"--proc-type=primary --vdev=net_af_packet0,iface=veth-a "
		"--vdev=net_tap0,iface=vg-acc --vdev=net_ring0 --no-pci "
		"--base-virtaddr=" VG_HW_BASE_VIRTADDR,
		joined(args));
	EXPECT_EQ(nullptr, args.argv[args.argc]);
}

TEST_F(HwConfig, PciPortIsAllowListedAndNoHugeAndMemory)
{
	struct vg_cfg_port ports[1] = {
		make_port("core", "0000:01:00.0", VG_EXC_NONE),
	};
	set_ports(ports, 1);
	cfg.eal.huge = false;
	cfg.eal.memory_mb = 256;
	snprintf(cfg.eal.extra_args[0], VG_CFG_STR_MAX, "--log-level=7");
	cfg.eal.n_extra_args = 1;
	char extra0[] = "--telemetry";
	char *extra[] = {extra0};
	ASSERT_EQ(0, vg_hw_eal_args_build(&cfg, VG_HW_PRIMARY, "dp", 1, extra,
		&args, msg, sizeof(msg))) << msg;
	EXPECT_EQ("dp -l 0,1 --main-lcore=0 --file-prefix=vg-hw "
		"--proc-type=primary --no-huge -m256 -a0000:01:00.0 "
		"--base-virtaddr=" VG_HW_BASE_VIRTADDR " --log-level=7 "
		"--telemetry", joined(args));
	/* the operator's own base address wins, and only it is passed */
	snprintf(cfg.eal.extra_args[0], VG_CFG_STR_MAX,
		"--base-virtaddr=0x300000000000");
	ASSERT_EQ(0, vg_hw_eal_args_build(&cfg, VG_HW_PRIMARY, "dp", 0,
		nullptr, &args, msg, sizeof(msg))) << msg;
	EXPECT_EQ("dp -l 0,1 --main-lcore=0 --file-prefix=vg-hw "
		"--proc-type=primary --no-huge -m256 -a0000:01:00.0 "
		"--base-virtaddr=0x300000000000", joined(args));
}

TEST_F(HwConfig, SecondaryAttachesWithMainLcoreOnly)
{
	struct vg_cfg_port ports[1] = {
		make_port("core", "net_null0", VG_EXC_TAP),
	};
	set_ports(ports, 1);
	ASSERT_EQ(0, vg_hw_eal_args_build(&cfg, VG_HW_SECONDARY, "cp", 0,
		nullptr, &args, msg, sizeof(msg))) << msg;
	EXPECT_EQ("cp -l 0 --main-lcore=0 --file-prefix=vg-hw "
		"--proc-type=secondary --no-pci", joined(args));
}

TEST_F(HwConfig, DefaultTapNameAndTooLongName)
{
	struct vg_cfg_port p = make_port("core", "net_null0", VG_EXC_TAP);
	char name[32];
	ASSERT_EQ(0, vg_hw_tap_name(&p, name, sizeof(name)));
	EXPECT_STREQ("vg-core", name);
	snprintf(p.exception_iface, sizeof(p.exception_iface),
		"a-very-long-interface");
	EXPECT_EQ(-ENAMETOOLONG, vg_hw_tap_name(&p, name, sizeof(name)));
	set_ports(&p, 1);
	EXPECT_EQ(-ENAMETOOLONG, vg_hw_eal_args_build(&cfg, VG_HW_PRIMARY,
		"dp", 0, nullptr, &args, msg, sizeof(msg)));
	EXPECT_NE(nullptr, strstr(msg, "longer than 15")) << msg;
	p.exception = VG_EXC_NONE;
	ASSERT_EQ(0, vg_hw_tap_name(&p, name, sizeof(name)));
	EXPECT_STREQ("", name);
}

TEST_F(HwConfig, TooManyArgumentsIsE2BIG)
{
	char extra0[] = "--x";
	char *extra[VG_HW_MAX_ARGS];
	for (auto &e : extra)
		e = extra0;
	EXPECT_EQ(-E2BIG, vg_hw_eal_args_build(&cfg, VG_HW_PRIMARY, "dp",
		VG_HW_MAX_ARGS, extra, &args, msg, sizeof(msg)));
	EXPECT_NE(nullptr, strstr(msg, "longer than")) << msg;
}

TEST(HwDeviceName, VdevNameStopsAtComma)
{
	char name[64];
	ASSERT_EQ(0, vg_hw_device_name("net_pcap0,rx_pcap=a.pcap", name,
		sizeof(name)));
	EXPECT_STREQ("net_pcap0", name);
	ASSERT_EQ(0, vg_hw_device_name("0000:01:00.0", name, sizeof(name)));
	EXPECT_STREQ("0000:01:00.0", name);
	EXPECT_EQ(-EINVAL, vg_hw_device_name(",x", name, sizeof(name)));
	EXPECT_EQ(-EINVAL, vg_hw_device_name("net_null0", name, 4));
}

// Port set-up on real vdevs, in a primary process without hugepages.
class HwPorts : public HwConfig {
protected:
	static void SetUpTestSuite()
	{
		std::string prefix = "vg-ut-hw-" + std::to_string(getpid());
		std::string pfx = "--file-prefix=" + prefix;
		const char *argv[] = {"test_hw", "-l", "0,1", "--no-huge",
			"-m", "256", "--no-pci", pfx.c_str(),
			"--vdev=net_null0", "--vdev=net_null1", "--vdev=net_ring0",
			"--log-level=3", nullptr};
		int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;
		eal_ok = rte_eal_init(argc, (char **)argv) >= 0;
	}
	static void TearDownTestSuite()
	{
		if (eal_ok)
			rte_eal_cleanup();
	}
	void SetUp() override
	{
		HwConfig::SetUp();
		ASSERT_TRUE(eal_ok) << "rte_eal_init failed";
		cfg.dp.mempool_size = 2047;
		cfg.dp.mempool_cache = 32;
	}
	static bool eal_ok;
	struct vg_hw hw;
};
bool HwPorts::eal_ok;

TEST_F(HwPorts, NullPortsComeUpWithQueuesAndLink)
{
	struct vg_cfg_port ports[2] = {
		make_port("a", "net_null0", VG_EXC_NONE),
		make_port("b", "net_null1", VG_EXC_NONE),
	};
	set_ports(ports, 2);
	ASSERT_EQ(0, vg_hw_init(&cfg, &hw, msg, sizeof(msg))) << msg;
	EXPECT_EQ(2, hw.n_ports);
	EXPECT_EQ(1, hw.ports[0].n_queues);
	EXPECT_NE(nullptr, hw.ports[0].pool);
	EXPECT_EQ(hw.ports[0].pool, hw.ports[1].pool) << "one pool a socket";
	EXPECT_EQ(UINT16_MAX, hw.ports[0].tap_port_id);
	EXPECT_EQ(2, vg_hw_link_update(&hw));
	struct rte_eth_dev_info info;
	ASSERT_EQ(0, rte_eth_dev_info_get(hw.ports[1].port_id, &info));
	EXPECT_EQ(1, info.nb_rx_queues);
	vg_hw_fini(&hw);
	EXPECT_EQ(0, hw.n_ports);
	EXPECT_EQ(nullptr, hw.pools[0]);
}

TEST_F(HwPorts, MissingPortIsNamed)
{
	struct vg_cfg_port ports[1] = {
		make_port("core", "net_null7", VG_EXC_NONE),
	};
	set_ports(ports, 1);
	EXPECT_EQ(-ENODEV, vg_hw_init(&cfg, &hw, msg, sizeof(msg)));
	EXPECT_NE(nullptr, strstr(msg, "port 'core'")) << msg;
	EXPECT_NE(nullptr, strstr(msg, "net_null7")) << msg;
}

TEST_F(HwPorts, MissingLcoreIsNamed)
{
	struct vg_cfg_port ports[1] = {
		make_port("a", "net_null0", VG_EXC_NONE),
	};
	set_ports(ports, 1);
	cfg.eal.worker_lcores[0] = 5;
	EXPECT_EQ(-EINVAL, vg_hw_init(&cfg, &hw, msg, sizeof(msg)));
	EXPECT_NE(nullptr, strstr(msg, "worker lcore 5")) << msg;
}

TEST_F(HwPorts, TooFewQueuesIsNamed)
{
	// Ask for one queue pair more than the device offers, with every
	// worker on an enabled lcore: hw must refuse and say how many.
	struct vg_cfg_port ports[1] = {
		make_port("r", "net_ring0", VG_EXC_NONE),
	};
	set_ports(ports, 1);
	uint16_t pid;
	struct rte_eth_dev_info info;
	ASSERT_EQ(0, rte_eth_dev_get_port_by_name("net_ring0", &pid));
	ASSERT_EQ(0, rte_eth_dev_info_get(pid, &info));
	ASSERT_LT(info.max_rx_queues, VG_CFG_MAX_LCORES);
	cfg.eal.n_workers = info.max_rx_queues + 1;
	for (uint16_t i = 0; i < cfg.eal.n_workers; i++)
		cfg.eal.worker_lcores[i] = 1;
	EXPECT_EQ(-EINVAL, vg_hw_init(&cfg, &hw, msg, sizeof(msg)));
	std::string want = std::to_string(cfg.eal.n_workers) + " are needed";
	EXPECT_NE(nullptr, strstr(msg, want.c_str())) << msg;
}

} // namespace

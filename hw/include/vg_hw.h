/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Hardware set-up for voxgate-dp: the EAL command line built from the
 * configuration, NIC ports and their queues, mempools per NUMA socket,
 * offload probing, and the exception-path (TAP) devices.
 *
 * Everything here runs on the main lcore before the workers launch, or
 * after they stop; nothing here is on the fast path. Functions return 0 or
 * a negative errno and write a message an operator can act on into the
 * caller's buffer.
 */
#ifndef VG_HW_H
#define VG_HW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>

#include "vg_config.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VG_HW_MAX_ARGS 96
#define VG_HW_ARG_LEN 320
#define VG_HW_MAX_PORTS 8
/** Where the primary maps its memory unless [eal] extra_args says (the
 * secondaries must map it at the same addresses). */
#define VG_HW_BASE_VIRTADDR "0x200000000000"

/** An EAL command line; argv[] points into buf. */
struct vg_hw_eal_args {
	int argc;
	char *argv[VG_HW_MAX_ARGS + 1];
	char buf[VG_HW_MAX_ARGS][VG_HW_ARG_LEN];
};

/** Which process the EAL command line is for. */
enum vg_hw_proc {
	VG_HW_PRIMARY,   /**< voxgate-dp: owns ports, lcores and memory */
	VG_HW_SECONDARY, /**< voxgate-cp, voxgatectl, tests: attach only */
};

/**
 * Build the EAL command line from the configuration.
 *
 * Primary: -l with the main and worker lcores, --main-lcore, --file-prefix,
 * --no-huge or -m, one --vdev per port whose device is a vdev string
 * ("net_..."), -a per PCI port (--no-pci when there is none), one
 * "net_tap" vdev per port with exception = "tap", then [eal] extra_args and
 * the caller's extra arguments.
 * Secondary: --proc-type=secondary, the same file prefix, -l with the main
 * lcore only, --no-pci.
 *
 * @return 0, or -E2BIG / -ENAMETOOLONG with msg filled
 */
int vg_hw_eal_args_build(const struct vg_config *cfg, enum vg_hw_proc proc,
		const char *prog, int n_extra, char *const extra[],
		struct vg_hw_eal_args *out, char *msg, size_t msg_size);

/**
 * The DPDK device name a port's configured device yields: the part of a
 * vdev string before the first comma, or the PCI address as written.
 */
int vg_hw_device_name(const char *device, char *name, size_t size);

/** Kernel interface name of a port's exception TAP ("" when none). */
int vg_hw_tap_name(const struct vg_cfg_port *port, char *name, size_t size);

/** What was found and set up on one port. */
struct vg_hw_port {
	uint16_t port_id;
	uint16_t tap_port_id;        /**< UINT16_MAX when no exception path */
	int socket_id;
	struct rte_ether_addr mac;
	uint16_t n_queues;           /**< queue pairs = worker lcores */
	bool rss_udp;                /**< RSS spreads UDP by ports */
	bool tx_ip_cksum;            /**< IPv4 header checksum offloaded */
	bool tx_udp_cksum;           /**< UDP checksum offloaded */
	bool link_up;
	uint32_t link_speed_mbps;
	struct rte_mempool *pool;    /**< the pool of the port's socket */
};

/** All ports and pools of a data plane. */
struct vg_hw {
	struct vg_hw_port ports[VG_HW_MAX_PORTS];
	uint16_t n_ports;
	struct rte_mempool *pools[8];  /**< per NUMA socket, NULL if unused */
};

/**
 * Find, configure and start every configured port (and its TAP), with one
 * RX and one TX queue per worker lcore (the TAP: one pair, the main
 * lcore's), RSS on UDP where the device has it,
 * checksum offloads where offered, a mempool on the port's socket.
 * Must run after rte_eal_init() in the primary.
 *
 * @return 0, or -ENODEV (port not found), -EINVAL (too few queues,
 *         lcore missing), -ENOMEM (mempool), or the ethdev error; msg says
 *         which port and what to do
 */
int vg_hw_init(const struct vg_config *cfg, struct vg_hw *hw, char *msg,
		size_t msg_size);

/** Stop and close every port, free the mempools. Safe on a partial init. */
void vg_hw_fini(struct vg_hw *hw);

/**
 * Give the kernel side of an exception TAP the port's address and bring
 * it up (IPv4). Thread: main lcore, after vg_hw_init().
 * @return 0 or a negative errno with msg filled
 */
int vg_hw_tap_configure(const char *ifname, const struct vg_cfg_cidr *addr,
		char *msg, size_t msg_size);

/** Refresh link state of every port; returns how many are up. */
int vg_hw_link_update(struct vg_hw *hw);

#ifdef __cplusplus
}
#endif

#endif /* VG_HW_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/** @file NIC ports, queues, mempools and offload probing for voxgate-dp. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "vg_hw.h"

#define VG_HW_MAX_SOCKETS (sizeof(((struct vg_hw *)0)->pools) / \
	sizeof(((struct vg_hw *)0)->pools[0]))

static int
check_lcores(const struct vg_config *cfg, char *msg, size_t msg_size)
{
	uint16_t i;

	if (!rte_lcore_is_enabled(cfg->eal.main_lcore)) {
		snprintf(msg, msg_size, "main lcore %u is not available "
			"(check [eal] main_lcore against the CPUs of this "
			"machine)", cfg->eal.main_lcore);
		return -EINVAL;
	}
	for (i = 0; i < cfg->eal.n_workers; i++) {
		if (!rte_lcore_is_enabled(cfg->eal.worker_lcores[i])) {
			snprintf(msg, msg_size, "worker lcore %u is not "
				"available (check [eal] worker_lcores)",
				cfg->eal.worker_lcores[i]);
			return -EINVAL;
		}
	}
	return 0;
}

static struct rte_mempool *
pool_for_socket(const struct vg_config *cfg, struct vg_hw *hw, int socket,
		char *msg, size_t msg_size)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned int idx = socket < 0 ? 0 : (unsigned int)socket;

	if (idx >= VG_HW_MAX_SOCKETS)
		idx = 0;
	if (hw->pools[idx] != NULL)
		return hw->pools[idx];
	snprintf(name, sizeof(name), "vg_mbuf_s%u", idx);
	hw->pools[idx] = rte_pktmbuf_pool_create(name, cfg->dp.mempool_size,
		cfg->dp.mempool_cache, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
		socket < 0 ? SOCKET_ID_ANY : socket);
	if (hw->pools[idx] == NULL)
		snprintf(msg, msg_size, "cannot create a mempool of %u mbufs "
			"on socket %d: %s (more hugepages, or a smaller "
			"[dataplane] mempool_size)", cfg->dp.mempool_size,
			socket, rte_strerror(rte_errno));
	return hw->pools[idx];
}

/* Configure one ethdev with nq queue pairs; probe RSS and offloads. */
static int
port_setup(const struct vg_config *cfg, const struct vg_cfg_port *cp,
		uint16_t port_id, uint16_t nq, uint16_t mtu,
		struct rte_mempool *pool, struct vg_hw_port *out, char *msg,
		size_t msg_size)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct rte_eth_txconf txconf;
	uint16_t nb_rx = cp->rx_desc, nb_tx = cp->tx_desc, q;
	int rc;

	rc = rte_eth_dev_info_get(port_id, &info);
	if (rc) {
		snprintf(msg, msg_size, "port '%s': cannot read device info: "
			"%s", cp->name, rte_strerror(-rc));
		return rc;
	}
	if (info.max_rx_queues < nq || info.max_tx_queues < nq) {
		snprintf(msg, msg_size, "port '%s': device has %u rx / %u tx "
			"queues, %u are needed (one pair per worker lcore)",
			cp->name, info.max_rx_queues, info.max_tx_queues, nq);
		return -EINVAL;
	}
	memset(&conf, 0, sizeof(conf));
	out->rss_udp = false;
	if (nq > 1 && (info.flow_type_rss_offloads & RTE_ETH_RSS_UDP)) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads &
			(RTE_ETH_RSS_UDP | RTE_ETH_RSS_IP);
		out->rss_udp = true;
	}
	out->tx_ip_cksum = (info.tx_offload_capa &
		RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) != 0;
	out->tx_udp_cksum = (info.tx_offload_capa &
		RTE_ETH_TX_OFFLOAD_UDP_CKSUM) != 0;
	if (out->tx_ip_cksum)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	if (out->tx_udp_cksum)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	if (mtu > 0 && info.max_mtu >= mtu)
		conf.rxmode.mtu = mtu;

	rc = rte_eth_dev_configure(port_id, nq, nq, &conf);
	if (rc) {
		snprintf(msg, msg_size, "port '%s': configure with %u queues "
			"failed: %s", cp->name, nq, rte_strerror(-rc));
		return rc;
	}
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nb_rx, &nb_tx);
	if (rc) {
		snprintf(msg, msg_size, "port '%s': descriptor counts %u/%u "
			"refused: %s", cp->name, cp->rx_desc, cp->tx_desc,
			rte_strerror(-rc));
		return rc;
	}
	txconf = info.default_txconf;
	txconf.offloads = conf.txmode.offloads;
	for (q = 0; q < nq; q++) {
		rc = rte_eth_rx_queue_setup(port_id, q, nb_rx,
			rte_eth_dev_socket_id(port_id), NULL, pool);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(port_id, q, nb_tx,
				rte_eth_dev_socket_id(port_id), &txconf);
		if (rc) {
			snprintf(msg, msg_size, "port '%s': queue %u set-up "
				"failed: %s", cp->name, q, rte_strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_dev_start(port_id);
	if (rc) {
		snprintf(msg, msg_size, "port '%s': start failed: %s",
			cp->name, rte_strerror(-rc));
		return rc;
	}
	/* Media is addressed to our own MAC; SIP to the kernel through the
	 * TAP also carries it. Promiscuous mode is not needed. */
	(void)cfg;
	return 0;
}

static int
find_port(const char *device, const char *what, const char *pname,
		uint16_t *port_id, char *msg, size_t msg_size)
{
	char name[RTE_ETH_NAME_MAX_LEN];

	if (vg_hw_device_name(device, name, sizeof(name)) != 0 ||
			rte_eth_dev_get_port_by_name(name, port_id) != 0) {
		snprintf(msg, msg_size, "port '%s': %s '%s' not found (is the "
			"NIC bound to vfio-pci, or the vdev string right?)",
			pname, what, device);
		return -ENODEV;
	}
	return 0;
}

int
vg_hw_link_update(struct vg_hw *hw)
{
	struct rte_eth_link link;
	uint16_t i;
	int up = 0;

	for (i = 0; i < hw->n_ports; i++) {
		struct vg_hw_port *p = &hw->ports[i];

		if (rte_eth_link_get_nowait(p->port_id, &link) != 0)
			continue;
		p->link_up = link.link_status == RTE_ETH_LINK_UP;
		p->link_speed_mbps = link.link_speed;
		up += p->link_up;
	}
	return up;
}

int
vg_hw_init(const struct vg_config *cfg, struct vg_hw *hw, char *msg,
		size_t msg_size)
{
	char tapdev[32];
	uint16_t i, nq = cfg->eal.n_workers ? cfg->eal.n_workers : 1;
	int rc;

	memset(hw, 0, sizeof(*hw));
	if (cfg->n_ports > VG_HW_MAX_PORTS) {
		snprintf(msg, msg_size, "%u ports configured, at most %d are "
			"supported", cfg->n_ports, VG_HW_MAX_PORTS);
		return -EINVAL;
	}
	rc = check_lcores(cfg, msg, msg_size);
	if (rc)
		return rc;
	for (i = 0; i < cfg->n_ports; i++) {
		const struct vg_cfg_port *cp = &cfg->ports[i];
		struct vg_hw_port *p = &hw->ports[i];

		p->tap_port_id = UINT16_MAX;
		rc = find_port(cp->device, "device", cp->name, &p->port_id,
			msg, msg_size);
		if (rc)
			goto fail;
		hw->n_ports = i + 1;
		p->socket_id = rte_eth_dev_socket_id(p->port_id);
		p->n_queues = nq;
		p->pool = pool_for_socket(cfg, hw, p->socket_id, msg,
			msg_size);
		if (p->pool == NULL) {
			rc = -ENOMEM;
			goto fail;
		}
		/* Worker i owns queue pair i. What the kernel sends through
		 * the TAP reaches the wire through worker 0 (a ring), so a
		 * device with one queue pair is enough for one worker. */
		rc = port_setup(cfg, cp, p->port_id, nq, cp->mtu, p->pool, p,
			msg, msg_size);
		if (rc)
			goto fail;
		rte_eth_macaddr_get(p->port_id, &p->mac);
		if (cp->exception != VG_EXC_TAP)
			continue;
		/* The TAP has one queue pair, served by the main lcore. It
		 * wears the port's MAC so the kernel accepts the frames the
		 * wire addressed to the port. */
		snprintf(tapdev, sizeof(tapdev), "net_tap%u", i);
		rc = find_port(tapdev, "exception device", cp->name,
			&p->tap_port_id, msg, msg_size);
		if (rc)
			goto fail;
		rc = port_setup(cfg, cp, p->tap_port_id, 1, cp->mtu, p->pool,
			&(struct vg_hw_port){0}, msg, msg_size);
		if (rc)
			goto fail;
		rc = rte_eth_dev_default_mac_addr_set(p->tap_port_id, &p->mac);
		if (rc) {
			snprintf(msg, msg_size, "port '%s': cannot give the "
				"exception device the port's MAC: %s",
				cp->name, rte_strerror(-rc));
			goto fail;
		}
	}
	vg_hw_link_update(hw);
	return 0;
fail:
	vg_hw_fini(hw);
	return rc;
}

void
vg_hw_fini(struct vg_hw *hw)
{
	uint16_t i;
	size_t s;

	for (i = 0; i < hw->n_ports; i++) {
		struct vg_hw_port *p = &hw->ports[i];

		if (p->tap_port_id != UINT16_MAX) {
			rte_eth_dev_stop(p->tap_port_id);
			rte_eth_dev_close(p->tap_port_id);
		}
		rte_eth_dev_stop(p->port_id);
		rte_eth_dev_close(p->port_id);
	}
	hw->n_ports = 0;
	for (s = 0; s < VG_HW_MAX_SOCKETS; s++) {
		rte_mempool_free(hw->pools[s]);
		hw->pools[s] = NULL;
	}
}

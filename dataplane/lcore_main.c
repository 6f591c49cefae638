/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file The data plane's main lcore: start-up, the loop that serves
 * commands, the exception path (TAP) and ARP, timers, and shutdown.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "dp_pvt.h"
#include "vg_srtp.h"

#define MAIN_BURST 32

static uint32_t
prefix_mask(uint8_t prefix)
{
	return prefix == 0 ? 0 : rte_cpu_to_be_32(~(uint32_t)0 << (32 - prefix));
}

/* ARP request for ip out of address a, through worker 0. */
static void
arp_request(struct vg_dp *dp, uint16_t a, uint32_t ip)
{
	const struct vg_local_addr *la = &dp->addrs[a];
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;
	struct rte_mbuf *m;

	m = rte_pktmbuf_alloc(dp->hw.ports[a].pool);
	if (m == NULL)
		return;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m,
		sizeof(*eth) + sizeof(*arp));
	if (eth == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	memset(&eth->dst_addr, 0xff, sizeof(eth->dst_addr));
	eth->src_addr = la->mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	arp = (struct rte_arp_hdr *)(eth + 1);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = la->mac;
	arp->arp_data.arp_sip = la->ip;
	memset(&arp->arp_data.arp_tha, 0, sizeof(arp->arp_data.arp_tha));
	arp->arp_data.arp_tip = ip;
	if (rte_ring_enqueue(dp->to_wire[a], m) != 0)
		rte_pktmbuf_free(m);
}

/* Ask for ip's MAC unless known or asked within the last second. */
static void
resolve(struct vg_dp *dp, uint16_t a, uint32_t ip, uint64_t now)
{
	struct vg_dp_asked *asked = dp->asked;
	struct rte_ether_addr mac;
	unsigned int k;

	if (ip == 0 || a >= dp->n_addrs)
		return;
	ip = vg_next_hop(&dp->addrs[a], ip);
	if (vg_neigh_lookup(&dp->neigh[a], ip, &mac))
		return;
	k = (rte_be_to_cpu_32(ip) * 2654435761u + a) % VG_DP_ASKED_SLOTS;
	if (asked[k].ip == ip && asked[k].a == a &&
			now - asked[k].tsc < dp->tsc_hz)
		return;
	asked[k].ip = ip;
	asked[k].a = a;
	asked[k].tsc = now;
	arp_request(dp, a, ip);
}

/* Workers' exception packets -> the TAP of the address they came on. */
static unsigned int
exception_to_kernel(struct vg_dp *dp)
{
	struct rte_mbuf *m[MAIN_BURST];
	unsigned int n, i, total = 0;
	uint16_t w;

	for (w = 0; w < dp->n_workers; w++) {
		n = rte_ring_dequeue_burst(dp->workers[w].to_kernel,
			(void **)m, MAIN_BURST, NULL);
		for (i = 0; i < n; i++) {
			uint16_t a = dp->port_addr[m[i]->port];
			uint16_t tap = a < dp->n_addrs ?
				dp->hw.ports[a].tap_port_id : UINT16_MAX;

			if (tap == UINT16_MAX ||
					rte_eth_tx_burst(tap, 0, &m[i], 1) != 1) {
				vg_ctr_add(&dp->main_lc->drops[VG_DROP_TX_FULL],
					1);
				rte_pktmbuf_free(m[i]);
				continue;
			}
			vg_ctr_add(&dp->main_lc->exception_pkts, 1);
		}
		total += n;
	}
	return total;
}

/* What the kernel sends through a TAP -> the wire, through worker 0. */
static unsigned int
kernel_to_wire(struct vg_dp *dp)
{
	struct rte_mbuf *m[MAIN_BURST];
	unsigned int n, q, total = 0;
	uint16_t a;

	for (a = 0; a < dp->n_addrs; a++) {
		if (dp->hw.ports[a].tap_port_id == UINT16_MAX)
			continue;
		n = rte_eth_rx_burst(dp->hw.ports[a].tap_port_id, 0, m,
			MAIN_BURST);
		if (n == 0)
			continue;
		q = rte_ring_enqueue_burst(dp->to_wire[a], (void **)m, n,
			NULL);
		if (q < n) {
			vg_ctr_add(&dp->main_lc->drops[VG_DROP_TX_FULL], n - q);
			rte_pktmbuf_free_bulk(m + q, n - q);
		}
		vg_ctr_add(&dp->main_lc->tx_pkts, q);
		total += n;
	}
	return total;
}

/* Neighbours the workers met (ARP) or could not resolve (media). */
static unsigned int
serve_hints(struct vg_dp *dp, uint64_t now)
{
	struct vg_neigh_hint h[MAIN_BURST];
	unsigned int n, i;

	n = rte_ring_dequeue_burst_elem(dp->hints, h, sizeof(h[0]),
		MAIN_BURST, NULL);
	for (i = 0; i < n; i++) {
		if (h[i].addr >= dp->n_addrs)
			continue;
		if (h[i].learn)
			vg_neigh_learn(&dp->neigh[h[i].addr], h[i].ip,
				&h[i].mac, now);
		else
			resolve(dp, h[i].addr, h[i].ip, now);
	}
	return n;
}

/* Commands, with the remote addresses of new legs resolved at once so
 * the first media packet finds its next hop. */
static int
apply_cmd(const struct vg_dpapi_cmd *cmd, struct vg_dpapi_reply *reply,
		void *arg)
{
	struct vg_dp *dp = arg;
	int rc = vg_sess_cmd(cmd, reply, dp->tbl);
	unsigned int i;

	if (rc == 0 && (cmd->type == VG_CMD_SESS_CREATE ||
			cmd->type == VG_CMD_SESS_UPDATE))
		for (i = 0; i < 2; i++)
			if (cmd->legs[i].local_addr < dp->n_maddrs)
				resolve(dp, dp->maddrs[
					cmd->legs[i].local_addr].port,
					cmd->legs[i].remote_ip, rte_rdtsc());
	return rc;
}

static void
timers(struct vg_dp *dp, uint64_t now)
{
	struct vg_dpapi_event ev[64];
	/* a tenth of the sessions a tick (10 ticks a second): each leg is
	 * looked at once a second, which is the timeouts' resolution, and
	 * the workers' counter lines are not pulled away every tick */
	uint32_t budget = dp->cfg->dp.max_sessions / 10 + 1;
	unsigned int n;
	uint16_t a;

	do {
		n = vg_sess_timeouts_step(dp->tbl, now, dp->tsc_hz, ev,
			RTE_DIM(ev), &budget);
		if (n)
			vg_dpapi_server_post(dp->srv, ev, n);
	} while (n == RTE_DIM(ev));
	for (a = 0; a < dp->n_addrs; a++) {
		vg_neigh_age(&dp->neigh[a], now,
			(uint64_t)dp->cfg->dp.arp_timeout_s * dp->tsc_hz);
		if (dp->addrs[a].gateway != 0)
			resolve(dp, a, dp->addrs[a].gateway, now);
	}
	vg_hw_link_update(&dp->hw);
}

int
vg_dp_run(struct vg_dp *dp)
{
	uint64_t now, next_timer = 0, busy = 0, idle = 0, t0;
	uint16_t w;
	int rc;

	for (w = 0; w < dp->n_workers; w++) {
		rc = rte_eal_remote_launch(vg_dp_worker_main, &dp->workers[w],
			dp->workers[w].lcore);
		if (rc != 0) {
			fprintf(stderr, "voxgate-dp: cannot launch worker on "
				"lcore %u: %s\n", dp->workers[w].lcore,
				rte_strerror(-rc));
			atomic_store(&dp->stop, true);
			break;
		}
	}
	t0 = rte_rdtsc();
	while (!atomic_load_explicit(&dp->stop, memory_order_relaxed)) {
		unsigned int work = 0;

		now = rte_rdtsc();
		work += vg_dpapi_server_poll(dp->srv, apply_cmd, dp, 64);
		work += exception_to_kernel(dp);
		work += kernel_to_wire(dp);
		work += serve_hints(dp, now);
		work += vg_sess_reclaim(dp->tbl);
		if (now >= next_timer) {
			timers(dp, now);
			next_timer = now + dp->tsc_hz / 10;
		}
		now = rte_rdtsc();
		if (work) {
			busy += now - t0;
		} else {
			idle += now - t0;
			/* The main lcore is not on the fast path: sleeping
			 * when idle leaves the core to the kernel's SIP. */
			if (dp->idle_sleep_us)
				usleep(dp->idle_sleep_us);
		}
		t0 = now;
		__atomic_store_n(&dp->main_lc->busy_tsc, busy,
			__ATOMIC_RELAXED);
		__atomic_store_n(&dp->main_lc->idle_tsc, idle,
			__ATOMIC_RELAXED);
	}
	rte_eal_mp_wait_lcore();
	/* Workers are offline: everything unlinked can go back now. */
	vg_sess_reclaim(dp->tbl);
	return 0;
}

static int
make_rings(struct vg_dp *dp, char *msg, size_t msg_size)
{
	char name[RTE_RING_NAMESIZE];
	uint16_t i;

	for (i = 0; i < dp->n_addrs; i++) {
		snprintf(name, sizeof(name), "vg_wire%u", i);
		dp->to_wire[i] = rte_ring_create(name, VG_DP_WIRE_RING,
			rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (dp->to_wire[i] == NULL)
			goto fail;
	}
	for (i = 0; i < dp->n_workers; i++) {
		snprintf(name, sizeof(name), "vg_exc%u", i);
		dp->workers[i].to_kernel = rte_ring_create(name,
			VG_DP_EXC_RING, rte_socket_id(),
			RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (dp->workers[i].to_kernel == NULL)
			goto fail;
	}
	for (i = 0; dp->n_workers > 1 && i < dp->n_workers; i++) {
		uint16_t a;

		for (a = 0; a < dp->n_addrs; a++) {
			snprintf(name, sizeof(name), "vg_ho%u_%u", i, a);
			dp->workers[i].handoff[a] = rte_ring_create(name,
				VG_DP_EXC_RING, rte_socket_id(),
				RING_F_SC_DEQ);
			if (dp->workers[i].handoff[a] == NULL)
				goto fail;
		}
	}
	dp->hints = rte_ring_create_elem("vg_hints",
		sizeof(struct vg_neigh_hint), VG_DP_HINT_RING,
		rte_socket_id(), RING_F_SC_DEQ);
	if (dp->hints == NULL)
		goto fail;
	return 0;
fail:
	snprintf(msg, msg_size, "cannot create ring %s: %s", name,
		rte_strerror(rte_errno));
	return -ENOMEM;
}

/* The ports and the media addresses (vg_cfg_media_addr() numbering). */
static int
fill_addrs(struct vg_dp *dp, char *msg, size_t msg_size)
{
	const struct vg_config *cfg = dp->cfg;
	uint32_t n = vg_cfg_media_addr_count(cfg), k;
	struct in_addr ip = { 0 };
	uint16_t i;

	dp->maddrs = rte_zmalloc("vg_media_addrs", sizeof(dp->maddrs[0]) * n,
		RTE_CACHE_LINE_SIZE);
	if (dp->maddrs == NULL || n > UINT16_MAX) {
		snprintf(msg, msg_size, "cannot hold %u media addresses", n);
		return -ENOMEM;
	}
	for (k = 0; k < n; k++) {
		vg_cfg_media_addr(cfg, k, &dp->maddrs[k].port, &ip);
		dp->maddrs[k].ip = ip.s_addr;
	}
	dp->n_maddrs = (uint16_t)n;
	n = 0;
	memset(dp->port_addr, 0xff, sizeof(dp->port_addr));
	for (i = 0; i < cfg->n_ports; i++) {
		struct vg_local_addr *la = &dp->addrs[i];
		const struct vg_cfg_port *cp = &cfg->ports[i];

		la->ip = cp->address.addr.u.v4.s_addr;
		la->netmask = prefix_mask(cp->address.prefix);
		la->gateway = cp->gateway.family == AF_INET ?
			cp->gateway.u.v4.s_addr : 0;
		la->mac = dp->hw.ports[i].mac;
		la->neigh = &dp->neigh[i];
		la->hints = dp->hints;
		la->port_id = dp->hw.ports[i].port_id;
		la->media_port_min = cfg->media.port_min;
		la->media_port_max = cfg->media.port_max;
		la->exception = cp->exception == VG_EXC_TAP;
		la->tx_ip_cksum = dp->hw.ports[i].tx_ip_cksum;
		la->media_base = (uint16_t)n;
		la->range_n = (uint16_t)(vg_cfg_port_media_addrs(cp) - 1);
		la->range_first = la->range_n == 0 ? 0 :
			rte_be_to_cpu_32(cp->media_range.addr.u.v4.s_addr);
		n += 1u + la->range_n;
		dp->port_addr[la->port_id] = i;
		vg_neigh_init(&dp->neigh[i]);
	}
	dp->n_addrs = cfg->n_ports;
	return 0;
}

int
vg_dp_init(struct vg_dp *dp, const struct vg_config *cfg, char *msg,
		size_t msg_size)
{
	char tap[32];
	uint16_t i;
	int rc;

	memset(dp, 0, sizeof(*dp));
	dp->cfg = cfg;
	dp->tsc_hz = rte_get_tsc_hz();
	dp->idle_sleep_us = cfg->dp.idle_sleep_us;
	dp->n_workers = cfg->eal.n_workers;
	if (cfg->n_ports == 0 || cfg->n_ports > VG_HW_MAX_PORTS) {
		snprintf(msg, msg_size, "voxgate-dp needs 1..%d [[port]] "
			"entries, the configuration has %u", VG_HW_MAX_PORTS,
			cfg->n_ports);
		return -EINVAL;
	}
	if (dp->n_workers == 0) {
		snprintf(msg, msg_size, "voxgate-dp needs at least one worker "
			"lcore ([eal] worker_lcores)");
		return -EINVAL;
	}
	dp->n_addrs = cfg->n_ports;
	rc = vg_hw_init(cfg, &dp->hw, msg, msg_size);
	if (rc)
		return rc;
	for (i = 0; i < cfg->n_ports; i++) {
		if (cfg->ports[i].exception != VG_EXC_TAP)
			continue;
		vg_hw_tap_name(&cfg->ports[i], tap, sizeof(tap));
		rc = vg_hw_tap_configure(tap, &cfg->ports[i].address, msg,
			msg_size);
		if (rc)
			goto fail;
	}
	dp->srv = vg_dpapi_server_create(cfg, dp->n_workers + 1);
	if (dp->srv == NULL) {
		rc = -rte_errno;
		snprintf(msg, msg_size, "cannot create the shared memory for "
			"prefix '%s': %s", cfg->eal.file_prefix,
			rte_errno == EEXIST ? "another voxgate-dp uses it" :
			rte_strerror(rte_errno));
		goto fail;
	}
	/* libsrtp's (and its crypto backend's) one-time set-up takes long
	 * enough to time out the first SRTP session's command: now */
	rc = vg_srtp_global_init();
	if (rc != 0) {
		snprintf(msg, msg_size, "cannot initialise libsrtp2: %s",
			strerror(-rc));
		goto fail;
	}
	dp->tbl = vg_sess_table_create(cfg,
		vg_dpapi_server_leg_records(dp->srv),
		vg_dpapi_server_leg_stats(dp->srv, 0), dp->n_workers);
	if (dp->tbl == NULL) {
		rc = -rte_errno;
		snprintf(msg, msg_size, "cannot create the session table for "
			"%u sessions: %s (fewer [dataplane] max_sessions, or "
			"more hugepages)", cfg->dp.max_sessions,
			rte_strerror(rte_errno));
		goto fail;
	}
	dp->workers = rte_zmalloc("vg_workers",
		sizeof(*dp->workers) * dp->n_workers, RTE_CACHE_LINE_SIZE);
	if (dp->workers == NULL) {
		rc = -ENOMEM;
		snprintf(msg, msg_size, "out of memory for the workers");
		goto fail;
	}
	dp->main_lc = vg_dpapi_server_lcore_counters(dp->srv, 0);
	for (i = 0; i < dp->n_workers; i++) {
		dp->workers[i].id = i;
		dp->workers[i].lcore = cfg->eal.worker_lcores[i];
		dp->workers[i].dp = dp;
		dp->workers[i].lc = vg_dpapi_server_lcore_counters(dp->srv,
			i + 1);
	}
	rc = make_rings(dp, msg, msg_size);
	if (rc)
		goto fail;
	rc = fill_addrs(dp, msg, msg_size);
	if (rc)
		goto fail;
	vg_dp_telemetry_init(dp);
	vg_dpapi_server_start(dp->srv);
	return 0;
fail:
	vg_dp_fini(dp);
	return rc;
}

void
vg_dp_fini(struct vg_dp *dp)
{
	struct rte_mbuf *m;
	uint16_t i;

	for (i = 0; i < VG_HW_MAX_PORTS; i++) {
		while (dp->to_wire[i] != NULL &&
				rte_ring_dequeue(dp->to_wire[i], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(dp->to_wire[i]);
		dp->to_wire[i] = NULL;
	}
	for (i = 0; dp->workers != NULL && i < dp->n_workers; i++) {
		struct rte_ring *r = dp->workers[i].to_kernel;

		uint16_t a;

		while (r != NULL && rte_ring_dequeue(r, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(r);
		for (a = 0; a < VG_HW_MAX_PORTS; a++) {
			r = dp->workers[i].handoff[a];
			while (r != NULL &&
					rte_ring_dequeue(r, (void **)&m) == 0)
				rte_pktmbuf_free(m);
			rte_ring_free(r);
		}
	}
	rte_ring_free(dp->hints);
	dp->hints = NULL;
	rte_free(dp->workers);
	dp->workers = NULL;
	rte_free(dp->maddrs);
	dp->maddrs = NULL;
	vg_sess_table_destroy(dp->tbl);
	dp->tbl = NULL;
	vg_dpapi_server_destroy(dp->srv);
	dp->srv = NULL;
	vg_hw_fini(&dp->hw);
}

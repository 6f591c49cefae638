/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file DPDK telemetry commands under /voxgate/: ports, lcores, sessions
 * and one session's counters, readable with dpdk-telemetry.py.
 *
 * Callbacks run on DPDK's telemetry thread: they only read counters
 * (relaxed loads of one-writer fields) and RO-after-start-up state.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "dp_pvt.h"

/* Telemetry callbacks take no argument: the one data plane of the
 * process, set once before the commands are registered. */
static const struct vg_dp *tel_dp;

static uint64_t
ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* Telemetry names allow letters, digits and '_' only. */
static void
key(char *buf, size_t size, const char *a, const char *b)
{
	size_t i;

	/* a name that does not fit is cut: still unique for ours */
	if (snprintf(buf, size, "%s_%s", a, b) < 0)
		buf[0] = '\0';
	for (i = 0; buf[i] != '\0'; i++)
		if (!isalnum((unsigned char)buf[i]))
			buf[i] = '_';
}

static unsigned int
busy_pct(const struct vg_dpapi_lcore_counters *lc)
{
	uint64_t busy = ld(&lc->busy_tsc), idle = ld(&lc->idle_tsc);

	return busy + idle == 0 ? 0 :
		(unsigned int)(busy * 100 / (busy + idle));
}

static int
tel_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct vg_dp *dp = tel_dp;
	struct rte_eth_stats st;
	char k[64];
	uint16_t i;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (i = 0; i < dp->n_addrs; i++) {
		const struct vg_hw_port *p = &dp->hw.ports[i];
		const char *name = dp->cfg->ports[i].name;

		key(k, sizeof(k), name, "port_id");
		rte_tel_data_add_dict_u64(d, k, p->port_id);
		key(k, sizeof(k), name, "link_up");
		rte_tel_data_add_dict_u64(d, k, p->link_up);
		key(k, sizeof(k), name, "speed_mbps");
		rte_tel_data_add_dict_u64(d, k, p->link_speed_mbps);
		key(k, sizeof(k), name, "queues");
		rte_tel_data_add_dict_u64(d, k, p->n_queues);
		/* its own address and its media_range */
		key(k, sizeof(k), name, "media_addrs");
		rte_tel_data_add_dict_u64(d, k, 1u + dp->addrs[i].range_n);
		if (rte_eth_stats_get(p->port_id, &st) == 0) {
			key(k, sizeof(k), name, "rx_pkts");
			rte_tel_data_add_dict_u64(d, k, st.ipackets);
			key(k, sizeof(k), name, "tx_pkts");
			rte_tel_data_add_dict_u64(d, k, st.opackets);
			key(k, sizeof(k), name, "rx_missed");
			rte_tel_data_add_dict_u64(d, k, st.imissed);
		}
	}
	return 0;
}

static void
add_lcore(struct rte_tel_data *d, const char *who, unsigned int lcore,
		const struct vg_dpapi_lcore_counters *lc)
{
	uint64_t drops = 0;
	char k[64];
	unsigned int r;

	for (r = 0; r < VG_DROP_COUNT; r++)
		drops += ld(&lc->drops[r]);
	key(k, sizeof(k), who, "lcore");
	rte_tel_data_add_dict_u64(d, k, lcore);
	key(k, sizeof(k), who, "busy_pct");
	rte_tel_data_add_dict_u64(d, k, busy_pct(lc));
	key(k, sizeof(k), who, "busy_cycles");
	rte_tel_data_add_dict_u64(d, k, ld(&lc->busy_tsc));
	key(k, sizeof(k), who, "idle_cycles");
	rte_tel_data_add_dict_u64(d, k, ld(&lc->idle_tsc));
	key(k, sizeof(k), who, "rx_pkts");
	rte_tel_data_add_dict_u64(d, k, ld(&lc->rx_pkts));
	key(k, sizeof(k), who, "tx_pkts");
	rte_tel_data_add_dict_u64(d, k, ld(&lc->tx_pkts));
	key(k, sizeof(k), who, "exception_pkts");
	rte_tel_data_add_dict_u64(d, k, ld(&lc->exception_pkts));
	key(k, sizeof(k), who, "drops");
	rte_tel_data_add_dict_u64(d, k, drops);
	key(k, sizeof(k), who, "xcode_pkts");
	rte_tel_data_add_dict_u64(d, k, ld(&lc->xcode_pkts));
	key(k, sizeof(k), who, "srtp_pkts");
	rte_tel_data_add_dict_u64(d, k, ld(&lc->srtp_pkts));
}

static int
tel_lcores(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct vg_dp *dp = tel_dp;
	char who[32];
	uint16_t w;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	add_lcore(d, "main", dp->cfg->eal.main_lcore, dp->main_lc);
	for (w = 0; w < dp->n_workers; w++) {
		snprintf(who, sizeof(who), "worker%u", w);
		add_lcore(d, who, dp->workers[w].lcore, dp->workers[w].lc);
	}
	return 0;
}

/* Memory the table holds for each session it can hold: everything
 * sess_table.c allocates at start-up, the legs' records and stats in the
 * memzone included, and the RCU defer queue's slots (8 bytes an entry). */
static uint64_t
vg_dp_bytes_per_session(const struct vg_sess_table *t)
{
	uint64_t legs = 2ull * t->max_sessions, b;

	b = sizeof(*t);
	b += (uint64_t)t->n_addrs * t->n_slots_per_addr * sizeof(t->slots[0]);
	b += legs * (sizeof(struct vg_leg) + sizeof(struct vg_leg_ctl) +
		sizeof(struct vg_dpapi_leg_stats));
	b += (uint64_t)t->n_cfgs * (sizeof(struct vg_leg_cfg) + 4 + 8);
	b += (uint64_t)t->max_sessions * (1 + 4 + 8);
	return b / t->max_sessions;
}

static int
tel_sessions(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct vg_sess_table *t = tel_dp->tbl;
	uint32_t free_now = __atomic_load_n(&t->n_free_sess, __ATOMIC_RELAXED);

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "max", t->max_sessions);
	rte_tel_data_add_dict_u64(d, "active", t->max_sessions - free_now);
	rte_tel_data_add_dict_u64(d, "free", free_now);
	rte_tel_data_add_dict_u64(d, "bytes_per_session",
		vg_dp_bytes_per_session(t));
	rte_tel_data_add_dict_u64(d, "media_addrs", t->n_addrs);
	return 0;
}

static int
tel_session(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct vg_sess_table *t = tel_dp->tbl;
	char *end;
	unsigned long id;
	unsigned int side, r;
	char k[64], who[8];

	(void)cmd;
	if (params == NULL || *params == '\0')
		return -EINVAL;
	id = strtoul(params, &end, 10);
	if (*end != '\0' || id >= t->max_sessions)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "id", id);
	rte_tel_data_add_dict_u64(d, "active",
		__atomic_load_n(&t->state[id], __ATOMIC_RELAXED) ==
			VG_SESS_ACTIVE);
	for (side = 0; side < 2; side++) {
		const struct vg_leg *leg = &t->legs[2 * id + side];
		const struct vg_dpapi_leg_counters *c = &leg->ctr;
		const struct vg_dpapi_leg_stats *st = vg_leg_stats(t, leg);
		uint64_t drops = 0;

		snprintf(who, sizeof(who), "leg%u", side);
		key(k, sizeof(k), who, "rx_pkts");
		rte_tel_data_add_dict_u64(d, k, ld(&c->rx_pkts));
		key(k, sizeof(k), who, "rx_bytes");
		rte_tel_data_add_dict_u64(d, k, ld(&c->rx_bytes));
		key(k, sizeof(k), who, "fwd_pkts");
		rte_tel_data_add_dict_u64(d, k, ld(&c->fwd_pkts));
		key(k, sizeof(k), who, "rtcp_pkts");
		rte_tel_data_add_dict_u64(d, k, ld(&st->rtcp_pkts));
		key(k, sizeof(k), who, "lost");
		rte_tel_data_add_dict_int(d, k,
			__atomic_load_n(&c->lost, __ATOMIC_RELAXED));
		key(k, sizeof(k), who, "jitter");
		rte_tel_data_add_dict_u64(d, k,
			__atomic_load_n(&c->jitter, __ATOMIC_RELAXED));
		for (r = 0; r < VG_DROP_COUNT; r++)
			drops += ld(&st->drops[r]);
		key(k, sizeof(k), who, "drops");
		rte_tel_data_add_dict_u64(d, k, drops);
	}
	return 0;
}

int
vg_dp_telemetry_init(struct vg_dp *dp)
{
	int rc = 0;

	tel_dp = dp;
	rc |= rte_telemetry_register_cmd("/voxgate/ports", tel_ports,
		"Ports: link, speed, queues, packets. No parameters");
	rc |= rte_telemetry_register_cmd("/voxgate/lcores", tel_lcores,
		"Lcores: busy share and cycles, packets, drops. No parameters");
	rc |= rte_telemetry_register_cmd("/voxgate/sessions", tel_sessions,
		"Media sessions: max, active, free. No parameters");
	rc |= rte_telemetry_register_cmd("/voxgate/session", tel_session,
		"One session's leg counters. Parameter: session id");
	return rc == 0 ? 0 : -EINVAL;
}

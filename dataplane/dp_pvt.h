/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The running data plane: what voxgate-dp's main lcore and workers share.
 *
 * Lcores and what they own:
 *  - main lcore: commands (the session table's one writer), timers
 *    (media timeouts, neighbour ageing, reclaim), the exception path in
 *    both directions (TAP rx/tx), ARP requests we originate;
 *  - worker i: rx queue i and tx queue i of every port, the legs whose
 *    packets arrive on those queues, and (worker 0 only) the to_wire
 *    rings that carry the main lcore's packets to the wire, so a device
 *    with one queue pair is enough.
 *
 * Port-to-queue mapping and leg ownership: a leg's packets come from one
 * remote (after latching, exactly one 5-tuple), and RSS hashes the
 * 5-tuple, so they always land on one queue and one worker owns the leg's
 * mutable state. With one worker this holds trivially.
 */
#ifndef VG_DP_PVT_H
#define VG_DP_PVT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ring.h>

#include "vg_config.h"
#include "vg_dpapi.h"
#include "vg_hw.h"
#include "dpapi_server_pvt.h"
#include "neigh_pvt.h"
#include "pipeline_pvt.h"
#include "sess_table_pvt.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Ring sizes of the exception path (per worker, per port). */
#define VG_DP_EXC_RING 1024
#define VG_DP_WIRE_RING 1024
#define VG_DP_HINT_RING 1024

#define VG_DP_ASKED_SLOTS 64    /**< recent ARP requests (rate limit) */

struct vg_dp;

/** An ARP request sent recently; owner: main lcore. */
struct vg_dp_asked {
	uint32_t ip;
	uint16_t a;
	uint64_t tsc;
};

/** One worker lcore. Owner: that lcore, except id/lcore/dp (RO). */
struct vg_dp_worker {
	uint16_t id;                   /**< queue index and RCU thread id */
	uint16_t lcore;
	struct vg_dp *dp;
	struct vg_dpapi_lcore_counters *lc;
	struct rte_ring *to_kernel;    /**< exception packets -> main lcore */
	/** packets of sessions this worker owns, received by another one,
	 * per rx port (multi-producer); NULL with one worker */
	struct rte_ring *handoff[VG_HW_MAX_PORTS];
	/** two bursts: one received and classified while the one before,
	 * looked up a round earlier, is relayed (vg_dp_worker_main()) */
	struct vg_burst burst[2];
	struct rte_mbuf *pkts[2][VG_BURST_MAX];
	/* packets handed over by other workers (vg_leg_owner()) */
	struct vg_burst burst_ho;
	struct rte_mbuf *pkts_ho[VG_BURST_MAX];
} __rte_cache_aligned;

/** The data plane. RO after start-up except where a field says. */
struct vg_dp {
	const struct vg_config *cfg;
	struct vg_hw hw;
	struct vg_dpapi_server *srv;
	struct vg_sess_table *tbl;
	/** per [[port]]: its address and media range (n_addrs of them) */
	struct vg_local_addr addrs[VG_HW_MAX_PORTS];
	struct vg_neigh neigh[VG_HW_MAX_PORTS]; /**< per port; writer: main
						  lcore */
	uint16_t n_addrs;                       /**< ports */
	uint16_t port_addr[RTE_MAX_ETHPORTS];   /**< ethdev id -> port index */
	/** per media address (vg_dpapi_leg.local_addr): IP and port */
	struct vg_media_addr *maddrs;
	uint16_t n_maddrs;
	struct rte_ring *to_wire[VG_HW_MAX_PORTS]; /**< main -> worker 0 */
	struct rte_ring *hints;        /**< workers -> main: neighbour hints
					  (struct vg_neigh_hint), MP/SC */
	struct vg_dp_worker *workers;  /**< [n_workers] */
	uint16_t n_workers;
	struct vg_dpapi_lcore_counters *main_lc;
	uint64_t tsc_hz;
	uint32_t idle_sleep_us;        /**< main lcore back-off when idle */
	struct vg_dp_asked asked[VG_DP_ASKED_SLOTS]; /**< main lcore */
	atomic_bool stop;              /**< set by the signal handler */
};

/**
 * Build everything from the configuration (EAL already initialised):
 * ports, shared memory, session table, rings, workers' state.
 * @return 0 or a negative errno with msg filled
 */
int vg_dp_init(struct vg_dp *dp, const struct vg_config *cfg, char *msg,
		size_t msg_size);

/** Launch the workers, run the main lcore loop until dp->stop, then stop
 * and join the workers. @return 0 */
int vg_dp_run(struct vg_dp *dp);

/** Free everything vg_dp_init made. Safe on a partial init. */
void vg_dp_fini(struct vg_dp *dp);

/** The worker loop (rte_eal_remote_launch entry); arg is the worker. */
int vg_dp_worker_main(void *arg);

/** Register the /voxgate/ telemetry commands for dp. */
int vg_dp_telemetry_init(struct vg_dp *dp);

#ifdef __cplusplus
}
#endif

#endif /* VG_DP_PVT_H */

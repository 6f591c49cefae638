/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file The worker loop: rx burst -> classify -> lookup, and a burst
 * later relay -> dispatch -> tx, per port, with the RCU quiescent state
 * between the two.
 */
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "dp_pvt.h"

/* Send what the burst produced, grouped by egress address (as it comes
 * when there is one: nothing to sort). */
static void
send_tx(struct vg_dp_worker *w, struct vg_burst *b)
{
	struct vg_dp *dp = w->dp;
	struct rte_mbuf *sorted[VG_TX_MAX], **out;
	uint16_t a, i, n, sent;

	for (a = 0; a < dp->n_addrs && b->n_tx != 0; a++) {
		if (dp->n_addrs == 1) {
			out = b->tx;
			n = b->n_tx;
		} else {
			out = sorted;
			for (i = 0, n = 0; i < b->n_tx; i++)
				if (b->tx_addr[i] == a)
					out[n++] = b->tx[i];
		}
		if (n == 0)
			continue;
		sent = rte_eth_tx_burst(dp->addrs[a].port_id, w->id, out, n);
		vg_ctr_add(&w->lc->tx_pkts, sent);
		if (sent < n) {
			vg_ctr_add(&w->lc->drops[VG_DROP_TX_FULL], n - sent);
			rte_pktmbuf_free_bulk(out + sent, n - sent);
		}
	}
}

/* Hand exception packets to the main lcore (it owns the TAPs). */
static void
send_exc(struct vg_dp_worker *w, struct vg_burst *b)
{
	unsigned int q;

	if (b->n_exc == 0)
		return;
	q = rte_ring_enqueue_burst(w->to_kernel, (void **)b->exc, b->n_exc,
		NULL);
	if (q < b->n_exc) {
		vg_ctr_add(&w->lc->drops[VG_DROP_TX_FULL], b->n_exc - q);
		rte_pktmbuf_free_bulk(b->exc + q, b->n_exc - q);
	}
}

/* Worker 0 carries the main lcore's packets (TAP output, ARP requests)
 * to the wire: one queue pair per worker is then enough on any device. */
static void
drain_to_wire(struct vg_dp_worker *w, uint16_t a)
{
	struct vg_dp *dp = w->dp;
	struct rte_mbuf *m[32];
	unsigned int n;
	uint16_t sent;

	n = rte_ring_dequeue_burst(dp->to_wire[a], (void **)m, RTE_DIM(m),
		NULL);
	if (n == 0)
		return;
	sent = rte_eth_tx_burst(dp->addrs[a].port_id, w->id, m, n);
	vg_ctr_add(&w->lc->tx_pkts, sent);
	if (sent < n) {
		vg_ctr_add(&w->lc->drops[VG_DROP_TX_FULL], n - sent);
		rte_pktmbuf_free_bulk(m + sent, n - sent);
	}
}

/* Pass packets of sessions other workers own to them (same rx port). */
static void
send_handoff(struct vg_dp_worker *w, struct vg_burst *b)
{
	struct vg_dp *dp = w->dp;
	struct rte_mbuf *to[VG_BURST_MAX];
	uint16_t o, i, n;
	unsigned int q;

	for (o = 0; o < dp->n_workers && b->n_ho != 0; o++) {
		for (i = 0, n = 0; i < b->n_ho; i++)
			if (b->ho_owner[i] == o)
				to[n++] = b->ho[i];
		if (n == 0)
			continue;
		q = rte_ring_enqueue_burst(dp->workers[o].handoff[b->rx_addr],
			(void **)to, n, NULL);
		if (q < n) {
			vg_ctr_add(&w->lc->drops[VG_DROP_TX_FULL], n - q);
			rte_pktmbuf_free_bulk(to + q, n - q);
		}
	}
}

/* Relay and send a burst that was classified and looked up. */
static void
relay_send(struct vg_dp_worker *w, struct vg_burst *b)
{
	vg_stage_relay(b);
	vg_stage_dispatch(b);
	send_tx(w, b);
	send_exc(w, b);
	send_handoff(w, b);
	if (b->n_events != 0)
		vg_dpapi_server_post(w->dp->srv, b->events, b->n_events);
}

/* Look up a classified burst and ask for the leg records its media
 * packets will touch (relayed later: vg_dp_worker_main()). */
static void
lookup_ahead(struct vg_burst *b)
{
	uint16_t i;

	vg_stage_lookup(b);
	for (i = 0; i < b->n; i++)
		if (b->verdict[i] == VG_V_MEDIA && b->leg[i] != NULL)
			vg_leg_prefetch(b->leg[i]);
	b->asked = true;
}

static void
burst_init(struct vg_dp_worker *w, struct vg_burst *b)
{
	struct vg_dp *dp = w->dp;

	b->addrs = dp->addrs;
	b->n_addrs = dp->n_addrs;
	b->maddrs = dp->maddrs;
	b->n_maddrs = dp->n_maddrs;
	b->tbl = dp->tbl;
	b->tsc_hz = dp->tsc_hz;
	b->lc = w->lc;
	b->worker_id = w->id;
	b->n_workers = dp->n_workers;
}

/* The packets other workers handed over for port a: a burst of their
 * own, through every stage (classify again: it has no side effect on
 * media packets, and it is what the lookup needs). */
static bool
take_handoff(struct vg_dp_worker *w, struct vg_burst *b, uint16_t a)
{
	struct rte_ring *r = w->handoff[a];
	unsigned int n;

	if (r == NULL)
		return false;
	n = rte_ring_dequeue_burst(r, (void **)w->pkts_ho, VG_BURST_MAX,
		NULL);
	if (n == 0)
		return false;
	vg_burst_start(b, w->pkts_ho, (uint16_t)n, rte_rdtsc());
	b->rx_addr = a;
	vg_stage_classify(b);
	vg_stage_lookup(b);
	relay_send(w, b);
	return true;
}

/*
 * Two bursts in flight: per port, receive and classify a burst (which
 * asks for the session slots), relay and send the one before (its leg
 * records were asked for a whole burst earlier, so they have arrived),
 * pass the RCU quiescent state (no leg is held then), then look up the
 * new burst and ask for its records. The relay then does not ask again;
 * it asks a few packets ahead (vg_stage_relay()) in the hand-off bursts,
 * which go through every stage at once.
 *
 * Measured against relaying each burst as it comes (perf/README.md): at
 * 100k sessions, with a leg's state in one record, 0.88 to 0.93 of the
 * cycles a packet in two of three pairs of process starts (1.0 in the
 * third). Tried twice before, when a packet's state was in two arrays
 * (legs, counters), it cost more (345 against 254 cycles, then 423/434
 * against 396/371): asking for twice the lines a burst ahead.
 */
int
vg_dp_worker_main(void *arg)
{
	struct vg_dp_worker *w = arg;
	struct vg_dp *dp = w->dp;
	uint16_t burst = dp->cfg->dp.burst_size, a, n;
	uint64_t t0, t1, busy = 0, idle = 0, iter = 0;
	struct vg_burst *pending = NULL;
	unsigned int next = 0;

	if (burst == 0 || burst > VG_BURST_MAX)
		burst = 32;
	burst_init(w, &w->burst[0]);
	burst_init(w, &w->burst[1]);
	burst_init(w, &w->burst_ho);
	rte_rcu_qsbr_thread_register(dp->tbl->qsbr, w->id);
	rte_rcu_qsbr_thread_online(dp->tbl->qsbr, w->id);

	t0 = rte_rdtsc();
	while (!atomic_load_explicit(&dp->stop, memory_order_relaxed)) {
		bool work = false;

		for (a = 0; a < dp->n_addrs; a++) {
			struct vg_burst *b = &w->burst[next];

			if (w->id == 0)
				drain_to_wire(w, a);
			n = rte_eth_rx_burst(dp->addrs[a].port_id, w->id,
				w->pkts[next], burst);
			if (n != 0) {
				vg_burst_start(b, w->pkts[next], n,
					rte_rdtsc());
				b->rx_addr = a;
				vg_stage_classify(b);
			}
			if (pending != NULL) {
				work = true;
				relay_send(w, pending);
				pending = NULL;
			}
			if (take_handoff(w, &w->burst_ho, a))
				work = true;
			/* nothing looked up is held here */
			rte_rcu_qsbr_quiescent(dp->tbl->qsbr, w->id);
			if (n != 0) {
				work = true;
				lookup_ahead(b);
				pending = b;
				next ^= 1;
			}
		}
		t1 = rte_rdtsc();
		if (work)
			busy += t1 - t0;
		else
			idle += t1 - t0;
		t0 = t1;
		/* Publish the busy/idle split now and then, not every round. */
		if ((++iter & 1023) == 0) {
			__atomic_store_n(&w->lc->busy_tsc, busy,
				__ATOMIC_RELAXED);
			__atomic_store_n(&w->lc->idle_tsc, idle,
				__ATOMIC_RELAXED);
		}
	}
	if (pending != NULL)
		relay_send(w, pending);
	rte_rcu_qsbr_quiescent(dp->tbl->qsbr, w->id);
	__atomic_store_n(&w->lc->busy_tsc, busy, __ATOMIC_RELAXED);
	__atomic_store_n(&w->lc->idle_tsc, idle, __ATOMIC_RELAXED);
	rte_rcu_qsbr_thread_offline(dp->tbl->qsbr, w->id);
	rte_rcu_qsbr_thread_unregister(dp->tbl->qsbr, w->id);
	return 0;
}

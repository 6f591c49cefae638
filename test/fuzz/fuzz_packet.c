/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * libFuzzer target for what a data-plane worker does with frames off the
 * wire: classify, lookup, relay (plain, rtcp-mux with a payload-type map
 * and SSRC rewrite, G.711 transcoding, SRTP to plain RTP) and dispatch, on a session table
 * and two local addresses (one with a media range and a neighbour table)
 * as the unit tests' fixture has them, EAL without hugepages.
 *
 * Input: one byte (the receiving address, bit 0; bit 1: the frames go in
 * as one burst, else one burst each), then frames, each as a 16-bit
 * big-endian length and that many bytes (cut to what is left). After each
 * input: every mbuf is back in the pool, and every IPv4 frame sent has a
 * valid header checksum. The seeds (corpus-packet/) are RTP and RTCP for
 * each kind of session in both directions, an ARP request, an ICMP echo,
 * RTP to a media-range address without a session, SIP to the exception
 * path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "neigh_pvt.h"
#include "vg_srtp.h"
#include "pipeline_pvt.h"
#include "sess_table_pvt.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_SESS 4

static struct {
	struct vg_config cfg;
	struct vg_cfg_port ports[2];
	struct rte_mempool *pool;
	unsigned int pool_avail;
	struct vg_sess_table *t;
	struct vg_local_addr addrs[2];
	struct vg_media_addr maddrs[18];
	struct vg_neigh neigh;
	struct rte_ring *hints;
	struct vg_dpapi_lcore_counters lc;
	struct vg_burst b;
} fz;

static uint32_t
ip4(unsigned int a, unsigned int b, unsigned int c, unsigned int d)
{
	return rte_cpu_to_be_32(a << 24 | b << 16 | c << 8 | d);
}

static void
die(const char *what)
{
	fprintf(stderr, "fuzz_packet: %s\n", what);
	exit(1);
}

/* Sessions of four kinds on ports 20000.., legs on addresses 0 and 1. */
static void
sessions(void)
{
	struct vg_dpapi_leg legs[2];
	struct vg_dpapi_srtp_keys keys[2];
	uint32_t id;
	unsigned int s, i;

	for (s = 0; s < N_SESS; s++) {
		memset(legs, 0, sizeof(legs));
		for (i = 0; i < 2; i++) {
			legs[i].remote_ip = i == 0 ? ip4(192, 0, 2, 10) :
				ip4(198, 51, 100, 20);
			legs[i].remote_port = (uint16_t)(4000 + 2 * s + i * 100);
			legs[i].local_port = (uint16_t)(20000 + 20 * s + 10 * i);
			legs[i].local_addr = (uint16_t)i;
		}
		switch (s) {
		case 0: /* plain relay, strict latching */
			legs[0].latching = legs[1].latching =
				VG_DPAPI_LATCH_STRICT;
			break;
		case 1: /* latch anyone, rtcp-mux, PT 0 <-> 8, SSRC rewrite */
			for (i = 0; i < 2; i++) {
				legs[i].latching = VG_DPAPI_LATCH_ANY;
				legs[i].flags = VG_DPAPI_LEG_F_RTCP_MUX |
					VG_DPAPI_LEG_F_REWRITE_SSRC;
				legs[i].n_pt_map = 1;
				legs[i].pt_map[0].in_pt = i == 0 ? 0 : 8;
				legs[i].pt_map[0].out_pt = i == 0 ? 8 : 0;
			}
			break;
		case 3: /* SRTP (SDES, AES_CM_128_HMAC_SHA1_80) on A, plain
			 * RTP on B */
			legs[0].latching = legs[1].latching =
				VG_DPAPI_LATCH_OFF;
			legs[0].srtp_suite = VG_SRTP_AES_CM_128_HMAC_SHA1_80;
			break;
		default: /* PCMU <-> PCMA transcoding, DTMF 101 <-> 96 */
			legs[0].latching = legs[1].latching =
				VG_DPAPI_LATCH_OFF;
			legs[0].codec = VG_CODEC_PCMU + 1;
			legs[0].pt = 0;
			legs[0].dtmf_pt = 101;
			legs[1].codec = VG_CODEC_PCMA + 1;
			legs[1].pt = 8;
			legs[1].dtmf_pt = 96;
			break;
		}
		memset(keys, 0, sizeof(keys));
		for (i = 0; i < sizeof(keys[0].rx); i++) {
			keys[0].rx[i] = (uint8_t)(0x10 + i);
			keys[0].tx[i] = (uint8_t)(0x80 + i);
		}
		if (vg_sess_create_keys(fz.t, legs, keys, 0xf0 + s, &id) != 0)
			die("session create failed");
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char pfx[64];
	char *eal[] = {"fuzz_packet", "--no-huge", "--no-pci", "--no-shconf",
		"--no-telemetry", "-l", "0", "--log-level=*:error", pfx, NULL};
	unsigned int i, k;

	(void)argc;
	(void)argv;
	snprintf(pfx, sizeof(pfx), "--file-prefix=vg-fuzz-%d", (int)getpid());
	if (rte_eal_init(9, eal) < 0)
		die("rte_eal_init failed");
	fz.pool = rte_pktmbuf_pool_create("fz_pool", 1023, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	fz.hints = rte_ring_create_elem("fz_hints",
		sizeof(struct vg_neigh_hint), 64, SOCKET_ID_ANY,
		RING_F_SC_DEQ);
	if (fz.pool == NULL || fz.hints == NULL)
		die("pool or ring");
	fz.pool_avail = rte_mempool_avail_count(fz.pool);

	snprintf(fz.cfg.eal.file_prefix, sizeof(fz.cfg.eal.file_prefix),
		"%s", pfx + strlen("--file-prefix="));
	fz.cfg.dp.burst_size = 32;
	fz.cfg.dp.cmd_ring_size = 16;
	fz.cfg.dp.event_ring_size = 16;
	fz.cfg.dp.max_sessions = 4;
	fz.cfg.media.port_min = 20000;
	fz.cfg.media.port_max = 20099;
	fz.cfg.media.timeout_s = 30;
	for (i = 0; i < 2; i++) {
		fz.ports[i].address.addr.family = AF_INET;
		fz.ports[i].address.addr.u.v4.s_addr = ip4(10, 0, i, 1);
	}
	fz.ports[1].media_range.addr.family = AF_INET;
	fz.ports[1].media_range.addr.u.v4.s_addr = ip4(198, 51, 100, 128);
	fz.ports[1].media_range.prefix = 28;
	fz.cfg.ports = fz.ports;
	fz.cfg.n_ports = 2;
	fz.t = vg_sess_table_create(&fz.cfg, NULL, NULL, 1);
	if (fz.t == NULL || rte_rcu_qsbr_thread_register(fz.t->qsbr, 0) != 0)
		die("session table");
	rte_rcu_qsbr_thread_online(fz.t->qsbr, 0);

	vg_neigh_init(&fz.neigh);
	for (i = 0; i < 2; i++) {
		struct vg_local_addr *a = &fz.addrs[i];

		a->ip = ip4(10, 0, i, 1);
		a->netmask = ip4(255, 255, 255, 0);
		a->gateway = ip4(10, 0, i, 254);
		a->mac = (struct rte_ether_addr){{0x02, 0, 0, 0, i, 1}};
		a->nh_mac = (struct rte_ether_addr){{0x02, 0, 0, 0, i, 0xfe}};
		a->port_id = (uint16_t)i;
		a->media_port_min = 20000;
		a->media_port_max = 20099;
		a->exception = i == 0;
		a->media_base = (uint16_t)i;
		a->hints = fz.hints;
		fz.maddrs[i].ip = a->ip;
		fz.maddrs[i].port = (uint16_t)i;
	}
	/* address 1: a media range and a neighbour table that knows its
	 * gateway */
	fz.addrs[1].range_first = 0xc6336480u; /* 198.51.100.128 */
	fz.addrs[1].range_n = 16;
	for (k = 0; k < 16; k++) {
		fz.maddrs[2 + k].ip = rte_cpu_to_be_32(0xc6336480u + k);
		fz.maddrs[2 + k].port = 1;
	}
	if (vg_neigh_learn(&fz.neigh, fz.addrs[1].gateway,
			&fz.addrs[1].nh_mac, 1) != 0)
		die("neighbour");
	fz.addrs[1].neigh = &fz.neigh;

	fz.b.addrs = fz.addrs;
	fz.b.n_addrs = 2;
	fz.b.maddrs = fz.maddrs;
	fz.b.n_maddrs = 18;
	fz.b.tbl = fz.t;
	fz.b.lc = &fz.lc;
	fz.b.tsc_hz = 8000;
	fz.b.n_workers = 1;
	sessions();
	return 0;
}

static void
check_sent(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth;
	const struct rte_ipv4_hdr *ip;
	uint16_t ihl;

	if (m->data_len < sizeof(*eth))
		abort();
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return;
	if (m->data_len < sizeof(*eth) + sizeof(*ip))
		abort();
	ip = (const struct rte_ipv4_hdr *)(eth + 1);
	ihl = (uint16_t)((ip->version_ihl & 0xf) * 4);
	if (ihl < sizeof(*ip) || m->data_len < sizeof(*eth) + ihl ||
			rte_raw_cksum(ip, ihl) != 0xffff)
		abort();
}

/* One burst through every stage; what comes out is checked and freed. */
static void
run(struct rte_mbuf **pkts, uint16_t n, uint16_t rx, uint64_t now)
{
	struct vg_burst *b = &fz.b;
	struct vg_neigh_hint h;
	uint16_t i;

	vg_burst_start(b, pkts, n, now);
	b->rx_addr = rx;
	vg_stage_classify(b);
	vg_stage_lookup(b);
	vg_stage_relay(b);
	vg_stage_dispatch(b);
	for (i = 0; i < b->n_tx; i++) {
		check_sent(b->tx[i]);
		rte_pktmbuf_free(b->tx[i]);
	}
	for (i = 0; i < b->n_exc; i++)
		rte_pktmbuf_free(b->exc[i]);
	for (i = 0; i < b->n_ho; i++)
		rte_pktmbuf_free(b->ho[i]);
	while (rte_ring_dequeue_elem(fz.hints, &h, sizeof(h)) == 0)
		;
	rte_rcu_qsbr_quiescent(fz.t->qsbr, 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t now = 1000;
	struct rte_mbuf *pkts[VG_BURST_MAX];
	uint16_t n = 0, rx;
	bool one_burst;
	size_t off = 1;

	if (size < 1)
		return 0;
	rx = data[0] & 1;
	one_burst = (data[0] & 2) != 0;
	while (off + 2 <= size && n < VG_BURST_MAX) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		struct rte_mbuf *m;
		char *p;

		off += 2;
		if (len > size - off)
			len = size - off;
		m = rte_pktmbuf_alloc(fz.pool);
		if (m == NULL)
			abort(); /* the pool holds more than a burst */
		p = rte_pktmbuf_append(m, (uint16_t)RTE_MIN(len,
			(size_t)rte_pktmbuf_tailroom(m)));
		if (p == NULL && len != 0)
			abort();
		if (len != 0)
			memcpy(p, data + off, rte_pktmbuf_data_len(m));
		off += len;
		pkts[n++] = m;
	}
	/* time moves 20 ms a burst (160 RTP units at 8 kHz) */
	if (one_burst) {
		if (n != 0)
			run(pkts, n, rx, now += 160);
	} else {
		uint16_t i;

		for (i = 0; i < n; i++)
			run(&pkts[i], 1, rx, now += 160);
	}
	/* every mbuf came back (the transcoder holds none at 20 ms) */
	if (rte_mempool_avail_count(fz.pool) != fz.pool_avail)
		abort();
	return 0;
}

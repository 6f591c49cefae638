/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file The relay's stages in cache: cycles a packet of classify, lookup,
 * relay and dispatch on a burst of 32 G.711 RTP frames (one per session,
 * sequence numbers in order), with no port and no memory misses, beside
 * the reference measured in the same run: what refilling the burst costs
 * (mbufs from the pool, 214-byte frames copied in, freed after), which
 * is what a net_pcap port's rx does. Built on the data-plane unit tests'
 * fixture (test/unit/dataplane/pipeline_fixture.h: EAL without
 * hugepages, a session table, two local addresses). See perf/README.md.
 *
 * Each figure is the best of VG_STAGES_ROUNDS rounds (default 25) of
 * 4000 bursts: the least disturbed round on a shared machine. Pin it to
 * an idle CPU (taskset -c 1). Its last line:
 *   stages: copy=C classify=X lookup=Y relay=Z dispatch=W total=T
 * (total: the four stages).
 */
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <rte_cycles.h>
#include <rte_memcpy.h>

#include "pipeline_fixture.h"

using namespace vgtest;

namespace {

constexpr unsigned int N = 32;       /* a burst, one packet a session */
constexpr unsigned int BURSTS = 4000;

class Stages : public Pipeline {
protected:
	void
	SetUp() override
	{
		tc.cfg.dp.max_sessions = N;
		tc.cfg.media.port_max = 20999;
		Pipeline::SetUp();
		addrs[0].media_port_max = 20999;
		addrs[1].media_port_max = 20999;
	}

	/* Cycles a packet of BURSTS bursts through the first `stages`
	 * stages (0: refill only), the frames' sequence numbers going on
	 * from seq0. */
	double
	run_bursts(const std::vector<struct rte_mbuf *> &tmpl, int stages,
		uint16_t seq0)
	{
		static struct rte_mbuf *burst[N];
		uint64_t t0 = rte_rdtsc();

		for (unsigned int it = 0; it < BURSTS; it++) {
			uint16_t seq = (uint16_t)(seq0 + it);

			if (rte_pktmbuf_alloc_bulk(pool(), burst, N) != 0)
				return -1;
			for (unsigned int i = 0; i < N; i++) {
				uint8_t *d = rte_pktmbuf_mtod(burst[i],
						uint8_t *);

				rte_memcpy(d, rte_pktmbuf_mtod(tmpl[i], void *),
					tmpl[i]->data_len);
				burst[i]->data_len = tmpl[i]->data_len;
				burst[i]->pkt_len = tmpl[i]->data_len;
				d[PL + 2] = (uint8_t)(seq >> 8);
				d[PL + 3] = (uint8_t)seq;
			}
			vg_burst_start(&b, burst, N, 1000 + it);
			b.rx_addr = 0;
			if (stages >= 1)
				vg_stage_classify(&b);
			if (stages >= 2)
				vg_stage_lookup(&b);
			if (stages >= 3)
				vg_stage_relay(&b);
			if (stages >= 4) {
				vg_stage_dispatch(&b);
				if (b.n_tx != N)
					return -1; /* not all relayed */
				rte_pktmbuf_free_bulk(b.tx, b.n_tx);
				b.n_tx = 0;
			} else {
				rte_pktmbuf_free_bulk(burst, N);
			}
		}
		return (double)(rte_rdtsc() - t0) / (BURSTS * N);
	}
};

} // namespace

TEST_F(Stages, CyclesAPacket)
{
	const char *r = getenv("VG_STAGES_ROUNDS");
	int rounds = r != nullptr ? atoi(r) : 25;
	std::vector<struct rte_mbuf *> tmpl;
	double best[5];
	uint16_t seq = 2;

	if (rounds < 1)
		rounds = 1;
	for (unsigned int k = 0; k < N; k++) {
		legs[0].local_port = (uint16_t)(20000 + 4 * k);
		legs[0].remote_port = (uint16_t)(4000 + 2 * k);
		legs[1].local_port = (uint16_t)(20002 + 4 * k);
		legs[1].remote_port = (uint16_t)(6000 + 2 * k);
		create();
		tmpl.push_back(from(a_ip, legs[0].remote_port,
			legs[0].local_port, rtp(0, 1, 160, 0x1000 + k)));
		ASSERT_NE(tmpl.back(), nullptr);
	}
	std::fill(best, best + 5, 1e18);
	for (int k = 0; k < rounds; k++)
		for (int s = 0; s < 5; s++) {
			double c = run_bursts(tmpl, s, seq);

			ASSERT_GT(c, 0) << "a burst was not wholly relayed";
			seq = (uint16_t)(seq + BURSTS);
			best[s] = std::min(best[s], c);
		}
	for (struct rte_mbuf *m : tmpl)
		rte_pktmbuf_free(m);
	printf("%-9s %s\n", "stage", "cycles a packet (best of rounds)");
	printf("%-9s %.1f\n", "copy", best[0]);
	const char *names[] = {"classify", "lookup", "relay", "dispatch"};
	for (int s = 1; s < 5; s++)
		printf("%-9s %.1f\n", names[s - 1], best[s] - best[s - 1]);
	printf("stages: copy=%.1f classify=%.1f lookup=%.1f relay=%.1f "
		"dispatch=%.1f total=%.1f\n", best[0], best[1] - best[0],
		best[2] - best[1], best[3] - best[2], best[4] - best[3],
		best[4] - best[0]);
}

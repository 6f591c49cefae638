/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file The data-plane benchmark's control side: attaches to a running
 * voxgate-dp as a secondary process, creates the sessions that the
 * benchmark's pcap addresses (see gen_rtp_pcap.py), prints "ready", then
 * for every line read on stdin waits a second (caches warm again after
 * a pause) and samples the worker's counters over a window, printing
 *   sessions=N rx_mpps=X fwd_mpps=Y cycles_per_pkt=C busy_pct=B cpu_pct=P
 * until stdin ends. The benchmark alternates these windows with
 * testpmd's, keeping voxgate-dp stopped (SIGSTOP) in between.
 * usage: bench-dp-client FILE_PREFIX SESSIONS PORT_MIN SECONDS [PER_ADDR
 *        [DP_PID]]
 * Sessions fill media addresses 0, 1, ... (the port's address, then its
 * media_range) PER_ADDR at a time (default: all on address 0), as
 * gen_rtp_pcap.py addresses them. cpu_pct is how much of the window the
 * worker thread (DP_PID's "rte-worker-1") was on a CPU, from
 * /proc/DP_PID/task/TID/schedstat; -1 without DP_PID. On a shared
 * machine a low value means the figures are the scheduler's, not the
 * relay's.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>

#include "vg_dpapi.h"

static uint64_t
ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* The schedstat file of pid's thread called name into path; 0 or -1. */
static int
thread_stat_path(long pid, const char *name, char *path, size_t size)
{
	char dir[64], comm[64];
	struct dirent *e;
	DIR *d;
	FILE *f;
	int rc = -1;

	snprintf(dir, sizeof(dir), "/proc/%ld/task", pid);
	d = opendir(dir);
	if (d == NULL)
		return -1;
	while (rc != 0 && (e = readdir(d)) != NULL) {
		snprintf(path, size, "%s/%s/comm", dir, e->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fgets(comm, sizeof(comm), f) != NULL &&
				strncmp(comm, name, strlen(name)) == 0 &&
				comm[strlen(name)] == '\n') {
			snprintf(path, size, "%s/%s/schedstat", dir, e->d_name);
			rc = 0;
		}
		fclose(f);
	}
	closedir(d);
	return rc;
}

/* Nanoseconds the thread has been on a CPU (schedstat's first field). */
static double
oncpu_ns(const char *path)
{
	unsigned long long ns = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return 0;
	if (fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	fclose(f);
	return (double)ns;
}

static double
now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static uint32_t
ip_of(uint32_t host_order)
{
	return htonl(host_order);
}

/* One window of secs seconds, a second after now: one line of figures.
 * pid: voxgate-dp's, for the worker's time on a CPU (0: not known). */
static void
measure(const struct vg_dpapi_lcore_counters *w, unsigned long secs,
		long pid, unsigned long sessions, uint64_t hz)
{
	uint64_t rx0, tx0, busy0, idle0, rx1, tx1, busy1, idle1;
	double cpu0 = 0, wall0, wall, cpu_pct = -1;
	char stat[352];
	int have_stat;

	sleep(1); /* latching done, caches warm */
	/* now: the thread may not have had its name when we started */
	have_stat = pid > 0 ? thread_stat_path(pid, "rte-worker-1", stat,
		sizeof(stat)) : -1;
	wall0 = now_ns();
	rx0 = ld(&w->rx_pkts);
	tx0 = ld(&w->tx_pkts);
	busy0 = ld(&w->busy_tsc);
	idle0 = ld(&w->idle_tsc);
	if (have_stat == 0)
		cpu0 = oncpu_ns(stat);
	sleep((unsigned int)secs); /* rates use the time measured */
	rx1 = ld(&w->rx_pkts);
	tx1 = ld(&w->tx_pkts);
	busy1 = ld(&w->busy_tsc);
	idle1 = ld(&w->idle_tsc);
	wall = now_ns() - wall0;
	if (have_stat == 0)
		cpu_pct = 100.0 * (oncpu_ns(stat) - cpu0) / wall;
	printf("sessions=%lu rx_mpps=%.3f fwd_mpps=%.3f cycles_per_pkt=%.0f "
		"busy_pct=%.0f cpu_pct=%.0f tsc_hz=%lu\n", sessions,
		(double)(rx1 - rx0) / wall * 1e3,
		(double)(tx1 - tx0) / wall * 1e3,
		rx1 > rx0 ? (double)(busy1 - busy0) / (double)(rx1 - rx0) : 0.0,
		busy1 + idle1 > busy0 + idle0 ? 100.0 * (double)(busy1 - busy0) /
			(double)(busy1 + idle1 - busy0 - idle0) : 0.0,
		cpu_pct, (unsigned long)hz);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct vg_dpapi_client *c = NULL;
	const struct vg_dpapi_lcore_counters *w;
	struct vg_dpapi_cmd cmd;
	struct vg_dpapi_reply rep;
	char pfx[160], err[256] = "", line[64];
	uint64_t hz;
	unsigned long sessions, port_min, secs, per_addr, s, j;
	struct timespec t0, t1;
	int i, rc;

	if (argc < 5 || argc > 7) {
		fprintf(stderr, "usage: bench-dp-client FILE_PREFIX SESSIONS "
			"PORT_MIN SECONDS [PER_ADDR [DP_PID]]\n");
		return 2;
	}
	sessions = strtoul(argv[2], NULL, 10);
	port_min = strtoul(argv[3], NULL, 10);
	secs = strtoul(argv[4], NULL, 10);
	per_addr = argc >= 6 ? strtoul(argv[5], NULL, 10) : sessions;
	if (per_addr == 0)
		per_addr = 1;
	snprintf(pfx, sizeof(pfx), "--file-prefix=%s", argv[1]);
	char *eal[] = {argv[0], "-l", "0", "--proc-type=secondary", pfx,
		"--no-pci", "--log-level=3", NULL};
	if (rte_eal_init(7, eal) < 0) {
		fprintf(stderr, "bench-dp-client: EAL start-up failed\n");
		return 1;
	}
	for (i = 0; i < 300 && c == NULL; i++) {
		c = vg_dpapi_attach(argv[1], err, sizeof(err));
		if (c == NULL)
			usleep(100000);
	}
	if (c == NULL) {
		fprintf(stderr, "bench-dp-client: %s\n", err);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (s = 0; s < sessions; s++) {
		j = s % per_addr;
		memset(&cmd, 0, sizeof(cmd));
		cmd.type = VG_CMD_SESS_CREATE;
		cmd.cookie = s;
		/* leg A: the caller of gen_rtp_pcap.py, strict latching */
		cmd.legs[0].remote_ip = ip_of(0x0a000000u + (uint32_t)s + 1);
		cmd.legs[0].remote_port = 4000;
		cmd.legs[0].local_port = (uint16_t)(port_min + 4 * j);
		cmd.legs[0].local_addr = (uint16_t)(s / per_addr);
		cmd.legs[0].latching = VG_DPAPI_LATCH_STRICT;
		/* leg B: the callee, behind the same gateway */
		cmd.legs[1].remote_ip = ip_of(0x0a800000u + (uint32_t)s + 1);
		cmd.legs[1].remote_port = 5000;
		cmd.legs[1].local_port = (uint16_t)(port_min + 4 * j + 2);
		cmd.legs[1].local_addr = (uint16_t)(s / per_addr);
		rc = vg_dpapi_request(c, &cmd, &rep, 5000000);
		if (rc == 0)
			rc = rep.status;
		if (rc != 0) {
			fprintf(stderr, "bench-dp-client: session %lu: %s\n",
				s, strerror(-rc));
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "bench-dp-client: %lu sessions created in %.1f s\n",
		sessions, (double)(t1.tv_sec - t0.tv_sec) +
		(double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	hz = vg_dpapi_header(c)->tsc_hz;
	w = vg_dpapi_lcore_counters(c, 1); /* worker 0 */
	printf("ready\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin) != NULL)
		measure(w, secs, argc == 7 ? strtol(argv[6], NULL, 10) : 0,
			sessions, hz);
	vg_dpapi_detach(c);
	rte_eal_cleanup();
	return 0;
}

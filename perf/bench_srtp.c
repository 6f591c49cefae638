/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file bench-srtp: SRTP protect + unprotect pairs per second of thread
 * CPU time, 172-byte G.711 packets (12-byte header, 160 bytes of 20 ms),
 * bare libsrtp2 against dataplane/srtp's wrapper as the worker will call
 * it (packet copied into an mbuf-like buffer behind 128 bytes of
 * headroom, the wrapper's checks, the SSRC table). One thread, no DPDK.
 *
 * Usage: bench-srtp [CPU seconds per suite and variant, default 2]
 * Output: one line per suite,
 *   media: srtp=SUITE pps=X bare_pps=Y ratio=Z
 * (X through the wrapper, Y bare, Z = X / Y).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <srtp2/srtp.h>

#include "vg_srtp.h"

#define PKT_LEN 172
#define HDR_LEN 12
/* like an rte_mbuf's data room: RTE_PKTMBUF_HEADROOM then the packet */
#define MBUF_ROOM 2048
#define MBUF_HEADROOM 128
/* read the clock every so many pairs */
#define CLOCK_EVERY 1024
/* bare and wrapper alternate in this many slices each, so that a
 * neighbour's load on a shared machine falls on both alike */
#define SLICES 10

/* pairs done and thread CPU seconds spent */
struct tally {
	uint64_t pairs;
	double cpu;
};

static double
thread_cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
make_packet(uint8_t *p, uint16_t seq)
{
	uint32_t ts = (uint32_t)seq * 160;

	p[0] = 0x80;
	p[1] = 8; /* PCMA */
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[4] = (uint8_t)(ts >> 24);
	p[5] = (uint8_t)(ts >> 16);
	p[6] = (uint8_t)(ts >> 8);
	p[7] = (uint8_t)ts;
	p[8] = 0x12;
	p[9] = 0x34;
	p[10] = 0x56;
	p[11] = 0x78;
}

static int
bare_sessions(enum vg_srtp_suite suite, uint8_t *key, srtp_t *tx, srtp_t *rx)
{
	srtp_policy_t pol;

	memset(&pol, 0, sizeof(pol));
	if (suite == VG_SRTP_AES_CM_128_HMAC_SHA1_80)
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtp);
	else
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&pol.rtp);
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtcp);
	pol.key = key;
	pol.window_size = VG_SRTP_REPLAY_WINDOW;
	pol.allow_repeat_tx = 1;
	pol.ssrc.type = ssrc_any_outbound;
	if (srtp_create(tx, &pol) != srtp_err_status_ok)
		return -1;
	pol.allow_repeat_tx = 0;
	pol.ssrc.type = ssrc_any_inbound;
	if (srtp_create(rx, &pol) != srtp_err_status_ok) {
		srtp_dealloc(*tx);
		return -1;
	}
	return 0;
}

/* Bare libsrtp2 for about `seconds` of CPU: the packet is built in a
 * buffer with SRTP_MAX_TRAILER_LEN of room, as libsrtp requires. */
static int
run_bare(enum vg_srtp_suite suite, uint8_t *key, double seconds,
		const uint8_t *payload, struct tally *sum)
{
	static uint8_t buf[PKT_LEN + SRTP_MAX_TRAILER_LEN];
	srtp_t tx, rx;
	uint64_t pairs = 0;
	uint16_t seq = 1;
	double t0, t;
	int len;

	if (bare_sessions(suite, key, &tx, &rx) != 0)
		return -1;
	t0 = thread_cpu_seconds();
	for (;;) {
		make_packet(buf, seq++);
		memcpy(buf + HDR_LEN, payload, PKT_LEN - HDR_LEN);
		len = PKT_LEN;
		if (srtp_protect(tx, buf, &len) != srtp_err_status_ok ||
				srtp_unprotect(rx, buf, &len) !=
						srtp_err_status_ok ||
				len != PKT_LEN) {
			fprintf(stderr, "bench-srtp: bare pair %llu failed\n",
					(unsigned long long)pairs);
			pairs = 0;
			break;
		}
		if (++pairs % CLOCK_EVERY == 0 &&
				(t = thread_cpu_seconds() - t0) >= seconds)
			break;
	}
	t = thread_cpu_seconds() - t0;
	srtp_dealloc(tx);
	srtp_dealloc(rx);
	sum->pairs += pairs;
	sum->cpu += t;
	return pairs != 0 ? 0 : -1;
}

/* Through vg_srtp for about `seconds` of CPU: the packet copied behind
 * the headroom of an mbuf-sized buffer, cap = the data room left. */
static int
run_wrapper(enum vg_srtp_suite suite, const uint8_t *key, double seconds,
		const uint8_t *payload, struct tally *sum)
{
	static uint8_t mbuf[MBUF_ROOM];
	uint8_t *pkt = mbuf + MBUF_HEADROOM;
	struct vg_srtp_ctx *tx = NULL, *rx = NULL;
	uint8_t wire[PKT_LEN];
	uint64_t pairs = 0;
	uint16_t seq = 1;
	unsigned int len;
	double t0, t;
	bool same;

	if (vg_srtp_ctx_create(suite, key, false, &tx) != 0 ||
			vg_srtp_ctx_create(suite, key, true, &rx) != 0) {
		vg_srtp_ctx_free(tx);
		return -1;
	}
	memcpy(wire + HDR_LEN, payload, PKT_LEN - HDR_LEN);
	t0 = thread_cpu_seconds();
	for (;;) {
		make_packet(wire, seq++);
		memcpy(pkt, wire, PKT_LEN); /* the rx burst's copy */
		len = PKT_LEN;
		if (vg_srtp_protect_rtp(tx, pkt, &len,
				    MBUF_ROOM - MBUF_HEADROOM) != 0 ||
				vg_srtp_unprotect_rtp(rx, pkt, &len) != 0 ||
				len != PKT_LEN) {
			fprintf(stderr, "bench-srtp: pair %llu failed\n",
					(unsigned long long)pairs);
			pairs = 0;
			break;
		}
		if (++pairs % CLOCK_EVERY == 0 &&
				(t = thread_cpu_seconds() - t0) >= seconds)
			break;
	}
	t = thread_cpu_seconds() - t0;
	same = memcmp(pkt + HDR_LEN, payload, PKT_LEN - HDR_LEN) == 0;
	if (pairs != 0 && !same) {
		fprintf(stderr, "bench-srtp: payload differs\n");
		pairs = 0;
	}
	vg_srtp_ctx_free(tx);
	vg_srtp_ctx_free(rx);
	sum->pairs += pairs;
	sum->cpu += t;
	return pairs != 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	static const enum vg_srtp_suite suites[] = {
			VG_SRTP_AES_CM_128_HMAC_SHA1_80,
			VG_SRTP_AES_CM_128_HMAC_SHA1_32,
	};
	uint8_t key[VG_SRTP_KEY_LEN], payload[PKT_LEN - HDR_LEN];
	double seconds = 2.0, pps, bare, slice;
	struct tally b, w, warm;
	size_t i;
	int r, rc;

	if (argc > 1) {
		seconds = strtod(argv[1], NULL);
		if (!(seconds > 0 && seconds <= 600)) {
			fprintf(stderr, "usage: %s [seconds, 0 < s <= 600]\n",
					argv[0]);
			return 2;
		}
	}
	if (vg_srtp_global_init() != 0) {
		fprintf(stderr, "bench-srtp: srtp_init failed\n");
		return 1;
	}
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0x5a ^ (i * 29));
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(0xd5 ^ i); /* A-law-ish silence */

	slice = seconds / SLICES;
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		memset(&b, 0, sizeof(b));
		memset(&w, 0, sizeof(w));
		memset(&warm, 0, sizeof(warm));
		/* a warm-up of both, then alternating slices */
		rc = run_bare(suites[i], key, slice, payload, &warm);
		rc |= run_wrapper(suites[i], key, slice, payload, &warm);
		for (r = 0; r < SLICES; r++) {
			if (r % 2 == 0) {
				rc |= run_bare(suites[i], key, slice, payload,
						&b);
				rc |= run_wrapper(suites[i], key, slice,
						payload, &w);
			} else {
				rc |= run_wrapper(suites[i], key, slice,
						payload, &w);
				rc |= run_bare(suites[i], key, slice, payload,
						&b);
			}
		}
		if (rc != 0 || b.cpu <= 0 || w.cpu <= 0)
			return 1;
		bare = (double)b.pairs / b.cpu;
		pps = (double)w.pairs / w.cpu;
		printf("media: srtp=%s pps=%.0f bare_pps=%.0f ratio=%.3f\n",
				vg_srtp_suite_name(suites[i]), pps, bare,
				pps / bare);
		fflush(stdout);
	}
	return 0;
}

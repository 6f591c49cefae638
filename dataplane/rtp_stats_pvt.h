/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * RTP receiver statistics of RFC 3550 appendix A: sequence tracking (A.1),
 * expected/lost (A.3) and interarrival jitter (A.8). Per leg, written by
 * the leg's rx owner only.
 */
#ifndef VG_RTP_STATS_PVT_H
#define VG_RTP_STATS_PVT_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Consecutive packets needed before a source counts as valid (A.1). */
#define VG_RTP_MIN_SEQUENTIAL 2
/** Largest forward jump taken as loss rather than a restart (A.1). */
#define VG_RTP_MAX_DROPOUT 3000
/** Largest backward jump taken as reordering (A.1). */
#define VG_RTP_MAX_MISORDER 100
#define VG_RTP_SEQ_MOD (1u << 16)

/** State of RFC 3550 A.1 plus A.8; owner: the leg's rx lcore. */
struct vg_rtp_seq {
	uint16_t max_seq;       /**< highest seq seen */
	uint16_t probation;     /**< sequential packets until valid */
	uint32_t cycles;        /**< shifted count of seq wraps */
	uint32_t base_seq;
	uint32_t bad_seq;       /**< last 'bad' seq + 1 */
	uint32_t received;      /**< packets received */
	uint32_t gaps;          /**< forward jumps by more than one */
	uint32_t resets;        /**< restarts after a large jump */
	bool started;           /**< a first packet was seen */
	bool have_transit;      /**< transit holds a value */
	int32_t transit;        /**< relative transit time of the last packet */
	uint32_t jitter_q4;     /**< J * 16 (A.8 keeps four fraction bits) */
};

/** Start tracking at seq (A.1 init_seq + probation). */
void vg_rtp_seq_init(struct vg_rtp_seq *s, uint16_t seq);

/** Restart counting at seq, which is counted (A.1 init_seq()). */
void vg_rtp_seq_restart(struct vg_rtp_seq *s, uint16_t seq);

/**
 * Account one packet's sequence number (A.1 update_seq). Inline: the
 * relay calls it for every RTP packet.
 * @return true when the packet is valid for statistics
 */
static inline bool
vg_rtp_seq_update(struct vg_rtp_seq *s, uint16_t seq)
{
	uint16_t udelta;

	if (!s->started)
		vg_rtp_seq_init(s, seq);
	udelta = (uint16_t)(seq - s->max_seq);
	/* A.1: a source is valid after MIN_SEQUENTIAL in-order packets */
	if (s->probation) {
		if (seq == (uint16_t)(s->max_seq + 1)) {
			s->probation--;
			s->max_seq = seq;
			if (s->probation == 0) {
				vg_rtp_seq_restart(s, seq);
				s->received++;
				return true;
			}
		} else {
			s->probation = VG_RTP_MIN_SEQUENTIAL - 1;
			s->max_seq = seq;
		}
		return false;
	}
	if (udelta < VG_RTP_MAX_DROPOUT) {
		/* in order, with a permissible gap */
		if (seq < s->max_seq)
			s->cycles += VG_RTP_SEQ_MOD;
		if (udelta > 1)
			s->gaps++;
		s->max_seq = seq;
	} else if (udelta <= VG_RTP_SEQ_MOD - VG_RTP_MAX_MISORDER) {
		/* a very large jump */
		if (seq == s->bad_seq) {
			/*
			 * Two sequential packets: the other side restarted
			 * without telling us, so resync (A.1).
			 */
			s->resets++;
			vg_rtp_seq_restart(s, seq);
		} else {
			s->bad_seq = (uint32_t)((seq + 1) &
					(VG_RTP_SEQ_MOD - 1));
			return false;
		}
	} else {
		/* duplicate or reordered packet */
	}
	s->received++;
	return true;
}

/** The largest |D| the jitter takes (2^27 RTP units: 4.6 hours at
 * 8 kHz): a timestamp that jumps further is garbage or an attack, and
 * J * 16 must stay inside 32 bits. */
#define VG_RTP_JITTER_D_MAX (1u << 27)

/**
 * Interarrival jitter (A.8) with arrival in RTP clock units. The
 * transit times and their difference are taken modulo 2^32, as the
 * timestamps are: any two packets, however their timestamps jump, give
 * a defined |D| (clamped to VG_RTP_JITTER_D_MAX).
 */
static inline void
vg_rtp_jitter_update(struct vg_rtp_seq *s, uint32_t arrival, uint32_t rtp_ts)
{
	uint32_t transit = arrival - rtp_ts, d;

	if (!s->have_transit) {
		s->have_transit = true;
		s->transit = (int32_t)transit;
		return;
	}
	d = transit - (uint32_t)s->transit;
	s->transit = (int32_t)transit;
	if (d > UINT32_MAX / 2)
		d = 0u - d; /* |D| of a negative D */
	if (d > VG_RTP_JITTER_D_MAX)
		d = VG_RTP_JITTER_D_MAX;
	/* A.8: J += (|D| - J) / 16, kept scaled by 16 in integers */
	s->jitter_q4 += d - ((s->jitter_q4 + 8) >> 4);
}

/** Extended highest sequence number (cycles + max_seq). */
static inline uint32_t
vg_rtp_ext_max(const struct vg_rtp_seq *s)
{
	return s->cycles + s->max_seq;
}

/** Packets expected (A.3): ext_max - base_seq + 1. */
static inline uint32_t
vg_rtp_expected(const struct vg_rtp_seq *s)
{
	return vg_rtp_ext_max(s) - s->base_seq + 1;
}

/** Cumulative packets lost (A.3); negative with duplicates. */
static inline int32_t
vg_rtp_lost(const struct vg_rtp_seq *s)
{
	return (int32_t)(vg_rtp_expected(s) - s->received);
}

#ifdef __cplusplus
}
#endif

#endif /* VG_RTP_STATS_PVT_H */

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

/**
 * Account one packet's sequence number (A.1 update_seq).
 * @return true when the packet is valid for statistics
 */
bool vg_rtp_seq_update(struct vg_rtp_seq *s, uint16_t seq);

/**
 * Interarrival jitter (A.8) with arrival in RTP clock units.
 */
void vg_rtp_jitter_update(struct vg_rtp_seq *s, uint32_t arrival,
		uint32_t rtp_ts);

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

/* SPDX-License-Identifier: BSD-3-Clause */
/** @file RFC 3550 appendix A receiver statistics (A.1, A.3, A.8). */
#include <string.h>

#include "rtp_stats_pvt.h"

void
vg_rtp_seq_init(struct vg_rtp_seq *s, uint16_t seq)
{
	uint32_t gaps = s->gaps, resets = s->resets;

	memset(s, 0, sizeof(*s));
	s->gaps = gaps;
	s->resets = resets;
	s->started = true;
	s->base_seq = seq;
	s->bad_seq = VG_RTP_SEQ_MOD + 1; /* so seq == bad_seq is false */
	/* A.1: the first packet starts probation, not counted yet */
	s->max_seq = (uint16_t)(seq - 1);
	s->probation = VG_RTP_MIN_SEQUENTIAL;
}

static void
seq_restart(struct vg_rtp_seq *s, uint16_t seq)
{
	/* A.1 init_seq(): the packet that restarts is counted */
	s->base_seq = seq;
	s->max_seq = seq;
	s->bad_seq = VG_RTP_SEQ_MOD + 1;
	s->cycles = 0;
	s->received = 0;
	s->have_transit = false;
}

bool
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
				seq_restart(s, seq);
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
			seq_restart(s, seq);
		} else {
			s->bad_seq = (uint32_t)((seq + 1) & (VG_RTP_SEQ_MOD - 1));
			return false;
		}
	} else {
		/* duplicate or reordered packet */
	}
	s->received++;
	return true;
}

void
vg_rtp_jitter_update(struct vg_rtp_seq *s, uint32_t arrival, uint32_t rtp_ts)
{
	int32_t transit = (int32_t)(arrival - rtp_ts);
	int32_t d;

	if (!s->have_transit) {
		s->have_transit = true;
		s->transit = transit;
		return;
	}
	d = transit - s->transit;
	s->transit = transit;
	if (d < 0)
		d = -d;
	/* A.8: J += (|D| - J) / 16, kept scaled by 16 in integers */
	s->jitter_q4 += (uint32_t)d - ((s->jitter_q4 + 8) >> 4);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/** @file RFC 3550 appendix A receiver statistics: the rare steps (the
 * per-packet ones are inline in rtp_stats_pvt.h). */
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

void
vg_rtp_seq_restart(struct vg_rtp_seq *s, uint16_t seq)
{
	/* A.1 init_seq(): the packet that restarts is counted */
	s->base_seq = seq;
	s->max_seq = seq;
	s->bad_seq = VG_RTP_SEQ_MOD + 1;
	s->cycles = 0;
	s->received = 0;
	s->have_transit = false;
}

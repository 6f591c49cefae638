/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Transcoding directions, worker side: one RTP packet in, the
 * packets it completes out. No allocation, no system call, no lock.
 */
#include <errno.h>
#include <string.h>

#include "xcode_pvt.h"

#define EVENT_BLOCK 4       /* RFC 4733 s2.3: event, E/R/volume, duration */
#define CN_DEFAULT_MS 20    /* CN length when nothing tells the ptime */

/** What a received packet carries. */
enum pkt_kind {
	PKT_AUDIO,
	PKT_CN,      /* RFC 3389 comfort noise */
	PKT_EVENT,   /* RFC 4733 telephone-event */
};

/** Where it stands in the input sequence (RFC 3550 A.1). */
enum seq_verdict {
	SEQ_NEXT,    /* the one expected */
	SEQ_LOSS,    /* packets missing before it */
	SEQ_OLD,     /* duplicate or late */
	SEQ_PROBE,   /* large jump, unconfirmed */
	SEQ_RESTART, /* first packet, new SSRC, or a confirmed jump */
};

/** Per-push context: the caller's output array. */
struct push_ctx {
	struct vg_xcode_pkt *out;
	unsigned int max;
	unsigned int n;
};

static inline uint32_t
units_to_ticks(const struct vg_xcode_dir *d, uint64_t units)
{
	return (uint32_t)(units * d->out_clock / d->out_rate);
}

/* ---------------------------------------------------------------- */
/* Output: the queue and packets                                     */
/* ---------------------------------------------------------------- */

/*
 * The payload (len bytes) is in place after the header: write the header
 * of the next output packet and move the output numbering on.
 */
static inline void
seal_packet(struct vg_xcode_dir *d, struct vg_xcode_pkt *pkt, size_t len)
{
	vg_rtp_write_hdr(pkt->data, d->out.marker, d->p.out_pt, d->out.seq,
			d->out.ts, d->p.out_ssrc);
	pkt->len = (uint16_t)(VG_RTP_HDR_LEN + len);
	d->out.marker = false;
	d->out.seq++;
	d->out.ts += d->frame_ticks;
	d->st.out_pkts++;
}

/* Map mode: keep the last 10 ms heard, for concealment. */
static inline void
keep_map_hist(struct vg_xcode_dir *d, const uint8_t *pl, uint32_t len)
{
	if (len >= VG_XCODE_MAP_HIST) {
		memcpy(d->map_hist, pl + len - VG_XCODE_MAP_HIST,
				VG_XCODE_MAP_HIST);
		d->have_map_hist = true;
	}
}

/* Encode (or copy, in map mode) one frame at src into the next packet. */
static void
emit_frame(struct vg_xcode_dir *d, struct push_ctx *ctx, const uint8_t *src)
{
	struct vg_xcode_pkt *pkt = &ctx->out[ctx->n];
	uint8_t *pl = pkt->data + VG_RTP_HDR_LEN;
	int len;

	if (d->map != NULL) {
		memcpy(pl, src, d->frame);
		len = (int)d->frame;
	} else {
		len = vg_codec_encode(d->enc, (const int16_t *)src, d->frame,
				pl, VG_XCODE_PKT_MAX - VG_RTP_HDR_LEN);
	}
	if (len < 0) {
		/* a hole in the output, the timeline goes on */
		d->st.enc_errors++;
		d->out.ts += d->frame_ticks;
		return;
	}
	seal_packet(d, pkt, (size_t)len);
	ctx->n++;
}

/* Cut as many whole packets from the queue as the caller has room for. */
static void
emit_queued(struct vg_xcode_dir *d, struct push_ctx *ctx)
{
	uint32_t off = 0;

	while (d->fifo_n - off >= d->frame && ctx->n < ctx->max) {
		emit_frame(d, ctx, d->fifo + (size_t)off * d->unit);
		off += d->frame;
	}
	if (off == 0)
		return;
	d->fifo_n -= off;
	/* usually nothing is left: equal ptimes, or a whole multiple */
	if (d->fifo_n > 0)
		memmove(d->fifo, d->fifo + (size_t)off * d->unit,
				(size_t)d->fifo_n * d->unit);
}

/* Drop n queued units, oldest first; their time still passes. */
static void
drop_queued(struct vg_xcode_dir *d, uint32_t n)
{
	d->st.fifo_drops += n;
	d->out.ts += units_to_ticks(d, n);
	d->fifo_n -= n;
	if (d->fifo_n > 0)
		memmove(d->fifo, d->fifo + (size_t)n * d->unit,
				(size_t)d->fifo_n * d->unit);
	d->out.marker = true;
}

/*
 * Make room for need more units. Only when the caller's array was too
 * small for what the queue held: whole frames go, oldest first.
 */
static void
make_room(struct vg_xcode_dir *d, uint32_t need)
{
	uint32_t room = d->fifo_cap - d->fifo_n;
	uint32_t drop;

	if (need <= room)
		return;
	drop = (need - room + d->frame - 1) / d->frame * d->frame;
	drop_queued(d, drop < d->fifo_n ? drop : d->fifo_n);
}

/* Queue n samples of PCM at in_rate (synthetic audio, or decoded). */
static void
queue_pcm(struct vg_xcode_dir *d, struct push_ctx *ctx, const int16_t *pcm,
		uint32_t n)
{
	uint8_t *tail;

	if (d->rs != NULL) {
		spx_uint32_t in_len = n;
		spx_uint32_t out_len;

		make_room(d, (uint32_t)((uint64_t)n * d->out_rate / d->in_rate)
				+ 2);
		out_len = d->fifo_cap - d->fifo_n;
		speex_resampler_process_int(d->rs, 0, pcm, &in_len,
				(int16_t *)(d->fifo + (size_t)d->fifo_n * 2),
				&out_len);
		d->fifo_n += out_len;
	} else {
		make_room(d, n);
		tail = d->fifo + (size_t)d->fifo_n * d->unit;
		if (d->map != NULL)
			vg_g711_encode(d->p.out_codec, pcm, tail, n);
		else
			memcpy(tail, pcm, (size_t)n * sizeof(*pcm));
		d->fifo_n += n;
	}
	emit_queued(d, ctx);
}

/*
 * Pad what is queued to whole packets with silence and send it. The
 * padding is time we added: the next jump takes it back (pad_ticks).
 */
static void
flush_queued(struct vg_xcode_dir *d, struct push_ctx *ctx)
{
	uint32_t part = d->fifo_n % d->frame;

	if (part != 0) {
		uint32_t pad = d->frame - part;
		uint8_t *tail;

		make_room(d, pad);
		tail = d->fifo + (size_t)d->fifo_n * d->unit;
		if (d->map != NULL)
			memset(tail, d->silence, pad);
		else
			memset(tail, 0, (size_t)pad * d->unit);
		d->fifo_n += pad;
		d->out.pad_ticks += units_to_ticks(d, pad);
	}
	emit_queued(d, ctx);
	/* the caller had no room: this audio is too old to wait */
	if (d->fifo_n > 0)
		drop_queued(d, d->fifo_n);
}

/*
 * The input jumped by ticks at in_clock without loss (silence, DTX) or
 * with too much loss to conceal: send what is queued, then move the
 * output timestamps on by the same time.
 */
static void
timeline_jump(struct vg_xcode_dir *d, struct push_ctx *ctx, uint32_t ticks)
{
	uint64_t out_ticks;

	flush_queued(d, ctx);
	out_ticks = (uint64_t)ticks * d->out_clock / d->in_clock;
	if (out_ticks > d->out.pad_ticks)
		d->out.ts += (uint32_t)(out_ticks - d->out.pad_ticks);
	d->out.pad_ticks = 0;
	d->out.marker = true;
}

/* ---------------------------------------------------------------- */
/* Input: sequence, concealment, decoding                            */
/* ---------------------------------------------------------------- */

static enum seq_verdict
seq_check(struct vg_xcode_dir *d, const struct vg_rtp_view *v)
{
	int16_t delta;

	if (!d->in.started || v->ssrc != d->in.ssrc)
		return SEQ_RESTART;
	delta = (int16_t)(uint16_t)(v->seq - d->in.next_seq);
	if (delta >= -VG_XCODE_MAX_MISORDER && delta <= VG_XCODE_MAX_DROPOUT) {
		/* the stream goes on: a stray jump seen before is forgotten */
		d->in.probing = false;
		if (delta == 0)
			return SEQ_NEXT;
		return delta > 0 ? SEQ_LOSS : SEQ_OLD;
	}
	/* A.1: a wild jump is a restart only once a second packet follows */
	if (d->in.probing && v->seq == d->in.probe_seq)
		return SEQ_RESTART;
	d->in.probing = true;
	d->in.probe_seq = (uint16_t)(v->seq + 1);
	return SEQ_PROBE;
}

/* Take v as the new start of the input stream. */
static void
restart(struct vg_xcode_dir *d, const struct vg_rtp_view *v)
{
	if (d->in.started) {
		if (v->ssrc != d->in.ssrc)
			d->st.ssrc_changes++;
		else
			d->st.resyncs++;
		vg_codec_dec_reset(d->dec);
		if (d->rs != NULL)
			speex_resampler_reset_mem(d->rs);
		d->have_map_hist = false;
		d->out.marker = true;
	}
	d->in.started = true;
	d->in.probing = false;
	d->in.ssrc = v->ssrc;
	d->in.next_ts = v->ts;
	d->ev.valid = false;
}

/* Synthesise ticks (at in_clock) of lost audio, in 10 ms steps. */
static void
conceal(struct vg_xcode_dir *d, struct push_ctx *ctx, uint32_t ticks)
{
	uint32_t ten = d->in_rate / 100;
	uint32_t steps = (ticks * 100u + d->in_clock / 2) / d->in_clock;
	uint32_t i;

	/* map mode decodes nothing: give the decoder the last 10 ms heard */
	if (d->map != NULL && d->have_map_hist)
		vg_codec_decode(d->dec, d->map_hist, VG_XCODE_MAP_HIST, d->pcm,
				d->pcm_cap);
	for (i = 0; i < steps; i++) {
		vg_codec_conceal(d->dec, d->pcm, ten);
		queue_pcm(d, ctx, d->pcm, ten);
	}
	d->st.concealed_ms += 10 * steps;
}

/* Map mode: G.711 in, G.711 out, one table lookup a byte. */
static void
queue_mapped(struct vg_xcode_dir *d, struct push_ctx *ctx, const uint8_t *pl,
		uint32_t len)
{
	uint8_t *dst;

	keep_map_hist(d, pl, len);
	if (d->fifo_n == 0 && len == d->frame && ctx->n < ctx->max) {
		/* equal ptimes: straight into the packet, no queue */
		struct vg_xcode_pkt *pkt = &ctx->out[ctx->n];

		vg_g711_map(d->map, pl, pkt->data + VG_RTP_HDR_LEN, len);
		seal_packet(d, pkt, len);
		ctx->n++;
		return;
	}
	make_room(d, len);
	dst = d->fifo + d->fifo_n;
	vg_g711_map(d->map, pl, dst, len);
	d->fifo_n += len;
	emit_queued(d, ctx);
}

/* Decode one audio payload of n samples at in_rate and queue it. */
static void
queue_payload(struct vg_xcode_dir *d, struct push_ctx *ctx,
		const struct vg_rtp_view *v, uint32_t ticks)
{
	uint32_t n = (uint32_t)((uint64_t)ticks * d->in_rate / d->in_clock);
	int16_t *dst;
	int got;

	if (d->map != NULL) {
		queue_mapped(d, ctx, v->pl, (uint32_t)v->pl_len);
		return;
	}
	if (d->rs == NULL) {
		/* same rates: decode straight into the queue */
		make_room(d, n);
		dst = (int16_t *)(d->fifo + (size_t)d->fifo_n * 2);
		got = vg_codec_decode(d->dec, v->pl, v->pl_len, dst,
				d->fifo_cap - d->fifo_n);
		if (got >= 0) {
			d->fifo_n += (uint32_t)got;
			emit_queued(d, ctx);
			return;
		}
	} else {
		got = vg_codec_decode(d->dec, v->pl, v->pl_len, d->pcm,
				d->pcm_cap);
		if (got >= 0) {
			queue_pcm(d, ctx, d->pcm, (uint32_t)got);
			return;
		}
	}
	/* ticks() accepted it but the decoder did not (corrupt Opus) */
	d->st.dec_errors++;
	conceal(d, ctx, ticks);
}

/* Length of RFC 3389 noise for one CN packet, in input ticks. */
static uint32_t
cn_ticks(const struct vg_xcode_dir *d)
{
	if (d->p.in_ptime_ms != 0)
		return d->in_clock / 1000 * d->p.in_ptime_ms;
	if (d->in.last_ticks != 0)
		return d->in.last_ticks;
	return d->in_clock / 1000 * CN_DEFAULT_MS;
}

static void
queue_cn(struct vg_xcode_dir *d, struct push_ctx *ctx,
		const struct vg_rtp_view *v, uint32_t ticks)
{
	uint32_t n = (uint32_t)((uint64_t)ticks * d->in_rate / d->in_clock);

	/* RFC 3389 s3: byte 0 is the level; spectral bytes are not used */
	vg_cn_generate(&d->cn, v->pl[0] & 0x7f, d->pcm, n);
	queue_pcm(d, ctx, d->pcm, n);
	d->st.cn_pkts++;
}

/*
 * RFC 4733: pass the event on at once. Its timestamp (the event's
 * start) is mapped through the point where input and output audio
 * meet now; all packets of one event keep the first mapping.
 */
static int
forward_event(struct vg_xcode_dir *d, struct push_ctx *ctx,
		const struct vg_rtp_view *v)
{
	struct vg_xcode_pkt *pkt;
	uint8_t *pl;
	size_t i;

	if (ctx->n >= ctx->max)
		return 0;
	if (!d->ev.valid || v->ts != d->ev.in_ts) {
		int64_t delta = (int32_t)(v->ts - d->in.next_ts);
		int64_t here = (int64_t)d->out.ts +
			units_to_ticks(d, d->fifo_n);

		d->ev.out_ts = (uint32_t)(here + delta * d->out_clock /
				(int64_t)d->in_clock);
		d->ev.in_ts = v->ts;
		d->ev.valid = true;
	}
	pkt = &ctx->out[ctx->n];
	pl = pkt->data + VG_RTP_HDR_LEN;
	memcpy(pl, v->pl, v->pl_len);
	/* s2.5.1.3: durations are in RTP ticks; rescale every block */
	for (i = 0; i + EVENT_BLOCK <= v->pl_len; i += EVENT_BLOCK) {
		uint64_t dur = (uint64_t)vg_rd16(pl + i + 2) * d->out_clock /
			d->in_clock;

		vg_wr16(pl + i + 2, dur > 0xffff ? 0xffff : (uint16_t)dur);
	}
	vg_rtp_write_hdr(pkt->data, v->marker, d->p.out_dtmf_pt, d->out.seq,
			d->ev.out_ts, d->p.out_ssrc);
	pkt->len = (uint16_t)(VG_RTP_HDR_LEN + v->pl_len);
	d->out.seq++;
	d->st.out_pkts++;
	d->st.dtmf_pkts++;
	ctx->n++;
	return (int)ctx->n;
}

/* Classify and check the payload before any state changes. */
static int
classify(const struct vg_xcode_dir *d, const struct vg_rtp_view *v,
		enum pkt_kind *kind, uint32_t *ticks)
{
	int rc;

	if (v->pt == d->p.in_pt) {
		/* the decoder's ops, resolved at create: no lookup here */
		if (d->map != NULL)
			rc = v->pl_len <= 8 * VG_CODEC_MAX_PAYLOAD_MS ?
				(int)v->pl_len : -EBADMSG;
		else
			rc = v->pl_len == 0 ? 0 :
				d->dec->ops->ticks(v->pl, v->pl_len);
		if (rc < 0)
			return -EBADMSG;
		*kind = PKT_AUDIO;
		*ticks = (uint32_t)rc;
		return 0;
	}
	if (d->p.in_cn_pt != 0 && v->pt == d->p.in_cn_pt) {
		if (v->pl_len < 1)
			return -EBADMSG;
		*kind = PKT_CN;
		*ticks = cn_ticks(d);
		return 0;
	}
	if (d->p.in_dtmf_pt != 0 && v->pt == d->p.in_dtmf_pt) {
		if (v->pl_len < EVENT_BLOCK || v->pl_len % EVENT_BLOCK != 0 ||
				v->pl_len > VG_XCODE_PKT_MAX - VG_RTP_HDR_LEN)
			return -EBADMSG;
		if (d->p.out_dtmf_pt == 0)
			return -ENOTSUP;
		*kind = PKT_EVENT;
		*ticks = 0;
		return 0;
	}
	return -ENOMSG;
}

/*
 * Place audio or CN of the given start ts on the output timeline:
 * conceal a short loss, jump over silence or a long loss.
 */
static void
follow_timeline(struct vg_xcode_dir *d, struct push_ctx *ctx,
		const struct vg_rtp_view *v, enum seq_verdict verdict)
{
	int32_t gap = (int32_t)(v->ts - d->in.next_ts);

	if (gap == 0)
		return;
	if (gap < 0) {
		/* timestamps went back with the sequence going on: take
		 * the new ones as they are */
		d->st.resyncs++;
		d->out.marker = true;
		return;
	}
	if (verdict == SEQ_LOSS && (uint32_t)gap <= d->max_gap_ticks) {
		conceal(d, ctx, (uint32_t)gap);
		return;
	}
	if (verdict == SEQ_LOSS)
		d->st.resyncs++;
	else
		d->st.dtx_jumps++;
	if ((uint32_t)gap > d->in_clock * VG_XCODE_MAX_JUMP_S)
		gap = 0;  /* a broken clock: do not carry its jump over */
	timeline_jump(d, ctx, (uint32_t)gap);
}

/*
 * Map mode's steady state, the packet every ptime of a G.711 <-> G.711
 * call: a plain 12-byte header with the payload type, SSRC, sequence
 * number and timestamp expected, one whole output packet of payload,
 * nothing queued. It does what the general path would, minus the
 * branches that cannot apply; anything else goes the general way.
 * Returns 1 (one packet out) or 0 (not this case, nothing changed).
 */
static inline int
push_mapped_steady(struct vg_xcode_dir *d, const uint8_t *rtp, size_t len,
		struct vg_xcode_pkt *out, unsigned int max_out)
{
	const uint8_t *pl = rtp + VG_RTP_HDR_LEN;
	uint32_t n = d->frame;

	if (d->map == NULL || len != VG_RTP_HDR_LEN + n || max_out == 0 ||
			d->fifo_n != 0 || !d->in.started ||
			rtp[0] != VG_RTP_VERSION << 6 ||
			(rtp[1] & 0x7f) != d->p.in_pt ||
			vg_rd16(rtp + 2) != d->in.next_seq ||
			vg_rd32(rtp + 4) != d->in.next_ts ||
			vg_rd32(rtp + 8) != d->in.ssrc)
		return 0;
	if (rtp[1] & 0x80)
		d->out.marker = true;
	keep_map_hist(d, pl, n);
	vg_g711_map(d->map, pl, out->data + VG_RTP_HDR_LEN, n);
	seal_packet(d, out, n);
	d->in.probing = false;
	d->in.next_seq++;
	d->in.next_ts += n;
	d->in.last_ticks = n;
	d->st.in_pkts++;
	return 1;
}

/*
 * Measured (perf/bench-codec, 20 ms both sides): PCMU>PCMA ~61 ns a
 * packet, ~5 ns over the bare byte map (the steady path; 9 ns without
 * it); with a codec the codec is all.
 */
int
vg_xcode_dir_push(struct vg_xcode_dir *d, const uint8_t *rtp, size_t len,
		struct vg_xcode_pkt *out, unsigned int max_out)
{
	struct push_ctx ctx = { out, max_out, 0 };
	enum seq_verdict verdict;
	struct vg_rtp_view v;
	enum pkt_kind kind;
	uint32_t ticks;
	int rc;

	if (d == NULL || (out == NULL && max_out > 0))
		return -EINVAL;
	if (rtp != NULL && len >= VG_RTP_HDR_LEN &&
			push_mapped_steady(d, rtp, len, out, max_out) == 1)
		return 1;
	rc = vg_rtp_parse(rtp, len, &v);
	if (rc < 0)
		return rc;
	rc = classify(d, &v, &kind, &ticks);
	if (rc < 0)
		return rc;

	verdict = seq_check(d, &v);
	switch (verdict) {
	case SEQ_OLD:
		return -EALREADY;
	case SEQ_PROBE:
		return -EAGAIN;
	case SEQ_RESTART:
		restart(d, &v);
		break;
	case SEQ_LOSS:
		d->st.lost_pkts += (uint16_t)(v.seq - d->in.next_seq);
		break;
	case SEQ_NEXT:
		break;
	}
	d->in.next_seq = (uint16_t)(v.seq + 1);
	d->st.in_pkts++;

	/* events carry their start time, not the audio's: keep it apart */
	if (kind == PKT_EVENT)
		return forward_event(d, &ctx, &v);
	/* an empty audio packet (keep-alive) holds no time */
	if (ticks == 0)
		return 0;

	follow_timeline(d, &ctx, &v, verdict);
	if (v.marker)
		d->out.marker = true;
	d->in.next_ts = v.ts + ticks;
	if (kind == PKT_CN) {
		queue_cn(d, &ctx, &v, ticks);
	} else {
		d->in.last_ticks = ticks;
		queue_payload(d, &ctx, &v, ticks);
	}
	return (int)ctx.n;
}

int
vg_xcode_dir_flush(struct vg_xcode_dir *d, struct vg_xcode_pkt *out,
		unsigned int max_out)
{
	struct push_ctx ctx = { out, max_out, 0 };

	if (d == NULL || (out == NULL && max_out > 0))
		return -EINVAL;
	if (d->fifo_n > 0)
		flush_queued(d, &ctx);
	return (int)ctx.n;
}

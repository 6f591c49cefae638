/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file bench-codec: transcoded channels per core, the codec libraries
 * called bare against dataplane/codec's RTP directions.
 *
 * For each pair, over the same pre-encoded 20 ms frames of a speech-like
 * signal, on one thread, in CPU time (CLOCK_THREAD_CPUTIME_ID):
 *  (a) bare: decode (input codec's library, or our G.711 table), resample
 *      (speexdsp, when the rates differ), encode (output codec's library);
 *      G.711 to G.711 is the byte map, which is what the direction does;
 *  (b) pipeline: vg_xcode_dir_push() of the same frames as RTP packets
 *      (header parse, sequence/timeline checks, queue, RTP header out).
 * The two alternate in slices so a neighbour's load hits both alike.
 * channels_per_core = frames per CPU second / 50 (one direction of a
 * 20 ms call). Ends each pair with
 *   media: pair=IN>OUT channels_per_core=X bare_channels_per_core=Y ratio=Z
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bcg729/decoder.h>
#include <bcg729/encoder.h>
#include <opus/opus.h>
#include <spandsp.h>
#include <speex/speex_resampler.h>

#include "vg_codec.h"

#define FRAME_MS 20
#define N_FRAMES 100          /* 2 s of signal, replayed */
#define PL_MAX 1000
#define RTP_HDR 12
#define SLICES 20             /* bare and pipeline alternate */
/*
 * Frames between two clock reads: enough for ~2 ms of work. A thread
 * CPU clock read is a system call (~1 us here, more in a VM): read it
 * every 25 G.711 frames and it would be a third of what is measured.
 */
#define BATCH_S 2e-3
#define OPUS_BENCH_BITRATE 24000
#define RESAMPLE_QUALITY SPEEX_RESAMPLER_QUALITY_VOIP /* as the library */

struct pair {
	const char *name;
	enum vg_cfg_codec in, out;
	uint8_t in_pt, out_pt;
};

static const struct pair pairs[] = {
	{ "PCMU>G729", VG_CODEC_PCMU, VG_CODEC_G729, 0, 18 },
	{ "PCMA>opus", VG_CODEC_PCMA, VG_CODEC_OPUS, 8, 111 },
	{ "G722>PCMU", VG_CODEC_G722, VG_CODEC_PCMU, 9, 0 },
	{ "PCMU>PCMA", VG_CODEC_PCMU, VG_CODEC_PCMA, 0, 8 },
	{ "PCMU>G722", VG_CODEC_PCMU, VG_CODEC_G722, 0, 9 },
};

/** The input: payloads and the same as RTP packets. */
struct input {
	uint8_t pkt[N_FRAMES][RTP_HDR + PL_MAX];
	size_t len[N_FRAMES];     /* payload bytes */
	uint32_t ticks;           /* RTP ticks per frame */
};

/** The bare chain's state: the libraries themselves. */
struct bare {
	const struct pair *p;
	g722_decode_state_t *g722_dec;
	g722_encode_state_t *g722_enc;
	bcg729EncoderChannelContextStruct *g729_enc;
	OpusEncoder *opus_enc;
	SpeexResamplerState *rs;
	int16_t pcm_in[960];
	int16_t pcm_out[960];
	uint8_t out[PL_MAX];
	size_t sink;              /* bytes produced: keeps the work alive */
};

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* A voice-like signal: gliding pitch, harmonics, syllable envelope. */
static void
make_signal(int16_t *s, size_t n, uint32_t rate)
{
	double phase = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		double t = (double)i / rate;
		double f0 = 180 + 60 * sin(2 * M_PI * 0.5 * t);
		double env = 0.55 + 0.45 * sin(2 * M_PI * 4 * t);
		double v = 0;
		int h;

		phase += 2 * M_PI * f0 / rate;
		for (h = 1; f0 * h < rate / 2.0 - 600; h++)
			v += sin(h * phase) / h;
		s[i] = (int16_t)lrint(6000 * env * v);
	}
}

static int
make_input(const struct pair *p, struct input *in)
{
	const struct vg_codec_desc *dsc = vg_codec_info(p->in);
	uint32_t rate = dsc->audio_rate;
	size_t n = rate / 1000 * FRAME_MS;
	struct vg_codec_enc *e = NULL;
	int16_t *sig;
	int f, rc = 0;

	sig = malloc(n * N_FRAMES * sizeof(*sig));
	if (sig == NULL)
		return -ENOMEM;
	make_signal(sig, n * N_FRAMES, rate);
	if (p->in != VG_CODEC_PCMU && p->in != VG_CODEC_PCMA) {
		rc = vg_codec_enc_create(p->in, NULL, &e);
		if (rc < 0)
			goto out;
	}
	in->ticks = dsc->rtp_clock / 1000 * FRAME_MS;
	for (f = 0; f < N_FRAMES; f++) {
		uint8_t *b = in->pkt[f];
		const int16_t *pcm = sig + (size_t)f * n;

		memset(b, 0, RTP_HDR);
		b[0] = 0x80;
		b[1] = p->in_pt;
		b[8] = 0x12;   /* SSRC 0x12345678 */
		b[9] = 0x34;
		b[10] = 0x56;
		b[11] = 0x78;
		if (e == NULL) {
			vg_g711_encode(p->in, pcm, b + RTP_HDR, n);
			in->len[f] = n;
		} else {
			rc = vg_codec_encode(e, pcm, (unsigned int)n,
					b + RTP_HDR, PL_MAX);
			if (rc < 0)
				goto out;
			in->len[f] = (size_t)rc;
			rc = 0;
		}
	}
out:
	vg_codec_enc_free(e);
	free(sig);
	return rc;
}

static uint32_t
pcm_rate(enum vg_cfg_codec c)
{
	/* as the direction chooses: Opus codes at the other side's rate */
	return c == VG_CODEC_G722 ? 16000 : 8000;
}

static int
bare_init(struct bare *b, const struct pair *p)
{
	uint32_t in_rate = pcm_rate(p->in), out_rate = pcm_rate(p->out);
	int err = 0;

	memset(b, 0, sizeof(*b));
	b->p = p;
	if (p->in == VG_CODEC_G722)
		b->g722_dec = g722_decode_init(NULL, 64000, 0);
	if (p->out == VG_CODEC_G722)
		b->g722_enc = g722_encode_init(NULL, 64000, 0);
	if (p->out == VG_CODEC_G729)
		b->g729_enc = initBcg729EncoderChannel(0);
	if (p->out == VG_CODEC_OPUS) {
		b->opus_enc = opus_encoder_create(8000, 1,
				OPUS_APPLICATION_VOIP, &err);
		if (b->opus_enc == NULL)
			return -ENOMEM;
		opus_encoder_ctl(b->opus_enc,
				OPUS_SET_BITRATE(OPUS_BENCH_BITRATE));
		opus_encoder_ctl(b->opus_enc,
				OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
	}
	if (in_rate != out_rate) {
		b->rs = speex_resampler_init(1, in_rate, out_rate,
				RESAMPLE_QUALITY, &err);
		if (b->rs == NULL)
			return -ENOMEM;
	}
	return 0;
}

static void
bare_fini(struct bare *b)
{
	if (b->g722_dec)
		g722_decode_free(b->g722_dec);
	if (b->g722_enc)
		g722_encode_free(b->g722_enc);
	if (b->g729_enc)
		closeBcg729EncoderChannel(b->g729_enc);
	if (b->opus_enc)
		opus_encoder_destroy(b->opus_enc);
	if (b->rs)
		speex_resampler_destroy(b->rs);
}

/* One 20 ms frame through the bare libraries. */
static void
bare_frame(struct bare *b, const uint8_t *pl, size_t len)
{
	const struct pair *p = b->p;
	const int16_t *pcm = b->pcm_in;
	unsigned int n;
	uint8_t flen;

	if ((p->in == VG_CODEC_PCMU || p->in == VG_CODEC_PCMA) &&
			(p->out == VG_CODEC_PCMU || p->out == VG_CODEC_PCMA)) {
		vg_g711_transcode(p->in, pl, b->out, len);
		b->sink += len;
		return;
	}
	/* decode */
	if (p->in == VG_CODEC_G722)
		n = (unsigned int)g722_decode(b->g722_dec, b->pcm_in, pl,
				(int)len);
	else {
		vg_g711_decode(p->in, pl, b->pcm_in, len);
		n = (unsigned int)len;
	}
	/* resample */
	if (b->rs != NULL) {
		spx_uint32_t in_len = n, out_len = 960;

		speex_resampler_process_int(b->rs, 0, b->pcm_in, &in_len,
				b->pcm_out, &out_len);
		pcm = b->pcm_out;
		n = out_len;
	}
	/* encode */
	switch (p->out) {
	case VG_CODEC_G729:
		for (unsigned int i = 0; i + 80 <= n; i += 80) {
			bcg729Encoder(b->g729_enc, pcm + i, b->out, &flen);
			b->sink += flen;
		}
		break;
	case VG_CODEC_OPUS:
		b->sink += (size_t)opus_encode(b->opus_enc, pcm, (int)n,
				b->out, PL_MAX);
		break;
	case VG_CODEC_G722:
		b->sink += (size_t)g722_encode(b->g722_enc, b->out, pcm,
				(int)n);
		break;
	default:
		vg_g711_encode(p->out, pcm, b->out, n);
		b->sink += n;
		break;
	}
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/** One pair's measurement: per slice, frames and CPU seconds. */
struct result {
	double bare_rate[SLICES];   /* frames per CPU second */
	double pipe_rate[SLICES];
	double bare_ch, pipe_ch;    /* medians / 50 */
	unsigned long pipe_bad;     /* pushes that did not give one packet */
};

/** Everything one pair's run holds. */
struct run {
	struct input in;
	struct bare b;
	struct vg_xcode_dir *d;
	struct vg_xcode_pkt out[4];
	unsigned int fb, fp;        /* next frame, bare and pipeline */
	uint16_t seq;               /* the sender's numbering */
	uint32_t ts;
	unsigned long pipe_bad;
};

static void
bare_batch(struct run *r, unsigned int batch)
{
	for (unsigned int k = 0; k < batch; k++) {
		bare_frame(&r->b, r->in.pkt[r->fb] + RTP_HDR,
				r->in.len[r->fb]);
		if (++r->fb == N_FRAMES)
			r->fb = 0;
	}
}

static void
pipe_batch(struct run *r, unsigned int batch)
{
	for (unsigned int k = 0; k < batch; k++) {
		uint8_t *pkt = r->in.pkt[r->fp];

		/* the sender's numbering goes on */
		put16(pkt + 2, r->seq++);
		put32(pkt + 4, r->ts);
		r->ts += r->in.ticks;
		if (vg_xcode_dir_push(r->d, pkt, RTP_HDR + r->in.len[r->fp],
				r->out, 4) != 1)
			r->pipe_bad++;
		if (++r->fp == N_FRAMES)
			r->fp = 0;
	}
}

/* Frames per CPU second of one mode over one slice. */
static double
measure(struct run *r, bool pipeline, unsigned int batch, double slice)
{
	double t0 = cpu_now(), t;
	unsigned long frames = 0;

	do {
		if (pipeline)
			pipe_batch(r, batch);
		else
			bare_batch(r, batch);
		frames += batch;
		t = cpu_now() - t0;
	} while (t < slice);
	return frames / t;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(const double *v, int n)
{
	double s[SLICES];

	memcpy(s, v, sizeof(*v) * (size_t)n);
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static int
run_pair(const struct pair *p, double seconds, struct result *res)
{
	static struct run r;
	struct vg_xcode_params xp;
	double slice = seconds / SLICES, t0;
	unsigned int batch;
	int rc, s;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	r.seq = 1;
	rc = make_input(p, &r.in);
	if (rc < 0)
		return rc;
	rc = bare_init(&r.b, p);
	if (rc < 0)
		goto out;
	memset(&xp, 0, sizeof(xp));
	xp.in_codec = p->in;
	xp.in_pt = p->in_pt;
	xp.in_ptime_ms = FRAME_MS;
	xp.out_codec = p->out;
	xp.out_pt = p->out_pt;
	xp.out_ptime_ms = FRAME_MS;
	xp.out_ssrc = 0xbe4c0de;
	xp.opus_bitrate = OPUS_BENCH_BITRATE;
	rc = vg_xcode_dir_create(&xp, &r.d);
	if (rc < 0)
		goto out;

	/* calibrate the batch on the bare chain (also warms both up) */
	pipe_batch(&r, N_FRAMES);
	t0 = cpu_now();
	bare_batch(&r, N_FRAMES);
	t0 = (cpu_now() - t0) / N_FRAMES;
	batch = (unsigned int)(BATCH_S / (t0 > 1e-9 ? t0 : 1e-9)) + 1;
	if (batch > 1000000)
		batch = 1000000;
	r.pipe_bad = 0;

	/* alternate, and alternate who goes first: drift hits both */
	for (s = 0; s < SLICES; s++) {
		if (s % 2 == 0) {
			res->bare_rate[s] = measure(&r, false, batch, slice);
			res->pipe_rate[s] = measure(&r, true, batch, slice);
		} else {
			res->pipe_rate[s] = measure(&r, true, batch, slice);
			res->bare_rate[s] = measure(&r, false, batch, slice);
		}
	}
	/* medians: a burst of a neighbour's load spoils a slice, not all */
	res->bare_ch = median(res->bare_rate, SLICES) / 50.0;
	res->pipe_ch = median(res->pipe_rate, SLICES) / 50.0;
	res->pipe_bad = r.pipe_bad;
	rc = r.b.sink == 0 ? -EIO : 0;
out:
	vg_xcode_dir_free(r.d);
	bare_fini(&r.b);
	return rc;
}

static void
usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-s SECONDS_PER_MODE] [PAIR...]\n"
			"pairs:", prog);
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		fprintf(stderr, " %s", pairs[i].name);
	fprintf(stderr, "\n");
}

int
main(int argc, char **argv)
{
	double seconds = 2.0;
	int first = 1, failed = 0;

	if (argc > 2 && strcmp(argv[1], "-s") == 0) {
		seconds = atof(argv[2]);
		first = 3;
	}
	if (seconds <= 0 || seconds > 60) {
		usage(argv[0]);
		return 2;
	}
	printf("%-10s %12s %12s %10s %10s %7s\n", "pair", "bare_ns/fr",
			"pipe_ns/fr", "bare_ch", "pipe_ch", "ratio");
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const struct pair *p = &pairs[i];
		struct result r;
		double bare_ch, pipe_ch;
		int rc, want = first >= argc;

		for (int a = first; a < argc; a++)
			want |= strcmp(argv[a], p->name) == 0;
		if (!want)
			continue;
		rc = run_pair(p, seconds, &r);
		if (rc < 0) {
			fprintf(stderr, "%s: %s\n", p->name, strerror(-rc));
			failed = 1;
			continue;
		}
		bare_ch = r.bare_ch;
		pipe_ch = r.pipe_ch;
		printf("%-10s %12.0f %12.0f %10.0f %10.0f %7.3f\n", p->name,
				1e9 / (bare_ch * 50), 1e9 / (pipe_ch * 50),
				bare_ch, pipe_ch, pipe_ch / bare_ch);
		if (r.pipe_bad != 0) {
			fprintf(stderr, "%s: %lu pushes gave no packet\n",
					p->name, r.pipe_bad);
			failed = 1;
		}
		printf("media: pair=%s channels_per_core=%.0f "
				"bare_channels_per_core=%.0f ratio=%.3f\n",
				p->name, pipe_ch, bare_ch, pipe_ch / bare_ch);
		fflush(stdout);
	}
	return failed;
}

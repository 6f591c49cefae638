/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Transcoding directions, control side: checking the parameters,
 * choosing the strategy (byte map or decode/resample/encode) and the PCM
 * rates once, and allocating everything the worker will touch.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xcode_pvt.h"

#define XCODE_ALIGN 64  /* the worker's hot state starts a cache line */

struct drop_name {
	int err;
	const char *name;
};

#define X_NAME(e, name, text) { e, name },
static const struct drop_name drop_names[] = { VG_XCODE_DROPS(X_NAME) };
#undef X_NAME

const char *
vg_xcode_drop_name(int rc)
{
	size_t i;

	for (i = 0; i < sizeof(drop_names) / sizeof(drop_names[0]); i++)
		if (-rc == drop_names[i].err)
			return drop_names[i].name;
	return "other";
}

static bool
audio_codec(enum vg_cfg_codec c)
{
	return c == VG_CODEC_PCMU || c == VG_CODEC_PCMA ||
		c == VG_CODEC_G729 || c == VG_CODEC_G722 || c == VG_CODEC_OPUS;
}

static bool
g711(enum vg_cfg_codec c)
{
	return c == VG_CODEC_PCMU || c == VG_CODEC_PCMA;
}

static int
check_params(const struct vg_xcode_params *p)
{
	unsigned int pt = p->out_ptime_ms;

	if ((unsigned int)p->in_codec >= VG_CODEC_COUNT ||
			(unsigned int)p->out_codec >= VG_CODEC_COUNT)
		return -EINVAL;
	if (!audio_codec(p->in_codec) || !audio_codec(p->out_codec))
		return -ENOTSUP;
	if (pt != 10 && pt != 20 && pt != 30 && pt != 40 && pt != 60)
		return -EINVAL;
	if (p->in_ptime_ms > VG_CODEC_MAX_PAYLOAD_MS)
		return -EINVAL;
	if (p->in_pt > 127 || p->out_pt > 127 || p->in_dtmf_pt > 127 ||
			p->out_dtmf_pt > 127 || p->in_cn_pt > 127)
		return -EINVAL;
	/* 0 means "none" for these; PT 0 itself is PCMU's */
	if ((p->in_cn_pt != 0 && p->in_cn_pt == p->in_pt) ||
			(p->in_dtmf_pt != 0 && p->in_dtmf_pt == p->in_pt) ||
			(p->in_dtmf_pt != 0 && p->in_dtmf_pt == p->in_cn_pt) ||
			(p->out_dtmf_pt != 0 && p->out_dtmf_pt == p->out_pt))
		return -EINVAL;
	if (p->out_codec == VG_CODEC_OPUS &&
			((unsigned int)p->opus_bandwidth > VG_OPUS_BW_FULL ||
			 p->opus_complexity > 10))
		return -EINVAL;
	return 0;
}

/* Byte map (G.711 both sides) or PCM rates of decoder and encoder. */
static void
choose_rates(struct vg_xcode_dir *d)
{
	const struct vg_xcode_params *p = &d->p;

	if (g711(p->in_codec) && g711(p->out_codec)) {
		if (p->in_codec == p->out_codec)
			d->map = vg_g711_identity;
		else if (p->in_codec == VG_CODEC_PCMU)
			d->map = vg_g711_u2a;
		else
			d->map = vg_g711_a2u;
		d->silence = p->out_codec == VG_CODEC_PCMU ?
			vg_g711_ulaw_enc(0) : vg_g711_alaw_enc(0);
		d->in_rate = d->out_rate = 8000;
		return;
	}
	/*
	 * libopus codes and decodes at 8..48 kHz itself: by default an Opus
	 * side runs at the other side's rate, so only G.722 against a
	 * narrowband codec needs the resampler.
	 */
	if (p->out_codec != VG_CODEC_OPUS)
		d->out_rate = vg_codec_info(p->out_codec)->audio_rate;
	else if (p->opus_fs != 0)
		d->out_rate = p->opus_fs;
	else if (p->in_codec != VG_CODEC_OPUS)
		d->out_rate = vg_codec_info(p->in_codec)->audio_rate;
	else
		d->out_rate = 48000;
	if (p->in_codec != VG_CODEC_OPUS)
		d->in_rate = vg_codec_info(p->in_codec)->audio_rate;
	else
		d->in_rate = d->out_rate;
}

static int
alloc_codecs(struct vg_xcode_dir *d)
{
	const struct vg_xcode_params *p = &d->p;
	struct vg_codec_enc_params ep = { 0 };
	int err = 0;
	int rc;

	rc = vg_codec_dec_create(p->in_codec, d->in_rate, &d->dec);
	if (rc < 0)
		return rc;
	ep.rate = d->out_rate;
	if (p->out_codec == VG_CODEC_OPUS) {
		ep.bitrate = p->opus_bitrate;
		ep.bandwidth = p->opus_bandwidth;
		ep.complexity = p->opus_complexity;
	}
	rc = vg_codec_enc_create(p->out_codec, &ep, &d->enc);
	if (rc < 0)
		return rc;
	if (d->in_rate != d->out_rate) {
		d->rs = speex_resampler_init(1, d->in_rate, d->out_rate,
				VG_XCODE_RESAMPLE_QUALITY, &err);
		if (d->rs == NULL)
			return err == RESAMPLER_ERR_ALLOC_FAILED ? -ENOMEM :
				-EINVAL;
		/*
		 * No speex_resampler_skip_zeros(): keeping the filter's
		 * delay (a few ms) keeps output counts exact (160 in, 320
		 * out), so packets come out in step with the input.
		 */
	}
	return 0;
}

int
vg_xcode_dir_create(const struct vg_xcode_params *p, struct vg_xcode_dir **out)
{
	struct vg_xcode_dir *d = NULL;
	int rc;

	if (p == NULL || out == NULL)
		return -EINVAL;
	*out = NULL;
	rc = check_params(p);
	if (rc < 0)
		return rc;
	if (posix_memalign((void **)&d, XCODE_ALIGN, sizeof(*d)) != 0)
		return -ENOMEM;
	memset(d, 0, sizeof(*d));
	d->p = *p;
	d->in_clock = vg_codec_info(p->in_codec)->rtp_clock;
	d->out_clock = vg_codec_info(p->out_codec)->rtp_clock;
	choose_rates(d);
	rc = alloc_codecs(d);
	if (rc < 0)
		goto out;

	d->frame = d->out_rate / 1000 * p->out_ptime_ms;
	d->frame_ticks = d->out_clock / 1000 * p->out_ptime_ms;
	d->unit = d->map != NULL ? 1 : 2;
	/*
	 * The queue holds less than a packet between pushes; one push adds
	 * at most one payload (120 ms) or one 10 ms step of concealment
	 * before packets are cut, plus a few samples of resampler rounding.
	 */
	d->fifo_cap = d->frame +
		d->out_rate / 1000 * (VG_CODEC_MAX_PAYLOAD_MS + 10) + 64;
	d->pcm_cap = d->in_rate / 1000 * VG_CODEC_MAX_PAYLOAD_MS;
	d->max_gap_ticks = d->in_clock / 1000 * VG_XCODE_MAX_GAP_MS;
	d->fifo = malloc((size_t)d->fifo_cap * d->unit);
	d->pcm = malloc((size_t)d->pcm_cap * sizeof(*d->pcm));
	if (d->fifo == NULL || d->pcm == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	d->out.seq = p->out_seq_start;
	d->out.ts = p->out_ts_start;
	d->out.marker = true;
	d->cn.seed = p->out_ssrc ^ 0x9e3779b9u;
	*out = d;
	rc = 0;
out:
	if (rc < 0)
		vg_xcode_dir_free(d);
	return rc;
}

void
vg_xcode_dir_free(struct vg_xcode_dir *d)
{
	if (d == NULL)
		return;
	vg_codec_dec_free(d->dec);
	vg_codec_enc_free(d->enc);
	if (d->rs != NULL)
		speex_resampler_destroy(d->rs);
	free(d->fifo);
	free(d->pcm);
	free(d);
}

void
vg_xcode_dir_stats(const struct vg_xcode_dir *d, struct vg_xcode_stats *st)
{
	*st = d->st;
}

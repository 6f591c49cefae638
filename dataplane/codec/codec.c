/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Codec descriptions and the encoder/decoder front end: argument
 * checks, then the codec's operations table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "codec_pvt.h"

static const struct vg_codec_desc descs[VG_CODEC_COUNT] = {
	[VG_CODEC_PCMU] = { "PCMU", 8000, 8000, 0 },
	[VG_CODEC_PCMA] = { "PCMA", 8000, 8000, 8 },
	[VG_CODEC_G729] = { "G729", 8000, 8000, 18 },
	/* RFC 3551 s4.5.2: clock 8000 for 16 kHz audio, a historic error */
	[VG_CODEC_G722] = { "G722", 8000, 16000, 9 },
	/* RFC 7587 s4.1: always 48000, whatever the audio bandwidth */
	[VG_CODEC_OPUS] = { "opus", 48000, 48000, VG_PT_DYNAMIC },
	[VG_CODEC_TELEPHONE_EVENT] = { "telephone-event", 8000, 0,
		VG_PT_DYNAMIC },
};

const struct vg_codec_desc *
vg_codec_info(enum vg_cfg_codec c)
{
	if ((unsigned int)c >= VG_CODEC_COUNT)
		return NULL;
	return &descs[c];
}

/* NULL when c is no audio codec or its library is not in this build */
static const struct vg_codec_ops *
codec_ops(enum vg_cfg_codec c)
{
	switch (c) {
	case VG_CODEC_PCMU:
		return &vg_codec_g711_ops[0];
	case VG_CODEC_PCMA:
		return &vg_codec_g711_ops[1];
	case VG_CODEC_G729:
		return &vg_codec_g729_ops;
	case VG_CODEC_G722:
		return &vg_codec_g722_ops;
	case VG_CODEC_OPUS:
		return &vg_codec_opus_ops;
	default:
		return NULL;
	}
}

int
vg_codec_enc_create(enum vg_cfg_codec c, const struct vg_codec_enc_params *p,
		struct vg_codec_enc **out)
{
	static const struct vg_codec_enc_params defaults;
	const struct vg_codec_ops *ops = codec_ops(c);
	struct vg_codec_enc *e;
	int rc;

	if (out == NULL || ops == NULL)
		return -EINVAL;
	*out = NULL;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	e->ops = ops;
	rc = ops->enc_init(e, p != NULL ? p : &defaults);
	if (rc < 0) {
		free(e);
		return rc;
	}
	*out = e;
	return 0;
}

void
vg_codec_enc_free(struct vg_codec_enc *e)
{
	if (e == NULL)
		return;
	e->ops->enc_fini(e);
	free(e);
}

uint32_t
vg_codec_enc_rate(const struct vg_codec_enc *e)
{
	return e->rate;
}

int
vg_codec_encode(struct vg_codec_enc *e, const int16_t *pcm, unsigned int n,
		uint8_t *out, size_t out_max)
{
	unsigned int ten = e->rate / 100;

	if (n == 0 || n % ten != 0 || n > 6 * ten)
		return -EINVAL;
	return e->ops->encode(e, pcm, n, out, out_max);
}

int
vg_codec_dec_create(enum vg_cfg_codec c, uint32_t rate,
		struct vg_codec_dec **out)
{
	const struct vg_codec_ops *ops = codec_ops(c);
	struct vg_codec_dec *d;
	int rc;

	if (out == NULL || ops == NULL)
		return -EINVAL;
	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return -ENOMEM;
	d->ops = ops;
	d->rate = rate != 0 ? rate : descs[c].audio_rate;
	rc = ops->dec_init(d);
	if (rc < 0) {
		free(d);
		return rc;
	}
	*out = d;
	return 0;
}

void
vg_codec_dec_free(struct vg_codec_dec *d)
{
	if (d == NULL)
		return;
	d->ops->dec_fini(d);
	free(d);
}

uint32_t
vg_codec_dec_rate(const struct vg_codec_dec *d)
{
	return d->rate;
}

int
vg_codec_payload_ticks(enum vg_cfg_codec c, const uint8_t *pl, size_t len)
{
	const struct vg_codec_ops *ops = codec_ops(c);

	if (ops == NULL)
		return -EINVAL;
	if (len == 0)
		return 0;
	if (pl == NULL)
		return -EBADMSG;
	return ops->ticks(pl, len);
}

int
vg_codec_decode(struct vg_codec_dec *d, const uint8_t *pl, size_t len,
		int16_t *pcm, unsigned int max)
{
	uint32_t clock = descs[d->ops->codec].rtp_clock;
	uint64_t n;
	int ticks;

	if (len == 0)
		return 0;
	if (pl == NULL)
		return -EBADMSG;
	ticks = d->ops->ticks(pl, len);
	if (ticks < 0)
		return ticks;
	n = (uint64_t)ticks * d->rate / clock;
	if (n > max)
		return -ENOSPC;
	return d->ops->decode(d, pl, len, pcm, max);
}

int
vg_codec_conceal(struct vg_codec_dec *d, int16_t *pcm, unsigned int n)
{
	unsigned int ten = d->rate / 100;

	if (n % ten != 0 || n > ten * (VG_CODEC_MAX_PAYLOAD_MS / 10))
		return -EINVAL;
	if (n > 0)
		d->ops->conceal(d, pcm, n);
	return (int)n;
}

void
vg_codec_dec_reset(struct vg_codec_dec *d)
{
	d->ops->dec_reset(d);
}

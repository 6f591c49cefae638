/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file G.722 at 64 kbit/s, by spandsp: 16 kHz audio, one byte per two
 * samples, RTP clock 8000 (RFC 3551 s4.5.2).
 */
#include <errno.h>
#include <string.h>

#include <spandsp.h>

#include "codec_pvt.h"

#define G722_RATE 16000
#define G722_BITRATE 64000

static int
vg722_enc_init(struct vg_codec_enc *e, const struct vg_codec_enc_params *p)
{
	if (p->rate != 0 && p->rate != G722_RATE)
		return -EINVAL;
	e->rate = G722_RATE;
	e->lib = g722_encode_init(NULL, G722_BITRATE, 0);
	return e->lib != NULL ? 0 : -ENOMEM;
}

static void
vg722_enc_fini(struct vg_codec_enc *e)
{
	g722_encode_free(e->lib);
}

static int
vg722_encode(struct vg_codec_enc *e, const int16_t *pcm, unsigned int n,
		uint8_t *out, size_t out_max)
{
	int len;

	if (n / 2 > out_max)
		return -ENOSPC;
	len = g722_encode(e->lib, out, pcm, (int)n);
	return len == (int)n / 2 ? len : -EIO;
}

static int
vg722_dec_init(struct vg_codec_dec *d)
{
	if (d->rate != G722_RATE)
		return -EINVAL;
	d->lib = g722_decode_init(NULL, G722_BITRATE, 0);
	return d->lib != NULL ? 0 : -ENOMEM;
}

static void
vg722_dec_fini(struct vg_codec_dec *d)
{
	g722_decode_free(d->lib);
}

static int
vg722_decode(struct vg_codec_dec *d, const uint8_t *pl, size_t len,
		int16_t *pcm, unsigned int max)
{
	int n;

	(void)max;
	n = g722_decode(d->lib, pcm, pl, (int)len);
	if (n < 0)
		return -EBADMSG;
	vg_plc_save(&d->plc, pcm, (unsigned int)n, d->rate);
	return n;
}

static void
vg722_conceal(struct vg_codec_dec *d, int16_t *pcm, unsigned int n)
{
	vg_plc_fill(&d->plc, pcm, n, d->rate);
}

/* spandsp's init on an existing state re-initialises it in place */
static void
vg722_dec_reset(struct vg_codec_dec *d)
{
	g722_decode_init(d->lib, G722_BITRATE, 0);
	memset(&d->plc, 0, sizeof(d->plc));
}

/* two 16 kHz samples per byte: one 8000 Hz tick per byte */
static int
vg722_ticks(const uint8_t *pl, size_t len)
{
	(void)pl;
	if (len > 8 * VG_CODEC_MAX_PAYLOAD_MS)
		return -EBADMSG;
	return (int)len;
}

const struct vg_codec_ops vg_codec_g722_ops = {
	.codec = VG_CODEC_G722,
	.enc_init = vg722_enc_init,
	.enc_fini = vg722_enc_fini,
	.encode = vg722_encode,
	.dec_init = vg722_dec_init,
	.dec_fini = vg722_dec_fini,
	.decode = vg722_decode,
	.conceal = vg722_conceal,
	.dec_reset = vg722_dec_reset,
	.ticks = vg722_ticks,
};

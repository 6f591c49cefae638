/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file G.729 Annex A with Annex B comfort noise, by libbcg729.
 */
#include <errno.h>
#include <string.h>

#include <bcg729/decoder.h>
#include <bcg729/encoder.h>

#include "codec_pvt.h"

#define G729_FRAME_BYTES 10   /* 80 bits per 10 ms */
#define G729_SID_BYTES 2      /* Annex B SID: 15 bits (RFC 3551 s4.5.6) */
#define G729_FRAME_SAMPLES 80
#define G729_MAX_FRAMES (VG_CODEC_MAX_PAYLOAD_MS / 10)

static int
vg729_enc_init(struct vg_codec_enc *e, const struct vg_codec_enc_params *p)
{
	if (p->rate != 0 && p->rate != 8000)
		return -EINVAL;
	e->rate = 8000;
	/* no VAD: every output packet carries whole 10-byte frames */
	e->lib = initBcg729EncoderChannel(0);
	return e->lib != NULL ? 0 : -ENOMEM;
}

static void
vg729_enc_fini(struct vg_codec_enc *e)
{
	closeBcg729EncoderChannel(e->lib);
}

/* ~21 us per 10 ms frame here (perf/bench-codec): the costly end */
static int
vg729_encode(struct vg_codec_enc *e, const int16_t *pcm, unsigned int n,
		uint8_t *out, size_t out_max)
{
	unsigned int frames = n / G729_FRAME_SAMPLES;
	unsigned int i;
	size_t len = 0;

	if ((size_t)frames * G729_FRAME_BYTES > out_max)
		return -ENOSPC;
	for (i = 0; i < frames; i++) {
		uint8_t flen = 0;

		bcg729Encoder(e->lib, pcm + i * G729_FRAME_SAMPLES, out + len,
				&flen);
		/* without VAD bcg729 always gives 10 bytes; never trust it */
		if (flen != G729_FRAME_BYTES)
			return -EIO;
		len += flen;
	}
	return (int)len;
}

static int
vg729_dec_init(struct vg_codec_dec *d)
{
	if (d->rate != 8000)
		return -EINVAL;
	d->lib = initBcg729DecoderChannel();
	d->spare = initBcg729DecoderChannel();
	if (d->lib == NULL || d->spare == NULL) {
		closeBcg729DecoderChannel(d->lib);
		closeBcg729DecoderChannel(d->spare);
		return -ENOMEM;
	}
	return 0;
}

static void
vg729_dec_fini(struct vg_codec_dec *d)
{
	closeBcg729DecoderChannel(d->lib);
	closeBcg729DecoderChannel(d->spare);
	closeBcg729DecoderChannel(d->retired);
}

static int
vg729_decode(struct vg_codec_dec *d, const uint8_t *pl, size_t len,
		int16_t *pcm, unsigned int max)
{
	size_t frames = len / G729_FRAME_BYTES;
	size_t i;

	(void)max;
	for (i = 0; i < frames; i++)
		bcg729Decoder(d->lib, pl + i * G729_FRAME_BYTES,
				G729_FRAME_BYTES, 0, 0, 0,
				pcm + i * G729_FRAME_SAMPLES);
	if (len % G729_FRAME_BYTES == G729_SID_BYTES) {
		/*
		 * Annex B SID: bcg729 reads the parameters from the buffer;
		 * give it a zero-padded frame so no reading can pass the
		 * packet's end, whatever the library's version does.
		 */
		uint8_t sid[G729_FRAME_BYTES] = { 0 };

		memcpy(sid, pl + frames * G729_FRAME_BYTES, G729_SID_BYTES);
		bcg729Decoder(d->lib, sid, G729_SID_BYTES, 0, 1, 0,
				pcm + frames * G729_FRAME_SAMPLES);
		frames++;
	}
	return (int)(frames * G729_FRAME_SAMPLES);
}

/* Annex B s4.4: an erasure after a SID continues the comfort noise */
static void
vg729_conceal(struct vg_codec_dec *d, int16_t *pcm, unsigned int n)
{
	unsigned int i;

	for (i = 0; i + G729_FRAME_SAMPLES <= n; i += G729_FRAME_SAMPLES)
		bcg729Decoder(d->lib, NULL, 0, 1, 0, 0, pcm + i);
}

/* libbcg729 has no reset: switch to the spare while it is fresh */
static void
vg729_dec_reset(struct vg_codec_dec *d)
{
	if (d->spare == NULL)
		return;
	/* the old context is kept until fini: freeing here is a free() */
	d->retired = d->lib;
	d->lib = d->spare;
	d->spare = NULL;
}

static int
vg729_ticks(const uint8_t *pl, size_t len)
{
	size_t frames = len / G729_FRAME_BYTES;
	size_t rest = len % G729_FRAME_BYTES;

	(void)pl;
	if (rest != 0 && rest != G729_SID_BYTES)
		return -EBADMSG;
	if (rest == G729_SID_BYTES)
		frames++;
	if (frames > G729_MAX_FRAMES)
		return -EBADMSG;
	return (int)(frames * G729_FRAME_SAMPLES);
}

const struct vg_codec_ops vg_codec_g729_ops = {
	.codec = VG_CODEC_G729,
	.enc_init = vg729_enc_init,
	.enc_fini = vg729_enc_fini,
	.encode = vg729_encode,
	.dec_init = vg729_dec_init,
	.dec_fini = vg729_dec_fini,
	.decode = vg729_decode,
	.conceal = vg729_conceal,
	.dec_reset = vg729_dec_reset,
	.ticks = vg729_ticks,
};

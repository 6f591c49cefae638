/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Opus (RFC 6716, RTP per RFC 7587), mono, by libopus.
 */
#include <errno.h>
#include <stdlib.h>

#include <opus/opus.h>

#include "codec_pvt.h"

#define OPUS_CLOCK 48000
/* one 10 ms frame at 510 kbit/s is 638 bytes */
#define OPUS_FRAME10_MAX 640
#define OPUS_MAX_FRAMES10 6

/* Encoder's extra state for packets libopus cannot code in one frame. */
struct vgopus_enc_aux {
	OpusRepacketizer *rp;
	uint8_t frames[OPUS_MAX_FRAMES10][OPUS_FRAME10_MAX];
};

static bool
vgopus_rate_ok(uint32_t rate)
{
	return rate == 8000 || rate == 12000 || rate == 16000 ||
		rate == 24000 || rate == 48000;
}

static const int vgopus_bw[] = {
	[VG_OPUS_BW_AUTO] = OPUS_AUTO,
	[VG_OPUS_BW_NARROW] = OPUS_BANDWIDTH_NARROWBAND,
	[VG_OPUS_BW_MEDIUM] = OPUS_BANDWIDTH_MEDIUMBAND,
	[VG_OPUS_BW_WIDE] = OPUS_BANDWIDTH_WIDEBAND,
	[VG_OPUS_BW_SUPERWIDE] = OPUS_BANDWIDTH_SUPERWIDEBAND,
	[VG_OPUS_BW_FULL] = OPUS_BANDWIDTH_FULLBAND,
};

static void
vgopus_enc_fini(struct vg_codec_enc *e)
{
	struct vgopus_enc_aux *aux = e->aux;

	if (aux != NULL)
		opus_repacketizer_destroy(aux->rp);
	free(aux);
	opus_encoder_destroy(e->lib);
}

static int
vgopus_enc_init(struct vg_codec_enc *e, const struct vg_codec_enc_params *p)
{
	struct vgopus_enc_aux *aux;
	int err = OPUS_OK;

	e->rate = p->rate != 0 ? p->rate : OPUS_CLOCK;
	if (!vgopus_rate_ok(e->rate))
		return -EINVAL;
	if ((unsigned int)p->bandwidth > VG_OPUS_BW_FULL || p->complexity > 10)
		return -EINVAL;
	if (p->bitrate != 0 && (p->bitrate < 500 || p->bitrate > 512000))
		return -EINVAL;
	e->lib = opus_encoder_create((opus_int32)e->rate, 1,
			OPUS_APPLICATION_VOIP, &err);
	if (e->lib == NULL)
		return err == OPUS_ALLOC_FAIL ? -ENOMEM : -EINVAL;
	aux = calloc(1, sizeof(*aux));
	e->aux = aux;
	if (aux == NULL)
		goto nomem;
	aux->rp = opus_repacketizer_create();
	if (aux->rp == NULL)
		goto nomem;
	if (p->bitrate != 0)
		opus_encoder_ctl(e->lib,
				OPUS_SET_BITRATE((opus_int32)p->bitrate));
	if (p->bandwidth != VG_OPUS_BW_AUTO)
		opus_encoder_ctl(e->lib,
				OPUS_SET_BANDWIDTH(vgopus_bw[p->bandwidth]));
	if (p->complexity != 0)
		opus_encoder_ctl(e->lib, OPUS_SET_COMPLEXITY(p->complexity));
	opus_encoder_ctl(e->lib, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
	return 0;
nomem:
	vgopus_enc_fini(e);
	return -ENOMEM;
}

static int
vgopus_err(int rc)
{
	return rc == OPUS_BUFFER_TOO_SMALL ? -ENOSPC : -EIO;
}

/*
 * 10, 20, 40 and 60 ms are Opus frame sizes; 30 (and 50) ms are sent as
 * 10 ms frames joined in one code 3 packet (RFC 6716 s3.2.5).
 */
static int
vgopus_encode_frames(struct vg_codec_enc *e, const int16_t *pcm,
		unsigned int k, uint8_t *out, size_t out_max)
{
	struct vgopus_enc_aux *aux = e->aux;
	unsigned int ten = e->rate / 100;
	size_t budget;
	unsigned int i;
	int rc;

	/* code 3 header: TOC, frame count, up to 2 length bytes a frame */
	if (out_max < 4 * (size_t)k)
		return -ENOSPC;
	budget = (out_max - 2 * (size_t)k) / k;
	if (budget > OPUS_FRAME10_MAX)
		budget = OPUS_FRAME10_MAX;
	opus_repacketizer_init(aux->rp);
	for (i = 0; i < k; i++) {
		rc = opus_encode(e->lib, pcm + i * ten, (int)ten,
				aux->frames[i], (opus_int32)budget);
		if (rc < 0)
			return vgopus_err(rc);
		/*
		 * Frames of one packet must share their TOC; libopus may
		 * change mode between two (rare at a fixed rate and
		 * bandwidth): the packet then ends early.
		 */
		if (opus_repacketizer_cat(aux->rp, aux->frames[i], rc) !=
				OPUS_OK)
			break;
	}
	rc = opus_repacketizer_out(aux->rp, out, (opus_int32)out_max);
	return rc < 0 ? vgopus_err(rc) : rc;
}

static int
vgopus_encode_pcm(struct vg_codec_enc *e, const int16_t *pcm, unsigned int n,
		uint8_t *out, size_t out_max)
{
	unsigned int k = n / (e->rate / 100);
	int rc;

	if (k == 3 || k == 5)
		return vgopus_encode_frames(e, pcm, k, out, out_max);
	if (out_max > INT32_MAX)
		out_max = INT32_MAX;
	rc = opus_encode(e->lib, pcm, (int)n, out, (opus_int32)out_max);
	return rc < 0 ? vgopus_err(rc) : rc;
}

static int
vgopus_dec_init(struct vg_codec_dec *d)
{
	int err = OPUS_OK;

	if (!vgopus_rate_ok(d->rate))
		return -EINVAL;
	d->lib = opus_decoder_create((opus_int32)d->rate, 1, &err);
	if (d->lib == NULL)
		return err == OPUS_ALLOC_FAIL ? -ENOMEM : -EINVAL;
	return 0;
}

static void
vgopus_dec_fini(struct vg_codec_dec *d)
{
	opus_decoder_destroy(d->lib);
}

static int
vgopus_decode_pl(struct vg_codec_dec *d, const uint8_t *pl, size_t len,
		int16_t *pcm, unsigned int max)
{
	int n;

	n = opus_decode(d->lib, pl, (opus_int32)len, pcm, (int)max, 0);
	return n < 0 ? -EBADMSG : n;
}

static void
vgopus_conceal(struct vg_codec_dec *d, int16_t *pcm, unsigned int n)
{
	/* PLC; on failure (not expected) the caller still gets silence */
	if (opus_decode(d->lib, NULL, 0, pcm, (int)n, 0) != (int)n) {
		unsigned int i;

		for (i = 0; i < n; i++)
			pcm[i] = 0;
	}
}

static void
vgopus_dec_reset(struct vg_codec_dec *d)
{
	opus_decoder_ctl(d->lib, OPUS_RESET_STATE);
}

static int
vgopus_ticks(const uint8_t *pl, size_t len)
{
	int n;

	if (len > 1275 * 48)  /* RFC 6716 s3.4 R2..R5 bound, roughly */
		return -EBADMSG;
	n = opus_packet_get_nb_samples(pl, (opus_int32)len, OPUS_CLOCK);
	if (n < 0 || n > OPUS_CLOCK / 1000 * VG_CODEC_MAX_PAYLOAD_MS)
		return -EBADMSG;
	return n;
}

const struct vg_codec_ops vg_codec_opus_ops = {
	.codec = VG_CODEC_OPUS,
	.enc_init = vgopus_enc_init,
	.enc_fini = vgopus_enc_fini,
	.encode = vgopus_encode_pcm,
	.dec_init = vgopus_dec_init,
	.dec_fini = vgopus_dec_fini,
	.decode = vgopus_decode_pl,
	.conceal = vgopus_conceal,
	.dec_reset = vgopus_dec_reset,
	.ticks = vgopus_ticks,
};

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file G.711 mu-law and A-law (ITU-T G.711): tables built once at load
 * from the segment rules, bulk coding, and the codec operations.
 */
#include <errno.h>
#include <string.h>

#include "codec_pvt.h"

/*
 * Encoding tables are indexed by the bits G.711 uses: the 14 (mu-law) or
 * 13 (A-law) most significant bits of the 16-bit sample, taken as an
 * unsigned index ((uint16_t)x >> 2 or >> 3), so a lookup needs no branch.
 * 16 KiB + 8 KiB + 2 x 512 B + 3 x 256 B: they stay in L2.
 */
static uint8_t u_enc[1 << 14];
static uint8_t a_enc[1 << 13];
static int16_t u_dec[256];
static int16_t a_dec[256];
uint8_t vg_g711_u2a[256];
uint8_t vg_g711_a2u[256];
uint8_t vg_g711_identity[256];

#define ULAW_BIAS 33     /* G.711 Table 2a: bias in 14-bit units */
#define ULAW_CLIP 8191   /* 14-bit magnitude ceiling */

/*
 * mu-law of a 14-bit two's complement value (G.711 Table 2a). Negative
 * values use the one's complement magnitude (~v), so -1 is "negative
 * zero" (0x7f) as in the ITU reference (G.191 STL).
 */
static uint8_t
ulaw_from14(int v)
{
	int mag = v < 0 ? ~v : v;
	int seg = 0;
	uint8_t code;

	mag += ULAW_BIAS;
	if (mag > ULAW_CLIP)
		mag = ULAW_CLIP;
	/* segment: position of the highest bit above the 6 lowest */
	while ((mag >> (seg + 6)) != 0)
		seg++;
	code = (uint8_t)((7 - seg) << 4 | (15 - ((mag >> (seg + 1)) & 15)));
	return v >= 0 ? (uint8_t)(code | 0x80) : code;
}

/* Decision value of a mu-law code, scaled to 16 bits (Table 2a x 4). */
static int16_t
ulaw_to16(uint8_t c)
{
	unsigned int u = (uint8_t)~c;
	int exp = (u >> 4) & 7;
	int mag = ((((int)u & 15) << 3) + 0x84) << exp;

	return (int16_t)((u & 0x80) ? 0x84 - mag : mag - 0x84);
}

/*
 * A-law of a 13-bit two's complement value (G.711 Table 1a): 12-bit
 * one's complement magnitude, segment 0 and 1 both linear, even bits
 * inverted (xor 0x55).
 */
static uint8_t
alaw_from13(int v)
{
	int mag = (v < 0 ? ~v : v) >> 1;
	int seg = 0;
	uint8_t code;

	if (mag > 15) {
		seg = 1;
		while (mag > 31) {
			mag >>= 1;
			seg++;
		}
		mag -= 16;
	}
	code = (uint8_t)(seg << 4 | mag);
	if (v >= 0)
		code |= 0x80;
	return code ^ 0x55;
}

/* Decision value of an A-law code, scaled to 16 bits (Table 1a x 8). */
static int16_t
alaw_to16(uint8_t c)
{
	unsigned int a = c ^ 0x55u;
	int seg = (a >> 4) & 7;
	int mag = (int)(a & 15);

	if (seg > 0)
		mag += 16;
	mag = (mag << 4) + 8;
	if (seg > 1)
		mag <<= seg - 1;
	return (int16_t)((a & 0x80) ? mag : -mag);
}

/* Runs at load (DPDK's RTE_INIT way): tables are read-only afterwards. */
__attribute__((constructor)) static void
g711_tables_init(void)
{
	unsigned int i;

	for (i = 0; i < (1u << 14); i++)
		u_enc[i] = ulaw_from14((int16_t)(i << 2) >> 2);
	for (i = 0; i < (1u << 13); i++)
		a_enc[i] = alaw_from13((int16_t)(i << 3) >> 3);
	for (i = 0; i < 256; i++) {
		u_dec[i] = ulaw_to16((uint8_t)i);
		a_dec[i] = alaw_to16((uint8_t)i);
		vg_g711_identity[i] = (uint8_t)i;
	}
	/* the direct maps are decode-then-encode, computed here once */
	for (i = 0; i < 256; i++) {
		vg_g711_u2a[i] = a_enc[(uint16_t)u_dec[i] >> 3];
		vg_g711_a2u[i] = u_enc[(uint16_t)a_dec[i] >> 2];
	}
}

uint8_t
vg_g711_ulaw_enc(int16_t x)
{
	return u_enc[(uint16_t)x >> 2];
}

int16_t
vg_g711_ulaw_dec(uint8_t c)
{
	return u_dec[c];
}

uint8_t
vg_g711_alaw_enc(int16_t x)
{
	return a_enc[(uint16_t)x >> 3];
}

int16_t
vg_g711_alaw_dec(uint8_t c)
{
	return a_dec[c];
}

uint8_t
vg_g711_ulaw_to_alaw(uint8_t c)
{
	return vg_g711_u2a[c];
}

uint8_t
vg_g711_alaw_to_ulaw(uint8_t c)
{
	return vg_g711_a2u[c];
}

/* ~1 cycle/sample: one load, one shift, one table load */
int
vg_g711_encode(enum vg_cfg_codec law, const int16_t *pcm, uint8_t *out,
		size_t n)
{
	size_t i;

	if (law == VG_CODEC_PCMU) {
		for (i = 0; i < n; i++)
			out[i] = u_enc[(uint16_t)pcm[i] >> 2];
	} else if (law == VG_CODEC_PCMA) {
		for (i = 0; i < n; i++)
			out[i] = a_enc[(uint16_t)pcm[i] >> 3];
	} else {
		return -EINVAL;
	}
	return 0;
}

int
vg_g711_decode(enum vg_cfg_codec law, const uint8_t *in, int16_t *pcm,
		size_t n)
{
	const int16_t *tab;
	size_t i;

	if (law == VG_CODEC_PCMU)
		tab = u_dec;
	else if (law == VG_CODEC_PCMA)
		tab = a_dec;
	else
		return -EINVAL;
	for (i = 0; i < n; i++)
		pcm[i] = tab[in[i]];
	return 0;
}

/* ~0.5 ns/byte: one load and one table load a byte */
void
vg_g711_map(const uint8_t *tab, const uint8_t *in, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = tab[in[i]];
}

int
vg_g711_transcode(enum vg_cfg_codec from, const uint8_t *in, uint8_t *out,
		size_t n)
{
	if (from == VG_CODEC_PCMU)
		vg_g711_map(vg_g711_u2a, in, out, n);
	else if (from == VG_CODEC_PCMA)
		vg_g711_map(vg_g711_a2u, in, out, n);
	else
		return -EINVAL;
	return 0;
}

/* Codec operations ------------------------------------------------- */

static int
vg711_enc_init(struct vg_codec_enc *e, const struct vg_codec_enc_params *p)
{
	if (p->rate != 0 && p->rate != 8000)
		return -EINVAL;
	e->rate = 8000;
	return 0;
}

static void
vg711_enc_fini(struct vg_codec_enc *e)
{
	(void)e;
}

static int
vg711_encode(struct vg_codec_enc *e, const int16_t *pcm, unsigned int n,
		uint8_t *out, size_t out_max)
{
	if (n > out_max)
		return -ENOSPC;
	vg_g711_encode(e->ops->codec, pcm, out, n);
	return (int)n;
}

static int
vg711_dec_init(struct vg_codec_dec *d)
{
	if (d->rate != 8000)
		return -EINVAL;
	return 0;
}

static void
vg711_dec_fini(struct vg_codec_dec *d)
{
	(void)d;
}

static int
vg711_decode(struct vg_codec_dec *d, const uint8_t *pl, size_t len,
		int16_t *pcm, unsigned int max)
{
	(void)max;
	vg_g711_decode(d->ops->codec, pl, pcm, len);
	vg_plc_save(&d->plc, pcm, (unsigned int)len, d->rate);
	return (int)len;
}

static void
vg711_conceal(struct vg_codec_dec *d, int16_t *pcm, unsigned int n)
{
	vg_plc_fill(&d->plc, pcm, n, d->rate);
}

static void
vg711_dec_reset(struct vg_codec_dec *d)
{
	memset(&d->plc, 0, sizeof(d->plc));
}

/* one byte per sample at 8000 Hz: RTP ticks == bytes */
static int
vg711_ticks(const uint8_t *pl, size_t len)
{
	(void)pl;
	if (len > 8 * VG_CODEC_MAX_PAYLOAD_MS)
		return -EBADMSG;
	return (int)len;
}

const struct vg_codec_ops vg_codec_g711_ops[2] = {
	{
		.codec = VG_CODEC_PCMU,
		.enc_init = vg711_enc_init,
		.enc_fini = vg711_enc_fini,
		.encode = vg711_encode,
		.dec_init = vg711_dec_init,
		.dec_fini = vg711_dec_fini,
		.decode = vg711_decode,
		.conceal = vg711_conceal,
		.dec_reset = vg711_dec_reset,
		.ticks = vg711_ticks,
	},
	{
		.codec = VG_CODEC_PCMA,
		.enc_init = vg711_enc_init,
		.enc_fini = vg711_enc_fini,
		.encode = vg711_encode,
		.dec_init = vg711_dec_init,
		.dec_fini = vg711_dec_fini,
		.decode = vg711_decode,
		.conceal = vg711_conceal,
		.dec_reset = vg711_dec_reset,
		.ticks = vg711_ticks,
	},
};

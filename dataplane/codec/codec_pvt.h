/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Private to dataplane/codec: the per-codec operations table, the
 * encoder/decoder structs, the shared concealment and comfort-noise
 * helpers, and RTP header access.
 */
#ifndef VG_CODEC_PVT_H
#define VG_CODEC_PVT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include "vg_codec.h"

#define VG_RTP_HDR_LEN 12  /* RFC 3550 s5.1, without CSRCs */

/** 10 ms of PCM at the highest rate we handle (48 kHz). */
#define VG_PCM_10MS_MAX 480
/** Repeat-and-fade concealment (G.711, G.722): fade to zero over this. */
#define VG_PLC_FADE_MS 60

struct vg_codec_enc;
struct vg_codec_dec;

/**
 * One codec's operations, chosen once per encoder/decoder (the codec
 * table of baresip, rtpengine's handler matrix). Every entry is set.
 */
struct vg_codec_ops {
	enum vg_cfg_codec codec;
	/** check p->rate, allocate e->lib state */
	int (*enc_init)(struct vg_codec_enc *e,
			const struct vg_codec_enc_params *p);
	void (*enc_fini)(struct vg_codec_enc *e);
	/** n already checked: whole 10 ms, at most 60 ms */
	int (*encode)(struct vg_codec_enc *e, const int16_t *pcm,
			unsigned int n, uint8_t *out, size_t out_max);
	int (*dec_init)(struct vg_codec_dec *d);
	void (*dec_fini)(struct vg_codec_dec *d);
	/** len > 0 and max already checked against ticks() */
	int (*decode)(struct vg_codec_dec *d, const uint8_t *pl, size_t len,
			int16_t *pcm, unsigned int max);
	/** n: whole 10 ms, at most VG_CODEC_MAX_PAYLOAD_MS */
	void (*conceal)(struct vg_codec_dec *d, int16_t *pcm, unsigned int n);
	void (*dec_reset)(struct vg_codec_dec *d);
	/** duration in RTP ticks, -EBADMSG; len > 0 */
	int (*ticks)(const uint8_t *pl, size_t len);
};

extern const struct vg_codec_ops vg_codec_g711_ops[2]; /* PCMU, PCMA */
extern const struct vg_codec_ops vg_codec_g729_ops;
extern const struct vg_codec_ops vg_codec_g722_ops;
extern const struct vg_codec_ops vg_codec_opus_ops;

/** Repeat-and-fade concealment state (G.711, G.722). Owner: the user. */
struct vg_plc {
	int16_t hist[VG_PCM_10MS_MAX]; /**< last 10 ms decoded */
	uint32_t hist_n;               /**< samples in hist (10 ms, or 0) */
	uint32_t faded;                /**< samples concealed in this loss */
};

/** Remember the tail of good audio; ends a loss. */
void vg_plc_save(struct vg_plc *plc, const int16_t *pcm, unsigned int n,
		uint32_t rate);
/** n samples of the last 10 ms repeated, fading to zero. */
void vg_plc_fill(struct vg_plc *plc, int16_t *pcm, unsigned int n,
		uint32_t rate);

/** An encoder: owner is whoever created it (see vg_codec.h). */
struct vg_codec_enc {
	const struct vg_codec_ops *ops;  /**< RO after create */
	uint32_t rate;                   /**< RO after create */
	void *lib;                       /**< library state */
	void *aux;                       /**< Opus: the repacketiser */
};

/** A decoder: owner is whoever created it (see vg_codec.h). */
struct vg_codec_dec {
	const struct vg_codec_ops *ops;  /**< RO after create */
	uint32_t rate;                   /**< RO after create */
	void *lib;                       /**< library state */
	void *spare;                     /**< G.729: fresh context for reset */
	void *retired;                   /**< G.729: context left by a reset */
	struct vg_plc plc;               /**< G.711, G.722 */
};

/** Comfort noise generator (RFC 3389 level only, white spectrum). */
struct vg_cn {
	uint32_t seed;
};

/**
 * n samples of noise at level_dbov (-dBov, RFC 3389 s3.1; louder than
 * VG_CN_LOUDEST_DBOV is clamped to it: CN is never loud).
 */
void vg_cn_generate(struct vg_cn *cn, uint8_t level_dbov, int16_t *pcm,
		unsigned int n);
#define VG_CN_LOUDEST_DBOV 30

/** Tables built at load by g711.c. */
extern uint8_t vg_g711_u2a[256];
extern uint8_t vg_g711_a2u[256];
extern uint8_t vg_g711_identity[256];

/* RTP header access ------------------------------------------------ */

/** A parsed RTP packet; pointers into the caller's buffer. */
struct vg_rtp_view {
	const uint8_t *pl;   /**< payload (after CSRCs and extension) */
	size_t pl_len;       /**< payload bytes, padding removed */
	uint32_t ts;
	uint32_t ssrc;
	uint16_t seq;
	uint8_t pt;
	bool marker;
};

static inline uint16_t
vg_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
vg_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

static inline void
vg_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
vg_wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#define VG_RTP_VERSION 2
#define VG_RTP_F_PADDING 0x20
#define VG_RTP_F_EXTENSION 0x10
#define VG_RTP_EXT_HDR_LEN 4  /* RFC 3550 s5.3.1: profile, length */

/**
 * Parse an RTP packet (RFC 3550 s5.1, s5.3.1): version 2, CSRC list,
 * header extension and padding all inside len. Inline: once a packet.
 * @return 0, -EPROTO
 */
static inline int
vg_rtp_parse(const uint8_t *b, size_t len, struct vg_rtp_view *v)
{
	size_t off, end;

	if (b == NULL || len < VG_RTP_HDR_LEN || b[0] >> 6 != VG_RTP_VERSION)
		return -EPROTO;
	off = VG_RTP_HDR_LEN + 4 * (size_t)(b[0] & 0x0f);
	if (off > len)
		return -EPROTO;
	if (b[0] & VG_RTP_F_EXTENSION) {
		if (len - off < VG_RTP_EXT_HDR_LEN)
			return -EPROTO;
		off += VG_RTP_EXT_HDR_LEN + 4 * (size_t)vg_rd16(b + off + 2);
		if (off > len)
			return -EPROTO;
	}
	end = len;
	if (b[0] & VG_RTP_F_PADDING) {
		/* s5.1: the last octet counts the padding, itself included */
		uint8_t pad = b[len - 1];

		if (pad == 0 || pad > end - off)
			return -EPROTO;
		end -= pad;
	}
	v->pl = b + off;
	v->pl_len = end - off;
	v->marker = (b[1] & 0x80) != 0;
	v->pt = b[1] & 0x7f;
	v->seq = vg_rd16(b + 2);
	v->ts = vg_rd32(b + 4);
	v->ssrc = vg_rd32(b + 8);
	return 0;
}

/** Write a 12-byte RTP header (no CSRC, extension or padding). */
static inline void
vg_rtp_write_hdr(uint8_t *b, bool marker, uint8_t pt, uint16_t seq,
		uint32_t ts, uint32_t ssrc)
{
	/* three 32-bit stores, not twelve byte stores */
	uint32_t w[3] = {
		htonl((uint32_t)VG_RTP_VERSION << 30 |
				(uint32_t)(marker ? 0x80 : 0) << 16 |
				(uint32_t)(pt & 0x7f) << 16 | seq),
		htonl(ts),
		htonl(ssrc),
	};

	memcpy(b, w, sizeof(w));
}

/** out[i] = tab[in[i]]: the G.711 byte maps (in may be out). */
void vg_g711_map(const uint8_t *tab, const uint8_t *in, uint8_t *out,
		size_t n);

#endif /* VG_CODEC_PVT_H */

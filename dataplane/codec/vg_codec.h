/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Codecs and transcoding directions of the media data plane (no DPDK).
 *
 * Two layers:
 * - bare codecs: G.711 tables (ours, ITU-T G.711), and encoders/decoders
 *   of 16-bit linear PCM for every audio codec of enum vg_cfg_codec
 *   (G.729A/B by libbcg729, G.722 by spandsp, Opus by libopus);
 * - a transcoding direction (struct vg_xcode_dir): RTP packets of one
 *   codec in, RTP packets of another out, with re-packetisation, loss
 *   concealment, comfort noise, RFC 4733 events and resampling (speexdsp).
 *
 * Threads: the G.711 tables are built at program load (a constructor, as
 * DPDK's RTE_INIT does) and read-only after; the bare G.711 functions and
 * vg_codec_info() may be called from any thread. An encoder, decoder or
 * direction is created and freed on a control thread (they allocate) and
 * used in between by exactly one thread at a time, without locks: the
 * per-packet calls allocate nothing and make no system call.
 *
 * Errors are negative errno values.
 */
#ifndef VG_CODEC_H
#define VG_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vg_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Codec descriptions                                                  */
/* ------------------------------------------------------------------ */

/** vg_codec_info()->static_pt of codecs with a dynamic payload type. */
#define VG_PT_DYNAMIC 0xff

/** Longest payload a decoder accepts: Opus' limit (RFC 6716 s3.2.5). */
#define VG_CODEC_MAX_PAYLOAD_MS 120

/** What the SDP and the RTP layer need to know of a codec. */
struct vg_codec_desc {
	const char *name;      /**< SDP encoding name */
	uint32_t rtp_clock;    /**< RTP timestamp rate in Hz */
	uint32_t audio_rate;   /**< PCM rate of its encoder/decoder, Hz
				 (Opus: the highest; 8/12/16/24 kHz too) */
	uint8_t static_pt;     /**< RFC 3551 payload type or VG_PT_DYNAMIC */
};

/**
 * Description of a codec.
 * G.722's RTP clock is 8000 although it samples at 16 kHz (RFC 3551
 * s4.5.2); Opus' is always 48000 (RFC 7587 s4.1).
 * @return NULL when c is not a codec of enum vg_cfg_codec
 */
const struct vg_codec_desc *vg_codec_info(enum vg_cfg_codec c);

/* ------------------------------------------------------------------ */
/* G.711 (ITU-T G.711), our own tables                                 */
/* ------------------------------------------------------------------ */

/*
 * Encoders take 16-bit linear PCM and use its 14 (mu-law) or 13 (A-law)
 * most significant bits, as G.711 defines them; decoders return the
 * G.711 decision value scaled to 16 bits. Any input value is valid.
 */

/** mu-law encode one sample (PCMU). */
uint8_t vg_g711_ulaw_enc(int16_t x);
/** mu-law decode one code. */
int16_t vg_g711_ulaw_dec(uint8_t c);
/** A-law encode one sample (PCMA). */
uint8_t vg_g711_alaw_enc(int16_t x);
/** A-law decode one code. */
int16_t vg_g711_alaw_dec(uint8_t c);
/** mu-law code to A-law code (the table is decode-then-encode). */
uint8_t vg_g711_ulaw_to_alaw(uint8_t c);
/** A-law code to mu-law code (the table is decode-then-encode). */
uint8_t vg_g711_alaw_to_ulaw(uint8_t c);

/**
 * Encode n samples with law (VG_CODEC_PCMU or VG_CODEC_PCMA).
 * @return 0, -EINVAL for another codec
 */
int vg_g711_encode(enum vg_cfg_codec law, const int16_t *pcm, uint8_t *out,
		size_t n);

/**
 * Decode n codes of law (VG_CODEC_PCMU or VG_CODEC_PCMA).
 * @return 0, -EINVAL for another codec
 */
int vg_g711_decode(enum vg_cfg_codec law, const uint8_t *in, int16_t *pcm,
		size_t n);

/**
 * Map n codes of law 'from' to the other law, byte for byte (no linear
 * step); in and out may be the same buffer.
 * @return 0, -EINVAL when from is not PCMU or PCMA
 */
int vg_g711_transcode(enum vg_cfg_codec from, const uint8_t *in,
		uint8_t *out, size_t n);

/* ------------------------------------------------------------------ */
/* Encoders and decoders of linear PCM                                 */
/* ------------------------------------------------------------------ */

/** Opus audio bandwidth (libopus OPUS_SET_BANDWIDTH). */
enum vg_opus_bw {
	VG_OPUS_BW_AUTO,       /**< libopus chooses */
	VG_OPUS_BW_NARROW,     /**< 4 kHz */
	VG_OPUS_BW_MEDIUM,     /**< 6 kHz */
	VG_OPUS_BW_WIDE,       /**< 8 kHz */
	VG_OPUS_BW_SUPERWIDE,  /**< 12 kHz */
	VG_OPUS_BW_FULL,       /**< 20 kHz */
};

/** Encoder settings; all-zero means the codec's defaults. */
struct vg_codec_enc_params {
	uint32_t rate;         /**< PCM rate in Hz, 0 = audio_rate; only Opus
				 takes another (8/12/16/24/48 kHz) */
	uint32_t bitrate;      /**< Opus: bit/s (500..512000), 0 = default */
	enum vg_opus_bw bandwidth; /**< Opus */
	uint8_t complexity;    /**< Opus: 1..10, 0 = libopus' default */
};

struct vg_codec_enc;
struct vg_codec_dec;

/**
 * Create an encoder. G.729 encodes without VAD/DTX: every 10 ms gives
 * a 10-byte frame. Opus uses OPUS_APPLICATION_VOIP, mono, no DTX/FEC.
 * @param p NULL for the defaults
 * @return 0; -EINVAL (not an audio codec, bad rate or setting), -ENOMEM
 */
int vg_codec_enc_create(enum vg_cfg_codec c,
		const struct vg_codec_enc_params *p, struct vg_codec_enc **out);

/** Free an encoder; NULL is a no-op. */
void vg_codec_enc_free(struct vg_codec_enc *e);

/** PCM rate an encoder takes, Hz. */
uint32_t vg_codec_enc_rate(const struct vg_codec_enc *e);

/**
 * Encode n samples, a whole number of 10 ms at the encoder's rate, at
 * most 60 ms (Opus: 30 ms becomes three 10 ms frames in one packet,
 * RFC 6716 s3.2.5 code 3).
 * @return payload bytes written; -EINVAL (bad n), -ENOSPC (out_max too
 *   small), -EIO (the library failed)
 */
int vg_codec_encode(struct vg_codec_enc *e, const int16_t *pcm,
		unsigned int n, uint8_t *out, size_t out_max);

/**
 * Create a decoder giving PCM at rate Hz (0 = the codec's audio_rate;
 * Opus takes 8/12/16/24/48 kHz, the others only their own rate).
 * @return 0; -EINVAL (not an audio codec, bad rate), -ENOMEM
 */
int vg_codec_dec_create(enum vg_cfg_codec c, uint32_t rate,
		struct vg_codec_dec **out);

/** Free a decoder; NULL is a no-op. */
void vg_codec_dec_free(struct vg_codec_dec *d);

/** PCM rate a decoder gives, Hz. */
uint32_t vg_codec_dec_rate(const struct vg_codec_dec *d);

/**
 * Duration of a payload in RTP clock ticks, without decoding it. G.729:
 * 10-byte frames, optionally one 2-byte Annex B SID frame last (RFC 3551
 * s4.5.6). Any byte string is a valid input.
 * @return ticks (0 for an empty payload); -EBADMSG (a length the codec
 *   does not allow, an invalid Opus TOC, or over VG_CODEC_MAX_PAYLOAD_MS),
 *   -EINVAL (not an audio codec)
 */
int vg_codec_payload_ticks(enum vg_cfg_codec c, const uint8_t *pl,
		size_t len);

/**
 * Decode one RTP payload. A G.729 Annex B SID frame gives 10 ms of
 * comfort noise. Any byte string is a valid input.
 * @param max room in pcm, samples
 * @return samples written; -EBADMSG (see vg_codec_payload_ticks() or a
 *   corrupt Opus packet), -ENOSPC (max too small)
 */
int vg_codec_decode(struct vg_codec_dec *d, const uint8_t *pl, size_t len,
		int16_t *pcm, unsigned int max);

/**
 * Conceal n samples of lost audio (a whole number of 10 ms): G.729's
 * erasure concealment (or comfort noise after a SID), Opus PLC, and for
 * G.711/G.722 the last 10 ms repeated, fading to silence within 60 ms.
 * @return n; -EINVAL (n not whole 10 ms or over VG_CODEC_MAX_PAYLOAD_MS)
 */
int vg_codec_conceal(struct vg_codec_dec *d, int16_t *pcm, unsigned int n);

/**
 * Restart a decoder as for a new stream, without allocating. libbcg729
 * has no reset: a G.729 decoder keeps one fresh spare context, so its
 * first reset is clean and later ones keep the old state (which the
 * decoder leaves within a few frames).
 */
void vg_codec_dec_reset(struct vg_codec_dec *d);

/* ------------------------------------------------------------------ */
/* Transcoding directions                                              */
/* ------------------------------------------------------------------ */

/** Largest RTP packet a direction writes (header + payload). */
#define VG_XCODE_PKT_MAX 1200
/** Room in vg_xcode_dir_push()'s out array that never holds audio back. */
#define VG_XCODE_MAX_OUT 48
/** Longest loss concealed; a longer hole resynchronises. */
#define VG_XCODE_MAX_GAP_MS 200

/** One RTP packet written by a direction. */
struct vg_xcode_pkt {
	uint16_t len;                      /**< bytes in data */
	uint8_t data[VG_XCODE_PKT_MAX];    /**< RTP header (12) + payload */
};

/** What a direction converts; all-zero is not valid (see create). */
struct vg_xcode_params {
	enum vg_cfg_codec in_codec;  /**< received codec */
	uint8_t in_pt;               /**< its payload type */
	uint8_t in_ptime_ms;         /**< 0 = take from packets; used for the
				       length of RFC 3389 comfort noise */
	enum vg_cfg_codec out_codec; /**< sent codec */
	uint8_t out_pt;
	uint8_t out_ptime_ms;        /**< 10, 20, 30, 40 or 60 */
	uint8_t in_dtmf_pt;          /**< telephone-event in, 0 = none */
	uint8_t out_dtmf_pt;         /**< telephone-event out, 0 = none */
	uint8_t in_cn_pt;            /**< RFC 3389 CN in (13), 0 = none */
	uint32_t out_ssrc;           /**< SSRC of what we send */
	uint16_t out_seq_start;      /**< first sequence number we send */
	uint32_t out_ts_start;       /**< first timestamp we send */
	uint32_t opus_bitrate;       /**< Opus out: bit/s, 0 = default */
	enum vg_opus_bw opus_bandwidth; /**< Opus out */
	uint32_t opus_fs;            /**< Opus out: encoder PCM rate (8000,
				       16000, 48000...), 0 = the input side's */
	uint8_t opus_complexity;     /**< Opus out: 1..10, 0 = default */
};

/**
 * Why vg_xcode_dir_push() dropped a packet: X(errno, name, text). The
 * caller counts them by the negative errno it gets (VPP's error.def).
 */
#define VG_XCODE_DROPS(X) \
	X(EPROTO, "malformed", \
		"RTP header malformed: short, not version 2, CSRC list, " \
		"extension or padding past the end") \
	X(ENOMSG, "unknown_pt", "payload type not negotiated here") \
	X(EALREADY, "old", "duplicate, or older than the last packet") \
	X(EAGAIN, "seq_jump", \
		"sequence jump: dropped until a second packet confirms it " \
		"(RFC 3550 A.1 probation)") \
	X(EBADMSG, "bad_payload", \
		"payload the codec rejects (length, corrupt, over 120 ms)") \
	X(ENOTSUP, "no_dtmf_out", \
		"telephone-event received, none negotiated on the output")

/**
 * Name of a drop reason (VG_XCODE_DROPS), for counters and logs.
 * @param rc a negative return of vg_xcode_dir_push()
 * @return a static string; "other" for an errno not in the list
 */
const char *vg_xcode_drop_name(int rc);

/** What a direction did; written by its owner thread only. */
struct vg_xcode_stats {
	uint64_t in_pkts;       /**< packets accepted (audio, CN, events) */
	uint64_t out_pkts;      /**< packets written */
	uint64_t lost_pkts;     /**< input sequence gaps, packets */
	uint64_t concealed_ms;  /**< audio synthesised for losses */
	uint64_t resyncs;       /**< holes over VG_XCODE_MAX_GAP_MS, restarts */
	uint64_t ssrc_changes;
	uint64_t dtx_jumps;     /**< timestamp jumps without loss (silence) */
	uint64_t cn_pkts;       /**< RFC 3389 packets turned into noise */
	uint64_t dtmf_pkts;     /**< RFC 4733 packets passed on */
	uint64_t fifo_drops;    /**< samples dropped: out array too small */
	uint64_t enc_errors;    /**< frames the encoder failed (skipped) */
	uint64_t dec_errors;    /**< payloads the decoder failed (concealed) */
};

struct vg_xcode_dir;

/**
 * Create a direction. Control thread: it allocates codec, resampler and
 * queue state for the direction's whole life. PCMU<->PCMA (any ptimes)
 * maps bytes through a table without a linear step; other pairs decode,
 * resample (speexdsp, when the rates differ) and encode.
 * RFC 4733 events are timed at the audio codecs' RTP clocks on each side.
 * @return 0; -EINVAL (no such codec, bad ptime, Opus setting or payload
 *   type: all < 128, in_pt, in_cn_pt and in_dtmf_pt distinct, out_pt and
 *   out_dtmf_pt distinct), -ENOTSUP (telephone-event as the audio codec),
 *   -ENOMEM
 */
int vg_xcode_dir_create(const struct vg_xcode_params *p,
		struct vg_xcode_dir **out);

/** Free a direction (control thread, once its worker let go); NULL ok. */
void vg_xcode_dir_free(struct vg_xcode_dir *d);

/**
 * Take one received RTP packet (12-byte header, CSRCs, extension and
 * padding honoured) and write the RTP packets it completes.
 *
 * Output packets have consecutive sequence numbers, SSRC out_ssrc, and
 * timestamps advancing by one out_ptime at the output RTP clock; they
 * are written in sending order into out[0..], each whole. The marker is
 * set on the first audio packet after an input marker (talkspurt), a
 * silence jump, a resynchronisation or an SSRC change. Losses up to
 * VG_XCODE_MAX_GAP_MS are concealed so the output timeline has no hole;
 * longer ones, and timestamp jumps without loss (DTX), move the output
 * timestamps on by the same time. An SSRC change restarts the decoder;
 * the output stream goes on. RFC 4733 packets go out at once with our
 * next sequence number, payload type out_dtmf_pt, the timestamp and
 * durations mapped to the output clock and timeline.
 *
 * Owner thread only; no allocation, no system call.
 * @param max_out entries in out; from VG_XCODE_MAX_OUT on nothing is held
 *   back; fewer may leave audio queued (dropped, oldest first, when
 *   the queue fills: stats.fifo_drops)
 * @return packets written (0..max_out), or a negative errno of
 *   VG_XCODE_DROPS: the packet was dropped and nothing was written;
 *   -EINVAL for a NULL d, or a NULL out with max_out > 0 (a caller bug)
 */
int vg_xcode_dir_push(struct vg_xcode_dir *d, const uint8_t *rtp,
		size_t len, struct vg_xcode_pkt *out, unsigned int max_out);

/**
 * Send the audio still queued (less than one output packet), padded
 * with silence: for the end of a talkspurt when the peer re-packetises
 * to a longer ptime. Owner thread only.
 * @return packets written (0 or 1)
 */
int vg_xcode_dir_flush(struct vg_xcode_dir *d, struct vg_xcode_pkt *out,
		unsigned int max_out);

/** Copy a direction's counters. Owner thread only (they are not atomic). */
void vg_xcode_dir_stats(const struct vg_xcode_dir *d,
		struct vg_xcode_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* VG_CODEC_H */

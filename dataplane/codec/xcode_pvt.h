/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Private to dataplane/codec: a transcoding direction's state. Created
 * by vg_xcode_dir_create() (xcode.c), driven by vg_xcode_dir_push()
 * (xcode_push.c) on one worker thread.
 *
 * The audio path of one packet:
 *   parse -> classify (audio, CN, event) -> sequence check -> timeline
 *   (conceal a loss, or jump over silence) -> decode -> resample ->
 *   queue -> cut out_ptime packets -> encode -> RTP header.
 * In map mode (G.711 to G.711) the queue holds G.711 bytes of the output
 * law and "decode..encode" is one table lookup per byte.
 */
#ifndef VG_XCODE_PVT_H
#define VG_XCODE_PVT_H

#include <stdbool.h>
#include <stdint.h>

#include <speex/speex_resampler.h>

#include "codec_pvt.h"

/** speexdsp quality 3, its "VoIP" preset: ~60 dB stop band, cheap. */
#define VG_XCODE_RESAMPLE_QUALITY SPEEX_RESAMPLER_QUALITY_VOIP
/** RFC 3550 A.1: forward jumps up to this are loss, beyond a restart. */
#define VG_XCODE_MAX_DROPOUT 3000
/** RFC 3550 A.1: backward jumps up to this are late packets. */
#define VG_XCODE_MAX_MISORDER 100
/** Silence (timestamp jumps) longer than this is not carried over. */
#define VG_XCODE_MAX_JUMP_S 60
/** G.711 bytes kept for concealment in map mode: 10 ms. */
#define VG_XCODE_MAP_HIST 80

/** A transcoding direction; see vg_codec.h for the contract. */
struct vg_xcode_dir {
	/* RO after create --------------------------------------------- */
	struct vg_xcode_params p;
	uint32_t in_clock;        /**< input RTP clock, Hz */
	uint32_t out_clock;       /**< output RTP clock, Hz */
	uint32_t in_rate;         /**< decoder PCM rate, Hz */
	uint32_t out_rate;        /**< encoder PCM rate, Hz */
	uint32_t frame;           /**< queue units per output packet */
	uint32_t frame_ticks;     /**< output RTP ticks per output packet */
	uint32_t unit;            /**< bytes per queue unit: 1 map, 2 PCM */
	uint32_t fifo_cap;        /**< queue size, units */
	uint32_t pcm_cap;         /**< pcm size, samples (120 ms at in_rate) */
	uint32_t max_gap_ticks;   /**< VG_XCODE_MAX_GAP_MS at in_clock */
	const uint8_t *map;       /**< map mode: in code -> out code; or NULL */
	uint8_t silence;          /**< map mode: the output law's zero */
	struct vg_codec_dec *dec;
	struct vg_codec_enc *enc;
	SpeexResamplerState *rs;  /**< NULL when in_rate == out_rate */
	int16_t *pcm;             /**< decoder output waiting to be resampled */
	uint8_t *fifo;            /**< queued output audio, oldest first */

	/* owner: the worker ------------------------------------------- */
	uint32_t fifo_n;          /**< units queued */
	struct {
		bool started;     /**< a packet was accepted */
		bool probing;     /**< a large jump waits for confirmation */
		uint16_t next_seq;
		uint16_t probe_seq;   /**< seq that confirms the jump */
		uint32_t next_ts;     /**< timestamp the next audio must have */
		uint32_t ssrc;
		uint32_t last_ticks;  /**< duration of the last audio packet */
	} in;
	struct {
		uint32_t ts;          /**< timestamp of the first unit queued */
		uint32_t pad_ticks;   /**< silence we added, taken off the next
					 jump so the timeline does not drift */
		uint16_t seq;         /**< next sequence number */
		bool marker;          /**< set it on the next audio packet */
	} out;
	struct {
		bool valid;           /**< in_ts/out_ts: the event's mapping */
		uint32_t in_ts;
		uint32_t out_ts;
	} ev;                         /**< RFC 4733 event being passed on */
	bool have_map_hist;
	uint8_t map_hist[VG_XCODE_MAP_HIST]; /**< map mode: last 10 ms in */
	struct vg_cn cn;
	struct vg_xcode_stats st;
};

#endif /* VG_XCODE_PVT_H */

// SPDX-License-Identifier: BSD-3-Clause
/**
 * @file Speech for the media component tests, and how close a codec's
 * output is to it: a sentence spoken by espeak-ng, resampled by sox to
 * 16-bit mono PCM at the rates the codecs take; the decoded output
 * aligned on the original by a cross-correlation lag search, then
 * measured (correlation, segmental SNR).
 */
#ifndef VG_SPEECH_H
#define VG_SPEECH_H

#include <cstdint>
#include <string>
#include <vector>

namespace vgt {

using Pcm = std::vector<int16_t>;

/** Is a program on PATH? */
bool have_program(const char *name);

/**
 * Speak text into dir/speech.wav with espeak-ng, then give it as PCM at
 * each rate of rates (sox: mono, 16 bit, normalised to -3 dBFS, padded
 * with silence to whole 20 ms frames). Returns "" or what went wrong.
 */
std::string make_speech(const std::string &dir, const std::string &text,
		const std::vector<unsigned int> &rates, std::vector<Pcm> &out);

/** How well a decoded signal matches its original. */
struct Match {
	int lag = 0;            /**< output delay, samples */
	double corr = 0;        /**< Pearson correlation after alignment */
	double seg_snr_db = 0;  /**< mean SNR of the 20 ms speech frames */
	size_t frames = 0;      /**< speech frames that seg_snr_db covers */
};

/**
 * Align out on ref (out[n + lag] ~ ref[n], lag in 0..max_lag samples,
 * the lag of the highest normalised cross-correlation) and measure it.
 * Segmental SNR (ITU-T P.Sup23 style): frames of frame samples whose
 * energy is within 40 dB of the loudest frame's, each frame's SNR
 * clamped to [-10, 35] dB, averaged.
 */
Match compare(const Pcm &ref, const Pcm &out, int max_lag,
		unsigned int frame);

} // namespace vgt

#endif

// SPDX-License-Identifier: BSD-3-Clause
/** @file Speech and signal measures for the media tests; see speech.h. */
#include "speech.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace vgt {

bool
have_program(const char *name)
{
	std::string cmd = std::string("command -v ") + name + " >/dev/null";
	return system(cmd.c_str()) == 0;
}

/* Single quotes around s for sh (the text is ours, but say it right). */
static std::string
quoted(const std::string &s)
{
	std::string q = "'";
	for (char c : s)
		q += c == '\'' ? std::string("'\\''") : std::string(1, c);
	return q + "'";
}

std::string
make_speech(const std::string &dir, const std::string &text,
		const std::vector<unsigned int> &rates, std::vector<Pcm> &out)
{
	std::string wav = dir + "/speech.wav";
	std::string cmd = "espeak-ng -w " + wav + " " + quoted(text) +
		" >/dev/null 2>&1";
	if (system(cmd.c_str()) != 0)
		return "espeak-ng failed: " + cmd;
	out.clear();
	for (unsigned int rate : rates) {
		std::string raw = dir + "/speech" + std::to_string(rate) +
			".raw";
		/* -D: no dither, so a text gives the same samples at every
		 * run (sox dithers with time-seeded noise by default);
		 * gain -n -3: a level where G.711's companding is at its
		 * best; sox resamples (its 'rate' effect, added last) */
		cmd = "sox -D " + wav + " -L -t raw -e signed -b 16 -c 1 -r " +
			std::to_string(rate) + " " + raw +
			" gain -n -3 >/dev/null 2>&1";
		if (system(cmd.c_str()) != 0)
			return "sox failed: " + cmd;
		std::ifstream f(raw, std::ios::binary);
		std::vector<char> bytes((std::istreambuf_iterator<char>(f)),
			std::istreambuf_iterator<char>());
		Pcm pcm(bytes.size() / 2);
		for (size_t i = 0; i < pcm.size(); i++)
			pcm[i] = (int16_t)((uint8_t)bytes[2 * i] |
				(uint8_t)bytes[2 * i + 1] << 8);
		size_t frame = rate / 50;
		if (pcm.size() < frame)
			return "sox gave no audio: " + raw;
		pcm.resize((pcm.size() + frame - 1) / frame * frame, 0);
		out.push_back(std::move(pcm));
	}
	return "";
}

/* Pearson correlation of ref[0..n) and out[lag..lag+n). */
static double
pearson(const Pcm &ref, const Pcm &out, int lag, size_t n)
{
	double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
	for (size_t i = 0; i < n; i++) {
		double x = ref[i], y = out[i + (size_t)lag];
		sx += x;
		sy += y;
		sxx += x * x;
		syy += y * y;
		sxy += x * y;
	}
	double vx = sxx - sx * sx / (double)n, vy = syy - sy * sy / (double)n;
	if (vx <= 0 || vy <= 0)
		return 0;
	return (sxy - sx * sy / (double)n) / std::sqrt(vx * vy);
}

Match
compare(const Pcm &ref, const Pcm &out, int max_lag, unsigned int frame)
{
	Match m;
	if (out.size() <= (size_t)max_lag || ref.empty())
		return m;
	/* the overlap every lag has, so all lags are judged alike */
	size_t n = std::min(ref.size(), out.size() - (size_t)max_lag);
	m.corr = -2;
	for (int lag = 0; lag <= max_lag; lag++) {
		double c = pearson(ref, out, lag, n);
		if (c > m.corr) {
			m.corr = c;
			m.lag = lag;
		}
	}
	/* measured over all that overlaps at the lag found */
	n = std::min(ref.size(), out.size() - (size_t)m.lag);
	m.corr = pearson(ref, out, m.lag, n);

	std::vector<double> sig, err;
	for (size_t f = 0; f + frame <= n; f += frame) {
		double s = 0, e = 0;
		for (size_t i = f; i < f + frame; i++) {
			double x = ref[i], d = x - out[i + (size_t)m.lag];
			s += x * x;
			e += d * d;
		}
		sig.push_back(s);
		err.push_back(e);
	}
	double loudest = sig.empty() ? 0 :
		*std::max_element(sig.begin(), sig.end());
	double sum = 0;
	for (size_t f = 0; f < sig.size(); f++) {
		if (sig[f] == 0 || sig[f] < loudest * 1e-4)
			continue; /* silence: not speech */
		double snr = 10 * std::log10(sig[f] / std::max(err[f], 1.0));
		sum += std::clamp(snr, -10.0, 35.0);
		m.frames++;
	}
	m.seg_snr_db = m.frames != 0 ? sum / (double)m.frames : 0;
	return m;
}

} // namespace vgt

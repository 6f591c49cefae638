/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Helpers of the codec unit tests: test signals, alignment by
 * cross-correlation, SNR, RTP packets in and out of a direction.
 */
#ifndef VG_CODEC_TEST_UTIL_H
#define VG_CODEC_TEST_UTIL_H

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "vg_codec.h"

namespace vgt {

/** A sine of freq Hz at peak amplitude amp. */
inline std::vector<int16_t>
sine(double freq, uint32_t rate, size_t n, double amp = 10000.0)
{
	std::vector<int16_t> v(n);

	for (size_t i = 0; i < n; i++)
		v[i] = (int16_t)std::lround(amp *
				std::sin(2 * M_PI * freq * (double)i / rate));
	return v;
}

/**
 * Speech-like test signal: a harmonic "voice" whose pitch glides
 * 120 -> 240 Hz and back, with formant-ish harmonic weights up to
 * hi_hz, syllable envelope at 4 Hz (never fully silent).
 */
inline std::vector<int16_t>
chirp(uint32_t rate, size_t n, double hi_hz = 3400.0)
{
	std::vector<int16_t> v(n);
	double phase = 0;

	for (size_t i = 0; i < n; i++) {
		double t = (double)i / rate;
		double f0 = 180 + 60 * std::sin(2 * M_PI * 0.5 * t);
		double env = 0.55 + 0.45 * std::sin(2 * M_PI * 4 * t);
		double s = 0;

		phase += 2 * M_PI * f0 / rate;
		for (int h = 1; f0 * h < hi_hz; h++) {
			double fh = f0 * h;
			/* two broad "formants" near 500 and 1500 Hz */
			double f1 = (fh - 500) / 300, f2 = (fh - 1500) / 500;
			double w = std::exp(-f1 * f1) +
				0.6 * std::exp(-f2 * f2) + 0.05;
			s += w * std::sin(h * phase);
		}
		v[i] = (int16_t)std::lround(3000 * env * s);
	}
	return v;
}

/** Pearson correlation of ref[i] and got[i + lag] over ref[from..to). */
inline double
corr_at(const std::vector<int16_t> &ref, const std::vector<int16_t> &got,
		long lag, size_t from, size_t to)
{
	double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
	size_t n = 0;

	for (size_t i = from; i < to; i++) {
		long j = (long)i + lag;

		if (j < 0 || (size_t)j >= got.size())
			continue;
		double a = ref[i], b = got[(size_t)j];
		sa += a;
		sb += b;
		sab += a * b;
		saa += a * a;
		sbb += b * b;
		n++;
	}
	if (n == 0)
		return 0;
	double cov = sab - sa * sb / n;
	double va = saa - sa * sa / n, vb = sbb - sb * sb / n;
	if (va <= 0 || vb <= 0)
		return 0;
	return cov / std::sqrt(va * vb);
}

/** Lag in [0, max_lag] where got best matches ref (codec delay). */
inline long
best_lag(const std::vector<int16_t> &ref, const std::vector<int16_t> &got,
		long max_lag, size_t from, size_t to)
{
	long best = 0;
	double bc = -2;

	for (long lag = 0; lag <= max_lag; lag++) {
		double c = corr_at(ref, got, lag, from, to);

		if (c > bc) {
			bc = c;
			best = lag;
		}
	}
	return best;
}

/** SNR in dB of got[i + lag] against ref[i] over ref[from..to). */
inline double
snr_db(const std::vector<int16_t> &ref, const std::vector<int16_t> &got,
		long lag, size_t from, size_t to)
{
	double sig = 0, err = 0;

	for (size_t i = from; i < to; i++) {
		long j = (long)i + lag;

		if (j < 0 || (size_t)j >= got.size())
			continue;
		double a = ref[i], e = a - got[(size_t)j];
		sig += a * a;
		err += e * e;
	}
	if (err == 0)
		return 200;
	return 10 * std::log10(sig / err);
}

inline double
rms(const int16_t *p, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += (double)p[i] * p[i];
	return n ? std::sqrt(s / n) : 0;
}

/** An RTP packet (12-byte header, no CSRC, no extension). */
inline std::vector<uint8_t>
rtp(uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc,
		const std::vector<uint8_t> &pl, bool marker = false)
{
	std::vector<uint8_t> b(12 + pl.size());

	b[0] = 0x80;
	b[1] = (uint8_t)((marker ? 0x80 : 0) | pt);
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	for (int i = 0; i < 4; i++) {
		b[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
		b[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
	}
	if (!pl.empty())
		std::memcpy(b.data() + 12, pl.data(), pl.size());
	return b;
}

/** A packet a direction wrote, parsed. */
struct Out {
	bool marker;
	uint8_t pt;
	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
	std::vector<uint8_t> pl;
};

inline Out
parse(const vg_xcode_pkt &p)
{
	Out o;

	EXPECT_GE(p.len, 12);
	EXPECT_LE(p.len, VG_XCODE_PKT_MAX);
	EXPECT_EQ(p.data[0], 0x80);
	o.marker = (p.data[1] & 0x80) != 0;
	o.pt = p.data[1] & 0x7f;
	o.seq = (uint16_t)(p.data[2] << 8 | p.data[3]);
	o.ts = (uint32_t)p.data[4] << 24 | (uint32_t)p.data[5] << 16 |
		(uint32_t)p.data[6] << 8 | p.data[7];
	o.ssrc = (uint32_t)p.data[8] << 24 | (uint32_t)p.data[9] << 16 |
		(uint32_t)p.data[10] << 8 | p.data[11];
	o.pl.assign(p.data + 12, p.data + p.len);
	return o;
}

/** Default parameters: in PCMU/0, out PCMA/8, 20 ms both. */
inline vg_xcode_params
params(vg_cfg_codec in, uint8_t in_pt, uint8_t in_ptime, vg_cfg_codec out,
		uint8_t out_pt, uint8_t out_ptime)
{
	vg_xcode_params p;

	std::memset(&p, 0, sizeof(p));
	p.in_codec = in;
	p.in_pt = in_pt;
	p.in_ptime_ms = in_ptime;
	p.out_codec = out;
	p.out_pt = out_pt;
	p.out_ptime_ms = out_ptime;
	p.out_ssrc = 0x5eed5eed;
	p.out_seq_start = 65530;  /* wraps during most tests */
	p.out_ts_start = 0xfffff000u;
	return p;
}

/** A direction under test and everything it sent. */
class Dir {
public:
	explicit Dir(const vg_xcode_params &p) : p_(p), buf_(VG_XCODE_MAX_OUT)
	{
		rc_ = vg_xcode_dir_create(&p, &d_);
	}
	~Dir() { vg_xcode_dir_free(d_); }
	Dir(const Dir &) = delete;
	Dir &operator=(const Dir &) = delete;

	int create_rc() const { return rc_; }
	vg_xcode_dir *get() { return d_; }

	/** Push one packet; keep what came out in sent. */
	int push(const std::vector<uint8_t> &pkt,
			unsigned int max_out = VG_XCODE_MAX_OUT)
	{
		int n = vg_xcode_dir_push(d_, pkt.data(), pkt.size(),
				buf_.data(), max_out);

		last.clear();
		for (int i = 0; i < n; i++) {
			last.push_back(parse(buf_[(size_t)i]));
			sent.push_back(last.back());
		}
		return n;
	}

	int flush()
	{
		int n = vg_xcode_dir_flush(d_, buf_.data(), VG_XCODE_MAX_OUT);

		last.clear();
		for (int i = 0; i < n; i++) {
			last.push_back(parse(buf_[(size_t)i]));
			sent.push_back(last.back());
		}
		return n;
	}

	vg_xcode_stats stats()
	{
		vg_xcode_stats st;

		vg_xcode_dir_stats(d_, &st);
		return st;
	}

	std::vector<Out> sent;
	std::vector<Out> last;

private:
	vg_xcode_params p_;
	vg_xcode_dir *d_ = nullptr;
	int rc_ = 0;
	std::vector<vg_xcode_pkt> buf_;
};

/** Encode PCM to G.711 bytes of law. */
inline std::vector<uint8_t>
g711(vg_cfg_codec law, const int16_t *pcm, size_t n)
{
	std::vector<uint8_t> b(n);

	vg_g711_encode(law, pcm, b.data(), n);
	return b;
}

/** Decode G.711 bytes of law. */
inline std::vector<int16_t>
g711_pcm(vg_cfg_codec law, const std::vector<uint8_t> &b)
{
	std::vector<int16_t> v(b.size());

	vg_g711_decode(law, b.data(), v.data(), b.size());
	return v;
}

/** Check out[] are consecutive in seq and step ts by ticks. */
inline void
expect_continuous(const std::vector<Out> &out, uint32_t ticks)
{
	for (size_t i = 1; i < out.size(); i++) {
		EXPECT_EQ((uint16_t)(out[i - 1].seq + 1), out[i].seq)
			<< "packet " << i;
		EXPECT_EQ(out[i - 1].ts + ticks, out[i].ts) << "packet " << i;
	}
}

/**
 * A sender of one codec: cuts a speech-like signal into ptime packets,
 * encodes them with the library's own encoders, numbers them.
 */
class Talker {
public:
	Talker(vg_cfg_codec c, uint8_t pt, unsigned int ptime_ms,
			uint32_t ssrc = 0x1234abcd, uint16_t seq = 1000,
			uint32_t ts = 5000)
		: seq(seq), ts(ts), ssrc(ssrc), c_(c), pt_(pt)
	{
		const struct vg_codec_desc *dsc = vg_codec_info(c);

		rate_ = dsc->audio_rate;
		n_ = rate_ / 1000 * ptime_ms;
		ticks_ = dsc->rtp_clock / 1000 * ptime_ms;
		sig = chirp(rate_, rate_ * 4,
				rate_ > 16000 ? 7000.0 : rate_ / 2.0 - 600);
		if (c != VG_CODEC_PCMU && c != VG_CODEC_PCMA) {
			EXPECT_EQ(vg_codec_enc_create(c, nullptr, &e_), 0);
		}
	}
	~Talker() { vg_codec_enc_free(e_); }
	Talker(const Talker &) = delete;
	Talker &operator=(const Talker &) = delete;

	/** Payload of the next ptime of signal (advances the signal). */
	std::vector<uint8_t> payload()
	{
		std::vector<int16_t> pcm(n_);
		std::vector<uint8_t> pl(1500);

		for (size_t i = 0; i < n_; i++)
			pcm[i] = sig[(pos_ + i) % sig.size()];
		pos_ += n_;
		if (e_ == nullptr)
			return g711(c_, pcm.data(), n_);
		/* frame-based codecs concatenate: up to 60 ms per call (Opus
		 * packets cannot be joined: keep Opus ptimes <= 60) */
		size_t len = 0, max = rate_ / 1000 * 60;
		for (size_t off = 0; off < n_; off += max) {
			size_t k = n_ - off < max ? n_ - off : max;
			int rc = vg_codec_encode(e_, pcm.data() + off,
					(unsigned int)k, pl.data() + len,
					pl.size() - len);
			EXPECT_GT(rc, 0);
			if (rc <= 0)
				break;
			len += (size_t)rc;
		}
		pl.resize(len);
		return pl;
	}

	/** The next packet. */
	std::vector<uint8_t> next(bool marker = false)
	{
		std::vector<uint8_t> p = rtp(pt_, seq, ts, ssrc, payload(),
				marker);

		seq++;
		ts += ticks_;
		return p;
	}

	/** Lose k packets: the sender goes on, the network drops them. */
	void lose(unsigned int k)
	{
		for (unsigned int i = 0; i < k; i++)
			(void)next();
	}

	/** Stay silent (DTX) for k packet times: timestamps go on. */
	void silence(unsigned int k)
	{
		ts += ticks_ * k;
		pos_ += n_ * k;
	}

	uint32_t ticks() const { return ticks_; }

	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
	std::vector<int16_t> sig;

private:
	vg_cfg_codec c_;
	uint8_t pt_;
	uint32_t rate_;
	size_t n_;
	uint32_t ticks_;
	size_t pos_ = 0;
	vg_codec_enc *e_ = nullptr;
};

/** Decode the payloads of out[] (one codec) back to PCM at rate. */
inline std::vector<int16_t>
decode_all(vg_cfg_codec c, uint32_t rate, const std::vector<Out> &out)
{
	vg_codec_dec *d = nullptr;
	std::vector<int16_t> pcm, buf(rate / 1000 * VG_CODEC_MAX_PAYLOAD_MS);

	EXPECT_EQ(vg_codec_dec_create(c, rate, &d), 0);
	if (d == nullptr)
		return pcm;
	for (const Out &o : out) {
		int n = vg_codec_decode(d, o.pl.data(), o.pl.size(), buf.data(),
				(unsigned int)buf.size());
		EXPECT_GE(n, 0);
		if (n > 0)
			pcm.insert(pcm.end(), buf.begin(), buf.begin() + n);
	}
	vg_codec_dec_free(d);
	return pcm;
}

} // namespace vgt

#endif /* VG_CODEC_TEST_UTIL_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Synthetic audio: repeat-and-fade loss concealment for codecs
 * without their own (G.711, G.722) and RFC 3389 comfort noise.
 */
#include <string.h>

#include "codec_pvt.h"

/* Peak of uniform noise per -dBov level: rms 32767 * 10^(-L/20), and a
 * uniform distribution on [-A, A] has rms A / sqrt(3). */
static uint16_t cn_peak[128];

__attribute__((constructor)) static void
cn_tables_init(void)
{
	/* 10^(-1/20) by repeated product: no libm needed for 128 values */
	const double step = 0.8912509381337456;
	double rms = 32767.0;
	unsigned int i;

	for (i = 0; i < 128; i++) {
		cn_peak[i] = (uint16_t)(rms * 1.7320508075688772 + 0.5);
		rms *= step;
	}
}

void
vg_cn_generate(struct vg_cn *cn, uint8_t level_dbov, int16_t *pcm,
		unsigned int n)
{
	uint32_t s = cn->seed;
	int32_t peak;
	unsigned int i;

	if (level_dbov > 127)
		level_dbov = 127;
	if (level_dbov < VG_CN_LOUDEST_DBOV)
		level_dbov = VG_CN_LOUDEST_DBOV;
	peak = cn_peak[level_dbov];
	for (i = 0; i < n; i++) {
		/* Numerical Recipes LCG; the high half is the better half */
		s = s * 1664525u + 1013904223u;
		pcm[i] = (int16_t)((((int32_t)(s >> 16) - 32768) * peak) >> 15);
	}
	cn->seed = s;
}

void
vg_plc_save(struct vg_plc *plc, const int16_t *pcm, unsigned int n,
		uint32_t rate)
{
	unsigned int h = rate / 100;

	if (n >= h) {
		memcpy(plc->hist, pcm + (n - h), h * sizeof(*pcm));
		plc->hist_n = h;
	} else if (n > 0) {
		/* short packet (2.5/5 ms): slide the window */
		if (plc->hist_n != h) {
			memset(plc->hist, 0, h * sizeof(*pcm));
			plc->hist_n = h;
		}
		memmove(plc->hist, plc->hist + n, (h - n) * sizeof(*pcm));
		memcpy(plc->hist + (h - n), pcm, n * sizeof(*pcm));
	}
	plc->faded = 0;
}

void
vg_plc_fill(struct vg_plc *plc, int16_t *pcm, unsigned int n, uint32_t rate)
{
	uint32_t fade = rate * VG_PLC_FADE_MS / 1000;
	unsigned int i;

	if (plc->hist_n == 0) {
		memset(pcm, 0, n * sizeof(*pcm));
		return;
	}
	for (i = 0; i < n; i++) {
		uint32_t pos = plc->faded + i;
		int32_t gain;

		if (pos >= fade) {
			pcm[i] = 0;
			continue;
		}
		/* linear fade in Q15 */
		gain = (int32_t)(((uint64_t)(fade - pos) << 15) / fade);
		pcm[i] = (int16_t)((plc->hist[pos % plc->hist_n] * gain) >> 15);
	}
	plc->faded = plc->faded + n > fade ? fade : plc->faded + n;
}

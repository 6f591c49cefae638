/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * libFuzzer target for what the B2BUA does with an SDP body off the wire:
 * parse it (vg_sdp_parse(), libre's decoder underneath), summarise it,
 * choose codecs as a call does from an offer and from an answer, answer
 * its a=crypto lines, and encode the offer and the answer we would send.
 * What we encode must parse again with the same formats, and an a=crypto
 * line we format must parse back to the same tag, suite and key.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "sdp_crypto.h"
#include "vg_b2bua.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vg_cfg_media media;

/* Every codec allowed, as a permissive operator would configure it. */
static void
media_init(void)
{
	unsigned i;

	if (media.n_allowed != 0)
		return;
	for (i = 0; i < VG_CODEC_COUNT; i++)
		media.allowed[i] = (enum vg_cfg_codec)i;
	media.n_allowed = VG_CODEC_COUNT;
	media.preferred[0] = VG_CODEC_PCMA;
	media.n_preferred = 1;
	media.ptime_ms = 20;
}

/* Encode what we would send with these formats; it must parse again. */
static void
round_trip(const struct vg_sdp_audio *a, const struct vg_sdp_fmt *fmt,
		int n)
{
	struct vg_sdp_audio back;
	struct vg_sdp_desc d;
	struct mbuf *out = NULL;
	struct sa addr;

	if (n <= 0)
		return;
	sa_set_str(&addr, "192.0.2.10", 0);
	memset(&d, 0, sizeof(d));
	d.addr = &addr;
	d.port = 40000;
	d.profile = a->profile == VG_SDP_PROFILE_OTHER ? VG_SDP_AVP :
		a->profile;
	d.dir = vg_sdp_answer_dir(a->dir);
	if (d.dir == VG_SDP_DIR_KEEP)
		d.dir = VG_SDP_SENDRECV;
	d.ptime = a->ptime;
	d.fmt = fmt;
	d.n_fmt = (unsigned)n;
	if (vg_sdp_encode(&out, &d) != 0)
		abort();
	if (vg_sdp_parse(out, &back) != 0 || back.n_fmt != (unsigned)n ||
			back.remote_port != 40000)
		abort();
	vg_sdp_audio_wipe(&back);
	mem_deref(out);
}

static void
crypto(const struct vg_sdp_audio *a)
{
	const char *v[VG_SDP_CRYPTO_LINES];
	struct vg_sdp_crypto c, back, rx, tx;
	char line[VG_SDP_CRYPTO_VALUE_MAX];
	unsigned i;

	for (i = 0; i < a->n_crypto; i++) {
		v[i] = a->crypto[i];
		if (vg_sdp_crypto_parse(v[i], &c) != 0)
			continue;
		if (vg_sdp_crypto_format(&c, line, sizeof(line)) != 0 ||
				vg_sdp_crypto_parse(line, &back) != 0 ||
				back.tag != c.tag || back.suite != c.suite ||
				memcmp(back.key, c.key, sizeof(c.key)) != 0)
			abort();
	}
	(void)vg_sdp_crypto_choose(v, a->n_crypto, &c);
	if (vg_sdp_crypto_answer(v, a->n_crypto, NULL, &rx, &tx) == 0 &&
			(rx.tag != tx.tag || rx.suite != tx.suite))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_sdp_fmt fmt[VG_SDP_FMT_MAX];
	struct vg_sdp_audio a, b;
	struct vg_sdp_info info;
	struct vg_sdp_leg leg;
	struct mbuf *mb;
	int n;

	media_init();
	mb = mbuf_alloc(size + 1);
	if (mb == NULL)
		return 0;
	(void)mbuf_write_mem(mb, data, size);
	mb->pos = 0;
	if (vg_sdp_parse(mb, &a) == 0) {
		if (a.n_fmt > VG_SDP_FMT_MAX || a.n_crypto > VG_SDP_CRYPTO_LINES)
			abort();
		vg_sdp_audio_info(&a, &media, &info);
		if (strnlen(info.codecs, sizeof(info.codecs)) >=
				sizeof(info.codecs))
			abort();
		/* as an offer: the offer to the other side, our answer */
		n = vg_sdp_offer_formats(&a, &media, -1, fmt, VG_SDP_FMT_MAX);
		round_trip(&a, fmt, n);
		n = vg_sdp_offer_formats(&a, &media, VG_CODEC_OPUS, fmt,
				VG_SDP_FMT_MAX);
		round_trip(&a, fmt, n);
		if (vg_sdp_offer_leg(&a, &media, -1, -1, &leg) == 0) {
			n = vg_sdp_answer_formats(&a, &leg, NULL, fmt,
					VG_SDP_FMT_MAX);
			round_trip(&a, fmt, n);
			/* a relay: itself as the other side's answer */
			b = a;
			n = vg_sdp_answer_formats(&a, &leg, &b, fmt,
					VG_SDP_FMT_MAX);
			round_trip(&a, fmt, n);
			vg_sdp_audio_wipe(&b);
		}
		/* as an answer */
		(void)vg_sdp_answer_leg(&a, &media, &leg);
		crypto(&a);
		vg_sdp_audio_wipe(&a);
	}
	mem_deref(mb);
	return 0;
}

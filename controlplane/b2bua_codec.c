/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file The codec choice of a call: what we offer the called side (the
 * caller's formats, then what the data plane can transcode to), which
 * codec each side's answer or offer settles on, and the formats we answer
 * with. A call whose two legs settle on the same codec is relayed; one
 * whose legs differ is transcoded by the data plane.
 */
#include <errno.h>
#include <string.h>

#include "vg_b2bua.h"

/* RFC 3551 §3: dynamic payload types */
#define PT_DYN_MIN 96
#define PT_DYN_MAX 127

/* The formats we add for a codec the offer lacks (RFC 3551 §6 static
 * payload types; opus has none, RFC 7587 §7: opus/48000/2). */
static const struct {
	int codec;
	int pt; /* -1: dynamic */
	const char *name;
	uint32_t srate;
	uint8_t ch;
} std_fmts[] = {
		{VG_CODEC_PCMU, 0, "PCMU", 8000, 1},
		{VG_CODEC_PCMA, 8, "PCMA", 8000, 1},
		{VG_CODEC_G722, 9, "G722", 8000, 1},
		{VG_CODEC_G729, 18, "G729", 8000, 1},
		{VG_CODEC_OPUS, -1, "opus", 48000, 2},
};

bool
vg_sdp_codec_allowed(const struct vg_cfg_media *media, int codec)
{
	unsigned i;

	for (i = 0; i < media->n_allowed; i++)
		if ((int)media->allowed[i] == codec)
			return true;
	return false;
}

uint32_t
vg_sdp_codec_clock(int codec)
{
	return codec == VG_CODEC_OPUS ? 48000 : 8000;
}

/* An audio codec we can relay or transcode (not telephone-event, CN or
 * unknown) that the configuration allows. */
static bool
is_audio(const struct vg_cfg_media *media, const struct vg_sdp_fmt *f)
{
	return f->codec >= 0 && f->codec < VG_CODEC_COUNT &&
			f->codec != VG_CODEC_TELEPHONE_EVENT &&
			vg_sdp_codec_allowed(media, f->codec);
}

static const struct vg_sdp_fmt *
find_codec(const struct vg_sdp_fmt *fmt, unsigned n, int codec)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (fmt[i].codec == codec)
			return &fmt[i];
	return NULL;
}

/* telephone-event at a clock rate */
static const struct vg_sdp_fmt *
find_te(const struct vg_sdp_fmt *fmt, unsigned n, uint32_t srate)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (fmt[i].codec == VG_CODEC_TELEPHONE_EVENT &&
				fmt[i].srate == srate)
			return &fmt[i];
	return NULL;
}

static bool
pt_used(const struct vg_sdp_fmt *a, unsigned na, const struct vg_sdp_fmt *b,
		unsigned nb, unsigned pt)
{
	unsigned i;

	for (i = 0; i < na; i++)
		if (a[i].pt == pt)
			return true;
	for (i = 0; i < nb; i++)
		if (b[i].pt == pt)
			return true;
	return false;
}

/* A dynamic payload type neither the offer nor our list uses; -1 when
 * they are all taken. */
static int
free_dyn_pt(const struct vg_sdp_audio *offer, const struct vg_sdp_fmt *out,
		unsigned n)
{
	unsigned pt;

	for (pt = PT_DYN_MIN; pt <= PT_DYN_MAX; pt++)
		if (!pt_used(offer->fmt, offer->n_fmt, out, n, pt))
			return (int)pt;
	return -1;
}

/* Our format for a codec the offer lacks. @return 0, -ENOSPC (no
 * dynamic payload type left), -ENOENT (not one we add) */
static int
std_format(int codec, const struct vg_sdp_audio *offer,
		const struct vg_sdp_fmt *out, unsigned n, struct vg_sdp_fmt *f)
{
	size_t i;
	int pt;

	for (i = 0; i < sizeof(std_fmts) / sizeof(std_fmts[0]); i++) {
		if (std_fmts[i].codec != codec)
			continue;
		pt = std_fmts[i].pt >= 0 ? std_fmts[i].pt
					 : free_dyn_pt(offer, out, n);
		if (pt < 0)
			return -ENOSPC;
		memset(f, 0, sizeof(*f));
		f->codec = codec;
		f->pt = (uint8_t)pt;
		f->ch = std_fmts[i].ch;
		f->srate = std_fmts[i].srate;
		strcpy(f->name, std_fmts[i].name);
		return 0;
	}
	return -ENOENT;
}

static int
push(struct vg_sdp_fmt *out, unsigned *n, unsigned max,
		const struct vg_sdp_fmt *f)
{
	if (*n >= max)
		return -ENOSPC;
	out[(*n)++] = *f;
	return 0;
}

/* Add the standard format of codec unless the list has the codec; a
 * payload type the offer uses already (a static one taken by a dynamic
 * format of the offer) makes us leave the codec out. */
static int
add_codec(int codec, const struct vg_sdp_audio *offer, struct vg_sdp_fmt *out,
		unsigned *n, unsigned max)
{
	struct vg_sdp_fmt f;

	if (find_codec(out, *n, codec) != NULL)
		return 0;
	if (std_format(codec, offer, out, *n, &f) != 0 ||
			pt_used(offer->fmt, offer->n_fmt, out, *n, f.pt))
		return 0;
	return push(out, n, max, &f);
}

/*
 * Port 9 (discard) and 0.0.0.0: A's address is unknown until its answer,
 * so no media goes to A before it. vg_sdp_offer_formats() keeps what
 * [media] allows and adds telephone-event at 48 kHz when opus stays.
 */
const char vg_sdp_late_offer[] =
	"v=0\r\n"
	"o=- 0 0 IN IP4 0.0.0.0\r\n"
	"s=-\r\n"
	"c=IN IP4 0.0.0.0\r\n"
	"t=0 0\r\n"
	"m=audio 9 RTP/AVP 0 8 9 18 96 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:9 G722/8000\r\n"
	"a=rtpmap:18 G729/8000\r\n"
	"a=rtpmap:96 opus/48000/2\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-15\r\n";

int
vg_sdp_offer_formats(const struct vg_sdp_audio *offer,
		const struct vg_cfg_media *media, int first,
		struct vg_sdp_fmt *out, unsigned max)
{
	const struct vg_sdp_fmt *te = NULL;
	bool audio = false;
	unsigned n = 0, i;
	int rc;

	if (offer == NULL || media == NULL || out == NULL)
		return -EINVAL;
	for (i = 0; i < offer->n_fmt; i++)
		if (is_audio(media, &offer->fmt[i]))
			audio = true;
	if (!audio)
		return -ENOENT;
	/* the codec in use first (a re-offer), with the offer's format */
	if (first >= 0 && first != VG_CODEC_TELEPHONE_EVENT &&
			vg_sdp_codec_allowed(media, first)) {
		const struct vg_sdp_fmt *f =
				find_codec(offer->fmt, offer->n_fmt, first);

		rc = f != NULL ? push(out, &n, max, f)
			       : add_codec(first, offer, out, &n, max);
		if (rc != 0)
			return rc;
	}
	/* the offer's own formats, its order, its payload types */
	for (i = 0; i < offer->n_fmt; i++) {
		const struct vg_sdp_fmt *f = &offer->fmt[i];
		bool keep = f->codec == VG_SDP_FMT_CN ||
				(f->codec >= 0 && f->codec < VG_CODEC_COUNT &&
						vg_sdp_codec_allowed(media,
								f->codec));

		if (!keep || pt_used(out, n, NULL, 0, f->pt))
			continue;
		if (f->codec == VG_CODEC_TELEPHONE_EVENT && te == NULL)
			te = f;
		rc = push(out, &n, max, f);
		if (rc != 0)
			return rc;
	}
	/* what the data plane can transcode to: preferred, then allowed */
	for (i = 0; i < media->n_preferred; i++) {
		rc = add_codec((int)media->preferred[i], offer, out, &n, max);
		if (rc != 0)
			return rc;
	}
	for (i = 0; i < media->n_allowed; i++) {
		rc = add_codec((int)media->allowed[i], offer, out, &n, max);
		if (rc != 0)
			return rc;
	}
	/* telephone-event at the clock rates of what we added */
	for (i = 0; te != NULL && i < n; i++) {
		struct vg_sdp_fmt ev;
		int pt;

		if (!is_audio(media, &out[i]) ||
				find_te(out, n, out[i].srate) != NULL)
			continue;
		pt = free_dyn_pt(offer, out, n);
		if (pt < 0)
			break;
		ev = *te;
		ev.pt = (uint8_t)pt;
		ev.srate = out[i].srate;
		rc = push(out, &n, max, &ev);
		if (rc != 0)
			return rc;
	}
	return (int)n;
}

/* A packetisation the data plane re-packetises to (issue 5: 10, 20, 30,
 * 40, 60 ms), the largest not above ms (10 below it). */
static uint8_t
ptime_snap(unsigned ms)
{
	static const uint8_t steps[] = {60, 40, 30, 20, 10};
	size_t i;

	for (i = 0; i < sizeof(steps) - 1; i++)
		if (ms >= steps[i])
			return steps[i];
	return 10;
}

static uint8_t
ptime_of(const struct vg_sdp_audio *a, const struct vg_cfg_media *media)
{
	if (a->ptime != 0)
		return ptime_snap(a->ptime);
	return ptime_snap(media->ptime_ms != 0 ? media->ptime_ms : 20);
}

static void
leg_from(const struct vg_sdp_audio *a, const struct vg_cfg_media *media,
		const struct vg_sdp_fmt *f, struct vg_sdp_leg *leg)
{
	const struct vg_sdp_fmt *te, *cn;

	memset(leg, 0, sizeof(*leg));
	leg->codec = f->codec;
	leg->pt = f->pt;
	leg->ptime_ms = ptime_of(a, media);
	te = vg_sdp_codec_allowed(media, VG_CODEC_TELEPHONE_EVENT)
			? find_te(a->fmt, a->n_fmt, f->srate)
			: NULL;
	leg->te_pt = te != NULL ? te->pt : 0;
	cn = find_codec(a->fmt, a->n_fmt, VG_SDP_FMT_CN);
	leg->cn_pt = cn != NULL ? cn->pt : 0;
}

int
vg_sdp_answer_leg(const struct vg_sdp_audio *answer,
		const struct vg_cfg_media *media, struct vg_sdp_leg *leg)
{
	unsigned i;

	if (answer == NULL || media == NULL || leg == NULL)
		return -EINVAL;
	for (i = 0; i < answer->n_fmt; i++) {
		const struct vg_sdp_fmt *f = &answer->fmt[i];

		if (f->codec == VG_CODEC_TELEPHONE_EVENT ||
				f->codec == VG_SDP_FMT_CN)
			continue;
		if (!is_audio(media, f))
			return -ENOENT;
		leg_from(answer, media, f, leg);
		return 0;
	}
	return -ENOENT;
}

/* The offer's first allowed format of codec, or NULL */
static const struct vg_sdp_fmt *
offered(const struct vg_sdp_audio *offer, const struct vg_cfg_media *media,
		int codec)
{
	unsigned i;

	for (i = 0; codec >= 0 && i < offer->n_fmt; i++)
		if (offer->fmt[i].codec == codec &&
				is_audio(media, &offer->fmt[i]))
			return &offer->fmt[i];
	return NULL;
}

int
vg_sdp_offer_leg(const struct vg_sdp_audio *offer,
		const struct vg_cfg_media *media, int keep, int match,
		struct vg_sdp_leg *leg)
{
	const struct vg_sdp_fmt *f;
	unsigned i;

	if (offer == NULL || media == NULL || leg == NULL)
		return -EINVAL;
	f = offered(offer, media, keep);
	if (f == NULL)
		f = offered(offer, media, match);
	for (i = 0; f == NULL && i < media->n_preferred; i++)
		f = offered(offer, media, (int)media->preferred[i]);
	for (i = 0; f == NULL && i < offer->n_fmt; i++)
		if (is_audio(media, &offer->fmt[i]))
			f = &offer->fmt[i];
	if (f == NULL)
		return -ENOENT;
	leg_from(offer, media, f, leg);
	return 0;
}

int
vg_sdp_answer_formats(const struct vg_sdp_audio *offer,
		const struct vg_sdp_leg *leg, const struct vg_sdp_audio *peer,
		struct vg_sdp_fmt *out, unsigned max)
{
	const struct vg_sdp_fmt *f;
	unsigned n = 0, i;
	int rc;

	if (offer == NULL || leg == NULL || out == NULL)
		return -EINVAL;
	f = find_codec(offer->fmt, offer->n_fmt, leg->codec);
	if (f == NULL)
		return -ENOENT;
	rc = push(out, &n, max, f);
	/* a relay: the peer's other codecs that this side offered too */
	for (i = 0; peer != NULL && rc == 0 && i < peer->n_fmt; i++) {
		const struct vg_sdp_fmt *p = &peer->fmt[i];

		if (p->codec < 0 || p->codec >= VG_CODEC_COUNT ||
				p->codec == VG_CODEC_TELEPHONE_EVENT ||
				find_codec(out, n, p->codec) != NULL)
			continue;
		f = find_codec(offer->fmt, offer->n_fmt, p->codec);
		if (f != NULL)
			rc = push(out, &n, max, f);
	}
	for (i = 0; rc == 0 && i < offer->n_fmt; i++) {
		f = &offer->fmt[i];
		if ((leg->te_pt != 0 && f->pt == leg->te_pt &&
				    f->codec == VG_CODEC_TELEPHONE_EVENT) ||
				(leg->cn_pt != 0 && f->pt == leg->cn_pt &&
						f->codec == VG_SDP_FMT_CN))
			rc = push(out, &n, max, f);
	}
	return rc != 0 ? rc : (int)n;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file SDP bodies read into struct vg_sdp_audio and written from struct
 * vg_sdp_desc: libre decodes a received body into a session of its own;
 * what we send is a second session with the appliance's address and port,
 * filled with the formats the B2BUA chose, and encoded (libre negotiates
 * against local formats; it does not rewrite a body in place).
 *
 * a=crypto lines carry keys: we append ours to the encoded body ourselves
 * rather than through libre's attribute lists, so that no copy of a key
 * is left in memory we cannot wipe.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "vg_b2bua.h"

/* RFC 3551 §6 static payload types an SDP may use without a=rtpmap */
static const struct {
	uint8_t pt;
	const char *name;
} static_pts[] = {
		{0, "PCMU"},
		{8, "PCMA"},
		{9, "G722"}, /* its RTP clock is 8000 too (§4.5.2) */
		{VG_SDP_PT_CN, "CN"},
		{18, "G729"},
};

static const char *const profile_names[] = {
		[VG_SDP_AVP] = "RTP/AVP",
		[VG_SDP_AVPF] = "RTP/AVPF",
		[VG_SDP_SAVP] = "RTP/SAVP",
		[VG_SDP_SAVPF] = "RTP/SAVPF",
};

const char *
vg_sdp_profile_name(enum vg_sdp_profile p)
{
	return (unsigned)p < VG_SDP_PROFILE_OTHER ? profile_names[p] : NULL;
}

bool
vg_sdp_profile_secure(enum vg_sdp_profile p)
{
	return p == VG_SDP_SAVP || p == VG_SDP_SAVPF;
}

enum vg_sdp_profile
vg_sdp_profile_with(enum vg_sdp_profile p, bool secure)
{
	bool feedback = p == VG_SDP_AVPF || p == VG_SDP_SAVPF;

	if (p == VG_SDP_PROFILE_OTHER)
		return p;
	if (secure)
		return feedback ? VG_SDP_SAVPF : VG_SDP_SAVP;
	return feedback ? VG_SDP_AVPF : VG_SDP_AVP;
}

static enum vg_sdp_profile
profile_of(const char *proto)
{
	unsigned i;

	for (i = 0; proto != NULL && i < VG_SDP_PROFILE_OTHER; i++)
		if (str_casecmp(proto, profile_names[i]) == 0)
			return (enum vg_sdp_profile)i;
	return VG_SDP_PROFILE_OTHER;
}

/* What a format is, from its encoding name and clock rate. */
static int
codec_of(const char *name, uint32_t srate)
{
	int c;

	if (str_casecmp(name, "CN") == 0)
		return srate == 8000 ? VG_SDP_FMT_CN : VG_SDP_FMT_UNKNOWN;
	c = vg_cfg_codec_from_name(name);
	if (c < 0)
		return VG_SDP_FMT_UNKNOWN;
	if (c == VG_CODEC_TELEPHONE_EVENT)
		return srate != 0 ? c : VG_SDP_FMT_UNKNOWN;
	return srate == vg_sdp_codec_clock(c) ? c : VG_SDP_FMT_UNKNOWN;
}

/* libre keeps the remote direction as seen from our side (their
 * sendonly is our recvonly); the other side must hear what they said */
static enum sdp_dir
their_dir(const struct sdp_media *m)
{
	switch (sdp_media_rdir(m)) {
	case SDP_SENDONLY:
		return SDP_RECVONLY;
	case SDP_RECVONLY:
		return SDP_SENDONLY;
	default:
		return sdp_media_rdir(m);
	}
}

static enum vg_sdp_dir
to_vg_dir(enum sdp_dir d)
{
	switch (d) {
	case SDP_SENDONLY:
		return VG_SDP_SENDONLY;
	case SDP_RECVONLY:
		return VG_SDP_RECVONLY;
	case SDP_INACTIVE:
		return VG_SDP_INACTIVE;
	default:
		return VG_SDP_SENDRECV;
	}
}

static enum sdp_dir
to_sdp_dir(enum vg_sdp_dir d)
{
	switch (d) {
	case VG_SDP_SENDONLY:
		return SDP_SENDONLY;
	case VG_SDP_RECVONLY:
		return SDP_RECVONLY;
	case VG_SDP_INACTIVE:
		return SDP_INACTIVE;
	default:
		return SDP_SENDRECV;
	}
}

enum vg_sdp_dir
vg_sdp_answer_dir(enum vg_sdp_dir offered)
{
	switch (offered) {
	case VG_SDP_SENDONLY:
		return VG_SDP_RECVONLY;
	case VG_SDP_RECVONLY:
		return VG_SDP_SENDONLY;
	case VG_SDP_INACTIVE:
		return VG_SDP_INACTIVE;
	default:
		return VG_SDP_DIR_KEEP;
	}
}

/* The first audio m= line libre decoded (remote-only media are on the
 * session's list like local ones). */
static struct sdp_media *
first_audio(const struct sdp_session *sess)
{
	struct le *le;

	for (le = list_head(sdp_session_medial(sess, false)); le; le = le->next)
		if (str_casecmp(sdp_media_name(le->data), "audio") == 0)
			return le->data;
	for (le = list_head(sdp_session_medial(sess, true)); le; le = le->next)
		if (str_casecmp(sdp_media_name(le->data), "audio") == 0)
			return le->data;
	return NULL;
}

/* One remote format into out; false when it is left out. */
static bool
read_format(const struct sdp_format *f, struct vg_sdp_fmt *out)
{
	const char *name = f->name;
	uint32_t srate = f->srate;
	unsigned long pt;
	char *end;
	size_t i;

	if (f->id == NULL || f->id[0] < '0' || f->id[0] > '9')
		return false;
	pt = strtoul(f->id, &end, 10);
	if (*end != '\0' || pt > 127)
		return false;
	if (name == NULL) {
		for (i = 0; i < sizeof(static_pts) / sizeof(static_pts[0]); i++)
			if (static_pts[i].pt == pt) {
				name = static_pts[i].name;
				srate = 8000;
			}
	}
	memset(out, 0, sizeof(*out));
	out->pt = (uint8_t)pt;
	out->ch = f->ch != 0 ? f->ch : 1;
	out->srate = srate;
	if (name == NULL) {
		out->codec = VG_SDP_FMT_UNKNOWN;
		return true;
	}
	if (strlen(name) >= sizeof(out->name) ||
			(f->params != NULL &&
					strlen(f->params) >=
							sizeof(out->params)))
		return false; /* cut, it would say something else */
	strcpy(out->name, name);
	if (f->params != NULL)
		strcpy(out->params, f->params);
	out->codec = codec_of(name, srate);
	return true;
}

static bool
read_crypto(const char *name, const char *value, void *arg)
{
	struct vg_sdp_audio *a = arg;
	size_t n;

	(void)name;
	if (value == NULL)
		return false;
	n = strlen(value);
	if (n < VG_SDP_CRYPTO_LINE_MAX && a->n_crypto < VG_SDP_CRYPTO_LINES)
		memcpy(a->crypto[a->n_crypto++], value, n + 1);
	return false; /* on to the next one */
}

void
vg_sdp_audio_wipe(struct vg_sdp_audio *a)
{
	if (a == NULL)
		return;
	explicit_bzero(a->crypto, sizeof(a->crypto));
	a->n_crypto = 0;
}

int
vg_sdp_parse(const struct mbuf *in, struct vg_sdp_audio *out)
{
	struct sdp_session *rsess = NULL;
	struct sdp_media *rm;
	struct mbuf *copy = NULL;
	const struct sa *raddr;
	const char *ptime;
	struct sa any;
	struct le *le;
	int rc;

	if (in == NULL || out == NULL)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (mbuf_get_left(in) == 0)
		return -EBADMSG;
	/* decode from a copy: libre moves the position of what it reads */
	copy = mbuf_alloc(mbuf_get_left(in));
	if (copy == NULL)
		return -ENOMEM;
	(void)mbuf_write_mem(copy, mbuf_buf(in), mbuf_get_left(in));
	copy->pos = 0;
	sa_init(&any, AF_INET);
	rc = -ENOMEM;
	if (sdp_session_alloc(&rsess, &any) != 0)
		goto out;
	rc = -EBADMSG;
	if (sdp_decode(rsess, copy, true) != 0)
		goto out;
	rm = first_audio(rsess);
	if (rm == NULL)
		goto out;
	raddr = sdp_media_raddr(rm);
	if (sa_af(raddr) == AF_INET)
		out->remote_ip = sa_in(raddr);
	out->remote_port = sa_port(raddr);
	out->dir = to_vg_dir(their_dir(rm));
	out->profile = profile_of(sdp_media_proto(rm));
	ptime = sdp_media_rattr(rm, "ptime");
	if (ptime != NULL) {
		unsigned long v = strtoul(ptime, NULL, 10);

		out->ptime = v <= UINT16_MAX ? (uint16_t)v : 0;
	}
	for (le = list_head(sdp_media_format_lst(rm, false));
			le && out->n_fmt < VG_SDP_FMT_MAX; le = le->next)
		if (read_format(le->data, &out->fmt[out->n_fmt]))
			out->n_fmt++;
	(void)sdp_media_rattr_apply(rm, "crypto", read_crypto, out);
	rc = 0;
out:
	mem_deref(rsess);
	if (copy != NULL) /* it held the a=crypto keys too */
		explicit_bzero(copy->buf, copy->size);
	mem_deref(copy);
	return rc;
}

void
vg_sdp_audio_info(const struct vg_sdp_audio *a,
		const struct vg_cfg_media *media, struct vg_sdp_info *info)
{
	size_t off = 0;
	unsigned i;

	memset(info, 0, sizeof(*info));
	info->remote_ip = a->remote_ip;
	info->remote_port = a->remote_port;
	info->dir = a->dir;
	for (i = 0; i < a->n_fmt; i++) {
		const struct vg_sdp_fmt *f = &a->fmt[i];
		size_t n = strlen(f->name);

		if (f->codec < 0 || f->codec >= VG_CODEC_COUNT ||
				!vg_sdp_codec_allowed(media, f->codec))
			continue;
		if (off + n + 2 < sizeof(info->codecs)) {
			if (off != 0)
				info->codecs[off++] = ',';
			memcpy(info->codecs + off, f->name, n + 1);
			off += n;
		}
		info->n_codecs++;
	}
}

/* Our a=crypto lines after what libre encoded (see the top of the file).
 * The room is made first, so that no copy is left behind a realloc. */
static int
append_crypto(struct mbuf *mb, const struct vg_sdp_desc *d)
{
	size_t need = 0;
	unsigned i;
	int err;

	for (i = 0; i < d->n_crypto; i++)
		need += strlen("a=crypto:\r\n") + strlen(d->crypto[i]);
	if (need == 0)
		return 0;
	if (mb->size < mb->end + need + 1) {
		err = mbuf_resize(mb, mb->end + need + 1);
		if (err != 0)
			return -err;
	}
	mb->pos = mb->end;
	for (i = 0; i < d->n_crypto; i++) {
		err = mbuf_printf(mb, "a=crypto:%s\r\n", d->crypto[i]);
		if (err != 0)
			return -err;
	}
	return 0;
}

int
vg_sdp_encode(struct mbuf **out, const struct vg_sdp_desc *d)
{
	struct sdp_session *lsess = NULL;
	struct sdp_media *lm = NULL;
	struct mbuf *mb = NULL;
	unsigned i;
	int rc;

	if (out == NULL || d == NULL || d->addr == NULL || d->n_fmt == 0 ||
			vg_sdp_profile_name(d->profile) == NULL ||
			d->dir == VG_SDP_DIR_KEEP ||
			(d->n_crypto != 0 && d->crypto == NULL))
		return -EINVAL;
	rc = -ENOMEM;
	if (sdp_session_alloc(&lsess, d->addr) != 0 ||
			sdp_media_add(&lm, lsess, "audio", d->port,
					vg_sdp_profile_name(d->profile)) != 0)
		goto out;
	for (i = 0; i < d->n_fmt; i++) {
		const struct vg_sdp_fmt *f = &d->fmt[i];
		char id[4];

		(void)re_snprintf(id, sizeof(id), "%u", f->pt);
		if (sdp_format_add(NULL, lm, false, id, f->name, f->srate,
				    f->ch != 0 ? f->ch : 1, NULL, NULL, NULL,
				    false, f->params[0] != '\0' ? "%s" : NULL,
				    f->params) != 0)
			goto out;
	}
	sdp_media_set_ldir(lm, to_sdp_dir(d->dir));
	if (d->ptime != 0 &&
			sdp_media_set_lattr(
					lm, true, "ptime", "%u", d->ptime) != 0)
		goto out;
	if (sdp_encode(&mb, lsess, true) != 0)
		goto out;
	rc = append_crypto(mb, d);
	if (rc != 0)
		goto out;
	mb->pos = 0;
	*out = mb;
	mb = NULL;
out:
	if (mb != NULL)
		explicit_bzero(mb->buf, mb->size);
	mem_deref(mb);
	mem_deref(lsess);
	return rc;
}

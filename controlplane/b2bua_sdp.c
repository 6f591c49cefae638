/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file SDP of one side rebuilt for the other side: libre decodes the
 * received SDP into a session of its own, a second session with the
 * appliance's address and port is filled with the allowed formats and
 * encoded (libre negotiates against local formats; it does not rewrite a
 * body in place).
 */
#include <errno.h>
#include <string.h>

#include <re.h>

#include "vg_b2bua.h"

/* RFC 3551 §6 static payload types an SDP may use without a=rtpmap */
static const char *
static_name(const struct sdp_format *f, uint32_t *srate)
{
	static const struct {
		const char *id, *name;
	} pt[] = {{"0", "PCMU"}, {"8", "PCMA"}, {"9", "G722"}, {"18", "G729"}};
	size_t i;

	if (f->name != NULL) {
		*srate = f->srate;
		return f->name;
	}
	for (i = 0; i < sizeof(pt) / sizeof(pt[0]); i++)
		if (f->id != NULL && strcmp(f->id, pt[i].id) == 0) {
			*srate = 8000; /* G722's RTP clock too (§4.5.2) */
			return pt[i].name;
		}
	return NULL;
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

static bool
codec_allowed(const struct vg_cfg_media *media, const char *name)
{
	unsigned i;

	if (name == NULL)
		return false;
	for (i = 0; i < media->n_allowed; i++)
		if (str_casecmp(name, vg_cfg_codec_name(media->allowed[i])) ==
				0)
			return true;
	return false;
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

static int
add_formats(struct sdp_media *out, const struct sdp_media *in,
		const struct vg_cfg_media *media, struct vg_sdp_info *info)
{
	struct le *le;
	size_t off = 0;
	int err;

	for (le = list_head(sdp_media_format_lst(in, false)); le;
			le = le->next) {
		const struct sdp_format *f = le->data;
		uint32_t srate = 0;
		const char *name = static_name(f, &srate);

		if (!codec_allowed(media, name))
			continue;
		err = sdp_format_add(NULL, out, false, f->id, name, srate,
				f->ch != 0 ? f->ch : 1, NULL, NULL, NULL, false,
				f->params != NULL ? "%s" : NULL, f->params);
		if (err != 0)
			return -err;
		if (info == NULL)
			continue;
		if (off + strlen(name) + 2 < sizeof(info->codecs)) {
			off += (size_t)re_snprintf(info->codecs + off,
					sizeof(info->codecs) - off, "%s%s",
					off != 0 ? "," : "", name);
		}
		info->n_codecs++;
	}
	return 0;
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

int
vg_sdp_rewrite(struct mbuf **out, const struct mbuf *in,
		const struct sa *media_addr, uint16_t rtp_port,
		const struct vg_cfg_media *media, struct vg_sdp_info *info)
{
	return vg_sdp_rewrite_dir(out, in, media_addr, rtp_port, media,
			VG_SDP_DIR_KEEP, info);
}

int
vg_sdp_rewrite_dir(struct mbuf **out, const struct mbuf *in,
		const struct sa *media_addr, uint16_t rtp_port,
		const struct vg_cfg_media *media, enum vg_sdp_dir dir,
		struct vg_sdp_info *info)
{
	struct sdp_session *rsess = NULL, *lsess = NULL;
	struct sdp_media *rm, *lm = NULL;
	struct mbuf *copy = NULL;
	const struct sa *raddr;
	const char *ptime;
	struct vg_sdp_info tmp;
	int err, rc;

	if (out == NULL || in == NULL || media_addr == NULL || media == NULL)
		return -EINVAL;
	if (info == NULL)
		info = &tmp;
	memset(info, 0, sizeof(*info));
	if (mbuf_get_left(in) == 0)
		return -EBADMSG;
	/* decode from a copy: libre moves the position of what it reads */
	copy = mbuf_alloc(mbuf_get_left(in));
	if (copy == NULL)
		return -ENOMEM;
	(void)mbuf_write_mem(copy, mbuf_buf(in), mbuf_get_left(in));
	copy->pos = 0;

	rc = -ENOMEM;
	if (sdp_session_alloc(&rsess, media_addr) != 0 ||
			sdp_session_alloc(&lsess, media_addr) != 0)
		goto out;
	rc = -EBADMSG;
	if (sdp_decode(rsess, copy, true) != 0)
		goto out;
	rm = first_audio(rsess);
	if (rm == NULL)
		goto out;
	raddr = sdp_media_raddr(rm);
	if (sa_af(raddr) == AF_INET)
		info->remote_ip = sa_in(raddr);
	info->remote_port = sa_port(raddr);

	rc = -ENOMEM;
	if (sdp_media_add(&lm, lsess, "audio", rtp_port,
			    sdp_media_proto(rm) != NULL ? sdp_media_proto(rm)
							: "RTP/AVP") != 0)
		goto out;
	err = add_formats(lm, rm, media, info);
	if (err != 0) {
		rc = err;
		goto out;
	}
	if (info->n_codecs == 0) {
		rc = -ENOENT;
		goto out;
	}
	info->dir = to_vg_dir(their_dir(rm));
	sdp_media_set_ldir(lm, dir == VG_SDP_DIR_KEEP ? their_dir(rm)
						      : to_sdp_dir(dir));
	ptime = sdp_media_rattr(rm, "ptime");
	if (ptime != NULL &&
			sdp_media_set_lattr(lm, true, "ptime", "%s", ptime) !=
					0)
		goto out;
	/* A port of 0 (a rejected or disabled stream) stays 0 */
	if (info->remote_port == 0)
		sdp_media_set_lport(lm, 0);
	if (sdp_encode(out, lsess, true) != 0)
		goto out;
	rc = 0;
out:
	mem_deref(rsess);
	mem_deref(lsess);
	mem_deref(copy);
	return rc;
}

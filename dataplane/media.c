/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Media processing state per direction (see media_pvt.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_random.h>

#include "media_pvt.h"
#include "vg_codec.h"
#include "vg_config.h"
#include "vg_srtp.h"

static bool
codec_ok(uint8_t codec)
{
	/* enum vg_cfg_codec + 1; telephone-event is not an audio codec */
	return codec == 0 || (codec <= VG_CODEC_COUNT &&
		codec - 1 != VG_CODEC_TELEPHONE_EVENT);
}

int
vg_media_check(const struct vg_dpapi_leg legs[2])
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		const struct vg_dpapi_leg *l = &legs[i];

		if (!codec_ok(l->codec) || l->pt > 127 || l->dtmf_pt > 127 ||
				l->cn_pt > 127)
			return -EINVAL;
		if (l->srtp_suite != VG_SRTP_NONE &&
				l->srtp_suite != VG_SRTP_AES_CM_128_HMAC_SHA1_80 &&
				l->srtp_suite != VG_SRTP_AES_CM_128_HMAC_SHA1_32)
			return -ENOTSUP;
		if (l->ptime_ms != 0 && l->ptime_ms != 10 &&
				l->ptime_ms != 20 && l->ptime_ms != 30 &&
				l->ptime_ms != 40 && l->ptime_ms != 60)
			return -EINVAL;
	}
	return 0;
}

static int
xcode_create(const struct vg_dpapi_leg *in, const struct vg_dpapi_leg *out,
		struct vg_xcode_dir **xc)
{
	struct vg_xcode_params p;

	memset(&p, 0, sizeof(p));
	p.in_codec = (enum vg_cfg_codec)(in->codec - 1);
	p.in_pt = in->pt;
	p.in_ptime_ms = in->ptime_ms;
	p.out_codec = (enum vg_cfg_codec)(out->codec - 1);
	p.out_pt = out->pt;
	p.out_ptime_ms = out->ptime_ms != 0 ? out->ptime_ms : 20;
	/* events pass only when both sides negotiated them */
	if (in->dtmf_pt != 0 && out->dtmf_pt != 0) {
		p.in_dtmf_pt = in->dtmf_pt;
		p.out_dtmf_pt = out->dtmf_pt;
	}
	p.in_cn_pt = in->cn_pt;
	p.out_ssrc = out->out_ssrc != 0 ? out->out_ssrc :
		(uint32_t)rte_rand();
	p.out_seq_start = (uint16_t)rte_rand();
	p.out_ts_start = (uint32_t)rte_rand();
	return vg_xcode_dir_create(&p, xc);
}

int
vg_media_dir_create(const struct vg_dpapi_leg legs[2],
		const struct vg_dpapi_srtp_keys *keys, unsigned int i,
		struct vg_media_dir **out)
{
	const struct vg_dpapi_leg *in = &legs[i], *peer = &legs[i ^ 1];
	struct vg_media_dir *md;
	int rc;

	*out = NULL;
	if (!vg_media_transcodes(legs) && in->srtp_suite == 0 &&
			peer->srtp_suite == 0)
		return 0;
	if ((in->srtp_suite != 0 || peer->srtp_suite != 0) && keys == NULL)
		return -EINVAL;
	/* once; voxgate-dp does it at start-up, where it may take long */
	if (in->srtp_suite != 0 || peer->srtp_suite != 0) {
		rc = vg_srtp_global_init();
		if (rc != 0)
			return rc;
	}
	md = calloc(1, sizeof(*md));
	if (md == NULL)
		return -ENOMEM;
	md->in_dtmf_pt = in->dtmf_pt;
	rc = 0;
	if (in->srtp_suite != 0) {
		memcpy(md->rx_key, keys[i].rx, sizeof(md->rx_key));
		rc = vg_srtp_ctx_create((enum vg_srtp_suite)in->srtp_suite,
				keys[i].rx, true, &md->rx_srtp);
	}
	if (rc == 0 && peer->srtp_suite != 0) {
		memcpy(md->tx_key, keys[i ^ 1].tx, sizeof(md->tx_key));
		rc = vg_srtp_ctx_create((enum vg_srtp_suite)peer->srtp_suite,
				keys[i ^ 1].tx, false, &md->tx_srtp);
	}
	if (rc == 0 && vg_media_transcodes(legs))
		rc = xcode_create(in, peer, &md->xc);
	if (rc != 0) {
		vg_media_dir_free(md);
		return rc;
	}
	*out = md;
	return 0;
}

void
vg_media_dir_free(struct vg_media_dir *md)
{
	if (md == NULL)
		return;
	vg_srtp_ctx_free(md->rx_srtp);
	vg_srtp_ctx_free(md->tx_srtp);
	vg_xcode_dir_free(md->xc);
	/* key material does not outlive the call in freed memory */
	explicit_bzero(md, sizeof(*md));
	free(md);
}

static bool
leg_media_same(const struct vg_dpapi_leg *a, const struct vg_dpapi_leg *b)
{
	return a->codec == b->codec && a->pt == b->pt &&
		a->ptime_ms == b->ptime_ms && a->dtmf_pt == b->dtmf_pt &&
		a->cn_pt == b->cn_pt && a->srtp_suite == b->srtp_suite;
}

bool
vg_media_same(const struct vg_media_dir *md,
		const struct vg_dpapi_leg old_legs[2],
		const struct vg_dpapi_leg new_legs[2],
		const struct vg_dpapi_srtp_keys *new_keys, unsigned int i)
{
	unsigned int p = i ^ 1;

	if (!leg_media_same(&old_legs[0], &new_legs[0]) ||
			!leg_media_same(&old_legs[1], &new_legs[1]))
		return false;
	if (md == NULL)
		return true; /* none before, none needed now */
	/* the keys this direction uses: the leg's rx, the peer's tx */
	if (new_legs[i].srtp_suite != 0 && (new_keys == NULL ||
			memcmp(md->rx_key, new_keys[i].rx,
				sizeof(md->rx_key)) != 0))
		return false;
	if (new_legs[p].srtp_suite != 0 && (new_keys == NULL ||
			memcmp(md->tx_key, new_keys[p].tx,
				sizeof(md->tx_key)) != 0))
		return false;
	return true;
}

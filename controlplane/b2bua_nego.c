/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Offer and answer across a call. A's offer becomes our offer to B
 * (A's codecs, then what the data plane can transcode to; SRTP toward B
 * as the trunk says, or as A offered for a user); B's answer settles the
 * codec of both legs (the same: relay; different: transcode) and our
 * answer to A. SRTP is terminated on each side with keys of its own
 * (RFC 4568 SDES): we answer an SRTP offer with a fresh key of ours under
 * the tag we took, and key our SRTP offers freshly per line. A late
 * offer (A's INVITE without SDP) is taken as an offer of every codec we
 * know; B's answer then makes our 200 to A an offer, and A's answer in
 * the ACK sets A's leg as an answer to a re-INVITE of ours would.
 *
 * Failures: an offer we cannot take (no codec, no crypto suite we key, a
 * profile we do not speak) is answered 488. An answer of B in the wrong
 * profile (plain to our RTP/SAVP offer, or the reverse; RFC 3264 §6
 * makes the answerer keep the offer's transport) or with an a=crypto we
 * did not offer fails the call: 488 to A, BYE (or CANCEL) to B.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "b2bua_pvt.h"

/* The a=crypto values of one stream, as pointers for choose(). */
static void
crypto_values(const struct vg_sdp_audio *a, const char *v[VG_SDP_CRYPTO_LINES])
{
	unsigned i;

	for (i = 0; i < a->n_crypto; i++)
		v[i] = a->crypto[i];
}

static const struct vg_cfg_media *
media_cfg(const struct vg_call *call)
{
	return &call->b2b->cfg->media;
}

/* The profile of an offer or answer of side s. */
static int
check_profile(const struct vg_call *call, unsigned s,
		const struct vg_sdp_audio *a)
{
	if (a->profile == VG_SDP_PROFILE_OTHER) {
		vg_sip_log(VG_LOG_INFO,
				"call %llu: %s speaks a profile we"
				" do not (only RTP/AVP(F), RTP/SAVP(F))",
				(unsigned long long)call->id,
				s == 0 ? "A" : "B");
		return -EPROTO;
	}
	if (vg_sdp_profile_secure(a->profile) != call->side[s].srtp) {
		vg_sip_log(VG_LOG_NOTICE, "call %llu: %s speaks %s, not %s",
				(unsigned long long)call->id,
				s == 0 ? "A" : "B",
				vg_sdp_profile_name(a->profile),
				vg_sdp_profile_name(call->side[s].profile));
		return -EPROTO;
	}
	return 0;
}

/* The a=crypto line of an answer of side's (one we offered): rx its key,
 * tx our line of that tag. */
static int
take_crypto_answer(const struct vg_call_side *side,
		const struct vg_sdp_audio *a, struct vg_sdp_crypto *rx,
		struct vg_sdp_crypto *tx)
{
	const char *v[VG_SDP_CRYPTO_LINES];
	int k;

	crypto_values(a, v);
	k = vg_sdp_crypto_answered(
			v, a->n_crypto, side->offered, side->n_offered, rx);
	if (k < 0)
		return -EPROTO;
	*tx = side->offered[k];
	return 0;
}

/* The a=crypto line we answer an offer with (cur: our key in use). */
static int
take_crypto_offer(const struct vg_sdp_audio *a, const struct vg_sdp_crypto *cur,
		struct vg_sdp_crypto *rx, struct vg_sdp_crypto *tx)
{
	const char *v[VG_SDP_CRYPTO_LINES];
	int rc;

	crypto_values(a, v);
	rc = vg_sdp_crypto_answer(v, a->n_crypto, cur, rx, tx);
	return rc == -ENOENT || rc == -EINVAL ? -ENOTSUP : rc;
}

/* Encode an SDP for a side with our crypto lines. */
static int
encode(struct mbuf **out, struct vg_sdp_desc *d,
		const struct vg_sdp_crypto *lines, unsigned n)
{
	char values[VG_SDP_CRYPTO_OFFER_LINES][VG_SDP_CRYPTO_VALUE_MAX];
	const char *v[VG_SDP_CRYPTO_OFFER_LINES];
	unsigned i;
	int rc = 0;

	if (n > VG_SDP_CRYPTO_OFFER_LINES)
		return -EINVAL;
	for (i = 0; i < n && rc == 0; i++) {
		rc = vg_sdp_crypto_format(
				&lines[i], values[i], sizeof(values[i]));
		v[i] = values[i];
	}
	if (rc == 0) {
		d->crypto = v;
		d->n_crypto = n;
		rc = vg_sdp_encode(out, d);
	}
	explicit_bzero(values, sizeof(values));
	return rc;
}

/*
 * Let go of an SDP body we made or kept: it may hold keys. It is wiped
 * when we hold the last reference; a body libre still holds (a re-INVITE
 * it has queued, the offer of a dialog being set up) is its to free.
 */
static void *
sdp_free(struct mbuf *mb)
{
	if (mb != NULL && mem_nrefs(mb) == 1 && mb->buf != NULL)
		explicit_bzero(mb->buf, mb->size);
	return mem_deref(mb);
}

void
vg_call_media_wipe(struct vg_call *call)
{
	explicit_bzero(call->side, sizeof(call->side));
	call->side[0].leg.codec = call->side[1].leg.codec = -1;
	call->offer_a = sdp_free(call->offer_a);
	call->sdp_a = sdp_free(call->sdp_a);
	call->sdp_b = sdp_free(call->sdp_b);
}

bool
vg_call_transcoding(const struct vg_call *call)
{
	return call->side[0].leg.codec >= 0 && call->side[1].leg.codec >= 0 &&
			call->side[0].leg.codec != call->side[1].leg.codec;
}

static struct mbuf *
mbuf_copy(const struct mbuf *in)
{
	struct mbuf *mb = mbuf_alloc(mbuf_get_left(in));

	if (mb == NULL)
		return NULL;
	(void)mbuf_write_mem(mb, mbuf_buf(in), mbuf_get_left(in));
	mb->pos = 0;
	return mb;
}

/* -------------------------------------------------------------------- */
/* The first offer and answer                                            */
/* -------------------------------------------------------------------- */

int
vg_call_offer_b(struct vg_call *call, const struct mbuf *body)
{
	const struct vg_cfg_media *media = media_cfg(call);
	struct vg_call_side *a = &call->side[0], *b = &call->side[1];
	struct vg_sdp_fmt fmt[VG_SDP_FMT_MAX];
	struct vg_sdp_audio *offer;
	struct vg_sdp_desc d;
	int n, rc;

	offer = calloc(1, sizeof(*offer));
	if (offer == NULL)
		return -ENOMEM;
	a->leg.codec = b->leg.codec = -1;
	rc = vg_sdp_parse(body, offer);
	if (rc != 0)
		goto out;
	a->profile = offer->profile;
	a->srtp = vg_sdp_profile_secure(offer->profile);
	rc = check_profile(call, 0, offer);
	if (rc != 0)
		goto out;
	/* an RTP/AVP offer's a=crypto lines mean nothing (RFC 4568 §5) */
	if (a->srtp) {
		rc = take_crypto_offer(offer, NULL, &a->rx, &a->tx);
		if (rc != 0) {
			vg_sip_log(VG_LOG_INFO,
					"call %llu: A's RTP/SAVP offer"
					" has no a=crypto line we key",
					(unsigned long long)call->id);
			goto out;
		}
	}
	if (call->b_mirrors_a)
		b->srtp = a->srtp;
	b->profile = vg_sdp_profile_with(offer->profile, b->srtp);
	n = vg_sdp_offer_formats(offer, media, -1, fmt, VG_SDP_FMT_MAX);
	if (n < 0) {
		rc = n;
		goto out;
	}
	b->n_offered = 0;
	if (b->srtp) {
		/* one line per suite we key, each with its own key */
		rc = vg_sdp_crypto_offer(b->offered, VG_SDP_CRYPTO_OFFER_LINES);
		if (rc < 0)
			goto out;
		b->n_offered = (unsigned)rc;
	}
	memset(&d, 0, sizeof(d));
	d.addr = &call->media_b;
	d.port = offer->remote_port != 0 ? call->port_b : 0;
	d.profile = b->profile;
	d.dir = offer->dir;
	d.ptime = offer->ptime;
	d.fmt = fmt;
	d.n_fmt = (unsigned)n;
	rc = encode(&call->sdp_b, &d, b->offered, b->n_offered);
	if (rc != 0)
		goto out;
	b->sdp_dir = offer->dir;
	b->sdp_ptime = offer->ptime;
	rc = -ENOMEM;
	call->offer_a = mbuf_copy(body);
	if (call->offer_a == NULL)
		goto out;
	vg_sdp_audio_info(offer, media, &call->remote_a);
	rc = 0;
out:
	vg_sdp_audio_wipe(offer);
	free(offer);
	return rc;
}

int
vg_call_offer_b_late(struct vg_call *call)
{
	struct mbuf *mb = mbuf_alloc(strlen(vg_sdp_late_offer) + 1);
	int rc;

	if (mb == NULL)
		return -ENOMEM;
	rc = mbuf_write_str(mb, vg_sdp_late_offer) != 0 ? -ENOMEM : 0;
	mb->pos = 0;
	if (rc == 0)
		rc = vg_call_offer_b(call, mb);
	mem_deref(mb);
	if (rc == 0)
		call->late_offer = true;
	return rc;
}

/* What the data plane holds of a side changed (a new session update). */
static bool
side_changed(const struct vg_call_side *x, const struct vg_call_side *y)
{
	return memcmp(&x->leg, &y->leg, sizeof(x->leg)) != 0 ||
			memcmp(x->rx.key, y->rx.key, sizeof(x->rx.key)) != 0 ||
			memcmp(x->tx.key, y->tx.key, sizeof(x->tx.key)) != 0 ||
			x->rx.suite != y->rx.suite;
}

static bool
same_info(const struct vg_sdp_info *x, const struct vg_sdp_info *y)
{
	return x->remote_ip == y->remote_ip &&
			x->remote_port == y->remote_port && x->dir == y->dir &&
			strcmp(x->codecs, y->codecs) == 0;
}

/* Both or neither: telephone-event is translated between two legs that
 * have it (and CN is relayed only when both have it). */
static void
pair_events(struct vg_sdp_leg *x, struct vg_sdp_leg *y)
{
	if (x->te_pt == 0 || y->te_pt == 0)
		x->te_pt = y->te_pt = 0;
	if (x->codec == y->codec && (x->cn_pt == 0 || y->cn_pt == 0))
		x->cn_pt = y->cn_pt = 0;
}

/*
 * Our SDP to A from A's offer and B's answer into *out: the answer to
 * A's offer or, for a late offer, our offer (B's codec first: a relay
 * when A takes it; then what we transcode to).
 */
static int
sdp_to_a(struct vg_call *call, const struct vg_sdp_audio *offer,
		const struct vg_sdp_audio *ans, struct vg_call_side *na,
		const struct vg_sdp_leg *leg_b, struct mbuf **out)
{
	struct vg_sdp_fmt fmt[VG_SDP_FMT_MAX];
	bool relay = na->leg.codec == leg_b->codec || call->late_offer;
	struct vg_sdp_desc d;
	int n;

	if (call->late_offer)
		n = vg_sdp_offer_formats(offer, media_cfg(call),
				leg_b->codec, fmt, VG_SDP_FMT_MAX);
	else
		n = vg_sdp_answer_formats(offer, &na->leg,
				relay ? ans : NULL, fmt, VG_SDP_FMT_MAX);
	if (n < 0)
		return n;
	memset(&d, 0, sizeof(d));
	d.addr = &call->media_a;
	/* a stream B rejected (port 0) stays rejected */
	d.port = ans->remote_port != 0 ? call->port_a : 0;
	d.profile = na->profile;
	d.dir = ans->dir;
	/* relayed, A hears B's packets: B's packetisation; transcoded, the
	 * data plane sends what A asked for */
	d.ptime = relay ? ans->ptime : offer->ptime;
	d.fmt = fmt;
	d.n_fmt = (unsigned)n;
	na->sdp_dir = d.dir;
	na->sdp_ptime = d.ptime;
	return encode(out, &d, &na->tx, na->srtp ? 1 : 0);
}

int
vg_call_answer_b(struct vg_call *call, const struct mbuf *body, bool final)
{
	const struct vg_cfg_media *media = media_cfg(call);
	struct vg_sdp_audio *ans = NULL, *offer = NULL;
	struct vg_call_side na = call->side[0], nb = call->side[1];
	struct vg_sdp_info info;
	struct mbuf *sdp = NULL;
	bool changed;
	int rc;

	if (call->offer_a == NULL)
		return -EPROTO;
	ans = calloc(1, sizeof(*ans));
	offer = calloc(1, sizeof(*offer));
	rc = -ENOMEM;
	if (ans == NULL || offer == NULL)
		goto out;
	rc = vg_sdp_parse(body, ans);
	if (rc != 0)
		goto out;
	rc = check_profile(call, 1, ans);
	if (rc != 0)
		goto out;
	if (nb.srtp) {
		rc = take_crypto_answer(&nb, ans, &nb.rx, &nb.tx);
		if (rc != 0) {
			vg_sip_log(VG_LOG_NOTICE,
					"call %llu: B's answer has"
					" no a=crypto line we offered",
					(unsigned long long)call->id);
			goto out;
		}
	}
	rc = vg_sdp_answer_leg(ans, media, &nb.leg);
	if (rc != 0)
		goto out;
	rc = vg_sdp_parse(call->offer_a, offer);
	if (rc != 0)
		goto out;
	/* A's codec: B's when A offered it (relay), else A's best */
	rc = vg_sdp_offer_leg(offer, media, -1, nb.leg.codec, &na.leg);
	if (rc != 0)
		goto out;
	pair_events(&na.leg, &nb.leg);
	rc = sdp_to_a(call, offer, ans, &na, &nb.leg, &sdp);
	if (rc != 0)
		goto out;
	vg_sdp_audio_info(ans, media, &info);
	changed = !call->has_sess || side_changed(&na, &call->side[0]) ||
			side_changed(&nb, &call->side[1]) ||
			!same_info(&info, &call->remote_b);
	call->side[0] = na;
	call->side[1] = nb;
	sdp_free(call->sdp_a);
	call->sdp_a = sdp;
	sdp = NULL;
	call->remote_b = info;
	/* the media session: at the first SDP of B, early media included;
	 * a 200 that repeats the 183's SDP changes nothing */
	rc = changed ? vg_call_media_sync(call) : 0;
	if (rc != 0)
		vg_sip_log(VG_LOG_WARNING, "call %llu: media session: %s",
				(unsigned long long)call->id, strerror(-rc));
	else if (final) /* later offers bring their own */
		call->offer_a = sdp_free(call->offer_a);
out:
	explicit_bzero(&na, sizeof(na));
	explicit_bzero(&nb, sizeof(nb));
	if (ans != NULL)
		vg_sdp_audio_wipe(ans);
	if (offer != NULL)
		vg_sdp_audio_wipe(offer);
	free(ans);
	free(offer);
	sdp_free(sdp);
	return rc;
}

/* -------------------------------------------------------------------- */
/* Re-INVITEs                                                            */
/* -------------------------------------------------------------------- */

/* The next line of an SDP body from *pos ("" at the end). */
static struct pl
sdp_line(const struct mbuf *mb, size_t *pos)
{
	struct pl l = PL_INIT;
	size_t i = *pos;

	l.p = (const char *)mb->buf + i;
	while (i < mb->end && mb->buf[i] != '\n')
		i++;
	l.l = i - *pos;
	*pos = i < mb->end ? i + 1 : i;
	return l;
}

/* Two SDP bodies of ours alike but for their o= line (a refresh). */
static bool
sdp_same(const struct mbuf *a, const struct mbuf *b)
{
	size_t pa = 0, pb = 0;

	if (a == NULL || b == NULL)
		return false;
	for (;;) {
		struct pl la = sdp_line(a, &pa), lb = sdp_line(b, &pb);

		if (la.l >= 2 && la.p[0] == 'o' && la.p[1] == '=' &&
				lb.l >= 2 && lb.p[0] == 'o' && lb.p[1] == '=')
			continue;
		if (pl_cmp(&la, &lb) != 0)
			return false;
		if (la.l == 0 && pa >= a->end && pb >= b->end)
			return true;
	}
}

static const char *
dir_name(enum vg_sdp_dir d)
{
	return d == VG_SDP_SENDRECV	       ? "sendrecv"
			: d == VG_SDP_SENDONLY ? "sendonly"
			: d == VG_SDP_RECVONLY ? "recvonly"
					       : "inactive";
}

/* Our answer to side s's re-offer: its codec and keys in *ns, the body in
 * *out. */
static int
reanswer_local(struct vg_call *call, unsigned s,
		const struct vg_sdp_audio *offer, struct vg_call_side *ns,
		struct mbuf **out)
{
	const struct vg_call_side *o = &call->side[1 - s];
	struct vg_sdp_fmt fmt[VG_SDP_FMT_MAX];
	struct vg_sdp_desc d;
	enum vg_sdp_dir dir;
	int n, rc;

	rc = check_profile(call, s, offer);
	if (rc != 0)
		return rc;
	if (ns->srtp) {
		rc = take_crypto_offer(offer, &ns->tx, &ns->rx, &ns->tx);
		if (rc != 0)
			return rc;
	}
	/* keep the codec in use unless the offer drops it */
	rc = vg_sdp_offer_leg(offer, media_cfg(call), ns->leg.codec,
			o->leg.codec, &ns->leg);
	if (rc != 0)
		return rc;
	if (o->leg.te_pt == 0)
		ns->leg.te_pt = 0;
	if (ns->leg.codec == o->leg.codec && o->leg.cn_pt == 0)
		ns->leg.cn_pt = 0;
	n = vg_sdp_answer_formats(offer, &ns->leg, NULL, fmt, VG_SDP_FMT_MAX);
	if (n < 0)
		return n;
	dir = vg_sdp_answer_dir(offer->dir);
	memset(&d, 0, sizeof(d));
	d.addr = s == 0 ? &call->media_a : &call->media_b;
	d.port = offer->remote_port == 0 ? 0
			: s == 0	 ? call->port_a
					 : call->port_b;
	d.profile = ns->profile;
	d.dir = dir == VG_SDP_DIR_KEEP ? ns->sdp_dir : dir;
	d.ptime = ns->leg.codec == o->leg.codec ? ns->sdp_ptime : offer->ptime;
	d.fmt = fmt;
	d.n_fmt = (unsigned)n;
	ns->sdp_dir = d.dir;
	ns->sdp_ptime = d.ptime;
	return encode(out, &d, &ns->tx, ns->srtp ? 1 : 0);
}

/* Our offer to side o from side s's re-offer, its codec in use first. */
static int
reoffer_other(struct vg_call *call, unsigned o,
		const struct vg_sdp_audio *offer, struct mbuf **out)
{
	struct vg_call_side *os = &call->side[o];
	struct vg_sdp_fmt fmt[VG_SDP_FMT_MAX];
	struct vg_sdp_desc d;
	int n;

	n = vg_sdp_offer_formats(offer, media_cfg(call), os->leg.codec, fmt,
			VG_SDP_FMT_MAX);
	if (n < 0)
		return n;
	memset(&d, 0, sizeof(d));
	d.addr = o == 0 ? &call->media_a : &call->media_b;
	d.port = offer->remote_port == 0 ? 0
			: o == 0	 ? call->port_a
					 : call->port_b;
	d.profile = os->profile;
	d.dir = offer->dir;
	d.ptime = offer->ptime;
	d.fmt = fmt;
	d.n_fmt = (unsigned)n;
	/* our key toward o stays: its answer takes this one line */
	return encode(out, &d, &os->tx, os->srtp ? 1 : 0);
}

/*
 * A re-offer from one side (hold, resume, a new address, a new key) is
 * answered at once by the appliance (libre answers a re-INVITE from the
 * offer handler) with its own media toward that side, in the direction
 * the offer asks for; the offer itself goes on to the other side as a
 * re-INVITE of ours (libre queues it when a transaction of that dialog is
 * still open) unless it would tell the other side nothing new (a
 * refresh); the data-plane session follows both.
 */
int
vg_call_reoffer(struct vg_call *call, const struct sip_msg *msg, bool from_a,
		struct mbuf **descp)
{
	unsigned s = from_a ? 0 : 1, o = 1 - s;
	struct mbuf **ours = from_a ? &call->sdp_a : &call->sdp_b;
	struct mbuf **theirs = from_a ? &call->sdp_b : &call->sdp_a;
	struct mbuf *answer = NULL, *to_other = NULL;
	struct vg_call_side ns = call->side[s];
	struct vg_sdp_audio *offer;
	struct vg_sdp_info info;
	bool changed;
	int rc, err;

	if (call->ending || *ours == NULL)
		return EPROTO;
	if (msg->mb == NULL || mbuf_get_left(msg->mb) == 0) {
		/* an offerless re-INVITE: our offer, their answer in the ACK
		 * takes our line */
		call->side[s].offered[0] = call->side[s].tx;
		call->side[s].n_offered = call->side[s].srtp ? 1 : 0;
		(*ours)->pos = 0;
		*descp = mem_ref(*ours);
		return 0;
	}
	offer = calloc(1, sizeof(*offer));
	if (offer == NULL)
		return ENOMEM;
	rc = vg_sdp_parse(msg->mb, offer);
	if (rc == 0)
		rc = reanswer_local(call, s, offer, &ns, &answer);
	if (rc == 0)
		rc = reoffer_other(call, o, offer, &to_other);
	if (rc != 0) {
		vg_sip_log(VG_LOG_INFO,
				"call %llu: re-offer of %s unusable: %s",
				(unsigned long long)call->id,
				from_a ? "A" : "B", strerror(-rc));
		goto out;
	}
	/* a re-INVITE is a session refresh too (RFC 4028) */
	vg_call_timer_start(call, s);
	vg_sdp_audio_info(offer, media_cfg(call), &info);
	changed = side_changed(&ns, &call->side[s]) ||
			!same_info(&info,
					s == 0 ? &call->remote_a
					       : &call->remote_b);
	call->side[s] = ns;
	if (s == 0)
		call->remote_a = info;
	else
		call->remote_b = info;
	sdp_free(*ours);
	*ours = answer;
	answer->pos = 0;
	*descp = mem_ref(answer);
	answer = NULL;
	if (changed) {
		rc = vg_call_media_sync(call);
		if (rc != 0)
			vg_sip_log(VG_LOG_WARNING,
					"call %llu: media update after"
					" re-offer: %s",
					(unsigned long long)call->id,
					strerror(-rc));
	}
	rc = 0;
	if (sdp_same(to_other, *theirs))
		goto out; /* nothing new for the other side (a refresh) */
	sdp_free(*theirs);
	*theirs = to_other;
	to_other = NULL;
	call->side[o].offered[0] = call->side[o].tx;
	call->side[o].n_offered = call->side[o].srtp ? 1 : 0;
	(*theirs)->pos = 0;
	err = sipsess_modify(from_a ? call->b : call->a, *theirs);
	if (err != 0)
		vg_sip_log(VG_LOG_WARNING, "call %llu: re-INVITE to %s: %m",
				(unsigned long long)call->id,
				from_a ? "B" : "A", err);
	vg_sip_log(VG_LOG_INFO, "call %llu: re-offer from %s (%s) relayed",
			(unsigned long long)call->id, from_a ? "A" : "B",
			dir_name(info.dir));
out:
	explicit_bzero(&ns, sizeof(ns));
	vg_sdp_audio_wipe(offer);
	free(offer);
	sdp_free(answer);
	sdp_free(to_other);
	if (rc == -ENOMEM)
		return ENOMEM;
	return rc != 0 ? EPROTO : 0; /* libre: 500 / 488 */
}

/* The answer of one side to a re-INVITE of ours: media follows it. */
int
vg_call_reanswer(struct vg_call *call, const struct sip_msg *msg, bool from_a)
{
	unsigned s = from_a ? 0 : 1;
	struct vg_call_side ns = call->side[s];
	struct vg_sdp_audio *ans;
	struct vg_sdp_info info;
	int rc;

	if (call->ending || msg->mb == NULL || mbuf_get_left(msg->mb) == 0)
		return 0;
	ans = calloc(1, sizeof(*ans));
	if (ans == NULL)
		return 0;
	rc = vg_sdp_parse(msg->mb, ans);
	if (rc == 0)
		rc = check_profile(call, s, ans);
	if (rc == 0 && ns.srtp)
		rc = take_crypto_answer(&ns, ans, &ns.rx, &ns.tx);
	if (rc == 0)
		rc = vg_sdp_answer_leg(ans, media_cfg(call), &ns.leg);
	if (rc != 0) {
		/* the media stays as it was */
		vg_sip_log(VG_LOG_INFO, "call %llu: answer of %s unusable: %s",
				(unsigned long long)call->id,
				from_a ? "A" : "B", strerror(-rc));
		goto out;
	}
	vg_sdp_audio_info(ans, media_cfg(call), &info);
	/* an answer to a refresh changes nothing: keep what the data plane
	 * latched */
	if (!side_changed(&ns, &call->side[s]) &&
			same_info(&info,
					from_a ? &call->remote_a
					       : &call->remote_b))
		goto out;
	call->side[s] = ns;
	if (from_a)
		call->remote_a = info;
	else
		call->remote_b = info;
	rc = vg_call_media_sync(call);
	if (rc != 0)
		vg_sip_log(VG_LOG_WARNING, "call %llu: media update: %s",
				(unsigned long long)call->id, strerror(-rc));
out:
	explicit_bzero(&ns, sizeof(ns));
	vg_sdp_audio_wipe(ans);
	free(ans);
	return 0;
}

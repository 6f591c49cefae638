/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file The media of B2BUA calls in voxgate-dp: which media address each
 * side gets, the data-plane session of a call (created when B's SDP is
 * first known — early media included —, updated on every later SDP,
 * deleted when the call ends, its counters kept for the CDR), the data
 * plane's events (a media timeout ends the call), and the sessions an
 * earlier control plane left behind (their media flows on; their ports
 * stay reserved until the data plane reports them silent).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vg_dpapi.h"
/* sys/queue.h (from DPDK) and libre both define these */
#undef LIST_INIT
#undef LIST_FOREACH
#include "b2bua_pvt.h"

#define VG_SESS_HASH_SIZE 1024 /* libre hash: power of two */

/** A session of an earlier control plane. */
struct vg_orphan {
	struct le le;
	uint32_t sess_id;
	uint16_t port[2]; /**< reserved RTP ports, 0 = none */
};

/* -------------------------------------------------------------------- */
/* Media addresses                                                       */
/* -------------------------------------------------------------------- */

static bool
in_subnet(const struct vg_cfg_cidr *net, const struct sa *sa)
{
	uint32_t mask, a, b;

	if (net->addr.family != AF_INET || sa_af(sa) != AF_INET)
		return false;
	mask = net->prefix == 0 ? 0 : ~0u << (32 - net->prefix);
	a = ntohl(net->addr.u.v4.s_addr);
	b = sa_in(sa);
	return (a & mask) == (b & mask);
}

static bool
is_port_addr(const struct vg_cfg_port *p, const struct sa *sa)
{
	return p->address.addr.family == AF_INET && sa_af(sa) == AF_INET &&
			ntohl(p->address.addr.u.v4.s_addr) == sa_in(sa);
}

/* The port toward a peer (see vg_call_media_addrs()). */
static uint16_t
port_toward(const struct vg_config *cfg, const struct sa *peer,
		const struct sa *local)
{
	uint16_t i;

	for (i = 0; peer != NULL && i < cfg->n_ports; i++)
		if (in_subnet(&cfg->ports[i].address, peer))
			return i;
	for (i = 0; local != NULL && i < cfg->n_ports; i++)
		if (is_port_addr(&cfg->ports[i], local))
			return i;
	return 0;
}

/* Media address index of a port's own address (vg_dpapi_leg.local_addr) */
static uint16_t
port_maddr(const struct vg_config *cfg, uint16_t port)
{
	uint32_t idx = 0;
	uint16_t i;

	for (i = 0; i < port; i++)
		idx += vg_cfg_port_media_addrs(&cfg->ports[i]);
	return (uint16_t)idx;
}

static void
side_addr(const struct vg_config *cfg, const struct sa *peer,
		const struct sa *local, struct sa *out, uint16_t *maddr)
{
	uint16_t p;

	if (cfg->n_ports == 0) {
		/* SIP only: the address the INVITE reached */
		*out = *local;
		sa_set_port(out, 0);
		*maddr = 0;
		return;
	}
	p = port_toward(cfg, peer, local);
	sa_set_in(out, ntohl(cfg->ports[p].address.addr.u.v4.s_addr), 0);
	*maddr = port_maddr(cfg, p);
}

void
vg_call_media_addrs(struct vg_call *call, const struct sip_msg *invite,
		const char *b_uri)
{
	const struct vg_config *cfg = call->b2b->cfg;
	struct sa b_peer;
	struct uri uri;
	struct pl pl;
	bool have_b = false;
	int ep;

	side_addr(cfg, &invite->src, &invite->dst, &call->media_a,
			&call->maddr_a);
	pl_set_str(&pl, b_uri);
	if (uri_decode(&uri, &pl) == 0 &&
			sa_set(&b_peer, &uri.host, uri.port) == 0)
		have_b = true;
	side_addr(cfg, have_b ? &b_peer : NULL, &invite->dst, &call->media_b,
			&call->maddr_b);
	/* B's dialog leaves from the SIP address on B's side when we listen
	 * there (the port's address), else from where A came in */
	ep = vg_sip_ep_by_addr(call->b2b->srv, &call->media_b);
	call->ep_b = ep >= 0 ? (unsigned)ep : call->ep_a;
}

/* -------------------------------------------------------------------- */
/* Sessions                                                              */
/* -------------------------------------------------------------------- */

bool
vg_b2bua_media_ready(const struct vg_b2bua *b2b)
{
	enum vg_dplink_state st = vg_dplink_state(b2b->dp);

	return st == VG_DPLINK_DISABLED || st == VG_DPLINK_UP;
}

/* RTP clock of a leg for jitter: its codec's (RFC 7587: Opus is 48 kHz
 * on RTP); 8000 while unknown */
static uint32_t
clock_of(const struct vg_call_side *side)
{
	return side->leg.codec >= 0 ? vg_sdp_codec_clock(side->leg.codec)
				    : 8000;
}

static bool
held(const struct vg_sdp_info *s)
{
	return s->dir != VG_SDP_SENDRECV || s->remote_ip == 0 ||
			s->remote_port == 0;
}

static void
leg_fill(struct vg_dpapi_leg *leg, const struct vg_sdp_info *remote,
		uint16_t port, uint16_t maddr, const struct vg_cfg_media *m,
		bool on_hold, const struct vg_call_side *side)
{
	memset(leg, 0, sizeof(*leg));
	if (remote->remote_port != 0 && remote->remote_ip != 0) {
		leg->remote_ip = htonl(remote->remote_ip);
		leg->remote_port = remote->remote_port;
	}
	leg->local_port = port;
	leg->local_addr = maddr;
	leg->latching = (uint8_t)m->latching;
	leg->flags = m->rewrite_ssrc ? VG_DPAPI_LEG_F_REWRITE_SSRC : 0;
	/* 0 asks the data plane for [media] timeout_s; "never" on hold is
	 * the longest a leg can say */
	if (on_hold)
		leg->media_timeout_s = m->hold_timeout_s == 0 ||
						m->hold_timeout_s > UINT16_MAX
				? UINT16_MAX
				: (uint16_t)m->hold_timeout_s;
	leg->clock_rate = clock_of(side);
	/* SDES: the suite both lines of a side share (the answer takes the
	 * offer's suite) */
	if (side->srtp)
		leg->srtp_suite = (uint8_t)side->rx.suite;
}

/*
 * The codec fields of both legs. Same codec: a relay (codec 0), with a
 * payload-type map when the sides number the codec, telephone-event or
 * CN differently. Different codecs: the data plane transcodes; each leg
 * says its codec, payload type, ptime, and telephone-event only when
 * both sides have it (it is translated, never transcoded).
 */
static void
codec_fill(struct vg_dpapi_leg legs[2], const struct vg_call *call)
{
	const struct vg_sdp_leg *x = &call->side[0].leg, *y = &call->side[1].leg;
	bool te = x->te_pt != 0 && y->te_pt != 0;
	bool cn = x->cn_pt != 0 && y->cn_pt != 0;
	const uint8_t pairs[3][2] = {
			{x->pt, y->pt},
			{x->te_pt, y->te_pt},
			{x->cn_pt, y->cn_pt},
	};
	const bool use[3] = {true, te, cn};
	bool differ = false;
	unsigned i, n = 0;

	if (vg_call_transcoding(call)) {
		const struct vg_sdp_leg *l[2] = {x, y};

		for (i = 0; i < 2; i++) {
			legs[i].codec = (uint8_t)(l[i]->codec + 1);
			legs[i].pt = l[i]->pt;
			legs[i].ptime_ms = l[i]->ptime_ms;
			legs[i].dtmf_pt = te ? l[i]->te_pt : 0;
			legs[i].cn_pt = l[i]->cn_pt;
		}
		return;
	}
	if (x->codec < 0 || y->codec < 0)
		return;
	/* the map holds what both sides negotiated; a relay whose sides
	 * number alike needs none (and passes every payload type) */
	for (i = 0; i < 3; i++) {
		if (!use[i])
			continue;
		differ |= pairs[i][0] != pairs[i][1];
		legs[0].pt_map[n].in_pt = pairs[i][0];
		legs[0].pt_map[n].out_pt = pairs[i][1];
		legs[1].pt_map[n].in_pt = pairs[i][1];
		legs[1].pt_map[n].out_pt = pairs[i][0];
		n++;
	}
	if (differ)
		legs[0].n_pt_map = legs[1].n_pt_map = (uint8_t)n;
}

int
vg_call_media_sync(struct vg_call *call)
{
	struct vg_b2bua *b2b = call->b2b;
	const struct vg_cfg_media *m = &b2b->cfg->media;
	struct vg_dpapi_leg legs[2];
	struct vg_dpapi_srtp_keys keys[2];
	bool on_hold, srtp;
	unsigned i;
	int rc;

	if (vg_dplink_state(b2b->dp) == VG_DPLINK_DISABLED ||
			call->remote_b.n_codecs == 0)
		return 0;
	on_hold = held(&call->remote_a) || held(&call->remote_b);
	leg_fill(&legs[0], &call->remote_a, call->port_a, call->maddr_a, m,
			on_hold, &call->side[0]);
	leg_fill(&legs[1], &call->remote_b, call->port_b, call->maddr_b, m,
			on_hold, &call->side[1]);
	codec_fill(legs, call);
	memset(keys, 0, sizeof(keys));
	srtp = call->side[0].srtp || call->side[1].srtp;
	for (i = 0; i < 2; i++) {
		if (!call->side[i].srtp)
			continue;
		memcpy(keys[i].rx, call->side[i].rx.key, sizeof(keys[i].rx));
		memcpy(keys[i].tx, call->side[i].tx.key, sizeof(keys[i].tx));
	}
	if (call->has_sess)
		rc = vg_dplink_update_session(b2b->dp, call->sess_id, legs,
				srtp ? keys : NULL);
	else
		rc = vg_dplink_create_session(b2b->dp, call->id, legs,
				srtp ? keys : NULL, &call->sess_id,
				call->leg_id);
	explicit_bzero(keys, sizeof(keys));
	if (rc != 0 || call->has_sess)
		return rc;
	call->has_sess = true;
	hash_append(b2b->by_sess, call->sess_id, &call->he, call);
	return 0;
}

static void
keep_counters(struct vg_call *call, unsigned i)
{
	const struct vg_dpapi_leg_counters *c;
	struct vg_leg_media *lm = &call->leg_media[i];
	uint32_t jitter;
	uint32_t clock = clock_of(&call->side[i]);

	c = vg_dplink_counters(call->b2b->dp, call->leg_id[i]);
	if (c == NULL)
		return;
	lm->rx_pkts = __atomic_load_n(&c->rx_pkts, __ATOMIC_RELAXED);
	lm->fwd_pkts = __atomic_load_n(&c->fwd_pkts, __ATOMIC_RELAXED);
	lm->lost = __atomic_load_n(&c->lost, __ATOMIC_RELAXED);
	jitter = __atomic_load_n(&c->jitter, __ATOMIC_RELAXED);
	lm->jitter_ms = (uint32_t)((uint64_t)jitter * 1000u / clock);
	lm->valid = true;
}

void
vg_call_media_release(struct vg_call *call)
{
	int rc;

	if (!call->has_sess)
		return;
	keep_counters(call, 0);
	keep_counters(call, 1);
	rc = vg_dplink_delete_session(call->b2b->dp, call->sess_id);
	if (rc != 0 && rc != -ENOTCONN)
		vg_sip_log(VG_LOG_WARNING,
				"call %llu: deleting media session %u: %s",
				(unsigned long long)call->id, call->sess_id,
				strerror(-rc));
	hash_unlink(&call->he);
	call->has_sess = false;
}

/* -------------------------------------------------------------------- */
/* Events and sessions of an earlier control plane                       */
/* -------------------------------------------------------------------- */

static bool
sess_match(struct le *le, void *arg)
{
	const struct vg_call *call = le->data;

	return call->sess_id == *(const uint32_t *)arg;
}

static struct vg_call *
call_by_sess(struct vg_b2bua *b2b, uint32_t sess_id)
{
	struct le *le = hash_lookup(b2b->by_sess, sess_id, sess_match, &sess_id);

	return le != NULL ? le->data : NULL;
}

static struct vg_orphan *
orphan_find(struct vg_b2bua *b2b, uint32_t sess_id)
{
	struct le *le;

	for (le = list_head(&b2b->orphans); le; le = le->next) {
		struct vg_orphan *o = le->data;

		if (o->sess_id == sess_id)
			return o;
	}
	return NULL;
}

static void
orphan_free(struct vg_b2bua *b2b, struct vg_orphan *o)
{
	unsigned i;

	for (i = 0; i < 2; i++)
		if (o->port[i] != 0)
			(void)vg_media_ports_release(b2b->ports, o->port[i]);
	list_unlink(&o->le);
	free(o);
}

static void
on_session(uint32_t sess_id, uint64_t cookie, const struct vg_dpapi_leg *legs,
		void *arg)
{
	struct vg_b2bua *b2b = arg;
	struct vg_orphan *o;
	unsigned i;

	(void)cookie;
	o = calloc(1, sizeof(*o));
	if (o == NULL)
		return;
	o->sess_id = sess_id;
	for (i = 0; i < 2; i++)
		if (vg_media_ports_reserve(b2b->ports, legs[i].local_port) ==
				0)
			o->port[i] = legs[i].local_port;
	list_append(&b2b->orphans, &o->le, o);
}

static void
on_event(const struct vg_dpapi_event *evt, void *arg)
{
	struct vg_b2bua *b2b = arg;
	struct vg_call *call = call_by_sess(b2b, evt->sess_id);
	struct vg_orphan *o;
	int rc;

	if (call != NULL && call->id != evt->cookie)
		call = NULL; /* a late event of a deleted session */
	switch (evt->type) {
	case VG_EVT_MEDIA_TIMEOUT:
		if (call != NULL) {
			if (call->ending || !call->answered)
				return; /* ringing: the INVITE has a timer */
			vg_sip_log(VG_LOG_NOTICE,
					"call %llu: no media for %u s: ending"
					" it",
					(unsigned long long)call->id,
					evt->u.timeout.idle_s);
			vg_call_end(call, VG_CAUSE_MEDIA_TIMEOUT, 0, NULL);
			return;
		}
		/* a session nobody here knows: free it and its ports */
		o = orphan_find(b2b, evt->sess_id);
		if (o != NULL)
			orphan_free(b2b, o);
		rc = vg_dplink_delete_session(b2b->dp, evt->sess_id);
		vg_sip_log(VG_LOG_INFO,
				"media session %u of no call here went silent:"
				" deleted (%s)",
				evt->sess_id, rc == 0 ? "ok" : strerror(-rc));
		return;
	case VG_EVT_LATCHED:
		if (call != NULL)
			vg_sip_log(VG_LOG_DEBUG,
					"call %llu: leg %u latched %u.%u.%u.%u:%u",
					(unsigned long long)call->id,
					evt->leg_id,
					((const uint8_t *)&evt->u.latched.ip)[0],
					((const uint8_t *)&evt->u.latched.ip)[1],
					((const uint8_t *)&evt->u.latched.ip)[2],
					((const uint8_t *)&evt->u.latched.ip)[3],
					evt->u.latched.port);
		return;
	default:
		return;
	}
}

int
vg_b2bua_media_open(struct vg_b2bua *b2b)
{
	int err;

	list_init(&b2b->orphans);
	err = hash_alloc(&b2b->by_sess, VG_SESS_HASH_SIZE);
	if (err != 0)
		return -err;
	return vg_dplink_create(&b2b->dp, b2b->cfg, on_event, on_session, b2b);
}

void
vg_b2bua_media_close(struct vg_b2bua *b2b)
{
	struct le *le;

	/* the orphans' media flows on in the data plane */
	while ((le = list_head(&b2b->orphans)) != NULL)
		orphan_free(b2b, le->data);
	vg_dplink_destroy(b2b->dp);
	b2b->dp = NULL;
	hash_clear(b2b->by_sess);
	b2b->by_sess = mem_deref(b2b->by_sess);
}

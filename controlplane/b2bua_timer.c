/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Session timers (RFC 4028) on both dialogs of a call, each on its
 * own: toward A the appliance is the UAS, toward B the UAC. For each
 * dialog the negotiated interval and refresher decide what the appliance
 * does: as refresher it sends a re-INVITE (the SDP that side already has)
 * every half interval; otherwise it expects a refresh from the peer and
 * ends the call (BYE on both sides) when none came by the interval minus
 * min(32 s, interval / 3) (§10).
 *
 * B's 422 (its Min-SE above what we asked) is answered once: the INVITE
 * goes to B again asking for that interval (s6), in a new dialog, as
 * libre's sipsess_connect() makes one.
 *
 * libre 1.1.0 writes the 2xx of a re-INVITE and our own re-INVITEs
 * without custom headers, so refreshes carry no Session-Expires: the
 * peer may take the timer as turned off from then on (§7.4, §9), which
 * leaves the appliance's own watch in charge. Noted in conf/README.md.
 */
#include <errno.h>
#include <string.h>

#include "b2bua_pvt.h"

enum refresher { REF_NONE, REF_UAC, REF_UAS };

/* the longest interval a 422 may ask of us: a day */
#define VG_SE_MAX_S 86400

/* "1800;refresher=uac": the interval (0 when absent or bad) and who. */
static void
parse_se(const struct sip_msg *msg, uint32_t *interval, enum refresher *who)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_SESSION_EXPIRES);
	struct pl v, num, par;
	size_t i;

	*interval = 0;
	*who = REF_NONE;
	if (h == NULL)
		return;
	v = h->val;
	for (i = 0; i < v.l && v.p[i] >= '0' && v.p[i] <= '9'; i++)
		;
	if (i == 0 || i > 9)
		return;
	num.p = v.p;
	num.l = i;
	*interval = pl_u32(&num);
	if (re_regex(v.p, v.l, "refresher=[a-z]+", &par) == 0) {
		if (pl_strcasecmp(&par, "uac") == 0)
			*who = REF_UAC;
		else if (pl_strcasecmp(&par, "uas") == 0)
			*who = REF_UAS;
	}
}

static uint32_t
max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* The Session-Expires we ask of B: ours, or B's Min-SE after its 422. */
static uint32_t
se_b_asked(const struct vg_call *call)
{
	return max_u32(call->b2b->cfg->sip.session_expires_s, call->se_b_min);
}

static uint32_t
min_se_of(const struct sip_msg *msg)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_MIN_SE);

	return h != NULL ? pl_u32(&h->val) : 0;
}

int
vg_call_timer_invite(struct vg_call *call, const struct sip_msg *msg,
		uint32_t *min_se)
{
	const struct vg_cfg_sip *sip = &call->b2b->cfg->sip;
	uint32_t theirs, floor;
	enum refresher who;
	bool supported;

	call->se[0].interval = 0;
	call->se_hdr_a[0] = '\0';
	if (sip->session_expires_s == 0)
		return 0;
	parse_se(msg, &theirs, &who);
	if (theirs == 0)
		return 0; /* A asks for no timer; B's side may have one */
	if (theirs < sip->min_se_s) {
		*min_se = sip->min_se_s; /* 422 (§8.1) */
		return -ERANGE;
	}
	floor = max_u32(sip->min_se_s, min_se_of(msg));
	call->se[0].interval = theirs < sip->session_expires_s
			? theirs
			: sip->session_expires_s;
	if (call->se[0].interval < floor)
		call->se[0].interval = floor;
	supported = sip_msg_hdr_has_value(msg, SIP_HDR_SUPPORTED, "timer") ||
			sip_msg_hdr_has_value(msg, SIP_HDR_REQUIRE, "timer");
	/* §9: a UAC that does not support timers cannot refresh */
	if (who == REF_NONE || !supported)
		who = supported ? REF_UAC : REF_UAS;
	call->se[0].we_refresh = who == REF_UAS;
	(void)re_snprintf(call->se_hdr_a, sizeof(call->se_hdr_a),
			"Session-Expires: %u;refresher=%s\r\n%s",
			call->se[0].interval, who == REF_UAS ? "uas" : "uac",
			supported ? "Require: timer\r\n" : "");
	return 0;
}

int
vg_call_timer_b_headers(const struct vg_call *call, char *buf, size_t size)
{
	const struct vg_cfg_sip *sip = &call->b2b->cfg->sip;

	if (sip->session_expires_s == 0) {
		if (size > 0)
			buf[0] = '\0';
		return 0;
	}
	/* after B's 422, its Min-SE is the floor of both (s6) */
	return re_snprintf(buf, size,
			       "Supported: timer\r\nSession-Expires: %u\r\n"
			       "Min-SE: %u\r\n",
			       se_b_asked(call),
			       max_u32(sip->min_se_s, call->se_b_min)) < 0
			? -ENOSPC
			: 0;
}

bool
vg_call_timer_b_422(struct vg_call *call, const struct sip_msg *msg)
{
	const struct vg_cfg_sip *sip = &call->b2b->cfg->sip;
	uint32_t want = min_se_of(msg);

	if (sip->session_expires_s == 0 || call->b_retried ||
			want <= se_b_asked(call) || want > VG_SE_MAX_S)
		return false;
	call->se_b_min = want;
	call->b_retried = true;
	return true;
}

void
vg_call_timer_b_answer(struct vg_call *call, const struct sip_msg *msg)
{
	uint32_t interval;
	enum refresher who;

	call->se[1].interval = 0;
	if (call->b2b->cfg->sip.session_expires_s == 0)
		return;
	parse_se(msg, &interval, &who);
	if (interval == 0)
		return; /* B takes no timer: A's side watches the call */
	call->se[1].interval = interval;
	/* we are B's UAC; a 2xx without refresher leaves it to us */
	call->se[1].we_refresh = who != REF_UAS;
}

static void timer_fire(struct vg_call *call, unsigned side);

static void
fire_a(void *arg)
{
	timer_fire(arg, 0);
}

static void
fire_b(void *arg)
{
	timer_fire(arg, 1);
}

void
vg_call_timer_start(struct vg_call *call, unsigned side)
{
	struct vg_se *se = &call->se[side];
	uint64_t ms, guard;

	if (se->interval == 0 || call->ending)
		return;
	if (se->we_refresh) {
		ms = (uint64_t)se->interval * 500u;
	} else {
		guard = se->interval / 3 < 32 ? se->interval / 3 : 32;
		ms = ((uint64_t)se->interval - guard) * 1000u;
	}
	tmr_start(&se->tmr, ms, side == 0 ? fire_a : fire_b, call);
}

void
vg_call_timer_stop(struct vg_call *call)
{
	tmr_cancel(&call->se[0].tmr);
	tmr_cancel(&call->se[1].tmr);
}

static void
timer_fire(struct vg_call *call, unsigned side)
{
	struct sipsess *sess = side == 0 ? call->a : call->b;
	struct mbuf *sdp = side == 0 ? call->sdp_a : call->sdp_b;
	int err;

	if (call->ending)
		return;
	if (!call->se[side].we_refresh) {
		vg_sip_log(VG_LOG_NOTICE,
				"call %llu: no session refresh from %s within"
				" %u s: ending it",
				(unsigned long long)call->id,
				side == 0 ? "A" : "B", call->se[side].interval);
		vg_call_end(call, VG_CAUSE_SESSION_TIMER, 0, NULL);
		return;
	}
	if (sess == NULL || sdp == NULL)
		return;
	sdp->pos = 0;
	err = sipsess_modify(sess, sdp);
	if (err != 0)
		vg_sip_log(VG_LOG_WARNING, "call %llu: refresh of %s: %m",
				(unsigned long long)call->id,
				side == 0 ? "A" : "B", err);
	else
		vg_sip_log(VG_LOG_DEBUG, "call %llu: session refresh to %s",
				(unsigned long long)call->id,
				side == 0 ? "A" : "B");
	vg_call_timer_start(call, side);
}

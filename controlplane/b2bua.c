/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file The B2BUA: an INVITE from A is authenticated (407) or trusted by
 * its trunk, routed, and relayed as a new dialog to B; provisional and
 * final responses, BYE and CANCEL are carried across. A call is two
 * sipsess sessions, two media port pairs and one CDR line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "b2bua_pvt.h"

/* libre hashes: powers of two; a few thousand calls up at once */
#define VG_B2B_HASH_SIZE 4096  /* dialogs of a sipsess socket */
#define VG_CALL_HASH_SIZE 4096 /* calls by A's Call-ID */
#define VG_B2B_CUSER "voxgate"

static void call_finish(void *arg);

static bool
has_body(const struct sip_msg *msg)
{
	return msg != NULL && msg->mb != NULL && mbuf_get_left(msg->mb) > 0;
}

static void
to_cfg_addr(const struct sa *sa, struct vg_cfg_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = sa_af(sa);
	if (a->family == AF_INET)
		a->u.v4.s_addr = htonl(sa_in(sa));
	else if (a->family == AF_INET6)
		sa_in6(sa, a->u.v6.s6_addr);
}

/* -------------------------------------------------------------------- */
/* Ending a call                                                         */
/* -------------------------------------------------------------------- */

/*
 * Ending is deferred to the event loop: a handler of one session must not
 * free that session under libre's feet (the handler may not be the last
 * thing libre does with it). Until then every handler ignores the call.
 */
void
vg_call_end(struct vg_call *call, enum vg_call_cause cause, uint16_t a_code,
		const char *a_reason)
{
	if (call->ending)
		return;
	call->ending = true;
	call->cause = cause;
	call->a_code = a_code;
	call->a_reason = a_reason;
	call->end_ms = vg_sip_wallclock_ms();
	tmr_start(&call->tmr_end, 0, call_finish, call);
}

static void
call_release(struct vg_call *call)
{
	struct vg_b2bua *b2b = call->b2b;

	tmr_cancel(&call->tmr_end);
	tmr_cancel(&call->tmr_retry);
	vg_call_timer_stop(call);
	if (call->end_ms == 0)
		call->end_ms = vg_sip_wallclock_ms();
	/* A before answer: its final response (the 2xx path needs none) */
	if (call->a_code != 0 && call->a == NULL && call->invite != NULL)
		(void)sip_treplyf(NULL, NULL, b2b->srv->ep[call->ep_a].sip,
				call->invite,
				false, call->a_code, call->a_reason,
				"Content-Length: 0\r\n\r\n");
	else if (call->a_code != 0 && call->a != NULL && !call->answered)
		(void)sipsess_reject(call->a, call->a_code, call->a_reason,
				"Allow: %s\r\n", VG_SIP_ALLOW);
	/* libre sends CANCEL for an unanswered B and BYE for an established
	 * session the peer has not ended */
	call->b = mem_deref(call->b);
	call->a = mem_deref(call->a);
	if (call->keep_media) {
		vg_sip_log(VG_LOG_INFO,
				"call %llu: media session %u left to the data"
				" plane",
				(unsigned long long)call->id, call->sess_id);
		hash_unlink(&call->he);
		call->has_sess = false;
	} else {
		vg_call_media_release(call);
	}
	if (call->port_a != 0)
		(void)vg_media_ports_release(b2b->ports, call->port_a);
	if (call->port_b != 0)
		(void)vg_media_ports_release(b2b->ports, call->port_b);
	call->port_a = call->port_b = 0;
	vg_cdr_write(b2b, call);
	vg_sip_log(VG_LOG_INFO, "call %llu %s -> %s ended: %s",
			(unsigned long long)call->id, call->from, call->to,
			vg_call_cause_name(call->cause));
	list_unlink(&call->le);
	hash_unlink(&call->hc);
	b2b->n_calls--;
	call->invite = mem_deref((void *)call->invite);
	vg_call_media_wipe(call);
	free(call);
}

static void
call_finish(void *arg)
{
	call_release(arg);
}

/* -------------------------------------------------------------------- */
/* Side A (the caller)                                                   */
/* -------------------------------------------------------------------- */

static int
a_offer(struct mbuf **descp, const struct sip_msg *msg, void *arg)
{
	return vg_call_reoffer(arg, msg, true, descp);
}

static int
a_answer(const struct sip_msg *msg, void *arg)
{
	struct vg_call *call = arg;

	/* A's answer in the ACK of an offerless re-INVITE, or to ours */
	return call->answered ? vg_call_reanswer(call, msg, true) : 0;
}

static void
a_estab(const struct sip_msg *msg, void *arg)
{
	struct vg_call *call = arg;

	(void)msg;
	if (call->ending)
		return;
	call->confirmed = true;
	vg_call_timer_start(call, 0);
}

static void
a_close(int err, const struct sip_msg *msg, void *arg)
{
	struct vg_call *call = arg;

	(void)msg;
	if (call->ending)
		return;
	/* libre ends a session with ECONNRESET for the peer's BYE, and for
	 * a CANCEL (before the answer) */
	if (!call->answered && err == ECONNRESET)
		vg_call_end(call, VG_CAUSE_CANCELLED, 0, NULL);
	else if (err == 0 || err == ECONNRESET)
		vg_call_end(call, VG_CAUSE_NORMAL_A, 0, NULL);
	else
		vg_call_end(call, VG_CAUSE_ERROR, 0, NULL);
}

/* Accept A (first provisional or the answer from B). */
static int
a_accept(struct vg_call *call, uint16_t scode, const char *reason,
		struct mbuf *desc)
{
	int err;

	if (desc != NULL)
		desc->pos = 0;
	err = sipsess_accept(&call->a, call->b2b->ep[call->ep_a].sock,
			call->invite, scode,
			reason, VG_B2B_CUSER, "application/sdp", desc, NULL,
			NULL, false, a_offer, a_answer, a_estab, NULL, NULL,
			a_close, call, "Allow: %s\r\n%s", VG_SIP_ALLOW,
			scode >= 200 ? call->se_hdr_a : "");
	if (err != 0)
		return err;
	/* the server transaction now exists and absorbs retransmissions */
	call->invite = mem_deref((void *)call->invite);
	return 0;
}

/* -------------------------------------------------------------------- */
/* Side B (the destination)                                              */
/* -------------------------------------------------------------------- */

static int
b_offer(struct mbuf **descp, const struct sip_msg *msg, void *arg)
{
	return vg_call_reoffer(arg, msg, false, descp);
}

static int
b_answer(const struct sip_msg *msg, void *arg)
{
	struct vg_call *call = arg;

	/* the first answer is read in b_progress / b_estab; later ones
	 * answer a re-INVITE we relayed from A */
	return call->answered ? vg_call_reanswer(call, msg, false) : 0;
}

static void
b_progress(const struct sip_msg *msg, void *arg)
{
	struct vg_call *call = arg;
	struct mbuf *desc = NULL;
	int err, rc;

	if (call->ending || msg->scode <= 100 || msg->scode >= 200)
		return;
	/* early media: the SDP of a 183 (or 180) goes to A with our media */
	if (has_body(msg)) {
		rc = vg_call_answer_b(call, msg->mb, false);
		if (rc == -EPROTO) {
			/* the wrong profile or a=crypto: the 200 cannot be
			 * better; CANCEL B, 488 to A */
			vg_call_end(call, VG_CAUSE_MEDIA, 488,
					"Not Acceptable Here");
			return;
		}
		if (rc == 0) {
			desc = call->sdp_a;
			call->early_media = true;
		} else {
			vg_sip_log(VG_LOG_INFO,
					"call %llu: early SDP of B unusable",
					(unsigned long long)call->id);
		}
	}
	if (call->a == NULL)
		err = a_accept(call, msg->scode, "Ringing", desc);
	else {
		if (desc != NULL)
			desc->pos = 0;
		err = sipsess_progress(call->a, msg->scode,
				msg->scode == 180 ? "Ringing"
						  : "Session Progress",
				desc, "Allow: %s\r\n", VG_SIP_ALLOW);
	}
	if (err != 0) {
		vg_sip_log(VG_LOG_WARNING, "call %llu: relaying %u to A: %m",
				(unsigned long long)call->id, msg->scode, err);
		vg_call_end(call, VG_CAUSE_ERROR, 500, "Server Internal Error");
	}
}

static void
b_estab(const struct sip_msg *msg, void *arg)
{
	struct vg_call *call = arg;
	int err, rc = 0;

	if (call->ending)
		return;
	/* B's answer: in the 200, or in the 18x before it */
	if (has_body(msg))
		rc = vg_call_answer_b(call, msg->mb, true);
	else if (call->sdp_a == NULL)
		rc = -EBADMSG;
	if (rc == -ETIMEDOUT || rc == -ENOBUFS || rc == -ENOTCONN ||
			rc == -ENOSPC) {
		/* the answer was fine; the data plane did not take the
		 * session (slow, full or gone): not the media's fault, and
		 * a moment later it may work */
		vg_sip_log(VG_LOG_WARNING, "call %llu: no media session: %s",
				(unsigned long long)call->id, strerror(-rc));
		vg_call_end(call, VG_CAUSE_ERROR, 503, "Service Unavailable");
		return;
	}
	if (rc != 0) {
		vg_sip_log(VG_LOG_NOTICE, "call %llu: B's answer unusable: %s",
				(unsigned long long)call->id, strerror(-rc));
		vg_call_end(call, VG_CAUSE_MEDIA, 488, "Not Acceptable Here");
		return;
	}
	call->answered = true;
	call->answer_ms = vg_sip_wallclock_ms();
	vg_call_timer_b_answer(call, msg);
	vg_call_timer_start(call, 1);
	if (call->a == NULL)
		err = a_accept(call, 200, "OK", call->sdp_a);
	else {
		call->sdp_a->pos = 0;
		err = sipsess_answer(call->a, 200, "OK", call->sdp_a,
				"Allow: %s\r\n%s", VG_SIP_ALLOW,
				call->se_hdr_a);
	}
	if (err != 0) {
		vg_sip_log(VG_LOG_WARNING, "call %llu: 200 to A: %m",
				(unsigned long long)call->id, err);
		vg_call_end(call, VG_CAUSE_ERROR, 0, NULL);
		return;
	}
	vg_sip_log(VG_LOG_INFO, "call %llu %s -> %s answered (%s)",
			(unsigned long long)call->id, call->from, call->to,
			call->remote_b.codecs);
}

static int call_connect(struct vg_call *call);

/* After B's 422: a new INVITE to B, outside B's close handler. */
static void
b_retry(void *arg)
{
	struct vg_call *call = arg;

	if (call->ending)
		return;
	call->b = mem_deref(call->b);
	(void)call_connect(call);
}

static void
b_close(int err, const struct sip_msg *msg, void *arg)
{
	struct vg_call *call = arg;
	enum vg_call_cause cause;
	const char *reason;
	uint16_t code;

	if (call->ending)
		return;
	if (call->answered) {
		vg_call_end(call,
				err == 0 || err == ECONNRESET
						? VG_CAUSE_NORMAL_B
						: VG_CAUSE_ERROR,
				0, NULL);
		return;
	}
	if (msg != NULL && msg->scode == 422 && vg_call_timer_b_422(call, msg)) {
		vg_sip_log(VG_LOG_INFO, "call %llu: B wants Session-Expires"
				" >= %u (422): INVITE again",
				(unsigned long long)call->id, call->se_b_min);
		tmr_start(&call->tmr_retry, 0, b_retry, call);
		return;
	}
	call->b_scode = msg != NULL ? msg->scode : 0;
	code = vg_b2bua_map_failure(call->b_scode, err, &reason, &cause);
	vg_sip_log(VG_LOG_INFO, "call %llu: B failed (%u, %m): %u to A",
			(unsigned long long)call->id, call->b_scode, err, code);
	vg_call_end(call, cause, code, reason);
}

/* -------------------------------------------------------------------- */
/* A new INVITE                                                          */
/* -------------------------------------------------------------------- */

static bool
same_invite(struct le *le, void *arg)
{
	const struct sip_msg *msg = arg;
	const struct vg_call *call = le->data;

	return pl_strcmp(&msg->callid, call->callid_a) == 0 &&
			pl_strcmp(&msg->via.branch, call->branch_a) == 0;
}

/* The call an INVITE (a retransmission) belongs to; every INVITE asks,
 * so by hash: a walk of all calls was 14% of voxgate-cp at 700 calls/s */
static struct vg_call *
call_find(struct vg_b2bua *b2b, const struct sip_msg *msg)
{
	struct le *le = hash_lookup(b2b->by_callid,
			hash_joaat_pl(&msg->callid), same_invite, (void *)msg);

	return le != NULL ? le->data : NULL;
}

static void
reply(struct vg_b2bua *b2b, const struct sip_msg *msg, uint16_t scode,
		const char *reason)
{
	vg_sip_reply(b2b->srv, msg, scode, reason);
}

/* [limits]: true when answered 503 */
static bool
overloaded(struct vg_b2bua *b2b, const struct sip_msg *msg)
{
	const struct vg_cfg_limits *lim = &b2b->cfg->limits;
	uint64_t sec = tmr_jiffies() / 1000;
	int err;

	if (sec != b2b->cps_sec) {
		b2b->cps_sec = sec;
		b2b->cps_count = 0;
	}
	if ((lim->max_calls == 0 || b2b->n_calls < lim->max_calls) &&
			(lim->max_cps == 0 || b2b->cps_count < lim->max_cps))
		return false;
	b2b->rejected_overload++;
	vg_sip_log(VG_LOG_NOTICE,
			"INVITE from %J: 503 (%u calls, %u this"
			" second)",
			&msg->src, b2b->n_calls, b2b->cps_count);
	err = sip_treplyf(NULL, NULL, vg_sip_of(b2b->srv, msg), msg, false, 503,
			"Service Unavailable",
			"Retry-After: %u\r\nContent-Length: 0\r\n\r\n",
			lim->retry_after_s);
	if (err != 0)
		vg_sip_log(VG_LOG_WARNING, "reply 503 failed: %m", err);
	return true;
}

/*
 * Where the call goes: the request URI for B into uri. Answers A (404,
 * 480, 500) and returns false when there is nowhere to go.
 */
static bool
route_call(struct vg_b2bua *b2b, const struct sip_msg *msg,
		struct vg_call *call, const char *from_user,
		const char *from_trunk, char *uri, size_t size)
{
	const struct vg_cfg_route *route = NULL;
	const struct vg_cfg_trunk *trunk;
	char ruri_user[VG_CFG_NAME_MAX], user[VG_CFG_NAME_MAX];
	struct vg_reg_binding *b;
	size_t n;
	int rc;

	if (!pl_isset(&msg->uri.user) || msg->uri.user.l >= sizeof(ruri_user)) {
		reply(b2b, msg, 404, "Not Found");
		return false;
	}
	(void)pl_strcpy(&msg->uri.user, ruri_user, sizeof(ruri_user));
	rc = vg_route_lookup(b2b->routes, ruri_user, from_user, from_trunk,
			&route, user, sizeof(user));
	if (rc != 0) {
		vg_sip_log(VG_LOG_INFO, "INVITE %s from %J: no route (%s)",
				ruri_user, &msg->src, strerror(-rc));
		reply(b2b, msg, 404, "Not Found");
		return false;
	}
	(void)re_snprintf(call->route, sizeof(call->route), "%s", route->name);
	(void)re_snprintf(call->to, sizeof(call->to), "%s", user);
	if (route->dest == VG_ROUTE_TRUNK) {
		trunk = vg_config_trunk(b2b->cfg, route->trunk);
		if (trunk == NULL) {
			reply(b2b, msg, 500, "Server Internal Error");
			return false;
		}
		call->side[1].srtp = trunk->srtp == VG_CFG_SRTP_SDES;
		(void)re_snprintf(uri, size, "sip:%s@%s:%u%s%s", user,
				trunk->host, trunk->port,
				trunk->transport == VG_TP_UDP ? ""
							      : ";transport=",
				trunk->transport == VG_TP_UDP
						? ""
						: vg_cfg_transport_name(
								  trunk->transport));
		return true;
	}
	/* a user gets the security its caller asked for */
	call->b_mirrors_a = true;
	b = calloc(b2b->cfg->sip.max_contacts, sizeof(*b));
	if (b == NULL) {
		reply(b2b, msg, 500, "Server Internal Error");
		return false;
	}
	/* contacts sorted by q, then the most recent: the first one only
	 * (no forking yet) */
	n = vg_reg_lookup(b2b->srv->reg, user, vg_sip_wallclock_ms(), b,
			b2b->cfg->sip.max_contacts);
	if (n == 0) {
		free(b);
		vg_sip_log(VG_LOG_INFO, "INVITE %s from %J: not registered",
				user, &msg->src);
		reply(b2b, msg, 480, "Temporarily Unavailable");
		return false;
	}
	(void)re_snprintf(uri, size, "%s", b[0].uri);
	free(b);
	return true;
}

/* INVITE B (again after its 422); on failure the call ends, 502 to A. */
static int
call_connect(struct vg_call *call)
{
	struct vg_b2bua *b2b = call->b2b;
	char se_hdrs[128];
	int err;

	if (vg_call_timer_b_headers(call, se_hdrs, sizeof(se_hdrs)) != 0)
		se_hdrs[0] = '\0';
	call->sdp_b->pos = 0;
	err = sipsess_connect(&call->b, b2b->ep[call->ep_b].sock, call->uri_b,
			NULL, call->from_b,
			VG_B2B_CUSER, NULL, 0, "application/sdp", call->sdp_b,
			NULL, NULL, false, b_offer, b_answer, b_progress,
			b_estab, NULL, NULL, b_close, call,
			"Allow: %s\r\n%s", VG_SIP_ALLOW, se_hdrs);
	if (err != 0) {
		vg_sip_log(VG_LOG_WARNING, "call %llu: INVITE to %s: %m",
				(unsigned long long)call->id, call->uri_b, err);
		vg_call_end(call, VG_CAUSE_UNREACHABLE, 502, "Bad Gateway");
		return err;
	}
	(void)re_snprintf(call->callid_b, sizeof(call->callid_b), "%s",
			sip_dialog_callid(sipsess_dialog(call->b)));
	return 0;
}

static void
on_invite(const struct sip_msg *msg, void *arg)
{
	struct vg_b2bua *b2b = arg;
	const struct vg_cfg_trunk *trunk;
	struct vg_call *call = NULL;
	struct vg_cfg_addr src;
	char user[VG_AUTH_FIELD_MAX], uri[VG_REG_URI_MAX + 64];
	uint32_t min_se = 0;
	int rc, err;

	/* a retransmission before A was accepted: no transaction exists
	 * yet to absorb it (LIBRE-NOTES) */
	call = call_find(b2b, msg);
	if (call != NULL) {
		if (call->a == NULL && !call->ending)
			(void)sip_reply(vg_sip_of(b2b->srv, msg), msg, 100, "Trying");
		return;
	}
	if (overloaded(b2b, msg))
		return;
	if (!vg_b2bua_media_ready(b2b)) {
		vg_sip_log(VG_LOG_WARNING,
				"INVITE from %J: 503, the data plane is %s",
				&msg->src,
				vg_dplink_state_name(vg_dplink_state(b2b->dp)));
		(void)sip_treplyf(NULL, NULL, vg_sip_of(b2b->srv, msg), msg, false, 503,
				"Service Unavailable (media)",
				"Retry-After: %u\r\nContent-Length: 0\r\n\r\n",
				b2b->cfg->limits.retry_after_s);
		return;
	}
	to_cfg_addr(&msg->src, &src);
	trunk = vg_route_trunk_by_source(b2b->cfg, &src);
	if (trunk == NULL &&
			!vg_sip_authenticate(b2b->srv, msg, "INVITE", true,
					user, sizeof(user)))
		return;
	if (msg->callid.l >= VG_CALLID_MAX || msg->via.branch.l >= 128) {
		reply(b2b, msg, 400, "Bad Request (Call-ID too long)");
		return;
	}
	call = calloc(1, sizeof(*call));
	if (call == NULL) {
		reply(b2b, msg, 500, "Server Internal Error");
		return;
	}
	call->b2b = b2b;
	call->side[0].leg.codec = call->side[1].leg.codec = -1;
	call->ep_a = call->ep_b = vg_sip_ep_of(b2b->srv, msg);
	tmr_init(&call->tmr_end);
	tmr_init(&call->tmr_retry);
	tmr_init(&call->se[0].tmr);
	tmr_init(&call->se[1].tmr);
	if (vg_call_timer_invite(call, msg, &min_se) != 0) {
		err = sip_treplyf(NULL, NULL, vg_sip_of(b2b->srv, msg), msg, false, 422,
				"Session Interval Too Small",
				"Min-SE: %u\r\nContent-Length: 0\r\n\r\n",
				min_se);
		if (err != 0)
			vg_sip_log(VG_LOG_WARNING, "reply 422 failed: %m",
					err);
		goto fail;
	}
	call->start_ms = vg_sip_wallclock_ms();
	(void)pl_strcpy(&msg->callid, call->callid_a, sizeof(call->callid_a));
	(void)pl_strcpy(&msg->via.branch, call->branch_a,
			sizeof(call->branch_a));
	if (trunk != NULL) {
		(void)re_snprintf(call->from_trunk, sizeof(call->from_trunk),
				"%s", trunk->name);
		(void)re_snprintf(call->from, sizeof(call->from), "%r",
				&msg->from.uri.user);
	} else {
		(void)re_snprintf(call->from, sizeof(call->from), "%s", user);
	}
	if (!route_call(b2b, msg, call, trunk != NULL ? NULL : user,
			    trunk != NULL ? trunk->name : NULL, uri,
			    sizeof(uri)))
		goto fail;
	vg_call_media_addrs(call, msg, uri);
	if (vg_media_ports_alloc(b2b->ports, &call->port_a) != 0 ||
			vg_media_ports_alloc(b2b->ports, &call->port_b) != 0) {
		vg_sip_log(VG_LOG_WARNING, "INVITE from %J: no media ports",
				&msg->src);
		reply(b2b, msg, 503, "Service Unavailable (media ports)");
		goto fail;
	}
	call->id = b2b->next_id + 1; /* taken when the call starts */
	/* no SDP: a late offer, the answer comes in A's ACK (§13.2.1) */
	rc = has_body(msg) ? vg_call_offer_b(call, msg->mb)
			   : vg_call_offer_b_late(call);
	if (rc != 0) {
		vg_sip_log(VG_LOG_INFO, "INVITE from %J: offer unusable: %s",
				&msg->src, strerror(-rc));
		reply(b2b, msg, rc == -ENOMEM ? 500 : 488,
				rc == -ENOMEM ? "Server Internal Error"
					      : "Not Acceptable Here");
		goto fail;
	}
	b2b->next_id = call->id;
	/* B sees the caller's user at our address, nothing else of A */
	(void)re_snprintf(call->from_b, sizeof(call->from_b), "sip:%s@%j",
			call->from[0] != '\0' ? call->from : "anonymous",
			&b2b->srv->ep[call->ep_b].addr);
	(void)re_snprintf(call->uri_b, sizeof(call->uri_b), "%s", uri);
	call->invite = mem_ref((void *)msg);
	list_append(&b2b->calls, &call->le, call);
	hash_append(b2b->by_callid, hash_joaat_str(call->callid_a), &call->hc,
			call);
	b2b->n_calls++;
	b2b->calls_total++;
	b2b->cps_count++;
	(void)sip_reply(vg_sip_of(b2b->srv, msg), msg, 100, "Trying");
	if (call_connect(call) != 0)
		return;
	vg_sip_log(VG_LOG_INFO, "call %llu %s -> %s via %s: %s (%s%s)",
			(unsigned long long)call->id, call->from, call->to,
			call->route, uri, call->remote_a.codecs,
			call->side[0].srtp ? ", SRTP" : "");
	return;
fail:
	if (call->port_a != 0)
		(void)vg_media_ports_release(b2b->ports, call->port_a);
	if (call->port_b != 0)
		(void)vg_media_ports_release(b2b->ports, call->port_b);
	vg_call_media_wipe(call);
	free(call);
}

/* CANCEL of an INVITE not yet accepted (no transaction of ours exists, so
 * libre hands it to the listeners); later ones end in a_close(). */
static bool
on_request(const struct sip_msg *msg, void *arg)
{
	struct vg_b2bua *b2b = arg;
	struct vg_call *call;

	if (pl_strcmp(&msg->met, "CANCEL") != 0)
		return false;
	call = call_find(b2b, msg);
	if (call == NULL || call->a != NULL)
		return false;
	reply(b2b, msg, 200, "OK");
	if (!call->ending)
		vg_call_end(call, VG_CAUSE_CANCELLED, 487, "Request Terminated");
	return true;
}

int
vg_b2bua_create(struct vg_b2bua **b2bp, struct vg_sip_server *srv)
{
	struct vg_b2bua *b2b;
	char err_text[256];
	unsigned i;
	int rc;

	b2b = calloc(1, sizeof(*b2b));
	if (b2b == NULL)
		return -ENOMEM;
	b2b->srv = srv;
	b2b->cfg = srv->cfg;
	list_init(&b2b->calls);
	rc = vg_sip_err(hash_alloc(&b2b->by_callid, VG_CALL_HASH_SIZE));
	if (rc != 0)
		goto fail;
	err_text[0] = '\0';
	rc = vg_route_table_create(
			&b2b->routes, srv->cfg, err_text, sizeof(err_text));
	if (rc != 0) {
		vg_sip_log(VG_LOG_ERROR, "routes: %s", err_text);
		goto fail;
	}
	rc = vg_media_ports_create(&b2b->ports, srv->cfg->media.port_min,
			srv->cfg->media.port_max);
	if (rc != 0)
		goto fail;
	rc = vg_cdr_open(b2b);
	if (rc != 0)
		goto fail;
	rc = vg_b2bua_media_open(b2b);
	if (rc != 0)
		goto fail;
	for (i = 0; i < srv->n_ep; i++) {
		rc = vg_sip_err(sip_listen(&b2b->ep[i].lsnr, srv->ep[i].sip,
				true, on_request, b2b));
		if (rc != 0)
			goto fail;
		rc = vg_sip_err(sipsess_listen(&b2b->ep[i].sock,
				srv->ep[i].sip, VG_B2B_HASH_SIZE, on_invite,
				b2b));
		if (rc != 0)
			goto fail;
	}
	*b2bp = b2b;
	return 0;
fail:
	vg_b2bua_destroy(b2b);
	return rc;
}

/* An answered call whose media the data plane keeps relaying when the
 * control plane stops (see vg_b2bua_destroy()). */
static bool
keeps_media(const struct vg_call *call)
{
	return !call->ending && call->answered && call->has_sess &&
			vg_dplink_state(call->b2b->dp) == VG_DPLINK_UP;
}

/*
 * Calls not yet answered end now (503 to A, CANCEL to B). Answered calls
 * with a media session are left to the data plane: their dialogs are
 * dropped without BYE (the transports are closed first) and their
 * sessions stay, so both parties keep talking through a restart of
 * voxgate-cp; the next control plane adopts the sessions and frees them
 * when their media stops. The rest ends with BYE.
 */
void
vg_b2bua_destroy(struct vg_b2bua *b2b)
{
	struct le *le, *next;
	unsigned kept = 0, i;

	if (b2b == NULL)
		return;
	for (le = list_head(&b2b->calls); le; le = next) {
		struct vg_call *call = le->data;

		next = le->next;
		if (keeps_media(call)) {
			kept++;
			continue;
		}
		if (!call->ending) {
			call->cause = VG_CAUSE_SHUTDOWN;
			call->a_code = call->answered ? 0 : 503;
			call->a_reason = "Service Unavailable";
		}
		call_release(call);
	}
	if (kept > 0) {
		vg_sip_log(VG_LOG_NOTICE,
				"%u answered call(s) keep their media in the"
				" data plane",
				kept);
		for (i = 0; i < b2b->srv->n_ep; i++)
			sip_transp_flush(b2b->srv->ep[i].sip);
	}
	while ((le = list_head(&b2b->calls)) != NULL) {
		struct vg_call *call = le->data;

		call->cause = VG_CAUSE_SHUTDOWN;
		call->keep_media = true;
		call_release(call);
	}
	for (i = 0; i < VG_CFG_MAX_LISTEN; i++) {
		if (b2b->ep[i].sock != NULL)
			sipsess_close_all(b2b->ep[i].sock);
		b2b->ep[i].sock = mem_deref(b2b->ep[i].sock);
		b2b->ep[i].lsnr = mem_deref(b2b->ep[i].lsnr);
	}
	vg_b2bua_media_close(b2b);
	vg_cdr_close(b2b);
	vg_media_ports_destroy(b2b->ports);
	vg_route_table_destroy(b2b->routes);
	hash_clear(b2b->by_callid);
	mem_deref(b2b->by_callid);
	free(b2b);
}

unsigned
vg_b2bua_calls(const struct vg_b2bua *b2b)
{
	return b2b != NULL ? b2b->n_calls : 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file REGISTER: digest authentication (401), authorization of the AOR,
 * then the location service (RFC 3261 §10.3) and the 200 with bindings.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sip_pvt.h"

/* One Contact of the request, NUL-terminated for the registrar. */
struct contact_buf {
	char uri[VG_REG_URI_MAX];
	char instance[VG_REG_INSTANCE_MAX];
};

struct contacts_ctx {
	struct contact_buf *buf;
	struct vg_reg_contact *c;
	size_t n, cap;
	bool star;
	const char *error; /**< set when a Contact is malformed */
};

static bool
parse_uint(const struct pl *pl, int64_t *v)
{
	size_t i;
	int64_t x = 0;

	if (pl->l == 0)
		return false;
	for (i = 0; i < pl->l; i++) {
		if (pl->p[i] < '0' || pl->p[i] > '9')
			return false;
		if (x < (int64_t)UINT32_MAX)
			x = x * 10 + (pl->p[i] - '0');
	}
	*v = x > (int64_t)UINT32_MAX ? (int64_t)UINT32_MAX : x;
	return true;
}

/* q-value "0", "0.5", "1.000" as thousandths (RFC 3261 §20.10). */
static bool
parse_q(const struct pl *pl, uint16_t *q)
{
	unsigned v, scale = 100;
	size_t i;

	if (pl->l == 0 || (pl->p[0] != '0' && pl->p[0] != '1'))
		return false;
	v = (unsigned)(pl->p[0] - '0') * 1000;
	if (pl->l > 1 && (pl->p[1] != '.' || pl->l > 5))
		return false;
	for (i = 2; i < pl->l; i++, scale /= 10) {
		if (pl->p[i] < '0' || pl->p[i] > '9')
			return false;
		v += (unsigned)(pl->p[i] - '0') * scale;
	}
	if (v > 1000)
		return false;
	*q = (uint16_t)v;
	return true;
}

static bool
contact_handler(const struct sip_hdr *hdr, const struct sip_msg *msg, void *arg)
{
	struct contacts_ctx *ctx = arg;
	struct vg_reg_contact *c;
	struct sip_addr addr;
	struct pl v;

	(void)msg;
	if (pl_strcmp(&hdr->val, "*") == 0) {
		ctx->star = true;
		return false;
	}
	if (ctx->n == ctx->cap) {
		ctx->error = "Too Many Contacts";
		return true;
	}
	if (sip_addr_decode(&addr, &hdr->val) != 0 ||
			addr.auri.l >= VG_REG_URI_MAX) {
		ctx->error = "Bad Request (Contact)";
		return true;
	}
	c = &ctx->c[ctx->n];
	c->uri = ctx->buf[ctx->n].uri;
	c->expires = -1;
	c->q = 1000;
	c->instance = NULL;
	(void)pl_strcpy(&addr.auri, ctx->buf[ctx->n].uri, VG_REG_URI_MAX);
	if (msg_param_decode(&addr.params, "expires", &v) == 0 &&
			!parse_uint(&v, &c->expires)) {
		ctx->error = "Bad Request (Contact expires)";
		return true;
	}
	if (msg_param_decode(&addr.params, "q", &v) == 0 &&
			!parse_q(&v, &c->q)) {
		ctx->error = "Bad Request (Contact q)";
		return true;
	}
	if (msg_param_decode(&addr.params, "+sip.instance", &v) == 0) {
		if (v.l >= VG_REG_INSTANCE_MAX) {
			ctx->error = "Bad Request (+sip.instance)";
			return true;
		}
		(void)pl_strcpy(&v, ctx->buf[ctx->n].instance,
				VG_REG_INSTANCE_MAX);
		c->instance = ctx->buf[ctx->n].instance;
	}
	ctx->n++;
	return false;
}

static void
reply_challenge(struct vg_sip_server *srv, const struct sip_msg *msg,
		bool stale, bool proxy)
{
	struct vg_auth_challenge ch;
	char hdrs[VG_AUTH_MAX_CHALLENGES * (VG_AUTH_CHALLENGE_MAX + 24)];
	size_t off = 0;
	unsigned i;
	int rc, err;

	rc = vg_auth_challenge_make(srv->auth, tmr_jiffies(), stale, &ch);
	if (rc != 0) {
		vg_sip_log(VG_LOG_ERROR, "challenge: %s", strerror(-rc));
		vg_sip_reply(srv, msg, 500, "Server Internal Error");
		return;
	}
	hdrs[0] = '\0';
	/* one header per challenge (RFC 3261 §7.3.1) */
	for (i = 0; i < ch.n && off < sizeof(hdrs); i++)
		off += (size_t)re_snprintf(hdrs + off, sizeof(hdrs) - off,
				"%s: %s\r\n",
				proxy ? "Proxy-Authenticate"
				      : "WWW-Authenticate",
				ch.value[i]);
	/* RFC 3261 §22.3: a proxy (here the B2BUA's INVITE) challenges with
	 * 407 and Proxy-Authenticate, a registrar with 401 */
	/*
	 * A registrar's 401 goes out statelessly (RFC 3261 s8.2.7 allows it
	 * for challenges): a retransmitted REGISTER just gets a fresh one,
	 * the nonce keeps no state either, and no server transaction holds
	 * request and response for 64*T1 (32 s) per REGISTER. The INVITE's
	 * 407 keeps its transaction: the stack must retransmit it until the
	 * ACK comes and then absorb that ACK (s17.2.1).
	 */
	if (proxy)
		err = sip_treplyf(NULL, NULL, vg_sip_of(srv, msg), msg, false,
				407, "Proxy Authentication Required",
				"%sContent-Length: 0\r\n\r\n", hdrs);
	else
		err = sip_replyf(vg_sip_of(srv, msg), msg, 401,
				"Unauthorized",
				"%sContent-Length: 0\r\n\r\n", hdrs);
	if (err != 0)
		vg_sip_log(VG_LOG_WARNING, "reply %u failed: %m",
				proxy ? 407 : 401, err);
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

bool
vg_sip_authenticate(struct vg_sip_server *srv, const struct sip_msg *msg,
		const char *method, bool proxy, char *user, size_t size)
{
	const struct sip_hdr *ah = sip_msg_hdr(msg,
			proxy ? SIP_HDR_PROXY_AUTHORIZATION
			      : SIP_HDR_AUTHORIZATION);
	struct vg_auth_request req;
	struct vg_auth_result res;
	struct vg_cfg_addr src;
	char ruri[VG_AUTH_URI_MAX];

	if (msg->ruri.l >= sizeof(ruri)) {
		vg_sip_reply(srv, msg, 414, "Request-URI Too Long");
		return false;
	}
	(void)pl_strcpy(&msg->ruri, ruri, sizeof(ruri));
	to_cfg_addr(&msg->src, &src);
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.request_uri = ruri;
	req.header = ah != NULL ? ah->val.p : NULL;
	req.header_len = ah != NULL ? ah->val.l : 0;
	req.src = &src;
	req.ha1h = vg_auth_users_ha1;
	req.ha1_arg = srv->users;
	if (vg_auth_verify(srv->auth, &req, tmr_jiffies(), &res) != 0) {
		vg_sip_reply(srv, msg, 500, "Server Internal Error");
		return false;
	}
	if (res.verdict != VG_AUTH_OK && res.verdict != VG_AUTH_CHALLENGE)
		vg_sip_log(VG_LOG_NOTICE, "%s %r from %J: %s (%s)", method,
				&msg->to.auri, &msg->src,
				vg_auth_verdict_name(res.verdict),
				res.reason != NULL ? res.reason : "");
	switch (res.verdict) {
	case VG_AUTH_OK:
		if (strlen(res.user) >= size)
			return false; /* cannot happen: both are field-sized */
		strcpy(user, res.user);
		return true;
	case VG_AUTH_CHALLENGE:
	case VG_AUTH_FAIL:
		/* a wrong password and an unknown user look the same: a new
		 * challenge, until the lockout answers 403 */
		reply_challenge(srv, msg, false, proxy);
		return false;
	case VG_AUTH_STALE:
		reply_challenge(srv, msg, true, proxy);
		return false;
	case VG_AUTH_LOCKED:
		vg_sip_reply(srv, msg, 403, "Forbidden");
		return false;
	case VG_AUTH_BAD_REQUEST:
	default:
		vg_sip_reply(srv, msg, 400, "Bad Request (Authorization)");
		return false;
	}
}

/* 200 OK with every current binding and its remaining time. */
static void
reply_bindings(struct vg_sip_server *srv, const struct sip_msg *msg,
		const char *aor, uint64_t now)
{
	uint32_t max = srv->cfg->sip.max_contacts;
	struct vg_reg_binding *b = calloc(max, sizeof(*b));
	struct mbuf *mb = mbuf_alloc(256);
	size_t n, i;
	int err = ENOMEM;

	if (b == NULL || mb == NULL)
		goto out;
	n = vg_reg_lookup(srv->reg, aor, now, b, max);
	if (n > max)
		n = max;
	err = 0;
	for (i = 0; i < n && err == 0; i++) {
		err = mbuf_printf(mb, "Contact: <%s>;expires=%llu", b[i].uri,
				(unsigned long long)((b[i].expires_ms - now +
								     999) /
						1000));
		if (err == 0 && b[i].q != 1000)
			err = mbuf_printf(mb, ";q=%u.%03u", b[i].q / 1000,
					b[i].q % 1000);
		/* stored without the quotes libre strips; RFC 5626 §4.1
		 * quotes the value */
		if (err == 0 && b[i].instance[0] != '\0')
			err = mbuf_printf(mb,
					b[i].instance[0] == '"'
							? ";+sip.instance=%s"
							: ";+sip.instance=\"%"
							  "s\"",
					b[i].instance);
		if (err == 0)
			err = mbuf_write_str(mb, "\r\n");
	}
	/* stateless, as the 401: a retransmitted REGISTER is the same
	 * request, applied again without effect (registrar.c), and gets
	 * this answer again; no server transaction keeps the request's
	 * 8 KB receive buffer for 32 s */
	if (err == 0)
		err = sip_replyf(vg_sip_of(srv, msg), msg, 200, "OK",
				"%bDate: %H\r\nContent-Length: 0\r\n\r\n",
				mb->buf, mb->end, fmt_gmtime, NULL);
out:
	if (err != 0) {
		vg_sip_log(VG_LOG_WARNING, "reply 200 failed: %m", err);
		vg_sip_reply(srv, msg, 500, "Server Internal Error");
	}
	mem_deref(mb);
	free(b);
}

static void
apply_binding(struct vg_sip_server *srv, const struct sip_msg *msg,
		const char *aor)
{
	uint32_t max = srv->cfg->sip.max_contacts;
	struct contacts_ctx ctx = {0};
	struct vg_reg_update up = {0};
	struct vg_reg_outcome out;
	char src[VG_REG_SOURCE_MAX], callid[VG_REG_CALLID_MAX];
	uint64_t now = vg_sip_wallclock_ms();
	int rc, err;

	ctx.cap = max;
	ctx.buf = calloc(max, sizeof(*ctx.buf));
	ctx.c = calloc(max, sizeof(*ctx.c));
	if (ctx.buf == NULL || ctx.c == NULL) {
		vg_sip_reply(srv, msg, 500, "Server Internal Error");
		goto out;
	}
	(void)sip_msg_hdr_apply(
			msg, true, SIP_HDR_CONTACT, contact_handler, &ctx);
	if (ctx.error != NULL) {
		vg_sip_reply(srv, msg, ctx.error[0] == 'T' ? 403 : 400,
				ctx.error[0] == 'T' ? "Forbidden (too many "
						      "contacts)"
						    : ctx.error);
		goto out;
	}
	up.expires = -1;
	if (pl_isset(&msg->expires) &&
			!parse_uint(&msg->expires, &up.expires)) {
		vg_sip_reply(srv, msg, 400, "Bad Request (Expires)");
		goto out;
	}
	if (msg->callid.l >= sizeof(callid)) {
		vg_sip_reply(srv, msg, 400, "Bad Request (Call-ID too long)");
		goto out;
	}
	(void)pl_strcpy(&msg->callid, callid, sizeof(callid));
	(void)re_snprintf(src, sizeof(src), "%s:%J", sip_transp_name(msg->tp),
			&msg->src);
	up.aor = aor;
	up.call_id = callid;
	up.cseq = msg->cseq.num;
	up.star = ctx.star;
	up.contacts = ctx.c;
	up.n_contacts = ctx.n;
	up.source = src;
	rc = vg_reg_apply(srv->reg, &up, now, &out);
	if (rc != 0) {
		vg_sip_reply(srv, msg, 500, "Server Internal Error");
		goto out;
	}
	vg_sip_log(VG_LOG_INFO, "REGISTER %s from %J: %u (+%u ~%u -%u)", aor,
			&msg->src, out.status, out.added, out.refreshed,
			out.removed);
	switch (out.status) {
	case 200:
		reply_bindings(srv, msg, aor, now);
		break;
	case 423:
		err = sip_treplyf(NULL, NULL, vg_sip_of(srv, msg), msg, false, 423,
				out.reason,
				"Min-Expires: %u\r\nContent-Length: 0\r\n\r\n",
				out.min_expires);
		if (err != 0)
			vg_sip_log(VG_LOG_WARNING, "reply 423 failed: %m", err);
		break;
	default:
		vg_sip_reply(srv, msg, out.status, out.reason);
		break;
	}
out:
	free(ctx.buf);
	free(ctx.c);
}

void
vg_sip_register(struct vg_sip_server *srv, const struct sip_msg *msg)
{
	char aor[VG_REG_AOR_MAX], user[VG_AUTH_FIELD_MAX];

	/* The AOR is the To user: one domain (the realm) is served, and
	 * calls are routed by user (vg_cfg_route VG_ROUTE_USER). */
	if (!pl_isset(&msg->to.uri.user) || msg->to.uri.user.l >= sizeof(aor)) {
		vg_sip_reply(srv, msg, 404, "Not Found");
		return;
	}
	(void)pl_strcpy(&msg->to.uri.user, aor, sizeof(aor));
	if (!vg_sip_authenticate(
			    srv, msg, "REGISTER", false, user, sizeof(user)))
		return;
	/* §10.3 step 3: a user registers only its own AOR */
	if (strcmp(user, aor) != 0) {
		vg_sip_log(VG_LOG_NOTICE, "REGISTER %s from %J by user %s: 403",
				aor, &msg->src, user);
		vg_sip_reply(srv, msg, 403, "Forbidden (not your AOR)");
		return;
	}
	apply_binding(srv, msg, aor);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Request sanity checks (RFC 3261 §8.2, §16.3) and OPTIONS. */
#include <string.h>

#include "sip_pvt.h"

static bool
all_digits(const struct pl *pl, size_t max_len)
{
	size_t i;

	if (pl->l == 0 || pl->l > max_len)
		return false;
	for (i = 0; i < pl->l; i++)
		if (pl->p[i] < '0' || pl->p[i] > '9')
			return false;
	return true;
}

static bool
we_handle(const struct sip_msg *msg)
{
	return pl_strcmp(&msg->met, "REGISTER") == 0 ||
			pl_strcmp(&msg->met, "OPTIONS") == 0 ||
			pl_strcmp(&msg->met, "INVITE") == 0;
}

struct tags {
	char buf[512];
	size_t len;
	bool timer_ok; /**< session timers on: "timer" is ours */
};

static bool
collect_tag(const struct sip_hdr *hdr, const struct sip_msg *msg, void *arg)
{
	struct tags *t = arg;
	int n;

	(void)msg;
	if (t->timer_ok && pl_strcasecmp(&hdr->val, "timer") == 0)
		return false;
	n = re_snprintf(t->buf + t->len, sizeof(t->buf) - t->len, "%s%r",
			t->len != 0 ? ", " : "", &hdr->val);
	if (n < 0)
		return true; /* full: name what fits */
	t->len += (size_t)n;
	return false;
}

/* 420 naming every option tag of Require (RFC 3261 §8.2.2.3) that we do
 * not implement: all but "timer" (RFC 4028, b2bua_timer.c) while
 * [sip] session_expires_s is not 0 (libre 1.1.0 has no 100rel). libre
 * splits the comma list into headers. */
static bool
reject_require(struct vg_sip_server *srv, const struct sip_msg *msg)
{
	struct tags t = {.len = 0};
	int err;

	if (sip_msg_hdr(msg, SIP_HDR_REQUIRE) == NULL || !we_handle(msg))
		return false;
	t.buf[0] = '\0';
	t.timer_ok = srv->cfg->sip.session_expires_s != 0 &&
			pl_strcmp(&msg->met, "INVITE") == 0;
	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_REQUIRE, collect_tag, &t);
	if (t.len == 0)
		return false;
	err = sip_treplyf(NULL, NULL, vg_sip_of(srv, msg), msg, false, 420,
			"Bad Extension",
			"Unsupported: %s\r\nContent-Length: 0\r\n\r\n", t.buf);
	if (err != 0)
		vg_sip_log(VG_LOG_WARNING, "reply 420 failed: %m", err);
	return true;
}

static bool
bad(struct vg_sip_server *srv, const struct sip_msg *msg, const char *why)
{
	vg_sip_log(VG_LOG_INFO, "%r from %J: 400 %s", &msg->met, &msg->src,
			why);
	vg_sip_reply(srv, msg, 400, why);
	return true;
}

bool
vg_sip_sanity_reject(struct vg_sip_server *srv, const struct sip_msg *msg)
{
	/* Without a Via there is nowhere to send a response. */
	if (!pl_isset(&msg->via.sentby) || !pl_isset(&msg->via.branch)) {
		vg_sip_log(VG_LOG_INFO,
				"%r from %J without a usable Via: dropped",
				&msg->met, &msg->src);
		return true;
	}
	if (!pl_isset(&msg->callid) ||
			sip_msg_hdr_count(msg, SIP_HDR_CALL_ID) != 1)
		return bad(srv, msg, "Bad Request (Call-ID)");
	if (!pl_isset(&msg->from.auri) ||
			sip_msg_hdr_count(msg, SIP_HDR_FROM) != 1)
		return bad(srv, msg, "Bad Request (From)");
	if (!pl_isset(&msg->to.auri) || sip_msg_hdr_count(msg, SIP_HDR_TO) != 1)
		return bad(srv, msg, "Bad Request (To)");
	if (!pl_isset(&msg->cseq.met) ||
			sip_msg_hdr_count(msg, SIP_HDR_CSEQ) != 1 ||
			pl_cmp(&msg->cseq.met, &msg->met) != 0)
		return bad(srv, msg, "Bad Request (CSeq)");
	if (pl_isset(&msg->maxfwd)) {
		if (!all_digits(&msg->maxfwd, 3))
			return bad(srv, msg, "Bad Request (Max-Forwards)");
		/* §16.3 step 3; OPTIONS with 0 is answered by us (§11) */
		if (pl_u32(&msg->maxfwd) == 0 &&
				pl_strcmp(&msg->met, "OPTIONS") != 0) {
			vg_sip_reply(srv, msg, 483, "Too Many Hops");
			return true;
		}
	}
	if (pl_strcasecmp(&msg->uri.scheme, "sip") != 0 &&
			pl_strcasecmp(&msg->uri.scheme, "sips") != 0) {
		vg_sip_reply(srv, msg, 416, "Unsupported URI Scheme");
		return true;
	}
	return reject_require(srv, msg);
}

void
vg_sip_options(struct vg_sip_server *srv, const struct sip_msg *msg)
{
	int err;

	/* An empty Supported is valid (RFC 3261 §25.1, Supported =
	 * "Supported" HCOLON [option-tag...]) */
	err = sip_treplyf(NULL, NULL, vg_sip_of(srv, msg), msg, false, 200, "OK",
			"Allow: " VG_SIP_ALLOW "\r\n"
			"Accept: application/sdp\r\n"
			"Accept-Language: en\r\n"
			"Supported: %s\r\n"
			"Content-Length: 0\r\n\r\n",
			srv->cfg->sip.session_expires_s != 0 ? "timer" : "");
	if (err != 0)
		vg_sip_log(VG_LOG_WARNING, "OPTIONS reply failed: %m", err);
}

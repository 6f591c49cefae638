/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file The control socket's commands of voxgate-cp (vg_ctl.h): "calls",
 * "registrations", "stats" and "dpread", each one JSON object, read by
 * voxgatectl.
 */

/* sizeof(struct vg_dpapi_reply), checked in dplink.c where it is known */
#define VG_CTL_DPREAD_SIZE 192
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "b2bua_pvt.h"
#include "vg_ctl.h"

static const char *
call_state(const struct vg_call *call)
{
	if (call->ending)
		return "ending";
	if (call->answered)
		return "answered";
	return call->a != NULL ? "ringing" : "trying";
}

static int
print_leg(struct re_printf *pf, const char *side, const struct sa *local,
		uint16_t port, const struct vg_sdp_info *remote,
		const struct vg_call_side *cs)
{
	struct sa r;
	int err;

	sa_init(&r, AF_INET);
	sa_set_in(&r, remote->remote_ip, remote->remote_port);
	err = re_hprintf(pf,
			"{\"side\":\"%s\",\"local\":\"%j:%u\","
			"\"remote\":\"%J\",\"codecs\":%H,",
			side, local, port, &r, vg_ctl_json_str,
			remote->codecs);
	/* the leg as negotiated: what the data plane is told (no keys) */
	if (cs->leg.codec >= 0)
		err |= re_hprintf(pf,
				"\"codec\":\"%s\",\"pt\":%u,\"ptime_ms\":%u,"
				"\"te_pt\":%u,\"cn_pt\":%u,",
				vg_cfg_codec_name(cs->leg.codec), cs->leg.pt,
				cs->leg.ptime_ms, cs->leg.te_pt, cs->leg.cn_pt);
	else
		err |= re_hprintf(pf, "\"codec\":null,");
	err |= re_hprintf(pf, "\"profile\":\"%s\",\"srtp\":",
			vg_sdp_profile_name(cs->profile) != NULL
					? vg_sdp_profile_name(cs->profile)
					: "?");
	if (cs->srtp && cs->rx.suite != VG_SDP_CRYPTO_NONE)
		err |= re_hprintf(pf, "\"%s\"}",
				vg_sdp_crypto_suite_name(cs->rx.suite));
	else
		err |= re_hprintf(pf, "%s}", cs->srtp ? "\"pending\"" : "null");
	return err;
}

static int
print_call(struct re_printf *pf, const struct vg_call *call)
{
	int err;

	err = re_hprintf(pf,
			"{\"id\":%llu,\"state\":\"%s\",\"from\":%H,\"to\":%H,"
			"\"route\":%H,\"callid_a\":%H,\"callid_b\":%H,"
			"\"start_ms\":%llu,\"answer_ms\":%llu,\"codecs\":%H,",
			(unsigned long long)call->id, call_state(call),
			vg_ctl_json_str, call->from, vg_ctl_json_str,
			call->to, vg_ctl_json_str, call->route,
			vg_ctl_json_str, call->callid_a, vg_ctl_json_str,
			call->callid_b, (unsigned long long)call->start_ms,
			(unsigned long long)call->answer_ms,
			vg_ctl_json_str, call->remote_b.codecs);
	if (call->has_sess)
		err |= re_hprintf(pf, "\"sess_id\":%u,\"leg_id\":[%u,%u],",
				call->sess_id, call->leg_id[0],
				call->leg_id[1]);
	else
		err |= re_hprintf(pf, "\"sess_id\":null,\"leg_id\":null,");
	err |= re_hprintf(pf, "\"legs\":[");
	err |= print_leg(pf, "a", &call->media_a, call->port_a,
			&call->remote_a, &call->side[0]);
	err |= re_hprintf(pf, ",");
	err |= print_leg(pf, "b", &call->media_b, call->port_b,
			&call->remote_b, &call->side[1]);
	err |= re_hprintf(pf, "],\"transcoding\":%s}",
			vg_call_transcoding(call) ? "true" : "false");
	return err;
}

static int
ctl_calls(struct re_printf *pf, const char *args, void *arg)
{
	const struct vg_b2bua *b2b = arg;
	struct le *le;
	int err;

	(void)args;
	err = re_hprintf(pf, "{\"calls\":[");
	for (le = list_head(&b2b->calls); le && err == 0; le = le->next) {
		err = print_call(pf, le->data);
		if (err == 0 && le->next != NULL)
			err = re_hprintf(pf, ",");
	}
	err |= re_hprintf(pf, "]}");
	return err != 0 ? -ENOMEM : 0;
}

struct reg_walk {
	struct re_printf *pf;
	char aor[VG_REG_URI_MAX];
	uint64_t now_ms;
	unsigned n;
	int err;
};

static bool
reg_binding(const char *aor, const struct vg_reg_binding *b, void *arg)
{
	struct reg_walk *w = arg;
	uint64_t left = b->expires_ms > w->now_ms ? b->expires_ms - w->now_ms
						  : 0;

	/* vg_reg_foreach() visits the bindings of one AOR together */
	if (w->n == 0 || strcmp(aor, w->aor) != 0) {
		w->err |= re_hprintf(w->pf, "%s{\"aor\":%H,\"contacts\":[",
				w->n == 0 ? "" : "]},", vg_ctl_json_str, aor);
		(void)re_snprintf(w->aor, sizeof(w->aor), "%s", aor);
	} else {
		w->err |= re_hprintf(w->pf, ",");
	}
	w->err |= re_hprintf(w->pf,
			"{\"uri\":%H,\"expires_in\":%llu,\"source\":%H,"
			"\"q\":%u}",
			vg_ctl_json_str, b->uri,
			(unsigned long long)(left / 1000), vg_ctl_json_str,
			b->source, b->q);
	w->n++;
	return w->err == 0;
}

static int
ctl_registrations(struct re_printf *pf, const char *args, void *arg)
{
	const struct vg_sip_server *srv = arg;
	struct reg_walk w;

	(void)args;
	memset(&w, 0, sizeof(w));
	w.pf = pf;
	w.now_ms = vg_sip_wallclock_ms();
	w.err = re_hprintf(pf, "{\"registrations\":[");
	vg_reg_foreach(srv->reg, w.now_ms, reg_binding, &w);
	w.err |= re_hprintf(pf, "%s]}", w.n > 0 ? "]}" : "");
	return w.err != 0 ? -ENOMEM : 0;
}

static int
ctl_stats(struct re_printf *pf, const char *args, void *arg)
{
	const struct vg_sip_server *srv = arg;
	const struct vg_b2bua *b2b = srv->b2b;
	enum vg_dplink_state st = vg_dplink_state(b2b->dp);
	int err;

	(void)args;
	err = re_hprintf(pf,
			"{\"calls_active\":%u,\"calls_total\":%llu,"
			"\"calls_rejected_overload\":%llu,"
			"\"registrations\":%zu,\"contacts\":%zu,"
			"\"media_ports_in_use\":%u,\"media_ports\":%u,"
			"\"dp\":{\"state\":\"%s\",\"attached\":%s,"
			"\"generation\":%llu,\"orphan_sessions\":%u,"
			"\"late_creates_undone\":%llu}}",
			b2b->n_calls, (unsigned long long)b2b->calls_total,
			(unsigned long long)b2b->rejected_overload,
			vg_reg_count_aors(srv->reg),
			vg_reg_count_bindings(srv->reg),
			vg_media_ports_in_use(b2b->ports),
			vg_media_ports_capacity(b2b->ports),
			vg_dplink_state_name(st),
			st == VG_DPLINK_UP ? "true" : "false",
			(unsigned long long)vg_dplink_generation(b2b->dp),
			list_count(&b2b->orphans),
			(unsigned long long)vg_dplink_undone_creates(b2b->dp));
	return err != 0 ? -ENOMEM : 0;
}

/*
 * "dpread TYPE SESS_ID": a read-only data-plane command on behalf of
 * voxgatectl (one command sender: voxgate-cp); the raw struct
 * vg_dpapi_reply comes back as hex.
 */
static int
ctl_dpread(struct re_printf *pf, const char *args, void *arg)
{
	const struct vg_b2bua *b2b = arg;
	uint8_t reply[256];
	unsigned long type, id;
	char *end;
	size_t i;
	int rc, err;

	type = strtoul(args, &end, 10);
	if (end == args || *end != ' ')
		return -EINVAL;
	id = strtoul(end + 1, &end, 10);
	if (*end != '\0' || id > UINT32_MAX)
		return -EINVAL;
	memset(reply, 0, sizeof(reply));
	rc = vg_dplink_read(b2b->dp, (uint32_t)type, (uint32_t)id, reply,
			sizeof(reply));
	if (rc != 0)
		return rc;
	err = re_hprintf(pf, "{\"reply\":\"");
	for (i = 0; i < VG_CTL_DPREAD_SIZE && err == 0; i++)
		err = re_hprintf(pf, "%02x", reply[i]);
	err |= re_hprintf(pf, "\"}");
	return err != 0 ? -ENOMEM : 0;
}

int
vg_sip_ctl_register(struct vg_sip_server *srv, struct vg_ctl_server *ctl)
{
	int rc;

	rc = vg_ctl_server_add(ctl, "calls", ctl_calls, srv->b2b);
	if (rc == 0)
		rc = vg_ctl_server_add(ctl, "registrations", ctl_registrations,
				srv);
	if (rc == 0)
		rc = vg_ctl_server_add(ctl, "stats", ctl_stats, srv);
	if (rc == 0)
		rc = vg_ctl_server_add(ctl, "dpread", ctl_dpread, srv->b2b);
	return rc;
}

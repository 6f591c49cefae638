/* SPDX-License-Identifier: BSD-3-Clause */
/** @file The SIP stack of voxgate-cp: transports, dispatch, timers. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sip_pvt.h"

/* libre's hash sizes must be powers of two (client/server transactions,
 * TCP connections). Transactions outlive their request by 32 s: at 1000
 * calls/s the B2BUA's INVITEs and BYEs toward B leave ~64k client ones. */
#define VG_SIP_CTSZ 16384
#define VG_SIP_STSZ 16384
#define VG_SIP_TCSZ 4096

#define VG_SIP_TICK_MS 500
#define VG_SIP_SWEEP_MS 10000
/* A 4 MiB UDP receive buffer holds ~4000 REGISTERs of a burst while the
 * loop answers: libre reads one datagram per poll event. */
#define VG_SIP_UDP_RCVBUF (4 * 1024 * 1024)
#define VG_SIP_FD_SCAN_MAX 4096
#define VG_SIP_NC_ENTRIES_MIN 65536
#define VG_SIP_NC_ENTRIES_MAX (4u << 20)

uint64_t
vg_sip_wallclock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
vg_sip_reply(struct vg_sip_server *srv, const struct sip_msg *msg,
		uint16_t scode, const char *reason)
{
	int err = sip_treplyf(NULL, NULL, vg_sip_of(srv, msg), msg, false,
			scode, reason,
			"Content-Length: 0\r\n\r\n");

	if (err != 0)
		vg_sip_log(VG_LOG_WARNING, "reply %u to %r from %J failed: %m",
				scode, &msg->met, &msg->src, err);
}

unsigned
vg_sip_ep_of(const struct vg_sip_server *srv, const struct sip_msg *msg)
{
	unsigned i;

	for (i = 0; i < srv->n_ep; i++)
		if (sa_cmp(&srv->ep[i].addr, &msg->dst, SA_ADDR))
			return i;
	return 0;
}

int
vg_sip_ep_by_addr(const struct vg_sip_server *srv, const struct sa *addr)
{
	unsigned i;

	for (i = 0; i < srv->n_ep; i++)
		if (sa_cmp(&srv->ep[i].addr, addr, SA_ADDR))
			return (int)i;
	return -1;
}

static bool
on_request(const struct sip_msg *msg, void *arg)
{
	struct vg_sip_server *srv = arg;

	vg_sip_log(VG_LOG_DEBUG, "%r %r from %s:%J call-id %r", &msg->met,
			&msg->ruri, sip_transp_name(msg->tp), &msg->src,
			&msg->callid);
	/* ACK is never answered (RFC 3261 §17.2.1): pass it on, so the
	 * B2BUA's sipsess listener (registered after this one) gets the
	 * ACKs of its 2xx; libre drops an ACK nobody takes. */
	if (pl_strcmp(&msg->met, "ACK") == 0)
		return false;
	if (vg_sip_sanity_reject(srv, msg))
		return true;
	if (pl_strcmp(&msg->met, "REGISTER") == 0) {
		vg_sip_register(srv, msg);
		return true;
	}
	if (pl_strcmp(&msg->met, "OPTIONS") == 0) {
		vg_sip_options(srv, msg);
		return true;
	}
	/* INVITE, BYE, CANCEL, ...: the B2BUA's listeners come after this
	 * one (b2bua.c) */
	return false;
}

static void
on_tick(void *arg)
{
	struct vg_sip_server *srv = arg;
	uint64_t now = vg_sip_wallclock_ms();
	int rc;

	if (now - srv->last_sweep_ms >= VG_SIP_SWEEP_MS) {
		size_t n = vg_reg_sweep(srv->reg, now);

		if (n != 0)
			vg_sip_log(VG_LOG_DEBUG, "%u registration(s) expired",
					(unsigned)n);
		srv->last_sweep_ms = now;
	}
	rc = vg_reg_flush(srv->reg, now);
	if (rc != 0)
		vg_sip_log(VG_LOG_ERROR, "saving registrations failed: %s",
				strerror(-rc));
}

static int
to_sa(const struct vg_cfg_listen *l, struct sa *sa)
{
	if (l->addr.family == AF_INET) {
		sa_set_in(sa, ntohl(l->addr.u.v4.s_addr), l->port);
		return 0;
	}
	if (l->addr.family == AF_INET6) {
		sa_set_in6(sa, l->addr.u.v6.s6_addr, l->port);
		return 0;
	}
	return -EINVAL;
}

/*
 * libre keeps its UDP socket private, so find it: the datagram socket
 * bound to laddr. Bounded scan of our own descriptors at start-up only.
 */
static void
raise_udp_rcvbuf(const struct sa *laddr)
{
	int fd, size = VG_SIP_UDP_RCVBUF, got = 0;
	socklen_t len;

	for (fd = 0; fd < VG_SIP_FD_SCAN_MAX; fd++) {
		struct sockaddr_storage ss;
		struct sa bound;
		int type = 0;

		len = sizeof(type);
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
				type != SOCK_DGRAM)
			continue;
		len = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
			continue;
		sa_init(&bound, AF_UNSPEC);
		if (sa_set_sa(&bound, (struct sockaddr *)&ss) != 0 ||
				!sa_cmp(&bound, laddr, SA_ALL))
			continue;
		/* FORCE passes rmem_max with CAP_NET_ADMIN; else the kernel
		 * caps the plain request at net.core.rmem_max. */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
				    sizeof(size)) != 0)
			(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size,
					sizeof(size));
		len = sizeof(got);
		(void)getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len);
		vg_sip_log(VG_LOG_INFO, "udp %J: receive buffer %d bytes%s",
				laddr, got,
				got < size ? " (raise net.core.rmem_max)" : "");
		return;
	}
	vg_sip_log(VG_LOG_WARNING,
			"udp %J: socket not found, receive buffer"
			" left at the system default",
			laddr);
}

/* The stack of a listen address: found, or made with our handler. */
static int
ep_for(struct vg_sip_server *srv, const struct sa *sa, struct sip **sipp)
{
	const char *ua = srv->cfg->sip.user_agent[0] != '\0'
			? srv->cfg->sip.user_agent
			: "voxgate";
	struct vg_sip_ep *ep;
	int i = vg_sip_ep_by_addr(srv, sa), rc;

	if (i >= 0) {
		*sipp = srv->ep[i].sip;
		return 0;
	}
	if (srv->n_ep == VG_CFG_MAX_LISTEN)
		return -ENOSPC;
	ep = &srv->ep[srv->n_ep];
	rc = vg_sip_err(sip_alloc(&ep->sip, NULL, VG_SIP_CTSZ, VG_SIP_STSZ,
			VG_SIP_TCSZ, ua, NULL, NULL));
	if (rc == 0)
		rc = vg_sip_err(sip_listen(&ep->lsnr, ep->sip, true,
				on_request, srv));
	if (rc != 0) {
		ep->lsnr = mem_deref(ep->lsnr);
		ep->sip = mem_deref(ep->sip);
		return rc;
	}
	ep->addr = *sa;
	sa_set_port(&ep->addr, 0);
	srv->n_ep++;
	*sipp = ep->sip;
	return 0;
}

static int
add_listener(struct vg_sip_server *srv, unsigned i)
{
	const struct vg_cfg_listen *l = &srv->cfg->sip.listen[i];
	enum sip_transp tp;
	struct sa sa, bound;
	struct sip *sip;
	int err, rc;

	if (to_sa(l, &sa) != 0)
		return -EINVAL;
	rc = ep_for(srv, &sa, &sip);
	if (rc != 0)
		return rc;
	switch (l->transport) {
	case VG_TP_UDP:
		tp = SIP_TRANSP_UDP;
		err = sip_transp_add(sip, tp, &sa);
		break;
	case VG_TP_TCP:
		tp = SIP_TRANSP_TCP;
		err = sip_transp_add(sip, tp, &sa);
		break;
	case VG_TP_TLS:
		tp = SIP_TRANSP_TLS;
		if (l->tls_cert[0] == '\0') {
			vg_sip_log(VG_LOG_ERROR,
					"tls listener %J needs tls_cert", &sa);
			return -EINVAL;
		}
		/* tls_cert is one PEM file with the certificate and key */
		err = tls_alloc(&srv->tls[i], TLS_METHOD_SSLV23, l->tls_cert,
				NULL);
		if (err != 0) {
			vg_sip_log(VG_LOG_ERROR, "tls certificate %s: %m",
					l->tls_cert, err);
			return -EIO;
		}
		err = sip_transp_add(sip, tp, &sa, srv->tls[i]);
		break;
	default:
		return -EINVAL;
	}
	if (err != 0) {
		vg_sip_log(VG_LOG_ERROR, "cannot listen on %s %J: %m",
				vg_cfg_transport_name(l->transport), &sa, err);
		return vg_sip_err(err);
	}
	bound = sa;
	if (sa_port(&sa) == 0)
		(void)sip_transp_laddr(sip, &bound, tp, &sa);
	if (tp == SIP_TRANSP_UDP)
		raise_udp_rcvbuf(&sa);
	vg_sip_log(VG_LOG_NOTICE, "listening on %s %J", sip_transp_name(tp),
			&sa);
	return 0;
}

static int
open_registrar(struct vg_sip_server *srv)
{
	struct vg_reg_params rp;
	int rc;

	vg_reg_params_from_config(&srv->cfg->sip, &rp);
	rc = vg_reg_create(&srv->reg, &rp);
	if (rc != 0)
		return rc;
	rc = vg_reg_load(srv->reg, vg_sip_wallclock_ms(), stderr);
	if (rc < 0) {
		/* unreadable (permissions): start empty rather than refuse
		 * service; the next save replaces it */
		vg_sip_log(VG_LOG_WARNING, "registrations file %s: %s", rp.file,
				strerror(-rc));
		return 0;
	}
	if (rp.file[0] != '\0')
		vg_sip_log(VG_LOG_NOTICE, "%d registration(s) restored from %s",
				rc, rp.file);
	return 0;
}

int
vg_sip_server_create(struct vg_sip_server **srvp, const struct vg_config *cfg)
{
	struct vg_sip_server *srv;
	struct vg_auth_params ap;
	unsigned i;
	int rc;

	if (srvp == NULL || cfg == NULL || cfg->sip.n_listen == 0)
		return -EINVAL;
	srv = calloc(1, sizeof(*srv));
	if (srv == NULL)
		return -ENOMEM;
	srv->cfg = cfg;
	vg_ticker_init(&srv->tick);

	vg_auth_params_from_config(&cfg->sip, &ap);
	/* Nonces in use are tracked in a bounded table that evicts inside a
	 * bucket; an evicted nonce costs the client a stale=true round trip.
	 * Size it for a re-registration storm of every user. */
	ap.nc_entries = cfg->n_users * 4 > VG_SIP_NC_ENTRIES_MIN
			? (cfg->n_users * 4 < VG_SIP_NC_ENTRIES_MAX
							  ? cfg->n_users * 4
							  : VG_SIP_NC_ENTRIES_MAX)
			: VG_SIP_NC_ENTRIES_MIN;
	rc = vg_auth_create(&srv->auth, &ap);
	if (rc == 0)
		rc = vg_auth_users_create(&srv->users, cfg);
	if (rc != 0) {
		vg_sip_log(VG_LOG_ERROR, "authentication: %s", strerror(-rc));
		goto fail;
	}
	rc = open_registrar(srv);
	if (rc != 0) {
		vg_sip_log(VG_LOG_ERROR, "registrar: %s", strerror(-rc));
		goto fail;
	}
	/* many TCP/TLS clients: libre's default descriptor limit is small */
	(void)fd_setsize(65536);
	/* one stack per listen address, our handler first on each */
	for (i = 0; i < cfg->sip.n_listen; i++) {
		rc = add_listener(srv, i);
		if (rc != 0)
			goto fail;
	}
	/* after our listener: INVITE, BYE and CANCEL pass through it */
	rc = vg_b2bua_create(&srv->b2b, srv);
	if (rc != 0) {
		vg_sip_log(VG_LOG_ERROR, "b2bua: %s", strerror(-rc));
		goto fail;
	}
	srv->last_sweep_ms = vg_sip_wallclock_ms();
	rc = vg_ticker_start(&srv->tick, VG_SIP_TICK_MS, on_tick, srv);
	if (rc != 0) {
		vg_sip_log(VG_LOG_ERROR, "tick timer: %s", strerror(-rc));
		goto fail;
	}
	*srvp = srv;
	return 0;
fail:
	(void)vg_sip_server_destroy(srv);
	return rc;
}

int
vg_sip_server_destroy(struct vg_sip_server *srv)
{
	unsigned i;
	int rc = 0;

	if (srv == NULL)
		return 0;
	vg_ticker_stop(&srv->tick);
	vg_b2bua_destroy(srv->b2b);
	srv->b2b = NULL;
	for (i = 0; i < srv->n_ep; i++) {
		srv->ep[i].lsnr = mem_deref(srv->ep[i].lsnr);
		sip_close(srv->ep[i].sip, true);
		srv->ep[i].sip = mem_deref(srv->ep[i].sip);
	}
	for (i = 0; i < VG_CFG_MAX_LISTEN; i++)
		srv->tls[i] = mem_deref(srv->tls[i]);
	if (srv->reg != NULL) {
		uint64_t now = vg_sip_wallclock_ms();

		rc = vg_reg_save(srv->reg, now);
		if (rc != 0)
			vg_sip_log(VG_LOG_ERROR,
					"saving registrations failed: %s",
					strerror(-rc));
		else if (srv->cfg->sip.registrations_file[0] != '\0')
			vg_sip_log(VG_LOG_NOTICE, "%u registration(s) saved",
					(unsigned)vg_reg_count_bindings(
							srv->reg));
	}
	vg_reg_destroy(srv->reg);
	vg_auth_destroy(srv->auth);
	vg_auth_users_destroy(srv->users);
	free(srv);
	return rc;
}

struct vg_registrar *
vg_sip_server_registrar(struct vg_sip_server *srv)
{
	return srv != NULL ? srv->reg : NULL;
}

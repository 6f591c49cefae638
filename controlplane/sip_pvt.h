/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Internals of the SIP front shared by the sip_*.c files. */
#ifndef VG_SIP_PVT_H
#define VG_SIP_PVT_H

#include <re.h>

#include "ticker.h"
#include "vg_auth.h"
#include "vg_b2bua.h"
#include "vg_registrar.h"
#include "vg_sip.h"

/** Methods we answer ourselves; the Allow header of every answer. */
#define VG_SIP_ALLOW "INVITE, ACK, BYE, CANCEL, REGISTER, OPTIONS"

/**
 * One libre SIP stack per listen address. libre 1.1.0 sends every request
 * it originates (an INVITE to a callee, a BYE to a caller) from the first
 * transport of its stack, whatever the destination: with one stack per
 * address the B2BUA picks the source address by choosing the stack
 * (the access side's toward callers, the core side's toward trunks).
 */
struct vg_sip_ep {
	struct sip *sip;
	struct sip_lsnr *lsnr; /**< our request handler on it */
	struct sa addr;	       /**< its listen address, port 0 */
};

struct vg_sip_server {
	const struct vg_config *cfg;	    /**< RO, owned by main() */
	struct vg_sip_ep ep[VG_CFG_MAX_LISTEN];
	unsigned n_ep;
	struct tls *tls[VG_CFG_MAX_LISTEN]; /**< one per TLS listener */
	struct vg_auth *auth;
	struct vg_auth_users *users; /**< cfg's [[user]] by name */
	struct vg_registrar *reg;
	struct vg_ticker tick; /**< expiry sweep and batched saves */
	struct vg_b2bua *b2b; /**< calls; created after our listener */
	uint64_t last_sweep_ms;
};

/** Index of the stack a request arrived on (0 when none matches). */
unsigned vg_sip_ep_of(const struct vg_sip_server *srv,
		const struct sip_msg *msg);

/** The stack a request arrived on: its responses go out there. */
static inline struct sip *
vg_sip_of(const struct vg_sip_server *srv, const struct sip_msg *msg)
{
	return srv->ep[vg_sip_ep_of(srv, msg)].sip;
}

/** Index of the stack listening on the IP of addr, or -1. */
int vg_sip_ep_by_addr(const struct vg_sip_server *srv, const struct sa *addr);

/**
 * RFC 3261 sanity checks common to every request (§8.2.1-8.2.2, §16.3).
 * @return true when the request was answered (or dropped) here
 */
bool vg_sip_sanity_reject(struct vg_sip_server *srv, const struct sip_msg *msg);

/** Answer OPTIONS: 200 with Allow, Accept, Supported. */
void vg_sip_options(struct vg_sip_server *srv, const struct sip_msg *msg);

/** Authenticate and apply a REGISTER, then answer it. */
void vg_sip_register(struct vg_sip_server *srv, const struct sip_msg *msg);

/**
 * Digest authentication of a request (RFC 3261 §22): Authorization and a
 * 401 challenge, or (proxy) Proxy-Authorization and a 407 challenge.
 * @return true when authenticated, with the user name in user; otherwise
 *         the request has been answered (401/407, 403 when locked out,
 *         400, 414 or 500)
 */
bool vg_sip_authenticate(struct vg_sip_server *srv, const struct sip_msg *msg,
		const char *method, bool proxy, char *user, size_t size);

/**
 * Start the B2BUA on a server whose listener is registered: its CANCEL
 * listener and libre's sipsess listener come after ours.
 * @return 0; -EINVAL (route table); -ENOMEM; -EINVAL for a port range
 */
int vg_b2bua_create(struct vg_b2bua **b2bp, struct vg_sip_server *srv);

/**
 * End every call (CANCEL / final answer / BYE), except answered calls
 * whose media the data plane keeps relaying (no BYE: see b2bua.c), then
 * free. NULL ok.
 */
void vg_b2bua_destroy(struct vg_b2bua *b2b);

/** Calls in progress. */
unsigned vg_b2bua_calls(const struct vg_b2bua *b2b);

/** Reply with no body; logs a failure to send. */
void vg_sip_reply(struct vg_sip_server *srv, const struct sip_msg *msg,
		uint16_t scode, const char *reason);

/**
 * vg_cp_log() with libre's format handlers (%r for a struct pl *, %J for a
 * struct sa *, %m for an errno); no compile-time format check.
 */
void vg_sip_log(enum vg_cfg_log_level level, const char *fmt, ...);

/** libre's positive errno to ours, at the one boundary. */
static inline int
vg_sip_err(int re_err)
{
	return re_err > 0 ? -re_err : re_err;
}

#endif /* VG_SIP_PVT_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The SIP front of voxgate-cp on libre: transports from [[sip.listen]],
 * request sanity checks (RFC 3261 §8.2, §16.3), OPTIONS, and REGISTER with
 * digest authentication (vg_auth.h) in front of the location service
 * (vg_registrar.h). INVITE, BYE and CANCEL go to the B2BUA
 * (vg_b2bua.h), which the server starts after its own listener.
 *
 * Threads: everything runs on the thread that called libre_init() and runs
 * re_main(); nothing here is thread-safe.
 * Errors: negative errno values (libre's positive ones are converted here).
 */
#ifndef VG_SIP_H
#define VG_SIP_H

#include <stdarg.h>

#include "vg_config.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vg_sip_server;
struct vg_registrar;

/**
 * Start the SIP service of cfg (which must outlive the server): create
 * the authentication context and the registrar (loading its file), open
 * every [[sip.listen]] transport and register the request handler. Call
 * after libre_init().
 * @return 0; -EINVAL (bad settings); -EADDRINUSE and other -errno from
 *         the sockets; -ENOMEM; -EIO (random source, TLS certificate)
 */
int vg_sip_server_create(
		struct vg_sip_server **srvp, const struct vg_config *cfg);

/**
 * Stop: close the transports, write the registrations (when a file is
 * configured) and free everything. NULL is ignored.
 * @return 0, or the -errno of the final save (the server is freed anyway)
 */
int vg_sip_server_destroy(struct vg_sip_server *srv);

/** The location service of a running server (for status output). */
struct vg_registrar *vg_sip_server_registrar(struct vg_sip_server *srv);

struct vg_ctl_server;

/**
 * Register the server's management commands on a control socket
 * (vg_ctl.h): "calls", "registrations", "stats".
 * @return 0 or a negative errno of vg_ctl_server_add()
 */
int vg_sip_ctl_register(struct vg_sip_server *srv, struct vg_ctl_server *ctl);

/** Wall-clock now in ms since the epoch: the registrar's clock. */
uint64_t vg_sip_wallclock_ms(void);

/**
 * Log to the configured destination when level is at or below the
 * configured one. Before vg_cp_log_open() lines go to stderr at INFO.
 */
void vg_cp_log(enum vg_cfg_log_level level, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));

/**
 * Set the level and destination of vg_cp_log() from [log]: file "" is
 * stderr, otherwise the file is opened for appending.
 * @return 0, or -errno when the file cannot be opened (stderr is kept)
 */
int vg_cp_log_open(const struct vg_cfg_log *log);

/** Close a log file opened by vg_cp_log_open(). */
void vg_cp_log_close(void);

#ifdef __cplusplus
}
#endif

#endif /* VG_SIP_H */

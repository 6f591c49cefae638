/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file voxgate-cp: the SIP control plane. Runs in the foreground on one
 * libre event loop until SIGINT or SIGTERM, then writes the registrations
 * and exits 0.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "vg_config.h"
#include "vg_sip.h"

static void
on_signal(int sig)
{
	vg_cp_log(VG_LOG_NOTICE, "signal %d: stopping", sig);
	re_cancel();
}

static int
run(const struct vg_config *cfg)
{
	struct vg_sip_server *srv = NULL;
	int err, rc;

	err = libre_init();
	if (err != 0) {
		vg_cp_log(VG_LOG_ERROR, "libre_init: %s", strerror(err));
		return 1;
	}
	rc = vg_sip_server_create(&srv, cfg);
	if (rc != 0) {
		vg_cp_log(VG_LOG_ERROR, "cannot start the SIP service: %s",
				strerror(-rc));
		libre_close();
		return 1;
	}
	vg_cp_log(VG_LOG_NOTICE, "running (realm \"%s\", %u user(s))",
			cfg->sip.realm, (unsigned)cfg->n_users);
	err = re_main(on_signal);
	rc = vg_sip_server_destroy(srv);
	libre_close();
	if (err != 0) {
		vg_cp_log(VG_LOG_ERROR, "event loop: %s", strerror(err));
		return 1;
	}
	vg_cp_log(VG_LOG_NOTICE, "stopped");
	return rc != 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	struct vg_cli cli;
	struct vg_config cfg;
	int rc;

	rc = vg_cli_start(argc, argv, "voxgate-cp",
			"The voxgate control plane: SIP registrar, digest "
			"authentication and B2BUA. Runs in the foreground; "
			"SIGINT or SIGTERM stops it.", &cli, &cfg);
	if (rc >= 0)
		return rc;
	rc = vg_cp_log_open(&cfg.log);
	if (rc != 0)
		vg_cp_log(VG_LOG_WARNING, "log file %s: %s; logging to stderr",
				cfg.log.file, strerror(-rc));
	/* a client that resets a TCP/TLS connection must not kill us */
	signal(SIGPIPE, SIG_IGN);
	rc = run(&cfg);
	vg_cp_log_close();
	vg_config_free(&cfg);
	return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file voxgate-cp: the SIP control plane. Runs in the foreground on one
 * libre event loop until SIGINT or SIGTERM, then writes the registrations
 * and exits 0.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/close_range.h>

#include <re.h>

#include "dplink.h"
#include "vg_config.h"
#include "vg_ctl.h"
#include "vg_sip.h"

/* run(): stopped to start again (exec_again()) */
#define RUN_AGAIN 2

/* a signal stopped us: stop, never start again */
static bool signalled;

static void
on_signal(int sig)
{
	vg_cp_log(VG_LOG_NOTICE, "signal %d: stopping", sig);
	signalled = true;
	re_cancel();
}

/*
 * The control socket of voxgate-cp (voxgatectl). One control plane per
 * data plane: a second one on the same file prefix stops here.
 * @return 0, or -EADDRINUSE (fatal); other failures only cost the socket
 */
static int
ctl_start(const struct vg_config *cfg, struct vg_sip_server *srv,
		struct vg_ctl_server **ctlp)
{
	char path[128];
	int rc;

	*ctlp = NULL;
	rc = vg_ctl_socket_path(cfg->eal.file_prefix, path, sizeof(path));
	if (rc == 0)
		rc = vg_ctl_server_create(ctlp, path);
	if (rc == -EADDRINUSE) {
		vg_cp_log(VG_LOG_ERROR,
				"another voxgate-cp answers on %s (file prefix"
				" %s): one control plane per data plane",
				path, cfg->eal.file_prefix);
		return rc;
	}
	if (rc == 0)
		rc = vg_sip_ctl_register(srv, *ctlp);
	if (rc != 0) {
		vg_cp_log(VG_LOG_WARNING,
				"control socket %s: %s; running without it",
				path, strerror(-rc));
		vg_ctl_server_destroy(*ctlp);
		*ctlp = NULL;
	}
	return 0;
}

static int
run(const struct vg_config *cfg)
{
	struct vg_sip_server *srv = NULL;
	struct vg_ctl_server *ctl = NULL;
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
	if (ctl_start(cfg, srv, &ctl) != 0) {
		(void)vg_sip_server_destroy(srv);
		libre_close();
		return 1;
	}
	vg_cp_log(VG_LOG_NOTICE, "running (realm \"%s\", %u user(s))",
			cfg->sip.realm, (unsigned)cfg->n_users);
	/* the data-plane link may want a new process already (its first
	 * attach runs in vg_sip_server_create()) */
	err = vg_dplink_restart_wanted() ? 0 : re_main(on_signal);
	vg_ctl_server_destroy(ctl);
	rc = vg_sip_server_destroy(srv);
	libre_close();
	if (err != 0) {
		vg_cp_log(VG_LOG_ERROR, "event loop: %s", strerror(err));
		return 1;
	}
	vg_cp_log(VG_LOG_NOTICE, "stopped");
	if (vg_dplink_restart_wanted() && !signalled)
		return RUN_AGAIN;
	return rc != 0 ? 1 : 0;
}

/* Start again as a new process (registrations were saved by the stop):
 * the data-plane link asked for it (vg_dplink_restart_wanted()). */
static void
exec_again(char **argv)
{
	const char *t = getenv(VG_DPLINK_TRY_ENV);
	char num[16];

	snprintf(num, sizeof(num), "%d", (t != NULL ? atoi(t) : 0) + 1);
	setenv(VG_DPLINK_TRY_ENV, num, 1);
	fflush(NULL);
	/* nothing of this process crosses: the EAL's files and locks from
	 * the failed attach would make the next one fail */
	if (close_range(3, ~0u, CLOSE_RANGE_CLOEXEC) != 0)
		vg_cp_log(VG_LOG_WARNING, "close_range: %s", strerror(errno));
	execv("/proc/self/exe", argv);
	vg_cp_log(VG_LOG_ERROR, "cannot start again: %s", strerror(errno));
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
	if (rc == RUN_AGAIN) {
		exec_again(argv);
		rc = 1;
	}
	return rc;
}

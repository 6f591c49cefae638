/* SPDX-License-Identifier: BSD-3-Clause */
/** @file voxgate-dp: the DPDK primary process that relays media. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "vg_config.h"
#include "vg_hw.h"
#include "dp_pvt.h"

static struct vg_dp the_dp;

static void
on_signal(int sig)
{
	(void)sig;
	atomic_store(&the_dp.stop, true);
}

int
main(int argc, char **argv)
{
	struct vg_cli cli;
	struct vg_config cfg;
	struct vg_hw_eal_args eal;
	struct sigaction sa;
	char msg[512];
	int rc, status = 1;

	rc = vg_cli_start(argc, argv, "voxgate-dp",
		"The voxgate data plane: DPDK primary process that owns the "
		"NICs and relays media.\nArguments after -- go to DPDK's EAL.",
		&cli, &cfg);
	if (rc >= 0)
		return rc;
	rc = vg_hw_eal_args_build(&cfg, VG_HW_PRIMARY, "voxgate-dp",
		cli.n_rest, cli.rest, &eal, msg, sizeof(msg));
	if (rc != 0) {
		fprintf(stderr, "voxgate-dp: %s\n", msg);
		goto out_cfg;
	}
	if (rte_eal_init(eal.argc, eal.argv) < 0) {
		fprintf(stderr, "voxgate-dp: DPDK EAL start-up failed: %s "
			"(hugepages reserved and mounted? lcores present? "
			"another voxgate-dp with file prefix '%s'?)\n",
			rte_strerror(rte_errno), cfg.eal.file_prefix);
		goto out_cfg;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	rc = vg_dp_init(&the_dp, &cfg, msg, sizeof(msg));
	if (rc != 0) {
		fprintf(stderr, "voxgate-dp: %s\n", msg);
		goto out_eal;
	}
	fprintf(stderr, "voxgate-dp: running: %u ports, %u workers, %u "
		"sessions, file prefix '%s'\n", the_dp.n_addrs,
		the_dp.n_workers, cfg.dp.max_sessions, cfg.eal.file_prefix);
	vg_dp_run(&the_dp);
	fprintf(stderr, "voxgate-dp: stopping\n");
	vg_dp_fini(&the_dp);
	status = 0;
out_eal:
	rte_eal_cleanup();
out_cfg:
	vg_config_free(&cfg);
	return status;
}

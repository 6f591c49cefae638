/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file A client built with another VG_DPAPI_ABI_VERSION (see meson.build)
 * that tries to attach to a running voxgate-dp: it must be refused with a
 * clear message. usage: vg-abi-probe FILE_PREFIX
 */
#include <stdio.h>

#include <rte_eal.h>

#include "vg_dpapi.h"

int
main(int argc, char **argv)
{
	char pfx[128], err[256] = "";
	struct vg_dpapi_client *c;

	if (argc != 2) {
		fprintf(stderr, "usage: vg-abi-probe FILE_PREFIX\n");
		return 2;
	}
	snprintf(pfx, sizeof(pfx), "--file-prefix=%s", argv[1]);
	char *eal[] = {argv[0], "-l", "0", "--proc-type=secondary", pfx,
		"--no-pci", "--log-level=3", NULL};
	if (rte_eal_init(7, eal) < 0) {
		fprintf(stderr, "vg-abi-probe: EAL start-up failed\n");
		return 2;
	}
	c = vg_dpapi_attach(argv[1], err, sizeof(err));
	if (c == NULL) {
		fprintf(stderr, "vg-abi-probe: refused: %s\n", err);
		rte_eal_cleanup();
		return 1;
	}
	printf("vg-abi-probe: attached with ABI %u\n", VG_DPAPI_ABI_VERSION);
	vg_dpapi_detach(c);
	rte_eal_cleanup();
	return 0;
}

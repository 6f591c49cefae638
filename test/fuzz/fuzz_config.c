/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * libFuzzer target for the whole configuration layer: TOML text through
 * vg_config_load_text() (parse, schema, ranges, enumerations, addresses,
 * cross-field rules), its errors printed, everything freed. A load
 * succeeds exactly when it reports no error, and every error's message
 * is a NUL-terminated string.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vg_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null_out;
	struct vg_cfg_errors errs;
	struct vg_config cfg;
	size_t i;
	int rc;

	if (null_out == NULL)
		null_out = fopen("/dev/null", "w");
	memset(&errs, 0, sizeof(errs));
	rc = vg_config_load_text((const char *)data, size, "fuzz.toml", &cfg,
		&errs);
	if (rc != 0 && rc != -EINVAL && rc != -ENOMEM)
		abort();
	if ((rc == 0) != (errs.n == 0) || (rc == -EINVAL && errs.n == 0))
		abort();
	for (i = 0; i < errs.n; i++)
		if (strnlen(errs.err[i].msg, sizeof(errs.err[i].msg)) ==
				sizeof(errs.err[i].msg))
			abort();
	if (null_out != NULL)
		vg_cfg_errors_print(&errs, "fuzz.toml", null_out);
	vg_cfg_errors_free(&errs);
	vg_config_free(&cfg);
	return 0;
}

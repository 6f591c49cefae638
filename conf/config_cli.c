/* SPDX-License-Identifier: BSD-3-Clause */
/** @file The command line both voxgate programs share. */
#include <errno.h>
#include <string.h>

#include "vg_config.h"

void
vg_cli_usage(FILE *out, const char *prog, const char *purpose)
{
	fprintf(out,
		"usage: %s [--config FILE] [--check-config [FILE]] [--help]"
		" [-- EXTRA...]\n"
		"%s\n\n"
		"  --config FILE         configuration (default %s)\n"
		"  --check-config [FILE] validate the configuration, print ok or"
		" every error\n"
		"                        as file:line:col: message, and exit\n"
		"  --help                show this text\n",
		prog, purpose, VG_CONFIG_DEFAULT_PATH);
}

int
vg_cli_parse(int argc, char **argv, struct vg_cli *cli, FILE *err)
{
	int i;

	memset(cli, 0, sizeof(*cli));
	cli->config_path = VG_CONFIG_DEFAULT_PATH;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			cli->n_rest = argc - i - 1;
			cli->rest = argv + i + 1;
			break;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cli->help = true;
		} else if (strcmp(a, "--config") == 0 ||
				strcmp(a, "-c") == 0) {
			if (i + 1 >= argc) {
				fprintf(err, "%s: %s needs a file name\n",
					argv[0], a);
				return -EINVAL;
			}
			cli->config_path = argv[++i];
		} else if (strncmp(a, "--config=", 9) == 0) {
			cli->config_path = a + 9;
		} else if (strcmp(a, "--check-config") == 0) {
			cli->check_only = true;
			/* The file may follow as its own word. */
			if (i + 1 < argc && argv[i + 1][0] != '-')
				cli->config_path = argv[++i];
		} else if (strncmp(a, "--check-config=", 15) == 0) {
			cli->check_only = true;
			cli->config_path = a + 15;
		} else {
			fprintf(err, "%s: unknown argument '%s' (try --help)\n",
				argv[0], a);
			return -EINVAL;
		}
	}
	return 0;
}

int
vg_cli_start(int argc, char **argv, const char *prog, const char *purpose,
		struct vg_cli *cli, struct vg_config *cfg)
{
	struct vg_cfg_errors errs = {0};
	int rc;

	if (vg_cli_parse(argc, argv, cli, stderr) != 0)
		return 2;
	if (cli->help) {
		vg_cli_usage(stdout, prog, purpose);
		return 0;
	}
	if (cli->check_only)
		return vg_config_check(cli->config_path, stdout, stderr);
	rc = vg_config_load_file(cli->config_path, cfg, &errs);
	if (rc != 0)
		vg_cfg_errors_print(&errs, cli->config_path, stderr);
	vg_cfg_errors_free(&errs);
	return rc != 0 ? 1 : -1;
}

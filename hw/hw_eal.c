/* SPDX-License-Identifier: BSD-3-Clause */
/** @file The EAL command line of voxgate's processes, built from config. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vg_hw.h"

static int
add_arg(struct vg_hw_eal_args *out, char *msg, size_t msg_size,
		const char *fmt, ...)
{
	va_list ap;
	int n;

	if (out->argc >= VG_HW_MAX_ARGS) {
		snprintf(msg, msg_size, "EAL command line longer than %d "
			"arguments", VG_HW_MAX_ARGS);
		return -E2BIG;
	}
	va_start(ap, fmt);
	n = vsnprintf(out->buf[out->argc], VG_HW_ARG_LEN, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= VG_HW_ARG_LEN) {
		snprintf(msg, msg_size, "EAL argument longer than %d bytes",
			VG_HW_ARG_LEN - 1);
		return -ENAMETOOLONG;
	}
	out->argv[out->argc] = out->buf[out->argc];
	out->argc++;
	out->argv[out->argc] = NULL;
	return 0;
}

static bool
is_vdev(const char *device)
{
	return strncmp(device, "net_", 4) == 0 ||
		strncmp(device, "eth_", 4) == 0;
}

int
vg_hw_device_name(const char *device, char *name, size_t size)
{
	size_t n = strcspn(device, ",");

	if (n == 0 || n >= size)
		return -EINVAL;
	memcpy(name, device, n);
	name[n] = '\0';
	return 0;
}

int
vg_hw_tap_name(const struct vg_cfg_port *port, char *name, size_t size)
{
	int n;

	if (port->exception != VG_EXC_TAP) {
		if (size > 0)
			name[0] = '\0';
		return 0;
	}
	if (port->exception_iface[0] != '\0')
		n = snprintf(name, size, "%s", port->exception_iface);
	else
		n = snprintf(name, size, "vg-%s", port->name);
	/* Linux interface names are at most 15 characters. */
	return (n < 0 || (size_t)n >= size || n > 15) ? -ENAMETOOLONG : 0;
}

static int
lcore_list(const struct vg_cfg_eal *eal, bool with_workers, char *buf,
		size_t size)
{
	size_t off;
	int n;
	uint16_t i;

	n = snprintf(buf, size, "%u", eal->main_lcore);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	off = (size_t)n;
	for (i = 0; with_workers && i < eal->n_workers; i++) {
		n = snprintf(buf + off, size - off, ",%u",
			eal->worker_lcores[i]);
		if (n < 0 || (size_t)n >= size - off)
			return -ENAMETOOLONG;
		off += (size_t)n;
	}
	return 0;
}

/* Does the config's or the caller's extra EAL arguments hold one that
 * starts with opt? */
static bool
has_arg(const struct vg_config *cfg, char *const *extra, int n_extra,
		const char *opt)
{
	size_t n = strlen(opt);
	uint16_t i;
	int k;

	for (i = 0; i < cfg->eal.n_extra_args; i++)
		if (strncmp(cfg->eal.extra_args[i], opt, n) == 0)
			return true;
	for (k = 0; k < n_extra; k++)
		if (strncmp(extra[k], opt, n) == 0)
			return true;
	return false;
}

int
vg_hw_eal_args_build(const struct vg_config *cfg, enum vg_hw_proc proc,
		const char *prog, int n_extra, char *const extra[],
		struct vg_hw_eal_args *out, char *msg, size_t msg_size)
{
	char lcores[VG_HW_ARG_LEN], tap[32];
	bool any_pci = false;
	uint16_t i;
	int rc, k;

	memset(out, 0, sizeof(*out));
	rc = add_arg(out, msg, msg_size, "%s", prog);
	if (rc)
		return rc;
	rc = lcore_list(&cfg->eal, proc == VG_HW_PRIMARY, lcores,
		sizeof(lcores));
	if (rc) {
		snprintf(msg, msg_size, "lcore list too long");
		return rc;
	}
	rc = add_arg(out, msg, msg_size, "-l");
	rc = rc ? rc : add_arg(out, msg, msg_size, "%s", lcores);
	rc = rc ? rc : add_arg(out, msg, msg_size, "--main-lcore=%u",
		cfg->eal.main_lcore);
	rc = rc ? rc : add_arg(out, msg, msg_size, "--file-prefix=%s",
		cfg->eal.file_prefix);
	if (rc)
		return rc;

	if (proc == VG_HW_SECONDARY) {
		rc = add_arg(out, msg, msg_size, "--proc-type=secondary");
		rc = rc ? rc : add_arg(out, msg, msg_size, "--no-pci");
		if (rc)
			return rc;
	} else {
		rc = add_arg(out, msg, msg_size, "--proc-type=primary");
		if (!rc && !cfg->eal.huge)
			rc = add_arg(out, msg, msg_size, "--no-huge");
		if (!rc && cfg->eal.memory_mb > 0)
			rc = add_arg(out, msg, msg_size, "-m%u",
				cfg->eal.memory_mb);
		for (i = 0; !rc && i < cfg->n_ports; i++) {
			const struct vg_cfg_port *p = &cfg->ports[i];

			if (is_vdev(p->device)) {
				rc = add_arg(out, msg, msg_size, "--vdev=%s",
					p->device);
			} else {
				any_pci = true;
				rc = add_arg(out, msg, msg_size, "-a%s",
					p->device);
			}
			if (rc || p->exception != VG_EXC_TAP)
				continue;
			rc = vg_hw_tap_name(p, tap, sizeof(tap));
			if (rc) {
				snprintf(msg, msg_size, "port '%s': exception "
					"interface name longer than 15",
					p->name);
				return rc;
			}
			rc = add_arg(out, msg, msg_size,
				"--vdev=net_tap%u,iface=%s", i, tap);
		}
		if (!rc && !any_pci)
			rc = add_arg(out, msg, msg_size, "--no-pci");
		/*
		 * Secondaries (voxgate-cp, voxgatectl) must map the primary's
		 * memory at the primary's addresses; where the kernel put it
		 * by default, their own mappings (libraries, ASan's shadow)
		 * sat in the way about one start in ten or twenty. An address
		 * far above those and below the stacks avoids that.
		 */
		if (!rc && !has_arg(cfg, extra, n_extra, "--base-virtaddr"))
			rc = add_arg(out, msg, msg_size,
				"--base-virtaddr=" VG_HW_BASE_VIRTADDR);
		if (rc)
			return rc;
	}
	for (i = 0; i < cfg->eal.n_extra_args; i++) {
		rc = add_arg(out, msg, msg_size, "%s", cfg->eal.extra_args[i]);
		if (rc)
			return rc;
	}
	for (k = 0; k < n_extra; k++) {
		rc = add_arg(out, msg, msg_size, "%s", extra[k]);
		if (rc)
			return rc;
	}
	return 0;
}

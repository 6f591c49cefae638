/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The configuration schema: one const table per TOML table, one line per
 * key (where it is stored, its type, default and range). conf/voxgate.toml
 * and conf/README.md document the same keys: change the three together.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "config_pvt.h"

/* Field of struct st: offset and width. */
#define VG_FLD(st, f) .off = offsetof(st, f), .size = sizeof(((st *)0)->f)

/* Array field f of struct st with its count field n. */
#define VG_ARR(st, f, n) \
	.off = offsetof(st, f), .size = sizeof(((st *)0)->f[0]), \
	.cap = sizeof(((st *)0)->f) / sizeof(((st *)0)->f[0]), \
	.count_off = offsetof(st, n), .count_size = sizeof(((st *)0)->n)

#define VG_UINT(st, k, f, d, lo, hi, fl) \
	{ .name = k, .kind = VG_CFG_UINT, VG_FLD(st, f), .def = d, \
	  .min = lo, .max = hi, .flags = fl }
#define VG_BOOL(st, k, f, d) \
	{ .name = k, .kind = VG_CFG_BOOL, VG_FLD(st, f), .def = d }
/* minlen 1: the string must not be empty */
#define VG_STR(st, k, f, d, minlen, fl) \
	{ .name = k, .kind = VG_CFG_STR, VG_FLD(st, f), .sdef = d, \
	  .min = minlen, .flags = fl }
#define VG_HEX(st, k, f) { .name = k, .kind = VG_CFG_HEX, VG_FLD(st, f) }
#define VG_ENUM(st, k, f, nm, d, fl) \
	{ .name = k, .kind = VG_CFG_ENUM, VG_FLD(st, f), .names = nm, \
	  .def = d, .flags = fl }
#define VG_ADDR(st, k, f, d, fl) \
	{ .name = k, .kind = VG_CFG_ADDR, VG_FLD(st, f), .sdef = d, \
	  .flags = fl }
#define VG_CIDR(st, k, f, d, fl) \
	{ .name = k, .kind = VG_CFG_CIDR, VG_FLD(st, f), .sdef = d, \
	  .flags = fl }
/* Arrays: d is the default as a comma-separated list. */
#define VG_LIST(st, k, kd, f, n, d, lo, hi, nm, fl) \
	{ .name = k, .kind = kd, VG_ARR(st, f, n), .sdef = d, .min = lo, \
	  .max = hi, .names = nm, .flags = fl }
/* A sub-table whose keys live in the parent's struct at field f. */
#define VG_SUB(k, o, sec) \
	{ .name = k, .kind = VG_CFG_TABLE, .off = o, .sub = &sec }
/* An array of tables in a fixed array f of struct st. */
#define VG_FIXED_TABLES(st, k, f, n, sec) \
	{ .name = k, .kind = VG_CFG_TABLES, VG_ARR(st, f, n), .sub = &sec }
/* An array of tables malloc'd at pointer f, at most max entries. */
#define VG_ALLOC_TABLES(st, k, f, n, max, sec) \
	{ .name = k, .kind = VG_CFG_TABLES, .off = offsetof(st, f), \
	  .count_off = offsetof(st, n), .count_size = sizeof(((st *)0)->n), \
	  .cap = max, .flags = VG_CFG_F_ALLOC, .sub = &sec }

#define VG_SECTION(nm, tbl, esize) \
	{ .name = nm, .keys = tbl, \
	  .n_keys = sizeof(tbl) / sizeof(tbl[0]), .elem_size = esize }

#define REQ VG_CFG_F_REQUIRED
#define POW2 VG_CFG_F_POW2

/* DPDK's RTE_MAX_LCORE on a default build. */
#define VG_MAX_LCORE_ID 127

const char *const vg_cfg_codec_names[] = {
	[VG_CODEC_PCMU] = "PCMU",
	[VG_CODEC_PCMA] = "PCMA",
	[VG_CODEC_G729] = "G729",
	[VG_CODEC_G722] = "G722",
	[VG_CODEC_OPUS] = "opus",
	[VG_CODEC_TELEPHONE_EVENT] = "telephone-event",
	[VG_CODEC_COUNT] = NULL,
};

const char *const vg_cfg_transport_names[] = {
	[VG_TP_UDP] = "udp",
	[VG_TP_TCP] = "tcp",
	[VG_TP_TLS] = "tls",
	NULL,
};

static const char *const log_levels[] = {
	[VG_LOG_ERROR] = "error",
	[VG_LOG_WARNING] = "warning",
	[VG_LOG_NOTICE] = "notice",
	[VG_LOG_INFO] = "info",
	[VG_LOG_DEBUG] = "debug",
	NULL,
};

static const char *const exceptions[] = {
	[VG_EXC_NONE] = "none",
	[VG_EXC_TAP] = "tap",
	NULL,
};

static const char *const latchings[] = {
	[VG_LATCH_OFF] = "off",
	[VG_LATCH_STRICT] = "strict",
	[VG_LATCH_ANY] = "any",
	NULL,
};

static const char *const srtps[] = {
	[VG_CFG_SRTP_OFF] = "off",
	[VG_CFG_SRTP_SDES] = "sdes",
	NULL,
};

static const char *const route_dests[] = {
	[VG_ROUTE_USER] = "user",
	[VG_ROUTE_TRUNK] = "trunk",
	NULL,
};

/* RFC 8760 algorithm names, in the order challenges offer them. */
static const char *const auth_algorithms[] = { "SHA-256", "MD5", NULL };

/*
 * [sip.auth] algorithms = ["SHA-256", "MD5"]: a list of names that sets two
 * flags, so it is read here rather than by a generic kind.
 */
static void
load_algorithms(struct vg_cfg_ctx *ctx, const struct vg_cfg_key *key,
		const struct vg_toml_value *v, void *base)
{
	struct vg_cfg_sip *sip = base;
	bool seen[2] = { false, false };
	size_t n, i;
	int j;

	(void)key;
	if (v == NULL) {
		sip->auth_sha256 = true;
		sip->auth_md5 = true;
		return;
	}
	if (vg_toml_type(v) != VG_TOML_ARRAY) {
		vg_cfg_err(ctx, vg_toml_pos(v),
			"expected an array for 'algorithms', found %s",
			vg_toml_type_name(vg_toml_type(v)));
		return;
	}
	n = vg_toml_array_len(v);
	if (n == 0) {
		vg_cfg_err(ctx, vg_toml_pos(v),
			"'algorithms' must not be empty");
		return;
	}
	for (i = 0; i < n; i++) {
		const struct vg_toml_value *e = vg_toml_array_at(v, i);
		const char *s;
		size_t len;

		if (vg_toml_string(e, &s, &len) != 0) {
			vg_cfg_err(ctx, vg_toml_pos(e),
				"expected a string in 'algorithms', found %s",
				vg_toml_type_name(vg_toml_type(e)));
			return;
		}
		for (j = 0; auth_algorithms[j] != NULL; j++)
			if (strcasecmp(auth_algorithms[j], s) == 0)
				break;
		if (auth_algorithms[j] == NULL) {
			vg_cfg_err(ctx, vg_toml_pos(e),
				"algorithms: \"%.40s\" is not one of"
				" \"SHA-256\", \"MD5\"", s);
			return;
		}
		if (seen[j]) {
			vg_cfg_err(ctx, vg_toml_pos(e),
				"algorithms: \"%s\" is listed twice",
				auth_algorithms[j]);
			return;
		}
		seen[j] = true;
	}
	sip->auth_sha256 = seen[0];
	sip->auth_md5 = seen[1];
}

static const struct vg_cfg_key eal_keys[] = {
	VG_STR(struct vg_cfg_eal, "file_prefix", file_prefix, "voxgate", 1, 0),
	VG_UINT(struct vg_cfg_eal, "main_lcore", main_lcore, 0, 0,
		VG_MAX_LCORE_ID, 0),
	VG_LIST(struct vg_cfg_eal, "worker_lcores", VG_CFG_UINTS,
		worker_lcores, n_workers, "1", 0, VG_MAX_LCORE_ID, NULL,
		VG_CFG_F_NOTEMPTY),
	VG_BOOL(struct vg_cfg_eal, "huge", huge, true),
	VG_UINT(struct vg_cfg_eal, "memory_mb", memory_mb, 0, 0, 1048576, 0),
	VG_LIST(struct vg_cfg_eal, "extra_args", VG_CFG_STRS, extra_args,
		n_extra_args, "", 0, 0, NULL, 0),
};

static const struct vg_cfg_key dataplane_keys[] = {
	VG_UINT(struct vg_cfg_dataplane, "burst_size", burst_size, 32, 1, 256,
		0),
	VG_UINT(struct vg_cfg_dataplane, "mempool_size", mempool_size, 65535,
		1024, 16777215, 0),
	VG_UINT(struct vg_cfg_dataplane, "mempool_cache", mempool_cache, 256,
		0, 512, 0),
	VG_UINT(struct vg_cfg_dataplane, "cmd_ring_size", cmd_ring_size, 1024,
		64, 65536, POW2),
	VG_UINT(struct vg_cfg_dataplane, "event_ring_size", event_ring_size,
		4096, 64, 65536, POW2),
	VG_UINT(struct vg_cfg_dataplane, "max_sessions", max_sessions, 16384,
		1, 4194304, 0),
	VG_UINT(struct vg_cfg_dataplane, "tx_drain_us", tx_drain_us, 100, 1,
		10000, 0),
	VG_UINT(struct vg_cfg_dataplane, "arp_timeout_s", arp_timeout_s, 300,
		1, 86400, 0),
	VG_UINT(struct vg_cfg_dataplane, "idle_sleep_us", idle_sleep_us, 100,
		0, 100000, 0),
};

static const struct vg_cfg_key port_keys[] = {
	VG_STR(struct vg_cfg_port, "name", name, "", 1, REQ),
	VG_STR(struct vg_cfg_port, "device", device, "", 1, REQ),
	VG_CIDR(struct vg_cfg_port, "address", address, NULL,
		REQ | VG_CFG_F_PREFIX),
	VG_ADDR(struct vg_cfg_port, "gateway", gateway, NULL, 0),
	VG_UINT(struct vg_cfg_port, "queues", queues, 1, 1, VG_CFG_MAX_LCORES,
		0),
	VG_UINT(struct vg_cfg_port, "rx_desc", rx_desc, 1024, 64, 16384, POW2),
	VG_UINT(struct vg_cfg_port, "tx_desc", tx_desc, 1024, 64, 16384, POW2),
	VG_UINT(struct vg_cfg_port, "mtu", mtu, 1500, 1280, 9600, 0),
	VG_ENUM(struct vg_cfg_port, "exception", exception, exceptions,
		VG_EXC_TAP, 0),
	VG_STR(struct vg_cfg_port, "exception_iface", exception_iface, "", 0,
		0),
	VG_CIDR(struct vg_cfg_port, "media_range", media_range, NULL,
		VG_CFG_F_PREFIX),
};

static const struct vg_cfg_key media_keys[] = {
	VG_UINT(struct vg_cfg_media, "port_min", port_min, 16384, 1024, 65534,
		VG_CFG_F_EVEN),
	VG_UINT(struct vg_cfg_media, "port_max", port_max, 32767, 1025, 65535,
		0),
	VG_UINT(struct vg_cfg_media, "timeout_s", timeout_s, 60, 0, 86400, 0),
	VG_UINT(struct vg_cfg_media, "hold_timeout_s", hold_timeout_s, 3600,
		0, 86400, 0),
	VG_LIST(struct vg_cfg_media, "codecs_allowed", VG_CFG_ENUMS, allowed,
		n_allowed, "PCMU,PCMA,G722,telephone-event", 0, 0,
		vg_cfg_codec_names, VG_CFG_F_NOTEMPTY),
	VG_LIST(struct vg_cfg_media, "codecs_preferred", VG_CFG_ENUMS,
		preferred, n_preferred, "", 0, 0, vg_cfg_codec_names, 0),
	VG_UINT(struct vg_cfg_media, "ptime_ms", ptime_ms, 20, 10, 120, 0),
	VG_ENUM(struct vg_cfg_media, "latching", latching, latchings,
		VG_LATCH_STRICT, 0),
	VG_BOOL(struct vg_cfg_media, "rewrite_ssrc", rewrite_ssrc, true),
	VG_UINT(struct vg_cfg_media, "dscp", dscp, 46, 0, 63, 0),
};

static const struct vg_cfg_key listen_keys[] = {
	VG_ENUM(struct vg_cfg_listen, "transport", transport,
		vg_cfg_transport_names, VG_TP_UDP, 0),
	VG_ADDR(struct vg_cfg_listen, "address", addr, NULL, REQ),
	VG_UINT(struct vg_cfg_listen, "port", port, 0, 0, 65535, 0),
	VG_STR(struct vg_cfg_listen, "tls_cert", tls_cert, "", 0, 0),
};

static const struct vg_cfg_section listen_section =
	VG_SECTION("sip.listen", listen_keys, sizeof(struct vg_cfg_listen));

static const struct vg_cfg_key auth_keys[] = {
	VG_UINT(struct vg_cfg_sip, "nonce_ttl_s", nonce_ttl_s, 300, 10, 3600,
		0),
	{ .name = "algorithms", .kind = VG_CFG_CUSTOM,
	  .load = load_algorithms },
	VG_UINT(struct vg_cfg_sip, "max_failures", max_failures, 5, 0, 1000,
		0),
	VG_UINT(struct vg_cfg_sip, "lockout_s", lockout_s, 300, 1, 86400, 0),
};

static const struct vg_cfg_section auth_section =
	VG_SECTION("sip.auth", auth_keys, 0);

static const struct vg_cfg_key registrar_keys[] = {
	VG_UINT(struct vg_cfg_sip, "min_expires", min_expires, 60, 1, 604800,
		0),
	VG_UINT(struct vg_cfg_sip, "default_expires", default_expires, 3600,
		1, 604800, 0),
	VG_UINT(struct vg_cfg_sip, "max_expires", max_expires, 7200, 1,
		604800, 0),
	VG_UINT(struct vg_cfg_sip, "max_contacts", max_contacts, 5, 1, 100, 0),
	VG_STR(struct vg_cfg_sip, "file", registrations_file, "", 0, 0),
};

static const struct vg_cfg_section registrar_section =
	VG_SECTION("sip.registrar", registrar_keys, 0);

static const struct vg_cfg_key sip_keys[] = {
	VG_STR(struct vg_cfg_sip, "realm", realm, "voxgate", 1, 0),
	VG_STR(struct vg_cfg_sip, "user_agent", user_agent, "voxgate", 0, 0),
	VG_FIXED_TABLES(struct vg_cfg_sip, "listen", listen, n_listen,
		listen_section),
	VG_SUB("auth", 0, auth_section),
	VG_SUB("registrar", 0, registrar_section),
	VG_UINT(struct vg_cfg_sip, "session_expires_s", session_expires_s,
		1800, 0, 86400, 0),
	VG_UINT(struct vg_cfg_sip, "min_se_s", min_se_s, 90, 90, 86400, 0),
	VG_UINT(struct vg_cfg_sip, "dscp", dscp, 24, 0, 63, 0),
};

static const struct vg_cfg_key user_keys[] = {
	VG_STR(struct vg_cfg_user, "name", name, "", 1, REQ),
	VG_STR(struct vg_cfg_user, "password", password, "", 1, 0),
	VG_HEX(struct vg_cfg_user, "ha1", ha1_md5),
	VG_HEX(struct vg_cfg_user, "ha1_sha256", ha1_sha256),
};

static const struct vg_cfg_key trunk_keys[] = {
	VG_STR(struct vg_cfg_trunk, "name", name, "", 1, REQ),
	VG_STR(struct vg_cfg_trunk, "host", host, "", 1, REQ),
	VG_UINT(struct vg_cfg_trunk, "port", port, 0, 0, 65535, 0),
	VG_ENUM(struct vg_cfg_trunk, "transport", transport,
		vg_cfg_transport_names, VG_TP_UDP, 0),
	VG_LIST(struct vg_cfg_trunk, "sources", VG_CFG_CIDRS, sources,
		n_sources, "", 0, 0, NULL, 0),
	VG_UINT(struct vg_cfg_trunk, "max_calls", max_calls, 0, 0, 1000000, 0),
	VG_ENUM(struct vg_cfg_trunk, "srtp", srtp, srtps, VG_CFG_SRTP_OFF, 0),
};

static const struct vg_cfg_key route_keys[] = {
	VG_STR(struct vg_cfg_route, "name", name, "", 1, REQ),
	VG_STR(struct vg_cfg_route, "match_prefix", match_prefix, "", 0, 0),
	VG_STR(struct vg_cfg_route, "match_pattern", match_pattern, "", 0, 0),
	VG_STR(struct vg_cfg_route, "from_user", from_user, "", 1, 0),
	VG_STR(struct vg_cfg_route, "from_trunk", from_trunk, "", 1, 0),
	VG_ENUM(struct vg_cfg_route, "to", dest, route_dests, VG_ROUTE_USER,
		REQ),
	VG_STR(struct vg_cfg_route, "trunk", trunk, "", 1, 0),
	VG_UINT(struct vg_cfg_route, "strip", strip, 0, 0, 32, 0),
	VG_STR(struct vg_cfg_route, "prefix", prefix, "", 0, 0),
};

static const struct vg_cfg_key limits_keys[] = {
	VG_UINT(struct vg_cfg_limits, "max_calls", max_calls, 10000, 1,
		4194304, 0),
	VG_UINT(struct vg_cfg_limits, "max_cps", max_cps, 100, 1, 100000, 0),
	VG_UINT(struct vg_cfg_limits, "retry_after_s", retry_after_s, 5, 1,
		3600, 0),
};

static const struct vg_cfg_key log_keys[] = {
	VG_ENUM(struct vg_cfg_log, "level", level, log_levels, VG_LOG_INFO, 0),
	VG_STR(struct vg_cfg_log, "file", file, "", 0, 0),
	VG_STR(struct vg_cfg_log, "cdr_file", cdr_file, "", 0, 0),
};

static const struct vg_cfg_section eal_section =
	VG_SECTION("eal", eal_keys, 0);
static const struct vg_cfg_section dataplane_section =
	VG_SECTION("dataplane", dataplane_keys, 0);
static const struct vg_cfg_section port_section =
	VG_SECTION("port", port_keys, sizeof(struct vg_cfg_port));
static const struct vg_cfg_section media_section =
	VG_SECTION("media", media_keys, 0);
static const struct vg_cfg_section sip_section =
	VG_SECTION("sip", sip_keys, 0);
static const struct vg_cfg_section user_section =
	VG_SECTION("user", user_keys, sizeof(struct vg_cfg_user));
static const struct vg_cfg_section trunk_section =
	VG_SECTION("trunk", trunk_keys, sizeof(struct vg_cfg_trunk));
static const struct vg_cfg_section route_section =
	VG_SECTION("route", route_keys, sizeof(struct vg_cfg_route));
static const struct vg_cfg_section limits_section =
	VG_SECTION("limits", limits_keys, 0);
static const struct vg_cfg_section log_section =
	VG_SECTION("log", log_keys, 0);

/* Practical bounds on the arrays of tables, far above real deployments. */
#define VG_MAX_PORTS 32
#define VG_MAX_USERS 1000000
#define VG_MAX_TRUNKS 10000
#define VG_MAX_ROUTES 100000

static const struct vg_cfg_key root_keys[] = {
	VG_SUB("eal", offsetof(struct vg_config, eal), eal_section),
	VG_SUB("dataplane", offsetof(struct vg_config, dp), dataplane_section),
	VG_ALLOC_TABLES(struct vg_config, "port", ports, n_ports, VG_MAX_PORTS,
		port_section),
	VG_SUB("media", offsetof(struct vg_config, media), media_section),
	VG_SUB("sip", offsetof(struct vg_config, sip), sip_section),
	VG_ALLOC_TABLES(struct vg_config, "user", users, n_users, VG_MAX_USERS,
		user_section),
	VG_ALLOC_TABLES(struct vg_config, "trunk", trunks, n_trunks,
		VG_MAX_TRUNKS, trunk_section),
	VG_ALLOC_TABLES(struct vg_config, "route", routes, n_routes,
		VG_MAX_ROUTES, route_section),
	VG_SUB("limits", offsetof(struct vg_config, limits), limits_section),
	VG_SUB("log", offsetof(struct vg_config, log), log_section),
};

const struct vg_cfg_section vg_cfg_root = VG_SECTION("", root_keys, 0);

void
vg_cfg_default_listen(struct vg_cfg_sip *sip)
{
	memset(&sip->listen[0], 0, sizeof(sip->listen[0]));
	sip->listen[0].transport = VG_TP_UDP;
	sip->listen[0].addr.family = AF_INET;
	sip->listen[0].port = 5060;
	sip->n_listen = 1;
}

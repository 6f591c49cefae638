/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The voxgate configuration: typed structs for one TOML file shared by
 * voxgate-dp and voxgate-cp, a loader that validates it, and the
 * --check-config entry point both programs use.
 *
 * conf/voxgate.toml is the annotated reference: every key with its default
 * and range. Keep it, this header and config_schema.c in step.
 *
 * Thread safety: no global state; a loaded struct vg_config is read-only
 * and may be shared by readers.
 */
#ifndef VG_CONFIG_H
#define VG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VG_CFG_NAME_MAX 64   /**< names: ports, users, trunks, routes */
#define VG_CFG_STR_MAX 256   /**< device strings, paths, realms */
#define VG_CFG_MAX_LCORES 64
#define VG_CFG_MAX_CODECS 16
#define VG_CFG_MAX_LISTEN 8
#define VG_CFG_MAX_EAL_ARGS 16
#define VG_CFG_MAX_CIDRS 16

/** An IPv4 or IPv6 address (network byte order in the union). */
struct vg_cfg_addr {
	int family;                  /**< AF_INET or AF_INET6; 0 = unset */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

/** address/prefix */
struct vg_cfg_cidr {
	struct vg_cfg_addr addr;
	uint8_t prefix;
};

enum vg_cfg_log_level {
	VG_LOG_ERROR,
	VG_LOG_WARNING,
	VG_LOG_NOTICE,
	VG_LOG_INFO,
	VG_LOG_DEBUG,
};

enum vg_cfg_transport {
	VG_TP_UDP,
	VG_TP_TCP,
	VG_TP_TLS,
};

enum vg_cfg_exception {
	VG_EXC_NONE,    /**< traffic for our address that is not media dropped */
	VG_EXC_TAP,     /**< handed to the kernel through a TAP device */
};

enum vg_cfg_latching {
	VG_LATCH_OFF,    /**< send to the SDP address only, never latch */
	VG_LATCH_STRICT, /**< latch first RTP from the SDP peer's address */
	VG_LATCH_ANY,    /**< latch first RTP from any source (NAT traversal) */
};

/** [[trunk]] srtp: the media security of the calls we send to a trunk. */
enum vg_cfg_srtp {
	VG_CFG_SRTP_OFF,  /**< plain RTP/AVP offers, no a=crypto */
	VG_CFG_SRTP_SDES, /**< RTP/SAVP offers keyed by SDES (RFC 4568) */
};

/** Codecs the appliance knows, in the order of enum values. */
enum vg_cfg_codec {
	VG_CODEC_PCMU,
	VG_CODEC_PCMA,
	VG_CODEC_G729,
	VG_CODEC_G722,
	VG_CODEC_OPUS,
	VG_CODEC_TELEPHONE_EVENT,
	VG_CODEC_COUNT,
};

/** [eal]: DPDK environment shared by both processes. */
struct vg_cfg_eal {
	char file_prefix[VG_CFG_NAME_MAX]; /**< shared-memory name/file prefix */
	uint16_t main_lcore;
	uint16_t worker_lcores[VG_CFG_MAX_LCORES];
	uint16_t n_workers;
	bool huge;                    /**< false: --no-huge (tests only) */
	uint32_t memory_mb;           /**< -m; 0 = let DPDK decide */
	char extra_args[VG_CFG_MAX_EAL_ARGS][VG_CFG_STR_MAX];
	uint16_t n_extra_args;
};

/** [dataplane]: sizes and timers of the media process. */
struct vg_cfg_dataplane {
	uint16_t burst_size;          /**< 1..256, default 32 */
	uint32_t mempool_size;        /**< mbufs per socket */
	uint32_t mempool_cache;
	uint32_t cmd_ring_size;       /**< power of two */
	uint32_t event_ring_size;     /**< power of two */
	uint32_t max_sessions;
	uint32_t tx_drain_us;
	uint32_t arp_timeout_s;       /**< neighbour entry ageing */
	uint32_t idle_sleep_us;       /**< main lcore sleep when idle; 0 = spin */
};

/** One [[port]]. */
struct vg_cfg_port {
	char name[VG_CFG_NAME_MAX];
	char device[VG_CFG_STR_MAX];  /**< PCI address or vdev string */
	struct vg_cfg_cidr address;   /**< our address and prefix on the link */
	struct vg_cfg_addr gateway;   /**< family 0 when none */
	uint16_t queues;              /**< must equal eal.n_workers */
	uint16_t rx_desc;
	uint16_t tx_desc;
	uint16_t mtu;
	enum vg_cfg_exception exception;
	char exception_iface[VG_CFG_NAME_MAX]; /**< kernel name of the TAP */
	/** extra media-only IPv4 addresses (RTP/RTCP, ARP, ICMP echo); prefix
	 * 0 = none; a network address (no host bits), at most
	 * VG_CFG_MEDIA_RANGE_MAX addresses, all of them used */
	struct vg_cfg_cidr media_range;
};

/** Most addresses one [[port]] media_range may hold (a /22). */
#define VG_CFG_MEDIA_RANGE_MAX 1024

/** [media] */
struct vg_cfg_media {
	uint16_t port_min;            /**< even, < port_max */
	uint16_t port_max;
	uint32_t timeout_s;           /**< no media for this long ends a call */
	uint32_t hold_timeout_s;      /**< the same while on hold */
	enum vg_cfg_codec allowed[VG_CFG_MAX_CODECS];
	uint8_t n_allowed;
	enum vg_cfg_codec preferred[VG_CFG_MAX_CODECS]; /**< subset of allowed */
	uint8_t n_preferred;
	uint16_t ptime_ms;
	enum vg_cfg_latching latching;
	bool rewrite_ssrc;            /**< keep outgoing SSRC/seq/ts continuous */
	uint8_t dscp;                 /**< DSCP of relayed RTP, 46 = EF */
};

/** One [[sip.listen]] entry. */
struct vg_cfg_listen {
	enum vg_cfg_transport transport;
	struct vg_cfg_addr addr;
	uint16_t port;                  /**< 5060 (5061 for tls) when not set */
	char tls_cert[VG_CFG_STR_MAX];  /**< required for tls: PEM, cert+key */
};

/** [sip] with [sip.auth] and [sip.registrar]. */
struct vg_cfg_sip {
	char realm[VG_CFG_STR_MAX];
	char user_agent[VG_CFG_NAME_MAX];
	struct vg_cfg_listen listen[VG_CFG_MAX_LISTEN];
	uint8_t n_listen;
	/* auth */
	uint32_t nonce_ttl_s;
	bool auth_md5;
	bool auth_sha256;
	uint32_t max_failures;        /**< before a lockout */
	uint32_t lockout_s;
	/* registrar */
	uint32_t min_expires;
	uint32_t default_expires;
	uint32_t max_expires;
	uint32_t max_contacts;        /**< per address-of-record */
	char registrations_file[VG_CFG_STR_MAX];
	/* timers */
	uint32_t session_expires_s;   /**< RFC 4028; 0 = off */
	uint32_t min_se_s;
	uint8_t dscp;                 /**< DSCP of SIP we send, 24 = CS3 */
};

/** One [[user]]: exactly one of password or ha1 is set. */
struct vg_cfg_user {
	char name[VG_CFG_NAME_MAX];
	char password[VG_CFG_NAME_MAX];
	char ha1_md5[33];             /**< lowercase hex, or "" */
	char ha1_sha256[65];          /**< lowercase hex, or "" */
};

/** One [[trunk]]. */
struct vg_cfg_trunk {
	char name[VG_CFG_NAME_MAX];
	char host[VG_CFG_STR_MAX];    /**< where calls to the trunk go */
	uint16_t port;                /**< 5060 (5061 for tls) when not set */
	enum vg_cfg_transport transport;
	struct vg_cfg_cidr sources[VG_CFG_MAX_CIDRS]; /**< trusted sources */
	uint8_t n_sources;
	uint32_t max_calls;           /**< concurrent calls; 0 = no limit */
	enum vg_cfg_srtp srtp;        /**< what we offer toward the trunk */
};

enum vg_cfg_route_dest {
	VG_ROUTE_USER,   /**< a registered user: the (rewritten) R-URI user */
	VG_ROUTE_TRUNK,  /**< a static trunk */
};

/** One [[route]]; routes are tried in file order, first match wins. */
struct vg_cfg_route {
	char name[VG_CFG_NAME_MAX];
	char match_prefix[VG_CFG_NAME_MAX];  /**< "" matches every user */
	char match_pattern[VG_CFG_NAME_MAX]; /**< POSIX ERE, "" = none */
	char from_user[VG_CFG_NAME_MAX];     /**< "" = any */
	char from_trunk[VG_CFG_NAME_MAX];    /**< "" = any */
	enum vg_cfg_route_dest dest;
	char trunk[VG_CFG_NAME_MAX];         /**< VG_ROUTE_TRUNK */
	uint8_t strip;                       /**< leading digits removed */
	char prefix[VG_CFG_NAME_MAX];        /**< then prepended */
};

/** [limits] */
struct vg_cfg_limits {
	uint32_t max_calls;
	uint32_t max_cps;
	uint32_t retry_after_s;
};

/** [log] */
struct vg_cfg_log {
	enum vg_cfg_log_level level;
	char file[VG_CFG_STR_MAX];      /**< "" = stderr */
	char cdr_file[VG_CFG_STR_MAX];  /**< CDRs, one JSON object per line */
};

/** A loaded, validated configuration. */
struct vg_config {
	char path[VG_CFG_STR_MAX];
	struct vg_cfg_eal eal;
	struct vg_cfg_dataplane dp;
	struct vg_cfg_port *ports;
	uint16_t n_ports;
	struct vg_cfg_media media;
	struct vg_cfg_sip sip;
	struct vg_cfg_user *users;
	uint32_t n_users;
	struct vg_cfg_trunk *trunks;
	uint32_t n_trunks;
	struct vg_cfg_route *routes;
	uint32_t n_routes;
	struct vg_cfg_limits limits;
	struct vg_cfg_log log;
};

/** One validation or parse error. */
struct vg_cfg_error {
	uint32_t line, col;  /**< 0 when the error has no place (missing key:
				the place of the table that lacks it) */
	char msg[240];
};

/** Every error found in one load, in file order. */
struct vg_cfg_errors {
	struct vg_cfg_error *err;
	size_t n;
	size_t cap;
};

/** Fill a configuration with every default (no ports, users, ...). */
void vg_config_defaults(struct vg_config *cfg);

/**
 * Load and validate a configuration from TOML text.
 *
 * Reports every error it finds (types, ranges, enumerations, addresses,
 * unknown keys with a "did you mean" suggestion, cross-field rules), not
 * only the first. On success *cfg holds the configuration; on failure it
 * holds the defaults and errs lists what was wrong.
 *
 * @return 0, -EINVAL when errs is not empty, -ENOMEM
 */
int vg_config_load_text(const char *text, size_t len, const char *path,
		struct vg_config *cfg, struct vg_cfg_errors *errs);

/** Read a file and vg_config_load_text() it; -errno when unreadable. */
int vg_config_load_file(const char *path, struct vg_config *cfg,
		struct vg_cfg_errors *errs);

/** Release what a load allocated (ports, users, trunks, routes). */
void vg_config_free(struct vg_config *cfg);

/** Release the error list. */
void vg_cfg_errors_free(struct vg_cfg_errors *errs);

/** Print errors as "file:line:col: message", one per line. */
void vg_cfg_errors_print(const struct vg_cfg_errors *errs, const char *path,
		FILE *out);

/**
 * The --check-config action of both programs: load path, print "ok" to
 * out or the errors to err.
 * @return 0 when valid, 1 otherwise (usable as an exit code)
 */
int vg_config_check(const char *path, FILE *out, FILE *err);

/** Look up helpers used by both processes. */
const char *vg_cfg_codec_name(enum vg_cfg_codec c);
int vg_cfg_codec_from_name(const char *name);  /**< -1 when unknown */
/** "udp", "tcp", "tls": the spelling of the configuration file. */
const char *vg_cfg_transport_name(enum vg_cfg_transport t);
const struct vg_cfg_user *vg_config_user(const struct vg_config *cfg,
		const char *name);
const struct vg_cfg_trunk *vg_config_trunk(const struct vg_config *cfg,
		const char *name);
/** true when addr is inside cidr (same family). */
bool vg_cfg_cidr_contains(const struct vg_cfg_cidr *cidr,
		const struct vg_cfg_addr *addr);
/** Format an address into buf (INET6_ADDRSTRLEN is enough). */
const char *vg_cfg_addr_str(const struct vg_cfg_addr *a, char *buf,
		size_t size);

/**
 * Media addresses: the addresses that RTP/RTCP may use, numbered in port
 * order, each port's own address first, then its media_range in
 * ascending order. This index is vg_dpapi_leg.local_addr.
 */
static inline uint32_t
vg_cfg_port_media_addrs(const struct vg_cfg_port *p)
{
	return 1u + (p->media_range.addr.family == AF_INET ?
		1u << (32 - p->media_range.prefix) : 0u);
}

/** How many media addresses the configuration has (see above). */
static inline uint32_t
vg_cfg_media_addr_count(const struct vg_config *cfg)
{
	uint32_t n = 0;
	uint16_t i;

	for (i = 0; i < cfg->n_ports; i++)
		n += vg_cfg_port_media_addrs(&cfg->ports[i]);
	return n;
}

/**
 * Media address idx: its [[port]] index and its IPv4 address (network
 * order). @return 0, or -ENOENT when idx >= vg_cfg_media_addr_count()
 */
static inline int
vg_cfg_media_addr(const struct vg_config *cfg, uint32_t idx, uint16_t *port,
		struct in_addr *ip)
{
	uint16_t i;

	for (i = 0; i < cfg->n_ports; i++) {
		const struct vg_cfg_port *p = &cfg->ports[i];
		uint32_t n = vg_cfg_port_media_addrs(p);

		if (idx >= n) {
			idx -= n;
			continue;
		}
		*port = i;
		if (idx == 0)
			*ip = p->address.addr.u.v4;
		else
			ip->s_addr = htonl(ntohl(p->media_range.addr.u.v4.s_addr)
				+ idx - 1);
		return 0;
	}
	return -ENOENT;
}

/** Default configuration path of both programs. */
#define VG_CONFIG_DEFAULT_PATH "/etc/voxgate/voxgate.toml"

/** Command line shared by voxgate-dp and voxgate-cp. */
struct vg_cli {
	const char *config_path;  /**< --config FILE (default above) */
	bool check_only;          /**< --check-config [FILE] */
	bool help;                /**< --help */
	int n_rest;               /**< arguments after "--" (EAL extras) */
	char **rest;
};

/**
 * Parse "--config FILE", "--check-config [FILE]", "--help" and an optional
 * "--" followed by extra arguments.
 * @return 0, or -EINVAL after printing what was wrong to err
 */
int vg_cli_parse(int argc, char **argv, struct vg_cli *cli, FILE *err);

/** Print the usage text of a program (name, one-line purpose). */
void vg_cli_usage(FILE *out, const char *prog, const char *purpose);

/**
 * The start of both programs' main(): parse the command line, then
 * --help, --check-config, or load the configuration into cfg (errors
 * printed as file:line:col to stderr).
 * @return -1 when the program goes on with cli and cfg filled (free cfg
 *         with vg_config_free()), else the exit status to return
 */
int vg_cli_start(int argc, char **argv, const char *prog,
		const char *purpose, struct vg_cli *cli, struct vg_config *cfg);

#ifdef __cplusplus
}
#endif

#endif /* VG_CONFIG_H */

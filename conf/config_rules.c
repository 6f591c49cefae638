/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Configuration rules that involve more than one key (lcore layout, queue
 * counts, codec subsets, references between routes, users and trunks,
 * unique names), and the values derived from other keys once all are read.
 *
 * A rule reports at the position of the value that breaks it, or of the
 * table that lacks a key it needs. A rule skips values that already have an
 * error, so one mistake is reported once.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <net/if.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_pvt.h"

static const struct vg_toml_pos vg_top = { 1, 1 };

/* A top-level table, or NULL when the file does not have it. */
static const struct vg_toml_value *
section(const struct vg_cfg_ctx *ctx, const char *name)
{
	const struct vg_toml_value *v = vg_toml_table_get(ctx->root, name);

	return v != NULL && vg_toml_type(v) == VG_TOML_TABLE ? v : NULL;
}

/* A sub-table of a top-level table ([sip.registrar]). */
static const struct vg_toml_value *
subsection(const struct vg_cfg_ctx *ctx, const char *name, const char *sub)
{
	const struct vg_toml_value *v = section(ctx, name);

	v = vg_toml_table_get(v, sub);
	return v != NULL && vg_toml_type(v) == VG_TOML_TABLE ? v : NULL;
}

/* Element i of a top-level array of tables ([[port]] number i). */
static const struct vg_toml_value *
elem(const struct vg_cfg_ctx *ctx, const char *name, size_t i)
{
	return vg_toml_array_at(vg_toml_table_get(ctx->root, name), i);
}

static bool
has(const struct vg_toml_value *t, const char *key)
{
	return vg_toml_table_get(t, key) != NULL;
}

/* The key is in the file and its value was already found wrong. */
static bool
bad(const struct vg_cfg_ctx *ctx, const struct vg_toml_value *t,
		const char *key)
{
	return vg_cfg_is_bad(ctx, vg_toml_table_get(t, key));
}

static struct vg_toml_pos
at(const struct vg_toml_value *t, const char *key)
{
	return vg_cfg_pos(t, key, vg_top);
}

/* One entry of the index check_unique_names() sorts. */
struct vg_cfg_named {
	const char *name;
	size_t idx;
};

static int
cmp_named(const void *a, const void *b)
{
	const struct vg_cfg_named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Report every name that an earlier element of the same array already
 * uses. Sorted, not pairwise: a file may hold a hundred thousand users.
 * name_of returns the name of element i.
 */
static void
check_unique_names(struct vg_cfg_ctx *ctx, const char *array, size_t n,
		const char *(*name_of)(const struct vg_config *, size_t),
		const char *what)
{
	struct vg_cfg_named *idx;
	size_t i, first = 0;

	if (n < 2)
		return;
	idx = malloc(n * sizeof(*idx));
	if (idx == NULL) {
		ctx->nomem = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		idx[i].name = name_of(ctx->cfg, i);
		idx[i].idx = i;
	}
	qsort(idx, n, sizeof(*idx), cmp_named);
	for (i = 1; i < n; i++) {
		if (strcmp(idx[i].name, idx[first].name) != 0) {
			first = i;
			continue;
		}
		if (idx[i].name[0] == '\0')
			continue;
		vg_cfg_err(ctx, at(elem(ctx, array, idx[i].idx), "name"),
			"duplicate %s name '%s' (first defined at line %"
			PRIu32 ")", what, idx[i].name,
			at(elem(ctx, array, idx[first].idx), "name").line);
	}
	free(idx);
}

static const char *
port_name(const struct vg_config *cfg, size_t i)
{
	return cfg->ports[i].name;
}

static const char *
user_name(const struct vg_config *cfg, size_t i)
{
	return cfg->users[i].name;
}

static const char *
trunk_name(const struct vg_config *cfg, size_t i)
{
	return cfg->trunks[i].name;
}

static const char *
route_name(const struct vg_config *cfg, size_t i)
{
	return cfg->routes[i].name;
}

/* "port 'access'", or "port #2" when the name is missing. */
static const char *
label(char *buf, size_t size, const char *what, const char *name, size_t i)
{
	if (name[0] != '\0')
		snprintf(buf, size, "%s '%s'", what, name);
	else
		snprintf(buf, size, "%s #%zu", what, i + 1);
	return buf;
}

void
vg_cfg_derive(struct vg_cfg_ctx *ctx)
{
	struct vg_config *cfg = ctx->cfg;
	struct vg_cfg_cidr host;
	bool had_prefix;
	uint32_t i;

	for (i = 0; i < cfg->n_ports; i++) {
		struct vg_cfg_port *p = &cfg->ports[i];

		/* Kernel interface names are at most IFNAMSIZ - 1 bytes. */
		if (p->exception == VG_EXC_TAP && p->exception_iface[0] == '\0')
			snprintf(p->exception_iface, IFNAMSIZ, "vg-%.12s",
				p->name);
	}
	for (i = 0; i < cfg->sip.n_listen; i++) {
		struct vg_cfg_listen *l = &cfg->sip.listen[i];

		if (l->port == 0)
			l->port = l->transport == VG_TP_TLS ? 5061 : 5060;
	}
	for (i = 0; i < cfg->n_trunks; i++) {
		struct vg_cfg_trunk *t = &cfg->trunks[i];

		if (t->port == 0)
			t->port = t->transport == VG_TP_TLS ? 5061 : 5060;
		/* A trunk given by address is trusted from that address. */
		if (t->n_sources == 0 &&
				vg_cfg_parse_cidr(t->host, &host,
					&had_prefix) == 0 && !had_prefix) {
			t->sources[0] = host;
			t->n_sources = 1;
		}
	}
}

/* EAL options the configuration owns must not come in through extra_args. */
static const struct {
	const char *opt;
	const char *key;
} vg_owned_eal_opts[] = {
	{ "--file-prefix", "file_prefix" },
	{ "--main-lcore", "main_lcore" },
	{ "--lcores", "main_lcore and worker_lcores" },
	{ "-l", "main_lcore and worker_lcores" },
	{ "-c", "main_lcore and worker_lcores" },
	{ "-m", "memory_mb" },
	{ "--no-huge", "huge" },
	{ "--proc-type", "each program (primary or secondary)" },
};

static void
rule_eal(struct vg_cfg_ctx *ctx)
{
	const struct vg_cfg_eal *eal = &ctx->cfg->eal;
	const struct vg_toml_value *t = section(ctx, "eal");
	const struct vg_toml_value *w = vg_toml_table_get(t, "worker_lcores");
	const struct vg_toml_value *x = vg_toml_table_get(t, "extra_args");
	const char *p;
	size_t i, j, n;

	for (p = eal->file_prefix; *p != '\0'; p++)
		if (!(*p == '-' || *p == '_' || *p == '.' ||
				(*p >= '0' && *p <= '9') ||
				(*p >= 'a' && *p <= 'z') ||
				(*p >= 'A' && *p <= 'Z')))
			break;
	if (*p != '\0')
		vg_cfg_err(ctx, at(t, "file_prefix"),
			"file_prefix \"%s\" may use only letters, digits,"
			" '-', '_' and '.'", eal->file_prefix);

	/* Checked per entry: a repeated worker does not hide this one. */
	if (!bad(ctx, t, "main_lcore"))
		for (i = 0; i < eal->n_workers; i++) {
			if (eal->worker_lcores[i] != eal->main_lcore ||
					vg_cfg_is_bad(ctx,
						vg_toml_array_at(w, i)))
				continue;
			vg_cfg_err(ctx,
				w ? vg_toml_pos(vg_toml_array_at(w, i)) :
					at(t, "main_lcore"),
				"lcore %u is both the main lcore and a worker",
				eal->main_lcore);
		}

	n = bad(ctx, t, "extra_args") ? 0 : eal->n_extra_args;
	for (i = 0; i < n; i++) {
		const char *a = eal->extra_args[i];

		for (j = 0; j < sizeof(vg_owned_eal_opts) /
				sizeof(vg_owned_eal_opts[0]); j++) {
			const char *o = vg_owned_eal_opts[j].opt;
			size_t len = strlen(o);
			bool shrt = o[1] != '-';

			/* "-l0-3" is -l; "--lcores-x" is not --lcores */
			if (strncmp(a, o, len) != 0 || (!shrt &&
					a[len] != '\0' && a[len] != '='))
				continue;
			vg_cfg_err(ctx, vg_toml_pos(vg_toml_array_at(x, i)),
				"extra_args: \"%s\" is set by %s", a,
				vg_owned_eal_opts[j].key);
			break;
		}
	}
}

static void
rule_dataplane(struct vg_cfg_ctx *ctx)
{
	const struct vg_config *cfg = ctx->cfg;
	const struct vg_cfg_dataplane *dp = &cfg->dp;
	const struct vg_toml_value *t = section(ctx, "dataplane");
	struct vg_toml_pos pos;
	uint64_t need;
	uint32_t i;

	if (bad(ctx, t, "mempool_size") || bad(ctx, t, "mempool_cache"))
		return;
	/* Every descriptor holds an mbuf, and every lcore may hold a burst
	 * plus a full cache (the l3fwd sizing). rte_mempool_create()'s own
	 * limit, cache <= size / 1.5, follows from the key ranges. */
	need = (uint64_t)(cfg->eal.n_workers + 1) *
		(dp->burst_size + dp->mempool_cache);
	for (i = 0; i < cfg->n_ports; i++)
		need += (uint64_t)cfg->ports[i].queues *
			(cfg->ports[i].rx_desc + cfg->ports[i].tx_desc);
	if (need <= dp->mempool_size)
		return;
	pos = has(t, "mempool_size") || cfg->n_ports == 0 ?
		at(t, "mempool_size") : vg_toml_pos(elem(ctx, "port", 0));
	vg_cfg_err(ctx, pos,
		"mempool_size = %" PRIu32 " is too small for the ports'"
		" descriptors and lcore caches (needs at least %" PRIu64 ")",
		dp->mempool_size, need);
}

/* A media_range in host order: first address and count (0 = none). */
static uint32_t
range_of(const struct vg_cfg_port *p, uint32_t *first)
{
	if (p->media_range.addr.family != AF_INET)
		return 0;
	*first = ntohl(p->media_range.addr.u.v4.s_addr);
	return vg_cfg_port_media_addrs(p) - 1;
}

/*
 * media_range of port i: IPv4 beside an IPv4 address, a network address
 * of at most VG_CFG_MEDIA_RANGE_MAX addresses (the data plane maps an
 * address to its index by subtraction), and no address that another
 * port, or this port's own address, already has.
 */
static void
rule_media_range(struct vg_cfg_ctx *ctx, uint32_t i, const char *who)
{
	const struct vg_config *cfg = ctx->cfg;
	const struct vg_cfg_port *p = &cfg->ports[i];
	const struct vg_toml_value *t = elem(ctx, "port", i);
	char net[INET6_ADDRSTRLEN + 4], o[INET6_ADDRSTRLEN + 4];
	uint32_t first, n, ofirst, on, ip, j;

	if (!has(t, "media_range") || bad(ctx, t, "media_range"))
		return;
	vg_cfg_cidr_str(&p->media_range, net, sizeof(net));
	if (p->media_range.addr.family != AF_INET ||
			p->address.addr.family != AF_INET) {
		vg_cfg_err(ctx, at(t, "media_range"),
			"%s: media_range %s: media ranges are IPv4, on a port"
			" with an IPv4 address", who, net);
		return;
	}
	if (p->media_range.prefix < 32 - 10) {
		vg_cfg_err(ctx, at(t, "media_range"),
			"%s: media_range %s holds more than %u addresses"
			" (use a prefix of /22 or longer)", who, net,
			VG_CFG_MEDIA_RANGE_MAX);
		return;
	}
	n = range_of(p, &first);
	if ((first & (n - 1)) != 0) {
		struct vg_cfg_cidr c = p->media_range;

		c.addr.u.v4.s_addr = htonl(first & ~(n - 1));
		vg_cfg_err(ctx, at(t, "media_range"),
			"%s: media_range %s has host bits set (did you mean"
			" %s?)", who, net, vg_cfg_cidr_str(&c, o, sizeof(o)));
		return;
	}
	for (j = 0; j < cfg->n_ports; j++) {
		const struct vg_cfg_port *q = &cfg->ports[j];

		if (q->address.addr.family == AF_INET) {
			ip = ntohl(q->address.addr.u.v4.s_addr);
			if (ip - first < n) {
				vg_cfg_err(ctx, at(t, "media_range"),
					"%s: media_range %s contains the"
					" address of port '%s' (%s)", who, net,
					q->name, vg_cfg_addr_str(
						&q->address.addr, o,
						sizeof(o)));
				return;
			}
		}
		on = j < i ? range_of(q, &ofirst) : 0;
		if (on != 0 && first < ofirst + on && ofirst < first + n) {
			vg_cfg_err(ctx, at(t, "media_range"),
				"%s: media_range %s overlaps the media_range"
				" of port '%s' (%s)", who, net, q->name,
				vg_cfg_cidr_str(&q->media_range, o,
					sizeof(o)));
			return;
		}
	}
}

static void
rule_ports(struct vg_cfg_ctx *ctx)
{
	const struct vg_config *cfg = ctx->cfg;
	const struct vg_toml_value *eal = section(ctx, "eal");
	char gw[INET6_ADDRSTRLEN + 4], net[INET6_ADDRSTRLEN + 4];
	uint32_t i, j;

	check_unique_names(ctx, "port", cfg->n_ports, port_name, "port");
	for (i = 0; i < cfg->n_ports; i++) {
		const struct vg_cfg_port *p = &cfg->ports[i];
		const struct vg_toml_value *t = elem(ctx, "port", i);
		char who[VG_CFG_NAME_MAX + 16];

		label(who, sizeof(who), "port", p->name, i);

		for (j = 0; j < i && p->device[0] != '\0'; j++)
			if (strcmp(p->device, cfg->ports[j].device) == 0) {
				vg_cfg_err(ctx, at(t, "device"),
					"%s: device \"%s\" is already"
					" used by port '%s'", who,
					p->device, cfg->ports[j].name);
				break;
			}
		/* Two ports on one subnet make the next hop ambiguous. */
		for (j = 0; j < i && p->address.addr.family != 0; j++) {
			const struct vg_cfg_cidr *o = &cfg->ports[j].address;
			const struct vg_cfg_cidr *wide =
				o->prefix < p->address.prefix ? o : &p->address;

			if (!vg_cfg_cidr_contains(wide, &o->addr) ||
					!vg_cfg_cidr_contains(wide,
						&p->address.addr))
				continue;
			vg_cfg_err(ctx, at(t, "address"),
				"%s: address %s overlaps port '%s' (%s)", who,
				vg_cfg_cidr_str(&p->address, net, sizeof(net)),
				cfg->ports[j].name,
				vg_cfg_cidr_str(o, gw, sizeof(gw)));
			break;
		}
		if (!bad(ctx, t, "queues") && !bad(ctx, eal, "worker_lcores") &&
				p->queues != cfg->eal.n_workers)
			vg_cfg_err(ctx, at(t, "queues"),
				"%s: queues = %u must equal the number"
				" of worker lcores (%u)", who, p->queues,
				cfg->eal.n_workers);
		if (p->gateway.family != 0 && p->address.addr.family != 0 &&
				!vg_cfg_cidr_contains(&p->address,
					&p->gateway))
			vg_cfg_err(ctx, at(t, "gateway"),
				"%s: gateway %s is not in the port's"
				" subnet %s", who,
				vg_cfg_addr_str(&p->gateway, gw, sizeof(gw)),
				vg_cfg_cidr_str(&p->address, net,
					sizeof(net)));
		if (strlen(p->exception_iface) >= IFNAMSIZ &&
				!bad(ctx, t, "exception_iface"))
			vg_cfg_err(ctx, at(t, "exception_iface"),
				"%s: exception_iface \"%s\" is longer"
				" than %d bytes", who, p->exception_iface,
				IFNAMSIZ - 1);
		rule_media_range(ctx, i, who);
	}
}

static void
rule_media(struct vg_cfg_ctx *ctx)
{
	const struct vg_cfg_media *m = &ctx->cfg->media;
	const struct vg_toml_value *t = section(ctx, "media");
	const struct vg_toml_value *pref = vg_toml_table_get(t,
		"codecs_preferred");
	size_t i, j;

	if (!bad(ctx, t, "port_min") && !bad(ctx, t, "port_max") &&
			m->port_min >= m->port_max)
		vg_cfg_err(ctx, at(t, has(t, "port_min") ? "port_min" :
				"port_max"),
			"port_min = %u must be below port_max = %u",
			m->port_min, m->port_max);

	if (bad(ctx, t, "codecs_allowed") || bad(ctx, t, "codecs_preferred"))
		return;
	for (i = 0; i < m->n_allowed; i++)
		if (m->allowed[i] != VG_CODEC_TELEPHONE_EVENT)
			break;
	if (m->n_allowed != 0 && i == m->n_allowed)
		vg_cfg_err(ctx, at(t, "codecs_allowed"),
			"codecs_allowed lists no audio codec (only"
			" telephone-event)");
	for (i = 0; i < m->n_preferred; i++) {
		for (j = 0; j < m->n_allowed; j++)
			if (m->allowed[j] == m->preferred[i])
				break;
		if (j < m->n_allowed)
			continue;
		vg_cfg_err(ctx, vg_toml_pos(vg_toml_array_at(pref, i)),
			"codecs_preferred: \"%s\" is not in codecs_allowed",
			vg_cfg_codec_name(m->preferred[i]));
	}
}

static void
rule_sip(struct vg_cfg_ctx *ctx)
{
	const struct vg_cfg_sip *s = &ctx->cfg->sip;
	const struct vg_toml_value *t = section(ctx, "sip");
	const struct vg_toml_value *reg = subsection(ctx, "sip", "registrar");
	const struct vg_toml_value *ls = vg_toml_table_get(t, "listen");
	char a[INET6_ADDRSTRLEN];
	size_t i, j;

	for (i = 0; ls != NULL && i < s->n_listen; i++) {
		const struct vg_cfg_listen *l = &s->listen[i];
		const struct vg_toml_value *lt = vg_toml_array_at(ls, i);

		if (lt == NULL || bad(ctx, lt, "transport"))
			continue;
		if (l->transport == VG_TP_TLS && l->tls_cert[0] == '\0' &&
				!bad(ctx, lt, "tls_cert"))
			vg_cfg_err(ctx, vg_toml_pos(lt),
				"missing required key 'tls_cert' in"
				" [[sip.listen]] (transport \"tls\" needs a"
				" certificate)");
		if (l->transport != VG_TP_TLS && has(lt, "tls_cert"))
			vg_cfg_err(ctx, at(lt, "tls_cert"),
				"tls_cert is only used with transport ="
				" \"tls\"");
		for (j = 0; j < i; j++) {
			const struct vg_cfg_listen *o = &s->listen[j];

			if (o->transport != l->transport ||
					o->port != l->port ||
					o->addr.family != l->addr.family ||
					l->addr.family == 0 ||
					memcmp(&o->addr.u, &l->addr.u,
						l->addr.family == AF_INET ?
						sizeof(l->addr.u.v4) :
						sizeof(l->addr.u.v6)) != 0)
				continue;
			vg_cfg_err(ctx, at(lt, "address"),
				"%s %s port %u is already listened on",
				vg_cfg_transport_name(l->transport),
				vg_cfg_addr_str(&l->addr, a, sizeof(a)),
				l->port);
			break;
		}
	}

	if (!bad(ctx, reg, "min_expires") && !bad(ctx, reg, "max_expires") &&
			s->min_expires > s->max_expires)
		vg_cfg_err(ctx, at(reg, has(reg, "min_expires") ?
				"min_expires" : "max_expires"),
			"min_expires = %" PRIu32 " is above max_expires = %"
			PRIu32, s->min_expires, s->max_expires);
	else if (!bad(ctx, reg, "default_expires") &&
			(s->default_expires < s->min_expires ||
			 s->default_expires > s->max_expires))
		vg_cfg_err(ctx, at(reg, "default_expires"),
			"default_expires = %" PRIu32 " is not within"
			" min_expires..max_expires (%" PRIu32 "..%" PRIu32 ")",
			s->default_expires, s->min_expires, s->max_expires);

	/* RFC 4028 section 4: Session-Expires is never below Min-SE. */
	if (s->session_expires_s != 0 && s->session_expires_s < s->min_se_s &&
			!bad(ctx, t, "session_expires_s") &&
			!bad(ctx, t, "min_se_s"))
		vg_cfg_err(ctx, at(t, has(t, "session_expires_s") ?
				"session_expires_s" : "min_se_s"),
			"session_expires_s = %" PRIu32 " is below min_se_s ="
			" %" PRIu32 " (0 turns session timers off)",
			s->session_expires_s, s->min_se_s);
}

static void
rule_users(struct vg_cfg_ctx *ctx)
{
	static const char *const creds[] = { "password", "ha1", "ha1_sha256" };
	const struct vg_config *cfg = ctx->cfg;
	uint32_t i;
	size_t c;

	check_unique_names(ctx, "user", cfg->n_users, user_name, "user");
	for (i = 0; i < cfg->n_users; i++) {
		const struct vg_cfg_user *u = &cfg->users[i];
		const struct vg_toml_value *t = elem(ctx, "user", i);
		const char *first = NULL;
		char who[VG_CFG_NAME_MAX + 16];

		label(who, sizeof(who), "user", u->name, i);

		if (strpbrk(u->name, " \t@:;<>\"") != NULL)
			vg_cfg_err(ctx, at(t, "name"),
				"user name \"%s\" may not contain spaces or"
				" any of @ : ; < > \"", u->name);
		for (c = 0; c < 3; c++) {
			if (!has(t, creds[c]))
				continue;
			if (first == NULL) {
				first = creds[c];
				continue;
			}
			vg_cfg_err(ctx, at(t, creds[c]),
				"%s: '%s' and '%s' are both set (give"
				" exactly one)", who, first, creds[c]);
		}
		if (first == NULL)
			vg_cfg_err(ctx, vg_toml_pos(t),
				"%s needs one of 'password', 'ha1' or"
				" 'ha1_sha256'", who);
	}
}

static void
rule_trunks(struct vg_cfg_ctx *ctx)
{
	check_unique_names(ctx, "trunk", ctx->cfg->n_trunks, trunk_name,
		"trunk");
}

static void
rule_routes(struct vg_cfg_ctx *ctx)
{
	const struct vg_config *cfg = ctx->cfg;
	char msg[128];
	regex_t re;
	uint32_t i;
	int rc;

	check_unique_names(ctx, "route", cfg->n_routes, route_name, "route");
	for (i = 0; i < cfg->n_routes; i++) {
		const struct vg_cfg_route *r = &cfg->routes[i];
		const struct vg_toml_value *t = elem(ctx, "route", i);
		char who[VG_CFG_NAME_MAX + 16];

		label(who, sizeof(who), "route", r->name, i);

		if (r->match_pattern[0] != '\0') {
			rc = regcomp(&re, r->match_pattern,
				REG_EXTENDED | REG_NOSUB);
			if (rc == 0) {
				regfree(&re);
			} else {
				regerror(rc, &re, msg, sizeof(msg));
				vg_cfg_err(ctx, at(t, "match_pattern"),
					"%s: match_pattern \"%s\" is"
					" not a valid extended regular"
					" expression: %s", who,
					r->match_pattern, msg);
			}
		}
		if (r->from_user[0] != '\0' && r->from_trunk[0] != '\0')
			vg_cfg_err(ctx, at(t, "from_trunk"),
				"%s: from_user and from_trunk cannot"
				" both be set (a call comes from one or the"
				" other)", who);
		if (r->from_user[0] != '\0' &&
				vg_config_user(cfg, r->from_user) == NULL)
			vg_cfg_err(ctx, at(t, "from_user"),
				"%s: from_user '%s' is not a [[user]]",
				who, r->from_user);
		if (r->from_trunk[0] != '\0' &&
				vg_config_trunk(cfg, r->from_trunk) == NULL)
			vg_cfg_err(ctx, at(t, "from_trunk"),
				"%s: from_trunk '%s' is not a"
				" [[trunk]]", who, r->from_trunk);
		if (bad(ctx, t, "to") || !has(t, "to") || bad(ctx, t, "trunk"))
			continue;
		if (r->dest == VG_ROUTE_TRUNK && !has(t, "trunk"))
			vg_cfg_err(ctx, vg_toml_pos(t),
				"missing required key 'trunk' in [[route]]"
				" (%s has to = \"trunk\")", who);
		else if (r->dest == VG_ROUTE_TRUNK &&
				vg_config_trunk(cfg, r->trunk) == NULL)
			vg_cfg_err(ctx, at(t, "trunk"),
				"%s: trunk '%s' is not a [[trunk]]",
				who, r->trunk);
		else if (r->dest == VG_ROUTE_USER && has(t, "trunk"))
			vg_cfg_err(ctx, at(t, "trunk"),
				"%s: 'trunk' is only used with to ="
				" \"trunk\"", who);
	}
}

static void
rule_limits(struct vg_cfg_ctx *ctx)
{
	const struct vg_config *cfg = ctx->cfg;
	const struct vg_toml_value *t = section(ctx, "limits");
	const struct vg_toml_value *dp = section(ctx, "dataplane");

	if (bad(ctx, t, "max_calls") || bad(ctx, dp, "max_sessions") ||
			cfg->limits.max_calls <= cfg->dp.max_sessions)
		return;
	/* Each call holds one media session in the data plane. */
	vg_cfg_err(ctx, has(t, "max_calls") ? at(t, "max_calls") :
			at(dp, "max_sessions"),
		"limits.max_calls = %" PRIu32 " is above dataplane."
		"max_sessions = %" PRIu32 " (each call needs a media"
		" session)", cfg->limits.max_calls, cfg->dp.max_sessions);
}

/* Every rule, in the order of the sections in voxgate.toml. */
static void (*const vg_cfg_rules[])(struct vg_cfg_ctx *) = {
	rule_eal,
	rule_dataplane,
	rule_ports,
	rule_media,
	rule_sip,
	rule_users,
	rule_trunks,
	rule_routes,
	rule_limits,
};

void
vg_cfg_check_rules(struct vg_cfg_ctx *ctx)
{
	size_t i;

	for (i = 0; i < sizeof(vg_cfg_rules) / sizeof(vg_cfg_rules[0]); i++)
		vg_cfg_rules[i](ctx);
}

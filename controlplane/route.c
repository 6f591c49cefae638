/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The route table: configured routes with their patterns compiled once,
 * matched in order; and the trunk lookup by source address.
 */
#include <errno.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vg_route.h"

struct route_entry {
	struct vg_cfg_route cfg;   /**< copy of the configured route */
	regex_t re;                /**< valid when has_re */
	bool has_re;
};

struct vg_route_table {
	struct route_entry *routes; /**< RO after create */
	unsigned n;
};

void
vg_route_table_destroy(struct vg_route_table *table)
{
	unsigned i;

	if (table == NULL)
		return;
	for (i = 0; i < table->n; i++)
		if (table->routes[i].has_re)
			regfree(&table->routes[i].re);
	free(table->routes);
	free(table);
}

static void
route_error(char *err, size_t err_size, const struct vg_cfg_route *r,
		const char *reason)
{
	if (err != NULL && err_size > 0)
		snprintf(err, err_size, "route %s: %s", r->name, reason);
}

int
vg_route_table_create(struct vg_route_table **tablep,
		const struct vg_config *cfg, char *err, size_t err_size)
{
	struct vg_route_table *t;
	char reason[128];
	unsigned i;
	int rc = 0;

	if (tablep == NULL || cfg == NULL ||
			(cfg->n_routes > 0 && cfg->routes == NULL))
		return -EINVAL;
	*tablep = NULL;
	if (err != NULL && err_size > 0)
		err[0] = '\0';
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	if (cfg->n_routes > 0) {
		t->routes = calloc(cfg->n_routes, sizeof(*t->routes));
		if (t->routes == NULL) {
			rc = -ENOMEM;
			goto out;
		}
	}
	for (i = 0; i < cfg->n_routes; i++) {
		struct route_entry *e = &t->routes[i];
		int rerr;

		e->cfg = cfg->routes[i];
		/* The config arrays are fixed-size: never trust a NUL. */
		e->cfg.name[sizeof(e->cfg.name) - 1] = '\0';
		e->cfg.match_prefix[sizeof(e->cfg.match_prefix) - 1] = '\0';
		e->cfg.match_pattern[sizeof(e->cfg.match_pattern) - 1] = '\0';
		e->cfg.from_user[sizeof(e->cfg.from_user) - 1] = '\0';
		e->cfg.from_trunk[sizeof(e->cfg.from_trunk) - 1] = '\0';
		e->cfg.trunk[sizeof(e->cfg.trunk) - 1] = '\0';
		e->cfg.prefix[sizeof(e->cfg.prefix) - 1] = '\0';
		t->n = i + 1;
		if (e->cfg.dest == VG_ROUTE_TRUNK && e->cfg.trunk[0] == '\0') {
			route_error(err, err_size, &e->cfg, "no trunk");
			rc = -EINVAL;
			goto out;
		}
		if (e->cfg.match_pattern[0] == '\0')
			continue;
		rerr = regcomp(&e->re, e->cfg.match_pattern,
				REG_EXTENDED | REG_NOSUB);
		if (rerr != 0) {
			regerror(rerr, &e->re, reason, sizeof(reason));
			route_error(err, err_size, &e->cfg, reason);
			rc = -EINVAL;
			goto out;
		}
		e->has_re = true;
	}
out:
	if (rc != 0) {
		vg_route_table_destroy(t);
		return rc;
	}
	*tablep = t;
	return 0;
}

unsigned
vg_route_table_count(const struct vg_route_table *table)
{
	return table == NULL ? 0 : table->n;
}

static bool
filter_ok(const char *want, const char *have)
{
	if (want[0] == '\0')
		return true;
	return have != NULL && strcmp(want, have) == 0;
}

static bool
route_matches(const struct route_entry *e, const char *user, size_t len,
		const char *from_user, const char *from_trunk)
{
	const struct vg_cfg_route *r = &e->cfg;
	size_t plen = strnlen(r->match_prefix, sizeof(r->match_prefix));

	if (plen > len || memcmp(user, r->match_prefix, plen) != 0)
		return false;
	if (!filter_ok(r->from_user, from_user) ||
			!filter_ok(r->from_trunk, from_trunk))
		return false;
	if (r->strip >= len && r->prefix[0] == '\0')
		return false;
	if (e->has_re && regexec(&e->re, user, 0, NULL, 0) != 0)
		return false;
	return true;
}

int
vg_route_lookup(const struct vg_route_table *table, const char *ruri_user,
		const char *from_user, const char *from_trunk,
		const struct vg_cfg_route **route, char *user_buf,
		size_t user_size)
{
	size_t len, plen, keep;
	unsigned i;

	if (table == NULL || ruri_user == NULL || user_buf == NULL)
		return -EINVAL;
	if (route != NULL)
		*route = NULL;
	len = strlen(ruri_user);
	for (i = 0; i < table->n; i++) {
		const struct route_entry *e = &table->routes[i];

		if (!route_matches(e, ruri_user, len, from_user, from_trunk))
			continue;
		plen = strnlen(e->cfg.prefix, sizeof(e->cfg.prefix));
		keep = e->cfg.strip >= len ? 0 : len - e->cfg.strip;
		if (plen + keep + 1 > user_size)
			return -ENOSPC;
		memcpy(user_buf, e->cfg.prefix, plen);
		memcpy(user_buf + plen, ruri_user + (len - keep), keep);
		user_buf[plen + keep] = '\0';
		if (route != NULL)
			*route = &e->cfg;
		return 0;
	}
	return -ENOENT;
}

const struct vg_cfg_trunk *
vg_route_trunk_by_source(const struct vg_config *cfg,
		const struct vg_cfg_addr *addr)
{
	uint32_t i;
	unsigned j;

	if (cfg == NULL || addr == NULL || addr->family == 0)
		return NULL;
	for (i = 0; i < cfg->n_trunks; i++) {
		const struct vg_cfg_trunk *tr = &cfg->trunks[i];

		for (j = 0; j < tr->n_sources && j < VG_CFG_MAX_CIDRS; j++)
			if (vg_cfg_cidr_contains(&tr->sources[j], addr))
				return tr;
	}
	return NULL;
}

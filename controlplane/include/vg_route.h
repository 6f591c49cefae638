/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Call routing: the [[route]] table of the configuration (prefix and POSIX
 * ERE matches, filters on the caller, number manipulation) and the trusted
 * trunk of a source address.
 *
 * Threads: a table is read-only after vg_route_table_create() and may be
 * shared by readers; creation and destruction belong to one thread.
 */
#ifndef VG_ROUTE_H
#define VG_ROUTE_H

#include <stddef.h>

#include "vg_config.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vg_route_table;

/**
 * Build a table from cfg->routes (copied: cfg may be freed afterwards),
 * compiling every match_pattern once (REG_EXTENDED | REG_NOSUB).
 * On an invalid pattern, err (if not NULL) receives "route NAME: REASON".
 * @return 0; -EINVAL (bad argument, invalid pattern, a trunk route without
 *         a trunk); -ENOMEM
 */
int vg_route_table_create(struct vg_route_table **tablep,
		const struct vg_config *cfg, char *err, size_t err_size);

/** Free a table (NULL is ignored). */
void vg_route_table_destroy(struct vg_route_table *table);

/** Number of routes in a table. */
unsigned vg_route_table_count(const struct vg_route_table *table);

/**
 * The first route, in configuration order, that matches a call:
 *  - ruri_user starts with match_prefix ("" matches every user), and
 *  - match_pattern ("" = no pattern) matches ruri_user: regexec() searches,
 *    so anchor the pattern with ^ and $ for a whole-number match, and
 *  - from_user is "" or equals from_user (the authenticated caller), and
 *  - from_trunk is "" or equals from_trunk (the trunk the call came from),
 *  - and ruri_user has more than `strip` characters or the route has a
 *    prefix (a rewrite never yields an empty user).
 * from_user / from_trunk may be NULL (no such caller): routes that name
 * one then do not match.
 *
 * The rewritten user (ruri_user without its first `strip` characters, then
 * `prefix` prepended) goes into user_buf.
 *
 * @param route (out, may be NULL) the matching route, valid while the
 *        table lives; the caller reads dest and trunk from it
 * @return 0; -ENOENT when no route matches (answer 404); -ENOSPC when the
 *         rewritten user does not fit user_size; -EINVAL bad argument
 */
int vg_route_lookup(const struct vg_route_table *table, const char *ruri_user,
		const char *from_user, const char *from_trunk,
		const struct vg_cfg_route **route, char *user_buf,
		size_t user_size);

/**
 * The first trunk of cfg whose `sources` CIDRs contain addr (trusted: its
 * calls need no digest authentication).
 * @return the trunk, or NULL when none (or addr unset)
 */
const struct vg_cfg_trunk *vg_route_trunk_by_source(
		const struct vg_config *cfg, const struct vg_cfg_addr *addr);

#ifdef __cplusplus
}
#endif

#endif /* VG_ROUTE_H */

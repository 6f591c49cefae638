/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Configuration helpers: names of codecs and transports, user and trunk
 * lookup, address and CIDR parsing and formatting, and the edit distance
 * behind "did you mean" suggestions.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config_pvt.h"

const char *
vg_cfg_codec_name(enum vg_cfg_codec c)
{
	if ((unsigned int)c >= VG_CODEC_COUNT)
		return "unknown";
	return vg_cfg_codec_names[c];
}

int
vg_cfg_codec_from_name(const char *name)
{
	int i;

	for (i = 0; i < VG_CODEC_COUNT; i++)
		if (strcasecmp(vg_cfg_codec_names[i], name) == 0)
			return i;
	return -1;
}

const char *
vg_cfg_transport_name(enum vg_cfg_transport t)
{
	if ((unsigned int)t > VG_TP_TLS)
		return "unknown";
	return vg_cfg_transport_names[t];
}

const struct vg_cfg_user *
vg_config_user(const struct vg_config *cfg, const char *name)
{
	uint32_t i;

	for (i = 0; i < cfg->n_users; i++)
		if (strcmp(cfg->users[i].name, name) == 0)
			return &cfg->users[i];
	return NULL;
}

const struct vg_cfg_trunk *
vg_config_trunk(const struct vg_config *cfg, const char *name)
{
	uint32_t i;

	for (i = 0; i < cfg->n_trunks; i++)
		if (strcmp(cfg->trunks[i].name, name) == 0)
			return &cfg->trunks[i];
	return NULL;
}

bool
vg_cfg_cidr_contains(const struct vg_cfg_cidr *cidr,
		const struct vg_cfg_addr *addr)
{
	const uint8_t *a, *b;
	unsigned int bits = cidr->prefix, full, rest;

	if (cidr->addr.family != addr->family || addr->family == 0)
		return false;
	if (addr->family == AF_INET) {
		a = (const uint8_t *)&cidr->addr.u.v4;
		b = (const uint8_t *)&addr->u.v4;
		if (bits > 32)
			bits = 32;
	} else {
		a = cidr->addr.u.v6.s6_addr;
		b = addr->u.v6.s6_addr;
		if (bits > 128)
			bits = 128;
	}
	full = bits / 8;
	rest = bits % 8;
	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

const char *
vg_cfg_addr_str(const struct vg_cfg_addr *a, char *buf, size_t size)
{
	if (size == 0)
		return buf;
	buf[0] = '\0';
	if (a->family == 0)
		snprintf(buf, size, "none");
	else if (inet_ntop(a->family, &a->u, buf, size) == NULL)
		buf[0] = '\0';
	return buf;
}

const char *
vg_cfg_cidr_str(const struct vg_cfg_cidr *c, char *buf, size_t size)
{
	char addr[INET6_ADDRSTRLEN];

	snprintf(buf, size, "%s/%u", vg_cfg_addr_str(&c->addr, addr,
		sizeof(addr)), c->prefix);
	return buf;
}

int
vg_cfg_parse_cidr(const char *s, struct vg_cfg_cidr *out, bool *had_prefix)
{
	char buf[INET6_ADDRSTRLEN + 8];
	unsigned int prefix = 0, max;
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	const char *p;

	memset(out, 0, sizeof(*out));
	*had_prefix = slash != NULL;
	if (alen == 0 || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, &out->addr.u.v4) == 1) {
		out->addr.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, &out->addr.u.v6) == 1) {
		out->addr.family = AF_INET6;
		max = 128;
	} else {
		return -EINVAL;
	}
	if (slash == NULL) {
		out->prefix = (uint8_t)max;
		return 0;
	}
	/* Decimal digits only: no sign, no spaces, at most three. */
	for (p = slash + 1; isdigit((unsigned char)*p) && p - slash <= 3; p++)
		prefix = prefix * 10 + (unsigned int)(*p - '0');
	if (p == slash + 1 || *p != '\0') {
		if (*p != '\0' && isdigit((unsigned char)*p))
			return -ERANGE;
		return -EINVAL;
	}
	if (prefix > max)
		return -ERANGE;
	out->prefix = (uint8_t)prefix;
	return 0;
}

/* Keys and enumeration names are short; longer input is cut for speed. */
#define VG_DIST_MAX 64

size_t
vg_cfg_distance(const char *a, const char *b)
{
	size_t d[3][VG_DIST_MAX + 1];
	size_t la = strnlen(a, VG_DIST_MAX), lb = strnlen(b, VG_DIST_MAX);
	size_t i, j;

	/* Rows i-2, i-1 and i of the optimal string alignment table. */
	for (j = 0; j <= lb; j++)
		d[1][j] = j;
	for (i = 1; i <= la; i++) {
		size_t *cur = d[(i + 1) % 3], *prev = d[i % 3];
		size_t *prev2 = d[(i + 2) % 3];
		int ca = tolower((unsigned char)a[i - 1]);
		int pa = i > 1 ? tolower((unsigned char)a[i - 2]) : -1;

		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			int cb = tolower((unsigned char)b[j - 1]);
			int pb = j > 1 ? tolower((unsigned char)b[j - 2]) : -1;
			size_t cost = ca != cb;
			size_t best = prev[j] + 1;

			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (prev[j - 1] + cost < best)
				best = prev[j - 1] + cost;
			/* a transposition of two neighbours costs one */
			if (i > 1 && j > 1 && ca == pb && cb == pa &&
					prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
	}
	return d[(la + 1) % 3][lb];
}

const char *
vg_cfg_nearest(const char *s, const char *const *names, size_t n)
{
	size_t len = strlen(s), limit, best = (size_t)-1, i, d;
	const char *near = NULL;

	limit = len / 3 > 2 ? len / 3 : 2;
	for (i = 0; i < n; i++) {
		d = vg_cfg_distance(s, names[i]);
		if (d <= limit && d < best) {
			best = d;
			near = names[i];
		}
	}
	return near;
}

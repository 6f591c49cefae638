/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file The credentials of [[user]]: a hash index by name with every HA1
 * for the configured realm computed once.
 *
 * vg_auth_config_ha1() walks users[] comparing names and hashes the
 * password again for every request: with 2000 users, the scan (strcmp)
 * was the largest piece of voxgate-cp's own code under REGISTER load,
 * and it grows with the subscriber count. Here one lookup is a hash and
 * usually one strcmp, and the HA1 is copied. The answers are the same
 * as vg_auth_config_ha1()'s: another realm is hashed from the password
 * on demand, a stored HA1 holds for the configured realm only.
 *
 * Thread: built and freed by the owner; lookups read only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "vg_auth.h"
#include "vg_config.h"

struct user_ent {
	const struct vg_cfg_user *u;   /**< NULL: free slot */
	char ha1[VG_AUTH_ALG_COUNT][VG_AUTH_HEX_MAX]; /**< "" when none */
};

struct vg_auth_users {
	const struct vg_config *cfg;
	struct user_ent *slot;
	size_t mask;                   /**< slots - 1, a power of two */
};

/* FNV-1a: names are short and chosen by the operator, not the caller */
static uint64_t
name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
}

static struct user_ent *
find(const struct vg_auth_users *us, const char *name)
{
	size_t i = (size_t)name_hash(name) & us->mask;

	for (; us->slot[i].u != NULL; i = (i + 1) & us->mask)
		if (strcmp(us->slot[i].u->name, name) == 0)
			return &us->slot[i];
	return NULL;
}

static int
fill(struct user_ent *e, const struct vg_config *cfg)
{
	const struct vg_cfg_user *u = e->u;
	int alg, rc;

	for (alg = 0; alg < VG_AUTH_ALG_COUNT; alg++) {
		const char *stored = alg == VG_AUTH_MD5 ? u->ha1_md5
							: u->ha1_sha256;

		if (u->password[0] != '\0') {
			rc = vg_auth_ha1((enum vg_auth_alg)alg, u->name,
					cfg->sip.realm, u->password,
					e->ha1[alg], sizeof(e->ha1[alg]));
			if (rc != 0)
				return rc;
		} else if (strlen(stored) ==
				2 * vg_auth_alg_len((enum vg_auth_alg)alg)) {
			memcpy(e->ha1[alg], stored, strlen(stored) + 1);
		}
	}
	return 0;
}

int
vg_auth_users_create(struct vg_auth_users **usp, const struct vg_config *cfg)
{
	struct vg_auth_users *us;
	size_t n = 8;
	uint32_t i;
	int rc = 0;

	if (usp == NULL || cfg == NULL)
		return -EINVAL;
	while (n < 2 * (size_t)cfg->n_users)
		n *= 2;
	us = calloc(1, sizeof(*us));
	if (us == NULL)
		return -ENOMEM;
	us->slot = calloc(n, sizeof(*us->slot));
	if (us->slot == NULL) {
		free(us);
		return -ENOMEM;
	}
	us->cfg = cfg;
	us->mask = n - 1;
	for (i = 0; i < cfg->n_users && rc == 0; i++) {
		const struct vg_cfg_user *u = &cfg->users[i];
		size_t k = (size_t)name_hash(u->name) & us->mask;

		if (find(us, u->name) != NULL)
			continue;  /* the config checks forbid it; first wins */
		while (us->slot[k].u != NULL)
			k = (k + 1) & us->mask;
		us->slot[k].u = u;
		rc = fill(&us->slot[k], cfg);
	}
	if (rc != 0) {
		vg_auth_users_destroy(us);
		return rc;
	}
	*usp = us;
	return 0;
}

void
vg_auth_users_destroy(struct vg_auth_users *us)
{
	if (us == NULL)
		return;
	OPENSSL_cleanse(us->slot, (us->mask + 1) * sizeof(*us->slot));
	free(us->slot);
	free(us);
}

int
vg_auth_users_ha1(const char *user, const char *realm, enum vg_auth_alg alg,
		char *ha1_hex, size_t size, void *arg)
{
	const struct vg_auth_users *us = arg;
	const struct user_ent *e;
	size_t len;

	if (us == NULL || user == NULL || realm == NULL || ha1_hex == NULL ||
			alg < 0 || alg >= VG_AUTH_ALG_COUNT)
		return -EINVAL;
	e = find(us, user);
	if (e == NULL)
		return -ENOENT;
	if (strcmp(realm, us->cfg->sip.realm) != 0) {
		/* a stored HA1 was computed for the configured realm only */
		if (e->u->password[0] == '\0')
			return -ENOENT;
		return vg_auth_ha1(alg, user, realm, e->u->password, ha1_hex,
				size);
	}
	len = strlen(e->ha1[alg]);
	if (len == 0)
		return -ENOENT;
	if (size < len + 1)
		return -ENOSPC;
	memcpy(ha1_hex, e->ha1[alg], len + 1);
	return 0;
}

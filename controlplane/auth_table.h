/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Private: the bounded nonce-count and failure-count tables of digest
 * authentication (auth_table.c). Owned by one struct vg_auth, one thread.
 */
#ifndef VG_AUTH_TABLE_H
#define VG_AUTH_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vg_auth.h"

#define AUTH_WAYS 4               /**< entries per bucket */
#define VG_AUTH_TABLE_DEFAULT 4096 /**< entries when the size is 0 */
#define AUTH_LOCK_KEY_LEN 16

struct auth_nc_entry {
	uint8_t tag[VG_AUTH_NONCE_TAG_LEN]; /**< identifies the nonce */
	uint64_t issued_ms;
	uint32_t nc;                        /**< highest count accepted */
	bool used;
};

struct auth_nc_bucket {
	struct auth_nc_entry e[AUTH_WAYS];
	uint64_t horizon_ms; /**< newest issue time evicted while fresh */
	bool has_horizon;
};

struct vg_auth_nc_table {
	struct auth_nc_bucket *buckets;
	uint32_t n_buckets;
	uint64_t ttl_ms;
};

struct auth_lock_entry {
	uint8_t key[AUTH_LOCK_KEY_LEN]; /**< keyed hash of kind + address/user */
	uint32_t failures;              /**< since first_ms */
	uint64_t first_ms;              /**< start of the failure window */
	uint64_t last_ms;               /**< last failure (eviction order) */
	uint64_t locked_until_ms;
	bool locked;
	bool used;
};

struct auth_lock_bucket {
	struct auth_lock_entry e[AUTH_WAYS];
};

struct vg_auth_lock_table {
	struct auth_lock_bucket *buckets;
	uint32_t n_buckets;
	uint32_t max_failures; /**< 0: never lock */
	uint64_t window_ms;
	uint64_t lockout_ms;
	uint8_t salt[32];      /**< random per run, keys the hash */
};

/** @return 0, -ENOMEM */
int vg_auth_nc_table_init(struct vg_auth_nc_table *t, uint32_t entries,
		uint64_t ttl_ms);
void vg_auth_nc_table_fini(struct vg_auth_nc_table *t);

/**
 * Accept nonce count nc for the nonce with this tag, issued at issued_ms.
 * @return 0 accepted; -EALREADY nc not above the last one (replay);
 *         -ESTALE the table cannot tell whether the nonce was used
 */
int vg_auth_nc_accept(struct vg_auth_nc_table *t, const uint8_t *tag,
		uint64_t issued_ms, uint32_t nc, uint64_t now_ms);

/** @return 0, -ENOMEM, -EIO (random source) */
int vg_auth_lock_table_init(struct vg_auth_lock_table *t, uint32_t entries,
		uint32_t max_failures, uint64_t window_ms, uint64_t lockout_ms);
void vg_auth_lock_table_fini(struct vg_auth_lock_table *t);

/**
 * The key of an address ('A') or a user ('U'); len <= VG_AUTH_FIELD_MAX.
 * @return 0, -EINVAL, -EIO
 */
int vg_auth_lock_key(const struct vg_auth_lock_table *t, char kind,
		const void *data, size_t len, uint8_t key[AUTH_LOCK_KEY_LEN]);

bool vg_auth_lock_is_locked(const struct vg_auth_lock_table *t,
		const uint8_t *key, uint64_t now_ms);

/** Count one failure. @return true when the key is now locked out. */
bool vg_auth_lock_fail(struct vg_auth_lock_table *t, const uint8_t *key,
		uint64_t now_ms);

/** Forget the failures of a key (after a success). */
void vg_auth_lock_clear(struct vg_auth_lock_table *t, const uint8_t *key);

#endif /* VG_AUTH_TABLE_H */

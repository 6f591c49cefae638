/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The two bounded tables of digest authentication: nonce counts (replay
 * protection) and failure counts (lockout). Both are set-associative: a key
 * hashes to one bucket of AUTH_WAYS entries and evicts inside it, so memory
 * is fixed at creation and every operation is O(AUTH_WAYS).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "vg_auth.h"
#include "auth_table.h"

static uint32_t
bucket_of(const uint8_t *key, uint32_t n_buckets)
{
	uint32_t h;

	memcpy(&h, key, sizeof(h));
	return h % n_buckets;
}

static uint32_t
buckets_for(uint32_t entries)
{
	if (entries == 0)
		entries = VG_AUTH_TABLE_DEFAULT;
	return (entries + AUTH_WAYS - 1) / AUTH_WAYS;
}

/* ---------------------------------------------------------------------- */
/* Nonce counts                                                           */
/* ---------------------------------------------------------------------- */

int
vg_auth_nc_table_init(struct vg_auth_nc_table *t, uint32_t entries,
		uint64_t ttl_ms)
{
	t->n_buckets = buckets_for(entries);
	t->ttl_ms = ttl_ms;
	t->buckets = calloc(t->n_buckets, sizeof(*t->buckets));
	return t->buckets == NULL ? -ENOMEM : 0;
}

void
vg_auth_nc_table_fini(struct vg_auth_nc_table *t)
{
	free(t->buckets);
	t->buckets = NULL;
}

static bool
nc_expired(const struct vg_auth_nc_table *t, const struct auth_nc_entry *e,
		uint64_t now_ms)
{
	return e->issued_ms <= now_ms && now_ms - e->issued_ms >= t->ttl_ms;
}

int
vg_auth_nc_accept(struct vg_auth_nc_table *t, const uint8_t *tag,
		uint64_t issued_ms, uint32_t nc, uint64_t now_ms)
{
	struct auth_nc_bucket *b = &t->buckets[bucket_of(tag, t->n_buckets)];
	struct auth_nc_entry *victim = NULL;
	unsigned i;

	for (i = 0; i < AUTH_WAYS; i++) {
		struct auth_nc_entry *e = &b->e[i];

		if (!e->used || memcmp(e->tag, tag, sizeof(e->tag)) != 0)
			continue;
		if (nc <= e->nc)
			return -EALREADY;
		e->nc = nc;
		return 0;
	}

	/*
	 * Not tracked: either never used or evicted. Eviction takes the
	 * oldest nonce of a bucket and remembers its issue time, so a nonce
	 * issued after that time cannot have been evicted. Older ones might
	 * have been, and only a fresh nonce makes them safe again.
	 */
	if (b->has_horizon && issued_ms <= b->horizon_ms)
		return -ESTALE;

	for (i = 0; i < AUTH_WAYS && victim == NULL; i++)
		if (!b->e[i].used || nc_expired(t, &b->e[i], now_ms))
			victim = &b->e[i];
	if (victim == NULL) {
		victim = &b->e[0];
		for (i = 1; i < AUTH_WAYS; i++)
			if (b->e[i].issued_ms < victim->issued_ms)
				victim = &b->e[i];
		if (!b->has_horizon || victim->issued_ms > b->horizon_ms)
			b->horizon_ms = victim->issued_ms;
		b->has_horizon = true;
		if (issued_ms <= b->horizon_ms)
			return -ESTALE;
	}
	memcpy(victim->tag, tag, sizeof(victim->tag));
	victim->issued_ms = issued_ms;
	victim->nc = nc;
	victim->used = true;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Failure counts                                                         */
/* ---------------------------------------------------------------------- */

int
vg_auth_lock_table_init(struct vg_auth_lock_table *t, uint32_t entries,
		uint32_t max_failures, uint64_t window_ms, uint64_t lockout_ms)
{
	t->n_buckets = buckets_for(entries);
	t->max_failures = max_failures;
	t->window_ms = window_ms;
	t->lockout_ms = lockout_ms;
	if (RAND_bytes(t->salt, sizeof(t->salt)) != 1)
		return -EIO;
	t->buckets = calloc(t->n_buckets, sizeof(*t->buckets));
	return t->buckets == NULL ? -ENOMEM : 0;
}

void
vg_auth_lock_table_fini(struct vg_auth_lock_table *t)
{
	free(t->buckets);
	t->buckets = NULL;
}

int
vg_auth_lock_key(const struct vg_auth_lock_table *t, char kind,
		const void *data, size_t len, uint8_t key[AUTH_LOCK_KEY_LEN])
{
	uint8_t msg[1 + VG_AUTH_FIELD_MAX];
	uint8_t mac[32];
	unsigned int maclen = 0;

	if (len > VG_AUTH_FIELD_MAX || (data == NULL && len > 0))
		return -EINVAL;
	msg[0] = (uint8_t)kind;
	if (len > 0)
		memcpy(msg + 1, data, len);
	/*
	 * A keyed hash with a per-run salt: an attacker cannot pick names
	 * that all land in one bucket to evict someone else's lockout.
	 */
	if (HMAC(EVP_sha256(), t->salt, sizeof(t->salt), msg, len + 1, mac,
			&maclen) == NULL || maclen != sizeof(mac))
		return -EIO;
	memcpy(key, mac, AUTH_LOCK_KEY_LEN);
	return 0;
}

static bool
lock_active(const struct auth_lock_entry *e, uint64_t now_ms)
{
	return e->locked && now_ms < e->locked_until_ms;
}

/** An entry that holds nothing any more: no lock, no recent failures. */
static bool
lock_dead(const struct vg_auth_lock_table *t, const struct auth_lock_entry *e,
		uint64_t now_ms)
{
	if (!e->used)
		return true;
	if (e->locked)
		return now_ms >= e->locked_until_ms;
	return now_ms < e->first_ms || now_ms - e->first_ms >= t->window_ms;
}

static struct auth_lock_entry *
lock_find(const struct vg_auth_lock_table *t, const uint8_t *key)
{
	struct auth_lock_bucket *b = &t->buckets[bucket_of(key, t->n_buckets)];
	unsigned i;

	for (i = 0; i < AUTH_WAYS; i++)
		if (b->e[i].used &&
				memcmp(b->e[i].key, key, AUTH_LOCK_KEY_LEN) == 0)
			return &b->e[i];
	return NULL;
}

bool
vg_auth_lock_is_locked(const struct vg_auth_lock_table *t, const uint8_t *key,
		uint64_t now_ms)
{
	const struct auth_lock_entry *e = lock_find(t, key);

	return e != NULL && lock_active(e, now_ms);
}

bool
vg_auth_lock_fail(struct vg_auth_lock_table *t, const uint8_t *key,
		uint64_t now_ms)
{
	struct auth_lock_bucket *b;
	struct auth_lock_entry *e;
	unsigned i;

	if (t->max_failures == 0)
		return false;
	e = lock_find(t, key);
	if (e != NULL && lock_active(e, now_ms))
		return true;
	if (e != NULL && lock_dead(t, e, now_ms))
		e->used = false; /* start over below, in place */
	if (e == NULL || !e->used) {
		b = &t->buckets[bucket_of(key, t->n_buckets)];
		if (e == NULL) {
			for (i = 0; i < AUTH_WAYS && e == NULL; i++)
				if (lock_dead(t, &b->e[i], now_ms))
					e = &b->e[i];
		}
		/* Evict the least recent counter, never an active lock. */
		if (e == NULL) {
			for (i = 0; i < AUTH_WAYS; i++)
				if (!lock_active(&b->e[i], now_ms) &&
						(e == NULL || b->e[i].last_ms <
						e->last_ms))
					e = &b->e[i];
		}
		if (e == NULL)
			return false; /* the bucket is all locks: untracked */
		memset(e, 0, sizeof(*e));
		memcpy(e->key, key, AUTH_LOCK_KEY_LEN);
		e->used = true;
		e->first_ms = now_ms;
	}
	e->last_ms = now_ms;
	if (++e->failures >= t->max_failures) {
		e->locked = true;
		e->locked_until_ms = now_ms + t->lockout_ms;
	}
	return e->locked;
}

void
vg_auth_lock_clear(struct vg_auth_lock_table *t, const uint8_t *key)
{
	struct auth_lock_entry *e = lock_find(t, key);

	if (e != NULL)
		memset(e, 0, sizeof(*e));
}

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * TOML document tree: values, tables with a hash index, arrays, and the
 * public read accessors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "toml_pvt.h"

struct vg_toml_value *
vg_toml_value_new(enum vg_toml_type type, struct vg_toml_pos pos)
{
	struct vg_toml_value *v = calloc(1, sizeof(*v));

	if (v == NULL)
		return NULL;
	v->type = type;
	v->pos = pos;
	return v;
}

void
vg_toml_value_free(struct vg_toml_value *v)
{
	size_t i;

	if (v == NULL)
		return;
	/* Recursion depth is bounded by VG_TOML_MAX_DEPTH. */
	switch (v->type) {
	case VG_TOML_TABLE:
		for (i = 0; i < v->u.tab.n; i++) {
			free(v->u.tab.ents[i].key);
			vg_toml_value_free(v->u.tab.ents[i].val);
		}
		free(v->u.tab.ents);
		free(v->u.tab.index);
		break;
	case VG_TOML_ARRAY:
		for (i = 0; i < v->u.arr.n; i++)
			vg_toml_value_free(v->u.arr.items[i]);
		free(v->u.arr.items);
		break;
	case VG_TOML_STRING:
		free(v->u.str.s);
		break;
	default:
		break;
	}
	free(v);
}

/* FNV-1a: configuration files are not an adversary worth SipHash. */
static uint32_t
key_hash(const char *key, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (uint8_t)key[i];
		h *= 16777619u;
	}
	return h;
}

static void
index_put(uint32_t *index, size_t cap, uint32_t hash, uint32_t slot)
{
	size_t i = hash & (cap - 1);

	while (index[i] != 0)
		i = (i + 1) & (cap - 1);
	index[i] = slot;
}

/* Rebuild the index so it stays at most half full. */
static int
index_grow(struct vg_toml_value *t)
{
	size_t cap = t->u.tab.index_cap ? t->u.tab.index_cap : 64;
	uint32_t *index;
	size_t i;

	while (cap < 2 * (t->u.tab.n + 1))
		cap *= 2;
	index = calloc(cap, sizeof(*index));
	if (index == NULL)
		return -ENOMEM;
	for (i = 0; i < t->u.tab.n; i++)
		index_put(index, cap, t->u.tab.ents[i].hash, (uint32_t)i + 1);
	free(t->u.tab.index);
	t->u.tab.index = index;
	t->u.tab.index_cap = cap;
	return 0;
}

struct vg_toml_entry *
vg_toml_table_find(const struct vg_toml_value *t, const char *key,
		size_t keylen)
{
	uint32_t h = key_hash(key, keylen);
	struct vg_toml_entry *e;
	size_t i;

	if (t->u.tab.index != NULL) {
		size_t mask = t->u.tab.index_cap - 1;

		for (i = h & mask; t->u.tab.index[i] != 0; i = (i + 1) & mask) {
			e = &t->u.tab.ents[t->u.tab.index[i] - 1];
			if (e->hash == h && e->keylen == keylen &&
					memcmp(e->key, key, keylen) == 0)
				return e;
		}
		return NULL;
	}
	for (i = 0; i < t->u.tab.n; i++) {
		e = &t->u.tab.ents[i];
		if (e->hash == h && e->keylen == keylen &&
				memcmp(e->key, key, keylen) == 0)
			return e;
	}
	return NULL;
}

/*
 * Append a key the caller has checked is absent. Takes ownership of key and
 * val only on success.
 */
int
vg_toml_table_add(struct vg_toml_value *t, char *key, size_t keylen,
		struct vg_toml_pos keypos, struct vg_toml_value *val)
{
	struct vg_toml_entry *e;
	size_t n = t->u.tab.n;

	if (n == UINT32_MAX - 1)
		return -ENOMEM;
	if (n == t->u.tab.cap) {
		size_t cap = n ? 2 * n : 4;

		e = realloc(t->u.tab.ents, cap * sizeof(*e));
		if (e == NULL)
			return -ENOMEM;
		t->u.tab.ents = e;
		t->u.tab.cap = cap;
	}
	if (n + 1 > VG_TOML_INDEX_MIN &&
			2 * (n + 1) > t->u.tab.index_cap &&
			index_grow(t) < 0)
		return -ENOMEM;
	e = &t->u.tab.ents[n];
	e->key = key;
	e->keylen = keylen;
	e->hash = key_hash(key, keylen);
	e->keypos = keypos;
	e->val = val;
	t->u.tab.n = n + 1;
	if (t->u.tab.index != NULL)
		index_put(t->u.tab.index, t->u.tab.index_cap, e->hash,
				(uint32_t)n + 1);
	return 0;
}

/* Takes ownership of val only on success. */
int
vg_toml_array_add(struct vg_toml_value *a, struct vg_toml_value *val)
{
	size_t n = a->u.arr.n;

	if (n == a->u.arr.cap) {
		size_t cap = n ? 2 * n : 4;
		struct vg_toml_value **items;

		items = realloc(a->u.arr.items, cap * sizeof(*items));
		if (items == NULL)
			return -ENOMEM;
		a->u.arr.items = items;
		a->u.arr.cap = cap;
	}
	a->u.arr.items[n] = val;
	a->u.arr.n = n + 1;
	return 0;
}

void
vg_toml_free(struct vg_toml_doc *doc)
{
	if (doc == NULL)
		return;
	vg_toml_value_free(doc->root);
	free(doc);
}

const struct vg_toml_value *
vg_toml_root(const struct vg_toml_doc *doc)
{
	return doc != NULL ? doc->root : NULL;
}

enum vg_toml_type
vg_toml_type(const struct vg_toml_value *v)
{
	return v->type;
}

const char *
vg_toml_type_name(enum vg_toml_type t)
{
	switch (t) {
	case VG_TOML_TABLE:
		return "table";
	case VG_TOML_ARRAY:
		return "array";
	case VG_TOML_STRING:
		return "string";
	case VG_TOML_INTEGER:
		return "integer";
	case VG_TOML_FLOAT:
		return "float";
	case VG_TOML_BOOL:
		return "boolean";
	case VG_TOML_DATETIME:
		return "offset date-time";
	case VG_TOML_DATETIME_LOCAL:
		return "local date-time";
	case VG_TOML_DATE_LOCAL:
		return "local date";
	case VG_TOML_TIME_LOCAL:
		return "local time";
	}
	return "unknown";
}

struct vg_toml_pos
vg_toml_pos(const struct vg_toml_value *v)
{
	return v->pos;
}

size_t
vg_toml_table_len(const struct vg_toml_value *v)
{
	if (v == NULL || v->type != VG_TOML_TABLE)
		return 0;
	return v->u.tab.n;
}

const char *
vg_toml_table_key(const struct vg_toml_value *v, size_t i,
		struct vg_toml_pos *keypos)
{
	if (v == NULL || v->type != VG_TOML_TABLE || i >= v->u.tab.n)
		return NULL;
	if (keypos != NULL)
		*keypos = v->u.tab.ents[i].keypos;
	return v->u.tab.ents[i].key;
}

const struct vg_toml_value *
vg_toml_table_value(const struct vg_toml_value *v, size_t i)
{
	if (v == NULL || v->type != VG_TOML_TABLE || i >= v->u.tab.n)
		return NULL;
	return v->u.tab.ents[i].val;
}

const struct vg_toml_value *
vg_toml_table_get(const struct vg_toml_value *v, const char *key)
{
	const struct vg_toml_entry *e;

	if (v == NULL || v->type != VG_TOML_TABLE || key == NULL)
		return NULL;
	e = vg_toml_table_find(v, key, strlen(key));
	return e != NULL ? e->val : NULL;
}

size_t
vg_toml_array_len(const struct vg_toml_value *v)
{
	if (v == NULL || v->type != VG_TOML_ARRAY)
		return 0;
	return v->u.arr.n;
}

const struct vg_toml_value *
vg_toml_array_at(const struct vg_toml_value *v, size_t i)
{
	if (v == NULL || v->type != VG_TOML_ARRAY || i >= v->u.arr.n)
		return NULL;
	return v->u.arr.items[i];
}

int
vg_toml_string(const struct vg_toml_value *v, const char **s, size_t *len)
{
	if (v == NULL || v->type != VG_TOML_STRING)
		return -EINVAL;
	if (s != NULL)
		*s = v->u.str.s;
	if (len != NULL)
		*len = v->u.str.len;
	return 0;
}

int
vg_toml_int(const struct vg_toml_value *v, int64_t *out)
{
	if (v == NULL || v->type != VG_TOML_INTEGER)
		return -EINVAL;
	if (out != NULL)
		*out = v->u.i;
	return 0;
}

int
vg_toml_float(const struct vg_toml_value *v, double *out)
{
	if (v == NULL || v->type != VG_TOML_FLOAT)
		return -EINVAL;
	if (out != NULL)
		*out = v->u.f;
	return 0;
}

int
vg_toml_bool(const struct vg_toml_value *v, bool *out)
{
	if (v == NULL || v->type != VG_TOML_BOOL)
		return -EINVAL;
	if (out != NULL)
		*out = v->u.b;
	return 0;
}

int
vg_toml_datetime(const struct vg_toml_value *v, struct vg_toml_datetime *out)
{
	if (v == NULL || (v->type != VG_TOML_DATETIME &&
			v->type != VG_TOML_DATETIME_LOCAL &&
			v->type != VG_TOML_DATE_LOCAL &&
			v->type != VG_TOML_TIME_LOCAL))
		return -EINVAL;
	if (out != NULL)
		*out = v->u.dt;
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The schema walk: reads each TOML value against its struct vg_cfg_key
 * (type, range, enumeration, address syntax), stores it in the config
 * structs, and reports unknown keys with the nearest known one and missing
 * required keys, each at its position in the file.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_pvt.h"

bool
vg_cfg_is_bad(const struct vg_cfg_ctx *ctx, const struct vg_toml_value *v)
{
	size_t i;

	for (i = 0; v != NULL && i < ctx->n_bad; i++)
		if (ctx->bad[i] == v)
			return true;
	return false;
}

static void
mark_bad(struct vg_cfg_ctx *ctx, const struct vg_toml_value *v)
{
	const struct vg_toml_value **n;

	if (ctx->n_bad == ctx->cap_bad) {
		size_t cap = ctx->cap_bad ? ctx->cap_bad * 2 : 16;

		n = realloc(ctx->bad, cap * sizeof(*n));
		if (n == NULL) {
			ctx->nomem = 1;
			return;
		}
		ctx->bad = n;
		ctx->cap_bad = cap;
	}
	ctx->bad[ctx->n_bad++] = v;
}

/* "an integer", "a string": the article TOML users would say. */
static const char *
article(const char *noun)
{
	return strchr("aeiou", noun[0]) != NULL ? "an" : "a";
}

static const char *
kind_noun(enum vg_cfg_kind kind)
{
	switch (kind) {
	case VG_CFG_UINT:
		return "integer";
	case VG_CFG_BOOL:
		return "boolean";
	case VG_CFG_TABLE:
		return "table";
	case VG_CFG_UINTS:
	case VG_CFG_ENUMS:
	case VG_CFG_STRS:
	case VG_CFG_CIDRS:
	case VG_CFG_TABLES:
		return "array";
	default:
		return "string";
	}
}

/* Kinds read from an array of scalars. */
static bool
is_list(enum vg_cfg_kind kind)
{
	return kind == VG_CFG_UINTS || kind == VG_CFG_ENUMS ||
		kind == VG_CFG_STRS || kind == VG_CFG_CIDRS;
}

/* The type each array kind holds. */
static enum vg_toml_type
elem_type(enum vg_cfg_kind kind)
{
	switch (kind) {
	case VG_CFG_UINTS:
		return VG_TOML_INTEGER;
	case VG_CFG_TABLES:
		return VG_TOML_TABLE;
	default:
		return VG_TOML_STRING;
	}
}

static bool
expect_type(struct vg_cfg_ctx *ctx, const struct vg_cfg_key *k,
		const struct vg_toml_value *v, enum vg_toml_type want,
		bool element)
{
	enum vg_toml_type t = vg_toml_type(v);
	const char *noun;

	if (t == want)
		return true;
	noun = element ? vg_toml_type_name(want) : kind_noun(k->kind);
	vg_cfg_err(ctx, vg_toml_pos(v), "expected %s %s %s '%s', found %s",
		article(noun), noun, element ? "in" : "for", k->name,
		vg_toml_type_name(t));
	return false;
}

/* A string value, checked for embedded NULs; NULL after reporting. */
static const char *
get_str(struct vg_cfg_ctx *ctx, const struct vg_cfg_key *k,
		const struct vg_toml_value *v, size_t *lenp)
{
	const char *s;
	size_t len;

	if (vg_toml_string(v, &s, &len) != 0)
		return NULL;
	if (memchr(s, '\0', len) != NULL) {
		vg_cfg_err(ctx, vg_toml_pos(v),
			"'%s' contains a NUL character", k->name);
		return NULL;
	}
	*lenp = len;
	return s;
}

static void
put_str(struct vg_cfg_ctx *ctx, const struct vg_cfg_key *k,
		const struct vg_toml_value *v, char *dst, size_t size)
{
	const char *s;
	size_t len;

	s = get_str(ctx, k, v, &len);
	if (s == NULL)
		return;
	if (len >= size) {
		vg_cfg_err(ctx, vg_toml_pos(v),
			"'%s' is too long (%zu bytes, at most %zu)", k->name,
			len, size - 1);
		return;
	}
	if ((int64_t)len < k->min) {
		vg_cfg_err(ctx, vg_toml_pos(v), "'%s' must not be empty",
			k->name);
		return;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static void
load_hex(struct vg_cfg_ctx *ctx, const struct vg_cfg_key *k,
		const struct vg_toml_value *v, char *dst)
{
	const char *s;
	size_t len, i;

	s = get_str(ctx, k, v, &len);
	if (s == NULL)
		return;
	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			break;
	if (len != k->size - 1 || i != len) {
		vg_cfg_err(ctx, vg_toml_pos(v),
			"'%s' must be %zu hexadecimal digits", k->name,
			k->size - 1);
		return;
	}
	for (i = 0; i < len; i++)
		dst[i] = (char)tolower((unsigned char)s[i]);
	dst[len] = '\0';
}

static size_t
count_names(const char *const *names)
{
	size_t n = 0;

	while (names[n] != NULL)
		n++;
	return n;
}

int
vg_cfg_find_name(const char *const *names, const char *s)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcasecmp(names[i], s) == 0)
			return i;
	return -1;
}

/* Report a value that is not one of names, listing them. */
static void
bad_name(struct vg_cfg_ctx *ctx, const struct vg_cfg_key *k,
		const struct vg_toml_value *v, const char *s, bool element)
{
	char list[160] = "";
	size_t used = 0, i;
	const char *near;

	for (i = 0; k->names[i] != NULL && used < sizeof(list); i++)
		used += snprintf(list + used, sizeof(list) - used, "%s\"%s\"",
			i ? ", " : "", k->names[i]);
	near = vg_cfg_nearest(s, k->names, count_names(k->names));
	vg_cfg_err(ctx, vg_toml_pos(v), "%s%s \"%.40s\" is not one of %s%s%s%s",
		k->name, element ? ":" : " =", s, list,
		near ? " (did you mean \"" : "", near ? near : "",
		near ? "\"?)" : "");
}

static int
parse_enum(struct vg_cfg_ctx *ctx, const struct vg_cfg_key *k,
		const struct vg_toml_value *v, bool element)
{
	const char *s;
	size_t len;
	int idx;

	s = get_str(ctx, k, v, &len);
	if (s == NULL)
		return -1;
	idx = vg_cfg_find_name(k->names, s);
	if (idx < 0)
		bad_name(ctx, k, v, s, element);
	return idx;
}

/* Range and shape of one integer; false after reporting. */
static bool
check_int(struct vg_cfg_ctx *ctx, const struct vg_cfg_key *k,
		const struct vg_toml_value *v, int64_t x, bool element)
{
	const char *sep = element ? ":" : " =";

	if (x < k->min || x > k->max) {
		vg_cfg_err(ctx, vg_toml_pos(v),
			"%s%s %" PRId64 " is out of range %" PRId64
			"..%" PRId64, k->name, sep, x, k->min, k->max);
		return false;
	}
	if ((k->flags & VG_CFG_F_POW2) && (x & (x - 1)) != 0) {
		vg_cfg_err(ctx, vg_toml_pos(v),
			"%s%s %" PRId64 " is not a power of two", k->name, sep,
			x);
		return false;
	}
	if ((k->flags & VG_CFG_F_EVEN) && (x & 1) != 0) {
		vg_cfg_err(ctx, vg_toml_pos(v), "%s%s %" PRId64 " is not even",
			k->name, sep, x);
		return false;
	}
	return true;
}

static void
load_cidr(struct vg_cfg_ctx *ctx, const struct vg_cfg_key *k,
		const struct vg_toml_value *v, struct vg_cfg_cidr *dst,
		bool element)
{
	const char *sep = element ? ":" : " =";
	struct vg_cfg_cidr c;
	bool had_prefix;
	const char *s;
	size_t len;
	int rc;

	s = get_str(ctx, k, v, &len);
	if (s == NULL)
		return;
	rc = vg_cfg_parse_cidr(s, &c, &had_prefix);
	if (rc == -ERANGE)
		vg_cfg_err(ctx, vg_toml_pos(v),
			"%s%s \"%.60s\": the prefix length is out of range"
			" 0..%d", k->name, sep, s,
			c.addr.family == AF_INET ? 32 : 128);
	else if (rc != 0)
		vg_cfg_err(ctx, vg_toml_pos(v),
			"%s%s \"%.60s\" is not an IPv4 or IPv6 address%s",
			k->name, sep, s, had_prefix ? " with a prefix" : "");
	else if (!had_prefix && (k->flags & VG_CFG_F_PREFIX))
		vg_cfg_err(ctx, vg_toml_pos(v),
			"%s%s \"%.60s\" needs a prefix length (address/prefix)",
			k->name, sep, s);
	else
		*dst = c;
}

static void
load_addr(struct vg_cfg_ctx *ctx, const struct vg_cfg_key *k,
		const struct vg_toml_value *v, struct vg_cfg_addr *dst)
{
	struct vg_cfg_cidr c;
	bool had_prefix;
	const char *s;
	size_t len;

	s = get_str(ctx, k, v, &len);
	if (s == NULL)
		return;
	if (vg_cfg_parse_cidr(s, &c, &had_prefix) != 0 || had_prefix) {
		vg_cfg_err(ctx, vg_toml_pos(v),
			"%s = \"%.60s\" is not an IPv4 or IPv6 address",
			k->name, s);
		return;
	}
	*dst = c.addr;
}

/* Element i of an array kind: parse v into the field array at arr. */
static void
load_elem(struct vg_cfg_ctx *ctx, const struct vg_cfg_key *k,
		const struct vg_toml_value *v, char *arr, size_t i)
{
	int64_t x;
	int idx;

	switch (k->kind) {
	case VG_CFG_UINTS:
		vg_toml_int(v, &x);
		if (check_int(ctx, k, v, x, true))
			vg_cfg_store_uint(arr + i * k->size, k->size,
				(uint64_t)x);
		break;
	case VG_CFG_ENUMS:
		idx = parse_enum(ctx, k, v, true);
		if (idx >= 0)
			vg_cfg_store_uint(arr + i * k->size, k->size,
				(uint64_t)idx);
		break;
	case VG_CFG_STRS:
		put_str(ctx, k, v, arr + i * k->size, k->size);
		break;
	case VG_CFG_CIDRS:
		load_cidr(ctx, k, v, (struct vg_cfg_cidr *)(void *)(arr +
			i * k->size), true);
		break;
	default:
		break;
	}
}

/* Integers and enumerations in a list must not repeat. */
static void
check_unique(struct vg_cfg_ctx *ctx, const struct vg_cfg_key *k,
		const struct vg_toml_value *arr, const char *base, size_t n)
{
	size_t i, j;

	if (k->kind != VG_CFG_UINTS && k->kind != VG_CFG_ENUMS)
		return;
	for (i = 1; i < n; i++) {
		const struct vg_toml_value *e = vg_toml_array_at(arr, i);
		uint64_t x = vg_cfg_load_uint(base + i * k->size, k->size);

		for (j = 0; j < i; j++)
			if (vg_cfg_load_uint(base + j * k->size, k->size) == x)
				break;
		if (j == i)
			continue;
		mark_bad(ctx, e);
		if (k->kind == VG_CFG_UINTS)
			vg_cfg_err(ctx, vg_toml_pos(e),
				"%s: %" PRIu64 " is listed twice", k->name, x);
		else
			vg_cfg_err(ctx, vg_toml_pos(e),
				"%s: \"%s\" is listed twice", k->name,
				k->names[x]);
	}
}

static void
load_array(struct vg_cfg_ctx *ctx, const struct vg_cfg_key *k,
		const struct vg_toml_value *v, char *base)
{
	size_t n = vg_toml_array_len(v), i;
	size_t before = ctx->errs->n;

	/* A list that is wrong as a whole is left empty, so that rules over
	 * its entries do not see the default instead. */
	memset(base + k->off, 0, k->size * k->cap);
	vg_cfg_store_uint(base + k->count_off, k->count_size, 0);
	if (n > k->cap) {
		vg_cfg_err(ctx, vg_toml_pos(v),
			"'%s' has %zu entries, at most %zu", k->name, n,
			k->cap);
		return;
	}
	if (n == 0 && (k->flags & VG_CFG_F_NOTEMPTY)) {
		vg_cfg_err(ctx, vg_toml_pos(v), "'%s' must not be empty",
			k->name);
		return;
	}
	for (i = 0; i < n; i++) {
		const struct vg_toml_value *e = vg_toml_array_at(v, i);

		size_t errs_before = ctx->errs->n;

		if (expect_type(ctx, k, e, elem_type(k->kind), true))
			load_elem(ctx, k, e, base + k->off, i);
		if (ctx->errs->n != errs_before)
			mark_bad(ctx, e);
	}
	vg_cfg_store_uint(base + k->count_off, k->count_size, n);
	if (ctx->errs->n == before)
		check_unique(ctx, k, v, base + k->off, n);
}

static void
load_tables(struct vg_cfg_ctx *ctx, const struct vg_cfg_key *k,
		const struct vg_toml_value *v, char *base,
		struct vg_cfg_where where)
{
	size_t n = vg_toml_array_len(v), i;
	char *elems;

	if (n > k->cap) {
		vg_cfg_err(ctx, vg_toml_pos(v),
			"%zu [[%s]] tables, at most %zu", n, where.path,
			k->cap);
		return;
	}
	if (k->flags & VG_CFG_F_ALLOC) {
		elems = n ? calloc(n, k->sub->elem_size) : NULL;
		if (n && elems == NULL) {
			ctx->nomem = 1;
			return;
		}
		memcpy(base + k->off, &elems, sizeof(elems));
	} else {
		elems = base + k->off;
	}
	vg_cfg_store_uint(base + k->count_off, k->count_size, n);
	where.array = true;
	for (i = 0; i < n; i++) {
		const struct vg_toml_value *e = vg_toml_array_at(v, i);
		char *elem = elems + i * k->sub->elem_size;

		vg_cfg_apply_defaults(k->sub, elem);
		if (expect_type(ctx, k, e, VG_TOML_TABLE, true))
			vg_cfg_load_table(ctx, k->sub, e, elem, where);
	}
}

static void
read_key(struct vg_cfg_ctx *ctx, const struct vg_cfg_key *k,
		const struct vg_toml_value *v, char *base,
		struct vg_cfg_where where)
{
	char path[128];
	int64_t x;
	int idx;

	switch (k->kind) {
	case VG_CFG_UINT:
		if (!expect_type(ctx, k, v, VG_TOML_INTEGER, false))
			return;
		vg_toml_int(v, &x);
		if (check_int(ctx, k, v, x, false))
			vg_cfg_store_uint(base + k->off, k->size, (uint64_t)x);
		return;
	case VG_CFG_BOOL:
		if (expect_type(ctx, k, v, VG_TOML_BOOL, false))
			vg_toml_bool(v, (bool *)(void *)(base + k->off));
		return;
	case VG_CFG_CUSTOM:
		k->load(ctx, k, v, base);
		return;
	default:
		break;
	}

	if (k->kind == VG_CFG_TABLE || k->kind == VG_CFG_TABLES) {
		snprintf(path, sizeof(path), "%s%s%s", where.path,
			where.path[0] ? "." : "", k->name);
		where.path = path;
	}
	if (k->kind == VG_CFG_TABLE) {
		where.array = false;
		if (expect_type(ctx, k, v, VG_TOML_TABLE, false))
			vg_cfg_load_table(ctx, k->sub, v, base + k->off, where);
		return;
	}
	if (k->kind == VG_CFG_TABLES) {
		if (vg_toml_type(v) == VG_TOML_ARRAY)
			load_tables(ctx, k, v, base, where);
		else
			vg_cfg_err(ctx, vg_toml_pos(v),
				"expected an array of tables for '%s' (write"
				" [[%s]]), found %s", k->name, where.path,
				vg_toml_type_name(vg_toml_type(v)));
		return;
	}
	if (is_list(k->kind)) {
		if (expect_type(ctx, k, v, VG_TOML_ARRAY, false)) {
			load_array(ctx, k, v, base);
		} else {
			/* wrong as a whole: empty, not the default */
			vg_cfg_store_uint(base + k->count_off, k->count_size,
				0);
		}
		return;
	}

	if (!expect_type(ctx, k, v, VG_TOML_STRING, false))
		return;
	switch (k->kind) {
	case VG_CFG_STR:
		put_str(ctx, k, v, base + k->off, k->size);
		break;
	case VG_CFG_HEX:
		load_hex(ctx, k, v, base + k->off);
		break;
	case VG_CFG_ENUM:
		idx = parse_enum(ctx, k, v, false);
		if (idx >= 0)
			vg_cfg_store_uint(base + k->off, k->size,
				(uint64_t)idx);
		break;
	case VG_CFG_ADDR:
		load_addr(ctx, k, v, (struct vg_cfg_addr *)(void *)(base +
			k->off));
		break;
	case VG_CFG_CIDR:
		load_cidr(ctx, k, v, (struct vg_cfg_cidr *)(void *)(base +
			k->off), false);
		break;
	default:
		break;
	}
}

static void
load_key(struct vg_cfg_ctx *ctx, const struct vg_cfg_key *k,
		const struct vg_toml_value *v, char *base,
		struct vg_cfg_where where)
{
	size_t before = ctx->errs->n;

	read_key(ctx, k, v, base, where);
	if (ctx->errs->n != before)
		mark_bad(ctx, v);
}

/* "in [dataplane]", "in [[port]]", "at the top level" */
static void
where_str(struct vg_cfg_where where, char *buf, size_t size)
{
	if (where.path[0] == '\0')
		snprintf(buf, size, "at the top level");
	else
		snprintf(buf, size, where.array ? "in [[%s]]" : "in [%s]",
			where.path);
}

/* A key of the schema written as the user would write it. */
static void
key_str(const struct vg_cfg_key *k, struct vg_cfg_where where, char *buf,
		size_t size)
{
	const char *dot = where.path[0] ? "." : "";

	if (k->kind == VG_CFG_TABLE)
		snprintf(buf, size, "[%s%s%s]", where.path, dot, k->name);
	else if (k->kind == VG_CFG_TABLES)
		snprintf(buf, size, "[[%s%s%s]]", where.path, dot, k->name);
	else
		snprintf(buf, size, "'%s'", k->name);
}

/* Where a misplaced top-level key belongs, if some section has it. */
static const struct vg_cfg_key *
home_of(const char *name, const struct vg_cfg_key **section)
{
	const struct vg_cfg_section *root = &vg_cfg_root;
	size_t i, j;

	for (i = 0; i < root->n_keys; i++) {
		const struct vg_cfg_section *sub = root->keys[i].sub;

		if (sub == NULL)
			continue;
		for (j = 0; j < sub->n_keys; j++)
			if (strcmp(sub->keys[j].name, name) == 0) {
				*section = &root->keys[i];
				return &sub->keys[j];
			}
	}
	return NULL;
}

static void
unknown_key(struct vg_cfg_ctx *ctx, const struct vg_cfg_section *sec,
		const char *name, struct vg_toml_pos pos,
		const struct vg_toml_value *v, struct vg_cfg_where where)
{
	const char *names[64];
	const struct vg_cfg_key *home, *home_sec;
	char in[96], hint[128] = "", cand[96];
	const char *near;
	enum vg_toml_type t = vg_toml_type(v);
	size_t i, n = 0;

	for (i = 0; i < sec->n_keys && n < 64; i++)
		names[n++] = sec->keys[i].name;
	near = vg_cfg_nearest(name, names, n);
	if (near != NULL) {
		for (i = 0; strcmp(sec->keys[i].name, near) != 0; i++)
			;
		key_str(&sec->keys[i], where, cand, sizeof(cand));
		snprintf(hint, sizeof(hint), " (did you mean %s?)", cand);
	} else if (where.path[0] == '\0' && t != VG_TOML_TABLE &&
			(home = home_of(name, &home_sec)) != NULL) {
		struct vg_cfg_where root = { "", false };

		key_str(home_sec, root, cand, sizeof(cand));
		snprintf(hint, sizeof(hint), " (it belongs in %s)", cand);
	}
	where_str(where, in, sizeof(in));
	if (t == VG_TOML_TABLE)
		vg_cfg_err(ctx, pos, "unknown section [%s%s%.64s]%s",
			where.path, where.path[0] ? "." : "", name, hint);
	else
		vg_cfg_err(ctx, pos, "unknown key '%.64s' %s%s", name, in,
			hint);
}

void
vg_cfg_load_table(struct vg_cfg_ctx *ctx, const struct vg_cfg_section *sec,
		const struct vg_toml_value *t, void *base,
		struct vg_cfg_where where)
{
	size_t n = vg_toml_table_len(t), i, j;
	char in[96];

	for (i = 0; i < n; i++) {
		struct vg_toml_pos kpos;
		const char *name = vg_toml_table_key(t, i, &kpos);
		const struct vg_toml_value *v = vg_toml_table_value(t, i);

		for (j = 0; j < sec->n_keys; j++)
			if (strcmp(sec->keys[j].name, name) == 0)
				break;
		if (j == sec->n_keys)
			unknown_key(ctx, sec, name, kpos, v, where);
		else
			load_key(ctx, &sec->keys[j], v, base, where);
	}
	for (j = 0; j < sec->n_keys; j++) {
		if (!(sec->keys[j].flags & VG_CFG_F_REQUIRED) ||
				vg_toml_table_get(t, sec->keys[j].name) != NULL)
			continue;
		where_str(where, in, sizeof(in));
		vg_cfg_err(ctx, vg_toml_pos(t), "missing required key '%s' %s",
			sec->keys[j].name, in);
	}
}

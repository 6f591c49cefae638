/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * libFuzzer target for the TOML parser: parse, read every value through
 * every accessor (including the wrong-type ones), free.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vg_toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every typed read must agree with vg_toml_type(). */
static void
check_scalar(const struct vg_toml_value *v)
{
	enum vg_toml_type t = vg_toml_type(v);
	struct vg_toml_datetime dt;
	const char *s;
	size_t len;
	int64_t i;
	double f;
	bool b;

	if ((vg_toml_string(v, &s, &len) == 0) != (t == VG_TOML_STRING))
		abort();
	if (t == VG_TOML_STRING && (s == NULL || s[len] != '\0'))
		abort();
	if ((vg_toml_int(v, &i) == 0) != (t == VG_TOML_INTEGER))
		abort();
	if ((vg_toml_float(v, &f) == 0) != (t == VG_TOML_FLOAT))
		abort();
	if ((vg_toml_bool(v, &b) == 0) != (t == VG_TOML_BOOL))
		abort();
	if ((vg_toml_datetime(v, &dt) == 0) != (t >= VG_TOML_DATETIME))
		abort();
	if (t >= VG_TOML_DATETIME && (dt.frac_digits > 9 ||
			dt.nanosecond > 999999999u))
		abort();
	if (vg_toml_type_name(t) == NULL)
		abort();
}

static bool
has_entry(const struct vg_toml_value *t, const char *key,
		const struct vg_toml_value *v)
{
	size_t i;

	for (i = 0; i < vg_toml_table_len(t); i++)
		if (vg_toml_table_value(t, i) == v &&
				strcmp(vg_toml_table_key(t, i, NULL), key) == 0)
			return true;
	return false;
}

static void
walk(const struct vg_toml_value *v)
{
	struct vg_toml_pos pos = vg_toml_pos(v), kpos;
	size_t i, n;

	if (pos.line == 0 || pos.col == 0)
		abort();
	check_scalar(v);
	if (vg_toml_type(v) == VG_TOML_TABLE) {
		n = vg_toml_table_len(v);
		if (vg_toml_array_len(v) != 0 || vg_toml_array_at(v, 0))
			abort();
		for (i = 0; i < n; i++) {
			const char *key = vg_toml_table_key(v, i, &kpos);
			const struct vg_toml_value *child, *found;

			child = vg_toml_table_value(v, i);
			if (key == NULL || child == NULL || kpos.line == 0)
				abort();
			/*
			 * Lookup finds this entry, or nothing or a namesake
			 * when a NUL in the key truncated it.
			 */
			found = vg_toml_table_get(v, key);
			if (found != child && found != NULL &&
					!has_entry(v, key, found))
				abort();
			walk(child);
		}
		if (vg_toml_table_key(v, n, NULL) != NULL ||
				vg_toml_table_value(v, n) != NULL)
			abort();
	} else if (vg_toml_type(v) == VG_TOML_ARRAY) {
		n = vg_toml_array_len(v);
		if (vg_toml_table_len(v) != 0 || vg_toml_table_get(v, "a"))
			abort();
		for (i = 0; i < n; i++)
			walk(vg_toml_array_at(v, i));
		if (vg_toml_array_at(v, n) != NULL)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_toml_doc *doc = NULL;
	struct vg_toml_error err;
	int rc;

	rc = vg_toml_parse((const char *)data, size, &doc, &err);
	if (rc == 0) {
		walk(vg_toml_root(doc));
	} else {
		if (rc != -EINVAL && rc != -ENOMEM)
			abort();
		if (doc != NULL || err.pos.line == 0 || err.pos.col == 0)
			abort();
		if (memchr(err.msg, '\0', sizeof(err.msg)) == NULL ||
				strchr(err.msg, '\n') != NULL)
			abort();
	}
	vg_toml_free(doc);
	return 0;
}

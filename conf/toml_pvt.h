/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * TOML parser internals shared by toml.c (tree), toml_scalar.c (strings,
 * numbers, date-times) and toml_parse.c (document grammar).
 */
#ifndef VG_TOML_PVT_H
#define VG_TOML_PVT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vg_toml.h"

/** Deepest nesting of tables and arrays; bounds recursion everywhere. */
#define VG_TOML_MAX_DEPTH 512

/** Tables with more keys than this get a hash index. */
#define VG_TOML_INDEX_MIN 16

/* How a table came to exist; decides what may still add to it. */
#define VG_TOML_T_IMPLICIT 0x01 /**< made as a prefix of a [header] */
#define VG_TOML_T_DEFINED  0x02 /**< named by its own [header] / [[header]] */
#define VG_TOML_T_DOTTED   0x04 /**< made by a dotted key */
#define VG_TOML_T_INLINE   0x08 /**< an inline table: sealed once closed */
#define VG_TOML_A_TABLES   0x10 /**< array built by [[header]] */

/** One key of a table. */
struct vg_toml_entry {
	char *key;                 /**< NUL-terminated, owned */
	size_t keylen;             /**< may differ from strlen (NULs) */
	uint32_t hash;
	struct vg_toml_pos keypos;
	struct vg_toml_value *val; /**< owned */
};

struct vg_toml_value {
	enum vg_toml_type type;
	struct vg_toml_pos pos;
	uint16_t depth;            /**< containers: root table is 0 */
	uint8_t flags;             /**< VG_TOML_T_* / VG_TOML_A_TABLES */
	union {
		struct {
			char *s;   /**< NUL-terminated, owned */
			size_t len;
		} str;
		int64_t i;
		double f;
		bool b;
		struct vg_toml_datetime dt;
		struct {
			struct vg_toml_value **items;
			size_t n, cap;
		} arr;
		struct {
			struct vg_toml_entry *ents;
			size_t n, cap;
			uint32_t *index;   /**< entry index + 1; 0 is empty */
			size_t index_cap;  /**< power of two, 0 when no index */
		} tab;
	} u;
};

struct vg_toml_doc {
	struct vg_toml_value *root;
};

/** Parser state: the input, the cursor and the line bookkeeping. */
struct vg_toml_parser {
	const char *text;
	size_t len;
	size_t p;                  /**< cursor, byte offset */
	uint32_t line;             /**< line of the cursor, from 1 */
	size_t line_start;         /**< offset where that line begins */
	struct vg_toml_error *err; /**< never NULL inside the parser */
};

/* toml.c: the value tree */
struct vg_toml_value *vg_toml_value_new(enum vg_toml_type type,
		struct vg_toml_pos pos);
void vg_toml_value_free(struct vg_toml_value *v);
struct vg_toml_entry *vg_toml_table_find(const struct vg_toml_value *t,
		const char *key, size_t keylen);
int vg_toml_table_add(struct vg_toml_value *t, char *key, size_t keylen,
		struct vg_toml_pos keypos, struct vg_toml_value *val);
int vg_toml_array_add(struct vg_toml_value *a, struct vg_toml_value *val);

/* toml_diag.c: diagnostics */
int vg_toml_fail(struct vg_toml_parser *ps, struct vg_toml_pos pos,
		const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct vg_toml_pos vg_toml_here(const struct vg_toml_parser *ps);
void vg_toml_describe(const struct vg_toml_parser *ps, size_t off,
		char *buf, size_t size);
void vg_toml_quote(const char *s, size_t len, char *buf, size_t size);
struct vg_toml_pos vg_toml_pos_of(const char *text, size_t off);

/* toml_scalar.c: single values */
int vg_toml_scan_string(struct vg_toml_parser *ps, bool allow_multi,
		char **out, size_t *outlen);
int vg_toml_scan_number_or_datetime(struct vg_toml_parser *ps,
		struct vg_toml_value **out);
size_t vg_toml_utf8_check(const char *s, size_t len);

#endif /* VG_TOML_PVT_H */

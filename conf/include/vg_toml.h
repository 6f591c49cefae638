/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * TOML 1.0 parser: a read-only document tree with typed accessors.
 *
 * The whole TOML 1.0 specification is implemented: every value type, dotted
 * keys, inline tables, arrays of tables, and every error the specification
 * names (duplicate keys, table redefinition, bad escapes, out-of-range
 * integers, invalid dates, control characters, invalid UTF-8, ...).
 *
 * There is no global state: documents are independent and may be parsed and
 * read from any thread; a single document is immutable once parsed.
 * Every allocation belongs to the document and is released by
 * vg_toml_free().
 */
#ifndef VG_TOML_H
#define VG_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The kind of a TOML value. */
enum vg_toml_type {
	VG_TOML_TABLE,
	VG_TOML_ARRAY,
	VG_TOML_STRING,
	VG_TOML_INTEGER,
	VG_TOML_FLOAT,
	VG_TOML_BOOL,
	VG_TOML_DATETIME,       /**< offset date-time (1979-05-27T07:32:00Z) */
	VG_TOML_DATETIME_LOCAL, /**< local date-time (1979-05-27T07:32:00) */
	VG_TOML_DATE_LOCAL,     /**< local date (1979-05-27) */
	VG_TOML_TIME_LOCAL,     /**< local time (07:32:00) */
};

/** A place in the source text; both count from 1, col in bytes. */
struct vg_toml_pos {
	uint32_t line;
	uint32_t col;
};

/**
 * A date, time or date-time. Fields a kind does not have are zero
 * (a local time has no year/month/day, a local date no time).
 */
struct vg_toml_datetime {
	int16_t year;
	uint8_t month, day;
	uint8_t hour, minute, second;
	uint8_t frac_digits;     /**< digits written after the point, 0..9 */
	uint32_t nanosecond;     /**< fraction, truncated to nanoseconds */
	int16_t offset_minutes;  /**< VG_TOML_DATETIME only; Z is 0 */
};

/** Where and why parsing failed. */
struct vg_toml_error {
	struct vg_toml_pos pos;
	char msg[200];           /**< says what was found and what was expected */
};

struct vg_toml_doc;
struct vg_toml_value;

/**
 * Parse a TOML document.
 *
 * @param text  UTF-8 text (need not be NUL-terminated; may contain NULs,
 *              which are rejected as control characters)
 * @param len   length of text in bytes
 * @param docp  receives the document on success
 * @param err   receives position and message on failure (may be NULL)
 * @return 0, -EINVAL for invalid TOML (err filled), -ENOMEM
 */
int vg_toml_parse(const char *text, size_t len, struct vg_toml_doc **docp,
		struct vg_toml_error *err);

/** Free a document and every value in it. NULL is allowed. */
void vg_toml_free(struct vg_toml_doc *doc);

/** The root table of a document. */
const struct vg_toml_value *vg_toml_root(const struct vg_toml_doc *doc);

/** Type of a value; v must not be NULL (check a vg_toml_table_get()). */
enum vg_toml_type vg_toml_type(const struct vg_toml_value *v);

/** Name of a type as TOML users say it ("string", "integer", "table", ...) */
const char *vg_toml_type_name(enum vg_toml_type t);

/**
 * Where a value starts in the source. For a table, the position of its
 * header (or of its first key when defined implicitly / by dotted keys).
 * v must not be NULL.
 */
struct vg_toml_pos vg_toml_pos(const struct vg_toml_value *v);

/** Number of keys in a table (0 when v is not a table). */
size_t vg_toml_table_len(const struct vg_toml_value *v);

/**
 * Key i of a table, in document order.
 *
 * @param keypos if not NULL, receives where the key was written
 * @return the key (NUL-terminated; keys with embedded NULs are returned
 *         truncated), or NULL when v is not a table or i is out of range
 */
const char *vg_toml_table_key(const struct vg_toml_value *v, size_t i,
		struct vg_toml_pos *keypos);

/** Value i of a table, in document order; NULL when out of range. */
const struct vg_toml_value *vg_toml_table_value(const struct vg_toml_value *v,
		size_t i);

/** Value under a key of a table; NULL when absent or v is not a table. */
const struct vg_toml_value *vg_toml_table_get(const struct vg_toml_value *v,
		const char *key);

/** Number of elements of an array (0 when v is not an array). */
size_t vg_toml_array_len(const struct vg_toml_value *v);

/** Element i of an array; NULL when out of range or v is not an array. */
const struct vg_toml_value *vg_toml_array_at(const struct vg_toml_value *v,
		size_t i);

/**
 * Typed reads. Each returns 0, or -EINVAL when the value is NULL or of
 * another type (outputs untouched).
 */
int vg_toml_string(const struct vg_toml_value *v, const char **s,
		size_t *len);
int vg_toml_int(const struct vg_toml_value *v, int64_t *out);
int vg_toml_float(const struct vg_toml_value *v, double *out);
int vg_toml_bool(const struct vg_toml_value *v, bool *out);
/** Any of the four date/time kinds. */
int vg_toml_datetime(const struct vg_toml_value *v,
		struct vg_toml_datetime *out);

#ifdef __cplusplus
}
#endif

#endif /* VG_TOML_H */

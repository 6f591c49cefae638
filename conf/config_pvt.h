/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Private to the configuration loader: the schema types, the walk context
 * and the helpers that config.c, config_schema.c and config_rules.c share.
 *
 * The schema is data: one const table of struct vg_cfg_key per TOML table.
 * Each entry says where the value lands (offset and width in the section's
 * struct), how it is read (kind), its default and its range. Adding a key is
 * adding one line to a table in config_schema.c; the walker in config.c
 * applies defaults, type checks, ranges, enumerations, unknown-key
 * suggestions and required keys for every table alike. Rules that involve
 * more than one key live in config_rules.c.
 */
#ifndef VG_CONFIG_PVT_H
#define VG_CONFIG_PVT_H

#include <stddef.h>
#include <stdint.h>

#include "vg_config.h"
#include "vg_toml.h"

/** How a key's value is read and stored. */
enum vg_cfg_kind {
	VG_CFG_UINT,    /**< unsigned integer of width size, in min..max */
	VG_CFG_BOOL,    /**< bool */
	VG_CFG_STR,     /**< char[size], length in min..size-1 */
	VG_CFG_HEX,     /**< char[size], exactly size-1 hex digits, lowered */
	VG_CFG_ENUM,    /**< one of names[] stored as an int-sized enum */
	VG_CFG_ADDR,    /**< struct vg_cfg_addr */
	VG_CFG_CIDR,    /**< struct vg_cfg_cidr */
	VG_CFG_UINTS,   /**< array of uint of width size, cap entries */
	VG_CFG_ENUMS,   /**< array of enum values from names[] */
	VG_CFG_STRS,    /**< array of char[size], cap entries */
	VG_CFG_CIDRS,   /**< array of struct vg_cfg_cidr, cap entries */
	VG_CFG_TABLE,   /**< a sub-table whose keys share the parent's struct
			     at base + off */
	VG_CFG_TABLES,  /**< an array of tables (see VG_CFG_F_ALLOC) */
	VG_CFG_CUSTOM,  /**< read by load(), defaulted by sdef through load */
};

/** Key flags. */
#define VG_CFG_F_REQUIRED (1u << 0) /**< missing key is an error */
#define VG_CFG_F_POW2     (1u << 1) /**< integer must be a power of two */
#define VG_CFG_F_EVEN     (1u << 2) /**< integer must be even */
#define VG_CFG_F_PREFIX   (1u << 3) /**< CIDR must carry "/prefix" */
#define VG_CFG_F_ALLOC    (1u << 4) /**< TABLES: off is a malloc'd pointer,
					 else a fixed array of cap entries */
#define VG_CFG_F_NOTEMPTY (1u << 5) /**< array needs at least one entry */

struct vg_cfg_ctx;
struct vg_cfg_key;

/**
 * Reads a VG_CFG_CUSTOM value into base. v is NULL to apply the default.
 * Reports its own errors through vg_cfg_err().
 */
typedef void (vg_cfg_load_h)(struct vg_cfg_ctx *ctx,
		const struct vg_cfg_key *key, const struct vg_toml_value *v,
		void *base);

/** One TOML table of the schema. */
struct vg_cfg_section {
	const char *name;              /**< as written: "sip.auth", "port" */
	const struct vg_cfg_key *keys;
	size_t n_keys;
	size_t elem_size;              /**< array of tables: sizeof element */
};

/** One key of a table. */
struct vg_cfg_key {
	const char *name;
	enum vg_cfg_kind kind;
	uint32_t flags;                /**< VG_CFG_F_* */
	size_t off;                    /**< offset in the section's struct */
	size_t size;                   /**< scalar width, string buffer, or
					    element width of an array */
	size_t cap;                    /**< arrays: capacity */
	size_t count_off;              /**< arrays: offset of the count */
	size_t count_size;             /**< arrays: width of the count */
	int64_t def;                   /**< UINT, BOOL, ENUM (index) */
	int64_t min, max;              /**< UINT(S): value range; STR: min
					    length */
	const char *sdef;              /**< strings, addresses; arrays as a
					    comma-separated list */
	const char *const *names;      /**< ENUM(S): NULL-terminated */
	const struct vg_cfg_section *sub; /**< TABLE, TABLES */
	vg_cfg_load_h *load;           /**< CUSTOM */
};

/* Where a table sits, for messages: its dotted path and whether it is an
 * element of an array of tables ([[port]]) or a plain table ([dataplane]). */
struct vg_cfg_where {
	const char *path;              /**< "" for the root */
	bool array;
};

/** The state of one load. */
struct vg_cfg_ctx {
	struct vg_cfg_errors *errs;
	const struct vg_toml_value *root;
	struct vg_config *cfg;
	const struct vg_toml_value **bad; /**< values with an error */
	size_t n_bad, cap_bad;
	int nomem;                     /**< an allocation failed */
};

/** The root of the schema: one key per top-level section. */
extern const struct vg_cfg_section vg_cfg_root;

/** Names shared by the schema and the helpers. */
extern const char *const vg_cfg_codec_names[];
extern const char *const vg_cfg_transport_names[];

/** Record an error at pos. */
void vg_cfg_err(struct vg_cfg_ctx *ctx, struct vg_toml_pos pos,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/**
 * true when v (a key's value) had an error while it was read: rules skip
 * such values so that one mistake is reported once.
 */
bool vg_cfg_is_bad(const struct vg_cfg_ctx *ctx,
		const struct vg_toml_value *v);

/** Read table t into base against section sec (config_walk.c). */
void vg_cfg_load_table(struct vg_cfg_ctx *ctx,
		const struct vg_cfg_section *sec, const struct vg_toml_value *t,
		void *base, struct vg_cfg_where where);

/** Store the default of every key of sec into base. */
void vg_cfg_apply_defaults(const struct vg_cfg_section *sec, void *base);

/** Index of s in a NULL-terminated list, any case; -1 when absent. */
int vg_cfg_find_name(const char *const *names, const char *s);

/** Write v into an unsigned field of width size (1, 2, 4 or 8). */
void vg_cfg_store_uint(void *field, size_t size, uint64_t v);

/** Read an unsigned field of width size. */
uint64_t vg_cfg_load_uint(const void *field, size_t size);

/**
 * Parse "addr" or "addr/prefix". prefix_out gets the prefix, or the full
 * length when none was written (*had_prefix false).
 * @return 0, -EINVAL (not an address), -ERANGE (prefix out of range)
 */
int vg_cfg_parse_cidr(const char *s, struct vg_cfg_cidr *out,
		bool *had_prefix);

/** Format a CIDR into buf ("10.0.0.0/24"). */
const char *vg_cfg_cidr_str(const struct vg_cfg_cidr *c, char *buf,
		size_t size);

/** Optimal string alignment distance, case-insensitive. */
size_t vg_cfg_distance(const char *a, const char *b);

/** The entry of names closest to s when close enough, else NULL. */
const char *vg_cfg_nearest(const char *s, const char *const *names,
		size_t n);

/**
 * Position of key's value in table, or of the table itself when the key is
 * absent, or fallback when the table is absent too.
 */
struct vg_toml_pos vg_cfg_pos(const struct vg_toml_value *table,
		const char *key, struct vg_toml_pos fallback);

/** The listener used when the file has no [[sip.listen]]: udp 0.0.0.0. */
void vg_cfg_default_listen(struct vg_cfg_sip *sip);

/** Fill in what depends on other keys once every table is read. */
void vg_cfg_derive(struct vg_cfg_ctx *ctx);

/** Check every rule that involves more than one key. */
void vg_cfg_check_rules(struct vg_cfg_ctx *ctx);

#endif /* VG_CONFIG_PVT_H */

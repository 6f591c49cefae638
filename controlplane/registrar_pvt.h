/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Registrar internals shared by registrar.c and registrar_store.c. */
#ifndef VG_REGISTRAR_PVT_H
#define VG_REGISTRAR_PVT_H

#include "vg_registrar.h"

/** The bindings of one address-of-record; a hash-chain element. */
struct vg_reg_record {
	struct vg_reg_record *next; /**< next in the bucket */
	char aor[VG_REG_AOR_MAX];
	struct vg_reg_binding *b; /**< n used of cap, unordered */
	uint32_t n;
	uint32_t cap;
};

struct vg_registrar {
	struct vg_reg_params p;	       /**< RO after create */
	struct vg_reg_record **bucket; /**< n_bucket heads, a power of two */
	size_t n_bucket;
	size_t n_aors;
	size_t n_bindings;
	bool dirty; /**< changed since the last save */
	uint64_t last_save_ms;
	struct vg_reg_writer *writer; /**< background saves (vg_reg_flush());
					 NULL until the first */
};

/** Wait for and stop the writer thread (vg_reg_destroy()). */
void vg_reg_writer_stop(struct vg_registrar *reg);

/** The record of aor; created (empty) when create is true and none. */
struct vg_reg_record *vg_reg_record_get(
		struct vg_registrar *reg, const char *aor, bool create);

/** Append a binding to a record (growing it). @return 0 or -ENOMEM */
int vg_reg_record_append(struct vg_registrar *reg, struct vg_reg_record *rec,
		const struct vg_reg_binding *b);

/** Unlink and free rec when it holds no binding. */
void vg_reg_record_drop_empty(
		struct vg_registrar *reg, struct vg_reg_record *rec);

/** Copy src into a fixed buffer; false when it does not fit. */
bool vg_reg_copy(char *dst, size_t size, const char *src);

#endif /* VG_REGISTRAR_PVT_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The location service: address-of-record -> contacts with an expiry
 * (RFC 3261 §10.3), with the expiry policy of [sip.registrar] and an
 * optional file that keeps the bindings across restarts.
 *
 * Pure C: no event loop, no libre, no SIP parsing. The SIP layer decodes a
 * REGISTER into a struct vg_reg_update and turns the outcome into the
 * response. Every function that depends on time takes `now_ms` from the
 * caller: wall-clock milliseconds since the Unix epoch (CLOCK_REALTIME),
 * because expiries are written to the file and must still mean something
 * after a restart.
 *
 * Errors are negative errno values. A struct vg_registrar is not locked:
 * one thread (the SIP event loop) owns it.
 */
#ifndef VG_REGISTRAR_H
#define VG_REGISTRAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vg_config.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VG_REG_AOR_MAX 128	/**< key of a record, NUL included */
#define VG_REG_URI_MAX 512	/**< contact URI, NUL included */
#define VG_REG_INSTANCE_MAX 128 /**< +sip.instance value, NUL included */
#define VG_REG_CALLID_MAX 256	/**< Call-ID, NUL included */
#define VG_REG_SOURCE_MAX 80	/**< "udp:[addr]:port", NUL included */
#define VG_REG_MAX_CONTACTS 100 /**< upper bound of max_contacts */

/** Policy of a registrar ([sip.registrar]). */
struct vg_reg_params {
	uint32_t min_expires;	   /**< shorter non-zero requests get 423 */
	uint32_t default_expires;  /**< when the request names no expiry */
	uint32_t max_expires;	   /**< longer requests are shortened */
	uint32_t max_contacts;	   /**< per AOR, 1..VG_REG_MAX_CONTACTS */
	char file[VG_CFG_STR_MAX]; /**< "" = no persistence */
	uint32_t save_delay_ms;	   /**< changes are written at most this often;
					0 = at every vg_reg_flush() */
};

/** Policy from [sip.registrar]; save_delay_ms becomes 1000. */
void vg_reg_params_from_config(
		const struct vg_cfg_sip *sip, struct vg_reg_params *p);

/** One contact of a REGISTER request. */
struct vg_reg_contact {
	const char *uri;      /**< addr-spec, without <> */
	int64_t expires;      /**< ;expires= parameter; -1 when absent */
	const char *instance; /**< +sip.instance value or NULL */
	uint16_t q;	      /**< q-value times 1000; 1000 when absent */
};

/** A REGISTER request, decoded. */
struct vg_reg_update {
	const char *aor; /**< record key (the SIP layer uses the user) */
	const char *call_id;
	uint32_t cseq;
	int64_t expires; /**< Expires header; -1 when absent */
	bool star;	 /**< "Contact: *" */
	const struct vg_reg_contact *contacts;
	size_t n_contacts;  /**< 0 with !star: a query */
	const char *source; /**< where it came from ("udp:1.2.3.4:5060"),
				 kept for routing behind NAT; may be NULL */
};

/** One binding as stored. */
struct vg_reg_binding {
	char uri[VG_REG_URI_MAX];
	char instance[VG_REG_INSTANCE_MAX]; /**< "" when none */
	char call_id[VG_REG_CALLID_MAX];
	char source[VG_REG_SOURCE_MAX];
	uint32_t cseq;
	uint16_t q;
	uint64_t expires_ms; /**< absolute, epoch ms */
	uint64_t updated_ms; /**< last registration, epoch ms */
};

/** What the SIP layer answers (RFC 3261 §10.3). */
struct vg_reg_outcome {
	uint16_t status;      /**< 200, 400, 403, 423 or 500 */
	const char *reason;   /**< reason phrase */
	uint32_t min_expires; /**< for 423: the Min-Expires value */
	unsigned added, refreshed, removed; /**< bindings changed (200) */
};

struct vg_registrar;

/**
 * Create an empty registrar. Call vg_reg_load() to read the file.
 * @return 0; -EINVAL (min > max, default outside [min, max], max_contacts
 *         0 or above VG_REG_MAX_CONTACTS); -ENOMEM
 */
int vg_reg_create(struct vg_registrar **regp, const struct vg_reg_params *p);

/** Free a registrar without writing it (NULL is ignored). */
void vg_reg_destroy(struct vg_registrar *reg);

/**
 * Apply a REGISTER at now_ms, all or nothing (RFC 3261 §10.3 steps 6-8):
 *
 * - `Contact: *` must come alone with Expires: 0 (else 400); it removes
 *   every binding of the AOR, unless one has the same Call-ID with a CSeq
 *   not lower than the request's (500, nothing changed).
 * - A contact's expiry is its ;expires parameter, else the Expires header,
 *   else default_expires. 0 removes the binding; a value below min_expires
 *   gives 423 with Min-Expires; a value above max_expires is shortened.
 * - A contact matches a binding with the same URI (scheme and host
 *   compared without case, user and the rest exactly) or, when both carry
 *   one, the same +sip.instance (RFC 5627 §6). A match with the same
 *   Call-ID and a CSeq not higher than the stored one fails with 500
 *   (out-of-order request); otherwise the binding is refreshed.
 * - More contacts in the request than max_contacts is 403. New bindings
 *   beyond max_contacts evict the AOR's least recently updated bindings
 *   (a phone that rebooted without unregistering must not be locked out).
 * - No contact and no star is a query: 200, nothing changes.
 * @return 0 with *out filled; -EINVAL for a missing argument; -ENOMEM
 */
int vg_reg_apply(struct vg_registrar *reg, const struct vg_reg_update *up,
		uint64_t now_ms, struct vg_reg_outcome *out);

/**
 * Copy the unexpired bindings of aor at now_ms into out (at most max),
 * most recently updated first.
 * @return the number of bindings the AOR has (may exceed max), 0 when none
 */
size_t vg_reg_lookup(const struct vg_registrar *reg, const char *aor,
		uint64_t now_ms, struct vg_reg_binding *out, size_t max);

/**
 * Remove every binding that expired at or before now_ms.
 * @return the number removed
 */
size_t vg_reg_sweep(struct vg_registrar *reg, uint64_t now_ms);

/** Number of records (AORs) and of bindings held, expired ones included. */
size_t vg_reg_count_aors(const struct vg_registrar *reg);
size_t vg_reg_count_bindings(const struct vg_registrar *reg);

/** Callback of vg_reg_foreach(); return false to stop. */
typedef bool(vg_reg_binding_h)(
		const char *aor, const struct vg_reg_binding *b, void *arg);

/** Visit every unexpired binding at now_ms, in no particular order. */
void vg_reg_foreach(const struct vg_registrar *reg, uint64_t now_ms,
		vg_reg_binding_h *h, void *arg);

/**
 * Write the bindings unexpired at now_ms to the file atomically: a
 * temporary file in the same directory, fsync, rename, fsync of the
 * directory. Does nothing without a file.
 * @return 0, or -errno of the failing step (the old file is then intact)
 */
int vg_reg_save(struct vg_registrar *reg, uint64_t now_ms);

/**
 * Save when something changed and save_delay_ms has passed since the last
 * save (batching: at most one write per delay under load). The snapshot
 * is taken here and written by a background thread, so the caller (the
 * SIP loop) never waits for the disk; while a write is in progress,
 * changes wait for the next flush.
 * @return 0 (also when nothing was due or a write was handed over), or
 *   the error of the previous background write (the changes it held are
 *   then due again)
 */
int vg_reg_flush(struct vg_registrar *reg, uint64_t now_ms);

/**
 * Wait for the background write vg_reg_flush() handed over, if any.
 * @return 0, or its error (the registrar is then dirty again)
 */
int vg_reg_sync(struct vg_registrar *reg);

/** true when changes wait for a save. */
bool vg_reg_dirty(const struct vg_registrar *reg);

/**
 * Read the file into an empty registrar, skipping bindings expired at
 * now_ms. A missing file is not an error. A line that does not parse is
 * skipped and counted; a file without the expected first line is ignored
 * as a whole. Warnings go to warn (may be NULL).
 * @return the number of bindings loaded (>= 0); -errno when the file
 *         exists but cannot be read; -EBUSY when the registrar is not empty
 */
int vg_reg_load(struct vg_registrar *reg, uint64_t now_ms, FILE *warn);

/**
 * Print the unexpired bindings, one per line, "aor uri expires=N" (seconds
 * left), sorted by AOR then URI, for status output and tests.
 */
void vg_reg_dump(const struct vg_registrar *reg, uint64_t now_ms, FILE *out);

#ifdef __cplusplus
}
#endif

#endif /* VG_REGISTRAR_H */

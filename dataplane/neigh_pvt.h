/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The neighbour table of one local address: IPv4 -> MAC learned from ARP,
 * with ageing. One writer (the main lcore), readers on every worker.
 *
 * Open addressing with linear probing over a power-of-two array; each
 * entry is guarded by a sequence count (seqlock), so a reader never sees
 * the MAC of one neighbour with the IP of another and never waits for
 * the writer. Removal leaves a tombstone so probe chains stay intact;
 * the writer reuses tombstones on insert.
 *
 * gen changes whenever a mapping does (new entry, new MAC, removal), so
 * a reader may keep what it looked up and reuse it while gen stays the
 * same (the relay's per-leg next-hop cache).
 */
#ifndef VG_NEIGH_PVT_H
#define VG_NEIGH_PVT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VG_NEIGH_SLOTS 256     /**< per local address, power of two */
#define VG_NEIGH_PROBES 16     /**< longest probe chain */
#define VG_NEIGH_TOMB 0xffffffffu /**< ip of a removed entry */

struct vg_neigh_entry {
	uint32_t seq;              /**< odd while the writer changes it */
	uint32_t ip;               /**< network order; 0 = never used */
	uint64_t mac;              /**< 6 bytes of MAC in the low bytes */
	uint64_t learned_tsc;      /**< owner: main lcore */
	uint64_t asked_tsc;        /**< last ARP request sent; main lcore */
};

struct vg_neigh {
	struct vg_neigh_entry e[VG_NEIGH_SLOTS];
	uint32_t n;                /**< live entries; main lcore */
	uint32_t gen;              /**< never 0; writer: main lcore (release
				      store after the entry), readers:
				      acquire (vg_neigh_gen()) */
};

/** The table's generation: what was looked up while it read g stays
 * valid while it still reads g. Thread: any. */
static inline uint32_t
vg_neigh_gen(const struct vg_neigh *t)
{
	return __atomic_load_n(&t->gen, __ATOMIC_ACQUIRE);
}

/** Empty the table. Thread: main lcore, before workers run. */
void vg_neigh_init(struct vg_neigh *t);

/**
 * Learn or refresh ip -> mac. Thread: main lcore.
 * @return 0, -ENOSPC when the probe chain is full
 */
int vg_neigh_learn(struct vg_neigh *t, uint32_t ip,
		const struct rte_ether_addr *mac, uint64_t now_tsc);

/** Forget ip. Thread: main lcore. @return 0 or -ENOENT */
int vg_neigh_forget(struct vg_neigh *t, uint32_t ip);

/**
 * Look up ip. Thread: any; wait-free for readers.
 * @return true with *mac set when known
 */
bool vg_neigh_lookup(const struct vg_neigh *t, uint32_t ip,
		struct rte_ether_addr *mac);

/**
 * Age the table: entries learned more than timeout ago are forgotten.
 * Thread: main lcore. @return entries forgotten
 */
unsigned int vg_neigh_age(struct vg_neigh *t, uint64_t now_tsc,
		uint64_t timeout_tsc);

#ifdef __cplusplus
}
#endif

#endif /* VG_NEIGH_PVT_H */

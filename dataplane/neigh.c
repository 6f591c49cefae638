/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Neighbour table (ARP cache) of a local address; see neigh_pvt.h. */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_jhash.h>

#include "neigh_pvt.h"

static inline uint32_t
slot0(uint32_t ip)
{
	return rte_jhash_1word(ip, 0x766e6568) & (VG_NEIGH_SLOTS - 1);
}

static inline uint64_t
mac_pack(const struct rte_ether_addr *mac)
{
	uint64_t v = 0;

	memcpy(&v, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	return v;
}

void
vg_neigh_init(struct vg_neigh *t)
{
	memset(t, 0, sizeof(*t));
	t->gen = 1;
}

/* Writer side of the seqlock: make the entry odd, change, make it even;
 * then tell the readers' caches that a mapping changed. */
static void
entry_write(struct vg_neigh *t, struct vg_neigh_entry *e, uint32_t ip,
		uint64_t mac)
{
	uint32_t s = e->seq, g = t->gen + 1;

	__atomic_store_n(&e->seq, s + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&e->ip, ip, __ATOMIC_RELAXED);
	__atomic_store_n(&e->mac, mac, __ATOMIC_RELAXED);
	__atomic_store_n(&e->seq, s + 2, __ATOMIC_RELEASE);
	__atomic_store_n(&t->gen, g != 0 ? g : 1, __ATOMIC_RELEASE);
}

int
vg_neigh_learn(struct vg_neigh *t, uint32_t ip,
		const struct rte_ether_addr *mac, uint64_t now_tsc)
{
	struct vg_neigh_entry *free_e = NULL;
	uint32_t i, s = slot0(ip);

	if (ip == 0 || ip == VG_NEIGH_TOMB)
		return -EINVAL;
	for (i = 0; i < VG_NEIGH_PROBES; i++) {
		struct vg_neigh_entry *e = &t->e[(s + i) & (VG_NEIGH_SLOTS - 1)];

		if (e->ip == ip) {
			if (e->mac != mac_pack(mac))
				entry_write(t, e, ip, mac_pack(mac));
			e->learned_tsc = now_tsc;
			return 0;
		}
		if (free_e == NULL && (e->ip == 0 || e->ip == VG_NEIGH_TOMB))
			free_e = e;
		if (e->ip == 0)
			break;  /* end of the chain: ip is not further on */
	}
	if (free_e == NULL)
		return -ENOSPC;
	entry_write(t, free_e, ip, mac_pack(mac));
	free_e->learned_tsc = now_tsc;
	t->n++;
	return 0;
}

int
vg_neigh_forget(struct vg_neigh *t, uint32_t ip)
{
	uint32_t i, s = slot0(ip);

	for (i = 0; i < VG_NEIGH_PROBES; i++) {
		struct vg_neigh_entry *e = &t->e[(s + i) & (VG_NEIGH_SLOTS - 1)];

		if (e->ip == ip) {
			entry_write(t, e, VG_NEIGH_TOMB, 0);
			t->n--;
			return 0;
		}
		if (e->ip == 0)
			break;
	}
	return -ENOENT;
}

bool
vg_neigh_lookup(const struct vg_neigh *t, uint32_t ip,
		struct rte_ether_addr *mac)
{
	uint32_t i, s = slot0(ip);

	for (i = 0; i < VG_NEIGH_PROBES; i++) {
		const struct vg_neigh_entry *e =
			&t->e[(s + i) & (VG_NEIGH_SLOTS - 1)];
		uint32_t s1, s2, eip;
		uint64_t emac;

		do {
			s1 = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
			eip = __atomic_load_n(&e->ip, __ATOMIC_RELAXED);
			emac = __atomic_load_n(&e->mac, __ATOMIC_RELAXED);
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			s2 = __atomic_load_n(&e->seq, __ATOMIC_RELAXED);
		} while ((s1 & 1) != 0 || s1 != s2);
		if (eip == ip) {
			memcpy(mac->addr_bytes, &emac, RTE_ETHER_ADDR_LEN);
			return true;
		}
		if (eip == 0)
			return false;
	}
	return false;
}

unsigned int
vg_neigh_age(struct vg_neigh *t, uint64_t now_tsc, uint64_t timeout_tsc)
{
	unsigned int n = 0;
	uint32_t i;

	for (i = 0; i < VG_NEIGH_SLOTS; i++) {
		struct vg_neigh_entry *e = &t->e[i];

		if (e->ip == 0 || e->ip == VG_NEIGH_TOMB)
			continue;
		if (now_tsc - e->learned_tsc > timeout_tsc) {
			entry_write(t, e, VG_NEIGH_TOMB, 0);
			t->n--;
			n++;
		}
	}
	return n;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Media port pairs (RTP even, RTCP + 1) from a bitmap. */
#include <errno.h>
#include <stdlib.h>

#include "vg_b2bua.h"

struct vg_media_ports {
	uint16_t base;	 /**< first RTP port (even) */
	unsigned n;	 /**< pairs */
	unsigned used;	 /**< pairs in use */
	unsigned next;	 /**< where the next search starts */
	uint64_t bits[]; /**< bit i set: pair i in use */
};

int
vg_media_ports_create(struct vg_media_ports **portsp, uint16_t port_min,
		uint16_t port_max)
{
	struct vg_media_ports *p;
	uint32_t base = ((uint32_t)port_min + 1u) & ~1u;
	unsigned n;

	if (portsp == NULL || base == 0 || base + 1 > port_max)
		return -EINVAL;
	n = ((uint32_t)port_max - base + 1) / 2;
	p = calloc(1, sizeof(*p) + ((n + 63) / 64) * sizeof(uint64_t));
	if (p == NULL)
		return -ENOMEM;
	p->base = (uint16_t)base;
	p->n = n;
	*portsp = p;
	return 0;
}

void
vg_media_ports_destroy(struct vg_media_ports *ports)
{
	free(ports);
}

int
vg_media_ports_alloc(struct vg_media_ports *ports, uint16_t *rtp)
{
	unsigned k, i;

	if (ports == NULL || rtp == NULL)
		return -EINVAL;
	if (ports->used == ports->n)
		return -ENOSPC;
	/* bounded: at most n probes, a free bit exists */
	for (k = 0; k < ports->n; k++) {
		i = (ports->next + k) % ports->n;
		if (ports->bits[i / 64] & (1ull << (i % 64)))
			continue;
		ports->bits[i / 64] |= 1ull << (i % 64);
		ports->used++;
		ports->next = (i + 1) % ports->n;
		*rtp = (uint16_t)(ports->base + 2 * i);
		return 0;
	}
	return -ENOSPC;
}

/* Index of the pair of an RTP port, or -EINVAL. */
static int
pair_index(const struct vg_media_ports *ports, uint16_t rtp)
{
	unsigned i;

	if (ports == NULL || rtp < ports->base || (rtp - ports->base) % 2)
		return -EINVAL;
	i = (unsigned)(rtp - ports->base) / 2;
	return i < ports->n ? (int)i : -EINVAL;
}

int
vg_media_ports_reserve(struct vg_media_ports *ports, uint16_t rtp)
{
	int i = pair_index(ports, rtp);

	if (i < 0)
		return i;
	if (ports->bits[i / 64] & (1ull << (i % 64)))
		return -EBUSY;
	ports->bits[i / 64] |= 1ull << (i % 64);
	ports->used++;
	return 0;
}

int
vg_media_ports_release(struct vg_media_ports *ports, uint16_t rtp)
{
	int i = pair_index(ports, rtp);

	if (i < 0)
		return i;
	if (!(ports->bits[i / 64] & (1ull << (i % 64))))
		return -ENOENT;
	ports->bits[i / 64] &= ~(1ull << (i % 64));
	ports->used--;
	return 0;
}

unsigned
vg_media_ports_in_use(const struct vg_media_ports *ports)
{
	return ports != NULL ? ports->used : 0;
}

unsigned
vg_media_ports_capacity(const struct vg_media_ports *ports)
{
	return ports != NULL ? ports->n : 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Primary side of vg_dpapi.h: memzone, rings, command service. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_memzone.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dpapi_server_pvt.h"

/** Commands taken from the ring at once by vg_dpapi_server_poll(). */
#define VG_DPAPI_POLL_BURST 8

struct vg_dpapi_server {
	const struct rte_memzone *mz;    /**< RO after create */
	struct vg_dpapi_hdr *hdr;        /**< mz->addr */
	struct rte_ring *cmd_ring;       /**< consumer: main lcore */
	struct rte_ring *reply_ring;     /**< producer: main lcore */
	struct rte_ring *event_ring;     /**< producers: any dp lcore */
	uint8_t *leg_recs;               /**< [n_legs] records */
	struct vg_dpapi_leg_stats *leg_stats;
	struct vg_dpapi_lcore_counters *lcores;
};

static uint64_t
realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Ring placed at hdr + *off, initialised as rte_ring_create_elem() would. */
static struct rte_ring *
ring_in_place(struct vg_dpapi_hdr *hdr, uint64_t off, const char *name,
		uint32_t count, unsigned int flags)
{
	struct rte_ring *r = (struct rte_ring *)((uint8_t *)hdr + off);

	if (rte_ring_init(r, name, count, flags) != 0)
		return NULL;
	return r;
}

struct vg_dpapi_server *
vg_dpapi_server_create(const struct vg_config *cfg, uint32_t n_lcores)
{
	char name[VG_DPAPI_MZ_NAME_MAX];
	struct vg_dpapi_server *s = NULL;
	struct vg_dpapi_hdr *hdr;
	ssize_t cmd_sz, reply_sz, evt_sz;
	uint32_t ncmd = cfg->dp.cmd_ring_size, nevt = cfg->dp.event_ring_size;
	uint64_t off, n_legs = 2ull * cfg->dp.max_sessions;
	int rc;

	rc = vg_dpapi_mz_name(cfg->eal.file_prefix, name, sizeof(name));
	if (rc < 0)
		goto fail;
	rc = -EINVAL;
	if (!rte_is_power_of_2(ncmd) || !rte_is_power_of_2(nevt) ||
			ncmd < 2 || nevt < 2 || n_legs == 0 || n_lcores == 0 ||
			n_legs > UINT32_MAX)
		goto fail;
	cmd_sz = rte_ring_get_memsize_elem(sizeof(struct vg_dpapi_cmd), ncmd);
	reply_sz = rte_ring_get_memsize_elem(sizeof(struct vg_dpapi_reply),
			ncmd);
	evt_sz = rte_ring_get_memsize_elem(sizeof(struct vg_dpapi_event), nevt);
	if (cmd_sz < 0 || reply_sz < 0 || evt_sz < 0)
		goto fail;

	rc = -ENOMEM;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		goto fail;

	/* layout: every part cache-line aligned, offsets from the header */
	off = RTE_ALIGN_CEIL(sizeof(struct vg_dpapi_hdr), RTE_CACHE_LINE_SIZE);
	uint64_t cmd_off = off;
	off = RTE_ALIGN_CEIL(off + (uint64_t)cmd_sz, RTE_CACHE_LINE_SIZE);
	uint64_t reply_off = off;
	off = RTE_ALIGN_CEIL(off + (uint64_t)reply_sz, RTE_CACHE_LINE_SIZE);
	uint64_t evt_off = off;
	/* records at a multiple of their size from a page-aligned
	 * memzone: none straddles a page */
	off = RTE_ALIGN_CEIL(off + (uint64_t)evt_sz, VG_DPAPI_LEG_REC_SIZE);
	uint64_t recs_off = off;
	off += n_legs * VG_DPAPI_LEG_REC_SIZE;
	uint64_t stats_off = off;
	off += n_legs * sizeof(struct vg_dpapi_leg_stats);
	uint64_t lcores_off = off;
	off += (uint64_t)n_lcores * sizeof(struct vg_dpapi_lcore_counters);

	s->mz = rte_memzone_reserve_aligned(name, off, SOCKET_ID_ANY, 0,
			4096);
	if (s->mz == NULL) {
		rc = -rte_errno;
		goto fail;
	}
	hdr = s->mz->addr;
	memset(hdr, 0, off);
	hdr->magic = VG_DPAPI_MAGIC;
	hdr->abi_version = VG_DPAPI_ABI_VERSION;
	/*
	 * A restarted voxgate-dp gets a new memzone, so the generation
	 * cannot be a counter kept in it: wall-clock nanoseconds grow from
	 * one start to the next.
	 */
	hdr->generation = realtime_ns();
	hdr->state = VG_DPAPI_STATE_INIT;
	hdr->hdr_size = sizeof(*hdr);
	hdr->total_size = off;
	hdr->tsc_hz = rte_get_tsc_hz();
	hdr->start_tsc = rte_get_tsc_cycles();
	hdr->start_realtime_ns = realtime_ns();
	hdr->cmd_ring_off = cmd_off;
	hdr->reply_ring_off = reply_off;
	hdr->event_ring_off = evt_off;
	hdr->leg_counters_off = recs_off + VG_DPAPI_LEG_REC_CTR_OFF;
	hdr->leg_counters_stride = VG_DPAPI_LEG_REC_SIZE;
	hdr->leg_stats_off = stats_off;
	hdr->leg_stats_size = sizeof(struct vg_dpapi_leg_stats);
	hdr->lcore_counters_off = lcores_off;
	hdr->cmd_ring_size = ncmd;
	hdr->reply_ring_size = ncmd;
	hdr->event_ring_size = nevt;
	hdr->cmd_size = sizeof(struct vg_dpapi_cmd);
	hdr->reply_size = sizeof(struct vg_dpapi_reply);
	hdr->event_size = sizeof(struct vg_dpapi_event);
	hdr->leg_counters_size = sizeof(struct vg_dpapi_leg_counters);
	hdr->lcore_counters_size = sizeof(struct vg_dpapi_lcore_counters);
	hdr->max_sessions = cfg->dp.max_sessions;
	hdr->n_legs = (uint32_t)n_legs;
	hdr->n_lcores = n_lcores;
	hdr->n_local_addrs = vg_cfg_media_addr_count(cfg);
	s->hdr = hdr;

	rc = -EINVAL;
	s->cmd_ring = ring_in_place(hdr, cmd_off, "vg_cmd", ncmd,
			RING_F_SC_DEQ);
	s->reply_ring = ring_in_place(hdr, reply_off, "vg_reply", ncmd,
			RING_F_SP_ENQ | RING_F_SC_DEQ);
	s->event_ring = ring_in_place(hdr, evt_off, "vg_event", nevt,
			RING_F_SC_DEQ);
	if (s->cmd_ring == NULL || s->reply_ring == NULL ||
			s->event_ring == NULL)
		goto fail;
	s->leg_recs = (uint8_t *)hdr + recs_off;
	s->leg_stats = (struct vg_dpapi_leg_stats *)((uint8_t *)hdr +
			stats_off);
	s->lcores = (struct vg_dpapi_lcore_counters *)((uint8_t *)hdr +
			lcores_off);
	return s;
fail:
	if (s != NULL && s->mz != NULL)
		rte_memzone_free(s->mz);
	free(s);
	rte_errno = -rc;
	return NULL;
}

void
vg_dpapi_server_start(struct vg_dpapi_server *s)
{
	__atomic_store_n(&s->hdr->state, VG_DPAPI_STATE_RUNNING,
			__ATOMIC_RELEASE);
}

void
vg_dpapi_server_destroy(struct vg_dpapi_server *s)
{
	if (s == NULL)
		return;
	__atomic_store_n(&s->hdr->state, VG_DPAPI_STATE_STOPPED,
			__ATOMIC_RELEASE);
	rte_memzone_free(s->mz);
	free(s);
}

unsigned int
vg_dpapi_server_poll(struct vg_dpapi_server *s, vg_dpapi_cmd_h h, void *arg,
		unsigned int max)
{
	struct vg_dpapi_cmd cmds[VG_DPAPI_POLL_BURST];
	struct vg_dpapi_reply reply;
	unsigned int done = 0, n, i;

	while (done < max) {
		n = RTE_MIN(max - done, (unsigned int)VG_DPAPI_POLL_BURST);
		n = rte_ring_dequeue_burst_elem(s->cmd_ring, cmds,
				sizeof(cmds[0]), n, NULL);
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			memset(&reply, 0, sizeof(reply));
			reply.req_id = cmds[i].req_id;
			reply.type = cmds[i].type;
			reply.sess_id = cmds[i].sess_id;
			reply.status = h(&cmds[i], &reply, arg);
			/*
			 * The reply ring is as large as the command ring, so
			 * it is full only when the client stopped reading.
			 */
			if (rte_ring_enqueue_elem(s->reply_ring, &reply,
					sizeof(reply)) != 0)
				__atomic_store_n(&s->hdr->replies_dropped,
					s->hdr->replies_dropped + 1,
					__ATOMIC_RELAXED);
		}
		done += n;
	}
	return done;
}

unsigned int
vg_dpapi_server_post(struct vg_dpapi_server *s,
		const struct vg_dpapi_event *evts, unsigned int n)
{
	unsigned int done;

	done = rte_ring_enqueue_burst_elem(s->event_ring, evts,
			sizeof(evts[0]), n, NULL);
	if (done < n)
		__atomic_fetch_add(&s->hdr->events_dropped, n - done,
				__ATOMIC_RELAXED);
	return done;
}

struct vg_dpapi_hdr *
vg_dpapi_server_hdr(struct vg_dpapi_server *s)
{
	return s->hdr;
}

void *
vg_dpapi_server_leg_records(struct vg_dpapi_server *s)
{
	return s->leg_recs;
}

struct vg_dpapi_leg_counters *
vg_dpapi_server_leg_counters(struct vg_dpapi_server *s, uint32_t leg_id)
{
	if (leg_id >= s->hdr->n_legs)
		return NULL;
	return (struct vg_dpapi_leg_counters *)(s->leg_recs +
			(size_t)leg_id * VG_DPAPI_LEG_REC_SIZE +
			VG_DPAPI_LEG_REC_CTR_OFF);
}

struct vg_dpapi_leg_stats *
vg_dpapi_server_leg_stats(struct vg_dpapi_server *s, uint32_t leg_id)
{
	return leg_id < s->hdr->n_legs ? &s->leg_stats[leg_id] : NULL;
}

struct vg_dpapi_lcore_counters *
vg_dpapi_server_lcore_counters(struct vg_dpapi_server *s, uint32_t i)
{
	return i < s->hdr->n_lcores ? &s->lcores[i] : NULL;
}

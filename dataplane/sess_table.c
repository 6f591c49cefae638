/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Media session table: port -> leg, one writer, RCU readers. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "media_pvt.h"
#include "sess_table_pvt.h"

/* What the defer queue holds: kind << 32 | index. */
#define DQ_SESS 1ull
#define DQ_CFG 2ull

/* Slot value of a leg: see vg_sess_table.slots. */
static uint32_t
slot_val(const struct vg_sess_table *t, const struct vg_leg *leg, bool rtcp)
{
	return leg == NULL ? 0 :
		((uint32_t)(leg - t->legs) + 1) << 1 | (rtcp ? 1 : 0);
}

static void
slot_set(struct vg_sess_table *t, uint16_t addr, uint16_t port, uint32_t v)
{
	__atomic_store_n(&t->slots[vg_sess_slot(t, addr, port)], v,
			__ATOMIC_RELEASE);
}

/* The leg on (addr, port), NULL when none (main lcore). */
static const struct vg_leg *
slot_owner(const struct vg_sess_table *t, uint16_t addr, uint16_t port)
{
	uint32_t v = t->slots[vg_sess_slot(t, addr, port)];

	return v == 0 ? NULL : &t->legs[(v >> 1) - 1];
}

static void
cfg_put(struct vg_sess_table *t, struct vg_leg_cfg *c)
{
	/* its media state, unless an update moved it on */
	vg_media_dir_free(c->media);
	c->media = NULL;
	t->free_cfg[t->n_free_cfg++] = (uint32_t)(c - t->cfgs);
}

/* Called by rte_rcu_qsbr_dq_reclaim() once readers are past. */
static void
dq_free(void *p, void *e, unsigned int n)
{
	struct vg_sess_table *t = p;
	const uint64_t *elems = e;
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint32_t idx = (uint32_t)elems[i];

		if (elems[i] >> 32 == DQ_CFG) {
			cfg_put(t, &t->cfgs[idx]);
			continue;
		}
		cfg_put(t, t->legs[2 * idx].cfg);
		cfg_put(t, t->legs[2 * idx + 1].cfg);
		t->legs[2 * idx].cfg = NULL;
		t->legs[2 * idx + 1].cfg = NULL;
		t->state[idx] = VG_SESS_FREE;
		t->free_sess[t->n_free_sess++] = idx;
	}
}

static void
defer(struct vg_sess_table *t, uint64_t kind, uint32_t idx)
{
	uint64_t e = kind << 32 | idx;

	/* the queue holds every pooled object at once: it cannot be full */
	rte_rcu_qsbr_dq_enqueue(t->dq, &e);
	t->n_deferred++;
}

/* The main lcore calls this every round: with nothing deferred it returns
 * at once (DPDK 22.11's reclaim calls rte_log on every call, ~a quarter of
 * a spinning main lcore's time with no deletes at all). */
unsigned int
vg_sess_reclaim(struct vg_sess_table *t)
{
	unsigned int freed = 0, pending = 0, avail;

	if (t->n_deferred == 0)
		return 0;
	if (rte_rcu_qsbr_dq_reclaim(t->dq, UINT32_MAX, &freed, &pending,
			&avail) == 0)
		/* the enqueue may have reclaimed some itself: pending is
		 * the truth */
		t->n_deferred = pending;
	return freed;
}

struct vg_sess_table *
vg_sess_table_create(const struct vg_config *cfg,
		void *recs, struct vg_dpapi_leg_stats *stats, uint32_t n_readers)
{
	struct rte_rcu_qsbr_dq_parameters dqp;
	struct vg_sess_table *t;
	char name[RTE_RCU_QSBR_DQ_NAMESIZE];
	uint32_t n_legs, i;
	size_t qsz;
	int rc = -EINVAL;

	if (cfg->n_ports == 0 || cfg->dp.max_sessions == 0 ||
			cfg->media.port_min > cfg->media.port_max ||
			n_readers == 0 || cfg->dp.max_sessions > UINT32_MAX / 4 ||
			(recs == NULL) != (stats == NULL)) {
		rte_errno = EINVAL;
		return NULL;
	}
	t = rte_zmalloc("vg_sess_table", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (t == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	/* one slot array per media address: the ports' own and their
	 * media ranges (vg_cfg_media_addr() numbering) */
	if (vg_cfg_media_addr_count(cfg) > UINT16_MAX) {
		rte_free(t);
		rte_errno = EINVAL;
		return NULL;
	}
	t->n_addrs = (uint16_t)vg_cfg_media_addr_count(cfg);
	t->port_min = cfg->media.port_min;
	t->port_max = cfg->media.port_max;
	t->n_slots_per_addr = (uint32_t)(t->port_max - t->port_min) + 1;
	t->max_sessions = cfg->dp.max_sessions;
	/* a current and a replaced config per leg */
	t->n_cfgs = 4 * t->max_sessions;
	t->default_timeout_s = cfg->media.timeout_s;
	n_legs = 2 * t->max_sessions;

	rc = -ENOMEM;
	t->slots = rte_zmalloc("vg_sess_slots", (size_t)t->n_addrs *
			t->n_slots_per_addr * sizeof(t->slots[0]), 0);
	t->cfgs = rte_zmalloc("vg_leg_cfgs", (size_t)t->n_cfgs *
			sizeof(t->cfgs[0]), RTE_CACHE_LINE_SIZE);
	t->state = rte_zmalloc("vg_sess_state", t->max_sessions, 0);
	t->free_sess = rte_zmalloc("vg_sess_free", (size_t)t->max_sessions *
			sizeof(uint32_t), 0);
	t->free_cfg = rte_zmalloc("vg_cfg_free", (size_t)t->n_cfgs *
			sizeof(uint32_t), 0);
	t->ctl = rte_zmalloc("vg_leg_ctl", (size_t)n_legs *
			sizeof(t->ctl[0]), 0);
	t->legs = recs;
	t->stats = stats;
	if (recs == NULL) {
		t->own_shm = true;
		t->legs = rte_zmalloc("vg_legs", (size_t)n_legs *
				sizeof(t->legs[0]), sizeof(t->legs[0]));
		t->stats = rte_zmalloc("vg_leg_stats", (size_t)n_legs *
				sizeof(t->stats[0]), RTE_CACHE_LINE_SIZE);
	}
	qsz = rte_rcu_qsbr_get_memsize(n_readers);
	t->qsbr = rte_zmalloc("vg_sess_qsbr", qsz, RTE_CACHE_LINE_SIZE);
	if (t->slots == NULL || t->legs == NULL || t->cfgs == NULL ||
			t->state == NULL || t->free_sess == NULL ||
			t->free_cfg == NULL || t->stats == NULL ||
			t->ctl == NULL || t->qsbr == NULL)
		goto fail;
	if (rte_rcu_qsbr_init(t->qsbr, n_readers) != 0) {
		rc = -rte_errno;
		goto fail;
	}
	/* the ring behind the queue needs a name unique in the process */
	snprintf(name, sizeof(name), "vgs%" PRIxPTR, (uintptr_t)t);
	memset(&dqp, 0, sizeof(dqp));
	dqp.name = name;
	dqp.flags = RTE_RCU_QSBR_DQ_MT_UNSAFE; /* one writer */
	dqp.size = t->max_sessions + t->n_cfgs;
	dqp.esize = sizeof(uint64_t);
	dqp.trigger_reclaim_limit = UINT32_MAX; /* we reclaim explicitly */
	dqp.max_reclaim_size = dqp.size;
	dqp.free_fn = dq_free;
	dqp.p = t;
	dqp.v = t->qsbr;
	t->dq = rte_rcu_qsbr_dq_create(&dqp);
	if (t->dq == NULL) {
		rc = -rte_errno;
		goto fail;
	}

	for (i = 0; i < t->max_sessions; i++)
		t->free_sess[t->n_free_sess++] = t->max_sessions - 1 - i;
	for (i = 0; i < t->n_cfgs; i++)
		t->free_cfg[t->n_free_cfg++] = t->n_cfgs - 1 - i;
	for (i = 0; i < n_legs; i++) {
		t->legs[i].id = i;
		t->legs[i].sess_id = i / 2;
		t->legs[i].side = i % 2;
		rte_seqcount_init(&t->legs[i].fast_sc);
	}
	return t;
fail:
	vg_sess_table_destroy(t);
	rte_errno = -rc;
	return NULL;
}

void
vg_sess_table_destroy(struct vg_sess_table *t)
{
	if (t == NULL)
		return;
	if (t->dq != NULL)
		rte_rcu_qsbr_dq_delete(t->dq);
	if (t->cfgs != NULL) {
		uint32_t i;

		for (i = 0; i < t->n_cfgs; i++)
			vg_media_dir_free(t->cfgs[i].media);
	}
	rte_free(t->qsbr);
	if (t->own_shm) {
		rte_free(t->stats);
		rte_free(t->legs);
	}
	rte_free(t->ctl);
	rte_free(t->free_cfg);
	rte_free(t->free_sess);
	rte_free(t->state);
	rte_free(t->cfgs);
	rte_free(t->slots);
	rte_free(t);
}

static int
leg_check(const struct vg_sess_table *t, const struct vg_dpapi_leg *l)
{
	bool mux = l->flags & VG_DPAPI_LEG_F_RTCP_MUX;
	unsigned int i;

	if (l->local_addr >= t->n_addrs || l->local_port < t->port_min ||
			l->local_port > t->port_max ||
			(l->local_port & 1) != 0 || /* RFC 3550 s11: even */
			(!mux && l->local_port + 1 > t->port_max) ||
			l->latching > VG_DPAPI_LATCH_ANY ||
			l->n_pt_map > VG_DPAPI_PT_MAP_MAX)
		return -EINVAL;
	for (i = 0; i < l->n_pt_map; i++)
		if (l->pt_map[i].in_pt > 127 || l->pt_map[i].out_pt > 127)
			return -EINVAL;
	return 0;
}

/* May a leg of session sess_id take its ports (slots free or its own)? */
static int
ports_check(const struct vg_sess_table *t, const struct vg_dpapi_leg legs[2],
		uint32_t sess_id)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		const struct vg_dpapi_leg *l = &legs[i];
		bool mux = l->flags & VG_DPAPI_LEG_F_RTCP_MUX;
		const struct vg_leg *owner[2];
		unsigned int k;

		owner[0] = slot_owner(t, l->local_addr, l->local_port);
		owner[1] = mux ? NULL : slot_owner(t, l->local_addr,
				(uint16_t)(l->local_port + 1));
		for (k = 0; k < 2; k++)
			if (owner[k] != NULL && owner[k]->sess_id != sess_id)
				return -EADDRINUSE;
	}
	/* the two legs must not overlap (RTCP port included) */
	if (legs[0].local_addr == legs[1].local_addr &&
			legs[0].local_port / 2 == legs[1].local_port / 2)
		return -EADDRINUSE;
	return 0;
}

static struct vg_leg_cfg *
cfg_get(struct vg_sess_table *t)
{
	if (t->n_free_cfg == 0)
		vg_sess_reclaim(t);
	if (t->n_free_cfg == 0)
		return NULL;
	return &t->cfgs[t->free_cfg[--t->n_free_cfg]];
}

static bool
latch_inputs_equal(const struct vg_dpapi_leg *a, const struct vg_dpapi_leg *b)
{
	return a->remote_ip == b->remote_ip &&
		a->remote_port == b->remote_port &&
		a->allowed_src_ip == b->allowed_src_ip &&
		a->allowed_src_port == b->allowed_src_port &&
		a->latching == b->latching;
}

static void
cfg_fill(struct vg_sess_table *t, struct vg_leg_cfg *c,
		const struct vg_dpapi_leg *l, const struct vg_leg_cfg *old)
{
	memset(c, 0, sizeof(*c));
	c->sdp = *l;
	c->allowed_ip = l->allowed_src_ip != 0 ? l->allowed_src_ip :
			l->remote_ip;
	c->allowed_port = l->allowed_src_port;
	c->clock_rate = l->clock_rate != 0 ? l->clock_rate : 8000;
	c->timeout_s = l->media_timeout_s != 0 ? l->media_timeout_s :
			t->default_timeout_s;
	if (old != NULL && latch_inputs_equal(&old->sdp, l)) {
		c->gen = old->gen;
	} else {
		if (++t->next_gen == 0)
			t->next_gen = 1;
		c->gen = t->next_gen;
	}
}

/* The relay's copy of c (the leg's) and pc (its peer's) in the leg's
 * first line; readers see all of it or none of it (a leg being created
 * is not published yet). */
static void
leg_fast_set(struct vg_leg *leg, const struct vg_leg_cfg *c,
		const struct vg_leg_cfg *pc)
{
	struct vg_leg_fast f;

	memset(&f, 0, sizeof(f));
	f.allowed_ip = c->allowed_ip;
	f.clock_rate = c->clock_rate;
	f.allowed_port = c->allowed_port;
	f.gen = c->gen;
	f.flags = c->sdp.flags & (VG_DPAPI_LEG_F_RTCP_MUX |
			VG_DPAPI_LEG_F_REWRITE_SSRC);
	if (pc->sdp.flags & VG_DPAPI_LEG_F_RTCP_MUX)
		f.flags |= VG_LEG_F_PEER_MUX;
	if (c->media != NULL)
		f.flags |= VG_LEG_F_MEDIA;
	f.latching = c->sdp.latching;
	f.n_pt_map = c->sdp.n_pt_map;
	memcpy(f.pt_map, c->sdp.pt_map, sizeof(f.pt_map));
	f.to_ip = pc->sdp.remote_ip;
	f.to_port = pc->sdp.remote_port;
	f.to_gen = pc->gen;
	f.from_port = pc->sdp.local_port;
	f.from_addr = pc->sdp.local_addr;
	rte_seqcount_write_begin(&leg->fast_sc);
	leg->fast = f;
	rte_seqcount_write_end(&leg->fast_sc);
}

static void
leg_publish(struct vg_sess_table *t, struct vg_leg *leg,
		const struct vg_dpapi_leg *l, bool on)
{
	slot_set(t, l->local_addr, l->local_port,
			slot_val(t, on ? leg : NULL, false));
	if (!(l->flags & VG_DPAPI_LEG_F_RTCP_MUX))
		slot_set(t, l->local_addr, (uint16_t)(l->local_port + 1),
				slot_val(t, on ? leg : NULL, true));
}

/* Media state of both directions into md[2]; all or nothing. */
static int
media_create(const struct vg_dpapi_leg legs[2],
		const struct vg_dpapi_srtp_keys *keys, struct vg_media_dir *md[2])
{
	int rc;

	md[0] = md[1] = NULL;
	rc = vg_media_dir_create(legs, keys, 0, &md[0]);
	if (rc == 0)
		rc = vg_media_dir_create(legs, keys, 1, &md[1]);
	if (rc != 0) {
		vg_media_dir_free(md[0]);
		md[0] = NULL;
	}
	return rc;
}

int
vg_sess_create_keys(struct vg_sess_table *t,
		const struct vg_dpapi_leg legs[2],
		const struct vg_dpapi_srtp_keys *keys, uint64_t cookie,
		uint32_t *sess_id)
{
	uint64_t now = rte_get_tsc_cycles();
	struct vg_media_dir *md[2];
	uint32_t id, i, gen;
	int rc;

	for (i = 0; i < 2; i++) {
		rc = leg_check(t, &legs[i]);
		if (rc < 0)
			return rc;
	}
	rc = vg_media_check(legs);
	if (rc < 0)
		return rc;
	rc = ports_check(t, legs, UINT32_MAX);
	if (rc < 0)
		return rc;
	if (t->n_free_sess == 0 || t->n_free_cfg < 2)
		vg_sess_reclaim(t);
	if (t->n_free_sess == 0 || t->n_free_cfg < 2)
		return -ENOSPC;
	rc = media_create(legs, keys, md);
	if (rc < 0)
		return rc;
	id = t->free_sess[--t->n_free_sess];
	for (i = 0; i < 2; i++) {
		struct vg_leg *leg = &t->legs[2 * id + i];
		struct vg_leg_ctl *ctl = &t->ctl[2 * id + i];
		struct vg_dpapi_leg_counters *ctr = &leg->ctr;

		/* no reader can hold the slot: it passed a grace period */
		leg->cfg = cfg_get(t);
		cfg_fill(t, leg->cfg, &legs[i], NULL);
		leg->cfg->media = md[i];
		leg->cookie = cookie;
		leg->latched = 0;
		leg->peer_latched = 0;
		ctl->created_tsc = now;
		ctl->timeout_sent = false;
		ctl->timeout_seen_tsc = now;
		memset(&leg->seq, 0, sizeof(leg->seq));
		memset(&leg->nh, 0, sizeof(leg->nh));
		memset(&leg->tx, 0, sizeof(leg->tx));
		gen = ctr->session_gen + 1;
		memset(ctr, 0, sizeof(*ctr));
		memset(vg_leg_stats(t, leg), 0, sizeof(struct vg_dpapi_leg_stats));
		ctr->session_gen = gen;
	}
	for (i = 0; i < 2; i++)
		leg_fast_set(&t->legs[2 * id + i], t->legs[2 * id + i].cfg,
				t->legs[2 * id + (i ^ 1)].cfg);
	t->state[id] = VG_SESS_ACTIVE;
	for (i = 0; i < 2; i++)
		leg_publish(t, &t->legs[2 * id + i], &legs[i], true);
	*sess_id = id;
	return 0;
}

int
vg_sess_update_keys(struct vg_sess_table *t, uint32_t sess_id,
		const struct vg_dpapi_leg legs[2],
		const struct vg_dpapi_srtp_keys *keys)
{
	struct vg_media_dir *md[2] = { NULL, NULL };
	struct vg_dpapi_leg old_legs[2];
	bool keep[2];
	struct vg_leg_cfg *nc[2], *old[2];
	bool moved[2];
	unsigned int i;
	int rc;

	if (sess_id >= t->max_sessions || t->state[sess_id] != VG_SESS_ACTIVE)
		return -ENOENT;
	for (i = 0; i < 2; i++) {
		rc = leg_check(t, &legs[i]);
		if (rc < 0)
			return rc;
	}
	rc = vg_media_check(legs);
	if (rc < 0)
		return rc;
	rc = ports_check(t, legs, sess_id);
	if (rc < 0)
		return rc;
	/* media state: kept when nothing of it changed, else made anew */
	for (i = 0; i < 2; i++)
		old_legs[i] = t->legs[2 * sess_id + i].cfg->sdp;
	for (i = 0; i < 2 && rc == 0; i++) {
		keep[i] = vg_media_same(t->legs[2 * sess_id + i].cfg->media,
				old_legs, legs, keys, i);
		if (!keep[i])
			rc = vg_media_dir_create(legs, keys, i, &md[i]);
	}
	if (rc < 0) {
		vg_media_dir_free(md[0]);
		return rc;
	}
	nc[0] = cfg_get(t);
	nc[1] = cfg_get(t);
	if (nc[0] == NULL || nc[1] == NULL) {
		if (nc[0] != NULL)
			cfg_put(t, nc[0]);
		vg_media_dir_free(md[0]);
		vg_media_dir_free(md[1]);
		return -EBUSY;
	}
	for (i = 0; i < 2; i++) {
		struct vg_leg *leg = &t->legs[2 * sess_id + i];

		old[i] = leg->cfg;
		cfg_fill(t, nc[i], &legs[i], old[i]);
		if (keep[i]) {
			/* the worker may still use it through old[i]: it is
			 * the same state, and only that worker touches it */
			nc[i]->media = old[i]->media;
			old[i]->media = NULL;
		} else {
			nc[i]->media = md[i];
		}
		moved[i] = old[i]->sdp.local_addr != legs[i].local_addr ||
			old[i]->sdp.local_port != legs[i].local_port ||
			(old[i]->sdp.flags ^ legs[i].flags) &
				VG_DPAPI_LEG_F_RTCP_MUX;
	}
	/* unpublish every moved leg first: the legs may swap ports */
	for (i = 0; i < 2; i++)
		if (moved[i])
			leg_publish(t, NULL, &old[i]->sdp, false);
	for (i = 0; i < 2; i++) {
		struct vg_leg *leg = &t->legs[2 * sess_id + i];

		leg_fast_set(leg, nc[i], nc[i ^ 1]);
		__atomic_store_n(&leg->cfg, nc[i], __ATOMIC_RELEASE);
		if (moved[i])
			leg_publish(t, leg, &legs[i], true);
		defer(t, DQ_CFG, (uint32_t)(old[i] - t->cfgs));
	}
	return 0;
}

int
vg_sess_delete(struct vg_sess_table *t, uint32_t sess_id)
{
	unsigned int i;

	if (sess_id >= t->max_sessions || t->state[sess_id] != VG_SESS_ACTIVE)
		return -ENOENT;
	for (i = 0; i < 2; i++) {
		struct vg_leg *leg = &t->legs[2 * sess_id + i];

		leg_publish(t, leg, &leg->cfg->sdp, false);
	}
	t->state[sess_id] = VG_SESS_DYING;
	defer(t, DQ_SESS, sess_id);
	return 0;
}

uint32_t
vg_sess_free_count(const struct vg_sess_table *t)
{
	return t->n_free_sess;
}

struct vg_leg *
vg_sess_leg(struct vg_sess_table *t, uint32_t sess_id, unsigned int side)
{
	if (sess_id >= t->max_sessions || side > 1 ||
			t->state[sess_id] != VG_SESS_ACTIVE)
		return NULL;
	return &t->legs[2 * sess_id + side];
}

/* The timeout check of one session's legs; *n events so far. */
static void
sess_timeouts(struct vg_sess_table *t, uint32_t s, uint64_t now_tsc,
		uint64_t tsc_hz, struct vg_dpapi_event *evts, unsigned int max,
		unsigned int *n)
{
	uint32_t i;

	for (i = 0; i < 2 && *n < max; i++) {
		struct vg_leg *leg = &t->legs[2 * s + i];
		struct vg_leg_ctl *ctl = &t->ctl[2 * s + i];
		uint64_t last = __atomic_load_n(&leg->ctr.last_rx_tsc,
				__ATOMIC_RELAXED);
		uint64_t limit = (uint64_t)leg->cfg->timeout_s * tsc_hz;
		struct vg_dpapi_event *e;

		if (last == 0)
			last = ctl->created_tsc;
		if (last != ctl->timeout_seen_tsc) {
			/* media flowed again: re-arm */
			ctl->timeout_seen_tsc = last;
			ctl->timeout_sent = false;
		}
		/* A worker may have stamped a packet after now_tsc was
		 * read: compare signed, or that looks ancient. */
		if (ctl->timeout_sent || limit == 0 ||
				(int64_t)(now_tsc - last) <= (int64_t)limit)
			continue;
		ctl->timeout_sent = true;
		e = &evts[(*n)++];
		memset(e, 0, sizeof(*e));
		e->type = VG_EVT_MEDIA_TIMEOUT;
		e->sess_id = s;
		e->leg_id = leg->id;
		e->cookie = leg->cookie;
		e->u.timeout.idle_s = (uint32_t)((now_tsc - last) / tsc_hz);
	}
}

unsigned int
vg_sess_timeouts(struct vg_sess_table *t, uint64_t now_tsc, uint64_t tsc_hz,
		struct vg_dpapi_event *evts, unsigned int max)
{
	unsigned int n = 0;
	uint32_t s;

	for (s = 0; s < t->max_sessions && n < max; s++)
		if (t->state[s] == VG_SESS_ACTIVE)
			sess_timeouts(t, s, now_tsc, tsc_hz, evts, max, &n);
	return n;
}

unsigned int
vg_sess_timeouts_step(struct vg_sess_table *t, uint64_t now_tsc,
		uint64_t tsc_hz, struct vg_dpapi_event *evts, unsigned int max,
		uint32_t *budget)
{
	unsigned int n = 0;
	uint32_t s = t->timeout_next;

	while (*budget > 0 && n < max) {
		if (s >= t->max_sessions)
			s = 0;
		if (t->state[s] == VG_SESS_ACTIVE) {
			sess_timeouts(t, s, now_tsc, tsc_hz, evts, max, &n);
			if (n == max)
				break; /* its other leg may not have fitted */
		}
		s++;
		(*budget)--;
	}
	t->timeout_next = s;
	return n;
}

static void
reply_query(struct vg_sess_table *t, uint32_t id, struct vg_dpapi_reply *r)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		const struct vg_leg *leg = &t->legs[2 * id + i];
		const struct vg_leg_cfg *c = leg->cfg;
		uint64_t l = __atomic_load_n(&leg->latched, __ATOMIC_RELAXED);

		r->u.query.legs[i] = c->sdp;
		if (l != 0 && (uint16_t)(l >> 48) == c->gen) {
			r->u.query.latched_ip[i] = (uint32_t)l;
			r->u.query.latched_port[i] = (uint16_t)(l >> 32);
		}
	}
}

static void
reply_list(struct vg_sess_table *t, uint32_t from, struct vg_dpapi_reply *r)
{
	uint32_t s;

	r->u.list.next = UINT32_MAX;
	for (s = from; s < t->max_sessions; s++) {
		if (t->state[s] != VG_SESS_ACTIVE)
			continue;
		if (r->u.list.n == VG_DPAPI_LIST_MAX) {
			r->u.list.next = s;
			break;
		}
		r->u.list.ids[r->u.list.n++] = s;
	}
}

int
vg_sess_cmd(const struct vg_dpapi_cmd *cmd, struct vg_dpapi_reply *reply,
		void *arg)
{
	struct vg_sess_table *t = arg;
	uint32_t id = cmd->sess_id;
	int rc;

	switch (cmd->type) {
	case VG_CMD_SESS_CREATE:
		rc = vg_sess_create_keys(t, cmd->legs, cmd->keys, cmd->cookie,
				&id);
		break;
	case VG_CMD_SESS_UPDATE:
		rc = vg_sess_update_keys(t, id, cmd->legs, cmd->keys);
		break;
	case VG_CMD_SESS_DELETE:
		return vg_sess_delete(t, id);
	case VG_CMD_SESS_QUERY:
		rc = vg_sess_leg(t, id, 0) != NULL ? 0 : -ENOENT;
		if (rc == 0)
			reply_query(t, id, reply);
		break;
	case VG_CMD_SESS_LIST:
		reply_list(t, id, reply);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
	if (rc == 0) {
		reply->sess_id = id;
		reply->leg_id[0] = 2 * id;
		reply->leg_id[1] = 2 * id + 1;
		reply->cookie = t->legs[2 * id].cookie;
	}
	return rc;
}

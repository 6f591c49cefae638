/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Client side of vg_dpapi.h: attach, request/reply, events, counters. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_memzone.h>
#include <rte_pause.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "vg_dpapi.h"

/* Poll the reply ring this often once the first spin is over. */
#define VG_DPAPI_REPLY_POLL_US 20

struct vg_dpapi_client {
	const struct vg_dpapi_hdr *hdr; /**< RO: the memzone */
	struct rte_ring *cmd_ring;      /**< producer: this client */
	struct rte_ring *reply_ring;    /**< consumer: this client */
	struct rte_ring *event_ring;    /**< consumer: this client */
	uint64_t generation;            /**< of the dp at attach */
	uint32_t next_req_id;           /**< owner: the client's thread */
	uint64_t undone_creates;        /**< late creates deleted */
};

static const char *const drop_names[] = {
#define VG_DROP_NAME(name, text) [VG_DROP_##name] = text,
	VG_DROP_REASONS(VG_DROP_NAME)
#undef VG_DROP_NAME
};

const char *
vg_drop_reason_name(unsigned int reason)
{
	return reason < VG_DROP_COUNT ? drop_names[reason] : "?";
}

int
vg_dpapi_mz_name(const char *file_prefix, char *buf, size_t size)
{
	int n;

	if (file_prefix == NULL || file_prefix[0] == '\0')
		return -EINVAL;
	n = snprintf(buf, size, "%s%s", VG_DPAPI_MZ_PREFIX, file_prefix);
	if (n < 0 || (size_t)n >= size || n >= VG_DPAPI_MZ_NAME_MAX)
		return -ENAMETOOLONG;
	return 0;
}

static int
check_header(const struct vg_dpapi_hdr *hdr, const char *name, char *err,
		size_t err_size)
{
	uint32_t state;

	if (hdr->magic != VG_DPAPI_MAGIC) {
		snprintf(err, err_size,
			"memzone %s is not a voxgate-dp memzone", name);
		return -EPROTO;
	}
	if (hdr->abi_version != VG_DPAPI_ABI_VERSION) {
		snprintf(err, err_size,
			"voxgate-dp ABI version %u, this program expects %u",
			hdr->abi_version, VG_DPAPI_ABI_VERSION);
		return -EPROTO;
	}
	if (hdr->hdr_size != sizeof(*hdr) ||
			hdr->cmd_size != sizeof(struct vg_dpapi_cmd) ||
			hdr->reply_size != sizeof(struct vg_dpapi_reply) ||
			hdr->event_size != sizeof(struct vg_dpapi_event) ||
			hdr->leg_counters_size !=
				sizeof(struct vg_dpapi_leg_counters) ||
			hdr->leg_counters_stride != VG_DPAPI_LEG_REC_SIZE ||
			hdr->leg_stats_size !=
				sizeof(struct vg_dpapi_leg_stats) ||
			hdr->lcore_counters_size !=
				sizeof(struct vg_dpapi_lcore_counters)) {
		snprintf(err, err_size,
			"voxgate-dp ABI version %u has other message sizes than"
			" this program: rebuild both from one source tree",
			hdr->abi_version);
		return -EPROTO;
	}
	state = __atomic_load_n(&hdr->state, __ATOMIC_ACQUIRE);
	if (state != VG_DPAPI_STATE_RUNNING) {
		snprintf(err, err_size, "voxgate-dp is %s: try again",
			state == VG_DPAPI_STATE_INIT ? "starting" : "stopping");
		return -EAGAIN;
	}
	return 0;
}

struct vg_dpapi_client *
vg_dpapi_attach(const char *file_prefix, char *err, size_t err_size)
{
	char name[VG_DPAPI_MZ_NAME_MAX];
	const struct rte_memzone *mz;
	struct vg_dpapi_client *c = NULL;
	const struct vg_dpapi_hdr *hdr;
	uint8_t *base;
	int rc;

	rc = vg_dpapi_mz_name(file_prefix, name, sizeof(name));
	if (rc < 0) {
		snprintf(err, err_size, "bad file prefix \"%s\": %s",
			file_prefix != NULL ? file_prefix : "",
			rc == -EINVAL ? "empty" : "too long");
		goto out;
	}
	mz = rte_memzone_lookup(name);
	if (mz == NULL) {
		snprintf(err, err_size,
			"no memzone %s: is voxgate-dp running with file prefix"
			" %s?", name, file_prefix);
		rc = -ENOENT;
		goto out;
	}
	hdr = mz->addr;
	rc = check_header(hdr, name, err, err_size);
	if (rc < 0)
		goto out;
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err, err_size, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	base = mz->addr;
	c->hdr = hdr;
	c->cmd_ring = (struct rte_ring *)(base + hdr->cmd_ring_off);
	c->reply_ring = (struct rte_ring *)(base + hdr->reply_ring_off);
	c->event_ring = (struct rte_ring *)(base + hdr->event_ring_off);
	c->generation = hdr->generation;
out:
	if (rc < 0) {
		rte_errno = -rc;
		return NULL;
	}
	return c;
}

void
vg_dpapi_detach(struct vg_dpapi_client *c)
{
	free(c);
}

static int
still_same_dp(const struct vg_dpapi_client *c)
{
	return __atomic_load_n(&c->hdr->state, __ATOMIC_ACQUIRE) ==
			VG_DPAPI_STATE_RUNNING &&
		c->hdr->generation == c->generation;
}

static uint32_t
new_req_id(struct vg_dpapi_client *c)
{
	/* 0 is never used, so a zeroed reply cannot match */
	if (++c->next_req_id == 0)
		c->next_req_id = 1;
	return c->next_req_id;
}

/*
 * A reply nobody waits for: its request timed out and the caller went on
 * as if it had failed. A session it created after all belongs to no call
 * and would hold its ports and slot for ever: delete it. The delete's
 * own reply is one more nobody waits for.
 */
static void
late_reply(struct vg_dpapi_client *c, const struct vg_dpapi_reply *r)
{
	struct vg_dpapi_cmd del;

	if (r->type != VG_CMD_SESS_CREATE || r->status != 0)
		return;
	memset(&del, 0, sizeof(del));
	del.type = VG_CMD_SESS_DELETE;
	del.sess_id = r->sess_id;
	del.req_id = new_req_id(c);
	if (rte_ring_enqueue_elem(c->cmd_ring, &del, sizeof(del)) == 0)
		c->undone_creates++;
}

unsigned int
vg_dpapi_drain_replies(struct vg_dpapi_client *c)
{
	struct vg_dpapi_reply r;
	unsigned int n = 0;

	if (c == NULL)
		return 0;
	while (rte_ring_dequeue_elem(c->reply_ring, &r, sizeof(r)) == 0) {
		late_reply(c, &r);
		n++;
	}
	return n;
}

uint64_t
vg_dpapi_undone_creates(const struct vg_dpapi_client *c)
{
	return c != NULL ? c->undone_creates : 0;
}

int
vg_dpapi_request(struct vg_dpapi_client *c, struct vg_dpapi_cmd *cmd,
		struct vg_dpapi_reply *reply, uint64_t timeout_us)
{
	uint64_t start = rte_get_timer_cycles();
	uint64_t limit = timeout_us * rte_get_timer_hz() / 1000000u;
	unsigned int spins = 0;

	if (!still_same_dp(c))
		return -ESTALE;
	cmd->req_id = new_req_id(c);
	if (rte_ring_enqueue_elem(c->cmd_ring, cmd, sizeof(*cmd)) != 0)
		return -ENOBUFS;
	for (;;) {
		while (rte_ring_dequeue_elem(c->reply_ring, reply,
				sizeof(*reply)) == 0) {
			if (reply->req_id == cmd->req_id)
				return 0;
			late_reply(c, reply);
		}
		if (rte_get_timer_cycles() - start > limit)
			return -ETIMEDOUT;
		if (!still_same_dp(c))
			return -ESTALE;
		/* spin briefly (dp answers within microseconds), then sleep */
		if (++spins < 1000)
			rte_pause();
		else
			rte_delay_us_sleep(VG_DPAPI_REPLY_POLL_US);
	}
}

unsigned int
vg_dpapi_poll_events(struct vg_dpapi_client *c, struct vg_dpapi_event *evts,
		unsigned int max)
{
	return rte_ring_dequeue_burst_elem(c->event_ring, evts,
			sizeof(evts[0]), max, NULL);
}

const struct vg_dpapi_hdr *
vg_dpapi_header(const struct vg_dpapi_client *c)
{
	return c->hdr;
}

/* Element i of an array in the memzone at off, stride bytes apart, of n
 * elements; NULL past the end. */
static const void *
mz_elem(const struct vg_dpapi_client *c, uint64_t off, size_t stride,
		uint32_t i, uint32_t n)
{
	if (i >= n)
		return NULL;
	return (const uint8_t *)c->hdr + off + (size_t)i * stride;
}

const struct vg_dpapi_leg_counters *
vg_dpapi_leg_counters(const struct vg_dpapi_client *c, uint32_t leg_id)
{
	return mz_elem(c, c->hdr->leg_counters_off,
			c->hdr->leg_counters_stride, leg_id, c->hdr->n_legs);
}

const struct vg_dpapi_leg_stats *
vg_dpapi_leg_stats(const struct vg_dpapi_client *c, uint32_t leg_id)
{
	return mz_elem(c, c->hdr->leg_stats_off,
			sizeof(struct vg_dpapi_leg_stats), leg_id,
			c->hdr->n_legs);
}

const struct vg_dpapi_lcore_counters *
vg_dpapi_lcore_counters(const struct vg_dpapi_client *c, uint32_t i)
{
	return mz_elem(c, c->hdr->lcore_counters_off,
			sizeof(struct vg_dpapi_lcore_counters), i,
			c->hdr->n_lcores);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/** @file voxgate-cp's link to voxgate-dp (see dplink.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "vg_dpapi.h"
#include "vg_hw.h"
/* sys/queue.h (from DPDK) and libre both define these */
#undef LIST_INIT
#undef LIST_FOREACH
#include <re.h>

#include "dplink.h"
#include "ticker.h"
#include "vg_sip.h"

#define VG_DPLINK_EVENTS_PER_POLL 256

/* sip_ctl.c sends vg_dplink_read() replies of this size as hex */
static_assert(sizeof(struct vg_dpapi_reply) == 192, "dpread reply size");
#define VG_DPLINK_ALIVE_EVERY 25 /* polls between checks of the primary */

/* set when voxgate-cp should exec itself again (eal_start()) */
static bool restart_wanted;

struct vg_dplink {
	const struct vg_config *cfg;
	enum vg_dplink_state state;
	struct vg_dpapi_client *client;
	uint64_t generation;
	bool eal_up;
	bool said_waiting;
	unsigned polls;
	struct vg_ticker tick;      /**< attach retries, then the event poll */
	vg_dplink_event_h *eh;
	vg_dplink_session_h *sh;
	void *arg;
	char last_err[200];
};

const char *
vg_dplink_state_name(enum vg_dplink_state st)
{
	switch (st) {
	case VG_DPLINK_DISABLED:
		return "disabled";
	case VG_DPLINK_WAITING:
		return "waiting";
	case VG_DPLINK_UP:
		return "up";
	case VG_DPLINK_LOST:
		return "lost";
	}
	return "?";
}

/*
 * The primary holds a write lock on its EAL config file for as long as it
 * runs; a file without a lock is left over from a data plane that died.
 */
static bool
primary_alive(const char *prefix)
{
	char path[256];
	struct flock fl;
	const char *dir = "/var/run";
	int fd;
	bool alive;

	if (getuid() != 0 && getenv("XDG_RUNTIME_DIR") != NULL)
		dir = getenv("XDG_RUNTIME_DIR");
	if (snprintf(path, sizeof(path), "%s/dpdk/%s/config", dir, prefix) >=
			(int)sizeof(path))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	alive = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
	close(fd);
	return alive;
}

static int
eal_start(struct vg_dplink *l)
{
	static char *const extra[] = {"--log-level=lib.eal:error"};
	struct vg_hw_eal_args *args;
	char msg[160];
	cpu_set_t cpus;
	bool have_cpus;
	int rc;

	args = calloc(1, sizeof(*args));
	if (args == NULL)
		return -ENOMEM;
	rc = vg_hw_eal_args_build(l->cfg, VG_HW_SECONDARY, "voxgate-cp", 1,
			extra, args, msg, sizeof(msg));
	if (rc != 0) {
		vg_cp_log(VG_LOG_ERROR, "data plane link: EAL arguments: %s",
				msg);
		free(args);
		return rc;
	}
	/* the EAL pins the calling thread to its main lcore; the SIP loop
	 * is no lcore: it keeps the CPUs it had (not the data plane's) */
	have_cpus = pthread_getaffinity_np(pthread_self(), sizeof(cpus),
			&cpus) == 0;
	rc = rte_eal_init(args->argc, args->argv);
	if (have_cpus)
		(void)pthread_setaffinity_np(pthread_self(), sizeof(cpus),
				&cpus);
	free(args);
	if (rc < 0) {
		int err = rte_errno;
		const char *t = getenv(VG_DPLINK_TRY_ENV);
		int tries = t != NULL ? atoi(t) : 0;

		/*
		 * ENOMEM: the secondary could not map the primary's memory at
		 * the primary's addresses (something of ours already sits
		 * there: ASLR decides, about one start in ten under ASan).
		 * rte_eal_init() runs once per process, so voxgate-cp stops
		 * cleanly and starts again (voxgate-cp.c), a few times.
		 */
		if (err == ENOMEM && tries + 1 < VG_DPLINK_EAL_TRIES) {
			vg_cp_log(VG_LOG_WARNING,
					"data plane link: EAL (secondary, file"
					" prefix %s): %s; voxgate-cp restarts"
					" (attempt %d of %d)",
					l->cfg->eal.file_prefix,
					rte_strerror(err), tries + 2,
					VG_DPLINK_EAL_TRIES);
			restart_wanted = true;
			re_cancel();
			return -EIO;
		}
		vg_cp_log(VG_LOG_ERROR,
				"data plane link: EAL (secondary, file prefix"
				" %s): %s; restart voxgate-cp",
				l->cfg->eal.file_prefix, rte_strerror(err));
		return -EIO;
	}
	return 0;
}

bool
vg_dplink_restart_wanted(void)
{
	return restart_wanted;
}

/* Send a command, wait for its reply. @return the transport's result */
static int
transport(struct vg_dplink *l, struct vg_dpapi_cmd *cmd,
		struct vg_dpapi_reply *reply)
{
	int rc;

	if (l == NULL || l->state != VG_DPLINK_UP)
		return -ENOTCONN;
	rc = vg_dpapi_request(l->client, cmd, reply, VG_DPLINK_TIMEOUT_US);
	if (rc == -ESTALE) {
		vg_cp_log(VG_LOG_ERROR,
				"data plane link lost: voxgate-dp stopped or"
				" restarted; restart voxgate-cp to join a new"
				" one");
		l->state = VG_DPLINK_LOST;
		return -ENOTCONN;
	}
	return rc;
}

/* @return the transport's error, else the command's status */
static int
request(struct vg_dplink *l, struct vg_dpapi_cmd *cmd,
		struct vg_dpapi_reply *reply)
{
	int rc = transport(l, cmd, reply);

	return rc != 0 ? rc : reply->status;
}

/* Sessions made by an earlier control plane: hand them to the owner. */
static void
adopt_sessions(struct vg_dplink *l)
{
	struct vg_dpapi_cmd cmd;
	struct vg_dpapi_reply list, q;
	uint32_t next = 0, i;
	unsigned n = 0;

	while (next != UINT32_MAX) {
		memset(&cmd, 0, sizeof(cmd));
		cmd.type = VG_CMD_SESS_LIST;
		cmd.sess_id = next;
		if (request(l, &cmd, &list) != 0)
			return;
		for (i = 0; i < list.u.list.n && i < VG_DPAPI_LIST_MAX; i++) {
			memset(&cmd, 0, sizeof(cmd));
			cmd.type = VG_CMD_SESS_QUERY;
			cmd.sess_id = list.u.list.ids[i];
			if (request(l, &cmd, &q) != 0)
				continue;
			n++;
			if (l->sh != NULL)
				l->sh(q.sess_id, q.cookie, q.u.query.legs,
						l->arg);
		}
		if (list.u.list.next <= next && list.u.list.next != UINT32_MAX)
			break; /* never loop on a confused reply */
		next = list.u.list.next;
	}
	if (n > 0)
		vg_cp_log(VG_LOG_NOTICE,
				"data plane link: %u session(s) of an earlier"
				" control plane keep flowing until their media"
				" stops",
				n);
}

static void
try_attach(struct vg_dplink *l)
{
	char err[200];

	if (!primary_alive(l->cfg->eal.file_prefix)) {
		if (!l->said_waiting)
			vg_cp_log(VG_LOG_NOTICE,
					"waiting for voxgate-dp (file prefix"
					" %s)",
					l->cfg->eal.file_prefix);
		l->said_waiting = true;
		return;
	}
	if (!l->eal_up) {
		if (eal_start(l) != 0) {
			l->state = VG_DPLINK_LOST;
			return;
		}
		l->eal_up = true;
	}
	l->client = vg_dpapi_attach(l->cfg->eal.file_prefix, err, sizeof(err));
	if (l->client == NULL) {
		if (strcmp(err, l->last_err) != 0)
			vg_cp_log(rte_errno == EPROTO ? VG_LOG_ERROR
						      : VG_LOG_NOTICE,
					"data plane link: %s", err);
		(void)snprintf(l->last_err, sizeof(l->last_err), "%s", err);
		return;
	}
	l->generation = vg_dpapi_header(l->client)->generation;
	l->state = VG_DPLINK_UP;
	vg_cp_log(VG_LOG_NOTICE,
			"data plane attached (file prefix %s, generation %llu,"
			" %u sessions)",
			l->cfg->eal.file_prefix,
			(unsigned long long)l->generation,
			vg_dpapi_header(l->client)->max_sessions);
	adopt_sessions(l);
}

static void
poll_events(struct vg_dplink *l)
{
	struct vg_dpapi_event evts[64];
	unsigned n, i, total = 0;
	const struct vg_dpapi_hdr *hdr = vg_dpapi_header(l->client);

	if (__atomic_load_n(&hdr->state, __ATOMIC_ACQUIRE) !=
					VG_DPAPI_STATE_RUNNING ||
			(++l->polls % VG_DPLINK_ALIVE_EVERY == 0 &&
					!primary_alive(l->cfg->eal.file_prefix))) {
		vg_cp_log(VG_LOG_ERROR,
				"data plane link lost: voxgate-dp stopped;"
				" restart voxgate-cp to join a new one");
		l->state = VG_DPLINK_LOST;
		return;
	}
	/* a create that timed out may have succeeded since: undo it now,
	 * not at the next call's request */
	(void)vg_dpapi_drain_replies(l->client);
	do {
		n = vg_dpapi_poll_events(l->client, evts, RTE_DIM(evts));
		for (i = 0; i < n && l->state == VG_DPLINK_UP; i++)
			l->eh(&evts[i], l->arg);
		total += n;
	} while (n == RTE_DIM(evts) && total < VG_DPLINK_EVENTS_PER_POLL);
}

static void
on_tick(void *arg)
{
	struct vg_dplink *l = arg;
	int rc;

	if (l->state == VG_DPLINK_WAITING)
		try_attach(l);
	else if (l->state == VG_DPLINK_UP)
		poll_events(l);
	rc = 0;
	if (l->state == VG_DPLINK_WAITING)
		rc = vg_ticker_start(&l->tick, VG_DPLINK_RETRY_MS, on_tick, l);
	else if (l->state == VG_DPLINK_UP)
		rc = vg_ticker_start(&l->tick, VG_DPLINK_POLL_MS, on_tick, l);
	else
		vg_ticker_stop(&l->tick);
	if (rc != 0)
		vg_cp_log(VG_LOG_ERROR, "data-plane link timer: %s",
				strerror(-rc));
}

int
vg_dplink_create(struct vg_dplink **lp, const struct vg_config *cfg,
		vg_dplink_event_h *eh, vg_dplink_session_h *sh, void *arg)
{
	struct vg_dplink *l;

	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return -ENOMEM;
	l->cfg = cfg;
	l->eh = eh;
	l->sh = sh;
	l->arg = arg;
	vg_ticker_init(&l->tick);
	if (cfg->n_ports == 0) {
		l->state = VG_DPLINK_DISABLED;
		vg_cp_log(VG_LOG_NOTICE,
				"no [[port]] configured: signalling only, media"
				" is not anchored");
	} else {
		l->state = VG_DPLINK_WAITING;
		on_tick(l);
	}
	*lp = l;
	return 0;
}

void
vg_dplink_destroy(struct vg_dplink *l)
{
	if (l == NULL)
		return;
	vg_ticker_stop(&l->tick);
	vg_dpapi_detach(l->client);
	/* rte_eal_cleanup() would unmap memory libre's objects never used;
	 * a secondary's EAL is released with the process */
	free(l);
}

enum vg_dplink_state
vg_dplink_state(const struct vg_dplink *l)
{
	return l != NULL ? l->state : VG_DPLINK_DISABLED;
}

uint64_t
vg_dplink_generation(const struct vg_dplink *l)
{
	return l != NULL && l->state == VG_DPLINK_UP ? l->generation : 0;
}

uint64_t
vg_dplink_undone_creates(const struct vg_dplink *l)
{
	return l != NULL && l->client != NULL ?
		vg_dpapi_undone_creates(l->client) : 0;
}

int
vg_dplink_create_session(struct vg_dplink *l, uint64_t cookie,
		const struct vg_dpapi_leg *legs,
		const struct vg_dpapi_srtp_keys *keys, uint32_t *sess_id,
		uint32_t leg_id[2])
{
	struct vg_dpapi_cmd cmd;
	struct vg_dpapi_reply reply;
	int rc;

	memset(&cmd, 0, sizeof(cmd));
	cmd.type = VG_CMD_SESS_CREATE;
	cmd.cookie = cookie;
	cmd.legs[0] = legs[0];
	cmd.legs[1] = legs[1];
	if (keys != NULL)
		memcpy(cmd.keys, keys, sizeof(cmd.keys));
	rc = request(l, &cmd, &reply);
	explicit_bzero(cmd.keys, sizeof(cmd.keys));
	if (rc != 0)
		return rc;
	*sess_id = reply.sess_id;
	leg_id[0] = reply.leg_id[0];
	leg_id[1] = reply.leg_id[1];
	return 0;
}

int
vg_dplink_update_session(struct vg_dplink *l, uint32_t sess_id,
		const struct vg_dpapi_leg *legs,
		const struct vg_dpapi_srtp_keys *keys)
{
	struct vg_dpapi_cmd cmd;
	struct vg_dpapi_reply reply;
	int rc;

	memset(&cmd, 0, sizeof(cmd));
	cmd.type = VG_CMD_SESS_UPDATE;
	cmd.sess_id = sess_id;
	cmd.legs[0] = legs[0];
	cmd.legs[1] = legs[1];
	if (keys != NULL)
		memcpy(cmd.keys, keys, sizeof(cmd.keys));
	rc = request(l, &cmd, &reply);
	explicit_bzero(cmd.keys, sizeof(cmd.keys));
	return rc;
}

int
vg_dplink_delete_session(struct vg_dplink *l, uint32_t sess_id)
{
	struct vg_dpapi_cmd cmd;
	struct vg_dpapi_reply reply;

	memset(&cmd, 0, sizeof(cmd));
	cmd.type = VG_CMD_SESS_DELETE;
	cmd.sess_id = sess_id;
	return request(l, &cmd, &reply);
}

int
vg_dplink_read(struct vg_dplink *l, uint32_t type, uint32_t sess_id,
		void *reply, size_t size)
{
	struct vg_dpapi_cmd cmd;

	if (type != VG_CMD_SESS_LIST && type != VG_CMD_SESS_QUERY)
		return -EPERM;
	if (size < sizeof(struct vg_dpapi_reply))
		return -EINVAL;
	memset(&cmd, 0, sizeof(cmd));
	cmd.type = type;
	cmd.sess_id = sess_id;
	return transport(l, &cmd, reply);
}

const struct vg_dpapi_leg_counters *
vg_dplink_counters(const struct vg_dplink *l, uint32_t leg_id)
{
	if (l == NULL || l->state != VG_DPLINK_UP)
		return NULL;
	return vg_dpapi_leg_counters(l->client, leg_id);
}

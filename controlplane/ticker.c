/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Periodic timerfd on the libre loop (see ticker.h). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <re.h>

#include "ticker.h"

void
vg_ticker_init(struct vg_ticker *t)
{
	memset(t, 0, sizeof(*t));
	t->fd = -1;
}

static void
on_fd(int flags, void *arg)
{
	struct vg_ticker *t = arg;
	uint64_t expirations;

	(void)flags;
	/* EAGAIN: another wake-up consumed it; the count is not needed */
	if (read(t->fd, &expirations, sizeof(expirations)) !=
			(ssize_t)sizeof(expirations))
		return;
	t->h(t->arg);
}

int
vg_ticker_start(struct vg_ticker *t, unsigned int period_ms,
		vg_ticker_h *h, void *arg)
{
	struct itimerspec its;
	int err;

	if (period_ms == 0 || h == NULL)
		return -EINVAL;
	t->h = h;
	t->arg = arg;
	if (t->fd >= 0 && t->period_ms == period_ms)
		return 0;
	if (t->fd < 0) {
		t->fd = timerfd_create(CLOCK_MONOTONIC,
				TFD_NONBLOCK | TFD_CLOEXEC);
		if (t->fd < 0)
			return -errno;
		err = fd_listen(t->fd, FD_READ, on_fd, t);
		if (err != 0) {
			close(t->fd);
			t->fd = -1;
			return -err;
		}
	}
	memset(&its, 0, sizeof(its));
	its.it_interval.tv_sec = period_ms / 1000;
	its.it_interval.tv_nsec = (long)(period_ms % 1000) * 1000000L;
	its.it_value = its.it_interval;
	if (timerfd_settime(t->fd, 0, &its, NULL) != 0) {
		err = errno;
		vg_ticker_stop(t);
		return -err;
	}
	t->period_ms = period_ms;
	return 0;
}

void
vg_ticker_stop(struct vg_ticker *t)
{
	if (t->fd < 0)
		return;
	fd_close(t->fd);
	close(t->fd);
	t->fd = -1;
	t->period_ms = 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Periodic work on the libre loop without libre's timer list.
 *
 * libre 1.1.0 keeps every timer in one list sorted by expiry, and
 * tmr_start() with a delay walks it from the longest timer back to where
 * the new one goes. Under SIP load the list holds tens of thousands of
 * transaction timers (32 s each), so re-arming a short periodic timer (the
 * data-plane event poll every 20 ms) walks past all of them each time: it
 * took 40-60% of voxgate-cp's CPU at 1500 REGISTER/s. A ticker is a
 * timerfd polled by the loop (fd_listen()) instead: its cost does not
 * depend on how many transactions are alive.
 *
 * Thread: the libre loop's.
 */
#ifndef VG_TICKER_H
#define VG_TICKER_H

#include <stdbool.h>

/** Called once per period (once, however many periods were missed). */
typedef void (vg_ticker_h)(void *arg);

struct vg_ticker {
	int fd;                /**< timerfd; -1 when stopped */
	unsigned int period_ms;
	vg_ticker_h *h;
	void *arg;
};

/** A stopped ticker. */
void vg_ticker_init(struct vg_ticker *t);

/**
 * Call h(arg) every period_ms from now on (restarts a running ticker with
 * the new period; a no-op when it already runs with it).
 * @return 0, or a negative errno (timerfd or fd_listen failed)
 */
int vg_ticker_start(struct vg_ticker *t, unsigned int period_ms,
		vg_ticker_h *h, void *arg);

/** Stop it (idempotent); safe from its own handler. */
void vg_ticker_stop(struct vg_ticker *t);

static inline bool
vg_ticker_running(const struct vg_ticker *t)
{
	return t->fd >= 0;
}

#endif /* VG_TICKER_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file libre's timers on a binary heap, interposed in voxgate-cp.
 *
 * libre 1.1.0 keeps all timers of a thread in one list sorted by expiry;
 * tmr_start() with a delay walks it back from the latest timer to its
 * place. A SIP server has tens of thousands of transaction timers alive
 * (64 x T1 = 32 s after every request), and every short timer (a
 * retransmission timer of each client transaction, 500 ms) walks past
 * all of them: measured at 1500 REGISTER/s with the data-plane link up,
 * libre's list_apply() under tmr_start() took 40-60% of voxgate-cp's
 * CPU, and the call rate fell with the number of live transactions.
 *
 * This file defines tmr_start(), tmr_cancel(), tmr_poll(),
 * tmr_next_timeout(), tmr_get_expire(), tmr_status() and tmr_debug() with
 * the same contract on a binary min-heap keyed by (expiry, insertion
 * order): O(log n) start and cancel, same firing order as libre (earliest
 * first, equal expiries first-come first-served). It is linked into the
 * voxgate-cp executable, whose definitions take precedence over
 * libre.so's for libre's own calls too (libre calls them through its
 * PLT; checked for the Debian 12 build of libre 1.1.0, whose struct tmr
 * is {le, th, arg, jfs}). libre's re_main() passes its own list to
 * tmr_poll() and tmr_next_timeout(); it stays empty and is ignored.
 *
 * Bookkeeping lives in the timer's own struct le, which only the timer
 * functions touch: le.list marks a timer that is in the heap, le.data is
 * its index. A timer is running when th != NULL, as libre's inline
 * tmr_isrunning() expects.
 *
 * Thread: the libre loop's only (voxgate-cp runs one).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "re_tmr.h"

struct heap_ent {
	uint64_t jfs;              /**< expiry, ms (tmr_jiffies()) */
	uint64_t seq;              /**< insertion order: ties fire FIFO */
	struct tmr *t;
};

static struct {
	struct heap_ent *a;
	size_t n, cap;
	uint64_t seq;
} heap;

/* le.list of a timer in the heap */
#define IN_HEAP ((struct list *)&heap)

static inline bool
before(const struct heap_ent *x, const struct heap_ent *y)
{
	return x->jfs < y->jfs || (x->jfs == y->jfs && x->seq < y->seq);
}

static inline void
place(size_t i, const struct heap_ent *e)
{
	heap.a[i] = *e;
	e->t->le.data = (void *)(uintptr_t)i;
}

static void
sift_up(size_t i, struct heap_ent e)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (!before(&e, &heap.a[p]))
			break;
		place(i, &heap.a[p]);
		i = p;
	}
	place(i, &e);
}

static void
sift_down(size_t i, struct heap_ent e)
{
	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= heap.n)
			break;
		if (c + 1 < heap.n && before(&heap.a[c + 1], &heap.a[c]))
			c++;
		if (!before(&heap.a[c], &e))
			break;
		place(i, &heap.a[c]);
		i = c;
	}
	place(i, &e);
}

static void
heap_remove(struct tmr *t)
{
	size_t i = (uintptr_t)t->le.data;
	struct heap_ent last;

	if (t->le.list != IN_HEAP || i >= heap.n || heap.a[i].t != t)
		return;
	t->le.list = NULL;
	t->le.data = NULL;
	last = heap.a[--heap.n];
	if (i == heap.n)
		return;
	/* the last entry fills the hole, then goes up or down */
	if (i > 0 && before(&last, &heap.a[(i - 1) / 2]))
		sift_up(i, last);
	else
		sift_down(i, last);
}

static void
heap_push(struct tmr *t)
{
	struct heap_ent e;

	if (heap.n == heap.cap) {
		size_t cap = heap.cap != 0 ? 2 * heap.cap : 4096;
		struct heap_ent *a = realloc(heap.a, cap * sizeof(*a));

		if (a == NULL) {
			/* a timer that never fires leaks its transaction or
			 * call for ever: out of memory here is fatal */
			fprintf(stderr, "voxgate-cp: out of memory for %zu"
					" timers\n", cap);
			abort();
		}
		heap.a = a;
		heap.cap = cap;
	}
	e.jfs = t->jfs;
	e.seq = heap.seq++;
	e.t = t;
	t->le.list = IN_HEAP;
	heap.n++;
	sift_up(heap.n - 1, e);
}

void
tmr_start(struct tmr *tmr, uint64_t delay, tmr_h *th, void *arg)
{
	if (tmr == NULL)
		return;
	heap_remove(tmr);
	tmr->th = th;
	tmr->arg = arg;
	if (th == NULL)
		return;
	tmr->jfs = tmr_jiffies() + delay;
	heap_push(tmr);
}

void
tmr_cancel(struct tmr *tmr)
{
	tmr_start(tmr, 0, NULL, NULL);
}

void
tmr_poll(struct list *tmrl)
{
	const uint64_t now = tmr_jiffies();

	(void)tmrl;
	while (heap.n != 0 && heap.a[0].jfs <= now) {
		struct tmr *t = heap.a[0].t;
		tmr_h *th = t->th;
		void *arg = t->arg;

		heap_remove(t);
		t->th = NULL;
		/* the handler may start, cancel or free any timer */
		if (th != NULL)
			th(arg);
	}
}

uint64_t
tmr_next_timeout(struct list *tmrl)
{
	const uint64_t now = tmr_jiffies();

	(void)tmrl;
	if (heap.n == 0)
		return 0;
	return heap.a[0].jfs <= now ? 1 : heap.a[0].jfs - now;
}

uint64_t
tmr_get_expire(const struct tmr *tmr)
{
	uint64_t now;

	if (tmr == NULL || tmr->th == NULL)
		return 0;
	now = tmr_jiffies();
	return tmr->jfs > now ? tmr->jfs - now : 0;
}

int
tmr_status(struct re_printf *pf, void *unused)
{
	(void)unused;
	return re_hprintf(pf, "Timers: %zu (heap)\n", heap.n);
}

void
tmr_debug(void)
{
	(void)re_fprintf(stderr, "%H", tmr_status, NULL);
}

size_t
vg_tmr_count(void)
{
	return heap.n;
}

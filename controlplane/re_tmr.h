/* SPDX-License-Identifier: BSD-3-Clause */
/** @file libre's timers on a heap (re_tmr.c): what it adds to re_tmr.h. */
#ifndef VG_RE_TMR_H
#define VG_RE_TMR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Timers running. Thread: the libre loop's. */
size_t vg_tmr_count(void);

#ifdef __cplusplus
}
#endif

#endif /* VG_RE_TMR_H */

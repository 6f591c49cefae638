/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Random bytes from a per-thread pool filled by OpenSSL's DRBG
 * (rand_pool.c); libre's rand_*() are routed to it in voxgate-cp
 * (re_rand.c).
 */
#ifndef VG_RAND_POOL_H
#define VG_RAND_POOL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Fill p with n cryptographically random bytes. Thread-safe (each
 * thread has its own pool; a forked child starts with an empty one).
 * @return 0, or -EIO when OpenSSL's DRBG fails (p is then zeroed).
 */
int vg_rand_bytes(void *p, size_t n);

/** Times the calling thread's pool was refilled (for tests). */
uint64_t vg_rand_refills(void);

#ifdef __cplusplus
}
#endif

#endif /* VG_RAND_POOL_H */

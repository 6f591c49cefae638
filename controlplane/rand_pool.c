/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Random bytes from a per-thread pool.
 *
 * Every SIP request took a few random numbers (libre's tag of each
 * message, branches and tags of what we send, the salt of each nonce),
 * each a call of OpenSSL's RAND_bytes(). In OpenSSL 3 one call takes the
 * DRBG's lock and calls getpid() for its fork check, a real system call:
 * strace -c of voxgate-cp under REGISTER load counted 2.7 getpid() per
 * request, as many system calls as receiving and answering it.
 *
 * The pool takes POOL_SIZE bytes from RAND_bytes() at a time and hands
 * them out in order, wiping what it gave. The bytes are the DRBG's, so
 * what comes out is as good as RAND_bytes()' own; requests larger than
 * half the pool go to RAND_bytes() directly. Each thread has its pool
 * (the registrar's writer thread must not share the loop's), and a
 * forked child drops its copy, so no two processes hand out the same
 * bytes.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "rand_pool.h"

#define POOL_SIZE 1024

struct pool {
	uint8_t buf[POOL_SIZE];
	size_t pos;          /**< next unused byte; POOL_SIZE: empty */
	uint64_t refills;
	bool ready;          /**< pos is valid (TLS starts zeroed) */
};

static _Thread_local struct pool pool;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void
drop_pool(void)
{
	OPENSSL_cleanse(pool.buf, sizeof(pool.buf));
	pool.pos = POOL_SIZE;
}

static void
register_atfork(void)
{
	(void)pthread_atfork(NULL, NULL, drop_pool);
}

static int
refill(void)
{
	if (RAND_bytes(pool.buf, POOL_SIZE) != 1) {
		drop_pool();
		return -EIO;
	}
	pool.pos = 0;
	pool.refills++;
	return 0;
}

int
vg_rand_bytes(void *p, size_t n)
{
	uint8_t *out = p;

	if (n == 0)
		return 0;
	if (out == NULL)
		return -EINVAL;
	if (!pool.ready) {
		(void)pthread_once(&atfork_once, register_atfork);
		pool.pos = POOL_SIZE;
		pool.ready = true;
	}
	if (n > POOL_SIZE / 2) {
		if (RAND_bytes(out, (int)n) == 1)
			return 0;
		memset(out, 0, n);
		return -EIO;
	}
	if (POOL_SIZE - pool.pos < n && refill() != 0) {
		memset(out, 0, n);
		return -EIO;
	}
	memcpy(out, pool.buf + pool.pos, n);
	OPENSSL_cleanse(pool.buf + pool.pos, n);
	pool.pos += n;
	return 0;
}

uint64_t
vg_rand_refills(void)
{
	return pool.refills;
}

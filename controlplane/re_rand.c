/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file libre's random numbers from our pool, interposed in voxgate-cp.
 *
 * libre 1.1.0 built with OpenSSL (Debian's) makes every rand_u16/u32/
 * u64/char/str/bytes() a RAND_bytes() call: a lock and a getpid()
 * system call each (rand_pool.c says why that mattered). Defined here in
 * the executable, these take precedence over libre.so's for libre's own
 * calls too (it calls them through its PLT: 37 call sites, checked with
 * objdump on the Debian 12 build), as re_tmr.c does for the timers.
 * rand_init() stays libre's.
 *
 * The pool failing means OpenSSL's DRBG failed: nothing random can be
 * made, and tags, branches and Call-IDs must not become predictable, so
 * the process stops with a message rather than go on.
 */
#include <stdio.h>
#include <stdlib.h>

#include <re.h>

#include "rand_pool.h"

static void
take(void *p, size_t n)
{
	if (vg_rand_bytes(p, n) != 0) {
		fputs("voxgate-cp: the random number generator failed\n",
				stderr);
		abort();
	}
}

uint16_t
rand_u16(void)
{
	uint16_t v;

	take(&v, sizeof(v));
	return v;
}

uint32_t
rand_u32(void)
{
	uint32_t v;

	take(&v, sizeof(v));
	return v;
}

uint64_t
rand_u64(void)
{
	uint64_t v;

	take(&v, sizeof(v));
	return v;
}

/* One of [0-9a-zA-Z], uniformly: 6 bits a draw, 62 of 64 values kept. */
char
rand_char(void)
{
	static const char set[] = "0123456789"
		"abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	uint8_t b;

	do {
		take(&b, 1);
		b &= 63;
	} while (b >= sizeof(set) - 1);
	return set[b];
}

void
rand_str(char *str, size_t size)
{
	size_t i;

	if (str == NULL || size == 0)
		return;
	for (i = 0; i + 1 < size; i++)
		str[i] = rand_char();
	str[size - 1] = '\0';
}

void
rand_bytes(uint8_t *p, size_t size)
{
	if (p != NULL)
		take(p, size);
}

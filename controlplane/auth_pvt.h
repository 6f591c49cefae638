/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Private helpers shared by the digest authentication files. */
#ifndef VG_AUTH_PVT_H
#define VG_AUTH_PVT_H

#include <stddef.h>
#include <stdint.h>

/** Write len bytes as 2*len lowercase hex digits and a NUL. */
void vg_auth_hex(const uint8_t *bin, size_t len, char *hex);

/**
 * Decode 2*len hex digits (either case) into len bytes.
 * @return 0, -EINVAL on a non-hex digit
 */
int vg_auth_unhex(const char *hex, size_t len, uint8_t *bin);

#endif /* VG_AUTH_PVT_H */

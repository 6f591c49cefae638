/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * SRTP and SRTCP (RFC 3711) for one direction of a media stream, over
 * libsrtp2. No DPDK in it: the data-plane worker calls it on packets it
 * already holds, the unit tests and perf/bench_srtp call it on plain
 * buffers.
 *
 * A context keys both SRTP and SRTCP of one direction from one master key
 * and salt, as one a=crypto line does (RFC 4568 §6.1). It accepts any SSRC
 * (libsrtp's ssrc_any_inbound / ssrc_any_outbound templates): libsrtp keeps
 * one stream (replay window, rollover counter) per SSRC it has seen, and we
 * bound them at VG_SRTP_MAX_SSRC per context, the least recently used one
 * making room for a new one.
 *
 * Threads: vg_srtp_global_init() may be called by any thread, any number of
 * times. A context is used by one thread at a time: the worker that owns
 * the direction calls the packet functions without locks. Create and free
 * may run on another thread (the main lcore, at session set-up and
 * teardown) provided that the hand-over to and from the worker orders the
 * memory accesses (a ring, an RCU-style quiescent point).
 *
 * Allocation: create allocates (malloc, inside libsrtp). The first
 * packet of an SSRC the context has not seen makes libsrtp clone its
 * template stream (malloc, on the calling thread); at most
 * VG_SRTP_MAX_SSRC streams are kept. Nothing of ours allocates per packet,
 * but Debian's libsrtp2 2.5 is built on NSS, whose AES-ICM backend makes a
 * new PK11 context for every packet (8 mallocs per packet, measured: see
 * perf/README.md, perf/bench-media).
 */
#ifndef VG_SRTP_H
#define VG_SRTP_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Crypto suites we key (RFC 4568 §6.2); NONE = plain RTP. */
enum vg_srtp_suite {
	VG_SRTP_NONE = 0,
	VG_SRTP_AES_CM_128_HMAC_SHA1_80 = 1,
	VG_SRTP_AES_CM_128_HMAC_SHA1_32 = 2,
};

/** Master key (16 bytes) followed by master salt (14 bytes), RFC 3711 §8.2;
 * the key-salt of an a=crypto inline: parameter for both suites. */
#define VG_SRTP_KEY_LEN 30

/**
 * Room a caller leaves after a packet it protects: the largest trailer of
 * the suites above (SRTCP: 4-byte E|index + 10-byte tag = 14; SRTP: the
 * tag, 10 or 4), rounded up to 16. We never send an MKI (RFC 3711 §3.1),
 * so none is counted. vg_srtp_ctx_trailer() gives a context's exact size.
 */
#define VG_SRTP_MAX_TRAILER 16

/** Streams (SSRCs) one context keeps; see the file comment. */
#define VG_SRTP_MAX_SSRC 8

/** Replay window of SRTP packets (RFC 3711 §3.3.2; libsrtp's default is
 * 128): 5 s of 20 ms audio, late enough for any jitter buffer. SRTCP's
 * window is libsrtp's fixed 128. */
#define VG_SRTP_REPLAY_WINDOW 256

/**
 * Why a packet function failed: X(name, errno, description). The packet
 * functions return the negative errno; the data plane keeps one drop
 * counter per line (the names are unique, the errnos distinct).
 */
#define VG_SRTP_ERRORS(X)                                                      \
	X(MALFORMED, EBADMSG, "not an RTP/RTCP packet or too short")           \
	X(AUTH, EACCES, "authentication failed")                               \
	X(REPLAY, EALREADY, "replayed, or older than the replay window")       \
	X(NO_ROOM, ENOSPC, "no room for the SRTP trailer")                     \
	X(KEY_EXPIRED, EKEYEXPIRED, "master key used up (RFC 3711 §9.2)")      \
	X(NO_MEMORY, ENOMEM, "no memory for a new SSRC's stream")              \
	X(LIBRARY, EIO, "libsrtp failed")

struct vg_srtp_ctx;

/**
 * The RFC 4568 name of a suite ("AES_CM_128_HMAC_SHA1_80").
 * @return a string constant; NULL for VG_SRTP_NONE or an unknown value
 */
const char *vg_srtp_suite_name(enum vg_srtp_suite suite);

/**
 * The suite of an RFC 4568 name: len bytes of name, not NUL-terminated,
 * compared without case (ABNF literals are case-insensitive, RFC 5234
 * §2.3).
 * @return the suite; VG_SRTP_NONE when the name is not one we support
 */
enum vg_srtp_suite vg_srtp_suite_parse(const char *name, unsigned int len);

/**
 * Initialise libsrtp once per process (srtp_init); later calls return the
 * first call's result. vg_srtp_ctx_create() calls it itself.
 * @return 0; -EIO when libsrtp's self-tests or initialisation failed
 */
int vg_srtp_global_init(void);

/**
 * Create one direction's context.
 * @param suite VG_SRTP_AES_CM_128_HMAC_SHA1_80 or _32 (SRTCP always uses
 *        the 80-bit tag, RFC 4568 §6.2.1)
 * @param key master key || master salt; copied (the caller may wipe it)
 * @param inbound true: unprotect only (packets we receive); false: protect
 *        only (packets we send). Outbound contexts protect again a packet
 *        whose sequence number they have already sent (libsrtp's
 *        allow_repeat_tx): a relay re-sends duplicates and RFC 4733 end
 *        packets as they came, and the same index with the same payload
 *        gives the same ciphertext. Never feed it a different payload under
 *        a sequence number already sent: that reuses the keystream.
 * @param out the new context
 * @return 0; -EINVAL (bad suite, NULL argument); -ENOMEM; -EIO (libsrtp)
 */
int vg_srtp_ctx_create(enum vg_srtp_suite suite,
		const uint8_t key[VG_SRTP_KEY_LEN], bool inbound,
		struct vg_srtp_ctx **out);

/** Free a context, its streams and libsrtp's session keys (NULL is
 * ignored). The master key was wiped at create. */
void vg_srtp_ctx_free(struct vg_srtp_ctx *ctx);

/** The suite of a context. */
enum vg_srtp_suite vg_srtp_ctx_suite(const struct vg_srtp_ctx *ctx);

/**
 * Bytes protect adds to a packet (RTP: the tag; RTCP: E|index and tag);
 * at most VG_SRTP_MAX_TRAILER. Unprotect removes as many.
 */
unsigned int vg_srtp_ctx_trailer(const struct vg_srtp_ctx *ctx, bool rtcp);

/**
 * Encrypt and authenticate an RTP packet in place (outbound contexts).
 * @param pkt the RTP packet (12-byte header, CSRCs, extension, payload)
 * @param len in: its length; out: the SRTP packet's length (unchanged on
 *        error)
 * @param cap bytes writable at pkt: at least *len + vg_srtp_ctx_trailer()
 * @return 0 or a negative errno of VG_SRTP_ERRORS (MALFORMED: shorter
 *         than its header, longer than 65535 bytes or not version 2;
 *         NO_ROOM; REPLAY: index older than the replay window;
 *         KEY_EXPIRED; NO_MEMORY: a new SSRC's stream); -EINVAL on a NULL
 *         argument or an inbound context
 */
int vg_srtp_protect_rtp(struct vg_srtp_ctx *ctx, uint8_t *pkt,
		unsigned int *len, unsigned int cap);

/**
 * Authenticate and decrypt an SRTP packet in place (inbound contexts).
 * Nothing past pkt + *len is read. pkt needs no alignment.
 * @param len in: the SRTP packet's length; out: the RTP packet's
 * @return 0 or a negative errno of VG_SRTP_ERRORS (MALFORMED, AUTH,
 *         REPLAY, KEY_EXPIRED, NO_MEMORY); -EINVAL on a NULL argument or an
 *         outbound context
 */
int vg_srtp_unprotect_rtp(
		struct vg_srtp_ctx *ctx, uint8_t *pkt, unsigned int *len);

/**
 * Encrypt and authenticate a (compound) RTCP packet in place (outbound
 * contexts): appends E|SRTCP index and the 80-bit tag.
 * @return as vg_srtp_protect_rtp() (MALFORMED: shorter than 8 bytes or not
 *         version 2)
 */
int vg_srtp_protect_rtcp(struct vg_srtp_ctx *ctx, uint8_t *pkt,
		unsigned int *len, unsigned int cap);

/**
 * Authenticate and decrypt an SRTCP packet in place (inbound contexts).
 * @return as vg_srtp_unprotect_rtp(); MALFORMED also for a packet whose
 *         E flag says unencrypted (both suites encrypt SRTCP)
 */
int vg_srtp_unprotect_rtcp(
		struct vg_srtp_ctx *ctx, uint8_t *pkt, unsigned int *len);

#ifdef __cplusplus
}
#endif

#endif /* VG_SRTP_H */

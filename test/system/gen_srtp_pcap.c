/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file gen-srtp-pcap: writes one SRTP stream as a packet capture, for
 * SIPp's play_pcap_audio. Debian's SIPp 3.6.1 is built without SRTP; it
 * replays a capture's UDP payloads unchanged from its media port to the
 * port the answer names, so a stream protected here beforehand, with the
 * key the caller's scenario offers in its a=crypto line, is an SRTP
 * caller as far as the appliance can tell.
 *
 * usage: gen-srtp-pcap -i PAYLOAD -k KEY -o OUT.pcap [-s SSRC] [-t PT]
 *                      [-d MS] [-c SUITE]
 *   -i PAYLOAD  raw G.711 (8000 bytes a second, e.g. gen_ulaw.py's), sent
 *               160 bytes = 20 ms a packet, from its start again at its end
 *   -k KEY      master key || master salt: 30 bytes in base64 (40
 *               characters), the value of an RFC 4568 "inline:" key
 *   -o OUT      the capture: classic pcap, Ethernet / IPv4 / UDP, valid
 *               checksums, from 192.0.2.1:6000 to 192.0.2.2:6000 (RFC 5737
 *               addresses: SIPp replaces addresses and ports)
 *   -s SSRC     (default 0x5eed0001; decimal or 0x hex)
 *   -t PT       payload type (default 0, PCMU)
 *   -d MS       stream length (default 3000; whole 20 ms packets)
 *   -c SUITE    AES_CM_128_HMAC_SHA1_80 (default) or AES_CM_128_HMAC_SHA1_32
 *
 * Packets are 20 ms apart in the capture's time stamps; sequence numbers
 * from 0 and RTP time stamps from 0 go up by 1 and 160; the first packet
 * carries the marker bit (RFC 3551 section 4.1: the start of a talkspurt).
 * Exit status 0, or 1 with a message.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sdp_crypto.h"
#include "vg_srtp.h"

#define KEY_LEN VG_SRTP_KEY_LEN /* key (16) || salt (14), RFC 3711 */
#define PTIME_MS 20
#define FRAME_BYTES 160    /* 20 ms of G.711 at 8000 Hz */
#define RTP_HDR_LEN 12
#define ETH_HDR_LEN 14
#define IP_HDR_LEN 20
#define UDP_HDR_LEN 8
#define PCAP_LINKTYPE_ETHERNET 1
#define MAX_MS (24u * 3600u * 1000u)

/* The frame of one packet: headers, RTP, payload and room for the tag */
#define PKT_ROOM (ETH_HDR_LEN + IP_HDR_LEN + UDP_HDR_LEN + RTP_HDR_LEN + \
		FRAME_BYTES + VG_SRTP_MAX_TRAILER)

struct opts {
	const char *payload;
	const char *key_b64;
	const char *out;
	const char *suite;
	uint32_t ssrc;
	uint8_t pt;
	uint32_t ms;
};

static const char usage[] =
	"usage: gen-srtp-pcap -i PAYLOAD -k KEY -o OUT.pcap [-s SSRC] "
	"[-t PT] [-d MS] [-c SUITE]\n"
	"  KEY: 30 bytes (key || salt) in base64; SUITE: "
	"AES_CM_128_HMAC_SHA1_80 (default) or AES_CM_128_HMAC_SHA1_32\n";

/*
 * The key and suite as an a=crypto value that call_uac_srtp.xml offers,
 * read by the appliance's own parser (controlplane/sdp_crypto.c): what
 * this tool accepts is what voxgate-cp will.
 */
static int
key_parse(const char *suite, const char *key_b64, uint8_t key[KEY_LEN],
		enum vg_srtp_suite *srtp_suite)
{
	struct vg_sdp_crypto c;
	char value[160];
	int n, rc;

	n = snprintf(value, sizeof(value), "1 %s inline:%s", suite, key_b64);
	if (n < 0 || (size_t)n >= sizeof(value))
		return -EINVAL;
	rc = vg_sdp_crypto_parse(value, &c);
	explicit_bzero(value, sizeof(value));
	if (rc != 0)
		return rc;
	memcpy(key, c.key, KEY_LEN);
	vg_sdp_crypto_wipe(&c);
	*srtp_suite = vg_srtp_suite_parse(suite, (unsigned int)strlen(suite));
	return *srtp_suite == VG_SRTP_NONE ? -ENOTSUP : 0;
}

/* ---- numbers ---- */

static int
parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The one's-complement sum of big-endian 16-bit words (RFC 1071), not yet
 * folded; an odd last byte is padded with zero. */
static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* ---- the capture ---- */

/* Classic pcap (not pcapng): SIPp reads it through libpcap, and so does
 * every tool; microsecond time stamps, host byte order (the magic number
 * tells readers which). */
struct pcap_file_hdr {
	uint32_t magic;
	uint16_t major;
	uint16_t minor;
	int32_t thiszone;
	uint32_t sigfigs;
	uint32_t snaplen;
	uint32_t linktype;
};

struct pcap_rec_hdr {
	uint32_t ts_sec;
	uint32_t ts_usec;
	uint32_t incl_len;
	uint32_t orig_len;
};

static const uint8_t mac_src[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t mac_dst[6] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t ip_src[4] = {192, 0, 2, 1};
static const uint8_t ip_dst[4] = {192, 0, 2, 2};
static const uint16_t udp_port = 6000;

/*
 * Ethernet, IPv4 and UDP headers in front of the udp_len - 8 bytes of
 * payload already at f + 42; the checksums cover what is there.
 */
static void
frame_headers(uint8_t *f, size_t udp_len, uint16_t ip_id)
{
	uint8_t *ip = f + ETH_HDR_LEN, *udp = ip + IP_HDR_LEN;
	uint32_t sum;

	memcpy(f, mac_dst, 6);
	memcpy(f + 6, mac_src, 6);
	put16(f + 12, 0x0800);

	ip[0] = 0x45; /* IPv4, 20-byte header */
	ip[1] = 0xb8; /* DSCP EF (RFC 3246), as voice usually goes */
	put16(ip + 2, (uint16_t)(IP_HDR_LEN + udp_len));
	put16(ip + 4, ip_id);
	put16(ip + 6, 0x4000); /* don't fragment */
	ip[8] = 64;            /* TTL */
	ip[9] = 17;            /* UDP */
	put16(ip + 10, 0);
	memcpy(ip + 12, ip_src, 4);
	memcpy(ip + 16, ip_dst, 4);
	put16(ip + 10, fold(sum16(ip, IP_HDR_LEN, 0)));

	put16(udp, udp_port);
	put16(udp + 2, udp_port);
	put16(udp + 4, (uint16_t)udp_len);
	put16(udp + 6, 0);
	/* RFC 768: the pseudo-header (addresses, protocol, UDP length) */
	sum = sum16(ip + 12, 8, 0) + 17 + (uint32_t)udp_len;
	sum = fold(sum16(udp, udp_len, sum));
	put16(udp + 6, sum == 0 ? 0xffff : (uint16_t)sum);
}

static int
write_all(FILE *f, const void *p, size_t n)
{
	return fwrite(p, 1, n, f) == n ? 0 : -EIO;
}

/* The payload file, whole. */
static int
read_payload(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p = NULL, *np;
	size_t n = 0, cap = 0, got;
	int rc = 0;

	if (f == NULL)
		return -errno;
	for (;;) {
		if (n == cap) {
			cap = cap != 0 ? cap * 2 : 65536;
			np = realloc(p, cap);
			if (np == NULL) {
				rc = -ENOMEM;
				goto out;
			}
			p = np;
		}
		got = fread(p + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		rc = -EIO;
	else if (n == 0)
		rc = -ENODATA;
out:
	fclose(f);
	if (rc != 0) {
		free(p);
		return rc;
	}
	*buf = p;
	*len = n;
	return 0;
}

/* Protect and write every packet of the stream. */
static int
write_stream(FILE *out, struct vg_srtp_ctx *ctx, const struct opts *o,
		const uint8_t *payload, size_t payload_len)
{
	struct pcap_file_hdr fh = {
		.magic = 0xa1b2c3d4,
		.major = 2,
		.minor = 4,
		.snaplen = 65535,
		.linktype = PCAP_LINKTYPE_ETHERNET,
	};
	uint8_t frame[PKT_ROOM];
	uint8_t *rtp = frame + ETH_HDR_LEN + IP_HDR_LEN + UDP_HDR_LEN;
	uint32_t i, n = o->ms / PTIME_MS;
	uint64_t us;
	size_t pos = 0, k, udp_len;
	struct pcap_rec_hdr rh;
	unsigned int len;
	int rc;

	rc = write_all(out, &fh, sizeof(fh));
	for (i = 0; i < n && rc == 0; i++) {
		rtp[0] = 0x80; /* version 2, no padding, extension or CSRC */
		rtp[1] = (uint8_t)((i == 0 ? 0x80 : 0) | o->pt);
		put16(rtp + 2, (uint16_t)i);
		put32(rtp + 4, i * FRAME_BYTES);
		put32(rtp + 8, o->ssrc);
		for (k = 0; k < FRAME_BYTES; k++) {
			rtp[RTP_HDR_LEN + k] = payload[pos];
			pos = (pos + 1) % payload_len;
		}
		len = RTP_HDR_LEN + FRAME_BYTES;
		if (vg_srtp_protect_rtp(ctx, rtp, &len, (unsigned int)(
				PKT_ROOM - (size_t)(rtp - frame))) != 0)
			return -EPROTO;
		udp_len = UDP_HDR_LEN + (size_t)len;
		frame_headers(frame, udp_len, (uint16_t)(i + 1));

		us = (uint64_t)i * PTIME_MS * 1000u;
		rh.ts_sec = (uint32_t)(us / 1000000u);
		rh.ts_usec = (uint32_t)(us % 1000000u);
		rh.incl_len = rh.orig_len =
				(uint32_t)(ETH_HDR_LEN + IP_HDR_LEN + udp_len);
		rc = write_all(out, &rh, sizeof(rh));
		if (rc == 0)
			rc = write_all(out, frame, rh.incl_len);
	}
	return rc;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	uint32_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->suite = "AES_CM_128_HMAC_SHA1_80";
	o->ssrc = 0x5eed0001;
	o->ms = 3000;
	while ((c = getopt(argc, argv, "i:k:o:s:t:d:c:h")) != -1) {
		switch (c) {
		case 'i':
			o->payload = optarg;
			break;
		case 'k':
			o->key_b64 = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 's':
			if (parse_u32(optarg, UINT32_MAX, &o->ssrc) != 0)
				return -EINVAL;
			break;
		case 't':
			if (parse_u32(optarg, 127, &v) != 0)
				return -EINVAL;
			o->pt = (uint8_t)v;
			break;
		case 'd':
			if (parse_u32(optarg, MAX_MS, &o->ms) != 0 ||
					o->ms < PTIME_MS)
				return -EINVAL;
			break;
		case 'c':
			o->suite = optarg;
			break;
		default:
			return -EINVAL;
		}
	}
	if (optind != argc || o->payload == NULL || o->key_b64 == NULL ||
			o->out == NULL)
		return -EINVAL;
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	uint8_t key[KEY_LEN], *payload = NULL;
	size_t payload_len = 0;
	enum vg_srtp_suite suite = VG_SRTP_NONE;
	struct vg_srtp_ctx *ctx = NULL;
	FILE *out = NULL;
	int rc, status = 1;

	if (parse_opts(argc, argv, &o) != 0) {
		fputs(usage, stderr);
		return 1;
	}
	rc = key_parse(o.suite, o.key_b64, key, &suite);
	if (rc != 0) {
		fprintf(stderr, "gen-srtp-pcap: %s\n", rc == -ENOTSUP ?
				"-c: suite not supported" :
				"-k: not 30 bytes in base64 (40 characters)");
		return 1;
	}
	rc = read_payload(o.payload, &payload, &payload_len);
	if (rc != 0) {
		fprintf(stderr, "gen-srtp-pcap: %s: %s\n", o.payload,
				strerror(-rc));
		goto out;
	}
	rc = vg_srtp_ctx_create(suite, key, false, &ctx);
	if (rc != 0) {
		fprintf(stderr, "gen-srtp-pcap: SRTP context: %s\n",
				strerror(-rc));
		goto out;
	}
	out = fopen(o.out, "wb");
	if (out == NULL) {
		fprintf(stderr, "gen-srtp-pcap: %s: %s\n", o.out,
				strerror(errno));
		goto out;
	}
	rc = write_stream(out, ctx, &o, payload, payload_len);
	if (fclose(out) != 0 && rc == 0)
		rc = -EIO;
	if (rc != 0) {
		fprintf(stderr, "gen-srtp-pcap: %s: %s\n", o.out,
				rc == -EPROTO ? "SRTP protect failed"
					      : strerror(-rc));
		unlink(o.out);
		goto out;
	}
	status = 0;
out:
	vg_srtp_ctx_free(ctx);
	explicit_bzero(key, sizeof(key));
	free(payload);
	return status;
}

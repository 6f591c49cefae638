/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Call detail records: one JSON object per line, per call. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "b2bua_pvt.h"

int
vg_cdr_open(struct vg_b2bua *b2b)
{
	const char *path = b2b->cfg->log.cdr_file;

	if (path[0] == '\0')
		return 0;
	b2b->cdr = fopen(path, "a");
	if (b2b->cdr == NULL) {
		int rc = -errno;

		vg_sip_log(VG_LOG_ERROR, "cdr file %s: %s", path,
				strerror(-rc));
		return rc;
	}
	return 0;
}

void
vg_cdr_close(struct vg_b2bua *b2b)
{
	if (b2b->cdr != NULL)
		fclose(b2b->cdr);
	b2b->cdr = NULL;
}

/* A JSON string value (RFC 8259 §7): quotes, backslash and controls. */
static int
put_str(char *buf, size_t size, size_t *off, const char *key, const char *s)
{
	size_t o = *off;
	int n;

	n = snprintf(buf + o, size - o, "%s\"%s\":\"", o > 1 ? "," : "", key);
	if (n < 0 || (size_t)n >= size - o)
		return -ENOSPC;
	o += (size_t)n;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (size - o < 8)
			return -ENOSPC;
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20) {
			o += (size_t)snprintf(buf + o, size - o, "\\u%04x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	if (size - o < 2)
		return -ENOSPC;
	buf[o++] = '"';
	buf[o] = '\0';
	*off = o;
	return 0;
}

static int
put_raw(char *buf, size_t size, size_t *off, const char *key, const char *v)
{
	int n = snprintf(buf + *off, size - *off, ",\"%s\":%s", key, v);

	if (n < 0 || (size_t)n >= size - *off)
		return -ENOSPC;
	*off += (size_t)n;
	return 0;
}

/* The codec a leg settled on, "" when it never did */
static const char *
codec_name(const struct vg_call_side *side)
{
	return side->leg.codec >= 0 ? vg_cfg_codec_name(side->leg.codec) : "";
}

/* ISO 8601 UTC with milliseconds; "" for 0 */
static void
iso_time(uint64_t ms, char *buf, size_t size)
{
	struct tm tm;
	time_t t = (time_t)(ms / 1000);

	if (ms == 0 || gmtime_r(&t, &tm) == NULL) {
		buf[0] = '\0';
		return;
	}
	(void)snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ",
			tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			tm.tm_hour, tm.tm_min, tm.tm_sec,
			(unsigned)(ms % 1000));
}

int
vg_cdr_format(const struct vg_call *call, char *buf, size_t size)
{
	char start[64], answer[64], end[64], num[32];
	size_t off = 1;
	int rc = 0;

	if (size < 2)
		return -ENOSPC;
	buf[0] = '{';
	buf[1] = '\0';
	iso_time(call->start_ms, start, sizeof(start));
	iso_time(call->answer_ms, answer, sizeof(answer));
	iso_time(call->end_ms, end, sizeof(end));
	rc |= put_str(buf, size, &off, "call_id_a", call->callid_a);
	rc |= put_str(buf, size, &off, "call_id_b", call->callid_b);
	rc |= put_str(buf, size, &off, "from", call->from);
	rc |= put_str(buf, size, &off, "from_trunk", call->from_trunk);
	rc |= put_str(buf, size, &off, "to", call->to);
	rc |= put_str(buf, size, &off, "route", call->route);
	rc |= put_str(buf, size, &off, "start", start);
	rc |= put_str(buf, size, &off, "answer", answer);
	rc |= put_str(buf, size, &off, "end", end);
	/* billable time: answer to end */
	(void)snprintf(num, sizeof(num), "%.3f",
			call->answer_ms != 0 && call->end_ms >= call->answer_ms
					? (double)(call->end_ms -
							  call->answer_ms) /
							1000.0
					: 0.0);
	rc |= put_raw(buf, size, &off, "duration_s", num);
	rc |= put_str(buf, size, &off, "cause",
			vg_call_cause_name(call->cause));
	(void)snprintf(num, sizeof(num), "%u",
			call->a_code != 0 ? call->a_code
					  : (call->answered ? 200 : 0));
	rc |= put_raw(buf, size, &off, "status_a", num);
	(void)snprintf(num, sizeof(num), "%u", call->b_scode);
	rc |= put_raw(buf, size, &off, "status_b", num);
	rc |= put_str(buf, size, &off, "codecs_a", call->remote_a.codecs);
	rc |= put_str(buf, size, &off, "codecs_b", call->remote_b.codecs);
	/* what each leg spoke (no keys: they are secrets) */
	rc |= put_str(buf, size, &off, "codec_a", codec_name(&call->side[0]));
	rc |= put_str(buf, size, &off, "codec_b", codec_name(&call->side[1]));
	rc |= put_raw(buf, size, &off, "srtp_a",
			call->side[0].srtp ? "true" : "false");
	rc |= put_raw(buf, size, &off, "srtp_b",
			call->side[1].srtp ? "true" : "false");
	rc |= put_raw(buf, size, &off, "transcoded",
			vg_call_transcoding(call) ? "true" : "false");
	/* per-leg counters of the data plane; null without a session */
	if (call->leg_media[0].valid || call->leg_media[1].valid) {
		char media[320];
		const struct vg_leg_media *a = &call->leg_media[0],
					  *b = &call->leg_media[1];

		(void)snprintf(media, sizeof(media),
				"{\"a\":{\"rx_pkts\":%llu,\"fwd_pkts\":%llu,"
				"\"lost\":%d,\"jitter_ms\":%u},"
				"\"b\":{\"rx_pkts\":%llu,\"fwd_pkts\":%llu,"
				"\"lost\":%d,\"jitter_ms\":%u}}",
				(unsigned long long)a->rx_pkts,
				(unsigned long long)a->fwd_pkts, a->lost,
				a->jitter_ms, (unsigned long long)b->rx_pkts,
				(unsigned long long)b->fwd_pkts, b->lost,
				b->jitter_ms);
		rc |= put_raw(buf, size, &off, "media", media);
	} else {
		rc |= put_raw(buf, size, &off, "media", "null");
	}
	if (rc != 0 || size - off < 2)
		return -ENOSPC;
	buf[off++] = '}';
	buf[off] = '\0';
	return (int)off;
}

void
vg_cdr_write(struct vg_b2bua *b2b, const struct vg_call *call)
{
	char line[2048];
	int n;

	if (b2b->cdr == NULL)
		return;
	n = vg_cdr_format(call, line, sizeof(line));
	if (n < 0) {
		vg_sip_log(VG_LOG_WARNING, "call %llu: CDR too long",
				(unsigned long long)call->id);
		return;
	}
	if (fprintf(b2b->cdr, "%s\n", line) < 0 || fflush(b2b->cdr) != 0)
		vg_sip_log(VG_LOG_ERROR, "cdr file: %s", strerror(errno));
}

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * toml-decode: TOML on stdin to the toml-test tagged JSON on stdout, for
 * conformance testing. Exit 0 on success, 1 on invalid TOML, 2 on I/O or
 * memory failure.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vg_toml.h"
/*
 * Keys may hold NULs, which the public accessor truncates; the entry's
 * stored length is needed to print them exactly.
 */
#include "toml_pvt.h"

static int
read_all(FILE *f, char **textp, size_t *lenp)
{
	size_t cap = 65536, len = 0, n;
	char *text = malloc(cap), *nt;

	if (text == NULL)
		return -ENOMEM;
	while ((n = fread(text + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			cap *= 2;
			nt = realloc(text, cap);
			if (nt == NULL) {
				free(text);
				return -ENOMEM;
			}
			text = nt;
		}
	}
	if (ferror(f)) {
		free(text);
		return -EIO;
	}
	*textp = text;
	*lenp = len;
	return 0;
}

static void
put_json_string(FILE *out, const char *s, size_t len)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\b':
			fputs("\\b", out);
			break;
		case '\f':
			fputs("\\f", out);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(out, "\\u%04x", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

/* Shortest %.Ng that reads back as the same double. */
static void
format_float(double f, char *buf, size_t size)
{
	int prec;

	if (isnan(f)) {
		snprintf(buf, size, "nan");
		return;
	}
	if (isinf(f)) {
		snprintf(buf, size, f < 0 ? "-inf" : "inf");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, f);
		if (strtod(buf, NULL) == f)
			return;
	}
}

static void
format_datetime(enum vg_toml_type type, const struct vg_toml_datetime *dt,
		char *buf, size_t size)
{
	size_t o = 0;

	if (type != VG_TOML_TIME_LOCAL)
		o += (size_t)snprintf(buf + o, size - o, "%04d-%02u-%02u",
			dt->year, dt->month, dt->day);
	if (type == VG_TOML_DATE_LOCAL)
		return;
	if (type != VG_TOML_TIME_LOCAL)
		buf[o++] = 'T';
	o += (size_t)snprintf(buf + o, size - o, "%02u:%02u:%02u",
		dt->hour, dt->minute, dt->second);
	if (dt->frac_digits > 0) {
		uint32_t frac = dt->nanosecond;
		int i;

		for (i = dt->frac_digits; i < 9; i++)
			frac /= 10;
		o += (size_t)snprintf(buf + o, size - o, ".%0*" PRIu32,
			dt->frac_digits, frac);
	}
	if (type != VG_TOML_DATETIME)
		return;
	if (dt->offset_minutes == 0) {
		snprintf(buf + o, size - o, "Z");
	} else {
		int off = dt->offset_minutes < 0 ? -dt->offset_minutes :
			dt->offset_minutes;

		snprintf(buf + o, size - o, "%c%02d:%02d",
			dt->offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
	}
}

static void
put_tagged(FILE *out, const char *type, const char *value, size_t len)
{
	fprintf(out, "{\"type\":\"%s\",\"value\":", type);
	put_json_string(out, value, len);
	fputc('}', out);
}

static void
put_value(FILE *out, const struct vg_toml_value *v)
{
	struct vg_toml_datetime dt;
	const char *s;
	char buf[64];
	size_t i, len;
	int64_t n;
	double f;
	bool b;

	switch (vg_toml_type(v)) {
	case VG_TOML_TABLE:
		fputc('{', out);
		for (i = 0; i < vg_toml_table_len(v); i++) {
			if (i > 0)
				fputc(',', out);
			put_json_string(out, v->u.tab.ents[i].key,
				v->u.tab.ents[i].keylen);
			fputc(':', out);
			put_value(out, vg_toml_table_value(v, i));
		}
		fputc('}', out);
		break;
	case VG_TOML_ARRAY:
		fputc('[', out);
		for (i = 0; i < vg_toml_array_len(v); i++) {
			if (i > 0)
				fputc(',', out);
			put_value(out, vg_toml_array_at(v, i));
		}
		fputc(']', out);
		break;
	case VG_TOML_STRING:
		vg_toml_string(v, &s, &len);
		put_tagged(out, "string", s, len);
		break;
	case VG_TOML_INTEGER:
		vg_toml_int(v, &n);
		snprintf(buf, sizeof(buf), "%" PRId64, n);
		put_tagged(out, "integer", buf, strlen(buf));
		break;
	case VG_TOML_FLOAT:
		vg_toml_float(v, &f);
		format_float(f, buf, sizeof(buf));
		put_tagged(out, "float", buf, strlen(buf));
		break;
	case VG_TOML_BOOL:
		vg_toml_bool(v, &b);
		put_tagged(out, "bool", b ? "true" : "false", b ? 4 : 5);
		break;
	case VG_TOML_DATETIME:
	case VG_TOML_DATETIME_LOCAL:
	case VG_TOML_DATE_LOCAL:
	case VG_TOML_TIME_LOCAL:
		vg_toml_datetime(v, &dt);
		format_datetime(vg_toml_type(v), &dt, buf, sizeof(buf));
		put_tagged(out,
			vg_toml_type(v) == VG_TOML_DATETIME ? "datetime" :
			vg_toml_type(v) == VG_TOML_DATETIME_LOCAL ?
				"datetime-local" :
			vg_toml_type(v) == VG_TOML_DATE_LOCAL ? "date-local" :
				"time-local", buf, strlen(buf));
		break;
	}
}

int
main(void)
{
	struct vg_toml_doc *doc = NULL;
	struct vg_toml_error err;
	char *text = NULL;
	size_t len;
	int rc, status = 2;

	rc = read_all(stdin, &text, &len);
	if (rc < 0) {
		fprintf(stderr, "<stdin>: %s\n", strerror(-rc));
		goto out;
	}
	rc = vg_toml_parse(text, len, &doc, &err);
	if (rc == -EINVAL) {
		fprintf(stderr, "<stdin>:%u:%u: %s\n", err.pos.line,
			err.pos.col, err.msg);
		status = 1;
		goto out;
	}
	if (rc < 0) {
		fprintf(stderr, "<stdin>: %s\n", strerror(-rc));
		goto out;
	}
	put_value(stdout, vg_toml_root(doc));
	fputc('\n', stdout);
	status = fflush(stdout) == 0 ? 0 : 2;
out:
	vg_toml_free(doc);
	free(text);
	return status;
}

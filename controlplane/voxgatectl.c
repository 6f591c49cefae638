/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file voxgatectl, the operator's CLI: the data plane's state read as a
 * DPDK secondary process of voxgate-dp (vg_dpapi.h, ethdev), the control
 * plane's asked over voxgate-cp's control socket (vg_ctl.h). Aligned
 * tables for a person, one JSON document with --json.
 *
 * Exit status: 0 ok, 1 usage or configuration error (or no such session),
 * 2 voxgate-cp unreachable or refused the command, 3 voxgate-dp
 * unreachable.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>

#include "vg_config.h"
#include "vg_ctl.h"
#include "vg_dpapi.h"
#include "vg_hw.h"

#define EXIT_USAGE 1
#define EXIT_CP 2
#define EXIT_DP 3

/* Bounds of the exchanges with the two processes. */
#define CP_TIMEOUT_MS 10000
#define DP_TIMEOUT_US 1000000
/* Window over which status measures rates and busy shares. */
#define RATE_WINDOW_MS 200
/* Starts of voxgatectl when EAL cannot map the primary's memory. */
#define EAL_TRIES 5
/* JSON nesting voxgatectl accepts from voxgate-cp. */
#define JSON_MAX_DEPTH 64

/* ---- a small JSON document model --------------------------------------- */

enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

/** A JSON value; members of arrays and objects are a linked list. */
struct jv {
	enum jv_type type;
	bool b;		 /**< JV_BOOL */
	bool broken;	 /**< a member could not be added (memory) */
	double num;	 /**< JV_NUM */
	char *str;	 /**< JV_STR: the text; JV_NUM: as written */
	char *key;	 /**< member of an object: its name */
	struct jv *head; /**< JV_ARR, JV_OBJ: first member */
	struct jv *tail;
	struct jv *next; /**< next member of the parent */
};

static void
jv_free(struct jv *v)
{
	while (v != NULL) {
		struct jv *next = v->next;

		jv_free(v->head);
		free(v->str);
		free(v->key);
		free(v);
		v = next;
	}
}

static struct jv *
jv_new(enum jv_type type)
{
	struct jv *v = calloc(1, sizeof(*v));

	if (v != NULL)
		v->type = type;
	return v;
}

/* Append child (named key inside an object). On failure child is freed
 * and the parent marked broken, which jv_write() reports. */
static struct jv *
jv_add(struct jv *parent, const char *key, struct jv *child)
{
	if (parent == NULL) {
		jv_free(child);
		return NULL;
	}
	if (child == NULL ||
			(key != NULL && (child->key = strdup(key)) == NULL)) {
		jv_free(child);
		parent->broken = true;
		return NULL;
	}
	if (parent->tail != NULL)
		parent->tail->next = child;
	else
		parent->head = child;
	parent->tail = child;
	return child;
}

static struct jv *
jv_numtext(const char *text, double num)
{
	struct jv *v = jv_new(JV_NUM);

	if (v != NULL && (v->str = strdup(text)) == NULL) {
		free(v);
		return NULL;
	}
	if (v != NULL)
		v->num = num;
	return v;
}

static struct jv *
jv_u64(uint64_t u)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, u);
	return jv_numtext(buf, (double)u);
}

static struct jv *
jv_i64(int64_t i)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, i);
	return jv_numtext(buf, (double)i);
}

static struct jv *
jv_dbl(double d, int decimals)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "%.*f", decimals, d);
	return jv_numtext(buf, d);
}

static struct jv *
jv_string(const char *s)
{
	struct jv *v = jv_new(JV_STR);

	if (v != NULL && (v->str = strdup(s)) == NULL) {
		free(v);
		return NULL;
	}
	return v;
}

static struct jv *
jv_bool(bool b)
{
	struct jv *v = jv_new(JV_BOOL);

	if (v != NULL)
		v->b = b;
	return v;
}

static const struct jv *
jv_get(const struct jv *obj, const char *key)
{
	const struct jv *m;

	if (obj == NULL || obj->type != JV_OBJ)
		return NULL;
	for (m = obj->head; m != NULL; m = m->next)
		if (strcmp(m->key, key) == 0)
			return m;
	return NULL;
}

static const char *
jv_gets(const struct jv *obj, const char *key)
{
	const struct jv *v = jv_get(obj, key);

	return v != NULL && v->type == JV_STR ? v->str : NULL;
}

static bool
jv_getnum(const struct jv *obj, const char *key, double *num)
{
	const struct jv *v = jv_get(obj, key);

	if (v == NULL || v->type != JV_NUM)
		return false;
	*num = v->num;
	return true;
}

static bool
jv_ok(const struct jv *v)
{
	const struct jv *m;

	if (v->broken)
		return false;
	for (m = v->head; m != NULL; m = m->next)
		if (!jv_ok(m))
			return false;
	return true;
}

static void
jv_put(FILE *f, const struct jv *v)
{
	const struct jv *m;

	switch (v->type) {
	case JV_NULL:
		fputs("null", f);
		break;
	case JV_BOOL:
		fputs(v->b ? "true" : "false", f);
		break;
	case JV_NUM:
		fputs(v->str, f);
		break;
	case JV_STR:
		vg_ctl_json_fputs(f, v->str);
		break;
	case JV_ARR:
	case JV_OBJ:
		fputc(v->type == JV_ARR ? '[' : '{', f);
		for (m = v->head; m != NULL; m = m->next) {
			if (m != v->head)
				fputc(',', f);
			if (v->type == JV_OBJ) {
				vg_ctl_json_fputs(f, m->key);
				fputc(':', f);
			}
			jv_put(f, m);
		}
		fputc(v->type == JV_ARR ? ']' : '}', f);
		break;
	}
}

/* Write a document; -ENOMEM when building it ran out of memory. */
static int
jv_write(FILE *f, const struct jv *v)
{
	if (v == NULL || !jv_ok(v))
		return -ENOMEM;
	jv_put(f, v);
	return 0;
}

/* A scalar as table text; containers as compact JSON. */
static const char *
jv_text(const struct jv *v, char *buf, size_t size)
{
	FILE *f;

	if (v == NULL || v->type == JV_NULL)
		return "-";
	switch (v->type) {
	case JV_BOOL:
		return v->b ? "true" : "false";
	case JV_NUM:
		return v->str;
	case JV_STR:
		return v->str[0] != '\0' ? v->str : "-";
	default:
		f = fmemopen(buf, size, "w");
		if (f == NULL)
			return "?";
		jv_put(f, v);
		fclose(f);
		buf[size - 1] = '\0';
		return buf;
	}
}

/* The parser: strict RFC 8259, bounded depth, an error with its place. */
struct jp {
	const char *start, *p, *end;
	unsigned int depth;
	const char *err; /**< first error; static text */
};

static struct jv *jp_value(struct jp *j);

static struct jv *
jp_fail(struct jp *j, const char *msg)
{
	if (j->err == NULL)
		j->err = msg;
	return NULL;
}

static void
jp_ws(struct jp *j)
{
	while (j->p < j->end &&
			(*j->p == ' ' || *j->p == '\t' || *j->p == '\n' ||
					*j->p == '\r'))
		j->p++;
}

static bool
jp_hex4(struct jp *j, unsigned int *u)
{
	unsigned int i;

	*u = 0;
	if (j->end - j->p < 4)
		return false;
	for (i = 0; i < 4; i++) {
		char ch = *j->p++;

		*u <<= 4;
		if (ch >= '0' && ch <= '9')
			*u |= (unsigned int)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			*u |= (unsigned int)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			*u |= (unsigned int)(ch - 'A' + 10);
		else
			return false;
	}
	return true;
}

static size_t
utf8_put(char *out, unsigned int u)
{
	if (u < 0x80) {
		out[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		out[0] = (char)(0xc0 | u >> 6);
		out[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		out[0] = (char)(0xe0 | u >> 12);
		out[1] = (char)(0x80 | (u >> 6 & 0x3f));
		out[2] = (char)(0x80 | (u & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | u >> 18);
	out[1] = (char)(0x80 | (u >> 12 & 0x3f));
	out[2] = (char)(0x80 | (u >> 6 & 0x3f));
	out[3] = (char)(0x80 | (u & 0x3f));
	return 4;
}

/* \uXXXX, with the second half of a surrogate pair when there is one. */
static bool
jp_unicode(struct jp *j, unsigned int *u)
{
	unsigned int lo;

	if (!jp_hex4(j, u))
		return false;
	if (*u >= 0xdc00 && *u <= 0xdfff)
		return false;
	if (*u >= 0xd800 && *u <= 0xdbff) {
		if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
			return false;
		j->p += 2;
		if (!jp_hex4(j, &lo) || lo < 0xdc00 || lo > 0xdfff)
			return false;
		*u = 0x10000 + ((*u - 0xd800) << 10) + (lo - 0xdc00);
	}
	/* a NUL would cut the C string */
	if (*u == 0)
		*u = 0xfffd;
	return true;
}

static char *
jp_string(struct jp *j)
{
	size_t cap = 32, n = 0;
	char *out = malloc(cap), *grown;
	unsigned int u;

	if (out == NULL)
		return (char *)jp_fail(j, "out of memory");
	j->p++; /* the opening quote */
	for (;;) {
		unsigned char ch;

		if (n + 5 > cap) {
			grown = realloc(out, cap * 2);
			if (grown == NULL) {
				jp_fail(j, "out of memory");
				break;
			}
			out = grown;
			cap *= 2;
		}
		if (j->p >= j->end) {
			jp_fail(j, "unterminated string");
			break;
		}
		ch = (unsigned char)*j->p++;
		if (ch == '"') {
			out[n] = '\0';
			return out;
		}
		if (ch < 0x20) {
			jp_fail(j, "control character inside a string");
			break;
		}
		if (ch != '\\') {
			out[n++] = (char)ch;
			continue;
		}
		if (j->p >= j->end) {
			jp_fail(j, "unterminated string");
			break;
		}
		switch (*j->p++) {
		case '"':
			out[n++] = '"';
			continue;
		case '\\':
			out[n++] = '\\';
			continue;
		case '/':
			out[n++] = '/';
			continue;
		case 'b':
			out[n++] = '\b';
			continue;
		case 'f':
			out[n++] = '\f';
			continue;
		case 'n':
			out[n++] = '\n';
			continue;
		case 'r':
			out[n++] = '\r';
			continue;
		case 't':
			out[n++] = '\t';
			continue;
		case 'u':
			if (jp_unicode(j, &u)) {
				n += utf8_put(out + n, u);
				continue;
			}
			jp_fail(j, "bad \\u escape");
			break;
		default:
			jp_fail(j, "bad escape in a string");
			break;
		}
		break;
	}
	free(out);
	return NULL;
}

static bool
jp_digits(struct jp *j)
{
	const char *p0 = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > p0;
}

static struct jv *
jp_number(struct jp *j)
{
	const char *p0 = j->p;
	struct jv *v;
	char buf[64];
	size_t n;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (j->p >= j->end || *j->p < '1' || *j->p > '9' || !jp_digits(j))
		return jp_fail(j, "bad number");
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (!jp_digits(j))
			return jp_fail(j, "bad number");
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!jp_digits(j))
			return jp_fail(j, "bad number");
	}
	n = (size_t)(j->p - p0);
	if (n >= sizeof(buf))
		return jp_fail(j, "number too long");
	memcpy(buf, p0, n);
	buf[n] = '\0';
	v = jv_numtext(buf, strtod(buf, NULL));
	return v != NULL ? v : jp_fail(j, "out of memory");
}

static struct jv *
jp_literal(struct jp *j, const char *word, enum jv_type type, bool b)
{
	size_t n = strlen(word);
	struct jv *v;

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
		return jp_fail(j, "unexpected character");
	j->p += n;
	v = jv_new(type);
	if (v == NULL)
		return jp_fail(j, "out of memory");
	v->b = b;
	return v;
}

/* An array or an object: members separated by ',' up to close. */
static struct jv *
jp_container(struct jp *j, enum jv_type type, char close)
{
	struct jv *c, *m;
	char *key = NULL;

	if (++j->depth > JSON_MAX_DEPTH)
		return jp_fail(j, "nested too deeply");
	c = jv_new(type);
	if (c == NULL)
		return jp_fail(j, "out of memory");
	j->p++; /* the opening bracket */
	jp_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return c;
	}
	for (;;) {
		jp_ws(j);
		if (type == JV_OBJ) {
			if (j->p >= j->end || *j->p != '"') {
				jp_fail(j, "expected a member name");
				break;
			}
			key = jp_string(j);
			if (key == NULL)
				break;
			jp_ws(j);
			if (j->p >= j->end || *j->p != ':') {
				jp_fail(j, "expected ':'");
				break;
			}
			j->p++;
		}
		m = jp_value(j);
		if (m == NULL)
			break;
		m->key = key;
		key = NULL;
		jv_add(c, NULL, m);
		jp_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			j->depth--;
			return c;
		}
		jp_fail(j,
				type == JV_OBJ ? "expected ',' or '}'"
					       : "expected ',' or ']'");
		break;
	}
	free(key);
	jv_free(c);
	return NULL;
}

static struct jv *
jp_value(struct jp *j)
{
	jp_ws(j);
	if (j->p >= j->end)
		return jp_fail(j, "unexpected end");
	switch (*j->p) {
	case '{':
		return jp_container(j, JV_OBJ, '}');
	case '[':
		return jp_container(j, JV_ARR, ']');
	case '"': {
		struct jv *v;
		char *s = jp_string(j);

		if (s == NULL)
			return NULL;
		v = jv_new(JV_STR);
		if (v == NULL) {
			free(s);
			return jp_fail(j, "out of memory");
		}
		v->str = s;
		return v;
	}
	case 't':
		return jp_literal(j, "true", JV_BOOL, true);
	case 'f':
		return jp_literal(j, "false", JV_BOOL, false);
	case 'n':
		return jp_literal(j, "null", JV_NULL, false);
	default:
		return jp_number(j);
	}
}

/* Parse a whole document; NULL with err filled when it is not JSON. */
static struct jv *
jv_parse(const char *text, size_t len, char *err, size_t err_size)
{
	struct jp j = {text, text, text + len, 0, NULL};
	struct jv *v;

	if (memchr(text, '\0', len) != NULL) {
		snprintf(err, err_size, "NUL byte in the text");
		return NULL;
	}
	v = jp_value(&j);
	if (v != NULL) {
		jp_ws(&j);
		if (j.p < j.end) {
			jp_fail(&j, "text after the document");
			jv_free(v);
			v = NULL;
		}
	}
	if (v == NULL)
		snprintf(err, err_size, "%s at byte %zu", j.err,
				(size_t)(j.p - j.start));
	return v;
}

/* ---- aligned tables ---------------------------------------------------- */

/** Rows of cells, printed with every column as wide as its widest cell. */
struct table {
	unsigned int ncols;
	unsigned int right; /**< bit i: column i aligned right (numbers) */
	char **cell;	    /**< row-major */
	size_t n, cap;
	bool oom;
};

static void
table_init(struct table *t, unsigned int ncols, unsigned int right)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->right = right;
}

static void table_add(struct table *t, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));

/* Append a cell; rows fill up left to right. */
static void
table_add(struct table *t, const char *fmt, ...)
{
	char **grown, *s = NULL;
	va_list ap;

	if (t->n == t->cap) {
		size_t cap = t->cap != 0 ? t->cap * 2 : 64;

		grown = realloc(t->cell, cap * sizeof(*t->cell));
		if (grown == NULL) {
			t->oom = true;
			return;
		}
		t->cell = grown;
		t->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s == NULL)
		t->oom = true;
	t->cell[t->n++] = s;
}

/* Characters, not bytes, so UTF-8 names keep the columns straight. */
static size_t
text_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static int
table_print(const struct table *t, FILE *f, const char *indent)
{
	size_t width[16] = {0}, i;
	unsigned int c;

	if (t->oom || t->ncols > 16)
		return -ENOMEM;
	for (i = 0; i < t->n; i++) {
		size_t w = text_width(t->cell[i]);

		if (w > width[i % t->ncols])
			width[i % t->ncols] = w;
	}
	for (i = 0; i < t->n; i += t->ncols) {
		fputs(indent, f);
		for (c = 0; c < t->ncols && i + c < t->n; c++) {
			const char *s = t->cell[i + c];
			int pad = (int)(width[c] - text_width(s));
			bool last = c + 1 == t->ncols;

			if (t->right & (1u << c))
				fprintf(f, "%*s%s", pad, "", s);
			else
				fprintf(f, "%s%*s", s, last ? 0 : pad, "");
			if (!last)
				fputs("  ", f);
		}
		fputc('\n', f);
	}
	return 0;
}

static void
table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->cell[i]);
	free(t->cell);
	memset(t, 0, sizeof(*t));
}

/* ---- the program's state ----------------------------------------------- */

struct ctl {
	char **argv; /**< main()'s, to start again (EAL) */
	struct vg_cli cli;
	struct vg_config cfg;
	bool cfg_loaded;
	bool json;
	const char *arg;	    /**< the command's argument, or NULL */
	char sock[128];		    /**< voxgate-cp's control socket */
	bool eal_up;		    /**< rte_eal_init() succeeded */
	struct vg_dpapi_client *dp; /**< attached data plane, or NULL */
	char dp_err[512];	    /**< why dp is NULL */
};

static uint64_t
now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void
fmt_duration(char *buf, size_t size, uint64_t s)
{
	if (s >= 86400)
		snprintf(buf, size,
				"%" PRIu64 "d %02" PRIu64 ":%02" PRIu64
				":%02" PRIu64,
				s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
	else
		snprintf(buf, size, "%" PRIu64 ":%02" PRIu64 ":%02" PRIu64,
				s / 3600, s / 60 % 60, s % 60);
}

static void
fmt_ipport(char *buf, size_t size, uint32_t ip_be, uint16_t port)
{
	char a[INET_ADDRSTRLEN];
	struct in_addr in = {ip_be};

	if (ip_be == 0) {
		snprintf(buf, size, "-");
		return;
	}
	inet_ntop(AF_INET, &in, a, sizeof(a));
	snprintf(buf, size, "%s:%u", a, port);
}

/* ---- data plane -------------------------------------------------------- */

/* The EAL's runtime directory of a file prefix (eal_get_runtime_dir()),
 * whose "config" file the primary keeps locked while it runs. */
static void
eal_config_path(const char *prefix, char *buf, size_t size)
{
	const char *base = "/var/run";

	if (getuid() != 0) {
		base = getenv("XDG_RUNTIME_DIR");
		if (base == NULL)
			base = "/tmp";
	}
	snprintf(buf, size, "%s/dpdk/%s/config", base, prefix);
}

/*
 * rte_eal_init() as a secondary. A secondary must map the primary's
 * memory at the primary's addresses; when its own libraries already sit
 * there (random layouts, likelier under ASan) EAL fails with ENOMEM, and
 * EAL cannot start twice in one process: run voxgatectl again, with a new
 * layout, a few times. EAL's messages are held back until it is clear
 * they matter, and never reach stdout (--json).
 */
static int
eal_init(struct ctl *c, struct vg_hw_eal_args *eal)
{
	const char *tries_env = getenv("VOXGATECTL_EAL_TRY");
	int tries = tries_env != NULL ? atoi(tries_env) : 0;
	char *log = NULL, num[16];
	size_t log_len = 0;
	FILE *f;
	int rc, err;

	f = open_memstream(&log, &log_len);
	if (f != NULL)
		rte_openlog_stream(f);
	rc = rte_eal_init(eal->argc, eal->argv);
	err = rte_errno;
	rte_openlog_stream(stderr);
	if (f != NULL)
		fclose(f);
	if (rc < 0 && err == ENOMEM && tries < EAL_TRIES - 1 &&
			c->argv != NULL) {
		snprintf(num, sizeof(num), "%d", tries + 1);
		setenv("VOXGATECTL_EAL_TRY", num, 1);
		fflush(NULL);
		execv("/proc/self/exe", c->argv);
		/* no exec: report this attempt's failure */
	}
	unsetenv("VOXGATECTL_EAL_TRY");
	if (rc < 0) {
		if (log != NULL)
			fputs(log, stderr);
		snprintf(c->dp_err, sizeof(c->dp_err),
				"cannot attach to voxgate-dp (file prefix %s) "
				"as a DPDK secondary: %s",
				c->cfg.eal.file_prefix, rte_strerror(err));
	}
	free(log);
	return rc < 0 ? -err : 0;
}

/* Attach to voxgate-dp as a DPDK secondary. 0, or EXIT_DP with c->dp_err
 * saying why. Once per process (EAL starts once). */
static int
dp_open(struct ctl *c)
{
	/* errors only; after them, what the operator gave after "--" */
	char *quiet[] = {"--log-level=error", "--no-telemetry"};
	char *extra[2 + VG_HW_MAX_ARGS];
	const char *prefix = c->cfg.eal.file_prefix;
	struct vg_hw_eal_args eal;
	char path[512], msg[256];
	struct stat st;
	int i, n = 0;

	if (c->dp != NULL)
		return 0;
	if (c->eal_up || c->dp_err[0] != '\0')
		return EXIT_DP;
	if (!c->cfg.eal.huge) {
		snprintf(c->dp_err, sizeof(c->dp_err),
				"voxgate-dp runs without hugepages ([eal] huge "
				"= false): no other process can attach to it");
		return EXIT_DP;
	}
	/* Without a live primary rte_eal_init() fails with EAL's own
	 * words, or waits: say it plainly instead. */
	eal_config_path(prefix, path, sizeof(path));
	if (stat(path, &st) != 0 || rte_eal_primary_proc_alive(path) == 0) {
		snprintf(c->dp_err, sizeof(c->dp_err),
				"voxgate-dp is not running (file prefix %s)",
				prefix);
		return EXIT_DP;
	}
	for (i = 0; i < 2; i++)
		extra[n++] = quiet[i];
	for (i = 0; i < c->cli.n_rest && n < (int)RTE_DIM(extra); i++)
		extra[n++] = c->cli.rest[i];
	if (vg_hw_eal_args_build(&c->cfg, VG_HW_SECONDARY, "voxgatectl", n,
			    extra, &eal, msg, sizeof(msg)) != 0) {
		snprintf(c->dp_err, sizeof(c->dp_err), "%s", msg);
		return EXIT_DP;
	}
	if (eal_init(c, &eal) != 0)
		return EXIT_DP;
	c->eal_up = true;
	c->dp = vg_dpapi_attach(prefix, msg, sizeof(msg));
	if (c->dp == NULL) {
		snprintf(c->dp_err, sizeof(c->dp_err), "%s", msg);
		return EXIT_DP;
	}
	return 0;
}

static void
dp_close(struct ctl *c)
{
	vg_dpapi_detach(c->dp);
	c->dp = NULL;
	if (c->eal_up)
		rte_eal_cleanup();
	c->eal_up = false;
}

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/*
 * The command through voxgate-cp ("dpread"), which holds the data plane's
 * one command channel. @return 0 with *reply; 1 when voxgate-cp does not
 * run or has no data plane (then nobody else sends commands: ask
 * directly); a negative errno otherwise
 */
static int
dp_request_via_cp(struct ctl *c, uint32_t type, uint32_t sess_id,
		struct vg_dpapi_reply *reply)
{
	char line[64], *text = NULL, perr[128];
	const char *hex;
	struct jv *doc;
	size_t len, i;
	int rc;

	snprintf(line, sizeof(line), "dpread %u %u", type, sess_id);
	rc = vg_ctl_request(c->sock, line, CP_TIMEOUT_MS, &text, &len);
	if (rc == -ENOENT || rc == -ECONNREFUSED)
		return 1;
	if (rc != 0)
		return rc;
	doc = jv_parse(text, len, perr, sizeof(perr));
	free(text);
	if (doc == NULL)
		return -EPROTO;
	hex = jv_gets(doc, "reply");
	if (hex == NULL) {
		/* an error: voxgate-cp's link is not up, it sends nothing */
		jv_free(doc);
		return 1;
	}
	rc = strlen(hex) == 2 * sizeof(*reply) ? 0 : -EPROTO;
	for (i = 0; rc == 0 && i < sizeof(*reply); i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			rc = -EPROTO;
		else
			((uint8_t *)reply)[i] = (uint8_t)(hi << 4 | lo);
	}
	jv_free(doc);
	return rc;
}

/*
 * One read-only command to voxgate-dp (LIST, QUERY). The contract has one
 * command sender, voxgate-cp (replies are not addressed to a process):
 * while voxgate-cp runs with its data plane attached the command goes
 * through its control socket; only without it does voxgatectl use the
 * command ring itself. Everything else reads shared counters.
 */
static int
dp_request(struct ctl *c, uint32_t type, uint32_t sess_id,
		struct vg_dpapi_reply *reply)
{
	struct vg_dpapi_cmd cmd;
	int rc;

	rc = dp_request_via_cp(c, type, sess_id, reply);
	if (rc <= 0) {
		if (rc != 0)
			snprintf(c->dp_err, sizeof(c->dp_err),
					"voxgate-cp did not pass a command on "
					"to voxgate-dp: %s",
					strerror(-rc));
		return rc;
	}
	memset(&cmd, 0, sizeof(cmd));
	cmd.type = type;
	cmd.sess_id = sess_id;
	rc = vg_dpapi_request(c->dp, &cmd, reply, DP_TIMEOUT_US);
	if (rc == -ESTALE)
		snprintf(c->dp_err, sizeof(c->dp_err),
				"voxgate-dp stopped or restarted while "
				"voxgatectl was reading it");
	else if (rc != 0)
		snprintf(c->dp_err, sizeof(c->dp_err),
				"voxgate-dp did not answer a command: %s",
				strerror(-rc));
	return rc;
}

/* Calls fn for every session id, in order; stops at fn's non-zero. */
static int
dp_each_session(struct ctl *c, int (*fn)(struct ctl *, uint32_t, void *),
		void *arg)
{
	struct vg_dpapi_reply r;
	uint32_t from = 0, i;
	int rc;

	for (;;) {
		rc = dp_request(c, VG_CMD_SESS_LIST, from, &r);
		if (rc != 0)
			return rc;
		for (i = 0; i < r.u.list.n && i < VG_DPAPI_LIST_MAX; i++) {
			rc = fn(c, r.u.list.ids[i], arg);
			if (rc != 0)
				return rc;
		}
		/* the next id only grows; anything else would loop */
		if (r.u.list.next == UINT32_MAX || r.u.list.next <= from)
			return 0;
		from = r.u.list.next;
	}
}

static int
count_one(struct ctl *c, uint32_t id, void *arg)
{
	(void)c;
	(void)id;
	++*(uint64_t *)arg;
	return 0;
}

static uint64_t
ld64(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static uint32_t
ld32(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static const char *
dp_state_name(uint32_t state)
{
	switch (state) {
	case VG_DPAPI_STATE_INIT:
		return "starting";
	case VG_DPAPI_STATE_RUNNING:
		return "running";
	case VG_DPAPI_STATE_STOPPED:
		return "stopping";
	default:
		return "?";
	}
}

/* ---- status ------------------------------------------------------------ */

struct port_view {
	const struct vg_cfg_port *cfg;
	bool found; /**< visible from this process */
	uint16_t port_id;
	struct rte_eth_link link;
	bool stats; /**< s0 and s1 read */
	struct rte_eth_stats s0, s1;
};

struct lcore_view {
	int lcore; /**< -1 when the config has no such slot */
	const char *role;
	uint64_t busy0, idle0, busy1, idle1;
	uint64_t rx_pkts, tx_pkts;
};

struct status_view {
	/* data plane */
	uint32_t state;
	uint64_t generation, start_ns, uptime_s, sessions;
	bool sessions_known;
	uint32_t max_sessions;
	struct lcore_view lcores[1 + VG_CFG_MAX_LCORES];
	uint32_t n_lcores;
	struct port_view ports[VG_HW_MAX_PORTS];
	uint16_t n_ports;
	double window_s;
	/* control plane */
	int cp_rc; /**< 0: answered ping */
	int64_t cp_pid;
	char cp_err[256];
};

static void
lcores_sample(struct ctl *c, struct status_view *v, bool second)
{
	uint32_t i;

	for (i = 0; i < v->n_lcores; i++) {
		const struct vg_dpapi_lcore_counters *lc =
				vg_dpapi_lcore_counters(c->dp, i);
		struct lcore_view *l = &v->lcores[i];

		if (lc == NULL)
			continue;
		*(second ? &l->busy1 : &l->busy0) = ld64(&lc->busy_tsc);
		*(second ? &l->idle1 : &l->idle0) = ld64(&lc->idle_tsc);
		l->rx_pkts = ld64(&lc->rx_pkts);
		l->tx_pkts = ld64(&lc->tx_pkts);
	}
}

static void
ports_sample(struct status_view *v, bool second)
{
	uint16_t i;

	for (i = 0; i < v->n_ports; i++) {
		struct port_view *p = &v->ports[i];

		if (!p->found)
			continue;
		if (!second) {
			p->stats = rte_eth_stats_get(p->port_id, &p->s0) == 0;
			if (rte_eth_link_get_nowait(p->port_id, &p->link) != 0)
				memset(&p->link, 0, sizeof(p->link));
		} else if (p->stats) {
			p->stats = rte_eth_stats_get(p->port_id, &p->s1) == 0;
		}
	}
}

/* The data-plane half of status: 0 or EXIT_DP. */
static int
status_dp(struct ctl *c, struct status_view *v)
{
	const struct vg_dpapi_hdr *hdr;
	uint64_t t0, t1;
	char name[RTE_ETH_NAME_MAX_LEN];
	uint32_t i;
	int rc;

	rc = dp_open(c);
	if (rc != 0)
		return rc;
	hdr = vg_dpapi_header(c->dp);
	v->state = __atomic_load_n(&hdr->state, __ATOMIC_ACQUIRE);
	v->generation = hdr->generation;
	v->start_ns = hdr->start_realtime_ns;
	t0 = now_ns(CLOCK_REALTIME);
	v->uptime_s = t0 > v->start_ns ? (t0 - v->start_ns) / 1000000000u : 0;
	v->max_sessions = hdr->max_sessions;
	/* slot 0 is the main lcore, slot 1 + i worker i (lcore_main.c) */
	v->n_lcores = RTE_MIN(hdr->n_lcores, (uint32_t)RTE_DIM(v->lcores));
	for (i = 0; i < v->n_lcores; i++) {
		struct lcore_view *l = &v->lcores[i];

		l->role = i == 0 ? "main" : "worker";
		l->lcore = -1;
		if (i == 0)
			l->lcore = c->cfg.eal.main_lcore;
		else if (i - 1 < c->cfg.eal.n_workers)
			l->lcore = c->cfg.eal.worker_lcores[i - 1];
	}
	v->n_ports = RTE_MIN(c->cfg.n_ports, (uint16_t)VG_HW_MAX_PORTS);
	for (i = 0; i < v->n_ports; i++) {
		struct port_view *p = &v->ports[i];

		p->cfg = &c->cfg.ports[i];
		/* the name hw_port.c looks the device up by */
		rc = vg_hw_device_name(p->cfg->device, name, sizeof(name));
		if (rc == 0)
			rc = rte_eth_dev_get_port_by_name(name, &p->port_id);
		p->found = rc == 0;
	}
	t0 = now_ns(CLOCK_MONOTONIC);
	lcores_sample(c, v, false);
	ports_sample(v, false);
	sleep_ms(RATE_WINDOW_MS);
	t1 = now_ns(CLOCK_MONOTONIC);
	lcores_sample(c, v, true);
	ports_sample(v, true);
	v->window_s = (double)(t1 - t0) / 1e9;
	rc = dp_each_session(c, count_one, &v->sessions);
	v->sessions_known = rc == 0;
	return rc == 0 ? 0 : EXIT_DP;
}

static void
status_cp(struct ctl *c, struct status_view *v)
{
	char *reply = NULL, perr[128];
	struct jv *doc;
	size_t len;
	double pid;

	v->cp_rc = vg_ctl_request(c->sock, "ping", CP_TIMEOUT_MS, &reply, &len);
	if (v->cp_rc == -ENOENT || v->cp_rc == -ECONNREFUSED) {
		snprintf(v->cp_err, sizeof(v->cp_err), "%s",
				v->cp_rc == -ENOENT ? "no control socket"
						    : "nobody listens");
		return;
	}
	if (v->cp_rc != 0) {
		snprintf(v->cp_err, sizeof(v->cp_err), "%s",
				strerror(-v->cp_rc));
		return;
	}
	doc = jv_parse(reply, len, perr, sizeof(perr));
	if (doc == NULL || !jv_getnum(doc, "pid", &pid) || pid < 1 ||
			pid > INT32_MAX) {
		v->cp_rc = -EPROTO;
		snprintf(v->cp_err, sizeof(v->cp_err),
				"unexpected answer to ping: %s",
				doc == NULL ? perr : "no pid");
	} else {
		v->cp_pid = (int64_t)pid;
	}
	jv_free(doc);
	free(reply);
}

static double
busy_share(const struct lcore_view *l)
{
	uint64_t busy = l->busy1 - l->busy0, idle = l->idle1 - l->idle0;

	/* nothing published in the window: the share since start */
	if (busy + idle == 0) {
		busy = l->busy1;
		idle = l->idle1;
	}
	return busy + idle == 0 ? 0.0
				: 100.0 * (double)busy / (double)(busy + idle);
}

static double
rate(uint64_t a, uint64_t b, double s)
{
	return s > 0 && b >= a ? (double)(b - a) / s : 0.0;
}

static void
fmt_speed(char *buf, size_t size, const struct rte_eth_link *l)
{
	if (l->link_speed == RTE_ETH_SPEED_NUM_NONE ||
			l->link_speed == RTE_ETH_SPEED_NUM_UNKNOWN)
		snprintf(buf, size, "-");
	else if (l->link_speed >= 1000)
		snprintf(buf, size, "%u Gbps", l->link_speed / 1000);
	else
		snprintf(buf, size, "%u Mbps", l->link_speed);
}

static int
status_print_table(struct ctl *c, const struct status_view *v, int dp_rc)
{
	struct table t;
	char up[32], speed[16];
	uint32_t i;
	int rc = 0;

	if (dp_rc != 0) {
		printf("data plane     not running: %s\n", c->dp_err);
	} else {
		fmt_duration(up, sizeof(up), v->uptime_s);
		printf("data plane     %s (file prefix %s, generation %" PRIu64
		       ", up %s)\n",
				dp_state_name(v->state), c->cfg.eal.file_prefix,
				v->generation, up);
		printf("sessions       %" PRIu64 " of %u\n", v->sessions,
				v->max_sessions);
		printf("lcores\n");
		table_init(&t, 5, 0x1c);
		table_add(&t, "LCORE");
		table_add(&t, "ROLE");
		table_add(&t, "BUSY");
		table_add(&t, "RX_PKTS");
		table_add(&t, "TX_PKTS");
		for (i = 0; i < v->n_lcores; i++) {
			const struct lcore_view *l = &v->lcores[i];

			table_add(&t, "%d", l->lcore);
			table_add(&t, "%s", l->role);
			table_add(&t, "%.1f%%", busy_share(l));
			table_add(&t, "%" PRIu64, l->rx_pkts);
			table_add(&t, "%" PRIu64, l->tx_pkts);
		}
		rc |= table_print(&t, stdout, "  ");
		table_free(&t);
		printf("ports\n");
		table_init(&t, 9, 0x1e4);
		table_add(&t, "PORT");
		table_add(&t, "DEVICE");
		table_add(&t, "ID");
		table_add(&t, "LINK");
		table_add(&t, "SPEED");
		table_add(&t, "RX_PKTS");
		table_add(&t, "RX_PPS");
		table_add(&t, "TX_PKTS");
		table_add(&t, "TX_PPS");
		for (i = 0; i < v->n_ports; i++) {
			const struct port_view *p = &v->ports[i];

			table_add(&t, "%s", p->cfg->name);
			table_add(&t, "%s", p->cfg->device);
			if (!p->found) {
				/* hw gives secondaries --no-pci */
				table_add(&t, "-");
				table_add(&t, "not visible to a secondary");
				table_add(&t, "-");
				table_add(&t, "-");
				table_add(&t, "-");
				table_add(&t, "-");
				table_add(&t, "-");
				continue;
			}
			fmt_speed(speed, sizeof(speed), &p->link);
			table_add(&t, "%u", p->port_id);
			table_add(&t, "%s",
					p->link.link_status ? "up" : "down");
			table_add(&t, "%s", speed);
			if (!p->stats) {
				table_add(&t, "-");
				table_add(&t, "-");
				table_add(&t, "-");
				table_add(&t, "-");
				continue;
			}
			table_add(&t, "%" PRIu64, p->s1.ipackets);
			table_add(&t, "%.0f",
					rate(p->s0.ipackets, p->s1.ipackets,
							v->window_s));
			table_add(&t, "%" PRIu64, p->s1.opackets);
			table_add(&t, "%.0f",
					rate(p->s0.opackets, p->s1.opackets,
							v->window_s));
		}
		rc |= table_print(&t, stdout, "  ");
		table_free(&t);
	}
	if (v->cp_rc == 0)
		printf("control plane  running (pid %" PRId64 ", %s)\n",
				v->cp_pid, c->sock);
	else
		printf("control plane  not running (%s: %s)\n", c->sock,
				v->cp_err);
	return rc;
}

static struct jv *
status_json(struct ctl *c, const struct status_view *v, int dp_rc)
{
	struct jv *doc = jv_new(JV_OBJ), *dp, *cp, *arr, *o;
	char when[40];
	time_t secs;
	struct tm tm;
	uint32_t i;

	dp = jv_add(doc, "data_plane", jv_new(JV_OBJ));
	jv_add(dp, "running", jv_bool(dp_rc == 0));
	jv_add(dp, "file_prefix", jv_string(c->cfg.eal.file_prefix));
	if (dp_rc != 0) {
		jv_add(dp, "error", jv_string(c->dp_err));
	} else {
		secs = (time_t)(v->start_ns / 1000000000u);
		gmtime_r(&secs, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		jv_add(dp, "state", jv_string(dp_state_name(v->state)));
		jv_add(dp, "generation", jv_u64(v->generation));
		jv_add(dp, "started", jv_string(when));
		jv_add(dp, "uptime_s", jv_u64(v->uptime_s));
		jv_add(dp, "sessions", jv_u64(v->sessions));
		jv_add(dp, "max_sessions", jv_u64(v->max_sessions));
		arr = jv_add(dp, "lcores", jv_new(JV_ARR));
		for (i = 0; i < v->n_lcores; i++) {
			const struct lcore_view *l = &v->lcores[i];

			o = jv_add(arr, NULL, jv_new(JV_OBJ));
			jv_add(o, "slot", jv_u64(i));
			jv_add(o, "lcore", jv_i64(l->lcore));
			jv_add(o, "role", jv_string(l->role));
			jv_add(o, "busy_pct", jv_dbl(busy_share(l), 1));
			jv_add(o, "busy_cycles", jv_u64(l->busy1));
			jv_add(o, "idle_cycles", jv_u64(l->idle1));
			jv_add(o, "rx_pkts", jv_u64(l->rx_pkts));
			jv_add(o, "tx_pkts", jv_u64(l->tx_pkts));
		}
		arr = jv_add(dp, "ports", jv_new(JV_ARR));
		for (i = 0; i < v->n_ports; i++) {
			const struct port_view *p = &v->ports[i];

			o = jv_add(arr, NULL, jv_new(JV_OBJ));
			jv_add(o, "name", jv_string(p->cfg->name));
			jv_add(o, "device", jv_string(p->cfg->device));
			jv_add(o, "visible", jv_bool(p->found));
			if (!p->found)
				continue;
			jv_add(o, "port_id", jv_u64(p->port_id));
			jv_add(o, "link_up", jv_bool(p->link.link_status));
			jv_add(o, "speed_mbps",
					jv_u64(p->link.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN
									? 0
									: p->link.link_speed));
			if (!p->stats)
				continue;
			jv_add(o, "rx_pkts", jv_u64(p->s1.ipackets));
			jv_add(o, "tx_pkts", jv_u64(p->s1.opackets));
			jv_add(o, "rx_missed", jv_u64(p->s1.imissed));
			jv_add(o, "rx_pps",
					jv_dbl(rate(p->s0.ipackets,
							       p->s1.ipackets,
							       v->window_s),
							0));
			jv_add(o, "tx_pps",
					jv_dbl(rate(p->s0.opackets,
							       p->s1.opackets,
							       v->window_s),
							0));
		}
	}
	cp = jv_add(doc, "control_plane", jv_new(JV_OBJ));
	jv_add(cp, "running", jv_bool(v->cp_rc == 0));
	jv_add(cp, "socket", jv_string(c->sock));
	if (v->cp_rc == 0)
		jv_add(cp, "pid", jv_i64(v->cp_pid));
	else
		jv_add(cp, "error", jv_string(v->cp_err));
	return doc;
}

/* status: exit 0 when the data plane runs (the control plane's state is
 * shown, not judged), EXIT_DP when it does not. */
static int
cmd_status(struct ctl *c)
{
	struct status_view *v = calloc(1, sizeof(*v));
	struct jv *doc;
	int dp_rc, rc;

	if (v == NULL)
		return EXIT_USAGE;
	dp_rc = status_dp(c, v);
	status_cp(c, v);
	if (c->json) {
		doc = status_json(c, v, dp_rc);
		rc = jv_write(stdout, doc);
		fputc('\n', stdout);
		jv_free(doc);
	} else {
		rc = status_print_table(c, v, dp_rc);
	}
	free(v);
	if (rc != 0) {
		fprintf(stderr, "voxgatectl: out of memory\n");
		return EXIT_USAGE;
	}
	return dp_rc;
}

/* ---- sessions ---------------------------------------------------------- */

static double
jitter_ms(uint32_t jitter, uint32_t clock_rate)
{
	return (double)jitter * 1000.0 / (clock_rate != 0 ? clock_rate : 8000);
}

static void
fmt_local(const struct ctl *c, const struct vg_dpapi_leg *leg, char *buf,
		size_t size)
{
	struct in_addr ip;
	uint16_t port;

	if (vg_cfg_media_addr(&c->cfg, leg->local_addr, &port, &ip) == 0)
		fmt_ipport(buf, size, ip.s_addr, leg->local_port);
	else
		snprintf(buf, size, "#%u:%u", leg->local_addr, leg->local_port);
}

/* A leg's codec field (enum vg_cfg_codec + 1; 0 = relay) as a name. */
static const char *
leg_codec_name(const struct vg_dpapi_leg *leg)
{
	return leg->codec == 0 ? NULL : vg_cfg_codec_name(leg->codec - 1u);
}

/* A leg's srtp_suite (enum vg_srtp_suite, RFC 4568 names) or NULL. */
static const char *
leg_srtp_name(const struct vg_dpapi_leg *leg)
{
	switch (leg->srtp_suite) {
	case 0:
		return NULL;
	case 1:
		return "AES_CM_128_HMAC_SHA1_80";
	case 2:
		return "AES_CM_128_HMAC_SHA1_32";
	default:
		return "?";
	}
}

/* One session as the data plane has it: its QUERY and its counters. */
struct sess_view {
	struct vg_dpapi_reply q;
	const struct vg_dpapi_leg_counters *ctr[2];
	const struct vg_dpapi_leg_stats *st[2];
};

static int
sess_query(struct ctl *c, uint32_t id, struct sess_view *s)
{
	int rc = dp_request(c, VG_CMD_SESS_QUERY, id, &s->q);
	unsigned int i;

	if (rc != 0)
		return rc;
	if (s->q.status != 0)
		return s->q.status;
	for (i = 0; i < 2; i++) {
		s->ctr[i] = vg_dpapi_leg_counters(c->dp, s->q.leg_id[i]);
		s->st[i] = vg_dpapi_leg_stats(c->dp, s->q.leg_id[i]);
	}
	return 0;
}

static struct jv *
leg_json(struct ctl *c, const struct sess_view *s, unsigned int i, bool detail)
{
	const struct vg_dpapi_leg *leg = &s->q.u.query.legs[i];
	const struct vg_dpapi_leg_counters *k = s->ctr[i];
	const struct vg_dpapi_leg_stats *st = s->st[i];
	struct jv *o = jv_new(JV_OBJ), *d, *m;
	char buf[64];
	unsigned int r;

	jv_add(o, "side", jv_string(i == 0 ? "a" : "b"));
	jv_add(o, "leg_id", jv_u64(s->q.leg_id[i]));
	fmt_local(c, leg, buf, sizeof(buf));
	jv_add(o, "local", jv_string(buf));
	fmt_ipport(buf, sizeof(buf), leg->remote_ip, leg->remote_port);
	jv_add(o, "remote",
			leg->remote_ip != 0 ? jv_string(buf) : jv_new(JV_NULL));
	fmt_ipport(buf, sizeof(buf), s->q.u.query.latched_ip[i],
			s->q.u.query.latched_port[i]);
	jv_add(o, "latched",
			s->q.u.query.latched_ip[i] != 0 ? jv_string(buf)
							: jv_new(JV_NULL));
	if (k == NULL)
		return o;
	jv_add(o, "rx_pkts", jv_u64(ld64(&k->rx_pkts)));
	jv_add(o, "fwd_pkts", jv_u64(ld64(&k->fwd_pkts)));
	jv_add(o, "lost", jv_i64(__atomic_load_n(&k->lost, __ATOMIC_RELAXED)));
	jv_add(o, "jitter_ms",
			jv_dbl(jitter_ms(ld32(&k->jitter), leg->clock_rate),
					2));
	if (!detail)
		return o;
	jv_add(o, "local_addr", jv_u64(leg->local_addr));
	jv_add(o, "clock_rate",
			jv_u64(leg->clock_rate != 0 ? leg->clock_rate : 8000));
	jv_add(o, "latching",
			jv_string(leg->latching == VG_DPAPI_LATCH_OFF ? "off"
							: leg->latching ==
									VG_DPAPI_LATCH_STRICT
							? "strict"
							: "any"));
	jv_add(o, "rtcp_mux", jv_bool(leg->flags & VG_DPAPI_LEG_F_RTCP_MUX));
	jv_add(o, "rewrite_ssrc",
			jv_bool(leg->flags & VG_DPAPI_LEG_F_REWRITE_SSRC));
	jv_add(o, "media_timeout_s", jv_u64(leg->media_timeout_s));
	/* media processing: codec null = relayed (no keys: never shown) */
	jv_add(o, "codec",
			leg_codec_name(leg) != NULL
					? jv_string(leg_codec_name(leg))
					: jv_new(JV_NULL));
	jv_add(o, "pt", jv_u64(leg->pt));
	jv_add(o, "ptime_ms", jv_u64(leg->ptime_ms));
	jv_add(o, "dtmf_pt", jv_u64(leg->dtmf_pt));
	jv_add(o, "cn_pt", jv_u64(leg->cn_pt));
	jv_add(o, "srtp",
			leg_srtp_name(leg) != NULL
					? jv_string(leg_srtp_name(leg))
					: jv_new(JV_NULL));
	d = jv_add(o, "pt_map", jv_new(JV_ARR));
	for (r = 0; r < leg->n_pt_map && r < VG_DPAPI_PT_MAP_MAX; r++) {
		m = jv_add(d, NULL, jv_new(JV_OBJ));
		jv_add(m, "in", jv_u64(leg->pt_map[r].in_pt));
		jv_add(m, "out", jv_u64(leg->pt_map[r].out_pt));
	}
	jv_add(o, "rx_bytes", jv_u64(ld64(&k->rx_bytes)));
	jv_add(o, "fwd_bytes", jv_u64(ld64(&k->fwd_bytes)));
	jv_add(o, "rtcp_pkts", jv_u64(ld64(&st->rtcp_pkts)));
	jv_add(o, "ssrc", jv_u64(ld32(&k->ssrc)));
	jv_add(o, "ssrc_changes", jv_u64(ld32(&st->ssrc_changes)));
	jv_add(o, "received", jv_u64(ld32(&k->received)));
	jv_add(o, "seq_gaps", jv_u64(ld32(&st->seq_gaps)));
	jv_add(o, "seq_resets", jv_u64(ld32(&st->seq_resets)));
	jv_add(o, "jitter", jv_u64(ld32(&k->jitter)));
	jv_add(o, "xcode_pkts", jv_u64(ld64(&st->xcode_pkts)));
	jv_add(o, "dtmf_pkts", jv_u64(ld64(&st->dtmf_pkts)));
	jv_add(o, "srtp_rx_pkts", jv_u64(ld64(&st->srtp_rx_pkts)));
	jv_add(o, "srtp_tx_pkts", jv_u64(ld64(&st->srtp_tx_pkts)));
	d = jv_add(o, "drops", jv_new(JV_OBJ));
	for (r = 0; r < VG_DROP_COUNT; r++) {
		uint64_t n = ld64(&st->drops[r]);

		if (n != 0)
			jv_add(d, vg_drop_reason_name(r), jv_u64(n));
	}
	return o;
}

static struct jv *
sess_json(struct ctl *c, const struct sess_view *s, bool detail)
{
	struct jv *o = jv_new(JV_OBJ), *legs;
	unsigned int i;

	jv_add(o, "id", jv_u64(s->q.sess_id));
	jv_add(o, "cookie", jv_u64(s->q.cookie));
	legs = jv_add(o, "legs", jv_new(JV_ARR));
	for (i = 0; i < 2; i++)
		jv_add(legs, NULL, leg_json(c, s, i, detail));
	return o;
}

#define SESS_ROW                                                               \
	"%-8s  %-20s  %-3s  %-21s  %-21s  %-21s  %10s  %10s  %7s  %9s\n"

static int
sessions_one(struct ctl *c, uint32_t id, void *arg)
{
	struct sess_view s;
	struct jv *o;
	char sid[16], cookie[24], loc[64], rem[64], lat[64];
	char rx[24], fwd[24], lost[16], jit[24];
	unsigned int i;
	int rc;

	rc = sess_query(c, id, &s);
	if (rc == -ENOENT)
		return 0; /* deleted since the LIST */
	if (rc != 0)
		return rc;
	if (c->json) {
		o = sess_json(c, &s, false);
		if (*(bool *)arg)
			fputc(',', stdout);
		*(bool *)arg = true;
		rc = jv_write(stdout, o);
		jv_free(o);
		return rc;
	}
	for (i = 0; i < 2; i++) {
		const struct vg_dpapi_leg *leg = &s.q.u.query.legs[i];
		const struct vg_dpapi_leg_counters *k = s.ctr[i];

		snprintf(sid, sizeof(sid), "%u", id);
		snprintf(cookie, sizeof(cookie), "%" PRIu64, s.q.cookie);
		fmt_local(c, leg, loc, sizeof(loc));
		fmt_ipport(rem, sizeof(rem), leg->remote_ip, leg->remote_port);
		fmt_ipport(lat, sizeof(lat), s.q.u.query.latched_ip[i],
				s.q.u.query.latched_port[i]);
		snprintf(rx, sizeof(rx), "%" PRIu64, k ? ld64(&k->rx_pkts) : 0);
		snprintf(fwd, sizeof(fwd), "%" PRIu64,
				k ? ld64(&k->fwd_pkts) : 0);
		snprintf(lost, sizeof(lost), "%d",
				k ? __atomic_load_n(&k->lost, __ATOMIC_RELAXED)
				  : 0);
		snprintf(jit, sizeof(jit), "%.2f",
				k ? jitter_ms(ld32(&k->jitter), leg->clock_rate)
				  : 0.0);
		printf(SESS_ROW, i == 0 ? sid : "", i == 0 ? cookie : "",
				i == 0 ? "a" : "b", loc, rem, lat, rx, fwd,
				lost, jit);
	}
	return 0;
}

/* sessions: every session, streamed (a data plane holds a million). */
static int
cmd_sessions(struct ctl *c)
{
	bool any = false;
	int rc;

	rc = dp_open(c);
	if (rc != 0) {
		fprintf(stderr, "voxgatectl: %s\n", c->dp_err);
		return rc;
	}
	if (c->json)
		fputs("{\"sessions\":[", stdout);
	else
		printf(SESS_ROW, "ID", "COOKIE", "LEG", "LOCAL", "REMOTE",
				"LATCHED", "RX_PKTS", "FWD_PKTS", "LOST",
				"JITTER_MS");
	rc = dp_each_session(c, sessions_one, &any);
	if (c->json) {
		fputc(']', stdout);
		if (rc != 0) {
			fputs(",\"error\":", stdout);
			vg_ctl_json_fputs(stdout,
					rc == -ENOMEM ? "out of memory"
						      : c->dp_err);
		}
		fputs("}\n", stdout);
	}
	if (rc == -ENOMEM) {
		fprintf(stderr, "voxgatectl: out of memory\n");
		return EXIT_USAGE;
	}
	if (rc != 0) {
		fprintf(stderr, "voxgatectl: %s\n", c->dp_err);
		return EXIT_DP;
	}
	return 0;
}

static int
session_print_table(struct ctl *c, const struct sess_view *s)
{
	const struct vg_dpapi_leg *l[2] = {
			&s->q.u.query.legs[0], &s->q.u.query.legs[1]};
	const struct vg_dpapi_leg_counters *k[2] = {s->ctr[0], s->ctr[1]};
	const struct vg_dpapi_leg_stats *st[2] = {s->st[0], s->st[1]};
	char a[64], b[64];
	struct table t;
	unsigned int i, r;
	int rc;

	printf("session %u  cookie %" PRIu64 "\n", s->q.sess_id, s->q.cookie);
	table_init(&t, 3, 0);
	table_add(&t, "%s", "");
	table_add(&t, "LEG A");
	table_add(&t, "LEG B");
#define ROW2(label, fmt, ...)                                                  \
	do {                                                                   \
		table_add(&t, "%s", label);                                    \
		for (i = 0; i < 2; i++)                                        \
			table_add(&t, fmt, __VA_ARGS__);                       \
	} while (0)
	ROW2("leg id", "%u", s->q.leg_id[i]);
	fmt_local(c, l[0], a, sizeof(a));
	fmt_local(c, l[1], b, sizeof(b));
	ROW2("local", "%s", i == 0 ? a : b);
	fmt_ipport(a, sizeof(a), l[0]->remote_ip, l[0]->remote_port);
	fmt_ipport(b, sizeof(b), l[1]->remote_ip, l[1]->remote_port);
	ROW2("remote", "%s", i == 0 ? a : b);
	fmt_ipport(a, sizeof(a), s->q.u.query.latched_ip[0],
			s->q.u.query.latched_port[0]);
	fmt_ipport(b, sizeof(b), s->q.u.query.latched_ip[1],
			s->q.u.query.latched_port[1]);
	ROW2("latched", "%s", i == 0 ? a : b);
	ROW2("latching", "%s",
			l[i]->latching == VG_DPAPI_LATCH_OFF ? "off"
					: l[i]->latching ==
							VG_DPAPI_LATCH_STRICT
					? "strict"
					: "any");
	ROW2("rtcp-mux", "%s",
			l[i]->flags & VG_DPAPI_LEG_F_RTCP_MUX ? "yes" : "no");
	ROW2("clock rate", "%u", l[i]->clock_rate ? l[i]->clock_rate : 8000);
	ROW2("payload types", "%u mapped", l[i]->n_pt_map);
	ROW2("codec", "%s",
			leg_codec_name(l[i]) != NULL ? leg_codec_name(l[i])
						     : "relay");
	if (l[0]->codec != 0 && l[1]->codec != 0) {
		ROW2("payload type", "%u", l[i]->pt);
		ROW2("ptime", "%u ms", l[i]->ptime_ms ? l[i]->ptime_ms : 20);
		ROW2("dtmf pt", "%u", l[i]->dtmf_pt);
		ROW2("cn pt", "%u", l[i]->cn_pt);
	}
	ROW2("srtp", "%s",
			leg_srtp_name(l[i]) != NULL ? leg_srtp_name(l[i]) : "no");
	if (k[0] != NULL && k[1] != NULL && st[0] != NULL && st[1] != NULL) {
		ROW2("rx packets", "%" PRIu64, ld64(&k[i]->rx_pkts));
		ROW2("rx bytes", "%" PRIu64, ld64(&k[i]->rx_bytes));
		ROW2("relayed packets", "%" PRIu64, ld64(&k[i]->fwd_pkts));
		ROW2("rtcp packets", "%" PRIu64, ld64(&st[i]->rtcp_pkts));
		ROW2("ssrc", "0x%08x", ld32(&k[i]->ssrc));
		ROW2("ssrc changes", "%u", ld32(&st[i]->ssrc_changes));
		ROW2("lost", "%d",
				__atomic_load_n(&k[i]->lost, __ATOMIC_RELAXED));
		ROW2("jitter", "%.2f ms",
				jitter_ms(ld32(&k[i]->jitter),
						l[i]->clock_rate));
		ROW2("seq gaps", "%u", ld32(&st[i]->seq_gaps));
		for (r = 0; r < VG_DROP_COUNT; r++) {
			if (ld64(&st[0]->drops[r]) == 0 &&
					ld64(&st[1]->drops[r]) == 0)
				continue;
			snprintf(a, sizeof(a), "drop: %s",
					vg_drop_reason_name(r));
			ROW2(a, "%" PRIu64, ld64(&st[i]->drops[r]));
		}
	}
#undef ROW2
	rc = table_print(&t, stdout, "  ");
	table_free(&t);
	return rc;
}

/* session ID: one session with every counter and its drops by reason. */
static int
cmd_session(struct ctl *c)
{
	struct sess_view s;
	struct jv *doc;
	unsigned long id;
	char *end;
	int rc;

	errno = 0;
	id = strtoul(c->arg, &end, 10);
	if (c->arg[0] < '0' || c->arg[0] > '9' || *end != '\0' || errno != 0 ||
			id > UINT32_MAX) {
		fprintf(stderr,
				"voxgatectl: session: '%s' is not a session "
				"id\n",
				c->arg);
		return EXIT_USAGE;
	}
	rc = dp_open(c);
	if (rc != 0) {
		fprintf(stderr, "voxgatectl: %s\n", c->dp_err);
		return rc;
	}
	rc = sess_query(c, (uint32_t)id, &s);
	if (rc == -ENOENT || rc == -EINVAL) {
		fprintf(stderr, "voxgatectl: no session %lu in voxgate-dp\n",
				id);
		return EXIT_USAGE;
	}
	if (rc != 0) {
		/* dp_request() said why; otherwise the data plane refused */
		if (c->dp_err[0] == '\0')
			snprintf(c->dp_err, sizeof(c->dp_err),
					"voxgate-dp refused the query: %s",
					strerror(-rc));
		fprintf(stderr, "voxgatectl: %s\n", c->dp_err);
		return EXIT_DP;
	}
	if (c->json) {
		doc = jv_new(JV_OBJ);
		jv_add(doc, "session", sess_json(c, &s, true));
		rc = jv_write(stdout, doc);
		fputc('\n', stdout);
		jv_free(doc);
	} else {
		rc = session_print_table(c, &s);
	}
	if (rc != 0) {
		fprintf(stderr, "voxgatectl: out of memory\n");
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- control plane ----------------------------------------------------- */

/* Ask voxgate-cp; 0 with the parsed object (and the raw text), or
 * EXIT_CP after saying why. */
static int
cp_ask(struct ctl *c, const char *line, struct jv **docp, char **rawp)
{
	char *reply = NULL, perr[128];
	const char *err;
	struct jv *doc;
	size_t len;
	int rc;

	rc = vg_ctl_request(c->sock, line, CP_TIMEOUT_MS, &reply, &len);
	switch (rc) {
	case 0:
		break;
	case -ENOENT:
		fprintf(stderr,
				"voxgatectl: voxgate-cp is not running (no "
				"control socket %s)\n",
				c->sock);
		return EXIT_CP;
	case -ECONNREFUSED:
		fprintf(stderr,
				"voxgatectl: voxgate-cp is not running (nobody "
				"listens on %s)\n",
				c->sock);
		return EXIT_CP;
	case -EACCES:
	case -EPERM:
		fprintf(stderr,
				"voxgatectl: no permission to use %s (run as "
				"root or as a member of its group)\n",
				c->sock);
		return EXIT_CP;
	case -ETIMEDOUT:
		fprintf(stderr,
				"voxgatectl: voxgate-cp did not answer '%s' "
				"within %u s\n",
				line, CP_TIMEOUT_MS / 1000);
		return EXIT_CP;
	case -EPROTO:
		fprintf(stderr,
				"voxgatectl: voxgate-cp closed %s before the "
				"end of its answer to '%s'\n",
				c->sock, line);
		return EXIT_CP;
	case -EMSGSIZE:
		fprintf(stderr,
				"voxgatectl: voxgate-cp's answer to '%s' is "
				"longer than %u bytes\n",
				line, VG_CTL_REPLY_MAX);
		return EXIT_CP;
	default:
		fprintf(stderr, "voxgatectl: control socket %s: %s\n", c->sock,
				strerror(-rc));
		return EXIT_CP;
	}
	doc = jv_parse(reply, len, perr, sizeof(perr));
	if (doc == NULL || doc->type != JV_OBJ) {
		fprintf(stderr,
				"voxgatectl: voxgate-cp's answer to '%s' is "
				"not a JSON object: %s\n",
				line,
				doc == NULL ? perr : "another JSON value");
		jv_free(doc);
		free(reply);
		return EXIT_CP;
	}
	err = jv_gets(doc, "error");
	if (err != NULL) {
		fprintf(stderr, "voxgatectl: voxgate-cp: %s\n", err);
		jv_free(doc);
		free(reply);
		return EXIT_CP;
	}
	*docp = doc;
	if (rawp != NULL)
		*rawp = reply;
	else
		free(reply);
	return 0;
}

/* A member that should be an array of objects; NULL when absent. */
static const struct jv *
jv_list(const struct jv *doc, const char *key)
{
	const struct jv *v = jv_get(doc, key);

	return v != NULL && v->type == JV_ARR ? v : NULL;
}

/* RTP clock of a call's first codec (RFC 3551: G.722 runs at 8 kHz). */
static uint32_t
codec_clock(const char *codecs)
{
	return codecs != NULL && strncasecmp(codecs, "opus", 4) == 0 ? 48000
								     : 8000;
}

/* Data-plane counters of each leg of each call, read from shared memory
 * by leg_id (no command: voxgate-cp keeps the command ring to itself). */
static void
calls_add_counters(struct ctl *c, struct jv *calls)
{
	struct jv *call, *leg;

	for (call = calls->head; call != NULL; call = call->next) {
		const struct jv *ids = jv_get(call, "leg_id");
		const struct jv *legs = jv_list(call, "legs");
		uint32_t clock = codec_clock(jv_gets(call, "codecs"));
		unsigned int idx = 0;

		if (ids == NULL || ids->type != JV_ARR || legs == NULL)
			continue;
		for (leg = legs->head; leg != NULL; leg = leg->next, idx++) {
			const char *side = jv_gets(leg, "side");
			unsigned int which = side == NULL	 ? idx
					: strcmp(side, "b") == 0 ? 1
								 : 0;
			const struct jv *id = ids->head;
			const struct vg_dpapi_leg_counters *k;
			struct jv *d;

			if (leg->type != JV_OBJ)
				continue;
			if (which == 1 && id != NULL)
				id = id->next;
			if (id == NULL || id->type != JV_NUM || id->num < 0 ||
					id->num > UINT32_MAX)
				continue;
			k = vg_dpapi_leg_counters(c->dp, (uint32_t)id->num);
			if (k == NULL)
				continue;
			d = jv_add(leg, "dp", jv_new(JV_OBJ));
			jv_add(d, "rx_pkts", jv_u64(ld64(&k->rx_pkts)));
			jv_add(d, "fwd_pkts", jv_u64(ld64(&k->fwd_pkts)));
			jv_add(d, "lost",
					jv_i64(__atomic_load_n(&k->lost,
							__ATOMIC_RELAXED)));
			jv_add(d, "jitter_ms",
					jv_dbl(jitter_ms(ld32(&k->jitter),
							       clock),
							2));
		}
	}
}

static bool
calls_have_legs(const struct jv *calls)
{
	const struct jv *call, *ids;

	for (call = calls->head; call != NULL; call = call->next) {
		ids = jv_get(call, "leg_id");
		if (ids != NULL && ids->type == JV_ARR)
			return true;
	}
	return false;
}

static int
calls_print_table(const struct jv *calls)
{
	const struct jv *call, *leg;
	uint64_t now_ms = now_ns(CLOCK_REALTIME) / 1000000u;
	char buf[256], age[32];
	struct table t;
	int rc;

	table_init(&t, 14, 0x3800);
	table_add(&t, "ID");
	table_add(&t, "STATE");
	table_add(&t, "FROM");
	table_add(&t, "TO");
	table_add(&t, "ROUTE");
	table_add(&t, "AGE");
	table_add(&t, "CODECS");
	table_add(&t, "SESSION");
	table_add(&t, "LEG");
	table_add(&t, "LOCAL");
	table_add(&t, "REMOTE");
	table_add(&t, "RX_PKTS");
	table_add(&t, "LOST");
	table_add(&t, "JITTER_MS");
	for (call = calls->head; call != NULL; call = call->next) {
		const struct jv *legs = jv_list(call, "legs");
		double start;
		bool first = true;

		if (call->type != JV_OBJ)
			continue;
		/* compared as doubles: a wild number must not be cast */
		if (jv_getnum(call, "start_ms", &start) && start > 0 &&
				start <= (double)now_ms)
			fmt_duration(age, sizeof(age),
					(now_ms - (uint64_t)start) / 1000);
		else
			snprintf(age, sizeof(age), "-");
		leg = legs != NULL ? legs->head : NULL;
		do {
			const struct jv *d = jv_get(leg, "dp");

			if (first) {
				table_add(&t, "%s",
						jv_text(jv_get(call, "id"), buf,
								sizeof(buf)));
				table_add(&t, "%s",
						jv_text(jv_get(call, "state"),
								buf,
								sizeof(buf)));
				table_add(&t, "%s",
						jv_text(jv_get(call, "from"),
								buf,
								sizeof(buf)));
				table_add(&t, "%s",
						jv_text(jv_get(call, "to"), buf,
								sizeof(buf)));
				table_add(&t, "%s",
						jv_text(jv_get(call, "route"),
								buf,
								sizeof(buf)));
				table_add(&t, "%s", age);
				table_add(&t, "%s",
						jv_text(jv_get(call, "codecs"),
								buf,
								sizeof(buf)));
				table_add(&t, "%s",
						jv_text(jv_get(call, "sess_id"),
								buf,
								sizeof(buf)));
			} else {
				for (int i = 0; i < 8; i++)
					table_add(&t, "%s", "");
			}
			first = false;
			table_add(&t, "%s",
					jv_text(jv_get(leg, "side"), buf,
							sizeof(buf)));
			table_add(&t, "%s",
					jv_text(jv_get(leg, "local"), buf,
							sizeof(buf)));
			table_add(&t, "%s",
					jv_text(jv_get(leg, "remote"), buf,
							sizeof(buf)));
			table_add(&t, "%s",
					jv_text(jv_get(d, "rx_pkts"), buf,
							sizeof(buf)));
			table_add(&t, "%s",
					jv_text(jv_get(d, "lost"), buf,
							sizeof(buf)));
			table_add(&t, "%s",
					jv_text(jv_get(d, "jitter_ms"), buf,
							sizeof(buf)));
			leg = leg != NULL ? leg->next : NULL;
		} while (leg != NULL);
	}
	rc = table_print(&t, stdout, "");
	table_free(&t);
	return rc;
}

/* calls: voxgate-cp's calls; each leg gets its media counters when the
 * data plane can be read (a missing data plane is a note, not a failure). */
static int
cmd_calls(struct ctl *c)
{
	const struct jv *calls;
	struct jv *doc = NULL;
	int rc;

	rc = cp_ask(c, "calls", &doc, NULL);
	if (rc != 0)
		return rc;
	calls = jv_list(doc, "calls");
	if (calls == NULL) {
		fprintf(stderr,
				"voxgatectl: voxgate-cp's answer to 'calls' "
				"has no \"calls\" array\n");
		jv_free(doc);
		return EXIT_CP;
	}
	if (calls_have_legs(calls)) {
		if (dp_open(c) == 0)
			calls_add_counters(c, (struct jv *)calls);
		else
			fprintf(stderr,
					"voxgatectl: media counters left out: "
					"%s\n",
					c->dp_err);
	}
	if (c->json) {
		rc = jv_write(stdout, doc);
		fputc('\n', stdout);
	} else {
		rc = calls_print_table(calls);
	}
	jv_free(doc);
	if (rc != 0) {
		fprintf(stderr, "voxgatectl: out of memory\n");
		return EXIT_USAGE;
	}
	return 0;
}

static int
registrations_print_table(const struct jv *regs)
{
	const struct jv *r, *ct;
	char buf[512];
	struct table t;
	int rc;

	table_init(&t, 5, 0x4);
	table_add(&t, "AOR");
	table_add(&t, "CONTACT");
	table_add(&t, "EXPIRES_S");
	table_add(&t, "SOURCE");
	table_add(&t, "TRANSPORT");
	for (r = regs->head; r != NULL; r = r->next) {
		const struct jv *contacts = jv_list(r, "contacts");
		const char *aor = jv_text(jv_get(r, "aor"), buf, sizeof(buf));

		bool first = true;

		ct = contacts != NULL ? contacts->head : NULL;
		do {
			table_add(&t, "%s", first ? aor : "");
			first = false;
			table_add(&t, "%s",
					jv_text(jv_get(ct, "uri"), buf,
							sizeof(buf)));
			table_add(&t, "%s",
					jv_text(jv_get(ct, "expires_in"), buf,
							sizeof(buf)));
			table_add(&t, "%s",
					jv_text(jv_get(ct, "source"), buf,
							sizeof(buf)));
			table_add(&t, "%s",
					jv_text(jv_get(ct, "transport"), buf,
							sizeof(buf)));
			ct = ct != NULL ? ct->next : NULL;
		} while (ct != NULL);
	}
	rc = table_print(&t, stdout, "");
	table_free(&t);
	return rc;
}

/* registrations: the location service of voxgate-cp. */
static int
cmd_registrations(struct ctl *c)
{
	const struct jv *regs;
	struct jv *doc = NULL;
	char *raw = NULL;
	int rc;

	rc = cp_ask(c, "registrations", &doc, &raw);
	if (rc != 0)
		return rc;
	regs = jv_list(doc, "registrations");
	if (regs == NULL) {
		fprintf(stderr,
				"voxgatectl: voxgate-cp's answer to "
				"'registrations' has no \"registrations\" "
				"array\n");
		rc = EXIT_CP;
	} else if (c->json) {
		printf("%s\n", raw);
	} else if (registrations_print_table(regs) != 0) {
		fprintf(stderr, "voxgatectl: out of memory\n");
		rc = EXIT_USAGE;
	}
	jv_free(doc);
	free(raw);
	return rc;
}

/* Every scalar of a document as "dotted.key value" (unknown keys too). */
static void
stats_rows(struct table *t, const struct jv *obj, const char *prefix)
{
	const struct jv *m;
	char key[256], buf[512];

	for (m = obj->head; m != NULL; m = m->next) {
		snprintf(key, sizeof(key), "%s%s", prefix, m->key);
		if (m->type == JV_OBJ) {
			strncat(key, ".", sizeof(key) - strlen(key) - 1);
			stats_rows(t, m, key);
			continue;
		}
		table_add(t, "%s", key);
		table_add(t, "%s", jv_text(m, buf, sizeof(buf)));
	}
}

/* stats: voxgate-cp's counters. */
static int
cmd_stats(struct ctl *c)
{
	struct jv *doc = NULL;
	struct table t;
	char *raw = NULL;
	int rc;

	rc = cp_ask(c, "stats", &doc, &raw);
	if (rc != 0)
		return rc;
	if (c->json) {
		printf("%s\n", raw);
	} else {
		table_init(&t, 2, 0);
		stats_rows(&t, doc, "");
		if (table_print(&t, stdout, "") != 0) {
			fprintf(stderr, "voxgatectl: out of memory\n");
			rc = EXIT_USAGE;
		}
		table_free(&t);
	}
	jv_free(doc);
	free(raw);
	return rc;
}

/* ---- command line ------------------------------------------------------ */

static int cmd_help(struct ctl *c);

static const struct command {
	const char *name;
	const char *arg; /**< its argument's name, or NULL */
	bool config;	 /**< needs the configuration */
	int (*run)(struct ctl *c);
	const char *what;
} commands[] = {
		{"status", NULL, true, cmd_status,
				"data plane (state, sessions, lcores, ports) "
				"and control plane"},
		{"calls", NULL, true, cmd_calls,
				"calls in voxgate-cp, with each leg's media "
				"counters"},
		{"registrations", NULL, true, cmd_registrations,
				"registered contacts in voxgate-cp"},
		{"stats", NULL, true, cmd_stats, "voxgate-cp's counters"},
		{"sessions", NULL, true, cmd_sessions,
				"every media session in voxgate-dp"},
		{"session", "ID", true, cmd_session,
				"one media session in detail, drops by reason"},
		{"help", NULL, false, cmd_help, "this text"},
};

static void
usage(FILE *out)
{
	size_t i;

	fputs("usage: voxgatectl [--config FILE] [--json] COMMAND [ARG]"
	      " [-- EAL...]\n",
			out);
	fputs("The voxgate operator's CLI: reads voxgate-dp as a DPDK "
	      "secondary process\n",
			out);
	fprintf(out,
			"and asks voxgate-cp over its control socket "
			"(%s/<file_prefix>-cp.sock).\n",
			VG_CTL_RUN_DIR);
	fputs("\ncommands:\n", out);
	for (i = 0; i < RTE_DIM(commands); i++) {
		char name[32];

		snprintf(name, sizeof(name), "%s%s%s", commands[i].name,
				commands[i].arg != NULL ? " " : "",
				commands[i].arg != NULL ? commands[i].arg : "");
		fprintf(out, "  %-22s%s\n", name, commands[i].what);
	}
	fputs("\noptions:\n", out);
	fprintf(out, "  %-22sconfiguration (default %s)\n", "--config FILE",
			VG_CONFIG_DEFAULT_PATH);
	fprintf(out, "  %-22sone JSON document instead of tables\n", "--json");
	fprintf(out, "  %-22svalidate the configuration and exit\n",
			"--check-config [FILE]");
	fprintf(out, "  %-22sthis text\n", "--help");
	fprintf(out, "  %-22smore DPDK EAL arguments (--log-level=debug)\n",
			"-- EAL...");
	fputs("\nexit status: 0 ok, 1 usage or configuration error (or no "
	      "such session),\n",
			out);
	fputs("2 voxgate-cp unreachable or refused the command, 3 voxgate-dp "
	      "unreachable\n",
			out);
}

static int
cmd_help(struct ctl *c)
{
	(void)c;
	usage(stdout);
	return 0;
}

/*
 * Take --json and the command words out of argv; what is left (--config,
 * --check-config, --help, "--" and the EAL words) goes to conf's
 * vg_cli_parse(). Words that belong to an option stay with it.
 */
static int
split_args(int argc, char **argv, struct ctl *c, char **kept, int *n_kept,
		const char **cmd)
{
	int i, n = 0;

	kept[n++] = argv[0];
	*cmd = NULL;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			while (i < argc)
				kept[n++] = argv[i++];
			break;
		}
		if (strcmp(a, "--json") == 0) {
			c->json = true;
		} else if (strcmp(a, "--config") == 0 || strcmp(a, "-c") == 0) {
			kept[n++] = argv[i];
			if (i + 1 < argc)
				kept[n++] = argv[++i];
		} else if (strcmp(a, "--check-config") == 0) {
			kept[n++] = argv[i];
			if (i + 1 < argc && argv[i + 1][0] != '-')
				kept[n++] = argv[++i];
		} else if (a[0] == '-') {
			kept[n++] = argv[i];
		} else if (*cmd == NULL) {
			*cmd = a;
		} else if (c->arg == NULL) {
			c->arg = a;
		} else {
			fprintf(stderr,
					"voxgatectl: unexpected '%s' after '%s "
					"%s' (try --help)\n",
					a, *cmd, c->arg);
			return EXIT_USAGE;
		}
	}
	kept[n] = NULL;
	*n_kept = n;
	return 0;
}

static int
load_config(struct ctl *c)
{
	struct vg_cfg_errors errs = {0};
	int rc;

	rc = vg_config_load_file(c->cli.config_path, &c->cfg, &errs);
	if (rc != 0) {
		if (errs.n > 0)
			vg_cfg_errors_print(&errs, c->cli.config_path, stderr);
		else
			fprintf(stderr, "voxgatectl: %s: %s\n",
					c->cli.config_path, strerror(-rc));
		vg_cfg_errors_free(&errs);
		return EXIT_USAGE;
	}
	vg_cfg_errors_free(&errs);
	c->cfg_loaded = true;
	if (vg_ctl_socket_path(c->cfg.eal.file_prefix, c->sock,
			    sizeof(c->sock)) != 0) {
		fprintf(stderr,
				"voxgatectl: file prefix '%s' makes a control "
				"socket path that is too long\n",
				c->cfg.eal.file_prefix);
		return EXIT_USAGE;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct ctl c;
	const struct command *command = NULL;
	const char *cmd;
	char **kept;
	int n_kept, rc;
	size_t i;

	c.argv = argv;
	kept = calloc((size_t)argc + 1, sizeof(*kept));
	if (kept == NULL)
		return EXIT_USAGE;
	rc = split_args(argc, argv, &c, kept, &n_kept, &cmd);
	if (rc != 0)
		goto out;
	if (vg_cli_parse(n_kept, kept, &c.cli, stderr) != 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (c.cli.help) {
		usage(stdout);
		goto out;
	}
	if (c.cli.check_only) {
		rc = vg_config_check(c.cli.config_path, stdout, stderr);
		goto out;
	}
	if (cmd == NULL) {
		usage(stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < RTE_DIM(commands); i++)
		if (strcmp(commands[i].name, cmd) == 0)
			command = &commands[i];
	if (command == NULL) {
		fprintf(stderr, "voxgatectl: unknown command '%s' (try help)\n",
				cmd);
		rc = EXIT_USAGE;
		goto out;
	}
	if ((command->arg != NULL) != (c.arg != NULL)) {
		fprintf(stderr,
				command->arg != NULL
						? "voxgatectl: %s needs %s\n"
						: "voxgatectl: %s takes no "
						  "argument%s\n",
				command->name,
				command->arg != NULL ? command->arg : "");
		rc = EXIT_USAGE;
		goto out;
	}
	if (command->config) {
		rc = load_config(&c);
		if (rc != 0)
			goto out;
	}
	rc = command->run(&c);
	fflush(stdout);
out:
	dp_close(&c);
	if (c.cfg_loaded)
		vg_config_free(&c.cfg);
	free(kept);
	return rc;
}

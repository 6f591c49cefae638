/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The configuration loader's entry points: defaults, load (parse, walk the
 * schema, derive, check rules, sort the errors), free, print, and the
 * --check-config action. The walk itself is in config_walk.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_pvt.h"

void
vg_cfg_err(struct vg_cfg_ctx *ctx, struct vg_toml_pos pos, const char *fmt,
		...)
{
	struct vg_cfg_errors *errs = ctx->errs;
	struct vg_cfg_error *e;
	va_list ap;

	if (errs->n == errs->cap) {
		size_t cap = errs->cap ? errs->cap * 2 : 16;
		struct vg_cfg_error *n;

		n = realloc(errs->err, cap * sizeof(*n));
		if (n == NULL) {
			ctx->nomem = 1;
			return;
		}
		errs->err = n;
		errs->cap = cap;
	}
	e = &errs->err[errs->n++];
	e->line = pos.line;
	e->col = pos.col;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void
vg_cfg_store_uint(void *field, size_t size, uint64_t v)
{
	switch (size) {
	case 1: {
		uint8_t x = (uint8_t)v;

		memcpy(field, &x, 1);
		break;
	}
	case 2: {
		uint16_t x = (uint16_t)v;

		memcpy(field, &x, 2);
		break;
	}
	case 4: {
		uint32_t x = (uint32_t)v;

		memcpy(field, &x, 4);
		break;
	}
	default:
		memcpy(field, &v, 8);
		break;
	}
}

uint64_t
vg_cfg_load_uint(const void *field, size_t size)
{
	uint8_t b;
	uint16_t h;
	uint32_t w;
	uint64_t d;

	switch (size) {
	case 1:
		memcpy(&b, field, 1);
		return b;
	case 2:
		memcpy(&h, field, 2);
		return h;
	case 4:
		memcpy(&w, field, 4);
		return w;
	default:
		memcpy(&d, field, 8);
		return d;
	}
}

struct vg_toml_pos
vg_cfg_pos(const struct vg_toml_value *table, const char *key,
		struct vg_toml_pos fallback)
{
	const struct vg_toml_value *v;

	if (table == NULL)
		return fallback;
	v = vg_toml_table_get(table, key);
	return vg_toml_pos(v != NULL ? v : table);
}

/* Defaults of array kinds come as comma-separated text. */
static void
default_array(const struct vg_cfg_key *k, char *base)
{
	char buf[256], *tok, *save = NULL;
	size_t n = 0;

	memset(base + k->off, 0, k->size * k->cap);
	snprintf(buf, sizeof(buf), "%s", k->sdef ? k->sdef : "");
	for (tok = strtok_r(buf, ",", &save); tok != NULL && n < k->cap;
			tok = strtok_r(NULL, ",", &save)) {
		char *dst = base + k->off + n * k->size;
		bool had_prefix;
		int idx;

		switch (k->kind) {
		case VG_CFG_UINTS:
			vg_cfg_store_uint(dst, k->size, strtoull(tok, NULL, 0));
			break;
		case VG_CFG_ENUMS:
			idx = vg_cfg_find_name(k->names, tok);
			vg_cfg_store_uint(dst, k->size, idx < 0 ? 0 : idx);
			break;
		case VG_CFG_STRS:
			snprintf(dst, k->size, "%s", tok);
			break;
		case VG_CFG_CIDRS:
			vg_cfg_parse_cidr(tok,
				(struct vg_cfg_cidr *)(void *)dst, &had_prefix);
			break;
		default:
			break;
		}
		n++;
	}
	vg_cfg_store_uint(base + k->count_off, k->count_size, n);
}

void
vg_cfg_apply_defaults(const struct vg_cfg_section *sec, void *vbase)
{
	char *base = vbase;
	struct vg_cfg_cidr c;
	bool had_prefix;
	size_t i;

	for (i = 0; i < sec->n_keys; i++) {
		const struct vg_cfg_key *k = &sec->keys[i];
		char *f = base + k->off;

		switch (k->kind) {
		case VG_CFG_UINT:
		case VG_CFG_ENUM:
			vg_cfg_store_uint(f, k->size, (uint64_t)k->def);
			break;
		case VG_CFG_BOOL:
			*(bool *)(void *)f = k->def != 0;
			break;
		case VG_CFG_STR:
		case VG_CFG_HEX:
			snprintf(f, k->size, "%s", k->sdef ? k->sdef : "");
			break;
		case VG_CFG_ADDR:
		case VG_CFG_CIDR:
			memset(&c, 0, sizeof(c));
			if (k->sdef != NULL)
				vg_cfg_parse_cidr(k->sdef, &c, &had_prefix);
			if (k->kind == VG_CFG_ADDR)
				memcpy(f, &c.addr, sizeof(c.addr));
			else
				memcpy(f, &c, sizeof(c));
			break;
		case VG_CFG_UINTS:
		case VG_CFG_ENUMS:
		case VG_CFG_STRS:
		case VG_CFG_CIDRS:
			default_array(k, base);
			break;
		case VG_CFG_TABLE:
			vg_cfg_apply_defaults(k->sub, f);
			break;
		case VG_CFG_TABLES:
			if (k->flags & VG_CFG_F_ALLOC)
				memset(f, 0, sizeof(void *));
			vg_cfg_store_uint(base + k->count_off, k->count_size,
				0);
			break;
		case VG_CFG_CUSTOM:
			k->load(NULL, k, NULL, base);
			break;
		}
	}
}

static void
free_tables(const struct vg_cfg_section *sec, void *vbase)
{
	char *base = vbase;
	size_t i, j, n;

	for (i = 0; i < sec->n_keys; i++) {
		const struct vg_cfg_key *k = &sec->keys[i];
		char *elems;

		if (k->kind == VG_CFG_TABLE) {
			free_tables(k->sub, base + k->off);
			continue;
		}
		if (k->kind != VG_CFG_TABLES || !(k->flags & VG_CFG_F_ALLOC))
			continue;
		memcpy(&elems, base + k->off, sizeof(elems));
		n = vg_cfg_load_uint(base + k->count_off, k->count_size);
		for (j = 0; elems != NULL && j < n; j++)
			free_tables(k->sub, elems + j * k->sub->elem_size);
		free(elems);
		elems = NULL;
		memcpy(base + k->off, &elems, sizeof(elems));
		vg_cfg_store_uint(base + k->count_off, k->count_size, 0);
	}
}

void
vg_config_defaults(struct vg_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	vg_cfg_apply_defaults(&vg_cfg_root, cfg);
	vg_cfg_default_listen(&cfg->sip);
}

void
vg_config_free(struct vg_config *cfg)
{
	if (cfg == NULL)
		return;
	free_tables(&vg_cfg_root, cfg);
}

void
vg_cfg_errors_free(struct vg_cfg_errors *errs)
{
	if (errs == NULL)
		return;
	free(errs->err);
	errs->err = NULL;
	errs->n = 0;
	errs->cap = 0;
}

/* File order; insertion sort keeps errors at one place in report order. */
static void
sort_errors(struct vg_cfg_errors *errs)
{
	size_t i, j;

	for (i = 1; i < errs->n; i++) {
		struct vg_cfg_error e = errs->err[i];

		for (j = i; j > 0; j--) {
			const struct vg_cfg_error *p = &errs->err[j - 1];

			if (p->line < e.line ||
					(p->line == e.line && p->col <= e.col))
				break;
			errs->err[j] = *p;
		}
		errs->err[j] = e;
	}
}

int
vg_config_load_text(const char *text, size_t len, const char *path,
		struct vg_config *cfg, struct vg_cfg_errors *errs)
{
	struct vg_cfg_errors local = { 0 };
	struct vg_cfg_where top = { "", false };
	struct vg_toml_doc *doc = NULL;
	struct vg_cfg_ctx ctx = { 0 };
	struct vg_toml_error terr;
	int rc;

	if (errs == NULL)
		errs = &local;
	errs->n = 0;
	ctx.errs = errs;
	ctx.cfg = cfg;
	vg_config_defaults(cfg);

	memset(&terr, 0, sizeof(terr));
	rc = vg_toml_parse(text, len, &doc, &terr);
	if (rc == -EINVAL) {
		vg_cfg_err(&ctx, terr.pos, "%s", terr.msg);
		goto out;
	}
	if (rc != 0)
		goto out;

	ctx.root = vg_toml_root(doc);
	vg_cfg_load_table(&ctx, &vg_cfg_root, ctx.root, cfg, top);
	if (!ctx.nomem) {
		vg_cfg_derive(&ctx);
		vg_cfg_check_rules(&ctx);
	}
	sort_errors(errs);
out:
	if (ctx.nomem || rc == -ENOMEM)
		rc = -ENOMEM;
	else if (errs->n != 0)
		rc = -EINVAL;
	if (rc != 0) {
		vg_config_free(cfg);
		vg_config_defaults(cfg);
	}
	snprintf(cfg->path, sizeof(cfg->path), "%s", path ? path : "");
	vg_toml_free(doc);
	vg_cfg_errors_free(&local);
	free(ctx.bad);
	return rc;
}

/* The whole file in one malloc'd buffer; -errno on failure. */
static int
read_file(const char *path, char **textp, size_t *lenp)
{
	size_t len = 0, cap = 4096;
	char *text = NULL, *n;
	struct stat st;
	ssize_t got;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && st.st_size > 0)
		cap = (size_t)st.st_size + 1;
	text = malloc(cap);
	if (text == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		if (len == cap) {
			n = realloc(text, cap * 2);
			if (n == NULL) {
				rc = -ENOMEM;
				goto out;
			}
			text = n;
			cap *= 2;
		}
		got = read(fd, text + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			goto out;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	*textp = text;
	*lenp = len;
	text = NULL;
out:
	free(text);
	close(fd);
	return rc;
}

int
vg_config_load_file(const char *path, struct vg_config *cfg,
		struct vg_cfg_errors *errs)
{
	struct vg_cfg_errors local = { 0 };
	struct vg_toml_pos nowhere = { 0, 0 };
	struct vg_cfg_ctx ctx = { 0 };
	char *text = NULL;
	size_t len = 0;
	int rc;

	rc = read_file(path, &text, &len);
	if (rc == 0) {
		rc = vg_config_load_text(text, len, path, cfg, errs);
		goto out;
	}
	if (errs == NULL)
		errs = &local;
	errs->n = 0;
	ctx.errs = errs;
	vg_config_defaults(cfg);
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	vg_cfg_err(&ctx, nowhere, "cannot read: %s", strerror(-rc));
	vg_cfg_errors_free(&local);
out:
	free(text);
	return rc;
}

void
vg_cfg_errors_print(const struct vg_cfg_errors *errs, const char *path,
		FILE *out)
{
	size_t i;

	for (i = 0; i < errs->n; i++) {
		const struct vg_cfg_error *e = &errs->err[i];

		if (e->line == 0)
			fprintf(out, "%s: %s\n", path, e->msg);
		else
			fprintf(out, "%s:%u:%u: %s\n", path, e->line, e->col,
				e->msg);
	}
}

int
vg_config_check(const char *path, FILE *out, FILE *err)
{
	struct vg_cfg_errors errs = { 0 };
	struct vg_config cfg;
	int rc;

	rc = vg_config_load_file(path, &cfg, &errs);
	if (rc == 0)
		fprintf(out, "ok\n");
	else if (errs.n != 0)
		vg_cfg_errors_print(&errs, path, err);
	else
		fprintf(err, "%s: %s\n", path, strerror(-rc));
	vg_config_free(&cfg);
	vg_cfg_errors_free(&errs);
	return rc == 0 ? 0 : 1;
}

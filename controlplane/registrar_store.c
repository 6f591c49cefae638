/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file Registrar persistence: an atomically replaced text file.
 *
 * Format: the first line is VG_REG_FILE_MAGIC; then one binding per line,
 * nine tab-separated fields: aor, uri, instance, call-id, source, cseq, q,
 * expires_ms, updated_ms. Bytes below 0x21, 0x7f and '%' are written as
 * %XX so a field never holds a tab or a line break. Text rather than a
 * binary image: an operator can read and repair it, and a torn or edited
 * line costs only that binding.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registrar_pvt.h"

#define VG_REG_FILE_MAGIC "# voxgate registrations v1"
#define VG_REG_LINE_MAX 2048
#define VG_REG_FIELDS 9

static void
put_escaped(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x21 || c == 0x7f || c == '%')
			fprintf(f, "%%%02X", c);
		else
			fputc(c, f);
	}
}

struct save_ctx {
	FILE *f;
};

static bool
save_one(const char *aor, const struct vg_reg_binding *b, void *arg)
{
	struct save_ctx *ctx = arg;

	put_escaped(ctx->f, aor);
	fputc('\t', ctx->f);
	put_escaped(ctx->f, b->uri);
	fputc('\t', ctx->f);
	put_escaped(ctx->f, b->instance);
	fputc('\t', ctx->f);
	put_escaped(ctx->f, b->call_id);
	fputc('\t', ctx->f);
	put_escaped(ctx->f, b->source);
	fprintf(ctx->f, "\t%" PRIu32 "\t%u\t%" PRIu64 "\t%" PRIu64 "\n",
			b->cseq, (unsigned)b->q, b->expires_ms, b->updated_ms);
	return true;
}

/* fsync the directory that holds path, so the rename itself is durable. */
static int
sync_dir(const char *path)
{
	char buf[VG_CFG_STR_MAX];
	int fd, rc = 0;

	vg_reg_copy(buf, sizeof(buf), path);
	fd = open(dirname(buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

int
vg_reg_save(struct vg_registrar *reg, uint64_t now_ms)
{
	char tmp[VG_CFG_STR_MAX + 32];
	struct save_ctx ctx;
	int fd, rc = 0;

	if (reg == NULL)
		return -EINVAL;
	if (reg->p.file[0] == '\0') {
		reg->dirty = false;
		return 0;
	}
	/* a failure is retried by vg_reg_flush() after save_delay_ms, not
	 * at every call */
	reg->last_save_ms = now_ms;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", reg->p.file, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	ctx.f = fdopen(fd, "w");
	if (ctx.f == NULL) {
		rc = -errno;
		close(fd);
		goto out;
	}
	fprintf(ctx.f, "%s\n", VG_REG_FILE_MAGIC);
	vg_reg_foreach(reg, now_ms, save_one, &ctx);
	errno = 0;
	if (fflush(ctx.f) != 0 || ferror(ctx.f) || fsync(fd) != 0)
		rc = errno != 0 ? -errno : -EIO;
	if (fclose(ctx.f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, reg->p.file) != 0)
		rc = -errno;
	if (rc == 0)
		rc = sync_dir(reg->p.file);
out:
	if (rc != 0)
		unlink(tmp);
	else
		reg->dirty = false;
	return rc;
}

int
vg_reg_flush(struct vg_registrar *reg, uint64_t now_ms)
{
	if (reg == NULL || !reg->dirty)
		return 0;
	if (reg->last_save_ms != 0 &&
			now_ms < reg->last_save_ms + reg->p.save_delay_ms)
		return 0;
	return vg_reg_save(reg, now_ms);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undo put_escaped() in place; false on a bad escape. */
static bool
unescape(char *s)
{
	char *w = s;

	for (; *s != '\0'; s++) {
		if (*s == '%') {
			int hi = hexval(s[1]), lo = hi >= 0 ? hexval(s[2]) : -1;

			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return false;
			*w++ = (char)(hi * 16 + lo);
			s += 2;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
	return true;
}

static bool
parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || x > max)
		return false;
	*v = x;
	return true;
}

/* One line (without its newline) into aor and b; false when malformed. */
static bool
parse_line(char *line, char **aor, struct vg_reg_binding *b)
{
	char *f[VG_REG_FIELDS];
	uint64_t v;
	size_t i;

	for (i = 0; i < VG_REG_FIELDS; i++) {
		f[i] = line;
		line = strchr(line, '\t');
		if ((line == NULL) != (i == VG_REG_FIELDS - 1))
			return false;
		if (line != NULL)
			*line++ = '\0';
	}
	for (i = 0; i < 5; i++)
		if (!unescape(f[i]))
			return false;
	memset(b, 0, sizeof(*b));
	if (f[0][0] == '\0' || strlen(f[0]) >= VG_REG_AOR_MAX ||
			f[1][0] == '\0' ||
			!vg_reg_copy(b->uri, sizeof(b->uri), f[1]) ||
			!vg_reg_copy(b->instance, sizeof(b->instance), f[2]) ||
			!vg_reg_copy(b->call_id, sizeof(b->call_id), f[3]) ||
			!vg_reg_copy(b->source, sizeof(b->source), f[4]))
		return false;
	*aor = f[0];
	if (!parse_u64(f[5], UINT32_MAX, &v))
		return false;
	b->cseq = (uint32_t)v;
	if (!parse_u64(f[6], 1000, &v))
		return false;
	b->q = (uint16_t)v;
	return parse_u64(f[7], UINT64_MAX, &b->expires_ms) &&
			parse_u64(f[8], UINT64_MAX, &b->updated_ms);
}

/* Read one line into buf; a longer line is consumed and reported. */
static bool
read_line(FILE *f, char *buf, size_t size, bool *too_long)
{
	size_t len;
	int c;

	*too_long = false;
	if (fgets(buf, (int)size, f) == NULL)
		return false;
	len = strlen(buf);
	if (len > 0 && buf[len - 1] == '\n') {
		buf[len - 1] = '\0';
		return true;
	}
	if (feof(f))
		return true; /* last line without a newline */
	*too_long = true;
	while ((c = fgetc(f)) != EOF && c != '\n')
		;
	return true;
}

static int
load_lines(struct vg_registrar *reg, FILE *f, uint64_t now_ms, unsigned *bad,
		unsigned *dropped)
{
	char line[VG_REG_LINE_MAX];
	struct vg_reg_binding b;
	bool too_long;
	int loaded = 0;
	char *aor;

	while (read_line(f, line, sizeof(line), &too_long)) {
		struct vg_reg_record *rec;

		if (too_long || !parse_line(line, &aor, &b)) {
			(*bad)++;
			continue;
		}
		if (b.expires_ms <= now_ms)
			continue;
		rec = vg_reg_record_get(reg, aor, true);
		if (rec == NULL)
			return -ENOMEM;
		if (rec->n >= reg->p.max_contacts) {
			(*dropped)++;
			continue;
		}
		if (vg_reg_record_append(reg, rec, &b) != 0)
			return -ENOMEM;
		loaded++;
	}
	return loaded;
}

int
vg_reg_load(struct vg_registrar *reg, uint64_t now_ms, FILE *warn)
{
	char line[VG_REG_LINE_MAX];
	unsigned bad = 0, dropped = 0;
	bool too_long;
	FILE *f;
	int rc;

	if (reg == NULL)
		return -EINVAL;
	if (reg->n_aors != 0)
		return -EBUSY;
	if (reg->p.file[0] == '\0')
		return 0;
	f = fopen(reg->p.file, "re");
	if (f == NULL)
		return errno == ENOENT ? 0 : -errno;
	if (!read_line(f, line, sizeof(line), &too_long) || too_long ||
			strcmp(line, VG_REG_FILE_MAGIC) != 0) {
		if (warn != NULL)
			fprintf(warn,
					"warning: %s: not a registrations file,"
					" ignored\n",
					reg->p.file);
		fclose(f);
		return 0;
	}
	rc = load_lines(reg, f, now_ms, &bad, &dropped);
	if (ferror(f) && rc >= 0)
		rc = -EIO;
	fclose(f);
	if (warn != NULL && bad != 0)
		fprintf(warn, "warning: %s: %u malformed line(s) skipped\n",
				reg->p.file, bad);
	if (warn != NULL && dropped != 0)
		fprintf(warn,
				"warning: %s: %u binding(s) above max_contacts"
				" dropped\n",
				reg->p.file, dropped);
	/* What was read is what is on disk: nothing to save yet. */
	reg->dirty = false;
	return rc;
}

struct dump_entry {
	const char *aor;
	const struct vg_reg_binding *b;
};

struct dump_ctx {
	struct dump_entry *e;
	size_t n, cap;
};

static bool
dump_collect(const char *aor, const struct vg_reg_binding *b, void *arg)
{
	struct dump_ctx *ctx = arg;

	if (ctx->n == ctx->cap)
		return false;
	ctx->e[ctx->n].aor = aor;
	ctx->e[ctx->n].b = b;
	ctx->n++;
	return true;
}

static int
dump_order(const void *pa, const void *pb)
{
	const struct dump_entry *a = pa, *b = pb;
	int c = strcmp(a->aor, b->aor);

	return c != 0 ? c : strcmp(a->b->uri, b->b->uri);
}

void
vg_reg_dump(const struct vg_registrar *reg, uint64_t now_ms, FILE *out)
{
	struct dump_ctx ctx = {0};
	size_t i;

	if (reg == NULL || reg->n_bindings == 0)
		return;
	ctx.cap = reg->n_bindings;
	ctx.e = calloc(ctx.cap, sizeof(*ctx.e));
	if (ctx.e == NULL)
		return;
	vg_reg_foreach(reg, now_ms, dump_collect, &ctx);
	qsort(ctx.e, ctx.n, sizeof(*ctx.e), dump_order);
	for (i = 0; i < ctx.n; i++)
		fprintf(out, "%s %s expires=%" PRIu64 "\n", ctx.e[i].aor,
				ctx.e[i].b->uri,
				(ctx.e[i].b->expires_ms - now_ms + 999) / 1000);
	free(ctx.e);
}

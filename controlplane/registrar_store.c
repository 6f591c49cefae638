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
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registrar_pvt.h"

#define VG_REG_FILE_MAGIC "# voxgate registrations v1"
#define VG_REG_LINE_MAX 2048
#define VG_REG_FIELDS 9

/* A growing text buffer: a snapshot is formatted in memory on the SIP
 * loop (fast), and written to disk by the writer thread. */
struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void
sb_reserve(struct sbuf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->oom || b->len + more <= b->cap)
		return;
	cap = b->cap != 0 ? b->cap : 65536;
	while (cap < b->len + more)
		cap *= 2;
	p = realloc(b->p, cap);
	if (p == NULL) {
		b->oom = true;
		return;
	}
	b->p = p;
	b->cap = cap;
}

static void
sb_putc(struct sbuf *b, char c)
{
	sb_reserve(b, 1);
	if (!b->oom)
		b->p[b->len++] = c;
}

static void
sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	sb_reserve(b, 128);
	if (b->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len) {
		b->oom = true; /* 128 bytes hold every number line */
		return;
	}
	b->len += (size_t)n;
}

static void
put_escaped(struct sbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x21 || c == 0x7f || c == '%') {
			sb_putc(b, '%');
			sb_putc(b, hex[c >> 4]);
			sb_putc(b, hex[c & 15]);
		} else {
			sb_putc(b, (char)c);
		}
	}
}

static bool
save_one(const char *aor, const struct vg_reg_binding *bd, void *arg)
{
	struct sbuf *b = arg;

	put_escaped(b, aor);
	sb_putc(b, '\t');
	put_escaped(b, bd->uri);
	sb_putc(b, '\t');
	put_escaped(b, bd->instance);
	sb_putc(b, '\t');
	put_escaped(b, bd->call_id);
	sb_putc(b, '\t');
	put_escaped(b, bd->source);
	sb_printf(b, "\t%" PRIu32 "\t%u\t%" PRIu64 "\t%" PRIu64 "\n",
			bd->cseq, (unsigned)bd->q, bd->expires_ms,
			bd->updated_ms);
	return !b->oom;
}

/* The file's whole text, or -ENOMEM. */
static int
snapshot(struct vg_registrar *reg, uint64_t now_ms, struct sbuf *b)
{
	memset(b, 0, sizeof(*b));
	sb_printf(b, "%s\n", VG_REG_FILE_MAGIC);
	vg_reg_foreach(reg, now_ms, save_one, b);
	if (b->oom) {
		free(b->p);
		b->p = NULL;
		return -ENOMEM;
	}
	return 0;
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

/* Write text to path atomically: a temporary file, fsync, rename, fsync
 * of the directory. @return 0 or -errno (the old file is then intact) */
static int
write_atomic(const char *path, const char *text, size_t len)
{
	char tmp[VG_CFG_STR_MAX + 32];
	size_t off = 0;
	int fd, rc = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (off < len && rc == 0) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno != EINTR)
			rc = -errno;
		else if (n > 0)
			off += (size_t)n;
	}
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc == 0)
		rc = sync_dir(path);
	if (rc != 0)
		unlink(tmp);
	return rc;
}

/*
 * The writer thread: writes the snapshot it is handed, one at a time, so
 * the SIP loop never waits for the disk (an fsync of a few MB took long
 * enough to overflow the SIP socket's buffer at 4000 REGISTER/s).
 */
struct vg_reg_writer {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char path[VG_CFG_STR_MAX];
	struct sbuf job;           /**< handed over; owner: writer */
	bool busy;                 /**< job not written yet */
	bool stop;
	int result;                /**< of the last write, until collected */
	bool have_result;
};

static void *
writer_main(void *arg)
{
	struct vg_reg_writer *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct sbuf job;
		int rc;

		while (!w->busy && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->busy)
			break;
		job = w->job;
		pthread_mutex_unlock(&w->mu);
		rc = write_atomic(w->path, job.p, job.len);
		free(job.p);
		pthread_mutex_lock(&w->mu);
		memset(&w->job, 0, sizeof(w->job));
		w->busy = false;
		w->result = rc;
		w->have_result = true;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static int
writer_start(struct vg_registrar *reg)
{
	struct vg_reg_writer *w;
	int rc;

	if (reg->writer != NULL)
		return 0;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return -ENOMEM;
	vg_reg_copy(w->path, sizeof(w->path), reg->p.file);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	rc = pthread_create(&w->th, NULL, writer_main, w);
	if (rc != 0) {
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return -rc;
	}
	(void)pthread_setname_np(w->th, "vg-reg-writer");
	reg->writer = w;
	return 0;
}

/* Wait until the writer is idle; the result of its last write, if not
 * collected yet, else 0. */
static int
writer_wait(struct vg_reg_writer *w)
{
	int rc = 0;

	if (w == NULL)
		return 0;
	pthread_mutex_lock(&w->mu);
	while (w->busy)
		pthread_cond_wait(&w->cv, &w->mu);
	if (w->have_result) {
		rc = w->result;
		w->have_result = false;
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}

void
vg_reg_writer_stop(struct vg_registrar *reg)
{
	struct vg_reg_writer *w = reg->writer;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
	reg->writer = NULL;
}

int
vg_reg_save(struct vg_registrar *reg, uint64_t now_ms)
{
	struct sbuf b;
	int rc;

	if (reg == NULL)
		return -EINVAL;
	if (reg->p.file[0] == '\0') {
		reg->dirty = false;
		return 0;
	}
	/* a failure is retried by vg_reg_flush() after save_delay_ms, not
	 * at every call */
	reg->last_save_ms = now_ms;
	/* one writer of the file at a time; this write supersedes */
	(void)writer_wait(reg->writer);
	rc = snapshot(reg, now_ms, &b);
	if (rc != 0)
		return rc;
	rc = write_atomic(reg->p.file, b.p, b.len);
	free(b.p);
	if (rc == 0)
		reg->dirty = false;
	return rc;
}

int
vg_reg_flush(struct vg_registrar *reg, uint64_t now_ms)
{
	struct vg_reg_writer *w;
	struct sbuf b;
	int rc;

	if (reg == NULL)
		return 0;
	/* the outcome of the write handed over before */
	w = reg->writer;
	rc = 0;
	if (w != NULL) {
		pthread_mutex_lock(&w->mu);
		if (w->busy) {
			pthread_mutex_unlock(&w->mu);
			return 0; /* still writing: changes wait */
		}
		if (w->have_result) {
			rc = w->result;
			w->have_result = false;
		}
		pthread_mutex_unlock(&w->mu);
		if (rc != 0) {
			reg->dirty = true; /* that snapshot is not on disk */
			return rc;
		}
	}
	if (!reg->dirty)
		return 0;
	if (reg->last_save_ms != 0 &&
			now_ms < reg->last_save_ms + reg->p.save_delay_ms)
		return 0;
	if (reg->p.file[0] == '\0') {
		reg->dirty = false;
		return 0;
	}
	reg->last_save_ms = now_ms;
	rc = writer_start(reg);
	if (rc != 0)
		return rc;
	rc = snapshot(reg, now_ms, &b);
	if (rc != 0)
		return rc;
	w = reg->writer;
	pthread_mutex_lock(&w->mu);
	w->job = b;
	w->busy = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	/* changes from now on need another save; a failed write sets it
	 * again when it is collected */
	reg->dirty = false;
	return 0;
}

int
vg_reg_sync(struct vg_registrar *reg)
{
	int rc;

	if (reg == NULL)
		return 0;
	rc = writer_wait(reg->writer);
	if (rc != 0)
		reg->dirty = true;
	return rc;
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

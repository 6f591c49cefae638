/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * TOML parser diagnostics: error positions and one-line messages that say
 * what was found.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "toml_pvt.h"

int
vg_toml_fail(struct vg_toml_parser *ps, struct vg_toml_pos pos,
		const char *fmt, ...)
{
	va_list ap;
	char *nl;

	ps->err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
	/* Messages are one line whatever went into them. */
	while ((nl = strpbrk(ps->err->msg, "\r\n")) != NULL)
		*nl = ' ';
	return -EINVAL;
}

struct vg_toml_pos
vg_toml_here(const struct vg_toml_parser *ps)
{
	struct vg_toml_pos pos;

	pos.line = ps->line;
	pos.col = (uint32_t)(ps->p - ps->line_start + 1);
	return pos;
}

/* What sits at off, for "found ..." in messages. */
void
vg_toml_describe(const struct vg_toml_parser *ps, size_t off, char *buf,
		size_t size)
{
	uint8_t c;
	size_t n = 1;

	if (off >= ps->len) {
		snprintf(buf, size, "end of file");
		return;
	}
	c = (uint8_t)ps->text[off];
	if (c == '\n')
		snprintf(buf, size, "newline");
	else if (c == '\r')
		snprintf(buf, size, "carriage return");
	else if (c == '\t')
		snprintf(buf, size, "tab");
	else if (c < 0x20 || c == 0x7f)
		snprintf(buf, size, "control character U+%04X", c);
	else if (c < 0x80)
		snprintf(buf, size, "'%c'", c);
	else {
		/* The text is valid UTF-8 by now: copy one whole character. */
		uint32_t cp;
		size_t i;

		n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (n > ps->len - off)
			n = ps->len - off;
		cp = c & (n == 4 ? 0x07 : n == 3 ? 0x0f : 0x1f);
		for (i = 1; i < n; i++)
			cp = cp << 6 | ((uint8_t)ps->text[off + i] & 0x3f);
		snprintf(buf, size, "'%.*s' (U+%04X)", (int)n, ps->text + off,
			cp);
	}
}

/* A key fit for a message: control characters escaped, long keys cut. */
void
vg_toml_quote(const char *s, size_t len, char *buf, size_t size)
{
	size_t o = 0, i;

	if (size == 0)
		return;
	for (i = 0; i < len; i++) {
		uint8_t c = (uint8_t)s[i];

		/* Cut only between characters, leaving room for "...". */
		if ((c & 0xc0) != 0x80 && (o > 40 || o + 12 >= size)) {
			if (o + 4 <= size) {
				memcpy(buf + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, size - o, "\\u%04X", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
}

/* 1-based line and column of a byte offset, counting from the start. */
struct vg_toml_pos
vg_toml_pos_of(const char *text, size_t off)
{
	struct vg_toml_pos pos = { 1, 1 };
	size_t i, ls = 0;

	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			pos.line++;
			ls = i + 1;
		}
	}
	pos.col = (uint32_t)(off - ls + 1);
	return pos;
}

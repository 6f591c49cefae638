/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * TOML document grammar: expressions, keys, table headers, arrays, inline
 * tables, and the rules on what may define or extend which table
 * (TOML 1.0, "Table", "Inline Table", "Array of Tables").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml_pvt.h"

/** One part of a (possibly dotted) key. */
struct key_part {
	char *s;                /**< stays valid after moving to a table */
	size_t len;
	bool owned;             /**< false once a table owns s */
	struct vg_toml_pos pos;
};

struct key_path {
	struct key_part *parts;
	size_t n, cap;
};

static int parse_value(struct vg_toml_parser *ps, unsigned int depth,
		struct vg_toml_value **out);
static int parse_keyval(struct vg_toml_parser *ps, struct vg_toml_value *tbl);

static bool
at(const struct vg_toml_parser *ps, char c)
{
	return ps->p < ps->len && ps->text[ps->p] == c;
}

static void
skip_ws(struct vg_toml_parser *ps)
{
	while (ps->p < ps->len &&
			(ps->text[ps->p] == ' ' || ps->text[ps->p] == '\t'))
		ps->p++;
}

static void
newline(struct vg_toml_parser *ps)
{
	ps->line++;
	ps->line_start = ps->p;
}

/* A comment from '#' up to (not including) the end of line. */
static int
skip_comment(struct vg_toml_parser *ps)
{
	while (ps->p < ps->len) {
		uint8_t c = (uint8_t)ps->text[ps->p];

		if (c == '\n')
			break;
		if (c == '\r') {
			if (ps->p + 1 < ps->len && ps->text[ps->p + 1] == '\n')
				break;
			return vg_toml_fail(ps, vg_toml_here(ps),
				"carriage return in comment not followed by "
				"line feed");
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return vg_toml_fail(ps, vg_toml_here(ps),
				"control character U+%04X in comment", c);
		ps->p++;
	}
	return 0;
}

/* Consume a newline (LF or CRLF) if one is at the cursor. */
static int
eat_newline(struct vg_toml_parser *ps, bool *ate)
{
	*ate = false;
	if (at(ps, '\n')) {
		ps->p++;
	} else if (at(ps, '\r')) {
		if (ps->p + 1 >= ps->len || ps->text[ps->p + 1] != '\n')
			return vg_toml_fail(ps, vg_toml_here(ps),
				"carriage return not followed by line feed");
		ps->p += 2;
	} else {
		return 0;
	}
	newline(ps);
	*ate = true;
	return 0;
}

/* After an expression: whitespace, an optional comment, then EOL or EOF. */
static int
end_of_line(struct vg_toml_parser *ps, const char *after)
{
	char what[32];
	bool ate;
	int rc;

	skip_ws(ps);
	if (at(ps, '#')) {
		rc = skip_comment(ps);
		if (rc < 0)
			return rc;
	}
	if (ps->p >= ps->len)
		return 0;
	rc = eat_newline(ps, &ate);
	if (rc < 0 || ate)
		return rc;
	vg_toml_describe(ps, ps->p, what, sizeof(what));
	return vg_toml_fail(ps, vg_toml_here(ps),
		"expected newline or comment after %s, found %s", after, what);
}

/* Whitespace, comments and newlines, as allowed inside arrays. */
static int
skip_wcn(struct vg_toml_parser *ps)
{
	bool ate;
	int rc;

	for (;;) {
		skip_ws(ps);
		if (at(ps, '#')) {
			rc = skip_comment(ps);
			if (rc < 0)
				return rc;
		}
		rc = eat_newline(ps, &ate);
		if (rc < 0 || !ate)
			return rc;
	}
}

static bool
is_bare_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '_' || c == '-';
}

static void
key_path_free(struct key_path *kp)
{
	size_t i;

	for (i = 0; i < kp->n; i++)
		if (kp->parts[i].owned)
			free(kp->parts[i].s);
	free(kp->parts);
	kp->parts = NULL;
	kp->n = kp->cap = 0;
}

static int
parse_simple_key(struct vg_toml_parser *ps, struct key_part *kp)
{
	size_t start = ps->p;
	char what[32];
	int rc;

	kp->pos = vg_toml_here(ps);
	if (at(ps, '"') || at(ps, '\'')) {
		rc = vg_toml_scan_string(ps, false, &kp->s, &kp->len);
		kp->owned = rc == 0;
		return rc;
	}
	while (ps->p < ps->len && is_bare_key_char(ps->text[ps->p]))
		ps->p++;
	if (ps->p == start) {
		vg_toml_describe(ps, ps->p, what, sizeof(what));
		return vg_toml_fail(ps, kp->pos, "expected a key, found %s",
			what);
	}
	kp->len = ps->p - start;
	kp->s = strndup(ps->text + start, kp->len);
	kp->owned = kp->s != NULL;
	return kp->s != NULL ? 0 : -ENOMEM;
}

/* simple-key *( ws '.' ws simple-key ) */
static int
parse_key(struct vg_toml_parser *ps, struct key_path *kp)
{
	int rc;

	for (;;) {
		if (kp->n == kp->cap) {
			size_t cap = kp->cap ? 2 * kp->cap : 4;
			struct key_part *parts;

			if (kp->n >= VG_TOML_MAX_DEPTH)
				return vg_toml_fail(ps, vg_toml_here(ps),
					"key has more than %d parts",
					VG_TOML_MAX_DEPTH);
			parts = realloc(kp->parts, cap * sizeof(*parts));
			if (parts == NULL)
				return -ENOMEM;
			kp->parts = parts;
			kp->cap = cap;
		}
		kp->parts[kp->n].s = NULL;
		kp->parts[kp->n].owned = false;
		rc = parse_simple_key(ps, &kp->parts[kp->n]);
		if (rc < 0)
			return rc;
		kp->n++;
		skip_ws(ps);
		if (!at(ps, '.'))
			return 0;
		ps->p++;
		skip_ws(ps);
	}
}

/* "a.b.c" for messages. */
static void
key_path_name(const struct key_path *kp, size_t upto, char *buf,
		size_t size)
{
	size_t o = 0, i;

	buf[0] = '\0';
	for (i = 0; i < upto && o + 1 < size; i++) {
		if (i > 0)
			buf[o++] = '.';
		vg_toml_quote(kp->parts[i].s, kp->parts[i].len, buf + o,
			size - o);
		o += strlen(buf + o);
	}
	buf[o] = '\0';
}

static int
check_depth(struct vg_toml_parser *ps, struct vg_toml_pos pos,
		unsigned int depth)
{
	if (depth > VG_TOML_MAX_DEPTH)
		return vg_toml_fail(ps, pos,
			"tables and arrays nested deeper than %d levels",
			VG_TOML_MAX_DEPTH);
	return 0;
}

/* Make an empty table and add it under part (moving the key out). */
static int
add_table(struct vg_toml_parser *ps, struct vg_toml_value *parent,
		struct key_part *part, struct vg_toml_pos pos, uint8_t flags,
		struct vg_toml_value **out)
{
	unsigned int depth = parent->depth + 1u;
	struct vg_toml_value *t;
	int rc;

	rc = check_depth(ps, part->pos, depth);
	if (rc < 0)
		return rc;
	t = vg_toml_value_new(VG_TOML_TABLE, pos);
	if (t == NULL)
		return -ENOMEM;
	t->depth = (uint16_t)depth;
	t->flags = flags;
	rc = vg_toml_table_add(parent, part->s, part->len, part->pos, t);
	if (rc < 0) {
		vg_toml_value_free(t);
		return rc;
	}
	part->owned = false;
	*out = t;
	return 0;
}

static const char *
article(enum vg_toml_type t)
{
	const char *name = vg_toml_type_name(t);

	return strchr("aeiou", name[0]) != NULL ? "an" : "a";
}

/* Why an existing value cannot be used as a table on the way to a key. */
static int
fail_not_table(struct vg_toml_parser *ps, const struct key_path *kp,
		size_t i, const struct vg_toml_entry *e, bool dotted)
{
	const struct vg_toml_value *v = e->val;
	char name[120];

	key_path_name(kp, i + 1, name, sizeof(name));
	if (v->type == VG_TOML_TABLE && (v->flags & VG_TOML_T_INLINE))
		return vg_toml_fail(ps, kp->parts[i].pos,
			"cannot add to inline table '%s' (line %u): inline "
			"tables are immutable", name, e->keypos.line);
	if (v->type == VG_TOML_TABLE && dotted)
		return vg_toml_fail(ps, kp->parts[i].pos,
			"cannot add to table '%s' with a dotted key: it was "
			"defined by a [table] header (line %u)", name,
			v->pos.line);
	if (v->type == VG_TOML_ARRAY && dotted &&
			(v->flags & VG_TOML_A_TABLES))
		return vg_toml_fail(ps, kp->parts[i].pos,
			"cannot add to array of tables '%s' (line %u) with a "
			"dotted key", name, v->pos.line);
	if (v->type == VG_TOML_ARRAY)
		return vg_toml_fail(ps, kp->parts[i].pos,
			"cannot use static array '%s' (line %u) as a table",
			name, e->keypos.line);
	return vg_toml_fail(ps, kp->parts[i].pos,
		"key '%s' is already %s %s (line %u), expected a table", name,
		article(v->type), vg_toml_type_name(v->type), e->keypos.line);
}

/* key ws '=' ws value, into tbl. */
static int
parse_keyval(struct vg_toml_parser *ps, struct vg_toml_value *tbl)
{
	struct key_path kp = { NULL, 0, 0 };
	struct vg_toml_value *t = tbl, *v = NULL;
	struct key_part *last;
	struct vg_toml_entry *e;
	char what[32], name[120];
	size_t i;
	int rc;

	rc = parse_key(ps, &kp);
	if (rc < 0)
		goto out;
	if (!at(ps, '=')) {
		vg_toml_describe(ps, ps->p, what, sizeof(what));
		rc = vg_toml_fail(ps, vg_toml_here(ps),
			"expected '=' after key, found %s", what);
		goto out;
	}
	ps->p++;
	skip_ws(ps);
	/* Dotted keys may only walk through tables that dotted keys made. */
	for (i = 0; i + 1 < kp.n; i++) {
		e = vg_toml_table_find(t, kp.parts[i].s, kp.parts[i].len);
		if (e == NULL) {
			rc = add_table(ps, t, &kp.parts[i], kp.parts[i].pos,
				VG_TOML_T_DOTTED, &t);
			if (rc < 0)
				goto out;
		} else if (e->val->type == VG_TOML_TABLE &&
				(e->val->flags & VG_TOML_T_DOTTED) &&
				!(e->val->flags & VG_TOML_T_INLINE)) {
			t = e->val;
		} else {
			rc = fail_not_table(ps, &kp, i, e, true);
			goto out;
		}
	}
	last = &kp.parts[kp.n - 1];
	e = vg_toml_table_find(t, last->s, last->len);
	if (e != NULL) {
		key_path_name(&kp, kp.n, name, sizeof(name));
		rc = vg_toml_fail(ps, last->pos,
			"duplicate key '%s' (first defined at line %u)", name,
			e->keypos.line);
		goto out;
	}
	rc = parse_value(ps, t->depth + 1u, &v);
	if (rc < 0)
		goto out;
	rc = vg_toml_table_add(t, last->s, last->len, last->pos, v);
	if (rc < 0)
		goto out;
	last->owned = false;
	v = NULL;
out:
	vg_toml_value_free(v);
	key_path_free(&kp);
	return rc;
}

static int
parse_array(struct vg_toml_parser *ps, unsigned int depth,
		struct vg_toml_value **out)
{
	struct vg_toml_value *arr, *v;
	char what[32];
	int rc;

	arr = vg_toml_value_new(VG_TOML_ARRAY, vg_toml_here(ps));
	if (arr == NULL)
		return -ENOMEM;
	arr->depth = (uint16_t)depth;
	ps->p++;
	for (;;) {
		rc = skip_wcn(ps);
		if (rc < 0)
			goto out;
		if (at(ps, ']'))
			break;
		rc = parse_value(ps, depth + 1, &v);
		if (rc < 0)
			goto out;
		rc = vg_toml_array_add(arr, v);
		if (rc < 0) {
			vg_toml_value_free(v);
			goto out;
		}
		rc = skip_wcn(ps);
		if (rc < 0)
			goto out;
		if (at(ps, ',')) {
			ps->p++;
			continue;
		}
		if (at(ps, ']'))
			break;
		vg_toml_describe(ps, ps->p, what, sizeof(what));
		rc = vg_toml_fail(ps, vg_toml_here(ps),
			"expected ',' or ']' after array element, found %s",
			what);
		goto out;
	}
	ps->p++;
	*out = arr;
	arr = NULL;
out:
	vg_toml_value_free(arr);
	return rc;
}

/* '{' ws [ keyval *( ws ',' ws keyval ) ] ws '}' all on one line. */
static int
parse_inline_table(struct vg_toml_parser *ps, unsigned int depth,
		struct vg_toml_value **out)
{
	struct vg_toml_value *tbl;
	char what[32];
	int rc = 0;

	tbl = vg_toml_value_new(VG_TOML_TABLE, vg_toml_here(ps));
	if (tbl == NULL)
		return -ENOMEM;
	tbl->depth = (uint16_t)depth;
	ps->p++;
	skip_ws(ps);
	if (!at(ps, '}')) {
		for (;;) {
			rc = parse_keyval(ps, tbl);
			if (rc < 0)
				goto out;
			skip_ws(ps);
			if (at(ps, '}'))
				break;
			if (!at(ps, ',')) {
				vg_toml_describe(ps, ps->p, what, sizeof(what));
				rc = vg_toml_fail(ps, vg_toml_here(ps),
					"expected ',' or '}' in inline table, "
					"found %s", what);
				goto out;
			}
			ps->p++;
			skip_ws(ps);
			if (at(ps, '}')) {
				rc = vg_toml_fail(ps, vg_toml_here(ps),
					"expected a key after ',' in inline "
					"table, found '}' (no trailing comma "
					"allowed)");
				goto out;
			}
		}
	}
	ps->p++;
	/* Sealed: nothing reaches its sub-tables except through it. */
	tbl->flags |= VG_TOML_T_INLINE;
	*out = tbl;
	tbl = NULL;
out:
	vg_toml_value_free(tbl);
	return rc;
}

static bool
starts_with(const struct vg_toml_parser *ps, const char *word)
{
	size_t n = strlen(word);

	return ps->len - ps->p >= n && memcmp(ps->text + ps->p, word, n) == 0;
}

static int
parse_value(struct vg_toml_parser *ps, unsigned int depth,
		struct vg_toml_value **out)
{
	struct vg_toml_pos pos = vg_toml_here(ps);
	char what[32];
	char c;
	int rc;

	*out = NULL;
	if (ps->p >= ps->len)
		goto bad;
	c = ps->text[ps->p];
	switch (c) {
	case '"':
	case '\'':
		*out = vg_toml_value_new(VG_TOML_STRING, pos);
		if (*out == NULL)
			return -ENOMEM;
		rc = vg_toml_scan_string(ps, true, &(*out)->u.str.s,
			&(*out)->u.str.len);
		if (rc < 0) {
			vg_toml_value_free(*out);
			*out = NULL;
		}
		return rc;
	case '[':
	case '{':
		rc = check_depth(ps, pos, depth);
		if (rc < 0)
			return rc;
		return c == '[' ? parse_array(ps, depth, out) :
			parse_inline_table(ps, depth, out);
	case 't':
	case 'f':
		if (!starts_with(ps, c == 't' ? "true" : "false"))
			goto bad;
		*out = vg_toml_value_new(VG_TOML_BOOL, pos);
		if (*out == NULL)
			return -ENOMEM;
		(*out)->u.b = c == 't';
		ps->p += c == 't' ? 4 : 5;
		return 0;
	case 'i':
	case 'n':
		if (!starts_with(ps, c == 'i' ? "inf" : "nan"))
			goto bad;
		return vg_toml_scan_number_or_datetime(ps, out);
	default:
		if ((c >= '0' && c <= '9') || c == '+' || c == '-')
			return vg_toml_scan_number_or_datetime(ps, out);
		break;
	}
bad:
	vg_toml_describe(ps, ps->p, what, sizeof(what));
	return vg_toml_fail(ps, pos, "expected a value, found %s", what);
}

/* [ key ] or [[ key ]]; *cur becomes the table that later keys go to. */
static int
parse_header(struct vg_toml_parser *ps, struct vg_toml_value *root,
		struct vg_toml_value **cur)
{
	struct vg_toml_pos hpos = vg_toml_here(ps);
	struct key_path kp = { NULL, 0, 0 };
	struct vg_toml_value *t = root, *v, *arr;
	struct vg_toml_entry *e;
	struct key_part *last;
	char what[32], name[120];
	bool aot;
	size_t i;
	int rc;

	ps->p++;
	aot = at(ps, '[');
	if (aot)
		ps->p++;
	skip_ws(ps);
	rc = parse_key(ps, &kp);
	if (rc < 0)
		goto out;
	if (!at(ps, ']') || (aot && (ps->p + 1 >= ps->len ||
			ps->text[ps->p + 1] != ']'))) {
		size_t off = at(ps, ']') ? ps->p + 1 : ps->p;
		struct vg_toml_pos pos = vg_toml_here(ps);

		pos.col += (uint32_t)(off - ps->p);
		vg_toml_describe(ps, off, what, sizeof(what));
		rc = vg_toml_fail(ps, pos,
			"expected '%s' to close the table header, found %s",
			aot ? "]]" : "]", what);
		goto out;
	}
	ps->p += aot ? 2 : 1;
	for (i = 0; i + 1 < kp.n; i++) {
		e = vg_toml_table_find(t, kp.parts[i].s, kp.parts[i].len);
		if (e == NULL) {
			rc = add_table(ps, t, &kp.parts[i], kp.parts[i].pos,
				VG_TOML_T_IMPLICIT, &t);
			if (rc < 0)
				goto out;
			continue;
		}
		v = e->val;
		if (v->type == VG_TOML_TABLE &&
				!(v->flags & VG_TOML_T_INLINE)) {
			t = v;
		} else if (v->type == VG_TOML_ARRAY &&
				(v->flags & VG_TOML_A_TABLES)) {
			t = v->u.arr.items[v->u.arr.n - 1];
		} else {
			rc = fail_not_table(ps, &kp, i, e, false);
			goto out;
		}
	}
	last = &kp.parts[kp.n - 1];
	key_path_name(&kp, kp.n, name, sizeof(name));
	e = vg_toml_table_find(t, last->s, last->len);
	if (e == NULL && !aot) {
		rc = add_table(ps, t, last, hpos, VG_TOML_T_DEFINED, cur);
		goto out;
	}
	if (e == NULL) {
		/* Both start empty (all zero): retype the new table. */
		rc = add_table(ps, t, last, hpos, VG_TOML_A_TABLES, &arr);
		if (rc < 0)
			goto out;
		arr->type = VG_TOML_ARRAY;
		goto append;
	}
	v = e->val;
	if (!aot && v->type == VG_TOML_TABLE &&
			!(v->flags & (VG_TOML_T_INLINE | VG_TOML_T_DEFINED |
				VG_TOML_T_DOTTED))) {
		/* Made implicitly by an earlier [a.b.c]: define it now. */
		v->flags |= VG_TOML_T_DEFINED;
		v->pos = hpos;
		*cur = v;
		goto out;
	}
	if (aot && v->type == VG_TOML_ARRAY && (v->flags & VG_TOML_A_TABLES)) {
		arr = v;
		goto append;
	}
	if (v->type == VG_TOML_TABLE && (v->flags & VG_TOML_T_INLINE))
		rc = vg_toml_fail(ps, hpos,
			"cannot redefine inline table '%s' (line %u)", name,
			e->keypos.line);
	else if (v->type == VG_TOML_TABLE)
		rc = vg_toml_fail(ps, hpos,
			"table '%s' already defined at line %u%s", name,
			v->pos.line, aot ? ", cannot be an array of tables" :
				"");
	else if (v->type == VG_TOML_ARRAY && (v->flags & VG_TOML_A_TABLES))
		rc = vg_toml_fail(ps, hpos,
			"'%s' is already an array of tables (line %u), "
			"expected [[%s]]", name, v->pos.line, name);
	else if (v->type == VG_TOML_ARRAY)
		rc = vg_toml_fail(ps, hpos,
			"cannot %s static array '%s' (line %u)",
			aot ? "append with [[...]] to" : "redefine as a table",
			name, e->keypos.line);
	else
		rc = vg_toml_fail(ps, hpos,
			"key '%s' is already %s %s (line %u), expected a table",
			name, article(v->type), vg_toml_type_name(v->type),
			e->keypos.line);
	goto out;
append:
	rc = check_depth(ps, hpos, arr->depth + 1u);
	if (rc < 0)
		goto out;
	v = vg_toml_value_new(VG_TOML_TABLE, hpos);
	if (v == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	v->depth = (uint16_t)(arr->depth + 1);
	v->flags = VG_TOML_T_DEFINED;
	rc = vg_toml_array_add(arr, v);
	if (rc < 0) {
		vg_toml_value_free(v);
		goto out;
	}
	*cur = v;
out:
	key_path_free(&kp);
	return rc;
}

int
vg_toml_parse(const char *text, size_t len, struct vg_toml_doc **docp,
		struct vg_toml_error *err)
{
	struct vg_toml_parser ps = { text, len, 0, 1, 0, err };
	struct vg_toml_error dummy;
	struct vg_toml_pos start = { 1, 1 };
	struct vg_toml_value *cur;
	struct vg_toml_doc *doc;
	size_t bad;
	int rc;

	if (ps.err == NULL)
		ps.err = &dummy;
	memset(ps.err, 0, sizeof(*ps.err));
	if (docp == NULL || (text == NULL && len > 0)) {
		snprintf(ps.err->msg, sizeof(ps.err->msg),
			"invalid arguments: %s", docp == NULL ? "no docp" :
				"text is NULL with a length");
		return -EINVAL;
	}
	*docp = NULL;
	if (text == NULL)
		ps.text = "";
	doc = calloc(1, sizeof(*doc));
	if (doc == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	doc->root = vg_toml_value_new(VG_TOML_TABLE, start);
	if (doc->root == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	doc->root->flags = VG_TOML_T_DEFINED;
	cur = doc->root;
	bad = vg_toml_utf8_check(ps.text, len);
	if (bad < len) {
		rc = vg_toml_fail(&ps, vg_toml_pos_of(ps.text, bad),
			"invalid UTF-8: unexpected byte 0x%02X",
			(uint8_t)ps.text[bad]);
		goto out;
	}
	if (len >= 3 && memcmp(ps.text, "\xef\xbb\xbf", 3) == 0)
		ps.p = 3;
	for (;;) {
		skip_ws(&ps);
		if (ps.p >= len)
			break;
		if (at(&ps, '[')) {
			rc = parse_header(&ps, doc->root, &cur);
			if (rc < 0)
				goto out;
			rc = end_of_line(&ps, "table header");
		} else if (at(&ps, '#') || at(&ps, '\n') || at(&ps, '\r')) {
			rc = end_of_line(&ps, "comment");
		} else {
			rc = parse_keyval(&ps, cur);
			if (rc < 0)
				goto out;
			rc = end_of_line(&ps, "value");
		}
		if (rc < 0)
			goto out;
	}
	*docp = doc;
	doc = NULL;
	rc = 0;
out:
	if (rc == -ENOMEM && ps.err->msg[0] == '\0') {
		ps.err->pos = vg_toml_here(&ps);
		snprintf(ps.err->msg, sizeof(ps.err->msg), "out of memory");
	}
	vg_toml_free(doc);
	return rc;
}

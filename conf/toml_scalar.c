/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * TOML scalars: the four string forms with their escapes, integers, floats
 * and the four date/time kinds (TOML 1.0, RFC 3339 section 5.6).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "toml_pvt.h"

/** A growing output buffer for a string being decoded. */
struct strbuf {
	char *s;
	size_t len, cap;
};

static int
sb_put(struct strbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 32;
		char *ns;

		while (cap < b->len + n + 1)
			cap *= 2;
		ns = realloc(b->s, cap);
		if (ns == NULL)
			return -ENOMEM;
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

static int
sb_put_cp(struct strbuf *b, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return sb_put(b, u, n);
}

/*
 * Length of the valid UTF-8 prefix of s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF).
 */
size_t
vg_toml_utf8_check(const char *s, size_t len)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t i = 0;

	while (i < len) {
		uint8_t c = u[i];
		uint8_t lo = 0x80, hi = 0xbf;
		size_t n, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		if (u[i + 1] < lo || u[i + 1] > hi)
			return i;
		for (k = 2; k <= n; k++)
			if ((u[i + k] & 0xc0) != 0x80)
				return i;
		i += n + 1;
	}
	return len;
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

static bool
at(const struct vg_toml_parser *ps, size_t off, char c)
{
	return off < ps->len && ps->text[off] == c;
}

static void
newline(struct vg_toml_parser *ps)
{
	ps->line++;
	ps->line_start = ps->p;
}

/* \uXXXX or \UXXXXXXXX, the cursor on the u/U. */
static int
scan_unicode(struct vg_toml_parser *ps, struct strbuf *b)
{
	size_t start = ps->p - 1;
	size_t n = ps->text[ps->p] == 'u' ? 4 : 8;
	uint32_t cp = 0;
	size_t i;

	ps->p++;
	for (i = 0; i < n; i++) {
		int h = ps->p + i < ps->len ? hexval(ps->text[ps->p + i]) : -1;

		if (h < 0) {
			struct vg_toml_pos pos = vg_toml_here(ps);
			char what[32];

			pos.col += i;
			vg_toml_describe(ps, ps->p + i, what, sizeof(what));
			return vg_toml_fail(ps, pos,
				"expected %zu hex digits after '\\%c', "
				"found %s", n, n == 4 ? 'u' : 'U', what);
		}
		cp = cp * 16 + (uint32_t)h;
	}
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
		struct vg_toml_pos pos = vg_toml_here(ps);

		pos.col -= (uint32_t)(ps->p - start);
		return vg_toml_fail(ps, pos,
			"escape '\\%c%.*s' is not a Unicode scalar value "
			"(surrogate or above U+10FFFF)",
			n == 4 ? 'u' : 'U', (int)n, ps->text + ps->p);
	}
	ps->p += n;
	return sb_put_cp(b, cp);
}

/* Length of a newline (LF or CRLF) at off, 0 if none. */
static size_t
newline_at(const struct vg_toml_parser *ps, size_t off)
{
	if (at(ps, off, '\n'))
		return 1;
	if (at(ps, off, '\r') && at(ps, off + 1, '\n'))
		return 2;
	return 0;
}

/*
 * A backslash ending a line of a multi-line basic string: if only
 * whitespace follows it up to the newline, skip that and all whitespace
 * and newlines after it. The cursor is just past the backslash.
 */
static bool
line_ending_backslash(struct vg_toml_parser *ps)
{
	size_t q = ps->p, nl;

	while (at(ps, q, ' ') || at(ps, q, '\t'))
		q++;
	if (newline_at(ps, q) == 0)
		return false;
	ps->p = q;
	for (;;) {
		if (at(ps, ps->p, ' ') || at(ps, ps->p, '\t')) {
			ps->p++;
			continue;
		}
		nl = newline_at(ps, ps->p);
		if (nl == 0)
			return true;
		ps->p += nl;
		newline(ps);
	}
}

/* One escape, the cursor on the backslash. */
static int
scan_escape(struct vg_toml_parser *ps, struct strbuf *b, bool multi)
{
	struct vg_toml_pos pos = vg_toml_here(ps);
	char what[32];
	char c;

	ps->p++;
	if (ps->p >= ps->len)
		return vg_toml_fail(ps, pos,
			"unterminated string: end of file after '\\'");
	c = ps->text[ps->p];
	switch (c) {
	case 'b': ps->p++; return sb_put(b, "\b", 1);
	case 't': ps->p++; return sb_put(b, "\t", 1);
	case 'n': ps->p++; return sb_put(b, "\n", 1);
	case 'f': ps->p++; return sb_put(b, "\f", 1);
	case 'r': ps->p++; return sb_put(b, "\r", 1);
	case '"': ps->p++; return sb_put(b, "\"", 1);
	case '\\': ps->p++; return sb_put(b, "\\", 1);
	case 'u':
	case 'U':
		return scan_unicode(ps, b);
	default:
		break;
	}
	if (multi && line_ending_backslash(ps))
		return 0;
	vg_toml_describe(ps, ps->p, what, sizeof(what));
	return vg_toml_fail(ps, pos,
		"invalid escape: found '\\' followed by %s, expected one of "
		"\\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX", what);
}

int
vg_toml_scan_string(struct vg_toml_parser *ps, bool allow_multi, char **out,
		size_t *outlen)
{
	struct vg_toml_pos start = vg_toml_here(ps);
	char q = ps->text[ps->p];
	bool literal = q == '\'';
	bool multi = false;
	struct strbuf b = { NULL, 0, 0 };
	int rc;

	if (allow_multi && at(ps, ps->p + 1, q) && at(ps, ps->p + 2, q)) {
		multi = true;
		ps->p += 3;
		/* A newline right after the opening delimiter is trimmed. */
		if (at(ps, ps->p, '\n')) {
			ps->p++;
			newline(ps);
		} else if (at(ps, ps->p, '\r') && at(ps, ps->p + 1, '\n')) {
			ps->p += 2;
			newline(ps);
		}
	} else {
		ps->p++;
	}
	rc = sb_put(&b, "", 0);
	if (rc < 0)
		goto out;
	for (;;) {
		size_t run;
		uint8_t c;

		if (ps->p >= ps->len) {
			rc = vg_toml_fail(ps, start,
				"unterminated string: expected closing %s, "
				"found end of file",
				multi ? (literal ? "'''" : "\"\"\"") :
				literal ? "quote \"'\"" : "quote '\"'");
			goto out;
		}
		c = (uint8_t)ps->text[ps->p];
		if (c == (uint8_t)q) {
			if (!multi) {
				ps->p++;
				break;
			}
			run = 0;
			while (at(ps, ps->p + run, q))
				run++;
			if (run < 3) {
				rc = sb_put(&b, ps->text + ps->p, run);
				if (rc < 0)
					goto out;
				ps->p += run;
				continue;
			}
			if (run > 5) {
				struct vg_toml_pos pos = vg_toml_here(ps);

				pos.col += 5;
				rc = vg_toml_fail(ps, pos,
					"too many quotes: at most two may "
					"precede the closing delimiter");
				goto out;
			}
			/* Up to two quotes just before the delimiter. */
			rc = sb_put(&b, ps->text + ps->p, run - 3);
			if (rc < 0)
				goto out;
			ps->p += run;
			break;
		}
		if (c == '\\' && !literal) {
			rc = scan_escape(ps, &b, multi);
			if (rc < 0)
				goto out;
			continue;
		}
		if (c == '\n' || (c == '\r' && at(ps, ps->p + 1, '\n'))) {
			if (!multi) {
				rc = vg_toml_fail(ps, vg_toml_here(ps),
					"unterminated string: found newline, "
					"expected closing quote %s",
					literal ? "\"'\"" : "'\"'");
				goto out;
			}
			/* CRLF is stored as LF. */
			ps->p += c == '\r' ? 2 : 1;
			newline(ps);
			rc = sb_put(&b, "\n", 1);
			if (rc < 0)
				goto out;
			continue;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			rc = vg_toml_fail(ps, vg_toml_here(ps),
				"control character U+%04X in string%s", c,
				literal ? " (not allowed in literal strings)" :
					" must be escaped");
			goto out;
		}
		rc = sb_put(&b, ps->text + ps->p, 1);
		if (rc < 0)
			goto out;
		ps->p++;
	}
	*out = b.s;
	*outlen = b.len;
	b.s = NULL;
	rc = 0;
out:
	free(b.s);
	return rc;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Characters that can make up a number or date-time token. */
static bool
is_token_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		(c >= 'A' && c <= 'Z') || c == '_' || c == '.' || c == '+' ||
		c == '-' || c == ':';
}

static bool
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

static unsigned int
num2(const char *s)
{
	return (unsigned int)(s[0] - '0') * 10 + (unsigned int)(s[1] - '0');
}

static unsigned int
days_in_month(unsigned int year, unsigned int month)
{
	static const uint8_t mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (month == 2 && year % 4 == 0 &&
			(year % 100 != 0 || year % 400 == 0))
		return 29;
	return mdays[month - 1];
}

/* HH:MM:SS[.frac] at s; returns bytes used or 0 and sets *why. */
static size_t
parse_time(const char *s, size_t n, struct vg_toml_datetime *dt,
		const char **why)
{
	size_t i = 8, f;

	if (n < 8 || !digits(s, 2) || s[2] != ':' || !digits(s + 3, 2) ||
			s[5] != ':' || !digits(s + 6, 2)) {
		*why = "expected HH:MM:SS";
		return 0;
	}
	dt->hour = (uint8_t)num2(s);
	dt->minute = (uint8_t)num2(s + 3);
	dt->second = (uint8_t)num2(s + 6);
	if (dt->hour > 23 || dt->minute > 59 || dt->second > 60) {
		*why = "hour, minute or second out of range";
		return 0;
	}
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || !is_digit(s[i])) {
			*why = "expected digits after '.'";
			return 0;
		}
		for (f = 0; i < n && is_digit(s[i]); i++, f++) {
			if (f < 9) {
				dt->nanosecond = dt->nanosecond * 10 +
					(uint32_t)(s[i] - '0');
				dt->frac_digits++;
			}
		}
		for (f = dt->frac_digits; f < 9; f++)
			dt->nanosecond *= 10;
	}
	return i;
}

static int
parse_datetime(struct vg_toml_parser *ps, struct vg_toml_pos pos,
		const char *s, size_t n, struct vg_toml_value **out)
{
	struct vg_toml_datetime dt;
	enum vg_toml_type type;
	const char *why = "expected YYYY-MM-DD";
	size_t i, used;

	memset(&dt, 0, sizeof(dt));
	if (n >= 3 && s[2] == ':') {
		used = parse_time(s, n, &dt, &why);
		if (used == 0)
			goto bad;
		if (used != n) {
			why = "unexpected characters after the time";
			goto bad;
		}
		type = VG_TOML_TIME_LOCAL;
		goto done;
	}
	if (n < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
			s[7] != '-' || !digits(s + 8, 2))
		goto bad;
	dt.year = (int16_t)(num2(s) * 100 + num2(s + 2));
	dt.month = (uint8_t)num2(s + 5);
	dt.day = (uint8_t)num2(s + 8);
	if (dt.month < 1 || dt.month > 12) {
		why = "month out of range 01-12";
		goto bad;
	}
	if (dt.day < 1 || dt.day > days_in_month((unsigned int)dt.year,
			dt.month)) {
		why = "day out of range for the month";
		goto bad;
	}
	if (n == 10) {
		type = VG_TOML_DATE_LOCAL;
		goto done;
	}
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') {
		why = "expected 'T' or space between date and time";
		goto bad;
	}
	used = parse_time(s + 11, n - 11, &dt, &why);
	if (used == 0)
		goto bad;
	i = 11 + used;
	if (i == n) {
		type = VG_TOML_DATETIME_LOCAL;
		goto done;
	}
	if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
		type = VG_TOML_DATETIME;
		goto done;
	}
	if ((s[i] == '+' || s[i] == '-') && n - i == 6 &&
			digits(s + i + 1, 2) && s[i + 3] == ':' &&
			digits(s + i + 4, 2)) {
		unsigned int oh = num2(s + i + 1), om = num2(s + i + 4);

		if (oh > 23 || om > 59) {
			why = "offset out of range";
			goto bad;
		}
		dt.offset_minutes = (int16_t)(oh * 60 + om);
		if (s[i] == '-')
			dt.offset_minutes = (int16_t)-dt.offset_minutes;
		type = VG_TOML_DATETIME;
		goto done;
	}
	why = "expected 'Z' or an offset [+-]HH:MM after the time";
bad:
	return vg_toml_fail(ps, pos, "invalid date-time '%.*s': %s",
		n > 40 ? 40 : (int)n, s, why);
done:
	*out = vg_toml_value_new(type, pos);
	if (*out == NULL)
		return -ENOMEM;
	(*out)->u.dt = dt;
	return 0;
}

/*
 * Digits of the given radix with '_' only between two digits, from s[*i].
 * Copies the digits (no underscores) to buf when buf is not NULL.
 * Returns the number of digits, 0 on a misplaced underscore or no digit.
 */
static size_t
scan_digits(const char *s, size_t n, size_t *i, int radix, char *buf,
		size_t *blen)
{
	size_t count = 0;

	while (*i < n) {
		char c = s[*i];
		int d = hexval(c);

		if (c == '_') {
			if (count == 0 || *i + 1 >= n ||
					hexval(s[*i + 1]) < 0 ||
					hexval(s[*i + 1]) >= radix)
				return 0;
			(*i)++;
			continue;
		}
		if (d < 0 || d >= radix)
			break;
		if (buf != NULL)
			buf[(*blen)++] = c;
		count++;
		(*i)++;
	}
	return count;
}

/* 0x / 0o / 0b integers (no sign allowed); false with *why on error. */
static bool
parse_radix(const char *s, size_t n, uint64_t *acc, const char **why)
{
	int radix = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
	size_t i = 2;

	*why = radix == 16 ? "invalid hexadecimal integer" :
		radix == 8 ? "invalid octal integer" : "invalid binary integer";
	if (scan_digits(s, n, &i, radix, NULL, NULL) == 0 || i != n)
		return false;
	*acc = 0;
	for (i = 2; i < n; i++) {
		uint64_t d = (uint64_t)hexval(s[i]);

		if (s[i] == '_')
			continue;
		if (*acc > ((uint64_t)INT64_MAX - d) / (uint64_t)radix) {
			*why = "integer out of 64-bit range";
			return false;
		}
		*acc = *acc * (uint64_t)radix + d;
	}
	return true;
}

/*
 * Decimal integer or float: checks the TOML syntax and copies it without
 * underscores to buf (n + 1 bytes). false with *why on error.
 */
static bool
scan_decimal(const char *s, size_t n, char *buf, bool *is_float,
		const char **why)
{
	size_t blen = 0, i = 0;

	*why = "not a valid integer or float";
	*is_float = false;
	if (s[0] == '+' || s[0] == '-')
		buf[blen++] = s[i++];
	if (i >= n || !is_digit(s[i]))
		return false;
	if (s[i] == '0' && i + 1 < n &&
			(is_digit(s[i + 1]) || s[i + 1] == '_')) {
		*why = "leading zeros are not allowed";
		return false;
	}
	if (scan_digits(s, n, &i, 10, buf, &blen) == 0) {
		*why = "'_' must be between two digits";
		return false;
	}
	if (i < n && s[i] == '.') {
		*is_float = true;
		buf[blen++] = s[i++];
		if (scan_digits(s, n, &i, 10, buf, &blen) == 0) {
			*why = "expected digits after '.'";
			return false;
		}
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		*is_float = true;
		buf[blen++] = s[i++];
		if (i < n && (s[i] == '+' || s[i] == '-'))
			buf[blen++] = s[i++];
		if (scan_digits(s, n, &i, 10, buf, &blen) == 0) {
			*why = "expected digits in the exponent";
			return false;
		}
	}
	buf[blen] = '\0';
	return i == n;
}

static int
parse_number(struct vg_toml_parser *ps, struct vg_toml_pos pos,
		const char *s, size_t n, struct vg_toml_value **out)
{
	char stackbuf[128], *buf = stackbuf;
	const char *why, *d;
	bool neg = s[0] == '-', is_float = false;
	size_t sign = s[0] == '+' || s[0] == '-';
	uint64_t acc = 0, limit;
	int rc;

	if (n - sign == 3 && (memcmp(s + sign, "inf", 3) == 0 ||
			memcmp(s + sign, "nan", 3) == 0)) {
		*out = vg_toml_value_new(VG_TOML_FLOAT, pos);
		if (*out == NULL)
			return -ENOMEM;
		if (s[sign] == 'i')
			(*out)->u.f = neg ? -HUGE_VAL : HUGE_VAL;
		else
			(*out)->u.f = neg ? -NAN : NAN;
		return 0;
	}
	if (n > 2 && s[0] == '0' &&
			(s[1] == 'x' || s[1] == 'o' || s[1] == 'b')) {
		if (!parse_radix(s, n, &acc, &why))
			goto bad;
		goto integer;
	}
	if (n >= sizeof(stackbuf)) {
		buf = malloc(n + 1);
		if (buf == NULL)
			return -ENOMEM;
	}
	if (!scan_decimal(s, n, buf, &is_float, &why))
		goto bad;
	if (is_float) {
		*out = vg_toml_value_new(VG_TOML_FLOAT, pos);
		rc = *out != NULL ? 0 : -ENOMEM;
		/* The syntax is checked: strtod sees [+-]d+[.d+][e[+-]d+] */
		if (rc == 0)
			(*out)->u.f = strtod(buf, NULL);
		goto out;
	}
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (d = buf + sign; *d != '\0'; d++) {
		if (acc > (limit - (uint64_t)(*d - '0')) / 10) {
			why = "integer out of 64-bit range";
			goto bad;
		}
		acc = acc * 10 + (uint64_t)(*d - '0');
	}
integer:
	*out = vg_toml_value_new(VG_TOML_INTEGER, pos);
	rc = *out != NULL ? 0 : -ENOMEM;
	if (rc == 0 && neg)
		(*out)->u.i = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
			-(int64_t)acc;
	else if (rc == 0)
		(*out)->u.i = (int64_t)acc;
	goto out;
bad:
	rc = vg_toml_fail(ps, pos, "invalid number '%.*s': %s",
		n > 40 ? 40 : (int)n, s, why);
out:
	if (buf != stackbuf)
		free(buf);
	return rc;
}

int
vg_toml_scan_number_or_datetime(struct vg_toml_parser *ps,
		struct vg_toml_value **out)
{
	struct vg_toml_pos pos = vg_toml_here(ps);
	const char *s = ps->text + ps->p;
	size_t n = 0, avail = ps->len - ps->p;

	while (n < avail && is_token_char(s[n]))
		n++;
	/* A date, a space, then a time: one local or offset date-time. */
	if (n == 10 && s[4] == '-' && avail > 13 && s[10] == ' ' &&
			is_digit(s[11]) && is_digit(s[12]) && s[13] == ':') {
		n = 11;
		while (n < avail && is_token_char(s[n]))
			n++;
	}
	ps->p += n;
	if ((n >= 5 && digits(s, 4) && s[4] == '-') ||
			(n >= 3 && digits(s, 2) && s[2] == ':'))
		return parse_datetime(ps, pos, s, n, out);
	return parse_number(ps, pos, s, n, out);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Unit tests of the TOML 1.0 parser (conf/vg_toml.h): every value type,
 * the table rules, accessors, error positions and messages, limits.
 */
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "vg_toml.h"

namespace {

class Toml : public ::testing::Test {
protected:
	struct vg_toml_doc *doc = nullptr;
	struct vg_toml_error err;

	void TearDown() override { vg_toml_free(doc); }

	int parse(const std::string &text)
	{
		vg_toml_free(doc);
		doc = nullptr;
		memset(&err, 0x55, sizeof(err));
		return vg_toml_parse(text.data(), text.size(), &doc, &err);
	}

	/* Parse text that must be valid; returns the root. */
	const struct vg_toml_value *ok(const std::string &text)
	{
		int rc = parse(text);

		EXPECT_EQ(rc, 0) << err.pos.line << ":" << err.pos.col << ": "
			<< err.msg;
		return vg_toml_root(doc);
	}

	/* Parse text that must be invalid; returns "line:col: msg". */
	std::string bad(const std::string &text)
	{
		int rc = parse(text);

		EXPECT_EQ(rc, -EINVAL);
		EXPECT_EQ(doc, nullptr);
		EXPECT_EQ(strchr(err.msg, '\n'), nullptr);
		return std::to_string(err.pos.line) + ":" +
			std::to_string(err.pos.col) + ": " + err.msg;
	}

	/* Value at a dotted path of plain keys from the root. */
	const struct vg_toml_value *at(const std::string &path)
	{
		const struct vg_toml_value *v = vg_toml_root(doc);
		size_t start = 0;

		while (v != nullptr) {
			size_t dot = path.find('.', start);
			std::string k = path.substr(start, dot - start);

			v = vg_toml_table_get(v, k.c_str());
			if (dot == std::string::npos)
				break;
			start = dot + 1;
		}
		return v;
	}

	int64_t integer(const std::string &path)
	{
		int64_t i = -42;

		EXPECT_EQ(vg_toml_int(at(path), &i), 0) << path;
		return i;
	}

	double real(const std::string &path)
	{
		double f = -42;

		EXPECT_EQ(vg_toml_float(at(path), &f), 0) << path;
		return f;
	}

	std::string str(const std::string &path)
	{
		const char *s = nullptr;
		size_t len = 0;

		EXPECT_EQ(vg_toml_string(at(path), &s, &len), 0) << path;
		return s != nullptr ? std::string(s, len) : std::string();
	}
};

/* A mismatch fails when the message lacks the expected text. */
#define EXPECT_HAS(haystack, needle) do { \
	std::string hay_ = (haystack); \
	EXPECT_NE(hay_.find(needle), std::string::npos) << "in: " << hay_; \
} while (0)

TEST_F(Toml, EmptyDocuments)
{
	for (const char *text : { "", "\n", "  \t\n", "# only\n", "\r\n" }) {
		const struct vg_toml_value *root = ok(text);

		ASSERT_NE(root, nullptr);
		EXPECT_EQ(vg_toml_type(root), VG_TOML_TABLE);
		EXPECT_EQ(vg_toml_table_len(root), 0u);
	}
}

TEST_F(Toml, ScalarTypes)
{
	ok("s = 'x'\ni = 1\nf = 1.5\nb = true\nodt = 1979-05-27T07:32:00Z\n"
		"ldt = 1979-05-27T07:32:00\nld = 1979-05-27\nlt = 07:32:00\n"
		"a = []\nt = {}\n");
	EXPECT_EQ(vg_toml_type(at("s")), VG_TOML_STRING);
	EXPECT_EQ(vg_toml_type(at("i")), VG_TOML_INTEGER);
	EXPECT_EQ(vg_toml_type(at("f")), VG_TOML_FLOAT);
	EXPECT_EQ(vg_toml_type(at("b")), VG_TOML_BOOL);
	EXPECT_EQ(vg_toml_type(at("odt")), VG_TOML_DATETIME);
	EXPECT_EQ(vg_toml_type(at("ldt")), VG_TOML_DATETIME_LOCAL);
	EXPECT_EQ(vg_toml_type(at("ld")), VG_TOML_DATE_LOCAL);
	EXPECT_EQ(vg_toml_type(at("lt")), VG_TOML_TIME_LOCAL);
	EXPECT_EQ(vg_toml_type(at("a")), VG_TOML_ARRAY);
	EXPECT_EQ(vg_toml_type(at("t")), VG_TOML_TABLE);
}

TEST_F(Toml, TypeNames)
{
	EXPECT_STREQ(vg_toml_type_name(VG_TOML_TABLE), "table");
	EXPECT_STREQ(vg_toml_type_name(VG_TOML_ARRAY), "array");
	EXPECT_STREQ(vg_toml_type_name(VG_TOML_STRING), "string");
	EXPECT_STREQ(vg_toml_type_name(VG_TOML_INTEGER), "integer");
	EXPECT_STREQ(vg_toml_type_name(VG_TOML_FLOAT), "float");
	EXPECT_STREQ(vg_toml_type_name(VG_TOML_BOOL), "boolean");
	EXPECT_STREQ(vg_toml_type_name(VG_TOML_DATETIME), "offset date-time");
	EXPECT_STREQ(vg_toml_type_name(VG_TOML_TIME_LOCAL), "local time");
}

TEST_F(Toml, TypeMismatchIsEinvalAndLeavesOutputs)
{
	ok("s = 'x'\ni = 7\n");
	int64_t i = 99;
	double f = 2.5;
	bool b = true;
	const char *s = "keep";
	size_t len = 123;
	struct vg_toml_datetime dt;

	memset(&dt, 0x7f, sizeof(dt));
	EXPECT_EQ(vg_toml_int(at("s"), &i), -EINVAL);
	EXPECT_EQ(i, 99);
	EXPECT_EQ(vg_toml_float(at("i"), &f), -EINVAL);
	EXPECT_EQ(f, 2.5);
	EXPECT_EQ(vg_toml_bool(at("i"), &b), -EINVAL);
	EXPECT_TRUE(b);
	EXPECT_EQ(vg_toml_string(at("i"), &s, &len), -EINVAL);
	EXPECT_STREQ(s, "keep");
	EXPECT_EQ(len, 123u);
	EXPECT_EQ(vg_toml_datetime(at("i"), &dt), -EINVAL);
	EXPECT_EQ(dt.month, 0x7f);
	EXPECT_EQ(vg_toml_int(nullptr, &i), -EINVAL);
	EXPECT_EQ(vg_toml_string(nullptr, &s, &len), -EINVAL);
	EXPECT_EQ(vg_toml_datetime(nullptr, &dt), -EINVAL);
	EXPECT_EQ(vg_toml_int(at("i"), &i), 0);
	EXPECT_EQ(i, 7);
}

TEST_F(Toml, ContainerAccessorsOnWrongTypes)
{
	ok("i = 1\na = [1]\nt = {x = 1}\n");
	EXPECT_EQ(vg_toml_table_len(at("a")), 0u);
	EXPECT_EQ(vg_toml_table_key(at("i"), 0, nullptr), nullptr);
	EXPECT_EQ(vg_toml_table_value(at("a"), 0), nullptr);
	EXPECT_EQ(vg_toml_table_get(at("a"), "x"), nullptr);
	EXPECT_EQ(vg_toml_table_get(nullptr, "x"), nullptr);
	EXPECT_EQ(vg_toml_array_len(at("t")), 0u);
	EXPECT_EQ(vg_toml_array_at(at("t"), 0), nullptr);
	EXPECT_EQ(vg_toml_array_len(at("a")), 1u);
	EXPECT_EQ(vg_toml_array_at(at("a"), 1), nullptr);
	EXPECT_EQ(vg_toml_table_key(at("t"), 1, nullptr), nullptr);
	EXPECT_EQ(vg_toml_table_value(at("t"), 1), nullptr);
	EXPECT_EQ(vg_toml_root(nullptr), nullptr);
	vg_toml_free(nullptr);
}

TEST_F(Toml, DocumentOrderAndKeyPositions)
{
	const struct vg_toml_value *root = ok(
		"zeta = 1\nalpha = 2\n  mid = 3\n[b]\n[a]\n");
	const char *names[] = { "zeta", "alpha", "mid", "b", "a" };
	struct vg_toml_pos kp;

	ASSERT_EQ(vg_toml_table_len(root), 5u);
	for (size_t i = 0; i < 5; i++)
		EXPECT_STREQ(vg_toml_table_key(root, i, nullptr), names[i]);
	ASSERT_NE(vg_toml_table_key(root, 2, &kp), nullptr);
	EXPECT_EQ(kp.line, 3u);
	EXPECT_EQ(kp.col, 3u);
	EXPECT_EQ(vg_toml_table_value(root, 1), at("alpha"));
}

TEST_F(Toml, ValueAndTablePositions)
{
	ok("x =   42\n\n  [srv]\nport = \"5060\"\n[a.b.c]\nk.l = 1\n");
	EXPECT_EQ(vg_toml_pos(at("x")).line, 1u);
	EXPECT_EQ(vg_toml_pos(at("x")).col, 7u);
	EXPECT_EQ(vg_toml_pos(at("srv")).line, 3u);
	EXPECT_EQ(vg_toml_pos(at("srv")).col, 3u);
	EXPECT_EQ(vg_toml_pos(at("srv.port")).col, 8u);
	/* implicit tables: where their key is written in the header */
	EXPECT_EQ(vg_toml_pos(at("a.b")).line, 5u);
	EXPECT_EQ(vg_toml_pos(at("a.b")).col, 4u);
	EXPECT_EQ(vg_toml_pos(at("a.b.c")).col, 1u);
	EXPECT_EQ(vg_toml_pos(at("a.b.c.k")).line, 6u);
	EXPECT_EQ(vg_toml_pos(at("a.b.c.k")).col, 1u);
}

TEST_F(Toml, ImplicitTableTakesHeaderPositionWhenDefined)
{
	ok("[a.b]\n[a]\nx = 1\n");
	EXPECT_EQ(vg_toml_pos(at("a")).line, 2u);
	EXPECT_EQ(vg_toml_pos(at("a")).col, 1u);
}

TEST_F(Toml, Integers)
{
	ok("a = 0\nb = +17\nc = -17\nd = 1_000_000\ne = 0xDEAD_beef\n"
		"f = 0o755\ng = 0b1101\nh = 9223372036854775807\n"
		"i = -9223372036854775808\nj = -0\nk = 0x7FFFFFFFFFFFFFFF\n");
	EXPECT_EQ(integer("a"), 0);
	EXPECT_EQ(integer("b"), 17);
	EXPECT_EQ(integer("c"), -17);
	EXPECT_EQ(integer("d"), 1000000);
	EXPECT_EQ(integer("e"), 0xdeadbeefLL);
	EXPECT_EQ(integer("f"), 0755);
	EXPECT_EQ(integer("g"), 13);
	EXPECT_EQ(integer("h"), INT64_MAX);
	EXPECT_EQ(integer("i"), INT64_MIN);
	EXPECT_EQ(integer("j"), 0);
	EXPECT_EQ(integer("k"), INT64_MAX);
}

TEST_F(Toml, BadIntegers)
{
	EXPECT_EQ(bad("x = 9223372036854775808\n"),
		"1:5: invalid number '9223372036854775808': integer out of "
		"64-bit range");
	EXPECT_HAS(bad("x = -9223372036854775809\n"), "out of 64-bit range");
	EXPECT_HAS(bad("x = 0x8000000000000000\n"), "out of 64-bit range");
	EXPECT_HAS(bad("x = 012\n"), "1:5: invalid number '012': leading zeros");
	EXPECT_HAS(bad("x = 1__2\n"), "'_' must be between two digits");
	EXPECT_HAS(bad("x = _1\n"), "expected a value, found '_'");
	EXPECT_HAS(bad("x = 1_\n"), "invalid number");
	EXPECT_HAS(bad("x = +0x1\n"), "invalid number");
	EXPECT_HAS(bad("x = 0X1\n"), "invalid number");
	EXPECT_HAS(bad("x = 0b2\n"), "invalid binary integer");
	EXPECT_HAS(bad("x = 0o8\n"), "invalid octal integer");
	EXPECT_HAS(bad("x = 0x\n"), "invalid number");
	EXPECT_HAS(bad("x = 0x_1\n"), "invalid hexadecimal integer");
}

TEST_F(Toml, Floats)
{
	ok("a = 1.5\nb = -0.25e2\nc = 6.02E+23\nd = 1e-3\ne = 1_0.0_1\n"
		"f = inf\ng = -inf\nh = +inf\nn = nan\nm = -nan\np = +nan\n"
		"z = -0.0\nq = 0e0\n");
	EXPECT_EQ(real("a"), 1.5);
	EXPECT_EQ(real("b"), -25.0);
	EXPECT_EQ(real("c"), 6.02e23);
	EXPECT_EQ(real("d"), 1e-3);
	EXPECT_EQ(real("e"), 10.01);
	EXPECT_TRUE(std::isinf(real("f")) && real("f") > 0);
	EXPECT_TRUE(std::isinf(real("g")) && real("g") < 0);
	EXPECT_TRUE(std::isinf(real("h")) && real("h") > 0);
	EXPECT_TRUE(std::isnan(real("n")));
	EXPECT_TRUE(std::isnan(real("m")));
	EXPECT_TRUE(std::isnan(real("p")));
	EXPECT_EQ(real("z"), 0.0);
	EXPECT_TRUE(std::signbit(real("z")));
	EXPECT_EQ(real("q"), 0.0);
}

TEST_F(Toml, BadFloats)
{
	EXPECT_EQ(bad("x = 1.\n"),
		"1:5: invalid number '1.': expected digits after '.'");
	EXPECT_HAS(bad("x = .5\n"), "1:5: expected a value, found '.'");
	EXPECT_HAS(bad("x = 01.5\n"), "leading zeros");
	EXPECT_HAS(bad("x = 1e\n"), "expected digits in the exponent");
	EXPECT_HAS(bad("x = 1.e5\n"), "expected digits after '.'");
	EXPECT_HAS(bad("x = 1.5_\n"), "invalid number");
	EXPECT_HAS(bad("x = 1_.5\n"), "invalid number");
	EXPECT_HAS(bad("x = Inf\n"), "expected a value, found 'I'");
	EXPECT_HAS(bad("x = infinity\n"), "invalid number");
	EXPECT_HAS(bad("x = 1e2.5\n"), "invalid number");
}

TEST_F(Toml, Booleans)
{
	bool b = false;

	ok("t = true\nf = false\n");
	EXPECT_EQ(vg_toml_bool(at("t"), &b), 0);
	EXPECT_TRUE(b);
	EXPECT_EQ(vg_toml_bool(at("f"), &b), 0);
	EXPECT_FALSE(b);
	EXPECT_EQ(bad("t = True\n"), "1:5: expected a value, found 'T'");
	EXPECT_EQ(bad("t = truex\n"),
		"1:9: expected newline or comment after value, found 'x'");
}

TEST_F(Toml, BasicStringEscapes)
{
	ok("s = \"a\\b\\t\\n\\f\\r\\\"\\\\z\"\nu = \"\\u00E9\\U0001F600\"\n");
	EXPECT_EQ(str("s"), "a\b\t\n\f\r\"\\z");
	EXPECT_EQ(str("u"), "\xc3\xa9\xf0\x9f\x98\x80");
}

TEST_F(Toml, EmbeddedNulFromEscape)
{
	const char *s;
	size_t len;

	ok("s = \"a\\u0000b\"\n\"k\\u0000x\" = 1\n");
	ASSERT_EQ(vg_toml_string(at("s"), &s, &len), 0);
	EXPECT_EQ(len, 3u);
	EXPECT_EQ(std::string(s, len), std::string("a\0b", 3));
	/* keys with NULs come back truncated, as documented */
	EXPECT_STREQ(vg_toml_table_key(vg_toml_root(doc), 1, nullptr), "k");
}

TEST_F(Toml, BadEscapes)
{
	EXPECT_EQ(bad("s = \"a\\x41\"\n"),
		"1:7: invalid escape: found '\\' followed by 'x', expected one "
		"of \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX");
	EXPECT_HAS(bad("s = \"\\uD800\"\n"), "1:6: escape '\\uD800' is not");
	EXPECT_HAS(bad("s = \"\\uDFFF\"\n"), "not a Unicode scalar value");
	EXPECT_HAS(bad("s = \"\\U00110000\"\n"), "not a Unicode scalar value");
	EXPECT_HAS(bad("s = \"\\u12G4\"\n"),
		"1:10: expected 4 hex digits after '\\u', found 'G'");
	EXPECT_HAS(bad("s = \"\\e\"\n"), "invalid escape");
	EXPECT_HAS(bad("s = \"a \\\n b\"\n"), "invalid escape");
}

TEST_F(Toml, LiteralStrings)
{
	ok("p = 'C:\\Users\\x'\nq = '<\\i\\c*\\s*>'\n");
	EXPECT_EQ(str("p"), "C:\\Users\\x");
	EXPECT_EQ(str("q"), "<\\i\\c*\\s*>");
}

TEST_F(Toml, MultiLineStrings)
{
	ok("a = \"\"\"\nRoses\nViolets\"\"\"\n"
		"b = \"\"\"\\\n   The quick \\\n\n   brown\"\"\"\n"
		"c = \"\"\"Here are two quotes: \"\". \"\"\"\n"
		"d = \"\"\"ends with \"\"\"\"\"\n"
		"e = '''\nraw \\n\n'''\n"
		"f = ''''That's it,' she said.''''\n"
		"g = \"\"\"crlf\r\nline\"\"\"\n"
		"h = \"\"\"x \\   \n  y\"\"\"\n");
	EXPECT_EQ(str("a"), "Roses\nViolets");
	EXPECT_EQ(str("b"), "The quick brown");
	EXPECT_EQ(str("c"), "Here are two quotes: \"\". ");
	EXPECT_EQ(str("d"), "ends with \"\"");
	EXPECT_EQ(str("e"), "raw \\n\n");
	EXPECT_EQ(str("f"), "'That's it,' she said.'");
	EXPECT_EQ(str("g"), "crlf\nline");
	EXPECT_EQ(str("h"), "x y");
}

TEST_F(Toml, MultiLineStringPositionsTrackLines)
{
	ok("a = \"\"\"\n1\n2\n\"\"\"\nb = 1\n");
	EXPECT_EQ(vg_toml_pos(at("b")).line, 5u);
	EXPECT_EQ(bad("a = '''\n1\n'''\nb = \"x\n"),
		"4:7: unterminated string: found newline, expected closing "
		"quote '\"'");
}

TEST_F(Toml, BadStrings)
{
	EXPECT_EQ(bad("s = \"abc"),
		"1:5: unterminated string: expected closing quote '\"', found "
		"end of file");
	EXPECT_HAS(bad("s = \"\"\"abc\"\""),
		"unterminated string: expected closing \"\"\"");
	EXPECT_HAS(bad("s = \"\"\"x\"\"\"\"\"\"\n"), "too many quotes");
	EXPECT_EQ(bad("s = \"a\x01\"\n"),
		"1:7: control character U+0001 in string must be escaped");
	EXPECT_HAS(bad("s = 'a\x7f'\n"), "1:7: control character U+007F");
	EXPECT_HAS(bad("s = '''a\rb'''\n"), "control character U+000D");
	EXPECT_HAS(bad("s = \"\"\"\"\"\"\"\"\"\n"), "1:13: too many quotes");
	EXPECT_HAS(bad("s = \"\"\"\"\"\"\"\"\"\"\n"), "too many quotes");
	ok("a = \"\"\"\"\"\"\"\nb = \"\"\"\"\"\"\"\"\n");
	EXPECT_EQ(str("a"), "\"");
	EXPECT_EQ(str("b"), "\"\"");
}

TEST_F(Toml, TabsAllowedInStringsAndComments)
{
	ok("s = \"a\tb\" # c\td\nt = 'x\ty'\n");
	EXPECT_EQ(str("s"), "a\tb");
	EXPECT_EQ(str("t"), "x\ty");
}

TEST_F(Toml, OffsetDateTime)
{
	struct vg_toml_datetime dt;

	ok("a = 1979-05-27T07:32:00Z\nb = 1979-05-27 00:32:00.999999-07:00\n"
		"c = 1979-05-27t07:32:00.5+05:30\nd = 1979-05-27T07:32:00z\n");
	ASSERT_EQ(vg_toml_datetime(at("a"), &dt), 0);
	EXPECT_EQ(dt.year, 1979);
	EXPECT_EQ(dt.month, 5);
	EXPECT_EQ(dt.day, 27);
	EXPECT_EQ(dt.hour, 7);
	EXPECT_EQ(dt.minute, 32);
	EXPECT_EQ(dt.second, 0);
	EXPECT_EQ(dt.frac_digits, 0);
	EXPECT_EQ(dt.offset_minutes, 0);
	ASSERT_EQ(vg_toml_datetime(at("b"), &dt), 0);
	EXPECT_EQ(dt.frac_digits, 6);
	EXPECT_EQ(dt.nanosecond, 999999000u);
	EXPECT_EQ(dt.offset_minutes, -420);
	ASSERT_EQ(vg_toml_datetime(at("c"), &dt), 0);
	EXPECT_EQ(dt.offset_minutes, 330);
	EXPECT_EQ(dt.nanosecond, 500000000u);
	EXPECT_EQ(vg_toml_type(at("d")), VG_TOML_DATETIME);
}

TEST_F(Toml, LocalDateAndTimeKinds)
{
	struct vg_toml_datetime dt;

	ok("ldt = 2000-02-29T23:59:60.1234567891\nld = 2024-02-29\n"
		"lt = 00:00:00.000000001\n");
	ASSERT_EQ(vg_toml_datetime(at("ldt"), &dt), 0);
	EXPECT_EQ(vg_toml_type(at("ldt")), VG_TOML_DATETIME_LOCAL);
	EXPECT_EQ(dt.second, 60);
	EXPECT_EQ(dt.frac_digits, 9);
	EXPECT_EQ(dt.nanosecond, 123456789u);
	EXPECT_EQ(dt.offset_minutes, 0);
	ASSERT_EQ(vg_toml_datetime(at("ld"), &dt), 0);
	EXPECT_EQ(dt.day, 29);
	EXPECT_EQ(dt.hour, 0);
	ASSERT_EQ(vg_toml_datetime(at("lt"), &dt), 0);
	EXPECT_EQ(dt.year, 0);
	EXPECT_EQ(dt.month, 0);
	EXPECT_EQ(dt.nanosecond, 1u);
}

TEST_F(Toml, BadDates)
{
	EXPECT_EQ(bad("d = 2023-02-29\n"),
		"1:5: invalid date-time '2023-02-29': day out of range for the "
		"month");
	EXPECT_HAS(bad("d = 1900-02-29\n"), "day out of range");
	EXPECT_HAS(bad("d = 2023-04-31\n"), "day out of range");
	EXPECT_HAS(bad("d = 2023-00-10\n"), "month out of range");
	EXPECT_HAS(bad("d = 2023-13-10\n"), "month out of range");
	EXPECT_HAS(bad("d = 24:00:00\n"), "out of range");
	EXPECT_HAS(bad("d = 23:60:00\n"), "out of range");
	EXPECT_HAS(bad("d = 23:59:61\n"), "out of range");
	EXPECT_HAS(bad("d = 07:32\n"), "expected HH:MM:SS");
	EXPECT_HAS(bad("d = 2023-01-01T07:32:00+24:00\n"), "offset out of range");
	EXPECT_HAS(bad("d = 2023-01-01T07:32:00+05:60\n"), "offset out of range");
	EXPECT_HAS(bad("d = 2023-01-01T07:32:00+0500\n"), "expected 'Z'");
	EXPECT_HAS(bad("d = 07:32:00Z\n"), "unexpected characters");
	EXPECT_HAS(bad("d = 2023-01-01T07:32:00.\n"), "expected digits");
	EXPECT_HAS(bad("d = 2023-1-01\n"), "expected YYYY-MM-DD");
}

TEST_F(Toml, DottedKeysBuildTables)
{
	ok("a.b.c = 1\na.b.d = 2\n\"x.y\".'z' = 3\n site . \"g\" = 4\n");
	EXPECT_EQ(integer("a.b.c"), 1);
	EXPECT_EQ(integer("a.b.d"), 2);
	EXPECT_EQ(vg_toml_table_len(at("a.b")), 2u);
	const struct vg_toml_value *xy = vg_toml_table_get(
		vg_toml_root(doc), "x.y");
	int64_t i = 0;
	EXPECT_EQ(vg_toml_int(vg_toml_table_get(xy, "z"), &i), 0);
	EXPECT_EQ(i, 3);
	EXPECT_EQ(integer("site.g"), 4);
}

TEST_F(Toml, TablesAndSubTables)
{
	ok("[a.b.c]\nx = 1\n[a]\ny = 2\n[a.b]\nz = 3\n[a.d]\n");
	EXPECT_EQ(integer("a.b.c.x"), 1);
	EXPECT_EQ(integer("a.y"), 2);
	EXPECT_EQ(integer("a.b.z"), 3);
	EXPECT_EQ(vg_toml_type(at("a.d")), VG_TOML_TABLE);
	/* sub-table of a table made by dotted keys */
	ok("[fruit]\napple.color = 'red'\n[fruit.apple.texture]\nsmooth = true\n");
	EXPECT_EQ(vg_toml_type(at("fruit.apple.texture.smooth")), VG_TOML_BOOL);
}

TEST_F(Toml, ArraysOfTables)
{
	ok("[[p]]\nname = 'a'\n[p.sub]\nk = 1\n[[p.v]]\nn = 1\n[[p.v]]\nn = 2\n"
		"[[p]]\nname = 'b'\n");
	const struct vg_toml_value *p = at("p");

	ASSERT_EQ(vg_toml_array_len(p), 2u);
	const struct vg_toml_value *p0 = vg_toml_array_at(p, 0);
	EXPECT_EQ(vg_toml_array_len(vg_toml_table_get(p0, "v")), 2u);
	EXPECT_NE(vg_toml_table_get(p0, "sub"), nullptr);
	EXPECT_EQ(vg_toml_table_get(vg_toml_array_at(p, 1), "sub"), nullptr);
	EXPECT_EQ(vg_toml_pos(vg_toml_array_at(p, 1)).line, 9u);
}

TEST_F(Toml, ArraysMixedNestedWithCommentsAndNewlines)
{
	ok("a = [\n  1, # one\n  'two',\n  [3.0, {x = 4}],\n\n]\nb = [ ]\n"
		"c = [1,2,]\n");
	const struct vg_toml_value *a = at("a");

	ASSERT_EQ(vg_toml_array_len(a), 3u);
	EXPECT_EQ(vg_toml_type(vg_toml_array_at(a, 1)), VG_TOML_STRING);
	EXPECT_EQ(vg_toml_array_len(vg_toml_array_at(a, 2)), 2u);
	EXPECT_EQ(vg_toml_array_len(at("b")), 0u);
	EXPECT_EQ(vg_toml_array_len(at("c")), 2u);
	EXPECT_EQ(bad("a = [1,,2]\n"), "1:8: expected a value, found ','");
	EXPECT_EQ(bad("a = [,]\n"), "1:6: expected a value, found ','");
	EXPECT_EQ(bad("a = [1 2]\n"),
		"1:8: expected ',' or ']' after array element, found '2'");
	EXPECT_HAS(bad("a = [1\n"), "found end of file");
}

TEST_F(Toml, InlineTables)
{
	ok("p = { x = 1, y.z = 2, n = { m = [1,\n2] } }\ne = {}\n");
	EXPECT_EQ(integer("p.x"), 1);
	EXPECT_EQ(integer("p.y.z"), 2);
	EXPECT_EQ(vg_toml_array_len(at("p.n.m")), 2u);
	EXPECT_EQ(vg_toml_table_len(at("e")), 0u);
	EXPECT_EQ(bad("p = { x = 1, }\n"),
		"1:14: expected a key after ',' in inline table, found '}' (no "
		"trailing comma allowed)");
	EXPECT_EQ(bad("p = { x = 1\n}\n"),
		"1:12: expected ',' or '}' in inline table, found newline");
	EXPECT_EQ(bad("p = {\nx = 1}\n"), "1:6: expected a key, found newline");
	EXPECT_HAS(bad("p = { x = 1 # c\n}\n"), "found '#'");
	EXPECT_EQ(bad("p = { a = 1, a = 2 }\n"),
		"1:14: duplicate key 'a' (first defined at line 1)");
}

TEST_F(Toml, InlineTablesAreImmutable)
{
	EXPECT_EQ(bad("a = {b = 1}\na.c = 2\n"),
		"2:1: cannot add to inline table 'a' (line 1): inline tables "
		"are immutable");
	EXPECT_HAS(bad("a = {b = 1}\n[a]\n"), "2:1: cannot redefine inline");
	EXPECT_HAS(bad("a = {b = {}}\n[a.b.c]\n"), "2:2: cannot add to inline");
	EXPECT_HAS(bad("a = {b.c = 1}\n[a.b]\n"), "cannot add to inline");
	EXPECT_HAS(bad("a = {b = {c = 1}, b.d = 2}\n"), "cannot add to inline");
}

TEST_F(Toml, ErrorExamplesFromTheContract)
{
	EXPECT_EQ(bad("a x = 1\n"), "1:3: expected '=' after key, found 'x'");
	EXPECT_EQ(bad("# c\n\na = 1\nb = 2\na = 3\n"),
		"5:1: duplicate key 'a' (first defined at line 3)");
}

TEST_F(Toml, TableRedefinitionErrors)
{
	EXPECT_EQ(bad("[a]\nx = 1\n[a]\n"),
		"3:1: table 'a' already defined at line 1");
	EXPECT_EQ(bad("[a.b]\n[a]\n  [a]\n"),
		"3:3: table 'a' already defined at line 2");
	EXPECT_EQ(bad("[a]\nb.c = 1\n[a.b]\n"),
		"3:1: table 'a.b' already defined at line 2");
	EXPECT_EQ(bad("a = 1\n[a]\n"),
		"2:1: key 'a' is already an integer (line 1), expected a table");
	EXPECT_EQ(bad("[a]\nb = 1\n[a.b.c]\n"),
		"3:4: key 'a.b' is already an integer (line 2), expected a table");
	EXPECT_EQ(bad("[a.b]\n[a]\nb = 1\n"),
		"3:1: duplicate key 'b' (first defined at line 1)");
}

TEST_F(Toml, DottedKeysCannotReopenHeaderTables)
{
	EXPECT_EQ(bad("[a.b.c]\nz = 9\n[a]\nb.c.t = 1\n"),
		"4:1: cannot add to table 'b' with a dotted key: it was defined "
		"by a [table] header (line 1)");
	EXPECT_HAS(bad("[x]\n[x.y]\n[x]\n"), "already defined");
	EXPECT_EQ(bad("a.b = 1\na.b.c = 2\n"),
		"2:3: key 'a.b' is already an integer (line 1), expected a table");
}

TEST_F(Toml, ArrayOfTablesErrors)
{
	EXPECT_EQ(bad("a = [1]\n[[a]]\n"),
		"2:1: cannot append with [[...]] to static array 'a' (line 1)");
	EXPECT_EQ(bad("[a]\n[[a]]\n"),
		"2:1: table 'a' already defined at line 1, cannot be an array of "
		"tables");
	EXPECT_EQ(bad("[[a]]\n[a]\n"),
		"2:1: 'a' is already an array of tables (line 1), expected [[a]]");
	EXPECT_HAS(bad("a = []\n[a.b]\n"), "cannot use static array 'a'");
	EXPECT_HAS(bad("[[a]]\n[b]\n[a]\n"), "already an array of tables");
	EXPECT_HAS(bad("[[a]]\nx = 1\n[[a]]\nx = 2\n[b]\n[a.x.y]\n"),
		"6:4: key 'a.x' is already an integer");
	EXPECT_HAS(bad("[a]\nb = [{c = 1}]\n[[a.b]]\n"), "static array");
}

TEST_F(Toml, HeaderSyntaxErrors)
{
	EXPECT_EQ(bad("[a\n"),
		"1:3: expected ']' to close the table header, found newline");
	EXPECT_EQ(bad("[[a]\n"),
		"1:5: expected ']]' to close the table header, found newline");
	EXPECT_EQ(bad("[[a] ]\n"),
		"1:5: expected ']]' to close the table header, found ' '");
	EXPECT_EQ(bad("[]\n"), "1:2: expected a key, found ']'");
	EXPECT_EQ(bad("[a.]\n"), "1:4: expected a key, found ']'");
	EXPECT_EQ(bad("[a] b = 1\n"),
		"1:5: expected newline or comment after table header, found 'b'");
	ok("[ a . b ]\n[[ c ]] # x\n");
	EXPECT_EQ(vg_toml_type(at("a.b")), VG_TOML_TABLE);
	EXPECT_EQ(vg_toml_array_len(at("c")), 1u);
}

TEST_F(Toml, KeySyntax)
{
	ok("1234 = 1\n-_ = 2\n3.14 = 3\n'' = 4\n\"\\t\" = 5\ntrue = 6\n");
	EXPECT_EQ(integer("1234"), 1);
	EXPECT_EQ(integer("-_"), 2);
	EXPECT_EQ(integer("3.14"), 3);
	EXPECT_EQ(integer(""), 4);
	EXPECT_EQ(integer("\t"), 5);
	EXPECT_EQ(integer("true"), 6);
	EXPECT_EQ(bad("= 1\n"), "1:1: expected a key, found '='");
	EXPECT_EQ(bad("a.. = 1\n"), "1:3: expected a key, found '.'");
	EXPECT_EQ(bad("\"\"\"a\"\"\" = 1\n"),
		"1:3: expected '=' after key, found '\"'");
	EXPECT_EQ(bad("a = \n"), "1:5: expected a value, found newline");
	EXPECT_EQ(bad("a = 1 b = 2\n"),
		"1:7: expected newline or comment after value, found 'b'");
	EXPECT_EQ(bad("\xc3\xa9 = 1\n"),
		"1:1: expected a key, found '\xc3\xa9' (U+00E9)");
}

TEST_F(Toml, LineEndings)
{
	ok("a = 1\r\n[t]\r\nb = 'x' # c\r\n");
	EXPECT_EQ(str("t.b"), "x");
	EXPECT_EQ(vg_toml_pos(at("t")).line, 2u);
	EXPECT_EQ(bad("a = 1\rb = 2\n"),
		"1:6: carriage return not followed by line feed");
	EXPECT_EQ(bad("# x\ry\n"),
		"1:4: carriage return in comment not followed by line feed");
}

TEST_F(Toml, ControlCharacters)
{
	EXPECT_EQ(bad("a = 1 # \x01\n"),
		"1:9: control character U+0001 in comment");
	EXPECT_EQ(bad("# \x7f\n"), "1:3: control character U+007F in comment");
	EXPECT_EQ(bad(std::string("a = 1\n\0", 7)),
		"2:1: expected a key, found control character U+0000");
	EXPECT_EQ(bad(std::string("a = \"x\0\"\n", 9)),
		"1:7: control character U+0000 in string must be escaped");
	EXPECT_EQ(bad("a = \x0c\n"),
		"1:5: expected a value, found control character U+000C");
}

TEST_F(Toml, Utf8Validation)
{
	ok("s = \"\xe2\x82\xac \xf0\x9f\x98\x80\" # \xc3\xa9\n");
	EXPECT_EQ(str("s"), "\xe2\x82\xac \xf0\x9f\x98\x80");
	EXPECT_EQ(bad("a = 1\ns = \"\xc0\x80\"\n"),
		"2:6: invalid UTF-8: unexpected byte 0xC0");
	EXPECT_HAS(bad("s = \"\xed\xa0\x80\"\n"), "1:6: invalid UTF-8");
	EXPECT_HAS(bad("s = \"\xe0\x80\x80\"\n"), "invalid UTF-8");
	EXPECT_HAS(bad("s = \"\xf4\x90\x80\x80\"\n"), "invalid UTF-8");
	EXPECT_HAS(bad("s = \"\xf5\x80\x80\x80\"\n"), "invalid UTF-8");
	EXPECT_HAS(bad("s = \"\x80\"\n"), "invalid UTF-8");
	EXPECT_HAS(bad("s = \"\xe2\x82\""), "invalid UTF-8");
	EXPECT_HAS(bad("# \xc3"), "1:3: invalid UTF-8");
}

TEST_F(Toml, ByteOrderMark)
{
	ok("\xef\xbb\xbf" "a = 1\n");
	EXPECT_EQ(integer("a"), 1);
	EXPECT_EQ(bad("a = 1\n\xef\xbb\xbf" "b = 2\n"),
		"2:1: expected a key, found '\xef\xbb\xbf' (U+FEFF)");
}

TEST_F(Toml, ErrMayBeNullAndInputNeedNotBeTerminated)
{
	char text[] = { 'a', '=', '1', 'X' };

	EXPECT_EQ(vg_toml_parse(text, 3, &doc, nullptr), 0);
	EXPECT_EQ(integer("a"), 1);
	vg_toml_free(doc);
	doc = nullptr;
	EXPECT_EQ(vg_toml_parse("a = ", 4, &doc, nullptr), -EINVAL);
	EXPECT_EQ(doc, nullptr);
	EXPECT_EQ(vg_toml_parse(nullptr, 0, &doc, &err), 0);
	EXPECT_EQ(vg_toml_table_len(vg_toml_root(doc)), 0u);
}

TEST_F(Toml, InvalidArguments)
{
	EXPECT_EQ(vg_toml_parse("a = 1", 5, nullptr, &err), -EINVAL);
	EXPECT_HAS(err.msg, "invalid arguments");
	EXPECT_EQ(vg_toml_parse(nullptr, 5, &doc, &err), -EINVAL);
	EXPECT_EQ(doc, nullptr);
}

TEST_F(Toml, MessagesStayOnOneLine)
{
	EXPECT_EQ(bad("\"a\\nb\" = 1\n\"a\\nb\" = 2\n"),
		"2:1: duplicate key 'a\\u000Ab' (first defined at line 1)");
	std::string longkey(300, 'k');
	std::string msg = bad(longkey + " = 1\n" + longkey + " = 2\n");
	EXPECT_HAS(msg, "2:1: duplicate key 'kkkk");
	EXPECT_HAS(msg, "...' (first defined at line 1)");
}

TEST_F(Toml, BigTableIsIndexedAndFast)
{
	const int n = 100000;
	std::string text;

	for (int i = 0; i < n; i++)
		text += "key" + std::to_string(i) + " = " + std::to_string(i) +
			"\n";
	auto t0 = std::chrono::steady_clock::now();
	const struct vg_toml_value *root = ok(text);
	auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
		std::chrono::steady_clock::now() - t0).count();

	ASSERT_EQ(vg_toml_table_len(root), (size_t)n);
	/* linear lookups would be ~5e9 compares: minutes, not this */
	EXPECT_LT(ms, 5000);
	for (int i = 0; i < n; i += 997)
		EXPECT_EQ(integer("key" + std::to_string(i)), i);
	EXPECT_EQ(vg_toml_table_get(root, "key100000"), nullptr);
	EXPECT_STREQ(vg_toml_table_key(root, n - 1, nullptr), "key99999");
	text += "key54321 = 0\n";
	EXPECT_EQ(bad(text), std::to_string(n + 1) +
		":1: duplicate key 'key54321' (first defined at line 54322)");
}

TEST_F(Toml, TableJustOverIndexThreshold)
{
	std::string text;

	for (int i = 0; i < 40; i++) {
		text += "[t" + std::to_string(i) + "]\n";
		for (int j = 0; j <= i; j++)
			text += "k" + std::to_string(j) + " = " +
				std::to_string(i * 100 + j) + "\n";
	}
	ok(text);
	for (int i = 0; i < 40; i++)
		for (int j = 0; j <= i; j++)
			EXPECT_EQ(integer("t" + std::to_string(i) + ".k" +
				std::to_string(j)), i * 100 + j);
	EXPECT_EQ(at("t39.k40"), nullptr);
}

TEST_F(Toml, BigArray)
{
	std::string text = "a = [";

	for (int i = 0; i < 100000; i++)
		text += std::to_string(i) + ",";
	text += "]\n";
	ok(text);
	ASSERT_EQ(vg_toml_array_len(at("a")), 100000u);
	int64_t v = 0;
	EXPECT_EQ(vg_toml_int(vg_toml_array_at(at("a"), 99999), &v), 0);
	EXPECT_EQ(v, 99999);
}

TEST_F(Toml, NestingLimit)
{
	/* 512 nested arrays under the root table: the deepest allowed */
	ok("a = " + std::string(512, '[') + std::string(512, ']') + "\n");
	EXPECT_EQ(bad("a = " + std::string(513, '[') + std::string(513, ']')),
		"1:517: tables and arrays nested deeper than 512 levels");
	EXPECT_HAS(bad("a = " + std::string(100000, '[')),
		"nested deeper than 512 levels");
	EXPECT_HAS(bad(std::string(100000, '{')), "expected a key");
	std::string inl = "a = ";
	for (int i = 0; i < 600; i++)
		inl += "{b = ";
	EXPECT_HAS(bad(inl), "nested deeper than 512 levels");
	std::string hdr = "[a";
	for (int i = 0; i < 600; i++)
		hdr += ".a";
	EXPECT_HAS(bad(hdr + "]\n"), "more than 512 parts");
	std::string key = "a";
	for (int i = 0; i < 511; i++)
		key += ".a";
	ok("[x]\n" + key + " = 1\n");
	EXPECT_EQ(bad("[x]\n" + key + " = {}\n"), "2:1027: tables and arrays "
		"nested deeper than 512 levels");
	EXPECT_HAS(bad(std::string(100000, '[')), "expected a key");
}

} /* namespace */

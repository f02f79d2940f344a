// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mt_glob_match() against glibc's fnmatch(pattern, string, 0) in the C
 * locale: hand-written cases for each feature and quirk (each checked
 * against fnmatch and a written-down answer), every short pattern over the
 * bracket syntax, pseudo-random patterns and strings (many made to match),
 * every pattern of a real modules.alias against concrete modaliases, and a
 * pattern that takes exponential time in a naive backtracking matcher.
 */
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/glob-match.h"
#include "test-util.h"

struct glob_case {
	const char *pattern;
	const char *string;
	bool match;
};

/* @s with its unprintable bytes as \xNN, for messages. */
static const char *shown(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (; *s && n + 5 < size; s++) {
		unsigned char c = *s;

		if (c < 0x20 || c >= 0x7f)
			n += snprintf(buf + n, size - n, "\\x%02x", c);
		else
			buf[n++] = c;
	}
	buf[n] = '\0';
	return buf;
}

/* fnmatch's answer, once mt_glob_match gave the same; else the test fails. */
static bool agreed_match(const char *pattern, const char *string)
{
	bool want = fnmatch(pattern, string, 0) == 0;
	char pb[512], sb[512];

	if (mt_glob_match(pattern, string) != want)
		fail_msg("pattern \"%s\" string \"%s\": fnmatch %d, mt_glob_match %d",
			 shown(pattern, pb, sizeof(pb)), shown(string, sb, sizeof(sb)),
			 want, !want);
	return want;
}

static void check_cases(const struct glob_case *c, size_t n)
{
	char pb[512], sb[512];

	for (size_t i = 0; i < n; i++, c++) {
		const char *p = shown(c->pattern, pb, sizeof(pb));
		const char *s = shown(c->string, sb, sizeof(sb));

		if ((fnmatch(c->pattern, c->string, 0) == 0) != c->match)
			fail_msg("fnmatch(\"%s\", \"%s\") is not %d", p, s, c->match);
		if (mt_glob_match(c->pattern, c->string) != c->match)
			fail_msg("mt_glob_match(\"%s\", \"%s\") is not %d", p, s, c->match);
	}
}

#define CHECK_CASES(table) check_cases(table, sizeof(table) / sizeof(table[0]))

/* ---- hand-written cases ---------------------------------------------------- */

static void test_plain(void **state)
{
	static const struct glob_case cases[] = {
		{ "", "", true },
		{ "", "a", false },
		{ "a", "", false },
		{ "snd_hda_intel", "snd_hda_intel", true },
		{ "snd_hda_intel", "snd_hda_inte", false },
		{ "snd_hda_inte", "snd_hda_intel", false },
		{ "snd-hda-intel", "snd_hda_intel", false },
		{ "a]b!c^d-e:f.g/h", "a]b!c^d-e:f.g/h", true },
		{ "\xe9t\xe9", "\xe9t\xe9", true },
		{ "\xe9", "\xc9", false },
		{ "A", "a", false },
	};

	CHECK_CASES(cases);
}

static void test_star(void **state)
{
	static const struct glob_case cases[] = {
		{ "*", "", true },
		{ "*", "anything at all", true },
		{ "*", "/.hidden/x", true },
		{ "**", "", true },
		{ "a*", "a", true },
		{ "a*", "ba", false },
		{ "*a", "ba", true },
		{ "*a", "ab", false },
		{ "*.ko", ".ko", true },
		{ "a*/*c", "ab/x/c", true },
		{ "a*b*c", "aXbYc", true },
		{ "a*b*c", "abcbc", true },
		{ "a*b*c", "aXbY", false },
		{ "a*b*c", "acb", false },
		{ "*ab*ab", "abab", true },
		{ "*ab*ab", "aab", false },
		{ "*aab", "aaab", true },
		{ "pci:v00008086d*sv*sd*bc02sc00i*",
		  "pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00", true },
		{ "pci:v00008086d*sv*sd*bc02sc00i*",
		  "pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc01i00", false },
		{ "pci:v*d*sv*sd*bc*sc*i*", "pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00", true },
	};

	CHECK_CASES(cases);
}

static void test_question(void **state)
{
	static const struct glob_case cases[] = {
		{ "?", "a", true },
		{ "?", "", false },
		{ "?", "ab", false },
		{ "?", "/", true },
		{ "?", ".", true },
		{ "?", "\xff", true },
		{ "??", "a", false },
		{ "a?c", "abc", true },
		{ "*?", "", false },
		{ "*?", "a", true },
		{ "?*?", "ab", true },
		{ "?*?", "a", false },
		{ "*?*?*", "a", false },
		{ "*?b", "ab", true },
		{ "*?b", "b", false },
	};

	CHECK_CASES(cases);
}

static void test_backslash(void **state)
{
	static const struct glob_case cases[] = {
		{ "\\*", "*", true },
		{ "\\*", "a", false },
		{ "\\?", "?", true },
		{ "\\?", "a", false },
		{ "\\[a]", "[a]", true },
		{ "\\[a]", "a", false },
		{ "\\\\", "\\", true },
		{ "\\a", "a", true },
		{ "*\\*", "x*", true },
		{ "*\\*", "x", false },
		/* a trailing lone backslash matches nothing, not even itself */
		{ "\\", "\\", false },
		{ "\\", "", false },
		{ "a\\", "a", false },
		{ "a\\", "a\\", false },
		{ "*\\", "a\\", false },
		{ "*\\", "", false },
	};

	CHECK_CASES(cases);
}

static void test_bracket(void **state)
{
	static const struct glob_case cases[] = {
		{ "[abc]", "b", true },
		{ "[abc]", "d", false },
		{ "[abc]", "", false },
		{ "[abc]", "ab", false },
		{ "[!abc]", "d", true },
		{ "[!abc]", "a", false },
		{ "[!abc]", "", false },
		{ "[^abc]", "d", true },
		{ "[^abc]", "c", false },
		{ "[]]", "]", true },
		{ "[]a]", "a", true },
		{ "[]a]", "b", false },
		{ "[!]]", "]", false },
		{ "[!]]", "a", true },
		{ "[^]a]", "b", true },
		{ "[]-a]", "^", true },		/* ']' 0x5d to 'a' 0x61 */
		{ "[a-c]", "b", true },
		{ "[a-c]", "a", true },
		{ "[a-c]", "c", true },
		{ "[a-c]", "d", false },
		{ "[a-c]", "B", false },
		{ "[c-a]", "b", false },
		{ "[c-a]", "c", false },
		{ "[a-]", "-", true },
		{ "[-a]", "-", true },
		{ "[a-c-e]", "d", false },
		{ "[a-c-e]", "-", true },
		{ "[!a-c]", "/", true },
		{ "[!a-c]", "b", false },
		{ "[\\]]", "]", true },
		{ "[\\\\]", "\\", true },
		{ "[\\!]", "!", true },
		{ "[a\\-c]", "-", true },
		{ "[a\\-c]", "b", false },
		{ "[a-\\c]", "b", true },
		{ "[/]", "/", true },
		{ "[.]", ".", true },
		{ "[*?]", "?", true },
		{ "[*?]", "a", false },
		{ "*[0-9]", "abc7", true },
		{ "*[0-9]x", "a1b2x", true },
		{ "usb:v152Dp0567d011[4-7]dc*", "usb:v152Dp0567d0115dc00", true },
		{ "usb:v152Dp0567d011[4-7]dc*", "usb:v152Dp0567d0118dc00", false },
		/* bytes >= 0x80 are plain bytes, ranges go by byte value */
		{ "[\x80-\xff]", "\xe9", true },
		{ "[\x80-\xff]", "e", false },
		{ "[a-\xff]", "\xfe", true },
		{ "[!\xe9]", "\xe9", false },
		{ "[!\xe9]", "\xe8", true },
	};

	CHECK_CASES(cases);
}

static void test_classes(void **state)
{
	static const struct glob_case cases[] = {
		{ "[[:alpha:]]", "q", true },
		{ "[[:alpha:]]", "Q", true },
		{ "[[:alpha:]]", "1", false },
		{ "[[:alpha:]]", "\xe9", false },	/* C locale: ASCII only */
		{ "[![:alpha:]]", "\xe9", true },
		{ "[[:digit:]]", "7", true },
		{ "[[:digit:]]", "a", false },
		{ "[[:alnum:]]", "Z", true },
		{ "[[:alnum:]]", "0", true },
		{ "[[:alnum:]]", "_", false },
		{ "[[:upper:]]", "A", true },
		{ "[[:upper:]]", "a", false },
		{ "[[:lower:]]", "a", true },
		{ "[[:lower:]]", "A", false },
		{ "[[:space:]]", "\v", true },
		{ "[[:space:]]", " ", true },
		{ "[[:space:]]", "a", false },
		{ "[[:blank:]]", "\t", true },
		{ "[[:blank:]]", "\n", false },
		{ "[[:punct:]]", "!", true },
		{ "[[:punct:]]", "~", true },
		{ "[[:punct:]]", "a", false },
		{ "[[:punct:]]", " ", false },
		{ "[[:punct:]]", "5", false },
		{ "[[:print:]]", " ", true },
		{ "[[:print:]]", "\x7f", false },
		{ "[[:graph:]]", "~", true },
		{ "[[:graph:]]", " ", false },
		{ "[[:cntrl:]]", "\x1f", true },
		{ "[[:cntrl:]]", "\x7f", true },
		{ "[[:cntrl:]]", " ", false },
		{ "[[:xdigit:]]", "F", true },
		{ "[[:xdigit:]]", "f", true },
		{ "[[:xdigit:]]", "g", false },
		{ "[[:digit:][:upper:]]", "Q", true },
		{ "[![:digit:][:upper:]]", "q", true },
		{ "[![:digit:][:upper:]]", "5", false },
		{ "[x[:digit:]-]", "-", true },
		{ "*[[:digit:]]", "abc7", true },
		/* unknown class names are an error: no match, even negated */
		{ "[[:foo:]]", "f", false },
		{ "[![:foo:]]", "x", false },
		{ "*[[:foo:]]", "xf", false },
		{ "[[::]]", ":", false },
		/* glibc only checks names read before a match, not those after it */
		{ "[a[:foo:]]", "a", true },
		{ "[a[:foo:]]", "b", false },
		/* a "name" with a byte outside 'a'..'y' makes '[' a plain member */
		{ "[[:az:]]", "z]", true },
		{ "[[:az:]]", "z", false },
		{ "[[:ALPHA:]]", "A]", true },
		{ "[[:ALPHA:]]", "A", false },
	};

	CHECK_CASES(cases);
}

/* Each class, plain and negated, against every byte. */
static void test_classes_every_byte(void **state)
{
	static const char *const names[] = {
		"alnum", "alpha", "blank", "cntrl", "digit", "graph",
		"lower", "print", "punct", "space", "upper", "xdigit",
	};
	char p[32], s[2] = "";

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (int c = 1; c < 256; c++) {
			s[0] = (char)c;
			snprintf(p, sizeof(p), "[[:%s:]]", names[i]);
			agreed_match(p, s);
			snprintf(p, sizeof(p), "[![:%s:]]", names[i]);
			agreed_match(p, s);
		}
	}
}

/* Class names glibc gives up on: 2048 bytes before a match, 2047 after. */
static void test_long_class_names(void **state)
{
	static const struct {
		const char *head, *tail, *string;
		int len;
		bool match;
	} cases[] = {
		{ "[[:", "X]", "[", 2047, true },	/* 'X' ends it: '[' is plain */
		{ "[[:", "X]", "[", 2048, false },
		{ "[b[:", "X]", "b", 2046, true },
		{ "[b[:", "X]", "b", 2047, false },
		{ "[b[:", ":]]", "b", 2046, true },
		{ "[b[:", ":]]", "b", 2047, false },
	};
	char *p = malloc(4096);

	assert_non_null(p);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t h = strlen(cases[i].head);

		memcpy(p, cases[i].head, h);
		memset(p + h, 'a', cases[i].len);
		strcpy(p + h + cases[i].len, cases[i].tail);
		if ((fnmatch(p, cases[i].string, 0) == 0) != cases[i].match)
			fail_msg("fnmatch case %zu is not %d", i, cases[i].match);
		if (mt_glob_match(p, cases[i].string) != cases[i].match)
			fail_msg("mt_glob_match case %zu is not %d", i, cases[i].match);
	}
	free(p);
}

static void test_collating_and_equivalence(void **state)
{
	static const struct glob_case cases[] = {
		{ "[[.a.]]", "a", true },
		{ "[[.a.]]", "b", false },
		{ "[[.-.]]", "-", true },
		{ "[[.].]]", "]", true },
		{ "[[.ab.]]", "a", false },	/* no multi-byte symbols in C */
		{ "[[..]]", ".", false },
		{ "[[...]]", ".", true },
		{ "[[.a.]-c]", "b", true },
		{ "[a-[.c.]]", "b", true },
		{ "[a-[.c.]]", "d", false },
		{ "[[.a.]-[.c.]]", "c", true },
		/* glibc's quirk: "[.a.]-" before the ']' hides the 'a' */
		{ "[[.a.]-]", "a", false },
		{ "[[.a.]-]", "-", true },
		{ "[[.a.", "a", false },
		{ "[[.a.", "[", false },
		{ "[x[.a.", "x", false },
		{ "[[=a=]]", "a", true },
		{ "[[=a=]]", "b", false },
		{ "[[=a=]b]", "b", true },
		{ "[![=a=]]", "a", false },
		{ "[[===]]", "=", true },
		/* not "[=x=]": '[' is a plain member before a match... */
		{ "[[=ab=]]", "=]", true },
		{ "[[=ab=]]", "[]", true },
		{ "[[=", "[[=", true },
		/* ...and an error after it */
		{ "[x[=ab=]]", "x", false },
		{ "[x[==]", "x", false },
	};

	CHECK_CASES(cases);
}

static void test_unterminated(void **state)
{
	static const struct glob_case cases[] = {
		{ "[", "[", true },
		{ "[", "a", false },
		{ "[", "", false },
		{ "[a", "[a", true },
		{ "[a", "a", false },
		{ "[!a", "[!a", true },
		{ "[!a", "b", false },
		{ "[]", "[]", true },
		{ "[]", "]", false },
		{ "[a*", "[abc", true },
		{ "*[", "ab[", true },
		{ "*[a", "x[a", true },
		{ "a[b", "a[b", true },
		/* the literal '[' is followed by the bracket "[:alpha:]" */
		{ "[[:alpha:]", "[[:alpha:]", false },
		{ "[[:alpha:]", "[h", true },
		{ "[[:alpha:]", "a", false },
		/* these fail even as literals: a range or '\' reaching the end */
		{ "[a-", "[a-", false },
		{ "[\\", "[\\", false },
		{ "[a\\", "a", false },
	};

	CHECK_CASES(cases);
}

/* ---- every short pattern ------------------------------------------------ */

/*
 * All patterns of up to 4 symbols from the bracket syntax, against all
 * strings of up to 2 bytes: where quirks hide, nothing random is left out.
 */
static void test_exhaustive_short(void **state)
{
	static const char pat_syms[] = "*?[]!-\\:.=a";
	static const char str_syms[] = "a-[]\\:";
	const int np = sizeof(pat_syms) - 1, ns = sizeof(str_syms) - 1;
	char p[8], s[4];
	long pairs = 0;

	for (int plen = 0; plen <= 4; plen++) {
		long ptotal = 1;

		for (int i = 0; i < plen; i++)
			ptotal *= np;
		for (long pi = 0; pi < ptotal; pi++) {
			for (long x = pi, i = 0; i < plen; i++, x /= np)
				p[i] = pat_syms[x % np];
			p[plen] = '\0';
			for (int slen = 0; slen <= 2; slen++) {
				long stotal = slen == 0 ? 1 : slen == 1 ? ns : ns * ns;

				for (long si = 0; si < stotal; si++) {
					for (long y = si, i = 0; i < slen; i++, y /= ns)
						s[i] = str_syms[y % ns];
					s[slen] = '\0';
					agreed_match(p, s);
					pairs++;
				}
			}
		}
	}
	printf("%ld pairs\n", pairs);
}

/* ---- pseudo-random patterns and strings --------------------------------- */

#define RANDOM_PAIRS 250000

/* xorshift64: a fixed sequence, so a failure can be replayed */
static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* The bytes patterns and strings are made of: syntax, class-name letters. */
static const char symbols[] = "*?[]!^-\\:ab/.=" "alphdigtunsxcrz";

static const char *const fragments[] = {
	"[:alpha:]", "[:digit:]", "[:upper:]", "[:punct:]", "[:foo:]", "[:",
	":]", "[=a=]", "[.a.]", "[.", ".]", "[=", "=]",
};

static char random_byte(void)
{
	uint64_t r = rng();

	if (r % 64 == 0)
		return (char)(0x80 | (r >> 8) % 128);
	if (r % 64 == 1)
		return (char)(1 + (r >> 8) % 127);
	return symbols[(r >> 8) % (sizeof(symbols) - 1)];
}

static void random_pattern(char *p, size_t size)
{
	size_t len = rng() % 14, n = 0;

	while (n < len && n + 1 < size) {
		uint64_t r = rng();
		const char *f = fragments[(r >> 8) % (sizeof(fragments) / sizeof(fragments[0]))];

		if (r % 8 == 0 && n + strlen(f) + 1 < size) {
			memcpy(p + n, f, strlen(f));
			n += strlen(f);
		} else {
			p[n++] = random_byte();
		}
	}
	p[n] = '\0';
}

/* A string made from @p, wildcards filled in and a few bytes changed. */
static void string_from_pattern(const char *p, char *s, size_t size)
{
	size_t n = 0;

	for (; *p && n + 1 < size; p++) {
		uint64_t r = rng();

		if (*p == '*') {
			for (int k = r % 4; k > 0 && n + 1 < size; k--)
				s[n++] = random_byte();
		} else if (*p == '?' || r % 6 == 0) {
			s[n++] = random_byte();
		} else if (r % 6 != 1) {	/* else drop the byte */
			s[n++] = *p;
		}
	}
	s[n] = '\0';
}

static void random_string(char *s, size_t size)
{
	size_t len = rng() % 8, n = 0;

	while (n < len && n + 1 < size)
		s[n++] = random_byte();
	s[n] = '\0';
}

static void test_random(void **state)
{
	char p[128], s[128];
	long matches = 0;

	for (long i = 0; i < RANDOM_PAIRS; i++) {
		random_pattern(p, sizeof(p));
		if (i % 2)
			string_from_pattern(p, s, sizeof(s));
		else
			random_string(s, sizeof(s));
		matches += agreed_match(p, s);
	}
	printf("%d pairs, %ld matches\n", RANDOM_PAIRS, matches);
	/* not a test of mismatches alone */
	assert_true(matches > RANDOM_PAIRS / 20);
}

/* ---- a real modules.alias ----------------------------------------------- */

#define ALIAS_STRINGS 256

/* The patterns of the 6.1 tree's modules.alias ("alias PATTERN MODULE"). */
static char **read_alias_patterns(size_t *count)
{
	char *trees = test_trees_dir(), path[PATH_MAX], line[4096], pat[4096];
	char **v = NULL;
	size_t n = 0, cap = 0;
	glob_t g;
	FILE *f;

	if (!trees)
		return NULL;
	snprintf(path, sizeof(path), "%s/6.1/lib/modules/*/modules.alias", trees);
	free(trees);
	if (glob(path, 0, NULL, &g) != 0)
		return NULL;
	f = g.gl_pathc == 1 ? fopen(g.gl_pathv[0], "r") : NULL;
	globfree(&g);
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "alias %4095s", pat) != 1)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			v = realloc(v, cap * sizeof(*v));
			assert_non_null(v);
		}
		v[n] = strdup(pat);
		assert_non_null(v[n++]);
	}
	fclose(f);
	*count = n;
	return v;
}

/*
 * A concrete modalias from @p: each '*' replaced with sample text, '?' with
 * a byte, a bracket with its first member.
 */
static void concrete_from_pattern(const char *p, char *s, size_t size, unsigned k)
{
	static const char *const fills[] = { "", "0", "00008086", "0000A01F", "X", "02", "ab:cd" };
	size_t n = 0;

	for (; *p && n + 9 < size; p++) {
		if (*p == '*') {
			const char *f = fills[k++ % (sizeof(fills) / sizeof(fills[0]))];

			memcpy(s + n, f, strlen(f));
			n += strlen(f);
		} else if (*p == '?') {
			s[n++] = 'Q';
		} else if (*p == '[' && p[1] && p[1] != ']' && strchr(p + 2, ']')) {
			s[n++] = p[1] == '!' || p[1] == '^' ? '#' : p[1];
			p = strchr(p + 2, ']');
		} else {
			s[n++] = *p;
		}
	}
	s[n] = '\0';
}

static void test_modules_alias(void **state)
{
	size_t n = 0, pairs = 0, matches = 0;
	char **pats = read_alias_patterns(&n);
	char (*strs)[512];

	if (!pats || n < ALIAS_STRINGS) {
		for (size_t i = 0; pats && i < n; i++)
			free(pats[i]);
		free(pats);
		printf("skipping: no modules.alias from tests/fetch-trees.sh\n");
		skip();
	}
	strs = calloc(ALIAS_STRINGS, sizeof(*strs));
	assert_non_null(strs);
	/* patterns spread over the whole file: pci, usb, of, acpi, dmi... */
	for (size_t i = 0; i < ALIAS_STRINGS; i++)
		concrete_from_pattern(pats[i * (n / ALIAS_STRINGS)], strs[i], sizeof(strs[i]), i);
	/*
	 * Every pattern against every string that starts with the same byte:
	 * the others fail at once (test_plain has such cases), and would
	 * treble the time under valgrind.
	 */
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < ALIAS_STRINGS; j++) {
			if (pats[i][0] != strs[j][0])
				continue;
			matches += agreed_match(pats[i], strs[j]);
			pairs++;
		}
	}
	printf("%zu patterns, %zu pairs, %zu matches\n", n, pairs, matches);
	/* every concrete string matches at least the pattern it came from */
	assert_true(matches >= ALIAS_STRINGS);
	for (size_t i = 0; i < n; i++)
		free(pats[i]);
	free(pats);
	free(strs);
}

/* ---- no exponential backtracking ---------------------------------------- */

static void test_many_stars(void **state)
{
	char s[2001];

	memset(s, 'a', 2000);
	s[2000] = '\0';
	/* a naive recursive matcher tries ~2000^12 splits here */
	assert_false(mt_glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", s));
	assert_true(mt_glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*a", s));
	s[1000] = 'b';
	assert_false(mt_glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", s));
	s[1000] = 'a';
	s[1999] = 'b';
	assert_true(mt_glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", s));
	assert_false(mt_glob_match("*[!a]*[!a]*a", s));
	assert_true(mt_glob_match("*[[:alpha:]]*[!a]", s));
	/* glibc stops at the next star as well: its answers come as quickly */
	assert_true(agreed_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", s));
	assert_false(agreed_match("*[!a]*[!a]*a", s));
}

/*
 * A difference from kmod (tests/kmod-differences.md): glibc's fnmatch takes
 * "[^" literally when POSIXLY_CORRECT is set; ours always negates with it,
 * so a modprobe.d pattern means the same whatever the environment.
 */
static void test_caret_ignores_environment(void **state)
{
	setenv("POSIXLY_CORRECT", "1", 1);
	assert_true(mt_glob_match("[^a]x", "bx"));
	assert_false(mt_glob_match("[^a]x", "ax"));
	assert_false(mt_glob_match("[^^]x", "^x"));
	unsetenv("POSIXLY_CORRECT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_star),
		cmocka_unit_test(test_question),
		cmocka_unit_test(test_backslash),
		cmocka_unit_test(test_bracket),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_classes_every_byte),
		cmocka_unit_test(test_long_class_names),
		cmocka_unit_test(test_collating_and_equivalence),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_exhaustive_short),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_modules_alias),
		cmocka_unit_test(test_many_stars),
		cmocka_unit_test(test_caret_ignores_environment),
	};

	/*
	 * With POSIXLY_CORRECT set, glibc takes "[^" literally (it reads the
	 * variable once, so before the first fnmatch call); we always negate.
	 */
	unsetenv("POSIXLY_CORRECT");
	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Shell glob patterns, with the results of glibc's fnmatch(pattern, string, 0)
 * in the C locale (modprobe never calls setlocale()), at a fraction of its
 * cost: glibc's spends most of its time in locale and multibyte machinery.
 *
 * '*' is the classic single backtrack point: the pattern between two stars
 * (a "segment") is tried at each string position in turn, and the first
 * position where it reaches the next star is kept for good.  That is exactly
 * what glibc does too (its inner call stops at the next star and hands it
 * back), and it keeps the time at O(pattern * string) with no recursion.
 *
 * Every other pattern element matches one byte.  Bracket expressions are
 * read the way glibc reads them, quirks of malformed ones included, because
 * modules.alias and modprobe.d are written by others and must select the same
 * modules as with kmod: a malformed member (an unknown class, a bad "[.x.]")
 * means no match at that position, and glibc reads the members after the
 * one that matched with slightly different rules than the members before it.
 */
#include <string.h>

#include "base/glob-match.h"

/*
 * glibc gives up on a "[:name" this long (its CHARCLASS_NAME_MAX); one byte
 * sooner when it only skips the members after a match.
 */
#define CLASS_NAME_GIVEUP 2048

enum char_class {
	CC_ALNUM, CC_ALPHA, CC_BLANK, CC_CNTRL, CC_DIGIT, CC_GRAPH,
	CC_LOWER, CC_PRINT, CC_PUNCT, CC_SPACE, CC_UPPER, CC_XDIGIT,
};

/* In enum char_class order: the names wctype() knows in the C locale. */
static const char class_names[][8] = {
	"alnum", "alpha", "blank", "cntrl", "digit", "graph",
	"lower", "print", "punct", "space", "upper", "xdigit",
};

/* The class of the @len bytes at @name, or -1 when there is none. */
static int class_lookup(const unsigned char *name, int len)
{
	if (len >= (int)sizeof(class_names[0]))
		return -1;
	for (int i = 0; i < (int)(sizeof(class_names) / sizeof(class_names[0])); i++)
		if (!strncmp(class_names[i], (const char *)name, len) && !class_names[i][len])
			return i;
	return -1;
}

/* The C locale's classes: ASCII only, whatever locale the process runs in. */
static bool class_has(int cls, unsigned char c)
{
	bool upper = c >= 'A' && c <= 'Z';
	bool lower = c >= 'a' && c <= 'z';
	bool digit = c >= '0' && c <= '9';
	bool graph = c > ' ' && c < 0x7f;

	switch (cls) {
	case CC_ALNUM: return upper || lower || digit;
	case CC_ALPHA: return upper || lower;
	case CC_BLANK: return c == ' ' || c == '\t';
	case CC_CNTRL: return c < ' ' || c == 0x7f;
	case CC_DIGIT: return digit;
	case CC_GRAPH: return graph;
	case CC_LOWER: return lower;
	case CC_PRINT: return graph || c == ' ';
	case CC_PUNCT: return graph && !upper && !lower && !digit;
	case CC_SPACE: return c == ' ' || (c >= '\t' && c <= '\r');
	case CC_UPPER: return upper;
	default: return digit || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
	}
}

/*
 * The length of the class name at @q, just after "[:" and ending at ":]".
 * -1: not a name (a byte outside 'a'..'y', glibc's test), so the '[' is an
 * ordinary member; -2: glibc gives up on the pattern, at @giveup bytes.
 */
static int class_name_len(const unsigned char *q, int giveup)
{
	for (int k = 0;; k++) {
		if (k == giveup)
			return -2;
		if (q[k] == ':' && q[k + 1] == ']')
			return k;
		if (q[k] < 'a' || q[k] >= 'z')
			return -1;
	}
}

/* The ".]" ending the collating symbol whose name starts at @q, or NULL. */
static const unsigned char *collating_end(const unsigned char *q)
{
	for (; !(q[0] == '.' && q[1] == ']'); q++)
		if (!*q)
			return NULL;
	return q;
}

/*
 * The collating symbol "[.x.]" whose '.' is at @p: the C locale has single
 * bytes only.  Its byte goes to @c; returns what follows, or NULL if malformed.
 */
static const unsigned char *collating_symbol(const unsigned char *p, unsigned char *c)
{
	const unsigned char *end = collating_end(p + 1);

	if (!end || end != p + 2)
		return NULL;
	*c = p[1];
	return end + 2;
}

/*
 * After a member matched: find the bracket's end, the way glibc skips the
 * remaining members (some malformed ones fail here that would not if read as
 * members, and the other way round).  @start is just after the '['.
 */
static const unsigned char *skip_bracket(const unsigned char *start, const unsigned char *p,
					 bool negate, unsigned char ch)
{
	for (;;) {
		unsigned char c = *p++;
		const unsigned char *end;
		int len;

		if (c == ']')
			return negate ? NULL : p;
		if (!c)		/* unterminated after all: a literal '[' */
			return ch == '[' ? start : NULL;
		if (c == '\\') {
			if (!*p++)
				return NULL;
		} else if (c == '[' && *p == ':') {
			len = class_name_len(p + 1, CLASS_NAME_GIVEUP - 1);
			if (len == -2)
				return NULL;
			if (len >= 0)
				p += len + 3;
		} else if (c == '[' && *p == '=') {
			if (!p[1] || p[2] != '=' || p[3] != ']')
				return NULL;
			p += 4;
		} else if (c == '[' && *p == '.') {
			end = collating_end(p + 1);
			if (!end)
				return NULL;
			p = end + 2;
		}
	}
}

enum member { MEMBER_MISS, MEMBER_HIT, MEMBER_BAD, MEMBER_PLAIN };

/*
 * A "[:class:]" or "[=c=]" member, its '[' read and *@pp at what follows;
 * advances *@pp past it.  MEMBER_PLAIN: it is neither, and glibc takes the
 * '[' as an ordinary member; MEMBER_BAD: glibc fails the match.
 */
static enum member match_named(const unsigned char **pp, unsigned char ch)
{
	const unsigned char *p = *pp;
	int len, cls;

	if (*p == '=') {
		if (!p[1] || p[2] != '=' || p[3] != ']')
			return MEMBER_PLAIN;
		*pp = p + 4;
		return p[1] == ch ? MEMBER_HIT : MEMBER_MISS;
	}
	len = class_name_len(p + 1, CLASS_NAME_GIVEUP);
	if (len == -1)
		return MEMBER_PLAIN;
	if (len == -2)
		return MEMBER_BAD;
	cls = class_lookup(p + 1, len);
	if (cls < 0)
		return MEMBER_BAD;
	*pp = p + len + 3;
	return class_has(cls, ch) ? MEMBER_HIT : MEMBER_MISS;
}

/*
 * Byte @ch against the bracket expression whose '[' is just before @start:
 * what follows it in the pattern when @ch matches, else NULL.
 */
static const unsigned char *match_bracket(const unsigned char *start, unsigned char ch)
{
	const unsigned char *p = start;
	bool negate = *p == '!' || *p == '^';

	p += negate;
	for (bool first = true;; first = false) {
		unsigned char c = *p++, hi;
		bool collating = false;

		if (c == ']' && !first)
			return negate ? p : NULL;
		if (!c)		/* unterminated: a literal '[' */
			return ch == '[' ? start : NULL;
		if (c == '[' && (*p == ':' || *p == '=')) {
			switch (match_named(&p, ch)) {
			case MEMBER_HIT: return skip_bracket(start, p, negate, ch);
			case MEMBER_MISS: continue;
			case MEMBER_BAD: return NULL;
			case MEMBER_PLAIN: break;
			}
		} else if (c == '\\') {
			c = *p++;
			if (!c)
				return NULL;
		} else if (c == '[' && *p == '.') {
			p = collating_symbol(p, &c);
			if (!p)
				return NULL;
			collating = true;
		}
		/*
		 * Before a '-' that does not end the expression, c starts a
		 * range and is not compared alone (glibc's quirk: after
		 * "[.x.]", a "-]" counts as such a '-' here, not below).
		 */
		if (!(p[0] == '-' && p[1] && (collating || p[1] != ']')) && c == ch)
			return skip_bracket(start, p, negate, ch);
		if (p[0] != '-' || p[1] == ']')
			continue;
		p++;
		hi = *p++;
		if (hi == '[' && *p == '.') {
			p = collating_symbol(p, &hi);
			if (!p)
				return NULL;
		} else {
			if (hi == '\\')
				hi = *p++;
			if (!hi)
				return NULL;
		}
		if (c <= ch && ch <= hi)
			return skip_bracket(start, p, negate, ch);
	}
}

/*
 * Byte @ch against the element at @p: what follows the element when @ch
 * matches it, else NULL.  @ch is never the string's terminating 0, so the
 * pattern's own end and a trailing '\' match nothing.
 */
static const unsigned char *match_element(const unsigned char *p, unsigned char ch)
{
	switch (*p) {
	case '?':
		return p + 1;
	case '\\':
		return p[1] == ch ? p + 2 : NULL;
	case '[':
		return match_bracket(p + 1, ch);
	default:
		return *p == ch ? p + 1 : NULL;
	}
}

static bool is_special(unsigned char c)
{
	return c == '*' || c == '?' || c == '[' || c == '\\';
}

/* The byte a segment must start with, or -1 when it starts with a bracket. */
static int segment_first(const unsigned char *p)
{
	if (*p == '[')
		return -1;
	return *p == '\\' ? p[1] : *p;	/* 0, from a trailing '\': none */
}

/*
 * The first position from @s on where a segment starting with byte @first
 * (-1: any) may match, or NULL.  glibc tries no other positions, and never
 * the string's end, where no segment matches.
 */
static const unsigned char *segment_seek(const unsigned char *s, int first)
{
	if (first < 0)
		return *s ? s : NULL;
	return first ? (const unsigned char *)strchr((const char *)s, first) : NULL;
}

bool mt_glob_match(const char *pattern, const char *string)
{
	const unsigned char *p, *s, *next;
	const unsigned char *star_p = NULL, *star_s = NULL;
	int first = -1;
	size_t head;

	if (*pattern != *string && !is_special(*pattern))
		return false;	/* most calls end here, for the price of a byte */
	/* the literal head, which is all of a pattern without specials */
	head = strcspn(pattern, "*?[\\");
	if (strncmp(pattern, string, head))
		return false;
	if (!pattern[head])
		return !string[head];
	p = (const unsigned char *)pattern + head;
	s = (const unsigned char *)string + head;
	for (;;) {
		if (*p == '*') {
			/* the '?' among the stars match at once; no going back */
			for (; *p == '*' || *p == '?'; p++)
				if (*p == '?' && !*s++)
					return false;
			if (!*p)
				return true;
			star_p = p;
			first = segment_first(p);
			star_s = segment_seek(s, first);
		} else if (*s && (next = match_element(p, *s))) {
			p = next;
			s++;
			continue;
		} else if (!*p && !*s) {
			return true;
		} else if (star_p) {
			/* the segment fails here: try it further on */
			star_s = segment_seek(star_s + 1, first);
		} else {
			return false;
		}
		if (!star_s)
			return false;
		p = star_p;
		s = star_s;
	}
}

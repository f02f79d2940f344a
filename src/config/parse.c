// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modprobe.d lines: kmod's line reader (continuations, comments) and every
 * directive.  Parsing is in place: a file's bytes are kept as long as the
 * configuration, tokens are cut out of them with NULs and entries point into
 * them, so a line costs no allocation unless it is a softdep or weakdep
 * (whose value -c prints rebuilt).  Where kmod 30 has a quirk that scripts
 * can see in `modprobe -c`, it is kept and said so.
 */
#include "base/internal.h"
#include "config/config.h"

/* Byte classes of the line reader, one table lookup a byte. */
enum {
	C_END = 1,	/* NUL */
	C_BLANK = 2,	/* ' ' '\t': kmod's strtok_r() delimiters */
	C_SPACE = 4,	/* isspace() of the C locale: softdep and weakdep names */
	C_NAME = 8,	/* what mt_underscores() looks at: '-' '[' ']' */
	C_GLOB = 16,	/* fnmatch(3) specials: '*' '?' '[' '\\' */
};

static const uint8_t byte_class[256] = {
	['\0'] = C_END,
	[' '] = C_BLANK | C_SPACE, ['\t'] = C_BLANK | C_SPACE,
	['\n'] = C_SPACE, ['\v'] = C_SPACE, ['\f'] = C_SPACE, ['\r'] = C_SPACE,
	['-'] = C_NAME, [']'] = C_NAME, ['['] = C_NAME | C_GLOB,
	['*'] = C_GLOB, ['?'] = C_GLOB, ['\\'] = C_GLOB,
};

static inline unsigned int class_of(char c)
{
	return byte_class[(unsigned char)c];
}

/*
 * kmod's underscores() over @s, up to a byte of class @stop or NUL: '-'
 * becomes '_' outside [...].  *@endp is where it stopped: there, or at a
 * lone bracket, for which it returns -EINVAL; else 1 when @s holds
 * fnmatch(3) specials (a pattern), 0 for a plain name.
 */
static int underscore_span(char *s, unsigned int stop, char **endp)
{
	unsigned int c, ends = stop | C_END;
	int glob = 0;

	for (; !((c = class_of(*s)) & ends); s++) {
		if (!(c & (C_NAME | C_GLOB)))
			continue;
		if (c & C_GLOB)
			glob = 1;
		if (*s == '-') {
			*s = '_';
		} else if (*s == ']') {
			break;
		} else if (*s == '[') {
			/* a class runs to its first ']', untouched */
			while (!(class_of(s[1]) & ends) && s[1] != ']')
				s++;
			if (class_of(s[1]) & ends)
				break;
			s++;
		}
	}
	*endp = s;
	return class_of(*s) & ends ? glob : -EINVAL;
}

int mt_underscores(char *s)
{
	char *end;

	return underscore_span(s, 0, &end);
}

struct line_ctx {
	struct modtool_ctx *ctx;
	struct mt_config *cfg;
	const char *file;
	unsigned int line;
};

/* Skip bytes of class @skip, then cut a token ending at a byte of class @stop (or NUL). */
static char *cut_token(char **save, unsigned int skip, unsigned int stop)
{
	char *s = *save, *end;

	while (class_of(*s) & skip)
		s++;
	if (!*s) {
		*save = s;
		return NULL;
	}
	for (end = s + 1; !(class_of(*end) & (stop | C_END)); end++)
		;
	if (*end)
		*end++ = '\0';
	*save = end;
	return s;
}

/* strtok_r over " \t" as kmod tokenizes: NUL-terminates the token. */
static char *next_token(char **save)
{
	return cut_token(save, C_BLANK, C_BLANK);
}

/*
 * next_token() and mt_underscores() in one pass, for the names of a line:
 * *@glob as mt_underscores() returns it (-EINVAL for a lone bracket).
 */
static char *next_name_token(char **save, int *glob)
{
	char *s = *save, *end;

	while (class_of(*s) & C_BLANK)
		s++;
	if (!*s) {
		*glob = 0;
		*save = s;
		return NULL;
	}
	*glob = underscore_span(s, C_BLANK, &end);
	/* a bad name still ends at the blank */
	while (!(class_of(*end) & (C_BLANK | C_END)))
		end++;
	if (*end)
		*end++ = '\0';
	*save = end;
	return s;
}

/* The next name of a softdep or weakdep list (kmod splits on isspace()), cut in place. */
static char *next_name(char **save)
{
	return cut_token(save, C_SPACE, C_SPACE);
}

static int add(struct line_ctx *lc, enum modtool_config_kind kind, const char *key,
	       const char *value, bool glob)
{
	return mt_config_add(lc->cfg, kind, &(struct mt_config_entry){
		.key = key, .value = value, .file = lc->file, .line = lc->line, .glob = glob });
}

/* Which list a softdep word starts: 0 pre, 1 post, -1 a name. */
static int softdep_marker(const char *s)
{
	if (s[0] != 'p' || s[1] == '\0')
		return -1;
	if (s[1] == 'r' && s[2] == 'e' && s[3] == ':' && !s[4])
		return 0;
	if (s[1] == 'o' && s[2] == 's' && s[3] == 't' && s[4] == ':' && !s[5])
		return 1;
	return -1;
}

/* The names of a softdep line in line order, each with the list it belongs to. */
struct softdep_word {
	char *name;
	int mode;	/* 0 pre, 1 post */
};

struct softdep_words {
	struct softdep_word *v;
	size_t n, cap;
};

static int words_push(struct softdep_words *w, char *s, int mode)
{
	struct softdep_word *v = mt_grow(w->v, &w->cap, w->n + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	w->v = v;
	w->v[w->n++] = (struct softdep_word){ s, mode };
	return 0;
}

/*
 * "pre: " or "post: " and the stretch of names from the first of list @m to
 * its last, whatever list those between belong to: kmod prints the stretch
 * of its buffer, so post names written between two pre groups show up among
 * the pre ones (kept for `-c`).  Returns the end of what was written.
 */
static char *softdep_stretch(char *out, const struct softdep_words *w, int m)
{
	size_t first = w->n, last = 0;

	for (size_t i = 0; i < w->n; i++) {
		if (w->v[i].mode != m)
			continue;
		if (first == w->n)
			first = i;
		last = i;
	}
	if (first == w->n)
		return out;
	out = stpcpy(out, m ? "post: " : "pre: ");
	for (size_t i = first; i <= last; i++) {
		if (i > first)
			*out++ = ' ';
		out = stpcpy(out, w->v[i].name);
	}
	return out;
}

/*
 * A softdep line: its names, pre ones first, each list in line order (names
 * before any "pre:"/"post:" are dropped, as kmod does), and the value `-c`
 * prints: the pre stretch, then "post:" with no space before it.  One pass
 * over the bytes; the names stay where they were cut.
 */
static int cut_softdep(struct mt_config *cfg, struct mt_config_entry *e, char *rest)
{
	struct softdep_words w = { 0 };
	size_t len = 0, n[2] = { 0, 0 }, j[2];
	char *save = rest, *s, *value;
	const char **deps;
	int mode = -1, err = 0;

	while (err == 0 && (s = next_name(&save))) {
		int m = softdep_marker(s);

		if (m >= 0)
			mode = m;
		else if (mode >= 0)
			err = words_push(&w, s, mode);
	}
	for (size_t i = 0; i < w.n; i++) {
		n[w.v[i].mode]++;
		len += strlen(w.v[i].name) + 1;
	}
	deps = err ? NULL : mt_config_alloc(cfg, w.n * sizeof(*deps) + 2 * len + 16);
	if (!deps) {
		free(w.v);
		return -ENOMEM;
	}
	j[0] = 0;
	j[1] = n[0];
	for (size_t i = 0; i < w.n; i++)
		deps[j[w.v[i].mode]++] = w.v[i].name;
	value = (char *)(deps + w.n);
	*softdep_stretch(softdep_stretch(value, &w, 0), &w, 1) = '\0';
	free(w.v);
	e->value = value;
	e->deps = deps;
	e->npre = n[0];
	e->npost = n[1];
	return 0;
}

/* weakdep MOD NAMES...: printed by -c as the names joined by single spaces. */
static int cut_weakdep(struct mt_config *cfg, struct mt_config_entry *e, char *rest)
{
	size_t len = strlen(rest), ntok = 0, vlen = 0;
	const char **deps = mt_config_alloc(cfg, (len / 2 + 1) * sizeof(*deps) + len + 1);
	char *value, *s, *save = rest;

	if (!deps)
		return -ENOMEM;
	value = (char *)(deps + len / 2 + 1);
	while ((s = next_name(&save))) {
		if (ntok)
			value[vlen++] = ' ';
		vlen = stpcpy(value + vlen, s) - value;
		deps[ntok++] = s;
	}
	value[vlen] = '\0';
	e->value = value;
	e->deps = deps;
	e->npre = ntok;
	return 0;
}

int mt_config_entry_ready(struct mt_config *cfg, enum modtool_config_kind kind,
			  struct mt_config_entry *e)
{
	int err;

	if (!e->list)
		return 0;
	err = kind == MODTOOL_CONFIG_SOFTDEP ? cut_softdep(cfg, e, e->list)
					     : cut_weakdep(cfg, e, e->list);
	if (err == 0)
		e->list = NULL;
	return err;
}

static int bad_line(struct line_ctx *lc, const char *cmd)
{
	mt_warn(lc->ctx, "%s line %u: ignoring bad line starting with '%s'\n", lc->file, lc->line,
		cmd);
	return 0;
}

enum command {
	CMD_BAD = -1, CMD_DEPRECATED = -2,
	/* the others are enum modtool_config_kind */
};

/* A directive's kind by its name; the first byte spares most string compares. */
static int command_kind(const char *cmd)
{
	static const struct {
		const char *name;
		int kind;
	} commands[] = {
		{ "softdep", MODTOOL_CONFIG_SOFTDEP },	{ "options", MODTOOL_CONFIG_OPTIONS },
		{ "alias", MODTOOL_CONFIG_ALIAS },	{ "blacklist", MODTOOL_CONFIG_BLACKLIST },
		{ "install", MODTOOL_CONFIG_INSTALL },	{ "remove", MODTOOL_CONFIG_REMOVE },
		{ "weakdep", MODTOOL_CONFIG_WEAKDEP },	{ "include", CMD_DEPRECATED },
		{ "config", CMD_DEPRECATED },
	};

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (cmd[0] == commands[i].name[0] && mt_streq(cmd, commands[i].name))
			return commands[i].kind;
	return CMD_BAD;
}

/* One logical line, cut in place: returns -ENOMEM only; bad lines are logged and skipped. */
static int parse_line(struct line_ctx *lc, char *line)
{
	char *save = line, *cmd, *name, *arg;
	int kind, glob;

	if (line[0] == '\0' || line[0] == '#')
		return 0;
	cmd = next_token(&save);
	if (!cmd)
		return 0;
	kind = command_kind(cmd);
	if (kind == CMD_DEPRECATED) {
		mt_warn(lc->ctx, "%s: command %s is deprecated and not parsed anymore\n", lc->file,
			cmd);
		return 0;
	}
	if (kind == CMD_BAD)
		return bad_line(lc, cmd);
	name = next_name_token(&save, &glob);
	if (kind == MODTOOL_CONFIG_ALIAS) {
		int arg_glob;

		arg = next_name_token(&save, &arg_glob);
		if (!name || !arg || glob < 0 || arg_glob < 0)
			return bad_line(lc, cmd);
		return add(lc, MODTOOL_CONFIG_ALIAS, name, arg, glob);
	}
	if (kind == MODTOOL_CONFIG_BLACKLIST) {
		if (!name || glob < 0)
			return bad_line(lc, cmd);
		return add(lc, MODTOOL_CONFIG_BLACKLIST, name, NULL, glob);
	}
	/* the rest of the line, as strtok_r(NULL, "") gives it */
	arg = name && *save ? save : NULL;
	if (!arg || glob < 0)
		return bad_line(lc, cmd);
	switch (kind) {
	case MODTOOL_CONFIG_SOFTDEP:
	case MODTOOL_CONFIG_WEAKDEP:
		/* cut when asked for: value "" until then, never NULL */
		return mt_config_add(lc->cfg, kind, &(struct mt_config_entry){
			.key = name, .value = "", .list = arg, .file = lc->file,
			.line = lc->line, .glob = glob });
	case MODTOOL_CONFIG_OPTIONS:
		for (char *t = arg; (t = strchr(t, '\t')); t++)
			*t = ' ';
		break;
	default:
		break;
	}
	return add(lc, kind, name, arg, glob);
}

/*
 * The logical line at @s (up to @end): a backslash before a newline joins
 * the lines, before any other character it is dropped, as kmod's reader
 * does.  Joined in place; *lines counts the physical lines eaten.  Returns
 * where the next line starts.
 */
static char *cut_line(char *s, char *end, unsigned int *lines)
{
	char *nl = memchr(s, '\n', end - s), *bs, *out;

	if (!nl)
		nl = end;
	bs = memchr(s, '\\', nl - s);
	*lines = 1;
	if (!bs) {
		*nl = '\0';
		return nl < end ? nl + 1 : end;
	}
	for (out = bs; bs < end; bs++) {
		if (*bs == '\n')
			break;
		if (*bs != '\\') {
			*out++ = *bs;
			continue;
		}
		if (bs + 1 == end)
			break;
		if (*++bs == '\n') {
			++*lines;
			continue;
		}
		*out++ = *bs;
	}
	*out = '\0';
	return bs < end ? bs + 1 : end;
}

int mt_config_parse_owned(struct modtool_ctx *ctx, struct mt_config *cfg, const char *name,
			  char *buf, size_t len)
{
	struct line_ctx lc = { .ctx = ctx, .cfg = cfg, .line = 0 };
	char *s = buf, *end = buf + len;
	int err = 0;

	lc.file = mt_config_file_name(cfg, name);
	if (!lc.file)
		return -ENOMEM;
	buf[len] = '\0';
	while (s < end && err == 0) {
		unsigned int lines;
		char *line = s;

		s = cut_line(s, end, &lines);
		lc.line += lines;
		/* a NUL byte ends what the directive parser sees of its line */
		err = parse_line(&lc, line);
	}
	return err;
}

int mt_config_parse_buffer(struct modtool_ctx *ctx, struct mt_config *cfg, const char *name,
			   const char *buf, size_t len)
{
	char *copy = mt_config_alloc(cfg, len + 1);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	return mt_config_parse_owned(ctx, cfg, name, copy, len);
}

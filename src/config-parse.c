// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modprobe.d lines: kmod's line reader (continuations, comments) and every
 * directive.  Parsing is in place: a file's bytes are kept as long as the
 * configuration, tokens are cut out of them with NULs and entries point into
 * them, so a line costs no allocation unless it is a softdep or weakdep
 * (whose value -c prints rebuilt).  Where kmod 30 has a quirk that scripts
 * can see in `modprobe -c`, it is kept and said so.
 */
#include "internal.h"
#include "modprobe-config.h"

int mt_underscores(char *s)
{
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '-') {
			s[i] = '_';
		} else if (s[i] == ']') {
			return -EINVAL;
		} else if (s[i] == '[') {
			i += strcspn(s + i, "]");
			if (!s[i])
				return -EINVAL;
		}
	}
	return 0;
}

struct line_ctx {
	struct modtool_ctx *ctx;
	struct mt_config *cfg;
	const char *file;
	unsigned int line;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* kmod splits softdep and weakdep names on isspace() of the C locale. */
static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* strtok_r over " \t" as kmod tokenizes: NUL-terminates the token. */
static char *next_token(char **save)
{
	char *s = *save, *end;

	while (is_blank(*s))
		s++;
	if (!*s) {
		*save = s;
		return NULL;
	}
	for (end = s; *end && !is_blank(*end); end++)
		;
	if (*end)
		*end++ = '\0';
	*save = end;
	return s;
}

static int add(struct line_ctx *lc, enum modtool_config_kind kind, const char *key,
	       const char *value)
{
	return mt_config_add(lc->cfg, kind, &(struct mt_config_entry){
		.key = key, .value = value, .file = lc->file, .line = lc->line });
}

/* The next name of a softdep or weakdep list, cut in place. */
static char *next_name(char **save)
{
	char *s = *save, *end;

	while (is_space(*s))
		s++;
	if (!*s)
		return NULL;
	for (end = s; *end && !is_space(*end); end++)
		;
	*save = *end ? end + 1 : end;
	*end = '\0';
	return s;
}

/* The next word at or after @s of a list already cut by next_name(), or @end. */
static char *word(char *s, char *end)
{
	while (s < end && (!*s || is_space(*s)))
		s++;
	return s;
}

/* Which list a softdep word starts: 0 pre, 1 post, -1 a name. */
static int softdep_marker(const char *s)
{
	if (s[0] == 'p' && s[1] == 'r' && s[2] == 'e' && s[3] == ':' && !s[4])
		return 0;
	if (s[0] == 'p' && s[1] == 'o' && memcmp(s, "post:", 6) == 0)
		return 1;
	return -1;
}

/*
 * A softdep line's names, pre ones first (names before any "pre:"/"post:"
 * are dropped, as kmod does).  kmod prints the pre names as the stretch of
 * its buffer from the first pre name to the last, so post names written
 * between two pre groups show up among the pre ones, and "post:" follows
 * without a space: kept for `-c`.  Two passes over the words cut in place.
 */
static int parse_softdep(struct line_ctx *lc, const char *name, char *rest)
{
	size_t len = strlen(rest), ntok = 0, n[2] = { 0, 0 }, vlen = 0;
	char *first[2] = { NULL, NULL }, *last[2] = { NULL, NULL };
	char *save = rest, *s, *end = rest + len, *value;
	const char **deps;
	int mode = -1;

	while ((s = next_name(&save))) {
		int m = softdep_marker(s);

		if (m >= 0) {
			mode = m;
			continue;
		}
		if (mode < 0)
			continue;
		if (!first[mode])
			first[mode] = s;
		last[mode] = s;
		n[mode]++;
		ntok++;
	}
	deps = mt_config_alloc(lc->cfg, ntok * sizeof(*deps) + len + 16);
	if (!deps)
		return -ENOMEM;
	value = (char *)(deps + ntok);
	/* deps: pre names then post names, each in line order */
	for (int m = 0, j = 0; m < 2; m++) {
		mode = -1;
		for (s = word(rest, end); s < end; s = word(s + strlen(s) + 1, end)) {
			if (softdep_marker(s) >= 0)
				mode = softdep_marker(s);
			else if (mode == m)
				deps[j++] = s;
		}
	}
	/* value: each list's stretch of names, markers left out */
	for (int m = 0; m < 2; m++) {
		bool sep = false;

		if (!n[m])
			continue;
		memcpy(value + vlen, m ? "post: " : "pre: ", m ? 6 : 5);
		vlen += m ? 6 : 5;
		for (s = first[m]; s <= last[m]; s = word(s + strlen(s) + 1, end)) {
			if (softdep_marker(s) >= 0)
				continue;
			if (sep)
				value[vlen++] = ' ';
			vlen = stpcpy(value + vlen, s) - value;
			sep = true;
		}
	}
	value[vlen] = '\0';
	return mt_config_add(lc->cfg, MODTOOL_CONFIG_SOFTDEP, &(struct mt_config_entry){
		.key = name, .value = value, .deps = deps, .npre = n[0], .npost = n[1],
		.file = lc->file, .line = lc->line });
}

/* weakdep MOD NAMES...: printed by -c as the names joined by single spaces. */
static int parse_weakdep(struct line_ctx *lc, const char *name, char *rest)
{
	size_t len = strlen(rest), ntok = 0, vlen = 0;
	const char **deps = mt_config_alloc(lc->cfg, (len / 2 + 1) * sizeof(*deps) + len + 1);
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
	return mt_config_add(lc->cfg, MODTOOL_CONFIG_WEAKDEP, &(struct mt_config_entry){
		.key = name, .value = value, .deps = deps, .npre = ntok,
		.file = lc->file, .line = lc->line });
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

/* A directive's kind by its name, told by length and bytes without a string compare each. */
static int command_kind(const char *cmd)
{
	static const struct {
		const char *name;
		int kind;
	} commands[] = {
		{ "alias", MODTOOL_CONFIG_ALIAS },	{ "blacklist", MODTOOL_CONFIG_BLACKLIST },
		{ "options", MODTOOL_CONFIG_OPTIONS },	{ "install", MODTOOL_CONFIG_INSTALL },
		{ "remove", MODTOOL_CONFIG_REMOVE },	{ "softdep", MODTOOL_CONFIG_SOFTDEP },
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
	int kind;

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
	name = next_token(&save);
	if (kind == MODTOOL_CONFIG_ALIAS) {
		arg = next_token(&save);
		if (!name || !arg || mt_underscores(name) < 0 || mt_underscores(arg) < 0)
			return bad_line(lc, cmd);
		return add(lc, MODTOOL_CONFIG_ALIAS, name, arg);
	}
	if (kind == MODTOOL_CONFIG_BLACKLIST) {
		if (!name || mt_underscores(name) < 0)
			return bad_line(lc, cmd);
		return add(lc, MODTOOL_CONFIG_BLACKLIST, name, NULL);
	}
	/* the rest of the line, as strtok_r(NULL, "") gives it */
	arg = name && *save ? save : NULL;
	if (kind == CMD_BAD || !arg || mt_underscores(name) < 0)
		return bad_line(lc, cmd);
	switch (kind) {
	case MODTOOL_CONFIG_SOFTDEP:
		return parse_softdep(lc, name, arg);
	case MODTOOL_CONFIG_WEAKDEP:
		return parse_weakdep(lc, name, arg);
	case MODTOOL_CONFIG_OPTIONS:
		for (char *t = arg; (t = strchr(t, '\t')); t++)
			*t = ' ';
		break;
	default:
		break;
	}
	return add(lc, kind, name, arg);
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

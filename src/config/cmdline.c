// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel command line's share of the modprobe configuration:
 * modprobe.blacklist=a,b and mod.param=value words, quoted as boot loaders
 * write them, read the way kmod 30 reads them.  Cut in place in a copy kept
 * with the configuration.
 */
#include "base/internal.h"
#include "config/config.h"

/* The bytes the word reader acts on: quotes, isspace() of the C locale, '.', '=' and NUL. */
static const bool acts_on[256] = {
	['\0'] = true, ['"'] = true, ['.'] = true, ['='] = true, [' '] = true,
	['\t'] = true, ['\n'] = true, ['\v'] = true, ['\f'] = true, ['\r'] = true,
};

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int cmdline_result(struct modtool_ctx *ctx, struct mt_config *cfg, char *modname,
			  char *param)
{
	const char *file = mt_config_file_name(cfg, "");
	struct mt_config_entry e = { .file = file };

	if (!file)
		return -ENOMEM;
	if (mt_streq(modname, "modprobe") && strncmp(param, "blacklist=", 10) == 0) {
		char *list = param + 10, *t;

		/* kmod keeps these as written: no '-' to '_', empty names too */
		while ((t = strsep(&list, ","))) {
			int err;

			e.key = t;
			err = mt_config_add(cfg, MODTOOL_CONFIG_BLACKLIST, &e);
			if (err < 0)
				return err;
		}
		return 0;
	}
	if (mt_underscores(modname) < 0) {
		mt_err(ctx, "Ignoring bad option on kernel command line while parsing module name: '%s'\n",
		       modname);
		return 0;
	}
	e.key = modname;
	e.value = param;
	return mt_config_add(cfg, MODTOOL_CONFIG_OPTIONS, &e);
}

/* A word quoted whole: the opening quote moves from before modname to after '='. */
static int quoted_result(struct modtool_ctx *ctx, struct mt_config *cfg, char *modname,
			 char *param, const char *value)
{
	size_t vlen = strlen(value);
	char *q = mt_config_alloc(cfg, (size_t)(value - param) + vlen + 2);

	if (!q)
		return -ENOMEM;
	memcpy(q, param, value - param);
	q[value - param] = '"';
	memcpy(q + (value - param) + 1, value, vlen + 1);
	return cmdline_result(ctx, cfg, modname, q);
}

enum cmd_state { ST_IGNORE, ST_MODNAME, ST_PARAM, ST_VALUE, ST_COMPLETE };

/*
 * Words are "mod.param" or "mod.param=value"; a value may hold quoted
 * spaces.  A word quoted whole ("mod.param=a b", as boot loaders rewrite
 * them) becomes param="a b" as kmod 30 does it: a quote is put after the
 * '=' and the closing one stays where it is.  Anything else with a quote or
 * a second '.' before the value, or '=' before a '.', is not a module option.
 */
int mt_config_parse_cmdline(struct modtool_ctx *ctx, struct mt_config *cfg, const char *buf,
			    size_t len)
{
	char *s = mt_config_alloc(cfg, len + 2), *modname, *param = NULL, *value = NULL;
	enum cmd_state st = ST_MODNAME;
	bool quoted = false, quote_start = false;
	int err = 0;

	if (!s)
		return -ENOMEM;
	memcpy(s, buf, len);
	s[len] = '\0';
	len = strlen(s);	/* a NUL ends the command line */
	modname = s;
	for (size_t i = 0; i <= len && err == 0; i++) {
		char c;

		/* any other byte changes nothing: most of a command line (s[len] is NUL) */
		while (!acts_on[(unsigned char)s[i]])
			i++;
		c = s[i];
		if (c == '"') {
			quoted = !quoted;
			if (quoted && st == ST_MODNAME && s + i == modname) {
				quote_start = true;
				modname = s + i + 1;
			} else if (st != ST_VALUE) {
				st = ST_IGNORE;
			}
		} else if (c == '\0' || is_space(c)) {
			if (quoted && st == ST_VALUE && c != '\0')
				continue;
			if (quoted) {
				st = ST_IGNORE;
			} else if (st == ST_VALUE || st == ST_PARAM) {
				s[i] = '\0';
				st = ST_COMPLETE;
			}
			if (st != ST_COMPLETE && !quoted) {
				modname = s + i + 1;
				st = ST_MODNAME;
				quote_start = false;
				continue;
			}
		} else if (c == '.') {
			if (st == ST_MODNAME) {
				s[i] = '\0';
				param = s + i + 1;
				st = ST_PARAM;
			} else if (st == ST_PARAM) {
				st = ST_IGNORE;
			}
		} else if (c == '=') {
			if (st == ST_PARAM) {
				value = s + i + 1;
				st = ST_VALUE;
			} else if (st == ST_MODNAME) {
				st = ST_IGNORE;
			}
		}
		if (st != ST_COMPLETE)
			continue;
		if (quote_start && value)
			err = quoted_result(ctx, cfg, modname, param, value);
		else
			err = cmdline_result(ctx, cfg, modname, param);
		modname = s + i + 1;
		param = value = NULL;
		st = ST_MODNAME;
		quote_start = false;
	}
	return err;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modprobe configuration, read once: which files, the line reader and every
 * directive, and the kernel command line.  Where
 * kmod 30 has a quirk that scripts can see in `modprobe -c`, it is kept and
 * said so.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "modprobe-config.h"

struct entry_list {
	struct mt_config_entry *v;
	size_t n, cap;
};

struct mt_config {
	struct entry_list kind[MODTOOL_CONFIG_KIND_COUNT];
	char **files;		/* names for file:line, owned */
	size_t nfiles;
};

int mt_config_new(struct mt_config **cfg)
{
	*cfg = calloc(1, sizeof(**cfg));
	return *cfg ? 0 : -ENOMEM;
}

void mt_config_free(struct mt_config *cfg)
{
	if (!cfg)
		return;
	for (int k = 0; k < MODTOOL_CONFIG_KIND_COUNT; k++) {
		for (size_t i = 0; i < cfg->kind[k].n; i++)
			free(cfg->kind[k].v[i].blob);
		free(cfg->kind[k].v);
	}
	for (size_t i = 0; i < cfg->nfiles; i++)
		free(cfg->files[i]);
	free(cfg->files);
	free(cfg);
}

const struct mt_config_entry *mt_config_entries(const struct mt_config *cfg,
						enum modtool_config_kind kind, size_t *n)
{
	if (!cfg || (unsigned int)kind >= MODTOOL_CONFIG_KIND_COUNT) {
		*n = 0;
		return NULL;
	}
	*n = cfg->kind[kind].n;
	return cfg->kind[kind].v;
}

static const char *intern_file(struct mt_config *cfg, const char *name)
{
	char **f;

	if (cfg->nfiles && mt_streq(cfg->files[cfg->nfiles - 1], name))
		return cfg->files[cfg->nfiles - 1];
	f = reallocarray(cfg->files, cfg->nfiles + 1, sizeof(*f));
	if (!f)
		return NULL;
	cfg->files = f;
	f[cfg->nfiles] = strdup(name);
	if (!f[cfg->nfiles])
		return NULL;
	return f[cfg->nfiles++];
}

/*
 * Append an entry whose strings (key, value, @ndeps dependency names) are
 * copied into one allocation.  @value may be NULL.
 */
static int add_entry(struct mt_config *cfg, enum modtool_config_kind kind, const char *key,
		     const char *value, const char *const *deps, unsigned int npre,
		     unsigned int npost, const char *file, unsigned int line)
{
	struct entry_list *l = &cfg->kind[kind];
	size_t ndeps = (size_t)npre + npost, klen = strlen(key) + 1;
	size_t vlen = value ? strlen(value) + 1 : 0, size = klen + vlen;
	struct mt_config_entry *e;
	char *blob, *p;
	const char **arr;

	for (size_t i = 0; i < ndeps; i++)
		size += strlen(deps[i]) + 1;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;

		e = reallocarray(l->v, cap, sizeof(*e));
		if (!e)
			return -ENOMEM;
		l->v = e;
		l->cap = cap;
	}
	blob = malloc(ndeps * sizeof(char *) + size);
	if (!blob)
		return -ENOMEM;
	arr = (const char **)blob;
	p = blob + ndeps * sizeof(char *);
	e = &l->v[l->n++];
	*e = (struct mt_config_entry){ .npre = npre, .npost = npost, .file = file, .line = line,
				       .blob = blob, .deps = arr };
	e->key = memcpy(p, key, klen);
	p += klen;
	if (value) {
		e->value = memcpy(p, value, vlen);
		p += vlen;
	}
	for (size_t i = 0; i < ndeps; i++) {
		size_t n = strlen(deps[i]) + 1;

		arr[i] = memcpy(p, deps[i], n);
		p += n;
	}
	return 0;
}

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

/* ---- directives -------------------------------------------------------- */

struct line_ctx {
	struct modtool_ctx *ctx;
	struct mt_config *cfg;
	const char *file;
	unsigned int line;
};

/* strtok_r over " \t" as kmod tokenizes: NUL-terminates the token. */
static char *next_token(char **save)
{
	char *s = *save + strspn(*save, " \t"), *end;

	if (!*s) {
		*save = s;
		return NULL;
	}
	end = s + strcspn(s, " \t");
	if (*end)
		*end++ = '\0';
	*save = end;
	return s;
}

/* The rest of the line after the token just read, as strtok_r(NULL, "") gives it. */
static char *rest_of_line(char **save)
{
	char *s = *save;

	*save = s + strlen(s);
	return *s ? s : NULL;
}

/* Copy @s to @buf at @len (room is the caller's): the new length. */
static size_t append(char *buf, size_t len, const char *s)
{
	size_t n = strlen(s);

	memcpy(buf + len, s, n);
	return len + n;
}

/*
 * A softdep line's names, in line order, each tagged pre or post (names
 * before any "pre:"/"post:" are dropped, as kmod does).  kmod prints the pre
 * names as the stretch of its buffer from the first pre name to the last, so
 * post names written between two pre groups show up among the pre ones, and
 * "post:" follows without a space: kept for `-c`.
 */
static int parse_softdep(struct line_ctx *lc, const char *name, char *rest)
{
	size_t ntok = 0, cap = 8, first[2] = { SIZE_MAX, SIZE_MAX }, last[2] = { 0, 0 };
	char **tok = malloc(cap * sizeof(*tok)), *tag = malloc(cap), *s, *save = rest;
	const char **deps = NULL;
	char *value = NULL;
	unsigned int n[2] = { 0, 0 };
	int mode = -1, err = -ENOMEM;
	size_t vlen = 0, rest_len = strlen(rest);

	if (!tok || !tag)
		goto out;
	while ((s = strsep(&save, " \t\n\v\f\r"))) {
		if (!*s)
			continue;
		if (mt_streq(s, "pre:") || mt_streq(s, "post:")) {
			mode = s[1] == 'r' ? 0 : 1;
			continue;
		}
		if (mode < 0)
			continue;
		if (ntok == cap) {
			char **t = reallocarray(tok, cap * 2, sizeof(*tok));
			char *g = t ? realloc(tag, cap * 2) : NULL;

			if (t)
				tok = t;
			if (!g)
				goto out;
			tag = g;
			cap *= 2;
		}
		if (first[mode] == SIZE_MAX)
			first[mode] = ntok;
		last[mode] = ntok;
		n[mode]++;
		tag[ntok] = mode;
		tok[ntok++] = s;
	}
	deps = malloc((ntok + 1) * sizeof(*deps));
	value = malloc(rest_len + 16);
	if (!deps || !value)
		goto out;
	for (int m = 0, j = 0; m < 2; m++)
		for (size_t i = 0; i < ntok; i++)
			if (tag[i] == m)
				deps[j++] = tok[i];
	for (int m = 0; m < 2; m++) {
		if (!n[m])
			continue;
		vlen = append(value, vlen, m ? "post: " : "pre: ");
		for (size_t i = first[m]; i <= last[m]; i++) {
			if (i != first[m])
				value[vlen++] = ' ';
			vlen = append(value, vlen, tok[i]);
		}
	}
	value[vlen] = '\0';
	err = add_entry(lc->cfg, MODTOOL_CONFIG_SOFTDEP, name, value, deps, n[0], n[1], lc->file,
			lc->line);
out:
	free(tok);
	free(tag);
	free(deps);
	free(value);
	return err;
}

/* weakdep MOD NAMES...: printed by -c as the names joined by single spaces. */
static int parse_weakdep(struct line_ctx *lc, const char *name, char *rest)
{
	size_t ntok = 0, len = 0;
	const char **deps = malloc((strlen(rest) / 2 + 2) * sizeof(*deps));
	char *value = malloc(strlen(rest) + 1), *s, *save = rest;
	int err = -ENOMEM;

	if (!deps || !value)
		goto out;
	while ((s = strsep(&save, " \t\n\v\f\r"))) {
		if (!*s)
			continue;
		if (ntok)
			value[len++] = ' ';
		len = append(value, len, s);
		deps[ntok++] = s;
	}
	value[len] = '\0';
	err = add_entry(lc->cfg, MODTOOL_CONFIG_WEAKDEP, name, value, deps, ntok, 0, lc->file,
			lc->line);
out:
	free(deps);
	free(value);
	return err;
}

static void bad_line(struct line_ctx *lc, const char *cmd)
{
	mt_warn(lc->ctx, "%s line %u: ignoring bad line starting with '%s'\n", lc->file, lc->line,
		cmd);
}

/* One logical line: returns -ENOMEM only; bad lines are logged and skipped. */
static int parse_line(struct line_ctx *lc, char *line)
{
	char *save = line, *cmd, *name, *arg;
	enum modtool_config_kind kind;

	if (line[0] == '\0' || line[0] == '#')
		return 0;
	cmd = next_token(&save);
	if (!cmd)
		return 0;
	if (mt_streq(cmd, "include") || mt_streq(cmd, "config")) {
		mt_warn(lc->ctx, "%s: command %s is deprecated and not parsed anymore\n", lc->file,
			cmd);
		return 0;
	}
	name = next_token(&save);
	if (mt_streq(cmd, "alias")) {
		arg = next_token(&save);
		if (!name || !arg || mt_underscores(name) < 0 || mt_underscores(arg) < 0)
			goto bad;
		return add_entry(lc->cfg, MODTOOL_CONFIG_ALIAS, name, arg, NULL, 0, 0, lc->file,
				 lc->line);
	}
	if (mt_streq(cmd, "blacklist")) {
		if (!name || mt_underscores(name) < 0)
			goto bad;
		return add_entry(lc->cfg, MODTOOL_CONFIG_BLACKLIST, name, NULL, NULL, 0, 0, lc->file,
				 lc->line);
	}
	if (mt_streq(cmd, "options"))
		kind = MODTOOL_CONFIG_OPTIONS;
	else if (mt_streq(cmd, "install"))
		kind = MODTOOL_CONFIG_INSTALL;
	else if (mt_streq(cmd, "remove"))
		kind = MODTOOL_CONFIG_REMOVE;
	else if (mt_streq(cmd, "softdep"))
		kind = MODTOOL_CONFIG_SOFTDEP;
	else if (mt_streq(cmd, "weakdep"))
		kind = MODTOOL_CONFIG_WEAKDEP;
	else
		goto bad;
	arg = name ? rest_of_line(&save) : NULL;
	if (!name || !arg || mt_underscores(name) < 0)
		goto bad;
	if (kind == MODTOOL_CONFIG_SOFTDEP)
		return parse_softdep(lc, name, arg);
	if (kind == MODTOOL_CONFIG_WEAKDEP)
		return parse_weakdep(lc, name, arg);
	if (kind == MODTOOL_CONFIG_OPTIONS)
		for (char *t = arg; (t = strchr(t, '\t')); t++)
			*t = ' ';
	return add_entry(lc->cfg, kind, name, arg, NULL, 0, 0, lc->file, lc->line);
bad:
	bad_line(lc, cmd);
	return 0;
}

/*
 * Split @buf into logical lines as kmod's reader does: a backslash before a
 * newline joins the lines, before any other character it is dropped; the
 * line number is that of a logical line's last physical line.  A NUL byte
 * ends what the directive parser sees of its line.
 */
int mt_config_parse_buffer(struct modtool_ctx *ctx, struct mt_config *cfg, const char *name,
			   const char *buf, size_t len)
{
	struct line_ctx lc = { .ctx = ctx, .cfg = cfg, .line = 0 };
	char *line = malloc(len + 1);
	size_t i = 0;
	int err = 0;

	if (!line)
		return -ENOMEM;
	lc.file = intern_file(cfg, name);
	if (!lc.file) {
		free(line);
		return -ENOMEM;
	}
	while (i < len && err == 0) {
		size_t n = 0;

		for (; i < len && buf[i] != '\n'; i++) {
			if (buf[i] == '\\' && i + 1 < len) {
				i++;
				if (buf[i] == '\n') {
					lc.line++;
					continue;
				}
			} else if (buf[i] == '\\') {
				continue;
			}
			line[n++] = buf[i];
		}
		i++;		/* the newline, or past the end */
		lc.line++;
		line[n] = '\0';
		err = parse_line(&lc, line);
	}
	free(line);
	return err;
}

/* ---- kernel command line -------------------------------------------------- */

static int cmdline_result(struct modtool_ctx *ctx, struct mt_config *cfg, char *modname,
			  char *param)
{
	const char *file = intern_file(cfg, "");
	int err;

	if (!file)
		return -ENOMEM;
	if (mt_streq(modname, "modprobe") && strncmp(param, "blacklist=", 10) == 0) {
		char *list = param + 10, *t;

		/* kmod keeps these as written: no '-' to '_', empty names too */
		while ((t = strsep(&list, ","))) {
			err = add_entry(cfg, MODTOOL_CONFIG_BLACKLIST, t, NULL, NULL, 0, 0, file, 0);
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
	return add_entry(cfg, MODTOOL_CONFIG_OPTIONS, modname, param, NULL, 0, 0, file, 0);
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
	char *s = malloc(len + 2), *modname, *param = NULL, *value = NULL;
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
		char c = s[i];

		if (c == '"') {
			quoted = !quoted;
			if (quoted && st == ST_MODNAME && s + i == modname) {
				quote_start = true;
				modname = s + i + 1;
			} else if (st != ST_VALUE) {
				st = ST_IGNORE;
			}
		} else if (c == '\0' || isspace((unsigned char)c)) {
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
		if (quote_start && value) {
			/* the opening quote moves from before modname to after '=' */
			size_t vlen = strlen(value);
			char *q = malloc(strlen(param) + 2);

			if (!q) {
				err = -ENOMEM;
				break;
			}
			memcpy(q, param, value - param);
			q[value - param] = '"';
			memcpy(q + (value - param) + 1, value, vlen + 1);
			err = cmdline_result(ctx, cfg, modname, q);
			free(q);
		} else {
			err = cmdline_result(ctx, cfg, modname, param);
		}
		modname = s + i + 1;
		param = value = NULL;
		st = ST_MODNAME;
		quote_start = false;
	}
	free(s);
	return err;
}

/* ---- matching ------------------------------------------------------------ */

bool mt_config_key_matches(const char *key, const char *name)
{
	/* most keys are plain names: fnmatch costs ten times a compare */
	if (!key[strcspn(key, "*?[\\")])
		return mt_streq(key, name);
	return fnmatch(key, name, 0) == 0;
}

const struct mt_config_entry *mt_config_first_match(const struct mt_config *cfg,
						    enum modtool_config_kind kind,
						    const char *name)
{
	size_t n;
	const struct mt_config_entry *e = mt_config_entries(cfg, kind, &n);

	for (size_t i = 0; i < n; i++)
		if (mt_config_key_matches(e[i].key, name))
			return &e[i];
	return NULL;
}

bool mt_config_is_blacklisted(const struct mt_config *cfg, const char *name)
{
	size_t n;
	const struct mt_config_entry *e = mt_config_entries(cfg, MODTOOL_CONFIG_BLACKLIST, &n);

	for (size_t i = 0; i < n; i++)
		if (mt_streq(e[i].key, name))
			return true;
	return false;
}

bool mt_config_options_apply(const struct mt_config_entry *e, const char *name, const char *alias)
{
	return mt_streq(e->key, name) || (alias && mt_streq(e->key, alias));
}

int mt_config_options(const struct mt_config *cfg, const char *name, const char *alias,
		      const char *extra, char **out)
{
	size_t n, len = 0, size = extra ? strlen(extra) + 2 : 1;
	const struct mt_config_entry *e = mt_config_entries(cfg, MODTOOL_CONFIG_OPTIONS, &n);
	char *s;

	*out = NULL;
	for (size_t i = 0; i < n; i++)
		if (mt_config_options_apply(&e[i], name, alias))
			size += strlen(e[i].value) + 1;
	if (size == 1 || (extra && !*extra && size == 2))
		return 0;
	s = malloc(size);
	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!mt_config_options_apply(&e[i], name, alias) || !*e[i].value)
			continue;
		if (len)
			s[len++] = ' ';
		len += strlen(strcpy(s + len, e[i].value));
	}
	/* kmod: configured options, then a space, then the command line's */
	if (len)
		s[len++] = ' ';
	if (extra)
		len += strlen(strcpy(s + len, extra));
	s[len] = '\0';
	*out = s;
	return 0;
}

/* ---- which files ------------------------------------------------------------ */

/* A configuration file larger than this is refused (logged), not read. */
#define MT_CONFIG_MAX_FILE ((size_t)16 << 20)
/* kmod reads at most this much of the kernel command line. */
#define MT_CMDLINE_MAX 4095

static const char *const default_dirs[] = {
	"/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d",
	"/usr/lib/modprobe.d", "/lib/modprobe.d", NULL,
};

struct conf_file {
	char *name;	/* sort key: the file name */
	char *path;
};

struct conf_files {
	struct conf_file *v;
	size_t n, cap;
};

/* Insert in name order; a name already present (from an earlier place) wins. */
static int files_insert(struct conf_files *f, const char *name, const char *path)
{
	size_t lo = 0, hi = f->n;
	struct conf_file cf;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, f->v[mid].name);

		if (c == 0)
			return 0;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct conf_file *v = reallocarray(f->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		f->v = v;
		f->cap = cap;
	}
	cf.name = strdup(name);
	cf.path = strdup(path);
	if (!cf.name || !cf.path) {
		free(cf.name);
		free(cf.path);
		return -ENOMEM;
	}
	memmove(f->v + lo + 1, f->v + lo, (f->n - lo) * sizeof(*f->v));
	f->v[lo] = cf;
	f->n++;
	return 0;
}

static void files_free(struct conf_files *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].path);
	}
	free(f->v);
}

static bool wanted_name(const char *fn)
{
	size_t len = strlen(fn);

	if (fn[0] == '.' || len < 6)
		return false;
	return mt_streq(fn + len - 5, ".conf") || mt_streq(fn + len - 6, ".alias");
}

static int files_from_dir(struct modtool_ctx *ctx, struct conf_files *f, const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char full[PATH_MAX];
	int err = 0;

	if (!d) {
		mt_err(ctx, "%s: %s\n", path, strerror(errno));
		return 0;
	}
	while (err == 0 && (de = readdir(d))) {
		struct stat st;

		if (!wanted_name(de->d_name))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode)) {
			mt_err(ctx, "Directories inside directories are not supported: %s/%s\n", path,
			       de->d_name);
			continue;
		}
		if (snprintf(full, sizeof(full), "%s/%s", path, de->d_name) >= (int)sizeof(full))
			continue;
		err = files_insert(f, de->d_name, full);
	}
	closedir(d);
	return err;
}

static int files_from_path(struct modtool_ctx *ctx, struct conf_files *f, const char *path)
{
	const char *base = strrchr(path, '/');
	struct stat st;

	if (stat(path, &st) < 0)
		return 0;	/* a missing directory is normal */
	if (S_ISDIR(st.st_mode))
		return files_from_dir(ctx, f, path);
	if (!S_ISREG(st.st_mode)) {
		mt_dbg(ctx, "unsupported file mode %s: %#x\n", path, st.st_mode);
		return 0;
	}
	/* a file named on its own sorts by its base name among the others */
	return files_insert(f, base ? base + 1 : path, path);
}

/*
 * Read a whole small file: regular files only (never block on a FIFO), at
 * most @max bytes; procfs files say size 0, so read until the end.
 */
static int read_small_file(struct modtool_ctx *ctx, const char *path, size_t max, char **buf,
			   size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	size_t cap, n = 0;
	struct stat st;
	char *b;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size > max) {
		mt_err(ctx, "%s: larger than %zu bytes, not read\n", path, max);
		close(fd);
		return -EFBIG;
	}
	cap = st.st_size ? (size_t)st.st_size + 1 : 4096;
	b = malloc(cap + 1);
	while (b) {
		ssize_t r = read(fd, b + n, cap - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
		if (n == cap) {
			char *nb = cap < max ? realloc(b, (cap = cap * 2 > max ? max : cap * 2) + 1) : NULL;

			if (!nb)
				break;
			b = nb;
		}
	}
	close(fd);
	if (!b)
		return -ENOMEM;
	*buf = b;
	*len = n > max ? max : n;
	return 0;
}

static int parse_file(struct modtool_ctx *ctx, struct mt_config *cfg, const char *path)
{
	char *buf;
	size_t len;
	int err = read_small_file(ctx, path, MT_CONFIG_MAX_FILE, &buf, &len);

	if (err < 0)
		return err == -ENOMEM ? err : 0;	/* unreadable: skipped, as kmod does */
	err = mt_config_parse_buffer(ctx, cfg, path, buf, len);
	free(buf);
	return err;
}

int mt_config_load(struct modtool_ctx *ctx, const char *const *paths, const char *cmdline,
		   struct mt_config **cfgp)
{
	struct conf_files files = { 0 };
	struct mt_config *cfg;
	char dep[PATH_MAX];
	int err;

	err = mt_config_new(&cfg);
	if (err < 0)
		return err;
	/* the tree's own files come first, so a modprobe.d file of that name loses */
	for (const char *const *n = (const char *const[]){ "modules.softdep", "modules.weakdep",
							   NULL }; *n && err == 0; n++)
		if (snprintf(dep, sizeof(dep), "%s/%s", ctx->module_dir, *n) < (int)sizeof(dep))
			err = files_insert(&files, *n, dep);
	for (const char *const *p = paths ? paths : default_dirs; *p && err == 0; p++)
		err = files_from_path(ctx, &files, *p);
	for (size_t i = 0; i < files.n && err == 0; i++)
		err = parse_file(ctx, cfg, files.v[i].path);
	files_free(&files);
	if (err == 0 && (!cmdline || *cmdline)) {
		char *buf;
		size_t len;

		if (read_small_file(ctx, cmdline ? cmdline : "/proc/cmdline", 1 << 20, &buf,
				    &len) == 0) {
			err = mt_config_parse_cmdline(ctx, cfg, buf,
						      len > MT_CMDLINE_MAX ? MT_CMDLINE_MAX : len);
			free(buf);
		}
	}
	if (err < 0) {
		mt_config_free(cfg);
		return err;
	}
	*cfgp = cfg;
	return 0;
}

/* ---- public ------------------------------------------------------------------ */

MT_EXPORT int modtool_ctx_load_config(struct modtool_ctx *ctx, const char *const *paths,
				      const char *cmdline)
{
	struct mt_config *cfg;
	int err;

	if (!ctx)
		return -EINVAL;
	err = mt_config_load(ctx, paths, cmdline, &cfg);
	if (err < 0)
		return err;
	mt_config_free(ctx->config);
	ctx->config = cfg;
	return 0;
}

MT_EXPORT size_t modtool_config_count(const struct modtool_ctx *ctx,
				      enum modtool_config_kind kind)
{
	size_t n;

	mt_config_entries(ctx ? ctx->config : NULL, kind, &n);
	return n;
}

static const struct mt_config_entry *entry_at(const struct modtool_ctx *ctx,
					      enum modtool_config_kind kind, size_t i)
{
	size_t n;
	const struct mt_config_entry *e = mt_config_entries(ctx ? ctx->config : NULL, kind, &n);

	return i < n ? &e[i] : NULL;
}

MT_EXPORT int modtool_config_get(const struct modtool_ctx *ctx, enum modtool_config_kind kind,
				 size_t i, const char **key, const char **value,
				 const char **file, unsigned int *line)
{
	const struct mt_config_entry *e = entry_at(ctx, kind, i);

	if (!e)
		return -ENOENT;
	if (key)
		*key = e->key;
	if (value)
		*value = e->value;
	if (file)
		*file = e->file;
	if (line)
		*line = e->line;
	return 0;
}

MT_EXPORT size_t modtool_config_get_deps(const struct modtool_ctx *ctx,
					 enum modtool_config_kind kind, size_t i, bool post,
					 const char *const **names)
{
	const struct mt_config_entry *e = entry_at(ctx, kind, i);

	if (!e || !e->deps) {
		*names = NULL;
		return 0;
	}
	*names = post ? e->deps + e->npre : e->deps;
	return post ? e->npost : e->npre;
}

MT_EXPORT int modtool_config_find(const struct modtool_ctx *ctx, enum modtool_config_kind kind,
				  const char *name, const char *alias, size_t start)
{
	size_t n;
	const struct mt_config_entry *e = mt_config_entries(ctx ? ctx->config : NULL, kind, &n);

	if (!name)
		return -EINVAL;
	for (size_t i = start; i < n && i <= INT32_MAX; i++) {
		bool match;

		if (kind == MODTOOL_CONFIG_BLACKLIST)
			match = mt_streq(e[i].key, name);
		else if (kind == MODTOOL_CONFIG_OPTIONS)
			match = mt_config_options_apply(&e[i], name, alias);
		else if (kind == MODTOOL_CONFIG_ALIAS)
			match = fnmatch(e[i].key, alias ? alias : name, 0) == 0;
		else
			match = fnmatch(e[i].key, name, 0) == 0;
		if (match)
			return (int)i;
	}
	return -ENOENT;
}

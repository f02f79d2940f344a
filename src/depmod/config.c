// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * depmod.d: which directories win when two modules share a name (search,
 * override), where modules outside the tree live (external), which entries
 * are never walked into (exclude).  Files are read in name order across all
 * directories, the first file of a given name wins, as kmod does.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/internal.h"
#include "depmod/config.h"

struct cfg_file {
	char *path;
	const char *name;
};

struct cfg_files {
	struct cfg_file *v;
	size_t n, cap;
};

static int files_add(struct cfg_files *f, const char *dir, const char *name)
{
	struct cfg_file *v;
	char *path;

	for (size_t i = 0; i < f->n; i++)
		if (mt_streq(f->v[i].name, name))
			return 0;	/* the first of a name wins */
	v = mt_grow(f->v, &f->cap, f->n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	f->v = v;
	if (dir ? asprintf(&path, "%s/%s", dir, name) < 0 : !(path = strdup(name)))
		return -ENOMEM;
	f->v[f->n].path = path;
	f->v[f->n].name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	f->n++;
	return 0;
}

static bool conf_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 5 && mt_streq(name + len - 5, ".conf");
}

/*
 * opendir(), not scandir(): the order does not matter (the list is sorted
 * by name afterwards), and kmod's testsuite fakes a root by interposing
 * opendir(), which libc's scandir() does not call through.
 */
static int files_list(struct modtool_ctx *ctx, struct cfg_files *f, const char *path)
{
	struct dirent *de;
	struct stat st;
	int err = 0;
	DIR *d;

	if (stat(path, &st) < 0)
		return 0;	/* a missing directory is normal */
	if (S_ISREG(st.st_mode))
		return files_add(f, NULL, path);
	if (!S_ISDIR(st.st_mode)) {
		mt_err(ctx, "unsupported file mode %s: %#o\n", path, st.st_mode);
		return 0;
	}
	d = opendir(path);
	if (!d) {
		mt_err(ctx, "files list %s: %s\n", path, strerror(errno));
		return 0;
	}
	while (!err && (de = readdir(d))) {
		if (!conf_name(de->d_name) || fstatat(dirfd(d), de->d_name, &st, 0) < 0 ||
		    S_ISDIR(st.st_mode))
			continue;
		if (S_ISREG(st.st_mode))
			err = files_add(f, path, de->d_name);
		else
			mt_warn(ctx, "%s/%s: not a regular file, ignored\n", path, de->d_name);
	}
	closedir(d);
	return err;
}

static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cfg_file *)a)->name, ((const struct cfg_file *)b)->name);
}

/* ---- directives --------------------------------------------------------- */

static bool kernel_matches(const char *pattern, const char *kversion)
{
	regex_t re;
	int r;

	if (mt_streq(pattern, "*"))
		return true;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	r = regexec(&re, kversion, 0, NULL, 0);
	regfree(&re);
	return r == 0;
}

static int add_search(struct mt_depmod_cfg *cfg, const char *what)
{
	struct mt_search *s = mt_grow(cfg->searches, &cfg->searches_cap, cfg->n_searches + 1,
				      sizeof(*s));
	size_t len;

	if (!s)
		return -ENOMEM;
	cfg->searches = s;
	s = &cfg->searches[cfg->n_searches];
	s->type = mt_streq(what, "built-in") ? MT_SEARCH_BUILTIN :
		  mt_streq(what, "external") ? MT_SEARCH_EXTERNAL : MT_SEARCH_PATH;
	s->path = strdup(what);
	if (!s->path)
		return -ENOMEM;
	len = strlen(s->path);
	while (len > 1 && s->path[len - 1] == '/')
		s->path[--len] = 0;
	cfg->n_searches++;
	return 0;
}

static int add_override(struct mt_depmod_cfg *cfg, const char *mod, const char *subdir)
{
	struct mt_override *o = mt_grow(cfg->overrides, &cfg->overrides_cap,
					cfg->n_overrides + 1, sizeof(*o));
	char name[PATH_MAX];
	size_t len;

	if (!o)
		return -ENOMEM;
	cfg->overrides = o;
	if (mt_modname_normalize(mod, name, sizeof(name)) < 0)
		return 0;
	o = &cfg->overrides[cfg->n_overrides];
	o->modname = strdup(name);
	o->subdir = strdup(subdir);
	if (!o->modname || !o->subdir) {
		free(o->modname);
		free(o->subdir);
		return -ENOMEM;
	}
	len = strlen(o->subdir);
	while (len > 1 && o->subdir[len - 1] == '/')
		o->subdir[--len] = 0;
	cfg->n_overrides++;
	return 0;
}

struct line_ctx {
	struct modtool_ctx *ctx;
	struct mt_depmod_cfg *cfg;
	const char *file;
	unsigned int lineno;
	const char *kversion;
};

static int parse_line(struct line_ctx *l, char *line)
{
	char *save, *cmd = strtok_r(line, "\t ", &save), *a, *b, *c;
	int err = 0;

	if (!cmd || cmd[0] == '#')
		return 0;
	if (mt_streq(cmd, "search")) {
		while (!err && (a = strtok_r(NULL, "\t ", &save)))
			err = add_search(l->cfg, a);
	} else if (mt_streq(cmd, "override")) {
		a = strtok_r(NULL, "\t ", &save);
		b = strtok_r(NULL, "\t ", &save);
		c = strtok_r(NULL, "\t ", &save);
		if (!a || !b || !c)
			goto bad;
		if (kernel_matches(b, l->kversion))
			err = add_override(l->cfg, a, c);
		else
			mt_info(l->ctx, "%s:%u: override kernel did not match %s\n",
				l->file, l->lineno, b);
	} else if (mt_streq(cmd, "external")) {
		a = strtok_r(NULL, "\t ", &save);
		b = strtok_r(NULL, "\t ", &save);
		if (!a || !b)
			goto bad;
		if (!kernel_matches(a, l->kversion)) {
			mt_info(l->ctx, "%s:%u: external directory did not match %s\n",
				l->file, l->lineno, a);
			return 0;
		}
		for (; !err && b; b = strtok_r(NULL, "\t ", &save)) {
			/* say here which line it was: the scan could only say ENAMETOOLONG */
			if (strlen(b) >= PATH_MAX - NAME_MAX) {
				mt_warn(l->ctx, "%s:%u: external directory name too long, ignored\n",
					l->file, l->lineno);
				continue;
			}
			err = mt_strv_push(&l->cfg->externals, &l->cfg->n_externals,
					 &l->cfg->externals_cap, b);
		}
	} else if (mt_streq(cmd, "exclude")) {
		while (!err && (a = strtok_r(NULL, "\t ", &save)))
			err = mt_strv_push(&l->cfg->excludes, &l->cfg->n_excludes,
					 &l->cfg->excludes_cap, a);
	} else if (mt_streq(cmd, "include") || mt_streq(cmd, "make_map_files")) {
		mt_info(l->ctx, "%s:%u: command %s not implemented yet\n", l->file, l->lineno, cmd);
	} else {
		goto bad;
	}
	return err;
bad:
	mt_err(l->ctx, "%s:%u: ignoring bad line starting with '%s'\n", l->file, l->lineno, cmd);
	return 0;
}

/* Lines ending in '\' continue on the next one. */
static int parse_file(struct line_ctx *l)
{
	/* O_NONBLOCK and a type check: a FIFO named *.conf must not hang us */
	int fd = open(l->file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct mt_buf joined = { 0 };
	struct stat st;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int err = 0;
	FILE *f;

	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
		errno = EINVAL;
	}
	f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!f) {
		mt_err(l->ctx, "file parse %s: %s\n", l->file,
		       errno == EINVAL ? "not a regular file" : strerror(errno));
		if (fd >= 0)
			close(fd);
		return 0;
	}
	l->lineno = 0;
	while (!err && (n = getline(&line, &cap, f)) >= 0) {
		l->lineno++;
		if (n && line[n - 1] == '\n')
			line[--n] = 0;
		if (n && line[n - 1] == '\\') {
			mt_buf_put(&joined, line, (size_t)n - 1);
			continue;
		}
		mt_buf_put(&joined, line, (size_t)n);
		if (joined.err)
			err = joined.err;
		else
			err = parse_line(l, joined.p);
		joined.len = 0;
	}
	if (!err && joined.len && !joined.err)
		err = parse_line(l, joined.p);
	free(line);
	mt_buf_free(&joined);
	fclose(f);
	return err;
}

int mt_depmod_cfg_load(struct modtool_ctx *ctx, struct mt_depmod_cfg *cfg,
		       char *const *paths, size_t n_paths, const char *kversion)
{
	static char *const defaults[] = {
		"/etc/depmod.d", "/run/depmod.d", "/usr/local/lib/depmod.d", "/lib/depmod.d",
	};
	struct cfg_files files = { 0 };
	struct line_ctx l = { .ctx = ctx, .cfg = cfg, .kversion = kversion };
	int err = 0;

	if (!paths) {
		paths = defaults;
		n_paths = sizeof(defaults) / sizeof(defaults[0]);
	}
	for (size_t i = 0; !err && i < n_paths; i++)
		err = files_list(ctx, &files, paths[i]);
	if (files.n > 1)
		qsort(files.v, files.n, sizeof(*files.v), file_cmp);
	for (size_t i = 0; i < files.n; i++) {
		l.file = files.v[i].path;
		if (!err)
			err = parse_file(&l);
		free(files.v[i].path);
	}
	free(files.v);
	/* no search line: "updates" first, then the rest of the tree */
	if (!err && cfg->n_searches == 0)
		err = add_search(cfg, "updates");
	return err;
}

void mt_depmod_cfg_free(struct mt_depmod_cfg *cfg)
{
	for (size_t i = 0; i < cfg->n_searches; i++)
		free(cfg->searches[i].path);
	for (size_t i = 0; i < cfg->n_overrides; i++) {
		free(cfg->overrides[i].modname);
		free(cfg->overrides[i].subdir);
	}
	for (size_t i = 0; i < cfg->n_externals; i++)
		free(cfg->externals[i]);
	for (size_t i = 0; i < cfg->n_excludes; i++)
		free(cfg->excludes[i]);
	free(cfg->searches);
	free(cfg->overrides);
	free(cfg->externals);
	free(cfg->excludes);
	memset(cfg, 0, sizeof(*cfg));
}

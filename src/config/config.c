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
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/glob-match.h"
#include "base/internal.h"
#include "config/config.h"

struct entry_list {
	struct mt_config_entry *v;
	size_t n, cap;
};

/*
 * Everything the entries point to (file contents cut in place, rebuilt
 * softdep values, file names) lives in chunks freed together: parsing
 * allocates per file, not per line.
 */
struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

#define ARENA_CHUNK ((size_t)16384)

/* A configuration path as it was when read: a changed one makes the configuration stale. */
struct config_stamp {
	const char *path;	/* in the arena */
	struct timespec mtime;
};

struct mt_config {
	struct entry_list kind[MODTOOL_CONFIG_KIND_COUNT];
	struct config_stamp *stamps;
	size_t nstamps, stamps_cap;
	struct arena_chunk *chunks;
	const char *last_file;	/* the last name mt_config_file_name() gave */
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
	for (int k = 0; k < MODTOOL_CONFIG_KIND_COUNT; k++)
		free(cfg->kind[k].v);
	free(cfg->stamps);
	while (cfg->chunks) {
		struct arena_chunk *c = cfg->chunks;

		cfg->chunks = c->next;
		free(c);
	}
	free(cfg);
}

void *mt_config_alloc(struct mt_config *cfg, size_t size)
{
	struct arena_chunk *c = cfg->chunks;
	size_t align = sizeof(max_align_t), need = (size + align - 1) & ~(align - 1);

	if (need < size)
		return NULL;
	if (!c || c->size - c->used < need) {
		size_t room = need > ARENA_CHUNK / 4 ? need : ARENA_CHUNK;

		if (room > SIZE_MAX - sizeof(*c))
			return NULL;
		c = malloc(sizeof(*c) + room);
		if (!c)
			return NULL;
		c->used = 0;
		c->size = room;
		/* a big block gets a chunk of its own, behind the one being filled */
		if (room != ARENA_CHUNK && cfg->chunks) {
			c->next = cfg->chunks->next;
			cfg->chunks->next = c;
		} else {
			c->next = cfg->chunks;
			cfg->chunks = c;
		}
	}
	c->used += need;
	return (char *)c->data + c->used - need;
}

const char *mt_config_file_name(struct mt_config *cfg, const char *name)
{
	size_t len = strlen(name) + 1;
	char *copy;

	if (cfg->last_file && mt_streq(cfg->last_file, name))
		return cfg->last_file;
	copy = mt_config_alloc(cfg, len);
	if (!copy)
		return NULL;
	cfg->last_file = memcpy(copy, name, len);
	return copy;
}

int mt_config_add(struct mt_config *cfg, enum modtool_config_kind kind,
		  const struct mt_config_entry *e)
{
	struct entry_list *l = &cfg->kind[kind];

	struct mt_config_entry *v = mt_grow(l->v, &l->cap, l->n + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	l->v = v;
	l->v[l->n++] = *e;
	return 0;
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

/* ---- matching ------------------------------------------------------------ */

bool mt_config_entry_matches(const struct mt_config_entry *e, const char *name)
{
	return e->glob ? mt_glob_match(e->key, name) : mt_config_streq(e->key, name);
}

int mt_config_entry_at(struct mt_config *cfg, enum modtool_config_kind kind, size_t i,
		       const struct mt_config_entry **e)
{
	int err;

	*e = NULL;
	if (!cfg || (unsigned int)kind >= MODTOOL_CONFIG_KIND_COUNT || i >= cfg->kind[kind].n)
		return -ENOENT;
	err = mt_config_entry_ready(cfg, kind, &cfg->kind[kind].v[i]);
	if (err == 0)
		*e = &cfg->kind[kind].v[i];
	return err;
}

int mt_config_first_list(struct mt_config *cfg, enum modtool_config_kind kind, const char *name,
			 const struct mt_config_entry **e)
{
	const struct mt_config_entry *found = mt_config_first_match(cfg, kind, name);

	*e = NULL;
	if (!found)
		return 0;
	return mt_config_entry_at(cfg, kind, found - cfg->kind[kind].v, e);
}

const struct mt_config_entry *mt_config_first_match(const struct mt_config *cfg,
						    enum modtool_config_kind kind,
						    const char *name)
{
	size_t n;
	const struct mt_config_entry *e = mt_config_entries(cfg, kind, &n);

	for (size_t i = 0; i < n; i++)
		if (mt_config_entry_matches(&e[i], name))
			return &e[i];
	return NULL;
}

bool mt_config_is_blacklisted(const struct mt_config *cfg, const char *name)
{
	size_t n;
	const struct mt_config_entry *e = mt_config_entries(cfg, MODTOOL_CONFIG_BLACKLIST, &n);

	for (size_t i = 0; i < n; i++)
		if (mt_config_streq(e[i].key, name))
			return true;
	return false;
}

bool mt_config_options_apply(const struct mt_config_entry *e, const char *name, const char *alias)
{
	return mt_config_streq(e->key, name) || (alias && mt_config_streq(e->key, alias));
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
	struct conf_file cf, *v;

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
	v = mt_grow(f->v, &f->cap, f->n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	f->v = v;
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

/* "@dir/@name" into @buf: false when it does not fit (no printf on the startup path). */
static bool join_path(char *buf, size_t size, const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);

	if (dl + nl + 2 > size)
		return false;
	memcpy(buf, dir, dl);
	buf[dl] = '/';
	memcpy(buf + dl + 1, name, nl + 1);
	return true;
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
		if (!join_path(full, sizeof(full), path, de->d_name))
			continue;
		err = files_insert(f, de->d_name, full);
	}
	closedir(d);
	return err;
}

/* Remember @path's time as read: 0 or -ENOMEM. */
static int add_stamp(struct mt_config *cfg, const char *path, const struct stat *st)
{
	size_t len = strlen(path) + 1;
	struct config_stamp *v;
	char *copy;

	v = mt_grow(cfg->stamps, &cfg->stamps_cap, cfg->nstamps + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	cfg->stamps = v;
	copy = mt_config_alloc(cfg, len);
	if (!copy)
		return -ENOMEM;
	v[cfg->nstamps++] = (struct config_stamp){ memcpy(copy, path, len), st->st_mtim };
	return 0;
}

bool mt_config_is_current(const struct mt_config *cfg)
{
	for (size_t i = 0; cfg && i < cfg->nstamps; i++) {
		struct stat st;

		if (stat(cfg->stamps[i].path, &st) < 0 ||
		    st.st_mtim.tv_sec != cfg->stamps[i].mtime.tv_sec ||
		    st.st_mtim.tv_nsec != cfg->stamps[i].mtime.tv_nsec)
			return false;
	}
	return true;
}

static int files_from_path(struct modtool_ctx *ctx, struct mt_config *cfg, struct conf_files *f,
			   const char *path)
{
	const char *base = strrchr(path, '/');
	struct stat st;
	int err;

	if (stat(path, &st) < 0)
		return 0;	/* a missing directory is normal */
	/* a directory's time changes when a file comes or goes (kmod's rule too) */
	err = add_stamp(cfg, path, &st);
	if (err < 0)
		return err;
	if (S_ISDIR(st.st_mode))
		return files_from_dir(ctx, f, path);
	if (!S_ISREG(st.st_mode)) {
		mt_dbg(ctx, "unsupported file mode %s: %#x\n", path, st.st_mode);
		return 0;
	}
	/* a file named on its own sorts by its base name among the others */
	return files_insert(f, base ? base + 1 : path, path);
}

/* The kernel command line (procfs says size 0: read until the end), its first MT_CMDLINE_MAX bytes. */
static int parse_cmdline_file(struct modtool_ctx *ctx, struct mt_config *cfg, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	char buf[MT_CMDLINE_MAX];
	size_t n = 0;
	struct stat st;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	/* a read error keeps what came before it, as for configuration files */
	mt_read_full(fd, buf, sizeof(buf), &n);
	close(fd);
	return mt_config_parse_cmdline(ctx, cfg, buf, n);
}

/* A configuration file, read into the configuration's memory and parsed in place. */
static int parse_file(struct modtool_ctx *ctx, struct mt_config *cfg, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	size_t n = 0, size;
	struct stat st;
	char *buf;

	if (fd < 0)
		return 0;	/* unreadable: skipped, as kmod does */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		return 0;
	}
	if ((uint64_t)st.st_size > MT_CONFIG_MAX_FILE) {
		mt_err(ctx, "%s: larger than %zu bytes, not read\n", path, MT_CONFIG_MAX_FILE);
		close(fd);
		return 0;
	}
	size = st.st_size;
	buf = mt_config_alloc(cfg, size + 1);
	if (buf)
		mt_read_full(fd, buf, size, &n);	/* what came before an error counts */
	close(fd);
	if (!buf)
		return -ENOMEM;
	return mt_config_parse_owned(ctx, cfg, path, buf, n);
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
		if (join_path(dep, sizeof(dep), ctx->module_dir, *n))
			err = files_insert(&files, *n, dep);
	for (const char *const *p = paths ? paths : default_dirs; *p && err == 0; p++)
		err = files_from_path(ctx, cfg, &files, *p);
	for (size_t i = 0; i < files.n && err == 0; i++)
		err = parse_file(ctx, cfg, files.v[i].path);
	files_free(&files);
	if (err == 0 && (!cmdline || *cmdline))
		err = parse_cmdline_file(ctx, cfg, cmdline ? cmdline : "/proc/cmdline");
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

/* The calls take a const context: the lazy cut of a list is not a change callers see. */
static int entry_at(const struct modtool_ctx *ctx, enum modtool_config_kind kind, size_t i,
		    const struct mt_config_entry **e)
{
	*e = NULL;
	return ctx ? mt_config_entry_at(ctx->config, kind, i, e) : -ENOENT;
}

MT_EXPORT int modtool_config_get(const struct modtool_ctx *ctx, enum modtool_config_kind kind,
				 size_t i, const char **key, const char **value,
				 const char **file, unsigned int *line)
{
	const struct mt_config_entry *e;
	int err = entry_at(ctx, kind, i, &e);

	if (err < 0)
		return err;
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
	const struct mt_config_entry *e;

	if (entry_at(ctx, kind, i, &e) < 0 || !e->deps) {
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
			match = mt_glob_match(e[i].key, alias ? alias : name);
		else
			match = mt_glob_match(e[i].key, name);
		if (match)
			return (int)i;
	}
	return -ENOENT;
}

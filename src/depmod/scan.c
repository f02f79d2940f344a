// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Finding the modules of a tree: walk it (and the external directories),
 * choose one module per name by depmod.d's rules, and order the chosen ones
 * as modules.order says.
 *
 * Duplicates are chosen by rank, never by the order the directory happens
 * to list them: an override for that name and directory first, then the
 * first search entry that holds the file, then the "built-in" entry for
 * everything else; within one rank the smallest relative path wins.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/internal.h"
#include "depmod/depmod.h"
#include "module/tree.h"

/* The kernel's name of a module file: basename up to the first '.', '-' -> '_'. */
static char *modname_of(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;
	char *name;

	base = base ? base + 1 : path;
	len = strcspn(base, ".");
	name = strndup(base, len);
	if (!name)
		return NULL;
	for (size_t i = 0; i < len; i++)
		if (name[i] == '-')
			name[i] = '_';
	return name;
}

void mt_dm_module_free(struct mt_dm_module *m)
{
	if (!m)
		return;
	free(m->path);
	free(m->name);
	free(m->problem);
	if (!m->from_cache)
		free(m->rec.data);
	free(m->deps);
	free(m);
}

static int add_module(struct mt_depmod_run *run, const char *path, const struct stat *st)
{
	struct mt_dm_module *m, **v;

	v = mt_grow(run->mods, &run->mods_cap, run->n_mods + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	run->mods = v;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->path = strdup(path);
	m->name = modname_of(path);
	if (!m->path || !m->name) {
		mt_dm_module_free(m);
		return -ENOMEM;
	}
	if (strncmp(path, run->dirname, run->dirnamelen) == 0 && path[run->dirnamelen] == '/')
		m->relpath = m->path + run->dirnamelen + 1;
	else
		m->relpath = m->path;
	m->file_size = (uint64_t)st->st_size;
	m->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	m->ino = st->st_ino;
	m->dev = st->st_dev;
	m->order = INT32_MAX;
	run->mods[run->n_mods++] = m;
	return 0;
}

static bool excluded(const struct mt_depmod_run *run, const char *name)
{
	if (mt_streq(name, ".") || mt_streq(name, "..") ||
	    mt_streq(name, "build") || mt_streq(name, "source"))
		return true;
	for (size_t i = 0; i < run->cfg->n_excludes; i++)
		if (mt_streq(name, run->cfg->excludes[i]))
			return true;
	return false;
}

/*
 * A directory that cannot be read is skipped, as kmod does; unless the
 * machine is at fault (descriptors, memory, the disk): its modules would
 * vanish from the indexes, so that stops the walk.
 */
static int env_err(int err)
{
	return mt_err_is_environment(err) ? err : 0;
}

/* Walk @path (open as @dfd, consumed) and collect every module file. */
static int walk(struct mt_depmod_run *run, int dfd, char *path, size_t len, unsigned int depth)
{
	struct dirent *de;
	int err = 0;
	DIR *d = mt_opendir_fd(run->ctx, dfd, path, &err);

	if (!d)
		return env_err(err);
	while (!err && (errno = 0, de = readdir(d))) {
		size_t nl = strlen(de->d_name);
		struct stat st;

		if (excluded(run, de->d_name))
			continue;
		if (len + nl + 2 >= PATH_MAX) {
			mt_err(run->ctx, "path is too long %s/%s\n", path, de->d_name);
			continue;
		}
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN && de->d_type != DT_LNK &&
		    !(de->d_type == DT_REG && mt_is_module_file_name(de->d_name, nl)))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, 0) < 0) {
			err = env_err(-errno);
			mt_err(run->ctx, "%s/%s: %s\n", path, de->d_name, strerror(errno));
			continue;
		}
		path[len] = '/';
		memcpy(path + len + 1, de->d_name, nl + 1);
		if (S_ISDIR(st.st_mode) && depth < 64) {
			int fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			if (fd >= 0) {
				err = walk(run, fd, path, len + 1 + nl, depth + 1);
			} else {
				err = env_err(-errno);
				mt_err(run->ctx, "%s: %s\n", path, strerror(errno));
			}
		} else if (S_ISREG(st.st_mode) && mt_is_module_file_name(de->d_name, nl)) {
			err = add_module(run, path, &st);
		}
		path[len] = 0;
	}
	if (!err && errno) {
		err = -errno;
		mt_err(run->ctx, "%s: %s\n", path, strerror(-err));
	}
	closedir(d);
	return err;
}

static int walk_dir(struct mt_depmod_run *run, const char *dir, bool required)
{
	char path[PATH_MAX];
	size_t len = strlen(dir);
	int fd;

	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	while (len > 1 && dir[len - 1] == '/')
		len--;
	memcpy(path, dir, len);
	path[len] = 0;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;

		if (!required)
			return 0;
		mt_err(run->ctx, "could not open directory %s: %s\n", path, strerror(-err));
		return err;
	}
	return walk(run, fd, path, len, 0);
}

/* ---- choosing among duplicates ------------------------------------------ */

static bool under(const char *path, const char *dir)
{
	size_t dl = strlen(dir);

	return strncmp(path, dir, dl) == 0 && (path[dl] == '/' || dir[dl - 1] == '/');
}

static bool is_external(const struct mt_depmod_run *run, const struct mt_dm_module *m)
{
	if (m->relpath != m->path)
		return false;
	for (size_t i = 0; i < run->cfg->n_externals; i++)
		if (under(m->path, run->cfg->externals[i]))
			return true;
	return false;
}

static bool overridden(const struct mt_depmod_run *run, const struct mt_dm_module *m)
{
	const char *slash = strrchr(m->relpath, '/');
	size_t dl = slash ? (size_t)(slash - m->relpath) : 0;

	for (size_t i = 0; i < run->cfg->n_overrides; i++) {
		const struct mt_override *o = &run->cfg->overrides[i];

		if (mt_streq(o->modname, m->name) && strlen(o->subdir) == dl &&
		    strncmp(o->subdir, m->relpath, dl) == 0)
			return true;
	}
	return false;
}

static long rank(const struct mt_depmod_run *run, const struct mt_dm_module *m)
{
	const struct mt_depmod_cfg *cfg = run->cfg;
	long builtin = (long)cfg->n_searches;
	bool ext = is_external(run, m);

	if (overridden(run, m))
		return -1;
	for (size_t i = 0; i < cfg->n_searches; i++) {
		const struct mt_search *s = &cfg->searches[i];

		if (s->type == MT_SEARCH_BUILTIN && builtin == (long)cfg->n_searches)
			builtin = (long)i;
		else if (s->type == MT_SEARCH_EXTERNAL && ext)
			return (long)i;
		else if (s->type == MT_SEARCH_PATH && !ext && under(m->relpath, s->path))
			return (long)i;
	}
	return builtin;
}

struct ranked {
	struct mt_dm_module *m;
	long rank;
};

static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int r = strcmp(x->m->name, y->m->name);

	if (r)
		return r;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->m->relpath, y->m->relpath);
}

static int choose(struct mt_depmod_run *run)
{
	struct ranked *r = malloc((run->n_mods ? run->n_mods : 1) * sizeof(*r));
	size_t kept = 0;

	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < run->n_mods; i++)
		r[i] = (struct ranked){ run->mods[i], rank(run, run->mods[i]) };
	qsort(r, run->n_mods, sizeof(*r), ranked_cmp);
	for (size_t i = 0; i < run->n_mods; i++) {
		if (kept && mt_streq(run->mods[kept - 1]->name, r[i].m->name)) {
			mt_dbg(run->ctx, "Ignored lower priority: %s, higher: %s\n",
			       r[i].m->path, run->mods[kept - 1]->path);
			mt_dm_module_free(r[i].m);
			continue;
		}
		run->mods[kept++] = r[i].m;
	}
	run->n_mods = kept;
	free(r);
	return 0;
}

int mt_depmod_scan(struct mt_depmod_run *run)
{
	int err = walk_dir(run, run->dirname, true);

	for (size_t i = 0; !err && i < run->cfg->n_externals; i++)
		err = walk_dir(run, run->cfg->externals[i], false);
	return err ? err : choose(run);
}

/* One module named on the command line (no walk, no duplicates allowed). */
int mt_depmod_add_file(struct mt_depmod_run *run, const char *path)
{
	struct stat st;
	int err;

	if (stat(path, &st) < 0) {
		err = -errno;
		mt_err(run->ctx, "could not create module %s: %s\n", path, strerror(-err));
		return err;
	}
	err = add_module(run, path, &st);
	if (err)
		return err;
	for (size_t i = 0; i + 1 < run->n_mods; i++) {
		if (mt_streq(run->mods[i]->name, run->mods[run->n_mods - 1]->name)) {
			mt_err(run->ctx, "could not add module %s: %s\n", path, strerror(EEXIST));
			return -EEXIST;
		}
	}
	return 0;
}

/* ---- modules.order -------------------------------------------------------- */

/*
 * modules.order names the uncompressed files ("x.ko" for "x.ko.xz"): compare
 * relative paths up to and including their ".ko".
 */
static size_t uncompressed_len(const char *relpath)
{
	size_t len = strlen(relpath), ext = mt_module_file_ext_len(relpath, len);

	return ext ? len - ext + 3 : len;
}

static int uncompressed_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	int r = memcmp(a, b, al < bl ? al : bl);

	return r ? r : (al > bl) - (al < bl);
}

struct by_path {
	struct mt_dm_module *m;
	size_t len;		/* uncompressed_len(), computed once */
};

static int by_path_cmp(const void *a, const void *b)
{
	const struct by_path *x = a, *y = b;

	return uncompressed_cmp(x->m->relpath, x->len, y->m->relpath, y->len);
}

static void apply_order(struct mt_depmod_run *run, char *text, size_t len)
{
	struct by_path *v = malloc((run->n_mods ? run->n_mods : 1) * sizeof(*v));
	int lineno = 0;

	if (!v)
		return;
	for (size_t i = 0; i < run->n_mods; i++)
		v[i] = (struct by_path){ run->mods[i], uncompressed_len(run->mods[i]->relpath) };
	qsort(v, run->n_mods, sizeof(*v), by_path_cmp);
	for (char *line = text; line < text + len; lineno++) {
		char *nl = memchr(line, '\n', (size_t)(text + len - line));
		size_t lo = 0, hi = run->n_mods, ll;

		*nl = 0;	/* checked by the caller: every line ends in '\n' */
		ll = (size_t)(nl - line);
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int r = uncompressed_cmp(line, ll, v[mid].m->relpath, v[mid].len);

			if (r == 0) {
				v[mid].m->order = lineno;	/* the last listing wins, as kmod */
				break;
			}
			if (r < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
		line = nl + 1;
	}
	free(v);
}

/*
 * kmod's order: listed modules by line, then the others in the order of
 * its module hash table (512 buckets, names sorted in a bucket).
 */
static int module_order_cmp(const void *a, const void *b)
{
	const struct mt_dm_module *x = *(struct mt_dm_module *const *)a;
	const struct mt_dm_module *y = *(struct mt_dm_module *const *)b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	if (x->hash_bucket != y->hash_bucket)
		return x->hash_bucket < y->hash_bucket ? -1 : 1;
	return strcmp(x->name, y->name);
}

int mt_depmod_sort(struct mt_depmod_run *run)
{
	char path[PATH_MAX];
	struct mt_buf text = { 0 };
	FILE *f;

	for (size_t i = 0; i < run->n_mods; i++)
		run->mods[i]->hash_bucket =
			mt_superfast_hash(run->mods[i]->name, strlen(run->mods[i]->name)) & 511;
	snprintf(path, sizeof(path), "%s/modules.order", run->dirname);
	f = fopen(path, "re");
	if (!f) {
		int err = env_err(-errno);

		mt_log(run->ctx, err ? LOG_ERR : LOG_WARNING,
		       "could not open modules.order at %s: %s\n", run->dirname, strerror(errno));
		if (err)
			return err;
	} else {
		char chunk[65536];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			mt_buf_put(&text, chunk, n);
		if (ferror(f) || text.err) {
			int err = ferror(f) ? -EIO : -ENOMEM;

			fclose(f);
			mt_buf_free(&text);
			mt_err(run->ctx, "%s: %s\n", path, strerror(-err));
			return err;
		}
		fclose(f);
		if (text.len && text.p[text.len - 1] != '\n') {
			unsigned int lines = 1;

			for (size_t i = 0; i < text.len; i++)
				lines += text.p[i] == '\n';
			mt_err(run->ctx, "%s:%u corrupted line misses '\\n'\n", path, lines);
		} else if (!text.err) {
			apply_order(run, text.p, text.len);
		}
		mt_buf_free(&text);
	}
	qsort(run->mods, run->n_mods, sizeof(*run->mods), module_order_cmp);
	for (size_t i = 0; i < run->n_mods; i++)
		run->mods[i]->idx = (uint32_t)i;
	return 0;
}

/* ---- -A: is modules.dep newer than every module? ------------------------- */

static int newer_walk(int dfd, time_t mtime, unsigned int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	int r = 1;

	if (!d) {
		close(dfd);
		return 1;
	}
	while (r == 1 && (de = readdir(d))) {
		struct stat st;

		if (mt_streq(de->d_name, ".") || mt_streq(de->d_name, "..") ||
		    mt_streq(de->d_name, "build") || mt_streq(de->d_name, "source"))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, 0) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 64) {
			int fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			if (fd >= 0)
				r = newer_walk(fd, mtime, depth + 1);
		} else if (S_ISREG(st.st_mode) && mt_is_module_file_name(de->d_name, strlen(de->d_name))) {
			r = st.st_mtime <= mtime;
		}
	}
	closedir(d);
	return r;
}

/* 1: up to date, 0: a module is newer than @outdir/modules.dep, <0: error. */
int mt_depmod_up_to_date(struct modtool_ctx *ctx, const char *dirname, const char *outdir)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/modules.dep", outdir);
	if (stat(path, &st) < 0) {
		int err = -errno;

		mt_err(ctx, "could not fstatat(%s, modules.dep): %s\n", outdir, strerror(-err));
		return err;
	}
	fd = open(dirname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return newer_walk(fd, st.st_mtime, 0);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Every modules.* file, formatted in memory, then published as one set:
 * each goes to an unnamed file in the output directory (O_TMPFILE; a named
 * temporary where the file system has none), is checked for write errors
 * and fsynced; only when all of them are safely on disk are they named and
 * renamed over the old ones (and the directory fsynced), by a child that a
 * kill of depmod does not stop (rename-set.c).  A full disk or an unwritable
 * directory leaves the old set untouched; a crash of the machine leaves at
 * most the temporaries of the naming, which the next run removes.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/internal.h"
#include "depmod/depmod.h"
#include "depmod/rename-set.h"
#include "index/write.h"

struct outfile {
	const char *name;
	bool text;		/* printed by a dry run */
	struct mt_buf buf;
	char tmp[PATH_MAX];	/* its hidden temporary name (for messages) */
	const char *tmp_name;	/* tmp's last component, in the output directory */
	bool created;		/* tmp exists: removed on failure */
	bool unnamed;		/* fd is an O_TMPFILE file, not linked yet */
	int fd;			/* open temporary file, -1 when none */
};

enum {
	F_DEP, F_DEP_BIN, F_ALIAS, F_ALIAS_BIN, F_SOFTDEP, F_WEAKDEP, F_SYMBOLS, F_SYMBOLS_BIN,
	F_BUILTIN_BIN, F_BUILTIN_ALIAS_BIN, F_DEVNAME, F_CACHE, F_COUNT
};

/* kmod's alias key: '-' -> '_' outside [...]; NULL when a bracket is unmatched. */
static const char *alias_key(const char *in, char *out, size_t outsize)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < outsize; i++) {
		if (in[i] == ']')
			return NULL;
		if (in[i] == '[') {
			size_t off = strcspn(in + i, "]");

			if (!in[i + off])
				return NULL;
			if (i + off + 1 >= outsize)
				break;
			memcpy(out + i, in + i, off + 1);
			i += off;
			continue;
		}
		out[i] = in[i] == '-' ? '_' : in[i];
	}
	out[i] = 0;
	return out;
}

static int bin_add(struct mt_index_builder *b, const char *key, const char *value, uint32_t prio)
{
	int err = mt_index_builder_add(b, key, value, prio);

	return err == -EINVAL ? 0 : err;	/* a non-ASCII key: skipped */
}

static int bin_finish(struct mt_index_builder *b, struct mt_buf *out)
{
	uint8_t *data;
	size_t size;
	int err = mt_index_builder_write(b, &data, &size);

	if (!err && !out->len && !out->err) {
		/* take the written index over instead of copying megabytes */
		free(out->p);
		*out = (struct mt_buf){ .p = (char *)data, .len = size, .cap = size };
	} else if (!err) {
		mt_buf_put(out, data, size);
		free(data);
	}
	mt_index_builder_free(b);
	return err ? err : out->err;
}

/* ---- modules.dep ----------------------------------------------------------- */

static int format_deps(struct mt_depmod_run *run, struct mt_buf *text, struct mt_buf *bin)
{
	struct mt_index_builder *b;
	struct mt_buf line = { 0 };
	int err = mt_index_builder_new(&b);

	for (size_t i = 0; !err && i < run->n_mods; i++) {
		const struct mt_dm_module *m = run->mods[i];
		uint32_t *deps;
		size_t n;

		err = mt_depmod_all_deps(run, m, &deps, &n);
		if (err)
			break;
		line.len = 0;
		mt_buf_puts(&line, m->relpath);
		mt_buf_putc(&line, ':');
		for (size_t k = 0; k < n; k++) {
			mt_buf_putc(&line, ' ');
			mt_buf_puts(&line, run->mods[deps[k]]->relpath);
		}
		free(deps);
		if (line.err) {
			err = line.err;
			break;
		}
		mt_buf_put(text, line.p, line.len);
		mt_buf_putc(text, '\n');
		err = bin_add(b, m->name, line.p, m->idx);
	}
	mt_buf_free(&line);
	if (err) {
		mt_index_builder_free(b);
		return err;
	}
	return bin_finish(b, bin);
}

/* ---- from .modinfo ------------------------------------------------------------ */

/*
 * -w: kmod warns when a key gets the same value twice.  An alias's value is
 * its module's name, so only a module repeating one of its own aliases (after
 * the key's '-' -> '_') can do that: compare with the module's earlier keys.
 */
static bool repeated_key(struct mt_buf *seen, const char *key)
{
	size_t kl = strlen(key) + 1;

	for (size_t at = 0; at < seen->len; at += strlen(seen->p + at) + 1)
		if (memcmp(seen->p + at, key, kl) == 0)
			return true;
	mt_buf_put(seen, key, kl);
	return false;
}

static int format_aliases(struct mt_depmod_run *run, struct mt_buf *text, struct mt_buf *bin)
{
	struct mt_index_builder *b;
	struct mt_buf seen = { 0 };
	int err = mt_index_builder_new(&b);
	char key[1024];

	if (err)
		return err;
	mt_buf_puts(text, "# Aliases extracted from modules themselves.\n");
	for (size_t i = 0; !err && i < run->n_mods; i++) {
		const struct mt_dm_module *m = run->mods[i];
		struct mt_record_iter it;
		uint32_t n = mt_record_section(&m->rec, 0, &it);

		seen.len = 0;
		for (uint32_t k = 0; !err && k < n; k++) {
			const char *v = mt_record_info_value(mt_record_next_info(&it), "alias");

			if (!v)
				continue;
			mt_buf_put(text, "alias ", 6);
			mt_buf_puts(text, v);
			mt_buf_putc(text, ' ');
			mt_buf_puts(text, m->name);
			mt_buf_putc(text, '\n');
			if (!alias_key(v, key, sizeof(key))) {
				mt_warn(run->ctx, "Unmatched bracket in %s\n", v);
				continue;
			}
			if (run->warn_dups && repeated_key(&seen, key))
				mt_warn(run->ctx, "duplicate module alias:\n%s %s\n", key, m->name);
			err = bin_add(b, key, m->name, m->idx);
		}
	}
	mt_buf_free(&seen);
	if (err) {
		mt_index_builder_free(b);
		return err;
	}
	return bin_finish(b, bin);
}

static void format_keyed(struct mt_depmod_run *run, struct mt_buf *text, const char *key,
			 const char *header)
{
	mt_buf_puts(text, header);
	for (size_t i = 0; i < run->n_mods; i++) {
		const struct mt_dm_module *m = run->mods[i];
		struct mt_record_iter it;
		uint32_t n = mt_record_section(&m->rec, 0, &it);

		for (uint32_t k = 0; k < n; k++) {
			const char *v = mt_record_info_value(mt_record_next_info(&it), key);

			if (v)
				mt_buf_printf(text, "%s %s %s\n", key, m->name, v);
		}
	}
}

bool mt_depmod_devname(struct mt_depmod_run *run, const struct mt_dm_module *m,
		       struct mt_record_devname *d)
{
	if (mt_record_devname(&m->rec, d))
		return true;
	if (d->devname)
		mt_err(run->ctx, "Module '%s' has devname (%s) but lacks major and minor "
		       "information. Ignoring.\n", m->name, d->devname);
	return false;
}

static void format_devname(struct mt_depmod_run *run, struct mt_buf *text)
{
	for (size_t i = 0; i < run->n_mods; i++) {
		const struct mt_dm_module *m = run->mods[i];
		struct mt_record_devname d;

		if (!mt_depmod_devname(run, m, &d))
			continue;
		/* kmod writes the header with the first entry: no entry, empty file */
		if (!text->len)
			mt_buf_puts(text, "# Device nodes to trigger on-demand module loading.\n");
		mt_buf_printf(text, "%s %s %c%u:%u\n", m->name, d.devname, d.type, d.major,
			      d.minor);
	}
}

/* ---- modules.symbols ---------------------------------------------------------- */

static int format_symbols(struct mt_depmod_run *run, struct mt_buf *text, struct mt_buf *bin)
{
	const struct mt_dm_symbol **v;
	struct mt_index_builder *b;
	struct mt_buf key = { 0 };
	size_t n;
	int err = mt_symtab_kmod_order(&run->syms, &v, &n);

	if (err)
		return err;
	err = mt_index_builder_new(&b);
	mt_buf_puts(text, "# Aliases for symbols, used by symbol_request().\n");
	for (size_t i = 0; !err && i < n; i++) {
		const struct mt_dm_module *owner = run->mods[v[i]->owner];

		key.len = 0;
		mt_buf_put(&key, "symbol:", 7);
		mt_buf_puts(&key, v[i]->name);
		if (key.err) {
			err = key.err;
			break;
		}
		mt_buf_put(text, "alias ", 6);
		mt_buf_put(text, key.p, key.len);
		mt_buf_putc(text, ' ');
		mt_buf_puts(text, owner->name);
		mt_buf_putc(text, '\n');
		err = bin_add(b, key.p, owner->name, owner->idx);
	}
	free(v);
	mt_buf_free(&key);
	if (err) {
		mt_index_builder_free(b);
		return err;
	}
	return bin_finish(b, bin);
}

/* ---- built-in modules ------------------------------------------------------------ */

static int read_input(struct mt_depmod_run *run, const char *name, struct mt_buf *out)
{
	char path[PATH_MAX], chunk[65536];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", run->dirname, name);
	f = fopen(path, "re");
	if (!f) {
		int err = -errno;

		mt_warn(run->ctx, "could not open %s at %s: %s\n", name, run->dirname,
			strerror(-err));
		return err;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		mt_buf_put(out, chunk, n);
	fclose(f);
	mt_buf_putc(out, 0);
	out->len--;
	return out->err;
}

/* modules.builtin: one path a line; a line not starting with a letter is refused. */
static int format_builtin(struct mt_depmod_run *run, struct mt_buf *bin)
{
	struct mt_buf in = { 0 };
	struct mt_index_builder *b;
	int err;

	if (read_input(run, "modules.builtin", &in) < 0) {
		mt_buf_free(&in);
		return 0;	/* kmod writes an empty file then */
	}
	err = mt_index_builder_new(&b);
	for (char *line = in.p, *next; !err && line && line < in.p + in.len; line = next) {
		char *nl = strchr(line, '\n'), *base, *name;

		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = 0;
		if (!isalpha((unsigned char)line[0])) {
			mt_err(run->ctx, "Invalid modules.builtin line: %s\n", line);
			continue;
		}
		base = strrchr(line, '/');
		base = base ? base + 1 : line;
		name = strndup(base, strcspn(base, "."));
		if (!name) {
			err = -ENOMEM;
			break;
		}
		for (char *c = name; *c; c++)
			*c = *c == '-' ? '_' : *c;
		err = bin_add(b, name, "", 0);
		free(name);
	}
	mt_buf_free(&in);
	if (err) {
		mt_index_builder_free(b);
		return err;
	}
	return bin_finish(b, bin);
}

/* modules.builtin.modinfo: "module.key=value" strings; only aliases matter here. */
static int format_builtin_alias(struct mt_depmod_run *run, struct mt_buf *bin)
{
	struct mt_buf in = { 0 };
	struct mt_index_builder *b;
	size_t count = 0;
	char key[1024];
	int err;

	if (read_input(run, "modules.builtin.modinfo", &in) < 0) {
		mt_buf_free(&in);
		return 0;
	}
	err = mt_index_builder_new(&b);
	for (size_t i = 0; !err && i < in.len; i += strlen(in.p + i) + 1) {
		char *s = in.p + i, *dot = strchr(s, '.'), *eq = strchr(s, '=');

		if (!dot || !eq || eq < dot || strncmp(dot + 1, "alias=", 6) != 0)
			continue;
		*dot = 0;
		if (!alias_key(eq + 1, key, sizeof(key))) {
			mt_warn(run->ctx, "Unmatched bracket in %s\n", eq + 1);
			*dot = '.';
			continue;
		}
		err = bin_add(b, key, s, 0);
		*dot = '.';
		count++;
	}
	mt_buf_free(&in);
	if (err || !count) {
		mt_index_builder_free(b);
		return err;	/* no alias: kmod leaves the file empty */
	}
	return bin_finish(b, bin);
}

/* ---- writing ------------------------------------------------------------------------ */

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The PID in a temporary's name, ".NAME.PID.tmp" with NAME a modules.* file
 * or the cache; 0 when @name is not of that pattern.
 */
static pid_t temp_owner(const char *name)
{
	size_t len = strlen(name), pid_at;

	if (len < 6 || name[0] != '.' || strcmp(name + len - 4, ".tmp") != 0)
		return 0;
	pid_at = len - 4;
	while (pid_at > 1 && isdigit((unsigned char)name[pid_at - 1]))
		pid_at--;
	/* 1 to 9 digits without a leading zero, after ".NAME." */
	if (pid_at == len - 4 || len - 4 - pid_at > 9 || name[pid_at] == '0' || pid_at < 3 ||
	    name[pid_at - 1] != '.')
		return 0;
	if ((pid_at - 2 > 8 && strncmp(name + 1, "modules.", 8) == 0) ||
	    (pid_at - 2 == strlen(MT_DEPMOD_CACHE_NAME) &&
	     strncmp(name + 1, MT_DEPMOD_CACHE_NAME, pid_at - 2) == 0))
		return (pid_t)strtol(name + pid_at, NULL, 10);
	return 0;
}

/*
 * A depmod killed (or a machine losing power) after naming its temporaries
 * and before renaming them all leaves them behind, a set per crash.  Those
 * of a process that no longer exists are removed, and those of our own PID
 * (a crashed run that had it before us).  Those of a live process are kept:
 * it is a concurrent depmod on the same tree, between naming and renaming,
 * and a temporary taken from under it would fail its renames half-way,
 * publishing a mixed set.  (A depmod in another PID namespace looks dead
 * from here: that case is not covered.)
 */
static void remove_stale_temps(struct mt_depmod_run *run, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;		/* writing the files will say what is wrong */
	while ((e = readdir(d))) {
		pid_t pid = temp_owner(e->d_name);

		if (!pid || (pid != getpid() && (kill(pid, 0) == 0 || errno != ESRCH)))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) < 0 && errno != ENOENT) {
			int err = errno;

			mt_warn(run->ctx, "could not remove %s/%s: %s\n", dir, e->d_name,
				strerror(err));
		}
	}
	closedir(d);
}

static int create_failed(struct mt_depmod_run *run, const struct outfile *f, int err)
{
	mt_err(run->ctx, "could not create %s: %s\n", f->tmp, strerror(-err));
	return err;
}

static int write_failed(struct mt_depmod_run *run, const char *dir, const struct outfile *f,
			int err)
{
	mt_err(run->ctx, "could not write %s/%s: %s\n", dir, f->name, strerror(-err));
	return err;
}

/*
 * @f's temporary, created under its name: where O_TMPFILE cannot be used.
 * Every file is reached through the locked directory @dfd, by its name
 * there: the directory we locked is the one written, even if its path is
 * renamed meanwhile (and kmod's testsuite, which moves open() into a fake
 * root, sees the whole run in it).
 */
static int create_named(struct mt_depmod_run *run, int dfd, struct outfile *f)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC;
	int fd = openat(dfd, f->tmp_name, flags, 0644);

	if (fd < 0 && errno == EEXIST && unlinkat(dfd, f->tmp_name, 0) == 0)
		fd = openat(dfd, f->tmp_name, flags, 0644);
	if (fd < 0)
		return create_failed(run, f, -errno);
	f->created = true;
	f->fd = fd;
	return 0;
}

/*
 * Open @f's file unnamed where the file system allows (O_TMPFILE): a crash
 * before publishing then leaves nothing behind.  Old kernels and some file
 * systems refuse; the file is then created under its temporary name.
 */
static int open_temp(struct mt_depmod_run *run, int dfd, const char *dir, struct outfile *f)
{
	int fd;

	if (snprintf(f->tmp, sizeof(f->tmp), "%s/.%s.%ld.tmp", dir, f->name, (long)getpid()) >=
	    (int)sizeof(f->tmp))
		return -ENAMETOOLONG;
	f->tmp_name = strrchr(f->tmp, '/') + 1;
	fd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
	if (fd >= 0) {
		f->unnamed = true;
		f->fd = fd;
		return 0;
	}
	if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)
		return create_named(run, dfd, f);
	return create_failed(run, f, -errno);
}

static int fill_temp(struct mt_depmod_run *run, const char *dir, struct outfile *f)
{
	int err = write_all(f->fd, f->buf.p ? f->buf.p : "", f->buf.len);

	return err ? write_failed(run, dir, f, err) : 0;
}

static int sync_temp(struct mt_depmod_run *run, const char *dir, struct outfile *f)
{
	return fsync(f->fd) < 0 ? write_failed(run, dir, f, -errno) : 0;
}

/*
 * Name an unnamed file: linkat(AT_EMPTY_PATH) where we may (root, or a
 * kernel that lets a file's opener), else through its /proc/self/fd link.
 * -ENOENT when neither way is open to us.
 */
static int link_unnamed(int fd, int dfd, const char *name)
{
	char proc[32];

	if (linkat(fd, "", dfd, name, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOENT && errno != EPERM)
		return -errno;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return linkat(AT_FDCWD, proc, dfd, name, AT_SYMLINK_FOLLOW) < 0 ? -errno : 0;
}

/*
 * Give @f its temporary name, the step before the rename.  With no way to
 * link (no /proc, no capability) the data goes again to a named temporary,
 * synced as the others were: still before any rename.
 */
static int name_temp(struct mt_depmod_run *run, int dfd, const char *dir, struct outfile *f)
{
	int err;

	if (!f->unnamed)
		return 0;
	err = link_unnamed(f->fd, dfd, f->tmp_name);
	if (err == -EEXIST && unlinkat(dfd, f->tmp_name, 0) == 0)
		err = link_unnamed(f->fd, dfd, f->tmp_name);
	f->unnamed = false;
	if (!err) {
		f->created = true;
		return 0;
	}
	if (err != -ENOENT)
		return create_failed(run, f, err);
	close(f->fd);
	f->fd = -1;
	err = create_named(run, dfd, f);
	if (!err)
		err = fill_temp(run, dir, f);
	return err ? err : sync_temp(run, dir, f);
}

/* Close errors count: some file systems report there. */
static int close_temps(struct mt_depmod_run *run, const char *dir, struct outfile *files,
		       size_t n, int err)
{
	for (size_t i = 0; i < n; i++) {
		if (files[i].fd < 0)
			continue;
		if (close(files[i].fd) < 0 && !err)
			err = write_failed(run, dir, &files[i], -errno);
		files[i].fd = -1;
	}
	return err;
}

/*
 * Every file written, on disk and named before the first rename.  The
 * fsyncs come after all the writes: the first sync's journal commit carries
 * the others' data too, so the rest cost little (one commit, not twelve).
 */
static int stage_all(struct mt_depmod_run *run, int dfd, const char *dir,
		     struct outfile *files, size_t n)
{
	int err = 0;

	for (size_t i = 0; i < n; i++)
		files[i].fd = -1;
	for (size_t i = 0; !err && i < n; i++) {
		err = open_temp(run, dfd, dir, &files[i]);
		if (!err)
			err = fill_temp(run, dir, &files[i]);
	}
	for (size_t i = 0; !err && i < n; i++)
		err = sync_temp(run, dir, &files[i]);
	for (size_t i = 0; !err && i < n; i++)
		err = name_temp(run, dfd, dir, &files[i]);
	return close_temps(run, dir, files, n, err);
}

/* mkdir -p: the output directory may not exist yet (-o). */
static int make_dirs(const char *dir)
{
	char path[PATH_MAX];
	size_t len = strlen(dir);

	if (len >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, len + 1);
	for (char *p = path + 1; ; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = 0;
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = c;
		if (!c)
			return 0;
	}
}

/*
 * The renames, all or none before a failure: run by mt_rename_set so that a
 * kill of this process cannot stop them half-way.  @dfd is locked.
 */
static int rename_all(struct mt_depmod_run *run, int dfd, const char *dir,
		      struct outfile *files, size_t n)
{
	const char *from[F_COUNT], *to[F_COUNT];
	size_t failed = 0;
	int err;

	for (size_t i = 0; i < n; i++) {
		from[i] = files[i].tmp_name;
		to[i] = files[i].name;
	}
	err = mt_rename_set(dfd, from, to, n, &failed);
	/* those renamed have no temporary left to remove */
	for (size_t i = 0; i < ((err && failed < n) ? failed : n); i++)
		files[i].created = false;
	if (err && failed < n)
		mt_err(run->ctx, "could not rename %s to %s/%s: %s\n", files[failed].tmp, dir,
		       to[failed], strerror(-err));
	else if (err)
		mt_err(run->ctx, "could not sync directory %s: %s\n", dir, strerror(-err));
	return err;
}

/*
 * The directory is locked (flock) from the first temporary to the last
 * rename: two depmods on one tree take turns instead of mixing their sets,
 * and whoever takes the lock after a kill finds the renames finished.
 */
static int lock_dir(struct mt_depmod_run *run, const char *dir)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0) {
		int err = -errno;

		mt_err(run->ctx, "could not open directory %s: %s\n", dir, strerror(-err));
		return err;
	}
	while (flock(dfd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		/* a file system without locks: publish unlocked, as kmod does */
		break;
	}
	return dfd;
}

static int publish(struct mt_depmod_run *run, const char *dir, struct outfile *files, size_t n)
{
	int err = make_dirs(dir), dfd;

	if (err) {
		mt_err(run->ctx, "could not create directory %s: %s\n", dir, strerror(-err));
		return err;
	}
	dfd = lock_dir(run, dir);
	if (dfd < 0)
		return dfd;
	remove_stale_temps(run, dir);
	err = stage_all(run, dfd, dir, files, n);
	/* all or nothing: the renames happen only once every file is on disk */
	if (!err)
		err = rename_all(run, dfd, dir, files, n);
	for (size_t i = 0; i < n; i++)
		if (files[i].created)
			unlinkat(dfd, files[i].tmp_name, 0);
	close(dfd);
	return err;
}

/*
 * Formatting is most of a run's serial time, so it is split in two: a helper
 * thread formats modules.dep and modules.symbols (and the cache), which
 * never log and are the only users of the modules' traversal stamps; this
 * thread does the rest, so messages keep their order.
 */
struct format_job {
	struct mt_depmod_run *run;
	struct outfile *f;
	bool cache;
	int err;
};

static void *format_quiet(void *data)
{
	struct format_job *job = data;
	struct outfile *f = job->f;

	job->err = format_deps(job->run, &f[F_DEP].buf, &f[F_DEP_BIN].buf);
	if (!job->err)
		job->err = format_symbols(job->run, &f[F_SYMBOLS].buf, &f[F_SYMBOLS_BIN].buf);
	if (!job->err && job->cache)
		job->err = mt_depmod_cache_build(job->run, &f[F_CACHE].buf);
	return NULL;
}

static int format_all(struct mt_depmod_run *run, struct outfile *f, bool dry, bool cache)
{
	struct format_job job = { run, f, cache, 0 };
	pthread_t helper;
	bool threaded = pthread_create(&helper, NULL, format_quiet, &job) == 0;
	int err = format_aliases(run, &f[F_ALIAS].buf, &f[F_ALIAS_BIN].buf);

	format_keyed(run, &f[F_SOFTDEP].buf, "softdep",
		     "# Soft dependencies extracted from modules themselves.\n");
	format_keyed(run, &f[F_WEAKDEP].buf, "weakdep",
		     "# Weak dependencies extracted from modules themselves.\n");
	if (!err && !dry)
		err = format_builtin(run, &f[F_BUILTIN_BIN].buf);
	if (!err && !dry)
		err = format_builtin_alias(run, &f[F_BUILTIN_ALIAS_BIN].buf);
	format_devname(run, &f[F_DEVNAME].buf);
	if (threaded)
		pthread_join(helper, NULL);
	else
		format_quiet(&job);
	if (!err)
		err = job.err;
	for (int i = 0; !err && i < F_COUNT; i++)
		err = f[i].buf.err;
	return err;
}

int mt_depmod_write(struct mt_depmod_run *run, const struct mt_depmod_output *out)
{
	struct outfile f[F_COUNT] = {
		[F_DEP] = { "modules.dep", true },
		[F_DEP_BIN] = { "modules.dep.bin", false },
		[F_ALIAS] = { "modules.alias", true },
		[F_ALIAS_BIN] = { "modules.alias.bin", false },
		[F_SOFTDEP] = { "modules.softdep", true },
		[F_WEAKDEP] = { "modules.weakdep", false },
		[F_SYMBOLS] = { "modules.symbols", true },
		[F_SYMBOLS_BIN] = { "modules.symbols.bin", false },
		[F_BUILTIN_BIN] = { "modules.builtin.bin", false },
		[F_BUILTIN_ALIAS_BIN] = { "modules.builtin.alias.bin", false },
		[F_DEVNAME] = { "modules.devname", true },
		[F_CACHE] = { MT_DEPMOD_CACHE_NAME, false },
	};
	size_t n = out->cache ? F_COUNT : F_COUNT - 1;
	int err;

	if (out->json)
		return mt_depmod_write_json(run, out->json);
	err = format_all(run, f, !out->outdir, out->cache);

	if (!err && !out->outdir) {
		/* a dry run prints the text files kmod 30 prints, in its order */
		for (int i = 0; !err && i < F_COUNT; i++)
			if (f[i].text)
				err = write_all(out->fd, f[i].buf.p ? f[i].buf.p : "", f[i].buf.len);
	} else if (!err) {
		err = publish(run, out->outdir, f, n);
	}
	for (int i = 0; i < F_COUNT; i++)
		mt_buf_free(&f[i].buf);
	return err;
}

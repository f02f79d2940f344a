// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The running kernel: inserting and removing modules, and reading what is
 * loaded from /proc/modules and /sys/module.  The only file of libmodtool
 * that makes module syscalls.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/audit-hook.h"
#include "base/internal.h"
#include "index/index.h"
#include "module/elf-strip.h"
#include "module/file.h"
#include "module/module.h"
#include "kernel/sysfs.h"

/*
 * libc's wrappers of two module syscalls, which no header declares.  Called
 * rather than syscall(): LD_PRELOAD fakes of the kernel (kmod's testsuite)
 * interpose these names, and only finit_module through syscall().
 */
int init_module(const void *image, unsigned long len, const char *params);
int delete_module(const char *name, unsigned int flags);

/* The kernel's finit_module() flags (<linux/module.h>; the last from 6.4). */
#define KERNEL_IGNORE_MODVERSIONS 1
#define KERNEL_IGNORE_VERMAGIC 2
#define KERNEL_COMPRESSED_FILE 4

/* The xz stream header: magic (6 bytes), flags (2); byte 7 names the check. */
#define XZ_STREAM_HEADER_CHECK 7
#define XZ_CHECK_NONE 0
#define XZ_CHECK_CRC32 1

MT_EXPORT int modtool_ctx_set_sysroot(struct modtool_ctx *ctx, const char *sysroot)
{
	char *copy = NULL;

	if (!ctx)
		return -EINVAL;
	if (sysroot && *sysroot) {
		copy = strdup(sysroot);
		if (!copy)
			return -ENOMEM;
	}
	free(ctx->sysroot);
	ctx->sysroot = copy;
	return 0;
}

/* ---- inserting -------------------------------------------------------- */

static long sys_finit_module(int fd, const char *params, int flags)
{
	return syscall(SYS_finit_module, fd, params, flags);
}

/* Does /sys/module/compression name @c: will the kernel decompress it? */
static bool kernel_decompresses(struct modtool_ctx *ctx, enum mt_compression c)
{
	const char *name = mt_compression_name(c);
	char buf[32], path[PATH_MAX];

	if (!name || mt_sys_path(ctx, path, sizeof(path), "/sys/module/compression") < 0)
		return false;
	if (mt_read_attr(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return mt_streq(buf, name);
}

/*
 * init_module() takes no flags, so a forced load of an image decompressed
 * here goes through finit_module() on an anonymous file holding it.  The
 * kernel refuses a file open for writing (ETXTBSY): reopen it read-only.
 */
static int finit_from_memory(struct mt_file *file, const char *params, int kflags)
{
	char path[64];
	int wfd, fd, err;

	wfd = memfd_create("module", MFD_CLOEXEC);
	if (wfd < 0)
		return -errno;
	err = mt_write_full(wfd, file->data, file->size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", wfd);
	/* openat: a fake root that redirects open() must not move our own fd */
	fd = err ? -1 : openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (!err && fd < 0)
		err = -errno;
	close(wfd);
	if (err)
		return err;
	if (sys_finit_module(fd, params, kflags) < 0)
		err = -errno;
	close(fd);
	return err;
}

/*
 * A forced load where the kernel has no finit_module() (before 3.8): what
 * the flags would have the kernel ignore is stripped from a copy instead.
 */
static int init_stripped(struct mt_file *file, const char *params, int kflags)
{
	uint8_t *copy = malloc(file->size);
	int err;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, file->data, file->size);
	err = mt_elf_strip_for_force(copy, file->size, kflags & KERNEL_IGNORE_MODVERSIONS,
				     kflags & KERNEL_IGNORE_VERMAGIC);
	if (!err && init_module(copy, file->size, params) < 0)
		err = -errno;
	free(copy);
	return err;
}

static int insert_image(struct mt_file *file, const char *params, int kflags)
{
	int err = mt_file_load(file);

	if (err < 0)
		return err;
	if (kflags) {
		err = finit_from_memory(file, params, kflags);
		return err == -ENOSYS ? init_stripped(file, params, kflags) : err;
	}
	if (init_module(file->data, file->size, params) < 0)
		return -errno;
	return 0;
}

/*
 * Will the kernel's xz decoder take @file?  It knows the CRC32 check and no
 * check, not CRC64 (xz's own default) or SHA-256, and fails the load on
 * those: the check type is the low nibble of the stream header's byte 7
 * (byte 6 and the high nibble are zero in every header xz defines).
 */
static bool kernel_xz_check_supported(struct mt_file *file)
{
	uint8_t head[XZ_STREAM_HEADER_CHECK + 1];

	if (pread(file->fd, head, sizeof(head), 0) != (ssize_t)sizeof(head))
		return false;
	return head[XZ_STREAM_HEADER_CHECK - 1] == 0 &&
	       (head[XZ_STREAM_HEADER_CHECK] == XZ_CHECK_NONE ||
		head[XZ_STREAM_HEADER_CHECK] == XZ_CHECK_CRC32);
}

/*
 * Hand @file to the kernel compressed only when it says it takes the format
 * and, for xz, the stream's check is one its decoder knows; anything else
 * is decompressed here, as kmod does.
 */
static bool kernel_takes_compressed(struct modtool_ctx *ctx, struct mt_file *file)
{
	if (!kernel_decompresses(ctx, file->compression))
		return false;
	return file->compression != MT_COMPRESSION_XZ || kernel_xz_check_supported(file);
}

static int insert_file(struct modtool_ctx *ctx, struct mt_file *file, const char *params,
		       int kflags)
{
	if (file->compression != MT_COMPRESSION_NONE) {
		if (!kernel_takes_compressed(ctx, file))
			return insert_image(file, params, kflags);
		kflags |= KERNEL_COMPRESSED_FILE;
	}
	if (sys_finit_module(file->fd, params, kflags) == 0)
		return 0;
	/* kernels before 3.8 have only init_module() */
	if (errno == ENOSYS && file->compression == MT_COMPRESSION_NONE)
		return insert_image(file, params, kflags);
	return -errno;
}

/* The audit trail hears of every insert the kernel was asked for, and how it went. */
static void audit_insert(struct modtool_ctx *ctx, struct modtool_module *mod, const char *params,
			 bool forced, int err)
{
	struct mt_audit_record rec = {
		.kind = err < 0 ? MT_AUDIT_LOAD_FAILED : MT_AUDIT_LOAD,
		.module = modtool_module_get_name(mod), .path = modtool_module_get_path(mod),
		.params = params ? params : "", .err = err, .forced = forced,
	};

	mt_audit(ctx, &rec);
}

MT_EXPORT int modtool_module_insert(struct modtool_module *mod, const char *params,
				    unsigned int flags)
{
	struct modtool_ctx *ctx;
	struct mt_file *file;
	const char *path;
	int kflags = 0, err;

	if (!mod || (flags & ~(MODTOOL_LOAD_FORCE_VERMAGIC | MODTOOL_LOAD_FORCE_MODVERSION)))
		return -EINVAL;
	ctx = mt_module_ctx(mod);
	path = modtool_module_get_path(mod);
	if (!path) {
		mt_err(ctx, "%s: no module file to insert\n", modtool_module_get_name(mod));
		return -ENOENT;
	}
	/* the load policy: nothing, not --force, gets past an enforce rule */
	if (ctx->policy_check) {
		err = ctx->policy_check(ctx, mod, false);
		if (err < 0)
			return err;
	}
	if (flags & MODTOOL_LOAD_FORCE_VERMAGIC)
		kflags |= KERNEL_IGNORE_VERMAGIC;
	if (flags & MODTOOL_LOAD_FORCE_MODVERSION)
		kflags |= KERNEL_IGNORE_MODVERSIONS;
	/* our own file object: the fd for finit_module(), no decompression yet */
	err = mt_file_open(ctx, path, &file);
	if (err < 0)
		return err;
	err = insert_file(ctx, file, params ? params : "", kflags);
	mt_file_free(file);
	audit_insert(ctx, mod, params, kflags != 0, err);
	if (err < 0)
		mt_info(ctx, "could not insert '%s': %s\n", path, strerror(-err));
	return err;
}

/* ---- removing --------------------------------------------------------- */

static void audit_remove(struct modtool_ctx *ctx, const char *name, bool forced, int err)
{
	struct mt_audit_record rec = {
		.kind = err < 0 ? MT_AUDIT_REMOVE_FAILED : MT_AUDIT_REMOVE,
		.module = name, .params = "", .err = err, .forced = forced,
	};

	mt_audit(ctx, &rec);
}

MT_EXPORT int modtool_module_remove(struct modtool_ctx *ctx, const char *name,
				    unsigned int flags)
{
	char norm[NAME_MAX + 1];
	int oflags = 0, err;

	if (!ctx || !name)
		return -EINVAL;
	err = mt_modname_normalize(name, norm, sizeof(norm));
	if (err < 0)
		return err;
	if (!(flags & MODTOOL_REMOVE_WAIT))
		oflags |= O_NONBLOCK;
	if (flags & MODTOOL_REMOVE_FORCE)
		oflags |= O_TRUNC;
	err = delete_module(norm, oflags) < 0 ? -errno : 0;
	audit_remove(ctx, norm, flags & MODTOOL_REMOVE_FORCE, err);
	if (err < 0)
		mt_info(ctx, "could not remove '%s': %s\n", norm, strerror(-err));
	return err;
}

/* ---- state ------------------------------------------------------------ */

static bool in_builtin_index(struct modtool_ctx *ctx, const char *name)
{
	struct mt_index *idx = mt_ctx_index(ctx, MT_INDEX_BUILTIN);
	struct mt_index_value v;

	return idx && mt_index_lookup(idx, name, &v) == 1;
}


/* Does /proc/modules list @name (in any state)? */
static bool proc_modules_lists(struct modtool_ctx *ctx, const char *name)
{
	size_t len, n = strlen(name);
	char *text, *line;
	bool found = false;

	if (mt_read_proc_modules(ctx, &text, &len) < 0)
		return false;
	for (line = text; line && *line && !found; ) {
		char *next = strchr(line, '\n');

		found = strncmp(line, name, n) == 0 && line[n] == ' ';
		line = next ? next + 1 : NULL;
	}
	free(text);
	return found;
}

static int state_from_text(const char *s)
{
	if (mt_streq(s, "live\n"))
		return MODTOOL_STATE_LIVE;
	if (mt_streq(s, "coming\n"))
		return MODTOOL_STATE_COMING;
	if (mt_streq(s, "going\n"))
		return MODTOOL_STATE_GOING;
	return -EINVAL;
}

MT_EXPORT int modtool_module_get_state(struct modtool_ctx *ctx, const char *name)
{
	char norm[NAME_MAX + 1], buf[32];
	int dfd, err;

	if (!ctx || !name)
		return -EINVAL;
	err = mt_modname_normalize(name, norm, sizeof(norm));
	if (err < 0)
		return err;
	if (in_builtin_index(ctx, norm))
		return MODTOOL_STATE_BUILTIN;
	dfd = mt_open_module_dir(ctx, norm);
	if (dfd < 0)
		return dfd == -ENOENT ? MODTOOL_STATE_NOT_LOADED : dfd;
	err = mt_read_attr(dfd, "initstate", buf, sizeof(buf));
	close(dfd);
	if (err >= 0) {
		err = state_from_text(buf);
		if (err < 0)
			mt_err(ctx, "/sys/module/%s/initstate: unknown state '%s'\n", norm, buf);
		return err;
	}
	if (err != -ENOENT)
		return err;
	/*
	 * A directory without initstate: a module being set up right now, or
	 * parameters of code built into the kernel (which /proc/modules does
	 * not list).
	 */
	return proc_modules_lists(ctx, norm) ? MODTOOL_STATE_COMING : MODTOOL_STATE_BUILTIN;
}

MT_EXPORT int modtool_module_get_refcount(struct modtool_ctx *ctx, const char *name)
{
	long value;
	int err;

	if (!ctx || !name)
		return -EINVAL;
	err = mt_read_module_attr_long(ctx, name, "refcnt", &value);
	if (err < 0)
		return err;
	if (value < 0 || value > INT_MAX)
		return -ERANGE;
	return (int)value;
}

/* ---- what is loaded --------------------------------------------------- */

struct loaded_entry {
	char *name;
	char *holders;		/* "a,b" or "" */
	unsigned long size;
	int refcount;
};

struct modtool_loaded {
	struct loaded_entry *entries;
	size_t count;
	size_t capacity;
};

static int loaded_add(struct modtool_loaded *list, struct loaded_entry *e)
{
	struct loaded_entry *p = mt_grow(list->entries, &list->capacity, list->count + 1,
					  sizeof(*p));

	if (!p)
		return -ENOMEM;
	list->entries = p;
	list->entries[list->count++] = *e;
	return 0;
}

/*
 * One line of /proc/modules: "name size refcount holders, state address ...".
 * Holders read "a,b," or "-"; refcount "-" without module unloading.
 */
static int parse_proc_line(char *line, struct loaded_entry *e)
{
	char *save, *name, *size, *ref, *holders, *end;
	size_t n;

	name = strtok_r(line, " \t", &save);
	size = strtok_r(NULL, " \t", &save);
	ref = strtok_r(NULL, " \t", &save);
	holders = strtok_r(NULL, " \t", &save);
	if (!name || !size || strlen(name) > NAME_MAX)
		return -EINVAL;
	errno = 0;
	e->size = strtoul(size, &end, 10);
	if (*end || end == size || errno)
		return -EINVAL;
	e->refcount = 0;
	if (ref && !mt_streq(ref, "-")) {
		long v = strtol(ref, &end, 10);

		if (*end || end == ref || v < 0 || v > INT_MAX)
			return -EINVAL;
		e->refcount = (int)v;
	}
	if (!holders || mt_streq(holders, "-"))
		holders = "";
	n = strlen(holders);
	if (n && holders[n - 1] == ',')
		holders[--n] = '\0';
	e->name = strdup(name);
	e->holders = strdup(holders);
	if (!e->name || !e->holders) {
		free(e->name);
		free(e->holders);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Take refcount, size and holders from /sys/module/NAME as kmod's lsmod
 * does.  -ENOENT: the module went away since /proc/modules was read.
 */
static int refresh_from_sysfs(struct modtool_ctx *ctx, struct loaded_entry *e)
{
	char buf[32], *holders;
	long value;
	int dfd, err;

	dfd = mt_open_module_dir(ctx, e->name);
	if (dfd < 0)
		return dfd;
	err = mt_read_attr(dfd, "initstate", buf, sizeof(buf));
	if (err >= 0 && mt_read_attr_long(dfd, "refcnt", &value) == 0 && value >= 0 &&
	    value <= INT_MAX)
		e->refcount = (int)value;
	if (err >= 0 && mt_read_attr_long(dfd, "coresize", &value) == 0 && value >= 0)
		e->size = (unsigned long)value;
	if (err >= 0 && mt_read_holders(dfd, &holders) == 0) {
		free(e->holders);
		e->holders = holders;
	}
	/* still there after all the reads? */
	if (err >= 0)
		err = mt_read_attr(dfd, "initstate", buf, sizeof(buf));
	close(dfd);
	return err < 0 ? err : 0;
}

static bool have_sysfs_modules(struct modtool_ctx *ctx)
{
	char path[PATH_MAX];
	struct stat st;

	return mt_sys_path(ctx, path, sizeof(path), "/sys/module") == 0 &&
	       stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int fill_loaded(struct modtool_ctx *ctx, char *text, struct modtool_loaded *list)
{
	bool sysfs = have_sysfs_modules(ctx);
	char *line, *save;
	int lineno = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct loaded_entry e;
		int err;

		lineno++;
		err = parse_proc_line(line, &e);
		if (err == -ENOMEM)
			return err;
		if (err < 0) {
			mt_warn(ctx, "/proc/modules:%d: line not understood\n", lineno);
			continue;
		}
		err = sysfs ? refresh_from_sysfs(ctx, &e) : 0;
		if (err == 0)
			err = loaded_add(list, &e);
		if (err < 0) {
			free(e.name);
			free(e.holders);
		}
		if (err == -ENOMEM)
			return err;
	}
	return 0;
}

MT_EXPORT int modtool_loaded_list(struct modtool_ctx *ctx, struct modtool_loaded **listp)
{
	struct modtool_loaded *list;
	size_t len;
	char *text;
	int err;

	if (!ctx || !listp)
		return -EINVAL;
	err = mt_read_proc_modules(ctx, &text, &len);
	if (err < 0) {
		mt_err(ctx, "could not read /proc/modules: %s\n", strerror(-err));
		return err;
	}
	list = calloc(1, sizeof(*list));
	err = list ? fill_loaded(ctx, text, list) : -ENOMEM;
	free(text);
	if (err < 0) {
		modtool_loaded_free(list);
		return err;
	}
	*listp = list;
	return 0;
}

MT_EXPORT size_t modtool_loaded_count(const struct modtool_loaded *list)
{
	return list ? list->count : 0;
}

static const struct loaded_entry *entry(const struct modtool_loaded *list, size_t i)
{
	return list && i < list->count ? &list->entries[i] : NULL;
}

MT_EXPORT const char *modtool_loaded_get_name(const struct modtool_loaded *list, size_t i)
{
	const struct loaded_entry *e = entry(list, i);

	return e ? e->name : NULL;
}

MT_EXPORT unsigned long modtool_loaded_get_size(const struct modtool_loaded *list, size_t i)
{
	const struct loaded_entry *e = entry(list, i);

	return e ? e->size : 0;
}

MT_EXPORT int modtool_loaded_get_refcount(const struct modtool_loaded *list, size_t i)
{
	const struct loaded_entry *e = entry(list, i);

	return e ? e->refcount : -EINVAL;
}

MT_EXPORT const char *modtool_loaded_get_holders(const struct modtool_loaded *list, size_t i)
{
	const struct loaded_entry *e = entry(list, i);

	return e ? e->holders : NULL;
}

MT_EXPORT void modtool_loaded_free(struct modtool_loaded *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++) {
		free(list->entries[i].name);
		free(list->entries[i].holders);
	}
	free(list->entries);
	free(list);
}

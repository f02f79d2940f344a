/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every concern of libmodtool shares: the context, logging, helpers. */
#ifndef MODTOOL_INTERNAL_H
#define MODTOOL_INTERNAL_H

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "build-config.h"
#include "libmodtool.h"

#define MT_EXPORT __attribute__((visibility("default")))
#define MT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define MT_CLEANUP(fn) __attribute__((cleanup(fn)))

/* A module this large or larger, once decompressed, is refused as a bomb. */
#define MT_MAX_MODULE_SIZE ((size_t)1 << 30)

struct mt_index;
struct mt_config;
struct mt_audit_record;

/* Indexes of the module tree a context may open, each once, on first use. */
enum mt_index_id {
	MT_INDEX_DEP,
	MT_INDEX_ALIAS,
	MT_INDEX_SYMBOLS,
	MT_INDEX_BUILTIN,
	MT_INDEX_BUILTIN_ALIAS,
	MT_INDEX_COUNT,
};

struct modtool_ctx {
	char *module_dir;
	char *sysroot;		/* prefix of /proc and /sys (kernel/); NULL: none */
	struct mt_config *config;	/* modprobe configuration (config/); NULL: none */
	modtool_log_fn log_fn;
	void *log_data;
	int log_priority;
	struct mt_index *index[MT_INDEX_COUNT];
	bool index_tried[MT_INDEX_COUNT];
	/* each open index file's modification time, to notice a new depmod run */
	struct timespec index_mtime[MT_INDEX_COUNT];
	/*
	 * The load policy (trust/), asked by kernel/ before every insert: a
	 * hook, so that the layer below calls the one above without including
	 * it.  0 lets the load go on, -ECANCELED refuses it (already logged);
	 * @quiet_warn: a warn rule's message waits for the load itself.
	 */
	void *policy;
	int (*policy_check)(struct modtool_ctx *ctx, struct modtool_module *mod, bool quiet_warn);
	void (*policy_free)(void *policy);
	/*
	 * The audit trail (watch/audit.c, installed by modtool_ctx_new()):
	 * told of every load, removal and refusal (base/audit-hook.h).
	 */
	void *audit;
	void (*audit_fn)(struct modtool_ctx *ctx, const struct mt_audit_record *record);
	void (*audit_free)(void *audit);
};

void mt_log(const struct modtool_ctx *ctx, int priority, const char *format, ...)
	MT_PRINTF(3, 4);
#define mt_err(ctx, ...) mt_log(ctx, LOG_ERR, __VA_ARGS__)
#define mt_warn(ctx, ...) mt_log(ctx, LOG_WARNING, __VA_ARGS__)
#define mt_info(ctx, ...) mt_log(ctx, LOG_INFO, __VA_ARGS__)
#define mt_dbg(ctx, ...) mt_log(ctx, LOG_DEBUG, __VA_ARGS__)

static inline void mt_freep(void *p)
{
	free(*(void **)p);
}
#define MT_AUTOFREE MT_CLEANUP(mt_freep)

static inline bool mt_streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* Does [off, off + len) lie inside a buffer of @size bytes? (no overflow) */
static inline bool mt_in_bounds(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/*
 * Room for @need elements of @elem bytes in @p (capacity *@cap, doubling):
 * the block, maybe moved, or NULL with @p untouched when memory runs out.
 */
void *mt_grow(void *p, size_t *cap, size_t need, size_t elem);
/* Append a copy of @s to the string vector *@v of *@n entries. */
int mt_strv_push(char ***v, size_t *n, size_t *cap, const char *s);
/* Free the @n strings of @v and @v. */
void mt_strv_free(char **v, size_t n);

/*
 * Read from @fd until @len bytes, end of file or an error (EINTR retried):
 * *@got says how many arrived either way; 0 or the error's -errno.
 */
int mt_read_full(int fd, void *buf, size_t len, size_t *got);
/* Write all @len bytes of @buf to @fd (EINTR retried): 0 or -errno. */
int mt_write_full(int fd, const void *buf, size_t len);
/*
 * fdopendir(@dfd) for walking the directory @path; on failure @dfd is closed,
 * the error logged naming @path, and NULL returned with *@err set.
 */
DIR *mt_opendir_fd(const struct modtool_ctx *ctx, int dfd, const char *path, int *err);

/*
 * Is -@err a failure of this machine rather than of the file being read (a
 * library that cannot be loaded, memory, descriptors, the disk)?  Such a
 * failure says nothing about the file: it must stop the work, never mark the
 * file broken (depmod would publish indexes without it).
 */
static inline bool mt_err_is_environment(int err)
{
	switch (-err) {
	case ELIBACC: case ENOMEM: case EMFILE: case ENFILE: case EIO: case ENOBUFS:
		return true;
	default:
		return false;
	}
}

/* Turn '-' into '_' as the kernel does for module names; @out holds PATH_MAX. */
int mt_modname_normalize(const char *name, char *out, size_t outsize);

#endif

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A context's indexes: each opened once, on first use, and kept with it;
 * their modification times say whether depmod has replaced them since.
 */
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "base/internal.h"
#include "index/index.h"

static const char *const index_names[MT_INDEX_COUNT] = {
	[MT_INDEX_DEP] = "modules.dep.bin",
	[MT_INDEX_ALIAS] = "modules.alias.bin",
	[MT_INDEX_SYMBOLS] = "modules.symbols.bin",
	[MT_INDEX_BUILTIN] = "modules.builtin.bin",
	[MT_INDEX_BUILTIN_ALIAS] = "modules.builtin.alias.bin",
};

static int index_path(const struct modtool_ctx *ctx, enum mt_index_id id, char *path,
		      size_t size)
{
	if (snprintf(path, size, "%s/%s", ctx->module_dir, index_names[id]) >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}

/* The modification time of @path, or zero when it cannot be read. */
static struct timespec mtime_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return (struct timespec){ 0, 0 };
	return st.st_mtim;
}

struct mt_index *mt_ctx_index(struct modtool_ctx *ctx, enum mt_index_id id)
{
	char path[PATH_MAX];

	if (ctx->index_tried[id])
		return ctx->index[id];
	ctx->index_tried[id] = true;
	if (index_path(ctx, id, path, sizeof(path)) < 0)
		return NULL;
	/* the time first: a depmod run between the two is then seen as a change */
	ctx->index_mtime[id] = mtime_of(path);
	/* a missing index is normal (not yet generated); a broken one is logged by the reader */
	mt_index_open(ctx, path, &ctx->index[id]);
	return ctx->index[id];
}

MT_EXPORT int modtool_ctx_open_indexes(struct modtool_ctx *ctx)
{
	if (!ctx)
		return -EINVAL;
	for (int id = 0; id < MT_INDEX_COUNT; id++) {
		char path[PATH_MAX];
		int err;

		if (ctx->index[id])
			continue;
		/* a failed earlier try is tried again: the file may be there now */
		ctx->index_tried[id] = true;
		err = index_path(ctx, id, path, sizeof(path));
		if (err < 0)
			return err;
		ctx->index_mtime[id] = mtime_of(path);
		err = mt_index_open(ctx, path, &ctx->index[id]);
		/* trees indexed before modules.builtin.alias.bin existed lack it */
		if (err < 0 && !(err == -ENOENT && id == MT_INDEX_BUILTIN_ALIAS)) {
			modtool_ctx_close_indexes(ctx);
			return err;
		}
	}
	return 0;
}

MT_EXPORT void modtool_ctx_close_indexes(struct modtool_ctx *ctx)
{
	if (!ctx)
		return;
	for (int id = 0; id < MT_INDEX_COUNT; id++) {
		mt_index_close(ctx->index[id]);
		ctx->index[id] = NULL;
		ctx->index_tried[id] = false;
	}
}

bool mt_ctx_indexes_changed(const struct modtool_ctx *ctx)
{
	for (int id = 0; id < MT_INDEX_COUNT; id++) {
		char path[PATH_MAX];
		struct timespec now;

		if (!ctx->index[id] || index_path(ctx, id, path, sizeof(path)) < 0)
			continue;
		now = mtime_of(path);
		if (now.tv_sec != ctx->index_mtime[id].tv_sec ||
		    now.tv_nsec != ctx->index_mtime[id].tv_nsec)
			return true;
	}
	return false;
}

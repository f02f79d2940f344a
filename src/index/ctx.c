// SPDX-License-Identifier: LGPL-2.1-or-later
/* A context's indexes: each opened once, on first use, and kept with it. */
#include <limits.h>
#include <stdio.h>

#include "base/internal.h"
#include "index/index.h"

static const char *const index_names[MT_INDEX_COUNT] = {
	[MT_INDEX_DEP] = "modules.dep.bin",
	[MT_INDEX_ALIAS] = "modules.alias.bin",
	[MT_INDEX_SYMBOLS] = "modules.symbols.bin",
	[MT_INDEX_BUILTIN] = "modules.builtin.bin",
	[MT_INDEX_BUILTIN_ALIAS] = "modules.builtin.alias.bin",
};

struct mt_index *mt_ctx_index(struct modtool_ctx *ctx, enum mt_index_id id)
{
	char path[PATH_MAX];

	if (ctx->index_tried[id])
		return ctx->index[id];
	ctx->index_tried[id] = true;
	if (snprintf(path, sizeof(path), "%s/%s", ctx->module_dir, index_names[id]) >= (int)sizeof(path))
		return NULL;
	/* a missing index is normal (not yet generated); a broken one is logged by the reader */
	mt_index_open(ctx, path, &ctx->index[id]);
	return ctx->index[id];
}

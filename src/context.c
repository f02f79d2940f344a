// SPDX-License-Identifier: LGPL-2.1-or-later
/* The library context: which module tree, how to log, what is open. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/utsname.h>

#include "index.h"
#include "internal.h"
#include "modprobe-config.h"

static void log_to_stderr(void *userdata, int priority, const char *format, va_list args)
{
	fputs("libmodtool: ", stderr);
	vfprintf(stderr, format, args);
}

MT_EXPORT int modtool_ctx_new(const char *module_dir, struct modtool_ctx **ctxp)
{
	struct modtool_ctx *ctx;
	char buf[PATH_MAX];

	if (!ctxp)
		return -EINVAL;
	if (!module_dir) {
		struct utsname u;

		if (uname(&u) < 0)
			return -errno;
		if (snprintf(buf, sizeof(buf), "%s/%s", MODULE_DIRECTORY, u.release) >= (int)sizeof(buf))
			return -ENAMETOOLONG;
		module_dir = buf;
	}
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->module_dir = strdup(module_dir);
	if (!ctx->module_dir) {
		free(ctx);
		return -ENOMEM;
	}
	ctx->log_fn = log_to_stderr;
	ctx->log_priority = LOG_ERR;
	*ctxp = ctx;
	return 0;
}

MT_EXPORT void modtool_ctx_free(struct modtool_ctx *ctx)
{
	if (!ctx)
		return;
	for (int i = 0; i < MT_INDEX_COUNT; i++)
		mt_index_close(ctx->index[i]);
	free(ctx->module_dir);
	free(ctx->sysroot);
	mt_config_free(ctx->config);
	free(ctx);
}

MT_EXPORT const char *modtool_ctx_get_module_dir(const struct modtool_ctx *ctx)
{
	return ctx->module_dir;
}

MT_EXPORT void modtool_ctx_set_log_fn(struct modtool_ctx *ctx, modtool_log_fn fn, void *userdata)
{
	ctx->log_fn = fn;
	ctx->log_data = userdata;
}

MT_EXPORT void modtool_ctx_set_log_priority(struct modtool_ctx *ctx, int priority)
{
	ctx->log_priority = priority;
}

MT_EXPORT int modtool_ctx_get_log_priority(const struct modtool_ctx *ctx)
{
	return ctx->log_priority;
}

MT_EXPORT const char *modtool_version(void)
{
	return PACKAGE_VERSION;
}

MT_EXPORT const char *modtool_features(void)
{
	return MODTOOL_FEATURES;
}

void mt_log(const struct modtool_ctx *ctx, int priority, const char *format, ...)
{
	va_list args;

	if (!ctx || !ctx->log_fn || priority > ctx->log_priority)
		return;
	va_start(args, format);
	ctx->log_fn(ctx->log_data, priority, format, args);
	va_end(args);
}

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

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library context: which module tree, how to log, what is open.  It owns
 * what the concerns opened in it (indexes, configuration) and so sits above
 * them all: its lifecycle is here, the logging every concern uses in base/log.c.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/utsname.h>

#include "base/internal.h"
#include "config/config.h"
#include "index/index.h"
#include "watch/audit.h"

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
	/* every context records its loads, removals and refusals (as configured) */
	if (mt_audit_install(ctx) < 0) {
		free(ctx->module_dir);
		free(ctx);
		return -ENOMEM;
	}
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
	if (ctx->policy_free)
		ctx->policy_free(ctx->policy);
	if (ctx->audit_free)
		ctx->audit_free(ctx->audit);
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

MT_EXPORT int modtool_ctx_check_resources(const struct modtool_ctx *ctx)
{
	if (!ctx)
		return -EINVAL;
	if (!mt_config_is_current(ctx->config))
		return MODTOOL_RESOURCES_CONFIG_CHANGED;
	if (mt_ctx_indexes_changed(ctx))
		return MODTOOL_RESOURCES_INDEXES_CHANGED;
	return MODTOOL_RESOURCES_CURRENT;
}

MT_EXPORT const char *modtool_version(void)
{
	return PACKAGE_VERSION;
}

MT_EXPORT const char *modtool_features(void)
{
	return MODTOOL_FEATURES;
}

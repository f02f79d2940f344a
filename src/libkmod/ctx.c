// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kmod_ctx: one module tree with its configuration, reference counted, as
 * libkmod's programs hold it (udev keeps one for its whole life and asks
 * kmod_validate_resources() whether to make a new one).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libkmod/internal.h"

/* kmod shows a relative tree path made absolute against the working directory. */
static int absolute_dir(const char *dirname, char *out, size_t size)
{
	char cwd[PATH_MAX];

	if (dirname[0] == '/')
		return snprintf(out, size, "%s", dirname) < (int)size ? 0 : -ENAMETOOLONG;
	if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	return snprintf(out, size, "%s/%s", cwd, dirname) < (int)size ? 0 : -ENAMETOOLONG;
}

static void ctx_free(struct kmod_ctx *ctx)
{
	modtool_ctx_free(ctx->mt);
	mt_kmod_pool_free(ctx->pool);
	free(ctx);
}

KMOD_EXPORT struct kmod_ctx *kmod_new(const char *dirname, const char *const *config_paths)
{
	const char *env = secure_getenv("KMOD_LOG");
	char dir[PATH_MAX];
	struct kmod_ctx *ctx;
	int err;

	if (dirname && absolute_dir(dirname, dir, sizeof(dir)) < 0)
		return NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	ctx->refcount = 1;
	ctx->log_fn = mt_kmod_log_stderr;
	err = mt_kmod_pool_new(&ctx->pool);
	if (err == 0)
		err = modtool_ctx_new(dirname ? dir : NULL, &ctx->mt);
	if (err < 0) {
		ctx_free(ctx);
		return NULL;
	}
	modtool_ctx_set_log_fn(ctx->mt, mt_kmod_forward_log, ctx);
	modtool_ctx_set_log_priority(ctx->mt, env ? mt_kmod_log_priority_of(env) : LOG_ERR);
	/* the configuration is read now, as kmod does: lookups use it at once */
	err = modtool_ctx_load_config(ctx->mt, config_paths, NULL);
	if (err < 0) {
		mt_kmod_err(ctx, "could not create config: %s\n", strerror(-err));
		ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

KMOD_EXPORT struct kmod_ctx *kmod_ref(struct kmod_ctx *ctx)
{
	if (ctx)
		ctx->refcount++;
	return ctx;
}

KMOD_EXPORT struct kmod_ctx *kmod_unref(struct kmod_ctx *ctx)
{
	if (!ctx)
		return NULL;
	if (--ctx->refcount > 0)
		return ctx;
	/* every module holds a reference: none is left in the pool now */
	ctx_free(ctx);
	return NULL;
}

KMOD_EXPORT void kmod_set_log_fn(struct kmod_ctx *ctx, mt_kmod_log_fn log_fn, const void *data)
{
	if (!ctx)
		return;
	ctx->log_fn = log_fn;
	ctx->log_data = data;
}

KMOD_EXPORT int kmod_get_log_priority(const struct kmod_ctx *ctx)
{
	return ctx ? modtool_ctx_get_log_priority(ctx->mt) : -1;
}

KMOD_EXPORT void kmod_set_log_priority(struct kmod_ctx *ctx, int priority)
{
	if (ctx)
		modtool_ctx_set_log_priority(ctx->mt, priority);
}

KMOD_EXPORT void *kmod_get_userdata(const struct kmod_ctx *ctx)
{
	return ctx ? (void *)ctx->userdata : NULL;
}

KMOD_EXPORT void kmod_set_userdata(struct kmod_ctx *ctx, const void *userdata)
{
	if (ctx)
		ctx->userdata = userdata;
}

KMOD_EXPORT const char *kmod_get_dirname(const struct kmod_ctx *ctx)
{
	return ctx ? modtool_ctx_get_module_dir(ctx->mt) : NULL;
}

KMOD_EXPORT int kmod_load_resources(struct kmod_ctx *ctx)
{
	if (!ctx)
		return -ENOENT;
	return modtool_ctx_open_indexes(ctx->mt);
}

KMOD_EXPORT void kmod_unload_resources(struct kmod_ctx *ctx)
{
	if (ctx)
		modtool_ctx_close_indexes(ctx->mt);
}

KMOD_EXPORT int kmod_validate_resources(struct kmod_ctx *ctx)
{
	if (!ctx)
		return KMOD_RESOURCES_MUST_RECREATE;
	switch (modtool_ctx_check_resources(ctx->mt)) {
	case MODTOOL_RESOURCES_CURRENT:
		return KMOD_RESOURCES_OK;
	case MODTOOL_RESOURCES_INDEXES_CHANGED:
		return KMOD_RESOURCES_MUST_RELOAD;
	default:
		return KMOD_RESOURCES_MUST_RECREATE;
	}
}

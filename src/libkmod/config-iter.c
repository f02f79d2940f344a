// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kmod_config_iter: the configuration's entries of one kind, in the order
 * modprobe -c prints them.  An iterator stands before its first entry; past
 * the last, kmod_config_iter_next() says false and starts over.
 */
#include <errno.h>
#include <stdlib.h>

#include "libkmod/internal.h"

struct kmod_config_iter {
	const struct kmod_ctx *ctx;
	enum modtool_config_kind kind;
	size_t pos;	/* 0: before the first entry; else entry pos - 1 */
};

static struct kmod_config_iter *iter_new(const struct kmod_ctx *ctx,
					 enum modtool_config_kind kind)
{
	struct kmod_config_iter *iter;

	if (!ctx)
		return NULL;
	iter = calloc(1, sizeof(*iter));
	if (iter) {
		iter->ctx = ctx;
		iter->kind = kind;
	}
	return iter;
}

KMOD_EXPORT struct kmod_config_iter *kmod_config_get_blacklists(const struct kmod_ctx *ctx)
{
	return iter_new(ctx, MODTOOL_CONFIG_BLACKLIST);
}

KMOD_EXPORT struct kmod_config_iter *kmod_config_get_install_commands(const struct kmod_ctx *ctx)
{
	return iter_new(ctx, MODTOOL_CONFIG_INSTALL);
}

KMOD_EXPORT struct kmod_config_iter *kmod_config_get_remove_commands(const struct kmod_ctx *ctx)
{
	return iter_new(ctx, MODTOOL_CONFIG_REMOVE);
}

KMOD_EXPORT struct kmod_config_iter *kmod_config_get_aliases(const struct kmod_ctx *ctx)
{
	return iter_new(ctx, MODTOOL_CONFIG_ALIAS);
}

KMOD_EXPORT struct kmod_config_iter *kmod_config_get_options(const struct kmod_ctx *ctx)
{
	return iter_new(ctx, MODTOOL_CONFIG_OPTIONS);
}

KMOD_EXPORT struct kmod_config_iter *kmod_config_get_softdeps(const struct kmod_ctx *ctx)
{
	return iter_new(ctx, MODTOOL_CONFIG_SOFTDEP);
}

KMOD_EXPORT struct kmod_config_iter *kmod_config_get_weakdeps(const struct kmod_ctx *ctx)
{
	return iter_new(ctx, MODTOOL_CONFIG_WEAKDEP);
}

KMOD_EXPORT bool kmod_config_iter_next(struct kmod_config_iter *iter)
{
	if (!iter)
		return false;
	if (iter->pos >= modtool_config_count(iter->ctx->mt, iter->kind)) {
		iter->pos = 0;
		return false;
	}
	iter->pos++;
	return true;
}

static int current(const struct kmod_config_iter *iter, const char **key, const char **value)
{
	if (!iter || iter->pos == 0)
		return -ENOENT;
	return modtool_config_get(iter->ctx->mt, iter->kind, iter->pos - 1, key, value, NULL, NULL);
}

KMOD_EXPORT const char *kmod_config_iter_get_key(const struct kmod_config_iter *iter)
{
	const char *key;

	return current(iter, &key, NULL) == 0 ? key : NULL;
}

KMOD_EXPORT const char *kmod_config_iter_get_value(const struct kmod_config_iter *iter)
{
	const char *value;

	return current(iter, NULL, &value) == 0 ? value : NULL;
}

KMOD_EXPORT void kmod_config_iter_free_iter(struct kmod_config_iter *iter)
{
	free(iter);
}

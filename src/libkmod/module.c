// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kmod_module: the context's one object per module name (and per alias it
 * was found by), reference counted; each holds a reference on its context.
 * The engine's module behind it (file, built-in or not) is made when first
 * needed, from modules.dep, so that objects made by name cost nothing.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libkmod/internal.h"

/* kmod's rule for a name given to it: '-' read as '_', and cut at the first '.'. */
static void modname_normalize(const char *name, char *out, size_t size)
{
	size_t i;

	for (i = 0; i + 1 < size && name[i] && name[i] != '.'; i++)
		out[i] = name[i] == '-' ? '_' : name[i];
	out[i] = '\0';
}

const char *mt_kmod_module_name(const struct kmod_module *mod)
{
	return mod->name;
}

int mt_kmod_module_get(struct kmod_ctx *ctx, const char *name, const char *alias,
		       struct modtool_module *mt, struct kmod_module **modp)
{
	size_t nlen = strlen(name), alen = alias ? strlen(alias) + 1 : 0;
	char key[PATH_MAX * 2];
	struct kmod_module *mod;

	if (nlen + alen + 1 > sizeof(key))
		return -ENAMETOOLONG;
	memcpy(key, name, nlen + 1);
	if (alias) {
		key[nlen] = '\\';
		memcpy(key + nlen + 1, alias, alen);
	}
	mod = mt_kmod_pool_get(ctx->pool, key);
	if (mod) {
		if (!mod->mt && mt)
			mod->mt = modtool_module_ref(mt);
		*modp = kmod_module_ref(mod);
		return 0;
	}
	/* key, then the name alone */
	mod = calloc(1, sizeof(*mod) + nlen + alen + 1 + nlen + 1);
	if (!mod)
		return -ENOMEM;
	mod->refcount = 1;
	memcpy(mod->key, key, nlen + alen + 1);
	mod->name = memcpy(mod->key + nlen + alen + 1, name, nlen + 1);
	if (alias)
		mod->alias = mod->key + nlen + 1;
	if (mt_kmod_pool_add(ctx->pool, mod) < 0) {
		free(mod);
		return -ENOMEM;
	}
	mod->ctx = kmod_ref(ctx);
	mod->mt = modtool_module_ref(mt);
	*modp = mod;
	return 0;
}

struct modtool_module *mt_kmod_module_engine(struct kmod_module *mod)
{
	if (!mod->mt)
		modtool_module_new_from_name(mod->ctx->mt, mod->name, &mod->mt);
	return mod->mt;
}

bool mt_kmod_module_is_builtin(struct kmod_module *mod)
{
	if (mod->builtin == MT_KMOD_BUILTIN_UNKNOWN) {
		struct modtool_module *mt = mt_kmod_module_engine(mod);

		if (!mt)
			return false;	/* out of memory: ask again next time */
		mod->builtin = modtool_module_is_builtin(mt) ? MT_KMOD_BUILTIN_YES
							     : MT_KMOD_BUILTIN_NO;
	}
	return mod->builtin == MT_KMOD_BUILTIN_YES;
}

KMOD_EXPORT int kmod_module_new_from_name(struct kmod_ctx *ctx, const char *name,
					  struct kmod_module **mod)
{
	char norm[PATH_MAX];

	if (!ctx || !name || !mod)
		return -ENOENT;
	modname_normalize(name, norm, sizeof(norm));
	return mt_kmod_module_get(ctx, norm, NULL, NULL, mod);
}

KMOD_EXPORT int kmod_module_new_from_path(struct kmod_ctx *ctx, const char *path,
					  struct kmod_module **modp)
{
	struct modtool_module *mt;
	struct kmod_module *mod;
	const char *base;
	char name[PATH_MAX];
	struct stat st;
	int err;

	if (!ctx || !path || !modp)
		return -ENOENT;
	if (stat(path, &st) < 0)
		return -errno;
	base = strrchr(path, '/');
	modname_normalize(base ? base + 1 : path, name, sizeof(name));
	err = modtool_module_new_from_path(ctx->mt, path, &mt);
	if (err < 0)
		return err;
	err = mt_kmod_module_get(ctx, name, NULL, NULL, &mod);
	if (err < 0) {
		modtool_module_unref(mt);
		return err;
	}
	if (mod->mt && modtool_module_get_path(mod->mt) &&
	    strcmp(modtool_module_get_path(mod->mt), modtool_module_get_path(mt)) != 0) {
		mt_kmod_err(ctx, "module '%s' already exists with a different path: new %s, old %s\n",
			    name, modtool_module_get_path(mt), modtool_module_get_path(mod->mt));
		modtool_module_unref(mt);
		kmod_module_unref(mod);
		return -EEXIST;
	}
	/* the file given wins over what modules.dep would have said */
	modtool_module_unref(mod->mt);
	mod->mt = mt;
	mod->builtin = MT_KMOD_BUILTIN_NO;
	*modp = mod;
	return 0;
}

static int name_lookup(struct kmod_ctx *ctx, const char *modname, struct kmod_module **mod)
{
	struct modtool_list *found = NULL;
	struct kmod_list *list = NULL;
	char norm[PATH_MAX];
	int err;

	if (!ctx || !modname || !mod)
		return -ENOENT;
	modname_normalize(modname, norm, sizeof(norm));
	err = modtool_module_lookup(ctx->mt, norm, MODTOOL_LOOKUP_NAME_ONLY, &found);
	if (err > 0)
		err = mt_kmod_list_from_engine(ctx, found, &list);
	modtool_list_free(found);
	if (err < 0)
		return err == -EINVAL || err == -ENAMETOOLONG ? 0 : err;
	/* not found: 0, and *mod as it was */
	if (list)
		*mod = kmod_module_get_module(list);
	kmod_module_unref_list(list);
	return 0;
}

KMOD_EXPORT int kmod_module_new_from_name_lookup(struct kmod_ctx *ctx, const char *modname,
						 struct kmod_module **mod)
{
	return name_lookup(ctx, modname, mod);
}

/* kmod 30 exported it under LIBKMOD_5: programs built then bind that version. */
__attribute__((symver("kmod_module_new_from_name_lookup@LIBKMOD_5")))
KMOD_EXPORT int mt_kmod_module_new_from_name_lookup_v5(struct kmod_ctx *ctx, const char *modname,
						       struct kmod_module **mod);
int mt_kmod_module_new_from_name_lookup_v5(struct kmod_ctx *ctx, const char *modname,
					   struct kmod_module **mod)
{
	return name_lookup(ctx, modname, mod);
}

KMOD_EXPORT struct kmod_module *kmod_module_ref(struct kmod_module *mod)
{
	if (mod)
		mod->refcount++;
	return mod;
}

KMOD_EXPORT struct kmod_module *kmod_module_unref(struct kmod_module *mod)
{
	if (!mod)
		return NULL;
	if (--mod->refcount > 0)
		return mod;
	mt_kmod_pool_del(mod->ctx->pool, mod);
	modtool_module_unref(mod->mt);
	kmod_unref(mod->ctx);
	free(mod->options);
	free(mod);
	return NULL;
}

static void unref_data(void *data)
{
	kmod_module_unref(data);
}

KMOD_EXPORT int kmod_module_unref_list(struct kmod_list *list)
{
	mt_kmod_list_free(list, unref_data);
	return 0;
}

KMOD_EXPORT struct kmod_module *kmod_module_get_module(const struct kmod_list *entry)
{
	return entry ? kmod_module_ref(entry->data) : NULL;
}

KMOD_EXPORT const char *kmod_module_get_name(const struct kmod_module *mod)
{
	return mod ? mt_kmod_module_name(mod) : NULL;
}

KMOD_EXPORT const char *kmod_module_get_path(const struct kmod_module *mod)
{
	struct modtool_module *mt;

	if (!mod)
		return NULL;
	/* const in kmod's interface: finding the file is not a change callers see */
	mt = mt_kmod_module_engine((struct kmod_module *)mod);
	return mt ? modtool_module_get_path(mt) : NULL;
}

int mt_kmod_list_from_engine(struct kmod_ctx *ctx, const struct modtool_list *found,
			     struct kmod_list **list)
{
	int source = modtool_list_get_source(found);

	for (size_t i = 0; i < modtool_list_count(found); i++) {
		struct modtool_module *mt = modtool_list_get(found, i);
		struct kmod_module *mod;
		struct kmod_list *l;
		int err;

		err = mt_kmod_module_get(ctx, modtool_module_get_name(mt),
					 modtool_list_get_alias(found, i), mt, &mod);
		if (err < 0)
			return err;
		/* what the kernel's own alias list names is built in */
		if (source == MODTOOL_SOURCE_BUILTIN || source == MODTOOL_SOURCE_BUILTIN_ALIASES)
			mod->builtin = MT_KMOD_BUILTIN_YES;
		l = mt_kmod_list_append(*list, mod);
		if (!l) {
			kmod_module_unref(mod);
			return -ENOMEM;
		}
		*list = l;
	}
	return 0;
}

int mt_kmod_module_as_engine_list(struct kmod_module *mod, struct modtool_list **listp)
{
	struct modtool_module *mt = mt_kmod_module_engine(mod);
	struct modtool_list *list;
	int err;

	if (!mt)
		return -ENOMEM;
	err = modtool_list_new(mod->ctx->mt, &list);
	if (err < 0)
		return err;
	err = modtool_list_append(list, mt, mod->alias);
	if (err < 0) {
		modtool_list_free(list);
		return err;
	}
	*listp = list;
	return 0;
}

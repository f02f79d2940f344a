// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Finding modules by name or alias in the tree's indexes, in kmod's order
 * for a lookup without configuration.  (modprobe.d aliases and commands join
 * in with the resolve concern.)
 */
#include <limits.h>
#include <stdio.h>

#include "index.h"
#include "internal.h"
#include "module.h"

struct modtool_list {
	struct modtool_module **mods;
	size_t count;
	size_t capacity;
};

static int list_add(struct modtool_list *list, struct modtool_module *mod)
{
	if (list->count == list->capacity) {
		size_t cap = list->capacity ? list->capacity * 2 : 4;
		struct modtool_module **m = reallocarray(list->mods, cap, sizeof(*m));

		if (!m)
			return -ENOMEM;
		list->mods = m;
		list->capacity = cap;
	}
	list->mods[list->count++] = mod;
	return 0;
}

MT_EXPORT size_t modtool_list_count(const struct modtool_list *list)
{
	return list ? list->count : 0;
}

MT_EXPORT struct modtool_module *modtool_list_get(const struct modtool_list *list, size_t i)
{
	return list && i < list->count ? list->mods[i] : NULL;
}

MT_EXPORT void modtool_list_free(struct modtool_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		modtool_module_unref(list->mods[i]);
	free(list->mods);
	free(list);
}

/*
 * kmod's alias normalisation: '-' becomes '_' except inside a [...] class;
 * an unbalanced bracket makes the name invalid.
 */
static int alias_normalize(const char *alias, char *out, size_t outsize)
{
	size_t i;

	for (i = 0; alias[i]; i++) {
		if (i + 1 >= outsize)
			return -ENAMETOOLONG;
		if (alias[i] == ']')
			return -EINVAL;
		if (alias[i] == '[') {
			for (; alias[i] && alias[i] != ']'; i++) {
				if (i + 1 >= outsize)
					return -ENAMETOOLONG;
				out[i] = alias[i];
			}
			if (alias[i] != ']' || i + 1 >= outsize)
				return -EINVAL;
		}
		out[i] = alias[i] == '-' ? '_' : alias[i];
	}
	out[i] = '\0';
	return 0;
}

/* The file of module @name from modules.dep.bin ("relpath: deps"), or NULL. */
static int module_path(struct modtool_ctx *ctx, const char *name, char *path, size_t pathsize)
{
	struct mt_index *idx = mt_ctx_index(ctx, MT_INDEX_DEP);
	struct mt_index_value v;
	const char *colon;
	int n, r;

	if (!idx)
		return 0;
	r = mt_index_lookup(idx, name, &v);
	if (r <= 0)
		return r;
	colon = strchr(v.value, ':');
	if (!colon)
		return 0;
	if (v.value[0] == '/')
		n = snprintf(path, pathsize, "%.*s", (int)(colon - v.value), v.value);
	else
		n = snprintf(path, pathsize, "%s/%.*s", ctx->module_dir, (int)(colon - v.value),
			     v.value);
	return n < (int)pathsize ? 1 : -ENAMETOOLONG;
}

static bool is_builtin(struct modtool_ctx *ctx, const char *name)
{
	struct mt_index *idx = mt_ctx_index(ctx, MT_INDEX_BUILTIN);
	struct mt_index_value v;

	return idx && mt_index_lookup(idx, name, &v) == 1;
}

/* A module known by @name: its file from modules.dep, else maybe built in. */
static int add_module_by_name(struct modtool_ctx *ctx, const char *name, struct modtool_list *list)
{
	struct modtool_module *mod;
	char path[PATH_MAX];
	int r, err;

	r = module_path(ctx, name, path, sizeof(path));
	if (r < 0)
		return r;
	err = mt_module_new(ctx, name, r ? path : NULL, !r && is_builtin(ctx, name), &mod);
	if (err < 0)
		return err;
	err = list_add(list, mod);
	if (err < 0)
		modtool_module_unref(mod);
	return err;
}

static int lookup_moddep(struct modtool_ctx *ctx, const char *name, struct modtool_list *list)
{
	struct mt_index *idx = mt_ctx_index(ctx, MT_INDEX_DEP);
	struct mt_index_value v;
	int r;

	if (!idx)
		return 0;
	r = mt_index_lookup(idx, name, &v);
	if (r <= 0)
		return r;
	return add_module_by_name(ctx, name, list);
}

static int lookup_builtin(struct modtool_ctx *ctx, const char *name, struct modtool_list *list)
{
	struct modtool_module *mod;
	int err;

	if (!is_builtin(ctx, name))
		return 0;
	err = mt_module_new(ctx, name, NULL, true, &mod);
	if (err < 0)
		return err;
	err = list_add(list, mod);
	if (err < 0)
		modtool_module_unref(mod);
	return err;
}

/* Every module an alias index maps @name to, in kmod's order. */
static int lookup_alias_index(struct modtool_ctx *ctx, enum mt_index_id id, const char *name,
			      struct modtool_list *list)
{
	struct mt_index *idx = mt_ctx_index(ctx, id);
	struct mt_index_value *values;
	int n, err = 0;

	if (!idx)
		return 0;
	n = mt_index_lookup_wild(idx, name, &values);
	if (n < 0)
		return n;
	for (int i = 0; i < n && err == 0; i++)
		err = add_module_by_name(ctx, values[i].value, list);
	free(values);
	return err;
}

static int lookup_symbol(struct modtool_ctx *ctx, const char *name, struct modtool_list *list)
{
	if (strncmp(name, "symbol:", 7) != 0)
		return 0;
	return lookup_alias_index(ctx, MT_INDEX_SYMBOLS, name, list);
}

static int lookup_alias(struct modtool_ctx *ctx, const char *name, struct modtool_list *list)
{
	return lookup_alias_index(ctx, MT_INDEX_ALIAS, name, list);
}

static int lookup_builtin_alias(struct modtool_ctx *ctx, const char *name,
				struct modtool_list *list)
{
	return lookup_alias_index(ctx, MT_INDEX_BUILTIN_ALIAS, name, list);
}

typedef int (*lookup_fn)(struct modtool_ctx *ctx, const char *name, struct modtool_list *list);

static const lookup_fn lookup_any[] = {
	lookup_moddep, lookup_symbol, lookup_alias, lookup_builtin, lookup_builtin_alias,
};
static const lookup_fn lookup_name_only[] = {
	lookup_moddep, lookup_builtin,
};

MT_EXPORT int modtool_module_lookup(struct modtool_ctx *ctx, const char *name, unsigned int flags,
				    struct modtool_list **listp)
{
	bool name_only = flags & MODTOOL_LOOKUP_NAME_ONLY;
	const lookup_fn *fns = name_only ? lookup_name_only : lookup_any;
	size_t nfns = name_only ? sizeof(lookup_name_only) / sizeof(lookup_name_only[0])
				: sizeof(lookup_any) / sizeof(lookup_any[0]);
	struct modtool_list *list;
	char key[PATH_MAX];
	int err;

	if (!ctx || !name || !listp)
		return -EINVAL;
	err = name_only ? mt_modname_normalize(name, key, sizeof(key))
			: alias_normalize(name, key, sizeof(key));
	if (err < 0)
		return err;
	list = calloc(1, sizeof(*list));
	if (!list)
		return -ENOMEM;
	for (size_t i = 0; i < nfns && list->count == 0; i++) {
		err = fns[i](ctx, key, list);
		if (err < 0) {
			modtool_list_free(list);
			return err;
		}
	}
	*listp = list;
	return list->count;
}

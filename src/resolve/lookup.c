// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Finding modules by name or alias, in kmod's order: configuration aliases
 * (when the context has read a configuration), modules.dep, symbols,
 * install/remove commands, modules.alias patterns, built-in modules, their
 * aliases.  The first source that knows the name answers.
 */
#include <limits.h>
#include <stdio.h>

#include "base/internal.h"
#include "config/config.h"
#include "index/index.h"
#include "module/module.h"
#include "resolve/lookup.h"

struct list_entry {
	struct modtool_module *mod;
	char *alias;		/* the alias it was found by, or NULL */
	int config_index;	/* the alias line that gave it, or -1 */
};

struct modtool_list {
	struct modtool_ctx *ctx;
	struct list_entry *v;	/* first[] until it overflows: most lists hold a module or two */
	size_t count;
	size_t capacity;
	int source;
	struct list_entry first[4];
};

int mt_list_new(struct modtool_ctx *ctx, struct modtool_list **listp)
{
	struct modtool_list *list = calloc(1, sizeof(*list));

	if (!list)
		return -ENOMEM;
	list->ctx = ctx;
	list->v = list->first;
	list->capacity = sizeof(list->first) / sizeof(list->first[0]);
	*listp = list;
	return 0;
}

struct modtool_ctx *mt_list_ctx(const struct modtool_list *list)
{
	return list->ctx;
}

/* Take @mod (its reference moves to the list) found by @alias (copied). */
int mt_list_add(struct modtool_list *list, struct modtool_module *mod, const char *alias,
		int config_index)
{
	char *a = NULL;

	if (list->count == list->capacity) {
		size_t cap = list->capacity * 2;
		struct list_entry *v = list->v == list->first ? malloc(cap * sizeof(*v))
				       : reallocarray(list->v, cap, sizeof(*v));

		if (!v)
			goto nomem;
		if (list->v == list->first)
			memcpy(v, list->first, sizeof(list->first));
		list->v = v;
		list->capacity = cap;
	}
	if (alias && !(a = strdup(alias)))
		goto nomem;
	list->v[list->count++] = (struct list_entry){ mod, a, config_index };
	return 0;
nomem:
	modtool_module_unref(mod);
	return -ENOMEM;
}

MT_EXPORT int modtool_list_new(struct modtool_ctx *ctx, struct modtool_list **list)
{
	if (!ctx || !list)
		return -EINVAL;
	return mt_list_new(ctx, list);
}

MT_EXPORT int modtool_list_append(struct modtool_list *list, struct modtool_module *mod,
				  const char *alias)
{
	if (!list || !mod)
		return -EINVAL;
	return mt_list_add(list, modtool_module_ref(mod), alias, -1);
}

MT_EXPORT size_t modtool_list_count(const struct modtool_list *list)
{
	return list ? list->count : 0;
}

MT_EXPORT struct modtool_module *modtool_list_get(const struct modtool_list *list, size_t i)
{
	return list && i < list->count ? list->v[i].mod : NULL;
}

MT_EXPORT const char *modtool_list_get_alias(const struct modtool_list *list, size_t i)
{
	return list && i < list->count ? list->v[i].alias : NULL;
}

MT_EXPORT int modtool_list_get_config_index(const struct modtool_list *list, size_t i)
{
	if (!list || i >= list->count || list->v[i].config_index < 0)
		return -ENOENT;
	return list->v[i].config_index;
}

MT_EXPORT int modtool_list_get_source(const struct modtool_list *list)
{
	return list ? list->source : MODTOOL_SOURCE_NONE;
}

MT_EXPORT void modtool_list_free(struct modtool_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++) {
		modtool_module_unref(list->v[i].mod);
		free(list->v[i].alias);
	}
	if (list->v != list->first)
		free(list->v);
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

int mt_moddep_line(struct modtool_ctx *ctx, const char *name, struct mt_index_value *v)
{
	struct mt_index *idx = mt_ctx_index(ctx, MT_INDEX_DEP);
	int r;

	if (!idx)
		return 0;
	r = mt_index_lookup(idx, name, v);
	if (r <= 0)
		return r;
	return strchr(v->value, ':') ? 1 : 0;
}

int mt_module_path_join(struct modtool_ctx *ctx, const char *rel, size_t len, char *path,
			size_t pathsize)
{
	size_t dl = rel[0] == '/' ? 0 : strlen(ctx->module_dir);

	/* memcpy, not snprintf: this runs for every module of a plan */
	if (dl + 1 + len + 1 > pathsize)
		return -ENAMETOOLONG;
	if (dl) {
		memcpy(path, ctx->module_dir, dl);
		path[dl++] = '/';
	}
	memcpy(path + dl, rel, len);
	path[dl + len] = '\0';
	return 0;
}

/* The file of module @name from modules.dep.bin ("relpath: deps"): 1, or 0. */
static int module_path(struct modtool_ctx *ctx, const char *name, char *path, size_t pathsize)
{
	struct mt_index_value v;
	int r = mt_moddep_line(ctx, name, &v);

	if (r <= 0)
		return r;
	r = mt_module_path_join(ctx, v.value, strchr(v.value, ':') - v.value, path, pathsize);
	return r < 0 ? r : 1;
}

bool mt_is_builtin(struct modtool_ctx *ctx, const char *name)
{
	struct mt_index *idx = mt_ctx_index(ctx, MT_INDEX_BUILTIN);
	struct mt_index_value v;

	return idx && mt_index_lookup(idx, name, &v) == 1;
}

int mt_module_by_name(struct modtool_ctx *ctx, const char *name, struct modtool_module **mod)
{
	char path[PATH_MAX];
	int r;

	r = module_path(ctx, name, path, sizeof(path));
	if (r < 0)
		return r;
	return mt_module_new(ctx, name, r ? path : NULL, !r && mt_is_builtin(ctx, name), mod);
}

MT_EXPORT int modtool_module_new_from_name(struct modtool_ctx *ctx, const char *name,
					   struct modtool_module **mod)
{
	if (!ctx || !name || !mod)
		return -EINVAL;
	return mt_module_by_name(ctx, name, mod);
}

/* A module known by @name: its file from modules.dep, else maybe built in. */
static int add_module_by_name(struct modtool_ctx *ctx, const char *name, const char *alias,
			      int config_index, struct modtool_list *list)
{
	struct modtool_module *mod;
	int err = mt_module_by_name(ctx, name, &mod);

	if (err < 0)
		return err;
	return mt_list_add(list, mod, alias, config_index);
}

static int lookup_config_alias(struct modtool_ctx *ctx, const char *name,
			       struct modtool_list *list)
{
	size_t n;
	const struct mt_config_entry *e = mt_config_entries(ctx->config, MODTOOL_CONFIG_ALIAS, &n);
	int err = 0;

	for (size_t i = 0; i < n && err == 0; i++)
		if (mt_config_entry_matches(&e[i], name))
			err = add_module_by_name(ctx, e[i].value, e[i].key, (int)i, list);
	return err;
}

static int lookup_moddep(struct modtool_ctx *ctx, const char *name, struct modtool_list *list)
{
	struct mt_index_value v;
	int r = mt_moddep_line(ctx, name, &v);

	if (r <= 0)
		return r;
	return add_module_by_name(ctx, name, NULL, -1, list);
}

static int lookup_builtin(struct modtool_ctx *ctx, const char *name, struct modtool_list *list)
{
	struct modtool_module *mod;
	int err;

	if (!mt_is_builtin(ctx, name))
		return 0;
	err = mt_module_new(ctx, name, NULL, true, &mod);
	if (err < 0)
		return err;
	return mt_list_add(list, mod, NULL, -1);
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
	for (int i = 0; i < n && err == 0; i++) {
		struct modtool_module *mod;
		char path[PATH_MAX];
		int r;

		if (id != MT_INDEX_BUILTIN_ALIAS) {
			err = add_module_by_name(ctx, values[i].value, name, -1, list);
			continue;
		}
		/* what the kernel's own alias list names is built in, even when
		 * modules.builtin does not list it (tracefs, debugfs, ...) */
		r = module_path(ctx, values[i].value, path, sizeof(path));
		err = r < 0 ? r : mt_module_new(ctx, values[i].value, r ? path : NULL, !r, &mod);
		if (err == 0)
			err = mt_list_add(list, mod, name, -1);
	}
	free(values);
	return err;
}

static int lookup_symbol(struct modtool_ctx *ctx, const char *name, struct modtool_list *list)
{
	if (strncmp(name, "symbol:", 7) != 0)
		return 0;
	return lookup_alias_index(ctx, MT_INDEX_SYMBOLS, name, list);
}

/* A name that only an install (else a remove) line knows: the first such line. */
static int lookup_commands(struct modtool_ctx *ctx, const char *name, struct modtool_list *list)
{
	static const enum modtool_config_kind kinds[] = { MODTOOL_CONFIG_INSTALL,
							   MODTOOL_CONFIG_REMOVE };

	for (size_t k = 0; k < 2; k++) {
		size_t n;
		const struct mt_config_entry *e = mt_config_entries(ctx->config, kinds[k], &n);

		for (size_t i = 0; i < n; i++)
			if (mt_streq(e[i].key, name))
				return add_module_by_name(ctx, name, NULL, -1, list);
	}
	return 0;
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

struct lookup_step {
	lookup_fn fn;
	int source;
};

static const struct lookup_step lookup_any[] = {
	{ lookup_config_alias, MODTOOL_SOURCE_CONFIG_ALIAS },
	{ lookup_moddep, MODTOOL_SOURCE_MODULES_DEP },
	{ lookup_symbol, MODTOOL_SOURCE_SYMBOLS },
	{ lookup_commands, MODTOOL_SOURCE_COMMANDS },
	{ lookup_alias, MODTOOL_SOURCE_ALIASES },
	{ lookup_builtin, MODTOOL_SOURCE_BUILTIN },
	{ lookup_builtin_alias, MODTOOL_SOURCE_BUILTIN_ALIASES },
};
static const struct lookup_step lookup_name_only[] = {
	{ lookup_moddep, MODTOOL_SOURCE_MODULES_DEP },
	{ lookup_builtin, MODTOOL_SOURCE_BUILTIN },
	{ lookup_builtin_alias, MODTOOL_SOURCE_BUILTIN_ALIASES },
};

/* A module name as kmod reads one: '-' is '_', and ".ko..." is dropped. */
static int modname_from_arg(const char *arg, char *out, size_t outsize)
{
	int err = mt_modname_normalize(arg, out, outsize);
	char *dot = err < 0 ? NULL : strchr(out, '.');

	if (dot)
		*dot = '\0';
	return err;
}

MT_EXPORT int modtool_module_lookup(struct modtool_ctx *ctx, const char *name, unsigned int flags,
				    struct modtool_list **listp)
{
	bool name_only = flags & MODTOOL_LOOKUP_NAME_ONLY;
	const struct lookup_step *steps = name_only ? lookup_name_only : lookup_any;
	size_t nsteps = name_only ? sizeof(lookup_name_only) / sizeof(lookup_name_only[0])
				  : sizeof(lookup_any) / sizeof(lookup_any[0]);
	struct modtool_list *list;
	char key[PATH_MAX];
	int err;

	if (!ctx || !name || !listp)
		return -EINVAL;
	err = name_only ? modname_from_arg(name, key, sizeof(key))
			: alias_normalize(name, key, sizeof(key));
	if (err < 0)
		return err;
	err = mt_list_new(ctx, &list);
	if (err < 0)
		return err;
	for (size_t i = 0; i < nsteps && list->count == 0; i++) {
		err = steps[i].fn(ctx, key, list);
		if (err < 0) {
			modtool_list_free(list);
			return err;
		}
		if (list->count)
			list->source = steps[i].source;
	}
	*listp = list;
	return list->count;
}

struct dump {
	modtool_index_fn fn;
	void *data;
};

static int dump_value(void *data, const char *key, const struct mt_index_value *value)
{
	struct dump *d = data;

	return d->fn(d->data, key, value->value);
}

MT_EXPORT int modtool_index_foreach(struct modtool_ctx *ctx, enum modtool_index_kind kind,
				    modtool_index_fn fn, void *data)
{
	static const enum mt_index_id ids[] = {
		[MODTOOL_INDEX_ALIASES] = MT_INDEX_ALIAS,
		[MODTOOL_INDEX_SYMBOLS] = MT_INDEX_SYMBOLS,
		[MODTOOL_INDEX_DEP] = MT_INDEX_DEP,
		[MODTOOL_INDEX_BUILTIN] = MT_INDEX_BUILTIN,
		[MODTOOL_INDEX_BUILTIN_ALIASES] = MT_INDEX_BUILTIN_ALIAS,
	};
	struct dump d = { fn, data };
	struct mt_index *idx;

	if (!ctx || !fn || (unsigned int)kind >= sizeof(ids) / sizeof(ids[0]))
		return -EINVAL;
	idx = mt_ctx_index(ctx, ids[kind]);
	if (!idx)
		return 0;
	return mt_index_foreach(idx, dump_value, &d);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What a module's file says, as lists of kmod's: .modinfo with the
 * signature's fields, the __versions table, the exported symbols, and the
 * symbols it needs with their binding.  The engine reads the file; each
 * entry here is a copy that lives as long as its list.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libkmod/internal.h"

struct info_entry {
	char *value;
	char key[];
};

struct symbol_entry {
	uint64_t crc;
	int bind;
	char name[];
};

static int append(struct kmod_list **list, void *data)
{
	struct kmod_list *l;

	if (!data)
		return -ENOMEM;
	l = mt_kmod_list_append(*list, data);
	if (!l) {
		free(data);
		return -ENOMEM;
	}
	*list = l;
	return 0;
}

static struct info_entry *info_entry_new(const char *key, const char *value)
{
	size_t kl = strlen(key) + 1, vl = strlen(value) + 1;
	struct info_entry *e = malloc(sizeof(*e) + kl + vl);

	if (!e)
		return NULL;
	memcpy(e->key, key, kl);
	e->value = memcpy(e->key + kl, value, vl);
	return e;
}

/* The engine's module behind @mod for a call that fills *@list, which must be empty. */
static int engine_module(const struct kmod_module *mod, struct kmod_list **list,
			 struct modtool_module **mt)
{
	if (!mod || !list)
		return -ENOENT;
	if (*list)
		return -EINVAL;
	*mt = mt_kmod_module_engine((struct kmod_module *)mod);
	return *mt ? 0 : -ENOMEM;
}

KMOD_EXPORT int kmod_module_get_info(const struct kmod_module *mod, struct kmod_list **list)
{
	struct modtool_module *mt;
	struct modtool_info *info;
	size_t n;
	int err;

	err = engine_module(mod, list, &mt);
	if (err < 0)
		return err;
	if (!modtool_module_get_path(mt) && !mt_kmod_module_is_builtin((struct kmod_module *)mod))
		return -ENOENT;
	err = modtool_module_get_info(mt, MODTOOL_INFO_SIGNATURE, &info);
	if (err < 0)
		return err;
	n = modtool_info_count(info);
	for (size_t i = 0; i < n && err == 0; i++)
		err = append(list, info_entry_new(modtool_info_get_key(info, i),
						  modtool_info_get_value(info, i)));
	modtool_info_free(info);
	if (err < 0) {
		kmod_module_info_free_list(*list);
		*list = NULL;
		return err;
	}
	return (int)n;
}

KMOD_EXPORT const char *kmod_module_info_get_key(const struct kmod_list *entry)
{
	return entry ? ((const struct info_entry *)entry->data)->key : NULL;
}

KMOD_EXPORT const char *kmod_module_info_get_value(const struct kmod_list *entry)
{
	return entry ? ((const struct info_entry *)entry->data)->value : NULL;
}

KMOD_EXPORT void kmod_module_info_free_list(struct kmod_list *list)
{
	mt_kmod_list_free(list, free);
}

/* ---- symbols ------------------------------------------------------------- */

typedef int (*symbols_fn)(struct modtool_module *mod, struct modtool_symbols **list);

/* The list @get reads, as kmod entries: their number, or a negative errno. */
static int symbols_list(const struct kmod_module *mod, symbols_fn get, struct kmod_list **list)
{
	struct modtool_symbols *syms;
	struct modtool_module *mt;
	size_t n;
	int err;

	err = engine_module(mod, list, &mt);
	if (err < 0)
		return err;
	err = get(mt, &syms);
	if (err < 0)
		return err;
	n = modtool_symbols_count(syms);
	for (size_t i = 0; i < n && err >= 0; i++) {
		const char *name = modtool_symbols_get_name(syms, i);
		size_t len = strlen(name) + 1;
		struct symbol_entry *e = malloc(sizeof(*e) + len);

		if (e) {
			e->crc = modtool_symbols_get_crc(syms, i);
			e->bind = modtool_symbols_get_bind(syms, i);
			memcpy(e->name, name, len);
		}
		err = append(list, e);
	}
	modtool_symbols_free(syms);
	if (err < 0) {
		mt_kmod_list_free(*list, free);
		*list = NULL;
		return err;
	}
	return (int)n;
}

static const struct symbol_entry *symbol_of(const struct kmod_list *entry)
{
	return entry ? entry->data : NULL;
}

KMOD_EXPORT int kmod_module_get_versions(const struct kmod_module *mod, struct kmod_list **list)
{
	return symbols_list(mod, modtool_module_get_versions, list);
}

KMOD_EXPORT const char *kmod_module_version_get_symbol(const struct kmod_list *entry)
{
	return entry ? symbol_of(entry)->name : NULL;
}

KMOD_EXPORT uint64_t kmod_module_version_get_crc(const struct kmod_list *entry)
{
	return entry ? symbol_of(entry)->crc : 0;
}

KMOD_EXPORT void kmod_module_versions_free_list(struct kmod_list *list)
{
	mt_kmod_list_free(list, free);
}

KMOD_EXPORT int kmod_module_get_symbols(const struct kmod_module *mod, struct kmod_list **list)
{
	return symbols_list(mod, modtool_module_get_exports, list);
}

/* The same entries as the versions': the same getters under kmod's other names. */
KMOD_EXPORT const char *kmod_module_symbol_get_symbol(const struct kmod_list *entry)
	__attribute__((alias("kmod_module_version_get_symbol")));
KMOD_EXPORT uint64_t kmod_module_symbol_get_crc(const struct kmod_list *entry)
	__attribute__((alias("kmod_module_version_get_crc")));
KMOD_EXPORT void kmod_module_symbols_free_list(struct kmod_list *list)
	__attribute__((alias("kmod_module_versions_free_list")));

KMOD_EXPORT int kmod_module_get_dependency_symbols(const struct kmod_module *mod,
						   struct kmod_list **list)
{
	return symbols_list(mod, modtool_module_get_dependency_symbols, list);
}

KMOD_EXPORT const char *kmod_module_dependency_symbol_get_symbol(const struct kmod_list *entry)
	__attribute__((alias("kmod_module_version_get_symbol")));

KMOD_EXPORT int kmod_module_dependency_symbol_get_bind(const struct kmod_list *entry)
{
	return entry ? symbol_of(entry)->bind : 0;
}

KMOD_EXPORT uint64_t kmod_module_dependency_symbol_get_crc(const struct kmod_list *entry)
	__attribute__((alias("kmod_module_version_get_crc")));
KMOD_EXPORT void kmod_module_dependency_symbols_free_list(struct kmod_list *list)
	__attribute__((alias("kmod_module_versions_free_list")));

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The module in the running kernel: inserting and removing it, its state,
 * references, holders, size and sections, and the list of what is loaded.
 * The engine's kernel/ makes the syscalls and reads /proc and /sys.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libkmod/internal.h"

KMOD_EXPORT int kmod_module_insert_module(struct kmod_module *mod, unsigned int flags,
					  const char *options)
{
	unsigned int mflags = 0;
	struct modtool_module *mt;

	if (!mod)
		return -ENOENT;
	mt = mt_kmod_module_engine(mod);
	if (!mt)
		return -ENOMEM;
	if (!modtool_module_get_path(mt)) {
		mt_kmod_err(mod->ctx, "could not find module by name='%s'\n", mod->name);
		return -ENOENT;
	}
	if (flags & KMOD_INSERT_FORCE_VERMAGIC)
		mflags |= MODTOOL_LOAD_FORCE_VERMAGIC;
	if (flags & KMOD_INSERT_FORCE_MODVERSION)
		mflags |= MODTOOL_LOAD_FORCE_MODVERSION;
	return modtool_module_insert(mt, options ? options : "", mflags);
}

KMOD_EXPORT int kmod_module_remove_module(struct kmod_module *mod, unsigned int flags)
{
	int err;

	if (!mod)
		return -ENOENT;
	/* O_NONBLOCK always: the kernel has not waited for a busy module since 3.13 */
	err = modtool_module_remove(mod->ctx->mt, mod->name,
				    flags & KMOD_REMOVE_FORCE ? MODTOOL_REMOVE_FORCE : 0);
	if (err < 0 && !(flags & KMOD_REMOVE_NOLOG))
		mt_kmod_err(mod->ctx, "could not remove '%s': %s\n", mod->name, strerror(-err));
	return err;
}

KMOD_EXPORT const char *kmod_module_initstate_str(enum kmod_module_initstate state)
{
	switch (state) {
	case KMOD_MODULE_BUILTIN:
		return "builtin";
	case KMOD_MODULE_LIVE:
		return "live";
	case KMOD_MODULE_COMING:
		return "coming";
	case KMOD_MODULE_GOING:
		return "going";
	default:
		return NULL;
	}
}

KMOD_EXPORT int kmod_module_get_initstate(const struct kmod_module *mod)
{
	if (!mod)
		return -ENOENT;
	if (mt_kmod_module_is_builtin((struct kmod_module *)mod))
		return KMOD_MODULE_BUILTIN;
	switch (modtool_module_get_state(mod->ctx->mt, mod->name)) {
	case MODTOOL_STATE_BUILTIN:
		return KMOD_MODULE_BUILTIN;
	case MODTOOL_STATE_LIVE:
		return KMOD_MODULE_LIVE;
	case MODTOOL_STATE_COMING:
		return KMOD_MODULE_COMING;
	case MODTOOL_STATE_GOING:
		return KMOD_MODULE_GOING;
	case MODTOOL_STATE_NOT_LOADED:
		return -ENOENT;
	default:
		return modtool_module_get_state(mod->ctx->mt, mod->name);
	}
}

KMOD_EXPORT int kmod_module_get_refcnt(const struct kmod_module *mod)
{
	return mod ? modtool_module_get_refcount(mod->ctx->mt, mod->name) : -ENOENT;
}

KMOD_EXPORT long kmod_module_get_size(const struct kmod_module *mod)
{
	return mod ? modtool_module_get_size(mod->ctx->mt, mod->name) : -ENOENT;
}

/* The module objects of the names in @names ("a,b"), appended to *@list. */
static int modules_of_names(struct kmod_ctx *ctx, char *names, struct kmod_list **list)
{
	char *save = NULL;

	for (char *n = strtok_r(names, ",", &save); n; n = strtok_r(NULL, ",", &save)) {
		struct kmod_module *mod;
		struct kmod_list *l;
		int err = kmod_module_new_from_name(ctx, n, &mod);

		if (err < 0)
			return err;
		l = mt_kmod_list_append(*list, mod);
		if (!l) {
			kmod_module_unref(mod);
			return -ENOMEM;
		}
		*list = l;
	}
	return 0;
}

KMOD_EXPORT struct kmod_list *kmod_module_get_holders(const struct kmod_module *mod)
{
	struct kmod_list *list = NULL;
	char *names;
	int err;

	if (!mod)
		return NULL;
	err = modtool_module_get_holders(mod->ctx->mt, mod->name, &names);
	if (err < 0) {
		mt_kmod_err(mod->ctx, "could not open '/sys/module/%s/holders': %s\n", mod->name,
			    strerror(-err));
		return NULL;
	}
	err = modules_of_names(mod->ctx, names, &list);
	free(names);
	if (err < 0) {
		kmod_module_unref_list(list);
		return NULL;
	}
	return list;
}

KMOD_EXPORT int kmod_module_new_from_loaded(struct kmod_ctx *ctx, struct kmod_list **list)
{
	struct modtool_loaded *loaded;
	struct kmod_list *l = NULL;
	int err;

	if (!ctx || !list)
		return -ENOENT;
	err = modtool_loaded_list(ctx->mt, &loaded);
	if (err < 0) {
		mt_kmod_err(ctx, "could not open /proc/modules: %s\n", strerror(-err));
		return err;
	}
	for (size_t i = 0; i < modtool_loaded_count(loaded) && err >= 0; i++) {
		struct kmod_module *mod;
		struct kmod_list *n;

		err = kmod_module_new_from_name(ctx, modtool_loaded_get_name(loaded, i), &mod);
		if (err < 0)
			break;
		n = mt_kmod_list_append(l, mod);
		if (!n) {
			kmod_module_unref(mod);
			err = -ENOMEM;
			break;
		}
		l = n;
	}
	modtool_loaded_free(loaded);
	if (err < 0) {
		kmod_module_unref_list(l);
		return err;
	}
	*list = l;
	return 0;
}

/* ---- sections ------------------------------------------------------------- */

struct section_entry {
	unsigned long address;
	char name[];
};

KMOD_EXPORT struct kmod_list *kmod_module_get_sections(const struct kmod_module *mod)
{
	struct modtool_sections *s;
	struct kmod_list *list = NULL;
	int err;

	if (!mod)
		return NULL;
	err = modtool_module_get_sections(mod->ctx->mt, mod->name, &s);
	if (err < 0) {
		mt_kmod_err(mod->ctx, "could not open '/sys/module/%s/sections': %s\n", mod->name,
			    strerror(-err));
		return NULL;
	}
	for (size_t i = 0; i < modtool_sections_count(s); i++) {
		const char *name = modtool_sections_get_name(s, i);
		size_t len = strlen(name) + 1;
		struct section_entry *e = malloc(sizeof(*e) + len);
		struct kmod_list *n = e ? mt_kmod_list_append(list, e) : NULL;

		if (!n) {
			free(e);
			mt_kmod_list_free(list, free);
			list = NULL;
			break;
		}
		e->address = modtool_sections_get_address(s, i);
		memcpy(e->name, name, len);
		list = n;
	}
	modtool_sections_free(s);
	return list;
}

KMOD_EXPORT const char *kmod_module_section_get_name(const struct kmod_list *entry)
{
	return entry ? ((const struct section_entry *)entry->data)->name : NULL;
}

KMOD_EXPORT unsigned long kmod_module_section_get_address(const struct kmod_list *entry)
{
	/* kmod's value for "no entry" */
	return entry ? ((const struct section_entry *)entry->data)->address : (unsigned long)-1;
}

KMOD_EXPORT void kmod_module_section_free_list(struct kmod_list *list)
{
	mt_kmod_list_free(list, free);
}

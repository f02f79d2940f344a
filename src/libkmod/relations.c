// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Finding modules and what goes with them: lookups by name or alias, the
 * dependencies from modules.dep, soft and weak dependencies, options and
 * commands from the configuration, the blacklist and built-in filters.
 * The engine answers each; here its answers become kmod objects.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libkmod/internal.h"

KMOD_EXPORT int kmod_module_new_from_lookup(struct kmod_ctx *ctx, const char *given_alias,
					    struct kmod_list **list)
{
	struct modtool_list *found = NULL;
	int err;

	if (!ctx || !given_alias)
		return -ENOENT;
	if (!list || *list) {
		mt_kmod_err(ctx, "An empty list is needed to create lookup\n");
		return -ENOSYS;
	}
	err = modtool_module_lookup(ctx->mt, given_alias, 0, &found);
	if (err > 0)
		err = mt_kmod_list_from_engine(ctx, found, list);
	modtool_list_free(found);
	if (err < 0) {
		kmod_module_unref_list(*list);
		*list = NULL;
		return err;
	}
	return 0;
}

KMOD_EXPORT struct kmod_list *kmod_module_get_dependencies(const struct kmod_module *mod)
{
	struct modtool_list *deps = NULL;
	struct kmod_list *list = NULL;
	int err;

	if (!mod)
		return NULL;
	err = modtool_resolve_dependencies(mod->ctx->mt, mod->name, &deps);
	if (err > 0)
		err = mt_kmod_list_from_engine(mod->ctx, deps, &list);
	modtool_list_free(deps);
	if (err < 0) {
		mt_kmod_err(mod->ctx, "could not get dependencies of '%s': %s\n", mod->name,
			    strerror(-err));
		kmod_module_unref_list(list);
		return NULL;
	}
	return list;
}

/* The kmod objects of engine list @found (taken), appended to a NULL *@out. */
static int take_list(struct kmod_ctx *ctx, struct modtool_list *found, struct kmod_list **out)
{
	int err = mt_kmod_list_from_engine(ctx, found, out);

	modtool_list_free(found);
	if (err < 0) {
		kmod_module_unref_list(*out);
		*out = NULL;
	}
	return err;
}

KMOD_EXPORT int kmod_module_get_softdeps(const struct kmod_module *mod, struct kmod_list **pre,
					 struct kmod_list **post)
{
	struct modtool_list *mpre, *mpost;
	int err;

	if (!mod || !pre || !post)
		return -ENOENT;
	if (*pre || *post)
		return -EINVAL;
	err = modtool_resolve_softdeps(mod->ctx->mt, mod->name, &mpre, &mpost);
	if (err < 0)
		return err;
	err = take_list(mod->ctx, mpre, pre);
	if (err == 0)
		err = take_list(mod->ctx, mpost, post);
	else
		modtool_list_free(mpost);
	if (err < 0) {
		kmod_module_unref_list(*pre);
		*pre = NULL;
	}
	return err;
}

KMOD_EXPORT int kmod_module_get_weakdeps(const struct kmod_module *mod, struct kmod_list **weak)
{
	struct modtool_list *found;
	int err;

	if (!mod || !weak)
		return -ENOENT;
	if (*weak)
		return -EINVAL;
	err = modtool_resolve_weakdeps(mod->ctx->mt, mod->name, &found);
	if (err < 0)
		return err;
	return take_list(mod->ctx, found, weak);
}

KMOD_EXPORT int kmod_module_apply_filter(const struct kmod_ctx *ctx, enum kmod_filter filter_type,
					 const struct kmod_list *input, struct kmod_list **output)
{
	const struct kmod_list *l;

	if (!ctx || !output)
		return -ENOENT;
	*output = NULL;
	kmod_list_foreach(l, input) {
		struct kmod_module *mod = l->data;
		struct kmod_list *n;

		if ((filter_type & KMOD_FILTER_BLACKLIST) &&
		    modtool_resolve_is_blacklisted(ctx->mt, mod->name))
			continue;
		if ((filter_type & KMOD_FILTER_BUILTIN) && mt_kmod_module_is_builtin(mod))
			continue;
		n = mt_kmod_list_append(*output, kmod_module_ref(mod));
		if (!n) {
			kmod_module_unref(mod);
			kmod_module_unref_list(*output);
			*output = NULL;
			return -ENOMEM;
		}
		*output = n;
	}
	return 0;
}

KMOD_EXPORT int kmod_module_get_filtered_blacklist(const struct kmod_ctx *ctx,
						   const struct kmod_list *input,
						   struct kmod_list **output)
{
	return kmod_module_apply_filter(ctx, KMOD_FILTER_BLACKLIST, input, output);
}

KMOD_EXPORT const char *kmod_module_get_options(const struct kmod_module *cmod)
{
	struct kmod_module *mod = (struct kmod_module *)cmod;

	if (!mod)
		return NULL;
	/* made once and kept: callers hold the string as long as the module */
	if (!mod->options_read &&
	    modtool_resolve_options(mod->ctx->mt, mod->name, mod->alias, &mod->options) == 0)
		mod->options_read = true;
	return mod->options;
}

KMOD_EXPORT const char *kmod_module_get_install_commands(const struct kmod_module *mod)
{
	return mod ? modtool_resolve_command(mod->ctx->mt, mod->name, false) : NULL;
}

KMOD_EXPORT const char *kmod_module_get_remove_commands(const struct kmod_module *mod)
{
	return mod ? modtool_resolve_command(mod->ctx->mt, mod->name, true) : NULL;
}

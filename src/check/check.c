// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What to check: a module by path or by name (resolved as modprobe
 * resolves it) with each module it depends on, dependencies first as
 * modprobe would load them (every module of the tree: check-tree.c).
 */
#include <stdio.h>
#include <unistd.h>

#include "base/internal.h"
#include "check/check.h"
#include "module/tree.h"

static bool is_path(const char *module)
{
	return strchr(module, '/') || mt_is_module_file_name(module, strlen(module));
}

static bool listed(const struct modtool_check_result *res, const char *name)
{
	for (size_t i = 0; i < res->n; i++)
		if (mt_streq(res->mods[i].name, name))
			return true;
	return false;
}

static int check_one(struct modtool_check *chk, struct modtool_check_result *res,
		     struct modtool_module *mod, bool target)
{
	struct mt_checked *m = mt_result_add(res, modtool_module_get_name(mod),
					     modtool_module_get_path(mod), target);

	return m ? mt_check_module(chk, mod, m) : -ENOMEM;
}

/* modules.dep's dependencies of @name, in load order, each once. */
static int check_dependencies_of(struct modtool_check *chk, struct modtool_check_result *res,
				 const char *name)
{
	struct modtool_list *deps = NULL;
	int err = modtool_resolve_dependencies(chk->ctx, name, &deps);

	for (size_t i = 0; err >= 0 && i < modtool_list_count(deps); i++) {
		struct modtool_module *dep = modtool_list_get(deps, i);

		if (!listed(res, modtool_module_get_name(dep)))
			err = check_one(chk, res, dep, false);
	}
	modtool_list_free(deps);
	return err < 0 ? err : 0;
}

/* A file's dependencies are those its .modinfo names, and theirs, from the tree. */
static int check_file_dependencies(struct modtool_check *chk, struct modtool_check_result *res,
				   struct modtool_module *mod)
{
	struct modtool_info *info = NULL;
	int err = 0;

	if (modtool_module_get_info(mod, 0, &info) < 0)
		return 0;	/* the module's own check says why */
	for (size_t i = 0; err == 0 && i < modtool_info_count(info); i++) {
		const char *v = modtool_info_get_value(info, i);

		if (!mt_streq(modtool_info_get_key(info, i), "depends"))
			continue;
		while (*v && err == 0) {
			size_t len = strcspn(v, ",");
			char name[256];
			struct modtool_list *list = NULL;

			if (len && len < sizeof(name)) {
				memcpy(name, v, len);
				name[len] = '\0';
				err = check_dependencies_of(chk, res, name);
				if (err == 0 && !listed(res, name) &&
				    modtool_module_lookup(chk->ctx, name, MODTOOL_LOOKUP_NAME_ONLY,
							  &list) > 0)
					err = check_one(chk, res, modtool_list_get(list, 0), false);
				modtool_list_free(list);
			}
			v += len + (v[len] == ',');
		}
	}
	modtool_info_free(info);
	return err;
}

/*
 * Every module a name or alias resolves to, each after its dependencies:
 * modprobe tries each candidate of an alias in turn (a device alias often
 * matches several drivers), so each is a target of the check.
 */
static int check_candidates(struct modtool_check *chk, struct modtool_check_result *res,
			    struct modtool_list *list)
{
	int err = 0;

	for (size_t i = 0; err >= 0 && i < modtool_list_count(list); i++) {
		struct modtool_module *cand = modtool_list_get(list, i);
		const char *name = modtool_module_get_name(cand);

		if (listed(res, name))
			continue;
		err = check_dependencies_of(chk, res, name);
		if (err >= 0)
			err = check_one(chk, res, cand, true);
	}
	return err;
}

MT_EXPORT int modtool_check_module(struct modtool_check *chk, const char *module,
				   struct modtool_check_result **out)
{
	struct modtool_check_result *res;
	struct modtool_module *mod = NULL;
	struct modtool_list *list = NULL;
	int err;

	if (!chk || !module || !out)
		return -EINVAL;
	err = mt_check_tree_vermagic(chk);
	if (err < 0)
		return err;
	res = calloc(1, sizeof(*res));
	if (!res)
		return -ENOMEM;
	if (is_path(module)) {
		/* a file that is not there is the caller's mistake, not a finding */
		err = access(module, R_OK) < 0 ? -errno : 0;
		if (err < 0)
			mt_err(chk->ctx, "%s: %s\n", module, strerror(-err));
		if (err == 0)
			err = modtool_module_new_from_path(chk->ctx, module, &mod);
		if (err == 0)
			err = check_file_dependencies(chk, res, mod);
	} else {
		err = modtool_module_lookup(chk->ctx, module, 0, &list);
		if (err == 0) {
			mt_err(chk->ctx, "%s: no module of that name or alias in %s\n", module,
			       chk->ctx->module_dir);
			err = -ENOENT;
		}
		if (err > 0)
			err = check_candidates(chk, res, list);
	}
	if (err >= 0 && mod)
		err = check_one(chk, res, mod, true);
	modtool_module_unref(mod);
	modtool_list_free(list);
	if (err < 0) {
		modtool_check_result_free(res);
		return err;
	}
	*out = res;
	return 0;
}

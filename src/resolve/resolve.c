// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What loading a module would do, as kmod 30 decides it: dependencies from
 * modules.dep (deepest first), soft dependencies from the configuration,
 * install commands, options and the blacklist.  Pure: the indexes and the
 * configuration are already in the context; nothing asks the kernel.
 */
#include <limits.h>
#include <stdio.h>

#include "base/internal.h"
#include "config/config.h"
#include "index/index.h"
#include "module/module.h"
#include "resolve/lookup.h"

struct step {
	struct modtool_module *mod;
	char *alias;
	char *parent;
	char *options;
	const char *command;
	int action;
	int reason;
	bool blacklisted;
	bool required;
};

struct modtool_plan {
	struct modtool_ctx *ctx;
	struct step *steps;
	size_t count, cap;
	char **visited;		/* "name\alias" of every module whose list was made */
	size_t nvisited, visited_cap;
	const char *top_key;	/* visited key of the module asked for */
	struct modtool_list *top_deps;	/* its dependencies: with it, the required modules */
	const char *extra;	/* the command line's options, for that module */
	const char *top_command;	/* its install line when found through one */
	bool skipped;
	unsigned int depth;
};

/* kmod keeps one module object per name and alias: a module found by two
 * aliases is two objects, each visited once. */
static char *visit_key(const char *name, const char *alias)
{
	size_t nl = strlen(name), al = alias ? strlen(alias) : 0;
	char *k = malloc(nl + al + 2);

	if (!k)
		return NULL;
	memcpy(k, name, nl);
	k[nl] = '\\';
	memcpy(k + nl + 1, alias ? alias : "", al + 1);
	return k;
}

/* Mark @key visited: 1 when it was new, 0 when seen before. */
static int visit(struct modtool_plan *plan, char *key)
{
	char **v;

	for (size_t i = 0; i < plan->nvisited; i++) {
		if (mt_streq(plan->visited[i], key)) {
			free(key);
			return 0;
		}
	}
	v = mt_grow(plan->visited, &plan->visited_cap, plan->nvisited + 1, sizeof(*v));
	if (!v) {
		free(key);
		return -ENOMEM;
	}
	plan->visited = v;
	plan->visited[plan->nvisited++] = key;
	return 1;
}

/* "dir/snd-hda-intel.ko.xz" -> "snd_hda_intel", as kmod names a dependency */
static int name_from_path(const char *path, size_t len, char *out, size_t outsize)
{
	const char *base = path + len;
	size_t n = 0;

	while (base > path && base[-1] != '/')
		base--;
	for (; base < path + len && *base != '.'; base++) {
		if (n + 1 >= outsize)
			return -ENAMETOOLONG;
		out[n++] = *base == '-' ? '_' : *base;
	}
	out[n] = '\0';
	return 0;
}

MT_EXPORT int modtool_resolve_dependencies(struct modtool_ctx *ctx, const char *name,
					   struct modtool_list **listp)
{
	struct modtool_list *list;
	struct mt_index_value v;
	const char *line, *p;
	int r, err;

	if (!ctx || !name || !listp)
		return -EINVAL;
	err = mt_list_new(ctx, &list);
	if (err < 0)
		return err;
	r = mt_moddep_line(ctx, name, &v);
	if (r < 0) {
		modtool_list_free(list);
		return r;
	}
	line = r ? strchr(v.value, ':') : NULL;	/* a moddep line has its ':' */
	line = line ? line + 1 : "";
	/* modules.dep lists the deepest dependency last: load from the end */
	p = line + strlen(line);
	while (p > line && err == 0) {
		const char *end, *start;
		char path[PATH_MAX], dep[NAME_MAX + 1];
		struct modtool_module *mod;

		while (p > line && (p[-1] == ' ' || p[-1] == '\t'))
			p--;
		end = p;
		while (p > line && p[-1] != ' ' && p[-1] != '\t')
			p--;
		start = p;
		if (start == end)
			break;
		err = mt_module_path_join(ctx, start, end - start, path, sizeof(path));
		if (err == 0)
			err = name_from_path(start, end - start, dep, sizeof(dep));
		if (err == 0)
			err = mt_module_new(ctx, dep, path, false, &mod);
		if (err == 0)
			err = mt_list_add(list, mod, NULL, -1);
	}
	if (err < 0) {
		modtool_list_free(list);
		return err;
	}
	*listp = list;
	return (int)modtool_list_count(list);
}

static int lookup_names(struct modtool_ctx *ctx, const char *const *names, size_t n,
			struct modtool_list **listp)
{
	struct modtool_list *list;
	int err = mt_list_new(ctx, &list);

	for (size_t i = 0; i < n && err == 0; i++) {
		struct modtool_list *found;

		err = modtool_module_lookup(ctx, names[i], 0, &found);
		if (err == -EINVAL || err == -ENAMETOOLONG) {
			err = 0;	/* a name kmod cannot look up: nothing */
			continue;
		}
		for (size_t j = 0; err >= 0 && j < modtool_list_count(found); j++)
			err = mt_list_add(list, modtool_module_ref(modtool_list_get(found, j)),
					  modtool_list_get_alias(found, j), -1);
		modtool_list_free(found);
	}
	if (err < 0) {
		modtool_list_free(list);
		return err;
	}
	*listp = list;
	return 0;
}

MT_EXPORT int modtool_resolve_softdeps(struct modtool_ctx *ctx, const char *name,
				       struct modtool_list **pre, struct modtool_list **post)
{
	const struct mt_config_entry *e;
	int err;

	if (!ctx || !name || !pre || !post)
		return -EINVAL;
	*pre = *post = NULL;
	err = mt_config_first_list(ctx->config, MODTOOL_CONFIG_SOFTDEP, name, &e);
	if (err < 0)
		return err;
	err = lookup_names(ctx, e ? e->deps : NULL, e ? e->npre : 0, pre);
	if (err == 0)
		err = lookup_names(ctx, e ? e->deps + e->npre : NULL, e ? e->npost : 0, post);
	if (err < 0) {
		modtool_list_free(*pre);
		*pre = NULL;
	}
	return err;
}

MT_EXPORT int modtool_resolve_weakdeps(struct modtool_ctx *ctx, const char *name,
				       struct modtool_list **weak)
{
	const struct mt_config_entry *e;
	int err;

	if (!ctx || !name || !weak)
		return -EINVAL;
	*weak = NULL;
	err = mt_config_first_list(ctx->config, MODTOOL_CONFIG_WEAKDEP, name, &e);
	if (err < 0)
		return err;
	return lookup_names(ctx, e ? e->deps : NULL, e ? e->npre : 0, weak);
}

MT_EXPORT const char *modtool_resolve_command(struct modtool_ctx *ctx, const char *name,
					      bool remove)
{
	const struct mt_config_entry *e;

	if (!ctx || !name)
		return NULL;
	e = mt_config_first_match(ctx->config,
				  remove ? MODTOOL_CONFIG_REMOVE : MODTOOL_CONFIG_INSTALL, name);
	return e ? e->value : NULL;
}

MT_EXPORT int modtool_resolve_options(struct modtool_ctx *ctx, const char *name,
				      const char *alias, char **options)
{
	size_t len;
	int err;

	if (!ctx || !name || !options)
		return -EINVAL;
	err = mt_config_options(ctx->config, name, alias, NULL, options);
	/* without the space a plan puts before the command line's options */
	if (err == 0 && *options && (len = strlen(*options)) && (*options)[len - 1] == ' ')
		(*options)[len - 1] = '\0';
	return err;
}

MT_EXPORT bool modtool_resolve_is_blacklisted(struct modtool_ctx *ctx, const char *name)
{
	return ctx && name && mt_config_is_blacklisted(ctx->config, name);
}

/* ---- the plan ------------------------------------------------------------ */

/*
 * kmod 30 marks the module asked for and its dependencies "required" before
 * it visits anything: a failure of theirs stops the load; one of a soft
 * dependency (or of what only a soft dependency needs) is passed over.  A
 * dependency is reached by name, so a step reached through an alias is not one.
 */
static bool is_top_dependency(const struct modtool_plan *plan, const char *name)
{
	for (size_t i = 0; i < modtool_list_count(plan->top_deps); i++)
		if (mt_streq(modtool_module_get_name(modtool_list_get(plan->top_deps, i)), name))
			return true;
	return false;
}

static int add_step(struct modtool_plan *plan, struct modtool_module *mod, const char *alias,
		    const char *parent, int reason, bool ignore_command)
{
	const char *name = modtool_module_get_name(mod);
	char *key = visit_key(name, alias);
	bool top = key && mt_streq(key, plan->top_key);
	struct step *s;
	int err;

	free(key);
	s = mt_grow(plan->steps, &plan->cap, plan->count + 1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	plan->steps = s;
	s = &plan->steps[plan->count];
	*s = (struct step){ .mod = modtool_module_ref(mod), .reason = reason,
			    .required = top || (!alias && is_top_dependency(plan, name)) };
	plan->count++;
	if ((alias && !(s->alias = strdup(alias))) || (parent && !(s->parent = strdup(parent))))
		return -ENOMEM;
	err = mt_config_options(plan->ctx->config, name, alias, top ? plan->extra : NULL,
				&s->options);
	if (err < 0)
		return err;
	if (!ignore_command)
		s->command = top && plan->top_command ? plan->top_command
			     : modtool_resolve_command(plan->ctx, name, false);
	if (s->command)
		s->action = MODTOOL_STEP_INSTALL;
	else if (modtool_module_get_path(mod))
		s->action = MODTOOL_STEP_INSERT;
	else if (modtool_module_is_builtin(mod))
		s->action = MODTOOL_STEP_BUILTIN;
	else
		s->action = MODTOOL_STEP_NONE;
	s->blacklisted = mt_config_is_blacklisted(plan->ctx->config, name);
	return 0;
}

static int probe_list(struct modtool_plan *plan, struct modtool_module *mod, const char *alias,
		      const char *parent, int reason, bool ignore_command);

/* A module's softdep pre: modules, the module, its post: modules. */
static int fill_softdep(struct modtool_plan *plan, struct modtool_module *mod,
			const char *alias, const char *parent, int reason)
{
	const char *name = modtool_module_get_name(mod);
	struct modtool_list *pre, *post;
	int err;

	err = modtool_resolve_softdeps(plan->ctx, name, &pre, &post);
	if (err < 0)
		return err;
	for (size_t i = 0; i < modtool_list_count(pre) && err == 0; i++)
		err = probe_list(plan, modtool_list_get(pre, i), modtool_list_get_alias(pre, i),
				 name, MODTOOL_STEP_SOFTDEP_PRE, false);
	if (err == 0)
		err = add_step(plan, mod, alias, parent, reason, false);
	for (size_t i = 0; i < modtool_list_count(post) && err == 0; i++)
		err = probe_list(plan, modtool_list_get(post, i), modtool_list_get_alias(post, i),
				 name, MODTOOL_STEP_SOFTDEP_POST, false);
	modtool_list_free(pre);
	modtool_list_free(post);
	return err;
}

/* kmod's probe list: only this entry point marks a module visited. */
static int probe_list(struct modtool_plan *plan, struct modtool_module *mod, const char *alias,
		      const char *parent, int reason, bool ignore_command)
{
	const char *name = modtool_module_get_name(mod);
	struct modtool_list *deps;
	char *key = visit_key(name, alias);
	int err;

	if (!key)
		return -ENOMEM;
	err = visit(plan, key);
	if (err <= 0)
		return err;
	/* softdep chains are bounded by the visited set; this guards the stack */
	if (++plan->depth > 4096) {
		mt_err(plan->ctx, "%s: soft dependencies nested too deep\n", name);
		return -ELOOP;
	}
	err = modtool_resolve_dependencies(plan->ctx, name, &deps);
	/* the target's are kept: they are required (is_top_dependency) */
	if (reason == MODTOOL_STEP_TARGET)
		plan->top_deps = deps;
	for (size_t i = 0; err >= 0 && i < modtool_list_count(deps); i++)
		err = fill_softdep(plan, modtool_list_get(deps, i), NULL, name,
				   MODTOOL_STEP_DEPENDENCY);
	if (reason != MODTOOL_STEP_TARGET)
		modtool_list_free(deps);
	if (err >= 0) {
		if (ignore_command)
			err = add_step(plan, mod, alias, parent, reason, true);
		else
			err = fill_softdep(plan, mod, alias, parent, reason);
	}
	plan->depth--;
	return err;
}

MT_EXPORT void modtool_plan_free(struct modtool_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->count; i++) {
		modtool_module_unref(plan->steps[i].mod);
		free(plan->steps[i].alias);
		free(plan->steps[i].parent);
		free(plan->steps[i].options);
	}
	for (size_t i = 0; i < plan->nvisited; i++)
		free(plan->visited[i]);
	modtool_list_free(plan->top_deps);
	free(plan->visited);
	free(plan->steps);
	free((char *)plan->top_key);
	free(plan);
}

/* A target found through an install line uses that line (kmod caches it). */
static const char *command_of_lookup(struct modtool_ctx *ctx, struct modtool_list *list,
				     const char *name)
{
	size_t n;
	const struct mt_config_entry *e;

	if (modtool_list_get_source(list) != MODTOOL_SOURCE_COMMANDS)
		return NULL;
	e = mt_config_entries(ctx->config, MODTOOL_CONFIG_INSTALL, &n);
	for (size_t i = 0; i < n; i++)
		if (mt_streq(e[i].key, name))
			return e[i].value;
	return NULL;
}

MT_EXPORT int modtool_plan_new(struct modtool_list *list, size_t i, const char *extra_options,
			       unsigned int flags, struct modtool_plan **planp)
{
	struct modtool_module *mod = modtool_list_get(list, i);
	const char *alias = modtool_list_get_alias(list, i), *name;
	struct modtool_plan *plan;
	int err;

	if (!mod || !planp)
		return -EINVAL;
	name = modtool_module_get_name(mod);
	plan = calloc(1, sizeof(*plan));
	if (!plan)
		return -ENOMEM;
	plan->ctx = mt_list_ctx(list);
	plan->extra = extra_options;
	plan->top_key = visit_key(name, alias);
	plan->top_command = command_of_lookup(plan->ctx, list, name);
	if (!plan->top_key) {
		modtool_plan_free(plan);
		return -ENOMEM;
	}
	/* the blacklist stops an alias; with -b a name too; never a dependency */
	if (!(flags & MODTOOL_PLAN_IGNORE_BLACKLIST) &&
	    mt_config_is_blacklisted(plan->ctx->config, name) &&
	    (alias || (flags & MODTOOL_PLAN_BLACKLIST))) {
		plan->skipped = true;
		*planp = plan;
		return 0;
	}
	err = probe_list(plan, mod, alias, NULL, MODTOOL_STEP_TARGET,
			 flags & MODTOOL_PLAN_IGNORE_COMMANDS);
	plan->extra = NULL;
	if (err < 0) {
		modtool_plan_free(plan);
		return err;
	}
	*planp = plan;
	return 0;
}

MT_EXPORT bool modtool_plan_is_blacklisted(const struct modtool_plan *plan)
{
	return plan && plan->skipped;
}

MT_EXPORT size_t modtool_plan_count(const struct modtool_plan *plan)
{
	return plan ? plan->count : 0;
}

static const struct step *step_at(const struct modtool_plan *plan, size_t i)
{
	return plan && i < plan->count ? &plan->steps[i] : NULL;
}

MT_EXPORT struct modtool_module *modtool_plan_get_module(const struct modtool_plan *plan, size_t i)
{
	const struct step *s = step_at(plan, i);

	return s ? s->mod : NULL;
}

MT_EXPORT int modtool_plan_get_action(const struct modtool_plan *plan, size_t i)
{
	const struct step *s = step_at(plan, i);

	return s ? s->action : -EINVAL;
}

MT_EXPORT int modtool_plan_get_reason(const struct modtool_plan *plan, size_t i)
{
	const struct step *s = step_at(plan, i);

	return s ? s->reason : -EINVAL;
}

MT_EXPORT const char *modtool_plan_get_parent(const struct modtool_plan *plan, size_t i)
{
	const struct step *s = step_at(plan, i);

	return s ? s->parent : NULL;
}

MT_EXPORT const char *modtool_plan_get_alias(const struct modtool_plan *plan, size_t i)
{
	const struct step *s = step_at(plan, i);

	return s ? s->alias : NULL;
}

MT_EXPORT const char *modtool_plan_get_options(const struct modtool_plan *plan, size_t i)
{
	const struct step *s = step_at(plan, i);

	return s && s->options ? s->options : "";
}

MT_EXPORT const char *modtool_plan_get_command(const struct modtool_plan *plan, size_t i)
{
	const struct step *s = step_at(plan, i);

	return s ? s->command : NULL;
}

MT_EXPORT bool modtool_plan_step_is_blacklisted(const struct modtool_plan *plan, size_t i)
{
	const struct step *s = step_at(plan, i);

	return s && s->blacklisted;
}

MT_EXPORT bool modtool_plan_step_is_required(const struct modtool_plan *plan, size_t i)
{
	const struct step *s = step_at(plan, i);

	return s && s->required;
}

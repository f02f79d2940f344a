// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reports on resolution for people and programs: how a name resolved (which
 * source, which configuration lines by file:line, blacklists, the plan), and
 * the same plans and the configuration as JSON.  Built from the public
 * lookup, configuration and plan calls only, so a program gets exactly what
 * `modprobe --explain` and `--json` print.
 */
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "base/internal.h"

static const char *const kind_names[MODTOOL_CONFIG_KIND_COUNT] = {
	"blacklist", "install", "remove", "alias", "options", "softdep", "weakdep",
};
static const char *const source_names[] = {
	"nothing", "configuration alias", "modules.dep", "modules.symbols",
	"install/remove command", "modules.alias", "modules.builtin", "modules.builtin.alias",
};
static const char *const action_names[] = { "insmod", "install", "builtin", "none" };
static const char *const reason_names[] = { "target", "dependency", "softdep-pre",
					    "softdep-post" };

static const char *where(const char *file, unsigned int line, char *buf, size_t size)
{
	if (!*file)
		return "kernel command line";
	snprintf(buf, size, "%s:%u", file, line);
	return buf;
}

/* Only the first line of these kinds is used for a module. */
static bool first_only(int kind)
{
	return kind == MODTOOL_CONFIG_INSTALL || kind == MODTOOL_CONFIG_REMOVE ||
	       kind == MODTOOL_CONFIG_SOFTDEP || kind == MODTOOL_CONFIG_WEAKDEP;
}

/* Every line of @kind that concerns @name (reached by @alias). */
static void explain_lines(struct modtool_ctx *ctx, FILE *out, int kind, const char *name,
			  const char *alias)
{
	char buf[PATH_MAX + 16];
	bool first = true;

	for (int i = modtool_config_find(ctx, kind, name, alias, 0); i >= 0;
	     i = modtool_config_find(ctx, kind, name, alias, i + 1)) {
		const char *key, *value, *file;
		unsigned int line;

		modtool_config_get(ctx, kind, i, &key, &value, &file, &line);
		fprintf(out, "    applies: %s %s%s%s\t(%s%s)\n", kind_names[kind], key,
			value ? " " : "", value ? value : "", where(file, line, buf, sizeof(buf)),
			!first && first_only(kind) ? ", not used: only the first applies" : "");
		first = false;
	}
}

static void explain_plan(FILE *out, const struct modtool_plan *plan)
{
	for (size_t s = 0; s < modtool_plan_count(plan); s++) {
		const char *parent = modtool_plan_get_parent(plan, s);
		const char *opts = modtool_plan_get_options(plan, s);

		fprintf(out, "    plan %zu: %-7s %s (%s%s%s)", s + 1,
			action_names[modtool_plan_get_action(plan, s)],
			modtool_module_get_name(modtool_plan_get_module(plan, s)),
			reason_names[modtool_plan_get_reason(plan, s)], parent ? " of " : "",
			parent ? parent : "");
		if (*opts)
			fprintf(out, " options: %s", opts);
		if (modtool_plan_step_is_blacklisted(plan, s))
			fputs(" [blacklisted, loaded anyway]", out);
		putc('\n', out);
	}
}

static int explain_module(struct modtool_ctx *ctx, FILE *out, struct modtool_list *list,
			  size_t i, const char *extra_options, unsigned int flags)
{
	const char *name = modtool_module_get_name(modtool_list_get(list, i));
	const char *alias = modtool_list_get_alias(list, i);
	int ci = modtool_list_get_config_index(list, i), err;
	struct modtool_plan *plan;
	char buf[PATH_MAX + 16];

	fprintf(out, "  module %s%s%s\n", name, alias ? " via alias " : "", alias ? alias : "");
	if (ci >= 0) {
		const char *key, *value, *file;
		unsigned int line;

		modtool_config_get(ctx, MODTOOL_CONFIG_ALIAS, ci, &key, &value, &file, &line);
		fprintf(out, "    alias %s %s\t(%s)\n", key, value, where(file, line, buf, sizeof(buf)));
	}
	explain_lines(ctx, out, MODTOOL_CONFIG_BLACKLIST, name, NULL);
	explain_lines(ctx, out, MODTOOL_CONFIG_OPTIONS, name, alias);
	explain_lines(ctx, out, MODTOOL_CONFIG_INSTALL, name, NULL);
	explain_lines(ctx, out, MODTOOL_CONFIG_REMOVE, name, NULL);
	explain_lines(ctx, out, MODTOOL_CONFIG_SOFTDEP, name, NULL);
	explain_lines(ctx, out, MODTOOL_CONFIG_WEAKDEP, name, NULL);
	err = modtool_plan_new(list, i, extra_options, flags, &plan);
	if (err < 0)
		return err;
	if (modtool_plan_is_blacklisted(plan))
		fprintf(out, "    skipped: blacklisted and %s\n",
			alias ? "found through an alias" : "-b given");
	explain_plan(out, plan);
	modtool_plan_free(plan);
	return 0;
}

MT_EXPORT int modtool_explain(struct modtool_ctx *ctx, const char *name,
			      const char *extra_options, unsigned int flags, int fd)
{
	struct modtool_list *list = NULL;
	int n, err = 0, fd2;
	FILE *out;

	if (!ctx || !name)
		return -EINVAL;
	fd2 = dup(fd);
	out = fd2 < 0 ? NULL : fdopen(fd2, "w");
	if (!out) {
		err = -errno;
		if (fd2 >= 0)
			close(fd2);
		return err;
	}
	n = modtool_module_lookup(ctx, name, 0, &list);
	fprintf(out, "%s:\n", name);
	if (n <= 0) {
		fprintf(out, "  not found in %s (tried configuration aliases, modules.dep, symbols,"
			" commands, modules.alias, modules.builtin, modules.builtin.alias)\n",
			ctx->module_dir);
		err = n < 0 ? n : -ENOENT;
	} else {
		fprintf(out, "  found by %s: %d module%s\n",
			source_names[modtool_list_get_source(list)], n, n > 1 ? "s" : "");
	}
	for (size_t i = 0; n > 0 && i < modtool_list_count(list) && err == 0; i++)
		err = explain_module(ctx, out, list, i, extra_options, flags);
	modtool_list_free(list);
	if (fclose(out) != 0 && err == 0)
		err = -EIO;
	return err;
}

/* ---- JSON ------------------------------------------------------------------ */

/* kmod prints "builtin" also for what /sys/module shows without initstate. */
static int json_action(struct modtool_ctx *ctx, const struct modtool_plan *plan, size_t s)
{
	int action = modtool_plan_get_action(plan, s);
	const char *name = modtool_module_get_name(modtool_plan_get_module(plan, s));

	if (action == MODTOOL_STEP_NONE &&
	    modtool_module_get_state(ctx, name) == MODTOOL_STATE_BUILTIN)
		return MODTOOL_STEP_BUILTIN;
	return action;
}

static void json_step(struct modtool_ctx *ctx, struct modtool_json *j,
		      const struct modtool_plan *plan, size_t s)
{
	struct modtool_module *m = modtool_plan_get_module(plan, s);

	modtool_json_begin_object(j);
	modtool_json_member_string(j, "action", action_names[json_action(ctx, plan, s)]);
	modtool_json_member_string(j, "module", modtool_module_get_name(m));
	modtool_json_member_string(j, "path", modtool_module_get_path(m));
	modtool_json_member_string(j, "options", modtool_plan_get_options(plan, s));
	modtool_json_member_string(j, "command", modtool_plan_get_command(plan, s));
	modtool_json_member_string(j, "reason", reason_names[modtool_plan_get_reason(plan, s)]);
	modtool_json_member_string(j, "parent", modtool_plan_get_parent(plan, s));
	modtool_json_member_bool(j, "blacklisted", modtool_plan_step_is_blacklisted(plan, s));
	modtool_json_end_object(j);
}

static void json_plan(struct modtool_ctx *ctx, struct modtool_json *j, struct modtool_list *list,
		      size_t i, const char *opts, unsigned int flags)
{
	struct modtool_plan *plan = NULL;

	modtool_json_begin_object(j);
	modtool_json_member_string(j, "module", modtool_module_get_name(modtool_list_get(list, i)));
	modtool_json_member_string(j, "alias", modtool_list_get_alias(list, i));
	if (modtool_plan_new(list, i, opts, flags, &plan) == 0) {
		modtool_json_member_bool(j, "blacklisted", modtool_plan_is_blacklisted(plan));
		modtool_json_key(j, "steps");
		modtool_json_begin_array(j);
		for (size_t s = 0; s < modtool_plan_count(plan); s++)
			json_step(ctx, j, plan, s);
		modtool_json_end_array(j);
	}
	modtool_plan_free(plan);
	modtool_json_end_object(j);
}

MT_EXPORT int modtool_json_plans(struct modtool_ctx *ctx, struct modtool_json *j,
				 const char *name, const char *extra_options, unsigned int flags)
{
	struct modtool_list *list = NULL;
	int r;

	if (!ctx || !j || !name)
		return -EINVAL;
	r = modtool_module_lookup(ctx, name, 0, &list);
	modtool_json_begin_object(j);
	modtool_json_member_string(j, "name", name);
	modtool_json_member_string(j, "found_by", source_names[r > 0 ? modtool_list_get_source(list) : 0]);
	modtool_json_key(j, "modules");
	modtool_json_begin_array(j);
	for (size_t i = 0; r > 0 && i < modtool_list_count(list); i++)
		json_plan(ctx, j, list, i, extra_options, flags);
	modtool_json_end_array(j);
	modtool_json_end_object(j);
	modtool_list_free(list);
	return r < 0 ? r : r == 0 ? -ENOENT : 0;
}

static void json_config_entry(struct modtool_ctx *ctx, struct modtool_json *j, int kind, size_t i)
{
	const char *key, *value, *file;
	const char *const *names;
	unsigned int line;

	modtool_config_get(ctx, kind, i, &key, &value, &file, &line);
	modtool_json_begin_object(j);
	modtool_json_member_string(j, kind == MODTOOL_CONFIG_ALIAS ? "alias" : "module", key);
	if (kind == MODTOOL_CONFIG_SOFTDEP || kind == MODTOOL_CONFIG_WEAKDEP) {
		for (int post = 0; post < (kind == MODTOOL_CONFIG_SOFTDEP ? 2 : 1); post++) {
			size_t n = modtool_config_get_deps(ctx, kind, i, post, &names);

			modtool_json_key(j, kind == MODTOOL_CONFIG_WEAKDEP ? "modules" :
					 post ? "post" : "pre");
			modtool_json_begin_array(j);
			for (size_t k = 0; k < n; k++)
				modtool_json_string(j, names[k]);
			modtool_json_end_array(j);
		}
	} else if (value) {
		modtool_json_member_string(j, kind == MODTOOL_CONFIG_ALIAS ? "module" :
					   kind == MODTOOL_CONFIG_OPTIONS ? "options" : "command",
					   value);
	}
	modtool_json_member_string(j, "file", *file ? file : "/proc/cmdline");
	modtool_json_member_int(j, "line", line);
	modtool_json_end_object(j);
}

static int json_index_entry(void *data, const char *key, const char *value)
{
	struct modtool_json *j = data;

	modtool_json_begin_object(j);
	modtool_json_member_string(j, "alias", key);
	modtool_json_member_string(j, "module", value);
	modtool_json_end_object(j);
	return 0;
}

MT_EXPORT int modtool_json_config(struct modtool_ctx *ctx, struct modtool_json *j)
{
	if (!ctx || !j)
		return -EINVAL;
	modtool_json_begin_object(j);
	for (int k = 0; k < MODTOOL_CONFIG_KIND_COUNT; k++) {
		modtool_json_key(j, kind_names[k]);
		modtool_json_begin_array(j);
		for (size_t i = 0; i < modtool_config_count(ctx, k); i++)
			json_config_entry(ctx, j, k, i);
		modtool_json_end_array(j);
	}
	modtool_json_key(j, "aliases");
	modtool_json_begin_array(j);
	modtool_index_foreach(ctx, MODTOOL_INDEX_ALIASES, json_index_entry, j);
	modtool_json_end_array(j);
	modtool_json_key(j, "symbols");
	modtool_json_begin_array(j);
	modtool_index_foreach(ctx, MODTOOL_INDEX_SYMBOLS, json_index_entry, j);
	modtool_json_end_array(j);
	modtool_json_end_object(j);
	return 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kmod_module_probe_insert_module(): what modprobe does for one module,
 * with kmod's flags, its blacklist answers and its two callbacks.  The
 * engine makes the plan (dependencies, soft dependencies, commands,
 * options) and carries it out; its events become print_action() and
 * run_install() calls on the context's module objects.
 */
#include <errno.h>
#include <string.h>

#include "libkmod/internal.h"

struct probe {
	struct kmod_ctx *ctx;
	const struct modtool_plan *plan;
	size_t next_step;		/* events come in plan order: match from here */
	struct kmod_module *current;	/* the module of the step being carried out */
	unsigned int flags;
	int (*run_install)(struct kmod_module *m, const char *cmdline, void *data);
	void *data;
	void (*print_action)(struct kmod_module *m, bool install, const char *options);
};

/* The step an event names (the next one of that module): its index, or -ENOENT. */
static int step_of_event(struct probe *p, const char *name)
{
	for (size_t i = p->next_step; i < modtool_plan_count(p->plan); i++) {
		if (strcmp(modtool_module_get_name(modtool_plan_get_module(p->plan, i)), name) == 0) {
			p->next_step = i + 1;
			return (int)i;
		}
	}
	return -ENOENT;
}

/* Live or built in: kmod's "in the kernel" (a module coming up is not). */
static bool in_kernel(const struct kmod_module *mod)
{
	int state = kmod_module_get_initstate(mod);

	return state == KMOD_MODULE_LIVE || state == KMOD_MODULE_BUILTIN;
}

/* A step about to be carried out: tell print_action, keep its module for run_install. */
static int on_step(struct probe *p, const struct modtool_probe_event *ev)
{
	int i = step_of_event(p, ev->name), err;
	struct kmod_module *m;

	if (i < 0)
		return 0;
	err = mt_kmod_module_get(p->ctx, ev->name, modtool_plan_get_alias(p->plan, i),
				 modtool_plan_get_module(p->plan, i), &m);
	if (err < 0)
		return err;
	kmod_module_unref(p->current);
	p->current = m;
	/*
	 * kmod's rule, not the engine's: a module coming up is inserted again
	 * (the kernel waits for its init, then says EEXIST), so that the probe
	 * returns when it is live.  -EEXIST skips the step as loaded.
	 */
	if (!(p->flags & KMOD_PROBE_IGNORE_LOADED) && in_kernel(m))
		return -EEXIST;
	if (p->print_action)
		p->print_action(m, ev->kind == MODTOOL_PROBE_INSTALL,
				modtool_plan_get_options(p->plan, i));
	/* kmod inserts what has no file (built in, or nowhere) and fails there */
	if ((ev->kind == MODTOOL_PROBE_BUILTIN || ev->kind == MODTOOL_PROBE_NONE) &&
	    !(p->flags & KMOD_PROBE_DRY_RUN)) {
		mt_kmod_err(p->ctx, "could not find module by name='%s'\n", ev->name);
		return -ENOENT;
	}
	return 0;
}

static int on_event(void *data, const struct modtool_probe_event *ev)
{
	struct probe *p = data;
	int err;

	switch (ev->kind) {
	case MODTOOL_PROBE_INSERT:
	case MODTOOL_PROBE_INSTALL:
	case MODTOOL_PROBE_BUILTIN:
	case MODTOOL_PROBE_NONE:
		return on_step(p, ev);
	case MODTOOL_PROBE_RUN_INSTALL:
		if (!p->run_install || !p->current)
			return 0;
		err = p->run_install(p->current, ev->command, p->data);
		return err < 0 ? err : MODTOOL_PROBE_HANDLED;
	default:
		return 0;
	}
}

static unsigned int engine_flags(unsigned int flags)
{
	static const struct {
		unsigned int kmod, engine;
	} map[] = {
		{ KMOD_PROBE_FORCE_VERMAGIC, MODTOOL_PROBE_FORCE_VERMAGIC },
		{ KMOD_PROBE_FORCE_MODVERSION, MODTOOL_PROBE_FORCE_MODVERSION },
		{ KMOD_PROBE_IGNORE_COMMAND, MODTOOL_PROBE_IGNORE_COMMANDS },
		{ KMOD_PROBE_DRY_RUN, MODTOOL_PROBE_DRY_RUN },
		{ KMOD_PROBE_FAIL_ON_LOADED, MODTOOL_PROBE_FIRST_TIME },
		{ KMOD_PROBE_APPLY_BLACKLIST_ALL, MODTOOL_PROBE_SKIP_BLACKLISTED },
	};
	unsigned int out = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (flags & map[i].kmod)
			out |= map[i].engine;
	return out;
}

/* The blacklist flag that stops @mod, or 0: kmod's order of asking. */
static int blacklist_answer(const struct kmod_module *mod, unsigned int flags)
{
	unsigned int asked = 0;

	if (mod->alias && (flags & KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY))
		asked = KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY;
	else if (flags & KMOD_PROBE_APPLY_BLACKLIST_ALL)
		asked = KMOD_PROBE_APPLY_BLACKLIST_ALL;
	else if (flags & KMOD_PROBE_APPLY_BLACKLIST)
		asked = KMOD_PROBE_APPLY_BLACKLIST;
	if (asked && modtool_resolve_is_blacklisted(mod->ctx->mt, mod->name))
		return (int)asked;
	return 0;
}

/* With KMOD_PROBE_APPLY_BLACKLIST_ALL, is anything of @plan left to do? */
static bool all_blacklisted(const struct modtool_plan *plan)
{
	for (size_t i = 0; i < modtool_plan_count(plan); i++)
		if (!modtool_plan_step_is_blacklisted(plan, i))
			return false;
	return true;
}

KMOD_EXPORT int kmod_module_probe_insert_module(
	struct kmod_module *mod, unsigned int flags, const char *extra_options,
	int (*run_install)(struct kmod_module *m, const char *cmdline, void *data),
	const void *data,
	void (*print_action)(struct kmod_module *m, bool install, const char *options))
{
	struct probe p = { .flags = flags, .run_install = run_install, .data = (void *)data,
			   .print_action = print_action };
	struct modtool_list *one;
	struct modtool_plan *plan;
	int err;

	if (!mod)
		return -ENOENT;
	if (!(flags & KMOD_PROBE_IGNORE_LOADED) && in_kernel(mod))
		return flags & KMOD_PROBE_FAIL_ON_LOADED ? -EEXIST : 0;
	err = blacklist_answer(mod, flags);
	if (err)
		return err;
	err = mt_kmod_module_as_engine_list(mod, &one);
	if (err < 0)
		return err;
	err = modtool_plan_new(one, 0, extra_options,
			       MODTOOL_PLAN_IGNORE_BLACKLIST |
			       (flags & KMOD_PROBE_IGNORE_COMMAND ? MODTOOL_PLAN_IGNORE_COMMANDS : 0),
			       &plan);
	modtool_list_free(one);
	if (err < 0)
		return err;
	if ((flags & KMOD_PROBE_APPLY_BLACKLIST_ALL) && all_blacklisted(plan)) {
		modtool_plan_free(plan);
		return KMOD_PROBE_APPLY_BLACKLIST_ALL;
	}
	p.ctx = mod->ctx;
	p.plan = plan;
	/* whether a step's module is loaded already is asked in on_step() */
	err = modtool_plan_run(plan, engine_flags(flags) | MODTOOL_PROBE_IGNORE_LOADED, on_event, &p);
	kmod_module_unref(p.current);
	modtool_plan_free(plan);
	return err;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Carrying out what modprobe decides: a load plan step by step, and a
 * removal with the modules around it, in kmod 30's order.  Every action is
 * told to the caller before it is done, so that the caller can print it or
 * refuse it.  The module syscalls are kernel/'s; the shell runs the
 * configuration's install and remove commands.
 */
#include <sys/wait.h>
#include <time.h>

#include "base/internal.h"
#include "module/module.h"

#define PROBE_ALL_FLAGS (MODTOOL_PROBE_SKIP_BLACKLISTED * 2u - 1)
/* Softdeps may name each other in a loop: removals recurse no deeper than this. */
#define REMOVE_MAX_DEPTH 4096

struct probe {
	struct modtool_ctx *ctx;
	unsigned int flags;
	unsigned long wait_msec;
	modtool_probe_fn fn;
	void *data;
	unsigned int depth;
	const struct removing *removing;	/* the removals under way, innermost first */
};

/* A removal under way: softdeps naming each other come back to it. */
struct removing {
	const char *name;
	const struct removing *outer;
};

/* Tell the caller: 0 to go on, or the negative errno it refuses the action with. */
static int tell(const struct probe *p, const struct modtool_probe_event *ev)
{
	int err = p->fn ? p->fn(p->data, ev) : 0;

	return err < 0 ? err : 0;
}

/* The events that name only a module. */
static int tell_name(const struct probe *p, int kind, const char *name)
{
	return tell(p, &(struct modtool_probe_event){ .kind = kind, .name = name });
}

static bool has(const struct probe *p, unsigned int flag)
{
	return p->flags & flag;
}

/* Loaded (or on its way), or built in: nothing to load. */
static bool in_kernel(struct modtool_ctx *ctx, const char *name)
{
	int st = modtool_module_get_state(ctx, name);

	return st == MODTOOL_STATE_LIVE || st == MODTOOL_STATE_COMING ||
	       st == MODTOOL_STATE_BUILTIN;
}

/* ---- install and remove commands ------------------------------------------ */

#define CMDLINE_OPTS "$CMDLINE_OPTS"

/* @command with every $CMDLINE_OPTS replaced by @opts, or NULL. */
static char *substitute_options(const char *command, const char *opts)
{
	size_t n = 0, olen = strlen(opts), vlen = strlen(CMDLINE_OPTS), len;
	const char *p, *var;
	char *cmd, *w;

	for (p = command; (var = strstr(p, CMDLINE_OPTS)); p = var + vlen)
		n++;
	if (__builtin_mul_overflow(n, olen, &len) ||
	    __builtin_add_overflow(len, strlen(command) - n * vlen + 1, &len))
		return NULL;
	cmd = malloc(len);
	if (!cmd)
		return NULL;
	w = cmd;
	for (p = command; (var = strstr(p, CMDLINE_OPTS)); p = var + vlen) {
		w = mempcpy(w, p, var - p);
		w = mempcpy(w, opts, olen);
	}
	strcpy(w, p);
	return cmd;
}

/* system(@cmd) with MODPROBE_MODULE=@name; -EINVAL when it fails, as kmod 30 says. */
static int run_shell(const struct probe *p, const char *name, const char *cmd)
{
	const char *old = getenv("MODPROBE_MODULE");
	char *saved = old ? strdup(old) : NULL;
	int status, err;

	if (old && !saved)
		return -ENOMEM;
	if (setenv("MODPROBE_MODULE", name, 1) < 0) {
		free(saved);
		return -errno;
	}
	status = system(cmd);
	err = errno;
	if (saved)
		setenv("MODPROBE_MODULE", saved, 1);
	else
		unsetenv("MODPROBE_MODULE");
	free(saved);
	if (status == -1) {
		tell(p, &(struct modtool_probe_event){ .kind = MODTOOL_PROBE_NO_SHELL, .name = name,
						       .command = cmd, .err = -err });
		return -EINVAL;
	}
	/* a command killed by a signal has no exit status: kmod 30 counts it done */
	return WEXITSTATUS(status) ? -EINVAL : 0;
}

/* An install (@kind MODTOOL_PROBE_RUN_INSTALL) or remove command. */
static int run_command(const struct probe *p, int kind, const char *name, const char *command,
		       const char *opts)
{
	bool dry = has(p, MODTOOL_PROBE_DRY_RUN);
	char *cmd;
	int err;

	if (!dry && has(p, MODTOOL_PROBE_NO_COMMANDS))
		return -EPERM;
	cmd = substitute_options(command, opts);
	if (!cmd)
		return -ENOMEM;
	err = p->fn ? p->fn(p->data, &(struct modtool_probe_event){ .kind = kind, .name = name,
								    .command = cmd }) : 0;
	/* the caller ran it itself (libkmod's run_install) */
	if (err == MODTOOL_PROBE_HANDLED)
		err = 0;
	else if (err >= 0 && !dry)
		err = run_shell(p, name, cmd);
	free(cmd);
	return err;
}

/* ---- loading ------------------------------------------------------------------ */

static unsigned int load_flags(const struct probe *p)
{
	return (has(p, MODTOOL_PROBE_FORCE_MODVERSION) ? MODTOOL_LOAD_FORCE_MODVERSION : 0) |
	       (has(p, MODTOOL_PROBE_FORCE_VERMAGIC) ? MODTOOL_LOAD_FORCE_VERMAGIC : 0);
}

/* Tell step @i; kmod calls "builtin" also what /sys/module shows without initstate. */
static int tell_step(const struct probe *p, const struct modtool_plan *plan, size_t i)
{
	struct modtool_module *m = modtool_plan_get_module(plan, i);
	struct modtool_probe_event ev = { .name = modtool_module_get_name(m) };

	switch (modtool_plan_get_action(plan, i)) {
	case MODTOOL_STEP_INSTALL:
		ev.kind = MODTOOL_PROBE_INSTALL;
		ev.command = modtool_plan_get_command(plan, i);
		ev.options = modtool_plan_get_options(plan, i);
		break;
	case MODTOOL_STEP_INSERT:
		ev.kind = MODTOOL_PROBE_INSERT;
		ev.path = modtool_module_get_path(m);
		ev.options = modtool_plan_get_options(plan, i);
		break;
	case MODTOOL_STEP_BUILTIN:
		ev.kind = MODTOOL_PROBE_BUILTIN;
		break;
	default:
		ev.kind = modtool_module_get_state(p->ctx, ev.name) == MODTOOL_STATE_BUILTIN
			  ? MODTOOL_PROBE_BUILTIN : MODTOOL_PROBE_NONE;
	}
	return tell(p, &ev);
}

/* One step: 0, -EEXIST when its module is there already, or the failure. */
static int run_step(const struct probe *p, const struct modtool_plan *plan, size_t i)
{
	struct modtool_module *m = modtool_plan_get_module(plan, i);
	const char *name = modtool_module_get_name(m);
	const char *opts = modtool_plan_get_options(plan, i);
	int err;

	if (!has(p, MODTOOL_PROBE_IGNORE_LOADED) && in_kernel(p->ctx, name))
		return -EEXIST;
	err = tell_step(p, plan, i);
	if (err < 0 || has(p, MODTOOL_PROBE_DRY_RUN))
		return err;
	switch (modtool_plan_get_action(plan, i)) {
	case MODTOOL_STEP_INSTALL:
		/* an install command stands for the module: the load policy rules it too */
		if (p->ctx->policy_check && (err = p->ctx->policy_check(p->ctx, m, false)) < 0)
			return err;
		return run_command(p, MODTOOL_PROBE_RUN_INSTALL, name,
				   modtool_plan_get_command(plan, i), opts);
	case MODTOOL_STEP_INSERT:
		return modtool_module_insert(m, opts, load_flags(p));
	default:
		return 0;
	}
}

static const char *plan_target(const struct modtool_plan *plan)
{
	for (size_t i = 0; i < modtool_plan_count(plan); i++)
		if (modtool_plan_get_reason(plan, i) == MODTOOL_STEP_TARGET)
			return modtool_module_get_name(modtool_plan_get_module(plan, i));
	return "";
}

/* The blacklist stops only what is asked for: say so when it does not. */
static void tell_blacklisted(const struct probe *p, const struct modtool_plan *plan, size_t i,
			     const char *target)
{
	struct modtool_probe_event ev = {
		.kind = MODTOOL_PROBE_BLACKLISTED,
		.name = modtool_module_get_name(modtool_plan_get_module(plan, i)),
		.target = target,
	};

	if (modtool_plan_get_reason(plan, i) != MODTOOL_STEP_TARGET &&
	    modtool_plan_step_is_blacklisted(plan, i))
		tell(p, &ev);
}

/*
 * The load policy over the target and its dependencies before anything is
 * loaded: a forbidden dependency must not leave the others loaded (vfat
 * forbidden, fat loaded for nothing).  Soft dependencies are asked when
 * their turn comes: refusing one does not stop the rest.  A dry run
 * (--dry-run, --show-depends: what initramfs builders list) loads nothing
 * and is not refused.
 */
static int policy_precheck(const struct probe *p, const struct modtool_plan *plan)
{
	if (has(p, MODTOOL_PROBE_DRY_RUN))
		return 0;
	for (size_t i = 0; p->ctx->policy_check && i < modtool_plan_count(plan); i++) {
		struct modtool_module *m = modtool_plan_get_module(plan, i);
		enum modtool_step_action a = modtool_plan_get_action(plan, i);
		int err;

		if (!modtool_plan_step_is_required(plan, i) ||
		    (a != MODTOOL_STEP_INSERT && a != MODTOOL_STEP_INSTALL) ||
		    (!has(p, MODTOOL_PROBE_IGNORE_LOADED) && in_kernel(p->ctx, modtool_module_get_name(m))))
			continue;
		err = p->ctx->policy_check(p->ctx, m, true);
		if (err < 0)
			return err;
	}
	return 0;
}

MT_EXPORT int modtool_plan_run(struct modtool_plan *plan, unsigned int flags, modtool_probe_fn fn,
			       void *data)
{
	struct probe p = { .flags = flags, .fn = fn, .data = data };
	const char *target;
	int err = 0;

	if (!plan || (flags & ~PROBE_ALL_FLAGS))
		return -EINVAL;
	if (modtool_plan_count(plan) == 0)
		return 0;
	/* every module of a plan is of the context the plan was made in */
	p.ctx = mt_module_ctx(modtool_plan_get_module(plan, 0));
	err = policy_precheck(&p, plan);
	if (err < 0)
		return err;
	target = plan_target(plan);
	for (size_t i = 0; i < modtool_plan_count(plan); i++) {
		bool is_target = modtool_plan_get_reason(plan, i) == MODTOOL_STEP_TARGET;

		if ((flags & MODTOOL_PROBE_SKIP_BLACKLISTED) &&
		    modtool_plan_step_is_blacklisted(plan, i))
			continue;
		tell_blacklisted(&p, plan, i, target);
		err = run_step(&p, plan, i);
		if (err == -EEXIST && is_target && (flags & MODTOOL_PROBE_FIRST_TIME))
			break;
		/* kmod 30's rule: only the target's and its dependencies' failures count */
		if (err == -EEXIST || (err < 0 && !modtool_plan_step_is_required(plan, i)))
			err = 0;
		if (err < 0)
			break;
	}
	return err;
}

MT_EXPORT int modtool_probe_insert(struct modtool_list *list, size_t i, const char *extra_options,
				   unsigned int flags, modtool_probe_fn fn, void *data)
{
	struct modtool_module *mod = modtool_list_get(list, i);
	struct modtool_plan *plan;
	int err;

	if (!mod || (flags & ~PROBE_ALL_FLAGS))
		return -EINVAL;
	if (!(flags & MODTOOL_PROBE_IGNORE_LOADED) &&
	    in_kernel(mt_module_ctx(mod), modtool_module_get_name(mod)))
		return flags & MODTOOL_PROBE_FIRST_TIME ? -EEXIST : 0;
	err = modtool_plan_new(list, i, extra_options,
			       flags & (MODTOOL_PLAN_IGNORE_COMMANDS | MODTOOL_PLAN_BLACKLIST), &plan);
	if (err < 0)
		return err;
	if (!modtool_plan_is_blacklisted(plan))
		err = modtool_plan_run(plan, flags, fn, data);
	modtool_plan_free(plan);
	return err;
}

/* ---- removing ------------------------------------------------------------------ */

/* Remove @name from the kernel, asking again while it is busy if a wait was asked for. */
static int remove_module(const struct probe *p, const char *name)
{
	unsigned int flags = has(p, MODTOOL_PROBE_FORCE_REMOVE) ? MODTOOL_REMOVE_FORCE : 0;
	struct timespec pause = { 0, 1000000 };
	unsigned long waited = 0;
	int err = tell_name(p, MODTOOL_PROBE_REMOVE, name);

	if (err < 0 || has(p, MODTOOL_PROBE_DRY_RUN))
		return err;
	for (;;) {
		err = modtool_module_remove(p->ctx, name, flags);
		if (err != -EAGAIN || waited >= p->wait_msec)
			break;
		nanosleep(&pause, NULL);
		waited += pause.tv_nsec / 1000000;
		if (pause.tv_nsec < 256000000)
			pause.tv_nsec *= 2;
	}
	if (err == -ENOENT && !has(p, MODTOOL_PROBE_FIRST_TIME))
		err = 0;
	if (err < 0)
		mt_err(p->ctx, "could not remove '%s': %s\n", name, strerror(-err));
	return err;
}

static int remove_deep(struct probe *p, const char *name, bool holders, bool ignore_builtin);

/* Softdep modules, last first; their failures do not stop the removal. */
static void remove_list_reverse(struct probe *p, struct modtool_list *list)
{
	for (size_t i = modtool_list_count(list); i-- > 0;)
		remove_deep(p, modtool_module_get_name(modtool_list_get(list, i)), false, true);
}

/* The modules /proc/modules says hold @name, last first. */
static int remove_holders(struct probe *p, const char *name)
{
	struct modtool_loaded *loaded;
	char *holders = NULL, *h;
	int err = 0;

	if (modtool_loaded_list(p->ctx, &loaded) < 0)
		return 0;	/* no /proc/modules: nobody holds it */
	for (size_t i = 0; i < modtool_loaded_count(loaded) && !holders; i++)
		if (mt_streq(modtool_loaded_get_name(loaded, i), name))
			holders = strdup(modtool_loaded_get_holders(loaded, i));
	modtool_loaded_free(loaded);
	while (holders && err >= 0 && *holders) {
		struct modtool_list *one = NULL;

		h = strrchr(holders, ',');
		if (h)
			*h++ = '\0';
		else
			h = holders;
		if (modtool_module_lookup(p->ctx, h, MODTOOL_LOOKUP_NAME_ONLY, &one) > 0)
			err = remove_deep(p, modtool_module_get_name(modtool_list_get(one, 0)),
					  false, true);
		modtool_list_free(one);
		if (h == holders)
			break;
	}
	free(holders);
	return err < 0 ? err : 0;
}

/* Is @name there to remove?  1: yes; else 0 or a negative errno to stop with. */
static int removable(const struct probe *p, const char *name, bool ignore_builtin)
{
	int state = modtool_module_get_state(p->ctx, name);

	if (state < 0 || state == MODTOOL_STATE_NOT_LOADED) {
		if (!has(p, MODTOOL_PROBE_FIRST_TIME))
			return 0;
		tell_name(p, MODTOOL_PROBE_NOT_LOADED, name);
		return -ENOENT;
	}
	if (state == MODTOOL_STATE_BUILTIN) {
		if (ignore_builtin)
			return 0;
		tell_name(p, MODTOOL_PROBE_IS_BUILTIN, name);
		return -ENOENT;
	}
	return 1;
}

/* After @name went: its dependencies that nothing uses any more. */
static void remove_unused_dependencies(const struct probe *p, const char *name)
{
	struct modtool_list *deps;

	if (modtool_resolve_dependencies(p->ctx, name, &deps) < 0)
		return;
	for (size_t i = 0; i < modtool_list_count(deps); i++) {
		const char *d = modtool_module_get_name(modtool_list_get(deps, i));

		if (modtool_module_get_refcount(p->ctx, d) == 0)
			remove_module(p, d);
	}
	modtool_list_free(deps);
}

/* kmod's order: post softdeps, holders, the module, unused dependencies, pre softdeps. */
static int remove_module_deep(struct probe *p, const char *name, bool holders,
			      bool ignore_builtin)
{
	bool check = !has(p, MODTOOL_PROBE_IGNORE_LOADED);
	struct modtool_list *pre = NULL, *post = NULL;
	const char *cmd = NULL;
	int err = 0;

	if (!has(p, MODTOOL_PROBE_IGNORE_COMMANDS)) {
		err = modtool_resolve_softdeps(p->ctx, name, &pre, &post);
		if (err < 0)
			return err;
		cmd = modtool_resolve_command(p->ctx, name, true);
	}
	if (!cmd && check) {
		err = removable(p, name, ignore_builtin);
		if (err <= 0)
			goto out;
	}
	remove_list_reverse(p, post);
	if (holders) {
		err = remove_holders(p, name);
		if (err < 0)
			goto out;
	}
	if (!cmd && check && !p->wait_msec && modtool_module_get_refcount(p->ctx, name) > 0) {
		tell_name(p, MODTOOL_PROBE_IN_USE, name);
		err = -EBUSY;
		goto out;
	}
	err = cmd ? run_command(p, MODTOOL_PROBE_RUN_REMOVE, name, cmd, "")
		  : remove_module(p, name);
	if (err < 0)
		goto out;
	if (!cmd)
		remove_unused_dependencies(p, name);
	remove_list_reverse(p, pre);
out:
	modtool_list_free(pre);
	modtool_list_free(post);
	return err;
}

static int remove_deep(struct probe *p, const char *name, bool holders, bool ignore_builtin)
{
	struct removing self = { name, p->removing };
	int err;

	/* softdeps in a loop (a post: b, b post: a): b's removal leaves a to the outer one */
	for (const struct removing *r = p->removing; r; r = r->outer)
		if (mt_streq(r->name, name))
			return 0;
	if (p->depth >= REMOVE_MAX_DEPTH) {
		mt_err(p->ctx, "%s: soft dependencies nested too deep\n", name);
		return -ELOOP;
	}
	p->depth++;
	p->removing = &self;
	err = remove_module_deep(p, name, holders, ignore_builtin);
	p->removing = self.outer;
	p->depth--;
	return err;
}

MT_EXPORT int modtool_probe_remove(struct modtool_module *mod, unsigned int flags,
				   unsigned long wait_msec, modtool_probe_fn fn, void *data)
{
	struct probe p = { .flags = flags, .wait_msec = wait_msec, .fn = fn, .data = data };

	if (!mod || (flags & ~PROBE_ALL_FLAGS))
		return -EINVAL;
	p.ctx = mt_module_ctx(mod);
	return remove_deep(&p, modtool_module_get_name(mod), flags & MODTOOL_PROBE_REMOVE_HOLDERS,
			   flags & MODTOOL_PROBE_IGNORE_BUILTIN);
}
